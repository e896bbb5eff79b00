"""The safety checklist dialog: nothing pre-answered, any Yes blocks, keyboard only."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, datetime

import pytest
from large_text import large_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
)
from pytestqt.qtbot import QtBot

from massage_timer.core.storage.checklist_file import load_checklist
from massage_timer.ui.session.checklist_dialog import SafetyChecklistDialog

CHECKLIST = load_checklist()
ITEM_IDS = [item.id for item in CHECKLIST.items]
MOMENT = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)


@pytest.fixture
def dialog(qtbot: QtBot) -> SafetyChecklistDialog:
    dlg = SafetyChecklistDialog(now=lambda: MOMENT)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def _radio(dlg: QDialog, item_id: str, answer: str) -> QRadioButton:
    button = dlg.findChild(QRadioButton, f"redFlag_{item_id}_{answer}")
    assert button is not None, f"redFlag_{item_id}_{answer}"
    return button


def _confirm(dlg: QDialog) -> QPushButton:
    return dlg.findChild(QPushButton, "checklistConfirm")


def _status(dlg: SafetyChecklistDialog) -> str:
    shown = [name for name in ("checklistPending", "checklistRules", "checklistAdvice")
             if dlg.findChild(QFrame, name).isVisible()]
    assert shown == [dlg.status_page]
    return shown[0]


def test_one_widget_per_red_flag_with_no_and_yes_and_nothing_prechecked(
    dialog: SafetyChecklistDialog,
) -> None:
    assert dialog.objectName() == "safetyChecklist"
    for item in CHECKLIST.items:
        row = dialog.findChild(QFrame, f"redFlag_{item.id}")
        assert row is not None and row.accessibleName() == item.question
        no, yes = _radio(dialog, item.id, "no"), _radio(dialog, item.id, "yes")
        assert (no.text(), yes.text()) == ("No", "Yes")
        assert no.parent() is row and yes.parent() is row
        assert not no.isChecked() and not yes.isChecked()
        assert no.accessibleName() and yes.accessibleName()
    assert not _confirm(dialog).isEnabled()
    assert _status(dialog) == "checklistPending"
    assert "remember" not in " ".join(b.text().lower() for b in dialog.findChildren(QPushButton))


@pytest.mark.parametrize("flag", ITEM_IDS)
def test_any_red_flag_blocks_and_leaves_only_close(
    dialog: SafetyChecklistDialog, qtbot: QtBot, flag: str
) -> None:
    for item_id in ITEM_IDS:
        qtbot.mouseClick(_radio(dialog, item_id, "yes" if item_id == flag else "no"),
                         Qt.MouseButton.LeftButton)
    confirm = _confirm(dialog)
    assert not confirm.isVisible() and not confirm.isEnabled()
    assert _status(dialog) == "checklistAdvice"
    advice = dialog.findChild(QFrame, "checklistAdvice")
    texts = " ".join(label.text() for label in advice.findChildren(QLabel))
    assert CHECKLIST.advice in texts
    reasons = dialog.findChild(QLabel, "checklistReasons").text()
    assert CHECKLIST.item(flag).question.replace("'", "&#x27;") in reasons
    assert dialog.blocked_items == (flag,)
    buttons = [b for b in dialog.findChildren(QPushButton) if b.isVisible()]
    assert [b.objectName() for b in buttons] == ["checklistClose"]
    assert buttons[0].text() == "Close"
    with qtbot.waitSignal(dialog.rejected, timeout=500):
        qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    assert dialog.confirmed_at is None


def test_a_yes_outranks_unanswered_items(dialog: SafetyChecklistDialog) -> None:
    _radio(dialog, "fever", "yes").click()
    assert _status(dialog) == "checklistAdvice"
    assert not _confirm(dialog).isVisible()
    _radio(dialog, "fever", "no").click()
    assert _status(dialog) == "checklistPending"
    assert _confirm(dialog).isVisible() and not _confirm(dialog).isEnabled()
    assert dialog.blocked_items == ()


@pytest.mark.parametrize("missing", [ITEM_IDS[0], ITEM_IDS[-1]])
def test_an_unanswered_item_blocks(dialog: SafetyChecklistDialog, missing: str) -> None:
    for item_id in ITEM_IDS:
        if item_id != missing:
            _radio(dialog, item_id, "no").click()
    assert not _confirm(dialog).isEnabled()
    assert "1 of 10 questions" in dialog.findChild(QFrame, "checklistPending").findChildren(
        QLabel)[1].text()
    _confirm(dialog).click()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.confirmed_at is None


def test_all_no_shows_rules_and_confirms(dialog: SafetyChecklistDialog, qtbot: QtBot) -> None:
    for item_id in ITEM_IDS:
        _radio(dialog, item_id, "no").click()
    assert _confirm(dialog).isEnabled() and _confirm(dialog).text() == "Start session"
    assert _status(dialog) == "checklistRules"
    rules = " ".join(label.text() for label in
                     dialog.findChild(QFrame, "checklistRules").findChildren(QLabel))
    assert "sharp pain, pain that spreads into an arm, numbness, tingling or dizziness" in rules
    assert "front of the neck" in rules and "bony points of the spine" in rules
    with qtbot.waitSignal(dialog.accepted, timeout=500):
        qtbot.mouseClick(_confirm(dialog), Qt.MouseButton.LeftButton)
    assert dialog.confirmed_at == MOMENT
    assert dialog.checklist_version == CHECKLIST.version
    assert dialog.blocked_items == ()


def test_keyboard_only_completion(dialog: SafetyChecklistDialog, qtbot: QtBot) -> None:
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=1000)
    assert QApplication.focusWidget() is _radio(dialog, ITEM_IDS[0], "no")
    for n, item_id in enumerate(ITEM_IDS):
        focused = QApplication.focusWidget()
        assert focused is _radio(dialog, item_id, "no"), (n, focused.objectName())
        qtbot.keyClick(focused, Qt.Key.Key_Space)
        assert _radio(dialog, item_id, "no").isChecked()
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is _confirm(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=500):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.confirmed_at == MOMENT


def test_arrow_keys_move_between_no_and_yes(dialog: SafetyChecklistDialog, qtbot: QtBot) -> None:
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=1000)
    no, yes = _radio(dialog, ITEM_IDS[0], "no"), _radio(dialog, ITEM_IDS[0], "yes")
    qtbot.keyClick(no, Qt.Key.Key_Right)
    assert QApplication.focusWidget() is yes
    qtbot.keyClick(yes, Qt.Key.Key_Space)
    assert yes.isChecked() and _status(dialog) == "checklistAdvice"


def test_fits_1280x800_without_scrolling(dialog: SafetyChecklistDialog) -> None:
    scroll = dialog.findChild(QScrollArea, "checklistItems")
    for answer in ("no", "yes"):
        for item_id in ITEM_IDS:
            _radio(dialog, item_id, answer).click()
        hint = dialog.sizeHint()
        assert hint.width() <= 1280 and hint.height() <= 800 - 60
        dialog.resize(1100, 800 - 60)
        QApplication.processEvents()
        assert scroll.verticalScrollBar().maximum() == 0, answer


def test_the_advice_after_a_yes_is_never_cut_it_scrolls(qtbot: QtBot) -> None:
    """At a large text size in a small window, the advice and every red flag answered
    Yes are laid out whole (the panel scrolls); once they were cut mid-sentence."""
    with large_text():
        dlg = SafetyChecklistDialog(now=lambda: MOMENT)
        qtbot.addWidget(dlg)
        dlg.show()
        qtbot.waitExposed(dlg)
        yes = ITEM_IDS[2:5]
        for item_id in ITEM_IDS:
            _radio(dlg, item_id, "yes" if item_id in yes else "no").click()
        dlg.resize(900, 450)
        QApplication.processEvents()
        assert _status(dlg) == "checklistAdvice"
        advice = dlg.findChild(QFrame, "checklistAdvice")
        reasons = dlg.findChild(QLabel, "checklistReasons")
        for item_id in yes:
            assert CHECKLIST.item(item_id).question in reasons.text()
        for label in advice.findChildren(QLabel):
            assert label.wordWrap(), label.text()
            needed = label.heightForWidth(label.width())
            assert label.height() >= needed, f"{label.text()[:40]!r} is cut"
        scroll = dlg.findChild(QScrollArea, "checklistStatusScroll")
        bar = scroll.verticalScrollBar()
        assert bar.maximum() > 0, "the advice is taller than the window: it scrolls"
        assert scroll.widget().height() <= scroll.viewport().height() + bar.maximum()
        assert scroll.focusPolicy() != Qt.FocusPolicy.NoFocus, "the keyboard scrolls it too"
        assert scroll.accessibleName() == "See a doctor first"
