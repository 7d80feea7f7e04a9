"""The server's hold on the store: one DuckDB connection, one cursor per request.

DuckDB lets one process write a file. The server process opens the store once (read-only
unless ingestion is on) and gives every request, and the ingestion worker, its own
cursor (a connection of its own to the same database), so readers browse committed data
while the worker writes. A request's cursor is interrupted when its time is up (E625).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from dyads.errors import ServerError
from dyads.io.store import Store


class SessionStore(Store):
    """A :class:`Store` on a connection of its own, for one request or the ingestion worker.

    Everything it runs (its own queries, the analytics', ``summary()``...) goes through that
    connection, so :meth:`start_deadline` can interrupt whatever is running when time is up.
    """

    def __init__(self, connection: duckdb.DuckDBPyConnection, *, path: str, read_only: bool) -> None:
        super().__init__(connection, path=path, read_only=read_only)
        self._expired = threading.Event()
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def start_deadline(self, seconds: float) -> None:
        """Interrupt the running query, and refuse further ones (E625), after ``seconds``."""
        timer = threading.Timer(seconds, self._expire)
        timer.daemon = True
        self._timer = timer
        timer.start()

    def _expire(self) -> None:
        self._expired.set()
        with self._lock:
            if self._con is not None:
                self._con.interrupt()

    @property
    def expired(self) -> bool:
        return self._expired.is_set()

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._expired.is_set():
            raise ServerError("E625", "the request's queries took too long and were stopped")
        return super()._connection()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """As :meth:`Store.query`, on this session's own connection (so the deadline reaches it)."""
        result = self._connection().execute(sql, list(params))
        names = [column[0] for column in result.description or ()]
        return [dict(zip(names, row)) for row in result.fetchall()]

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            super().close()


class ServedStore(Store):
    """The store the server holds open; hand out :class:`SessionStore` s with :meth:`session`."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, *, path: str, read_only: bool) -> None:
        super().__init__(connection, path=path, read_only=read_only)
        self._cursor_lock = threading.Lock()

    def session(self, *, read_only: bool = True) -> SessionStore:
        """A new connection to the same database; close it when done."""
        with self._cursor_lock:
            cursor = self._connection().cursor()
        return SessionStore(cursor, path=self.path, read_only=read_only or self.read_only)


def open_served(db: str | Path, *, writable: bool) -> ServedStore:
    """Open the store for serving: read-only unless ``writable`` (ingestion on)."""
    store = ServedStore.open(db, read_only=not writable)
    assert isinstance(store, ServedStore)
    return store


class QueryGate:
    """At most ``slots`` requests read the store at once; the next waits ``wait_s`` then gets E625."""

    def __init__(self, *, slots: int, wait_s: float) -> None:
        self._slots = threading.BoundedSemaphore(slots)
        self._wait_s = wait_s

    def enter(self) -> None:
        if not self._slots.acquire(timeout=self._wait_s):
            raise ServerError("E625", "the server is busy", fix="retry in a moment")

    def leave(self) -> None:
        self._slots.release()
