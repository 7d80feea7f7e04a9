"""Stage ``dyads_dates``: the date of every event (rules in :mod:`dyads.dates`).

For each event the date phrases of its sentence are ranked:

0. in the trigger's own clause: the dependency path from the phrase up to the
   trigger crosses no other clause head;
1. not owned by any event: the phrase reaches the trigger through a clause of a
   verb that is not an event (an ``xcomp``, ``advcl``...) or does not reach any
   event trigger at all; the nearest such phrase within ``max_token_distance``;
2. owned by an event whose clause contains this trigger (the matrix event's date
   is inherited by a subordinate event), again within ``max_token_distance``.

A phrase owned by another event that does not govern this trigger (a sibling or
subordinate clause with its own event verb) and a phrase reached only through a
relative clause (``relcl``, ``acl``) are never used. No usable phrase: the
publication date, ``derived_from="publication"``.
"""

from __future__ import annotations

import datetime as dt

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as TokenSpan

from dyads.dates import DateExpression, find_date_expressions, resolve, resolve_absolute
from dyads.errors import ConfigError
from dyads.records import Event, EventDate
from dyads.stages.extensions import doc_text, ensure_extensions, trigger_token

ensure_extensions()

_CLAUSE_DEPS = frozenset({"advcl", "ccomp", "xcomp", "conj", "pcomp", "csubj", "parataxis", "relcl", "acl"})
_NOUN_CLAUSE_DEPS = frozenset({"relcl", "acl"})
_CLAUSE_POS = frozenset({"VERB", "AUX"})
_OWN, _FREE, _INHERITED = 0, 1, 2


def _is_clause_head(token: Token) -> bool:
    return token.dep_ in _CLAUSE_DEPS and token.pos_ in _CLAUSE_POS


def _token_distance(span: TokenSpan, token: Token) -> int:
    if span.start <= token.i < span.end:
        return 0
    return min(abs(span.start - token.i), abs(span.end - 1 - token.i))


class _Candidate:
    __slots__ = ("expression", "tier", "crossings", "distance")

    def __init__(self, expression: DateExpression, tier: int, crossings: int, distance: int) -> None:
        self.expression = expression
        self.tier = tier
        self.crossings = crossings
        self.distance = distance

    def key(self) -> tuple[int, int, int, int]:
        return (self.tier, self.crossings, self.distance, self.expression.start)


def _place(phrase_root: Token, trigger: Token, other_triggers: set[int]) -> tuple[int, int] | None:
    """(tier, clause crossings) of a phrase for this trigger, or None when it is not usable."""
    crossings = 0
    through_noun_clause = False
    token = phrase_root
    while True:
        if token.i == trigger.i:
            if through_noun_clause:
                return None
            return (_OWN if crossings == 0 else _FREE), crossings
        if token.i in other_triggers and token.i != phrase_root.i:
            owner = token
            governs_us = owner.i in {ancestor.i for ancestor in trigger.ancestors}
            return (_INHERITED, crossings) if governs_us else None
        if _is_clause_head(token):
            crossings += 1
            through_noun_clause = through_noun_clause or token.dep_ in _NOUN_CLAUSE_DEPS
        if token.head.i == token.i:
            # reached the sentence root without meeting any event trigger
            return (None if through_noun_clause else (_FREE, crossings))
        token = token.head


class DateTagger:
    """The ``dyads_dates`` component: sets ``event.date`` on every event of the doc."""

    def __init__(self, *, max_token_distance: int = 40) -> None:
        if max_token_distance < 0:
            raise ConfigError(
                "E403",
                f"dyads_dates.max_token_distance must be >= 0, got {max_token_distance}",
                fix="set components.dyads_dates.max_token_distance to a non-negative integer (default 40)",
            )
        self.max_token_distance = max_token_distance

    def __call__(self, doc: Doc) -> Doc:
        events: list[Event] = doc._.dyads_events or []
        if not events:
            return doc
        article = doc._.dyads_article
        published: dt.date | None = article.published if article is not None else None
        by_sentence: dict[tuple[int, int], list[DateExpression]] = {}
        triggers = {id(event): trigger_token(doc, event) for event in events}
        resolved: dict[tuple[int, int], EventDate | None] = {}
        last_anchor: dt.date | None = None
        for event in sorted(events, key=lambda item: (item.trigger.start, item.trigger.end)):
            key = (event.sentence.start, event.sentence.end)
            if key not in by_sentence:
                by_sentence[key] = find_date_expressions(doc_text(doc)[event.sentence.start : event.sentence.end])
            expression = self._choose(doc, event, by_sentence[key], events, triggers)
            # events that share one phrase share its date (an anchored phrase is not re-anchored)
            shared = None
            if expression is not None:
                shared = (event.sentence.start + expression.start, event.sentence.start + expression.end)
            if shared is not None and shared in resolved:
                found = resolved[shared]
                event.date = found.model_copy(deep=True) if found is not None else None
            else:
                event.date = self._date(event, expression, published, last_anchor or published)
                if shared is not None:
                    resolved[shared] = event.date
            if event.date is not None and event.date.derived_from != "publication" and event.date.precision == "day":
                last_anchor = event.date.date
        return doc

    def _choose(
        self,
        doc: Doc,
        event: Event,
        expressions: list[DateExpression],
        events: list[Event],
        triggers: dict[int, Token | None],
    ) -> DateExpression | None:
        if not expressions:
            return None
        base = event.sentence.start
        trigger = triggers[id(event)]
        if trigger is None:
            # no token for the trigger: the phrase nearest to it in characters
            return min(expressions, key=lambda e: abs(e.start + base - event.trigger.start))
        others = {
            token.i
            for other in events
            if other is not event
            and (token := triggers[id(other)]) is not None
            and token.i != trigger.i
            and event.sentence.start <= other.trigger.start < event.sentence.end
        }
        candidates: list[_Candidate] = []
        for expression in expressions:
            span = doc.char_span(base + expression.start, base + expression.end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            placed = _place(span.root, trigger, others)
            if placed is None:
                continue
            tier, crossings = placed
            distance = _token_distance(span, trigger)
            if tier != _OWN and distance > self.max_token_distance:
                continue
            candidates.append(_Candidate(expression, tier, crossings, distance))
        if not candidates:
            return None
        return min(candidates, key=_Candidate.key).expression

    @staticmethod
    def _date(
        event: Event,
        expression: DateExpression | None,
        published: dt.date | None,
        anchor: dt.date | None,
    ) -> EventDate | None:
        base = event.sentence.start
        if published is None:
            if expression is None:
                return None
            return resolve_absolute(expression, offset=base)
        if expression is None:
            return EventDate(date=published, precision="day", derived_from="publication")
        return resolve(expression, published=published, anchor=anchor, offset=base)


@Language.factory(
    "dyads_dates",
    requires=["doc._.dyads_events", "doc._.dyads_article"],
    assigns=["doc._.dyads_events"],
    default_config={"max_token_distance": 40},
)
def make_date_tagger(nlp: Language, name: str, max_token_distance: int) -> DateTagger:
    return DateTagger(max_token_distance=max_token_distance)
