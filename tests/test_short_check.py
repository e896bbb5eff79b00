"""The short check: when it may replace the full checklist, and how the history keeps it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from massage_timer.core.model.session import SessionStart
from massage_timer.core.model.short_check import (
    ChecklistAnswer,
    ChecklistKind,
    short_check_since,
)
from massage_timer.core.storage.history.schema import SCHEMA_VERSION, migrate
from massage_timer.core.storage.history.store import HistoryStore

BERLIN = ZoneInfo("Europe/Berlin")
MORNING = datetime(2026, 3, 2, 10, 12, tzinfo=BERLIN)


def full(at: datetime = MORNING, version: str = "1", red_flag: bool = False) -> ChecklistAnswer:
    return ChecklistAnswer(at, version, ChecklistKind.FULL, red_flag)


def since(last: ChecklistAnswer | None, now: datetime, version: str = "1") -> datetime | None:
    return short_check_since(last, version=version, now=now, tz=BERLIN)


# -- the rule -----------------------------------------------------------------------


def test_same_day_all_no_offers_the_short_check() -> None:
    assert since(full(), MORNING + timedelta(hours=5)) == MORNING


def test_no_full_checklist_yet_asks_the_full_list() -> None:
    assert since(None, MORNING) is None


def test_a_new_checklist_version_asks_the_full_list() -> None:
    assert since(full(version="1"), MORNING + timedelta(hours=1), version="2") is None


def test_a_yes_in_the_last_full_checklist_asks_the_full_list() -> None:
    assert since(full(red_flag=True), MORNING + timedelta(hours=1)) is None


def test_a_short_confirmation_is_not_a_full_checklist() -> None:
    short = ChecklistAnswer(MORNING, "1", ChecklistKind.SHORT)
    assert since(short, MORNING + timedelta(hours=1)) is None


def test_midnight_in_local_time_asks_the_full_list_again() -> None:
    evening = datetime(2026, 3, 2, 23, 59, tzinfo=BERLIN)
    assert since(full(evening), evening + timedelta(seconds=59)) == evening
    assert since(full(evening), evening + timedelta(minutes=1)) is None
    # The same UTC day, but 23:30 UTC is already the next day in Berlin (UTC+1).
    at_utc = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    assert since(full(at_utc), datetime(2026, 3, 2, 22, 30, tzinfo=UTC)) == at_utc
    assert since(full(at_utc), datetime(2026, 3, 2, 23, 30, tzinfo=UTC)) is None


def test_a_checklist_from_the_future_is_not_trusted() -> None:
    assert since(full(MORNING + timedelta(minutes=5)), MORNING) is None


# -- the history ----------------------------------------------------------------------


def session_start(at: datetime, kind: ChecklistKind | None) -> SessionStart:
    return SessionStart(
        routine_id="desk-micro-break", routine_title="Desk micro-break",
        routine_version="1", content_hash=None, planned_seconds=180.0, steps_total=3,
        checklist_version="1", checklist_confirmed_at=at, pain_before=None,
        started_at=at, checklist_kind=kind,
    )


def test_store_keeps_answers_and_finds_the_last_full_one(tmp_path: Path) -> None:
    store, _ = HistoryStore.open(tmp_path / "history.sqlite3")
    assert store.last_full_checklist() is None
    first = MORNING.astimezone(UTC)
    store.log_checklist(full(first))
    store.log_checklist(ChecklistAnswer(first + timedelta(hours=1), "1", ChecklistKind.SHORT))
    assert store.last_full_checklist() == full(first)
    flagged = full(first + timedelta(hours=2), red_flag=True)
    store.log_checklist(flagged)
    store.close()
    again, _ = HistoryStore.open(tmp_path / "history.sqlite3")  # it survives a restart
    assert again.last_full_checklist() == flagged
    assert since(again.last_full_checklist(), MORNING + timedelta(hours=3)) is None
    again.delete_all()
    assert again.last_full_checklist() is None
    again.close()


def test_a_red_flag_outranks_a_clear_answer_in_the_same_second(tmp_path: Path) -> None:
    store, _ = HistoryStore.open(tmp_path / "history.sqlite3")
    at = MORNING.astimezone(UTC)
    store.log_checklist(full(at, red_flag=True))
    store.log_checklist(full(at))
    last = store.last_full_checklist()
    assert last is not None and last.red_flag
    store.close()


def test_sessions_record_the_kind_of_confirmation(tmp_path: Path) -> None:
    store = HistoryStore.memory_only()
    at = MORNING.astimezone(UTC)
    short_id = store.start_session(session_start(at, ChecklistKind.SHORT))
    record = store.get(short_id)
    assert record is not None and record.checklist_kind is ChecklistKind.SHORT
    assert store.last_full_checklist() is None  # a short confirmation is not a full one
    full_id = store.start_session(session_start(at - timedelta(hours=1), ChecklistKind.FULL))
    record = store.get(full_id)
    assert record is not None and record.checklist_kind is ChecklistKind.FULL
    assert store.last_full_checklist() == full(at - timedelta(hours=1))
    store.close()


def test_migration_adds_the_kind_column_and_keeps_old_sessions_as_full(
    tmp_path: Path,
) -> None:
    db = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, SCHEMA_VERSION - 1)
    at = int(MORNING.timestamp())
    conn.execute(
        "INSERT INTO sessions (routine_id, routine_title, planned_seconds, steps_total, "
        "checklist_version, checklist_confirmed_at, started_at, updated_at, outcome) "
        "VALUES ('neck', 'Neck', 480, 8, '1', ?, ?, ?, 'completed')", (at, at, at),
    )
    conn.close()
    store, _ = HistoryStore.open(db)
    assert store.query("PRAGMA user_version") == [(SCHEMA_VERSION,)]
    columns = {r[1]: r for r in store.query("PRAGMA table_info(sessions)")}
    assert columns["checklist_kind"][3] == 0  # nullable
    old = store.get(1)
    assert old is not None and old.checklist_kind is None
    # The session from before the update counts as a full checklist, that same day.
    assert store.last_full_checklist() == full(MORNING.astimezone(UTC))
    assert since(store.last_full_checklist(), MORNING + timedelta(hours=1)) == MORNING
    with pytest.raises(sqlite3.IntegrityError):
        store.query("UPDATE sessions SET checklist_kind = 'maybe' WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError):
        store.query("INSERT INTO checklists (at, version, kind) VALUES (1, '1', 'none')")
    store.close()
