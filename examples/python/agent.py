"""The agent of the pusm robot demo: the Python side of a simulator <-> agent loop.

The simulator (``cargo run --release -p pusm-examples --bin robot``, or a C# one in
Unity) creates the shared memory in the Unity role and starts this script, which
joins it in the Python role::

    python3 examples/python/agent.py --prefix robot-demo-1234 [--timeout 30]

Every step the simulator writes a ``robot.Observation`` (``write_checked`` at offset
0) and gives control; the agent reads it (``read_checked`` at offset 0), decides,
writes a ``robot.Action`` (``write_checked`` at offset 0) and gives control back,
which waits for the next observation. When the simulator closes the memory the
wait raises ``PeerClosedError``: the agent prints one summary line::

    agent: {steps} steps, {episodes} episodes, mean reward {x:.3f}

and exits 0. Any other error: a message on stderr, exit 1.

The policy is simple and deterministic:

- ``obs.done`` (the last step of an episode): ``Command.RESET``, zero force;
- no target (``obs.target is None``): ``Command.IDLE``, zero force;
- otherwise ``Command.MOVE``, with ``force`` the unit vector from ``obs.position``
  to ``obs.target`` times 2.0 (the zero vector when closer than 1e-6 m);
- always ``gains = [1.0, 0.1, 0.01]`` and ``tags = ["step-<obs.step>"]``;
- ``dt = 0.05`` when ``obs.step % 100 == 0``, else ``None`` (no override).

``steps`` counts observations, ``episodes`` the observations with ``done`` set,
and the mean reward is over all observations (0 when there were none).
"""

import argparse
import math
import os
import sys

# The pusm runtime (<repo>/python) and the generated modules, without installing.
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
for _path in (os.path.join(HERE, "generated"), os.path.join(REPO, "python")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from common import Vec3  # noqa: E402  (generated)
from pusm import PeerClosedError, SharedMemory  # noqa: E402
from robot import Action, Command, Observation  # noqa: E402  (generated)

SPEED = 2.0  # length of the force vector when moving
ARRIVED = 1e-6  # metres: closer than this to the target counts as there
GAINS = [1.0, 0.1, 0.01]
DT_EVERY = 100  # override the step length every DT_EVERY steps
DT = 0.05


def decide(obs):
    """The Action for one Observation (see the module docstring)."""
    force = Vec3()
    if obs.done:
        command = Command.RESET
    elif obs.target is None:
        command = Command.IDLE
    else:
        command = Command.MOVE
        dx = obs.target.x - obs.position.x
        dy = obs.target.y - obs.position.y
        dz = obs.target.z - obs.position.z
        distance = math.sqrt(dx * dx + dy * dy + dz * dz)
        if distance >= ARRIVED:
            scale = SPEED / distance
            force = Vec3(dx * scale, dy * scale, dz * scale)
    return Action(
        command=command,
        force=force,
        gains=list(GAINS),
        tags=["step-%d" % obs.step],
        dt=DT if obs.step % DT_EVERY == 0 else None,
    )


def run(sm):
    """Answers observations until the simulator closes; returns the summary line."""
    steps = 0
    episodes = 0
    total_reward = 0.0
    try:
        while True:
            obs, _ = Observation.read_checked(sm, 0)
            steps += 1
            episodes += 1 if obs.done else 0
            total_reward += obs.reward
            decide(obs).write_checked(sm, 0)
            sm.give_control()  # hand the action over, wait for the next observation
    except PeerClosedError:
        pass  # the simulator is done
    return summary(steps, episodes, total_reward)


def summary(steps, episodes, total_reward):
    """The line the agent prints when the simulator closes."""
    mean = total_reward / steps if steps else 0.0
    return "agent: %d steps, %d episodes, mean reward %.3f" % (steps, episodes, mean)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="The robot demo's agent: joins the simulator's shared memory (Python role) "
        "and answers every robot.Observation with a robot.Action."
    )
    parser.add_argument(
        "--prefix", required=True, help="name of the shared memory the simulator created"
    )
    parser.add_argument(
        "--timeout", type=float, default=30, help="seconds any wait may last (default 30)"
    )
    args = parser.parse_args(argv)

    sm = None
    try:
        # Joining waits until the simulator gives control with the first observation.
        sm = SharedMemory(args.prefix, 0, False, args.timeout, role="python")
        line = run(sm)
    except PeerClosedError:  # closed before the first observation
        line = summary(0, 0, 0.0)
    except Exception as error:
        print("agent: error: %s: %s" % (type(error).__name__, error), file=sys.stderr, flush=True)
        return 1
    finally:
        if sm is not None:
            sm.close()
    print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
