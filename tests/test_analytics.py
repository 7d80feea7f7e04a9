"""Analytics library: dyad series, actor profile, alignment blocs, claims, timeline, and the CLI
commands over them. Small stores are built by hand in ":memory:" so every figure is checked exactly."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dyads.analytics import (
    AlignmentEdge,
    actor_profile,
    alignment,
    claims,
    dyad_series,
    event_filters,
    find_blocs,
    render,
    timeline,
)
from dyads.cli import app
from dyads.errors import AnalyticsError
from dyads.io.store import Store
from dyads.records import Actor, Article, Attribution, Event, EventDate, Location, Span

D = dt.date


def actor(label: str) -> Actor:
    code, *sectors = label.split()
    return Actor(code=None if code == "---" else code, sectors=sectors)


def make_event(
    n: int,
    sources: list[str],
    targets: list[str],
    *,
    when: dt.date | None,
    quad: int,
    goldstein: float,
    plover: str | None = "CONSULT",
    status: str = "asserted",
    speaker: str | None = None,
    place: tuple[str, float, float] | None = None,
    words: str = "met with",
) -> tuple[Article, Event]:
    """One article holding one event; its sentence is ``"Event {n}: {words} someone."``."""
    sentence = f"Event {n}: {words} someone."
    article = Article.create(text=sentence, id=f"art-{n}", published=when)
    start = sentence.index(words)
    event = Event(
        article_id=article.id,
        sentence_index=0,
        sentence=Span(start=0, end=len(sentence), text=sentence),
        trigger=Span(start=start, end=start + len(words), text=words),
        plover_type=plover,
        cameo_code="010" if plover is None else "040",
        quad_class=quad,
        goldstein=goldstein,
        statement_only=plover is None,
        sources=[actor(label) for label in sources],
        targets=[actor(label) for label in targets],
        date=EventDate(date=when) if when else None,
        location=Location(name=place[0], country=place[0][:3].upper(), lat=place[1], lon=place[2]) if place else None,
        attribution=Attribution(status=status, speaker=actor(speaker) if speaker else None),
    ).assign_id()
    return article, event


def store_with(*items: tuple[Article, Event]) -> Store:
    store = Store.open(":memory:")
    store.write_batch([a for a, _ in items], [e for _, e in items])
    return store


# --------------------------------------------------------------------------- dyad series


@pytest.fixture()
def dyad_store():
    store = store_with(
        make_event(1, ["RUS MIL"], ["SYR"], when=D(2024, 1, 5), quad=4, goldstein=-10.0, plover="ASSAULT"),
        make_event(2, ["SYR GOV"], ["RUS GOV"], when=D(2024, 1, 20), quad=0, goldstein=0.0, plover=None),
        # several sources and targets on both sides: counts once
        make_event(3, ["RUS GOV", "RUS MIL"], ["SYR", "SYR GOV"], when=D(2024, 3, 10), quad=1, goldstein=3.0, plover="AGREE"),
        make_event(4, ["IRN"], ["SYR"], when=D(2024, 1, 6), quad=2, goldstein=6.0),
        make_event(5, ["RUSX"], ["SYR"], when=D(2024, 1, 7), quad=4, goldstein=-10.0),  # not RUS: whole words
        make_event(6, ["RUS"], ["SYR"], when=None, quad=4, goldstein=-10.0),  # undated: left out
        make_event(7, ["RUS MIL"], ["SYR REB"], when=D(2024, 3, 2), quad=4, goldstein=-10.0, plover="ASSAULT"),
        make_event(8, ["SYR"], ["IRN"], when=D(2024, 2, 1), quad=1, goldstein=1.0),
    )
    yield store
    store.close()


def test_dyad_series_by_month_both_directions(dyad_store):
    series = dyad_series(dyad_store, "rus", "SYR", by="month")
    assert (series.source, series.target, series.by, series.directed, series.total) == ("RUS", "SYR", "month", False, 4)
    assert [p.period for p in series.points] == [D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)]
    jan, feb, mar = series.points
    assert jan.events == 2 and jan.by_quad == {"0": 1, "1": 0, "2": 0, "3": 0, "4": 1}
    assert jan.goldstein_sum == -10.0 and jan.goldstein_mean == -5.0
    assert jan.by_type == {"ASSAULT": 1, "STATEMENT": 1}
    assert feb.events == 0 and feb.goldstein_mean is None and feb.by_type == {} and sum(feb.by_quad.values()) == 0
    assert mar.events == 2 and mar.by_quad == {"0": 0, "1": 1, "2": 0, "3": 0, "4": 1}
    assert mar.goldstein_sum == -7.0 and mar.goldstein_mean == -3.5
    assert mar.by_type == {"AGREE": 1, "ASSAULT": 1}


def test_dyad_series_directed_weeks_and_window(dyad_store):
    forward = dyad_series(dyad_store, "RUS", "SYR", by="month", directed=True)
    assert forward.total == 3 and [p.events for p in forward.points] == [1, 0, 2]
    backward = dyad_series(dyad_store, "SYR", "RUS", directed=True)
    assert backward.total == 1 and backward.points[0].by_type == {"STATEMENT": 1}

    weeks = dyad_series(dyad_store, "RUS", "SYR", by="week")
    assert weeks.points[0].period == D(2024, 1, 1) and weeks.points[-1].period == D(2024, 3, 4)  # Mondays
    assert len(weeks.points) == 10 and weeks.total == 4
    assert {p.period: p.events for p in weeks.points if p.events} == {
        D(2024, 1, 1): 1, D(2024, 1, 15): 1, D(2024, 2, 26): 1, D(2024, 3, 4): 1,
    }
    days = dyad_series(dyad_store, "RUS", "SYR", by="day", since=D(2024, 3, 1), until="2024-03-10")
    assert days.total == 2 and len(days.points) == 9 and days.points[0].period == D(2024, 3, 2)

    assert dyad_series(dyad_store, "RUS", "SYR REB").total == 1  # a label prefix with a sector
    assert dyad_series(dyad_store, "RUS", "SYR", since=D(2025, 1, 1)).points == []


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"by": "year"}, "E630"),
        ({"since": D(2024, 5, 1), "until": D(2024, 1, 1)}, "E631"),
        ({"since": "May 2024"}, "E632"),
        ({"source": "r!s"}, "E633"),
        ({"target": ""}, "E633"),
    ],
)
def test_dyad_series_bad_arguments(dyad_store, kwargs, code):
    args = {"source": "RUS", "target": "SYR", **kwargs}
    with pytest.raises(AnalyticsError) as info:
        dyad_series(dyad_store, args.pop("source"), args.pop("target"), **args)
    assert info.value.code == code and info.value.fix


# --------------------------------------------------------------------------- actor profile


@pytest.fixture()
def profile_store():
    store = store_with(
        make_event(1, ["RUS MIL"], ["UKR"], when=D(2024, 2, 1), quad=4, goldstein=-10.0, plover="ASSAULT"),
        make_event(2, ["RUS GOV"], ["UKR GOV"], when=D(2024, 2, 3), quad=1, goldstein=3.0, plover="AGREE"),
        make_event(3, ["USA"], ["RUS GOV"], when=D(2024, 1, 15), quad=3, goldstein=-4.0, plover="SANCTION"),
        make_event(4, ["RUS LEG"], ["RUS", "IRN"], when=D(2024, 3, 1), quad=1, goldstein=3.4, plover="SUPPORT"),
        make_event(5, ["RUS"], ["UKR REB", "---"], when=D(2024, 3, 5), quad=0, goldstein=0.0, plover=None),
        make_event(6, ["IRN"], ["USA"], when=D(2024, 3, 5), quad=3, goldstein=-4.0),
        make_event(7, ["RUSX"], ["UKR"], when=D(2023, 1, 1), quad=4, goldstein=-10.0),
        make_event(8, ["RUS"], ["CHN"], when=D(2024, 3, 6), quad=1, goldstein=3.0, plover="AGREE"),
    )
    yield store
    store.close()


def test_actor_profile_counts_types_partners(profile_store):
    profile = actor_profile(profile_store, "RUS")
    assert (profile.actor, profile.events, profile.as_source, profile.as_target) == ("RUS", 6, 5, 2)
    assert (profile.first_seen, profile.last_seen) == (D(2024, 1, 15), D(2024, 3, 6))
    assert profile.by_quad == {"0": 1, "1": 3, "2": 0, "3": 1, "4": 1}
    assert profile.balance == pytest.approx((3 - 2) / 6, abs=1e-6)
    assert [(t.plover_type, t.events) for t in profile.top_types] == [
        ("AGREE", 2), ("ASSAULT", 1), ("SANCTION", 1), ("STATEMENT", 1), ("SUPPORT", 1),
    ]
    partners = [(p.actor, p.events, p.cooperation, p.conflict, p.goldstein_mean) for p in profile.partners]
    # UKR and UKR GOV are one partner; RUS (itself) and the uncoded target are none
    assert partners == [
        ("UKR", 2, 1, 1, -3.5),
        ("CHN", 1, 1, 0, 3.0),
        ("IRN", 1, 1, 0, 3.4),
        ("UKR REB", 1, 0, 0, 0.0),
        ("USA", 1, 0, 1, -4.0),
    ]


def test_actor_profile_prefix_window_top_and_empty(profile_store):
    mil = actor_profile(profile_store, "RUS MIL")
    assert mil.events == 1 and [p.actor for p in mil.partners] == ["UKR"] and mil.balance == -1.0
    late = actor_profile(profile_store, "RUS", since=D(2024, 3, 1), top=2)
    assert late.events == 3 and late.first_seen == D(2024, 3, 1)
    assert [t.plover_type for t in late.top_types] == ["AGREE", "STATEMENT"] and len(late.partners) == 2
    nobody = actor_profile(profile_store, "ZZZ")
    assert nobody.events == 0 and nobody.balance == 0.0 and nobody.first_seen is None
    assert nobody.partners == [] and nobody.top_types == [] and nobody.by_quad == dict.fromkeys("01234", 0)
    with pytest.raises(AnalyticsError) as info:
        actor_profile(profile_store, "RUS", top=-1)
    assert info.value.code == "E634"


# --------------------------------------------------------------------------- alignment


@pytest.fixture()
def alignment_store():
    coop = {"quad": 1, "goldstein": 3.0}
    items = [
        make_event(1, ["RUS GOV"], ["SYR GOV"], when=D(2024, 1, 1), **coop),
        make_event(2, ["RUS GOV"], ["SYR GOV"], when=D(2024, 1, 2), **coop),
        make_event(3, ["IRN"], ["SYR MIL"], when=D(2024, 1, 3), quad=2, goldstein=6.0),
        make_event(4, ["IRN"], ["RUS"], when=D(2024, 1, 4), **coop),
        make_event(5, ["USA"], ["SYR REB"], when=D(2024, 1, 5), quad=2, goldstein=6.0),
        make_event(6, ["USA"], ["SYR REB"], when=D(2024, 1, 6), quad=2, goldstein=6.0),
        make_event(7, ["USA GOV"], ["GBR"], when=D(2024, 1, 7), **coop),
        make_event(8, ["USA GOV"], ["GBR"], when=D(2024, 1, 8), **coop),
        make_event(9, ["RUS MIL"], ["SYR REB"], when=D(2024, 2, 1), quad=4, goldstein=-10.0),
        make_event(10, ["RUS MIL"], ["SYR REB"], when=D(2024, 2, 2), quad=4, goldstein=-10.0),
        make_event(11, ["RUS MIL"], ["SYR REB"], when=D(2024, 2, 3), quad=4, goldstein=-10.0),
        make_event(12, ["SYR MIL"], ["SYR REB"], when=D(2024, 2, 4), quad=4, goldstein=-10.0),
        make_event(13, ["USA"], ["RUS"], when=D(2024, 2, 5), quad=3, goldstein=-4.0),
        make_event(14, ["RUS", "IRN"], ["SYR", "SYR GOV"], when=D(2024, 2, 6), **coop),  # one event per pair
        make_event(15, ["RUS GOV"], ["RUS MIL", "---"], when=D(2024, 2, 7), **coop),  # self / uncoded: no pair
        make_event(16, ["RUS"], ["SYR"], when=D(2024, 2, 8), quad=0, goldstein=0.0, plover=None),  # neutral
    ]
    store = store_with(*items)
    yield store
    store.close()


def test_alignment_edges_nodes_and_blocs(alignment_store):
    result = alignment(alignment_store)
    edges = {(e.a, e.b): (e.events, e.cooperation, e.conflict, e.score) for e in result.edges}
    assert edges == {
        ("IRN", "RUS"): (2, 2, 0, 2),  # event 4, and event 14 where they act together
        ("IRN", "SYR"): (2, 2, 0, 2),
        ("RUS", "SYR"): (4, 3, 0, 3),
        ("SYR REB", "USA"): (2, 2, 0, 2),
        ("GBR", "USA"): (2, 2, 0, 2),
        ("RUS", "SYR REB"): (3, 0, 3, -3),
        ("SYR", "SYR REB"): (1, 0, 1, -1),
        ("RUS", "USA"): (1, 0, 1, -1),
    }
    nodes = {n.actor: n.events for n in result.nodes}
    assert nodes == {"GBR": 2, "IRN": 3, "RUS": 9, "SYR": 6, "SYR REB": 6, "USA": 5}
    assert [(b.id, b.members) for b in result.blocs] == [(0, ["GBR", "SYR REB", "USA"]), (1, ["IRN", "RUS", "SYR"])]
    assert {n.actor: n.bloc for n in result.nodes} == {"GBR": 0, "SYR REB": 0, "USA": 0, "IRN": 1, "RUS": 1, "SYR": 1}
    assert result.since is None and result.until is None


def test_alignment_min_events_window_and_seed(alignment_store):
    kept = alignment(alignment_store, min_events=2)
    assert {(e.a, e.b) for e in kept.edges} == {
        ("IRN", "RUS"), ("IRN", "SYR"), ("RUS", "SYR"), ("SYR REB", "USA"), ("GBR", "USA"), ("RUS", "SYR REB"),
    }
    assert {n.actor: n.events for n in kept.nodes}["RUS"] == 8  # events 1, 2, 4, 9, 10, 11, 14, 16
    february = alignment(alignment_store, since="2024-02-01", until=D(2024, 2, 28))
    assert february.since == D(2024, 2, 1)
    assert {(e.a, e.b) for e in february.edges} == {
        ("IRN", "RUS"), ("IRN", "SYR"), ("RUS", "SYR"), ("RUS", "SYR REB"), ("SYR", "SYR REB"), ("RUS", "USA"),
    }
    assert alignment(alignment_store, seed=7) == alignment(alignment_store, seed=7)
    for bad in ({"min_events": 0}, {"seed": -1}, {"since": D(2024, 3, 1), "until": D(2024, 1, 1)}):
        with pytest.raises(AnalyticsError):
            alignment(alignment_store, **bad)


def spanned_event(
    n: int, sentence: str, sources: list[str], target: str, *, cameo: str, quad: int, goldstein: float, code: str | None = None
):
    """An article of one sentence whose event's target actor spans the text ``target`` (its last
    occurrence); the sources carry no span. The target's code is ``code`` or the text's first three letters."""
    article = Article.create(text=sentence, id=f"spanned-{n}", published=D(2024, 5, n))
    start = sentence.rindex(target)
    target_actor = Actor(code=code or target[:3].upper(), span=Span(start=start, end=start + len(target), text=target))
    event = Event(
        article_id=article.id,
        sentence_index=0,
        sentence=Span(start=0, end=len(sentence), text=sentence),
        trigger=Span(start=0, end=1, text=sentence[0]),
        plover_type=None if quad == 0 else "ASSAULT",
        cameo_code=cameo,
        quad_class=quad,
        goldstein=goldstein,
        statement_only=quad == 0,
        sources=[actor(label) for label in sources],
        targets=[target_actor],
        date=EventDate(date=D(2024, 5, n)),
    ).assign_id()
    return article, event


def test_alignment_place_only_targets_appeals_and_joint_action():
    items = [
        # a country named only as the place of the attack: not conflict with that country
        spanned_event(1, "Russian bombers struck targets in Syria.", ["RUS MIL"], "Syria", cameo="195", quad=4, goldstein=-10),
        spanned_event(2, "Jets carried out strikes inside the Syria border zone.", ["RUS"], "Syria", cameo="195", quad=4, goldstein=-10),
        # the same when the span is the placed object ("targets in Syria") ...
        spanned_event(8, "Bombers hit targets in Syria.", ["RUS"], "targets in Syria", cameo="195", quad=4, goldstein=-10, code="SYR"),
        # ... but not when a demonym names whose they are
        spanned_event(9, "Jets hit Syrian bases in Syria.", ["RUS"], "Syrian bases in Syria", cameo="195", quad=4, goldstein=-10, code="SYR"),
        # a possessive after "in" is an owner, not a place: conflict
        spanned_event(3, "Gunmen killed dozens in Israel's south.", ["HMS REB"], "Israel", cameo="190", quad=4, goldstein=-10),
        # the object of the attack: conflict
        spanned_event(4, "Missiles hit Israel overnight.", ["IRN"], "Israel", cameo="195", quad=4, goldstein=-10),
        # an appeal for aid (quad 0, positive Goldstein) ties the pair; a plain statement does not
        spanned_event(5, "Damascus asked Russia for military help.", ["SYR GOV"], "Russia", cameo="023", quad=0, goldstein=3.4),
        spanned_event(6, "Damascus commented on Russia.", ["SYR GOV"], "Russia", cameo="010", quad=0, goldstein=0.0),
        # two sources of one attack acted together: cooperation between them
        spanned_event(7, "U.S. and Jordanian jets bombed Islamic State.", ["USA MIL", "JOR MIL"], "Islamic State", cameo="195", quad=4, goldstein=-10),
    ]
    store = store_with(*items)
    try:
        edges = {(e.a, e.b): (e.events, e.cooperation, e.conflict, e.place_only) for e in alignment(store).edges}
        assert edges[("RUS", "SYR")] == (6, 1, 1, 3)
        assert edges[("HMS REB", "ISR")] == (1, 0, 1, 0)
        assert edges[("IRN", "ISR")] == (1, 0, 1, 0)
        assert edges[("JOR", "USA")] == (1, 1, 0, 0)
        assert edges[("ISL", "USA")] == (1, 0, 1, 0) and edges[("ISL", "JOR")] == (1, 0, 1, 0)
        counted = {(e.a, e.b): (e.conflict, e.place_only) for e in alignment(store, place_targets=True).edges}
        assert counted[("RUS", "SYR")] == (4, 3)
        windowed = alignment(store, since=D(2024, 5, 1), until=D(2024, 5, 31))
        assert {(e.a, e.b): (e.events, e.cooperation, e.conflict, e.place_only) for e in windowed.edges} == edges
    finally:
        store.close()


def test_find_blocs_ignores_conflict_and_keeps_isolated_nodes():
    edges = [
        AlignmentEdge(a="A", b="B", cooperation=5, conflict=0, score=5, events=5),
        AlignmentEdge(a="B", b="C", cooperation=1, conflict=9, score=-8, events=10),
        AlignmentEdge(a="C", b="D", cooperation=2, conflict=0, score=2, events=2),
    ]
    blocs = find_blocs(["D", "C", "B", "A", "E"], edges, seed=0)
    assert [b.members for b in blocs] == [["A", "B"], ["C", "D"], ["E"]]
    assert [b.id for b in blocs] == [0, 1, 2]
    assert find_blocs([], [], seed=0) == []


# --------------------------------------------------------------------------- claims


def test_claims_by_status_and_speaker():
    store = store_with(
        make_event(1, ["RUS"], ["UKR"], when=D(2024, 1, 1), quad=4, goldstein=-10, status="claimed", speaker="RUS GOV"),
        make_event(2, ["RUS"], ["UKR"], when=D(2024, 1, 2), quad=4, goldstein=-10, status="denied", speaker="RUS GOV"),
        make_event(3, ["RUS"], ["UKR"], when=D(2024, 1, 3), quad=4, goldstein=-10, status="claimed", speaker="RUS GOV"),
        make_event(4, ["UKR"], ["RUS"], when=D(2024, 1, 4), quad=4, goldstein=-10, status="claimed", speaker="UKR MIL"),
        make_event(5, ["USA"], ["RUS"], when=D(2024, 1, 5), quad=3, goldstein=-4, status="hypothetical", speaker="USA"),
        make_event(6, ["USA"], ["RUS"], when=D(2024, 2, 5), quad=3, goldstein=-4, status="negated", speaker="USA"),
        make_event(7, ["USA"], ["RUS"], when=D(2024, 2, 6), quad=3, goldstein=-4),  # asserted, no speaker
    )
    result = claims(store)
    assert result.by_status == {"asserted": 1, "claimed": 3, "denied": 1, "negated": 1, "hypothetical": 1}
    rows = [(s.speaker, s.events, {k: v for k, v in s.by_status.items() if v}) for s in result.by_speaker]
    assert rows == [
        ("RUS GOV", 3, {"claimed": 2, "denied": 1}),
        ("USA", 2, {"hypothetical": 1, "negated": 1}),
        ("UKR MIL", 1, {"claimed": 1}),
    ]
    assert all(set(s.by_status) == set(result.by_status) for s in result.by_speaker)
    january = claims(store, until=D(2024, 1, 31), top=1)
    assert january.by_status["asserted"] == 0 and january.by_status["claimed"] == 3
    assert [s.speaker for s in january.by_speaker] == ["RUS GOV"]
    store.close()


# --------------------------------------------------------------------------- timeline


@pytest.fixture()
def timeline_store():
    store = store_with(
        make_event(1, ["RUS MIL"], ["UKR"], when=D(2024, 1, 1), quad=4, goldstein=-10, plover="ASSAULT",
                   place=("ukr Kharkiv", 49.99, 36.23), words="shelled"),
        make_event(2, ["UKR"], ["RUS"], when=D(2024, 1, 3), quad=4, goldstein=-10, plover="ASSAULT",
                   place=("rus Belgorod", 50.6, 36.6), status="claimed", words="struck"),
        make_event(3, ["USA"], ["UKR GOV"], when=D(2024, 1, 3), quad=2, goldstein=7.4, plover="AID",
                   words="sent weapons to"),
        make_event(4, ["RUS"], ["USA"], when=D(2024, 1, 10), quad=3, goldstein=-4, plover="ACCUSE",
                   words="accused Ünal of"),
        make_event(5, ["FJI"], ["NZL"], when=D(2024, 1, 10), quad=1, goldstein=3, place=("fji Suva", -18.1, 178.4)),
        make_event(6, ["RUS"], ["UKR"], when=None, quad=4, goldstein=-10),
    )
    yield store
    store.close()


def points(result) -> dict[dt.date, tuple[int, dict[str, int]]]:
    return {p.period: (p.events, {k: v for k, v in p.by_quad.items() if v}) for p in result.points}


def test_timeline_by_day_and_week(timeline_store):
    daily = timeline(timeline_store)
    assert daily.by == "day" and len(daily.points) == 10  # 1 Jan .. 10 Jan, gaps filled
    assert points(daily)[D(2024, 1, 3)] == (2, {"2": 1, "4": 1})
    assert points(daily)[D(2024, 1, 2)] == (0, {})
    assert sum(p.events for p in daily.points) == 5  # the undated event is left out
    weekly = timeline(timeline_store, by="week")
    assert points(weekly) == {D(2024, 1, 1): (3, {"2": 1, "4": 2}), D(2024, 1, 8): (2, {"1": 1, "3": 1})}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"actor": "RUS"}, 3),
        ({"source": "RUS"}, 2),
        ({"target": "UKR"}, 2),
        ({"target": "UKR GOV"}, 1),
        ({"country": "rus"}, 1),
        ({"type": "assault"}, 2),
        ({"quad": 4}, 2),
        ({"quad": "2"}, 1),
        ({"status": "claimed"}, 1),
        ({"since": "2024-01-03", "until": D(2024, 1, 3)}, 2),
        ({"bbox": "30,45,40,55"}, 2),
        ({"bbox": (170, -20, -170, -10)}, 1),  # across the antimeridian
        ({"q": "WEAPONS"}, 1),
        ({"q": "ünal"}, 1),
        ({"q": "event 5:"}, 1),  # sentence text, not only the trigger
        ({"article": "art-2"}, 1),
        ({"actor": "RUS", "quad": 4, "country": None}, 2),
    ],
)
def test_timeline_filters(timeline_store, filters, expected):
    assert sum(p.events for p in timeline(timeline_store, by="month", **filters).points) == expected


@pytest.mark.parametrize(
    ("filters", "code"),
    [
        ({"colour": "red"}, "E635"),
        ({"quad": 5}, "E635"),
        ({"status": "rumoured"}, "E635"),
        ({"bbox": "1,2,3"}, "E635"),
        ({"bbox": "0,50,10,40"}, "E635"),
        ({"q": "  "}, "E635"),
        ({"actor": "R"}, "E633"),
        ({"since": "2024-02-01", "until": "2024-01-01"}, "E631"),
        ({"by": "hour"}, "E630"),
    ],
)
def test_timeline_bad_filters(timeline_store, filters, code):
    with pytest.raises(AnalyticsError) as info:
        timeline(timeline_store, **filters)
    assert info.value.code == code


def test_event_filters_normalise():
    checked = event_filters(actor=" rus  mil ", country="syr", type="assault", status="Claimed", q=" Hit ", quad="3")
    assert (checked.actor, checked.country, checked.type, checked.status, checked.q, checked.quad) == (
        "RUS MIL", "SYR", "ASSAULT", "claimed", "hit", 3,
    )
    assert event_filters(since=dt.datetime(2024, 1, 2, 10, 0)).since == D(2024, 1, 2)


# --------------------------------------------------------------------------- CLI


runner = CliRunner()


@pytest.fixture()
def alignment_db(tmp_path: Path, alignment_store) -> Path:
    path = tmp_path / "news.duckdb"
    rows = alignment_store.query("SELECT record FROM events")
    events = [Event.model_validate_json(row["record"]) for row in rows]
    articles = [alignment_store.article(e.article_id) for e in events]
    with Store.open(path) as store:
        store.write_batch(articles, events)
    return path


@pytest.mark.parametrize("command", ["dyad", "blocs", "actor"])
def test_analytics_commands_have_help_with_an_example(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and f"Example: dyads {command}" in " ".join(result.output.split())


def test_cli_prints_what_the_library_returns(alignment_db):
    with Store.open(alignment_db, read_only=True) as store:
        series = dyad_series(store, "RUS", "SYR", by="week", directed=True)
        profile = actor_profile(store, "RUS", top=3)
        blocs = alignment(store, min_events=2)
    cases = [
        (["dyad", "RUS", "SYR", "--by", "week", "--directed"], series),
        (["actor", "RUS", "--top", "3"], profile),
        (["blocs", "--min-events", "2"], blocs),
    ]
    for args, expected in cases:
        out = runner.invoke(app, [*args, "--db", str(alignment_db), "--format", "json"], catch_exceptions=False)
        assert out.exit_code == 0, out.output
        assert json.loads(out.output) == expected.model_dump(mode="json")
        table = runner.invoke(app, [*args, "--db", str(alignment_db)], catch_exceptions=False)
        assert table.output.strip() == render(expected).strip()
    assert "RUS -> SYR by week: 7 events" in render(series)  # SYR matches SYR GOV, SYR MIL and SYR REB
    assert "bloc 0: GBR, SYR REB, USA" in render(blocs) and "bloc 1: IRN, RUS, SYR" in render(blocs)
    assert "RUS: 10 events (8 as source, 3 as target)" in render(profile)


def test_cli_bad_arguments_raise_analytics_errors(alignment_db):
    bad_period = runner.invoke(app, ["dyad", "RUS", "SYR", "--db", str(alignment_db), "--by", "year"])
    assert isinstance(bad_period.exception, AnalyticsError) and bad_period.exception.code == "E630"
    bad_format = runner.invoke(app, ["actor", "RUS", "--db", str(alignment_db), "--format", "xml"])
    assert isinstance(bad_format.exception, AnalyticsError) and bad_format.exception.code == "E636"


# --------------------------------------------------------------------------- the demo corpus


@pytest.mark.slow
def test_demo_blocs(tmp_path: Path):
    """On our demo articles the four-state coalition (Russia, Iran, Iraq, Syria) is one bloc, for
    every seed tried, without the United States or the US-backed Syrian rebels."""
    db = tmp_path / "demo.duckdb"
    assert runner.invoke(app, ["demo", "--db", str(db), "--quiet"]).exit_code == 0
    with Store.open(db, read_only=True) as store:
        for seed in range(3):
            result = alignment(store, seed=seed)
            bloc_of = {node.actor: node.bloc for node in result.nodes}
            assert bloc_of["RUS"] == bloc_of["IRN"] == bloc_of["IRQ"] == bloc_of["SYR"]
            members = next(b.members for b in result.blocs if b.id == bloc_of["RUS"])
            assert "SYR REB" not in members and "USA" not in members
