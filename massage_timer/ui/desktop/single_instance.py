"""One running app per user and data folder, so there are never two schedulers.

The first instance listens on a local socket in the user's private runtime folder and
holds the data folder's lock (:mod:`~massage_timer.core.storage.instance`); a second
start connects, sends ``activate`` and exits, and the first brings its window to the
front. A socket file left by a crash is detected (nobody answers on it) and replaced;
a lock held by an instance that does not answer keeps the second start from running
beside it.

The app takes the lock before its first paint and listens only after it
(``acquire(listen=False)``, then :meth:`SingleInstance.listen`): QtNetwork is not loaded
before the window is on screen, and a second start meanwhile finds the lock, reads the
address recorded in it and knocks until the first one listens.
"""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from massage_timer.core.storage.instance import InstanceLock, socket_path
from massage_timer.core.storage.paths import AppPaths

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

    from massage_timer.ui.desktop.unix_listener import UnixLineListener

log = logging.getLogger("massage_timer.single_instance")

CONNECT_TIMEOUT_MS = 500
WRITE_TIMEOUT_MS = 1000
ACTIVATE = b"activate\n"
MAX_MESSAGE = 256


LOCK_WAIT_SECONDS = 3.0
"""How long a second start keeps asking an instance that holds the lock but is still
starting (its socket not yet listening)."""


def server_name(paths: AppPaths) -> str:
    """The full path of the socket for ``paths``' data folder."""
    return str(socket_path(paths))


class SingleInstance(QObject):
    """Call :meth:`acquire`; ``False`` means another instance was told to come forward.

    Signals:
        activateRequested(): a second start asked this instance to show itself.
    """

    activateRequested = Signal()

    def __init__(
        self, name: str, parent: QObject | None = None, *, lock: InstanceLock | None = None
    ) -> None:
        super().__init__(parent)
        self._name = name
        self._lock = lock
        self._server: UnixLineListener | QLocalServer | None = None
        self.held_elsewhere = False
        """Set when another process holds the data folder's lock and never answered."""

    @property
    def name(self) -> str:
        return self._name

    @property
    def is_primary(self) -> bool:
        return self._server is not None

    def acquire(self, *, listen: bool = True) -> bool:
        """Become the running instance, or hand over to the one already running.

        ``False`` means this start must not go on: it handed over, or (with
        :attr:`held_elsewhere`) the data folder is in use by an instance that did not
        answer. With ``listen=False`` a start that holds the data folder's lock does
        not listen yet (without the lock it listens at once): call :meth:`listen` once
        the window is painted; the lock keeps a second start out meanwhile.
        """
        if self._lock is not None and not self._lock.acquire(self._name):
            return self._hand_over_to_holder()
        # A held lock proves that nobody else runs on this data folder; without one
        # (no lock, or a folder where none can be taken) the socket must tell.
        held = self._lock is not None and self._lock.held
        if not held and self._notify_running(self._name):
            return False
        return self.listen() if listen or not held else True

    def listen(self) -> bool:
        """Listen for a second start (idempotent); ``False`` if one answered first."""
        if self._server is not None:
            return True
        if os.name == "posix":
            return self._listen_unix()
        from PySide6.QtNetwork import QLocalServer  # loaded after the first paint

        server = QLocalServer(self)
        server.setObjectName("singleInstanceServer")
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self._name):
            # A stale socket file from a crash: nobody answered above, so remove it.
            QLocalServer.removeServer(self._name)
            if not server.listen(self._name):
                if self._notify_running(self._name):
                    return False
                log.warning("single-instance socket unavailable: %s", server.errorString())
                return True
        server.newConnection.connect(self._on_new_connection)
        self._server = server
        return True

    def _listen_unix(self) -> bool:
        """As ``QLocalServer`` does, without loading QtNetwork for the app's lifetime."""
        from massage_timer.ui.desktop.unix_listener import UnixLineListener  # after the paint

        listener = UnixLineListener(MAX_MESSAGE, self)
        listener.setObjectName("singleInstanceServer")
        # A stale socket file from a crash: nobody answered above, so it is replaced.
        if not listener.listen(self._name) and not listener.listen(self._name,
                                                                   replace_stale=True):
            listener.deleteLater()
            if self._notify_running(self._name):
                return False
            log.warning("single-instance socket unavailable: %s", listener.error)
            return True
        listener.lineReceived.connect(self._on_line)
        self._server = listener
        return True

    def release(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            server.deleteLater()
        if self._lock is not None:
            self._lock.release()

    def pass_on(self) -> int | None:
        """Stop listening and hand the data folder's lock to the process that will
        replace this one by ``exec``: its inheritable descriptor (``None`` without a
        lock). The successor adopts it (:meth:`InstanceLock.adopt`) and listens again;
        a second start meanwhile finds the lock held and knocks until it does."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
            server.deleteLater()
        return self._lock.pass_on() if self._lock is not None else None

    def _hand_over_to_holder(self) -> bool:
        """The lock's holder may listen elsewhere (another runtime folder) or still be
        starting: ask at the address it recorded until it answers or time is up."""
        assert self._lock is not None
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            address = self._lock.holder_address()
            if address and self._notify_running(address):
                return False
            if time.monotonic() >= deadline:
                self.held_elsewhere = True
                return False
            time.sleep(0.1)

    @staticmethod
    def _notify_running(name: str) -> bool:
        from PySide6.QtNetwork import QLocalSocket

        socket = QLocalSocket()
        socket.connectToServer(name)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        socket.write(ACTIVATE)
        socket.flush()
        sent = socket.waitForBytesWritten(WRITE_TIMEOUT_MS) or socket.bytesToWrite() == 0
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(WRITE_TIMEOUT_MS)
        return sent

    def _on_new_connection(self) -> None:
        server = self._server
        assert server is not None and hasattr(server, "nextPendingConnection")
        while (socket := server.nextPendingConnection()) is not None:
            socket.readyRead.connect(self._on_ready_read)
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _on_ready_read(self) -> None:
        from PySide6.QtNetwork import QLocalSocket

        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_MESSAGE:
                socket.abort()
            return
        self._on_line(bytes(socket.readLine(MAX_MESSAGE).data()))

    def _on_line(self, line: bytes) -> None:
        line = line.strip()
        if line == ACTIVATE.strip():
            self.activateRequested.emit()
        else:
            log.warning("unknown single-instance message %r", line[:40])
