"""Read news articles from JSONL, CSV/TSV, plain text, HTML pages, RSS/Atom feeds,
gzip/zip/tar archives of those, folders, URLs and stdin.

Bad input never stops a run: every unusable piece of input becomes a
:class:`~dyads.records.Problem` in the output stream and reading goes on.
Input is streamed line by line, so memory stays flat however long a file is;
an over-long line is skipped without being held in memory. Archive members are
read as streams (never extracted to disk), in name order.

Problem codes (``where`` is ``file:line``, or ``file`` for whole-file problems):

======  ========  ==========================================================
code    severity  meaning
======  ========  ==========================================================
E101    error     a JSONL line is not valid JSON
E102    error     a JSONL line is valid JSON but not an object
E103    error     the record has no ``text``, or it is empty or not a string
E104    error     the file (or stdin) is empty, or an archive holds no file read here
E105    error     the file or line looks binary (NUL bytes / control bytes)
E106    error     the article (or its line) is longer than ``max_bytes``
E107    warning   not valid UTF-8; the invalid bytes decoded as cp1252 (article kept);
                  also: lone surrogate escapes in JSON replaced by U+FFFD
E108    warning   the ``published`` value is not a date (article kept, no date)
E109    warning   a metadata field (id, title, url, outlet) has a bad type
E110    error     a CSV/TSV file has no header or no ``text`` column
E111    error     a CSV/TSV row cannot be parsed
E112    error     the file, archive or URL cannot be opened or read
E116    error     an archive member was skipped: a link, an absolute path,
                  ``..`` in its path, a nested archive, encrypted, not a file
E117    error     an archive passed the size or compression-ratio cap
                  (a decompression bomb?): ``where`` names the member; the
                  members before it are read, it and the rest are not
E118    error     an XML document that is not an RSS/Atom feed
E119    warning   a feed entry's linked page could not be fetched or had no
                  main text (``fetch_links``): the entry's summary is kept
E121    warning   a compressed tar is read in archive order, not by name
E122    warning   an HTML page nested too deep for the page parser: its
                  flat text is kept (boilerplate included, no metadata)
======  ========  ==========================================================

E115 (an article in a language not accepted) is reported by
:mod:`dyads.io.language`, which the ingest applies after reading.

Raised as :class:`~dyads.errors.InputError` (nothing can be read at all):
E100 the source does not exist, E113 unknown format, E114 ``max_bytes < 1``,
E120 a bad ``columns`` mapping.

Encoding fallback: each JSONL line (each CSV physical line, each text file) is
decoded as UTF-8 (a BOM is dropped); the bytes that are not valid UTF-8 are decoded
as cp1252. Input that starts with a UTF-16/UTF-32 byte-order mark is transcoded to
UTF-8 as it is read (:mod:`dyads.io.transcode`).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import sys
import tarfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from pydantic import BaseModel, ConfigDict, Field

from dyads.errors import InputError
from dyads.io.archives import CONTAINERS, ArchiveLimits, LimitExceeded, gzip_stream, open_gzip, tar_members, zip_members
from dyads.io.feeds import NotAFeed, looks_like_feed, parse_feed
from dyads.io.fetch import Fetched, fetch, is_url
from dyads.io.html import PARSER_MAX_DEPTH, PageFields, extract_page, flat_page
from dyads.io.transcode import TranscodedReader, declare_utf8, wide_encoding
from dyads.records import Article, Problem

CONTENT_FORMATS = ("jsonl", "csv", "tsv", "txt", "html", "feed")
"""Formats of articles themselves."""

FORMATS = CONTENT_FORMATS + CONTAINERS
"""Formats :func:`read_articles` understands (``fmt=``): content formats, then archives (gzip, zip, tar)."""

FORMAT_ALIASES: dict[str, str] = {
    "ndjson": "jsonl",
    "htm": "html",
    "xhtml": "html",
    "rss": "feed",
    "atom": "feed",
    "gz": "gzip",
    "tgz": "tar",
}
"""Other names ``fmt=`` accepts for a format."""

SUFFIXES: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".gz": "gzip",
    ".zip": "zip",
    ".tar": "tar",
    ".tgz": "tar",
}
"""File suffixes (lower-cased) and the format each one means (``.tar.gz`` is a tar)."""

FIELDS = ("text", "id", "title", "url", "outlet", "published")
"""Article fields an input record may carry; ``columns=`` maps them to other column names."""

FEED_MAX_FACTOR = 10
"""A feed, or any document fetched from a URL, may be this many times ``max_bytes``."""

META_FIELDS = ("id", "title", "url", "outlet")
TITLE_MAX_CHARS = 150
"""A plain-text file's first line is its title when it is at most this long."""

_SNIFF_BYTES = 8192
_CHUNK = 1 << 16
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SENTENCE_END = (".", "!", "?", ":", ";", '"', "\u201d")
# Control bytes other than tab, newline, vertical tab, form feed, carriage return, escape.
_CONTROL = frozenset(range(0, 32)) - {9, 10, 11, 12, 13, 27}


# --------------------------------------------------------------------------- options


class ReadOptions(BaseModel):
    """How to read: what :func:`read_articles` takes as keyword options."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    published: dt.date | None = None
    max_bytes: int = 5_000_000
    columns: dict[str, str] = Field(default_factory=dict)
    fetch_links: bool = False
    max_archive_bytes: int = 2_000_000_000
    max_compression_ratio: float = 200.0
    timeout: float = 30.0

    @property
    def limits(self) -> ArchiveLimits:
        return ArchiveLimits(max_bytes=self.max_archive_bytes, max_ratio=self.max_compression_ratio)

    @property
    def max_document_bytes(self) -> int:
        """Cap of a feed or of a fetched document."""
        return FEED_MAX_FACTOR * self.max_bytes

    def builder(self, name: str) -> "_Builder":
        return _Builder(name=name, published=self.published, max_bytes=self.max_bytes, columns=self.columns)


def check_columns(columns: Mapping[str, str] | None) -> dict[str, str]:
    """A valid ``columns`` mapping (article field -> input column), or InputError E120."""
    if not columns:
        return {}
    checked: dict[str, str] = {}
    for key, value in columns.items():
        if key not in FIELDS:
            raise InputError("E120", f"cannot map column to unknown field {key!r}", fix=f"map one of: {', '.join(FIELDS)}")
        if not isinstance(value, str) or not value.strip():
            raise InputError("E120", f"column name for {key!r} is empty", fix="write it as field=column, e.g. text=body")
        checked[key] = value.strip()
    return checked


def format_of(name: str) -> str | None:
    """The format a file name's suffix means (``a.tar.gz`` and ``a.tgz`` are tars), or None."""
    lower = name.lower()
    if lower.endswith(".tar.gz"):
        return "tar"
    return SUFFIXES.get(PurePosixPath(lower).suffix)


def sniff_format(head: bytes) -> str:
    """The format the first bytes of a document look like (gzip/zip/tar, JSONL, feed, HTML, else text)."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head[257:262] == b"ustar":
        return "tar"
    text = head[len(codecs.BOM_UTF8) :] if head.startswith(codecs.BOM_UTF8) else head
    text = text.lstrip()
    if text.startswith(b"{"):
        return "jsonl"
    if text.startswith(b"<"):
        lower = text[:4096].lower()
        page = lower.find(b"<html")
        if looks_like_feed(lower) and (page < 0 or min(lower.find(m) for m in (b"<rss", b"<feed", b"<rdf:rdf") if m in lower) < page):
            return "feed"
        return "html"
    return "txt"


# --------------------------------------------------------------------------- helpers


def looks_binary(sample: bytes, *, any_nul: bool = True) -> bool:
    """True when ``sample`` holds more than 10% control bytes (NUL included),
    or, with ``any_nul``, a single NUL byte."""
    if not sample:
        return False
    if any_nul and b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte in _CONTROL)
    return controls / len(sample) > 0.10


def decode_bytes(data: bytes) -> tuple[str, bool]:
    """Decode ``data`` as UTF-8; the bytes that are not valid UTF-8 are decoded as cp1252.

    Returns ``(text, repaired)``; ``repaired`` is True when the fallback was used. Valid
    UTF-8 sequences are kept as UTF-8 even beside invalid bytes, so a text mixing UTF-8
    with cp1252 or Latin-1 bytes loses neither. A UTF-8 byte-order mark is dropped. The
    five bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) become U+FFFD.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        pass
    view = memoryview(data)
    parts: list[str] = []
    position = 0
    while position < len(view):
        try:
            parts.append(codecs.utf_8_decode(view[position:], "strict", True)[0])
            break
        except UnicodeDecodeError as exc:
            bad_start, bad_end = position + exc.start, position + exc.end
            parts.append(codecs.utf_8_decode(view[position:bad_start], "strict", True)[0])
            parts.append(bytes(view[bad_start:bad_end]).decode("cp1252", errors="replace"))
            position = bad_end
    return "".join(parts), True


def parse_published(value: object) -> dt.date | None:
    """A date from ``YYYY-MM-DD``, an ISO datetime, or a date/datetime object.

    The calendar date written in the string is kept as is (no time-zone
    conversion). Empty values give ``None``; anything else raises ``ValueError``.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a date string, got {type(value).__name__}")
    text = value.strip()
    if not text:
        return None
    if _DATE_ONLY.match(text):
        return dt.date.fromisoformat(text)
    if _DATE_TIME.match(text):
        iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
        return dt.datetime.fromisoformat(iso).date()
    raise ValueError(f"not an ISO date: {text[:40]!r}")


def _iter_lines(stream: BinaryIO, *, limit: int) -> Iterator[tuple[int, bytes | None, int]]:
    """Yield ``(line_number, line, size)``; ``line`` is None when over ``limit``.

    An over-long line is consumed in chunks and never held in memory whole.
    """
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) <= limit or line.endswith(b"\n"):
            yield number, line, len(line)
            continue
        size = len(line)
        del line
        while True:
            chunk = stream.readline(_CHUNK)
            size += len(chunk)
            if not chunk or chunk.endswith(b"\n"):
                break
        yield number, None, size


def _clean(text: str) -> tuple[str, bool]:
    """Replace lone surrogates (from JSON escapes such as ``\\ud800``) by U+FFFD."""
    cleaned, count = _SURROGATE.subn("\ufffd", text)
    return cleaned, count > 0


def _ensure_csv_field_limit(max_bytes: int) -> None:
    """Let the csv module read fields up to ``max_bytes`` characters.

    The limit is process-wide in the standard library; it is only ever raised.
    """
    needed = max_bytes + 1
    if csv.field_size_limit() < needed:
        csv.field_size_limit(needed)


@dataclass
class _Builder:
    """Turns one raw record (a mapping) into an Article plus problems."""

    name: str
    published: dt.date | None
    max_bytes: int
    columns: dict[str, str] = field(default_factory=dict)

    def remap(self, record: dict[str, object], *, lower: bool = False) -> dict[str, object]:
        """The record with ``columns`` applied: each mapped field read from its column."""
        if not self.columns:
            return record
        mapped = dict(record)
        for name, column in self.columns.items():
            mapped[name] = record.get(column.lower() if lower else column)
        return mapped

    def build(self, record: dict[str, object], line: int, *, repaired: bool, invalid_at: str = "") -> list[Article | Problem]:
        where = f"{self.name}:{line}"
        out: list[Article | Problem] = []
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            column = self.columns.get("text", "text")
            reason = f"no '{column}' field" if text is None else (
                f"'{column}' is empty" if isinstance(text, str) else f"'{column}' is a {type(text).__name__}, not a string"
            )
            return [Problem(where=where, code="E103", reason=reason)]
        text, surrogates = _clean(text)
        size = len(text.encode("utf-8"))
        if size > self.max_bytes:
            return [Problem(where=where, code="E106", reason=f"text is {size} bytes, over max_bytes={self.max_bytes}")]
        meta: dict[str, str | None] = {}
        for key in META_FIELDS:
            value = record.get(key)
            if value is None:
                meta[key] = None
            elif isinstance(value, str):
                meta[key] = _clean(value)[0].strip() or None
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                meta[key] = str(value)
            else:
                meta[key] = None
                out.append(
                    Problem(
                        where=where,
                        code="E109",
                        reason=f"'{key}' is a {type(value).__name__}; ignored",
                        severity="warning",
                    )
                )
        published = self.published
        date_key = "published"
        if record.get("published") is None and "published" not in self.columns and record.get("date") is not None:
            date_key = "date"  # a plain "date" key (GDELT-style exports, our shared corpus) is the publication date
        raw_date = record.get(date_key)
        try:
            parsed = parse_published(raw_date)
        except ValueError as exc:
            out.append(Problem(where=where, code="E108", reason=f"bad '{date_key}' value: {exc}", severity="warning"))
        else:
            if parsed is not None:
                published = parsed
        if repaired:
            out.append(Problem(where=where, code="E107", reason=f"not valid UTF-8{invalid_at}; the invalid bytes decoded as cp1252", severity="warning"))
        if surrogates:
            out.append(
                Problem(
                    where=where,
                    code="E107",
                    reason="lone surrogate escapes in the text replaced by U+FFFD",
                    severity="warning",
                )
            )
        article = Article.create(
            text=text,
            title=meta["title"],
            url=meta["url"],
            outlet=meta["outlet"],
            published=published,
            origin=where,
            id=meta["id"],
        )
        return [article, *out]


# --------------------------------------------------------------------------- formats


def _read_jsonl(stream: BinaryIO, builder: _Builder) -> Iterator[Article | Problem]:
    limit = 2 * builder.max_bytes + (1 << 20)
    seen_content = False
    for number, line, size in _iter_lines(stream, limit=limit):
        where = f"{builder.name}:{number}"
        if line is None:
            seen_content = True
            yield Problem(where=where, code="E106", reason=f"line is {size} bytes, over the {limit}-byte line limit")
            continue
        if not line.strip():
            continue
        seen_content = True
        if looks_binary(line[:_SNIFF_BYTES]):
            yield Problem(where=where, code="E105", reason="line holds NUL or control bytes (binary data?)")
            continue
        text, repaired = decode_bytes(line)
        try:
            record = json.loads(text)
        except ValueError as exc:
            yield Problem(where=where, code="E101", reason=f"invalid JSON: {exc}")
            continue
        except RecursionError:
            yield Problem(where=where, code="E101", reason="invalid JSON: arrays or objects nested too deeply to read")
            continue
        if not isinstance(record, dict):
            yield Problem(where=where, code="E102", reason=f"line is a JSON {type(record).__name__}, not an object")
            continue
        yield from builder.build(builder.remap(record), number, repaired=repaired)
    if not seen_content:
        yield Problem(where=builder.name, code="E104", reason="no records: the input is empty")


def _decoded_lines(
    stream: BinaryIO, repaired_lines: list[int], *, limit: int, long_lines: list[tuple[int, int]]
) -> Iterator[str]:
    """Physical lines decoded one by one; numbers of cp1252-decoded lines go to ``repaired_lines``.

    A line over ``limit`` bytes is read in chunks, never whole: it is given as an empty line
    and ``(number, size)`` goes to ``long_lines``, so the row holding it can be skipped.
    """
    for number, raw, size in _iter_lines(stream, limit=limit):
        if raw is None:
            long_lines.append((number, size))
            yield "\n"
            continue
        text, repaired = decode_bytes(raw)
        if repaired:
            repaired_lines.append(number)
        yield text


def _read_delimited(stream: BinaryIO, builder: _Builder, *, delimiter: str) -> Iterator[Article | Problem]:
    _ensure_csv_field_limit(builder.max_bytes)
    repaired_lines: list[int] = []
    long_lines: list[tuple[int, int]] = []
    limit = 2 * builder.max_bytes + (1 << 20)
    lines = _decoded_lines(stream, repaired_lines, limit=limit, long_lines=long_lines)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        yield Problem(where=builder.name, code="E104", reason="no records: the file is empty")
        return
    except csv.Error as exc:
        yield Problem(where=f"{builder.name}:1", code="E110", reason=f"unreadable header: {exc}")
        return
    if long_lines:
        yield Problem(where=f"{builder.name}:1", code="E106", reason=f"header line is {long_lines[0][1]} bytes, over the {limit}-byte line limit")
        return
    columns = [name.strip().lower() for name in header]
    text_column = builder.columns.get("text", "text").lower()
    if text_column not in columns:
        yield Problem(
            where=f"{builder.name}:1",
            code="E110",
            reason=f"header has no '{text_column}' column (found: {', '.join(columns)[:200]})",
        )
        return
    repaired_lines.clear()
    rows = 0
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            repaired_lines.clear()
            long_lines.clear()
            code = "E106" if "field limit" in str(exc) else "E111"
            yield Problem(where=f"{builder.name}:{start}", code=code, reason=f"unparseable row: {exc}")
            continue
        repaired = bool(repaired_lines)
        repaired_lines.clear()
        if long_lines:
            number, size = long_lines[0]
            long_lines.clear()
            rows += 1
            yield Problem(
                where=f"{builder.name}:{start}", code="E106", reason=f"line {number} is {size} bytes, over the {limit}-byte line limit; row skipped"
            )
            continue
        if not row or not any(cell.strip() for cell in row):
            continue
        rows += 1
        if any("\x00" in cell for cell in row):
            yield Problem(where=f"{builder.name}:{start}", code="E105", reason="row holds NUL bytes (binary data?)")
            continue
        record: dict[str, object] = {}
        for name, cell in zip(columns, row):
            record.setdefault(name, cell)
        yield from builder.build(builder.remap(record, lower=True), start, repaired=repaired)
    if rows == 0:
        yield Problem(where=builder.name, code="E104", reason="no records: the file has a header but no rows")


def _title_of(text: str) -> str | None:
    """First line as title when short, unpunctuated and followed by more text."""
    stripped = text.strip()
    first, _, rest = stripped.partition("\n")
    first = first.strip()
    if not rest.strip() or not first or len(first) > TITLE_MAX_CHARS or first.endswith(_SENTENCE_END):
        return None
    return first


def _read_text(stream: BinaryIO, builder: _Builder, *, prefix: bytes = b"") -> Iterator[Article | Problem]:
    data = prefix
    if len(prefix) <= builder.max_bytes:
        data += stream.read(builder.max_bytes + 1 - len(prefix))
    if len(data) > builder.max_bytes:
        size = len(data)
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
        del data
        yield Problem(where=builder.name, code="E106", reason=f"file is {size} bytes, over max_bytes={builder.max_bytes}")
        return
    if not data.strip():
        yield Problem(where=builder.name, code="E104", reason="no text: the input is empty")
        return
    if looks_binary(data[:_SNIFF_BYTES]):
        yield Problem(where=builder.name, code="E105", reason="input holds NUL or control bytes (binary data?)")
        return
    text, repaired = decode_bytes(data)
    note = _first_invalid(data) if repaired else ""
    yield from builder.build({"text": text, "title": _title_of(text)}, 1, repaired=repaired, invalid_at=note)


def _first_invalid(data: bytes) -> str:
    """Where the first byte that is not valid UTF-8 is, for a warning: `` from line L (byte 0xXX)``."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return f" from line {line} (byte 0x{data[exc.start]:02X})"
    return ""


def _read_capped(stream: BinaryIO, limit: int, *, prefix: bytes = b"") -> tuple[bytes | None, int]:
    """Read a whole document of at most ``limit`` bytes: ``(data, size)``; ``data`` is None when over
    (the rest is then read in chunks only to count it, never held)."""
    data = prefix
    if len(prefix) <= limit:
        data += stream.read(limit + 1 - len(prefix))
    if len(data) <= limit:
        return data, len(data)
    size = len(data)
    del data
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return None, size
        size += len(chunk)


def _read_html(
    stream: BinaryIO, builder: _Builder, *, prefix: bytes = b"", url: str | None = None
) -> Iterator[Article | Problem]:
    """One HTML page: its main text and metadata (:func:`dyads.io.html.extract_page`)."""
    data, size = _read_capped(stream, builder.max_bytes, prefix=prefix)
    if data is None:
        yield Problem(where=builder.name, code="E106", reason=f"page is {size} bytes, over max_bytes={builder.max_bytes}")
        return
    if not data.strip():
        yield Problem(where=builder.name, code="E104", reason="no text: the page is empty")
        return
    if looks_binary(data[:_SNIFF_BYTES]):
        yield Problem(where=builder.name, code="E105", reason="input holds NUL or control bytes (binary data?)")
        return
    page = extract_page(data, url=url)
    if page is None:
        yield from _read_deep_html(data, builder, url=url)
        return
    record: dict[str, object] = {
        "text": page.text,
        "title": page.title,
        "url": page.url,
        "outlet": page.outlet,
        "published": page.published,
    }
    yield from builder.build(record, 1, repaired=False)


def _read_deep_html(data: bytes, builder: _Builder, *, url: str | None) -> Iterator[Article | Problem]:
    """A page without main text: when its tags nest deeper than the page parser reads, its flat
    text is kept with a warning (E122); otherwise it has no text (E103)."""
    text, depth = flat_page(data)
    if depth <= PARSER_MAX_DEPTH:
        yield Problem(where=builder.name, code="E103", reason="no main text found in the page")
        return
    if not text:
        yield Problem(where=builder.name, code="E103", reason=f"no text in the page (tags nested {depth} levels deep)")
        return
    yield from builder.build({"text": text, "url": url}, 1, repaired=False)
    yield Problem(
        where=builder.name,
        code="E122",
        reason=(
            f"tags nested {depth} levels deep, past the {PARSER_MAX_DEPTH} the page parser reads: "
            "all the page's text kept, navigation and other boilerplate included, no metadata"
        ),
        severity="warning",
    )


def _read_feed(
    stream: BinaryIO, builder: _Builder, options: ReadOptions, *, prefix: bytes = b""
) -> Iterator[Article | Problem]:
    """An RSS/Atom feed: one article per entry (``name:N`` is entry N), the feed title as outlet."""
    limit = options.max_document_bytes
    data, size = _read_capped(stream, limit, prefix=prefix)
    if data is None:
        yield Problem(where=builder.name, code="E106", reason=f"feed is {size} bytes, over {limit} ({FEED_MAX_FACTOR} x max_bytes)")
        return
    if not data.strip():
        yield Problem(where=builder.name, code="E104", reason="no entries: the feed is empty")
        return
    try:
        feed = parse_feed(declare_utf8(data))
    except NotAFeed as exc:
        yield Problem(where=builder.name, code="E118", reason=str(exc))
        return
    if not feed.entries:
        yield Problem(where=builder.name, code="E104", reason="no entries: the feed has none")
        return
    for entry in feed.entries:
        where = f"{builder.name}:{entry.number}"
        record: dict[str, object] = {
            "text": entry.text,
            "title": entry.title,
            "url": entry.link,
            "outlet": feed.title,
            "published": entry.published,
        }
        notes: list[Problem] = []
        if options.fetch_links and entry.link:
            page, note = _linked_page(entry.link, options, where=where)
            if note is not None:
                notes.append(note)
            if page is not None and len(page.text) > len(entry.text):
                record.update(text=page.text, title=entry.title or page.title, published=entry.published or page.published)
        if not str(record["text"] or "").strip():
            hint = "" if options.fetch_links else " (fetch_links reads the linked page)"
            yield Problem(where=where, code="E103", reason=f"entry has no content or summary{hint}")
            yield from notes
            continue
        yield from builder.build(record, entry.number, repaired=False)
        yield from notes


def _linked_page(link: str, options: ReadOptions, *, where: str) -> tuple[PageFields | None, Problem | None]:
    """The main text of a feed entry's linked page, or a warning (E119) saying why not."""
    got = fetch(link, max_bytes=options.max_bytes, timeout=options.timeout, severity="warning", code="E119")
    if isinstance(got, Problem):
        return None, Problem(where=where, code="E119", reason=f"linked page {link}: {got.reason}; summary kept", severity="warning")
    page = extract_page(got.data, url=got.url)
    if page is None:
        return None, Problem(where=where, code="E119", reason=f"linked page {link} has no main text; summary kept", severity="warning")
    return page, None


def _read_stream(
    stream: BinaryIO, builder: _Builder, fmt: str, options: ReadOptions | None = None
) -> Iterator[Article | Problem]:
    if fmt == "jsonl":
        yield from _read_jsonl(stream, builder)
    elif fmt in ("csv", "tsv"):
        yield from _read_delimited(stream, builder, delimiter="," if fmt == "csv" else "\t")
    elif fmt == "html":
        yield from _read_html(stream, builder)
    elif fmt == "feed":
        yield from _read_feed(stream, builder, options or ReadOptions(max_bytes=builder.max_bytes))
    else:
        yield from _read_text(stream, builder)


def _check_fmt(fmt: str | None) -> str | None:
    if fmt is None:
        return None
    name = fmt.lower().lstrip(".")
    name = FORMAT_ALIASES.get(name, name)
    if name not in FORMATS:
        raise InputError("E113", f"unknown input format {fmt!r}", fix=f"use one of: {', '.join(FORMATS)}")
    return name


class ReadPosition:
    """How many bytes of the input files have been read (for a progress bar with an ETA).

    Pass one to :func:`read_articles` (``position=``): each file's size is added to
    ``finished`` when it has been read, and :attr:`bytes_read` adds the offset reached in the
    plain file being read (an archive counts when it is done). Compare with :func:`input_bytes`.
    """

    def __init__(self) -> None:
        self.finished = 0
        self._stream: BinaryIO | None = None

    def reading(self, stream: BinaryIO | None) -> None:
        self._stream = stream

    def done(self, path: Path) -> None:
        self._stream = None
        try:
            self.finished += path.stat().st_size
        except OSError:
            return

    @property
    def bytes_read(self) -> int:
        stream = self._stream
        if stream is None:
            return self.finished
        try:
            return self.finished + stream.tell()
        except (OSError, ValueError):  # closed meanwhile
            return self.finished


def input_bytes(sources: Iterable[str | Path]) -> int | None:
    """Total size of the files :func:`read_articles` would read from ``sources`` (folders walked
    the same way); None when one is stdin or a URL, whose size is not known beforehand."""
    total = 0
    for source in sources:
        if str(source) == "-" or is_url(str(source)):
            return None
        path = Path(source)
        try:
            files = _folder_files(path) if path.is_dir() else [path]
            total += sum(file.stat().st_size for file in files)
        except OSError:
            continue
    return total


def _read_file(
    path: Path, builder: _Builder, fmt: str, options: ReadOptions | None = None, *, position: ReadPosition | None = None
) -> Iterator[Article | Problem]:
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield Problem(where=builder.name, code="E112", reason=f"cannot open: {exc.strerror or exc}")
        return
    if position is not None:
        position.reading(stream)
    with stream:
        yield from _read_opened(stream, builder, fmt, options)


def _read_opened(
    stream: BinaryIO, builder: _Builder, fmt: str, options: ReadOptions | None = None
) -> Iterator[Article | Problem]:
    """Read an open, seekable binary stream (a file, an archive member) in format ``fmt``.

    UTF-16 and UTF-32 input with a byte-order mark is read as UTF-8 (:mod:`dyads.io.transcode`).
    """
    sample = stream.read(_SNIFF_BYTES)
    wide = wide_encoding(sample)
    if wide is not None:
        stream.seek(0)
        stream = TranscodedReader(stream, wide)  # type: ignore[assignment]
        sample = stream.read(_SNIFF_BYTES)
    if not sample.strip() and len(sample) < _SNIFF_BYTES:
        yield Problem(where=builder.name, code="E104", reason="no records: the file is empty")
        return
    # Line-based files are judged line by line, so one stray NUL costs one record only.
    if looks_binary(sample, any_nul=fmt in ("txt", "html", "feed")):
        yield Problem(where=builder.name, code="E105", reason="file holds NUL or control bytes (binary data?)")
        return
    stream.seek(0)
    try:
        yield from _read_stream(stream, builder, fmt, options)
    except OSError as exc:
        yield Problem(where=builder.name, code="E112", reason=f"read failed: {exc.strerror or exc}")


def _folder_files(folder: Path) -> list[Path]:
    """Readable files under ``folder``, sorted by relative path; hidden ones skipped.

    A browser's "save complete page" folder (``page_files/`` beside ``page.html``) holds the
    page's scripts and images, not articles: it is skipped.
    """
    found: list[Path] = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if _in_saved_page_folder(path, folder):
            continue
        if format_of(path.name) is not None and path.is_file():
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def folder_files(folder: Path) -> list[Path]:
    """The files :func:`read_articles` reads from ``folder``, in the order it reads them."""
    return _folder_files(folder)


def _in_saved_page_folder(path: Path, folder: Path) -> bool:
    for parent in path.relative_to(folder).parents:
        if parent.name.endswith("_files"):
            stem = parent.name[: -len("_files")]
            beside = folder / parent.parent
            if any((beside / f"{stem}{suffix}").is_file() for suffix in (".html", ".htm", ".xhtml")):
                return True
    return False


# --------------------------------------------------------------------------- archives and URLs


def _read_path(
    path: Path, options: ReadOptions, chosen: str | None, *, name: str, position: ReadPosition | None = None
) -> Iterator[Article | Problem]:
    """One file: an archive (by ``chosen`` or the suffix), else a file of articles."""
    yield from _read_one_path(path, options, chosen, name=name, position=position)
    if position is not None:
        position.done(path)


def _read_one_path(
    path: Path, options: ReadOptions, chosen: str | None, *, name: str, position: ReadPosition | None
) -> Iterator[Article | Problem]:
    kind = chosen if chosen in CONTAINERS else format_of(path.name)
    content = chosen if chosen in CONTENT_FORMATS else None
    if kind == "gzip":
        yield from _read_gzip_file(path, options, content, name=name)
    elif kind in ("zip", "tar"):
        yield from _read_archive(path, kind, options, content, name=name)
    else:
        fmt = content or kind
        if fmt is None:  # only when a folder holds it under a suffix format_of knows
            return
        yield from _read_file(path, options.builder(name), fmt, options, position=position)


def _read_gzip_file(path: Path, options: ReadOptions, content: str | None, *, name: str) -> Iterator[Article | Problem]:
    """A ``.gz`` file: its one stream, in the format its inner name (or its first bytes) says."""
    inner = name[:-3] if name.lower().endswith(".gz") else name
    fmt = content or format_of(inner)
    try:
        with open_gzip(path, limits=options.limits, where=name) as stream:
            if fmt is None:
                fmt = sniff_format(stream.read(_SNIFF_BYTES))
                stream.seek(0)
            if fmt == "tar":
                yield from _read_archive(path, "tar", options, None, name=name)
                return
            if fmt in CONTAINERS:
                yield Problem(where=name, code="E116", reason="an archive inside an archive is not read")
                return
            yield from _read_opened(stream, options.builder(name), fmt, options)  # type: ignore[arg-type]
    except LimitExceeded as exc:
        yield Problem(where=name, code="E117", reason=f"archive not read further: {exc}")
    except (OSError, EOFError, zlib.error) as exc:
        yield Problem(where=name, code="E112", reason=f"cannot read the gzip file: {exc}")


def _read_archive(
    path: Path, kind: str, options: ReadOptions, content: str | None, *, name: str
) -> Iterator[Article | Problem]:
    """A zip or tar(.gz) file: each member in name order, origin ``archive!member:line``."""

    def kind_of(member: str) -> str | None:
        return content if content and format_of(member) not in CONTAINERS else format_of(member)

    try:
        if kind == "zip":
            members = zip_members(path, limits=options.limits, kind_of=kind_of, where=name)
        else:
            with path.open("rb") as head:
                compressed = head.read(2) == b"\x1f\x8b"
            members = tar_members(path, limits=options.limits, kind_of=kind_of, where=name, compressed=compressed)
        seen = False
        for item in members:
            seen = True
            if isinstance(item, Problem):
                yield item
                continue
            builder = options.builder(f"{name}!{item.name}")
            try:
                yield from _read_opened(item.stream, builder, item.fmt, options)
            except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
                yield Problem(where=builder.name, code="E112", reason=f"damaged archive member: {exc}")
            except LimitExceeded as exc:
                yield Problem(where=builder.name, code="E117", reason=f"archive not read further, from this member on: {exc}")
                return
        if not seen:  # an empty archive, or one of files in no format read here, is said so
            yield Problem(where=name, code="E104", reason=f"no articles: the {kind} archive holds no file in a format dyads reads")
    except LimitExceeded as exc:
        yield Problem(where=name, code="E117", reason=f"archive not read further: {exc}")
    # zipfile raises UnicodeDecodeError for a member name flagged UTF-8 that is not, and IndexError
    # for an empty one (found by fuzz/fuzz_archive.py): a damaged archive like any other
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, zlib.error, NotImplementedError,
            UnicodeDecodeError, IndexError) as exc:  # fmt: skip
        yield Problem(where=name, code="E112", reason=f"cannot read the {kind} archive: {type(exc).__name__}: {exc}")


def _read_url(url: str, options: ReadOptions, chosen: str | None) -> Iterator[Article | Problem]:
    """A URL the user named: a feed, a page, or a file of articles, by ``chosen``, content type or content."""
    got = fetch(url, max_bytes=options.max_document_bytes, timeout=options.timeout)
    if isinstance(got, Problem):
        yield got
        return
    fmt = chosen or _format_of_response(got)
    builder = options.builder(url)
    stream = io.BytesIO(got.data)
    if fmt == "html":
        yield from _read_html(stream, builder, url=got.url)
    elif fmt == "gzip":
        yield from _read_sniffed(gzip_stream(stream, limits=options.limits, where=url), builder, options, None)  # type: ignore[arg-type]
    elif fmt in CONTAINERS:
        yield Problem(where=url, code="E113", reason=f"a {fmt} archive is read from a file only: download it, then read the file")
    elif not got.data.strip():
        yield Problem(where=url, code="E104", reason="no input: the response is empty")
    else:
        yield from _read_stream(stream, builder, fmt, options)


def _format_of_response(got: Fetched) -> str:
    kind = got.content_type
    head = got.data[:_SNIFF_BYTES]
    if "gzip" in kind:
        return "gzip"
    if "csv" in kind:
        return "csv"
    if "tab-separated" in kind:
        return "tsv"
    by_suffix = format_of(PurePosixPath(got.url.split("?")[0].split("#")[0]).name)
    if by_suffix in ("jsonl", "csv", "tsv") and "html" not in kind:
        return by_suffix
    return sniff_format(head)


def _read_sniffed(
    stream: BinaryIO, builder: _Builder, options: ReadOptions, chosen: str | None
) -> Iterator[Article | Problem]:
    """Read a stream that cannot seek (stdin, a decompressed stream), telling its format from its first bytes."""
    try:
        if chosen is not None and chosen != "gzip":
            if chosen in CONTAINERS:
                yield Problem(where=builder.name, code="E113", reason=f"a {chosen} archive is read from a file only")
            else:
                yield from _read_stream(stream, builder, chosen, options)
            return
        grown = bytearray()  # leading whitespace, byte by byte: a bytearray grows in place
        while True:
            chunk = stream.read(1)
            if not chunk:
                break
            grown += chunk
            if not chunk.isspace():
                break
            if len(grown) > builder.max_bytes:
                break
        prefix = bytes(grown)
        del grown
        if not prefix.strip():
            yield Problem(where=builder.name, code="E104", reason="no input: the stream is empty")
            return
        if prefix in (b"\xff", b"\xfe", b"\x00") and not isinstance(stream, TranscodedReader):
            head = prefix + stream.read(3)
            wide = wide_encoding(head)
            if wide is not None:
                inner = TranscodedReader(_Prefixed(head, stream), wide)  # type: ignore[arg-type]
                yield from _read_sniffed(inner, builder, options, None)  # type: ignore[arg-type]
                return
            stream = _Prefixed(head[1:], stream)  # type: ignore[assignment]
        first = prefix.lstrip()[:1]
        if chosen == "gzip" or (prefix == b"\x1f" and first == b"\x1f"):
            if isinstance(stream, _GzipInner):
                yield Problem(where=builder.name, code="E116", reason="an archive inside an archive is not read")
                return
            inner = _GzipInner(gzip_stream(_Prefixed(prefix, stream), limits=options.limits, where=builder.name))  # type: ignore[arg-type]
            yield from _read_sniffed(inner, builder, options, None)  # type: ignore[arg-type]
            return
        if first == b"{":
            yield from _read_jsonl(_Prefixed(prefix, stream), builder)  # type: ignore[arg-type]
        elif first == b"<":
            head = prefix + stream.read(_SNIFF_BYTES)
            if sniff_format(head) == "feed":
                yield from _read_feed(stream, builder, options, prefix=head)
            else:
                yield from _read_html(stream, builder, prefix=head)
        else:
            yield from _read_text(stream, builder, prefix=prefix)
    except LimitExceeded as exc:
        yield Problem(where=builder.name, code="E117", reason=f"stream not read further: {exc}")
    except (EOFError, zlib.error, OSError) as exc:
        yield Problem(where=builder.name, code="E112", reason=f"read failed: {exc}")


class _GzipInner:
    """Marks the decompressed side of a gzip stream (a second gzip inside is refused)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def readline(self, size: int = -1) -> bytes:
        return self._stream.readline(size)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._stream)


# --------------------------------------------------------------------------- public API


def read_stream(
    stream: BinaryIO,
    *,
    name: str = "<stdin>",
    published: dt.date | None = None,
    fmt: str | None = None,
    max_bytes: int = 5_000_000,
    columns: Mapping[str, str] | None = None,
    fetch_links: bool = False,
    max_archive_bytes: int = 2_000_000_000,
    max_compression_ratio: float = 200.0,
    timeout: float = 30.0,
) -> Iterator[Article | Problem]:
    """Read articles from a binary stream (stdin by default in the CLI).

    Without ``fmt`` the format is told from the first bytes: gzip-compressed data is
    decompressed (and its content told the same way), ``{`` starts JSONL, ``<`` an HTML
    page or an RSS/Atom feed, and anything else is one plain-text article. Zip and tar
    archives need a file. Options are those of :func:`read_articles`.
    """
    chosen = _check_fmt(fmt)
    options = _options(
        published=published, max_bytes=max_bytes, columns=columns, fetch_links=fetch_links,
        max_archive_bytes=max_archive_bytes, max_compression_ratio=max_compression_ratio, timeout=timeout,
    )
    yield from _read_sniffed(stream, options.builder(name), options, chosen)


class _Prefixed:
    """A binary reader that replays ``prefix`` before reading on from ``stream``."""

    def __init__(self, prefix: bytes, stream: BinaryIO) -> None:
        self._pending = prefix.splitlines(keepends=True)
        self._stream = stream

    def readline(self, limit: int = -1) -> bytes:
        if not self._pending:
            return self._stream.readline(limit)
        head = self._pending.pop(0)
        if head.endswith(b"\n") or self._pending:
            return head
        rest_limit = -1 if limit < 0 else limit - len(head)
        return head + (self._stream.readline(rest_limit) if rest_limit != 0 else b"")

    def read(self, size: int = -1) -> bytes:
        head = b"".join(self._pending)
        self._pending = []
        if size is None or size < 0:
            return head + self._stream.read()
        if len(head) >= size:
            self._pending = [head[size:]] if len(head) > size else []
            return head[:size]
        return head + self._stream.read(size - len(head))

    def __iter__(self) -> Iterator[bytes]:
        while True:
            line = self.readline()
            if not line:
                return
            yield line


def _options(
    *,
    published: dt.date | None,
    max_bytes: int,
    columns: Mapping[str, str] | None,
    fetch_links: bool,
    max_archive_bytes: int,
    max_compression_ratio: float,
    timeout: float,
) -> ReadOptions:
    if max_bytes < 1:
        raise InputError("E114", f"max_bytes must be positive, got {max_bytes}", fix="pass max_bytes >= 1")
    if max_archive_bytes < 1 or max_compression_ratio <= 1 or timeout <= 0:
        raise InputError(
            "E114",
            "max_archive_bytes, max_compression_ratio and timeout must be positive (the ratio over 1)",
            fix="pass max_archive_bytes >= 1, max_compression_ratio > 1 and timeout > 0",
        )
    return ReadOptions(
        published=published,
        max_bytes=max_bytes,
        columns=check_columns(columns),
        fetch_links=fetch_links,
        max_archive_bytes=max_archive_bytes,
        max_compression_ratio=max_compression_ratio,
        timeout=timeout,
    )


def read_articles(
    source: str | Path,
    *,
    published: dt.date | None = None,
    fmt: str | None = None,
    max_bytes: int = 5_000_000,
    columns: Mapping[str, str] | None = None,
    fetch_links: bool = False,
    max_archive_bytes: int = 2_000_000_000,
    max_compression_ratio: float = 200.0,
    timeout: float = 30.0,
    position: ReadPosition | None = None,
) -> Iterator[Article | Problem]:
    """Yield articles (and problems) from a file, a folder, a URL, or ``"-"`` for stdin.

    * ``.jsonl``/``.ndjson``: one JSON object per line with ``text`` and optional
      ``id``, ``title``, ``url``, ``outlet``, ``published``.
    * ``.csv``/``.tsv``: the same columns, header row required.
    * ``.txt``: one article; its first line is the title when short and unpunctuated.
    * ``.html``/``.htm``: one page: its main text, title, date, site name and canonical url.
    * ``.xml``/``.rss``/``.atom``: an RSS/Atom feed, one article per entry.
    * ``.gz`` (one file), ``.zip``, ``.tar``, ``.tar.gz``/``.tgz``: archives of the above,
      members read as streams in name order; origin ``archive!member:line``.
    * a folder: every file with one of those suffixes inside, recursively, sorted by
      relative path; hidden files and folders are skipped.
    * ``http://``/``https://``: fetched once (a feed, a page or a file of articles).

    ``published`` is the date of articles that carry none (e.g. ``.txt`` files).
    ``fmt`` overrides the format chosen by suffix. ``columns`` maps article fields to
    other column (JSON key) names, e.g. ``{"text": "body", "published": "date"}``.
    ``fetch_links`` lets a feed entry's linked page replace its summary (off: nothing but
    the named URLs is fetched). ``max_archive_bytes`` and ``max_compression_ratio`` cap
    what an archive may decompress to; ``timeout`` is in seconds per fetch. Article ids are
    content hashes unless the input gives one; ``origin`` is ``file:line``. ``position``
    (a :class:`ReadPosition`) is told how many bytes of the files have been read.

    Raises:
        InputError: E100 when ``source`` does not exist, E113 for an unknown
            format or a file whose suffix says nothing and no ``fmt`` is given,
            E114 for a limit below 1, E120 for a bad ``columns`` mapping.
    """
    chosen = _check_fmt(fmt)
    options = _options(
        published=published, max_bytes=max_bytes, columns=columns, fetch_links=fetch_links,
        max_archive_bytes=max_archive_bytes, max_compression_ratio=max_compression_ratio, timeout=timeout,
    )
    if str(source) == "-":
        yield from _read_sniffed(sys.stdin.buffer, options.builder("<stdin>"), options, chosen)
        return
    if is_url(str(source)):
        yield from _read_url(str(source), options, chosen)
        return
    path = Path(source)
    if path.is_dir():
        for file in _folder_files(path):
            yield from _read_path(file, options, chosen, name=str(file), position=position)
        return
    if not path.exists():
        raise InputError("E100", f"input not found: {path}", fix="check the path, or pass '-' to read stdin")
    if chosen is None and format_of(path.name) is None:
        raise InputError(
            "E113",
            f"cannot tell the format of {path.name!r} from its suffix",
            fix=f"rename it (.jsonl/.csv/.tsv/.txt/.html/.xml/.gz/.zip/.tar) or pass fmt= one of {', '.join(FORMATS)}",
        )
    yield from _read_path(path, options, chosen, name=str(path), position=position)


def summarise(problems: Iterable[Problem]) -> str:
    """One line per problem code: count, severity and the first place it occurred."""
    counts: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], Problem] = {}
    for problem in problems:
        key = (problem.code, problem.severity)
        counts[key] += 1
        first.setdefault(key, problem)
    if not counts:
        return "no problems"
    lines = []
    for key in sorted(counts):
        example = first[key]
        noun = "error" if key[1] == "error" else "warning"
        plural = "" if counts[key] == 1 else "s"
        lines.append(f"{key[0]} {counts[key]} {noun}{plural}, first at {example.where}: {example.reason}")
    return "\n".join(lines)


@dataclass
class ReadReport:
    """Counts of what a read produced: articles, skips and warnings by code, and the problems."""

    read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    warned: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)

    def add(self, item: Article | Problem) -> None:
        """Count one item from :func:`read_articles`."""
        if isinstance(item, Article):
            self.read += 1
            return
        self.problems.append(item)
        if item.severity == "error":
            self.skipped[item.code] += 1
        else:
            self.warned[item.code] += 1

    def articles(self, items: Iterable[Article | Problem]) -> Iterator[Article]:
        """Pass the articles of ``items`` through, counting everything on the way."""
        for item in items:
            self.add(item)
            if isinstance(item, Article):
                yield item

    @property
    def n_skipped(self) -> int:
        return sum(self.skipped.values())

    def summary(self) -> str:
        """``read N, skipped M`` followed by :func:`summarise` of the problems."""
        head = f"read {self.read} article{'s' if self.read != 1 else ''}, skipped {self.n_skipped}"
        if self.warned:
            head += f", {sum(self.warned.values())} warning{'s' if sum(self.warned.values()) != 1 else ''}"
        return head if not self.problems else head + "\n" + summarise(self.problems)
