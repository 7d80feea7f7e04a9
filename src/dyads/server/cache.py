"""A bounded in-memory cache of the API's successful GET answers, emptied whenever the store changes.

The store a server holds can change only through that server (DuckDB gives the file to one writer,
and a read-only server keeps writers out), so a GET answer stays right until the ingestion worker
commits a batch, which empties the cache. Only ``200`` answers of ``GET /api/...`` (not
``/api/ingest``, whose answers follow a job) are kept, each up to ``max_entry_bytes``, least
recently used first out once ``max_bytes`` are held. The key is the path and the raw query string.
A request that arrives while the same one is being answered waits for that answer (up to
``follow_s``) and is sent it from the cache, so a burst of one costly request is computed once.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(frozen=True)
class CachedResponse:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


class ResponseCache:
    """Least-recently-used answers by key, at most ``max_bytes`` of bodies; thread-safe."""

    def __init__(self, *, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = min(max_entry_bytes, max_bytes)
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._held = 0
        self._generation = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    @property
    def generation(self) -> int:
        return self._generation

    def get(self, key: str) -> CachedResponse | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: str, response: CachedResponse, *, generation: int) -> None:
        """Keep ``response`` unless the store changed since ``generation`` was read, or it is too big."""
        size = len(response.body) + len(key)
        if size > self.max_entry_bytes:
            return
        with self._lock:
            if generation != self._generation:
                return  # computed before a write: it may already be stale
            old = self._entries.pop(key, None)
            if old is not None:
                self._held -= len(old.body) + len(key)
            self._entries[key] = response
            self._held += size
            while self._held > self.max_bytes and self._entries:
                dropped_key, dropped = self._entries.popitem(last=False)
                self._held -= len(dropped.body) + len(dropped_key)

    def clear(self) -> None:
        """Forget everything (the store changed)."""
        with self._lock:
            self._entries.clear()
            self._held = 0
            self._generation += 1

    def __len__(self) -> int:
        return len(self._entries)


class ResponseCacheMiddleware:
    """Answers repeated ``GET /api/...`` requests from a :class:`ResponseCache`."""

    def __init__(
        self, app: ASGIApp, *, cache: ResponseCache, prefix: str = "/api/", skip: str = "/api/ingest",
        follow_s: float = 15.0,
    ) -> None:
        self.app = app
        self.cache = cache
        self.prefix = prefix
        self.skip = skip
        self.follow_s = follow_s
        # Misses being answered now, by event loop and key: a second request for one of them waits
        # for that answer (it is kept in the cache) instead of computing it again.
        self._running: dict[tuple[int, str], asyncio.Event] = {}

    def _key(self, scope: Scope) -> str | None:
        if scope["type"] != "http" or scope.get("method") != "GET" or not self.cache.enabled:
            return None
        path = scope.get("path", "")
        if not path.startswith(self.prefix) or path == self.skip or path.startswith(self.skip + "/"):
            return None
        return path + "?" + scope.get("query_string", b"").decode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        slot = (id(asyncio.get_running_loop()), key)
        running = self._running.get(slot)
        if running is not None:
            # The same request is being answered: wait for it, then replay its answer if it was kept
            # (not when it failed, was too big, or the store changed meanwhile: then answer it anew).
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(running.wait(), self.follow_s)
        found = self.cache.get(key)
        if found is not None:
            await send({"type": "http.response.start", "status": found.status, "headers": list(found.headers)})
            await send({"type": "http.response.body", "body": found.body, "more_body": False})
            return
        if slot in self._running:  # waited too long: answer it too
            await self._answer(key, scope, receive, send)
            return
        done = self._running[slot] = asyncio.Event()
        try:
            await self._answer(key, scope, receive, send)
        finally:
            del self._running[slot]
            done.set()

    async def _answer(self, key: str, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app, keeping a 200 answer in the cache."""
        generation = self.cache.generation
        start: tuple[tuple[bytes, bytes], ...] | None = None
        chunks: list[bytes] = []
        size = 0
        keep = True

        async def capture(message: Message) -> None:
            nonlocal start, size, keep
            if message["type"] == "http.response.start":
                # A copy now: outer middleware (CORS, security headers) edit this message's headers in place.
                start = tuple((bytes(k), bytes(v)) for k, v in message.get("headers", ()))
                keep = message["status"] == 200
            elif message["type"] == "http.response.body" and keep:
                body = message.get("body", b"")
                size += len(body)
                if size > self.cache.max_entry_bytes:
                    keep = False
                    chunks.clear()
                else:
                    chunks.append(body)
                if not message.get("more_body", False) and keep and start is not None:
                    self.cache.put(key, CachedResponse(status=200, headers=start, body=b"".join(chunks)),
                                   generation=generation)
            await send(message)

        await self.app(scope, receive, capture)
