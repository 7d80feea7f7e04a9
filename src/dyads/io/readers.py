"""Read news articles from JSONL, CSV/TSV, plain-text files, folders and stdin.

Bad input never stops a run: every unusable piece of input becomes a
:class:`~dyads.records.Problem` in the output stream and reading goes on.
Input is streamed line by line, so memory stays flat however long a file is;
an over-long line is skipped without being held in memory.

Problem codes (``where`` is ``file:line``, or ``file`` for whole-file problems):

======  ========  ==========================================================
code    severity  meaning
======  ========  ==========================================================
E101    error     a JSONL line is not valid JSON
E102    error     a JSONL line is valid JSON but not an object
E103    error     the record has no ``text``, or it is empty or not a string
E104    error     the file (or stdin) is empty
E105    error     the file or line looks binary (NUL bytes / control bytes)
E106    error     the article (or its line) is longer than ``max_bytes``
E107    warning   not valid UTF-8; decoded as cp1252 instead (article kept);
                  also: lone surrogate escapes in JSON replaced by U+FFFD
E108    warning   the ``published`` value is not a date (article kept, no date)
E109    warning   a metadata field (id, title, url, outlet) has a bad type
E110    error     a CSV/TSV file has no header or no ``text`` column
E111    error     a CSV/TSV row cannot be parsed
E112    error     the file cannot be opened or read
======  ========  ==========================================================

Raised as :class:`~dyads.errors.InputError` (nothing can be read at all):
E100 the source does not exist, E113 unknown format, E114 ``max_bytes < 1``.

Encoding fallback: each JSONL line (each CSV physical line, each text file) is
decoded as UTF-8 (a BOM is dropped) and, when that fails, as cp1252.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from dyads.errors import InputError
from dyads.records import Article, Problem

FORMATS = ("jsonl", "csv", "tsv", "txt")
"""Formats :func:`read_articles` understands (``fmt=``)."""

SUFFIXES: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "txt",
}
"""File suffixes (lower-cased) and the format each one means."""

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
    """Decode ``data`` as UTF-8, falling back to cp1252.

    Returns ``(text, repaired)``; ``repaired`` is True when the fallback was used.
    A UTF-8 byte-order mark is dropped. The five bytes cp1252 leaves undefined
    (0x81, 0x8D, 0x8F, 0x90, 0x9D) become U+FFFD.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), True


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

    def build(self, record: dict[str, object], line: int, *, repaired: bool) -> list[Article | Problem]:
        where = f"{self.name}:{line}"
        out: list[Article | Problem] = []
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            reason = "no 'text' field" if text is None else (
                "'text' is empty" if isinstance(text, str) else f"'text' is a {type(text).__name__}, not a string"
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
        raw_date = record.get("published")
        try:
            parsed = parse_published(raw_date)
        except ValueError as exc:
            out.append(Problem(where=where, code="E108", reason=f"bad 'published' value: {exc}", severity="warning"))
        else:
            if parsed is not None:
                published = parsed
        if repaired:
            out.append(Problem(where=where, code="E107", reason="not valid UTF-8; decoded as cp1252", severity="warning"))
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
        if not isinstance(record, dict):
            yield Problem(where=where, code="E102", reason=f"line is a JSON {type(record).__name__}, not an object")
            continue
        yield from builder.build(record, number, repaired=repaired)
    if not seen_content:
        yield Problem(where=builder.name, code="E104", reason="no records: the input is empty")


def _decoded_lines(stream: BinaryIO, repaired_lines: list[int]) -> Iterator[str]:
    """Physical lines decoded one by one; numbers of cp1252-decoded lines go to ``repaired_lines``."""
    number = 0
    for raw in stream:
        number += 1
        text, repaired = decode_bytes(raw)
        if repaired:
            repaired_lines.append(number)
        yield text


def _read_delimited(stream: BinaryIO, builder: _Builder, *, delimiter: str) -> Iterator[Article | Problem]:
    _ensure_csv_field_limit(builder.max_bytes)
    repaired_lines: list[int] = []
    lines = _decoded_lines(stream, repaired_lines)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        yield Problem(where=builder.name, code="E104", reason="no records: the file is empty")
        return
    except csv.Error as exc:
        yield Problem(where=f"{builder.name}:1", code="E110", reason=f"unreadable header: {exc}")
        return
    columns = [name.strip().lower() for name in header]
    if "text" not in columns:
        yield Problem(
            where=f"{builder.name}:1",
            code="E110",
            reason=f"header has no 'text' column (found: {', '.join(columns)[:200]})",
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
            code = "E106" if "field limit" in str(exc) else "E111"
            yield Problem(where=f"{builder.name}:{start}", code=code, reason=f"unparseable row: {exc}")
            continue
        repaired = bool(repaired_lines)
        repaired_lines.clear()
        if not row or not any(cell.strip() for cell in row):
            continue
        rows += 1
        if any("\x00" in cell for cell in row):
            yield Problem(where=f"{builder.name}:{start}", code="E105", reason="row holds NUL bytes (binary data?)")
            continue
        record: dict[str, object] = {}
        for name, cell in zip(columns, row):
            record.setdefault(name, cell)
        yield from builder.build(record, start, repaired=repaired)
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
    yield from builder.build({"text": text, "title": _title_of(text)}, 1, repaired=repaired)


def _read_stream(stream: BinaryIO, builder: _Builder, fmt: str) -> Iterator[Article | Problem]:
    if fmt == "jsonl":
        yield from _read_jsonl(stream, builder)
    elif fmt in ("csv", "tsv"):
        yield from _read_delimited(stream, builder, delimiter="," if fmt == "csv" else "\t")
    else:
        yield from _read_text(stream, builder)


def _check_fmt(fmt: str | None) -> str | None:
    if fmt is None:
        return None
    name = fmt.lower().lstrip(".")
    name = "jsonl" if name == "ndjson" else name
    if name not in FORMATS:
        raise InputError("E113", f"unknown input format {fmt!r}", fix=f"use one of: {', '.join(FORMATS)}")
    return name


def _read_file(path: Path, builder: _Builder, fmt: str) -> Iterator[Article | Problem]:
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield Problem(where=builder.name, code="E112", reason=f"cannot open: {exc.strerror or exc}")
        return
    with stream:
        sample = stream.read(_SNIFF_BYTES)
        if not sample.strip() and len(sample) < _SNIFF_BYTES:
            yield Problem(where=builder.name, code="E104", reason="no records: the file is empty")
            return
        # Line-based files are judged line by line, so one stray NUL costs one record only.
        if looks_binary(sample, any_nul=fmt == "txt"):
            yield Problem(where=builder.name, code="E105", reason="file holds NUL or control bytes (binary data?)")
            return
        stream.seek(0)
        try:
            yield from _read_stream(stream, builder, fmt)
        except OSError as exc:
            yield Problem(where=builder.name, code="E112", reason=f"read failed: {exc.strerror or exc}")


def _folder_files(folder: Path) -> list[Path]:
    """Readable files under ``folder``, sorted by relative path; hidden ones skipped."""
    found: list[Path] = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix.lower() in SUFFIXES and path.is_file():
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


# --------------------------------------------------------------------------- public API


def read_stream(
    stream: BinaryIO,
    *,
    name: str = "<stdin>",
    published: dt.date | None = None,
    fmt: str | None = None,
    max_bytes: int = 5_000_000,
) -> Iterator[Article | Problem]:
    """Read articles from a binary stream (stdin by default in the CLI).

    Without ``fmt`` the stream is JSONL when its first non-blank character is
    ``{`` and one plain-text article otherwise.
    """
    chosen = _check_fmt(fmt)
    builder = _Builder(name=name, published=published, max_bytes=max_bytes)
    if chosen is not None:
        yield from _read_stream(stream, builder, chosen)
        return
    prefix = b""
    while True:
        chunk = stream.read(1)
        if not chunk:
            break
        prefix += chunk
        if not chunk.isspace():
            break
        if len(prefix) > builder.max_bytes:
            break
    if not prefix.strip():
        yield Problem(where=name, code="E104", reason="no input: the stream is empty")
        return
    if prefix.lstrip().startswith(b"{"):
        yield from _read_jsonl(_Prefixed(prefix, stream), builder)
    else:
        yield from _read_text(stream, builder, prefix=prefix)


class _Prefixed:
    """A binary reader that replays ``prefix`` (line by line) before reading on from ``stream``."""

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


def read_articles(
    source: str | Path,
    *,
    published: dt.date | None = None,
    fmt: str | None = None,
    max_bytes: int = 5_000_000,
) -> Iterator[Article | Problem]:
    """Yield articles (and problems) from a file, a folder, or ``"-"`` for stdin.

    * ``.jsonl``/``.ndjson``: one JSON object per line with ``text`` and optional
      ``id``, ``title``, ``url``, ``outlet``, ``published``.
    * ``.csv``/``.tsv``: the same columns, header row required.
    * ``.txt``: one article; its first line is the title when short and unpunctuated.
    * a folder: every ``.txt``/``.jsonl``/``.ndjson``/``.csv``/``.tsv`` file inside,
      recursively, sorted by relative path; hidden files and folders are skipped.

    ``published`` is the date of articles that carry none (e.g. ``.txt`` files).
    ``fmt`` overrides the format chosen by suffix. Article ids are content hashes
    unless the input gives one; ``origin`` is ``file:line``.

    Raises:
        InputError: E100 when ``source`` does not exist, E113 for an unknown
            format or a file whose suffix says nothing and no ``fmt`` is given.
    """
    chosen = _check_fmt(fmt)
    if max_bytes < 1:
        raise InputError("E114", f"max_bytes must be positive, got {max_bytes}", fix="pass max_bytes >= 1")
    if str(source) == "-":
        yield from read_stream(sys.stdin.buffer, published=published, fmt=chosen, max_bytes=max_bytes)
        return
    path = Path(source)
    if path.is_dir():
        for file in _folder_files(path):
            file_fmt = chosen or SUFFIXES[file.suffix.lower()]
            builder = _Builder(name=str(file), published=published, max_bytes=max_bytes)
            yield from _read_file(file, builder, file_fmt)
        return
    if not path.exists():
        raise InputError("E100", f"input not found: {path}", fix="check the path, or pass '-' to read stdin")
    file_fmt = chosen or SUFFIXES.get(path.suffix.lower())
    if file_fmt is None:
        raise InputError(
            "E113",
            f"cannot tell the format of {path.name!r} from its suffix",
            fix=f"rename it to .jsonl/.csv/.tsv/.txt or pass fmt= one of {', '.join(FORMATS)}",
        )
    builder = _Builder(name=str(path), published=published, max_bytes=max_bytes)
    yield from _read_file(path, builder, file_fmt)


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
