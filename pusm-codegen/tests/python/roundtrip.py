"""Round-trips every generated Python message type over an in-memory memory.

Run by tests/python.rs as ``python3 roundtrip.py GENERATED_DIR FINGERPRINTS_FILE``:
GENERATED_DIR holds the modules generated from the schemas, FINGERPRINTS_FILE has
one ``module.Type 0x... SIGNATURE`` line per struct, computed by the Rust side
(``Schema::fingerprint`` and ``Schema::signature``). Random values follow the
signature (the exact schema types, fixed-array lengths included), with the
dataclass's type hints for the classes.

Checks, for every struct type: the fingerprint equals the Rust one; default and
random values survive ``write``/``read`` and ``write_checked``/``read_checked``
at a non-zero offset, with the returned offsets agreeing; ``read_checked`` of
another type's bytes raises ``SchemaMismatchError``. Then the error paths
(negative lengths, unknown enum values, invalid UTF-8, wrong fixed-array
lengths) and the fast paths (one ``read_bytes``/``write_bytes`` per fixed run).
Prints ``N passed, 0 failed`` at the end; any failure raises.
"""

import collections
import dataclasses
import enum
import importlib
import random
import struct
import sys
import typing


class Memory:
    """A stand-in for SharedMemory: the original package's primitive methods over a bytearray.

    It has no ``read_string``/``write_string``: generated code must not call them.
    """

    def __init__(self, data=b""):
        self.data = bytearray(data)
        self.calls = collections.Counter()

    def _read(self, name, offset, length):
        self.calls[name] += 1
        if offset < 0 or length < 0 or offset + length > len(self.data):
            raise IndexError(f"{length} bytes at {offset} past the end ({len(self.data)})")
        return bytes(self.data[offset : offset + length])

    def _write(self, name, offset, data):
        self.calls[name] += 1
        end = offset + len(data)
        if end > len(self.data):
            self.data.extend(bytes(end - len(self.data)))
        self.data[offset:end] = data
        return end

    def read_bool(self, offset):
        return self._read("read_bool", offset, 1) != b"\x00", offset + 1

    def read_int32(self, offset):
        return struct.unpack("<i", self._read("read_int32", offset, 4))[0], offset + 4

    def read_float32(self, offset):
        return struct.unpack("<f", self._read("read_float32", offset, 4))[0], offset + 4

    def read_bytes(self, offset, length):
        return self._read("read_bytes", offset, length), offset + length

    def write_bool(self, offset, value):
        return self._write("write_bool", offset, b"\x01" if value else b"\x00")

    def write_int32(self, offset, value):
        return self._write("write_int32", offset, struct.pack("<i", value))

    def write_float32(self, offset, value):
        return self._write("write_float32", offset, struct.pack("<f", value))

    def write_bytes(self, offset, data):
        return self._write("write_bytes", offset, bytes(data))


def parse_signature(text):
    """The type tree of a signature (``PROTOCOL.md``, "Fingerprint"), as tuples:
    ``("bool",)``, ``("list", t)``, ``("array", t, n)``, ``("optional", t)``,
    ``("enum", name)``, ``("struct", name, [t, ...])``."""
    position = 0

    def parse():
        nonlocal position
        if text.startswith("[", position):
            position += 1
            element = parse()
            if text[position] == ";":
                end = text.index("]", position)
                node = ("array", element, int(text[position + 1 : end]))
                position = end + 1
            else:
                position += 1
                node = ("list", element)
        else:
            start = position
            while position < len(text) and (text[position].isalnum() or text[position] == "_"):
                position += 1
            name = text[start:position]
            if position < len(text) and text[position] == "(":
                position = text.index(")", position) + 1
                node = ("enum", name)
            elif position < len(text) and text[position] == "{":
                position += 1
                fields = []
                while text[position] != "}":
                    position = text.index(":", position) + 1
                    fields.append(parse())
                    if text[position] == ",":
                        position += 1
                position += 1
                node = ("struct", name, fields)
            else:
                node = (name,)
        while position < len(text) and text[position] == "?":
            position += 1
            node = ("optional", node)
        return node

    node = parse()
    assert position == len(text), (text, position)
    return node


def hint_args(hint):
    return getattr(hint, "__args__", ())


def hint_of(node):
    """A list hint for nested fixed arrays of numbers."""
    if node[0] == "array":
        return typing.List[hint_of(node[1])]
    return float if node[0] == "float32" else int


def element_hint(hint, node):
    """The hint of the elements (or value) of a container hint; hints nest a
    few levels, deeper ones are ``typing.Any``: then rebuild them from ``node``."""
    args = [arg for arg in hint_args(hint) if arg is not type(None)]
    return args[0] if args else typing.Any


def numpy_dtype(hint):
    """The element type of a ``numpy.typing.NDArray[...]`` hint, else None."""
    if getattr(typing.get_origin(hint), "__name__", "") != "ndarray":
        return None
    (dtype,) = typing.get_args(typing.get_args(hint)[1])
    return dtype


def random_value(rng, node, hint, depth=0):
    """A random value of the schema type ``node``; ``hint`` (the Python type
    hint of the same value) gives the classes. Lists are short, and at most one
    element deep down, so deep nesting stays small. With the numpy option,
    lists and arrays of numbers and bytes are numpy arrays."""
    kind = node[0]
    dtype = numpy_dtype(hint)
    if dtype is not None:
        import numpy

        if kind == "bytes":
            return numpy.frombuffer(random_value(rng, node, bytes), numpy.uint8).copy()
        element = float if node[1][0] == "float32" else int
        values = random_value(rng, node, typing.List[element] if kind == "list" else hint_of(node))
        return numpy.array(values, dtype=dtype)
    if kind == "optional":
        if rng.random() < 0.3:
            return None
        return random_value(rng, node[1], element_hint(hint, node), depth + 1)
    if kind == "list":
        count = rng.randint(0, 3 if depth < 3 else 1)
        return [
            random_value(rng, node[1], element_hint(hint, node), depth + 1) for _ in range(count)
        ]
    if kind == "array":
        if node[2] > 64:  # a big array: one random element, repeated
            return [random_value(rng, node[1], element_hint(hint, node), depth + 1)] * node[2]
        return [
            random_value(rng, node[1], element_hint(hint, node), depth + 1) for _ in range(node[2])
        ]
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int32":
        return rng.choice([0, 1, -1, 2**31 - 1, -(2**31), rng.randint(-(2**31), 2**31 - 1)])
    if kind == "float32":
        return rng.randint(-4000, 4000) / 8  # exact in float32
    if kind == "string":
        return rng.choice(["", "a", "h\u00e9llo \u2713", "\u65e5\u672c", "x" * 40])
    if kind == "bytes":
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 6)))
    if kind == "enum":
        enum_type = ENUMS[node[1]] if hint is typing.Any else hint
        assert issubclass(enum_type, enum.IntEnum), hint
        return rng.choice(list(enum_type))
    if kind == "struct":
        return random_message(rng, CLASSES[node[1]] if hint is typing.Any else hint, node)
    raise AssertionError(f"unexpected type {node!r}")


# Classes and enums of the generated modules by schema name, for values whose
# hint is ``typing.Any`` (deep in a nested container).
CLASSES = {}
ENUMS = {}


def random_message(rng, cls, node):
    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    fields = dataclasses.fields(cls)
    assert len(fields) == len(node[2]), (cls, node)
    values = {
        field.name: random_value(rng, field_node, hints[field.name])
        for field, field_node in zip(fields, node[2])
    }
    return cls(**values)


def round_trip(cls, value, offset=3):
    memory = Memory(b"\xaa" * offset)
    end = value.write(memory, offset)
    assert end == len(memory.data), (cls.__name__, end, len(memory.data))
    back, back_end = cls.read(memory, offset)
    assert back == value, (cls.__name__, value, back)
    assert back_end == end, (cls.__name__, back_end, end)
    # The same bytes again: encoding is a function of the value.
    again = Memory(b"\xaa" * offset)
    back.write(again, offset)
    assert again.data == memory.data, cls.__name__

    checked = Memory()
    checked_end = value.write_checked(checked, 0)
    assert checked_end == 4 + end - offset
    assert struct.unpack_from("<I", checked.data, 0)[0] == cls.FINGERPRINT
    back, back_end = cls.read_checked(checked, 0)
    assert back == value and back_end == checked_end, cls.__name__
    return bytes(memory.data[offset:])


def expect(error_type, function, *words):
    try:
        function()
    except error_type as error:
        text = str(error)
        for word in words:
            assert word in text, (text, word)
        return error
    raise AssertionError(f"no {error_type.__name__} raised; expected one mentioning {words}")


def main():
    directory, fingerprints_file = sys.argv[1], sys.argv[2]
    generic = "--generic" in sys.argv[3:]
    sys.path.insert(0, directory)
    expected = {}
    signatures = {}
    with open(fingerprints_file) as lines:
        for line in lines:
            name, value, signature = line.split()
            expected[name] = int(value, 16)
            signatures[name] = parse_signature(signature)

    passed = 0
    classes = []
    for name in sorted({key.split(".")[0] for key in expected}):
        module = importlib.import_module(name)
        for attribute in module.__all__:
            cls = getattr(module, attribute)
            if dataclasses.is_dataclass(cls):
                classes.append((name, cls))
                CLASSES[cls.__name__] = cls
            else:
                ENUMS[cls.__name__] = cls

    # Fingerprints: exactly the structs the Rust side knows, with its values.
    seen = {f"{module}.{cls.__name__}": cls.FINGERPRINT for module, cls in classes}
    assert seen == expected, (seen, expected)
    passed += 1

    rng = random.Random(20240601)
    for module, cls in classes:
        round_trip(cls, cls())
        node = signatures[f"{module}.{cls.__name__}"]
        for _ in range(25):
            round_trip(cls, random_message(rng, cls, node))
        passed += 1

    # encoded_len is the number of bytes write writes.
    for module, cls in classes:
        message = random_message(rng, cls, signatures[f"{module}.{cls.__name__}"])
        memory = Memory()
        assert message.encoded_len() == message.write(memory, 0) == len(memory.data)
    passed += 1

    modules = {module: sys.modules[module] for module, _ in classes}
    if len(classes) < 2 or "edge_cases" not in modules or generic:
        print(f"{passed} passed, 0 failed")
        return

    # A checked read of another type's bytes is a schema mismatch.
    (_, first), (_, second) = classes[0], classes[1]
    memory = Memory()
    first().write_checked(memory, 0)
    error = expect(ValueError, lambda: second.read_checked(memory, 0), "schema mismatch")

    # A number outside its wire type's range is a ValueError naming the type and the
    # field, however deep: in a nested struct, a list, an optional, a fixed array.
    common = importlib.import_module("common")
    vec3 = common.Vec3
    pose = importlib.import_module("edge_cases").Pose
    out_of_range = [
        (vec3(x=1e40), "Vec3.x = 1e+40 does not fit a float32"),
        (pose(id=2**31), "Pose.id = 2147483648 does not fit an int32"),
    ]
    if "robot" in {module for module, _ in classes}:
        robot = importlib.import_module("robot")
        out_of_range += [
            (robot.Observation(rays=[0.0, 1.0, 1e40]), "Observation.rays[2] = 1e+40"),
            (robot.Observation(position=vec3(z=-1e39)), "Observation.position.z = -1e+39"),
            (robot.Observation(target=vec3(y=1e39)), "Observation.target.y = 1e+39"),
            (robot.Observation(step=-(2**31) - 1), "Observation.step = -2147483649 does not fit"),
            (robot.Action(gains=[0.0, 1e39, 0.0]), "Action.gains[1] = 1e+39"),
            (robot.Action(dt=1e39), "Action.dt = 1e+39"),
            (robot.Action(force=vec3(x="fast")), "Action.force.x = 'fast' does not fit a float32"),
            # Values of the wrong type or outside an enum, before anything is written.
            (robot.Observation(last_command=7), "Observation.last_command = 7 is not a Command"),
            (robot.Observation(step="3"), "Observation.step = '3' does not fit an int32"),
            (robot.Observation(step=3.5), "Observation.step = 3.5 does not fit an int32"),
            (robot.Observation(done=1), "Observation.done = 1 is not a bool"),
            (robot.Observation(name=b"x"), "Observation.name = b'x' is not a str"),
            (robot.Observation(camera="x"), "Observation.camera = 'x' is not bytes"),
            (
                robot.Observation(rays=(1.0, "x")),
                "Observation.rays[1] = 'x' does not fit a float32",
            ),
            (robot.Action(tags=["a", 5]), "Action.tags[1] = 5 is not a str"),
            (robot.Action(command=-5), "Action.command = -5 is not a Command"),
        ]
    for message, where in out_of_range:
        for write in (message.write, message.write_checked):
            untouched = Memory(b"\xaa" * 8)
            expect(
                ValueError,
                lambda: write(untouched, 0),
                f"cannot write {type(message).__name__}: {where}",
            )
            assert untouched.data == b"\xaa" * 8 and not untouched.calls, where
    passed += 1
    assert type(error).__name__ == "SchemaMismatchError"
    assert f"0x{second.FINGERPRINT:08x}" in str(error) and f"0x{first.FINGERPRINT:08x}" in str(
        error
    )
    passed += 1

    if "edge_cases" in modules and "robot" in modules:
        edge, robot, common = modules["edge_cases"], modules["robot"], sys.modules["common"]
        decode_error = edge.DecodeError

        # A negative list count.
        memory = Memory(struct.pack("<i", -1))
        expect(
            decode_error, lambda: edge.Nested.read(memory, 0), "Nested.matrix", "-1", "offset 0"
        )
        # An unknown enum value, alone and inside a packed run.
        memory = Memory(struct.pack("<i", 99) + bytes(64))
        expect(
            decode_error, lambda: robot.Action.read(memory, 0), "Action.command", "99", "Command"
        )
        pose = edge.Pose()
        memory = Memory()
        pose.write(memory, 0)
        memory.data[21:25] = struct.pack("<i", 5)
        expect(decode_error, lambda: edge.Pose.read(memory, 0), "Pose.team", "5", "offset 21")
        # Invalid UTF-8 (the string's length prefix is at offset 4).
        memory = Memory(struct.pack("<ii", 7, 2) + b"\xc3\x28" + bytes(64))
        expect(
            decode_error,
            lambda: edge.Keywords.read(memory, 0),
            "Keywords.class_",
            "UTF-8",
            "offset 4",
        )
        # The same errors where a field is read together with what follows it:
        # Observation with no rays, name "n", no camera, a target. Its name's length
        # is at 73, the name at 77, the camera's length at 78, the presence flag at
        # 82, last_command at 95 and team at 99 (at 83 and 87 without a target).
        for target, command_at in ((common.Vec3(), 95), (None, 83)):
            good = Memory()
            robot.Observation(name="n", target=target).write(good, 0)
            read = lambda: robot.Observation.read(memory, 0)  # noqa: E731
            memory = Memory(bytes(good.data))
            memory.data[77:78] = b"\xff"
            expect(decode_error, read, "Observation.name", "UTF-8", "offset 73")
            memory = Memory(bytes(good.data))
            memory.data[78:82] = struct.pack("<i", -5)
            expect(decode_error, read, "Observation.camera", "-5", "offset 78")
            memory = Memory(bytes(good.data))
            memory.data[command_at : command_at + 4] = struct.pack("<i", 42)
            expect(decode_error, read, "Observation.last_command", "42", f"offset {command_at}")
            memory = Memory(bytes(good.data))
            memory.data[command_at + 4 : command_at + 8] = struct.pack("<i", 9)
            expect(decode_error, read, "Observation.team", "9", f"offset {command_at + 4}")
        # Fixed arrays of the wrong length, outer and inner.
        expect(
            ValueError, lambda: robot.Action(gains=[1.0]).write(Memory(), 0), "Action.gains", "3"
        )
        expect(
            ValueError,
            lambda: edge.Nested(grid=[[0.0, 0.0]] * 2 + [[0.0]]).write(Memory(), 0),
            "Nested.grid",
            "2",
        )
        expect(
            ValueError,
            lambda: robot.Observation(corners=None).write(Memory(), 0),
            "Observation.corners",
        )
        passed += 1

        # Fast paths: one block per fixed run, one call per list of numbers.
        memory = Memory()
        edge.Pose(team=common.Team.BLUE).write(memory, 0)
        assert memory.calls == {"write_bytes": 1}, memory.calls
        memory.calls.clear()
        edge.Pose.read(memory, 0)
        assert memory.calls == {"read_bytes": 1}, memory.calls
        # An Observation: one write_bytes; one read_bytes per variable length (the
        # header with the ray count, the rays with the corners and the name's length,
        # the name with the camera's length, the camera with the presence flag, the
        # target with the rest), with or without a target.
        for target in (common.Vec3(1.0, 2.0, 3.0), None):
            observation = robot.Observation(
                rays=[float(i) for i in range(1000)], name="n", camera=b"xyz", target=target
            )
            memory = Memory()
            observation.write(memory, 0)
            assert memory.calls == {"write_bytes": 1}, memory.calls
            memory.calls.clear()
            assert robot.Observation.read(memory, 0) == (observation, len(memory.data))
            # One read per variable length, and the camera's bytes alone (the read
            # is the value, never sliced out of a larger read).
            assert memory.calls == {"read_bytes": 6}, memory.calls
        # Bools read from a packed run are True for any non-zero byte.
        memory = Memory()
        edge.Pose(visible=True).write(memory, 0)
        memory.data[16] = 7
        assert edge.Pose.read(memory, 0)[0].visible is True
        passed += 1

    print(f"{passed} passed, 0 failed")


if __name__ == "__main__":
    main()
