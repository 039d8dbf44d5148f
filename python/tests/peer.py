"""The other process in the two-process tests (run by tests/support.py, not a test).

    python peer.py SCENARIO PREFIX [ARGS...]

It plays the unity role (the tests' own process is the python-role creator) unless
the scenario says otherwise, prints progress lines on stdout, and exits non-zero
with a traceback when a check fails.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Callable, Dict, List

import pusm


def say(*words: object) -> None:
    print(*words, flush=True)


def join(prefix: str, timeout: float = 30) -> pusm.SharedMemory:
    return pusm.SharedMemory(prefix, 0, False, timeout, role=pusm.ROLE_UNITY)


def expect_peer_closed(sm: pusm.SharedMemory) -> None:
    try:
        sm.wait_unblocked()
    except pusm.PeerClosedError:
        say("RESULT PeerClosedError")
    else:
        raise AssertionError("wait_unblocked returned, expected PeerClosedError")


def handoff(prefix: str, rounds: str) -> None:
    """N round trips: the creator writes 2i and "main i", we answer 2i+1 and "peer i"."""
    n = int(rounds)
    sm = join(prefix)
    say("JOINED")
    for i in range(n):
        value, _ = sm.read_int32(0)
        text, _ = sm.read_string(4)
        assert value == 2 * i, (i, value)
        assert text == "main %d" % i, (i, text)
        sm.write_int32(0, 2 * i + 1)
        sm.write_string(4, "peer %d" % i)
        sm.give_control(wait=i < n - 1)
    say("DONE")
    expect_peer_closed(sm)


def resize(prefix: str) -> None:
    sm = join(prefix)
    d = os.path.join(os.environ["TMPDIR"], "python_unity_shared_memory")
    assert sm.capacity == 64, sm.capacity
    assert sm.read_int32(0)[0] == 11
    sm.write_int32(4, 22)
    sm.give_control()
    # The creator resized to 128 in its turn: we follow and delete its old file.
    assert sm.capacity == 128, sm.capacity
    assert [sm.read_int32(o)[0] for o in (0, 4, 120)] == [11, 22, 33]
    assert not os.path.exists(os.path.join(d, prefix + "_")), os.listdir(d)
    assert os.path.exists(os.path.join(d, prefix + "__"))
    say("FOLLOWED")
    sm.resize(256)
    sm.write_int32(252, 44)
    sm.give_control(wait=False)
    expect_peer_closed(sm)


def close(prefix: str) -> None:
    sm = join(prefix)
    assert sm.read_int32(0)[0] == 5
    say("CLOSING")
    sm.close()


def open_(prefix: str, create: str, role: str, timeout: str) -> None:
    """Open and report the outcome: RESULT <OK or error class> <seconds>."""
    start = time.perf_counter()
    try:
        sm = pusm.SharedMemory(prefix, 64, create == "1", float(timeout), role=role)
    except pusm.PusmError as err:
        say("RESULT %s %.3f %s" % (type(err).__name__, time.perf_counter() - start, err))
        return
    say("RESULT OK %.3f" % (time.perf_counter() - start))
    sm.close()


def hold(prefix: str, strategy: str) -> None:
    """Measure our own CPU time while the creator holds control for a while."""
    sm = pusm.SharedMemory(prefix, 0, False, 30, role=pusm.ROLE_UNITY, wait_strategy=strategy)
    cpu, wall = time.process_time(), time.perf_counter()
    sm.give_control()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    say("CPU %.6f WALL %.6f" % (cpu, wall))
    sm.close()


def sleep(prefix: str) -> None:
    """Take a turn, then hold control forever (the test SIGKILLs us)."""
    sm = join(prefix)
    assert sm.read_int32(0)[0] == 1
    sm.write_int32(0, 2)
    sm.give_control()
    assert sm.read_int32(0)[0] == 3
    say("READY")
    time.sleep(120)


def hand_over_and_exit(prefix: str, go: str) -> None:
    """Join, wait for the file ``go``, write 42, give control without waiting, and
    exit without close(): the interpreter's exit closes implicitly, which must leave
    the message readable."""
    sm = join(prefix)
    say("JOINED")
    while not os.path.exists(go):
        time.sleep(0.005)
    sm.write_int32(0, 42)
    sm.give_control(wait=False)
    _KEEP.append(sm)  # still open at exit: closed by pusm's atexit handler
    say("EXITING")


_KEEP: List[pusm.SharedMemory] = []


def answer_after(prefix: str, rounds: str, delay: str) -> None:
    """N turns: hold control ``delay`` seconds (the creator's wait goes to sleep),
    then answer the creator's int32 i at offset 0 with i + 1 and give control back."""
    sm = join(prefix)
    say("JOINED")
    n = int(rounds)
    for i in range(n):
        time.sleep(float(delay))
        value, _ = sm.read_int32(0)
        sm.write_int32(0, value + 1)
        sm.give_control(wait=i < n - 1)
    expect_peer_closed(sm)


def create_sleep(prefix: str) -> None:
    """Create (python role) and stay alive until killed."""
    sm = pusm.SharedMemory(prefix, 64, True, role=pusm.ROLE_PYTHON)
    say("READY")
    time.sleep(120)
    sm.close()


SCENARIOS: Dict[str, Callable[..., None]] = {
    "handoff": handoff,
    "resize": resize,
    "close": close,
    "open": open_,
    "hold": hold,
    "sleep": sleep,
    "create_sleep": create_sleep,
    "hand_over_and_exit": hand_over_and_exit,
    "answer_after": answer_after,
}


def main(argv: List[str]) -> None:
    SCENARIOS[argv[1]](*argv[2:])


if __name__ == "__main__":
    main(sys.argv)
