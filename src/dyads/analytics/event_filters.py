"""The contract's common event filters (actor, source, target, country, type, quad, status,
since, until, bbox, q, article): checked once here, turned into WHERE clauses on ``events e``.
Used by :func:`dyads.analytics.timeline` and meant for the API's events list too."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ConfigDict

from dyads.analytics.filters import (
    STATUSES,
    actor_label,
    actor_match,
    actor_params,
    check_window,
    date_window,
)
from dyads.errors import AnalyticsError
from dyads.io.rollups import directed_key, index_driver, index_ready

_CODE = re.compile(r"^[A-Z0-9-]{2,}$")


class EventFilters(BaseModel):
    """The contract's common event filters, checked and normalised (see :func:`event_filters`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    actor: str | None = None
    source: str | None = None
    target: str | None = None
    country: str | None = None
    type: str | None = None
    quad: int | None = None
    status: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    bbox: tuple[float, float, float, float] | None = None
    q: str | None = None
    article: str | None = None


FILTER_NAMES: tuple[str, ...] = tuple(EventFilters.model_fields)


def _bbox(value: Any) -> tuple[float, float, float, float]:
    parts = value.split(",") if isinstance(value, str) else value
    fix = "give bbox as min_lon,min_lat,max_lon,max_lat, e.g. 35,32,43,38"
    try:
        numbers = tuple(float(p) for p in parts)
    except (TypeError, ValueError) as exc:
        raise AnalyticsError("E635", f"bad bbox {value!r}", fix=fix) from exc
    if len(numbers) != 4:
        raise AnalyticsError("E635", f"bad bbox {value!r}: needs four numbers", fix=fix)
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise AnalyticsError("E635", f"bad bbox {value!r}: out of range or min_lat > max_lat", fix=fix)
    return min_lon, min_lat, max_lon, max_lat


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AnalyticsError("E635", f"bad {name} {value!r}", fix=f"give {name} as non-empty text")
    return value.strip()


def event_filters(**filters: Any) -> EventFilters:
    """Check the common event filters (None means "not filtered") and normalise them.

    Raises:
        AnalyticsError: E635 unknown filter or bad value, E631/E632 bad dates, E633 bad actor.
    """
    unknown = sorted(set(filters) - set(FILTER_NAMES))
    if unknown:
        raise AnalyticsError(
            "E635", f"unknown filter(s): {', '.join(unknown)}", fix=f"use only: {', '.join(FILTER_NAMES)}"
        )
    given = {name: value for name, value in filters.items() if value is not None}
    out: dict[str, Any] = {}
    for name in ("actor", "source", "target"):
        if name in given:
            out[name] = actor_label(given[name])
    if "country" in given:
        code = _text("country", given["country"]).upper()
        if not _CODE.match(code):
            raise AnalyticsError("E635", f"bad country {given['country']!r}", fix="give an ISO-3 code, e.g. SYR")
        out["country"] = code
    if "type" in given:
        out["type"] = _text("type", given["type"]).upper()
    if "quad" in given:
        quad = given["quad"]
        if isinstance(quad, str) and quad.strip().isdigit():
            quad = int(quad)
        if not isinstance(quad, int) or isinstance(quad, bool) or not 0 <= quad <= 4:
            raise AnalyticsError("E635", f"bad quad {given['quad']!r}", fix="give a QuadClass from 0 to 4")
        out["quad"] = quad
    if "status" in given:
        status = _text("status", given["status"]).lower()
        if status not in STATUSES:
            raise AnalyticsError("E635", f"bad status {given['status']!r}", fix=f"use one of: {', '.join(STATUSES)}")
        out["status"] = status
    out["since"], out["until"] = check_window(given.get("since"), given.get("until"))
    if "bbox" in given:
        out["bbox"] = _bbox(given["bbox"])
    if "q" in given:
        out["q"] = _text("q", given["q"]).lower()
    if "article" in given:
        out["article"] = _text("article", given["article"])
    return EventFilters(**out)


def filter_sql(filters: EventFilters) -> tuple[list[str], list[Any]]:
    """WHERE clauses (joined with AND by the caller) and parameters for ``events e``."""
    clauses: list[str] = []
    params: list[Any] = []
    for name, roles in (("actor", ("source", "target")), ("source", ("source",)), ("target", ("target",))):
        label = getattr(filters, name)
        if label is not None:
            clauses.append(actor_match(*roles))
            params += actor_params(label, *roles)
    simple = (
        ("country", "e.location_country = ?"),
        ("type", "e.plover_type = ?"),
        ("quad", "e.quad_class = ?"),
        ("status", "e.status = ?"),
        ("article", "e.article_id = ?"),
    )
    for name, clause in simple:
        value = getattr(filters, name)
        if value is not None:
            clauses.append(clause)
            params.append(value)
    window, window_params = date_window("e.date", filters.since, filters.until)
    clauses += window
    params += window_params
    if filters.bbox is not None:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        clauses.append("e.location_lat BETWEEN ? AND ?")
        params += [min_lat, max_lat]
        if min_lon <= max_lon:
            clauses.append("e.location_lon BETWEEN ? AND ?")
            params += [min_lon, max_lon]
        else:  # the box crosses the antimeridian
            clauses.append("(e.location_lon >= ? OR e.location_lon <= ?)")
            params += [min_lon, max_lon]
    if filters.q is not None:
        clauses.append("(strpos(lower(e.trigger_text), ?) > 0 OR strpos(lower(e.sentence_text), ?) > 0)")
        params += [filters.q, filters.q]
    return clauses, params


def filter_from(store: Any, filters: EventFilters) -> tuple[str, list[str], list[Any]]:
    """Where to read the events matching ``filters``: ``FROM`` text naming the rows ``e``, the WHERE
    clauses and their parameters. The actor index (:mod:`dyads.io.rollups`: one label's rows, with
    the columns these filters test named as on ``events``) when the filters name an actor and
    nothing it lacks and it covers every stored event (``dyad_index``, the pair's rows, for a source
    and a target); ``events`` otherwise. All give the same rows."""
    label = index_driver(filters)
    if label is not None and index_ready(store):
        if filters.source is not None and filters.target is not None and filters.actor is None:
            # the directed pair's own rows (dyad_index): the two label tests are its key
            rest = filter_sql(filters.model_copy(update={"source": None, "target": None}))
            return "dyad_index e", ["e.pair = ?", *rest[0]], [directed_key(filters.source, filters.target), *rest[1]]
        clauses, params = filter_sql(filters)
        return "actor_index e", ["e.prefix = ?", *clauses], [label, *params]
    clauses, params = filter_sql(filters)
    return "events e", clauses, params
