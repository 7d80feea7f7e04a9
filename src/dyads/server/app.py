"""``create_app``: the dyads REST API (FastAPI) over one DuckDB store, and the dashboard at ``/``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from dyads.config import Settings
from dyads.errors import ServerError
from dyads.server.analytics_api import analytics_router
from dyads.server.api import browse_router
from dyads.server.cache import ResponseCache, ResponseCacheMiddleware
from dyads.server.database import QueryGate, open_served, preload_titles
from dyads.server.errors import CatchAllMiddleware, install_error_handlers
from dyads.server.ingest import IngestQueue
from dyads.server.ingest_api import ingest_router
from dyads.server.limits import ServerLimits
from dyads.server.outbound import FetchPolicy
from dyads.server.security import (
    BodyLimitMiddleware,
    IngestGuardMiddleware,
    SecurityHeadersMiddleware,
    check_token_strength,
)
from dyads.server.state import ServerState
from dyads.server.static import DEFAULT_STATIC_DIR, mount_dashboard

API_VERSION = "1"


def create_app(
    *,
    db: str | Path,
    allow_ingest: bool = False,
    token: str | None = None,
    static_dir: str | Path | None = None,
    settings: Settings | None = None,
    limits: ServerLimits | None = None,
    cors_origins: Sequence[str] = (),
    fetch: FetchPolicy | None = None,
) -> FastAPI:
    """The API over the store at ``db``: read-only unless ``allow_ingest`` (which needs ``token``).

    The store is opened here and held by the app until :func:`shutdown`: read-only by default,
    read-write with ingestion, when a single worker thread codes posted articles with
    ``settings`` (defaults: the built-in ones). ``static_dir`` holds the built dashboard
    (default: the package's ``server/static``). ``limits``: :class:`ServerLimits` (defaults
    when None). ``cors_origins``: browser origins allowed to call the API from other sites
    (none by default). ``fetch``: which hosts posted URLs may be fetched from (:class:`FetchPolicy`;
    by default none: the API fetches nothing).

    Raises:
        ServerError: E622 ingestion without a token or with a short one.
        StoreError: the store cannot be opened (E601 missing, E602 locked, E603 not a dyads store).
    """
    limits = limits or ServerLimits()
    fetch = fetch or FetchPolicy()
    if allow_ingest:
        if not token:
            raise ServerError(
                "E622", "ingestion needs a bearer token",
                fix="pass --token-file FILE or set DYADS_TOKEN (or leave out --allow-ingest)",
            )
        check_token_strength(token, min_chars=limits.min_token_chars)
    store = open_served(db, writable=allow_ingest)
    preload = preload_titles(store)  # the events list's outlets and titles, from memory (server/article_titles.py)
    cache = ResponseCache(max_bytes=limits.cache_bytes, max_entry_bytes=limits.cache_entry_bytes)
    queue = None
    if allow_ingest:
        queue = IngestQueue(
            store=store, settings=settings or Settings(), max_queued=limits.max_queued_jobs, kept=limits.kept_jobs,
            fetch=fetch, on_write=cache.clear,
        )
    state = ServerState(
        store=store, limits=limits, gate=QueryGate(slots=limits.max_concurrent_queries, wait_s=limits.busy_wait_s),
        lookup_gate=QueryGate(slots=limits.max_concurrent_lookups, wait_s=limits.busy_wait_s),
        token=token if allow_ingest else None, ingest=queue, fetch=fetch, cache=cache, preload=preload,
    )

    app = FastAPI(
        title="dyads API",
        version=API_VERSION,
        description="Political event data coded from news by dyads. Every error has the shape "
        '{"error": {"code", "message", "fix", "status"}}; see docs/api.md.',
        docs_url=None,
        redoc_url=None,
    )
    app.state.dyads = state
    install_error_handlers(app)
    app.include_router(browse_router(limits))
    app.include_router(analytics_router())
    app.include_router(ingest_router(limits))
    mount_dashboard(app, Path(static_dir) if static_dir is not None else DEFAULT_STATIC_DIR)
    # Added innermost first: the security headers wrap everything, 500s included.
    app.add_middleware(ResponseCacheMiddleware, cache=cache)
    app.add_middleware(BodyLimitMiddleware, max_bytes=limits.max_body_bytes)
    app.add_middleware(IngestGuardMiddleware, check=state.check_ingest_allowed)
    if cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(CatchAllMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


def shutdown(app: FastAPI) -> None:
    """Let the ingestion worker finish its batch, then close the store (idempotent).

    Not tied to the ASGI lifespan, so an app can be started and stopped more than once (tests);
    ``dyads serve`` calls it when the server stops.
    """
    state = app.state.dyads
    assert isinstance(state, ServerState)
    state.close()
