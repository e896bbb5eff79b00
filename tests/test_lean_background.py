"""A background start under a tray: the tray and the reminders, and no window.

The process started at login waits all day; what it imports and builds stays
resident. These tests pin what such a start loads (a fresh interpreter's
``sys.modules``) and that the window comes, whole, when the person asks for it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from massage_timer.core.storage.paths import AppPaths
from massage_timer.ui.wiring import App

REPO = Path(__file__).resolve().parent.parent
# A tray pretended on the offscreen platform: Qt says it cannot really show one.
pytestmark = pytest.mark.qt_log_ignore(
    r"QSystemTrayIcon::setVisible: No Icon set",
    r".*No such signal QPlatformNativeInterface::systemTrayWindowChanged.*",
    r"This plugin does not support (raise|propagateSizeHints).*",
)
ALWAYS_ON = (
    'reminders_enabled = true\nactive_days = [0, 1, 2, 3, 4, 5, 6]\n'
    'active_start = "00:00"\nactive_end = "23:59"\n'
)
WINDOW_MODULES = (
    "massage_timer.ui.library.main_window", "massage_timer.ui.editor.editing",
    "massage_timer.ui.editor.editor", "massage_timer.ui.history_window",
    "massage_timer.ui.history.history_view", "massage_timer.ui.session.flow",
    "massage_timer.ui.sessions", "massage_timer.ui.diagram",
    "massage_timer.ui.settings.settings_dialog",
    "massage_timer.audio.playback", "massage_timer.audio.speech",
    "PySide6.QtMultimedia", "PySide6.QtSvg", "PySide6.QtCharts", "PySide6.QtNetwork",
)

CHILD = """
import json, sys
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QSystemTrayIcon
from massage_timer.ui.desktop.application import create_application
from massage_timer.cli import main

QSystemTrayIcon.isSystemTrayAvailable = staticmethod(lambda: True)  # as on a desktop
NAMES = WINDOW_NAMES
app = create_application()
seen = {}

def loaded():
    return sorted(m for m in NAMES if m in sys.modules)

def running():
    from massage_timer.ui.wiring import App
    return app.findChildren(App)[0]

def background():
    ctl = running()
    seen["background"] = loaded()
    seen["started"] = ctl.started
    seen["has_window"] = ctl.has_window
    seen["tray_icon"] = ctl.tray.icon is not None and ctl.tray.icon.isVisible()
    seen["timer"] = ctl.reminders.service.timer.isActive()
    seen["status"] = ctl.reminders.service.status
    seen["listening"] = app.findChild(QObject, "singleInstanceServer") is not None
    if "--open" in sys.argv:
        ctl.tray.openRequested.emit()
        seen["opened_visible"] = ctl.window.isVisible()
        seen["opened"] = loaded()
    app.quit()

QTimer.singleShot(500, background)
code = main(["--data-dir", sys.argv[1], "--background"])
print("SEEN " + json.dumps(seen), flush=True)
sys.exit(code)
""".replace("WINDOW_NAMES", repr(WINDOW_MODULES))


def _run(data_dir: Path, *extra: str) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), *extra],
        capture_output=True, text=True, timeout=120, cwd=REPO, env=env, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [line for line in proc.stdout.splitlines() if line.startswith("SEEN ")]
    assert len(lines) == 1, proc.stdout + proc.stderr[-2000:]
    seen: dict[str, object] = json.loads(lines[0].removeprefix("SEEN "))
    return seen


def _always_on(paths: AppPaths) -> None:
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text(ALWAYS_ON)


def test_a_background_start_under_a_tray_imports_no_window_and_no_sound(
    tmp_path: Path,
) -> None:
    _always_on(AppPaths.portable(tmp_path))
    seen = _run(tmp_path)
    assert seen["background"] == [], seen
    assert seen["started"] is True and seen["has_window"] is False
    assert seen["tray_icon"] is True and seen["timer"] is True, seen
    assert str(seen["status"]).startswith("Next reminder at"), seen
    assert seen["listening"] is True


def test_opening_from_the_tray_builds_and_shows_the_window(tmp_path: Path) -> None:
    _always_on(AppPaths.portable(tmp_path))
    seen = _run(tmp_path, "--open")
    assert seen["opened_visible"] is True
    assert "massage_timer.ui.library.main_window" in seen["opened"]  # type: ignore[operator]
    assert "PySide6.QtMultimedia" not in seen["opened"]  # type: ignore[operator]


@pytest.fixture
def with_tray(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))


@pytest.fixture
def lean(qtbot: QtBot, app_paths: AppPaths, with_tray: None) -> Iterator[App]:
    _always_on(app_paths)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    ctl = App(app, app_paths, background=True, defer_startup=True)
    yield ctl
    ctl.shutdown()
    ctl.deleteLater()


def test_the_reminders_run_without_a_window(qtbot: QtBot, lean: App) -> None:
    qtbot.waitUntil(lambda: lean.started, timeout=5000)
    assert not lean.has_window
    assert lean.reminders.service.timer.isActive()
    assert not lean.session_running
    lean.tray.snoozeRequested.emit()  # the tray's menu works without the window
    assert not lean.has_window


def test_a_break_from_the_tray_builds_the_window_for_its_checklist(
    qtbot: QtBot, lean: App
) -> None:
    qtbot.waitUntil(lambda: lean.started, timeout=5000)
    lean.tray.startBreakRequested.emit()
    assert lean.has_window
    flow = lean.sessions.flow
    assert flow is not None and flow.checklist is not None
    flow.checklist.reject()
    assert lean.sessions.flow is None
    assert lean.reminders.service.timer.isActive()


def test_the_window_opened_later_has_its_menu_and_goes_back_to_the_background(
    qtbot: QtBot, lean: App
) -> None:
    qtbot.waitUntil(lambda: lean.started, timeout=5000)
    lean.store.update(include_optional_steps=True)  # while there is no window
    assert not lean.has_window
    lean.tray.openRequested.emit()
    window = lean.window
    assert window.isVisible()
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert "Reminders" in titles and titles[-1] == "Help"
    window.close()  # reminders are on: to the background, not a quit
    assert not window.isVisible()
    assert lean.reminders.service.timer.isActive()


def test_notices_wait_for_the_window(qtbot: QtBot, app_paths: AppPaths, with_tray: None) -> None:
    app_paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    app_paths.settings_file.write_text("theme = [unclosed\n")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    ctl = App(app, app_paths, background=True, defer_startup=True)
    try:
        qtbot.waitUntil(lambda: ctl.started, timeout=5000)
        assert not ctl.has_window
        ctl.bring_to_front()
        assert "settings file could not be read" in " ".join(ctl.window.notices())
    finally:
        ctl.shutdown()
        ctl.deleteLater()


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc/self/maps")
def test_the_app_icon_needs_no_svg_renderer() -> None:
    """The icon of every window and of the tray comes from its PNG renderings: an SVG
    icon would keep QtSvg and its icon engine resident in the background."""
    code = (
        "from PySide6.QtWidgets import QApplication\n"
        "from massage_timer.ui.desktop.application import create_application\n"
        "app = create_application()\n"
        "icon = app.windowIcon()\n"
        "sizes = sorted(s.width() for s in icon.availableSizes())\n"
        "drawn = not icon.pixmap(22, 22).isNull()\n"
        "svg = any('Svg' in line for line in open('/proc/self/maps'))\n"
        "print('SEEN', sizes[0], sizes[-1], drawn, svg)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=REPO, env=env, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split("SEEN ", 1)[1].split() == ["16", "512", "True", "False"]
