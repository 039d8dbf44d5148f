"""Tests of the Python examples: BytesMemory, echo.py against driver.py, agent.py.

Run from the repository root (no install needed)::

    python3 -m unittest discover -s examples/python -p 'test_*.py'

- BytesMemory round trips of every generated struct type;
- echo.py against driver.py, two processes, for every role and creator assignment,
  with a script built here (expected replies computed here, independently of echo.py);
- agent.py against a tiny simulator written here (Unity role, creator).

Every test gets a private TMPDIR (for its child processes and for this process) and
its own prefix.
"""

import ast
import dataclasses
import glob
import itertools
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
for _path in (HERE, os.path.join(HERE, "generated"), os.path.join(REPO, "python")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import common  # noqa: E402  (generated)
import edge_cases  # noqa: E402  (generated)
import robot  # noqa: E402  (generated)
from bytes_memory import BytesMemory  # noqa: E402
from common import Team, Vec3  # noqa: E402
from pusm import PeerClosedError, SchemaMismatchError, SharedMemory  # noqa: E402
from robot import Action, Command, Observation  # noqa: E402

ECHO = os.path.join(HERE, "echo.py")
DRIVER = os.path.join(HERE, "driver.py")
AGENT = os.path.join(HERE, "agent.py")

PROCESS_TIMEOUT = 60  # seconds a child process may take before the test fails
INT32_MAX = 2**31 - 1

# The struct types of schemas/ that ECHO.md lists.
STRUCT_NAMES = {"Vec3", "Observation", "Action", "Nested", "Keywords", "Empty", "Pose"}


def f32(x):
    """``x`` rounded to float32, so that a round trip gives it back exactly."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def generated_struct_types():
    """Every struct class of the three generated modules."""
    found = []
    for module in (common, robot, edge_cases):
        for name in module.__all__:
            obj = getattr(module, name)
            if dataclasses.is_dataclass(obj) and isinstance(obj, type):
                found.append(obj)
    return found


def encode(message):
    """The bytes ``message.write_checked`` produces."""
    buf = BytesMemory()
    message.write_checked(buf, 0)
    return buf.getvalue()


def samples():
    """Messages of every struct type, with non-default values: non-ASCII strings,
    lists, optionals present and absent, every enum."""
    corners = [Vec3(f32(i * 0.5), -float(i), f32(i / 3.0)) for i in range(1, 5)]
    return [
        Vec3(1.5, -2.25, f32(0.1)),
        Vec3(f32(3.0e38), f32(-1e-30), 0.0),
        Observation(
            step=41,
            done=False,
            reward=f32(0.75),
            position=Vec3(1.0, 2.0, 3.0),
            rays=[0.5, f32(1.1), 100.0, -0.0],
            corners=corners,
            name="robot-ü-日本-🤖",
            camera=bytes(range(256)),
            target=Vec3(4.0, 5.0, 6.0),
            last_command=Command.RESET,
            team=Team.BLUE,
        ),
        Observation(
            step=INT32_MAX,  # the echo wraps it to -2147483648
            done=True,
            reward=-1.0,
            rays=[],
            name="",
            camera=b"",
            target=None,
            last_command=Command.JUMP,
            team=Team.RED,
        ),
        Observation(step=-7, name="·", target=Vec3(), last_command=Command.MOVE),
        Action(
            command=Command.MOVE,
            force=Vec3(0.25, -0.5, 2.0),
            gains=[1.0, f32(0.1), f32(0.01)],
            tags=["héllo", "", "wörld 🌍"],
            dt=f32(0.05),
        ),
        Action(command=Command.RESET, gains=[-1.0, 0.0, 1e10], tags=[], dt=None),
        edge_cases.Nested(
            matrix=[[1, 2, 3], [], [-(2**31), INT32_MAX]],
            maybe_list=["a", "ñandú", ""],
            list_of_maybes=[Vec3(1.0, 2.0, 3.0), None, Vec3()],
            grid=[[1.0, 2.0], [3.5, -4.0], [f32(0.3), 6.0]],
            blobs=[b"", b"\x00\xff\x80", bytes(40)],
            teams=[Team.RED, Team.BLUE],
            flags=[True, False, True],
        ),
        edge_cases.Nested(maybe_list=None, list_of_maybes=[None], flags=[]),
        edge_cases.Nested(maybe_list=[], teams=[Team.BLUE, Team.NEUTRAL]),
        edge_cases.Keywords(
            type=7,
            class_="clàss",
            from_=True,
            lambda_=f32(2.5),
            string=b"\x01\x02\xfe",
            namespace=-1,
            read_=3,
            write_=True,
            encoded_len_=99,
            fingerprint=INT32_MAX,
            keywords=-5,
        ),
        edge_cases.Empty(),
        edge_cases.Pose(
            position=Vec3(-1.0, 0.5, 9.0), heading=f32(1.57), visible=True, id=-12, team=Team.RED
        ),
    ]


def echo_reply(message):
    """What ECHO.md says the echo peer answers (computed here, not by echo.py)."""
    if not isinstance(message, Observation):
        return message
    step = message.step + 1
    if step > INT32_MAX:
        step -= 2**32
    return dataclasses.replace(
        message, step=step, done=not message.done, name=message.name + "\u00b7"
    )


def echo_line(message):
    return "echo %s %s" % (encode(message).hex(), encode(echo_reply(message)).hex())


class PrivateTmpdir(unittest.TestCase):
    """Each test gets its own TMPDIR (child processes and this process) and prefix."""

    _counter = itertools.count(1)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pusm-examples-")
        old_env = os.environ.get("TMPDIR")
        old_tempdir = tempfile.tempdir
        os.environ["TMPDIR"] = self.tmp
        tempfile.tempdir = self.tmp

        def restore():
            tempfile.tempdir = old_tempdir
            if old_env is None:
                os.environ.pop("TMPDIR", None)
            else:
                os.environ["TMPDIR"] = old_env
            shutil.rmtree(self.tmp, ignore_errors=True)

        self.addCleanup(restore)

    def new_prefix(self, what):
        return "%s-%d-%d" % (what, os.getpid(), next(self._counter))

    def shared_files(self, prefix):
        """The files of ``prefix`` left in the shared directory."""
        directory = os.path.join(self.tmp, "python_unity_shared_memory")
        if not os.path.isdir(directory):
            return []
        return sorted(name for name in os.listdir(directory) if name.rstrip("_") == prefix)

    def start(self, script, *args):
        return subprocess.Popen(
            [sys.executable, script] + [str(a) for a in args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(os.environ),
            universal_newlines=True,
            encoding="utf-8",
        )

    def finish(self, process):
        """Waits for ``process``; returns (exit status, stdout, stderr)."""
        try:
            out, err = process.communicate(timeout=PROCESS_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
            self.fail("%s timed out\nstdout: %s\nstderr: %s" % (process.args, out, err))
        return process.returncode, out, err


# ---------------------------------------------------------------------- (a)


class BytesMemoryTest(unittest.TestCase):
    def test_samples_cover_every_struct_type(self):
        types = generated_struct_types()
        self.assertEqual({cls.__name__ for cls in types}, STRUCT_NAMES)
        self.assertEqual({type(m) for m in samples()}, set(types))
        fingerprints = [cls.FINGERPRINT for cls in types]
        self.assertEqual(
            len(set(fingerprints)), len(fingerprints), "two types share a fingerprint"
        )

    def test_checked_round_trip_of_every_sample(self):
        for message in samples():
            cls = type(message)
            with self.subTest(message=message):
                buf = BytesMemory()
                end = message.write_checked(buf, 0)
                wire = buf.getvalue()
                self.assertEqual(end, len(wire))
                self.assertEqual(struct.unpack_from("<I", wire)[0], cls.FINGERPRINT)
                decoded, read_end = cls.read_checked(BytesMemory(wire), 0)
                self.assertEqual(read_end, end)
                self.assertEqual(decoded, message)
                self.assertEqual(encode(decoded), wire)

    def test_unchecked_round_trip_at_an_offset(self):
        for message in samples():
            cls = type(message)
            with self.subTest(message=message):
                buf = BytesMemory(b"\xaa" * 3)
                end = message.write(buf, 7)  # grows the buffer, zero-filling 3..7
                if end > 7:  # (Empty writes nothing, so nothing grows)
                    self.assertEqual(buf.getvalue()[:7], b"\xaa" * 3 + bytes(4))
                decoded, read_end = cls.read(buf, 7)
                self.assertEqual((decoded, read_end), (message, end))

    def test_enums_decode_as_members(self):
        obs, _ = Observation.read_checked(BytesMemory(encode(samples()[2])), 0)
        self.assertIs(obs.last_command, Command.RESET)
        self.assertIs(obs.team, Team.BLUE)
        self.assertIsInstance(obs.corners[0], Vec3)

    def test_wire_format_of_action(self):
        # PROTOCOL.md section 8, by hand: enum int32, Vec3 fields, [float32; 3] with no
        # count, [string] with a count and UTF-8 byte lengths, float32? as bool + value.
        action = Action(Command.JUMP, Vec3(1.0, 2.0, 3.0), [4.0, 5.0, 6.0], ["é", "ab"], 0.5)
        expected = (
            struct.pack("<I", Action.FINGERPRINT)
            + struct.pack("<i3f3f", 2, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0)
            + struct.pack("<ii", 2, 2)
            + "é".encode("utf-8")
            + struct.pack("<i", 2)
            + b"ab"
            + b"\x01"
            + struct.pack("<f", 0.5)
        )
        self.assertEqual(encode(action), expected)
        absent = dataclasses.replace(action, tags=[], dt=None)
        self.assertEqual(encode(absent), expected[: 4 + 28] + struct.pack("<i", 0) + b"\x00")

    def test_wire_format_of_pose(self):
        pose = edge_cases.Pose(Vec3(1.0, 2.0, 3.0), 0.5, True, -3, Team.BLUE)
        expected = struct.pack(
            "<I4f?ii", edge_cases.Pose.FINGERPRINT, 1.0, 2.0, 3.0, 0.5, True, -3, 2
        )
        self.assertEqual(encode(pose), expected)

    def test_checked_read_of_another_type_is_a_schema_mismatch(self):
        wire = encode(Vec3(1.0, 2.0, 3.0))
        with self.assertRaises(SchemaMismatchError) as caught:
            Action.read_checked(BytesMemory(wire), 0)
        self.assertEqual(caught.exception.found, Vec3.FINGERPRINT)
        self.assertEqual(caught.exception.expected, Action.FINGERPRINT)

    def test_reads_past_the_end_fail(self):
        wire = encode(samples()[2])
        with self.assertRaises(IndexError):
            Observation.read_checked(BytesMemory(wire[:-1]), 0)
        buf = BytesMemory(b"\x01\x00")
        for read in (
            lambda: buf.read_int32(0),
            lambda: buf.read_bytes(1, 2),
            lambda: buf.read_bool(2),
        ):
            with self.assertRaises(IndexError):
                read()
        with self.assertRaises(IndexError):
            buf.read_bool(-1)

    def test_primitives(self):
        buf = BytesMemory()
        offset = buf.write_int32(0, -2)
        offset = buf.write_float32(offset, 0.5)
        offset = buf.write_bool(offset, True)
        offset = buf.write_string(offset, "né")
        offset = buf.write_bytes(offset, memoryview(b"xyz"))
        expected = struct.pack("<if?i", -2, 0.5, True, 3) + "né".encode("utf-8") + b"xyz"
        self.assertEqual(buf.getvalue(), expected)
        self.assertEqual(buf.read_int32(0), (-2, 4))
        self.assertEqual(buf.read_float32(4), (0.5, 8))
        self.assertEqual(buf.read_bool(8), (True, 9))
        self.assertEqual(buf.read_string(9), ("né", 16))
        self.assertEqual(buf.read_bytes(16, 3), (b"xyz", 19))
        self.assertEqual(buf.capacity, 19)


# ---------------------------------------------------------------------- (b)


class GrammarTest(unittest.TestCase):
    def test_examples_and_generated_modules_parse_as_python_3_8(self):
        # Generated code promises Python 3.8+; only 3.11 runs here, so check the grammar.
        paths = sorted(
            glob.glob(os.path.join(HERE, "*.py"))
            + glob.glob(os.path.join(HERE, "generated", "*.py"))
        )
        self.assertGreater(len(paths), 6)
        for path in paths:
            with open(path, encoding="utf-8") as source:
                text = source.read()
            with self.subTest(path=os.path.relpath(path, HERE)):
                ast.parse(text, path, feature_version=(3, 8))


class DispatchTableTest(unittest.TestCase):
    def test_echo_and_driver_know_every_struct_type(self):
        import driver
        import echo

        for module in (echo, driver):
            with self.subTest(module=module.__name__):
                table = module.struct_types()
                self.assertEqual({cls.__name__ for cls in table.values()}, STRUCT_NAMES)
                for fingerprint, cls in table.items():
                    self.assertEqual(fingerprint, cls.FINGERPRINT)


class EchoDriverTest(PrivateTmpdir):
    ROLES = ("python", "unity")

    def other(self, role):
        return "unity" if role == "python" else "python"

    def run_pair(self, lines, echo_role, echo_creates, capacity=1024):
        """Runs echo.py and driver.py on a script; returns both (status, stdout, stderr)."""
        prefix = self.new_prefix("echo")
        script = os.path.join(self.tmp, prefix + ".txt")
        with open(script, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        shared = ["--prefix", prefix, "--capacity", capacity, "--timeout", 20]
        echo_args = shared + ["--role", echo_role]
        driver_args = shared + ["--role", self.other(echo_role), "--script", script]
        if echo_creates:
            echo_args.append("--create")
        else:
            driver_args.append("--create")
        echo = self.start(ECHO, *echo_args)
        driver = self.start(DRIVER, *driver_args)
        driver_result = self.finish(driver)
        echo_result = self.finish(echo)
        return prefix, echo_result, driver_result

    def full_script(self):
        """Echo steps for every struct type, resizes on both sides, a mismatch, close."""
        messages = samples()
        big = Observation(name="big", camera=bytes(range(256)) * 12, rays=[1.0] * 50)  # > 3 KB
        lines = ["# generated by test_examples.py"] + [echo_line(m) for m in messages]
        lines += ["resize 2048"]
        lines += [echo_line(m) for m in messages[:3]]
        lines += ["resize-peer 4096", "", echo_line(big)]
        lines += ["mismatch", echo_line(messages[2]), echo_line(edge_cases.Empty()), "close"]
        return lines

    def check_ok(self, prefix, lines, echo_result, driver_result):
        steps = len([line for line in lines if line.strip() and not line.startswith("#")])
        self.assertEqual(driver_result, (0, "ok %d steps\n" % steps, ""), "driver")
        self.assertEqual(echo_result[:2], (0, ""), "echo: %s" % (echo_result,))
        self.assertEqual(self.shared_files(prefix), [], "files left behind")

    def test_full_script_for_every_role_and_creator(self):
        lines = self.full_script()
        for echo_role, echo_creates in itertools.product(self.ROLES, (True, False)):
            with self.subTest(echo_role=echo_role, echo_creates=echo_creates):
                prefix, echo_result, driver_result = self.run_pair(lines, echo_role, echo_creates)
                self.check_ok(prefix, lines, echo_result, driver_result)
                # The mismatch step: Observation.read_checked's error on stderr, once.
                self.assertEqual(echo_result[2].count("schema mismatch"), 1, echo_result[2])
                self.assertIn("0x%08x" % Observation.FINGERPRINT, echo_result[2])

    def test_close_by_peer_for_every_role_and_creator(self):
        lines = [
            echo_line(Vec3(1.0, 2.0, 3.0)),
            "resize-peer 2000",
            echo_line(samples()[2]),
            "close-by-peer",
        ]
        for echo_role, echo_creates in itertools.product(self.ROLES, (True, False)):
            with self.subTest(echo_role=echo_role, echo_creates=echo_creates):
                prefix, echo_result, driver_result = self.run_pair(lines, echo_role, echo_creates)
                self.check_ok(prefix, lines, echo_result, driver_result)
                self.assertEqual(echo_result[2], "")

    def test_script_of_only_close(self):
        for echo_creates in (True, False):
            with self.subTest(echo_creates=echo_creates):
                prefix, echo_result, driver_result = self.run_pair(
                    ["close"], "python", echo_creates
                )
                self.check_ok(prefix, ["close"], echo_result, driver_result)

    def test_driver_reports_a_wrong_reply(self):
        request = Vec3(1.0, 2.0, 3.0)
        wrong = Vec3(1.0, 2.0, 4.0)
        lines = [
            echo_line(request),
            "echo %s %s" % (encode(request).hex(), encode(wrong).hex()),
            "close",
        ]
        prefix, echo_result, driver_result = self.run_pair(lines, "unity", True)
        status, out, err = driver_result
        self.assertEqual((status, out), (1, ""), driver_result)
        self.assertIn("step 2", err)
        self.assertIn(encode(wrong).hex(), err)  # expected
        self.assertIn(encode(request).hex(), err)  # actual
        self.assertEqual(echo_result[:2], (0, ""), echo_result)  # the driver closed
        self.assertEqual(self.shared_files(prefix), [])

    def test_driver_rejects_a_bad_script(self):
        cases = {
            "unknown step": ["jump 3"],
            "unknown fingerprint": ["echo 00000000 00000000"],
            "trailing bytes": ["echo %s00 %s" % (encode(Vec3()).hex(), encode(Vec3()).hex())],
            "step after close": ["close-by-peer", "close"],
        }
        for what, lines in cases.items():
            with self.subTest(what):
                prefix, echo_result, driver_result = self.run_pair(lines, "python", False)
                self.assertEqual(driver_result[:2], (1, ""), driver_result)
                self.assertIn("step %d" % len(lines), driver_result[2])
                self.assertEqual(echo_result[0], 0, echo_result)

    def test_echo_fails_on_a_bad_request(self):
        """An unknown op or an undecodable message: message on stderr, exit 1."""
        bad_pose = bytearray(encode(edge_cases.Pose()))
        bad_pose[-4:] = struct.pack("<i", 7)  # not a Team
        cases = {
            "unknown op": (99, b"", "unknown op 99"),
            "invalid enum": (1, bytes(bad_pose), "DecodeError"),
        }
        for what, (op, payload, message) in cases.items():
            with self.subTest(what):
                prefix = self.new_prefix("bad")
                sm = SharedMemory(prefix, 256, True, 20, role="python")
                try:
                    echo = self.start(ECHO, "--prefix", prefix, "--role", "unity", "--timeout", 20)
                    sm.write_int32(0, op)
                    sm.write_bytes(4, payload)
                    with self.assertRaises(PeerClosedError):
                        sm.give_control()
                finally:
                    sm.close()
                status, out, err = self.finish(echo)
                self.assertEqual((status, out), (1, ""), err)
                self.assertIn(message, err)

    def test_help(self):
        for script in (ECHO, DRIVER, AGENT):
            with self.subTest(script=os.path.basename(script)):
                status, out, err = self.finish(self.start(script, "--help"))
                self.assertEqual((status, err), (0, ""))
                self.assertIn("--prefix", out)


# ---------------------------------------------------------------------- (c)


def observation(i):
    """Step ``i`` of the tiny simulator: 4 episodes of 50 steps, a camera frame that
    grows (so the memory must be resized half-way), targets absent, reached or not."""
    episode_step = i % 50
    position = Vec3(float(i % 5), 1.0, -2.0)
    if i % 7 == 0:
        target = None
    elif i % 7 == 3:
        target = Vec3(position.x, position.y, position.z)  # already there
    else:
        target = Vec3(10.0, float(i % 3), 0.5)
    return Observation(
        step=episode_step,
        done=episode_step == 49,
        reward=(i % 8) * 0.125 - 0.25,
        position=position,
        rays=[0.5 * k for k in range(i % 6)],
        name="sim-%d" % i,
        camera=bytes(k % 256 for k in range(2 * i)),
        target=target,
        last_command=Command.MOVE,
        team=Team.RED,
    )


def expected_action(obs):
    """The agent's policy (agent.py's docstring), computed here independently."""
    if obs.done:
        command, force = Command.RESET, (0.0, 0.0, 0.0)
    elif obs.target is None:
        command, force = Command.IDLE, (0.0, 0.0, 0.0)
    else:
        d = [
            obs.target.x - obs.position.x,
            obs.target.y - obs.position.y,
            obs.target.z - obs.position.z,
        ]
        norm = math.sqrt(sum(c * c for c in d))
        command = Command.MOVE
        force = tuple(2.0 * c / norm for c in d) if norm > 0 else (0.0, 0.0, 0.0)
    dt = f32(0.05) if obs.step % 100 == 0 else None
    return command, force, [1.0, f32(0.1), f32(0.01)], ["step-%d" % obs.step], dt


class AgentTest(PrivateTmpdir):
    STEPS = 200

    def test_agent_against_a_tiny_simulator(self):
        prefix = self.new_prefix("robot")
        sm = SharedMemory(prefix, 512, True, 20, role="unity")
        agent = None
        rewards = []
        try:
            agent = self.start(AGENT, "--prefix", prefix, "--timeout", 20)
            for i in range(self.STEPS):
                if i == self.STEPS // 2:
                    sm.resize(2 * sm.capacity)
                obs = observation(i)
                obs.write_checked(sm, 0)
                sm.give_control()
                action, _ = Action.read_checked(sm, 0)
                rewards.append(f32(obs.reward))

                command, force, gains, tags, dt = expected_action(obs)
                where = "step %d: %r" % (i, action)
                self.assertIs(action.command, command, where)
                for got, want in zip((action.force.x, action.force.y, action.force.z), force):
                    self.assertAlmostEqual(got, want, places=5, msg=where)
                self.assertEqual((action.gains, action.tags, action.dt), (gains, tags, dt), where)
        finally:
            sm.close()
            if agent is not None:
                status, out, err = self.finish(agent)
        self.assertEqual(sm.capacity, 1024)
        mean = sum(rewards) / len(rewards)
        expected = "agent: %d steps, 4 episodes, mean reward %.3f\n" % (self.STEPS, mean)
        self.assertEqual((status, out, err), (0, expected, ""))
        self.assertEqual(self.shared_files(prefix), [])

    def test_agent_when_the_simulator_closes_at_once(self):
        prefix = self.new_prefix("robot")
        sm = SharedMemory(prefix, 512, True, 20, role="unity")
        agent = self.start(AGENT, "--prefix", prefix, "--timeout", 20)
        sm.close()
        status, out, err = self.finish(agent)
        self.assertEqual(
            (status, out, err), (0, "agent: 0 steps, 0 episodes, mean reward 0.000\n", "")
        )


if __name__ == "__main__":
    unittest.main()
