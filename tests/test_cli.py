"""The command line: validate and routines on good and broken files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_loader import GOOD, write

from massage_timer import __version__
from massage_timer.cli import main


def test_validate_good_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "good.toml", GOOD)
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr()
    assert f"{path}: ok" in out.out
    assert "1 of 1 files valid" in out.err


def test_validate_broken_file_prints_file_location_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path, "good.toml", GOOD)
    bad = write(tmp_path, "bad.toml", GOOD.replace("seconds = 12", "seconds = 0"))
    assert main(["validate", "-q", str(good), str(bad)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    file, location, message = lines[0].split(": ", 2)
    assert (file, location) == (str(bad), "steps[0].seconds")
    assert "greater than or equal to 1" in message


def test_validate_shipped_routines(repo_root: Path) -> None:
    files = sorted((repo_root / "routines").glob("*.toml"))
    assert files, "the app ships routines"
    assert main(["validate", "-q", *map(str, files)]) == 0


def test_routines_json_lists_routines_and_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = tmp_path / "extra"
    write(extra, "mine.toml", GOOD)
    write(extra, "broken.toml", "this is not toml")
    code = main(
        ["routines", "--json", "--data-dir", str(tmp_path / "d"), "--routines-dir", str(extra)]
    )
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    mine = next(r for r in doc["routines"] if r["id"] == "my-routine")
    assert set(mine) >= {"id", "title", "total_seconds", "areas", "position", "equipment", "file"}
    assert mine["total_seconds"] == 61  # the file's own length (tests/test_loader.py)
    assert mine["file"] == str(extra / "mine.toml")
    assert any(r["id"] == "desk-micro-break" for r in doc["routines"])
    (error,) = doc["errors"]
    assert error["file"] == str(extra / "broken.toml")
    assert error["location"].startswith("line 1, column")


def test_routines_text_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = tmp_path / "extra"
    write(extra, "broken.toml", 'id = "x"')
    assert main(["routines", "--data-dir", str(tmp_path / "d"), "--routines-dir", str(extra)]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines()[0].split()[:3] == ["ID", "TITLE", "TIME"]
    assert "desk-micro-break" in out.out
    assert "broken.toml" in out.err


def test_version_and_module_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "massage_timer", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"massage-timer {__version__}"


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for name in ("validate", "routines", "diagram", "history", "--data-dir", "--routines-dir"):
        assert name in out


@pytest.mark.parametrize("command", ["validate", "routines", "diagram", "history"])
def test_every_command_takes_the_common_options(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"massage-timer {__version__}"
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert "--data-dir" in out and "--routines-dir" in out
