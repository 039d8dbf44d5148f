"""The generated Python of the deepest and biggest schema types imports and round-trips.

Run by tests/limits.rs as ``python3 python_limits.py GENERATED_DIR``: the modules
generated from tests/codegen-build/schemas/deep.pusm and big.pusm. Prints ``ok``.
"""

import sys

# The same five primitives the agreement test checks generated code against.
from python_agreement import Memory


def round_trip(cls, value):
    memory = Memory()
    end = value.write(memory, 0)
    back, read_end = cls.read(memory, 0)
    assert back == value, (back, value)
    assert end == read_end == len(memory.data), (end, read_end, len(memory.data))
    return end


def main():
    sys.path.insert(0, sys.argv[1])
    import big
    import deep

    # The chain of 64 levels: L0 holds L1 ... holds L62 holding an int32.
    value = deep.L62(x=7)
    for level in range(61, -1, -1):
        value = getattr(deep, "L%d" % level)(next=value)
    assert round_trip(deep.L0, value) == 4

    # 32 type constructors: 16 lists of optionals, and 32 arrays of one element.
    lists = 5
    for _ in range(16):
        lists = [lists, None]
    arrays = 9
    for _ in range(32):
        arrays = [arrays]
    round_trip(deep.Constructors, deep.Constructors(lists=lists, arrays=arrays))

    # 4 MiB of fixed arrays.
    cells = [[row * 65536 + col for col in range(65536)] for row in range(16)]
    grid = big.Grid(id=3, cells=cells, samples=[0.25] * 65536, corner=[1.0, 2.0, 3.0])
    assert round_trip(big.Grid, grid) == 4 + 16 * 65536 * 4 + 65536 * 4 + 12
    print("ok")


if __name__ == "__main__":
    main()
