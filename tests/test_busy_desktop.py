"""Quiet while busy, with real parts: a private D-Bus with stand-in desktop services, a
full-screen window of another process under Xvfb, a PulseAudio null sink with a real
recording client, a process holding a device open, a listed program running. Each busy
signal defers a real reminder of a real schedule (logged as deferred, with its reason,
in a real history file) and releases it; each idle source makes the schedule see the
person leave and come back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from busy_services import BusServices
from conftest import FakeClocks
from pytestqt.qtbot import QtBot
from sound_server import null_sink_server

from massage_timer.core.model.busy import BusyReason
from massage_timer.core.model.schedule import ReminderState
from massage_timer.core.model.settings import Settings, replace
from massage_timer.core.storage.history.store import HistoryStore
from massage_timer.ui.reminders import busy_dbus, busy_local
from massage_timer.ui.reminders.busy import BusyDetector, Detector, create_busy_detector
from massage_timer.ui.reminders.idle import GnomeIdle, IdleMonitor, KdeIdle, SleepWatcher
from massage_timer.ui.reminders.service import ReminderController

MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HERE = Path(__file__).resolve().parent
needs_dbus = pytest.mark.skipif(shutil.which("dbus-daemon") is None,
                                reason="dbus-daemon is not installed (Debian: dbus-daemon)")


@pytest.fixture
def history(tmp_path: Path) -> Iterator[HistoryStore]:
    store, _notices = HistoryStore.open(tmp_path / "history.sqlite3")
    yield store
    store.close()


class Day:
    """A real controller and schedule on fake clocks, logging to a real history file."""

    def __init__(self, detector: BusyDetector, history: HistoryStore,
                 idle: Callable[[], float | None] = lambda: None) -> None:
        self.clocks = FakeClocks(MONDAY_9)
        self.history = history
        self.detector = detector
        self.controller = ReminderController(
            Settings(), log_event=history.log_reminder, idle_seconds=idle,
            busy=detector.check, monotonic=self.clocks.monotonic, wall=self.clocks.wall,
            tz=UTC,
        )
        self.controller.reminderHeld.connect(detector.watch)
        detector.changed.connect(self.controller.recheck)
        self.controller.start()

    def fire(self, seconds: float) -> None:
        self.clocks.advance(seconds)
        self.controller.timer.timeout.emit()

    @property
    def state(self) -> ReminderState:
        return self.controller.schedule.state

    def logged(self) -> list[tuple[str, str | None]]:
        self.history.flush()
        return [(k, r) for k, r in self.history.query(
            "SELECT kind, reason FROM reminders ORDER BY id")]

    def close(self) -> None:
        self.controller.stop()
        self.detector.close()


def _settings(**changes: object) -> Callable[[], Settings]:
    settings = replace(Settings(), **changes) if changes else Settings()
    return lambda: settings


def _defers_and_releases(
    qtbot: QtBot, day: Day, reason: BusyReason, busy: Callable[[], None],
    free: Callable[[], None], *, by_signal: bool,
) -> None:
    busy()
    day.fire(3600)
    assert day.state is ReminderState.HELD
    assert day.logged() == [("deferred", reason.value)]
    free()
    if by_signal:  # the desktop's change signal releases it, with no timer
        qtbot.waitUntil(lambda: day.state is ReminderState.PROMPTING, timeout=5000)
    else:
        day.fire(60)
    assert day.state is ReminderState.PROMPTING
    assert day.logged() == [("deferred", reason.value), ("shown", None)]


DBUS_CASES: dict[str, tuple[BusyReason, dict[str, object], dict[str, object], bool]] = {
    "gnome-inhibitor": (BusyReason.INHIBITED, {"inhibited_actions": 8},
                        {"inhibited_actions": 0}, True),
    "kde-policy-agent": (BusyReason.INHIBITED, {"kde_inhibited": True},
                         {"kde_inhibited": False}, True),
    "logind-inhibitor": (BusyReason.INHIBITED,
                         {"logind_inhibitors": [["idle", "zoom", "call", "block", 1000, 7]]},
                         {"logind_inhibitors": [["sleep", "x", "y", "delay", 1000, 7]]},
                         False),
    "notifications-dnd": (BusyReason.DO_NOT_DISTURB, {"notifications_inhibited": True},
                          {"notifications_inhibited": False}, True),
    "xfce-dnd": (BusyReason.DO_NOT_DISTURB, {"xfce_dnd": True}, {"xfce_dnd": False}, True),
}


@pytest.mark.parametrize("case", sorted(DBUS_CASES))
def test_each_dbus_signal_defers_and_releases_a_real_reminder(
    qtbot: QtBot, bus: BusServices, history: HistoryStore, case: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "XFCE" if case == "xfce-dnd" else "")
    reason, on, off, by_signal = DBUS_CASES[case]
    detector = create_busy_detector(_settings())
    day = Day(detector, history)
    try:
        _defers_and_releases(qtbot, day, reason, lambda: bus.set(**on),
                             lambda: bus.set(**off), by_signal=by_signal)
    finally:
        day.close()


def test_gnome_banners_off_defers_and_releases(
    qtbot: QtBot, history: HistoryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GNOME's do-not-disturb is a real GSettings key, here in a keyfile backend."""
    if shutil.which("gsettings") is None or subprocess.run(
        ["gsettings", "list-keys", "org.gnome.desktop.notifications"],
        capture_output=True, check=False).returncode != 0:
        pytest.skip("gsettings or GNOME's schemas (gsettings-desktop-schemas) missing")
    monkeypatch.setenv("GSETTINGS_BACKEND", "keyfile")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "GNOME")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent")

    def banners(on: bool) -> None:
        subprocess.run(["gsettings", "set", "org.gnome.desktop.notifications",
                        "show-banners", "true" if on else "false"], check=True)

    detector = create_busy_detector(_settings())
    assert any("show-banners" in line for line in detector.offered())
    day = Day(detector, history)
    try:
        _defers_and_releases(qtbot, day, BusyReason.DO_NOT_DISTURB,
                             lambda: banners(False), lambda: banners(True), by_signal=False)
    finally:
        day.close()


def test_a_signal_turned_off_in_settings_does_not_hold(
    bus: BusServices, history: HistoryStore
) -> None:
    bus.set(notifications_inhibited=True, inhibited_actions=8)
    day = Day(create_busy_detector(_settings(busy_do_not_disturb=False,
                                             busy_inhibitors=False)), history)
    try:
        day.fire(3600)
        assert day.state is ReminderState.PROMPTING
        assert day.logged() == [("shown", None)]
    finally:
        day.close()


def test_nothing_is_probed_or_watched_while_waiting(
    bus: BusServices, history: HistoryStore
) -> None:
    calls: list[str] = []
    detector = create_busy_detector(_settings())
    watched = detector.detectors
    counted = [Detector(d.reason, d.name, (lambda d=d: calls.append(d.name) or d.probe()))
               for d in watched]
    day = Day(BusyDetector(_settings(), counted, watchers=[busy_dbus.DBusWatcher(
        busy_dbus.WATCHED)]), history)
    try:
        for _ in range(59):
            day.fire(60)
        assert calls == []
        assert not day.detector.watching
        bus.set(inhibited_actions=8)
        day.fire(60)
        assert calls and day.state is ReminderState.HELD
        assert day.detector.watching
        bus.set(inhibited_actions=0)
        day.fire(60)
        assert not day.detector.watching
    finally:
        day.close()
        detector.close()


def test_meeting_mode_defers_until_it_ends(history: HistoryStore) -> None:
    settings = [replace(Settings(), meeting_until=MONDAY_9 + timedelta(hours=1, minutes=30))]
    day = Day(BusyDetector(lambda: settings[0], [], wall=lambda: day.clocks.now), history)
    try:
        day.fire(3600)
        assert day.state is ReminderState.HELD
        assert day.logged() == [("deferred", "meeting mode")]
        day.fire(30 * 60)
        assert day.state is ReminderState.PROMPTING
    finally:
        day.close()


@pytest.fixture
def xvfb(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "1280x1024x24"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert server.stdout is not None
    display = ":" + server.stdout.readline().strip()
    monkeypatch.setenv("DISPLAY", display)
    yield display
    server.terminate()
    server.wait(timeout=10)
    server.stdout.close()


def test_a_full_screen_window_of_another_process_defers_and_releases(
    qtbot: QtBot, xvfb: str, history: HistoryStore
) -> None:
    full = busy_local.X11FullScreen()
    detector = BusyDetector(_settings(), [Detector(BusyReason.FULL_SCREEN, "x11", full)],
                            on_close=full.close)
    window = subprocess.Popen([sys.executable, str(HERE / "x11_window.py")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert window.stdin is not None and window.stdout is not None
    day = Day(detector, history)

    def tell(word: str) -> None:
        assert window.stdin is not None and window.stdout is not None
        window.stdin.write(word + "\n")
        window.stdin.flush()
        assert window.stdout.readline().strip() == "ok"

    try:
        _defers_and_releases(
            qtbot, day, BusyReason.FULL_SCREEN,
            lambda: None if window.stdout is None else window.stdout.readline(),
            lambda: tell("windowed"), by_signal=False)
    finally:
        day.close()
        window.stdin.close()
        window.wait(timeout=10)
        window.stdout.close()


def test_a_recording_client_on_a_real_sound_server_defers_and_releases(
    qtbot: QtBot, history: HistoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("pulseaudio") is None or shutil.which("parec") is None:
        pytest.skip("pulseaudio and parec are needed")
    with null_sink_server() as env:
        for key in ("XDG_RUNTIME_DIR", "PULSE_RUNTIME_PATH"):
            monkeypatch.setenv(key, env[key])
        monkeypatch.delenv("PULSE_SERVER", raising=False)
        watcher = busy_local.SoundWatcher()
        detector = BusyDetector(_settings(), [Detector(
            BusyReason.MICROPHONE, "pactl", busy_local.microphone_in_use)],
            watchers=[watcher])
        assert busy_local.microphone_in_use() is False
        recorder: list[subprocess.Popen[bytes]] = []

        def start() -> None:
            recorder.append(subprocess.Popen(
                ["parec", "-d", "null.monitor", "--raw"], env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            qtbot.waitUntil(lambda: busy_local.microphone_in_use() is True, timeout=10000)

        def stop() -> None:
            # Each pactl run is a client the server announces: once one is heard, the
            # subscription is in place and the recording's end will be heard too.
            qtbot.waitUntil(lambda: busy_local.microphone_in_use() is not None
                            and watcher.live, timeout=10000)
            recorder[0].terminate()
            recorder[0].wait(timeout=10)

        day = Day(detector, history)
        try:
            _defers_and_releases(qtbot, day, BusyReason.MICROPHONE, start, stop,
                                 by_signal=True)  # pactl subscribe reports the end
            assert not detector.watching
        finally:
            day.close()
            for proc in recorder:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()


def test_a_process_holding_a_camera_open_defers_and_releases(
    qtbot: QtBot, history: HistoryStore, tmp_path: Path
) -> None:
    device = tmp_path / "video0"
    device.write_bytes(b"")
    pattern = (str(tmp_path), "video*")
    holder: list[subprocess.Popen[str]] = []

    def start() -> None:
        holder.append(subprocess.Popen(
            [sys.executable, "-c", f"f = open({str(device)!r}); print('open', flush=True); "
             "input()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
        assert holder[0].stdout is not None
        assert holder[0].stdout.readline().strip() == "open"

    def stop() -> None:
        assert holder[0].stdin is not None
        holder[0].communicate("\n", timeout=10)

    detector = BusyDetector(_settings(), [Detector(
        BusyReason.CAMERA, "/proc", lambda: busy_local.camera_in_use(pattern))])
    assert busy_local.camera_in_use(pattern) is False
    day = Day(detector, history)
    try:
        _defers_and_releases(qtbot, day, BusyReason.CAMERA, start, stop, by_signal=False)
    finally:
        day.close()


def test_a_listed_program_running_defers_and_releases(
    qtbot: QtBot, history: HistoryStore, tmp_path: Path
) -> None:
    program = tmp_path / "mt-meeting-app"
    shutil.copy(shutil.which("sleep") or "/bin/sleep", program)
    settings = _settings(busy_programs=("mt-meeting-app",))
    running: list[subprocess.Popen[bytes]] = []

    def start() -> None:
        running.append(subprocess.Popen([str(program), "600"]))
        qtbot.waitUntil(lambda: busy_local.programs_running(["mt-meeting-app"]) is True)

    def stop() -> None:
        running[0].kill()
        running[0].wait(timeout=10)

    detector = BusyDetector(settings, [Detector(
        BusyReason.PROGRAM, "/proc",
        lambda: busy_local.programs_running(settings().busy_programs))])
    day = Day(detector, history)
    try:
        _defers_and_releases(qtbot, day, BusyReason.PROGRAM, start, stop, by_signal=False)
    finally:
        day.close()
        for proc in running:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


@pytest.mark.parametrize("source", [GnomeIdle, KdeIdle])
def test_each_idle_source_sees_the_person_leave_and_come_back(
    bus: BusServices, history: HistoryStore, source: type[GnomeIdle] | type[KdeIdle]
) -> None:
    monitor = IdleMonitor(source())
    assert monitor.backend == source.name
    day = Day(BusyDetector(_settings(), []), history, idle=monitor.idle_seconds)
    try:
        day.fire(3600)
        assert day.state is ReminderState.PROMPTING
        bus.set(idle_ms=6 * 60 * 1000)  # gone for six minutes: the reminder is withdrawn
        day.fire(60)
        assert day.state is ReminderState.AWAY
        bus.set(idle_ms=2000)
        day.fire(60)
        assert day.state is ReminderState.WAITING
        at = day.controller.schedule.next_reminder_at()
        assert at is not None and at - day.clocks.now > timedelta(minutes=59)
    finally:
        day.close()
        monitor.close()


def test_logind_prepare_for_sleep_wakes_the_schedule(qtbot: QtBot, bus: BusServices) -> None:
    watcher = SleepWatcher()
    watcher.start()
    try:
        assert watcher.active
        with qtbot.waitSignal(watcher.resumed, timeout=5000):
            bus.set(sleep=False)
    finally:
        watcher.close()


def test_the_reminders_tab_lines_name_what_this_desktop_offers(bus: BusServices) -> None:
    detector = create_busy_detector(_settings())
    try:
        lines = detector.offered()
    finally:
        detector.close()
    assert lines[0].startswith("Meeting mode")
    text = "\n".join(lines)
    for name in ("Notifications.Inhibited", "SessionManager", "PolicyAgent",
                 "ListInhibitors", "/dev/video", "processes"):
        assert name in text


def test_one_full_check_is_fast(bus: BusServices) -> None:
    """The issue's figure is 20 ms; under test load the bound is looser (bench/busy.py)."""
    detector = create_busy_detector(_settings(busy_programs=("zoom",)))
    try:
        detector.check()
        timings = []
        for _ in range(5):
            assert detector.check() is None
            timings.append(detector.last_check_ms)
    finally:
        detector.close()
    assert min(timings) < 200, timings
    assert os.environ.get("DBUS_SESSION_BUS_ADDRESS") == bus.address


def test_no_sound_server_means_cannot_tell_and_starts_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pactl would autospawn a PulseAudio daemon; with no server there it is not run."""
    for key in ("PULSE_SERVER", "PULSE_RUNTIME_PATH"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert busy_local.microphone_in_use() is None
    assert not (tmp_path / "pulse").exists()
