"""The dashboard: the built web app's files at ``/``, or a page saying how to build it.

The files are read into memory once, when the app is made (the build is about 1.3 MB), each
with an ETag and, for text, a gzip copy: a browser that sends ``Accept-Encoding: gzip`` gets the
smaller form, one that sends the ETag back gets ``304``. Only the files found there are served,
looked up by exact path, so no request path can reach outside the folder.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

DEFAULT_STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_DASHBOARD_BYTES = 64 * 1024 * 1024
"""A static folder larger than this is not held in memory (not served); the dashboard's build is ~1.3 MB."""

NOT_BUILT_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>dyads: dashboard not built</title></head>
<body>
<h1>dyads</h1>
<p>The API is running, but the dashboard has not been built.</p>
<p>Build it with <code>make web</code> (it writes <code>src/dyads/server/static/</code>), then reload this page.</p>
<p>The API itself answers under <a href="/api/health">/api/</a>; its description is at
<a href="/openapi.json">/openapi.json</a>.</p>
</body>
</html>
"""

_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    gzipped: bytes | None
    media_type: str
    etag: str
    immutable: bool


def _media_type(path: Path) -> str:
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".js":
        guessed = "text/javascript"
    return guessed + "; charset=utf-8" if guessed.startswith("text/") else guessed


def load_files(folder: Path) -> dict[str, StaticFile]:
    """Every regular file under ``folder`` by its URL path (``/assets/x.js``); {} when there is none
    or it holds more than :data:`MAX_DASHBOARD_BYTES`. Links are not followed."""
    if not folder.is_dir():
        return {}
    found = [p for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()]
    if sum(p.stat().st_size for p in found) > MAX_DASHBOARD_BYTES:
        return {}
    files = {}
    for path in found:
        body = path.read_bytes()
        media_type = _media_type(path)
        packed = gzip.compress(body, compresslevel=6, mtime=0) if media_type.startswith(_COMPRESSIBLE) else None
        files["/" + path.relative_to(folder).as_posix()] = StaticFile(
            body=body,
            gzipped=packed if packed is not None and len(packed) < len(body) else None,
            media_type=media_type,
            etag='"' + hashlib.sha256(body).hexdigest()[:20] + '"',
            # Vite names built assets after their content: they never change under one name.
            immutable=path.parent.name == "assets",
        )
    return files


class DashboardFiles:
    """ASGI app answering GET/HEAD for the files of :func:`load_files` (404 otherwise, 405 for other methods)."""

    def __init__(self, files: dict[str, StaticFile]) -> None:
        self.files = files

    def response(self, path: str, headers: dict[str, str]) -> Response:
        file = self.files.get(path)
        if file is None:
            raise HTTPException(status_code=404)
        common = {
            "etag": file.etag,
            "cache-control": "public, max-age=31536000, immutable" if file.immutable else "no-cache",
            "vary": "accept-encoding",
        }
        if file.etag in headers.get("if-none-match", ""):
            return Response(status_code=304, headers=common)
        if file.gzipped is not None and "gzip" in headers.get("accept-encoding", ""):
            return Response(file.gzipped, media_type=file.media_type, headers={**common, "content-encoding": "gzip"})
        return Response(file.body, media_type=file.media_type, headers=common)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["method"] not in ("GET", "HEAD"):
            raise HTTPException(status_code=405, headers={"Allow": "GET, HEAD"})
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        await self.response(scope["path"], headers)(scope, receive, send)


def mount_dashboard(app: FastAPI, static_dir: Path) -> None:
    """Serve ``static_dir/index.html`` at ``/`` (or the not-built page) and its other files below."""
    files = DashboardFiles(load_files(static_dir))

    @app.get("/", include_in_schema=False)
    async def dashboard(request: Request) -> Response:
        if "/index.html" in files.files:
            return files.response("/index.html", dict(request.headers))
        return HTMLResponse(NOT_BUILT_PAGE)

    if files.files:
        app.mount("/", files, name="dashboard")
