"""A chart whose title and legend are widgets that wrap, and whose dates fit.

QtCharts draws a chart's title and legend in the chart and cuts what does not fit to
"...": at 150 % text on a 1024x600 screen the History window's charts read "Sessions
per week,..." over "Vor..." and "Nac...". Here the title is a label above the chart
and the legend a row under it, both wrapping; the chart itself draws only its plot.
Charts side by side share one grid, so their plots stay level.

The dates under the weeks follow QtCharts' own rule for a category axis: each label
gets the axis' width shared among the labels plus one, less a padding on each side.
:func:`date_labels` picks as many weeks as whole dates fit that way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import QMargins, QObject, QPointF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGridLayout, QSizePolicy, QWidget

from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.wrapping_row import WrappingRow

LABEL_PADDING = 4
"""QtCharts' padding on each side of an axis label (``ChartAxisElement::labelPadding``)."""
MARGIN = 4
"""The chart's margin on each side, where a date at its edge does not need more."""
MIN_STEP = 2
"""Dates under every other week at the most: twelve side by side crowd any chart."""


def date_labels(count: int, label_width: float, axis_width: float) -> list[int]:
    """Which of ``count`` weeks get their date under an axis ``axis_width`` px wide,
    each date at most ``label_width`` px: the last week always (the latest is what a
    person looks for), then every so many weeks back, as many as fit whole; none where
    not even one does (the title still says which weeks the chart shows).

    QtCharts gives each of ``n`` labels ``axis_width / (n + 1)`` less its paddings,
    and cuts a longer one to "...".
    """
    if count <= 0 or label_width <= 0:
        return []
    fitting = math.floor(axis_width / (label_width + 2 * LABEL_PADDING)) - 1
    if fitting < 1:
        return []
    step = max(MIN_STEP, math.ceil(count / fitting))
    while (count - 1) // step + 1 > fitting:
        step += 1
    return list(range((count - 1) % step, count, step))


def value_ticks(choices: Sequence[int], label_height: float, axis_height: float) -> int:
    """The most ticks of ``choices`` whose labels fit whole beside an axis
    ``axis_height`` px tall (QtCharts gives each of ``n`` labels ``axis_height / n``
    less its paddings, and cuts a taller one to "..."); the fewest if none does."""
    for ticks in sorted(choices, reverse=True):
        if axis_height / ticks - 2 * LABEL_PADDING >= label_height:
            return ticks
    return min(choices)


class LegendEntry(NamedTuple):
    """A line of the chart and the words for it."""

    text: str
    pen: QPen


def _key(entry: LegendEntry) -> tuple[str, int, Qt.PenStyle]:
    return entry.text, entry.pen.color().rgba(), entry.pen.style()


class Swatch(QWidget):
    """A short stretch of a line's pen, with a dot: its colour and its dash both tell
    the lines apart (the dash for those who do not see the colours)."""

    def __init__(self, pen: QPen, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pen = QPen(pen)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        height = self.fontMetrics().height()
        return QSize(height * 2, height)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def pen(self) -> QPen:
        return QPen(self._pen)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self._pen)
        middle = self.height() / 2
        painter.drawLine(QPointF(1, middle), QPointF(self.width() - 1, middle))
        painter.setBrush(self._pen.color())
        radius = max(self._pen.widthF(), 2.0)
        painter.drawEllipse(QPointF(self.width() / 2, middle), radius, radius)
        painter.end()


class ChartView(QChartView):
    """A chart view that asks for :attr:`preferred_width` (0: QtCharts' own width)."""

    def __init__(self, chart: QChart, parent: QWidget | None = None) -> None:
        super().__init__(chart, parent)
        self.preferred_width = 0

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.preferred_width:
            hint.setWidth(self.preferred_width)
        return hint


class ChartPanel(QObject):
    """A chart's title label, its :class:`ChartView` and its legend row.

    They are three widgets that :meth:`place` puts in one column of a grid, not one
    widget: charts side by side then share the grid's rows, so their plots stay level
    whichever has the longer title or a legend under it.
    """

    def __init__(self, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Panel")
        self.title = PlainLabel(parent)
        self.title.setObjectName(f"{name}Title")
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        chart = QChart()
        chart.legend().setVisible(False)
        chart.setMargins(QMargins(MARGIN, MARGIN, MARGIN, MARGIN))
        chart.setBackgroundRoundness(0)
        self.view = ChartView(chart, parent)
        self.view.setObjectName(name)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.legend = WrappingRow(parent, group=2, spacing=6)
        self.legend.setObjectName(f"{name}Legend")
        self.legend.hide()
        # The chart's width is the view's to ask: a long title wraps instead.
        policy = self.title.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
        self.title.setSizePolicy(policy)
        self._legend: list[LegendEntry] = []
        self._legend_widgets: list[QWidget] = []

    @property
    def preferred_width(self) -> int:
        """The width the chart asks for (0: QtCharts' own)."""
        return self.view.preferred_width

    @preferred_width.setter
    def preferred_width(self, width: int) -> None:
        self.view.preferred_width = width
        self.view.updateGeometry()

    def place(self, grid: QGridLayout, column: int, row: int = 0) -> None:
        """The title, the chart and the legend in ``column``, from ``row`` down."""
        grid.addWidget(self.title, row, column)
        grid.addWidget(self.view, row + 1, column)
        grid.addWidget(self.legend, row + 2, column, Qt.AlignmentFlag.AlignHCenter)
        grid.setRowStretch(row + 1, 1)

    def set_title(self, text: str) -> None:
        self.title.setText(text)
        self.view.setAccessibleName(text)

    def legend_entries(self) -> list[LegendEntry]:
        return list(self._legend)

    def set_legend(self, entries: Sequence[LegendEntry]) -> None:
        """The legend's entries (none: no legend), made again only if they changed."""
        entries = list(entries)
        if [_key(e) for e in entries] == [_key(e) for e in self._legend]:
            return
        for widget in self._legend_widgets:
            widget.hide()
            widget.deleteLater()
        self._legend = entries
        self._legend_widgets = []
        for index, entry in enumerate(entries):
            swatch = Swatch(entry.pen, self.legend)
            swatch.setObjectName(f"{self.view.objectName()}LegendLine{index}")
            swatch.setAccessibleName(entry.text)
            label = PlainLabel(entry.text, self.legend)
            label.setObjectName(f"{self.view.objectName()}LegendText{index}")
            self._legend_widgets += [swatch, label]
        self.legend.set_widgets(self._legend_widgets)
        self.legend.setVisible(bool(entries))

    def fit_last_date(self, label_width: float, week_width: float) -> None:
        """Room on the right for the last week's date, which QtCharts centres under
        that week and would otherwise cut at the chart's edge."""
        right = max(MARGIN, math.ceil(label_width / 2 - week_width / 2) + LABEL_PADDING)
        chart = self.view.chart()
        margins = chart.margins()
        if margins.right() != right:
            chart.setMargins(QMargins(margins.left(), margins.top(), right, margins.bottom()))

    def plot_size(self, estimate: QSize) -> QSize:
        """The size of the chart's plot at the view's size: the view's less what the
        chart's last layout took for the axes' labels and the margins (``estimate``
        before its first layout)."""
        chart = self.view.chart()
        plot = chart.plotArea()
        overhead = estimate if plot.width() <= 0 or plot.height() <= 0 else QSize(
            max(0, round(chart.size().width() - plot.width())),
            max(0, round(chart.size().height() - plot.height())))
        return QSize(max(self.view.width() - overhead.width(), 0),
                     max(self.view.height() - overhead.height(), 0))

