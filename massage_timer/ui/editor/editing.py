"""What the library's routine actions do: new, duplicate, edit, delete, import, export,
and opening the user's routine folder.

A built-in routine (or one from a ``--routines-dir`` folder) is never changed: it is
duplicated into the user's folder under a new id, and the copy is edited. Every file
that comes in (an import) goes through the one way in and is copied into the user's
folder; an id already in the library is resolved by asking.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QFile, QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from massage_timer.core.model.cues import Cue, CueKind, CueOptions, Priority
from massage_timer.core.model.language import SOURCE, _, language, ngettext
from massage_timer.core.model.routine import Step
from massage_timer.core.model.routine_data import blank_routine, free_id
from massage_timer.core.model.settings import Settings
from massage_timer.core.model.speech_timing import timing_for
from massage_timer.core.model.translation import Coverage
from massage_timer.core.storage import routine_file
from massage_timer.core.storage.loader import (
    Library,
    LoadedRoutine,
    Origin,
    RoutineLoadError,
    read_routine_bytes,
)
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.toml_input import TomlInputError, decode_toml
from massage_timer.ui.editor import questions
from massage_timer.ui.sound import Sound

if TYPE_CHECKING:
    from massage_timer.ui.editor.editor import RoutineEditor

log = logging.getLogger(__name__)


class LibraryWindow(Protocol):
    """What the editing needs of the library window."""

    def select_routine(self, routine_id: str) -> bool: ...

    def show_notice(self, text: str, timeout_ms: int = 0) -> None: ...


Hear = Callable[[str], None]
Play = Callable[[Step, QWidget], None]


class RoutineEditing(QObject):
    """Opens the editor and carries out the routine actions of the library window."""

    def __init__(
        self,
        paths: AppPaths,
        window: QWidget,
        *,
        library: Callable[[], Library],
        reload: Callable[[], None],
        settings: Callable[[], Settings],
        hear: Hear | None = None,
        play: Play | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._paths = paths
        self._window = window
        self._library = library
        self._reload = reload
        self._settings = settings
        self._hear = hear
        self._play = play
        self.editor: RoutineEditor | None = None

    @property
    def folder(self) -> Path:
        return self._paths.user_routines_dir

    def notice(self, text: str) -> None:
        """Say ``text`` for a while: in the editor while it is open (it covers the
        library window, whose status bar would hold it unseen), else in the window."""
        if self.editor is not None and self.editor.isVisible():
            self.editor.show_notice(text)
            return
        show = getattr(self._window, "show_notice", None)
        if callable(show):
            show(text, 8000)

    def _user_ids(self) -> dict[str, Path]:
        return {r.routine.id: r.file for r in self._library().routines if r.origin is Origin.USER}

    # -- the actions ------------------------------------------------------------------------
    def new_routine(self) -> RoutineEditor | None:
        return self._open(blank_routine(self._taken_ids({})), original=None, file=None)

    def duplicate(self, routine_id: str) -> RoutineEditor | None:
        """A user copy of any routine, under a new id, its file's comments kept."""
        loaded = self._library().get(routine_id)
        if loaded is None:
            return None
        original = self._read(loaded)
        if original is None:
            return None
        data = decode_toml(original)
        data["id"] = free_id(f"{routine_id}-copy"[:64].strip("-"), self._taken_ids({}))
        own = str(data.get("title") or loaded.routine.title)
        # Shown translated, the routine's file still holds its own language's words, and
        # the copy is those, whole: a translated title on them would mix two languages.
        translated = loaded.coverage is Coverage.TRANSLATED
        title = (f"{own} (copy)" if translated else _("{title} (copy)").format(title=own))
        data["title"] = title if len(title) <= 80 else own
        editor = self._open(data, original=original, file=None)
        if editor is not None and translated:
            self.notice(_("The copy is in {language}, the language the routine is written "
                          "in: its translations stay with the original.").format(
                              language=language(SOURCE).name))
        return editor

    def edit(self, routine_id: str) -> RoutineEditor | None:
        loaded = self._library().get(routine_id)
        if loaded is None:
            return None
        if loaded.origin is not Origin.USER:
            self.notice(
                _("Built-in routines are never changed: duplicate one to edit the copy."))
            return self.duplicate(routine_id)
        original = self._read(loaded)
        if original is None:
            return None
        return self._open(decode_toml(original), original=original, file=loaded.file)

    def delete(self, routine_id: str) -> bool:
        loaded = self._library().get(routine_id)
        if loaded is None or loaded.origin is not Origin.USER:
            self.notice(_("Only your own routines can be deleted."))
            return False
        if not questions.confirm_delete(self._window, loaded.routine.title):
            return False
        # The stubs say (bool, str); PySide6 returns the bool alone.
        result: object = QFile.moveToTrash(str(loaded.file))
        moved = bool(result[0] if isinstance(result, tuple) else result)
        if not moved:
            # The question said "moved to the trash": deleting for good is asked again.
            reason = _("the desktop has no trash here")
            if not questions.confirm_delete_for_good(self._window, loaded.file, reason):
                return False
            try:
                loaded.file.unlink()
            except OSError as exc:
                questions.show_problems(self._window, _("The routine could not be deleted"),
                                        f"{loaded.file}: {exc.strerror or exc}")
                return False
        self._reload()
        self.notice(_("Deleted “{title}”.").format(title=loaded.routine.title))
        return True

    def import_files(self, files: list[Path] | None = None) -> list[str]:
        """Import routine files (asked for when ``files`` is None); the ids imported."""
        if files is None:
            files = questions.choose_import_files(self._window)
        imported: list[str] = []
        batch: dict[str, tuple[Path, str]] = {}
        for source in files:
            routine_id = self._import_one(source, batch)
            if routine_id is not None:
                imported.append(routine_id)
        if imported:
            self._reload()
            self._select(imported[-1])
            self.notice(ngettext("Imported {count} routine.", "Imported {count} routines.",
                                  len(imported)).format(count=len(imported)))
        return imported

    def _import_one(self, source: Path, batch: dict[str, tuple[Path, str]]) -> str | None:
        """Import one file; ``batch`` holds what this import wrote so far (id: file,
        title), which the library shows only once the whole import is done."""
        try:
            incoming = routine_file.read_import(source)
        except RoutineLoadError as exc:
            questions.show_problems(
                self._window, _("{file} cannot be imported").format(file=source.name),
                "\n".join(f"{e.location}: {e.message}" for e in exc.errors),
            )
            return None
        routine = incoming.routine
        existing = self._library().get(routine.id)
        earlier = batch.get(routine.id)
        new_id: str | None = None
        title: str | None = None
        replace: Path | None = None
        if earlier is not None or existing is not None:
            if earlier is not None:
                mine: Path | None = earlier[0]
                shown = earlier[1]
            else:
                assert existing is not None
                mine = existing.file if existing.origin is Origin.USER else None
                shown = existing.routine.title
            answer = questions.ask_conflict(self._window, routine.id, shown, mine is not None)
            if answer is questions.Conflict.CANCEL:
                return None
            if answer is questions.Conflict.COPY:
                new_id = free_id(routine.id, self._taken_ids(batch))
                copy = _("{title} (copy)").format(title=routine.title)
                title = copy if len(copy) <= 80 else None
            else:
                replace = mine
        try:
            target = routine_file.import_into(self.folder, incoming, new_id, title=title,
                                              replace=replace)
        except (OSError, RoutineLoadError, TomlInputError) as exc:
            questions.show_problems(
                self._window, _("{file} cannot be imported").format(file=source.name), str(exc))
            return None
        batch[new_id or routine.id] = (target, title or routine.title)
        return new_id or routine.id

    def _taken_ids(self, batch: Mapping[str, object]) -> set[str]:
        """The ids a new routine must not take: the library's, this import's, and the
        names of the files in the user's folder (a file that does not load yet, being
        written by hand, may be meant to have its name as its id)."""
        taken = {r.routine.id for r in self._library().routines} | set(batch)
        with contextlib.suppress(OSError):
            taken |= {file.stem for file in self.folder.glob("*.toml")}
        return taken

    def open_folder(self) -> bool:
        """Open the user's routine folder in the file manager, made first if missing.
        Says in the window why when it cannot (no file manager, a folder it cannot make)."""
        folder = self.folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.notice(_("Could not make the folder {folder}: {error}").format(
                folder=folder, error=exc.strerror or exc))
            return False
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            return True
        self.notice(_("No file manager opened {folder}.").format(folder=folder))
        return False

    def export(self, routine_id: str, target: Path | None = None) -> Path | None:
        loaded = self._library().get(routine_id)
        if loaded is None:
            return None
        if target is None:
            target = questions.choose_export_file(self._window, f"{routine_id}.toml")
            if target is None:
                return None
        try:
            routine_file.export(loaded.file, target, self._paths.protected_files)
        except (OSError, RoutineLoadError) as exc:
            message = getattr(exc, "strerror", None) or str(exc)
            questions.show_problems(self._window, _("The routine could not be exported"),
                                    f"{target}: {message}")
            return None
        self.notice(_("Exported to {file}.").format(file=target))
        return target

    # -- the editor -------------------------------------------------------------------------
    def _read(self, loaded: LoadedRoutine) -> bytes | None:
        try:
            return read_routine_bytes(loaded.file)
        except RoutineLoadError as exc:
            questions.show_problems(self._window, _("The routine file cannot be read"), str(exc))
            return None

    def _open(self, data: dict[str, object], *, original: bytes | None,
              file: Path | None) -> RoutineEditor | None:
        if self.editor is not None:
            self.editor.raise_()
            self.editor.activateWindow()
            self.notice(_("Finish the routine being edited first."))
            return None
        taken = self._user_ids()
        routines = self._library().routines
        elsewhere = {r.routine.id for r in routines if r.origin is Origin.BUILTIN}
        hidden_by = {r.routine.id: r.file for r in routines if r.origin is Origin.EXTRA}
        settings = self._settings()
        # Imported here on purpose: the editor (and QtSvg for its region picker) is not
        # needed until a routine is edited, so it stays off the first paint.
        from massage_timer.ui.editor.editor import RoutineEditor

        editor = RoutineEditor(
            data, folder=self.folder, original=original, file=file, taken=taken,
            elsewhere=elsewhere, hidden_by=hidden_by,
            timing=timing_for(settings.voice_enabled, settings.voice_rate),
            parent=self._window,
        )
        editor.saved.connect(self._on_saved)
        editor.finished.connect(self._on_editor_finished)
        if self._hear is not None:
            editor.hearRequested.connect(self._hear)
        if self._play is not None:
            play = self._play
            editor.playRequested.connect(lambda step: play(step, editor))
        self.editor = editor
        editor.show()
        return editor

    def close_editor(self) -> bool:
        """Close the editor before quitting, asking about unsaved changes; False if
        the person chose to keep editing."""
        editor = self.editor
        if editor is None:
            return True
        editor.reject()
        return not editor.isVisible()

    def _on_saved(self, routine_id: str, file: Path) -> None:
        log.info("routine %s saved to %s", routine_id, file)
        self._reload()
        self._select(routine_id)
        self.notice(_("Saved to {file}.").format(file=file))

    def _select(self, routine_id: str) -> None:
        select = getattr(self._window, "select_routine", None)
        if callable(select):
            select(routine_id)

    def _on_editor_finished(self, _result: int) -> None:
        editor, self.editor = self.editor, None
        if editor is not None:
            editor.deleteLater()


def voice_tryout(
    sound: Sound,
    settings: Callable[[], Settings],
    notice: Callable[[str], None],
    busy: Callable[[], bool] = lambda: False,
) -> tuple[Hear, Play, Callable[[], None]]:
    """Hearing an instruction and playing a step through the app's sound, and a way to
    end a step being played (call it before a session takes the sound).

    The step plays in a :class:`~massage_timer.ui.editor.preview.StepPreview` with the
    settings' cue options and voice timing; it is never recorded. Nothing is tried while
    ``busy`` (a session is playing through the same sound). Both speak the routine
    file's own language, which the editor edits, as its session would: the
    interface's voice read English text and the session's English words.
    """
    # Imported here on purpose, as in Sessions.start: QtMultimedia only when used.
    previews: list[QWidget] = []

    def hear(text: str) -> None:
        from massage_timer.audio.playback import SessionSound

        if busy():
            notice(_("A session is playing: try the instruction after it."))
            return
        speech, cues = sound.audio(SOURCE)
        if speech is None:
            notice(_("The voice is off: turn it on in Settings to hear instructions."))
            return
        if cues.problem() is not None:
            notice(_("No sound output was found, so the instruction cannot be heard."))
            return
        output = SessionSound(cues, speech)
        output.prepare([text])
        output.play(Cue(CueKind.SPEECH, text, Priority.INSTRUCTION))

    def play(step: Step, parent: QWidget) -> None:
        from massage_timer.audio.playback import SessionSound
        from massage_timer.ui.editor.preview import StepPreview

        if busy():
            notice(_("A session is playing: try the step after it."))
            return
        stop()
        speech, cues = sound.audio(SOURCE)
        s = settings()
        preview = StepPreview(
            step, SessionSound(cues, speech), options=CueOptions.from_settings(s),
            timing=timing_for(s.voice_enabled and speech is not None, s.voice_rate,
                              speech.clip_seconds if speech is not None else None),
            parent=parent,
        )
        preview.finished.connect(preview.deleteLater)
        previews.append(preview)
        preview.start()

    def stop() -> None:
        for old in previews:
            old.close()
        previews.clear()

    return hear, play, stop
