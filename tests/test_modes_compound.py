"""Modes, reciprocal actors and compound events on sentences we wrote (issue #3, item 5).
Runs the full default pipeline (spaCy model + classifier)."""

from __future__ import annotations

import pytest

from dyads import Pipeline, load_config

pytestmark = pytest.mark.slow

SENTENCES = {
    "visit": "Chinese Foreign Minister Wang Yi visited Islamabad on Monday.",
    "phone": "President Macron spoke by phone with Chancellor Scholz on Tuesday.",
    "multilateral": "Leaders of the G7 met in Hiroshima for a three-day summit on Friday.",
    "troops": "Russia deployed 10,000 troops to the Ukrainian border.",
    "weapons": "Russia moved Iskander missiles to Kaliningrad on Saturday.",
    "drone": "Israeli drones struck a car in southern Lebanon, killing two Hezbollah fighters.",
    "heavy": "Turkish artillery shelled Kurdish positions in northern Syria.",
    "firearms": "Gunmen opened fire on worshippers in a mosque in Kano.",
    "explosives": "A roadside bomb exploded near an army convoy in Helmand, killing three soldiers.",
    "agreed": "Pakistan and India agreed to restore the 2003 ceasefire along the Line of Control.",
    "each_other": "Armenia and Azerbaijan accused each other of violating the ceasefire.",
    "used_base": "Russian bombers used an Iranian air base to strike targets in Syria.",
}


@pytest.fixture(scope="module")
def coded() -> dict:
    pipeline = Pipeline(load_config())
    return dict(zip(SENTENCES, pipeline.code_texts(list(SENTENCES.values()))))


def first(coded: dict, key: str):
    return next(e for e in coded[key] if not e.statement_only)


@pytest.mark.parametrize(
    ("key", "plover_type", "mode"),
    [
        ("visit", "CONSULT", "visit"),
        ("phone", "CONSULT", "phone"),
        ("multilateral", "CONSULT", "multilateral"),
        ("troops", "MOBILIZE", "troops"),
        ("weapons", "MOBILIZE", "weapons"),
        ("drone", "ASSAULT", "drone"),
        ("heavy", "ASSAULT", "heavy-weapons"),
        ("firearms", "ASSAULT", "firearms"),
        ("explosives", "ASSAULT", "explosives"),
    ],
)
def test_modes(coded: dict, key: str, plover_type: str, mode: str) -> None:
    event = first(coded, key)
    assert (event.plover_type, event.plover_mode) == (plover_type, mode)


def test_a_and_b_agreed_gives_reciprocal_actors(coded: dict) -> None:
    event = first(coded, "agreed")
    assert event.plover_type == "AGREE"
    assert {a.code for a in event.sources} == {a.code for a in event.targets} == {"PAK", "IND"}


def test_each_other_gives_reciprocal_actors(coded: dict) -> None:
    event = first(coded, "each_other")
    assert event.plover_type == "ACCUSE"
    assert {a.code for a in event.targets} == {"ARM", "AZE"}


def test_used_base_to_strike_gives_attack_and_host_cooperation(coded: dict) -> None:
    strike = first(coded, "used_base")
    assert strike.plover_type == "ASSAULT" and strike.plover_mode == "aerial"
    assert [a.label for a in strike.sources] == ["RUS MIL"] and [a.code for a in strike.targets] == ["SYR"]
    host = next(e for e in coded["used_base"] if e.coder == "compound-host-base")
    assert (host.plover_type, host.cameo_code, host.plover_context) == ("COOPERATE", "062", ["military"])
    assert [a.code for a in host.sources] == ["IRN"] and [a.label for a in host.targets] == ["RUS MIL"]
    assert host.trigger.text == "an Iranian air base"
