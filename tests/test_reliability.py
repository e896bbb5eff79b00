"""The reliability suite: crashes, bad files, broken voices, bad disks, privacy, long days.

What the other test files already cover is not repeated here (see test_loader.py for
the random-document properties, test_player.py for the session display); these tests
add the failure cases that cut across modules.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import reliability_child
from conftest import FakeClock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QTimer
from PySide6.QtMultimedia import QAudioDevice
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from routine_factory import hold, make_routine

from massage_timer.audio.playback import NO_OUTPUT, CuePlayer, SessionSound
from massage_timer.audio.speech import INSTALL_ESPEAK, SpeechSynth
from massage_timer.core.model.cues import Cue
from massage_timer.core.model.engine import Event, SessionFinished
from massage_timer.core.model.session import Outcome
from massage_timer.core.model.settings import Settings, replace
from massage_timer.core.storage.history import export
from massage_timer.core.storage.history.schema import SCHEMA_VERSION
from massage_timer.core.storage.history.store import (
    HistoryStore,
    SessionStart,
)
from massage_timer.core.storage.loader import (
    LoadedRoutine,
    Origin,
    RoutineLoadError,
    load_library,
    load_routine_file,
)
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.resources import builtin_routines_dir
from massage_timer.ui.app import create_main_window
from massage_timer.ui.reminders.service import ReminderController
from massage_timer.ui.session.flow import SessionFlow
from massage_timer.ui.wiring import App

CHILD = Path(reliability_child.__file__)
MONDAY_9AM = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


# -- helpers -------------------------------------------------------------------------


@dataclass
class RecordingSink:
    """A cue output that records; used where the sound path is not what is tested."""

    played: list[Cue] = field(default_factory=list)

    def prepare(self, lines: Sequence[str]) -> None:
        pass

    def play(self, cue: Cue) -> None:
        self.played.append(cue)

    def silence(self) -> None:
        pass

    def problem(self) -> str | None:
        return None


class WallClock:
    """A fake wall clock that moves together with a FakeClock (no suspend)."""

    def __init__(self, mono: FakeClock, start: datetime) -> None:
        self._mono, self._base, self._start = mono, mono.now, start

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=self._mono.now - self._base)


SHORT = make_routine(
    hold("Squeeze", seconds=6, prepare=2, sides=["left", "right"]),
    hold("Press", seconds=5, prepare=2),
)


def run_to_end(flow: SessionFlow, clock: FakeClock, step: float = 0.25) -> list[Event]:
    """Drive the flow's adapter with the fake clock until the session ends."""
    assert flow.adapter is not None and flow.engine is not None
    events: list[Event] = []
    flow.adapter.eventOccurred.connect(events.append)
    end = clock.now + flow.engine.planned_seconds + 1
    while clock.now < end and flow.outcome is None:
        clock.advance(step)
        flow.adapter.wake()
    return events


def notice_text(flow: SessionFlow) -> str:
    assert flow.window is not None
    label = flow.window.findChild(QLabel, "playerNotice")
    assert label is not None
    return label.text() if label.isVisibleTo(flow.window) else ""


def close_flow(flow: SessionFlow) -> None:
    if flow.summary is not None:
        flow.summary.accept()
    for widget in (flow.window, flow.summary):
        if widget is not None:
            widget.close()
            widget.deleteLater()
    flow.deleteLater()


def flush_deletes() -> None:
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        QCoreApplication.processEvents()
        gc.collect()


# -- (a) crash safety ---------------------------------------------------------------

CRASH_RUNS = 20
CRASH_STEPS = 5
CRASH_STEP_SECONDS = 0.25


@dataclass
class CrashRun:
    index: int
    history: Path
    delay: float
    lines: list[str]
    killed: bool


def _crash_run(index: int, folder: Path) -> CrashRun:
    """One child session, SIGKILLed ``delay`` seconds after its history row exists."""
    rng = random.Random(1000 + index)
    planned = CRASH_STEPS * CRASH_STEP_SECONDS
    delay = rng.uniform(0.0, planned * 1.15)
    history = folder / f"history-{index}.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(history), str(CRASH_STEPS), str(CRASH_STEP_SECONDS)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    assert proc.stdout is not None
    first = proc.stdout.readline().strip()  # waits on the child: its session has started
    killed = False
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.kill()  # SIGKILL: no handler, no flush, no close
        killed = True
    rest, _ = proc.communicate(timeout=30)
    return CrashRun(index, history, delay, [first, *rest.split()], killed)


def _parse(lines: list[str]) -> tuple[int | None, int, bool]:
    text = " ".join(lines)
    session = re.search(r"SESSION (\d+)", text)
    steps = [int(n) for n in re.findall(r"STEP (\d+)", text)]
    return (int(session.group(1)) if session else None, max(steps, default=0), "DONE" in text)


@pytest.mark.timeout(240)
def test_sessions_survive_sigkill_at_random_moments(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(lambda i: _crash_run(i, tmp_path), range(CRASH_RUNS)))
    outcomes: dict[Outcome, int] = {}
    for run in runs:
        session_id, printed_steps, done = _parse(run.lines)
        assert session_id is not None, f"run {run.index}: the child never started: {run.lines}"
        store, notices = HistoryStore.open(run.history)
        rows = store.page(limit=10)
        store.close()
        assert len(rows) == 1, f"run {run.index}: {rows}"
        row = rows[0]
        outcomes[row.outcome] = outcomes.get(row.outcome, 0) + 1
        assert row.id == session_id and row.steps_total == CRASH_STEPS
        if done:
            assert row.outcome is Outcome.COMPLETED and row.steps_completed == CRASH_STEPS
            assert notices == []
            continue
        # The kill can land between the write and the print, never before the write.
        assert row.steps_completed in (printed_steps, printed_steps + 1), (run, row)
        if row.outcome is Outcome.COMPLETED:
            assert row.steps_completed == CRASH_STEPS
            continue
        assert row.outcome is Outcome.INTERRUPTED, (run, row)
        assert row.current_step == row.steps_completed
        assert row.ended_at is not None
        assert any(f"interrupted at step {row.current_step + 1} of {CRASH_STEPS}" in n
                   for n in notices), notices
    assert sum(outcomes.values()) == CRASH_RUNS
    assert outcomes.get(Outcome.INTERRUPTED, 0) >= CRASH_RUNS // 2, outcomes  # mostly mid-session


# -- (b) bad routine files ----------------------------------------------------------

SHIPPED = sorted(builtin_routines_dir().glob("*.toml"))


def _check_errors(path: Path, exc: RoutineLoadError) -> None:
    assert exc.errors, "an error with no reasons"
    for error in exc.errors:
        assert error.file == path
        assert error.location.strip(), error
        assert error.message.strip(), error
        assert str(path) in str(error)


MUTATIONS = st.one_of(
    st.tuples(st.just("cut"), st.integers(0, 10**6), st.integers(1, 400), st.just("")),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.just(0),
              st.sampled_from(['"', "[[", "]]", "=", "\n[steps]\n", "\x00", "é", "\ufffd",
                               "seconds = -1\n", "seconds = 1e999\n", 'kind = "tickle"\n',
                               "regions = [\"../../etc\"]\n", "\n" + "x" * 3000 + "\n"])),
    st.tuples(st.just("number"), st.integers(0, 10**6), st.just(0),
              st.sampled_from(["-5", "0", "99999", "nan", "inf", "1.5", '"7"', "true"])),
    st.tuples(st.just("dupline"), st.integers(0, 10**6), st.just(0), st.just("")),
    st.tuples(st.just("dropline"), st.integers(0, 10**6), st.just(0), st.just("")),
)


def mutate(text: str, mutation: tuple[str, int, int, str]) -> str:
    kind, at, length, insert = mutation
    lines = text.splitlines(keepends=True)
    if kind == "cut":
        start = at % max(len(text), 1)
        return text[:start] + text[start + length:]
    if kind == "insert":
        start = at % (len(text) + 1)
        return text[:start] + insert + text[start:]
    if kind == "number":
        numbers = list(re.finditer(r"(?<=[=\[ ,])\s*-?\d+(\.\d+)?", text))
        if not numbers:
            return text
        m = numbers[at % len(numbers)]
        return text[:m.start()] + " " + insert + text[m.end():]
    index = at % len(lines)
    if kind == "dupline":
        return "".join(lines[:index + 1] + lines[index:])
    return "".join(lines[:index] + lines[index + 1:])


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=st.sampled_from(SHIPPED), mutations=st.lists(MUTATIONS, min_size=1, max_size=3))
def test_mutated_shipped_routines_never_crash_the_loader(
    tmp_path: Path, source: Path, mutations: list[tuple[str, int, int, str]]
) -> None:
    text = source.read_text(encoding="utf-8")
    for mutation in mutations:
        text = mutate(text, mutation)
    path = tmp_path / source.name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        routine = load_routine_file(path)
    except RoutineLoadError as exc:
        _check_errors(path, exc)
    else:
        assert routine.steps  # a mutation that keeps the file valid is fine


@settings(max_examples=max(10, settings().max_examples // 10),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(SHIPPED), st.lists(MUTATIONS, max_size=2)),
                min_size=1, max_size=8))
def test_a_folder_of_mutated_files_keeps_the_good_ones(
    tmp_path_factory: pytest.TempPathFactory,
    files: list[tuple[Path, list[tuple[str, int, int, str]]]],
) -> None:
    root = tmp_path_factory.mktemp("lib")
    paths = AppPaths.portable(root)
    folder = paths.user_routines_dir
    folder.mkdir(parents=True)
    expected_good: set[str] = set()
    for i, (source, mutations) in enumerate(files):
        text = source.read_text(encoding="utf-8")
        # A unique id, so that good copies do not collide with each other.
        text = re.sub(r'^id = "([a-z0-9-]+)"', rf'id = "\1-copy-{i}"', text, count=1,
                      flags=re.M)
        for mutation in mutations:
            text = mutate(text, mutation)
        path = folder / f"r{i:02d}.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        with contextlib.suppress(RoutineLoadError):
            expected_good.add(load_routine_file(path).id)
    library = load_library(paths)
    loaded_user = {r.routine.id for r in library.routines if r.origin is Origin.USER}
    duplicate_errors = [e for e in library.errors if e.location == "id"]
    assert loaded_user <= expected_good
    assert len(expected_good - loaded_user) <= len(duplicate_errors)
    assert {r.routine.id for r in library.routines if r.origin is Origin.BUILTIN} == {
        load_routine_file(p).id for p in SHIPPED
    }  # the shipped routines are unaffected by the user's broken files
    for error in library.errors:
        assert error.file.parent == folder and error.location.strip() and error.message


def test_main_window_starts_over_a_folder_of_broken_routines(
    qtbot: QtBot, app_paths: AppPaths
) -> None:
    folder = app_paths.user_routines_dir
    folder.mkdir(parents=True)
    (folder / "broken.toml").write_text('id = "x"\ntitle = ', encoding="utf-8")
    (folder / "binary.toml").write_bytes(b"\xff\xfe\x00garbage")
    window = create_main_window(app_paths, Settings())
    qtbot.addWidget(window)
    window.show()
    library = load_library(app_paths)
    assert {e.file.name for e in library.errors} == {"broken.toml", "binary.toml"}
    assert len(library.routines) == len(SHIPPED)


# -- (c) voice failures -------------------------------------------------------------


# With a pretend device, QSoundEffect says so when it tries to load the tones.
pretend_device = pytest.mark.qt_log_ignore("QSoundEffect: playback of this format.*")


def _fake_outputs() -> list[QAudioDevice]:
    """Pretend one output exists, so that the player reports the voice problem itself."""
    return [QAudioDevice()]


def _voice_session(
    qtbot: QtBot, tmp_path: Path, clock: FakeClock, factory: Callable[[], Any] | None,
    outputs: Callable[[], list[QAudioDevice]] = _fake_outputs,
) -> tuple[SessionFlow, list[Event], HistoryStore, SpeechSynth | None]:
    synth = None
    settings_ = Settings(voice_enabled=True, tones_enabled=False)
    if factory is not None:
        synth = SpeechSynth(tmp_path / "speech", factory=factory, engine_id="test",
                            line_timeout=0.5, start_timeout=20, max_restarts=1)
        from massage_timer.core.model.cues import CueOptions, lines_for_routine

        synth.prepare(lines_for_routine(SHORT, CueOptions.from_settings(settings_)))
        assert synth.wait_idle(60)  # waits on the worker process, not on a timer
    player = CuePlayer(synth, outputs=outputs)
    store, _ = HistoryStore.open(tmp_path / "history.sqlite3")
    loaded = LoadedRoutine(SHORT, tmp_path / "short.toml", Origin.USER, "abc")
    flow = SessionFlow(loaded, settings_, store, SessionSound(player, synth),
                       clock=clock, wall_clock=lambda: MONDAY_9AM)
    flow.start_player(None)
    assert flow.window is not None
    qtbot.addWidget(flow.window)
    started = clock.now
    events = run_to_end(flow, clock)
    # The session ends on time: the finish falls due exactly at its planned moment.
    finished = [e for e in events if isinstance(e, SessionFinished)]
    assert finished and finished[0].at == pytest.approx(started + SHORT.total_seconds())
    row = store.get(flow.session_id or 0)
    assert row is not None and row.outcome is Outcome.COMPLETED
    assert row.steps_completed == len(SHORT.steps)
    return flow, events, store, synth


@pretend_device
def test_synthesizer_that_cannot_start(qtbot: QtBot, tmp_path: Path,
                                        fake_clock: FakeClock) -> None:
    flow, _, store, synth = _voice_session(qtbot, tmp_path, fake_clock,
                                           reliability_child.raising_at_start)
    assert synth is not None and not synth.available()
    assert notice_text(flow) == INSTALL_ESPEAK
    synth.close()
    close_flow(flow)
    store.close()


@pretend_device
def test_synthesizer_that_hangs(qtbot: QtBot, tmp_path: Path,
                                fake_clock: FakeClock) -> None:
    flow, _, store, synth = _voice_session(qtbot, tmp_path, fake_clock,
                                           reliability_child.hanging_renderer)
    assert synth is not None
    assert synth.stats.rendered == 0 and synth.stats.restarts == 1
    assert "keeps failing" in notice_text(flow)
    synth.close()
    close_flow(flow)
    store.close()


@pretend_device
@pytest.mark.parametrize(
    "factory", [reliability_child.raising_renderer, reliability_child.empty_renderer],
    ids=["raises", "empty-clip"],
)
def test_synthesizer_whose_lines_fail(qtbot: QtBot, tmp_path: Path, fake_clock: FakeClock,
                                      factory: Callable[[], Any]) -> None:
    flow, _, store, synth = _voice_session(qtbot, tmp_path, fake_clock, factory)
    assert synth is not None and synth.stats.failed > 0 and synth.stats.rendered == 0
    assert synth.last_error  # the reason is kept for the log and the self-check
    assert "could not be made" in notice_text(flow)
    synth.close()
    close_flow(flow)
    store.close()


def test_no_audio_device(qtbot: QtBot, tmp_path: Path, fake_clock: FakeClock) -> None:
    flow, _, store, _ = _voice_session(qtbot, tmp_path, fake_clock, None, outputs=list)
    assert notice_text(flow) == NO_OUTPUT
    close_flow(flow)
    store.close()


# -- (d) storage failures -----------------------------------------------------------


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


def _start(store: HistoryStore) -> int:
    return store.start_session(SessionStart(
        routine_id="r", routine_title="R", routine_version="1", content_hash=None,
        planned_seconds=60, steps_total=3, checklist_version=None,
        checklist_confirmed_at=None, pain_before=None, started_at=MONDAY_9AM,
    ))


def _bootstrap(qtbot: QtBot, paths: AppPaths) -> tuple[list[str], HistoryStore, str]:
    """The app's real start-up (App): settings, history, window, notice."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controller = App(app, paths)
    _CONTROLLERS.append(controller)
    return controller.notices, controller.history, "\n".join(controller.window.notices())


_CONTROLLERS: list[App] = []


@pytest.fixture(autouse=True)
def _shut_down_controllers() -> Iterator[None]:
    yield
    while _CONTROLLERS:
        controller = _CONTROLLERS.pop()
        controller.shutdown()
        controller.deleteLater()


def test_corrupt_settings_and_history_are_kept_aside(qtbot: QtBot, app_paths: AppPaths) -> None:
    app_paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    app_paths.history_file.parent.mkdir(parents=True, exist_ok=True)
    app_paths.settings_file.write_bytes(b"theme = [unclosed\n\xff")
    app_paths.history_file.write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    before = _snapshot(app_paths.data_dir if hasattr(app_paths, "data_dir") else
                       app_paths.history_file.parent)
    notices, store, shown = _bootstrap(qtbot, app_paths)
    assert any("settings file could not be read" in n for n in notices), notices
    assert any("history file could not be read" in n for n in notices), notices
    assert "kept" in shown and "moved" in shown
    _start(store)  # the fresh store works
    store.close()
    kept = set()
    for folder in {app_paths.settings_file.parent, app_paths.history_file.parent}:
        kept |= {p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert set(before.values()) <= kept  # nothing deleted: every old byte is still there


def test_history_from_a_newer_version_is_left_alone(qtbot: QtBot, app_paths: AppPaths) -> None:
    app_paths.history_file.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(app_paths.history_file)
    conn.execute("CREATE TABLE sessions (id INTEGER PRIMARY KEY, future TEXT)")
    conn.execute("INSERT INTO sessions (future) VALUES ('keep me')")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    conn.commit()
    conn.close()
    original = app_paths.history_file.read_bytes()
    _notices, store, shown = _bootstrap(qtbot, app_paths)
    assert "newer version" in shown
    assert store.in_memory
    _start(store)
    store.close()
    assert app_paths.history_file.read_bytes() == original


def test_read_only_data_folder(qtbot: QtBot, app_paths: AppPaths,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    folder = app_paths.history_file.parent
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        # root ignores file modes: make SQLite see what a read-only folder gives it.
        from massage_timer.core.storage.history import store as history

        def readonly(*_a: object, **_k: object) -> sqlite3.Connection:
            raise sqlite3.OperationalError("attempt to write a readonly database")
        monkeypatch.setattr(history, "_open_disk", readonly)
    else:
        folder.chmod(0o555)
    try:
        _notices, store, shown = _bootstrap(qtbot, app_paths)
        assert "cannot be saved" in shown and store.in_memory
        session = _start(store)
        store.step_completed(session, 1, 1, 10.0)
        assert store.get(session) is not None and store.pending_writes == 2
        store.close()
    finally:
        folder.chmod(0o755)


class _FullDisk:
    """A connection whose writes fail as SQLite does when the disk is full."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.startswith("BEGIN"):
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def test_full_disk_keeps_the_session_and_writes_it_later(app_paths: AppPaths) -> None:
    app_paths.history_file.parent.mkdir(parents=True, exist_ok=True)
    store, _ = HistoryStore.open(app_paths.history_file)
    session = _start(store)
    store._conn = _FullDisk(store._conn)  # type: ignore[assignment]
    store.step_completed(session, 1, 1, 20.0)
    store.finish_session(session, Outcome.COMPLETED, MONDAY_9AM + timedelta(minutes=1), 60.0,
                         3)
    assert store.in_memory
    assert any("cannot be saved" in n for n in store.pop_notices())
    assert store.flush()  # the disk has room again
    assert any("saved" in n for n in store.pop_notices())
    store.close()
    again, notices = HistoryStore.open(app_paths.history_file)
    row = again.get(session)
    again.close()
    assert notices == [] and row is not None
    assert row.outcome is Outcome.COMPLETED and row.steps_completed == 3


# -- (e) privacy --------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Fail on any Python-level AF_INET/AF_INET6 socket; AF_UNIX is fine."""
    attempts: list[tuple[int, int]] = []
    real = socket.socket

    class Guarded(real):  # type: ignore[misc, valid-type]
        def __init__(self, family: int = -1, type: int = -1, *args: Any, **kw: Any) -> None:
            fam = socket.AF_INET if family == -1 else family
            if fam in (socket.AF_INET, socket.AF_INET6):
                attempts.append((fam, type))
                raise AssertionError(f"network socket opened: family={fam}")
            super().__init__(family, type, *args, **kw)

    monkeypatch.setattr(socket, "socket", Guarded)
    return attempts


def test_session_reminder_and_export_open_no_network_socket(
    qtbot: QtBot, tmp_path: Path, fake_clock: FakeClock, no_network: list[tuple[int, int]]
) -> None:
    # A full session through the real player (no device here, so it shows a notice).
    player = CuePlayer(None)
    store, _ = HistoryStore.open(tmp_path / "history.sqlite3")
    loaded = LoadedRoutine(SHORT, tmp_path / "s.toml", Origin.USER, "abc")
    flow = SessionFlow(loaded, Settings(), store, SessionSound(player),
                       clock=fake_clock, wall_clock=lambda: MONDAY_9AM)
    flow.start_player(None)
    assert flow.window is not None
    qtbot.addWidget(flow.window)
    run_to_end(flow, fake_clock)
    assert flow.outcome is Outcome.COMPLETED
    close_flow(flow)
    # A reminder falls due and is logged.
    wall = WallClock(fake_clock, MONDAY_9AM)
    shown: list[str] = []
    controller = ReminderController(
        replace(Settings(), reminders_enabled=True, reminder_interval_minutes=30),
        log_event=store.log_reminder, monotonic=fake_clock, wall=wall, tz=UTC,
    )
    controller.reminderDue.connect(lambda: shown.append("due"))
    controller.start()
    fake_clock.advance(30 * 60 + 1)
    controller.timer.timeout.emit()
    assert shown == ["due"]
    controller.stop()
    # Both export formats.
    for fmt in ("csv", "json"):
        out = io.StringIO()
        assert export.write(store, None, out, fmt, UTC) == 1
    export.export_to_file(store, None, tmp_path / "out.csv", "csv", UTC)
    store.close()
    assert no_network == []


def test_the_guard_catches_a_network_socket(no_network: list[tuple[int, int]]) -> None:
    with pytest.raises(AssertionError, match="network socket"):
        socket.create_connection(("127.0.0.1", 9), timeout=0.01)
    left, right = socket.socketpair()  # AF_UNIX stays allowed
    left.close()
    right.close()
    assert no_network and no_network[0][0] == socket.AF_INET


# -- (f) long run -------------------------------------------------------------------


def _live_qt() -> dict[str, int]:
    gc.collect()
    objects = [o for o in gc.get_objects() if isinstance(o, QObject)]
    return {
        "qobjects": len(objects),
        "timers": sum(isinstance(o, QTimer) for o in objects),
        "widgets": len(QApplication.allWidgets()),
        "app_children": len(QCoreApplication.instance().children()),  # type: ignore[union-attr]
    }


def _settle(timeout: float = 5.0) -> None:
    """Run the event loop until no ``QTimer.singleShot`` is pending, then delete what
    is to be deleted (the reminders' own timer, which the test drives, stays). A session
    hands a few things to real-time single shots (the dialogs' memory given back 100 ms
    after the player starts), which the fake clocks do not drive: counted at once, they
    are there or not depending on the machine's speed."""
    deadline = time.monotonic() + timeout

    def pending() -> bool:  # QTimer.singleShot's own timers have no parent
        return any(isinstance(o, QTimer) and o.isActive() and o.isSingleShot()
                   and o.parent() is None for o in gc.get_objects())

    while pending() and time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    flush_deletes()


def workday(folder: Path) -> dict[str, Any]:
    """An eight-hour workday: a reminder every 30 minutes and a whole session at each,
    on fake clocks. The live Qt objects after the first hour (the warm-up, which fills
    the caches) and at the end."""
    fake_clock = FakeClock()
    wall = WallClock(fake_clock, MONDAY_9AM)
    store, _ = HistoryStore.open(folder / "history.sqlite3")
    settings_ = replace(Settings(), reminders_enabled=True, reminder_interval_minutes=30)
    controller = ReminderController(settings_, log_event=store.log_reminder,
                                    monotonic=fake_clock, wall=wall, tz=UTC)
    loaded = LoadedRoutine(SHORT, folder / "s.toml", Origin.USER, "abc")
    sessions = 0

    def on_due() -> None:
        nonlocal sessions
        controller.start_break()
        flow = SessionFlow(loaded, settings_, store, RecordingSink(), clock=fake_clock,
                           wall_clock=wall)
        flow.start_player(None)
        run_to_end(flow, fake_clock)
        assert flow.outcome is Outcome.COMPLETED
        close_flow(flow)
        controller.record_break()
        sessions += 1

    controller.reminderDue.connect(on_due)
    controller.start()

    def work_until(end: datetime) -> None:
        while wall() < end:
            wait = controller.schedule.next_wakeup()
            assert wait is not None
            fake_clock.advance(max(wait, 0.001))
            controller.timer.timeout.emit()
        flush_deletes()

    work_until(MONDAY_9AM + timedelta(hours=1))  # warm-up: first session, caches filled
    _settle()
    before, count_before = _live_qt(), sessions
    work_until(MONDAY_9AM + timedelta(hours=8))
    _settle()
    after = _live_qt()
    controller.stop()
    store.close()
    return {"before": before, "after": after, "sessions": sessions - count_before}


WORKDAY_CHILD = """
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
import test_reliability
print("COUNTS " + json.dumps(test_reliability.workday(Path(sys.argv[1]))), flush=True)
"""


def test_eight_hour_workday_has_no_growth(tmp_path: Path) -> None:
    """In a process of its own: it counts every live Qt object there, and in the test
    process other tests' leftovers (their pending real-time timers) came and went in
    the middle of the day."""
    done = subprocess.run([sys.executable, "-c", WORKDAY_CHILD, str(tmp_path)],
                          capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parent, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("COUNTS "))
    counts = json.loads(line.removeprefix("COUNTS "))
    before, after = counts["before"], counts["after"]
    assert counts["sessions"] >= 12, counts  # every 30 min, for 7 hours
    assert before["qobjects"] > 0 and before["timers"] > 0  # the count sees Qt objects
    assert after == before, (before, after)
