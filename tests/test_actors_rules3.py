"""Actor rules of the third issue #4 round (stranded subjects, recipients of object nouns,
reported speakers, joint and mutual acts, former office holders, sector words), each on a
sentence we wrote with a hand-built parse (no model needed)."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from dyads.actors import ActorDictionary, find_mentions, mentions_for
from dyads.coder.arguments import (
    noun_arguments,
    recipients_of,
    subject_of,
    verb_arguments,
)
from dyads.records import Actor, Mention, Span
from dyads.stages.extensions import ensure_extensions
from test_actors_rules2 import parse

ensure_extensions()


def mention(doc: Doc, start: int, end: int, code: str | None, sectors: list[str], kind: str = "country") -> Mention:
    span = doc[start:end]
    actor = Actor(code=code, sectors=sectors, span=Span(start=span.start_char, end=span.end_char, text=span.text))
    return Mention(start=start, end=end, head=end - 1, kind=kind, actor=actor)


def finder(mentions: list[Mention]):
    return lambda token: [m for m in mentions if m.start <= token.i < m.end]


def resolved(doc: Doc, actors: ActorDictionary) -> Doc:
    """The doc with its mentions found, as the actors stage leaves it."""
    doc._.dyads_mentions = find_mentions(doc, actors, context_country=False)
    return doc


def labels(mentions: list[Mention]) -> list[tuple[str, str]]:
    return [(m.actor.label, m.actor.span.text if m.actor.span else "") for m in mentions]


# -- who did it: subjects the parse hung elsewhere, reported speakers --------------------------


def test_subject_hung_on_the_auxiliary_is_the_doer():
    # "Britain and France however have opposed the plan": the adverb made "have" the subject's head
    doc = parse([("Britain", 4, "nsubj", "PROPN"), ("and", 0, "cc", "CCONJ"), ("France", 0, "conj", "PROPN"),
                 ("however", 4, "advmod", "ADV"), ("have", 5, "aux", "AUX"), ("opposed", 5, "ROOT", "VERB", "VBN", "oppose"),
                 ("the", 7, "det", "DET"), ("plan", 5, "dobj", "NOUN")])  # fmt: skip
    assert subject_of(doc[5]).i == 0
    find = finder([mention(doc, 0, 1, "GBR", []), mention(doc, 2, 3, "FRA", [])])

    def find_all(token):
        return [m for t in (token, *token.conjuncts) for m in find(t)]

    sources, _ = verb_arguments(doc[5], find=find_all, target_preps=())
    assert [m.actor.code for m in sources] == ["GBR", "FRA"]


def test_passive_subject_on_the_auxiliary_is_no_doer():
    doc = parse([("Iran", 2, "nsubjpass", "PROPN"), ("reportedly", 2, "advmod", "ADV"), ("was", 3, "auxpass", "AUX"),
                 ("attacked", 3, "ROOT", "VERB", "VBN", "attack")])  # fmt: skip
    assert subject_of(doc[3]) is None


def test_subject_pronoun_of_a_reported_clause_is_the_speaker_and_shows_its_words(actors):
    # "The rebels said they would free the hostages"
    doc = parse([("The", 1, "det", "DET"), ("rebels", 2, "nsubj", "NOUN", "NNS", "rebel"), ("said", 2, "ROOT", "VERB", "VBD", "say"),
                 ("they", 5, "nsubj", "PRON", "PRP"), ("would", 5, "aux", "AUX"), ("free", 2, "ccomp", "VERB", "VB", "free"),
                 ("the", 7, "det", "DET"), ("hostages", 5, "dobj", "NOUN", "NNS", "hostage")])  # fmt: skip
    they = next(m for m in find_mentions(doc, actors, context_country=False) if m.start == 3)
    assert they.kind == "pronoun"
    assert they.actor.sectors == ["REB"]
    assert they.actor.span.text == "The rebels"


def test_singular_it_does_not_take_a_plural_speaker(actors):
    # "The rebels said it would rain": "it" cannot be the rebels
    doc = parse([("The", 1, "det", "DET"), ("rebels", 2, "nsubj", "NOUN", "NNS", "rebel"), ("said", 2, "ROOT", "VERB", "VBD", "say"),
                 ("it", 5, "nsubj", "PRON", "PRP"), ("would", 5, "aux", "AUX"), ("rain", 2, "ccomp", "VERB", "VB", "rain")])  # fmt: skip
    assert all(m.start != 3 for m in find_mentions(doc, actors, context_country=False))


def test_expletive_it_in_a_reported_clause_stays_uncoded(actors):
    # "Jordan said it was too early": no actor is "it"
    doc = parse([("Jordan", 1, "nsubj", "PROPN"), ("said", 1, "ROOT", "VERB", "VBD", "say"), ("it", 3, "nsubj", "PRON", "PRP"),
                 ("was", 1, "ccomp", "AUX", "VBD", "be"), ("too", 5, "advmod", "ADV"), ("early", 3, "acomp", "ADJ")],
                ents=["B-GPE", "O", "O", "O", "O", "O"])  # fmt: skip
    assert all(m.start != 2 for m in find_mentions(doc, actors, context_country=False))


# -- to whom: the recipient named by an object noun's preposition --------------------------------


def test_ban_lifted_on_a_group_targets_the_group():
    # "Britain lifted the ban on the Tigers"
    doc = parse([("Britain", 1, "nsubj", "PROPN"), ("lifted", 1, "ROOT", "VERB", "VBD", "lift"), ("the", 3, "det", "DET"),
                 ("ban", 1, "dobj", "NOUN"), ("on", 3, "prep", "ADP"), ("the", 6, "det", "DET"), ("Tigers", 4, "pobj", "PROPN")])  # fmt: skip
    find = finder([mention(doc, 0, 1, "GBR", []), mention(doc, 6, 7, "LTTE", ["REB"], kind="group")])
    _, targets = verb_arguments(doc[1], find=find, target_preps=())
    assert [m.actor.code for m in targets] == ["LTTE"]


def test_sanctions_imposed_on_a_country_name_the_country_through_the_participle():
    # "Japan lifted sanctions imposed on India"
    doc = parse([("Japan", 1, "nsubj", "PROPN"), ("lifted", 1, "ROOT", "VERB", "VBD", "lift"),
                 ("sanctions", 1, "dobj", "NOUN", "NNS", "sanction"), ("imposed", 2, "acl", "VERB", "VBN", "impose"),
                 ("on", 3, "prep", "ADP"), ("India", 4, "pobj", "PROPN")])  # fmt: skip
    find = finder([mention(doc, 0, 1, "JPN", []), mention(doc, 5, 6, "IND", [])])
    assert [m.actor.code for m in recipients_of(doc[2], find)] == ["IND"]
    _, targets = verb_arguments(doc[1], find=find, target_preps=())
    assert [m.actor.code for m in targets] == ["IND"]


def test_recipient_one_of_phrase_down():
    # "The US suspended part of an aid programme for Bosnia"
    doc = parse([("The", 1, "det", "DET"), ("US", 2, "nsubj", "PROPN"), ("suspended", 2, "ROOT", "VERB", "VBD", "suspend"),
                 ("part", 2, "dobj", "NOUN"), ("of", 3, "prep", "ADP"), ("an", 7, "det", "DET"), ("aid", 7, "compound", "NOUN"),
                 ("programme", 4, "pobj", "NOUN"), ("for", 7, "prep", "ADP"), ("Bosnia", 8, "pobj", "PROPN")])  # fmt: skip
    find = finder([mention(doc, 1, 2, "USA", []), mention(doc, 9, 10, "BIH", [])])
    _, targets = verb_arguments(doc[2], find=find, target_preps=())
    assert [m.actor.code for m in targets] == ["BIH"]


def test_object_that_names_an_actor_keeps_it_over_a_recipient():
    # "Iran accused Israel of strikes on Syria": the object itself is the target
    doc = parse([("Iran", 1, "nsubj", "PROPN"), ("accused", 1, "ROOT", "VERB", "VBD", "accuse"), ("Israel", 1, "dobj", "PROPN"),
                 ("of", 1, "prep", "ADP"), ("strikes", 3, "pobj", "NOUN"), ("on", 4, "prep", "ADP"), ("Syria", 5, "pobj", "PROPN")])  # fmt: skip
    find = finder([mention(doc, 0, 1, "IRN", []), mention(doc, 2, 3, "ISR", []), mention(doc, 6, 7, "SYR", [])])
    _, targets = verb_arguments(doc[1], find=find, target_preps=())
    assert [m.actor.code for m in targets] == ["ISR"]


def test_lexicon_object_that_owns_the_actor_is_the_target():
    # "Switzerland expelled two Russian diplomats" (the lexicon entry's object is "diplomat")
    doc = parse([("Switzerland", 1, "nsubj", "PROPN"), ("expelled", 1, "ROOT", "VERB", "VBD", "expel"), ("two", 4, "nummod", "NUM"),
                 ("Russian", 4, "amod", "ADJ"), ("diplomats", 1, "dobj", "NOUN", "NNS", "diplomat")])  # fmt: skip
    find = finder([mention(doc, 0, 1, "CHE", []), mention(doc, 2, 5, "RUS", ["GOV"])])
    _, targets = verb_arguments(doc[1], find=find, target_preps=("from",), object_lemma="diplomat")
    assert [m.actor.label for m in targets] == ["RUS GOV"]


def test_forces_without_a_country_moved_to_a_place_give_that_place():
    # "The UN withdrew peacekeepers from Lebanon": peacekeepers with no country are the UN's own
    doc = parse([("The", 1, "det", "DET"), ("UN", 2, "nsubj", "PROPN"), ("withdrew", 2, "ROOT", "VERB", "VBD", "withdraw"),
                 ("peacekeepers", 2, "dobj", "NOUN", "NNS", "peacekeeper"), ("from", 2, "prep", "ADP"), ("Lebanon", 4, "pobj", "PROPN")])  # fmt: skip
    find = finder([mention(doc, 1, 2, "UNO", ["IGO"], kind="igo"), mention(doc, 3, 4, None, ["MIL"], kind="sector"),
                   mention(doc, 5, 6, "LBN", [])])  # fmt: skip
    _, targets = verb_arguments(doc[2], find=find, target_preps=())
    assert [m.actor.code for m in targets] == ["LBN"]


def test_own_forces_moved_to_a_gazetteer_place_give_its_country():
    # "Syria withdrew its troops from Mosul": Mosul is no actor, the gazetteer places it in Iraq
    doc = parse([("Syria", 1, "nsubj", "PROPN"), ("withdrew", 1, "ROOT", "VERB", "VBD", "withdraw"), ("its", 3, "poss", "PRON"),
                 ("troops", 1, "dobj", "NOUN", "NNS", "troop"), ("from", 1, "prep", "ADP"), ("Mosul", 4, "pobj", "PROPN")],
                ents=["B-GPE", "O", "O", "O", "O", "B-GPE"])  # fmt: skip
    find = finder([mention(doc, 0, 1, "SYR", []), mention(doc, 3, 4, "SYR", ["MIL"], kind="sector")])
    _, targets = verb_arguments(doc[1], find=find, target_preps=())
    assert [(m.actor.code, m.actor.span.text) for m in targets] == [("IRQ", "Mosul")]


# -- joint and mutual acts ----------------------------------------------------------------------


def test_conjoined_doers_of_a_joint_act_share_the_whole_coordination_as_span(actors):
    # "Mexico and Britain signed a deal"
    doc = parse([("Mexico", 3, "nsubj", "PROPN"), ("and", 0, "cc", "CCONJ"), ("Britain", 0, "conj", "PROPN"),
                 ("signed", 3, "ROOT", "VERB", "VBD", "sign"), ("a", 5, "det", "DET"), ("deal", 3, "dobj", "NOUN")],
                ents=["B-GPE", "O", "B-GPE", "O", "O", "O"])  # fmt: skip
    resolved(doc, actors)
    sources, targets = verb_arguments(doc[3], find=lambda t: mentions_for(doc, t), target_preps=())
    assert targets == []
    assert labels(sources) == [("MEX", "Mexico and Britain"), ("GBR", "Mexico and Britain")]


def test_conjoined_doers_of_a_one_sided_act_keep_their_own_spans(actors):
    # "Mexico and Britain sent aid": each gives on its own
    doc = parse([("Mexico", 3, "nsubj", "PROPN"), ("and", 0, "cc", "CCONJ"), ("Britain", 0, "conj", "PROPN"),
                 ("sent", 3, "ROOT", "VERB", "VBD", "send"), ("aid", 3, "dobj", "NOUN")],
                ents=["B-GPE", "O", "B-GPE", "O", "O"])  # fmt: skip
    resolved(doc, actors)
    sources, _ = verb_arguments(doc[3], find=lambda t: mentions_for(doc, t), target_preps=())
    assert labels(sources) == [("MEX", "Mexico"), ("GBR", "Britain")]


def test_talks_held_with_another_side_make_both_sides_doers():
    # "Russia held talks with Turkey": coded as Russia<->Turkey by the events stage
    doc = parse([("Russia", 1, "nsubj", "PROPN"), ("held", 1, "ROOT", "VERB", "VBD", "hold"), ("talks", 1, "dobj", "NOUN", "NNS", "talk"),
                 ("with", 2, "prep", "ADP"), ("Turkey", 3, "pobj", "PROPN")])  # fmt: skip
    find = finder([mention(doc, 0, 1, "RUS", []), mention(doc, 4, 5, "TUR", [])])
    sources, targets = verb_arguments(doc[1], find=find, target_preps=("with",), object_lemma="talk")
    assert [m.actor.code for m in sources] == ["RUS", "TUR"]
    assert targets == []


def test_an_agreement_signed_with_another_side_makes_both_sides_doers():
    # "Britain signed an agreement with Ukraine": both sign (coded Britain<->Ukraine)
    doc = parse([("Britain", 1, "nsubj", "PROPN"), ("signed", 1, "ROOT", "VERB", "VBD", "sign"), ("an", 3, "det", "DET"),
                 ("agreement", 1, "dobj", "NOUN"), ("with", 1, "prep", "ADP"), ("Ukraine", 4, "pobj", "PROPN")])  # fmt: skip
    find = finder([mention(doc, 0, 1, "GBR", []), mention(doc, 5, 6, "UKR", [])])
    sources, targets = verb_arguments(doc[1], find=find, target_preps=("with",))
    assert [m.actor.code for m in sources] == ["GBR", "UKR"]
    assert targets == []


def test_talks_noun_with_another_side_make_both_sides_doers():
    # "Russian talks with Turkey"
    doc = parse([("Russian", 1, "amod", "ADJ"), ("talks", 1, "ROOT", "NOUN", "NNS", "talk"), ("with", 1, "prep", "ADP"),
                 ("Turkey", 2, "pobj", "PROPN")])  # fmt: skip
    find = finder([mention(doc, 0, 1, "RUS", []), mention(doc, 3, 4, "TUR", [])])
    sources, targets = noun_arguments(doc[1], find=find, target_preps=("with",))
    assert [m.actor.code for m in sources] == ["RUS", "TUR"]
    assert targets == []


def test_talks_within_one_country_keep_source_and_target():
    # "Russian officials held talks with Russian rebels": same code on both sides, no merge
    doc = parse([("Officials", 1, "nsubj", "NOUN"), ("held", 1, "ROOT", "VERB", "VBD", "hold"), ("talks", 1, "dobj", "NOUN", "NNS", "talk"),
                 ("with", 2, "prep", "ADP"), ("rebels", 3, "pobj", "NOUN")])  # fmt: skip
    find = finder([mention(doc, 0, 1, "RUS", ["GOV"], kind="sector"), mention(doc, 4, 5, "RUS", ["REB"], kind="sector")])
    sources, targets = verb_arguments(doc[1], find=find, target_preps=("with",), object_lemma="talk")
    assert [m.actor.label for m in sources] == ["RUS GOV"]
    assert [m.actor.label for m in targets] == ["RUS REB"]


# -- codes and sectors --------------------------------------------------------------------------


def test_former_office_holder_is_an_elite(actors):
    # "The former Afghan president spoke"
    doc = parse([("The", 3, "det", "DET"), ("former", 3, "amod", "ADJ"), ("Afghan", 3, "amod", "ADJ"),
                 ("president", 4, "nsubj", "NOUN"), ("spoke", 4, "ROOT", "VERB")])  # fmt: skip
    found = find_mentions(doc, actors, context_country=False)
    assert [m.actor.label for m in found] == ["AFG ELI"]


def test_serving_office_holder_keeps_the_office(actors):
    doc = parse([("The", 2, "det", "DET"), ("Afghan", 2, "amod", "ADJ"), ("president", 3, "nsubj", "NOUN"), ("spoke", 3, "ROOT", "VERB")])  # fmt: skip
    assert [m.actor.label for m in find_mentions(doc, actors, context_country=False)] == ["AFG GOV"]


@pytest.mark.parametrize(
    ("words", "label"),
    [
        (("Indonesian", "students"), "IDN EDU"),
        (("Syrian", "officers"), "SYR MIL"),
        (("Israeli", "tanks"), "ISR MIL"),
        (("Danish", "hackers"), "DNK CRM"),
        (("French", "lawyer"), "FRA JUD"),
        (("Thai", "junta"), "THA GOV MIL"),
    ],
)
def test_sector_words(actors, words, label):
    doc = parse([(words[0], 1, "amod", "ADJ"), (words[1], 2, "nsubj", "NOUN"), ("protested", 2, "ROOT", "VERB")])
    assert [m.actor.label for m in find_mentions(doc, actors, context_country=False)] == [label]


def test_peacekeepers_of_a_named_body_are_its_military(actors):
    doc = parse([("UN", 1, "compound", "PROPN"), ("peacekeepers", 2, "nsubj", "NOUN"), ("arrived", 2, "ROOT", "VERB")])
    assert [m.actor.label for m in find_mentions(doc, actors, context_country=False)] == ["UNO IGO MIL"]


def test_role_word_used_as_a_verb_is_no_actor(actors):
    # "Iran jailed a Briton for spying": "spying" is no spy
    doc = parse([("Iran", 1, "nsubj", "PROPN"), ("jailed", 1, "ROOT", "VERB", "VBD", "jail"), ("a", 3, "det", "DET"),
                 ("Briton", 1, "dobj", "PROPN"), ("for", 1, "prep", "ADP"), ("spying", 4, "pcomp", "VERB", "VBG", "spy")])  # fmt: skip
    assert all("SPY" not in m.actor.sectors for m in find_mentions(doc, actors, context_country=False))


def test_possessor_country_of_a_role_phrase_is_one_actor_with_it(actors):
    # "Nicaragua's government ordered ...": one actor, NIC GOV, spanning the possessor
    doc = parse([("Nicaragua", 2, "poss", "PROPN"), ("'s", 0, "case", "PART"), ("government", 3, "nsubj", "NOUN"),
                 ("ordered", 3, "ROOT", "VERB")], ents=["B-GPE", "O", "O", "O"])  # fmt: skip
    found = find_mentions(doc, actors, context_country=False)
    assert labels(found) == [("NIC GOV", "Nicaragua 's government")]


def test_possessive_pronoun_bound_to_its_clause_subject_shows_the_subject(actors):
    # "Syrian forces continued their attacks": coders mark "Syrian forces", not "their"
    doc = parse([("Syrian", 1, "amod", "ADJ"), ("forces", 2, "nsubj", "NOUN", "NNS", "force"), ("continued", 2, "ROOT", "VERB", "VBD", "continue"),
                 ("their", 4, "poss", "PRON", "PRP$"), ("attacks", 2, "dobj", "NOUN", "NNS", "attack")])  # fmt: skip
    their = next(m for m in find_mentions(doc, actors, context_country=False) if m.start == 3)
    assert (their.kind, their.actor.label, their.actor.span.text) == ("pronoun", "SYR MIL", "Syrian forces")


def test_pronoun_whose_antecedent_is_in_an_earlier_sentence_keeps_its_own_word(actors):
    # "Vladimir Putin spoke . He said ...": the antecedent is another sentence's
    doc = parse([("Vladimir", 1, "compound", "PROPN"), ("Putin", 2, "nsubj", "PROPN"), ("spoke", 2, "ROOT", "VERB"),
                 (".", 2, "punct", "PUNCT"), ("He", 5, "nsubj", "PRON", "PRP"), ("said", 5, "ROOT", "VERB", "VBD", "say")],
                ents=["B-PERSON", "I-PERSON", "O", "O", "O", "O"])  # fmt: skip
    he = next(m for m in find_mentions(doc, actors, context_country=False) if m.start == 4)
    assert (he.kind, he.actor.code, he.actor.span.text) == ("pronoun", "RUS", "He")


@pytest.mark.parametrize(
    ("words", "label"),
    [(("ICE",), "USA COP"), (("USAID",), "USA GOV"), (("WFP",), "UNO IGO")],
)
def test_government_and_un_agencies(actors, words, label):
    doc = parse([(words[0], 1, "nsubj", "PROPN"), ("returned", 1, "ROOT", "VERB")], ents=["B-ORG", "O"])
    assert [m.actor.label for m in find_mentions(doc, actors, context_country=False)] == [label]


def test_agency_acronym_in_lower_case_is_no_actor(actors):
    doc = parse([("The", 1, "det", "DET"), ("ice", 2, "nsubj", "NOUN"), ("melted", 2, "ROOT", "VERB")])
    assert find_mentions(doc, actors, context_country=False) == []


def test_list_parsed_as_an_appositive_gives_every_member(actors):
    # "Germany , India , Israel and Pakistan sent aid": the parse hung the list on Germany
    doc = parse([("Germany", 7, "nsubj", "PROPN"), (",", 0, "punct", "PUNCT"), ("India", 0, "appos", "PROPN"), (",", 2, "punct", "PUNCT"),
                 ("Israel", 2, "conj", "PROPN"), ("and", 4, "cc", "CCONJ"), ("Pakistan", 4, "conj", "PROPN"),
                 ("sent", 7, "ROOT", "VERB", "VBD", "send"), ("aid", 7, "dobj", "NOUN")],
                ents=["B-GPE", "O", "B-GPE", "O", "B-GPE", "O", "B-GPE", "O", "O"])  # fmt: skip
    resolved(doc, actors)
    assert [m.actor.code for m in mentions_for(doc, doc[0])] == ["DEU", "IND", "ISR", "PAK"]


def test_plain_appositive_is_no_list(actors):
    # "Iran , Tehran , protested": an appositive without conjuncts names the same actor, no list
    doc = parse([("Iran", 4, "nsubj", "PROPN"), (",", 0, "punct", "PUNCT"), ("Tehran", 0, "appos", "PROPN"), (",", 0, "punct", "PUNCT"),
                 ("protested", 4, "ROOT", "VERB")], ents=["B-GPE", "O", "B-GPE", "O", "O"])  # fmt: skip
    resolved(doc, actors)
    assert [m.actor.code for m in mentions_for(doc, doc[0])] == ["IRN"]


def test_meeting_another_side_stays_directed():
    # "Trump met Pena Nieto": the PLOVER records code a meeting A->B (not A<->B as talks)
    doc = parse([("Trump", 1, "nsubj", "PROPN"), ("met", 1, "ROOT", "VERB", "VBD", "meet"), ("Pena", 3, "compound", "PROPN"),
                 ("Nieto", 1, "dobj", "PROPN")])  # fmt: skip
    find = finder([mention(doc, 0, 1, "USA", ["GOV"], kind="person"), mention(doc, 2, 4, "MEX", ["GOV"], kind="person")])
    sources, targets = verb_arguments(doc[1], find=find, target_preps=("with",))
    assert [m.actor.code for m in sources] == ["USA"]
    assert [m.actor.code for m in targets] == ["MEX"]


def test_occupier_named_before_a_place_does_not_code_the_place(actors):
    # "Palestinians of the Israeli - occupied West Bank protested": the West Bank (PSE), held by Israel
    doc = parse([("Palestinians", 8, "nsubj", "PROPN", "NNPS"), ("of", 0, "prep", "ADP"), ("the", 7, "det", "DET"),
                 ("Israeli", 5, "npadvmod", "ADJ"), ("-", 5, "punct", "PUNCT"), ("occupied", 7, "amod", "VERB", "VBN", "occupy"),
                 ("West", 7, "compound", "PROPN"), ("Bank", 1, "pobj", "PROPN"), ("protested", 8, "ROOT", "VERB")])  # fmt: skip
    found = {doc[m.start : m.end].text: m.actor.label for m in find_mentions(doc, actors, context_country=False)}
    assert found["Palestinians"] == "PSE CVL"
    assert found["Israeli - occupied West Bank"] == "PSE"


def test_it_takes_a_speaker_whose_head_is_a_body_named_after_a_person(actors):
    # "The Assad regime said it would allow ...": a regime (a body), so "it" fits
    doc = parse([("Assad", 1, "compound", "PROPN"), ("regime", 2, "nsubj", "NOUN"), ("said", 2, "ROOT", "VERB", "VBD", "say"),
                 ("it", 5, "nsubj", "PRON", "PRP"), ("would", 5, "aux", "AUX"), ("allow", 2, "ccomp", "VERB", "VB", "allow"),
                 ("access", 5, "dobj", "NOUN")], ents=["B-PERSON", "O", "O", "O", "O", "O", "O"])  # fmt: skip
    it = next(m for m in find_mentions(doc, actors, context_country=False) if m.start == 3)
    assert (it.actor.code, it.actor.span.text) == ("SYR", "Assad regime")


def test_strikers_are_labour(actors):
    doc = parse([("The", 1, "det", "DET"), ("strikers", 2, "nsubj", "NOUN", "NNS", "striker"), ("accepted", 2, "ROOT", "VERB")])
    assert [m.actor.sectors for m in find_mentions(doc, actors, context_country=False)] == [["LAB"]]


def test_noun_root_with_an_acting_participle_is_its_subject():
    # "The air force carried out strikes , killing fighters": the parse made "force" the root and
    # "carried" its participle; with a direct object the participle acts, and its noun does it
    doc = parse([("The", 2, "det", "DET"), ("air", 2, "compound", "NOUN"), ("force", 2, "ROOT", "NOUN"),
                 ("carried", 2, "acl", "VERB", "VBN", "carry"), ("out", 3, "prt", "ADP"), ("strikes", 3, "dobj", "NOUN", "NNS", "strike"),
                 (",", 3, "punct", "PUNCT"), ("killing", 3, "advcl", "VERB", "VBG", "kill"), ("fighters", 7, "dobj", "NOUN", "NNS", "fighter")])  # fmt: skip
    find = finder([mention(doc, 1, 3, "IRQ", ["MIL"], kind="sector"), mention(doc, 8, 9, "ISIS", ["REB"], kind="group")])
    sources, targets = verb_arguments(doc[7], find=find, target_preps=())
    assert [m.actor.label for m in sources] == ["IRQ MIL"]
    assert [m.actor.label for m in targets] == ["ISIS REB"]


def test_participle_without_an_object_stays_passive():
    # "rebels backed by Turkey attacked": "backed" is passive, the rebels its target
    doc = parse([("Rebels", 3, "nsubj", "NOUN", "NNS", "rebel"), ("backed", 0, "acl", "VERB", "VBN", "back"), ("by", 1, "agent", "ADP"),
                 ("attacked", 3, "ROOT", "VERB", "VBD", "attack"), ("Turkey", 2, "pobj", "PROPN")])  # fmt: skip
    find = finder([mention(doc, 0, 1, None, ["REB"], kind="sector"), mention(doc, 4, 5, "TUR", [])])
    sources, targets = verb_arguments(doc[1], find=find, target_preps=())
    assert [m.actor.code for m in sources] == ["TUR"]
    assert [m.actor.sectors for m in targets] == [["REB"]]


# -- spans as coders mark them ---------------------------------------------------------------


def test_span_takes_a_quantifying_determiner(actors):
    doc = parse([("Both", 1, "det", "DET"), ("ministers", 2, "nsubj", "NOUN", "NNS", "minister"), ("resigned", 2, "ROOT", "VERB")])
    assert labels(find_mentions(doc, actors, context_country=False)) == [("--- GOV", "Both ministers")]


def test_span_takes_the_modifiers_of_a_leading_number(actors):
    # "Some 160 Chinese peacekeepers arrived"
    doc = parse([("Some", 1, "quantmod", "DET"), ("160", 3, "nummod", "NUM"), ("Chinese", 3, "amod", "ADJ"),
                 ("peacekeepers", 4, "nsubj", "NOUN", "NNS", "peacekeeper"), ("arrived", 4, "ROOT", "VERB")])  # fmt: skip
    assert labels(find_mentions(doc, actors, context_country=False)) == [("CHN MIL", "Some 160 Chinese peacekeepers")]


def test_role_span_takes_an_of_phrase_naming_a_place_the_parser_missed(actors):
    # "Government of Guatemala declared ...", with no entity on "Guatemala"
    doc = parse([("Government", 3, "nsubj", "NOUN"), ("of", 0, "prep", "ADP"), ("Guatemala", 1, "pobj", "PROPN"),
                 ("declared", 3, "ROOT", "VERB")])  # fmt: skip
    found = {doc[m.start : m.end].text: m.actor for m in find_mentions(doc, actors, context_country=False)}
    assert (found["Government"].label, found["Government"].span.text) == ("GTM GOV", "Government of Guatemala")


def test_actor_inside_a_list_keeps_its_own_span():
    # "USAID and other donors provided aid": the parse made USAID a modifier of "donors"
    doc = parse([("USAID", 4, "amod", "PROPN"), ("and", 0, "cc", "CCONJ"), ("other", 0, "conj", "ADJ"), ("international", 4, "amod", "ADJ"),
                 ("donors", 5, "nsubj", "NOUN", "NNS", "donor"), ("provided", 5, "ROOT", "VERB", "VBD", "provide"), ("aid", 5, "dobj", "NOUN")])  # fmt: skip
    find = finder([mention(doc, 0, 1, "USA", ["GOV"], kind="group")])
    sources, _ = verb_arguments(doc[5], find=find, target_preps=())
    assert labels(sources) == [("USA GOV", "USAID")]


def test_owner_of_his_country_keeps_its_own_word(actors):
    # "Zelenskiy said Russia attacked his country": "his country" names Ukraine itself
    doc = parse([("Zelenskiy", 1, "nsubj", "PROPN"), ("said", 1, "ROOT", "VERB", "VBD", "say"), ("Russia", 3, "nsubj", "PROPN"),
                 ("attacked", 1, "ccomp", "VERB", "VBD", "attack"), ("his", 5, "poss", "PRON", "PRP$"), ("country", 3, "dobj", "NOUN")],
                ents=["B-PERSON", "O", "B-GPE", "O", "O", "O"])  # fmt: skip
    his = next(m for m in find_mentions(doc, actors, context_country=False, on=None) if m.start == 4)
    assert his.actor.span.text == "his"
