"""The library window: find a routine, read what it does, start it.

The window only shows a :class:`~massage_timer.core.loader.Library` and forwards what
the person asks for through Signals; the session flow, settings and history live
with whoever connects them (see :mod:`massage_timer.ui.app`).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QKeyEvent, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from massage_timer import APP_DISPLAY_NAME, __version__
from massage_timer.core import regions
from massage_timer.core.loader import Library, LoadedRoutine, Origin
from massage_timer.core.routine import Equipment, Routine, Step, StepKind
from massage_timer.ui.diagram import DiagramView
from massage_timer.ui.theme import Accent, PrimaryButton, accent

DURATION_CHOICES: tuple[tuple[str, int | None], ...] = (
    ("Any length", None),
    ("Up to 5 min", 5),
    ("Up to 10 min", 10),
    ("Up to 15 min", 15),
    ("Up to 30 min", 30),
)
DEFAULT_SIZE = QSize(1100, 720)

RoutineIdRole = Qt.ItemDataRole.UserRole + 1
SecondsRole = Qt.ItemDataRole.UserRole + 2
AreasRole = Qt.ItemDataRole.UserRole + 3
SearchRole = Qt.ItemDataRole.UserRole + 4
LinesRole = Qt.ItemDataRole.UserRole + 5


def format_duration(seconds: float) -> str:
    """``"4 min"`` for whole minutes, otherwise ``"m:ss"``."""
    total = max(0, round(seconds))
    minutes, secs = divmod(total, 60)
    if secs == 0 and minutes > 0:
        return f"{minutes} min"
    return f"{minutes}:{secs:02d}"


def format_seconds(seconds: float) -> str:
    """``"45 s"`` under a minute, otherwise like :func:`format_duration`."""
    return f"{round(seconds)} s" if seconds < 60 else format_duration(seconds)


def area_key(region_id: str) -> str:
    """The filter key of a region: sided ids fold into their bilateral name."""
    for alias, sided in regions.BILATERAL.items():
        if region_id in sided:
            return alias
    return region_id


def area_label(key: str, *, short: bool = False) -> str:
    if key in regions.BILATERAL:
        label = regions.REGIONS[regions.BILATERAL[key][0]].label.removesuffix(", left")
    elif key in regions.REGIONS:
        label = regions.REGIONS[key].label
    else:
        label = key.replace("-", " ").capitalize()
    return label.split(" (")[0] if short else label


def routine_areas(routine: Routine) -> tuple[str, ...]:
    """The routine's target areas (its own list, or else its steps' regions)."""
    ids = routine.areas or tuple(r for s in routine.steps for r in s.regions)
    return tuple(dict.fromkeys(area_key(r) for r in ids))


def equipment_text(routine: Routine) -> str:
    items = [e.value for e in routine.equipment if e is not Equipment.NONE]
    return ", ".join(items).capitalize() if items else "No equipment"


def _step_detail(step: Step) -> str:
    if step.kind is StepKind.STROKES:
        what = f"{step.reps} strokes"
    elif step.kind is StepKind.REST:
        what = f"rest {format_seconds(step.work_seconds)}"
    else:
        what = f"hold {format_seconds(step.work_seconds)}"
    if len(step.sides) == 2:
        what += f" per side ({step.sides[0]}, then {step.sides[1]})"
    elif len(step.sides) == 1:
        what += f" ({step.sides[0]} side)"
    return what


class RoutineListModel(QAbstractListModel):
    """One row per loaded routine, with the texts and filter keys the view needs."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[LoadedRoutine] = []
        self._include_optional = False

    def set_routines(self, routines: list[LoadedRoutine], include_optional: bool) -> None:
        self.beginResetModel()
        self._rows = list(routines)
        self._include_optional = include_optional
        self.endResetModel()

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
        seconds = routine.total_seconds(self._include_optional)
        if role == Qt.ItemDataRole.DisplayRole:
            return routine.title
        if role == RoutineIdRole:
            return routine.id
        if role == SecondsRole:
            return seconds
        if role == AreasRole:
            return routine_areas(routine)
        if role == LinesRole:
            meta = f"{format_duration(seconds)} · {routine.position.value.capitalize()} · "
            meta += equipment_text(routine)
            areas = ", ".join(area_label(a, short=True) for a in routine_areas(routine))
            return (routine.title, meta, areas)
        if role == SearchRole:
            areas = " ".join(area_label(a) for a in routine_areas(routine))
            return f"{routine.title} {routine.summary} {areas}".casefold()
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            _title, meta, areas = self.data(index, LinesRole)
            return f"{routine.title}. {meta}. {areas}"
        return None


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
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        rect = opt.rect.adjusted(self.PADDING + 4, self.PADDING, -self.PADDING, -self.PADDING)
        line = opt.fontMetrics.lineSpacing()
        painter.save()
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
            painter.drawText(row, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             elided)
        painter.restore()


def _heading(text: str, parent: QWidget, scale: float = 1.15) -> QLabel:
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    label.setWordWrap(True)
    return label


class _CautionFrame(QFrame):
    """A calm, clearly set-apart box for a routine's cautions (accent on both themes)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailCautions")
        self._style = ""
        self._restyle()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()

    def _restyle(self) -> None:
        color = accent(Accent.CAUTION, QApplication.palette()).name()
        sheet = (
            f"QFrame#detailCautions {{ border: 1px solid {color}; border-left: 5px solid {color};"
            " border-radius: 4px; background: palette(alternate-base); }"
            f" QLabel#detailCautionsHeading {{ color: {color}; }}"
        )
        if sheet != self._style:
            self._style = sheet
            self.setStyleSheet(sheet)


class RoutineDetail(QWidget):
    """What a routine is: summary, diagram, steps with times, cautions, sources."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("routineDetail")
        self._title = _heading("", self, 1.6)
        self._title.setObjectName("detailTitle")
        self._meta = QLabel(self)
        self._meta.setObjectName("detailMeta")
        self._meta.setWordWrap(True)
        self._summary = QLabel(self)
        self._summary.setObjectName("detailSummary")
        self._summary.setWordWrap(True)
        self._origin = QLabel(self)
        self._origin.setObjectName("detailOrigin")
        self._origin.setWordWrap(True)
        self._diagram = _make_diagram(self)
        self._steps_heading = _heading("Steps", self)
        self._steps = QLabel(self)
        self._steps.setObjectName("detailSteps")
        self._steps.setTextFormat(Qt.TextFormat.RichText)
        self._steps.setWordWrap(True)
        self._steps.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._cautions_box = _CautionFrame(self)
        caution_layout = QVBoxLayout(self._cautions_box)
        cautions_heading = _heading("Take care", self._cautions_box, 1.0)
        cautions_heading.setObjectName("detailCautionsHeading")
        self._cautions = QLabel(self._cautions_box)
        self._cautions.setObjectName("detailCautionsText")
        self._cautions.setTextFormat(Qt.TextFormat.RichText)
        self._cautions.setWordWrap(True)
        caution_layout.addWidget(cautions_heading)
        caution_layout.addWidget(self._cautions)
        self._sources = QLabel(self)
        self._sources.setObjectName("detailSources")
        self._sources.setWordWrap(True)
        self._sources.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self._title)
        layout.addWidget(self._meta)
        layout.addWidget(self._summary)
        layout.addWidget(self._origin)
        layout.addWidget(self._diagram, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self._steps_heading)
        layout.addWidget(self._steps)
        layout.addWidget(self._cautions_box)
        layout.addWidget(self._sources)
        layout.addStretch(1)
        self.show_routine(None, include_optional=False)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_shown"):
            self.show_routine(*self._shown)

    def show_routine(self, loaded: LoadedRoutine | None, include_optional: bool) -> None:
        self._shown = (loaded, include_optional)
        widgets: list[QWidget] = [
            self._meta, self._summary, self._origin, self._diagram, self._steps_heading,
            self._steps, self._cautions_box, self._sources,
        ]
        if loaded is None:
            self._title.setText("Choose a routine")
            for widget in widgets:
                widget.hide()
            self._diagram.clear()
            return
        for widget in widgets:
            widget.show()
        routine = loaded.routine
        self._title.setText(routine.title)
        total = format_duration(routine.total_seconds(include_optional))
        areas = ", ".join(area_label(a) for a in routine_areas(routine))
        self._meta.setText(
            f"{total} · {routine.position.value.capitalize()} · {equipment_text(routine)}"
            + (f"\nTarget areas: {areas}" if areas else "")
        )
        self._summary.setText(routine.summary)
        origin = {
            Origin.BUILTIN: "",
            Origin.USER: f"Your routine: {loaded.file.name}",
            Origin.EXTRA: f"From {loaded.file}",
        }[loaded.origin]
        if loaded.overrides is not None:
            origin += f" (replaces the built-in {loaded.overrides.name})"
        self._origin.setText(origin)
        self._origin.setVisible(bool(origin))
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        self._steps.setText(_steps_html(routine, include_optional, muted))
        self._steps.setAccessibleName("Steps: " + "; ".join(
            f"{s.title}, {format_duration(s.total_seconds)}" for s in routine.steps))
        self._cautions.setText(
            "<ul style='margin-left:-20px'>"
            + "".join(f"<li>{html.escape(c)}</li>" for c in routine.cautions)
            + "</ul>"
        )
        self._cautions_box.setVisible(bool(routine.cautions))
        self._sources.setText("Sources: " + ", ".join(routine.sources))
        ids = [r for s in routine.steps for r in s.regions] + list(routine.areas)
        self._diagram.set_regions(dict.fromkeys(ids))


def _clock(seconds: float) -> str:
    minutes, secs = divmod(max(0, round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


def _steps_html(routine: Routine, include_optional: bool, muted: str) -> str:
    rows = []
    number = 0
    for step in routine.steps:
        skipped = step.optional and not include_optional
        if not skipped:
            number += 1
        tags = []
        if step.optional:
            tags.append("optional, left out (see Preferences)" if skipped else "optional")
        tag = f" <i>({', '.join(tags)})</i>" if tags else ""
        style = f" style='color: {muted}'" if skipped else ""
        rows.append(
            f"<tr{style}><td align='right' width='28'>{'' if skipped else f'{number}.'}</td>"
            f"<td><b>{html.escape(step.title)}</b>{tag}<br>{html.escape(_step_detail(step))}</td>"
            f"<td align='right'>{_clock(step.total_seconds)}</td></tr>"
        )
    return (
        "<table cellspacing='0' cellpadding='3' width='100%'>" + "".join(rows) + "</table>"
    )


def _make_diagram(parent: QWidget) -> DiagramView:
    view = DiagramView(parent)
    view.setObjectName("detailDiagram")
    view.setAccessibleName("Diagram of the areas this routine works on")
    view.setMinimumHeight(200)
    view.setMaximumSize(480, 230)
    return view


class MainWindow(QMainWindow):
    """The routine library and its menus.

    Signals:
        startRequested(str): the person asked to start the routine with this id.
        historyRequested(), settingsRequested(), reloadRequested(),
        openRoutinesFolderRequested(), quitRequested(): menu intents.
    """

    startRequested = Signal(str)
    historyRequested = Signal()
    settingsRequested = Signal()
    reloadRequested = Signal()
    openRoutinesFolderRequested = Signal()
    quitRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_DISPLAY_NAME)
        self.resize(DEFAULT_SIZE)
        self._library = Library()
        self._include_optional = False
        self._model = RoutineListModel(self)
        self._proxy = RoutineFilterModel(self)
        self._proxy.setSourceModel(self._model)

        self._search = QLineEdit(self)
        self._search.setObjectName("routineSearch")
        self._search.setAccessibleName("Search routines")
        self._search.setPlaceholderText("Search routines (Ctrl+F)")
        self._search.setClearButtonEnabled(True)
        self._area = QComboBox(self)
        self._area.setObjectName("areaFilter")
        self._area.setAccessibleName("Filter by target area")
        self._duration = QComboBox(self)
        self._duration.setObjectName("durationFilter")
        self._duration.setAccessibleName("Filter by maximum length")
        for text, minutes in DURATION_CHOICES:
            self._duration.addItem(text, minutes)

        self._list = QListView(self)
        self._list.setObjectName("routineList")
        self._list.setAccessibleName("Routines")
        self._list.setModel(self._proxy)
        self._list.setItemDelegate(RoutineDelegate(self._list))
        self._list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._list.setAlternatingRowColors(True)
        self._list.setMinimumWidth(300)
        self._empty = QLabel("No routine matches the search and filters.", self)
        self._empty.setObjectName("routineListEmpty")
        self._empty.setWordWrap(True)
        self._empty.hide()

        self._broken_toggle = QToolButton(self)
        self._broken_toggle.setObjectName("brokenToggle")
        self._broken_toggle.setCheckable(True)
        self._broken_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._broken_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self._broken_toggle.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._broken = QTreeWidget(self)
        self._broken.setObjectName("brokenRoutines")
        self._broken.setAccessibleName("Routine files that could not be loaded")
        self._broken.setHeaderHidden(True)
        self._broken.setColumnCount(1)
        self._broken.setWordWrap(True)
        self._broken.setUniformRowHeights(False)
        self._broken.setIndentation(16)
        self._broken.setTextElideMode(Qt.TextElideMode.ElideNone)
        self._broken.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._broken.setMaximumHeight(200)
        self._broken.hide()

        self._detail = RoutineDetail(self)
        scroll = QScrollArea(self)
        scroll.setObjectName("detailScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._detail)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._start = PrimaryButton("Start routine", self)
        self._start.setObjectName("startButton")
        self._start.setAccessibleName("Start routine")
        self._start.setToolTip("Start the chosen routine (Ctrl+Enter)")

        self._build_layout(scroll)
        self._build_menus()
        self._connect()
        self._update_broken([])
        self._on_current_changed()

    # -- public API --------------------------------------------------------------
    def set_library(self, library: Library) -> None:
        """Show a (re)loaded library, keeping the current routine when it is still there."""
        keep = self.current_routine_id()
        self._library = library
        self._model.set_routines(library.routines, self._include_optional)
        self._fill_areas()
        self._update_broken(library.errors)
        if not (keep and self.select_routine(keep)):
            self._select_first()
        self._on_current_changed()

    def set_include_optional(self, include: bool) -> None:
        """Whether optional steps count (the setting); changes the times shown."""
        self._include_optional = include
        self.set_library(self._library)

    def select_routine(self, routine_id: str) -> bool:
        row = self._model.row_of(routine_id)
        if row < 0:
            return False
        index = self._proxy.mapFromSource(self._model.index(row, 0))
        if not index.isValid():
            return False
        self._list.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self._list.scrollTo(index)
        return True

    def current_routine_id(self) -> str | None:
        index = self._list.currentIndex()
        if not index.isValid():
            return None
        return str(index.data(RoutineIdRole))

    def show_notice(self, text: str, timeout_ms: int = 0) -> None:
        """A one-line notice in the status bar (settings reset, no voice, ...)."""
        self.statusBar().showMessage(text, timeout_ms)

    def geometry_state(self) -> str:
        """The window geometry as base64 text, for ``settings.window_geometry``."""
        return bytes(self.saveGeometry().toBase64().data()).decode("ascii")

    def restore_geometry_state(self, state: str) -> bool:
        if not state:
            return False
        return self.restoreGeometry(QByteArray.fromBase64(state.encode("ascii")))

    @property
    def start_button(self) -> QPushButton:
        return self._start

    @property
    def routine_list(self) -> QListView:
        return self._list

    @property
    def search_box(self) -> QLineEdit:
        return self._search

    @property
    def detail(self) -> RoutineDetail:
        return self._detail

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_broken_toggle"):
            self._update_broken(self._library.errors)

    # -- building ----------------------------------------------------------------
    def _build_layout(self, scroll: QScrollArea) -> None:
        filters = QHBoxLayout()
        area_label_ = QLabel("&Area:", self)
        area_label_.setBuddy(self._area)
        length_label = QLabel("&Length:", self)
        length_label.setBuddy(self._duration)
        filters.addWidget(area_label_)
        filters.addWidget(self._area, 1)
        filters.addWidget(length_label)
        filters.addWidget(self._duration, 1)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self._search)
        left_layout.addLayout(filters)
        left_layout.addWidget(self._list, 1)
        left_layout.addWidget(self._empty)
        left_layout.addWidget(self._broken_toggle)
        left_layout.addWidget(self._broken)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(scroll, 1)
        start_row = QHBoxLayout()
        start_row.addStretch(1)
        start_row.addWidget(self._start)
        right_layout.addLayout(start_row)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("librarySplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([400, 700])
        self.setCentralWidget(splitter)
        self.setTabOrder(self._search, self._area)
        self.setTabOrder(self._area, self._duration)
        self.setTabOrder(self._duration, self._list)
        self.setTabOrder(self._list, self._broken_toggle)
        self.setTabOrder(self._broken_toggle, self._broken)
        self.setTabOrder(self._broken, self._start)

    def _action(self, text: str, name: str, shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.start_action = self._action("&Start routine", "actionStart", "Ctrl+Return")
        self.start_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.open_folder_action = self._action("&Open routines folder", "actionOpenFolder")
        self.reload_action = self._action("&Reload routines", "actionReload",
                                          QKeySequence(QKeySequence.StandardKey.Refresh))
        self.reload_action.setShortcuts([QKeySequence("F5")])
        self.quit_action = self._action("&Quit", "actionQuit", "Ctrl+Q")
        self.history_action = self._action("&History", "actionHistory", "Ctrl+H")
        self.find_action = self._action("&Find routine", "actionFind", "Ctrl+F")
        self.settings_action = self._action("&Preferences…", "actionPreferences", "Ctrl+,")
        self.about_action = self._action(f"&About {APP_DISPLAY_NAME}", "actionAbout")
        self.safety_action = self._action("&Safety information", "actionSafety")
        file_menu = bar.addMenu("&File")
        file_menu.setObjectName("menuFile")
        file_menu.addAction(self.start_action)
        file_menu.addSeparator()
        file_menu.addAction(self.open_folder_action)
        file_menu.addAction(self.reload_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = bar.addMenu("&View")
        view_menu.setObjectName("menuView")
        view_menu.addAction(self.find_action)
        view_menu.addAction(self.history_action)
        settings_menu = bar.addMenu("&Settings")
        settings_menu.setObjectName("menuSettings")
        settings_menu.addAction(self.settings_action)
        help_menu = bar.addMenu("&Help")
        help_menu.setObjectName("menuHelp")
        help_menu.addAction(self.safety_action)
        help_menu.addAction(self.about_action)

    def _connect(self) -> None:
        self._search.textChanged.connect(self._on_search_changed)
        self._search.installEventFilter(self)
        self._area.currentIndexChanged.connect(self._on_area_changed)
        self._duration.currentIndexChanged.connect(self._on_duration_changed)
        self._list.selectionModel().currentChanged.connect(self._on_current_changed)
        self._list.activated.connect(self._on_list_activated)
        self._broken_toggle.toggled.connect(self._on_broken_toggled)
        self._start.clicked.connect(self._on_start_triggered)
        self.start_action.triggered.connect(self._on_start_triggered)
        self.open_folder_action.triggered.connect(self.openRoutinesFolderRequested)
        self.reload_action.triggered.connect(self.reloadRequested)
        self.quit_action.triggered.connect(self.quitRequested)
        self.history_action.triggered.connect(self.historyRequested)
        self.settings_action.triggered.connect(self.settingsRequested)
        self.find_action.triggered.connect(self._on_find_triggered)
        self.about_action.triggered.connect(self._on_about_triggered)
        self.safety_action.triggered.connect(self._on_safety_triggered)

    def _fill_areas(self) -> None:
        current = self._area.currentData()
        keys = sorted(
            {a for r in self._library.routines for a in routine_areas(r.routine)},
            key=lambda k: area_label(k).casefold(),
        )
        self._area.blockSignals(True)
        self._area.clear()
        self._area.addItem("All areas", None)
        for key in keys:
            self._area.addItem(area_label(key, short=True), key)
        self._area.setCurrentIndex(max(0, self._area.findData(current)))
        self._area.blockSignals(False)
        self._proxy.set_area(self._area.currentData())

    def _update_broken(self, errors: list[Any]) -> None:
        self._broken.clear()
        by_file: dict[Path, QTreeWidgetItem] = {}
        for error in errors:
            parent = by_file.get(error.file)
            if parent is None:
                parent = QTreeWidgetItem(self._broken, [error.file.name])
                font = QFont(self._broken.font())
                font.setBold(True)
                parent.setFont(0, font)
                parent.setToolTip(0, str(error.file))
                by_file[error.file] = parent
            item = QTreeWidgetItem(parent, [f"{error.location}: {error.message}"])
            item.setToolTip(0, str(error))
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole,
                         f"{error.file.name}, at {error.location}: {error.message}")
        self._broken.expandAll()
        files = len({e.file for e in errors})
        self._broken_toggle.setText(
            f"Could not load {files} routine file{'s' if files != 1 else ''}"
            f" ({len(errors)} problem{'s' if len(errors) != 1 else ''})"
        )
        self._broken_toggle.setAccessibleName(self._broken_toggle.text())
        color = accent(Accent.DANGER, QApplication.palette()).name()
        self._broken_toggle.setStyleSheet(f"QToolButton#brokenToggle {{ color: {color}; }}")
        self._broken_toggle.setVisible(bool(errors))
        self._broken.setVisible(bool(errors) and self._broken_toggle.isChecked())

    def _select_first(self) -> None:
        if self._proxy.rowCount() > 0:
            self._list.selectionModel().setCurrentIndex(
                self._proxy.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )

    def _after_filter(self) -> None:
        if not self._list.currentIndex().isValid():
            self._select_first()
        self._empty.setVisible(self._proxy.rowCount() == 0 and self._model.rowCount() > 0)
        self._on_current_changed()

    # -- slots ---------------------------------------------------------------------
    def _on_search_changed(self, text: str) -> None:
        self._proxy.set_search(text)
        self._after_filter()

    def _on_area_changed(self, _index: int) -> None:
        self._proxy.set_area(self._area.currentData())
        self._after_filter()

    def _on_duration_changed(self, _index: int) -> None:
        self._proxy.set_max_minutes(self._duration.currentData())
        self._after_filter()

    def _on_current_changed(self, *_args: object) -> None:
        routine_id = self.current_routine_id()
        loaded = self._library.get(routine_id) if routine_id else None
        self._detail.show_routine(loaded, self._include_optional)
        self._start.setEnabled(loaded is not None)
        self.start_action.setEnabled(loaded is not None)

    def _on_list_activated(self, _index: QModelIndex) -> None:
        self._on_start_triggered()

    def _on_start_triggered(self) -> None:
        routine_id = self.current_routine_id()
        if routine_id is not None:
            self.startRequested.emit(routine_id)

    def _on_find_triggered(self) -> None:
        self._search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._search.selectAll()

    def _on_broken_toggled(self, shown: bool) -> None:
        self._broken_toggle.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        self._broken.setVisible(shown)

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_DISPLAY_NAME}",
            f"<h3>{APP_DISPLAY_NAME} {html.escape(__version__)}</h3>"
            "<p>Guided self-massage and stretching for the neck, shoulders and upper back,"
            " with posture-break reminders.</p>"
            "<p>It is not medical advice. If pain is severe, spreading or lasting, see a"
            " doctor or physiotherapist.</p>",
        )

    def _on_safety_triggered(self) -> None:
        from massage_timer.ui.checklist_dialog import show_safety_information

        show_safety_information(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self._proxy.rowCount() > 0
        ):
            self._list.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self._list.currentIndex().isValid():
                self._select_first()
            return True
        return super().eventFilter(watched, event)
