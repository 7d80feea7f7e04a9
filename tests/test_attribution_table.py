"""Attribution test table: status, speaker and reporting outlet of coded events.

``tests/data/attribution_cases.tsv`` holds hand-written news sentences (original wording),
one event trigger each, with the expected attribution. All sentences are coded once, in one
batch, with publication date 2024-03-15; each row is matched to the first event whose trigger
text equals the row's trigger.

Conventions the table encodes (see ``dyads.coder.attribution`` / ``dyads.coder.intent``):

* status precedence, most local first: negated > hypothetical > denied > claimed > asserted;
  "X said Y did not attack" is negated, "X said Y could attack" hypothetical, both with speaker X.
* nesting: the nearest reporting verb sets status and speaker ("X said Y denied that Z
  attacked" -> denied, speaker Y); an outlet further out still gives ``reporting_source``.
* confirm / acknowledge / admit -> asserted, but the confirming actor is still the speaker.
* "failed to <act>" -> negated (the act did not happen). "threatened to <act>", "urged X to <act>",
  "asked X to <act>" -> the act is hypothetical; the verb "threatened" itself is an asserted event.
* an actor's own stated intent ("Iran will release", "Japan plans to impose") -> asserted,
  or claimed when a reporting verb carries it ("Berlin said it would send"); CAMEO has no intent
  code for posture acts (15x), so "plans to send troops" stays the act, hypothetical.
* "warned that" / "expects X to" with a coded actor: that actor is the speaker.
* outlets: speaker code is the outlet's country for state media (TASS -> RUS, Xinhua -> CHN);
  international wires (Reuters, AP) have no code; ``reporting_source`` is the outlet's name,
  compared after dropping a leading "the ".

Measured 2026-11-25 on 190 rows. First run, before any rule was changed: status 0.868
(denied 0.719, negated 0.733), speaker 0.869. The attribution rules were then revised against
this table's failures (report nouns, "no" subjects, "failed to", if-clauses, "would" alone,
warn/expect as reporting verbs, wires without a country), so it is development data now, not
a blind test; two rows (A46, C46) were changed to the 15x convention above. After: found
0.974 (185/190); status 0.968 over all rows (missing = wrong): asserted 0.958, claimed 0.978,
denied 1.0, negated 0.967, hypothetical 0.941; speaker code
0.991; no spurious speaker 0.987; reporting source 0.989; outlet recall 0.846. Floors below
are these rounded DOWN to 0.05.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TABLE = Path(__file__).resolve().parent / "data" / "attribution_cases.tsv"
PUBLISHED = dt.date(2024, 3, 15)
STATUSES = ("asserted", "claimed", "denied", "negated", "hypothetical")
COLUMNS = ["id", "sentence", "trigger", "expected_status", "expected_speaker_code", "expected_reporting_source", "note"]
MIN_PER_STATUS = 25

# Floors: measured figure rounded DOWN to the nearest 0.05.
FLOORS = {
    "found": 0.95,
    "status": 0.95,
    "status_asserted": 0.90,
    "status_claimed": 0.95,
    "status_denied": 1.0,
    "status_negated": 0.95,
    "status_hypothetical": 0.90,
    "speaker": 0.95,
    "no_spurious_speaker": 0.95,
    "reporting_source": 0.95,
    "outlet_recall": 0.80,
}


@dataclass(frozen=True)
class Case:
    id: str
    sentence: str
    trigger: str
    status: str
    speaker: str
    source: str
    note: str


@dataclass(frozen=True)
class Outcome:
    case: Case
    found: bool
    status: str | None = None
    speaker: str | None = None
    source: str | None = None


def load_cases(path: Path = TABLE) -> list[Case]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == COLUMNS, f"unexpected header {reader.fieldnames}"
        return [
            Case(
                id=row["id"],
                sentence=row["sentence"],
                trigger=row["trigger"],
                status=row["expected_status"],
                speaker=row["expected_speaker_code"],
                source=row["expected_reporting_source"],
                note=row["note"],
            )
            for row in reader
        ]


def _outlet(text: str | None) -> str:
    if not text:
        return ""
    return re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE)


def code_cases(cases: list[Case], *, overrides: dict[str, Any] | None = None) -> list[Outcome]:
    from dyads import Article, Pipeline, load_config

    pipeline = Pipeline(load_config(overrides=overrides))
    articles = [Article.create(text=case.sentence, published=PUBLISHED, id=case.id) for case in cases]
    by_id: dict[str, Any] = {article.id: events for article, events in pipeline.code_articles(articles)}
    outcomes = []
    for case in cases:
        event = next((e for e in by_id.get(case.id, []) if e.trigger.text == case.trigger), None)
        if event is None:
            outcomes.append(Outcome(case, found=False))
            continue
        attribution = event.attribution
        speaker = attribution.speaker.code if attribution.speaker is not None else None
        # A negated act of cooperation is coded as the refusal it states (REJECT, dyads.coder.refusal),
        # which records the negation in negated_code; negation outranks every other status here.
        status = "negated" if event.negated_code is not None else attribution.status
        outcomes.append(Outcome(case, True, status, speaker or "", attribution.reporting_source or ""))
    return outcomes


def _rate(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def measure(outcomes: list[Outcome]) -> dict[str, float]:
    found = [o for o in outcomes if o.found]
    figures = {
        "found": _rate(len(found), len(outcomes)),
        # status over all rows: a missing event counts as wrong
        "status": _rate(sum(o.status == o.case.status for o in found), len(outcomes)),
    }
    for status in STATUSES:
        rows = [o for o in outcomes if o.case.status == status]
        figures[f"status_{status}"] = _rate(sum(o.status == status for o in rows if o.found), len(rows))
    with_speaker = [o for o in found if o.case.speaker]
    figures["speaker"] = _rate(sum(o.speaker == o.case.speaker for o in with_speaker), len(with_speaker))
    without_speaker = [o for o in found if not o.case.speaker]
    figures["no_spurious_speaker"] = _rate(sum(not o.speaker for o in without_speaker), len(without_speaker))
    figures["reporting_source"] = _rate(sum(_outlet(o.source) == _outlet(o.case.source) for o in found), len(found))
    with_outlet = [o for o in found if o.case.source]
    figures["outlet_recall"] = _rate(sum(_outlet(o.source) == _outlet(o.case.source) for o in with_outlet), len(with_outlet))
    return figures


def confusion(outcomes: list[Outcome]) -> Counter[tuple[str, str]]:
    """(gold, predicted) counts; predicted is 'missing' where no event had the trigger."""
    return Counter((o.case.status, o.status if o.found else "missing") for o in outcomes)


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases()


@pytest.fixture(scope="module")
def outcomes(cases: list[Case]) -> list[Outcome]:
    return code_cases(cases)


def test_table_integrity(cases: list[Case]) -> None:
    ids = [case.id for case in cases]
    assert len(ids) == len(set(ids)), "ids must be unique"
    assert len(cases) >= 160
    counts = Counter(case.status for case in cases)
    assert set(counts) <= set(STATUSES), f"invalid statuses: {set(counts) - set(STATUSES)}"
    for status in STATUSES:
        assert counts[status] >= MIN_PER_STATUS, f"only {counts[status]} rows for {status}"
    check_rows(cases)


def check_rows(cases: list[Case]) -> None:
    """Each row: a trigger that occurs once as a word, an outlet found in the sentence, a valid
    speaker code; sentences distinct (shared with the blind table's test)."""
    for case in cases:
        assert case.sentence and case.trigger and case.note, case.id
        occurrences = re.findall(rf"(?<!\w){re.escape(case.trigger)}(?!\w)", case.sentence)
        assert len(occurrences) == 1, f"{case.id}: trigger {case.trigger!r} must occur once as a word"
        assert case.source == "" or case.source in case.sentence, f"{case.id}: outlet text not in sentence"
        assert case.speaker == "" or re.fullmatch(r"[A-Z]{2,5}", case.speaker), f"{case.id}: bad code {case.speaker!r}"
    assert len({case.sentence for case in cases}) == len(cases), "sentences must be distinct"


def test_every_row_is_scored(outcomes: list[Outcome], cases: list[Case]) -> None:
    assert [o.case.id for o in outcomes] == [c.id for c in cases]
    table = confusion(outcomes)
    assert sum(table.values()) == len(cases)
    for outcome in outcomes:
        if outcome.found:
            assert outcome.status in STATUSES


@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_attribution_floor(outcomes: list[Outcome], figure: str) -> None:
    measured = measure(outcomes)[figure]
    assert measured >= FLOORS[figure], f"{figure} fell to {measured:.3f} (floor {FLOORS[figure]:.2f})"
