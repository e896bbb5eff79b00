"""Find interface text that was never passed through gettext.

Under the pseudo-locale ``en_XA`` every translated message comes back in ``[ ]`` and
accented (:func:`massage_timer.core.model.pseudo.pseudo`), so a visible text without
the brackets was built from an unwrapped string. Data (numbers, times, routine text
from files, names of people's own things) is not a message: the caller lists what to
ignore.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QTabWidget,
    QTreeView,
    QWidget,
)

_DATA = re.compile(r"^[\d\s:.,/%+\-–—×·()]*$")


def _is_message(text: str) -> bool:
    return bool(text.strip()) and not _DATA.fullmatch(text)


def _pseudo(text: str) -> bool:
    return "[" in text and "]" in text


def visible_texts(root: QWidget) -> Iterable[tuple[str, str]]:
    """(where, text) for every piece of interface text under ``root``: titles, labels,
    buttons, tooltips, accessible names, placeholders, spin box prefixes and suffixes,
    combo items, tabs, menus and the headers of views."""
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        name = w.objectName() or type(w).__name__
        if w.isWindow() and w.windowTitle():
            yield f"{name}.windowTitle", w.windowTitle()
        for attr in ("toolTip", "accessibleName", "accessibleDescription", "whatsThis"):
            value = getattr(w, attr)()
            if value:
                yield f"{name}.{attr}", value
        if isinstance(w, (QLabel, QAbstractButton)):
            yield f"{name}.text", w.text()
        if isinstance(w, QLineEdit) and w.placeholderText():
            yield f"{name}.placeholderText", w.placeholderText()
        if isinstance(w, QAbstractSpinBox):
            for attr in ("prefix", "suffix", "specialValueText"):
                value = getattr(w, attr)() if hasattr(w, attr) else ""
                if value:
                    yield f"{name}.{attr}", value
        if isinstance(w, QGroupBox):
            yield f"{name}.title", w.title()
        if isinstance(w, QComboBox):
            for i in range(w.count()):
                yield f"{name}.item{i}", w.itemText(i)
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                yield f"{name}.tab{i}", w.tabText(i)
                if w.tabToolTip(i):
                    yield f"{name}.tabToolTip{i}", w.tabToolTip(i)
        if isinstance(w, QMenu):
            yield f"{name}.title", w.title()
            for action in w.actions():
                if not action.isSeparator():
                    yield f"{name}.action", action.text()
        if isinstance(w, (QTableView, QTreeView)) and w.model() is not None:
            model = w.model()
            for col in range(model.columnCount()):
                header = model.headerData(col, Qt.Orientation.Horizontal,
                                          Qt.ItemDataRole.DisplayRole)
                if isinstance(header, str):
                    yield f"{name}.header{col}", header
    for action in root.actions():
        if not action.isSeparator() and action.text():
            yield f"{root.objectName()}.action", action.text()


def untranslated(root: QWidget, ignore: Callable[[str], bool] = lambda _text: False
                 ) -> list[str]:
    """``where: text`` for each message under ``root`` that is not in pseudo form
    (call with the pseudo-locale in use); ``ignore`` says which texts are data."""
    return [f"{where}: {text!r}" for where, text in visible_texts(root)
            if _is_message(text) and not _pseudo(text) and not ignore(text)]
