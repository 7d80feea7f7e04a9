"""What the learned place chooser costs per article, against the hand rules, on the same parses.

    python bench/places_chooser.py [--n 200] [--repeat 3]

Codes the first N articles of ../shared/data/corpus/news_articles.jsonl once with the whole
pipeline (timed: the per-article cost of everything), then re-runs only the ``dyads_places``
stage on those coded Docs with ``chooser="rules"`` and with ``chooser="learned"``, alternating,
``--repeat`` times each, and prints milliseconds per article for each, their ratio, the learned
chooser's extra cost as a share of the whole pipeline's time, and how many events each chooser
placed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import CORPUS, load_articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="articles (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes of each chooser (default 3)")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found at {CORPUS}: put the shared data beside the project (../shared)")

    from dyads.config import Settings
    from dyads.pipeline import Pipeline
    from dyads.records import Article
    from dyads.stages.places import PlacesComponent

    rows = load_articles(args.n)
    nlp = Pipeline(Settings().with_overrides({"places.chooser": "rules"})).nlp
    texts = [row["text"] for row in rows]

    def docs():
        for i, text in enumerate(texts):
            doc = nlp.make_doc(text)
            doc._.dyads_article = Article.create(text=text, id=f"bench-{i}")
            yield doc

    started = time.perf_counter()
    coded = list(nlp.pipe(docs(), batch_size=32))
    pipeline_s = time.perf_counter() - started
    rules = nlp.get_pipe("dyads_places")
    learned = PlacesComponent(chooser="learned", gazetteer=rules.gazetteer)
    times = {"rules": 0.0, "learned": 0.0}
    placed = {}
    for _ in range(args.repeat):
        for name, component in (("rules", rules), ("learned", learned)):
            started = time.perf_counter()
            for doc in coded:
                component(doc)
            times[name] += time.perf_counter() - started
            placed[name] = sum(1 for doc in coded for e in doc._.dyads_events or [] if e.location is not None)
    events = sum(len(doc._.dyads_events or []) for doc in coded)
    per = {name: 1000 * t / args.repeat / len(coded) for name, t in times.items()}
    whole = 1000 * pipeline_s / len(coded)
    print(f"articles {len(coded)}, events {events}")
    print(f"whole pipeline (rules chooser): {whole:.1f} ms/article")
    print(f"places stage, rules:   {per['rules']:.2f} ms/article ({placed['rules']} events placed)")
    print(f"places stage, learned: {per['learned']:.2f} ms/article ({placed['learned']} events placed)")
    print(f"learned / rules: {per['learned'] / per['rules']:.2f}x; extra cost {per['learned'] - per['rules']:.2f} ms/article"
          f" = {100 * (per['learned'] - per['rules']) / whole:.1f}% of the whole pipeline")


if __name__ == "__main__":
    main()
