"""The classifier's two label sets and how gold labels map onto them.

* ``TYPE_LABELS``: the 16 PLOVER root types (the *type head*).
* ``CLASS_LABELS``: the five sentence classes of the ConfliBERT cameo_class task (the *class
  head*): 0 = statement or appeal (CAMEO 01-02), 1-4 = Phoenix QuadClass of the main event.
* ``ROLE_TAGS``: BIO tags of the main event's argument phrases (the *role head*).

A training example may name one type, a set of types it cannot tell apart (the PLV set's
``YIELD`` stands for CONCEDE or RETREAT), a class, or both. A type's class is the QuadClass of
its CAMEO root in our table (:func:`quad_of_type`); as training labels, REQUEST and SANCTION
are left without a class because coders disagree on them (CAMEO 02 appeals vs 10 demands; 16
is verbal conflict for Phoenix, material for PLOVER).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from dyads.ontology.codes import cameo, plover_to_cameo_root

TYPE_LABELS: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE",
    "COOPERATE", "AID", "RETREAT",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN",
    "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
CLASS_LABELS: tuple[int, ...] = (0, 1, 2, 3, 4)
# the *role head*: one BIO tag per word piece for the main event's source, target and
# reciprocal (both) argument phrases, as the ConfliBERT cameo_ner set marks them
ROLE_TAGS: tuple[str, ...] = ("O", "B-S", "I-S", "B-T", "I-T", "B-R", "I-R")
ROLE_OF_LETTER: Mapping[str, str] = MappingProxyType({"S": "source", "T": "target", "R": "reciprocal"})

# gold names that stand for several of our types, or for an older name of one
TYPE_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "YIELD": ("CONCEDE", "RETREAT"),
    "DEMAND": ("REQUEST",),
    "DISAPPROVE": ("ACCUSE",),
    "INVESTIGATE": ("ACCUSE",),
    "FIGHT": ("ASSAULT",),
})

AMBIGUOUS_CLASS = frozenset({"REQUEST", "SANCTION"})


def quad_of_type(plover_type: str) -> int:
    """The QuadClass of the type's CAMEO root (our table), e.g. ASSAULT -> 4."""
    return cameo(plover_to_cameo_root(plover_type)).quad_class


CLASS_OF_TYPE: Mapping[str, int] = MappingProxyType(
    {name: quad_of_type(name) for name in TYPE_LABELS if name not in AMBIGUOUS_CLASS}
)


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
