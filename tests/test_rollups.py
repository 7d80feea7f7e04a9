"""The actor index (dyads.io.rollups): kept exact by write_batch, rebuilt by optimize, the same
answers as the base tables, and left alone (fallback) whenever it does not cover every event."""

from __future__ import annotations

import datetime as dt
import importlib
import random
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from synthetic_store import make_synthetic_store
from test_store import make_article, make_event

from dyads.analytics import actor_profile, dyad_series, event_filters, timeline
from dyads.analytics import dyads as dyads_module
from dyads.analytics import profile as profile_module
from dyads.io import rollups
from dyads.io.optimize import optimize_store
from dyads.io.rollups import build_index, index_ready, index_rows
from dyads.io.store import Store
from dyads.records import Actor, Event
from dyads.server import queries
from dyads.server.database import open_served

filters_module = importlib.import_module("dyads.analytics.event_filters")  # the package's name is the function's
INDEX_COLUMNS = "prefix, date, id, src, tgt, quad_class, plover_type, goldstein, source_prefixes, target_prefixes, partners"


def _index(store: Store) -> list[tuple]:
    return sorted((tuple(row.values()) for row in store.query(f"SELECT {INDEX_COLUMNS} FROM actor_index")), key=repr)


def _odd_events() -> list[tuple]:
    """Articles and events with what the index must get right: uncoded actors, non-state sectors,
    an actor on both sides, one label a prefix of another on the other side, several actors,
    no targets, undated events."""
    out = []
    shapes = [
        ([Actor(code="RUS", sectors=["MIL"]), Actor(code=None)], [Actor(code="SYR", sectors=["REB"])]),
        ([Actor(code="RUS", sectors=["GOV"])], [Actor(code="RUS", sectors=["MIL"]), Actor(code="UKR", sectors=["GOV", "OPP"])]),
        ([Actor(code="USA")], []),
        ([Actor(code=None)], [Actor(code="IRN", sectors=["MIL"]), Actor(code="IRN")]),
        ([Actor(code="ISR", sectors=["MIL"]), Actor(code="USA", sectors=["GOV"])], [Actor(code="PSE", sectors=["INS", "REB"])]),
    ]
    for n, (sources, targets) in enumerate(shapes * 3):
        article = make_article(100 + n)
        event = make_event(article, when=None if n % 4 == 3 else dt.date(2021, 1 + n % 12, 1 + n))
        event = event.model_copy(update={"sources": sources, "targets": targets, "quad_class": n % 5, "id": ""})
        out.append((article, event.assign_id()))
    return out


@pytest.fixture()
def odd_store(tmp_path: Path) -> Path:
    path = tmp_path / "odd.duckdb"
    with Store.open(path) as store:
        for article, event in _odd_events():
            store.write_batch([article], [event])
    return path


def test_write_batch_keeps_the_index_and_it_equals_a_rebuild(odd_store: Path) -> None:
    with Store.open(odd_store) as store:
        assert index_ready(store)
        written = _index(store)
        assert len(written) > 15
        events = store.events()
        assert written == sorted((tuple(r.values()) for e in events for r in index_rows(e)), key=repr)
        pairs = sorted((tuple(r.values()) for r in store.query("SELECT * FROM dyad_index")), key=repr)
        assert pairs == sorted((tuple(r.values()) for e in events for r in rollups.pair_rows(e)), key=repr)
        assert {row[0] for row in pairs} >= {"RUS MIL>SYR REB", "---~SYR REB", "RUS GOV>RUS MIL", "RUS~RUS"}
        build_index(store._connection())
        assert _index(store) == written  # the SQL build gives the rows write_batch gave
        assert sorted((tuple(r.values()) for r in store.query("SELECT * FROM dyad_index")), key=repr) == pairs
        assert index_ready(store)
    by_key = {(row[0], row[2]): row for row in written}
    first = next(e for e in events if [a.label for a in e.sources] == ["RUS MIL", "---"])
    row = by_key[("RUS", first.id)]
    assert row[3] and not row[4] and row[10] == ["SYR REB"]  # a source; its partner keyed by the non-state sector
    assert ("---", first.id) in by_key and by_key[("---", first.id)][10] == ["SYR REB"]
    both = next(e for e in events if [a.label for a in e.targets] == ["RUS MIL", "UKR GOV OPP"])
    assert by_key[("RUS", both.id)][3:5] == (True, True)
    assert by_key[("RUS", both.id)][10] == ["UKR OPP"]  # RUS GOV and RUS MIL match RUS: not partners of RUS
    assert by_key[("RUS GOV", both.id)][10] == ["RUS", "UKR OPP"]  # RUS MIL is a partner of RUS GOV (key: code)
    assert by_key[("RUS MIL", both.id)][10] == ["RUS"]  # RUS GOV, as its source


def _answers(store: Store, rng: random.Random, labels: list[str]) -> list[str]:
    out = []
    session = store
    for _ in range(25):
        a, b = rng.sample(labels, 2)
        year = rng.choice([None, 2014, 2016, 2021])
        since, until = (dt.date(year, 1, 1), dt.date(year, 12, 31)) if year else (None, None)
        for directed in (False, True):
            out.append(dyad_series(session, a, b, by=rng.choice(["day", "week", "month"]), since=since, until=until,
                                   directed=directed).model_dump_json())
        out.append(dyad_series(session, a, a, by="month").model_dump_json())
        out.append(actor_profile(session, a, since=since, until=until, top=rng.choice([1, 3, 10])).model_dump_json())
        kinds = [{"actor": a}, {"source": a, "target": b}, {"target": b, "since": since}, {"actor": a, "source": b},
                 {"actor": a, "type": "ASSAULT", "quad": 4}, {"actor": a, "country": "UKR"},
                 {"source": a, "target": b, "type": "ASSAULT", "until": until}]
        for found in kinds:
            filters = event_filters(**found)
            out.append(timeline(session, by="month", **filters.model_dump()).model_dump_json())
            if isinstance(session, queries.SessionStore):
                page = queries.events_page(session, filters, limit=7, cursor=None)
                out.append(page.model_dump_json())
                if page.next_cursor:
                    out.append(queries.events_page(session, filters, limit=7, cursor=page.next_cursor).model_dump_json())
    return out


def _scan_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (dyads_module, profile_module, filters_module):
        monkeypatch.setattr(module, "index_ready", lambda store: False)


@pytest.mark.parametrize("shape", ["synthetic", "odd"])
def test_index_answers_equal_the_base_tables(shape: str, tmp_path: Path, odd_store: Path, monkeypatch) -> None:
    if shape == "synthetic":
        path = tmp_path / "syn.duckdb"
        make_synthetic_store(path, n_events=3000, seed=5)
        labels = ["RUS", "USA", "CHN", "UKR", "IRN", "SYR", "RUS MIL", "USA GOV", "SYR REB", "NATO", "GBR", "ZZZ"]
    else:
        path = odd_store
        labels = ["RUS", "RUS MIL", "RUS GOV", "---", "SYR", "SYR REB", "UKR", "USA", "IRN", "IRN MIL", "PSE", "ISR MIL"]
    optimize_store(path)  # builds the index (the synthetic store is filled by SQL, not write_batch)
    served = open_served(path, writable=False)
    try:
        session = served.session()
        assert index_ready(session)
        indexed = _answers(session, random.Random(7), labels)
        _scan_only(monkeypatch)
        assert not filters_module.index_ready(session)
        scanned = _answers(session, random.Random(7), labels)
        session.close()
    finally:
        served.close()
    assert indexed == scanned
    assert sum('"total":0' not in text and '"events":0,' not in text for text in indexed) > len(indexed) // 4  # most answers hold events


def test_an_index_that_misses_events_is_not_used(odd_store: Path) -> None:
    with Store.open(odd_store) as store:
        before = actor_profile(store, "RUS").model_dump()
        # an earlier dyads (no index) writes one more RUS event: the index no longer covers the store
        article = make_article(500)
        event = make_event(article, when=dt.date(2021, 5, 5))
        con = store._connection()
        con.execute("DELETE FROM meta WHERE key = ?", [rollups.COVERED_KEY])
        con.execute("INSERT INTO meta VALUES (?, '0')", [rollups.COVERED_KEY])
        store.write_batch([article], [event])
        assert not index_ready(store)  # covers 1 event of 16
        after = actor_profile(store, "RUS")
        assert after.events == before["events"] + 1  # answered from the base tables
        build_index(con)
        assert index_ready(store) and actor_profile(store, "RUS") == after


def test_a_store_written_before_the_index_gets_it_from_optimize(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with Store.open(path) as store:
        for article, event in _odd_events()[:6]:
            store.write_batch([article], [event])
        con = store._connection()
        con.execute("DROP TABLE actor_index")
        con.execute("DELETE FROM meta WHERE key = ?", [rollups.COVERED_KEY])
    with Store.open(path, read_only=True) as store:  # as an earlier version left it: no table
        assert not index_ready(store)
        expected = actor_profile(store, "RUS").model_dump_json()
    with Store.open(path) as store:  # writing more does not start an index over events it never saw
        article, event = _odd_events()[7]
        assert store.write_batch([article], [event]) == (1, 1)
        assert not index_ready(store)
        assert not store.query("SELECT 1 FROM duckdb_tables() WHERE table_name = 'actor_index'")
        expected = actor_profile(store, "RUS").model_dump_json()
    report = optimize_store(path)
    assert report.rows["actor_index"] > 0
    with Store.open(path, read_only=True) as store:
        assert index_ready(store)
        assert actor_profile(store, "RUS").model_dump_json() == expected


def test_optimize_sorts_the_index_by_prefix_newest_first(odd_store: Path) -> None:
    optimize_store(odd_store)
    with duckdb.connect(str(odd_store), read_only=True) as con:
        rows = con.execute("SELECT prefix, date, id FROM actor_index ORDER BY rowid").fetchall()
    def key(row: tuple) -> tuple:
        return (row[0], row[1] is None, -(row[1].toordinal() if row[1] else 0), row[2])
    assert rows == sorted(rows, key=key)


def test_index_rows_of_an_event_without_actors_is_empty() -> None:
    article = make_article(1)
    event = make_event(article).model_copy(update={"sources": [], "targets": []})
    assert index_rows(Event.model_validate(event.model_dump())) == []
