"""Security defaults: response headers, the request body limit, and the bearer token.

The API is read-only unless ingestion is switched on, and then only a request with the
right bearer token (compared in constant time) may post articles. A posted URL is fetched only
from a host the server's owner allowed (see :mod:`dyads.server.outbound`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dyads.errors import ServerError
from dyads.server.errors import BodyTooLarge, dyads_error_response, error_response

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}

TOKEN_ENV = "DYADS_TOKEN"


class SecurityHeadersMiddleware:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """Refuses request bodies over ``max_bytes`` with 413 (E623) without reading them whole.

    A declared ``Content-Length`` over the limit is refused before any byte is read; a body
    without one (chunked) is counted as it arrives and refused as soon as it passes the limit.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await error_response("E620", "bad Content-Length header")(scope, receive, send)
                return
            if int(declared) > self.max_bytes:
                message = f"request body of {int(declared)} bytes is over the limit of {self.max_bytes} bytes"
                await error_response("E623", message, headers={"Connection": "close"})(scope, receive, send)
                return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, counted_receive, send)


class IngestGuardMiddleware:
    """Checks ingestion requests (on, and the right token) before their body is read.

    ``check(authorization_header)`` raises :class:`ServerError` (E624, E622) to refuse;
    the route checks again through its dependency, which also documents the bearer scheme.
    """

    def __init__(self, app: ASGIApp, *, check: Callable[[str | None], object], prefix: str = "/api/ingest") -> None:
        self.app = app
        self.check = check
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if (path == self.prefix or path.startswith(self.prefix + "/")) and scope.get("method") in ("GET", "POST"):
            try:
                self.check(_header(scope, b"authorization"))
            except ServerError as exc:
                await dyads_error_response(exc, path=path)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return None


def check_bearer(authorization: str | None, *, token: str) -> None:
    """Pass when ``authorization`` is ``Bearer <token>``; compared in constant time.

    Raises:
        ServerError: E622 (401 without a bearer token, 403 with a wrong one).
    """
    scheme, _, given = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ServerError("E622", "this endpoint needs a bearer token", fix="send 'Authorization: Bearer TOKEN'")
    # Both sides hashed first, so the constant-time comparison also hides the token's length.
    given_digest = hashlib.sha256(given.strip().encode("utf-8", "surrogateescape")).digest()
    token_digest = hashlib.sha256(token.encode("utf-8")).digest()
    if not hmac.compare_digest(given_digest, token_digest):
        raise WrongToken()


class WrongToken(ServerError):
    """A bearer token was sent but it is not the server's (403)."""

    http_status = 403

    def __init__(self) -> None:
        super().__init__("E622", "the bearer token is not valid", fix="send the token the server was started with")


def load_token(*, token_file: Path | None, environ: Mapping[str, str] | None = None) -> str | None:
    """The ingestion token: from ``token_file`` (first line, trimmed) or else ``$DYADS_TOKEN``.

    Raises:
        ServerError: E622 when the file cannot be read or is empty.
    """
    if token_file is not None:
        try:
            text = token_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ServerError("E622", f"cannot read the token file {token_file}: {exc}", fix="give a readable UTF-8 file") from exc
        lines = text.strip().splitlines()
        token = lines[0].strip() if lines else ""
        if not token:
            raise ServerError("E622", f"the token file {token_file} is empty", fix="write the token on its first line")
        return token
    value = (environ if environ is not None else os.environ).get(TOKEN_ENV, "").strip()
    return value or None


def check_token_strength(token: str, *, min_chars: int) -> None:
    """Refuse a short token at start-up (E622)."""
    if len(token) < min_chars or any(ch.isspace() for ch in token):
        raise ServerError(
            "E622",
            f"the ingestion token must be at least {min_chars} characters without spaces",
            fix='make one with: python -c "import secrets; print(secrets.token_urlsafe(32))"',
        )
