"""Knowing when a window is first on screen, to start the rest of the app after it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject


class FirstPaintWatcher(QObject):
    """Calls ``callback`` once, at the first Paint (or Expose) of ``widget``.

    The event filter is removed as soon as it has fired, so later paints cost nothing.
    """

    def __init__(self, widget: QObject, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget: QObject | None = widget
        self._callbacks = [callback]
        widget.installEventFilter(self)

    @property
    def fired(self) -> bool:
        return self._widget is None

    def add_callback(self, callback: Callable[[], None]) -> None:
        """Also call ``callback`` at the first paint (at once when that has happened)."""
        if self.fired:
            callback()
        else:
            self._callbacks.append(callback)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        widget = self._widget
        if (
            widget is not None
            and watched is widget
            and event.type() in (QEvent.Type.Paint, QEvent.Type.Expose)
        ):
            widget.removeEventFilter(self)
            self._widget = None
            callbacks, self._callbacks = self._callbacks, []
            for callback in callbacks:
                callback()
        return False
