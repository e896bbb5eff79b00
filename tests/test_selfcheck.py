"""``--self-check``: which problems stop the app (exit 1) and which only warn."""

from __future__ import annotations

import argparse
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from massage_timer.commands import selfcheck
from massage_timer.core.storage.paths import AppPaths

pytestmark = pytest.mark.qt_log_ignore("PulseAudioService.*")


class _MuteSynth:
    """Stands in for SpeechSynth on a machine without a speech engine."""

    def __init__(self, cache_dir: Path, **_: Any) -> None:
        self.unavailable_reason = "Voice guidance needs the espeak-ng speech engine"
        self.last_error = None

    def wait_started(self, timeout: float) -> bool:
        return True

    def voices(self) -> list[Any]:
        return []

    def available(self) -> bool:
        return False

    def close(self, timeout: float = 2.0) -> None:
        pass


def _run(paths: AppPaths, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, str]]:
    code = selfcheck.run(argparse.Namespace(), paths)
    out = capsys.readouterr().out
    statuses = {}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] in ("ok", "warn", "FAIL"):
            name = line[8:].split("  ")[0].strip()
            statuses[name] = parts[0]
    return code, statuses


@pytest.fixture
def mute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("massage_timer.audio.speech.SpeechSynth", _MuteSynth)


def test_passes_here_and_reports_every_check(
    qapp: Any, app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code = selfcheck.run(argparse.Namespace(), app_paths)
    out = capsys.readouterr().out
    assert code == 0, out
    for fact in ("Python", "Qt", "PySide6", "pyttsx3", "voice engine", "config folder",
                 "data folder", "cache folder"):
        assert f"  {fact} " in out
    assert str(app_paths.data_dir) in out
    lines = [line for line in out.splitlines() if line.split()[:1] in (["ok"], ["warn"])]
    names = ["routines", "diagrams", "main window", "history", "voice", "audio output", "tray"]
    width = max(map(len, names))
    assert [line[8:8 + width].strip() for line in lines] == names
    assert all(line[8 + width:10 + width] == "  " != line[9 + width:11 + width] for line in lines)
    for needed in ("routines", "diagrams", "main window", "history"):
        assert any(line.startswith("  ok") and needed in line for line in lines), out
    assert "Result: the app can run here" in out


@pytest.mark.usefixtures("qapp", "mute")
def test_missing_voice_is_a_warning_not_a_failure(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, statuses = _run(app_paths, capsys)
    assert code == 0
    assert statuses["voice"] == "warn"
    assert statuses["routines"] == statuses["main window"] == "ok"


@pytest.mark.usefixtures("qapp", "mute")
def test_no_builtin_routines_fails(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    monkeypatch.setattr("massage_timer.core.storage.loader.builtin_routines_dir", lambda: tmp_path)
    code, statuses = _run(app_paths, capsys)
    assert code == 1
    assert statuses["routines"] == "FAIL"


@pytest.mark.usefixtures("qapp", "mute")
def test_broken_history_fails(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: Any, **__: Any) -> Any:
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr("massage_timer.core.storage.history.store.HistoryStore.open", refuse)
    code, statuses = _run(app_paths, capsys)
    assert code == 1
    assert statuses["history"] == "FAIL"
    assert statuses["voice"] == "warn"


def test_goes_offscreen_without_a_display(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    selfcheck._ensure_display()
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"
