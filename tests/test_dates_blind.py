"""Blind held-out table for event-date resolution: exact-day accuracy on sentences written without the rules.

``tests/data/dates_blind.tsv`` (115 rows) was written and frozen on 2026-11-25, before the pipeline
was run on it, by someone who had not read the date rules (``src/dyads/dates/``), ``docs/dates.md``
or the other date tests and tables. The only spec was the list of expressions in the dates issue
(issue 5). Every sentence is our own. Rows are never edited to match what the pipeline outputs; a
row is fixed only when its expectation is wrong by the conventions below, and such a fix is listed
here. Once a rule is tuned on these rows, they become development data, so say so here.

Columns: id, published (YYYY-MM-DD), text, trigger (the event's verb as written), date, precision
(day|month|year), end_date (ranges only), note (``kind: comment``; the kind groups the report).

Conventions (what a wire-service reader would expect; all relative to the publication date P):
- Bare weekday ("on Tuesday", "Tuesday", "earlier Tuesday", "late Monday", "early Friday"): the most
  recent such day on or before P, so the same day when P falls on it. Precision day.
- "last Friday": the most recent Friday strictly before P (a week back when P is a Friday).
- "yesterday" = P - 1 day; "today", "tonight", "earlier today" = P. Precision day.
- Anchored phrases ("the day before", "one day prior", "a day earlier", "the next/following day",
  "two days later", "a day after X") resolve from the anchor event's date in the same sentence.
  Precision day.
- "last week" = the Monday that starts the previous calendar week (Monday to Sunday);
  "this week" / "earlier this week" = the Monday of P's week. Precision day (the table has no week
  precision; first day of the period, as for months and years).
- "last month" / "earlier this month" / "next month" = the first day of that month, precision month.
- "earlier this year" / "last year" / "two years ago" = 1 January of that year, precision year.
- "in June" = 1 June of the most recent June not after P (P's own year if P is in June or later),
  precision month. "in March 2015" = 2015-03-01, precision month. "in 2014" = 2014-01-01, precision year.
- A day and month without a year ("June 5", "30 March") = the most recent such date on or before P,
  except when the sentence puts the event in the future ("will", kind explicit_future): then the
  next such date on or after P. Full dates ("5 June 2016", "June 23, 2016", "2016-06-05") as written.
- Ranges ("from 3 to 5 May", "between October 20 and October 23", "20-22 May", "from Monday to
  Wednesday"): date = the start, end_date = the end, both by the rules above, precision of the start.
- No date words: date = P, precision day.

Measured 2026-11-25 on 115 rows (written blind; no row changed after the first run; the date rules
were not changed either) with the default pipeline (``Pipeline(load_config())``):
    .venv/bin/python -m pytest -q tests/test_dates_blind.py -s -p no:xdist
or ``.venv/bin/python tests/test_dates_blind.py`` (prints the same report):
    exact-day (right date and right precision; a missing event is wrong) 0.852 (98/115);
    event found 0.974 (112/115), exact-day among found 0.875 (98/112); precision 0.974;
    range end dates 0.750 (6/8); no spurious end date 0.981 (106/108).
    By kind: weekday 0.917 (11/12), weekday_mod 1.0 (6/6), last_weekday 1.0 (4/4), yesterday 0.5 (2/4),
    today 1.0 (5/5), anchored 0.5 (5/10), week 0.5 (3/6), month_rel 1.0 (7/7), year_rel 1.0 (7/7),
    month_name 1.0 (9/9), explicit_day 1.0 (6/6), explicit_future 0.0 (0/3), explicit_full 0.75 (6/8),
    year 1.0 (4/4), month_year 1.0 (5/5), range 0.875 (7/8), none 1.0 (11/11).
The misses: a date phrase that ends a non-finite complement ("accused Israel of violating ... on
Friday", "trying to break through the fence yesterday", "launched the offensive to retake Fallujah on
2016-05-23") dates the complement, and the main verb falls back to the publication date; a day and
month after "will" resolves to last year instead of the coming date; in "X on Wednesday, one day
after <clause>" the clause's event is dated the day after X (it happened the day before), and with
"a day after" it just takes X's day; "two days later" is not read (the event takes the earlier
clause's day); "the day before" after a clause whose verb is not a coded event ("entered") gives
P - 1, not the day before that clause's date; "last week" is P - 7 days and "this week" is P (the table's convention is the
Monday of that week: a convention difference, not a parse error); "from Monday to Wednesday" gets no
end date. Three rows (y02, f01, g05) have no event at all, and one (a09) only a different one.

After the rules were revised (2026-11-25). THE DATE RULES WERE REVISED AGAINST THIS TABLE'S FAILURES,
so from here on this table is development data, not a blind held-out measure; no row was edited.
The revision made general rules (each tested on sentences of our own in tests/test_dates_resolve.py,
tests/test_dates_expressions.py and tests/test_dates_stage.py; described in docs/dates.md): a phrase
in a future clause ("will", "is to", "is expected to", "plans to"...) reads forward; a verb with no
date of its own takes the date of its complement (xcomp, pcomp, advcl without a conjunction or with
"when", -ing clause on a noun), whether or not that complement is an event; "<count> after/before
<clause>" dates the two clauses apart by the count; "later"/"earlier" take no noun phrase, so
"two days later the president ..." is an anchored phrase; an anchored phrase is anchored on the
nearest earlier day-precision phrase of its sentence even when its verb is not an event; weekday
ranges get an end date; a week phrase is its calendar week (Monday, end_date the last day the week
allows). Same command, same 115 rows:
    exact-day 0.965 (111/115); event found 0.974 (112/115), exact-day among found 0.991 (111/112);
    date only 0.965; precision 0.974; range end dates 0.875 (7/8); no spurious end date 0.935 (101/108).
    By kind: weekday 1.0 (12/12), weekday_mod 1.0 (6/6), last_weekday 1.0 (4/4), yesterday 0.75 (3/4),
    today 1.0 (5/5), anchored 0.9 (9/10), week 1.0 (6/6), month_rel 1.0 (7/7), year_rel 1.0 (7/7),
    month_name 1.0 (9/9), explicit_day 1.0 (6/6), explicit_future 1.0 (3/3), explicit_full 0.875 (7/8),
    year 1.0 (4/4), month_year 1.0 (5/5), range 0.875 (7/8), none 1.0 (11/11).
The four rows still wrong are not date rules: y02, f01 and g05 have no event at all and a09 only a
different one ("claimed" is not coded; the row's date is picked from "detained").
Convention difference (decided in docs/dates.md, "Why weeks are ranges"): dyads writes a week phrase
as the calendar week, date = its Monday (as this table expects) with end_date = its Sunday, or
publication day for "this week" / the day before it for "earlier this week"; this table expects no
end date. So k01, k02, k03, k05 and k06 are right on date and precision but count as spurious end
dates, which is why "no spurious end date" fell from 0.981 to 0.935 (the other two are y02 and f01,
no event). The table is not changed for this.

Floors: measured minus 0.05, rounded down to 2 decimals, from the after-revision figures (so the
"no_spurious_end" floor went down, from 0.93 to 0.88, for the convention difference above; every
other floor went up or stayed).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections import defaultdict
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from dyads.records import Event

HERE = Path(__file__).resolve().parent
TABLE = HERE / "data" / "dates_blind.tsv"
COLUMNS = [
    "id",
    "published",
    "text",
    "trigger",
    "date",
    "precision",
    "end_date",
    "note",
]
PRECISIONS = ("day", "month", "year")
MIN_ROWS = 80

# Floors: after-revision measured minus 0.05, rounded down to 2 decimals (see the docstring).
FLOORS: dict[str, float] = {
    "found": 0.92,  # measured 0.974 (first run 0.974)
    "exact": 0.91,  # measured 0.965 (first run 0.852)
    "exact_among_found": 0.94,  # measured 0.991 (first run 0.875)
    "date_only": 0.91,  # measured 0.965 (first run 0.852)
    "precision": 0.92,  # measured 0.974 (first run 0.974)
    "range_end": 0.82,  # measured 0.875 (first run 0.750)
    "no_spurious_end": 0.88,  # measured 0.935 (first run 0.981): week end dates, see the docstring
    "kind_anchored": 0.85,  # measured 0.900 (first run 0.500)
    "kind_explicit_day": 0.95,  # measured 1.000
    "kind_explicit_full": 0.82,  # measured 0.875 (first run 0.750)
    "kind_explicit_future": 0.95,  # measured 1.000 (first run 0.000)
    "kind_last_weekday": 0.95,  # measured 1.000
    "kind_month_name": 0.95,  # measured 1.000
    "kind_month_rel": 0.95,  # measured 1.000
    "kind_month_year": 0.95,  # measured 1.000
    "kind_none": 0.95,  # measured 1.000
    "kind_range": 0.82,  # measured 0.875
    "kind_today": 0.95,  # measured 1.000
    "kind_week": 0.95,  # measured 1.000 (first run 0.500)
    "kind_weekday": 0.95,  # measured 1.000 (first run 0.917)
    "kind_weekday_mod": 0.95,  # measured 1.000
    "kind_year": 0.95,  # measured 1.000
    "kind_year_rel": 0.95,  # measured 1.000
    "kind_yesterday": 0.70,  # measured 0.750 (first run 0.500)
}


class Case(BaseModel):
    """One row of the blind table."""

    model_config = ConfigDict(frozen=True)

    id: str
    published: dt.date
    text: str
    trigger: str
    date: dt.date
    precision: str
    end_date: dt.date | None
    note: str

    @property
    def kind(self) -> str:
        return self.note.split(":", 1)[0].strip()


class Outcome(BaseModel):
    """What the pipeline gave for one row: the picked event's date, or nothing."""

    model_config = ConfigDict(frozen=True)

    case: Case
    found: bool
    by_trigger: bool = False
    trigger: str | None = None
    date: dt.date | None = None
    precision: str | None = None
    end_date: dt.date | None = None
    derived_from: str | None = None

    @property
    def right(self) -> bool:
        return (
            self.found
            and self.date == self.case.date
            and self.precision == self.case.precision
        )

    @property
    def end_right(self) -> bool:
        return self.found and self.end_date == self.case.end_date


def load_cases(path: Path = TABLE) -> list[Case]:
    lines = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    assert reader.fieldnames == COLUMNS, reader.fieldnames
    return [
        Case.model_validate({**row, "end_date": row["end_date"] or None})
        for row in reader
    ]


def _trigger_span(case: Case) -> tuple[int, int]:
    match = re.search(rf"\b{re.escape(case.trigger)}\b", case.text)
    assert match, f"{case.id}: trigger '{case.trigger}' is not in the text"
    return match.start(), match.end()


def pick_event(case: Case, events: list[Event]) -> tuple[Event | None, bool]:
    """The event whose trigger overlaps the row's trigger word, else the first event."""
    start, end = _trigger_span(case)
    for event in events:
        if event.trigger.start < end and start < event.trigger.end:
            return event, True
    word = case.trigger.lower()
    for event in events:
        text = event.trigger.text.lower()
        if word in text or text in word:
            return event, True
    return (events[0], False) if events else (None, False)


def outcome_for(case: Case, events: list[Event]) -> Outcome:
    event, by_trigger = pick_event(case, events)
    if event is None:
        return Outcome(case=case, found=False)
    when = event.date
    return Outcome(
        case=case,
        found=True,
        by_trigger=by_trigger,
        trigger=event.trigger.text,
        date=when.date if when else None,
        precision=when.precision if when else None,
        end_date=when.end_date if when else None,
        derived_from=when.derived_from if when else None,
    )


def code_cases(cases: list[Case], *, pipeline: object | None = None) -> list[Outcome]:
    """Code every row with one pipeline: one ``code_texts`` call per publication date."""
    if pipeline is None:
        from dyads.config import load_config
        from dyads.pipeline import Pipeline

        pipeline = Pipeline(load_config())
    by_date: dict[dt.date, list[Case]] = defaultdict(list)
    for case in cases:
        by_date[case.published].append(case)
    results: dict[str, Outcome] = {}
    for published, group in by_date.items():
        coded = pipeline.code_texts([case.text for case in group], published=published)  # type: ignore[attr-defined]
        for case, events in zip(group, coded, strict=True):
            results[case.id] = outcome_for(case, events)
    return [results[case.id] for case in cases]


def _rate(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def figures(outcomes: list[Outcome]) -> dict[str, float]:
    """Exact-day accuracy overall and by kind (a missing event is wrong), precision, range ends."""
    found = [o for o in outcomes if o.found]
    ranges = [o for o in outcomes if o.case.end_date]
    out = {
        "found": _rate(len(found), len(outcomes)),
        "exact": _rate(sum(o.right for o in outcomes), len(outcomes)),
        "exact_among_found": _rate(sum(o.right for o in found), len(found)),
        "date_only": _rate(
            sum(o.found and o.date == o.case.date for o in outcomes), len(outcomes)
        ),
        "precision": _rate(
            sum(o.found and o.precision == o.case.precision for o in outcomes),
            len(outcomes),
        ),
        "range_end": _rate(sum(o.end_right for o in ranges), len(ranges)),
        "no_spurious_end": _rate(
            sum(
                o.found and o.end_date is None for o in outcomes if not o.case.end_date
            ),
            sum(not o.case.end_date for o in outcomes),
        ),
    }
    for kind in sorted({o.case.kind for o in outcomes}):
        rows = [o for o in outcomes if o.case.kind == kind]
        out[f"kind_{kind}"] = _rate(sum(o.right for o in rows), len(rows))
    return out


def _got(outcome: Outcome) -> str:
    if not outcome.found:
        return "no event"
    end = f"..{outcome.end_date}" if outcome.end_date else ""
    picked = "" if outcome.by_trigger else " (first event)"
    return f"{outcome.date}{end}/{outcome.precision}/{outcome.derived_from} [{outcome.trigger}]{picked}"


def report(outcomes: list[Outcome]) -> str:
    figs = figures(outcomes)
    n = len(outcomes)
    head = (
        f"blind dates: {n} rows, exact-day {figs['exact']:.3f} ({sum(o.right for o in outcomes)}/{n}), "
        f"found {figs['found']:.3f} ({sum(o.found for o in outcomes)}/{n}), "
        f"picked by trigger {sum(o.by_trigger for o in outcomes)}/{n}"
    )
    lines = [
        head,
        "blind dates figures: "
        + ", ".join(
            f"{k} {v:.3f}" for k, v in figs.items() if not k.startswith("kind_")
        ),
        "blind dates by kind:",
    ]
    for kind in sorted({o.case.kind for o in outcomes}):
        rows = [o for o in outcomes if o.case.kind == kind]
        lines.append(
            f"  {kind:16} {figs['kind_' + kind]:.3f} ({sum(o.right for o in rows)}/{len(rows)})"
        )
    wrong = [
        o for o in outcomes if not o.right or (o.case.end_date and not o.end_right)
    ]
    lines.append(f"blind dates wrong ({len(wrong)}):")
    for o in wrong:
        c = o.case
        end = f"..{c.end_date}" if c.end_date else ""
        lines.append(
            f"  {c.id} pub {c.published} ({c.published:%a}) [{c.trigger}] want {c.date}{end}/{c.precision} "
            f"got {_got(o)} :: {c.text}"
        )
    return "\n".join(lines)


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases()


@pytest.fixture(scope="module")
def outcomes(cases: list[Case]) -> list[Outcome]:
    return code_cases(cases)


def test_blind_table_integrity(cases: list[Case]) -> None:
    assert len(cases) >= MIN_ROWS, f"only {len(cases)} rows"
    ids = [case.id for case in cases]
    assert len(ids) == len(set(ids)), "ids must be unique"
    for case in cases:
        assert case.precision in PRECISIONS, case.id
        assert case.kind and " " not in case.kind, case.id
        _trigger_span(case)
        if case.precision == "month":
            assert case.date.day == 1, (
                f"{case.id}: month precision is the first of the month"
            )
        if case.precision == "year":
            assert (case.date.month, case.date.day) == (1, 1), (
                f"{case.id}: year precision is 1 January"
            )
        if case.end_date:
            assert case.end_date > case.date, case.id
    assert sum(case.kind == "none" for case in cases) >= 8, (
        "about ten rows without date words"
    )


def test_pick_event_prefers_the_trigger() -> None:
    """The picker takes the event over the row's trigger word, else the first, else nothing."""
    from dyads.records import Span

    case = Case(
        id="t",
        published=dt.date(2020, 1, 1),
        text="A met B and then C attacked D.",
        trigger="attacked",
        date=dt.date(2020, 1, 1),
        precision="day",
        end_date=None,
        note="none: test",
    )
    text = case.text

    def event(word: str) -> Event:
        start = text.index(word)
        return Event.model_construct(
            trigger=Span(start=start, end=start + len(word), text=word), date=None
        )

    met, attacked = event("met"), event("attacked")
    assert pick_event(case, [met, attacked]) == (attacked, True)
    assert pick_event(case, [met]) == (met, False)
    assert pick_event(case, []) == (None, False)
    assert outcome_for(case, []).right is False


@pytest.mark.slow
def test_blind_report(outcomes: list[Outcome], cases: list[Case]) -> None:
    assert [o.case.id for o in outcomes] == [c.id for c in cases]
    print("\n" + report(outcomes))
    for outcome in outcomes:
        if outcome.found and outcome.precision is not None:
            assert outcome.precision in PRECISIONS


@pytest.mark.slow
@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_blind_floor(outcomes: list[Outcome], figure: str) -> None:
    measured = figures(outcomes)[figure]
    assert measured >= FLOORS[figure], (
        f"{figure} fell to {measured:.3f} (floor {FLOORS[figure]:.2f})"
    )


def test_blind_floors_are_valid(cases: list[Case]) -> None:
    """Every floor is a proportion given to 2 decimals, for a figure the report computes."""
    known = set(figures([Outcome(case=case, found=False) for case in cases]))
    for figure, floor in FLOORS.items():
        assert figure in known, figure
        assert 0.0 <= floor <= 1.0, figure
        assert math.isclose(floor, round(floor, 2)), figure


if __name__ == "__main__":  # the figures of docs/quality.md
    print(report(code_cases(load_cases())))
