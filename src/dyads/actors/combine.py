"""Combine dictionary hits inside one noun phrase into one coded actor.

Rules (documented in docs/actors.md):

- The code comes from the first country, capital, group, IGO or person hit that is not a
  backer ("U.S.-backed"); failing that, from a role word that implies a country ("Duma").
- Sectors are the union of the hits' sectors in canonical order. Non-state sectors win
  over generic state ones: "rebel commander" is REB, "Hezbollah fighters" is REB,
  "Taliban government" is REB. The officials of a non-governmental body are that body, with no GOV
  ("Red Cross officials"); an IGO's keep GOV ("UN Secretary-General": its executive).
- The role text is the text of the role words when one of them names one person
  ("Defense Minister"; not "officials").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dyads.records import Actor, MentionKind

from .dictionary import ActorEntry
from .names import NON_STATE_SECTORS, normalise, sort_sectors

_STATE = frozenset({"GOV", "MIL"})
_GENERIC_ARMED = frozenset({"GOV", "MIL", "REB", "UAF"})


@dataclass(frozen=True, slots=True)
class Part:
    """One dictionary hit inside a phrase: its text, entry and whether it names a backer."""

    text: str
    entry: ActorEntry
    backer: bool = False


def code_source(parts: Sequence[Part]) -> Part | None:
    """The hit that gives the phrase its code (see the module docstring)."""
    for part in parts:
        if not part.backer and part.entry.kind != "sector" and part.entry.code:
            return part
    for part in parts:
        if not part.backer and part.entry.kind == "sector" and part.entry.code:
            return part
    return None


def combine_sectors(parts: Sequence[Part]) -> list[str]:
    """Union of sectors with the non-state override."""
    actor_sectors: list[str] = []
    role_sectors: list[str] = []
    for part in parts:
        if part.backer:
            continue
        target = role_sectors if part.entry.kind == "sector" else actor_sectors
        target.extend(part.entry.sectors)
    if "NGO" in actor_sectors:
        role_sectors = [s for s in role_sectors if s != "GOV"]  # "Red Cross officials": the body itself
    group_nonstate = NON_STATE_SECTORS.intersection(actor_sectors)
    if group_nonstate:
        role_sectors = [s for s in role_sectors if s not in _GENERIC_ARMED or s in actor_sectors]
    elif NON_STATE_SECTORS.intersection(role_sectors):
        role_sectors = [s for s in role_sectors if s not in _STATE]
        actor_sectors = [s for s in actor_sectors if s not in _STATE]
    return sort_sectors([*actor_sectors, *role_sectors])


def role_text(parts: Sequence[Part]) -> str | None:
    """Text of the role words, when one of them names a person ("Defense Minister")."""
    roles = [p for p in parts if p.entry.kind == "sector" and not p.backer]
    singular = [p for p in roles if p.entry.denotes == "person" and normalise(p.text) in map(normalise, p.entry.names)]
    if not singular:
        return None
    return " ".join(p.text for p in roles)


def mention_kind(parts: Sequence[Part]) -> MentionKind:
    """person, group, igo, capital, country or sector: what coded the phrase."""
    if any(p.entry.kind == "person" and not p.backer for p in parts):
        return "person"
    source = code_source(parts)
    if source is None or source.entry.kind == "sector":
        return "sector"
    return source.entry.kind


def combine(parts: Sequence[Part]) -> Actor:
    """One actor from the hits of one phrase (span left unset)."""
    source = code_source(parts)
    person = next((p.entry for p in parts if p.entry.kind == "person" and not p.backer), None)
    named = next((p.entry for p in parts if p.entry.kind in ("group", "igo") and not p.backer), None)
    sectors = combine_sectors(parts)
    role = role_text(parts)
    name: str | None = None
    if person is not None:
        name = person.name
        role = role or person.role
        if not sectors:
            sectors = sort_sectors(person.sectors)
    elif named is not None:
        name = named.name
    backers = list(dict.fromkeys(p.entry.code for p in parts if p.backer and p.entry.code))
    return Actor(
        code=source.entry.code if source else None,
        sectors=sectors,
        name=name,
        role=role,
        supported_by=backers,
    )


def combine_entries(pairs: Sequence[tuple[str, ActorEntry]]) -> Actor:
    """:func:`combine` for ``(text, entry)`` pairs without backers."""
    return combine([Part(text, entry) for text, entry in pairs])
