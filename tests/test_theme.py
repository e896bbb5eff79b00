"""Colours follow the theme: a light/dark switch restyles what was drawn in accents."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from massage_timer.ui.session.pain_dialog import PainScale
from massage_timer.ui.theme import PrimaryButton, ThemeController


def test_styled_widgets_follow_a_theme_switch(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme = ThemeController(app, "light", 1.0)
    button = PrimaryButton("Start routine")
    scale = PainScale("painBeforeScale", "How much does it hurt now?")
    qtbot.addWidget(button)
    qtbot.addWidget(scale)
    light_button, light_scale = button.styleSheet(), scale.styleSheet()
    assert light_button and light_scale
    highlight = app.palette().highlight().color().name()
    assert highlight in light_button
    theme.set_mode("dark")
    dark_highlight = app.palette().highlight().color().name()
    assert dark_highlight != highlight
    qtbot.waitUntil(lambda: dark_highlight in button.styleSheet(), timeout=1000)
    qtbot.waitUntil(lambda: scale.styleSheet() != light_scale, timeout=1000)
    theme.set_mode("light")
    qtbot.waitUntil(lambda: button.styleSheet() == light_button, timeout=1000)


def test_the_take_care_box_follows_the_dark_theme(qtbot: QtBot) -> None:
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QFrame

    from massage_timer.ui.library.routine_detail import RoutineDetail

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme = ThemeController(app, "light", 1.0)
    detail = RoutineDetail()
    qtbot.addWidget(detail)
    box = detail.findChild(QFrame, "detailCautions")
    assert box is not None
    light_base = app.palette().color(QPalette.ColorRole.AlternateBase).name()
    assert f"background: {light_base}" in box.styleSheet()
    theme.set_mode("dark")
    dark_base = app.palette().color(QPalette.ColorRole.AlternateBase).name()
    dark_text = app.palette().color(QPalette.ColorRole.WindowText).name()
    assert dark_base != light_base
    qtbot.waitUntil(lambda: f"background: {dark_base}" in box.styleSheet(), timeout=1000)
    assert f"color: {dark_text}" in box.styleSheet()
    assert "palette(" not in box.styleSheet()
    theme.set_mode("light")


def test_focus_rings_are_clearly_visible_in_both_themes() -> None:
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QColor, QImage, QPainter, QPalette
    from PySide6.QtWidgets import QStyle, QStyleOptionFocusRect

    from massage_timer.ui.theme import (
        AppStyle,
        contrast_ratio,
        dark_palette,
        focus_ring_color,
        light_palette,
    )

    style = AppStyle()
    for palette in (light_palette(), dark_palette()):
        ring = focus_ring_color(palette)
        for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base,
                     QPalette.ColorRole.Button):
            assert contrast_ratio(ring, palette.color(role)) >= 3.0, role
        image = QImage(60, 30, QImage.Format.Format_ARGB32)
        image.fill(palette.color(QPalette.ColorRole.Window))
        option = QStyleOptionFocusRect()
        option.rect = QRect(0, 0, 60, 30)
        option.palette = palette
        painter = QPainter(image)
        style.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, option, painter)
        painter.end()
        for x, y in ((30, 0), (30, 1), (0, 15), (1, 15), (59, 15), (30, 29)):
            assert QColor(image.pixel(x, y)) == ring, (x, y)
        assert QColor(image.pixel(30, 15)) == palette.color(QPalette.ColorRole.Window)


def test_focused_buttons_fields_and_lists_show_the_ring(qtbot: QtBot) -> None:
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QVBoxLayout, QWidget

    from massage_timer.ui.theme import focus_ring_color

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme = ThemeController(app, "dark", 1.0)
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    widgets = [QPushButton("Start"), QComboBox(), QLineEdit()]
    for widget in widgets:
        layout.addWidget(widget)
    holder.show()
    ring = focus_ring_color(app.palette())

    def ring_pixels(widget: QWidget) -> int:
        image = widget.grab().toImage()
        return sum(QColor(image.pixel(x, y)) == ring
                   for x in range(image.width()) for y in range(image.height()))

    for widget in widgets:
        unfocused = ring_pixels(widget)
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus, timeout=1000)
        assert ring_pixels(widget) > unfocused + 2 * (widget.width() + widget.height())
    theme.set_mode("light")


def test_styled_widgets_inside_a_window_follow_a_theme_switch(qtbot: QtBot) -> None:
    """A style sheet that sets a colour makes the widget's palette its own, so Qt sends
    a palette change to its window but not to it: inside a window, the Start button,
    the "Take care" box and the notice bar kept the old theme's colours until restart."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from massage_timer.ui.library.notice_bar import NoticeBar
    from massage_timer.ui.library.routine_detail import RoutineDetail

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme = ThemeController(app, "light", 1.0)
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    button = PrimaryButton("Start routine", window)
    notices = NoticeBar(window)
    notices.add("The history file was moved aside.")
    loose = RoutineDetail()  # made on its own, then put into the window
    for widget in (button, notices, loose):
        layout.addWidget(widget)
    window.show()
    qtbot.waitExposed(window)
    styled = [button, notices, *[w for w in loose.findChildren(QWidget)
                                 if hasattr(w, "style_follower")]]
    assert len(styled) == 3
    light = [w.styleSheet() for w in styled]
    light_highlight = app.palette().highlight().color().name()
    theme.set_mode("dark")
    dark_highlight = app.palette().highlight().color().name()
    assert dark_highlight != light_highlight
    for widget, before in zip(styled, light, strict=True):
        qtbot.waitUntil(lambda w=widget, b=before: w.styleSheet() != b, timeout=1000)
    assert dark_highlight in button.styleSheet()
    theme.set_mode("light")
    for widget, before in zip(styled, light, strict=True):
        qtbot.waitUntil(lambda w=widget, b=before: w.styleSheet() == b, timeout=1000)


def test_larger_headings_follow_a_text_size_change(qtbot: QtBot) -> None:
    """The routine's title, its "Steps" heading and the Start button kept the size
    they were made at when the text size changed in Settings (until a restart); so
    did all text inside a widget with a style sheet (the "Take care" box, and the
    whole details pane while its scroll area drew its focus ring with one)."""
    from PySide6.QtWidgets import QLabel

    from massage_timer.ui.library.main_window import MainWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.font()
    theme = ThemeController(app, "light", 1.0)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_notice("The history file was moved aside.")
    parts = [window.findChild(QLabel, "detailTitle"), window.start_button,
             *(window.findChild(QLabel, name) for name in (
                 "detailSummary", "detailCautionsText", "detailCautionsHeading",
                 "noticeBarText"))]
    assert all(parts)
    try:
        before = [part.font().pointSizeF() / app.font().pointSizeF() for part in parts]
        assert all(ratio > 1.2 for ratio in before[:2])
        for scale in (2.0, 0.8):
            theme.set_font_scale(scale)
            qtbot.waitUntil(lambda: all(
                abs(part.font().pointSizeF() / app.font().pointSizeF() - ratio) < 0.01
                for part, ratio in zip(parts, before, strict=True)), timeout=1000)
            assert all(part.font().bold() for part in parts[:2])
    finally:
        app.setFont(original)


def test_the_summary_heading_follows_a_theme_switch(qtbot: QtBot) -> None:
    """The "Well done" heading was coloured once, from the palette it was made with: a
    switch to the dark theme while the summary was open left it in the light theme's
    green. It follows the switch now, and keeps its larger size through a text size
    change."""
    from PySide6.QtWidgets import QLabel

    from massage_timer.core.model.session import Outcome
    from massage_timer.ui.session.summary_dialog import SessionSummaryDialog
    from massage_timer.ui.theme import Accent, accent

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.font()
    theme = ThemeController(app, "light", 1.0)
    dialog = SessionSummaryDialog("Desk micro-break", 240.0, 5, 5, Outcome.COMPLETED)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    heading = dialog.findChild(QLabel, "summaryHeading")
    assert heading is not None
    light = accent(Accent.SUCCESS, app.palette()).name()
    assert f"color: {light}" in heading.styleSheet()
    try:
        theme.set_mode("dark")
        dark = accent(Accent.SUCCESS, app.palette()).name()
        assert dark != light
        qtbot.waitUntil(lambda: f"color: {dark}" in heading.styleSheet(), timeout=1000)
        theme.set_font_scale(2.0)
        qtbot.waitUntil(lambda: abs(
            heading.font().pointSizeF() / app.font().pointSizeF() - 1.5) < 0.01, timeout=1000)
        assert heading.font().bold()
        assert f"color: {dark}" in heading.styleSheet()
    finally:
        theme.set_mode("light")
        app.setFont(original)
