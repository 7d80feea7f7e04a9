"""Component ``dyads_attribute_lookup``: the spaCy model's attribute ruler, applied from lookup tables.

The English pipeline's ``attribute_ruler`` sets each token's coarse POS, morphology and some lemmas
from 179 Matcher patterns on its fine tag, lower-case form and dependency label. spaCy's Matcher
tries every pattern at every token: 10 ms an article of the news corpus, 15.5% of spaCy's own
time, as much as its tagger and parser together (`python bench/attribute_lookup.py`). The same
patterns, read once into dictionaries keyed by the attributes they test, find the same matches
for a dictionary lookup per token, and the attributes are set as spaCy sets them: later patterns
win, as in spaCy's own ruler, where matches are applied in pattern order.

:func:`compile_ruler` accepts only patterns whose token specifications test attributes for
a value, ``IN`` or ``NOT_IN`` a list, or ``REGEX`` (no ``OP``, fuzzy or subset tests; only the
attributes in ``_COLUMNS``); for any other ruler it raises :class:`NotCompilable` and the pipeline
keeps spaCy's own component.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LOWER, NORM, ORTH, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

# the token attributes a compiled pattern may test, each a column of Doc.to_array
_COLUMNS = {"TAG": TAG, "LOWER": LOWER, "ORTH": ORTH, "TEXT": ORTH, "NORM": NORM, "DEP": DEP, "IS_SPACE": IS_SPACE}
_FLAGS = {"IS_SPACE"}
_CACHE_LIMIT = 50_000  # token rows kept between articles (~330 bytes each, so at most ~16 MB; 600 corpus articles hold 33,000)

# one token test: (column, kind, accepted): kind "in" and "not_in" hold string ids (or 0/1 for a
# flag; the empty string's id is 0, an attribute the parse left unset), "regex" a compiled pattern
# searched in the attribute's text, as spaCy's Matcher does
Test = tuple[int, str, Any]


class NotCompilable(ValueError):
    """The ruler holds a pattern the lookup cannot reproduce exactly."""


@dataclass(frozen=True)
class CompiledRuler:
    """The ruler's patterns as token tests, in pattern order: single-token patterns that only test
    for values as {(column, ...): {(value, ...): pattern ids}}, other single-token ones and longer
    ones listed; and each pattern group's attributes (normalised as spaCy's ruler holds them)."""

    tables: dict[tuple[int, ...], dict[tuple[int, ...], tuple[int, ...]]]
    others: tuple[tuple[int, tuple[Test, ...]], ...]
    sequences: tuple[tuple[int, int, tuple[tuple[Test, ...], ...]], ...]  # (pattern id, target token, tests per token)
    attrs: tuple[dict[Any, Any], ...]
    columns: tuple[int, ...]


def _token_tests(spec: dict[Any, Any], strings) -> tuple[Test, ...]:
    """A Matcher token specification as tests: a value, ``IN`` or ``NOT_IN`` a list, ``REGEX``."""
    tests = []
    for key, value in spec.items():
        if not isinstance(key, str) or key not in _COLUMNS:
            raise NotCompilable(f"token test on {key!r}")
        column, flag = _COLUMNS[key], key in _FLAGS
        if isinstance(value, dict) and len(value) == 1:
            (kind, operand), = value.items()
        else:
            kind, operand = "=", value
        if kind == "REGEX" and isinstance(operand, str) and not flag:
            tests.append((column, "regex", re.compile(operand)))
            continue
        options = [operand] if kind == "=" else operand if kind in ("IN", "NOT_IN") and isinstance(operand, list) else None
        if options is None or not all(isinstance(o, bool) if flag else isinstance(o, str) for o in options):
            raise NotCompilable(f"token test {key!r}: {value!r}")
        ids = frozenset(int(o) if flag else strings[o] if o else 0 for o in options)
        tests.append((column, "not_in" if kind == "NOT_IN" else "in", ids))
    return tuple(tests)


def compile_ruler(ruler: AttributeRuler) -> CompiledRuler:
    """Read a loaded spaCy ``AttributeRuler`` into tests and tables (NotCompilable if it cannot be exact)."""
    strings = ruler.vocab.strings
    tables: dict[tuple[int, ...], dict[tuple[int, ...], list[int]]] = {}
    others, sequences = [], []
    for attr_id, entry in enumerate(ruler.patterns):
        index = entry.get("index", 0)
        for pattern in entry["patterns"]:
            if not -len(pattern) <= index < len(pattern):
                raise NotCompilable(f"index {index} outside a pattern of {len(pattern)} tokens")
            tests = tuple(_token_tests(spec, strings) for spec in pattern)
            if len(tests) > 1:
                sequences.append((attr_id, index % len(tests), tests))
            elif all(kind == "in" for _, kind, _ in tests[0]) and len({column for column, _, _ in tests[0]}) == len(tests[0]):
                ordered = sorted(tests[0], key=lambda test: test[0])
                table = tables.setdefault(tuple(column for column, _, _ in ordered), {})
                for values in itertools.product(*(sorted(accepted) for _, _, accepted in ordered)):
                    table.setdefault(values, []).append(attr_id)
            else:
                others.append((attr_id, tests[0]))
    columns = {c for cols in tables for c in cols} | {c for _, tests in others for c, _, _ in tests}
    columns |= {c for _, _, seq in sequences for tests in seq for c, _, _ in tests}
    return CompiledRuler(
        tables={cols: {vals: tuple(ids) for vals, ids in table.items()} for cols, table in tables.items()},
        others=tuple(others),
        sequences=tuple(sequences),
        attrs=tuple(ruler.attrs),
        columns=tuple(sorted(columns)),
    )


class AttributeLookup:
    """Sets the attributes the compiled ruler's patterns set, token by token, in pattern order.

    Which single-token patterns a token matches, and which longer patterns may start at it,
    depend only on its row of tested attributes, so both are worked out once per distinct row."""

    def __init__(self, compiled: CompiledRuler, strings) -> None:
        self.compiled = compiled
        self.strings = strings
        where = {column: i for i, column in enumerate(compiled.columns)}
        moved = lambda tests: tuple((where[c], kind, accepted) for c, kind, accepted in tests)  # noqa: E731
        self._tables = [(tuple(where[c] for c in cols), table) for cols, table in compiled.tables.items()]
        self._others = [(attr_id, moved(tests)) for attr_id, tests in compiled.others]
        self._sequences = [(attr_id, target, tuple(moved(t) for t in seq)) for attr_id, target, seq in compiled.sequences]
        self._row_hits: dict[tuple[int, ...], tuple[tuple[int, ...], tuple[int, ...]]] = {}  # row -> (pattern ids, sequences starting)
        self._merged: dict[tuple[int, ...], dict[Any, Any]] = {}  # pattern ids -> the attributes they set, later ones winning

    def __call__(self, doc: Doc) -> Doc:
        if not self.compiled.columns or not len(doc):
            return doc
        rows = [tuple(row) for row in doc.to_array(list(self.compiled.columns)).reshape(len(doc), -1).tolist()]
        if len(self._row_hits) > _CACHE_LIMIT:
            self._row_hits.clear()
        hits = [self._row_hits.get(row) or self._hits_of(row) for row in rows]
        extra: dict[int, set[int]] = {}
        for start, (_, starting) in enumerate(hits):
            for k in starting:
                attr_id, target, seq = self._sequences[k]
                if start + len(seq) <= len(rows) and all(self._passes(rows[start + j], tests) for j, tests in enumerate(seq[1:], 1)):
                    extra.setdefault(start + target, set()).add(attr_id)
        merged = self._merged
        for i, (ids, _) in enumerate(hits):
            if i in extra:
                ids = tuple(sorted(set(ids) | extra[i]))
            if not ids:
                continue
            attrs = merged.get(ids)
            if attrs is None:
                attrs = merged[ids] = {key: value for attr_id in ids for key, value in self.compiled.attrs[attr_id].items()}
            set_token_attrs(doc[i], attrs)
        return doc

    def _hits_of(self, row: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        found = [attr_id for positions, table in self._tables for attr_id in table.get(tuple(row[p] for p in positions), ())]
        found += [attr_id for attr_id, tests in self._others if self._passes(row, tests)]
        starting = tuple(k for k, (_, _, seq) in enumerate(self._sequences) if self._passes(row, seq[0]))
        hits = self._row_hits[row] = (tuple(sorted(set(found))), starting)
        return hits

    def _passes(self, row: tuple[int, ...], tests: tuple[Test, ...]) -> bool:
        for position, kind, accepted in tests:
            value = row[position]
            if kind == "in":
                if value not in accepted:
                    return False
            elif kind == "not_in":
                if value in accepted:
                    return False
            elif not accepted.search(self.strings[value] if value else ""):
                return False
        return True


@Language.factory(
    "dyads_attribute_lookup",
    requires=["token.tag", "token.dep"],
    assigns=["token.pos", "token.morph", "token.lemma"],
)
def make_attribute_lookup(nlp: Language, name: str, source: str = "attribute_ruler") -> AttributeLookup:
    """The pipeline's ``source`` attribute ruler compiled (NotCompilable: keep spaCy's own)."""
    return AttributeLookup(compile_ruler(nlp.get_pipe(source)), nlp.vocab.strings)


def use_attribute_lookup(nlp: Language, *, source: str = "attribute_ruler") -> bool:
    """Put the lookup (named ``attribute_lookup``: a parse component, not a dyads stage) in place of
    the pipeline's attribute ruler; False (spaCy's kept) where it has none or one the lookup cannot
    reproduce exactly."""
    if source not in nlp.pipe_names or not isinstance(nlp.get_pipe(source), AttributeRuler):
        return False
    try:
        nlp.add_pipe("dyads_attribute_lookup", name="attribute_lookup", after=source, config={"source": source})
    except NotCompilable:
        return False
    nlp.remove_pipe(source)
    return True
