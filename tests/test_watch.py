"""`dyads watch`: intervals, a folder and a feed URL gaining items between cycles, stopping.

The clock and the sleep are injected (no real waiting); the "sleep" between cycles is where a
test adds files or feed items. The articles are ours and short; one rules-only pipeline is loaded
for the whole module (the pipeline is cached per settings in the process).
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dyads.cli import app
from dyads.config import Settings, load_config
from dyads.errors import WatchError
from dyads.io.store import Store
from dyads.watch import CycleReport, parse_interval, state_path_for, watch
from short_stories import STORIES as SHORT_STORIES

STORIES = SHORT_STORIES[:6]


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_config(overrides={"classifier.model": "none", "nlp.batch_size": 2})


def write_jsonl(path: Path, which: range | list[int]) -> None:
    """STORIES[i] for i in ``which``, with id ``s<i>``."""
    rows = [{"id": f"s{i}", "text": STORIES[i], "published": "2024-05-06"} for i in which]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def stored(db: Path) -> tuple[list[str], int]:
    with Store.open(db, read_only=True) as store:
        ids = [row["id"] for row in store.query("SELECT id FROM articles ORDER BY id", [])]
        events = store.query("SELECT count(*) AS n FROM events", [])[0]["n"]
    return ids, events


class FakeTime:
    """A clock that moves only when slept; each sleep runs the next scheduled change first."""

    def __init__(self, changes: list) -> None:
        self.now = 1000.0
        self.slept: list[float] = []
        self.changes = list(changes)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        if self.changes:
            self.changes.pop(0)()


# ---------------------------------------------------------------------------- intervals and checks


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("15m", 900), ("1h", 3600), ("1d", 86400), ("1.5h", 5400), (" 2M ", 120), ("1s", 1)]
)
def test_intervals_are_read_with_their_unit(text: str, seconds: float) -> None:
    assert parse_interval(text) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize(("text", "code"), [("", "E130"), ("15", "E130"), ("m", "E130"), ("5x", "E130"), ("-1m", "E130"),
                                            ("1h30m", "E130"), ("0s", "E131"), ("0.5s", "E131")])
def test_a_bad_interval_is_a_clear_error(text: str, code: str) -> None:
    with pytest.raises(WatchError) as caught:
        parse_interval(text)
    assert caught.value.code == code
    fix = caught.value.fix or ""
    assert "--every" in fix and "15m" in fix


def test_sources_and_cycle_counts_are_checked_before_anything_is_read(tmp_path: Path, settings: Settings) -> None:
    def first_error(sources: list, **options) -> str:
        with pytest.raises(WatchError) as caught:
            next(watch(sources, db=tmp_path / "s.duckdb", settings=settings, **{"every": dt.timedelta(minutes=1), **options}))
        return caught.value.code

    assert first_error([]) == "E132"
    assert first_error([tmp_path / "missing"]) == "E132"
    assert first_error(["-"]) == "E133"
    assert first_error([tmp_path], max_cycles=0) == "E134"
    assert first_error([tmp_path], every=dt.timedelta(0)) == "E131"
    assert not (tmp_path / "s.duckdb").exists()


# ---------------------------------------------------------------------------- a folder


def test_a_folder_gaining_files_codes_each_new_file_once(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    db = tmp_path / "news.duckdb"
    write_jsonl(folder / "a.jsonl", range(2))
    times = FakeTime([
        lambda: write_jsonl(folder / "b.jsonl", [2, 3]),  # before cycle 2: a new file
        lambda: None,  # before cycle 3: nothing new
        lambda: write_jsonl(folder / "a.jsonl", [0, 1, 4]),  # before cycle 4: a.jsonl grows
    ])
    cycles = list(watch([folder], db=db, settings=settings, every=dt.timedelta(minutes=15), max_cycles=4,
                        clock=times.clock, sleep=times.sleep))

    assert [c.cycle for c in cycles] == [1, 2, 3, 4]
    assert times.slept == [900.0, 900.0, 900.0]  # the fake clock stands still while coding
    one, two, three, four = cycles
    assert (one.files_read, one.files_unchanged, one.new_articles) == (1, 0, 2)
    assert (two.files_read, two.files_unchanged, two.articles_read, two.new_articles) == (1, 1, 2, 2)
    assert (three.files_read, three.files_unchanged, three.articles_read, three.new_articles) == (0, 2, 0, 0)
    # the grown file is read again: its two old articles are already stored, the new one is coded
    assert (four.files_read, four.articles_read, four.already_stored, four.new_articles) == (1, 3, 2, 1)
    ids, events = stored(db)
    assert ids == ["s0", "s1", "s2", "s3", "s4"]
    assert events == sum(c.new_events for c in cycles) and events > 0
    assert all(not c.problems and not c.stopped for c in cycles)

    # a later watch keeps the state: nothing is read again
    again = list(watch([folder], db=db, settings=settings, every=dt.timedelta(minutes=15), max_cycles=1,
                       clock=times.clock, sleep=times.sleep))
    assert (again[0].files_read, again[0].files_unchanged, again[0].articles_read) == (0, 2, 0)
    assert json.loads(state_path_for(db).read_text())["version"] == 1
    assert stored(db) == (ids, events)


def test_a_damaged_state_file_only_costs_a_reread(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    db = tmp_path / "news.duckdb"
    write_jsonl(folder / "a.jsonl", range(1))
    list(watch([folder], db=db, settings=settings, every=dt.timedelta(seconds=30), max_cycles=1))
    state_path_for(db).write_text("{not json", encoding="utf-8")
    [cycle] = list(watch([folder], db=db, settings=settings, every=dt.timedelta(seconds=30), max_cycles=1))
    assert (cycle.files_read, cycle.articles_read, cycle.already_stored, cycle.new_articles) == (1, 1, 1, 0)


def test_stop_ends_the_watch_after_a_committed_batch(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    db = tmp_path / "news.duckdb"
    write_jsonl(folder / "a.jsonl", range(len(STORIES)))  # three batches of two
    asked = {"n": 0}

    def stop() -> bool:  # asked before the cycle, then after each batch: stop after the first batch
        asked["n"] += 1
        return asked["n"] >= 3

    [cycle] = list(watch([folder], db=db, settings=settings, every=dt.timedelta(minutes=1), stop=stop))
    assert cycle.stopped and cycle.articles_coded == 4  # the batch that asked is committed too
    assert stored(db)[0] == ["s0", "s1", "s2", "s3"]
    # the file was not marked as read: the next watch finishes it, coding only what is missing
    [rest] = list(watch([folder], db=db, settings=settings, every=dt.timedelta(minutes=1), max_cycles=1))
    assert (rest.files_read, rest.already_stored, rest.new_articles) == (1, 4, 2)
    assert stored(db)[0] == [f"s{i}" for i in range(6)]


# ---------------------------------------------------------------------------- a feed URL


def feed(items: list[tuple[str, str]], port: int) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>http://127.0.0.1:{port}/story/{i}</link>"
        f"<pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate><description>{text}</description></item>"
        for i, (title, text) in enumerate(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{entries}</channel></rss>'.encode()


@pytest.fixture()
def server() -> Iterator[tuple[str, dict, list[str]]]:
    """A local HTTP server: ``files`` maps a path to bytes; ``requests`` logs the paths asked for."""
    files: dict[str, bytes] = {}
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            return

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", files, requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_feed_url_gaining_an_item_codes_only_the_new_item(tmp_path: Path, settings: Settings, server) -> None:
    base, files, requests = server
    port = int(base.rsplit(":", 1)[1])
    items = [(f"Story {i}", text) for i, text in enumerate(STORIES[:3])]
    files["/feed.xml"] = feed(items[:2], port)
    db = tmp_path / "news.duckdb"
    times = FakeTime([lambda: files.update({"/feed.xml": feed(items, port)})])
    cycles = list(watch([f"{base}/feed.xml"], db=db, settings=settings, every=dt.timedelta(hours=1), max_cycles=2,
                        clock=times.clock, sleep=times.sleep))

    one, two = cycles
    assert (one.urls_read, one.articles_read, one.new_articles) == (1, 2, 2)
    assert (two.urls_read, two.articles_read, two.already_stored, two.new_articles) == (1, 3, 2, 1)
    assert requests == ["/feed.xml", "/feed.xml"]  # the URL given, once a cycle; never the items' links
    with Store.open(db, read_only=True) as store:
        titles = [row["title"] for row in store.query("SELECT title FROM articles ORDER BY title", [])]
    assert titles == ["Story 0", "Story 1", "Story 2"]


# ---------------------------------------------------------------------------- the command


def test_watch_command_runs_one_cycle_and_reports_it(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", range(2))
    db = tmp_path / "news.duckdb"
    runner = CliRunner()
    sets = ["--set", "classifier.model=none", "--set", "nlp.batch_size=2"]
    result = runner.invoke(app, ["watch", str(folder), "--db", str(db), "--once", *sets])
    assert result.exit_code == 0, result.output
    assert "cycle 1 at" in result.output and "2 new articles" in result.output
    assert stored(db)[0] == ["s0", "s1"]

    bad = runner.invoke(app, ["watch", str(folder), "--db", str(db), "--every", "soon"])
    assert isinstance(bad.exception, WatchError) and bad.exception.code == "E130"


def test_cycle_report_counts_copies_and_problems(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    rows = [{"id": "w1", "text": STORIES[0]}, {"id": "w2", "text": STORIES[0]}, {"title": "no text"}]
    (folder / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    [cycle] = list(watch([folder], db=tmp_path / "s.duckdb", settings=settings, every=dt.timedelta(minutes=1), max_cycles=1))
    assert isinstance(cycle, CycleReport)
    assert (cycle.new_articles, cycle.copies) == (1, 1)
    assert [p.code for p in cycle.problems] == ["E103"]
