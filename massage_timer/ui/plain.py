"""Text from files, shown as text: never interpreted as rich text.

A QLabel, a tooltip and a tray message guess whether their text is HTML; a routine's
title of ``<img src="/dev/zero">`` would make Qt open that path. Routines are shared as
files from strangers, so every label here is a :class:`PlainLabel`, every tooltip goes
through :func:`plain_tooltip`, and nothing the app shows is parsed as markup.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


class PlainLabel(QLabel):
    """A QLabel whose text is always plain text (its mnemonic ``&`` still works).

    Made like a QLabel: ``PlainLabel(text, parent)`` or ``PlainLabel(parent)``.
    """

    def __init__(self, text: str | QWidget | None = "", parent: QWidget | None = None) -> None:
        if isinstance(text, QWidget):
            parent, text = text, ""
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(text if isinstance(text, str) else "")


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally (tooltips otherwise guess at HTML)."""
    import html  # at the first tooltip: its entity table is not needed to start

    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def plain_message(text: str) -> str:
    """Text for a desktop notification, whose body servers may read as markup."""
    import html

    return html.escape(text, quote=False)
