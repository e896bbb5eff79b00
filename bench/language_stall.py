"""The longest UI stall while a routine's lines render in a new language.

Issue 15's figure: with the checklist open, every line of a routine is rendered in a
language the speech worker was not speaking (the voice is switched, the worker
restarted, each line synthesised to a clip), and the UI thread must not stall for more
than 16 ms meanwhile. The real app (usual start, real pyttsx3 worker process, real
QtMultimedia player) runs offscreen in a child process: it first speaks English (a
warm worker, as after a session), then the language setting changes (the time the
open windows take to follow is printed too), and a built-in routine is started; a
1 ms PreciseTimer heartbeat runs from the moment its checklist is open until the
worker has rendered every line of the routine in the new language. The stall is the
longest gap between beats, minus 1 ms. Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SETTLE_MS = 1500
TARGET_MS = 16


def child(data_dir: Path, language: str, routine_id: str, timeout: float) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO))
    from PySide6.QtCore import Qt, QTimer

    from massage_timer.ui.app import Application
    from massage_timer.ui.wiring import App

    app = Application([sys.argv[0]])
    beats: list[float] = []
    result: dict[str, object] = {"language": language, "routine": routine_id}
    heart = QTimer(app)
    heart.setTimerType(Qt.TimerType.PreciseTimer)
    heart.setInterval(1)
    heart.timeout.connect(lambda: beats.append(time.monotonic()))

    def controller() -> App:
        return app.findChildren(App)[0]

    def warm() -> None:
        main = controller()
        main.finish_startup()
        speech, _player = main.sound.audio("en")
        assert speech is not None, "the voice is off in the settings"
        speech.prepare(["A warm English voice."])
        QTimer.singleShot(SETTLE_MS, switch)

    def switch() -> None:
        main = controller()
        began = time.monotonic()
        main.store.update(language=language)
        result["language_switch_ms"] = round((time.monotonic() - began) * 1000, 1)
        QTimer.singleShot(SETTLE_MS, open_checklist)

    def open_checklist() -> None:
        main = controller()
        entry = main.library.get(routine_id)
        assert entry is not None, f"no routine {routine_id}"
        result["routine_language"] = entry.language
        began = time.monotonic()
        main.start_session(routine_id)
        result["checklist_open_ms"] = round((time.monotonic() - began) * 1000, 1)
        heart.start()
        started = time.monotonic()
        flow = main.sessions.flow
        assert flow is not None and flow.checklist is not None
        result["checklist_open"] = flow.checklist.isVisible()
        wait(started)

    def wait(started: float) -> None:
        speech = controller().sound.speech
        done = speech is not None and speech.stats.rendered > 0 and speech._idle.is_set()
        if done or time.monotonic() - started > timeout:
            finish(started, done)
        else:
            QTimer.singleShot(50, lambda: wait(started))

    def finish(started: float, done: bool) -> None:
        heart.stop()
        speech = controller().sound.speech
        gaps = [(b - a) * 1000 - 1 for a, b in itertools.pairwise(beats)]
        result.update({
            "rendered_all": done,
            "render_seconds": round(time.monotonic() - started, 2),
            "clips_rendered": speech.stats.rendered if speech is not None else 0,
            "speech_language": getattr(speech, "language", None),
            "ui_heartbeats": len(beats),
            "ui_stall_ms_max": round(max(gaps), 3) if gaps else None,
            # The worst gaps, with when they happened (seconds after the checklist opened).
            "ui_stalls_top": [[round(g, 3), round(beats[i] - started, 3)] for g, i in
                              sorted(((g, i) for i, g in enumerate(gaps)), reverse=True)[:5]],
            "target_ui_stall_ms_max": TARGET_MS,
        })
        print(json.dumps(result), flush=True)
        flow = controller().sessions.flow
        if flow is not None and flow.checklist is not None:
            flow.checklist.reject()
        controller().quit()

    QTimer.singleShot(SETTLE_MS, warm)
    from massage_timer.cli import main as app_main

    app_main(["--data-dir", str(data_dir)])
    sys.stdout.flush()
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="de")
    parser.add_argument("--routine", default="neck-full-self-massage")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.data_dir, args.language, args.routine, args.timeout)
    with tempfile.TemporaryDirectory(prefix="mt-bench-lang-") as name:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
                   XDG_CACHE_HOME=str(Path(name) / "cache"))
        proc = subprocess.run(
            [sys.executable, __file__, "--child", "--data-dir", str(Path(name) / "data"),
             "--language", args.language, "--routine", args.routine,
             "--timeout", str(args.timeout)],
            env=env, capture_output=True, text=True, timeout=args.timeout + 60, check=False,
        )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
        return 1
    print(lines[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
