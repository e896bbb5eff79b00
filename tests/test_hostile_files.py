"""Files from strangers, and outputs to odd places: real FIFOs, devices, links, folders.

Each case ends in a clear message and a working program; nothing blocks, nothing is
read whole before its size is known, and nothing the app owns is written over.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import msgspec
import pytest
from pytestqt.qtbot import QtBot
from test_loader import GOOD, write

from massage_timer.cli import main
from massage_timer.core.model.text import printable, single_line
from massage_timer.core.storage import files
from massage_timer.core.storage.files import (
    UnusableFileError,
    move_into_place,
    read_regular_file,
    replace_file,
    write_output,
)
from massage_timer.core.storage.paths import AppPaths

LIMIT = 1024


def test_a_regular_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_bytes(b"x" * LIMIT)
    assert read_regular_file(path, LIMIT) == b"x" * LIMIT


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(UnusableFileError, match="named pipe"):
        read_regular_file(fifo, LIMIT)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_a_device_is_refused(device: str) -> None:
    with pytest.raises(UnusableFileError, match="a device, not a regular file"):
        read_regular_file(Path(device), LIMIT)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(UnusableFileError, match="folder"):
        read_regular_file(folder, LIMIT)


def test_a_dangling_link_is_named_as_such(tmp_path: Path) -> None:
    link = tmp_path / "gone.toml"
    link.symlink_to(tmp_path / "nowhere.toml")
    with pytest.raises(UnusableFileError, match="broken link"):
        read_regular_file(link, LIMIT)


def test_a_huge_sparse_file_is_refused_before_a_byte_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.toml"
    with huge.open("wb") as handle:
        handle.truncate(1 << 40)  # 1 TiB of holes: reading it would never end
    with pytest.raises(UnusableFileError, match=f"is {1 << 40} bytes; at most {LIMIT}"):
        read_regular_file(huge, LIMIT)


def test_a_link_to_a_regular_file_is_followed(tmp_path: Path) -> None:
    target = tmp_path / "real.toml"
    target.write_bytes(b"ok")
    link = tmp_path / "link.toml"
    link.symlink_to(target)
    assert read_regular_file(link, LIMIT) == b"ok"


def test_output_replaces_a_regular_file_atomically(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_bytes(b"old")
    write_output(out, b"new")
    assert out.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temp file left


def test_a_finished_file_is_moved_into_place_with_its_mode(tmp_path: Path) -> None:
    written = tmp_path / ".clip.render.wav"
    written.write_bytes(b"RIFF new")
    written.chmod(0o600)
    path = tmp_path / "clip.wav"
    path.write_bytes(b"RIFF old")
    inode = written.stat().st_ino
    move_into_place(written, path, mode=0o644)
    assert path.read_bytes() == b"RIFF new"
    assert path.stat().st_ino == inode  # renamed, not copied
    assert path.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["clip.wav"]


@pytest.mark.parametrize("kind", ["link", "fifo"])
def test_only_a_regular_file_is_moved_into_place(tmp_path: Path, kind: str) -> None:
    written = tmp_path / ".clip.render.wav"
    if kind == "link":
        (tmp_path / "elsewhere").write_bytes(b"RIFF")
        written.symlink_to(tmp_path / "elsewhere")
    else:
        os.mkfifo(written)
    path = tmp_path / "clip.wav"
    path.write_bytes(b"RIFF old")
    with pytest.raises(OSError):
        move_into_place(written, path)
    assert path.read_bytes() == b"RIFF old"


def test_output_through_a_link_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real.csv"
    target.write_bytes(b"old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    write_output(link, b"new")
    assert link.is_symlink()
    assert target.read_bytes() == b"new"


def test_output_into_a_fifo_writes_into_it(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, b"through the pipe")
    reader.join(timeout=10)
    assert received == [b"through the pipe"]
    assert fifo.is_fifo()


def test_output_into_a_fifo_nobody_reads_gives_up_with_a_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain open of a FIFO waits for a reader: the History's export hung for ever
    on "Exporting…"."""
    monkeypatch.setattr(files, "READER_WAIT_S", 0.2)
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    done: list[BaseException | None] = []

    def export() -> None:
        try:
            write_output(fifo, b"csv")
            done.append(None)
        except BaseException as exc:  # handed to the test's thread
            done.append(exc)

    worker = threading.Thread(target=export, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "still waiting for a reader"
    assert isinstance(done[0], UnusableFileError)
    assert str(done[0]) == "is a named pipe (FIFO) that no program is reading"
    assert fifo.is_fifo()


def test_a_refused_files_message_is_the_message_alone(tmp_path: Path) -> None:
    """It read "[Errno 22] /…/bom.toml is is a folder, not a regular file; …"."""
    folder = tmp_path / "bom.toml"
    folder.mkdir()
    with pytest.raises(UnusableFileError) as caught:
        replace_file(folder, b"x")
    assert str(caught.value) == f"{folder} is a folder, not a regular file; it is left as it is"
    assert folder.is_dir()


def test_output_into_a_device_writes_into_it() -> None:
    write_output(Path("/dev/null"), b"discarded")
    assert Path("/dev/null").is_char_device()


def test_output_never_replaces_a_protected_file(tmp_path: Path) -> None:
    paths = AppPaths.portable(tmp_path)
    paths.data_dir.mkdir(parents=True)
    paths.history_file.write_bytes(b"SQLite format 3\x00live")
    alias = tmp_path / "alias.csv"
    alias.symlink_to(paths.history_file)
    for target in (paths.history_file, alias):
        with pytest.raises(UnusableFileError, match="app's own file"):
            write_output(target, b"csv", protected=paths.protected_files)
    assert paths.history_file.read_bytes() == b"SQLite format 3\x00live"


def test_output_never_takes_the_place_of_an_app_file_not_made_yet(tmp_path: Path) -> None:
    """Before the first save there is no settings file: a protection that compared
    files let an export be written there, and the app then found its settings broken."""
    paths = AppPaths.portable(tmp_path)
    paths.settings_file.parent.mkdir(parents=True)
    assert not paths.settings_file.exists()
    roundabout = paths.settings_file.parent / ".." / paths.settings_file.parent.name / (
        paths.settings_file.name)
    for target in (paths.settings_file, roundabout):
        with pytest.raises(UnusableFileError, match="app's own file"):
            write_output(target, b"csv", protected=paths.protected_files)
    assert not paths.settings_file.exists()
    write_output(paths.settings_file.with_name("export.csv"), b"csv",
                 protected=paths.protected_files)


def test_output_to_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnusableFileError, match="folder"):
        write_output(tmp_path, b"x")


def test_history_export_refuses_the_live_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = AppPaths.portable(tmp_path)
    paths.data_dir.mkdir(parents=True)
    from massage_timer.core.storage.history.store import HistoryStore

    store, _ = HistoryStore.open(paths.history_file)
    store.close()
    before = paths.history_file.read_bytes()
    code = main(["history", "--data-dir", str(tmp_path), "-o", str(paths.history_file)])
    assert code == 1
    assert "app's own file" in capsys.readouterr().err
    assert paths.history_file.read_bytes() == before


def test_history_export_to_dev_stdout_keeps_the_link(tmp_path: Path) -> None:
    link = tmp_path / "stdout-link"
    link.symlink_to("/dev/stdout")
    result = subprocess.run(
        [sys.executable, "-m", "massage_timer", "history", "--data-dir", str(tmp_path / "d"),
         "-o", str(link)],
        capture_output=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert result.stdout.decode("utf-8-sig").startswith("id,routine_id")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_history_dates_out_of_range_are_a_usage_error(
    day: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["history", "--data-dir", str(tmp_path), "--until", day])
    assert exit_info.value.code == 2
    assert "give a date from 1970-01-01 to 9998-12-31" in capsys.readouterr().err


def test_history_latest_date_still_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", "--data-dir", str(tmp_path), "--until", "9998-12-31"]) == 0
    assert capsys.readouterr().out.startswith("id,routine_id")


def test_printable_escapes_controls_and_bidi_overrides() -> None:
    hostile = "ok\x1b]0;owned\x07\u202etxt.exe\u2066\x9b31m"
    shown = printable(hostile)
    assert shown == "ok\\x1b]0;owned\\x07\\u202etxt.exe\\u2066\\x9b31m"
    assert single_line("two\nlines\tand\r\ntab") == "two lines and tab"
    assert printable("Épaules ✓ 中文 🙂") == "Épaules ✓ 中文 🙂"


def test_validate_never_sends_control_sequences_to_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path, "good\x1b[2J.toml", GOOD.replace(
        'title = "', 'title = "\\u001b]0;pwned\\u0007\\u202e', 1))
    bad = write(tmp_path, "bad\u202e.toml", "title = \x1b")
    assert main(["validate", str(good), str(bad)]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "good\\x1b[2J.toml: ok:" in out.out
    assert "\\x1b]0;pwned\\x07\\u202e" in out.out
    assert "bad\\u202e.toml:" in out.out


def test_routines_table_escapes_titles_and_file_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = tmp_path / "extra"
    write(extra, "mine\x1b.toml", GOOD.replace('title = "', 'title = "\\u001b[31m', 1))
    write(extra, "broken\u202e.toml", "nonsense")
    assert main(["routines", "--data-dir", str(tmp_path / "d"),
                 "--routines-dir", str(extra)]) == 0
    out = capsys.readouterr()
    assert "\x1b" not in out.out + out.err and "\u202e" not in out.err
    assert "\\x1b[31m" in out.out
    assert "broken\\u202e.toml" in out.err


def _run_cli(*args: str, env: dict[str, str] | None = None,
             stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "massage_timer", *args], stdout=stdout,
                          stderr=subprocess.PIPE, env=env, timeout=60, check=False)


@pytest.mark.parametrize("command", [
    ["routines"], ["history"], ["history", "--format", "json"],
    ["history", "-o", "/dev/stdout"],
], ids=["routines", "history", "history-json", "history-to-dev-stdout"])
def test_output_into_a_closed_pipe_is_quiet(tmp_path: Path, command: list[str]) -> None:
    """``history | head`` ended with "history: cannot write None: Broken pipe" and 1."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = _run_cli(*command, "--data-dir", str(tmp_path), stdout=writer)
    finally:
        os.close(writer)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""


@pytest.mark.parametrize(("command", "says"), [
    (["routines"], b"cannot write the output: No space left on device"),
    (["history"], b"history: cannot write the standard output: No space left on device"),
], ids=["routines", "history"])
def test_output_into_a_full_device_is_one_line(
    tmp_path: Path, command: list[str], says: bytes,
) -> None:
    with Path("/dev/full").open("wb") as full:
        result = _run_cli(*command, "--data-dir", str(tmp_path), stdout=full.fileno())
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    assert says in result.stderr


def test_output_into_a_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    """``-o /home/me/Dokuments/x.csv``, a typo, made the whole missing tree of folders."""
    target = tmp_path / "no-such-folder" / "deeper" / "x.csv"
    with pytest.raises(UnusableFileError, match="folder that does not exist"):
        write_output(target, b"csv")
    assert not (tmp_path / "no-such-folder").exists()


def test_the_detail_pane_shows_markup_in_a_routine_as_text(qtbot: QtBot) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel
    from routine_factory import hold, make_routine

    from massage_timer.core.storage.loader import LoadedRoutine, Origin
    from massage_timer.ui.library.routine_detail import RoutineDetail

    markup = '<img src="/dev/zero"><b>bold</b>'
    routine = make_routine(hold(f"Step {markup}", seconds=10))
    routine = msgspec.structs.replace(routine, cautions=(f"Careful {markup}",))
    detail = RoutineDetail()
    qtbot.addWidget(detail)
    detail.show_routine(LoadedRoutine(routine, Path("x.toml"), Origin.USER, "h"), True)
    labels = detail.findChildren(QLabel)
    assert labels and all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    texts = [label.text() for label in labels]
    assert f"Step {markup}" in texts
    assert f"\u2022 Careful {markup}" in texts


def test_deeply_nested_toml_is_a_located_error_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.strip() == f"{path}: (file): is nested too deeply to be read"


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "notepad.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert main(["validate", "-q", str(path)]) == 0


def test_thousands_of_bad_steps_print_one_screenful(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_step = '[[steps]]\nkind = "hold"\ntitle = ""\ninstruction = "x"\ncue = "x"\nseconds = 0\n'
    head = GOOD.split("[[steps]]")[0]
    path = tmp_path / "many.toml"
    path.write_text(head + bad_step * 3000)
    assert main(["validate", "-q", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) <= 21
    assert lines[-1].endswith("more problems are not listed")


@pytest.mark.parametrize("kind", ["fifo", "folder", "dangling"])
def test_special_files_in_a_routine_folder_are_named_not_skipped(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = tmp_path / "extra"
    write(extra, "good.toml", GOOD)
    odd = extra / f"odd-{kind}.toml"
    {"fifo": lambda: os.mkfifo(odd), "folder": odd.mkdir,
     "dangling": lambda: odd.symlink_to(extra / "nowhere")}[kind]()
    assert main(["routines", "--json", "--data-dir", str(tmp_path / "d"),
                 "--routines-dir", str(extra)]) == 0
    import json

    doc = json.loads(capsys.readouterr().out)
    (error,) = [e for e in doc["errors"] if e["file"] == str(odd)]
    assert error["location"] == "(file)"
    assert any(r["id"] == "my-routine" for r in doc["routines"])


def test_a_dash_is_the_standard_output_and_a_picture_s_name_ends_in_png(
    tmp_path: Path,
) -> None:
    """``-o -`` wrote a file named "-" (history and diagram alike), and ``diagram -o
    x.jpg`` wrote PNG data into a file named .jpg."""
    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "massage_timer", *args,
                               "--data-dir", str(tmp_path / "d")], capture_output=True,
                              cwd=tmp_path, timeout=60, check=False)

    history = run("history", "-o", "-")
    assert history.returncode == 0, history.stderr
    assert history.stdout.startswith(b"id,routine_id,")
    picture = run("diagram", "suboccipitals", "--size", "64", "-o", "-")
    assert picture.returncode == 0, picture.stderr
    assert picture.stdout.startswith(b"\x89PNG\r\n\x1a\n")
    assert not (tmp_path / "-").exists()
    jpeg = run("diagram", "suboccipitals", "-o", "x.jpg")
    assert jpeg.returncode == 2
    assert b"give a name ending in .png" in jpeg.stderr
    assert not (tmp_path / "x.jpg").exists()
