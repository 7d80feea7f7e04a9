"""Loading speed of the PostgreSQL store against the DuckDB store, in one run.

    python bench/postgres_load.py [--n 50000] [--batch 32] [--url postgresql://user@host:5432/db]

Builds a synthetic store of ``--n`` events (``bench/synthetic_store.py``: ten events per article,
one or two sources and zero to two targets each), then reads it back batch by batch, as
``dyads ingest`` would hand them over (``--batch`` articles with their events; 32 is
``nlp.batch_size``), and writes every batch with ``write_batch`` into a new DuckDB file and into a
new PostgreSQL database, in turn, timing only the writes. Without ``--url`` a throwaway server is
started on loopback (``tests/postgres_fixture.py``; with fsync and synchronous commit on, as
deployed); with ``--url`` the database there must be empty. Prints, per store, seconds, events/s
and rows/s (articles + events + actor rows), the PostgreSQL / DuckDB ratio, then writes the first
batches again into both (idempotency: nothing added) and checks both stores hold the same counts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from synthetic_store import make_synthetic_store

from dyads.io.store import Store
from dyads.io.stores import AnyStore, open_store
from dyads.records import Article, Event


def batches(source: Store, size: int) -> Iterator[tuple[list[Article], list[Event]]]:
    """The source store's articles in id order, ``size`` at a time, with their events."""
    offset = 0
    while True:
        rows = source.query(
            "SELECT id, text, title, url, outlet, published, origin FROM articles ORDER BY id LIMIT ? OFFSET ?",
            [size, offset],
        )
        if not rows:
            return
        offset += len(rows)
        articles = [Article(**row) for row in rows]
        records = source.query(
            "SELECT record FROM events WHERE list_contains(?, article_id) ORDER BY article_id, sentence_index, id",
            [[a.id for a in articles]],
        )
        yield articles, [Event.model_validate_json(r["record"]) for r in records]


def counts(store: AnyStore) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        int(store.query(f"SELECT count(*) AS n FROM {table}")[0]["n"]) for table in ("articles", "events", "event_actors")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time write_batch into DuckDB and PostgreSQL on the same batches.")
    parser.add_argument("--n", type=int, default=50_000, help="synthetic events (default 50,000)")
    parser.add_argument("--batch", type=int, default=32, help="articles per write_batch (default 32)")
    parser.add_argument("--url", help="an empty PostgreSQL database to load (default: a throwaway server)")
    args = parser.parse_args(argv)

    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dyads-pgbench-")))
        made = make_synthetic_store(work / "source.duckdb", n_events=args.n)
        print(f"source: {made['events']:,} events, {made['event_actors']:,} actor rows, {made['articles']:,} articles")
        url = args.url
        if url is None:
            from postgres_fixture import postgres_server

            server = stack.enter_context(postgres_server(durable=True))
            url = server.create_database("bench")
        source = stack.enter_context(Store.open(work / "source.duckdb", read_only=True))
        targets = {
            "duckdb": stack.enter_context(open_store(str(work / "target.duckdb"))),
            "postgresql": stack.enter_context(open_store(url)),
        }
        seconds = dict.fromkeys(targets, 0.0)
        n_batches = 0
        for articles, events in batches(source, args.batch):
            n_batches += 1
            for name, store in targets.items():
                started = time.perf_counter()
                store.write_batch(articles, events)
                seconds[name] += time.perf_counter() - started
        stored = {name: counts(store) for name, store in targets.items()}
        rows = sum(stored["duckdb"])
        print(f"{n_batches} batches of {args.batch} articles; each store holds articles, events, actor rows = {stored['duckdb']}")
        for name in targets:
            print(
                f"{name:>10}: {seconds[name]:7.2f} s  {stored[name][1] / seconds[name]:9,.0f} events/s"
                f"  {rows / seconds[name]:9,.0f} rows/s"
            )
        print(f"ratio postgresql / duckdb (rows/s): {seconds['duckdb'] / seconds['postgresql']:.2f}")

        again = dict.fromkeys(targets, 0.0)
        added = dict.fromkeys(targets, (0, 0))
        for i, (articles, events) in enumerate(batches(source, args.batch)):
            if i == 20:
                break
            for name, store in targets.items():
                started = time.perf_counter()
                new = store.write_batch(articles, events)
                again[name] += time.perf_counter() - started
                added[name] = (added[name][0] + new[0], added[name][1] + new[1])
        for name in targets:
            print(f"{name:>10}: first 20 batches written again in {again[name]:.2f} s, added {added[name]} (articles, events)")
        same = stored["duckdb"] == stored["postgresql"] == counts(targets["duckdb"]) == counts(targets["postgresql"])
        print("same counts in both stores:", same)
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
