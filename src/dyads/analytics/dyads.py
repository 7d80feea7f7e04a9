"""Dyad time series: events between two actors per day, week or month."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from dyads.analytics.filters import (
    STATEMENT,
    actor_label,
    actor_match,
    actor_params,
    check_period,
    check_window,
    date_window,
    empty_quads,
    period_sql,
    periods_between,
    where,
)
from dyads.analytics.models import DyadPoint, DyadSeries
from dyads.io.rollups import directed_key, index_ready, undirected_key
from dyads.io.store import Store

_DECIMALS = 6


def dyad_match_sql(*, directed: bool) -> str:
    """A condition on ``events e``: one of its sources matches the first label and one of its
    targets the second (undirected: or the reverse); bind ``dyad_params(...)``.

    It reads the event's own prefix columns (``source_prefixes``, ``target_prefixes``), so no join
    with ``event_actors`` is needed and each event is counted once.
    """
    one_way = f"({actor_match('source')} AND {actor_match('target')})"
    return one_way if directed else f"({one_way} OR {one_way})"


def dyad_params(source: str, target: str, *, directed: bool) -> list[Any]:
    """Parameters of :func:`dyad_match_sql`, in order."""
    forward = [*actor_params(source, "source"), *actor_params(target, "target")]
    backward = [*actor_params(target, "source"), *actor_params(source, "target")]
    return forward if directed else [*forward, *backward]


def dyad_series(
    store: Store,
    source: str,
    target: str,
    *,
    by: str = "month",
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    directed: bool = False,
) -> DyadSeries:
    """Events between ``source`` and ``target`` per period, split by QuadClass and PLOVER type.

    An event counts once when any of its sources matches ``source`` and any of its targets
    matches ``target`` (or, with ``directed=False``, the other way round too). Actors are code or
    label prefixes (``RUS`` matches ``RUS MIL``). Undated events are left out. Periods run without
    gaps from the first to the last period holding an event (empty ones have ``events=0``).

    Raises:
        AnalyticsError: E630 bad ``by``, E631/E632 bad dates, E633 bad actor.
    """
    by = check_period(by)
    left, right = actor_label(source), actor_label(target)
    start, end = check_window(since, until)
    rows = _series_rows(store, left, right, by=by, since=start, until=end, directed=directed)
    points = _points(rows, by)
    return DyadSeries(
        source=left, target=right, by=by, directed=directed, total=sum(p.events for p in points), points=points
    )


def _series_rows(
    store: Store, left: str, right: str, *, by: str, since: dt.date | None, until: dt.date | None, directed: bool
) -> list[dict[str, Any]]:
    """Events per (period, quad, type) with their Goldstein sum: when the index covers the store
    (:mod:`dyads.io.rollups`), the pair's own rows of ``dyad_index`` (one per matching event);
    otherwise every event is tested."""
    clauses, params = date_window("e.date", since, until)
    if index_ready(store):
        key = directed_key(left, right) if directed else undirected_key(left, right)
        sql = (
            f"SELECT {period_sql(by)} AS period, e.quad_class AS quad,"
            " coalesce(e.plover_type, ?) AS plover_type, count(*) AS n, sum(e.goldstein) AS goldstein"
            " FROM dyad_index e" + where(["e.pair = ?", "e.date IS NOT NULL", *clauses]) + " GROUP BY 1, 2, 3"
        )
        return store.query(sql, [STATEMENT, key, *params])
    sql = (
        f"SELECT {period_sql(by)} AS period, e.quad_class AS quad,"
        f" coalesce(e.plover_type, ?) AS plover_type, count(*) AS n, sum(e.goldstein) AS goldstein"
        " FROM events e"
        + where([dyad_match_sql(directed=directed), "e.date IS NOT NULL", *clauses])
        + " GROUP BY 1, 2, 3"
    )
    return store.query(sql, [STATEMENT, *dyad_params(left, right, directed=directed), *params])


def _points(rows: list[dict[str, Any]], by: str) -> list[DyadPoint]:
    if not rows:
        return []
    events: dict[dt.date, int] = defaultdict(int)
    goldstein: dict[dt.date, float] = defaultdict(float)
    quads: dict[dt.date, dict[str, int]] = defaultdict(empty_quads)
    types: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        period, n = row["period"], int(row["n"])
        events[period] += n
        goldstein[period] += float(row["goldstein"])
        quads[period][str(row["quad"])] += n
        types[period][row["plover_type"]] += n
    out = []
    for period in periods_between(min(events), max(events), by):
        n = events.get(period, 0)
        total = round(goldstein.get(period, 0.0), _DECIMALS)
        out.append(
            DyadPoint(
                period=period,
                events=n,
                by_quad=dict(quads[period]) if n else empty_quads(),
                goldstein_sum=total,
                goldstein_mean=round(total / n, _DECIMALS) if n else None,
                by_type=dict(sorted(types[period].items(), key=lambda kv: (-kv[1], kv[0]))) if n else {},
            )
        )
    return out
