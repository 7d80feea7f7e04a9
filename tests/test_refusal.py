"""A negated act of cooperation is coded as the refusal it states (CAMEO 12x, PLOVER REJECT)."""

from __future__ import annotations

import pytest
from test_store import make_article, make_event

from dyads.coder.refusal import as_refusal, refusal_code
from dyads.ontology import cameo


@pytest.mark.parametrize(
    ("refused", "code"),
    [("040", "125"), ("043", "125"), ("057", "120"), ("051", "120"), ("061", "121"), ("070", "122"),
     ("085", "124"), ("0874", "124"), ("083", "123"), ("036", "125"), ("033", "122"), ("030", "120")],
)
def test_the_refusal_of_each_kind_of_cooperation(refused: str, code: str) -> None:
    assert refusal_code(refused) == code
    assert cameo(code).plover_type == "REJECT" and cameo(code).quad_class == 3


@pytest.mark.parametrize("code", ["010", "020", "111", "130", "163", "190", "195"])
def test_statements_appeals_and_conflict_are_not_refusals(code: str) -> None:
    assert refusal_code(code) is None


def test_as_refusal_keeps_the_refused_code_and_everything_else() -> None:
    article = make_article(1)
    event = make_event(article, cameo="085", plover="CONCEDE", quad=2, status="negated")
    refused = as_refusal(event)
    assert refused is not None
    assert (refused.plover_type, refused.cameo_code, refused.quad_class) == ("REJECT", "124", 3)
    assert refused.goldstein == cameo("124").goldstein and refused.plover_mode == cameo("124").plover_mode
    assert refused.negated_code == "085"
    assert (refused.sources, refused.targets, refused.trigger, refused.date) == (event.sources, event.targets, event.trigger, event.date)
    assert event.cameo_code == "085" and event.negated_code is None  # the input is not changed
    # a stated intent: the act intended says what is refused
    intent = make_event(article, cameo="035", plover="AGREE", quad=1, status="negated").model_copy(update={"intended_code": "085"})
    refused_intent = as_refusal(intent)
    assert refused_intent is not None and refused_intent.cameo_code == "124"
    assert refused_intent.negated_code == "035" and refused_intent.intended_code is None
    # a negated attack is no refusal
    assert as_refusal(make_event(article, cameo="190", status="negated")) is None


@pytest.mark.parametrize(
    ("sentence", "trigger", "code", "negated_code", "status"),
    [
        ("Bangladesh says it will not accept any more refugees from Myanmar.", "accept", "120", "030", "claimed"),
        ("Clinton has said he will not lift the embargo on Vietnam.", "lift", "124", "035", "claimed"),
        ("The United States and South Korea failed to reach agreement on a trade deal.", "reach", "120", "057", "asserted"),
    ],
)
def test_refusals_in_sentences(rules_event, sentence, trigger, code, negated_code, status) -> None:
    event = rules_event(sentence, trigger)
    assert (event.plover_type, event.cameo_code, event.quad_class) == ("REJECT", code, 3)
    assert event.negated_code == negated_code and event.attribution.status == status


def test_a_negated_attack_stays_negated(rules_event) -> None:
    event = rules_event("Russian troops did not shell the border town on Monday.", "shell")
    assert event.plover_type == "ASSAULT" and event.attribution.status == "negated" and event.negated_code is None


@pytest.mark.parametrize(
    ("sentence", "trigger", "code", "refused"),
    [
        ("Hungary refused to sign a joint EU statement on Hong Kong.", "sign", "120", "057"),
        ("Russia refused to meet Ukrainian negotiators in Istanbul.", "meet", "125", "040"),
        ("The government refused to release the detained journalists.", "release", "124", "084"),
    ],
)
def test_refused_to_act_is_one_refusal_of_that_act(rules_pipeline, sentence, trigger, code, refused) -> None:
    """"refused to sign": the signing did not happen (it used to be coded as asserted), and its
    refusal replaces the REJECT of "refused" itself, so the refusal is counted once."""
    (events,) = rules_pipeline.code_texts([sentence])
    assert [(e.trigger.text, e.plover_type, e.cameo_code, e.negated_code) for e in events] == [(trigger, "REJECT", code, refused)]
    assert events[0].attribution.status == "asserted" and events[0].sources


def test_refusing_a_thing_stays_a_rejection(rules_pipeline) -> None:
    (events,) = rules_pipeline.code_texts(["Serbia refused the proposal."])
    assert [(e.trigger.text, e.plover_type, e.negated_code) for e in events] == [("refused", "REJECT", None)]
