"""RSS and Atom feeds with feedparser: each entry becomes the fields of one article.

feedparser is only ever given bytes, so it never fetches anything itself; fetching a feed
or an entry's linked page is :mod:`dyads.io.fetch`'s job, and only when the user asks.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import re
from typing import Any

from pydantic import BaseModel, ConfigDict

from dyads.io.html import html_to_text


class FeedEntry(BaseModel):
    """One entry: its text (content, else summary), title, link and publication date.

    ``published`` is a date when the entry's date could be read, else the raw string
    (the reader reports it), else None. ``summary_only`` is True when the text is the
    entry's summary because it carries no content.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int
    text: str
    title: str | None = None
    link: str | None = None
    published: dt.date | str | None = None
    summary_only: bool = False


class Feed(BaseModel):
    """A parsed feed: its title (the outlet of its entries) and its entries in feed order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str | None = None
    entries: list[FeedEntry]


class NotAFeed(ValueError):
    """The document is not an RSS or Atom feed feedparser can read."""


def looks_like_feed(head: bytes) -> bool:
    """True when the start of a document names an RSS, RDF or Atom root element."""
    sample = head[:4096].lower()
    return any(mark in sample for mark in (b"<rss", b"<feed", b"<rdf:rdf"))


def parse_feed(data: bytes) -> Feed:
    """Parse an RSS/Atom document given as bytes.

    Raises:
        NotAFeed: the bytes are not a feed (no RSS/Atom version found and no entries).
    """
    import feedparser  # imported here: only feed input needs it

    try:
        parsed = feedparser.parse(io.BytesIO(_valid_charrefs(data)), sanitize_html=True, resolve_relative_uris=True)
    except (ValueError, OverflowError, LookupError, RecursionError) as exc:  # feedparser's own failures
        raise NotAFeed(f"feedparser cannot read it: {type(exc).__name__}: {str(exc)[:200]}") from exc
    if not parsed.get("version") and not parsed.entries:
        cause = parsed.get("bozo_exception")
        raise NotAFeed(f"not an RSS/Atom feed{': ' + str(cause)[:200] if cause else ''}")
    title = _plain(parsed.feed.get("title"))
    entries = [_entry(number, raw) for number, raw in enumerate(parsed.entries, start=1)]
    return Feed(title=title, entries=entries)


_CHARREF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")
_BAD_CHARREF = b"&#xFFFD;"


def _xml_char(code: int) -> bool:
    """True for a code point XML 1.0 allows as a character (so ``chr`` and UTF-8 take it)."""
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _valid_charrefs(data: bytes) -> bytes:
    """``data`` with each numeric character reference that names no XML character (a surrogate
    such as ``&#xD800;``, a NUL, a number past U+10FFFF) written as U+FFFD: feedparser raises on
    those (UnicodeEncodeError, ValueError, OverflowError) instead of reading the feed."""
    if b"&#" not in data:
        return data

    def repair(match: re.Match[bytes]) -> bytes:
        hexa, decimal = match.groups()
        digits = (hexa or decimal).lstrip(b"0")
        if len(digits) > 8:  # past U+10FFFF whatever the digits (and int() refuses 4,300+ of them)
            return _BAD_CHARREF
        code = int(hexa, 16) if hexa is not None else int(decimal)
        return match.group(0) if _xml_char(code) else _BAD_CHARREF

    return _CHARREF.sub(repair, data)


def _entry(number: int, raw: Any) -> FeedEntry:
    contents = [html_to_text(part.get("value") or "") for part in raw.get("content") or []]
    content = max(contents, key=len, default="")
    summary = html_to_text(raw.get("summary") or "")
    text = content if len(content) >= len(summary) else summary
    link = raw.get("link")
    return FeedEntry(
        number=number,
        text=text,
        title=_plain(raw.get("title")),
        link=link.strip() if isinstance(link, str) and link.strip() else None,
        published=entry_date(raw),
        summary_only=bool(text) and not content,
    )


def _plain(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return html_to_text(value) or None


def entry_date(raw: Any) -> dt.date | str | None:
    """The calendar date the entry's ``published`` (else ``updated``) value writes.

    ISO 8601 (Atom) and RFC 822 (RSS) dates keep the date written, with no time-zone
    conversion; other forms fall back on feedparser's reading (in UTC). A value nothing
    can read comes back as the raw string.
    """
    for key in ("published", "updated", "created"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        text = value.strip()
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
        try:
            return email.utils.parsedate_to_datetime(text).date()
        except (TypeError, ValueError, IndexError):
            pass
        parsed = raw.get(f"{key}_parsed")
        if parsed is not None:
            return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
        return text
    return None
