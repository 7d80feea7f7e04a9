"""Actor profile: how often an actor acts and is acted on, what it does, and with whom."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dyads.analytics.filters import (
    QUADS,
    STATEMENT,
    actor_key_params,
    actor_key_sql,
    actor_label,
    actor_match,
    actor_params,
    check_count,
    check_window,
    date_window,
    label_match,
    prefix_param,
    where,
)
from dyads.analytics.models import ActorProfile, Partner, TypeCount
from dyads.io.rollups import index_ready
from dyads.io.store import Store

_DECIMALS = 6


def _selected(window: list[str]) -> str:
    """CTE ``sel``: the actor's events in the window, with whether it is a source / a target there
    (from the events' prefix columns). Bind ``_selected_params(label, window_params)``."""
    return (
        "WITH sel AS MATERIALIZED (SELECT e.id, e.date, e.quad_class, e.plover_type, e.goldstein,"
        f" {actor_match('source')} AS src, {actor_match('target')} AS tgt"
        " FROM events e" + where([actor_match(), *window]) + ")"
    )


def _selected_params(label: str, window_params: list[Any]) -> list[Any]:
    return [*actor_params(label, "source"), *actor_params(label, "target"), *actor_params(label), *window_params]


def actor_profile(
    store: Store,
    actor: str,
    *,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    top: int = 10,
) -> ActorProfile:
    """Counts, first/last dates, QuadClass mix, cooperation/conflict balance, the ``top`` event
    types and the ``top`` partners of ``actor`` (a code or label prefix, matched on sources and targets).

    Partners are the actors on the other side of its events (targets where it is a source, sources
    where it is a target), keyed like alignment nodes (country code, or "CODE SECTOR" for non-state
    sectors); actors matching ``actor`` itself and uncoded ones are not partners.

    Raises:
        AnalyticsError: E631/E632 bad dates, E633 bad actor, E634 bad ``top``.
    """
    label = actor_label(actor)
    start, end = check_window(since, until)
    top = check_count("top", top, minimum=0)
    if index_ready(store):
        # The actor index holds the actor's events with their partners' keys: no scan, no join.
        window, window_params = date_window("x.date", start, end)
        head = (
            "WITH sel AS MATERIALIZED (SELECT x.id, x.date, x.quad_class, x.plover_type, x.goldstein, x.src, x.tgt,"
            " x.partners FROM actor_index x" + where(["x.prefix = ?", *window]) + "),"
            " p AS (SELECT s.id, s.quad_class, s.goldstein, unnest(s.partners) AS partner FROM sel s),"
        )
        head_params = [label, *window_params]
    else:
        window, window_params = date_window("e.date", start, end)
        head = (
            _selected(window) + ", p AS (SELECT DISTINCT s.id, s.quad_class, s.goldstein, "
            + actor_key_sql("o")
            + " AS partner FROM sel s JOIN event_actors o ON o.event_id = s.id"
            " WHERE o.code IS NOT NULL AND NOT " + label_match("o")
            + " AND ((s.src AND o.role = 'target') OR (s.tgt AND o.role = 'source'))),"
        )
        head_params = [*_selected_params(label, window_params), *actor_key_params(), prefix_param(label)]

    rows = store.query(
        head + " mix AS (SELECT quad_class AS quad, coalesce(plover_type, ?) AS plover_type, src, tgt, count(*) AS n,"
        " min(date) AS first_seen, max(date) AS last_seen FROM sel GROUP BY ALL),"
        " best AS (SELECT partner, count(*) AS n, count(*) FILTER (WHERE quad_class IN (1, 2)) AS cooperation,"
        " count(*) FILTER (WHERE quad_class IN (3, 4)) AS conflict, avg(goldstein) AS goldstein_mean"
        " FROM p GROUP BY partner ORDER BY n DESC, partner LIMIT ?)"
        " SELECT 'mix' AS kind, quad, plover_type, src, tgt, n, first_seen, last_seen, NULL AS partner,"
        " NULL AS cooperation, NULL AS conflict, NULL AS goldstein_mean FROM mix"
        " UNION ALL SELECT 'partner', NULL, NULL, NULL, NULL, n, NULL, NULL, partner, cooperation, conflict,"
        " goldstein_mean FROM best",
        [*head_params, STATEMENT, top],
    )
    mix = [row for row in rows if row["kind"] == "mix"]
    partners = sorted((row for row in rows if row["kind"] == "partner"), key=lambda row: (-row["n"], row["partner"]))
    return _profile(label, mix, partners, top=top)


def _profile(label: str, mix: list[dict[str, Any]], partners: list[dict[str, Any]], *, top: int) -> ActorProfile:
    """Fold the (quad, type, as source, as target) counts into the profile."""
    events = sum(int(row["n"]) for row in mix)
    by_quad = dict.fromkeys(QUADS, 0)
    types: dict[str, int] = {}
    for row in mix:
        by_quad[str(row["quad"])] += int(row["n"])
        types[row["plover_type"]] = types.get(row["plover_type"], 0) + int(row["n"])
    firsts = [row["first_seen"] for row in mix if row["first_seen"] is not None]
    lasts = [row["last_seen"] for row in mix if row["last_seen"] is not None]
    cooperation = by_quad["1"] + by_quad["2"]
    conflict = by_quad["3"] + by_quad["4"]
    ranked = sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return ActorProfile(
        actor=label,
        events=events,
        as_source=sum(int(row["n"]) for row in mix if row["src"]),
        as_target=sum(int(row["n"]) for row in mix if row["tgt"]),
        first_seen=min(firsts, default=None),
        last_seen=max(lasts, default=None),
        by_quad=by_quad,
        balance=round((cooperation - conflict) / events, _DECIMALS) if events else 0.0,
        top_types=[TypeCount(plover_type=name, events=n) for name, n in ranked],
        partners=[
            Partner(
                actor=row["partner"],
                events=int(row["n"]),
                cooperation=int(row["cooperation"]),
                conflict=int(row["conflict"]),
                goldstein_mean=None if row["goldstein_mean"] is None else round(float(row["goldstein_mean"]), _DECIMALS),
            )
            for row in partners
        ],
    )
