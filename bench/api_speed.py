"""Speed of the REST API on a large synthetic store, through the FastAPI app (no network).

    python bench/api_speed.py [--db /tmp/dyads-api-1m.duckdb] [--n 1000000] [--repeat 30]

Builds the store with ``bench/synthetic_store.py`` unless ``--db`` already holds ``--n`` events
in this schema version (an older store is built again),
serves it read-only with ``create_app``, sends every request once to warm up, then ``--repeat``
times through FastAPI's TestClient (routing, validation, JSON included), and prints the median
and 90th percentile of the wall time in milliseconds, and the median CPU time of the process
(all threads: DuckDB uses one per core), which other programs on a shared machine do not inflate.
The issue's target: the events page filtered by actor and dates and the dyad series answer in
under 100 ms (median wall time) with 1,000,000 events.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fastapi.testclient import TestClient
from synthetic_store import make_synthetic_store, stored_events

from dyads.server import create_app, shutdown

TARGET_MS = 100.0

# (name, URL, has the 100 ms target)
REQUESTS: list[tuple[str, str, bool]] = [
    ("events: actor RUS, 2019, 50 rows", "/api/events?actor=RUS&since=2019-01-01&until=2019-12-31", True),
    ("events: actor SYR REB, 50 rows", "/api/events?actor=SYR%20REB", True),
    ("events: actor USA GOV, 2016-2017, 200 rows", "/api/events?actor=USA%20GOV&since=2016-01-01&until=2017-12-31&limit=200", True),
    ("events: no filter, 50 rows", "/api/events", True),
    ("events: country UKR, quad 4, 50 rows", "/api/events?country=UKR&quad=4", True),
    ("dyads RUS-USA by month", "/api/dyads/RUS/USA?by=month", True),
    ("dyads RUS-USA by month, 2019", "/api/dyads/RUS/USA?by=month&since=2019-01-01&until=2019-12-31", True),
    ("dyads RUS MIL->UKR by week, directed", "/api/dyads/RUS%20MIL/UKR?by=week&directed=true", True),
    ("events: q 'sanctioned', 50 rows", "/api/events?q=sanctioned", False),
    ("timeline by month, actor RUS", "/api/timeline?by=month&actor=RUS", False),
    ("actor profile RUS", "/api/actors/RUS", False),
    ("health", "/api/health", False),
    ("summary", "/api/summary", False),
]


def time_get(client: TestClient, url: str, repeat: int) -> tuple[float, float, float]:
    """Median and 90th percentile wall time and median CPU time of ``repeat`` GETs (after one
    untimed warm-up), in ms."""
    first = client.get(url)
    if first.status_code != 200:
        raise SystemExit(f"{url}: HTTP {first.status_code} {first.text[:200]}")
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.9 * (len(times) - 1)))], statistics.median(cpu)


def cursor_url(client: TestClient, url: str) -> str:
    """The URL of the second page of ``url`` (a keyset cursor query)."""
    cursor = client.get(url).json()["next_cursor"]
    return f"{url}&cursor={cursor}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/dyads-api-1m.duckdb"))
    parser.add_argument("--n", type=int, default=1_000_000, help="synthetic events (when the store is built)")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    if args.repeat < 10:
        parser.error("--repeat must be at least 10")

    found = stored_events(args.db)
    if found != args.n:
        made = make_synthetic_store(args.db, n_events=args.n, overwrite=True)
        print(f"built {args.db}: {made['events']:,} events, {made['event_actors']:,} actor rows in {made['seconds']} s")
    else:
        print(f"reusing {args.db} ({found:,} events)")
    load = ", load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else ""
    print(f"{os.cpu_count()} CPUs{load}, repeat {args.repeat}; times in ms, through the FastAPI app\n")
    print(f"{'request':<46} {'median':>8} {'p90':>8} {'cpu':>8}  target (median < 100)")
    failed = 0
    app = create_app(db=args.db)
    try:
        with TestClient(app) as client:
            requests = list(REQUESTS)
            requests.insert(1, ("events: actor RUS, 2019, page 2 (cursor)", cursor_url(client, REQUESTS[0][1]), True))
            for name, url, targeted in requests:
                median, p90, cpu = time_get(client, url, args.repeat)
                verdict = ""
                if targeted:
                    ok = median < TARGET_MS
                    failed += not ok
                    verdict = "ok (< 100)" if ok else "OVER 100"
                print(f"{name:<46} {median:>8.1f} {p90:>8.1f} {cpu:>8.1f}  {verdict}")
    finally:
        shutdown(app)
    if hasattr(os, "getloadavg"):
        print("\nload average after: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
