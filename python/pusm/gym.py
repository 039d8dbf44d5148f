"""A pusm conversation as a ``gymnasium.Env`` (install the extra: ``pip install pusm[gym]``).

The simulator (Unity, Rust, or anything speaking pusm) is the peer; this side sends
one message and receives one observation message per turn, both at the same offset:

- ``reset(seed=..., options=...)`` writes the message ``reset_message(np_random,
  options)`` builds (for example an Action whose command means "new episode"),
  gives control, and reads the episode's first observation message;
- ``step(action)`` writes ``encode_action(action)``, gives control, and reads the
  next observation message.

The spaces are yours, and so is the meaning of a message: ``decode_observation``
turns an observation message into an element of ``observation_space``, and
``reward``, ``terminated``, ``truncated`` and ``info`` read the rest from it. The
memory is opened by ``connect`` on the first ``reset`` (so an env built in a
``gymnasium.vector.AsyncVectorEnv`` worker opens it in that worker) and closed by
``close()``. ``connect`` must return a memory on which this side holds control and
the simulator waits for a message (a joined ``pusm.SharedMemory``, typically, after
the simulator's first give_control)::

    env = PusmEnv(
        connect=lambda: SharedMemory("sim-1", 0, False, 30),
        observation_message=robot.Observation,
        observation_space=Box(-100.0, 100.0, (3,), np.float32),
        action_space=Box(-1.0, 1.0, (3,), np.float32),
        decode_observation=lambda m: np.array(
            [m.position.x, m.position.y, m.position.z], np.float32
        ),
        encode_action=lambda a: robot.Action(
            command=robot.Command.MOVE, force=common.Vec3(*map(float, a))
        ),
        reset_message=lambda rng, options: robot.Action(command=robot.Command.RESET),
        reward=lambda m: m.reward,
        terminated=lambda m: m.done,
    )

Subclass it to own more than the memory (a simulator process: extend ``close``). See
python/README.md, and examples/gym/robot_env.py for the robot demo as an env.
"""

from typing import Any, Callable, Dict, Generic, Optional, Protocol, SupportsFloat, Tuple, TypeVar

import gymnasium
import numpy as np
from gymnasium.error import ResetNeeded

__all__ = ["PusmEnv", "Memory", "OutgoingMessage", "ObservationMessage"]

MsgT = TypeVar("MsgT")
MsgT_co = TypeVar("MsgT_co", covariant=True)
ObsT = TypeVar("ObsT")
ActT = TypeVar("ActT")


class Memory(Protocol):
    """What the env needs of a memory: taking turns and closing (pusm.SharedMemory has it)."""

    def give_control(self, wait: bool = True) -> Any:
        """Hands control to the simulator and waits for its answer."""

    def close(self) -> Any:
        """Ends the conversation (the simulator sees the peer close)."""


class OutgoingMessage(Protocol):
    """A message this side writes: a generated message class instance."""

    def write_checked(self, sm: Any, offset: int) -> int:
        """Writes the fingerprint and the message at ``offset``."""


class ObservationMessage(Protocol[MsgT_co]):
    """The generated class of the observation message: it reads one from the memory."""

    def read_checked(self, sm: Any, offset: int) -> Tuple[MsgT_co, int]:
        """Reads the fingerprint and the message at ``offset``."""


def _never(message: Any) -> bool:
    """The default ``truncated``: the simulator never cuts an episode short."""
    return False


def _no_info(message: Any) -> Dict[str, Any]:
    """The default ``info``: nothing."""
    return {}


class PusmEnv(gymnasium.Env[ObsT, ActT], Generic[MsgT, ObsT, ActT]):
    """A ``gymnasium.Env`` whose steps are turns of a pusm conversation (module doc)."""

    metadata: Dict[str, Any] = {"render_modes": []}

    def __init__(
        self,
        connect: Callable[[], Memory],
        observation_message: ObservationMessage[MsgT],
        observation_space: "gymnasium.Space[ObsT]",
        action_space: "gymnasium.Space[ActT]",
        *,
        decode_observation: Callable[[MsgT], ObsT],
        encode_action: Callable[[ActT], OutgoingMessage],
        reset_message: Callable[[np.random.Generator, Optional[Dict[str, Any]]], OutgoingMessage],
        reward: Callable[[MsgT], SupportsFloat],
        terminated: Callable[[MsgT], bool],
        truncated: Callable[[MsgT], bool] = _never,
        info: Callable[[MsgT], Dict[str, Any]] = _no_info,
        offset: int = 0,
    ) -> None:
        self.observation_space = observation_space
        self.action_space = action_space
        self._connect = connect
        self._observation_message = observation_message
        self._decode_observation = decode_observation
        self._encode_action = encode_action
        self._reset_message = reset_message
        self._reward = reward
        self._terminated = terminated
        self._truncated = truncated
        self._info = info
        self._offset = offset
        self._memory: Optional[Memory] = None
        self._in_episode = False

    @property
    def memory(self) -> Optional[Memory]:
        """The open memory, or None before the first reset and after ``close()``."""
        return self._memory

    def reset(
        self, *, seed: Optional[int] = None, options: Optional[Dict[str, Any]] = None
    ) -> Tuple[ObsT, Dict[str, Any]]:
        """Starts an episode: sends ``reset_message``, returns the first observation."""
        super().reset(seed=seed)
        if self._memory is None:
            self._memory = self._connect()
        self._in_episode = False
        message = self._exchange(self._reset_message(self.np_random, options))
        self._in_episode = True
        return self._decode_observation(message), self._info(message)

    def step(self, action: ActT) -> Tuple[ObsT, SupportsFloat, bool, bool, Dict[str, Any]]:
        """Sends ``encode_action(action)``, returns what the next observation says."""
        if not self._in_episode:
            raise ResetNeeded("call reset() before step() (and after an error)")
        self._in_episode = False
        message = self._exchange(self._encode_action(action))
        self._in_episode = True
        return (
            self._decode_observation(message),
            float(self._reward(message)),
            bool(self._terminated(message)),
            bool(self._truncated(message)),
            self._info(message),
        )

    def close(self) -> None:
        """Closes the memory (the simulator sees this side close); idempotent."""
        memory, self._memory = self._memory, None
        self._in_episode = False
        if memory is not None:
            memory.close()
        super().close()

    def _exchange(self, outgoing: OutgoingMessage) -> MsgT:
        """One turn: write ``outgoing``, give control, read the observation message."""
        memory = self._memory
        if memory is None:
            raise ResetNeeded("the environment is closed; call reset() to reconnect")
        outgoing.write_checked(memory, self._offset)
        memory.give_control()
        message, _ = self._observation_message.read_checked(memory, self._offset)
        return message
