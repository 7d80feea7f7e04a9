"""Train (and cross-validate) the learned event-location chooser on an event-location gold file.

    python -m dyads.geo.train_locations ../shared/data/geo/event_location_dev.jsonl \\
        --out src/dyads/geo/data/location_chooser.json [--cv 5] [--report cv.json]

The gold sentences are coded once with the pipeline (the hand rules choosing places); for each
sentence the event scored by ``dyads evaluate event-location`` (the gold verb's: a coded event
on it, else one made for it, :mod:`dyads.evaluate.verb_events`) gives one training group: its
candidates (:mod:`dyads.geo.candidates`) and which of them the gold names ("no place" when the
gold has none). Groups whose gold place is no
candidate teach nothing and are left out. The model is a conditional logit (softmax over the
candidates of a group) fitted by full-batch gradient descent with L2, from zero weights: the
same data give the same weights.

``--cv K`` first scores the chooser honestly: each sentence's events are placed by a model
trained without its fold (``fold_of(text, K)``, the folds ``docs/quality.md`` uses), and the
hand rules are scored on the same coded sentences; the figures are printed (overall, with and
without a gold place, folds 0-1 and folds 2-4) and written with ``--report``. The file written
with ``--out`` is trained on every sentence: scoring it on the same file is scoring it on its
training data.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from spacy.tokens import Doc

from dyads.evaluate.geo import EventLocationRecord, event_for_verb, score_event_location
from dyads.geo.candidates import PlaceCandidate
from dyads.geo.chooser_model import LocationModel, text_fingerprint
from dyads.geo.gazetteer import Gazetteer
from dyads.records import Event
from dyads.stages.places import PlacesComponent


class Group(NamedTuple):
    """One training sentence: its candidates' features and which candidates the gold names."""

    features: list[dict[str, float]]
    positive: list[int]


class FitOptions(NamedTuple):
    l2: float = 1e-3
    steps: int = 600
    learning_rate: float = 0.1
    seed: int = 13
    min_count: int = 5  # features seen on fewer training candidates are dropped (rare words say nothing general)


DEFAULTS = FitOptions()


def read_records(path: Path) -> list[EventLocationRecord]:
    from dyads.evaluate.formats import read_gold

    return list(read_gold("event-location", path).records)


def code_docs(records: Sequence[EventLocationRecord], *, batch_size: int = 64) -> list[Doc]:
    """Parse and code every record's text with the default pipeline (rules choosing places),
    and give it its gold verb's event where the coder coded none on that verb."""
    from dyads.config import Settings
    from dyads.evaluate.verb_events import coded_with_gold_verbs
    from dyads.ontology import load_lexicon
    from dyads.pipeline import Pipeline

    nlp = Pipeline(Settings().with_overrides({"places.chooser": "rules"})).nlp
    return [doc for doc, _ in coded_with_gold_verbs(nlp, records, lexicon=load_lexicon(), batch_size=batch_size)]


def gold_index(record: EventLocationRecord, candidates: Sequence[PlaceCandidate]) -> list[int]:
    """The candidates the gold names: those whose span overlaps a gold place, else "no place"."""
    if not record.locations:
        return [0]
    return [
        i
        for i, c in enumerate(candidates)
        if c.location is not None
        and c.location.span is not None
        and any(g.overlaps(c.location.span.start, c.location.span.end) for g in record.locations)
    ]


def build_groups(docs: Sequence[Doc], records: Sequence[EventLocationRecord], component: PlacesComponent) -> list[Group | None]:
    """One group per record (None where no event was coded or the gold place is no candidate)."""
    groups: list[Group | None] = []
    for doc, record in zip(docs, records):
        event = event_for_verb(doc._.dyads_events or [], record.verbs)
        if event is None:
            groups.append(None)
            continue
        toponyms = component.toponyms(doc)
        choice, rules_location = component.rules_choice(doc, event, toponyms)
        candidates = component.candidates(doc, event, toponyms, choice, rules_location)
        positive = gold_index(record, candidates)
        groups.append(Group([c.features for c in candidates], positive) if positive else None)
    return groups


def fit(groups: Sequence[Group], *, options: FitOptions = DEFAULTS) -> LocationModel:
    """Conditional logit over each group's candidates: maximise the probability of the gold ones."""
    seen = Counter(name for g in groups for f in g.features for name in f)
    names = sorted(name for name, count in seen.items() if count >= options.min_count)
    column = {name: j for j, name in enumerate(names)}
    rows = sum(len(g.features) for g in groups)
    x = np.zeros((rows, len(names)), dtype=np.float64)
    y = np.zeros(rows, dtype=bool)
    starts = np.zeros(len(groups), dtype=np.int64)
    row = 0
    for k, group in enumerate(groups):
        starts[k] = row
        for i, features in enumerate(group.features):
            for name, value in features.items():
                if name in column:
                    x[row + i, column[name]] = value
        y[row + np.asarray(group.positive)] = True
        row += len(group.features)
    owner = np.repeat(np.arange(len(groups)), np.diff(np.append(starts, rows)))
    w = np.zeros(len(names))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    beta1, beta2 = 0.9, 0.999
    for step in range(1, options.steps + 1):
        s = x @ w
        s = s - np.maximum.reduceat(s, starts)[owner]
        e = np.exp(s)
        p_all = e / np.add.reduceat(e, starts)[owner]
        ep = np.where(y, e, 0.0)
        p_pos = ep / np.add.reduceat(ep, starts)[owner]
        grad = x.T @ (p_all - p_pos) / len(groups) + options.l2 * w
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        w -= options.learning_rate * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + 1e-8)
    meta = {"groups": len(groups), "candidates": rows, **options._asdict()}
    return LocationModel({n: float(wj) for n, wj in zip(names, w) if abs(wj) > 1e-6}, meta=meta)


def place_events(docs: Sequence[Doc], component: PlacesComponent) -> list[list[Event]]:
    """Run the places stage again on coded docs and copy out their events."""
    out: list[list[Event]] = []
    for doc in docs:
        component(doc)
        out.append([e.model_copy(deep=True) for e in (doc._.dyads_events or [])])
    return out


def _summary(records: Sequence[EventLocationRecord], events: Sequence[list[Event]], keep: Callable[[int], bool]) -> dict[str, Any]:
    chosen = [i for i in range(len(records)) if keep(i)]
    if not chosen:
        return {"n": 0}
    scored = score_event_location([records[i] for i in chosen], [events[i] for i in chosen])
    keys = ("n", "accuracy", "accuracy_with_location", "accuracy_without_location", "accuracy_coded_events", "gold_verb_events", "predicted_from")
    return {k: scored[k] for k in keys}


def cross_validate(
    docs: Sequence[Doc],
    records: Sequence[EventLocationRecord],
    *,
    folds: int = 5,
    options: FitOptions = DEFAULTS,
    gazetteer: Gazetteer | None = None,
) -> dict[str, Any]:
    """Rules vs learned chooser, each sentence placed by a model trained without its fold."""
    from dyads.classifier import fold_of

    rules = PlacesComponent(chooser="rules", gazetteer=gazetteer)
    fold = [fold_of(r.text, folds) for r in records]
    groups = build_groups(docs, records, rules)
    rules_events = place_events(docs, rules)
    learned_events: list[list[Event]] = [[] for _ in records]
    for k in range(folds):
        model = fit([g for g, f in zip(groups, fold) if g is not None and f != k], options=options)
        learned = PlacesComponent(chooser="learned", model=model, gazetteer=rules.gazetteer)
        held = [i for i, f in enumerate(fold) if f == k]
        for i, events in zip(held, place_events([docs[i] for i in held], learned)):
            learned_events[i] = events
    report: dict[str, Any] = {"folds": folds, "fit": options._asdict()}
    for name, events in (("rules", rules_events), ("learned_cv", learned_events)):
        report[name] = {
            "all": _summary(records, events, lambda i: True),
            "folds_0_1": _summary(records, events, lambda i: fold[i] < 2),
            "folds_2_4": _summary(records, events, lambda i: fold[i] >= 2),
        }
    return report


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dyads.geo.train_locations", description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="event-location gold file (JSONL), e.g. ../shared/data/geo/event_location_dev.jsonl")
    parser.add_argument("--out", type=Path, help="weights file to write (trained on every sentence)")
    parser.add_argument("--cv", type=int, default=0, help="cross-validate over this many folds first (fold_of(text, K))")
    parser.add_argument("--report", type=Path, help="write the cross-validation figures here as JSON")
    parser.add_argument("--l2", type=float, default=DEFAULTS.l2)
    parser.add_argument("--steps", type=int, default=DEFAULTS.steps)
    parser.add_argument("--seed", type=int, default=DEFAULTS.seed, help="recorded with the weights (the fit itself starts from zero weights and draws nothing)")
    parser.add_argument("--min-count", type=int, default=DEFAULTS.min_count, help="drop features seen on fewer training candidates")
    args = parser.parse_args(argv)
    if args.out is None and not args.cv:
        parser.error("give --out FILE, --cv K, or both")
    options = FitOptions(l2=args.l2, steps=args.steps, seed=args.seed, min_count=args.min_count)
    started = time.perf_counter()
    records = read_records(args.data)
    docs = code_docs(records)
    print(f"coded {len(docs)} sentences in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.cv:
        report = cross_validate(docs, records, folds=args.cv, options=options)
        for name in ("rules", "learned_cv"):
            for part, figures in report[name].items():
                if not figures["n"]:
                    continue
                print(
                    f"{name:10} {part:9} n {figures['n']:5}  accuracy {_fmt(figures['accuracy'])}"
                    f"  with place {_fmt(figures['accuracy_with_location'])}  without {_fmt(figures['accuracy_without_location'])}"
                    f"  coded events only {_fmt(figures['accuracy_coded_events'])} ({figures['gold_verb_events']} gold-verb events)"
                )
        if args.report is not None:
            args.report.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if args.out is not None:
        rules = PlacesComponent(chooser="rules")
        groups = [g for g in build_groups(docs, records, rules) if g is not None]
        model = fit(groups, options=options)
        meta = {**model.meta, "data": args.data.name, "data_sha256": _file_sha256(args.data), "sentences": len(records),
                "texts_fingerprint": text_fingerprint(r.text for r in records),
                "command": "python -m dyads.geo.train_locations DATA --out FILE"
                + (f" --l2 {args.l2}" if args.l2 != DEFAULTS.l2 else "") + (f" --steps {args.steps}" if args.steps != DEFAULTS.steps else "")}
        LocationModel(model.weights, meta=meta).write(args.out)
        print(f"wrote {args.out}: {len(model.weights)} weights from {len(groups)} sentences", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
