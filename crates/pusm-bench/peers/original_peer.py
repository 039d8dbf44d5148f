"""An original-style Python side of wire protocol v1, written for pusm's benchmarks
from docs/PROTOCOL.md (not from the original package): the baseline of measurements
3 and 5.

It does what the original design does on every primitive call: re-read the whole
15-byte hook through ``struct`` (version, file number, capacity, the three flags)
to wait for control, spinning at 100% of a core while blocked, then encode or
decode the value with a format string. No bounds checks beyond what mmap does, no
liveness, no UTF-8: only the per-call work matters here.

As a peer (measurement 3), run by the bench with TMPDIR set:

    python3 original_peer.py --prefix P

joins the shared memory ``P`` as the Python role and answers the counter protocol
(peers/README.md): read the int32 at 0; -1 means exit; else write it plus one and
give control back.
"""

from __future__ import annotations

import argparse
import mmap
import os
import struct
import sys
import tempfile
import time

_HOOK_FORMAT = "<iii???"
_HOOK_SIZE = 15
_FLAG_OFFSET = {"python": 12, "unity": 13}
_CLOSED_OFFSET = 14


def _shared_dir() -> str:
    return os.path.join(tempfile.gettempdir(), "python_unity_shared_memory")


def _map(path: str, size: int) -> mmap.mmap:
    fd = os.open(path, os.O_RDWR)
    try:
        return mmap.mmap(fd, size, access=mmap.ACCESS_WRITE)
    finally:
        os.close(fd)


class OriginalStyleMemory:
    """Joins an existing shared memory; every call re-reads the hook and spins."""

    def __init__(self, prefix: str, role: str = "python", timeout: float = 30.0) -> None:
        directory = _shared_dir()
        hook_path = os.path.join(directory, prefix)
        deadline = time.monotonic() + timeout
        while not os.path.exists(hook_path):
            if time.monotonic() > deadline:
                raise TimeoutError("no hook file %s" % hook_path)
            time.sleep(0.001)
        self.prefix = prefix
        self.directory = directory
        self.own = _FLAG_OFFSET[role]
        self.peer = _FLAG_OFFSET["unity" if role == "python" else "python"]
        self.timeout = timeout
        self.hook = _map(hook_path, _HOOK_SIZE)
        _version, number, capacity, _p, _u, _c = struct.unpack_from(_HOOK_FORMAT, self.hook, 0)
        self.file_number = number
        self.capacity = capacity
        self.data = _map(os.path.join(directory, prefix + "_" * number), capacity)

    def wait_unblocked(self) -> None:
        hook = struct.unpack_from(_HOOK_FORMAT, self.hook, 0)
        if not hook[self.own - 9]:  # fields 3, 4, 5 are the bytes 12, 13, 14
            start = time.monotonic()
            spins = 0
            while not hook[self.own - 9]:
                if hook[5]:
                    raise ConnectionError("peer closed")
                spins += 1
                if spins % 1024 == 0 and self.timeout > 0 and time.monotonic() - start > self.timeout:
                    raise TimeoutError("timed out waiting for control")
                hook = struct.unpack_from(_HOOK_FORMAT, self.hook, 0)
        if hook[1] != self.file_number:
            self.file_number = hook[1]
            self.capacity = hook[2]
            self.data.close()
            self.data = _map(os.path.join(self.directory, self.prefix + "_" * hook[1]), hook[2])

    def give_control(self, wait: bool = True) -> None:
        self.wait_unblocked()
        self.hook[self.own] = 0
        self.hook[self.peer] = 1
        if wait:
            self.wait_unblocked()

    def read_int32(self, offset: int):
        self.wait_unblocked()
        return struct.unpack_from("<i", self.data, offset)[0], offset + 4

    def write_int32(self, offset: int, value: int) -> int:
        self.wait_unblocked()
        struct.pack_into("<i", self.data, offset, value)
        return offset + 4

    def read_float32(self, offset: int):
        self.wait_unblocked()
        return struct.unpack_from("<f", self.data, offset)[0], offset + 4

    def write_float32(self, offset: int, value: float) -> int:
        self.wait_unblocked()
        struct.pack_into("<f", self.data, offset, value)
        return offset + 4

    def read_bool(self, offset: int):
        self.wait_unblocked()
        return struct.unpack_from("<?", self.data, offset)[0], offset + 1

    def write_bool(self, offset: int, value: bool) -> int:
        self.wait_unblocked()
        struct.pack_into("<?", self.data, offset, value)
        return offset + 1

    def close(self) -> None:
        self.hook.close()
        self.data.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", required=True)
    args = parser.parse_args()
    sm = OriginalStyleMemory(args.prefix, "python")
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
