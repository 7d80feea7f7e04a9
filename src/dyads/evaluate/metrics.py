"""Scores for the evaluation tasks: per-class P/R/F1, confusion tables, span matching.

Everything here is a pure function over plain Python values, so the figures can be
checked by hand. Division by zero gives ``0.0`` (the convention scikit-learn and
seqeval use with ``zero_division=0``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dyads.records import Problem

NONE_LABEL = "NONE"


def safe_div(num: float, den: float) -> float:
    """``num / den``, or ``0.0`` when ``den`` is zero."""
    return num / den if den else 0.0


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    """Precision, recall and F1 from true positives and the predicted and gold counts."""
    precision = safe_div(tp, n_pred)
    recall = safe_div(tp, n_gold)
    return {"precision": precision, "recall": recall, "f1": safe_div(2 * precision * recall, precision + recall)}


def accuracy(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> float | None:
    """Share of positions where ``pred`` equals ``gold``; ``None`` for empty input."""
    _check_lengths(gold, pred)
    if not gold:
        return None
    return sum(g == p for g, p in zip(gold, pred)) / len(gold)


def confusion(gold: Sequence[str], pred: Sequence[str]) -> dict[str, dict[str, int]]:
    """``{gold label: {predicted label: count}}``, rows and columns sorted by label."""
    _check_lengths(gold, pred)
    counts = Counter(zip(gold, pred))
    table: dict[str, dict[str, int]] = {}
    for (g, p), n in sorted(counts.items()):
        table.setdefault(g, {})[p] = n
    return table


def per_class(
    gold: Sequence[str], pred: Sequence[str], *, labels: Sequence[str] | None = None
) -> dict[str, dict[str, float]]:
    """Single-label per-class precision, recall, F1 and support (gold count).

    ``labels`` fixes the classes reported (in that order); a prediction outside them
    (e.g. ``NONE``) is simply wrong: it lowers the recall of the gold class and adds to
    no class's precision. Without ``labels`` every label seen in gold or pred is a class.
    """
    _check_lengths(gold, pred)
    classes = list(labels) if labels is not None else sorted(set(gold) | set(pred))
    gold_n = Counter(gold)
    pred_n = Counter(pred)
    tp = Counter(g for g, p in zip(gold, pred) if g == p)
    out: dict[str, dict[str, float]] = {}
    for label in classes:
        scores = prf(tp[label], pred_n[label], gold_n[label])
        out[label] = {**scores, "support": gold_n[label]}
    return out


def macro_f1(table: dict[str, dict[str, float]], *, only_supported: bool = True) -> float | None:
    """Unweighted mean F1 over classes; by default over classes with gold support only."""
    rows = [row for row in table.values() if row.get("support", 0) > 0 or not only_supported]
    if not rows:
        return None
    return sum(row["f1"] for row in rows) / len(rows)


def micro_prf(
    gold: Sequence[str], pred: Sequence[str], *, labels: Sequence[str]
) -> dict[str, float]:
    """Micro P/R/F1 counting only gold and predictions inside ``labels``.

    A ``NONE`` prediction is then a miss (lowers recall) but not a false alarm. When all
    gold and predicted labels are inside ``labels``, all three equal the accuracy.
    """
    _check_lengths(gold, pred)
    allowed = set(labels)
    tp = sum(1 for g, p in zip(gold, pred) if g == p and g in allowed)
    return prf(tp, sum(1 for p in pred if p in allowed), sum(1 for g in gold if g in allowed))


def classification_summary(
    gold: Sequence[str], pred: Sequence[str], *, labels: Sequence[str]
) -> dict[str, Any]:
    """The common block of a single-label task: accuracy, micro f1, macro_f1, n, tables."""
    table = per_class(gold, pred, labels=labels)
    acc = accuracy(gold, pred)
    return {
        "n": len(gold),
        "accuracy": acc,
        "f1": acc,  # single label over all outcomes: micro F1 == accuracy
        "macro_f1": macro_f1(table),
        "micro_in_labels": micro_prf(gold, pred, labels=labels),
        "per_class": table,
        "confusion": confusion(gold, pred),
    }


# ---------------------------------------------------------------- spans and sets

Span3 = tuple[str, int, int]  # (role, start, end) with end exclusive


def set_prf(gold: Iterable[Hashable], pred: Iterable[Hashable]) -> dict[str, float]:
    """Exact-match P/R/F1 between two collections (duplicates collapse), with counts."""
    gold_set, pred_set = set(gold), set(pred)
    tp = len(gold_set & pred_set)
    return {**prf(tp, len(pred_set), len(gold_set)), "tp": tp, "n_pred": len(pred_set), "n_gold": len(gold_set)}


def overlaps(a: Span3, b: Span3) -> bool:
    """Same role and the half-open token ranges share at least one token."""
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def overlap_prf(gold: Iterable[Span3], pred: Iterable[Span3]) -> dict[str, float]:
    """Partial-overlap P/R/F1: a prediction counts if it overlaps a gold span of its role.

    Precision is the share of predicted spans overlapping some gold span; recall the
    share of gold spans overlapped by some prediction.
    """
    gold_set, pred_set = set(gold), set(pred)
    hit_pred = sum(1 for p in pred_set if any(overlaps(p, g) for g in gold_set))
    hit_gold = sum(1 for g in gold_set if any(overlaps(p, g) for p in pred_set))
    precision = safe_div(hit_pred, len(pred_set))
    recall = safe_div(hit_gold, len(gold_set))
    return {
        "precision": precision,
        "recall": recall,
        "f1": safe_div(2 * precision * recall, precision + recall),
        "n_pred": len(pred_set),
        "n_gold": len(gold_set),
    }


def _check_lengths(gold: Sequence[Any], pred: Sequence[Any]) -> None:
    if len(gold) != len(pred):
        # programming error in a scorer, not a user input problem
        raise ValueError(f"gold and pred differ in length: {len(gold)} != {len(pred)}")


# ---------------------------------------------------------------- result


@dataclass
class EvalResult:
    """What one evaluation run measured.

    ``summary`` holds ``n``, ``accuracy`` (``None`` where it does not apply), ``f1``
    (micro), ``macro_f1``, ``per_class`` ``{label: {precision, recall, f1, support}}``,
    ``confusion`` ``{gold: {pred: count}}`` and the task's own figures.
    """

    fmt: str
    summary: dict[str, Any]
    source: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def per_class(self) -> dict[str, dict[str, float]]:
        return self.summary.get("per_class", {})

    @property
    def confusion(self) -> dict[str, dict[str, int]]:
        return self.summary.get("confusion", {})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: the summary's figures at the top level (``accuracy``, ``f1``,
        ``macro_f1``, ``n`` ...), then format, gold file (`gold_file`) and skipped-line problems."""
        return {
            **self.summary,
            "format": self.fmt,
            "gold_file": self.source,
            "problems": [p.model_dump() for p in self.problems],
        }

    def write_json(self, path: Path | str) -> Path:
        """Write :meth:`to_dict` as indented JSON; returns the path written."""
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(self.to_dict(), indent=2, sort_keys=False) + "\n", encoding="utf-8")
        return out

    def render_markdown(self) -> str:
        """Per-class table, confusion matrix and typical errors as Markdown."""
        return render_markdown(self)

    def render_table(self) -> str:
        """Plain-text report: headline figures, per-class P/R/F1 and the confusion table."""
        lines = [f"dyads evaluate {self.fmt}" + (f"  ({self.source})" if self.source else "")]
        lines.append(_render_headline(self.summary))
        if self.per_class:
            lines.append("")
            lines.append(_render_per_class(self.per_class))
        if self.confusion:
            lines.append("")
            lines.append("confusion (rows: gold, columns: predicted)")
            lines.append(_render_confusion(self.confusion))
        errors = self.summary.get("errors") or []
        if errors:
            lines.append("")
            lines.append(f"typical errors ({len(errors)} shown, one per gold label in turn)")
            lines.extend(_render_error(error) for error in errors)
        if self.problems:
            lines.append("")
            lines.append(f"{len(self.problems)} gold line(s) skipped, first: {self.problems[0].where}: {self.problems[0].reason}")
        return "\n".join(lines)


def render_markdown(result: "EvalResult") -> str:
    """The error analysis as Markdown (docs/quality.md): per-class P/R/F1, the confusion matrix
    and the typical errors."""
    summary = result.summary
    lines = [f"`{result.fmt}` on `{Path(result.source).name}`: n {summary.get('n')}, accuracy {_fmt(summary.get('accuracy'))}, "
             f"macro-F1 {_fmt(summary.get('macro_f1'))}", ""]
    if result.per_class:
        lines += ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        lines += [
            f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {int(row['support'])} |"
            for label, row in result.per_class.items()
        ]
        lines.append("")
    if result.confusion:
        predicted = sorted({p for row in result.confusion.values() for p in row})
        lines += ["| gold \\ predicted | " + " | ".join(predicted) + " |", "|---" * (len(predicted) + 1) + "|"]
        lines += [
            f"| {gold} | " + " | ".join(str(row.get(p, 0) or "") for p in predicted) + " |" for gold, row in result.confusion.items()
        ]
        lines.append("")
    errors = summary.get("errors") or []
    if errors:
        lines += ["| gold | produced (trigger, CAMEO, coder) | sentence |", "|---|---|---|"]
        for error in errors:
            produced = error["predicted"]
            if error.get("trigger"):
                produced += f" ({error['trigger']}, {error['cameo_code']}, {error['coder']})"
            text = error["text"] if len(error["text"]) <= 160 else error["text"][:157] + "..."
            lines.append(f"| {error['gold']} | {produced} | {text.replace('|', '/')} |")
    return "\n".join(lines).rstrip() + "\n"


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _render_headline(summary: dict[str, Any]) -> str:
    parts = []
    for key, value in summary.items():
        if key in ("per_class", "confusion", "errors"):
            continue
        if isinstance(value, dict):
            inner = " ".join(f"{k}={_fmt(v)}" for k, v in value.items() if not isinstance(v, dict))
            parts.append(f"{key}: {inner}")
        else:
            parts.append(f"{key}: {_fmt(value)}")
    return "\n".join(parts)


def _render_error(error: dict[str, Any]) -> str:
    got = f"{error['predicted']}" + (f" ({error['trigger']!r}, {error['coder']})" if error.get("trigger") else "")
    return f"- gold {error['gold']}, got {got}: {error['text']}"


def typical_errors(
    texts: Sequence[str], gold: Sequence[str], pred: Sequence[str], chosen: Sequence[Any], *, limit: int = 10
) -> list[dict[str, Any]]:
    """Up to ``limit`` mismatches, taking one per gold label in turn (most frequent labels first),
    so the list shows the spread of errors rather than the first rows of the file."""
    by_label: dict[str, list[int]] = {}
    for i, (g, p) in enumerate(zip(gold, pred)):
        if g != p:
            by_label.setdefault(g, []).append(i)
    order = sorted(by_label, key=lambda label: (-len(by_label[label]), label))
    picked: list[int] = []
    while len(picked) < limit and any(by_label[label] for label in order):
        for label in order:
            if by_label[label] and len(picked) < limit:
                picked.append(by_label[label].pop(0))
    out = []
    for i in picked:
        event = chosen[i]
        out.append(
            {
                "text": texts[i],
                "gold": gold[i],
                "predicted": pred[i],
                "trigger": event.trigger.text if event is not None else None,
                "cameo_code": event.cameo_code if event is not None else None,
                "coder": event.coder if event is not None else None,
            }
        )
    return out


def _render_per_class(table: dict[str, dict[str, float]]) -> str:
    width = max(len("label"), *(len(k) for k in table))
    rows = [f"{'label':<{width}}  {'prec':>6} {'rec':>6} {'f1':>6} {'support':>7}"]
    for label, row in table.items():
        rows.append(
            f"{label:<{width}}  {row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f} {int(row['support']):>7d}"
        )
    return "\n".join(rows)


def _render_confusion(table: dict[str, dict[str, int]]) -> str:
    gold_labels = list(table)
    pred_labels = sorted({p for row in table.values() for p in row})
    corner = "gold\\pred"
    width = max(len(corner), *(len(g) for g in gold_labels))
    col = max(4, *(len(p) for p in pred_labels))
    rows = [f"{corner:<{width}} " + " ".join(f"{p:>{col}}" for p in pred_labels)]
    for g in gold_labels:
        cells = " ".join(f"{table[g].get(p, 0) or '.':>{col}}" for p in pred_labels)
        rows.append(f"{g:<{width}} {cells}")
    return "\n".join(rows)
