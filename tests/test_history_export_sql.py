"""The export's SQL-built lines: local times across DST in any zone, same text as before."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import export_reading
import pytest

from massage_timer.core.model.session import Outcome
from massage_timer.core.storage.history import export
from massage_timer.core.storage.history.store import HistoryStore, SessionRecord

ZONES = ("Europe/Berlin", "America/St_Johns", "Asia/Kolkata", "Australia/Lord_Howe",
         "Pacific/Chatham", "America/Sao_Paulo", "UTC")
FIRST = datetime(2024, 12, 30, 23, 59, 59, tzinfo=UTC)


def record(i: int, started: datetime, title: str = "Neck", note: str | None = None,
           ended: datetime | None = None) -> SessionRecord:
    return SessionRecord(
        id=0, routine_id=f"r{i % 3}", routine_title=title, routine_version=None,
        content_hash="f00d" if i % 2 else None, planned_seconds=300.0 + i / 8,
        steps_total=6, checklist_version="1" if i % 3 else None,
        checklist_confirmed_at=None if i % 5 == 0 else started - timedelta(seconds=20),
        pain_before=None if i % 4 == 0 else i % 11, pain_after=None, started_at=started,
        ended_at=ended, outcome=Outcome.STOPPED, active_seconds=i * 1.0007,
        steps_completed=1, current_step=1, note=note,
    )


@pytest.fixture(scope="module")
def store() -> HistoryStore:
    s = HistoryStore.memory_only()
    # every 3 days and 1 hour 7 seconds over two years: every DST change of every zone
    s.add_sessions(
        record(i, FIRST + timedelta(seconds=i * (3 * 86400 + 3607)),
               ended=None if i % 7 == 0 else FIRST + timedelta(seconds=i * (3 * 86400 + 3607) + 61))
        for i in range(245)
    )
    return s


@pytest.mark.parametrize("zone", ZONES)
def test_sql_local_times_match_zoneinfo(store: HistoryStore, zone: str) -> None:
    tz = ZoneInfo(zone)
    buffer = io.StringIO()
    assert export.write(store, None, buffer, "json", tz) == 245
    for item, rec in zip(json.loads(buffer.getvalue()), store.iter_sessions(), strict=True):
        for column in ("started_at", "ended_at", "checklist_confirmed_at"):
            moment = getattr(rec, column)
            expected = None if moment is None else moment.astimezone(tz).isoformat()
            assert item[column] == expected, (zone, column)


@pytest.mark.parametrize("zone", ZONES)
def test_csv_times_match_local_iso(store: HistoryStore, zone: str) -> None:
    tz = ZoneInfo(zone)
    buffer = io.StringIO()
    export.write(store, None, buffer, "csv", tz)
    lo = int(FIRST.timestamp()) - 3 * 86400
    iso = export_reading.LocalIso(tz, lo, lo + 800 * 86400)
    rows = list(export_reading.read_csv(buffer.getvalue()))
    for row, rec in zip(rows, store.iter_sessions(), strict=True):
        assert row["started_at"].isoformat() == iso(int(rec.started_at.timestamp()))


def test_awkward_texts_stay_one_quoted_field() -> None:
    s = HistoryStore.memory_only()
    texts = ['a "quoted" title', "", '"', '""', "comma, and\r\nnewline", "é ✓ 中文 🙂",
             "=SUM(A1)", "tab\there", "nul\x00after"]
    s.add_sessions(record(i, FIRST + timedelta(hours=i), title=t or "x", note=t)
                   for i, t in enumerate(texts))
    buffer = io.StringIO()
    assert export.write(s, None, buffer, "csv", UTC) == len(texts)
    rows = list(export_reading.read_csv(buffer.getvalue()))
    assert [r["note"] for r in rows[:-1]] == [
        export_reading.as_csv_cell(t or None) for t in texts[:-1]
    ]
    # printf reads C strings: a NUL ends the text, and the quote is still closed
    assert rows[-1]["note"] == "nul"
    assert all(len(r) == len(export.COLUMNS) for r in rows)
    data = json.loads(_json(s))
    assert [d["note"] for d in data] == texts  # JSON keeps the NUL (\\u0000)


def _json(s: HistoryStore) -> str:
    buffer = io.StringIO()
    export.write(s, None, buffer, "json", UTC)
    return buffer.getvalue()
