"""The running app: every part made and connected, in this one place.

Each part listens to the settings that concern it (see
:class:`~massage_timer.core.storage.settings_store.SettingsStore`); this module only
builds them and connects what the windows ask for to the part that does it. The
window is complete for its first paint; the history, the reminders, the idle monitor
and the tray icon start right after it (:meth:`App.finish_startup`).

A background start under a tray builds no window at all: the tray, the reminders and
their prompt are what it needs, and the window's modules (library, editor, session,
history, diagrams) are imported when the window is first asked for
(:attr:`App.window`), so the process that waits all day stays small.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from massage_timer.core.model.language import _, ngettext
from massage_timer.core.model.settings import Settings
from massage_timer.core.model.speech_timing import timing_for
from massage_timer.core.storage.files import file_in_the_way
from massage_timer.core.storage.loader import Library, load_library
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.settings_store import SettingsChange, SettingsStore
from massage_timer.ui import questions
from massage_timer.ui.desktop.application import Application
from massage_timer.ui.desktop.autostart import StartAtLogin, supported
from massage_timer.ui.desktop.background import CloseToBackground, release_paint_caches
from massage_timer.ui.desktop.first_paint import FirstPaintWatcher
from massage_timer.ui.desktop.language import apply_language
from massage_timer.ui.desktop.tray import ReminderTray
from massage_timer.ui.sound import AudioFactory, Sound, real_audio
from massage_timer.ui.theme import ThemeController

if TYPE_CHECKING:
    from massage_timer.core.model.schedule import Carried
    from massage_timer.core.storage.history.store import HistoryStore
    from massage_timer.ui.editor.editing import RoutineEditing
    from massage_timer.ui.history_window import HistoryWindow
    from massage_timer.ui.library.main_window import MainWindow
    from massage_timer.ui.reminders.reminders import Reminders
    from massage_timer.ui.sessions import Sessions

log = logging.getLogger(__name__)

# With a deferred start-up, the rest of it runs right after the window's first paint,
# or after this long if the window is not painted by then.
STARTUP_FALLBACK_MS = 500
# After the window went to the background this long (and stayed there), the process
# hands over to a fresh background one (see App.hand_over).
HANDOVER_DELAY_MS = 10_000
HOUR = timedelta(hours=1)


def create_main_window(
    paths: AppPaths, settings: Settings, library: Library | None = None
) -> MainWindow:
    """A library window showing ``library`` (or the routines under ``paths``).

    Without a library given, Reload reads the folders again by itself; with one, the
    caller owns the library and its reloading.
    """
    # Imported here on purpose: a background start under a tray builds no window.
    from massage_timer.ui.library.main_window import MainWindow

    window = MainWindow()
    window.set_include_optional(settings.include_optional_steps)
    window.set_speech_timing(timing_for(settings.voice_enabled, settings.voice_rate))
    window.restore_geometry_state(settings.window_geometry)
    window.set_first_routine(settings.last_routine_id)
    window.set_library(library if library is not None else load_library(paths))
    if library is None:
        window.reloadRequested.connect(lambda: window.set_library(load_library(paths)))
    return window


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
        carried: Carried | None = None,
        wall: Callable[[], datetime] | None = None,
    ) -> None:
        """Load the settings and the library, build the window and show it.

        With ``defer_startup`` (what :func:`~massage_timer.ui.app.run_app` does), the
        history store, the reminders, the idle monitor and the tray icon are set up
        right after the window's first paint instead of before it; :attr:`started`
        tells when that has happened, and every entry point that needs them finishes
        the start-up first, so nothing depends on the order. ``audio`` makes the
        speech and the cue player (tests pass fakes).

        A ``background`` start where the desktop has a tray builds no window: the
        tray and the reminders run alone until something asks for the window
        (:attr:`window`), which builds it then. Without a tray the window is built and
        minimized, the one way back to the app. ``carried`` is the reminder schedule
        of the process this one replaced (:attr:`hand_over`). ``wall`` is the reminders'
        wall clock (tests pass one that stays at a known hour of a working day).
        """
        super().__init__(app)
        self.app = app
        self.paths = paths
        self._quitting = False
        self._asking_to_quit = False
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
        self._window: MainWindow | None = None
        self._sessions: Sessions | None = None
        self._history_window: HistoryWindow | None = None
        self._editing: RoutineEditing | None = None
        self._background: CloseToBackground | None = None
        self._first_paint: FirstPaintWatcher | None = None
        self._reminders_note_shown = False
        self._carried = carried
        self._wall = wall
        self.hand_over: Callable[[Carried], None] | None = None
        """Set by ``run_app``: replaces this process by a fresh background one, given
        the schedule to go on with. What the window, a session's sound (QtMultimedia)
        and their modules took is never given back inside a process; a fresh
        background process is ~10 MB smaller than one whose window was closed, ~44 MB
        after a session (docs/performance.md)."""
        self._handover_timer = QTimer(self)
        self._handover_timer.setObjectName("handoverTimer")
        self._handover_timer.setSingleShot(True)
        self._handover_timer.timeout.connect(self._try_hand_over)
        self.store.subscribe(self._on_include_optional_changed, fields=("include_optional_steps",))
        self.store.subscribe(self._on_voice_timing_changed, fields=("voice_enabled", "voice_rate"))
        self.store.subscribe(self._on_language_changed, fields=("language",))
        self.sound = Sound(
            self.store,
            audio or real_audio(paths.speech_cache_dir),
            in_use=lambda: self.session_running,
            parent=self,
        )
        self.start_at_login = StartAtLogin(self.store, paths.root, notice=self._show_notice)

        # The tray's menu is also the window's "Reminders" menu (added when the window
        # is built); the icon itself is shown once the reminders run.
        self.tray = ReminderTray(app.windowIcon(), parent=self)
        self.tray.menu_title = lambda: _("&Reminders")
        self.tray.menu.setTitle(self.tray.menu_title())
        self.tray.follow(self.store)
        self._connect()

        self._defer_startup = defer_startup
        if defer_startup:
            # Hidden (background) or never painted (e.g. started minimized): do not wait.
            timer = QTimer(self)
            timer.setObjectName("startupTimer")
            timer.setSingleShot(True)
            timer.timeout.connect(self.finish_startup)
            self._startup_timer = timer
        if not background or not self.tray.available:
            self._build_window()
        if not defer_startup:
            self.finish_startup()
        elif self._startup_timer is not None:
            self._startup_timer.start(0 if background else STARTUP_FALLBACK_MS)
        if not background:
            self.window.show()
        elif not self.tray.available:
            # No tray to come back through: stay reachable as a minimized window.
            self.window.showMinimized()
            # What its one paint cached is not needed there.
            self.first_paint.add_callback(lambda: QTimer.singleShot(0, release_paint_caches))

    # The window and the parts that live in it, built on first use

    @property
    def has_window(self) -> bool:
        """Whether the main window exists (a background start under a tray has none
        until the person opens it)."""
        return self._window is not None

    @property
    def window(self) -> MainWindow:
        """The main window, built (hidden) on first use with its sessions (the History
        window and the editing part follow at their own first use)."""
        if self._window is None:
            self._build_window()
        assert self._window is not None
        return self._window

    def _parts(self) -> MainWindow:
        return self.window

    @property
    def sessions(self) -> Sessions:
        self._parts()  # built with the window
        assert self._sessions is not None
        return self._sessions

    @property
    def history_window(self) -> HistoryWindow:
        """The History window's holder, made on first use (not needed for the first
        paint; its charts and table wait for its first show anyway)."""
        if self._history_window is None:
            from massage_timer.ui.history_window import HistoryWindow

            self._history_window = HistoryWindow(self.window, self.paths.protected_files)
        return self._history_window

    @property
    def editing(self) -> RoutineEditing:
        """The routine actions' work (new, edit, import, ...), made on first use: its
        modules (the cue plan, the TOML writer) are not needed for the first paint."""
        if self._editing is None:
            from massage_timer.ui.editor.editing import RoutineEditing, voice_tryout

            window = self.window
            hear, play, stop = voice_tryout(
                self.sound, lambda: self.store.settings,
                # Made just below: looked up when it speaks.
                lambda text: self.editing.notice(text),  # noqa: PLW0108
                busy=lambda: self.session_running)
            self.sessions.starting.connect(stop)
            self._editing = RoutineEditing(
                self.paths,
                window,
                library=lambda: self.library,
                reload=self.reload_library,
                settings=lambda: self.store.settings,
                hear=hear,
                play=play,
                parent=self,
            )
        return self._editing

    @property
    def background(self) -> CloseToBackground:
        self._parts()  # built with the window
        assert self._background is not None
        return self._background

    @property
    def first_paint(self) -> FirstPaintWatcher:
        """Fires at the main window's first paint (the window is built if need be)."""
        self._parts()  # built with the window
        assert self._first_paint is not None
        return self._first_paint

    @property
    def session_running(self) -> bool:
        """A session is under way (never without a window)."""
        return self._sessions is not None and self._sessions.running

    def _build_window(self) -> None:
        # Imported here on purpose: a background start under a tray builds no window.
        from massage_timer.ui.sessions import Sessions

        settings = self.store.settings
        window = create_main_window(self.paths, settings, self.library)
        self._window = window
        self._sessions = Sessions(
            self.store,
            self.sound,
            window,
            library=lambda: self.library,
            history=lambda: self.history,
            bring_to_front=self.bring_to_front,
            parent=self,
        )
        help_action = self._help_menu_action()
        if help_action is not None:
            window.menuBar().insertMenu(help_action, self.tray.menu)
        else:
            window.menuBar().addMenu(self.tray.menu)
        self._background = CloseToBackground(
            window,
            self.tray,
            self.store,
            quit_app=self.quit,
            quitting=lambda: self._quitting,
            before=self.finish_startup,
            gone=self._hand_over_later,
        )
        self._connect_window()
        if self._started:
            self._connect_sessions_to_reminders()
        # Reminders are on by default: say so on the first start (saved at quit, so
        # nothing is written before the first paint).
        self._reminders_note_shown = (
            settings.reminders_enabled and not settings.shown_reminders_note
        )
        if self._reminders_note_shown:
            window.reminders_note.show_for(settings)
            self.store.subscribe(self._on_reminders_note_stale, fields=(
                "reminders_enabled", "reminder_interval_minutes", "active_days",
                "active_start", "active_end",
            ))
        self._first_paint = FirstPaintWatcher(window, self._on_first_paint)
        for notice in self.notices:
            window.show_notice(notice)

    def _show_notice(self, text: str, timeout_ms: int = 0) -> None:
        """In the window (see :meth:`MainWindow.show_notice`); without a window, kept for
        when it is built."""
        if self._window is None:
            self.notices.append(text)
        else:
            self._window.show_notice(text, timeout_ms)

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
            session_running=lambda: self.session_running,
            player_running=lambda: self._sessions is not None and self._sessions.player_running,
            notify=self.tray.notify,
            wall=self._wall,
            parent=self,
        )
        self.reminders.startBreakRequested.connect(self.start_break)
        self.reminders.prompt.shownChanged.connect(self.tray.set_prompting)
        self.tray.skipRequested.connect(self.reminders.prompt.skip)
        if self._sessions is not None:
            self._connect_sessions_to_reminders()
        self.reminders.statusChanged.connect(self.tray.set_status)
        self.reminders.statusChanged.connect(self._hand_over_later)
        if self._carried is not None:
            self.reminders.service.schedule.carry_on(self._carried)
        self.reminders.start()
        if self.tray.available:
            self.tray.show()
        self.notices += self.history.pop_notices()
        if self._window is not None:
            for notice in self.notices:
                self._window.show_notice(notice)
        callbacks, self._when_started = self._when_started, []
        for callback in callbacks:
            callback()

    def _connect_sessions_to_reminders(self) -> None:
        """A break counts once its player runs (the window and the reminders may be
        made in either order)."""
        assert self._sessions is not None
        self._sessions.playerStarted.connect(self.reminders.service.break_started)
        self._sessions.cancelled.connect(self.reminders.service.break_cancelled)

    # Handing over to a fresh background process

    def _hand_over_later(self) -> None:
        """The window went to the background, a session ended while it was there (its
        player is a window of its own), or a reminder was answered: hand over if that
        lasts and the process holds what a fresh background one would not."""
        window = self._window
        if (self.hand_over is not None and self.tray.available and self._carries_weight()
                and (window is None or not window.isVisible())):
            self._handover_timer.start(HANDOVER_DELAY_MS)

    def _carries_weight(self) -> bool:
        """The window was built, or a sound played (QtMultimedia, QtNetwork and the
        sound server's libraries are never unloaded)."""
        return self._window is not None or "PySide6.QtMultimedia" in sys.modules

    def can_hand_over(self) -> bool:
        """Nothing would be lost or cut short: the window stays closed, no other
        window or dialog shows (a reminder's prompt, an editor, Settings), no session
        or asked-for break is under way, the tray will bring the app back, and no
        session is kept in memory only (a full disk): the history is written first,
        and while it cannot be, this process stays."""
        window = self._window
        return (
            self.hand_over is not None
            and self._started
            and not self._quitting
            and self.tray.available
            and self._carries_weight()
            and (window is None or not window.isVisible())
            and not self.session_running
            and not self.reminders.service.break_pending
            and not any(w.isVisible() for w in QApplication.topLevelWidgets())
            and (not self.history.in_memory or self.history.flush())
        )

    def _try_hand_over(self) -> None:
        if not self.can_hand_over():
            return
        hand_over = self.hand_over
        assert hand_over is not None
        carried = self.reminders.service.schedule.carry()
        self.shutdown()
        hand_over(carried)

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
        t = self.tray
        t.startBreakRequested.connect(self._on_tray_start_break)
        t.snoozeRequested.connect(self._on_tray_snooze)
        t.pauseHourRequested.connect(self._on_tray_pause_hour)
        t.pauseTomorrowRequested.connect(self._on_tray_pause_tomorrow)
        t.resumeRequested.connect(self._on_tray_resume)
        t.openRequested.connect(self.bring_to_front)
        t.quitRequested.connect(self.quit)
        self.app.aboutToQuit.connect(self.shutdown)
        if isinstance(self.app, Application):
            self.app.quitRequested.connect(self._prepare_quit)

    def _connect_window(self) -> None:
        w = self.window
        w.startRequested.connect(self.start_session)
        w.historyRequested.connect(self.show_history)
        w.settingsRequested.connect(self.show_settings)
        w.reminders_note.changeRequested.connect(lambda: self.show_settings(reminders=True))
        w.reloadRequested.connect(self.reload_library)
        w.quitRequested.connect(self.quit)
        w.openRoutinesFolderRequested.connect(self._open_routines_folder)
        r = w.routine_actions
        r.newRequested.connect(self._new_routine)
        r.duplicateRequested.connect(self._duplicate_routine)
        r.editRequested.connect(self._edit_routine)
        r.deleteRequested.connect(self._delete_routine)
        r.importRequested.connect(self._import_routines)
        r.exportRequested.connect(self._export_routine)
        self.sessions.breakTaken.connect(self._on_break_taken)
        self.sessions.ended.connect(self.notices_from_history)
        self.sessions.ended.connect(self._apply_pending_language)
        self.sessions.ended.connect(self._hand_over_later)

    # The routine actions, through :attr:`editing` (made at the first of them).

    def _open_routines_folder(self) -> None:
        self.editing.open_folder()

    def _new_routine(self) -> None:
        self.editing.new_routine()

    def _duplicate_routine(self, routine_id: str) -> None:
        self.editing.duplicate(routine_id)

    def _edit_routine(self, routine_id: str) -> None:
        self.editing.edit(routine_id)

    def _delete_routine(self, routine_id: str) -> None:
        self.editing.delete(routine_id)

    def _import_routines(self, files: list[Path] | None) -> None:
        self.editing.import_files(files)

    def _export_routine(self, routine_id: str) -> None:
        self.editing.export(routine_id)

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
        if self._history_window is not None:  # else it shows the new break when made
            self._history_window.refresh()

    def notices_from_history(self) -> None:
        self.finish_startup()
        for notice in self.history.pop_notices():
            self._show_notice(notice)

    def bring_to_front(self) -> None:
        """Show the library window, or the session's window while the player has its place."""
        if self._sessions is not None and self._sessions.library_stepped_aside:
            self._sessions.raise_flow()
            return
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
        if self._window is not None:
            self._window.set_library(self.library)

    def _on_reminders_note_stale(self, change: SettingsChange) -> None:
        """The first-start note says what the reminders are now, or goes when off."""
        if self._window is None:
            return
        note = self._window.reminders_note
        if note.active:
            if change.new.reminders_enabled:
                note.update_for(change.new)
            else:
                note.dismiss()

    def _on_include_optional_changed(self, change: SettingsChange) -> None:
        if self._window is not None:  # else it is built with the setting
            self._window.set_include_optional(change.new.include_optional_steps)

    def _on_voice_timing_changed(self, change: SettingsChange) -> None:
        """The library's lengths follow the voice rate (see core.model.speech_timing)."""
        new = change.new
        if self._window is not None:  # else it is built with the setting
            self._window.set_speech_timing(timing_for(new.voice_enabled, new.voice_rate))

    def _on_language_changed(self, change: SettingsChange) -> None:
        """A new language applies at once, except during a session: a routine is never
        shown or spoken in two languages, so it finishes in its own first."""
        if self.session_running:
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
        for notice in self._translation_notices():
            self._show_notice(notice)

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
        reason = file_in_the_way(self.paths.settings_file) or exc.strerror or exc
        self._show_notice(_("Your settings could not be saved: {error}").format(error=reason))

    # Quitting

    def quit(self) -> None:
        if self._asking_to_quit:
            return  # its question is open: a second Ctrl+C or SIGTERM asks no second one
        self._asking_to_quit = True
        try:
            if not self._may_quit():
                return
        finally:
            self._asking_to_quit = False
        self._prepare_quit()
        self.app.quit()

    def _may_quit(self) -> bool:
        """Ask about what quitting would throw away: the editor's unsaved changes, and
        sessions the history file refused (kept in memory, they end with the process)."""
        if self._editing is not None and not self._editing.close_editor():
            return False  # the person kept editing
        history = self.history if self._started else None
        while history is not None and history.pending_writes and not history.flush():
            answer = questions.ask_unsaved_history(
                self._window, history.unsaved_sessions, self.paths.history_file,
                history.write_error)
            if answer is not questions.UnsavedHistory.RETRY:
                return answer is questions.UnsavedHistory.QUIT
        return True

    def _prepare_quit(self) -> None:
        """Let the window close instead of going to the background, and stop a session."""
        if self._quitting:
            return
        self._quitting = True
        if self._sessions is not None:
            self._sessions.stop()

    def shutdown(self) -> None:
        """Save what must be saved and release every service (idempotent)."""
        if self._shut_down:
            return
        self._shut_down = True
        self._quitting = True
        window = self._window
        if self._sessions is not None:
            self._sessions.stop()
        if window is not None:  # else nothing of it changed
            self.store.update_state(
                window_geometry=window.geometry_state(),
                last_routine_id=window.current_routine_id() or "",
                shown_reminders_note=self.store.settings.shown_reminders_note
                or self._reminders_note_shown,
            )
        self.tray.hide()
        self.sound.close()
        if self._history_window is not None:
            self._history_window.close()
        if self._started:  # else there is no history, reminder or idle monitor to close
            self.reminders.close()
            if not self.history.flush():
                log.warning("history could not be written before quitting")
            self.history.close()
        if window is not None:
            window.close()
            window.deleteLater()
