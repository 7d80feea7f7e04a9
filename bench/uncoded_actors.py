"""How often the uncoded-actor rule fires on real news, and on what.

    python bench/uncoded_actors.py [--n 150] [--show 30] [--seed 1]

Codes the first N articles of ../shared/data/corpus/news_articles.jsonl with the default pipeline,
watching ``dyads.coder.perpetrator.uncoded_home`` (applied by the ``dyads_compound`` stage):
prints how many events it changed out of all coded events, then a seeded sample of them with
the phrases it gave a country to, so a reader can judge whether they are actors at all.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import CORPUS, load_articles  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=150, help="articles (default 150)")
    parser.add_argument("--show", type=int, default=30, help="changed events to print")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found at {CORPUS}: put the shared data beside the project (../shared)")

    import dyads.stages.compound as compound
    from dyads import Article, Pipeline, load_config

    changed: list[tuple[str | None, str, list[str], str]] = []
    rule = compound.uncoded_home

    def watched(doc, event, *, is_country):  # the stage calls the module's name: watch it there
        before = [actor.code for actor in [*event.sources, *event.targets]]
        rule(doc, event, is_country=is_country)
        actors = [*event.sources, *event.targets]
        given = [f"{a.code} <- {a.span.text if a.span else a.name!r}" for a, old in zip(actors, before) if a.code != old]
        if given:
            changed.append((event.plover_type, event.trigger.text, given, event.sentence.text[:160]))

    compound.uncoded_home = watched
    pipeline = Pipeline(load_config())
    articles = [Article.create(text=row["text"]) for row in load_articles(args.n)]
    events = sum(len(found) for _, found in pipeline.code_articles(articles))
    print(f"articles: {len(articles)}, events: {events}, changed by uncoded_home: {len(changed)}")
    random.Random(args.seed).shuffle(changed)
    for plover, trigger, given, sentence in changed[: args.show]:
        print(f"- {plover or 'statement'} '{trigger}': {'; '.join(given)} | {sentence}")


if __name__ == "__main__":
    main()
