"""The robot demo as a Gymnasium environment: ``RobotEnv``, built on ``pusm.gym.PusmEnv``.

Each env starts its own simulator process (the Rust ``robot_sim`` binary,
examples/src/bin/robot_sim.rs) on its own shared memory, and talks to it with the
message classes generated from schemas/robot.pusm::

    cargo build --release -p pusm-examples --bin robot_sim
    python3 examples/gym/robot_env.py          # a few episodes with random actions

- observation: ``Box(-limit, limit, (6,), float32)``: the robot's position (x, y, z),
  then the vector from it to the target (``limit`` is what ``max_steps`` steps at full
  force can reach, plus ``MAX_TARGET``);
- action: ``Box(-1, 1, (3,), float32)``: the force, times 2 (``Command.MOVE``);
- reward: minus the distance to the target; terminated: within 0.25 m of it;
  truncated: after ``max_steps`` steps;
- ``reset(seed=...)`` draws the target 2 to 6 m from the origin in the ground plane
  from the env's random generator, or takes ``options={"target": (x, y, z)}`` (each
  coordinate within ``MAX_TARGET``).

``register()`` makes it ``gymnasium.make("pusm/Robot-v0")``. The simulator binary is
``simulator=`` if given, else ``$PUSM_ROBOT_SIM``, else ``robot_sim`` in cargo's
release directory (``$CARGO_TARGET_DIR`` or target/ of this repository).
"""

import itertools
import math
import os
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, List, Optional, Sequence

import gymnasium
import numpy as np
from gymnasium.spaces import Box

# The pusm runtime (<repo>/python) and the generated modules, without installing.
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
for _path in (os.path.join(REPO, "examples", "python", "generated"), os.path.join(REPO, "python")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from common import Vec3  # noqa: E402  (generated)
from pusm import SharedMemory  # noqa: E402
from pusm.gym import PusmEnv  # noqa: E402
from robot import Action, Command, Observation  # noqa: E402  (generated)

ENV_ID = "pusm/Robot-v0"
SPEED = 2.0  # the force for an action of length 1
DT = 0.05  # the simulator's step length, in seconds
TARGET_RADIUS = (2.0, 6.0)  # how far from the origin reset() puts the target
MAX_TARGET = 10.0  # the largest target coordinate options={"target": ...} may ask for
_PREFIXES = itertools.count()


def default_simulator() -> str:
    """``$PUSM_ROBOT_SIM``, else robot_sim in cargo's release directory."""
    configured = os.environ.get("PUSM_ROBOT_SIM")
    if configured:
        return configured
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target")
    return os.path.join(target, "release", "robot_sim")


def observation_vector(message: Observation) -> "np.ndarray[Any, np.dtype[np.float32]]":
    """Position, then position-to-target (zero when the robot has no target)."""
    position = message.position
    target = message.target if message.target is not None else position
    return np.array(
        [
            position.x,
            position.y,
            position.z,
            target.x - position.x,
            target.y - position.y,
            target.z - position.z,
        ],
        dtype=np.float32,
    )


def move(action: Any) -> Action:
    """The Action for one element of the action space."""
    x, y, z = (float(value) * SPEED for value in np.asarray(action, dtype=np.float32))
    return Action(command=Command.MOVE, force=Vec3(x, y, z), gains=[1.0, 0.1, 0.01])


def new_episode(rng: np.random.Generator, options: Optional[Dict[str, Any]]) -> Action:
    """The Reset action: its force is the new episode's target."""
    if options and "target" in options:
        x, y, z = (float(value) for value in options["target"])
        if not all(abs(value) <= MAX_TARGET for value in (x, y, z)):
            raise ValueError(
                "options['target'] %r: each coordinate must be within +-%s"
                % (options["target"], MAX_TARGET)
            )
    else:
        angle = float(rng.uniform(0.0, 2.0 * math.pi))
        radius = float(rng.uniform(*TARGET_RADIUS))
        x, y, z = radius * math.cos(angle), 0.0, radius * math.sin(angle)
    return Action(command=Command.RESET, force=Vec3(x, y, z))


class RobotEnv(PusmEnv[Observation, "np.ndarray[Any, np.dtype[np.float32]]", Any]):
    """The robot demo's simulator as a ``gymnasium.Env`` (module doc)."""

    def __init__(
        self,
        max_steps: int = 200,
        simulator: Optional[str] = None,
        timeout: float = 30.0,
        simulator_args: Sequence[str] = (),
    ) -> None:
        if max_steps < 1:
            raise ValueError("max_steps must be at least 1, not %r" % (max_steps,))
        self.max_steps = max_steps
        # Each step moves each coordinate by at most SPEED * DT.
        self.limit = MAX_TARGET + SPEED * DT * max_steps
        self.simulator = simulator or default_simulator()
        self.timeout = timeout
        self.simulator_args = list(simulator_args)
        self.process: Optional["subprocess.Popen[bytes]"] = None
        super().__init__(
            self._start_simulator,
            Observation,
            Box(-self.limit, self.limit, (6,), np.float32),
            Box(-1.0, 1.0, (3,), np.float32),
            decode_observation=observation_vector,
            encode_action=move,
            reset_message=new_episode,
            reward=lambda message: message.reward,
            terminated=lambda message: message.done,
            truncated=lambda message: message.step >= self.max_steps,
            info=lambda message: {"step": message.step},
        )

    @property
    def simulator_pid(self) -> Optional[int]:
        """The process id of this env's simulator, None when none runs."""
        return self.process.pid if self.process is not None else None

    def _start_simulator(self) -> SharedMemory:
        """Starts robot_sim on a new prefix and joins its memory (Python role)."""
        if not os.path.isfile(self.simulator):
            raise FileNotFoundError(
                "robot simulator %s not found: build it with `cargo build --release -p "
                "pusm-examples --bin robot_sim`, or set PUSM_ROBOT_SIM" % self.simulator
            )
        prefix = "robot-gym-%d-%d" % (os.getpid(), next(_PREFIXES))
        command: List[str] = [self.simulator, "--prefix", prefix] + self.simulator_args
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        try:
            self._wait_for_memory(prefix)
            # Joining waits for the simulator to create the memory and give control.
            return SharedMemory(prefix, 0, False, self.timeout, role="python")
        except BaseException:
            self._stop_simulator()
            raise

    def _wait_for_memory(self, prefix: str) -> None:
        """Waits for the simulator's files; a simulator that exits first is an error now,
        not a join timeout later."""
        assert self.process is not None
        hook = os.path.join(tempfile.gettempdir(), "python_unity_shared_memory", prefix)
        deadline = time.monotonic() + self.timeout
        while not os.path.exists(hook) and time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                raise RuntimeError(
                    "the robot simulator (%s) exited with code %d before creating shared "
                    "memory %r" % (self.simulator, code, prefix)
                )
            time.sleep(0.001)

    def _stop_simulator(self) -> None:
        """Waits for the simulator (it exits when the memory closes); kills it if stuck."""
        process, self.process = self.process, None
        if process is None:
            return
        try:
            process.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def close(self) -> None:
        """Closes the memory, then waits for the simulator to exit."""
        try:
            super().close()
        finally:
            self._stop_simulator()


def register() -> None:
    """Registers ``pusm/Robot-v0`` (idempotent), for ``gymnasium.make``."""
    if ENV_ID not in gymnasium.registry:
        gymnasium.register(ENV_ID, entry_point=RobotEnv)


def main() -> int:
    """Runs three episodes with random actions and prints their returns."""
    env = RobotEnv(max_steps=100)
    try:
        for episode in range(3):
            env.reset(seed=episode)
            total, done = 0.0, False
            while not done:
                _, reward, terminated, truncated, info = env.step(env.action_space.sample())
                total += float(reward)
                done = terminated or truncated
            print("episode %d: %d steps, return %.2f" % (episode, info["step"], total))
    finally:
        env.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
