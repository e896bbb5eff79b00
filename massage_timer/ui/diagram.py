"""Anatomical diagrams with a step's target regions highlighted.

The drawings are the SVG files in ``assets/diagrams/``; each region is one element whose
``id`` is the region id. Highlighting injects a ``<style>`` block that recolours those
ids, so the drawing itself never needs to know about highlighting, and the avoid zones
are part of the drawing and therefore always visible.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QByteArray, QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from massage_timer.core.model import regions
from massage_timer.core.model.language import _, pgettext
from massage_timer.core.model.regions import View
from massage_timer.core.storage.resources import asset

if TYPE_CHECKING:  # QtSvg is loaded when a diagram is first drawn, not at start
    from PySide6.QtSvg import QSvgRenderer

ACCENT = "#1b6fd8"
ACCENT_EDGE = "#0b3c8c"
AVOID_RED = "#c62828"
AVOID_FILL = "#fde8e8"
BOTH = "both"
_GAP = 16.0
"""Space between the back and side view, in SVG units."""
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def view_of(region_id: str) -> View:
    """The diagram a concrete region id or bilateral alias is drawn in."""
    if region_id in regions.BILATERAL:
        region_id = regions.BILATERAL[region_id][0]
    return regions.REGIONS[region_id].view


def unknown_regions(region_ids: Iterable[str]) -> list[str]:
    return [rid for rid in region_ids if not regions.is_known(rid)]


def concrete_ids(region_ids: Iterable[str], side: str | None = None) -> tuple[str, ...]:
    """Diagram ids for region ids and aliases; raises ValueError for unknown ids."""
    ids = tuple(region_ids)
    bad = unknown_regions(ids)
    if bad:
        raise ValueError(f"unknown region id(s): {', '.join(bad)}")
    return tuple(sorted(regions.resolve(ids, side)))


@cache
def _svg_source(view: View) -> str:
    return asset("diagrams", f"{view.value}.svg").read_text(encoding="utf-8")


_SIDE_LABEL = re.compile(r'(<text\b[^>]*\bid="label-(left|right)"[^>]*>)[^<]*(</text>)')


def side_initials() -> tuple[str, str]:
    """The letters that mark the person's left and right on the back view, in the
    interface's language (L/R, G/D, I/D, S/D, E/D, L/P…)."""
    # TRANSLATORS: one letter under the back view of the body: the person's left.
    left = pgettext("diagram: initial of left", "L")
    # TRANSLATORS: one letter under the back view of the body: the person's right.
    right = pgettext("diagram: initial of right", "R")
    return left, right


@lru_cache(maxsize=128)
def styled_svg(view: View, highlighted: tuple[str, ...], side: str | None = None,
               initials: tuple[str, str] = ("L", "R")) -> bytes:
    """The view's SVG with ``highlighted`` (concrete ids) in the accent colour.

    ``side`` ("left"/"right") also marks that shoulder's landmark, so a one-sided step
    shows at a glance which side is being worked; ``initials`` label the person's left
    and right (see :func:`side_initials`).
    """
    rules = [
        f"#{rid} {{ fill: {ACCENT}; stroke: {ACCENT_EDGE}; stroke-width: 2; }}"
        for rid in highlighted
        if regions.REGIONS[rid].view is view
    ]
    if side in ("left", "right") and view is View.BACK:
        rules.append(f"#shoulder-{side}-point {{ fill: {ACCENT}; stroke: {ACCENT_EDGE}; "
                     "stroke-width: 2; }")
    from html import escape  # with the first diagram drawn, not at the start

    letters = {"left": escape(initials[0]), "right": escape(initials[1])}
    text = _SIDE_LABEL.sub(lambda m: f"{m[1]}{letters[m[2]]}{m[3]}", _svg_source(view))
    if rules:
        style = '<style type="text/css">\n' + "\n".join(rules) + "\n</style>\n"
        # QtSvg applies a stylesheet only to elements parsed after it.
        end = _SVG_OPEN.search(text)
        if end is None:
            raise ValueError(f"{view.value}.svg has no <svg> element")
        text = text[: end.end()] + "\n" + style + text[end.end():]
    return text.encode("utf-8")


def make_renderer(view: View, highlighted: tuple[str, ...], side: str | None = None
                  ) -> QSvgRenderer:
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(styled_svg(view, highlighted, side, side_initials())))
    renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
    return renderer


def views_for(view: str) -> tuple[View, ...]:
    if view == BOTH:
        return (View.BACK, View.SIDE)
    return (View(view),)


def view_rects(views: Sequence[View]) -> list[QRectF]:
    """Where each view sits in a combined picture, in SVG units, side by side."""
    rects: list[QRectF] = []
    x = 0.0
    height = max(_view_box(v).height() for v in views)
    for v in views:
        box = _view_box(v)
        rects.append(QRectF(x, (height - box.height()) / 2, box.width(), box.height()))
        x += box.width() + _GAP
    return rects


@cache
def _view_box(view: View) -> QRectF:
    from PySide6.QtSvg import QSvgRenderer

    return QSvgRenderer(QByteArray(_svg_source(view).encode("utf-8"))).viewBoxF()


def region_bounds(view: View, element_id: str) -> QRectF:
    """Bounds of an element of a view, in that view's SVG units."""
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(_svg_source(view).encode("utf-8")))
    if not renderer.elementExists(element_id):
        raise KeyError(element_id)
    return renderer.transformForElement(element_id).mapRect(
        renderer.boundsOnElement(element_id))


def _mirrored(rect: QRectF, width: float) -> QRectF:
    return QRectF(width - rect.right(), rect.y(), rect.width(), rect.height())


def draw_view(painter: QPainter, renderer: QSvgRenderer, view: View, target: QRectF,
              side: str | None) -> None:
    """Draw ``view`` into ``target``. The side view faces right, so it shows the
    person's right side: for the left side it is drawn mirrored, facing left (a
    left-side stretch was lit on a drawing of the right side of the neck)."""
    if view is View.SIDE and side == "left":
        painter.save()
        painter.translate(target.center().x(), 0)
        painter.scale(-1, 1)
        painter.translate(-target.center().x(), 0)
        renderer.render(painter, target)
        painter.restore()
    else:
        renderer.render(painter, target)


def render_png(view: str, highlighted: Iterable[str] = (), size: int = 400,
               side: str | None = None, background: QColor | None = None) -> QImage:
    """Render ``view`` ("back", "side" or "both") ``size`` pixels high.

    ``highlighted`` holds region ids or bilateral aliases; with ``side`` an alias
    resolves to that side. The background is transparent unless one is given.
    """
    ids = concrete_ids(highlighted, side)
    views = views_for(view)
    rects = view_rects(views)
    total = rects[-1].united(rects[0])
    scale = size / total.height()
    image = QImage(max(1, round(total.width() * scale)), size,
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(background if background is not None else QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for v, rect in zip(views, rects, strict=True):
        target = QRectF(rect.x() * scale, rect.y() * scale,
                        rect.width() * scale, rect.height() * scale)
        draw_view(painter, make_renderer(v, ids, side), v, target, side)
    painter.end()
    return image


def describe(ids: Sequence[str], side: str | None = None) -> str:
    """Plain-words description of a highlight, for screen readers and tooltips."""
    parts = [
        # TRANSLATORS: {areas} lists the regions a step works on, separated by "; ".
        _("Target: {areas}.").format(areas="; ".join(_(regions.REGIONS[rid].label)
                                                     for rid in ids))
        if ids else _("No target area.")
    ]
    if side:
        parts.append(_("Working the left side.") if side == "left"
                     else _("Working the right side."))
    parts.append(_("Never press the front of the neck or the bony points of the spine"
                   " (hatched red)."))
    return " ".join(parts)


LEGEND_SPACING = 18.0
VIEWS = (View.BACK, View.SIDE)
"""The views a :class:`DiagramView` draws, left to right."""


class LegendItem(NamedTuple):
    """One entry of the diagram's legend: a swatch and what it means."""

    label: str
    brush: QBrush
    edge: QColor
    round: bool = False


class DiagramView(QWidget):
    """Back and side view of the head, neck and upper back, with a legend.

    Shows state only: the player or library preview calls :meth:`set_regions`.
    """

    def __init__(self, parent: QWidget | None = None, *,
                 name: Callable[[], str] = lambda: _("Body diagram")) -> None:
        """``name`` gives its name for screen readers in the current language."""
        super().__init__(parent)
        self.setObjectName("diagramView")
        self._name = name
        self.setAccessibleName(name())
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._ids: tuple[str, ...] = ()
        self._side: str | None = None
        self._body: tuple[int, QSize] | None = None
        self._renderers: dict[
            tuple[View, tuple[str, ...], str | None, tuple[str, str]], QSvgRenderer] = {}
        self._update_description()

    @property
    def highlighted(self) -> tuple[str, ...]:
        return self._ids

    @property
    def side(self) -> str | None:
        return self._side

    def set_regions(self, region_ids: Iterable[str], side: str | None = None) -> None:
        """Highlight a step's regions (ids or aliases); ``side`` for one-sided steps."""
        ids = concrete_ids(region_ids, side)
        if (ids, side) == (self._ids, self._side):
            return
        self._ids, self._side = ids, side
        self._update_description()
        self._fit_body()  # a side adds a line to the legend
        self.update()

    def clear(self) -> None:
        self.set_regions(())

    def sizeHint(self) -> QSize:
        return QSize(420, 300)

    def minimumSizeHint(self) -> QSize:
        return QSize(180, 140)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.setAccessibleName(self._name())
            self._update_description()
            self.update()
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.FontChange):
            self._fit_body()

    def _update_description(self) -> None:
        text = describe(self._ids, self._side)
        self.setAccessibleDescription(text)
        self.setToolTip(text)

    def _renderer(self, view: View) -> QSvgRenderer:
        key = (view, self._ids, self._side, side_initials())
        renderer = self._renderers.get(key)
        if renderer is None:
            # Only what is shown now is kept: a parsed view holds ~40 KB and is parsed
            # again in ~0.2 ms, where a player kept one for every step it had shown.
            for shown in [k for k in self._renderers if k[1:] != key[1:]]:
                self._renderers.pop(shown).deleteLater()
            renderer = make_renderer(view, self._ids, self._side)
            renderer.setParent(self)
            self._renderers[key] = renderer
        return renderer

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        legend = self.legend()
        for view, target in self.placements(legend):
            draw_view(painter, self._renderer(view), view, target, self._side)
        self._paint_legend(painter, legend)
        painter.end()

    def placements(self, legend: list[tuple[LegendItem, QRectF, QRectF]] | None = None
                   ) -> list[tuple[View, QRectF]]:
        """Where each view is drawn at the present size, above the legend (however many
        lines it wraps to): the one layout the painting and a click both go by."""
        legend = self.legend() if legend is None else legend
        top = min((text.top() for _item, _swatch, text in legend), default=self.height())
        area = QRectF(self.rect()).adjusted(4, 4, -4, -(self.height() - top + 4))
        rects = view_rects(VIEWS)
        total = rects[-1].united(rects[0])
        if area.width() <= 0 or area.height() <= 0:
            return []
        scale = min(area.width() / total.width(), area.height() / total.height())
        dx = area.x() + (area.width() - total.width() * scale) / 2
        dy = area.y() + (area.height() - total.height() * scale) / 2
        return [(view, QRectF(dx + rect.x() * scale, dy + rect.y() * scale,
                              rect.width() * scale, rect.height() * scale))
                for view, rect in zip(VIEWS, rects, strict=True)]

    def legend(self) -> list[tuple[LegendItem, QRectF, QRectF]]:
        """The legend's items, each with where its swatch and its label go at the
        present size: in centred lines at the bottom, as many as the labels need (a
        long-worded language or large text would cut a single line)."""
        metrics = self.fontMetrics()
        box = float(metrics.ascent())
        items = self._legend_items()
        widths, lines = self._legend_lines(items, self.width())
        line_h = metrics.height() + 4
        top = self.height() - len(lines) * line_h - 4
        placed = []
        for row, line in enumerate(lines):
            span = sum(widths[n] for n in line) + LEGEND_SPACING * (len(line) - 1)
            x = max(4.0, (self.width() - span) / 2)
            y = top + row * line_h + (line_h - box) / 2
            for n in line:
                swatch = QRectF(x, y, box, box)
                text = QRectF(x + box + 6, top + row * line_h, widths[n] - box - 6, line_h)
                placed.append((items[n], swatch, text))
                x += widths[n] + LEGEND_SPACING
        if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            # Read from the right, each swatch right of its label; the body itself is
            # never mirrored (anatomy keeps its left and right).
            width = float(self.width())
            placed = [(item, _mirrored(swatch, width), _mirrored(text, width))
                      for item, swatch, text in placed]
        return placed

    def _legend_lines(self, items: list[LegendItem], width: float
                      ) -> tuple[list[float], list[list[int]]]:
        """Each item's width, and the items of each line at ``width``."""
        metrics = self.fontMetrics()
        box = float(metrics.ascent())
        widths = [box + 6 + metrics.horizontalAdvance(item.label) for item in items]
        lines: list[list[int]] = []
        used = 0.0
        for n, item_width in enumerate(widths):
            if lines and used + LEGEND_SPACING + item_width <= width - 8:
                lines[-1].append(n)
                used += LEGEND_SPACING + item_width
            else:
                lines.append([n])
                used = item_width
        return widths, lines

    def keep_body(self, least: int, most: QSize) -> None:
        """Keep the drawing itself between ``least`` and ``most`` high (and at most
        ``most`` wide), whatever room the legend takes below it: capped as a whole, a
        legend wrapped at a large text size left the body a third smaller, its L and
        R letters too small to read."""
        self._body = (least, most)
        self._fit_body()

    def _fit_body(self) -> None:
        if self._body is None:
            return
        least, most = self._body
        _widths, lines = self._legend_lines(self._legend_items(), min(self.width(), most.width()))
        legend = len(lines) * (self.fontMetrics().height() + 4) + 8
        self.setMinimumHeight(least + legend)
        self.setMaximumSize(most.width(), most.height() + legend)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_body()

    def _legend_items(self) -> list[LegendItem]:
        items = [
            # TRANSLATORS: the diagram's legend: the areas a step works on.
            LegendItem(_("Target"), QBrush(QColor(ACCENT)), QColor(ACCENT_EDGE)),
            # TRANSLATORS: the diagram's legend: the areas never to press on.
            LegendItem(_("Never press"), QBrush(QColor(AVOID_RED), Qt.BrushStyle.BDiagPattern),
                       QColor(AVOID_RED)),
        ]
        if self._side:
            working = (_("Working: left side") if self._side == "left"
                       else _("Working: right side"))
            items.append(LegendItem(working, QBrush(QColor(ACCENT)), QColor(ACCENT_EDGE),
                                    round=True))
        return items

    def _paint_legend(self, painter: QPainter,
                      legend: list[tuple[LegendItem, QRectF, QRectF]]) -> None:
        metrics = self.fontMetrics()
        text_color = self.palette().color(QPalette.ColorRole.WindowText)
        for item, swatch, text in legend:
            if item.brush.style() != Qt.BrushStyle.SolidPattern:
                painter.fillRect(swatch, QColor(AVOID_FILL))
            painter.setPen(QPen(item.edge, 1.5))
            painter.setBrush(item.brush)
            if item.round:
                painter.drawEllipse(swatch.center(), swatch.width() / 2.5, swatch.width() / 2.5)
            else:
                painter.drawRoundedRect(swatch, 2, 2)
            painter.setPen(text_color)
            painter.drawText(QPointF(text.x(), swatch.y() + metrics.ascent() - 1), item.label)
