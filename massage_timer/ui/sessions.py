"""Starting and ending guided sessions: one at a time, with the screen kept awake.

While the player runs it takes the library window's place: the library is hidden and
its window-system side freed (a buffer the size of the window, 2-3 MB, that nobody sees
behind the player), and it comes back where it was when the session is over (its
summary closed). The flow itself is :mod:`~massage_timer.ui.session.flow`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from massage_timer.core.model.language import N_, _
from massage_timer.core.storage.loader import Library
from massage_timer.core.storage.settings_store import SettingsChange, SettingsStore
from massage_timer.ui.desktop.screen_awake import ScreenAwake
from massage_timer.ui.library.main_window import MainWindow
from massage_timer.ui.sound import Sound

if TYPE_CHECKING:
    from massage_timer.core.model.session import Outcome
    from massage_timer.core.storage.history.store import HistoryStore
    from massage_timer.ui.session.flow import SessionFlow

SCREEN_AWAKE_REASON = N_("A guided massage session is running")


class Sessions(QObject):
    """Runs one :class:`SessionFlow` at a time.

    Signals:
        playerStarted(): the checklist (full or short) was passed and the player runs.
        cancelled(): the session ended before its player (checklist cancelled or a red
            flag): no break was taken.
        breakTaken(): a session was completed or stopped (it counts as a break).
        ended(): the session is over, whatever its outcome.
        starting(): a session is about to take the sound (a step being tried in the
            editor must end first: its end would silence the session's first line).
    """

    starting = Signal()
    playerStarted = Signal()
    cancelled = Signal()
    breakTaken = Signal()
    ended = Signal()

    def __init__(
        self,
        store: SettingsStore,
        sound: Sound,
        window: MainWindow,
        *,
        library: Callable[[], Library],
        history: Callable[[], HistoryStore],
        bring_to_front: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._sound = sound
        self._window = window
        self._library = library
        self._history = history
        self._bring_to_front = bring_to_front
        self.flow: SessionFlow | None = None
        self._player_running = False
        self._stepped_aside = False
        self._screen: ScreenAwake | None = None
        store.subscribe(self._on_keep_screen_awake_changed, fields=("keep_screen_awake",))

    @property
    def running(self) -> bool:
        return self.flow is not None

    @property
    def player_running(self) -> bool:
        """The session is past its checklist: its player runs (or its summary shows)."""
        return self._player_running

    def start(self, routine_id: str, *, from_reminder: bool = False) -> None:
        """Start ``routine_id`` (the checklist first), or raise the session under way.

        ``from_reminder``: a posture break, which may start with the short check.
        """
        # Imported here on purpose: the session's windows are not needed for the first paint.
        from massage_timer.audio.playback import SessionSound
        from massage_timer.ui.session.flow import SessionFlow

        if self.flow is not None:
            self.raise_flow()
            return
        loaded = self._library().get(routine_id)
        if loaded is None:
            self._bring_to_front()
            self._window.show_notice(_("The routine '{id}' could not be found.").format(
                id=routine_id))
            return
        self.starting.emit()
        speech, cues = self._sound.audio(loaded.language)
        self._bring_to_front()
        flow = SessionFlow(
            loaded,
            self._store.settings,
            self._history(),
            SessionSound(cues, speech),
            clip_seconds=speech.clip_seconds if speech is not None else None,
            parent_window=self._window,
            checklists=self._history(),
        )
        flow.ended.connect(self._on_flow_ended)
        cues.problemChanged.connect(flow.refresh_notice)
        flow.playerStarted.connect(self._on_player_started)
        self.flow = flow
        if from_reminder:
            flow.begin_break()
        else:
            flow.begin()

    def stop(self) -> None:
        if self.flow is not None:
            self.flow.stop()

    @property
    def library_stepped_aside(self) -> bool:
        """The library window is hidden because the player has its place."""
        return self._stepped_aside

    def raise_flow(self) -> None:
        """Bring the session's window that shows (player, summary or dialog) to the front."""
        flow = self.flow
        if flow is None:
            return
        for widget in (flow.window, flow.summary, flow.pain_dialog, flow.checklist,
                       flow.short_check):
            if widget is not None and widget.isVisible():
                widget.showNormal()
                widget.raise_()
                widget.activateWindow()
                return

    def _on_player_started(self) -> None:
        self._player_running = True
        self._library_aside()
        if self._store.settings.keep_screen_awake:
            self._screen = ScreenAwake.inhibit(_(SCREEN_AWAKE_REASON))
        self.playerStarted.emit()

    def _on_keep_screen_awake_changed(self, change: SettingsChange) -> None:
        if not self._player_running:
            return
        if change.new.keep_screen_awake and self._screen is None:
            self._screen = ScreenAwake.inhibit(_(SCREEN_AWAKE_REASON))
        elif not change.new.keep_screen_awake:
            self._release_screen()

    def _library_aside(self) -> None:
        window = self._window
        if not window.isVisible() or window.isMinimized():
            return
        self._stepped_aside = True
        window.hide()
        # Its native window goes with its buffer; the player, a window of its own
        # parented to it, is kept (destroySubWindows=False).
        window.destroy(True, False)

    def _library_back(self) -> None:
        if not self._stepped_aside:
            return
        self._stepped_aside = False
        self._window.show()

    def _release_screen(self) -> None:
        screen, self._screen = self._screen, None
        if screen is not None:
            screen.release()

    def _on_flow_ended(self, outcome: Outcome) -> None:
        flow, self.flow = self.flow, None
        player_ran, self._player_running = self._player_running, False
        self._release_screen()
        self._library_back()
        if outcome.played:
            self.breakTaken.emit()
        elif not player_ran:
            self.cancelled.emit()
        if flow is not None:
            # Its windows are the main window's children (for placement and focus):
            # without this every session would leave its dialogs behind, ~2.3 MB each.
            for widget in (flow.window, flow.summary, flow.pain_dialog, flow.checklist,
                           flow.short_check):
                if widget is not None:
                    widget.deleteLater()
            flow.deleteLater()
        self._sound.settle()
        self.ended.emit()
