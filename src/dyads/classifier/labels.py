"""The classifier's two label sets and how gold labels map onto them.

* ``TYPE_LABELS``: the 16 PLOVER root types (the *type head*).
* ``CLASS_LABELS``: the five sentence classes of the ConfliBERT cameo_class task (the *class
  head*): 0 = statement or appeal (CAMEO 01-02), 1-4 = Phoenix QuadClass of the main event.

A training example may name one type, a set of types it cannot tell apart (the PLV set's
``YIELD`` stands for CONCEDE or RETREAT), a class, or both. Types map to a class through our
CAMEO table; REQUEST and SANCTION are left without a class because coders disagree on them
(CAMEO 02 appeals vs 10 demands; 16 is verbal conflict for Phoenix, material for PLOVER).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

TYPE_LABELS: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE",
    "COOPERATE", "AID", "RETREAT",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN",
    "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
CLASS_LABELS: tuple[int, ...] = (0, 1, 2, 3, 4)

# gold names that stand for several of our types, or for an older name of one
TYPE_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "YIELD": ("CONCEDE", "RETREAT"),
    "DEMAND": ("REQUEST",),
    "DISAPPROVE": ("ACCUSE",),
    "INVESTIGATE": ("ACCUSE",),
    "FIGHT": ("ASSAULT",),
})

CLASS_OF_TYPE: Mapping[str, int] = MappingProxyType({
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1,
    "CONCEDE": 2, "COOPERATE": 2, "AID": 2, "RETREAT": 2,
    "ACCUSE": 3, "REJECT": 3, "THREATEN": 3,
    "PROTEST": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4,
})


def type_set(label: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The types a gold label allows, e.g. ``"YIELD"`` -> ``("CONCEDE", "RETREAT")``.

    Raises ``ValueError`` for a name that is no PLOVER type.
    """
    names = [label] if isinstance(label, str) else list(label)
    out: list[str] = []
    for name in names:
        upper = name.strip().upper()
        for resolved in TYPE_ALIASES.get(upper, (upper,)):
            if resolved not in TYPE_LABELS:
                raise ValueError(f"'{name}' is not a PLOVER type (expected one of {', '.join(TYPE_LABELS)} or YIELD)")
            if resolved not in out:
                out.append(resolved)
    return tuple(out)


def class_of_types(types: tuple[str, ...]) -> int | None:
    """The sentence class all of ``types`` share, or ``None`` when they do not share one."""
    classes = {CLASS_OF_TYPE.get(t) for t in types}
    return classes.pop() if len(classes) == 1 and None not in classes else None
