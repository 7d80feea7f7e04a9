"""What `dyads optimize` buys: the API's queries on a store before and after, in one run.

    python bench/optimize_store.py [--db /tmp/dyads-api-1m.duckdb] [--n 1000000] [--repeat 3]
    python bench/optimize_store.py --write-cost [--repeat 3]

Builds the synthetic store with ``bench/synthetic_store.py`` unless ``--db`` holds ``--n`` events
(written article by article, dates in random order, as a back-filled archive would be), copies it,
runs :func:`dyads.io.optimize.optimize_store` on the copy (time and file sizes printed), then times
the server's own query functions on both stores, interleaved, best of ``--repeat``: the events
list under each kind of filter of ``bench/load_test.py``, an article with its events, one event by
id, a dyad's monthly series and an actor profile. Prints milliseconds and the ratio. "After"
includes the actor index that ``optimize_store`` builds (``dyads.io.rollups``).

``--write-cost``: what keeping the actor index adds to :meth:`Store.write_batch`: 40 batches of 32
articles and 96 events written to an in-memory store with the index and to one without it,
alternately, ``--repeat`` times; milliseconds per batch.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_store import make_synthetic_store, stored_events

from dyads.analytics import actor_profile, dyad_series, event_filters
from dyads.io import rollups
from dyads.io.optimize import optimize_store
from dyads.io.store import Store
from dyads.records import Actor, Article, Event, EventDate, Span
from dyads.server.database import ServedStore
from dyads.server.queries import event_json, events_page

FILTERS = {
    "events: actor + year": {"actor": "RUS", "since": "2019-01-01", "until": "2019-12-31"},
    "events: actor": {"actor": "UKR MIL"},
    "events: country + quad": {"country": "SYR", "quad": 4},
    "events: type + half year": {"type": "ASSAULT", "since": "2019-01-01", "until": "2019-06-30"},
    "events: text + year": {"q": "bombed", "since": "2019-01-01", "until": "2019-12-31"},
    "events: source + target": {"source": "RUS", "target": "IRN"},
    "events: no filter": {},
}


def best_ms(call, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def _batches(first: int, count: int = 40) -> list[tuple[list[Article], list[Event]]]:
    """``count`` batches of 32 articles with 3 events each (two sources, one target)."""
    out = []
    for batch in range(count):
        articles, events = [], []
        for n in range(first + batch * 32, first + batch * 32 + 32):
            text = f"Story {n}. Russian troops and Iran shelled rebel posts near the river, officials said."
            article = Article.create(text=text, title=f"Story {n}", outlet="Wire")
            articles.append(article)
            for k in range(3):
                events.append(Event(
                    article_id=article.id, sentence_index=1, sentence=Span(start=0, end=len(text), text=text),
                    trigger=Span(start=40 + k, end=47 + k, text=text[40 + k:47 + k]), plover_type="ASSAULT",
                    cameo_code="190", quad_class=4, goldstein=-10.0,
                    sources=[Actor(code="RUS", sectors=["MIL"]), Actor(code="IRN")], targets=[Actor(code="SYR", sectors=["REB"])],
                    date=EventDate(date=f"2024-01-{1 + n % 28:02d}", precision="day", derived_from="explicit"),
                ).assign_id())
        out.append((articles, events))
    return out


def write_cost(repeat: int) -> None:
    """Milliseconds per write_batch with and without the actor index, alternately."""
    costs: dict[str, list[float]] = {"with the index": [], "without": []}
    for _ in range(repeat):
        for side, values in costs.items():
            with Store.open(":memory:") as store:
                if side == "without":  # as a store of an earlier dyads: events and no index, none started
                    con = store._connection()
                    store.write_batch(*_batches(10_000_000, 1)[0])
                    con.execute(f"DROP TABLE {rollups.TABLE}")
                    con.execute(f"DROP TABLE {rollups.PAIRS}")
                    con.execute("DELETE FROM meta WHERE key = ?", [rollups.COVERED_KEY])
                batches = _batches(0)
                started = time.perf_counter()
                for articles, events in batches:
                    store.write_batch(articles, events)
                values.append((time.perf_counter() - started) / len(batches) * 1000)
                assert rollups.index_ready(store) == (side == "with the index")
    for side, values in costs.items():
        print(f"write_batch, 32 articles + 96 events, {side}: best {min(values):.1f} ms, all {', '.join(f'{v:.1f}' for v in values)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/dyads-api-1m.duckdb"))
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-cost", action="store_true", help="time write_batch with and without the actor index")
    args = parser.parse_args(argv)
    if args.write_cost:
        write_cost(args.repeat)
        return 0
    if stored_events(args.db) != args.n:
        made = make_synthetic_store(args.db, n_events=args.n, overwrite=True)
        print(f"built {args.db}: {made['events']:,} events in {made['seconds']} s")
    work = Path(tempfile.mkdtemp(prefix="dyads-optimize-"))
    try:
        copy = work / "optimized.duckdb"
        shutil.copyfile(args.db, copy)
        done = optimize_store(copy)
        print(f"optimize_store: {done.rows.get('events', 0):,} events in {done.seconds} s; "
              f"{done.bytes_before / 2**20:.0f} -> {done.bytes_after / 2**20:.0f} MiB; actor index "
              f"{done.rows.get('actor_index', 0):,} rows (+ dyad_index) in {done.index_seconds} s of it")
        stores = {name: ServedStore.open(path, read_only=True) for name, path in (("before", args.db), ("after", copy))}
        sessions = {name: store.session() for name, store in stores.items()}
        probe = sessions["before"]
        event_id, article_id = (probe.query("SELECT id, article_id FROM events WHERE date IS NOT NULL ORDER BY id LIMIT 1")[0][k]
                                for k in ("id", "article_id"))
        cases = {name: (lambda s, f=f: events_page(s, event_filters(**f), limit=50, cursor=None)) for name, f in FILTERS.items()}
        cases["article's events"] = lambda s: s.events(article_id=article_id)
        cases["event by id"] = lambda s: event_json(s, event_id)
        cases["dyad RUS-IRN, a year by month"] = lambda s: dyad_series(s, "RUS", "IRN", since="2019-01-01", until="2019-12-31")
        cases["actor profile RUS, a year"] = lambda s: actor_profile(s, "RUS", since="2019-01-01", until="2019-12-31")
        print(f"\n{'query':<32} {'before ms':>10} {'after ms':>10} {'before/after':>13}")
        for name, call in cases.items():
            for session in sessions.values():  # warm both: index and column loading is not what is compared
                call(session)
            timings = {"before": float("inf"), "after": float("inf")}
            for _ in range(args.repeat):  # interleaved, so both sides see the same machine
                for side, session in sessions.items():
                    timings[side] = min(timings[side], best_ms(lambda: call(session), 1))
            print(f"{name:<32} {timings['before']:>10.1f} {timings['after']:>10.1f} {timings['before'] / timings['after']:>12.2f}x")
        for session in sessions.values():
            session.close()
        for store in stores.values():
            store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
