"""Actor rules of the thirteenth issue #4 round, on sentences we wrote: a subject the parse joined
to a fronted phrase, ethnic groups coded where they live, a tagged phrase inside the doer's own
description, a people named alone, a state's leaders, health and NGO sector words, the PLOVER
gold records' sector names, and the sides of an attack's victims, its "when" clause and the
place it struck."""

from __future__ import annotations

import pytest
from test_actors_rules2 import parse
from test_actors_rules8 import actors as actors_with_names
from test_actors_rules4 import _event, _role, mention

from dyads.actors.dictionary import package_entries
from dyads.coder.arguments import subject_of
from dyads.evaluate.formats import normalise_sector
from dyads.evaluate.tasks import gsr_code
from dyads.records import Actor
from dyads.stages.classify import apply_roles


def actors(pipeline, text: str) -> dict[str, tuple[str | None, list[str]]]:
    """span text -> (code, sectors) of every mention."""
    return {span: coded[:2] for span, coded in actors_with_names(pipeline, text).items()}


def test_a_subject_joined_to_a_fronted_phrase_is_the_verbs_subject():
    # "With the signing , the government and the rebels have agreed ." as the small model parses it:
    # "government" a conjunct of "signing", the verb with no subject
    doc = parse([("With", 8, "prep", "ADP"), ("the", 2, "det", "DET"), ("signing", 0, "pobj", "NOUN"),
                 (",", 2, "punct", "PUNCT"), ("the", 5, "det", "DET"), ("government", 2, "conj", "NOUN"),
                 ("and", 5, "cc", "CCONJ"), ("rebels", 5, "conj", "NOUN"), ("agreed", 8, "ROOT", "VERB", "VBD", "agree"),
                 (".", 8, "punct", "PUNCT")])  # fmt: skip
    assert subject_of(doc[8]).text == "government"
    # a fronted phrase with its own verb is no subject: "After they met , agreed" is left alone
    other = parse([("After", 6, "prep", "ADP"), ("the", 2, "det", "DET"), ("talks", 0, "pobj", "NOUN"),
                   (",", 2, "punct", "PUNCT"), ("they", 5, "nsubj", "PRON"), ("said", 2, "conj", "VERB"),
                   ("agreed", 6, "ROOT", "VERB", "VBD", "agree")])  # fmt: skip
    assert subject_of(other[6]) is None


@pytest.mark.parametrize(
    ("text", "phrase", "code"),
    [
        ("Ethnic Albanian fighters operating in Macedonia laid down their weapons on Monday.", "Ethnic Albanian fighters", "MKD"),
        ("Hundreds of ethnic Turks protested against Sweden's decision to expel them.", "Hundreds of ethnic Turks", "SWE"),
        ("Ethnic Russians rallied in Moscow on Sunday.", "Ethnic Russians", "RUS"),
    ],
)
def test_an_ethnic_group_is_coded_where_it_lives(rules_pipeline, text, phrase, code):
    assert actors(rules_pipeline, text)[phrase][0] == code


def test_a_tagged_phrase_inside_the_doers_description_is_no_second_doer():
    # "Fighters loyal to Zarqawi attacked the convoy": the tagger marked "Fighters loyal" and
    # "Zarqawi" as sources; Zarqawi only says whose fighters they are
    doc = parse([("Fighters", 4, "nsubj", "NOUN"), ("loyal", 0, "amod", "ADJ"), ("to", 1, "prep", "ADP"),
                 ("Zarqawi", 2, "pobj", "PROPN"), ("attacked", 4, "ROOT", "VERB", "VBD", "attack"),
                 ("the", 6, "det", "DET"), ("convoy", 4, "dobj", "NOUN")])  # fmt: skip
    fighters, zarqawi = mention(doc, 0, 1, "IRQ", ["REB"], kind="sector"), mention(doc, 3, 4, "AQ", ["REB"], kind="person")
    doc._.dyads_mentions = [fighters, zarqawi]
    event = _event(doc, 4)
    event.sources = [fighters.actor.model_copy(deep=True)]
    apply_roles(doc, event, (_role(doc, 0, 2, "source"), _role(doc, 3, 4, "source")), sentence=doc[:], as_marked=True)
    assert [a.code for a in event.sources] == ["IRQ"]
    # a conjunct is a second doer: "Iraq and Syria attacked the convoy"
    doc = parse([("Iraq", 3, "nsubj", "PROPN"), ("and", 0, "cc", "CCONJ"), ("Syria", 0, "conj", "PROPN"),
                 ("attacked", 3, "ROOT", "VERB", "VBD", "attack"), ("the", 5, "det", "DET"), ("convoy", 3, "dobj", "NOUN")])  # fmt: skip
    iraq, syria = mention(doc, 0, 1, "IRQ", []), mention(doc, 2, 3, "SYR", [])
    doc._.dyads_mentions = [iraq, syria]
    event = _event(doc, 3)
    event.sources = [iraq.actor.model_copy(deep=True)]
    apply_roles(doc, event, (_role(doc, 0, 1, "source"), _role(doc, 2, 3, "source")), sentence=doc[:], as_marked=True)
    assert [a.code for a in event.sources] == ["IRQ", "SYR"]


@pytest.mark.parametrize(
    ("text", "phrase", "sectors"),
    [
        ("The Palestinians rejected the proposal on Friday.", "The Palestinians", []),
        ("Thousands of Palestinians marched in Gaza on Friday.", "Thousands of Palestinians", ["CVL"]),
        ("Young Algerians blocked roads in the capital.", "Young Algerians", ["CVL"]),
    ],
)
def test_a_people_named_alone_is_its_nation_and_a_crowd_is_civilians(rules_pipeline, text, phrase, sectors):
    assert actors(rules_pipeline, text)[phrase][1] == sectors


@pytest.mark.parametrize(
    ("text", "phrase", "coded"),
    [
        ("Palestinian leaders said they would boycott the talks.", "Palestinian leaders", ("PSE", ["GOV"])),
        ("Former Iraqi leader Ayad Allawi criticised the plan.", "Former Iraqi leader Ayad Allawi", ("IRQ", ["ELI"])),
        ("Opposition leaders in Kenya called for a strike.", "Opposition leaders in Kenya", ("KEN", ["OPP"])),
        ("Swiss doctors handed over medicine to the clinic.", "Swiss doctors", ("CHE", ["HLH"])),
        ("An Egyptian human rights group condemned the arrests.", "An Egyptian human rights group", ("EGY", ["NGO"])),
        ("Algerian landowners began a hunger strike.", "Algerian landowners", ("DZA", ["CVL"])),
    ],
)
def test_leaders_and_new_sector_words(rules_pipeline, text, phrase, coded):
    assert actors(rules_pipeline, text)[phrase] == coded


def test_the_gold_records_sector_names_and_national_ngos():
    # PLOVER writes JRN for journalists and MED for medical workers; CAMEO, and dyads, MED and HLH
    assert (normalise_sector("JRN"), normalise_sector("MED"), normalise_sector("CVLalb")) == ("MED", "HLH", "CVL")
    assert gsr_code(Actor(code="EGY", sectors=["NGO"])) == "EGY"  # a national NGO keeps its country
    assert gsr_code(Actor(code=None, sectors=["NGO"])) == "NGO"  # "a human rights group"
    assert gsr_code(Actor(code="AMN", sectors=["NGO"])) == "IGO"  # a named international one
    assert "HLH" in next(e for e in package_entries() if e.code == "ICRC").sectors


def _event_with(pipeline, text: str, trigger: str):
    doc = pipeline.nlp(text)
    return next(e for e in doc._.dyads_events if e.trigger.text == trigger)


def test_an_attacks_victims_and_its_when_clause_take_the_attack_sides(rules_pipeline):
    # civilians struck in Kharkiv are Ukrainian, though "Russian forces" gave the article's context
    killing = _event_with(rules_pipeline, "Russian forces shelled the city of Kharkiv on Tuesday, killing three civilians.", "killing")
    assert [(a.code, a.sectors) for a in killing.targets] == [("UKR", ["CVL"])]
    # the doer of "were killed" is the shelling's, told in its "when" clause (was UKR UAF from the place)
    killed = _event_with(rules_pipeline, "Three civilians were killed when Russian troops shelled Kharkiv on Tuesday.", "killed")
    assert [(a.code, a.sectors) for a in killed.sources] == [("RUS", ["MIL"])]
    # civilians named with their own country keep it
    own = _event_with(rules_pipeline, "Israeli troops killed two Palestinian civilians in Jenin on Monday.", "killed")
    assert [a.code for a in own.targets] == ["PSE"]


@pytest.mark.slow
def test_the_when_clause_doer_does_not_wait_for_a_place():
    # with the learned place chooser, which places "were killed" nowhere, the doer still comes
    # from the "when" clause (it used to be looked for only on events with a sentence place)
    from dyads import Pipeline, load_config

    learned = Pipeline(load_config(overrides={"classifier.model": "none"}))
    killed = _event_with(learned, "Three civilians were killed when Russian troops shelled Kharkiv on Tuesday.", "killed")
    assert [(a.code, a.sectors) for a in killed.sources] == [("RUS", ["MIL"])]


def test_an_uncoded_target_holding_the_attacks_place_is_that_country():
    from test_evaluate_geo import ev

    from dyads.coder.perpetrator import _is_the_place
    from dyads.records import Span

    text = "Russian forces shelled the city of Kharkiv."
    event = ev(text, "shelled", location="Kharkiv")  # an ASSAULT placed at "Kharkiv"
    target = Actor(name="the city of Kharkiv", span=Span(start=23, end=42, text="the city of Kharkiv"))
    assert _is_the_place(target, event)
    assert not _is_the_place(Actor(name="Russian", span=Span(start=0, end=7, text="Russian")), event)
    assert not _is_the_place(target, event.model_copy(update={"quad_class": 3}))  # no attack: no place struck


@pytest.mark.slow
def test_a_leaders_name_inside_a_place_name_is_no_mention_of_the_leader(rules_pipeline):
    # "Saleh" is a listed Yemeni president and "Al-Assad" the Syrian one; inside the names of a
    # mosque and a suburb they are neither
    for text, place in [
        ("Turkish shells struck the Nabi Saleh Mosque on Monday.", "Nabi Saleh Mosque"),
        ("The army attacked the Al-Assad Suburb on Monday.", "Al-Assad Suburb"),
    ]:
        doc = rules_pipeline.nlp(text)
        assert all(m.kind != "person" for m in doc._.dyads_mentions), text
        assert any(t.text.endswith(place.split()[-1]) for t in rules_pipeline.nlp.get_pipe("dyads_places").toponyms(doc))
    # the leader himself still is
    doc = rules_pipeline.nlp("President Bashar al-Assad met the envoy on Monday.")
    assert [m.actor.name for m in doc._.dyads_mentions if m.kind == "person"] == ["Bashar al-Assad"]
