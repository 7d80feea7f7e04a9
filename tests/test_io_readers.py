"""Input readers: every kind of bad input becomes a Problem and reading goes on."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from dyads.errors import InputError
from dyads.io.readers import ReadReport, decode_bytes, looks_binary, parse_published, read_articles, read_stream, summarise
from dyads.records import Article, Problem, content_hash, normalise_text

SRC = Path(__file__).resolve().parents[1] / "src"


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Problem)]


def jl(obj) -> bytes:
    return (json.dumps(obj) + "\n").encode("utf-8")


@pytest.fixture()
def messy_jsonl(tmp_path: Path) -> Path:
    lines = [
        jl({"text": "Troops crossed the border at dawn.", "id": "given-1", "published": "2024-03-05"}),
        b"{this is not json}\n",
        b"[1, 2, 3]\n",
        jl({"title": "no text here"}),
        jl({"text": "   "}),
        jl({"text": 42}),
        b"\n",
        jl({"text": "Talks resumed in Geneva.", "published": "2024-03-06T22:15:00Z", "outlet": "Wire"}),
        jl({"text": "Ministers met on an unclear day.", "published": "last Tuesday"}),
        b'{"text": "The caf\xe9 was shelled.", "url": "http://x.test/1"}\n',
        b'{"text": "Bytes \x00\x01\x02 inside"}\n',
        jl({"text": "Last good one.", "title": {"nested": True}, "id": 77}),
    ]
    path = tmp_path / "messy.jsonl"
    path.write_bytes(b"".join(lines))
    return path


def test_jsonl_bad_lines_become_problems_and_good_ones_come_through(messy_jsonl: Path) -> None:
    articles, problems = split(read_articles(messy_jsonl))
    texts = [a.text for a in articles]
    assert texts == [
        "Troops crossed the border at dawn.",
        "Talks resumed in Geneva.",
        "Ministers met on an unclear day.",
        "The caf\u00e9 was shelled.",
        "Last good one.",
    ]
    name = str(messy_jsonl)
    errors = {(p.where, p.code) for p in problems if p.severity == "error"}
    assert errors == {
        (f"{name}:2", "E101"),
        (f"{name}:3", "E102"),
        (f"{name}:4", "E103"),
        (f"{name}:5", "E103"),
        (f"{name}:6", "E103"),
        (f"{name}:11", "E105"),
    }
    warnings = {(p.where, p.code) for p in problems if p.severity == "warning"}
    assert warnings == {(f"{name}:9", "E108"), (f"{name}:10", "E107"), (f"{name}:12", "E109")}
    first, second, third, cafe, last = articles
    assert first.id == "given-1" and first.published == dt.date(2024, 3, 5)
    assert first.origin == f"{name}:1"
    assert second.published == dt.date(2024, 3, 6) and second.outlet == "Wire"
    assert second.id == content_hash(normalise_text(second.text), "")
    assert third.published is None
    assert cafe.url == "http://x.test/1" and cafe.id == content_hash(normalise_text(cafe.text), "http://x.test/1")
    assert last.id == "77" and last.title is None


def test_ids_are_stable_across_reads(messy_jsonl: Path) -> None:
    first = [a.id for a in split(read_articles(messy_jsonl))[0]]
    again = [a.id for a in split(read_articles(messy_jsonl))[0]]
    assert first == again and len(set(first)) == len(first)


def test_published_argument_is_default_date(messy_jsonl: Path) -> None:
    default = dt.date(2020, 1, 1)
    articles, _ = split(read_articles(messy_jsonl, published=default))
    dates = [a.published for a in articles]
    assert dates == [dt.date(2024, 3, 5), dt.date(2024, 3, 6), default, default, default]


def test_twenty_megabyte_line_is_rejected_without_stopping(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("wb") as handle:
        handle.write(jl({"text": "before"}))
        handle.write(jl({"text": "x" * 20_000_000}))
        handle.write(jl({"text": "after"}))
    articles, problems = split(read_articles(path))
    assert [a.text for a in articles] == ["before", "after"]
    assert [(p.where, p.code) for p in problems] == [(f"{path}:2", "E106")]


def test_article_over_max_bytes_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    path.write_bytes(jl({"text": "short"}) + jl({"text": "y" * 500}) + jl({"text": "z" * 100}))
    articles, problems = split(read_articles(path, max_bytes=200))
    assert [a.text for a in articles] == ["short", "z" * 100]
    assert [(p.where, p.code) for p in problems] == [(f"{path}:2", "E106")]


def test_binary_and_empty_files(tmp_path: Path) -> None:
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02\x03\xff\xfe" * 100)
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_bytes(b"\n  \n\n")
    (tmp_path / "empty.txt").write_bytes(b"   \n")
    codes = {Path(p.where).name: p.code for p in read_articles(tmp_path) if isinstance(p, Problem)}
    assert codes == {"blob.txt": "E105", "empty.jsonl": "E104", "blank.jsonl": "E104", "empty.txt": "E104"}


def test_control_bytes_without_nul_count_as_binary() -> None:
    assert looks_binary(bytes(range(1, 32)) * 10)
    assert not looks_binary("Plain news text, with caf\u00e9.\n".encode("utf-8"))
    assert not looks_binary(b"")


def test_cp1252_text_file_is_kept_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(b"Caf\xe9 owners protest\n\nThe caf\xe9 owners marched \x93today\x94.")
    articles, problems = split(read_articles(path, published=dt.date(2023, 7, 1)))
    assert len(articles) == 1
    article = articles[0]
    assert article.text.startswith("Caf\u00e9 owners") and "\u201ctoday\u201d" in article.text
    assert article.title == "Caf\u00e9 owners protest"
    assert article.published == dt.date(2023, 7, 1)
    assert article.origin == f"{path}:1"
    assert [(p.code, p.severity) for p in problems] == [("E107", "warning")]


def test_txt_title_only_when_first_line_is_short_and_unpunctuated(tmp_path: Path) -> None:
    one = tmp_path / "a.txt"
    one.write_text("The army moved north. It met no resistance.\nMore text.", encoding="utf-8")
    two = tmp_path / "b.txt"
    two.write_text("Just one line without a heading", encoding="utf-8")
    titles = [a.title for a in split(read_articles(tmp_path))[0]]
    assert titles == [None, None]


def test_txt_over_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("word " * 100, encoding="utf-8")
    items = list(read_articles(path, max_bytes=100))
    assert [(type(i).__name__, getattr(i, "code", None)) for i in items] == [("Problem", "E106")]


def test_csv_with_quoted_newlines_bad_rows_and_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_bytes(
        b"id,Title,text,published,outlet\n"
        b'r1,First,"Rebels seized the town.\nOfficials confirmed it.",2024-02-01,Daily\n'
        b"r2,Empty,,2024-02-02,Daily\n"
        b"r3,Latin,Caf\xe9 bombed,2024-02-30,Daily\n"
        b"r4,Short row\n"
        b"r5,Last,Police dispersed a crowd.,2024-02-03T08:00:00,Daily\n"
    )
    articles, problems = split(read_articles(path))
    assert [a.id for a in articles] == ["r1", "r3", "r5"]
    assert articles[0].text == "Rebels seized the town.\nOfficials confirmed it."
    assert articles[0].title == "First" and articles[0].outlet == "Daily"
    assert articles[1].text == "Caf\u00e9 bombed" and articles[1].published is None
    assert articles[2].published == dt.date(2024, 2, 3) and articles[2].origin == f"{path}:7"
    got = sorted((p.where, p.code, p.severity) for p in problems)
    assert got == sorted(
        [
            (f"{path}:4", "E103", "error"),
            (f"{path}:5", "E107", "warning"),
            (f"{path}:5", "E108", "warning"),
            (f"{path}:6", "E103", "error"),
        ]
    )


def test_tsv_and_missing_text_column(tmp_path: Path) -> None:
    good = tmp_path / "a.tsv"
    good.write_text("text\ttitle\nProtesters gathered, then left.\tT\n", encoding="utf-8")
    bad = tmp_path / "b.csv"
    bad.write_text("body,title\nsomething,x\n", encoding="utf-8")
    header_only = tmp_path / "c.csv"
    header_only.write_text("text,title\n", encoding="utf-8")
    articles, problems = split(read_articles(tmp_path))
    assert [a.text for a in articles] == ["Protesters gathered, then left."]
    assert [(Path(p.where).name, p.code) for p in problems] == [("b.csv:1", "E110"), ("c.csv", "E104")]


def test_folder_is_recursive_sorted_and_skips_hidden_and_other_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Second story body.", encoding="utf-8")
    (tmp_path / "a.jsonl").write_bytes(jl({"text": "First story body."}))
    (tmp_path / "c.NDJSON").write_bytes(jl({"text": "Third story body."}))
    (tmp_path / ".hidden" / "x.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an input", encoding="utf-8")
    texts = [a.text for a in read_articles(tmp_path)]
    assert texts == ["First story body.", "Second story body.", "Third story body."]


def test_missing_source_and_unknown_format_raise() -> None:
    with pytest.raises(InputError) as missing:
        list(read_articles("/no/such/file.jsonl"))
    assert missing.value.code == "E100" and missing.value.fix
    with pytest.raises(InputError) as bad_fmt:
        list(read_articles("-", fmt="xml"))
    assert bad_fmt.value.code == "E113"


def test_fmt_overrides_suffix(tmp_path: Path) -> None:
    path = tmp_path / "data.log"
    path.write_bytes(jl({"text": "Override works."}))
    with pytest.raises(InputError):
        list(read_articles(path))
    assert [a.text for a in read_articles(path, fmt="jsonl")] == ["Override works."]


def test_stream_sniffs_jsonl_or_plain_text() -> None:
    as_jsonl = read_stream(io.BytesIO(b"\n  " + jl({"text": "One."}) + b"oops\n" + jl({"text": "Two."})))
    articles, problems = split(as_jsonl)
    assert [a.text for a in articles] == ["One.", "Two."]
    assert [a.origin for a in articles] == ["<stdin>:2", "<stdin>:4"]
    assert [(p.where, p.code) for p in problems] == [("<stdin>:3", "E101")]
    plain = list(read_stream(io.BytesIO(b"Headline\n\nA plain story."), published=dt.date(2022, 5, 4)))
    assert len(plain) == 1 and plain[0].title == "Headline" and plain[0].published == dt.date(2022, 5, 4)
    assert [p.code for p in read_stream(io.BytesIO(b"  \n"))] == ["E104"]


def test_stdin_dash_in_a_subprocess() -> None:
    code = (
        "from dyads.io.readers import read_articles\n"
        "for item in read_articles('-'):\n"
        "    print(type(item).__name__, getattr(item, 'text', getattr(item, 'code', '')))\n"
    )
    stdin = jl({"text": "From stdin."}) + b"{broken\n"
    done = subprocess.run(
        [sys.executable, "-c", code], input=stdin, capture_output=True, check=True, env={"PYTHONPATH": str(SRC)}
    )
    assert done.stdout.decode().splitlines() == ["Article From stdin.", "Problem E101"]


def test_parse_published_and_decode_helpers() -> None:
    assert parse_published("2024-01-31") == dt.date(2024, 1, 31)
    assert parse_published("2024-01-31T23:59:00+05:00") == dt.date(2024, 1, 31)
    assert parse_published("") is None and parse_published(None) is None
    with pytest.raises(ValueError):
        parse_published("31/01/2024")
    assert decode_bytes("\ufeffhi".encode("utf-8")) == ("hi", False)
    assert decode_bytes(b"na\xefve") == ("na\u00efve", True)


def test_lone_surrogate_escape_is_repaired(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(b'{"text": "bad \\ud800 char"}\n')
    articles, problems = split(read_articles(path))
    assert articles[0].text == "bad \ufffd char"
    assert [(p.code, p.severity) for p in problems] == [("E107", "warning")]


def test_read_report_counts_and_summary(messy_jsonl: Path) -> None:
    report = ReadReport()
    kept = list(report.articles(read_articles(messy_jsonl)))
    assert report.read == len(kept) == 5
    assert report.skipped == {"E101": 1, "E102": 1, "E103": 3, "E105": 1}
    assert report.warned == {"E107": 1, "E108": 1, "E109": 1}
    assert report.n_skipped == 6
    text = report.summary()
    assert text.startswith("read 5 articles, skipped 6, 3 warnings")
    assert "E103 3 errors, first at" in text and f"{messy_jsonl}:4" in text
    assert summarise([]) == "no problems"


def test_column_mapping_for_csv_and_jsonl(tmp_path: Path) -> None:
    table = tmp_path / "export.csv"
    table.write_text(
        "Headline,Body,Date,text\n"
        "Port strike,Dock workers walked out at dawn.,2024-04-02,ignored column\n",
        encoding="utf-8",
    )
    mapping = {"text": "body", "published": "Date", "title": "headline"}
    (row,) = split(read_articles(table, columns=mapping))[0]
    assert (row.text, row.title, row.published) == ("Dock workers walked out at dawn.", "Port strike", dt.date(2024, 4, 2))
    lines = tmp_path / "dump.jsonl"
    lines.write_bytes(jl({"content": "Rebels took the airport.", "date": "2024-04-03", "source": "Wire", "text": "no"}))
    (item,) = split(read_articles(lines, columns={"text": "content", "published": "date", "outlet": "source"}))[0]
    assert (item.text, item.published, item.outlet) == ("Rebels took the airport.", dt.date(2024, 4, 3), "Wire")
    problems = split(read_articles(table, columns={"text": "story"}))[1]
    assert [(p.code, "'story'" in p.reason) for p in problems] == [("E110", True)]
    missing = split(read_articles(lines, columns={"text": "body"}))[1]
    assert [(p.code, p.reason) for p in missing] == [("E103", "no 'body' field")]


def test_bad_column_mapping_raises() -> None:
    with pytest.raises(InputError) as unknown:
        list(read_articles("-", columns={"body": "text"}))
    assert unknown.value.code == "E120"
    with pytest.raises(InputError) as empty:
        list(read_articles("-", columns={"text": " "}))
    assert empty.value.code == "E120"


def test_cli_column_option_must_be_field_equals_column(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from dyads.cli import app

    path = tmp_path / "a.jsonl"
    path.write_bytes(jl({"body": "Text."}))
    result = CliRunner().invoke(app, ["code", str(path), "--column", "text", "-o", str(tmp_path / "out.jsonl")])
    assert isinstance(result.exception, InputError) and result.exception.code == "E120"


def test_a_date_key_is_the_publication_date_when_published_is_absent(tmp_path: Path) -> None:
    path = tmp_path / "dated.jsonl"
    path.write_bytes(
        jl({"text": "Talks resumed on Monday.", "date": "2019-05-06"})
        + jl({"text": "Talks ended on Friday.", "date": "2019-05-10", "published": "2019-05-11"})
        + jl({"text": "Talks stalled on Tuesday.", "date": "last week"})
    )
    articles, problems = split(read_articles(path))
    assert [a.published for a in articles] == [dt.date(2019, 5, 6), dt.date(2019, 5, 11), None]  # published wins
    assert [(p.where, p.code) for p in problems] == [(f"{path}:3", "E108")] and "'date'" in problems[0].reason
    mapped, _ = split(read_articles(path, columns={"published": "title"}))  # a mapping says where the date is: no fallback
    assert [a.published for a in mapped] == [None, None, None]
