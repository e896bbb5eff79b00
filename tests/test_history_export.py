"""CSV and JSON export: round trips, spreadsheet-friendly CSV, and the CLI."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import export_reading
import pytest

from massage_timer.cli import main
from massage_timer.core.model.session import Outcome
from massage_timer.core.storage.history import export
from massage_timer.core.storage.history.store import (
    HistoryStore,
    SessionFilter,
    SessionRecord,
    SessionStart,
)
from massage_timer.core.storage.paths import AppPaths

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
T0 = datetime(2026, 3, 27, 21, 0, tzinfo=UTC)  # spans the 29 March DST change


def fill(store: HistoryStore) -> None:
    titles = ['Neck "gentle" release', "Épaules, dos", "Line\nbreak", "=SUM(A1)", "Plain"]
    for i in range(12):
        at = T0 + timedelta(hours=7 * i)
        sid = store.start_session(SessionStart(
            routine_id=f"r{i % 5}", routine_title=titles[i % 5], routine_version="3",
            content_hash=None if i % 2 else "f00d", planned_seconds=300.0 + i,
            steps_total=6, checklist_version="1",
            checklist_confirmed_at=at - timedelta(seconds=40),
            pain_before=None if i % 4 == 0 else i % 10, started_at=at,
        ))
        store.step_completed(sid, 2, 2, 100.25)
        if i % 3 == 0:
            continue  # still running / later interrupted
        store.finish_session(sid, Outcome.COMPLETED if i % 3 == 1 else Outcome.STOPPED,
                             at + timedelta(minutes=5, seconds=i), 290.125 + i, 6 - i % 2,
                             pain_after=i % 4, note="tight, then ✓ better" if i == 4 else None)


def expected(store: HistoryStore, flt: SessionFilter | None = None, *,
             csv: bool = False) -> list[dict[str, Any]]:
    out = []
    for r in store.iter_sessions(flt):
        item = {c: getattr(r, c) for c in export.COLUMNS}
        if csv:
            for column in ("routine_id", "routine_title", "note", "routine_version"):
                item[column] = export_reading.as_csv_cell(item[column])
        item["planned_seconds"] = round(r.planned_seconds, 3)
        item["active_seconds"] = round(r.active_seconds, 3)
        out.append(item)
    return out


@pytest.fixture
def store() -> HistoryStore:
    s = HistoryStore.memory_only()
    fill(s)
    return s


@pytest.mark.parametrize("tz", [BERLIN, NEW_YORK, UTC])
def test_csv_round_trip(store: HistoryStore, tz: ZoneInfo) -> None:
    buffer = io.StringIO()
    assert export.write(store, None, buffer, "csv", tz) == 12
    text = buffer.getvalue()
    assert text.startswith(",".join(export.COLUMNS) + "\r\n")
    assert list(export_reading.read_csv(text)) == expected(store, csv=True)


@pytest.mark.parametrize("tz", [BERLIN, NEW_YORK])
def test_json_round_trip(store: HistoryStore, tz: ZoneInfo) -> None:
    buffer = io.StringIO()
    assert export.write(store, None, buffer, "json", tz) == 12
    data = json.loads(buffer.getvalue())
    assert isinstance(data, list) and len(data) == 12
    assert list(data[0]) == list(export.COLUMNS)
    assert list(export_reading.read_json(buffer.getvalue())) == expected(store)
    assert {d["outcome"] for d in data} == {"running", "completed", "stopped"}


def test_times_are_local_iso_with_offset(store: HistoryStore) -> None:
    buffer = io.StringIO()
    export.write(store, None, buffer, "json", BERLIN)
    data = json.loads(buffer.getvalue())
    assert data[0]["started_at"] == "2026-03-27T22:00:00+01:00"
    after_dst = [d["started_at"] for d in data if d["started_at"] >= "2026-03-29T04"]
    assert after_dst[0].endswith("+02:00")
    for item in data:
        moment = datetime.fromisoformat(item["started_at"])
        assert moment.utcoffset() == BERLIN.utcoffset(moment.replace(tzinfo=None))


def test_local_iso_matches_datetime_everywhere() -> None:
    for zone in ("Europe/Berlin", "America/St_Johns", "Asia/Kolkata", "Australia/Lord_Howe",
                 "Pacific/Chatham", "UTC"):
        tz = ZoneInfo(zone)
        lo = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
        hi = int(datetime(2027, 1, 1, tzinfo=UTC).timestamp())
        iso = export_reading.LocalIso(tz, lo, hi)
        for t in range(lo, hi, 86400 * 3 + 3607):
            assert iso(t) == datetime.fromtimestamp(t, tz).isoformat(timespec="seconds")
    assert export_reading.LocalIso(UTC, 0, 1)(None) is None


def test_empty_exports() -> None:
    empty = HistoryStore.memory_only()
    csv_out, json_out = io.StringIO(), io.StringIO()
    assert export.write(empty, None, csv_out, "csv", BERLIN) == 0
    assert csv_out.getvalue() == ",".join(export.COLUMNS) + "\r\n"
    assert export.write(empty, None, json_out, "json", BERLIN) == 0
    assert json.loads(json_out.getvalue()) == []


def test_csv_file_opens_cleanly_in_a_spreadsheet(store: HistoryStore, tmp_path: Path) -> None:
    target = tmp_path / "out" / "history.csv"
    target.parent.mkdir()  # a missing folder is refused (test_hostile_files.py)
    assert export.export_to_file(store, None, target, "csv", BERLIN) == 12
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,routine_id,")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 13 and all(len(r) == len(export.COLUMNS) for r in rows)
    titles = {r[2] for r in rows[1:]}
    assert {'Neck "gentle" release', "Épaules, dos", "Line\nbreak"} <= titles
    assert target.stat().st_mode & 0o777 == 0o600
    assert list(tmp_path.joinpath("out").iterdir()) == [target]


def test_filter_applies_to_export(store: HistoryStore) -> None:
    flt = SessionFilter(since=T0 + timedelta(hours=20), until=T0 + timedelta(hours=50))
    buffer = io.StringIO()
    n = export.write(store, flt, buffer, "csv", BERLIN)
    assert n == 5  # started 21, 28, 35, 42 and 49 hours after T0
    assert list(export_reading.read_csv(buffer.getvalue())) == expected(store, flt, csv=True)


def make_store(paths: AppPaths) -> list[SessionRecord]:
    store, _ = HistoryStore.open(paths.history_file)
    fill(store)
    records = list(store.iter_sessions())
    store.close()
    return records


def test_cli_json_to_stdout(app_paths: AppPaths, capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    make_store(app_paths)
    data_dir = str(app_paths.data_dir.parent)
    assert main(["--data-dir", data_dir, "history", "--format", "json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert len(data) == 12
    assert data[0]["started_at"] == "2026-03-27T22:00:00+01:00"
    # The export only reads: sessions the app has not yet marked interrupted stay
    # "running" (it may be running one right now).
    assert {d["outcome"] for d in data} == {"running", "completed", "stopped"}
    store, notices = HistoryStore.open(app_paths.history_file)
    store.close()
    assert "4 sessions did not finish" in notices[0]
    assert main(["--data-dir", data_dir, "history", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {d["outcome"] for d in data} == {"interrupted", "completed", "stopped"}


def test_cli_csv_file_with_dates(app_paths: AppPaths, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    make_store(app_paths)
    data_dir = str(app_paths.data_dir.parent)
    target = tmp_path / "export.csv"
    assert main(["--data-dir", data_dir, "history", "--since", "2026-03-28",
                 "--until", "2026-03-28", "-o", str(target)]) == 0
    rows = list(export_reading.read_csv(target.read_text(encoding="utf-8-sig")))
    assert rows and all(r["started_at"].date().isoformat() == "2026-03-28" for r in rows)
    assert len(rows) == 3  # 05:00, 12:00 and 19:00 local on the 28th
    assert "3 sessions written" in capsys.readouterr().err


def test_cli_without_history_and_bad_dates(app_paths: AppPaths,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = str(app_paths.data_dir.parent)
    assert main(["--data-dir", data_dir, "history"]) == 0
    assert capsys.readouterr().out == ",".join(export.COLUMNS) + "\r\n"
    assert not app_paths.history_file.exists()
    assert main(["--data-dir", data_dir, "history", "--since", "2026-02-02",
                 "--until", "2026-01-01"]) == 2
    with pytest.raises(SystemExit):
        main(["--data-dir", data_dir, "history", "--since", "yesterday"])


@pytest.mark.parametrize("start", export_reading.FORMULA_STARTS)
def test_csv_cells_that_start_like_a_formula_are_made_inert(start: str) -> None:
    s = HistoryStore.memory_only()
    sid = s.start_session(SessionStart(
        routine_id="r", routine_title=f"{start}HYPERLINK(\"http://x\")", routine_version="1",
        content_hash=None, planned_seconds=60.0, steps_total=1, checklist_version="1",
        checklist_confirmed_at=T0, pain_before=None, started_at=T0,
    ))
    s.finish_session(sid, Outcome.COMPLETED, T0 + timedelta(minutes=1), 60.0, 1,
                     pain_after=None, note=f"{start}1+2")
    buffer = io.StringIO()
    export.write(s, None, buffer, "csv", UTC)
    line = buffer.getvalue().split("\r\n")[1]
    assert f'"\'{start}HYPERLINK(""http://x"")"' in line
    assert f'"\'{start}1+2"' in line
    buffer = io.StringIO()
    export.write(s, None, buffer, "json", UTC)
    assert json.loads(buffer.getvalue())[0]["note"] == f"{start}1+2"  # JSON is data, kept as is


def test_an_end_days_after_the_start_has_the_offset_of_its_own_day() -> None:
    """Paused over a weekend, a session ended after the change to summer time; the
    offsets were worked out for its start only, and its end said 12:00-05:00."""
    import io
    import json

    import msgspec
    from test_history_stats import session, store_with

    from massage_timer.core.storage.history.export import write

    new_york = ZoneInfo("America/New_York")
    start = datetime(2026, 3, 5, 17, 0, tzinfo=UTC)
    end = datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
    store = store_with(msgspec.structs.replace(session(start), ended_at=end))
    out = io.StringIO()
    write(store, None, out, "json", new_york)
    assert json.loads(out.getvalue())[0]["ended_at"] == "2026-03-09T13:00:00-04:00"
