"""Fetch one http(s) URL the user named (a feed or a page), with a size cap and a timeout.

Nothing is fetched unless the user passed the URL as input or asked for linked pages
(``fetch_links``); this module never follows anything on its own.
"""

from __future__ import annotations

import urllib.error
import urllib.request

from pydantic import BaseModel, ConfigDict

from dyads import __version__
from dyads.records import Problem

_CHUNK = 1 << 16
_USER_AGENT = f"dyads/{__version__} (news event coder)"


class Fetched(BaseModel):
    """The body of a successful GET, where it ended up after redirects, and its content type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    content_type: str
    data: bytes


def is_url(source: object) -> bool:
    """True for an ``http://`` or ``https://`` address (the only ones dyads fetches)."""
    return isinstance(source, str) and source[:8].lower().startswith(("http://", "https://"))


def fetch(url: str, *, max_bytes: int, timeout: float, severity: str = "error", code: str = "E112") -> Fetched | Problem:
    """GET ``url``; a Problem (``code``, default E112; E106 when the body is over ``max_bytes``) when it fails.

    ``severity`` is the Problem's severity: ``"warning"`` where the caller goes on without
    the page (a feed entry keeps its summary).
    """
    if not is_url(url):
        return Problem(where=url, code=code, reason="only http:// and https:// addresses are fetched", severity=severity)
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT, "Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            content_type = response.headers.get("Content-Type", "") or ""
            final_url = response.geturl() or url
            chunks: list[bytes] = []
            size = 0
            while True:
                chunk = response.read(min(_CHUNK, max_bytes + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    return Problem(
                        where=url, code="E106", reason=f"response is over {max_bytes} bytes; not read", severity=severity
                    )
    except urllib.error.HTTPError as exc:
        return Problem(where=url, code=code, reason=f"HTTP {exc.code} {exc.reason}", severity=severity)
    except urllib.error.URLError as exc:
        return Problem(where=url, code=code, reason=f"cannot fetch: {exc.reason}", severity=severity)
    except (OSError, ValueError) as exc:  # timeouts, resets, malformed addresses
        return Problem(where=url, code=code, reason=f"cannot fetch: {exc}", severity=severity)
    return Fetched(url=final_url, content_type=content_type.split(";")[0].strip().lower(), data=b"".join(chunks))
