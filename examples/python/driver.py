"""The Python driver of examples/ECHO.md: runs a script of requests against an echo peer.

The echo peer (echo.py, or the Rust or C# one) answers over a shared memory; this
driver checks every answer. Run it from anywhere (no install needed)::

    python3 examples/python/echo.py --prefix echo-demo --role python --create &
    python3 examples/python/driver.py --prefix echo-demo --role unity --script steps.txt

The script has one step a line (blank lines and lines starting with ``#`` are
skipped):

``echo REQUEST_HEX REPLY_HEX``
    REQUEST is a checked message (fingerprint first). The driver decodes it with the
    generated class of that fingerprint, writes op 1 at offset 0 and the message with
    ``write_checked`` at offset 4, gives control, expects status 0 at offset 0, reads
    the reply with ``read_checked`` of the same class and re-encodes it: the bytes
    must equal REPLY.
``resize N``
    the driver resizes the memory to N bytes.
``resize-peer N``
    op 2: the peer resizes to N bytes; afterwards the driver's capacity must be N.
``mismatch``
    op 1 with fingerprint 0x00000000 and no message: expects status 1, a reply that
    ``Action.read_checked`` rejects with a schema mismatch, and (as ECHO.md says the
    peer writes) a default ``Observation``.
``close-by-peer``
    op 3: the peer closes; the driver's next wait must fail with "peer closed".
``close``
    the driver closes the memory (the peer then exits 0).

A script that ends without ``close`` or ``close-by-peer`` is closed by the driver at
the end. The driver prints ``ok N steps`` and exits 0 when every step behaved;
otherwise it prints the step number and what differed on stderr and exits 1.

When the driver creates the memory (``--create``) it holds control first; when it
joins, the echo peer (the creator) gives control first.
"""

import argparse
import os
import sys

# The pusm runtime (<repo>/python) and the generated modules, without installing.
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
for _path in (HERE, os.path.join(HERE, "generated"), os.path.join(REPO, "python")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import common  # noqa: E402  (generated)
import edge_cases  # noqa: E402  (generated)
import robot  # noqa: E402  (generated)
from bytes_memory import BytesMemory  # noqa: E402
from pusm import PeerClosedError, SchemaMismatchError, SharedMemory  # noqa: E402

OP_OFFSET = 0  # where the op (request) and the status (reply) are
PAYLOAD_OFFSET = 4  # where the checked message or the new capacity is

OP_ECHO = 1
OP_RESIZE = 2
OP_CLOSE = 3

STATUS_OK = 0
STATUS_SCHEMA_MISMATCH = 1


class StepFailed(Exception):
    """A step did not behave as the script says."""


def struct_types():
    """{fingerprint: class} for every struct type of the generated modules."""
    table = {}
    for module in (common, robot, edge_cases):
        for name in module.__all__:
            cls = getattr(module, name)
            if isinstance(cls, type) and hasattr(cls, "FINGERPRINT"):
                table[cls.FINGERPRINT] = cls
    return table


def encode_checked(message):
    """The bytes ``message.write_checked`` puts on the wire."""
    buf = BytesMemory()
    message.write_checked(buf, 0)
    return buf.getvalue()


def parse_hex(text, what):
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise StepFailed("%s is not hex: %r" % (what, text)) from None


def parse_int(text, what):
    try:
        return int(text)
    except ValueError:
        raise StepFailed("%s is not an integer: %r" % (what, text)) from None


class Driver:
    """Runs script steps on a shared memory whose control it holds between steps."""

    def __init__(self, sm):
        self.sm = sm
        self.types = struct_types()
        self.closed = False

    def request(self, op):
        """Writes ``op``, gives control and waits for the reply; returns the status."""
        self.sm.write_int32(OP_OFFSET, op)
        try:
            self.sm.give_control()
        except PeerClosedError:
            self.closed = True
            raise StepFailed("the peer closed the memory instead of answering") from None
        status, _ = self.sm.read_int32(OP_OFFSET)
        return status

    def echo(self, request_hex, reply_hex):
        """``echo REQUEST_HEX REPLY_HEX``: send a typed message, check the reply."""
        request = parse_hex(request_hex, "REQUEST")
        expected = parse_hex(reply_hex, "REPLY")
        if len(request) < 4:
            raise StepFailed("REQUEST has %d bytes, fewer than a fingerprint" % len(request))
        fingerprint = int.from_bytes(request[:4], "little")
        cls = self.types.get(fingerprint)
        if cls is None:
            raise StepFailed(
                "REQUEST has fingerprint 0x%08x, no struct type of schemas/" % fingerprint
            )
        message, end = cls.read_checked(BytesMemory(request), 0)
        if end != len(request):
            raise StepFailed(
                "REQUEST has %d bytes after its %s message" % (len(request) - end, cls.__name__)
            )

        message.write_checked(self.sm, PAYLOAD_OFFSET)
        status = self.request(OP_ECHO)
        if status != STATUS_OK:
            raise StepFailed(
                "echo of a %s: status %d, expected %d" % (cls.__name__, status, STATUS_OK)
            )
        reply, _ = cls.read_checked(self.sm, PAYLOAD_OFFSET)
        actual = encode_checked(reply)
        if actual != expected:
            raise StepFailed(
                "echo of a %s: the reply differs\n  expected %s\n  actual   %s"
                % (cls.__name__, expected.hex(), actual.hex())
            )

    def resize(self, capacity_text):
        """``resize N``: the driver itself resizes to N bytes."""
        capacity = parse_int(capacity_text, "N")
        self.sm.resize(capacity)
        if self.sm.capacity != capacity:
            raise StepFailed("capacity %d after resize(%d)" % (self.sm.capacity, capacity))

    def resize_peer(self, capacity_text):
        """``resize-peer N``: op 2, the peer resizes; the driver follows on its wait."""
        capacity = parse_int(capacity_text, "N")
        self.sm.write_int32(PAYLOAD_OFFSET, capacity)
        status = self.request(OP_RESIZE)
        if status != STATUS_OK:
            raise StepFailed(
                "resize-peer %d: status %d, expected %d" % (capacity, status, STATUS_OK)
            )
        if self.sm.capacity != capacity:
            raise StepFailed(
                "resize-peer %d: the driver's capacity is %d" % (capacity, self.sm.capacity)
            )

    def mismatch(self):
        """``mismatch``: op 1 with an unknown fingerprint; expect status 1."""
        self.sm.write_int32(PAYLOAD_OFFSET, 0)  # fingerprint 0x00000000, then nothing
        status = self.request(OP_ECHO)
        if status != STATUS_SCHEMA_MISMATCH:
            raise StepFailed("mismatch: status %d, expected %d" % (status, STATUS_SCHEMA_MISMATCH))
        try:
            robot.Action.read_checked(self.sm, PAYLOAD_OFFSET)
        except SchemaMismatchError:
            pass
        else:
            raise StepFailed("mismatch: Action.read_checked accepted the reply")
        reply, _ = robot.Observation.read_checked(self.sm, PAYLOAD_OFFSET)
        if reply != robot.Observation():
            raise StepFailed("mismatch: the reply is not a default Observation: %r" % (reply,))

    def close_by_peer(self):
        """``close-by-peer``: op 3; the peer closes instead of giving control back."""
        self.sm.write_int32(OP_OFFSET, OP_CLOSE)
        try:
            self.sm.give_control()
        except PeerClosedError:
            self.closed = True
            return
        raise StepFailed("close-by-peer: the peer gave control back instead of closing")

    def close(self):
        """``close``: the driver closes; the peer's wait fails and it exits 0."""
        self.sm.close()
        self.closed = True

    def run(self, words):
        """Runs one step (the words of a script line)."""
        if self.closed:
            raise StepFailed("the memory is already closed")
        name, args = words[0], words[1:]
        steps = {
            "echo": (self.echo, 2),
            "resize": (self.resize, 1),
            "resize-peer": (self.resize_peer, 1),
            "mismatch": (self.mismatch, 0),
            "close-by-peer": (self.close_by_peer, 0),
            "close": (self.close, 0),
        }
        if name not in steps:
            raise StepFailed("unknown step %r" % name)
        method, arity = steps[name]
        if len(args) != arity:
            raise StepFailed("%s takes %d argument(s), got %d" % (name, arity, len(args)))
        method(*args)


def read_script(path):
    """[(line number, words)] of the script's steps."""
    steps = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            words = line.split()
            if words and not words[0].startswith("#"):
                steps.append((number, words))
    return steps


def run_script(sm, script):
    """Runs every step; returns None, or the message of the first step that failed."""
    driver = Driver(sm)
    for step, (line, words) in enumerate(script, 1):
        try:
            driver.run(words)
        except StepFailed as failure:
            reason = str(failure)
        except Exception as error:  # a pusm or decoding error
            reason = "%s: %s" % (type(error).__name__, error)
        else:
            continue
        return "step %d (line %d: %s) failed: %s" % (step, line, words[0], reason)
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="The pusm echo driver (examples/ECHO.md): runs a script of requests "
        "against an echo peer and checks every reply."
    )
    parser.add_argument("--prefix", required=True, help="name of the shared memory")
    parser.add_argument(
        "--role", required=True, choices=["python", "unity"], help="the driver's role"
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
    parser.add_argument("--script", required=True, help="the file of steps, one a line")
    args = parser.parse_args(argv)

    sm = None
    try:
        script = read_script(args.script)
        # A joiner waits here until the echo peer (the creator) gives control.
        sm = SharedMemory(args.prefix, args.capacity, args.create, args.timeout, role=args.role)
        failure = run_script(sm, script)
    except Exception as error:  # the script cannot be read, or the memory opened
        failure = "%s: %s" % (type(error).__name__, error)
    finally:
        if sm is not None:
            sm.close()  # the peer exits 0 (nothing happens when already closed)
    if failure is not None:
        print("driver: %s" % failure, file=sys.stderr, flush=True)
        return 1
    print("ok %d steps" % len(script), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
