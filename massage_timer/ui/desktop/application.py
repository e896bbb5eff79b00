"""The app's QApplication: its names and icon, and a signal for a request to quit."""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from massage_timer import APP_DISPLAY_NAME, APP_NAME, DESKTOP_ID, __version__
from massage_timer.core.storage.resources import asset


class Application(QApplication):
    """The app's QApplication, which says when something asks it to quit.

    Qt answers a quit request (``QApplication.quit()``, Cmd+Q on macOS, the end of a
    desktop session) by closing every window first and gives up if one refuses. The
    main window refuses a close so that the reminders keep running in the background;
    :attr:`quitRequested` comes before those closes, so the app can tell
    "quit" from "close the window".
    """

    quitRequested = Signal()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Quit:
            self.quitRequested.emit()
        return super().event(event)


def create_application(argv: list[str] | None = None) -> QApplication:
    """The :class:`Application` with the app's names and icon (an existing
    QApplication is reused)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else Application(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_ID)
    icon = asset("icons", "massage-timer.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app
