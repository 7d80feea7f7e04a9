"""Speed of the analytics library and of an events page on a large synthetic store.

    python bench/analytics_speed.py [--db /tmp/dyads-synthetic-1m.duckdb] [--n 1000000] [--repeat 20]
                                    [--explain]

Builds the store with ``bench/synthetic_store.py`` unless ``--db`` already holds one of this schema
version with ``--n`` events (an older store is built again), opens it read-only, runs every query
once to warm up, then ``--repeat`` times, and prints the median and 90th percentile in
milliseconds. The issue's target: the dyad monthly series and the 50-row events page filtered by
actor and dates answer in under 100 ms (median).

``--explain`` prints DuckDB's ``EXPLAIN ANALYZE`` of the RUS-USA monthly dyad query and of the
events page query (the SQL ``Store.events`` runs for ``actor="RUS"`` and 2019) instead of timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_store import make_synthetic_store, stored_events

from dyads.analytics import actor_profile, alignment, claims, dyad_series, timeline
from dyads.io.store import Store

TARGET_MS = 100.0


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def time_it(run: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """Wall-clock median and 90th percentile, and median CPU time of the process (all DuckDB
    threads), of ``repeat`` calls after one untimed warm-up, in ms. CPU time shows the work done
    when other programs share the cores and stretch the wall clock."""
    run()
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), _p90(wall), statistics.median(cpu)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cases(store: Store) -> list[tuple[str, Callable[[], object], bool]]:
    """(name, call, has a 100 ms target)."""
    since, until = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
    return [
        ("dyad_series RUS-USA by month", lambda: dyad_series(store, "RUS", "USA", by="month"), True),
        ("dyad_series RUS-USA by month, 2019", lambda: dyad_series(store, "RUS", "USA", since=since, until=until), True),
        ("dyad_series RUS MIL->UKR by week", lambda: dyad_series(store, "RUS MIL", "UKR", by="week", directed=True), True),
        ("dyad_series SYR-TUR by month", lambda: dyad_series(store, "SYR", "TUR", by="month"), True),
        ("events page: actor RUS, 2019, 50 rows", lambda: store.events(actor="RUS", since=since, until=until, limit=50), True),
        ("events page: actor SYR REB, 50 rows", lambda: store.events(actor="SYR REB", limit=50), True),
        ("actor_profile RUS", lambda: actor_profile(store, "RUS"), False),
        ("actor_profile RUS, 2019", lambda: actor_profile(store, "RUS", since=since, until=until), False),
        ("alignment, all years", lambda: alignment(store), False),
        ("alignment, 2019", lambda: alignment(store, since=since, until=until), False),
        ("claims", lambda: claims(store), False),
        ("timeline by day", lambda: timeline(store, by="day"), False),
        ("timeline by month, actor RUS, quad 4", lambda: timeline(store, by="month", actor="RUS", quad=4), False),
    ]


# The first of the two queries Store.events(actor="RUS", since=2019-01-01, until=2019-12-31, limit=50)
# runs (io/store.py): the page's ids; the second reads the records of those 50 ids.
_PAGE_SQL = (
    "SELECT e.id FROM events e WHERE (contains(e.source_prefixes, ?) OR contains(e.target_prefixes, ?))"
    " AND e.date >= ? AND e.date <= ?"
    " ORDER BY e.date NULLS LAST, e.article_id, e.sentence_index, e.trigger_start, e.id LIMIT ? OFFSET ?"
)


def explain(store: Store) -> None:
    """Print EXPLAIN ANALYZE of the dyad series and events page queries."""
    from dyads.analytics.dyads import dyad_match_sql, dyad_params
    from dyads.analytics.filters import STATEMENT, period_sql

    dyad_sql = (
        f"SELECT {period_sql('month')} AS period, e.quad_class AS quad, coalesce(e.plover_type, ?) AS plover_type,"
        " count(*) AS n, sum(e.goldstein) AS goldstein FROM events e"
        f" WHERE {dyad_match_sql(directed=False)} AND e.date IS NOT NULL GROUP BY ALL"
    )
    page_params = ["|RUS|", "|RUS|", dt.date(2019, 1, 1), dt.date(2019, 12, 31), 50, 0]
    queries = {
        "dyad_series RUS-USA by month": (dyad_sql, [STATEMENT, *dyad_params("RUS", "USA", directed=False)]),
        "events page: actor RUS, 2019, 50 rows (the ids)": (_PAGE_SQL, page_params),
    }
    for name, (sql, params) in queries.items():
        store.query(sql, params)  # warm up
        (row,) = store.query("EXPLAIN ANALYZE " + sql, params)
        print(f"== {name}\n{row['explain_value']}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/dyads-synthetic-1m.duckdb"))
    parser.add_argument("--n", type=int, default=1_000_000, help="synthetic events (when the store is built)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the targeted queries")
    args = parser.parse_args(argv)
    if args.repeat < 20:
        parser.error("--repeat must be at least 20")

    found = stored_events(args.db)
    if found != args.n:
        made = make_synthetic_store(args.db, n_events=args.n, overwrite=True)
        print(f"built {args.db}: {made['events']:,} events, {made['event_actors']:,} actor rows in {made['seconds']} s")
    else:
        print(f"reusing {args.db} ({found:,} events)")
    if args.explain:
        with Store.open(args.db, read_only=True) as store:
            explain(store)
        return 0
    print(f"{os.cpu_count()} CPUs, load average {_load()} (1, 5, 15 min), repeat {args.repeat}; times in ms\n")
    print(f"{'query':<42} {'median':>8} {'p90':>8} {'cpu':>8}  target (median < {TARGET_MS:.0f} ms)")
    failed = 0
    with Store.open(args.db, read_only=True) as store:
        for name, run, targeted in cases(store):
            median, p90, cpu = time_it(run, args.repeat)
            verdict = ""
            if targeted:
                ok = median < TARGET_MS
                failed += not ok
                verdict = "ok" if ok else "OVER"
            print(f"{name:<42} {median:>8.1f} {p90:>8.1f} {cpu:>8.1f}  {verdict}")
    print(f"\nload average at the end: {_load()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
