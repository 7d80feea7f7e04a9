"""What the toponym finder takes on real news outside any gold set, and what a change moved.

    python bench/corpus_toponyms.py --offset 0 --n 300 --out now.json
    python bench/corpus_toponyms.py --offset 0 --n 300 --out now.json --compare before.json

Parses articles ``offset .. offset+n`` of ../shared/data/corpus/news_articles.jsonl (rules only,
no classifier), runs the places stage's toponym finder on each and writes every toponym (article,
characters, text, resolved name and country, how it was found, the words around it) to ``--out``.
Prints the toponym count and how many articles read as written in lower case
(``dyads.geo.choose._cased``), by outlet. With ``--compare`` (the output of the same command on another tree, e.g. a
``git worktree`` of the commit before, run with ``PYTHONPATH=<worktree>/src``) it prints the
toponyms lost and gained, by how they were found, with a sample of each: a rule written from one
gold set's errors can be read here on text that no gold set covers.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import CORPUS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--offset", type=int, default=0, help="first article (0: the corpus opens with lower-case Times of India text)")
    parser.add_argument("--n", type=int, default=300, help="articles (default 300)")
    parser.add_argument("--out", type=Path, required=True, help="write the toponyms here (JSON)")
    parser.add_argument("--compare", type=Path, help="an --out file of another tree: print what was lost and gained")
    parser.add_argument("--sample", type=int, default=15, help="rows shown of each of lost and gained")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found at {CORPUS}: put the shared data beside the project (../shared)")

    from dyads.config import load_config
    from dyads.geo import choose
    from dyads.pipeline import Pipeline

    cased_text = getattr(choose, "_cased", None)  # trees before 2026-11-27 (fifth session) lack it

    rows = []
    with CORPUS.open(encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if i >= args.offset + args.n:
                break
            if i >= args.offset:
                rows.append(json.loads(line))
    nlp = Pipeline(load_config(overrides={"classifier.model": "none"})).nlp
    places = nlp.get_pipe("dyads_places")
    found: list[list] = []
    cased: Counter[tuple[str, bool]] = Counter()
    for row, doc in zip(rows, nlp.pipe([(r.get("text") or "")[:20000] for r in rows], batch_size=16)):
        if cased_text is not None:
            cased[(row.get("outlet") or "-", cased_text(doc))] += 1
        for t in places.toponyms(doc):
            around = doc.text[max(0, t.start_char - 60) : t.end_char + 30].replace("\n", " ")
            found.append([row.get("id"), t.start_char, t.end_char, t.text, t.location.name, t.location.country, t.source, around])
    args.out.write_text(json.dumps(found, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"articles {args.offset}..{args.offset + len(rows)}: {len(found)} toponyms")
    if cased:
        lower = Counter({outlet: count for (outlet, is_cased), count in cased.items() if not is_cased})
        print(f"  read as written in lower case: {sum(lower.values())} ({dict(lower)}); cased: {sum(cased.values()) - sum(lower.values())}")
    if args.compare is None:
        return
    old = {tuple(x[:3]): x for x in json.loads(args.compare.read_text(encoding="utf-8"))}
    new = {tuple(x[:3]): x for x in found}
    lost = [old[k] for k in old if k not in new]
    gained = [new[k] for k in new if k not in old]
    print(f"against {args.compare}: {len(old)} -> {len(new)} toponyms, {len(lost)} lost, {len(gained)} gained")
    for label, items in (("lost", lost), ("gained", gained)):
        print(f"{label} by how found: {dict(Counter(x[6] for x in items))}")
        for x in items[: args.sample]:
            print(f"  {label}: {x[3]!r} ({x[5]}, {x[6]}) | {x[7]}")


if __name__ == "__main__":
    main()
