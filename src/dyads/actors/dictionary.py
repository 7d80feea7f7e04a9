"""The actor dictionary: package tables plus an optional user file, looked up by name.

Two indexes share one key space (:func:`dyads.actors.names.normalise`):

- *actors*: countries (names and demonyms), capitals and seats of government, groups,
  IGOs and people. People carry office dates and are chosen for a date.
- *roles*: role words from ``sectors.tsv`` ("defense minister" -> GOV MIL).

Acronym names ("US", "IS", "WHO") only match text written in capitals, so the pronoun
"us" and the verb "is" are never coded.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

from dyads.errors import DataError
from dyads.records import Actor, Span

from .names import demonym_plural, is_acronym, normalise, normalise_word, plural, sort_sectors

EntryKind = Literal["country", "capital", "group", "igo", "person", "sector"]
Denotes = Literal["person", "body", "group"]
ENTRY_KINDS: tuple[str, ...] = ("country", "capital", "group", "igo", "person", "sector")
DENOTES: tuple[str, ...] = ("person", "body", "group")


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """One dictionary entry: names that denote one coded actor (or one role, for ``kind="sector"``).

    ``code`` is the ISO-3 country or group code the entry codes to (``None`` for a role
    word with no country, or a body with no code such as a wire agency); ``country`` is
    the home country of a group, for information; ``start``/``end`` bound a person's
    office (``end`` exclusive); ``denotes`` says whether a role word names a person, a
    body or a group (used by pronoun resolution).
    """

    names: tuple[str, ...]
    code: str | None = None
    sectors: tuple[str, ...] = ()
    kind: EntryKind = "group"
    role: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    country: str | None = None
    denotes: Denotes | None = None
    adjectives: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        """The canonical (first) name."""
        return self.names[0] if self.names else ""

    def active_on(self, date: dt.date | None) -> bool:
        """Whether the entry holds on ``date`` (always, when either side is undated)."""
        if date is None:
            return True
        if self.start is not None and date < self.start:
            return False
        return not (self.end is not None and date >= self.end)

    def to_actor(self, *, span: Span | None = None) -> Actor:
        """The coded actor this entry stands for (a person or named body keeps its name)."""
        name = self.name if self.kind in ("person", "group", "igo") else None
        return Actor(
            code=self.code,
            sectors=sort_sectors(self.sectors),
            name=name,
            role=self.role if self.kind == "person" else None,
            span=span,
        )


@dataclass(frozen=True, slots=True)
class DictMatch:
    """A dictionary hit over words ``[start, end)``; ``entries`` are the candidates, best first."""

    start: int
    end: int
    entries: tuple[ActorEntry, ...]
    is_role: bool

    @property
    def entry(self) -> ActorEntry:
        return self.entries[0]


@dataclass(frozen=True, slots=True)
class _Key:
    entries: tuple[ActorEntry, ...]
    acronym_only: bool


def _index(entries: Iterable[ActorEntry], *, roles: bool) -> dict[str, _Key]:
    found: dict[str, list[ActorEntry]] = {}
    acronym: dict[str, bool] = {}
    for entry in entries:
        forms: list[str] = list(entry.names) + list(entry.adjectives)
        if roles:
            forms += [plural(n) for n in entry.names if not is_acronym(n)]
            forms += [n + "s" for n in entry.names if is_acronym(n)]
        else:
            forms += [p for a in entry.adjectives if (p := demonym_plural(a))]
        for form in forms:
            key = normalise(form)
            if not key:
                continue
            bucket = found.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)
            acronym[key] = acronym.get(key, True) and (is_acronym(form) or is_acronym(form[:-1]))
    return {k: _Key(tuple(v), acronym[k]) for k, v in found.items()}


class ActorDictionary:
    """Actor and role lookup by name; build with :meth:`default` or from entries."""

    def __init__(self, entries: Iterable[ActorEntry], *, overrides: Iterable[ActorEntry] = ()) -> None:
        base = list(entries)
        extra = list(overrides)
        self._entries: tuple[ActorEntry, ...] = tuple(base + extra)
        actors = _index([e for e in base if e.kind != "sector"], roles=False)
        roles = _index([e for e in base if e.kind == "sector"], roles=True)
        user_actors = _index([e for e in extra if e.kind != "sector"], roles=False)
        user_roles = _index([e for e in extra if e.kind == "sector"], roles=True)
        # A user entry replaces every package entry that shares one of its names.
        actors.update(user_actors)
        roles.update(user_roles)
        self._actors = actors
        self._roles = roles
        self._max_words = max((len(k.split()) for k in [*actors, *roles]), default=1)
        # first words of every name: most tokens start no name, and are rejected at once
        self._first_words = frozenset(k.split(" ", 1)[0] for k in [*actors, *roles])
        # every leading run of words of every name: a window is tried only as long as it may still
        # grow into a name, not from the longest a name can be
        self._prefixes = frozenset(" ".join(words[:n]) for k in [*actors, *roles] for words in [k.split()] for n in range(1, len(words) + 1))

    # -- construction -------------------------------------------------------------------

    @classmethod
    def default(cls, *, actor_file: str | Path | None = None) -> "ActorDictionary":
        """Package tables, plus the entries of ``actor_file`` (YAML or TOML) if given.

        Cached per file path and modification time.
        """
        if actor_file is None:
            return _cached_default(None, 0)
        path = Path(actor_file).expanduser().resolve()
        try:
            stamp = path.stat().st_mtime_ns
        except OSError as exc:
            raise DataError(
                "E301",
                f"actor file {path} cannot be read: {exc.strerror or exc}",
                fix="check the path given as actor_file",
            ) from exc
        return _cached_default(str(path), stamp)

    @property
    def entries(self) -> tuple[ActorEntry, ...]:
        """Every entry, package entries first, then user entries."""
        return self._entries

    @property
    def max_words(self) -> int:
        """Longest name, in words."""
        return self._max_words

    # -- lookups ------------------------------------------------------------------------

    def lookup(self, phrase: str, *, on: dt.date | None = None, strict_case: bool = True) -> ActorEntry | None:
        """The actor entry named exactly by ``phrase`` (case and punctuation ignored).

        People are chosen for the date ``on`` (the most recent office when undated).
        With ``strict_case`` an acronym name only matches capitals ("US" yes, "us" no).
        """
        key = normalise(phrase)
        hit = self._actors.get(key)
        if hit is None or not self._case_ok(hit, [phrase], strict_case=strict_case):
            return None
        return _choose(hit.entries, on)

    def role(self, phrase: str) -> ActorEntry | None:
        """The role entry (``kind="sector"``) named by ``phrase``, plural forms included."""
        key = normalise(phrase)
        hit = self._roles.get(key)
        if hit is None or not self._case_ok(hit, [phrase], strict_case=True, proper=False):
            return None
        return hit.entries[0]

    def person(self, name: str, *, on: dt.date | None = None, title: str | None = None) -> ActorEntry | None:
        """The person entry for a full name or a listed short name, in office on ``on``.

        Undated, the most recent office is returned; dated, ``None`` when no listed
        person of that name held office then. A ``title`` the text gives ("Prime Minister")
        picks, among those, the office of that name (:func:`titled`).
        """
        hit = self._actors.get(normalise(name))
        if hit is None:
            return None
        people = _ordered(tuple(e for e in hit.entries if e.kind == "person"), on)
        return titled(people, title) if people else None

    def match_at(
        self,
        words: Sequence[str],
        start: int,
        *,
        lemmas: Sequence[str] | None = None,
        stop: int | None = None,
        on: dt.date | None = None,
        keys: Sequence[str] | None = None,
    ) -> DictMatch | None:
        """The longest actor or role name starting at ``words[start]``, or ``None``.

        ``words`` are token texts; tokens that are only punctuation are skipped inside a
        name ("al", "-", "Qaeda") but never start or end one. ``lemmas`` (optional) let
        role words match by lemma ("ministers" -> "minister"). Case rules: an actor
        name needs a capital letter somewhere, an acronym needs capitals throughout.
        Where an actor and a role name are equally long, the actor wins. ``keys`` may
        hold :func:`~dyads.actors.names.normalise_word` of every word, computed once.
        """
        stop = len(words) if stop is None else min(stop, len(words))
        stop = min(stop, start + 2 * self._max_words + 2)  # room for punctuation tokens inside a name
        if start >= stop:
            return None
        first = keys[start] if keys is not None else normalise_word(words[start])
        if not first or first == "the":
            return None
        if first not in self._first_words and (lemmas is None or normalise_word(lemmas[start]) not in self._first_words):
            return None  # checked before the window's keys are gathered: most words start no name
        keys = [keys[i] if keys is not None else normalise_word(words[i]) for i in range(start, stop)]
        chosen: list[int] = []  # positions (relative) of non-empty tokens
        for pos, key in enumerate(keys):
            if key:
                chosen.append(pos)
            if len(chosen) >= self._max_words:
                break
        known, joined = 0, ""  # how many leading words still start some name
        for pos in chosen:
            joined = f"{joined} {keys[pos]}" if joined else keys[pos]
            if joined not in self._prefixes:
                break
            known += 1
        # a role name's last word may match by its lemma ("ministers"): one word past the known run
        for count in range(min(len(chosen), known + 1), 0, -1):
            last = chosen[count - 1]
            parts = [keys[p] for p in chosen[:count]]
            key = " ".join(parts)
            surface = [words[start + p] for p in chosen[:count]]
            end = start + last + 1
            hit = self._actors.get(key)
            if hit is not None and self._case_ok(hit, surface, strict_case=True):
                entries = _ordered(hit.entries, on)
                if entries:
                    return DictMatch(start, end, entries, is_role=False)
            role_hit = self._roles.get(key)
            if role_hit is None and lemmas is not None and count >= 1:
                lemma = normalise_word(lemmas[start + last])
                if lemma and lemma != parts[-1]:
                    role_hit = self._roles.get(" ".join([*parts[:-1], lemma]))
            if role_hit is not None and self._case_ok(role_hit, surface, strict_case=True, proper=False):
                return DictMatch(start, end, role_hit.entries, is_role=True)
        return None

    def scan(self, phrase: str, *, on: dt.date | None = None) -> list[tuple[str, ActorEntry]]:
        """Every actor and role name in ``phrase``, longest first, left to right.

        Returns ``(matched text, entry)`` pairs, e.g. ``"Russian Defense Minister"`` ->
        ``[("Russian", RUS country), ("Defense Minister", GOV MIL role)]``.
        """
        words = phrase.replace("'s ", " 's ").split()
        found: list[tuple[str, ActorEntry]] = []
        i = 0
        while i < len(words):
            hit = self.match_at(words, i, on=on)
            if hit is None:
                i += 1
                continue
            found.append((" ".join(words[hit.start : hit.end]), hit.entry))
            i = hit.end
        return found

    def describe(self, phrase: str, *, on: dt.date | None = None) -> Actor | None:
        """Code a short phrase: country or group from its names, sectors from its role words.

        ``"Russian Defense Minister"`` -> ``RUS GOV MIL`` (role "Defense Minister");
        ``None`` when the phrase holds nothing codable.
        """
        from .combine import combine_entries

        hits = self.scan(phrase, on=on)
        if not hits:
            return None
        return combine_entries([(text, entry) for text, entry in hits])

    # -- internals ----------------------------------------------------------------------

    @staticmethod
    def _case_ok(hit: _Key, surface: Sequence[str], *, strict_case: bool, proper: bool = True) -> bool:
        if not strict_case:
            return True
        letters = "".join(ch for word in surface for ch in word if ch.isalpha())
        if hit.acronym_only:
            core = letters[:-1] if letters.endswith("s") and len(letters) > 2 else letters  # "MPs"
            return core.isupper()
        if proper:
            return any(ch.isupper() for ch in letters)
        return True


def _ordered(entries: tuple[ActorEntry, ...], on: dt.date | None) -> tuple[ActorEntry, ...]:
    """Non-person entries as given; people filtered to ``on`` and newest office first."""
    others = [e for e in entries if e.kind != "person"]
    people = [e for e in entries if e.kind == "person" and e.active_on(on)]
    people.sort(key=lambda e: e.start or dt.date.min, reverse=True)
    return tuple(others + people)


def titled(people: tuple[ActorEntry, ...], title: str | None) -> ActorEntry:
    """The first of ``people`` (best first) whose office is ``title``, else the first: "Prime
    Minister Ismail Haniyeh" is the Palestinian prime minister of 2006-07 even in an undated
    text, where his later office in Hamas would otherwise be taken as the most recent."""
    if title:
        wanted = normalise(title)
        for entry in people:
            if entry.role and normalise(entry.role) == wanted:
                return entry
    return people[0]


def _choose(entries: tuple[ActorEntry, ...], on: dt.date | None) -> ActorEntry | None:
    ordered = _ordered(entries, on)
    return ordered[0] if ordered else None


# -- package tables -----------------------------------------------------------------------


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("dyads.actors").joinpath("data", name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    header = lines[0].split("\t")
    rows: list[dict[str, str]] = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(header):
            raise DataError(
                "E303",
                f"package table {name}, data line {number}: {len(cells)} columns, expected {len(header)}",
                fix="reinstall dyads; the package data is damaged",
            )
        rows.append({h: c.strip() for h, c in zip(header, cells)})
    return rows


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def _date(cell: str) -> dt.date | None:
    return dt.date.fromisoformat(cell) if cell else None


@functools.lru_cache(maxsize=1)
def package_entries() -> tuple[ActorEntry, ...]:
    """All entries of the package tables (countries, capitals, groups, roles, people)."""
    entries: list[ActorEntry] = []
    for row in _rows("countries.tsv"):
        code = row["code"]
        entries.append(
            ActorEntry(names=_split(row["names"]), code=code, kind="country", adjectives=_split(row["adjectives"]))
        )
        for seat in _split(row["seats"]):
            name, _, sectors = seat.partition("=")
            entries.append(
                ActorEntry(
                    names=(name.strip(),),
                    code=code,
                    sectors=tuple(sectors.split()) if sectors else ("GOV",),
                    kind="capital",
                    denotes="body",
                )
            )
    for row in _rows("groups.tsv"):
        kind = row["kind"]
        entries.append(
            ActorEntry(
                names=_split(row["names"]),
                code=row["code"] or None,
                sectors=tuple(row["sectors"].split()),
                kind="igo" if kind == "igo" else "group",
                country=row["country"] or None,
                denotes="body",
            )
        )
    for row in _rows("sectors.tsv"):
        entries.append(
            ActorEntry(
                names=(row["phrase"],),
                code=row["country"] or None,
                sectors=tuple(row["sectors"].split()),
                kind="sector",
                denotes=row["denotes"] or None,  # type: ignore[arg-type]
            )
        )
    for row in _rows("people.tsv"):
        entries.append(
            ActorEntry(
                names=_split(row["names"]),
                code=row["code"] or None,
                sectors=tuple(row["sectors"].split()),
                kind="person",
                role=row["role"] or None,
                start=_date(row["start"]),
                end=_date(row["end"]),
                denotes="person",
            )
        )
    return tuple(entries)


@functools.lru_cache(maxsize=16)
def _cached_default(path: str | None, stamp: int) -> ActorDictionary:
    del stamp  # part of the cache key only
    if path is None:
        return ActorDictionary(package_entries())
    from .userfile import load_actor_file

    return ActorDictionary(package_entries(), overrides=load_actor_file(path))

