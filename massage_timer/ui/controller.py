"""The running app: one object that wires the windows to the stores and services.

It owns the settings, the library, the history store, the reminders and the sound,
and connects what the widgets ask for (Start, History, Settings, the tray and the
reminder prompt) to them. Speech and sound are created for the first session or
reminder that needs them, not at start-up, so a start at login stays light; and when
the app is started for real (:func:`~massage_timer.ui.app.run_app`), the history
store, reminders, idle monitor and tray icon are set up right after the window's
first paint (see :meth:`AppController.finish_startup`).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from massage_timer import APP_DISPLAY_NAME
from massage_timer.core.model.settings import Settings, with_state
from massage_timer.core.model.speech_timing import timing_for
from massage_timer.core.storage.loader import Library, load_library
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.settings_file import load_settings, save_settings
from massage_timer.ui.library.main_window import MainWindow

if TYPE_CHECKING:
    from massage_timer.audio.playback import CuePlayer
    from massage_timer.audio.speech import SpeechSynth
    from massage_timer.core.model.session import Outcome
    from massage_timer.core.storage.history.store import HistoryStore
    from massage_timer.ui.desktop.screen_awake import ScreenAwake
    from massage_timer.ui.history.history_view import HistoryView
    from massage_timer.ui.reminders.idle import IdleMonitor
    from massage_timer.ui.reminders.prompt import ReminderPrompt
    from massage_timer.ui.reminders.service import ReminderController
    from massage_timer.ui.session.flow import SessionFlow

log = logging.getLogger(__name__)

# With a deferred start-up, the rest of it runs right after the window's first paint,
# or after this long if the window is not painted by then.
STARTUP_FALLBACK_MS = 500

BACKGROUND_HINT = (
    "Massage Timer keeps running in the background to remind you to take breaks. "
    "Open it again from the tray icon or your applications menu; to quit, use "
    "File ▸ Quit or Quit in the tray menu."
)
BACKGROUND_HINT_NO_TRAY = (
    "Massage Timer keeps running (minimized) to remind you to take breaks. "
    "To quit, use File ▸ Quit."
)


class AppController(QObject):
    """Owns the app's state for one run; see the module docstring."""

    # Set by finish_startup (right after the first paint when the start-up is deferred).
    history: HistoryStore
    idle: IdleMonitor
    reminders: ReminderController
    prompt: ReminderPrompt

    def __init__(
        self,
        app: QApplication,
        paths: AppPaths,
        *,
        background: bool = False,
        defer_startup: bool = False,
    ) -> None:
        """Load the settings and the library, build the window and show it.

        With ``defer_startup`` (what :func:`~massage_timer.ui.app.run_app` does), the
        history store, the reminders, the idle monitor and the tray icon are set up
        right after the window's first paint instead of before it; :attr:`started`
        tells when that has happened, and every entry point that needs them finishes
        the start-up first, so nothing depends on the order.
        """
        super().__init__(app)
        from massage_timer.ui.app import FirstPaintWatcher, create_main_window
        from massage_timer.ui.desktop.tray import ReminderTray
        from massage_timer.ui.theme import ThemeController

        self.app = app
        self.paths = paths
        self._quitting = False
        self._started = False
        self._startup_timer: QTimer | None = None
        self._when_started: list[Callable[[], None]] = []
        self.notices: list[str] = []
        self.settings, notices = load_settings(
            paths.settings_file, cache_file=paths.settings_cache_file
        )
        self.notices += notices
        self.theme = ThemeController(app, self.settings.theme, self.settings.font_scale)
        self.library: Library = load_library(paths)
        self.window: MainWindow = create_main_window(paths, self.settings, self.library)
        self.window.installEventFilter(self)
        self.flow: SessionFlow | None = None
        self._speech: SpeechSynth | None = None
        self._cues: CuePlayer | None = None
        self._history_window: HistoryView | None = None
        self._screen: ScreenAwake | None = None

        # The tray's menu is also the window's "Reminders" menu, so it is there from
        # the first paint; the icon itself is shown once the reminders run.
        self.tray = ReminderTray(app.windowIcon(), parent=self)
        self.tray.menu.setTitle("&Reminders")
        help_action = self._help_menu_action()
        if help_action is not None:
            self.window.menuBar().insertMenu(help_action, self.tray.menu)
        else:
            self.window.menuBar().addMenu(self.tray.menu)
        self.tray.set_reminders_enabled(self.settings.reminders_enabled)
        self.tray.set_snooze_minutes(self.settings.snooze_minutes)
        self._connect()

        self.first_paint = FirstPaintWatcher(self.window, self._on_first_paint)
        if not defer_startup:
            self.finish_startup()
        else:
            if self.notices:
                self.window.show_notice(" ".join(self.notices))
            # Hidden (background) or never painted (e.g. started minimized): do not wait.
            timer = QTimer(self)
            timer.setObjectName("startupTimer")
            timer.setSingleShot(True)
            timer.timeout.connect(self.finish_startup)
            timer.start(0 if background else STARTUP_FALLBACK_MS)
            self._startup_timer = timer
        if not background:
            self.window.show()
        elif not self.tray.available:
            # No tray to come back through: stay reachable as a minimized window.
            self.window.showMinimized()

    # Set-up

    @property
    def started(self) -> bool:
        """Whether the history, reminders, idle monitor and tray icon are set up."""
        return self._started

    def when_started(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the start-up is complete (at once if it is)."""
        if self._started:
            callback()
        else:
            self._when_started.append(callback)

    def _on_first_paint(self) -> None:
        if not self._started and self._startup_timer is not None:
            self._startup_timer.start(0)  # right after this paint is on screen

    def finish_startup(self) -> None:
        """Open the history, start the reminders and show the tray icon (idempotent)."""
        if self._started:
            return
        self._started = True
        if self._startup_timer is not None:
            self._startup_timer.stop()
        from massage_timer.ui.reminders.idle import create_idle_monitor
        from massage_timer.ui.reminders.prompt import ReminderPrompt
        from massage_timer.ui.reminders.service import ReminderController

        self.history = self._open_history()
        self.idle = create_idle_monitor()
        self.reminders = ReminderController(
            self.settings,
            log_event=self.history.log_reminder,
            idle_seconds=self.idle.idle_seconds,
            parent=self,
        )
        self.prompt = ReminderPrompt()
        self._connect_reminders()
        if self.settings.reminders_enabled:
            self.reminders.start()
        if self.tray.available:
            self.tray.show()
        self.notices += self.history.pop_notices()
        if self.notices:
            self.window.show_notice(" ".join(self.notices))
        callbacks, self._when_started = self._when_started, []
        for callback in callbacks:
            callback()

    def _open_history(self) -> HistoryStore:
        from massage_timer.core.storage.history.schema import HistoryError
        from massage_timer.core.storage.history.store import HistoryStore

        try:
            store, notices = HistoryStore.open(self.paths.history_file)
        except HistoryError as exc:
            self.notices.append(f"{exc} Sessions are kept in memory for now.")
            return HistoryStore.memory_only()
        self.notices += notices
        return store

    def _help_menu_action(self) -> QAction | None:
        actions = self.window.menuBar().actions()
        return actions[-1] if actions else None

    def _connect(self) -> None:
        from massage_timer.ui.app import Application

        w, t = self.window, self.tray
        w.startRequested.connect(self.start_session)
        w.historyRequested.connect(self.show_history)
        w.settingsRequested.connect(self.show_settings)
        w.reloadRequested.connect(self.reload_library)
        w.quitRequested.connect(self.quit)
        w.openRoutinesFolderRequested.connect(self._open_routines_folder)
        t.startBreakRequested.connect(self._to_reminders("start_break"))
        t.snoozeRequested.connect(self._to_reminders("snooze"))
        t.pauseHourRequested.connect(self._to_reminders("pause_for", timedelta(hours=1)))
        t.pauseTomorrowRequested.connect(self._to_reminders("pause_until_tomorrow"))
        t.resumeRequested.connect(self._to_reminders("resume"))
        t.openRequested.connect(self.bring_to_front)
        t.quitRequested.connect(self.quit)
        self.app.aboutToQuit.connect(self._on_about_to_quit)
        if isinstance(self.app, Application):
            self.app.quitRequested.connect(self._prepare_quit)

    def _to_reminders(self, method: str, *args: object) -> Callable[[], None]:
        """A slot for a tray action: finish the start-up if needed, then forward."""

        def forward() -> None:
            self.finish_startup()
            getattr(self.reminders, method)(*args)

        return forward

    def _connect_reminders(self) -> None:
        r, t, p = self.reminders, self.tray, self.prompt
        r.reminderDue.connect(self._on_reminder_due)
        r.reminderWithdrawn.connect(p.withdraw)
        r.startBreakRequested.connect(self.start_session)
        r.statusChanged.connect(t.set_status)
        r.pausedUntilChanged.connect(self._on_paused_until_changed)
        p.startRequested.connect(r.start_break)
        p.snoozeRequested.connect(r.snooze)
        p.skipRequested.connect(r.skip)

    # Sound, created when first needed

    def audio(self) -> tuple[SpeechSynth | None, CuePlayer]:
        """(SpeechSynth or None, CuePlayer), created on first use."""
        if self._cues is None:
            from massage_timer.audio.playback import CuePlayer
            from massage_timer.audio.speech import SpeechSynth

            s = self.settings
            speech = None
            if s.voice_enabled:
                speech = SpeechSynth(
                    self.paths.speech_cache_dir,
                    voice=s.voice_name or None,
                    rate=s.voice_rate,
                    volume=s.voice_volume,
                )
            self._speech = speech
            self._cues = CuePlayer(speech, volume=s.voice_volume, parent=self)
        return self._speech, self._cues

    def _close_audio(self) -> None:
        speech, self._speech = self._speech, None
        cues, self._cues = self._cues, None
        if cues is not None:
            cues.stop()
            cues.deleteLater()
        if speech is not None:
            speech.close()

    # Sessions

    def start_session(self, routine_id: str) -> None:
        from massage_timer.audio.playback import SessionSound
        from massage_timer.ui.session.flow import SessionFlow

        self.finish_startup()
        if self.flow is not None:
            self._raise_flow()
            return
        loaded = self.library.get(routine_id)
        if loaded is None:
            self.bring_to_front()
            self.window.show_notice(f"The routine '{routine_id}' could not be found.")
            return
        speech, cues = self.audio()
        self.bring_to_front()
        flow = SessionFlow(
            loaded,
            self.settings,
            self.history,
            SessionSound(cues, speech),
            clip_seconds=speech.clip_seconds if speech is not None else None,
            parent_window=self.window,
        )
        flow.ended.connect(self._on_flow_ended)
        cues.problemChanged.connect(flow.refresh_notice)
        flow.playerStarted.connect(self._on_player_started)
        self.flow = flow
        flow.begin()

    def _raise_flow(self) -> None:
        flow = self.flow
        assert flow is not None
        for widget in (flow.window, flow.summary, flow.pain_dialog, flow.checklist):
            if widget is not None and widget.isVisible():
                widget.showNormal()
                widget.raise_()
                widget.activateWindow()
                return

    def _on_player_started(self) -> None:
        if self.settings.keep_screen_awake:
            from massage_timer.ui.desktop.screen_awake import ScreenAwake

            self._screen = ScreenAwake.inhibit("A guided massage session is running")

    def _on_flow_ended(self, outcome: Outcome) -> None:
        flow, self.flow = self.flow, None
        screen, self._screen = self._screen, None
        if screen is not None:
            screen.release()
        if outcome.played:
            self.reminders.record_break()
            if self._history_window is not None:
                self._history_window.refresh()
        if flow is not None:
            flow.deleteLater()
        self.notices_from_history()

    def notices_from_history(self) -> None:
        self.finish_startup()
        notices = self.history.pop_notices()
        if notices:
            self.window.show_notice(" ".join(notices))

    # Windows

    def bring_to_front(self) -> None:
        w = self.window
        if w.isMinimized():
            w.showNormal()
        w.show()
        w.raise_()
        w.activateWindow()

    def show_history(self) -> None:
        from massage_timer.ui.history.history_view import HistoryView

        self.finish_startup()
        if self._history_window is None:
            view = HistoryView(self.history)
            holder = QMainWindow(self.window)
            holder.setObjectName("historyWindow")
            holder.setWindowTitle(f"History — {APP_DISPLAY_NAME}")
            holder.setCentralWidget(view)
            holder.resize(1100, 760)
            self._history_window = view
        else:
            self._history_window.refresh()
        holder_widget = self._history_window.window()
        holder_widget.show()
        holder_widget.raise_()
        holder_widget.activateWindow()

    def show_settings(self) -> None:
        from massage_timer.ui.settings.settings_dialog import SettingsDialog
        from massage_timer.ui.settings.voice_preview import VoicePreview

        speech = self._speech
        voices = [(v.id, v.name) for v in speech.voices()] if speech else []
        preview = VoicePreview(self.paths.speech_cache_dir, parent=self)
        dialog = SettingsDialog(
            self.settings,
            self.window,
            voices=voices,
            routines=[(r.routine.id, r.routine.title) for r in self.library.routines],
            autostart_supported=sys.platform.startswith("linux"),
            preview=preview,
        )
        dialog.accepted.connect(lambda: self.apply_settings(dialog.settings()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(preview.deleteLater)
        dialog.open()

    def apply_settings(self, new: Settings) -> None:
        self.finish_startup()
        old, self.settings = self.settings, new
        self._save_settings()
        self.theme.set_mode(new.theme)
        self.theme.set_font_scale(new.font_scale)
        self.reminders.apply_settings(new)
        if new.reminders_enabled and not old.reminders_enabled:
            self.reminders.start()
        elif old.reminders_enabled and not new.reminders_enabled:
            self.reminders.stop()
        self.tray.set_reminders_enabled(new.reminders_enabled)
        self.tray.set_snooze_minutes(new.snooze_minutes)
        self.prompt.set_snooze_minutes(new.snooze_minutes)
        if new.include_optional_steps != old.include_optional_steps:
            self.window.set_include_optional(new.include_optional_steps)
        if (new.voice_enabled, new.voice_rate) != (old.voice_enabled, old.voice_rate):
            self.window.set_speech_timing(timing_for(new.voice_enabled, new.voice_rate))
        voice_keys = ("voice_enabled", "voice_name", "voice_rate", "voice_volume")
        if self.flow is None and any(getattr(old, k) != getattr(new, k) for k in voice_keys):
            self._close_audio()
        if sys.platform.startswith("linux") and new.autostart != old.autostart:
            from massage_timer.core.storage import autostart

            try:
                autostart.apply(new.autostart, autostart.launch_command(self.paths.root))
            except OSError as exc:
                self.window.show_notice(f"Could not change the start-at-login entry: {exc}")

    def reload_library(self) -> None:
        self.library = load_library(self.paths)
        self.window.set_library(self.library)

    def _open_routines_folder(self) -> None:
        from massage_timer.ui.app import open_routines_folder

        open_routines_folder(self.paths)

    # Reminders

    def _on_reminder_due(self) -> None:
        from massage_timer.core.model.cues import TONE_REMINDER, Cue, CueKind, Priority

        if self.flow is not None:
            # A session is under way: that is the break; do not interrupt it.
            self.reminders.record_break()
            return
        s = self.settings
        loaded = self.library.get(s.reminder_routine_id)
        title = loaded.routine.title if loaded else "a short break"
        timing = timing_for(s.voice_enabled, s.voice_rate)
        seconds = loaded.routine.total_seconds(s.include_optional_steps, timing) if loaded else 180
        minutes = max(round(seconds / 60), 1)
        self.prompt.set_reason(s.reminder_interval_minutes, title, minutes)
        self.prompt.set_snooze_minutes(s.snooze_minutes)
        self.prompt.show_reminder()
        if s.reminder_sound:
            _speech, cues = self.audio()
            cues.play(Cue(CueKind.TONE, TONE_REMINDER, Priority.TONE))
        self.tray.notify(
            "Time for a posture break",
            f"You have been at your desk for a while. {title} takes about {minutes} min.",
        )

    def _on_paused_until_changed(self, moment: object) -> None:
        self.settings = with_state(self.settings, paused_until=moment)
        self._save_settings()

    def _save_settings(self) -> None:
        try:
            save_settings(
                self.paths.settings_file, self.settings, cache_file=self.paths.settings_cache_file
            )
        except OSError as exc:
            self.window.show_notice(f"Your settings could not be saved: {exc.strerror or exc}")

    # Closing and quitting

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close and not self._quitting:
            self.finish_startup()
            if self.settings.reminders_enabled:
                event.ignore()
                self._go_to_background()
                return True
            self.quit()
            return True
        return super().eventFilter(watched, event)

    def _go_to_background(self) -> None:
        if self.tray.available:
            self.window.hide()
        else:
            self.window.showMinimized()
        if not self.settings.shown_background_hint:
            self.settings = with_state(self.settings, shown_background_hint=True)
            self._save_settings()
            text = BACKGROUND_HINT if self.tray.available else BACKGROUND_HINT_NO_TRAY
            if not self.tray.notify(APP_DISPLAY_NAME, text):
                box = QMessageBox(
                    QMessageBox.Icon.Information,
                    APP_DISPLAY_NAME,
                    text,
                    QMessageBox.StandardButton.Ok,
                )
                box.setObjectName("backgroundHint")
                box.setParent(self.window, box.windowFlags())
                box.finished.connect(box.deleteLater)
                box.open()

    def quit(self) -> None:
        self._prepare_quit()
        self.app.quit()

    def _prepare_quit(self) -> None:
        """Let the window close instead of going to the background, and stop a session."""
        if self._quitting:
            return
        self._quitting = True
        if self.flow is not None:
            self.flow.stop()

    def _on_about_to_quit(self) -> None:
        self.shutdown()

    def shutdown(self) -> None:
        """Save what must be saved and release every service (idempotent)."""
        if getattr(self, "_shut_down", False):
            return
        self._shut_down = True
        self._quitting = True
        if self.flow is not None:
            self.flow.stop()
        geometry = self.window.geometry_state()
        if geometry != self.settings.window_geometry:
            self.settings = with_state(self.settings, window_geometry=geometry)
            self._save_settings()
        self.tray.hide()
        self._close_audio()
        widgets: list[QWidget] = [self.window]
        if self._started:  # else there is no history, reminder or idle monitor to close
            self.reminders.stop()
            self.prompt.withdraw()
            if not self.history.flush():
                log.warning("history could not be written before quitting")
            self.history.close()
            self.idle.close()
            widgets.insert(0, self.prompt)
        for widget in widgets:
            widget.close()
            widget.deleteLater()
