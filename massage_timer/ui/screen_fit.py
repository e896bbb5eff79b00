"""Every window's first size, and any remembered geometry, fit the screen it opens on.

A window asks for the size it would like; :func:`fit_window` gives it at most the
available area of its screen (less room for the title bar and frame the window
manager adds), so no control starts below the edge on a small screen, at 2x scale or
with large fonts. :func:`clamp_to_screen` does the same for a restored geometry, so a
window is never brought back off-screen or larger than the screen it lands on.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QDialog, QFrame, QScrollArea, QStyle, QWidget

FRAME_MARGINS = QMargins(8, 40, 8, 8)
"""Room kept for the frame and title bar, which are unknown until the window shows."""

SHORT_SCREEN = 360
"""Below this available height (device-independent px: 1024x600 at 2x has 300), a
window keeps every row it can for its main content rather than wrap its controls."""


def screen_of(widget: QWidget) -> QScreen | None:
    """The screen ``widget`` opens on: its parent's, else its own, else the primary."""
    parent = widget.parentWidget()
    for candidate in (parent.window() if parent is not None else None, widget):
        if candidate is not None:
            screen = candidate.screen()
            if screen is not None:
                return screen
    return QGuiApplication.primaryScreen()


def available_area(widget: QWidget) -> QRect:
    """The available geometry (without panels) of the screen ``widget`` opens on."""
    screen = screen_of(widget)
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 600)


def short_screen(widget: QWidget) -> bool:
    """Whether ``widget`` opens on a screen with less than :data:`SHORT_SCREEN` of height."""
    return available_area(widget).height() < SHORT_SCREEN


def client_area(area: QRect) -> QRect:
    """Where a window's client area may lie so that its frame still fits ``area``."""
    return area.marginsRemoved(FRAME_MARGINS)


def fit_window(window: QWidget, preferred: QSize | None = None) -> QSize:
    """Resize ``window`` to ``preferred`` (default: its size hint), bounded by its screen.

    A top-level window without a parent dialog's placement is also centred on the
    available area; a dialog is left to Qt, which centres it on its parent and keeps
    it on the screen. Returns the size given.
    """
    area = client_area(available_area(window))
    want = preferred if preferred is not None else window.sizeHint()
    size = want.boundedTo(area.size())
    window.resize(size)
    if not isinstance(window, QDialog):
        place_inside(window, area)
    return size


def grow_to_content(window: QWidget, scroll: QScrollArea) -> None:
    """Make ``window`` taller by what ``scroll`` still hides, as far as its screen
    allows: a size hint is made for the widest layout of wrapped texts, and a
    narrower window wraps them onto more lines than it counted (a form's in
    particular), so a window sized from it scrolled by a line or two."""
    hidden = scroll.verticalScrollBar().maximum()
    if hidden <= 0:
        return
    area = client_area(available_area(window))
    height = min(window.height() + hidden, area.height())
    if height > window.height():
        window.resize(window.width(), height)
        place_inside(window, area)


def place_inside(window: QWidget, area: QRect) -> None:
    """Centre ``window`` on ``area`` (its parent's centre if it has one), fully inside."""
    size = window.size()
    parent = window.parentWidget()
    centre = parent.window().geometry().center() if parent is not None else area.center()
    top_left = QPoint(centre.x() - size.width() // 2, centre.y() - size.height() // 2)
    window.move(_inside(QRect(top_left, size), area).topLeft())


def _inside(rect: QRect, area: QRect) -> QRect:
    x = min(max(rect.x(), area.left()), area.left() + max(0, area.width() - rect.width()))
    y = min(max(rect.y(), area.top()), area.top() + max(0, area.height() - rect.height()))
    return QRect(x, y, rect.width(), rect.height())


def clamp_to_screen(window: QWidget) -> None:
    """Bring a restored ``window`` onto the screen it overlaps most, at most its size.

    A geometry saved on a larger or a disconnected monitor would otherwise open
    off-screen or past the edges, with Stop or the close button out of reach.
    """
    geometry = window.geometry()
    screens = QGuiApplication.screens()
    best: QScreen | None = None
    best_overlap = 0
    for screen in screens:
        overlap = screen.availableGeometry().intersected(geometry)
        if overlap.width() * overlap.height() > best_overlap:
            best, best_overlap = screen, overlap.width() * overlap.height()
    if best is None:
        best = QGuiApplication.primaryScreen()
    area = client_area(best.availableGeometry())
    size = geometry.size().boundedTo(area.size())
    rect = _inside(QRect(geometry.topLeft(), size), area)
    window.setGeometry(rect)


class FitScrollArea(QScrollArea):
    """Asks for room for all its content; scrolls only when the screen is too small.

    A plain QScrollArea asks for a fixed modest size whatever it holds; this one asks
    for its content's size, so a window is as large as it needs where the screen
    allows, while its minimum stays small enough for any screen.
    """

    def __init__(self, content: QWidget, parent: QWidget | None = None, *,
                 across: bool = True) -> None:
        """Without ``across`` it scrolls only up and down: it is never narrower than
        its content's narrowest (a splitter beside it cannot cut a button in half)."""
        super().__init__(parent)
        self._across = across
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        if not across:
            self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def sizeHint(self) -> QSize:
        inner = self.widget()
        if inner is None:
            return super().sizeHint()
        hint = inner.sizeHint()
        return QSize(hint.width() + self._bar(), hint.height())

    def minimumSizeHint(self) -> QSize:
        least = super().minimumSizeHint()
        inner = self.widget()
        if self._across or inner is None:
            return least
        return QSize(inner.minimumSizeHint().width() + self._bar(), least.height())

    def _bar(self) -> int:
        return self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
