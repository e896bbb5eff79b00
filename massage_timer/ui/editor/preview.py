"""Trying a step before saving: one step played in a small player, not recorded.

The preview is a real :class:`~massage_timer.core.model.session.Session` of a routine
of that one step, with its countdown and cues, through the app's sound; its log keeps
nothing, so a try is never history. A real session of the routine still starts with
the safety checklist.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from massage_timer.core.model.cues import CueOptions, CueOutput
from massage_timer.core.model.engine import Event, SessionFinished, SessionStopped
from massage_timer.core.model.language import _
from massage_timer.core.model.routine import Position, Routine, Step
from massage_timer.core.model.session import Outcome, Session, SessionStart
from massage_timer.core.model.speech_timing import AS_WRITTEN, SpeechTiming
from massage_timer.core.model.text import single_line
from massage_timer.ui.session.adapter import SessionAdapter
from massage_timer.ui.session.player_view import PlayerView


class NoLog:
    """A :class:`~massage_timer.core.model.session.SessionLog` that keeps nothing."""

    def start_session(self, start: SessionStart) -> int:
        return 0

    def step_completed(
        self, session_id: int, steps_completed: int, current_step: int, active_seconds: float
    ) -> None: ...

    def finish_session(  # noqa: PLR0917 (mirrors the SessionLog Protocol)
        self,
        session_id: int,
        outcome: Outcome,
        ended_at: datetime,
        active_seconds: float,
        steps_completed: int,
        pain_after: int | None = None,
        note: str | None = None,
    ) -> None: ...

    def set_pain_after(self, session_id: int, pain_after: int | None, note: str | None) -> None:
        ...


def one_step_routine(step: Step) -> Routine:
    return Routine(id="preview", title=step.title, summary=_("A preview of one step."),
                   version="1", position=Position.SEATED, sources=("preview",), steps=(step,))


class StepPreview(QDialog):
    """One step played with its countdown and cues; closes when it ends."""

    def __init__(
        self,
        step: Step,
        output: CueOutput,
        *,
        options: CueOptions | None = None,
        timing: SpeechTiming = AS_WRITTEN,
        clock: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("editorPreview")
        self.setWindowTitle(_("Preview: {step}").format(step=single_line(step.title)))
        routine = one_step_routine(step)
        self.session = Session(
            routine, NoLog(), output, options=options or CueOptions(), clock=clock,
            wall_clock=lambda: datetime.now(UTC), timing=timing,
        )
        self.player = PlayerView(routine.title, len(self.session.engine.steps), self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.player)
        self.adapter = SessionAdapter(self.session, clock, self)
        self.player.pauseToggled.connect(self.adapter.toggle_pause)
        self.player.skipRequested.connect(self.adapter.skip)
        self.player.backRequested.connect(self.adapter.back)
        self.player.stopRequested.connect(self.close)
        self.adapter.eventOccurred.connect(self._on_event)
        self.adapter.stateChanged.connect(lambda _s: self.player.show_status(self.session.status()))
        self.resize(520, 420)

    def start(self) -> None:
        self.session.prepare()
        self.show()
        self.adapter.start()

    def _on_event(self, event: Event) -> None:
        self.player.show_status(self.session.status())
        if isinstance(event, SessionFinished | SessionStopped):
            self.done(QDialog.DialogCode.Accepted.value)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.adapter.stop()
        super().closeEvent(event)

    def reject(self) -> None:
        self.adapter.stop()
        super().reject()
