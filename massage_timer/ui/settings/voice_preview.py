"""The Settings dialog's voice list and "Preview" button, never on the UI thread.

A :class:`~massage_timer.audio.speech.SpeechSynth` for the voice and rate being chosen
starts its worker process as the dialog opens; the worker lists the engine's voices as
it comes up, so the list is there on the first open of Settings, filled in when it
arrives. The sample line is rendered into the speech cache like any cue and played by
a :class:`~massage_timer.audio.playback.CuePlayer`: the normal clip path, so what is
heard is what a session at that voice and rate sounds like (and its clip is reused).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, Signal

from massage_timer.audio.playback import ClipSource, CuePlayer
from massage_timer.audio.speech import SpeechSynth, VoiceInfo
from massage_timer.core.model.cues import Cue, CueKind, Priority
from massage_timer.core.model.language import N_, SOURCE, TRANSLATOR, _, negotiate
from massage_timer.core.storage.catalogs import load_catalog, shipped_languages

log = logging.getLogger(__name__)

# TRANSLATORS: spoken aloud as a sample of the chosen voice; a calm massage instruction.
SAMPLE_LINE = N_("Let your shoulders drop, and breathe out slowly.")
PREPARING = N_("Preparing the sample…")
PLAYING = N_("Playing the sample.")
NO_SOUND = N_("No sound output was found, so the sample cannot be played.")


class Synth(Protocol):
    """What the preview needs from a synthesizer (``SpeechSynth``, or a fake)."""

    @property
    def unavailable_reason(self) -> str | None: ...

    def voices(self) -> list[VoiceInfo]: ...

    def prepare(self, lines: list[str]) -> None: ...

    def clip_for(self, text: str) -> Path | None: ...

    def close(self, timeout: float = 2.0) -> None: ...


SynthFactory = Callable[..., Synth]
PlayerFactory = Callable[[ClipSource, QObject], CuePlayer]
Spec = tuple[str | None, int, str]


def _cue_player(clips: ClipSource, parent: QObject) -> CuePlayer:
    return CuePlayer(clips, parent=parent)


class VoicePreview(QObject):
    """Voices and a spoken sample for the voice, rate and volume being chosen.

    Signals:
        voicesFound(list): ``[(id, name), ...]`` once the speech engine is up.
        statusChanged(str): what the preview is doing, or why it cannot play.
    """

    voicesFound = Signal(list)
    statusChanged = Signal(str)
    # From the synthesizer's supervisor thread, queued to this object's thread; the
    # first argument is the synthesizer's generation, so a replaced one is ignored.
    _voicesArrived = Signal(int, list)
    _clipArrived = Signal(int, str)
    _unavailableArrived = Signal(int, str)

    def __init__(
        self,
        cache_dir: Path,
        *,
        synth_factory: SynthFactory = SpeechSynth,
        player_factory: PlayerFactory = _cue_player,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("voicePreview")
        self._cache_dir = cache_dir
        self._new_synth = synth_factory
        self._synth: Synth | None = None
        self._spec: Spec | None = None
        self._generation = 0
        self._waiting = False
        self._closed = False
        self._voice_languages: dict[str, tuple[str, ...]] = {}
        self._sample = _(SAMPLE_LINE)
        self._status: tuple[str, bool] = ("", False)
        queued = Qt.ConnectionType.QueuedConnection
        self._voicesArrived.connect(self._on_voices, queued)
        self._clipArrived.connect(self._on_clip_ready, queued)
        self._unavailableArrived.connect(self._on_unavailable, queued)
        self.player = player_factory(self, self)

    # -- ClipSource, for the player --

    @property
    def unavailable_reason(self) -> str | None:
        return self._synth.unavailable_reason if self._synth is not None else None

    def clip_for(self, text: str) -> Path | None:
        return self._synth.clip_for(text) if self._synth is not None else None

    # -- what the dialog calls (all return at once) --

    def start(self, voice: str | None, rate: int, language: str | None = None) -> None:
        """Have a synthesizer for this voice and rate starting (it lists the voices),
        speaking ``language`` (the interface's by default). It renders at full volume:
        the player applies the volume, as in a session."""
        spec: Spec = (voice or None, rate, language or TRANSLATOR.code)
        if self._closed or (self._synth is not None and spec == self._spec):
            return
        self._drop_synth()
        self._generation += 1
        generation = self._generation
        self._spec = spec
        self._synth = self._new_synth(
            self._cache_dir,
            voice=spec[0],
            rate=rate,
            language=spec[2],
            on_voices=lambda voices: self._post(self._voicesArrived, generation, voices),
            on_clip_ready=lambda text, _path: self._post(self._clipArrived, generation, text),
            on_unavailable=lambda reason: self._post(
                self._unavailableArrived, generation, reason),
        )

    def sample_line(self, voice: str | None) -> str:
        """:data:`SAMPLE_LINE` in the voice's language where this copy ships it (an
        English voice says it in English), else in the interface language (the system
        default voice, a voice of another language)."""
        return self._sample_for(voice)[1]

    def _sample_for(self, voice: str | None) -> tuple[str, str]:
        """The sample's language and line (:meth:`sample_line`)."""
        shipped = {lang.code for lang in shipped_languages()}
        for tag in self._voice_languages.get(voice or "", ()):
            code = negotiate({"LANGUAGE": tag})
            if code == SOURCE and tag.lower().startswith("en"):
                return SOURCE, SAMPLE_LINE
            if code != SOURCE and code in shipped:
                return code, load_catalog(code).gettext(SAMPLE_LINE)
        return TRANSLATOR.code, _(SAMPLE_LINE)

    def preview(self, voice: str | None, rate: int, volume: float) -> None:
        """Say :meth:`sample_line` in this voice at this rate, as soon as it is rendered."""
        self.player.stop()
        self.player.set_volume(volume)
        if not self.player.has_output:
            self._say(NO_SOUND)
            return
        # The synthesizer speaks the sample's language: one for the interface's language
        # swapped a German voice for an English one, and the preview did not sound
        # like a session in that voice.
        language, sample = self._sample_for(voice)
        self.start(voice, rate, language)
        if self.unavailable_reason is not None:
            self._say(self.unavailable_reason, translate=False)
            return
        self._waiting = True
        self._sample = sample
        if self.clip_for(self._sample) is not None:
            self._play()
            return
        self._say(PREPARING)
        assert self._synth is not None
        self._synth.prepare([self._sample])

    def restate(self) -> None:
        """Say the status again, in the current language (after a language change)."""
        message, translate = self._status
        self.statusChanged.emit(_(message) if translate and message else message)

    def _say(self, message: str, *, translate: bool = True) -> None:
        """Emit ``message`` (one of this module's ``N_`` constants, or a reason already
        in words when not ``translate``) and keep it for :meth:`restate`."""
        self._status = (message, translate)
        self.restate()

    def close(self) -> None:
        """Silence the sample and stop the worker, without waiting for it."""
        self._closed = True
        self.player.stop()
        self._drop_synth()

    # -- internals --

    @staticmethod
    def _post(signal: Any, generation: int, value: object) -> None:
        # The preview may be gone by the time a late worker reply arrives.
        with contextlib.suppress(RuntimeError):
            signal.emit(generation, value)

    def _drop_synth(self) -> None:
        synth, self._synth = self._synth, None
        self._spec = None
        self._waiting = False
        if synth is not None:
            synth.close(timeout=0.0)

    def _play(self) -> None:
        self._waiting = False
        self.player.play(Cue(CueKind.SPEECH, self._sample, Priority.INSTRUCTION))
        self._say(PLAYING if self.player.is_speaking() else "")

    def _on_voices(self, generation: int, voices: list[VoiceInfo]) -> None:
        if generation == self._generation and not self._closed:
            self._voice_languages = {v.id: v.languages for v in voices}
            self.voicesFound.emit([(v.id, v.name) for v in voices])

    def _on_clip_ready(self, generation: int, text: str) -> None:
        current = generation == self._generation and not self._closed
        if current and self._waiting and text == self._sample:
            self._play()

    def _on_unavailable(self, generation: int, reason: str) -> None:
        if generation == self._generation and not self._closed:
            self._waiting = False
            self._say(reason, translate=False)
