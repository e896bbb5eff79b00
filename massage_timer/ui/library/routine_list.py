"""The routine list: one row per routine, its filters, and how a row is drawn."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from massage_timer.core.model import regions
from massage_timer.core.model.language import _, pgettext
from massage_timer.core.model.routine import Equipment, Position, Routine
from massage_timer.core.model.speech_timing import AS_WRITTEN, SpeechTiming
from massage_timer.core.model.text import single_line
from massage_timer.core.storage.loader import LoadedRoutine
from massage_timer.ui.durations import duration
from massage_timer.ui.plain import plain_tooltip

RoutineIdRole = Qt.ItemDataRole.UserRole + 1
SecondsRole = Qt.ItemDataRole.UserRole + 2
AreasRole = Qt.ItemDataRole.UserRole + 3
SearchRole = Qt.ItemDataRole.UserRole + 4
LinesRole = Qt.ItemDataRole.UserRole + 5


def area_key(region_id: str) -> str:
    """The filter key of a region: sided ids fold into their bilateral name."""
    return regions.paired(region_id) or region_id


def position_text(position: Position) -> str:
    """The routine's position in the current language (the core's label)."""
    return position.label


_NOTE = re.compile(r" \([^()]*\)")
"""A note in parentheses ("Scalenes (side of the neck)"), left out of short labels."""


def area_label(key: str, *, short: bool = False) -> str:
    """A target area's name in the current language; ``short`` drops the note in
    parentheses. The names are the core's (:mod:`~massage_timer.core.model.regions`)."""
    if key in regions.BILATERAL:
        label = regions.REGIONS[regions.BILATERAL[key][0]].label.removesuffix(", left")
    elif key in regions.REGIONS:
        label = regions.REGIONS[key].label
    else:
        return key.replace("-", " ").capitalize()
    label = _(label)
    return _NOTE.sub("", label) if short else label


def routine_areas(routine: Routine) -> tuple[str, ...]:
    """The routine's target areas (its own list, or else its steps' regions)."""
    ids = routine.areas or tuple(r for s in routine.steps for r in s.regions)
    return tuple(dict.fromkeys(area_key(r) for r in ids))


def equipment_text(routine: Routine) -> str:
    """What the routine needs, as one capitalised list ("Tennis ball, towel")."""
    items = [e.label for e in routine.equipment if e is not Equipment.NONE]
    if not items:
        return Equipment.NONE.label
    # TRANSLATORS: the separator between items of a list ("tennis ball, towel").
    text = pgettext("list separator", ", ").join(items)
    return text[:1].upper() + text[1:]


class RoutineListModel(QAbstractListModel):
    """One row per loaded routine, with the texts and filter keys the view needs."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[LoadedRoutine] = []
        self._include_optional = False
        self._timing = AS_WRITTEN
        # Each row's length, worked out at its first use: the list, its filter and its
        # tooltips ask for it many times, and each answer counts every line's syllables.
        self._seconds: dict[int, float] = {}

    def set_routines(
        self,
        routines: list[LoadedRoutine],
        include_optional: bool,
        timing: SpeechTiming = AS_WRITTEN,
    ) -> None:
        self.beginResetModel()
        self._rows = list(routines)
        self._include_optional = include_optional
        self._timing = timing
        self._seconds.clear()
        self.endResetModel()

    def refresh(self) -> None:
        """Every row's texts again (the language changed)."""
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    def routine_at(self, row: int) -> LoadedRoutine:
        return self._rows[row]

    def row_of(self, routine_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.routine.id == routine_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        routine = self._rows[index.row()].routine
        if role == Qt.ItemDataRole.DisplayRole:
            return single_line(routine.title, keep_bidi=True)
        if role == RoutineIdRole:
            return routine.id
        if role == SecondsRole:
            return self._row_seconds(index.row())
        if role == AreasRole:
            return routine_areas(routine)
        if role == LinesRole:
            seconds = self._row_seconds(index.row())
            # TRANSLATORS: a routine's length, position and equipment, in the list.
            meta = _("{length} · {position} · {equipment}").format(
                length=duration(seconds), position=position_text(routine.position),
                equipment=equipment_text(routine))
            areas = ", ".join(area_label(a, short=True) for a in routine_areas(routine))
            # One line: a title from a file may hold line breaks. Each line of the row
            # is drawn on its own, so an override cannot reach past the title.
            return (single_line(routine.title, keep_bidi=True), meta, areas)
        if role == SearchRole:
            areas = " ".join(area_label(a) for a in routine_areas(routine))
            return f"{routine.title} {routine.summary} {areas}".casefold()
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            _title, meta, areas = self.data(index, LinesRole)
            # TRANSLATORS: a routine as a screen reader reads it: its title, then
            # length, position and equipment, then target areas.
            text = _("{title}. {details}. {areas}").format(
                title=routine.title, details=meta, areas=areas)
            return plain_tooltip(text) if role == Qt.ItemDataRole.ToolTipRole else text
        return None


    def _row_seconds(self, row: int) -> float:
        seconds = self._seconds.get(row)
        if seconds is None:
            seconds = self._rows[row].routine.total_seconds(self._include_optional, self._timing)
            self._seconds[row] = seconds
        return seconds


class RoutineFilterModel(QSortFilterProxyModel):
    """Filters the routine list by search words, area and maximum length."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._area: str | None = None
        self._max_seconds: float | None = None

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_area(self, area: str | None) -> None:
        self.beginFilterChange()
        self._area = area
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_max_minutes(self, minutes: int | None) -> None:
        self.beginFilterChange()
        self._max_seconds = None if minutes is None else minutes * 60
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        haystack = str(model.data(index, SearchRole) or "")
        if any(word not in haystack for word in self._words):
            return False
        if self._area is not None and self._area not in model.data(index, AreasRole):
            return False
        seconds = float(model.data(index, SecondsRole) or 0)
        return self._max_seconds is None or seconds <= self._max_seconds


class RoutineDelegate(QStyledItemDelegate):
    """Draws a routine as three lines: the title in bold, then length/position/
    equipment, then the target areas; long lines are elided (the tooltip has all)."""

    PADDING = 8

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        height = option.fontMetrics.lineSpacing() * 3 + self.PADDING * 2 + 4
        return QSize(200, height)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        title, meta, areas = index.data(LinesRole)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        muted = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        rect = opt.rect.adjusted(self.PADDING + 4, self.PADDING, -self.PADDING, -self.PADDING)
        line = opt.fontMetrics.lineSpacing()
        painter.save()
        painter.setClipRect(opt.rect)  # stacked combining marks reach above their line
        bold = QFont(opt.font)
        bold.setBold(True)
        for n, (text, font, color) in enumerate(
            ((title, bold, role), (meta, opt.font, role), (areas, opt.font, muted))
        ):
            painter.setFont(font)
            painter.setPen(opt.palette.color(color))
            row = QRect(rect.left(), rect.top() + n * (line + 2), rect.width(), line)
            elided = painter.fontMetrics().elidedText(
                text, Qt.TextElideMode.ElideRight, row.width()
            )
            painter.drawText(
                row, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), elided
            )
        painter.restore()
