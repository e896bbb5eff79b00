"""The History window: made on first use, refreshed when shown again or a session ends."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow, QWidget

from massage_timer import APP_DISPLAY_NAME
from massage_timer.core.model.language import _

if TYPE_CHECKING:
    from massage_timer.core.storage.history.store import HistoryStore
    from massage_timer.ui.history.history_view import HistoryView


class HistoryWindow:
    """Holds the one History window of the app, if it has been opened."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent
        self._view: HistoryView | None = None

    @property
    def view(self) -> HistoryView | None:
        return self._view

    def show(self, history: HistoryStore) -> None:
        """Show (and raise) the window, made the first time from ``history``."""
        # Imported here on purpose: the charts and the table are not needed to start.
        from massage_timer.ui.history.history_view import HistoryView

        if self._view is None:
            view = HistoryView(history)
            holder = QMainWindow(self._parent)
            holder.setObjectName("historyWindow")
            holder.setWindowTitle(_("History — {app}").format(app=APP_DISPLAY_NAME))
            holder.setCentralWidget(view)
            holder.resize(1100, 760)
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
