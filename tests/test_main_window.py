"""The library window: list, search and filters, broken files, detail pane, keyboard."""

from __future__ import annotations

import math
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QScrollArea,
    QStyleOptionViewItem,
    QToolButton,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from massage_timer.core.model.settings import Settings
from massage_timer.core.model.speech_timing import timing_for
from massage_timer.core.model.text import breakable
from massage_timer.core.storage.loader import Library, LoadedRoutine, Origin, RoutineError
from massage_timer.core.storage.paths import AppPaths
from massage_timer.ui.app import create_main_window
from massage_timer.ui.diagram import DiagramView
from massage_timer.ui.durations import duration as format_duration
from massage_timer.ui.library.main_window import DEFAULT_SIZE, MainWindow
from massage_timer.ui.library.routine_detail import StepList
from massage_timer.ui.library.routine_list import LinesRole
from massage_timer.ui.screen_fit import FRAME_MARGINS
from tests.routine_factory import hold, make_routine, rest, strokes


def _loaded(routine_id: str, origin: Origin = Origin.BUILTIN, **fields: object) -> LoadedRoutine:
    routine = make_routine(id=routine_id, **fields)  # type: ignore[arg-type]
    return LoadedRoutine(routine, Path(f"/r/{routine_id}.toml"), origin, "0" * 16)


def _library(errors: list[RoutineError] | None = None) -> Library:
    quick = _loaded(
        "quick-neck",
        title="Quick neck release",
        summary="Short relief for a stiff neck after screen work.",
        position="seated",
        equipment=["none"],
        areas=["suboccipitals", "upper-trapezius"],
        cautions=["Stop at sharp pain."],
        steps=[hold("Circles under the skull", 45, regions=["suboccipitals"]),
               strokes("Shoulder kneading", 10, 3, sides=["left", "right"],
                       instruction="Knead the {side} shoulder.", regions=["upper-trapezius"]),
               rest(15, optional=True)],
    )
    ball = _loaded(
        "ball-wall",
        origin=Origin.USER,
        title="Tennis ball on the wall",
        summary="Lean on a ball against a wall to press the upper back.",
        position="standing",
        equipment=["tennis ball", "wall"],
        areas=["rhomboids", "middle-trapezius"],
        steps=[hold("Ball press", 300, sides=["left", "right"], regions=["rhomboids"],
                    instruction="Press on the {side}."),
               hold("Ball roll", 240, regions=["middle-trapezius"])],
    )
    side = _loaded(
        "side-stretch",
        title="Side neck stretch",
        summary="A gentle stretch for the side of the neck.",
        position="seated or standing",
        areas=["scalenes"],
        steps=[hold("Stretch", 120, sides=["left", "right"], regions=["scalenes"],
                    instruction="Stretch the {side} side.")],
    )
    routines = sorted([quick, ball, side], key=lambda r: r.routine.title)
    return Library(routines=routines, errors=errors or [])


@pytest.fixture
def window(qtbot: QtBot) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)
    win.set_library(_library())
    return win


def _titles(win: MainWindow) -> list[str]:
    view = win.findChild(QListView, "routineList")
    model = view.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def _set_combo(win: MainWindow, name: str, data: object) -> None:
    combo = win.findChild(QComboBox, name)
    index = combo.findData(data)
    assert index >= 0, f"{name} has no entry {data!r}"
    combo.setCurrentIndex(index)


def test_format_duration() -> None:
    assert format_duration(240) == "4 min"
    assert format_duration(271) == "4:31"
    assert format_duration(45) == "0:45"


def test_list_shows_each_routine_with_time_position_equipment_and_areas(
    window: MainWindow,
) -> None:
    assert _titles(window) == ["Quick neck release", "Side neck stretch",
                               "Tennis ball on the wall"]
    model = window.findChild(QListView, "routineList").model()
    title, meta, areas = model.index(2, 0).data(LinesRole)
    assert title == "Tennis ball on the wall"
    # 2 x (6 s prepare + 300 s) + 6 + 240 = 858 s
    assert meta == "14:15 · Standing · Tennis ball, wall"
    assert areas == "Rhomboids, Middle trapezius"
    tooltip = model.index(2, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert "Standing" in tooltip and "Rhomboids" in tooltip


def test_a_list_row_is_one_line_and_stays_inside_itself(qtbot: QtBot) -> None:
    """A title from a file with a line break and control characters was drawn on two
    lines in a one-line slot; stacked combining marks were drawn over the row above."""
    odd = _loaded("odd", title="Desk\u0007\u001b[31m micro\nbreak\tx",
                  steps=[hold("Press", 30)])
    marks = _loaded("marks", title="Z" + "\u0301" * 79, steps=[hold("Press", 30)])
    mirrored = _loaded("rtl", title="\u202eHold\u202c", steps=[hold("Press", 30)])
    win = MainWindow()
    qtbot.addWidget(win)
    win.set_library(Library(routines=[odd, marks, mirrored], errors=[]))
    model = win.routine_list.model()
    lines = [model.index(row, 0).data(LinesRole) for row in range(3)]
    titles = {line[0] for line in lines}
    assert "Desk\\x07\\x1b[31m micro break x" in titles
    assert "\u202eHold\u202c" in titles, "right-to-left reads as written (ar_XB)"
    for title, _meta, _areas in lines:
        assert not any(c in title for c in "\n\t\u0007\u001b"), title
    row = model.index(1, 0)
    option = QStyleOptionViewItem()
    option.initFrom(win.routine_list)
    option.widget = win.routine_list
    height = win.routine_list.itemDelegate().sizeHint(option, row).height()
    option.rect = QRect(0, height, 400, height)
    image = QImage(400, 3 * height, QImage.Format.Format_ARGB32)
    for painted in (row, model.index(0, 0)):
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        win.routine_list.itemDelegate().paint(painter, option, painted)
        painter.end()
        outside = [image.pixelColor(x, y).alpha() for y in (*range(height),
                   *range(2 * height, 3 * height)) for x in range(0, 400, 4)]
        assert not any(outside), "painted outside its row"


def test_search_matches_title_summary_and_areas(window: MainWindow, qtbot: QtBot) -> None:
    search = window.findChild(QLineEdit, "routineSearch")
    qtbot.keyClicks(search, "wall")
    assert _titles(window) == ["Tennis ball on the wall"]
    search.setText("screen work")
    assert _titles(window) == ["Quick neck release"]
    search.setText("scalenes")
    assert _titles(window) == ["Side neck stretch"]
    search.setText("nothing like this")
    assert _titles(window) == []
    assert window.findChild(QLabel, "routineListEmpty").isVisibleTo(window)
    assert not window.findChild(QPushButton, "startButton").isEnabled()
    search.clear()
    assert len(_titles(window)) == 3
    assert not window.findChild(QLabel, "routineListEmpty").isVisibleTo(window)
    assert window.findChild(QPushButton, "startButton").isEnabled()


def test_area_filter_folds_sides_and_duration_filter(window: MainWindow) -> None:
    _set_combo(window, "areaFilter", "upper-trapezius")
    assert _titles(window) == ["Quick neck release"]
    _set_combo(window, "areaFilter", "rhomboids")
    assert _titles(window) == ["Tennis ball on the wall"]
    _set_combo(window, "areaFilter", None)
    _set_combo(window, "durationFilter", 5)
    assert _titles(window) == ["Quick neck release", "Side neck stretch"]
    _set_combo(window, "durationFilter", 15)
    assert len(_titles(window)) == 3
    _set_combo(window, "durationFilter", None)
    assert len(_titles(window)) == 3


def test_selection_follows_filters_and_start_uses_visible_routine(
    window: MainWindow, qtbot: QtBot
) -> None:
    assert window.select_routine("side-stretch")
    _set_combo(window, "areaFilter", "rhomboids")
    assert window.current_routine_id() == "ball-wall"
    with qtbot.waitSignal(window.startRequested, timeout=500) as blocker:
        qtbot.mouseClick(window.findChild(QPushButton, "startButton"),
                         Qt.MouseButton.LeftButton)
    assert blocker.args == ["ball-wall"]


def test_broken_routines_are_listed_separately(qtbot: QtBot) -> None:
    errors = [
        RoutineError(Path("/u/bad.toml"), "steps[1].seconds", "must be at most 600"),
        RoutineError(Path("/u/bad.toml"), "title", "is required but missing"),
        RoutineError(Path("/u/typo.toml"), "line 3, column 7", "TOML syntax error: x"),
    ]
    win = MainWindow()
    qtbot.addWidget(win)
    win.set_library(_library(errors))
    win.show()
    toggle = win.findChild(QToolButton, "brokenToggle")
    tree = win.findChild(QTreeWidget, "brokenRoutines")
    assert toggle.isVisible()
    assert toggle.text() == "Could not load 2 routine files (3 problems)"
    assert not tree.isVisible()
    qtbot.keyClick(toggle, Qt.Key.Key_Space)
    assert tree.isVisible()
    files = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    assert [f.text(0) for f in files] == ["bad.toml", "typo.toml"]
    assert [files[0].child(i).text(0) for i in range(files[0].childCount())] == [
        "steps[1].seconds: must be at most 600", "title: is required but missing"]
    assert len(_titles(win)) == 3
    win.set_library(_library())
    assert not toggle.isVisible() and not tree.isVisible()


def test_a_long_problem_wraps_in_the_broken_list(qtbot: QtBot) -> None:
    """The list's rows were one line high whatever the message, and Qt cut a long one
    with "…" at the list's edge; the whole text was only in its tooltip."""
    message = ("is 52428803 bytes; at most 262144 are read, and a routine file is never "
               "nearly that long, so this one is left unread")
    win = MainWindow()
    qtbot.addWidget(win)
    win.set_library(_library([RoutineError(Path("/u/big.toml"), "(file)", message)]))
    win.resize(900, 700)
    win.show()
    qtbot.waitExposed(win)
    win.findChild(QToolButton, "brokenToggle").click()
    tree = win.findChild(QTreeWidget, "brokenRoutines")
    item = tree.topLevelItem(0).child(0)
    line = tree.fontMetrics().lineSpacing()

    def rows_fit() -> bool:
        rect = tree.visualItemRect(item)
        lines = math.ceil(tree.fontMetrics().horizontalAdvance(item.text(0))
                          / max(rect.width(), 1))
        return lines >= 2 and rect.height() >= lines * line

    qtbot.waitUntil(rows_fit, timeout=1000)
    short = tree.visualItemRect(item).height()
    tree.resize(tree.width() // 2, tree.height())
    qtbot.waitUntil(lambda: tree.visualItemRect(item).height() > short, timeout=1000)
    assert rows_fit()


def test_a_thousand_letter_word_does_not_widen_the_details(qtbot: QtBot) -> None:
    """A label breaks lines between words only: one word of 1,000 letters in a
    routine's summary made the pane 6,500 px wide, its text cut and its diagram off
    to the side."""
    word = "x" * 1000
    odd = _loaded("odd", title="T" * 80, summary=f"A summary {word} ends.",
                  cautions=["c" * 400],
                  steps=[hold("S" * 80, 30, instruction="i" * 400, cue="Press")])
    win = MainWindow()
    qtbot.addWidget(win)
    win.set_library(Library(routines=[odd], errors=[]))
    win.resize(1000, 700)
    win.show()
    qtbot.waitExposed(win)
    scroll = win.findChild(QScrollArea, "detailScroll")
    qtbot.wait(50)
    assert scroll.horizontalScrollBar().maximum() == 0
    assert scroll.widget().width() <= scroll.viewport().width()
    summary = win.findChild(QLabel, "detailSummary")
    assert summary.text().replace("\u200b", "") == odd.routine.summary
    assert summary.width() <= scroll.viewport().width()


def test_breakable_leaves_words_alone() -> None:
    text = "Halswirbelsäulenbeweglichkeitsübung and https://example.org/a/b"
    assert breakable(text) == text
    long = "y" * 41
    assert breakable(f"a {long} b").split() == ["a", "\u200b".join(long), "b"]
    marked = "e\u0301" * 30
    assert breakable(marked) == "\u200b".join(["e\u0301"] * 30), "a mark stays on its letter"


def test_detail_pane_shows_summary_steps_cautions_sources_and_diagram(
    window: MainWindow,
) -> None:
    window.select_routine("quick-neck")
    text = {name: window.findChild(QLabel, name).text() for name in (
        "detailTitle", "detailMeta", "detailSummary", "detailCautionsText", "detailSources")}
    step_list = window.findChild(StepList, "detailSteps")
    text["detailSteps"] = step_list.text()
    shown = [label.text() for label in step_list.findChildren(QLabel)]
    assert "Circles under the skull" in shown and "hold 45 s" in shown
    assert text["detailTitle"] == "Quick neck release"
    # 6 s + 45 s, then 6 s + 30 s, 5 s + 30 s: get-ready times at the default voice rate
    assert text["detailMeta"].startswith("2:02 · Seated · No equipment")
    assert "Suboccipital muscles" in text["detailMeta"]
    assert "screen work" in text["detailSummary"]
    steps = text["detailSteps"]
    assert "Circles under the skull" in steps and "hold 45 s" in steps
    assert "10 strokes per side (left, then right)" in steps
    assert "optional, left out (see Settings)" in steps and "Preferences" not in steps
    assert window.settings_action.text().replace("&", "") == "Settings…"
    assert "Stop at sharp pain." in text["detailCautionsText"]
    assert "Therapeutic Massages for Neck Pain — " in text["detailSources"]
    assert "001_1e45ebe971a9ae8f.txt" not in text["detailSources"]
    diagram = window.findChild(DiagramView, "detailDiagram")
    assert set(diagram.highlighted) == {
        "suboccipitals-left", "suboccipitals-right", "upper-trapezius-left",
        "upper-trapezius-right"}
    window.select_routine("ball-wall")
    assert "Your routine: ball-wall.toml" in window.findChild(QLabel, "detailOrigin").text()
    assert not window.findChild(QWidget, "detailCautions").isVisibleTo(window)


def test_include_optional_changes_times(window: MainWindow) -> None:
    window.select_routine("quick-neck")
    routine = _library().get("quick-neck").routine  # type: ignore[union-attr]
    without, with_optional = routine.total_seconds(False), routine.total_seconds(True)
    assert with_optional > without
    assert window.findChild(QLabel, "detailMeta").text().startswith(format_duration(without))
    window.set_include_optional(True)
    assert window.findChild(QLabel, "detailMeta").text().startswith(
        format_duration(with_optional))
    assert "left out" not in window.findChild(StepList, "detailSteps").text()
    assert window.current_routine_id() == "quick-neck"


def test_enter_on_list_and_ctrl_return_start(window: MainWindow, qtbot: QtBot) -> None:
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=1000)
    view = window.findChild(QListView, "routineList")
    view.setFocus()
    window.select_routine("side-stretch")
    with qtbot.waitSignal(window.startRequested, timeout=500) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert blocker.args == ["side-stretch"]
    with qtbot.waitSignal(window.startRequested, timeout=500) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == ["side-stretch"]


def test_keyboard_ctrl_f_search_then_down_to_list_and_tab_order(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=1000)
    window.findChild(QListView, "routineList").setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.findChild(QLineEdit, "routineSearch")
    qtbot.keyClicks(QApplication.focusWidget(), "wall")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert QApplication.focusWidget() is window.findChild(QListView, "routineList")
    assert window.current_routine_id() == "ball-wall"
    order = []
    widget = window.findChild(QLineEdit, "routineSearch")
    widget.setFocus()
    for _ in range(5):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget().objectName())
    assert order == ["areaFilter", "durationFilter", "routineList", "detailScroll",
                     "startButton"]


def test_the_keyboard_scrolls_the_routine_details(window: MainWindow, qtbot: QtBot) -> None:
    """The details pane took no focus: at a small size, the steps, cautions and
    sources below its fold could not be reached without a mouse."""
    window.resize(700, 420)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=1000)
    window.select_routine("quick-neck")
    scroll = window.findChild(QScrollArea, "detailScroll")
    bar = scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=1000)
    assert scroll.accessibleName()
    window.routine_list.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is scroll
    qtbot.keyClick(scroll, Qt.Key.Key_PageDown)
    assert bar.value() > 0
    qtbot.keyClick(scroll, Qt.Key.Key_End)
    assert bar.value() == bar.maximum()
    qtbot.keyClick(scroll, Qt.Key.Key_Home)
    assert bar.value() == 0
    for _ in range(10):
        qtbot.keyClick(scroll, Qt.Key.Key_PageDown)
    assert bar.value() == bar.maximum()
    assert scroll.viewport().geometry().topLeft() == QPoint(2, 2), "room for the ring"
    assert scroll.styleSheet() == "", "a sheet would keep the text at its first size"
    middle = scroll.height() // 2

    def band() -> list[int]:
        image = scroll.grab().toImage()
        return [image.pixel(x, middle) for x in range(2)]

    focused = band()
    window.routine_list.setFocus()
    qtbot.waitUntil(lambda: not scroll.hasFocus(), timeout=1000)
    assert band() != focused, "the ring shows only with the focus"


@pytest.mark.parametrize(
    ("action", "signal"),
    [("actionHistory", "historyRequested"), ("actionPreferences", "settingsRequested"),
     ("actionReload", "reloadRequested"), ("actionQuit", "quitRequested"),
     ("actionOpenFolder", "openRoutinesFolderRequested")],
)
def test_menu_actions_forward_intent(
    window: MainWindow, qtbot: QtBot, action: str, signal: str
) -> None:
    from PySide6.QtGui import QAction

    act = window.findChild(QAction, action)
    assert act is not None
    with qtbot.waitSignal(getattr(window, signal), timeout=500):
        act.trigger()


def test_shortcuts_are_the_documented_ones(window: MainWindow) -> None:
    from PySide6.QtGui import QAction, QKeySequence

    def keys(name: str) -> list[str]:
        act = window.findChild(QAction, name)
        return [s.toString(QKeySequence.SequenceFormat.PortableText) for s in act.shortcuts()]

    assert "Ctrl+Return" in keys("actionStart")
    assert keys("actionReload") == ["F5"]
    assert keys("actionQuit") == ["Ctrl+Q"]
    assert keys("actionHistory") == ["Ctrl+H"]
    assert keys("actionPreferences") == ["Ctrl+,"]
    assert keys("actionFind") == ["Ctrl+F"]


def test_every_focusable_widget_has_names(window: MainWindow) -> None:
    window.show()
    for widget in window.findChildren(QWidget):
        if (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.isVisibleTo(window):
            if widget.parent() is not None and type(widget).__name__ in (
                "QScrollBar", "QSplitterHandle"
            ):
                continue
            if isinstance(widget.parentWidget(), QComboBox | QLineEdit):
                continue
            assert widget.objectName(), widget
            assert widget.accessibleName(), widget.objectName()


def test_geometry_round_trip(window: MainWindow, qtbot: QtBot) -> None:
    window.resize(700, 500)
    window.show()
    state = window.geometry_state()
    assert state and state.isascii()
    other = MainWindow()
    qtbot.addWidget(other)
    assert other.restore_geometry_state(state)
    assert other.size().toTuple() == (700, 500)
    assert not other.restore_geometry_state("")


def test_reload_keeps_the_selected_routine(window: MainWindow) -> None:
    window.select_routine("side-stretch")
    window.set_library(_library())
    assert window.current_routine_id() == "side-stretch"
    window.set_library(Library())
    assert window.current_routine_id() is None
    assert not window.findChild(QPushButton, "startButton").isEnabled()
    assert window.findChild(QLabel, "detailTitle").text() == "Choose a routine"


def test_create_main_window_loads_builtin_routines(qtbot: QtBot, app_paths: AppPaths) -> None:
    app_paths.user_routines_dir.mkdir(parents=True)
    (app_paths.user_routines_dir / "broken.toml").write_text('id = "x"\n', encoding="utf-8")
    win = create_main_window(app_paths, Settings())
    qtbot.addWidget(win)
    assert len(_titles(win)) >= 3
    assert win.current_routine_id() is not None
    assert win.findChild(QToolButton, "brokenToggle").isVisibleTo(win)
    room = win.screen().availableGeometry().marginsRemoved(FRAME_MARGINS).size()
    assert win.size() == DEFAULT_SIZE.boundedTo(room)
    assert DEFAULT_SIZE.toTuple() == (1100, 720)


def test_lengths_shown_follow_the_voice_rate(window: MainWindow) -> None:
    from massage_timer.core.model.speech_timing import AS_WRITTEN, SpeechTiming
    from massage_timer.ui.durations import duration

    window.select_routine("quick-neck")
    routine = _library().get("quick-neck").routine  # type: ignore[union-attr]
    meta = window.findChild(QLabel, "detailMeta")
    assert meta.text().startswith(duration(routine.total_seconds(False, AS_WRITTEN)))
    slow = SpeechTiming(80)
    assert routine.total_seconds(False, slow) > routine.total_seconds(False, AS_WRITTEN)
    window.set_speech_timing(slow)
    assert window.current_routine_id() == "quick-neck"
    assert meta.text().startswith(duration(routine.total_seconds(False, slow)) + " ·")
    view = window.findChild(QListView, "routineList")
    assert any(duration(routine.total_seconds(False, slow)) in str(
        view.model().index(r, 0).data(Qt.ItemDataRole.ToolTipRole))
        for r in range(view.model().rowCount()))


def test_every_label_in_the_library_and_settings_is_plain_text(
    qtbot: QtBot, window: MainWindow
) -> None:
    from massage_timer.core.model.settings import Settings
    from massage_timer.ui.plain import plain_tooltip
    from massage_timer.ui.settings.settings_dialog import SettingsDialog

    window.select_routine("quick-neck")
    dialog = SettingsDialog(Settings(), window, routines=[("quick-neck", "<b>Quick</b>")])
    qtbot.addWidget(dialog)
    labels = window.findChildren(QLabel) + dialog.findChildren(QLabel)
    assert len(labels) > 20
    rich = [label.objectName() or label.text() for label in labels
            if label.textFormat() != Qt.TextFormat.PlainText]
    assert rich == []
    view = window.findChild(QListView, "routineList")
    index = view.model().index(0, 0)
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert tip == plain_tooltip(index.data(Qt.ItemDataRole.AccessibleTextRole))


def test_a_remembered_geometry_from_a_larger_screen_is_clamped(qtbot: QtBot) -> None:
    from PySide6.QtCore import QRect

    from massage_timer.ui.screen_fit import FRAME_MARGINS

    elsewhere = MainWindow()
    qtbot.addWidget(elsewhere)
    elsewhere.setGeometry(QRect(3000, 1500, 2400, 1400))  # a big monitor, now gone
    saved = elsewhere.geometry_state()
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.restore_geometry_state(saved)
    room = window.screen().availableGeometry().marginsRemoved(FRAME_MARGINS)
    assert room.contains(window.geometry()), (window.geometry(), room)


def test_the_step_rows_of_the_previous_routine_are_not_left_showing(
    window: MainWindow,
) -> None:
    window.select_routine("quick-neck")
    window.select_routine("ball-wall")
    window.select_routine("quick-neck")
    step_list = window.findChild(StepList, "detailSteps")
    shown = [label.text() for label in step_list.findChildren(QLabel)
             if label.isVisibleTo(window)]
    rows = step_list.text().count("\n") + 1
    assert len(shown) == 4 * rows


def test_a_start_shows_the_chosen_routine_once_and_times_each_routine_once(
    qtbot: QtBot, app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building the window renders the detail of the routine it opens on once (a new
    library resets the list and then selects: both used to render it), and works out
    each routine's length once however often the list, its filter and tooltips ask."""
    from massage_timer.core.model.routine import Routine
    from massage_timer.ui.library.routine_detail import RoutineDetail

    shown: list[str | None] = []
    real_show = RoutineDetail.show_routine

    def show(self: RoutineDetail, loaded: LoadedRoutine | None, *args: object,
             **kwargs: object) -> None:
        shown.append(loaded.routine.id if loaded is not None else None)
        real_show(self, loaded, *args, **kwargs)  # type: ignore[arg-type]

    timed: list[str] = []
    real_total = Routine.total_seconds

    def total(self: Routine, *args: object, **kwargs: object) -> float:
        timed.append(self.id)
        return real_total(self, *args, **kwargs)  # type: ignore[arg-type]

    library = _library()
    monkeypatch.setattr(RoutineDetail, "show_routine", show)
    monkeypatch.setattr(Routine, "total_seconds", total)
    win = create_main_window(app_paths, Settings(voice_rate=120), library)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    chosen = win.current_routine_id()
    assert chosen is not None
    assert [s for s in shown if s is not None] == [chosen]
    list_rows = [r.routine.id for r in library.routines]
    # Each row once for the list, and the chosen routine once more for the detail.
    assert sorted(timed) == sorted([*list_rows, chosen])

    for row in range(win.routine_list.model().rowCount()):
        win.routine_list.model().index(row, 0).data(LinesRole)
    assert sorted(timed) == sorted([*list_rows, chosen])
    other = next(r for r in list_rows if r != chosen)
    assert win.select_routine(other)
    assert [s for s in shown if s is not None] == [chosen, other]

    timed.clear()
    win.set_speech_timing(timing_for(True, 200))
    assert sorted(timed) == sorted([*list_rows, other]), "a new voice rate times them again"
