"""Idle on wlroots Wayland desktops (ext-idle-notify-v1), with real parts: a stand-in
compositor in a child process (libwayland's server, tests/wayland_compositor.py) on a
private socket, and the app's own client on its own connection. The source is found and
named, going idle holds back a real reminder of a real schedule and coming back releases
it, and the compositor dying leaves the app working."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from test_busy_desktop import Day
from wayland_compositor import WaylandCompositor

from massage_timer.core.model.schedule import ReminderState
from massage_timer.core.model.settings import Settings
from massage_timer.core.storage.history.store import HistoryStore
from massage_timer.core.storage.paths import AppPaths
from massage_timer.ui.reminders.busy import BusyDetector
from massage_timer.ui.reminders.idle import IdleMonitor, create_idle_monitor

try:
    from massage_timer.ui.reminders.idle_wayland import CONNECT_TIMEOUT_S, WaylandIdle
except ImportError:  # pyproject.toml installs pywayland only where it has a wheel
    pytest.skip("pywayland is not installed on this machine", allow_module_level=True)

REPO = Path(__file__).resolve().parent.parent
FIVE_MINUTES_MS = Settings().idle_minutes * 60 * 1000


@pytest.fixture
def compositor(monkeypatch: pytest.MonkeyPatch) -> Iterator[WaylandCompositor]:
    """The stand-in compositor, and this process on a sway session with no D-Bus."""
    comp = WaylandCompositor()
    for key, value in comp.env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "sway")
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
    yield comp
    comp.close()


@pytest.fixture
def history(tmp_path: Path) -> Iterator[HistoryStore]:
    store, _notices = HistoryStore.open(tmp_path / "history.sqlite3")
    yield store
    store.close()


class WaylandDay(Day):
    """A real controller and schedule whose idle time comes from the compositor."""

    def __init__(self, history: HistoryStore) -> None:
        # Day's __init__ makes the clocks, and its first tick already asks the source.
        self.source = WaylandIdle(monotonic=lambda: self.clocks.monotonic())  # noqa: PLW0108
        super().__init__(BusyDetector(Settings, []), history, idle=self.source.idle_seconds)

    def close(self) -> None:
        super().close()
        self.source.close()


def test_the_source_is_found_and_named(qtbot: QtBot, compositor: WaylandCompositor) -> None:
    from massage_timer.commands import selfcheck

    monitor = create_idle_monitor()
    try:
        assert monitor.backend == "wayland"
        qtbot.waitUntil(lambda: compositor.notifications() == [FIVE_MINUTES_MS])
    finally:
        monitor.close()
    qtbot.waitUntil(lambda: compositor.notifications() == [])  # destroyed on close
    assert selfcheck._check_idle({}).startswith("wayland; sleep seen by ")


def test_the_desktops_own_service_comes_first(
    qtbot: QtBot, compositor: WaylandCompositor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Plasma (KWin has the protocol too) and GNOME their D-Bus service is asked
    first; on sway and the like, ext-idle-notify, though a D-Bus idle service answers."""
    from busy_services import BusServices

    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (Debian: dbus-daemon)")
    bus = BusServices()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    try:
        for desktop, expected in (("KDE", "kde"), ("GNOME", "gnome"),
                                  ("sway", "wayland"), ("Hyprland", "wayland")):
            monkeypatch.setenv("XDG_CURRENT_DESKTOP", desktop)
            monitor = create_idle_monitor()
            try:
                assert monitor.backend == expected, desktop
            finally:
                monitor.close()
    finally:
        bus.close()


def test_a_compositor_without_the_protocol_or_no_compositor_means_no_source(
    compositor: WaylandCompositor, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = WaylandCompositor("--no-idle-notify")
    try:
        monkeypatch.setenv("WAYLAND_DISPLAY", bare.socket)
        monkeypatch.setenv("XDG_RUNTIME_DIR", bare.runtime_dir)
        with pytest.raises(OSError, match="ext_idle_notifier_v1"):
            WaylandIdle()
        assert create_idle_monitor().backend == "none"
    finally:
        bare.close()
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-nobody-here")
    assert create_idle_monitor().backend == "none"


def test_a_compositor_that_does_not_answer_costs_a_quarter_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="mt-wl-"))  # short: a socket path
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.bind(str(folder / "wayland-9"))
    silent.listen(1)  # accepts the connection, never says a word
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-9")
    try:
        started = time.monotonic()
        with pytest.raises(OSError, match="did not answer"):
            WaylandIdle()
        assert time.monotonic() - started < CONNECT_TIMEOUT_S + 0.5
    finally:
        silent.close()
        shutil.rmtree(folder)


def test_the_reminders_idle_time_is_the_notifications_timeout(
    qtbot: QtBot, compositor: WaylandCompositor
) -> None:
    monitor = IdleMonitor(WaylandIdle())
    try:
        monitor.set_threshold(12 * 60)
        qtbot.waitUntil(lambda: compositor.notifications() == [12 * 60 * 1000])
        assert compositor.tell("idled") == "1"
        qtbot.waitUntil(lambda: (monitor.idle_seconds() or 0) >= 12 * 60)
        monitor.set_threshold(12 * 60)  # unchanged: the notification (and idle) stay
        assert (monitor.idle_seconds() or 0) >= 12 * 60
    finally:
        monitor.close()


def test_going_away_withdraws_a_shown_reminder_and_coming_back_starts_an_interval(
    qtbot: QtBot, compositor: WaylandCompositor, history: HistoryStore
) -> None:
    """The shape of the D-Bus idle sources' test (tests/test_busy_desktop.py), told by
    the compositor's events rather than read from a service."""
    day = WaylandDay(history)
    try:
        qtbot.waitUntil(lambda: compositor.notifications() == [FIVE_MINUTES_MS])
        day.fire(3600)
        assert day.state is ReminderState.PROMPTING
        assert compositor.tell("idled") == "1"  # five minutes without input
        qtbot.waitUntil(lambda: day.source.idle)  # the socket notifier, not a timer
        day.fire(60)
        assert day.state is ReminderState.AWAY
        assert compositor.tell("resumed") == "1"
        qtbot.waitUntil(lambda: not day.source.idle)
        day.fire(60)
        assert day.state is ReminderState.WAITING
        at = day.controller.schedule.next_reminder_at()
        assert at is not None and at - day.clocks.now > timedelta(minutes=59)
        assert day.logged() == [("shown", None)]
    finally:
        day.close()


def test_idle_when_a_reminder_falls_due_holds_it_until_an_interval_after_the_return(
    qtbot: QtBot, compositor: WaylandCompositor, history: HistoryStore
) -> None:
    day = WaylandDay(history)
    try:
        qtbot.waitUntil(lambda: compositor.notifications() == [FIVE_MINUTES_MS])
        day.fire(50 * 60)
        assert compositor.tell("idled") == "1"  # left at 09:45, idle from 09:50
        qtbot.waitUntil(lambda: day.source.idle)
        for _ in range(30):  # 10:00, when the reminder fell due, passes in the quiet
            day.fire(60)
            assert day.state is ReminderState.AWAY
        assert day.logged() == []
        assert compositor.tell("resumed") == "1"  # back at 10:20
        qtbot.waitUntil(lambda: not day.source.idle)
        day.fire(60)
        assert day.state is ReminderState.WAITING
        at = day.controller.schedule.next_reminder_at()
        back = day.clocks.now
        assert at is not None and timedelta(minutes=59) < at - back <= timedelta(minutes=60)
        day.fire((at - back).total_seconds())
        assert day.state is ReminderState.PROMPTING
        assert day.logged() == [("shown", None)]
    finally:
        day.close()


def test_the_compositor_dying_leaves_the_app_working(
    qtbot: QtBot, compositor: WaylandCompositor, history: HistoryStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    day = WaylandDay(history)
    try:
        assert compositor.tell("idled") == "1"
        qtbot.waitUntil(lambda: day.source.idle)
        with caplog.at_level(logging.WARNING, logger="massage_timer.idle"):
            compositor.die()
            qtbot.waitUntil(lambda: not day.source.live)
        assert "went away" in caplog.text
        assert day.source.idle_seconds() is None  # not known, so not "away"
        day.fire(3600)
        assert day.state is ReminderState.PROMPTING
        assert day.logged() == [("shown", None)]
        day.source.set_threshold(600)  # a settings change after that is harmless
    finally:
        day.close()


def test_pywayland_is_imported_only_on_a_wayland_session() -> None:
    code = (
        "import sys\n"
        "from PySide6.QtGui import QGuiApplication\n"
        "app = QGuiApplication([])\n"
        "from massage_timer.ui.reminders.idle import create_idle_monitor\n"
        "create_idle_monitor().close()\n"
        "print(sorted(m for m in ('pywayland', '_cffi_backend') if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
    env.update(QT_QPA_PLATFORM="offscreen", XDG_CURRENT_DESKTOP="",
               DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, cwd=REPO, timeout=60, check=True)
    assert out.stdout.strip() == "[]", out.stderr[-2000:]


def test_the_running_app_asks_with_the_idle_time_setting(
    qtbot: QtBot, compositor: WaylandCompositor, app_paths: AppPaths, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from test_live_settings import FakeAudio, _qapp

    from massage_timer.ui.wiring import App

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    app = App(_qapp(), app_paths, audio=FakeAudio())
    try:
        assert app.reminders.idle.backend == "wayland"
        qtbot.waitUntil(lambda: compositor.notifications() == [FIVE_MINUTES_MS])
        app.store.update(idle_minutes=7)
        qtbot.waitUntil(lambda: compositor.notifications() == [7 * 60 * 1000])
    finally:
        app.shutdown()
        app.deleteLater()
    qtbot.waitUntil(lambda: compositor.notifications() == [])
