"""Readers for the third-party gold files that dyads is measured against.

Each reader turns one JSON Lines file into typed, frozen records and says exactly
which line was bad (``DataError`` E701, ``file:line``). With ``strict=False`` bad
lines are skipped and returned as :class:`~dyads.records.Problem` entries instead.

Also here: :func:`petrarch_actor_file`, which turns the PETRARCH validation
dictionaries (fictional countries such as Arnor and Gondor) into a dyads actor file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from dyads.actors.petrarch import petrarch_actor_file  # noqa: F401 - re-exported for evaluation
from dyads.errors import DataError
from dyads.evaluate.geo import parse_event_location, parse_geoparse
from dyads.records import Problem

Format = Literal["plover-gsr", "conflibert-class", "conflibert-ner", "petrarch", "geoparse", "event-location"]
FORMATS: tuple[str, ...] = ("plover-gsr", "conflibert-class", "conflibert-ner", "petrarch", "geoparse", "event-location")

# The 16 PLOVER event types (v0.8), in codebook order.
PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE",
    "COOPERATE", "AID", "RETREAT",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN",
    "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
# PLOVER 0.5 names used in the gold standard records -> current names.
PLOVER_RENAMES: Mapping[str, str] = MappingProxyType({
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
})
# Older gold mode names -> PLOVER 0.8 mode names.
PLOVER_MODE_RENAMES: Mapping[str, str] = MappingProxyType({
    "strike-hun": "hunger",
    "strike-gen": "strike",
    "demo-org": "demo",
    "demo-spon": "demo",
    "riot-spon": "riot",
    "host": "visit",
    "confiscate": "seize",
    "detain": "arrest",
})
# CAMEO-style country codes in the gold records that differ from ISO 3166 alpha-3.
GOLD_COUNTRY_RENAMES: Mapping[str, str] = MappingProxyType({"JAP": "JPN", "ITL": "ITA"})
# Gold sector spellings -> our (CAMEO) sector codes. PLOVER's sectors name journalists JRN and
# medical workers MED, where CAMEO (and dyads) write MED for the media and HLH for health.
GOLD_SECTOR_RENAMES: Mapping[str, str] = MappingProxyType({"CIV": "CVL", "JRN": "MED", "MED": "HLH"})

CONFLIBERT_CLASSES: Mapping[int, str] = MappingProxyType({
    0: "01-02 statement/appeal",
    1: "03-05 verbal cooperation",
    2: "06-08 material cooperation",
    3: "09-13 verbal conflict",
    4: "14-20 material conflict",
})
NER_ROLES: tuple[str, ...] = ("source", "target", "reciprocal")


# ---------------------------------------------------------------- record types


@dataclass(frozen=True)
class GoldActor:
    """One gold actor of a PLOVER record: its words, country/group code and sector."""

    text: str
    code: str | None
    sector: str | None


@dataclass(frozen=True)
class PloverGsrRecord:
    id: str
    text: str
    event: str  # normalised to a PLOVER 0.8 type
    raw_event: str
    mode: str | None  # normalised to a PLOVER 0.8 mode name
    sources: tuple[GoldActor, ...]
    targets: tuple[GoldActor, ...]
    where: str


@dataclass(frozen=True)
class ClassRecord:
    id: str
    text: str
    label: int
    where: str


@dataclass(frozen=True)
class GoldSpan:
    """A gold token span ``[start, end)`` with its role (source, target, reciprocal)."""

    role: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class NerRecord:
    id: str
    tokens: tuple[str, ...]
    spans: tuple[GoldSpan, ...]
    where: str

    @property
    def text(self) -> str:
        """The tokens joined by single spaces: the text the coder is given."""
        return " ".join(self.tokens)


@dataclass(frozen=True)
class Triple:
    """An expected PETRARCH event: source code, target code, CAMEO code."""

    source: str
    target: str
    code: str


@dataclass(frozen=True)
class PetrarchRecord:
    id: str
    text: str
    category: str
    expected: tuple[Triple, ...]
    expect_no_events: bool
    expected_errors: tuple[str, ...]
    where: str
    date: dt.date | None = None  # the story's date: PETRARCH's dated actor codes depend on it


GoldRecord = PloverGsrRecord | ClassRecord | NerRecord | PetrarchRecord


@dataclass(frozen=True)
class GoldSet:
    """Records read from one gold file plus the lines that were skipped."""

    fmt: str
    path: Path
    records: tuple[Any, ...]
    problems: tuple[Problem, ...] = ()


# ---------------------------------------------------------------- normalisers


def normalise_plover_type(name: str) -> str:
    """Upper-case a PLOVER type name and map PLOVER 0.5 names to current ones."""
    upper = name.strip().upper()
    return PLOVER_RENAMES.get(upper, upper)


def normalise_plover_mode(name: str | None) -> str | None:
    """Lower-case a mode name and map older gold names to PLOVER 0.8 names."""
    if name is None or not str(name).strip():
        return None
    lower = str(name).strip().lower()
    return PLOVER_MODE_RENAMES.get(lower, lower)


def normalise_country(code: str | None) -> str | None:
    """Gold country/group code as dyads writes it (ISO-3 where the gold uses CAMEO)."""
    if code is None or not str(code).strip():
        return None
    upper = str(code).strip().upper()
    return GOLD_COUNTRY_RENAMES.get(upper, upper)


def normalise_sector(sector: str | None) -> str | None:
    """Gold sector as a PLOVER sector code: first three letters, upper case.

    The gold adds ethnic/religious suffixes (``CVLalb``, ``REFKUR``); ``***`` means unknown.
    """
    if sector is None:
        return None
    letters = re.sub(r"[^A-Za-z]", "", str(sector))
    if len(letters) < 3:
        return None
    head = letters[:3].upper()
    return GOLD_SECTOR_RENAMES.get(head, head)


# ---------------------------------------------------------------- JSON Lines


def iter_jsonl(path: Path) -> Iterator[tuple[str, dict[str, Any] | DataError]]:
    """Yield ``(file:line, object)`` for each non-blank line, or the error for a bad one."""
    if not path.is_file():
        raise DataError(
            "E700",
            f"gold file not found: {path}",
            fix="Pass the path of a .jsonl gold file (e.g. ../shared/data/gold/plover_gsr.jsonl).",
        )
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield where, _bad_line(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(obj, dict):
                yield where, _bad_line(where, "a line must hold one JSON object")
                continue
            yield where, obj


def _bad_line(where: str, reason: str) -> DataError:
    return DataError("E701", f"bad gold record at {where}: {reason}", fix="Correct or delete that line of the gold file.")


def _require(obj: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    if key not in obj:
        raise KeyError(f"missing field '{key}'")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise TypeError(f"field '{key}' should be {names}, got {type(value).__name__}")
    return value


def _gold_actors(items: Any, key: str) -> tuple[GoldActor, ...]:
    if items is None:
        return ()
    if not isinstance(items, list):
        raise TypeError(f"field '{key}' should be a list")
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise TypeError(f"entries of '{key}' should be objects")
        if item.get("malformed_in_source"):
            continue
        out.append(
            GoldActor(
                text=str(item.get("text") or ""),
                code=normalise_country(item.get("code")),
                sector=normalise_sector(item.get("sector")),
            )
        )
    return tuple(out)


def parse_plover_gsr(obj: dict[str, Any], where: str) -> PloverGsrRecord:
    raw_event = _require(obj, "event", str)
    event = normalise_plover_type(raw_event)
    if event not in PLOVER_TYPES:
        raise ValueError(f"unknown PLOVER event type '{raw_event}'")
    mode = obj.get("mode")
    return PloverGsrRecord(
        id=str(obj.get("id", where)),
        text=_require(obj, "text", str),
        event=event,
        raw_event=raw_event,
        mode=normalise_plover_mode(mode if isinstance(mode, str) else None),
        sources=_gold_actors(obj.get("source"), "source"),
        targets=_gold_actors(obj.get("target"), "target"),
        where=where,
    )


def parse_conflibert_class(obj: dict[str, Any], where: str) -> ClassRecord:
    label = _require(obj, "label", int)
    if label not in CONFLIBERT_CLASSES:
        raise ValueError(f"label {label} is not one of 0-4")
    return ClassRecord(id=str(obj.get("id", where)), text=_require(obj, "text", str), label=label, where=where)


def parse_conflibert_ner(obj: dict[str, Any], where: str) -> NerRecord:
    tokens = _require(obj, "tokens", list)
    if not all(isinstance(t, str) and t for t in tokens):
        raise TypeError("'tokens' should be a list of non-empty strings")
    spans = []
    for item in _require(obj, "spans", list):
        if not isinstance(item, dict):
            raise TypeError("entries of 'spans' should be objects")
        role = _require(item, "role", str)
        start = _require(item, "tok_start", int)
        end = _require(item, "tok_end", int)
        if role not in NER_ROLES:
            raise ValueError(f"unknown span role '{role}'")
        if not 0 <= start < end <= len(tokens):
            raise ValueError(f"span [{start}, {end}) is outside the {len(tokens)} tokens")
        spans.append(GoldSpan(role=role, start=start, end=end, text=" ".join(tokens[start:end])))
    return NerRecord(id=str(obj.get("id", where)), tokens=tuple(tokens), spans=tuple(spans), where=where)


def parse_petrarch(obj: dict[str, Any], where: str) -> PetrarchRecord:
    expected = []
    for item in _require(obj, "expected", list):
        if not isinstance(item, dict):
            raise TypeError("entries of 'expected' should be objects")
        expected.append(
            Triple(
                source=_require(item, "source", str).strip(),
                target=_require(item, "target", str).strip(),
                code=_require(item, "code", str).strip(),
            )
        )
    errors = obj.get("expected_errors") or []
    return PetrarchRecord(
        id=str(obj.get("id", where)),
        text=_require(obj, "text", str),
        category=str(obj.get("category") or ""),
        expected=tuple(expected),
        expect_no_events=bool(obj.get("expect_no_events", False)),
        expected_errors=tuple(str(e) for e in errors),
        where=where,
        date=_yyyymmdd(obj.get("date")),
    )


def _yyyymmdd(value: Any) -> dt.date | None:
    """PETRARCH's ``"19950101"`` -> a date; absent or empty -> None."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not re.fullmatch(r"\d{8}", text):
        raise ValueError(f"'date' should be YYYYMMDD, got {text!r}")
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))


PARSERS: Mapping[str, Callable[[dict[str, Any], str], Any]] = MappingProxyType({
    "plover-gsr": parse_plover_gsr,
    "conflibert-class": parse_conflibert_class,
    "conflibert-ner": parse_conflibert_ner,
    "petrarch": parse_petrarch,
    "geoparse": parse_geoparse,
    "event-location": parse_event_location,
})


def check_format(fmt: str) -> str:
    """Return ``fmt`` if it names a known gold format, else raise DataError E702."""
    if fmt not in PARSERS:
        raise DataError(
            "E702",
            f"unknown evaluation format '{fmt}'",
            fix=f"Use one of: {', '.join(FORMATS)}.",
        )
    return fmt


def read_gold(fmt: str, path: Path | str, *, limit: int | None = None, strict: bool = True) -> GoldSet:
    """Read the first ``limit`` good records of a gold file in format ``fmt``.

    ``strict=True`` raises DataError E701 at the first bad line; ``strict=False`` skips
    bad lines and lists them in ``GoldSet.problems``.
    """
    parser = PARSERS[check_format(fmt)]
    gold_path = Path(path)
    if limit is not None and limit < 0:
        raise DataError("E704", f"limit must be 0 or more, got {limit}", fix="Pass --limit N with N >= 0, or omit it.")
    records: list[Any] = []
    problems: list[Problem] = []
    for where, obj in iter_jsonl(gold_path):
        if limit is not None and len(records) >= limit:
            break
        if isinstance(obj, DataError):
            error: DataError = obj
        else:
            try:
                records.append(parser(obj, where))
                continue
            except (KeyError, TypeError, ValueError) as exc:
                reason = exc.args[0] if exc.args else str(exc)
                error = _bad_line(where, f"{reason} (format {fmt})")
        if strict:
            raise error
        problems.append(Problem(where=where, code="E701", reason=error.message))
    return GoldSet(fmt=fmt, path=gold_path, records=tuple(records), problems=tuple(problems))
