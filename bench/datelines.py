"""Datelines in real news: how many events still hold an actor inside one.

    python bench/datelines.py [--n 300]

Takes the articles of the shared news corpus (``../shared/data/corpus/news_articles.jsonl``)
that have a dash or colon after a capitalised word near their start, codes the first ``--n``
of them with the default pipeline, and counts the sentences that open with a dateline
(``dyads.coder.dateline``: "MOSCOW, June 3 (Reuters) -") and the events with a source or
target whose span starts inside one (a dateline capital taken as the government acting, or an
argument phrase that runs on from "KABUL (AP) --"). Run it on an older commit to compare.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from dyads import Pipeline, load_config
from dyads.coder.dateline import dateline_end

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "corpus" / "news_articles.jsonl"
_OPENING = re.compile(r"\b[A-Z][A-Za-z .,']{2,30}(\([A-Za-z ]+\))? ?(--|-|—|–|:) [A-Z]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=300, help="articles to code (default 300)")
    args = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"corpus not found at {CORPUS}: put the shared data beside the project (../shared)")
    texts = []
    with CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            text = json.loads(line).get("text") or ""
            if _OPENING.search(text[:600]):
                texts.append(text)
            if len(texts) == args.n:
                break
    nlp = Pipeline(load_config()).nlp
    datelines = events = inside = 0
    for doc in nlp.pipe(texts, batch_size=32):
        ranges = []
        for sentence in doc.sents:
            end = dateline_end(sentence)
            if end is not None:
                ranges.append((sentence.start_char, doc[end].idx))
        datelines += len(ranges)
        for event in doc._.dyads_events or []:
            events += 1
            actors = [a for a in event.sources + event.targets if a.span is not None]
            inside += any(start <= a.span.start < end for a in actors for start, end in ranges)
    print(
        f"articles {len(texts)}  sentences opening with a dateline {datelines}  events {events}"
        f"  events with an actor inside a dateline {inside}"
    )


if __name__ == "__main__":
    main()
