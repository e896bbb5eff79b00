"""Closing the main window while reminders run: the app goes on in the background.

The first time, the person is told where it went (a notification, or a message box
where the desktop shows none); that it was told is kept in ``shown_background_hint``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QPixmapCache
from PySide6.QtWidgets import QMainWindow

from massage_timer import APP_DISPLAY_NAME
from massage_timer.core.model.language import N_, _
from massage_timer.core.storage.settings_store import SettingsStore
from massage_timer.ui.desktop.first_paint import FirstPaintWatcher
from massage_timer.ui.desktop.tray import ReminderTray

BACKGROUND_HINT = N_(
    "Massage Timer keeps running in the background to remind you to take breaks. "
    "Open it again from the tray icon or your applications menu; to quit, use "
    "File ▸ Quit or Quit in the tray menu."
)
BACKGROUND_HINT_NO_TRAY = N_(
    "Massage Timer keeps running (minimized) to remind you to take breaks. "
    "To quit, use File ▸ Quit."
)


def release_paint_caches() -> None:
    """Drop the pixmaps cached for painting windows that are no longer on screen.

    Besides their memory, while ``QPixmapCache`` holds anything its timer wakes the
    app every 10 s (after the first 30 s) to age the entries: in the background that
    was the app's most frequent wake-up.
    """
    QPixmapCache.clear()


class CloseToBackground(QObject):
    """Turns a close of ``window`` into "keep running" while reminders are on, else a quit.

    ``before`` runs first (the deferred start-up, so the reminders exist); ``quitting``
    says that the app is quitting, when the close must go through; ``gone`` is called
    once the window went to the background.
    """

    def __init__(
        self,
        window: QMainWindow,
        tray: ReminderTray,
        store: SettingsStore,
        *,
        quit_app: Callable[[], None],
        quitting: Callable[[], bool],
        before: Callable[[], None],
        gone: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._tray = tray
        self._store = store
        self._quit = quit_app
        self._quitting = quitting
        self._before = before
        self._gone = gone
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Close and not self._quitting():
            self._before()
            if self._store.settings.reminders_enabled:
                event.ignore()
                self._go_to_background()
                return True
            self._quit()
            return True
        return super().eventFilter(watched, event)

    def _go_to_background(self) -> None:
        if self._tray.available:
            self._window.hide()
        else:
            self._window.showMinimized()
        QTimer.singleShot(0, release_paint_caches)
        # A minimized window may still be painted once more (where no window manager
        # hides it): drop what that paint cached too.
        watcher = FirstPaintWatcher(self._window, lambda: None)
        watcher.add_callback(lambda: QTimer.singleShot(0, self._release_if_away))
        watcher.add_callback(watcher.deleteLater)
        if self._gone is not None:
            self._gone()
        if self._store.settings.shown_background_hint:
            return
        self._store.update_state(shown_background_hint=True)
        text = _(BACKGROUND_HINT if self._tray.available else BACKGROUND_HINT_NO_TRAY)
        if not self._tray.notify(APP_DISPLAY_NAME, text):
            from PySide6.QtWidgets import QMessageBox  # made at first use, not at the start

            box = QMessageBox(
                QMessageBox.Icon.Information,
                APP_DISPLAY_NAME,
                text,
                QMessageBox.StandardButton.Ok,
            )
            box.setObjectName("backgroundHint")
            box.setParent(self._window, box.windowFlags())
            box.finished.connect(box.deleteLater)
            box.open()

    def _release_if_away(self) -> None:
        if not self._window.isVisible() or self._window.isMinimized():
            release_paint_caches()
