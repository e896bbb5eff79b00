"""A one-column tree whose items wrap their text onto as many lines as it takes.

``QTreeView.setWordWrap(True)`` alone wraps nothing: the view asks its delegate for a
row's size without saying how wide the column is, so a long problem message got a
one-line row, and Qt cut it with "…" at the view's edge. Here the delegate measures
each item at the width it is drawn at, and the rows are measured again when the view's
width changes.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QResizeEvent, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QWidget,
)


def _depth(index: QModelIndex | QPersistentModelIndex) -> int:
    depth = 0
    parent = index.parent()
    while parent.isValid():
        depth += 1
        parent = parent.parent()
    return depth


class _WrappingDelegate(QStyledItemDelegate):
    def __init__(self, tree: WrappingTree) -> None:
        super().__init__(tree)
        self._tree = tree

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        tree = self._tree
        levels = _depth(index) + (1 if tree.rootIsDecorated() else 0)
        margin = tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, tree) + 1
        width = tree.viewport().width() - levels * tree.indentation() - 2 * margin
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        if width <= 0 or not opt.text:
            return hint
        return QSize(hint.width(), max(hint.height(), _wrapped_height(opt, width) + 2 * margin))


def _wrapped_height(option: QStyleOptionViewItem, width: int) -> int:
    """The text's height at ``width``, wrapped as Qt's styles draw an item's text (at
    word boundaries, or anywhere in a word longer than the line)."""
    layout = QTextLayout(option.text, option.font)
    text_option = QTextOption()
    text_option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(text_option)
    height = 0.0
    layout.beginLayout()
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        height += line.height()
    layout.endLayout()
    return math.ceil(height)


class WrappingTree(QTreeWidget):
    """A one-column :class:`QTreeWidget` with wrapped items and no horizontal scroll."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(1)
        self.setHeaderHidden(True)
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setItemDelegate(_WrappingDelegate(self))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.doItemsLayout()  # the rows' heights follow the new width
