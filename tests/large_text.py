"""Large text for a test: 1.5 times the desktop's own size, as Settings' text size
150 % gives, whatever size an earlier test left the app at."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

SCALE = 1.5


def large_font(scale: float = SCALE) -> QFont:
    """The desktop's general font at ``scale`` times its size."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    font.setPointSizeF(font.pointSizeF() * scale)
    return font


@contextmanager
def large_text(scale: float = SCALE) -> Iterator[QFont]:
    """The app's font at ``scale`` times the desktop's size, and as it was afterwards."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.font()
    large = large_font(scale)
    app.setFont(large)
    try:
        yield large
    finally:
        app.setFont(before)
