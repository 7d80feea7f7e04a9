"""Pairwise precision and recall of a merge against gold clusters (docs/merging.md, Quality)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict


class PairScores(BaseModel):
    """Pairs of events put in one merged event (predicted) against pairs of one gold event."""

    model_config = ConfigDict(extra="forbid")

    events: int
    predicted_pairs: int
    gold_pairs: int
    correct_pairs: int
    precision: float
    recall: float
    f1: float


def _pairs(sizes: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def pairwise_scores(predicted: Mapping[str, str], gold: Mapping[str, str]) -> PairScores:
    """Score the events present in both mappings (event id -> cluster id).

    precision = correct / predicted pairs, recall = correct / gold pairs (1.0 when there are none).
    """
    shared = [event for event in predicted if event in gold]
    predicted_pairs = _pairs(Counter(predicted[e] for e in shared))
    gold_pairs = _pairs(Counter(gold[e] for e in shared))
    correct = _pairs(Counter((predicted[e], gold[e]) for e in shared))
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / gold_pairs if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(
        events=len(shared),
        predicted_pairs=predicted_pairs,
        gold_pairs=gold_pairs,
        correct_pairs=correct,
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
    )
