"""The bytes on disk, read back with plain open().read(), against PROTOCOL.md."""

from __future__ import annotations

import gc
import os
import stat
import struct

import pusm

from .support import TempDirTestCase, hook_bytes


class OnDiskTest(TempDirTestCase):
    def test_hook_and_data_after_create(self) -> None:
        prefix = self.new_prefix()
        sm = self.create(prefix, 100)
        self.assertEqual(self.listing(), [prefix, prefix + "_"])
        hook = self.read_file(prefix)
        self.assertEqual(len(hook), 15)
        self.assertEqual(hook, hook_bytes(1, 1, 100, 1, 0, 0))
        self.assertEqual(hook, b"\x01\0\0\0" b"\x01\0\0\0" b"\x64\0\0\0" b"\x01\x00\x00")
        self.assertEqual(self.read_file(prefix + "_"), bytes(100))
        for name in (prefix, prefix + "_"):
            self.assertEqual(stat.S_IMODE(os.stat(self.path(name)).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(self.dir).st_mode), 0o700)
        self.assertEqual(
            (sm.prefix, sm.capacity, sm.role, sm.blocked), (prefix, 100, "python", False)
        )
        sm.delete()
        self.assertEqual(self.listing(), [])

    def test_unity_creator_sets_its_own_flag(self) -> None:
        prefix = self.new_prefix()
        self.create(prefix, 8, role=pusm.ROLE_UNITY)
        self.assertEqual(self.read_file(prefix), hook_bytes(1, 1, 8, 0, 1, 0))

    def test_primitive_bytes(self) -> None:
        prefix = self.new_prefix()
        sm = self.create(prefix, 40)
        o = sm.write_int32(0, -2)
        o = sm.write_int32(o, 0x01020304)
        o = sm.write_float32(o, 1.5)
        o = sm.write_bool(o, True)
        o = sm.write_bool(o, False)
        o = sm.write_string(o, "hé")
        o = sm.write_bytes(o, b"\xde\xad")
        self.assertEqual(o, 23)
        expected = (
            b"\xfe\xff\xff\xff"  # int32 -2, two's complement, little-endian
            + b"\x04\x03\x02\x01"  # int32 0x01020304
            + b"\x00\x00\xc0\x3f"  # float32 1.5
            + b"\x01\x00"  # bools
            + b"\x03\x00\x00\x00h\xc3\xa9"  # string: byte length 3, then UTF-8
            + b"\xde\xad"  # raw bytes, no length
        )
        self.assertEqual(self.read_file(prefix + "_")[:23], expected)
        self.assertEqual(self.read_file(prefix + "_")[23:], bytes(17))

    def test_give_control_flips_the_flags(self) -> None:
        prefix = self.new_prefix()
        a = self.create(prefix, 8)
        a.give_control(wait=False)
        self.assertTrue(a.blocked)
        self.assertEqual(self.read_file(prefix)[12:], b"\x00\x01\x00")
        b = self.track(pusm.SharedMemory(prefix, 8, False, 5, role=pusm.ROLE_UNITY))
        self.assertFalse(b.blocked)
        b.give_control(wait=False)
        self.assertEqual(self.read_file(prefix)[12:], b"\x01\x00\x00")
        self.assertFalse(a.blocked)

    def test_resize_on_disk(self) -> None:
        prefix = self.new_prefix()
        a, b = self.pair(prefix, 16)
        a.write_bytes(0, b"0123456789abcdef")
        a.resize(40)
        self.assertEqual(a.capacity, 40)
        self.assertEqual(self.read_file(prefix), hook_bytes(1, 2, 40, 1, 0, 0))
        self.assertEqual(self.listing(), [prefix, prefix + "_", prefix + "__"])
        self.assertEqual(self.read_file(prefix + "__"), b"0123456789abcdef" + bytes(24))
        self.assertEqual(a.read_bytes(0, 16)[0], b"0123456789abcdef")
        a.write_int32(36, 7)
        a.give_control(wait=False)
        # The peer follows on its next wait and deletes the old file.
        self.assertEqual(b.read_int32(36), (7, 40))
        self.assertEqual(b.capacity, 40)
        self.assertEqual(self.listing(), [prefix, prefix + "__"])

    def test_two_resizes_in_one_turn(self) -> None:
        prefix = self.new_prefix()
        a, b = self.pair(prefix, 8)
        a.write_int32(4, 9)
        a.resize(16)
        a.resize(32)
        self.assertEqual(self.read_file(prefix)[4:12], struct.pack("<ii", 3, 32))
        a.give_control(wait=False)
        self.assertEqual(b.read_int32(4)[0], 9)
        self.assertEqual(
            self.listing(), [prefix, prefix + "___"], "both files the peer went through"
        )

    def test_resize_must_grow(self) -> None:
        prefix = self.new_prefix()
        sm = self.create(prefix, 16)
        for bad in (16, 8, 0, -1):
            with self.assertRaises(pusm.InvalidResizeError) as ctx:
                sm.resize(bad)
            self.assertIn("strictly greater", str(ctx.exception))
            self.assertIsInstance(ctx.exception, ValueError)
        with self.assertRaises(pusm.InvalidResizeError):
            sm.resize(2**31)
        self.assertEqual(self.read_file(prefix), hook_bytes(1, 1, 16, 1, 0, 0), "nothing changed")
        self.assertEqual(self.listing(), [prefix, prefix + "_"])

    def test_close_sets_the_closed_flag(self) -> None:
        prefix = self.new_prefix()
        a, b = self.pair(prefix, 8)
        b.close()
        self.assertEqual(self.read_file(prefix)[14], 1)
        self.assertEqual(self.listing(), [prefix, prefix + "_"], "close() keeps the files")
        # Holding control, `a` may still read the peer's last message...
        self.assertEqual(a.read_int32(0), (0, 4))
        # ...and learns of the close at the next wait that would block.
        with self.assertRaises(pusm.PeerClosedError) as ctx:
            a.give_control()
        self.assertIsInstance(ctx.exception, ConnectionError)
        self.assertEqual(self.listing(), [])

    def test_the_last_message_before_a_close_is_readable(self) -> None:
        prefix = self.new_prefix()
        a, b = self.pair(prefix, 8)
        a.write_int32(0, 42)
        a.give_control(wait=False)
        a.close()
        self.assertEqual(b.read_int32(0), (42, 4))
        with self.assertRaises(pusm.PeerClosedError):
            b.give_control()
        self.assertEqual(self.listing(), [])

    def test_garbage_collection_closes(self) -> None:
        prefix = self.new_prefix()
        a = self.create(prefix, 8)
        a.give_control(wait=False)
        b = pusm.SharedMemory(prefix, 8, False, 5, role=pusm.ROLE_UNITY)
        del b
        gc.collect()
        self.assertEqual(self.read_file(prefix)[14], 1)
        with self.assertRaises(pusm.PeerClosedError):
            a.wait_unblocked()

    def test_context_manager_deletes(self) -> None:
        prefix = self.new_prefix()
        with pusm.SharedMemory(prefix, 8, True) as sm:
            sm.write_int32(0, 1)
            self.assertEqual(len(self.listing()), 2)
        self.assertTrue(sm.closed)
        self.assertEqual(self.listing(), [])

    def test_delete_removes_every_data_file(self) -> None:
        prefix = self.new_prefix()
        sm = self.create(prefix, 8)
        sm.resize(9)
        sm.resize(10)
        sm.delete()
        sm.delete()  # idempotent
        self.assertEqual(self.listing(), [])

    def test_close_then_delete_removes_the_files(self) -> None:
        prefix = self.new_prefix()
        sm = self.create(prefix, 8)
        sm.close()
        self.assertEqual(self.listing(), [prefix, prefix + "_"])
        sm.delete()
        self.assertEqual(self.listing(), [])

    def test_delete_spares_a_newer_conversation(self) -> None:
        prefix = self.new_prefix()
        old = self.create(prefix, 8)
        pusm.delete_files(prefix)  # e.g. the peer gave up and deleted the files
        new = self.create(prefix, 8)
        old.delete()
        self.assertEqual(self.listing(), [prefix, prefix + "_"])
        self.assertEqual(self.read_file(prefix)[14], 0, "the new hook is not marked closed")
        new.delete()
        self.assertEqual(self.listing(), [])
