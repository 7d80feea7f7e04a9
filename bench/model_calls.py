"""What each model of the classify stage costs on real news: calls, ms per call, decoding.

    python bench/model_calls.py [--n 100] [--set key=value]

Codes the first N articles of ../shared/data/corpus/news_articles.jsonl with the default pipeline
(or ``--set`` overrides) and prints, per model folder the stage calls (the classifier
``events-minilm``, the role tagger ``roles-minilm``, marked "stacked" when it reads the
classifier's states), the number of calls, their total seconds and
ms per call, and the seconds spent reading role tags as phrases (``decode_roles``), against the
whole run's seconds.
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
    parser.add_argument("--n", type=int, default=100, help="articles (default 100)")
    parser.add_argument("--set", action="append", default=[], help="dyads setting, e.g. classifier.role_model=classifier")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found at {CORPUS}: put the shared data beside the project (../shared)")

    import dyads.classifier.model as model
    import dyads.classifier.stacked as stacked
    from dyads.config import load_config, parse_override
    from dyads.pipeline import Pipeline
    from dyads.records import Article

    calls: dict[str, list[float]] = {}
    decoding = [0, 0.0]
    predict, decode = model.SentenceClassifier.predict, model.decode_roles

    def timed_predict(self, texts, *, roles=True):
        started = time.perf_counter()
        out = predict(self, texts, roles=roles)
        calls.setdefault(self.folder.name, []).append(time.perf_counter() - started)
        return out

    tag = stacked.StackedTagger.tag

    def timed_tag(self, text, prediction):
        started = time.perf_counter()
        out = tag(self, text, prediction)
        calls.setdefault(self.folder.name + " (stacked)", []).append(time.perf_counter() - started)
        return out

    def timed_decode(*a):
        started = time.perf_counter()
        out = decode(*a)
        decoding[0] += 1
        decoding[1] += time.perf_counter() - started
        return out

    model.SentenceClassifier.predict, model.decode_roles = timed_predict, timed_decode
    stacked.StackedTagger.tag, stacked.decode_roles = timed_tag, timed_decode
    pipeline = Pipeline(load_config(overrides=dict(parse_override(item) for item in args.set)))
    pipeline.nlp  # loaded (and its test sentence run) before the timed part
    calls.clear()
    decoding[:] = [0, 0.0]
    articles = [Article.create(text=row["text"]) for row in load_articles(args.n)]
    started = time.perf_counter()
    list(pipeline.code_articles(articles))
    total = time.perf_counter() - started
    print(f"articles: {args.n}, run {total:.2f} s")
    for name, seconds in calls.items():
        print(f"{name:<16} {len(seconds):>6} calls  {sum(seconds):7.2f} s  {1000 * sum(seconds) / len(seconds):6.2f} ms/call")
    print(f"decode_roles     {decoding[0]:>6} calls  {decoding[1]:7.2f} s (inside the calls above)")


if __name__ == "__main__":
    main()
