"""Child process for test_screen_fit: opens every window on the screen it was given.

The parent sets QT_QPA_PLATFORM=offscreen:configfile=... (the screen size) and maybe
QT_SCALE_FACTOR or QT_FONT_DPI; this prints one JSON object: the available area, and
for each window its frame and the global rectangles of the widgets that must show.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QRect
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from massage_timer.core.model.engine import SessionEngine
from massage_timer.core.model.routine_data import blank_routine
from massage_timer.core.model.session import Outcome
from massage_timer.core.model.settings import Settings
from massage_timer.core.storage.checklist_file import load_checklist
from massage_timer.core.storage.history.store import HistoryStore
from massage_timer.core.storage.loader import load_library
from massage_timer.ui.desktop.language import apply_language
from massage_timer.ui.editor.editor import RoutineEditor
from massage_timer.ui.eliding_combo import ElidingComboBox
from massage_timer.ui.history_window import HistoryWindow
from massage_timer.ui.library.main_window import MainWindow
from massage_timer.ui.reminders.prompt import ReminderPrompt
from massage_timer.ui.session.checklist_dialog import SafetyChecklistDialog
from massage_timer.ui.session.flow import PlayerWindow
from massage_timer.ui.session.pain_dialog import PainRatingDialog
from massage_timer.ui.session.player_view import PlayerView
from massage_timer.ui.session.short_check import ShortCheckDialog
from massage_timer.ui.session.summary_dialog import SessionSummaryDialog
from massage_timer.ui.settings.settings_dialog import SettingsDialog
from massage_timer.ui.theme import ThemeController

ROOT = Path(__file__).resolve().parents[1]


def settle() -> None:
    for _ in range(3):
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def rect(r: QRect) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def global_rect(widget: QWidget) -> list[int]:
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    visible = widget.visibleRegion().boundingRect()
    return [top_left.x(), top_left.y(), widget.width(), widget.height(),
            visible.width(), visible.height()]


def report(window: QWidget, *parts: QWidget) -> dict[str, object]:
    window.show()
    settle()
    return {
        "frame": rect(window.frameGeometry()),
        "parts": {part.objectName(): global_rect(part) for part in parts},
    }


def main() -> None:
    app = QApplication(sys.argv[:1])
    # The Settings' text size (the largest: MAX_FONT_SCALE) and language, as the app
    # applies them.
    ThemeController(app, "light", float(os.environ.get("SCREEN_FIT_TEXT_SIZE", "1")))
    apply_language(app, os.environ.get("SCREEN_FIT_LANGUAGE", "en"))
    screen = app.primaryScreen()
    library = load_library(builtin_dir=ROOT / "routines")
    routine = library.routines[0].routine
    out: dict[str, object] = {"available": rect(screen.availableGeometry())}

    main_window = MainWindow()
    main_window.set_library(library)
    out["main"] = report(main_window, main_window.start_button)
    out["main"]["widths"] = {  # each as wide as its text needs, or its text is cut
        name: [widget.width(), widget.sizeHint().width()]
        for name in ("newRoutineButton", "duplicateRoutineButton", "editRoutineButton",
                     "deleteRoutineButton", "importRoutineButton")
        if (widget := main_window.findChild(QWidget, name)) is not None
    }
    out["main"]["filters"] = {  # the choice as shown, and whole
        name: [combo.shown_text(), combo.currentText()]
        for name in ("areaFilter", "durationFilter")
        if (combo := main_window.findChild(ElidingComboBox, name)) is not None
    }

    engine = SessionEngine(routine, lambda: 1000.0)
    engine.start()
    player = PlayerView(routine.title, len(engine.steps))
    player.show_status(engine.status())
    window = PlayerWindow(player, routine.title, main_window)
    out["player"] = report(
        window, player.stop_button, player.pause_button, player.skip_button,
        player.back_button, player.time_left, player.countdown_label,
    )
    window.hide()
    # Paused on a sided step: the longest phase row ("Paused · Get ready", "Left side").
    sided = library.get("sore-neck-squeeze-release")
    assert sided is not None
    engine = SessionEngine(sided.routine, lambda: 1000.0)
    engine.start()
    engine.pause()
    player = PlayerView(sided.routine.title, len(engine.steps))
    player.show_status(engine.status())
    assert engine.status().segment is not None and engine.status().segment.side is not None
    window = PlayerWindow(player, sided.routine.title, main_window)
    window.show()
    settle()
    out["player"]["sideways"] = player.body.horizontalScrollBar().maximum()
    window.hide()

    history = HistoryWindow(main_window)
    history.show(HistoryStore.memory_only())
    view = history.view
    assert view is not None
    out["history"] = report(view.window(), view.delete_button, view.delete_all_button,
                            view.export_button)
    scroll = view.window().findChild(QScrollArea, "historyScroll")
    assert scroll is not None
    out["history"]["sideways"] = scroll.horizontalScrollBar().maximum()
    view.window().hide()

    dialogs: dict[str, QWidget] = {
        "settings": SettingsDialog(Settings(), main_window),
        "checklist": SafetyChecklistDialog(parent=main_window),
        "pain": PainRatingDialog("before", main_window),
        "summary": SessionSummaryDialog(routine.title, 300.0, 3, 5, Outcome.COMPLETED,
                                        parent=main_window),
        "short_check": ShortCheckDialog(load_checklist(), datetime(2026, 11, 1, tzinfo=UTC),
                                        main_window),
    }
    for name, dialog in dialogs.items():
        out[name] = report(dialog)
        dialog.hide()
    editor = RoutineEditor(blank_routine(), folder=Path(sys.argv[0]).parent, parent=main_window)
    out["editor"] = report(editor, editor.save_button, editor.cancel_button)
    editor.hide()

    prompt = ReminderPrompt()
    prompt.show_reminder()
    settle()
    out["prompt"] = {"frame": rect(prompt.frameGeometry()), "parts": {}}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
