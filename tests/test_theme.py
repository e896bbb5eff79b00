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
