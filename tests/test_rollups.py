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

from dyads.analytics import (
    actor_profile,
    alignment,
    dyad_series,
    event_filters,
    timeline,
)
from dyads.analytics import dyads as dyads_module
from dyads.analytics import profile as profile_module
from dyads.io import rollups
from dyads.io.optimize import optimize_store
from dyads.io.rollups import blocs_ready, build_index, index_ready, index_rows
from dyads.io.store import Store
from dyads.records import Actor, Event
from dyads.server import queries
from dyads.server.database import open_served

filters_module = importlib.import_module("dyads.analytics.event_filters")
alignment_module = importlib.import_module("dyads.analytics.alignment")  # the package's name is the function's
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


# --------------------------------------------------------------------------- bloc_index (alignment)

BLOC_COLUMNS = "event_id, a, b, quad_class, joint, place, appeal, date"


def _blocs(store: Store) -> list[tuple]:
    return sorted((tuple(row.values()) for row in store.query(f"SELECT {BLOC_COLUMNS} FROM bloc_index")), key=repr)


def _bloc_items() -> list[tuple]:
    """Events of every kind the blocs tell apart: cooperation, conflict, joint sources, a target
    that is only a place, a possessive after "in", an appeal, a plain statement, non-state sectors,
    uncoded and same-key actors, an undated event."""
    from test_analytics import make_event as analytics_event
    from test_analytics import spanned_event

    coop = {"quad": 1, "goldstein": 3.0}
    return [
        analytics_event(1, ["RUS GOV"], ["SYR GOV"], when=dt.date(2024, 1, 1), **coop),
        analytics_event(3, ["IRN"], ["SYR MIL"], when=dt.date(2024, 1, 3), quad=2, goldstein=6.0),
        analytics_event(5, ["USA"], ["SYR REB"], when=dt.date(2024, 1, 5), quad=2, goldstein=6.0),
        analytics_event(9, ["RUS MIL"], ["SYR REB"], when=dt.date(2024, 2, 1), quad=4, goldstein=-10.0),
        analytics_event(14, ["RUS", "IRN"], ["SYR", "SYR GOV"], when=dt.date(2024, 2, 6), **coop),
        analytics_event(15, ["RUS GOV"], ["RUS MIL", "---"], when=dt.date(2024, 2, 7), **coop),
        analytics_event(16, ["RUS"], ["SYR"], when=None, quad=4, goldstein=-10.0),
        spanned_event(1, "Russian bombers struck targets in Syria.", ["RUS MIL"], "Syria", cameo="195", quad=4, goldstein=-10),
        spanned_event(8, "Bombers hit targets in Syria.", ["RUS"], "targets in Syria", cameo="195", quad=4, goldstein=-10, code="SYR"),
        spanned_event(3, "Gunmen killed dozens in Israel's south.", ["HMS REB"], "Israel", cameo="190", quad=4, goldstein=-10),
        spanned_event(5, "Damascus asked Russia for military help.", ["SYR GOV"], "Russia", cameo="023", quad=0, goldstein=3.4),
        spanned_event(6, "Damascus commented on Russia.", ["SYR GOV"], "Russia", cameo="010", quad=0, goldstein=0.0),
        spanned_event(7, "U.S. and Jordanian jets bombed Islamic State.", ["USA MIL", "JOR MIL"], "Islamic State", cameo="195", quad=4, goldstein=-10),
    ]


def _alignments(store: Store) -> list[str]:
    out = []
    for since, until in ((None, None), (dt.date(2024, 1, 1), dt.date(2024, 1, 31)), (dt.date(2014, 1, 1), dt.date(2016, 6, 30)),
                         (dt.date(2024, 2, 1), None), (None, dt.date(2019, 12, 31))):
        for min_events in (1, 2):
            for place_targets in (False, True):
                out.append(alignment(store, since=since, until=until, min_events=min_events,
                                     place_targets=place_targets).model_dump_json())
    return out


def test_write_batch_keeps_the_bloc_index_and_it_equals_a_rebuild(tmp_path: Path) -> None:
    items = _bloc_items()
    with Store.open(tmp_path / "blocs.duckdb") as store:
        for start in range(0, len(items), 4):  # several batches
            batch = items[start:start + 4]
            store.write_batch([a for a, _ in batch], [e for _, e in batch])
        assert blocs_ready(store)
        written = _blocs(store)
        ids = {event.article_id: event.id for _, event in items}
        facts = {(row[0], row[1], row[2]): row[3:7] for row in written}  # (event, a, b): quad, joint, place, appeal
        assert facts[(ids["spanned-7"], "JOR", "USA")] == (4, True, False, False)  # two sources acting together
        assert facts[(ids["spanned-7"], "ISL", "USA")] == (4, False, False, False)
        assert facts[(ids["spanned-1"], "RUS", "SYR")] == (4, False, True, False)  # "struck targets in Syria"
        assert facts[(ids["spanned-8"], "RUS", "SYR")] == (4, False, True, False)  # the span "targets in Syria"
        assert facts[(ids["spanned-3"], "HMS REB", "ISR")] == (4, False, False, False)  # "in Israel's": an owner
        assert facts[(ids["spanned-5"], "RUS", "SYR")] == (0, False, False, True)  # an appeal for help
        assert facts[(ids["spanned-6"], "RUS", "SYR")] == (0, False, False, False)  # a plain statement
        assert facts[(ids["art-14"], "IRN", "RUS")] == (1, True, False, False)
        assert not [key for key in facts if key[0] == ids["art-15"]]  # same key (RUS), uncoded: no pair
        assert [row[7] for row in written if row[0] == ids["art-16"]] == [None]  # undated: kept, dateless
        con = store._connection()
        con.execute("BEGIN TRANSACTION")
        rollups.build_bloc_index(con)
        con.execute("COMMIT")
        assert _blocs(store) == written  # the SQL build gives the rows write_batch gave
        assert blocs_ready(store)


@pytest.mark.parametrize("shape", ["synthetic", "batches"])
def test_blocs_from_the_index_equal_the_base_tables(shape: str, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "s.duckdb"
    if shape == "synthetic":
        make_synthetic_store(path, n_events=3000, seed=5)
        optimize_store(path)
    else:
        with Store.open(path) as store:
            items = _bloc_items()
            store.write_batch([a for a, _ in items], [e for _, e in items])
    served = open_served(path, writable=False)
    try:
        session = served.session()
        assert blocs_ready(session) and served.index_memo.blocs_ready
        indexed = _alignments(session)
        monkeypatch.setattr(alignment_module, "blocs_ready", lambda store: False)
        scanned = _alignments(session)
        session.close()
    finally:
        served.close()
    assert indexed == scanned
    assert sum('"edges":[]' not in text for text in indexed) >= len(indexed) // 2  # most answers hold edges


def test_a_store_indexed_before_the_bloc_index_gets_it_from_optimize(odd_store: Path) -> None:
    with Store.open(odd_store) as store:  # as an earlier dyads left it: the actor tables, no bloc_index
        assert blocs_ready(store)
        con = store._connection()
        con.execute("DROP TABLE bloc_index")
        con.execute("DELETE FROM meta WHERE key = ?", [rollups.BLOCS_COVERED_KEY])
        assert index_ready(store) and not blocs_ready(store)
        expected = alignment(store).model_dump_json()
        article = make_article(600)
        assert store.write_batch([article], [make_event(article, when=dt.date(2021, 6, 6))]) == (1, 1)
        assert index_ready(store) and not blocs_ready(store)  # not started over events it never saw
        assert not store.query("SELECT 1 FROM duckdb_tables() WHERE table_name = 'bloc_index'")
        expected = alignment(store).model_dump_json()
    optimize_store(odd_store)
    with Store.open(odd_store, read_only=True) as store:
        assert blocs_ready(store)
        assert alignment(store).model_dump_json() == expected
