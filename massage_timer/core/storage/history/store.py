"""The session and reminder log: one SQLite file that never loses a session.

Rows are written as a session runs (start, each step, finish), so a crash loses at
most the step in progress; a session still running at the next open is marked
interrupted (the values are :class:`~massage_timer.core.model.session.Outcome`).
Unreadable files are moved aside (never deleted) and a fresh store starts; when the
disk is full or read-only the store keeps working in memory and writes the queued
records when :meth:`HistoryStore.flush` succeeds.

Times are stored as integer UTC epoch seconds, so time-zone and daylight-saving
changes never reorder sessions; they are shown in local time by the callers.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import msgspec

from massage_timer.core.model.language import _, ngettext
from massage_timer.core.model.session import Outcome, SessionStart
from massage_timer.core.model.short_check import ChecklistAnswer, ChecklistKind
from massage_timer.core.storage.files import (
    SQLITE_COMPANIONS,
    UnusableFileError,
    file_in_the_way,
    move_aside,
    regular_file_head,
    with_companions,
)
from massage_timer.core.storage.history.schema import (
    SCHEMA_VERSION,
    HistoryError,
    NewerHistoryError,
    columns,
    expected_columns,
    migrate,
    transaction,
)

log = logging.getLogger(__name__)

ReminderKind = Literal["shown", "started", "snoozed", "skipped", "deferred"]
REMINDER_KINDS = ("shown", "started", "snoozed", "skipped", "deferred")

RETRY_INTERVAL = timedelta(seconds=60)
# SQLite's Unix VFS holds a database's full path, and its "-journal" name, in 512 bytes.
SQLITE_MAX_PATHNAME = 512
LONGEST_HISTORY_PATH = SQLITE_MAX_PATHNAME - len("-journal")
_FINISHED = frozenset({Outcome.COMPLETED, Outcome.STOPPED})

_HEADER = b"SQLite format 3\x00"
_STORAGE_ERRORS = ("SQLITE_FULL", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_IOERR",
                   "SQLITE_PERM")
_UNREADABLE_ERRORS = ("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_BUSY", "SQLITE_LOCKED")


def path_problem(path: Path) -> str | None:
    """Why SQLite cannot open a file at ``path`` whatever the disk holds, if it cannot.

    SQLite only says "unable to open database file" for a path it has no room for: the
    person must be told that a shorter data folder is the cure.
    """
    length = len(os.fsencode(path.absolute()))
    if length <= LONGEST_HISTORY_PATH:
        return None
    return _("its path is {length} bytes long, and the history database takes at most "
             "{limit}: choose a shorter data folder (--data-dir)").format(
                 length=length, limit=LONGEST_HISTORY_PATH)


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_epoch(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("history times must be timezone-aware")
    return round(moment.timestamp())


def from_epoch(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


class _UnreadableError(Exception):
    """The file cannot be used as a history store and is moved aside."""


class SessionRecord(msgspec.Struct, frozen=True):
    """One row of the log, as the view and the export see it."""

    id: int
    routine_id: str
    routine_title: str
    routine_version: str | None
    content_hash: str | None
    planned_seconds: float
    steps_total: int
    checklist_version: str | None
    checklist_confirmed_at: datetime | None
    pain_before: int | None
    pain_after: int | None
    started_at: datetime
    ended_at: datetime | None
    outcome: Outcome
    active_seconds: float
    steps_completed: int
    current_step: int
    note: str | None = None
    checklist_kind: ChecklistKind | None = None
    """``None`` for sessions from before the short check (their checklist was full)."""


_RECORD_COLUMNS = SessionRecord.__struct_fields__
_TIME_COLUMNS = frozenset({"checklist_confirmed_at", "started_at", "ended_at"})
_SELECT = f"SELECT {', '.join(_RECORD_COLUMNS)} FROM sessions"


def _record(row: Sequence[Any]) -> SessionRecord:
    values: dict[str, Any] = {
        name: from_epoch(v) if name in _TIME_COLUMNS else v
        for name, v in zip(_RECORD_COLUMNS, row, strict=True)
    }
    values["outcome"] = Outcome(values["outcome"])
    if values["checklist_kind"] is not None:
        values["checklist_kind"] = ChecklistKind(values["checklist_kind"])
    return SessionRecord(**values)


class SortKey(StrEnum):
    """Columns the view can sort by; sorting happens in SQL."""

    STARTED = "started"
    ROUTINE = "routine"
    DURATION = "duration"
    OUTCOME = "outcome"
    PAIN = "pain"


# Each order has an index (schema 2), so a page costs the same at any size.
_ORDER = {
    SortKey.STARTED: ("started_at",),
    SortKey.ROUTINE: ("routine_title COLLATE NOCASE", "started_at"),
    SortKey.DURATION: ("active_seconds", "started_at"),
    SortKey.OUTCOME: ("outcome", "started_at"),
    SortKey.PAIN: ("pain_before", "pain_after", "started_at"),
}


class SessionFilter(msgspec.Struct, frozen=True):
    """Sessions started in ``[since, until)`` (aware datetimes), optionally one routine."""

    since: datetime | None = None
    until: datetime | None = None
    routine_id: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.since is not None:
            clauses.append("started_at >= ?")
            params.append(to_epoch(self.since))
        if self.until is not None:
            clauses.append("started_at < ?")
            params.append(to_epoch(self.until))
        if self.routine_id is not None:
            clauses.append("routine_id = ?")
            params.append(self.routine_id)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _error_name(exc: sqlite3.Error) -> str:
    return str(getattr(exc, "sqlite_errorname", ""))


def is_storage_error(exc: BaseException) -> bool:
    """Disk full, read-only or missing folder: the records wait in memory."""
    if isinstance(exc, OSError):
        return True
    if isinstance(exc, sqlite3.Error):
        name = _error_name(exc)
        if name.startswith(_STORAGE_ERRORS):
            return True
        text = str(exc).lower()
        return "readonly" in text or "disk is full" in text or "unable to open" in text
    return False


def _is_unreadable(exc: sqlite3.Error) -> bool:
    if _error_name(exc).startswith(_UNREADABLE_ERRORS):
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "locked" in text


def _start_params(start: SessionStart) -> dict[str, Any]:
    return {
        "routine_id": start.routine_id,
        "routine_title": start.routine_title,
        "routine_version": start.routine_version,
        "content_hash": start.content_hash,
        "planned_seconds": float(start.planned_seconds),
        "steps_total": int(start.steps_total),
        "checklist_version": start.checklist_version,
        "checklist_confirmed_at": (
            None if start.checklist_confirmed_at is None
            else to_epoch(start.checklist_confirmed_at)
        ),
        "pain_before": start.pain_before,
        "checklist_kind": start.checklist_kind,
        "started_at": to_epoch(start.started_at),
        "updated_at": to_epoch(start.started_at),
    }


class _Op(msgspec.Struct):
    kind: str
    args: dict[str, Any]
    session_id: int | None = None


class _Backlog(msgspec.Struct):
    """Writes made while the file could not be written, in order, for :meth:`flush`."""

    ops: list[_Op] = msgspec.field(default_factory=list)


def _apply(conn: sqlite3.Connection, op: _Op, id_map: dict[int, int]) -> int:
    sid = None if op.session_id is None else id_map.get(op.session_id, op.session_id)
    a = op.args
    if op.kind == "start":
        columns = list(a)
        if sid is not None and conn.execute(
            "SELECT 1 FROM sessions WHERE id = ?", (sid,)
        ).fetchone() is None:
            columns.insert(0, "id")
            a = {"id": sid, **a}
        cur = conn.execute(
            f"INSERT INTO sessions ({', '.join(columns)}) "
            f"VALUES ({', '.join(':' + c for c in columns)})", a,
        )
        new_id = int(cur.lastrowid or 0)
        if op.session_id is not None and new_id != op.session_id:
            id_map[op.session_id] = new_id
        return new_id
    if op.kind == "step":
        return conn.execute(
            "UPDATE sessions SET steps_completed = :steps_completed, "
            "current_step = :current_step, active_seconds = :active_seconds, "
            "updated_at = :updated_at WHERE id = :id AND outcome = :live",
            {**a, "id": sid, "live": Outcome.RUNNING},
        ).rowcount
    if op.kind == "finish":
        return conn.execute(
            "UPDATE sessions SET outcome = :outcome, ended_at = :ended_at, "
            "updated_at = :ended_at, active_seconds = :active_seconds, "
            "steps_completed = :steps_completed, "
            "pain_after = COALESCE(:pain_after, pain_after), note = COALESCE(:note, note) "
            "WHERE id = :id",
            {**a, "id": sid},
        ).rowcount
    if op.kind == "pain":
        return conn.execute(
            "UPDATE sessions SET pain_after = :pain_after, note = :note WHERE id = :id",
            {**a, "id": sid},
        ).rowcount
    if op.kind == "reminder":
        cur = conn.execute(
            "INSERT INTO reminders (kind, at, reason) VALUES (:kind, :at, :reason)", a
        )
        return int(cur.lastrowid or 0)
    if op.kind == "checklist":
        cur = conn.execute(
            "INSERT INTO checklists (at, version, kind, red_flag) "
            "VALUES (:at, :version, :kind, :red_flag)", a,
        )
        return int(cur.lastrowid or 0)
    if op.kind == "delete":
        return conn.execute("DELETE FROM sessions WHERE id = ?", (sid,)).rowcount
    if op.kind == "delete_all":
        n = conn.execute("DELETE FROM sessions").rowcount
        conn.execute("DELETE FROM reminders")
        conn.execute("DELETE FROM checklists")
        return n
    raise ValueError(f"unknown history operation {op.kind!r}")


def _connect(target: str | Path, *, timeout: float, uri: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(target, timeout=timeout, isolation_level=None, uri=uri)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _create_private(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)


def _move_aside_with_companions(path: Path, now: datetime) -> Path:
    target = move_aside(path, "unreadable", now=now)
    for suffix in SQLITE_COMPANIONS:
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            companion.rename(Path(f"{target}{suffix}"))
    return target


def _open_disk(path: Path, *, timeout: float) -> sqlite3.Connection:
    """Open, check and migrate the file; raises _UnreadableError or a storage error."""
    head = regular_file_head(path, len(_HEADER))  # a FIFO or device: UnusableFileError
    if head is not None:
        if (head and head != _HEADER[: len(head)]) or 0 < len(head) < len(_HEADER):
            raise _UnreadableError("not an SQLite file")
    else:
        _create_private(path)
    conn = _connect(path, timeout=timeout)
    try:
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                migrate(conn)  # raises NewerHistoryError
            check = conn.execute("PRAGMA quick_check").fetchall()
            if check != [("ok",)]:
                raise _UnreadableError(f"damaged: {check[0][0]}")
            have = columns(conn)
            if version == 0 and have:
                raise _UnreadableError("not a Massage Timer history file")
            for table, wanted in expected_columns(version).items():
                if not wanted <= have.get(table, set()):
                    raise _UnreadableError(f"table {table!r} does not match format {version}")
            with contextlib.suppress(OSError):
                path.chmod(0o600)
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                log.warning("history journal mode is %s, not WAL", mode)
            conn.execute("PRAGMA synchronous = FULL")
            migrate(conn)
        except sqlite3.DatabaseError as exc:
            if is_storage_error(exc) and not _is_unreadable(exc):
                raise
            if _is_unreadable(exc):
                raise _UnreadableError(str(exc)) from exc
            raise
    except BaseException:
        conn.close()
        raise
    return conn


def _backup_readonly(
    path: Path, target: sqlite3.Connection, *, lock_timeout: float, immutable: bool
) -> None:
    query = "mode=ro&immutable=1" if immutable else "mode=ro"
    source = _connect(f"{path.resolve().as_uri()}?{query}", timeout=lock_timeout, uri=True)
    try:
        source.backup(target)
    finally:
        source.close()


class HistoryStore:
    """The session and reminder log.

    Open it with :meth:`open`; every write is committed before the call returns, or
    kept in memory (with a notice) when the file cannot be written.
    """

    def __init__(
        self,
        path: Path | None,
        conn: sqlite3.Connection,
        *,
        now: Callable[[], datetime],
        in_memory: bool,
        lock_timeout: float,
    ) -> None:
        self._path = path
        self._conn = conn
        self._now = now
        self._in_memory = in_memory
        self._lock_timeout = lock_timeout
        self._backlog = _Backlog()
        self._id_map: dict[int, int] = {}
        self._notices: list[str] = []
        self._retry_at = now() + RETRY_INTERVAL
        self._write_error = ""

    # -- opening -------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        now: Callable[[], datetime] = utc_now,
        lock_timeout: float = 2.0,
    ) -> tuple[HistoryStore, list[str]]:
        """Open (or create) the store at ``path`` and say what the user should know.

        Raises :class:`NewerHistoryError` for a file from a newer version (left as is);
        the caller can go on with :meth:`memory_only`.
        """
        notices: list[str] = []
        problem = path_problem(path)
        if problem is not None:
            log.warning("history file %s cannot be opened: %s", path, problem)
            notices.append(_("Your session history cannot be saved to {path} ({reason}). "
                             "This time your sessions are kept in memory only.").format(
                                 path=path, reason=problem))
            return cls.memory_only(now=now), notices
        try:
            conn = _open_disk(path, timeout=lock_timeout)
        except _UnreadableError as exc:
            log.warning("history file %s unreadable: %s", path, exc)
            moved = _move_aside_with_companions(path, now())
            notices.append(
                _("The history file could not be read, so it was moved to {path} "
                  "and a new one was started.").format(path=moved)
            )
            try:
                conn = _open_disk(path, timeout=lock_timeout)
            except (OSError, sqlite3.Error) as again:
                if not is_storage_error(again):
                    raise
                return cls._fallback(path, now, lock_timeout, notices, again)
        except UnusableFileError as exc:
            log.warning("history file %s is not a regular file: %s", path, exc)
            store = cls.memory_only(now=now)
            notices.append(
                # TRANSLATORS: {problem} is a file problem such as "is a folder, not
                # a regular file".
                _("The history file {path} {problem}, so it was left as it is; "
                  "this time your sessions are kept in memory only.").format(
                    path=path, problem=exc.strerror)
            )
            return store, notices
        except (OSError, sqlite3.Error) as exc:
            if not is_storage_error(exc):
                raise
            return cls._fallback(path, now, lock_timeout, notices, exc)
        store = cls(path, conn, now=now, in_memory=False, lock_timeout=lock_timeout)
        notices.extend(store._recover_interrupted())
        return store, notices

    @classmethod
    def open_readonly(cls, path: Path, *, lock_timeout: float = 2.0) -> HistoryStore:
        """A snapshot for reading (the CLI export) that never changes the file.

        Sessions still running in the app stay ``Outcome.RUNNING``; nothing is recovered,
        moved or migrated on disk. Raises :class:`HistoryError` when the file is unusable.
        """
        problem = path_problem(path)
        if problem is not None:
            raise HistoryError(_("The history file {path} cannot be read: {reason}").format(
                path=path, reason=problem))
        try:
            regular_file_head(path, 0)
        except UnusableFileError as exc:
            raise HistoryError(_("The history file {path} {problem}.").format(
                path=path, problem=exc.strerror)) from None
        memory = _connect(":memory:", timeout=0)
        try:
            try:
                _backup_readonly(path, memory, lock_timeout=lock_timeout, immutable=False)
            except sqlite3.OperationalError as exc:
                if not is_storage_error(exc):
                    raise
                # A WAL file in a folder this user cannot write (a read-only mount, a
                # shared folder): SQLite cannot make its -shm file, so read the file as
                # it is on disk, as nothing can be changing it from here either.
                _backup_readonly(path, memory, lock_timeout=lock_timeout, immutable=True)
            migrate(memory)
        except sqlite3.Error as exc:
            memory.close()
            raise HistoryError(_("The history file {path} cannot be read: {reason}").format(
                path=path, reason=exc)) from exc
        except HistoryError:
            memory.close()
            raise
        return cls(None, memory, now=utc_now, in_memory=True, lock_timeout=0)

    def snapshot(self) -> HistoryStore:
        """A read-only copy any one thread may use (the GUI exports from one)."""
        copy = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self._conn.backup(copy)
        return HistoryStore(None, copy, now=self._now, in_memory=True, lock_timeout=0)

    @classmethod
    def memory_only(cls, *, now: Callable[[], datetime] = utc_now) -> HistoryStore:
        """A store that is never written to disk (e.g. after :class:`NewerHistoryError`)."""
        conn = _connect(":memory:", timeout=0)
        migrate(conn)
        return cls(None, conn, now=now, in_memory=True, lock_timeout=0)

    @classmethod
    def _fallback(
        cls,
        path: Path,
        now: Callable[[], datetime],
        lock_timeout: float,
        notices: list[str],
        exc: BaseException,
    ) -> tuple[HistoryStore, list[str]]:
        log.warning("history file %s cannot be written: %s", path, exc)
        conn = _connect(":memory:", timeout=0)
        with contextlib.suppress(sqlite3.Error, OSError):
            if path.exists():
                source = _connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1",
                                  timeout=lock_timeout, uri=True)
                try:
                    source.backup(conn)
                finally:
                    source.close()
        try:
            migrate(conn)
        except (sqlite3.Error, NewerHistoryError):
            conn.close()
            conn = _connect(":memory:", timeout=0)
            migrate(conn)
        store = cls(path, conn, now=now, in_memory=True, lock_timeout=lock_timeout)
        notices.append(store._storage_notice(exc))
        return store, notices

    def _storage_notice(self, exc: BaseException) -> str:
        return (
            _("Your session history cannot be saved to {path} right now "
              "({reason}). Sessions still run and are kept in memory; they will be "
              "saved as soon as the disk can be written again.").format(
                path=self._path, reason=self._failed(exc))
        )

    def _failed(self, exc: BaseException) -> str:
        """Keep why the file could not be written (:attr:`write_error`), and return it."""
        blocked = file_in_the_way(self._path) if self._path is not None else None
        self._write_error = blocked or str(exc)
        return self._write_error

    def _recover_interrupted(self) -> list[str]:
        with transaction(self._conn):
            rows = self._conn.execute(
                "SELECT current_step, steps_total FROM sessions WHERE outcome = ?",
                (Outcome.RUNNING,),
            ).fetchall()
            self._conn.execute(
                "UPDATE sessions SET outcome = ?, ended_at = updated_at WHERE outcome = ?",
                (Outcome.INTERRUPTED, Outcome.RUNNING),
            )
        if not rows:
            return []
        if len(rows) == 1:
            step, total = rows[0]
            if step < total:
                return [ngettext(
                    "The last session did not finish (the app closed unexpectedly). It "
                    "is kept in your history as interrupted at step {step} of {total}.",
                    "The last session did not finish (the app closed unexpectedly). It "
                    "is kept in your history as interrupted at step {step} of {total}.",
                    total).format(step=step + 1, total=total)]
            return [ngettext(
                "The last session did not finish (the app closed unexpectedly). It is "
                "kept in your history as interrupted after its last step.",
                "The last session did not finish (the app closed unexpectedly). It is "
                "kept in your history as interrupted after the last of its {total} steps.",
                total).format(total=total)]
        return [ngettext(
            "{count} session did not finish (the app closed unexpectedly). It is kept "
            "in your history as interrupted.",
            "{count} sessions did not finish (the app closed unexpectedly). They "
            "are kept in your history as interrupted.", len(rows)).format(count=len(rows))]

    # -- state ---------------------------------------------------------------------

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def files(self) -> tuple[Path, ...]:
        """The database and its SQLite companions: never to be written over by an export."""
        return with_companions(self._path) if self._path is not None else ()

    @property
    def in_memory(self) -> bool:
        """True while records are kept in memory only (see :meth:`flush`)."""
        return self._in_memory

    @property
    def pending_writes(self) -> int:
        return len(self._backlog.ops)

    @property
    def unsaved_sessions(self) -> int:
        """Sessions started while the file could not be written: what quitting now loses."""
        return sum(op.kind == "start" for op in self._backlog.ops)

    @property
    def write_error(self) -> str:
        """Why the file could not be written, the last time it was tried."""
        return self._write_error

    def pop_notices(self) -> list[str]:
        """Notices raised since the last call (e.g. the disk just became full)."""
        notices, self._notices = self._notices, []
        return notices

    def close(self) -> None:
        """Write what is queued if possible, then close."""
        with contextlib.suppress(Exception):
            self.flush()
        self._conn.close()

    # -- writing -------------------------------------------------------------------

    def _write(self, op: _Op) -> int:
        if self._in_memory and self._path is not None and self._now() >= self._retry_at:
            self._retry_at = self._now() + RETRY_INTERVAL
            self.flush()
        if not self._in_memory:
            try:
                with transaction(self._conn):
                    return _apply(self._conn, op, self._id_map)
            except (OSError, sqlite3.Error) as exc:
                if not is_storage_error(exc):
                    raise
                self._go_to_memory(exc)
        with transaction(self._conn):
            result = _apply(self._conn, op, self._id_map)
        if self._path is not None:
            if op.kind == "start":
                op.session_id = result
            self._backlog.ops.append(op)
        return result

    def _go_to_memory(self, exc: BaseException) -> None:
        log.warning("history write failed, keeping records in memory: %s", exc)
        self._failed(exc)
        memory = _connect(":memory:", timeout=0)
        self._conn.backup(memory)
        self._conn.close()
        self._conn = memory
        self._in_memory = True
        self._retry_at = self._now() + RETRY_INTERVAL
        self._notices.append(self._storage_notice(exc))

    def flush(self) -> bool:
        """Write the records kept in memory to the file; True when nothing is left."""
        if not self._in_memory:
            return True
        if self._path is None:
            return False
        try:
            disk = _open_disk(self._path, timeout=self._lock_timeout)
        except (OSError, sqlite3.Error, _UnreadableError, HistoryError) as exc:
            log.info("history still not writable: %s", exc)
            self._failed(exc)
            return False
        try:
            id_map = dict(self._id_map)
            with transaction(disk):
                for op in self._backlog.ops:
                    _apply(disk, op, id_map)
        except (OSError, sqlite3.Error) as exc:
            disk.close()
            if not is_storage_error(exc):
                raise
            self._failed(exc)
            return False
        self._id_map = id_map
        self._conn.close()
        self._conn = disk
        self._backlog.ops.clear()
        self._in_memory = False
        self._notices.append(_("Your session history was saved to {path} again.").format(
            path=self._path))
        return True

    def start_session(self, start: SessionStart) -> int:
        return self._write(_Op("start", _start_params(start)))

    def step_completed(
        self, session_id: int, steps_completed: int, current_step: int, active_seconds: float
    ) -> None:
        self._write(_Op("step", {
            "steps_completed": int(steps_completed), "current_step": int(current_step),
            "active_seconds": float(active_seconds), "updated_at": to_epoch(self._now()),
        }, session_id))

    def finish_session(  # noqa: PLR0917 (the player's call, as agreed)
        self,
        session_id: int,
        outcome: Outcome,
        ended_at: datetime,
        active_seconds: float,
        steps_completed: int,
        pain_after: int | None = None,
        note: str | None = None,
    ) -> None:
        if not (isinstance(outcome, str) and outcome in _FINISHED):
            raise ValueError(f"outcome must be completed or stopped, not {outcome!r}")
        self._write(_Op("finish", {
            "outcome": Outcome(outcome), "ended_at": to_epoch(ended_at),
            "active_seconds": float(active_seconds), "steps_completed": int(steps_completed),
            "pain_after": pain_after, "note": note,
        }, session_id))

    def set_pain_after(self, session_id: int, pain_after: int | None, note: str | None) -> None:
        self._write(_Op("pain", {"pain_after": pain_after, "note": note}, session_id))

    def log_reminder(
        self, kind: ReminderKind, at: datetime, reason: str | None = None
    ) -> None:
        """Log a reminder event; ``reason`` says why a reminder was deferred."""
        if kind not in REMINDER_KINDS:
            raise ValueError(f"unknown reminder event {kind!r}")
        self._write(_Op("reminder", {"kind": kind, "at": to_epoch(at), "reason": reason}))

    def log_checklist(self, answer: ChecklistAnswer) -> None:
        """Keep a finished checklist: the next break's short check is decided from it."""
        self._write(_Op("checklist", {
            "at": to_epoch(answer.at), "version": answer.version,
            "kind": ChecklistKind(answer.kind), "red_flag": int(bool(answer.red_flag)),
        }))

    def delete_session(self, session_id: int) -> bool:
        return self._write(_Op("delete", {}, session_id)) > 0

    def delete_all(self) -> int:
        """Delete every session and reminder event; returns the number of sessions."""
        return self._write(_Op("delete_all", {}))

    def add_sessions(self, records: Iterable[SessionRecord]) -> int:
        """Bulk-insert finished sessions (imports, benchmarks); ids are assigned anew."""
        columns = [c for c in _RECORD_COLUMNS if c != "id"] + ["updated_at"]
        sql = (f"INSERT INTO sessions ({', '.join(columns)}) "
               f"VALUES ({', '.join('?' * len(columns))})")

        def rows() -> Iterator[tuple[Any, ...]]:
            for r in records:
                values = [
                    (None if getattr(r, c) is None else to_epoch(getattr(r, c)))
                    if c in _TIME_COLUMNS else getattr(r, c)
                    for c in columns[:-1]
                ]
                yield (*values, values[columns.index("started_at")])

        with transaction(self._conn):
            return self._conn.executemany(sql, rows()).rowcount

    # -- reading -------------------------------------------------------------------

    def count(self, flt: SessionFilter | None = None) -> int:
        where, params = (flt or SessionFilter()).where()
        return int(self._conn.execute(f"SELECT COUNT(*) FROM sessions{where}", params)
                   .fetchone()[0])

    def _ordered(self, flt: SessionFilter | None, order: SortKey, descending: bool
                 ) -> tuple[str, list[Any]]:
        where, params = (flt or SessionFilter()).where()
        direction = "DESC" if descending else "ASC"
        terms = [f"{t} {direction}" for t in (*_ORDER[SortKey(order)], "id")]
        return f"{_SELECT}{where} ORDER BY {', '.join(terms)}", params

    def page(
        self,
        flt: SessionFilter | None = None,
        *,
        order: SortKey = SortKey.STARTED,
        descending: bool = True,
        offset: int = 0,
        limit: int = 200,
    ) -> list[SessionRecord]:
        """One page of sessions, sorted and filtered by SQLite (cheap at any size)."""
        sql, params = self._ordered(flt, order, descending)
        rows = self._conn.execute(f"{sql} LIMIT ? OFFSET ?", [*params, limit, offset])
        return [_record(r) for r in rows]

    def iter_sessions(
        self,
        flt: SessionFilter | None = None,
        *,
        order: SortKey = SortKey.STARTED,
        descending: bool = False,
    ) -> Iterator[SessionRecord]:
        """All matching sessions, streamed (oldest first by default)."""
        sql, params = self._ordered(flt, order, descending)
        cur = self._conn.execute(sql, params)
        while batch := cur.fetchmany(2000):
            for row in batch:
                yield _record(row)

    def get(self, session_id: int) -> SessionRecord | None:
        row = self._conn.execute(f"{_SELECT} WHERE id = ?", (session_id,)).fetchone()
        return None if row is None else _record(row)

    def routines(self) -> list[tuple[str, str]]:
        """(routine id, most recent title) of every routine in the log, by title."""
        ids = [r[0] for r in self._conn.execute("SELECT DISTINCT routine_id FROM sessions")]
        titled = [
            (rid, self._conn.execute(
                "SELECT routine_title FROM sessions WHERE routine_id = ? "
                "ORDER BY started_at DESC LIMIT 1", (rid,)).fetchone()[0])
            for rid in ids
        ]
        return sorted(titled, key=lambda item: (item[1].casefold(), item[0]))

    def last_full_checklist(self) -> ChecklistAnswer | None:
        """The most recent full checklist, a red flag first when two share a second.

        Sessions from before the ``checklists`` table count too (their checklist was
        the full one), so the short check works on the day of the update.
        """
        rows = [
            *self._conn.execute(
                "SELECT at, version, red_flag FROM checklists WHERE kind = 'full' "
                "ORDER BY at DESC, red_flag DESC LIMIT 1"
            ),
            *self._conn.execute(
                "SELECT checklist_confirmed_at, checklist_version, 0 FROM sessions "
                "WHERE checklist_confirmed_at IS NOT NULL AND checklist_version IS NOT NULL "
                "AND (checklist_kind IS NULL OR checklist_kind = 'full') "
                "ORDER BY checklist_confirmed_at DESC LIMIT 1"
            ),
        ]
        if not rows:
            return None
        at, version, red_flag = max(rows, key=lambda r: (r[0], r[2]))
        moment = from_epoch(at)
        assert moment is not None
        return ChecklistAnswer(moment, str(version), ChecklistKind.FULL, bool(red_flag))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Read-only SQL for :mod:`~massage_timer.core.storage.history.stats`."""
        return list(self._conn.execute(sql, params))

    def batches(
        self, sql: str, params: Sequence[Any] = (), size: int = 2000
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Read-only SQL, rows in lists of ``size`` (the export's fast path)."""
        cur = self._conn.execute(sql, params)
        while batch := cur.fetchmany(size):
            yield batch
