"""The geoparse and event-location formats: readers and scorers on hand-built records (figures
worked out by hand), then once end to end on the first records of the real gold files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from dyads.errors import DataError
from dyads.evaluate import FORMATS, evaluate
from dyads.evaluate.formats import read_gold
from dyads.evaluate.geo import (
    ACC_KM,
    EventLocationRecord,
    GeoparseRecord,
    event_for_verb,
    haversine_km,
    match_toponyms,
    parse_event_location,
    parse_geoparse,
    score_event_location,
    score_geoparse,
    snippet,
    spread_errors,
)
from dyads.records import Event, Location, Span

GEO_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "geo"
needs_geo_data = pytest.mark.skipif(
    not (GEO_DIR / "lgl.jsonl").is_file(), reason=f"shared geo gold data not found at {GEO_DIR} (see ../shared/data/README.md)"
)


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def top(text: str, word: str, *, occurrence: int = 0, **gold: object) -> dict:
    """A gold toponym row for ``word`` (its ``occurrence``-th appearance in ``text``)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(word, start + 1)
    return {"start": start, "end": start + len(word), "text": word, **gold}


def place(text: str, word: str, *, lat: float | None, lon: float | None, country: str | None = None,
          gid: int | None = None, name: str | None = None) -> Location:
    start = text.index(word)
    return Location(name=name or word, lat=lat, lon=lon, country=country, geonameid=gid,
                    span=Span(start=start, end=start + len(word), text=word))


# ---------------------------------------------------------------- geoparse: reading

LGL_TEXT = "Alexandria man held. Police in Alexandria and Rapides Parish said Americans helped."
LGL_ROW = {
    "id": "lgl-1",
    "text": LGL_TEXT,
    "toponyms": [
        top(LGL_TEXT, "Alexandria", geonameid="4314550", name="Alexandria", fclass="P", fcode="PPL",
            lat=31.3113, lon=-92.4451, country="United States"),
        top(LGL_TEXT, "Alexandria", occurrence=1, geonameid="4314550", name="Alexandria", fclass="P", fcode="PPL",
            lat=31.3113, lon=-92.4451, country="United States"),
        top(LGL_TEXT, "Rapides Parish"),  # LGL: a toponym without a gold place
        top(LGL_TEXT, "Americans", geonameid="6252001", name="United States", fclass="A", fcode="PCLI",
            lat=39.76, lon=-98.5, country="United States"),
    ],
}


def test_parse_lgl_record() -> None:
    record = parse_geoparse(LGL_ROW, "t:1")
    assert [t.kind for t in record.toponyms] == ["P place", "P place", "no gold id", "A country"]
    first = record.toponyms[0]
    assert (first.geonameid, first.country, first.lat) == (4314550, "USA", 31.3113)
    assert first.span.text == "Alexandria" and LGL_TEXT[first.span.start : first.span.end] == "Alexandria"
    assert not record.toponyms[2].has_point and record.toponyms[2].country is None
    assert parse_geoparse({"text": "In Brno.", "toponyms": [top("In Brno.", "Brno", country="Czech Republic")]}, "t").toponyms[0].country == "CZE"


def test_parse_geowebnews_skips_non_toponyms_and_flagged_offsets() -> None:
    text = "The French team left the area near Beirut."
    row = {
        "id": "gwn-1",
        "text": text,
        "toponyms": [
            top(text, "French", type="Non_Literal_Modifier", modifier_type="Adjective", geonameid="3017382",
                normalised="France", lat=46.0, lon=2.0),
            top(text, "area", type="Literal_Expression"),
            top(text, "Beirut", type="Literal", geonameid="276781", normalised="Beirut", lat=33.89, lon=35.5),
            {"start": -5, "end": -3, "text": "US", "type": "Literal", "offset_invalid": True},
        ],
    }
    record = parse_geoparse(row, "t:1")
    assert [t.kind for t in record.toponyms] == ["Non_Literal_Modifier adj", "Literal"]
    # GeoWebNews gives no country: it comes from the GeoNames id where the gazetteer holds that place
    assert record.toponyms[1].name == "Beirut" and record.toponyms[1].country == "LBN"
    assert (record.skipped, record.dropped) == (1, 1)


def test_bad_geoparse_span_is_a_bad_line(tmp_path: Path) -> None:
    row = {"id": "x", "text": "In Paris.", "toponyms": [{"start": 0, "end": 2, "text": "Paris"}]}
    path = write_jsonl(tmp_path / "g.jsonl", [LGL_ROW, row])
    with pytest.raises(DataError) as caught:
        read_gold("geoparse", path)
    assert caught.value.code == "E701" and "g.jsonl:2" in caught.value.message
    assert len(read_gold("geoparse", path, strict=False).records) == 1
    assert {"geoparse", "event-location"} <= set(FORMATS)


# ---------------------------------------------------------------- geoparse: scoring


def test_haversine() -> None:
    assert haversine_km(48.8566, 2.3522, 51.5074, -0.1278) == pytest.approx(343.5, abs=1.0)  # Paris-London
    assert haversine_km(10.0, 20.0, 10.0, 20.0) == 0.0


def test_score_geoparse_by_hand() -> None:
    record = parse_geoparse(LGL_ROW, "t:1")
    predictions = [
        # first Alexandria: right place (same id); second: Alexandria, Egypt (far, other country)
        Location(name="Alexandria", lat=31.31, lon=-92.45, country="USA", geonameid=4314550,
                 span=Span(start=0, end=10, text="Alexandria")),
        Location(name="Alexandria", lat=31.2, lon=29.92, country="EGY", geonameid=361058,
                 span=Span(start=31, end=41, text="Alexandria")),
        place(LGL_TEXT, "Police", lat=0.0, lon=0.0),  # no gold toponym there: lowers precision
    ]
    outcomes = match_toponyms(record, predictions)
    assert [o.label for o in outcomes] == ["<=161km", ">161km", "NONE", "NONE"]
    assert outcomes[1].km is not None and outcomes[1].km > 10_000

    s = score_geoparse([record], [predictions])
    assert s["n"] == 1 and s["n_toponyms"] == 4 and s["n_found"] == 2 and s["n_predicted"] == 3
    assert s["recall"] == pytest.approx(0.5)
    assert s["precision"] == pytest.approx(2 / 3)
    assert s["f1"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3)) and s["macro_f1"] == s["f1"]
    assert s["accuracy"] == s["acc_at_161km"] == pytest.approx(0.5) and s["acc_at_161km_n"] == 2
    assert s["acc_at_161km_of_all"] == pytest.approx(1 / 3)  # 3 gold toponyms have coordinates
    assert s["geonames_id_accuracy"] == pytest.approx(0.5) and s["geonames_id_n"] == 2
    assert s["country_accuracy"] == pytest.approx(0.5) and s["country_n"] == 2
    assert s["mean_km"] == pytest.approx(outcomes[1].km / 2, rel=1e-3)
    assert s["per_class"]["toponym"]["support"] == 4
    assert s["confusion"] == {"A country": {"NONE": 1}, "P place": {"<=161km": 1, ">161km": 1}, "no gold id": {"NONE": 1}}
    kinds = {e["error"] for e in s["errors"]}
    assert kinds == {"missed", ">161km"} and len(s["errors"]) == 3
    far = next(e for e in s["errors"] if e["error"] == ">161km")
    assert "[Alexandria]" in far["text"] and "EGY" in far["predicted"] and "USA" in far["gold"]


def test_place_without_coordinates_and_partial_overlap() -> None:
    text = "Fighting in Nagorno-Karabakh region."
    row = {"text": text, "toponyms": [top(text, "Nagorno-Karabakh region", lat=39.8, lon=46.7)]}
    record = parse_geoparse(row, "t")
    near = [place(text, "Nagorno-Karabakh", lat=None, lon=None)]  # overlaps part of the gold span
    s = score_geoparse([record], [near])
    assert s["recall"] == 1.0 and s["accuracy"] == 0.0 and s["no_coordinates"] == 1 and s["mean_km"] is None
    assert s["confusion"] == {"no gold id": {"no coords": 1}}
    assert s["errors"][0]["error"] == "no coords"
    empty = score_geoparse([], [])
    assert empty["accuracy"] is None and empty["recall"] == 0.0 and empty["errors"] == []


class FakeGeoparser:
    """Answers from a text -> places table through a geoparse() method; remembers batch sizes."""

    def __init__(self, table: dict[str, list[Location]]) -> None:
        self.table = table
        self.batches: list[int] = []

    def geoparse(self, texts: Sequence[str]) -> list[list[Location]]:
        self.batches.append(len(texts))
        return [list(self.table.get(t, [])) for t in texts]


def test_evaluate_geoparse_with_a_fake_geoparser(tmp_path: Path) -> None:
    other = {"id": "lgl-2", "text": "Snow in Minnesota.", "toponyms": [top("Snow in Minnesota.", "Minnesota", lat=46.25, lon=-94.25)]}
    path = write_jsonl(tmp_path / "lgl.jsonl", [LGL_ROW, other])
    geoparser = FakeGeoparser({other["text"]: [place(other["text"], "Minnesota", lat=46.0, lon=-94.0, country="USA")]})
    result = evaluate("geoparse", path, coder=geoparser, batch_size=1)
    assert geoparser.batches == [1, 1]
    assert result.summary["n"] == 2 and result.summary["n_toponyms"] == 5 and result.summary["accuracy"] == 1.0
    assert "toponym" in result.render_table() and "| gold |" in result.render_markdown()


def test_geoparse_needs_a_pipeline_or_a_geoparse_method(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "lgl.jsonl", [LGL_ROW])
    with pytest.raises(DataError) as caught:
        evaluate("geoparse", path, coder=lambda texts: [[] for _ in texts])
    assert caught.value.code == "E709"


def test_spread_errors_takes_classes_in_turn() -> None:
    groups = {"a": [{"i": i} for i in range(6)], "b": [{"i": 10}], "c": [{"i": 20}, {"i": 21}]}
    picked = spread_errors(groups, limit=5)
    assert picked == [{"i": 0}, {"i": 20}, {"i": 10}, {"i": 3}, {"i": 21}]
    assert spread_errors({}, limit=5) == [] and len(spread_errors(groups)) == 9


def test_snippet_brackets_the_span() -> None:
    assert snippet("Police in\nAlexandria said", 10, 20, width=6) == "…ce in [Alexandria] said"


# ---------------------------------------------------------------- event-location


def loc_row(text: str, verb: str, places: list[str], **extra: object) -> dict:
    v = text.index(verb)
    return {
        "id": text[:10],
        "text": text,
        "verb": [{"start": v, "end": v + len(verb), "text": verb}],
        "event_location": [top(text, p) for p in places],
        **extra,
    }


def ev(text: str, trigger: str, *, location: str | None = None, derived_from: str = "sentence") -> Event:
    t = text.index(trigger)
    where = None
    if location is not None:
        where = Location(name=location, country="XXX", derived_from=derived_from,
                         span=Span(start=text.index(location), end=text.index(location) + len(location), text=location))
    return Event(article_id="a", sentence_index=0, sentence=Span(start=0, end=len(text), text=text),
                 trigger=Span(start=t, end=t + len(trigger), text=trigger), plover_type="ASSAULT",
                 cameo_code="190", quad_class=4, goldstein=-10.0, location=where)


def test_parse_event_location_reads_token_offsets() -> None:
    text = "The communists returned to Saigon on 25 May."
    row = loc_row(text, "returned", [])
    row["event_location"] = [{"start": 4, "end": 4, "text": ""}]  # a token index, as ~700 gold lines have
    record = parse_event_location(row, "t:1")
    assert [p.text for p in record.locations] == ["Saigon"] and record.repaired == 1
    assert text[record.locations[0].start : record.locations[0].end] == "Saigon"
    row["event_location"] = [{"start": 4, "end": 5, "text": " "}]  # blank text: token offsets too
    assert [p.text for p in parse_event_location(row, "t:1").locations] == ["Saigon"]
    cut = " McCoy was captured in March in Las Vegas."
    row = loc_row(cut, "captured", [])
    row["event_location"] = [{"start": 7, "end": 8, "text": "w"}]  # characters cutting a word: tokens [7, 8)
    assert [p.text for p in parse_event_location(row, "t:1").locations] == ["Las"]
    ega = cut.index("Vegas") + 1
    row["event_location"] = [{"start": ega, "end": ega + 3, "text": "ega"}]  # cut, and too few tokens: kept
    assert [p.text for p in parse_event_location(row, "t:1").locations] == ["ega"]
    row["event_location"] = [top(cut, "Las Vegas")]
    assert parse_event_location(row, "t:1").repaired == 0
    row["event_location"] = [{"start": 40, "end": 40, "text": ""}]
    with pytest.raises(ValueError):
        parse_event_location(row, "t:1")
    with pytest.raises(ValueError):
        parse_event_location({**row, "verb": []}, "t:1")


def test_event_for_verb() -> None:
    text = "Troops shelled Homs and bombed Idlib."
    shelled, bombed = ev(text, "shelled"), ev(text, "bombed")
    verbs = parse_event_location(loc_row(text, "bombed", ["Idlib"]), "t").verbs
    assert event_for_verb([shelled, bombed], verbs) is bombed
    assert event_for_verb([shelled], verbs) is shelled  # no trigger on the verb: the first event
    assert event_for_verb([], verbs) is None


def test_evaluate_event_location_by_hand(tmp_path: Path) -> None:
    texts = [
        "Rebels attacked Homs on Monday.",            # gold Homs, we say Homs: right
        "Rebels from Idlib attacked Hama.",           # gold Hama, we say Idlib: other place
        "The minister criticised the plan.",          # gold none, we say none: right
        "Police arrested him after a talk in Paris.", # gold none, we say Paris: wrong
        "Gunmen killed two in Kabul.",                # gold Kabul, no event at all: wrong
    ]
    rows = [
        loc_row(texts[0], "attacked", ["Homs"]),
        loc_row(texts[1], "attacked", ["Hama"]),
        loc_row(texts[2], "criticised", []),
        loc_row(texts[3], "arrested", []),
        loc_row(texts[4], "killed", ["Kabul"]),
    ]
    path = write_jsonl(tmp_path / "loc.jsonl", rows)
    table = {
        texts[0]: [ev(texts[0], "attacked", location="Homs")],
        texts[1]: [ev(texts[1], "attacked", location="Idlib")],
        texts[2]: [ev(texts[2], "criticised")],
        texts[3]: [ev(texts[3], "talk"), ev(texts[3], "arrested", location="Paris")],  # the verb's event counts
    }
    result = evaluate("event-location", path, coder=lambda batch: [list(table.get(t, [])) for t in batch])
    s = result.summary
    assert s["n"] == 5 and s["accuracy"] == pytest.approx(2 / 5) and s["f1"] == s["accuracy"]
    assert (s["gold_with_location"], s["gold_without_location"]) == (3, 2)
    assert s["accuracy_with_location"] == pytest.approx(1 / 3) and s["accuracy_without_location"] == pytest.approx(1 / 2)
    assert s["no_event"] == 1 and s["verb_matched"] == 4 and s["predicted_from"] == {"sentence": 3}
    # place: 1 right of 3 predicted places and of 3 gold places; none: 1 right of 2 predicted, 2 gold
    assert s["per_class"]["place"] == pytest.approx({"precision": 1 / 3, "recall": 1 / 3, "f1": 1 / 3, "support": 3})
    assert s["per_class"]["none"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2})
    assert s["macro_f1"] == pytest.approx((1 / 3 + 0.5) / 2)
    assert s["confusion"] == {"none": {"none": 1, "other place": 1}, "place": {"none": 1, "other place": 1, "place": 1}}
    errors = {e["error"]: e for e in s["errors"]}
    assert set(errors) == {"other place", "place where gold has none", "no event coded"}
    assert errors["other place"]["gold"] == "Hama" and "Idlib" in errors["other place"]["predicted"]
    assert errors["place where gold has none"]["trigger"] == "arrested"
    assert "[killed]" in errors["no event coded"]["text"]
    assert "place" in result.render_table()


def test_location_without_span_never_matches() -> None:
    text = "Rebels attacked Homs."
    record = parse_event_location(loc_row(text, "attacked", ["Homs"]), "t")
    event = ev(text, "attacked", location="Homs")
    event.location = event.location.model_copy(update={"span": None, "derived_from": "article"})
    assert score_event_location([record], [[event]])["confusion"] == {"place": {"other place": 1}}
    assert isinstance(record, EventLocationRecord) and ACC_KM == 161.0


# ---------------------------------------------------------------- the real gold files, end to end


@pytest.fixture(scope="module")
def pipeline():
    from dyads.pipeline import Pipeline

    return Pipeline()


@pytest.mark.slow
@needs_geo_data
@pytest.mark.parametrize(
    ("name", "limit", "finds"),
    # LGL's first five are local Louisiana stories whose towns the small NER model tags PERSON (none found today)
    [("lgl.jsonl", 5, False), ("geowebnews.jsonl", 2, True)],
)
def test_geoparse_on_real_gold(pipeline, name: str, limit: int, finds: bool) -> None:
    result = evaluate("geoparse", GEO_DIR / name, coder=pipeline, limit=limit)
    s = result.summary
    gold = read_gold("geoparse", GEO_DIR / name, limit=limit).records
    assert s["n"] == limit and s["n_toponyms"] == sum(len(r.toponyms) for r in gold) > 0
    assert isinstance(gold[0], GeoparseRecord)
    assert 0.0 <= s["recall"] <= 1.0 and 0.0 <= s["precision"] <= 1.0
    assert s["n_found"] <= s["n_toponyms"]
    if finds:
        assert s["n_predicted"] > 0 and s["n_found"] > 0  # the real place stage found something
    for key in ("accuracy", "f1", "macro_f1", "per_class", "confusion", "errors", "acc_at_161km", "mean_km",
                "country_accuracy", "geonames_id_accuracy"):
        assert key in s
    assert s["accuracy"] == s["acc_at_161km"]


@pytest.mark.slow
@needs_geo_data
def test_event_location_on_real_gold(pipeline) -> None:
    s = evaluate("event-location", GEO_DIR / "event_location_dev.jsonl", coder=pipeline, limit=5).summary
    assert s["n"] == 5 and s["gold_with_location"] + s["gold_without_location"] == 5
    assert s["accuracy"] is not None and 0.0 <= s["accuracy"] <= 1.0
    assert s["verb_matched"] >= 1  # the coder found the gold verb's event somewhere


def test_scoring_learned_places_on_the_choosers_training_sentences_says_so(monkeypatch) -> None:
    from dyads.geo import chooser_model
    from dyads.geo.chooser_model import LocationModel, text_fingerprint

    text = "Rebels attacked Homs on Monday."
    record = parse_event_location(loc_row(text, "attacked", ["Homs"]), "t:1")
    trained = LocationModel({"cand": 1.0}, meta={"texts_fingerprint": text_fingerprint([text])})
    monkeypatch.setattr(chooser_model.LocationModel, "load", classmethod(lambda cls, path=None: trained))
    learned = score_event_location([record], [[ev(text, "attacked", location="Homs", derived_from="learned")]])
    assert learned["accuracy"] == 1.0 and "training-set figure" in learned["learned_chooser"]
    assert "--cv 5" in learned["learned_chooser"]
    # the rules' places, or sentences the weights never saw, carry no such note
    assert "learned_chooser" not in score_event_location([record], [[ev(text, "attacked", location="Homs")]])
    other = "Troops shelled Idlib at dawn."
    record = parse_event_location(loc_row(other, "shelled", ["Idlib"]), "t:2")
    assert "learned_chooser" not in score_event_location([record], [[ev(other, "shelled", location="Idlib", derived_from="learned")]])


def test_the_gold_verbs_own_event_is_scored_and_set_apart() -> None:
    from dyads.evaluate.geo import GOLD_VERB_CODER

    text = "Rebels attacked Homs on Monday, and the army said it would respond in Hama."
    record = parse_event_location(loc_row(text, "attacked", ["Homs"]), "t:1")
    coded = ev(text, "said", location="Hama")  # the coder's only event is another verb's
    made = ev(text, "attacked", location="Homs").model_copy(update={"coder": GOLD_VERB_CODER})
    s = score_event_location([record], [[made, coded]])
    assert (s["accuracy"], s["accuracy_coded_events"], s["gold_verb_events"], s["verb_matched"]) == (1.0, 0.0, 1, 0)
    # a coded event on the gold verb is scored as it is
    s = score_event_location([record], [[ev(text, "attacked", location="Homs"), coded]])
    assert (s["accuracy"], s["accuracy_coded_events"], s["gold_verb_events"], s["verb_matched"]) == (1.0, 1.0, 0, 1)


def test_add_gold_verb_event_makes_the_verbs_event_only_where_none_was_coded() -> None:
    from test_actors_rules2 import parse
    from test_actors_rules4 import mention

    from dyads.evaluate.geo import GOLD_VERB_CODER, CharSpan
    from dyads.evaluate.verb_events import add_gold_verb_event
    from dyads.ontology import load_lexicon
    from dyads.stages.extensions import ensure_extensions

    ensure_extensions()
    doc = parse([("Rebels", 1, "nsubj", "NOUN"), ("shelled", 1, "ROOT", "VERB", "VBD", "shell"),
                 ("Aleppo", 1, "dobj", "PROPN"), (".", 1, "punct", "PUNCT")])  # fmt: skip
    doc._.dyads_mentions = [mention(doc, 0, 1, None, ["REB"], kind="sector"), mention(doc, 2, 3, "SYR", [])]
    doc._.dyads_events = []
    verb = [CharSpan(7, 14, "shelled")]
    made = add_gold_verb_event(doc, verb, lexicon=load_lexicon())
    assert made is not None and doc._.dyads_events == [made]
    assert (made.trigger.text, made.coder, made.quad_class) == ("shelled", GOLD_VERB_CODER, 4)
    assert [a.sectors for a in made.sources] == [["REB"]] and [a.code for a in made.targets] == ["SYR"]
    assert add_gold_verb_event(doc, verb, lexicon=load_lexicon()) is None  # an event on the verb is there now


@pytest.mark.slow
def test_cross_validation_scores_event_location_as_the_plain_pipeline_does(tmp_path: Path) -> None:
    # two "folds" that both hold the shipped classifier: the --folds path must then give the plain
    # pipeline's summary, gold-verb events included (it used to score coded events only)
    import shutil

    from dyads.config import load_config
    from dyads.evaluate.run import FoldCoder
    from dyads.pipeline import Pipeline
    from dyads.stages.classify import model_folder

    for fold in (0, 1):
        folder = tmp_path / "cv" / f"fold-{fold}"
        shutil.copytree(model_folder("default"), folder)
        meta = json.loads((folder / "dyads-model.json").read_text(encoding="utf-8"))
        (folder / "dyads-model.json").write_text(json.dumps({**meta, "folds": 2, "fold": fold}), encoding="utf-8")
    rows = [
        loc_row("A fisherman drowned near Basra on Sunday after his boat capsized.", "drowned", ["Basra"]),
        loc_row("Rebels shelled the town of Idlib on Monday, killing four people.", "shelled", ["Idlib"]),
        loc_row("The ministry said talks would resume next week.", "said", []),
    ]
    gold = tmp_path / "loc.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    pipeline = Pipeline(load_config(overrides={"classifier.role_model": "classifier"}))
    plain = evaluate("event-location", gold, coder=pipeline).summary
    folds = evaluate("event-location", gold, coder=FoldCoder(pipeline, tmp_path / "cv")).summary
    keys = ("n", "accuracy", "accuracy_coded_events", "gold_verb_events", "verb_matched")
    assert {k: folds[k] for k in keys} == {k: plain[k] for k in keys}
    assert plain["gold_verb_events"] >= 1  # "drowned" is no verb the coder codes
