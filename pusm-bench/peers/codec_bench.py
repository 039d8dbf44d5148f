"""Measurement 5 of pusm's benchmarks, in one Python process on pusm's Python runtime.

    python3 codec_bench.py --runtime <repo>/python --generated <repo>/examples/python/generated [--quick]

1. The generated ``Observation.write`` + ``Observation.read`` (64 rays, a 64-byte
   camera frame, a target) against the same message written and read with one runtime
   call per field, as the original's users write it by hand (same runtime, same memory).
   Both must produce the same bytes and read back the same message: checked first.
2. One primitive call (``read_int32``, ``write_int32``) on pusm's runtime against the
   original's design (``original_peer.OriginalStyleMemory``: the hook asked field by
   field through ``struct`` on every call), on the same files; and, printed as an
   ``INFO`` line, against ``original_peer.StreamlinedMemory`` (the same checks from
   one read of the whole hook).

Samples are batches (a batch's time divided by its size), pusm and baseline batches
alternating so that both see the same machine. For primitive calls, the cost of the
bare ``for`` loop (measured the same way) is subtracted. Prints one line per result,
``RESULT key n p50 p99 min max mean`` in ns per operation, and ``INFO`` lines; the
bench binary parses them. The shared memory lives in ``TMPDIR`` (the bench sets a
private one) and is deleted at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

from bench_results import print_result, summarize

_perf = time.perf_counter_ns


def make_observation(robot, common):
    return robot.Observation(
        step=123456,
        done=True,
        reward=-0.5,
        position=common.Vec3(1.0, 2.0, 3.0),
        rays=[i * 0.25 for i in range(64)],
        corners=[common.Vec3(float(i), -float(i), 0.5) for i in range(4)],
        name="robot-7",
        camera=bytes(range(64)),
        target=common.Vec3(4.0, 5.0, 6.0),
        last_command=robot.Command.JUMP,
        team=common.Team.BLUE,
    )


def write_per_field(sm, o, offset):
    """The Observation written as the original's users do: one call per field."""
    offset = sm.write_int32(offset, o.step)
    offset = sm.write_bool(offset, o.done)
    offset = sm.write_float32(offset, o.reward)
    offset = sm.write_float32(offset, o.position.x)
    offset = sm.write_float32(offset, o.position.y)
    offset = sm.write_float32(offset, o.position.z)
    offset = sm.write_int32(offset, len(o.rays))
    for ray in o.rays:
        offset = sm.write_float32(offset, ray)
    for corner in o.corners:
        offset = sm.write_float32(offset, corner.x)
        offset = sm.write_float32(offset, corner.y)
        offset = sm.write_float32(offset, corner.z)
    offset = sm.write_string(offset, o.name)
    offset = sm.write_int32(offset, len(o.camera))
    offset = sm.write_bytes(offset, o.camera)
    if o.target is None:
        offset = sm.write_bool(offset, False)
    else:
        offset = sm.write_bool(offset, True)
        offset = sm.write_float32(offset, o.target.x)
        offset = sm.write_float32(offset, o.target.y)
        offset = sm.write_float32(offset, o.target.z)
    offset = sm.write_int32(offset, int(o.last_command))
    offset = sm.write_int32(offset, int(o.team))
    return offset


def read_per_field(sm, offset, robot, common):
    """The Observation read as the original's users do: one call per field."""
    step, offset = sm.read_int32(offset)
    done, offset = sm.read_bool(offset)
    reward, offset = sm.read_float32(offset)
    x, offset = sm.read_float32(offset)
    y, offset = sm.read_float32(offset)
    z, offset = sm.read_float32(offset)
    position = common.Vec3(x, y, z)
    count, offset = sm.read_int32(offset)
    rays = []
    for _ in range(count):
        ray, offset = sm.read_float32(offset)
        rays.append(ray)
    corners = []
    for _ in range(4):
        x, offset = sm.read_float32(offset)
        y, offset = sm.read_float32(offset)
        z, offset = sm.read_float32(offset)
        corners.append(common.Vec3(x, y, z))
    name, offset = sm.read_string(offset)
    length, offset = sm.read_int32(offset)
    camera, offset = sm.read_bytes(offset, length)
    present, offset = sm.read_bool(offset)
    target = None
    if present:
        x, offset = sm.read_float32(offset)
        y, offset = sm.read_float32(offset)
        z, offset = sm.read_float32(offset)
        target = common.Vec3(x, y, z)
    command, offset = sm.read_int32(offset)
    team, offset = sm.read_int32(offset)
    return (
        robot.Observation(
            step,
            done,
            reward,
            position,
            rays,
            corners,
            name,
            camera,
            target,
            robot.Command(command),
            common.Team(team),
        ),
        offset,
    )


def alternate(pairs, batches, warmup):
    """Times each (name, batch_fn, size) alternately; returns ns per op lists."""
    results = {name: [] for name, _, _ in pairs}
    for round_ in range(warmup + batches):
        for name, fn, size in pairs:
            start = _perf()
            fn()
            elapsed = _perf() - start
            if round_ >= warmup:
                results[name].append(elapsed / size)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtime", required=True, help="the folder holding the pusm package")
    parser.add_argument("--generated", required=True, help="the folder of the generated robot.py")
    parser.add_argument("--quick", action="store_true", help="a much smaller run")
    args = parser.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:0] = [args.runtime, args.generated, here]
    import pusm
    import common
    import robot
    from original_peer import OriginalStyleMemory, StreamlinedMemory

    message_batch, message_batches, message_warmup = (5, 20, 2) if args.quick else (20, 400, 20)
    call_batch, call_batches, call_warmup = (500, 20, 2) if args.quick else (2000, 400, 20)

    prefix = "codec-%d" % os.getpid()
    sm = pusm.SharedMemory(prefix, 1 << 16, True, timeout=30)  # creates; holds control
    original = streamlined = None
    try:
        original = OriginalStyleMemory(prefix, "python")  # the same files, the same role
        streamlined = StreamlinedMemory(prefix, "python")
        obs = make_observation(robot, common)

        # The two serializers must agree byte for byte, and read back the message.
        end = obs.write(sm, 0)
        generated_bytes, _ = sm.read_bytes(0, end)
        if robot.Observation.read(sm, 0) != (obs, end):
            raise SystemExit("generated read did not return the message written")
        sm.write_bytes(0, bytes(end))
        if write_per_field(sm, obs, 0) != end or sm.read_bytes(0, end)[0] != generated_bytes:
            raise SystemExit("the per-field writer does not produce the generated bytes")
        if read_per_field(sm, 0, robot, common) != (obs, end):
            raise SystemExit("the per-field reader did not return the message written")

        message_range = range(message_batch)
        Observation = robot.Observation

        def generated():
            for _ in message_range:
                obs.write(sm, 0)
                Observation.read(sm, 0)

        def per_field():
            for _ in message_range:
                write_per_field(sm, obs, 0)
                read_per_field(sm, 0, robot, common)

        call_range = range(call_batch)

        def empty():
            for _ in call_range:
                pass

        def read_pusm():
            r = sm.read_int32
            for _ in call_range:
                r(0)

        def read_original():
            r = original.read_int32
            for _ in call_range:
                r(0)

        def read_streamlined():
            r = streamlined.read_int32
            for _ in call_range:
                r(0)

        def write_streamlined():
            w = streamlined.write_int32
            for i in call_range:
                w(0, i)

        def write_pusm():
            w = sm.write_int32
            for i in call_range:
                w(0, i)

        def write_original():
            w = original.write_int32
            for i in call_range:
                w(0, i)

        results = alternate(
            [
                ("message_generated", generated, message_batch),
                ("message_per_field", per_field, message_batch),
            ],
            message_batches,
            message_warmup,
        )
        calls = alternate(
            [
                ("loop", empty, call_batch),
                ("read_int32_pusm", read_pusm, call_batch),
                ("read_int32_original", read_original, call_batch),
                ("write_int32_pusm", write_pusm, call_batch),
                ("write_int32_original", write_original, call_batch),
                ("read_int32_streamlined", read_streamlined, call_batch),
                ("write_int32_streamlined", write_streamlined, call_batch),
            ],
            call_batches,
            call_warmup,
        )
        loop = summarize(calls.pop("loop"))[1]
        for name, samples in calls.items():
            results[name] = [max(s - loop, 0.0) for s in samples]
        streamlined_p50 = {
            op: summarize(results.pop(op + "_streamlined"))[1]
            for op in ("read_int32", "write_int32")
        }

        print(
            "INFO Python %s (%s) on %s"
            % (platform.python_version(), platform.python_implementation(), platform.machine())
        )
        print(
            "INFO primitive calls: %d-call batches, bare loop of %.1f ns per call subtracted"
            % (call_batch, loop)
        )
        for op, p50 in streamlined_p50.items():
            pusm_p50 = summarize(results[op + "_pusm"])[1]
            print(
                "INFO %s: %.0f ns on a streamlined original-style side (one hook read per call), %.1fx pusm's %.0f ns"
                % (op, p50, p50 / pusm_p50 if pusm_p50 else float("inf"), pusm_p50)
            )
        for name, samples in results.items():
            print_result(name, samples)
    finally:
        for side in (original, streamlined):
            if side is not None:
                side.close()
        sm.delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
