"""The server's hold on the store: one DuckDB connection, one cursor per request.

DuckDB lets one process write a file. The server process opens the store once (read-only
unless ingestion is on) and gives every request, and the ingestion worker, its own
cursor (a connection of its own to the same database), so readers browse committed data
while the worker writes. Read-only cursors are pooled and reused by later requests. A
request's cursor is interrupted when its time is up (E625), and then closed.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb

from dyads.errors import DyadsError, ServerError
from dyads.io.rollups import IndexMemo
from dyads.io.store import Store
from dyads.server.article_titles import ArticleTitles

LOG = logging.getLogger("dyads.server.database")


class SessionStore(Store):
    """A :class:`Store` on a connection of its own, for one request or the ingestion worker.

    Everything it runs (its own queries, the analytics', ``summary()``...) goes through that
    connection, so :meth:`expire` (:meth:`start_deadline` for a timer of its own) can interrupt
    whatever is running when time is up. With ``release``, :meth:`close` hands the connection to it
    (the served store's pool) instead of closing it, unless the session expired.
    """

    def __init__(
        self, connection: duckdb.DuckDBPyConnection, *, path: str, read_only: bool, index_memo: IndexMemo | None = None,
        article_titles: ArticleTitles | None = None, release: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    ) -> None:
        super().__init__(connection, path=path, read_only=read_only)
        # shared by the served store's sessions: dyads.io.rollups.index_ready, server.queries.event_rows
        self.index_memo = index_memo
        self.article_titles = article_titles
        self.release = release
        self._expired = threading.Event()
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def start_deadline(self, seconds: float) -> None:
        """Interrupt the running query, and refuse further ones (E625), after ``seconds``."""
        timer = threading.Timer(seconds, self.expire)
        timer.daemon = True
        self._timer = timer
        timer.start()

    def expire(self) -> None:
        """Interrupt the running query now and refuse further ones (E625); the server's requests
        call it from the event loop when their time is up (``loop.call_later``: no thread each)."""
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
            if self.release is not None and self._con is not None and not self._expired.is_set():
                self.release(self._con)
                self._con = None
            else:
                super().close()


class ServedStore(Store):
    """The store the server holds open; hand out :class:`SessionStore` s with :meth:`session`.

    Read-only sessions reuse connections: a closed session's connection waits in a pool (at most
    ``MAX_IDLE``) for the next request. Closing a DuckDB connection while other queries run
    blocked the event loop for ~8% of a py-spy profile of the load test's cold round; an auto-commit
    query on a reused connection still sees every commit made before it started.
    """

    MAX_IDLE = 64

    def __init__(self, connection: duckdb.DuckDBPyConnection, *, path: str, read_only: bool) -> None:
        super().__init__(connection, path=path, read_only=read_only)
        self._cursor_lock = threading.Lock()
        self._idle: list[duckdb.DuckDBPyConnection] = []
        self._closing = False
        # Every write of this process goes through write_batch, which keeps the actor index: a
        # covering index stays covering, so the sessions may remember it (dyads.io.rollups).
        self.index_memo = IndexMemo()
        self.article_titles = ArticleTitles()

    def session(self, *, read_only: bool = True) -> SessionStore:
        """A connection to the same database (a pooled one for a read-only session); close it when done."""
        pooled = read_only or self.read_only
        with self._cursor_lock:
            cursor = self._idle.pop() if pooled and self._idle else self._connection().cursor()
        return SessionStore(cursor, path=self.path, read_only=pooled, index_memo=self.index_memo,
                            article_titles=self.article_titles, release=self._release if pooled else None)

    def _release(self, cursor: duckdb.DuckDBPyConnection) -> None:
        with self._cursor_lock:
            if not self._closing and len(self._idle) < self.MAX_IDLE:
                self._idle.append(cursor)
                return
        cursor.close()

    def close(self) -> None:
        with self._cursor_lock:
            self._closing = True
            idle, self._idle = self._idle, []
        for cursor in idle:
            cursor.close()
        super().close()


def open_served(db: str | Path, *, writable: bool) -> ServedStore:
    """Open the store for serving: read-only unless ``writable`` (ingestion on)."""
    store = ServedStore.open(db, read_only=not writable)
    assert isinstance(store, ServedStore)
    return store


def preload_titles(store: ServedStore) -> threading.Thread:
    """Fill ``store.article_titles`` in a background thread, on a session of its own (requests are
    answered meanwhile; a title not yet there is read from the store). Returns the thread."""

    def fill() -> None:
        try:
            session = store.session()
        except DyadsError as exc:  # closed already: titles are read on demand
            LOG.info("article titles not preloaded: %s", exc)
            return
        try:
            store.article_titles.preload(session)
        except (duckdb.Error, DyadsError) as exc:
            LOG.info("article titles not preloaded: %s", exc)
        finally:
            session.close()

    thread = threading.Thread(target=fill, name="dyads-titles", daemon=True)
    thread.start()
    return thread


class QueryGate:
    """At most ``slots`` requests read the store at once; the next waits ``wait_s`` then gets E625.

    Requests wait in the event loop (:meth:`wait_enter`), not in a worker thread: a thread blocked
    on a full gate would hold one of the thread pool's workers, and with as many waiting requests as
    workers, the requests inside could not get a worker to finish on (they stalled until the waits
    timed out). A freed slot is handed to the longest waiting request. Thread-safe.
    """

    def __init__(self, *, slots: int, wait_s: float) -> None:
        self._free = slots
        self._wait_s = wait_s
        self._lock = threading.Lock()
        self._waiters: deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = deque()

    def _busy(self) -> ServerError:
        return ServerError("E625", "the server is busy", fix="retry in a moment")

    def enter(self) -> None:
        """Take a slot now, without waiting (E625 when none is free)."""
        with self._lock:
            if self._free == 0:
                raise self._busy()
            self._free -= 1

    async def wait_enter(self) -> None:
        """Take a slot, waiting up to ``wait_s`` seconds for one (E625 then)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._free > 0:
                self._free -= 1
                return
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.append((loop, waiter))
        try:
            await asyncio.wait_for(waiter, self._wait_s)
        except TimeoutError:
            with self._lock:
                if (loop, waiter) in self._waiters:
                    self._waiters.remove((loop, waiter))
            raise self._busy() from None

    def leave(self) -> None:
        """Give a slot back: to the longest waiting request, or to the free ones."""
        with self._lock:
            while self._waiters:
                loop, waiter = self._waiters.popleft()
                if not waiter.done():
                    loop.call_soon_threadsafe(self._hand_over, waiter)
                    return
            self._free += 1

    def _hand_over(self, waiter: asyncio.Future[None]) -> None:
        if waiter.done():  # it timed out just now: the slot goes on to the next one
            self.leave()
        else:
            waiter.set_result(None)
