"""The five primitives: round trips, bounds, and what may be read from memory."""

from __future__ import annotations

import math
import struct

import pusm

from .support import TempDirTestCase


class PrimitiveTest(TempDirTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sm = self.create(self.new_prefix(), 16)

    def tearDown(self) -> None:
        self.sm.delete()
        super().tearDown()

    # -- round trips

    def test_bool_round_trip(self) -> None:
        for value in (True, False):
            self.assertEqual(self.sm.write_bool(3, value), 4)
            self.assertEqual(self.sm.read_bool(3), (value, 4))

    def test_bool_non_zero_reads_true(self) -> None:
        self.sm.write_bytes(0, b"\x07\x00\xff")
        self.assertEqual(self.sm.read_bool(0), (True, 1))
        self.assertEqual(self.sm.read_bool(1), (False, 2))
        self.assertEqual(self.sm.read_bool(2), (True, 3))

    def test_int32_round_trip(self) -> None:
        for value in (0, 1, -1, 123456789, -(2**31), 2**31 - 1):
            self.assertEqual(self.sm.write_int32(4, value), 8)
            self.assertEqual(self.sm.read_int32(4), (value, 8))

    def test_float32_round_trip(self) -> None:
        for value in (0.0, 1.5, -2.25, 3.4028234663852886e38, float("inf"), float("-inf")):
            self.assertEqual(self.sm.write_float32(8, value), 12)
            self.assertEqual(self.sm.read_float32(8), (value, 12))
        self.sm.write_float32(8, 0.1)
        self.assertEqual(
            self.sm.read_float32(8)[0], struct.unpack("<f", struct.pack("<f", 0.1))[0]
        )
        self.sm.write_float32(8, float("nan"))
        self.assertTrue(math.isnan(self.sm.read_float32(8)[0]))

    def test_string_round_trip(self) -> None:
        for value in ("", "abc", "héllo", "日本"):
            end = self.sm.write_string(1, value)
            self.assertEqual(end, 1 + 4 + len(value.encode("utf-8")))
            self.assertEqual(self.sm.read_string(1), (value, end))

    def test_bytes_round_trip(self) -> None:
        self.assertEqual(self.sm.write_bytes(2, b"\x00\x01\xfe"), 5)
        self.assertEqual(self.sm.read_bytes(2, 3), (b"\x00\x01\xfe", 5))
        self.assertIs(type(self.sm.read_bytes(2, 3)[0]), bytes)
        self.assertEqual(self.sm.write_bytes(5, bytearray(b"xy")), 7)
        self.assertEqual(self.sm.write_bytes(7, memoryview(b"zw")), 9)
        self.assertEqual(self.sm.read_bytes(5, 4), (b"xyzw", 9))
        self.assertEqual(self.sm.read_bytes(16, 0), (b"", 16))

    def test_write_bytes_takes_any_buffer(self) -> None:
        import array

        ints = array.array("i", [1, -2])
        self.assertEqual(self.sm.write_bytes(0, memoryview(ints)), 8)
        self.assertEqual(self.sm.read_bytes(0, 8)[0], ints.tobytes())
        strided = memoryview(b"a-b-c-")[::2]
        self.assertEqual(self.sm.write_bytes(8, strided), 11)
        self.assertEqual(self.sm.read_bytes(8, 3)[0], b"abc")

    def test_chaining_offsets(self) -> None:
        o = self.sm.write_int32(0, 7)
        o = self.sm.write_float32(o, 2.5)
        o = self.sm.write_bool(o, True)
        self.assertEqual(o, 9)
        v1, o = self.sm.read_int32(0)
        v2, o = self.sm.read_float32(o)
        v3, o = self.sm.read_bool(o)
        self.assertEqual((v1, v2, v3, o), (7, 2.5, True, 9))

    # -- bounds

    def test_last_valid_offset_and_one_past(self) -> None:
        sm = self.sm
        cases = [
            (lambda o: sm.read_bool(o), lambda o: sm.write_bool(o, True), 15, 16),
            (lambda o: sm.read_int32(o), lambda o: sm.write_int32(o, 1), 12, 13),
            (lambda o: sm.read_float32(o), lambda o: sm.write_float32(o, 1.0), 12, 13),
            (lambda o: sm.read_bytes(o, 2), lambda o: sm.write_bytes(o, b"ab"), 14, 15),
            # a string read only knows its length prefix (4 bytes) before reading it
            (lambda o: sm.read_string(o), lambda o: sm.write_string(o, "ab"), 10, 13),
        ]
        for read, write, last, read_past in cases:
            sm.write_bytes(0, bytes(16))
            write(last)
            read(last)
            before = sm.read_bytes(0, 16)[0]
            with self.assertRaises(pusm.OutOfBoundsError) as ctx:
                write(last + 1)
            self.assertEqual(sm.read_bytes(0, 16)[0], before, "nothing written, not even partly")
            self.assertEqual((ctx.exception.offset, ctx.exception.capacity), (last + 1, 16))
            self.assertIn("offset %d" % (last + 1), str(ctx.exception))
            self.assertIn("capacity 16", str(ctx.exception))
            self.assertIn(sm.prefix, str(ctx.exception))
            with self.assertRaises(pusm.OutOfBoundsError):
                read(read_past)
            with self.assertRaises(IndexError):  # what a user of the original would catch
                read(read_past)

    def test_negative_offsets_and_lengths(self) -> None:
        sm = self.sm
        for call in (
            lambda: sm.read_bool(-1),
            lambda: sm.write_bool(-1, True),
            lambda: sm.read_int32(-1),
            lambda: sm.write_int32(-4, 1),
            lambda: sm.read_float32(-4),
            lambda: sm.write_float32(-1, 1.0),
            lambda: sm.read_string(-4),
            lambda: sm.write_string(-1, ""),
            lambda: sm.read_bytes(-1, 1),
            lambda: sm.write_bytes(-1, b"a"),
        ):
            with self.assertRaises(pusm.OutOfBoundsError) as ctx:
                call()
            self.assertIn("negative offset", str(ctx.exception))
        with self.assertRaises(pusm.OutOfBoundsError) as ctx:
            sm.read_bytes(4, -1)
        self.assertEqual(ctx.exception.length, -1)
        self.assertIn("negative length", str(ctx.exception))

    # -- what memory may hold

    def test_string_with_negative_length(self) -> None:
        self.sm.write_int32(0, -1)
        with self.assertRaises(pusm.InvalidLengthError) as ctx:
            self.sm.read_string(0)
        self.assertIn("-1", str(ctx.exception))
        self.assertIn("offset 0", str(ctx.exception))

    def test_string_length_past_the_end(self) -> None:
        self.sm.write_int32(4, 9)  # 4 + 4 + 9 = 17 > 16
        with self.assertRaises(pusm.InvalidLengthError) as ctx:
            self.sm.read_string(4)
        self.assertIn("runs past the end", str(ctx.exception))
        self.sm.write_int32(4, 8)  # exactly up to the end is fine
        self.assertEqual(self.sm.read_string(4), ("\0" * 8, 16))

    def test_invalid_utf8(self) -> None:
        self.sm.write_int32(2, 3)
        self.sm.write_bytes(6, b"a\xffb")
        with self.assertRaises(pusm.InvalidUtf8Error) as ctx:
            self.sm.read_string(2)
        self.assertIn("offset 2", str(ctx.exception))
        self.assertIn("offset 7", str(ctx.exception))
        self.assertIsInstance(ctx.exception, ValueError)

    # -- what may be written

    def test_int32_out_of_range(self) -> None:
        for value in (2**31, -(2**31) - 1, 10**20):
            with self.assertRaises(pusm.ValueOutOfRangeError) as ctx:
                self.sm.write_int32(0, value)
            self.assertIn(str(value), str(ctx.exception))
            self.assertNotIsInstance(ctx.exception, struct.error)
            self.assertIsInstance(ctx.exception, ValueError)
        with self.assertRaises(pusm.InvalidTypeError):
            self.sm.write_int32(0, "3")  # type: ignore[arg-type]
        with self.assertRaises(pusm.InvalidTypeError):
            self.sm.write_int32(0, 1.5)  # type: ignore[arg-type]

    def test_float32_out_of_range(self) -> None:
        with self.assertRaises(pusm.ValueOutOfRangeError) as ctx:
            self.sm.write_float32(0, 1e300)
        self.assertIn("1e+300", str(ctx.exception))
        with self.assertRaises(pusm.InvalidTypeError):
            self.sm.write_float32(0, "1.0")  # type: ignore[arg-type]

    def test_write_string_needs_str_and_encodable(self) -> None:
        with self.assertRaises(pusm.InvalidTypeError):
            self.sm.write_string(0, b"abc")  # type: ignore[arg-type]
        with self.assertRaises(pusm.ValueOutOfRangeError):
            self.sm.write_string(0, "\ud800")

    def test_write_bytes_rejects_non_buffers(self) -> None:
        with self.assertRaises(pusm.InvalidTypeError):
            self.sm.write_bytes(0, "text")  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            self.sm.write_bytes(0, 12)  # type: ignore[arg-type]

    def test_use_after_close(self) -> None:
        self.sm.close()
        self.sm.close()  # idempotent
        self.assertTrue(self.sm.closed)
        for call in (
            lambda: self.sm.read_int32(0),
            lambda: self.sm.write_bytes(0, b""),
            lambda: self.sm.give_control(),
            lambda: self.sm.wait_unblocked(),
            lambda: self.sm.resize(100),
            lambda: self.sm.blocked,
        ):
            with self.assertRaises(pusm.ClosedError) as ctx:
                call()
            self.assertIn(self.sm.prefix, str(ctx.exception))
