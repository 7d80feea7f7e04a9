"""Argument checks and the SQL pieces every analytics query shares.

User values only ever travel as ``?`` parameters; the only text pasted into SQL is
picked from fixed tables here (period units, column names), never taken from input.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, get_args

from dyads.analytics.models import Period
from dyads.errors import AnalyticsError
from dyads.io.rollups import NON_STATE_SECTORS
from dyads.io.store import actor_match_sql, prefix_needle
from dyads.records import Status

PERIODS: tuple[str, ...] = get_args(Period)
STATUSES: tuple[str, ...] = get_args(Status)
QUADS: tuple[str, ...] = ("0", "1", "2", "3", "4")
STATEMENT = "STATEMENT"
"""How events without a PLOVER type (CAMEO 01-02 statements) are counted in type mixes."""


_LABEL = re.compile(r"^[A-Z0-9-]{2,}( [A-Z0-9-]{2,})*$")
_TRUNC = {"day": "day", "week": "week", "month": "month"}


# --------------------------------------------------------------------------- argument checks


def check_period(by: str) -> str:
    """``by`` must be day, week or month (E630)."""
    if by not in PERIODS:
        raise AnalyticsError("E630", f"bad period {by!r}", fix=f"use by= one of: {', '.join(PERIODS)}")
    return by


def to_date(name: str, value: Any) -> dt.date | None:
    """A date from a ``datetime.date``/``datetime`` or ``YYYY-MM-DD`` text (E632)."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise AnalyticsError("E632", f"bad {name} date {value!r}", fix=f"give {name} as a date, YYYY-MM-DD")


def check_window(since: Any, until: Any) -> tuple[dt.date | None, dt.date | None]:
    """Both dates parsed, and ``since`` not after ``until`` (E631)."""
    start, end = to_date("since", since), to_date("until", until)
    if start is not None and end is not None and start > end:
        raise AnalyticsError(
            "E631", f"since {start} is after until {end}", fix="give since on or before until (both inclusive)"
        )
    return start, end


def actor_label(value: Any) -> str:
    """A normalised actor code or label prefix such as ``RUS`` or ``RUS MIL`` (E633)."""
    label = " ".join(value.upper().split()) if isinstance(value, str) else ""
    if not _LABEL.match(label):
        raise AnalyticsError(
            "E633", f"bad actor {value!r}", fix="give a code, optionally with sectors, e.g. 'RUS' or 'RUS MIL'"
        )
    return label


def check_count(name: str, value: Any, *, minimum: int) -> int:
    """An integer option (top, min_events, seed) of at least ``minimum`` (E634)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise AnalyticsError("E634", f"bad {name} {value!r}", fix=f"give {name} as an integer >= {minimum}")
    return value


# --------------------------------------------------------------------------- SQL pieces


def actor_match(*roles: str) -> str:
    """Whole-word label prefix test on the ``events e`` row's actors in ``roles`` (default: sources
    or targets), on its prefix columns (no join); bind ``actor_params(label, *roles)``."""
    return actor_match_sql("e", roles=roles or ("source", "target"))


def actor_params(label: str, *roles: str) -> list[str]:
    """The parameters of :func:`actor_match` with the same ``roles``."""
    return [prefix_needle(label)] * (len(roles) or 2)


def label_match(alias: str) -> str:
    """Whole-word label prefix test on ``event_actors`` row ``alias``; bind ``prefix_param(label)``."""
    return f"starts_with({alias}.label || ' ', ?)"


def prefix_param(label: str) -> str:
    return label + " "


def date_window(column: str, since: dt.date | None, until: dt.date | None) -> tuple[list[str], list[Any]]:
    """Inclusive date bounds on ``column`` as clauses + parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    if since is not None:
        clauses.append(f"{column} >= ?")
        params.append(since)
    if until is not None:
        clauses.append(f"{column} <= ?")
        params.append(until)
    return clauses, params


def period_sql(by: str, column: str = "e.date") -> str:
    """SQL giving the first day of ``column``'s period (weeks start on Monday)."""
    return f"CAST(date_trunc('{_TRUNC[check_period(by)]}', {column}) AS DATE)"


def actor_key_sql(alias: str) -> str:
    """SQL for the alignment key of an ``event_actors`` row: its code, or 'CODE SECTOR' for the
    first non-state sector it carries. Bind ``[list(NON_STATE_SECTORS)]`` once for it."""
    return (
        f"CASE WHEN len(list_filter({alias}.sectors, lambda s: list_contains(?, s))) > 0"
        f" THEN {alias}.code || ' ' || list_filter({alias}.sectors, lambda s: list_contains(?, s))[1]"
        f" ELSE {alias}.code END"
    )


def actor_key_params() -> list[Any]:
    return [list(NON_STATE_SECTORS), list(NON_STATE_SECTORS)]


def next_period(day: dt.date, by: str) -> dt.date:
    if by == "day":
        return day + dt.timedelta(days=1)
    if by == "week":
        return day + dt.timedelta(days=7)
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def periods_between(first: dt.date, last: dt.date, by: str) -> list[dt.date]:
    """Every period start from ``first`` to ``last`` (both period starts), in order."""
    out: list[dt.date] = []
    day = first
    while day <= last:
        out.append(day)
        day = next_period(day, by)
    return out


def empty_quads() -> dict[str, int]:
    return dict.fromkeys(QUADS, 0)


def where(clauses: list[str]) -> str:
    return (" WHERE " + " AND ".join(clauses)) if clauses else ""
