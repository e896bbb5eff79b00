"""What a start loads, and when: the heavy Qt modules wait until they are needed.

The real command runs in a child process (a fresh interpreter, so ``sys.modules`` says
what was imported); these tests pin the order of loading, never a timing. See
docs/performance.md for the figures that this order buys.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from massage_timer.core.storage.digest import sha256_hex
from massage_timer.core.storage.paths import AppPaths
from massage_timer.ui.app import STARTUP_MARK_ENV

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("PySide6.QtCharts", "PySide6.QtMultimedia", "PySide6.QtSvg", "PySide6.QtNetwork",
         "PySide6.QtDBus", "_hashlib")
# Not needed for the first paint: the routine editing part (with the cue plan and the
# TOML writer it uses) and the History window are made at their first use, html's
# entity table waits for the first tooltip or diagram, and jeepney (D-Bus) for the
# reminders' first call or the first session's screen inhibit.
WINDOW_PARTS = ("massage_timer.ui.editor.editing", "massage_timer.ui.editor.questions",
                "massage_timer.ui.history_window", "massage_timer.core.model.cues",
                "massage_timer.core.model.engine", "massage_timer.core.storage.routine_file",
                "tomlkit", "html", "jeepney")

CHILD = """
import dataclasses, json, linecache, sys
from massage_timer.cli import main  # before PySide6, as the app imports them
from massage_timer.ui import app
from PySide6.QtCore import QObject, QTimer

HEAVY = HEAVY_NAMES
WINDOW_PARTS = WINDOW_PARTS_NAMES
seen = {}

def loaded():
    return sorted(m for m in HEAVY if m in sys.modules)

def own_dataclasses():
    return sorted(f"{name}.{key}" for name, module in list(sys.modules.items())
                  if name.split(".")[0] == "massage_timer"
                  for key, value in list(vars(module).items())
                  if isinstance(value, type) and value.__module__ == name
                  and dataclasses.is_dataclass(value))

def report(controller, *, quit_after):
    def background():
        seen["background"] = loaded()
        controller.quit()

    def started():
        seen["started"] = loaded()
        server = controller.app.findChild(QObject, "singleInstanceServer")
        seen["listening"] = server is not None
        if "--close" in sys.argv:
            controller.window.close()  # reminders are on: to the background
            window = controller.window
            seen["window_visible"] = window.isVisible() and not window.isMinimized()
            QTimer.singleShot(50, background)
        else:
            controller.quit()

    def shown():
        seen["first_paint"] = loaded()
        seen["dataclasses"] = own_dataclasses()
        seen["window_parts"] = sorted(m for m in WINDOW_PARTS if m in sys.modules)
        seen["sources_read"] = sorted(f for f in linecache.cache if "massage_timer" in f)
        controller.when_started(started)

    controller.first_paint.add_callback(shown)

app._report_first_paint = report
code = main([a for a in sys.argv[1:] if a != "--close"])
print("SEEN " + json.dumps(seen), flush=True)
sys.exit(code)
""".replace("HEAVY_NAMES", repr(HEAVY)).replace("WINDOW_PARTS_NAMES", repr(WINDOW_PARTS))


def _start(data_dir: Path, *extra: str) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{STARTUP_MARK_ENV: "1"})
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, "--data-dir", str(data_dir), *extra],
        capture_output=True, text=True, timeout=120, cwd=REPO, env=env, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [line for line in proc.stdout.splitlines() if line.startswith("SEEN ")]
    assert len(lines) == 1, proc.stdout + proc.stderr[-2000:]
    seen: dict[str, object] = json.loads(lines[0].removeprefix("SEEN "))
    return seen


def test_a_usual_start_paints_before_loading_any_heavy_qt_module(tmp_path: Path) -> None:
    """QtSvg waits for the first diagram drawn, QtCharts for the History window,
    QtMultimedia for the first sound; the single-instance listener starts after the
    paint (the lock holds meanwhile) and, on Unix, needs no QtNetwork; OpenSSL is never
    loaded for hashing."""
    _start(tmp_path)  # the first start
    seen = _start(tmp_path)  # a usual one
    assert seen["first_paint"] == [], seen
    assert seen["window_parts"] == [], seen
    assert seen["listening"] is True
    for module in ("PySide6.QtCharts", "PySide6.QtMultimedia", "_hashlib"):
        assert module not in seen["started"], seen  # type: ignore[operator]
    if os.name == "posix":  # the listener is a plain Unix socket there
        assert "PySide6.QtNetwork" not in seen["started"], seen  # type: ignore[operator]


def test_no_dataclass_is_made_before_the_first_paint(tmp_path: Path) -> None:
    """Making a dataclass generates and compiles its methods (about half a millisecond
    each, a dozen were on this path); the records loaded before the first paint are
    msgspec Structs, made in C. Widget-side dataclasses may come later, at first use."""
    seen = _start(tmp_path)
    assert seen["dataclasses"] == [], seen


def test_pyside_reads_no_module_source_at_start(tmp_path: Path) -> None:
    """PySide6's import hook would keep the source of every module in ``linecache``
    (``massage_timer.ui.desktop.pyside_imports`` turns that off)."""
    seen = _start(tmp_path)
    assert seen["sources_read"] == [], seen


def test_closing_the_window_to_the_background_loads_no_charts_or_sound(
    tmp_path: Path,
) -> None:
    paths = AppPaths.portable(tmp_path)
    paths.settings_file.parent.mkdir(parents=True)
    paths.settings_file.write_text("reminders_enabled = true\n")
    seen = _start(tmp_path, "--close")
    assert seen["window_visible"] is False
    assert seen["listening"] is True
    heavy = ["PySide6.QtCharts", "PySide6.QtMultimedia", "_hashlib"]
    if os.name == "posix":
        heavy.append("PySide6.QtNetwork")
    for module in heavy:
        assert module not in seen["background"], seen  # type: ignore[operator]


def test_a_background_start_loads_no_charts_sound_or_diagram_renderer(tmp_path: Path) -> None:
    paths = AppPaths.portable(tmp_path)
    paths.settings_file.parent.mkdir(parents=True)
    paths.settings_file.write_text("reminders_enabled = true\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    code = (
        "import json, sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from massage_timer.ui.desktop.application import create_application\n"
        "from massage_timer.cli import main\n"
        "app = create_application()\n"
        "def done():\n"
        f"    print('SEEN ' + json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
        "    app.quit()\n"
        "QTimer.singleShot(300, done)\n"
        f"sys.exit(main(['--data-dir', {str(tmp_path)!r}, '--background']))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=REPO, env=env, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    seen = json.loads(proc.stdout.split("SEEN ", 1)[1].splitlines()[0])
    for module in ("PySide6.QtCharts", "PySide6.QtMultimedia", "_hashlib"):
        assert module not in seen, seen


def test_sha256_hex_is_hashlibs_digest() -> None:
    import hashlib

    for data in (b"", b"abc", bytes(range(256)) * 300, "données".encode()):
        assert sha256_hex(data) == hashlib.sha256(data).hexdigest()
