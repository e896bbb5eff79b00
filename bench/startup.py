"""Cold start, memory and background cost of the app, beside a bare PySide6 window.

The app has no "window shown" hook, so a small launcher (this file run with
``--child app``) does what ``run_app`` does (QApplication with the app's names,
settings, theme, ``create_main_window`` over a fresh ``--data-dir``) and prints
``time.monotonic()`` when the main window gets its first paint event. The parent
takes ``time.monotonic()`` just before starting the process (CLOCK_MONOTONIC is one
clock for all processes), so "cold start" includes the interpreter and all imports.
``--child bare`` does the same for a bare ``QWidget`` as the floor.

Background: the child then hides the window, starts the reminder controller with
reminders on (every day, all day, 60 min interval, so the schedule is live whatever
the day of the run) and stays idle for ``--idle`` seconds. CPU is measured with
``getrusage`` (microsecond resolution) in the child; wake-ups are the Timer events
delivered to any object, counted by an application-wide event filter (the app's own
timers; Qt's internal socket notifiers are not timers and not counted). Peak RSS is
``VmHWM`` from ``/proc/self/status`` at the end. Prints one JSON object last.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(kind: str, data_dir: Path, idle: float) -> int:
    """Runs in the measured process; prints one JSON line and exits."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO))
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    shown: list[float] = []
    counts = {"timer_events": 0}

    class Watcher(QObject):
        def __init__(self, window: QWidget) -> None:
            super().__init__()
            self.window = window

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            kind_ = event.type()
            if kind_ == QEvent.Type.Timer:
                counts["timer_events"] += 1
            elif kind_ == QEvent.Type.Paint and obj is self.window and not shown:
                shown.append(time.monotonic())
                QTimer.singleShot(0, after_shown)
            return False

    extra: dict[str, object] = {}
    keep: list[object] = []
    if kind == "app":
        from massage_timer.core.paths import AppPaths
        from massage_timer.core.settings import load_settings
        from massage_timer.ui.app import create_application, create_main_window
        from massage_timer.ui.theme import ThemeController

        paths = AppPaths.portable(data_dir)
        app = create_application([sys.argv[0]])
        settings, _notices = load_settings(paths.settings_file)
        keep.append(ThemeController(app, settings.theme, settings.font_scale))
        window: QWidget = create_main_window(paths, settings)
    else:
        app = QApplication([sys.argv[0]])
        window = QWidget()
        window.setWindowTitle("bare")
        window.resize(800, 600)
    watcher = Watcher(window)
    app.installEventFilter(watcher)

    def after_shown() -> None:
        if idle <= 0:
            app.quit()
            return
        window.hide()
        if kind == "app":
            from datetime import UTC, datetime

            from massage_timer.core.settings import replace
            from massage_timer.ui.reminders import ReminderController

            settings_on = replace(
                settings, reminders_enabled=True, reminder_interval_minutes=60,
                active_days=list(range(7)), active_start="00:00", active_end="23:59",
            )
            log: list[tuple[str, datetime]] = []
            controller = ReminderController(
                settings_on, log_event=lambda k, at: log.append((k, at.astimezone(UTC)))
            )
            controller.start()
            keep.append(controller)
            extra["reminder_status"] = controller.status
        app.processEvents()
        counts["timer_events"] = 0
        began = time.monotonic()
        usage = resource.getrusage(resource.RUSAGE_SELF)

        def finish() -> None:
            wall = time.monotonic() - began
            end = resource.getrusage(resource.RUSAGE_SELF)
            cpu = (end.ru_utime - usage.ru_utime) + (end.ru_stime - usage.ru_stime)
            extra["idle_seconds"] = round(wall, 3)
            extra["idle_cpu_pct"] = round(cpu / wall * 100, 4)
            # The finishing timer itself is one Timer event; it is not the app's.
            extra["idle_wakeups_per_min"] = round(
                max(counts["timer_events"] - 1, 0) / wall * 60, 3
            )
            app.quit()

        QTimer.singleShot(round(idle * 1000), finish)

    window.show()
    app.exec()
    result: dict[str, object] = {
        "shown_at": shown[0] if shown else None, "rss_mb": round(_vm_hwm_mb(), 2),
    }
    result.update(extra)
    print(json.dumps(result), flush=True)
    return 0


def launch(kind: str, idle: float, data_dir: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen(
        [sys.executable, __file__, "--child", kind, "--data-dir", str(data_dir),
         "--idle", str(idle)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )


def measure(kind: str, idle: float, data_dir: Path) -> dict[str, object]:
    began = time.monotonic()
    proc = launch(kind, idle, data_dir)
    out, err = proc.communicate(timeout=idle + 120)
    return _parse(kind, proc.returncode, out, err, began)


def _parse(kind: str, code: int, out: str, err: str, began: float) -> dict[str, object]:
    if code != 0 or not out.strip():
        raise RuntimeError(f"{kind} launcher failed ({code}): {err[-2000:]}")
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    shown = result.get("shown_at")
    if not isinstance(shown, float):
        raise RuntimeError(f"{kind}: the window was never painted")
    result["cold_start_ms"] = (shown - began) * 1000
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=("app", "bare"))
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--idle", type=float, default=0.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.data_dir, args.idle)

    with tempfile.TemporaryDirectory(prefix="mt-bench-startup-") as tmp:
        root = Path(tmp)
        cold: dict[str, list[float]] = {"app": [], "bare": []}
        rss: dict[str, list[float]] = {"app": [], "bare": []}
        measure("app", 0, root / "warmup")  # not counted: fills the OS page cache once
        for i in range(args.runs):
            for kind in ("bare", "app"):  # interleaved, so load changes hit both alike
                r = measure(kind, 0, root / f"{kind}-{i}")  # a fresh data folder each time
                cold[kind].append(float(r["cold_start_ms"]))  # type: ignore[arg-type]
                rss[kind].append(float(r["rss_mb"]))  # type: ignore[arg-type]
        # Background: both at once (they are idle, so they do not disturb each other).
        began = time.monotonic()
        procs = {k: launch(k, args.idle_seconds, root / f"{k}-idle") for k in ("app", "bare")}
        idle: dict[str, dict[str, object]] = {}
        for kind, proc in procs.items():
            out, err = proc.communicate(timeout=args.idle_seconds + 120)
            idle[kind] = _parse(kind, proc.returncode, out, err, began)

    cold_ms = statistics.median(cold["app"])
    bare_ms = statistics.median(cold["bare"])
    result = {
        "runs": args.runs,
        "cold_start_ms": round(cold_ms, 1),
        "cold_start_ms_all": [round(x, 1) for x in cold["app"]],
        "rss_mb": round(max(*rss["app"], float(idle["app"]["rss_mb"])), 1),  # type: ignore[arg-type]
        "idle_seconds": idle["app"]["idle_seconds"],
        "idle_cpu_pct": idle["app"]["idle_cpu_pct"],
        "idle_wakeups_per_min": idle["app"]["idle_wakeups_per_min"],
        "reminder_status": idle["app"].get("reminder_status"),
        "bare_cold_start_ms": round(bare_ms, 1),
        "bare_cold_start_ms_all": [round(x, 1) for x in cold["bare"]],
        "bare_rss_mb": round(max(rss["bare"]), 1),
        "bare_idle_cpu_pct": idle["bare"]["idle_cpu_pct"],
        "bare_idle_wakeups_per_min": idle["bare"]["idle_wakeups_per_min"],
        "cold_start_ratio": round(cold_ms / bare_ms, 2),
        "targets": {"cold_start_ratio": 2.0, "rss_mb": 100, "idle_cpu_pct": 0.05},
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
