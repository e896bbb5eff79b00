"""Every control can be found by automation and read by a screen reader.

The issue fixes a set of objectNames; beyond those, every interactive widget in every
window must carry an objectName and an accessible name, and take keyboard focus.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from accelerators import clashes, in_view, menus, views
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QMainWindow,
    QScrollBar,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from massage_timer.core.model.settings import Settings
from massage_timer.core.storage.catalogs import shipped_languages
from massage_timer.core.storage.history.store import HistoryStore
from massage_timer.core.storage.loader import load_library
from massage_timer.core.storage.paths import AppPaths
from massage_timer.ui.desktop.language import apply_language
from massage_timer.ui.history.history_view import HistoryView
from massage_timer.ui.reminders.prompt import ReminderPrompt
from massage_timer.ui.session.checklist_dialog import SafetyChecklistDialog
from massage_timer.ui.session.flow import SessionFlow
from massage_timer.ui.session.pain_dialog import PainRatingDialog
from massage_timer.ui.settings.settings_dialog import SettingsDialog
from massage_timer.ui.wiring import App

INTERACTIVE = (QAbstractButton, QComboBox, QLineEdit, QTextEdit, QAbstractSpinBox,
               QAbstractSlider, QAbstractItemView)

FIXED_NAMES = {
    "routineList", "routineSearch", "startButton", "safetyChecklist", "checklistConfirm",
    "painBefore", "playerView", "countdownLabel", "stepTitle", "pauseButton", "skipButton",
    "backButton", "stopButton", "sessionSummary", "painAfter", "historyView", "settingsDialog",
}


class Silent:
    def prepare(self, lines: object) -> None: ...

    def play(self, cue: object) -> None: ...

    def silence(self) -> None: ...

    def problem(self) -> str | None:
        return None


def _controls(root: QWidget) -> Iterator[QWidget]:
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, INTERACTIVE):
            continue
        if widget.objectName().startswith("qt_") or not widget.isVisibleTo(root):
            continue
        parent = widget.parentWidget()
        if isinstance(parent, (QAbstractSpinBox, QComboBox, QAbstractItemView)):
            continue  # Qt's own parts of a compound widget (line edit, scroll bars)
        if isinstance(widget, QScrollBar) and parent is not None and (
            parent.objectName().startswith("qt_")
        ):
            continue  # a scroll area's own scroll bars: the area scrolls with the keyboard
        yield widget


def _problems(root: QWidget) -> list[str]:
    problems = []
    for widget in _controls(root):
        label = f"{type(widget).__name__} {widget.objectName()!r} in {root.objectName()}"
        if not widget.objectName():
            problems.append(f"{label}: no objectName")
        if not widget.accessibleName():
            problems.append(f"{label}: no accessible name")
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus and widget.isEnabled():
            problems.append(f"{label}: cannot take keyboard focus")
    return problems


@pytest.fixture
def windows(qtbot: QtBot, tmp_path: Path) -> Iterator[dict[str, QWidget]]:
    """Every window, the library's as a first start shows it: with the Reminders menu
    and the note that reminders are on."""
    paths = AppPaths.portable(tmp_path / "app")
    settings = Settings()
    library = load_library(paths)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    running = App(app, paths)
    main = running.window
    main.show()
    qtbot.waitExposed(main)
    assert main.reminders_note.isVisible()
    store, _ = HistoryStore.open(tmp_path / "h.sqlite3")
    loaded = library.get("desk-micro-break")
    assert loaded is not None
    flow = SessionFlow(loaded, settings, store, Silent(), clock=lambda: 5.0,
                       wall_clock=lambda: datetime(2026, 1, 5, 9, tzinfo=UTC))
    flow.start_player(None)
    assert flow.window is not None
    qtbot.addWidget(flow.window)
    flow.stop()
    assert flow.summary is not None
    found: dict[str, QWidget] = {
        "main": main,
        "checklist": SafetyChecklistDialog(),
        "pain": PainRatingDialog("before"),
        "player": flow.window,
        "summary": flow.summary,
        "history": HistoryView(store),
        "settings": SettingsDialog(settings),
        "reminder": ReminderPrompt(),
    }
    for name, widget in found.items():
        if name not in ("main", "player"):
            qtbot.addWidget(widget)
        widget.show()
    yield found
    running.shutdown()
    running.deleteLater()


def test_fixed_object_names_exist(windows: dict[str, QWidget]) -> None:
    present = set()
    for root in windows.values():
        present.add(root.objectName())
        present.update(w.objectName() for w in root.findChildren(QWidget))
    assert not FIXED_NAMES - present, sorted(FIXED_NAMES - present)


def test_every_control_is_named_and_focusable(windows: dict[str, QWidget]) -> None:
    problems = [p for root in windows.values() for p in _problems(root)]
    assert not problems, "\n".join(problems)


def test_every_tab_stop_has_a_name(windows: dict[str, QWidget]) -> None:
    """Settings' four page scroll areas (and History's) took Tab stops of their own,
    where a screen reader said only "scroll area"."""
    from PySide6.QtWidgets import QAbstractButton

    nameless = []
    for root in windows.values():
        for widget in root.findChildren(QWidget):
            takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
            if not takes_tab or not widget.isVisibleTo(root) or not widget.isEnabled():
                continue
            if widget.objectName().startswith("qt_") or widget.focusProxy() is not None:
                continue  # Qt's own parts; a proxy hands its focus on
            text = widget.text() if isinstance(widget, QAbstractButton) else ""
            if not widget.accessibleName() and not text:
                nameless.append(f"{type(widget).__name__} {widget.objectName()!r} "
                                f"in {root.objectName()}")
    assert not nameless, "\n".join(nameless)


def test_checklist_items_follow_the_naming_scheme(windows: dict[str, QWidget]) -> None:
    checklist = windows["checklist"]
    names = [w.objectName().removesuffix("_no") for w in checklist.findChildren(QWidget)
             if w.objectName().startswith("redFlag_") and w.objectName().endswith("_no")]
    assert len(names) >= 9
    for name in names:
        assert checklist.findChild(QWidget, name) is not None, f"no item widget {name}"
        yes = checklist.findChild(QAbstractButton, f"{name}_yes")
        no = checklist.findChild(QAbstractButton, f"{name}_no")
        assert yes is not None and no is not None, name
        assert not yes.isChecked() and not no.isChecked(), f"{name} is pre-answered"


def test_text_stays_legible_at_large_font(qtbot: QtBot, windows: dict[str, QWidget]) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = app.font()
    original = font.pointSizeF()
    font.setPointSizeF(original * 1.75)
    app.setFont(font)
    try:
        checklist = SafetyChecklistDialog()
        qtbot.addWidget(checklist)
        checklist.resize(1280, 800)
        checklist.show()
        confirm = checklist.findChild(QAbstractButton, "checklistConfirm")
        assert confirm is not None
        hint = confirm.sizeHint()
        assert confirm.width() >= hint.width() - 1, "the Start button text is clipped"
    finally:
        font.setPointSizeF(original)
        app.setFont(font)


@pytest.mark.parametrize("code", ["en", "en_XA", *(lang.code for lang in shipped_languages())])
def test_no_two_controls_in_view_share_an_accelerator(
    windows: dict[str, QWidget], code: str
) -> None:
    """In every language, Alt + a letter reaches one control of what a window shows
    (each page of its tabs in turn, its menu bar's titles with it), and one item of each
    menu. The routine editor has its own test (tests/test_editor.py)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_language(app, code)
    QApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
    found: dict[str, dict[str, list[str]]] = {}
    for name, window in windows.items():
        for view in views(window):
            if shared := clashes(in_view(window)):
                found[f"{name} {view}"] = shared
        if isinstance(window, QMainWindow):
            for title, items in menus(window):
                if shared := clashes(items):
                    found[f"{name} menu {title}"] = shared
    assert found == {}
    assert len(in_view(windows["main"])) >= 10, "the check sees the window's controls"
