"""Datelines are where a story was filed, never its actors (``dyads.coder.dateline``)."""

from __future__ import annotations

import pytest

from dyads.coder.dateline import dateline_end


def sources(pipeline, text: str) -> list[tuple[str | None, str]]:
    doc = pipeline.nlp(text)
    return [(a.code, a.span.text) for e in doc._.dyads_events for a in e.sources]


@pytest.mark.parametrize(
    ("text", "after"),
    [
        ("MOSCOW, June 3 (Reuters) - Russian troops shelled the village.", "Russian"),
        ("KABUL (AP) -- Taliban fighters attacked a checkpoint on Tuesday.", "Taliban"),
        ("Washington: The Treasury imposed new sanctions on Iran.", "The"),
        ("NEW DELHI, Nov. 26 - The cabinet approved the plan.", "The"),
    ],
)
def test_dateline_end_finds_the_first_word_after_it(rules_pipeline, text, after):
    sentence = next(rules_pipeline.nlp(text).sents)
    end = dateline_end(sentence)
    assert end is not None and sentence.doc[end].text == after


@pytest.mark.parametrize(
    "text",
    [
        "Russian troops shelled the village - a school was hit.",
        "Ohio recession: pay cuts and fewer police.",
        "The minister said: Russia will not attack.",
    ],
)
def test_no_dateline(rules_pipeline, text):
    assert dateline_end(next(rules_pipeline.nlp(text).sents)) is None


def test_a_country_alone_before_a_colon_is_a_headlines_speaker(rules_pipeline):
    sentence = next(rules_pipeline.nlp("Washington: The Treasury imposed new sanctions on Iran.").sents)
    assert dateline_end(sentence) is not None
    assert dateline_end(sentence, is_country=lambda name: name == "Washington") is None  # were it a country
    dated = next(rules_pipeline.nlp("MOSCOW, June 3 (Reuters) - Russian troops shelled the village.").sents)
    assert dateline_end(dated, is_country=lambda name: True) is not None  # a date and a source: a dateline


def test_a_dateline_capital_is_no_source(rules_pipeline):
    found = sources(rules_pipeline, "MOSCOW, June 3 (Reuters) - Russian troops shelled the village of Krasnoe.")
    assert found == [("RUS", "Russian troops")]
    found = sources(rules_pipeline, "Washington: The United States imposed new sanctions on Iran.")
    assert found == [("USA", "The United States")]


@pytest.fixture(scope="module")
def pipeline():
    """The default pipeline: the classifier and the role tagger."""
    from dyads import Pipeline, load_config

    return Pipeline(load_config())


def test_the_tagger_phrase_loses_the_dateline(pipeline):
    found = sources(pipeline, "KABUL (Reuters) - Taliban fighters attacked a police post in Ghazni on Tuesday.")
    assert [span for _, span in found] == ["Taliban fighters"]


def test_a_phrase_the_parse_hung_on_the_dateline_starts_after_it(rules_pipeline):
    doc = rules_pipeline.nlp("MONROE - Federal and state police officers are searching the woods for the missing boy.")
    assert [m.actor.span.text for m in doc._.dyads_mentions][:1] == ["Federal and state police officers"]


def test_a_spaced_hyphen_in_a_title_is_no_dateline(rules_pipeline):
    assert dateline_end(next(rules_pipeline.nlp("US Vice - President Mike Pence has promised support.").sents)) is None
