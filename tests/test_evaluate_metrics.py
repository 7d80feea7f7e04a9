"""Metrics of the evaluation harness, checked against values worked out by hand."""

from __future__ import annotations

import json

import pytest

from dyads.evaluate.metrics import (
    EvalResult,
    accuracy,
    classification_summary,
    confusion,
    macro_f1,
    micro_prf,
    overlap_prf,
    per_class,
    prf,
    set_prf,
)

GOLD = ["A", "A", "B", "B", "C"]
PRED = ["A", "B", "B", "NONE", "C"]


def test_prf_from_counts_and_zero_division() -> None:
    assert prf(2, 4, 5) == pytest.approx({"precision": 0.5, "recall": 0.4, "f1": 2 * 0.5 * 0.4 / 0.9})
    assert prf(0, 0, 3) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_accuracy_and_lengths() -> None:
    assert accuracy(GOLD, PRED) == pytest.approx(0.6)
    assert accuracy([], []) is None
    with pytest.raises(ValueError):
        accuracy(["A"], [])


def test_per_class_by_hand() -> None:
    table = per_class(GOLD, PRED, labels=["A", "B", "C"])
    # A: 1 right of 1 predicted, 2 gold -> P 1, R 0.5, F1 2/3
    assert table["A"] == pytest.approx({"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2})
    # B: 1 right of 2 predicted, 2 gold -> 0.5 / 0.5 / 0.5
    assert table["B"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2})
    assert table["C"] == pytest.approx({"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1})
    assert "NONE" not in table
    assert macro_f1(table) == pytest.approx((2 / 3 + 0.5 + 1.0) / 3)


def test_macro_skips_unsupported_classes_unless_asked() -> None:
    table = per_class(["A", "A"], ["A", "Z"], labels=["A", "Z"])
    assert table["Z"]["support"] == 0
    assert macro_f1(table) == pytest.approx(table["A"]["f1"])
    assert macro_f1(table, only_supported=False) == pytest.approx(table["A"]["f1"] / 2)
    assert macro_f1({}) is None


def test_micro_inside_labels_treats_none_as_miss_not_false_alarm() -> None:
    scores = micro_prf(GOLD, PRED, labels=["A", "B", "C"])
    # 3 right; 4 predictions inside the labels; 5 gold
    assert scores == pytest.approx({"precision": 0.75, "recall": 0.6, "f1": 2 * 0.75 * 0.6 / 1.35})


def test_confusion_counts() -> None:
    assert confusion(GOLD, PRED) == {"A": {"A": 1, "B": 1}, "B": {"B": 1, "NONE": 1}, "C": {"C": 1}}


def test_classification_summary_micro_f1_is_accuracy() -> None:
    summary = classification_summary(GOLD, PRED, labels=["A", "B", "C"])
    assert summary["n"] == 5
    assert summary["f1"] == summary["accuracy"] == pytest.approx(0.6)
    assert set(summary["per_class"]) == {"A", "B", "C"}


def test_span_exact_and_partial() -> None:
    gold = {("S", 0, 2), ("T", 3, 5)}
    pred = {("S", 0, 2), ("T", 3, 4), ("S", 6, 7)}
    exact = set_prf(gold, pred)
    assert exact["tp"] == 1
    assert exact["precision"] == pytest.approx(1 / 3)
    assert exact["recall"] == pytest.approx(0.5)
    assert exact["f1"] == pytest.approx(0.4)
    partial = overlap_prf(gold, pred)
    assert partial["precision"] == pytest.approx(2 / 3)
    assert partial["recall"] == pytest.approx(1.0)
    assert partial["f1"] == pytest.approx(0.8)
    # overlap needs the same role
    assert overlap_prf({("S", 0, 2)}, {("T", 0, 2)})["f1"] == 0.0


def test_eval_result_render_and_json(tmp_path) -> None:
    summary = classification_summary(GOLD, PRED, labels=["A", "B", "C"])
    result = EvalResult(fmt="toy", summary=summary, source="toy.jsonl")
    table = result.render_table()
    lines = table.splitlines()
    assert lines[0].startswith("dyads evaluate toy")
    assert any(line.startswith("A ") and "0.667" in line for line in lines)
    assert "NONE" in table  # confusion column for the missed prediction
    out = result.write_json(tmp_path / "sub" / "r.json")
    data = json.loads(out.read_text())
    assert data["format"] == "toy"
    assert data["accuracy"] == pytest.approx(0.6)
    assert data["confusion"]["B"]["NONE"] == 1
    assert result.per_class["C"]["f1"] == 1.0


def test_typical_errors_take_one_per_gold_label_in_turn():
    from dyads.evaluate.metrics import typical_errors

    gold = ["A", "A", "A", "B", "B", "C", "C"]
    pred = ["B", "C", "A", "A", "A", "C", "A"]
    texts = [f"t{i}" for i in range(7)]
    errors = typical_errors(texts, gold, pred, [None] * 7, limit=4)
    assert [e["text"] for e in errors] == ["t0", "t3", "t6", "t1"]
    assert errors[0] == {"text": "t0", "gold": "A", "predicted": "B", "trigger": None, "cameo_code": None, "coder": None}
    assert typical_errors(texts, gold, gold, [None] * 7) == []


def test_markdown_report_has_tables_and_errors():
    from dyads.evaluate.metrics import EvalResult

    result = EvalResult(
        fmt="plover-gsr",
        source="/x/plover_gsr.jsonl",
        summary={
            "n": 2,
            "accuracy": 0.5,
            "macro_f1": 0.25,
            "per_class": {"AID": {"precision": 1.0, "recall": 0.5, "f1": 0.667, "support": 2}},
            "confusion": {"AID": {"AID": 1, "NONE": 1}},
            "errors": [{"text": "Donors | sent aid.", "gold": "AID", "predicted": "NONE", "trigger": None, "cameo_code": None, "coder": None}],
        },
    )
    text = result.render_markdown()
    assert "n 2, accuracy 0.500, macro-F1 0.250" in text
    assert "| AID | 1.000 | 0.500 | 0.667 | 2 |" in text
    assert "| AID | 1 | 1 |" in text
    assert "| AID | NONE | Donors / sent aid. |" in text
