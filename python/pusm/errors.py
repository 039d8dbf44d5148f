"""Errors raised by pusm.

Every error derives from :class:`PusmError` *and* from the builtin exception a user
of the original ``python_unity_shared_memory`` package would already catch (for
example a bounds error is also an ``IndexError``), so existing ``except`` clauses
keep working.
"""

from __future__ import annotations

__all__ = [
    "PusmError",
    "InvalidArgumentError",
    "InvalidTypeError",
    "ValueOutOfRangeError",
    "InvalidPrefixError",
    "AlreadyExistsError",
    "NotFoundError",
    "VersionMismatchError",
    "CorruptHookError",
    "CorruptDataError",
    "OutOfBoundsError",
    "InvalidLengthError",
    "InvalidUtf8Error",
    "PusmTimeoutError",
    "PeerClosedError",
    "PeerDiedError",
    "RoleTakenError",
    "InvalidResizeError",
    "UnsafeFileError",
    "SchemaMismatchError",
    "ClosedError",
]


class PusmError(Exception):
    """Base class of every error raised by pusm."""


class InvalidArgumentError(PusmError, ValueError):
    """An argument has a value pusm cannot accept (role, wait strategy, capacity...)."""


class InvalidTypeError(PusmError, TypeError):
    """An argument has a type pusm cannot encode (e.g. ``write_int32("3")``)."""


class ValueOutOfRangeError(InvalidArgumentError):
    """A value does not fit its wire type (an int32 outside [-2**31, 2**31 - 1],
    a float too large for float32, a string that is not valid Unicode)."""

    def __init__(self, message: str, value: object = None) -> None:
        super().__init__(message)
        self.value = value


class InvalidPrefixError(PusmError, ValueError):
    """The prefix is not a valid shared memory name."""


class AlreadyExistsError(PusmError, FileExistsError):
    """``create_new=True`` but the files already exist (or belong to a live conversation)."""


class NotFoundError(PusmError, FileNotFoundError):
    """``create_new=False`` and the hook file never appeared within the timeout."""


class VersionMismatchError(PusmError, RuntimeError):
    """The hook file carries a protocol version this runtime does not speak."""

    def __init__(self, message: str, found: int, expected: int = 1) -> None:
        super().__init__(message)
        self.found = found
        self.expected = expected


class CorruptHookError(PusmError, RuntimeError):
    """The hook file is too short or holds impossible values."""


class CorruptDataError(PusmError, RuntimeError):
    """The data file named by the hook is missing or smaller than the hook's capacity."""


class OutOfBoundsError(PusmError, IndexError):
    """A read or write would cross the end of the data file (or starts before it)."""

    def __init__(self, message: str, offset: int, length: int, capacity: int) -> None:
        super().__init__(message)
        self.offset = offset
        self.length = length
        self.capacity = capacity


class InvalidLengthError(PusmError, ValueError):
    """A length read from memory is negative or points past the end of the data."""


class InvalidUtf8Error(PusmError, ValueError):
    """A string read from memory is not valid UTF-8."""


class PusmTimeoutError(PusmError, TimeoutError):
    """Waiting for control took longer than the timeout (the files have been deleted)."""


class PeerClosedError(PusmError, ConnectionError):
    """The peer closed the conversation (the files have been deleted)."""


class PeerDiedError(PusmError, ConnectionError):
    """The peer's process ended without closing (the files have been deleted)."""


class RoleTakenError(PusmError, RuntimeError):
    """Another live process already plays this role on this prefix."""


class InvalidResizeError(PusmError, ValueError):
    """The new capacity is not strictly greater than the current one, or too large."""


class UnsafeFileError(PusmError, PermissionError):
    """A file or the directory is a symlink, not a regular file, or owned by another user."""


class SchemaMismatchError(PusmError, ValueError):
    """A checked read found a message fingerprint other than the expected one."""

    def __init__(self, expected: int, found: int) -> None:
        super().__init__(
            "schema mismatch: expected fingerprint 0x%08x, found 0x%08x"
            % (expected & 0xFFFFFFFF, found & 0xFFFFFFFF)
        )
        self.expected = expected
        self.found = found


class DecodeError(PusmError, ValueError):
    """Generated code found bytes that are not a valid message: a negative count,
    an unknown enum value, invalid UTF-8. The message names the type, field and offset."""


class ClosedError(PusmError, ValueError):
    """The SharedMemory was used after ``close()`` / ``delete()`` (or after a fatal
    error such as a timeout, which closes it)."""
