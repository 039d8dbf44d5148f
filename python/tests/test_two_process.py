"""Two real processes talking through pusm (the peer is tests/peer.py)."""

from __future__ import annotations

import os
import struct
import threading
import time
import unittest

import pusm
from pusm import _lock

from .support import TempDirTestCase, wait_for

needs_ofd_locks = unittest.skipUnless(_lock.SUPPORTED, "OFD locks are Linux-only")


class TwoProcessTest(TempDirTestCase):
    def test_2000_handoffs_with_checked_values(self) -> None:
        prefix = self.new_prefix()
        n = 2000
        sm = self.create(prefix, 64, timeout=30)
        peer = self.spawn("handoff", prefix, n)
        for i in range(n):
            sm.write_int32(0, 2 * i)
            sm.write_string(4, "main %d" % i)
            sm.give_control()
            self.assertEqual(sm.read_int32(0)[0], 2 * i + 1)
            self.assertEqual(sm.read_string(4)[0], "peer %d" % i)
        self.expect_line(peer, "JOINED")
        self.expect_line(peer, "DONE")
        # Closing on our side gives the waiting peer PeerClosedError.
        sm.close()
        self.expect_line(peer, "RESULT PeerClosedError")
        self.finish(peer)
        self.assertEqual(self.listing(), [], "the peer deletes the files")

    def test_joiner_waits_for_a_late_creator(self) -> None:
        prefix = self.new_prefix()
        peer = self.spawn("handoff", prefix, 1)
        time.sleep(0.3)  # the joiner is polling for the hook meanwhile
        self.assertEqual(self.listing(), [])
        sm = self.create(prefix, 64, timeout=30)
        sm.write_int32(0, 0)
        sm.write_string(4, "main 0")
        sm.give_control()
        self.assertEqual(sm.read_int32(0)[0], 1)
        self.assertEqual(sm.read_string(4)[0], "peer 0")
        self.expect_line(peer, "JOINED")
        sm.delete()
        self.expect_line(peer, "DONE")
        self.expect_line(peer, "RESULT PeerClosedError")
        self.finish(peer)

    def test_resize_by_each_side(self) -> None:
        prefix = self.new_prefix()
        sm = self.create(prefix, 64, timeout=30)
        peer = self.spawn("resize", prefix)
        sm.write_int32(0, 11)
        sm.give_control()
        self.assertEqual(sm.read_int32(4)[0], 22)
        sm.resize(128)
        sm.write_int32(120, 33)
        self.assertTrue(os.path.exists(self.path(prefix + "_")), "the resizer keeps the old file")
        sm.give_control()
        self.expect_line(peer, "FOLLOWED")
        # The peer resized to 256 in its turn; we followed and deleted its old file.
        self.assertEqual(sm.capacity, 256)
        self.assertEqual([sm.read_int32(o)[0] for o in (0, 4, 120, 252)], [11, 22, 33, 44])
        self.assertEqual(self.listing(), [prefix, prefix + "___"])
        hook = self.read_file(prefix)
        self.assertEqual(struct.unpack("<iii", hook[:12]), (1, 3, 256))
        data = self.read_file(prefix + "___")
        self.assertEqual(len(data), 256)
        self.assertEqual(struct.unpack_from("<i", data, 120)[0], 33)
        sm.delete()
        self.expect_line(peer, "RESULT PeerClosedError")
        self.finish(peer)

    def test_peer_close_gives_peer_closed_error(self) -> None:
        prefix = self.new_prefix()
        sm = self.create(prefix, 64, timeout=30)
        peer = self.spawn("close", prefix)
        sm.write_int32(0, 5)
        with self.assertRaises(pusm.PeerClosedError) as ctx:
            sm.give_control()
        self.assertIn(prefix, str(ctx.exception))
        self.expect_line(peer, "CLOSING")
        self.finish(peer)
        self.assertEqual(self.listing(), [], "the side that sees 'peer closed' deletes the files")
        with self.assertRaises(pusm.ClosedError):
            sm.read_int32(0)

    def test_joiner_timeout(self) -> None:
        prefix = self.new_prefix()
        sm = self.create(prefix, 64, timeout=30)
        # We never give control: the joiner must give up after its 0.3 s.
        peer = self.spawn("open", prefix, 0, pusm.ROLE_UNITY, 0.3)
        line = self.expect_line(peer, "RESULT PusmTimeoutError")
        self.finish(peer)
        self.assertLess(float(line.split()[2]), 10.0)
        self.assertEqual(self.listing(), [], "a timeout deletes the files")
        # The joiner also raised the closed flag on its way out.
        with self.assertRaises(pusm.PeerClosedError):
            sm.give_control()

    def test_not_found_after_timeout(self) -> None:
        prefix = self.new_prefix()
        peer = self.spawn("open", prefix, 0, pusm.ROLE_UNITY, 0.3)
        line = self.expect_line(peer, "RESULT NotFoundError")
        self.finish(peer)
        self.assertIn(prefix, line)
        self.assertIn(self.dir, line)

    @needs_ofd_locks
    def test_sigkilled_peer_is_detected_before_the_timeout(self) -> None:
        prefix = self.new_prefix()
        sm = self.create(prefix, 64, timeout=60)
        peer = self.spawn("sleep", prefix)
        sm.write_int32(0, 1)
        sm.give_control()
        self.assertEqual(sm.read_int32(0)[0], 2)
        sm.write_int32(0, 3)
        sm.give_control(wait=False)
        self.expect_line(peer, "READY")  # the peer now holds control, and sleeps
        killer = threading.Timer(0.2, peer.kill)
        killer.start()
        start = time.perf_counter()
        try:
            with self.assertRaises(pusm.PeerDiedError) as ctx:
                sm.wait_unblocked()
        finally:
            killer.cancel()
        self.assertLess(time.perf_counter() - start, 10.0)
        self.assertIn("unity", str(ctx.exception))
        self.assertIn(prefix, str(ctx.exception))
        self.assertEqual(self.listing(), [])

    @needs_ofd_locks
    def test_second_process_with_the_same_role(self) -> None:
        prefix = self.new_prefix()
        self.create(prefix, 64, role=pusm.ROLE_PYTHON)
        peer = self.spawn("open", prefix, 0, pusm.ROLE_PYTHON, 5)
        line = self.expect_line(peer, "RESULT RoleTakenError")
        self.finish(peer)
        self.assertIn("another live process already plays role python on prefix %r" % prefix, line)

    @needs_ofd_locks
    def test_replace_stale_after_a_killed_creator(self) -> None:
        prefix = self.new_prefix()
        peer = self.spawn("create_sleep", prefix)
        self.expect_line(peer, "READY")
        with self.assertRaises(pusm.AlreadyExistsError) as ctx:
            pusm.SharedMemory(prefix, 64, True, replace_stale=True)
        self.assertIn("live", str(ctx.exception))
        self.assertEqual(
            self.listing(), [prefix, prefix + "_"], "a live conversation is left alone"
        )
        peer.kill()
        self.assertEqual(self.listing(), [prefix, prefix + "_"], "leftovers of the killed creator")
        with self.assertRaises(pusm.AlreadyExistsError):
            pusm.SharedMemory(prefix, 64, True)
        sm = self.create(prefix, 32, replace_stale=True)
        self.assertEqual(self.read_file(prefix)[8:12], struct.pack("<i", 32))
        self.assertEqual(len(self.read_file(prefix + "_")), 32)
        sm.delete()


class WaitStrategyTest(TempDirTestCase):
    def test_adaptive_waiter_does_not_spin(self) -> None:
        prefix = self.new_prefix()
        sm = self.create(prefix, 16, timeout=30)
        peer = self.spawn("hold", prefix, "adaptive")
        sm.give_control()  # returns when the peer gives control back
        time.sleep(0.3)  # hold control while the peer waits
        sm.give_control(wait=False)
        line = self.expect_line(peer, "CPU")
        self.finish(peer)
        _, cpu, _, wall = line.split()
        cpu_s, wall_s = float(cpu), float(wall)
        self.assertGreaterEqual(wall_s, 0.25, line)
        self.assertLess(cpu_s, 0.5 * wall_s, "the waiter burnt %s" % line)
        self.assertTrue(wait_for(lambda: sm.closed or sm._hook[14] == 1))  # type: ignore[index]


if __name__ == "__main__":
    unittest.main()
