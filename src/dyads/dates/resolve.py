"""Turn a :class:`~dyads.dates.expressions.DateExpression` into a calendar date.

Everything is resolved against the article's publication date (or, for anchored
phrases such as "the day before", against the date of the event they refer to).
Month-precision dates fall on the 1st of the month and year-precision dates on
1 January; ``precision`` says how much of the date is meant; a calendar week is its
Monday with ``end_date`` its Sunday. A phrase without a year is read in the past
(the most recent such day not after publication) unless the caller says its clause is
about the future (``future=True``: the next such day not before publication). See
``docs/dates.md``.

A phrase whose date falls outside the years 1-9999 that :class:`datetime.date` holds ("999 decades
ago", "tomorrow" in a text dated 9999-12-31) has no date: :func:`resolve`, :func:`resolve_absolute`
and :func:`shift_date` return None for it rather than fail.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from dyads.dates.expressions import (
    WEEKDAY_NUMBERS,
    DateExpression,
    DateRule,
    day_value,
    match_rule,
    month_value,
    number_value,
    numeric_day_month,
)
from dyads.errors import DyadsError
from dyads.records import DatePrecision, DateSource, EventDate, Span

_ABSOLUTE_RULES = frozenset({"iso", "ymd_slash", "numeric", "year", "month_year"})
_DAYLIKE_UNITS = frozenset({"day", "night", "morning", "afternoon", "evening"})
# What date arithmetic raises past the calendar's ends: ``date + timedelta`` (OverflowError) and
# ``date(year, ...)`` with a year outside 1-9999 (ValueError).
_OUT_OF_CALENDAR = (OverflowError, ValueError)


class DateError(DyadsError):
    """A date expression cannot be resolved."""


def _shift_months(day: dt.date, months: int) -> dt.date:
    """The 1st of the month ``months`` after (or before, if negative) ``day``'s month."""
    index = day.year * 12 + (day.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _year_start(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def _latest_on_or_before(month: int, day: int, published: dt.date) -> dt.date:
    """The most recent ``month``/``day`` not after ``published`` (29 Feb: the last leap year)."""
    year = published.year
    while True:
        if day <= calendar.monthrange(year, month)[1]:
            candidate = dt.date(year, month, day)
            if candidate <= published:
                return candidate
        year -= 1


def _earliest_on_or_after(month: int, day: int, published: dt.date) -> dt.date:
    """The next ``month``/``day`` not before ``published`` (29 Feb: the next leap year)."""
    year = published.year
    while True:
        if day <= calendar.monthrange(year, month)[1]:
            candidate = dt.date(year, month, day)
            if candidate >= published:
                return candidate
        year += 1


def _weekday_on_or_before(weekday: int, published: dt.date) -> dt.date:
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


def _weekday_on_or_after(weekday: int, published: dt.date) -> dt.date:
    return published + dt.timedelta(days=(weekday - published.weekday()) % 7)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class _Resolved:
    """A resolved value before it becomes an :class:`EventDate`."""

    date: dt.date
    precision: DatePrecision = "day"
    end_date: dt.date | None = None


def _explicit(rule: DateRule, match: re.Match[str], published: dt.date | None, future: bool) -> _Resolved | None:
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if rule.name == "year":
        return _Resolved(_year_start(int(groups["year"])), "year")
    if rule.name == "numeric":
        parts = numeric_day_month(int(groups["first"]), int(groups["second"]))
        if parts is None or year is None:
            return None
        return _Resolved(dt.date(year, parts[1], parts[0]))
    day = day_value(groups["day"])
    if groups.get("day2") is not None:
        return _range(groups, day, year, published, future)
    month = month_value(groups["month"])
    if year is not None:
        return _Resolved(dt.date(year, month, day))
    if published is None:
        return None
    if future:
        return _Resolved(_earliest_on_or_after(month, day, published))
    return _Resolved(_latest_on_or_before(month, day, published))


def _range(
    groups: dict[str, str | None], day: int, year: int | None, published: dt.date | None, future: bool
) -> _Resolved | None:
    end_month = month_value(groups.get("month2") or groups["month"] or "")
    start_month = month_value(groups["month"]) if groups.get("month") else end_month
    end_day = day_value(groups["day2"] or "")
    if year is not None:
        end = dt.date(year, end_month, end_day)
    elif published is None:
        return None
    elif future:
        # the next start date not before publication, then the first end date from there
        start = _earliest_on_or_after(start_month, day, published)
        return _Resolved(start, "day", _earliest_on_or_after(end_month, end_day, start))
    else:
        end = _latest_on_or_before(end_month, end_day, published)
    start_year = end.year if start_month <= end_month else end.year - 1
    start = dt.date(start_year, start_month, min(day, calendar.monthrange(start_year, start_month)[1]))
    if start > end:
        start, end = end, start
    return _Resolved(start, "day", end)


def _month(rule: DateRule, match: re.Match[str], published: dt.date | None, future: bool) -> _Resolved | None:
    groups = match.groupdict()
    month = month_value(groups["month"])
    if groups.get("year"):
        return _Resolved(dt.date(int(groups["year"]), month, 1), "month")
    if published is None:
        return None
    this_year = dt.date(published.year, month, 1)
    which = (groups.get("which") or "").lower()
    if which == "last":
        # the most recent such month strictly before the publication month
        return _Resolved(this_year if month < published.month else dt.date(published.year - 1, month, 1), "month")
    if which == "next":
        return _Resolved(this_year if month > published.month else dt.date(published.year + 1, month, 1), "month")
    if which == "this":
        return _Resolved(this_year, "month")
    if future:
        # "will meet in June": the next June not before the publication month
        return _Resolved(this_year if month >= published.month else dt.date(published.year + 1, month, 1), "month")
    # "in June": the most recent June not after publication
    return _Resolved(this_year if month <= published.month else dt.date(published.year - 1, month, 1), "month")


def _weekday_range(match: re.Match[str], published: dt.date, future: bool) -> _Resolved:
    """``from Monday to Wednesday``: in the past, the last such run that ends on or before
    publication; in the future, the next one that starts on or after it."""
    first = WEEKDAY_NUMBERS[match.group("weekday").lower()]
    last = WEEKDAY_NUMBERS[match.group("weekday2").lower()]
    length = (last - first) % 7 or 7
    if future:
        start = _weekday_on_or_after(first, published)
        return _Resolved(start, "day", start + dt.timedelta(days=length))
    end = _weekday_on_or_before(last, published)
    return _Resolved(end - dt.timedelta(days=length), "day", end)


def _weekday(match: re.Match[str], published: dt.date, future: bool) -> _Resolved:
    if match.groupdict().get("weekday2"):
        return _weekday_range(match, published, future)
    weekday = WEEKDAY_NUMBERS[match.group("weekday").lower()]
    which = (match.group("which") or "").lower()
    if which in ("last", "past"):
        back = (published.weekday() - weekday) % 7 or 7
        return _Resolved(published - dt.timedelta(days=back))
    if which in ("next", "coming", "this"):
        ahead = (weekday - published.weekday()) % 7
        if which != "this" and ahead == 0:
            ahead = 7
        return _Resolved(published + dt.timedelta(days=ahead))
    if future:
        return _Resolved(_weekday_on_or_after(weekday, published))
    return _Resolved(_weekday_on_or_before(weekday, published))


def _weekend(which: str, published: dt.date) -> _Resolved:
    """Saturday (with Sunday as end date) of the weekend meant."""
    weekday = published.weekday()
    if which in ("this", "next") and weekday < 5:
        saturday = published + dt.timedelta(days=5 - weekday)
        if which == "next":
            saturday += dt.timedelta(days=7)
    elif which == "next":
        saturday = published + dt.timedelta(days=(5 - weekday) % 7 or 7)
    else:
        saturday = _weekday_on_or_before(5, published)
    return _Resolved(saturday, "day", saturday + dt.timedelta(days=1))


def _days(start: dt.date, end: dt.date) -> _Resolved:
    """Day precision from ``start`` to ``end`` (no end date when they are the same day)."""
    return _Resolved(start, "day", end if end > start else None)


def _week(which: str, published: dt.date, future: bool) -> _Resolved:
    """A calendar week (Monday to Sunday), cut at publication where the phrase or the
    tense puts the event on one side of it."""
    monday = _monday(published)
    sunday = monday + dt.timedelta(days=6)
    if which == "last":
        return _days(monday - dt.timedelta(days=7), monday - dt.timedelta(days=1))
    if which == "next":
        return _days(monday + dt.timedelta(days=7), sunday + dt.timedelta(days=7))
    if which == "earlier this":
        return _days(monday, max(monday, published - dt.timedelta(days=1)))
    if which == "later this":
        return _days(min(sunday, published + dt.timedelta(days=1)), sunday)
    # "this week": up to publication for what happened, from it for what will
    return _days(published, sunday) if future else _days(monday, published)


def _which_unit(which: str, unit: str, published: dt.date, future: bool) -> _Resolved:
    which = " ".join(which.lower().split())
    if unit == "weekend":
        return _weekend(which.split()[-1] if which.startswith(("earlier", "later")) else which, published)
    step = {"last": -1, "next": 1}.get(which, 0)
    if unit == "week":
        return _week(which, published, future)
    if unit == "month":
        return _Resolved(_shift_months(published, step), "month")
    return _Resolved(_year_start(published.year + step), "year")


def _count_shift(base: dt.date, count: int, unit: str, sign: int) -> _Resolved:
    if unit in _DAYLIKE_UNITS:
        return _Resolved(base + dt.timedelta(days=sign * count))
    if unit == "week":
        return _Resolved(base + dt.timedelta(days=sign * 7 * count))
    if unit == "month":
        return _Resolved(_shift_months(base, sign * count), "month")
    years = count * (10 if unit == "decade" else 1)
    return _Resolved(_year_start(base.year + sign * years), "year")


def _relative(rule: DateRule, match: re.Match[str], published: dt.date, future: bool) -> _Resolved:
    name = rule.name
    if name == "day_before_yesterday":
        return _Resolved(published - dt.timedelta(days=2))
    if name in ("yesterday", "last_night"):
        return _Resolved(published - dt.timedelta(days=1))
    if name == "today":
        return _Resolved(published)
    if name == "tomorrow":
        return _Resolved(published + dt.timedelta(days=1))
    if name == "ago":
        return _count_shift(published, number_value(match.group("num")), match.group("unit").lower(), -1)
    if name == "the_weekend":
        return _weekend("this" if future else "last", published)
    return _which_unit(match.group("which"), match.group("unit").lower(), published, future)


def _anchored(rule: DateRule, match: re.Match[str], anchor: dt.date) -> _Resolved:
    groups = match.groupdict()
    unit = (groups.get("unit") or "day").lower()
    direction = (groups.get("dir") or "same").lower()
    if rule.name in ("anchored_that", "anchored_hours") or direction == "same":
        if unit in _DAYLIKE_UNITS:
            return _Resolved(anchor)
        return _count_shift(anchor, 0, unit, 1)
    sign = -1 if direction in ("earlier", "before", "prior", "previous", "preceding") else 1
    count = number_value(groups["num"]) if groups.get("num") else 1
    return _count_shift(anchor, count, unit, sign)


def _compute(
    expr: DateExpression, published: dt.date | None, anchor: dt.date | None, future: bool = False
) -> _Resolved | None:
    found = match_rule(expr)
    if found is None:
        raise DateError(
            "E401",
            f"not a date expression this package can read: {expr.text!r} (kind {expr.kind!r})",
            fix="build expressions with dyads.dates.find_date_expressions(text)",
        )
    rule, match = found
    if rule.kind == "explicit":
        return _explicit(rule, match, published, future)
    if rule.kind == "month":
        return _month(rule, match, published, future)
    if published is None:
        return None
    if rule.kind == "weekday":
        return _weekday(match, published, future)
    if rule.kind == "relative":
        return _relative(rule, match, published, future)
    return _anchored(rule, match, anchor or published)


def _event_date(expr: DateExpression, value: _Resolved, offset: int) -> EventDate:
    source: DateSource = expr.kind  # type: ignore[assignment]  # kinds are a subset of DateSource
    return EventDate(
        date=value.date,
        precision=value.precision,
        derived_from=source,
        end_date=value.end_date,
        span=Span(start=expr.start + offset, end=expr.end + offset, text=expr.text),
    )


_MONTHS_IN: dict[str, int] = {"month": 1, "year": 12}


def shift_date(
    base: EventDate, *, count: int, unit: str, later: bool, span: Span | None = None
) -> EventDate | None:
    """The date ``count`` ``unit`` (``hour``, ``day``, ``week``, ``month``, ``year``) after
    (``later=True``) or before ``base``: the other side of "X, two days after Y".

    Hours count as the same day; a base with an end date moves as a whole by days or weeks.
    The result is never more precise than ``base``: days
    or weeks from a month-precision date leave that month, months or years from it move
    it by whole months; a year-precision date moves only by whole years.
    ``derived_from`` is ``anchored`` and ``span`` the words that gave the count. None when the
    shifted date falls outside the years 1-9999.
    """
    try:
        return _shifted(base, count=count, unit=unit, later=later, span=span)
    except _OUT_OF_CALENDAR:
        return None


def _shifted(base: EventDate, *, count: int, unit: str, later: bool, span: Span | None) -> EventDate:
    sign = 1 if later else -1
    if unit == "hour":
        unit, count = "day", 0
    if unit not in ("day", "week", "month", "year"):
        raise DateError("E401", f"not a time unit: {unit!r}", fix="use hour, day, week, month or year")
    if base.precision == "day":
        value = _count_shift(base.date, count, unit, sign)
        if base.end_date is not None and value.precision == "day":
            # a span (a week, a range) moves as a whole
            value = _Resolved(value.date, "day", _count_shift(base.end_date, count, unit, sign).date)
    elif base.precision == "month" and unit in _MONTHS_IN:
        value = _Resolved(_shift_months(base.date, sign * count * _MONTHS_IN[unit]), "month")
    elif base.precision == "year" and unit == "year":
        value = _Resolved(_year_start(base.date.year + sign * count), "year")
    else:
        value = _Resolved(base.date, base.precision)
    return EventDate(
        date=value.date, precision=value.precision, derived_from="anchored", end_date=value.end_date, span=span
    )


def is_absolute(expr: DateExpression) -> bool:
    """True when the expression names its own year (it resolves without a publication date)."""
    found = match_rule(expr)
    if found is None:
        return False
    rule, match = found
    return rule.name in _ABSOLUTE_RULES or (rule.kind == "explicit" and bool(match.groupdict().get("year")))


def resolve(
    expr: DateExpression,
    *,
    published: dt.date,
    anchor: dt.date | None = None,
    offset: int = 0,
    future: bool = False,
) -> EventDate | None:
    """The date ``expr`` means for an article published on ``published``.

    ``anchor`` is the date of the event an anchored phrase ("the day before") refers
    to; without it the publication date is used. ``offset`` is added to the
    expression's character offsets (the start of its sentence in the article).
    ``future`` says the phrase's clause is about what will happen ("will meet on
    June 10"): a day, month, weekday, weekday range or weekend without a year is then
    the next one not before publication, and ``this week`` runs from publication to
    Sunday. None when the date falls outside the years 1-9999. Raises :class:`DateError` (E401)
    for text that no rule reads.
    """
    try:
        value = _compute(expr, published, anchor, future)
    except _OUT_OF_CALENDAR:
        return None
    if value is None:  # only when a rule needs a year it was not given: cannot happen here
        raise DateError("E402", f"could not resolve {expr.text!r}", fix="report this expression as a bug")
    return _event_date(expr, value, offset)


def resolve_absolute(expr: DateExpression, *, offset: int = 0) -> EventDate | None:
    """Resolve an expression that carries its own year ("5 June 2016", "in 2014");
    None for anything that needs a publication date, or whose year is outside 1-9999.
    Raises :class:`DateError` (E401) for text that no rule reads."""
    try:
        value = _compute(expr, None, None)
    except _OUT_OF_CALENDAR:
        return None
    if value is None:
        return None
    return _event_date(expr, value, offset)
