"""Compare coded articles with a hand-written file of the events each should yield.

The format is that of ``src/dyads/demo/expected.jsonl`` (see the demo README): one expected
event per line with ``article_id, sentence, trigger, plover_type, cameo_root, cameo_code,
source, target, date, location_country, status``. An expected event is *found* when a coded
event of the same article has its trigger inside the expected sentence and the same trigger
word (or, failing that, the same PLOVER type in that sentence). Each field is then scored on
the found events; ``found`` itself is the recall of the coder on the file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dyads.errors import DataError
from dyads.records import Actor, Event

if TYPE_CHECKING:
    from dyads.pipeline import Pipeline

FIELDS = ("plover_type", "cameo_root", "cameo_code", "source", "target", "date", "location_country", "status")


@dataclass
class Comparison:
    """One expected event and the coded event matched to it (or None)."""

    expected: dict
    event: Event | None
    fields: dict[str, bool] = field(default_factory=dict)


def read_expected(path: str | Path) -> list[dict]:
    rows = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise DataError("E707", f"{path}:{number} is not valid JSON: {exc.msg}.", fix="fix or remove that line.") from exc
    return rows


def _actor_matches(expected: str | None, actors: list[Actor]) -> bool:
    """``'RUS MIL'`` matches an actor with code RUS whose sectors include MIL; None matches no actors."""
    if not expected:
        return not actors
    code, *sectors = expected.split()
    return any(a.code == code and set(sectors) <= set(a.sectors) for a in actors)


def _date_matches(expected: str | None, event: Event) -> bool:
    if expected is None or event.date is None:
        return expected is None and event.date is None
    if len(expected) == 7:  # YYYY-MM: month precision
        return event.date.date.strftime("%Y-%m") == expected and event.date.precision in ("month", "day")
    return event.date.date == dt.date.fromisoformat(expected)


def _score_fields(expected: dict, event: Event) -> dict[str, bool]:
    both = event.sources + event.targets
    reciprocal = expected.get("target") is not None and _actor_matches(expected["source"], both) and _actor_matches(
        expected["target"], both
    )
    location = event.location.country if event.location else None
    return {
        "plover_type": event.plover_type == expected["plover_type"],
        "cameo_root": event.cameo_code[:2] == expected["cameo_root"],
        "cameo_code": expected.get("cameo_code") is None or event.cameo_code == expected["cameo_code"],
        "source": _actor_matches(expected["source"], event.sources) or reciprocal,
        "target": (expected.get("target") is None) or _actor_matches(expected["target"], event.targets) or reciprocal,
        "date": _date_matches(expected.get("date"), event),
        "location_country": expected.get("location_country") is None or location == expected["location_country"],
        "status": event.attribution.status == expected["status"],
    }


def _match(expected: dict, events: Iterable[Event]) -> Event | None:
    in_sentence = [e for e in events if expected["sentence"] in e.sentence.text or e.sentence.text in expected["sentence"]]
    trigger = expected["trigger"].lower()
    for event in in_sentence:
        if event.trigger.text.lower() in trigger or trigger in event.trigger.text.lower():
            return event
    for event in in_sentence:
        if event.plover_type == expected["plover_type"]:
            return event
    return None


def compare(expected_rows: list[dict], coded: dict[str, list[Event]]) -> list[Comparison]:
    """Match each expected event to a coded event of its article and score its fields."""
    out = []
    for row in expected_rows:
        event = _match(row, coded.get(row["article_id"], []))
        out.append(Comparison(row, event, _score_fields(row, event) if event is not None else {}))
    return out


def summarise(comparisons: list[Comparison]) -> dict:
    """``found`` (recall) and, per field, the share right among found events.

    ``accuracy`` is the share of expected events found with the right PLOVER type (a miss
    counts as wrong); ``f1`` and ``macro_f1`` do not apply (extra events are not judged).
    """
    found = [c for c in comparisons if c.event is not None]
    n = len(comparisons)
    summary: dict = {
        "n": n,
        "accuracy": sum(c.fields["plover_type"] for c in found) / n if n else 0.0,
        "f1": None,
        "macro_f1": None,
        "found": len(found) / n if n else 0.0,
    }
    for name in FIELDS:
        summary[name] = sum(c.fields[name] for c in found) / len(found) if found else 0.0
    summary["all_fields"] = sum(all(c.fields.values()) for c in found) / len(comparisons) if comparisons else 0.0
    return summary


def score_expected(path: str | Path, *, pipeline: "Pipeline") -> dict:
    """Code ``articles.jsonl`` beside an expected-events file and summarise the comparison."""
    from dyads.io.readers import read_articles
    from dyads.records import Article

    path = Path(path)
    articles_path = path.parent / "articles.jsonl"
    if not articles_path.exists():
        raise DataError("E708", f"no articles.jsonl beside {path}.", fix="put the coded articles in articles.jsonl next to it.")
    articles = [a for a in read_articles(articles_path) if isinstance(a, Article)]
    coded = {article.id: events for article, events in pipeline.code_articles(articles)}
    return summarise(compare(read_expected(path), coded))
