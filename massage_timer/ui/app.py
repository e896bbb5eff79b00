"""Starting the desktop app: the QApplication, one instance, and a clean quit.

:func:`run_app` hands over to an already running copy, or builds the
:class:`~massage_timer.ui.controller.AppController` (which wires the windows to the
settings, history, reminders and sound) and quits cleanly on Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSocketNotifier, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import QApplication

from massage_timer import APP_DISPLAY_NAME, APP_NAME, DESKTOP_ID, __version__
from massage_timer.core.model.settings import Settings
from massage_timer.core.model.speech_timing import timing_for
from massage_timer.core.storage.loader import Library, load_library
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.resources import asset
from massage_timer.ui.library.main_window import MainWindow

if TYPE_CHECKING:
    from massage_timer.ui.controller import AppController

STARTUP_MARK_ENV = "MASSAGE_TIMER_STARTUP_MARK"


class FirstPaintWatcher(QObject):
    """Calls ``callback`` once, at the first Paint (or Expose) of ``widget``.

    The event filter is removed as soon as it has fired, so later paints cost nothing.
    """

    def __init__(self, widget: QObject, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget: QObject | None = widget
        self._callbacks = [callback]
        widget.installEventFilter(self)

    @property
    def fired(self) -> bool:
        return self._widget is None

    def add_callback(self, callback: Callable[[], None]) -> None:
        """Also call ``callback`` at the first paint (at once when that has happened)."""
        if self.fired:
            callback()
        else:
            self._callbacks.append(callback)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        widget = self._widget
        if (
            widget is not None
            and watched is widget
            and event.type() in (QEvent.Type.Paint, QEvent.Type.Expose)
        ):
            widget.removeEventFilter(self)
            self._widget = None
            callbacks, self._callbacks = self._callbacks, []
            for callback in callbacks:
                callback()
        return False


class Application(QApplication):
    """The app's QApplication, which says when something asks it to quit.

    Qt answers a quit request (``QApplication.quit()``, Cmd+Q on macOS, the end of a
    desktop session) by closing every window first and gives up if one refuses. The
    main window refuses a close so that the reminders keep running in the background;
    :attr:`quitRequested` comes before those closes, so the controller can tell
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
    window.set_library(library if library is not None else load_library(paths))
    if library is None:
        window.reloadRequested.connect(lambda: window.set_library(load_library(paths)))
    return window


def open_routines_folder(paths: AppPaths) -> bool:
    """Open the user's routine folder in the file manager (created when missing)."""
    folder = paths.user_routines_dir
    folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def run_app(args: argparse.Namespace, paths: AppPaths) -> int:
    """Start the app, or hand over to the copy that is already running."""
    from massage_timer.core.storage.instance import InstanceLock
    from massage_timer.ui.controller import AppController
    from massage_timer.ui.desktop.single_instance import SingleInstance, server_name

    app = create_application()
    try:
        name = server_name(paths)
    except OSError as exc:  # no private folder for the socket: the lock still holds
        print(f"{APP_NAME}: {exc.strerror or exc}", file=sys.stderr)
        name = ""
    instance = SingleInstance(name, app, lock=InstanceLock(paths))
    if not instance.acquire():
        if instance.held_elsewhere:
            print(f"{APP_NAME}: another {APP_DISPLAY_NAME} is using {paths.data_dir} and did "
                  "not answer; not starting a second one.", file=sys.stderr)
            return 1
        return 0
    controllers: list[AppController] = []
    _quit_on_signals(app, lambda: controllers[0].quit() if controllers else app.exit(0))
    controller = AppController(
        app, paths, background=bool(getattr(args, "background", False)), defer_startup=True
    )
    controllers.append(controller)
    mark = os.environ.get(STARTUP_MARK_ENV)
    if mark:
        _report_first_paint(controller, quit_after=mark == "exit")
    instance.activateRequested.connect(controller.bring_to_front)
    app.setQuitOnLastWindowClosed(False)
    code = app.exec()
    instance.release()
    return code


def _report_first_paint(controller: AppController, *, quit_after: bool) -> None:
    """For benchmarks: print ``massage-timer: shown <time.monotonic()>`` to stderr at
    the main window's first paint; with ``quit_after``, quit cleanly once the deferred
    start-up work has run too."""

    def shown() -> None:
        print(f"massage-timer: shown {time.monotonic()!r}", file=sys.stderr, flush=True)
        if quit_after:
            controller.when_started(lambda: QTimer.singleShot(0, controller.quit))

    controller.first_paint.add_callback(shown)


_SIGNAL_WAKEUP: list[object] = []


def _quit_on_signals(app: QApplication, quit_app: Callable[[], None]) -> None:
    """Quit cleanly (history closed, settings saved) on Ctrl+C or SIGTERM.

    The C-level handler writes to a pipe (a socket on Windows) that Qt watches, so
    this costs no timer wake-ups while the app idles in the background.
    """
    if os.name == "posix":
        reader, writer = os.pipe()
        os.set_blocking(reader, False)
        os.set_blocking(writer, False)
        reader_fd, writer_fd = reader, writer

        def drain() -> None:
            os.read(reader_fd, 64)

        _SIGNAL_WAKEUP.extend((os.fdopen(reader, "rb", 0), os.fdopen(writer, "wb", 0)))
    else:  # pragma: no cover - set_wakeup_fd takes only a socket there
        import socket

        sock_reader, sock_writer = socket.socketpair()
        sock_reader.setblocking(False)
        sock_writer.setblocking(False)
        reader_fd, writer_fd = sock_reader.fileno(), sock_writer.fileno()

        def drain() -> None:
            sock_reader.recv(64)

        _SIGNAL_WAKEUP.extend((sock_reader, sock_writer))
    signal.set_wakeup_fd(writer_fd)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: None)
    notifier = QSocketNotifier(reader_fd, QSocketNotifier.Type.Read, app)

    def on_signal() -> None:
        with contextlib.suppress(OSError):
            drain()
        quit_app()

    notifier.activated.connect(on_signal)
    _SIGNAL_WAKEUP.append(notifier)
