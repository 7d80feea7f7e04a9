"""The classifier alone, cross-validated: each gold text through the fold model that held it out.

    python bench/classifier_alone.py [--folds models/cv]

With only some folds present (``dyads train ... --folds 5 --only-fold 0``), only the texts those
folds held out are scored.

Reads the gold sets in ../shared/data/gold that the classifier is trained on, sends each text to
the ``SentenceClassifier`` of its held-out fold (``make model-cv``) and prints the accuracy of
each head's argmax: the class head on texts with a known class, the type head on texts with a
PLOVER type (a YIELD label counts as right for CONCEDE or RETREAT). No rules, no pipeline: the
ceiling the hybrid coder's figures in docs/quality.md are compared with.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from dyads.classifier import SentenceClassifier, fold_of, read_examples

GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "gold"
SETS = ("conflibert_cameo_class_train.jsonl", "plover_gsr.jsonl", "plv_train.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=Path, default=Path("models/cv"), help="folder written by `dyads train --folds K`")
    args = parser.parse_args()
    metas = sorted(args.folds.glob("fold-*/dyads-model.json"))
    if not metas:
        raise SystemExit(f"no fold models in {args.folds}: run `make model-cv` first")
    count = json.loads(metas[0].read_text(encoding="utf-8"))["folds"]
    models = {fold: SentenceClassifier(args.folds / f"fold-{fold}") for fold in range(count) if (args.folds / f"fold-{fold}").is_dir()}
    if len(models) < count:  # e.g. one fold trained with --only-fold: score the texts it held out
        print(f"folds present: {sorted(models)} of {count}; scoring only their held-out texts")
    for name in SETS:
        examples, _ = read_examples([GOLD / name])
        examples = [e for e in examples if fold_of(e.text, count) in models]
        classes = types = n_classes = n_types = 0
        for example in examples:
            prediction = models[fold_of(example.text, count)].predict([example.text])[0]
            if example.cameo_class is not None:
                n_classes += 1
                classes += prediction.top_class == example.cameo_class
            if example.types:
                n_types += 1
                types += prediction.top_type in example.types
        class_part = f"class accuracy {classes / n_classes:.3f} (n={n_classes})" if n_classes else "no class labels"
        type_part = f"type accuracy {types / n_types:.3f} (n={n_types})" if n_types else "no type labels"
        print(f"{name}: {class_part}; {type_part}")


if __name__ == "__main__":
    main()
