"""Dates: find date phrases in a sentence and resolve them against the publication date.

- :func:`find_date_expressions` -- rule-based date phrases with character offsets.
- :func:`resolve` -- a phrase to a :class:`~dyads.records.EventDate` (date, precision, derived_from).
- :func:`resolve_absolute` -- the same for phrases that carry their own year (no publication date).
- :func:`shift_date` -- a date some days, weeks, months or years before or after another
  (the other side of "X, a day after Y").
"""

from dyads.dates.expressions import (
    CountPhrase,
    DateExpression,
    count_before,
    find_date_expressions,
)
from dyads.dates.resolve import (
    DateError,
    is_absolute,
    resolve,
    resolve_absolute,
    shift_date,
)

__all__ = [
    "CountPhrase",
    "DateError",
    "DateExpression",
    "count_before",
    "find_date_expressions",
    "is_absolute",
    "resolve",
    "resolve_absolute",
    "shift_date",
]
