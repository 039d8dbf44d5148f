"""RobotEnv against the real simulator: Gymnasium's checker, episodes, vector envs.

Needs gymnasium, numpy and the robot_sim binary (``$PUSM_ROBOT_SIM``; cargo test sets
it). Run by examples/tests/python_ecosystem.rs, or::

    PUSM_ROBOT_SIM=target/release/robot_sim python3 -m unittest discover -s examples/gym
"""

import os
import sys
import tempfile
import unittest
import warnings

import gymnasium
import numpy as np
from gymnasium.error import ResetNeeded
from gymnasium.utils.env_checker import check_env

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import robot_env  # noqa: E402
from pusm import PeerDiedError  # noqa: E402  (after robot_env puts python/ on the path)
from robot_env import RobotEnv  # noqa: E402


def make_env(max_steps: int = 50) -> RobotEnv:
    return RobotEnv(max_steps=max_steps)


class RobotEnvTest(unittest.TestCase):
    def setUp(self) -> None:
        self.env = RobotEnv(max_steps=50)
        self.addCleanup(self.env.close)

    def test_passes_gymnasium_env_checker_without_warnings(self) -> None:
        robot_env.register()
        env = gymnasium.make(robot_env.ENV_ID, max_steps=20).unwrapped
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # any complaint of the checker fails
                check_env(env)
        finally:
            env.close()

    def test_reset_puts_the_robot_at_the_origin_facing_the_chosen_target(self) -> None:
        obs, info = self.env.reset(options={"target": (3.0, 0.0, -4.0)})
        np.testing.assert_array_equal(obs, np.array([0, 0, 0, 3, 0, -4], np.float32))
        self.assertEqual(info, {"step": 0})
        self.assertIn(obs, self.env.observation_space)

    def test_same_seed_same_episode_other_seed_other_target(self) -> None:
        first, _ = self.env.reset(seed=7)
        again, _ = self.env.reset(seed=7)
        other, _ = self.env.reset(seed=8)
        np.testing.assert_array_equal(first, again)
        self.assertFalse(np.array_equal(first, other))
        distance = float(np.linalg.norm(first[3:]))
        self.assertGreaterEqual(distance, robot_env.TARGET_RADIUS[0] - 1e-4)
        self.assertLessEqual(distance, robot_env.TARGET_RADIUS[1] + 1e-4)

    def test_a_step_moves_the_robot_by_force_times_dt(self) -> None:
        self.env.reset(options={"target": (5.0, 0.0, 0.0)})
        obs, reward, terminated, truncated, info = self.env.step(
            np.array([1.0, 0.0, -0.5], np.float32)
        )
        # force = action * 2, dt = 0.05 s
        np.testing.assert_allclose(obs[:3], [0.1, 0.0, -0.05], rtol=1e-5)
        self.assertAlmostEqual(reward, -np.hypot(4.9, 0.05), places=4)
        self.assertEqual((terminated, truncated, info), (False, False, {"step": 1}))

    def test_driving_to_the_target_terminates_the_episode(self) -> None:
        obs, _ = self.env.reset(options={"target": (1.0, 0.0, 0.0)})
        steps, terminated = 0, False
        while not terminated:
            direction = obs[3:] / max(float(np.linalg.norm(obs[3:])), 1e-6)
            obs, reward, terminated, truncated, _ = self.env.step(direction.astype(np.float32))
            steps += 1
            self.assertFalse(truncated)
        # 0.1 m per step from 1 m away, done within 0.25 m: step 8 at 0.2 m.
        self.assertEqual(steps, 8)
        self.assertGreater(reward, -0.25)

    def test_max_steps_truncates(self) -> None:
        env = RobotEnv(max_steps=3)
        try:
            env.reset(seed=1)
            flags = [env.step(np.zeros(3, np.float32))[2:4] for _ in range(3)]
        finally:
            env.close()
        self.assertEqual(flags, [(False, False), (False, False), (False, True)])

    def test_a_target_out_of_range_is_refused(self) -> None:
        with self.assertRaisesRegex(ValueError, "within"):
            self.env.reset(options={"target": (0.0, 0.0, robot_env.MAX_TARGET + 1)})

    def test_observations_stay_in_the_space_at_full_force(self) -> None:
        env = RobotEnv(max_steps=30)
        try:
            obs, _ = env.reset(options={"target": (-robot_env.MAX_TARGET,) * 3})
            truncated = False
            while not truncated:  # away from the target, as fast as possible
                obs, _, terminated, truncated, _ = env.step(np.ones(3, np.float32))
                self.assertIn(obs, env.observation_space)
                self.assertFalse(terminated)
        finally:
            env.close()

    def test_step_before_reset_is_refused(self) -> None:
        with self.assertRaises(ResetNeeded):
            self.env.step(np.zeros(3, np.float32))

    def test_close_stops_the_simulator_and_removes_its_files(self) -> None:
        self.env.reset(seed=0)
        process = self.env.process
        assert process is not None
        directory = os.path.join(tempfile.gettempdir(), "python_unity_shared_memory")
        ours = "robot-gym-%d-" % os.getpid()
        self.assertTrue(any(name.startswith(ours) for name in os.listdir(directory)))
        self.env.close()
        self.assertEqual(process.returncode, 0)  # exited on its own: the agent closed
        self.assertIsNone(self.env.memory)
        self.assertFalse(any(name.startswith(ours) for name in os.listdir(directory)))
        self.env.close()  # twice is fine

    def test_a_killed_simulator_is_a_peer_died_error_not_a_hang(self) -> None:
        self.env.reset(seed=0)
        process = self.env.process
        assert process is not None
        process.kill()
        process.wait()
        with self.assertRaises(PeerDiedError):
            self.env.step(np.zeros(3, np.float32))
        with self.assertRaises(ResetNeeded):  # the episode is over
            self.env.step(np.zeros(3, np.float32))
        self.env.close()
        self.assertIsNone(self.env.process)

    def test_a_simulator_that_fails_to_start_is_reported_at_once(self) -> None:
        env = RobotEnv(simulator_args=["--timeout=nan"], timeout=600)
        with self.assertRaisesRegex(RuntimeError, "exited with code 1 before creating"):
            env.reset()  # well before the 600 s a join would wait
        self.assertIsNone(env.process)
        env.close()

    def test_missing_simulator_is_a_clear_error(self) -> None:
        env = RobotEnv(simulator=os.path.join(os.path.dirname(__file__), "no-such-sim"))
        with self.assertRaisesRegex(FileNotFoundError, "no-such-sim.*cargo build"):
            env.reset()
        env.close()


class VectorEnvTest(unittest.TestCase):
    def test_async_vector_env_runs_one_simulator_per_env(self) -> None:
        envs = gymnasium.vector.AsyncVectorEnv([make_env] * 3)
        try:
            obs, infos = envs.reset(seed=[1, 2, 3])
            self.assertEqual(obs.shape, (3, 6))
            self.assertEqual(list(infos["step"]), [0, 0, 0])
            pids = envs.get_attr("simulator_pid")
            self.assertEqual(len(set(pids)), 3)
            self.assertNotIn(None, pids)
            envs.action_space.seed(0)
            for _ in range(60):
                obs, rewards, terminated, truncated, infos = envs.step(envs.action_space.sample())
            self.assertEqual(rewards.shape, (3,))
            # Truncated at step 50, reset by the vector env on the next step, then 9 more.
            self.assertEqual(list(infos["step"]), [9, 9, 9])
            self.assertEqual(envs.get_attr("simulator_pid"), pids)
        finally:
            envs.close()

    def test_vector_env_first_observations_match_single_envs(self) -> None:
        envs = gymnasium.vector.AsyncVectorEnv([make_env] * 2)
        try:
            obs, _ = envs.reset(seed=[11, 12])
        finally:
            envs.close()
        for row, seed in zip(obs, [11, 12]):
            env = make_env()
            try:
                single, _ = env.reset(seed=seed)
            finally:
                env.close()
            np.testing.assert_array_equal(row, single)


if __name__ == "__main__":
    unittest.main()
