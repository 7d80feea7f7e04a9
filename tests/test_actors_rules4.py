"""Span rules of the fourth issue #4 round (targets first): people objects, place phrases after
an object, civilians that are no side's forces, counted groups, bracketed acronyms, and the role
head's phrases against the rules' fuller spans. Each on a sentence we wrote with a hand-built
parse (no model needed)."""

from __future__ import annotations

from spacy.tokens import Doc
from test_actors_rules2 import parse
from test_classifier import rule_event

from dyads.actors import find_mentions
from dyads.classifier import RoleSpan
from dyads.coder.arguments import argument_span, people_object, verb_arguments
from dyads.records import Actor, Event, Mention, Span
from dyads.stages.classify import apply_roles
from dyads.stages.extensions import ensure_extensions

ensure_extensions()


def mention(
    doc: Doc,
    start: int,
    end: int,
    code: str | None,
    sectors: list[str],
    kind: str = "country",
) -> Mention:
    span = doc[start:end]
    actor = Actor(
        code=code,
        sectors=sectors,
        span=Span(start=span.start_char, end=span.end_char, text=span.text),
    )
    return Mention(start=start, end=end, head=end - 1, kind=kind, actor=actor)


def finder(mentions: list[Mention]):
    return lambda token: [m for m in mentions if m.start <= token.i < m.end]


def targets_of(
    doc: Doc, verb: int, mentions: list[Mention]
) -> list[tuple[str | None, str]]:
    _, targets = verb_arguments(doc[verb], find=finder(mentions), target_preps=())
    return [(m.actor.code, m.actor.span.text if m.actor.span else "") for m in targets]


def test_an_object_of_people_without_an_actor_is_the_target():
    # "Police detained several suspects": no actor in the object, still the event's target
    doc = parse([("Police", 1, "nsubj", "NOUN"), ("detained", 1, "ROOT", "VERB", "VBD", "detain"),
                 ("several", 3, "amod", "ADJ"), ("suspects", 1, "dobj", "NOUN")])  # fmt: skip
    assert targets_of(doc, 1, [mention(doc, 0, 1, None, ["COP"], kind="sector")]) == [
        (None, "several suspects")
    ]


def test_a_counted_group_of_people_placed_in_a_capital_takes_its_country():
    # "Police detained dozens of demonstrators in Yerevan": the people, with where they were
    doc = parse([("Police", 1, "nsubj", "NOUN"), ("detained", 1, "ROOT", "VERB", "VBD", "detain"),
                 ("dozens", 1, "dobj", "NOUN"), ("of", 2, "prep", "ADP"), ("demonstrators", 3, "pobj", "NOUN"),
                 ("in", 1, "prep", "ADP"), ("Yerevan", 5, "pobj", "PROPN")])  # fmt: skip
    yerevan = mention(doc, 6, 7, "ARM", ["GOV"], kind="capital")
    assert targets_of(doc, 1, [yerevan]) == [
        ("ARM", "dozens of demonstrators in Yerevan")
    ]
    # a place phrase that codes no country stays out of the span
    found = people_object(doc[1], finder([]), direct_only=True)
    assert [(m.actor.code, m.actor.span.text) for m in found] == [
        (None, "dozens of demonstrators")
    ]


def test_people_reached_by_to_are_the_target():
    # "The Red Cross gave aid to about 550 households"
    doc = parse([("The", 2, "det", "DET"), ("Red", 2, "compound", "PROPN"), ("Cross", 3, "nsubj", "PROPN"),
                 ("gave", 3, "ROOT", "VERB", "VBD", "give"), ("aid", 3, "dobj", "NOUN"), ("to", 3, "prep", "ADP"),
                 ("about", 7, "advmod", "ADV"), ("550", 8, "nummod", "NUM"), ("households", 5, "pobj", "NOUN")])  # fmt: skip
    assert targets_of(doc, 3, [mention(doc, 0, 3, "ICRC", ["NGO"])]) == [
        (None, "about 550 households")
    ]


def test_an_object_that_is_no_people_gets_no_uncoded_target():
    # "Police seized several weapons": things are no target of their own
    doc = parse([("Police", 1, "nsubj", "NOUN"), ("seized", 1, "ROOT", "VERB", "VBD", "seize"),
                 ("several", 3, "amod", "ADJ"), ("weapons", 1, "dobj", "NOUN")])  # fmt: skip
    assert targets_of(doc, 1, []) == []


def test_civilians_of_the_same_country_are_no_forces_of_the_source():
    # "Armenian police detained protesters in Yerevan": the protesters (ARM CVL) stay the target,
    # with their place phrase; the "own forces" rule (target the place) is for troops only
    doc = parse([("Armenian", 1, "amod", "ADJ"), ("police", 2, "nsubj", "NOUN"),
                 ("detained", 2, "ROOT", "VERB", "VBD", "detain"), ("protesters", 2, "dobj", "NOUN"),
                 ("in", 2, "prep", "ADP"), ("Yerevan", 4, "pobj", "PROPN")])  # fmt: skip
    mentions = [mention(doc, 0, 2, "ARM", ["COP"]), mention(doc, 3, 4, "ARM", ["CVL"], kind="sector"),
                mention(doc, 5, 6, "ARM", ["GOV"], kind="capital")]  # fmt: skip
    _, targets = verb_arguments(doc[2], find=finder(mentions), target_preps=())
    assert [(m.actor.label, m.actor.span.text) for m in targets] == [
        ("ARM CVL", "protesters in Yerevan")
    ]


def test_troops_of_the_source_still_give_way_to_the_place_they_move_to():
    # "Kenya will send its troops to Somalia": the third round's rule keeps working
    doc = parse([("Kenya", 2, "nsubj", "PROPN"), ("will", 2, "aux", "AUX"), ("send", 2, "ROOT", "VERB", "VB", "send"),
                 ("its", 4, "poss", "PRON"), ("troops", 2, "dobj", "NOUN"), ("to", 2, "prep", "ADP"),
                 ("Somalia", 5, "pobj", "PROPN")])  # fmt: skip
    mentions = [
        mention(doc, 0, 1, "KEN", []),
        mention(doc, 3, 5, "KEN", ["MIL"], kind="sector"),
        mention(doc, 6, 7, "SOM", []),
    ]
    assert targets_of(doc, 2, mentions) == [("SOM", "Somalia")]


def test_argument_phrase_takes_a_bracketed_acronym():
    # "a warning to Lesotho Defence Force ( LDF )"
    doc = parse([("a", 1, "det", "DET"), ("warning", 1, "ROOT", "NOUN"), ("to", 1, "prep", "ADP"),
                 ("Lesotho", 5, "compound", "PROPN"), ("Defence", 5, "compound", "PROPN"), ("Force", 2, "pobj", "PROPN"),
                 ("(", 5, "punct", "PUNCT"), ("LDF", 5, "appos", "PROPN"), (")", 5, "punct", "PUNCT")])  # fmt: skip
    start, end = argument_span(doc[5])
    assert doc[start:end].text == "Lesotho Defence Force ( LDF )"


def test_a_count_of_people_is_marked_with_the_actor(actors):
    # "The army killed dozens of Islamic State fighters": the count belongs to the target phrase
    doc = parse([("The", 1, "det", "DET"), ("army", 2, "nsubj", "NOUN"), ("killed", 2, "ROOT", "VERB", "VBD", "kill"),
                 ("dozens", 2, "dobj", "NOUN"), ("of", 3, "prep", "ADP"), ("Islamic", 6, "compound", "PROPN"),
                 ("State", 7, "compound", "PROPN"), ("fighters", 4, "pobj", "NOUN")])  # fmt: skip
    spans = {
        doc[m.start : m.end].text: m.actor.span.text
        for m in find_mentions(doc, actors, context_country=False)
    }
    assert spans["Islamic State fighters"] == "dozens of Islamic State fighters"


def _event(doc: Doc, trigger: int) -> Event:
    token = doc[trigger]
    return rule_event("112").model_copy(
        update={
            "sentence": Span(start=0, end=len(doc.text), text=doc.text),
            "trigger": Span(
                start=token.idx, end=token.idx + len(token.text), text=token.text
            ),
        }
    )


def _role(doc: Doc, start: int, end: int, role: str) -> RoleSpan:
    return RoleSpan(
        doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text), role, 0.9
    )


def test_a_role_phrase_cut_inside_brackets_is_closed():
    # "Rwanda accused the Central African Republic ( CAR )": the role head stopped before ")"
    doc = parse([("Rwanda", 1, "nsubj", "PROPN"), ("accused", 1, "ROOT", "VERB", "VBD", "accuse"),
                 ("the", 5, "det", "DET"), ("Central", 5, "compound", "PROPN"), ("African", 5, "compound", "PROPN"),
                 ("Republic", 1, "dobj", "PROPN"), ("(", 5, "punct", "PUNCT"), ("CAR", 5, "appos", "PROPN"),
                 (")", 5, "punct", "PUNCT")])  # fmt: skip
    doc._.dyads_mentions = [
        mention(doc, 0, 1, "RWA", []),
        mention(doc, 3, 6, "CAF", []),
    ]
    event = _event(doc, 1)
    apply_roles(
        doc,
        event,
        (_role(doc, 0, 1, "source"), _role(doc, 2, 8, "target")),
        sentence=doc[:],
    )
    assert [(a.code, a.span.text) for a in event.targets] == [
        ("CAF", "the Central African Republic ( CAR )")
    ]


def test_the_rules_fuller_span_outlives_a_shorter_role_phrase():
    # "Trump called President Recep Erdogan of Turkey": the rules marked the title and the
    # country phrase; the role head tagged only the name
    doc = parse([("Trump", 1, "nsubj", "PROPN"), ("called", 1, "ROOT", "VERB", "VBD", "call"),
                 ("President", 4, "compound", "PROPN"), ("Recep", 4, "compound", "PROPN"), ("Erdogan", 1, "dobj", "PROPN"),
                 ("of", 4, "prep", "ADP"), ("Turkey", 5, "pobj", "PROPN")])  # fmt: skip
    trump, erdogan = (
        mention(doc, 0, 1, "USA", ["GOV"]),
        mention(doc, 2, 7, "TUR", ["GOV"], kind="person"),
    )
    doc._.dyads_mentions = [trump, erdogan]
    event = _event(doc, 1)
    event.sources, event.targets = (
        [trump.actor.model_copy(deep=True)],
        [erdogan.actor.model_copy(deep=True)],
    )
    apply_roles(
        doc,
        event,
        (_role(doc, 0, 1, "source"), _role(doc, 3, 5, "target")),
        sentence=doc[:],
    )
    assert [a.span.text for a in event.targets] == ["President Recep Erdogan of Turkey"]
    # a role phrase wider than the rules' span still sets it
    short = _event(doc, 1)
    short.targets = [mention(doc, 4, 5, "TUR", ["GOV"]).actor]
    apply_roles(doc, short, (_role(doc, 2, 5, "target"),), sentence=doc[:])
    assert [a.span.text for a in short.targets] == ["President Recep Erdogan"]


def test_a_person_keeps_the_role_phrase_not_the_place_of_the_meeting():
    # "Netanyahu will meet President Macron in Paris": the rules' span ran on into the meeting's
    # place; the role head's "President Macron" is kept
    doc = parse([("Netanyahu", 2, "nsubj", "PROPN"), ("will", 2, "aux", "AUX"), ("meet", 2, "ROOT", "VERB", "VB", "meet"),
                 ("President", 4, "compound", "PROPN"), ("Macron", 2, "dobj", "PROPN"), ("in", 4, "prep", "ADP"),
                 ("Paris", 5, "pobj", "PROPN")], ents=["B-PERSON", "O", "O", "O", "B-PERSON", "O", "B-GPE"])  # fmt: skip
    netanyahu, macron = (
        mention(doc, 0, 1, "ISR", ["GOV"], kind="person"),
        mention(doc, 3, 7, "FRA", ["GOV"], kind="person"),
    )
    doc._.dyads_mentions = [netanyahu, macron]
    event = _event(doc, 2)
    event.sources, event.targets = (
        [netanyahu.actor.model_copy(deep=True)],
        [macron.actor.model_copy(deep=True)],
    )
    apply_roles(
        doc,
        event,
        (_role(doc, 0, 1, "source"), _role(doc, 3, 5, "target")),
        sentence=doc[:],
    )
    assert [a.span.text for a in event.targets] == ["President Macron"]


def test_journalists_or_aid_workers_held_are_the_target_not_the_capital_they_are_in():
    # "Turkish police detained three journalists in Ankara": journalists of the police's own country
    # are no forces of theirs, so the act is on them (TUR MED), not on the place (TUR GOV, the capital)
    doc = parse([("Turkish", 1, "amod", "ADJ"), ("police", 2, "nsubj", "NOUN"), ("detained", 2, "ROOT", "VERB", "VBD", "detain"),
                 ("three", 4, "nummod", "NUM"), ("journalists", 2, "dobj", "NOUN"), ("in", 2, "prep", "ADP"),
                 ("Ankara", 5, "pobj", "PROPN")])  # fmt: skip
    police = mention(doc, 0, 2, "TUR", ["COP"])
    ankara = mention(doc, 6, 7, "TUR", ["GOV"], kind="capital")
    for sector in ("MED", "NGO", "EDU"):
        held = mention(doc, 3, 5, "TUR", [sector], kind="sector")
        _, targets = verb_arguments(doc[2], find=finder([police, held, ankara]), target_preps=())
        assert [(m.actor.code, m.actor.sectors, m.actor.span.text) for m in targets] == [
            ("TUR", [sector], "three journalists in Ankara")
        ]


def test_aid_and_relief_workers_are_ngo_people(actors):
    from test_actors_rules2 import coded

    doc = parse([("Gunmen", 1, "nsubj", "NOUN"), ("kidnapped", 1, "ROOT", "VERB", "VBD", "kidnap"), ("two", 4, "nummod", "NUM"),
                 ("aid", 4, "compound", "NOUN"), ("workers", 1, "dobj", "NOUN", "NNS", "worker"), ("and", 4, "cc", "CCONJ"),
                 ("a", 8, "det", "DET"), ("relief", 8, "compound", "NOUN"), ("worker", 4, "conj", "NOUN", "NN", "worker")])  # fmt: skip
    found = coded(doc, actors)
    # no country in the sentence: sector only
    assert found["two aid workers"] == ("--- NGO", "two aid workers") and found["relief worker"] == ("--- NGO", "a relief worker")


def test_a_reciprocal_phrase_is_its_own_head_s_actor_not_its_possessor_s():
    # "Pakistan's minister met his Afghan counterpart": "his" (Pakistan, by coreference) only says
    # whose counterpart; the phrase is the Afghan side, on both sides of the meeting
    doc = parse([("Pakistan", 1, "poss", "PROPN"), ("minister", 2, "nsubj", "NOUN"), ("met", 2, "ROOT", "VERB", "VBD", "meet"),
                 ("his", 5, "poss", "PRON"), ("Afghan", 5, "amod", "ADJ"), ("counterpart", 2, "dobj", "NOUN")])  # fmt: skip
    minister = mention(doc, 0, 2, "PAK", ["GOV"], kind="sector")
    his = mention(doc, 3, 4, "PAK", ["GOV"], kind="pronoun")
    afghan = mention(doc, 4, 6, "AFG", ["GOV"])
    afghan = afghan.model_copy(update={"head": 5})
    doc._.dyads_mentions = [minister, his, afghan]
    event = _event(doc, 2)
    event.sources, event.targets = [minister.actor.model_copy(deep=True)], [afghan.actor.model_copy(deep=True)]
    apply_roles(doc, event, (_role(doc, 0, 2, "reciprocal"), _role(doc, 3, 6, "reciprocal")), sentence=doc[:], as_marked=True)
    sides = lambda actors: sorted((a.code, a.span.text) for a in actors)  # noqa: E731
    assert sides(event.sources) == sides(event.targets) == [("AFG", "his Afghan counterpart"), ("PAK", "Pakistan minister")]


def test_a_counterpart_takes_no_country_from_its_sentence(actors):
    # "The Indian minister called his counterpart": the other side's, so not IND
    doc = parse([("The", 2, "det", "DET"), ("Indian", 2, "amod", "ADJ"), ("minister", 3, "nsubj", "NOUN"),
                 ("called", 3, "ROOT", "VERB", "VBD", "call"), ("his", 5, "poss", "PRON"), ("counterpart", 3, "dobj", "NOUN")],
                ents=["O", "B-NORP", "O", "O", "O", "O"])  # fmt: skip
    found = {doc[m.start : m.end].text: m.actor for m in find_mentions(doc, actors)}
    assert found["Indian minister"].code == "IND" and found["counterpart"].code is None
    assert found["counterpart"].sectors == ["GOV"]


def test_a_capital_an_attack_strikes_is_the_city_not_the_government(rules_event):
    # "Russian missiles struck Kyiv" targets UKR, the city; "Kyiv condemned" stays UKR GOV
    event = rules_event("Russian missiles struck Kyiv overnight.", "struck")
    assert [(a.code, a.sectors) for a in event.targets] == [("UKR", [])]
    speaker = rules_event("Kyiv condemned the strike on Monday.", "condemned")
    assert [(a.code, a.sectors) for a in speaker.sources] == [("UKR", ["GOV"])]


def test_schoolgirls_held_are_education_people_of_the_story(rules_event):
    # "Boko Haram kidnapped 20 schoolgirls in Borno": the pupils, NGA EDU (they were uncoded)
    event = rules_event("Boko Haram kidnapped 20 schoolgirls in Borno state.", "kidnapped")
    assert [(a.code, a.sectors) for a in event.targets] == [("NGA", ["EDU"])]


def test_bombs_that_aircraft_drop_are_aerial_weapons(rules_event):
    # "Russian jets bombed a hospital": 195 (aerial), where "Militants bombed a market" stays 183
    jets = rules_event("Russian jets bombed a hospital in Aleppo.", "bombed")
    assert (jets.cameo_code, jets.plover_mode) == ("195", "aerial")
    militants = rules_event("Militants bombed a market in Kabul.", "bombed")
    assert militants.cameo_code == "183"
