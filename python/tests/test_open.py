"""Opening: prefixes, files left by others, hand-made hooks, roles, timeouts."""

from __future__ import annotations

import os
import struct
import threading
import time
import unittest
from unittest import mock

import pusm
from pusm import _lock, _memory

from .support import TempDirTestCase, hook_bytes, write_raw

needs_ofd_locks = unittest.skipUnless(_lock.SUPPORTED, "OFD locks are Linux-only")


class PrefixTest(TempDirTestCase):
    def test_invalid_prefixes(self) -> None:
        cases = {
            "": "empty",
            "abc_": "end with '_'",
            "a/b": "'/'",
            "a\\b": "'\\'",
            "a\0b": "NUL",
            "a..b": "'..'",
            "..": "'..'",
            ".hidden": "start with '.'",
        }
        for prefix, rule in cases.items():
            for create in (True, False):
                with self.assertRaises(pusm.InvalidPrefixError) as ctx:
                    pusm.SharedMemory(prefix, 8, create, 0.1)
                self.assertIn(repr(prefix), str(ctx.exception))
                self.assertIn(rule, str(ctx.exception))
                self.assertIsInstance(ctx.exception, ValueError)
            with self.assertRaises(pusm.InvalidPrefixError):
                pusm.delete_files(prefix)
        with self.assertRaises(pusm.InvalidPrefixError):
            pusm.SharedMemory(3, 8, True)  # type: ignore[arg-type]
        self.assertEqual(self.listing(), [])

    def test_valid_unusual_prefixes(self) -> None:
        for prefix in ("a_b", "a.b", "my-file", "x" * 100, "日本"):
            sm = self.create(prefix, 4)
            self.assertTrue(os.path.exists(self.path(prefix + "_")))
            sm.delete()

    def test_delete_files_removes_only_the_conversation(self) -> None:
        for name in ("p", "p_", "p__", "p___", "pother", "p_x", "p-1", "q_"):
            write_raw(self.dir, name, b"x")
        pusm.delete_files("p")
        self.assertEqual(self.listing(), ["p-1", "p_x", "pother", "q_"])
        pusm.delete_files("nothing-here")  # missing files are fine

    def test_delete_files_without_directory(self) -> None:
        pusm.delete_files("p")
        self.assertEqual(self.listing(), [])


class ArgumentTest(TempDirTestCase):
    def test_invalid_role(self) -> None:
        with self.assertRaises(pusm.InvalidArgumentError) as ctx:
            pusm.SharedMemory(self.new_prefix(), 8, True, role="rust")
        self.assertIn("'rust'", str(ctx.exception))
        self.assertIsInstance(ctx.exception, ValueError)

    def test_invalid_wait_strategy(self) -> None:
        with self.assertRaises(pusm.InvalidArgumentError):
            pusm.SharedMemory(self.new_prefix(), 8, True, wait_strategy="nap")

    def test_invalid_capacity(self) -> None:
        for bad in (-1, 2**31):
            with self.assertRaises(pusm.InvalidArgumentError) as ctx:
                pusm.SharedMemory(self.new_prefix(), bad, True)
            self.assertIn(str(bad), str(ctx.exception))
        with self.assertRaises(pusm.InvalidTypeError):
            pusm.SharedMemory(self.new_prefix(), 8.0, True)  # type: ignore[arg-type]
        self.assertEqual(self.listing(), [])

    def test_zero_capacity(self) -> None:
        prefix = self.new_prefix()
        sm = self.create(prefix, 0)
        self.assertEqual(sm.write_bytes(0, b""), 0)
        data, end = sm.read_bytes(0, 0)
        self.assertEqual((type(data), data, end), (bytes, b"", 0))
        for access in (
            lambda: sm.read_bool(0),
            lambda: sm.read_bytes(0, 1),
            lambda: sm.write_bytes(0, b"x"),
            lambda: sm.write_int32(0, 1),
            lambda: sm.read_float32(0),
        ):
            with self.assertRaises(pusm.OutOfBoundsError):
                access()
        sm.resize(4)
        self.assertEqual(sm.read_int32(0), (0, 4))

    def test_already_exists(self) -> None:
        prefix = self.new_prefix()
        self.create(prefix, 8)
        with self.assertRaises(pusm.AlreadyExistsError) as ctx:
            pusm.SharedMemory(prefix, 8, True)
        self.assertIsInstance(ctx.exception, FileExistsError)
        self.assertIn(repr(prefix), str(ctx.exception))

    def test_leftover_data_file_without_hook(self) -> None:
        prefix = self.new_prefix()
        write_raw(self.dir, prefix + "_", b"old")
        with self.assertRaises(pusm.AlreadyExistsError) as ctx:
            pusm.SharedMemory(prefix, 8, True)
        self.assertIn(prefix + "_", str(ctx.exception))
        self.assertEqual(self.listing(), [prefix + "_"], "our hook was removed again")
        sm = self.create(prefix, 8, replace_stale=True)
        self.assertEqual(self.read_file(prefix + "_"), bytes(8))
        sm.delete()


class HandMadeHookTest(TempDirTestCase):
    def test_version_mismatch(self) -> None:
        prefix = self.new_prefix()
        write_raw(self.dir, prefix, hook_bytes(2, 1, 16, 0, 1, 0))
        write_raw(self.dir, prefix + "_", bytes(16))
        with self.assertRaises(pusm.VersionMismatchError) as ctx:
            pusm.SharedMemory(prefix, 16, False, 5, role=pusm.ROLE_UNITY)
        self.assertEqual((ctx.exception.found, ctx.exception.expected), (2, 1))
        self.assertIn("version 2", str(ctx.exception))
        self.assertEqual(
            self.listing(), [prefix, prefix + "_"], "someone else's files are left alone"
        )

    def test_truncated_hook(self) -> None:
        prefix = self.new_prefix()
        write_raw(self.dir, prefix, hook_bytes(1, 1, 16, 0, 1, 0)[:7])
        write_raw(self.dir, prefix + "_", bytes(16))
        start = time.perf_counter()
        with self.assertRaises(pusm.CorruptHookError) as ctx:
            pusm.SharedMemory(prefix, 16, False, 30, role=pusm.ROLE_UNITY)
        self.assertLess(time.perf_counter() - start, 10.0)
        self.assertIn("7 bytes", str(ctx.exception))
        self.assertIn(self.path(prefix), str(ctx.exception))

    def test_a_file_number_that_cannot_name_a_file_is_corrupt(self) -> None:
        prefix = self.new_prefix()
        write_raw(self.dir, prefix, hook_bytes(1, 2**31 - 1, 16, 0, 1, 0))
        start = time.perf_counter()
        with self.assertRaises(pusm.CorruptHookError) as ctx:
            pusm.SharedMemory(prefix, 16, False, 5, role=pusm.ROLE_UNITY)
        self.assertLess(time.perf_counter() - start, 10.0, "no 2 GiB file name is built")
        self.assertIn("2147483647", str(ctx.exception))

    def test_hook_completed_late_is_accepted(self) -> None:
        """A creator (of any runtime) creates the hook, then writes it."""
        prefix = self.new_prefix()
        path = write_raw(self.dir, prefix, b"")
        write_raw(self.dir, prefix + "_", bytes(16))

        def finish_writing() -> None:
            time.sleep(0.2)
            with open(path, "r+b") as f:
                f.write(hook_bytes(1, 1, 16, 0, 1, 0))

        writer = threading.Thread(target=finish_writing)
        writer.start()
        try:
            sm = self.track(pusm.SharedMemory(prefix, 16, False, 10, role=pusm.ROLE_UNITY))
        finally:
            writer.join()
        self.assertEqual(sm.capacity, 16)

    def test_data_file_smaller_than_capacity(self) -> None:
        prefix = self.new_prefix()
        write_raw(self.dir, prefix, hook_bytes(1, 1, 100, 0, 1, 0))
        write_raw(self.dir, prefix + "_", bytes(10))
        with mock.patch.object(_memory, "JOIN_GRACE", 0.1):
            with self.assertRaises(pusm.CorruptDataError) as ctx:
                pusm.SharedMemory(prefix, 100, False, 5, role=pusm.ROLE_UNITY)
        self.assertIn("10 bytes", str(ctx.exception))
        self.assertIn("100", str(ctx.exception))

    def test_data_file_missing(self) -> None:
        prefix = self.new_prefix()
        write_raw(self.dir, prefix, hook_bytes(1, 2, 100, 0, 1, 0))
        with mock.patch.object(_memory, "JOIN_GRACE", 0.1):
            with self.assertRaises(pusm.NotFoundError) as ctx:
                pusm.SharedMemory(prefix, 100, False, 5, role=pusm.ROLE_UNITY)
        self.assertIn(self.path(prefix + "__"), str(ctx.exception))

    def test_joiner_uses_the_hook_file_number_and_capacity(self) -> None:
        prefix = self.new_prefix()
        write_raw(self.dir, prefix, hook_bytes(1, 3, 12, 0, 1, 0))
        write_raw(self.dir, prefix + "___", struct.pack("<i", 77) + bytes(8))
        sm = self.track(pusm.SharedMemory(prefix, 999, False, 5, role=pusm.ROLE_UNITY))
        self.assertEqual((sm.capacity, sm.read_int32(0)[0]), (12, 77))

    def test_original_peer_without_locks_is_never_declared_dead(self) -> None:
        """The original packages take no lock: flags written by hand stand in for one."""
        prefix = self.new_prefix()
        sm = self.create(prefix, 8, timeout=0.3)
        sm.write_int32(0, 1)
        sm.give_control(wait=False)
        with open(self.path(prefix), "r+b") as f:  # the "original peer" answers
            f.seek(12)
            f.write(b"\x01\x00")
        self.assertEqual(sm.read_int32(0)[0], 1)
        start = time.perf_counter()
        with self.assertRaises(pusm.PusmTimeoutError) as ctx:
            sm.give_control()  # it never answers again: a timeout, not "peer died"
        self.assertLess(time.perf_counter() - start, 10.0)
        self.assertIsInstance(ctx.exception, TimeoutError)
        self.assertEqual(self.listing(), [])


class SafetyTest(TempDirTestCase):
    def _plant_symlink(self, name: str, target_content: bytes) -> str:
        target = write_raw(self.tmp, "target-" + name, target_content)
        os.makedirs(self.dir, mode=0o700, exist_ok=True)
        os.symlink(target, self.path(name))
        return target

    def test_symlink_at_the_hook_name(self) -> None:
        prefix = self.new_prefix()
        target = self._plant_symlink(prefix, hook_bytes(1, 1, 16, 0, 1, 0))
        write_raw(self.dir, prefix + "_", bytes(16))
        with self.assertRaises(pusm.UnsafeFileError) as ctx:
            pusm.SharedMemory(prefix, 16, False, 5, role=pusm.ROLE_UNITY)
        self.assertIn(self.path(prefix), str(ctx.exception))
        self.assertIn("symlink", str(ctx.exception))
        for kwargs in ({}, {"replace_stale": True}):
            with self.assertRaises(pusm.UnsafeFileError):
                pusm.SharedMemory(prefix, 16, True, **kwargs)  # type: ignore[arg-type]
        with open(target, "rb") as f:
            self.assertEqual(f.read(), hook_bytes(1, 1, 16, 0, 1, 0), "the target is untouched")

    def test_symlink_at_the_data_name(self) -> None:
        prefix = self.new_prefix()
        write_raw(self.dir, prefix, hook_bytes(1, 1, 16, 0, 1, 0))
        self._plant_symlink(prefix + "_", bytes(16))
        with mock.patch.object(_memory, "JOIN_GRACE", 0.1):
            with self.assertRaises(pusm.UnsafeFileError) as ctx:
                pusm.SharedMemory(prefix, 16, False, 5, role=pusm.ROLE_UNITY)
        self.assertIn(self.path(prefix + "_"), str(ctx.exception))

    def test_symlinked_directory(self) -> None:
        elsewhere = os.path.join(self.tmp, "elsewhere")
        os.mkdir(elsewhere, 0o700)
        os.symlink(elsewhere, self.dir)
        with self.assertRaises(pusm.UnsafeFileError):
            pusm.SharedMemory(self.new_prefix(), 8, True)
        self.assertEqual(os.listdir(elsewhere), [])

    @unittest.skipUnless(hasattr(os, "geteuid") and os.geteuid() == 0, "needs root to chown")
    def test_file_owned_by_another_user(self) -> None:
        prefix = self.new_prefix()
        hook = write_raw(self.dir, prefix, hook_bytes(1, 1, 16, 0, 1, 0))
        write_raw(self.dir, prefix + "_", bytes(16))
        os.chown(hook, 12345, 12345)
        with self.assertRaises(pusm.UnsafeFileError) as ctx:
            pusm.SharedMemory(prefix, 16, False, 5, role=pusm.ROLE_UNITY)
        self.assertIn("12345", str(ctx.exception))
        self.assertIsInstance(ctx.exception, PermissionError)


class ReplaceStaleTest(TempDirTestCase):
    def test_replaces_leftovers(self) -> None:
        prefix = self.new_prefix()
        write_raw(self.dir, prefix, hook_bytes(1, 2, 16, 0, 1, 0))
        write_raw(self.dir, prefix + "_", b"a")
        write_raw(self.dir, prefix + "__", b"b")
        write_raw(self.dir, prefix + "-other", b"c")
        sm = self.create(prefix, 8, replace_stale=True)
        self.assertEqual(self.listing(), sorted([prefix, prefix + "_", prefix + "-other"]))
        self.assertEqual(self.read_file(prefix), hook_bytes(1, 1, 8, 1, 0, 0))
        sm.delete()

    @needs_ofd_locks
    def test_refuses_a_live_conversation(self) -> None:
        prefix = self.new_prefix()
        live = self.create(prefix, 8)
        live.write_int32(0, 42)
        with self.assertRaises(pusm.AlreadyExistsError) as ctx:
            pusm.SharedMemory(prefix, 8, True, replace_stale=True)
        self.assertIn("live", str(ctx.exception))
        self.assertIn("python", str(ctx.exception))
        self.assertEqual(live.read_int32(0)[0], 42)
        self.assertEqual(self.listing(), [prefix, prefix + "_"])


class RoleAndTimeoutTest(TempDirTestCase):
    @needs_ofd_locks
    def test_same_role_twice_in_one_process(self) -> None:
        prefix = self.new_prefix()
        a = self.create(prefix, 8)
        a.give_control(wait=False)
        with self.assertRaises(pusm.RoleTakenError) as ctx:
            pusm.SharedMemory(prefix, 8, False, 1, role=pusm.ROLE_PYTHON)
        self.assertIn(
            "another live process already plays role python on prefix %r" % prefix,
            str(ctx.exception),
        )
        b = self.track(pusm.SharedMemory(prefix, 8, False, 1, role=pusm.ROLE_UNITY))
        b.give_control(wait=False)
        a.wait_unblocked()

    def test_give_control_times_out(self) -> None:
        prefix = self.new_prefix()
        sm = self.create(prefix, 8, timeout=0.3)
        start = time.perf_counter()
        with self.assertRaises(pusm.PusmTimeoutError) as ctx:
            sm.give_control()
        self.assertGreaterEqual(time.perf_counter() - start, 0.29)
        self.assertLess(time.perf_counter() - start, 10.0)
        self.assertIn(prefix, str(ctx.exception))
        self.assertEqual(self.listing(), [], "a timeout deletes the files")
        self.assertTrue(sm.closed)

    def test_spin_strategy_times_out_too(self) -> None:
        prefix = self.new_prefix()
        sm = self.create(prefix, 8, timeout=0.1, wait_strategy=pusm.WAIT_SPIN)
        with self.assertRaises(pusm.PusmTimeoutError):
            sm.give_control()

    def test_non_positive_timeout_means_none(self) -> None:
        for timeout in (0, -1, None):
            prefix = self.new_prefix()

            def late_creator() -> None:
                time.sleep(0.4)
                creator = self.create(prefix, 8)
                creator.write_int32(0, 5)
                creator.give_control(wait=False)

            thread = threading.Thread(target=late_creator)
            thread.start()
            try:
                sm = self.track(pusm.SharedMemory(prefix, 8, False, timeout, role=pusm.ROLE_UNITY))
            finally:
                thread.join()
            self.assertEqual(sm.read_int32(0)[0], 5)
            self.assertEqual(sm._timeout, None)
            sm.delete()

    def test_not_found(self) -> None:
        prefix = self.new_prefix()
        with self.assertRaises(pusm.NotFoundError) as ctx:
            pusm.SharedMemory(prefix, 8, False, 0.2)
        self.assertIn(repr(prefix), str(ctx.exception))
        self.assertIn(self.dir, str(ctx.exception))
        self.assertIsInstance(ctx.exception, FileNotFoundError)

    @needs_ofd_locks
    def test_peer_that_releases_its_lock_without_closing_died(self) -> None:
        prefix = self.new_prefix()
        a, b = self.pair(prefix, 8)
        a.give_control(wait=False)
        b._abandon()  # what the kernel does when b's process dies: lock gone, no flag
        with self.assertRaises(pusm.PeerDiedError) as ctx:
            a.wait_unblocked()
        self.assertIsInstance(ctx.exception, ConnectionError)
        self.assertEqual(self.listing(), [])

    @needs_ofd_locks
    def test_lock_bytes(self) -> None:
        """Each side holds the lock at its own flag offset; released by close()."""
        prefix = self.new_prefix()
        a, b = self.pair(prefix, 8)
        fd = os.open(self.path(prefix), os.O_RDWR)
        try:
            self.assertEqual((_lock.is_locked(fd, 12), _lock.is_locked(fd, 13)), (True, True))
            self.assertFalse(_lock.is_locked(fd, 14))
            b.close()
            self.assertEqual((_lock.is_locked(fd, 12), _lock.is_locked(fd, 13)), (True, False))
            a.close()
            self.assertEqual((_lock.is_locked(fd, 12), _lock.is_locked(fd, 13)), (False, False))
        finally:
            os.close(fd)
