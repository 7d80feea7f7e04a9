"""What the classifier costs per article, on real news.

    python bench/classifier_speed.py [--n 40] [--model default]

Parses the first N articles of ../shared/data/corpus/news_articles.jsonl with the rules-only
dyads pipeline and prints: sentences per article, and how many hold a proposed event or (without
one) a verb and an actor, and of those how many the classify stage sends to the model (it skips a
sentence where the model could add no event: ``wants_model``); the classifier's
sentences/s on one thread, one sentence per call (as served); the mean tokens per sentence; the
milliseconds one call takes by its length in word pieces; and
how far batching would move the probabilities (the int8 model scales its activations per call),
which is why it is served one sentence at a time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import load_articles  # noqa: E402 - the same first N articles as the throughput bench


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=40, help="articles (default 40)")
    parser.add_argument("--model", default="default", help='classifier folder, or "default"')
    args = parser.parse_args()

    from dyads import Article, Pipeline, load_config
    from dyads.classifier import SentenceClassifier
    from dyads.classifier.model import encode
    from dyads.stages.classify import _may_hold_event, model_folder, wants_model

    rows = load_articles(args.n)
    nlp = Pipeline(load_config(overrides={"classifier.model": "none"})).nlp
    sentences: list[str] = []
    total = with_events = without_events = skipped = 0
    for row in rows:
        doc = nlp.make_doc(row["text"])
        doc._.dyads_article = Article.create(text=row["text"])
        doc = nlp(doc)
        proposed = {event.sentence_index for event in doc._.dyads_events or []}
        starts = sorted(m.start for m in doc._.dyads_mentions or [])
        for index, sentence in enumerate(doc.sents):
            total += 1
            if index in proposed:
                with_events += 1
            elif _may_hold_event(sentence, starts):
                without_events += 1
                if not wants_model(doc, sentence, proposed=False, mention_starts=starts, all_sentences=True):
                    skipped += 1
                    continue
            else:
                continue
            sentences.append(sentence.text)
    n = len(rows)
    print(f"articles: {n}; sentences per article {total / n:.1f}: with a proposed event {with_events / n:.1f}, "
          f"without one but with a verb and an actor {without_events / n:.1f}")
    print(f"model calls: {len(sentences)} of {with_events + without_events} such sentences "
          f"({skipped} skipped: no event the model could add)")

    classifier = SentenceClassifier(model_folder(args.model))
    tokens = [len(encode(classifier.tokenizer, [text])[0][0]) for text in sentences]
    classifier.predict(sentences[:10])  # warm-up
    start = time.perf_counter()
    alone = classifier.predict(sentences)
    seconds = time.perf_counter() - start
    print(f"classifier: {len(sentences)} sentences, {len(sentences) / seconds:.0f} sentences/s on one thread, "
          f"mean {np.mean(tokens):.0f} tokens, {1000 * seconds / n:.0f} ms per article")

    # what one call costs by length: a fixed part (the graph's ~200 nodes) and a part per word piece
    costs = []
    for length in (5, 10, 20, 40, 80):
        ids = np.asarray([[101, *range(2000, 2000 + length - 2), 102]], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        for _ in range(5):
            classifier.session.run(None, feed)
        start = time.perf_counter()
        for _ in range(200):
            classifier.session.run(None, feed)
        costs.append(f"{length}: {1000 * (time.perf_counter() - start) / 200:.2f}")
    print("ms per call by word pieces (one sentence per call): " + ", ".join(costs))

    batch = sentences[:32]
    ids, mask = encode(classifier.tokenizer, batch)
    batched = classifier.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
    drift = max(float(np.abs(np.array(a.types) - b).max()) for a, b in zip(alone, batched))
    print(f"largest change of a type probability when 32 sentences share one call: {drift:.2f}")


if __name__ == "__main__":
    main()
