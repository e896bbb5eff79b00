"""Reading the safety checklist shipped in ``assets/checklist.toml``."""

from __future__ import annotations

from pathlib import Path

from massage_timer.core.model.safety import Checklist, validate_checklist
from massage_timer.core.storage.resources import asset
from massage_timer.core.storage.toml_input import read_toml

MAX_CHECKLIST_BYTES = 64 * 1024


def load_checklist(path: Path | None = None) -> Checklist:
    """Read the shipped checklist (or ``path``); a broken file is a bug, so it raises
    (through the same bounded, regular-file-only reading as every other file)."""
    return validate_checklist(read_toml(path or asset("checklist.toml"), MAX_CHECKLIST_BYTES))
