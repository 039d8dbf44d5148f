"""``python -m pusm.codegen``: runs the ``pusm-codegen`` binary that the wheel installed.

The wheel ships the Rust crate's own generator as a script (``pusm-codegen`` in the
environment's scripts directory, as ruff ships its binary). This module finds it and
runs it with the same arguments; its exit code is this process's::

    python -m pusm.codegen --python generated/ schemas/robot.pusm

:func:`find_codegen_bin` gives its path, for example to call it with ``subprocess``.
"""

import os
import sys
import sysconfig
from typing import List, Optional, Sequence

__all__ = ["find_codegen_bin", "main"]

NAME = "pusm-codegen"


def _candidate_dirs() -> List[str]:
    """Where an installer puts scripts: this environment's, then the user scheme's."""
    dirs: List[str] = []
    scripts = sysconfig.get_path("scripts")
    if scripts:
        dirs.append(scripts)
    if sys.version_info >= (3, 10):
        user_scheme = sysconfig.get_preferred_scheme("user")
    elif os.name == "nt":
        user_scheme = "nt_user"
    else:
        user_scheme = "posix_user"
    try:
        user_scripts = sysconfig.get_path("scripts", scheme=user_scheme)
    except KeyError:  # a scheme this interpreter does not know
        user_scripts = ""
    if user_scripts and user_scripts not in dirs:
        dirs.append(user_scripts)
    # `pip install --target DIR`: the package is DIR/pusm, the scripts DIR/bin.
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    dirs.append(os.path.join(package_root, "bin"))
    return dirs


def find_codegen_bin() -> str:
    """The path of the installed ``pusm-codegen`` binary.

    Raises ``FileNotFoundError`` naming the directories searched when there is none
    (for example when ``pusm`` is imported from a source tree instead of a wheel).
    """
    exe = NAME + (sysconfig.get_config_var("EXE") or "")
    searched = _candidate_dirs()
    for directory in searched:
        path = os.path.join(directory, exe)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise FileNotFoundError(
        "%s not found in %s; install the pusm wheel (pip install pusm, or pip install "
        "./python from a checkout) or build it with cargo (cargo install --path "
        "pusm-codegen)" % (exe, ", ".join(searched))
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the generator with ``argv`` (default: this process's arguments).

    On POSIX the binary replaces this process, so signals and the exit code are its
    own; elsewhere it runs as a child and its exit code is returned.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        binary = find_codegen_bin()
    except FileNotFoundError as error:
        print("pusm.codegen: error: %s" % error, file=sys.stderr)
        return 1
    try:
        if os.name == "posix":
            sys.stdout.flush()
            sys.stderr.flush()
            os.execv(binary, [binary] + args)
        import subprocess

        return subprocess.call([binary] + args)
    except OSError as error:  # not executable, wrong architecture, ...
        print("pusm.codegen: error: cannot run %s: %s" % (binary, error), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
