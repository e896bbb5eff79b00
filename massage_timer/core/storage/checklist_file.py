"""Reading the safety checklist shipped in ``assets/checklist.toml``, in the person's
language when ``assets/translations/<code>/checklist.toml`` translates all of it."""

from __future__ import annotations

from pathlib import Path

from massage_timer.core.model.language import TRANSLATOR
from massage_timer.core.model.pseudo import TRANSFORMS, pseudo_checklist
from massage_timer.core.model.safety import Checklist, validate_checklist
from massage_timer.core.model.translation import (
    ChecklistTranslation,
    Coverage,
    Localized,
    translate_checklist,
    validate_checklist_translation,
)
from massage_timer.core.model.validation import ValidationError
from massage_timer.core.storage.resources import asset
from massage_timer.core.storage.toml_input import TomlInputError, read_toml

MAX_CHECKLIST_BYTES = 64 * 1024


def load_checklist(path: Path | None = None, *, language: str | None = None) -> Checklist:
    """Read the shipped checklist (or ``path``); a broken file is a bug, so it raises
    (through the same bounded, regular-file-only reading as every other file). The
    shipped one comes in ``language`` (the interface's by default) when translated whole."""
    checklist = validate_checklist(read_toml(path or asset("checklist.toml"), MAX_CHECKLIST_BYTES))
    if path is not None:
        return checklist
    return localized_checklist(checklist, language).value


def checklist_translation_path(code: str) -> Path:
    return asset("translations", code, "checklist.toml")


def localized_checklist(
    checklist: Checklist, language: str | None = None, *, folder: Path | None = None
) -> Localized[Checklist]:
    """``checklist`` in ``language`` if its translation covers every question and rule,
    else all of it in English (a safety question is never half in another language)."""
    code = TRANSLATOR.code if language is None else language
    if code in TRANSFORMS:
        return Localized(pseudo_checklist(checklist, TRANSFORMS[code]), code,
                         Coverage.TRANSLATED)
    path = (folder / code / "checklist.toml" if folder is not None
            else checklist_translation_path(code))
    translation: ChecklistTranslation | None = None
    if code != "en" and path.is_file():
        try:
            translation = validate_checklist_translation(read_toml(path, MAX_CHECKLIST_BYTES))
        except (TomlInputError, ValidationError, OSError) as exc:
            return Localized(checklist, "en", Coverage.INCOMPLETE, f"{path}: {exc}")
    return translate_checklist(checklist, code, translation)
