"""Property-based tests (hypothesis) of everything that reads outside input: the readers (JSONL,
CSV/TSV, text, HTML, RSS/Atom, gzip/zip/tar, a pipe), the date resolver, the gazetteer and the
actor-file loader.

Rules checked: nothing raises but a dyads error (readers turn bad input into Problem records);
every call ends within a time bound; no Article has empty text; every Problem names its file (and
its line where there is one); every good JSONL line or CSV row among junk comes out exactly once;
resolved dates stay inside the calendar with an end no earlier than their start.
Examples per test are kept small so the file runs in well under a minute on a busy 2-core machine.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import gzip
import io
import json
import signal
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyads.actors.userfile import load_actor_file
from dyads.dates import (
    DateError,
    find_date_expressions,
    resolve,
    resolve_absolute,
    shift_date,
)
from dyads.errors import DataError
from dyads.geo.gazetteer import Gazetteer, fold_name
from dyads.io.readers import looks_binary, read_articles, read_stream
from dyads.records import Article, EventDate, Problem

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIMIT_S = 20.0
"""No single read or lookup may take longer than this (a hang fails the test, it does not stall it)."""


class TookTooLong(AssertionError):
    pass


@contextlib.contextmanager
def bounded(seconds: float = LIMIT_S) -> Iterator[None]:
    """Fail with TookTooLong when the block runs longer than ``seconds`` of wall time."""

    def on_alarm(signum: int, frame: object) -> None:
        raise TookTooLong(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def read_all(path: Path, **options: object) -> list[Article | Problem]:
    """Every item the reader yields for ``path``, checked against the rules every reader keeps."""
    with bounded():
        items = list(read_articles(path, **options))  # type: ignore[arg-type]
    assert items, "a reader must say something: an article or a problem"
    for item in items:
        assert isinstance(item, (Article, Problem))
        if isinstance(item, Article):
            assert item.text.strip(), f"empty article from {item.origin}"
            assert item.origin is not None and item.origin.startswith(str(path))
        else:
            assert item.where.startswith(str(path)), item
            assert item.code.startswith("E") and item.reason.strip()
    return items


def article_lines(items: list[Article | Problem]) -> list[int]:
    return [int(item.origin.rsplit(":", 1)[1]) for item in items if isinstance(item, Article) and item.origin]


# --------------------------------------------------------------------------- JSONL

good_text = st.text(min_size=1, max_size=80).filter(lambda t: t.strip())
junk_line = st.one_of(
    st.binary(max_size=60).map(lambda b: b.replace(b"\n", b" ")),
    st.sampled_from([b"{", b"[1, 2]", b"null", b'"text"', b'{"text": ""}', b'{"text": 5}', b'{"body": "x"}', b"{}"]),
    st.text(max_size=40).map(lambda t: t.replace("\n", " ").encode("utf-8", "surrogatepass")),
)
jsonl_lines = st.lists(
    st.one_of(
        good_text.map(lambda t: ("good", t)),
        junk_line.map(lambda j: ("junk", j)),
    ),
    min_size=1,
    max_size=12,
)


WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def _good_record(text: str) -> bytes:
    return json.dumps({"text": text, "title": "t"}).encode("utf-8")


@FAST
@given(lines=jsonl_lines)
def test_every_good_jsonl_line_among_junk_comes_out_exactly_once(scratch: Path, lines: list[tuple[str, object]]) -> None:
    raw = [_good_record(value) if kind == "good" else value for kind, value in lines]  # type: ignore[misc]
    data = b"\n".join(raw) + b"\n"  # type: ignore[arg-type]
    path = scratch / "lines.jsonl"
    path.write_bytes(data)
    items = read_all(path)
    if looks_binary(data[:8192], any_nul=False):
        assert [item.code for item in items] == ["E105"]  # the whole file looks binary: refused, said so
        return
    if data.startswith(WIDE_BOMS):
        return  # a UTF-16/32 byte-order mark: the file is read in that encoding, not as these UTF-8 lines
    good = {number: value for number, (kind, value) in enumerate(lines, start=1) if kind == "good"}
    found = article_lines(items)
    assert sorted(found) == sorted(set(found)), "a line gave two articles"
    assert set(good) <= set(found)
    texts = {int(a.origin.rsplit(":", 1)[1]): a.text for a in items if isinstance(a, Article) and a.origin}
    for number, text in good.items():
        assert texts[number] == text.encode("utf-8", "surrogatepass").decode("utf-8", "replace") or "\ufffd" in texts[number]
    # every line that gave no article and is not blank is named by a problem at its own line
    problem_lines = {int(p.where.rsplit(":", 1)[1]) for p in items if isinstance(p, Problem) and p.where.count(":")}
    for number, line in enumerate(raw, start=1):
        if number not in found and line.strip():  # type: ignore[union-attr]
            assert number in problem_lines, (number, line)


# --------------------------------------------------------------------------- every reader on any bytes


@SLOW
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".jsonl", ".csv", ".tsv", ".txt", ".html", ".xml"]))
def test_any_bytes_in_any_format_give_articles_or_problems(scratch: Path, data: bytes, suffix: str) -> None:
    path = scratch / f"any{suffix}"
    path.write_bytes(data)
    items = read_all(path, max_bytes=2000)
    if not data.strip():
        assert [item.code for item in items] == ["E104"]


markup = st.lists(
    st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<html>", "<body>", "<title>", "<article>", "<script>",
                     "<rss version='2.0'>", "<channel>", "<item>", "<description>", "</item>", "<entry>", "<feed>",
                     "&amp;", "&#0;", "&#xD800;", "<![CDATA[", "]]>", "<!--", "-->", "<?xml version='1.0'?>"])
    | st.text(max_size=30),
    max_size=40,
).map("".join)  # fmt: skip


@SLOW
@given(page=markup, suffix=st.sampled_from([".html", ".xml"]))
def test_tag_soup_pages_and_feeds_never_crash(scratch: Path, page: str, suffix: str) -> None:
    path = scratch / f"soup{suffix}"
    path.write_bytes(page.encode("utf-8", "surrogatepass"))
    items = read_all(path)
    if suffix == ".html":
        assert len([item for item in items if isinstance(item, Article)]) <= 1


@pytest.mark.parametrize(
    "reference",
    [b"&#xD800;", b"&#55296;", b"&#x110000;", b"&#99999999999999999999999;", b"&#" + b"9" * 5000 + b";", b"&#0;"],
)
def test_regression_feed_with_a_bad_character_reference_is_read(scratch: Path, reference: bytes) -> None:
    # found by hypothesis (test_tag_soup_pages_and_feeds_never_crash): feedparser raised
    # UnicodeEncodeError / ValueError / OverflowError on these references (feedparser/mixin.py:359)
    path = scratch / "charref.xml"
    path.write_bytes(
        b"<rss version='2.0'><channel><title>Desk" + reference + b"</title><item><description>Troops "
        + reference + b" withdrew.</description></item></channel></rss>"
    )
    (article,) = read_all(path)
    assert isinstance(article, Article)
    assert article.text == "Troops \ufffd withdrew." and article.outlet == "Desk\ufffd"


@SLOW
@given(data=st.binary(max_size=2000))
def test_a_pipe_of_any_bytes_is_sniffed_without_crashing(data: bytes) -> None:
    with bounded():
        items = list(read_stream(io.BytesIO(data), name="<stdin>", max_bytes=4000))
    assert items
    assert all(isinstance(i, Article) and i.text.strip() or isinstance(i, Problem) and i.where.startswith("<stdin>") for i in items)


# --------------------------------------------------------------------------- CSV/TSV

cell = st.text(max_size=30).filter(lambda t: "\x00" not in t and "\r" not in t)


@FAST
@given(rows=st.lists(st.tuples(cell, cell), min_size=1, max_size=10), delimiter=st.sampled_from([",", "\t"]))
def test_every_written_csv_row_with_text_comes_out_once(scratch: Path, rows: list[tuple[str, str]], delimiter: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["title", "text"])
    writer.writerows(rows)
    path = scratch / ("rows.csv" if delimiter == "," else "rows.tsv")
    path.write_bytes(buffer.getvalue().encode("utf-8", "surrogatepass"))
    items = read_all(path)
    articles = [item for item in items if isinstance(item, Article)]
    expected = [text for _, text in rows if text.strip()]
    if looks_binary(path.read_bytes()[:8192], any_nul=False):
        return  # control-heavy cells: the file is refused as binary (E105), checked by read_all's rules
    assert [a.text for a in articles] == [t.encode("utf-8", "surrogatepass").decode("utf-8", "replace") for t in expected] or any(
        "\ufffd" in a.text for a in articles
    )


# --------------------------------------------------------------------------- archives

member_name = st.sampled_from(["a.jsonl", "b.txt", "../up.jsonl", "/etc/abs.txt", "d/e.csv", "f.html", "g.zip", "h.gz", "x" * 200 + ".txt"])
member = st.tuples(member_name, st.binary(max_size=300) | st.just(b'{"text": "an archived article"}\n'))


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return out.getvalue()


def _tar(members: list[tuple[str, bytes]], links: list[str], mode: str) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode) as archive:
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
        for target in links:
            info = tarfile.TarInfo(f"link-{len(target)}.txt")
            info.type, info.linkname = tarfile.SYMTYPE, target
            archive.addfile(info)
    return out.getvalue()


def _files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*")}


@SLOW
@given(
    members=st.lists(member, max_size=5, unique_by=lambda m: m[0]),
    links=st.lists(st.sampled_from(["../../etc/passwd", "/etc/passwd", "a.jsonl"]), max_size=2),
    kind=st.sampled_from(["zip", "tar", "tar.gz", "jsonl.gz"]),
    damage=st.integers(min_value=-1, max_value=400),
)
def test_archives_whole_or_damaged_never_crash_or_write_files(
    scratch: Path, members: list[tuple[str, bytes]], links: list[str], kind: str, damage: int
) -> None:
    if kind == "zip":
        data = _zip(members)
    elif kind == "jsonl.gz":
        data = gzip.compress(b"".join(content for _, content in members))
    else:
        data = _tar(members, links, "w:gz" if kind == "tar.gz" else "w")
    if 0 <= damage < len(data):  # flip one byte, or cut the file there
        data = data[:damage] + bytes([data[damage] ^ 0xFF]) + data[damage + 1 :] if damage % 2 else data[:damage]
    folder = scratch / "archive"
    folder.mkdir(exist_ok=True)
    path = folder / f"in.{kind}"
    path.write_bytes(data)
    before = _files_under(scratch.parent)
    read_all(path, max_archive_bytes=1 << 20)
    assert _files_under(scratch.parent) == before, "reading an archive must not write files"


# --------------------------------------------------------------------------- dates

calendar_edges = st.sampled_from([dt.date(1, 1, 1), dt.date(1, 3, 1), dt.date(9999, 12, 31), dt.date(9999, 1, 1)])
any_date = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)) | calendar_edges
date_words = st.lists(
    st.sampled_from(["yesterday", "tomorrow", "today", "last", "next", "this", "week", "weekend", "month", "year",
                     "Monday", "Friday", "June", "March", "Feb", "29", "31", "5th", "2016", "1999", "999", "decades",
                     "years", "ago", "later", "before", "the day", "from", "to", "between", "and", "05/06/2016",
                     "2016-13-45", "mid-", "late", "early", "two", "a couple of", "days", "on", "in", ","])
    | st.text(max_size=8),
    max_size=14,
).map(" ".join)  # fmt: skip


def _in_calendar(value: EventDate | None, text: str, offset: int) -> None:
    if value is None:
        return
    assert value.precision in ("day", "week", "month", "year")
    assert value.end_date is None or value.end_date >= value.date
    if value.span is not None:
        assert text[value.span.start - offset : value.span.end - offset] == value.span.text


@FAST
@given(text=date_words, published=any_date, future=st.booleans(), count=st.integers(0, 999))
def test_date_phrases_resolve_or_give_none_at_any_publication_date(text: str, published: dt.date, future: bool, count: int) -> None:
    with bounded():
        found = find_date_expressions(text)
        end = 0
        for expr in found:
            assert expr.start >= end and text[expr.start : expr.end] == expr.text
            end = expr.end
            value = resolve(expr, published=published, offset=3, future=future)
            _in_calendar(value, text, 3)
            _in_calendar(resolve_absolute(expr), text, 0)
            if value is not None:
                shifted = shift_date(value, count=count, unit="year", later=future)
                assert shifted is None or shifted.precision == value.precision or value.precision == "day"


@FAST
@given(text=st.text(max_size=300))
def test_date_finder_takes_any_text(text: str) -> None:
    with bounded():
        for expr in find_date_expressions(text):
            assert text[expr.start : expr.end] == expr.text


@pytest.mark.parametrize(
    ("phrase", "published"),
    [
        ("999 decades ago", dt.date(2024, 5, 1)),  # year -7966, from a normal publication date
        ("999 years later", dt.date(9001, 5, 1)),
        ("three days later", dt.date(9999, 12, 30)),
        ("yesterday", dt.date(1, 1, 1)),
        ("last March", dt.date(1, 1, 1)),
        ("February 29", dt.date(1, 1, 1)),
        ("tomorrow", dt.date(9999, 12, 31)),
        ("next year", dt.date(9999, 6, 1)),
        ("next weekend", dt.date(9999, 12, 31)),
    ],
)
def test_regression_dates_outside_the_calendar_are_none_not_a_crash(phrase: str, published: dt.date) -> None:
    # found by fuzz/fuzz_dates.py: OverflowError / ValueError escaped resolve() (e.g. resolve.py:48, :258)
    (expr,) = find_date_expressions(phrase)
    assert resolve(expr, published=published) is None


@pytest.mark.parametrize(
    ("phrase", "year"), [("999 decades ago", None), ("300 years ago", 1724), ("999 years later", 3023)]
)
def test_dates_near_but_inside_the_calendar_still_resolve(phrase: str, year: int | None) -> None:
    (expr,) = find_date_expressions(phrase)
    value = resolve(expr, published=dt.date(2024, 5, 1))
    assert (value.date.year if value is not None else None) == year


def test_regression_shift_past_the_calendar_is_none() -> None:
    base = EventDate(date=dt.date(9999, 12, 30), precision="day", derived_from="explicit")
    assert shift_date(base, count=3, unit="day", later=True) is None
    assert shift_date(base, count=1, unit="day", later=True).date == dt.date(9999, 12, 31)  # type: ignore[union-attr]
    low = EventDate(date=dt.date(1, 1, 1), precision="year", derived_from="explicit")
    assert shift_date(low, count=1, unit="year", later=False) is None
    with pytest.raises(DateError):
        shift_date(base, count=1, unit="fortnight", later=True)


# --------------------------------------------------------------------------- gazetteer


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default()


@FAST
@given(name=st.text(max_size=60) | st.sampled_from(["", " ", "the", "the ", "Iran's", "北京", "São Paulo", "\u0301\u0301"]))
def test_any_name_is_looked_up_without_crashing(gazetteer: Gazetteer, name: str) -> None:
    with bounded():
        folded = fold_name(name)
        candidates = gazetteer.candidates(name)
        best = gazetteer.resolve(name, context_countries=("SYR",))
        gazetteer.country(name)
        gazetteer.is_site_name(name)
        gazetteer.may_start_site(name)
    assert folded == folded.strip()
    assert best is None or best in gazetteer.candidates(name, context_countries=("SYR",))
    assert all(location.name for location in candidates)


def test_a_huge_name_is_looked_up_quickly(gazetteer: Gazetteer) -> None:
    with bounded(10.0):
        assert gazetteer.resolve("Damascus " * 100_000) is None
        assert gazetteer.candidates("\u00e9" * 1_000_000) == []
    assert gazetteer.resolve("Damascus") is not None


# --------------------------------------------------------------------------- actor files

scalar = st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.dates() | st.floats(allow_nan=False)
value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
entry = st.dictionaries(
    st.sampled_from(["names", "code", "sectors", "kind", "role", "start", "end", "country", "denotes", "adjectives", "other"]),
    value | st.sampled_from(["ARN", "GOV", "country", "person", "capital", "sector", "2012-05-07", ["Arnor"], ["GOV", "MIL"]]),
    max_size=6,
)


@FAST
@given(entries=st.lists(entry | value, max_size=4))
def test_any_actor_file_structure_loads_or_raises_data_error(scratch: Path, entries: list[object]) -> None:
    path = scratch / "actors.yaml"
    path.write_text(yaml.safe_dump({"actors": entries}, allow_unicode=True), encoding="utf-8")
    try:
        with bounded():
            loaded = load_actor_file(path)
    except DataError as exc:
        assert exc.code.startswith("E3") and exc.fix and str(path) in exc.message
        return
    assert len(loaded) == len(entries)
    assert all(item.names and all(name.strip() for name in item.names) for item in loaded)


@FAST
@given(text=st.text(max_size=200), suffix=st.sampled_from([".yaml", ".toml", ".json"]))
def test_any_actor_file_text_loads_or_raises_data_error(scratch: Path, text: str, suffix: str) -> None:
    path = scratch / f"raw{suffix}"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        with bounded():
            load_actor_file(path)
    except DataError as exc:
        assert exc.code.startswith("E3") and exc.fix and str(path) in exc.message


# --------------------------------------------------------------------------- regressions: damaged zips


def _zip_bytes(name: str) -> bytearray:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo(name), b'{"text": "a zipped article"}\n')
    return bytearray(out.getvalue())


def _bad_utf8_name(*, in_central: bool) -> bytes:
    """A zip whose member name is flagged UTF-8 (bit 11) but starts with byte 0xA5, in the central
    directory (zipfile fails on opening the archive) or in the local header only (fails on opening
    the member)."""
    data = _zip_bytes("ab.jsonl")
    header = data.find(b"PK\x01\x02" if in_central else b"PK\x03\x04")
    name_at = header + (46 if in_central else 30)
    data[name_at] = 0xA5
    data[header + (9 if in_central else 7)] |= 0x08
    return bytes(data)


@pytest.mark.parametrize(
    ("case", "data"),
    [
        ("empty member name", bytes(_zip_bytes(""))),
        ("bad UTF-8 name in the central directory", _bad_utf8_name(in_central=True)),
        ("bad UTF-8 name in the local header", _bad_utf8_name(in_central=False)),
    ],
)
def test_regression_damaged_zip_names_are_a_problem_not_a_crash(scratch: Path, case: str, data: bytes) -> None:
    # found by fuzz/fuzz_archive.py: zipfile raised IndexError (archives.py:256) and UnicodeDecodeError
    # (archives.py:253, :279) out of read_articles
    path = scratch / "damaged.zip"
    path.write_bytes(data)
    items = read_all(path)
    assert [item.code for item in items if isinstance(item, Problem)] == ["E112"], case
    assert not [item for item in items if isinstance(item, Article)]
