"""Benchmark quiet-while-busy (issue 16): one full "am I busy?" check, and the idle app.

Runs against real parts where this machine has none of its own: a private D-Bus with
the stand-in desktop services of the tests (so every D-Bus probe makes a real round
trip) and a PulseAudio null sink (so ``pactl`` really asks a sound server); the
``/proc`` scans and, with ``DISPLAY`` set, the X11 full-screen probe run as they are.

Prints one JSON object on its last line: ``check_ms_p50`` / ``check_ms_max`` (a full
check that finds nobody busy, so every probe runs; target 20 ms), ``probe_ms`` (each
probe's median), ``camera_scan_ms`` (the ``/proc`` fd scan as it runs when a camera
device exists), and, for the idle reminders (real clocks, a real QTimer, nobody busy)
over ``--seconds``: ``idle_wakeups_per_min`` (target <= 1), ``idle_cpu_pct`` (target
<= 0.01) and ``idle_busy_checks`` (0: nothing is probed while waiting).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from busy_services import BusServices  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from sound_server import null_sink_control  # noqa: E402

from massage_timer.core.model.settings import Settings, replace  # noqa: E402
from massage_timer.ui.reminders import busy_local  # noqa: E402
from massage_timer.ui.reminders.busy import create_busy_detector  # noqa: E402
from massage_timer.ui.reminders.service import ReminderController  # noqa: E402


def measure_checks(checks: int) -> dict[str, object]:
    settings = replace(Settings(), busy_programs=("zoom", "teams", "obs"))
    detector = create_busy_detector(lambda: settings)
    try:
        detector.check()  # the first check opens the bus connections
        totals: list[float] = []
        for _ in range(checks):
            assert detector.check() is None, "something on this machine says busy"
            totals.append(detector.last_check_ms)
        probes: dict[str, float] = {}
        for d in detector.detectors:
            times = []
            for _ in range(max(3, checks // 5)):
                start = time.perf_counter()
                d.probe()
                times.append((time.perf_counter() - start) * 1000)
            probes[f"{d.reason.value}: {d.name}"] = round(statistics.median(times), 3)
    finally:
        detector.close()
        with tempfile.TemporaryDirectory() as tmp:  # a camera present: the whole fd scan
            Path(tmp, "video0").touch()
            scans = []
            for _ in range(max(3, checks // 5)):
                start = time.perf_counter()
                busy_local.camera_in_use((tmp, "video*"))
                scans.append((time.perf_counter() - start) * 1000)
    return {
        "camera_scan_ms": round(statistics.median(scans), 2),
        "check_ms_p50": round(statistics.median(totals), 2),
        "check_ms_max": round(max(totals), 2),
        "probes": len(probes),
        "probe_ms": probes,
    }


def measure_idle(seconds: float) -> dict[str, object]:
    settings = replace(Settings(), active_days=(0, 1, 2, 3, 4, 5, 6),
                       active_start="00:00", active_end="23:59")
    detector = create_busy_detector(lambda: settings)
    checks = [0]

    def counted() -> object:
        checks[0] += 1
        return detector.check()

    controller = ReminderController(settings, log_event=lambda *_a: None,
                                    busy=counted)  # type: ignore[arg-type]
    wakeups = [0]
    controller.timer.timeout.connect(lambda: wakeups.__setitem__(0, wakeups[0] + 1))
    controller.start()
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    loop.exec()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    controller.stop()
    detector.close()
    return {
        "idle_seconds": round(wall, 1),
        "idle_wakeups_per_min": round(wakeups[0] / (wall / 60), 2),
        "idle_cpu_pct": round(100 * cpu / wall, 4),
        "idle_busy_checks": checks[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checks", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120.0)
    args = parser.parse_args()
    _app = QApplication.instance() or QApplication([])
    result: dict[str, object] = {}
    services = BusServices() if shutil.which("dbus-daemon") else None
    if services is not None:
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = services.address
        os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = services.address
    try:
        if shutil.which("pulseaudio"):
            with null_sink_control() as pulse:
                os.environ.update({k: pulse.env[k] for k in
                                   ("XDG_RUNTIME_DIR", "PULSE_RUNTIME_PATH")})
                result.update(measure_checks(args.checks))
        else:
            result.update(measure_checks(args.checks))
        result.update(measure_idle(args.seconds))
    finally:
        if services is not None:
            services.close()
    result["stand_in_dbus"] = services is not None
    for key, value in result.items():
        if key != "probe_ms":
            print(f"{key}: {value}", file=sys.stderr)
    for name, ms in dict(result.get("probe_ms", {})).items():  # type: ignore[call-overload]
        print(f"  {name}: {ms} ms", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
