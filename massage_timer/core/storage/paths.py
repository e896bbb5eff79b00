"""Where the app reads and writes: the platform's folders, or one portable folder.

Everything the app writes goes through :class:`AppPaths`, so ``--data-dir`` (portable
mode, and what tests use) keeps every file out of the user's real folders.
"""

from __future__ import annotations

from pathlib import Path

import msgspec
import platformdirs

from massage_timer import APP_NAME
from massage_timer.core.storage.files import with_companions


class AppPaths(msgspec.Struct, frozen=True):
    """The four folders the app uses; none is created until something is written."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    extra_routine_dirs: tuple[Path, ...] = ()
    root: Path | None = None
    """The ``--data-dir`` folder in portable mode; None for the platform's folders."""

    @classmethod
    def default(cls, extra_routine_dirs: tuple[Path, ...] = ()) -> AppPaths:
        return cls(
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            extra_routine_dirs=extra_routine_dirs,
        )

    @classmethod
    def portable(cls, root: Path, extra_routine_dirs: tuple[Path, ...] = ()) -> AppPaths:
        root = root.expanduser().resolve()
        return cls(
            config_dir=root / "config",
            data_dir=root / "data",
            cache_dir=root / "cache",
            extra_routine_dirs=extra_routine_dirs,
            root=root,
        )

    @classmethod
    def from_options(
        cls, data_dir: Path | None, routine_dirs: list[Path] | None = None
    ) -> AppPaths:
        extra = tuple(p.expanduser().resolve() for p in routine_dirs or [])
        if data_dir is not None:
            return cls.portable(data_dir, extra)
        return cls.default(extra)

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def history_file(self) -> Path:
        return self.data_dir / "history.sqlite3"

    @property
    def protected_files(self) -> tuple[Path, ...]:
        """Files an export or a rendered image must never be written over."""
        return (*with_companions(self.history_file), self.settings_file)

    @property
    def user_routines_dir(self) -> Path:
        return self.data_dir / "routines"

    @property
    def speech_cache_dir(self) -> Path:
        return self.cache_dir / "speech"
