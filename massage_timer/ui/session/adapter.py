"""The Qt side of a session: one precise timer aimed at the next deadline.

The core :class:`~massage_timer.core.model.session.Session` owns all timing, sound
and recording; this adapter only wakes it when its next event falls due and
re-emits its events as a Qt signal. Because each wake-up is re-aimed at
``session.next_deadline()`` (a moment computed from the session start), a late
timer never shifts the ones after it.

Signals:
    eventOccurred(object): every engine event, in order (after its sound and record).
    stateChanged(str): the engine state after a command or an update.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from massage_timer.core.model.engine import Event, State
from massage_timer.core.model.session import NO_PREAMBLE, Preamble, Session


class SessionAdapter(QObject):
    eventOccurred = Signal(object)
    stateChanged = Signal(str)

    def __init__(self, session: Session, clock: Callable[[], float],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._clock = clock
        self._state = session.state
        self._timer = QTimer(self)
        self._timer.setObjectName("sessionDeadlineTimer")
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_deadline)
        session.subscribe(self._on_engine_event)

    @property
    def timer(self) -> QTimer:
        return self._timer

    def start(self, preamble: Preamble = NO_PREAMBLE) -> None:
        self._run(lambda: self.session.start(preamble))

    def toggle_pause(self) -> None:
        self._run(self.session.toggle_pause)

    def skip(self) -> None:
        self._run(self.session.skip)

    def back(self) -> None:
        self._run(self.session.back)

    def stop(self) -> None:
        self._timer.stop()
        self._run(self.session.stop)

    def wake(self) -> None:
        """Catch up with the clock now (after a resume from sleep, or in tests)."""
        self._on_deadline()

    def _run(self, command: Callable[[], list[Event]]) -> None:
        command()
        self._rearm()

    def _on_deadline(self) -> None:
        try:
            self.session.update()
        finally:
            self._rearm()  # whatever a listener raised, the session's clock goes on

    def _rearm(self) -> None:
        if self.session.state is not self._state:
            self._state = self.session.state
            self.stateChanged.emit(self._state.value)
        deadline = self.session.next_deadline()
        if deadline is None or self.session.state is not State.RUNNING:
            self._timer.stop()
            return
        self._timer.start(max(0, math.ceil((deadline - self._clock()) * 1000)))

    def _on_engine_event(self, event: Event) -> None:
        self.eventOccurred.emit(event)
