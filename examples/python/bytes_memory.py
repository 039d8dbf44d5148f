"""BytesMemory: an in-process buffer with the method names of pusm's SharedMemory.

Generated message classes only call ``read_*`` / ``write_*`` on the object they are
given, so they can encode into and decode from plain bytes as well as from a shared
memory::

    from bytes_memory import BytesMemory
    from robot import Action

    buf = BytesMemory()
    Action(tags=["héllo"]).write_checked(buf, 0)
    wire = buf.getvalue()                          # the exact bytes on the wire
    action, end = Action.read_checked(BytesMemory(wire), 0)

Writes grow the buffer (zero-filling any gap); reads past the end raise IndexError,
as a shared memory read crossing the end of its data file would. Encodings are those
of PROTOCOL.md section 7: little-endian int32 and float32, bool as one byte, string as
an int32 byte length followed by UTF-8.

Used by driver.py (to decode the script's hex requests) and by test_examples.py.
Standard library only.
"""

import struct
from typing import Tuple, Union

__all__ = ["BytesMemory"]

_I32 = struct.Struct("<i")
_F32 = struct.Struct("<f")

Buffer = Union[bytes, bytearray, memoryview]


class BytesMemory:
    """A growable bytearray with SharedMemory's ``read_*`` / ``write_*`` methods.

    Every read takes an offset and returns ``(value, new_offset)``; every write takes
    an offset and a value and returns the new offset.
    """

    def __init__(self, data: Buffer = b"") -> None:
        self._data = bytearray(data)

    # ------------------------------------------------------------------ contents

    def getvalue(self) -> bytes:
        """A copy of the whole buffer."""
        return bytes(self._data)

    @property
    def capacity(self) -> int:
        """Current size in bytes (it grows with every write past the end)."""
        return len(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return "BytesMemory(%s)" % self._data.hex()

    # ------------------------------------------------------------------ helpers

    def _span(self, what: str, offset: int, length: int) -> int:
        """Checks that ``length`` bytes at ``offset`` exist; returns the end offset."""
        end = offset + length
        if offset < 0 or length < 0 or end > len(self._data):
            raise IndexError(
                "%s of %d bytes at offset %d is out of bounds of a %d-byte BytesMemory"
                % (what, length, offset, len(self._data))
            )
        return end

    def _put(self, offset: int, raw: Buffer) -> int:
        """Writes ``raw`` at ``offset``, growing the buffer as needed."""
        if offset < 0:
            raise IndexError("negative offset %d in a BytesMemory write" % offset)
        end = offset + len(raw)
        if end > len(self._data):
            self._data.extend(bytes(end - len(self._data)))
        self._data[offset:end] = raw
        return end

    # ------------------------------------------------------------------ primitives

    def read_bool(self, offset: int) -> Tuple[bool, int]:
        end = self._span("read_bool", offset, 1)
        return self._data[offset] != 0, end

    def write_bool(self, offset: int, value: bool) -> int:
        return self._put(offset, b"\x01" if value else b"\x00")

    def read_int32(self, offset: int) -> Tuple[int, int]:
        end = self._span("read_int32", offset, 4)
        return _I32.unpack_from(self._data, offset)[0], end

    def write_int32(self, offset: int, value: int) -> int:
        return self._put(offset, _I32.pack(value))

    def read_float32(self, offset: int) -> Tuple[float, int]:
        end = self._span("read_float32", offset, 4)
        return _F32.unpack_from(self._data, offset)[0], end

    def write_float32(self, offset: int, value: float) -> int:
        return self._put(offset, _F32.pack(value))

    def read_string(self, offset: int) -> Tuple[str, int]:
        length, start = self.read_int32(offset)
        if length < 0:
            raise ValueError("negative string length %d at offset %d" % (length, offset))
        end = self._span("read_string", start, length)
        return self._data[start:end].decode("utf-8"), end

    def write_string(self, offset: int, value: str) -> int:
        raw = value.encode("utf-8")
        offset = self.write_int32(offset, len(raw))
        return self._put(offset, raw)

    def read_bytes(self, offset: int, length: int) -> Tuple[bytes, int]:
        end = self._span("read_bytes", offset, length)
        return bytes(self._data[offset:end]), end

    def write_bytes(self, offset: int, data: Buffer) -> int:
        return self._put(offset, bytes(data))
