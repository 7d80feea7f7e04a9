"""Argument phrases alone, cross-validated: the role tagger against the classifier's own role head.

    python bench/role_tagger_alone.py [--folds models/cv] [--floor 0.7]

Sends each sentence of the ConfliBERT cameo_ner set to the models of its held-out fold
(``make model-cv``: the classifier in ``FOLDS/fold-K``, the role tagger in ``FOLDS/roles/fold-K``)
and scores the phrases they mark, with no rules and no pipeline: exact-span micro F1 over
(role, first token, last token), the measure of ``dyads evaluate conflibert-ner``. Phrases whose
mean tag probability is under ``--floor`` are left out, as ``classifier.role_floor`` does (default
0.7, the floor of a tagger of its own; the pipeline's stacked tagger runs at 0.63, bench/role_floor.py).
A fold's tagger stacked on its classifier reads that classifier's states.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from dyads.classifier import SentenceClassifier, fold_of
from dyads.classifier.stacked import StackedTagger, stacked_layers

GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "gold" / "conflibert_cameo_ner_train.jsonl"


def token_spans(tokens: list[str], phrases, floor: float) -> set[tuple[str, int, int]]:
    """Character phrases of ``" ".join(tokens)`` -> (role, start token, end token); phrases that do
    not start and end on token edges count as wrong (they are kept with a -1 position)."""
    starts, position = {}, 0
    ends = {}
    for i, token in enumerate(tokens):
        starts[position] = i
        ends[position + len(token)] = i + 1
        position += len(token) + 1
    return {(p.role, starts.get(p.start, -1), ends.get(p.end, -1)) for p in phrases if p.probability >= floor}


def fold_models(classifier: Path, tagger: Path):
    """(text -> the classifier's own role-head phrases, text -> the tagger's phrases or None when
    ``tagger`` is missing); a stacked tagger reads the same classifier's states."""
    shared = stacked_layers(tagger) if tagger.is_dir() else None
    under = SentenceClassifier(classifier, states=shared)
    head = lambda text: under.predict([text])[0].roles  # noqa: E731
    if not tagger.is_dir():
        return head, None
    if shared is None:
        own = SentenceClassifier(tagger)
        return head, lambda text: own.predict([text])[0].roles
    stacked = StackedTagger(tagger, classifier_sha256=under.meta["model_sha256"])
    return head, lambda text: stacked.tag(text, under.predict([text], roles=False)[0])


def f1(found: int, predicted: int, gold: int) -> str:
    precision, recall = found / max(predicted, 1), found / max(gold, 1)
    return f"F1 {2 * precision * recall / max(precision + recall, 1e-9):.3f} (P {precision:.3f}, R {recall:.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=Path, default=Path("models/cv"), help="folder written by `make model-cv`")
    parser.add_argument("--floor", type=float, default=0.7, help="least mean tag probability of a phrase (default 0.7)")
    args = parser.parse_args()
    if not GOLD.exists():
        raise SystemExit(f"gold set not found at {GOLD}: put the shared data beside the project (../shared)")
    folds = sorted(int(p.name.split("-")[1]) for p in args.folds.glob("fold-*") if (p / "model.onnx").is_file())
    models: dict[str, dict[int, object]] = {"classifier's role head": {}, "role tagger": {}}
    for k in folds:  # each fold's classifier loaded once, with the states its stacked tagger reads
        head, tagged = fold_models(args.folds / f"fold-{k}", args.folds / "roles" / f"fold-{k}")
        models["classifier's role head"][k] = head
        if tagged is not None:
            models["role tagger"][k] = tagged
    counts = {name: {"all": [0, 0, 0], **{f"fold {k}": [0, 0, 0] for k in by_fold}} for name, by_fold in models.items()}
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        tokens = record["tokens"]
        text = " ".join(tokens)
        fold = fold_of(text, 5)
        gold = {(s["role"], s["tok_start"], s["tok_end"]) for s in record["spans"]}
        for name, by_fold in models.items():
            if fold not in by_fold:
                continue
            found = token_spans(tokens, by_fold[fold](text), args.floor)
            for key in ("all", f"fold {fold}"):
                counts[name][key][0] += len(found & gold)
                counts[name][key][1] += len(found)
                counts[name][key][2] += len(gold)
    for name, by_key in counts.items():
        if not models[name]:
            print(f"{name}: no fold models under {args.folds}")
            continue
        print(f"{name}: {f1(*by_key['all'])}")
        for key in sorted(k for k in by_key if k != "all"):
            print(f"  {key}: {f1(*by_key[key])}")


if __name__ == "__main__":
    main()
