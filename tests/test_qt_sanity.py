"""Guards against a broken PySide6 build: 6.12.0 leaks references to None.

Each call of a Qt method returning nothing took one reference off ``None``; after a
few thousand calls the interpreter aborted ("none_dealloc"). pyproject.toml excludes
that release; this test fails loudly if a broken build comes back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot


def test_qt_calls_keep_none_alive(qtbot: QtBot) -> None:
    timer = QTimer()
    before = sys.getrefcount(None)
    for _ in range(2000):
        timer.stop()
        timer.setObjectName("probe")
    assert abs(sys.getrefcount(None) - before) < 50
