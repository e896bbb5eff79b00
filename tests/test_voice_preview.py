"""The Settings dialog's voice list and Preview button: filled and played off the UI thread.

A fake synthesizer answers from its own threads, as the real one answers from its
supervisor thread, so the hand-over to the UI thread is exercised; the sound effects
are fakes that never touch an audio device.
"""

from __future__ import annotations

import math
import sys
import threading
import time
import wave
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtMultimedia import QAudioDevice, QSoundEffect
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QPushButton, QSpinBox
from pytestqt.qtbot import QtBot

from massage_timer.audio.playback import ClipSource, CuePlayer
from massage_timer.audio.speech import VoiceInfo
from massage_timer.core.model.language import PSEUDO
from massage_timer.core.model.pseudo import pseudo
from massage_timer.core.model.settings import Settings, replace
from massage_timer.core.storage.catalogs import load_catalog, use_language
from massage_timer.ui.desktop.language import apply_language
from massage_timer.ui.settings.settings_dialog import SettingsDialog
from massage_timer.ui.settings.voice_preview import (
    NO_SOUND,
    PLAYING,
    PREPARING,
    SAMPLE_LINE,
    VoicePreview,
)

pytestmark = pytest.mark.qt_log_ignore(r"PulseAudioService: pa_context_connect\(\) failed")

VOICES = [VoiceInfo("gmw/en-GB", "English (Great Britain)"), VoiceInfo("roa/fr", "French")]


def _write_wav(path: Path) -> None:
    rate = 22050
    samples = array("h", (round(0.3 * 32767 * math.sin(2 * math.pi * 220 * i / rate))
                          for i in range(rate // 10)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())


class FakeSynth:
    """Answers like SpeechSynth: voices and clips reported from other threads."""

    def __init__(self, cache_dir: Path, *, voice: str | None, rate: int, language: str,
                 on_voices: Callable[[list[VoiceInfo]], None],
                 on_clip_ready: Callable[[str, Path], None],
                 on_unavailable: Callable[[str], None],
                 gate: threading.Event, reason: str | None = None) -> None:
        self.cache_dir, self.voice, self.rate, self.language = cache_dir, voice, rate, language
        self.unavailable_reason = reason
        self.closed = False
        self.prepared: list[str] = []
        self._ready: dict[str, Path] = {}
        self._on_clip_ready = on_clip_ready
        self._threads = [threading.Thread(target=self._announce, args=(gate, on_voices,
                                                                          on_unavailable))]
        self._threads[0].start()

    def _announce(self, gate: threading.Event, on_voices: Callable[[list[VoiceInfo]], None],
                  on_unavailable: Callable[[str], None]) -> None:
        gate.wait(10)
        if self.unavailable_reason is not None:
            on_unavailable(self.unavailable_reason)
        else:
            on_voices(list(VOICES))

    def voices(self) -> list[VoiceInfo]:
        return list(VOICES)

    def prepare(self, lines: list[str]) -> None:
        self.prepared += lines
        thread = threading.Thread(target=self._render, args=(list(lines),))
        self._threads.append(thread)
        thread.start()

    def _render(self, lines: list[str]) -> None:
        for line in lines:
            path = self.cache_dir / f"{len(self._ready)}-{self.rate}.wav"
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            _write_wav(path)
            self._ready[line] = path
            self._on_clip_ready(line, path)

    def clip_for(self, text: str) -> Path | None:
        return self._ready.get(text)

    def close(self, timeout: float = 2.0) -> None:
        self.closed = True

    def join(self) -> None:
        for thread in self._threads:
            thread.join(5)


class FakeEffect(QSoundEffect):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.playing = False
        self.source_path = ""

    def setSource(self, url: Any) -> None:
        self.source_path = url.toLocalFile()

    def play(self) -> None:
        self.playing = True

    def stop(self) -> None:
        self.playing = False

    def isPlaying(self) -> bool:
        return self.playing

    def status(self) -> QSoundEffect.Status:
        return QSoundEffect.Status.Ready


class Rig:
    """A preview with fake synthesizers and fake sound, and what it made."""

    def __init__(self, tmp_path: Path, *, outputs: bool = True,
                 reason: str | None = None) -> None:
        self.gate = threading.Event()
        self.synths: list[FakeSynth] = []
        self.effects: list[FakeEffect] = []
        self.reason = reason
        self.outputs = outputs
        self.preview = VoicePreview(tmp_path / "speech", synth_factory=self._synth,
                                    player_factory=self._player)

    def _synth(self, cache_dir: Path, **kwargs: Any) -> FakeSynth:
        synth = FakeSynth(cache_dir, gate=self.gate, reason=self.reason, **kwargs)
        self.synths.append(synth)
        return synth

    def _effect(self, parent: QObject) -> QSoundEffect:
        effect = FakeEffect(parent)
        self.effects.append(effect)
        return effect

    def _player(self, clips: ClipSource, parent: QObject) -> CuePlayer:
        devices = [QAudioDevice()] if self.outputs else []
        return CuePlayer(clips, outputs=lambda: devices, effect_factory=self._effect,
                         parent=parent)

    def playing(self) -> list[str]:
        return [Path(e.source_path).name for e in self.effects if e.playing]

    def finish(self) -> None:
        self.gate.set()
        for synth in self.synths:
            synth.join()


@pytest.fixture
def rig(qapp: object, tmp_path: Path) -> Iterator[Rig]:
    made = Rig(tmp_path)
    yield made
    made.finish()


def open_dialog(qtbot: QtBot, rig: Rig, settings: Settings | None = None) -> SettingsDialog:
    dialog = SettingsDialog(settings or Settings(), preview=rig.preview)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_voice_list_fills_in_on_the_first_open_without_blocking(
        qtbot: QtBot, rig: Rig) -> None:
    began = time.perf_counter()
    dialog = open_dialog(qtbot, rig, replace(Settings(), voice_name="roa/fr", voice_rate=90))
    assert time.perf_counter() - began < 1.0
    combo = dialog.findChild(QComboBox, "voiceName")
    assert [combo.itemData(i) for i in range(combo.count())] == ["", "roa/fr"]
    assert len(rig.synths) == 1
    assert (rig.synths[0].voice, rig.synths[0].rate) == ("roa/fr", 90)
    with qtbot.waitSignal(rig.preview.voicesFound, timeout=5000):
        rig.gate.set()
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "System default", "English (Great Britain)", "French"]
    assert combo.currentData() == "roa/fr"
    assert dialog.settings() == dialog._original
    dialog.accept()
    assert dialog.settings().voice_name == "roa/fr"


def test_preview_plays_a_sample_in_the_chosen_voice_and_rate(qtbot: QtBot, rig: Rig) -> None:
    dialog = open_dialog(qtbot, rig)
    with qtbot.waitSignal(rig.preview.voicesFound, timeout=5000):
        rig.gate.set()
    dialog.findChild(QComboBox, "voiceName").setCurrentIndex(1)
    dialog.findChild(QSpinBox, "voiceRate").setValue(80)
    button = dialog.findChild(QPushButton, "voicePreview")
    status = dialog.findChild(QLabel, "voicePreviewStatus")
    assert button.accessibleName() == "Preview the voice"
    assert button.isEnabled() and button.focusPolicy() & Qt.FocusPolicy.TabFocus
    button.setFocus()
    with qtbot.waitSignal(rig.preview.statusChanged, timeout=5000,
                          check_params_cb=lambda text: text == PLAYING):
        qtbot.keyClick(button, Qt.Key.Key_Space)
        assert status.text() == PREPARING
    synth = rig.synths[-1]
    # Rendered in the sample's language at full volume; the player applies the volume.
    assert (synth.voice, synth.rate, synth.language) == ("gmw/en-GB", 80, "en")
    assert rig.preview.player.volume() == Settings().voice_volume
    assert rig.synths[0].closed and not synth.closed
    assert synth.prepared == [SAMPLE_LINE]
    assert rig.playing() == [synth.clip_for(SAMPLE_LINE).name]  # type: ignore[union-attr]
    assert status.isVisibleTo(dialog) and status.text() == PLAYING
    # Again at the same voice and rate: the clip is ready, it plays at once.
    button.click()
    assert synth.prepared == [SAMPLE_LINE] and len(rig.synths) == 2
    assert status.text() == PLAYING
    dialog.reject()
    assert synth.closed and rig.playing() == []


def test_preview_follows_the_voice_switch(qtbot: QtBot, rig: Rig) -> None:
    dialog = open_dialog(qtbot, rig)
    button = dialog.findChild(QPushButton, "voicePreview")
    assert button.isEnabled()
    dialog.voice_enabled.setChecked(False)
    assert not button.isEnabled()
    dialog.voice_enabled.setChecked(True)
    assert button.isEnabled()


def test_without_a_preview_the_button_is_disabled(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    assert not dialog.findChild(QPushButton, "voicePreview").isEnabled()


def test_with_no_sound_device_the_dialog_says_so(qtbot: QtBot, qapp: object,
                                                 tmp_path: Path) -> None:
    rig = Rig(tmp_path, outputs=False)
    try:
        dialog = open_dialog(qtbot, rig)
        dialog.findChild(QPushButton, "voicePreview").click()
        status = dialog.findChild(QLabel, "voicePreviewStatus")
        assert status.isVisibleTo(dialog) and status.text() == NO_SOUND
        assert rig.synths[-1].prepared == []
    finally:
        rig.finish()


def test_a_missing_speech_engine_is_reported(qtbot: QtBot, qapp: object,
                                             tmp_path: Path) -> None:
    rig = Rig(tmp_path, reason="Voice guidance needs the espeak-ng speech engine.")
    try:
        dialog = open_dialog(qtbot, rig)
        status = dialog.findChild(QLabel, "voicePreviewStatus")
        with qtbot.waitSignal(rig.preview.statusChanged, timeout=5000):
            rig.gate.set()
        assert status.text() == rig.reason
        dialog.findChild(QPushButton, "voicePreview").click()
        assert status.text() == rig.reason
        assert rig.synths[-1].prepared == []
    finally:
        rig.finish()


def test_with_a_real_speech_worker_the_voices_and_the_sample_arrive(
        qtbot: QtBot, qapp: object, tmp_path: Path) -> None:
    """The real SpeechSynth (its worker process running a fake engine): the voices and
    the clip come back from its supervisor thread to the UI thread."""
    import functools

    from test_speech import fake_renderer

    from massage_timer.audio.speech import SpeechSynth

    effects: list[FakeEffect] = []

    def player(clips: ClipSource, parent: QObject) -> CuePlayer:
        def effect(owner: QObject) -> QSoundEffect:
            effects.append(FakeEffect(owner))
            return effects[-1]
        return CuePlayer(clips, outputs=lambda: [QAudioDevice()], effect_factory=effect,
                         parent=parent)

    preview = VoicePreview(tmp_path / "speech", player_factory=player, synth_factory=(
        functools.partial(SpeechSynth, factory=fake_renderer, engine_id="fake")))
    dialog = SettingsDialog(Settings(), preview=preview)
    qtbot.addWidget(dialog)
    try:
        with qtbot.waitSignal(preview.voicesFound, timeout=20000):
            dialog.show()
        combo = dialog.findChild(QComboBox, "voiceName")
        assert combo.findData("fake/en") == 1
        with qtbot.waitSignal(preview.statusChanged, timeout=20000,
                              check_params_cb=lambda text: text == PLAYING):
            dialog.findChild(QPushButton, "voicePreview").click()
        clip = preview.clip_for(SAMPLE_LINE)
        assert clip is not None and clip.parent == tmp_path / "speech"
        assert [Path(e.source_path) for e in effects if e.playing] == [clip]
    finally:
        dialog.reject()


def test_the_sample_is_said_in_the_voice_language(
    qtbot: QtBot, rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An English voice says the English sample even when the interface is in another
    language; a voice of a language without a catalogue here, or the system default,
    says it in the interface language."""
    monkeypatch.setattr(sys.modules[__name__], "VOICES", [
        VoiceInfo("gmw/en-GB", "English (Great Britain)", ("en-gb",)),
        VoiceInfo("bnt/sw", "Swahili", ("sw",)),
    ])
    use_language(PSEUDO.code)
    rig.preview.start(None, 150)
    with qtbot.waitSignal(rig.preview.voicesFound, timeout=2000):
        rig.gate.set()
    assert rig.preview.sample_line("gmw/en-GB") == SAMPLE_LINE
    assert rig.preview.sample_line("bnt/sw") == pseudo(SAMPLE_LINE)
    assert rig.preview.sample_line(None) == pseudo(SAMPLE_LINE)
    rig.preview.preview("gmw/en-GB", 150, 1.0)
    assert rig.synths[-1].prepared == [SAMPLE_LINE]
    assert rig.synths[-1].language == "en"


def test_a_voice_of_another_language_is_previewed_by_a_synthesizer_of_that_language(
    qtbot: QtBot, rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview's synthesizer spoke English whatever the voice: it swapped a chosen
    German voice for an English one (its clip was the English voice's, byte for byte),
    and the system default read the German sample with the English voice."""
    monkeypatch.setattr(sys.modules[__name__], "VOICES", [
        VoiceInfo("gmw/en-GB", "English (Great Britain)", ("en-gb",)),
        VoiceInfo("gmw/de", "German", ("de",)),
    ])
    rig.preview.start(None, 150)
    with qtbot.waitSignal(rig.preview.voicesFound, timeout=2000):
        rig.gate.set()
    rig.preview.preview("gmw/de", 150, 1.0)
    synth = rig.synths[-1]
    assert (synth.voice, synth.language) == ("gmw/de", "de")
    assert synth.prepared == [load_catalog("de").gettext(SAMPLE_LINE)]
    use_language("de")
    rig.gate.set()
    rig.preview.preview(None, 150, 1.0)
    assert (rig.synths[-1].voice, rig.synths[-1].language) == (None, "de")


def test_the_preview_status_follows_a_language_change(qtbot: QtBot, qapp: object,
                                                      tmp_path: Path) -> None:
    rig = Rig(tmp_path, outputs=False)
    try:
        dialog = open_dialog(qtbot, rig)
        dialog.findChild(QPushButton, "voicePreview").click()
        status = dialog.findChild(QLabel, "voicePreviewStatus")
        assert status.text() == NO_SOUND
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        apply_language(app, PSEUDO.code)
        QApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
        assert status.isVisibleTo(dialog) and status.text() == pseudo(NO_SOUND)
        apply_language(app, "en")
        QApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
        assert status.text() == NO_SOUND
    finally:
        rig.finish()
