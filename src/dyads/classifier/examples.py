"""Training examples for the event classifier, read from JSON Lines.

Our own format, one object per line (``docs/training.md``)::

    {"text": "Rebels shelled the airport.", "plover": "ASSAULT", "cameo_class": 4}

``plover`` is a PLOVER type, a list of types the label cannot tell apart, or absent;
``cameo_class`` is 0-4 (0 = statement or appeal, 1-4 = QuadClass) or absent; at least one
is given. Gold sets in known shapes are read as they are: PLOVER gold standard records
(``event``), POLECAT/NGEC-style records (``event_type``), the PLV sentences and NGEC stories (``label`` naming a type, ``YIELD`` included),
and the ConfliBERT cameo_class set (``label`` 0-4). Records with ``tokens`` and BIO ``tags``
(``B-S``/``I-S`` source, ``B-T``/``I-T`` target, ``B-R``/``I-R`` reciprocal, the ConfliBERT
cameo_ner shape) teach the role head the main event's argument phrases; their ``text`` must be
the tokens joined by single spaces. Bad lines become :class:`DataError` problems; the rest are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dyads.classifier.labels import CLASS_LABELS, ROLE_TAGS, class_of_types, type_set
from dyads.errors import DataError
from dyads.evaluate.formats import iter_jsonl
from dyads.records import content_hash, normalise_text


@dataclass(frozen=True)
class Example:
    """One labelled text: the types it allows (may be empty), its class (may be unknown) and the
    main event's argument phrases as ``(start_char, end_char, letter)`` (letter S, T or R; may be empty)."""

    text: str
    types: tuple[str, ...]
    cameo_class: int | None
    origin: str
    roles: tuple[tuple[int, int, str], ...] = ()

    @property
    def key(self) -> str:
        """Content hash of the normalised text: equal texts share a key (and a fold)."""
        return content_hash(normalise_text(self.text).lower())


def fold_of(text: str, folds: int) -> int:
    """The cross-validation fold of a text: equal texts always land in the same fold."""
    return int(content_hash(normalise_text(text).lower()), 16) % folds


def parse_example(obj: dict[str, Any], where: str) -> Example:
    """One JSON object -> :class:`Example`; ``ValueError``/``TypeError`` when it is unusable."""
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no 'text' string")
    types: tuple[str, ...] = ()
    klass: int | None = None
    if "tags" in obj:  # ConfliBERT cameo_ner: argument phrases only
        return Example(text=text, types=(), cameo_class=None, origin=where, roles=role_spans(text, obj.get("tokens"), obj["tags"]))
    if "plover" in obj or "cameo_class" in obj:  # our own format
        if obj.get("plover"):
            types = type_set(obj["plover"])
        if obj.get("cameo_class") is not None:
            klass = _class(obj["cameo_class"])
    elif "event" in obj or "event_type" in obj:  # PLOVER gold standard record, POLECAT/NGEC record
        types = type_set(str(obj.get("event") or obj.get("event_type")))
    elif isinstance(obj.get("label"), int) and not isinstance(obj.get("label"), bool):  # cameo_class
        klass = _class(obj["label"])
    elif isinstance(obj.get("label"), str):  # PLV sentence or NGEC story
        types = type_set(obj["label"])
    else:
        raise ValueError("found neither 'plover'/'cameo_class', 'event' nor a 'label' naming a type or class")
    if klass is None and types:
        klass = class_of_types(types)
    if not types and klass is None:
        raise ValueError("the record names neither a PLOVER type nor a class")
    return Example(text=text, types=types, cameo_class=klass, origin=where)


def role_spans(text: str, tokens: Any, tags: Any) -> tuple[tuple[int, int, str], ...]:
    """BIO tags over space-joined tokens -> character spans ``(start, end, letter)``."""
    if not isinstance(tokens, list) or not isinstance(tags, list) or len(tokens) != len(tags):
        raise ValueError("'tokens' and 'tags' must be lists of equal length")
    if " ".join(str(t) for t in tokens) != text:
        raise ValueError("'text' is not the tokens joined by single spaces")
    spans: list[list] = []
    position = 0
    for token, tag in zip(tokens, tags):
        start, end = position, position + len(str(token))
        position = end + 1
        if tag not in ROLE_TAGS:
            raise ValueError(f"unknown tag {tag!r} (expected one of {', '.join(ROLE_TAGS)})")
        if tag == "O":
            continue
        bio, letter = tag.split("-")
        if bio == "I" and spans and spans[-1][2] == letter and spans[-1][3] == start - 1:
            spans[-1][1], spans[-1][3] = end, end
        else:  # B, or an I that does not continue a phrase of its letter
            spans.append([start, end, letter, end])
    return tuple((start, end, letter) for start, end, letter, _ in spans)


def _class(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in CLASS_LABELS:
        raise ValueError(f"cameo_class must be an integer 0-4, got {value!r}")
    return value


def read_examples(paths: Iterable[Path]) -> tuple[list[Example], list[DataError]]:
    """Every usable example of ``paths`` in file order, and one problem per unusable line."""
    examples: list[Example] = []
    problems: list[DataError] = []
    for path in paths:
        for where, obj in iter_jsonl(Path(path)):
            if isinstance(obj, DataError):
                problems.append(obj)
                continue
            try:
                examples.append(parse_example(obj, where))
            except (ValueError, TypeError) as exc:
                problems.append(
                    DataError("E901", f"unusable training example at {where}: {exc}", fix="See docs/training.md for the example format.")
                )
    return examples, problems


def split_folds(examples: list[Example], folds: int, fold: int) -> tuple[list[Example], list[Example]]:
    """(training part, held-out part) of ``examples`` for ``fold`` of ``folds``."""
    held = [e for e in examples if fold_of(e.text, folds) == fold]
    kept = [e for e in examples if fold_of(e.text, folds) != fold]
    return kept, held


def unique(examples: Iterable[Example]) -> Iterator[Example]:
    """Examples with repeated (text, types, class, roles) dropped, first one kept."""
    seen: set[tuple] = set()
    for example in examples:
        key = (example.key, example.types, example.cameo_class, example.roles)
        if key not in seen:
            seen.add(key)
            yield example
