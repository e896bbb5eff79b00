"""One guided session, from the safety checklist to the summary.

Start → safety checklist (required, every time) → optional pain rating → player →
summary. The routine's lines are rendered while the user reads the checklist; the
history row is written when the player starts and updated at every finished step, so
a crash loses nothing. Dialogs are opened non-modally (``open()``), never with a
nested event loop, so the session timer keeps running and tests can drive it.

Signals:
    playerStarted(): the checklist was passed and the player is running.
    ended(str): "completed", "stopped", "blocked" (a red flag) or "cancelled".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from massage_timer import APP_DISPLAY_NAME
from massage_timer.core.model.cues import CueOptions, CueSink, lines_for_routine, route_event
from massage_timer.core.model.engine import (
    Event,
    Paused,
    SessionEngine,
    SessionFinished,
    SessionStopped,
    State,
    StepDone,
    StepStarted,
)
from massage_timer.core.model.settings import Settings
from massage_timer.core.model.speech_timing import ClipSeconds, SpeechTiming, timing_for
from massage_timer.core.storage.history.store import HistoryStore, SessionStart
from massage_timer.core.storage.loader import LoadedRoutine
from massage_timer.ui.session.adapter import SessionAdapter
from massage_timer.ui.session.checklist_dialog import SafetyChecklistDialog
from massage_timer.ui.session.pain_dialog import PainRatingDialog
from massage_timer.ui.session.player_view import PlayerView
from massage_timer.ui.session.summary_dialog import SessionSummaryDialog

log = logging.getLogger(__name__)


class PlayerWindow(QWidget):
    """A top-level window around the player; closing it stops the session."""

    closed = Signal()

    def __init__(self, player: PlayerView, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("playerWindow")
        self.setWindowTitle(f"{title} — {APP_DISPLAY_NAME}")
        self.setAccessibleName("Session")
        self.player = player
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addWidget(player)
        self.resize(1100, 720)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)


class SessionFlow(QObject):
    playerStarted = Signal()
    ended = Signal(str)

    def __init__(
        self,
        loaded: LoadedRoutine,
        settings: Settings,
        history: HistoryStore,
        cues: CueSink,
        *,
        prepare_lines: Callable[[list[str]], None] | None = None,
        audio_problem: Callable[[], str | None] | None = None,
        clip_seconds: ClipSeconds | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        parent_window: QWidget | None = None,
    ) -> None:
        super().__init__(parent_window)
        self.loaded = loaded
        self.routine = loaded.routine
        self.settings = settings
        self.history = history
        self.cues = cues
        self._prepare_lines = prepare_lines
        self._audio_problem = audio_problem
        self._clip_seconds = clip_seconds
        self._clock = clock
        self._wall = wall_clock
        self._parent = parent_window
        self._options = CueOptions.from_settings(settings)
        self.checklist: SafetyChecklistDialog | None = None
        self.pain_dialog: PainRatingDialog | None = None
        self.summary: SessionSummaryDialog | None = None
        self.window: PlayerWindow | None = None
        self.engine: SessionEngine | None = None
        self.adapter: SessionAdapter | None = None
        self.session_id: int | None = None
        self.outcome: str | None = None
        self._checklist_version: str | None = None
        self._confirmed_at: datetime | None = None

    # Stage 1: checklist (speech renders meanwhile)

    def begin(self) -> None:
        if self._prepare_lines is not None:
            self._prepare_lines(lines_for_routine(self.routine, self._options))
        dialog = SafetyChecklistDialog(parent=self._parent)
        dialog.setWindowTitle(f"Before you start: {self.routine.title}")
        dialog.finished.connect(self._on_checklist_finished)
        self.checklist = dialog
        dialog.open()

    def _on_checklist_finished(self, result: int) -> None:
        dialog = self.checklist
        assert dialog is not None
        blocked = dialog.blocked_items
        if result != QDialog.DialogCode.Accepted.value or blocked or dialog.confirmed_at is None:
            self._end("blocked" if blocked else "cancelled")
            return
        self._checklist_version = str(dialog.checklist_version)
        self._confirmed_at = dialog.confirmed_at
        pain = PainRatingDialog("before", parent=self._parent)
        pain.finished.connect(self._on_pain_before_finished)
        self.pain_dialog = pain
        pain.open()

    # Stage 2: player

    def _on_pain_before_finished(self, _result: int) -> None:
        pain = self.pain_dialog
        self.start_player(pain.value if pain is not None else None)

    def start_player(self, pain_before: int | None) -> None:
        routine = self.routine
        engine = SessionEngine(
            routine,
            self._clock,
            include_optional=self.settings.include_optional_steps,
            timing=self.speech_timing(),
        )
        self.engine = engine
        self.session_id = self.history.start_session(
            SessionStart(
                routine_id=routine.id,
                routine_title=routine.title,
                routine_version=routine.version,
                content_hash=self.loaded.content_hash,
                planned_seconds=engine.planned_seconds,
                steps_total=len(engine.steps),
                checklist_version=self._checklist_version,
                checklist_confirmed_at=self._confirmed_at,
                pain_before=pain_before,
                started_at=self._wall(),
            )
        )
        player = PlayerView(routine.title, len(engine.steps))
        window = PlayerWindow(player, routine.title, self._parent)
        self.window = window
        adapter = SessionAdapter(engine, self._clock, self)
        self.adapter = adapter
        player.pauseToggled.connect(adapter.toggle_pause)
        player.skipRequested.connect(adapter.skip)
        player.backRequested.connect(adapter.back)
        player.stopRequested.connect(self.stop)
        window.closed.connect(self.stop)
        adapter.eventOccurred.connect(self._on_engine_event)
        adapter.stateChanged.connect(self._on_state_changed)
        player.set_notice(self._notice())
        window.show()
        window.raise_()
        window.activateWindow()
        player.setFocus()
        adapter.start()
        self.playerStarted.emit()

    def speech_timing(self) -> SpeechTiming:
        """Get-ready times from the clips rendered during the checklist, else estimated
        at the user's voice rate; built as the player starts, when most clips are ready.
        Without a synthesizer (no ``clip_seconds``) nothing is said: the file's times."""
        s = self.settings
        voiced = s.voice_enabled and self._clip_seconds is not None
        return timing_for(voiced, s.voice_rate, self._clip_seconds)

    def stop(self) -> None:
        """Stop at once: silence first, then end the engine and record it."""
        self.cues.stop()
        engine = self.engine
        live = (State.RUNNING, State.PAUSED, State.READY)
        if self.adapter is not None and engine is not None and engine.state in live:
            self.adapter.stop()

    def refresh_notice(self) -> None:
        """Show what is missing for sound now (it can change mid-session)."""
        if self.window is not None:
            self.window.player.set_notice(self._notice())

    def _notice(self) -> str | None:
        return self._audio_problem() if self._audio_problem is not None else None

    def _on_engine_event(self, event: Event) -> None:
        """Sound first, then the display, then the record (a write takes ~0.2 ms)."""
        route_event(event, self._options, self.cues)
        engine = self.engine
        window = self.window
        assert engine is not None and window is not None
        if isinstance(event, Paused):
            self.cues.pause()
        window.player.show_status(engine.status())
        if isinstance(event, StepStarted):
            self.refresh_notice()
        if isinstance(event, StepDone) and self.session_id is not None:
            self.history.step_completed(
                self.session_id,
                event.steps_completed,
                event.step_index + 1,
                engine.active_seconds,
            )
        if isinstance(event, SessionFinished | SessionStopped):
            self._record_end(event)

    def _on_state_changed(self, _state: str) -> None:
        if self.engine is not None and self.window is not None:
            self.window.player.show_status(self.engine.status())

    def _record_end(self, event: SessionFinished | SessionStopped) -> None:
        if self.outcome is not None:
            return
        outcome: Literal["completed", "stopped"] = (
            "completed" if isinstance(event, SessionFinished) else "stopped"
        )
        self.outcome = outcome
        if self.session_id is not None:
            self.history.finish_session(
                self.session_id,
                outcome,
                self._wall(),
                event.active_seconds,
                event.steps_completed,
            )
        summary = SessionSummaryDialog(
            self.routine.title,
            event.active_seconds,
            event.steps_completed,
            event.steps_total,
            outcome,
            parent=self._parent,
        )
        summary.finished.connect(self._on_summary_finished)
        self.summary = summary
        if self.window is not None:
            self.window.closed.disconnect(self.stop)
            self.window.close()
        summary.open()

    # Stage 3: summary

    def _on_summary_finished(self, _result: int) -> None:
        summary = self.summary
        assert summary is not None
        pain_after = summary.pain_after
        note = summary.note or None
        if self.session_id is not None and (pain_after is not None or note):
            self.history.set_pain_after(self.session_id, pain_after, note)
        self._end(self.outcome or "stopped")

    def _end(self, outcome: str) -> None:
        log.info("session flow for %s ended: %s", self.routine.id, outcome)
        self.ended.emit(outcome)
