"""The read and write primitives of SharedMemory (PROTOCOL.md section 6), and the
large-payload access: :meth:`Access.read_bytes_into` and :meth:`Access.view`."""

from __future__ import annotations

import mmap
import operator
import struct
from typing import Any, Callable, Optional, Tuple, Union

from .errors import (
    InvalidLengthError,
    InvalidTypeError,
    InvalidUtf8Error,
    OutOfBoundsError,
    PusmError,
    ValueOutOfRangeError,
)

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1

_I32 = struct.Struct("<i")
_F32 = struct.Struct("<f")
_unpack_i32 = _I32.unpack_from
_pack_i32 = _I32.pack_into
_unpack_f32 = _F32.unpack_from
_pack_f32 = _F32.pack_into

Buffer = Union[bytes, bytearray, memoryview]


class Access:
    """The primitives, mixed into SharedMemory, which owns the attributes below."""

    __slots__ = ()

    _prefix: str
    _ready: bool
    _capacity: int
    _data: Optional[mmap.mmap]
    _view: Optional[memoryview]
    _sync: Callable[[], None]

    # ------------------------------------------------------------------ primitives
    #
    # Hot path: ``_ready`` says we hold control and already followed any resize, so
    # one byte read of the closed flag stands in for wait_unblocked(). Anything else
    # (blocked, closed, never synced) goes through _sync().

    def _out_of_bounds(self, what: str, offset: int, length: int) -> OutOfBoundsError:
        if offset < 0:
            reason = "negative offset"
        elif length < 0:
            reason = "negative length"
        else:
            reason = "it would cross the end"
        return OutOfBoundsError(
            "%s of %d bytes at offset %d is out of bounds of shared memory %r (capacity %d): %s"
            % (what, length, offset, self._prefix, self._capacity, reason),
            offset,
            length,
            self._capacity,
        )

    def read_bool(self, offset: int) -> Tuple[bool, int]:
        if not self._ready:
            self._sync()
        if offset < 0 or offset >= self._capacity:
            raise self._out_of_bounds("read_bool", offset, 1)
        return self._data[offset] != 0, offset + 1  # type: ignore[index]

    def write_bool(self, offset: int, value: bool) -> int:
        if not self._ready:
            self._sync()
        if offset < 0 or offset >= self._capacity:
            raise self._out_of_bounds("write_bool", offset, 1)
        self._data[offset] = 1 if value else 0  # type: ignore[index]
        return offset + 1

    def read_int32(self, offset: int) -> Tuple[int, int]:
        if not self._ready:
            self._sync()
        end = offset + 4
        if offset < 0 or end > self._capacity:
            raise self._out_of_bounds("read_int32", offset, 4)
        return _unpack_i32(self._data, offset)[0], end  # type: ignore[arg-type]

    def write_int32(self, offset: int, value: int) -> int:
        if not self._ready:
            self._sync()
        end = offset + 4
        if offset < 0 or end > self._capacity:
            raise self._out_of_bounds("write_int32", offset, 4)
        try:
            _pack_i32(self._data, offset, value)  # type: ignore[arg-type]
        except (struct.error, OverflowError, TypeError):
            raise self._bad_int32(value) from None
        return end

    def _bad_int32(self, value: object) -> PusmError:
        try:
            as_int = operator.index(value)  # type: ignore[arg-type]
        except TypeError:
            return InvalidTypeError(
                "write_int32 on shared memory %r needs an int, not %s (%r)"
                % (self._prefix, type(value).__name__, value)
            )
        return ValueOutOfRangeError(
            "value %d does not fit an int32 [%d, %d] (shared memory %r)"
            % (as_int, INT32_MIN, INT32_MAX, self._prefix),
            value,
        )

    def read_float32(self, offset: int) -> Tuple[float, int]:
        if not self._ready:
            self._sync()
        end = offset + 4
        if offset < 0 or end > self._capacity:
            raise self._out_of_bounds("read_float32", offset, 4)
        return _unpack_f32(self._data, offset)[0], end  # type: ignore[arg-type]

    def write_float32(self, offset: int, value: float) -> int:
        if not self._ready:
            self._sync()
        end = offset + 4
        if offset < 0 or end > self._capacity:
            raise self._out_of_bounds("write_float32", offset, 4)
        try:
            _pack_f32(self._data, offset, value)  # type: ignore[arg-type]
        except (struct.error, OverflowError, TypeError):
            if isinstance(value, (int, float)):
                raise ValueOutOfRangeError(
                    "value %r does not fit a float32 (shared memory %r)" % (value, self._prefix),
                    value,
                ) from None
            raise InvalidTypeError(
                "write_float32 on shared memory %r needs a float, not %s (%r)"
                % (self._prefix, type(value).__name__, value)
            ) from None
        return end

    def read_string(self, offset: int) -> Tuple[str, int]:
        if not self._ready:
            self._sync()
        start = offset + 4
        if offset < 0 or start > self._capacity:
            raise self._out_of_bounds("read_string (length)", offset, 4)
        data = self._data
        length = _unpack_i32(data, offset)[0]  # type: ignore[arg-type]
        end = start + length
        if length < 0 or end > self._capacity:
            raise InvalidLengthError(
                "string at offset %d of shared memory %r has length %d, %s (capacity %d)"
                % (
                    offset,
                    self._prefix,
                    length,
                    "which is negative" if length < 0 else "which runs past the end",
                    self._capacity,
                )
            )
        raw = data[start:end]  # type: ignore[index]
        try:
            return raw.decode("utf-8"), end
        except UnicodeDecodeError as err:
            raise InvalidUtf8Error(
                "string at offset %d of shared memory %r is not valid UTF-8 (bad byte at offset %d: %s)"
                % (offset, self._prefix, start + err.start, err.reason)
            ) from None

    def write_string(self, offset: int, value: str) -> int:
        if not self._ready:
            self._sync()
        if not isinstance(value, str):
            raise InvalidTypeError(
                "write_string on shared memory %r needs a str, not %s"
                % (self._prefix, type(value).__name__)
            )
        try:
            raw = value.encode("utf-8")
        except UnicodeEncodeError as err:
            raise ValueOutOfRangeError(
                "string %r cannot be encoded as UTF-8 (%s) (shared memory %r)"
                % (value, err.reason, self._prefix),
                value,
            ) from None
        start = offset + 4
        end = start + len(raw)
        if offset < 0 or end > self._capacity:
            raise self._out_of_bounds("write_string", offset, 4 + len(raw))
        data = self._data
        _pack_i32(data, offset, len(raw))  # type: ignore[arg-type]
        data[start:end] = raw  # type: ignore[index]
        return end

    def read_bytes(self, offset: int, length: int) -> Tuple[bytes, int]:
        end = offset + length
        # The one call generated readers make per variable-length field: one test
        # for the common case (a slice of an mmap is a new bytes object).
        if not (self._ready and 0 <= offset <= end <= self._capacity):
            if not self._ready:
                self._sync()
            if offset < 0 or length < 0 or end > self._capacity:
                raise self._out_of_bounds("read_bytes", offset, length)
        return self._data[offset:end], end  # type: ignore[index]

    def write_bytes(self, offset: int, data: Buffer) -> int:
        if not self._ready:
            self._sync()
        if not isinstance(data, (bytes, bytearray)):
            try:
                view = memoryview(data)
            except TypeError:
                raise InvalidTypeError(
                    "write_bytes on shared memory %r needs bytes, bytearray or memoryview, not %s"
                    % (self._prefix, type(data).__name__)
                ) from None
            data = view.cast("B") if view.c_contiguous else view.tobytes()
        end = offset + len(data)
        if 0 <= offset and end <= self._capacity:
            self._data[offset:end] = data  # type: ignore[index]
            return end
        raise self._out_of_bounds("write_bytes", offset, len(data))

    # ------------------------------------------------------------------ large payloads

    def read_bytes_into(self, offset: int, buffer: Any) -> int:
        """Copy ``len(buffer)`` bytes (its size in bytes) at ``offset`` into ``buffer``,
        any writable C-contiguous object with the buffer protocol (``bytearray``,
        ``memoryview``, ``array.array``, a numpy array...); return the offset just past
        them. One copy straight from the shared memory, no intermediate ``bytes``:
        for large payloads read again and again (camera frames, point clouds).

        Raises InvalidTypeError for an object without a writable, contiguous buffer
        and OutOfBoundsError when the bytes would cross the end of the memory."""
        if not self._ready:
            self._sync()
        try:
            target = memoryview(buffer)
        except TypeError:
            raise InvalidTypeError(
                "read_bytes_into on shared memory %r needs a writable buffer (bytearray, "
                "memoryview, numpy array...), not %s" % (self._prefix, type(buffer).__name__)
            ) from None
        with target:
            if target.readonly or not target.c_contiguous:
                raise InvalidTypeError(
                    "read_bytes_into on shared memory %r needs a writable, C-contiguous "
                    "buffer; this %s is %s"
                    % (
                        self._prefix,
                        type(buffer).__name__,
                        "read-only" if target.readonly else "not contiguous",
                    )
                )
            length = target.nbytes
            end = offset + length
            if offset < 0 or end > self._capacity:
                raise self._out_of_bounds("read_bytes_into", offset, length)
            if length:
                view = self._view
                assert view is not None
                with target.cast("B") as flat:
                    flat[:] = view[offset:end]
        return end

    def view(self, offset: int, length: int) -> memoryview:
        """A read-only ``memoryview`` of ``length`` bytes at ``offset`` of the shared
        memory itself: no copy at all (``numpy.frombuffer(sm.view(o, n), dtype)``
        reads the peer's array in place).

        Lifetime: the view shows the shared bytes *now*. Use it while this side holds
        control, and drop it (``view.release()``, or ``with sm.view(...) as v:``)
        before ``give_control``, ``resize`` or ``close``: once the peer holds
        control it may overwrite these bytes, and after a resize or close the view
        still shows the old data file, not the memory's current contents. Reading
        a kept view never crashes (the old mapping lives until the view is
        released), it is only stale.

        Raises OutOfBoundsError when the range is not inside the memory."""
        if not self._ready:
            self._sync()
        end = offset + length
        if offset < 0 or length < 0 or end > self._capacity:
            raise self._out_of_bounds("view", offset, length)
        view = self._view
        assert view is not None
        return view[offset:end].toreadonly()
