"""Plays cues through QtMultimedia: tones from ``assets/sounds``, speech from clips.

Every clip goes through a ``QSoundEffect`` (loaded off the UI thread by Qt, started
in well under a millisecond once loaded; see the measurements in the issue report).
Speech has one channel ruled by priority; tones have their own, so a tone never
cuts a line. Nothing here waits: a clip that is not ready is skipped, not delayed.
:class:`SessionSound` puts the player and the speech synthesiser behind the one
``CueOutput`` a session talks to.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtMultimedia import QAudioDevice, QMediaDevices, QSoundEffect

from massage_timer.core.model.cues import (
    TONE_REMINDER,
    TONE_WORK_END,
    TONE_WORK_START,
    Cue,
    CueKind,
)
from massage_timer.core.storage.resources import asset

log = logging.getLogger("massage_timer.audio.playback")

NO_OUTPUT = "No sound output was found; the session continues with on-screen cues."
MAX_LOADED_CLIPS = 64


class ClipSource(Protocol):
    """Where finished speech clips come from (``SpeechSynth``, or a fake).

    An optional ``failure_notice`` attribute, when present, also feeds ``problem()``.
    """

    @property
    def unavailable_reason(self) -> str | None: ...

    def clip_for(self, text: str) -> Path | None: ...


def tone_path(name: str) -> Path:
    return asset("sounds", f"{name}.wav")


def _default_effect(parent: QObject) -> QSoundEffect:
    return QSoundEffect(QMediaDevices.defaultAudioOutput(), parent)


class LineRenderer(Protocol):
    """What renders lines ahead of time (``SpeechSynth``, or a fake)."""

    def prepare(self, lines: Iterable[str]) -> None: ...


class CuePlayer(QObject):
    """Plays :class:`Cue` objects as they come; a session reaches it via :class:`SessionSound`.

    Signals:
        cueStarted(str): a line or tone began to play (its text or tone name).
        cueSkipped(str): a line had no clip ready, or there is no sound output.
        cueDropped(str): a line arrived while a higher-priority line was playing.
        problemChanged(str): the one-line notice changed ("" when all is well).
    """

    cueStarted = Signal(str)
    cueSkipped = Signal(str)
    cueDropped = Signal(str)
    problemChanged = Signal(str)

    def __init__(
        self,
        clips: ClipSource | None = None,
        *,
        volume: float = 1.0,
        outputs: Callable[[], Sequence[QAudioDevice]] | None = None,
        effect_factory: Callable[[QObject], QSoundEffect] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._new_effect = effect_factory or _default_effect
        self._clips = clips
        self._volume = volume
        self._outputs = outputs or QMediaDevices.audioOutputs
        self._devices = QMediaDevices(self)
        self._devices.audioOutputsChanged.connect(self._on_outputs_changed)
        self._effects: OrderedDict[Path, QSoundEffect] = OrderedDict()
        self._speaking: tuple[Cue, QSoundEffect] | None = None
        self._has_output = bool(self._outputs())
        self._problem = self._current_problem()
        if self._has_output:
            for name in (TONE_WORK_START, TONE_WORK_END, TONE_REMINDER):
                self._effect(tone_path(name))

    def play(self, cue: Cue) -> None:
        if cue.kind is CueKind.TONE:
            self._play_tone(cue)
        else:
            self._play_speech(cue)

    def stop(self) -> None:
        """Silence everything at once."""
        self._speaking = None
        for effect in self._effects.values():
            if effect.isPlaying() or effect.status() is QSoundEffect.Status.Loading:
                effect.stop()

    def problem(self) -> str | None:
        """One-line notice of what is missing for sound, or None."""
        return self._problem

    def set_volume(self, volume: float) -> None:
        self._volume = max(0.0, min(1.0, volume))
        for effect in self._effects.values():
            effect.setVolume(self._volume)

    def volume(self) -> float:
        return self._volume

    def is_speaking(self) -> bool:
        return self._speaking is not None and self._is_active(self._speaking[1])

    def preload(self, paths: Sequence[Path]) -> None:
        """Start loading clips that will be needed soon (returns at once)."""
        if self._has_output:
            for path in paths:
                self._effect(path)

    # -- internals --

    def _play_tone(self, cue: Cue) -> None:
        if not self._has_output:
            return
        effect = self._effect(tone_path(cue.text))
        effect.stop()
        effect.play()
        self.cueStarted.emit(cue.text)

    def _play_speech(self, cue: Cue) -> None:
        path = self._clips.clip_for(cue.text) if self._clips is not None else None
        self._refresh_problem()
        if not self._has_output or path is None:
            self.cueSkipped.emit(cue.text)
            return
        if self._speaking is not None:
            current, effect = self._speaking
            if self._is_active(effect):
                if current.priority > cue.priority:
                    self.cueDropped.emit(cue.text)
                    return
                effect.stop()
        effect = self._effect(path)
        effect.play()
        self._speaking = (cue, effect)
        self.cueStarted.emit(cue.text)

    @staticmethod
    def _is_active(effect: QSoundEffect) -> bool:
        return effect.isPlaying() or (
            effect.status() is QSoundEffect.Status.Loading and effect.loopsRemaining() > 0
        )

    def _effect(self, path: Path) -> QSoundEffect:
        effect = self._effects.get(path)
        if effect is not None:
            self._effects.move_to_end(path)
            return effect
        effect = self._new_effect(self)
        effect.setVolume(self._volume)
        effect.setSource(QUrl.fromLocalFile(str(path)))
        effect.statusChanged.connect(lambda: self._on_status_changed(effect, path))
        self._effects[path] = effect
        self._evict()
        return effect

    def _evict(self) -> None:
        for path in list(self._effects):
            if len(self._effects) <= MAX_LOADED_CLIPS:
                break
            effect = self._effects[path]
            if self._is_active(effect) or path.parent == tone_path(TONE_REMINDER).parent:
                continue
            del self._effects[path]
            effect.deleteLater()

    def _on_status_changed(self, effect: QSoundEffect, path: Path) -> None:
        if effect.status() is QSoundEffect.Status.Error:
            log.warning("cannot play %s", path)
            if self._speaking is not None and self._speaking[1] is effect:
                self.cueSkipped.emit(self._speaking[0].text)
                self._speaking = None
            self._effects.pop(path, None)
            effect.deleteLater()

    def _on_outputs_changed(self) -> None:
        self.stop()
        for effect in self._effects.values():
            effect.deleteLater()
        self._effects.clear()
        self._has_output = bool(self._outputs())
        self._refresh_problem()

    def _current_problem(self) -> str | None:
        if not self._has_output:
            return NO_OUTPUT
        if self._clips is None:
            return None
        notice: str | None = getattr(self._clips, "failure_notice", None)
        return self._clips.unavailable_reason or notice

    def _refresh_problem(self) -> None:
        problem = self._current_problem()
        if problem != self._problem:
            self._problem = problem
            self.problemChanged.emit(problem or "")


class SessionSound:
    """The ``CueOutput`` of a session: one handle over the player and the speech.

    Lines are rendered by ``renderer`` (None when the voice is off) and played by
    ``player``; :meth:`problem` is the player's notice, for the player window.
    """

    def __init__(self, player: CuePlayer, renderer: LineRenderer | None = None) -> None:
        self.player = player
        self._renderer = renderer

    def prepare(self, lines: Sequence[str]) -> None:
        if self._renderer is not None:
            self._renderer.prepare(lines)

    def play(self, cue: Cue) -> None:
        self.player.play(cue)

    def silence(self) -> None:
        """A paused cue is not resumed mid-word: pause and stop both cut everything."""
        self.player.stop()

    def problem(self) -> str | None:
        return self.player.problem()
