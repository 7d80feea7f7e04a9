"""spaCy's attribute ruler against dyads' lookup of the same patterns, on real articles.

    python bench/attribute_lookup.py [--n 300] [--repeat 3]

Parses the first N articles of ../shared/data/corpus/news_articles.jsonl with the spaCy model's
other components, then applies to copies of those docs (best of ``--repeat`` interleaved runs)
spaCy's ``attribute_ruler`` and ``dyads.stages.attribute_lookup``, and checks, after the
lemmatizer, that every token's POS, tag, morphology, lemma and dependency label are the same.
Prints both times, their ratio, and what share of a whole spaCy parse the ruler takes.
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
    parser.add_argument("--n", type=int, default=300, help="articles (default 300)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found at {CORPUS}: put the shared data beside the project (../shared)")

    import spacy
    from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG

    from dyads.config import Settings
    from dyads.stages.attribute_lookup import AttributeLookup, compile_ruler

    nlp = spacy.load(Settings().nlp.model)
    texts = [row["text"] for row in load_articles(args.n)]
    started = time.perf_counter()
    list(nlp.pipe(texts, batch_size=32))
    whole = time.perf_counter() - started
    with nlp.select_pipes(disable=["attribute_ruler", "lemmatizer"]):
        docs = list(nlp.pipe(texts, batch_size=32))
    ruler, lemmatizer = nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer")
    lookup = AttributeLookup(compile_ruler(ruler), nlp.vocab.strings)
    best = {"spaCy attribute_ruler": float("inf"), "dyads attribute lookup": float("inf")}
    outputs = {}
    for _ in range(args.repeat):
        for name, component in zip(best, (ruler, lookup)):
            copies = [doc.copy() for doc in docs]
            started = time.perf_counter()
            done = [component(doc) for doc in copies]
            best[name] = min(best[name], time.perf_counter() - started)
            outputs[name] = done
    columns = [POS, TAG, MORPH, LEMMA, DEP]
    theirs, ours = ([lemmatizer(doc).to_array(columns).tolist() for doc in done] for done in outputs.values())
    differing = sum(a != b for a, b in zip(theirs, ours))
    tokens = sum(len(doc) for doc in docs)
    print(f"articles: {len(texts)}, tokens: {tokens}, best of {args.repeat} runs")
    for name, seconds in best.items():
        print(f"{name:24s} {seconds:7.3f} s  {1e6 * seconds / tokens:6.2f} us a token")
    slow, fast = best.values()
    print(f"lookup / ruler time: {fast / slow:.3f} ({slow / fast:.1f} times faster)")
    print(f"ruler's share of a whole spaCy parse ({whole:.2f} s, one run): {100 * slow / whole:.1f}%")
    print(f"documents whose annotations differ: {differing} of {len(docs)}")
    if differing:
        sys.exit(1)


if __name__ == "__main__":
    main()
