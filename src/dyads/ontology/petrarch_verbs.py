"""Read PETRARCH (TABARI) verb dictionaries into a dyads event lexicon.

A PETRARCH verb dictionary holds blocks headed ``--- NAME [code] ---``: the verb lines of the
block (``BAN {BANS BANNED}``, a phrasal ``+BREAK_DOWN``, optionally with their own ``[code]``)
and its patterns (``- * DIPLOMATIC TIES [064]``: the verb, then words that must follow it).
Synsets (``&CURRENCY`` followed by ``+DOLLARS`` lines) name word lists patterns may use.
``dyads import-verbs`` writes them as rows of our lexicon TSV (docs/ontology.md), so a project's
verb dictionary replaces the built-in lexicon with ``--set events.lexicon=verbs.tsv``:

- a verb line gives a row for its lemma with the block's (or its own) code; a phrasal verb's
  second word is its particle (``+BREAK_DOWN`` -> break + down);
- a pattern whose words all follow the verb gives a row narrowed by a particle (its first word
  when that is a preposition or adverb particle: ``*_UPON``) and an object (its last word, or
  each one-word member of a synset there: ``* FOR &ECONSANCT`` -> ``for`` + ``sanctions``,
  ``boycott``, ``embargo``); the words between are not checked;
- what our lexicon cannot say is skipped and reported, each with its line and reason: patterns
  with words before the verb (``SAID *``, ``NOT *``: our coder reads negation and reporting
  itself), patterns that move roles or ask for compound actors (``$``, ``+``, ``%``), codes that
  are not CAMEO codes (``[903]``, ``[174K]``; a paired ``[032:033]`` keeps its first code),
  blocks with no code (``[---]``) and multi-word verbs; a later row with the same lemma,
  particle and object as an earlier one (PETRARCH tries a block's patterns in order).

The library never prints: :func:`petrarch_lexicon_file` returns a :class:`VerbImport`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dyads.errors import DataError, DyadsError
from dyads.ontology.codes import cameo
from dyads.ontology.lexicon import LEXICON_COLUMNS

_VERB_FILE_GLOB = "*.verbs*"
_HEADER = re.compile(r"^---\s*(.*?)\s*\[([^\]]*)\]\s*---")
_CODE = re.compile(r"\[([^\]]*)\]")
_FORMS = re.compile(r"\{[^}]*\}")
#: First words of a pattern that our lexicon keeps as the verb's particle ("call on", "back down").
PARTICLES = frozenset({
    "about", "across", "after", "against", "along", "among", "around", "at", "away", "back", "before", "behind",
    "between", "by", "down", "during", "for", "from", "in", "into", "near", "of", "off", "on", "onto", "out", "over",
    "through", "to", "toward", "towards", "under", "up", "upon", "with", "within", "without",
})
_ROLE_MARKERS = frozenset({"$", "+", "%"})
#: Words of a pattern that say nothing about its object ("* THE_NEATEST_PLACE", "* THEIR ABOUT +").
_FUNCTION_WORDS = frozenset({"a", "an", "the", "its", "their", "his", "her", "our", "my", "your", "some", "this", "that"})
_MAX_PHRASES = 64


@dataclass(frozen=True)
class SkippedPattern:
    """A dictionary line that gave no lexicon row, and why."""

    where: str  # file:line
    text: str
    reason: str


@dataclass(frozen=True)
class VerbImport:
    """What :func:`read_petrarch_verbs` made of a dictionary: lexicon rows and skipped lines."""

    rows: tuple[dict[str, str], ...]
    skipped: tuple[SkippedPattern, ...]

    def to_tsv(self) -> str:
        """The rows as lexicon TSV text, with a header naming the source."""
        lines = [
            "# dyads event lexicon converted from a PETRARCH verb dictionary (dyads import-verbs)",
            "\t".join(LEXICON_COLUMNS),
        ]
        lines += ["\t".join(row.get(column, "") for column in LEXICON_COLUMNS) for row in self.rows]
        return "\n".join(lines) + "\n"


def _strip_comments(line: str) -> str:
    return line.split("#", 1)[0].rstrip()


def _cameo_code(raw: str) -> tuple[str | None, str]:
    """``'064'`` -> ``('064', '')``; a paired ``'032:033'`` keeps its first code; else (None, why)."""
    code = raw.strip().split(":", 1)[0].strip()
    if not code or set(code) <= set("-+"):
        return None, "no code ([---]): only the block's patterns code"
    try:
        cameo(code)
    except DyadsError:
        return None, "its code is not a CAMEO code (WEIS or test codes such as [223], [903], [174K])"
    return code, ""


def _verb_words(line: str) -> list[str]:
    """``'BAN {BANS BANNED}'`` -> ``['ban']``; ``'+BREAK_DOWN'`` -> ``['break', 'down']``."""
    head = _CODE.sub(" ", _FORMS.sub(" ", line)).strip().lstrip("+").strip()
    return [w.lower() for w in re.split(r"[\s_]+", head) if w]


class _Reader:
    """One pass over a dictionary's lines; rows keyed (lemma, particle, object), first one kept."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.synsets: dict[str, list[str]] = {}
        self.rows: dict[tuple[str, str, str], dict[str, str]] = {}
        self.first_line: dict[tuple[str, str, str], int] = {}
        self.skipped: list[SkippedPattern] = []
        self.block_code: str | None = None
        self.block_why = ""
        self.verbs: list[tuple[str, str]] = []  # (lemma, particle) of the block's verb lines
        self.synset: str | None = None

    def skip(self, number: int, text: str, reason: str) -> None:
        self.skipped.append(SkippedPattern(f"{self.where}:{number}", text.strip(), reason))

    def add(self, number: int, text: str, *, lemma: str, particle: str, obj: str, code: str, target_preps: str = "") -> None:
        key = (lemma, particle, obj)
        if key in self.rows:
            self.skip(number, text, f"same verb, particle and object as line {self.first_line[key]}")
            return
        note = f"PETRARCH {self.where}:{number}: " + " ".join(text.split())
        self.rows[key] = {"lemma": lemma, "pos": "VERB", "cameo": code, "particle": particle, "dobj": obj,
                          "target_preps": target_preps, "note": note}
        self.first_line[key] = number

    def line(self, number: int, raw: str) -> None:
        text = _strip_comments(raw)
        stripped = text.strip()
        if not stripped:
            self.synset = None
            return
        header = _HEADER.match(stripped)
        if header:
            self.synset = None
            self.verbs = []
            self.block_code, self.block_why = _cameo_code(header.group(2))
            return
        if stripped.startswith("&") and not stripped.startswith("&&"):
            self.synset = stripped[1:].split()[0].rstrip("_").upper()
            self.synsets[self.synset] = []
            return
        if self.synset is not None and stripped.startswith("+"):
            self.synsets[self.synset].append(stripped[1:].strip())
            return
        if stripped.startswith("-"):
            self.pattern(number, stripped)
        elif self.block_code is not None or self.block_why:
            self.verb_line(number, stripped)

    def verb_line(self, number: int, text: str) -> None:
        words = _verb_words(text)
        own = _CODE.search(text)
        code, why = _cameo_code(own.group(1)) if own else (self.block_code, self.block_why)
        if not words:
            return
        if len(words) == 2 and words[1] in PARTICLES:
            lemma, particle = words
        elif len(words) == 1:
            lemma, particle = words[0], ""
        else:
            self.skip(number, text, "a verb of several words (our lexicon keys one word and a particle)")
            return
        if not re.fullmatch(r"[a-z][a-z'-]*", lemma):
            self.skip(number, text, f"{lemma!r} is not a word")
            return
        self.verbs.append((lemma, particle))
        if code is None:
            self.skip(number, text, why)
        else:
            self.add(number, text, lemma=lemma, particle=particle, obj="", code=code)

    def pattern(self, number: int, text: str) -> None:
        found = _CODE.search(text)
        if not found:
            self.skip(number, text, "a pattern with no [code]")
            return
        code, why = _cameo_code(found.group(1))
        if code is None:
            self.skip(number, text, why)
            return
        body = [w for w in text[1 : found.start()].replace("_", " ").split() if w != "^"]
        if body.count("*") != 1:
            self.skip(number, text, "a pattern without one verb (*)")
            return
        star = body.index("*")
        before, after = body[:star], [w.lower() for w in body[star + 1 :]]
        target_prep = ""
        if after[-2:-1] and after[-1] == "+" and after[-2] in PARTICLES:
            target_prep, after = after[-2], after[:-2]  # "* AT +": the target follows "at"
        if any(word in _ROLE_MARKERS for word in before + after):
            self.skip(number, text, "moves roles or asks for compound actors ($, +, %)")
            return
        if before:
            self.skip(number, text, "words before the verb (our coder reads negation, modality and reporting itself)")
            return
        if not self.verbs:
            self.skip(number, text, "a pattern before any verb line")
            return
        particles = [target_prep] if target_prep else self.particles(after[0]) if after else [""]
        rest = after[1:] if after and particles != [""] and not target_prep else after
        objects = self.phrases([w for w in rest if w not in PARTICLES and w not in _FUNCTION_WORDS])
        if objects is None:
            self.skip(number, text, "a synset with no member, or too many combinations")
            return
        for lemma, verb_particle in self.verbs:
            for particle in particles:
                if verb_particle and particle and verb_particle != particle:
                    continue
                for obj in objects:
                    self.add(number, text, lemma=lemma, particle=particle or verb_particle, obj=obj, code=code,
                             target_preps=target_prep)

    def particles(self, word: str) -> list[str]:
        """A pattern's first word as the particles it allows: itself, or a synset of particles; else ``['']``."""
        if word in PARTICLES:
            return [word]
        members = [m.lower() for m in self.synsets.get(word[1:].rstrip("_").upper(), [])] if word.startswith("&") else []
        return members if members and all(m in PARTICLES for m in members) else [""]

    def phrases(self, words: list[str]) -> list[str] | None:
        """Object words as phrases, each synset expanded to its members ("&TIETYPES ties" ->
        "military ties", ...); ``['']`` for none; None for an empty synset or over 64 phrases."""
        out = [""]
        for word in words:
            if word.startswith("&"):
                options = [" ".join(m.replace("_", " ").lower().split()) for m in self.synsets.get(word[1:].rstrip("_").upper(), [])]
            else:
                options = [word]
            options = [o for o in options if re.fullmatch(r"[a-z][a-z' -]*", o)]
            if not options:
                return None
            out = [f"{head} {option}".strip() for head in out for option in options]
            if len(out) > _MAX_PHRASES:
                return None
        return out


def read_petrarch_verbs(text: str, *, where: str = "<text>") -> VerbImport:
    """Convert the text of one PETRARCH verb dictionary (see the module docstring)."""
    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.DOTALL)
    reader = _Reader(where)
    for number, raw in enumerate(text.splitlines(), start=1):
        reader.line(number, raw)
    return VerbImport(rows=tuple(reader.rows.values()), skipped=tuple(reader.skipped))


def petrarch_lexicon_file(source: Path | str, out_path: Path | str) -> VerbImport:
    """Convert a PETRARCH verb dictionary (a file, or every ``*.verbs*`` file of a folder) into a
    lexicon TSV at ``out_path``; returns what was converted and skipped.

    Raises :class:`DataError` E804 when there is no verb dictionary or it yields no row.
    """
    path = Path(source)
    files = sorted(path.glob(_VERB_FILE_GLOB)) if path.is_dir() else ([path] if path.is_file() else [])
    if not files:
        raise DataError(
            "E804",
            f"no PETRARCH verb dictionary at {path}",
            fix="Point at a *.verbs* file or the folder holding one (gold/petrarch_dictionaries).",
        )
    rows: list[dict[str, str]] = []
    skipped: list[SkippedPattern] = []
    seen: set[tuple[str, str, str]] = set()
    for file in files:
        result = read_petrarch_verbs(file.read_text(encoding="utf-8", errors="replace"), where=file.name)
        for row in result.rows:
            key = (row["lemma"], row["particle"], row["dobj"])
            if key not in seen:
                seen.add(key)
                rows.append(row)
        skipped.extend(result.skipped)
    if not rows:
        raise DataError(
            "E804",
            f"{path} gave no lexicon row ({len(skipped)} lines skipped)",
            fix="Check that the file is a PETRARCH verb dictionary (--- VERB [code] --- blocks).",
        )
    result = VerbImport(rows=tuple(rows), skipped=tuple(skipped))
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(result.to_tsv(), encoding="utf-8")
    return result
