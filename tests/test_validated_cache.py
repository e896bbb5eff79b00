"""The cache of files checked before: used when the bytes match, never trusted beyond.

What it buys is a start without pydantic; what it must never do is let a changed,
broken or tampered file through, or run code from the cache file.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from massage_timer.core.model.settings import Settings, replace
from massage_timer.core.storage import validated_cache
from massage_timer.core.storage.loader import load_library
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.settings_file import load_settings, save_settings
from massage_timer.core.storage.validated_cache import ValidatedCache, digest
from tests.test_loader import GOOD

REPO = Path(__file__).resolve().parent.parent


def _user_routine(paths: AppPaths, text: str) -> Path:
    paths.user_routines_dir.mkdir(parents=True, exist_ok=True)
    file = paths.user_routines_dir / "mine.toml"
    file.write_text(text, encoding="utf-8")
    return file


def _fresh_python(code: str, paths: AppPaths) -> list[str]:
    """Run ``code`` in a new interpreter with ``root`` set; returns its stdout lines."""
    proc = subprocess.run(
        [sys.executable, "-c", code, str(paths.root)],
        capture_output=True, text=True, timeout=60, check=True, cwd=REPO,
    )
    return proc.stdout.split()


LOAD_TWICE = """
import sys
from pathlib import Path
from massage_timer.core.storage.loader import load_library
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.settings_file import load_settings
paths = AppPaths.portable(Path(sys.argv[1]))
settings, notices = load_settings(paths.settings_file, cache_file=paths.settings_cache_file)
library = load_library(paths)
print(len(library.routines), len(library.errors), len(notices), "pydantic" in sys.modules)
"""


def test_a_second_start_reads_checked_files_without_pydantic(app_paths: AppPaths) -> None:
    _user_routine(app_paths, GOOD)
    save_settings(
        app_paths.settings_file, replace(Settings(), voice_rate=120),
        cache_file=app_paths.settings_cache_file,
    )
    first = _fresh_python(LOAD_TWICE, app_paths)
    second = _fresh_python(LOAD_TWICE, app_paths)
    assert first[:3] == second[:3] == ["9", "0", "0"]
    assert first[3] == "True", "the first start checks the routines with pydantic"
    assert second[3] == "False", "the second start needs no check"
    fresh = load_library(app_paths, use_cache=False)
    cached = load_library(app_paths)
    assert [r.routine for r in cached.routines] == [r.routine for r in fresh.routines]
    assert load_settings(app_paths.settings_file, cache_file=app_paths.settings_cache_file) == (
        replace(Settings(), voice_rate=120), []
    )


def test_a_changed_file_is_checked_again(app_paths: AppPaths) -> None:
    file = _user_routine(app_paths, GOOD)
    assert not load_library(app_paths).errors
    file.write_text(GOOD.replace("seconds = 12", "seconds = 0"), encoding="utf-8")
    library = load_library(app_paths)
    assert [(e.file, e.location) for e in library.errors] == [(file, "steps[0].seconds")]
    assert library.get("my-routine") is None


def test_a_hand_edited_settings_file_is_checked_again(app_paths: AppPaths) -> None:
    cache = app_paths.settings_cache_file
    save_settings(app_paths.settings_file, Settings(), cache_file=cache)
    app_paths.settings_file.write_text("voice_rate = 5\n", encoding="utf-8")
    settings, notices = load_settings(app_paths.settings_file, cache_file=cache)
    assert settings == Settings()
    assert "voice_rate" in notices[0]


def test_entries_of_files_no_longer_there_are_dropped(app_paths: AppPaths) -> None:
    file = _user_routine(app_paths, GOOD)
    load_library(app_paths)
    key = digest(file.read_bytes())
    assert ValidatedCache(app_paths.routines_cache_file).get(key, object) is not None
    file.unlink()
    load_library(app_paths)
    assert ValidatedCache(app_paths.routines_cache_file).get(key, object) is None
    assert ValidatedCache(app_paths.routines_cache_file).get(
        digest(next(iter(sorted((REPO / "routines").glob("*.toml")))).read_bytes()), object
    ) is not None


class _RunsCode:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch PWNED",))


@pytest.mark.parametrize(
    "content",
    [
        b"not a pickle at all",
        b"",
        pickle.dumps({"fingerprint": "another version", "entries": {}}),
        pickle.dumps([1, 2, 3]),
        pickle.dumps(_RunsCode()),
    ],
    ids=["garbage", "empty", "other-version", "wrong-shape", "runs-code"],
)
def test_a_bad_cache_file_is_ignored_and_rebuilt(
    app_paths: AppPaths, content: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _user_routine(app_paths, GOOD)
    app_paths.routines_cache_file.parent.mkdir(parents=True, exist_ok=True)
    app_paths.routines_cache_file.write_bytes(content)
    library = load_library(app_paths)
    assert len(library.routines) == 9 and not library.errors
    assert not (tmp_path / "PWNED").exists(), "the cache never runs code"
    rebuilt = ValidatedCache(app_paths.routines_cache_file)
    assert rebuilt.get(digest((app_paths.user_routines_dir / "mine.toml").read_bytes()), object)


def test_a_routine_from_a_bad_file_is_never_cached(app_paths: AppPaths) -> None:
    """Entries that are not the asked-for type are not used (e.g. a settings object
    under a routine's digest)."""
    file = _user_routine(app_paths, GOOD)
    cache = ValidatedCache(app_paths.routines_cache_file)
    cache.put(digest(file.read_bytes()), Settings())
    cache.save()
    library = load_library(app_paths)
    assert library.get("my-routine") is not None


def test_a_new_version_of_the_rules_empties_the_cache(
    app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    _user_routine(app_paths, GOOD)
    load_library(app_paths)
    monkeypatch.setattr(validated_cache, "FORMAT", validated_cache.FORMAT + 1)
    assert ValidatedCache(app_paths.routines_cache_file).get(
        digest((app_paths.user_routines_dir / "mine.toml").read_bytes()), object
    ) is None


def test_an_unwritable_cache_folder_changes_nothing(app_paths: AppPaths) -> None:
    app_paths.cache_dir.parent.mkdir(parents=True, exist_ok=True)
    app_paths.cache_dir.write_text("a file where the folder should be")
    library = load_library(app_paths)
    assert len(library.routines) == 8 and not library.errors
    save_settings(app_paths.settings_file, Settings(), cache_file=app_paths.settings_cache_file)
    assert load_settings(app_paths.settings_file, cache_file=app_paths.settings_cache_file) == (
        Settings(), []
    )
