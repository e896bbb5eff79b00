"""The Qt side of the session engine: one precise timer aimed at the next deadline.

The engine owns all timing; this adapter only wakes it when its next event falls due
and re-emits the engine's events as a Qt signal. Because each wake-up is re-aimed at
``engine.next_deadline()`` (a moment computed from the session start), a late timer
never shifts the ones after it.

Signals:
    eventOccurred(object): every engine event, in order.
    stateChanged(str): the engine state after a command or an update.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from massage_timer.core.model.engine import Event, SessionEngine, State


class SessionAdapter(QObject):
    eventOccurred = Signal(object)
    stateChanged = Signal(str)

    def __init__(self, engine: SessionEngine, clock: Callable[[], float],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self._clock = clock
        self._state = engine.state
        self._timer = QTimer(self)
        self._timer.setObjectName("sessionDeadlineTimer")
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_deadline)
        engine.subscribe(self._on_engine_event)

    @property
    def timer(self) -> QTimer:
        return self._timer

    def start(self) -> None:
        self._run(self.engine.start)

    def toggle_pause(self) -> None:
        self._run(self.engine.toggle_pause)

    def pause(self) -> None:
        self._run(self.engine.pause)

    def resume(self) -> None:
        self._run(self.engine.resume)

    def skip(self) -> None:
        self._run(self.engine.skip)

    def back(self) -> None:
        self._run(self.engine.back)

    def stop(self) -> None:
        self._timer.stop()
        self._run(self.engine.stop)

    def wake(self) -> None:
        """Catch up with the clock now (after a resume from sleep, or in tests)."""
        self._on_deadline()

    def _run(self, command: Callable[[], list[Event]]) -> None:
        command()
        self._rearm()

    def _on_deadline(self) -> None:
        self.engine.update()
        self._rearm()

    def _rearm(self) -> None:
        if self.engine.state is not self._state:
            self._state = self.engine.state
            self.stateChanged.emit(self._state.value)
        deadline = self.engine.next_deadline()
        if deadline is None or self.engine.state is not State.RUNNING:
            self._timer.stop()
            return
        self._timer.start(max(0, math.ceil((deadline - self._clock()) * 1000)))

    def _on_engine_event(self, event: Event) -> None:
        self.eventOccurred.emit(event)
