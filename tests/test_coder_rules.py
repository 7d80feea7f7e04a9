"""Argument and attribution rules on hand-built parses (no model needed)."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from dyads.coder.arguments import noun_arguments, subject_of, verb_arguments
from dyads.coder.attribution import attribute, local_status
from dyads.records import Actor, Mention, Span

VOCAB = spacy.blank("en").vocab


def parse(rows: list[tuple[str, str, int, str, str]]) -> Doc:
    """rows: (word, lemma, head index, dep, pos); tags follow pos, passive participles get VBN."""
    words = [r[0] for r in rows]
    tags = ["VBN" if r[4] == "VERB" and r[1] != r[0].lower() and r[0].endswith("ed") else "" for r in rows]
    return Doc(
        VOCAB,
        words=words,
        lemmas=[r[1] for r in rows],
        heads=[r[2] for r in rows],
        deps=[r[3] for r in rows],
        pos=[r[4] for r in rows],
        tags=tags,
    )


def coded_mentions(doc: Doc, coded: dict[tuple[int, int], tuple[str, list[str]]]) -> list[Mention]:
    """Mentions over hand-coded token ranges: {(start, end): (code, sectors)}; head = last token."""
    mentions = []
    for (start, end), (code, sectors) in coded.items():
        span = doc[start:end]
        mentions.append(
            Mention(
                start=start,
                end=end,
                head=end - 1,
                kind="country",
                actor=Actor(code=code, sectors=sectors, span=Span(start=span.start_char, end=span.end_char, text=span.text)),
            )
        )
    return mentions


def finder(doc: Doc, coded: dict[tuple[int, int], tuple[str, list[str]]]):
    """A mention finder over hand-coded token ranges (see :func:`coded_mentions`)."""
    mentions = coded_mentions(doc, coded)

    def find(token):
        return [m for m in mentions if m.head == token.i or m.start <= token.i < m.end]

    return find


def labels(mentions: list[Mention]) -> list[str]:
    return [m.actor.label for m in mentions]


BOMBERS = [
    ("Russian", "russian", 1, "amod", "ADJ"),
    ("bombers", "bomber", 2, "nsubj", "NOUN"),
    ("struck", "strike", 2, "ROOT", "VERB"),
    ("targets", "target", 2, "dobj", "NOUN"),
    ("in", "in", 3, "prep", "ADP"),
    ("Syria", "Syria", 4, "pobj", "PROPN"),
    (".", ".", 2, "punct", "PUNCT"),
]


def test_active_clause_source_and_target_in_object_phrase():
    doc = parse(BOMBERS)
    find = finder(doc, {(0, 2): ("RUS", ["MIL"]), (5, 6): ("SYR", [])})
    sources, targets = verb_arguments(doc[2], find=find, target_preps=("on", "against"))
    assert labels(sources) == ["RUS MIL"]
    assert labels(targets) == ["SYR"]


def test_passive_clause_swaps_roles():
    doc = parse([
        ("Aleppo", "Aleppo", 2, "nsubjpass", "PROPN"),
        ("was", "be", 2, "auxpass", "AUX"),
        ("bombed", "bomb", 2, "ROOT", "VERB"),
        ("by", "by", 2, "agent", "ADP"),
        ("Syrian", "syrian", 5, "amod", "ADJ"),
        ("jets", "jet", 3, "pobj", "NOUN"),
    ])
    find = finder(doc, {(0, 1): ("SYR", ["REB"]), (4, 6): ("SYR", ["MIL"])})
    sources, targets = verb_arguments(doc[2], find=find, target_preps=())
    assert labels(sources) == ["SYR MIL"]
    assert labels(targets) == ["SYR REB"]


def test_infinitive_inherits_subject_and_conjoined_subjects_expand():
    doc = parse([
        ("Iran", "Iran", 3, "nsubj", "PROPN"),
        ("and", "and", 0, "cc", "CCONJ"),
        ("Iraq", "Iraq", 0, "conj", "PROPN"),
        ("agreed", "agree", 3, "ROOT", "VERB"),
        ("to", "to", 5, "aux", "PART"),
        ("release", "release", 3, "xcomp", "VERB"),
        ("prisoners", "prisoner", 5, "dobj", "NOUN"),
    ])
    assert subject_of(doc[5]).text == "Iran"
    mentions = {(0, 1): ("IRN", []), (2, 3): ("IRQ", [])}
    base = finder(doc, mentions)

    def find(token):  # conjunct expansion as dyads.actors.mentions_for does it
        return [m for t in (token, *token.conjuncts) for m in base(t)]

    sources, _ = verb_arguments(doc[5], find=find, target_preps=())
    assert labels(sources) == ["IRN", "IRQ"]


def test_noun_trigger_with_adjectival_source_and_prepositional_target():
    doc = parse([
        ("Turkish", "turkish", 1, "amod", "ADJ"),
        ("airstrikes", "airstrike", 1, "ROOT", "NOUN"),
        ("on", "on", 1, "prep", "ADP"),
        ("Kurdish", "kurdish", 4, "amod", "ADJ"),
        ("militants", "militant", 2, "pobj", "NOUN"),
    ])
    find = finder(doc, {(0, 1): ("TUR", []), (3, 5): ("KUR", ["REB"])})
    sources, targets = noun_arguments(doc[1], find=find, target_preps=("on", "against"))
    assert labels(sources) == ["TUR"]
    assert labels(targets) == ["KUR REB"]


def test_light_verb_gives_noun_trigger_its_subject():
    doc = parse([
        ("Israel", "Israel", 1, "nsubj", "PROPN"),
        ("launched", "launch", 1, "ROOT", "VERB"),
        ("strikes", "strike", 1, "dobj", "NOUN"),
        ("on", "on", 2, "prep", "ADP"),
        ("Gaza", "Gaza", 3, "pobj", "PROPN"),
    ])
    find = finder(doc, {(0, 1): ("ISR", []), (4, 5): ("PSE", [])})
    sources, targets = noun_arguments(doc[2], find=find, target_preps=("on",))
    assert labels(sources) == ["ISR"]
    assert labels(targets) == ["PSE"]


DENIED = [
    ("Moscow", "Moscow", 1, "nsubj", "PROPN"),
    ("denied", "deny", 1, "ROOT", "VERB"),
    ("that", "that", 5, "mark", "SCONJ"),
    ("its", "its", 4, "poss", "PRON"),
    ("jets", "jet", 5, "nsubj", "NOUN"),
    ("struck", "strike", 1, "ccomp", "VERB"),
    ("the", "the", 7, "det", "DET"),
    ("base", "base", 5, "dobj", "NOUN"),
]


def test_denial_verb_above_the_event_sets_denied_and_speaker():
    doc = parse(DENIED)
    find = finder(doc, {(0, 1): ("RUS", ["GOV"])})
    attribution = attribute(doc[5], doc[0:8], find)
    assert attribution.status == "denied"
    assert attribution.speaker.label == "RUS GOV"
    assert attribution.cue.text == "denied"


def test_relative_clause_denial_of_a_noun_event():
    doc = parse([
        ("an", "an", 1, "det", "DET"),
        ("attack", "attack", 1, "ROOT", "NOUN"),
        ("that", "that", 5, "dobj", "PRON"),
        ("Moscow", "Moscow", 5, "nsubj", "PROPN"),
        ("has", "have", 5, "aux", "AUX"),
        ("denied", "deny", 1, "relcl", "VERB"),
    ])
    find = finder(doc, {(3, 4): ("RUS", ["GOV"])})
    attribution = attribute(doc[1], doc[0:6], find)
    assert attribution.status == "denied"
    assert attribution.speaker.code == "RUS"


def test_reported_speech_is_claimed_and_according_to_names_the_outlet():
    said = parse([
        ("Ankara", "Ankara", 1, "nsubj", "PROPN"),
        ("said", "say", 1, "ROOT", "VERB"),
        ("Syria", "Syria", 3, "nsubj", "PROPN"),
        ("shelled", "shell", 1, "ccomp", "VERB"),
        ("villages", "village", 3, "dobj", "NOUN"),
    ])
    find = finder(said, {(0, 1): ("TUR", ["GOV"]), (2, 3): ("SYR", [])})
    attribution = attribute(said[3], said[0:5], find)
    assert (attribution.status, attribution.speaker.label) == ("claimed", "TUR GOV")

    reported = parse([
        ("Jets", "jet", 1, "nsubj", "NOUN"),
        ("hit", "hit", 1, "ROOT", "VERB"),
        ("Idlib", "Idlib", 1, "dobj", "PROPN"),
        (",", ",", 1, "punct", "PUNCT"),
        ("according", "accord", 1, "prep", "VERB"),
        ("to", "to", 4, "prep", "ADP"),
        ("TASS", "TASS", 5, "pobj", "PROPN"),
    ])
    find = finder(reported, {(6, 7): ("RUS", ["MED"])})
    attribution = attribute(reported[1], reported[0:7], find)
    assert attribution.status == "claimed"
    assert attribution.reporting_source == "TASS"
    assert attribution.cue.text == "according to"


@pytest.mark.parametrize(
    ("rows", "trigger", "expected"),
    [
        ([("Turkey", "Turkey", 3, "nsubj", "PROPN"), ("did", "do", 3, "aux", "AUX"), ("not", "not", 3, "neg", "PART"),
          ("attack", "attack", 3, "ROOT", "VERB")], 3, "negated"),
        ([("Russia", "Russia", 2, "nsubj", "PROPN"), ("will", "will", 2, "aux", "AUX"), ("strike", "strike", 2, "ROOT", "VERB")],
         2, "hypothetical"),
        ([("Iran", "Iran", 1, "nsubj", "PROPN"), ("plans", "plan", 1, "ROOT", "VERB"), ("to", "to", 3, "aux", "PART"),
          ("expel", "expel", 1, "xcomp", "VERB"), ("diplomats", "diplomat", 3, "dobj", "NOUN")], 3, "hypothetical"),
        ([("There", "there", 1, "expl", "PRON"), ("were", "be", 1, "ROOT", "AUX"), ("no", "no", 3, "det", "DET"),
          ("strikes", "strike", 1, "attr", "NOUN")], 3, "negated"),
        (BOMBERS, 2, None),
    ],
)
def test_local_status(rows, trigger, expected):
    assert local_status(parse(rows)[trigger]) == expected


def test_negation_keeps_the_code_and_marks_status():
    doc = parse([("Turkey", "Turkey", 3, "nsubj", "PROPN"), ("did", "do", 3, "aux", "AUX"), ("not", "not", 3, "neg", "PART"),
                 ("attack", "attack", 3, "ROOT", "VERB"), ("Syria", "Syria", 3, "dobj", "PROPN")])
    find = finder(doc, {(0, 1): ("TUR", []), (4, 5): ("SYR", [])})
    sources, targets = verb_arguments(doc[3], find=find, target_preps=())
    assert (labels(sources), labels(targets)) == (["TUR"], ["SYR"])
    assert attribute(doc[3], doc[0:5], find).status == "negated"


def test_stated_intent_is_recognised_and_mapped_to_cameo_intent_codes():
    from dyads.coder.intent import intent_code, states_intent

    will = parse([("Iran", "Iran", 2, "nsubj", "PROPN"), ("will", "will", 2, "aux", "AUX"), ("release", "release", 2, "ROOT", "VERB")])
    may = parse([("Iran", "Iran", 2, "nsubj", "PROPN"), ("may", "may", 2, "aux", "AUX"), ("release", "release", 2, "ROOT", "VERB")])
    plans = parse([("Iran", "Iran", 1, "nsubj", "PROPN"), ("plans", "plan", 1, "ROOT", "VERB"), ("to", "to", 3, "aux", "PART"),
                   ("withdraw", "withdraw", 1, "xcomp", "VERB")])
    assert states_intent(will[2], triggers={2})
    assert not states_intent(may[2], triggers={2})  # possibility, not intent
    assert states_intent(plans[3], triggers={3})
    assert not states_intent(plans[3], triggers={1, 3})  # "plan" coded itself: the inner act stays an act
    assert intent_code("0841") == "035" and intent_code("195") == "138" and intent_code("163") == "131"
    assert intent_code("112") is None  # no intent form for verbal conflict
