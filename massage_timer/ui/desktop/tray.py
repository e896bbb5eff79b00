"""The tray icon and its menu, where the desktop has a tray.

The menu is built whether or not there is a tray, so the app can also put it in the
main window (e.g. as a "Reminders" menu): GNOME without an extension shows no tray
icons, and nothing may depend on the tray.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QLocale, QObject, QTime, Signal, SignalInstance
from PySide6.QtGui import QAction, QGuiApplication, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from massage_timer import APP_DISPLAY_NAME
from massage_timer.core.model.language import _, ngettext
from massage_timer.core.model.settings import Settings
from massage_timer.core.model.text import single_line
from massage_timer.core.storage.settings_store import SettingsChange, SettingsStore
from massage_timer.ui.plain import plain_message, plain_tooltip

NOTIFY_MS = 10_000
MEETING_MINUTES = (30, 60, 120)
"""Meeting mode lengths offered in the menu: reminders are held meanwhile."""


class ReminderTray(QObject):
    """Tray icon (if any) and the reminders menu.

    Signals:
        startBreakRequested(), snoozeRequested(), skipRequested() (a reminder shows),
        pauseHourRequested(),
        pauseTomorrowRequested(), resumeRequested(), openRequested(), quitRequested()
    """

    startBreakRequested = Signal()
    snoozeRequested = Signal()
    skipRequested = Signal()
    pauseHourRequested = Signal()
    pauseTomorrowRequested = Signal()
    resumeRequested = Signal()
    openRequested = Signal()
    quitRequested = Signal()

    def __init__(
        self, icon: QIcon | None = None, *, tray_available: bool | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.menu_title: Callable[[], str] = lambda: _("{app} reminders").format(
            app=APP_DISPLAY_NAME)
        """The menu's title, in the current language (the main window's menu bar
        names it differently)."""
        self._menu = QMenu()
        self._menu.setObjectName("trayMenu")
        self._start = self._action("trayStartBreak", self.startBreakRequested)
        self._next = self._action("trayNextReminder", None)
        self._status = _("Next reminder at --:--")
        self._next.setText(self._status)
        self._next.setEnabled(False)
        self._menu.addSeparator()
        self._snooze = self._action("traySnooze", self.snoozeRequested)
        self._skip = self._action("traySkip", self.skipRequested)
        self._skip.setVisible(False)  # while a reminder shows (see set_prompting)
        self._pause_menu = QMenu(self._menu)
        self._pause_menu.setObjectName("trayPauseMenu")
        self._menu.addMenu(self._pause_menu)
        self._pause_hour = self._action("trayPauseHour", self.pauseHourRequested,
                                        self._pause_menu)
        self._pause_tomorrow = self._action("trayPauseTomorrow", self.pauseTomorrowRequested,
                                            self._pause_menu)
        self._resume = self._action("trayResume", self.resumeRequested)
        self._resume.setVisible(False)
        self._meeting_menu = QMenu(self._menu)
        self._meeting_menu.setObjectName("trayMeetingMenu")
        self._menu.addMenu(self._meeting_menu)
        self._meetings: list[QAction] = []
        for minutes in MEETING_MINUTES:
            action = self._action(f"trayMeeting{minutes}", None, self._meeting_menu)
            action.triggered.connect(lambda _checked=False, m=minutes: self._start_meeting(m))
            self._meetings.append(action)
        self._end_meeting = self._action("trayMeetingEnd", None, self._meeting_menu)
        self._end_meeting.triggered.connect(self._stop_meeting)
        self._end_meeting.setVisible(False)
        self._store: SettingsStore | None = None
        self._menu.addSeparator()
        self._open = self._action("trayOpen", self.openRequested)
        self._quit = self._action("trayQuit", self.quitRequested)
        self._retranslate()
        self._menu.installEventFilter(self)

        available = (
            QSystemTrayIcon.isSystemTrayAvailable() if tray_available is None else tray_available
        )
        self._icon: QSystemTrayIcon | None = None
        if available:
            tray = QSystemTrayIcon(icon or QGuiApplication.windowIcon(), self)
            tray.setObjectName("trayIcon")
            tray.setToolTip(APP_DISPLAY_NAME)
            tray.setContextMenu(self._menu)
            tray.activated.connect(self._on_activated)
            self._icon = tray

    def _retranslate(self) -> None:
        """Every fixed text of the menu, in the current language."""
        self._menu.setTitle(self.menu_title())
        self._menu.setAccessibleName(_("Reminders menu"))
        self._start.setText(_("Start a micro-&break"))
        self._skip.setText(_("S&kip this break"))
        self._pause_menu.setTitle(_("&Pause reminders"))
        self._pause_menu.setAccessibleName(_("Pause reminders"))
        self._pause_hour.setText(_("For 1 &hour"))
        self._pause_tomorrow.setText(_("Until &tomorrow"))
        self._resume.setText(_("&Resume reminders"))
        self._meeting_menu.setAccessibleName(_("Meeting mode: hold reminders"))
        for minutes, action in zip(MEETING_MINUTES, self._meetings, strict=True):
            action.setText(
                ngettext("For {count} minute", "For {count} minutes", minutes).format(
                    count=minutes) if minutes < 60 else
                ngettext("For {count} hour", "For {count} hours", minutes // 60).format(
                    count=minutes // 60))
        self._end_meeting.setText(_("&End meeting mode"))
        self._open.setText(_("&Open {app}").format(app=APP_DISPLAY_NAME))
        self._quit.setText(_("&Quit"))
        if self._store is not None:
            self._show_settings(self._store.settings)
        else:
            self.set_snooze_minutes(10)
            self._meeting_menu.setTitle(_("&Meeting mode"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._menu and event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        return False

    def _action(
        self, name: str, signal: SignalInstance | None, menu: QMenu | None = None
    ) -> QAction:
        action = QAction(self._menu)
        action.setObjectName(name)
        (menu or self._menu).addAction(action)
        if signal is not None:
            action.triggered.connect(signal.emit)
        return action

    @property
    def menu(self) -> QMenu:
        return self._menu

    @property
    def icon(self) -> QSystemTrayIcon | None:
        """The tray icon, or ``None`` where the desktop has no tray."""
        return self._icon

    @property
    def available(self) -> bool:
        return self._icon is not None

    def show(self) -> None:
        if self._icon is not None:
            self._icon.show()

    def hide(self) -> None:
        if self._icon is not None:
            self._icon.hide()

    def set_status(self, text: str) -> None:
        """The disabled info line, e.g. "Next reminder at 14:30" (in a meeting, that
        reminders wait for its end instead)."""
        self._status = text
        self._show_info()

    def _show_info(self) -> None:
        meeting = self._meeting_end()
        text = self._status if meeting is None else _(
            "Reminders wait until the meeting ends at {time}").format(time=meeting)
        self._next.setText(text)
        if self._icon is not None:
            self._icon.setToolTip(plain_tooltip(f"{APP_DISPLAY_NAME}\n{text}"))

    def _meeting_end(self) -> str | None:
        """When the meeting ends (as the clock shows it), if one is under way."""
        meeting = self._store.settings.meeting_until if self._store is not None else None
        if meeting is None or meeting <= datetime.now().astimezone():
            return None
        local = meeting.astimezone()
        return QLocale().toString(QTime(local.hour, local.minute),
                                  QLocale.FormatType.ShortFormat)

    def set_snooze_minutes(self, minutes: int) -> None:
        self._snooze.setText(_("&Snooze ({minutes} min)").format(minutes=minutes))

    def set_prompting(self, prompting: bool) -> None:
        """A reminder shows: its Skip is in the menu too (the prompt takes no keys)."""
        self._skip.setVisible(prompting)

    def set_paused(self, paused: bool) -> None:
        self._resume.setVisible(paused)
        self._snooze.setEnabled(not paused)

    def set_reminders_enabled(self, enabled: bool) -> None:
        for action in (self._snooze, self._pause_menu.menuAction(), self._resume,
                       self._meeting_menu.menuAction()):
            action.setEnabled(enabled)

    def follow(self, store: SettingsStore) -> None:
        """Show the reminder settings from ``store`` now and whenever they change."""
        self._store = store
        self._show_settings(store.settings)
        # A meeting ends with the clock, not with a settings change: look on opening.
        self._menu.aboutToShow.connect(self._show_meeting)
        store.subscribe(
            self._on_settings_changed,
            fields=("reminders_enabled", "snooze_minutes", "paused_until", "meeting_until"),
        )

    def _start_meeting(self, minutes: int) -> None:
        """Meeting mode: every reminder due in the next ``minutes`` is held, then shown once."""
        if self._store is not None:
            until = datetime.now().astimezone() + timedelta(minutes=minutes)
            self._store.update_state(meeting_until=until)

    def _stop_meeting(self) -> None:
        if self._store is not None:
            self._store.update_state(meeting_until=None)

    def _on_settings_changed(self, change: SettingsChange) -> None:
        self._show_settings(change.new)

    def _show_settings(self, settings: Settings) -> None:
        enabled, paused = settings.reminders_enabled, settings.paused_until is not None
        self.set_reminders_enabled(enabled)
        self.set_snooze_minutes(settings.snooze_minutes)
        self.set_paused(paused)
        self._snooze.setEnabled(enabled and not paused)
        self._show_meeting()

    def _show_meeting(self) -> None:
        end = self._meeting_end()
        self._end_meeting.setVisible(end is not None)
        self._meeting_menu.setTitle(
            _("&Meeting mode (until {time})").format(time=end) if end is not None
            else _("&Meeting mode"))
        self._show_info()

    def notify(self, title: str, text: str) -> bool:
        """A desktop notification through the tray, where it supports them."""
        if self._icon is None or not QSystemTrayIcon.supportsMessages():
            return False
        self._icon.showMessage(single_line(title), plain_message(text),
                               QSystemTrayIcon.MessageIcon.Information, NOTIFY_MS)
        return True

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.openRequested.emit()
