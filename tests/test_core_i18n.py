"""The core's user-facing words go through gettext: under the pseudo-locale ``en_XA``
every region name, label, unit, busy reason, outcome, spoken line, notice and error
message comes back pseudo (in ``[ ]``, accented), and back in English after a switch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from routine_factory import hold, make_routine

from massage_timer.commands import display, selfcheck
from massage_timer.core.model import regions
from massage_timer.core.model.busy import BusyReason
from massage_timer.core.model.routine import Equipment, Position, Pressure, StepKind, StrokeUnit
from massage_timer.core.model.routine_data import blank_routine, blank_step
from massage_timer.core.model.session import Outcome
from massage_timer.core.model.validation import ValidationError
from massage_timer.core.storage.catalogs import spoken_words, use_language
from massage_timer.core.storage.files import UnusableFileError, read_regular_file
from massage_timer.core.storage.history.store import HistoryStore
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.settings_file import load_settings


def is_pseudo(text: str) -> bool:
    return text.startswith("[") and "·" in text and text != text.encode("ascii", "ignore").decode()


def labels() -> list[str]:
    """Every fixed word the core hands to a window or a terminal."""
    words = [regions.label(r) for r in regions.REGIONS]
    words += [regions.label(alias) for alias in regions.BILATERAL]
    words += [regions.avoid_reason(zone) for zone in regions.AVOID_ZONES]
    for enum in (Position, Equipment, Pressure, StepKind, BusyReason, Outcome):
        words += [member.label for member in enum]
    for unit in StrokeUnit:
        words += [unit.word(1), unit.word(3)]
    words += [blank_routine()["title"], blank_step()["title"]]
    return words


def test_every_fixed_word_of_the_core_is_translated() -> None:
    english = labels()
    assert "Upper trapezius, left" in english and "turns" in english
    assert [w for w in english if w.startswith("[")] == []
    use_language("en_XA")
    assert [w for w in labels() if not is_pseudo(w)] == []
    use_language("en")
    assert labels() == english  # nothing frozen at import: the words follow the switch


def test_counted_words_take_the_plural_of_the_count() -> None:
    assert [StrokeUnit.TURNS.word(n) for n in (1, 2)] == ["turn", "turns"]
    assert [StrokeUnit.SQUEEZES.word(n) for n in (1, 5)] == ["squeeze", "squeezes"]


def test_the_spoken_lines_of_a_language_are_all_its_own() -> None:
    words = spoken_words("en_XA")
    lines = [words.side("left"), words.side("right"), words.work_on_side("x"),
             words.switch("x"), words.halfway, words.release, words.closing, words.paused]
    assert [line for line in lines if not is_pseudo(line)] == []
    assert words.count(7) == "7"


def test_errors_and_notices_reach_the_person_translated(tmp_path: Path) -> None:
    use_language("en_XA")
    with pytest.raises(ValidationError) as caught:
        make_routine(hold("Press", sides=["left"], instruction="Press {elbow}."))
    assert all(is_pseudo(p.message) for p in caught.value.problems), caught.value.problems
    with pytest.raises(UnusableFileError) as unusable:
        read_regular_file(tmp_path, 100)
    assert is_pseudo(str(unusable.value.strerror))
    settings = tmp_path / "settings.toml"
    settings.write_text("voice_rate = [\n", "utf-8")
    _, notices = load_settings(settings)
    assert notices and all(is_pseudo(n) for n in notices)
    settings.write_text("no_such_setting = 1\n", "utf-8")
    _, notices = load_settings(settings)
    assert notices and all(is_pseudo(n) for n in notices)
    history = tmp_path / "history.sqlite3"
    history.write_bytes(b"not a database at all, just text" * 10)
    store, notices = HistoryStore.open(history)
    store.close()
    assert notices and all(is_pseudo(n) for n in notices)
    assert is_pseudo(display._wayland_problem("/nonexistent/wayland-0") or "")


def test_the_self_check_report_speaks_the_language(tmp_path: Path) -> None:
    use_language("en_XA")
    checks = [selfcheck.Check("display", selfcheck.Status.OK, ":0"),
              selfcheck.Check("tray", selfcheck.Status.WARN, "x"),
              selfcheck.Check("audio output", selfcheck.Status.FAIL, "x")]
    text = selfcheck.report(AppPaths.portable(tmp_path), checks, {"voices": 2})
    lines = text.splitlines()
    assert is_pseudo(lines[0]) and is_pseudo(lines[-1])
    status_lines = [line.split() for line in lines if line.startswith("  ok ")
                    or line.startswith("  warn") or line.startswith("  FAIL")]
    assert [parts[0] for parts in status_lines] == ["ok", "warn", "FAIL"]  # stay as is
    assert all(is_pseudo(" ".join(parts[1:-2])) for parts in status_lines), status_lines


def test_validate_translates_the_message_never_the_place(tmp_path: Path) -> None:
    text = (REPO / "routines" / "desk-micro-break.toml").read_text("utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('version = "', 'version = "x', 1), "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "massage_timer", "validate", str(bad)],
        capture_output=True, text=True, env={**os.environ, "LANGUAGE": "en_XA"},
        timeout=60, check=False,
    )
    assert done.returncode == 1
    line = done.stdout.splitlines()[0]
    assert line.startswith(f"{bad}: version: [")
    assert is_pseudo(line.split(": ", 2)[2])
    assert is_pseudo(done.stderr.strip())


@pytest.mark.parametrize(("code", "expected"), [("en", "4.1 min"), ("de", "4,1 Min."),
                                                ("fr", "4,1 min")])
def test_validate_writes_minutes_with_the_languages_decimal_sign(
    code: str, expected: str,
) -> None:
    """"4.1 min" kept its point in every language: German and French write 4,1."""
    done = subprocess.run(
        [sys.executable, "-m", "massage_timer", "validate",
         str(REPO / "routines" / "desk-micro-break.toml")],
        capture_output=True, text=True, env={**os.environ, "LANGUAGE": code},
        timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].endswith(expected), done.stdout
