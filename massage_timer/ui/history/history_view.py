"""The history window: the session table, summary figures, charts and export.

The table is a model/view pair that loads pages of 200 rows from SQLite as the user
scrolls (``canFetchMore``/``fetchMore``); sorting and filtering are ORDER BY/WHERE
clauses, so 100,000 sessions open as fast as 100. Figures and charts are filled in
on the next turn of the event loop, after the first rows are on screen. Exports run
on a worker thread from a snapshot of the store.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QDateTime,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QSize,
    Qt,
    QTime,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from massage_timer.core.model.language import N_, _, ngettext
from massage_timer.core.model.session import Outcome
from massage_timer.core.model.text import isolated
from massage_timer.core.storage.history.export import ExportFormat, export_to_file
from massage_timer.core.storage.history.stats import (
    Stats,
    Summary,
    WeekFigures,
    day_end,
    day_start,
)
from massage_timer.core.storage.history.store import (
    HistoryStore,
    SessionFilter,
    SessionRecord,
    SortKey,
    utc_now,
)
from massage_timer.core.storage.timezone import local_zone
from massage_timer.ui.durations import clock
from massage_timer.ui.history.chart_panel import (
    LABEL_PADDING,
    ChartPanel,
    LegendEntry,
    date_labels,
    value_ticks,
)
from massage_timer.ui.plain import PlainLabel, plain_tooltip
from massage_timer.ui.theme import Accent, PaletteStyle, accent, is_dark
from massage_timer.ui.wrapping_row import WrappingRow

log = logging.getLogger(__name__)

PAGE_SIZE = 200
ROUTINE_SHARE = 0.25
"""The least part of a narrow table's width the routine column keeps."""
COLUMNS = (N_("Date and time"), N_("Routine"), N_("Duration"), N_("Outcome"),
           N_("Pain before → after"))
"""The table's headers (translated where shown)."""
ISO_DATE = "yyyy-MM-dd"
"""The short date under the C locale (``LANG=C``, a bare system)."""


def short_date_format(locale: QLocale) -> str:
    """The locale's own short date (its order, its separators), or ISO 8601 under the
    C locale, whose own "d MM yyyy" reads as three loose numbers."""
    if locale.language() == QLocale.Language.C:
        return ISO_DATE
    return locale.dateFormat(QLocale.FormatType.ShortFormat)


def date_time_format() -> str:
    """A session's start in the table: the weekday, then the locale's short date and
    time (its 12- or 24-hour clock)."""
    locale = QLocale()
    return (f"ddd {short_date_format(locale)}  "
            f"{locale.timeFormat(QLocale.FormatType.ShortFormat)}")
_SORT_KEYS = (SortKey.STARTED, SortKey.ROUTINE, SortKey.DURATION, SortKey.OUTCOME,
              SortKey.PAIN)
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


def format_outcome(record: SessionRecord) -> str:
    match record.outcome:
        case Outcome.INTERRUPTED if record.current_step >= record.steps_total:
            # Its last step was recorded, its end was not ("step 9 of 8").
            return ngettext("Interrupted after its only step",
                            "Interrupted after the last of its {count} steps",
                            record.steps_total).format(count=record.steps_total)
        case Outcome.INTERRUPTED:
            return ngettext("Interrupted at step {number} of {count}",
                            "Interrupted at step {number} of {count}",
                            record.steps_total).format(
                number=record.current_step + 1, count=record.steps_total)
        case Outcome.STOPPED:
            return ngettext("Stopped after {done} of {count} step",
                            "Stopped after {done} of {count} steps",
                            record.steps_total).format(
                done=record.steps_completed, count=record.steps_total)
        case Outcome.COMPLETED:
            # TRANSLATORS: how a session ended, in the history table.
            return _("Completed")
        case _:
            # TRANSLATORS: a session still under way, in the history table.
            return _("Running")


def format_pain(record: SessionRecord) -> str:
    if record.pain_before is None and record.pain_after is None:
        return "—"

    def show(value: int | None) -> str:
        return "–" if value is None else str(value)

    # TRANSLATORS: the pain ratings before and after a session ("3 → 1").
    return _("{before} → {after}").format(before=show(record.pain_before),
                                          after=show(record.pain_after))


def _banner_sheet(palette: QPalette) -> str:
    """The pain banner in the theme's colours, written out (see :class:`PaletteStyle`)."""
    return ("QLabel#historyPainBanner {"
            f" background: {palette.color(QPalette.ColorRole.AlternateBase).name()};"
            f" border: 1px solid {palette.color(QPalette.ColorRole.Mid).name()};"
            f" border-left: 4px solid {accent(Accent.PRIMARY, palette).name()};"
            " padding: 8px 10px; }")


def local_date_time(moment: datetime, tz: tzinfo, fmt: str | QLocale.FormatType) -> str:
    """``moment`` in ``tz``, written by QLocale in the current language."""
    local = moment.astimezone(tz)
    qt = QDateTime(QDate(local.year, local.month, local.day),
                   QTime(local.hour, local.minute, local.second))
    return QLocale().toString(qt, fmt)


PAIN_TICKS = (6, 3, 2)
"""The pain chart's labelled values, as many as fit: 0, 2, 4... 10, else 0, 5, 10."""
COUNT_TICKS = (5, 3, 2)
"""The sessions chart's labelled values, as many as fit (four steps, else two, else one)."""
DATE_FORMAT = "d MMM"
"""The dates under the charts' weeks."""
MIN_DATES = 2
"""The dates a chart asks room for (its preferred width follows)."""
MIN_CHART_WIDTH, MIN_CHART_HEIGHT = 200, 130


def _date_width(weeks: list[WeekFigures], font: QFont) -> int:
    """The widest date under ``weeks`` in ``font``."""
    metrics = QFontMetrics(font)
    return max((metrics.horizontalAdvance(local_date(w.start, DATE_FORMAT)) for w in weeks),
               default=0)


def local_date(day: date, fmt: str | QLocale.FormatType) -> str:
    """A date written by QLocale in the current language."""
    return QLocale().toString(QDate(day.year, day.month, day.day), fmt)


class SessionTableModel(QAbstractTableModel):
    """Sessions, a page at a time; ``sort`` and ``set_filter`` re-query SQLite."""

    def __init__(self, store: HistoryStore, tz: tzinfo, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._tz = tz
        self._filter = SessionFilter()
        self._order = SortKey.STARTED
        self._descending = True
        self._rows: list[SessionRecord] = []
        self._total = 0
        self._date_format = date_time_format()
        self.reload()

    @property
    def total(self) -> int:
        """Sessions matching the filter (loaded or not)."""
        return self._total

    def reload(self) -> None:
        self.beginResetModel()
        self._total = self._store.count(self._filter)
        self._rows = self._page(0)
        self.endResetModel()

    def _page(self, offset: int) -> list[SessionRecord]:
        return self._store.page(self._filter, order=self._order,
                                descending=self._descending, offset=offset, limit=PAGE_SIZE)

    def set_filter(self, flt: SessionFilter) -> None:
        self._filter = flt
        self.reload()

    def record(self, row: int) -> SessionRecord | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = self._page(len(self._rows))
        if not more:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(_SORT_KEYS):
            return
        self._order = _SORT_KEYS[column]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def retranslate(self) -> None:
        """Headers and cells again, in the language now in use."""
        self._date_format = date_time_format()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(COLUMNS) - 1))

    def headerData(
        self, section: int, orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role in (
                Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return _(COLUMNS[section])  # a narrow column's header ends with "…"
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(record, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            # The cell whole (a narrow column ends it with "…"), then the person's note.
            lines = [self._text(record, column), *([record.note] if record.note else [])]
            return plain_tooltip("\n".join(lines))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == RECORD_ROLE:
            return record
        return None

    def _text(self, record: SessionRecord, column: int) -> str:
        if column == 0:
            return local_date_time(record.started_at, self._tz, self._date_format)
        if column == 1:
            return isolated(record.routine_title)
        if column == 2:
            return clock(record.active_seconds)
        if column == 3:
            return format_outcome(record)
        return format_pain(record)


class _ExportSignals(QObject):
    finished = Signal(str, int)
    failed = Signal(str)


class HistoryView(QWidget):
    """Session history: table, filters, summary, charts, delete and export.

    Signals:
        historyChanged(): sessions were deleted.
        exportFinished(str, int): the export file and how many sessions it holds.
        exportFailed(str): why the export could not be written.
    """

    historyChanged = Signal()
    exportFinished = Signal(str, int)
    exportFailed = Signal(str)

    def __init__(
        self,
        store: HistoryStore,
        *,
        tz: tzinfo | None = None,
        now: Callable[[], datetime] = utc_now,
        protected: Sequence[Path] = (),
        parent: QWidget | None = None,
    ) -> None:
        """``protected``: the app's files an export must never write over, besides the
        history's own (the settings file)."""
        super().__init__(parent)
        self.setObjectName("historyView")
        self._store = store
        self._protected = tuple(protected)
        self._tz = tz or local_zone()
        self._now = now
        self._stats = Stats(store, self._tz, now)
        self._export_thread: threading.Thread | None = None
        self._export_signals = _ExportSignals(self)
        self._export_signals.finished.connect(self._on_export_finished)
        self._export_signals.failed.connect(self._on_export_failed)
        self.confirm: Callable[[str, str], bool] = self._ask
        self.choose_export_path: Callable[[], tuple[Path, ExportFormat] | None] = (
            self._ask_export_path
        )
        self.model = SessionTableModel(store, self._tz, self)
        self._wanted: dict[int, int] = {}  # each column's width, room allowing
        self._weeks: list[WeekFigures] = []  # what the charts show
        self._dated: dict[str, list[int]] = {}  # the weeks with a date, chart by chart
        self._ticks: dict[str, int] = {}  # the values with a label, chart by chart
        self._build()
        self._stats_timer = QTimer(self)
        self._stats_timer.setObjectName("historyStatsTimer")
        self._stats_timer.setSingleShot(True)
        self._stats_timer.setInterval(0)
        self._stats_timer.timeout.connect(self.refresh_figures)
        self._fill_routines()
        self._retranslate()
        self._update_count()
        self._stats_timer.start()

    # -- building --------------------------------------------------------------------

    def _named(self, widget: QWidget, name: str) -> None:
        widget.setObjectName(name)

    def _retranslate(self) -> None:
        """Every text of the view in the current language; the figures and charts
        follow on the next turn of the event loop."""
        self.setAccessibleName(_("Session history"))
        self.banner.setAccessibleName(_("Pain trend note"))
        self.table.setAccessibleName(_("Sessions"))
        self._delete_action.setText(_("Delete session"))
        self.count_label.setAccessibleName(_("Number of sessions"))
        self.delete_button.setText(_("De&lete session"))
        self.delete_button.setAccessibleName(_("Delete the selected session"))
        self.delete_all_button.setText(_("Delete &all…"))
        self.delete_all_button.setAccessibleName(_("Delete all history"))
        if self._export_thread is None:
            self.export_button.setText(_("&Export…"))
        else:
            self.export_button.setText(_("Exporting…"))
        self.export_button.setAccessibleName(
            _("Export the sessions shown to a CSV or JSON file"))
        self._summary_box.setAccessibleName(_("Summary"))
        for key, caption in FIGURES:
            self._captions[key].setText(_(caption))
            self.figures[key].setAccessibleName(_(caption))
        self.sessions_panel.set_title(_("Sessions per week, last 12 weeks"))
        self.pain_panel.set_title(_("Average pain before and after, last 12 weeks"))
        self.range_check.setText(_("&Dates from"))
        self.range_check.setAccessibleName(_("Filter by date range"))
        self.since_edit.setAccessibleName(_("From date"))
        self.until_edit.setAccessibleName(_("To date"))
        for edit in (self.since_edit, self.until_edit):
            # A widget keeps the locale it was made with: its calendar too.
            edit.setLocale(QLocale())
            edit.setDisplayFormat(short_date_format(QLocale()))
        # TRANSLATORS: between the two dates of the history's date filter.
        self._to_label.setText(_("&to"))
        # TRANSLATORS: the history's filter by routine.
        self._routine_label.setText(_("&Routine"))
        self.routine_combo.setAccessibleName(_("Filter by routine"))
        if self.routine_combo.count():
            self.routine_combo.setItemText(0, _("All routines"))
        self.model.retranslate()
        self._size_columns()
        self._fit_chart_widths()
        self.count_label.setText(_sessions(self.model.total))

    def _size_columns(self) -> None:
        """Room for the longest usual text of each column, in the current language
        (:meth:`_fit_columns` gives some of it back on a narrow table)."""
        metrics = self.fontMetrics()
        sample_day = datetime(2026, 9, 30, 23, 59, tzinfo=self._tz)
        widths = {
            0: local_date_time(sample_day, self._tz, date_time_format()),
            2: "1:00:00",
            3: ngettext("Interrupted at step {number} of {count}",
                        "Interrupted at step {number} of {count}", 10).format(
                number=10, count=10),
            4: _(COLUMNS[4]),
        }
        self._wanted = {column: metrics.horizontalAdvance(sample + "    ") + 24
                        for column, sample in widths.items()}
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Each column as wide as it wants where the table has the room; where it has
        not (large text, a long-worded language), the outcome and pain columns give
        up to half their width, ending their texts with "…", so that the routine keeps
        :data:`ROUTINE_SHARE` of the table instead of a letter or two."""
        room = self.table.viewport().width()
        widths = dict(self._wanted)
        over = sum(widths.values()) + room * ROUTINE_SHARE - room
        spare = {column: widths[column] // 2 for column in (3, 4)}
        if over > 0:
            part = min(1.0, over / sum(spare.values()))
            for column, give in spare.items():
                widths[column] -= round(give * part)
        header = self.table.horizontalHeader()
        for column, width in widths.items():
            header.resizeSection(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            if watched is self.parentWidget() and isinstance(watched, QWidget):
                self.arrange_for_width(watched.width())  # a scroll area's viewport
            elif watched in self._wrapping() and isinstance(watched, QWidget):
                self._fit_height(watched)
            elif isinstance(watched, QChartView):
                self._relabel(watched)
            elif self._wanted:  # the table's viewport
                self._fit_columns()
        return super().eventFilter(watched, event)

    def _relabel(self, view: QChartView) -> None:
        """Draw the charts again if ``view``'s new size puts dates under other weeks or
        labels beside other values (it changes with the window's and with the summary
        beside it)."""
        panel = self.pain_panel if view is self.pain_chart else self.sessions_panel
        name = view.objectName()
        dated = self._dated_weeks(self._weeks, self._axis_font(), panel)
        ticks = self._value_ticks(panel, PAIN_TICKS if panel is self.pain_panel else COUNT_TICKS)
        if self._weeks and (dated, ticks) != (self._dated.get(name), self._ticks.get(name)):
            self._stats_timer.start()

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setSpacing(10)

        self.banner = PlainLabel(self)
        self._named(self.banner, "historyPainBanner")
        self.banner.setWordWrap(True)
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        self.banner_style = PaletteStyle(self.banner, _banner_sheet)
        root.addWidget(self.banner)

        self._top = top = QGridLayout()
        top.setVerticalSpacing(2)
        self._build_summary()
        self.sessions_panel = self._chart_panel("historySessionsChart")
        self.pain_panel = self._chart_panel("historyPainChart")
        self.sessions_chart = self.sessions_panel.view
        self.pain_chart = self.pain_panel.view
        self._stacked: bool | None = None
        self._place_top(stacked=False)
        root.addLayout(top, 2)

        root.addWidget(self._build_filters())

        self.table = QTableView(self)
        self._named(self.table, "historyTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)  # a narrow column's header
        metrics = self.fontMetrics()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + 10)
        self._delete_action = delete_action = QAction(self.table)
        delete_action.setObjectName("historyDeleteAction")
        delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete_action.triggered.connect(self.delete_selected)
        self.table.addAction(delete_action)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.viewport().installEventFilter(self)  # the columns follow its width
        # Squeezed under a tall summary, it showed a row or two: the window scrolls instead.
        self.table.setMinimumHeight(
            self.table.horizontalHeader().sizeHint().height() + 5 * (metrics.height() + 10))
        root.addWidget(self.table, 3)

        self.count_label = PlainLabel(self)
        self._named(self.count_label, "historyCountLabel")
        self.count_label.setWordWrap(True)
        self.delete_button = QPushButton(self)
        self._named(self.delete_button, "historyDeleteButton")
        self.delete_button.setEnabled(False)
        self.delete_button.clicked.connect(self.delete_selected)
        self.delete_all_button = QPushButton(self)
        self._named(self.delete_all_button, "historyDeleteAllButton")
        self.delete_all_button.clicked.connect(self.delete_all)
        self.export_button = QPushButton(self)
        self._named(self.export_button, "historyExportButton")
        self.export_button.clicked.connect(self.export)
        self.button_row = buttons = WrappingRow(self, spacing=6)
        buttons.setObjectName("historyButtonRow")
        buttons.set_widgets([self.count_label, self.delete_button, self.delete_all_button,
                             self.export_button], stretch=[1, 0, 0, 0])
        root.addWidget(buttons)
        self._apply_palette()

    def detach_buttons(self) -> WrappingRow:
        """Take the count and the buttons out of the view, for a window to keep them in
        sight under the view's scroll area (with the view's margins at the sides and
        below, so that they line up with it)."""
        root = self.layout()
        assert root is not None
        root.removeWidget(self.button_row)
        margins = root.contentsMargins()
        self.button_row.setContentsMargins(margins.left(), 0, margins.right(),
                                           margins.bottom())
        return self.button_row

    def arrange_for_width(self, width: int) -> None:
        """The charts beside the summary where ``width`` has room for the three, else
        under it: at a large text size side by side they made History scroll sideways.
        (Under it they take height a short screen needs for the table and buttons.)"""
        self._place_top(stacked=width < self._side_by_side_width())

    def _side_by_side_width(self) -> int:
        def least(widget: QWidget) -> int:
            return widget.minimumSizeHint().expandedTo(widget.minimumSize()).width()

        charts = sum(max(least(part) for part in (panel.title, panel.view, panel.legend))
                     for panel in (self.sessions_panel, self.pain_panel))
        root = self.layout()
        assert root is not None
        margins = self.contentsMargins() + root.contentsMargins()
        spacing = max(self._top.horizontalSpacing(), 0)
        return (least(self._summary_box) + charts + 2 * spacing + margins.left()
                + margins.right())

    def _place_top(self, *, stacked: bool) -> None:
        if stacked == self._stacked:
            return
        self._stacked = stacked
        top = self._top
        panels = (self.sessions_panel, self.pain_panel)
        for widget in (self._summary_box, *(w for p in panels
                                             for w in (p.title, p.view, p.legend))):
            top.removeWidget(widget)
        for index in range(max(top.rowCount(), top.columnCount())):
            top.setRowStretch(index, 0)
            top.setColumnStretch(index, 0)
        if stacked:
            top.addWidget(self._summary_box, 0, 0, 1, 2)
            for column, panel in enumerate(panels):
                panel.place(top, column, row=1)
            first = 0
        else:
            top.addWidget(self._summary_box, 0, 0, 3, 1)
            for column, panel in enumerate(panels, start=1):
                panel.place(top, column)
            first = 1
        top.setColumnStretch(first, 1)
        top.setColumnStretch(first + 1, 1)
        top.invalidate()
        self.updateGeometry()  # a scroll area around the view asks for its new least size

    def _build_summary(self) -> QWidget:
        box = QFrame(self)
        box.setObjectName("historySummary")
        self._summary_box = box
        box.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(box)
        grid.setVerticalSpacing(6)
        grid.setHorizontalSpacing(14)
        self.figures: dict[str, QLabel] = {}
        self._captions: dict[str, QLabel] = {}
        rows = FIGURES
        for i, (key, _caption) in enumerate(rows):
            label = PlainLabel("", box)
            self._captions[key] = label
            value = PlainLabel("…", box)
            value.setObjectName(f"historyFigure_{key}")
            # Each may wrap: "no reminders yet" in Polish at a large text size was cut.
            value.setWordWrap(True)
            font = value.font()
            font.setBold(True)
            value.setFont(font)
            label.setBuddy(value)
            grid.addWidget(label, i, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, i, 1, Qt.AlignmentFlag.AlignTop)
            self.figures[key] = value
        grid.setRowStretch(len(rows), 1)
        box.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 22)
        box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        box.installEventFilter(self)  # its least height follows its width
        return box

    def _chart_panel(self, name: str) -> ChartPanel:
        panel = ChartPanel(name, self)
        panel.title.installEventFilter(self)  # its least height follows its width
        panel.view.setMinimumSize(MIN_CHART_WIDTH, MIN_CHART_HEIGHT)
        panel.view.installEventFilter(self)  # fewer dates under a narrower chart
        return panel

    def _build_filters(self) -> WrappingRow:
        row = WrappingRow(self, group=2, spacing=8)
        row.setObjectName("historyFilterRow")
        self.range_check = QCheckBox(self)
        self._named(self.range_check, "historyRangeCheck")
        now = self._now().astimezone(self._tz)
        today = QDate(now.year, now.month, now.day)
        self.since_edit = QDateEdit(today.addDays(-30), self)
        self._named(self.since_edit, "historySinceEdit")
        self.until_edit = QDateEdit(today, self)
        self._named(self.until_edit, "historyUntilEdit")
        self._to_label = to_label = PlainLabel("", self)
        to_label.setBuddy(self.until_edit)
        for edit in (self.since_edit, self.until_edit):
            edit.setCalendarPopup(True)
            edit.setEnabled(False)
            edit.dateChanged.connect(self._on_filter_changed)
        self.range_check.toggled.connect(self._on_range_toggled)
        self._routine_label = routine_label = PlainLabel("", self)
        self.routine_combo = QComboBox(self)
        self._named(self.routine_combo, "historyRoutineCombo")
        self.routine_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.routine_combo.setMinimumContentsLength(18)
        routine_label.setBuddy(self.routine_combo)
        self.routine_combo.currentIndexChanged.connect(self._on_filter_changed)
        row.set_widgets([self.range_check, self.since_edit, to_label, self.until_edit,
                         routine_label, self.routine_combo])
        return row

    def _fill_routines(self) -> None:
        current = self.routine_combo.currentData()
        self.routine_combo.blockSignals(True)
        self.routine_combo.clear()
        self.routine_combo.addItem(_("All routines"), None)
        for routine_id, title in self._store.routines():
            self.routine_combo.addItem(isolated(title), routine_id)
        found = self.routine_combo.findData(current)
        self.routine_combo.setCurrentIndex(max(found, 0))
        self.routine_combo.blockSignals(False)

    # -- palette ---------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_stats_timer"):
            self._apply_palette()
            self._stats_timer.start()
        elif event.type() == QEvent.Type.LanguageChange and hasattr(self, "_stats_timer"):
            self._retranslate()
            self._stats_timer.start()
        elif event.type() == QEvent.Type.FontChange and hasattr(self, "_stats_timer"):
            self._size_columns()  # a new text size (Settings, Appearance)
            self._fit_chart_widths()
        super().changeEvent(event)

    def _apply_palette(self) -> None:
        pal = self.palette()
        for view in (self.sessions_chart, self.pain_chart):
            chart = view.chart()
            chart.setTheme(QChart.ChartTheme.ChartThemeDark if is_dark(pal)
                           else QChart.ChartTheme.ChartThemeLight)
            chart.setBackgroundBrush(pal.color(QPalette.ColorRole.Base))
            view.setBackgroundBrush(pal.color(QPalette.ColorRole.Window))

    # -- figures ---------------------------------------------------------------------

    def heightForWidth(self, width: int) -> int:
        """No height-for-width upwards: in its window's scroll area the view fills the
        room there is (scrolling only below its minimum), rather than asking for the
        height its wrapped texts would like, which pushed Delete and Export off-screen."""
        return -1

    def refresh(self) -> None:
        """Reload the table, routine list and figures (after new sessions). The filter
        is taken from the controls again: a routine whose last session went is no
        longer listed, and the table went on filtering on it, empty."""
        self._fill_routines()
        self.model.set_filter(self.current_filter())
        self._update_count()
        self._stats_timer.start()

    def refresh_figures(self) -> None:
        summary = self._stats.summary()
        self._show_summary(summary)
        self._weeks = weeks = self._stats.weekly()
        self._show_sessions_chart(weeks)
        self._show_pain_chart(weeks)
        trend = self._stats.pain_trend()
        self.banner.setText(trend.message)
        self.banner.setVisible(trend.flagged)

    def _show_summary(self, s: Summary) -> None:
        f = self.figures
        f["week"].setText(_sessions(s.sessions_this_week))
        f["month"].setText(_sessions(s.sessions_this_month))
        locale = QLocale()
        f["streak"].setText(ngettext("{count} day", "{count} days", s.streak_days).format(
            count=locale.toString(s.streak_days)))
        hours, minutes = divmod(round(s.total_minutes), 60)
        min_text = ngettext("{count} min", "{count} min", minutes).format(
            count=locale.toString(minutes))
        f["minutes"].setText(
            # TRANSLATORS: a total time in hours and minutes: "{hours} h" then "{minutes}".
            _("{hours} {minutes}").format(
                hours=ngettext("{count} h", "{count} h", hours).format(
                    count=locale.toString(hours)),
                minutes=min_text) if hours else min_text)
        adherence = s.adherence
        f["adherence"].setText(
            _("no reminders yet") if adherence is None
            # TRANSLATORS: reminders whose break was taken, of those shown ("3 of 4 (75%)").
            else ngettext("{started} of {count} ({percent})", "{started} of {count} ({percent})",
                          s.reminders_shown).format(
                started=locale.toString(s.reminders_started),
                count=locale.toString(s.reminders_shown),
                percent=locale.toString(round(adherence * 100)) + locale.percent())
        )
        # TRANSLATORS: a routine and how many sessions it had ("Neck release (12)").
        f["top"].setText("\n".join(_("{title} ({count})").format(
            title=isolated(u.title), count=locale.toString(u.sessions))
            for u in s.top_routines) or "—")
        self._fit_height(self._summary_box)

    def _wrapping(self) -> tuple[QWidget, ...]:
        return (self._summary_box, self.sessions_panel.title, self.pain_panel.title)

    @staticmethod
    def _fit_height(widget: QWidget) -> None:
        """At least as tall as its wrapped text at its width: the view asks no height for
        its width (:meth:`heightForWidth`), so its layout squeezed wrapped lines into
        the room of one and they ran over what lies below."""
        widget.setMinimumHeight(max(widget.heightForWidth(widget.width()), 0))

    def _axis_pen(self) -> tuple[QColor, QColor]:
        pal = self.palette()
        return pal.color(QPalette.ColorRole.WindowText), pal.color(QPalette.ColorRole.Mid)

    def _style_axis(self, axis: QValueAxis | QCategoryAxis) -> None:
        text, grid = self._axis_pen()
        axis.setLabelsBrush(text)
        axis.setGridLineColor(grid)
        axis.setLinePenColor(grid)
        axis.setLabelsFont(self._axis_font())

    def _axis_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(self.font().pointSizeF() * 0.85, 7.0))
        return font

    def _week_axis(self, weeks: list[WeekFigures], panel: ChartPanel) -> QCategoryAxis:
        """Dates under every other week, or fewer: as many as fit the chart whole
        (twelve do not fit a narrow chart, and a cut date reads "...")."""
        axis = QCategoryAxis()
        axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        axis.setRange(-0.5, len(weeks) - 0.5)
        self._style_axis(axis)
        font = axis.labelsFont()
        dated = self._dated_weeks(weeks, font, panel)
        self._dated[panel.view.objectName()] = dated
        for i in dated:
            axis.append(local_date(weeks[i].start, DATE_FORMAT), i)
        axis.setStartValue(-0.5)
        axis.setGridLineVisible(False)
        panel.fit_last_date(_date_width(weeks, font) if dated else 0,
                            self._plot_size(panel).width() / max(len(weeks), 1))
        return axis

    def _fit_chart_widths(self) -> None:
        """Each chart as wide as two dates need under it where the room allows (short
        of room, the charts and the summary beside them give up width alike)."""
        font = self._axis_font()
        metrics = QFontMetrics(font)
        widest = max(metrics.horizontalAdvance(local_date(date(2026, month, 28), DATE_FORMAT))
                     for month in range(1, 13))
        overhead = self._estimated_overhead().width()
        width = max(MIN_CHART_WIDTH, overhead + (MIN_DATES + 1) * (widest + 2 * LABEL_PADDING))
        for panel in (self.sessions_panel, self.pain_panel):
            panel.preferred_width = width

    def _estimated_overhead(self) -> QSize:
        """What a chart takes beside and under its plot (the values' axis, the dates,
        the margins), before its first layout says."""
        metrics = QFontMetrics(self._axis_font())
        return QSize(metrics.horizontalAdvance("10") + 40, metrics.height() + 30)

    def _plot_size(self, panel: ChartPanel) -> QSize:
        return panel.plot_size(self._estimated_overhead())

    def _value_ticks(self, panel: ChartPanel, choices: Sequence[int]) -> int:
        """How many of the values get a label beside ``panel``'s plot."""
        return value_ticks(choices, QFontMetrics(self._axis_font()).height(),
                           self._plot_size(panel).height())

    def _dated_weeks(self, weeks: list[WeekFigures], font: QFont,
                     panel: ChartPanel) -> list[int]:
        """The weeks whose date goes under ``panel``'s chart (see :func:`date_labels`)."""
        return date_labels(len(weeks), _date_width(weeks, font),
                           self._plot_size(panel).width())

    def _new_chart(self, view: QChartView) -> None:
        chart = view.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)

    def _show_sessions_chart(self, weeks: list[WeekFigures]) -> None:
        self._new_chart(self.sessions_chart)
        colour = accent(Accent.PRIMARY, self.palette())
        bars = QBarSet(_("Sessions"))
        bars.setColor(colour)
        bars.setBorderColor(colour)
        bars.append([float(w.sessions) for w in weeks])
        series = QBarSeries()
        series.setBarWidth(0.7)
        series.append(bars)
        self._plot(self.sessions_panel, [series], weeks,
                   top=max((w.sessions for w in weeks), default=0))
        self.sessions_chart.setAccessibleDescription("; ".join(
            # TRANSLATORS: read by screen readers: a week's sessions ("week of 4 May: 3").
            _("week of {date}: {count}").format(
                date=local_date(w.start, "d MMMM"), count=w.sessions) for w in weeks))

    def _plot(self, panel: ChartPanel, series: Sequence[QBarSeries | QLineSeries],
              weeks: list[WeekFigures], top: float) -> None:
        chart = panel.view.chart()
        x = QValueAxis()
        x.setRange(-0.5, len(weeks) - 0.5)
        x.setVisible(False)
        y = QValueAxis()
        y.setLabelFormat("%d")
        ticks = self._value_ticks(panel, PAIN_TICKS if top == 10 else COUNT_TICKS)
        self._ticks[panel.view.objectName()] = ticks
        if top == 10:
            y.setRange(0, 10)
        else:
            step = max(1, -(-int(top * 1.1) // (ticks - 1)))
            y.setRange(0, step * (ticks - 1))
        y.setTickCount(ticks)
        self._style_axis(y)
        chart.addAxis(self._week_axis(weeks, panel), Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for item in series:
            chart.addSeries(item)
            item.attachAxis(x)
            item.attachAxis(y)

    def _show_pain_chart(self, weeks: list[WeekFigures]) -> None:
        self._new_chart(self.pain_chart)
        pal = self.palette()
        lines = []
        for name, attr, kind, style in (
            # TRANSLATORS: the pain chart's lines: the average rating before a session.
            (_("Before"), "pain_before", Accent.CAUTION, Qt.PenStyle.SolidLine),
            # TRANSLATORS: the pain chart's lines: the average rating after a session.
            (_("After"), "pain_after", Accent.SUCCESS, Qt.PenStyle.DashLine),
        ):
            series = QLineSeries()
            series.setName(name)
            series.setPen(QPen(accent(kind, pal), 2.5, style))
            series.setPointsVisible(True)
            series.append([QPointF(i, float(getattr(w, attr)))
                           for i, w in enumerate(weeks) if getattr(w, attr) is not None])
            lines.append(series)
        self._plot(self.pain_panel, lines, weeks, top=10)
        self.pain_panel.set_legend([LegendEntry(line.name(), line.pen()) for line in lines])
        self.pain_chart.setAccessibleDescription("; ".join(
            # TRANSLATORS: read by screen readers: a week's average pain ratings.
            _("week of {date}: before {before}, after {after}").format(
                date=local_date(w.start, "d MMMM"), before=_avg(w.pain_before),
                after=_avg(w.pain_after))
            for w in weeks))

    # -- filtering -------------------------------------------------------------------

    def current_filter(self) -> SessionFilter:
        since = until = None
        if self.range_check.isChecked():
            first = self.since_edit.date().toPython()
            last = self.until_edit.date().toPython()
            assert isinstance(first, date) and isinstance(last, date)
            if first > last:
                first, last = last, first
            since = day_start(first, self._tz)
            until = day_end(last, self._tz)
        return SessionFilter(since=since, until=until,
                             routine_id=self.routine_combo.currentData())

    def _on_range_toggled(self, on: bool) -> None:
        self.since_edit.setEnabled(on)
        self.until_edit.setEnabled(on)
        self._on_filter_changed()

    def _on_filter_changed(self, *_args: object) -> None:
        self.model.set_filter(self.current_filter())
        self._update_count()

    def _update_count(self) -> None:
        n = self.model.total
        self.count_label.setText(_sessions(n))
        self.delete_all_button.setEnabled(self._store.count() > 0)
        self.export_button.setEnabled(n > 0)
        self._on_selection_changed()

    def _on_selection_changed(self, *_args: object) -> None:
        self.delete_button.setEnabled(self.selected_record() is not None)

    # -- deleting --------------------------------------------------------------------

    def selected_record(self) -> SessionRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _ask(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("historyConfirmDialog")
        box.setAccessibleName(title)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def delete_selected(self) -> bool:
        record = self.selected_record()
        if record is None:
            return False
        when = local_date_time(record.started_at, self._tz, QLocale.FormatType.LongFormat)
        if not self.confirm(_("Delete session"),
                            # TRANSLATORS: {routine} is a routine's title, {when} a date
                            # and time.
                            _("Delete the “{routine}” session of {when}?").format(
                                routine=isolated(record.routine_title), when=when)):
            return False
        row = self.table.currentIndex().row()
        self._store.delete_session(record.id)
        self.refresh()
        if self.model.rowCount():
            self.table.selectRow(min(max(row, 0), self.model.rowCount() - 1))
        self.historyChanged.emit()
        return True

    def delete_all(self) -> bool:
        n = self._store.count()
        if n == 0 or not self.confirm(
            _("Delete all history"),
            ngettext("Delete {count} session and all reminder records? This cannot be"
                     " undone; export it first if you may want it later.",
                     "Delete all {count} sessions and reminder records? This cannot be"
                     " undone; export them first if you may want them later.", n).format(
                count=QLocale().toString(n)),
        ):
            return False
        self._store.delete_all()
        self.refresh()
        self.historyChanged.emit()
        return True

    # -- exporting -------------------------------------------------------------------

    def _ask_export_path(self) -> tuple[Path, ExportFormat] | None:
        stamp = self._now().astimezone(self._tz).date().isoformat()
        name, chosen = QFileDialog.getSaveFileName(
            self, _("Export history"), str(Path.home() / f"massage-timer-history-{stamp}.csv"),
            # TRANSLATORS: file types of a save dialog; keep "(*.csv)" and ";;" as they are.
            _("CSV spreadsheet (*.csv)") + ";;" + _("JSON (*.json)"),
        )
        if not name:
            return None
        path = Path(name)
        fmt: ExportFormat = "json" if path.suffix.lower() == ".json" or (
            "*.json" in chosen and path.suffix.lower() != ".csv") else "csv"
        if not path.suffix:
            path = path.with_suffix(f".{fmt}")
        return path, fmt

    def export(self) -> bool:
        """Ask for a file and write the sessions shown (current filter) on a thread."""
        if self._export_thread is not None and self._export_thread.is_alive():
            return False
        choice = self.choose_export_path()
        if choice is None:
            return False
        path, fmt = choice
        self.start_export(path, fmt)
        return True

    def start_export(self, path: Path, fmt: ExportFormat) -> None:
        snapshot = self._store.snapshot()
        protected = (*self._store.files, *self._protected)
        flt = self.current_filter()
        signals = self._export_signals
        tz = self._tz

        def work() -> None:
            try:
                n = export_to_file(snapshot, flt, path, fmt, tz, protected=protected)
            except OSError as exc:
                signals.failed.emit(_("Could not write {path}: {reason}").format(
                    path=path, reason=exc.strerror or exc))
            else:
                signals.finished.emit(str(path), n)
            finally:
                snapshot.close()

        self.export_button.setEnabled(False)
        self.export_button.setText(_("Exporting…"))
        self._export_thread = threading.Thread(target=work, name="history-export",
                                               daemon=True)
        self._export_thread.start()

    def wait_for_export(self, timeout: float = 10.0) -> None:
        if self._export_thread is not None:
            self._export_thread.join(timeout)

    def _export_done(self) -> None:
        self.export_button.setText(_("&Export…"))
        self.export_button.setEnabled(self.model.total > 0)
        if self._export_thread is not None:
            self._export_thread.join()
            self._export_thread = None

    def _on_export_finished(self, path: str, n: int) -> None:
        self._export_done()
        self.count_label.setText(
            # TRANSLATORS: {sessions} is "12 sessions"; {path} the file written.
            ngettext("{sessions} — exported {count} to {path}",
                     "{sessions} — exported {count} to {path}", n).format(
                sessions=_sessions(self.model.total), count=QLocale().toString(n), path=path))
        self.exportFinished.emit(path, n)

    def _on_export_failed(self, message: str) -> None:
        self._export_done()
        self._update_count()  # no longer "exported ... to" an earlier file
        box = QMessageBox(QMessageBox.Icon.Warning, _("Export failed"), message,
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("historyExportFailedDialog")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.exportFailed.emit(message)


FIGURES = (("week", N_("This week")), ("month", N_("This month")),
           ("streak", N_("Days in a row")), ("minutes", N_("Total time")),
           ("adherence", N_("Breaks taken")), ("top", N_("Most used")))
"""The summary's figures and their captions (translated where shown)."""


def _avg(value: float | None) -> str:
    return _("no rating") if value is None else QLocale().toString(value, "f", 1)


def _sessions(count: int) -> str:
    return ngettext("{count} session", "{count} sessions", count).format(
        count=QLocale().toString(count))
