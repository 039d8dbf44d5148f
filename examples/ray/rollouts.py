"""Robot rollouts on Ray: each actor owns a simulator process and its pusm conversation.

Shared memory stays inside one machine, so scaling out means more simulator-agent
pairs, one per Ray actor, wherever Ray places them; Ray carries the rollouts (numpy
arrays) back to the driver. Nothing here opens a socket: Ray does the networking.

On one machine (a local Ray instance with one worker per CPU asked for)::

    cargo build --release -p pusm-examples --bin robot_sim
    python3 examples/ray/rollouts.py --workers 2 --episodes 8

On a cluster, every node needs this repository at the same path, with robot_sim built
(or ``PUSM_ROBOT_SIM`` set in the environment of its ``ray start``) and pusm's
dependencies installed (``pip install "pusm[ray]"`` or ``pip install ray gymnasium``)::

    ray start --head --port 6379                     # on the head node
    ray start --address HEAD_HOST:6379               # on every other node
    python3 examples/ray/rollouts.py --address auto --workers 16 --episodes 256

The policy is a noisy "head for the target" seeded by the episode's seed, so an
episode's rollout depends only on its seed, not on the actor that ran it.
"""

import argparse
import os
import sys
from typing import Any, Dict, List, Optional

import numpy as np
import ray

HERE = os.path.dirname(os.path.abspath(__file__))
GYM_DIR = os.path.join(os.path.dirname(HERE), "gym")

Rollout = Dict[str, Any]
NOISE = 0.3  # standard deviation of the noise added to the heading


def _robot_env() -> Any:
    """The robot_env module (examples/gym), importable in any process of the cluster."""
    if GYM_DIR not in sys.path:
        sys.path.insert(0, GYM_DIR)
    import robot_env

    return robot_env


def run_episode(env: Any, seed: int) -> Rollout:
    """One episode of the seeded noisy heading policy on ``env`` (a RobotEnv)."""
    rng = np.random.default_rng(seed)
    obs, _ = env.reset(seed=seed)
    observations, actions, rewards = [obs], [], []
    terminated = truncated = False
    while not (terminated or truncated):
        heading = obs[3:] / max(float(np.linalg.norm(obs[3:])), 1e-6)
        action = np.clip(heading + rng.normal(0.0, NOISE, 3), -1.0, 1.0).astype(np.float32)
        obs, reward, terminated, truncated, _ = env.step(action)
        observations.append(obs)
        actions.append(action)
        rewards.append(float(reward))
    return {
        "seed": seed,
        "observations": np.stack(observations),
        "actions": np.stack(actions),
        "rewards": np.array(rewards, np.float32),
        "terminated": bool(terminated),
    }


@ray.remote(num_cpus=1)
class RolloutWorker:
    """A Ray actor with its own robot simulator process, kept for all its episodes."""

    def __init__(self, max_steps: int, simulator: Optional[str] = None) -> None:
        self.env = _robot_env().RobotEnv(max_steps=max_steps, simulator=simulator)

    def rollout(self, seed: int) -> Rollout:
        """Runs one episode; tags it with the processes that produced it."""
        result = run_episode(self.env, seed)
        result["worker_pid"] = os.getpid()
        result["simulator_pid"] = self.env.simulator_pid
        return result

    def close(self) -> Optional[int]:
        """Closes the env; returns the simulator's exit code (0: it saw the close)."""
        process = self.env.process
        self.env.close()
        return process.returncode if process is not None else None


def init_ray(address: Optional[str] = None, workers: int = 2, **kwargs: Any) -> None:
    """Joins the cluster at ``address``, or starts a local Ray with ``workers`` CPUs.

    The actors import this module and robot_env from this checkout's path on their
    node (``PYTHONPATH`` of the job), hence the same path on every node.
    """
    paths = [HERE, GYM_DIR] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    runtime_env = {"env_vars": {"PYTHONPATH": os.pathsep.join(paths)}}
    if address:
        ray.init(address=address, runtime_env=runtime_env, **kwargs)
    else:
        ray.init(num_cpus=workers, include_dashboard=False, runtime_env=runtime_env, **kwargs)


def collect(workers: int, seeds: List[int], max_steps: int) -> List[Rollout]:
    """Runs one episode per seed on ``workers`` actors (ray.init done); in seed order."""
    simulator = os.environ.get("PUSM_ROBOT_SIM")
    actors = [RolloutWorker.remote(max_steps, simulator) for _ in range(workers)]  # type: ignore[attr-defined]
    try:
        futures = [actors[i % workers].rollout.remote(seed) for i, seed in enumerate(seeds)]
        return list(ray.get(futures))
    finally:
        codes = ray.get([actor.close.remote() for actor in actors])
        for actor in actors:
            ray.kill(actor)
        failed = [code for code in codes if code not in (0, None)]
        if failed:
            raise RuntimeError("simulators exited with %s" % failed)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--address", help="a running cluster ('auto' on one of its nodes); default: local Ray"
    )
    parser.add_argument("--workers", type=int, default=2, help="actors, one simulator each")
    parser.add_argument("--episodes", type=int, default=8)
    parser.add_argument("--max-steps", type=int, default=100)
    args = parser.parse_args(argv)
    if args.workers < 1 or args.episodes < 0:
        parser.error("--workers must be at least 1 and --episodes at least 0")
    init_ray(args.address, args.workers)
    try:
        rollouts = collect(args.workers, list(range(args.episodes)), args.max_steps)
    finally:
        ray.shutdown()
    for rollout in rollouts:
        print(
            "seed %3d: %3d steps, return %8.2f, %s (actor pid %d)"
            % (
                rollout["seed"],
                len(rollout["actions"]),
                float(rollout["rewards"].sum()),
                "reached the target" if rollout["terminated"] else "time limit",
                rollout["worker_pid"],
            )
        )
    print("%d episodes from %d actors" % (len(rollouts), len({r["worker_pid"] for r in rollouts})))
    return 0


if __name__ == "__main__":
    sys.exit(main())
