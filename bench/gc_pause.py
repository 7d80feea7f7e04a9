"""Time the cyclic garbage collector takes while dyads codes real articles.

    python bench/gc_pause.py [--n 200] [--rules-only]

Codes the first N articles of ../shared/data/corpus/news_articles.jsonl in this process, with a
``gc.callbacks`` hook summing the time of every collection, and prints the coding time, the time
spent collecting, the collections per generation and the objects the collector tracks. The
pipeline freezes the objects alive once it is loaded (``dyads.pipeline._settle``); ``--no-freeze``
loads it without that, as before.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--rules-only", action="store_true", help="classifier.model = none")
    parser.add_argument("--no-freeze", action="store_true", help="load the pipeline without its gc.freeze()")
    args = parser.parse_args()

    # the same first N articles as the throughput bench
    from throughput import load_articles

    import dyads.pipeline
    from dyads.config import load_config
    from dyads.pipeline import process_pipeline, run
    from dyads.records import Article

    if args.no_freeze:
        dyads.pipeline._settle = lambda: None  # as before the freeze was added

    settings = load_config(overrides={"nlp.n_process": 1, **({"classifier.model": "none"} if args.rules_only else {})})
    articles = [Article.create(text=row["text"], url=row.get("url")) for row in load_articles(args.n)]
    process_pipeline(settings.to_json()).nlp  # noqa: B018 - loads (and freezes) outside the timed part
    tracked = len(gc.get_objects())
    spent = [0.0]
    started = [0.0]

    def hook(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            spent[0] += time.perf_counter() - started[0]

    before = [stats["collections"] for stats in gc.get_stats()]
    gc.callbacks.append(hook)
    start = time.perf_counter()
    events = sum(len(found) for batch in run(articles, settings) for _, found in batch)
    seconds = time.perf_counter() - start
    gc.callbacks.remove(hook)
    runs = [stats["collections"] - b for stats, b in zip(gc.get_stats(), before)]
    print(f"articles: {len(articles)}, events: {events}, freeze: {'off' if args.no_freeze else 'on'}, "
          f"objects tracked at start: {tracked:,}")
    print(f"coding {seconds:.2f} s, of which collecting {spent[0]:.3f} s ({spent[0] / seconds:.1%}); "
          f"collections by generation {runs}")


if __name__ == "__main__":
    main()
