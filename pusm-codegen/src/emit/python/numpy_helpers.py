"""numpy helpers of the modules pusm-codegen generated in this folder with its numpy
option: lists and fixed arrays of int32 and float32, and bytes, are numpy arrays. A read
array is a read-only view of the bytes the message was read into (no copy: call
``.copy()`` to change it); a written one is copied once, into the message's bytes.
"""

from __future__ import annotations

import dataclasses
import typing

import numpy
import numpy.typing

__all__ = [
    "array",
    "equal",
    "raw",
    "read",
]


def read(
    data: bytes, dtype: str, shape: typing.Tuple[int, ...], at: int
) -> numpy.typing.NDArray[typing.Any]:
    """The array of ``shape`` whose values are at ``at`` in ``data``: a read-only view."""
    count = 1
    for length in shape:
        count *= length
    return numpy.frombuffer(data, dtype, count, at).reshape(shape)


def raw(value: numpy.typing.NDArray[typing.Any]) -> bytes:
    """The bytes of a contiguous array, without a copy (``b"".join`` takes any buffer)."""
    return typing.cast(bytes, memoryview(typing.cast(typing.Any, value)).cast("B"))


def array(
    value: typing.Any, dtype: str, shape: typing.Optional[typing.Tuple[int, ...]], where: str
) -> numpy.typing.NDArray[typing.Any]:
    """``value`` (an array, a list, or anything with the buffer protocol for bytes) as a
    contiguous little-endian array of ``dtype`` and ``shape`` (``None``: one dimension,
    any length); a ValueError naming the field when its shape or kind of values differ.
    """
    target = numpy.dtype(dtype)
    if dtype == "u1" and isinstance(value, (bytes, bytearray, memoryview)):
        found = numpy.frombuffer(value, target)
    else:
        found = numpy.asarray(value)
    if found.dtype != target:
        if found.size and not numpy.can_cast(found.dtype, target, "same_kind"):
            raise ValueError(f"{where} has dtype {found.dtype}, expected {target.str}")
        if found.dtype.kind in "iu" and found.size:
            info = numpy.iinfo(target)
            if found.min() < info.min or found.max() > info.max:
                raise ValueError(f"{where} has values that do not fit {target.str}")
        found = found.astype(target)
    if shape is None:
        if found.ndim != 1:
            raise ValueError(f"{where} has shape {found.shape}, expected one dimension")
    elif found.shape != shape:
        raise ValueError(f"{where} has shape {found.shape}, expected {shape}")
    return numpy.ascontiguousarray(found)


def equal(first: object, second: object) -> bool:
    """Whether two messages are equal, field by field, arrays by value."""
    if type(first) is not type(second):
        return False
    return all(
        _equal(getattr(first, field.name), getattr(second, field.name))
        for field in dataclasses.fields(typing.cast(typing.Any, first))
    )


def _equal(first: object, second: object) -> bool:
    if isinstance(first, numpy.ndarray) or isinstance(second, numpy.ndarray):
        return bool(numpy.array_equal(first, second))  # type: ignore[arg-type]
    if isinstance(first, list) and isinstance(second, list):
        return len(first) == len(second) and all(map(_equal, first, second))
    return bool(first == second)
