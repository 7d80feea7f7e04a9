"""What the merge rule compares, computed the same way from an ``Event`` (Python) and from the store (SQL).

Each event becomes a :class:`MergeItem`:

* ``hard``: the key that must be equal: first source, type and status at the chosen levels
  (None: the event has no source code and is never merged). In one-a-day mode: the first source
  and first target labels, the CAMEO code and the date, as PETRARCH's filter has it.
* ``target``, ``country``, ``place``: must be equal when both events have one (a missing value
  matches anything).
* ``lo``..``hi`` (days since 1970-01-01) and ``date_rank``: 4 a day the text gave, 3 a day taken
  from the publication date, 2 a range of at most 31 days (a week, a month), 1 a longer one (a
  year), 0 undated.

:func:`item_from_event` and :func:`item_sql` must agree; ``tests/test_merge.py`` checks that a
store merge and an in-memory merge of the same events give the same merged events.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import NamedTuple

from dyads.merge.options import MergeOptions
from dyads.records import Actor, Event

EPOCH = dt.date(1970, 1, 1).toordinal()
SEP = "|"

STATUS_CLASS = {
    "asserted": "affirmed",
    "claimed": "affirmed",
    "denied": "denied",
    "negated": "denied",
    "hypothetical": "hypothetical",
}
"""A claim ("X did it, Y said") reports the event; a denial or negation is a different claim; a threat,
plan or possibility is not the event (docs/merging.md)."""

PLACE_RANK = {"country": 1, "admin1": 2, "region": 2}
"""How precise a location is, to pick the merged event's place: 0 none, 1 a country, 2 a region, 3 a city, site or named place."""

DATE_RANK_TEXT_DAY = 4
DATE_RANK_PUBLICATION = 3
DATE_RANK_SHORT_RANGE = 2
DATE_RANK_LONG_RANGE = 1
UNDATED = 0
SHORT_RANGE_DAYS = 31


class MergeItem(NamedTuple):
    """One event as the clustering sees it (see the module doc)."""

    event_id: str
    hard: str | None
    target: str | None
    country: str | None
    place: str | None
    lo: int | None
    hi: int | None
    date_rank: int


# --------------------------------------------------------------------------- Python


def actor_key(actor: Actor | None, level: str) -> str | None:
    """``RUS`` (code level) or ``RUS MIL`` (code and first sector); None without a code."""
    if actor is None or not actor.code:
        return None
    if level == "sector" and actor.sectors and actor.sectors[0]:
        return f"{actor.code} {actor.sectors[0]}"
    return actor.code


def type_key(plover_type: str | None, cameo_code: str, level: str) -> str:
    """The event type at the chosen level; statements (no PLOVER type) by CAMEO root at the PLOVER level."""
    if level == "cameo":
        return cameo_code
    if level == "cameo_root":
        return cameo_code[:2]
    return plover_type or f"STATEMENT {cameo_code[:2]}"


def status_key(status: str, level: str) -> str:
    if level == "exact":
        return status
    if level == "any":
        return "any"
    return STATUS_CLASS.get(status, status)


def date_span(event: Event) -> tuple[int | None, int | None, int]:
    """``(lo, hi, rank)`` of the event's date (days since 1970-01-01)."""
    when = event.date
    if when is None:
        return None, None, UNDATED
    start = when.date
    if when.precision == "year":
        end = dt.date(start.year, 12, 31)
    elif when.precision == "month":
        end = dt.date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    else:
        end = start
    if when.end_date is not None and when.end_date > end:
        end = when.end_date
    lo, hi = start.toordinal() - EPOCH, end.toordinal() - EPOCH
    if hi == lo:
        rank = DATE_RANK_PUBLICATION if when.derived_from == "publication" else DATE_RANK_TEXT_DAY
    else:
        rank = DATE_RANK_SHORT_RANGE if hi - lo <= SHORT_RANGE_DAYS else DATE_RANK_LONG_RANGE
    return lo, hi, rank


def place_rank(event: Event) -> int:
    """How precise the event's location is (see :data:`PLACE_RANK`)."""
    place = event.location
    if place is None:
        return 0
    return PLACE_RANK.get(place.feature, 3)


def _label(actors: list[Actor]) -> str:
    return actors[0].label if actors else ""


def item_from_event(event: Event, options: MergeOptions) -> MergeItem:
    """The :class:`MergeItem` of one event under ``options``."""
    lo, hi, rank = date_span(event)
    if options.mode == "one-a-day":
        day = event.date.date.isoformat() if event.date else ""
        hard = SEP.join([_label(event.sources), _label(event.targets), event.cameo_code, day])
        return MergeItem(event.id, hard, None, None, None, lo, hi, rank)
    source = actor_key(event.sources[0] if event.sources else None, options.actor_level)
    hard = None
    if source is not None:
        hard = SEP.join(
            [
                source,
                type_key(event.plover_type, event.cameo_code, options.type_level),
                status_key(event.attribution.status, options.status_level),
            ]
        )
    target = actor_key(event.targets[0] if event.targets else None, options.actor_level)
    country = place = None
    where = event.location
    if where is not None and options.place_level != "none":
        country = where.country or None
        if options.place_level == "place" and where.feature != "country":
            place = where.name.strip().lower() or None
    return MergeItem(event.id, hard, target, country, place, lo, hi, rank)


# --------------------------------------------------------------------------- SQL

_DAYS = "date_diff('day', DATE '1970-01-01', {})"


def _actor_sql(alias: str, level: str) -> str:
    code = f"nullif({alias}.code, '')"
    if level == "sector":
        return (
            f"CASE WHEN {code} IS NULL THEN NULL WHEN coalesce({alias}.sectors[1], '') <> ''"
            f" THEN {alias}.code || ' ' || {alias}.sectors[1] ELSE {alias}.code END"
        )
    return code


def _type_sql(level: str) -> str:
    if level == "cameo":
        return "e.cameo_code"
    if level == "cameo_root":
        return "substr(e.cameo_code, 1, 2)"
    return "coalesce(e.plover_type, 'STATEMENT ' || substr(e.cameo_code, 1, 2))"


def status_sql(level: str) -> str:
    if level == "exact":
        return "e.status"
    if level == "any":
        return "'any'"
    cases = " ".join(f"WHEN '{status}' THEN '{cls}'" for status, cls in STATUS_CLASS.items())
    return f"CASE e.status {cases} ELSE e.status END"


def date_sql() -> dict[str, str]:
    """SQL for ``lo``, ``hi`` and ``date_rank`` over ``events e`` (as :func:`date_span`)."""
    end = (
        "greatest(CASE e.date_precision WHEN 'year' THEN make_date(year(e.date), 12, 31)"
        " WHEN 'month' THEN last_day(e.date) ELSE e.date END, coalesce(e.end_date, e.date))"
    )
    lo, hi = _DAYS.format("e.date"), _DAYS.format(end)
    rank = (
        f"CASE WHEN e.date IS NULL THEN {UNDATED}"
        f" WHEN {hi} = {lo} THEN CASE WHEN e.date_derived_from = 'publication'"
        f" THEN {DATE_RANK_PUBLICATION} ELSE {DATE_RANK_TEXT_DAY} END"
        f" WHEN {hi} - {lo} <= {SHORT_RANGE_DAYS} THEN {DATE_RANK_SHORT_RANGE} ELSE {DATE_RANK_LONG_RANGE} END"
    )
    return {"lo": lo, "hi": hi, "date_rank": rank}


def place_rank_sql() -> str:
    """SQL of :func:`place_rank` over ``events e`` (reads the location's feature from ``record``)."""
    feature = "json_extract_string(e.record, '$.location.feature')"
    cases = " ".join(f"WHEN '{feature_name}' THEN {rank}" for feature_name, rank in PLACE_RANK.items())
    return f"CASE WHEN e.location_name IS NULL THEN 0 ELSE CASE {feature} {cases} ELSE 3 END END"


def item_sql(options: MergeOptions) -> dict[str, str]:
    """SQL expressions for every :class:`MergeItem` field over ``events e`` joined with its first
    source ``s`` and first target ``t`` (``event_actors`` rows at position 0)."""
    dates = date_sql()
    if options.mode == "one-a-day":
        day = "coalesce(strftime(e.date, '%Y-%m-%d'), '')"
        hard = f"concat_ws('{SEP}', coalesce(s.label, ''), coalesce(t.label, ''), e.cameo_code, {day})"
        return {"event_id": "e.id", "hard": hard, "target": "NULL", "country": "NULL", "place": "NULL", **dates}
    source = _actor_sql("s", options.actor_level)
    hard = f"CASE WHEN {source} IS NULL THEN NULL ELSE concat_ws('{SEP}', {source}, {_type_sql(options.type_level)}, {status_sql(options.status_level)}) END"
    country = "NULL" if options.place_level == "none" else "nullif(e.location_country, '')"
    place = "NULL"
    if options.place_level == "place":
        place = (
            "CASE WHEN e.location_name IS NULL"
            " OR json_extract_string(e.record, '$.location.feature') = 'country' THEN NULL"
            " ELSE nullif(lower(trim(e.location_name)), '') END"
        )
    return {
        "event_id": "e.id",
        "hard": hard,
        "target": _actor_sql("t", options.actor_level),
        "country": country,
        "place": place,
        **dates,
    }
