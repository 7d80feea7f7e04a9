"""spaCy's parse with its default matrix products (BLIS) against numpy's OpenBLAS, on real articles.

    python bench/matmul.py [--n 300] [--repeat 2]

Parses the first N articles of ../shared/data/corpus/news_articles.jsonl with the spaCy model
dyads loads, alternating BLIS and numpy's OpenBLAS (``dyads.parse_speed.use_matmul``; one
BLAS thread, as in the pipeline), best of ``--repeat`` runs each, and checks that every token's
tag, POS, morphology, lemma, head, dependency label, entity tag and sentence start are the same.
Exits 1 if any differ.
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
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found at {CORPUS}: put the shared data beside the project (../shared)")

    import spacy
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, SENT_START, TAG

    from dyads.config import Settings
    from dyads.parse_speed import one_blas_thread, use_matmul

    one_blas_thread()
    nlp = spacy.load(Settings().nlp.model)
    texts = [row["text"] for row in load_articles(args.n)]
    list(nlp.pipe(texts[:10]))
    columns = [TAG, POS, MORPH, LEMMA, HEAD, DEP, ENT_IOB, ENT_TYPE, SENT_START]
    best = {"blis": float("inf"), "numpy": float("inf")}
    parses = {}
    for _ in range(args.repeat):
        for side in best:
            use_matmul(nlp, side)
            started = time.perf_counter()
            docs = list(nlp.pipe(texts, batch_size=32))
            best[side] = min(best[side], time.perf_counter() - started)
            parses[side] = [doc.to_array(columns).tolist() for doc in docs]
    differing = sum(a != b for a, b in zip(parses["blis"], parses["numpy"]))
    tokens = sum(len(p) for p in parses["blis"])
    print(f"articles: {len(texts)}, tokens: {tokens}, best of {args.repeat} runs each, one BLAS thread")
    for side, seconds in best.items():
        print(f"{side:6s} {seconds:7.2f} s  {len(texts) / seconds:6.2f} articles/s")
    print(f"numpy / blis time: {best['numpy'] / best['blis']:.3f}")
    print(f"articles whose annotations differ: {differing} of {len(texts)}")
    if differing:
        sys.exit(1)


if __name__ == "__main__":
    main()
