"""The library, session and history windows show no text that skipped gettext, and
windows already open follow a language change without being rebuilt.

Every window is built under the pseudo-locale ``en_XA`` (each message comes back in
``[ ]``, accented): a plain English text left is a string nobody wrapped. Routine text
comes from :func:`~massage_timer.core.model.pseudo.pseudo_routine`, so it is pseudo too
and only true data (numbers, file names, a person's note) is ignored.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import FakeClock
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QToolButton, QWidget
from pytestqt.qtbot import QtBot
from test_player import THREE_STEPS, FakeSpeaker, advance
from untranslated import untranslated

from massage_timer.core.model.language import PSEUDO, SOURCE, TRANSLATOR
from massage_timer.core.model.pseudo import pseudo, pseudo_routine
from massage_timer.core.model.session import Outcome
from massage_timer.core.model.settings import Settings, replace
from massage_timer.core.storage.catalogs import shipped_languages
from massage_timer.core.storage.checklist_file import load_checklist
from massage_timer.core.storage.history.store import HistoryStore, SessionRecord
from massage_timer.core.storage.loader import (
    Library,
    LoadedRoutine,
    Origin,
    RoutineError,
    load_library,
)
from massage_timer.ui.desktop.language import apply_language
from massage_timer.ui.history.history_view import COLUMNS, HistoryView
from massage_timer.ui.history_window import HistoryWindow
from massage_timer.ui.library.main_window import MainWindow
from massage_timer.ui.session.checklist_dialog import SafetyChecklistDialog
from massage_timer.ui.session.flow import SessionFlow
from massage_timer.ui.session.pain_dialog import PainRatingDialog
from massage_timer.ui.session.short_check import ShortCheckDialog
from massage_timer.ui.session.summary_dialog import SessionSummaryDialog

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 5, 20, 16, 0, tzinfo=UTC)


@pytest.fixture
def pseudo_locale(qapp: QApplication) -> Iterator[QApplication]:
    """The app in the pseudo-locale for the test (conftest turns it back to English)."""
    assert apply_language(qapp, PSEUDO.code) == PSEUDO.code
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
    yield qapp
    apply_language(qapp, SOURCE)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)


def _switch(app: QApplication, code: str) -> None:
    """Change the language as the app does: catalogue, QLocale, LanguageChange."""
    assert apply_language(app, code) == code
    assert TRANSLATOR.code == code
    # QApplication posts the event on to every window: deliver it now.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)


# -- the library window -------------------------------------------------------------


def _editor_owned(win: MainWindow) -> Callable[[str], bool]:
    """The routine actions (New, Edit, the Routine menu) are ui/editor's and tested
    with it; this file checks everything else in the window."""
    actions = win.routine_actions
    names = {"routineActions", "menuRoutine",
             *(w.objectName() for w in actions.bar.findChildren(QWidget))}
    texts = {actions.menu.title(), *(a.text() for a in actions.menu.actions())}

    def owned(entry: str) -> bool:
        where, _sep, text = entry.partition(": ")
        return (where.split(".")[0] in names
                or (where.endswith(".action") and text[1:-1] in texts))
    return owned


def _broken_library(language: str) -> Library:
    library = load_library(language=language)
    library.errors.extend([
        RoutineError(Path("/u/bad.toml"), "steps[1].seconds", "must be at most 600"),
        RoutineError(Path("/u/typo.toml"), "line 3, column 7", "TOML syntax error"),
    ])
    return library


def test_the_library_window_has_no_unwrapped_text(
    qtbot: QtBot, pseudo_locale: QApplication
) -> None:
    from massage_timer import APP_DISPLAY_NAME

    win = MainWindow()
    qtbot.addWidget(win)
    win.set_library(_broken_library(PSEUDO.code))
    win.reminders_note.show_for(Settings())
    win.show()
    assert win.findChild(QToolButton, "brokenToggle").isVisible()
    owned = _editor_owned(win)
    app_name = lambda text: text == APP_DISPLAY_NAME  # noqa: E731 - a name, not a message
    assert [e for e in untranslated(win, ignore=app_name) if not owned(e)] == []
    # Every routine the library holds shows its detail in the pseudo-locale too, and
    # the rows of the list (drawn by a delegate) are made of messages.
    model = win.routine_list.model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        win.routine_list.setCurrentIndex(index)
        assert [e for e in untranslated(win.detail) if not owned(e)] == []
        tip = index.data(Qt.ItemDataRole.AccessibleTextRole)
        assert tip.count("[") >= 2, tip


def test_the_library_window_follows_a_language_change(
    qtbot: QtBot, qapp: QApplication
) -> None:
    win = MainWindow()
    qtbot.addWidget(win)
    win.set_library(_broken_library(SOURCE))
    win.reminders_note.show_for(Settings())
    win.show()
    toggle = win.findChild(QToolButton, "brokenToggle")
    start = win.start_button
    title = win.findChild(QLabel, "detailTitle")
    steps = win.findChild(QLabel, "detailMeta")
    assert start.text() == "Start routine"
    assert toggle.text() == "Could not load 2 routine files (2 problems)"
    note = win.reminders_note.label.text()
    assert note.startswith("Reminders are on")
    before = steps.text()

    _switch(qapp, PSEUDO.code)
    assert start.text() == pseudo("Start routine")
    assert toggle.text() == pseudo("Could not load {count} routine files ({problems})").format(
        count=2, problems=pseudo("{count} problems").format(count=2))
    assert win.menuBar().actions()[0].text() == pseudo("&File")
    assert win.reminders_note.label.text().startswith(pseudo("Reminders are on")[:5])
    assert steps.text() != before and "[" in steps.text()
    assert [a.text() for a in win.actions() if a.objectName() == "actionQuit"] == [
        pseudo("&Quit")]
    assert title is not None and title.text()  # the routine's own title: data

    _switch(qapp, SOURCE)
    assert start.text() == "Start routine"
    assert toggle.text() == "Could not load 2 routine files (2 problems)"
    assert win.reminders_note.label.text() == note
    assert steps.text() == before


# -- the session windows ------------------------------------------------------------


def _flow(qtbot: QtBot, clock: FakeClock, store: HistoryStore) -> SessionFlow:
    loaded = LoadedRoutine(pseudo_routine(THREE_STEPS), Path("three.toml"), Origin.BUILTIN,
                           "abc123")
    flow = SessionFlow(loaded, Settings(), store, FakeSpeaker(notice=None), clock=clock,
                       wall_clock=lambda: NOW)
    flow.start_player(pain_before=4)
    assert flow.window is not None
    qtbot.addWidget(flow.window)
    return flow


@pytest.fixture
def history(tmp_path: Path) -> Iterator[HistoryStore]:
    store, notices = HistoryStore.open(tmp_path / "history.sqlite3")
    assert notices == []
    yield store
    store.close()


def test_the_player_has_no_unwrapped_text_in_any_state(
    qtbot: QtBot, fake_clock: FakeClock, history: HistoryStore,
    pseudo_locale: QApplication,
) -> None:
    flow = _flow(qtbot, fake_clock, history)
    window = flow.window
    assert window is not None and flow.adapter is not None
    window.show()
    window.player.set_notice(pseudo("No voice"))
    assert untranslated(window) == []  # get ready, left side
    advance(flow, fake_clock, 2.0)
    assert untranslated(window) == []  # work
    window.player.pauseToggled.emit()
    assert window.player.pause_button.text() == pseudo("Resume")
    assert untranslated(window) == []  # paused
    window.player.pauseToggled.emit()
    unit = window.findChild(QLabel, "countdownUnit")
    assert unit is not None
    for _second in range(120):
        if unit.text() == pseudo("strokes left"):
            break
        advance(flow, fake_clock, 1.0)
    assert unit.text() == pseudo("strokes left")
    assert untranslated(window) == []  # a strokes step
    window.player.stop_button.click()
    summary = flow.summary
    assert summary is not None
    qtbot.addWidget(summary)
    assert untranslated(summary) == []


def test_the_player_follows_a_language_change(
    qtbot: QtBot, fake_clock: FakeClock, history: HistoryStore, qapp: QApplication
) -> None:
    flow = _flow(qtbot, fake_clock, history)
    window = flow.window
    assert window is not None

    def text(name: str) -> str:
        label = window.findChild(QLabel, name)
        assert label is not None
        return label.text()

    assert text("stepProgress") == "Step 1 of 3"
    assert text("phaseLabel") == "Get ready"
    assert text("sideLabel") == "Left side"
    assert window.player.stop_button.text() == "Stop"
    _switch(qapp, PSEUDO.code)
    assert text("stepProgress") == pseudo("Step {number} of {count}").format(number=1, count=3)
    assert text("phaseLabel") == pseudo("Get ready")
    assert text("sideLabel") == pseudo("Left side")
    assert text("routineProgressText").startswith("[")
    assert window.player.stop_button.text() == pseudo("Stop")
    assert window.player.stop_button.toolTip() == pseudo("Stop the session now (Esc)")
    assert window.windowTitle().startswith("[")
    _switch(qapp, SOURCE)
    assert text("stepProgress") == "Step 1 of 3"
    assert window.player.stop_button.text() == "Stop"
    window.player.stop_button.click()


def test_the_checklist_dialogs_have_no_unwrapped_chrome(
    qtbot: QtBot, pseudo_locale: QApplication
) -> None:
    checklist = load_checklist()
    content = {checklist.intro, checklist.advice, *checklist.rules,
               *(i.question for i in checklist.items), *(i.help for i in checklist.items)}

    def data(text: str) -> bool:
        """The checklist's content is translated as data, not through gettext."""
        lines = {line.lstrip("• ").strip() for line in text.split("\n") if line.strip()}
        return bool(lines) and lines <= content

    dialog = SafetyChecklistDialog(checklist, now=lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    assert untranslated(dialog, ignore=data) == []  # questions pending
    first = checklist.items[0].id
    dialog.row(first).yes.click()
    assert dialog.status_page == "checklistAdvice"
    assert untranslated(dialog, ignore=data) == []  # see a doctor
    dialog.row(first).no.click()
    for item in checklist.items:
        dialog.row(item.id).no.click()
    assert dialog.status_page == "checklistRules"
    assert untranslated(dialog, ignore=data) == []  # clear to start

    short = ShortCheckDialog(checklist, NOW - timedelta(hours=2), tz=BERLIN, now=lambda: NOW)
    qtbot.addWidget(short)
    short.set_title(lambda: pseudo("Before your break: {title}").format(title="x"))
    short.show()
    assert untranslated(short, ignore=data) == []
    assert short.question.startswith("[")


def test_the_checklist_follows_a_language_change(qtbot: QtBot, qapp: QApplication) -> None:
    checklist = load_checklist()
    dialog = SafetyChecklistDialog(checklist, now=lambda: NOW)
    qtbot.addWidget(dialog)
    heading = dialog.findChild(QLabel, "checklistHeading")
    assert heading is not None and heading.text() == "Is self-massage safe for you today?"
    assert dialog.windowTitle() == "Safety checklist"
    _switch(qapp, PSEUDO.code)
    assert heading.text() == pseudo("Is self-massage safe for you today?")
    assert dialog.windowTitle() == pseudo("Safety checklist")
    assert dialog.row(checklist.items[0].id).no.text() == pseudo("No")
    _switch(qapp, SOURCE)
    assert heading.text() == "Is self-massage safe for you today?"


def test_the_pain_and_summary_dialogs_have_no_unwrapped_text(
    qtbot: QtBot, pseudo_locale: QApplication
) -> None:
    for kind in ("before", "after"):
        pain = PainRatingDialog(kind)  # type: ignore[arg-type]
        qtbot.addWidget(pain)
        pain.show()
        assert untranslated(pain) == []
    for outcome in (Outcome.COMPLETED, Outcome.STOPPED):
        summary = SessionSummaryDialog(pseudo("Neck release"), 390, 2, 5, outcome,
                                       pain_before=4)
        qtbot.addWidget(summary)
        summary.show()
        assert untranslated(summary) == []
        time = summary.findChild(QLabel, "summaryTime")
        assert time is not None and time.text().count("[") == 3  # "{min} {s}" of two


def test_the_pain_and_summary_dialogs_follow_a_language_change(
    qtbot: QtBot, qapp: QApplication
) -> None:
    pain = PainRatingDialog("before")
    qtbot.addWidget(pain)
    summary = SessionSummaryDialog("Neck release", 45, 5, 5, Outcome.COMPLETED)
    qtbot.addWidget(summary)
    heading = summary.findChild(QLabel, "summaryHeading")
    before = summary.findChild(QLabel, "summaryPainBefore")
    assert heading is not None and before is not None
    assert heading.text() == "Well done — session complete"
    assert before.text() == "Not rated"
    assert pain.windowTitle() == "Pain rating"
    assert pain.skip_button().text() == "&Skip"
    _switch(qapp, PSEUDO.code)
    assert heading.text() == pseudo("Well done — session complete")
    assert before.text() == pseudo("Not rated")
    assert summary.note_edit.placeholderText() == pseudo(
        "e.g. left side tighter than the right")
    assert pain.windowTitle() == pseudo("Pain rating")
    assert pain.skip_button().text() == pseudo("&Skip")
    assert pain.scale.button(3).toolTip() == pseudo("Mild")
    _switch(qapp, SOURCE)
    assert heading.text() == "Well done — session complete"
    assert pain.skip_button().text() == "&Skip"


# -- the history window -------------------------------------------------------------


def _records(n: int) -> Iterator[SessionRecord]:
    for i in range(n):
        at = NOW - timedelta(hours=20 * (n - i))
        yield SessionRecord(
            id=0, routine_id=("neck", "back")[i % 2],
            routine_title=(pseudo("Neck release"), pseudo("Upper back"))[i % 2],
            routine_version="1", content_hash=None, planned_seconds=300.0, steps_total=6,
            checklist_version="1", checklist_confirmed_at=at, pain_before=8 - i * 7 // n,
            pain_after=1, started_at=at, ended_at=at + timedelta(minutes=5),
            outcome=(Outcome.COMPLETED, Outcome.STOPPED, Outcome.INTERRUPTED)[i % 3],
            active_seconds=100.0 + i, steps_completed=6 - i % 3, current_step=4,
        )


@pytest.fixture
def sessions() -> Iterator[HistoryStore]:
    store = HistoryStore.memory_only(now=lambda: NOW)
    store.add_sessions(_records(40))
    yield store
    store.close()


@pytest.fixture
def history_view(sessions: HistoryStore, qtbot: QtBot) -> Iterator[HistoryView]:
    """The view, gone before its store closes (a language change refreshes figures)."""
    view = HistoryView(sessions, tz=BERLIN, now=lambda: NOW)
    view.resize(1100, 760)
    view.show()
    qtbot.waitUntil(lambda: view.figures["week"].text() != "…", timeout=2000)
    yield view
    view.close()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _cells(view: HistoryView, column: int) -> list[str]:
    model = view.model
    return [str(model.index(row, column).data()) for row in range(model.rowCount())]


def test_the_history_window_has_no_unwrapped_text(
    pseudo_locale: QApplication, history_view: HistoryView
) -> None:
    view = history_view
    assert untranslated(view) == []
    # Cells and figures made of messages are in pseudo form; dates are QLocale's.
    assert all(text.startswith("[") for text in _cells(view, 3))
    assert all(text.startswith("[") for text in _cells(view, 4))
    for key in ("week", "month", "streak", "minutes", "adherence"):
        assert "[" in view.figures[key].text(), key
    chart = view.pain_chart.chart()
    assert view.pain_panel.title.text() == pseudo("Average pain before and after, last 12 weeks")
    assert view.pain_chart.accessibleName() == view.pain_panel.title.text()
    assert [s.name() for s in chart.series()] == [pseudo("Before"), pseudo("After")]
    assert [e.text for e in view.pain_panel.legend_entries()] == [pseudo("Before"),
                                                                  pseudo("After")]
    assert view.pain_chart.accessibleDescription().startswith("[")
    assert view.sessions_chart.accessibleDescription().startswith("[")
    # The confirmation and the failure message are messages too.
    asked: list[tuple[str, str]] = []
    view.confirm = lambda title, text: asked.append((title, text)) is not None
    view.table.selectRow(0)
    view.delete_selected()
    view.delete_all()
    assert asked and all(t.startswith("[") and x.startswith("[") for t, x in asked)
    view._on_export_failed(pseudo("Could not write {path}: {reason}"))
    box = view.findChild(QMessageBox, "historyExportFailedDialog")
    assert box is not None and box.windowTitle() == pseudo("Export failed")
    box.close()


def test_the_history_window_follows_a_language_change(
    sessions: HistoryStore, qtbot: QtBot, qapp: QApplication
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    holder = HistoryWindow(parent)
    holder.show(sessions)
    view = holder.view
    assert view is not None
    qtbot.waitUntil(lambda: view.figures["week"].text() != "…", timeout=2000)
    header = view.model.headerData(0, Qt.Orientation.Horizontal)
    assert header == COLUMNS[0]
    outcomes = _cells(view, 3)
    count = view.count_label.text()
    assert count == "40 sessions"
    assert view.window().windowTitle().startswith("History")
    _switch(qapp, PSEUDO.code)
    assert view.model.headerData(0, Qt.Orientation.Horizontal) == pseudo(COLUMNS[0])
    assert all(text.startswith("[") for text in _cells(view, 3))
    assert view.count_label.text() == pseudo("{count} sessions").format(count=40)
    assert view.export_button.text() == pseudo("&Export…")
    assert view.window().windowTitle().startswith("[")
    qtbot.waitUntil(lambda: view.pain_chart.chart().series()[0].name() == pseudo("Before"),
                    timeout=2000)
    assert view.figures["streak"].text().startswith("[")
    _switch(qapp, SOURCE)
    assert _cells(view, 3) == outcomes
    assert view.count_label.text() == count
    qtbot.waitUntil(lambda: view.pain_chart.chart().series()[0].name() == "Before",
                    timeout=2000)
    view.window().close()


def test_a_language_change_event_alone_is_enough(qtbot: QtBot, qapp: QApplication) -> None:
    """What apply_language does, by hand: the catalogue, then the event to the app."""
    from massage_timer.core.storage.catalogs import use_language

    dialog = PainRatingDialog("after")
    qtbot.addWidget(dialog)
    use_language(PSEUDO.code)
    QCoreApplication.sendEvent(qapp, QEvent(QEvent.Type.LanguageChange))
    qtbot.waitUntil(lambda: dialog.windowTitle() == pseudo("Pain rating"), timeout=2000)
    use_language(SOURCE)
    QCoreApplication.sendEvent(qapp, QEvent(QEvent.Type.LanguageChange))
    qtbot.waitUntil(lambda: dialog.windowTitle() == "Pain rating", timeout=2000)


@pytest.mark.parametrize("code", [language.code for language in shipped_languages()])
def test_the_reminders_note_ends_on_one_full_stop(qapp: QApplication, code: str) -> None:
    """QLocale's short day names end with a full stop in several languages ("Fr.",
    "ven.", "pt."): the sentence that ends on them takes no second one."""
    from massage_timer.ui.library.reminders_note import note_text

    _switch(qapp, code)
    try:
        for days in ((0, 1, 2, 3, 4), (0, 2, 4), (5,), tuple(range(7))):
            text = note_text(replace(Settings(), active_days=days))
            assert text.endswith(".") and not text.endswith(".."), (code, text)
    finally:
        _switch(qapp, SOURCE)


def test_date_and_time_fields_take_the_new_language_s_calendar_and_digits(
    qapp: QApplication, history_view: HistoryView, qtbot: QtBot
) -> None:
    """After a switch the History's date fields (and their calendar) kept the locale
    they were made with: "October 2026, Mon Tue…" in German, Latin digits in Arabic
    beside charts in Arabic digits. So did the reminders' hours in Settings."""
    from PySide6.QtCore import QLocale

    from massage_timer.ui.settings.settings_dialog import SettingsDialog

    settings = SettingsDialog(Settings())
    qtbot.addWidget(settings)
    fields = [history_view.since_edit, history_view.until_edit,
              settings.active_start, settings.active_end]
    try:
        _switch(qapp, "de")
        for field in fields:
            assert field.locale().language() == QLocale.Language.German, field.objectName()
        assert QLocale().language() == QLocale.Language.German
        calendar = history_view.since_edit.calendarWidget()
        assert calendar is not None and calendar.locale().language() == QLocale.Language.German
    finally:
        _switch(qapp, SOURCE)
    for field in fields:
        assert field.locale().language() == QLocale().language(), field.objectName()
