"""Run every benchmark, each in its own process, and collect bench/results.json.

Each script prints its figures as one JSON object on its last stdout line; this runner
keys them by benchmark name, adds the machine and the load it ran under, writes
``bench/results.json`` and prints a table. ``--only NAME`` runs one (results of the
others already in the file are kept); ``--quick`` makes short runs for smoke tests.

A child's stderr goes to this runner's stderr line by line as it comes, and only the
last ``TAIL_BYTES`` of each stream are kept: a child that runs away (once, one wrote
the same Qt warning without end) costs a capped share of the terminal, never memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TextIO

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results.json"
TAIL_BYTES = 1 << 20
FORWARD_BYTES = 1 << 20

# name -> (script, full-run arguments, quick-run arguments)
BENCHMARKS: dict[str, tuple[str, list[str], list[str]]] = {
    "timing": ("timing.py", [], ["--steps", "20", "--gil-steps", "6"]),
    "cues": ("cues.py", [], ["--tones", "10", "--lines", "3"]),
    "startup": ("startup.py", [], ["--runs", "2", "--idle-seconds", "10",
                                   "--session-seconds", "5"]),
    "library": ("library.py", [], ["--count", "50", "--repeat", "2"]),
    "history": ("history.py", [], ["--quick"]),
    "validator": ("validator.py", [], ["--runs", "1", "--files", "50", "--repeat", "2"]),
    "busy": ("busy.py", [], ["--checks", "10", "--seconds", "5"]),
    "language_stall": ("language_stall.py", [], []),
    "speech_languages": ("speech_languages.py", [], []),
}

# key -> (target, "max" when lower is better); shown in the table.
TARGETS: dict[str, dict[str, float]] = {
    "timing": {"max_error_ms": 10, "end_drift_ms": 2},
    "cues": {"tone_latency_ms_max": 30, "tone_latency_ms_p50": 30, "speech_start_ms": 100,
             "stop_silence_ms": 100, "ui_stall_ms_max": 16},
    "startup": {"cold_start_ratio": 1.7, "first_start_ratio": 1.7, "idle_rss_mb": 70,
                "closed_idle_rss_mb": 70, "session_peak_rss_mb": 90, "idle_cpu_pct": 0.01,
                "idle_wakeups_per_min": 1, "closed_idle_wakeups_per_min": 1,
                "language_ratio": 1.05},
    "library": {"load_ms": 500},
    "busy": {"check_ms_p50": 20, "idle_wakeups_per_min": 1, "idle_cpu_pct": 0.01},
    "language_stall": {"ui_stall_ms_max": 16},
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


class Tail:
    """The last ``limit`` bytes of a stream, fed in chunks of any size."""

    def __init__(self, limit: int = TAIL_BYTES) -> None:
        self.limit = limit
        self.total = 0
        self._chunks: deque[bytes] = deque()
        self._size = 0

    def feed(self, chunk: bytes) -> None:
        self.total += len(chunk)
        if len(chunk) >= self.limit:
            self._chunks.clear()
            chunk = chunk[-self.limit:]
            self._size = 0
        self._chunks.append(chunk)
        self._size += len(chunk)
        while self._size - len(self._chunks[0]) >= self.limit:
            self._size -= len(self._chunks.popleft())

    def text(self) -> str:
        return b"".join(self._chunks)[-self.limit:].decode(errors="replace")


class Forward:
    """Copies whole lines to ``out`` with ``prefix``, up to ``budget`` bytes, then says
    once how much it left out (at ``close``)."""

    def __init__(self, out: TextIO, prefix: str, budget: int = FORWARD_BYTES) -> None:
        self.out, self.prefix, self.budget = out, prefix, budget
        self.sent = 0
        self.dropped = 0
        self._partial = b""

    def feed(self, chunk: bytes) -> None:
        data = self._partial + chunk
        lines = data.split(b"\n")
        self._partial = lines.pop()
        if len(self._partial) > TAIL_BYTES:  # a "line" without end: pass it on in pieces
            lines.append(self._partial)
            self._partial = b""
        for line in lines:
            self._emit(line)

    def _emit(self, line: bytes) -> None:
        cost = len(self.prefix) + len(line) + 1
        if self.sent + cost > self.budget:
            self.dropped += len(line) + 1
            return
        self.sent += cost
        self.out.write(f"{self.prefix}{line.decode(errors='replace')}\n")
        self.out.flush()

    def close(self) -> None:
        if self._partial:
            self._emit(self._partial)
            self._partial = b""
        if self.dropped:
            self.out.write(f"{self.prefix}... {self.dropped} more bytes of output left out\n")
            self.out.flush()


@dataclass
class ChildRun:
    returncode: int | None
    stdout: str
    stderr: str
    stderr_bytes: int
    seconds: float
    timed_out: bool


def _pump(stream: IO[bytes], tail: Tail, forward: Forward | None) -> None:
    while chunk := os.read(stream.fileno(), 65536):
        tail.feed(chunk)
        if forward is not None:
            forward.feed(chunk)
    if forward is not None:
        forward.close()


def run_child(command: list[str], *, timeout: float, label: str,
              out: TextIO | None = None) -> ChildRun:
    """Run ``command`` with its stderr streamed to ``out`` (default: our stderr) line by
    line, keeping only the last ``TAIL_BYTES`` of stdout and of stderr in memory. On
    timeout the child's whole process group is killed (it may have started a server)."""
    began = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=BENCH.parent, start_new_session=True)
    assert proc.stdout is not None and proc.stderr is not None
    stdout, stderr = Tail(), Tail()
    pumps = [
        threading.Thread(target=_pump, args=(proc.stdout, stdout, None), daemon=True),
        threading.Thread(target=_pump, args=(proc.stderr, stderr,
                                              Forward(out or sys.stderr, f"[{label}] ")),
                         daemon=True),
    ]
    for pump in pumps:
        pump.start()
    timed_out = False
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    for pump in pumps:
        pump.join(10)
    proc.stdout.close()
    proc.stderr.close()
    return ChildRun(proc.returncode, stdout.text(), stderr.text(), stderr.total,
                    round(time.monotonic() - began, 1), timed_out)


def run_one(name: str, quick: bool, timeout: float) -> dict[str, object]:
    script, full, short = BENCHMARKS[name]
    path = BENCH / script
    if not path.is_file():
        return {"error": f"{script} does not exist"}
    load_before = os.getloadavg()[0]
    run = run_child([sys.executable, str(path), *(short if quick else full)],
                    timeout=timeout, label=name)
    if run.timed_out:
        return {"error": f"timed out after {timeout:g} s", "seconds": run.seconds}
    seconds = run.seconds
    lines = run.stdout.strip().splitlines()
    try:
        figures = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        figures = None
    if run.returncode != 0 or not isinstance(figures, dict):
        return {"error": f"exit {run.returncode}: {run.stderr.strip()[-1500:]}",
                "seconds": seconds}
    figures["_run"] = {
        "seconds": seconds, "quick": quick, "loadavg_before": round(load_before, 2),
        "loadavg_after": round(os.getloadavg()[0], 2), "stderr_bytes": run.stderr_bytes,
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
