"""Name normalisation shared by the actor tables, the user file and the spaCy stage.

A *key* is the comparable form of a name: accents folded, lower case, hyphens and
slashes read as spaces, other punctuation dropped, a leading "the" removed.
``"U.S."``, ``"US"`` and ``"u.s"`` share the key ``"us"``.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_SEPARATORS = re.compile(r"[-\u2010-\u2015/_]+")
_DROP = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")
_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,7}$|^(?:[A-Z]\.){1,6}[A-Z]?\.?$")

#: Canonical order of sector codes in a coded actor (others follow alphabetically).
SECTOR_ORDER: tuple[str, ...] = (
    "IGO",
    "GOV",
    "MIL",
    "LEG",
    "JUD",
    "COP",
    "SPY",
    "PTY",
    "OPP",
    "REB",
    "UAF",
    "CRM",
    "MED",
    "BUS",
    "NGO",
    "CVL",
    "REF",
    "LAB",
    "AGR",
    "EDU",
    "HLH",
    "REL",
    "ELI",
)

#: Sectors of non-state actors: when present they override GOV/MIL taken from
#: generic role words ("rebel commander" is REB, not REB MIL).
NON_STATE_SECTORS: frozenset[str] = frozenset({"REB", "OPP", "UAF", "CRM", "PTY"})


def fold(text: str) -> str:
    """Accents removed (``Türkiye`` -> ``Turkiye``), curly quotes straightened."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_POSSESSIVE = re.compile(r"'s\b")


def normalise(text: str) -> str:
    """The comparable key of a name or phrase (see the module docstring)."""
    text = _POSSESSIVE.sub("", fold(text).lower())
    text = _SEPARATORS.sub(" ", text)
    text = _DROP.sub("", text)
    text = _SPACE.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return "" if text == "the" else text


@functools.lru_cache(maxsize=65536)
def normalise_word(text: str) -> str:
    """Key of a single token: like :func:`normalise` but keeps a bare "the"."""
    text = _POSSESSIVE.sub("", fold(text).lower())
    text = _SEPARATORS.sub(" ", text)
    text = _DROP.sub("", text)
    return _SPACE.sub(" ", text).strip()


def is_acronym(name: str) -> bool:
    """``"US"``, ``"U.S."``, ``"NATO"``, ``"IS"``: capitals only, at most seven letters."""
    return bool(_ACRONYM.match(name.strip()))


def plural(phrase: str) -> str:
    """A regular English plural of the last word of ``phrase`` (good enough for role words)."""
    head, _, last = phrase.rpartition(" ")
    lower = last.lower()
    if lower.endswith("man"):
        new = last[:-3] + "men"
    elif lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        new = last[:-1] + "ies"
    elif lower.endswith(("s", "x", "ch", "sh", "z")):
        new = last + "es"
    else:
        new = last + "s"
    return f"{head} {new}" if head else new


def demonym_plural(word: str) -> str | None:
    """``"Iraqi"`` -> ``"Iraqis"``; ``None`` where English has no ``-s`` plural (Chinese, Swiss, French)."""
    lower = word.lower()
    if lower.endswith(("ese", "sh", "ss", "ch", "s", "x", "z")) and not lower.endswith("zech"):
        return None
    return word + "s"


def sort_sectors(sectors: list[str] | tuple[str, ...]) -> list[str]:
    """Deduplicated, in :data:`SECTOR_ORDER` (unknown codes after, alphabetically)."""
    order = {code: i for i, code in enumerate(SECTOR_ORDER)}
    unique = list(dict.fromkeys(s for s in sectors if s))
    return sorted(unique, key=lambda s: (order.get(s, len(order)), s))
