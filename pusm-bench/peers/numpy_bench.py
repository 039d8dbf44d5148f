"""The numpy option of the generated Python, in one process on pusm's Python runtime.

    python3 numpy_bench.py --runtime <repo>/python --generated DIR [--quick]

DIR holds two packages generated from schemas/robot.pusm with package-relative imports:
``lists`` (the default output: Python lists) and ``arrays`` (the numpy option). Times
``Observation.write`` + ``Observation.read`` of an Observation whose ``rays`` are
100,000 float32, with each, in batches of 10 calls (the mean of a batch is one sample),
batches alternating so that both see the same machine.
Both must write the same bytes: checked first. Prints ``RESULT key n p50 p99 min max
mean`` (ns per write+read) for ``rays_numpy`` and ``rays_lists``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from bench_results import print_result

RAYS = 100_000
CALLS_PER_BATCH = 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtime", required=True, help="the folder holding the pusm package")
    parser.add_argument("--generated", required=True, help="the folder of the two packages")
    parser.add_argument("--quick", action="store_true", help="a much smaller run")
    args = parser.parse_args()
    sys.path[:0] = [args.runtime, args.generated]
    import numpy
    import pusm
    from arrays import robot as arrays
    from lists import robot as lists

    batches, warmup = (5, 1) if args.quick else (60, 5)
    prefix = "numpy-%d" % os.getpid()
    sm = pusm.SharedMemory(prefix, 1 << 20, True, timeout=30)
    try:
        rays = [float(i) * 0.25 for i in range(RAYS)]
        with_lists = lists.Observation(rays=rays)
        with_arrays = arrays.Observation(rays=numpy.array(rays, dtype=numpy.float32))
        end = with_lists.write(sm, 0)
        written = sm.read_bytes(0, end)[0]
        if with_arrays.write(sm, 0) != end or sm.read_bytes(0, end)[0] != written:
            raise SystemExit("the numpy output does not write the bytes the list output does")
        if arrays.Observation.read(sm, 0) != (with_arrays, end):
            raise SystemExit("the numpy output did not read back the message written")

        def numpy_round():
            with_arrays.write(sm, 0)
            arrays.Observation.read(sm, 0)

        def lists_round():
            with_lists.write(sm, 0)
            lists.Observation.read(sm, 0)

        # Each sample is the mean of a batch of calls in a row, as a program sending
        # one message after another makes them; batches of the two alternate.
        samples = {"rays_numpy": [], "rays_lists": []}
        for round_ in range(warmup + batches):
            for name, function in (("rays_numpy", numpy_round), ("rays_lists", lists_round)):
                start = time.perf_counter_ns()
                for _ in range(CALLS_PER_BATCH):
                    function()
                elapsed = (time.perf_counter_ns() - start) / CALLS_PER_BATCH
                if round_ >= warmup:
                    samples[name].append(float(elapsed))
        for name, values in samples.items():
            print_result(name, values)
    finally:
        sm.delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
