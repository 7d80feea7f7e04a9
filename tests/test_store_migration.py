"""Schema version 2: a version-1 store (built here with the version-1 DDL) is upgraded in place when
opened read-write, answers every query as before, and is refused read-only (E603) until then."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from dyads.analytics import actor_profile, dyad_series, timeline
from dyads.errors import StoreError
from dyads.io.store import SCHEMA_VERSION, Store, _actor_rows, _article_row, _event_row
from dyads.records import Actor, Article, Attribution, Event, EventDate, Span

# The tables of schema version 1, as dyads 0.x wrote them.
V1_DDL = (
    "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE articles (
        id VARCHAR PRIMARY KEY, title VARCHAR, url VARCHAR, outlet VARCHAR, published DATE, origin VARCHAR,
        text VARCHAR NOT NULL, n_events INTEGER NOT NULL DEFAULT 0, coded_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE events (
        id VARCHAR PRIMARY KEY, article_id VARCHAR NOT NULL, sentence_index INTEGER NOT NULL,
        plover_type VARCHAR, plover_mode VARCHAR, plover_context VARCHAR[], cameo_code VARCHAR NOT NULL,
        quad_class TINYINT NOT NULL, goldstein DOUBLE NOT NULL, statement_only BOOLEAN NOT NULL, date DATE,
        date_precision VARCHAR, date_derived_from VARCHAR, end_date DATE, status VARCHAR NOT NULL,
        speaker VARCHAR, reporting_source VARCHAR, location_name VARCHAR, location_lat DOUBLE,
        location_lon DOUBLE, location_country VARCHAR, location_admin1 VARCHAR, launch_site_country VARCHAR,
        trigger_start INTEGER NOT NULL, trigger_end INTEGER NOT NULL, trigger_text VARCHAR NOT NULL,
        sentence_start INTEGER NOT NULL, sentence_end INTEGER NOT NULL, coder VARCHAR NOT NULL,
        record VARCHAR NOT NULL)""",
    """CREATE TABLE event_actors (
        event_id VARCHAR NOT NULL, role VARCHAR NOT NULL, position INTEGER NOT NULL, code VARCHAR,
        sectors VARCHAR[], label VARCHAR NOT NULL, name VARCHAR, role_title VARCHAR, span_start INTEGER,
        span_end INTEGER, span_text VARCHAR, PRIMARY KEY (event_id, role, position))""",
)
V2_COLUMNS = ("source_prefixes", "target_prefixes", "sentence_text")

# (sources, targets, trigger word, QuadClass, date): labels as "CODE SECTOR ..."; "" is an uncoded actor
SPECS: list[tuple[list[str], list[str], str, int, dt.date | None]] = [
    (["RUS MIL"], ["UKR"], "Shelled", 4, dt.date(2024, 2, 1)),
    (["RUS MIL NAV", "IRN GOV"], ["UKR MIL", "USA"], "blockaded", 4, dt.date(2024, 2, 3)),
    (["UKR GOV"], ["RUS"], "accused", 3, dt.date(2024, 3, 9)),
    (["USA GOV"], [], "pledged", 1, dt.date(2024, 3, 10)),
    (["SYR REB"], ["SYR GOV", "SYR"], "attacked", 4, None),
    ([""], ["RUSX"], "met", 1, dt.date(2024, 4, 1)),
    (["rus gov"], ["A|B MIL"], "praised", 1, dt.date(2024, 4, 2)),
    (["RUS GOV", "RUS"], ["UKR", "UKR GOV", "NATO"], "Sanctioned", 3, dt.date(2024, 5, 5)),
]


def _actor(label: str) -> Actor:
    code, *sectors = label.split(" ") if label else [None]
    return Actor(code=code, sectors=sectors)


def build(n: int) -> tuple[list[Article], list[Event]]:
    """Articles with one event per spec, ``n`` rounds (each round on its own article ids)."""
    articles, events = [], []
    for round_ in range(n):
        for i, (sources, targets, word, quad, when) in enumerate(SPECS):
            text = f"Report {round_}-{i}. Forces {word} the post near the river, officials said."
            article = Article.create(text=text, title=f"Report {round_}-{i}", published=dt.date(2024, 1, 1))
            start = text.index(word)
            sentence_start = text.index("Forces")
            events.append(
                Event(
                    article_id=article.id,
                    sentence_index=1,
                    sentence=Span(start=sentence_start, end=len(text), text=text[sentence_start:]),
                    trigger=Span(start=start, end=start + len(word), text=word),
                    plover_type="ASSAULT" if quad == 4 else "CONSULT",
                    cameo_code="190" if quad == 4 else "040",
                    quad_class=quad,
                    goldstein=-10.0 if quad == 4 else 1.0,
                    sources=[_actor(label) for label in sources],
                    targets=[_actor(label) for label in targets],
                    date=EventDate(date=when, precision="day", derived_from="explicit") if when else None,
                    attribution=Attribution(status="asserted"),
                ).assign_id()
            )
            articles.append(article)
    return articles, events


def write_v1_store(path: Path, articles: list[Article], events: list[Event]) -> None:
    """A version-1 store: the v1 tables, and the rows a v1 dyads wrote (every v1 column)."""
    coded_at = dt.datetime(2024, 6, 1)
    with duckdb.connect(str(path)) as con:
        for statement in V1_DDL:
            con.execute(statement)
        con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        for table, rows in (
            ("articles", [_article_row(a, coded_at) for a in articles]),
            ("events", [{k: v for k, v in _event_row(e).items() if k not in V2_COLUMNS} for e in events]),
            ("event_actors", [row for e in events for row in _actor_rows(e)]),
        ):
            names = list(rows[0])
            con.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                [[row[name] for name in names] for row in rows],
            )
        con.execute("UPDATE articles SET n_events = 1")


def version(store: Store) -> str:
    return store.query("SELECT value FROM meta WHERE key = 'schema_version'")[0]["value"]


def old_match(labels: list[str], prefix: str) -> bool:
    """The version-1 actor filter, in Python: a whole-word prefix of one of the labels."""
    return any((label + " ").startswith(prefix + " ") for label in labels)


@pytest.fixture()
def stores(tmp_path: Path):
    """(a migrated version-1 store, the same events written by this version), both open."""
    articles, events = build(3)
    old = tmp_path / "v1.duckdb"
    write_v1_store(old, articles, events)
    fresh = Store.open(tmp_path / "v2.duckdb")
    fresh.write_batch(articles, events)
    migrated = Store.open(old)
    try:
        yield migrated, fresh, events
    finally:
        migrated.close()
        fresh.close()


def test_migration_fills_the_columns_like_a_fresh_write(stores) -> None:
    migrated, fresh, events = stores
    assert version(migrated) == version(fresh) == SCHEMA_VERSION == "2"
    columns = [row["column_name"] for row in fresh.query("SELECT column_name FROM duckdb_columns() WHERE table_name = 'events'")]
    assert columns == [
        row["column_name"] for row in migrated.query("SELECT column_name FROM duckdb_columns() WHERE table_name = 'events'")
    ]
    everything = "SELECT * FROM events ORDER BY id"
    assert migrated.query(everything) == fresh.query(everything)
    row = migrated.query(
        "SELECT source_prefixes, target_prefixes, sentence_text FROM events WHERE id = ?", [events[1].id]
    )[0]
    assert row == {
        "source_prefixes": "|IRN|IRN GOV|RUS|RUS MIL|RUS MIL NAV|",
        "target_prefixes": "|UKR|UKR MIL|USA|",
        "sentence_text": events[1].sentence.text,
    }
    no_target = migrated.query("SELECT target_prefixes FROM events WHERE id = ?", [events[3].id])[0]
    assert no_target == {"target_prefixes": ""}
    # the primary key survived the rebuild
    with pytest.raises(duckdb.ConstraintException):
        migrated._connection().execute("INSERT INTO events SELECT * FROM events LIMIT 1")


def test_migrated_store_answers_like_version_one(stores) -> None:
    migrated, fresh, events = stores
    for prefix in ("RUS", "RUS MIL", "RUS MIL NAV", "UKR", "SYR", "SYR REB", "USA GOV", "---", "RUSX", "A|B", "NATO"):
        expected = sorted(
            e.id for e in events if old_match([a.label for a in e.sources + e.targets], prefix)
        )
        if prefix == "A|B":  # not a label an actor filter can name
            with pytest.raises(StoreError):
                migrated.events(actor=prefix)
            continue
        assert sorted(e.id for e in migrated.events(actor=prefix)) == expected, prefix
        assert migrated.count_events(actor=prefix) == len(expected) == fresh.count_events(actor=prefix)
        assert migrated.events(actor=prefix, limit=2, offset=1) == fresh.events(actor=prefix, limit=2, offset=1)
    assert migrated.events(actor="RUS", since=dt.date(2024, 2, 2)) == fresh.events(actor="RUS", since=dt.date(2024, 2, 2))
    assert migrated.events() == fresh.events() and len(fresh.events()) == len(events)
    for source, target, directed in (("RUS", "UKR", False), ("RUS MIL", "UKR", True), ("UKR", "RUS", True)):
        series = dyad_series(migrated, source, target, directed=directed)
        assert series == dyad_series(fresh, source, target, directed=directed)
        want = sum(
            1
            for e in events
            if e.date is not None
            and (
                (old_match([a.label for a in e.sources], source) and old_match([a.label for a in e.targets], target))
                or (
                    not directed
                    and old_match([a.label for a in e.sources], target)
                    and old_match([a.label for a in e.targets], source)
                )
            )
        )
        assert series.total == want > 0
    assert actor_profile(migrated, "RUS") == actor_profile(fresh, "RUS")
    assert actor_profile(migrated, "RUS").events == sum(
        old_match([a.label for a in e.sources + e.targets], "RUS") for e in events
    )
    by_q = timeline(migrated, by="month", q="SANCTIONED")
    assert by_q == timeline(fresh, by="month", q="SANCTIONED")
    assert sum(p.events for p in by_q.points) == sum("sanctioned" in e.sentence.text.lower() for e in events) > 0


def test_migration_is_idempotent_and_keeps_row_order(tmp_path: Path) -> None:
    articles, events = build(2)
    path = tmp_path / "v1.duckdb"
    write_v1_store(path, articles, events)
    with duckdb.connect(str(path), read_only=True) as con:
        order = [row[0] for row in con.execute("SELECT id FROM events ORDER BY rowid").fetchall()]
    with Store.open(path) as store:
        assert [row["id"] for row in store.query("SELECT id FROM events ORDER BY rowid")] == order
        first = store.query("SELECT * FROM events ORDER BY rowid")
    with Store.open(path) as store:  # opened again: already version 2, nothing changes
        assert version(store) == "2" and store.query("SELECT * FROM events ORDER BY rowid") == first
        more, more_events = build(3)
        assert store.write_batch(more, more_events) == (len(SPECS), len(SPECS))  # the third round is new
        assert store.count_events(actor="RUS MIL NAV") == 3
    with Store.open(path, read_only=True) as store:
        assert store.count_events() == 3 * len(SPECS)


def test_read_only_version_one_is_refused_until_opened_read_write(tmp_path: Path) -> None:
    articles, events = build(1)
    path = tmp_path / "v1.duckdb"
    write_v1_store(path, articles, events)
    with pytest.raises(StoreError) as err:
        Store.open(path, read_only=True)
    assert err.value.code == "E603" and "read-write" in err.value.fix and str(path) in err.value.fix
    with duckdb.connect(str(path), read_only=True) as con:  # the refusal changed nothing
        assert con.execute("SELECT value FROM meta").fetchone() == ("1",)
    Store.open(path).close()
    with Store.open(path, read_only=True) as store:
        expected = sum(old_match([a.label for a in e.sources + e.targets], "RUS") for e in events)
        assert version(store) == "2" and store.count_events(actor="RUS") == expected > 0


def test_failed_migration_rolls_back_to_version_one(tmp_path: Path) -> None:
    articles, events = build(1)
    path = tmp_path / "broken.duckdb"
    write_v1_store(path, articles, events)
    with duckdb.connect(str(path)) as con:  # a damaged v1 store: a column is missing
        con.execute("ALTER TABLE events DROP COLUMN coder")
    with pytest.raises(StoreError) as err:
        Store.open(path)
    assert err.value.code == "E603" and "still version 1" in str(err.value) and err.value.fix
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT value FROM meta").fetchone() == ("1",)
        assert con.execute("SELECT count(*) FROM events").fetchone() == (len(events),)
        tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert "_dyads_events_v2" not in tables


@pytest.mark.parametrize("read_only", [False, True])
def test_other_versions_are_refused(tmp_path: Path, read_only: bool) -> None:
    path = tmp_path / "future.duckdb"
    Store.open(path).close()
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with pytest.raises(StoreError) as err:
        Store.open(path, read_only=read_only)
    assert err.value.code == "E603" and "version 3" in str(err.value)
