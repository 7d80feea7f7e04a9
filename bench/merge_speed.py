"""Speed of the event merge (``dyads.merge.merge_store``) on a large synthetic store.

    python bench/merge_speed.py [--db /tmp/dyads-merge-1m.duckdb] [--n 1000000] [--repeat 1]

Builds the store with ``bench/synthetic_store.py`` (``make_synthetic_store``) unless ``--db`` already
holds one of this schema version with ``--n`` events, then times ``merge_store`` (which reads the
events, clusters them and replaces ``merged_events`` / ``merged_mentions`` in one transaction) with
the default options and a few others, and prints wall-clock and CPU seconds. The issue's target:
merging 1,000,000 events finishes in under 60 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_store import make_synthetic_store, stored_events

from dyads.io.store import Store
from dyads.merge import merge_store

CASES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("defaults (place, window 1)", {}),
    ("place_level=country", {"place_level": "country"}),
    ("window_days=7", {"window_days": 7}),
    ("mode=one-a-day", {"mode": "one-a-day"}),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time dyads.merge.merge_store on a synthetic store.")
    parser.add_argument("--db", type=Path, default=Path("/tmp/dyads-merge-1m.duckdb"), help="store to use or build")
    parser.add_argument("--n", type=int, default=1_000_000, help="events in the synthetic store")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs of each case")
    args = parser.parse_args(argv)

    if stored_events(args.db) != args.n:
        made = make_synthetic_store(args.db, n_events=args.n, overwrite=True)
        print(f"built {made['path']}: {made['events']:,} events in {made['seconds']} s")
    print(f"store {args.db}: {args.n:,} events; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with Store.open(args.db) as store:
        for label, options in CASES:
            for _ in range(args.repeat):
                wall, cpu = time.perf_counter(), time.process_time()
                summary = merge_store(store, top=1, **options)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                print(
                    f"{label:<28} {wall:6.1f} s wall, {cpu:6.1f} s CPU: {summary.events:,} events -> "
                    f"{summary.merged_events:,} merged events ({summary.multi_mention:,} of 2+ mentions, "
                    f"largest {summary.largest})"
                )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
