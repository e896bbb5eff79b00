"""Regions picked on the body: click a muscle on the diagram, or check it in the list.

The diagram is the library's :class:`~massage_timer.ui.diagram.DiagramView`, with a
click found on the drawn shape itself (not its bounding box). The list beside it holds
every region (and each paired muscle's both-sides id) for the keyboard, and the avoid
zones, which cannot be chosen: clicking one says why.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from massage_timer.core.model import regions
from massage_timer.core.model.language import _
from massage_timer.core.model.regions import View
from massage_timer.ui.diagram import VIEWS, DiagramView, region_bounds, styled_svg, view_rects
from massage_timer.ui.editor.fields import FieldEditor, plain_label
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.theme import Accent, accent

RegionIdRole = Qt.ItemDataRole.UserRole + 1


def _label(region_id: str) -> str:
    """A region's name in the current language (both sides: the left one's, without
    its side)."""
    if region_id in regions.BILATERAL:
        left = _(regions.REGIONS[regions.BILATERAL[region_id][0]].label)
        # TRANSLATORS: a paired muscle picked on both sides, e.g. "Upper trapezius".
        return _("{region}, both sides").format(region=left.rsplit(",", 1)[0])
    return _(regions.REGIONS[region_id].label)


def _why(zone: str) -> str:
    """Why an avoid zone cannot be chosen, in the current language."""
    return _(regions.AVOID_ZONES[zone][0])


def _zone_item_text(zone: str) -> str:
    view = regions.AVOID_ZONES[zone][1]
    # TRANSLATORS: an avoid zone in the region list: {zone} is its name, e.g.
    # "Never: Front of the neck (side view)".
    text = (_("Never: {zone} (back view)") if view is View.BACK
            else _("Never: {zone} (side view)"))
    return text.format(zone=_why(zone).split(":")[0])


@cache
def _renderer(view: View) -> QSvgRenderer:
    return QSvgRenderer(styled_svg(view, ()))


def _shape_at(view: View, element_id: str, point: QPointF) -> bool:
    """Whether ``point`` (in the view's SVG units) is on the drawn element."""
    try:
        bounds = region_bounds(view, element_id).adjusted(-2, -2, 2, 2)
    except KeyError:
        return False
    if not bounds.contains(point):
        return False
    scale = 2.0
    image = QImage(max(1, round(bounds.width() * scale)), max(1, round(bounds.height() * scale)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    _renderer(view).render(painter, element_id,
                           QRectF(2 * scale, 2 * scale, image.width() - 4 * scale,
                                  image.height() - 4 * scale))
    painter.end()
    cx, cy = (point.x() - bounds.x()) * scale, (point.y() - bounds.y()) * scale
    for dx in range(-3, 4):  # a hatched zone has gaps between its lines
        for dy in range(-3, 4):
            x, y = round(cx) + dx, round(cy) + dy
            inside = 0 <= x < image.width() and 0 <= y < image.height()
            if inside and image.pixelColor(x, y).alpha():
                return True
    return False


def hit(view: View, point: QPointF) -> str | None:
    """The avoid zone or region drawn at ``point`` of ``view``; avoid zones win."""
    for zone, (_why, zone_view) in regions.AVOID_ZONES.items():
        if zone_view is view and _shape_at(view, zone, point):
            return zone
    found = [r.id for r in regions.REGIONS.values()
             if r.view is view and _shape_at(view, r.id, point)]
    if not found:
        return None
    return min(found, key=lambda rid: region_bounds(view, rid).width()
               * region_bounds(view, rid).height())


class PickerDiagram(DiagramView):
    """The diagram, clickable. Signals: picked(str): a region or avoid zone id clicked."""

    picked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("regionDiagram")
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def view_at(self, pos: QPointF) -> tuple[View, QPointF] | None:
        """Which view and SVG point a widget position falls on (as paintEvent lays out:
        with the legend on two lines, at a large text size, a click landed a line away)."""
        for view, target, scale in self._scaled():
            if target.contains(pos):
                return view, QPointF((pos.x() - target.x()) / scale,
                                     (pos.y() - target.y()) / scale)
        return None

    def widget_point(self, view: View, element_id: str) -> QPointF:
        """The widget position of an element's centre (for tests and tools)."""
        target, scale = next((t, s) for v, t, s in self._scaled() if v is view)
        centre = region_bounds(view, element_id).center()
        return QPointF(target.x() + centre.x() * scale, target.y() + centre.y() * scale)

    def _scaled(self) -> list[tuple[View, QRectF, float]]:
        """Each view where it is drawn, and its widget pixels to an SVG unit."""
        rects = dict(zip(VIEWS, view_rects(VIEWS), strict=True))
        return [(view, target, target.width() / rects[view].width())
                for view, target in self.placements()]

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        where = self.view_at(event.position())
        found = hit(*where) if where is not None else None
        if found is not None:
            self.picked.emit(found)
        event.accept()


class RegionPicker(FieldEditor):
    """A list of region ids, picked on the diagram or in the list beside it."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(name, parent)
        self._ids: list[Any] = []
        self.diagram = PickerDiagram(self)
        self.diagram.setMinimumSize(220, 190)
        self.list = QListWidget(self)
        # Narrow beside the diagram: a long name ("Levator scapulae, both sides") wraps
        # instead of being cut off.
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        # Its thirty names always scroll: with the bar there from the start, no row is
        # laid out under it.
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.list.setObjectName(f"regionList_{name}")
        self._said: tuple[str, str] | None = None
        """The last message: (what happened, region or zone id), said again on a change."""
        self.message = PlainLabel(self)
        self.message.setObjectName(f"regionMessage_{name}")
        self.message.setWordWrap(True)
        right = QVBoxLayout()
        right.addWidget(self.list, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        left.addWidget(self.diagram, 1)
        left.addWidget(self.message)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        self.setFocusProxy(self.list)
        self.diagram.picked.connect(self.toggle)
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.itemActivated.connect(self._on_item_activated)
        self.list.itemClicked.connect(self._on_item_activated)
        self._syncing = False
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        # TRANSLATORS: {field} is the field's name, e.g. "Regions".
        self.list.setAccessibleName(_("{field}: check the regions to work on").format(
            field=plain_label(self.name)))
        self._fill()
        self._say()

    def _fill(self) -> None:
        """The regions in the alphabetical order of the current language, then the
        avoid zones; checked as the value says."""
        current = self.list.currentItem()
        keep = current.data(RegionIdRole) if current is not None else None
        self._syncing = True
        self.list.clear()
        ids = [*regions.REGIONS, *regions.BILATERAL]
        for rid in sorted(ids, key=lambda r: _label(r).casefold()):
            item = QListWidgetItem(_label(rid), self.list)
            item.setData(RegionIdRole, rid)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                          | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Unchecked)
        for zone in regions.AVOID_ZONES:
            item = QListWidgetItem(_zone_item_text(zone), self.list)
            item.setData(RegionIdRole, zone)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self._paint_zones()
        self._syncing = False
        self._sync()
        for row in range(self.list.count()):
            if self.list.item(row).data(RegionIdRole) == keep:
                self.list.setCurrentRow(row)
        self._fit_width()

    def _paint_zones(self) -> None:
        """The avoid zones in the theme's danger colour."""
        danger = accent(Accent.DANGER, self.palette())
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(RegionIdRole) in regions.AVOID_ZONES:
                item.setForeground(danger)

    def _fit_width(self) -> None:
        """At least as wide as its longest word ("Sternocleidomastoid"), which cannot
        wrap, beside a check box: no name is cut off at the list's edge."""
        lst = self.list
        metrics = lst.fontMetrics()
        words = {word for row in range(lst.count()) for word in lst.item(row).text().split()}
        style = lst.style()
        widest = max((metrics.horizontalAdvance(word) for word in words), default=0)
        lst.setMinimumWidth(
            widest + style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
            + style.pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
            + 2 * lst.frameWidth() + 4 * style.pixelMetric(
                QStyle.PixelMetric.PM_FocusFrameHMargin) + metrics.averageCharWidth())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_syncing"):
            self._paint_zones()
        elif event.type() == QEvent.Type.FontChange and hasattr(self, "_syncing"):
            self._fit_width()

    def _say(self) -> None:
        """The message under the diagram, in the current language."""
        if self._said is None:
            self.message.setText(_("Click a muscle to add or remove it."))
            return
        what, rid = self._said
        if what == "avoid":
            # TRANSLATORS: {why} says why a zone is avoided, e.g. "Front of the neck: ...".
            self.message.setText(_("{why}: this zone cannot be chosen.").format(why=_why(rid)))
        elif what == "removed":
            self.message.setText(_("Removed: {region}.").format(region=_label(rid)))
        else:
            self.message.setText(_("Added: {region}.").format(region=_label(rid)))

    def focus_widget(self) -> QWidget:
        return self.list

    def value(self) -> Any:
        return list(self._ids)

    def set_value(self, value: Any) -> None:
        self._ids = list(value) if isinstance(value, list | tuple) else []
        self._sync()

    def toggle(self, region_id: str) -> None:
        """Add or remove ``region_id`` (as a click does); an avoid zone says why not.

        A muscle on one side is chosen when its own id or its both-sides id is; a
        both-sides id when it is, or both its sides are. Removing one side of a
        both-sides id keeps the other; adding a both-sides id replaces its sides."""
        if region_id in regions.AVOID_ZONES:
            self._said = ("avoid", region_id)
            self._say()
            return
        ids = self._ids
        pair = regions.BILATERAL.get(region_id)
        alias = regions.paired(region_id)
        if not self._chosen(region_id):
            ids[:] = [r for r in ids if r not in (pair or ())]
            ids.append(region_id)
            verb = "added"
        elif pair is not None:
            ids[:] = [r for r in ids if r != region_id and r not in pair]
            verb = "removed"
        elif region_id in ids:
            ids.remove(region_id)
            verb = "removed"
        else:  # chosen through its both-sides id: the other side stays
            assert alias is not None
            other = next(r for r in regions.BILATERAL[alias] if r != region_id)
            ids[ids.index(alias)] = other
            verb = "removed"
        self._said = (verb, region_id)
        self._say()
        self._sync()
        self.edited.emit()

    def _chosen(self, region_id: str) -> bool:
        """Whether ``region_id`` is drawn as chosen (see :meth:`toggle`)."""
        ids = self._ids
        if region_id in ids:
            return True
        pair = regions.BILATERAL.get(region_id)
        if pair is not None:
            return all(side in ids for side in pair)
        return regions.paired(region_id) in ids

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._syncing:
            return
        rid = str(item.data(RegionIdRole))
        checked = item.checkState() == Qt.CheckState.Checked
        if checked != self._chosen(rid):
            self.toggle(rid)

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        rid = str(item.data(RegionIdRole))
        if rid in regions.AVOID_ZONES:
            self.toggle(rid)

    def _sync(self) -> None:
        self._syncing = True
        for row in range(self.list.count()):
            item = self.list.item(row)
            rid = str(item.data(RegionIdRole))
            if rid not in regions.AVOID_ZONES:
                state = Qt.CheckState.Checked if self._chosen(rid) else Qt.CheckState.Unchecked
                if item.checkState() != state:
                    item.setCheckState(state)
        self._syncing = False
        self.diagram.set_regions([r for r in self._ids if isinstance(r, str)
                                  and regions.is_known(r)])
