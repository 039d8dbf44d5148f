"""Waiting for a flag in the hook without burning a core (the original spins at 100% CPU).

``adaptive`` (default): spin on the flag for ~50 us (hand-offs that come back quickly
are seen with no added latency; every few dozen checks the CPU is offered to others,
in case the peer shares it), then yield the CPU (``os.sched_yield``) until ~500 us,
then sleep with exponential backoff starting at 50 us and capped at 1 ms. ``spin``: check the flag in a tight loop, the lowest
latency but a full core while waiting.

Both honour the deadline precisely (the last sleep is cut to the deadline) and call a
liveness probe every ~10 ms.
"""

from __future__ import annotations

import mmap
import os
import time
from typing import Callable, Optional

from .errors import InvalidArgumentError

WAIT_ADAPTIVE = "adaptive"
WAIT_SPIN = "spin"
WAIT_STRATEGIES = (WAIT_ADAPTIVE, WAIT_SPIN)

SPIN_PHASE = 50e-6
YIELD_PHASE = 500e-6
FIRST_SLEEP = 50e-6
MAX_SLEEP = 1e-3
PROBE_INTERVAL = 10e-3

# wait_for_flag results
READY = 0
TIMED_OUT = 1
PEER_DIED = 2

_perf_counter = time.perf_counter
_sleep = time.sleep
# time.sleep(0) releases the GIL but does not give up the CPU on Linux.
_yield = getattr(os, "sched_yield", lambda: time.sleep(0))
# Spin checks between two offers of the CPU during the spin phase.
SPINS_PER_YIELD = 32


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

    __slots__ = ("_start", "_delay", "_spin", "_spins")

    def __init__(self, spin: bool = False) -> None:
        self._start = _perf_counter()
        self._delay = FIRST_SLEEP
        self._spin = spin
        self._spins = 0

    def pause(self, now: float, deadline: Optional[float]) -> None:
        if self._spin:
            return
        elapsed = now - self._start
        if elapsed < SPIN_PHASE:
            # A peer on this same CPU cannot answer while we spin: let it run.
            self._spins += 1
            if self._spins % SPINS_PER_YIELD == 0:
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
    peer_died: Callable[[], bool],
) -> int:
    """Wait until ``hook[own]`` or ``hook[closed]`` is non-zero.

    Returns READY, TIMED_OUT (``deadline`` passed, ``None`` means never) or PEER_DIED
    (``peer_died()``, called every ~10 ms, answered True and the flags still say wait).
    """
    h = hook  # indexing the mmap reads the shared byte
    backoff = Backoff(spin)
    next_probe = _perf_counter() + PROBE_INTERVAL
    while True:
        if h[own] or h[closed]:
            return READY
        now = _perf_counter()
        if deadline is not None and now >= deadline:
            return TIMED_OUT
        if now >= next_probe:
            if peer_died():
                # The peer may have handed over control just before exiting.
                if h[own] or h[closed]:
                    return READY
                return PEER_DIED
            next_probe = now + PROBE_INTERVAL
        backoff.pause(now, deadline)
