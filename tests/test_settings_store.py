"""The settings store: one place that validates, saves and announces each change."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from massage_timer.core.model.settings import BOUNDS, Settings, replace
from massage_timer.core.storage.settings_file import load_settings
from massage_timer.core.storage.settings_store import SettingsChange, SettingsStore


def _store() -> tuple[SettingsStore, list[Settings]]:
    saved: list[Settings] = []
    return SettingsStore(Settings(), save=saved.append), saved


def test_listeners_hear_only_their_fields() -> None:
    store, saved = _store()
    theme: list[SettingsChange] = []
    reminders: list[SettingsChange] = []
    store.subscribe(theme.append, fields=("theme", "font_scale"))
    store.subscribe(reminders.append, fields=("reminder_interval_minutes",))
    changed = store.update(theme="dark")
    assert changed == {"theme"}
    assert [c.fields for c in theme] == [frozenset({"theme"})]
    assert theme[0].old.theme == "system" and theme[0].new.theme == "dark"
    assert reminders == []
    assert saved == [store.settings], "saved once, before anyone is told"
    store.update(reminder_interval_minutes=30, font_scale=1.5)
    assert [c.fields for c in theme][-1] == {"font_scale"} | {"reminder_interval_minutes"}
    assert len(reminders) == 1 and len(saved) == 2


def test_no_change_saves_and_tells_nobody() -> None:
    store, saved = _store()
    heard: list[SettingsChange] = []
    store.subscribe(heard.append, fields=("theme",))
    assert store.update(theme="system") == frozenset()
    assert store.update_state(paused_until=None) == frozenset()
    assert heard == [] and saved == []


def test_invalid_change_is_refused_whole() -> None:
    store, saved = _store()
    heard: list[SettingsChange] = []
    store.subscribe(heard.append, fields=("theme", "snooze_minutes"))
    with pytest.raises(ValueError):  # the validator's ValidationError is a ValueError
        store.update(theme="dark", snooze_minutes=0)
    assert store.settings == Settings()
    assert heard == [] and saved == []


def test_app_state_goes_the_same_way_without_the_validator() -> None:
    store, saved = _store()
    heard: list[SettingsChange] = []
    store.subscribe(heard.append, fields=("paused_until",))
    moment = datetime(2026, 1, 5, 10, tzinfo=UTC)
    assert store.update_state(paused_until=moment) == {"paused_until"}
    assert heard[0].new.paused_until == moment
    assert saved[-1].paused_until == moment
    with pytest.raises(KeyError):
        store.update_state(theme="dark")


def test_subscribing_to_an_unknown_field_fails_at_once() -> None:
    store, _ = _store()
    with pytest.raises(KeyError, match="reminder_vioce"):
        store.subscribe(lambda _c: None, fields=("reminder_vioce",))
    with pytest.raises(ValueError):
        store.subscribe(lambda _c: None, fields=())


def test_unsubscribe_and_listeners() -> None:
    store, _ = _store()
    heard: list[SettingsChange] = []
    unsubscribe = store.subscribe(heard.append, fields=("theme",))
    assert store.listeners("theme") == [heard.append]
    unsubscribe()
    unsubscribe()
    assert store.listeners("theme") == []
    store.update(theme="light")
    assert heard == []


def test_a_failed_save_keeps_the_change_and_is_reported() -> None:
    def fail(_settings: Settings) -> None:
        raise OSError(28, "No space left on device")

    store = SettingsStore(Settings(), save=fail)
    errors: list[OSError] = []
    heard: list[SettingsChange] = []
    store.on_save_error(errors.append)
    store.subscribe(heard.append, fields=("theme",))
    store.update(theme="dark")
    assert store.settings.theme == "dark"
    assert len(heard) == 1
    assert [e.strerror for e in errors] == ["No space left on device"]


def test_open_loads_and_saves_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.toml"
    store, notices = SettingsStore.open(path)
    assert notices == [] and store.settings == Settings()
    store.update(reminder_interval_minutes=45)
    store.update_state(shown_background_hint=True)
    loaded, notices = load_settings(path)
    assert notices == []
    assert loaded.reminder_interval_minutes == 45 and loaded.shown_background_hint
    assert not list(path.parent.glob("*.tmp*")), "written atomically, nothing left over"


@pytest.mark.parametrize("field", sorted(BOUNDS))
def test_bounds_table_matches_the_validator(field: str) -> None:
    """The dialog takes its ranges from BOUNDS: they must be what the validator accepts."""
    low, high = BOUNDS[field]
    step = 0.01 if isinstance(getattr(Settings(), field), float) else 1
    kind = type(getattr(Settings(), field))
    for value in (low, high):
        assert getattr(replace(Settings(), **{field: kind(value)}), field) == kind(value)
    for value in (low - step, high + step):
        with pytest.raises(ValueError):
            replace(Settings(), **{field: kind(value)})
