"""One JSON error shape for every error the API returns.

``{"error": {"code": "E6xx", "message": "...", "fix": "...", "status": 404}}`` for FastAPI's
validation errors (422), unknown routes (404), wrong methods (405), refused requests
(401/403/413/503), dyads errors raised by the library, and unexpected exceptions (500,
without a traceback: those are logged on the server, never sent).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import duckdb
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dyads.errors import AnalyticsError, DyadsError, StoreError

LOG = logging.getLogger("dyads.server")

STATUS: dict[str, int] = {
    "E620": 422,  # bad parameter
    "E621": 404,  # not found (or no such method on a path: 405)
    "E622": 401,  # unauthorised (a wrong token gets 403)
    "E623": 413,  # request too large
    "E624": 403,  # ingestion disabled
    "E625": 503,  # query timeout / server busy
    "E626": 500,  # internal error
    "E627": 403,  # URL fetching off, or the host is not on the allow-list
    "E628": 403,  # the URL's host resolves to a non-public address
    "E629": 502,  # fetching an allowed URL failed
}

_FIX: dict[str, str] = {
    "E620": "check the parameter against /openapi.json or docs/api.md",
    "E621": "check the id or path; GET /openapi.json lists every path",
    "E622": "send the header 'Authorization: Bearer TOKEN' with the server's token",
    "E623": "send fewer or shorter articles per request",
    "E624": "start the server with `dyads serve --allow-ingest --token-file FILE`",
    "E625": "narrow the filters (dates, actor) or retry in a moment",
    "E626": "retry; if it persists, report it with the server log",
    "E627": "post the article text, or start the server with --fetch-host HOST",
    "E628": "fetch only public hosts, or list the network with --fetch-network if it is yours",
    "E629": "check the URL or retry later",
}


class ErrorDetail(BaseModel):
    """What went wrong, its stable code, and how to fix it."""

    code: str = Field(description="E620 bad parameter, E621 not found, E622 unauthorised, E623 too large, "
                      "E624 ingestion disabled, E625 timeout/busy, E626 internal, E627 host not allowed, "
                      "E628 non-public address, E629 fetch failed; E630-E639 analytics")
    message: str
    fix: str
    status: int = Field(description="the HTTP status, repeated")


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


def error_response(
    code: str, message: str, *, status: int | None = None, fix: str | None = None, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """The JSON response for one error; ``status`` defaults to the code's."""
    status = status if status is not None else STATUS.get(code, 422)
    body = ErrorBody(error=ErrorDetail(code=code, message=message, fix=fix or _FIX.get(code, ""), status=status))
    return JSONResponse(body.model_dump(), status_code=status, headers=dict(headers or {}))


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries declaring the error body for these statuses."""
    return {status: {"model": ErrorBody, "description": _DESCRIPTIONS.get(status, "error")} for status in statuses}


_DESCRIPTIONS = {
    401: "no bearer token (E622)",
    403: "wrong token (E622), ingestion disabled (E624), URL host not allowed (E627) or not public (E628)",
    404: "not found (E621)",
    413: "request body too large (E623)",
    422: "bad parameter (E620, analytics E630-E639)",
    500: "internal error (E626)",
    502: "fetching an allowed URL failed (E629)",
    503: "query timed out or server busy (E625)",
}


class BodyTooLarge(HTTPException):
    """Raised while the body is read, as soon as it passes the limit (FastAPI lets HTTPExceptions through)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"request body over the limit of {limit} bytes")


# --------------------------------------------------------------------------- exception handlers


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for item in exc.errors()[:3]:
        loc = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "request"
        parts.append(f"{loc}: {item.get('msg', 'invalid')}")
    more = len(exc.errors()) - 3
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response("E620", f"bad request: {_validation_message(exc)}")


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    headers = dict(exc.headers or {})
    if status == 404:
        return error_response("E621", f"not found: {request.url.path}", headers=headers)
    if status == 405:
        return error_response("E621", f"method {request.method} not allowed on {request.url.path}", status=405,
                              fix="see /openapi.json for the methods of each path", headers=headers)
    if status in (401, 403):
        return error_response("E622", str(exc.detail), status=status, headers=headers)
    if status == 413:
        return error_response("E623", str(exc.detail), headers=headers)
    if status >= 500:
        return error_response("E626", "internal error", status=status, headers=headers)
    if status == 400:  # FastAPI's "error parsing the body" (e.g. not UTF-8): a bad parameter like any other
        return error_response("E620", f"bad request: {exc.detail}", headers=headers)
    return error_response("E620", str(exc.detail), status=status, headers=headers)


async def _on_dyads(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DyadsError)
    return dyads_error_response(exc, path=request.url.path)


def dyads_error_response(exc: DyadsError, *, path: str) -> JSONResponse:
    """The response for a dyads error: its own code for server and analytics codes, else E626."""
    if isinstance(exc, AnalyticsError) or exc.code.startswith("E63"):
        return error_response(exc.code, exc.message, status=422, fix=exc.fix)
    if isinstance(exc, StoreError) and exc.code == "E605":
        return error_response("E620", exc.message, fix=exc.fix)
    if exc.code in STATUS and exc.code != "E626":
        status = getattr(exc, "http_status", None) or STATUS[exc.code]
        headers = {401: {"WWW-Authenticate": "Bearer"}, 503: {"Retry-After": "5"}}.get(status)
        return error_response(exc.code, exc.message, status=status, fix=exc.fix, headers=headers)
    LOG.error("dyads error while serving %s: %s", path, exc)
    return error_response("E626", "internal error")


async def _on_interrupt(request: Request, exc: Exception) -> JSONResponse:
    return error_response("E625", "the query took too long and was stopped", headers={"Retry-After": "5"})


async def _on_duckdb(request: Request, exc: Exception) -> JSONResponse:
    LOG.error("database error while serving %s: %s", request.url.path, exc)
    return error_response("E626", "internal error")


def install_error_handlers(app: FastAPI) -> None:
    """Route every exception kind to one JSON error shape."""
    handlers: list[tuple[type[Exception], Callable[[Request, Exception], Awaitable[JSONResponse]]]] = [
        (RequestValidationError, _on_validation),
        (HTTPException, _on_http),
        (DyadsError, _on_dyads),
        (duckdb.InterruptException, _on_interrupt),
        (duckdb.Error, _on_duckdb),
    ]
    for kind, handler in handlers:
        app.add_exception_handler(kind, handler)


# --------------------------------------------------------------------------- the last resort


class CatchAllMiddleware:
    """Turns an exception nothing else handled into a 500 E626 body (logged here, not sent)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception as exc:
            if started:
                raise
            if isinstance(exc, BodyTooLarge):
                response = error_response("E623", str(exc.detail))
            else:
                LOG.exception("unexpected error while serving %s", scope.get("path"))
                response = error_response("E626", "internal error")
            await response(scope, receive, send)
