"""Hostile text in every string a routine file can carry is shown verbatim, as text.

A routine is a file from a stranger: its title, summary, step titles, instructions, cues
and cautions may hold markup (``<img src=...>`` makes a rich-text label open a path),
control characters, bidi overrides or nothing but spaces. Every widget that shows them
must show exactly that text, as plain text; one-line places (window titles, table
cells) show it on one line with the unsafe characters escaped. Where a run of letters
is longer than a label could be wide, the label holds it with unseen break points
(:func:`~massage_timer.core.model.text.breakable`), and nothing else changed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot
from routine_factory import hold, make_routine

from massage_timer.core.model import engine as eng
from massage_timer.core.model.routine import Routine
from massage_timer.core.model.session import Outcome
from massage_timer.core.model.text import breakable, isolated, single_line
from massage_timer.core.model.validation import ValidationError
from massage_timer.core.storage.history.store import HistoryStore, SessionStart
from massage_timer.ui.history.history_view import HistoryView
from massage_timer.ui.session.player_view import PlayerView
from massage_timer.ui.session.summary_dialog import SessionSummaryDialog

FRAGMENTS = [
    "<img src='/dev/zero'>", "<b>bold</b>", "&amp;", "&lt;", "<a href='file:///etc/passwd'>x</a>",
    "<script>alert(1)</script>", "<!--", "\u202e", "\u2066", "\x1b[31m", "\x1b]0;t\x07",
    "\x00", "\u0085", "中文", "עברית", "🙂", "\t", "\n", "%s", "{side}", "'", '"', "\\",
]
hostile = st.lists(st.sampled_from(FRAGMENTS) | st.text(min_size=1, max_size=6),
                   min_size=1, max_size=6).map("".join)


def short(limit: int) -> st.SearchStrategy[str]:
    return hostile.map(lambda s: s.strip()[:limit].strip()).filter(bool)


def _routine(*, title: str, step_title: str, cue: str, instruction: str, summary: str,
             caution: str) -> Routine:
    try:
        return make_routine(
            hold(step_title, seconds=5, prepare=2, instruction=instruction, cue=cue,
                 sides=["left", "right"]),
            title=title, summary=summary, cautions=[caution],
        )
    except (ValidationError, ValueError):
        assume(False)
        raise


def _labels_are_plain(widget: QWidget) -> None:
    for label in widget.findChildren(QLabel):
        assert label.textFormat() is Qt.TextFormat.PlainText, label.objectName()


TEXTS = st.tuples(short(80), short(80), short(80), short(400), short(1200), short(400))
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.filter_too_much])


@SETTINGS
@given(texts=TEXTS)
def test_the_player_shows_routine_text_verbatim(qtbot: QtBot, texts: tuple[str, ...]) -> None:
    title, step_title, cue, instruction, summary, caution = texts
    routine = _routine(title=title, step_title=step_title, cue=cue, instruction=instruction,
                       summary=summary, caution=caution)
    clock = [0.0]
    engine = eng.SessionEngine(routine, lambda: clock[0])
    engine.start()
    view = PlayerView(routine.title, len(engine.steps))
    qtbot.addWidget(view)
    view.show_status(engine.status())
    text = {label.objectName(): label.text() for label in view.findChildren(QLabel)}
    assert text["routineTitle"] == routine.title
    assert text["stepTitle"] == breakable(routine.steps[0].title)
    assert breakable(routine.steps[0].spoken_instruction("left")) in text.values()
    clock[0] += routine.steps[0].prepare_seconds + 0.5
    engine.update()
    view.show_status(engine.status())
    cues = [label.text() for label in view.findChildren(QLabel)]
    assert any(t.startswith(breakable(routine.steps[0].cue)) for t in cues)
    _labels_are_plain(view)


@SETTINGS
@given(title=short(80), note=short(400))
def test_the_summary_and_the_history_show_a_hostile_title_verbatim(
    qtbot: QtBot, title: str, note: str
) -> None:
    summary = SessionSummaryDialog(title, 60.0, 1, 1, Outcome.COMPLETED)
    qtbot.addWidget(summary)
    assert title in [label.text() for label in summary.findChildren(QLabel)]
    _labels_are_plain(summary)

    store = HistoryStore.memory_only()
    at = datetime(2026, 11, 2, 9, tzinfo=UTC)
    sid = store.start_session(SessionStart(
        routine_id="r", routine_title=title, routine_version="1", content_hash=None,
        planned_seconds=60.0, steps_total=1, checklist_version="1",
        checklist_confirmed_at=at, pain_before=None, started_at=at,
    ))
    store.finish_session(sid, Outcome.COMPLETED, at, 60.0, 1, note=note)
    view = HistoryView(store)
    qtbot.addWidget(view)
    cells = [view.model.index(0, c).data() for c in range(view.model.columnCount())]
    assert isolated(title) in cells  # its own direction, whatever the window's
    assert all("\n" not in str(c) and "\x1b" not in str(c) for c in cells)
    _labels_are_plain(view)


@given(text=hostile)
def test_break_points_are_all_that_breakable_adds(text: str) -> None:
    shown = breakable(text)
    assert shown.replace("\u200b", "") == text.replace("\u200b", "")
    assert breakable(shown) == shown


@pytest.mark.parametrize("title", ["<img src='/dev/zero'>", "a\u202eb", "x\x1b[2Jy"])
def test_one_line_places_escape_what_could_act(title: str) -> None:
    shown = single_line(title)
    assert "\u202e" not in shown and "\x1b" not in shown
    assert ("<img" in shown) == ("<img" in title)  # markup stays visible text
