"""SharedMemory: the original package's API on top of wire protocol v1 (PROTOCOL.md sections 1-7)."""

from __future__ import annotations

import atexit
import mmap
import operator
import os
import struct
import time
import weakref
from typing import Any, Callable, NoReturn, Optional, Tuple

from . import _files, _futex, _lock, _wait
from ._access import INT32_MAX, Access, _pack_i32, _unpack_i32
from .errors import (
    AlreadyExistsError,
    ClosedError,
    CorruptDataError,
    CorruptHookError,
    InvalidArgumentError,
    InvalidResizeError,
    InvalidTypeError,
    NotFoundError,
    PeerClosedError,
    PeerDiedError,
    PusmError,
    PusmTimeoutError,
    RoleTakenError,
    VersionMismatchError,
)

ROLE_PYTHON = "python"
ROLE_UNITY = "unity"

VERSION = 1
HOOK_SIZE = 15
OFF_FILE_NUMBER = 4
OFF_CAPACITY = 8
OFF_CLOSED = 14
_ROLE_OFFSETS = {ROLE_PYTHON: 12, ROLE_UNITY: 13}
_PEER_ROLE = {ROLE_PYTHON: ROLE_UNITY, ROLE_UNITY: ROLE_PYTHON}

# How long a joiner tolerates a hook that exists but is not fully written yet (or a
# data file that is missing / too small) before calling it corrupt. A creator writes
# its 15 bytes in one call right after creating the file, so this is only a safety net.
JOIN_GRACE = 1.0
# How recently a hook that is not fully written yet must have been modified for
# replace_stale to take it for a creator at work (and leave it alone).
CREATION_GRACE = 2.0

_HOOK_HEADER = struct.Struct("<iii")
_perf_counter = _wait._perf_counter

_Data = mmap.mmap

# Every open SharedMemory, so that a normal interpreter exit closes them (the peer
# then gets "peer closed" at once instead of waiting for its timeout).
_LIVE: "weakref.WeakSet[SharedMemory]" = weakref.WeakSet()


@atexit.register
def _close_all_at_exit() -> None:
    for sm in list(_LIVE):
        try:
            sm._close(delete=False, implicit=True)
        except Exception:
            pass


def _map(fd: int, length: int) -> _Data:
    # mmap cannot map 0 bytes, and a zero-capacity memory has nothing to share: a
    # private 1-byte placeholder keeps every access path the same (the bounds
    # checks use the capacity, 0, so its byte is never read or written).
    if length == 0:
        return mmap.mmap(-1, 1)
    return mmap.mmap(fd, length, access=mmap.ACCESS_WRITE)


def _unmap(data: Optional[_Data]) -> None:
    if isinstance(data, mmap.mmap):
        try:
            data.close()
        except (BufferError, ValueError):
            pass


class SharedMemory(Access):
    """One side of a shared memory conversation (see the package README).

    ``SharedMemory(prefix, capacity, create_new, timeout=-1, role="python", *,
    wait_strategy="adaptive", replace_stale=False)``

    - ``create_new=True`` creates the hook and data files and holds control first;
      ``create_new=False`` joins (waiting up to ``timeout`` for the creator) and blocks
      until the creator gives control. A joiner takes the capacity from the hook; its
      ``capacity`` argument is ignored, as in the original.
    - ``timeout`` is in seconds; ``timeout <= 0`` (or ``None``) means no timeout.
    - ``role`` is ``"python"`` (flag at hook offset 12) or ``"unity"`` (offset 13).

    A SharedMemory is not thread-safe: use it from one thread at a time.

    Besides the original package's primitives, large payloads are read without an
    intermediate copy: ``read_bytes_into(offset, buffer)`` fills any writable buffer
    (bytearray, numpy array), and ``view(offset, length)`` is a read-only memoryview
    of the shared bytes themselves (valid while this side holds control).

    ``close()`` / ``delete()`` always tell the peer (closed flag). An object that is
    garbage-collected or still open at interpreter exit closes *implicitly*: it sets
    the closed flag only if this side holds control, so that a message it handed over
    stays readable by the peer (the original packages fail every call once the flag
    is set); a pusm peer still learns at once that this side is gone (its liveness
    lock is released).
    """

    __slots__ = (
        "__weakref__",
        "_prefix",
        "_role",
        "_own",
        "_peer",
        "_dir",
        "_hook_path",
        "_hook_fd",
        "_hook_id",
        "_hook",
        "_data",
        "_view",
        "_data_id",
        "_data_private",
        "_futex_addr",
        "_wake",
        "_capacity",
        "_file_number",
        "_ready",
        "_open",
        "_timeout",
        "_spin",
        "_per_yield",
        "_peer_seen_alive",
        "_pid",
    )

    def __init__(
        self,
        prefix: str,
        capacity: int,
        create_new: bool,
        timeout: Optional[float] = -1,
        role: str = ROLE_PYTHON,
        *,
        wait_strategy: str = _wait.WAIT_ADAPTIVE,
        replace_stale: bool = False,
    ) -> None:
        self._open = False
        self._ready = False
        self._hook = None  # type: Optional[mmap.mmap]
        self._hook_fd = -1
        self._hook_id = None  # type: Optional[Tuple[int, int]]
        self._data = None  # type: Optional[_Data]
        self._view = None  # type: Optional[memoryview]
        self._data_id = None  # type: Optional[Tuple[int, int]]
        # The current data file was created by resize() in the turn we still hold:
        # the peer never mapped it, so nobody else would remove it.
        self._data_private = False
        self._futex_addr = None  # type: Optional[int]
        self._wake = None  # type: Optional[Callable[[], Any]]
        self._capacity = 0
        self._file_number = 0
        self._peer_seen_alive = False
        self._pid = os.getpid()

        self._prefix = _files.validate_prefix(prefix)
        if role not in _ROLE_OFFSETS:
            raise InvalidArgumentError(
                "invalid role %r for prefix %r: must be %r or %r"
                % (role, prefix, ROLE_PYTHON, ROLE_UNITY)
            )
        self._role = role
        self._own = _ROLE_OFFSETS[role]
        self._peer = _ROLE_OFFSETS[_PEER_ROLE[role]]
        self._spin = _wait.check_strategy(wait_strategy)
        self._per_yield = _wait.spins_per_yield()
        self._timeout = _check_timeout(timeout)
        self._dir = _files.ensure_dir()
        self._hook_path = os.path.join(self._dir, prefix)

        if create_new:
            self._create(_check_capacity(capacity, prefix), replace_stale)
        else:
            self._join()

    # ------------------------------------------------------------------ opening

    def _create(self, capacity: int, replace_stale: bool) -> None:
        try:
            fd = _files.create_exclusive(self._hook_path, "hook")
        except AlreadyExistsError:
            if not replace_stale:
                raise AlreadyExistsError(
                    "shared memory %r already exists in %s; pass replace_stale=True to replace "
                    "the leftovers of a dead conversation, or call delete_files(%r)"
                    % (self._prefix, self._dir, self._prefix)
                ) from None
            self._remove_stale()
            fd = _files.create_exclusive(self._hook_path, "hook")
        self._hook_fd = fd
        created = [self._hook_path]
        try:
            # Lock our role byte before anything else: from now on the hook is "live".
            if not _lock.take(fd, self._own):
                raise RoleTakenError(
                    "another live process already plays role %s on prefix %r"
                    % (self._role, self._prefix)
                )
            st = os.fstat(fd)
            self._hook_id = (st.st_dev, st.st_ino)
            flags = bytearray(3)
            flags[self._own - 12] = 1
            header = _HOOK_HEADER.pack(VERSION, 1, capacity) + bytes(flags)
            if os.write(fd, header) != HOOK_SIZE:
                raise OSError("short write to the hook file %s" % self._hook_path)

            data_path = os.path.join(self._dir, _files.data_name(self._prefix, 1))
            try:
                data_fd = _files.create_exclusive(data_path, "data")
            except AlreadyExistsError:
                if not replace_stale:
                    raise AlreadyExistsError(
                        "the data file %s of shared memory %r already exists (left over?); pass "
                        "replace_stale=True or call delete_files(%r)"
                        % (data_path, self._prefix, self._prefix)
                    ) from None
                # No hook was there, so no conversation owns it: a leftover.
                _files.remove_quietly(data_path)
                data_fd = _files.create_exclusive(data_path, "data")
            created.append(data_path)
            try:
                os.ftruncate(data_fd, capacity)
                dst = os.fstat(data_fd)
                self._install_data(_map(data_fd, capacity), (dst.st_dev, dst.st_ino))
            finally:
                os.close(data_fd)
            self._hook = mmap.mmap(fd, HOOK_SIZE, access=mmap.ACCESS_WRITE)
            self._futex_addr = _futex.word_address(self._hook)
            self._wake = _futex.waker(self._futex_addr)
        except BaseException:
            self._abandon()
            for path in reversed(created):
                _files.remove_quietly(path)
            raise
        self._capacity = capacity
        self._file_number = 1
        self._peer_seen_alive = _lock.is_locked(fd, self._peer)
        self._open = True
        self._ready = True
        _LIVE.add(self)

    def _remove_stale(self) -> None:
        """replace_stale: remove the files of a conversation nobody is alive in.

        Of several processes replacing the same stale files at once exactly one
        removes them: the others find the hook live (locked, or being written by the
        winner) or no longer the file they locked, and get AlreadyExistsError."""
        try:
            fd, st = _files.open_existing(self._hook_path)
        except FileNotFoundError:
            return  # vanished meanwhile: just create
        try:
            if _being_created(fd, st):
                raise AlreadyExistsError(
                    "shared memory %r in %s is being created by another process (its hook "
                    "file is not fully written yet); refusing to replace it"
                    % (self._prefix, self._dir)
                )
            # Look first, without taking anything: a lock we took on a live hook, even
            # briefly, would look to a creator waiting there like its peer joining
            # (and then dying).
            live = [r for r, off in sorted(_ROLE_OFFSETS.items()) if _lock.is_locked(fd, off)]
            if not live:
                # Nobody is there: taking both role locks proves it, and keeps other
                # replacers out until we are done.
                live = [r for r, off in sorted(_ROLE_OFFSETS.items()) if not _lock.take(fd, off)]
            if live:
                raise AlreadyExistsError(
                    "shared memory %r in %s is live: a process holds role %s; refusing to replace it"
                    % (self._prefix, self._dir, " and ".join(live))
                )
            # We hold both locks of the file we opened: is it still the one at the
            # path? Another replacer may have removed it and created a new
            # conversation meanwhile; deleting by name would destroy that one.
            if not _files.same_file(self._hook_path, (st.st_dev, st.st_ino)):
                if not os.path.lexists(self._hook_path):
                    return  # removed by another replacer: just create
                raise AlreadyExistsError(
                    "shared memory %r in %s was replaced by another process meanwhile; "
                    "refusing to replace it" % (self._prefix, self._dir)
                )
            _files.delete_conversation(self._prefix, self._dir)
        finally:
            os.close(fd)  # drops our locks on the old hook

    def _join(self) -> None:
        deadline = self._deadline()
        backoff = _wait.Backoff()
        while True:
            try:
                fd, st = _files.open_existing(self._hook_path)
                break
            except FileNotFoundError:
                now = _perf_counter()
                if deadline is not None and now >= deadline:
                    raise NotFoundError(
                        "shared memory %r not found: no hook file %s in %s (waited %s)"
                        % (self._prefix, self._prefix, self._dir, _describe_timeout(self._timeout))
                    ) from None
                backoff.pause(now, deadline)
        self._hook_fd = fd
        self._hook_id = (st.st_dev, st.st_ino)
        try:
            if not _lock.take(fd, self._own):
                raise RoleTakenError(
                    "another live process already plays role %s on prefix %r"
                    % (self._role, self._prefix)
                )
            self._peer_seen_alive = _lock.is_locked(fd, self._peer)
            number, capacity = self._read_complete_header(deadline)
            self._hook = mmap.mmap(fd, HOOK_SIZE, access=mmap.ACCESS_WRITE)
            self._futex_addr = _futex.word_address(self._hook)
            self._wake = _futex.waker(self._futex_addr)
            self._map_first_data(number, capacity, deadline)
        except BaseException:
            self._abandon()
            raise
        self._open = True
        _LIVE.add(self)
        self._wait_unblocked(deadline)

    def _read_complete_header(self, deadline: Optional[float]) -> Tuple[int, int]:
        """Read version, file number and capacity, waiting (briefly) for a creator
        that has created the hook but not written it yet."""
        grace_end = None  # type: Optional[float]
        backoff = _wait.Backoff()
        while True:
            raw = _files.read_head(self._hook_fd, HOOK_SIZE)
            if len(raw) >= HOOK_SIZE:
                version, number, capacity = _HOOK_HEADER.unpack_from(raw)
                if version != 0:
                    break
            now = _perf_counter()
            if grace_end is None:
                grace_end = now + JOIN_GRACE
                if deadline is not None:
                    grace_end = min(grace_end, deadline)
            if now >= grace_end:
                if len(raw) < HOOK_SIZE:
                    raise CorruptHookError(
                        "hook file %s of shared memory %r is %d bytes long, expected %d"
                        % (self._hook_path, self._prefix, len(raw), HOOK_SIZE)
                    )
                raise CorruptHookError(
                    "hook file %s of shared memory %r is still at version 0: the creator never "
                    "finished writing it" % (self._hook_path, self._prefix)
                )
            backoff.pause(now, grace_end)
        if version != VERSION:
            raise VersionMismatchError(
                "shared memory %r speaks protocol version %d, this runtime speaks version %d (hook file %s)"
                % (self._prefix, version, VERSION, self._hook_path),
                found=version,
                expected=VERSION,
            )
        if number < 1 or capacity < 0:
            raise CorruptHookError(
                "hook file %s of shared memory %r holds file number %d and capacity %d"
                % (self._hook_path, self._prefix, number, capacity)
            )
        return number, capacity

    def _map_first_data(self, number: int, capacity: int, deadline: Optional[float]) -> None:
        """Map the data file named by the hook. The creator may not have created it
        yet, or may be resizing: retry while the hook changes, briefly otherwise."""
        grace_end = None  # type: Optional[float]
        backoff = _wait.Backoff()
        while True:
            try:
                self._switch_data(number, capacity)
                return
            except (NotFoundError, CorruptDataError):
                hook = self._hook
                assert hook is not None
                now_number, now_capacity = (
                    _unpack_i32(hook, OFF_FILE_NUMBER)[0],
                    _unpack_i32(hook, OFF_CAPACITY)[0],
                )
                if (now_number, now_capacity) != (number, capacity):
                    number, capacity = now_number, now_capacity
                    grace_end = None
                    continue
                now = _perf_counter()
                if grace_end is None:
                    grace_end = now + JOIN_GRACE
                    if deadline is not None:
                        grace_end = min(grace_end, deadline)
                if now >= grace_end:
                    raise
                backoff.pause(now, grace_end)

    def _switch_data(self, number: int, capacity: int) -> None:
        """Map data file ``number`` (``capacity`` bytes) in place of the current one."""
        path = os.path.join(self._dir, _files.data_name(self._prefix, number))
        try:
            fd, st = _files.open_existing(path)
        except FileNotFoundError:
            raise NotFoundError(
                "data file %s of shared memory %r (file number %d) is missing"
                % (path, self._prefix, number)
            ) from None
        try:
            if st.st_size < capacity:
                raise CorruptDataError(
                    "data file %s of shared memory %r is %d bytes, smaller than the hook's capacity %d"
                    % (path, self._prefix, st.st_size, capacity)
                )
            new = _map(fd, capacity)
        finally:
            os.close(fd)
        self._drop_data()
        self._install_data(new, (st.st_dev, st.st_ino))
        self._capacity = capacity
        self._file_number = number

    def _install_data(self, data: _Data, ident: Tuple[int, int]) -> None:
        self._data = data
        self._view = memoryview(data)
        self._data_id = ident

    def _drop_data(self) -> None:
        """Unmap the data file (a view a user still holds keeps it mapped until released)."""
        view = self._view
        self._view = None
        if view is not None:
            try:
                view.release()
            except BufferError:
                pass  # an export of the view itself: the mapping lives until it goes
        _unmap(self._data)
        self._data = None

    # ------------------------------------------------------------------ turns

    def _deadline(self) -> Optional[float]:
        return None if self._timeout is None else _perf_counter() + self._timeout

    def _sync(self) -> None:
        """Slow path of every primitive: we may not hold control, or the peer closed."""
        if not self._open:
            raise self._closed_error()
        self._wait_unblocked(self._deadline())

    def _wait_unblocked(self, deadline: Optional[float]) -> None:
        h = self._hook
        assert h is not None
        own = self._own
        if not h[own] and not h[OFF_CLOSED]:
            status = _wait.wait_for_flag(
                h,
                own,
                OFF_CLOSED,
                deadline,
                self._spin,
                self._peer_state,
                self._futex_addr,
                self._per_yield,
            )
            if status:  # not READY (0): tested first, the hot path after a wake-up
                self._fail_wait(status)
        if h[OFF_CLOSED] and not h[own]:
            # Woken by the peer's close, not by a handover. (A peer that hands
            # over and then closes has its last message read first.)
            self._fail(
                PeerClosedError(
                    "the peer closed shared memory %r (role %s); the files have been deleted"
                    % (self._prefix, _PEER_ROLE[self._role])
                )
            )
        number = _unpack_i32(h, OFF_FILE_NUMBER)[0]
        if number != self._file_number:
            self._follow_resize(number, _unpack_i32(h, OFF_CAPACITY)[0])
        if not self._peer_seen_alive:
            # We may have got control back without waiting long enough for a periodic
            # probe: learn here whether the peer is one that holds a lock.
            self._peer_seen_alive = _lock.is_locked(self._hook_fd, self._peer)
        self._ready = True

    def _fail_wait(self, status: int) -> NoReturn:
        """A wait that ended without control: TIMED_OUT or PEER_DIED."""
        if status == _wait.TIMED_OUT:
            self._fail(
                PusmTimeoutError(
                    "timed out after %s waiting for control of shared memory %r (role %s); "
                    "the files have been deleted"
                    % (_describe_timeout(self._timeout), self._prefix, self._role)
                )
            )
        self._fail(
            PeerDiedError(
                "the peer playing role %s on prefix %r exited without closing; the files have been deleted"
                % (_PEER_ROLE[self._role], self._prefix)
            )
        )

    def _peer_state(self) -> int:
        """PEER_LOCKED: a live pusm peer (it wakes us); PEER_GONE: the pusm peer we saw
        exited without closing; PEER_UNLOCKED: no lock (an original package, or
        nobody joined yet)."""
        if _lock.is_locked(self._hook_fd, self._peer):
            self._peer_seen_alive = True
            return _wait.PEER_LOCKED
        h = self._hook
        if self._peer_seen_alive and h is not None and not h[OFF_CLOSED]:
            return _wait.PEER_GONE
        return _wait.PEER_UNLOCKED

    def _follow_resize(self, number: int, capacity: int) -> None:
        """The peer resized while we waited: map the new file, delete the old one(s)."""
        if capacity <= self._capacity:
            # A resize always grows the memory: -1, 0 or a shrink is a corrupt hook.
            raise CorruptHookError(
                "hook file %s of shared memory %r says the peer resized to data file %d of "
                "capacity %d, not more than the current %d bytes"
                % (self._hook_path, self._prefix, number, capacity, self._capacity)
            )
        old = self._file_number
        self._switch_data(number, capacity)
        # Every file the peer went through (it may have resized twice in one turn).
        stale = range(old, number) if number > old else (old,)
        for n in stale:
            _files.remove_quietly(os.path.join(self._dir, _files.data_name(self._prefix, n)))

    def _fail(self, error: PusmError) -> NoReturn:
        """Fatal wait outcome: delete the files, close, raise ``error``."""
        self._close(delete=True)
        raise error

    def _closed_error(self) -> ClosedError:
        return ClosedError("shared memory %r (role %s) is closed" % (self._prefix, self._role))

    @property
    def blocked(self) -> bool:
        """True while the peer holds control (our role's flag is 0)."""
        if not self._open:
            raise self._closed_error()
        h = self._hook
        assert h is not None
        return not h[self._own]

    def wait_unblocked(self) -> None:
        """Wait until we hold control. Raises PusmTimeoutError, PeerClosedError or
        PeerDiedError (after deleting the files and closing)."""
        self._sync()

    def give_control(self, wait: bool = True) -> None:
        """Hand control to the peer; with ``wait`` (default) block until it comes back."""
        if not self._ready:
            self._sync()
        h = self._hook
        assert h is not None
        h[self._own] = 0
        self._ready = False
        h[self._peer] = 1
        wake = self._wake
        if wake is not None:
            wake()  # a pusm peer asleep on the futex (an original one polls)
        # The peer may map our current data file from now on.
        self._data_private = False
        if wait:
            # Not via _sync() (we are open): a frame less after a wake-up (#7).
            self._wait_unblocked(self._deadline())

    def resize(self, new_capacity: int) -> None:
        """Grow the data file to ``new_capacity`` bytes (strictly greater than now),
        keeping its contents. The peer follows on its next wait."""
        if not self._ready:
            self._sync()
        try:
            new_capacity = operator.index(new_capacity)
        except TypeError:
            raise InvalidTypeError(
                "new capacity for shared memory %r must be an int, not %s"
                % (self._prefix, type(new_capacity).__name__)
            ) from None
        if new_capacity <= self._capacity:
            raise InvalidResizeError(
                "cannot resize shared memory %r to %d bytes: the new capacity must be strictly greater "
                "than the current %d" % (self._prefix, new_capacity, self._capacity)
            )
        if new_capacity > INT32_MAX:
            raise InvalidResizeError(
                "cannot resize shared memory %r to %d bytes: the capacity must fit an int32 (max %d)"
                % (self._prefix, new_capacity, INT32_MAX)
            )
        number = self._file_number + 1
        if len(self._prefix.encode("utf-8")) + number > _files.MAX_NAME_LEN:
            raise InvalidResizeError(
                "cannot resize shared memory %r to %d bytes: the data file name would exceed "
                "%d bytes (data file %d is the prefix and %d underscores)"
                % (self._prefix, new_capacity, _files.MAX_NAME_LEN, number, number)
            )
        path = os.path.join(self._dir, _files.data_name(self._prefix, number))
        try:
            fd = _files.create_exclusive(path, "data")
        except AlreadyExistsError:
            # File numbers only grow and the hook still says number - 1: a leftover.
            _files.remove_quietly(path)
            fd = _files.create_exclusive(path, "data")
        try:
            os.ftruncate(fd, new_capacity)
            new = _map(fd, new_capacity)
            st = os.fstat(fd)
        except BaseException:
            os.close(fd)
            _files.remove_quietly(path)
            raise
        os.close(fd)
        old = self._data
        assert old is not None
        new[: self._capacity] = old[: self._capacity]
        h = self._hook
        assert h is not None
        # Capacity first, then the file number the peer watches.
        _pack_i32(h, OFF_CAPACITY, new_capacity)
        _pack_i32(h, OFF_FILE_NUMBER, number)
        _futex.wake(self._futex_addr)
        old_path = os.path.join(self._dir, _files.data_name(self._prefix, self._file_number))
        old_id = self._data_id
        self._drop_data()
        if self._data_private and _files.same_file(old_path, old_id):
            # Created by our previous resize in this same turn: the peer never
            # mapped it, and an original package only removes the file it had.
            _files.remove_quietly(old_path)
        # Otherwise the peer deletes the old file when it notices.
        self._install_data(new, (st.st_dev, st.st_ino))
        self._data_private = True
        self._capacity = new_capacity
        self._file_number = number

    # ------------------------------------------------------------------ closing

    def close(self) -> None:
        """Tell the peer we are done (closed flag), unmap, release our lock. Idempotent."""
        self._close(delete=False)

    def delete(self) -> None:
        """``close()``, then remove the hook and data files."""
        self._close(delete=True)

    def _close(self, delete: bool, implicit: bool = False) -> None:
        if getattr(self, "_open", False):
            self._open = False
            self._ready = False
            _LIVE.discard(self)
            h = self._hook
            # A forked child shares our lock and mapping: it must not speak for us.
            if h is not None and os.getpid() == self._pid:
                try:
                    # The peer closed first: nobody else will remove the files.
                    if h[OFF_CLOSED]:
                        delete = True
                    # Implicitly (garbage collection, exit) only while we hold
                    # control: the peer may still have to read what we handed over.
                    if not implicit or h[self._own]:
                        h[OFF_CLOSED] = 1
                        _futex.wake(self._futex_addr)
                except ValueError:
                    pass
        if delete and getattr(self, "_hook_path", None):
            # Before _abandon(): while our descriptors are open the inodes we compare
            # against cannot be reused by a newer conversation's files.
            self._delete_files()
        self._abandon()

    def _abandon(self) -> None:
        """Release the lock, unmap and close without touching the flags."""
        fd = getattr(self, "_hook_fd", -1)
        if fd >= 0 and os.getpid() == self._pid:
            _lock.release(fd, self._own)
            # A pusm peer waiting on the futex learns at once that our lock is gone.
            _futex.wake(getattr(self, "_futex_addr", None))
        self._futex_addr = None
        self._wake = None
        _unmap(getattr(self, "_hook", None))
        if getattr(self, "_view", None) is not None or getattr(self, "_data", None) is not None:
            self._drop_data()
        self._hook = None
        if fd >= 0:
            self._hook_fd = -1
            try:
                os.close(fd)
            except OSError:
                pass

    def _delete_files(self) -> None:
        """Remove this conversation's files, but never the files of a newer
        conversation that re-used the prefix (checked by inode)."""
        if _files.same_file(self._hook_path, self._hook_id):
            _files.delete_conversation(self._prefix, self._dir)
        else:
            data_path = os.path.join(self._dir, _files.data_name(self._prefix, self._file_number))
            if _files.same_file(data_path, self._data_id):
                _files.remove_quietly(data_path)

    def __enter__(self) -> "SharedMemory":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.delete()

    def __del__(self) -> None:
        try:
            self._close(delete=False, implicit=True)
        except BaseException:
            pass

    def __repr__(self) -> str:
        state = "open" if getattr(self, "_open", False) else "closed"
        return "SharedMemory(prefix=%r, role=%r, capacity=%d, %s)" % (
            getattr(self, "_prefix", "?"),
            getattr(self, "_role", "?"),
            getattr(self, "_capacity", 0),
            state,
        )

    # ------------------------------------------------------------------ properties

    @property
    def prefix(self) -> str:
        return self._prefix

    @property
    def capacity(self) -> int:
        """Current capacity of the data file, in bytes."""
        return self._capacity

    @property
    def role(self) -> str:
        return self._role

    @property
    def closed(self) -> bool:
        return not self._open


def _check_timeout(timeout: object) -> Optional[float]:
    if timeout is None:
        return None
    try:
        value = float(timeout)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidTypeError(
            "timeout must be a number of seconds, not %r" % (timeout,)
        ) from None
    # As in the original, only a positive timeout is a timeout (NaN is not positive).
    return value if value > 0 else None


def _check_capacity(capacity: object, prefix: str) -> int:
    try:
        value = operator.index(capacity)  # type: ignore[arg-type]
    except TypeError:
        raise InvalidTypeError(
            "capacity of shared memory %r must be an int, not %s"
            % (prefix, type(capacity).__name__)
        ) from None
    if not 0 <= value <= INT32_MAX:
        raise InvalidArgumentError(
            "capacity %d of shared memory %r must be between 0 and %d" % (value, prefix, INT32_MAX)
        )
    return value


def _describe_timeout(timeout: Optional[float]) -> str:
    return "forever" if timeout is None else "%g s" % timeout


def _being_created(fd: int, st: os.stat_result) -> bool:
    """True for a hook not fully written yet (short, or at version 0) and modified in
    the last CREATION_GRACE seconds: a creator is at work, between creating the file
    and writing it (and it takes its liveness lock in between)."""
    raw = _files.read_head(fd, 4)
    if st.st_size >= HOOK_SIZE and len(raw) == 4 and raw != bytes(4):
        return False
    return time.time() - st.st_mtime < CREATION_GRACE


def delete_files(prefix: str) -> None:
    """Remove the hook ``prefix`` and the data files ``prefix_``, ``prefix__``, ...

    Unlike the original, files that merely start with ``prefix`` are left alone."""
    _files.delete_conversation(_files.validate_prefix(prefix), _files.shared_dir())
