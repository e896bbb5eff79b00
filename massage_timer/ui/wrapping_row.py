"""A row of widgets that wraps onto shorter rows when the room runs out.

The library window is narrow on a small screen or at a large text size (1024x600 at 2x
is 512 px wide), and some languages' words are long: a widget squeezed below its
natural width cuts its text off (a drop-down shows "Dowol" for "Dowolna długość").
So its button row and its filters are :class:`WrappingRow`: one row where every
widget fits at its natural width, else a grid of shorter rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QWidget


class WrappingRow(QWidget):
    """Widgets side by side where they fit at their natural width, else in as many
    rows as it takes (a grid, so that each column lines up: a label beside its field,
    buttons under buttons).

    Widgets wrap in groups of ``group`` (2 keeps a label with its field). ``stretch``
    is each widget's share of the spare width, as in a box layout; when none has a
    share, the widgets keep their natural width and sit at the start.
    """

    def __init__(self, parent: QWidget | None = None, *, group: int = 1,
                 spacing: int = 4) -> None:
        super().__init__(parent)
        self._group = group
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(spacing)
        self._grid.setVerticalSpacing(spacing)
        self._widgets: list[QWidget] = []
        self._stretch: list[int] = []
        self._max_rows: int | None = None
        self._columns = 0
        self._squeezed = False

    @property
    def columns(self) -> int:
        """How many widgets each row holds now (all of them when they fit in one)."""
        return self._columns

    def set_widgets(self, widgets: Sequence[QWidget], stretch: Sequence[int] = ()) -> None:
        if stretch and len(stretch) != len(widgets):
            raise ValueError("one stretch per widget")
        if len(widgets) % self._group:
            raise ValueError("the widgets do not make whole groups")
        self._widgets = list(widgets)
        self._stretch = list(stretch) or [0] * len(self._widgets)
        self.rearrange()

    def set_max_rows(self, rows: int | None) -> None:
        """Wrap onto at most ``rows`` rows (``None``: as many as it takes); with fewer
        than it takes, the widgets get less than their natural width (an
        :class:`~massage_timer.ui.eliding_combo.ElidingComboBox` then ends its choice
        with "…")."""
        self._max_rows = rows
        self.rearrange()

    def rearrange(self) -> None:
        """Lay the widgets out again for their new texts (after a language change).

        Before it is shown the row has no width of its own yet: it starts as one row,
        and its first resize wraps it if need be.
        """
        self.updateGeometry()
        self._columns = 0
        if self.isVisible():
            self._arrange(*self._fitting(self.width()))
        else:
            self._arrange(len(self._widgets))

    def minimumSizeHint(self) -> QSize:
        # Squeezed into fewer rows than it takes, a widget may get less than its width.
        squeezed = self._max_rows is not None
        width = self._grid_width(self._fewest_columns(), squeezed=squeezed)
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(*self._fitting(event.size().width()))

    def event(self, event: QEvent) -> bool:
        # A widget asks for another size (new text, a new choice, a new font): see
        # whether the rows still fit.
        if event.type() == QEvent.Type.LayoutRequest and self.isVisible():
            self._arrange(*self._fitting(self.width()))
        return super().event(event)

    def _grid_width(self, columns: int, *, squeezed: bool = False) -> int:
        """The natural (or ``squeezed``: least) width of the widgets laid out
        ``columns`` to a row."""
        def width(widget: QWidget) -> int:
            return (widget.minimumSizeHint() if squeezed else widget.sizeHint()).width()

        widths = [max(width(w) for w in self._widgets[column::columns])
                  for column in range(min(columns, len(self._widgets)))]
        return sum(widths) + self._grid.horizontalSpacing() * max(len(widths) - 1, 0)

    def _fewest_columns(self) -> int:
        """The fewest widgets a row may take (whole groups, within the most rows)."""
        if self._max_rows is None:
            return self._group
        groups = len(self._widgets) // self._group
        return -(-groups // self._max_rows) * self._group

    def _fitting(self, width: int) -> tuple[int, bool]:
        """The most widgets (whole groups) a row takes at ``width``, and whether they
        get less than their natural width there."""
        fewest = self._fewest_columns()
        for columns in range(len(self._widgets), fewest, -self._group):
            if self._grid_width(columns) <= width:
                return columns, False
        return fewest, self._grid_width(fewest) > width

    def _arrange(self, columns: int, squeezed: bool = False) -> None:
        if (columns, squeezed) == (self._columns, self._squeezed) or not self._widgets:
            return
        if columns != self._columns:
            for widget in self._widgets:
                self._grid.removeWidget(widget)
            for index, widget in enumerate(self._widgets):
                self._grid.addWidget(widget, index // columns, index % columns)
        self._columns, self._squeezed = columns, squeezed
        # Squeezed, no share: each widget then gives up room in step with what it
        # can spare (natural width less least), so a short text is not cut for a long.
        shares = [0 if squeezed else max(self._stretch[column::columns])
                  for column in range(columns)]
        for column in range(len(self._widgets) + 1):
            self._grid.setColumnStretch(column, shares[column] if column < columns else 0)
        if not any(shares) and not squeezed:
            self._grid.setColumnStretch(columns, 1)
