"""Every setting does something: changing it through the store reaches the running app.

A setting nobody reads (as ``reminder_voice`` once was) fails
:func:`test_every_setting_reaches_a_listener` unless it is in :data:`READ_WHEN_USED`,
each entry naming the test that shows the value is used when it matters.
"""

from __future__ import annotations

import ctypes.util
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from busy_services import BusServices
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from massage_timer.core.model.cues import TONE_REMINDER, Cue, CueKind
from massage_timer.core.model.language import _
from massage_timer.core.model.settings import BOUNDS, FIELDS, Settings
from massage_timer.core.storage import autostart
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.settings_file import load_settings
from massage_timer.ui import sessions
from massage_timer.ui.durations import duration as format_duration
from massage_timer.ui.reminders.reminders import reminder_text, spoken_line
from massage_timer.ui.settings.settings_dialog import SettingsDialog
from massage_timer.ui.wiring import App

APP_STATE = frozenset({
    "window_geometry", "shown_background_hint", "paused_until", "meeting_until",
    "last_routine_id", "shown_reminders_note",
})

# A valid value different from the default, for every field: a new field fails here
# until it gets one (and, through the test below, a listener or a reason).
OTHER: dict[str, Any] = {
    "voice_enabled": False,
    "voice_name": "another-voice",
    "voice_rate": 200,
    "voice_volume": 0.5,
    "tones_enabled": False,
    "count_aloud": False,
    "halfway_cue": False,
    "include_optional_steps": True,
    "keep_screen_awake": False,
    "language": "de",
    "theme": "dark",
    "font_scale": 1.25,
    "reminders_enabled": False,
    "reminder_interval_minutes": 30,
    "active_days": (0, 1, 2),
    "active_start": "08:00",
    "active_end": "17:00",
    "snooze_minutes": 5,
    "idle_minutes": 7,
    "reminder_routine_id": "neck-release",
    "reminder_sound": False,
    "reminder_voice": True,
    "autostart": True,
    "paused_until": datetime(2030, 1, 1, 9, tzinfo=UTC),
    "shown_background_hint": True,
    "window_geometry": "AAAA",
    "last_routine_id": "neck-release",
    "shown_reminders_note": True,
    "busy_full_screen": False,
    "busy_inhibitors": False,
    "busy_do_not_disturb": False,
    "busy_microphone_camera": False,
    "busy_programs": ("zoom",),
    "meeting_until": datetime(2030, 1, 1, 10, tzinfo=UTC),
}

READ_WHEN_USED: dict[str, str] = {
    "tones_enabled": "read as a session starts: test_session_settings_reach_the_next_session",
    "count_aloud": "read as a session starts: test_session_settings_reach_the_next_session",
    "halfway_cue": "read as a session starts: test_session_settings_reach_the_next_session",
    "reminder_sound": "read as a reminder is shown: test_reminder_sound_and_voice",
    "shown_background_hint": "read and set as the window goes to the background "
    "(test_controller.py::test_closing_the_window_keeps_reminders_running)",
    "window_geometry": "read as the window is built, written at quit "
    "(test_startup.py::test_startup_mark_reports_the_first_paint_and_quits)",
    "last_routine_id": "read as the window is built, written at quit "
    "(test_controller.py::test_the_last_chosen_routine_is_opened_next_time)",
    "shown_reminders_note": "read as the window is built, written at quit "
    "(test_controller.py::test_the_first_start_says_reminders_are_on_once)",
}
"""Fields with no live effect, and why that is right."""


class FakeSpeech:
    """Renders at once when ``instant``; otherwise only when the test says."""

    def __init__(self, *, instant: bool = True) -> None:
        self.instant = instant
        self.prepared: list[str] = []
        self.ready: set[str] = set()
        self.closed = False

    def prepare(self, lines: list[str]) -> None:
        self.prepared += lines
        if self.instant:
            self.ready.update(lines)

    def clip_for(self, text: str) -> Path | None:
        return Path(f"/clips/{text}.wav") if text in self.ready else None

    def clip_seconds(self, text: str) -> float | None:
        return 1.0 if text in self.ready else None

    def voices(self) -> list[Any]:
        return []

    def close(self) -> None:
        self.closed = True


class FakeCues(QObject):
    problemChanged = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.played: list[Cue] = []
        self.volume: float | None = None

    def play(self, cue: Cue) -> None:
        self.played.append(cue)

    def set_volume(self, volume: float) -> None:
        self.volume = volume

    def stop(self) -> None:
        pass

    def pause(self) -> None:
        pass

    def problem(self) -> str | None:
        return None


class FakeAudio:
    """The App's audio factory: remembers what it made, and from which settings."""

    def __init__(self, *, instant: bool = True) -> None:
        self.instant = instant
        self.made: list[tuple[Settings, FakeSpeech | None, FakeCues]] = []
        self.languages: list[str] = []

    def __call__(self, settings: Settings, parent: QObject, language: str) -> tuple[Any, Any]:
        wanted = settings.voice_enabled or settings.reminder_voice
        speech = FakeSpeech(instant=self.instant) if wanted else None
        cues = FakeCues(parent)
        self.made.append((settings, speech, cues))
        self.languages.append(language)
        return speech, cues

    @property
    def played(self) -> list[Cue]:
        return [cue for _s, _speech, cues in self.made for cue in cues.played]


def _qapp() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


@pytest.fixture
def audio() -> FakeAudio:
    return FakeAudio()


@pytest.fixture
def running(
    qtbot: QtBot, app_paths: AppPaths, audio: FakeAudio, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[App]:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    # Widgets that earlier tests closed and handed to deleteLater must be gone before
    # this test changes the application's palette, or they would react to it.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app = App(_qapp(), app_paths, audio=audio)
    yield app
    app.shutdown()
    app.deleteLater()
    # What shutting down let go of (the History window) is gone before the next test,
    # whose theme or language change it would otherwise hear with its store closed.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_the_table_names_every_field() -> None:
    assert set(OTHER) == set(FIELDS), "give the new setting a value here"
    assert set(READ_WHEN_USED) <= set(FIELDS)
    for name, value in OTHER.items():
        assert value != getattr(Settings(), name), name


def test_every_setting_reaches_a_listener(running: App, app_paths: AppPaths) -> None:
    store = running.store
    for name in FIELDS:
        listeners = store.listeners(name)
        if name in READ_WHEN_USED:
            assert listeners == [], f"{name} has a listener now: take it off READ_WHEN_USED"
            continue
        assert listeners, f"nothing in the app listens to '{name}': a dead setting?"
        update = store.update_state if name in APP_STATE else store.update
        assert update(**{name: OTHER[name]}) == {name}
    saved, notices = load_settings(app_paths.settings_file)
    assert not notices
    for name in FIELDS:
        if name not in READ_WHEN_USED:
            assert getattr(saved, name) == OTHER[name], name


def test_reminder_sound_and_voice(qtbot: QtBot, running: App, audio: FakeAudio) -> None:
    store, reminders = running.store, running.reminders
    title, minutes = reminder_text(store.settings, running.library)
    line = spoken_line(title, minutes)
    assert store.settings.reminder_sound and not store.settings.reminder_voice

    reminders.service.reminderDue.emit()
    assert [(c.kind, c.text) for c in audio.played] == [(CueKind.TONE, TONE_REMINDER)]
    reminders.prompt.skip_button.click()

    store.update(reminder_voice=True, reminder_sound=False)
    reminders.service.reminderDue.emit()
    assert [(c.kind, c.text) for c in audio.played][1:] == [(CueKind.SPEECH, line)]
    assert "posture break" in line and title in line
    reminders.prompt.skip_button.click()

    store.update(reminder_voice=False)
    reminders.service.reminderDue.emit()
    assert len(audio.played) == 2, "off: the reminder is silent"


def test_reminder_voice_waits_for_its_clip_and_stops_when_answered(
    qtbot: QtBot, app_paths: AppPaths
) -> None:
    audio = FakeAudio(instant=False)
    app = App(_qapp(), app_paths, audio=audio)
    try:
        app.store.update(reminder_voice=True, voice_enabled=False, reminder_sound=False)
        speech = audio.made[-1][1]
        assert speech is not None, "the reminder's voice works without the session's"
        line = spoken_line(*reminder_text(app.store.settings, app.library))
        assert line in speech.prepared, "rendered as soon as it is turned on"
        app.reminders.service.reminderDue.emit()
        assert audio.played == []
        speech.ready.add(line)
        qtbot.waitUntil(lambda: len(audio.played) == 1, timeout=2000)
        assert audio.played[0].text == line
        app.reminders.prompt.skip_button.click()

        speech.ready.clear()
        app.reminders.service.reminderDue.emit()
        app.reminders.prompt.skip_button.click()
        speech.ready.add(line)
        timer = app.reminders.findChild(QObject, "reminderSpeechTimer")
        assert timer is not None and not timer.isActive()  # type: ignore[attr-defined]
        assert len(audio.played) == 1, "answered: nothing said afterwards"
    finally:
        app.shutdown()
        app.deleteLater()


def test_session_settings_reach_the_next_session(running: App) -> None:
    running.store.update(tones_enabled=False, count_aloud=False, halfway_cue=False)
    running.start_session("desk-micro-break")
    flow = running.sessions.flow
    assert flow is not None
    assert not (flow.settings.tones_enabled or flow.settings.count_aloud
                or flow.settings.halfway_cue)
    assert flow.checklist is not None
    flow.checklist.reject()


def test_a_voice_change_remakes_the_voice_after_the_session(
    running: App, audio: FakeAudio
) -> None:
    running.start_session("desk-micro-break")
    flow = running.sessions.flow
    assert flow is not None and len(audio.made) == 1
    running.store.update(voice_rate=200)
    speech = audio.made[0][1]
    assert speech is not None and not speech.closed, "not during the session"
    assert flow.checklist is not None
    flow.checklist.reject()
    assert speech.closed
    running.start_session("desk-micro-break")
    assert len(audio.made) == 2 and audio.made[1][0].voice_rate == 200
    flow = running.sessions.flow
    assert flow is not None and flow.checklist is not None
    flow.checklist.reject()


def test_tray_shows_the_pause_and_the_reminder_settings(running: App) -> None:
    tray = running.tray
    resume = tray.menu.findChild(QObject, "trayResume")
    snooze = tray.menu.findChild(QObject, "traySnooze")
    assert resume is not None and snooze is not None
    assert not resume.isVisible()  # type: ignore[attr-defined]
    tray.pauseHourRequested.emit()
    assert running.store.settings.paused_until is not None
    assert resume.isVisible() and not snooze.isEnabled()  # type: ignore[attr-defined]
    tray.resumeRequested.emit()
    assert running.store.settings.paused_until is None
    assert not resume.isVisible() and snooze.isEnabled()  # type: ignore[attr-defined]
    running.store.update(snooze_minutes=5)
    assert snooze.text() == "&Snooze (5 min)"  # type: ignore[attr-defined]
    assert running.reminders.prompt.snooze_button.text() == "Snooze 5 min"


def test_the_dialog_changes_only_what_was_edited(qtbot: QtBot, running: App) -> None:
    dialog = SettingsDialog(running.store.settings)
    qtbot.addWidget(dialog)
    dialog.reminder_voice.setChecked(True)
    dialog.accept()
    # The pause ends while the dialog is open: the dialog must not bring it back.
    running.store.update_state(paused_until=datetime.now(UTC) + timedelta(hours=1))
    assert dialog.changes() == {"reminder_voice": True}
    running.store.update(**dialog.changes())
    assert running.store.settings.reminder_voice
    assert running.store.settings.paused_until is not None


def test_the_dialog_takes_its_ranges_from_the_model(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    spins = {
        "voice_rate": (dialog.voice_rate, 1),
        "voice_volume": (dialog.voice_volume, 100),
        "font_scale": (dialog.font_scale, 100),
        "reminder_interval_minutes": (dialog.reminder_interval, 1),
        "snooze_minutes": (dialog.snooze_minutes, 1),
        "idle_minutes": (dialog.idle_minutes, 1),
    }
    assert set(spins) == set(BOUNDS)
    for name, (spin, scale) in spins.items():
        low, high = BOUNDS[name]
        assert (spin.minimum(), spin.maximum()) == (round(low * scale), round(high * scale)), name


class FakeInhibit:
    def __init__(self, log: list[str]) -> None:
        self.log = log
        log.append("inhibit")

    def release(self) -> None:
        self.log.append("release")


def test_keep_screen_awake_follows_the_setting_during_a_session(
    running: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    log: list[str] = []
    monkeypatch.setattr(sessions.ScreenAwake, "inhibit", lambda _reason: FakeInhibit(log))
    running.start_session("desk-micro-break")
    flow = running.sessions.flow
    assert flow is not None
    flow.playerStarted.emit()
    assert log == ["inhibit"]
    running.store.update(keep_screen_awake=False)
    assert log == ["inhibit", "release"]
    running.store.update(keep_screen_awake=True)
    assert log == ["inhibit", "release", "inhibit"]
    assert flow.checklist is not None
    flow.checklist.reject()
    assert running.sessions.flow is None
    assert log == ["inhibit", "release", "inhibit", "release"]
    running.store.update(keep_screen_awake=False)
    assert len(log) == 4, "no session, nothing to release"


def test_a_session_keeps_the_real_screen_saver_off_until_it_ends(
    running: App, bus: BusServices
) -> None:
    running.start_session("desk-micro-break")
    flow = running.sessions.flow
    assert flow is not None
    assert bus.ask("screen_saver_inhibitors") == {}, "not before the player starts"
    flow.playerStarted.emit()
    assert list(bus.ask("screen_saver_inhibitors").values()) == [
        ["massage-timer", _(sessions.SCREEN_AWAKE_REASON)]]
    assert flow.checklist is not None
    flow.checklist.reject()
    assert running.sessions.flow is None
    assert bus.ask("screen_saver_inhibitors") == {}


def test_autostart_follows_the_setting(running: App, app_paths: AppPaths) -> None:
    mine = {"data_dir": app_paths.root}  # a portable copy: an entry of its own
    assert not autostart.is_enabled(**mine)
    running.store.update(autostart=True)
    assert autostart.is_enabled(**mine)
    assert str(app_paths.root) in autostart.entry_path(**mine).read_text()
    running.store.update(autostart=False)
    assert not autostart.is_enabled(**mine)


def test_optional_steps_follow_the_setting(running: App) -> None:
    window = running.window
    routine = next(
        r.routine for r in running.library.routines
        if r.routine.total_seconds(True) > r.routine.total_seconds(False)
    )
    assert window.select_routine(routine.id)
    meta = window.findChild(QLabel, "detailMeta")
    assert meta.text().startswith(format_duration(routine.total_seconds(False)))
    running.store.update(include_optional_steps=True)
    assert meta.text().startswith(format_duration(routine.total_seconds(True)))


def test_the_lengths_shown_follow_the_voice_rate(running: App) -> None:
    from massage_timer.core.model.speech_timing import AS_WRITTEN, SpeechTiming

    window = running.window
    routine = running.library.routines[0].routine
    assert window.select_routine(routine.id)
    meta = window.findChild(QLabel, "detailMeta")
    include = running.store.settings.include_optional_steps
    running.store.update(voice_rate=80)
    slow = routine.total_seconds(include, SpeechTiming(80))
    assert slow > routine.total_seconds(include, SpeechTiming(300))
    assert meta.text().startswith(format_duration(slow) + " ·")
    running.store.update(voice_rate=300)
    assert meta.text().startswith(
        format_duration(routine.total_seconds(include, SpeechTiming(300))) + " ·")
    running.store.update(voice_enabled=False)
    assert meta.text().startswith(
        format_duration(routine.total_seconds(include, AS_WRITTEN)) + " ·")


@pytest.mark.skipif(ctypes.util.find_library("espeak-ng") is None,
                    reason="libespeak-ng1 is not installed (apt install espeak-ng)")
def test_settings_list_the_voices_on_the_first_open(running: App, qtbot: QtBot) -> None:
    """No session has started a synthesizer: the dialog's own worker lists the voices."""
    from PySide6.QtWidgets import QComboBox, QPushButton

    from massage_timer.ui.settings.voice_preview import VoicePreview

    assert running.sound.speech is None
    running.show_settings()
    dialog = running.window.findChild(SettingsDialog)
    preview = running.findChild(VoicePreview)
    assert dialog is not None and preview is not None
    combo = dialog.findChild(QComboBox, "voiceName")
    with qtbot.waitSignal(preview.voicesFound, timeout=20000):
        pass
    assert combo.count() > 1
    assert dialog.findChild(QPushButton, "voicePreview").isEnabled()
    dialog.reject()


def test_every_text_follows_a_text_size_change(running: App, qtbot: QtBot) -> None:
    """Each label and button of the library and History windows takes the new text
    size at once. A style sheet on a widget, or a font of its own size, had kept the
    size it was set with: the Start button, the headings, the "Take care" box, the
    broken files' toggle and the History's pain banner stayed small until a restart."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

    running.window.show_notice("The history file was moved aside.")
    running.show_history()
    view = running.history_window.view
    assert view is not None

    def sizes() -> dict[str, float]:
        return {f"{root.objectName()}/{w.objectName()}": w.font().pointSizeF()
                for root in (running.window, view) for w in root.findChildren(QWidget)
                if isinstance(w, QLabel | QAbstractButton) and w.objectName()}

    app = _qapp()
    before, base = sizes(), app.font().pointSizeF()
    assert len(before) > 40
    running.store.update(font_scale=2.0)
    scale = app.font().pointSizeF() / base
    assert scale > 1.9

    def stuck() -> dict[str, tuple[float, float]]:
        after = sizes()
        return {name: (size, after[name]) for name, size in before.items()
                if name in after and abs(after[name] - size * scale) > 0.05}

    qtbot.waitUntil(lambda: not stuck(), timeout=2000)


def test_quitting_lets_go_of_the_history_window_before_its_database(
        running: App, qtbot: QtBot) -> None:
    """A theme or text size change after quitting had the History window (not yet
    deleted) read figures from the closed database."""
    from PySide6.QtGui import QFont

    running.show_history()
    view = running.history_window.view
    assert view is not None
    running.shutdown()
    assert running.history_window.view is None
    app = _qapp()
    font = QFont(app.font())
    font.setPointSizeF(font.pointSizeF() + 1)
    app.setFont(font)  # conftest gives back the desktop's font after the test
    qtbot.wait(20)  # an error in the event loop fails the test (pytest-qt)


def test_the_app_s_history_export_guards_the_settings_file(
        running: App, app_paths: AppPaths, qtbot: QtBot) -> None:
    """The History window is told every file of the app's that its export must leave
    alone: the settings file too, saved yet or not."""
    from test_history_view import failed_export

    running.show_history()
    view = running.history_window.view
    assert view is not None
    assert "app's own file" in failed_export(view, qtbot, app_paths.settings_file)


def test_the_history_window_has_no_nameless_tab_stop(running: App) -> None:
    """Its scroll area took a Tab stop of its own, announced only as "scroll area"."""
    from PySide6.QtWidgets import QScrollArea

    running.show_history()
    view = running.history_window.view
    assert view is not None
    scroll = view.window().findChild(QScrollArea, "historyScroll")
    assert scroll is not None
    assert not scroll.focusPolicy() & Qt.FocusPolicy.TabFocus


def test_a_start_at_login_entry_that_cannot_be_written_leaves_the_setting_off(
    running: App, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a read-only autostart folder the setting stayed on (Settings showed it on)
    and the notice named an internal temporary file with an errno."""
    folder = autostart.entry_path().parent

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(folder / ".entry.x1y2.tmp"))

    monkeypatch.setattr(autostart, "apply", refuse)
    said: list[str] = []
    monkeypatch.setattr(running.window, "show_notice", lambda text, *_a: said.append(text))
    running.store.update(autostart=True)
    assert running.store.settings.autostart is False
    assert said == [f"Could not change the start-at-login entry: {folder}: Permission denied"]


def test_the_reminder_after_a_text_size_change_shows_its_whole_text(
    qtbot: QtBot, running: App,
) -> None:
    """After a larger text size was saved, the next reminder came up shorter than its
    wrapped text: the reason ran over the title and its last line was cut."""
    running.finish_startup()
    running.store.update(font_scale=2.0)
    qtbot.wait(50)
    prompt = running.reminders.prompt
    prompt.show_reminder()
    qtbot.waitExposed(prompt)
    layout = prompt.layout()
    assert layout is not None
    assert prompt.height() >= layout.totalHeightForWidth(prompt.width())


def test_a_reminder_showing_while_the_text_size_changes_stays_on_the_screen(
    qtbot: QtBot, running: App,
) -> None:
    """It grew where it stood: at 200 % more than half of it was off the screen's edge."""
    running.finish_startup()
    prompt = running.reminders.prompt
    prompt.show_reminder()
    qtbot.waitExposed(prompt)
    before = prompt.width()
    running.store.update(font_scale=2.0)
    layout = prompt.layout()
    assert layout is not None
    qtbot.waitUntil(lambda: prompt.width() > before
                    and prompt.height() >= layout.totalHeightForWidth(prompt.width()))
    area = prompt.screen().availableGeometry()
    assert area.contains(prompt.frameGeometry()), (prompt.frameGeometry(), area)


def test_a_volume_change_reaches_the_player_at_once_and_keeps_the_voice(
    running: App, audio: FakeAudio,
) -> None:
    """The volume is the player's alone (clips render at full volume): a change of it
    made the speech worker again, and waited for a session's end to be heard."""
    running.sound.audio()
    assert len(audio.made) == 1
    running.store.update(voice_volume=0.4)
    assert len(audio.made) == 1, "the voice is not made again"
    assert audio.made[0][2].volume == 0.4
