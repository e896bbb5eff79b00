"""The cycle collector is paused while the app starts, and only then.

The command's entry point pauses it before its first import; the app resumes it once its
start-up is done, a subcommand before its own work. A pause it did not make (a host
running without the collector) is left alone.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from massage_timer import collector
from massage_timer.cli import main
from massage_timer.ui.app import STARTUP_MARK_ENV

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def collector_on() -> Iterator[None]:
    """The collector on, as it is under pytest, and put back as it was afterwards."""
    was_on = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        collector.resume()
        if was_on:
            gc.enable()
        else:
            gc.disable()


def test_pause_turns_the_collector_off_until_resume(collector_on: None) -> None:
    collector.pause()
    assert not gc.isenabled()
    collector.resume()
    assert gc.isenabled()
    gc.disable()
    collector.resume()  # the pause was resumed already: a second resume changes nothing
    assert not gc.isenabled()
    gc.enable()


def test_resume_without_a_pause_leaves_a_host_without_the_collector_alone(
    collector_on: None,
) -> None:
    gc.disable()  # as a host that runs without the collector would
    collector.resume()
    assert not gc.isenabled()
    collector.pause()  # nothing to pause: the host's choice stays the host's
    collector.resume()
    assert not gc.isenabled()


def test_a_subcommand_does_its_work_with_the_collector_on(
    collector_on: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from massage_timer.commands import routines

    seen: list[bool] = []
    real_run = routines.run

    def run(*args: object) -> int:
        seen.append(gc.isenabled())
        return real_run(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(routines, "run", run)
    collector.pause()
    assert main(["--data-dir", str(tmp_path), "routines"]) == 0
    assert seen == [True]
    assert "desk" in capsys.readouterr().out.lower()


CHILD = """
import atexit, gc, sys, time

collections = []
gc.callbacks.append(lambda phase, info: phase == "start" and collections.append(time.monotonic()))
atexit.register(lambda: print("EXIT_GC", gc.isenabled(), flush=True))
from massage_timer.__main__ import main

print("BEGUN", repr(time.monotonic()), flush=True)
code = main()
print("COLLECTIONS", " ".join(map(repr, collections)), flush=True)
sys.exit(code)
"""


def test_the_command_starts_without_the_collector_and_resumes_it(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{STARTUP_MARK_ENV: "exit"})
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, "--data-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=REPO, env=env, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines() if " " in line)
    begun = float(lines["BEGUN"])
    shown = next(float(line.rsplit(" ", 1)[1]) for line in proc.stderr.splitlines()
                 if line.startswith("massage-timer: shown "))
    collections = [float(t) for t in lines["COLLECTIONS"].split()]
    assert not [t for t in collections if begun < t < shown], "no collection before the paint"
    assert [t for t in collections if t > shown], "the collector ran again after the start-up"
    assert lines["EXIT_GC"] == "True"
