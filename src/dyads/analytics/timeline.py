"""Timeline for the dashboard: events per period and QuadClass under the common event filters."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from dyads.analytics.event_filters import event_filters, filter_from
from dyads.analytics.filters import (
    check_period,
    empty_quads,
    period_sql,
    periods_between,
    where,
)
from dyads.analytics.models import Timeline, TimelinePoint
from dyads.io.store import Store


def timeline(store: Store, *, by: str = "day", **filters: Any) -> Timeline:
    """Events per ``by`` period (day, week, month) and QuadClass, for the events matching the
    common filters (actor, source, target, country, type, quad, status, since, until, bbox, q,
    article; see :func:`dyads.analytics.event_filters.event_filters`). Undated events are left out;
    periods run without gaps from the first to the last period holding an event.

    Raises:
        AnalyticsError: E630 bad ``by``, E631-E635 bad filters.
    """
    by = check_period(by)
    source, clauses, params = filter_from(store, event_filters(**filters))  # the actor index when it can answer
    rows = store.query(
        f"SELECT {period_sql(by)} AS period, e.quad_class AS quad, count(*) AS n FROM {source}"
        + where(["e.date IS NOT NULL", *clauses])
        + " GROUP BY 1, 2",
        params,
    )
    counts: dict[Any, dict[str, int]] = defaultdict(empty_quads)
    for row in rows:
        counts[row["period"]][str(row["quad"])] += int(row["n"])
    points = []
    if counts:
        for period in periods_between(min(counts), max(counts), by):
            quads = counts.get(period, empty_quads())
            points.append(TimelinePoint(period=period, events=sum(quads.values()), by_quad=dict(quads)))
    return Timeline(by=by, points=points)
