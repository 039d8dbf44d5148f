"""The wake-up between pusm peers: a shared futex on the hook's flag word (Linux only).

The futex word is the 4 bytes at offset 12 of the hook file's shared mapping: the
python flag, the unity flag, the closed flag and byte 15, just past the 15-byte
file's end inside the same page (always 0, never written). The mapping starts on a
page boundary, so the word is 4-aligned. The futex is *shared* (no
FUTEX_PRIVATE_FLAG): its key is the file's page, so it works across processes and
across runtimes (Rust, Python, C#).

A giver sets the flags exactly as the original package does, then calls
:func:`wake` (or the prebuilt :func:`waker`); a waiter that must keep waiting
sleeps through a :class:`Sleeper` with the word it last saw and a bounded
timeout. The wire bytes are unchanged: the original packages, which never wake
anyone, are still seen by the waiter's bounded wait.

Where the syscall is unavailable (another OS or CPU, a seccomp filter answering
ENOSYS) :data:`AVAILABLE` is False and every function does nothing: the runtime
keeps its sleeping backoff.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import mmap
import platform
import sys
from typing import Any, Callable, Optional, Tuple

#: The offset of the futex word in the hook mapping (the python flag).
WORD_OFFSET = 12

FUTEX_WAIT = 0
FUTEX_WAKE = 1
_INT_MAX = 2**31 - 1
_SYS_FUTEX = {"x86_64": 202, "amd64": 202, "aarch64": 98, "arm64": 98}


class _Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


def _load_syscall() -> Optional[Tuple[int, Any, Any]]:
    """(SYS_futex, libc's syscall() with argtypes, the same without argtypes) or None."""
    if not sys.platform.startswith("linux") or ctypes.sizeof(ctypes.c_void_p) != 8:
        return None
    number = _SYS_FUTEX.get(platform.machine().lower())
    if number is None:
        return None
    name = ctypes.util.find_library("c") or "libc.so.6"
    try:
        # Two handles: argtypes belong to the function object, and the prebuilt
        # calls of waker() and sleeper() use the second one with ready-made ctypes
        # arguments and no errno copy, so the call itself converts nothing.
        checked = ctypes.CDLL(name, use_errno=True).syscall
        raw = ctypes.CDLL(name).syscall
    except (OSError, AttributeError):
        return None
    checked.restype = raw.restype = ctypes.c_long
    checked.argtypes = [
        ctypes.c_long,
        ctypes.c_void_p,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_int,
    ]
    # One FUTEX_WAKE of a private word: a kernel or a filter without futexes
    # answers ENOSYS or EPERM here, once, so the prebuilt calls never need errno.
    probe = ctypes.c_int(0)
    if checked(number, ctypes.addressof(probe), FUTEX_WAKE, 1, None, None, 0) < 0:
        if ctypes.get_errno() in (errno.ENOSYS, errno.EPERM):
            return None
    return number, checked, raw


_LOADED = _load_syscall()
#: True when futex wake-ups can be used on this system (set False to disable them,
#: e.g. to measure the sleeping backoff alone).
AVAILABLE: bool = _LOADED is not None


def word_address(hook: mmap.mmap) -> Optional[int]:
    """The address of the futex word in ``hook`` (a MAP_SHARED mapping of the hook
    file), or None when futexes are unavailable. The address stays valid while
    ``hook`` stays mapped; no buffer export is kept, so ``hook`` can be closed."""
    if not AVAILABLE:
        return None
    try:
        base = ctypes.addressof(ctypes.c_char.from_buffer(hook))
    except (TypeError, ValueError):
        return None
    return base + WORD_OFFSET


def word_value(hook: mmap.mmap) -> int:
    """The futex word as the kernel compares it: bytes 12, 13 and 14 of the hook,
    little-endian, with byte 15 (past the file's end) always 0."""
    return hook[12] | hook[13] << 8 | hook[14] << 16


def _disable() -> None:
    global AVAILABLE
    AVAILABLE = False


def set_timeout(spec: _Timespec, seconds: float) -> None:
    """Store ``seconds`` (negative counts as 0) in ``spec``."""
    seconds = max(seconds, 0.0)
    whole = int(seconds)
    spec.tv_sec = whole
    spec.tv_nsec = int((seconds - whole) * 1e9)


class Sleeper:
    """A prebuilt FUTEX_WAIT on one address, for the waiter's hot loop.

    Store the word the caller last saw in ``expected.value`` and the bound with
    :func:`set_timeout`, then call ``sleep()``: it waits while the word holds
    ``expected`` and returns 0 when woken (or spuriously), -1 otherwise (the word
    had changed, the bound passed, a signal came). Every argument is a ready-made
    ctypes object and errno is not copied, so nothing but the system call runs
    between the kernel's wake-up and the caller's next line: after a long idle,
    each page the interpreter touches there costs microseconds (PERFORMANCE.md, #7).
    """

    __slots__ = ("sleep", "expected", "timeout")

    def __init__(self, number: int, raw: Any, address: int) -> None:
        self.expected = ctypes.c_long(0)
        self.timeout = _Timespec()
        self.sleep: Callable[[], int] = functools.partial(
            raw,
            ctypes.c_long(number),
            ctypes.c_void_p(address),
            ctypes.c_long(FUTEX_WAIT),
            self.expected,
            ctypes.byref(self.timeout),
            None,
            ctypes.c_long(0),
        )


def sleeper(address: int) -> Optional[Sleeper]:
    """A :class:`Sleeper` on ``address``, or None without futexes."""
    if _LOADED is None or not AVAILABLE:
        return None
    number, _, raw = _LOADED
    return Sleeper(number, raw, address)


def waker(address: Optional[int]) -> Optional[Callable[[], Any]]:
    """A prebuilt FUTEX_WAKE of ``address`` for the hot path of give_control (about
    a microsecond; its result is not looked at), or None without futexes."""
    if address is None or _LOADED is None or not AVAILABLE:
        return None
    number, _, raw = _LOADED
    return functools.partial(
        raw,
        ctypes.c_long(number),
        ctypes.c_void_p(address),
        ctypes.c_long(FUTEX_WAKE),
        ctypes.c_long(_INT_MAX),
        None,
        None,
        ctypes.c_long(0),
    )


def wake(address: Optional[int]) -> None:
    """FUTEX_WAKE every waiter on ``address`` (None: futexes unavailable, nothing
    to do). Never raises."""
    if address is None or _LOADED is None or not AVAILABLE:
        return
    number, syscall, _ = _LOADED
    if syscall(number, address, FUTEX_WAKE, _INT_MAX, None, None, 0) < 0:
        if ctypes.get_errno() in (errno.ENOSYS, errno.EPERM):
            _disable()
