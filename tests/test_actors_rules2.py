"""Actor rules added for issue #4 (spans as coders mark them, peoples, places, demands, own
forces), each on a sentence we wrote with a hand-built parse (no model needed)."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from dyads.actors import ActorDictionary, find_mentions
from dyads.coder.arguments import argument_span, verb_arguments
from dyads.records import Actor, Mention, Span
from dyads.stages.extensions import ensure_extensions

ensure_extensions()
VOCAB = spacy.blank("en").vocab


def parse(rows: list[tuple], ents: list[str] | None = None) -> Doc:
    """rows: (word, head index, dep, pos[, tag[, lemma]])."""
    return Doc(
        VOCAB,
        words=[r[0] for r in rows],
        heads=[r[1] for r in rows],
        deps=[r[2] for r in rows],
        pos=[r[3] for r in rows],
        tags=[r[4] if len(r) > 4 else "" for r in rows],
        lemmas=[r[5] if len(r) > 5 else r[0].lower() for r in rows],
        ents=ents,
    )


def coded(doc: Doc, actors: ActorDictionary) -> dict[str, tuple[str, str]]:
    """{mention words: (actor label, actor span text)}."""
    out = {}
    for m in find_mentions(doc, actors):
        out[doc[m.start : m.end].text] = (m.actor.label, m.actor.span.text if m.actor.span else "")
    return out


# -- spans: the whole noun phrase a coder marks --------------------------------------------


def test_span_takes_the_leading_article(actors):
    doc = parse([("The", 2, "det", "DET"), ("German", 2, "amod", "ADJ"), ("government", 3, "nsubj", "NOUN"),
                 ("rejected", 3, "ROOT", "VERB"), ("the", 5, "det", "DET"), ("request", 3, "dobj", "NOUN")])  # fmt: skip
    assert coded(doc, actors)["German government"] == ("DEU GOV", "The German government")


def test_span_takes_the_possessor_the_code_came_from(actors):
    doc = parse([("Russia", 3, "poss", "PROPN"), ("'s", 0, "case", "PART"), ("Supreme", 3, "compound", "PROPN"),
                 ("Court", 4, "nsubj", "PROPN"), ("rejected", 4, "ROOT", "VERB"), ("an", 6, "det", "DET"),
                 ("appeal", 4, "dobj", "NOUN")])  # fmt: skip
    assert coded(doc, actors)["Supreme Court"] == ("RUS JUD", "Russia 's Supreme Court")


def test_span_takes_a_bracketed_acronym(actors):
    doc = parse([("The", 2, "det", "DET"), ("South", 2, "compound", "PROPN"), ("Korean", 3, "amod", "ADJ"),
                 ("government", 7, "nsubj", "NOUN"), ("(", 3, "punct", "PUNCT"), ("ROKG", 3, "appos", "PROPN"),
                 (")", 3, "punct", "PUNCT"), ("protested", 7, "ROOT", "VERB")])  # fmt: skip
    label, span = next(v for k, v in coded(doc, actors).items() if "government" in k)
    assert label == "KOR GOV"
    assert span == "The South Korean government ( ROKG )"


def test_span_takes_the_name_in_an_appositive_after_a_role(actors):
    words = [("The", 2, "det", "DET"), ("Palestinian", 2, "amod", "ADJ"), ("president", 7, "nsubj", "NOUN"),
             (",", 2, "punct", "PUNCT"), ("Mahmoud", 5, "compound", "PROPN"), ("Abbas", 2, "appos", "PROPN"),
             (",", 2, "punct", "PUNCT"), ("spoke", 7, "ROOT", "VERB")]  # fmt: skip
    doc = parse(words, ents=["O", "O", "O", "O", "B-PERSON", "I-PERSON", "O", "O"])
    assert coded(doc, actors)["Palestinian president"] == ("PSE GOV", "The Palestinian president , Mahmoud Abbas")


def test_span_takes_a_place_phrase_after_the_role(actors):
    doc = parse([("A", 1, "det", "DET"), ("court", 4, "nsubj", "NOUN"), ("in", 1, "prep", "ADP"),
                 ("Bishkek", 2, "pobj", "PROPN"), ("freed", 4, "ROOT", "VERB"), ("a", 6, "det", "DET"),
                 ("journalist", 4, "dobj", "NOUN")], ents=["O", "O", "O", "B-GPE", "O", "O", "O"])  # fmt: skip
    assert coded(doc, actors)["court"] == ("KGZ JUD", "A court in Bishkek")


# -- peoples ----------------------------------------------------------------------------------


def test_plural_demonym_is_a_people_coded_as_civilians(actors):
    doc = parse([("Bosnian", 1, "amod", "ADJ", "JJ"), ("Serbs", 2, "nsubj", "PROPN", "NNPS"),
                 ("demanded", 2, "ROOT", "VERB", "VBD"), ("a", 4, "det", "DET"), ("truce", 2, "dobj", "NOUN")])  # fmt: skip
    assert coded(doc, actors)["Bosnian Serbs"][0] == "BIH CVL"


def test_people_noun_after_a_demonym_joins_the_mention(actors):
    doc = parse([("Iraqi", 1, "amod", "ADJ", "JJ"), ("Kurds", 2, "nsubj", "PROPN", "NNPS"),
                 ("demonstrated", 2, "ROOT", "VERB", "VBD")], ents=["B-NORP", "B-NORP", "O"])  # fmt: skip
    assert coded(doc, actors) == {"Iraqi Kurds": ("IRQ CVL", "Iraqi Kurds")}


def test_demonym_with_a_role_word_keeps_the_role_sector(actors):
    doc = parse([("Russian", 1, "amod", "ADJ", "JJ"), ("officials", 2, "nsubj", "NOUN", "NNS"),
                 ("said", 2, "ROOT", "VERB", "VBD")])  # fmt: skip
    assert coded(doc, actors)["Russian officials"][0] == "RUS GOV"


def test_people_placed_in_a_country_take_that_country(actors):
    doc = parse([("Ethnic", 1, "amod", "ADJ", "JJ"), ("Albanians", 4, "nsubj", "PROPN", "NNPS"),
                 ("in", 1, "prep", "ADP", "IN"), ("Serbia", 2, "pobj", "PROPN", "NNP"),
                 ("protested", 4, "ROOT", "VERB", "VBD")])  # fmt: skip
    assert coded(doc, actors)["Ethnic Albanians"][0] == "SRB CVL"


# -- pronouns ---------------------------------------------------------------------------------


def test_subject_it_of_an_actor_adjective_is_no_expletive_and_shows_its_antecedent(actors):
    doc = parse([("Syria", 1, "nsubj", "PROPN"), ("says", 1, "ROOT", "VERB", "VBZ", "say"), ("it", 3, "nsubj", "PRON"),
                 ("is", 1, "ccomp", "AUX", "VBZ", "be"), ("willing", 3, "acomp", "ADJ"), ("to", 6, "aux", "PART"),
                 ("withdraw", 4, "xcomp", "VERB")])  # fmt: skip
    assert coded(doc, actors)["it"] == ("SYR", "Syria")


def test_expletive_it_stays_uncoded(actors):
    doc = parse([("Russia", 1, "nsubj", "PROPN"), ("said", 1, "ROOT", "VERB", "VBD", "say"), ("it", 3, "nsubj", "PRON"),
                 ("is", 1, "ccomp", "AUX", "VBZ", "be"), ("likely", 3, "acomp", "ADJ"), ("to", 6, "aux", "PART"),
                 ("rain", 4, "xcomp", "VERB")])  # fmt: skip
    assert "it" not in coded(doc, actors)


# -- arguments --------------------------------------------------------------------------------


def mention(doc: Doc, start: int, end: int, code: str, sectors: list[str], kind: str = "country") -> Mention:
    span = doc[start:end]
    actor = Actor(code=code, sectors=sectors, span=Span(start=span.start_char, end=span.end_char, text=span.text))
    return Mention(start=start, end=end, head=end - 1, kind=kind, actor=actor)


def finder(mentions: list[Mention]):
    return lambda token: [m for m in mentions if m.start <= token.i < m.end]


def test_actor_owning_the_object_gets_the_whole_object_phrase_as_span():
    doc = parse([("Iran", 1, "nsubj", "PROPN"), ("condemned", 1, "ROOT", "VERB", "VBD", "condemn"),
                 ("Trump", 4, "poss", "PROPN"), ("'s", 2, "case", "PART"), ("decision", 1, "dobj", "NOUN")])  # fmt: skip
    find = finder([mention(doc, 0, 1, "IRN", []), mention(doc, 2, 3, "USA", ["GOV"], kind="person")])
    sources, targets = verb_arguments(doc[1], find=find, target_preps=())
    assert [m.actor.label for m in targets] == ["USA GOV"]
    assert targets[0].actor.span.text == "Trump 's decision"
    assert sources[0].actor.span.text == "Iran"


def test_argument_span_keeps_a_place_phrase_and_drops_relative_clauses():
    doc = parse([("the", 1, "det", "DET"), ("mosque", 1, "ROOT", "NOUN"), ("in", 1, "prep", "ADP"),
                 ("Mosul", 2, "pobj", "PROPN"), ("that", 5, "nsubj", "PRON"), ("fell", 1, "relcl", "VERB")])  # fmt: skip
    assert argument_span(doc[1]) == (0, 4)


def test_demand_targets_the_subject_of_its_that_clause():
    doc = parse([("China", 1, "nsubj", "PROPN"), ("demanded", 1, "ROOT", "VERB", "VBD", "demand"),
                 ("that", 5, "mark", "SCONJ"), ("the", 4, "det", "DET"), ("US", 5, "nsubj", "PROPN"),
                 ("cancel", 1, "ccomp", "VERB", "VB", "cancel"), ("plans", 5, "dobj", "NOUN")])  # fmt: skip
    find = finder([mention(doc, 0, 1, "CHN", []), mention(doc, 4, 5, "USA", [])])
    sources, targets = verb_arguments(doc[1], find=find, target_preps=())
    assert [m.actor.code for m in sources] == ["CHN"]
    assert [m.actor.code for m in targets] == ["USA"]


def test_own_forces_moved_give_the_place_they_move_from_as_target():
    doc = parse([("Syria", 2, "nsubj", "PROPN"), ("will", 2, "aux", "AUX"), ("withdraw", 2, "ROOT", "VERB", "VB", "withdraw"),
                 ("its", 4, "poss", "PRON"), ("troops", 2, "dobj", "NOUN"), ("from", 2, "prep", "ADP"),
                 ("Lebanon", 5, "pobj", "PROPN")])  # fmt: skip
    find = finder([mention(doc, 0, 1, "SYR", []), mention(doc, 4, 5, "SYR", ["MIL"], kind="sector"), mention(doc, 6, 7, "LBN", [])])
    _, targets = verb_arguments(doc[2], find=find, target_preps=())
    assert [m.actor.code for m in targets] == ["LBN"]


def test_forces_of_another_country_stay_the_target():
    doc = parse([("Syria", 1, "nsubj", "PROPN"), ("attacked", 1, "ROOT", "VERB", "VBD", "attack"),
                 ("Turkish", 3, "amod", "ADJ"), ("troops", 1, "dobj", "NOUN"), ("from", 1, "prep", "ADP"),
                 ("Lebanon", 4, "pobj", "PROPN")])  # fmt: skip
    find = finder([mention(doc, 0, 1, "SYR", []), mention(doc, 2, 4, "TUR", ["MIL"], kind="sector"), mention(doc, 5, 6, "LBN", [])])
    _, targets = verb_arguments(doc[1], find=find, target_preps=())
    assert [m.actor.label for m in targets] == ["TUR MIL"]


def test_object_placed_in_a_known_city_targets_that_country():
    doc = parse([("Troops", 1, "nsubj", "NOUN"), ("captured", 1, "ROOT", "VERB", "VBD", "capture"), ("the", 3, "det", "DET"),
                 ("mosque", 1, "dobj", "NOUN"), ("in", 3, "prep", "ADP"), ("Mosul", 4, "pobj", "PROPN")],
                ents=["O", "O", "O", "O", "O", "B-GPE"])  # fmt: skip
    _, targets = verb_arguments(doc[1], find=finder([]), target_preps=())
    assert [(m.actor.code, m.actor.span.text) for m in targets] == [("IRQ", "the mosque in Mosul")]


def test_object_placed_in_an_unknown_place_gives_no_target():
    doc = parse([("Troops", 1, "nsubj", "NOUN"), ("captured", 1, "ROOT", "VERB", "VBD", "capture"), ("the", 3, "det", "DET"),
                 ("mosque", 1, "dobj", "NOUN"), ("in", 3, "prep", "ADP"), ("Xqzvillex", 4, "pobj", "PROPN")],
                ents=["O", "O", "O", "O", "O", "B-GPE"])  # fmt: skip
    _, targets = verb_arguments(doc[1], find=finder([]), target_preps=())
    assert targets == []


# -- where a group is placed (2026-11-27, eighth session) ---------------------------------------


def _struck(obj: list[tuple]) -> Doc:
    """'Russian warplanes struck OBJ in Idlib', the place hung on the verb as the small model does."""
    rows = [("Russian", 1, "amod", "ADJ", "JJ"), ("warplanes", 2, "nsubj", "NOUN", "NNS", "warplane"), ("struck", 2, "ROOT", "VERB", "VBD", "strike")]
    n = len(obj)
    rows += [(w, 3 + h, dep, pos, tag, lemma) if dep != "dobj" else (w, 2, dep, pos, tag, lemma) for w, h, dep, pos, tag, lemma in obj]
    rows += [("in", 2, "prep", "ADP", "IN"), ("Idlib", 3 + n, "pobj", "PROPN", "NNP")]
    return parse(rows, ents=["B-NORP"] + ["O"] * (2 + n + 1) + ["B-GPE"])


def test_a_group_placed_by_a_town_is_that_towns_countrys(actors):
    doc = _struck([("rebels", 0, "dobj", "NOUN", "NNS", "rebel")])
    assert coded(doc, actors)["rebels"][0] == "SYR REB"  # not RUS REB, the article's country


def test_a_role_word_before_a_place_it_holds_is_a_mention(actors):
    doc = _struck([("rebel", 1, "compound", "NOUN", "NN", "rebel"), ("positions", 1, "dobj", "NOUN", "NNS", "position")])
    assert coded(doc, actors)["rebel"][0] == "SYR REB"
    economy = parse([("rebel", 1, "compound", "NOUN"), ("spending", 2, "nsubj", "NOUN"), ("rose", 2, "ROOT", "VERB")])
    assert coded(economy, actors) == {}  # a role word before any other noun names no one


def test_an_embassy_is_not_of_the_town_it_stands_in(actors):
    doc = parse([("Sri", 1, "compound", "PROPN"), ("Lanka", 2, "nsubj", "PROPN"), ("opened", 2, "ROOT", "VERB", "VBD", "open"),
                 ("an", 4, "det", "DET"), ("embassy", 2, "dobj", "NOUN"), ("in", 4, "prep", "ADP"), ("Tehran", 5, "pobj", "PROPN")],
                ents=["B-GPE", "I-GPE", "O", "O", "O", "O", "B-GPE"])  # fmt: skip
    assert coded(doc, actors)["embassy"][0] == "LKA GOV"
