"""Reading the safety checklist shipped in ``assets/checklist.toml``."""

from __future__ import annotations

import tomllib
from pathlib import Path

from massage_timer.core.model.safety import Checklist, validate_checklist
from massage_timer.core.storage.resources import asset


def load_checklist(path: Path | None = None) -> Checklist:
    """Read the shipped checklist (or ``path``); a broken file is a bug, so it raises."""
    source = path if path is not None else asset("checklist.toml")
    with source.open("rb") as handle:
        return validate_checklist(tomllib.load(handle))
