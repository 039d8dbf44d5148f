"""The numpy option of the generated Python: arrays in, arrays out, checked.

Run by tests/python.rs as ``python3 numpy_fields.py GENERATED_DIR`` on the example
schemas generated with the numpy option. Prints ``numpy ok``; any failure raises.
"""

import sys

import numpy

sys.path.insert(0, sys.argv[1])

import common  # noqa: E402
import edge_cases  # noqa: E402
import robot  # noqa: E402


class Memory:
    """The original package's two block methods over a bytearray, counting calls."""

    def __init__(self):
        self.data = bytearray(1 << 20)
        self.calls = 0

    def read_bytes(self, offset, length):
        self.calls += 1
        return bytes(self.data[offset : offset + length]), offset + length

    def write_bytes(self, offset, data):
        self.calls += 1
        self.data[offset : offset + len(data)] = data
        return offset + len(data)


def expect_error(function, *words):
    """``function`` raises a ValueError naming ``words`` and calls no memory method."""
    before = memory.calls
    try:
        function()
    except ValueError as error:
        for word in words:
            assert word in str(error), (str(error), word)
        assert memory.calls == before, "a failed write called the memory"
        return
    raise AssertionError(f"no ValueError mentioning {words}")


rays = numpy.arange(100_000, dtype=numpy.float32)
observation = robot.Observation(rays=rays, camera=numpy.arange(64, dtype=numpy.uint8))
memory = Memory()
end = observation.write(memory, 0)
assert end == observation.encoded_len() == 25 + 4 * 100_000 + 48 + 4 + 4 + 64 + 1 + 8
assert memory.calls == 1
memory.calls = 0
back, back_end = robot.Observation.read(memory, 0)
assert back_end == end and back == observation and memory.calls == 6
assert isinstance(back.rays, numpy.ndarray) and back.rays.dtype == numpy.dtype("<f4")
assert not back.rays.flags.writeable and back.camera.dtype == numpy.uint8

# Written from anything with the buffer protocol, or a list; converted within a kind.
robot.Observation(camera=b"abc", rays=[1.0, 2.0]).write(memory, 0)
assert bytes(robot.Observation.read(memory, 0)[0].camera) == b"abc"
robot.Observation(rays=numpy.ones(3, dtype=numpy.float64)).write(memory, 0)

# dtype and shape are checked, with the field named, before anything is written.
expect_error(
    lambda: robot.Observation(rays=numpy.ones((2, 2), "<f4")).write(memory, 0),
    "Observation.rays",
    "shape",
)
expect_error(
    lambda: robot.Observation(rays=numpy.array(["x"])).write(memory, 0),
    "Observation.rays",
    "dtype",
)
expect_error(
    lambda: robot.Action(gains=numpy.zeros(4, "<f4")).write(memory, 0), "Action.gains", "(3,)"
)
grid = numpy.arange(6, dtype=numpy.float32).reshape(3, 2)
nested = edge_cases.Nested(grid=grid)
nested.write(memory, 0)
assert numpy.array_equal(edge_cases.Nested.read(memory, 0)[0].grid, grid)
expect_error(
    lambda: edge_cases.Nested(grid=grid.T).write(memory, 0), "Nested.grid", "(2, 3)", "(3, 2)"
)
expect_error(
    lambda: edge_cases.Nested(matrix=[numpy.array([2**40])]).write(memory, 0),
    "Nested.matrix",
    "fit",
)
assert common.Vec3() == common.Vec3()
print("numpy ok")
