"""settings.toml: defaults, round trips, and what happens to a damaged file."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from massage_timer.core.model import settings as settings_model
from massage_timer.core.model.settings import Settings, replace, validate_settings, with_state
from massage_timer.core.model.validation import ValidationError
from massage_timer.core.storage import settings_file as settings_module
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.settings_file import load_settings, save_settings, to_toml


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return AppPaths.portable(tmp_path).settings_file


def test_defaults() -> None:
    s = Settings()
    assert s.voice_enabled and s.voice_name == "" and s.voice_rate == 160
    assert s.voice_volume == 0.9 and s.tones_enabled and s.count_aloud and s.halfway_cue
    assert not s.include_optional_steps and s.keep_screen_awake
    assert s.theme == "system" and s.font_scale == 1.0 and s.language == "system"
    assert s.reminders_enabled and s.reminder_interval_minutes == 60
    assert s.active_days == (0, 1, 2, 3, 4)
    assert (s.active_start, s.active_end) == ("09:00", "18:00")
    assert s.snooze_minutes == 10 and s.idle_minutes == 5
    assert s.reminder_routine_id == "desk-micro-break"
    assert s.reminder_sound and not s.reminder_voice and not s.autostart
    assert s.paused_until is None and not s.shown_background_hint and s.window_geometry == ""


def test_missing_file_gives_defaults_silently(path: Path) -> None:
    assert load_settings(path) == (Settings(), [])
    assert not path.exists()


def test_round_trip_of_every_field(path: Path) -> None:
    changed = Settings(
        voice_enabled=False, voice_name='eSpeak "en-gb"\\x', voice_rate=210,
        voice_volume=0.35, tones_enabled=False, count_aloud=False, halfway_cue=False,
        include_optional_steps=True, keep_screen_awake=False, language="pt_BR",
        theme="dark", font_scale=1.5,
        reminders_enabled=False, reminder_interval_minutes=45, active_days=(6, 0, 2),
        active_start="07:30", active_end="21:05", snooze_minutes=3, idle_minutes=12,
        reminder_routine_id="neck-release", reminder_sound=False, reminder_voice=True,
        autostart=True,
        paused_until=datetime(2026, 3, 2, 13, 0, tzinfo=timezone(timedelta(hours=1))),
        shown_background_hint=True, window_geometry="AdnQywADAAAAAAB4AAAAZA==",
        last_routine_id="tennis-ball-wall", shown_reminders_note=True,
        busy_full_screen=False, busy_inhibitors=False, busy_do_not_disturb=False,
        busy_microphone_camera=False, busy_programs=("zoom", "obs"),
        meeting_until=datetime(2026, 3, 2, 14, 0, tzinfo=timezone(timedelta(hours=1))),
    )
    for name in settings_model.FIELDS:
        assert getattr(changed, name) != getattr(Settings(), name), name
    save_settings(path, changed)
    assert load_settings(path) == (changed, [])
    assert changed.active_days == (0, 2, 6)
    assert path.stat().st_mode & 0o777 == 0o600


def test_none_is_left_out_of_the_file(path: Path) -> None:
    save_settings(path, Settings())
    data = tomllib.loads(path.read_text("utf-8"))
    assert "paused_until" not in data
    assert data["active_days"] == [0, 1, 2, 3, 4]


@given(st.text(max_size=200))
def test_any_voice_name_survives_toml(name: str) -> None:
    text = to_toml(Settings(voice_name=name))
    assert tomllib.loads(text)["voice_name"] == name


def test_corrupt_file_is_moved_aside_with_a_notice(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text("voice_rate = = 3\n[[[", "utf-8")
    settings, notices = load_settings(path)
    assert settings == Settings()
    assert not path.exists()
    aside = list(path.parent.glob("settings.corrupt-*.toml"))
    assert len(aside) == 1 and aside[0].read_text("utf-8").startswith("voice_rate = = 3")
    assert len(notices) == 1 and "could not be read" in notices[0]
    assert str(aside[0]) in notices[0]


def test_binary_garbage_is_moved_aside(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe\x00garbage")
    settings, notices = load_settings(path)
    assert settings == Settings() and len(notices) == 1
    assert not path.exists()


def test_invalid_values_are_reset_and_the_file_kept(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(
        'voice_rate = 9000\ntheme = "purple"\nsnooze_minutes = 4\nactive_days = [1, 9]\n',
        "utf-8",
    )
    settings, notices = load_settings(path)
    assert settings == Settings(snooze_minutes=4)
    assert len(notices) == 1
    assert "active_days, theme, voice_rate" in notices[0]
    assert len(list(path.parent.glob("settings.corrupt-*.toml"))) == 1


def test_a_hand_edited_settings_file_is_checked_again(path: Path) -> None:
    save_settings(path, replace(Settings(), voice_rate=120))
    assert load_settings(path) == (Settings(voice_rate=120), [])
    path.write_text("voice_rate = 5\n", encoding="utf-8")
    settings, notices = load_settings(path)
    assert settings == Settings()
    assert "voice_rate" in notices[0]


def test_start_after_end_is_invalid(path: Path) -> None:
    with pytest.raises(ValueError, match="earlier"):
        Settings(active_start="18:00", active_end="09:00")
    with pytest.raises(ValidationError):
        validate_settings({"active_start": "18:00", "active_end": "09:00"})
    path.parent.mkdir(parents=True)
    path.write_text('active_start = "18:00"\nactive_end = "09:00"\nvoice_rate = 100\n', "utf-8")
    settings, notices = load_settings(path)
    assert settings == Settings(voice_rate=100)
    assert "active_end, active_start" in notices[0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reminder_interval_minutes", 14), ("reminder_interval_minutes", 181),
        ("voice_rate", 79), ("voice_rate", 301), ("voice_volume", 1.5),
        ("font_scale", 3.0), ("active_start", "9:00"), ("active_end", "24:00"),
        ("active_days", []), ("reminder_routine_id", "../etc"), ("theme", "blue"),
        ("paused_until", datetime(2026, 3, 2, 13, 0)), ("window_geometry", "not base64!"),
        ("voice_volume", float("nan")),
    ],
)
def test_out_of_range_values_are_rejected(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        validate_settings({field: value})


def test_unknown_keys_are_ignored_and_reported(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('future_option = 1\nvoice_rate = 120\n[window]\nx = 1\n', "utf-8")
    settings, notices = load_settings(path)
    assert settings == Settings(voice_rate=120)
    assert notices == [
        "Unknown setting 'future_option' in settings.toml was ignored.",
        "Unknown setting 'window' in settings.toml was ignored.",
    ]
    assert path.exists()


def test_replace_validates() -> None:
    assert replace(Settings(), voice_rate=100).voice_rate == 100
    with pytest.raises(ValidationError):
        replace(Settings(), voice_rate=10)
    with pytest.raises(AttributeError):
        Settings().voice_rate = 100  # type: ignore[misc]
    assert Settings().voice_rate == 160


def test_failed_write_leaves_the_old_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_settings(path, Settings(voice_rate=111))

    def broken(_settings: Settings) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(settings_module, "to_toml", broken)
    with pytest.raises(OSError, match="disk full"):
        save_settings(path, Settings(voice_rate=222))
    assert load_settings(path) == (Settings(voice_rate=111), [])
    assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]


def test_atomic_write_leaves_no_temp_file_when_rename_fails(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_settings(path, Settings(voice_rate=111))

    def fail_replace(self: Path, target: Path) -> Path:
        raise OSError("read-only")

    monkeypatch.setattr(Path, "replace", fail_replace)
    with pytest.raises(OSError, match="read-only"):
        save_settings(path, Settings(voice_rate=222))
    monkeypatch.undo()
    assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]
    assert load_settings(path)[0].voice_rate == 111


def test_paused_until_keeps_the_instant(path: Path) -> None:
    moment = datetime(2026, 11, 1, 5, 30, 15, 123000, tzinfo=UTC)
    save_settings(path, Settings(paused_until=moment))
    assert load_settings(path)[0].paused_until == moment


def test_app_state_changes_without_the_validator_and_only_app_state() -> None:
    """The window geometry saved at quit, the hint shown and the end of a pause come
    from the app itself; preferences always go through :func:`replace`."""
    changed = with_state(Settings(), window_geometry="AdnQyw==", shown_background_hint=True)
    assert (changed.window_geometry, changed.shown_background_hint) == ("AdnQyw==", True)
    with pytest.raises(KeyError, match="voice_rate"):
        with_state(Settings(), voice_rate=100)


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
                                    "2300-06-01T10:00:00+02:00"])
def test_a_pause_end_at_the_edge_of_the_calendar_is_reset_with_a_notice(
    path: Path, moment: str
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"voice_rate = 111\npaused_until = {moment}\n")
    settings, notices = load_settings(path)
    assert settings.paused_until is None and settings.voice_rate == 111
    assert len(notices) == 1
    assert "reset to their defaults: paused_until" in notices[0]
    assert "The old file was kept as" in notices[0]


def test_a_pause_end_within_range_is_kept(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("paused_until = 2026-11-30T00:00:00Z\n")
    settings, notices = load_settings(path)
    assert notices == []
    assert settings.paused_until == datetime(2026, 11, 30, tzinfo=UTC)
