"""The generated Python reads and writes exactly the bytes the generated Rust does.

Run by tests/python.rs as ``python3 python_agreement.py GENERATED_DIR SAMPLES_DIR``.
SAMPLES_DIR/samples.txt has one ``module.Class CsName 0xFINGERPRINT file`` line per
sample value, and each file holds that value as the Rust ``VecBuffer`` encoding.
For each: the class's FINGERPRINT is the Rust one; ``read`` consumes exactly the
bytes; ``write`` of what was read gives the same bytes back; the checked forms
prepend the fingerprint. Prints ``N passed, 0 failed``; any failure raises.
"""

import importlib
import os
import struct
import sys


class Memory:
    """The original package's primitive methods over a bytearray (no read_string/write_string)."""

    def __init__(self, data=b""):
        self.data = bytearray(data)

    def _read(self, offset, length):
        if offset < 0 or length < 0 or offset + length > len(self.data):
            raise IndexError(f"{length} bytes at {offset} past the end ({len(self.data)})")
        return bytes(self.data[offset : offset + length])

    def _write(self, offset, data):
        end = offset + len(data)
        if end > len(self.data):
            self.data.extend(bytes(end - len(self.data)))
        self.data[offset:end] = data
        return end

    def read_bool(self, offset):
        return self._read(offset, 1) != b"\x00", offset + 1

    def read_int32(self, offset):
        return struct.unpack("<i", self._read(offset, 4))[0], offset + 4

    def read_float32(self, offset):
        return struct.unpack("<f", self._read(offset, 4))[0], offset + 4

    def read_bytes(self, offset, length):
        return self._read(offset, length), offset + length

    def write_bool(self, offset, value):
        return self._write(offset, b"\x01" if value else b"\x00")

    def write_int32(self, offset, value):
        return self._write(offset, struct.pack("<i", value))

    def write_float32(self, offset, value):
        return self._write(offset, struct.pack("<f", value))

    def write_bytes(self, offset, data):
        return self._write(offset, bytes(data))


def main():
    generated, samples = sys.argv[1], sys.argv[2]
    sys.path.insert(0, generated)
    passed = 0
    with open(os.path.join(samples, "samples.txt")) as index:
        lines = [line.split() for line in index if line.strip()]
    for python_name, _, fingerprint, file in lines:
        module_name, class_name = python_name.split(".")
        cls = getattr(importlib.import_module(module_name), class_name)
        with open(os.path.join(samples, file), "rb") as sample:
            expected = sample.read()
        assert cls.FINGERPRINT == int(fingerprint, 16), (
            python_name,
            hex(cls.FINGERPRINT),
            fingerprint,
        )

        value, end = cls.read(Memory(expected), 0)
        assert end == len(expected), (python_name, end, len(expected))
        memory = Memory()
        assert value.write(memory, 0) == len(expected), python_name
        assert bytes(memory.data) == expected, (python_name, bytes(memory.data), expected)

        memory = Memory()
        value.write_checked(memory, 0)
        assert bytes(memory.data) == struct.pack("<I", cls.FINGERPRINT) + expected, python_name
        again, end = cls.read_checked(memory, 0)
        assert again == value and end == len(expected) + 4, python_name
        passed += 1
    print(f"{passed} passed, 0 failed")


if __name__ == "__main__":
    main()
