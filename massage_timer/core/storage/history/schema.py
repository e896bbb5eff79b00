"""The history file's tables, and the migrations that bring an older file up to date.

The schema version is SQLite's ``user_version``; a file newer than this code is refused
and left exactly as it is, so an older app never damages a newer one's history.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from massage_timer.core.model.language import _

# MIGRATIONS[i] takes the schema from version i to i + 1; never edit a shipped entry.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            routine_id TEXT NOT NULL,
            routine_title TEXT NOT NULL,
            routine_version TEXT,
            content_hash TEXT,
            planned_seconds REAL NOT NULL,
            steps_total INTEGER NOT NULL,
            checklist_version TEXT,
            checklist_confirmed_at INTEGER,
            pain_before INTEGER,
            pain_after INTEGER,
            started_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            ended_at INTEGER,
            outcome TEXT NOT NULL DEFAULT 'running'
                CHECK (outcome IN ('running', 'completed', 'stopped', 'interrupted')),
            active_seconds REAL NOT NULL DEFAULT 0,
            steps_completed INTEGER NOT NULL DEFAULT 0,
            current_step INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX sessions_started ON sessions (started_at)",
        """CREATE TABLE reminders (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('shown', 'started', 'snoozed', 'skipped')),
            at INTEGER NOT NULL
        )""",
        "CREATE INDEX reminders_at ON reminders (at)",
    ),
    (
        "ALTER TABLE sessions ADD COLUMN note TEXT",
        "CREATE INDEX sessions_routine ON sessions (routine_id, started_at, active_seconds)",
        "CREATE INDEX sessions_title ON sessions (routine_title COLLATE NOCASE, started_at)",
        "CREATE INDEX sessions_duration ON sessions (active_seconds, started_at)",
        "CREATE INDEX sessions_outcome ON sessions (outcome, started_at)",
        "CREATE INDEX sessions_pain ON sessions (pain_before, pain_after, started_at)",
        "CREATE INDEX sessions_counted ON sessions (started_at) "
        "WHERE outcome = 'completed' OR steps_completed > 0",
    ),
    (
        # NULL: a session from before the short check, so its checklist was the full one.
        "ALTER TABLE sessions ADD COLUMN checklist_kind TEXT "
        "CHECK (checklist_kind IN ('full', 'short'))",
        # Every finished checklist, a red flag included (no session row is written then),
        # so the short check is offered only after a full checklist answered all No.
        """CREATE TABLE checklists (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            version TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('full', 'short')),
            red_flag INTEGER NOT NULL DEFAULT 0 CHECK (red_flag IN (0, 1))
        )""",
        "CREATE INDEX checklists_kind_at ON checklists (kind, at)",
        "CREATE INDEX sessions_full_checklist ON sessions (checklist_confirmed_at) "
        "WHERE checklist_kind IS NULL OR checklist_kind = 'full'",
    ),
    # A reminder held back while the person was busy is logged as 'deferred', with why.
    # SQLite cannot widen a CHECK in place, so the table is rebuilt with every row kept.
    (
        """CREATE TABLE reminders_new (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL
                CHECK (kind IN ('shown', 'started', 'snoozed', 'skipped', 'deferred')),
            at INTEGER NOT NULL,
            reason TEXT
        )""",
        "INSERT INTO reminders_new (id, kind, at) SELECT id, kind, at FROM reminders",
        "DROP TABLE reminders",
        "ALTER TABLE reminders_new RENAME TO reminders",
        "CREATE INDEX reminders_at ON reminders (at)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class HistoryError(Exception):
    """A history problem the user has to be told about."""


class NewerHistoryError(HistoryError):
    """The file was written by a newer Massage Timer; it is left exactly as it is."""


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring ``conn`` from its ``user_version`` up to ``target``; returns the old version."""
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if current > SCHEMA_VERSION:
        raise NewerHistoryError(
            _("The history file was written by a newer version of Massage Timer "
              "(format {found}; this version reads up to {known}). "
              "It was left untouched: update Massage Timer to see it.").format(
                found=current, known=SCHEMA_VERSION)
        )
    if current < target:
        with transaction(conn):
            for version in range(current, target):
                for statement in MIGRATIONS[version]:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(target)}")
    return current


def expected_columns(version: int) -> dict[str, set[str]]:
    """Tables and columns the schema has at ``version`` (built from the migrations)."""
    probe = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(probe, version)
        return columns(probe)
    finally:
        probe.close()


def columns(conn: sqlite3.Connection) -> dict[str, set[str]]:
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )]
    return {t: {r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')} for t in tables}
