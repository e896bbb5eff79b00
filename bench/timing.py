"""Step-boundary accuracy of the real Qt session adapter under CPU load.

Plays a routine of N one-second hold steps (prepare 0) through the real
``SessionAdapter`` (a PreciseTimer re-aimed at ``session.next_deadline()``) on an
offscreen QApplication, and records ``time.monotonic()`` on the UI thread as each
``StepStarted`` arrives, against its planned moment ``start + i`` seconds.

In the same event loop, a naive countdown (a repeating 1 s QTimer that subtracts one
per tick, as many timer apps do) runs over the same span; its drift is how late its
"0" tick is compared with ``start + N``. Running both at once halves the wall time
and puts them under exactly the same load.

Load: the main run has ``--load-procs`` busy-loop processes (default 2: on a 2-core
machine they compete with the UI thread for the cores like other programs would;
CPython threads could not, they share one GIL). A second, shorter run
(``--gil-steps``) adds one GIL-holding busy thread inside this process, the worst
case for a Python UI: every return from C to Python on the UI thread may wait up to
``sys.getswitchinterval()`` (5 ms) for the GIL. Its figures are reported under
``gil_thread_*``; the app itself keeps no busy Python thread (the speech supervisor
waits in ``poll``). Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QCoreApplication, Qt, QTimer

from massage_timer.core.model.cues import Cue, CueOptions
from massage_timer.core.model.engine import SessionFinished, StepStarted
from massage_timer.core.model.routine import Routine, validate_routine
from massage_timer.core.model.session import Session
from massage_timer.core.storage.history.store import HistoryStore, utc_now
from massage_timer.ui.session.adapter import SessionAdapter


class Silent:
    """No sound: the bench measures timing, not audio (see bench/cues.py for that)."""

    def prepare(self, lines: Sequence[str]) -> None:
        pass

    def play(self, cue: Cue) -> None:
        pass

    def silence(self) -> None:
        pass


def make_routine(parts: int) -> Routine:
    """``parts`` one-second parts: holds done on the left then the right side.

    The format allows at most 60 steps, so 120 one-second steps are 60 two-sided
    holds; every side is its own part with its own ``StepStarted``.
    """
    assert parts % 2 == 0, "two sides per step"
    return validate_routine(
        {
            "id": "bench-timing",
            "title": "Timing benchmark",
            "summary": "One-second holds.",
            "version": "1.0",
            "position": "seated",
            "sources": ["001_1e45ebe971a9ae8f.txt"],
            "steps": [
                {
                    "kind": "hold",
                    "title": f"Hold {i}",
                    "instruction": "Hold.",
                    "cue": "Hold",
                    "seconds": 1,
                    "prepare": 0,
                    "switch_prepare": 0,
                    "sides": ["left", "right"],
                }
                for i in range(parts // 2)
            ],
        }
    )


def _burn(stop: Any) -> None:
    x = 0
    while not stop.is_set():
        for _ in range(100_000):
            x += 1


def _gil_burner(stop: threading.Event) -> None:
    x = 0
    while not stop.is_set():
        x = (x * 31 + 7) % 1_000_003


class NaiveCountdown:
    """What many timer apps do: a repeating 1 s timer, remaining -= 1 per tick."""

    def __init__(self, seconds: int) -> None:
        self.remaining = seconds
        self.started_at = 0.0
        self.ended_at: float | None = None
        self.timer = QTimer()
        self.timer.setObjectName("naiveCountdown")
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._on_tick)

    def start(self) -> None:
        self.started_at = time.monotonic()
        self.timer.start()

    def _on_tick(self) -> None:
        self.remaining -= 1
        if self.remaining <= 0:
            self.ended_at = time.monotonic()
            self.timer.stop()


def run(steps: int, load_procs: int, gil_thread: bool) -> dict[str, object]:
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    ctx = multiprocessing.get_context("spawn")
    stop_procs = ctx.Event()
    procs = [ctx.Process(target=_burn, args=(stop_procs,), daemon=True) for _ in range(load_procs)]
    for p in procs:
        p.start()
    stop_thread = threading.Event()
    burner = threading.Thread(target=_gil_burner, args=(stop_thread,), daemon=True)
    if gil_thread:
        burner.start()

    history = HistoryStore.memory_only()  # the app's path: each step is recorded
    session = Session(make_routine(steps), history, Silent(), options=CueOptions(),
                      clock=time.monotonic, wall_clock=utc_now)
    adapter = SessionAdapter(session, time.monotonic)
    observed: list[tuple[float, float]] = []  # (planned, seen)
    finished: list[tuple[float, float]] = []
    naive = NaiveCountdown(steps)

    def on_event(event: object) -> None:
        now = time.monotonic()
        if isinstance(event, StepStarted):
            observed.append((event.at, now))
        elif isinstance(event, SessionFinished):
            finished.append((event.at, now))

    adapter.eventOccurred.connect(on_event)
    done_check = QTimer()
    done_check.setInterval(200)
    done_check.setTimerType(Qt.TimerType.CoarseTimer)
    done_check.timeout.connect(
        lambda: app.quit() if finished and naive.ended_at is not None else None
    )

    def begin() -> None:
        naive.start()
        adapter.start()
        done_check.start()

    QTimer.singleShot(300, begin)  # let the load settle first
    app.exec()

    stop_thread.set()
    stop_procs.set()
    for p in procs:
        p.join(2)
        if p.is_alive():
            p.kill()
    if gil_thread:
        burner.join(2)

    start = observed[0][0]
    # Error against the plan (start + i s), measured where the UI sees it.
    errors = [(seen - (start + i)) * 1000 for i, (_planned, seen) in enumerate(observed)]
    planned_end, seen_end = finished[0]
    assert naive.ended_at is not None
    return {
        "steps": steps,
        "load_processes": load_procs,
        "gil_thread": gil_thread,
        "max_error_ms": round(max(abs(e) for e in errors), 3),
        "mean_error_ms": round(statistics.fmean(abs(e) for e in errors), 3),
        "end_drift_ms": round((seen_end - (start + steps)) * 1000, 3),
        "planned_end_offset_ms": round((planned_end - (start + steps)) * 1000, 3),
        "naive_end_drift_ms": round((naive.ended_at - (naive.started_at + steps)) * 1000, 3),
        "targets": {"max_error_ms": 10, "end_drift_ms": 2},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=120,
                        help="one-second steps (default 120; even)")
    parser.add_argument("--load-procs", type=int, default=2)
    parser.add_argument(
        "--gil-steps", type=int, default=20, help="steps of the GIL-thread run (even; 0: skip)"
    )
    args = parser.parse_args(argv)
    result = run(args.steps, args.load_procs, False)
    if args.gil_steps > 0:
        gil = run(args.gil_steps, args.load_procs, True)
        for key in ("steps", "max_error_ms", "mean_error_ms", "end_drift_ms",
                    "naive_end_drift_ms"):
            result[f"gil_thread_{key}"] = gil[key]
    result["loadavg_1min_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
