"""File names, prefix validation and safe opening (PROTOCOL.md section 1)."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from typing import Optional, Tuple

from .errors import AlreadyExistsError, CorruptHookError, InvalidPrefixError, UnsafeFileError

DIR_NAME = "python_unity_shared_memory"

_O_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
_O_BINARY: int = getattr(os, "O_BINARY", 0)
# O_NONBLOCK: opening a FIFO or a device planted at a name must not block (regular
# files ignore the flag; anything else is refused right after opening).
_O_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
_OPEN_FLAGS = os.O_RDWR | _O_NOFOLLOW | _O_BINARY | _O_NONBLOCK
_CREATE_FLAGS = _OPEN_FLAGS | os.O_CREAT | os.O_EXCL
_HAS_UIDS = hasattr(os, "geteuid")


def shared_dir() -> str:
    """The directory both sides use: ``<tempfile.gettempdir()>/python_unity_shared_memory``.

    Computed at call time, so changing ``TMPDIR`` / ``tempfile.tempdir`` takes effect."""
    return os.path.join(tempfile.gettempdir(), DIR_NAME)


def validate_prefix(prefix: object) -> str:
    """Return ``prefix`` if it is a valid name, else raise :class:`InvalidPrefixError`."""
    if not isinstance(prefix, str):
        raise InvalidPrefixError("invalid prefix %r: must be a str" % (prefix,))
    rules = (
        (prefix == "", "must not be empty"),
        (prefix.endswith("_"), "must not end with '_'"),
        ("/" in prefix, "must not contain '/'"),
        ("\\" in prefix, "must not contain '\\'"),
        ("\0" in prefix, "must not contain NUL"),
        (".." in prefix, "must not contain '..'"),
        (prefix.startswith("."), "must not start with '.'"),
    )
    for broken, rule in rules:
        if broken:
            raise InvalidPrefixError("invalid prefix %r: %s" % (prefix, rule))
    try:
        size = len(prefix.encode("utf-8"))
    except UnicodeEncodeError as err:
        raise InvalidPrefixError(
            "invalid prefix %r: not encodable as UTF-8 (%s at index %d)"
            % (prefix, err.reason, err.start)
        ) from None
    if size > MAX_NAME_LEN - 1:
        raise InvalidPrefixError(
            "invalid prefix %r: %d bytes of UTF-8, at most %d (the first data file, the prefix "
            "and '_', must fit the %d-byte file name limit)"
            % (prefix, size, MAX_NAME_LEN - 1, MAX_NAME_LEN)
        )
    return prefix


#: The longest file name the file systems pusm runs on accept (NAME_MAX).
MAX_NAME_LEN = 255


def data_name(prefix: str, number: int) -> str:
    """Name of data file ``number``: the prefix followed by ``number`` underscores.

    A number that cannot name a file (a corrupted hook) is refused before a
    name of up to 2 GiB is built."""
    if number < 1 or len(prefix.encode("utf-8")) + number > MAX_NAME_LEN:
        raise CorruptHookError(
            "file number %d cannot name a data file of shared memory %r (file names are at most %d bytes)"
            % (number, prefix, MAX_NAME_LEN)
        )
    return prefix + "_" * number


def ensure_dir() -> str:
    """Create the shared directory (mode 0o700) if missing; refuse an unsafe one."""
    path = shared_dir()
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise UnsafeFileError(
            "refusing shared directory %s: it is a symlink or not a directory" % path
        )
    if _HAS_UIDS and st.st_uid != os.geteuid():
        raise UnsafeFileError(
            "refusing shared directory %s: it is owned by uid %d, not by us (uid %d); "
            "set TMPDIR to a private directory" % (path, st.st_uid, os.geteuid())
        )
    if st.st_mode & stat.S_IWOTH and not st.st_mode & stat.S_ISVTX:
        # Anyone could replace our files there: refused, never chmod-ed.
        raise UnsafeFileError(
            "refusing shared directory %s: it is world-writable without the sticky bit "
            "(mode %o); chmod it to 700 or set TMPDIR to a private directory"
            % (path, stat.S_IMODE(st.st_mode))
        )
    return path


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISLNK, "a symlink"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    for test, name in kinds:
        if test(mode):
            return name
    return "not a regular file"


def _unsafe_reason(st: os.stat_result, check_owner: bool) -> Optional[str]:
    """Why the file ``st`` must not be used as a hook or data file, or None: anything
    but a regular file, another user's file (when ``check_owner``), or a file with more
    than one link (another name of it could be anything: a hard link planted at the
    hook name would have us write into some other file of this user)."""
    if not stat.S_ISREG(st.st_mode):
        return "it is %s" % _kind(st.st_mode)
    if check_owner and _HAS_UIDS and st.st_uid != os.geteuid():
        return "owned by uid %d, not by us (uid %d)" % (st.st_uid, os.geteuid())
    if st.st_nlink > 1:
        return "it has %d hard links, a shared memory file has one" % st.st_nlink
    return None


def _check_opened(fd: int, path: str) -> os.stat_result:
    st = os.fstat(fd)
    reason = _unsafe_reason(st, check_owner=True)
    if reason is not None:
        raise UnsafeFileError("refusing %s: %s" % (path, reason))
    return st


def _refuse_not_regular(err: OSError, path: str) -> None:
    """Turn an open() failure caused by what is at ``path`` (anything but a regular
    file with one link) into UnsafeFileError."""
    if err.errno == errno.ELOOP:
        raise UnsafeFileError("refusing %s: it is a symlink" % path) from None
    try:
        st = os.lstat(path)
    except OSError:
        return
    reason = _unsafe_reason(st, check_owner=False)
    if reason is not None:
        raise UnsafeFileError("refusing %s: %s" % (path, reason)) from None


def open_existing(path: str) -> Tuple[int, os.stat_result]:
    """Open an existing file read-write without following symlinks and check that it is a
    regular file of ours with one link. Raises FileNotFoundError (plain) when missing,
    UnsafeFileError for anything that is not such a file."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise
    except OSError as err:
        _refuse_not_regular(err, path)
        raise
    try:
        return fd, _check_opened(fd, path)
    except BaseException:
        os.close(fd)
        raise


def create_exclusive(path: str, what: str) -> int:
    """Create ``path`` (0o600), failing with AlreadyExistsError if a regular file is
    there and UnsafeFileError if anything else is (a symlink, a directory...)."""
    try:
        return os.open(path, _CREATE_FLAGS, 0o600)
    except FileExistsError as err:
        _refuse_not_regular(err, path)
        raise AlreadyExistsError("the %s file %s already exists" % (what, path)) from None
    except OSError as err:
        _refuse_not_regular(err, path)
        raise


def read_head(fd: int, size: int) -> bytes:
    """The first ``size`` bytes of the open file ``fd`` (fewer if it is shorter)."""
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, size)


def same_file(path: str, ident: Optional[Tuple[int, int]]) -> bool:
    """True while ``path`` still names the file ``ident`` (its ``(st_dev, st_ino)``):
    what this side may delete by name without removing another side's file."""
    if ident is None:
        return False
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == ident


def remove_quietly(path: str) -> None:
    """Unlink ``path``; a missing file is fine."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        pass


def is_conversation_file(prefix: str, name: str) -> bool:
    """True for ``prefix`` itself and ``prefix`` followed by one or more underscores."""
    if not name.startswith(prefix):
        return False
    rest = name[len(prefix) :]
    return rest == "" or rest.strip("_") == ""


def delete_conversation(prefix: str, directory: str) -> None:
    """Remove the data files ``prefix_``, ``prefix__``, ... and then the hook ``prefix``
    (last, so that nobody can start a new conversation on the prefix meanwhile).

    Unlike the original package, other files that merely start with ``prefix``
    (``prefix-other``, ``prefix_x``) are left alone."""
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(names, key=len, reverse=True):
        if is_conversation_file(prefix, name):
            remove_quietly(os.path.join(directory, name))
