"""Span rules of the sixth issue #4 round: recipients of verbs of handing over, the place a
side's own forces leave or go to, possessive pronouns that own no target, believers as people,
joint agreements, and the role head's phrases trimmed of a loose conjunction or comma. Each on a
sentence we wrote with a hand-built parse (no model needed)."""

from __future__ import annotations

from spacy.tokens import Doc
from test_actors_rules2 import coded, parse

from dyads.coder.arguments import people_object, placed_object, verb_arguments
from dyads.records import Actor, Mention, Span
from dyads.stages.classify import _conjuncts, _phrase_end, _phrase_start
from dyads.stages.extensions import ensure_extensions

ensure_extensions()


def mention(doc: Doc, start: int, end: int, code: str | None, sectors: list[str] | None = None, kind: str = "country") -> Mention:
    span = doc[start:end]
    actor = Actor(code=code, sectors=sectors or [], span=Span(start=span.start_char, end=span.end_char, text=span.text))
    return Mention(start=start, end=end, head=end - 1, kind=kind, actor=actor)


def finder(mentions: list[Mention]):
    return lambda token: [m for m in mentions if m.start <= token.i < m.end]


def spans(found: list[Mention]) -> list[tuple[str | None, str]]:
    return [(m.actor.code, m.actor.span.text if m.actor.span else "") for m in found]


# -- verbs of handing over: the "to" phrase is who receives ---------------------------------


def gave(verb: str, lemma: str) -> Doc:
    return parse([("Germany", 1, "nsubj", "PROPN"), (verb, 1, "ROOT", "VERB", "VBD", lemma),
                  ("medical", 3, "amod", "ADJ"), ("equipment", 1, "dobj", "NOUN"), ("to", 1, "prep", "ADP"),
                  ("Chad", 4, "pobj", "PROPN"), (".", 1, "punct", "PUNCT")])  # fmt: skip


def test_the_to_phrase_of_a_verb_of_giving_is_the_target():
    doc = gave("gave", "give")
    found = finder([mention(doc, 0, 1, "DEU"), mention(doc, 5, 6, "TCD")])
    sources, targets = verb_arguments(doc[1], find=found, target_preps=())
    assert spans(sources) == [("DEU", "Germany")]
    assert spans(targets) == [("TCD", "Chad")]


def test_the_to_phrase_of_other_verbs_is_no_recipient():
    # "Germany moved medical equipment to Chad": moving is no handing over
    doc = gave("moved", "move")
    found = finder([mention(doc, 0, 1, "DEU"), mention(doc, 5, 6, "TCD")])
    assert verb_arguments(doc[1], find=found, target_preps=())[1] == []


# -- own forces leave or go to a place no table codes ---------------------------------------


def withdrew(place: list[tuple], ents: list[str] | None = None) -> Doc:
    rows = [("Peru", 1, "nsubj", "PROPN"), ("withdrew", 1, "ROOT", "VERB", "VBD", "withdraw"),
            ("its", 3, "poss", "PRON"), ("soldiers", 1, "dobj", "NOUN"), ("from", 1, "prep", "ADP")]  # fmt: skip
    return parse(rows + place + [(".", 1, "punct", "PUNCT")], ents=ents)


def own_forces(doc: Doc) -> list[Mention]:
    return [mention(doc, 0, 1, "PER"), mention(doc, 2, 4, "PER", ["MIL"], kind="sector")]


def test_own_forces_moving_from_an_uncoded_place_make_the_place_the_target():
    doc = withdrew([("a", 7, "det", "DET"), ("buffer", 7, "compound", "NOUN"), ("zone", 4, "pobj", "NOUN"),
                    ("along", 7, "prep", "ADP"), ("the", 10, "det", "DET"), ("river", 8, "pobj", "NOUN")])  # fmt: skip
    _, targets = verb_arguments(doc[1], find=finder(own_forces(doc)), target_preps=())
    assert spans(targets) == [(None, "a buffer zone along the river")]


def test_a_date_after_from_is_no_place_and_the_forces_stay_the_target():
    doc = withdrew([("Monday", 4, "pobj", "PROPN")], ents=["O", "O", "O", "O", "O", "B-DATE", "O"])
    _, targets = verb_arguments(doc[1], find=finder(own_forces(doc)), target_preps=())
    assert spans(targets) == [("PER", "its soldiers")]


# -- a possessive pronoun owns the doer's own thing ----------------------------------------


def test_a_ban_owned_by_its_gives_way_to_whom_the_ban_is_on():
    # "Chile lifted its ban on Bolivian beef": the beef's country, not Chile itself
    doc = parse([("Chile", 1, "nsubj", "PROPN"), ("lifted", 1, "ROOT", "VERB", "VBD", "lift"),
                 ("its", 3, "poss", "PRON"), ("ban", 1, "dobj", "NOUN"), ("on", 3, "prep", "ADP"),
                 ("Bolivian", 6, "amod", "ADJ"), ("beef", 4, "pobj", "NOUN"), (".", 1, "punct", "PUNCT")])  # fmt: skip
    mentions = [mention(doc, 0, 1, "CHL"), mention(doc, 2, 3, "CHL", kind="pronoun"), mention(doc, 5, 6, "BOL")]
    _, targets = verb_arguments(doc[1], find=finder(mentions), target_preps=("against",), object_lemma="ban")
    assert spans(targets) == [("BOL", "Bolivian beef")]


def test_a_named_owner_of_the_object_is_still_the_target():
    # "Chile rejected Peru's ban": a possessor that is no pronoun owns it
    doc = parse([("Chile", 1, "nsubj", "PROPN"), ("rejected", 1, "ROOT", "VERB", "VBD", "reject"),
                 ("Peru", 4, "poss", "PROPN"), ("'s", 2, "case", "PART"), ("ban", 1, "dobj", "NOUN")])  # fmt: skip
    mentions = [mention(doc, 0, 1, "CHL"), mention(doc, 2, 3, "PER")]
    _, targets = verb_arguments(doc[1], find=finder(mentions), target_preps=(), object_lemma="ban")
    assert spans(targets) == [("PER", "Peru 's ban")]


# -- believers are people; asylum is not --------------------------------------------------


def test_believers_named_by_their_faith_are_a_people_target():
    doc = parse([("Rebels", 1, "nsubj", "NOUN"), ("freed", 1, "ROOT", "VERB", "VBD", "free"),
                 ("12", 3, "nummod", "NUM"), ("Christians", 1, "dobj", "PROPN")])  # fmt: skip
    assert spans(people_object(doc[1], finder([]), direct_only=True)) == [(None, "12 Christians")]


def test_asylum_is_no_people_object():
    doc = parse([("Chile", 1, "nsubj", "PROPN"), ("granted", 1, "ROOT", "VERB", "VBD", "grant"),
                 ("asylum", 1, "dobj", "NOUN")])  # fmt: skip
    assert people_object(doc[1], finder([]), direct_only=True) == []


# -- joint agreements: what the agreed act is about is no target ----------------------------


def agreed(subject: list[tuple]) -> Doc:
    verb = len(subject)
    rows = subject + [("agreed", verb, "ROOT", "VERB", "VBD", "agree"), ("to", verb + 2, "aux", "PART"),
                      ("visit", verb, "xcomp", "VERB", "VB", "visit"), ("Bolivia", verb + 2, "dobj", "PROPN")]  # fmt: skip
    return parse(rows)


def test_two_sides_agreeing_to_act_are_the_event_both_ways():
    doc = agreed([("Chile", 3, "nsubj", "PROPN"), ("and", 0, "cc", "CCONJ"), ("Peru", 0, "conj", "PROPN")])
    chile, peru, bolivia = mention(doc, 0, 1, "CHL"), mention(doc, 2, 3, "PER"), mention(doc, 6, 7, "BOL")

    def find(token):
        return [chile, peru] if token.i == 0 else [m for m in (peru, bolivia) if m.start <= token.i < m.end]

    sources, targets = verb_arguments(doc[3], find=find, target_preps=())
    assert spans(sources) == [("CHL", "Chile and Peru"), ("PER", "Chile and Peru")]
    assert targets == []


def test_one_side_agreeing_to_act_keeps_the_act_s_target():
    doc = agreed([("Chile", 1, "nsubj", "PROPN")])
    found = finder([mention(doc, 0, 1, "CHL"), mention(doc, 4, 5, "BOL")])
    sources, targets = verb_arguments(doc[1], find=found, target_preps=())
    assert spans(sources) == [("CHL", "Chile")]
    assert spans(targets) == [("BOL", "Bolivia")]


# -- role-head phrases lose a loose conjunction or comma at their edges ---------------------


def test_a_tagged_phrase_starting_with_and_starts_after_it():
    doc = parse([("China", 5, "nsubj", "PROPN"), ("and", 0, "cc", "CCONJ"), ("the", 4, "det", "DET"),
                 ("Andean", 4, "compound", "PROPN"), ("Community", 0, "conj", "PROPN"),
                 ("signed", 5, "ROOT", "VERB")])  # fmt: skip
    assert _conjuncts(doc, 1, 4) == [(2, 4)]
    assert _conjuncts(doc, 0, 4) == [(0, 0), (2, 4)]


def test_a_tagged_phrase_ending_on_a_comma_ends_before_it_and_keeps_brackets():
    doc = parse([("The", 2, "det", "DET"), ("Afghan", 2, "amod", "ADJ"), ("government", 7, "nsubj", "NOUN"),
                 (",", 2, "punct", "PUNCT"), ("(", 5, "punct", "PUNCT"), ("AG", 2, "appos", "PROPN"),
                 (")", 5, "punct", "PUNCT"), ("spoke", 7, "ROOT", "VERB")])  # fmt: skip
    assert _conjuncts(doc, 0, 3) == [(0, 2)]
    assert _conjuncts(doc, 4, 6) == [(4, 6)]


# -- a possessive split from its noun ("May ’ s offer") --------------------------------------


def test_an_argument_before_a_split_possessive_takes_the_possessed_phrase():
    # "Chile rejected Peru ’ s offer of talks": the parser reads "’ s" as no possessive
    doc = parse([("Chile", 1, "nsubj", "PROPN"), ("rejected", 1, "ROOT", "VERB", "VBD", "reject"),
                 ("Peru", 1, "dobj", "PROPN"), ("\u2019", 4, "punct", "PUNCT"), ("s", 1, "dep", "PART"),
                 ("new", 6, "amod", "ADJ"), ("offer", 4, "attr", "NOUN"), ("of", 6, "prep", "ADP"),
                 ("talks", 7, "pobj", "NOUN"), (",", 1, "punct", "PUNCT"), ("officials", 11, "nsubj", "NOUN"),
                 ("said", 1, "parataxis", "VERB")])  # fmt: skip
    found = finder([mention(doc, 0, 1, "CHL"), mention(doc, 2, 3, "PER")])
    _, targets = verb_arguments(doc[1], find=found, target_preps=())
    assert spans(targets) == [("PER", "Peru \u2019 s new offer of talks")]


def test_an_argument_before_a_plain_apostrophe_without_s_keeps_its_span():
    # "Chile rejected Peru ' demands": no "s", no possessed phrase taken
    doc = parse([("Chile", 1, "nsubj", "PROPN"), ("rejected", 1, "ROOT", "VERB", "VBD", "reject"),
                 ("Peru", 1, "dobj", "PROPN"), ("'", 2, "punct", "PUNCT"), ("demands", 1, "dep", "NOUN")])  # fmt: skip
    found = finder([mention(doc, 0, 1, "CHL"), mention(doc, 2, 3, "PER")])
    assert spans(verb_arguments(doc[1], find=found, target_preps=())[1]) == [("PER", "Peru")]


# -- where an act with no other target happens -------------------------------------------


def surrendered(place: list[tuple], ents: list[str] | None = None) -> Doc:
    rows = [("Rebels", 1, "nsubj", "NOUN"), ("surrendered", 1, "ROOT", "VERB", "VBD", "surrender"),
            ("in", 1, "prep", "ADP")]  # fmt: skip
    return parse(rows + place, ents=ents)


def test_the_place_of_an_act_without_a_target_is_its_target():
    # "Rebels surrendered in Chile 's northern Arica province"
    doc = surrendered([("Chile", 7, "poss", "PROPN"), ("'s", 3, "case", "PART"), ("northern", 7, "amod", "ADJ"),
                       ("Arica", 7, "compound", "PROPN"), ("province", 2, "pobj", "NOUN")])  # fmt: skip
    found = finder([mention(doc, 0, 1, None, ["REB"], kind="sector"), mention(doc, 3, 4, "CHL")])
    _, targets = verb_arguments(doc[1], find=found, target_preps=())
    assert spans(targets) == [("CHL", "Chile 's northern Arica province")]


def test_an_in_phrase_that_names_no_place_is_no_target():
    # "Rebels surrendered in large numbers"
    doc = surrendered([("large", 4, "amod", "ADJ"), ("numbers", 2, "pobj", "NOUN")])  # heads: numbers <- in
    found = finder([mention(doc, 0, 1, None, ["REB"], kind="sector")])
    assert verb_arguments(doc[1], find=found, target_preps=())[1] == []


# -- a person is not placed by "in"; a body is ---------------------------------------------


def test_a_person_s_span_leaves_out_where_the_person_is(actors):
    # "Chile summoned the Peruvian ambassador in Santiago": the envoy, not the envoy's city
    doc = parse([("Chile", 1, "nsubj", "PROPN"), ("summoned", 1, "ROOT", "VERB"), ("the", 4, "det", "DET"),
                 ("Peruvian", 4, "amod", "ADJ"), ("ambassador", 1, "dobj", "NOUN"), ("in", 4, "prep", "ADP"),
                 ("Santiago", 5, "pobj", "PROPN")], ents=["B-GPE", "O", "O", "B-NORP", "O", "O", "B-GPE"])  # fmt: skip
    assert coded(doc, actors)["Peruvian ambassador"] == ("PER GOV", "the Peruvian ambassador")


def test_a_body_s_span_still_takes_its_place(actors):
    doc = parse([("A", 1, "det", "DET"), ("court", 4, "nsubj", "NOUN"), ("in", 1, "prep", "ADP"),
                 ("Lima", 2, "pobj", "PROPN"), ("freed", 4, "ROOT", "VERB")], ents=["O", "O", "O", "B-GPE", "O"])  # fmt: skip
    assert coded(doc, actors)["court"] == ("PER JUD", "A court in Lima")


# -- the doer's own things and shelters placed in a country: the place is the target -------


def laid_down(obj: list[tuple]) -> Doc:
    n = 2 + len(obj)
    rows = [("Rebels", 1, "nsubj", "NOUN"), ("laid", 1, "ROOT", "VERB", "VBD", "lay")] + obj
    return parse(rows + [("in", 1, "prep", "ADP"), ("Peru", n, "pobj", "PROPN")])


def test_an_object_owned_by_its_doer_gives_the_place_as_target():
    doc = laid_down([("their", 3, "poss", "PRON"), ("arms", 1, "dobj", "NOUN")])
    found = finder([mention(doc, 5, 6, "PER")])
    assert spans(placed_object(doc[1], found)) == [("PER", "Peru")]


def test_another_object_keeps_its_place_phrase():
    doc = laid_down([("a", 3, "det", "DET"), ("mine", 1, "dobj", "NOUN")])
    found = finder([mention(doc, 5, 6, "PER")])
    assert spans(placed_object(doc[1], found)) == [("PER", "a mine in Peru")]


# -- the role head's phrase widened to its noun's modifiers and possessor --------------------


def test_a_tagged_phrase_takes_the_adjectives_and_possessor_the_head_left_out():
    # "aid to the country 's rebel groups": the head tagged "'s rebel groups" or "country"
    doc = parse([("aid", 0, "ROOT", "NOUN"), ("to", 0, "prep", "ADP"), ("the", 3, "det", "DET"),
                 ("country", 6, "poss", "NOUN"), ("'s", 3, "case", "PART"), ("rebel", 6, "compound", "NOUN"),
                 ("groups", 1, "pobj", "NOUN")])  # fmt: skip
    assert _phrase_start(doc, 4, 6) == 2
    assert _phrase_start(doc, 6, 6) == 5  # "groups" takes its compound "rebel", not the possessor's marker
    assert _phrase_end(doc, 3) == 6  # "the country" cut before what it owns


def test_a_tagged_phrase_does_not_take_an_actor_word_or_a_pronoun_before_it():
    doc = parse([("his", 2, "poss", "PRON"), ("Chilean", 2, "amod", "ADJ"), ("counterpart", 2, "ROOT", "NOUN")])
    doc._.dyads_mentions = [mention(doc, 1, 2, "CHL")]
    assert _phrase_start(doc, 2, 2) == 2
    doc._.dyads_mentions = []
    assert _phrase_start(doc, 2, 2) == 1
