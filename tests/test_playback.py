"""CuePlayer: priorities, skips, stop and the no-device notice; real playback on a null sink.

Unit tests replace QSoundEffect by a fake that only records play/stop. The ``audio``
test starts its own PulseAudio server with a null sink and plays real clips in a child
process (QtMultimedia picks its audio server once per process).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import time
import wave
from array import array
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QTimer, QUrl
from PySide6.QtMultimedia import QAudioDevice, QSoundEffect
from sound_server import null_sink_server

from massage_timer.audio.playback import (
    MAX_PLAYED_BYTES,
    NO_OUTPUT,
    CuePlayer,
    SessionSound,
    tone_path,
)
from massage_timer.core.model.cues import (
    TONE_REMINDER,
    TONE_WORK_END,
    TONE_WORK_START,
    Cue,
    CueKind,
    CueOutput,
    Priority,
)

HERE = Path(__file__).resolve().parent

# With no sound server at all, QtMultimedia's first look for devices says so once.
pytestmark = pytest.mark.qt_log_ignore(r"PulseAudioService: pa_context_connect\(\) failed")


class FakeEffect(QSoundEffect):
    """A sound effect that never touches an audio device."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.playing = False
        self.loaded = ""
        self.plays = 0

    def setSource(self, url: QUrl | str) -> None:
        self.loaded = url.toLocalFile() if isinstance(url, QUrl) else url

    def play(self) -> None:
        self.playing = True
        self.plays += 1

    def stop(self) -> None:
        self.playing = False

    def isPlaying(self) -> bool:
        return self.playing

    def status(self) -> QSoundEffect.Status:
        return QSoundEffect.Status.Ready


class FakeClips:
    def __init__(self, ready: dict[str, Path], reason: str | None = None) -> None:
        self.ready = ready
        self.unavailable_reason = reason

    def clip_for(self, text: str) -> Path | None:
        return self.ready.get(text)


def speech(text: str, priority: Priority) -> Cue:
    return Cue(CueKind.SPEECH, text, priority)


TONE = Cue(CueKind.TONE, "work-start", Priority.TONE)


@pytest.fixture
def fake_player(qapp: object, tmp_path: Path) -> tuple[CuePlayer, dict[str, FakeEffect]]:
    effects: dict[str, FakeEffect] = {}

    def make(parent: QObject) -> QSoundEffect:
        effect = FakeEffect(parent)
        effects[str(len(effects))] = effect
        return effect

    clips = {text: tmp_path / f"{n}.wav" for n, text in enumerate(
        ["Do this.", "Switch sides.", "Two", "Seven", "Halfway."])}
    player = CuePlayer(FakeClips(clips), outputs=lambda: [QAudioDevice()], effect_factory=make,
                       volume=0.4)
    return player, effects


def _effect_for(player: CuePlayer, source: str) -> FakeEffect:
    for effect in player.findChildren(FakeEffect):
        if effect.loaded.endswith(source):
            return effect
    raise AssertionError(source)


def test_session_sound_is_the_cue_output(
        fake_player: tuple[CuePlayer, dict[str, FakeEffect]]) -> None:
    player = fake_player[0]
    rendered: list[list[str]] = []

    class Renderer:
        def prepare(self, lines: Iterable[str]) -> None:
            rendered.append(list(lines))

    output: CueOutput = SessionSound(player, Renderer())
    output.prepare(["Do this.", "Two"])
    assert rendered == [["Do this.", "Two"]]
    output.play(speech("Do this.", Priority.INSTRUCTION))
    assert player.is_speaking()
    output.silence()
    assert not player.is_speaking()
    SessionSound(player).prepare(["Do this."])  # the voice is off: nothing to render
    assert rendered == [["Do this.", "Two"]]
    assert SessionSound(player).problem() == player.problem()


def test_no_output_device_is_reported_and_cues_are_skipped(qapp: object) -> None:
    player = CuePlayer(FakeClips({"Two": Path("two.wav")}), outputs=list)
    skipped: list[str] = []
    started: list[str] = []
    player.cueSkipped.connect(skipped.append)
    player.cueStarted.connect(started.append)
    assert player.problem() == NO_OUTPUT
    player.play(speech("Two", Priority.COUNTDOWN))
    player.play(TONE)
    assert skipped == ["Two"]
    assert started == []
    player.stop()


def test_speech_problem_is_reported_when_there_is_sound(qapp: object) -> None:
    player = CuePlayer(FakeClips({}, reason="install espeak-ng"), outputs=lambda: [QAudioDevice()],
                       effect_factory=FakeEffect)
    assert player.problem() == "install espeak-ng"


def test_failed_lines_become_a_notice(qapp: object) -> None:
    clips = FakeClips({})
    player = CuePlayer(clips, outputs=lambda: [QAudioDevice()], effect_factory=FakeEffect)
    notices: list[str] = []
    player.problemChanged.connect(notices.append)
    assert player.problem() is None
    clips.failure_notice = "2 spoken cue(s) could not be made"  # type: ignore[attr-defined]
    player.play(speech("Two", Priority.COUNTDOWN))
    assert player.problem() == notices[-1] == "2 spoken cue(s) could not be made"


def test_clip_not_ready_is_skipped(
        fake_player: tuple[CuePlayer, dict[str, FakeEffect]]) -> None:
    player, _ = fake_player
    skipped: list[str] = []
    player.cueSkipped.connect(skipped.append)
    player.play(speech("Not rendered yet.", Priority.INSTRUCTION))
    assert skipped == ["Not rendered yet."]
    assert not player.is_speaking()


def test_higher_priority_cuts_lower_and_lower_is_dropped(
        fake_player: tuple[CuePlayer, dict[str, FakeEffect]]) -> None:
    player, _ = fake_player
    dropped: list[str] = []
    started: list[str] = []
    player.cueDropped.connect(dropped.append)
    player.cueStarted.connect(started.append)

    player.play(speech("Seven", Priority.STROKE))
    seven = _effect_for(player, "3.wav")
    assert seven.isPlaying()
    player.play(speech("Switch sides.", Priority.SWITCH_SIDES))
    switch = _effect_for(player, "1.wav")
    assert switch.isPlaying() and not seven.isPlaying()
    player.play(speech("Halfway.", Priority.HALFWAY))
    player.play(speech("Two", Priority.COUNTDOWN))
    assert dropped == ["Halfway.", "Two"]
    assert switch.isPlaying()
    switch.playing = False  # the line ends
    player.play(speech("Halfway.", Priority.HALFWAY))
    assert _effect_for(player, "4.wav").isPlaying()
    assert started == ["Seven", "Switch sides.", "Halfway."]


def test_equal_priority_replaces_and_tones_do_not_cut_speech(
        fake_player: tuple[CuePlayer, dict[str, FakeEffect]]) -> None:
    player, _ = fake_player
    player.play(speech("Two", Priority.COUNTDOWN))
    player.play(TONE)
    assert _effect_for(player, "2.wav").isPlaying()
    assert _effect_for(player, "work-start.wav").isPlaying()
    player.play(speech("Seven", Priority.COUNTDOWN))
    assert not _effect_for(player, "2.wav").isPlaying()
    assert _effect_for(player, "3.wav").isPlaying()


def test_stop_and_pause_silence_everything_at_once(
        fake_player: tuple[CuePlayer, dict[str, FakeEffect]]) -> None:
    player, _ = fake_player
    for stop in (player.stop, SessionSound(player).silence):
        player.play(speech("Do this.", Priority.INSTRUCTION))
        player.play(TONE)
        assert player.is_speaking()
        stop()
        assert not player.is_speaking()
        assert not any(e.isPlaying() for e in player.findChildren(FakeEffect))
    player.play(speech("Two", Priority.COUNTDOWN))
    assert player.is_speaking()


def test_volume_applies_to_every_clip(
        fake_player: tuple[CuePlayer, dict[str, FakeEffect]]) -> None:
    player, _ = fake_player
    player.play(speech("Do this.", Priority.INSTRUCTION))
    assert [round(e.volume(), 3) for e in player.findChildren(FakeEffect)] == [0.4] * 4
    player.set_volume(1.7)
    assert player.volume() == 1.0
    assert {e.volume() for e in player.findChildren(FakeEffect)} == {1.0}


def test_a_routine_keeps_only_its_recent_lines_loaded(qapp: object, tmp_path: Path) -> None:
    """Each instruction plays once and the counts come back every step: what stays
    loaded is bounded (the counts and the last lines), and a dropped line plays again."""
    counts = {word: tmp_path / f"{word}.wav" for word in ("One", "Two", "Three")}
    lines = {f"Instruction {i}.": tmp_path / f"line{i}.wav" for i in range(12)}
    for path in counts.values():
        path.write_bytes(bytes(20_000))
    for path in lines.values():
        path.write_bytes(bytes(MAX_PLAYED_BYTES // 4))  # an instruction: several stay loaded
    player = CuePlayer(FakeClips({**counts, **lines}), outputs=lambda: [QAudioDevice()],
                       effect_factory=FakeEffect)
    started: list[str] = []
    player.cueStarted.connect(started.append)

    def say(text: str, priority: Priority) -> None:
        player.play(speech(text, priority))
        for effect in player.findChildren(FakeEffect):
            effect.playing = False  # the line ends

    def loaded() -> set[str]:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        return {Path(e.loaded).name for e in player.findChildren(FakeEffect)}

    for line in lines:
        say(line, Priority.INSTRUCTION)
        for count in counts:
            say(count, Priority.COUNTDOWN)
    kept = loaded()
    tones = {tone_path(name).name for name in (TONE_WORK_START, TONE_WORK_END, TONE_REMINDER)}
    assert tones | {f"{word}.wav" for word in counts} <= kept
    assert sum((tmp_path / name).stat().st_size for name in kept - tones) <= MAX_PLAYED_BYTES
    assert "line11.wav" in kept and "line0.wav" not in kept
    assert started == [text for line in lines for text in (line, *counts)]
    say("Instruction 0.", Priority.INSTRUCTION)
    assert started[-1] == "Instruction 0." and "line0.wav" in loaded()


class LoadingEffect(FakeEffect):
    """As Qt's own: a play asked for while the clip loads waits for the load, and until
    then the effect reports neither playing nor looping."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.ready = False
        self.queued = False

    def play(self) -> None:
        self.plays += 1
        if self.ready:
            self.playing = True
        else:
            self.queued = True

    def stop(self) -> None:
        self.playing = self.queued = False

    def status(self) -> QSoundEffect.Status:
        return QSoundEffect.Status.Ready if self.ready else QSoundEffect.Status.Loading

    def finish_loading(self) -> None:
        self.ready = True
        self.playing, self.queued = self.queued, False


def test_a_long_line_still_loading_is_being_said_and_stays_loaded(
    qapp: object, tmp_path: Path
) -> None:
    """A line bigger than the whole bound (a long instruction at a slow voice) that is
    still loading when the next cue comes: it counts as being said, is not unloaded
    under the player's feet, and the lines after it play (a deleted line here once
    raised on the next cue, which stopped the session's clock)."""
    long_line, short_line = tmp_path / "long.wav", tmp_path / "short.wav"
    long_line.write_bytes(bytes(MAX_PLAYED_BYTES + 100_000))
    short_line.write_bytes(bytes(20_000))
    player = CuePlayer(FakeClips({"A long instruction.": long_line, "Two": short_line}),
                       outputs=lambda: [QAudioDevice()], effect_factory=LoadingEffect)
    dropped: list[str] = []
    player.cueDropped.connect(dropped.append)

    player.play(speech("A long instruction.", Priority.INSTRUCTION))
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    effect = _effect_for(player, "long.wav")
    assert isinstance(effect, LoadingEffect) and effect.queued
    assert player.is_speaking(), "asked to play and loading"
    player.play(speech("Halfway.", Priority.HALFWAY))
    assert dropped == [], "no clip for it: skipped, not dropped"
    player.play(speech("Two", Priority.HALFWAY))
    assert dropped == ["Two"], "a lower cue does not cut a line that is loading"
    effect.finish_loading()
    assert effect.playing and player.is_speaking()
    effect.playing = False  # the line ends
    player.play(speech("Two", Priority.COUNTDOWN))
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert player.is_speaking()
    assert "long.wav" not in {Path(e.loaded).name for e in player.findChildren(FakeEffect)}


# --- real playback on a PulseAudio null sink, in a child process -------------------------


def _write_sine(path: Path, seconds: float) -> None:
    rate = 22050
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(array("h", (round(9000 * math.sin(2 * math.pi * 330 * i / rate))
                                    for i in range(int(seconds * rate)))).tobytes())


def _wait(app: object, condition: Callable[[], bool], timeout_ms: int) -> float:
    """Run the event loop until ``condition()`` or the timeout; seconds waited."""
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(2)
    began = time.perf_counter()

    def check() -> None:
        if condition() or (time.perf_counter() - began) * 1000 > timeout_ms:
            loop.quit()

    poll.timeout.connect(check)
    poll.start()
    loop.exec()
    poll.stop()
    return time.perf_counter() - began


def _audio_probe(folder: str) -> None:
    """Child process: play real clips through QtMultimedia and print what happened."""
    from PySide6.QtMultimedia import QMediaDevices
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    work = Path(folder)
    long_clip, short_clip = work / "long.wav", work / "short.wav"
    _write_sine(long_clip, 2.0)
    _write_sine(short_clip, 0.5)
    player = CuePlayer(FakeClips({"long line": long_clip, "Two": short_clip}))
    dropped: list[str] = []
    player.cueDropped.connect(dropped.append)
    result: dict[str, object] = {
        "outputs": [d.description() for d in QMediaDevices.audioOutputs()],
        "problem": player.problem(),
    }
    player.preload([long_clip, short_clip])
    _wait(app, lambda: all(e.status() is QSoundEffect.Status.Ready
                           for e in player.findChildren(QSoundEffect)), 3000)
    began = time.perf_counter()
    player.play(speech("long line", Priority.INSTRUCTION))
    result["playing_at_once"] = player.is_speaking()
    result["start_ms"] = 1000 * (time.perf_counter() - began)
    player.play(TONE)
    player.play(speech("Two", Priority.COUNTDOWN))
    _wait(app, lambda: False, 300)
    result["playing_after_300ms"] = player.is_speaking()
    result["dropped"] = dropped
    began = time.perf_counter()
    player.stop()
    result["stopped_at_once"] = not player.is_speaking() and not any(
        e.isPlaying() for e in player.findChildren(QSoundEffect))
    result["stop_ms"] = 1000 * (time.perf_counter() - began)
    _wait(app, lambda: False, 100)
    result["silent_after_100ms"] = not any(
        e.isPlaying() for e in player.findChildren(QSoundEffect))
    player.play(speech("Two", Priority.COUNTDOWN))
    player.play(speech("long line", Priority.INSTRUCTION))
    _wait(app, lambda: False, 50)
    result["cut_to_long"] = [
        Path(e.source().toLocalFile()).name
        for e in player.findChildren(QSoundEffect) if e.isPlaying()]
    player.stop()
    print(json.dumps(result))


def _probe_on_null_sink(probe: str, *args: str) -> tuple[dict[str, Any], str]:
    """Run ``test_playback.<probe>(*args)`` in a child process on a null sink of its own:
    the JSON it printed last, and its stderr."""
    call = ", ".join(repr(arg) for arg in args)
    with null_sink_server() as env:
        code = f"import sys; sys.path.insert(0, {str(HERE)!r}); " \
               f"import test_playback; test_playback.{probe}({call})"
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


@pytest.mark.audio
@pytest.mark.skipif(shutil.which("pulseaudio") is None, reason="pulseaudio is not installed")
def test_real_playback_starts_and_stops_on_a_null_sink(tmp_path: Path) -> None:
    result, _stderr = _probe_on_null_sink("_audio_probe", str(tmp_path))
    print(result)
    assert result["outputs"], result
    assert result["problem"] is None
    assert result["playing_at_once"] is True
    assert result["start_ms"] < 50
    assert result["playing_after_300ms"] is True
    assert result["dropped"] == ["Two"]
    assert result["stopped_at_once"] is True
    assert result["silent_after_100ms"] is True
    assert result["cut_to_long"] == ["long.wav"]


def _eviction_probe(folder: str) -> None:
    """Child process: say more lines than stay loaded, one cutting the next, as a
    routine's instructions do, and print what is left and what went wrong."""
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    raised: list[str] = []
    sys.excepthook = lambda kind, value, tb: raised.append(f"{kind.__name__}: {value}")
    work = Path(folder)
    clips = {f"Line {i}.": work / f"line{i}.wav" for i in range(16)}
    for path in clips.values():
        _write_sine(path, 1.0)
    player = CuePlayer(FakeClips(clips))
    for text in clips:
        player.play(speech(text, Priority.INSTRUCTION))
        _wait(app, player.is_speaking, 1000)
        _wait(app, lambda: False, 60)
    player.stop()
    _wait(app, lambda: False, 300)
    loaded = [Path(e.source().toLocalFile()).name for e in player.findChildren(QSoundEffect)]
    player.play(speech("Line 15.", Priority.INSTRUCTION))
    _wait(app, player.is_speaking, 1000)
    player.deleteLater()  # as when the app quits in the middle of a line
    _wait(app, lambda: False, 100)
    print(json.dumps({"raised": raised, "lines_loaded": sorted(n for n in loaded
                                                              if n.startswith("line"))}))


@pytest.mark.audio
@pytest.mark.skipif(shutil.which("pulseaudio") is None, reason="pulseaudio is not installed")
def test_lines_dropped_from_memory_end_quietly_on_a_null_sink(tmp_path: Path) -> None:
    """Played lines unloaded to keep memory bounded, and a player deleted in the middle
    of a line (the app quitting): Qt reports the clips' playing state as they go, and
    nothing may raise then; only the recent lines stay loaded."""
    result, stderr = _probe_on_null_sink("_eviction_probe", str(tmp_path))
    assert result["raised"] == [], result
    assert "Traceback" not in stderr, stderr[-2000:]
    kept = result["lines_loaded"]
    assert "line15.wav" in kept and "line0.wav" not in kept
    assert sum((tmp_path / name).stat().st_size for name in kept) <= MAX_PLAYED_BYTES


def _backend_probe() -> None:
    """Child process: make the cue player, play a tone, and print which plugins are mapped."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QImageReader
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    paths = QCoreApplication.libraryPaths()
    player = CuePlayer(None)
    player.play(TONE)
    tones = [e for e in player.findChildren(QSoundEffect)
             if e.source().fileName() == "work-start.wav"]
    _wait(app, lambda: any(e.isPlaying() for e in tones), 3000)
    maps = Path("/proc/self/maps").read_text()
    print(json.dumps({
        "ffmpeg_mapped": "ffmpegmediaplugin" in maps,
        "backend_mapped": "plugins/multimedia/" in maps,
        "tone_playing": any(e.isPlaying() for e in tones),
        "library_paths_kept": QCoreApplication.libraryPaths() == paths,
        "svg_images": b"svg" in [bytes(f.data()) for f in QImageReader.supportedImageFormats()],
    }))
    player.stop()


@pytest.mark.audio
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
@pytest.mark.skipif(shutil.which("pulseaudio") is None, reason="pulseaudio is not installed")
def test_the_player_loads_no_media_backend_plugin() -> None:
    """QSoundEffect needs no backend: the FFmpeg one (Qt Quick, Qml, libavcodec, 12-20 MB
    resident) is never loaded, while tones play and other plugins still load."""
    result, stderr = _probe_on_null_sink("_backend_probe")
    assert "No QtMultimedia backends found" not in stderr
    assert result == {"ffmpeg_mapped": False, "backend_mapped": False, "tone_playing": True,
                      "library_paths_kept": True, "svg_images": True}


def test_after_skip_the_new_sides_line_is_heard_not_the_old_one(
        qapp: object, tmp_path: Path) -> None:
    """Skip to the right side while the left side's instruction was being said: that
    instruction played on over the new part, and "Now the right side." (a lower
    priority) was dropped."""
    from datetime import UTC, datetime

    from routine_factory import hold, make_routine

    from massage_timer.core.model.cues import CueOptions
    from massage_timer.core.model.session import Session

    routine = make_routine(hold("Press", seconds=20, sides=["left", "right"]))
    step = routine.steps[0]
    lines = [step.part_line(0), step.part_line(1)]
    player = CuePlayer(FakeClips({t: tmp_path / f"{n}.wav" for n, t in enumerate(lines)}),
                       outputs=lambda: [QAudioDevice()], effect_factory=FakeEffect)
    started: list[str] = []
    player.cueStarted.connect(started.append)

    class Log:
        def start_session(self, _start: object) -> int:
            return 1

        def step_completed(self, *_args: object) -> None: ...

        def finish_session(self, *_args: object, **_kwargs: object) -> None: ...

    now = [0.0]
    session = Session(routine, Log(), SessionSound(player),  # type: ignore[arg-type]
                      options=CueOptions(), clock=lambda: now[0],
                      wall_clock=lambda: datetime.now(UTC))
    session.start()
    now[0] = 0.5
    session.update()
    assert player.is_speaking() and started == [lines[0]]
    now[0] = 1.0
    session.skip()
    assert not player.is_speaking(), "the left side's instruction is cut"
    now[0] = 1.5
    session.update()
    assert started == [lines[0], lines[1]]


def test_the_voice_volume_is_applied_once_at_playback(
        qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The clips were rendered at the volume setting and then played at it again: 50 %
    came out at a quarter, below the tones, and each volume step rendered every clip
    anew."""
    from massage_timer.audio import speech as speech_module
    from massage_timer.core.model.settings import Settings
    from massage_timer.ui.sound import real_audio

    made: dict[str, object] = {}

    class Synth:
        unavailable_reason = None

        def __init__(self, _cache_dir: Path, **kwargs: object) -> None:
            made.update(kwargs)

        def clip_for(self, _text: str) -> Path | None:
            return None

    monkeypatch.setattr(speech_module, "SpeechSynth", Synth)
    parent = QObject()
    _speech, player = real_audio(tmp_path)(Settings(voice_volume=0.5), parent, "en")
    assert made.get("volume", 1.0) == 1.0, "rendered at full volume"
    assert player.volume() == 0.5
