"""The Python side of the large-payload row of measurement 6: each turn the Rust bench
writes a 64 MiB payload at offset 4 and gives control; this side reads it with
``read_bytes`` (a new ``bytes``) and ``read_bytes_into`` (a kept ``bytearray``), and
copies 64 MiB between two ``bytearray`` objects as the memcpy baseline, in the same
turn, then gives control back.

    python3 payload_peer.py --prefix P --runtime <repo>/python --size N --rounds R

Every payload byte of turn ``r`` is ``r % 256``: checked, so a read that returned the
wrong bytes fails the run. Prints ``RESULT`` lines (ns per copy of ``N`` bytes) for
``payload_memcpy``, ``payload_read_bytes`` and ``payload_read_bytes_into``.
"""

from __future__ import annotations

import argparse
import sys
import time

from bench_results import print_result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--runtime", required=True, help="the folder holding the pusm package")
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--rounds", type=int, required=True)
    args = parser.parse_args()
    sys.path.insert(0, args.runtime)
    from pusm import SharedMemory

    size = args.size
    source = bytearray(b"\x5a" * size)
    copy = bytearray(size)
    into = bytearray(size)
    copy[:] = source  # touch both buffers once, as a steady reader would have
    times = {"payload_memcpy": [], "payload_read_bytes": [], "payload_read_bytes_into": []}
    # Joins as the Python role and waits for the first payload.
    sm = SharedMemory(args.prefix, 0, False, timeout=60)
    try:
        for turn in range(args.rounds):
            start = time.perf_counter_ns()
            copy[:] = source
            times["payload_memcpy"].append(time.perf_counter_ns() - start)
            start = time.perf_counter_ns()
            data, _ = sm.read_bytes(4, size)
            times["payload_read_bytes"].append(time.perf_counter_ns() - start)
            start = time.perf_counter_ns()
            sm.read_bytes_into(4, into)
            times["payload_read_bytes_into"].append(time.perf_counter_ns() - start)
            expected = turn % 256
            if data[0] != expected or data[-1] != expected or data != into:
                raise SystemExit("turn %d: the payload read is not the one written" % turn)
            del data
            sm.give_control(wait=turn + 1 < args.rounds)
        for key, samples in times.items():
            print_result(key, samples)
    finally:
        sm.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
