"""Reported obligations are demands; an unnamed doer is placed; a passive's subject is no doer.

Sentences written by us. The rules (:mod:`dyads.coder.demand`, :mod:`dyads.coder.perpetrator`,
``_voice_role`` in :mod:`dyads.stages.classify`) are CAMEO conventions, documented in
docs/ontology.md and docs/actors.md.
"""

from __future__ import annotations

import pytest
from test_store import make_article, make_event

from dyads.classifier.model import RoleSpan
from dyads.coder.demand import demand_code
from dyads.coder.perpetrator import implied_source, uncoded_home
from dyads.ontology import cameo
from dyads.records import Actor, Location, Span, main_event
from dyads.stages.classify import apply_roles


@pytest.mark.parametrize(
    ("act", "demand"),
    [("040", "106"), ("043", "106"), ("057", "102"), ("061", "101"), ("070", "103"), ("085", "105"),
     ("0874", "105"), ("083", "104"), ("190", "100"), ("", "100")],
)
def test_the_demand_for_each_kind_of_act(act: str, demand: str) -> None:
    assert demand_code(act) == demand
    assert cameo(demand).plover_type == "REQUEST" and cameo(demand).quad_class == 3


def _codes(actors: list[Actor]) -> list[str | None]:
    return [a.code for a in actors]


@pytest.mark.parametrize(
    ("sentence", "cue", "code", "speaker", "addressee"),
    [
        ("The foreign minister of Norway said on Monday that Syria must withdraw its troops from Lebanon.", "said", "105", "NOR", "SYR"),
        ("A senior British minister reiterated that Libya must hand over the two suspects.", "reiterated", "105", "GBR", "LBY"),
        ("The White House declared on Tuesday that China must drop its barriers to American exports.", "declared", "100", "USA", "CHN"),
        # the obligation as the content of a message its sender delivers
        ("The French president issued a stern reminder on Saturday to Iraq that it must cooperate with the inspectors.",
         "reminder", "101", "FRA", "IRQ"),
    ],
)
def test_said_someone_must_act_is_a_demand(rules_pipeline, sentence, cue, code, speaker, addressee) -> None:
    (events,) = rules_pipeline.code_texts([sentence])
    demand = events[0]  # the demand is the sentence's main event
    assert (demand.trigger.text, demand.plover_type, demand.cameo_code) == (cue, "REQUEST", code)
    assert _codes(demand.sources) == [speaker] and _codes(demand.targets) == [addressee]
    assert demand.attribution.status == "asserted"
    assert not any(e.statement_only and e.trigger.text == cue for e in events)  # no bare "said" beside it
    # the act demanded, where the lexicon knows it, stays coded and is not said to have happened
    assert all(e.attribution.status == "hypothetical" for e in events[1:])


@pytest.mark.parametrize(
    "sentence",
    [
        "France said on Tuesday that it must send more troops to Mali.",  # the speaker obliges itself
        "The Iranian foreign minister said that the United States should lift its sanctions.",  # advice
        "Syria must withdraw its troops from Lebanon.",  # nobody says so
    ],
)
def test_no_demand_without_a_speaker_obliging_another(rules_pipeline, sentence) -> None:
    (events,) = rules_pipeline.code_texts([sentence])
    assert events and not any(e.plover_type == "REQUEST" for e in events)


@pytest.mark.parametrize(
    ("sentence", "trigger", "code", "sectors"),
    [
        ("A roadside bomb near the city of Mosul killed two soldiers on Sunday.", "killed", "IRQ", ["UAF"]),
        ("Two police officers were shot dead in Peshawar late on Friday.", "shot", "PAK", ["UAF"]),
        ("An Italian journalist was arrested in Egypt on Tuesday.", "arrested", "EGY", []),
    ],
)
def test_an_unnamed_doer_is_the_place_of_the_act(rules_event, sentence, trigger, code, sectors) -> None:
    event = rules_event(sentence, trigger)
    assert [(a.code, a.sectors) for a in event.sources] == [(code, sectors)]
    assert event.sources[0].span is not None and event.sources[0].span.text in sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "Russian jets bombed a market in Idlib on Monday.",  # the doer is named
        "The opposition leader was arrested by police in Nairobi on Friday.",  # "by police": not the state at large
        "Two soldiers were killed on Sunday.",  # no place
    ],
)
def test_no_implied_doer_where_the_text_names_one_or_no_place(rules_pipeline, sentence) -> None:
    (events,) = rules_pipeline.code_texts([sentence])
    assert events
    assert not any("UAF" in a.sectors for e in events for a in e.sources)
    assert not any(a.span is not None and a.span.text in {"Nairobi"} for e in events for a in e.sources)


def test_only_a_place_of_the_sentence_implies_a_doer() -> None:
    article = make_article(7)
    event = make_event(article, cameo="190", plover="ASSAULT", quad=4).model_copy(update={"sources": []})
    place = Location(name="Mosul", country="IRQ", span=Span(start=0, end=5, text="Mosul"), derived_from="sentence")
    implied = implied_source(None, event.model_copy(update={"location": place}))
    assert implied is not None and (implied.code, implied.sectors) == ("IRQ", ["UAF"])
    inherited = place.model_copy(update={"derived_from": "article"})
    assert implied_source(None, event.model_copy(update={"location": inherited})) is None
    named = event.model_copy(update={"location": place, "sources": [Actor(code="SYR", sectors=["MIL"])]})
    assert implied_source(None, named) is None


def _phrase(text: str, words: str, role: str) -> RoleSpan:
    start = text.index(words)
    return RoleSpan(start, start + len(words), role, 0.9)


def test_the_role_head_cannot_make_a_passive_subject_the_doer(rules_pipeline) -> None:
    text = "An Italian journalist was arrested by the Egyptian police on Tuesday."
    doc = rules_pipeline.nlp(text)
    event = next(e for e in doc._.dyads_events if e.trigger.text == "arrested")
    assert _codes(event.sources) == ["EGY"] and _codes(event.targets) == ["ITA"]
    wrong = (_phrase(text, "An Italian journalist", "source"), _phrase(text, "the Egyptian police", "target"))
    apply_roles(doc, event, wrong, sentence=next(doc.sents), fill_threshold=0.5)
    assert _codes(event.sources) == ["EGY"] and _codes(event.targets) == ["ITA"]


def test_a_stative_participle_keeps_its_subject_as_the_doer(rules_pipeline) -> None:
    text = "Israel is opposed to French mediation in the talks with Syria."
    doc = rules_pipeline.nlp(text)
    event = next(e for e in doc._.dyads_events if e.trigger.text == "opposed")
    apply_roles(doc, event, (_phrase(text, "Israel", "source"),), sentence=next(doc.sents), fill_threshold=0.5)
    assert "ISR" in _codes(event.sources)


@pytest.mark.parametrize(
    ("sentence", "trigger", "role", "code"),
    [
        ("About 200 ethnic Serbs protested in Croatia on Sunday against the new law.", "protested", "sources", "HRV"),
        ("Serbian police detained three ethnic Albanians in Macedonia.", "detained", "targets", "MKD"),
    ],
)
def test_an_ethnic_minority_is_coded_where_it_lives(rules_event, sentence, trigger, role, code) -> None:
    event = rules_event(sentence, trigger)
    assert code in _codes(getattr(event, role))


def test_a_people_in_its_own_state_keeps_its_code(rules_event) -> None:
    event = rules_event("Thousands of Serbs protested in Belgrade against the government.", "protested")
    assert _codes(event.sources) == ["SRB"]


@pytest.mark.parametrize(
    ("sentence", "code", "sectors"),
    [
        ("UNITA rebels shelled the city of Kuito on Monday.", "AGO", ["REB"]),
        ("Kosovo Liberation Army fighters ambushed a Serbian police patrol.", "XKX", ["REB"]),
        ("The Lord's Resistance Army abducted dozens of children in northern Uganda.", "UGA", ["REB"]),
        ("The Asia-Pacific Economic Cooperation forum agreed to set up a trade office in Lima.", "APEC", ["IGO"]),
    ],
)
def test_more_armed_groups_and_igos_are_known(rules_pipeline, sentence, code, sectors) -> None:
    (events,) = rules_pipeline.code_texts([sentence])
    assert [(a.code, a.sectors) for a in events[0].sources] == [(code, sectors)]


@pytest.mark.parametrize(
    ("sentence", "trigger", "code"),
    [
        ("Thousands of workers began an open-ended strike on Monday.", "strike", "143"),
        ("Thousands of workers began a four-day strike over pay.", "strike", "143"),
        ("Farmers blocked the main highway into the capital for six hours.", "blocked", "144"),
        ("The teachers' union called off its strike after talks with the government.", "called", "082"),
        ("Israeli jets carried out a strike on a weapons depot near Damascus.", "strike", "195"),
    ],
)
def test_strikes_and_blockades_of_roads(rules_pipeline, sentence, trigger, code) -> None:
    """A work stoppage is a protest (143), not an attack; so is blocking a road (144);
    calling off a strike eases dissent (082)."""
    (events,) = rules_pipeline.code_texts([sentence])
    main = main_event(events)
    assert main is not None and (main.trigger.text, main.cameo_code) == (trigger, code)


@pytest.mark.parametrize(
    ("sentence", "trigger", "code", "intended"),
    [
        ("Rebel leaders vowed to attack the capital within a week.", "vowed", "138", "190"),
        ("Nigeria announced that it will withdraw its peacekeeping force from Chad unless the president agrees to a ceasefire.",
         "withdraw", "139", "087"),
        ("The interim government said it is prepared to impose martial law in the capital.", "impose", "137", "172"),
        ("NATO confirmed on Wednesday it would tighten the naval blockade of the port.", "tighten", "138", "191"),
    ],
)
def test_vows_ultimatums_and_readiness_are_threats(rules_pipeline, sentence, trigger, code, intended) -> None:
    """"vowed to attack" is a threat of force (138), "will withdraw ... unless" an ultimatum
    (139), "prepared to impose martial law" a threat of repression (137); the act is kept in
    ``intended_code``."""
    (events,) = rules_pipeline.code_texts([sentence])
    main = main_event(events)
    assert main is not None and (main.trigger.text, main.cameo_code, main.intended_code) == (trigger, code, intended)
    assert main.plover_type == "THREATEN"


def test_an_offer_on_a_condition_is_no_ultimatum(rules_pipeline) -> None:
    (events,) = rules_pipeline.code_texts(["Japan will send aid to Myanmar if the junta allows access."])
    assert not any(e.cameo_code == "139" for e in events)
    assert not any(e.plover_type == "THREATEN" for e in events)


@pytest.mark.parametrize(
    ("sentence", "trigger", "code", "intended"),
    [
        ("The European Community may halt its mediation if the fighting goes on.", "halt", "131", "165"),
        ("Israel will strike Gaza if the rocket fire continues.", "strike", "138", "194"),
    ],
)
def test_a_conflict_act_on_a_condition_is_a_threat(rules_pipeline, sentence, trigger, code, intended) -> None:
    """"may halt its mediation if ...": a conflict act its doer says it will or may do if another
    acts threatens it (13x by the act's kind), as "unless" gives an ultimatum."""
    (events,) = rules_pipeline.code_texts([sentence])
    event = next(e for e in events if e.trigger.text == trigger)
    assert (event.cameo_code, event.intended_code, event.plover_type) == (code, intended, "THREATEN")


@pytest.mark.parametrize(
    ("sentence", "trigger", "code"),
    [
        ("Police prevented the demonstration planned by students outside parliament.", "prevented", "172"),
        ("The court cancelled restrictions on the use of minority languages on national radio.", "cancelled", "081"),
        ("The governor shortened the nightly curfew by one hour.", "shortened", "081"),
    ],
)
def test_preventing_protests_and_easing_restrictions(rules_pipeline, sentence, trigger, code) -> None:
    (events,) = rules_pipeline.code_texts([sentence])
    main = main_event(events)
    assert main is not None and (main.trigger.text, main.cameo_code) == (trigger, code)


def test_an_uncoded_actor_takes_the_country_of_its_events_place() -> None:
    from dyads.stages.compound import CompoundEvents

    article = make_article(8)
    prisoners = Actor(span=Span(start=0, end=9, text="Prisoners"))
    place = Location(name="Dili", country="TLS", span=Span(start=40, end=44, text="Dili"), derived_from="sentence")
    event = make_event(article, cameo="145", plover="PROTEST", quad=3).model_copy(
        update={"sources": [prisoners.model_copy()], "location": place}
    )
    uncoded_home(_doc_without_mentions(), event, is_country=CompoundEvents().is_country)
    assert event.sources[0].code == "TLS"
    # a place the sentence does not name (the article's) says nothing of who
    inherited = place.model_copy(update={"derived_from": "article"})
    other = make_event(article, cameo="145", plover="PROTEST", quad=3).model_copy(
        update={"sources": [Actor(span=prisoners.span)], "location": inherited}
    )
    uncoded_home(_doc_without_mentions(), other, is_country=CompoundEvents().is_country)
    assert other.sources[0].code is None
    # a phrase that names no one (a thing or a word taken for an actor) is left alone
    not_someone = Actor(span=Span(start=10, end=16, text="rioted"))
    thing = make_event(article, cameo="145", plover="PROTEST", quad=3).model_copy(update={"sources": [not_someone], "location": place})
    uncoded_home(_doc_without_mentions(), thing, is_country=CompoundEvents().is_country)
    assert thing.sources[0].code is None


def _doc_without_mentions():
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from dyads.stages import extensions  # noqa: F401 - registers the Doc._ attributes

    return Doc(Vocab(), words=["Prisoners", "rioted", "."])


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("Lt. Gen. Prosper Avril resigned yesterday to allow Haiti's first democratic elections to take place.", "HTI"),
        ("Lt. Gen. Prosper Avril resigned yesterday to please French and Chadian diplomats.", None),  # two countries: no guess
    ],
)
def test_an_uncoded_actor_takes_the_one_country_its_sentence_names(rules_event, sentence, code) -> None:
    resigned = rules_event(sentence, "resigned")
    assert [a.code for a in resigned.sources] == [code]


@pytest.mark.parametrize(
    ("sentence", "trigger", "plover", "target"),
    [
        # the owner of the thing a verb's lexicon entry names as its object
        ("Bangladesh has once again rejected an Indian proposal for a free trade agreement.", "rejected", "REJECT", "IND"),
        ("Iran today rejected Iraqi President Saddam Hussein's proposal for a cease-fire.", "rejected", "REJECT", "IRQ GOV"),
        ("Chile rejected a peace plan from Peru on Monday.", "rejected", "REJECT", "PER"),
        # whom a protest's purpose clause names
        ("Up to 300 farmers began a hunger strike on Monday to protest against Sweden's decision to close the border.", "strike", "PROTEST", "SWE"),
        ("A member of the Syrian parliament started a hunger strike to protest President Assad's failure to reform.", "strike", "PROTEST", "SYR GOV"),
        ("Thousands of students staged demonstrations to demand reforms from the Indonesian government.", "demonstrations", "PROTEST", "IDN GOV"),
    ],
)
def test_targets_from_an_objects_owner_and_a_protests_purpose(rules_event, sentence, trigger, plover, target) -> None:
    event = rules_event(sentence, trigger)
    assert event.plover_type == plover and [a.label for a in event.targets] == [target]


@pytest.mark.parametrize(
    ("sentence", "trigger", "targets"),
    [
        ("Rebels surrendered in Afghanistan's northern Faryab province.", "surrendered", ["AFG"]),  # an act on the ground
        ("The prime minister said in Delhi that the talks would continue.", "said", []),  # a statement
        ("Russian President Vladimir Putin spoke in Moscow on Monday.", "spoke", []),  # a verbal act
    ],
)
def test_only_a_material_act_targets_the_place_it_happens_in(rules_event, sentence, trigger, targets) -> None:
    event = rules_event(sentence, trigger)
    assert [a.code for a in event.targets] == targets


def test_a_conclusion_reports_what_it_concludes(rules_pipeline) -> None:
    """"Investigators concluded that Iran had attacked the tanker": the attack is their claim."""
    (events,) = rules_pipeline.code_texts(["Investigators concluded that Iran had attacked the tanker."])
    attack = next(e for e in events if e.trigger.text == "attacked")
    assert attack.attribution is not None and attack.attribution.status == "claimed"


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("A human rights group charged that police beat the prisoners.", "112"),
        ("Border agents abused the migrants, a human rights organization charged on Saturday.", "112"),
        ("Prosecutors charged the former minister with treason.", "173"),
        ("Three men were charged with murder in Kenya.", "173"),
    ],
)
def test_charging_with_no_object_is_an_allegation(rules_pipeline, sentence, code) -> None:
    """"a rights group charged that ..." alleges (112); it was coded a legal charge (173, an arrest
    of no one), which "charged the minister with treason" still is."""
    (events,) = rules_pipeline.code_texts([sentence])
    assert next(e for e in events if e.trigger.text == "charged").cameo_code == code


@pytest.mark.parametrize(
    ("sentence", "trigger", "code"),
    [
        ("Israel and the Palestinians reached a consensus to exchange information on water.", "reached", "030"),
        ("Egypt and Sudan reached an understanding on the dam.", "reached", "030"),
        ("The Arab League envoy undertook a mediation mission between Syria and Lebanon.", "undertook", "045"),
        ("The French president gave a warm welcome to the South African president on Thursday.", "gave", "043"),
    ],
)
def test_consensus_and_mediation_missions(rules_pipeline, sentence, trigger, code) -> None:
    """A consensus reached is agreement (030, not a signed accord 057); a mediation mission
    undertaken is mediation (045, not a bare undertaking 030); a welcome given hosts a visit (043)."""
    (events,) = rules_pipeline.code_texts([sentence])
    assert next(e for e in events if e.trigger.text == trigger).cameo_code == code


def test_a_counterpart_takes_no_country_from_its_sentence(rules_pipeline) -> None:
    """"called his counterpart": the other side's holder of the post, so neither the sentence's
    country nor the possessor's (it was IND here)."""
    (events,) = rules_pipeline.code_texts(["The Indian foreign minister called his counterpart on Monday."])
    event = next(e for e in events if e.trigger.text == "called")
    assert [a.code for a in event.sources] == ["IND"]
    assert [(a.code, a.sectors) for a in event.targets] == [(None, ["GOV"])]
