"""The one place that holds the current settings, saves them and says what changed.

Everything that reacts to a setting subscribes to the fields it cares about (as
qutebrowser's ``config.changed`` with ``change_filter``); nobody diffs old and new
settings by hand, and nobody but this store writes ``settings.toml``. A change from
the person (:meth:`SettingsStore.update`, validated) and app-produced state
(:meth:`SettingsStore.update_state`: the window's geometry, the hint shown, the end
of a pause) take the same path: save once, then tell only the listeners of the
fields that changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import msgspec

from massage_timer.core.model.settings import FIELDS, Settings, replace, with_state
from massage_timer.core.storage.settings_file import load_settings, save_settings

log = logging.getLogger("massage_timer.settings")


class SettingsChange(msgspec.Struct, frozen=True):
    """What a listener is told: the settings before and after, and which fields differ."""

    old: Settings
    new: Settings
    fields: frozenset[str]


Listener = Callable[[SettingsChange], None]
Saver = Callable[[Settings], None]


class _Subscription(msgspec.Struct, frozen=True):
    callback: Listener
    fields: frozenset[str]


class SettingsStore:
    """Holds :class:`Settings`; saves and notifies on every change.

    ``save`` writes the settings (raising ``OSError`` when it cannot); a failed save
    keeps the new settings in memory and is reported to ``on_save_error`` listeners,
    so the app goes on with what the person chose.
    """

    def __init__(self, settings: Settings, *, save: Saver | None = None) -> None:
        self._settings = settings
        self._save = save
        self._subscriptions: list[_Subscription] = []
        self._save_error_listeners: list[Callable[[OSError], None]] = []

    @classmethod
    def open(cls, path: Path) -> tuple[SettingsStore, list[str]]:
        """The store for ``path`` (see :func:`load_settings`) and the notices of loading."""
        settings, notices = load_settings(path)

        def save(new: Settings) -> None:
            save_settings(path, new)

        return cls(settings, save=save), notices

    @property
    def settings(self) -> Settings:
        return self._settings

    def subscribe(self, callback: Listener, *, fields: Iterable[str]) -> Callable[[], None]:
        """Call ``callback`` after each change to any of ``fields``; returns an unsubscribe.

        Field names are checked here, so a typo fails at start-up, not silently later.
        """
        wanted = frozenset(fields)
        if not wanted:
            raise ValueError("subscribe to at least one field")
        unknown = wanted - frozenset(FIELDS)
        if unknown:
            raise KeyError(f"no such setting: {', '.join(sorted(unknown))}")
        subscription = _Subscription(callback, wanted)
        self._subscriptions.append(subscription)

        def unsubscribe() -> None:
            if subscription in self._subscriptions:
                self._subscriptions.remove(subscription)

        return unsubscribe

    def listeners(self, field: str) -> list[Listener]:
        """The callbacks subscribed to ``field`` (for tests and diagnostics)."""
        return [s.callback for s in self._subscriptions if field in s.fields]

    def on_save_error(self, callback: Callable[[OSError], None]) -> None:
        """Call ``callback`` when the settings could not be written."""
        self._save_error_listeners.append(callback)

    def update(self, **changes: Any) -> frozenset[str]:
        """Validate and apply the person's ``changes``; returns the fields that changed.

        Raises the validator's error (nothing is applied) when a value does not fit.
        """
        return self._apply(replace(self._settings, **changes))

    def update_state(self, **state: Any) -> frozenset[str]:
        """Apply app-produced state (valid by construction, see :func:`with_state`)."""
        return self._apply(with_state(self._settings, **state))

    def _apply(self, new: Settings) -> frozenset[str]:
        old = self._settings
        changed = frozenset(name for name in FIELDS if getattr(old, name) != getattr(new, name))
        if not changed:
            return changed
        self._settings = new
        self._write(new)
        change = SettingsChange(old, new, changed)
        for subscription in list(self._subscriptions):
            if subscription.fields & changed:
                subscription.callback(change)
        return changed

    def _write(self, settings: Settings) -> None:
        if self._save is None:
            return
        try:
            self._save(settings)
        except OSError as exc:
            log.warning("settings could not be saved: %s", exc)
            for callback in self._save_error_listeners:
                callback(exc)
