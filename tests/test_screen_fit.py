"""Every window opens inside the screen, at small and large sizes, scales and fonts.

Each case runs tests/screen_fit_child.py in a child process on an offscreen screen of
the given size (the offscreen platform's ``configfile``), at 1x, at 2x
(``QT_SCALE_FACTOR``) or with 144-dpi fonts (``QT_FONT_DPI``), and checks that each
window's frame, and the player's Stop, Pause, Skip, Back and time left, lie inside
the available area and are not cut off, and that the library's buttons and filters
show their texts whole (on a short screen a filter may end its choice with "…").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from massage_timer.core.model.settings import MAX_FONT_SCALE
from massage_timer.ui.screen_fit import (
    FRAME_MARGINS,
    SHORT_SCREEN,
    clamp_to_screen,
    fit_window,
)

CHILD = Path(__file__).with_name("screen_fit_child.py")
SIZES = [(1024, 600), (1366, 768), (1920, 1080)]
MODES = {"1x": {}, "2x": {"QT_SCALE_FACTOR": "2"}, "144dpi": {"QT_FONT_DPI": "144"},
         # The largest text in two of the longest-worded languages.
         **{f"text250-{code}": {"SCREEN_FIT_TEXT_SIZE": str(MAX_FONT_SCALE),
                                "SCREEN_FIT_LANGUAGE": code} for code in ("de", "fr")}}
WINDOWS = ("main", "player", "history", "settings", "checklist", "short_check", "pain",
           "summary", "prompt", "editor")
PLAYER_PARTS = ("stopButton", "pauseButton", "skipButton", "backButton",
                "routineProgressText", "countdownLabel")


def run_child(tmp_path: Path, width: int, height: int, extra: dict[str, str]) -> dict:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "test", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1,
    }]}))
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_SCALE_FACTOR", "QT_FONT_DPI", "QT_SCREEN_SCALE_FACTORS",
                        "SCREEN_FIT_TEXT_SIZE", "SCREEN_FIT_LANGUAGE")}
    env.update(extra)
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    done = subprocess.run([sys.executable, str(CHILD)], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def inside(inner: list[int], outer: list[int]) -> bool:
    x, y, w, h = inner[:4]
    ax, ay, aw, ah = outer
    return ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_window_and_the_session_controls_fit_the_screen(
    tmp_path: Path, width: int, height: int, mode: str
) -> None:
    result = run_child(tmp_path, width, height, MODES[mode])
    area = result["available"]
    for name in WINDOWS:
        frame = result[name]["frame"]
        assert inside(frame, area), f"{name} at {frame} is not inside {area}"
    # Paused on a sided step, the phase row at a large text size made it scroll sideways.
    assert result["player"]["sideways"] == 0, "the player scrolls sideways"
    for part in PLAYER_PARTS:
        x, y, w, h, visible_w, visible_h = result["player"]["parts"][part]
        assert inside([x, y, w, h], area), f"{part} at {[x, y, w, h]} is off {area}"
        assert (visible_w, visible_h) == (w, h), f"{part} is cut off"
    # History may scroll down (its charts go under the summary at the largest text),
    # never sideways: at 250 % its charts and figures were wider than the window.
    assert result["history"]["sideways"] == 0, "History scrolls sideways"
    for part, (x, y, w, h, visible_w, visible_h) in result["history"]["parts"].items():
        # Below what scrolls down: in sight at every size (they scrolled away at 2x on
        # 1024x600 and at the largest text).
        assert inside([x, y, w, h], area), f"{part} at {[x, y, w, h]} is off {area}"
        assert (visible_w, visible_h) == (w, h), f"{part} is cut off"
    for part, (x, y, w, h, visible_w, visible_h) in result["editor"]["parts"].items():
        assert inside([x, y, w, h], area), f"the editor's {part} at {[x, y, w, h]} is off {area}"
        assert (visible_w, visible_h) == (w, h), f"the editor's {part} is cut off"
    buttons = result["main"]["widths"]
    assert len(buttons) == 5
    for name, (given, needed) in buttons.items():
        assert given >= needed, f"the library's {name} is cut: {given} px of {needed}"
    filters = result["main"]["filters"]
    assert len(filters) == 2
    for name, (shown, whole) in filters.items():
        if area[3] >= SHORT_SCREEN:  # else the list keeps the room: one row, shortened
            assert shown == whole, f"the library's {name} shows {shown!r} of {whole!r}"
        else:
            assert shown == whole or (shown.endswith("…") and whole.startswith(shown[:-1]))
    player = result["player"]["frame"]
    for part in PLAYER_PARTS:
        assert inside(result["player"]["parts"][part][:4], player)


def test_fit_window_bounds_the_preferred_size_and_centres(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    area = window.screen().availableGeometry()
    room = area.marginsRemoved(FRAME_MARGINS)
    size = fit_window(window, QSize(area.width() * 3, 200))
    assert size == QSize(room.width(), 200) == window.size()
    assert room.contains(window.geometry())
    small = QWidget()
    qtbot.addWidget(small)
    assert fit_window(small, QSize(300, 200)) == QSize(300, 200)
    assert abs(small.geometry().center().x() - area.center().x()) <= 1


def test_a_dialog_is_sized_but_left_for_qt_to_place(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    area = dialog.screen().availableGeometry()
    fit_window(dialog, QSize(5000, 5000))
    assert dialog.size() == area.marginsRemoved(FRAME_MARGINS).size()


@pytest.mark.parametrize(
    "saved",
    [QRect(-4000, -3000, 900, 600), QRect(5000, 200, 900, 600), QRect(0, 0, 9000, 7000),
     QRect(300, 400, 700, 500)],
    ids=["off-top-left", "off-right", "too-large", "hanging-off-bottom"],
)
def test_a_remembered_geometry_is_clamped_to_the_screen(qtbot: QtBot, saved: QRect) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.setGeometry(saved)
    clamp_to_screen(window)
    room = window.screen().availableGeometry().marginsRemoved(FRAME_MARGINS)
    assert room.contains(window.geometry()), (window.geometry(), room)
    assert window.width() == min(saved.width(), room.width())
