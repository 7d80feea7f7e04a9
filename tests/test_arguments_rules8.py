"""Argument rules of the eighth round, on sentences we wrote, through the rules pipeline: the
other side of an act ("condolences to the Government of Peru") is no home for an unnamed official,
an event noun in the background of a clause ("after the bombing") borrows no doer, a recipient hung
on a noun of the object, the destination of a purpose clause's sender, a territory measure's place,
and the lexicon's handing-over, laying-down and strengthening entries."""

from __future__ import annotations

import pytest


def test_country_given_condolences_is_not_the_speakers_home(rules_event):
    event = rules_event("Prime Minister Tomas Varga expressed condolences to the Government of Peru.", "expressed")
    assert [a.code for a in event.sources] == [None]
    assert [(a.code, a.span.text) for a in event.targets] == [("PER", "the Government of Peru")]


def test_returning_home_still_gives_the_home(rules_event):
    event = rules_event("Ousted President Milan Orsic agreed to resign without returning to Croatia.", "agreed")
    assert [a.code for a in event.sources] == ["HRV"]


def test_background_event_noun_borrows_no_doer(rules_pipeline):
    (events,) = rules_pipeline.code_texts(["Chile sent condolences to Peru after the bombing of a market."])
    assert all(e.trigger.text != "bombing" or "CHL" not in [a.code for a in e.sources] for e in events)


def test_event_noun_object_still_borrows_the_doer(rules_event):
    event = rules_event("Russia launched airstrikes on rebel positions near Idlib.", "launched")
    assert [a.code for a in event.sources] == ["RUS"]


@pytest.mark.parametrize(
    ("sentence", "trigger", "target"),
    [
        ("Norway has provided 4 million dollars in emergency funding to Lebanon this year.", "provided", "LBN"),
        ("Canada gave 300 new rifles to the Malian army on Friday.", "gave", "MLI"),
        ("The Dutch military gives medical equipment to Ghana.", "gives", "GHA"),
        ("Estonia is sending an infantry platoon to Mali for the mission.", "sending", "MLI"),
    ],
)
def test_handing_over_codes_the_recipient(rules_event, sentence, trigger, target):
    event = rules_event(sentence, trigger)
    assert target in [a.code for a in event.targets]


def test_purpose_clause_acts_where_its_sender_sent_people(rules_event):
    event = rules_event("Italy has sent five forensic experts to Kenya to investigate the explosion.", "investigate")
    assert [a.code for a in event.sources] == ["ITA"] and [a.code for a in event.targets] == ["KEN"]


def test_territory_measure_targets_the_territory(rules_event):
    event = rules_event("Peruvian authorities declared a state of emergency in Peru on Monday.", "declared")
    assert [(a.code, a.span.text) for a in event.targets] == [("PER", "Peru")]


@pytest.mark.parametrize(
    ("sentence", "trigger", "code"),
    [
        ("The rebels laid down their weapons on Tuesday.", "laid", "0873"),
        ("Turkey has strengthened its forces along the border with Syria.", "strengthened", "154"),
    ],
)
def test_new_lexicon_entries(rules_event, sentence, trigger, code):
    assert rules_event(sentence, trigger).cameo_code == code
