"""Find date phrases in a sentence with regular-expression rules.

Each rule has a name, a kind (``explicit``, ``weekday``, ``relative``, ``month`` or
``anchored``) and a pattern whose named groups carry the parts the resolver needs
(``day``, ``month``, ``year``, ``weekday``, ``num``, ``unit``, ``which``, ``dir``...).
:func:`find_date_expressions` returns non-overlapping matches, longest first;
:func:`match_rule` re-reads one expression so that :mod:`dyads.dates.resolve` can turn
it into a calendar date.

Numeric dates with slashes or dots are read **day first** (``05/06/2016`` is 5 June 2016,
the convention of most international wires); when the first number cannot be a month
but the second can (``06/25/2016``) the rule falls back to month first.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Literal

ExpressionKind = Literal["explicit", "weekday", "relative", "month", "anchored"]

MONTH_NUMBERS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "october": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

WEEKDAY_NUMBERS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2, "a couple": 2,
}  # fmt: skip

# Month names that are also common English words: only counted when capitalised.
_AMBIGUOUS_MONTHS = frozenset({"may", "march"})

_MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_MONTH_ANY = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:19|20)\d{2}(?!\d)"
_DAY = r"[0-3]?\d(?:st|nd|rd|th)?(?![\d:])"
_NUM = r"(?:\d{1,3}|a\s+couple(?:\s+of)?|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))"
_EDGE = r"(?:early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of)"
# "the day before", "two days after" ... unless a noun phrase follows (then the
# anchor is that phrase, which these rules cannot resolve). Only the prepositions
# before/after/prior take a noun phrase: "two days later the president resigned"
# is still an anchored phrase.
_NP_AHEAD = r"\s+(?:to\s+)?(?:the|a|an|his|her|its|their|these|those|(?-i:[A-Z])|\d)\b"
_NO_NP = rf"(?!{_NP_AHEAD})"
_NO_NP_AFTER_PREP = rf"(?!(?:(?<=before)|(?<=after)|(?<=prior)){_NP_AHEAD})"
_WEEKDAY_PREFIX = rf"(?:(?:on\s+)?{_WEEKDAY},?\s+(?:the\s+)?)?"
_RANGE_LINKS = (
    (r"from\s+", r"\s*(?:-|–|to|until|till|through)\s*"),
    (r"between\s+", r"\s+and\s+"),
    (r"", r"\s*(?:-|–|to|until|till|through)\s*"),
)


@dataclass(frozen=True)
class DateExpression:
    """A date phrase in a sentence: character offsets ``[start, end)``, its text and kind."""

    start: int
    end: int
    text: str
    kind: str


@dataclass(frozen=True)
class DateRule:
    """One pattern: its name, the kind of expression it finds, the compiled regex, and a
    cheap regex (``needs``) that any text it can match must contain."""

    name: str
    kind: ExpressionKind
    pattern: re.Pattern[str]
    needs: str


# Cheap tests run once per text before the rules that depend on them.
_NEEDS: dict[str, re.Pattern[str]] = {
    "month": re.compile(rf"\b{_MONTH_ANY}", re.IGNORECASE),
    "weekday": re.compile(rf"\b{_WEEKDAY}", re.IGNORECASE),
    "digits": re.compile(r"\d[/.\-]\d|(?:19|20)\d\d"),
    "words": re.compile(
        r"\b(?:yesterday|today|tonight|tomorrow|ago|last|this|next|weekend|morning|night"
        r"|earlier|later|before|after|prior|previous|preceding|following|same|afterwards?)\b",
        re.IGNORECASE,
    ),
}


def _rule(name: str, kind: ExpressionKind, pattern: str) -> DateRule:
    if kind in ("explicit", "month") and name not in ("iso", "ymd_slash", "numeric", "year"):
        needs = "month"
    elif kind == "weekday":
        needs = "weekday"
    elif kind == "explicit":
        needs = "digits"
    else:
        needs = "words"
    return DateRule(name, kind, re.compile(pattern, re.IGNORECASE), needs)


def _range_rules() -> list[DateRule]:
    rules = []
    for index, (opener, link) in enumerate(_RANGE_LINKS):
        rules.append(
            _rule(
                f"range_dm_{index}",
                "explicit",
                rf"\b{opener}(?P<day>{_DAY})(?:\s+(?:of\s+)?(?P<month>{_MONTH_ANY}))?{link}"
                rf"(?P<day2>{_DAY})\s+(?:of\s+)?(?P<month2>{_MONTH_ANY})(?:,?\s+(?P<year>{_YEAR}))?",
            )
        )
        rules.append(
            _rule(
                f"range_md_{index}",
                "explicit",
                rf"\b{opener}(?P<month>{_MONTH_ANY})\s+(?P<day>{_DAY}){link}"
                rf"(?:(?P<month2>{_MONTH_ANY})\s+)?(?P<day2>{_DAY})(?:,?\s+(?P<year>{_YEAR}))?",
            )
        )
    return rules


def _weekday_range_rules() -> list[DateRule]:
    """``from Monday to Wednesday``, ``between Monday and Wednesday``, ``Monday-Wednesday``."""
    return [
        _rule(
            f"weekday_range_{index}",
            "weekday",
            rf"\b{opener}(?P<weekday>{_WEEKDAY}){link}(?P<weekday2>{_WEEKDAY})\b",
        )
        for index, (opener, link) in enumerate(_RANGE_LINKS)
    ]


RULES: tuple[DateRule, ...] = (
    # -- explicit ---------------------------------------------------------------
    _rule("iso", "explicit", rf"\b(?:on\s+)?(?P<year>{_YEAR})-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)(?!\d)"),
    _rule("ymd_slash", "explicit", rf"\b(?:on\s+)?(?P<year>{_YEAR})/(?P<month>[01]?\d)/(?P<day>[0-3]?\d)(?!\d)"),
    _rule(
        "numeric",
        "explicit",
        rf"\b(?:on\s+)?(?P<first>[0-3]?\d)(?P<sep>[/.])(?P<second>[0-3]?\d)(?P=sep)(?P<year>{_YEAR})",
    ),
    *_range_rules(),
    _rule(
        "day_month",
        "explicit",
        rf"\b(?:on\s+)?{_WEEKDAY_PREFIX}(?:the\s+)?(?P<day>{_DAY})\s+(?:of\s+)?(?P<month>{_MONTH_ANY})"
        rf"(?:,?\s+(?P<year>{_YEAR}))?",
    ),
    _rule(
        "month_day",
        "explicit",
        rf"\b(?:on\s+)?{_WEEKDAY_PREFIX}(?P<month>{_MONTH_ANY})\s+(?P<day>{_DAY})"
        rf"(?:,?\s+(?P<year>{_YEAR}))?",
    ),
    _rule("year", "explicit", rf"\b(?:in|during)\s+(?:{_EDGE}[\s-]+(?:of\s+)?)?(?P<year>{_YEAR})(?!\s*[-–/]\s*\d)"),
    # -- month ------------------------------------------------------------------
    _rule(
        "month_year",
        "month",
        rf"\b(?:(?:in|during)\s+)?(?:{_EDGE}[\s-]+(?:of\s+)?)?(?P<month>{_MONTH_ANY}),?\s+(?P<year>{_YEAR})",
    ),
    _rule(
        "month_in",
        "month",
        rf"\b(?:in|during|earlier\s+in|later\s+in)\s+(?:{_EDGE}[\s-]+(?:of\s+)?)?(?P<month>{_MONTH_FULL})\b(?!\s*\d)",
    ),
    _rule("month_edge", "month", rf"\b(?:early|mid|late)[\s-]+(?P<month>{_MONTH_FULL})\b(?!\s*\d)"),
    _rule("month_which", "month", rf"\b(?P<which>last|this|next)\s+(?P<month>{_MONTH_FULL})\b(?!\s*\d)"),
    # -- weekday ----------------------------------------------------------------
    *_weekday_range_rules(),
    _rule(
        "weekday",
        "weekday",
        rf"\b(?:(?:on|overnight)\s+)?(?:(?P<which>last|this|next|coming|past|earlier|early|late|later)\s+(?:on\s+)?)?"
        rf"(?P<weekday>{_WEEKDAY})(?:['’]s)?\b{_PART}?",
    ),
    # -- relative to publication ------------------------------------------------
    _rule("day_before_yesterday", "relative", r"\bthe\s+day\s+before\s+yesterday\b"),
    _rule("yesterday", "relative", rf"\b(?:(?:early|late|earlier|later)\s+)?yesterday\b{_PART}?"),
    _rule("last_night", "relative", r"\blast\s+night\b"),
    _rule(
        "today",
        "relative",
        r"\b(?:(?:(?:earlier|later)\s+)?(?:today|tonight)|(?:earlier\s+)?this\s+(?:morning|afternoon|evening)"
        r"|(?:earlier|later)\s+in\s+the\s+day)\b",
    ),
    _rule("tomorrow", "relative", rf"\btomorrow\b{_PART}?"),
    _rule("ago", "relative", rf"\b(?P<num>{_NUM})\s+(?P<unit>day|week|month|year|decade)s?\s+ago\b"),
    _rule(
        "which_unit",
        "relative",
        r"\b(?:(?:early|late)\s+)?(?P<which>earlier\s+this|later\s+this|last|this|next)\s+"
        r"(?P<unit>week|month|year|weekend)\b",
    ),
    _rule("the_weekend", "relative", r"\b(?:over|at|during)\s+the\s+weekend\b"),
    # -- anchored: relative to another event ----------------------------------
    _rule(
        "anchored_count",
        "anchored",
        rf"\b(?P<num>{_NUM})\s+(?P<unit>day|week|month|year)s?\s+"
        rf"(?P<dir>earlier|later|before|after|prior|afterwards?)\b{_NO_NP_AFTER_PREP}",
    ),
    _rule(
        "anchored_the_unit",
        "anchored",
        rf"\bthe\s+(?P<unit>day|night|week|month|year)\s+(?P<dir>before|after)\b{_NO_NP}",
    ),
    _rule(
        "anchored_the_which",
        "anchored",
        r"\bthe\s+(?P<dir>previous|preceding|prior|following|next|same)\s+"
        r"(?P<unit>day|night|morning|afternoon|evening|week|month|year)\b",
    ),
    _rule(
        "anchored_that",
        "anchored",
        r"\b(?:(?:earlier|later)\s+(?:that|the\s+same)|that\s+same)\s+"
        r"(?P<unit>day|night|morning|afternoon|evening|week|month|year)\b",
    ),
    _rule(
        "anchored_hours",
        "anchored",
        rf"\b(?:hours|minutes|moments)\s+(?P<dir>earlier|later|before|after|afterwards?)\b{_NO_NP_AFTER_PREP}",
    ),
)

_RULES_BY_KIND: dict[str, tuple[DateRule, ...]] = {
    kind: tuple(rule for rule in RULES if rule.kind == kind)
    for kind in ("explicit", "weekday", "relative", "month", "anchored")
}


def number_value(text: str) -> int:
    """The value of a count such as ``'2'``, ``'two'``, ``'a'`` or ``'a couple of'``."""
    cleaned = " ".join(text.lower().split())
    if cleaned.isdigit():
        return int(cleaned)
    return NUMBER_WORDS[cleaned]


def month_value(text: str) -> int:
    """The month number of ``'June'``, ``'Jun.'`` or a numeric ``'06'``."""
    cleaned = text.rstrip(".").lower()
    if cleaned.isdigit():
        return int(cleaned)
    return MONTH_NUMBERS[cleaned]


def day_value(text: str) -> int:
    """The day number of ``'5'``, ``'05'`` or ``'5th'``."""
    return int(re.sub(r"\D", "", text))


def _month_word_ok(match: re.Match[str]) -> bool:
    """Lower-case 'may' and 'march' are verbs, not months."""
    for group in ("month", "month2"):
        word = match.groupdict().get(group)
        if word and word.rstrip(".").lower() in _AMBIGUOUS_MONTHS and not word[0].isupper():
            return False
    return True


def _day_fits(day: int, month: int, year: int | None) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    # 2000 is a leap year, so 29 February is accepted while the year is unknown.
    return day <= calendar.monthrange(year or 2000, month)[1]


def numeric_day_month(first: int, second: int) -> tuple[int, int] | None:
    """Day and month of a numeric date: day first, month first only when day first is impossible."""
    if 1 <= second <= 12:
        return first, second
    if 1 <= first <= 12:
        return second, first
    return None


def _valid(rule: DateRule, match: re.Match[str]) -> bool:
    """Reject impossible calendar values (31 June, month 13) and verb-like 'may'/'march'."""
    if not _month_word_ok(match):
        return False
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if rule.name == "numeric":
        parts = numeric_day_month(int(groups["first"]), int(groups["second"]))
        return parts is not None and _day_fits(parts[0], parts[1], year)
    if groups.get("day") is None:
        return True
    month_text = groups.get("month") or groups.get("month2")
    if month_text is None:
        return False
    if not _day_fits(day_value(groups["day"]), month_value(month_text), year):
        return False
    if groups.get("day2") is not None:
        end_month = month_value(groups.get("month2") or month_text)
        return _day_fits(day_value(groups["day2"]), end_month, year)
    return True


def find_date_expressions(text: str) -> list[DateExpression]:
    """Date phrases in ``text``, in text order, without overlaps (the longest match wins)."""
    found: list[tuple[int, int, int, str]] = []
    present = {name: test.search(text) is not None for name, test in _NEEDS.items()}
    for priority, rule in enumerate(RULES):
        if not present[rule.needs]:
            continue
        for match in rule.pattern.finditer(text):
            if match.end() > match.start() and _valid(rule, match):
                found.append((match.start(), match.end(), priority, rule.kind))
    found.sort(key=lambda item: (-(item[1] - item[0]), item[2], item[0]))
    kept: list[tuple[int, int, int, str]] = []
    for start, end, priority, kind in found:
        if all(end <= other[0] or start >= other[1] for other in kept):
            kept.append((start, end, priority, kind))
    kept.sort()
    return [DateExpression(start, end, text[start:end], kind) for start, end, _, kind in kept]


def match_rule(expression: DateExpression) -> tuple[DateRule, re.Match[str]] | None:
    """The rule (of the expression's kind) that reads the whole expression text, if any."""
    for rule in _RULES_BY_KIND.get(expression.kind, ()):
        match = rule.pattern.fullmatch(expression.text)
        if match is not None and _valid(rule, match):
            return rule, match
    return None


@dataclass(frozen=True)
class CountPhrase:
    """A count of time units that ends a text (``a day``, ``two weeks``, ``hours``): where it
    starts in that text, how many and which unit (``hour`` for hours, minutes or moments)."""

    start: int
    count: int
    unit: str


_COUNT_AT_END = re.compile(
    rf"\b(?:(?P<num>{_NUM}|the)\s+(?P<unit>day|week|month|year)s?|(?P<vague>hours|minutes|moments))\s*$",
    re.IGNORECASE,
)


def count_before(text: str) -> CountPhrase | None:
    """The count phrase that ends ``text``, if any: read before the ``after``/``before`` that opens
    a clause ("one day after rebels attacked", "a week before the vote was held")."""
    match = _COUNT_AT_END.search(text)
    if match is None:
        return None
    if match.group("vague"):
        return CountPhrase(match.start(), 0, "hour")
    num = match.group("num")
    count = 1 if num.lower() == "the" else number_value(num)
    return CountPhrase(match.start(), count, match.group("unit").lower())
