"""Original-style Python sides of wire protocol v1, written for pusm's benchmarks
from docs/PROTOCOL.md and the original's documented design (not from the original
package's code): the baselines of measurements 3 and 5.

``OriginalStyleMemory`` is laid out as the original package is: a small file class
that reads and writes primitives with format strings over one mapping, and a memory
class that reads each hook field through its own property. Every primitive call
first waits for control as the original does (is this side blocked? has the peer
closed? has the data file been replaced?), each question one ``struct`` read of the
hook, spinning at 100% of a core while blocked, then encodes or decodes the value.
No bounds checks beyond what mmap does, no liveness, no UTF-8.

``StreamlinedMemory`` is a kinder baseline, reported beside it: the same checks
from one ``struct`` read of the whole 15-byte hook per call.

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
_FILE_NUMBER_OFFSET = 4
_CAPACITY_OFFSET = 8
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


def _wait_for_hook(prefix: str, timeout: float) -> str:
    hook_path = os.path.join(_shared_dir(), prefix)
    deadline = time.monotonic() + timeout
    while not os.path.exists(hook_path):
        if time.monotonic() > deadline:
            raise TimeoutError("no hook file %s" % hook_path)
        time.sleep(0.001)
    return hook_path


class _MappedFile:
    """One mapped file, read and written with a format string per primitive."""

    def __init__(self, path: str, size: int) -> None:
        self.mem = _map(path, size)

    def read_int32(self, offset: int):
        return struct.unpack_from("<i", self.mem, offset)[0], offset + 4

    def read_bool(self, offset: int):
        return struct.unpack_from("<?", self.mem, offset)[0], offset + 1

    def write_int32(self, offset: int, value: int) -> int:
        struct.pack_into("<i", self.mem, offset, value)
        return offset + 4

    def write_bool(self, offset: int, value: bool) -> int:
        struct.pack_into("<?", self.mem, offset, value)
        return offset + 1

    def close(self) -> None:
        self.mem.close()


class OriginalStyleMemory:
    """Joins an existing shared memory; every call asks the hook, field by field."""

    def __init__(self, prefix: str, role: str = "python", timeout: float = 30.0) -> None:
        hook_path = _wait_for_hook(prefix, timeout)
        self.prefix = prefix
        self.directory = os.path.dirname(hook_path)
        self.own = _FLAG_OFFSET[role]
        self.peer = _FLAG_OFFSET["unity" if role == "python" else "python"]
        self.timeout = timeout
        self._hook = _MappedFile(hook_path, _HOOK_SIZE)
        self._last_file_number = self._file_number
        self._current = self._open_data()

    def _open_data(self) -> _MappedFile:
        path = os.path.join(self.directory, self.prefix + "_" * self._file_number)
        return _MappedFile(path, self._capacity)

    @property
    def _file_number(self) -> int:
        return self._hook.read_int32(_FILE_NUMBER_OFFSET)[0]

    @property
    def _capacity(self) -> int:
        return self._hook.read_int32(_CAPACITY_OFFSET)[0]

    @property
    def _active(self) -> bool:
        return not self._hook.read_bool(_CLOSED_OFFSET)[0]

    @property
    def blocked(self) -> bool:
        return not self._hook.read_bool(self.own)[0]

    def wait_unblocked(self) -> None:
        if self.blocked:
            start = time.monotonic()
            spins = 0
            while self.blocked and self._active:
                spins += 1
                if (
                    spins % 1024 == 0
                    and self.timeout > 0
                    and time.monotonic() - start > self.timeout
                ):
                    raise TimeoutError("timed out waiting for control")
        if not self._active:
            raise ConnectionError("peer closed")
        if self._last_file_number != self._file_number:
            self._last_file_number = self._file_number
            self._current.close()
            self._current = self._open_data()

    def give_control(self, wait: bool = True) -> None:
        self.wait_unblocked()
        self._hook.write_bool(self.own, False)
        self._hook.write_bool(self.peer, True)
        if wait:
            self.wait_unblocked()

    def read_int32(self, offset: int):
        self.wait_unblocked()
        return self._current.read_int32(offset)

    def write_int32(self, offset: int, value: int) -> int:
        self.wait_unblocked()
        return self._current.write_int32(offset, value)

    def read_bool(self, offset: int):
        self.wait_unblocked()
        return self._current.read_bool(offset)

    def write_bool(self, offset: int, value: bool) -> int:
        self.wait_unblocked()
        return self._current.write_bool(offset, value)

    def close(self) -> None:
        self._hook.close()
        self._current.close()


class StreamlinedMemory:
    """The same per-call checks as ``OriginalStyleMemory``, from one read of the hook."""

    def __init__(self, prefix: str, role: str = "python", timeout: float = 30.0) -> None:
        hook_path = _wait_for_hook(prefix, timeout)
        self.prefix = prefix
        self.directory = os.path.dirname(hook_path)
        self.own = _FLAG_OFFSET[role]
        self.timeout = timeout
        self.hook = _map(hook_path, _HOOK_SIZE)
        _version, number, capacity, _p, _u, _c = struct.unpack_from(_HOOK_FORMAT, self.hook, 0)
        self.file_number = number
        self.data = _map(os.path.join(self.directory, prefix + "_" * number), capacity)

    def wait_unblocked(self) -> None:
        hook = struct.unpack_from(_HOOK_FORMAT, self.hook, 0)
        if not hook[self.own - 9]:  # fields 3, 4, 5 are the bytes 12, 13, 14
            start = time.monotonic()
            spins = 0
            while not hook[self.own - 9]:
                if hook[5]:
                    raise ConnectionError("peer closed")
                spins += 1
                if (
                    spins % 1024 == 0
                    and self.timeout > 0
                    and time.monotonic() - start > self.timeout
                ):
                    raise TimeoutError("timed out waiting for control")
                hook = struct.unpack_from(_HOOK_FORMAT, self.hook, 0)
        if hook[1] != self.file_number:
            self.file_number = hook[1]
            self.data.close()
            self.data = _map(os.path.join(self.directory, self.prefix + "_" * hook[1]), hook[2])

    def read_int32(self, offset: int):
        self.wait_unblocked()
        return struct.unpack_from("<i", self.data, offset)[0], offset + 4

    def write_int32(self, offset: int, value: int) -> int:
        self.wait_unblocked()
        struct.pack_into("<i", self.data, offset, value)
        return offset + 4

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
