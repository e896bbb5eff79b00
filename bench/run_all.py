"""Run every benchmark, each in its own process, and collect bench/results.json.

Each script prints its figures as one JSON object on its last stdout line; this runner
keys them by benchmark name, adds the machine and the load it ran under, writes
``bench/results.json`` and prints a table. ``--only NAME`` runs one (results of the
others already in the file are kept); ``--quick`` makes short runs for smoke tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results.json"

# name -> (script, full-run arguments, quick-run arguments)
BENCHMARKS: dict[str, tuple[str, list[str], list[str]]] = {
    "timing": ("timing.py", [], ["--steps", "20", "--gil-steps", "6"]),
    "cues": ("cues.py", [], ["--tones", "10", "--lines", "3"]),
    "startup": ("startup.py", [], ["--runs", "2", "--idle-seconds", "10"]),
    "library": ("library.py", [], ["--count", "50", "--repeat", "2"]),
    "history": ("history.py", [], ["--quick"]),
    "validator": ("validator.py", [], ["--runs", "1", "--files", "50", "--repeat", "2"]),
}

# key -> (target, "max" when lower is better); shown in the table.
TARGETS: dict[str, dict[str, float]] = {
    "timing": {"max_error_ms": 10, "end_drift_ms": 2},
    "cues": {"tone_latency_ms_max": 30, "tone_latency_ms_p50": 30, "speech_start_ms": 100,
             "stop_silence_ms": 100, "ui_stall_ms_max": 16},
    "startup": {"cold_start_ratio": 2.0, "rss_mb": 100, "idle_cpu_pct": 0.05},
    "library": {"load_ms": 500},
}


def machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    os_name = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    try:
        import PySide6
        from PySide6 import QtCore

        qt = f"PySide6 {PySide6.__version__}, Qt {QtCore.qVersion()}"
    except ImportError:
        qt = "PySide6 missing"
    return {
        "cpu": cpu, "cores": os.cpu_count(), "ram_gb": mem_gb, "os": os_name,
        "kernel": platform.release(), "python": platform.python_version(), "qt": qt,
    }


def run_one(name: str, quick: bool, timeout: float) -> dict[str, object]:
    script, full, short = BENCHMARKS[name]
    path = BENCH / script
    if not path.is_file():
        return {"error": f"{script} does not exist"}
    load_before = os.getloadavg()[0]
    began = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, str(path), *(short if quick else full)],
            capture_output=True, text=True, timeout=timeout, cwd=BENCH.parent, check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:g} s"}
    seconds = round(time.monotonic() - began, 1)
    lines = proc.stdout.strip().splitlines()
    try:
        figures = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        figures = None
    if proc.returncode != 0 or not isinstance(figures, dict):
        return {"error": f"exit {proc.returncode}: {proc.stderr.strip()[-1500:]}",
                "seconds": seconds}
    figures["_run"] = {
        "seconds": seconds, "quick": quick, "loadavg_before": round(load_before, 2),
        "loadavg_after": round(os.getloadavg()[0], 2),
    }
    return figures


def table(results: dict[str, object]) -> str:
    rows = [("benchmark", "figure", "value", "target", "")]
    for name, figures in results.items():
        if not isinstance(figures, dict):
            continue
        if "error" in figures:
            rows.append((name, "error", str(figures["error"])[:60], "", "FAIL"))
            continue
        for key, value in figures.items():
            if key.startswith("_") or isinstance(value, dict | list) or key == "targets":
                continue
            own = figures.get("targets")
            targets = {**(own if isinstance(own, dict) else {}), **TARGETS.get(name, {})}
            target = targets.get(key)
            mark = ""
            if target is not None and isinstance(value, int | float):
                mark = "ok" if abs(value) <= target else "MISSED"
            rows.append((name, key, str(value), "" if target is None else f"<= {target:g}",
                         mark))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                     for r in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append")
    parser.add_argument("--quick", action="store_true", help="short runs (smoke test)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args(argv)
    names = args.only or list(BENCHMARKS)
    results: dict[str, dict[str, object]] = {}
    if args.output.is_file():
        try:
            results = json.loads(args.output.read_text())
        except (OSError, json.JSONDecodeError):
            results = {}
    failed = False
    for name in names:
        print(f"== {name} ...", file=sys.stderr, flush=True)
        results[name] = run_one(name, args.quick, args.timeout)
        failed |= "error" in results[name]
    results["machine"] = machine()
    results["machine"]["measured_at"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(table({k: v for k, v in results.items() if k in BENCHMARKS}))
    print(f"written to {args.output}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
