"""The benchmark scripts run and print their figures; no speed is asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_library_bench_prints_its_figures(repo_root: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(repo_root / "bench" / "library.py"), "--count", "20",
         "--repeat", "1"],
        capture_output=True, text=True, timeout=120, cwd=repo_root, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert {"load_ms", "per_file_ms", "files", "targets"} <= set(figures)
    assert figures["files"] == 20 and figures["load_ms"] > 0 and figures["per_file_ms"] > 0


def test_validator_bench_prints_both_sides(repo_root: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(repo_root / "bench" / "validator.py"), "--runs", "1",
         "--files", "10", "--repeat", "1"],
        capture_output=True, text=True, timeout=120, cwd=repo_root, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    for key in ("import_ms", "build_ms", "builtin_ms", "files_ms", "settings_us"):
        assert figures[f"msgspec_{key}"] > 0, key
    assert figures["app_pydantic_imported"] is False
    assert figures["app_model_import_ms"] > 0


def test_startup_bench_runs_the_app_to_its_first_paint_and_back(repo_root: Path) -> None:
    """One short round: every child (the app, a fresh first start, the bare and plain windows,
    the three idle runs and the session) must report and exit on its own."""
    proc = subprocess.run(
        [sys.executable, str(repo_root / "bench" / "startup.py"), "--runs", "1",
         "--idle-seconds", "1", "--session-seconds", "1"],
        capture_output=True, text=True, timeout=300, cwd=repo_root, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    for key in ("cold_start_ms", "first_start_ms", "bare_cold_start_ms", "plain_cold_start_ms",
                "plain_rss_mb", "rss_mb",
                "first_start_rss_mb", "idle_cpu_pct", "idle_wakeups_per_min"):
        assert figures[key] > 0 or key.startswith("idle_"), key
    assert figures["reminder_status"].startswith("Next reminder")
    assert figures["libraries_evicted"] > 0, "the libraries' page cache was not reset"
    for key in ("idle_rss_mb", "closed_idle_rss_mb", "bare_idle_rss_mb", "session_peak_rss_mb",
                "session_rss_max_mb"):
        assert figures[key] > 0, key
    assert "PySide6.QtMultimedia" in figures["session_qt_modules"], "the session made sound"


def test_run_all_collects_one_benchmark(repo_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(repo_root / "bench" / "run_all.py"), "--only", "library",
         "--quick", "--output", str(out)],
        capture_output=True, text=True, timeout=120, cwd=repo_root, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    results = json.loads(out.read_text())
    assert "load_ms" in results["library"]
    assert {"cpu", "cores", "python", "qt"} <= set(results["machine"])
    assert "library" in proc.stdout and "load_ms" in proc.stdout
