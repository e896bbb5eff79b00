"""Storage faults end in a working app: a real full disk, special files in place of the
app's own, unreadable files as a real non-root user, a real non-UTF-8 locale.

The promise tested here: a clear message, the app still working, nothing lost that
could be kept, and nothing overwritten that could not be read.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import FakeClocks
from fs_faults import fill, full_tmpfs, give_to_nobody, latin1_locale, run_as_nobody
from routine_factory import hold, make_routine

from massage_timer.core.model.cues import CueOptions
from massage_timer.core.model.session import NO_PREAMBLE, Outcome, Session
from massage_timer.core.model.settings import Settings
from massage_timer.core.storage.history.store import HistoryStore
from massage_timer.core.storage.loader import load_library
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.settings_file import load_settings, save_settings

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
TWO_STEPS = make_routine(hold("Tilt", seconds=4, prepare=1), hold("Press", seconds=4, prepare=1))


class Mute:
    def prepare(self, lines: object) -> None: ...
    def play(self, cue: object) -> None: ...
    def silence(self) -> None: ...


def _start_app(data: Path, *, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real app, started and quit once its deferred start-up has run."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MASSAGE_TIMER_STARTUP_MARK": "exit",
           "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "massage_timer", "--data-dir", str(data)],
                          capture_output=True, text=True, timeout=timeout, env=env, check=False)


def test_the_app_starts_and_quits_on_a_full_disk(tmp_path: Path) -> None:
    with full_tmpfs(tmp_path / "disk") as disk:
        done = _start_app(disk / "app")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "massage-timer: shown" in done.stderr


def test_fifos_in_place_of_settings_and_history_are_left_alone(tmp_path: Path) -> None:
    paths = AppPaths.portable(tmp_path)
    paths.config_dir.mkdir(parents=True)
    paths.data_dir.mkdir(parents=True)
    os.mkfifo(paths.settings_file)
    os.mkfifo(paths.history_file)
    done = _start_app(tmp_path, timeout=30)  # a FIFO opened for reading would hang
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert stat.S_ISFIFO(paths.settings_file.stat().st_mode)
    assert stat.S_ISFIFO(paths.history_file.stat().st_mode)
    _settings, notices = load_settings(paths.settings_file)
    assert notices == [f"{paths.settings_file} is a named pipe (FIFO), not a regular file: "
                       "defaults are used and it is left as it is."]
    store, notices = HistoryStore.open(paths.history_file)
    assert store.in_memory and "named pipe" in notices[0]
    store.close()


def test_a_session_on_a_full_disk_keeps_its_records_and_writes_them_when_there_is_room(
    tmp_path: Path,
) -> None:
    fake_clocks = FakeClocks(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    with full_tmpfs(tmp_path / "disk", size="1m") as disk:
        for filler in disk.glob("filler-*"):
            filler.unlink()
        db = disk / "history.sqlite3"
        store, notices = HistoryStore.open(db, now=fake_clocks.wall)
        assert notices == [] and not store.in_memory
        session = Session(TWO_STEPS, store, Mute(), options=CueOptions(),
                          clock=fake_clocks.monotonic, wall_clock=fake_clocks.wall)
        session.start(NO_PREAMBLE)
        sid = session.session_id
        assert sid is not None

        fake_clocks.advance(2.0)
        session.update()
        filler = fill(disk)  # the disk fills up mid-session
        while session.outcome is Outcome.RUNNING:
            fake_clocks.advance(0.5)
            session.update()
        assert store.in_memory and store.pending_writes > 0
        assert any("kept in memory" in n for n in store.pop_notices())
        record = store.get(sid)
        assert record is not None and record.outcome is Outcome.COMPLETED
        filler.unlink()  # room again: the next write (or the retry) saves it all
        assert store.flush()
        store.close()
        again, notices = HistoryStore.open(db)
        saved = again.get(sid)
        again.close()
    assert notices == []
    assert saved is not None and saved.outcome is Outcome.COMPLETED
    assert saved.steps_completed == saved.steps_total == 2


def test_settings_on_a_full_disk_keep_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "disk" / "settings.toml"
    with full_tmpfs(tmp_path / "disk", size="1m") as disk:
        for filler in disk.glob("filler-*"):
            filler.unlink()
        save_settings(path, load_settings(path)[0])
        before = path.read_bytes()
        fill(disk)
        with pytest.raises(OSError):
            save_settings(path, Settings(voice_rate=111, window_geometry="A" * 8000))
        assert path.read_bytes() == before
        assert sorted(p.name for p in disk.iterdir() if not p.name.startswith("filler"))  \
            == ["settings.toml"]  # no temp file left behind


UNREADABLE_SETTINGS = """
import sys
from pathlib import Path
from massage_timer.core.storage.settings_file import load_settings
settings, notices = load_settings(Path(sys.argv[1]))
print(notices)
"""


def test_an_unreadable_settings_file_is_moved_aside_not_overwritten(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    settings = config / "settings.toml"
    settings.write_text("voice_rate = 111\n")
    settings.chmod(0o000)
    give_to_nobody(config)
    os.chown(settings, 0, 0)  # the user cannot read it, but may rename it in their folder
    done = run_as_nobody(UNREADABLE_SETTINGS, str(settings))
    assert done.returncode == 0, done.stderr
    assert "could not be read" in done.stdout and "Permission denied" in done.stdout
    kept = [p for p in config.iterdir() if p.name.startswith("settings.corrupt-")]
    assert len(kept) == 1 and kept[0].read_text() == "voice_rate = 111\n"
    assert not settings.exists()


EXPORT = """
import sys
from massage_timer.cli import main
sys.exit(main(["history", "--data-dir", sys.argv[1], "--format", "json"]))
"""


def test_export_works_from_a_read_only_data_folder(tmp_path: Path) -> None:
    paths = AppPaths.portable(tmp_path / "portable")
    paths.data_dir.mkdir(parents=True)
    store, _ = HistoryStore.open(paths.history_file)
    store.log_reminder("shown", datetime(2026, 1, 5, 9, tzinfo=UTC))
    store.close()
    for folder in (tmp_path / "portable", paths.data_dir):
        give_to_nobody(folder)
    paths.history_file.chmod(0o644)
    paths.data_dir.chmod(0o555)
    done = run_as_nobody(EXPORT, str(tmp_path / "portable"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("command", [["validate"], ["routines"], ["history"]])
def test_non_ascii_text_under_a_latin1_locale(command: list[str], tmp_path: Path) -> None:
    routine = tmp_path / "r" / "mine.toml"
    routine.parent.mkdir()
    routine.write_text((REPO / "routines" / "desk-micro-break.toml").read_text(
        encoding="utf-8").replace('id = "desk-micro-break"', 'id = "mine"').replace(
        'title = "', 'title = "Épaules 中文 ✓ ', 1), encoding="utf-8")
    args = {"validate": [str(routine)], "routines": ["--routines-dir", str(routine.parent)],
            "history": []}[command[0]]
    with latin1_locale() as env:
        done = subprocess.run(
            [sys.executable, "-m", "massage_timer", *command, "--data-dir", str(tmp_path / "d"),
             *args], capture_output=True, timeout=60, check=False,
            env={**env, "PYTHONPATH": str(REPO)},
        )
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    if command[0] != "history":
        out = done.stdout.decode("latin-1")
        assert "Épaules ?? ?" in out  # what latin-1 cannot show is replaced, not a crash


def test_a_routine_whose_text_points_an_image_at_a_fifo_cannot_hang_the_start(
    tmp_path: Path,
) -> None:
    """Rich text would make Qt open the FIFO for reading and wait for ever."""
    short = Path(tempfile.mkdtemp(prefix="t", dir="/tmp"))
    fifo = short / "f"
    os.mkfifo(fifo)
    folder = AppPaths.portable(tmp_path / "app").user_routines_dir
    folder.mkdir(parents=True)
    trap = f"<img src='{fifo}'>"
    text = (REPO / "routines" / "desk-micro-break.toml").read_text(encoding="utf-8")
    for key in ("title",):
        text = text.replace(f'{key} = "', f'{key} = "{trap} ', 1)
    text = text.replace('cue = "', f'cue = "{trap}', 1)
    (folder / "desk-micro-break.toml").write_text(text, encoding="utf-8")
    library = load_library(AppPaths.portable(tmp_path / "app"))
    assert library.errors == []
    assert library.get("desk-micro-break").routine.title.startswith(trap)  # type: ignore[union-attr]
    try:
        done = _start_app(tmp_path / "app", timeout=45)
    finally:
        shutil.rmtree(short, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    assert "massage-timer: shown" in done.stderr


@pytest.mark.parametrize("answers", [["keep"], ["retry-still-full", "quit"], ["retry-freed"]])
def test_quitting_with_sessions_the_full_disk_refused_asks_first(
    qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers: list[str],
) -> None:
    """The sessions kept in memory while the disk was full ended with the process, and
    only a log line said so. Now Quit asks: try again, keep running, or lose them."""
    from PySide6.QtWidgets import QApplication
    from test_history_store import start

    from massage_timer.ui import questions
    from massage_timer.ui.wiring import App

    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    with full_tmpfs(tmp_path / "disk", size="2m") as disk:
        for filler in disk.glob("filler-*"):
            filler.unlink()
        paths = AppPaths.portable(disk / "app")
        app = App(qapp, paths)
        quits: list[bool] = []
        monkeypatch.setattr(app.app, "quit", lambda: quits.append(True))
        try:
            filler = fill(disk)  # the disk fills up before the session
            sid = app.history.start_session(start())
            assert app.history.in_memory and app.history.unsaved_sessions == 1
            asked: list[tuple[int, Path, str]] = []
            replies = iter(answers)

            def ask(_parent: object, sessions: int, path: Path,
                    reason: str) -> questions.UnsavedHistory:
                asked.append((sessions, path, reason))
                reply = next(replies)
                if reply == "retry-freed":
                    filler.unlink()
                return {"keep": questions.UnsavedHistory.KEEP,
                        "quit": questions.UnsavedHistory.QUIT}.get(
                            reply, questions.UnsavedHistory.RETRY)

            monkeypatch.setattr(questions, "ask_unsaved_history", ask)
            app.quit()
            assert len(asked) == len(answers)
            assert all(a[:2] == (1, paths.history_file) for a in asked)
            assert "space" in asked[0][2].lower() or "full" in asked[0][2].lower()
            assert quits == ([] if answers == ["keep"] else [True])
            saved = answers == ["retry-freed"]
            assert app.history.in_memory is not saved
        finally:
            app.shutdown()
            app.deleteLater()
        again, _notices = HistoryStore.open(paths.history_file)
        try:
            assert (again.get(sid) is not None) is saved
        finally:
            again.close()


def test_the_unsaved_history_question_keeps_everything_on_enter_and_escape(
    qtbot: object,
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from massage_timer.ui import questions

    for sessions, words in ((1, "1 session could not be saved"),
                            (3, "3 sessions could not be saved"),
                            (0, "reminder and checklist records")):
        box, lose, retry = questions.unsaved_history_question(
            None, sessions, Path("/d/history.sqlite3"), "No space left on device")
        assert words in box.text() and "/d/history.sqlite3" in box.text()
        assert "No space left on device" in box.text()
        assert box.textFormat() is Qt.TextFormat.PlainText
        assert box.defaultButton() not in (lose, retry)
        assert box.buttonRole(box.defaultButton()) == QMessageBox.ButtonRole.RejectRole
        assert box.escapeButton() is box.defaultButton()
        assert {lose.text(), retry.text()} == {"&Quit and lose them", "&Try again"}
        box.deleteLater()


def test_a_data_folder_that_is_a_file_is_named_in_every_notice(
    qtbot: object, tmp_path: Path,
) -> None:
    """``--data-dir`` given a file: the notices blamed a settings file that was never
    there ("could not be renamed: Not a directory") and a disk that was fine."""
    from PySide6.QtWidgets import QApplication

    from massage_timer.ui.wiring import App

    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    file = tmp_path / "notes.txt"
    file.write_text("my notes\n")
    app = App(qapp, AppPaths.portable(file))
    try:
        blamed = f"{file} is a file, not a folder"
        assert [n for n in app.notices if blamed in n] == app.notices, app.notices
        assert any("No settings can be kept" in n for n in app.notices)
        assert any("kept in memory" in n for n in app.notices)
        assert not any("Not a directory" in n or "renamed" in n for n in app.notices)
        app.store.update(theme="dark")
        assert any(n == f"Your settings could not be saved: {blamed}"
                   for n in app.window.notices()), app.window.notices()
    finally:
        app.shutdown()
        app.deleteLater()
    assert file.read_text() == "my notes\n"
