"""What near-duplicate detection (and language detection) adds to the pipeline's time per article.

    python bench/dedup_speed.py [--n-pipeline 200] [--repeat 3] [--pipeline-repeat 1] [--examples 5]

On ../shared/data/corpus/news_articles.jsonl (2,641 real articles):

* dedup alone: :class:`dyads.io.dedup.Deduplicator` (the default settings: near mode, threshold
  0.8, 3-word shingles, 128 permutations) sees every article of the corpus in order, best of
  ``--repeat`` runs; the same for exact mode, for language detection (``input.languages``), and
  for writing the fingerprints to a store in 32-article transactions, as ``dyads ingest`` does;
* the pipeline: ``bench/throughput.py --child`` codes the first ``--n-pipeline`` articles in a
  child process (model loading excluded), with the classifier and with rules only;
* the ratio of the two times per article (issue #7's target: near-duplicate detection adds <= 5%);
* the near-duplicate pairs of the corpus at the default threshold, and a few of them to read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "news_articles.jsonl"
sys.path.insert(0, str(ROOT / "src"))

from dyads.config import load_config  # noqa: E402
from dyads.io.dedup import Deduplicator, near_pairs, shingles  # noqa: E402
from dyads.io.language import LanguageFilter, guess_language  # noqa: E402
from dyads.io.store import Store  # noqa: E402
from dyads.pipeline import batched  # noqa: E402
from dyads.records import Article  # noqa: E402


def load() -> tuple[list[Article], dict[str, dict]]:
    rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8") if line.strip()]
    rows = [row for row in rows if row.get("text")]
    articles = [
        Article.create(text=row["text"], url=row.get("url"), outlet=row.get("outlet"), id=row.get("id"), published=_date(row.get("date")))
        for row in rows
    ]
    return articles, {a.id: row for a, row in zip(articles, rows)}


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def best_of(repeat: int, job) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = job()
        best = min(best, time.perf_counter() - start)
    return best, result


def dedup_run(articles: list[Article], mode: str):
    settings = load_config().ingest
    finder = Deduplicator(mode=mode, threshold=settings.near_threshold, shingle_words=settings.shingle_words, num_perm=settings.num_perm)
    for article in articles:
        finder.see(article)
    return finder


def language_run(articles: list[Article]) -> LanguageFilter:
    keep = LanguageFilter(load_config().input.languages, min_chars=load_config().input.language_min_chars)
    for article in articles:
        keep.judge(article)
    return keep


def store_run(articles: list[Article], finder: Deduplicator) -> None:
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "bench.duckdb") as store:
        for batch in batched(articles, 32):
            prints = [(a.id, fp) for a in batch if (fp := finder.fingerprint_of(a.id)) is not None]
            store.write_dedup(fingerprints=prints, scheme=finder.scheme)


def pipeline_seconds_per_article(n: int, side: str, repeat: int) -> dict:
    best: dict | None = None
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "throughput.py"), "--child", side, "--n", str(n)],
            check=True, capture_output=True, text=True,
        )
        run = json.loads(out.stdout.strip().splitlines()[-1])
        if best is None or run["seconds"] < best["seconds"]:
            best = run
    assert best is not None
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-pipeline", type=int, default=200, help="articles the pipeline codes for the baseline (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each dedup measurement; the fastest counts (default 3)")
    parser.add_argument("--pipeline-repeat", type=int, default=1, help="pipeline runs per side; the fastest counts (default 1)")
    parser.add_argument("--examples", type=int, default=5, help="near-duplicate pairs to print (default 5)")
    parser.add_argument("--no-pipeline", action="store_true", help="skip the pipeline baseline (dedup figures only)")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found at {CORPUS}: put the shared data beside the project (../shared)")

    articles, rows = load()
    n = len(articles)
    guess_language(articles[0].text)  # load the language model outside the timed part
    near_s, finder = best_of(args.repeat, lambda: dedup_run(articles, "near"))
    exact_s, _ = best_of(args.repeat, lambda: dedup_run(articles, "exact"))
    language_s, languages = best_of(args.repeat, lambda: language_run(articles))
    store_s, _ = best_of(args.repeat, lambda: store_run(articles, finder))
    print(f"corpus: {n} articles, {sum(len(a.text.split()) for a in articles):,} words ({CORPUS.name})")
    print(f"{'work, per article of the whole corpus':<52}{'ms/article':>12}{'articles/s':>12}")
    for label, seconds in (
        ("dedup near (MinHash LSH, default settings)", near_s),
        ("dedup exact only", exact_s),
        ("language detection (py3langid)", language_s),
        ("store fingerprints (32-article transactions)", store_s),
    ):
        print(f"{label:<52}{1000 * seconds / n:>12.3f}{n / seconds:>12.0f}")
    print(f"verdicts (near mode): {dict(finder.counts)}; other languages: {dict(languages.skipped) or 'none'}")

    if not args.no_pipeline:
        print(f"\npipeline baseline: first {args.n_pipeline} articles, one process, best of {args.pipeline_repeat}")
        for side, label in (("dyads", "dyads (classifier)"), ("rules", "dyads, rules only")):
            run = pipeline_seconds_per_article(args.n_pipeline, side, args.pipeline_repeat)
            per_article = run["seconds"] / run["articles"]
            near_ratio = (near_s / n) / per_article
            all_ratio = ((near_s + store_s + language_s) / n) / per_article
            print(
                f"{label:<22}{run['articles'] / run['seconds']:>7.1f} articles/s ({1000 * per_article:.0f} ms/article); "
                f"dedup near adds {100 * near_ratio:.2f}%; with fingerprint writes and language detection {100 * all_ratio:.2f}%"
            )

    settings = load_config().ingest
    pairs = near_pairs([(a.id, a.text) for a in articles], threshold=settings.near_threshold)
    exact = sum(1 for _, _, s in pairs if s >= 1.0)
    print(f"\nnear-duplicate pairs at threshold {settings.near_threshold}: {len(pairs)} ({exact} with estimate 1.0); "
          f"articles a run would not code: {finder.counts['exact']} exact + {finder.counts['near']} near copies")
    texts = {a.id: a.text for a in articles}
    for first, second, similarity in sorted(pairs, key=lambda p: p[2])[: args.examples]:
        true = len(shingles(texts[first], size=3) & shingles(texts[second], size=3)) / len(
            shingles(texts[first], size=3) | shingles(texts[second], size=3)
        )
        print(f"\n  {first} ({rows[first].get('outlet')}, {rows[first].get('date')}) ~ {second} "
              f"({rows[second].get('outlet')}, {rows[second].get('date')}): estimate {similarity:.3f}, exact Jaccard {true:.3f}")
        for article_id in (first, second):
            print(f"    {article_id}: {' '.join(texts[article_id].split())[:160]}...")


if __name__ == "__main__":
    main()
