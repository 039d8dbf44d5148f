"""The defects hostile testing found (issue 13): each test failed before its fix."""

from __future__ import annotations

import gc
import multiprocessing
import os
import socket
import stat
import struct
import sys
import tempfile
import threading
import unittest
from typing import Any, List
from unittest import mock

import pusm
from pusm import _lock, _memory

from .support import TempDirTestCase, hook_bytes, wait_for, write_raw

needs_ofd_locks = unittest.skipUnless(_lock.SUPPORTED, "OFD locks are Linux-only")
needs_fork = unittest.skipUnless(sys.platform.startswith("linux"), "the racers are forked (Linux)")

RACERS = 4
RACE_ROUNDS = 300


def _racer(index: int, prefix: str, tmp: str, barrier: Any, results: Any) -> None:
    """One of RACERS processes creating ``prefix-<round>`` with replace_stale at once."""
    tempfile.tempdir = tmp
    os.environ["TMPDIR"] = tmp
    for round_ in range(RACE_ROUNDS):
        barrier.wait()  # the stale files are in place: go
        sm = None
        try:
            sm = pusm.SharedMemory("%s-%d" % (prefix, round_), 64, True, replace_stale=True)
        except pusm.PusmError as err:
            outcome = type(err).__name__
        else:
            sm.write_int32(0, index + 1)
            outcome = "OK"
        results.put((round_, index, outcome))
        barrier.wait()  # the parent checks the winner's files
        barrier.wait()
        if sm is not None:
            sm.delete()


@needs_ofd_locks
@needs_fork
class ReplaceStaleRaceTest(TempDirTestCase):
    def test_exactly_one_of_concurrent_replacers_wins_and_keeps_its_files(self) -> None:
        ctx = multiprocessing.get_context("fork")
        barrier = ctx.Barrier(RACERS + 1, timeout=60)
        results = ctx.Queue()
        prefix = self.new_prefix("race")
        racers = [
            ctx.Process(target=_racer, args=(i, prefix, self.tmp, barrier, results))
            for i in range(RACERS)
        ]
        for racer in racers:
            racer.start()
        failures: List[str] = []
        try:
            for round_ in range(RACE_ROUNDS):
                name = "%s-%d" % (prefix, round_)
                # A dead conversation's leftovers: a complete hook nobody holds.
                write_raw(self.dir, name, hook_bytes(1, 1, 16, 0, 1, 0))
                write_raw(self.dir, name + "_", b"stale data")
                barrier.wait()
                outcomes = sorted(results.get(timeout=60) for _ in range(RACERS))
                barrier.wait()
                winners = [i for (_, i, outcome) in outcomes if outcome == "OK"]
                losers = {outcome for (_, _, outcome) in outcomes if outcome != "OK"}
                problem = self._check_winner(name, winners, losers)
                if problem:
                    failures.append("round %d: %s (%s)" % (round_, problem, outcomes))
                barrier.wait()
        finally:
            for racer in racers:
                racer.join(60)
                if racer.is_alive():
                    racer.kill()
                    racer.join()
        self.assertEqual(failures, [], "%d of %d rounds" % (len(failures), RACE_ROUNDS))
        self.assertEqual([r.exitcode for r in racers], [0] * RACERS)

    def _check_winner(self, name: str, winners: List[int], losers: Any) -> str:
        if len(winners) != 1:
            return "%d winners" % len(winners)
        if losers - {"AlreadyExistsError"}:
            return "a loser failed otherwise"
        if sorted(os.listdir(self.dir)) != sorted([name, name + "_"]):
            return "files %s" % sorted(os.listdir(self.dir))
        data = self.read_file(name + "_")
        if len(data) != 64 or struct.unpack_from("<i", data)[0] != winners[0] + 1:
            return "the data file is not the winner's"
        fd = os.open(self.path(name), os.O_RDONLY)
        try:
            if not _lock.is_locked(fd, 12):
                return "the hook at the name is not the winner's"
        finally:
            os.close(fd)
        return ""

    def test_a_hook_being_written_is_not_replaced(self) -> None:
        prefix = self.new_prefix()
        write_raw(self.dir, prefix, b"")  # a creator between creating and writing
        with self.assertRaises(pusm.AlreadyExistsError) as ctx:
            pusm.SharedMemory(prefix, 8, True, replace_stale=True)
        self.assertIn("being created", str(ctx.exception))
        self.assertEqual(self.listing(), [prefix])
        # Left unfinished for long, it is a leftover like any other.
        os.utime(self.path(prefix), (0, 0))
        self.create(prefix, 8, replace_stale=True).delete()


class ImplicitCloseTest(TempDirTestCase):
    """Rule B: garbage collection and exit set the closed flag only while holding control."""

    def _creator_handing_over(self, prefix: str) -> pusm.SharedMemory:
        a = self.create(prefix, 8, timeout=10)
        a.give_control(wait=False)
        return a

    @needs_ofd_locks
    def test_garbage_collected_after_handing_over_keeps_the_message(self) -> None:
        prefix = self.new_prefix()
        a = self.create(prefix, 8, timeout=10)
        waiting = threading.Thread(target=a.give_control)
        waiting.start()
        b = pusm.SharedMemory(prefix, 0, False, 10, role=pusm.ROLE_UNITY)
        # While a waits it sees b's liveness lock: b is a pusm peer.
        self.assertTrue(wait_for(lambda: a._peer_seen_alive))
        b.write_int32(0, 42)
        b.give_control(wait=False)
        waiting.join()
        del b
        gc.collect()
        # An original receiver fails every call once the closed flag is set.
        self.assertEqual(self.read_file(prefix)[12:15], b"\x01\x00\x00")
        self.assertEqual(a.read_int32(0), (42, 4))
        with self.assertRaises(pusm.PeerDiedError):
            a.give_control()  # the released liveness lock tells a pusm peer
        self.assertEqual(self.listing(), [])

    @needs_ofd_locks
    def test_exit_after_handing_over_keeps_the_message(self) -> None:
        prefix = self.new_prefix()
        a = self.create(prefix, 8, timeout=30)
        waiting = threading.Thread(target=a.give_control)
        waiting.start()
        go = os.path.join(self.tmp, "go")
        peer = self.spawn("hand_over_and_exit", prefix, go)
        self.expect_line(peer, "JOINED")
        self.assertTrue(wait_for(lambda: a._peer_seen_alive))
        write_raw(self.tmp, "go", b"")
        self.expect_line(peer, "EXITING")
        self.finish(peer)
        waiting.join()
        self.assertEqual(self.read_file(prefix)[12:15], b"\x01\x00\x00")
        self.assertEqual(a.read_int32(0), (42, 4))
        with self.assertRaises(pusm.PeerDiedError):
            a.give_control()

    def test_garbage_collected_while_holding_control_marks_closed(self) -> None:
        prefix = self.new_prefix()
        a = self._creator_handing_over(prefix)
        b = pusm.SharedMemory(prefix, 0, False, 10, role=pusm.ROLE_UNITY)
        del b
        gc.collect()
        self.assertEqual(self.read_file(prefix)[14], 1)
        with self.assertRaises(pusm.PeerClosedError):
            a.wait_unblocked()

    def test_explicit_close_after_handing_over_marks_closed(self) -> None:
        prefix = self.new_prefix()
        a = self._creator_handing_over(prefix)
        b = self.track(pusm.SharedMemory(prefix, 0, False, 10, role=pusm.ROLE_UNITY))
        b.give_control(wait=False)
        b.close()
        self.assertEqual(self.read_file(prefix)[14], 1)


class ResizeCleanupTest(TempDirTestCase):
    def test_two_resizes_in_one_turn_leave_no_intermediate_file(self) -> None:
        """With an original peer (which removes only the file it had mapped) the file
        of the first resize would stay forever: the resizer removes it itself."""
        prefix = self.new_prefix()
        sm = self.create(prefix, 8)
        sm.write_int32(4, 9)
        sm.resize(16)
        sm.resize(32)
        sm.resize(64)
        self.assertEqual(self.listing(), [prefix, prefix + "_", prefix + "____"])
        self.assertEqual(self.read_file(prefix)[4:12], struct.pack("<ii", 4, 64))
        self.assertEqual(sm.read_int32(4)[0], 9)

    def test_a_file_the_peer_mapped_is_left_to_the_peer(self) -> None:
        prefix = self.new_prefix()
        a, b = self.pair(prefix, 8)
        a.resize(16)
        a.give_control(wait=False)
        b.write_int32(12, 5)  # b follows to file 2 and removes file 1
        b.give_control(wait=False)
        a.resize(32)  # b has file 2 mapped: only b may remove it
        self.assertEqual(self.listing(), [prefix, prefix + "__", prefix + "___"])
        a.give_control(wait=False)
        self.assertEqual(b.read_int32(12)[0], 5)
        self.assertEqual(self.listing(), [prefix, prefix + "___"])


class DirectoryTest(TempDirTestCase):
    def test_world_writable_directory_without_sticky_bit_is_refused(self) -> None:
        os.makedirs(self.dir)
        os.chmod(self.dir, 0o777)
        prefix = self.new_prefix()
        for create in (True, False):
            with self.assertRaises(pusm.UnsafeFileError) as ctx:
                pusm.SharedMemory(prefix, 8, create, 0.1)
            self.assertIn("world-writable", str(ctx.exception))
            self.assertIn(self.dir, str(ctx.exception))
        self.assertEqual(stat.S_IMODE(os.stat(self.dir).st_mode), 0o777, "never chmod-ed")
        self.assertEqual(self.listing(), [])
        os.chmod(self.dir, 0o1777)  # like /tmp itself: accepted
        self.create(prefix, 8).delete()


class FileKindTest(TempDirTestCase):
    """Rule C: what is not a regular file of ours, with one link, is UnsafeFileError."""

    def _assert_unsafe(self, prefix: str, path: str, reason: str, **kwargs: Any) -> None:
        for create in (False, True):
            with self.subTest(create=create, **kwargs):
                with mock.patch.object(_memory, "JOIN_GRACE", 0.1):
                    with self.assertRaises(pusm.UnsafeFileError) as ctx:
                        pusm.SharedMemory(prefix, 16, create, 1, role=pusm.ROLE_UNITY, **kwargs)
                self.assertIn(path, str(ctx.exception))
                self.assertIn(reason, str(ctx.exception))

    def test_directory_at_the_hook_or_data_name(self) -> None:
        prefix = self.new_prefix()
        os.makedirs(self.path(prefix))
        self._assert_unsafe(prefix, self.path(prefix), "a directory")
        self._assert_unsafe(prefix, self.path(prefix), "a directory", replace_stale=True)
        os.rmdir(self.path(prefix))
        os.mkdir(self.path(prefix + "_"))
        write_raw(self.dir, prefix, hook_bytes(1, 1, 16, 0, 1, 0))
        with self.assertRaises(pusm.UnsafeFileError) as ctx:
            pusm.SharedMemory(prefix, 16, False, 1, role=pusm.ROLE_UNITY)
        self.assertIn(self.path(prefix + "_"), str(ctx.exception))
        os.unlink(self.path(prefix))
        with self.assertRaises(pusm.UnsafeFileError):
            pusm.SharedMemory(prefix, 16, True)
        self.assertEqual(self.listing(), [prefix + "_"], "the new hook is removed again")

    def test_directory_at_the_next_data_name_on_resize(self) -> None:
        prefix = self.new_prefix()
        sm = self.create(prefix, 8)
        os.mkdir(self.path(prefix + "__"))
        with self.assertRaises(pusm.UnsafeFileError) as ctx:
            sm.resize(16)
        self.assertIn("a directory", str(ctx.exception))
        self.assertEqual(sm.capacity, 8)

    @unittest.skipUnless(hasattr(socket, "AF_UNIX"), "needs Unix sockets")
    def test_socket_at_the_hook_name(self) -> None:
        prefix = self.new_prefix()
        os.makedirs(self.dir, mode=0o700)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.addCleanup(server.close)
        server.bind(self.path(prefix))
        self._assert_unsafe(prefix, self.path(prefix), "a socket")

    @unittest.skipUnless(hasattr(os, "mkfifo"), "needs FIFOs")
    def test_fifo_at_the_hook_name(self) -> None:
        prefix = self.new_prefix()
        os.makedirs(self.dir, mode=0o700)
        os.mkfifo(self.path(prefix), 0o600)
        self._assert_unsafe(prefix, self.path(prefix), "a FIFO")

    def test_hard_link_at_the_hook_name(self) -> None:
        prefix = self.new_prefix()
        other = write_raw(self.tmp, "precious", hook_bytes(1, 1, 16, 0, 1, 0))
        write_raw(self.dir, prefix + "_", bytes(16))
        os.link(other, self.path(prefix))
        self._assert_unsafe(prefix, self.path(prefix), "2 hard links")
        self._assert_unsafe(prefix, self.path(prefix), "2 hard links", replace_stale=True)
        with open(other, "rb") as f:
            self.assertEqual(f.read(), hook_bytes(1, 1, 16, 0, 1, 0), "the other file is intact")

    def test_hard_link_at_the_data_name(self) -> None:
        prefix = self.new_prefix()
        other = write_raw(self.tmp, "precious", bytes(16))
        write_raw(self.dir, prefix, hook_bytes(1, 1, 16, 0, 1, 0))
        os.link(other, self.path(prefix + "_"))
        with self.assertRaises(pusm.UnsafeFileError) as ctx:
            pusm.SharedMemory(prefix, 16, False, 1, role=pusm.ROLE_UNITY)
        self.assertIn(self.path(prefix + "_"), str(ctx.exception))
        self.assertIn("hard links", str(ctx.exception))


class CorruptPeerTest(TempDirTestCase):
    def test_peer_resizing_to_an_impossible_capacity(self) -> None:
        for capacity in (-1, 0, 8):
            with self.subTest(capacity=capacity):
                prefix = self.new_prefix()
                a, b = self.pair(prefix, 8)
                a.give_control(wait=False)
                b.read_int32(0)
                # A broken peer's resize: file 2 announced with capacity <= 8.
                write_raw(self.dir, prefix + "__", bytes(64))
                with open(self.path(prefix), "r+b") as f:
                    f.seek(4)
                    f.write(struct.pack("<ii", 2, capacity) + b"\x01\x00")
                with self.assertRaises(pusm.CorruptHookError) as ctx:
                    a.read_int32(0)
                self.assertIn("capacity %d" % capacity, str(ctx.exception))

    def test_version_zero_after_the_grace_period_is_corrupt(self) -> None:
        prefix = self.new_prefix()
        write_raw(self.dir, prefix, hook_bytes(0, 1, 16, 0, 1, 0))
        write_raw(self.dir, prefix + "_", bytes(16))
        with mock.patch.object(_memory, "JOIN_GRACE", 0.1):
            with self.assertRaises(pusm.CorruptHookError) as ctx:
                pusm.SharedMemory(prefix, 16, False, 5, role=pusm.ROLE_UNITY)
        self.assertIn("version 0", str(ctx.exception))
        self.assertIn("never finished writing", str(ctx.exception))


class NameLengthTest(TempDirTestCase):
    def test_prefix_must_leave_room_for_the_first_data_file(self) -> None:
        cases = {
            "x" * 255: "255 bytes",
            "x" * 300: "300 bytes",
            "日" * 85: "255 bytes",  # 85 characters, 255 bytes of UTF-8
            "a\udc80b": "not encodable",
            "\ud800": "not encodable",
        }
        for prefix, reason in cases.items():
            for create in (True, False):
                with self.subTest(prefix=prefix[:10], create=create):
                    with self.assertRaises(pusm.InvalidPrefixError) as ctx:
                        pusm.SharedMemory(prefix, 8, create, 0.1)
                    self.assertIn(reason, str(ctx.exception))
            with self.assertRaises(pusm.InvalidPrefixError):
                pusm.delete_files(prefix)
        self.assertEqual(self.listing(), [])
        longest = "y" * 254
        self.create(longest, 8).delete()

    def test_resize_past_the_name_limit(self) -> None:
        prefix = "z%d-" % os.getpid()
        prefix += "z" * (250 - len(prefix))
        sm = self.create(prefix, 8)
        for capacity in (16, 32, 64, 128):  # data files 2..5: names of 252..255 bytes
            sm.resize(capacity)
        before = self.read_file(prefix)
        with self.assertRaises(pusm.InvalidResizeError) as ctx:
            sm.resize(256)
        self.assertIn("the data file name would exceed 255 bytes", str(ctx.exception))
        self.assertEqual(self.read_file(prefix), before, "nothing changed")
        self.assertEqual(self.listing(), [prefix, prefix + "_", prefix + "_" * 5])
        sm.delete()


if __name__ == "__main__":
    unittest.main()
