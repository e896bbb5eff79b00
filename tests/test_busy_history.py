"""The 'deferred' reminder kind and its reason: logged, migrated, and still checked."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from massage_timer.core.storage.history.schema import migrate
from massage_timer.core.storage.history.store import HistoryStore


def test_a_version_2_file_keeps_its_reminders_and_takes_deferred_with_a_reason(
    tmp_path: Path,
) -> None:
    db = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, 2)
    conn.executemany("INSERT INTO reminders (id, kind, at) VALUES (?, ?, ?)",
                     [(5, "shown", 100), (9, "skipped", 160)])
    conn.close()
    store, _notices = HistoryStore.open(db)
    try:
        store.log_reminder("deferred", datetime(2026, 3, 2, 10, tzinfo=UTC), "microphone in use")
        store.log_reminder("shown", datetime(2026, 3, 2, 10, 5, tzinfo=UTC))
        store.flush()
        assert store.query("SELECT id, kind, at, reason FROM reminders ORDER BY id")[:2] == [
            (5, "shown", 100, None), (9, "skipped", 160, None)]
        assert [r[1:] for r in store.query(
            "SELECT id, kind, reason FROM reminders WHERE id > 9 ORDER BY id")] == [
            ("deferred", "microphone in use"), ("shown", None)]
        assert store.query("SELECT name FROM sqlite_master WHERE type = 'index' "
                           "AND tbl_name = 'reminders'") == [("reminders_at",)]
        with pytest.raises(ValueError, match="unknown reminder event"):
            store.log_reminder("postponed", datetime(2026, 3, 2, tzinfo=UTC))  # type: ignore[arg-type]
    finally:
        store.close()
    raw = sqlite3.connect(db)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            raw.execute("INSERT INTO reminders (kind, at) VALUES ('postponed', 1)")
    finally:
        raw.close()
