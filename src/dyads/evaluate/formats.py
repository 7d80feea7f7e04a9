"""Readers for the third-party gold files that dyads is measured against.

Each reader turns one JSON Lines file into typed, frozen records and says exactly
which line was bad (``DataError`` E701, ``file:line``). With ``strict=False`` bad
lines are skipped and returned as :class:`~dyads.records.Problem` entries instead.

Also here: :func:`petrarch_actor_file`, which turns the PETRARCH validation
dictionaries (fictional countries such as Arnor and Gondor) into a dyads actor file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml

from dyads.errors import DataError
from dyads.records import Problem

Format = Literal["plover-gsr", "conflibert-class", "conflibert-ner", "petrarch"]
FORMATS: tuple[str, ...] = ("plover-gsr", "conflibert-class", "conflibert-ner", "petrarch")

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
# Gold sector spellings -> PLOVER sector codes.
GOLD_SECTOR_RENAMES: Mapping[str, str] = MappingProxyType({"CIV": "CVL"})

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
    )


PARSERS: Mapping[str, Callable[[dict[str, Any], str], Any]] = MappingProxyType({
    "plover-gsr": parse_plover_gsr,
    "conflibert-class": parse_conflibert_class,
    "conflibert-ner": parse_conflibert_ner,
    "petrarch": parse_petrarch,
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


# ---------------------------------------------------------------- PETRARCH dictionaries

_CODE = re.compile(r"\[([^\]]*)\]")
_SMALL_WORDS = frozenset({"OF", "THE", "AND", "DE", "DU", "LA"})
_ACTOR_FILE_GLOB = "*.actors*"
_AGENT_FILE_GLOB = "*.agents*"


@dataclass(frozen=True)
class _DictEntry:
    names: tuple[str, ...]
    codes: tuple[str, ...]  # each code as written inside [...], dates included


def _strip_comments(text: str) -> str:
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.DOTALL)
    return "\n".join(line.split("#", 1)[0].rstrip() for line in text.splitlines())


def _phrase(raw: str) -> str:
    """PETRARCH phrase (``PRESIDENT_GEORGE_W._BUSH``) -> words as in news text.

    Words are title-cased, except acronyms: words with dots or digits, words of one or
    two letters, and a one-word name of three letters (``IMF``, ``PLO``).
    """
    words = [w for w in raw.replace("_", " ").split() if w]
    out = []
    for i, word in enumerate(words):
        acronym = len(word) <= 2 or (len(word) == 3 and len(words) == 1)
        if "." in word or any(ch.isdigit() for ch in word) or (acronym and word not in _SMALL_WORDS):
            out.append(word)
        elif word in _SMALL_WORDS and i > 0:
            out.append(word.lower())
        else:
            out.append("-".join(part.capitalize() for part in word.split("-")))
    return " ".join(out)


def _parse_actor_dictionary(text: str) -> list[_DictEntry]:
    """Entries of a PETRARCH actor dictionary: a primary phrase, ``+synonyms``, ``[codes]``."""
    entries: list[_DictEntry] = []
    names: list[str] = []
    codes: list[str] = []

    def flush() -> None:
        if names and codes:
            entries.append(_DictEntry(tuple(names), tuple(codes)))
        names.clear()
        codes.clear()

    for line in _strip_comments(text).splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        found = _CODE.findall(stripped)
        head = _CODE.sub(" ", stripped).strip()
        if head.startswith("+"):
            synonym = head[1:].strip()
            if synonym:
                names.append(synonym)
        elif head:
            # a new primary phrase starts a new entry
            flush()
            names.append(head)
        codes.extend(c.strip() for c in found if c.strip())
    flush()
    return entries


def _pick_code(codes: tuple[str, ...]) -> str | None:
    """The undated code if there is one, else the last dated one; ``---``-style blanks -> None."""
    plain = [c for c in codes if not re.search(r"[<>]|\d", c)]
    chosen = plain[0] if plain else (codes[-1] if codes else "")
    chosen = re.split(r"[\s<>]", chosen.strip(), maxsplit=1)[0]
    chosen = chosen.split("/", 1)[0].upper()
    if not chosen or not re.fullmatch(r"[A-Z0-9]+", chosen):
        return None
    return chosen


def _split_code(code: str) -> tuple[str, list[str]]:
    """``ISRMIL`` -> ``('ISR', ['MIL'])``: a 3-letter root, then 3-letter sector codes."""
    root, rest = code[:3], code[3:]
    return root, [rest[i : i + 3] for i in range(0, len(rest), 3) if len(rest[i : i + 3]) == 3]


def _expand_macros(name: str, macros: dict[str, list[str]]) -> list[str]:
    match = re.search(r"!([A-Z]+)!", name)
    if not match or match.group(1) not in macros:
        return [name]
    out = []
    for option in macros[match.group(1)]:
        out.extend(_expand_macros(name[: match.start()] + option + name[match.end() :], macros))
    return out


def _parse_agent_dictionary(text: str) -> list[dict[str, Any]]:
    """Agents (``PRESIDENT [~GOV]``) as ``{names, sectors, position}`` entries."""
    macros: dict[str, list[str]] = {}
    agents: list[dict[str, Any]] = []
    for line in _strip_comments(text).splitlines():
        stripped = line.strip()
        macro = re.fullmatch(r"!([A-Z]+)!\s*=\s*(.+)", stripped)
        if macro:
            macros[macro.group(1)] = [w.strip() for w in macro.group(2).split(",") if w.strip()]
            continue
        code_match = _CODE.search(stripped)
        if not code_match:
            continue
        raw_code = code_match.group(1).replace(" ", "")
        head = stripped[: code_match.start()]
        plurals = re.search(r"\{([^}]*)\}", head)
        head = re.sub(r"\{[^}]*\}", " ", head).strip()
        if not head:
            continue
        position = "prefix" if raw_code.endswith("~") else "suffix"
        code = raw_code.strip("~").upper()
        if not re.fullmatch(r"[A-Z]+", code):
            continue
        names = _expand_macros(head, macros)
        if plurals and plurals.group(1).strip():
            names += [p for p in plurals.group(1).split() if p]
        sectors = [code[i : i + 3] for i in range(0, len(code), 3) if len(code[i : i + 3]) == 3]
        agents.append({"names": [_phrase(n) for n in names], "sectors": sectors, "position": position})
    return agents


def petrarch_actor_file(dict_dir: Path | str, out_path: Path | str, *, include_agents: bool = True) -> Path:
    """Convert PETRARCH validation dictionaries into a dyads YAML actor file.

    Reads every ``*.actors*`` file in ``dict_dir`` (and ``*.agents*`` unless
    ``include_agents`` is false) and writes ``{actors: [{names, code, sectors, kind}],
    agents: [{names, sectors, position}]}``. A code such as ``ISRMIL`` becomes code
    ``ISR`` with sectors ``[MIL]``; dated codes keep the undated (or latest) one; blank
    codes (``---``) are dropped. ``kind`` is ``country`` for a bare 3-letter code and
    ``group`` otherwise (the dictionaries do not mark persons).
    """
    folder = Path(dict_dir)
    actor_files = sorted(folder.glob(_ACTOR_FILE_GLOB)) if folder.is_dir() else []
    if not actor_files:
        raise DataError(
            "E703",
            f"no PETRARCH actor dictionary (*.actors*) in {folder}",
            fix="Point at the folder holding PETR.Validate.actors.txt (gold/petrarch_dictionaries).",
        )
    actors: list[dict[str, Any]] = []
    for file in actor_files:
        for entry in _parse_actor_dictionary(file.read_text(encoding="utf-8", errors="replace")):
            code = _pick_code(entry.codes)
            if code is None:
                continue
            root, sectors = _split_code(code)
            names = list(dict.fromkeys(_phrase(n) for n in entry.names if _phrase(n)))
            if not names:
                continue
            kind = "country" if len(code) == 3 and code.isalpha() else "group"
            actors.append({"names": names, "code": root, "sectors": sectors, "kind": kind})
    document: dict[str, Any] = {"actors": actors}
    if include_agents:
        agents: list[dict[str, Any]] = []
        for file in sorted(folder.glob(_AGENT_FILE_GLOB)):
            agents.extend(_parse_agent_dictionary(file.read_text(encoding="utf-8", errors="replace")))
        if agents:
            document["agents"] = agents
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        "# dyads actor file converted from PETRARCH validation dictionaries (fictional actors)\n"
        + yaml.safe_dump(document, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    return out
