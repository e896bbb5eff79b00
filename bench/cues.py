"""Cue latency on a real audio output: tones, spoken lines, Stop, and UI stalls.

Real code paths: the core ``Session`` (engine, cue routing, an in-memory history) + the
Qt ``SessionAdapter`` + ``SessionSound`` over the QtMultimedia ``CuePlayer`` + the
pyttsx3 ``SpeechSynth``. The machine may have no
sound card, so the script starts its own PulseAudio server with a null sink (its own
``XDG_RUNTIME_DIR``, started in the foreground so its PID is ours) and kills exactly
that PID at the end.

- tone latency: a routine of one-second holds with voice off; for each work phase,
  from the planned boundary (``event.at``) to the tone's ``QSoundEffect`` reporting
  ``isPlaying`` (checked right after ``play()`` and on ``playingChanged``).
- speech start: the same with voice on and the speech cache warm (a second
  ``SpeechSynth`` over the cache the first one filled; clips preloaded into the
  player as ``CuePlayer.preload`` allows): the moment a part's line is due
  (``PartLine``) → the line playing.
- stop silence: Stop while a line plays → no effect playing.
- UI stall: a 1 ms PreciseTimer heartbeat runs during the speech session while a
  cold ``SpeechSynth`` renders fresh lines; the longest gap between beats, minus 1 ms.
Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def start_pulseaudio(runtime: Path) -> subprocess.Popen[bytes]:
    """A PulseAudio server with a null sink, in the foreground, so its PID is known."""
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), HOME=str(runtime))
    proc = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disable-shm=no",
         "--load=module-null-sink sink_name=null",
         "--load=module-native-protocol-unix", "--log-target=stderr", "--log-level=error"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    socket = runtime / "pulse" / "native"
    deadline = time.monotonic() + 15
    while not socket.exists():
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"pulseaudio exited ({proc.returncode}): {err[-800:]}")
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("pulseaudio did not create its socket in 15 s")
        time.sleep(0.05)  # waiting for another process to start, not timing anything
    return proc


def stop_pulseaudio(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def hold_routine(count: int, prepare: float, seconds: float, texts: list[str]) -> object:
    from massage_timer.core.model.routine import validate_routine

    return validate_routine({
        "id": "bench-cues", "title": "Cue benchmark", "summary": "Short holds.",
        "version": "1.0", "position": "seated", "sources": ["001_1e45ebe971a9ae8f.txt"],
        "steps": [
            {"kind": "hold", "title": f"Hold {i}", "instruction": texts[i % len(texts)],
             "cue": "Hold", "seconds": seconds, "prepare": prepare}
            for i in range(count)
        ],
    })


INSTRUCTIONS = [
    "Squeeze the top of your shoulder and hold.",
    "Glide your fingers down the back of your neck.",
    "Tilt your ear away from this side until you feel a gentle stretch.",
    "Press gently at the base of your skull and breathe out slowly.",
    "Roll your shoulders back and let them drop.",
]
FRESH = [
    "Let your jaw relax and breathe into your belly.",
    "Rest your hands on your thighs and lengthen your spine.",
    "Slide your fingertips along the top of your shoulder blade.",
    "Circle your shoulders forward five times, then back.",
    "Lean your head forward and let its weight stretch the back of your neck.",
    "Find a tender spot and keep a steady, gentle pressure on it.",
]


def measure(args: argparse.Namespace, tmp: Path) -> dict[str, object]:
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
    from PySide6.QtWidgets import QApplication

    from massage_timer.audio.playback import CuePlayer, SessionSound, start_multimedia, tone_path
    from massage_timer.audio.speech import SpeechSynth
    from massage_timer.core.model.cues import TONE_WORK_START, CueOptions, lines_for_routine
    from massage_timer.core.model.engine import PartLine, Phase, PhaseChanged, SessionFinished
    from massage_timer.core.model.session import Session
    from massage_timer.core.storage.history.store import HistoryStore, utc_now
    from massage_timer.ui.session.adapter import SessionAdapter

    QApplication.instance() or QApplication([sys.argv[0]])
    start_multimedia()  # as the app's player does: QtMultimedia with no backend plugin
    outputs = [d.description() for d in QMediaDevices.audioOutputs()]
    if not outputs:
        raise RuntimeError("no audio output visible to Qt (is the null sink up?)")

    def spin_until(done: object, timeout: float) -> bool:
        """Run a real event loop until ``done()`` (polled every 5 ms) or ``timeout``."""
        loop = QEventLoop()
        deadline = time.monotonic() + timeout
        poll = QTimer()
        poll.setInterval(5)

        def check() -> None:
            if done() or time.monotonic() >= deadline:  # type: ignore[operator]
                loop.quit()
        poll.timeout.connect(check)
        poll.start()
        if not done():  # type: ignore[operator]
            loop.exec()
        poll.stop()
        return bool(done())  # type: ignore[operator]

    def playing_moment(effect: QSoundEffect, sink: list[float]) -> None:
        """Record when ``effect`` starts playing (now, or at its next playingChanged)."""
        if effect.isPlaying():
            sink.append(time.monotonic())
            return

        def on_change() -> None:
            if effect.isPlaying() and len(sink) == 0:
                sink.append(time.monotonic())
        effect.playingChanged.connect(on_change)

    def run_session(routine: object, options: CueOptions, player: CuePlayer,
                    on_event: object) -> None:
        history = HistoryStore.memory_only()
        session = Session(routine, history, SessionSound(player),  # type: ignore[arg-type]
                          options=options, clock=time.monotonic, wall_clock=utc_now)
        adapter = SessionAdapter(session, time.monotonic)
        finished: list[bool] = []

        def handle(event: object) -> None:
            on_event(event)  # type: ignore[operator]
            if isinstance(event, SessionFinished):
                finished.append(True)
        adapter.eventOccurred.connect(handle)
        adapter.start()
        spin_until(lambda: bool(finished), session.engine.planned_seconds + 30)
        adapter.deleteLater()
        history.close()

    # 1. Tones: voice off.
    player = CuePlayer(None)
    tone_effect = player._effect(tone_path(TONE_WORK_START))
    spin_until(lambda: tone_effect.status() is QSoundEffect.Status.Ready, 10)
    tone_lat: list[float] = []
    pending: list[tuple[float, list[float]]] = []

    def on_tone_event(event: object) -> None:
        if isinstance(event, PhaseChanged) and event.phase is Phase.WORK:
            seen: list[float] = []
            playing_moment(tone_effect, seen)
            pending.append((event.at, seen))
    run_session(hold_routine(args.tones, 0, 1, ["Hold."]),
                CueOptions(voice_enabled=False), player, on_tone_event)
    spin_until(lambda: all(seen for _, seen in pending), 2)
    tone_lat = [(seen[0] - at) * 1000 for at, seen in pending if seen]
    tone_missing = sum(1 for _, seen in pending if not seen)

    # 2. Speech with a warm cache: render once, then a new synth over the same cache.
    cache = tmp / "speech-cache"
    routine = hold_routine(args.lines, 2.5, 1, INSTRUCTIONS)
    options = CueOptions(voice_enabled=True, tones_enabled=True)
    lines = lines_for_routine(routine, options)  # type: ignore[arg-type]
    first = SpeechSynth(cache)
    first.prepare(lines)
    first.wait_idle(120)
    rendered = first.stats.rendered
    first.close()
    synth = SpeechSynth(cache)
    synth.prepare(lines)
    synth.wait_idle(60)
    warm_hits = synth.stats.cache_hits
    speaker = CuePlayer(synth)
    speaker.preload([p for p in (synth.clip_for(t) for t in lines) if p is not None])
    spin_until(lambda: all(e.status() is not QSoundEffect.Status.Loading
                           for e in speaker._effects.values()), 10)

    # Heartbeat for stalls, during the speech session while a cold synth renders.
    beats: list[float] = []
    heart = QTimer()
    heart.setTimerType(Qt.TimerType.PreciseTimer)
    heart.setInterval(1)
    heart.timeout.connect(lambda: beats.append(time.monotonic()))
    cold = SpeechSynth(tmp / "cold-cache")

    speech_lat: list[float] = []
    speech_pending: list[tuple[float, list[float]]] = []

    def on_speech_event(event: object) -> None:
        # The instruction is due LINE_DELAY after its part starts (PartLine), not at
        # the phase change: timed from the moment it is due.
        if isinstance(event, PartLine):
            current = speaker._speaking
            if current is not None:
                seen: list[float] = []
                playing_moment(current[1], seen)
                speech_pending.append((event.at, seen))

    heart.start()
    cold.prepare(FRESH)
    run_session(routine, options, speaker, on_speech_event)
    spin_until(cold._idle.is_set, 60)
    heart.stop()
    cold_rendered = cold.stats.rendered
    cold.close()
    speech_lat = [(seen[0] - at) * 1000 for at, seen in speech_pending if seen]
    gaps = [(b - a) * 1000 - 1 for a, b in itertools.pairwise(beats)]

    # 3. Stop → silence, while a long line plays.
    stops: list[float] = []
    long_line = INSTRUCTIONS[2]
    clip = synth.clip_for(long_line)
    from massage_timer.core.model.cues import Cue, CueKind, Priority

    for _ in range(args.stops):
        speaker.play(Cue(CueKind.SPEECH, long_line, Priority.INSTRUCTION))
        speaker.play(Cue(CueKind.TONE, TONE_WORK_START, Priority.TONE))
        spin_until(speaker.is_speaking, 2)
        spin_until(lambda: False, 0.3)  # mid-line
        began = time.monotonic()
        speaker.stop()
        silent = spin_until(
            lambda: not any(e.isPlaying() for e in speaker._effects.values()), 2
        )
        stops.append((time.monotonic() - began) * 1000 if silent else float("inf"))
    synth.close()

    def r(x: float) -> float:
        return round(x, 3)

    return {
        "audio_outputs": outputs,
        "tones": len(tone_lat),
        "tones_not_playing": tone_missing,
        "tone_latency_ms_p50": r(statistics.median(tone_lat)) if tone_lat else None,
        "tone_latency_ms_max": r(max(tone_lat)) if tone_lat else None,
        "speech_lines": len(speech_lat),
        "speech_lines_not_playing": len(speech_pending) - len(speech_lat),
        "speech_start_ms": r(statistics.median(speech_lat)) if speech_lat else None,
        "speech_start_ms_max": r(max(speech_lat)) if speech_lat else None,
        "speech_clip_for_stop_test": clip is not None,
        "stop_silence_ms": r(max(stops)) if stops else None,
        "ui_stall_ms_max": r(max(gaps)) if gaps else None,
        "ui_heartbeats": len(beats),
        # Where the worst stalls were, in seconds after the heartbeat started: tells
        # the synth start (at 0), line rendering and the session's cues apart.
        "ui_stalls_top": [[r(g), r(beats[i] - beats[0])] for g, i in
                          sorted(((g, i) for i, g in enumerate(gaps)), reverse=True)[:5]],
        "clips_rendered_first": rendered,
        "clips_warm_cache_hits": warm_hits,
        "clips_rendered_during_stall_test": cold_rendered,
        "targets": {"tone_latency_ms_max": 30, "speech_start_ms": 100,
                    "stop_silence_ms": 100, "ui_stall_ms_max": 16},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tones", type=int, default=30)
    parser.add_argument("--lines", type=int, default=5)
    parser.add_argument("--stops", type=int, default=5)
    args = parser.parse_args(argv)
    if shutil.which("pulseaudio") is None:
        print("pulseaudio is not installed (apt install pulseaudio)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="mt-bench-cues-") as name:
        tmp = Path(name)
        runtime = tmp / "runtime"
        pulse = start_pulseaudio(runtime)
        try:
            os.environ["XDG_RUNTIME_DIR"] = str(runtime)
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
            result = measure(args, tmp)
        finally:
            stop_pulseaudio(pulse)
    print(json.dumps(result), flush=True)
    sys.stderr.flush()
    # PySide6 6.12 + QtMultimedia sometimes aborts in its exit-time garbage collection
    # ("bool_dealloc ... refcount error"); the figures are out, so skip finalization.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
