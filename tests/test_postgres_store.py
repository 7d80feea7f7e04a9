"""PostgreSQL as the store (dyads.io.postgres): the same rows, answers and guarantees as DuckDB.

A throwaway server runs on loopback for the whole module (tests/postgres_fixture.py); each test
gets a database of its own. Without PostgreSQL's server binaries the tests skip, saying why.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from postgres_fixture import SUPERUSER, Server, postgres_server, why_unavailable
from typer.testing import CliRunner

from dyads.errors import StoreError
from dyads.io.dedup import ArticleCopy, Fingerprint
from dyads.io.postgres import PostgresStore, is_postgres_url, redact_url, to_pyformat
from dyads.io.store import Store
from dyads.io.stores import describe_store, open_store
from dyads.records import Actor, Article, Attribution, Event, EventDate, Location, Span

_counter = itertools.count()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    reason = why_unavailable()
    if reason is not None:
        pytest.skip(reason)
    with postgres_server() as running:
        yield running


@pytest.fixture()
def pg_url(server: Server) -> str:
    """A fresh empty store: a schema of its own (creating a database per test took ~1 s)."""
    return server.create_schema(f"test_{next(_counter)}")


@pytest.fixture()
def pg(pg_url: str) -> Iterator[PostgresStore]:
    store = open_store(pg_url)
    assert isinstance(store, PostgresStore)
    with store:
        yield store


@pytest.fixture()
def duck() -> Iterator[Store]:
    with Store.open(":memory:") as store:
        yield store


# --------------------------------------------------------------------------- hand-built records


def _article(n: int, text: str, **extra: Any) -> Article:
    return Article.create(text=text, url=f"https://news.example/{n}", outlet="Example News", origin=f"in.jsonl:{n}", **extra)


def _event(article: Article, sentence: int, trigger: str, **fields: Any) -> Event:
    start = article.text.index(trigger)
    return Event(
        article_id=article.id,
        sentence_index=sentence,
        sentence=Span(start=0, end=len(article.text), text=article.text),
        trigger=Span(start=start, end=start + len(trigger), text=trigger),
        **fields,
    )


def corpus() -> tuple[list[Article], list[Event]]:
    """Three articles, six events: several actors per role, speakers, dates, places, nulls, non-ASCII text."""
    a1 = _article(1, "Russian jets bombed Aleppo on Monday, Syria's army said.", published=dt.date(2016, 8, 16), title="Strikes")
    a2 = _article(2, "Iran and Iraq signed a pact in Baghdad. «Historic», said Rouhani. Zürich reacted.")
    a3 = _article(3, "NATO accused Russia of massing troops; Ukraine protested in Kyiv.", published=dt.date(2022, 2, 20))
    rus_mil = Actor(code="RUS", sectors=["MIL"], span=Span(start=0, end=12, text="Russian jets"))
    syr_mil = Actor(code="SYR", sectors=["MIL"], name="Syrian Arab Army", span=Span(start=38, end=50, text="Syria's army"))
    aleppo = Location(name="Aleppo", lat=36.2, lon=37.16, country="SYR", admin1="Aleppo", geonameid=170063)
    events = [
        _event(a1, 0, "bombed", plover_type="ASSAULT", plover_mode="aerial", plover_context=["military", "urban"],
               cameo_code="195", quad_class=4, goldstein=-10.0, sources=[rus_mil], targets=[Actor(code="SYR")],
               date=EventDate(date=dt.date(2016, 8, 15), precision="day", derived_from="weekday"),
               location=aleppo, attribution=Attribution(status="claimed", speaker=syr_mil, reporting_source="SANA")),
        _event(a2, 0, "signed", plover_type="AGREE", cameo_code="057", quad_class=1, goldstein=8.0,
               sources=[Actor(code="IRN", sectors=["GOV"]), Actor(code="IRQ", sectors=["GOV"])], targets=[],
               date=EventDate(date=dt.date(2016, 8, 1), precision="month", derived_from="month"),
               location=Location(name="Baghdad", lat=33.34, lon=44.4, country="IRQ")),
        _event(a2, 1, "said", cameo_code="010", quad_class=0, goldstein=0.0, statement_only=True,
               sources=[Actor(code="IRN", sectors=["GOV"], name="Hassan Rouhani", role="President")],
               attribution=Attribution(status="asserted", speaker=Actor(code="IRN", sectors=["GOV"]))),
        _event(a2, 2, "reacted", plover_type="CONSULT", cameo_code="040", quad_class=1, goldstein=1.0,
               sources=[Actor(code="CHE")], location=Location(name="Zürich", country="CHE", feature="city")),
        _event(a3, 0, "accused", plover_type="ACCUSE", cameo_code="112", quad_class=3, goldstein=-2.0,
               sources=[Actor(code="NATO")], targets=[Actor(code="RUS", sectors=["GOV", "MIL"])],
               date=EventDate(date=dt.date(2022, 2, 20), end_date=dt.date(2022, 2, 21))),
        _event(a3, 1, "protested", plover_type="PROTEST", cameo_code="141", quad_class=3, goldstein=-6.5,
               sources=[Actor(code="UKR")], targets=[Actor(code=None, sectors=["REB"])],
               date=EventDate(date=dt.date(2022, 2, 20)),
               location=Location(name="Kyiv", lat=50.45, lon=30.52, country="UKR"),
               attribution=Attribution(status="hypothetical")),
    ]
    return [a1, a2, a3], events


def _rows(store: Any, sql: str) -> list[dict[str, Any]]:
    return store.query(sql)


# --------------------------------------------------------------------------- same rows as DuckDB


@pytest.mark.parametrize(
    ("table", "order"),
    [("articles", "id"), ("events", "id"), ("event_actors", "event_id, role, position")],
)
def test_write_batch_gives_the_same_rows_as_duckdb(pg, duck, table, order):
    articles, events = corpus()
    assert pg.write_batch(articles, events) == duck.write_batch(articles, events) == (3, 6)
    ignored = {"coded_at"}  # the time of the write
    mine = _rows(pg, f"SELECT * FROM {table} ORDER BY {order}")
    theirs = _rows(duck, f"SELECT * FROM {table} ORDER BY {order}")
    assert len(mine) == len(theirs) > 0
    assert set(mine[0]) == set(theirs[0])  # same columns
    for pg_row, duck_row in zip(mine, theirs):
        for column in duck_row:
            if column not in ignored:
                assert pg_row[column] == duck_row[column], (table, column)


def test_records_read_back_are_the_events_written(pg):
    articles, events = corpus()
    pg.write_batch(articles, events)
    expected = {e.model_copy(deep=True).assign_id().id: e for e in events}
    for stored in pg.events():
        original = expected[stored.id].model_copy(update={"id": stored.id})
        assert stored == original
    assert pg.article(articles[1].id) == articles[1]
    assert pg.article("missing") is None


def test_the_same_batch_twice_adds_nothing(pg):
    articles, events = corpus()
    assert pg.write_batch(articles[:2], events[:4]) == (2, 4)
    assert pg.write_batch(articles[:2], events[:4]) == (0, 0)
    assert pg.write_batch(articles, events + events) == (1, 2)  # repeats inside a batch count once
    counts = {t: _rows(pg, f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in ("articles", "events", "event_actors")}
    assert counts == {"articles": 3, "events": 6, "event_actors": 12}
    n_events = {r["id"]: r["n_events"] for r in _rows(pg, "SELECT id, n_events FROM articles")}
    assert n_events == {articles[0].id: 1, articles[1].id: 3, articles[2].id: 2}
    assert pg.known_article_ids([articles[0].id, "nope"]) == {articles[0].id}


def test_two_stores_writing_the_same_batch_store_it_once(pg_url):
    articles, events = corpus()
    with open_store(pg_url) as first, open_store(pg_url) as second:
        assert first.write_batch(articles, events) == (3, 6)
        assert second.write_batch(articles, events) == (0, 0)
        assert second.count_events() == 6


def test_a_failed_batch_is_rolled_back(pg):
    articles, events = corpus()
    broken = events[0].model_copy(update={"cameo_code": None}, deep=True)  # NOT NULL column
    broken.id = "broken"
    with pytest.raises(StoreError) as caught:
        pg.write_batch(articles, [events[1], broken])
    assert caught.value.code == "E604" and caught.value.fix
    assert pg.count_events() == 0 and pg.known_article_ids(a.id for a in articles) == set()
    assert pg.write_batch(articles, events) == (3, 6)  # the store is usable after the rollback


# --------------------------------------------------------------------------- same answers as DuckDB

FILTERS: list[dict[str, Any]] = [
    {},
    {"actor": "RUS"},
    {"actor": "rus mil"},
    {"actor": "IRN GOV"},
    {"actor": "---"},
    {"plover_type": "assault"},
    {"cameo_root": 1},
    {"cameo_root": "14"},
    {"status": "Claimed"},
    {"country": "syr"},
    {"since": dt.date(2016, 8, 2)},
    {"until": dt.date(2016, 8, 15)},
    {"since": dt.date(2016, 1, 1), "until": dt.date(2021, 12, 31), "actor": "IRQ"},
    {"article_id": "none-such"},
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()) or "none")
def test_filters_give_the_same_answers_as_duckdb(pg, duck, filters):
    articles, events = corpus()
    pg.write_batch(articles, events)
    duck.write_batch(articles, events)
    expected = [e.id for e in duck.events(**filters)]
    assert [e.id for e in pg.events(**filters)] == expected
    assert pg.count_events(**filters) == duck.count_events(**filters) == len(expected)
    assert [e.id for e in pg.iter_events(batch_size=2, **filters)] == expected
    assert [e.id for e in pg.events(limit=2, offset=1, **filters)] == expected[1:3]


def test_bad_filters_are_the_same_errors(pg):
    for filters in ({"actor": "rus;drop"}, {"cameo_root": "21"}, {"status": "rumoured"}, {"limit": -1}):
        with pytest.raises(StoreError) as caught:
            pg.events(**filters)
        assert caught.value.code == "E605"
    with pytest.raises(StoreError):
        list(pg.iter_events(colour="red"))


def test_summary_and_actor_counts_match_duckdb(pg, duck):
    articles, events = corpus()
    pg.write_batch(articles, events)
    duck.write_batch(articles, events)
    assert pg.summary(top=5) == duck.summary(top=5)
    for role in (None, "source", "target"):
        assert pg.actor_counts(role=role) == duck.actor_counts(role=role)
    assert pg.summary()["by_status"] == {"asserted": 4, "claimed": 1, "hypothetical": 1}


def test_copies_and_fingerprints_match_duckdb(pg, duck):
    articles, events = corpus()
    copy = ArticleCopy(id="copy-1", article_id=articles[0].id, kind="near", similarity=0.91, title="Strikes (AFP)",
                       url="https://other.example/1", outlet="Other", published=dt.date(2016, 8, 16), origin="b.jsonl:4")
    big = np.array([0, 1, 2**32 - 1, 123456789], dtype=np.uint32)  # unsigned 32-bit values survive bigint[]
    prints = [(articles[0].id, Fingerprint(text_hash="h0", minhash=big)), (articles[1].id, Fingerprint(text_hash="h1"))]
    for store in (pg, duck):
        store.write_batch(articles, events)
        assert store.write_dedup(copies=[copy, copy], fingerprints=prints, scheme="s1") == 1
        assert store.write_dedup(copies=[copy]) == 0
    assert pg.copies(articles[0].id) == duck.copies(articles[0].id) == [copy]
    assert pg.known_copy_ids(["copy-1", "x"]) == {"copy-1"}
    assert list(pg.fingerprints(scheme="s1")) == list(duck.fingerprints(scheme="s1"))
    assert [row[2] for row in pg.fingerprints(scheme="other")] == [None, None]
    assert pg.articles_without_fingerprint(scheme="s1") == duck.articles_without_fingerprint(scheme="s1")
    # a fingerprint is replaced, not added
    pg.write_dedup(fingerprints=[(articles[0].id, Fingerprint(text_hash="h0b"))], scheme=None)
    assert {row[0]: row[1] for row in pg.fingerprints(scheme=None)} == {articles[0].id: "h0b", articles[1].id: "h1"}


def test_latest_fingerprints_follow_the_write_order_as_in_duckdb(pg, duck):
    for store in (pg, duck):
        for name in ("z", "a", "m"):  # written in this order, not id order
            store.write_dedup(fingerprints=[(name, Fingerprint(text_hash=f"h-{name}"))], scheme=None)
        store.write_dedup(fingerprints=[("z", Fingerprint(text_hash="h-z2"))], scheme=None)  # replaced: written anew
    for latest in (1, 2, 3, 10):
        expected = list(duck.fingerprints(scheme=None, latest=latest))
        assert list(pg.fingerprints(scheme=None, latest=latest)) == expected
    assert [row[0] for row in pg.fingerprints(scheme=None, latest=2)] == ["m", "z"]


def test_query_takes_duckdb_style_parameters(pg):
    articles, events = corpus()
    pg.write_batch(articles, events)
    rows = pg.query("SELECT count(*) AS n, 'x?%' AS literal FROM events WHERE quad_class = ? AND cameo_code LIKE '1%'", [3])
    assert rows == [{"n": 2, "literal": "x?%"}]
    assert to_pyformat("a = ? AND b LIKE 'x%?' AND \"q?\" = ?") == "a = %s AND b LIKE 'x%%?' AND \"q?\" = %s"
    with pytest.raises(StoreError) as caught:
        pg.query("SELECT list_filter([1, 2], lambda x: x > 1)")
    assert caught.value.code == "E653" and "docs/postgres.md" in caught.value.fix


def test_analytics_on_postgres(pg, duck):
    """dyad_series, timeline and claims give DuckDB's results; actor_profile and alignment use
    DuckDB-only SQL and fail with E653 (docs/postgres.md lists both)."""
    from dyads.analytics import actor_profile, alignment, claims, dyad_series, timeline

    articles, events = corpus()
    pg.write_batch(articles, events)
    duck.write_batch(articles, events)
    assert dyad_series(pg, "RUS", "SYR", by="month") == dyad_series(duck, "RUS", "SYR", by="month")
    assert timeline(pg, by="week", actor="RUS") == timeline(duck, by="week", actor="RUS")
    assert timeline(pg, by="day", q="kyiv") == timeline(duck, by="day", q="kyiv")
    assert claims(pg) == claims(duck)
    assert timeline(pg, by="month", source="NATO", target="RUS", quad=3) == timeline(duck, by="month", source="NATO", target="RUS", quad=3)
    assert dyad_series(pg, "IRN", "IRQ", by="day", directed=True) == dyad_series(duck, "IRN", "IRQ", by="day", directed=True)
    for duckdb_only in (lambda s: actor_profile(s, "RUS"), alignment):
        duckdb_only(duck)
        with pytest.raises(StoreError) as caught:
            duckdb_only(pg)
        assert caught.value.code == "E653"


# --------------------------------------------------------------------------- read-only, errors


def test_read_only_refuses_writes_and_empty_databases(pg_url, server):
    with pytest.raises(StoreError) as caught:
        open_store(server.create_database(f"empty_{next(_counter)}"), read_only=True)
    with pytest.raises(StoreError) as caught:
        open_store(server.create_schema(f"empty_{next(_counter)}"), read_only=True)
    assert caught.value.code == "E603"
    articles, events = corpus()
    with open_store(pg_url) as store:
        store.write_batch(articles, events)
    with open_store(pg_url, read_only=True) as store:
        assert store.count_events() == 6
        with pytest.raises(StoreError) as caught:
            store.write_batch(articles, events)
        assert caught.value.code == "E606"
        with pytest.raises(StoreError) as caught:  # the session itself is read-only too
            store.query("DELETE FROM events")
        assert caught.value.code == "E653" and "read-only" in caught.value.message
    store.close()
    with pytest.raises(StoreError) as caught:
        store.count_events()
    assert caught.value.code == "E606"


def test_another_schema_version_is_refused(pg_url):
    with open_store(pg_url) as store:
        store.execute_script([("UPDATE meta SET value = ? WHERE key = 'schema_version'", ["9"])])
    with pytest.raises(StoreError) as caught:
        open_store(pg_url)
    assert caught.value.code == "E603" and "version 9" in caught.value.message


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once closed


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("postgresql://dyads@127.0.0.1:notaport/db", "E650"),
        ("postgresql://dyads@127.0.0.1:5432/db?colour=red", "E650"),
        ("postgresql://dyads@127.0.0.1:5432", "E650"),
        ("postgresql://dyads:secret@127.0.0.1:{closed}/db", "E651"),
    ],
)
def test_bad_urls_and_unreachable_servers_are_clear_errors(url, code):
    url = url.format(closed=_closed_port())
    with pytest.raises(StoreError) as caught:
        open_store(url)
    assert caught.value.code == code and caught.value.fix
    assert "secret" not in str(caught.value)  # the password never reaches a message


def test_a_user_who_may_write_but_owns_nothing_can_ingest(pg_url, server):
    """Multi-user: the owner creates the store; another login with table rights writes and reads."""
    import psycopg

    articles, events = corpus()
    with open_store(pg_url) as owner:
        owner.write_batch(articles[:1], events[:1])
        schema = owner.query("SELECT current_schema() AS s")[0]["s"]
    with psycopg.connect(server.url(), autocommit=True) as admin:
        for grant in (
            "CREATE ROLE writer LOGIN",
            f"GRANT USAGE ON SCHEMA {schema} TO writer",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO writer",
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO writer",
        ):
            admin.execute(grant)
    writer_url = pg_url.replace(f"//{SUPERUSER}@", "//writer@")
    assert writer_url != pg_url
    with open_store(writer_url) as writer:
        assert writer.write_batch(articles, events) == (2, 5)
        writer.write_dedup(fingerprints=[(articles[1].id, Fingerprint(text_hash="h"))], scheme=None)
        assert writer.count_events(actor="RUS") == 2


def test_passwords_never_reach_messages():
    for url in ("postgresql://u:hunter2@127.0.0.1:1/db", "postgresql://u@127.0.0.1:1/db?password=hunter2"):
        assert "hunter2" not in redact_url(url)
        with pytest.raises(StoreError) as caught:
            open_store(url)
        assert "hunter2" not in str(caught.value) and "***" in str(caught.value)


def test_unknown_database_and_user_are_e651(server):
    for url in (server.url("no_such_db"), f"postgresql://nobody@{server.host}:{server.port}/postgres"):
        with pytest.raises(StoreError) as caught:
            open_store(url)
        assert caught.value.code == "E651" and "createdb" in caught.value.fix


def test_urls_and_paths_are_told_apart():
    assert is_postgres_url("postgresql://u@h/db") and is_postgres_url("POSTGRES://u@h/db")
    assert not is_postgres_url("news.duckdb") and not is_postgres_url(Path("postgresql://u@h/db"))
    assert redact_url("postgresql://u:pw@h:5/db") == "postgresql://u:***@h:5/db"
    assert describe_store("postgresql://u:pw@h/db") == "postgresql://u:***@h/db"
    assert describe_store("news.duckdb") == "news.duckdb"


# --------------------------------------------------------------------------- the command line


def test_cli_serve_refuses_a_url_clearly():
    from dyads.cli import app

    result = CliRunner().invoke(app, ["serve", "--db", "postgresql://u@127.0.0.1:1/db"])
    assert result.exit_code != 0
    assert isinstance(result.exception, StoreError) and result.exception.code == "E654"


@pytest.mark.slow
def test_cli_ingest_events_summary_on_postgres(pg_url, tmp_path):
    """One end-to-end run through the real pipeline (loads spaCy)."""
    from dyads.cli import app

    lines = [
        {"id": "p1", "published": "2016-08-16", "text": "Russian warplanes struck rebel positions in Syria on Tuesday."},
        {"id": "p2", "published": "2016-08-16", "text": "Iran and Iraq signed a security agreement in Baghdad on Monday."},
    ]
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    duck_db = str(tmp_path / "news.duckdb")
    for db in (pg_url, duck_db):
        first = runner.invoke(app, ["ingest", str(source), "--db", db, "--quiet"], catch_exceptions=False)
        assert first.exit_code == 0
    second = runner.invoke(app, ["ingest", str(source), "--db", pg_url], catch_exceptions=False)
    assert second.exit_code == 0 and "stored 0 new articles and 0 new events" in second.output
    assert "2 already stored" in second.output

    exported = {}
    for db in (pg_url, duck_db):
        out = tmp_path / f"events-{len(exported)}.jsonl"
        result = runner.invoke(app, ["events", "--db", db, "--format", "jsonl", "--output", str(out)], catch_exceptions=False)
        assert result.exit_code == 0
        exported[db] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert exported[pg_url] == exported[duck_db] and exported[pg_url]
    assert any(row["event"] == "ASSAULT" for row in exported[pg_url])

    summaries = [
        json.loads(runner.invoke(app, ["summary", "--db", db, "--format", "json"], catch_exceptions=False).output)
        for db in (pg_url, duck_db)
    ]
    assert summaries[0] == summaries[1] and summaries[0]["articles"] == 2
    table = runner.invoke(app, ["events", "--db", pg_url, "--actor", "RUS", "--format", "table"], catch_exceptions=False)
    assert "ASSAULT/19" in table.output
