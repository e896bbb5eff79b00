"""Speech clips: the real pyttsx3 + espeak-ng, the cache, and misbehaving engines.

The fake engines below run in the synthesizer's child process, which imports them
from this module by name, so they must stay at module level.
"""

from __future__ import annotations

import ctypes.util
import functools
import json
import math
import os
import subprocess
import sys
import threading
import time
import wave
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from massage_timer.audio import speech
from massage_timer.audio.speech import (
    INSTALL_ESPEAK,
    SpeechSynth,
    VoiceInfo,
    clip_problem,
    unavailable_reason_for,
)
from massage_timer.core.storage.paths import AppPaths

WAIT = 20.0
MakeSynth = Callable[..., SpeechSynth]


def _write_wav(path: Path, seconds: float, amplitude: float) -> None:
    rate = 22050
    samples = array("h", (round(amplitude * 32767 * math.sin(2 * math.pi * 220 * i / rate))
                          for i in range(int(seconds * rate))))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())


class FakeRenderer:
    """Speaks every line as a short tone, and misbehaves on request by keyword."""

    engine_id = "fake"

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo("fake/en", "Fake English", ("en",))]

    def configure(self, voice: str | None, rate: int | None, volume: float) -> None:
        pass

    def render(self, text: str, path: Path) -> None:
        if "boom" in text:
            raise RuntimeError("synthesizer exploded")
        if "die" in text:  # the process is killed under this line, once ("die once")
            marker = path.parent / f".died-{text.rsplit(maxsplit=1)[-1]}"
            if "once" not in text or not marker.exists():
                marker.touch()
                os._exit(9)
        if "hang" in text:
            threading.Event().wait()  # a synthesizer that never returns
        if "silent" in text:
            _write_wav(path, 0.5, 0.0)
        elif "empty" in text:
            _write_wav(path, 0.0, 0.0)
        else:
            print("Audio saved to", path)
            _write_wav(path, 0.1 * len(text.split()), 0.3)


def fake_renderer() -> FakeRenderer:
    return FakeRenderer()


def missing_espeak() -> FakeRenderer:
    raise RuntimeError("This means you probably do not have eSpeak or eSpeak-ng installed!")


@pytest.fixture
def make_synth(app_paths: AppPaths) -> Iterator[MakeSynth]:
    made: list[SpeechSynth] = []

    def factory(**kwargs: Any) -> SpeechSynth:
        kwargs.setdefault("factory", fake_renderer)
        kwargs.setdefault("engine_id", "fake")
        synth = SpeechSynth(app_paths.speech_cache_dir, **kwargs)
        made.append(synth)
        return synth

    yield factory
    for synth in made:
        synth.close()
        assert not synth._thread.is_alive()


def test_renders_lines_into_the_cache(make_synth: MakeSynth, app_paths: AppPaths,
                                      capfd: pytest.CaptureFixture[str]) -> None:
    synth = make_synth()
    assert synth.clip_for("Switch sides.") is None
    synth.prepare(["Switch sides.", "Three", "Switch sides."])
    assert synth.wait_idle(WAIT)
    clip = synth.clip_for("Switch sides.")
    assert clip is not None and clip.parent == app_paths.speech_cache_dir
    assert clip_problem(clip) is None
    assert synth.stats.rendered == 2
    assert synth.voices() == [VoiceInfo("fake/en", "Fake English", ("en",))]
    assert synth.failure_notice is None
    assert [p.name for p in app_paths.speech_cache_dir.iterdir() if p.name.startswith(".")] == []
    assert "Audio saved" not in capfd.readouterr().out


def test_a_broken_cached_clip_is_rendered_again(make_synth: MakeSynth) -> None:
    """A cached clip is checked for being whole (not listened to again: that was done
    in the synthesizer's process when it was rendered); a truncated one is replaced."""
    first = make_synth()
    first.prepare(["Switch sides."])
    assert first.wait_idle(WAIT)
    clip = first.clip_for("Switch sides.")
    assert clip is not None
    whole = clip.read_bytes()
    clip.write_bytes(whole[: len(whole) // 2])
    assert clip_problem(clip, listen=False) == "truncated clip"
    again = make_synth()
    again.prepare(["Switch sides."])
    assert again.wait_idle(WAIT)
    assert (again.stats.rendered, again.stats.cache_hits) == (1, 0)
    assert clip.read_bytes() == whole


@pytest.mark.parametrize("missing", [1, 2, 3000])
def test_a_clip_short_of_its_last_frame_is_truncated(tmp_path: Path, missing: int) -> None:
    """The cache's check reads the last frame only; a byte short of it is enough."""
    clip = tmp_path / "line.wav"
    _write_wav(clip, 0.5, 0.5)
    assert clip_problem(clip, listen=False) is None
    whole = clip.read_bytes()
    clip.write_bytes(whole[:-missing])
    assert clip_problem(clip, listen=False) == "truncated clip"
    assert clip_problem(clip) == "truncated clip"


def test_only_listening_finds_a_silent_clip(tmp_path: Path) -> None:
    silent = tmp_path / "silent.wav"
    _write_wav(silent, 0.5, 0.0)
    assert clip_problem(silent, listen=False) is None
    assert (clip_problem(silent) or "").startswith("silent clip")


def test_cache_key_depends_on_text_voice_rate_volume_and_engine(
        make_synth: MakeSynth) -> None:
    base = make_synth()
    keys = {
        base.key_for("One"),
        base.key_for("Two"),
        make_synth(voice="other").key_for("One"),
        make_synth(rate=120).key_for("One"),
        make_synth(volume=0.5).key_for("One"),
        make_synth(engine_id="other").key_for("One"),
    }
    assert len(keys) == 6
    assert make_synth().key_for("One") == base.key_for("One")


def test_failures_are_counted_and_the_rest_still_renders(make_synth: MakeSynth) -> None:
    synth = make_synth()
    synth.prepare(["boom now", "a silent line", "an empty line", "Well done."])
    assert synth.wait_idle(WAIT)
    assert synth.stats.failed == 3
    assert synth.stats.restarts == 0
    assert synth.clip_for("boom now") is None
    assert synth.clip_for("a silent line") is None
    assert synth.clip_for("an empty line") is None
    assert synth.clip_for("Well done.") is not None
    assert synth.available()
    assert synth.failure_notice is not None and synth.failure_notice.startswith("3 spoken")
    assert list(synth.cache_dir.glob("*.wav")) == [synth.clip_for("Well done.")]


def test_a_hanging_engine_is_replaced(make_synth: MakeSynth) -> None:
    synth = make_synth(line_timeout=0.5)
    began = time.monotonic()
    synth.prepare(["hang here", "One", "Two"])
    assert synth.wait_idle(WAIT)
    assert time.monotonic() - began < 10
    assert synth.stats.restarts == 1
    assert synth.clip_for("hang here") is None
    assert synth.clip_for("One") is not None and synth.clip_for("Two") is not None
    assert synth.available()
    assert synth.last_error is not None and "no answer" in synth.last_error


def test_a_line_the_worker_died_under_is_rendered_by_the_next_worker(
    make_synth: MakeSynth, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Killed under a line (the out-of-memory killer), the worker was replaced, but the
    line was set aside as failed: that instruction was silent for the rest of the run.
    And three deaths counted over the whole run turned speech off, days apart."""
    synth = make_synth()
    synth.prepare(["die once a", "One"])
    assert synth.wait_idle(WAIT)
    assert synth.clip_for("die once a") is not None and synth.clip_for("One") is not None
    assert synth.stats.restarts == 1 and synth.available()

    monkeypatch.setattr(speech, "RESTART_WINDOW", 0.0)  # each death long after the last
    spaced = make_synth(max_restarts=1)
    for n in range(3):
        spaced.prepare([f"die once {n}"])
        assert spaced.wait_idle(WAIT)
        assert spaced.clip_for(f"die once {n}") is not None
    assert spaced.available() and spaced.stats.restarts == 3


def test_an_engine_that_keeps_hanging_is_given_up(make_synth: MakeSynth) -> None:
    synth = make_synth(line_timeout=0.3, max_restarts=1)
    synth.prepare(["hang 1", "hang 2", "One"])
    assert synth.wait_idle(WAIT)
    assert not synth.available()
    assert synth.unavailable_reason is not None and "keeps failing" in synth.unavailable_reason
    assert synth.clip_for("One") is None


def test_missing_espeak_makes_speech_unavailable(make_synth: MakeSynth) -> None:
    reasons: list[str] = []
    synth = make_synth(factory=missing_espeak, on_unavailable=reasons.append)
    assert synth.wait_started(WAIT)
    assert not synth.available()
    assert synth.unavailable_reason == INSTALL_ESPEAK
    assert "install espeak-ng" in INSTALL_ESPEAK
    assert reasons == [INSTALL_ESPEAK]
    synth.prepare(["One"])
    assert synth.wait_idle(WAIT)
    assert synth.clip_for("One") is None


def test_unavailable_reasons() -> None:
    assert unavailable_reason_for(OSError("libespeak-ng.so.1: cannot open")) == INSTALL_ESPEAK
    missing = ModuleNotFoundError("No module named 'pyttsx3'")
    assert "pyttsx3" in unavailable_reason_for(missing)
    assert "ValueError" in unavailable_reason_for(ValueError("odd"))


def test_prepare_and_clip_for_never_wait(make_synth: MakeSynth) -> None:
    synth = make_synth(line_timeout=5.0)
    synth.prepare(["hang a while"])
    began = time.perf_counter()
    synth.prepare(["One", "Two"])
    assert synth.clip_for("One") is None
    assert time.perf_counter() - began < 0.05
    synth.close(timeout=0.2)
    assert synth.clip_for("One") is None


def _rms_and_seconds(path: Path) -> tuple[float, float]:
    with wave.open(str(path), "rb") as clip:
        frames = clip.getnframes()
        samples = array("h", clip.readframes(frames))
        seconds = frames / clip.getframerate()
    return math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768, seconds


@pytest.mark.skipif(ctypes.util.find_library("espeak-ng") is None,
                    reason="libespeak-ng1 is not installed (apt install espeak-ng)")
def test_real_pyttsx3_renders_a_routine_and_reuses_the_cache(
        app_paths: AppPaths, repo_root: Path, capfd: pytest.CaptureFixture[str]) -> None:
    # Imported here: the engine's child process imports this module, and pydantic
    # would add half a second to every start.
    from massage_timer.core.model.cues import CueOptions, lines_for_routine
    from massage_timer.core.storage.loader import load_routine_file

    routine = load_routine_file(repo_root / "routines" / "desk-micro-break.toml")
    lines = lines_for_routine(routine, CueOptions(count_aloud=True, halfway_cue=True))
    synth = SpeechSynth(app_paths.speech_cache_dir, rate=160)
    try:
        synth.prepare(lines)
        assert synth.wait_idle(60)
        assert synth.available(), synth.unavailable_reason
        assert any("en" in voice.id for voice in synth.voices())
        assert synth.stats.failed == 0 and synth.stats.rendered == len(lines)
        mtimes = {}
        for line in lines:
            clip = synth.clip_for(line)
            assert clip is not None, line
            rms, seconds = _rms_and_seconds(clip)
            words = len(line.split())
            assert rms > 0.02, (line, rms)
            assert 0.2 * words <= seconds <= max(1.2 * words, 1.0), (line, seconds)
            mtimes[clip] = clip.stat().st_mtime_ns
    finally:
        synth.close()
    again = SpeechSynth(app_paths.speech_cache_dir, rate=160)
    try:
        again.prepare(lines)
        assert again.wait_idle(60)
        assert again.stats.rendered == 0
        assert again.stats.cache_hits == len(lines)
        assert {clip: clip.stat().st_mtime_ns for clip in mtimes} == mtimes
    finally:
        again.close()
    assert "Audio saved" not in capfd.readouterr().out


def test_clip_lengths_and_voices_are_reported(make_synth: MakeSynth) -> None:
    found: list[list[VoiceInfo]] = []
    synth = make_synth(on_voices=found.append)
    assert synth.clip_seconds("Switch sides.") is None
    synth.prepare(["Switch sides.", "Let your shoulders drop."])
    assert synth.wait_idle(WAIT)
    assert found == [[VoiceInfo("fake/en", "Fake English", ("en",))]]
    assert synth.clip_seconds("Switch sides.") == pytest.approx(0.2, abs=0.001)
    assert synth.clip_seconds("Let your shoulders drop.") == pytest.approx(0.4, abs=0.001)
    assert synth.clip_seconds("never asked") is None


# -- the routine's language --------------------------------------------------------


class GermanAndEnglishRenderer(FakeRenderer):
    """Remembers (in the clip) which voice it was configured with."""

    voice: str | None = None

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo("gmw/en-us", "English (America)", ("en-us",)),
                VoiceInfo("gmw/de", "German", ("de",)),
                VoiceInfo("gmw/de-x", "German (other)", ("de",))]

    def configure(self, voice: str | None, rate: int | None, volume: float) -> None:
        self.voice = voice

    def render(self, text: str, path: Path) -> None:
        if text == "which voice?":
            raise RuntimeError(f"voice={self.voice}")
        super().render(text, path)


def german_and_english() -> GermanAndEnglishRenderer:
    return GermanAndEnglishRenderer()


def test_the_clip_cache_key_includes_the_language(make_synth: MakeSynth) -> None:
    assert make_synth(language="de").key_for("One") != make_synth().key_for("One")


def test_a_language_without_a_voice_is_shown_and_said_once(make_synth: MakeSynth) -> None:
    said: list[str] = []
    synth = make_synth(language="pl", factory=german_and_english, on_unavailable=said.append)
    synth.prepare(["Eins"])
    assert synth.wait_idle(WAIT)
    assert synth.clip_for("Eins") is None
    assert len(said) == 1 and "Polski" in said[0] and "not spoken" in said[0]
    assert synth.failure_notice == said[0]


@pytest.mark.parametrize(("wanted", "language", "chosen"), [
    (None, "de", "gmw/de"),
    ("gmw/en-us", "de", "gmw/de"),
    ("German (other)", "de", "gmw/de-x"),
    ("gmw/de-x", "de", "gmw/de-x"),
    (None, "en", None),
    ("gmw/de", "en", "gmw/en-us"),
])
def test_the_voice_follows_the_language_and_keeps_a_chosen_voice_of_it(
    wanted: str | None, language: str, chosen: str | None
) -> None:
    from massage_timer.audio.voices import choose_voice

    assert choose_voice(GermanAndEnglishRenderer().voices(), wanted, language) == chosen
    assert choose_voice([], wanted, language) == wanted, "an engine listing no voices"


def test_the_worker_configures_the_voice_of_the_language(make_synth: MakeSynth) -> None:
    synth = make_synth(language="de", factory=german_and_english)
    synth.prepare(["which voice?"])
    assert synth.wait_idle(WAIT)
    assert synth.last_error is not None and "voice=gmw/de" in synth.last_error


@pytest.mark.slow
@pytest.mark.skipif(ctypes.util.find_library("espeak-ng") is None,
                    reason="libespeak-ng1 is not installed (apt install espeak-ng)")
def test_every_fresh_worker_speaks_at_the_set_rate(tmp_path: Path) -> None:
    """The real voice: a new worker's first clip is as fast as the set rate says. In
    about one worker in eight the rate used to take hold only during the first line,
    which came out 45 % slower and ran into the work it was timed for (with eight
    workers this test caught that fault in one run of three)."""
    line = ("Raddrizza la schiena e tieni le spalle basse. Con la mano opposta afferra "
            "il muscolo sopra la spalla sinistra, vicino al bordo esterno, e stringi.")
    lengths = []
    for attempt in range(8):
        synth = SpeechSynth(tmp_path / str(attempt), rate=300, language="it")
        try:
            synth.prepare([line])
            assert synth.wait_idle(WAIT)
            lengths.append(synth.clip_seconds(line))
        finally:
            synth.close()
    assert None not in lengths
    assert max(lengths) - min(lengths) < 0.05, lengths  # type: ignore[operator,type-var]


# -- the worker process ----------------------------------------------------------------

_FRESH_SESSION = """
import json, os, sys
from pathlib import Path
from test_speech import fake_renderer
from massage_timer.audio.speech import SpeechSynth

synth = SpeechSynth(Path(sys.argv[1]), factory=fake_renderer, engine_id="fake")
assert synth.wait_started(20) and synth.available(), synth.unavailable_reason
synth.prepare(["Switch sides."])
assert synth.wait_idle(20)
worker = synth._worker
pid = worker.pid if worker is not None else None
synth.close()
synth._thread.join(5)
children = []
for task in Path("/proc/self/task").glob("*"):
    children += (task / "children").read_text().split()
print(json.dumps({
    "clip": synth.clip_for("Switch sides.") is not None,
    "imported": sorted(m for m in ("multiprocessing", "pickle", "_pickle") if m in sys.modules),
    "worker": pid, "children": children,
}))
"""


needs_proc = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")


@needs_proc
def test_the_worker_brings_no_multiprocessing_and_leaves_no_process(
        tmp_path: Path, repo_root: Path) -> None:
    """A fresh interpreter (pytest itself may have imported them): starting a
    SpeechSynth imports neither multiprocessing nor pickle into the UI process (with
    them came ~2 MB and a resource-tracker process), and close() leaves no child."""
    tests = repo_root / "tests"
    done = subprocess.run(
        [sys.executable, "-c", _FRESH_SESSION, str(tmp_path / "speech")],
        cwd=repo_root, capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tests), str(repo_root)])},
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["clip"]
    assert result["imported"] == []
    assert result["worker"] is not None
    assert result["children"] == []
    assert not Path(f"/proc/{result['worker']}").exists()


def test_a_factory_the_worker_cannot_import_is_refused(app_paths: AppPaths) -> None:
    def nested() -> FakeRenderer:
        return FakeRenderer()

    anonymous = lambda: FakeRenderer()  # noqa: E731, PLW0108 (the case under test)
    for factory in (nested, anonymous, functools.partial(fake_renderer)):
        with pytest.raises(ValueError, match="top level of an importable module"):
            SpeechSynth(app_paths.speech_cache_dir, factory=factory, engine_id="fake")


@needs_proc
def test_the_worker_ends_when_its_parent_dies(tmp_path: Path, repo_root: Path) -> None:
    """Its stdin comes to an end: it exits then, even in the middle of a render that
    hangs (no supervisor is left to kill it)."""
    parent = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN, str(tmp_path / "speech")], cwd=repo_root,
        stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(repo_root / "tests"),
                                                          str(repo_root)])},
    )
    try:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(worker)


_ORPHAN = """
import sys, time
from pathlib import Path
from test_speech import fake_renderer
from massage_timer.audio.speech import SpeechSynth

synth = SpeechSynth(Path(sys.argv[1]), factory=fake_renderer, engine_id="fake",
                    line_timeout=60)
assert synth.wait_started(20) and synth.available(), synth.unavailable_reason
synth.prepare(["hang here"])
time.sleep(0.5)
assert synth._worker is not None
print(synth._worker.pid, flush=True)
time.sleep(60)
"""


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie, dead but not yet reaped, is not)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return status.rsplit(")", 1)[1].split()[0] != "Z"


def test_the_cache_keeps_to_its_size_least_recently_used_first(tmp_path: Path) -> None:
    """Every voice, rate and edited line added clips under new keys and nothing deleted
    them. A clip used within a day stays whatever the size (a session may hold it)."""
    now = 2_000_000_000.0
    day = 24 * 3600

    def clip(name: str, size: int, age: float) -> Path:
        path = tmp_path / name
        path.write_bytes(b"\0" * size)
        os.utime(path, (now - age, now - age))
        return path

    oldest = clip("a.wav", 400, 9 * day)
    older = clip("b.wav", 400, 5 * day)
    old = clip("c.wav", 400, 2 * day)
    today = clip("d.wav", 400, 3600)
    leftover = clip(".e.123.render.wav", 50, 2 * 3600)
    rendering = clip(".f.456.render.wav", 50, 10)
    other = tmp_path / "notes.txt"
    other.write_text("not a clip")
    assert speech.prune_cache(tmp_path, limit=900, now=now) == 400 + 400 + 50
    assert not oldest.exists() and not older.exists() and not leftover.exists()
    assert old.exists() and today.exists() and rendering.exists() and other.exists()
    # Over the limit with only recent clips: nothing in use is deleted.
    assert speech.prune_cache(tmp_path, limit=100, now=now) == 400
    assert not old.exists() and today.exists()


def test_a_clip_used_again_is_marked_as_used(make_synth: MakeSynth) -> None:
    first = make_synth()
    first.prepare(["One"])
    assert first.wait_idle(WAIT)
    clip = first.clip_for("One")
    assert clip is not None
    os.utime(clip, (1_000_000_000, 1_000_000_000))
    first.close()
    again = make_synth()
    again.prepare(["One"])
    assert again.wait_idle(WAIT)
    assert again.stats.cache_hits == 1
    assert clip.stat().st_atime > time.time() - 60
    assert clip.stat().st_mtime == 1_000_000_000, "not written again"


def test_a_synthesizer_prunes_the_cache_as_it_starts(
    make_synth: MakeSynth, app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(speech, "CACHE_LIMIT_BYTES", 0)
    app_paths.speech_cache_dir.mkdir(parents=True, exist_ok=True)
    stale = app_paths.speech_cache_dir / "0123abcd.wav"
    stale.write_bytes(b"\0" * 1000)
    os.utime(stale, (1_000_000_000, 1_000_000_000))
    synth = make_synth()
    synth.prepare(["One"])
    assert synth.wait_idle(WAIT)
    assert not stale.exists()
    assert synth.clip_for("One") is not None  # just made: kept
