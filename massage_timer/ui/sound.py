"""The app's voice and cue player: made when first needed, remade after a voice change.

Speech renders in a worker process, so it is not started with the app: the first
session or spoken reminder creates it. A change of voice or rate closes the current
one (after the session, if one is playing) so the next use starts afresh; a change of
volume reaches the player at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from PySide6.QtCore import QObject

from massage_timer.core.model.language import SOURCE, TRANSLATOR
from massage_timer.core.model.settings import Settings
from massage_timer.core.storage.settings_store import SettingsChange, SettingsStore

if TYPE_CHECKING:
    from massage_timer.audio.playback import CuePlayer
    from massage_timer.audio.speech import SpeechSynth

SOUND_FIELDS = ("voice_enabled", "voice_name", "voice_rate", "reminder_voice")
"""What the voice is made with: a change makes it again (after a session, if one plays).
The volume is not among them: the player applies it, at once."""

Audio: TypeAlias = tuple["SpeechSynth | None", "CuePlayer"]
AudioFactory: TypeAlias = Callable[[Settings, QObject, str], Audio]
"""Makes the voice and the player from the settings, for a parent, in a language."""


def speech_wanted(settings: Settings) -> bool:
    """Whether anything may be spoken: the session's instructions or the reminder."""
    return settings.voice_enabled or settings.reminder_voice


def real_audio(cache_dir: Path) -> AudioFactory:
    """The factory of pyttsx3 speech and QtMultimedia playback, caching clips in ``cache_dir``."""

    def make(settings: Settings, parent: QObject, language: str) -> Audio:
        # Imported here on purpose: QtMultimedia and the speech worker are not needed
        # before the first session or spoken reminder, so a start at login stays light.
        from massage_timer.audio.playback import CuePlayer
        from massage_timer.audio.speech import SpeechSynth
        from massage_timer.ui.desktop.allocator import return_freed_memory

        return_freed_memory()
        speech = None
        if speech_wanted(settings):
            # Rendered at full volume: the player applies the setting, to the tones too
            # (applied in both places, 50 % came out at a quarter).
            speech = SpeechSynth(
                cache_dir,
                voice=settings.voice_name or None,
                rate=settings.voice_rate,
                language=language,
            )
        return speech, CuePlayer(speech, volume=settings.voice_volume, parent=parent)

    return make


class Sound(QObject):
    """Owns the :class:`SpeechSynth` and :class:`CuePlayer` for one run of the app."""

    def __init__(
        self,
        store: SettingsStore,
        make_audio: AudioFactory,
        *,
        in_use: Callable[[], bool] = lambda: False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._make_audio = make_audio
        self._in_use = in_use
        self._audio: Audio | None = None
        self._language = SOURCE
        self._stale = False
        store.subscribe(self._on_voice_changed, fields=SOUND_FIELDS)
        store.subscribe(self._on_volume_changed, fields=("voice_volume",))

    @property
    def speech(self) -> SpeechSynth | None:
        """The speech synthesiser if one has been made (never makes one)."""
        return self._audio[0] if self._audio is not None else None

    def audio(self, language: str | None = None) -> Audio:
        """(SpeechSynth or None, CuePlayer) speaking ``language`` (the interface's by
        default: a routine passes its own), made on first use and remade for another
        language, except while in use (a session is never spoken in two languages)."""
        code = TRANSLATOR.code if language is None else language
        if self._audio is not None and code != self._language and not self._in_use():
            self.close()
        if self._audio is None:
            self._audio = self._make_audio(self._store.settings, self, code)
            self._language = code
            self._stale = False
        return self._audio

    def settle(self) -> None:
        """The session is over: drop a voice that the settings have changed since."""
        if self._stale:
            self.close()

    def close(self) -> None:
        """Silence and release the speech worker and the player (idempotent)."""
        audio, self._audio = self._audio, None
        self._stale = False
        if audio is None:
            return
        speech, cues = audio
        cues.stop()
        cues.deleteLater()
        if speech is not None:
            speech.close()

    def _on_volume_changed(self, change: SettingsChange) -> None:
        if self._audio is not None:
            self._audio[1].set_volume(change.new.voice_volume)

    def _on_voice_changed(self, _change: SettingsChange) -> None:
        if self._audio is None:
            return
        if self._in_use():
            self._stale = True
        else:
            self.close()
