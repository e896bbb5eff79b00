"""A real PulseAudio server with a null sink, for tests that must hear real playback.

Started and stopped by the test itself (by its own PID), in a private runtime folder,
so nothing is left running and no real sound device is needed. ``NullSinkServer`` can
also kill the server mid-test (as a crash would) and start it again in the same
runtime folder, where clients already running look for it.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


class NullSinkServer:
    """One PulseAudio daemon with a null sink, in a private runtime folder."""

    def __init__(self) -> None:
        self.runtime = Path(tempfile.mkdtemp(prefix="mt-pulse-"))
        self.runtime.chmod(0o700)
        self.env = {**os.environ, "XDG_RUNTIME_DIR": str(self.runtime),
                    "PULSE_RUNTIME_PATH": str(self.runtime)}

    def start(self) -> None:
        """Start the daemon; returns once it accepts clients (``-D`` waits for that)."""
        subprocess.run(
            ["pulseaudio", "-D", "-n", "--exit-idle-time=-1", "--use-pid-file=yes",
             "--load=module-null-sink sink_name=null", "--load=module-native-protocol-unix"],
            env=self.env, check=True, capture_output=True, timeout=20)

    def pid(self) -> int | None:
        pid_file = self.runtime / "pid"
        try:
            return int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def kill(self, sig: int = signal.SIGKILL, timeout: float = 10,
             pid: int | None = None) -> None:
        """Send ``sig`` to the daemon and wait until it is gone (not our child: pidfd)."""
        pid = pid if pid is not None else self.pid()
        if pid is None:
            return
        try:
            pidfd = os.pidfd_open(pid)
        except ProcessLookupError:
            return
        try:
            os.kill(pid, sig)
            poller = select.poll()
            poller.register(pidfd, select.POLLIN)
            if not poller.poll(int(timeout * 1000)):
                raise TimeoutError(f"pulseaudio {pid} still runs {timeout:g} s after {sig}")
        finally:
            os.close(pidfd)
        # Until its zombie is reaped, a new daemon would take the dead one's pid file
        # for a running daemon and refuse to start.
        (self.runtime / "pid").unlink(missing_ok=True)

    def restart(self) -> None:
        self.kill(signal.SIGKILL)
        self.start()

    def close(self) -> None:
        pid = self.pid()
        subprocess.run(["pulseaudio", "--kill"], check=False, env=self.env,
                       capture_output=True, timeout=10)
        with contextlib.suppress(TimeoutError):
            self.kill(signal.SIGTERM, timeout=5, pid=pid)
        with contextlib.suppress(TimeoutError):
            self.kill(signal.SIGKILL, timeout=5, pid=pid)
        shutil.rmtree(self.runtime, ignore_errors=True)


@contextlib.contextmanager
def null_sink_control() -> Iterator[NullSinkServer]:
    """A started server that the test may kill and restart; always stopped at the end."""
    server = NullSinkServer()
    try:
        server.start()
        yield server
    finally:
        server.close()


@contextlib.contextmanager
def null_sink_server() -> Iterator[dict[str, str]]:
    """A started server; yields the environment that points clients at it."""
    with null_sink_control() as server:
        yield server.env
