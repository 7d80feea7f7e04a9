"""Read PETRARCH actor and agent dictionaries into a dyads actor file.

PETRARCH (and TABARI before it) keep actors in ``*.actors*`` files (names under a bracketed
code, optionally dated) and sector words in ``*.agents*`` files. ``dyads import-actors DIR``
writes them as our YAML actor file (docs/actors.md), so a project's existing dictionaries
become custom actors: ``--set actors.actor_file=petrarch_actors.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dyads.errors import DataError

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


_DATE = r"(\d{6}|\d{8})"
_RANGE = re.compile(rf"^([A-Za-z0-9]+)\s+{_DATE}\s*-\s*{_DATE}$")
_BEFORE_AFTER = re.compile(rf"^([A-Za-z0-9]+)\s*([<>])\s*{_DATE}$")


def _petrarch_date(text: str) -> dt.date:
    """``950601`` (two-digit years from 30 are 19xx) or ``19950601`` -> a date."""
    if len(text) == 6:
        year = int(text[:2])
        text = f"{1900 + year if year >= 30 else 2000 + year}{text[2:]}"
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def _dated_codes(codes: tuple[str, ...]) -> list[tuple[str, dt.date | None, dt.date | None]]:
    """Codes with their validity: ``HOBGOV 19950601 - 19990815`` -> (HOBGOV, 1995-06-01,
    1999-08-16) (our ``end`` is exclusive), ``HOB < 950601`` -> (HOB, None, 1995-06-01),
    ``X > 20090120`` -> (X, 2009-01-21, None); an undated code -> (code, None, None).
    Codes that are blank (``---``) or malformed are left out."""
    out: list[tuple[str, dt.date | None, dt.date | None]] = []
    for raw in codes:
        text = raw.strip()
        try:
            if (found := _RANGE.match(text)) is not None:
                code, start, end = found.group(1), _petrarch_date(found.group(2)), _petrarch_date(found.group(3))
                out.append((code.upper(), start, end + dt.timedelta(days=1)))
            elif (found := _BEFORE_AFTER.match(text)) is not None:
                code, sign, when = found.group(1), found.group(2), _petrarch_date(found.group(3))
                out.append((code.upper(), None, when) if sign == "<" else (code.upper(), when + dt.timedelta(days=1), None))
            elif (code := _pick_code((text,))) is not None and not re.search(r"[<>]|\d{6}", text):
                out.append((code, None, None))
        except ValueError:  # an impossible date such as 19951340
            continue
    return out


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
    ``include_agents`` is false) and writes ``{actors: [{names, code, sectors, kind}]}``, the
    agents as ``kind: sector`` entries (role words; whether PETRARCH writes the agent's code
    before or after the country's is not kept). A code such as ``ISRMIL`` becomes code
    ``ISR`` with sectors ``[MIL]``; blank codes (``---``) are dropped. ``kind`` is ``country``
    for a bare 3-letter code and ``group`` otherwise. An entry with dated codes
    (``[HOBGOV 19950601 - 19990815]``, ``[HOB < 950601]``) becomes one ``person`` entry per code
    with ``start``/``end``, so the article's date picks the code (an undated code among them
    holds when none of the dated ones does).
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
            names = list(dict.fromkeys(_phrase(n) for n in entry.names if _phrase(n)))
            dated = _dated_codes(entry.codes)
            if not names or not dated:
                continue
            if all(start is None and end is None for _, start, end in dated):
                code = dated[0][0]
                root, sectors = _split_code(code)
                kind = "country" if len(code) == 3 and code.isalpha() else "group"
                actors.append({"names": names, "code": root, "sectors": sectors, "kind": kind})
                continue
            # dated codes are a person's offices: one entry each, chosen by the article's date
            for code, start, end in dated:
                root, sectors = _split_code(code)
                person: dict[str, Any] = {"names": names, "code": root, "sectors": sectors, "kind": "person"}
                person.update({key: str(day) for key, day in (("start", start), ("end", end)) if day is not None})
                actors.append(person)
    if include_agents:  # sector words: role entries of our actor file ("human rights activists" -> OPP)
        for file in sorted(folder.glob(_AGENT_FILE_GLOB)):
            for agent in _parse_agent_dictionary(file.read_text(encoding="utf-8", errors="replace")):
                names = list(dict.fromkeys(n for n in agent["names"] if n))
                if names and agent["sectors"]:
                    actors.append({"names": names, "sectors": agent["sectors"], "kind": "sector"})
    document: dict[str, Any] = {"actors": actors}
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        "# dyads actor file converted from PETRARCH dictionaries (dyads import-actors)\n"
        + yaml.safe_dump(document, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    return out
