"""Pain rating and session summary dialogs, and the theme they are drawn with."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from large_text import large_text
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QProxyStyle,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from massage_timer.core.model.session import Outcome
from massage_timer.ui.session.pain_dialog import PainRatingDialog, PainScale
from massage_timer.ui.session.summary_dialog import SessionSummaryDialog, format_active_time
from massage_timer.ui.theme import (
    Accent,
    ThemeController,
    accent,
    contrast_ratio,
    dark_palette,
    is_dark,
    light_palette,
)


@pytest.mark.parametrize(
    ("kind", "name", "question"),
    [("before", "painBefore", "How much does it hurt now?"),
     ("after", "painAfter", "How does it feel now?")],
)
def test_pain_dialog_names_and_question(qtbot: QtBot, kind: str, name: str, question: str) -> None:
    dlg = PainRatingDialog(kind)  # type: ignore[arg-type]
    qtbot.addWidget(dlg)
    assert dlg.objectName() == name
    assert dlg.findChild(QLabel, f"{name}Question").text() == question
    buttons = [dlg.findChild(QPushButton, f"{name}Scale_{n}") for n in range(11)]
    assert all(b is not None and b.isCheckable() and not b.isChecked() for b in buttons)
    assert all(b.accessibleName() for b in buttons)


def test_pain_continue_needs_a_choice_and_returns_it(qtbot: QtBot) -> None:
    dlg = PainRatingDialog("before")
    qtbot.addWidget(dlg)
    dlg.show()
    cont = dlg.findChild(QPushButton, "painBeforeContinue")
    assert not cont.isEnabled()
    qtbot.mouseClick(dlg.findChild(QPushButton, "painBeforeScale_7"), Qt.MouseButton.LeftButton)
    assert cont.isEnabled()
    qtbot.mouseClick(dlg.findChild(QPushButton, "painBeforeScale_3"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dlg.accepted, timeout=500):
        qtbot.mouseClick(cont, Qt.MouseButton.LeftButton)
    assert dlg.value == 3


def test_pain_skip_accepts_without_a_value(qtbot: QtBot) -> None:
    dlg = PainRatingDialog("before")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.mouseClick(dlg.findChild(QPushButton, "painBeforeScale_5"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dlg.accepted, timeout=500):
        qtbot.mouseClick(dlg.findChild(QPushButton, "painBeforeSkip"), Qt.MouseButton.LeftButton)
    assert dlg.value is None


def test_pain_escape_rejects_without_a_value(qtbot: QtBot) -> None:
    dlg = PainRatingDialog("after")
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.scale.set_value(2)
    with qtbot.waitSignal(dlg.rejected, timeout=500):
        qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert dlg.value is None


def test_pain_keyboard_digits_arrows_and_enter(qtbot: QtBot) -> None:
    dlg = PainRatingDialog("before")
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow, timeout=1000)
    zero = dlg.findChild(QPushButton, "painBeforeScale_0")
    assert QApplication.focusWidget() is zero
    qtbot.keyClick(zero, Qt.Key.Key_4)
    assert dlg.scale.value == 4
    assert QApplication.focusWidget().objectName() == "painBeforeScale_4"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert QApplication.focusWidget().objectName() == "painBeforeScale_5"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert dlg.scale.value == 5
    with qtbot.waitSignal(dlg.accepted, timeout=500):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dlg.value == 5


def test_pain_scale_can_be_cleared(qtbot: QtBot) -> None:
    scale = PainScale("x", "How?")
    qtbot.addWidget(scale)
    with qtbot.waitSignal(scale.valueChanged, timeout=500) as blocker:
        scale.set_value(10)
    assert blocker.args == [10]
    scale.set_value(None)
    assert scale.value is None


def test_format_active_time() -> None:
    assert format_active_time(45.4) == "45 s"
    assert format_active_time(180) == "3 min"
    assert format_active_time(390) == "6 min 30 s"


@pytest.mark.parametrize(
    ("outcome", "heading", "shown"),
    [(Outcome.COMPLETED, "session complete", "Completed"),
     (Outcome.STOPPED, "Session stopped", "Stopped early")],
)
def test_summary_shows_values(qtbot: QtBot, outcome: Outcome, heading: str, shown: str) -> None:
    dlg = SessionSummaryDialog("Desk micro-break", 226.0, 5, 7, outcome)
    qtbot.addWidget(dlg)
    assert dlg.objectName() == "sessionSummary"
    assert heading in dlg.findChild(QLabel, "summaryHeading").text()
    assert dlg.findChild(QLabel, "summaryRoutine").text() == "Desk micro-break"
    assert dlg.findChild(QLabel, "summaryTime").text() == "3 min 46 s"
    assert dlg.findChild(QLabel, "summarySteps").text() == "5 of 7"
    assert dlg.findChild(QLabel, "summaryOutcome").text() == shown


def test_summary_collects_pain_after_and_note(qtbot: QtBot) -> None:
    dlg = SessionSummaryDialog("Routine", 60, 3, 3, Outcome.COMPLETED)
    qtbot.addWidget(dlg)
    dlg.show()
    scale = dlg.findChild(QWidget, "painAfter")
    assert isinstance(scale, PainScale) and scale.accessibleName() == "How does it feel now?"
    assert dlg.pain_after is None
    qtbot.mouseClick(dlg.findChild(QPushButton, "painAfter_2"), Qt.MouseButton.LeftButton)
    note = dlg.findChild(QLineEdit, "sessionNote")
    qtbot.keyClicks(note, "  left side tighter  ")
    with qtbot.waitSignal(dlg.accepted, timeout=500):
        qtbot.keyClick(note, Qt.Key.Key_Return)
    assert dlg.pain_after == 2
    assert dlg.note == "left side tighter"
    assert dlg.result() == QDialog.DialogCode.Accepted


def test_every_tab_stop_of_the_summary_has_a_name(qtbot: QtBot) -> None:
    """Tab stopped once on the summary's scroll area, which had no name."""
    dlg = SessionSummaryDialog("Routine", 60, 3, 3, Outcome.COMPLETED)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow, timeout=1000)
    seen: list[QWidget] = []
    for _step in range(30):
        focused = QApplication.focusWidget()
        assert focused is not None
        if focused in seen:
            break
        seen.append(focused)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert len(seen) >= 3
    for widget in seen:
        text = getattr(widget, "text", lambda: "")()
        assert widget.accessibleName() or text, widget.objectName() or type(widget).__name__


def test_summary_rating_is_skippable(qtbot: QtBot) -> None:
    dlg = SessionSummaryDialog("Routine", 10, 1, 4, Outcome.STOPPED)
    qtbot.addWidget(dlg)
    dlg.show()
    with qtbot.waitSignal(dlg.accepted, timeout=500):
        qtbot.mouseClick(dlg.findChild(QPushButton, "summaryDone"), Qt.MouseButton.LeftButton)
    assert dlg.pain_after is None and dlg.note == ""


def test_a_summary_with_a_wrapping_routine_title_needs_no_scrolling(qtbot: QtBot) -> None:
    """At large text a long routine title wraps in the summary's narrow form, on more
    lines than its size hint counted: the dialog scrolled by that line, hiding the
    note. It now grows by what its content still hides, where the screen has room."""
    title = "Tense neck: squeeze the shoulder and let go, slowly, both sides"
    with large_text():
        dlg = SessionSummaryDialog(title, 13, 0, 5, Outcome.STOPPED)
        qtbot.addWidget(dlg)
        dlg.show()
        qtbot.waitExposed(dlg)
        routine = dlg.findChild(QLabel, "summaryRoutine")
        assert routine is not None and routine.wordWrap()
        bar = dlg._scroll.verticalScrollBar()
        qtbot.waitUntil(lambda: bar.maximum() == 0)
        assert routine.height() > routine.fontMetrics().height(), "the title did wrap"
        note = dlg.findChild(QLineEdit, "sessionNote")
        viewport = dlg._scroll.viewport()
        shown = note.geometry().translated(note.parentWidget().mapTo(viewport, QPoint()))
        assert viewport.rect().contains(shown)


# -- theme -------------------------------------------------------------------------


@pytest.fixture
def restore_app_look(qapp: QApplication) -> Iterator[None]:
    palette, font, style = QPalette(qapp.palette()), QFont(qapp.font()), qapp.style().name()
    yield
    qapp.setPalette(palette)
    qapp.setFont(font)
    qapp.setStyle(style)


@pytest.mark.parametrize("palette", [light_palette(), dark_palette()])
def test_palette_text_and_accents_have_aa_contrast(palette: QPalette) -> None:
    role = QPalette.ColorRole
    for fg, bg in ((role.WindowText, role.Window), (role.Text, role.Base),
                   (role.ButtonText, role.Button), (role.HighlightedText, role.Highlight),
                   (role.PlaceholderText, role.Base), (role.Text, role.AlternateBase)):
        assert contrast_ratio(palette.color(fg), palette.color(bg)) >= 4.5, (fg, bg)
    for kind in Accent:
        color = accent(kind, palette)
        for bg in (role.Window, role.Base, role.AlternateBase):
            assert contrast_ratio(color, palette.color(bg)) >= 4.5, (kind, bg)


def test_contrast_ratio_extremes() -> None:
    assert contrast_ratio(QColor("#000"), QColor("#fff")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777"), QColor("#777")) == pytest.approx(1.0)


def test_theme_controller_forces_and_scales(qapp: QApplication, restore_app_look: None) -> None:
    base_size = qapp.font().pointSizeF()
    theme = ThemeController(qapp, "dark", 1.5)
    assert theme.dark and is_dark(qapp.palette())
    style = qapp.style()
    assert isinstance(style, QProxyStyle) and style.baseStyle().name().lower() == "fusion"
    assert qapp.font().pointSizeF() == pytest.approx(base_size * 1.5)
    theme.set_mode("light")
    assert not theme.dark and not is_dark(qapp.palette())
    theme.set_font_scale(10)
    assert qapp.font().pointSizeF() == pytest.approx(base_size * 2.5)
    theme.set_font_scale(1.0)
    assert qapp.font().pointSizeF() == pytest.approx(base_size)
    theme.deleteLater()


def test_theme_follows_the_system_scheme(
    qapp: QApplication, restore_app_look: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from massage_timer.ui import theme as theme_module

    hints = qapp.styleHints()
    scheme = {"dark": False}
    monkeypatch.setattr(theme_module, "system_prefers_dark", lambda: scheme["dark"])
    theme = ThemeController(qapp, "system")
    assert not theme.dark
    seen: list[bool] = []
    theme.themeChanged.connect(seen.append)
    scheme["dark"] = True
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.dark and is_dark(qapp.palette()) and seen == [True]
    theme.set_mode("light")
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert not theme.dark and seen == [True, False]
    theme.themeChanged.disconnect(seen.append)
    QApplication.styleHints().colorSchemeChanged.disconnect(theme._on_color_scheme_changed)


def test_summary_shows_the_pain_before_beside_the_pain_after(qtbot: QtBot) -> None:
    dlg = SessionSummaryDialog("Routine", 60, 3, 3, Outcome.COMPLETED, pain_before=6)
    qtbot.addWidget(dlg)
    before = dlg.findChild(QLabel, "summaryPainBefore")
    assert before is not None and before.text() == "6 / 10"
    unrated = SessionSummaryDialog("Routine", 60, 3, 3, Outcome.COMPLETED)
    qtbot.addWidget(unrated)
    assert unrated.findChild(QLabel, "summaryPainBefore").text() == "Not rated"


def test_pain_skip_has_a_mnemonic_and_is_the_default_until_a_value_is_chosen(
    qtbot: QtBot,
) -> None:
    dlg = PainRatingDialog("before")
    qtbot.addWidget(dlg)
    skip = dlg.findChild(QPushButton, "painBeforeSkip")
    cont = dlg.findChild(QPushButton, "painBeforeContinue")
    assert skip.text() == "&Skip"
    assert skip.isDefault() and not cont.isDefault()
    dlg.scale.set_value(4)
    assert cont.isDefault() and not skip.isDefault()


def test_the_pain_rating_is_as_tall_as_its_wrapped_question(qtbot: QtBot) -> None:
    """At 200 % in German the question wraps to two lines, which the dialog's height
    did not count: the scale's end labels lay over its 0 to 10 buttons."""
    from large_text import large_text
    from PySide6.QtWidgets import QApplication, QLabel, QPushButton

    from massage_timer.ui.desktop.language import apply_language

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_language(app, "de")
    try:
        with large_text(2.0):
            dialog = PainRatingDialog("before")
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.waitExposed(dialog)
            layout = dialog.layout()
            assert dialog.height() >= layout.totalHeightForWidth(dialog.width())
            buttons = [b for b in dialog.findChildren(QPushButton)
                       if b.text().isdigit()]
            lowest = max(b.mapTo(dialog, b.rect().bottomLeft()).y() for b in buttons)
            ends = [label for label in dialog.findChildren(QLabel)
                    if label.text().startswith(("0 =", "10 ="))]
            assert len(ends) == 2
            for label in ends:
                assert label.mapTo(dialog, label.rect().topLeft()).y() > lowest
    finally:
        apply_language(app, "en")


def test_the_summary_is_as_wide_as_its_pain_scale_at_a_large_text_size(
    qtbot: QtBot,
) -> None:
    """At 200 % in German the summary kept its usual 560 px: the pain scale's last
    buttons and "10 = schlimmster Schmerz" sat behind a sideways scroll bar."""
    from large_text import large_text
    from PySide6.QtWidgets import QApplication, QScrollArea

    from massage_timer.core.model.session import Outcome
    from massage_timer.ui.desktop.language import apply_language
    from massage_timer.ui.session.summary_dialog import SessionSummaryDialog

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_language(app, "de")
    try:
        with large_text(2.0):
            dialog = SessionSummaryDialog("Nacken", 240.0, 3, 5, Outcome.STOPPED,
                                          pain_before=5)
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.waitExposed(dialog)
            scroll = dialog.findChild(QScrollArea)
            assert scroll is not None
            qtbot.wait(20)
            assert scroll.horizontalScrollBar().maximum() == 0
    finally:
        apply_language(app, "en")
