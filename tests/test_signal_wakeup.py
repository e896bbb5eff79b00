"""The app's signal wake-up pipe: its notifier is disabled before its fds are closed.

Qt spins ("QSocketNotifier: Invalid socket N ...") on a notifier whose fd was closed
behind its back; the app's own notifier is released in the safe order at quit.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication

from massage_timer.ui import app as app_module


@pytest.fixture
def restored_signals() -> Iterator[None]:
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    wakeup = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(wakeup)
    try:
        yield
    finally:
        app_module._release_signal_wakeup()
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(wakeup)


@pytest.mark.usefixtures("restored_signals")
def test_the_notifier_is_disabled_before_its_fds_close(qapp: QApplication) -> None:
    app_module._quit_on_signals(qapp, lambda: None)
    notifiers = [x for x in app_module._SIGNAL_WAKEUP if isinstance(x, QSocketNotifier)]
    assert len(notifiers) == 1 and notifiers[0].isEnabled()
    notifier = notifiers[0]
    enabled_at_close: list[bool] = []

    class Spy:
        def __init__(self, wrapped: object) -> None:
            self.wrapped = wrapped
            self.closed = False

        def close(self) -> None:
            enabled_at_close.append(notifier.isEnabled())
            self.closed = True
            self.wrapped.close()  # type: ignore[attr-defined]

    spies = [Spy(x) for x in app_module._SIGNAL_WAKEUP if x is not notifier]
    app_module._SIGNAL_WAKEUP[:] = [*spies, notifier]
    app_module._release_signal_wakeup()
    assert enabled_at_close == [False, False]
    assert all(spy.closed and spy.wrapped.closed for spy in spies)  # type: ignore[attr-defined]
    assert app_module._SIGNAL_WAKEUP == []
    assert signal.set_wakeup_fd(-1) == -1
