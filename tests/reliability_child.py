"""Child program for the crash-safety test: one real session, meant to be SIGKILLed.

Runs the real ``SessionFlow`` (engine, Qt adapter and timer, player window offscreen)
against the real monotonic clock and a real ``HistoryStore`` on disk, with a silent
cue sink. It prints one line per milestone, flushed, *after* the flow has written it
to the history (the flow's handler is connected first), so the parent knows a lower
bound of what the file must hold when the kill lands:

    SESSION <id>     the history row exists
    STEP <n>         n steps are recorded as completed
    DONE             the session is recorded as completed

Usage: python tests/reliability_child.py HISTORY_FILE STEPS STEP_SECONDS

It also holds the failing synthesizers of the voice-failure tests, because the speech
worker process (``massage_timer.audio.speech_worker``) must import them by module name.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import msgspec
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from massage_timer.core.model.cues import Cue
from massage_timer.core.model.engine import Event, SessionFinished, StepDone
from massage_timer.core.model.routine import Routine, validate_routine
from massage_timer.core.model.settings import Settings
from massage_timer.core.storage.history.store import HistoryStore
from massage_timer.core.storage.loader import LoadedRoutine, Origin
from massage_timer.ui.session.flow import SessionFlow


class SilentCues:
    """The session must be recorded whether or not sound works; sound is not tested here."""

    def prepare(self, lines: Sequence[str]) -> None:
        pass

    def play(self, cue: Cue) -> None:
        pass

    def silence(self) -> None:
        pass

    def problem(self) -> str | None:
        return None


def routine(steps: int, seconds: float) -> Routine:
    """Holds of ``seconds`` each; the format's 1 s minimum is lifted after validation
    (``msgspec.structs.replace``) so that 20 killed sessions fit in a short test."""
    valid = validate_routine({
        "id": "crash-test", "title": "Crash test", "summary": "Short holds.",
        "version": "1.0", "position": "seated", "sources": ["001_1e45ebe971a9ae8f.txt"],
        "steps": [
            {"kind": "hold", "title": f"Hold {i + 1}", "instruction": "Hold.", "cue": "Hold",
             "seconds": 1, "prepare": 0}
            for i in range(steps)
        ],
    })
    short = tuple(msgspec.structs.replace(step, seconds=seconds) for step in valid.steps)
    return msgspec.structs.replace(valid, steps=short)


# Synthesizers that fail, for the voice-failure tests. They run in the speech worker
# process (massage_timer.audio.speech_worker), which imports them from this module by name.


class _FailingRenderer:
    engine_id = "failing-test-engine"

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def voices(self) -> list[object]:
        return []

    def configure(self, voice: str | None, rate: int | None, volume: float) -> None:
        pass

    def render(self, text: str, path: Path) -> None:
        if self.mode == "raise":
            raise RuntimeError("the synthesizer broke")
        if self.mode == "hang":
            import threading

            threading.Event().wait()  # never returns: SpeechSynth's line timeout kills it
        if self.mode == "empty":
            import wave

            with wave.open(str(path), "wb") as clip:
                clip.setnchannels(1)
                clip.setsampwidth(2)
                clip.setframerate(22050)


def raising_at_start() -> _FailingRenderer:
    raise RuntimeError("eSpeak-ng is not installed")


def raising_renderer() -> _FailingRenderer:
    return _FailingRenderer("raise")


def hanging_renderer() -> _FailingRenderer:
    return _FailingRenderer("hang")


def empty_renderer() -> _FailingRenderer:
    return _FailingRenderer("empty")


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    history_file, steps, seconds = Path(argv[0]), int(argv[1]), float(argv[2])
    app = QApplication([sys.argv[0]])
    store, _notices = HistoryStore.open(history_file)
    loaded = LoadedRoutine(routine(steps, seconds), history_file, Origin.USER, "0" * 16)
    flow = SessionFlow(loaded, Settings(), store, SilentCues())
    flow.start_player(None)
    assert flow.adapter is not None and flow.session_id is not None
    say(f"SESSION {flow.session_id}")

    def on_event(event: Event) -> None:
        if isinstance(event, StepDone):
            say(f"STEP {event.steps_completed}")
        elif isinstance(event, SessionFinished):
            say("DONE")
            QTimer.singleShot(0, app.quit)

    flow.adapter.eventOccurred.connect(on_event)
    app.exec()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
