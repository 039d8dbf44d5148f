"""Drives generated Python for the property test over random schemas.

Usage: python3 driver.py GENERATED_DIR BYTES_MEMORY_PY < cases

Each input line is one message: ``MODULE FINGERPRINT EXPECTED_HEX TOKENS...``. The
tokens describe a value (see ``parse``); the driver builds it with the generated
classes' constructors, writes it into a BytesMemory, and checks that the bytes are
EXPECTED_HEX (the reference codec's encoding). It then reads EXPECTED_HEX back with
the generated ``read`` and checks the value and the end offset. One output line per
input line: ``ok`` or ``FAIL <what went wrong>``.

Before any message, every generated module is checked not to shadow a module of the
standard library, and is imported; a failure there is reported as ``FATAL ...``.
Standard library only; Python 3.8 syntax.
"""

import dataclasses
import importlib
import importlib.util
import os
import struct
import sys
import traceback


def load_bytes_memory(path):
    spec = importlib.util.spec_from_file_location("_pusm_bytes_memory", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BytesMemory


def stdlib_names():
    names = set(getattr(sys, "stdlib_module_names", ()))
    names.update(sys.builtin_module_names)
    return names


class Tokens:
    def __init__(self, words):
        self.words = words
        self.at = 0

    def next(self):
        word = self.words[self.at]
        self.at += 1
        return word


def parse(tokens):
    """One value as a tree: (kind, payload)."""
    word = tokens.next()
    tag, rest = word[0], word[1:]
    if tag == "T":
        return ("bool", True)
    if tag == "F":
        return ("bool", False)
    if tag == "i":
        return ("int32", int(rest))
    if tag == "f":
        return ("float32", bytes.fromhex(rest))
    if tag == "s":
        return ("string", bytes.fromhex(rest).decode("utf-8"))
    if tag == "y":
        return ("bytes", bytes.fromhex(rest))
    if tag in "LA":
        count = int(rest)
        return ("list" if tag == "L" else "array", [parse(tokens) for _ in range(count)])
    if tag == "N":
        return ("none", None)
    if tag == "O":
        return ("some", parse(tokens))
    if tag == "E":
        module, name, value = rest.split(":")
        return ("enum", (module, name, int(value)))
    if tag == "S":
        module, name, fingerprint, count = rest.split(":")
        fields = [parse(tokens) for _ in range(int(count))]
        return ("struct", (module, name, int(fingerprint, 16), fields))
    raise ValueError("unknown token %r" % word)


MODULES = {}


def module(name):
    if name not in MODULES:
        MODULES[name] = importlib.import_module(name)
    return MODULES[name]


def struct_class(module_name, fingerprint):
    found = [
        value
        for value in vars(module(module_name)).values()
        if isinstance(value, type) and getattr(value, "FINGERPRINT", None) == fingerprint
    ]
    if len(found) != 1:
        raise LookupError(
            "module %s has %d classes with FINGERPRINT 0x%08X"
            % (module_name, len(found), fingerprint)
        )
    return found[0]


def enum_class(module_name, name):
    found = [
        value
        for value in vars(module(module_name)).values()
        if isinstance(value, type)
        and hasattr(value, "__members__")
        and value.__name__.rstrip("_") == name.rstrip("_")
    ]
    if len(found) != 1:
        raise LookupError("module %s has %d enums named %s" % (module_name, len(found), name))
    return found[0]


def build(tree):
    kind, payload = tree
    if kind in ("bool", "int32", "string", "bytes"):
        return payload
    if kind == "float32":
        return struct.unpack("<f", payload)[0]
    if kind in ("list", "array"):
        return [build(item) for item in payload]
    if kind == "none":
        return None
    if kind == "some":
        return build(payload)
    if kind == "enum":
        module_name, name, value = payload
        return enum_class(module_name, name)(value)
    module_name, name, fingerprint, fields = payload
    cls = struct_class(module_name, fingerprint)
    return cls(*[build(field) for field in fields])


def field_values(obj, count):
    """The values of obj's fields, in declaration order."""
    if dataclasses.is_dataclass(obj):
        names = [field.name for field in dataclasses.fields(obj)]
    else:
        names = [name for cls in type(obj).__mro__ for name in getattr(cls, "__slots__", ())]
    if len(names) != count:
        raise AssertionError(
            "%s has fields %s, the schema %d" % (type(obj).__name__, names, count)
        )
    return [getattr(obj, name) for name in names]


def compare(tree, value, path):
    """None when value is what tree describes, else where it differs."""
    kind, payload = tree
    if kind == "bool":
        ok = value is payload
    elif kind == "int32":
        ok = type(value) is int and value == payload
    elif kind == "float32":
        ok = isinstance(value, float) and struct.pack("<f", value) == payload
    elif kind == "string":
        ok = type(value) is str and value == payload
    elif kind == "bytes":
        ok = isinstance(value, bytes) and value == payload
    elif kind in ("list", "array"):
        if not isinstance(value, list) or len(value) != len(payload):
            return "%s: expected a list of %d, found %r" % (path, len(payload), value)
        for index, (item, found) in enumerate(zip(payload, value)):
            wrong = compare(item, found, "%s[%d]" % (path, index))
            if wrong:
                return wrong
        return None
    elif kind == "none":
        ok = value is None
    elif kind == "some":
        if value is None:
            return "%s: expected a value, found None" % path
        return compare(payload, value, path)
    elif kind == "enum":
        module_name, name, number = payload
        ok = isinstance(value, enum_class(module_name, name)) and int(value) == number
    else:
        module_name, name, fingerprint, fields = payload
        if type(value) is not struct_class(module_name, fingerprint):
            return "%s: expected a %s, found %r" % (path, name, value)
        for index, (field, found) in enumerate(zip(fields, field_values(value, len(fields)))):
            wrong = compare(field, found, "%s.%d" % (path, index))
            if wrong:
                return wrong
        return None
    return None if ok else "%s: expected %s %r, found %r" % (path, kind, payload, value)


def check(line, memory_class):
    words = line.split()
    module_name, fingerprint = words[0], int(words[1], 16)
    expected = bytes.fromhex(words[2][1:])  # "x" and the hex: never an empty word
    tree = parse(Tokens(words[3:]))
    value = build(tree)
    cls = struct_class(module_name, fingerprint)
    # At offset 3, so that generated code must add the offset it is given.
    memory = memory_class(b"\xaa" * 3)
    end = value.write(memory, 3)
    written = memory.getvalue()[3:]
    if written != expected or end != 3 + len(expected):
        return "write gave %s (end %d), the reference %s" % (written.hex(), end, expected.hex())
    back, end = cls.read(memory_class(b"\xaa" * 3 + expected + b"\xee"), 3)
    if end != 3 + len(expected):
        return "read ended at %d, the message has %d bytes" % (end - 3, len(expected))
    wrong = compare(tree, back, cls.__name__)
    if wrong:
        return "read back another value: " + wrong
    checked = memory_class()
    end = value.write_checked(checked, 0)
    if checked.getvalue() != struct.pack("<I", fingerprint) + expected:
        return "write_checked gave %s" % checked.getvalue().hex()
    back, end = cls.read_checked(checked, 0)
    wrong = compare(tree, back, cls.__name__)
    if wrong or end != 4 + len(expected):
        return "read_checked gave another value or end (%d): %s" % (end, wrong)
    return None


def main():
    generated, bytes_memory = sys.argv[1], sys.argv[2]
    memory_class = load_bytes_memory(bytes_memory)
    stdlib = stdlib_names()
    names = sorted(name[:-3] for name in os.listdir(generated) if name.endswith(".py"))
    shadowing = [name for name in names if name in stdlib]
    if shadowing:
        print("FATAL generated modules shadow the standard library: %s" % ", ".join(shadowing))
        return
    sys.path.insert(0, generated)
    try:
        for name in names:
            module(name)
    except Exception:
        print("FATAL import: " + traceback.format_exc().replace("\n", " | "))
        return
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            wrong = check(line, memory_class)
        except Exception:
            wrong = traceback.format_exc().replace("\n", " | ")
        print("ok" if wrong is None else "FAIL " + wrong)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
