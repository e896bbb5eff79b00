"""The core Session without Qt: fake clocks, a real history file, a fake sound output.

The session must be recorded as it runs (a row at the start, an update at every
finished step, the outcome at the end), so that a session abandoned half-way reads as
interrupted at its true step; stop and pause must silence the sound exactly once.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import REPO, FakeClocks
from routine_factory import hold, make_routine

from massage_timer.core.model import cues
from massage_timer.core.model.cues import Cue, CueOptions
from massage_timer.core.model.engine import (
    Event,
    Jumped,
    Paused,
    SessionFinished,
    SessionStopped,
    State,
    StepDone,
    StepStarted,
)
from massage_timer.core.model.session import NO_PREAMBLE, Outcome, Preamble, Session, SessionStart
from massage_timer.core.model.speech_timing import LINE_DELAY
from massage_timer.core.storage.history.store import HistoryStore

MONDAY_9AM = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
THREE_STEPS = make_routine(
    hold("Tilt", seconds=6, prepare=2),
    hold("Squeeze", seconds=6, prepare=2, sides=["left", "right"]),
    hold("Press", seconds=6, prepare=2),
)


@dataclass
class FakeOutput:
    """Records every call, in order, into a journal it may share with others."""

    journal: list[str] = field(default_factory=list)

    def prepare(self, lines: Sequence[str]) -> None:
        self.journal.append(f"prepare:{len(lines)}")

    def play(self, cue: Cue) -> None:
        self.journal.append(f"{cue.kind.value}:{cue.text}")

    def silence(self) -> None:
        self.journal.append("silence")

    @property
    def silences(self) -> int:
        return self.journal.count("silence")


class SpyLog:
    """A SessionLog that notes each call in a journal, then writes to the real store."""

    def __init__(self, store: HistoryStore, journal: list[str]) -> None:
        self.store, self.journal = store, journal

    def start_session(self, start: SessionStart) -> int:
        self.journal.append("log:start")
        return self.store.start_session(start)

    def step_completed(
        self, session_id: int, steps_completed: int, current_step: int, active_seconds: float
    ) -> None:
        self.journal.append(f"log:step {steps_completed}")
        self.store.step_completed(session_id, steps_completed, current_step, active_seconds)

    def finish_session(  # noqa: PLR0917
        self, session_id: int, outcome: Outcome, ended_at: datetime, active_seconds: float,
        steps_completed: int, pain_after: int | None = None, note: str | None = None,
    ) -> None:
        self.journal.append(f"log:finish {outcome}")
        self.store.finish_session(session_id, outcome, ended_at, active_seconds,
                                  steps_completed, pain_after, note)

    def set_pain_after(self, session_id: int, pain_after: int | None, note: str | None) -> None:
        self.journal.append("log:pain")
        self.store.set_pain_after(session_id, pain_after, note)


@pytest.fixture
def clocks() -> FakeClocks:
    return FakeClocks(MONDAY_9AM)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "history.sqlite3"


@pytest.fixture
def store(db: Path, clocks: FakeClocks) -> Iterator[HistoryStore]:
    store, notices = HistoryStore.open(db, now=clocks.wall)
    assert notices == []
    yield store
    store.close()


def make_session(store: HistoryStore | SpyLog, output: FakeOutput, clocks: FakeClocks,
                 options: CueOptions | None = None) -> Session:
    return Session(THREE_STEPS, store, output, options=options or CueOptions(),
                   clock=clocks.monotonic, wall_clock=clocks.wall, content_hash="c0ffee")


def run_until(session: Session, clocks: FakeClocks, done: Callable[[Event], bool]) -> None:
    """Jump the clocks from deadline to deadline until an event satisfies ``done``."""
    seen: list[Event] = []
    session.subscribe(seen.append)
    while not any(done(e) for e in seen):
        deadline = session.next_deadline()
        assert deadline is not None, "the session ended before the awaited event"
        clocks.advance(max(deadline - clocks.monotonic(), 0.0))
        session.update()


def steps_done(n: int) -> Callable[[Event], bool]:
    return lambda e: isinstance(e, StepDone) and e.steps_completed == n


def on_disk(db: Path, session_id: int) -> sqlite3.Row:
    """The row as another process sees it: committed, not just in the store's cache."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
    finally:
        conn.close()
    assert row is not None
    return row


def test_a_row_at_start_an_update_per_step_and_the_outcome_at_the_end(
    db: Path, store: HistoryStore, clocks: FakeClocks
) -> None:
    session = make_session(store, FakeOutput(), clocks)
    assert session.outcome is None and session.session_id is None
    confirmed = MONDAY_9AM - timedelta(seconds=30)
    session.start(Preamble(pain_before=4, checklist_version="3",
                           checklist_confirmed_at=confirmed))
    sid = session.session_id
    assert sid is not None and session.outcome is Outcome.RUNNING
    row = on_disk(db, sid)
    assert (row["outcome"], row["steps_completed"], row["steps_total"]) == ("running", 0, 3)
    assert (row["pain_before"], row["checklist_version"], row["content_hash"]) == (
        4, "3", "c0ffee")
    assert row["started_at"] == int(MONDAY_9AM.timestamp())
    assert row["checklist_confirmed_at"] == int(confirmed.timestamp())
    for n in (1, 2):
        run_until(session, clocks, steps_done(n))
        row = on_disk(db, sid)
        assert (row["outcome"], row["steps_completed"], row["current_step"]) == ("running", n, n)
        assert row["active_seconds"] == pytest.approx(clocks.mono - 1000.0)
        assert row["updated_at"] == int(clocks.wall().timestamp())
    run_until(session, clocks, lambda e: isinstance(e, SessionFinished))
    assert session.outcome is Outcome.COMPLETED
    record = store.get(sid)
    assert record is not None and record.outcome is Outcome.COMPLETED
    assert (record.steps_completed, record.ended_at) == (3, clocks.wall())
    assert record.active_seconds == pytest.approx(THREE_STEPS.total_seconds())
    assert on_disk(db, sid)["outcome"] == "completed"
    session.set_pain_after(2, "better")
    record = store.get(sid)
    assert record is not None and (record.pain_after, record.note) == (2, "better")


def test_an_abandoned_session_reads_as_interrupted_at_its_true_step(
    db: Path, clocks: FakeClocks
) -> None:
    store, _ = HistoryStore.open(db, now=clocks.wall)
    session = make_session(store, FakeOutput(), clocks)
    session.start()
    sid = session.session_id
    assert sid is not None
    run_until(session, clocks, steps_done(2))
    last_write = clocks.wall()
    clocks.advance(3.0)  # well into step 3, which is never finished
    session.update()
    segment = session.status().segment
    assert segment is not None and segment.step_index == 2
    # The app dies here: no finish, no close. The next start opens the same file.
    again, notices = HistoryStore.open(db, now=clocks.wall)
    try:
        record = again.get(sid)
    finally:
        again.close()
    assert notices == [
        "The last session did not finish (the app closed unexpectedly). It is kept in "
        "your history as interrupted at step 3 of 3."
    ]
    assert record is not None and record.outcome is Outcome.INTERRUPTED
    assert (record.steps_completed, record.current_step) == (2, 2)
    assert record.ended_at == last_write.replace(microsecond=0)
    store.close()


def test_stop_silences_once_then_records_then_tells_the_display(
    store: HistoryStore, clocks: FakeClocks
) -> None:
    journal: list[str] = []
    output = FakeOutput(journal)
    session = make_session(SpyLog(store, journal), output, clocks)
    session.subscribe(lambda e: journal.append(f"show:{type(e).__name__}"))
    session.start()
    run_until(session, clocks, steps_done(1))
    journal.clear()
    events = session.stop()
    assert [type(e) for e in events] == [SessionStopped]
    assert journal == ["silence", "log:finish stopped", "show:SessionStopped"]
    assert session.outcome is Outcome.STOPPED and session.state is State.STOPPED
    record = store.get(session.session_id or 0)
    assert record is not None and record.outcome is Outcome.STOPPED
    assert record.steps_completed == 1
    # Stop after the end only silences (a closing line may be playing): no new record.
    journal.clear()
    assert session.stop() == []
    assert journal == ["silence"]


def test_pause_silences_once_and_nothing_sounds_until_resumed(
    store: HistoryStore, clocks: FakeClocks
) -> None:
    output = FakeOutput()
    session = make_session(store, output, clocks)
    session.start()
    clocks.advance(3.0)
    session.update()
    before = list(output.journal)
    assert output.silences == 0
    events = session.toggle_pause()
    assert [type(e) for e in events][-1] is Paused
    paused = [*before, "silence", f"speech:{cues.PAUSED}"]
    assert output.journal == paused  # silenced, then "Paused." said once
    clocks.advance(120.0)
    assert session.update() == [] and session.next_deadline() is None
    assert output.journal == paused  # nothing more, and silenced only once
    session.toggle_pause()
    assert session.state is State.RUNNING
    run_until(session, clocks, lambda e: isinstance(e, SessionFinished))
    assert output.silences == 1
    record = store.get(session.session_id or 0)
    assert record is not None and record.outcome is Outcome.COMPLETED
    assert record.active_seconds == pytest.approx(THREE_STEPS.total_seconds())


def test_skip_and_back_move_the_session_and_only_finished_steps_are_recorded(
    store: HistoryStore, clocks: FakeClocks
) -> None:
    output = FakeOutput()
    session = make_session(store, output, clocks)
    session.start()
    sid = session.session_id or 0
    heard = len(output.journal)
    jumps = [e for e in session.skip() if isinstance(e, Jumped)]
    assert [(j.command, j.part_number) for j in jumps] == [("skip", 1)]
    clocks.advance(LINE_DELAY)
    session.update()
    # The old part's line is cut, then the new part is heard from its start.
    assert output.journal[heard:heard + 2] == [
        "silence", "speech:Do Squeeze. Work on your left side."]
    record = store.get(sid)
    assert record is not None and record.steps_completed == 0  # skipped, not done
    clocks.advance(1.0)
    heard = len(output.journal)
    jumps = [e for e in session.back() if isinstance(e, Jumped)]
    assert [(j.command, j.part_number) for j in jumps] == [("back", 0)]
    clocks.advance(LINE_DELAY)
    session.update()
    assert output.journal[heard:heard + 2] == ["silence", "speech:Do Tilt."]
    assert output.journal.count("silence") == 2  # once for each jump
    run_until(session, clocks, steps_done(1))
    record = store.get(sid)
    assert record is not None and (record.steps_completed, record.current_step) == (1, 1)
    for _ in range(3):  # the two sides of step 2, then step 3: past the end
        session.skip()
    assert session.outcome is Outcome.COMPLETED
    record = store.get(sid)
    assert record is not None and record.outcome is Outcome.COMPLETED
    assert record.steps_completed == 1


def test_cues_reach_the_output_in_order(store: HistoryStore, clocks: FakeClocks) -> None:
    output = FakeOutput()
    routine = make_routine(hold("Tilt", seconds=6, prepare=2))
    session = Session(routine, store, output, options=CueOptions(), clock=clocks.monotonic,
                      wall_clock=clocks.wall)
    session.prepare()
    assert output.journal == [f"prepare:{len(session.lines())}"]
    assert session.lines() == cues.lines_for_routine(routine, CueOptions())
    session.start(NO_PREAMBLE)
    run_until(session, clocks, lambda e: isinstance(e, SessionFinished))
    assert output.journal[1:] == [
        "speech:Do Tilt.", "tone:work-start", "speech:3", "speech:2", "speech:1",
        f"speech:{cues.CLOSING}",  # no end tone under the closing line
    ]


def test_the_options_decide_what_is_heard(store: HistoryStore, clocks: FakeClocks) -> None:
    output = FakeOutput()
    options = CueOptions(voice_enabled=False, tones_enabled=True)
    session = make_session(store, output, clocks, options)
    session.prepare()
    assert output.journal == ["prepare:0"]
    session.start()
    run_until(session, clocks, lambda e: isinstance(e, SessionFinished))
    assert output.journal[1:] == ["tone:work-start", "tone:work-end"] * 4


def test_stored_outcomes_are_the_ones_the_schema_accepts(store: HistoryStore) -> None:
    sid = store.start_session(SessionStart(
        routine_id="r", routine_title="R", routine_version=None, content_hash=None,
        planned_seconds=60, steps_total=1, checklist_version=None,
        checklist_confirmed_at=None, pain_before=None, started_at=MONDAY_9AM,
    ))
    conn = store._conn
    for outcome in Outcome:
        if outcome.stored:
            conn.execute("UPDATE sessions SET outcome = ? WHERE id = ?", (outcome, sid))
            record = store.get(sid)
            assert record is not None and record.outcome is outcome
        else:
            with pytest.raises(sqlite3.IntegrityError):
                conn.execute("UPDATE sessions SET outcome = ? WHERE id = ?", (outcome, sid))
    for outcome in Outcome:
        if outcome in (Outcome.COMPLETED, Outcome.STOPPED):
            continue
        with pytest.raises(ValueError, match="outcome"):
            store.finish_session(sid, outcome, MONDAY_9AM, 1.0, 1)
    assert {o for o in Outcome if o.played} == {Outcome.COMPLETED, Outcome.STOPPED}


def test_no_outcome_is_spelled_as_a_string_in_the_app() -> None:
    """One vocabulary: outcomes are compared as ``Outcome`` members, never as text."""
    allowed = {
        "core/model/session.py",  # where the values are defined
        "core/model/engine.py",  # the engine's own State (running, stopped...)
        "core/model/safety.py",  # the checklist's Verdict (blocked)
        "core/storage/history/schema.py",  # the SQL CHECK of past migrations
    }
    literal = re.compile(r"""["'](running|completed|stopped|interrupted|blocked|cancelled)["']""")
    found = [
        f"{path.relative_to(REPO / 'massage_timer')}: {match.group(0)}"
        for path in sorted((REPO / "massage_timer").rglob("*.py"))
        if str(path.relative_to(REPO / "massage_timer")) not in allowed
        for match in literal.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


class BrokenOutput(FakeOutput):
    """A sound output whose every cue raises, as a deleted Qt object would."""

    def play(self, cue: Cue) -> None:
        super().play(cue)
        raise RuntimeError("Internal C++ object already deleted.")


def test_a_failing_sound_output_costs_its_cues_not_the_session_or_its_record(
    store: HistoryStore, db: Path, clocks: FakeClocks, caplog: pytest.LogCaptureFixture,
) -> None:
    output = BrokenOutput()
    session = make_session(store, output, clocks)
    seen: list[Event] = []
    session.subscribe(seen.append)
    with caplog.at_level(logging.ERROR, logger="massage_timer.core.model.session"):
        session.start()
        run_until(session, clocks, lambda e: isinstance(e, SessionFinished))
    assert session.outcome is Outcome.COMPLETED
    assert sum(isinstance(e, StepDone) for e in seen) == len(THREE_STEPS.steps)
    assert any(line.startswith("speech:") for line in output.journal)
    assert session.session_id is not None
    row = on_disk(db, session.session_id)
    assert row["outcome"] == "completed"
    assert row["steps_completed"] == len(THREE_STEPS.steps)
    assert "the sound output failed" in caplog.text


def test_after_skip_or_back_a_crash_keeps_the_step_reached_and_the_time_so_far(
    db: Path, store: HistoryStore, clocks: FakeClocks
) -> None:
    """Only a finished step wrote the row: after Skip a crash told of the skipped step
    with 0 s, and after Back and a redone step it told of a step the person had left
    and lost the time since."""
    session = make_session(store, FakeOutput(), clocks)
    session.start()
    sid = session.session_id
    assert sid is not None
    clocks.advance(5)
    session.update()
    session.skip()  # Tilt, 5 s in
    row = on_disk(db, sid)
    assert (row["current_step"], row["steps_completed"]) == (1, 0)
    assert row["active_seconds"] == pytest.approx(5)
    run_until(session, clocks, lambda e: isinstance(e, StepStarted) and e.part_index == 1)
    row = on_disk(db, sid)  # the right side of Squeeze started: written as it began
    assert row["current_step"] == 1
    assert row["active_seconds"] == pytest.approx(clocks.mono - 1000.0)

    run_until(session, clocks, steps_done(1))  # Squeeze done; Press under way
    for _ in range(3):  # Press -> Squeeze right -> Squeeze left -> Tilt
        clocks.advance(0.5)
        session.back()
    assert on_disk(db, sid)["current_step"] == 0
    run_until(session, clocks, lambda e: isinstance(e, StepStarted) and e.step_index == 1)
    row = on_disk(db, sid)  # Tilt done again, Squeeze begun: what a crash now keeps
    assert (row["current_step"], row["steps_completed"]) == (1, 2)
    assert row["active_seconds"] == pytest.approx(clocks.mono - 1000.0)
