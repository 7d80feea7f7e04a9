"""The dashboard: the built web app's files at ``/``, or a page saying how to build it."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

DEFAULT_STATIC_DIR = Path(__file__).resolve().parent / "static"

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


def mount_dashboard(app: FastAPI, static_dir: Path) -> None:
    """Serve ``static_dir/index.html`` at ``/`` (or the not-built page) and its other files below."""
    index = static_dir / "index.html"

    @app.get("/", include_in_schema=False)
    def dashboard() -> Response:
        if index.is_file():
            return FileResponse(index, media_type="text/html")
        return HTMLResponse(NOT_BUILT_PAGE)

    if static_dir.is_dir():
        app.mount("/", StaticFiles(directory=static_dir, check_dir=False), name="dashboard")
