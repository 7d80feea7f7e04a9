"""Ingestion endpoints (only with ``--allow-ingest``; bearer token required)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from dyads.errors import ServerError
from dyads.server.errors import error_responses
from dyads.server.ingest import IngestQueue
from dyads.server.limits import ServerLimits
from dyads.server.models import IngestAccepted, IngestJob, IngestRequest
from dyads.server.outbound import check_target
from dyads.server.state import state_of

_bearer = HTTPBearer(auto_error=False, description="the token the server was started with (--token-file or DYADS_TOKEN)")


def ingest_queue(
    request: Request, _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> IngestQueue:
    """FastAPI dependency: the queue, once ingestion is on and the token is right (E624, E622)."""
    return state_of(request).check_ingest_allowed(request.headers.get("authorization"))


Queue = Annotated[IngestQueue, Depends(ingest_queue)]


def ingest_router(limits: ServerLimits) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["ingest"])

    def refuse_urls(request: Request, body: IngestRequest) -> None:
        """Every URL checked before the job is queued: form, host on the list, public addresses."""
        policy = state_of(request).fetch
        if body.urls and len(body.urls) > policy.max_urls:
            raise ServerError(
                "E623", f"{len(body.urls)} URLs in one request, over the limit of {policy.max_urls}",
                fix=f"post at most {policy.max_urls} URLs per request",
            )
        for url in body.urls:
            check_target(url, policy)

    @router.post(
        "/ingest", status_code=202, response_model=IngestAccepted,
        responses=error_responses(401, 403, 413, 422, 500, 502, 503),
    )
    def post_ingest(queue: Queue, body: IngestRequest, request: Request) -> IngestAccepted:
        """Queue articles (and allowed URLs) for coding in the server's background worker; poll GET /api/ingest/{job}."""
        if len(body.articles) > limits.max_articles:
            raise ServerError(
                "E623", f"{len(body.articles)} articles in one request, over the limit of {limits.max_articles}",
                fix=f"post at most {limits.max_articles} articles per request",
            )
        refuse_urls(request, body)
        return queue.submit(body)

    @router.get("/ingest/{job}", response_model=IngestJob, responses=error_responses(401, 403, 404, 422, 500))
    def get_ingest_job(queue: Queue, job: Annotated[str, Path(min_length=1, max_length=64)]) -> IngestJob:
        """Where an ingestion job stands: queued, running, done or failed, with its counts."""
        return queue.status(job)

    return router
