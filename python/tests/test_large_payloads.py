"""Large payloads (issue 15): read_bytes_into and the read-only view."""

from __future__ import annotations

import array
import gc
import os
import unittest

import pusm

from .support import TempDirTestCase

try:
    import numpy
except ImportError:  # pragma: no cover - numpy is an optional extra
    numpy = None  # type: ignore[assignment]


class ReadBytesIntoTest(TempDirTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.a, self.b = self.pair(self.new_prefix(), 64)
        self.payload = bytes(range(64))
        self.a.write_bytes(0, self.payload)
        self.a.give_control(wait=False)

    def test_into_a_bytearray_and_a_memoryview_slice(self) -> None:
        target = bytearray(16)
        self.assertEqual(self.b.read_bytes_into(8, target), 24)
        self.assertEqual(bytes(target), self.payload[8:24])
        whole = bytearray(100)
        self.assertEqual(self.b.read_bytes_into(0, memoryview(whole)[10:74]), 64)
        self.assertEqual(bytes(whole[10:74]), self.payload)
        self.assertEqual(bytes(whole[:10]) + bytes(whole[74:]), bytes(36), "nothing else")

    def test_into_typed_buffers(self) -> None:
        floats = array.array("f", [0.0] * 4)
        self.b.give_control(wait=False)  # a writes four float32
        for i, value in enumerate((1.5, -2.0, 3.25, 1e6)):
            self.a.write_float32(4 * i, value)
        self.a.give_control(wait=False)
        self.assertEqual(self.b.read_bytes_into(0, floats), 16)
        self.assertEqual(list(floats), [1.5, -2.0, 3.25, 1e6])

    @unittest.skipIf(numpy is None, "numpy is not installed")
    def test_into_a_numpy_array(self) -> None:
        target = numpy.zeros((2, 4), dtype=numpy.int32)
        self.assertEqual(self.b.read_bytes_into(0, target), 32)
        expected = numpy.frombuffer(self.payload[:32], dtype="<i4").reshape(2, 4)
        self.assertTrue((target == expected).all())

    def test_empty_buffer_reads_nothing(self) -> None:
        self.assertEqual(self.b.read_bytes_into(64, bytearray()), 64)

    def test_out_of_bounds(self) -> None:
        for offset, size in ((60, 8), (-1, 4), (65, 0), (0, 65)):
            with self.subTest(offset=offset, size=size):
                target = bytearray(b"\xaa" * size)
                with self.assertRaises(pusm.OutOfBoundsError) as ctx:
                    self.b.read_bytes_into(offset, target)
                self.assertEqual((ctx.exception.offset, ctx.exception.length), (offset, size))
                self.assertIn("read_bytes_into", str(ctx.exception))
                self.assertEqual(target, bytearray(b"\xaa" * size), "untouched")

    def test_needs_a_writable_contiguous_buffer(self) -> None:
        cases = {
            "read-only": b"0123",
            "read-only view": memoryview(bytearray(4)).toreadonly(),
            "not contiguous": memoryview(bytearray(8))[::2],
            "str": "abcd",
            "int": 4,
        }
        for name, target in cases.items():
            with self.subTest(name):
                with self.assertRaises(pusm.InvalidTypeError) as ctx:
                    self.b.read_bytes_into(0, target)
                self.assertIsInstance(ctx.exception, TypeError)
                self.assertIn(type(target).__name__, str(ctx.exception))

    def test_waits_for_control_and_refuses_after_close(self) -> None:
        target = bytearray(4)
        self.b.give_control(wait=False)
        self.a.write_bytes(0, b"next")
        self.a.give_control(wait=False)
        self.b.read_bytes_into(0, target)  # b's turn again
        self.assertEqual(bytes(target), b"next")
        self.b.close()
        with self.assertRaises(pusm.ClosedError):
            self.b.read_bytes_into(0, target)


class ViewTest(TempDirTestCase):
    def test_a_read_only_window_on_the_shared_bytes(self) -> None:
        sm = self.create(self.new_prefix(), 32)
        sm.write_bytes(4, b"hello")
        view = sm.view(4, 5)
        self.assertTrue(view.readonly)
        self.assertEqual((view.nbytes, bytes(view)), (5, b"hello"))
        sm.write_bytes(4, b"HELLO")
        self.assertEqual(bytes(view), b"HELLO", "no copy: the view shows the memory itself")
        with self.assertRaises(TypeError):
            view[0] = 0  # type: ignore[index]
        self.assertEqual(bytes(sm.view(32, 0)), b"")
        view.release()

    def test_out_of_bounds(self) -> None:
        sm = self.create(self.new_prefix(), 32)
        for offset, length in ((30, 4), (-1, 2), (0, -1), (33, 0)):
            with self.subTest(offset=offset, length=length):
                with self.assertRaises(pusm.OutOfBoundsError) as ctx:
                    sm.view(offset, length)
                self.assertIn("view", str(ctx.exception))

    @unittest.skipIf(numpy is None, "numpy is not installed")
    def test_numpy_reads_in_place(self) -> None:
        a, b = self.pair(self.new_prefix(), 64)
        values = numpy.arange(16, dtype="<f4")
        a.write_bytes(0, values)
        a.give_control(wait=False)
        with b.view(0, 64) as view:
            seen = numpy.frombuffer(view, dtype="<f4")
            self.assertTrue((seen == values).all())
            self.assertFalse(seen.flags.writeable)
            del seen

    def test_a_kept_view_stays_readable_after_resize_and_close(self) -> None:
        """Stale, never a crash: the old mapping lives until the view is released."""
        prefix = self.new_prefix()
        sm = self.create(prefix, 16)
        sm.write_bytes(0, b"old contents....")
        kept = sm.view(0, 16)
        sm.resize(32)
        sm.write_bytes(0, b"new contents....")
        self.assertEqual(bytes(kept), b"old contents....")
        self.assertEqual(bytes(sm.view(0, 16)), b"new contents....")
        later = sm.view(0, 16)
        sm.delete()
        self.assertEqual(self.listing(), [])
        self.assertEqual(bytes(later), b"new contents....")
        self.assertEqual(bytes(kept), b"old contents....")
        kept.release()
        later.release()
        gc.collect()

    def test_closing_releases_the_mappings_without_views(self) -> None:
        prefix = self.new_prefix()
        sm = self.create(prefix, 4096)
        data = sm._data
        assert data is not None
        sm.view(0, 16).release()
        sm.close()
        self.assertTrue(data.closed, "the data file is unmapped at close")
        self.assertEqual(sorted(os.listdir(self.dir)), [prefix, prefix + "_"])


if __name__ == "__main__":
    unittest.main()
