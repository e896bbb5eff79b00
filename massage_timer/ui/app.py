"""Starting the desktop app: the QApplication, one instance, and a clean quit.

:func:`run_app` hands over to an already running copy, or builds the
:class:`~massage_timer.ui.wiring.App` (the settings store, the window and the parts
that serve it) and quits cleanly on Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

from massage_timer import APP_DISPLAY_NAME, APP_NAME, collector
from massage_timer.core.model.language import _
from massage_timer.core.storage.instance import InstanceLock
from massage_timer.core.storage.paths import AppPaths
from massage_timer.ui.desktop.application import Application, create_application
from massage_timer.ui.desktop.first_paint import FirstPaintWatcher
from massage_timer.ui.desktop.single_instance import SingleInstance, server_name
from massage_timer.ui.wiring import App, create_main_window

if TYPE_CHECKING:
    from massage_timer.core.model.schedule import Carried

__all__ = [
    "HANDOVER_ENV",
    "STARTUP_MARK_ENV",
    "Application",
    "FirstPaintWatcher",
    "create_application",
    "create_main_window",
    "run_app",
]

STARTUP_MARK_ENV = "MASSAGE_TIMER_STARTUP_MARK"
HANDOVER_ENV = "MASSAGE_TIMER_HANDOVER"
"""Set by a process for the one that replaces it (``exec``): the data folder's lock
descriptor and the reminder schedule to go on with (JSON)."""

log = logging.getLogger(__name__)


def run_app(args: argparse.Namespace, paths: AppPaths) -> int:
    """Start the app, or hand over to the copy that is already running."""
    app = create_application()
    try:
        name = server_name(paths)
    except OSError as exc:  # no private folder for the socket: the lock still holds
        print(f"{APP_NAME}: {exc.strerror or exc}", file=sys.stderr)
        name = ""
    lock = InstanceLock(paths)
    carried = _take_handover(lock)
    instance = SingleInstance(name, app, lock=lock)
    if not instance.acquire(listen=False):
        if instance.held_elsewhere:
            message = _("another {app} is using {folder} and did not answer; not starting"
                        " a second one.").format(app=APP_DISPLAY_NAME, folder=paths.data_dir)
            print(f"{APP_NAME}: {message}", file=sys.stderr)
            return 1
        return 0
    running: list[App] = []
    _quit_on_signals(app, lambda: running[0].quit() if running else app.exit(0))
    main = App(app, paths, background=bool(getattr(args, "background", False)),
               defer_startup=True, carried=carried)
    running.append(main)
    main.hand_over = lambda schedule: _hand_over(instance, handover_argv(paths), schedule)
    mark = os.environ.get(STARTUP_MARK_ENV)
    if mark:
        _report_first_paint(main, quit_after=mark == "exit")
    instance.activateRequested.connect(main.bring_to_front)
    # Listening loads QtNetwork: after the first paint (the lock holds meanwhile).
    main.when_started(lambda: _listen(instance))
    main.when_started(collector.resume)
    app.setQuitOnLastWindowClosed(False)
    code = app.exec()
    instance.release()
    return code


def handover_argv(paths: AppPaths) -> list[str]:
    """The command that starts this app again, in the background, on the same folders:
    ``paths``, as this process resolved them (a ``~`` the shell left in
    ``--data-dir=~/x`` made the successor use a folder named "~")."""
    if getattr(sys, "frozen", False):  # a bundle: the executable is the app
        argv = [sys.executable]
    else:
        argv = [sys.executable, "-m", "massage_timer"]
    argv.append("--background")
    if paths.root is not None:
        argv += ["--data-dir", str(paths.root)]
    for folder in paths.extra_routine_dirs:
        argv += ["--routines-dir", str(folder)]
    return argv


def _hand_over(instance: SingleInstance, argv: list[str], schedule: Carried) -> None:
    """Replace this process by ``argv`` (a lean background start, the same process id):
    the lock is passed on open, so no other start can slip in, and the reminder
    schedule goes on where it was. Called once the app has shut down (history closed,
    settings saved, speech worker stopped, tray icon hidden)."""
    import json  # only a hand-over needs it, not a start

    payload = {
        "lock_fd": instance.pass_on(),
        "anchor": schedule.anchor.isoformat(),
        "snooze_until": schedule.snooze_until.isoformat() if schedule.snooze_until else None,
        "snoozed_reminder": schedule.snoozed_reminder,
    }
    env = dict(os.environ, **{HANDOVER_ENV: json.dumps(payload)})
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    try:
        os.execve(argv[0], argv, env)
    except OSError as exc:  # pragma: no cover - the interpreter went away
        print(_("{app}: could not restart in the background: {error}").format(
            app=APP_NAME, error=exc.strerror or exc), file=sys.stderr)
        os._exit(1)


def _take_handover(lock: InstanceLock) -> Carried | None:
    """What the process this one replaced passed on (:func:`_hand_over`): the lock is
    adopted, and the schedule returned. Anything unreadable is ignored: the lock is
    then taken as usual and the schedule starts afresh."""
    text = os.environ.pop(HANDOVER_ENV, None)
    if not text:
        return None
    import json
    from datetime import datetime

    from massage_timer.core.model.schedule import Carried

    try:
        payload = json.loads(text)
        fd = payload.get("lock_fd")
        if isinstance(fd, int) and not lock.adopt(fd):
            log.warning("the lock passed on was not adopted")
        until = payload.get("snooze_until")
        return Carried(
            datetime.fromisoformat(payload["anchor"]),
            datetime.fromisoformat(until) if until else None,
            bool(payload.get("snoozed_reminder")),
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        log.warning("unreadable hand-over from the previous process; starting afresh")
        return None


def _listen(instance: SingleInstance) -> None:
    if not instance.listen():  # pragma: no cover - the lock is ours: nobody can answer
        message = _("another {app} answered on this data folder's socket.").format(
            app=APP_DISPLAY_NAME)
        print(f"{APP_NAME}: {message}", file=sys.stderr)


def _report_first_paint(main: App, *, quit_after: bool) -> None:
    """For benchmarks: print ``massage-timer: shown <time.monotonic()>`` to stderr at
    the main window's first paint; with ``quit_after``, quit cleanly once the deferred
    start-up work has run too."""

    def shown() -> None:
        print(f"massage-timer: shown {time.monotonic()!r}", file=sys.stderr, flush=True)
        if quit_after:
            main.when_started(lambda: QTimer.singleShot(0, main.quit))

    main.first_paint.add_callback(shown)


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
    app.aboutToQuit.connect(_release_signal_wakeup)


def _release_signal_wakeup() -> None:
    """Undo ``_quit_on_signals`` in the safe order: the notifier is disabled before its
    fds are closed, so no event loop ever polls a closed fd (Qt spins on that)."""
    signal.set_wakeup_fd(-1)
    for item in _SIGNAL_WAKEUP:
        if isinstance(item, QSocketNotifier):
            item.setEnabled(False)
    for item in _SIGNAL_WAKEUP:
        close = None if isinstance(item, QSocketNotifier) else getattr(item, "close", None)
        if close is not None:
            with contextlib.suppress(OSError):
                close()
    _SIGNAL_WAKEUP.clear()
