"""Rows that wrap instead of squeezing, and drop-downs that shorten their choice
visibly: at a large text size or in a long-worded language, the library's filters and
buttons stay readable (the Length filter once read "Dowol" for "Dowolna długość")."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from large_text import large_text
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QSize
from PySide6.QtGui import QFont, QHelpEvent
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot
from test_i18n_windows import _switch

from massage_timer.core.model.language import SOURCE
from massage_timer.core.storage.loader import load_library
from massage_timer.ui.eliding_combo import ElidingComboBox
from massage_timer.ui.library.main_window import MainWindow
from massage_timer.ui.plain import plain_tooltip
from massage_timer.ui.wrapping_row import WrappingRow

LONG = "Mięśnie podpotyliczne (podstawa czaszki)"


class Sized(QPushButton):
    """A widget of a known natural width."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.natural = width

    def sizeHint(self) -> QSize:
        return QSize(self.natural, 20)


class Holder(QWidget):
    """A window ``width`` px wide whose only content is a row (a window of its own
    would grow to the row's one-line width instead)."""

    def __init__(self, widgets: list[QWidget], width: int, group: int,
                 stretch: tuple[int, ...]) -> None:
        super().__init__()
        self.row = WrappingRow(self, group=group)
        self.row.set_widgets(widgets, stretch=stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.row)
        self.resize(width, 200)


def shown_row(qtbot: QtBot, widgets: list[QWidget], width: int, group: int = 1,
              stretch: tuple[int, ...] = ()) -> WrappingRow:
    """``widgets`` in a row that is ``width`` px wide, on screen."""
    holder = Holder(widgets, width, group, stretch)
    qtbot.addWidget(holder)
    _HOLDERS.append(holder)
    holder.show()
    qtbot.waitExposed(holder)
    QCoreApplication.processEvents()
    return holder.row


_HOLDERS: list[Holder] = []


@pytest.fixture(autouse=True)
def _let_holders_go() -> Iterator[None]:
    yield
    _HOLDERS.clear()


def cells(row: WrappingRow, widgets: list[QWidget]) -> list[tuple[int, int]]:
    """The (row, column) of each widget in the grid."""
    grid = row.layout()
    assert isinstance(grid, QGridLayout)
    return [tuple(grid.getItemPosition(grid.indexOf(w))[:2]) for w in widgets]  # type: ignore[misc]


def test_widgets_that_fit_share_one_row(qtbot: QtBot) -> None:
    widgets: list[QWidget] = [Sized(60), Sized(60), Sized(60)]
    row = shown_row(qtbot, widgets, 400)
    assert row.columns == 3
    assert cells(row, widgets) == [(0, 0), (0, 1), (0, 2)]
    assert all(w.width() >= 60 for w in widgets)


def test_widgets_wrap_into_as_many_columns_as_fit(qtbot: QtBot) -> None:
    widgets: list[QWidget] = [Sized(100) for _ in range(5)]
    row = shown_row(qtbot, widgets, 330)  # three of them and two gaps: 308 px
    assert row.columns == 3
    assert cells(row, widgets) == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]
    assert all(w.width() >= 100 for w in widgets), "nothing is squeezed below its width"
    assert row.minimumSizeHint().width() == 100


def test_groups_wrap_whole_and_their_columns_line_up(qtbot: QtBot) -> None:
    labels = [QLabel("Area:"), QLabel("A much longer label:")]
    fields: list[QWidget] = [Sized(150), Sized(150)]
    widgets: list[QWidget] = [labels[0], fields[0], labels[1], fields[1]]
    holder_width = labels[1].sizeHint().width() + 150 + 40
    row = shown_row(qtbot, widgets, holder_width, group=2)
    assert row.columns == 2
    assert cells(row, widgets) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert fields[0].x() == fields[1].x(), "each field starts where the other does"
    assert row.minimumSizeHint().width() == (
        labels[1].sizeHint().width() + 150 + row.layout().horizontalSpacing())


def test_a_stretching_widget_takes_the_spare_width(qtbot: QtBot) -> None:
    label, field = QLabel("Length:"), Sized(80)
    row = shown_row(qtbot, [label, field], 500, group=2, stretch=(0, 1))
    assert row.columns == 2
    assert field.width() > 300
    assert label.width() < 200


def test_a_row_wraps_again_when_a_text_grows_and_back_when_it_shrinks(qtbot: QtBot) -> None:
    first, second = QPushButton("One"), QPushButton("Two")
    row = shown_row(qtbot, [first, second], 200)
    assert row.columns == 2
    second.setText("A text far too long to share the row with anything")
    qtbot.waitUntil(lambda: row.columns == 1)
    second.setText("Two")
    qtbot.waitUntil(lambda: row.columns == 2)


def test_widgets_must_make_whole_groups(qtbot: QtBot) -> None:
    row = WrappingRow(group=2)
    qtbot.addWidget(row)
    with pytest.raises(ValueError, match="whole groups"):
        row.set_widgets([QLabel("a"), QLabel("b"), QLabel("c")])
    with pytest.raises(ValueError, match="one stretch per widget"):
        row.set_widgets([QLabel("a"), QLabel("b")], stretch=[1])


# -- the eliding drop-down ------------------------------------------------------------


def combo_with(qtbot: QtBot, *items: str) -> ElidingComboBox:
    combo = ElidingComboBox()
    qtbot.addWidget(combo)
    for item in items:
        combo.addItem(item)
    return combo


def test_a_combo_asks_for_the_room_of_its_choice_not_of_its_longest_item(
        qtbot: QtBot) -> None:
    combo = combo_with(qtbot, "All", LONG)
    short_hint = combo.sizeHint().width()
    text = combo.fontMetrics().horizontalAdvance("All")
    assert text < short_hint < combo.fontMetrics().horizontalAdvance(LONG)
    combo.setCurrentIndex(1)
    assert combo.sizeHint().width() > combo.fontMetrics().horizontalAdvance(LONG)
    assert combo.minimumSizeHint().width() < short_hint + 40


def test_a_squeezed_combo_ends_its_choice_with_an_ellipsis_and_tells_it_whole(
        qtbot: QtBot) -> None:
    combo = combo_with(qtbot, LONG)
    combo.resize(combo.sizeHint())
    combo.show()
    qtbot.waitExposed(combo)
    assert combo.shown_text() == LONG and combo.cut_choice_tip() == ""
    combo.resize(combo.minimumSizeHint().width() + 20, combo.height())
    QCoreApplication.processEvents()
    shown = combo.shown_text()
    assert shown.endswith("…") and LONG.startswith(shown[:-1]) and len(shown) > 3
    assert combo.cut_choice_tip() == plain_tooltip(LONG), "the plain-text kind, never markup"
    QCoreApplication.sendEvent(combo, QHelpEvent(QEvent.Type.ToolTip, QPoint(5, 5),
                                                 combo.mapToGlobal(QPoint(5, 5))))
    assert QToolTip.isVisible() and LONG in QToolTip.text()
    QToolTip.hideText()
    combo.resize(combo.sizeHint())
    QCoreApplication.processEvents()
    assert combo.shown_text() == LONG and combo.cut_choice_tip() == ""


def test_a_combo_follows_its_items_even_with_its_signals_blocked(qtbot: QtBot) -> None:
    combo = combo_with(qtbot, "All")
    before = combo.sizeHint().width()
    combo.blockSignals(True)
    combo.setItemText(0, LONG)
    combo.blockSignals(False)
    assert combo.sizeHint().width() > before
    combo.resize(before, combo.height())
    combo.show()
    qtbot.waitExposed(combo)
    QCoreApplication.processEvents()
    assert LONG in combo.cut_choice_tip()


# -- the library window, at a large text size in a long-worded language --------------


@pytest.fixture
def polish(qapp: QApplication) -> Iterator[QApplication]:
    _switch(qapp, "pl")
    with large_text():
        yield qapp
    _switch(qapp, SOURCE)


def test_the_library_filters_and_buttons_stay_whole_at_a_large_text_size(
        qtbot: QtBot, polish: QApplication, repo_root: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.set_library(load_library(builtin_dir=repo_root / "routines"))
    window.resize(1008, 552)  # the room on a 1024x600 screen
    window.show()
    qtbot.waitExposed(window)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    QCoreApplication.processEvents()
    filters = window.findChild(WrappingRow, "routineFilters")
    assert filters is not None and filters.columns == 2, "the two filters take a row each"
    for name in ("areaFilter", "durationFilter"):
        combo = window.findChild(ElidingComboBox, name)
        assert combo is not None
        assert combo.shown_text() == combo.currentText() != "", f"{name} is cut"
        assert combo.width() >= combo.sizeHint().width()
    area = window.findChild(ElidingComboBox, "areaFilter")
    length = window.findChild(ElidingComboBox, "durationFilter")
    assert area is not None and length is not None and area.x() == length.x()
    buttons = window.findChild(WrappingRow, "routineActions")
    assert buttons is not None and buttons.columns < 5, "the buttons wrap"
    for button in buttons.findChildren(QToolButton):
        assert button.width() >= button.sizeHint().width(), f"{button.objectName()} is cut"


def test_held_to_one_row_the_widgets_give_up_room_in_step_with_what_they_can_spare(
        qtbot: QtBot) -> None:
    short, long = combo_with(qtbot, "All"), combo_with(qtbot, LONG)
    labels = [QLabel("Area:"), QLabel("Length:")]
    widgets: list[QWidget] = [labels[0], short, labels[1], long]
    natural = sum(w.sizeHint().width() for w in widgets)
    row = shown_row(qtbot, widgets, natural - 60, group=2, stretch=(0, 1, 0, 1))
    assert row.columns == 2, "without a limit the groups wrap"
    row.set_max_rows(1)
    QCoreApplication.processEvents()
    assert row.columns == 4
    assert short.shown_text() == "All", "the short choice is not cut for the long one"
    assert long.shown_text().endswith("…") and LONG in long.cut_choice_tip()
    assert row.minimumSizeHint().width() < natural - 60
    row.set_max_rows(None)
    QCoreApplication.processEvents()
    assert row.columns == 2 and long.shown_text() == LONG


def test_a_combo_measures_its_choice_again_in_a_larger_font(qtbot: QtBot) -> None:
    combo = combo_with(qtbot, LONG)
    before = combo.sizeHint().width()
    font = QFont(combo.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    combo.setFont(font)
    assert combo.sizeHint().width() > before * 1.5
