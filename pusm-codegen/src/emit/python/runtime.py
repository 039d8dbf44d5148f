"""Helpers shared by the modules pusm-codegen generated in this folder: the error
classes, the memory protocol that generated ``read`` and ``write`` take, and the
checks they call. Standard library only; works with pusm's runtime and with the
original package's memory object alike.
"""

from __future__ import annotations

import dataclasses
import enum
import struct
import typing

__all__ = [
    "DecodeError",
    "Memory",
    "SchemaMismatchError",
]


try:  # pusm's own classes when it is installed, so one ``except`` catches both
    from pusm.errors import DecodeError, SchemaMismatchError  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # the original package, or none: local equivalents

    class SchemaMismatchError(ValueError):  # type: ignore[no-redef, unused-ignore]
        """A checked read found the fingerprint of another message type."""

        def __init__(self, expected: int, found: int) -> None:
            super().__init__(
                "schema mismatch: expected fingerprint 0x%08x, found 0x%08x" % (expected, found)
            )
            self.expected = expected
            self.found = found

    class DecodeError(ValueError):  # type: ignore[no-redef, unused-ignore]
        """Bytes that no message encodes: a negative length, invalid UTF-8, an unknown
        enum value. The message names the type, field and offset."""


class Memory(typing.Protocol):
    """What generated code needs of a memory: the original package's
    ``read_bytes``/``write_bytes`` (pusm's ``SharedMemory`` has them too)."""

    def read_bytes(self, offset: int, length: int) -> typing.Tuple[bytes, int]:
        """``length`` bytes at ``offset``, and the offset just past them."""

    def write_bytes(self, offset: int, data: bytes) -> int:
        """Writes ``data`` at ``offset``; returns the offset just past it."""


class Message(typing.Protocol):
    """A generated message class, as the helpers below see it."""

    def _pack(self, parts: typing.List[bytes]) -> None:
        """Appends the encoding of the message to ``parts``."""


E = typing.TypeVar("E", bound=enum.IntEnum)
T = typing.TypeVar("T")

# What a value of the wrong type or range raises while packing: struct.error for
# numbers, KeyError for an int that is no enum member, TypeError and AttributeError
# for other types (a str where bytes go...).
_WRITE_ERRORS = (struct.error, OverflowError, KeyError, TypeError, AttributeError)


def encode(message: Message, head: bytes = b"") -> bytes:
    """``head`` and the encoding of ``message``; a ValueError naming the field
    when a value does not fit its type, before anything is written."""
    parts = [head]
    try:
        message._pack(parts)
        return b"".join(parts)
    except _WRITE_ERRORS as error:
        name = type(message).__name__
        found = _bad_value(message, type(message), name) or error
        raise ValueError(f"cannot write {name}: {found}") from None


def negative_length(value: int, where: str, offset: int) -> ValueError:
    """The DecodeError of a negative length or count read from the wire."""
    error: ValueError = DecodeError(f"{where}: negative length {value} at offset {offset}")
    return error


def decode_utf8(data: bytes, where: str, offset: int) -> str:
    """``data`` decoded as UTF-8; ``offset`` is where the string's length is."""
    try:
        return str(data, "utf-8")
    except UnicodeDecodeError as error:
        raise DecodeError(
            f"{where}: invalid UTF-8 in the string at offset {offset} ({error.reason})"
        ) from None


def to_enum(members: typing.Dict[int, E], value: int, where: str, offset: int) -> E:
    """The member with this value; any other value is a DecodeError."""
    member = members.get(value)
    if member is None:
        name = type(next(iter(members.values()))).__name__ if members else "enum"
        raise DecodeError(f"{where}: invalid value {value} at offset {offset} for enum {name}")
    return member


def members(enum_type: typing.Type[E]) -> typing.Dict[int, E]:
    """The members of an enum by value: a dict lookup is much faster than a call."""
    return {member.value: member for member in enum_type}


def check_bool(value: bool) -> bool:
    """``value`` when it is a bool; a TypeError otherwise (1 is not True here)."""
    if value is True or value is False:
        return value
    raise TypeError(f"{value!r} is not a bool")


def check_bools(values: typing.Sequence[bool]) -> typing.Sequence[bool]:
    """``values`` when every one is a bool; a TypeError otherwise."""
    for value in values:
        check_bool(value)
    return values


def check_len(value: typing.Sequence[T], count: int, where: str) -> typing.Sequence[T]:
    """``value``, when it has exactly ``count`` elements; a ValueError otherwise."""
    if value is None or len(value) != count:
        found = "None" if value is None else f"{len(value)} elements"
        raise ValueError(f"{where} must have exactly {count} elements, found {found}")
    return value


def pack_numbers(code: str, values: typing.Sequence[typing.Any]) -> bytes:
    """``values`` packed little-endian with the struct ``code`` (``i``, ``?``)."""
    return struct.pack(f"<{len(values)}{code}", *values)


def unpack_each(
    layout: struct.Struct, data: bytes, at: int, count: int
) -> typing.Iterator[typing.Tuple[typing.Any, ...]]:
    """The tuples of ``count`` consecutive ``layout`` values at ``at`` in ``data``."""
    return layout.iter_unpack(memoryview(data)[at : at + layout.size * count])


def filled(shape: typing.Sequence[int], factory: typing.Callable[[], typing.Any]) -> typing.Any:
    """Nested lists of ``shape``, each element a new ``factory()``: array defaults."""
    if len(shape) == 1:
        return [factory() for _ in range(shape[0])]
    return [filled(shape[1:], factory) for _ in range(shape[0])]


def _bad_value(value: typing.Any, hint: typing.Any, where: str) -> typing.Optional[str]:
    """Why ``value`` (declared as ``hint``) cannot be written, as ``where = value
    ...``; ``None`` when nothing under it is wrong."""
    origin = typing.get_origin(hint)
    if origin is list:
        if not isinstance(value, (list, tuple)):
            return f"{where} = {value!r} is not a list"
        (item_hint,) = typing.get_args(hint)
        for index, item in enumerate(value):
            found = _bad_value(item, item_hint, f"{where}[{index}]")
            if found:
                return found
    elif origin is typing.Union:  # typing.Optional[T]
        if value is not None:
            return _bad_value(value, typing.get_args(hint)[0], where)
    elif isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, hint):
            return f"{where} = {value!r} is not a {hint.__name__}"
        hints = typing.get_type_hints(hint)
        for field in dataclasses.fields(hint):
            name = field.name
            found = _bad_value(getattr(value, name), hints[name], f"{where}.{name}")
            if found:
                return found
    elif isinstance(hint, type) and issubclass(hint, enum.IntEnum):
        if value not in {member.value for member in hint}:
            return f"{where} = {value!r} is not a {hint.__name__}"
    elif hint is bool:
        if value is not True and value is not False:
            return f"{where} = {value!r} is not a bool"
    elif hint is float or hint is int:
        wire = "a float32" if hint is float else "an int32"
        try:
            struct.pack("<f" if hint is float else "<i", value)
        except (struct.error, OverflowError, TypeError):
            return f"{where} = {value!r} does not fit {wire}"
    elif hint is str:
        if not isinstance(value, str):
            return f"{where} = {value!r} is not a str"
    elif hint is bytes:
        try:
            memoryview(value)
        except TypeError:
            return f"{where} = {value!r} is not bytes"
    return None
