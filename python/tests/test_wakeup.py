"""Rule A (issue 14): the futex wake-up on the hook's flag word.

Correctness only, no latency: a waiter is woken by a pusm giver's FUTEX_WAKE (seen
as a futex wait that returns "woken"), and still notices an original-style giver
that only writes the flag bytes. Timings are measured in pusm-bench.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import shutil
import subprocess
import threading
import time
import unittest
from typing import Callable, Iterator, List, Optional, Tuple
from unittest import mock

import pusm
from pusm import _futex, _lock, _wait

from .support import TempDirTestCase, wait_for

needs_futex = unittest.skipUnless(_futex.AVAILABLE, "futexes are Linux-only")
needs_ofd_locks = unittest.skipUnless(_lock.SUPPORTED, "OFD locks are Linux-only")


class FutexCalls:
    """Records every futex wait of the waiter: how many began, and what each one
    returned (True: woken by a FUTEX_WAKE)."""

    def __init__(self) -> None:
        self.entered = 0
        self.results: List[bool] = []
        self._sleeper = _futex.sleeper

    def sleeper(self, address: int) -> Optional[_futex.Sleeper]:
        made = self._sleeper(address)
        if made is not None:
            sleep = made.sleep

            def recorded() -> int:
                self.entered += 1
                result = sleep()
                self.results.append(result == 0)
                return result

            made.sleep = recorded
        return made

    @contextlib.contextmanager
    def patch(self, bound: float = _wait.FUTEX_BOUND) -> Iterator[None]:
        """Record the waits, and let each one last up to ``bound`` seconds: with a
        bound far above the test's timeout only a FUTEX_WAKE ends a wait in time."""
        with mock.patch.object(_futex, "sleeper", self.sleeper):
            with mock.patch.object(_wait, "FUTEX_BOUND", bound):
                yield


def in_thread(action: Callable[[], None]) -> Tuple[threading.Thread, List[BaseException]]:
    errors: List[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as err:  # reported by the test
            errors.append(err)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


class FutexPrimitiveTest(unittest.TestCase):
    def hook_page(self) -> Tuple[mmap.mmap, int]:
        """A page standing in for the hook mapping, and its futex word's address."""
        hook = mmap.mmap(-1, mmap.PAGESIZE)
        self.addCleanup(hook.close)
        address = _futex.word_address(hook)
        assert address is not None
        return hook, address

    @needs_futex
    def test_word_address_and_value(self) -> None:
        hook, address = self.hook_page()
        self.assertEqual(address % 4, 0, "the word is 4-aligned")
        hook[12:15] = b"\x01\x00\x01"
        self.assertEqual(_futex.word_value(hook), 0x010001)

    @needs_futex
    def test_sleeper_waits_only_while_the_word_holds_the_expected_value(self) -> None:
        hook, address = self.hook_page()
        sleeper = _futex.sleeper(address)
        assert sleeper is not None
        hook[12:15] = b"\x00\x01\x00"
        # A word that differs from the expected value returns at once, unwoken.
        sleeper.expected.value = 0
        _futex.set_timeout(sleeper.timeout, 30.0)
        self.assertEqual(sleeper.sleep(), -1)
        # The expected value: sleeps until the bound (nobody wakes it).
        sleeper.expected.value = 0x0100
        _futex.set_timeout(sleeper.timeout, 0.02)
        start = time.monotonic()
        self.assertEqual(sleeper.sleep(), -1)
        self.assertGreaterEqual(time.monotonic() - start, 0.015)
        # Woken by a FUTEX_WAKE from another thread: 0.
        _futex.set_timeout(sleeper.timeout, 30.0)
        woken = threading.Event()

        def wake_until_woken() -> None:
            # Repeated: a wake before the sleeper is in the kernel finds nobody.
            while not woken.wait(0.01):
                _futex.wake(address)

        thread, errors = in_thread(wake_until_woken)
        try:
            self.assertEqual(sleeper.sleep(), 0)
        finally:
            woken.set()
            thread.join()
        self.assertEqual(errors, [])

    @needs_futex
    def test_a_futex_that_fails_at_once_does_not_become_a_busy_loop(self) -> None:
        """Say a filter answers every FUTEX_WAIT at once: the waiter falls back to
        its sleeping backoff instead of calling it in a tight loop."""
        hook, address = self.hook_page()
        hook[13] = 1  # the peer holds control
        calls: List[int] = []

        def fail_at_once(*args: object) -> int:
            calls.append(1)
            return -1

        def failing(address: int) -> Optional[_futex.Sleeper]:
            return _futex.Sleeper(0, fail_at_once, address)

        with mock.patch.object(_futex, "sleeper", failing):
            status = _wait.wait_for_flag(
                hook, 12, 14, time.perf_counter() + 0.2, False, lambda: _wait.PEER_LOCKED, address
            )
        self.assertEqual(status, _wait.TIMED_OUT)
        self.assertGreater(len(calls), 0, "the futex phase was reached")
        # A tight loop makes hundreds of thousands of calls in 0.2 s; the backoff
        # (sleeps growing to 1 ms) a few hundred.
        self.assertLess(len(calls), 5000)

    def test_set_timeout_splits_seconds_and_clamps_negatives(self) -> None:
        spec = _futex._Timespec()
        _futex.set_timeout(spec, 2.25)
        self.assertEqual((spec.tv_sec, spec.tv_nsec), (2, 250_000_000))
        _futex.set_timeout(spec, -1.0)
        self.assertEqual((spec.tv_sec, spec.tv_nsec), (0, 0))

    def test_unavailable_means_no_address_and_no_wake(self) -> None:
        hook = mmap.mmap(-1, mmap.PAGESIZE)
        self.addCleanup(hook.close)
        with mock.patch.object(_futex, "AVAILABLE", False):
            self.assertIsNone(_futex.word_address(hook))
            self.assertIsNone(_futex.sleeper(0))
            self.assertIsNone(_futex.waker(0))
            _futex.wake(None)


@needs_futex
@needs_ofd_locks
@unittest.skipUnless(hasattr(os, "sched_setaffinity"), "CPU affinity is Linux-only")
class OneCpuTest(unittest.TestCase):
    """A process pinned to one CPU offers it on every spin (its peer may share it)."""

    def test_pinned_process_yields_on_every_spin(self) -> None:
        before = os.sched_getaffinity(0)
        try:
            os.sched_setaffinity(0, {min(before)})
            self.assertEqual(_wait.spins_per_yield(), 1)
            with mock.patch.object(_wait, "_yield") as offered:
                backoff = _wait.Backoff(False, _wait.spins_per_yield())
                for _ in range(5):
                    backoff.pause(backoff._start, None)
                self.assertEqual(offered.call_count, 5)
        finally:
            os.sched_setaffinity(0, before)
        if len(before) > 1:
            self.assertEqual(_wait.spins_per_yield(), _wait.SPINS_PER_YIELD)


class WakeUpTest(TempDirTestCase):
    def test_python_giver_wakes_a_python_waiter(self) -> None:
        prefix = self.new_prefix()
        sm = self.create(prefix, 16, timeout=30)
        peer = self.spawn("answer_after", prefix, 3, 0.1)
        calls = FutexCalls()
        with calls.patch(bound=3600.0):
            for i in range(3):
                sm.write_int32(0, 10 * i)
                sm.give_control()  # the peer holds control 0.1 s, then wakes us
                self.assertEqual(sm.read_int32(0)[0], 10 * i + 1)
        self.expect_line(peer, "JOINED")
        self.assertIn(True, calls.results, "a futex wait ended by the peer's wake")
        sm.close()
        self.expect_line(peer, "RESULT PeerClosedError")
        self.finish(peer)

    def test_close_and_death_wake_a_waiter(self) -> None:
        endings = {
            "close": pusm.PeerClosedError,
            "implicit close while holding control": pusm.PeerClosedError,
            "lock released (as by the kernel at death)": pusm.PeerDiedError,
        }
        for ending, expected in endings.items():
            with self.subTest(ending=ending):
                prefix = self.new_prefix()
                a, b = self.pair(prefix, 8)
                a.give_control(wait=False)
                calls = FutexCalls()

                def end() -> None:
                    wait_for(lambda: calls.entered > 0)  # a is asleep on the futex
                    if ending == "close":
                        b.close()
                    elif ending.startswith("implicit"):
                        b._close(delete=False, implicit=True)
                    else:
                        b._abandon()

                with calls.patch(bound=3600.0):
                    thread, errors = in_thread(end)
                    with self.assertRaises(expected):
                        a.wait_unblocked()
                    thread.join()
                self.assertEqual(errors, [])
                self.assertEqual(calls.results, [True], "one wait, ended by the wake")

    def test_a_locked_peer_that_never_wakes_is_still_noticed(self) -> None:
        """Within the 50 ms bound of each futex wait (a pusm peer always wakes;
        this checks the bound itself)."""
        prefix = self.new_prefix()
        sm = self.create(prefix, 8, timeout=30)
        sm.give_control(wait=False)
        calls = FutexCalls()
        with calls.patch():
            thread, errors = in_thread(lambda: self._silent_giver(prefix, lock=True))
            sm.wait_unblocked()
            thread.join()
        self.assertEqual(errors, [])
        self.assertIn(False, calls.results, "futex waits that timed out")
        self.assertEqual(sm.read_int32(0)[0], 7)

    def test_original_style_giver_is_noticed_without_futex_waits(self) -> None:
        """No liveness lock (an original package): today's backoff, no futex sleep."""
        prefix = self.new_prefix()
        sm = self.create(prefix, 8, timeout=30)
        sm.give_control(wait=False)
        calls = FutexCalls()
        with calls.patch(bound=3600.0):
            thread, errors = in_thread(lambda: self._silent_giver(prefix, lock=False))
            sm.wait_unblocked()
            thread.join()
        self.assertEqual(errors, [])
        self.assertEqual(calls.results, [])
        self.assertEqual(sm.read_int32(0)[0], 7)

    def _silent_giver(self, prefix: str, lock: bool) -> None:
        """A unity-role peer writing with plain mmap stores, never calling FUTEX_WAKE."""
        fd = os.open(self.path(prefix), os.O_RDWR)
        try:
            if lock:
                self.assertTrue(_lock.take(fd, 13))
            with mmap.mmap(fd, 15) as hook, open(self.path(prefix + "_"), "r+b") as data:
                time.sleep(0.2)  # the waiter goes to sleep meanwhile
                data.write(b"\x07\x00\x00\x00")
                data.flush()
                hook[13] = 0
                hook[12] = 1
                time.sleep(0.05)
        finally:
            os.close(fd)

    def test_without_futexes_pusm_peers_still_talk(self) -> None:
        prefix = self.new_prefix()
        with mock.patch.object(_futex, "AVAILABLE", False):
            a, b = self.pair(prefix, 8)
            for i in range(20):
                a.write_int32(0, i)
                a.give_control(wait=False)
                self.assertEqual(b.read_int32(0)[0], i)
                b.give_control(wait=False)

    def test_rust_giver_wakes_a_python_waiter(self) -> None:
        """The Rust echo peer (examples/src/bin/echo.rs) answers resize requests."""
        echo = os.environ.get("PUSM_ECHO_BIN") or shutil.which("pusm-echo")
        if not echo or not os.path.exists(echo):
            message = "the Rust echo binary (set PUSM_ECHO_BIN) is not available"
            if os.environ.get("PUSM_REQUIRE_ALL"):
                self.fail(message + " and PUSM_REQUIRE_ALL is set")
            self.skipTest(message)
        prefix = self.new_prefix()
        sm = self.create(prefix, 64, timeout=30)
        env = dict(os.environ, TMPDIR=self.tmp)
        proc = subprocess.Popen(
            [echo, "--prefix", prefix, "--role", "unity", "--timeout", "30"],
            env=env,
            stderr=subprocess.PIPE,
        )
        self.addCleanup(proc.wait)
        self.addCleanup(proc.kill)
        calls = FutexCalls()
        # No spin phase: every wait goes to the futex once the peer's lock is seen,
        # and only the Rust giver's FUTEX_WAKE ends it before the timeout.
        with calls.patch(bound=3600.0), mock.patch.object(_wait, "SPIN_PHASE", 0.0):
            for capacity in (128, 256, 512, 1024):
                sm.write_int32(0, 2)  # RESIZE
                sm.write_int32(4, capacity)
                sm.give_control()
                self.assertEqual((sm.read_int32(0)[0], sm.capacity), (0, capacity))
        self.assertIn(True, calls.results, "a futex wait ended by the Rust peer's wake")
        sm.close()
        _, stderr = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 0, stderr)


if __name__ == "__main__":
    unittest.main()
