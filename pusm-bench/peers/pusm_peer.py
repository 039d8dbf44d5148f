"""pusm's Python side of measurement 3: the counter protocol (peers/README.md) on
pusm's Python runtime, with its default (adaptive) wait.

    python3 pusm_peer.py --prefix P --runtime <repo>/python
"""

from __future__ import annotations

import argparse
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--runtime", required=True, help="the folder holding the pusm package")
    args = parser.parse_args()
    sys.path.insert(0, args.runtime)
    from pusm import SharedMemory

    # Joins as the Python role and waits for control.
    sm = SharedMemory(args.prefix, 0, False, timeout=30)
    try:
        while True:
            value, _ = sm.read_int32(0)
            if value < 0:
                return 0
            sm.write_int32(0, value + 1)
            sm.give_control()
    finally:
        sm.close()


if __name__ == "__main__":
    sys.exit(main())
