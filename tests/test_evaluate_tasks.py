"""End-to-end ``evaluate`` per format with a fake coder; all figures worked out by hand."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from dyads.errors import DataError
from dyads.evaluate import evaluate, run_coder
from dyads.evaluate.formats import NerRecord, parse_conflibert_ner, read_gold
from dyads.evaluate.tasks import (
    char_span_to_tokens,
    gsr_code,
    predicted_plover_type,
    predicted_quad_class,
    predicted_role_spans,
    predicted_triples,
    token_offsets,
)
from dyads.records import Actor, Event, Span


def actor(code: str | None, *sectors: str, text: str | None = None, at: int = 0) -> Actor:
    span = Span(start=at, end=at + len(text), text=text) if text is not None else None
    return Actor(code=code, sectors=list(sectors), span=span)


def event(
    cameo: str,
    *,
    plover: str | None = None,
    quad: int = 0,
    mode: str | None = None,
    statement: bool = False,
    sources: Sequence[Actor] = (),
    targets: Sequence[Actor] = (),
) -> Event:
    return Event(
        article_id="a",
        sentence_index=0,
        sentence=Span(start=0, end=1, text="x"),
        trigger=Span(start=0, end=1, text="x"),
        plover_type=plover,
        plover_mode=mode,
        cameo_code=cameo,
        quad_class=quad,
        goldstein=0.0,
        statement_only=statement,
        sources=list(sources),
        targets=list(targets),
    )


class FakeCoder:
    """Answers from a text -> events table and remembers its batch sizes."""

    def __init__(self, table: dict[str, list[Event]]) -> None:
        self.table = table
        self.batches: list[int] = []

    def __call__(self, texts: Sequence[str]) -> list[list[Event]]:
        self.batches.append(len(texts))
        return [list(self.table.get(t, [])) for t in texts]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def gsr(text: str, kind: str, source: list[dict], target: list[dict], mode: str | None = None) -> dict:
    return {"id": text[:8], "text": text, "event": kind, "mode": mode, "context": None, "source": source,
            "target": target, "eventText": "", "eventLoc": None, "markup": "", "size": None, "dead": None,
            "injured": None, "comment": "", "provenance": "test"}


def test_plover_gsr_end_to_end(tmp_path: Path) -> None:
    texts = ["Paris asked Berlin to pay.", "Israeli troops shelled the rebels.", "Tokyo agreed to talks."]
    path = write_jsonl(tmp_path / "g.jsonl", [
        gsr(texts[0], "DEMAND", [{"text": "Paris", "code": "FRA", "sector": "GOV"}], [{"text": "Berlin", "code": "DEU", "sector": None}]),
        gsr(texts[1], "FIGHT", [{"text": "Israeli", "code": "ISR", "sector": "MIL"}], [{"text": "rebels", "code": "PSE", "sector": "REB"}], mode="heavy-weapons"),
        gsr(texts[2], "AGREE", [{"text": "Tokyo", "code": "JAP", "sector": None}], []),
    ])
    coder = FakeCoder({
        texts[0]: [event("010", statement=True), event("100", plover="REQUEST", quad=3, sources=[actor("FRA", "GOV")], targets=[actor("DEU")])],
        texts[1]: [event("190", plover="ASSAULT", quad=4, mode="heavy-weapons", sources=[actor("ISR")], targets=[actor("PSE", "REB")])],
    })
    result = evaluate("plover-gsr", path, coder=coder, batch_size=2)
    s = result.summary
    assert coder.batches == [2, 1]
    assert s["n"] == 3
    assert s["accuracy"] == pytest.approx(2 / 3) and s["f1"] == pytest.approx(2 / 3)
    assert s["per_class"]["REQUEST"]["f1"] == 1.0 and s["per_class"]["ASSAULT"]["f1"] == 1.0
    assert s["per_class"]["AGREE"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert len(s["per_class"]) == 16
    assert s["macro_f1"] == pytest.approx(2 / 3)  # over the 3 supported types
    assert s["confusion"]["AGREE"] == {"NONE": 1}
    assert s["none_predicted"] == 1
    assert s["mode"] == {"accuracy": 1.0, "n": 1}
    assert s["source_actors"]["n"] == 3
    assert s["source_actors"]["country_accuracy"] == pytest.approx(2 / 3)
    assert s["source_actors"]["country_sector_accuracy"] == pytest.approx(1 / 3)
    assert s["target_actors"] == {"country_accuracy": 1.0, "country_sector_accuracy": 1.0, "n": 2}
    assert "REQUEST" in result.render_table()


def test_first_non_statement_event_decides() -> None:
    statement = event("010", statement=True)
    threat = event("130", plover="THREATEN", quad=3)
    assert predicted_plover_type([statement, threat]) == "THREATEN"
    assert predicted_plover_type([statement]) == "NONE"
    assert predicted_plover_type([event("190", plover="FIGHT", quad=4)]) == "ASSAULT"
    assert predicted_quad_class([statement, threat]) == 3
    assert predicted_quad_class([statement]) == 0
    assert predicted_quad_class([]) == 0


def test_conflibert_class_end_to_end(tmp_path: Path) -> None:
    texts = ["A bomb hit a bus.", "The minister spoke.", "Leaders will cooperate.", "Rivals traded insults."]
    labels = [4, 0, 1, 3]
    path = write_jsonl(tmp_path / "c.jsonl", [{"id": str(i), "text": t, "label": y} for i, (t, y) in enumerate(zip(texts, labels))])
    coder = FakeCoder({
        texts[0]: [event("183", plover="ASSAULT", quad=4)],
        texts[1]: [event("010", statement=True)],
        texts[3]: [event("010", statement=True), event("190", plover="ASSAULT", quad=4)],
    })
    s = evaluate("conflibert-class", path, coder=coder).summary
    # predictions 4, 0, 0, 4
    assert s["accuracy"] == pytest.approx(0.5)
    assert s["per_class"]["0"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})
    assert s["per_class"]["4"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})
    assert s["per_class"]["1"]["f1"] == 0.0 and s["per_class"]["2"]["support"] == 0
    assert s["macro_f1"] == pytest.approx((2 / 3 + 0 + 0 + 2 / 3) / 4)
    assert s["confusion"]["3"] == {"4": 1}
    # limit keeps the first N records
    assert evaluate("conflibert-class", path, coder=coder, limit=2).summary["accuracy"] == 1.0


def ner_row(tokens: list[str], spans: list[tuple[str, int, int]]) -> dict:
    return {"id": tokens[0], "tokens": tokens, "tags": [], "text": " ".join(tokens),
            "spans": [{"role": r, "tok_start": s, "tok_end": e, "text": " ".join(tokens[s:e])} for r, s, e in spans]}


def test_token_mapping() -> None:
    offsets = token_offsets(["The", "Zorvian", "army", "shelled"])
    assert offsets == [(0, 3), (4, 11), (12, 16), (17, 24)]
    assert char_span_to_tokens(offsets, 4, 16) == (1, 3)
    assert char_span_to_tokens(offsets, 5, 9) == (1, 2)  # inside one token
    assert char_span_to_tokens(offsets, 3, 4) is None  # only the space
    assert char_span_to_tokens(offsets, 0, 0) is None


def test_conflibert_ner_end_to_end(tmp_path: Path) -> None:
    first = ["The", "Zorvian", "army", "shelled", "Kelmar", "."]
    second = ["Ana", "and", "Ben", "met", "."]
    path = write_jsonl(tmp_path / "n.jsonl", [
        ner_row(first, [("source", 0, 3), ("target", 4, 5)]),
        ner_row(second, [("reciprocal", 0, 1), ("reciprocal", 2, 3)]),
    ])
    ana, ben = actor("ANA", text="Ana", at=0), actor("BEN", text="Ben", at=8)
    coder = FakeCoder({
        " ".join(first): [event("195", plover="ASSAULT", quad=4,
                                sources=[actor("ZOR", "MIL", text="Zorvian army", at=4)],
                                targets=[actor("KEL", text="Kelmar", at=25)]),
                          # only the main (first) event counts: the gold marks one event's arguments
                          event("190", plover="ASSAULT", quad=4, sources=[actor("KEL", text="Kelmar", at=25)])],
        " ".join(second): [event("040", plover="CONSULT", quad=1, sources=[ana, ben], targets=[ben, ana])],
    })
    s = evaluate("conflibert-ner", path, coder=coder).summary
    assert s["accuracy"] is None
    assert s["spans"] == {"gold": 4, "predicted": 4, "exact_matches": 3}
    assert s["f1"] == pytest.approx(0.75)
    assert s["f1_partial"] == pytest.approx(1.0)
    assert s["per_class"]["source"]["f1"] == 0.0 and s["per_class"]["source"]["f1_partial"] == 1.0
    assert s["per_class"]["target"]["f1"] == 1.0
    assert s["per_class"]["reciprocal"]["f1"] == 1.0
    assert s["macro_f1"] == pytest.approx(2 / 3)
    assert s["confusion"]["source"] == {"NONE": 1}


def test_ner_spans_with_shifted_offsets_are_found_by_text() -> None:
    record = read_gold_ner(["Kelmar", "protested", "."], [("source", 0, 1)])
    shifted = event("140", plover="PROTEST", quad=4, sources=[actor("KEL", text="Kelmar", at=3)])
    assert predicted_role_spans(record, [shifted]) == {("source", 0, 1)}
    no_span = event("140", plover="PROTEST", quad=4, sources=[actor("KEL")])
    assert predicted_role_spans(record, [no_span]) == set()


def read_gold_ner(tokens: list[str], spans: list[tuple[str, int, int]]) -> NerRecord:
    return parse_conflibert_ner(ner_row(tokens, spans), "test:1")


def petr(rid: str, text: str, expected: list[tuple[str, str, str]], *, none: bool = False) -> dict:
    return {"id": rid, "date": "19990101", "category": "DEMO", "text": text, "parse": "",
            "expected": [{"source": s, "target": t, "code": c} for s, t, c in expected],
            "expect_no_events": none, "expected_errors": [], "config_in_force": {}, "notes": [],
            "source_file": "t", "sentence": "true"}


def test_petrarch_end_to_end(tmp_path: Path) -> None:
    texts = ["Arnor restored ties with Gondor.", "Arnor's government praised Gondor.", "Nothing happened.", "Quiet day."]
    path = write_jsonl(tmp_path / "p.jsonl", [
        petr("1", texts[0], [("ARN", "GON", "064")]),
        petr("2", texts[1], [("ARNGOV", "GON", "032"), ("GON", "ARNGOV", "033")]),
        petr("3", texts[2], [], none=True),
        petr("4", texts[3], []),
    ])
    coder = FakeCoder({
        texts[0]: [event("064", plover="COOPERATE", quad=2, sources=[actor("ARN")], targets=[actor("GON")])],
        texts[1]: [event("032", plover=None, quad=0, sources=[actor("ARN", "GOV")], targets=[actor("GON")]),
                   event("036", plover="AGREE", quad=1, sources=[actor("GON")], targets=[actor("ARN", "GOV")])],
        texts[3]: [event("190", plover="ASSAULT", quad=4, sources=[actor("ARN")], targets=[actor("GON")])],
    })
    s = evaluate("petrarch", path, coder=coder).summary
    assert s["triples"] == {"gold": 3, "predicted": 4, "exact_matches": 2}
    assert s["precision"] == pytest.approx(0.5) and s["recall"] == pytest.approx(2 / 3)
    assert s["f1"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert s["records_exact"] == 2 and s["accuracy"] == pytest.approx(0.5)
    assert s["code_accuracy"] == pytest.approx(2 / 3)
    assert s["root_accuracy"] == 1.0
    assert s["actor_pair_accuracy"] == 1.0
    assert s["records_without_events"] == {"n": 2, "correctly_empty": 1}
    assert s["records_with_events"] == {"n": 2, "exact": 1}
    assert s["f1_country_root"] == pytest.approx(2 * 0.75 * 1.0 / 1.75)
    assert s["confusion"]["03"] == {"03": 2}
    assert s["per_class"]["19"]["support"] == 0 and s["per_class"]["19"]["precision"] == 0.0


def test_predicted_triples_need_both_sides() -> None:
    one_sided = event("173", plover="COERCE", quad=4, sources=[actor("OSG", "MIL")])
    pair = event("173", plover="COERCE", quad=4, sources=[actor("OSG", "MIL"), actor("MOR")], targets=[actor("GON")])
    assert predicted_triples([one_sided]) == set()
    assert predicted_triples([pair]) == {("OSGMIL", "GON", "173"), ("MOR", "GON", "173")}


def test_coder_contract_and_bad_format(tmp_path: Path) -> None:
    class Broken:
        def __call__(self, texts: Sequence[str]) -> list[list[Event]]:
            return []

    with pytest.raises(DataError) as info:
        run_coder(Broken(), ["a", "b"])
    assert info.value.code == "E706"
    with pytest.raises(DataError) as info:
        run_coder(FakeCoder({}), ["a"], batch_size=0)
    assert info.value.code == "E705"
    with pytest.raises(DataError) as info:
        evaluate("gdelt", tmp_path / "x.jsonl", coder=FakeCoder({}))
    assert info.value.code == "E702"


def test_lenient_evaluate_reports_skipped_lines(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "1", "text": "Calm.", "label": 0}\n{oops\n', encoding="utf-8")
    with pytest.raises(DataError, match="c.jsonl:2"):
        evaluate("conflibert-class", path, coder=FakeCoder({}))
    result = evaluate("conflibert-class", path, coder=FakeCoder({}), strict=False)
    assert result.summary["n"] == 1 and result.summary["accuracy"] == 1.0
    assert [p.where for p in result.problems] == [f"{path}:2"]
    assert "skipped" in result.render_table()
    assert len(read_gold("conflibert-class", path, strict=False).records) == 1


def test_gsr_codes_follow_the_gold_convention() -> None:
    # the PLOVER records code every intergovernmental body IGO and armed groups as their country
    assert gsr_code(actor("UNO", "IGO")) == "IGO"
    assert gsr_code(actor("EU", "IGO", "GOV")) == "IGO"
    assert gsr_code(actor("NATO", "MIL")) == "IGO"  # "NATO peacekeeping troops"
    assert gsr_code(actor("AMN", "NGO")) == "IGO"  # a named international NGO, as the records code it
    assert gsr_code(actor(None, "NGO")) == "NGO"  # "a human rights group"
    assert gsr_code(actor("HEZ", "REB")) == "LBN"
    assert gsr_code(actor("ISIS", "REB")) == "ISIS"  # no home country in our tables
    assert gsr_code(actor("rus", "GOV")) == "RUS"


class DatedCoder(FakeCoder):
    """A coder that takes ``published=``, as the dyads Pipeline does: records the date of each batch."""

    def __init__(self, table: dict[str, list[Event]]) -> None:
        super().__init__(table)
        self.dates: list[object] = []

    def __call__(self, texts: Sequence[str], *, published=None) -> list[list[Event]]:
        self.dates.append(published)
        return super().__call__(texts)


def test_petrarch_records_are_coded_as_of_their_date(tmp_path: Path) -> None:
    rows = [petr(str(i), f"text {i}", []) for i in range(5)]
    for row, day in zip(rows, ["19950101", "19950101", "20100110", "20100110", "19950101"]):
        row["date"] = day
    path = write_jsonl(tmp_path / "p.jsonl", rows)
    dated = DatedCoder({})
    evaluate("petrarch", path, coder=dated, batch_size=64)
    assert dated.batches == [2, 2, 1]  # a batch breaks where the date changes
    assert [str(d) for d in dated.dates] == ["1995-01-01", "2010-01-10", "1995-01-01"]
    plain = FakeCoder({})  # a coder without ``published`` gets the usual batches
    evaluate("petrarch", path, coder=plain, batch_size=64)
    assert plain.batches == [5]


def test_a_reciprocal_event_pairs_different_actors_only() -> None:
    """"A and B met": both actors in both roles give A->B and B->A, never A->A."""
    gon, osg = actor("GON", text="Gondor", at=0), actor("OSG", text="Osgiliath", at=11)
    met = event("036", plover="AGREE", quad=1, sources=[gon, osg], targets=[gon, osg])
    assert predicted_triples([met]) == {("GON", "OSG", "036"), ("OSG", "GON", "036")}
    # the same code on two different mentions is still a pair ("Gondor's army attacked Gondor's rebels")
    other = actor("GON", text="Gondor", at=30)
    assert ("GON", "GON", "190") in predicted_triples([event("190", plover="ASSAULT", quad=4, sources=[gon], targets=[other])])
