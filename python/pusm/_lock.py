"""Peer liveness locks: one-byte OFD write locks on the hook file.

Each side holds a Linux open-file-description (OFD) write lock on the one byte of the
hook at its own role's flag offset (12 for python, 13 for unity) for as long as it is
open. The kernel drops the lock when the process dies, so the peer can tell "exited
without closing" from "still thinking". The Rust and C# runtimes use the same bytes.

On platforms without OFD locks every function here is a no-op: ``take`` succeeds,
``is_locked`` answers ``False``.
"""

from __future__ import annotations

import errno
import struct
import sys

try:
    import fcntl as _fcntl
except ImportError:  # pragma: no cover - Windows
    _fcntl = None  # type: ignore[assignment]

F_OFD_GETLK = 36
F_OFD_SETLK = 37
F_WRLCK = 1
F_UNLCK = 2
SEEK_SET = 0

# struct flock on 64-bit Linux: short l_type, short l_whence, (pad), off_t l_start,
# off_t l_len, pid_t l_pid, (pad). l_pid must be 0 for OFD locks.
_FLOCK = struct.Struct("=hh4xqqi4x")

SUPPORTED: bool = (
    _fcntl is not None and sys.platform.startswith("linux") and struct.calcsize("P") == 8
)


def _flock(l_type: int, offset: int) -> bytes:
    return _FLOCK.pack(l_type, SEEK_SET, offset, 1, 0)


def take(fd: int, offset: int) -> bool:
    """Try to take the write lock on byte ``offset``. True if we now hold it (or locks
    are unsupported), False if another open file description holds it."""
    if not SUPPORTED:
        return True
    try:
        _fcntl.fcntl(fd, F_OFD_SETLK, _flock(F_WRLCK, offset))
    except OSError as err:
        if err.errno in (errno.EAGAIN, errno.EACCES):
            return False
        if err.errno == errno.EINVAL:  # kernel without OFD locks (< 3.15)
            return True
        raise
    return True


def release(fd: int, offset: int) -> None:
    """Release our lock on byte ``offset`` (never raises)."""
    if not SUPPORTED:
        return
    try:
        _fcntl.fcntl(fd, F_OFD_SETLK, _flock(F_UNLCK, offset))
    except OSError:
        pass


def is_locked(fd: int, offset: int) -> bool:
    """True if another open file description holds a lock on byte ``offset``."""
    if not SUPPORTED:
        return False
    try:
        answer = _fcntl.fcntl(fd, F_OFD_GETLK, _flock(F_WRLCK, offset))
    except OSError:
        return False
    l_type: int = _FLOCK.unpack(answer)[0]
    return l_type != F_UNLCK
