"""Which installed voice speaks a language: the person's choice when it speaks it, else
the language's own espeak-ng voice, else any voice of the language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from massage_timer.core.model.language import SOURCE, language


class Voice(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def languages(self) -> tuple[str, ...]: ...


class NoVoiceError(LookupError):
    """No installed voice speaks the language: its text is shown, not spoken."""


def _speaks(voice: Voice, primary: str) -> bool:
    tags = [tag.lower().replace("_", "-") for tag in voice.languages]
    return any(tag == primary or tag.startswith(f"{primary}-") for tag in tags)


def choose_voice(voices: Sequence[Voice], wanted: str | None, code: str) -> str | None:
    """The voice to speak ``code`` with; ``None`` is the engine's default voice.

    English keeps the old behaviour (the chosen voice, or the engine's default). An
    engine that lists no voices is trusted with whatever was chosen. Raises
    :class:`NoVoiceError` when voices are listed and none speaks the language.
    """
    if not voices:
        return wanted
    lang = language(code)
    primary = lang.code.split("_", maxsplit=1)[0].lower()
    chosen = next((v for v in voices if wanted and wanted in (v.id, v.name)), None)
    if chosen is not None and _speaks(chosen, primary):
        return chosen.id
    if lang.code == SOURCE and not wanted:
        return None
    exact = lang.voice.lower()
    own = next((v for v in voices if exact in (t.lower() for t in v.languages)), None)
    if own is None:
        own = next((v for v in voices if _speaks(v, primary)), None)
    if own is None:
        raise NoVoiceError(lang.code)
    return own.id
