"""Fixtures shared by several test modules."""

from __future__ import annotations

import pytest

from dyads.actors import ActorDictionary


@pytest.fixture(scope="module")
def actors() -> ActorDictionary:
    """The package's actor dictionary (built once per module)."""
    return ActorDictionary.default()
