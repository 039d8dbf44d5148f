"""Shared test helpers: a private temp directory per test, unique prefixes, peers."""

from __future__ import annotations

import itertools
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from typing import List, Optional

import pusm

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEER_SCRIPT = os.path.join(PYTHON_DIR, "tests", "peer.py")
DIR_NAME = "python_unity_shared_memory"

_counter = itertools.count()


class TempDirTestCase(unittest.TestCase):
    """Every test gets its own TMPDIR (so its shared directory is private) and
    unique prefixes; everything is restored and removed afterwards."""

    def setUp(self) -> None:
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="pusm-test-")
        old_tempdir = tempfile.tempdir
        old_env = os.environ.get("TMPDIR")
        tempfile.tempdir = self.tmp
        os.environ["TMPDIR"] = self.tmp
        self._objects: List[pusm.SharedMemory] = []
        self._peers: List[Peer] = []

        def restore() -> None:
            for peer in self._peers:
                peer.cleanup()
            for sm in self._objects:
                sm.close()
            tempfile.tempdir = old_tempdir
            if old_env is None:
                os.environ.pop("TMPDIR", None)
            else:
                os.environ["TMPDIR"] = old_env
            shutil.rmtree(self.tmp, ignore_errors=True)

        self.addCleanup(restore)

    # -- names

    @property
    def dir(self) -> str:
        return os.path.join(self.tmp, DIR_NAME)

    def new_prefix(self, stem: str = "t") -> str:
        return "%s-%d-%d" % (stem, os.getpid(), next(_counter))

    def path(self, name: str) -> str:
        return os.path.join(self.dir, name)

    def read_file(self, name: str) -> bytes:
        with open(self.path(name), "rb") as f:
            return f.read()

    def listing(self) -> List[str]:
        try:
            return sorted(os.listdir(self.dir))
        except FileNotFoundError:
            return []

    # -- objects and peers

    def track(self, sm: pusm.SharedMemory) -> pusm.SharedMemory:
        """Close ``sm`` at cleanup (a failing test must not leave it open)."""
        self._objects.append(sm)
        return sm

    def create(self, prefix: str, capacity: int = 64, **kwargs: object) -> pusm.SharedMemory:
        return self.track(pusm.SharedMemory(prefix, capacity, True, **kwargs))  # type: ignore[arg-type]

    def pair(self, prefix: str, capacity: int = 64):  # type: ignore[no-untyped-def]
        """A python-role creator and a unity-role joiner in this process; the
        creator holds control when this returns."""
        a = self.create(prefix, capacity, timeout=10)
        a.give_control(wait=False)
        b = self.track(pusm.SharedMemory(prefix, 0, False, 10, role=pusm.ROLE_UNITY))
        b.give_control(wait=False)
        a.wait_unblocked()
        return a, b

    def spawn(self, *args: object) -> "Peer":
        """Run ``tests/peer.py args...`` with our TMPDIR."""
        peer = Peer(self.tmp, [str(a) for a in args])
        self._peers.append(peer)
        return peer

    def expect_line(self, peer: "Peer", startswith: str, timeout: float = 30) -> str:
        """The peer's next stdout line, checked to start with ``startswith``."""
        line = peer.next_line(timeout)
        if line is None or not line.startswith(startswith):
            self.fail("peer said %r, expected %r...\n%s" % (line, startswith, peer.report()))
        return line

    def finish(self, peer: "Peer", timeout: float = 30) -> List[str]:
        """Wait for the peer to exit with status 0; return its remaining stdout lines."""
        try:
            peer.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            peer.proc.kill()
            peer.proc.wait()
            self.fail("peer did not exit within %s s\n%s" % (timeout, peer.report()))
        peer.reader.join(10)
        self.assertEqual(peer.proc.returncode, 0, "peer failed\n" + peer.report())
        return peer.remaining_lines()


class Peer:
    """A ``tests/peer.py`` subprocess; its stdout lines are collected by a thread."""

    def __init__(self, tmp: str, args: List[str]) -> None:
        env = dict(os.environ)
        env["TMPDIR"] = tmp
        env["PYTHONPATH"] = PYTHON_DIR + os.pathsep + env.get("PYTHONPATH", "")
        self.args = args
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [sys.executable, PEER_SCRIPT] + args,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            universal_newlines=True,
        )
        self.lines: "queue.Queue[Optional[str]]" = queue.Queue()
        self.seen: List[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self, timeout: float) -> Optional[str]:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return None
        if line is not None:
            self.seen.append(line)
        return line

    def remaining_lines(self) -> List[str]:
        out = []
        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                self.seen.append(line)
                out.append(line)
        return out

    def report(self) -> str:
        self.stderr.seek(0)
        return "peer %s (exit %s)\nstdout so far: %s\nstderr:\n%s" % (
            self.args,
            self.proc.poll(),
            self.seen,
            self.stderr.read(),
        )

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def cleanup(self) -> None:
        self.kill()
        self.reader.join(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.stderr.close()


def wait_for(condition, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def hook_bytes(
    version: int, number: int, capacity: int, python: int, unity: int, closed: int
) -> bytes:
    import struct

    return struct.pack("<iii", version, number, capacity) + bytes([python, unity, closed])


def write_raw(directory: str, name: str, content: bytes, mode: Optional[int] = None) -> str:
    os.makedirs(directory, mode=0o700, exist_ok=True)
    path = os.path.join(directory, name)
    with open(path, "wb") as f:
        f.write(content)
    if mode is not None:
        os.chmod(path, mode)
    return path
