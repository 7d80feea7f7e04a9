"""Implied host-base cooperation, on hand-built events (no model needed)."""

from __future__ import annotations

from dyads.records import Actor, Event, Location, Span
from dyads.stages.compound import host_base_event

SENTENCE = "Russian bombers flew from an air base in Iran and struck targets in Syria."


def strike(*, sources: list[Actor], launch: Location | None, plover_type: str = "ASSAULT") -> Event:
    return Event(
        article_id="a", sentence_index=0, sentence=Span(start=0, end=len(SENTENCE), text=SENTENCE),
        trigger=Span(start=53, end=59, text="struck"), plover_type=plover_type, cameo_code="195",
        quad_class=4, goldstein=-10.0, sources=sources, launch_site=launch,
    )  # fmt: skip


IRAN = Location(name="Iran", country="IRN", feature="country", span=Span(start=41, end=45, text="Iran"))
RUS_MIL = Actor(code="RUS", sectors=["MIL"])


def test_a_state_military_striking_from_a_foreign_base_implies_the_hosts_cooperation():
    extra = host_base_event(strike(sources=[RUS_MIL], launch=IRAN))
    assert extra is not None
    assert (extra.plover_type, extra.cameo_code, extra.quad_class) == ("COOPERATE", "062", 2)
    assert extra.sources[0].code == "IRN" and extra.targets[0].label == "RUS MIL"
    assert extra.trigger == IRAN.span and extra.coder == "compound-host-base"


def test_no_cooperation_without_a_foreign_base_or_a_state_military():
    assert host_base_event(strike(sources=[RUS_MIL], launch=None)) is None
    assert host_base_event(strike(sources=[Actor(code="ISIS", sectors=["REB"])], launch=IRAN)) is None
    own = Location(name="Russia", country="RUS", feature="country", span=Span(start=41, end=45, text="Iran"))
    assert host_base_event(strike(sources=[RUS_MIL], launch=own)) is None
    assert host_base_event(strike(sources=[RUS_MIL], launch=IRAN, plover_type="MOBILIZE")) is None
