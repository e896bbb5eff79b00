"""Benchmark the session log at 100,000 sessions (targets from issue 5).

Prints one JSON object on its last line: ``view_open_ms`` (HistoryView constructed,
shown and its first rows painted, offscreen; target 300), ``summary_ms`` (summary
figures; target 50) and ``export_csv_ms`` (the whole CSV written; target 1000), plus
``store_open_ms`` (open with integrity check) and ``view_complete_ms`` (figures and
charts drawn too). ``--screenshots DIR`` instead saves history-light/dark.png made
from ~200 sample sessions.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from massage_timer.core.model.session import Outcome
from massage_timer.core.storage.history import export
from massage_timer.core.storage.history.stats import Stats
from massage_timer.core.storage.history.store import HistoryStore, SessionRecord

ROUTINES = (
    ("neck-release", "Neck release"),
    ("shoulder-reset", "Shoulder reset"),
    ("upper-back-unwind", "Upper back unwind"),
    ("desk-break", "Desk break (3 min)"),
    ("jaw-and-temples", "Jaw and temples"),
)
TZ = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 20, 17, 30, tzinfo=UTC)


def sample_sessions(n: int, *, spacing: timedelta, seed: int = 5) -> Iterator[SessionRecord]:
    """``n`` plausible sessions ending near NOW, ``spacing`` apart (with jitter)."""
    rnd = random.Random(seed)
    first = NOW - spacing * n
    for i in range(n):
        started = first + spacing * i + timedelta(minutes=rnd.randint(-20, 20))
        routine_id, title = ROUTINES[rnd.choice((0, 0, 1, 1, 1, 2, 3, 3, 4))]
        steps = rnd.choice((6, 8, 10))
        planned = steps * 45.0
        roll = rnd.random()
        outcome = (Outcome.COMPLETED if roll < 0.86 else Outcome.STOPPED if roll < 0.96
                   else Outcome.INTERRUPTED)
        done = steps if outcome is Outcome.COMPLETED else rnd.randint(1, steps - 1)
        active = planned * done / steps + rnd.uniform(-5, 20)
        progress = i / max(n - 1, 1)
        base = 5.5 - 2.0 * min(progress * 1.6, 1.0)
        rated = rnd.random() < 0.8
        before = max(0, min(10, round(base + rnd.gauss(0, 0.9)))) if rated else None
        after = (max(0, before - rnd.choice((0, 1, 1, 2, 2, 3)))
                 if before is not None and outcome is not Outcome.INTERRUPTED else None)
        yield SessionRecord(
            id=0, routine_id=routine_id, routine_title=title, routine_version="1",
            content_hash=None, planned_seconds=planned, steps_total=steps,
            checklist_version="1", checklist_confirmed_at=started - timedelta(seconds=20),
            pain_before=before, pain_after=after, started_at=started,
            ended_at=started + timedelta(seconds=active), outcome=outcome,
            active_seconds=active, steps_completed=done,
            current_step=done if outcome is not Outcome.COMPLETED else steps - 1,
            note="Left side tight after a long call" if i % 37 == 5 else None,
        )


def fill(path: Path, n: int, spacing: timedelta) -> None:
    store, _ = HistoryStore.open(path, now=lambda: NOW)
    store.add_sessions(sample_sessions(n, spacing=spacing))
    for day in range(60):
        at = NOW - timedelta(days=day, hours=3)
        store.log_reminder("shown", at)
        if day % 3:
            store.log_reminder("started", at + timedelta(minutes=1))
    store.close()


class _Timer:
    """Wall and CPU milliseconds: CPU time shows the cost when the machine is busy."""

    def __enter__(self) -> _Timer:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall_ms = round((time.perf_counter() - self._wall) * 1000, 1)
        self.cpu_ms = round((time.process_time() - self._cpu) * 1000, 1)


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def bench(n: int) -> dict[str, float | int | str]:
    from PySide6.QtWidgets import QApplication

    from massage_timer.ui.history.history_view import HistoryView

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.sqlite3"
        with _Timer() as fill_t:
            fill(path, n, timedelta(minutes=45))
        with _Timer() as open_t:
            store, _ = HistoryStore.open(path, now=lambda: NOW)
        stats = Stats(store, TZ, lambda: NOW)
        stats.summary()
        runs = []
        for _ in range(5):
            with _Timer() as t:
                stats.summary()
            runs.append(t)
        with _Timer() as export_t:
            buffer = io.StringIO()
            rows = export.write(store, None, buffer, "csv", TZ)
            (Path(tmp) / "out.csv").write_text(buffer.getvalue(), encoding="utf-8-sig")
        with _Timer() as view_t:
            view = HistoryView(store, tz=TZ, now=lambda: NOW)
            view.resize(1100, 760)
            view.show()
            view.table.viewport().repaint()
        assert view.model.rowCount() > 0
        with _Timer() as rest_t:
            app.processEvents()
            view.repaint()
        view.close()
        view.deleteLater()
        app.processEvents()
        store.close()
    return {
        "sessions": n, "exported_rows": rows, "fill_ms": fill_t.wall_ms,
        "store_open_ms": open_t.wall_ms, "store_open_cpu_ms": open_t.cpu_ms,
        "view_open_ms": view_t.wall_ms, "view_open_cpu_ms": view_t.cpu_ms,
        "view_complete_ms": round(view_t.wall_ms + rest_t.wall_ms, 1),
        "summary_ms": _median([t.wall_ms for t in runs]),
        "summary_cpu_ms": _median([t.cpu_ms for t in runs]),
        "export_csv_ms": export_t.wall_ms, "export_csv_cpu_ms": export_t.cpu_ms,
        "loadavg_1min": round(os.getloadavg()[0], 2),
    }


def screenshots(folder: Path) -> None:
    from PySide6.QtWidgets import QApplication, QStyleFactory

    from massage_timer.ui.history.history_view import HistoryView
    from massage_timer.ui.theme import dark_palette, light_palette

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setStyle(QStyleFactory.create("Fusion"))
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.sqlite3"
        fill(path, 200, timedelta(hours=10))
        store, _ = HistoryStore.open(path, now=lambda: NOW)
        for name, palette in (("light", light_palette()), ("dark", dark_palette())):
            app.setPalette(palette)
            view = HistoryView(store, tz=TZ, now=lambda: NOW)
            view.resize(1180, 800)
            view.show()
            app.processEvents()
            view.table.selectRow(1)
            app.processEvents()
            view.grab().save(str(folder / f"history-{name}.png"))
            view.close()
            view.deleteLater()
            app.processEvents()
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 sessions (smoke run)")
    parser.add_argument("--screenshots", type=Path, metavar="DIR")
    args = parser.parse_args()
    if args.quick:
        args.sessions = 10_000
    if args.screenshots:
        screenshots(args.screenshots)
        return
    print(json.dumps(bench(args.sessions)))


if __name__ == "__main__":
    main()
