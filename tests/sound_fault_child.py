"""Child program for the sound-fault test: a session-like cue load, faulted from outside.

Runs the real ``CuePlayer`` and ``SpeechSynth`` (pyttsx3 in its worker process) under a
real offscreen ``QApplication`` event loop. Every ``--period`` ms it plays a tone and the
next spoken line, and queues a fresh line for rendering, as a session does. The parent
drives it with one word per line on stdin and reads one JSON object per line on stdout:

    (start)   {"ready": ..., "worker_pid": ..., "outputs": [...]}
    pid       {"worker_pid": ...}   the speech worker's current process id
    quiet     {"quiet": ...}        the load stops; the event loop keeps running, idle
    probe     {"playing": ..., "problem": ..., "notices": [...], ...}  plays a tone and a
              line (the parent asks the server whether it hears them)
    exit      the loop ends

The parent kills the sound server and the speech worker in between; what it checks is
that the child then idles (no CPU, no log) and, once the server is back, plays again.

Usage: python tests/sound_fault_child.py CACHE_DIR [--period MS]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal
from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
from PySide6.QtWidgets import QApplication

from massage_timer.audio.playback import CuePlayer
from massage_timer.audio.speech import SpeechSynth
from massage_timer.core.model.cues import (
    TONE_REMINDER,
    TONE_WORK_END,
    TONE_WORK_START,
    Cue,
    CueKind,
    Priority,
)

TONES = [TONE_WORK_START, TONE_WORK_END, TONE_REMINDER]
LINES = [
    "Squeeze the top of your shoulder and hold.",
    "Glide your fingers down the back of your neck.",
    "Roll your shoulders back and let them drop.",
]


class Commands(QObject):
    """Lines from stdin, read by a thread and delivered on the UI thread (queued)."""

    received = Signal(str)

    def start(self) -> None:
        threading.Thread(target=self._read, name="stdin", daemon=True).start()

    def _read(self) -> None:
        for line in sys.stdin:
            self.received.emit(line.strip())
        self.received.emit("exit")


def say(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


def spin_until(done: object, timeout: float) -> bool:
    """Run the event loop until ``done()`` holds (checked every 10 ms) or ``timeout``."""
    loop = QEventLoop()
    deadline = time.monotonic() + timeout
    poll = QTimer()
    poll.setInterval(10)
    poll.timeout.connect(
        lambda: loop.quit() if done() or time.monotonic() >= deadline else None  # type: ignore[operator]
    )
    poll.start()
    if not done():  # type: ignore[operator]
        loop.exec()
    poll.stop()
    return bool(done())  # type: ignore[operator]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("cache", type=Path)
    parser.add_argument("--period", type=int, default=110)
    args = parser.parse_args()
    app = QApplication([sys.argv[0]])
    synth = SpeechSynth(args.cache, line_timeout=10.0, max_restarts=10)
    synth.prepare(LINES)
    synth.wait_started(30)
    player = CuePlayer(synth)
    notices: list[str] = []
    player.problemChanged.connect(notices.append)
    counter = [0]

    def tick() -> None:
        n = counter[0]
        counter[0] += 1
        # Three tones in turn, each left to finish before its next turn (the way
        # that once left the audio thread freeing a voice), and a line cut by the next.
        player.play(Cue(CueKind.TONE, TONES[n % len(TONES)], Priority.TONE))
        player.play(Cue(CueKind.SPEECH, LINES[n % len(LINES)], Priority.INSTRUCTION))
        synth.prepare([f"Breathe out slowly, round {n}."])

    load = QTimer()
    load.setInterval(args.period)
    load.timeout.connect(tick)

    def worker_pid() -> int | None:
        worker = synth._worker
        return worker.pid if worker is not None else None

    def probe() -> None:
        player.play(Cue(CueKind.TONE, TONE_REMINDER, Priority.TONE))
        player.play(Cue(CueKind.SPEECH, LINES[1], Priority.INSTRUCTION))
        say(outputs=[d.description() for d in QMediaDevices.audioOutputs()],
            playing=any(e.isPlaying() for e in player.findChildren(QSoundEffect)),
            speaking=player.is_speaking(), problem=player.problem(), notices=notices,
            synth_available=synth.available(), restarts=synth.stats.restarts)

    def on_command(word: str) -> None:
        if word == "pid":
            say(worker_pid=worker_pid())
        elif word == "quiet":
            load.stop()
            player.stop()
            say(quiet=True, ticks=counter[0])
        elif word == "probe":
            probe()
        elif word == "exit":
            load.stop()
            app.quit()

    commands = Commands()
    commands.received.connect(on_command)
    commands.start()
    ready = spin_until(lambda: synth.wait_idle(0) or False, 60)
    load.start()
    say(ready=ready, worker_pid=worker_pid(),
        outputs=[d.description() for d in QMediaDevices.audioOutputs()])
    app.exec()
    synth.close()
    sys.stdout.flush()
    sys.stderr.flush()
    # The same exit-time PySide6 6.x garbage-collection abort as in bench/cues.py.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
