"""A drop-down that asks for the room its choice needs, and shortens it visibly when
it gets less.

A plain QComboBox asks for the width of its longest item and, squeezed below it,
cuts its current text off mid-letter with nothing to show that it did: at a large text
size the library's Length filter read "Dowol" for "Dowolna długość". An
:class:`ElidingComboBox` asks for the width of its current choice (so that a
:class:`~massage_timer.ui.wrapping_row.WrappingRow` can give it a row of its own when
that does not fit), ends a choice it cannot show whole with "…", and then shows it
whole in its tooltip. Its list still opens as wide as its longest item.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QHelpEvent, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QToolTip,
    QWidget,
)

from massage_timer.ui.plain import plain_tooltip

SHORTEST = "xxxx…"  # the least a squeezed choice keeps: a few letters and the ellipsis


class ElidingComboBox(QComboBox):
    """A non-editable QComboBox whose size hint is its current choice's, which it ends
    with "…" when narrower, and then shows it whole in its tooltip (see the module)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sizes: dict[str, QSize] = {}  # by text, for the current font and style
        self.currentIndexChanged.connect(self._choice_changed)
        # Also when the items change with the combo's own signals blocked.
        model = self.model()
        for changed in (model.dataChanged, model.modelReset, model.rowsInserted,
                        model.rowsRemoved):
            changed.connect(self._choice_changed)

    def shown_text(self) -> str:
        """The current choice as it shows at the present width."""
        return self._shown_text(self._option())

    def sizeHint(self) -> QSize:
        return self._size_for(self.currentText() or "x" * 7)

    def minimumSizeHint(self) -> QSize:
        return self._size_for(SHORTEST)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = self._option()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self._shown_text(option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)

    def cut_choice_tip(self) -> str:
        """The tooltip the combo shows: its choice whole when it is cut, else none.

        Made when it is asked for (not at each resize): it needs the ``html`` module,
        which the first paint must not wait for.
        """
        text = self.currentText()
        return plain_tooltip(text) if text and self.shown_text() != text else ""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and not self.toolTip():
            tip = self.cut_choice_tip()
            if tip and isinstance(event, QHelpEvent):
                QToolTip.showText(event.globalPos(), tip, self)
                return True
        return super().event(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._sizes.clear()
        super().changeEvent(event)

    def _choice_changed(self) -> None:
        self.updateGeometry()

    def _option(self) -> QStyleOptionComboBox:
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        return option

    def _shown_text(self, option: QStyleOptionComboBox) -> str:
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField,
            self)
        return self.fontMetrics().elidedText(self.currentText(), Qt.TextElideMode.ElideRight,
                                             field.width())

    def _size_for(self, text: str) -> QSize:
        """As QComboBox measures its items (``recomputeSizeHint``), for ``text``."""
        size = self._sizes.get(text)
        if size is None:
            metrics = self.fontMetrics()
            contents = QSize(metrics.horizontalAdvance(text), max(metrics.height(), 14) + 2)
            size = self._sizes[text] = self.style().sizeFromContents(
                QStyle.ContentsType.CT_ComboBox, self._option(), contents, self)
        return QSize(size)
