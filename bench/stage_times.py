"""Where the pipeline's time goes, stage by stage, on real articles.

    python bench/stage_times.py [--n 200] [--batch-size 32] [--set key=value]

Runs spaCy's own components batched (``nlp.pipe``, as the pipeline does), then each dyads
stage doc by doc, timing every stage, on the first N articles of
../shared/data/corpus/news_articles.jsonl. Prints seconds per stage and each stage's share
of the whole pipeline's time: ``dyads_actors`` is actor resolution.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import CORPUS, load_articles  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="articles (default 200)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--set", action="append", default=[], help="dyads setting, e.g. classifier.model=none")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found at {CORPUS}: put the shared data beside the project (../shared)")

    from dyads.config import load_config, parse_override
    from dyads.pipeline import Pipeline
    from dyads.records import Article

    settings = load_config(overrides=dict(parse_override(item) for item in args.set))
    nlp = Pipeline(settings).nlp
    ours = [name for name in nlp.pipe_names if name.startswith("dyads_")]
    rows = load_articles(args.n)
    docs = []
    for row in rows:
        doc = nlp.make_doc(row["text"])
        doc._.dyads_article = Article.create(text=row["text"])
        docs.append(doc)

    times: dict[str, float] = {}
    start = time.perf_counter()
    with nlp.select_pipes(disable=ours):
        docs = list(nlp.pipe(docs, batch_size=args.batch_size))
    times["spaCy (batched)"] = time.perf_counter() - start
    for name in ours:
        component = nlp.get_pipe(name)
        start = time.perf_counter()
        docs = [component(doc) for doc in docs]
        times[name] = time.perf_counter() - start

    total = sum(times.values())
    print(f"articles: {len(rows)}; whole pipeline {total:.2f} s ({len(rows) / total:.1f} articles/s)")
    print(f"{'stage':<22}{'seconds':>9}{'share':>8}")
    for name, seconds in times.items():
        print(f"{name:<22}{seconds:>9.2f}{seconds / total:>8.1%}")


if __name__ == "__main__":
    main()
