"""Dates: find date phrases in a sentence and resolve them against the publication date.

- :func:`find_date_expressions` -- rule-based date phrases with character offsets.
- :func:`resolve` -- a phrase to a :class:`~dyads.records.EventDate` (date, precision, derived_from).
- :func:`resolve_absolute` -- the same for phrases that carry their own year (no publication date).
"""

from dyads.dates.expressions import DateExpression, find_date_expressions
from dyads.dates.resolve import DateError, is_absolute, resolve, resolve_absolute

__all__ = [
    "DateError",
    "DateExpression",
    "find_date_expressions",
    "is_absolute",
    "resolve",
    "resolve_absolute",
]
