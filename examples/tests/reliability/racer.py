"""A replace_stale racer for examples/tests/reliability/race.rs, driven over stdin/stdout.

Commands, one a line: ``race PREFIX CAPACITY GO_FILE DELAY_US`` answers ``ready``, waits
until GO_FILE exists, waits DELAY_US more microseconds, then creates PREFIX with
``replace_stale=True`` and answers ``won`` or ``lost AlreadyExists`` (``error ...`` for
anything else); ``release`` deletes the memory it won and answers ``released``.
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(sys.argv[1], "python"))

from pusm import AlreadyExistsError, SharedMemory  # noqa: E402


def answer(text):
    sys.stdout.write("racer: " + text + "\n")
    sys.stdout.flush()


def race(prefix, capacity, go, delay_us):
    answer("ready")
    while not os.path.exists(go):
        pass
    until = time.perf_counter() + delay_us / 1e6
    while time.perf_counter() < until:
        pass
    try:
        memory = SharedMemory(prefix, capacity, True, 5, role="unity", replace_stale=True)
    except AlreadyExistsError:
        answer("lost AlreadyExists")
        return None
    except Exception as error:  # reported to the test, which fails with it
        answer("error %s: %s" % (type(error).__name__, str(error).replace("\n", " ")))
        return None
    answer("won")
    return memory


def main():
    won = None
    for line in sys.stdin:
        words = line.split()
        if words[0] == "race":
            won = race(words[1], int(words[2]), words[3], int(words[4]))
        elif words[0] == "release":
            won.delete()
            won = None
            answer("released")


if __name__ == "__main__":
    main()
