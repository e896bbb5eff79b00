"""Closing the window hands over to a fresh, lean background process.

What a window, its modules and a session's sound took is never given back inside a
process, so once the window has been closed for a while the app replaces itself
(``exec``, the same process id) by a ``--background`` start that builds no window.
These tests pin what must survive that: the data folder's lock (never free for a
moment), the reminder schedule's next due time (a reminder due fires in the new
process), the tray and the listening socket; and that nothing is cut short.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import FakeClocks
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from massage_timer.core.model.schedule import (
    Carried,
    ReminderSchedule,
    ScheduleConfig,
    ScheduleEvent,
)
from massage_timer.core.storage.instance import InstanceLock
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.settings_file import load_settings
from massage_timer.ui import app as app_module
from massage_timer.ui import wiring
from massage_timer.ui.wiring import App

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.qt_log_ignore(
    r"QSystemTrayIcon::setVisible: No Icon set",
    r".*No such signal QPlatformNativeInterface::systemTrayWindowChanged.*",
    r"This plugin does not support (raise|propagateSizeHints).*",
)
ALWAYS_ON = (
    'reminders_enabled = true\nactive_days = [0, 1, 2, 3, 4, 5, 6]\n'
    'active_start = "00:00"\nactive_end = "23:59"\nshown_background_hint = true\n'
)

# Run as a script in both processes: "before" starts as usual, closes the window and is
# replaced by "after" (a --background start), which reports what it inherited.
CHILD = r'''
import fcntl, json, os, sys
from pathlib import Path
from datetime import datetime, timedelta
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QSystemTrayIcon
QSystemTrayIcon.isSystemTrayAvailable = staticmethod(lambda: True)  # as on a desktop
from massage_timer.ui.desktop.application import create_application
from massage_timer.cli import main
from massage_timer.core.model.schedule import Carried, ReminderSchedule
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.settings_file import load_settings
from massage_timer.ui import app as app_module, wiring

script, data_dir, phase, mode = sys.argv[1:5]
wiring.HANDOVER_DELAY_MS = 50
app_module.handover_argv = lambda paths: [
    sys.executable, script, script, data_dir, "after", mode, "--background"]
app = create_application()

def running():
    return app.findChildren(wiring.App)[0]

def say(label, **values):
    print(label + " " + json.dumps(values), flush=True)

def before():
    ctl = running()
    ctl.finish_startup()
    if mode == "due":  # the interval ends a moment after the hand-over
        interval = ctl.reminders.service.schedule.config.interval
        now = datetime.now().astimezone()
        soon = now + timedelta(seconds=1.5)
        if now - interval >= now.replace(hour=0, minute=0, second=0, microsecond=0):
            carry = lambda self: Carried(soon - interval)
        else:  # in the first interval of the day's active hours, which restart the count
            carry = lambda self: Carried(now, snooze_until=soon, snoozed_reminder=True)
        ReminderSchedule.carry = carry
    else:
        ctl.tray.snoozeRequested.emit()  # a pending snooze is carried too
    due = ctl.reminders.service.schedule.next_reminder_at()
    say("BEFORE", pid=os.getpid(), due=due.isoformat() if due else None)
    ctl.window.close()  # reminders are on: to the background, then the hand-over

def after():
    ctl = running()
    due = ctl.reminders.service.schedule.next_reminder_at()
    lock = AppPaths.portable(Path(data_dir)).data_dir / ".instance.lock"
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held = False
    except BlockingIOError:
        held = True
    os.close(fd)
    values = dict(
        pid=os.getpid(), due=due.isoformat() if due else None, has_window=ctl.has_window,
        tray=ctl.tray.icon is not None and ctl.tray.icon.isVisible(), lock_held=held,
        listening=app.findChild(QObject, "singleInstanceServer") is not None,
        env_cleared=app_module.HANDOVER_ENV not in os.environ,
        modules=sorted(m for m in ("massage_timer.ui.library.main_window",
                                   "PySide6.QtMultimedia") if m in sys.modules),
    )
    if mode == "due":
        def due_now():
            values["prompted"] = ctl.reminders.prompt.isVisible()
            say("AFTER", **values)
            ctl.quit()
        ctl.reminders.service.reminderDue.connect(lambda: QTimer.singleShot(0, due_now))
        QTimer.singleShot(20000, lambda: (say("AFTER", **values), ctl.quit()))
    else:
        say("AFTER", **values)
        ctl.quit()

QTimer.singleShot(300, before if phase == "before" else after)
sys.exit(main(sys.argv[5:] + ["--data-dir", data_dir]))
'''


def _hand_over_child(tmp_path: Path, mode: str) -> tuple[dict[str, object], dict[str, object]]:
    paths = AppPaths.portable(tmp_path / "data")
    paths.settings_file.parent.mkdir(parents=True)
    paths.settings_file.write_text(ALWAYS_ON)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(
        [sys.executable, str(script), str(script), str(tmp_path / "data"), "before", mode],
        capture_output=True, text=True, timeout=120, cwd=REPO, env=env, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    found: dict[str, dict[str, object]] = {}
    for line in proc.stdout.splitlines():
        label, _, rest = line.partition(" ")
        if label in ("BEFORE", "AFTER"):
            assert label not in found, proc.stdout
            found[label] = json.loads(rest)
    assert set(found) == {"BEFORE", "AFTER"}, proc.stdout + proc.stderr[-3000:]
    return found["BEFORE"], found["AFTER"]


def test_the_hand_over_keeps_the_lock_the_next_due_time_and_the_tray(tmp_path: Path) -> None:
    before, after = _hand_over_child(tmp_path, "snoozed")
    assert after["pid"] == before["pid"], "the same process, a new image"
    assert before["due"] is not None and after["due"] == before["due"]
    assert after["has_window"] is False and after["modules"] == []
    assert after["tray"] is True and after["listening"] is True
    assert after["lock_held"] is True and after["env_cleared"] is True


def test_a_reminder_due_after_the_hand_over_fires_in_the_new_process(tmp_path: Path) -> None:
    now = datetime.now().astimezone()
    if now.time() >= time(23, 58):
        # The child runs on the real clock, and active hours end at 23:59 at the latest:
        # in the day's last two minutes no reminder can fall due.
        pytest.skip("no reminder can fall due in the last two minutes of a day")
    before, after = _hand_over_child(tmp_path, "due")
    assert after["pid"] == before["pid"]
    assert after.get("prompted") is True, after


def test_the_lock_passed_on_is_adopted_and_a_foreign_one_is_not(app_paths: AppPaths) -> None:
    first = InstanceLock(app_paths)
    assert first.acquire("/tmp/a.sock")
    fd = first.pass_on()
    assert fd is not None and os.get_inheritable(fd)
    successor = InstanceLock(app_paths)
    assert successor.adopt(fd) and successor.held
    assert not os.get_inheritable(fd)
    assert successor.acquire("/tmp/b.sock"), "an adopted lock is held already"
    assert successor.holder_address() == "/tmp/b.sock"
    stranger = os.open(os.devnull, os.O_RDONLY)
    try:
        assert not InstanceLock(app_paths).adopt(stranger), "not the lock file"
    finally:
        os.close(stranger)
    other = os.open(app_paths.data_dir / ".instance.lock", os.O_RDWR)
    try:
        with pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(other)
    successor.release()


def test_a_carried_schedule_goes_on_where_it_was() -> None:
    start = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    config = ScheduleConfig(active_days=frozenset(range(7)))
    clocks = FakeClocks(start)
    first = ReminderSchedule(config, monotonic=clocks.monotonic, wall=clocks.wall,
                             tz=ZoneInfo("Europe/Paris"))
    first.tick()
    clocks.advance(20 * 60)
    first.tick()
    first.snooze()
    due = first.next_reminder_at()
    carried = first.carry()
    clocks.advance(5)  # the exec
    second = ReminderSchedule(config, monotonic=clocks.monotonic, wall=clocks.wall,
                              tz=ZoneInfo("Europe/Paris"))
    second.carry_on(carried)
    second.tick()
    assert second.next_reminder_at() == due
    assert second.last_break == first.last_break
    assert due is not None
    clocks.advance((due - clocks.now).total_seconds())
    assert ScheduleEvent.DUE in second.tick()
    assert Carried(start.astimezone(UTC)).snooze_until is None


@pytest.fixture
def closable(qtbot: QtBot, app_paths: AppPaths,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[App, list[Carried]]]:
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(wiring, "HANDOVER_DELAY_MS", 20)
    app_paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    app_paths.settings_file.write_text(ALWAYS_ON)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    ctl = App(app, app_paths, defer_startup=True)
    handed: list[Carried] = []
    ctl.hand_over = handed.append
    qtbot.waitUntil(lambda: ctl.started, timeout=5000)
    yield ctl, handed
    ctl.shutdown()
    ctl.deleteLater()


def test_closing_the_window_hands_over_after_a_while(
    qtbot: QtBot, closable: tuple[App, list[Carried]], app_paths: AppPaths
) -> None:
    ctl, handed = closable
    last_break = ctl.reminders.service.schedule.last_break
    ctl.window.close()
    qtbot.waitUntil(lambda: bool(handed), timeout=2000)
    assert handed == [Carried(last_break)]
    settings, _notices = load_settings(app_paths.settings_file)
    assert settings.window_geometry, "the app shut down first: the window's state is saved"
    assert not ctl.tray.icon or not ctl.tray.icon.isVisible(), "no second tray icon"


def test_no_hand_over_when_the_window_comes_back(
    qtbot: QtBot, closable: tuple[App, list[Carried]]
) -> None:
    ctl, handed = closable
    ctl.window.close()
    ctl.bring_to_front()
    qtbot.wait(100)
    assert handed == []


def test_no_hand_over_while_a_dialog_or_a_session_is_under_way(
    qtbot: QtBot, closable: tuple[App, list[Carried]]
) -> None:
    ctl, handed = closable
    ctl.start_session(ctl.library.routines[0].routine.id)  # its checklist shows
    ctl.window.close()
    qtbot.wait(100)
    assert handed == []
    assert not ctl.can_hand_over()
    flow = ctl.sessions.flow
    assert flow is not None and flow.checklist is not None
    flow.checklist.reject()
    assert ctl.can_hand_over(), "once nothing shows, the next close hands over"


def test_the_successor_is_a_background_start_on_the_same_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``--data-dir=~/x`` (the shell leaves that ``~`` as it is) ran on ``$HOME/x``, but
    its successor was told ``<here>/~/x``: a new empty folder, and the real one's lock
    held for ever, so every later start refused to run."""
    from massage_timer.cli import parse_args, paths_from_args

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    args = parse_args(["--data-dir=~/portable", "--routines-dir", "r1",
                       "--routines-dir=~/team"])
    paths = paths_from_args(args)
    argv = app_module.handover_argv(paths)
    assert argv[:3] == [sys.executable, "-m", "massage_timer"]
    again = parse_args(argv[3:])
    assert again.background
    assert again.data_dir == tmp_path / "home" / "portable" == paths.root
    assert again.routines_dir == [tmp_path / "r1", tmp_path / "home" / "team"]
    assert paths_from_args(again) == paths


def test_a_session_ended_with_the_window_closed_hands_over(
    qtbot: QtBot, closable: tuple[App, list[Carried]]
) -> None:
    """Closing the window during a session leaves the player (a window of its own);
    once the session is over, the process hands over, dropping its sound too."""
    ctl, handed = closable
    ctl.start_session(ctl.library.routines[0].routine.id)
    ctl.window.close()
    qtbot.wait(100)
    assert handed == []
    flow = ctl.sessions.flow
    assert flow is not None and flow.checklist is not None
    flow.checklist.reject()  # the session ends (before its player, here)
    qtbot.waitUntil(lambda: bool(handed), timeout=2000)


def _lean_with_recorder(
    app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> tuple[App, list[Carried]]:
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(wiring, "HANDOVER_DELAY_MS", 20)
    app_paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    app_paths.settings_file.write_text(ALWAYS_ON)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    ctl = App(app, app_paths, background=True, defer_startup=True)
    handed: list[Carried] = []
    ctl.hand_over = handed.append
    return ctl, handed


def test_a_reminder_answered_after_its_tone_hands_over(
    qtbot: QtBot, app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reminder's tone loads QtMultimedia into the lean process for good: once the
    reminder is answered, the process hands over to a fresh one."""
    import types

    if "PySide6.QtMultimedia" not in sys.modules:  # as after the tone
        monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia",
                            types.ModuleType("PySide6.QtMultimedia"))
    ctl, handed = _lean_with_recorder(app_paths, monkeypatch)
    try:
        qtbot.waitUntil(lambda: ctl.started, timeout=5000)
        assert not ctl.has_window
        ctl.tray.snoozeRequested.emit()  # an answer: the status line changes
        qtbot.waitUntil(lambda: bool(handed), timeout=2000)
    finally:
        ctl.shutdown()
        ctl.deleteLater()


def test_a_lean_process_does_not_hand_over(
    qtbot: QtBot, app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(sys.modules, "PySide6.QtMultimedia", raising=False)
    ctl, handed = _lean_with_recorder(app_paths, monkeypatch)
    try:
        qtbot.waitUntil(lambda: ctl.started, timeout=5000)
        ctl.tray.snoozeRequested.emit()
        timer = ctl.findChild(wiring.QTimer, "handoverTimer")
        assert timer is not None and not timer.isActive()
        assert not ctl.can_hand_over() and handed == []
    finally:
        ctl.shutdown()
        ctl.deleteLater()


def test_no_hand_over_while_sessions_are_kept_in_memory(
    qtbot: QtBot, closable: tuple[App, list[Carried]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the disk full, sessions are kept in memory until it can be written again;
    the hand-over (a fresh process) threw them away. It waits for the history now."""
    ctl, handed = closable
    store = ctl.history
    monkeypatch.setattr(type(store), "in_memory", property(lambda _self: True))
    writable: list[bool] = [False]
    monkeypatch.setattr(store, "flush", lambda: writable[0])
    ctl.window.close()
    qtbot.wait(100)
    assert handed == []
    assert not ctl.can_hand_over()
    writable[0] = True  # the disk has room again: written, then handed over
    assert ctl.can_hand_over()
