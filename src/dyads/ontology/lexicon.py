"""The event lexicon: which words trigger which CAMEO code, and mode cues from context.

``lexicon.tsv`` (package data, or a user file with the same columns) maps a lemma and a part of
speech, optionally narrowed by a particle ("pull out") or an object ("hold talks"), to a CAMEO
code, the prepositions that introduce the target and the PLOVER mode the word implies.
``mode_cues.tsv`` maps context words ("warplane", "artillery") to a PLOVER mode and CAMEO code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from spacy.tokens import Token

from dyads.errors import DataError, DyadsError
from dyads.ontology.codes import (
    YIELD,
    cameo,
    normalise_plover_name,
    package_text,
    plover_types,
    read_tsv,
)

LEXICON_COLUMNS = ("lemma", "pos", "cameo", "particle", "dobj", "target_preps", "mode", "note")
REQUIRED_COLUMNS = ("lemma", "pos", "cameo")
CUE_COLUMNS = ("plover_type", "cue", "mode", "cameo")

#: spaCy coarse tags a lexicon part of speech matches (AUX never matches a VERB entry).
POS_TAGS: Mapping[str, frozenset[str]] = MappingProxyType(
    {"VERB": frozenset({"VERB"}), "NOUN": frozenset({"NOUN", "PROPN"})}
)
#: Child dependencies that can carry a required particle: "pull out", "call on", "sit down".
PARTICLE_DEPS = frozenset({"prt", "prep", "advmod"})
#: Child dependencies that can carry a VERB entry's required object: "hold talks",
#: "sanctions were lifted", "agreed to meet".
OBJECT_DEPS = frozenset({"dobj", "obj", "nsubjpass", "oprd", "xcomp"})
#: ``dobj`` value of a VERB row for the verb's sense without an object ("protesters demonstrated",
#: "a rights group charged that ..."), as against "demonstrated its resolve", "charged him"
NO_OBJECT = "-"
NO_OBJECT_DEPS = frozenset({"dobj", "obj", "nsubjpass", "dative"})
#: Object nouns that measure or package what is moved ("700 kg of medicine", "a shipment of
#: weapons", "thousands of tons of food"): the object an entry needs may stand behind their "of".
MEASURE_NOUNS = frozenset({
    "kg", "kilogram", "kilo", "ton", "tonne", "pound", "litre", "liter", "gallon", "barrel", "lot", "shipment",
    "consignment", "load", "truckload", "planeload", "shipload", "batch", "cargo", "package", "parcel", "crate",
    "amount", "quantity", "dozen", "hundred", "thousand", "million", "billion", "worth",
})
#: Child dependencies that can carry a NOUN entry's required modifier: "air strike", "hunger strike".
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "poss"})

#: The value of ``events.lexicon`` that names the built-in lexicon explicitly (empty does too).
BUILTIN = "builtin"
_CODE_SHAPE = re.compile(r"^\d{2,4}$")
_LEXICON_FILE = "lexicon.tsv"
_CUES_FILE = "mode_cues.tsv"


@dataclass(frozen=True)
class LexEntry:
    """One lexicon row: a trigger word and what it codes."""

    lemma: str
    pos: str
    cameo: str
    particle: str | None
    dobj: str | None
    target_preps: tuple[str, ...]
    mode: str | None
    note: str = ""

    @property
    def specificity(self) -> int:
        """How many extra conditions (particle, object words) the entry needs: more beats fewer."""
        return (self.particle is not None) + (len(self.dobj.split()) if self.dobj else 0)

    @property
    def plover_type(self) -> str | None:
        """The PLOVER type of the entry's CAMEO code (None for statements)."""
        return cameo(self.cameo).plover_type


@dataclass(frozen=True)
class ModeCue:
    """A context word (or words, all required) that sets a PLOVER mode and maybe a CAMEO code."""

    plover_type: str
    words: tuple[str, ...]
    mode: str
    cameo: str | None


class Lexicon:
    """Event trigger words indexed by (lemma, part of speech); read-only after construction."""

    def __init__(self, entries: Iterable[LexEntry], *, source: str = "<memory>") -> None:
        self._entries = tuple(entries)
        self._source = source
        index: dict[tuple[str, str], list[LexEntry]] = {}
        for entry in self._entries:
            index.setdefault((entry.lemma, entry.pos), []).append(entry)
        self._index: Mapping[tuple[str, str], tuple[LexEntry, ...]] = MappingProxyType(
            {key: tuple(found) for key, found in index.items()}
        )

    @property
    def entries(self) -> tuple[LexEntry, ...]:
        """All entries in file order."""
        return self._entries

    @property
    def source(self) -> str:
        """Where the entries came from (a path, or ``'package'``)."""
        return self._source

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[LexEntry]:
        return iter(self._entries)

    def lookup(self, lemma: str, pos: str) -> tuple[LexEntry, ...]:
        """Every entry for a lemma and part of speech (``'VERB'`` or ``'NOUN'``), in file order."""
        return self._index.get((lemma.lower(), pos.upper()), ())

    def match(self, token: Token) -> LexEntry | None:
        """The most specific entry whose conditions the token meets, or None.

        The token's lemma (then its lower-cased text and, for nouns, that text less a plural
        ending: title-case "Talks" is often tagged PROPN and left unlemmatised) and coarse tag
        select the candidates. An
        entry that needs a particle matches only when the token has that particle as a child
        (dep ``prt``, ``prep`` or ``advmod``); one that needs an object only when a VERB has
        that lemma as its direct object (or passive subject, or clausal complement), or a NOUN
        has it as a modifier. Entries meeting more conditions win; ties go to file order.
        """
        pos = next((name for name, tags in POS_TAGS.items() if token.pos_ in tags), None)
        if pos is None:
            return None
        for key in _lookup_keys(token, pos):
            candidates = self._index.get((key, pos))
            if candidates:
                best = _best_entry(candidates, token, pos)
                if best is not None:
                    return best
        return None


def _lookup_keys(token: Token, pos: str) -> tuple[str, ...]:
    text = token.text.lower()
    keys = [token.lemma_.lower(), text]
    if pos == "NOUN" and text.endswith("s"):
        keys += [text[:-2], text[:-1]] if text.endswith("es") else [text[:-1]]
    return tuple(dict.fromkeys(key for key in keys if key))


def _child_words(token: Token, deps: frozenset[str], *, through_measures: bool = False) -> set[str]:
    """Text and lemma of ``token``'s children on ``deps``; with ``through_measures``, also of the
    "of" object of a measure noun among them ("700 kg of medicine")."""
    words: set[str] = set()
    for child in token.children:
        if child.dep_ in deps:
            words.update(_words(child))
            if through_measures and child.lemma_.lower() in MEASURE_NOUNS:
                words.update(w for of in child.children if of.dep_ == "prep" and of.lower_ == "of"
                             for obj in of.children if obj.dep_ == "pobj" for w in _words(obj))
            if through_measures:
                # "ended mediation efforts", "fired artillery shells": the object's compound names the act too
                words.update(w for c in child.children if c.dep_ == "compound" for w in _words(c))
    return words


def _words(token: Token) -> set[str]:
    return {token.text.lower(), token.lemma_.lower()} - {""}


def _object_ok(token: Token, entry: LexEntry, objects: set[str]) -> bool:
    """Whether the token has the entry's object: one word among ``objects``, or behind the
    entry's particle ("asked for sanctions"); several words ("trade protocol") all inside one
    object phrase of a verb (or the phrase behind its particle), in any order."""
    if entry.dobj is None:
        return True
    if entry.dobj == NO_OBJECT:
        return not any(child.dep_ in NO_OBJECT_DEPS for child in token.children)
    wanted = entry.dobj.split()
    behind = _particle_objects(token, entry.particle)
    if len(wanted) == 1:
        return wanted[0] in objects or any(wanted[0] in _words(obj) for obj in behind)
    heads = behind + ([child for child in token.children if child.dep_ in OBJECT_DEPS] if token.pos_ == "VERB" else [])
    return any(set(wanted) <= _phrase_words(head) for head in heads)


def _particle_objects(token: Token, particle: str | None) -> list[Token]:
    if particle is None:
        return []
    return [obj for child in token.children if child.dep_ in PARTICLE_DEPS and child.text.lower() == particle
            for obj in child.children if obj.dep_ == "pobj"]


def _phrase_words(head: Token) -> set[str]:
    return {word for token in head.subtree for word in _words(token)}


def _best_entry(candidates: Sequence[LexEntry], token: Token, pos: str) -> LexEntry | None:
    particles = _child_words(token, PARTICLE_DEPS)
    objects = _child_words(token, OBJECT_DEPS, through_measures=True) if pos == "VERB" else _child_words(token, MODIFIER_DEPS)
    usable = [
        entry
        for entry in candidates
        if (entry.particle is None or entry.particle in particles)
        and _object_ok(token, entry, objects)
    ]
    if not usable:
        return None
    return max(usable, key=lambda entry: entry.specificity)


def _row_error(where: str, line: int, reason: str, fix: str) -> DataError:
    return DataError("E802", f"{where}:{line}: {reason}", fix=fix)


def _entry_from_row(cells: Mapping[str, str], *, where: str, line: int) -> LexEntry:
    lemma = cells["lemma"].lower()
    if not lemma:
        raise _row_error(where, line, "empty lemma", "put the trigger word's lemma in the first column")
    pos = cells["pos"].upper()
    if pos not in POS_TAGS:
        raise _row_error(where, line, f"pos {cells['pos']!r} is not VERB or NOUN", "write VERB or NOUN")
    code_text = cells["cameo"]
    if not _CODE_SHAPE.match(code_text):
        raise _row_error(where, line, f"cameo {code_text!r} is not 2-4 digits", "write a CAMEO code such as 042 or 19")
    try:
        code = cameo(code_text)
    except DyadsError as exc:
        raise _row_error(where, line, exc.message, "use a CAMEO root from 01 to 20") from exc
    mode = cells.get("mode", "").lower() or None
    if mode is not None:
        allowed = plover_types()[code.plover_type].modes if code.plover_type else ()
        if mode not in allowed:
            raise _row_error(
                where,
                line,
                f"mode {mode!r} is not a mode of {code.plover_type or 'a statement code'} (CAMEO {code.code})",
                f"leave mode empty or use one of: {', '.join(allowed) or '(none)'}",
            )
    preps = tuple(part.strip().lower() for part in cells.get("target_preps", "").split(",") if part.strip())
    if cells.get("dobj", "").strip() == NO_OBJECT and pos != "VERB":
        raise _row_error(where, line, f"dobj {NO_OBJECT!r} (no object) is for VERB rows", "leave dobj empty or name a modifier word")
    return LexEntry(
        lemma=lemma,
        pos=pos,
        cameo=code_text,
        particle=cells.get("particle", "").lower() or None,
        dobj=cells.get("dobj", "").lower() or None,
        target_preps=preps,
        mode=mode,
        note=cells.get("note", ""),
    )


def parse_lexicon(text: str, *, where: str) -> Lexicon:
    """Build a :class:`Lexicon` from TSV text; ``where`` names the file in error messages."""
    rows = read_tsv(text, where=where, error_code="E802", required=REQUIRED_COLUMNS)
    entries: list[LexEntry] = []
    seen: dict[tuple[str, str, str | None, str | None], int] = {}
    for row in rows:
        unknown = [name for name in row.cells if name not in LEXICON_COLUMNS]
        if unknown:
            raise _row_error(
                where, row.line, f"unknown column(s) {', '.join(unknown)}", f"use only: {', '.join(LEXICON_COLUMNS)}"
            )
        entry = _entry_from_row(row.cells, where=where, line=row.line)
        key = (entry.lemma, entry.pos, entry.particle, entry.dobj)
        if key in seen:
            raise _row_error(
                where,
                row.line,
                f"duplicate entry for {entry.lemma}/{entry.pos} (first at line {seen[key]})",
                "keep one row per lemma, pos, particle and dobj",
            )
        seen[key] = row.line
        entries.append(entry)
    return Lexicon(entries, source=where)


@cache
def _package_lexicon() -> Lexicon:
    return parse_lexicon(package_text(_LEXICON_FILE), where=_LEXICON_FILE)


def load_lexicon(path: Path | None = None) -> Lexicon:
    """The built-in lexicon (``path`` None or ``builtin``), or a user TSV file with the same
    columns that replaces it.

    Malformed rows raise :class:`DataError` E802 naming ``file:line``; an unreadable file also E802.
    """
    if path is None or str(path) == BUILTIN:
        return _package_lexicon()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(
            "E802", f"cannot read lexicon {path}: {exc}", fix="give the path of a UTF-8 TSV file (see docs/ontology.md)"
        ) from exc
    return parse_lexicon(text, where=str(path))


@cache
def mode_cues() -> tuple[ModeCue, ...]:
    """The package's context cues for PLOVER modes, in priority order."""
    rows = read_tsv(package_text(_CUES_FILE), where=_CUES_FILE, error_code="E801", required=CUE_COLUMNS)
    cues: list[ModeCue] = []
    for row in rows:
        cells = row.cells
        words = tuple(cells["cue"].lower().split())
        if not words or not cells["mode"]:
            raise DataError(
                "E801",
                f"package data {_CUES_FILE}:{row.line}: empty cue or mode",
                fix="reinstall dyads; if you edited the package data, restore the shipped file",
            )
        cues.append(
            ModeCue(
                plover_type=cells["plover_type"].upper(),
                words=words,
                mode=cells["mode"],
                cameo=cells["cameo"] or None,
            )
        )
    return tuple(cues)


def mode_for(plover_type: str, lemmas: Iterable[str]) -> tuple[str | None, str | None]:
    """The PLOVER mode that context words suggest for an event type, and the CAMEO code it implies.

    ``lemmas`` are the (lower-case) lemmas of the sentence or clause. The first cue of the type
    whose words all occur wins, e.g. ASSAULT with "warplane" gives ``('aerial', '195')``,
    MOBILIZE with "troop" gives ``('troops', '154')``. Legacy type names are accepted; YIELD
    uses the RETREAT cues. Returns ``(None, None)`` when no cue matches.
    """
    kind = normalise_plover_name(plover_type)
    if kind == YIELD:
        kind = "RETREAT"
    present = {lemma.lower() for lemma in lemmas}
    for cue in mode_cues():
        if cue.plover_type == kind and all(word in present for word in cue.words):
            return cue.mode, cue.cameo
    return None, None
