"""The app's QApplication: its names and icon, and a signal for a request to quit."""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QSize, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from massage_timer import APP_DISPLAY_NAME, APP_NAME, DESKTOP_ID, __version__
from massage_timer.core.storage.resources import asset

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


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
    icon = app_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)
    return app


def app_icon() -> QIcon:
    """The app's icon from its PNG renderings (``assets/icons/hicolor``, rendered from
    the SVG by Qt's SVG renderer in ``packaging/render_icons.py``), else the SVG.

    An SVG icon loads QtSvg and its icon engine for the life of the process, ~2 MB
    resident before anything is drawn: too much for a process that waits in the tray.
    """
    icon = QIcon()
    for size in ICON_SIZES:
        png = asset("icons", "hicolor", f"{size}x{size}", "apps", "massage-timer.png")
        if png.is_file():
            icon.addFile(str(png), QSize(size, size))
    if icon.isNull():
        svg = asset("icons", "massage-timer.svg")
        if svg.is_file():
            icon = QIcon(str(svg))
    return icon
