"""One guided session's dialogs, from the safety checklist to the summary.

Start → safety checklist (required, every time) → optional pain rating → player →
summary. A reminder's break (:meth:`SessionFlow.begin_break`) asks the short check
instead of the full checklist when one was answered all No earlier that day, and no
pain rating before: Start on the reminder, then "Nothing has changed — start".
This module only sequences the dialogs and shows state: the core
:class:`~massage_timer.core.model.session.Session` plays, sounds and records the
session (its lines render while the user reads the checklist). Dialogs are opened
non-modally (``open()``), never with a nested event loop, so the session timer keeps
running and tests can drive it.

Signals:
    playerStarted(): the checklist was passed and the player is running.
    ended(object): the :class:`Outcome` — COMPLETED, STOPPED, BLOCKED (a red flag)
        or CANCELLED.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import Protocol

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from massage_timer import APP_DISPLAY_NAME
from massage_timer.core.model.cues import CueOptions, CueOutput
from massage_timer.core.model.engine import (
    Event,
    SessionEngine,
    SessionFinished,
    SessionStopped,
    StepStarted,
)
from massage_timer.core.model.language import _
from massage_timer.core.model.session import Outcome, Preamble, Session, SessionLog
from massage_timer.core.model.settings import Settings
from massage_timer.core.model.short_check import (
    ChecklistAnswer,
    ChecklistKind,
    ChecklistLog,
    short_check_since,
)
from massage_timer.core.model.speech_timing import ClipSeconds, SpeechTiming, timing_for
from massage_timer.core.model.text import single_line
from massage_timer.core.storage.catalogs import spoken_words
from massage_timer.core.storage.checklist_file import load_checklist
from massage_timer.core.storage.loader import LoadedRoutine
from massage_timer.ui.desktop.allocator import give_back_free_pages
from massage_timer.ui.desktop.language import Retranslating
from massage_timer.ui.screen_fit import fit_window
from massage_timer.ui.session.adapter import SessionAdapter
from massage_timer.ui.session.checklist_dialog import SafetyChecklistDialog
from massage_timer.ui.session.pain_dialog import PainRatingDialog
from massage_timer.ui.session.player_view import PlayerView
from massage_timer.ui.session.short_check import CHANGED, ShortCheckDialog
from massage_timer.ui.session.summary_dialog import SessionSummaryDialog

log = logging.getLogger(__name__)

RELEASED_AFTER_MS = 100
"""When the dialogs let go of before the player are surely deleted (a turn of the event
loop), and their memory can be given back."""

PLAYER_SIZE = QSize(1100, 720)
"""The player's size where the screen allows; a smaller screen bounds it."""


class PlayerSound(CueOutput, Protocol):
    """The session's sound, plus the notice of what is missing for it (or None)."""

    def problem(self) -> str | None: ...


class PlayerWindow(Retranslating, QWidget):
    """A top-level window around the player; closing it stops the session."""

    closed = Signal()

    def __init__(self, player: PlayerView, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("playerWindow")
        self._routine_title = single_line(title)
        self.player = player
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addWidget(player)
        fit_window(self, PLAYER_SIZE)
        self._retranslate()

    def _retranslate(self) -> None:
        # TRANSLATORS: the session window's title: the routine's, then the app's name.
        self.setWindowTitle(_("{routine} — {app}").format(
            routine=self._routine_title, app=APP_DISPLAY_NAME))
        self.setAccessibleName(_("Session"))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)


class SessionFlow(QObject):
    """Checklist, pain rating, player and summary of one session, in that order.

    Signals:
        playerStarted(): the player window shows and the session runs.
        ended(Outcome): the flow is over.
    """

    playerStarted = Signal()
    ended = Signal(object)

    def __init__(
        self,
        loaded: LoadedRoutine,
        settings: Settings,
        history: SessionLog,
        sound: PlayerSound,
        *,
        clip_seconds: ClipSeconds | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        parent_window: QWidget | None = None,
        checklists: ChecklistLog | None = None,
        tz: tzinfo | None = None,
    ) -> None:
        super().__init__(parent_window)
        self.loaded = loaded
        self.routine = loaded.routine
        self.settings = settings
        self._history = history
        self._sound = sound
        self._clip_seconds = clip_seconds
        self._clock = clock
        self._wall = wall_clock
        self._parent = parent_window
        self.checklist: SafetyChecklistDialog | None = None
        self.pain_dialog: PainRatingDialog | None = None
        self.summary: SessionSummaryDialog | None = None
        self.window: PlayerWindow | None = None
        self.session: Session | None = None
        self.adapter: SessionAdapter | None = None
        self.outcome: Outcome | None = None
        """None until the flow ends, then how: completed, stopped, blocked, cancelled."""
        self._checklist_version: str | None = None
        self._confirmed_at: datetime | None = None
        self._pain_before: int | None = None
        self._checklists = checklists
        self._tz = tz
        self._checklist_kind: ChecklistKind | None = None
        self._is_break = False
        self.short_check: ShortCheckDialog | None = None

    @property
    def engine(self) -> SessionEngine | None:
        return self.session.engine if self.session is not None else None

    @property
    def session_id(self) -> int | None:
        return self.session.session_id if self.session is not None else None

    def _session(self) -> Session:
        if self.session is None:
            self.session = Session(
                self.routine,
                self._history,
                self._sound,
                options=CueOptions.from_settings(self.settings),
                clock=self._clock,
                wall_clock=self._wall,
                content_hash=self.loaded.content_hash,
                timing=self.speech_timing(),
            )
        return self.session

    def speech_timing(self) -> SpeechTiming:
        """Get-ready times from the clips rendered during the checklist (looked up as
        the player starts), else estimated at the user's voice rate. Without a
        synthesizer (no ``clip_seconds``) nothing is said: the file's own times."""
        s = self.settings
        voiced = s.voice_enabled and self._clip_seconds is not None
        return timing_for(voiced, s.voice_rate, self._clip_seconds,
                          spoken_words(self.loaded.language))

    # Stage 1: checklist (speech renders meanwhile)

    def begin(self) -> None:
        self._session().prepare()
        dialog = SafetyChecklistDialog(parent=self._parent, now=self._wall)
        title = single_line(self.routine.title)
        dialog.set_title(lambda: _("Before you start: {title}").format(title=title))
        dialog.finished.connect(self._record_checklist)
        dialog.finished.connect(self._on_checklist_finished)
        self.checklist = dialog
        dialog.open()

    def _on_checklist_finished(self, result: int) -> None:
        dialog = self.checklist
        assert dialog is not None
        blocked = dialog.blocked_items
        if result != QDialog.DialogCode.Accepted.value or blocked or dialog.confirmed_at is None:
            self._end(Outcome.BLOCKED if blocked else Outcome.CANCELLED)
            return
        self._checklist_version = str(dialog.checklist_version)
        self._confirmed_at = dialog.confirmed_at
        self._checklist_kind = ChecklistKind.FULL
        if self._is_break:
            self.start_player(None)
            return
        pain = PainRatingDialog("before", parent=self._parent)
        pain.finished.connect(self._on_pain_before_finished)
        self.pain_dialog = pain
        pain.open()

    # Stage 1, for a reminder's break: the short check when the day allows it

    def begin_break(self) -> None:
        """Start a reminder's break: the short check if a full checklist was answered
        all No earlier today (in this checklist version), else the full checklist; no
        pain rating before (the summary still asks after)."""
        self._is_break = True
        checklist = load_checklist()
        last = self._last_full_checklist()
        since = short_check_since(
            last, version=str(checklist.version), now=self._wall(), tz=self._tz)
        if since is None:
            self.begin()
            return
        self._session().prepare()
        dialog = ShortCheckDialog(checklist, since, self._parent, tz=self._tz, now=self._wall)
        title = single_line(self.routine.title)
        dialog.set_title(lambda: _("Before your break: {title}").format(title=title))
        dialog.finished.connect(self._on_short_check_finished)
        self.short_check = dialog
        dialog.open()

    def _last_full_checklist(self) -> ChecklistAnswer | None:
        if self._checklists is None:
            return None
        try:
            return self._checklists.last_full_checklist()
        except Exception:  # an unreadable history: ask the full list, never less
            log.exception("could not read the last checklist; asking the full list")
            return None

    def _on_short_check_finished(self, result: int) -> None:
        dialog = self.short_check
        assert dialog is not None
        if result == CHANGED:
            self.begin()
            return
        if result != QDialog.DialogCode.Accepted.value or dialog.confirmed_at is None:
            self._end(Outcome.CANCELLED)
            return
        version = str(dialog.checklist.version)
        self._log_checklist(
            ChecklistAnswer(dialog.confirmed_at, version, ChecklistKind.SHORT))
        self._checklist_version = version
        self._confirmed_at = dialog.confirmed_at
        self._checklist_kind = ChecklistKind.SHORT
        self.start_player(None)

    def _record_checklist(self, result: int) -> None:
        """Keep a full checklist's answer, a red flag too, for the next short check."""
        dialog = self.checklist
        assert dialog is not None
        version = str(dialog.checklist_version)
        if dialog.blocked_items:
            self._log_checklist(
                ChecklistAnswer(self._wall(), version, ChecklistKind.FULL, red_flag=True))
        elif result == QDialog.DialogCode.Accepted.value and dialog.confirmed_at is not None:
            self._log_checklist(ChecklistAnswer(dialog.confirmed_at, version, ChecklistKind.FULL))

    def _log_checklist(self, answer: ChecklistAnswer) -> None:
        if self._checklists is None:
            return
        try:
            self._checklists.log_checklist(answer)
        except Exception:
            log.exception("could not keep the checklist answer")

    # Stage 2: player

    def _on_pain_before_finished(self, result: int) -> None:
        """Continue or Skip starts the player; Esc (or closing) cancels the start."""
        if result != QDialog.DialogCode.Accepted.value:
            self._end(Outcome.CANCELLED)
            return
        pain = self.pain_dialog
        self.start_player(pain.value if pain is not None else None)

    def start_player(self, pain_before: int | None) -> None:
        session = self._session()
        routine = self.routine
        self._pain_before = pain_before
        player = PlayerView(routine.title, len(session.engine.steps))
        window = PlayerWindow(player, routine.title, self._parent)
        self.window = window
        adapter = SessionAdapter(session, self._clock, self)
        self.adapter = adapter
        player.pauseToggled.connect(adapter.toggle_pause)
        player.skipRequested.connect(adapter.skip)
        player.backRequested.connect(adapter.back)
        player.stopRequested.connect(self.stop)
        window.closed.connect(self.stop)
        adapter.eventOccurred.connect(self._on_engine_event)
        adapter.stateChanged.connect(self._on_state_changed)
        player.set_notice(self._sound.problem())
        window.show()
        window.raise_()
        window.activateWindow()
        player.setFocus()
        adapter.start(Preamble(pain_before, self._checklist_version, self._confirmed_at,
                               self._checklist_kind))
        self._let_go_of_dialogs()
        self.playerStarted.emit()

    def stop(self) -> None:
        """Stop at once (the session silences first, then ends and records)."""
        if self.adapter is not None:
            self.adapter.stop()
        else:
            self._sound.silence()

    def refresh_notice(self) -> None:
        """Show what is missing for sound now (it can change mid-session)."""
        if self.window is not None:
            self.window.player.set_notice(self._sound.problem())

    def _on_engine_event(self, event: Event) -> None:
        """The session has already sounded and recorded ``event``: show it."""
        session = self.session
        window = self.window
        assert session is not None and window is not None
        window.player.show_status(session.status())
        if isinstance(event, StepStarted):
            self.refresh_notice()
            give_back_free_pages()  # what the last step's lines and the history freed
        if isinstance(event, SessionFinished | SessionStopped):
            self._show_summary(event)

    def _on_state_changed(self, _state: str) -> None:
        if self.session is not None and self.window is not None:
            self.window.player.show_status(self.session.status())

    def _show_summary(self, event: SessionFinished | SessionStopped) -> None:
        session = self.session
        if self.outcome is not None or session is None or session.outcome is None:
            return
        self.outcome = session.outcome
        summary = SessionSummaryDialog(
            self.routine.title,
            event.active_seconds,
            event.steps_completed,
            event.steps_total,
            session.outcome,
            pain_before=self._pain_before,
            parent=self._parent,
        )
        summary.finished.connect(self._on_summary_finished)
        self.summary = summary
        if self.window is not None:
            self.window.closed.disconnect(self.stop)
            self.window.close()
            self._release_later(self.window)
        summary.open()

    def _let_go_of_dialogs(self) -> None:
        """The dialogs before the player are answered and recorded: each goes whole, not
        only its window (the checklist holds ~0.6 MB, the pain rating ~0.25 MB)."""
        for dialog in (self.checklist, self.short_check, self.pain_dialog):
            if dialog is not None:
                dialog.deleteLater()
        self.checklist = self.short_check = self.pain_dialog = None
        QTimer.singleShot(RELEASED_AFTER_MS, give_back_free_pages)

    def _release_later(self, *windows: QWidget | None) -> None:
        """Free the window-system side of windows that are done, at the next turn of the
        event loop (never under the click or key that closed them).

        A hidden window keeps its backing store, a buffer the size of the window (1-2
        MB), until its native window is destroyed; the widget itself stays, for what
        reads its answers, and would make a new one if shown again."""
        done = [window for window in windows if window is not None]
        if not done:
            return
        timer = QTimer(self)  # goes with the flow, and what it holds with it
        timer.setSingleShot(True)

        def release() -> None:
            for window in done:
                if not window.isVisible():
                    window.destroy()
            done.clear()
            timer.deleteLater()

        timer.timeout.connect(release)
        timer.start(0)

    # Stage 3: summary

    def _on_summary_finished(self, _result: int) -> None:
        summary = self.summary
        assert summary is not None and self.session is not None
        self.session.set_pain_after(summary.pain_after, summary.note or None)
        self._end(self.outcome or Outcome.STOPPED)

    def _end(self, outcome: Outcome) -> None:
        log.info("session flow for %s ended: %s", self.routine.id, outcome)
        self.outcome = outcome
        self.ended.emit(outcome)
