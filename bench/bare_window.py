"""The floor of ``bench/startup.py``: a bare PySide6 window, and nothing else.

Prints the time of its first paint (``time.monotonic()``) and its peak resident memory
as JSON. It is a file of its own, not a mode of ``startup.py``: a script is compiled
from source at every run, and the bench's 600 lines and its own imports (argparse,
statistics, subprocess...) cost the bare window ~8 ms and ~2 MB it has no use for.
"""

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

shown: list[float] = []


class Watcher(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and obj is window and not shown:
            shown.append(time.monotonic())
            QTimer.singleShot(0, app.quit)
        return False


app = QApplication([sys.argv[0]])
window = QWidget()
window.setWindowTitle("bare")
window.resize(800, 600)
watcher = Watcher()
app.installEventFilter(watcher)
window.show()
app.exec()

import json  # noqa: E402  (after the paint: not part of what is measured)

with open("/proc/self/status", encoding="ascii") as status:  # noqa: PTH123 (no pathlib in the floor)
    hwm_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"shown_at": shown[0] if shown else None, "rss_mb": round(hwm_kb / 1024, 2)}),
      flush=True)
