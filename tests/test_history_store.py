"""The session log: rows written as sessions run, crashes, damaged files, full disks."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from fs_faults import long_portable_paths

from massage_timer.core.model.session import Outcome
from massage_timer.core.storage.history.schema import (
    SCHEMA_VERSION,
    HistoryError,
    NewerHistoryError,
    expected_columns,
    migrate,
)
from massage_timer.core.storage.history.store import (
    HistoryStore,
    SessionFilter,
    SessionStart,
    SortKey,
)

T0 = datetime(2026, 3, 28, 8, 0, tzinfo=UTC)


def start(title: str = "Neck release", at: datetime = T0, pain: int | None = 4,
          routine_id: str = "neck-release") -> SessionStart:
    return SessionStart(
        routine_id=routine_id, routine_title=title, routine_version="2",
        content_hash="abc123", planned_seconds=480.0, steps_total=8,
        checklist_version="1", checklist_confirmed_at=at - timedelta(seconds=30),
        pain_before=pain, started_at=at,
    )


def raw_row(path: Path, session_id: int) -> sqlite3.Row:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        row: sqlite3.Row | None = conn.execute(
            "SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
        assert row is not None
        return row
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


def test_rows_are_written_as_the_session_runs(db: Path) -> None:
    store, notices = HistoryStore.open(db, now=lambda: T0 + timedelta(minutes=2))
    assert notices == []
    sid = store.start_session(start())
    row = raw_row(db, sid)
    assert (row["outcome"], row["steps_completed"], row["pain_before"]) == ("running", 0, 4)
    assert row["started_at"] == int(T0.timestamp())
    assert row["checklist_confirmed_at"] == int(T0.timestamp()) - 30
    store.step_completed(sid, steps_completed=3, current_step=3, active_seconds=150.5)
    row = raw_row(db, sid)
    assert (row["steps_completed"], row["current_step"], row["active_seconds"]) == (3, 3, 150.5)
    assert row["updated_at"] == int((T0 + timedelta(minutes=2)).timestamp())
    store.close()


def test_finishing_and_pain_after(db: Path) -> None:
    store, _ = HistoryStore.open(db)
    sid = store.start_session(start())
    store.finish_session(sid, Outcome.COMPLETED, T0 + timedelta(minutes=8), 478.0, 8)
    store.set_pain_after(sid, 1, "much looser")
    record = store.get(sid)
    assert record is not None
    assert record.outcome is Outcome.COMPLETED
    assert record.ended_at == T0 + timedelta(minutes=8)
    assert (record.active_seconds, record.steps_completed, record.steps_total) == (478.0, 8, 8)
    assert (record.pain_before, record.pain_after, record.note) == (4, 1, "much looser")
    with pytest.raises(ValueError, match="outcome"):
        store.finish_session(sid, "exploded", T0, 1, 1)  # type: ignore[arg-type]
    store.close()
    assert raw_row(db, sid)["outcome"] == "completed"


def test_file_is_private(db: Path) -> None:
    store, _ = HistoryStore.open(db)
    store.start_session(start())
    assert db.stat().st_mode & 0o777 == 0o600
    wal = Path(f"{db}-wal")
    if wal.exists():
        assert wal.stat().st_mode & 0o077 == 0
    store.close()


def test_reminders_and_deleting(db: Path) -> None:
    store, _ = HistoryStore.open(db)
    store.log_reminder("shown", T0)
    store.log_reminder("started", T0 + timedelta(minutes=1))
    with pytest.raises(ValueError):
        store.log_reminder("ignored", T0)  # type: ignore[arg-type]
    assert store.query("SELECT kind FROM reminders ORDER BY at") == [("shown",), ("started",)]
    ids = [store.start_session(start(at=T0 + timedelta(hours=i))) for i in range(3)]
    assert store.delete_session(ids[1]) is True
    assert store.delete_session(ids[1]) is False
    assert [r.id for r in store.page(descending=False)] == [ids[0], ids[2]]
    assert store.delete_all() == 2
    assert store.count() == 0
    assert store.query("SELECT COUNT(*) FROM reminders") == [(0,)]
    store.close()


def test_pages_sort_and_filter_in_sql(db: Path) -> None:
    store, _ = HistoryStore.open(db)
    titles = ["b routine", "A routine", "c routine"]
    for i in range(30):
        sid = store.start_session(start(title=titles[i % 3], routine_id=f"r{i % 3}",
                                        at=T0 + timedelta(hours=i), pain=i % 5))
        store.finish_session(sid, Outcome.COMPLETED, T0 + timedelta(hours=i, minutes=5),
                             float(100 + i), 8)
    first = store.page(limit=5)
    assert [r.started_at for r in first] == [T0 + timedelta(hours=29 - i) for i in range(5)]
    nxt = store.page(offset=5, limit=5)
    assert nxt[0].started_at == T0 + timedelta(hours=24)
    by_title = store.page(order=SortKey.ROUTINE, descending=False, limit=30)
    assert [r.routine_title for r in by_title][:10] == ["A routine"] * 10
    by_duration = store.page(order=SortKey.DURATION, descending=True, limit=3)
    assert [r.active_seconds for r in by_duration] == [129.0, 128.0, 127.0]
    flt = SessionFilter(since=T0 + timedelta(hours=10), until=T0 + timedelta(hours=20),
                        routine_id="r1")
    assert store.count(flt) == 4  # hours 10, 13, 16, 19
    assert {r.routine_id for r in store.iter_sessions(flt)} == {"r1"}
    assert store.routines() == [("r1", "A routine"), ("r0", "b routine"),
                                ("r2", "c routine")]
    store.close()


CHILD = textwrap.dedent("""
    import sys
    from datetime import UTC, datetime
    from pathlib import Path
    from massage_timer.core.storage.history.store import HistoryStore, SessionStart
    store, _ = HistoryStore.open(Path(sys.argv[1]))
    now = datetime.now(UTC)
    sid = store.start_session(SessionStart("neck", "Neck", "1", None, 480.0, 8, "1", now,
                                           5, now))
    for step in range(1, 4):
        store.step_completed(sid, step, step, step * 60.0)
    print(sid, flush=True)
    sys.stdin.read()
""")


def test_session_of_a_killed_process_is_interrupted_at_its_step(db: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db)], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert child.stdout is not None
        sid = int(child.stdout.readline())
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert child.stdin is not None and child.stdout is not None
        child.stdin.close()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    store, notices = HistoryStore.open(db)
    record = store.get(sid)
    assert record is not None
    assert record.outcome is Outcome.INTERRUPTED
    assert (record.steps_completed, record.current_step, record.active_seconds) == (3, 3, 180.0)
    assert record.ended_at is not None
    assert len(notices) == 1
    assert "interrupted at step 4 of 8" in notices[0]
    store.close()
    again, notices = HistoryStore.open(db)
    assert notices == []
    again.close()


def moved_files(db: Path) -> list[Path]:
    return sorted(p for p in db.parent.iterdir() if ".unreadable-" in p.name)


def assert_fresh_store(db: Path, notices: list[str], original: bytes) -> None:
    moved = moved_files(db)
    assert len(moved) == 1
    main = [p for p in moved if p.suffix == ".sqlite3"]
    assert main and main[0].read_bytes()[: len(original)] == original
    assert str(main[0]) in notices[0]
    store, notices = HistoryStore.open(db)
    assert notices == []
    assert store.count() == 0
    store.start_session(start())
    store.close()


def test_garbage_file_is_moved_aside(db: Path) -> None:
    db.parent.mkdir(parents=True)
    garbage = os.urandom(5000)
    db.write_bytes(garbage)
    store, notices = HistoryStore.open(db)
    assert store.count() == 0 and not store.in_memory
    store.close()
    assert_fresh_store(db, notices, garbage)


def test_truncated_file_is_moved_aside(db: Path) -> None:
    store, _ = HistoryStore.open(db)
    for i in range(400):
        store.start_session(start(title=f"Routine {i} " + "x" * 200))
    store.close()
    assert not Path(f"{db}-wal").exists()
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    store, notices = HistoryStore.open(db)
    assert store.count() == 0
    store.close()
    assert_fresh_store(db, notices, data[: len(data) // 2])


@pytest.mark.parametrize("version", [0, 1, SCHEMA_VERSION])
def test_wrong_schema_is_moved_aside(db: Path, version: int) -> None:
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE sessions (id INTEGER PRIMARY KEY, something TEXT)")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    original = db.read_bytes()
    store, notices = HistoryStore.open(db)
    store.close()
    assert "moved" in notices[0]
    assert_fresh_store(db, notices, original[:100])


def test_locked_file_is_moved_aside(db: Path) -> None:
    store, _ = HistoryStore.open(db)
    store.start_session(start())
    store.close()
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        store, notices = HistoryStore.open(db, lock_timeout=0.05)
        assert store.count() == 0 and not store.in_memory
        assert "moved" in notices[0]
        store.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    moved = [p for p in moved_files(db) if p.suffix == ".sqlite3"]
    assert len(moved) == 1
    old, _ = HistoryStore.open(moved[0])
    assert old.count() == 1
    old.close()


def test_newer_version_is_refused_and_left_alone(db: Path) -> None:
    store, _ = HistoryStore.open(db)
    store.start_session(start())
    store.close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = (db.read_bytes(), db.stat().st_mode, db.stat().st_mtime_ns)
    listing = sorted(db.parent.iterdir())
    with pytest.raises(NewerHistoryError, match="newer version"):
        HistoryStore.open(db)
    assert (db.read_bytes(), db.stat().st_mode, db.stat().st_mtime_ns) == before
    assert sorted(db.parent.iterdir()) == listing
    fallback = HistoryStore.memory_only()
    assert fallback.start_session(start()) == 1
    fallback.close()


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_migrates_from_every_earlier_version(db: Path, version: int) -> None:
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, version)
    if version >= 1:
        conn.execute(
            "INSERT INTO sessions (routine_id, routine_title, planned_seconds, steps_total, "
            "started_at, updated_at, outcome, steps_completed, current_step) "
            "VALUES ('neck', 'Neck', 480, 8, ?, ?, 'running', 2, 2)",
            (int(T0.timestamp()), int(T0.timestamp())),
        )
        conn.execute("INSERT INTO reminders (kind, at) VALUES ('shown', 1)")
    conn.close()
    store, notices = HistoryStore.open(db)
    assert store.query("PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert expected_columns(SCHEMA_VERSION)["sessions"] <= {
        r[1] for r in store.query("PRAGMA table_info(sessions)")
    }
    if version >= 1:
        old = store.get(1)
        assert old is not None
        assert (old.outcome, old.current_step, old.note) == (Outcome.INTERRUPTED, 2, None)
        assert len(notices) == 1
        assert store.query("SELECT COUNT(*) FROM reminders") == [(1,)]
    sid = store.start_session(start())
    store.finish_session(sid, Outcome.STOPPED, T0, 10.0, 1, pain_after=3, note="ok")
    record = store.get(sid)
    assert record is not None and record.note == "ok"
    store.close()


def in_memory(store: HistoryStore) -> bool:
    return store.in_memory


def test_unwritable_folder_keeps_records_in_memory_then_writes_them(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    db = blocker / "history.sqlite3"
    store, notices = HistoryStore.open(db)
    assert store.in_memory
    assert any("kept in memory" in n for n in notices)
    sid = store.start_session(start())
    store.step_completed(sid, 2, 2, 90.0)
    store.log_reminder("shown", T0)
    assert store.get(sid) is not None and store.pending_writes == 3
    assert store.flush() is False
    blocker.unlink()
    assert store.flush() is True
    assert store.pending_writes == 0
    assert not in_memory(store)
    assert "saved" in store.pop_notices()[0]
    store.finish_session(sid, Outcome.COMPLETED, T0 + timedelta(minutes=8), 470.0, 8)
    store.close()
    row = raw_row(db, sid)
    assert (row["outcome"], row["steps_completed"]) == ("completed", 8)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_keeps_records_in_memory(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        store, notices = HistoryStore.open(folder / "history.sqlite3")
        assert store.in_memory and notices
        store.start_session(start())
        assert store.flush() is False
        folder.chmod(0o700)
        assert store.flush() is True
        store.close()
    finally:
        folder.chmod(0o700)


def test_full_disk_keeps_records_in_memory_then_writes_them(db: Path) -> None:
    store, _ = HistoryStore.open(db)
    first = store.start_session(start())
    pages = store.query("PRAGMA page_count")[0][0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")
    ids = []
    for i in range(300):
        ids.append(store.start_session(start(title=f"Session {i} " + "y" * 300)))
        if store.in_memory:
            break
    assert store.in_memory, "the disk never filled up"
    assert "cannot be saved" in store.pop_notices()[0]
    store.step_completed(first, 5, 5, 200.0)
    store.step_completed(ids[-1], 1, 1, 30.0)
    assert store.count() == len(ids) + 1
    assert store.flush() is True
    store.finish_session(ids[-1], Outcome.COMPLETED, T0 + timedelta(minutes=8), 470.0, 8)
    store.close()
    assert raw_row(db, first)["steps_completed"] == 5
    assert raw_row(db, ids[-1])["outcome"] == "completed"
    reopened, _ = HistoryStore.open(db)
    assert reopened.count() == len(ids) + 1
    reopened.close()


def test_readonly_snapshot_does_not_touch_running_sessions(db: Path) -> None:
    store, _ = HistoryStore.open(db)
    sid = store.start_session(start())
    snapshot = HistoryStore.open_readonly(db)
    record = snapshot.get(sid)
    assert record is not None and record.outcome is Outcome.RUNNING
    snapshot.close()
    assert raw_row(db, sid)["outcome"] == "running"
    store.close()


def test_writes_retry_the_disk_every_minute(tmp_path: Path) -> None:
    clock = [T0]
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    db = blocker / "history.sqlite3"
    store, _ = HistoryStore.open(db, now=lambda: clock[0])
    sid = store.start_session(start())
    blocker.unlink()
    clock[0] += timedelta(seconds=30)
    store.step_completed(sid, 1, 1, 30.0)
    assert in_memory(store) and store.pending_writes == 2
    clock[0] += timedelta(seconds=31)
    store.step_completed(sid, 2, 2, 60.0)
    assert not in_memory(store) and store.pending_writes == 0
    assert raw_row(db, sid)["steps_completed"] == 2
    store.close()


def test_a_session_cut_off_after_its_last_step_never_reads_step_n_plus_one(
    tmp_path: Path,
) -> None:
    """The last step was recorded, the finish was not (the disk filled, or the app died
    in between): the notice must not say "step 3 of 2"."""
    db = tmp_path / "h.sqlite3"
    store, _ = HistoryStore.open(db, now=lambda: T0)
    sid = store.start_session(msgspec.structs.replace(start(), steps_total=2))
    store.step_completed(sid, 1, 1, 60.0)
    store.step_completed(sid, 2, 2, 120.0)
    store._conn.close()  # dies without finishing
    again, notices = HistoryStore.open(db)
    assert notices == [
        "The last session did not finish (the app closed unexpectedly). It is kept in "
        "your history as interrupted after the last of its 2 steps."
    ]
    record = again.get(sid)
    assert record is not None and record.steps_completed == record.steps_total == 2
    again.close()


@pytest.mark.parametrize("extra", [0, 1])
def test_a_path_sqlite_has_no_room_for_is_said_plainly(tmp_path: Path, extra: int) -> None:
    """At one byte past what SQLite's path buffer takes, it only says "unable to open
    database file", and the person cannot tell a too-long data folder from a bad disk."""
    from massage_timer.core.storage.history.store import LONGEST_HISTORY_PATH

    path = long_portable_paths(tmp_path, LONGEST_HISTORY_PATH + extra).history_file
    path.parent.mkdir(parents=True)
    store, notices = HistoryStore.open(path)
    try:
        sid = store.start_session(start())
        assert store.get(sid) is not None
        if extra:
            assert store.in_memory and not path.exists()
            assert len(notices) == 1
            assert f"{LONGEST_HISTORY_PATH + 1} bytes long" in notices[0]
            assert "--data-dir" in notices[0]
            with pytest.raises(HistoryError, match="bytes long"):
                HistoryStore.open_readonly(path)
        else:  # the longest path that fits works in full
            assert not store.in_memory and notices == []
    finally:
        store.close()
    if not extra:
        again = HistoryStore.open_readonly(path)
        assert again.get(sid) is not None
        again.close()
