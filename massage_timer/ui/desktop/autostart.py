"""Starting at login: the XDG autostart entry follows the ``autostart`` setting (Linux)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from massage_timer.core.model.language import _
from massage_timer.core.storage import autostart
from massage_timer.core.storage.settings_store import SettingsChange, SettingsStore


def supported() -> bool:
    """Whether the app can add itself to the login items here (only XDG for now)."""
    return sys.platform.startswith("linux")


class StartAtLogin:
    """Writes or removes the autostart entry when the setting changes.

    The entry is not written at start-up: the setting only records what the person
    asked for, and an entry they removed by hand stays removed until they ask again.
    """

    def __init__(
        self,
        store: SettingsStore,
        data_dir: Path | None,
        *,
        notice: Callable[[str], None],
        available: Callable[[], bool] = supported,
    ) -> None:
        self._store = store
        self._data_dir = data_dir
        self._notice = notice
        self._available = available
        self._undoing = False
        store.subscribe(self._on_autostart_changed, fields=("autostart",))

    def _on_autostart_changed(self, change: SettingsChange) -> None:
        if not self._available() or self._undoing:
            return
        try:
            autostart.apply(change.new.autostart, autostart.launch_command(self._data_dir),
                            data_dir=self._data_dir)
        except OSError as exc:
            where = Path(exc.filename).parent if exc.filename else None
            self._notice(_("Could not change the start-at-login entry: {error}").format(
                error=f"{where}: {exc.strerror}" if where and exc.strerror else exc))
            # The setting says what the entry is: it stays as it was, not as asked.
            self._undoing = True
            try:
                self._store.update(autostart=change.old.autostart)
            finally:
                self._undoing = False
