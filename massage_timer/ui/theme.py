"""Light and dark palettes on the Fusion style, following the desktop unless forced.

Explicit palettes (rather than whatever the platform theme offers) make both themes
look the same everywhere and let tests check contrast. Widgets use palette roles;
the few deliberate accents (caution notes, the blocked checklist) come from
:func:`accent`, whose colours are checked for WCAG AA contrast on both themes.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Literal

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QGuiApplication,
    QKeyEvent,
    QPainter,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QProxyStyle,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyleOption,
    QStyleOptionComplex,
    QStyleOptionFocusRect,
    QToolButton,
    QWidget,
)
from shiboken6 import isValid

from massage_timer.core.model.language import _
from massage_timer.core.model.settings import MAX_FONT_SCALE, MIN_FONT_SCALE
from massage_timer.core.storage.settings_store import SettingsChange, SettingsStore
from massage_timer.ui.desktop.language import Retranslating

ThemeMode = Literal["system", "light", "dark"]


class Accent(StrEnum):
    """Colours with a meaning, each defined for both themes."""

    PRIMARY = "primary"
    CAUTION = "caution"
    DANGER = "danger"
    SUCCESS = "success"
    PAUSED = "paused"


_LIGHT = {
    "window": "#f3f4f6",
    "base": "#ffffff",
    "alt": "#eceef2",
    "text": "#1b1d21",
    "button": "#e8eaee",
    "mid": "#b9bec7",
    "dark": "#8a909b",
    "shadow": "#5b616b",
    "disabled": "#6e737c",
    "placeholder": "#656a73",
    "tooltip": "#fffbe6",
    "highlight": "#1f5fae",
    "highlighted_text": "#ffffff",
    "link": "#1f5fae",
}
_DARK = {
    "window": "#1f2125",
    "base": "#16181b",
    "alt": "#26292e",
    "text": "#e8eaed",
    "button": "#2d3036",
    "mid": "#4a4f57",
    "dark": "#111214",
    "shadow": "#000000",
    "disabled": "#9097a1",
    "placeholder": "#a0a6b0",
    "tooltip": "#2d3036",
    "highlight": "#2f6bb3",
    "highlighted_text": "#ffffff",
    "link": "#8ab8f5",
}
# Foreground accents: readable as text (>= 4.5:1) on both "window" and "base".
_ACCENTS: dict[Accent, tuple[str, str]] = {
    Accent.PRIMARY: ("#1f5fae", "#8ab8f5"),
    Accent.CAUTION: ("#8a4b00", "#f2c27a"),
    Accent.DANGER: ("#b3261e", "#ff9c94"),
    Accent.SUCCESS: ("#1e6b34", "#84d69a"),
    Accent.PAUSED: ("#5b626c", "#a7adb7"),
}


def _palette(c: dict[str, str]) -> QPalette:
    pal = QPalette()
    role = QPalette.ColorRole
    grp = QPalette.ColorGroup
    pairs = {
        role.Window: c["window"],
        role.WindowText: c["text"],
        role.Base: c["base"],
        role.AlternateBase: c["alt"],
        role.Text: c["text"],
        role.Button: c["button"],
        role.ButtonText: c["text"],
        role.BrightText: "#ffffff",
        role.Light: c["base"],
        role.Midlight: c["alt"],
        role.Mid: c["mid"],
        role.Dark: c["dark"],
        role.Shadow: c["shadow"],
        role.Highlight: c["highlight"],
        role.HighlightedText: c["highlighted_text"],
        role.Link: c["link"],
        role.LinkVisited: c["link"],
        role.ToolTipBase: c["tooltip"],
        role.ToolTipText: c["text"],
        role.PlaceholderText: c["placeholder"],
        role.Accent: c["highlight"],
    }
    for r, value in pairs.items():
        pal.setColor(r, QColor(value))
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(grp.Disabled, r, QColor(c["disabled"]))
    pal.setColor(grp.Disabled, role.Highlight, QColor(c["mid"]))
    return pal


def light_palette() -> QPalette:
    return _palette(_LIGHT)


def dark_palette() -> QPalette:
    return _palette(_DARK)


def is_dark(palette: QPalette) -> bool:
    """Whether a palette is a dark one (its window is darker than its text)."""
    return (
        palette.color(QPalette.ColorRole.Window).lightnessF()
        < palette.color(QPalette.ColorRole.WindowText).lightnessF()
    )


def accent(kind: Accent, palette: QPalette) -> QColor:
    """The accent colour for text/borders that suits ``palette``'s theme."""
    light, dark = _ACCENTS[kind]
    return QColor(dark if is_dark(palette) else light)


def relative_luminance(color: QColor) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def dimmed(color: QColor, background: QColor, *, least: float = 3.0) -> QColor:
    """``color`` faded towards ``background`` (a paused look), but no further than
    keeps ``least`` contrast with it (WCAG's 3:1 for large text): a fixed fade left
    the paused countdown at 1.9:1 on a light window."""
    for share in (0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0):
        mixed = QColor(QColor.fromRgbF(  # in whole steps of 1/255, as it is drawn
            color.redF() * share + background.redF() * (1 - share),
            color.greenF() * share + background.greenF() * (1 - share),
            color.blueF() * share + background.blueF() * (1 - share),
        ).name())
        if contrast_ratio(mixed, background) >= least:
            return mixed
    return QColor(color)


def system_prefers_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


class AppStyle(QProxyStyle):
    """Fusion, with radio and check box indicators that stay visible on dark themes,
    and focus rings that can be seen.

    Fusion outlines indicators with a shade of the window colour, which all but
    vanishes on a dark window, and draws its focus ring as a faint tint; here both
    have at least 3:1 contrast (WCAG 1.4.11), the ring 2 px in the primary accent.
    """

    FOCUS_RING_WIDTH = 2.0

    def __init__(self) -> None:
        super().__init__("Fusion")

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        pe = QStyle.PrimitiveElement
        if element == pe.PE_FrameFocusRect:
            self._draw_focus_ring(option, painter)
            return
        if element not in (pe.PE_IndicatorRadioButton, pe.PE_IndicatorCheckBox):
            super().drawPrimitive(element, option, painter, widget)
            if element in (pe.PE_PanelButtonCommand, pe.PE_PanelLineEdit) and _focused(option):
                self._draw_focus_ring(option, painter)
            return
        pal = option.palette
        state = option.state
        enabled = bool(state & QStyle.StateFlag.State_Enabled)
        group = QPalette.ColorGroup.Normal if enabled else QPalette.ColorGroup.Disabled
        outline = pal.color(group, QPalette.ColorRole.PlaceholderText)
        mark = accent(Accent.PRIMARY, pal) if enabled else pal.color(group, QPalette.ColorRole.Text)
        side = min(option.rect.width(), option.rect.height()) - 2.0
        box = QRectF(0, 0, side, side)
        box.moveCenter(QRectF(option.rect).center())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(outline, 1.5))
        painter.setBrush(pal.color(group, QPalette.ColorRole.Base))
        if element == pe.PE_IndicatorRadioButton:
            painter.drawEllipse(box)
            if state & QStyle.StateFlag.State_On:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(mark)
                painter.drawEllipse(box.center(), side * 0.27, side * 0.27)
        else:
            painter.drawRoundedRect(box, 2, 2)
            pen = QPen(mark, max(2.0, side / 7))
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            x, y, w = box.x(), box.y(), box.width()
            if state & QStyle.StateFlag.State_On:
                painter.drawPolyline(
                    QPolygonF(
                        [
                            QPointF(x + w * 0.22, y + w * 0.52),
                            QPointF(x + w * 0.42, y + w * 0.72),
                            QPointF(x + w * 0.78, y + w * 0.3),
                        ]
                    )
                )
            elif state & QStyle.StateFlag.State_NoChange:
                painter.drawLine(QPointF(x + w * 0.25, y + w / 2), QPointF(x + w * 0.75, y + w / 2))
        painter.restore()

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawComplexControl(control, option, painter, widget)
        cc = QStyle.ComplexControl
        if control in (cc.CC_ComboBox, cc.CC_SpinBox) and _focused(option):
            self._draw_focus_ring(option, painter)

    def _draw_focus_ring(self, option: QStyleOption, painter: QPainter) -> None:
        width = self.FOCUS_RING_WIDTH
        ring = QRectF(option.rect).adjusted(width / 2, width / 2, -width / 2, -width / 2)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(focus_ring_color(option.palette), width))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(ring, 3.0, 3.0)
        painter.restore()


def scaled(font: QFont, scale: float) -> QFont:
    """``font`` at ``scale`` times its size, in points or, where it has none, pixels."""
    result = QFont(font)
    if font.pointSizeF() > 0:
        result.setPointSizeF(font.pointSizeF() * scale)
    else:
        result.setPixelSize(round(font.pixelSize() * scale))
    return result


class ThemeController(QObject):
    """Keeps the application's palette and font in line with the settings.

    Signals:
        themeChanged(bool): emitted with ``True`` for dark after each change.
    """

    themeChanged = Signal(bool)

    def __init__(
        self, app: QApplication, mode: ThemeMode = "system", font_scale: float = 1.0
    ) -> None:
        super().__init__(app)
        self._app = app
        self._mode: ThemeMode = mode
        self._base_font = QFont(app.font())
        self._font_scale = 1.0
        self._dark = False
        # Qt hands a new palette or font down to the widgets in posted events: the
        # followers hear of it once those are through.
        self._changes: set[QEvent.Type] = set()
        self._announce = QTimer(self)
        self._announce.setSingleShot(True)
        self._announce.setInterval(0)
        self._announce.timeout.connect(self._announce_changes)
        self._style = AppStyle()
        app.setStyle(self._style)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_color_scheme_changed)
        self.set_font_scale(font_scale)
        self._apply()
        self._changes.clear()  # the first look is no change: nothing follows it yet
        self._announce.stop()

    @property
    def dark(self) -> bool:
        return self._dark

    @property
    def mode(self) -> ThemeMode:
        return self._mode

    def set_mode(self, mode: ThemeMode) -> None:
        self._mode = mode
        self._apply()

    def set_font_scale(self, scale: float) -> None:
        """Scale every font from the desktop's default size (e.g. 1.5 for large text)."""
        self._font_scale = min(max(scale, MIN_FONT_SCALE), MAX_FONT_SCALE)
        self._app.setFont(scaled(self._base_font, self._font_scale))
        self._changed(QEvent.Type.FontChange)

    def follow(self, store: SettingsStore) -> None:
        """Apply the theme and text size whenever they change in ``store``."""
        store.subscribe(self._on_settings_changed, fields=("theme", "font_scale"))

    def _on_settings_changed(self, change: SettingsChange) -> None:
        if "theme" in change.fields:
            self.set_mode(change.new.theme)
        if "font_scale" in change.fields:
            self.set_font_scale(change.new.font_scale)

    def _apply(self) -> None:
        dark = system_prefers_dark() if self._mode == "system" else self._mode == "dark"
        self._dark = dark
        self._app.setPalette(dark_palette() if dark else light_palette())
        self._changed(QEvent.Type.PaletteChange)
        self.themeChanged.emit(dark)

    def _changed(self, kind: QEvent.Type) -> None:
        self._changes.add(kind)
        self._announce.start()

    def _announce_changes(self) -> None:
        changes, self._changes = self._changes, set()
        for kind in sorted(changes, key=lambda k: k.value):
            look_changes().changed.emit(kind)

    def _on_color_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._mode == "system":
            self._apply()


class LookChanges(QObject):
    """Says that the app's palette or text size changed: :class:`ThemeController`, the
    one place that changes them, emits ``changed`` with ``QEvent.Type.PaletteChange``
    or ``QEvent.Type.FontChange``."""

    changed = Signal(object)


_LOOK_CHANGES: list[LookChanges] = []


def look_changes() -> LookChanges:
    if not _LOOK_CHANGES:
        _LOOK_CHANGES.append(LookChanges())
    return _LOOK_CHANGES[0]


class AppFollower(QObject):
    """Applies something made from the app's look (:meth:`apply`) to a widget again
    whenever the look changes.

    A widget whose look was set on it (a style sheet with colours, a font of its own
    size) no longer hears of the app's changes: Qt sends them to the widgets around it
    but not to it. So it follows :func:`look_changes` instead, which costs nothing
    until the look changes; :attr:`OWN_EVENTS` are watched on the widget itself.
    """

    OWN_EVENTS: tuple[QEvent.Type, ...] = ()

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self._widget = widget

    def follow(self) -> None:
        """Apply now, and from now on whenever the look changes."""
        self.apply()
        if self.OWN_EVENTS:
            self._widget.installEventFilter(self)
        look_changes().changed.connect(self._on_look_changed)

    def apply(self) -> None:
        raise NotImplementedError

    def changed(self, kind: QEvent.Type) -> None:
        """What a ``kind`` of change does (by default: :meth:`apply`)."""
        self.apply()

    def _alive(self) -> bool:
        # While its widget is being destroyed, PySide may call a fresh wrapper of this
        # object, without this one's attributes.
        return getattr(self, "_widget", None) is not None and isValid(self._widget)

    def _on_look_changed(self, kind: QEvent.Type) -> None:
        if self._alive():
            self.changed(kind)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._alive() and watched is self._widget and event.type() in self.OWN_EVENTS:
            self.changed(event.type())
        return False


class PaletteStyle(AppFollower):
    """Keeps a widget's style sheet in step with the app palette (light/dark switch).

    ``make_sheet`` builds the sheet from the palette; it is applied now and again after
    every palette change, and only when it differs, since setting a style sheet can
    itself change the palette. A new text size sets it again, for the text inside.
    """

    OWN_EVENTS = (QEvent.Type.PaletteChange,)

    def __init__(self, widget: QWidget, make_sheet: Callable[[QPalette], str]) -> None:
        super().__init__(widget)
        self._make_sheet = make_sheet
        self._sheet = ""
        self.follow()

    def apply(self) -> None:
        sheet = self._make_sheet(QApplication.palette())
        if sheet != self._sheet:
            self._sheet = sheet
            self._widget.setStyleSheet(sheet)

    def changed(self, kind: QEvent.Type) -> None:
        if kind == QEvent.Type.FontChange:
            # A widget with a sheet keeps the font it had when the sheet was set, and so
            # does every widget inside it; setting the sheet again takes the new one.
            self._widget.setStyleSheet("")
            self._widget.setStyleSheet(self._sheet)
        else:
            self.apply()


class RelativeFont(AppFollower):
    """Keeps a widget's font ``scale`` times its parent's (bold if ``bold``) when the
    text size changes in Settings: a font of its own size would keep the size it was
    set at."""

    def __init__(self, widget: QWidget, scale: float, *, bold: bool = False) -> None:
        super().__init__(widget)
        self._scale = scale
        self._bold = bold
        self.follow()

    def apply(self) -> None:
        parent = self._widget.parentWidget()
        font = scaled(parent.font() if parent is not None else QApplication.font(),
                      self._scale)
        if self._bold:
            font.setBold(True)
        if font != self._widget.font():
            self._widget.setFont(font)


def _focused(option: QStyleOption) -> bool:
    flags = QStyle.StateFlag
    return bool(option.state & flags.State_HasFocus) and bool(option.state & flags.State_Enabled)


def focus_ring_color(palette: QPalette) -> QColor:
    """The focus ring: the primary accent, clear on both themes' windows and bases."""
    return accent(Accent.PRIMARY, palette)


class KeyboardScrollArea(QScrollArea):
    """A frameless scroll area that Tab reaches (then the arrows and Page Up/Down
    scroll it), with the app's focus ring drawn round it while it has focus.

    The ring is painted, not set by a style sheet: a sheet on the area would stop the
    text inside from following the app's text size.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        ring = round(AppStyle.FOCUS_RING_WIDTH)
        self.setViewportMargins(ring, ring, ring, ring)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Home and End too, which QScrollArea leaves to its contents."""
        bar = self.verticalScrollBar()
        if event.key() == Qt.Key.Key_Home and not event.modifiers():
            bar.setValue(bar.minimum())
        elif event.key() == Qt.Key.Key_End and not event.modifiers():
            bar.setValue(bar.maximum())
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.Paint and self.hasFocus():
            option = QStyleOptionFocusRect()
            option.initFrom(self)
            painter = QPainter(self)
            self.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, option,
                                       painter, self)
            painter.end()
        return handled


class HideButton(Retranslating, QToolButton):
    """The "×" that hides a note or a notice, named for screen readers in the current
    language."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText("\u00d7")
        self._retranslate()

    def _retranslate(self) -> None:
        self.setAccessibleName(_("Hide this note"))
        self.setToolTip(_("Hide this note"))


class PrimaryButton(QPushButton):
    """A large button in the theme's highlight colour, with a clear focus ring."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.font_follower = RelativeFont(self, 1.3, bold=True)
        self.style_follower = PaletteStyle(self, _primary_button_sheet)


def _primary_button_sheet(pal: QPalette) -> str:
    base = pal.color(QPalette.ColorRole.Highlight)
    text = pal.color(QPalette.ColorRole.HighlightedText)
    ring = pal.color(QPalette.ColorRole.WindowText)
    disabled = pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    button = pal.color(QPalette.ColorRole.Button).name()
    mid = pal.color(QPalette.ColorRole.Mid).name()
    return (
        f"QPushButton {{ background: {base.name()}; color: {text.name()};"
        f" border: 2px solid {base.darker(130).name()}; border-radius: 6px;"
        " padding: 10px 28px; }"
        f" QPushButton:hover {{ background: {base.lighter(112).name()}; }}"
        f" QPushButton:pressed {{ background: {base.darker(115).name()}; }}"
        f" QPushButton:focus {{ border: 3px solid {ring.name()}; }}"
        f" QPushButton:disabled {{ background: {button}; color: {disabled.name()};"
        f" border-color: {mid}; }}"
    )
