"""Alignment network: cooperation minus conflict between actors, and blocs found by Louvain."""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx

from dyads.analytics.filters import (
    actor_key_params,
    actor_key_sql,
    check_count,
    check_window,
    date_window,
)
from dyads.analytics.models import Alignment, AlignmentEdge, AlignmentNode, Bloc
from dyads.io.rollups import BLOCS, blocs_ready
from dyads.io.store import Store

_KEYED = (
    "SELECT a.event_id, a.role, {key} AS k, a.span_start, a.span_end, a.span_text, len(a.sectors) = 0 AS bare"
    " FROM {actors} a{join}"
    " WHERE a.role IN ('source', 'target') AND a.code IS NOT NULL"
)
# one row per (event, unordered pair of different keys): a source and a target, or two sources
# acting together ("joint"); the target's span start and whether it is a bare code (no sector)
_PAIRS = (
    " pairs AS (SELECT s.event_id, least(s.k, t.k) AS a, greatest(s.k, t.k) AS b, false AS joint,"
    " t.bare, t.span_start AS t_start, t.span_end AS t_end, t.span_text AS t_text"
    " FROM keyed s JOIN keyed t ON s.event_id = t.event_id"
    " WHERE s.role = 'source' AND t.role = 'target' AND s.k <> t.k"
    " UNION ALL SELECT s.event_id, s.k, t.k, true, false, NULL, NULL, NULL"
    " FROM keyed s JOIN keyed t ON s.event_id = t.event_id"
    " WHERE s.role = 'source' AND t.role = 'source' AND s.k < t.k)"
)
PLACE_WORDS = ("in", "inside", "across", "over", "throughout")
"""A bare country target named only as where the event happened: its words right after one of
these ("struck targets in Syria" with the span "Syria"; not a possessive, "in Israel's history"),
or a span that is an object with no actor of its own placed there ("targets in Syria": no capital
letter before the place word, a proper name after it)."""
_WORDS = "|".join(PLACE_WORDS)
_BEFORE = (
    "substr(e.sentence_text, greatest(0, p.t_start - e.sentence_start - 16) + 1,"
    " p.t_start - e.sentence_start - greatest(0, p.t_start - e.sentence_start - 16))"
)
_AFTER = "substr(e.sentence_text, p.t_end - e.sentence_start + 1, 1)"
_PLACE = (
    f"coalesce(p.bare AND p.t_start >= e.sentence_start AND ("
    f"(regexp_matches({_BEFORE}, '(?i)\\b({_WORDS})\\s+(the\\s+)?$')"
    f" AND NOT starts_with({_AFTER}, chr(39)) AND NOT starts_with({_AFTER}, chr(8217)))"
    f" OR regexp_matches(p.t_text, '^[^A-Z]*\\b({_WORDS})\\s+[a-z -]*[A-Z][^ ]*( [A-Z][^ ]*){{0,2}}$')"
    "), false)"
)
_FACTS = (
    "SELECT p.event_id, p.a, p.b, e.quad_class, bool_or(p.joint) AS joint,"
    f" bool_and({_PLACE}) AS place,"
    " bool_or(e.quad_class = 0 AND e.cameo_code LIKE '02%' AND e.goldstein > 0) AS appeal{date}"
    " FROM pairs p JOIN {events} e ON e.id = p.event_id GROUP BY p.event_id, p.a, p.b, e.quad_class{date}"
)
"""One row per (event, unordered pair of keys) with its facts (the ``sel`` CTE below; with ``, e.date``
for ``{date}`` also the event's date: the rows of ``bloc_index``, :mod:`dyads.io.rollups`)."""
_SEL = " sel AS MATERIALIZED (" + _FACTS.replace("{date}", "") + "),"
_EDGES = (
    " edges AS (SELECT a, b, count(*) AS events,"
    " count(*) FILTER (WHERE joint OR quad_class IN (1, 2) OR appeal) AS cooperation,"
    " count(*) FILTER (WHERE NOT joint AND quad_class IN (3, 4) AND (? OR NOT place)) AS conflict,"
    " count(*) FILTER (WHERE NOT joint AND quad_class IN (3, 4) AND place) AS place_only"
    " FROM sel GROUP BY a, b HAVING count(*) >= ?),"
    " kept AS (SELECT sel.* FROM sel JOIN edges USING (a, b))"
)


def _pairs_sql(
    window: list[str], window_params: list[Any], min_events: int, *, place_targets: bool
) -> tuple[str, list[Any]]:
    """CTEs ending in ``edges`` and ``kept``: ``sel`` has one row per (event, unordered pair of
    keys), with its QuadClass and whether the pair acted jointly, the target is only a place, or
    the event is an appeal; ``edges`` the pairs with at least ``min_events`` events. Returns the
    SQL and its parameters.

    With a date window the events are filtered first (fewer actor rows to pair); without one the
    pairs are made first and joined to the events once (fewer rows to join)."""
    key = actor_key_sql("a")
    tail = [place_targets, min_events]
    if window:
        return (
            "WITH ev AS (SELECT e.id, e.quad_class, e.cameo_code, e.goldstein, e.sentence_text, e.sentence_start"
            f" FROM events e WHERE {' AND '.join(window)}),"
            f" keyed AS ({_KEYED.format(key=key, actors='event_actors', join=' JOIN ev ON ev.id = a.event_id')}),"
            + _PAIRS + "," + _SEL.replace("{events}", "ev") + _EDGES,
            [*window_params, *actor_key_params(), *tail],
        )
    return (
        f"WITH keyed AS ({_KEYED.format(key=key, actors='event_actors', join='')}),"
        + _PAIRS + "," + _SEL.replace("{events}", "events") + _EDGES,
        [*actor_key_params(), *tail],
    )


def pair_facts_sql(*, tables: tuple[str, str] | None = None) -> tuple[str, list[Any]]:
    """A query of the ``bloc_index`` rows (:mod:`dyads.io.rollups`): ``event_id, a, b, quad_class,
    joint, place, appeal, date`` for every stored event, or for the events and actor rows of
    ``tables`` (two relations shaped as ``events`` and ``event_actors``: a batch being written).
    The same SQL as :func:`alignment` without the index, so the two give the same pairs. Returns
    the SQL and its parameters."""
    key = actor_key_sql("a")
    facts = _FACTS.replace("{date}", ", e.date")
    events, actors = tables or ("events", "event_actors")
    return (
        f"WITH keyed AS ({_KEYED.format(key=key, actors=actors, join='')}),"
        + _PAIRS + " " + facts.replace("{events}", events),
        [*actor_key_params()],
    )


def _indexed_sql(
    window: list[str], window_params: list[Any], min_events: int, *, place_targets: bool
) -> tuple[str, list[Any]]:
    """As :func:`_pairs_sql`, the pairs read from ``bloc_index`` (one window's rows, sorted by date)."""
    cond = (" WHERE " + " AND ".join(window)) if window else ""
    return (
        "WITH sel AS MATERIALIZED (SELECT e.event_id, e.a, e.b, e.quad_class, e.joint, e.place, e.appeal"
        f" FROM {BLOCS} e{cond}),"
        + _EDGES,
        [*window_params, place_targets, min_events],
    )


# Edges and nodes in one query over the materialised pairs: kind 'edge' (a, b) or 'node' (a).
_RESULT = (
    " SELECT 'edge' AS kind, a, b, events, cooperation, conflict, place_only FROM edges"
    " UNION ALL"
    " SELECT 'node', node, NULL, count(DISTINCT event_id), NULL, NULL, NULL FROM"
    " (SELECT event_id, a AS node FROM kept UNION ALL SELECT event_id, b AS node FROM kept) GROUP BY node"
)


def alignment(
    store: Store,
    *,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    min_events: int = 1,
    seed: int = 0,
    place_targets: bool = False,
) -> Alignment:
    """Actor-to-actor cooperation and conflict over a window, and blocs of cooperating actors.

    Nodes are actor keys: the code (``RUS`` for ``RUS GOV`` and ``RUS MIL``), or ``CODE SECTOR``
    for a non-state sector (``SYR REB``), so rebels are not merged with their state. Each event
    adds, once per unordered pair of different keys, one to the pair's ``events`` and:

    - to ``cooperation`` when the pair are two sources acting together ("the United States and
      Jordan bombed ..."), or a source and a target of a cooperative event (QuadClass 1-2) or of an
      appeal (CAMEO 02x with a positive Goldstein weight: asking someone for aid or support);
    - to ``conflict`` when they are source and target of a conflict event (QuadClass 3-4), except
      when the target is a bare country named only as the place of the event ("struck targets in
      Syria"): that is counted in ``place_only`` instead, because bombing on a state's territory
      says nothing about whose side that state is on; ``place_targets=True`` counts it as conflict.

    ``score`` is cooperation minus conflict. Pairs with fewer than ``min_events`` events are dropped.
    Blocs: Louvain communities (seeded) of the graph whose edge weights are the positive scores;
    edges with a score of zero or less stay in ``edges`` but do not pull actors together.

    Raises:
        AnalyticsError: E631/E632 bad dates, E634 bad ``min_events`` / ``seed``.
    """
    start, end = check_window(since, until)
    min_events = check_count("min_events", min_events, minimum=1)
    seed = check_count("seed", seed, minimum=0)
    window, window_params = date_window("e.date", start, end)
    build = _indexed_sql if blocs_ready(store) else _pairs_sql
    head, params = build(window, window_params, min_events, place_targets=place_targets)
    rows = store.query(head + _RESULT, params)
    edge_rows = sorted((row for row in rows if row["kind"] == "edge"), key=lambda row: (row["a"], row["b"]))
    node_rows = sorted((row for row in rows if row["kind"] == "node"), key=lambda row: row["a"])
    edges = [
        AlignmentEdge(
            a=row["a"],
            b=row["b"],
            cooperation=int(row["cooperation"]),
            conflict=int(row["conflict"]),
            score=int(row["cooperation"]) - int(row["conflict"]),
            events=int(row["events"]),
            place_only=int(row["place_only"]),
        )
        for row in edge_rows
    ]
    blocs = find_blocs([row["a"] for row in node_rows], edges, seed=seed)
    bloc_of = {member: bloc.id for bloc in blocs for member in bloc.members}
    nodes = [AlignmentNode(actor=row["a"], events=int(row["events"]), bloc=bloc_of[row["a"]]) for row in node_rows]
    return Alignment(since=start, until=end, nodes=nodes, edges=edges, blocs=blocs)


def find_blocs(nodes: list[str], edges: list[AlignmentEdge], *, seed: int) -> list[Bloc]:
    """Louvain communities over the positive scores; every node is in exactly one bloc.

    Blocs are numbered from 0, largest first (ties: alphabetical first member); members sorted.
    Nodes and edges are added in sorted order so a seed always gives the same blocs.
    """
    graph = nx.Graph()
    graph.add_nodes_from(sorted(nodes))
    for edge in sorted(edges, key=lambda e: (e.a, e.b)):
        if edge.score > 0:
            graph.add_edge(edge.a, edge.b, weight=edge.score)
    if graph.number_of_nodes() == 0:
        return []
    communities = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    groups = sorted((sorted(group) for group in communities), key=lambda members: (-len(members), members[0]))
    return [Bloc(id=index, members=members) for index, members in enumerate(groups)]
