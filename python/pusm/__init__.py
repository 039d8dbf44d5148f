"""pusm: shared memory between Python and Unity (or Rust), wire protocol v1.

A drop-in successor of the ``python_unity_shared_memory`` package: same class, same
methods, same files, plus bounds checks, UTF-8 strings, a CPU-friendly wait and
peer-death detection. See README.md.

Submodules imported on demand: ``pusm.codegen`` runs the ``pusm-codegen`` generator the
wheel installs (``python -m pusm.codegen``); ``pusm.gym`` turns a conversation into a
``gymnasium.Env`` (needs the ``gym`` extra).
"""

from ._memory import ROLE_PYTHON, ROLE_UNITY, SharedMemory, delete_files
from ._wait import WAIT_ADAPTIVE, WAIT_SPIN
from .errors import (
    AlreadyExistsError,
    ClosedError,
    CorruptDataError,
    CorruptHookError,
    InvalidArgumentError,
    InvalidLengthError,
    InvalidPrefixError,
    InvalidResizeError,
    InvalidTypeError,
    InvalidUtf8Error,
    NotFoundError,
    OutOfBoundsError,
    PeerClosedError,
    PeerDiedError,
    PusmError,
    PusmTimeoutError,
    RoleTakenError,
    SchemaMismatchError,
    DecodeError,
    UnsafeFileError,
    ValueOutOfRangeError,
    VersionMismatchError,
)

# The Rust workspace's version (root Cargo.toml), as the wheel's and the Unity package's.
__version__ = "0.1.0"

__all__ = [
    "SharedMemory",
    "delete_files",
    "ROLE_PYTHON",
    "ROLE_UNITY",
    "WAIT_ADAPTIVE",
    "WAIT_SPIN",
    "PusmError",
    "InvalidArgumentError",
    "InvalidTypeError",
    "ValueOutOfRangeError",
    "InvalidPrefixError",
    "AlreadyExistsError",
    "NotFoundError",
    "VersionMismatchError",
    "CorruptHookError",
    "CorruptDataError",
    "OutOfBoundsError",
    "InvalidLengthError",
    "InvalidUtf8Error",
    "PusmTimeoutError",
    "PeerClosedError",
    "PeerDiedError",
    "RoleTakenError",
    "InvalidResizeError",
    "UnsafeFileError",
    "SchemaMismatchError",
    "DecodeError",
    "ClosedError",
    "__version__",
]
