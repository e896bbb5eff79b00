"""One running app per user and data folder, so there are never two schedulers.

The first instance listens on a local socket; a second start connects, sends
``activate`` and exits, and the first brings its window to the front. The socket name
comes from the user and the data folder, so ``--data-dir`` instances (tests, portable
copies) do not see each other. A socket file left by a crash is detected (nobody
answers on it) and replaced.
"""

from __future__ import annotations

import getpass
import hashlib
import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from massage_timer import APP_NAME
from massage_timer.core.storage.paths import AppPaths

log = logging.getLogger("massage_timer.single_instance")

CONNECT_TIMEOUT_MS = 500
WRITE_TIMEOUT_MS = 1000
ACTIVATE = b"activate\n"
MAX_MESSAGE = 256


def server_name(paths: AppPaths) -> str:
    """A short name (a Unix socket path must stay under ~100 bytes)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    key = f"{user}\0{paths.data_dir.expanduser().resolve()}"
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"{APP_NAME}-{digest}"


class SingleInstance(QObject):
    """Call :meth:`acquire`; ``False`` means another instance was told to come forward.

    Signals:
        activateRequested(): a second start asked this instance to show itself.
    """

    activateRequested = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._server: QLocalServer | None = None

    @property
    def name(self) -> str:
        return self._name

    @property
    def is_primary(self) -> bool:
        return self._server is not None

    def acquire(self) -> bool:
        """Become the running instance, or hand over to the one already running."""
        if self._notify_running():
            return False
        server = QLocalServer(self)
        server.setObjectName("singleInstanceServer")
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self._name):
            # A stale socket file from a crash: nobody answered above, so remove it.
            QLocalServer.removeServer(self._name)
            if not server.listen(self._name):
                if self._notify_running():
                    return False
                log.warning("single-instance socket unavailable: %s", server.errorString())
                return True
        server.newConnection.connect(self._on_new_connection)
        self._server = server
        return True

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None

    def _notify_running(self) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self._name)
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
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(self._on_ready_read)
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _on_ready_read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_MESSAGE:
                socket.abort()
            return
        line = bytes(socket.readLine(MAX_MESSAGE).data()).strip()
        if line == ACTIVATE.strip():
            self.activateRequested.emit()
        else:
            log.warning("unknown single-instance message %r", line[:40])
