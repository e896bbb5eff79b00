"""The routine editor, driven by its widgets: from nothing to a session, a hand-written
file edited without losing its comments, the validator's messages, undo and redo,
import and export."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from accelerators import accelerator, clashes
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt, QUrl, Slot
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from test_live_settings import FakeAudio

from massage_timer.core.model.cues import CueKind
from massage_timer.core.model.regions import View
from massage_timer.core.model.routine import StepKind
from massage_timer.core.model.session import Outcome
from massage_timer.core.model.translation import Coverage
from massage_timer.core.storage import routine_file
from massage_timer.core.storage.catalogs import shipped_languages
from massage_timer.core.storage.loader import Origin, load_routine_file
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.toml_input import decode_toml
from massage_timer.ui.editor import editing, questions
from massage_timer.ui.editor.editor import RoutineEditor
from massage_timer.ui.editor.region_picker import RegionPicker
from massage_timer.ui.wiring import App

HAND_WRITTEN = """\
# Three exercises from my physiotherapist, 12 March.
id = "physio-three"
title = "Physio: three exercises"  # as she named them
summary = "The three exercises for the right shoulder."
version = "1.0"
position = "seated"
sources = ["physio-sheet"]

# Hold this one, do not bounce.
[[steps]]
kind = "hold"
title = "Chin tuck"
instruction = "Tuck your chin in and hold."
cue = "Hold the tuck"
seconds = 20  # she said 20, not 30

[[steps]]
kind = "strokes"
title = "Shoulder rolls"
instruction = "Roll your shoulders back slowly."
cue = "Roll back"
reps = 8
cadence = 3
"""


def _qapp() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


@pytest.fixture
def audio() -> FakeAudio:
    return FakeAudio()


@pytest.fixture
def app(qtbot: QtBot, app_paths: AppPaths, audio: FakeAudio,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    asked: list[str] = []
    monkeypatch.setattr(questions, "show_problems",
                        lambda _p, title, text: asked.append(f"{title}: {text}"))
    running = App(_qapp(), app_paths, audio=audio)
    running.problems_shown = asked  # type: ignore[attr-defined]
    yield running
    if running.editing.editor is not None:
        running.editing.editor.undo_stack.setClean()
        running.editing.editor.close()
    running.shutdown()
    running.deleteLater()


def child(parent: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    found = parent.findChild(kind, name)
    assert found is not None, name
    return found


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Replace a field's text by typing, as a person would."""
    widget.setFocus()
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        widget.selectAll()
        qtbot.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.keyClicks(widget, text)


def step_field(editor: RoutineEditor, name: str) -> QWidget:
    return editor.field(name, step=True).focus_widget()


def routine_field(editor: RoutineEditor, name: str) -> QWidget:
    return editor.field(name).focus_widget()


def choose(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def problems(editor: RoutineEditor) -> list[str]:
    lst = child(editor, QListWidget, "editorProblems")
    return [lst.item(i).text() for i in range(lst.count())]


def save_button(editor: RoutineEditor) -> QPushButton:
    return child(editor, QPushButton, "editorSave")


def answer_checklist_no(app: App, qtbot: QtBot) -> None:
    flow = app.sessions.flow
    assert flow is not None and flow.checklist is not None
    for button in flow.checklist.findChildren(QRadioButton):
        if button.objectName().endswith("_no"):
            button.click()
    confirm = child(flow.checklist, QPushButton, "checklistConfirm")
    with qtbot.waitSignal(flow.checklist.accepted, timeout=1000):
        confirm.click()


# -- from nothing to a session ------------------------------------------------------------


def test_build_a_routine_from_nothing_save_find_it_and_run_it_to_the_end(
    qtbot: QtBot, app: App, app_paths: AppPaths
) -> None:
    window = app.window
    new = child(window, QToolButton, "newRoutineButton")
    assert new.isVisible() and new.accessibleName()
    new.click()
    editor = app.editing.editor
    assert editor is not None and editor.objectName() == "routineEditor"
    assert editor.isVisible()
    for name in ("editorTitle", "editorStepList", "editorAddStep", "editorProblems",
                 "editorSave", "editorCancel"):
        assert editor.findChild(QWidget, name) is not None, name

    type_into(qtbot, child(editor, QLineEdit, "editorTitle"), "Evening shoulders")
    type_into(qtbot, routine_field(editor, "id"), "evening-shoulders")
    type_into(qtbot, routine_field(editor, "summary"), "Two minutes for tired shoulders.")
    assert not save_button(editor).isEnabled(), "the first step is still empty"
    assert any("instruction" in p for p in problems(editor))

    editor.tabs.setCurrentIndex(1)
    type_into(qtbot, step_field(editor, "title"), "Shoulder squeeze")
    type_into(qtbot, step_field(editor, "instruction"), "Squeeze the top of your left shoulder.")
    type_into(qtbot, step_field(editor, "cue"), "Squeeze and breathe")
    type_into(qtbot, step_field(editor, "seconds"), "4")
    child(editor, QCheckBox, "field_sides_left").click()
    picker = editor.field("regions", step=True)
    assert isinstance(picker, RegionPicker)
    point = picker.diagram.widget_point(View.BACK, "upper-trapezius-left")
    qtbot.mouseClick(picker.diagram, Qt.MouseButton.LeftButton, pos=point.toPoint())
    assert editor.data["steps"][0]["regions"] == ["upper-trapezius-left"]

    child(editor, QPushButton, "editorAddStep").click()
    choose(step_field(editor, "kind"), StepKind.REST.value)
    type_into(qtbot, step_field(editor, "title"), "Breathe")
    type_into(qtbot, step_field(editor, "instruction"), "Let your arms hang.")
    type_into(qtbot, step_field(editor, "cue"), "Rest")
    type_into(qtbot, step_field(editor, "seconds"), "3")
    assert problems(editor) == ["No problems: the routine is ready to save."]
    total = child(editor, QLabel, "editorTotal").text()
    assert total.startswith("Total: ")
    assert save_button(editor).isEnabled()

    save_button(editor).click()
    saved = app_paths.user_routines_dir / "evening-shoulders.toml"
    assert saved.is_file()
    routine = load_routine_file(saved)
    assert routine.title == "Evening shoulders"
    assert [s.title for s in routine.steps] == ["Shoulder squeeze", "Breathe"]
    assert routine.steps[0].regions == ("upper-trapezius-left",)
    assert routine.steps[0].sides == ("left",)
    assert routine_file.render(decode_toml(saved.read_bytes()), saved.read_bytes()) \
        == saved.read_bytes()
    assert app.editing.editor is None, "Save closes the editor"

    loaded = app.library.get("evening-shoulders")
    assert loaded is not None and loaded.origin is Origin.USER
    assert window.current_routine_id() == "evening-shoulders"
    assert child(window, QToolButton, "editRoutineButton").isEnabled()

    # A user routine starts like any other: the safety checklist first.
    child(window, QPushButton, "startButton").click()
    flow = app.sessions.flow
    assert flow is not None and flow.window is None and flow.checklist is not None
    answer_checklist_no(app, qtbot)
    assert flow.pain_dialog is not None
    child(flow.pain_dialog, QPushButton, "painBeforeSkip").click()
    assert flow.window is not None
    skip = child(flow.window, QPushButton, "skipButton")
    outcomes: list[Outcome] = []
    flow.ended.connect(outcomes.append)
    for _ in range(20):
        if flow.summary is not None:
            break
        skip.click()
    assert flow.summary is not None
    flow.summary.accept()
    assert outcomes and outcomes[0].played
    assert app.history.count() == 1


# -- a hand-written file ------------------------------------------------------------------


def _user_file(app_paths: AppPaths, text: str = HAND_WRITTEN) -> Path:
    folder = app_paths.user_routines_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "physio-three.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_edit_a_commented_hand_written_file_keeps_its_comments(
    qtbot: QtBot, app: App, app_paths: AppPaths
) -> None:
    path = _user_file(app_paths)
    app.reload_library()
    assert app.window.select_routine("physio-three")
    child(app.window, QToolButton, "editRoutineButton").click()
    editor = app.editing.editor
    assert editor is not None and editor.file == path
    assert not save_button(editor).isEnabled(), "nothing changed yet"
    editor.tabs.setCurrentIndex(1)
    type_into(qtbot, step_field(editor, "seconds"), "25")
    editor.step_list.setCurrentRow(1)
    child(editor, QPushButton, "editorMoveUp").click()
    assert [s["title"] for s in editor.data["steps"]] == ["Shoulder rolls", "Chin tuck"]
    save_button(editor).click()
    text = path.read_text(encoding="utf-8")
    for comment in ("# Three exercises from my physiotherapist, 12 March.",
                    'title = "Physio: three exercises"  # as she named them',
                    "# Hold this one, do not bounce.",
                    "seconds = 25  # she said 20, not 30"):
        assert comment in text, comment
    routine = load_routine_file(path)
    assert [s.title for s in routine.steps] == ["Shoulder rolls", "Chin tuck"]
    assert routine.steps[1].seconds == 25


def test_saved_file_loads_back_identical_for_every_builtin_routine(
    qtbot: QtBot, app: App, app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    for loaded in [r for r in app.library.routines if r.origin is Origin.BUILTIN]:
        editor = app.editing.duplicate(loaded.routine.id)
        assert editor is not None
        assert editor.problems == [], (loaded.routine.id, editor.problems)
        new_id = editor.data["id"]
        assert new_id != loaded.routine.id
        assert save_button(editor).isEnabled()
        save_button(editor).click()
        copy = load_routine_file(app_paths.user_routines_dir / f"{new_id}.toml")
        assert copy.steps == loaded.routine.steps
        assert copy.summary == loaded.routine.summary
        assert (copy.areas, copy.cautions, copy.sources, copy.equipment) == (
            loaded.routine.areas, loaded.routine.cautions, loaded.routine.sources,
            loaded.routine.equipment)
        assert app.library.get(loaded.routine.id).origin is Origin.BUILTIN  # type: ignore[union-attr]


def test_a_builtin_routine_is_never_edited_in_place(app: App) -> None:
    builtin = next(r for r in app.library.routines if r.origin is Origin.BUILTIN)
    assert app.window.select_routine(builtin.routine.id)
    assert not child(app.window, QToolButton, "editRoutineButton").isEnabled()
    assert not child(app.window, QToolButton, "deleteRoutineButton").isEnabled()
    assert child(app.window, QToolButton, "duplicateRoutineButton").isEnabled()
    before = builtin.file.read_bytes()
    editor = app.editing.edit(builtin.routine.id)
    assert editor is not None and editor.file is None, "a copy, not the file"
    assert editor.data["id"] != builtin.routine.id
    editor.undo_stack.setClean()
    editor.close()
    assert builtin.file.read_bytes() == before


# -- the validator's messages --------------------------------------------------------------


INVALID_INPUTS = [
    # (routine or step field, text typed, location the validator names)
    ("id", "Not A Slug", "id"),
    ("title", "", "title"),
    ("title", "x" * 81, "title"),
    ("version", "one", "version"),
    ("summary", "", "summary"),
    ("sources", "", "sources"),
    ("sources", "no spaces allowed", "sources[0]"),
    ("step.seconds", "0", "steps[0].seconds"),
    ("step.seconds", "601", "steps[0].seconds"),
    ("step.seconds", "abc", "steps[0].seconds"),
    ("step.seconds", "", "steps[0]"),
    ("step.instruction", "", "steps[0].instruction"),
    ("step.cue", "", "steps[0].cue"),
    ("step.prepare", "61", "steps[0].prepare"),
    ("step.rest_after", "-1", "steps[0].rest_after"),
    ("step.title", "", "steps[0].title"),
]


@pytest.mark.parametrize(("field", "text", "location"), INVALID_INPUTS)
def test_every_invalid_input_blocks_save_with_the_validators_message(  # noqa: PLR0917
    qtbot: QtBot, app: App, app_paths: AppPaths, field: str, text: str, location: str
) -> None:
    path = _user_file(app_paths)
    app.reload_library()
    editor = app.editing.edit("physio-three")
    assert editor is not None
    is_step = field.startswith("step.")
    name = field.removeprefix("step.")
    widget = editor.field(name, step=is_step).focus_widget()
    if is_step:
        editor.tabs.setCurrentIndex(1)
        editor.step_list.setCurrentRow(0)
    type_into(qtbot, widget, text)
    assert not save_button(editor).isEnabled()
    # The same words as `massage-timer validate` for the same file.
    data = editor.rendered()
    with pytest.raises(Exception) as caught:
        routine_file.check(data, path)
    expected = [(e.location, e.message) for e in caught.value.errors]  # type: ignore[attr-defined]
    assert editor.problems == expected
    assert any(loc == location for loc, _ in expected), expected
    shown = problems(editor)
    for loc, message in expected:
        assert any(line.endswith(message) for line in shown), (loc, message, shown)
    marked = editor.field(name, step=is_step)
    if location.rsplit(".", 1)[-1].split("[", 1)[0] == name:
        assert marked.problem is not None
        assert "Problem" in marked.focus_widget().accessibleDescription()
    # Fixing it again enables Save (a change from the file).
    editor.undo_stack.undo()
    assert editor.problems == []
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN, "nothing written meanwhile"


def test_a_strokes_step_needs_reps_and_cadence_and_the_fields_are_marked(
    qtbot: QtBot, app: App, app_paths: AppPaths
) -> None:
    _user_file(app_paths)
    app.reload_library()
    editor = app.editing.edit("physio-three")
    assert editor is not None
    editor.tabs.setCurrentIndex(1)
    editor.step_list.setCurrentRow(1)
    type_into(qtbot, step_field(editor, "reps"), "")
    assert ("steps[1]", "a strokes step needs both 'reps' and 'cadence'") in editor.problems
    assert editor.field("reps", step=True).problem is not None
    assert not save_button(editor).isEnabled()
    assert "⚠" in editor.step_list.item(1).text()


def test_total_length_updates_as_you_type(qtbot: QtBot, app: App, app_paths: AppPaths) -> None:
    _user_file(app_paths)
    app.reload_library()
    editor = app.editing.edit("physio-three")
    assert editor is not None
    total = child(editor, QLabel, "editorTotal")
    before = total.text()
    editor.tabs.setCurrentIndex(1)
    type_into(qtbot, step_field(editor, "seconds"), "200")
    assert total.text() != before
    assert editor.routine is not None
    assert total.text().startswith("Total: ")


# -- undo and redo ---------------------------------------------------------------------------


def test_undo_and_redo_round_trip_every_kind_of_edit(
    qtbot: QtBot, app: App, app_paths: AppPaths
) -> None:
    _user_file(app_paths)
    app.reload_library()
    editor = app.editing.edit("physio-three")
    assert editor is not None
    states = [editor.data]
    type_into(qtbot, child(editor, QLineEdit, "editorTitle"), "Renamed")
    states.append(editor.data)
    editor.tabs.setCurrentIndex(1)
    choose(step_field(editor, "pressure"), "light")
    states.append(editor.data)
    child(editor, QCheckBox, "field_sides_right").click()
    states.append(editor.data)
    picker = editor.field("regions", step=True)
    assert isinstance(picker, RegionPicker)
    picker.toggle("suboccipitals")
    states.append(editor.data)
    child(editor, QPushButton, "editorAddStep").click()
    states.append(editor.data)
    child(editor, QPushButton, "editorMoveUp").click()
    states.append(editor.data)
    child(editor, QPushButton, "editorRemoveStep").click()
    states.append(editor.data)
    assert editor.undo_stack.count() == len(states) - 1, "typing a title is one undo step"
    undo = child(editor, QPushButton, "editorUndo")
    redo = child(editor, QPushButton, "editorRedo")
    for state in reversed(states[:-1]):
        undo.click()
        assert editor.data == state
    assert editor.undo_stack.isClean()
    assert child(editor, QLineEdit, "editorTitle").text() == "Physio: three exercises"
    for state in states[1:]:
        redo.click()
        assert editor.data == state
    assert child(editor, QLineEdit, "editorTitle").text() == "Renamed"


def test_closing_with_unsaved_changes_asks(
    qtbot: QtBot, app: App, app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _user_file(app_paths)
    app.reload_library()
    editor = app.editing.edit("physio-three")
    assert editor is not None
    type_into(qtbot, child(editor, QLineEdit, "editorTitle"), "Changed")
    answers = [questions.Unsaved.CANCEL, questions.Unsaved.DISCARD]
    asked: list[str] = []

    def ask(_parent: QWidget, title: str, *, can_save: bool) -> questions.Unsaved:
        assert can_save
        asked.append(title)
        return answers.pop(0)

    monkeypatch.setattr(questions, "ask_unsaved", ask)
    child(editor, QPushButton, "editorCancel").click()
    assert editor.isVisible(), "Keep editing"
    editor.close()
    assert asked == ["Changed", "Changed"]
    assert not editor.isVisible()
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


def test_closing_with_changes_that_cannot_be_saved_offers_no_save(
    qtbot: QtBot, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The question offered Save while the routine had problems, and Save then did
    nothing and said nothing."""
    from massage_timer.core.model.language import _ as translated

    shown: list[QMessageBox] = []

    def answer(box: QMessageBox) -> int:
        shown.append(box)
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    editor = app.editing.new_routine()
    assert editor is not None
    type_into(qtbot, child(editor, QLineEdit, "editorTitle"), "Evening")
    assert editor.problems, "a new routine has no cue or instruction yet"
    editor.reject()
    assert editor.isVisible(), "closing the question keeps the editor"
    box = shown[-1]
    texts = [b.text() for b in box.buttons()]
    assert translated("&Save") not in texts
    assert texts.count(translated("&Discard changes")) == 1 and translated("&Keep editing") in texts
    assert box.defaultButton().text() == translated("&Keep editing")
    assert "problems" in box.text()


def test_steps_reorder_by_drag_and_drop(qtbot: QtBot, app: App, app_paths: AppPaths) -> None:
    _user_file(app_paths)
    app.reload_library()
    editor = app.editing.edit("physio-three")
    assert editor is not None
    lst = editor.step_list
    assert lst.dragDropMode() == lst.DragDropMode.InternalMove
    # What the view does on a drop: move the row in its model.
    model = lst.model()
    assert model.moveRow(model.index(0, 0).parent(), 0, model.index(0, 0).parent(), 2)
    qtbot.waitUntil(lambda: [s["title"] for s in editor.data["steps"]]
                    == ["Shoulder rolls", "Chin tuck"])
    editor.undo_stack.undo()
    assert [s["title"] for s in editor.data["steps"]] == ["Chin tuck", "Shoulder rolls"]


def shown_picker(qtbot: QtBot, width: int, height: int) -> RegionPicker:
    """A region picker of its own, on the screen at ``width`` by ``height``."""
    picker = RegionPicker("regions")
    qtbot.addWidget(picker)
    picker.resize(width, height)
    picker.show()
    qtbot.waitExposed(picker)
    return picker


# -- regions, trying, sharing -------------------------------------------------------------------


def test_avoid_zones_cannot_be_chosen_and_say_why(qtbot: QtBot) -> None:
    picker = shown_picker(qtbot, 700, 360)
    point = picker.diagram.widget_point(View.SIDE, "avoid-front-of-neck")
    qtbot.mouseClick(picker.diagram, Qt.MouseButton.LeftButton, pos=point.toPoint())
    assert picker.value() == []
    assert "never press" in picker.message.text()
    assert "cannot be chosen" in picker.message.text()
    # The list beside it works from the keyboard: space checks the current region.
    picker.list.setFocus()
    picker.list.setCurrentRow(0)
    qtbot.keyClick(picker.list, Qt.Key.Key_Space)
    first = picker.list.item(0).data(Qt.ItemDataRole.UserRole + 1)
    assert picker.value() == [first]
    qtbot.keyClick(picker.list, Qt.Key.Key_Space)
    assert picker.value() == []
    # A muscle's shape, not its box: a click on the spine is the avoid zone.
    centre = picker.diagram.widget_point(View.BACK, "avoid-spine-back")
    qtbot.mouseClick(picker.diagram, Qt.MouseButton.LeftButton,
                     pos=(centre + QPointF(0, 0)).toPoint())
    assert picker.value() == []


def test_hear_the_instruction_and_play_one_step_without_recording(
    qtbot: QtBot, app: App, app_paths: AppPaths, audio: FakeAudio
) -> None:
    _user_file(app_paths)
    app.reload_library()
    editor = app.editing.edit("physio-three")
    assert editor is not None
    editor.tabs.setCurrentIndex(1)
    child(editor, QPushButton, "editorHear").click()
    assert [(c.kind, c.text) for c in audio.played] == [
        (CueKind.SPEECH, "Tuck your chin in and hold.")]
    child(editor, QPushButton, "editorPlayStep").click()
    preview = editor.findChild(QWidget, "editorPreview")
    assert preview is not None and preview.isVisible()
    # The step's line is said just after the start tone (the voice script's line delay).
    qtbot.waitUntil(
        lambda: "Tuck your chin in and hold." in [c.text for c in audio.played[1:]],
        timeout=3000,
    )
    skip = child(preview, QPushButton, "skipButton")
    for _ in range(6):
        if not preview.isVisible():
            break
        skip.click()
    assert not preview.isVisible()
    child(editor, QPushButton, "editorPlayStep").click()
    again = [w for w in editor.findChildren(QWidget, "editorPreview") if w.isVisible()]
    assert len(again) == 1
    child(again[0], QPushButton, "stopButton").click()
    assert not again[0].isVisible()
    app.finish_startup()
    assert app.history.count() == 0, "a try is never history"


def test_import_checks_copies_and_asks_on_a_conflict(
    qtbot: QtBot, app: App, app_paths: AppPaths, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "from-a-friend.toml"
    source.write_text(HAND_WRITTEN, encoding="utf-8")
    assert app.editing.import_files([source]) == ["physio-three"]
    copied = app_paths.user_routines_dir / "physio-three.toml"
    assert copied.read_text(encoding="utf-8") == HAND_WRITTEN
    assert app.window.current_routine_id() == "physio-three"

    answers = [questions.Conflict.CANCEL, questions.Conflict.COPY, questions.Conflict.REPLACE]
    monkeypatch.setattr(questions, "ask_conflict", lambda *_a: answers.pop(0))
    assert app.editing.import_files([source]) == []
    assert app.editing.import_files([source]) == ["physio-three-2"]
    second = app_paths.user_routines_dir / "physio-three-2.toml"
    assert load_routine_file(second).id == "physio-three-2"
    assert "# Hold this one, do not bounce." in second.read_text(encoding="utf-8")
    source.write_text(HAND_WRITTEN.replace("seconds = 20", "seconds = 40"), encoding="utf-8")
    assert app.editing.import_files([source]) == ["physio-three"]
    assert load_routine_file(copied).steps[0].seconds == 40

    broken = tmp_path / "broken.toml"
    broken.write_text(HAND_WRITTEN.replace("seconds = 20", "seconds = 0"), encoding="utf-8")
    assert app.editing.import_files([broken]) == []
    shown = app.problems_shown  # type: ignore[attr-defined]
    assert "steps[0].seconds: must be greater than or equal to 1" in shown[-1]


def test_export_writes_the_file_as_it_is(app: App, app_paths: AppPaths, tmp_path: Path) -> None:
    path = _user_file(app_paths)
    app.reload_library()
    target = tmp_path / "out" / "shared.toml"
    target.parent.mkdir()
    assert app.editing.export("physio-three", target) == target
    assert target.read_bytes() == path.read_bytes()


def test_delete_asks_and_removes_only_user_routines(
    app: App, app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _user_file(app_paths)
    app.reload_library()
    monkeypatch.setattr(questions, "confirm_delete", lambda *_a: False)
    assert not app.editing.delete("physio-three")
    assert path.exists()
    monkeypatch.setattr(questions, "confirm_delete", lambda *_a: True)
    # Where the desktop has no trash (as here), deleting for good is asked again.
    monkeypatch.setattr(questions, "confirm_delete_for_good", lambda *_a: True)
    assert app.editing.delete("physio-three")
    assert not path.exists()
    assert app.library.get("physio-three") is None
    builtin = next(r for r in app.library.routines if r.origin is Origin.BUILTIN)
    assert not app.editing.delete(builtin.routine.id)
    assert builtin.file.exists()


def test_every_editor_control_has_an_accessible_name(app: App) -> None:
    editor = app.editing.new_routine()
    assert editor is not None
    for widget in editor.findChildren(QWidget):
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or not widget.isVisibleTo(editor):
            continue
        if isinstance(widget, QLineEdit | QPlainTextEdit | QComboBox | QListWidget):
            assert widget.accessibleName(), widget.objectName()
        if isinstance(widget, QPushButton | QCheckBox):
            assert widget.accessibleName() or widget.text(), widget.objectName()


def test_every_field_of_the_format_has_a_widget(app: App) -> None:
    """The forms are made from the model: a field added to it gets a widget."""
    import msgspec

    from massage_timer.core.model.routine import Routine, Step

    editor = app.editing.new_routine()
    assert editor is not None
    for f in msgspec.structs.fields(Routine):
        if f.encode_name != "steps":
            assert editor.field(f.encode_name).focus_widget().accessibleName(), f.encode_name
    for f in msgspec.structs.fields(Step):
        assert editor.field(f.encode_name, step=True).focus_widget().accessibleName(), \
            f.encode_name


def test_a_new_routines_id_follows_its_title_until_typed(qtbot: QtBot, app: App) -> None:
    editor = app.editing.new_routine()
    assert editor is not None
    id_edit = routine_field(editor, "id")
    assert isinstance(id_edit, QLineEdit)
    type_into(qtbot, child(editor, QLineEdit, "editorTitle"), "Evening: Shoulders!")
    assert id_edit.text() == "evening-shoulders" == editor.data["id"]
    type_into(qtbot, id_edit, "mine")
    type_into(qtbot, child(editor, QLineEdit, "editorTitle"), "Something else")
    assert editor.data["id"] == "mine"
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    assert editor.data["id"] == "evening-shoulders"


def test_a_title_made_id_never_takes_a_built_in_routines_place(
        qtbot: QtBot, app: App, app_paths: AppPaths) -> None:
    """A new routine titled like a built-in one got the built-in's id from its title,
    and saving it replaced the built-in (the reminders' routine) without a word."""
    builtin = app.library.get("desk-micro-break")
    assert builtin is not None and builtin.origin is Origin.BUILTIN
    editor = app.editing.new_routine()
    assert editor is not None
    type_into(qtbot, child(editor, QLineEdit, "editorTitle"), builtin.routine.title)
    assert editor.data["id"] == "desk-micro-break-2"
    notes = [editor.problem_list.item(i).text() for i in range(editor.problem_list.count())]
    assert not [n for n in notes if "built-in" in n]
    # Typed on purpose, the id is the person's choice, and the editor says what it does.
    type_into(qtbot, routine_field(editor, "id"), "desk-micro-break")
    notes = [editor.problem_list.item(i).text() for i in range(editor.problem_list.count())]
    assert [n for n in notes if "desk-micro-break" in n and "built-in" in n], notes
    assert not [p for p in editor.problems if p[0] == "id"], "a note, not a problem"


def test_routine_files_dropped_onto_the_library_are_imported(
    app: App, app_paths: AppPaths, tmp_path: Path
) -> None:
    from PySide6.QtCore import QMimeData, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    source = tmp_path / "dropped.toml"
    source.write_text(HAND_WRITTEN, encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(source))])
    point = app.window.rect().center()
    enter = QDragEnterEvent(point, Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(app.window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(point), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(app.window, drop)
    assert (app_paths.user_routines_dir / "physio-three.toml").is_file()
    assert app.window.current_routine_id() == "physio-three"


def test_a_file_keeps_its_name_unless_its_id_changes(
    qtbot: QtBot, app: App, app_paths: AppPaths
) -> None:
    folder = app_paths.user_routines_dir
    folder.mkdir(parents=True, exist_ok=True)
    odd = folder / "from-the-physio.toml"
    odd.write_text(HAND_WRITTEN, encoding="utf-8")
    app.reload_library()
    editor = app.editing.edit("physio-three")
    assert editor is not None
    type_into(qtbot, child(editor, QLineEdit, "editorTitle"), "Physio")
    save_button(editor).click()
    assert odd.is_file() and load_routine_file(odd).title == "Physio"
    editor = app.editing.edit("physio-three")
    assert editor is not None
    type_into(qtbot, routine_field(editor, "id"), "physio")
    save_button(editor).click()
    assert not odd.exists()
    assert load_routine_file(folder / "physio.toml").id == "physio"
    assert "# Hold this one, do not bounce." in (folder / "physio.toml").read_text("utf-8")


def test_ctrl_z_in_a_field_is_the_editors_undo(qtbot: QtBot, app: App, app_paths: AppPaths) -> None:
    _user_file(app_paths)
    app.reload_library()
    editor = app.editing.edit("physio-three")
    assert editor is not None
    editor.activateWindow()
    title = child(editor, QLineEdit, "editorTitle")
    type_into(qtbot, title, "Renamed")
    editor.tabs.setCurrentIndex(1)
    type_into(qtbot, step_field(editor, "cue"), "Hold it")
    cue = step_field(editor, "cue")
    qtbot.keyClick(cue, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.data["steps"][0]["cue"] == "Hold the tuck"
    assert isinstance(cue, QLineEdit) and cue.text() == "Hold the tuck"
    qtbot.keyClick(cue, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.data["title"] == "Physio: three exercises" == title.text()
    qtbot.keyClick(cue, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert editor.data["title"] == "Renamed"


def test_ctrl_s_ctrl_z_and_ctrl_shift_z_work_from_any_control(
    qtbot: QtBot, app: App, app_paths: AppPaths
) -> None:
    """Not only in a text field: from the step list too. (A button's own shortcut was
    replaced by its label's accelerator each time the editor was translated.)"""
    path = _user_file(app_paths)
    app.reload_library()
    editor = app.editing.edit("physio-three")
    assert editor is not None
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)  # a window's shortcuts
    editor.tabs.setCurrentIndex(1)
    type_into(qtbot, step_field(editor, "seconds"), "25")
    editor.step_list.setFocus()
    qtbot.keyClick(editor.step_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(editor.undo_stack.isClean)
    qtbot.keyClick(editor.step_list, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: not editor.undo_stack.isClean())
    assert editor.data["steps"][0]["seconds"] == 25
    assert save_button(editor).text() == "&Save", "its accelerator stays Alt+S"
    qtbot.keyClick(editor.step_list, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "seconds = 25" in path.read_text(encoding="utf-8"))


def test_a_problem_leads_to_its_field_and_the_keyboard_moves_and_removes_steps(
    qtbot: QtBot, app: App, app_paths: AppPaths
) -> None:
    _user_file(app_paths)
    app.reload_library()
    editor = app.editing.edit("physio-three")
    assert editor is not None
    editor.tabs.setCurrentIndex(1)
    editor.step_list.setCurrentRow(1)
    type_into(qtbot, step_field(editor, "cue"), "")
    editor.tabs.setCurrentIndex(0)
    editor.step_list.setCurrentRow(0)
    lst = child(editor, QListWidget, "editorProblems")
    assert lst.count() == 1
    assert lst.item(0).text().startswith("Step 2 “\u2068Shoulder rolls\u2069”, cue:")
    lst.itemActivated.emit(lst.item(0))
    assert editor.tabs.currentIndex() == 1 and editor.current_row() == 1
    assert editor.field("cue", step=True).problem is not None
    editor.step_list.setFocus()
    qtbot.keyClick(editor.step_list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [s["title"] for s in editor.data["steps"]] == ["Shoulder rolls", "Chin tuck"]
    assert editor.current_row() == 0
    qtbot.keyClick(editor.step_list, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert [s["title"] for s in editor.data["steps"]] == ["Chin tuck", "Shoulder rolls"]
    assert editor.current_row() == 1
    qtbot.keyClick(editor.step_list, Qt.Key.Key_Delete)
    assert [s["title"] for s in editor.data["steps"]] == ["Chin tuck"]
    assert editor.problems == []
    editor.undo_stack.undo()
    assert [s["title"] for s in editor.data["steps"]] == ["Chin tuck", "Shoulder rolls"]


def test_enter_in_a_field_presses_no_button(qtbot: QtBot, app: App) -> None:
    editor = app.editing.new_routine()
    assert editor is not None
    steps = len(editor.data["steps"])
    qtbot.keyClick(child(editor, QLineEdit, "editorTitle"), Qt.Key.Key_Return)
    assert editor.isVisible() and len(editor.data["steps"]) == steps
    assert not any(b.isDefault() or b.autoDefault() for b in editor.findChildren(QPushButton))


def test_quitting_with_unsaved_changes_asks(
    qtbot: QtBot, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = app.editing.new_routine()
    assert editor is not None
    type_into(qtbot, child(editor, QLineEdit, "editorTitle"), "Half done")
    monkeypatch.setattr(questions, "ask_unsaved", lambda *_a, **_k: questions.Unsaved.CANCEL)
    quits: list[bool] = []
    monkeypatch.setattr(app.app, "quit", lambda: quits.append(True))
    app.quit()
    assert quits == [] and editor.isVisible(), "kept editing"
    monkeypatch.setattr(questions, "ask_unsaved", lambda *_a, **_k: questions.Unsaved.DISCARD)
    app.quit()
    assert quits == [True] and not editor.isVisible()


def test_hear_says_a_sided_instruction_with_its_side(
    qtbot: QtBot, app: App, app_paths: AppPaths, audio: FakeAudio
) -> None:
    _user_file(app_paths)
    app.reload_library()
    editor = app.editing.edit("physio-three")
    assert editor is not None
    editor.tabs.setCurrentIndex(1)
    type_into(qtbot, step_field(editor, "instruction"), "Press your {side} shoulder.")
    child(editor, QCheckBox, "field_sides_left").click()
    child(editor, QCheckBox, "field_sides_right").click()
    child(editor, QPushButton, "editorHear").click()
    assert [(c.kind, c.text) for c in audio.played][-1] == (
        CueKind.SPEECH, "Press your left shoulder.")


def test_a_table_field_edits_side_words_key_by_key(qtbot: QtBot) -> None:
    """``side_words`` gets one box per side; empty boxes are left out of the file."""
    from massage_timer.core.model.routine import Step
    from massage_timer.ui.editor.fields import ABSENT, TableField, make_field

    kinds = {f.encode_name: f.type for f in msgspec.structs.fields(Step)}
    field = make_field("side_words", kinds["side_words"], lambda _n, _p: None)  # type: ignore[arg-type,return-value]
    assert isinstance(field, TableField)
    qtbot.addWidget(field)
    assert list(field.edits) == ["left", "right"]
    assert field.value() is ABSENT
    field.set_value({"left": "linke"})
    assert field.value() == {"left": "linke"}
    with qtbot.waitSignal(field.edited):
        qtbot.keyClicks(field.edits["right"], "rechte")
    assert field.value() == {"left": "linke", "right": "rechte"}
    assert field.edits["right"].accessibleName() == (
        "Side words (said for the side): for the right side")
    field.set_value(ABSENT)
    assert field.value() is ABSENT


@pytest.mark.parametrize("code", ["en", "en_XA", *(lang.code for lang in shipped_languages())])
def test_no_two_controls_of_an_editor_tab_share_an_accelerator(app: App, code: str) -> None:
    """Alt+letter reaches one control on each tab, in every language: with two, the
    keys only cycle between them. What shows on both tabs (the tab names, Save, the
    problems) counts on each; a step's fields count all at once (which of them show
    depends on the step's kind)."""
    from massage_timer.ui.desktop.language import apply_language

    editor = app.editing.new_routine()
    assert editor is not None
    apply_language(_qapp(), code)
    QApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
    tabs = editor.tabs

    def texts(widgets: list[QWidget]) -> list[str]:
        """Every control's text with an accelerator, shown or not."""
        return [w.text() for w in widgets
                if isinstance(w, QAbstractButton) or (isinstance(w, QLabel) and w.buddy())
                if accelerator(w.text())]

    always = texts([w for w in editor.findChildren(QWidget) if not tabs.isAncestorOf(w)])
    always += [tabs.tabText(i) for i in range(tabs.count()) if accelerator(tabs.tabText(i))]
    assert len(always) == 4  # the two tabs, Save and the problems
    for i in range(tabs.count()):
        on_tab = always + texts(tabs.widget(i).findChildren(QWidget))
        assert clashes(on_tab) == {}, tabs.tabText(i)
        assert len(on_tab) >= 9


def test_alt_up_and_down_stay_with_the_focused_control(app: App) -> None:
    """They move a step in the step list (see above); elsewhere they stay with the
    control that has the focus: Alt+Down opens a drop-down list. So the Move buttons
    hold no shortcut of their own, which would take these keys from the whole editor."""
    editor = app.editing.new_routine()
    assert editor is not None
    for button in (editor.move_up, editor.move_down):
        assert button.shortcut().isEmpty(), button.objectName()


class _FileManager(QObject):
    """Stands in for the desktop's file manager: the URLs Qt asked it to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


def test_open_routines_folder_makes_the_folder_and_hands_it_to_the_file_manager(
        app: App) -> None:
    folder = app.paths.user_routines_dir
    shutil.rmtree(folder, ignore_errors=True)
    manager = _FileManager()
    QDesktopServices.setUrlHandler("file", manager, "open")
    try:
        app.window.open_folder_action.trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert folder.is_dir()
    assert [url.toLocalFile() for url in manager.opened] == [str(folder)]


def test_open_routines_folder_says_why_when_it_cannot(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """No file manager, or a folder that cannot be made: a notice in the window, and
    the app goes on."""

    class NoFileManager:
        @staticmethod
        def openUrl(_url: QUrl) -> bool:
            return False

    monkeypatch.setattr(editing, "QDesktopServices", NoFileManager)
    folder = app.paths.user_routines_dir
    app.window.open_folder_action.trigger()
    assert app.window.statusBar().currentMessage() == f"No file manager opened {folder}."

    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("a file where the folder goes\n")
    app.window.open_folder_action.trigger()
    message = app.window.statusBar().currentMessage()
    assert message.startswith(f"Could not make the folder {folder}: "), message
    assert folder.is_file()


def test_tab_goes_from_field_to_field_with_no_stop_on_a_scroll_area(qtbot: QtBot) -> None:
    """Each tab's scroll area (and the steps list's, which lets a short screen scroll
    the list and its buttons) took a Tab stop of its own, where nothing showed focus;
    and the editor opened with the focus on its tab bar, not on the title."""
    from PySide6.QtWidgets import QScrollArea

    from massage_timer.core.model.routine_data import blank_routine

    editor = RoutineEditor(blank_routine(), folder=Path("/nonexistent"))
    qtbot.addWidget(editor)
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=2000)
    assert editor.focusWidget() is editor.title_edit
    for tab in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(tab)
        editor.tabs.setFocus()
        seen = []
        for _press in range(60):
            qtbot.keyClick(editor.focusWidget() or editor, Qt.Key.Key_Tab)
            seen.append(editor.focusWidget())
        assert not [w for w in seen if isinstance(w, QScrollArea)], tab
        assert any(isinstance(w, QLineEdit) for w in seen), tab


def test_choices_read_in_the_interface_language_and_the_file_keeps_its_values(
    qtbot: QtBot,
) -> None:
    """The Kind, Position, Pressure and Unit lists, the equipment and side boxes and the
    steps list showed the file's English values ("hold", "seated", "tennis ball") in
    every language: they were looked up as messages no catalogue holds."""
    from PySide6.QtWidgets import QCheckBox

    from massage_timer.core.model.routine_data import blank_routine
    from massage_timer.core.storage.catalogs import use_language

    use_language("de")
    try:
        data = blank_routine()
        data["equipment"] = ["tennis ball"]
        editor = RoutineEditor(data, folder=Path("/nonexistent"))
        qtbot.addWidget(editor)
        kind = step_field(editor, "kind")
        assert isinstance(kind, QComboBox)
        shown = {kind.itemData(i): kind.itemText(i) for i in range(kind.count())}
        assert shown == {"hold": "Halten", "strokes": "Streichungen", "rest": "Ruhen"}
        position = routine_field(editor, "position")
        assert isinstance(position, QComboBox)
        assert position.currentText() == "Sitzend" and position.currentData() == "seated"
        ball = child(editor, QCheckBox, "field_equipment_tennis_ball")
        assert ball.text() == "Tennisball" and ball.isChecked()
        assert ball.accessibleName().endswith(": Tennisball")
        left = child(editor, QCheckBox, "field_sides_left")
        assert left.text() == "links"
        assert "(Halten, " in editor.step_list.item(0).text()
        assert editor.data["equipment"] == ["tennis ball"]
    finally:
        use_language("en")


def test_right_to_left_titles_read_as_written_and_overrides_stay_in_their_title(
    qtbot: QtBot,
) -> None:
    """A Hebrew title (with the right-to-left mark such keyboards type) showed as
    ``\\u200f…`` in the steps list, the problems and the window title. Its marks are
    kept now; inside a sentence the title is a bidi isolate, so an override in it
    cannot turn the words after it around."""
    from massage_timer.core.model.routine_data import blank_routine

    data = blank_routine()
    data["title"] = "\u200fעיסוי צוואר"
    data["steps"][0]["title"] = "\u202eשלב ראשון"
    editor = RoutineEditor(data, folder=Path("/nonexistent"))
    qtbot.addWidget(editor)
    assert "\\u" not in editor.windowTitle() and "\u200fעיסוי צוואר" in editor.windowTitle()
    row = editor.step_list.item(0).text()
    assert "\\u" not in row
    assert "\u2068\u202eשלב ראשון\u2069" in row
    where = [editor.problem_list.item(i).text() for i in range(editor.problem_list.count())]
    assert any("\u2068\u202eשלב ראשון\u2069" in line for line in where), where
    data["steps"][0]["title"] = "ends early\u2069 \u202eoverride"
    editor = RoutineEditor(data, folder=Path("/nonexistent"))
    qtbot.addWidget(editor)
    row = editor.step_list.item(0).text()
    assert row.count("\u2069") == 1 and "\\u2069" in row


def test_one_import_of_two_files_with_one_id_asks_before_the_second(
    app: App, app_paths: AppPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two files with the same id in one import: the second replaced the first without
    a question (the library is read again only after the whole import), and the notice
    counted two routines where one was left."""
    anna, ben = tmp_path / "anna.toml", tmp_path / "ben.toml"
    anna.write_text(HAND_WRITTEN.replace("Physio: three exercises", "Anna's version"),
                    encoding="utf-8")
    ben.write_text(HAND_WRITTEN.replace("Physio: three exercises", "Ben's version"),
                   encoding="utf-8")
    asked: list[tuple[str, str, bool]] = []

    def ask(_parent: object, routine_id: str, title: str, replaceable: bool) -> object:
        asked.append((routine_id, title, replaceable))
        return questions.Conflict.COPY

    monkeypatch.setattr(questions, "ask_conflict", ask)
    assert app.editing.import_files([anna, ben]) == ["physio-three", "physio-three-2"]
    assert asked == [("physio-three", "Anna's version", True)]
    titles = {load_routine_file(f).title for f in app_paths.user_routines_dir.glob("*.toml")}
    assert titles == {"Anna's version", "Ben's version (copy)"}

    monkeypatch.setattr(questions, "ask_conflict", lambda *_a: questions.Conflict.REPLACE)
    assert app.editing.import_files([anna, anna]) == ["physio-three", "physio-three"]
    assert len(list(app_paths.user_routines_dir.glob("*.toml"))) == 2


def test_an_import_replaces_a_routine_in_its_own_file_and_copies_around_files_on_disk(
    app: App, app_paths: AppPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Replacing a routine whose file is not named after its id wrote a second file
    beside it; a copy's id could be the name of a file that does not load yet (one
    being written by hand), which the copy then wrote over."""
    folder = app_paths.user_routines_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "shoulders-from-physio.toml").write_text(HAND_WRITTEN, encoding="utf-8")
    draft = folder / "physio-three-2.toml"
    draft.write_text("# still writing this one\nid = \"physio-three-2\"\n", encoding="utf-8")
    app.reload_library()
    source = tmp_path / "newer.toml"
    source.write_text(HAND_WRITTEN.replace("seconds = 20", "seconds = 45"), encoding="utf-8")

    monkeypatch.setattr(questions, "ask_conflict", lambda *_a: questions.Conflict.REPLACE)
    assert app.editing.import_files([source]) == ["physio-three"]
    assert load_routine_file(folder / "shoulders-from-physio.toml").steps[0].seconds == 45
    assert not (folder / "physio-three.toml").exists()

    monkeypatch.setattr(questions, "ask_conflict", lambda *_a: questions.Conflict.COPY)
    assert app.editing.import_files([source]) == ["physio-three-3"]
    assert draft.read_text(encoding="utf-8").startswith("# still writing")
    copy = load_routine_file(folder / "physio-three-3.toml")
    assert copy.title == "Physio: three exercises (copy)"


def test_an_id_of_a_routines_dir_routine_is_steered_clear_of_and_flagged(
    qtbot: QtBot, tmp_path: Path,
) -> None:
    """A routine of a folder given with --routines-dir hides a user routine with its
    id: a title-made id took it, and Save wrote a routine the library never showed."""
    from massage_timer.core.model.routine_data import blank_routine

    team = tmp_path / "team" / "my-shoulders.toml"
    editor = RoutineEditor(blank_routine(), folder=tmp_path / "mine",
                           hidden_by={"my-shoulders": team})
    qtbot.addWidget(editor)
    type_into(qtbot, child(editor, QLineEdit, "editorTitle"), "My shoulders")
    assert editor.data["id"] == "my-shoulders-2"
    id_field = routine_field(editor, "id")
    assert isinstance(id_field, QLineEdit)
    type_into(qtbot, id_field, "my-shoulders")
    assert any("would hide this routine" in line and str(team) in line
               for line in problems(editor)), problems(editor)
    assert not save_button(editor).isEnabled()


def test_what_hear_and_edit_have_to_say_is_said_in_the_editor(
    qtbot: QtBot, app: App, app_paths: AppPaths, audio: FakeAudio,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The editor covers the library window, and its messages went to that window's
    status bar: Hear with the voice off seemed to do nothing. With no sound output it
    said nothing at all."""
    _user_file(app_paths)
    app.reload_library()
    editor = app.editing.edit("physio-three")
    assert editor is not None
    editor.show()
    editor.tabs.setCurrentIndex(1)
    notice = child(editor, QLabel, "editorNotice")
    assert not notice.isVisible()
    app.store.update(voice_enabled=False, reminder_voice=False)
    child(editor, QPushButton, "editorHear").click()
    assert notice.isVisible() and "The voice is off" in notice.text()
    assert "The voice is off" not in app.window.statusBar().currentMessage()
    assert audio.played == []

    app.store.update(voice_enabled=True)
    _speech, cues = app.sound.audio()
    monkeypatch.setattr(cues, "problem", lambda: "no sound server")
    child(editor, QPushButton, "editorHear").click()
    assert "No sound output was found" in notice.text()
    assert audio.played == []

    app.editing.edit("physio-three")  # one editor at a time
    assert "Finish the routine being edited first" in notice.text()


def test_a_long_region_name_wraps_in_the_narrow_list_beside_the_diagram(
    qtbot: QtBot,
) -> None:
    """Beside the diagram the list is some 150 px wide: "Levator scapulae, both sides"
    and "Scalenes (side of the neck)" were cut off at its edge. They wrap now: their
    rows are taller than a short name's, and nothing scrolls sideways."""
    picker = shown_picker(qtbot, 420, 400)
    lst = picker.list
    qtbot.wait(50)  # laid out
    heights = {lst.item(r).text(): lst.visualItemRect(lst.item(r)).height()
               for r in range(lst.count())}
    one_line = heights["Rhomboids, left"]
    assert heights["Levator scapulae, both sides"] > one_line
    assert heights["Scalenes (side of the neck)"] > one_line
    assert lst.horizontalScrollBar().maximum() == 0


def test_a_long_text_field_grows_with_the_text_size_while_open(qtbot: QtBot) -> None:
    """At 150 % the Summary kept the height it was made with: three of its four lines
    showed, until the editor was opened again."""
    from massage_timer.ui.editor.fields import LongTextField
    from massage_timer.ui.theme import ThemeController

    app = _qapp()
    original = app.font()
    theme = ThemeController(app, "light", 1.0)
    field = LongTextField("summary")
    qtbot.addWidget(field)
    field.show()
    field.set_problem("must have at least 1 character")  # a sheet of its own, too
    before = field.edit.height()
    try:
        theme.set_font_scale(1.5)
        qtbot.waitUntil(lambda: field.edit.height() > before * 1.3, timeout=1000)
        assert field.edit.height() == field.fontMetrics().lineSpacing() * 4 + 12
    finally:
        app.setFont(original)


def test_field_tips_read_in_the_interface_language(qtbot: QtBot) -> None:
    """Every field's tip (the model's description of it) stayed English: the
    descriptions were not marked for translation."""
    from massage_timer.core.model.routine_data import blank_routine
    from massage_timer.core.storage.catalogs import use_language

    use_language("de")
    try:
        editor = RoutineEditor(blank_routine(), folder=Path("/nonexistent"))
        qtbot.addWidget(editor)
        assert "Sekunden je Streichung." in step_field(editor, "cadence").toolTip()
        assert "Arbeitsphase" in step_field(editor, "cue").toolTip()
        assert "{side}" in step_field(editor, "instruction").toolTip()
    finally:
        use_language("en")
    QApplication.sendEvent(_qapp(), QEvent(QEvent.Type.LanguageChange))
    QApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
    assert "Seconds per stroke." in step_field(editor, "cadence").toolTip()


def test_a_new_or_duplicated_routine_s_id_is_not_a_draft_s_file_name(
    app: App, app_paths: AppPaths,
) -> None:
    """A file of the folder that does not load (one being written by hand) is not in
    the library, so its name was offered as a new routine's id, and Save then asked to
    replace the draft."""
    folder = app_paths.user_routines_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "my-routine.toml").write_text("# writing this one\n", encoding="utf-8")
    (folder / "desk-micro-break-copy.toml").write_text("# and this\n", encoding="utf-8")
    app.reload_library()
    editor = app.editing.new_routine()
    assert editor is not None and editor.data["id"] == "my-routine-2"
    editor.undo_stack.setClean()
    editor.close()
    copy = app.editing.duplicate("desk-micro-break")
    assert copy is not None and copy.data["id"] == "desk-micro-break-copy-2"


def test_no_destructive_button_is_a_default_and_no_file_goes_for_good_unasked(
    app: App, app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Enter in "Delete routine" pressed Delete, and where the trash refused the file
    it was then unlinked for good, after a question that had said "moved to the
    trash". Enter in "Replace file?" replaced it."""
    from PySide6.QtWidgets import QMessageBox

    for box, destroy in (questions.delete_question(None, "Mine"),
                         questions.delete_for_good_question(None, Path("/r/mine.toml"), "no"),
                         questions.replace_file_question(None, Path("/r/mine.toml"))):
        assert box.defaultButton() is not destroy
        assert box.buttonRole(box.defaultButton()) == QMessageBox.ButtonRole.RejectRole
        assert box.escapeButton() is box.defaultButton()
        box.deleteLater()

    path = _user_file(app_paths)
    app.reload_library()
    monkeypatch.setattr(questions, "confirm_delete", lambda *_a: True)
    monkeypatch.setattr(editing.QFile, "moveToTrash", lambda _path: False)
    asked: list[Path] = []

    def keep(_parent: object, file: Path, _reason: str) -> bool:
        asked.append(file)
        return False

    monkeypatch.setattr(questions, "confirm_delete_for_good", keep)
    assert not app.editing.delete("physio-three")
    assert asked == [path] and path.exists()
    monkeypatch.setattr(questions, "confirm_delete_for_good", lambda *_a: True)
    assert app.editing.delete("physio-three")
    assert not path.exists()


def test_a_second_quit_while_the_editor_asks_asks_nothing_more(
    app: App, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl+C or SIGTERM with unsaved changes asked about them; each further signal
    opened one more identical question inside the first, and the app never ended."""
    editor = app.editing.new_routine()
    assert editor is not None
    editor.add_step.click()  # an unsaved change
    asked: list[str] = []

    def ask(*_args: object, **_kwargs: object) -> questions.Unsaved:
        asked.append("unsaved")
        app.quit()  # another signal, while the question is open
        app.quit()
        return questions.Unsaved.CANCEL

    monkeypatch.setattr(questions, "ask_unsaved", ask)
    app.quit()
    assert asked == ["unsaved"]
    assert editor.isVisible()  # kept editing, as answered


def test_a_copy_of_a_translated_routine_is_whole_in_the_files_language(
    qtbot: QtBot, app: App,
) -> None:
    """Duplicated in German, a built-in's copy had its German title over the file's
    English steps: two languages in one routine."""
    app.store.update(language="de")
    qtbot.waitUntil(lambda: app.library.get("desk-micro-break") is not None
                    and app.library.get("desk-micro-break").coverage  # type: ignore[union-attr]
                    is Coverage.TRANSLATED, timeout=3000)
    shown = app.library.get("desk-micro-break")
    assert shown is not None
    english = load_routine_file(shown.file)
    editor = app.editing.duplicate("desk-micro-break")
    assert editor is not None
    assert editor.data["title"] == f"{english.title} (copy)"
    assert [s["title"] for s in editor.data["steps"]] == [s.title for s in english.steps]
    assert editor.notice.isVisible() and "English" in editor.notice.text()
    assert shown.routine.title not in editor.notice.text()


def test_hear_and_play_speak_the_routines_own_language_and_a_session_ends_the_try(
    qtbot: QtBot, app: App, app_paths: AppPaths, audio: FakeAudio,
) -> None:
    """In German, Hear and Play step read the file's English text (and the session's
    English words) with the German voice. And a session started while a step was being
    tried shared the sound with it: the try's end cut the session's first line."""
    _user_file(app_paths)
    app.reload_library()
    app.store.update(language="de")
    editor = app.editing.edit("physio-three")
    assert editor is not None
    editor.tabs.setCurrentIndex(1)
    child(editor, QPushButton, "editorHear").click()
    assert audio.languages[-1] == "en"
    child(editor, QPushButton, "editorPlayStep").click()
    assert audio.languages[-1] == "en"
    preview = editor.findChild(QWidget, "editorPreview")
    assert preview is not None and preview.isVisible()
    app.start_session("desk-micro-break")
    assert not preview.isVisible(), "the try ends before the session takes the sound"
    flow = app.sessions.flow
    assert flow is not None and flow.checklist is not None
    flow.checklist.reject()


@pytest.mark.parametrize("scale", [1.0, 2.0, 2.5])
def test_a_click_where_a_muscle_is_drawn_picks_that_muscle_at_any_text_size(
    qtbot: QtBot, scale: float,
) -> None:
    """At 200 % the legend wraps onto two lines, and clicks were mapped as if on one: a
    click on the left rhomboid picked the middle trapezius, others picked nothing. The
    ground truth here is the picture: where the chosen muscle's colour is drawn."""
    from large_text import large_text

    from massage_timer.ui.diagram import ACCENT

    app = _qapp()
    with large_text(scale):
        picker = shown_picker(qtbot, 520, 320)
        diagram = picker.diagram
        accent = QColor(ACCENT)
        for region in ("rhomboids-left", "upper-trapezius-left", "middle-trapezius-right",
                       "scalenes", "sternocleidomastoid"):
            picker.set_value([region])
            app.processEvents()
            image = diagram.grab().toImage()
            legend_top = min(text.top() for _item, _swatch, text in diagram.legend())
            drawn = {(x, y) for y in range(int(legend_top) - 2)
                     for x in range(image.width())
                     if _near(QColor(image.pixel(x, y)), accent)}
            # Well inside the drawn shape: its colour all around.
            inside = [(x, y) for x, y in drawn
                      if {(x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)} <= drawn]
            assert inside, region
            x, y = sorted(inside)[len(inside) // 2]
            got: list[str] = []
            diagram.picked.connect(got.append)
            qtbot.mouseClick(diagram, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
            diagram.picked.disconnect(got.append)
            assert got == [region], (scale, region, (x, y))


def _near(color: QColor, target: QColor) -> bool:
    return (abs(color.red() - target.red()) + abs(color.green() - target.green())
            + abs(color.blue() - target.blue())) < 60


def test_the_region_list_and_the_diagram_agree_on_paired_muscles(qtbot: QtBot) -> None:
    """With "Upper trapezius" (both sides) chosen, its left row was unticked though the
    left side was drawn; ticking it made the value the right side only, untick the
    row, and said "Removed". Ticking one side, then both, then clicking the left side
    said "Removed" and the left side stayed drawn."""
    picker = shown_picker(qtbot, 700, 360)

    def row(rid: str) -> QListWidgetItem:
        return next(picker.list.item(i) for i in range(picker.list.count())
                    if picker.list.item(i).data(Qt.ItemDataRole.UserRole + 1) == rid)

    def ticked(rid: str) -> bool:
        return row(rid).checkState() == Qt.CheckState.Checked

    picker.set_value(["upper-trapezius"])
    assert ticked("upper-trapezius-left") and ticked("upper-trapezius-right")
    row("upper-trapezius-left").setCheckState(Qt.CheckState.Unchecked)
    assert picker.value() == ["upper-trapezius-right"]
    assert not ticked("upper-trapezius-left") and not ticked("upper-trapezius")
    assert "Removed" in picker.message.text()

    picker.set_value([])
    row("upper-trapezius-left").setCheckState(Qt.CheckState.Checked)
    row("upper-trapezius").setCheckState(Qt.CheckState.Checked)
    assert picker.value() == ["upper-trapezius"]
    picker.toggle("upper-trapezius-left")  # a click on the left muscle
    assert picker.value() == ["upper-trapezius-right"]
    assert "Removed" in picker.message.text()
    picker.toggle("upper-trapezius-left")
    assert sorted(picker.value()) == ["upper-trapezius-left", "upper-trapezius-right"]
    assert ticked("upper-trapezius")  # both sides chosen: the both-sides row too
    row("upper-trapezius").setCheckState(Qt.CheckState.Unchecked)
    assert picker.value() == []
