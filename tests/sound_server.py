"""A real PulseAudio server with a null sink, for tests that must hear real playback.

Started and stopped by the test itself (by its own PID), in a private runtime folder,
so nothing is left running and no real sound device is needed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def null_sink_server() -> Iterator[dict[str, str]]:
    runtime = Path(tempfile.mkdtemp(prefix="mt-pulse-"))
    runtime.chmod(0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "PULSE_RUNTIME_PATH": str(runtime)}
    subprocess.run(
        ["pulseaudio", "-D", "-n", "--exit-idle-time=-1", "--use-pid-file=yes",
         "--load=module-null-sink sink_name=null", "--load=module-native-protocol-unix"],
        env=env, check=True, capture_output=True, timeout=20)
    pid_file = runtime / "pid"
    try:
        yield env
    finally:
        pid = int(pid_file.read_text().split()[0]) if pid_file.exists() else None
        subprocess.run(["pulseaudio", "--kill"], check=False, env=env, capture_output=True,
                       timeout=10)
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        shutil.rmtree(runtime, ignore_errors=True)
