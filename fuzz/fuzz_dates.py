"""Fuzz target: date phrases and their resolution.

Input layout: 2 bytes pick the publication year (edges 1 and 9999 included), 1 byte the month,
1 byte the day, 1 byte flags (future, anchor), 1 byte a shift count; the rest is the sentence
(UTF-8, bad bytes replaced). Every phrase found is resolved against that date, without a date
(``resolve_absolute``) and shifted (``shift_date``); ``parse_published`` reads the sentence too.
Properties: phrases are in order, do not overlap and quote the sentence; resolved dates have an
end date no earlier than their start, a known precision and a span that quotes the sentence.
"""

from __future__ import annotations

import calendar
import datetime as dt

from _common import expect, main

_YEAR_EDGES = (1, 2, 9998, 9999)
_UNITS = ("hour", "day", "week", "month", "year")


def published_from(head: bytes) -> dt.date:
    """A publication date from 4 bytes: often a year edge, otherwise any year 1-9999."""
    year_raw = int.from_bytes(head[0:2], "big")
    year = _YEAR_EDGES[year_raw % 4] if year_raw % 3 == 0 else 1 + year_raw % 9999
    month = 1 + head[2] % 12
    day = 1 + head[3] % calendar.monthrange(year, month)[1]
    return dt.date(year, month, day)


def _check_date(value: object, text: str, offset: int) -> None:
    from dyads.records import EventDate

    if value is None:
        return
    expect(isinstance(value, EventDate), f"resolved to a {type(value).__name__}")
    assert isinstance(value, EventDate)
    expect(value.precision in ("day", "week", "month", "year"), f"precision {value.precision!r}")
    expect(value.end_date is None or value.end_date >= value.date, f"end {value.end_date} before {value.date}")
    if value.span is not None and value.derived_from != "anchored":
        start, end = value.span.start - offset, value.span.end - offset
        expect(text[start:end] == value.span.text, f"span {value.span} does not quote the text")


def check(data: bytes) -> None:
    from dyads.dates import find_date_expressions, resolve, resolve_absolute, shift_date
    from dyads.io.readers import parse_published

    if len(data) < 6:
        return
    published = published_from(data[:4])
    future, with_anchor = bool(data[4] & 1), bool(data[4] & 2)
    count = data[5]
    text = data[6:].decode("utf-8", errors="replace")
    try:
        parse_published(text)
    except ValueError:
        pass
    found = find_date_expressions(text)
    end = 0
    for expr in found:
        expect(expr.start >= end, f"phrases overlap or are out of order: {found}")
        expect(text[expr.start : expr.end] == expr.text and expr.text, f"phrase {expr} does not quote the text")
        end = expr.end
        anchor = published - dt.timedelta(days=count) if with_anchor and published.toordinal() > count else None
        value = resolve(expr, published=published, anchor=anchor, offset=7, future=future)
        _check_date(value, text, 7)
        absolute = resolve_absolute(expr)
        _check_date(absolute, text, 0)
        if value is not None:
            shifted = shift_date(value, count=count, unit=_UNITS[count % len(_UNITS)], later=future)
            _check_date(shifted, text, 7)


if __name__ == "__main__":
    main(check, target="dates", modules=("dyads.dates", "dyads.io.readers"), max_len=4096)
