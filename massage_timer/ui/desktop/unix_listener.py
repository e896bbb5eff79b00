"""A Unix socket listener for one-line messages, without QtNetwork.

The single-instance socket listens for the whole life of the app, which mostly idles
in the background; QtNetwork's ``QLocalServer`` for it costs ~3 MB resident. On Unix
a ``QLocalSocket`` is a plain ``AF_UNIX`` stream socket, so this listener (Python's
``socket`` watched by ``QSocketNotifier``, no timer, no thread) speaks with it as
``QLocalServer`` would.
"""

from __future__ import annotations

import contextlib
import errno
import socket
import stat
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QSocketNotifier, Signal

BACKLOG = 8


class UnixLineListener(QObject):
    """Listens on a Unix socket path; each connection may send one line, then is closed.

    Signals:
        lineReceived(bytes): a line (without its newline) from a connection.
    """

    lineReceived = Signal(bytes)

    def __init__(self, max_line: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._max_line = max_line
        self._path: str | None = None
        self._socket: socket.socket | None = None
        self._notifier: QSocketNotifier | None = None
        self._clients: dict[int, tuple[socket.socket, QSocketNotifier, bytearray]] = {}
        self.error = ""

    def listen(self, path: str, *, replace_stale: bool = False) -> bool:
        """Listen at ``path`` (owner-only); with ``replace_stale``, a socket file that
        nobody listens on is removed first. ``False`` (see :attr:`error`) if not."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            if replace_stale:
                _remove_socket_file(path)
            sock.bind(path)
            Path(path).chmod(0o600)
            sock.listen(BACKLOG)
        except OSError as exc:
            sock.close()
            self.error = exc.strerror or str(exc)
            return False
        sock.setblocking(False)
        self._path, self._socket = path, sock
        self._notifier = QSocketNotifier(sock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_connection)
        return True

    def close(self) -> None:
        """Stop listening and remove the socket file (idempotent)."""
        for fd in list(self._clients):
            self._drop(fd)
        if self._notifier is not None:
            self._notifier.setEnabled(False)  # before its fd closes: Qt spins on closed fds
            self._notifier.deleteLater()
            self._notifier = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
            if self._path is not None:
                with contextlib.suppress(OSError):
                    _remove_socket_file(self._path)
        self._path = None

    def _on_connection(self) -> None:
        if self._socket is None:
            return
        while True:
            try:
                client, _ = self._socket.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # e.g. out of file descriptors: try again later
                if exc.errno not in (errno.EMFILE, errno.ENFILE, errno.ECONNABORTED):
                    raise
                return
            client.setblocking(False)
            notifier = QSocketNotifier(client.fileno(), QSocketNotifier.Type.Read, self)
            fd = client.fileno()
            self._clients[fd] = (client, notifier, bytearray())
            notifier.activated.connect(partial(self._on_readable, fd))
            self._on_readable(fd)

    def _on_readable(self, fd: int, *_activated: object) -> None:
        entry = self._clients.get(fd)
        if entry is None:
            return
        client, _notifier, buffer = entry
        try:
            data = client.recv(self._max_line + 1)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._drop(fd)
            return
        buffer += data
        line, newline, _rest = bytes(buffer).partition(b"\n")
        if newline:
            self._drop(fd)
            self.lineReceived.emit(line[: self._max_line])
        elif not data or len(buffer) > self._max_line:
            self._drop(fd)

    def _drop(self, fd: int) -> None:
        entry = self._clients.pop(fd, None)
        if entry is None:
            return
        client, notifier, _buffer = entry
        notifier.setEnabled(False)
        notifier.deleteLater()
        client.close()


def _remove_socket_file(path: str) -> None:
    """Remove ``path`` if it is a socket (never another kind of file)."""
    file = Path(path)
    try:
        info = file.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISSOCK(info.st_mode):
        file.unlink()
