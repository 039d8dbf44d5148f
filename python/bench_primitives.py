"""Time one primitive call (read_int32 / write_int32) on pusm against the original's
per-call design, in the same run, on the same files. Not a test: run it by hand,
``python3 bench_primitives.py``.

The "original design" below is a re-implementation of how the seed's Python package
does a primitive: every call re-parses the whole hook with ``struct.unpack`` (version,
file number, capacity and three flags) to wait for control and to check for a
resize, then unpacks the value with a format string, not a precompiled Struct.
"""

from __future__ import annotations

import os
import shutil
import struct
import sys
import tempfile
import time
from typing import Any, Callable, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pusm  # noqa: E402


class OriginalDesign:
    """The seed's per-call work, on pusm's own maps (so only the design differs)."""

    def __init__(self, sm: Any) -> None:
        self.hook = sm._hook
        self.data = sm._data
        self.file_number = 1

    def _read_hook(self) -> Tuple[int, int, int, bool, bool, bool]:
        return struct.unpack("<iii???", self.hook[0:15])

    def wait_unblocked(self) -> None:
        while True:
            _version, file_number, _capacity, python_active, _unity_active, closed = self._read_hook()
            if python_active or closed:
                break
        if closed:
            raise RuntimeError("closed")
        if file_number != self.file_number:
            raise RuntimeError("resized")

    def read_int32(self, offset: int) -> Tuple[int, int]:
        self.wait_unblocked()
        return struct.unpack("<i", self.data[offset : offset + 4])[0], offset + 4

    def write_int32(self, offset: int, value: int) -> int:
        self.wait_unblocked()
        self.data[offset : offset + 4] = struct.pack("<i", value)
        return offset + 4


def ns_per_call(fn: Callable[[], Any], calls: int, repeats: int = 7) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter_ns()
        fn()
        best = min(best, (time.perf_counter_ns() - start) / calls)
    return best


def main() -> None:
    calls = 200_000
    tmp = tempfile.mkdtemp()
    tempfile.tempdir = tmp
    try:
        sm = pusm.SharedMemory("bench", 4096, True)
        orig = OriginalDesign(sm)
        sm.write_int32(0, 123456)

        def loop_pusm_read() -> None:
            r = sm.read_int32
            for _ in range(calls):
                r(0)

        def loop_orig_read() -> None:
            r = orig.read_int32
            for _ in range(calls):
                r(0)

        def loop_pusm_write() -> None:
            w = sm.write_int32
            for i in range(calls):
                w(0, i)

        def loop_orig_write() -> None:
            w = orig.write_int32
            for i in range(calls):
                w(0, i)

        def loop_empty() -> None:
            for _ in range(calls):
                pass

        base = ns_per_call(loop_empty, calls)
        rows = [
            ("read_int32", ns_per_call(loop_pusm_read, calls) - base, ns_per_call(loop_orig_read, calls) - base),
            ("write_int32", ns_per_call(loop_pusm_write, calls) - base, ns_per_call(loop_orig_write, calls) - base),
        ]
        print("Python %s, %d calls per run, best of 7, loop overhead (%.0f ns) subtracted"
              % (sys.version.split()[0], calls, base))
        for name, ours, theirs in rows:
            print("%-12s pusm %6.0f ns/call   original design %6.0f ns/call   (%.1fx faster)"
                  % (name, ours, theirs, theirs / ours))
        sm.delete()
    finally:
        tempfile.tempdir = None
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
