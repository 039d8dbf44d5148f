"""Rollouts on a local Ray instance with two workers, checked against in-process runs.

Needs ray, gymnasium, numpy and the robot_sim binary (``$PUSM_ROBOT_SIM``; cargo test
sets it). Run by examples/tests/python_ecosystem.rs, or::

    PUSM_ROBOT_SIM=target/release/robot_sim python3 -m unittest discover -s examples/ray
"""

import os
import subprocess
import sys
import unittest

import numpy as np
import ray

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import rollouts  # noqa: E402

SEEDS = [3, 1, 4, 5]
MAX_STEPS = 40


class RayRolloutsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        rollouts.init_ray(workers=2, log_to_driver=False)
        cls.addClassCleanup(ray.shutdown)
        cls.results = rollouts.collect(2, SEEDS, MAX_STEPS)

    def test_two_actors_each_with_its_own_simulator(self) -> None:
        self.assertEqual([r["seed"] for r in self.results], SEEDS)
        workers = {r["worker_pid"] for r in self.results}
        simulators = {r["simulator_pid"] for r in self.results}
        self.assertEqual(len(workers), 2)
        self.assertEqual(len(simulators), 2)
        self.assertNotIn(os.getpid(), workers)  # the episodes ran in the actors
        # Round robin: seeds 0 and 2 of the list on one actor, 1 and 3 on the other.
        self.assertEqual(self.results[0]["worker_pid"], self.results[2]["worker_pid"])
        self.assertNotEqual(self.results[0]["worker_pid"], self.results[1]["worker_pid"])

    def test_each_rollout_is_what_its_seed_gives_in_process(self) -> None:
        env = rollouts._robot_env().RobotEnv(max_steps=MAX_STEPS)
        try:
            for remote in self.results:
                local = rollouts.run_episode(env, remote["seed"])
                with self.subTest(seed=remote["seed"]):
                    for key in ("observations", "actions", "rewards"):
                        np.testing.assert_array_equal(remote[key], local[key])
                    self.assertEqual(remote["terminated"], local["terminated"])
        finally:
            env.close()

    def test_rollouts_are_whole_episodes(self) -> None:
        for rollout in self.results:
            steps = len(rollout["actions"])
            with self.subTest(seed=rollout["seed"]):
                self.assertEqual(rollout["observations"].shape, (steps + 1, 6))
                self.assertEqual(rollout["rewards"].shape, (steps,))
                self.assertTrue(rollout["terminated"] or steps == MAX_STEPS)
                self.assertTrue(1 <= steps <= MAX_STEPS)


class CommandLineTest(unittest.TestCase):
    def test_script_runs_episodes_on_two_actors(self) -> None:
        result = subprocess.run(
            [sys.executable, os.path.join(HERE, "rollouts.py"), "--episodes", "4"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            universal_newlines=True,
            timeout=300,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("4 episodes from 2 actors", result.stdout)
        self.assertEqual(result.stdout.count("seed "), 4)


if __name__ == "__main__":
    unittest.main()
