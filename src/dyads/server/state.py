"""What one running app holds: the store, its limits, the token, the ingestion queue."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from fastapi import Request

from dyads.errors import ServerError
from dyads.server.cache import ResponseCache
from dyads.server.database import QueryGate, ServedStore, SessionStore
from dyads.server.ingest import IngestQueue
from dyads.server.limits import ServerLimits
from dyads.server.outbound import FetchPolicy
from dyads.server.security import check_bearer


@dataclass
class ServerState:
    store: ServedStore
    limits: ServerLimits
    gate: QueryGate
    lookup_gate: QueryGate
    token: str | None = None
    ingest: IngestQueue | None = None
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    cache: ResponseCache = field(default_factory=lambda: ResponseCache(max_bytes=0, max_entry_bytes=1))
    preload: threading.Thread | None = None
    """The thread filling the article titles (server/database.py): joined before the store closes."""

    def check_ingest_allowed(self, authorization: str | None) -> IngestQueue:
        """The queue, when ingestion is on and ``authorization`` carries the token (E624, E622)."""
        if self.ingest is None or self.token is None:
            raise ServerError("E624", "ingestion is disabled on this server (read-only)")
        check_bearer(authorization, token=self.token)
        return self.ingest

    def close(self) -> None:
        if self.ingest is not None:
            self.ingest.close()
        if self.preload is not None:
            self.preload.join(60)
        self.store.close()


def state_of(request: Request) -> ServerState:
    state = request.app.state.dyads
    assert isinstance(state, ServerState)
    return state


@asynccontextmanager
async def _session(state: ServerState, gate: QueryGate) -> AsyncIterator[SessionStore]:
    await gate.wait_enter()
    try:
        session = state.store.session(read_only=True)
        # The deadline is a timer of the event loop: starting a thread for each request cost more.
        deadline = asyncio.get_running_loop().call_later(state.limits.query_timeout_s, session.expire)
        try:
            yield session
        finally:
            deadline.cancel()
            session.close()
    finally:
        gate.leave()


async def read_session(request: Request) -> AsyncIterator[SessionStore]:
    """FastAPI dependency: a read-only cursor of the store with the request's time limit.

    Waits, in the event loop, for a free query slot (E625 when none frees up in time); the
    cursor is interrupted when the request's queries pass ``limits.query_timeout_s`` (E625).
    """
    async with _session(state_of(request), state_of(request).gate) as session:
        yield session


async def lookup_session(request: Request) -> AsyncIterator[SessionStore]:
    """As :func:`read_session`, for requests that read rows by key (one event, one article, the
    health counts): they have slots of their own (``limits.max_concurrent_lookups``), so a
    millisecond's lookup does not queue behind lists and analytics that scan the store."""
    async with _session(state_of(request), state_of(request).lookup_gate) as session:
        yield session


async def keyed_session(request: Request) -> AsyncIterator[SessionStore]:
    """As :func:`lookup_session` once the store's actor index is known to cover it (a dyad series
    then reads one pair's rows of ``dyad_index``, a few milliseconds); as :func:`read_session`
    before that, when the same request scans every event."""
    state = state_of(request)
    gate = state.lookup_gate if state.store.index_memo.ready else state.gate
    async with _session(state, gate) as session:
        yield session
