"""The phrase floor at which a stacked role tagger keeps as many phrases as its teacher does at 0.7.

    python bench/role_floor.py [--n 3000] [--tagger src/dyads/models/roles-minilm] [--teacher models/roles-teacher]

A stacked tagger learns its teacher's tags (docs/training.md) but ends less sure of them, so at the
teacher's floor (``classifier.role_floor`` 0.7) it drops more phrases. This tags N sentences of the
news corpus (../shared/data/corpus/news_articles.jsonl, a seeded sample, labels never read; the
sample differs from the distillation one) with both, and prints the floor that keeps as many of
the tagger's phrases as the teacher keeps at ``--teacher-floor``: no gold data is used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import CORPUS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=3000, help="corpus sentences (default 3000)")
    parser.add_argument("--classifier", type=Path, default=Path("src/dyads/models/events-minilm"))
    parser.add_argument("--tagger", type=Path, default=Path("src/dyads/models/roles-minilm"), help="the stacked tagger")
    parser.add_argument("--teacher", type=Path, default=Path("models/roles-teacher"), help="its teacher (make model)")
    parser.add_argument("--teacher-floor", type=float, default=0.7)
    parser.add_argument("--seed", type=int, default=7, help="sample seed")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found at {CORPUS}: put the shared data beside the project (../shared)")

    from dyads.classifier import SentenceClassifier, StackedTagger
    from dyads.classifier.stacked import stacked_layers
    from dyads.train.sentences import news_sentences

    classifier = SentenceClassifier(args.classifier, states=stacked_layers(args.tagger))
    tagger = StackedTagger(args.tagger, classifier_sha256=classifier.meta["model_sha256"])
    teacher = SentenceClassifier(args.teacher)
    distilled = frozenset(news_sentences(CORPUS, limit=10000, seed=13))  # the sample the Makefile's recipe distils on
    sentences = news_sentences(CORPUS, limit=args.n, seed=args.seed, exclude=distilled)
    mine, theirs = [], []
    for text in sentences:
        mine += [phrase.probability for phrase in tagger.tag(text, classifier.predict([text], roles=False)[0])]
        theirs += [phrase.probability for phrase in teacher.predict([text])[0].roles]
    mine_p, theirs_p = np.sort(np.asarray(mine))[::-1], np.asarray(theirs)
    kept = int((theirs_p >= args.teacher_floor).sum())
    floor = float(mine_p[min(kept, len(mine_p)) - 1]) if kept else 1.0
    print(f"sentences: {len(sentences)}; phrases: teacher {len(theirs_p)}, stacked tagger {len(mine_p)}")
    print(f"teacher keeps {kept} at {args.teacher_floor}; the stacked tagger keeps {int((mine_p >= args.teacher_floor).sum())} there")
    print(f"floor keeping {kept} of the stacked tagger's phrases: {floor:.3f}")


if __name__ == "__main__":
    main()
