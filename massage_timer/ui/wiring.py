"""The running app: every part made and connected, in this one place.

Each part listens to the settings that concern it (see
:class:`~massage_timer.core.storage.settings_store.SettingsStore`); this module only
builds them and connects what the windows ask for to the part that does it. The
window is complete for its first paint; the history, the reminders, the idle monitor
and the tray icon start right after it (:meth:`App.finish_startup`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QApplication

from massage_timer.core.model.language import _, ngettext
from massage_timer.core.model.settings import Settings
from massage_timer.core.model.speech_timing import timing_for
from massage_timer.core.storage.loader import Library, load_library
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.settings_store import SettingsChange, SettingsStore
from massage_timer.ui.desktop.application import Application
from massage_timer.ui.desktop.autostart import StartAtLogin, supported
from massage_timer.ui.desktop.background import CloseToBackground, release_paint_caches
from massage_timer.ui.desktop.first_paint import FirstPaintWatcher
from massage_timer.ui.desktop.language import apply_language
from massage_timer.ui.desktop.tray import ReminderTray
from massage_timer.ui.editor.editing import RoutineEditing, voice_tryout
from massage_timer.ui.history_window import HistoryWindow
from massage_timer.ui.library.main_window import MainWindow
from massage_timer.ui.sessions import Sessions
from massage_timer.ui.sound import AudioFactory, Sound, real_audio
from massage_timer.ui.theme import ThemeController

if TYPE_CHECKING:
    from massage_timer.core.storage.history.store import HistoryStore
    from massage_timer.ui.reminders.reminders import Reminders

log = logging.getLogger(__name__)

# With a deferred start-up, the rest of it runs right after the window's first paint,
# or after this long if the window is not painted by then.
STARTUP_FALLBACK_MS = 500
HOUR = timedelta(hours=1)


def create_main_window(
    paths: AppPaths, settings: Settings, library: Library | None = None
) -> MainWindow:
    """A library window showing ``library`` (or the routines under ``paths``).

    Without a library given, Reload reads the folders again by itself; with one, the
    caller owns the library and its reloading.
    """
    window = MainWindow()
    window.set_include_optional(settings.include_optional_steps)
    window.set_speech_timing(timing_for(settings.voice_enabled, settings.voice_rate))
    window.restore_geometry_state(settings.window_geometry)
    window.set_first_routine(settings.last_routine_id)
    window.set_library(library if library is not None else load_library(paths))
    if library is None:
        window.reloadRequested.connect(lambda: window.set_library(load_library(paths)))
    return window


def open_routines_folder(paths: AppPaths) -> bool:
    """Open the user's routine folder in the file manager (created when missing)."""
    folder = paths.user_routines_dir
    folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class App(QObject):
    """One run of the app: the settings store, the window and the parts that serve it."""

    # Set by finish_startup (right after the first paint when the start-up is deferred).
    history: HistoryStore
    reminders: Reminders

    def __init__(
        self,
        app: QApplication,
        paths: AppPaths,
        *,
        background: bool = False,
        defer_startup: bool = False,
        audio: AudioFactory | None = None,
    ) -> None:
        """Load the settings and the library, build the window and show it.

        With ``defer_startup`` (what :func:`~massage_timer.ui.app.run_app` does), the
        history store, the reminders, the idle monitor and the tray icon are set up
        right after the window's first paint instead of before it; :attr:`started`
        tells when that has happened, and every entry point that needs them finishes
        the start-up first, so nothing depends on the order. ``audio`` makes the
        speech and the cue player (tests pass fakes).
        """
        super().__init__(app)
        self.app = app
        self.paths = paths
        self._quitting = False
        self._shut_down = False
        self._started = False
        self._startup_timer: QTimer | None = None
        self._when_started: list[Callable[[], None]] = []
        self.store, self.notices = SettingsStore.open(paths.settings_file)
        self.store.on_save_error(self._on_save_error)
        settings = self.store.settings
        # Before the first window is built, so that it is built in the person's language.
        self.language = apply_language(app, settings.language)
        self._language_pending = False
        self.theme = ThemeController(app, settings.theme, settings.font_scale)
        self.theme.follow(self.store)
        self.library: Library = load_library(paths)
        self.notices += self._translation_notices()
        self.window: MainWindow = create_main_window(paths, settings, self.library)
        self.store.subscribe(self._on_include_optional_changed, fields=("include_optional_steps",))
        self.store.subscribe(self._on_voice_timing_changed, fields=("voice_enabled", "voice_rate"))
        self.store.subscribe(self._on_language_changed, fields=("language",))
        self.sound = Sound(
            self.store,
            audio or real_audio(paths.speech_cache_dir),
            in_use=lambda: self.sessions.running,
            parent=self,
        )
        self.sessions = Sessions(
            self.store,
            self.sound,
            self.window,
            library=lambda: self.library,
            history=lambda: self.history,
            bring_to_front=self.bring_to_front,
            parent=self,
        )
        self.history_window = HistoryWindow(self.window)
        hear, play = voice_tryout(self.sound, lambda: self.store.settings,
                                  lambda text: self.window.show_notice(text, 8000),
                                  busy=lambda: self.sessions.running)
        self.editing = RoutineEditing(
            paths,
            self.window,
            library=lambda: self.library,
            reload=self.reload_library,
            settings=lambda: self.store.settings,
            hear=hear,
            play=play,
            parent=self,
        )
        self.start_at_login = StartAtLogin(self.store, paths.root, notice=self.window.show_notice)

        # The tray's menu is also the window's "Reminders" menu, so it is there from
        # the first paint; the icon itself is shown once the reminders run.
        self.tray = ReminderTray(app.windowIcon(), parent=self)
        self.tray.menu_title = lambda: _("&Reminders")
        self.tray.menu.setTitle(self.tray.menu_title())
        help_action = self._help_menu_action()
        if help_action is not None:
            self.window.menuBar().insertMenu(help_action, self.tray.menu)
        else:
            self.window.menuBar().addMenu(self.tray.menu)
        self.tray.follow(self.store)
        self.background = CloseToBackground(
            self.window,
            self.tray,
            self.store,
            quit_app=self.quit,
            quitting=lambda: self._quitting,
            before=self.finish_startup,
        )
        self._connect()
        # Reminders are on by default: say so on the first start (saved at quit, so
        # nothing is written before the first paint).
        self._reminders_note_shown = (
            settings.reminders_enabled and not settings.shown_reminders_note
        )
        if self._reminders_note_shown:
            self.window.reminders_note.show_for(settings)
            self.store.subscribe(self._on_reminders_note_stale, fields=(
                "reminders_enabled", "reminder_interval_minutes", "active_days",
                "active_start", "active_end",
            ))

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
        if background:  # what a paint of the window cached is not needed there
            self.first_paint.add_callback(lambda: QTimer.singleShot(0, release_paint_caches))

    @property
    def settings(self) -> Settings:
        return self.store.settings

    # Start-up

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
        # Imported here on purpose: the reminders, the idle monitor and the history's
        # SQLite are not needed for the first paint, which must come first.
        from massage_timer.ui.reminders.idle import create_idle_monitor
        from massage_timer.ui.reminders.reminders import Reminders

        self.history = self._open_history()
        self.reminders = Reminders(
            self.store,
            self.history,
            create_idle_monitor(),
            self.sound,
            library=lambda: self.library,
            session_running=lambda: self.sessions.running,
            notify=self.tray.notify,
            parent=self,
        )
        self.reminders.startBreakRequested.connect(self.start_break)
        self.sessions.playerStarted.connect(self.reminders.service.break_started)
        self.sessions.cancelled.connect(self.reminders.service.break_cancelled)
        self.reminders.statusChanged.connect(self.tray.set_status)
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
        # Imported here on purpose, as in finish_startup.
        from massage_timer.core.storage.history.schema import HistoryError
        from massage_timer.core.storage.history.store import HistoryStore

        try:
            store, notices = HistoryStore.open(self.paths.history_file)
        except HistoryError as exc:
            self.notices.append(_("{error} Sessions are kept in memory for now.").format(
                error=exc))
            return HistoryStore.memory_only()
        self.notices += notices
        return store

    def _live_reminders(self) -> Reminders:
        """The reminders, starting the rest of the app first if the paint has not yet."""
        self.finish_startup()
        return self.reminders

    def _help_menu_action(self) -> QAction | None:
        actions = self.window.menuBar().actions()
        return actions[-1] if actions else None

    def _connect(self) -> None:
        w, t = self.window, self.tray
        w.startRequested.connect(self.start_session)
        w.historyRequested.connect(self.show_history)
        w.settingsRequested.connect(self.show_settings)
        w.reminders_note.changeRequested.connect(lambda: self.show_settings(reminders=True))
        w.reloadRequested.connect(self.reload_library)
        w.quitRequested.connect(self.quit)
        w.openRoutinesFolderRequested.connect(lambda: open_routines_folder(self.paths))
        r, e = w.routine_actions, self.editing
        r.newRequested.connect(e.new_routine)
        r.duplicateRequested.connect(e.duplicate)
        r.editRequested.connect(e.edit)
        r.deleteRequested.connect(e.delete)
        r.importRequested.connect(e.import_files)
        r.exportRequested.connect(e.export)
        t.startBreakRequested.connect(self._on_tray_start_break)
        t.snoozeRequested.connect(self._on_tray_snooze)
        t.pauseHourRequested.connect(self._on_tray_pause_hour)
        t.pauseTomorrowRequested.connect(self._on_tray_pause_tomorrow)
        t.resumeRequested.connect(self._on_tray_resume)
        t.openRequested.connect(self.bring_to_front)
        t.quitRequested.connect(self.quit)
        self.sessions.breakTaken.connect(self._on_break_taken)
        self.sessions.ended.connect(self.notices_from_history)
        self.sessions.ended.connect(self._apply_pending_language)
        self.app.aboutToQuit.connect(self.shutdown)
        if isinstance(self.app, Application):
            self.app.quitRequested.connect(self._prepare_quit)

    # The tray's (and the Reminders menu's) actions work before the start-up is done.

    def _on_tray_start_break(self) -> None:
        self._live_reminders().service.start_break()

    def _on_tray_snooze(self) -> None:
        self._live_reminders().service.snooze()

    def _on_tray_pause_hour(self) -> None:
        self._live_reminders().service.pause_for(HOUR)

    def _on_tray_pause_tomorrow(self) -> None:
        self._live_reminders().service.pause_until_tomorrow()

    def _on_tray_resume(self) -> None:
        self._live_reminders().service.resume()

    # What the windows ask for

    def start_session(self, routine_id: str) -> None:
        self.finish_startup()
        self.sessions.start(routine_id)

    def start_break(self, routine_id: str) -> None:
        """A posture break asked for by a reminder (the short check if the day allows)."""
        self.finish_startup()
        self.sessions.start(routine_id, from_reminder=True)

    def _on_break_taken(self) -> None:
        self.reminders.service.record_break()
        self.history_window.refresh()

    def notices_from_history(self) -> None:
        self.finish_startup()
        notices = self.history.pop_notices()
        if notices:
            self.window.show_notice(" ".join(notices))

    def bring_to_front(self) -> None:
        w = self.window
        if w.isMinimized():
            w.showNormal()
        w.show()
        w.raise_()
        w.activateWindow()

    def show_history(self) -> None:
        self.finish_startup()
        self.history_window.show(self.history)

    def show_settings(self, *, reminders: bool = False) -> None:
        """Open Settings (at the Reminders page when ``reminders``)."""
        # Imported here on purpose: the dialog is not needed for the first paint.
        from massage_timer.ui.settings.settings_dialog import SettingsDialog
        from massage_timer.ui.settings.voice_preview import VoicePreview

        speech = self.sound.speech
        preview = VoicePreview(self.paths.speech_cache_dir, parent=self)
        dialog = SettingsDialog(
            self.store.settings,
            self.window,
            voices=[(v.id, v.name) for v in speech.voices()] if speech else [],
            routines=[(r.routine.id, r.routine.title) for r in self.library.routines],
            autostart_supported=supported(),
            busy_signals=self._live_reminders().busy.offered,
            preview=preview,
        )
        dialog.accepted.connect(lambda: self.store.update(**dialog.changes()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(preview.deleteLater)
        if reminders:
            dialog.show_reminders()
        dialog.open()

    def reload_library(self) -> None:
        self.library = load_library(self.paths)
        self.window.set_library(self.library)

    def _on_reminders_note_stale(self, change: SettingsChange) -> None:
        """The first-start note says what the reminders are now, or goes when off."""
        note = self.window.reminders_note
        if not note.isHidden():
            if change.new.reminders_enabled:
                note.show_for(change.new)
            else:
                note.hide()

    def _on_include_optional_changed(self, change: SettingsChange) -> None:
        self.window.set_include_optional(change.new.include_optional_steps)

    def _on_voice_timing_changed(self, change: SettingsChange) -> None:
        """The library's lengths follow the voice rate (see core.model.speech_timing)."""
        new = change.new
        self.window.set_speech_timing(timing_for(new.voice_enabled, new.voice_rate))

    def _on_language_changed(self, change: SettingsChange) -> None:
        """A new language applies at once, except during a session: a routine is never
        shown or spoken in two languages, so it finishes in its own first."""
        if self.sessions.running:
            self._language_pending = True
            return
        self._switch_language()

    def _apply_pending_language(self) -> None:
        if self._language_pending:
            self._language_pending = False
            self._switch_language()

    def _switch_language(self) -> None:
        """Every ``_()`` and Qt's dialogs switch (the open windows hear
        ``QEvent.LanguageChange`` and set their texts again, as the tray menu does), and
        the library is read again for the routines' translations."""
        self.language = apply_language(self.app, self.store.settings.language)
        self.reload_library()
        notices = self._translation_notices()
        if notices:
            self.window.show_notice(" ".join(notices))

    def _translation_notices(self) -> list[str]:
        """Says which routines are shown in English because their translation into the
        interface's language is incomplete (each is shown whole in one language)."""
        fell_back = [r.routine.title for r in self.library.routines if r.fell_back]
        if not fell_back:
            return []
        return [ngettext(
            "{count} routine is shown in English because its translation is incomplete: "
            "{titles}.",
            "{count} routines are shown in English because their translations are "
            "incomplete: {titles}.",
            len(fell_back),
        ).format(count=len(fell_back), titles=", ".join(fell_back))]

    def _on_save_error(self, exc: OSError) -> None:
        self.window.show_notice(_("Your settings could not be saved: {error}").format(
            error=exc.strerror or exc))

    # Quitting

    def quit(self) -> None:
        if not self.editing.close_editor():
            return  # the person kept editing
        self._prepare_quit()
        self.app.quit()

    def _prepare_quit(self) -> None:
        """Let the window close instead of going to the background, and stop a session."""
        if self._quitting:
            return
        self._quitting = True
        self.sessions.stop()

    def shutdown(self) -> None:
        """Save what must be saved and release every service (idempotent)."""
        if self._shut_down:
            return
        self._shut_down = True
        self._quitting = True
        self.sessions.stop()
        self.store.update_state(
            window_geometry=self.window.geometry_state(),
            last_routine_id=self.window.current_routine_id() or "",
            shown_reminders_note=self.store.settings.shown_reminders_note
            or self._reminders_note_shown,
        )
        self.tray.hide()
        self.sound.close()
        if self._started:  # else there is no history, reminder or idle monitor to close
            self.reminders.close()
            if not self.history.flush():
                log.warning("history could not be written before quitting")
            self.history.close()
        self.window.close()
        self.window.deleteLater()
