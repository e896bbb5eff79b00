"""A second floor for ``bench/startup.py``: the library window's first frame in plain
PySide6, with none of the app's own work.

``bare_window.py`` is a window with nothing in it: no text, no font, no style of its
own. Any window with the library's content pays more than that before its first paint:
the ``Qt`` namespace's and ``QStyle``'s enum classes, the font database, the layout of
some thirty labels. This script builds the same widgets the library window shows at
its first paint (counted there on 2026-11-30: 6 menus of 23 actions, 29 labels, 5 tool
buttons, 2 drop-downs, a search box, a list of 8 three-line rows on a Python model and
delegate, a scroll area, a splitter, a status bar), with a Python proxy style and the
app's icon, and stops there: no arguments, paths, settings, routine files, validation,
translations or reminders. The app's start over this one is what the app's own code
costs; this one over the bare window is what its content costs in any PySide6 app.

It reports its first paint like ``bare_window.py``. Keep it in step with the library
window when that window gains or loses whole widgets.
"""

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QIcon, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QProxyStyle,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOption,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

# No pathlib in the floor: the bare window does not import it, and the app pays for its own.
ICONS = os.path.join(os.path.dirname(os.path.abspath(__file__)),  # noqa: PTH118, PTH120, PTH100
                     os.pardir, "assets", "icons", "hicolor")
MENUS = (("&File", 4), ("R&outine", 6), ("&View", 2), ("&Settings", 1), ("&Reminders", 8),
         ("&Help", 2))
ROWS = [(f"Routine number {i + 1}", f"{i + 3}:07 · Seated · No equipment",
         "Suboccipital muscles, Upper trapezius, Levator scapulae") for i in range(8)]
ROOT = QModelIndex()
shown: list[float] = []


class Watcher(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and obj is window and not shown:
            shown.append(time.monotonic())
            QTimer.singleShot(0, app.quit)
        return False


class Style(QProxyStyle):
    def __init__(self) -> None:
        super().__init__("Fusion")

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,
                      painter: QPainter, widget: QWidget | None = None) -> None:
        super().drawPrimitive(element, option, painter, widget)


class Model(QAbstractListModel):
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(ROWS)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return "\n".join(ROWS[index.row()])
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return ROWS[index.row()][0]
        return None


class Delegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + 12)


def label(text: str, layout: QVBoxLayout | None = None) -> QLabel:
    widget = QLabel(text)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setWordWrap(True)
    if layout is not None:
        layout.addWidget(widget)
    return widget


app = QApplication([sys.argv[0]])
app.setStyle(Style())
icon = QIcon()
for size in (16, 24, 32, 48, 64, 128, 256, 512):
    icon.addFile(os.path.join(ICONS, f"{size}x{size}", "apps", "massage-timer.png"),  # noqa: PTH118
                 QSize(size, size))
app.setWindowIcon(icon)
window = QMainWindow()
window.setWindowTitle("Massage Timer")
window.resize(1280, 800)
window.statusBar().addPermanentWidget(QLabel("Reminders are on: every 60 minutes."), 1)
for title, count in MENUS:
    menu = window.menuBar().addMenu(title)
    for number in range(count):
        action = QAction(f"{title} action {number}", window)
        action.setShortcut(f"Ctrl+Shift+{number}")
        menu.addAction(action)

left = QWidget()
left_layout = QVBoxLayout(left)
search = QLineEdit()
search.setPlaceholderText("Search routines (Ctrl+F)")
search.setClearButtonEnabled(True)
left_layout.addWidget(search)
filters = QHBoxLayout()
for name, choices in (("Area:", ["All areas", "Neck", "Shoulders", "Upper back"]),
                      ("Length:", ["Any length", "Up to 2 min", "Up to 5 min", "Up to 10 min"])):
    filters.addWidget(QLabel(name))
    combo = QComboBox()
    combo.addItems(choices)
    filters.addWidget(combo, 1)
left_layout.addLayout(filters)
routines = QListView()
model = Model()
proxy = QSortFilterProxyModel()
proxy.setSourceModel(model)
routines.setModel(proxy)
routines.setItemDelegate(Delegate(routines))
routines.setAlternatingRowColors(True)
left_layout.addWidget(routines, 1)
buttons = QHBoxLayout()
for text in ("&New", "Dupli&cate", "&Edit", "&Delete", "&Import…"):
    button = QToolButton()
    button.setText(text)
    buttons.addWidget(button)
buttons.addStretch(1)
left_layout.addLayout(buttons)

detail = QWidget()
detail_layout = QVBoxLayout(detail)
heading = label("Back of the neck: full self-massage", detail_layout)
font = heading.font()
font.setPointSizeF(font.pointSizeF() * 1.5)
font.setBold(True)
heading.setFont(font)
label("4:57 · Seated · Warm compress, massage oil", detail_layout)
label("Target areas: Suboccipital muscles, Upper trapezius, Upper erector spinae", detail_layout)
label("For a stiff, tired neck after screen work or a stressful day: warm the muscles, "
      "knead the tops of the shoulders and finish with a gentle stretch.", detail_layout)
diagram = QWidget()
diagram.setMinimumSize(300, 220)
detail_layout.addWidget(diagram)
legend = QHBoxLayout()
for text in ("Target", "Never press"):
    legend.addWidget(QLabel(text))
detail_layout.addLayout(legend)
label("Steps", detail_layout)
steps = QGridLayout()
for row in range(6):
    steps.addWidget(label(f"{row + 1}."), row, 0)
    steps.addWidget(label(f"Step {row + 1}\nhold 15 s per side (left, then right)"), row, 1)
    steps.addWidget(label(f"0:{40 + row}"), row, 2)
detail_layout.addLayout(steps)
care = QFrame()
care.setFrameShape(QFrame.Shape.StyledPanel)
care_layout = QVBoxLayout(care)
label("Take care", care_layout)
label("• Stop at once if you feel sharp pain, numbness, tingling or dizziness.\n"
      "• Never press on the front of the neck or on the bony points of the spine.",
      care_layout)
detail_layout.addWidget(care)
detail_layout.addStretch(1)
scroll = QScrollArea()
scroll.setWidgetResizable(True)
scroll.setWidget(detail)
right = QWidget()
right_layout = QVBoxLayout(right)
right_layout.addWidget(scroll, 1)
start = QPushButton("Start routine")
start.setDefault(True)
right_layout.addWidget(start, 0, Qt.AlignmentFlag.AlignRight)

splitter = QSplitter()
splitter.addWidget(left)
splitter.addWidget(right)
window.setCentralWidget(splitter)
routines.setCurrentIndex(proxy.index(0, 0))
search.setFocus()
watcher = Watcher()
app.installEventFilter(watcher)
window.show()
app.exec()

import json  # noqa: E402  (after the paint: not part of what is measured)

with open("/proc/self/status", encoding="ascii") as status:  # noqa: PTH123 (as bare_window.py)
    hwm_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"shown_at": shown[0] if shown else None, "rss_mb": round(hwm_kb / 1024, 2)}),
      flush=True)
