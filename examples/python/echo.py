"""The Python echo peer of examples/ECHO.md.

It is the smallest complete pusm program: open a shared memory, wait for a request,
decode it with the generated code of schemas/*.pusm, answer, give control back, and
exit cleanly when the other side closes. A driver (driver.py, or a Rust or C# one)
sends the requests.

Run it from anywhere (no install needed)::

    python3 examples/python/echo.py --prefix echo-demo --role python --create
    python3 examples/python/driver.py --prefix echo-demo --role unity --script steps.txt

While it holds control the peer reads an int32 op at offset 0:

- 1 ECHO: a checked message at offset 4 (fingerprint, then the message). The peer
  decodes it with the generated class of that fingerprint, applies the echo rule
  (only ``robot.Observation`` changes: ``step + 1`` wrapping, ``done`` negated, "·"
  appended to ``name``), writes it back with ``write_checked`` at offset 4 and the
  status 0 at offset 0. An unknown fingerprint: the schema mismatch error of
  ``Observation.read_checked`` goes to stderr, a default ``Observation`` is written
  at offset 4 and the status is 1.
- 2 RESIZE: resizes to the int32 capacity at offset 4; status 0.
- 3 CLOSE: closes the memory without giving control back and exits 0.

After ops 1 and 2 it gives control back and waits for the next request. It exits 0
when the driver closes the memory, 1 (with a message on stderr) on any other error.

The generated modules come from::

    cargo run -p pusm-codegen -- --python examples/python/generated \\
        schemas/common.pusm schemas/robot.pusm schemas/edge_cases.pusm
"""

import argparse
import os
import sys

# The pusm runtime (<repo>/python) and the generated modules, without installing.
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
for _path in (os.path.join(HERE, "generated"), os.path.join(REPO, "python")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import common  # noqa: E402  (generated)
import edge_cases  # noqa: E402  (generated)
import robot  # noqa: E402  (generated)
from pusm import PeerClosedError, SchemaMismatchError, SharedMemory  # noqa: E402

OP_OFFSET = 0  # where the op (request) and the status (reply) are
PAYLOAD_OFFSET = 4  # where the checked message or the new capacity is

OP_ECHO = 1
OP_RESIZE = 2
OP_CLOSE = 3

STATUS_OK = 0
STATUS_SCHEMA_MISMATCH = 1


def struct_types():
    """{fingerprint: class} for every struct type of the generated modules.

    Built from the classes themselves, so a schema change needs no edit here."""
    table = {}
    for module in (common, robot, edge_cases):
        for name in module.__all__:
            cls = getattr(module, name)
            if isinstance(cls, type) and hasattr(cls, "FINGERPRINT"):
                if cls.FINGERPRINT in table:
                    raise RuntimeError(
                        "%s and %s have the same fingerprint 0x%08x"
                        % (table[cls.FINGERPRINT].__name__, name, cls.FINGERPRINT)
                    )
                table[cls.FINGERPRINT] = cls
    return table


def echoed(message):
    """The reply to ``message``: itself, except for a robot.Observation."""
    if isinstance(message, robot.Observation):
        # int32 arithmetic: 2147483647 + 1 wraps to -2147483648.
        message.step = (message.step + 1 + 2**31) % 2**32 - 2**31
        message.done = not message.done
        message.name += "\u00b7"  # "·", two bytes of UTF-8
    return message


def echo(sm, types):
    """Answers the checked message at PAYLOAD_OFFSET in place; returns the status."""
    fingerprint, _ = sm.read_int32(PAYLOAD_OFFSET)
    cls = types.get(fingerprint & 0xFFFFFFFF)
    if cls is None:
        try:
            robot.Observation.read_checked(sm, PAYLOAD_OFFSET)
        except SchemaMismatchError as error:
            print("echo: %s" % error, file=sys.stderr, flush=True)
            robot.Observation().write_checked(sm, PAYLOAD_OFFSET)
            return STATUS_SCHEMA_MISMATCH
        # Unreachable: Observation's own fingerprint is in the table.
        raise RuntimeError("Observation.read_checked accepted fingerprint 0x%08x" % fingerprint)
    message, _ = cls.read_checked(sm, PAYLOAD_OFFSET)
    echoed(message).write_checked(sm, PAYLOAD_OFFSET)
    return STATUS_OK


def serve(sm):
    """Answers requests until the driver closes (PeerClosedError) or asks to close."""
    types = struct_types()
    while True:
        op, _ = sm.read_int32(OP_OFFSET)
        if op == OP_ECHO:
            status = echo(sm, types)
        elif op == OP_RESIZE:
            capacity, _ = sm.read_int32(PAYLOAD_OFFSET)
            sm.resize(capacity)
            status = STATUS_OK
        elif op == OP_CLOSE:
            sm.close()  # without giving control back: the driver's wait fails
            return
        else:
            raise ValueError("unknown op %d at offset %d (expected 1, 2 or 3)" % (op, OP_OFFSET))
        sm.write_int32(OP_OFFSET, status)
        sm.give_control()  # hand the reply over and wait for the next request


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="The pusm echo peer (examples/ECHO.md): answers a driver's requests "
        "over a shared memory until the driver closes it."
    )
    parser.add_argument("--prefix", required=True, help="name of the shared memory")
    parser.add_argument(
        "--role", required=True, choices=["python", "unity"], help="the role this peer plays"
    )
    parser.add_argument(
        "--create", action="store_true", help="create the memory instead of joining it"
    )
    parser.add_argument(
        "--capacity", type=int, default=4096, help="bytes, when creating (default 4096)"
    )
    parser.add_argument(
        "--timeout", type=float, default=30, help="seconds any wait may last (default 30)"
    )
    args = parser.parse_args(argv)

    sm = None
    try:
        # A joiner waits here until the driver (the creator) gives control.
        sm = SharedMemory(args.prefix, args.capacity, args.create, args.timeout, role=args.role)
        if args.create:
            sm.give_control()  # the creator holds control first: hand it to the driver
        serve(sm)
    except PeerClosedError:
        return 0  # the driver closed the memory: the normal end
    except Exception as error:  # any other error ends the peer with status 1
        print("echo: error: %s: %s" % (type(error).__name__, error), file=sys.stderr, flush=True)
        return 1
    finally:
        if sm is not None:
            sm.close()  # tells the driver at once (no-op when already closed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
