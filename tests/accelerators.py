"""Keyboard accelerators: which controls of a window ``Alt`` + a letter reaches.

Two controls in view with the same letter make those keys only cycle between them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QWidget,
)


def accelerator(text: str) -> str | None:
    """The letter after the first lone ``&`` ("&&" is a literal ampersand)."""
    at = text.replace("&&", "\0\0").find("&")
    if at < 0 or at + 1 >= len(text):
        return None
    return unicodedata.normalize("NFKD", text[at + 1])[0].casefold()


def in_view(window: QWidget) -> list[str]:
    """The texts with an accelerator of the controls ``window`` shows now: buttons,
    group boxes, labels with a buddy (Qt gives a label's letter to its buddy only), the
    tabs of its tab widgets and the titles of its menu bar."""
    texts = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not window:
            continue
        labelled = isinstance(widget, QLabel) and widget.buddy() is not None
        if labelled or isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
    if isinstance(window, QMainWindow):
        texts += [action.text() for action in window.menuBar().actions()]
    return [text for text in texts if accelerator(text)]


def views(window: QWidget) -> Iterator[str]:
    """Each page of the window's tab widget in turn (the window as it is, without one)."""
    tabs = [t for t in window.findChildren(QTabWidget) if t.window() is window]
    if not tabs:
        yield ""
        return
    for i in range(tabs[0].count()):
        tabs[0].setCurrentIndex(i)
        yield tabs[0].tabText(i)


def clashes(texts: list[str]) -> dict[str, list[str]]:
    """The letters more than one of ``texts`` has."""
    by_letter: dict[str, list[str]] = {}
    for text in texts:
        letter = accelerator(text)
        if letter:
            by_letter.setdefault(letter, []).append(text)
    return {k: v for k, v in by_letter.items() if len(v) > 1}


def menus(window: QMainWindow) -> Iterator[tuple[str, list[str]]]:
    """Each menu of the menu bar, with the texts of its items that have an accelerator."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            yield action.text(), [a.text() for a in menu.actions() if accelerator(a.text())]
