"""A role tagger stacked on the classifier: the states the classifier hands on, and the checks
that keep a tagger with the classifier whose states it was trained on (shipped int8 models)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from dyads.classifier import SentenceClassifier
from dyads.classifier.stacked import StackedTagger, stacked_layers
from dyads.errors import ModelError
from dyads.stages.classify import load_role_tagger, model_folder

SHIPPED = model_folder("default")
SHIPPED_TAGGER = model_folder("default", shipped="roles-minilm")
TEXTS = [
    "Government warplanes bombed a rebel-held market town on Sunday.",
    "The two foreign ministers met in Vienna to discuss the nuclear talks.",
    "Police in the capital detained forty protesters on Friday.",
]
pytestmark = pytest.mark.skipif(not (SHIPPED / "model.onnx").is_file(), reason="the shipped classifier is not built (make model)")


def outputs_without_states(folder: Path) -> None:
    """Strip a classifier's states_K outputs, as classifiers exported before they existed were."""
    onnx = pytest.importorskip("onnx")
    model = onnx.load(str(folder / "model.onnx"))
    kept = [o for o in model.graph.output if not o.name.startswith("states_")]
    del model.graph.output[:]
    model.graph.output.extend(kept)
    nodes = [n for n in model.graph.node if not n.name.startswith("expose_states_")]
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    onnx.save(model, str(folder / "model.onnx"))
    meta = json.loads((folder / "dyads-model.json").read_text(encoding="utf-8"))
    meta.pop("model_sha256", None)
    (folder / "dyads-model.json").write_text(json.dumps(meta), encoding="utf-8")


def test_exposing_the_states_leaves_every_answer_of_the_classifier_unchanged(tmp_path: Path) -> None:
    from dyads.train.onnx_states import expose_states

    folder = tmp_path / "classifier"
    shutil.copytree(SHIPPED, folder)
    outputs_without_states(folder)
    before = [SentenceClassifier(folder).predict([text])[0] for text in TEXTS]
    with pytest.raises(ModelError) as info:
        SentenceClassifier(folder, states=2)
    assert info.value.code == "E917" and "dyads train" in str(info.value)
    assert expose_states(folder / "model.onnx") == ["states_1", "states_2", "states_3"]
    assert expose_states(folder / "model.onnx") == []  # once is enough
    after = SentenceClassifier(folder, states=2)
    for text, old in zip(TEXTS, before):
        new = after.predict([text])[0]
        assert new.types == old.types and new.classes == old.classes
        assert new.states.shape == (len(new.offsets), 384) and np.isfinite(new.states).all()
        assert new.offsets[0] == (0, 0) and text[slice(*new.offsets[1])] == text.split()[0][: new.offsets[1][1]]


def test_a_classifier_keeps_states_only_when_asked() -> None:
    plain = SentenceClassifier(SHIPPED).predict([TEXTS[0]])[0]
    assert plain.states is None and plain.offsets == ()
    with pytest.raises(ModelError) as info:
        SentenceClassifier(SHIPPED, states=4)  # a 4-layer classifier has no state after 4 of its lower layers
    assert info.value.code == "E917"


@pytest.mark.skipif(stacked_layers(SHIPPED_TAGGER) is None, reason="the shipped role tagger is not a stacked one")
def test_the_shipped_tagger_reads_the_shipped_classifiers_states() -> None:
    classifier = SentenceClassifier(SHIPPED, states=stacked_layers(SHIPPED_TAGGER))
    tagger = load_role_tagger("default", threads=1, classifier=classifier)
    assert isinstance(tagger, StackedTagger)
    text = TEXTS[0]
    roles = [(text[r.start : r.end], r.role) for r in tagger.tag(text, classifier.predict([text], roles=False)[0])]
    assert ("Government warplanes", "source") in roles
    assert any(role == "target" and "market town" in phrase for phrase, role in roles)
    with pytest.raises(ValueError, match="no encoder states"):
        tagger.tag(text, SentenceClassifier(SHIPPED).predict([text])[0])


@pytest.mark.skipif(stacked_layers(SHIPPED_TAGGER) is None, reason="the shipped role tagger is not a stacked one")
def test_a_stacked_tagger_refuses_another_classifiers_states() -> None:
    # another classifier's states would feed the tagger numbers it never learned to read: E919, not wrong phrases
    other = SentenceClassifier(SHIPPED, states=stacked_layers(SHIPPED_TAGGER))
    other.meta = {**other.meta, "model_sha256": "0" * 64}  # what a retrained classifier's record would say
    with pytest.raises(ModelError) as info:
        load_role_tagger("default", threads=1, classifier=other)
    assert info.value.code == "E919" and "--stack-on" in str(info.value)


def test_news_sentences_split_filter_sample_and_exclude(tmp_path: Path) -> None:
    from dyads.train.sentences import news_sentences

    lines = [
        {"text": "Troops entered the northern town on Monday. Officials said nine people were hurt!\nshort one."},
        {"text": "The council met again. \u201cWe will rebuild the bridge within a year,\u201d the mayor told reporters."},
        {"title": "no text here"},
    ]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\nnot json\n", encoding="utf-8")
    found = news_sentences(path, limit=10, seed=1)
    # "short one." and "The council met again." are under six words; the quotation opens with no capital
    assert sorted(found) == ["Officials said nine people were hurt!", "Troops entered the northern town on Monday."]
    assert news_sentences(path, limit=10, seed=1) == found  # seeded
    assert len(news_sentences(path, limit=2, seed=1)) == 2
    assert "Officials said nine people were hurt!" not in news_sentences(path, limit=10, seed=1, exclude=frozenset(found[:1] + ["Officials said nine people were hurt!"]))
