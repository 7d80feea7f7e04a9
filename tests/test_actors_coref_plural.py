"""Plural descriptions ("these countries", "the four countries") refer back to a list of
countries, on hand-built parses."""

from __future__ import annotations

from dyads.actors import mentions_for
from dyads.stages.extensions import ensure_extensions
from test_coder_rules import coded_mentions, parse  # tests/ is on sys.path (pytest rootdir import mode)

ensure_extensions()


def listed_doc(second: list[tuple]) -> tuple:
    first = [
        ("Russia", "Russia", 3, "nsubj", "PROPN"),
        ("and", "and", 0, "cc", "CCONJ"),
        ("Iran", "Iran", 0, "conj", "PROPN"),
        ("met", "meet", 3, "ROOT", "VERB"),
        (".", ".", 3, "punct", "PUNCT"),
    ]
    doc = parse(first + [(w, l, h + len(first), d, p) for w, l, h, d, p in second])
    doc._.dyads_mentions = coded_mentions(doc, {(0, 1): ("RUS", []), (2, 3): ("IRN", [])})
    return doc, len(first)


def test_these_countries_are_the_countries_listed_before() -> None:
    doc, offset = listed_doc([
        ("These", "these", 1, "det", "DET"),
        ("countries", "country", 2, "nsubj", "NOUN"),
        ("agreed", "agree", 2, "ROOT", "VERB"),
        (".", ".", 2, "punct", "PUNCT"),
    ])
    doc[offset + 1].tag_ = "NNS"
    found = mentions_for(doc, doc[offset + 1])
    assert [m.actor.code for m in found] == ["RUS", "IRN"]
    assert {m.actor.span.text for m in found} == {"These countries"}  # the words that refer to them here


def test_a_number_must_match_and_a_bare_plural_does_not_refer() -> None:
    doc, offset = listed_doc([
        ("The", "the", 2, "det", "DET"),
        ("three", "three", 2, "nummod", "NUM"),
        ("countries", "country", 3, "nsubj", "NOUN"),
        ("agreed", "agree", 3, "ROOT", "VERB"),
        (".", ".", 3, "punct", "PUNCT"),
    ])
    doc[offset + 2].tag_ = "NNS"
    assert mentions_for(doc, doc[offset + 2]) == []  # two were listed, not three
    doc2, offset2 = listed_doc([
        ("Countries", "country", 1, "nsubj", "NOUN"),
        ("agreed", "agree", 1, "ROOT", "VERB"),
        (".", ".", 1, "punct", "PUNCT"),
    ])
    doc2[offset2].tag_ = "NNS"
    assert mentions_for(doc2, doc2[offset2]) == []
