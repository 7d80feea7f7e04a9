"""Table-driven tests: date phrase + publication date -> date, precision, derived_from."""

from __future__ import annotations

import datetime as dt

import pytest

from dyads.dates import (
    DateError,
    DateExpression,
    find_date_expressions,
    is_absolute,
    resolve,
    resolve_absolute,
    shift_date,
)
from dyads.records import EventDate, Span

D = dt.date
TUE = D(2016, 8, 16)  # a Tuesday

# (phrase, published, expected date, precision, derived_from, expected end date)
CASES: list[tuple[str, dt.date, dt.date, str, str, dt.date | None]] = [
    # weekdays: the most recent such day on or before publication
    ("on Tuesday", TUE, D(2016, 8, 16), "day", "weekday", None),
    ("earlier Tuesday", TUE, D(2016, 8, 16), "day", "weekday", None),
    ("late Monday", TUE, D(2016, 8, 15), "day", "weekday", None),
    ("Tuesday night", TUE, D(2016, 8, 16), "day", "weekday", None),
    ("on Sunday", TUE, D(2016, 8, 14), "day", "weekday", None),
    ("Wednesday", TUE, D(2016, 8, 10), "day", "weekday", None),
    ("early Sunday", TUE, D(2016, 8, 14), "day", "weekday", None),
    ("on Saturday morning", TUE, D(2016, 8, 13), "day", "weekday", None),
    ("Monday's", TUE, D(2016, 8, 15), "day", "weekday", None),
    ("late on Friday", TUE, D(2016, 8, 12), "day", "weekday", None),
    ("last Tuesday", TUE, D(2016, 8, 9), "day", "weekday", None),
    ("last Monday", TUE, D(2016, 8, 15), "day", "weekday", None),
    ("this Friday", TUE, D(2016, 8, 19), "day", "weekday", None),
    ("next Tuesday", TUE, D(2016, 8, 23), "day", "weekday", None),
    ("on Tuesday", D(2016, 1, 4), D(2015, 12, 29), "day", "weekday", None),
    ("on Friday", D(2016, 8, 20), D(2016, 8, 19), "day", "weekday", None),
    # weekday ranges: the last such run that ends on or before publication
    ("from Friday to Sunday", TUE, D(2016, 8, 12), "day", "weekday", D(2016, 8, 14)),
    ("between Sunday and Tuesday", TUE, D(2016, 8, 14), "day", "weekday", D(2016, 8, 16)),
    ("Thursday-Saturday", TUE, D(2016, 8, 11), "day", "weekday", D(2016, 8, 13)),
    ("from Monday through Wednesday", D(2016, 1, 1), D(2015, 12, 28), "day", "weekday", D(2015, 12, 30)),
    # relative to publication
    ("yesterday", TUE, D(2016, 8, 15), "day", "relative", None),
    ("late yesterday", TUE, D(2016, 8, 15), "day", "relative", None),
    ("yesterday", D(2016, 3, 1), D(2016, 2, 29), "day", "relative", None),
    ("today", TUE, D(2016, 8, 16), "day", "relative", None),
    ("this morning", TUE, D(2016, 8, 16), "day", "relative", None),
    ("last night", TUE, D(2016, 8, 15), "day", "relative", None),
    ("tomorrow", TUE, D(2016, 8, 17), "day", "relative", None),
    ("the day before yesterday", TUE, D(2016, 8, 14), "day", "relative", None),
    ("two days ago", TUE, D(2016, 8, 14), "day", "relative", None),
    ("3 days ago", TUE, D(2016, 8, 13), "day", "relative", None),
    ("three weeks ago", TUE, D(2016, 7, 26), "day", "relative", None),
    # a week phrase is its calendar week, Monday to Sunday, cut at publication where the
    # phrase says which side of it ("this week" of a past event ends on publication day)
    ("last week", TUE, D(2016, 8, 8), "day", "relative", D(2016, 8, 14)),
    ("last week", D(2016, 8, 15), D(2016, 8, 8), "day", "relative", D(2016, 8, 14)),
    ("this week", TUE, D(2016, 8, 15), "day", "relative", D(2016, 8, 16)),
    ("this week", D(2016, 8, 15), D(2016, 8, 15), "day", "relative", None),
    ("next week", TUE, D(2016, 8, 22), "day", "relative", D(2016, 8, 28)),
    ("earlier this week", TUE, D(2016, 8, 15), "day", "relative", None),
    ("earlier this week", D(2016, 8, 19), D(2016, 8, 15), "day", "relative", D(2016, 8, 18)),
    ("later this week", TUE, D(2016, 8, 17), "day", "relative", D(2016, 8, 21)),
    ("over the weekend", TUE, D(2016, 8, 13), "day", "relative", D(2016, 8, 14)),
    ("last month", TUE, D(2016, 7, 1), "month", "relative", None),
    ("last month", D(2016, 1, 5), D(2015, 12, 1), "month", "relative", None),
    ("earlier this month", TUE, D(2016, 8, 1), "month", "relative", None),
    ("a month ago", TUE, D(2016, 7, 1), "month", "relative", None),
    ("six months ago", TUE, D(2016, 2, 1), "month", "relative", None),
    ("two months ago", D(2016, 1, 31), D(2015, 11, 1), "month", "relative", None),
    ("last year", TUE, D(2015, 1, 1), "year", "relative", None),
    ("late last year", D(2016, 1, 5), D(2015, 1, 1), "year", "relative", None),
    ("earlier this year", TUE, D(2016, 1, 1), "year", "relative", None),
    ("two years ago", TUE, D(2014, 1, 1), "year", "relative", None),
    ("a decade ago", TUE, D(2006, 1, 1), "year", "relative", None),
    # anchored, no anchor given: relative to publication
    ("one day prior", TUE, D(2016, 8, 15), "day", "anchored", None),
    ("a day earlier", TUE, D(2016, 8, 15), "day", "anchored", None),
    ("the day before", TUE, D(2016, 8, 15), "day", "anchored", None),
    ("the previous day", TUE, D(2016, 8, 15), "day", "anchored", None),
    ("the following day", TUE, D(2016, 8, 17), "day", "anchored", None),
    ("two days later", TUE, D(2016, 8, 18), "day", "anchored", None),
    ("a week earlier", TUE, D(2016, 8, 9), "day", "anchored", None),
    ("the same day", TUE, D(2016, 8, 16), "day", "anchored", None),
    ("later that day", TUE, D(2016, 8, 16), "day", "anchored", None),
    ("hours later", TUE, D(2016, 8, 16), "day", "anchored", None),
    # months: the most recent such month not after publication
    ("in June", TUE, D(2016, 6, 1), "month", "month", None),
    ("in December", TUE, D(2015, 12, 1), "month", "month", None),
    ("in August", TUE, D(2016, 8, 1), "month", "month", None),
    ("in December", D(2016, 1, 5), D(2015, 12, 1), "month", "month", None),
    ("in January", D(2016, 1, 31), D(2016, 1, 1), "month", "month", None),
    ("in June 2015", TUE, D(2015, 6, 1), "month", "month", None),
    ("in late May", TUE, D(2016, 5, 1), "month", "month", None),
    ("mid-July", TUE, D(2016, 7, 1), "month", "month", None),
    ("last June", TUE, D(2016, 6, 1), "month", "month", None),
    ("last August", TUE, D(2015, 8, 1), "month", "month", None),
    ("November 2015", TUE, D(2015, 11, 1), "month", "month", None),
    # explicit days; a missing year is the most recent not after publication
    ("June 5", TUE, D(2016, 6, 5), "day", "explicit", None),
    ("5 June 2016", TUE, D(2016, 6, 5), "day", "explicit", None),
    ("June 5, 2016", TUE, D(2016, 6, 5), "day", "explicit", None),
    ("2016-06-05", TUE, D(2016, 6, 5), "day", "explicit", None),
    ("2016/06/05", TUE, D(2016, 6, 5), "day", "explicit", None),
    ("05/06/2016", TUE, D(2016, 6, 5), "day", "explicit", None),
    ("06/25/2016", TUE, D(2016, 6, 25), "day", "explicit", None),
    ("12.09.2015", TUE, D(2015, 9, 12), "day", "explicit", None),
    ("December 25", TUE, D(2015, 12, 25), "day", "explicit", None),
    ("August 16", TUE, D(2016, 8, 16), "day", "explicit", None),
    ("August 17", TUE, D(2015, 8, 17), "day", "explicit", None),
    ("3 March", TUE, D(2016, 3, 3), "day", "explicit", None),
    ("March 3, 2015", TUE, D(2015, 3, 3), "day", "explicit", None),
    ("Sept. 11, 2001", TUE, D(2001, 9, 11), "day", "explicit", None),
    ("the 4th of July", TUE, D(2016, 7, 4), "day", "explicit", None),
    ("Tuesday, June 7", TUE, D(2016, 6, 7), "day", "explicit", None),
    ("February 29", D(2017, 3, 1), D(2016, 2, 29), "day", "explicit", None),
    ("in 2014", TUE, D(2014, 1, 1), "year", "explicit", None),
    # ranges carry an end date
    ("from 3 to 5 May", TUE, D(2016, 5, 3), "day", "explicit", D(2016, 5, 5)),
    ("between May 3 and 5", TUE, D(2016, 5, 3), "day", "explicit", D(2016, 5, 5)),
    ("May 3-5", TUE, D(2016, 5, 3), "day", "explicit", D(2016, 5, 5)),
    ("30 July to 2 August", TUE, D(2016, 7, 30), "day", "explicit", D(2016, 8, 2)),
    ("from December 30 to January 2", TUE, D(2015, 12, 30), "day", "explicit", D(2016, 1, 2)),
    ("between 10 and 12 September 2015", TUE, D(2015, 9, 10), "day", "explicit", D(2015, 9, 12)),
]


# Phrases in a clause about the future ("will meet on June 10"): resolve(..., future=True).
# (phrase, published, expected date, precision, expected end date)
FUTURE_CASES: list[tuple[str, dt.date, dt.date, str, dt.date | None]] = [
    ("on June 10", D(2016, 5, 27), D(2016, 6, 10), "day", None),
    ("on August 16", TUE, D(2016, 8, 16), "day", None),  # publication day itself
    ("on January 3", D(2015, 12, 30), D(2016, 1, 3), "day", None),  # crosses the year
    ("February 29", D(2017, 3, 1), D(2020, 2, 29), "day", None),  # the next leap year
    ("from 3 to 5 September", TUE, D(2016, 9, 3), "day", D(2016, 9, 5)),
    ("from December 30 to January 2", D(2016, 12, 1), D(2016, 12, 30), "day", D(2017, 1, 2)),
    ("in June", TUE, D(2017, 6, 1), "month", None),
    ("in August", TUE, D(2016, 8, 1), "month", None),
    ("on Monday", TUE, D(2016, 8, 22), "day", None),
    ("on Tuesday", TUE, D(2016, 8, 16), "day", None),
    ("late Friday", TUE, D(2016, 8, 19), "day", None),
    ("from Friday to Sunday", TUE, D(2016, 8, 19), "day", D(2016, 8, 21)),
    ("over the weekend", TUE, D(2016, 8, 20), "day", D(2016, 8, 21)),
    ("this week", TUE, D(2016, 8, 16), "day", D(2016, 8, 21)),
    # phrases that say their own direction do not change
    ("last Friday", TUE, D(2016, 8, 12), "day", None),
    ("yesterday", TUE, D(2016, 8, 15), "day", None),
    ("last week", TUE, D(2016, 8, 8), "day", D(2016, 8, 14)),
    ("June 10, 2015", TUE, D(2015, 6, 10), "day", None),
    ("in June 2015", TUE, D(2015, 6, 1), "month", None),
]


def _only_expression(phrase: str) -> DateExpression:
    found = find_date_expressions(phrase)
    assert len(found) == 1, f"{phrase!r} -> {found}"
    return found[0]


@pytest.mark.parametrize(("phrase", "published", "expected", "precision", "source", "end"), CASES)
def test_table(
    phrase: str, published: dt.date, expected: dt.date, precision: str, source: str, end: dt.date | None
) -> None:
    expression = _only_expression(phrase)
    assert expression.text == phrase
    result = resolve(expression, published=published)
    assert (result.date, result.precision, result.derived_from, result.end_date) == (expected, precision, source, end)


def test_table_is_large_and_exact_day_accuracy() -> None:
    assert len(CASES) >= 60
    hits = 0
    for phrase, published, expected, *_ in CASES:
        found = find_date_expressions(phrase)
        if len(found) == 1 and resolve(found[0], published=published).date == expected:
            hits += 1
    assert hits / len(CASES) >= 0.95


@pytest.mark.parametrize(
    ("phrase", "anchor", "expected", "precision"),
    [
        ("one day prior", D(2016, 8, 10), D(2016, 8, 9), "day"),
        ("the day before", D(2016, 3, 1), D(2016, 2, 29), "day"),
        ("two days later", D(2016, 8, 10), D(2016, 8, 12), "day"),
        ("the next morning", D(2016, 12, 31), D(2017, 1, 1), "day"),
        ("the previous month", D(2016, 5, 20), D(2016, 4, 1), "month"),
        ("a year earlier", D(2016, 5, 20), D(2015, 1, 1), "year"),
    ],
)
def test_anchored_uses_anchor(phrase: str, anchor: dt.date, expected: dt.date, precision: str) -> None:
    result = resolve(_only_expression(phrase), published=TUE, anchor=anchor)
    assert (result.date, result.precision, result.derived_from) == (expected, precision, "anchored")


def test_anchor_ignored_for_non_anchored_phrases() -> None:
    assert resolve(_only_expression("yesterday"), published=TUE, anchor=D(2010, 1, 1)).date == D(2016, 8, 15)


def test_span_is_offset_by_caller() -> None:
    sentence = "Troops withdrew on Sunday."
    expression = find_date_expressions(sentence)[0]
    result = resolve(expression, published=TUE, offset=100)
    assert result.span is not None
    start = sentence.index("on Sunday")
    assert (result.span.start, result.span.end, result.span.text) == (100 + start, 100 + start + 9, "on Sunday")


def test_unreadable_expression_raises_with_code_and_fix() -> None:
    with pytest.raises(DateError) as caught:
        resolve(DateExpression(0, 5, "hello", "explicit"), published=TUE)
    assert caught.value.code == "E401"
    assert caught.value.fix


def test_resolve_absolute_only_for_phrases_with_a_year() -> None:
    with_year = resolve_absolute(_only_expression("5 June 2016"), offset=3)
    assert with_year is not None and with_year.date == D(2016, 6, 5) and with_year.span is not None
    assert with_year.span.start == 3
    assert resolve_absolute(_only_expression("June 5")) is None
    assert resolve_absolute(_only_expression("on Tuesday")) is None
    assert is_absolute(_only_expression("in June 2015"))
    assert not is_absolute(_only_expression("in June"))


@pytest.mark.parametrize(("phrase", "published", "expected", "precision", "end"), FUTURE_CASES)
def test_future_clause_resolves_forward(
    phrase: str, published: dt.date, expected: dt.date, precision: str, end: dt.date | None
) -> None:
    result = resolve(_only_expression(phrase), published=published, future=True)
    assert (result.date, result.precision, result.end_date) == (expected, precision, end)


def test_future_flag_is_off_by_default() -> None:
    past = resolve(_only_expression("on June 10"), published=D(2016, 5, 27))
    assert past.date == D(2015, 6, 10)


def _base(day: dt.date, precision: str = "day", end: dt.date | None = None) -> EventDate:
    return EventDate(date=day, precision=precision, derived_from="weekday", end_date=end)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("base", "count", "unit", "later", "expected", "precision", "end"),
    [
        (_base(D(2016, 3, 1)), 1, "day", False, D(2016, 2, 29), "day", None),
        (_base(D(2016, 12, 30)), 3, "day", True, D(2017, 1, 2), "day", None),
        (_base(D(2016, 8, 14)), 2, "week", True, D(2016, 8, 28), "day", None),
        (_base(D(2016, 8, 14)), 0, "hour", False, D(2016, 8, 14), "day", None),
        (_base(D(2016, 8, 14)), 2, "month", False, D(2016, 6, 1), "month", None),
        # a week (Monday to Sunday) moves as a whole
        (_base(D(2016, 8, 8), end=D(2016, 8, 14)), 2, "day", False, D(2016, 8, 6), "day", D(2016, 8, 12)),
        # never more precise than the base
        (_base(D(2016, 6, 1), "month"), 3, "day", False, D(2016, 6, 1), "month", None),
        (_base(D(2016, 6, 1), "month"), 1, "year", False, D(2015, 6, 1), "month", None),
        (_base(D(2016, 1, 1), "year"), 2, "month", True, D(2016, 1, 1), "year", None),
        (_base(D(2016, 1, 1), "year"), 2, "year", False, D(2014, 1, 1), "year", None),
    ],
)
def test_shift_date(
    base: EventDate, count: int, unit: str, later: bool, expected: dt.date, precision: str, end: dt.date | None
) -> None:
    link = Span(start=10, end=21, text="a day after")
    result = shift_date(base, count=count, unit=unit, later=later, span=link)
    assert (result.date, result.precision, result.end_date) == (expected, precision, end)
    assert result.derived_from == "anchored" and result.span == link


def test_shift_date_rejects_unknown_unit() -> None:
    with pytest.raises(DateError) as caught:
        shift_date(_base(TUE), count=1, unit="fortnight", later=True)
    assert caught.value.code == "E401" and caught.value.fix
