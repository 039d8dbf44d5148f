"""Waiting for a flag in the hook without burning a core (the original spins at 100% CPU).

``adaptive`` (default): spin on the flag for ~50 us (hand-offs that come back quickly
are seen with no added latency; every few dozen checks the CPU is offered to others,
in case the peer shares it). Then, when the peer is a pusm runtime (its liveness lock
is held; a pusm giver always wakes the futex of ``_futex``) and futexes are available,
sleep in FUTEX_WAIT on the hook's flag word, at most 50 ms per call: the giver's
FUTEX_WAKE ends the wait at once. Otherwise (an original package, which wakes
nobody, or no futex) yield the CPU (``os.sched_yield``) until ~500 us, then sleep
with exponential backoff starting at 50 us and capped at 1 ms. ``spin``: check the
flag in a tight loop, the lowest latency but a full core while waiting.

All honour the deadline precisely (the last sleep is cut to the deadline) and probe
the peer's liveness every ~10 ms (after each futex wait, at most 50 ms apart).
"""

from __future__ import annotations

import mmap
import os
import time
from typing import Callable, Optional

from . import _futex
from .errors import InvalidArgumentError

WAIT_ADAPTIVE = "adaptive"
WAIT_SPIN = "spin"
WAIT_STRATEGIES = (WAIT_ADAPTIVE, WAIT_SPIN)

SPIN_PHASE = 50e-6
YIELD_PHASE = 500e-6
FIRST_SLEEP = 50e-6
MAX_SLEEP = 1e-3
PROBE_INTERVAL = 10e-3
# The longest single FUTEX_WAIT: liveness and the deadline are re-checked after it.
FUTEX_BOUND = 50e-3

# wait_for_flag results
READY = 0  # falsy: callers test `if status:` for the other two
TIMED_OUT = 1
PEER_DIED = 2

# What the liveness probe says of the peer
PEER_LOCKED = 0  # a live pusm peer: it wakes the futex when it gives control
PEER_UNLOCKED = 1  # no lock: an original package, or nobody joined yet
PEER_GONE = 2  # the pusm peer we saw exited without closing

_perf_counter = time.perf_counter
_sleep = time.sleep
# time.sleep(0) releases the GIL but does not give up the CPU on Linux.
_yield = getattr(os, "sched_yield", lambda: time.sleep(0))
# Spin checks between two offers of the CPU during the spin phase.
SPINS_PER_YIELD = 32


def spins_per_yield() -> int:
    """Spin checks between two offers of the CPU for this process, asked at open.

    A process that may run on one CPU only (``taskset``, a one-CPU cgroup) offers the
    CPU on every check: a peer sharing that CPU cannot answer while it spins. The spin
    phase lasts as long as ever (the Rust giver's quiet-handback rule relies on it).
    """
    affinity = getattr(os, "sched_getaffinity", None)
    try:
        cpus = len(affinity(0)) if affinity is not None else os.cpu_count()
    except OSError:
        cpus = None
    return 1 if cpus == 1 else SPINS_PER_YIELD


def check_strategy(strategy: object) -> bool:
    """Validate a wait strategy name; return True for ``spin``."""
    if strategy not in WAIT_STRATEGIES:
        raise InvalidArgumentError(
            "invalid wait_strategy %r: must be one of %s"
            % (strategy, ", ".join(map(repr, WAIT_STRATEGIES)))
        )
    return strategy == WAIT_SPIN


class Backoff:
    """The pause between two checks of a condition, growing with the time waited."""

    __slots__ = ("_start", "_delay", "_spin", "_spins", "_per_yield")

    def __init__(self, spin: bool = False, per_yield: int = SPINS_PER_YIELD) -> None:
        self._start = _perf_counter()
        self._delay = FIRST_SLEEP
        self._spin = spin
        self._spins = 0
        self._per_yield = per_yield

    def spinning(self, now: float) -> bool:
        """True during the initial spin phase (always, for the ``spin`` strategy)."""
        return self._spin or now - self._start < SPIN_PHASE

    def pause(self, now: float, deadline: Optional[float]) -> None:
        if self._spin:
            return
        elapsed = now - self._start
        if elapsed < SPIN_PHASE:
            # A peer on this same CPU cannot answer while we spin: let it run.
            self._spins += 1
            if self._spins % self._per_yield == 0:
                _yield()
            return
        if elapsed < YIELD_PHASE:
            _yield()
            return
        delay = self._delay
        if deadline is not None and deadline - now < delay:
            delay = max(deadline - now, 0.0)
        _sleep(delay)
        self._delay = min(self._delay * 2, MAX_SLEEP)


def wait_for_flag(
    hook: mmap.mmap,
    own: int,
    closed: int,
    deadline: Optional[float],
    spin: bool,
    peer_state: Callable[[], int],
    futex_addr: Optional[int] = None,
    per_yield: int = SPINS_PER_YIELD,
) -> int:
    """Wait until ``hook[own]`` or ``hook[closed]`` is non-zero.

    Returns READY, TIMED_OUT (``deadline`` passed, ``None`` means never) or PEER_DIED
    (``peer_state()``, called every ~10 ms, answered PEER_GONE and the flags still say
    wait). ``futex_addr`` is the address of the hook's futex word (None: no futex).
    """
    h = hook  # indexing the mmap reads the shared byte
    backoff = Backoff(spin, per_yield)
    next_probe = _perf_counter() + PROBE_INTERVAL
    # Probed lazily: a quick handoff must not pay for a lock query.
    pusm_peer = None  # type: Optional[bool]
    sleeper = None  # type: Optional[_futex.Sleeper]
    shift = (own - _futex.WORD_OFFSET) * 8
    mask = 0xFF << shift | 0xFF << (closed - _futex.WORD_OFFSET) * 8
    while True:
        if h[own] or h[closed]:
            return READY
        now = _perf_counter()
        if deadline is not None and now >= deadline:
            return TIMED_OUT
        if now >= next_probe:
            state = peer_state()
            if state == PEER_GONE:
                # The peer may have handed over control just before exiting.
                if h[own] or h[closed]:
                    return READY
                return PEER_DIED
            pusm_peer = state == PEER_LOCKED
            next_probe = now + PROBE_INTERVAL
        if futex_addr is None or backoff.spinning(now) or not _futex.AVAILABLE:
            backoff.pause(now, deadline)
        elif pusm_peer is None:
            next_probe = now  # learn what the peer is before sleeping
        elif pusm_peer:
            word = _futex.word_value(h)
            if word & mask:
                continue  # handed over (or closed) since the check above
            if sleeper is None:
                sleeper = _futex.sleeper(futex_addr)
                if sleeper is None:
                    continue  # futexes were disabled meanwhile: back to the backoff
            sleeper.expected.value = word
            bound = FUTEX_BOUND if deadline is None else min(FUTEX_BOUND, deadline - now)
            _futex.set_timeout(sleeper.timeout, bound)
            sleeper.sleep()
            # Woken: return at once, touching as little as possible (see Sleeper).
            if h[own] or h[closed]:
                return READY
            # Timed out, interrupted, or the word changed on the way in.
            after = _perf_counter()
            if after - now < bound / 2 and _futex.word_value(h) == word:
                # Back early with nothing changed (a signal, or a futex that fails
                # at once): pause, so a failing futex cannot turn into a busy loop.
                backoff.pause(after, deadline)
            next_probe = min(next_probe, after)
        else:
            backoff.pause(now, deadline)
