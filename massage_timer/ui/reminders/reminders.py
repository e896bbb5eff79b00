"""The running reminders: the schedule's timer, the prompt, the idle monitor and what a
reminder says, kept in line with the settings.

Built right after the main window's first paint (see :class:`~massage_timer.ui.wiring.App`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from massage_timer.core.model.busy import BusyReason
from massage_timer.core.model.cues import TONE_REMINDER, Cue, CueKind, Priority
from massage_timer.core.model.language import _, ngettext
from massage_timer.core.model.settings import Settings
from massage_timer.core.model.speech_timing import timing_for
from massage_timer.core.storage.history.store import HistoryStore
from massage_timer.core.storage.loader import Library
from massage_timer.core.storage.settings_store import SettingsChange, SettingsStore
from massage_timer.ui.reminders.busy import BusyDetector, create_busy_detector
from massage_timer.ui.reminders.idle import IdleMonitor, SleepWatcher
from massage_timer.ui.reminders.prompt import ReminderPrompt
from massage_timer.ui.reminders.service import ReminderController
from massage_timer.ui.sound import Sound

SCHEDULE_FIELDS = (
    "reminders_enabled",
    "reminder_interval_minutes",
    "active_days",
    "active_start",
    "active_end",
    "snooze_minutes",
    "idle_minutes",
    "reminder_routine_id",
)
"""The settings the schedule (and the routine a break starts) is made from."""

BUSY_FIELDS = (
    "busy_full_screen",
    "busy_inhibitors",
    "busy_do_not_disturb",
    "busy_microphone_camera",
    "busy_programs",
    "meeting_until",
)
"""The settings that decide whether a due reminder is held: a change looks again."""

# A spoken reminder waits this long, at most, for its clip to be rendered.
SPEECH_POLL_MS = 250
SPEECH_POLLS = 40
DEFAULT_BREAK_SECONDS = 180


def reminder_text(settings: Settings, library: Library) -> tuple[str, int]:
    """The break's routine title and its length in minutes, as the prompt shows them."""
    loaded = library.get(settings.reminder_routine_id)
    title = loaded.routine.title if loaded else _("a short break")
    timing = timing_for(settings.voice_enabled, settings.voice_rate)
    seconds = (
        loaded.routine.total_seconds(settings.include_optional_steps, timing)
        if loaded
        else DEFAULT_BREAK_SECONDS
    )
    return title, max(round(seconds / 60), 1)


def spoken_line(title: str, minutes: int) -> str:
    """What the voice says when a reminder is shown (``reminder_voice``); ``minutes``
    is at least 1."""
    # TRANSLATORS: said aloud. {minutes} is never 0; the form for one minute says it in
    # words, as the voice would read "1" wrongly ("eins Minute", "uno minuto").
    return ngettext("Time for a posture break. {title} takes about a minute.",
                    "Time for a posture break. {title} takes about {minutes} minutes.",
                    minutes).format(title=title, minutes=minutes)


class Reminders(QObject):
    """The reminder service, its prompt and its announcement.

    Signals:
        startBreakRequested(str): start this routine id (the checklist first).
        statusChanged(str): the "Next reminder at HH:MM" line changed.
    """

    startBreakRequested = Signal(str)
    statusChanged = Signal(str)

    def __init__(
        self,
        store: SettingsStore,
        history: HistoryStore,
        idle: IdleMonitor,
        sound: Sound,
        *,
        library: Callable[[], Library],
        session_running: Callable[[], bool],
        player_running: Callable[[], bool],
        notify: Callable[[str, str], bool],
        busy: BusyDetector | None = None,
        wall: Callable[[], datetime] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._sound = sound
        self._library = library
        self._session_running = session_running
        self._player_running = player_running
        self._notify = notify
        self.idle = idle
        idle.set_threshold(store.settings.idle_minutes * 60)
        self.busy = busy or create_busy_detector(lambda: store.settings, parent=self)
        self.service = ReminderController(
            store.settings,
            log_event=history.log_reminder,
            idle_seconds=idle.idle_seconds,
            busy=self._busy_reason,
            wall=wall,
            parent=self,
        )
        self.service.reminderHeld.connect(self.busy.watch)
        self.sleep = SleepWatcher(self)
        self.sleep.resumed.connect(self.service.wake)
        self.busy.changed.connect(self.service.recheck)
        self.prompt = ReminderPrompt()
        self.prompt.set_snooze_minutes(store.settings.snooze_minutes)
        self._speech_timer = QTimer(self)
        self._speech_timer.setObjectName("reminderSpeechTimer")
        self._speech_timer.setInterval(SPEECH_POLL_MS)
        self._speech_timer.timeout.connect(self._on_speech_poll)
        self._pending_line: str | None = None
        self._polls = 0

        s, p = self.service, self.prompt
        s.reminderDue.connect(self._on_reminder_due)
        s.reminderWithdrawn.connect(self._on_withdrawn)
        s.startBreakRequested.connect(self.startBreakRequested)
        s.statusChanged.connect(self.statusChanged)
        s.pausedUntilChanged.connect(self._on_paused_until_changed)
        p.startRequested.connect(s.start_break)
        p.snoozeRequested.connect(s.snooze)
        p.skipRequested.connect(s.skip)
        p.languageChanged.connect(s.refresh_status)
        for signal in (p.startRequested, p.snoozeRequested, p.skipRequested):
            signal.connect(self._stop_speaking)
        store.subscribe(self._on_schedule_changed, fields=SCHEDULE_FIELDS)
        store.subscribe(self._on_reminder_voice_changed, fields=("reminder_voice",))
        store.subscribe(self._on_busy_settings_changed, fields=BUSY_FIELDS)

    def start(self) -> None:
        """Start the schedule if the settings say so."""
        self.sleep.start()
        if self._store.settings.reminders_enabled:
            self.service.start()

    def close(self) -> None:
        """Stop the timer, hide the prompt and release the idle monitor."""
        self._stop_speaking()
        self.service.stop()
        self.prompt.withdraw()
        self.idle.close()
        self.busy.close()
        self.sleep.close()
        self.prompt.close()
        self.prompt.deleteLater()

    def _on_schedule_changed(self, change: SettingsChange) -> None:
        self.service.apply_settings(change.new)
        if "reminders_enabled" in change.fields:
            if change.new.reminders_enabled:
                self.service.start()
            else:
                self.service.stop()
        if "snooze_minutes" in change.fields:
            self.prompt.set_snooze_minutes(change.new.snooze_minutes)
        if "idle_minutes" in change.fields:
            self.idle.set_threshold(change.new.idle_minutes * 60)

    def _busy_reason(self) -> BusyReason | None:
        # A session of ours is the break itself (and its own screen-awake inhibitor
        # must not read as "busy"): the due reminder goes to _on_reminder_due.
        if self._session_running():
            return None
        return self.busy.check()

    def _on_busy_settings_changed(self, _change: SettingsChange) -> None:
        self.service.recheck()

    def _on_reminder_voice_changed(self, change: SettingsChange) -> None:
        if not change.new.reminder_voice:
            self._stop_speaking()
            return
        # Render the line now, so that the next reminder is heard as it is shown.
        speech, _cues = self._sound.audio()
        if speech is not None:
            speech.prepare([spoken_line(*reminder_text(change.new, self._library()))])

    def _on_paused_until_changed(self, moment: object) -> None:
        self._store.update_state(paused_until=moment)

    def _on_reminder_due(self) -> None:
        if self._session_running():
            if self.service.break_pending or not self._player_running():
                # A session at its checklist (asked for or not): it may yet be cancelled.
                self.service.hold()
                return
            # A session's player runs: that is the break, answering the reminder (logged
            # as shown, it is also started); do not interrupt it.
            self.service.break_started()
            return
        s = self._store.settings
        title, minutes = reminder_text(s, self._library())
        self.prompt.set_reason(self.service.minutes_since_break(), title, minutes)
        self.prompt.set_snooze_minutes(s.snooze_minutes)
        self.prompt.show_reminder()
        if s.reminder_sound:
            _speech, cues = self._sound.audio()
            cues.play(Cue(CueKind.TONE, TONE_REMINDER, Priority.TONE))
        if s.reminder_voice:
            self._speak(spoken_line(title, minutes))
        self._notify(
            _("Time for a posture break"),
            _("You have been at your desk for a while. {title} takes about {minutes} min.")
            .format(title=title, minutes=minutes),
        )

    def _speak(self, line: str) -> None:
        speech, _cues = self._sound.audio()
        if speech is None:
            return
        speech.prepare([line])
        self._pending_line = line
        self._polls = 0
        self._on_speech_poll()

    def _on_speech_poll(self) -> None:
        line = self._pending_line
        speech = self._sound.speech
        if line is None or speech is None:
            self._stop_speaking()
            return
        if speech.clip_for(line) is not None:
            self._stop_speaking()
            _speech, cues = self._sound.audio()
            cues.play(Cue(CueKind.SPEECH, line, Priority.INSTRUCTION))
            return
        self._polls += 1
        if self._polls > SPEECH_POLLS:
            self._stop_speaking()
        elif not self._speech_timer.isActive():
            self._speech_timer.start()

    def _stop_speaking(self) -> None:
        self._pending_line = None
        self._speech_timer.stop()

    def _on_withdrawn(self) -> None:
        self._stop_speaking()
        self.prompt.withdraw()
