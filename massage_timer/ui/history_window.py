"""The History window: made on first use, refreshed when shown again or a session ends.

It opens at most as large as its screen's available area and scrolls when the screen is
smaller than its content (Delete and Export stay reachable); Esc and Ctrl+W close it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QMainWindow, QScrollArea, QVBoxLayout, QWidget

from massage_timer import APP_DISPLAY_NAME
from massage_timer.core.model.language import _
from massage_timer.ui.desktop.language import Retranslating
from massage_timer.ui.screen_fit import fit_window

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from massage_timer.core.storage.history.store import HistoryStore
    from massage_timer.ui.history.history_view import HistoryView


class _Holder(Retranslating, QMainWindow):
    """The History window's frame: its title follows the language."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("historyWindow")
        self._retranslate()

    def _retranslate(self) -> None:
        self.setWindowTitle(_("History — {app}").format(app=APP_DISPLAY_NAME))


class HistoryWindow:
    """Holds the one History window of the app, if it has been opened."""

    def __init__(self, parent: QWidget, protected: Sequence[Path] = ()) -> None:
        """``protected``: the app's files its export must never write over."""
        self._parent = parent
        self._protected = tuple(protected)
        self._view: HistoryView | None = None

    @property
    def view(self) -> HistoryView | None:
        return self._view

    def show(self, history: HistoryStore) -> None:
        """Show (and raise) the window, made the first time from ``history``."""
        # Imported here on purpose: the charts and the table are not needed to start.
        from massage_timer.ui.history.history_view import HistoryView

        if self._view is None:
            view = HistoryView(history, protected=self._protected)
            holder = _Holder(self._parent)
            scroll = QScrollArea(holder)
            scroll.setObjectName("historyScroll")
            scroll.setWidget(view)
            scroll.viewport().installEventFilter(view)  # the charts go under the summary
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the controls inside
            # The count, Delete and Export stay in sight below whatever scrolls.
            body = QWidget(holder)
            layout = QVBoxLayout(body)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(scroll, 1)
            layout.addWidget(view.detach_buttons())
            holder.setCentralWidget(body)
            close_keys = {
                keys.toString(): keys
                for keys in (
                    QKeySequence(Qt.Key.Key_Escape),
                    QKeySequence("Ctrl+W"),
                    *QKeySequence.keyBindings(QKeySequence.StandardKey.Close),
                )
            }
            for keys in close_keys.values():
                close = QShortcut(keys, holder)
                close.setContext(Qt.ShortcutContext.WindowShortcut)
                close.activated.connect(holder.close)
            fit_window(holder, QSize(1100, 760))
            self._view = view
        else:
            self._view.refresh()
        holder_widget = self._view.window()
        holder_widget.show()
        holder_widget.raise_()
        holder_widget.activateWindow()

    def refresh(self) -> None:
        """Show what changed (a session just ended), if the window exists."""
        if self._view is not None:
            self._view.refresh()

    def close(self) -> None:
        """Close and let go of the window, before its history is closed: a theme or
        text size change would otherwise have it read a closed database."""
        if self._view is not None:
            holder = self._view.window()
            holder.close()
            holder.deleteLater()
            self._view = None
