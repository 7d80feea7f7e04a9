"""Fixtures shared by several test modules."""

from __future__ import annotations

import pytest

from dyads.actors import ActorDictionary
from dyads.geo.gazetteer import Gazetteer


@pytest.fixture(scope="module")
def actors() -> ActorDictionary:
    """The package's actor dictionary (built once per module)."""
    return ActorDictionary.default()


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    """The package gazetteer (built once per process, shared)."""
    return Gazetteer.default()


@pytest.fixture(scope="module")
def rules_pipeline():
    """The pipeline with the rules alone: no classifier, the rule-based place chooser."""
    from dyads import Pipeline, load_config

    return Pipeline(load_config(overrides={"classifier.model": "none", "places.chooser": "rules"}))


@pytest.fixture(scope="module")
def rules_event(rules_pipeline):
    """``rules_event(sentence, trigger)``: the event the rules pipeline codes on the word ``trigger``."""

    def event_on(sentence: str, trigger: str):
        (events,) = rules_pipeline.code_texts([sentence])
        return next(e for e in events if e.trigger.text == trigger)

    return event_on
