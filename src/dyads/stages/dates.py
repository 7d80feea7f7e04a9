"""Stage ``dyads_dates``: the date of every event (rules in :mod:`dyads.dates`).

For each event the date phrases of its sentence are ranked:

0. in the trigger's own clause: the dependency path from the phrase up to the
   trigger crosses no other clause head;
1. free: the phrase reaches the trigger through a clause of a verb that is not an
   event (an ``xcomp``, ``advcl``...), or through a *complement* of the trigger whether
   or not its verb is an event (an ``xcomp``; a ``pcomp`` unless its preposition is
   ``after``/``before``/``since``/``until``...; an ``advcl`` with no conjunction or with
   ``when``; an ``-ing`` ``acl``: "accused Israel of violating its airspace on Friday"
   dates the accusation too), or does not reach any event trigger at all; the nearest
   such phrase within ``max_token_distance``;
2. owned by an event whose clause contains this trigger (the matrix event's date
   is inherited by a subordinate event), again within ``max_token_distance``.

A phrase owned by another event that does not govern this trigger (a sibling or
subordinate clause with its own event verb, or an event complement that hangs from
something else) and a phrase reached only through a relative clause (``relcl``, an
``acl`` other than ``-ing``) are never used. A date after publication found below a
verb trigger is not given to it unless its own clause is about the future
("threatened to cut aid next month"). No usable phrase: the publication date,
``derived_from="publication"``.

Two more rules work on the sentence around the phrase:

- *sequence clauses*: in "X on Wednesday, one day after Y" the ``after`` clause Y is
  dated one day before X's date (``before``: after it); an event of the main clause
  with no date of its own is dated from Y's date the other way round.
- *future clauses*: a phrase whose verb has ``will`` or hangs as an ``xcomp`` from
  ``is to``, ``is expected/scheduled/set/due to``, ``plans/intends/hopes to``, ``is
  going to`` is resolved forward (:func:`dyads.dates.resolve` with ``future=True``).

Anchored phrases ("the day before") take as anchor the nearest date phrase before them:
in their own sentence any phrase that resolves to a day, else the phrase of the last
event dated to a day before them in the article, else the publication date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as TokenSpan

from dyads.dates import (
    DateExpression,
    count_before,
    find_date_expressions,
    resolve,
    resolve_absolute,
    shift_date,
)
from dyads.errors import ConfigError
from dyads.records import Event, EventDate, Span
from dyads.stages.extensions import doc_text, ensure_extensions, trigger_token

ensure_extensions()

_CLAUSE_DEPS = frozenset({"advcl", "ccomp", "xcomp", "conj", "pcomp", "csubj", "parataxis", "relcl", "acl"})
_NOUN_CLAUSE_DEPS = frozenset({"relcl", "acl"})
_CLAUSE_POS = frozenset({"VERB", "AUX"})
_SAME_TIME_MARKS = frozenset({"when"})
# prepositions that put their clause at another time ("since sending troops in February")
_OTHER_TIME_PREPOSITIONS = frozenset({"after", "before", "since", "until", "till", "following", "prior", "ahead"})
_SEQUENCE_MARKS = frozenset({"after", "before"})
_OWN, _FREE, _INHERITED = 0, 1, 2

# future framing: modal auxiliaries, and the verbs or adjectives an xcomp can hang from
_WILL = frozenset({"will", "shall", "'ll", "ll", "wo", "’ll"})
_PRESENT_TAGS = frozenset({"VBZ", "VBP"})
_PLAN_LEMMAS = frozenset({"plan", "intend", "aim", "hope", "want", "seek", "prepare", "expect"})
_SCHEDULE_LEMMAS = frozenset({"expect", "schedule", "set", "slate", "due", "poise"})


def _is_clause_head(token: Token) -> bool:
    return token.dep_ in _CLAUSE_DEPS and token.pos_ in _CLAUSE_POS


def _is_complement(token: Token) -> bool:
    """A clause whose date can date the verb it hangs from: a non-finite complement
    (``xcomp``, a ``pcomp`` of a preposition other than ``after``/``before``/``since``...,
    an ``-ing`` ``acl``) or an ``advcl`` with no conjunction or with ``when``."""
    if token.pos_ not in _CLAUSE_POS:
        return False
    if token.dep_ == "xcomp":
        return True
    if token.dep_ == "pcomp":
        return token.head.text.lower() not in _OTHER_TIME_PREPOSITIONS
    if token.dep_ == "advcl":
        return all(child.text.lower() in _SAME_TIME_MARKS for child in token.children if child.dep_ == "mark")
    return token.dep_ == "acl" and token.tag_ == "VBG"


def _token_distance(span: TokenSpan, token: Token) -> int:
    if span.start <= token.i < span.end:
        return 0
    return min(abs(span.start - token.i), abs(span.end - 1 - token.i))


def _in_subtree(token: Token, head: Token) -> bool:
    return token.i == head.i or head.is_ancestor(token)


def _has_will(verb: Token) -> bool:
    return any(child.dep_ in ("aux", "auxpass") and child.text.lower() in _WILL for child in verb.children)


def _is_present(verb: Token) -> bool:
    """Present tense or ``will``: ``plans``, ``are expected``, ``is planning``, ``will be``."""
    if verb.tag_ in _PRESENT_TAGS or _has_will(verb):
        return True
    return any(child.dep_ in ("aux", "auxpass") and child.tag_ in _PRESENT_TAGS for child in verb.children)


def _has_aux(verb: Token) -> bool:
    return any(child.dep_ in ("aux", "auxpass") for child in verb.children)


def is_future(verb: Token) -> bool:
    """True when ``verb``'s clause is about what will happen: ``will``/``shall`` on it, or it is
    the ``to`` complement of a present ``is to``, ``is expected/scheduled/set/due to``,
    ``plans/intends/hopes/aims/wants/seeks to``, ``is going to`` (or of a bare ``set to`` /
    ``scheduled to`` participle: "exercises set to begin on Thursday")."""
    token = verb
    for _ in range(4):
        if _has_will(token):
            return True
        if token.dep_ != "xcomp":
            return False
        head = token.head
        lemma = head.lemma_.lower()
        if lemma == "be" and _is_present(head):
            return True
        if lemma in _SCHEDULE_LEMMAS and head.pos_ == "ADJ" and head.dep_ == "acomp" and _is_present(head.head):
            return True
        if lemma in _PLAN_LEMMAS | _SCHEDULE_LEMMAS and _is_present(head):
            return True
        if lemma == "go" and head.tag_ == "VBG" and _is_present(head):
            return True
        if lemma in _SCHEDULE_LEMMAS and head.tag_ == "VBN" and not _has_aux(head):
            return True
        token = head
    return False


def _phrase_verb(root: Token) -> Token | None:
    """The verb whose clause a phrase belongs to (the first verb at or above its root)."""
    token = root
    while token.pos_ not in _CLAUSE_POS:
        if token.head.i == token.i:
            return None
        token = token.head
    return token


@dataclass(frozen=True)
class _Phrase:
    """A date phrase of a sentence with its tokens."""

    expression: DateExpression
    span: TokenSpan
    start: int  # character offsets in the article
    end: int

    @property
    def root(self) -> Token:
        return self.span.root


@dataclass(frozen=True)
class _Sequence:
    """ "MAIN, <count> after/before CLAUSE": the clause head, the head it hangs from, the
    count and whether MAIN comes after CLAUSE (``after``)."""

    clause: Token
    main: Token
    count: int
    unit: str
    main_is_later: bool
    link: Span


@dataclass(frozen=True)
class _Sentence:
    phrases: tuple[_Phrase, ...]
    sequences: tuple[_Sequence, ...]


@dataclass(frozen=True)
class _Candidate:
    phrase: _Phrase
    tier: int
    crossings: int
    distance: int

    def key(self) -> tuple[int, int, int, int]:
        return (self.tier, self.crossings, self.distance, self.phrase.start)


def _place(phrase_root: Token, trigger: Token, other_triggers: set[int]) -> tuple[int, int] | None:
    """(tier, clause crossings) of a phrase for this trigger, or None when it is not usable.

    A complement (:func:`_is_complement`) is passed on the way up even when its verb is an
    event or it is an ``-ing`` clause on a noun; but a phrase that passes one and then reaches
    the sentence root without meeting this trigger or an event above it stays with that
    complement."""
    crossings = 0
    through_relative = False  # a relative clause: never usable
    through_complement = False  # an event complement or an -ing clause on a noun
    token = phrase_root
    while True:
        if token.i == trigger.i:
            if through_relative:
                return None
            return (_OWN if crossings == 0 else _FREE), crossings
        complement = _is_complement(token)
        is_other = token.i in other_triggers and token.i != phrase_root.i
        if is_other:
            # another event's verb: its date is inherited by the events below it
            governs_us = token.is_ancestor(trigger)
            if governs_us or not complement:
                return (_INHERITED, crossings) if governs_us else None
        if _is_clause_head(token):
            crossings += 1
            if token.dep_ in _NOUN_CLAUSE_DEPS and not complement:
                through_relative = True
            if is_other or token.dep_ in _NOUN_CLAUSE_DEPS:
                through_complement = True
        if token.head.i == token.i:
            # reached the sentence root without meeting any event trigger
            return None if through_relative or through_complement else (_FREE, crossings)
        token = token.head


def _sequences(sentence: TokenSpan, text: str) -> list[_Sequence]:
    """Clauses opened by "<count> after/before" ("one day after rebels attacked")."""
    found = []
    for token in sentence:
        if token.dep_ != "mark" or token.text.lower() not in _SEQUENCE_MARKS:
            continue
        clause = token.head
        if clause.dep_ != "advcl" or clause.pos_ not in _CLAUSE_POS or clause.head.i == clause.i:
            continue
        count = count_before(text[sentence.start_char : token.idx])
        if count is None:
            continue
        start = sentence.start_char + count.start
        end = token.idx + len(token.text)
        link = Span(start=start, end=end, text=text[start:end])
        found.append(_Sequence(clause, clause.head, count.count, count.unit, token.text.lower() == "after", link))
    return found


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
        _Run(self, doc, events).tag()
        return doc

    def choose(
        self, trigger: Token, phrases: tuple[_Phrase, ...] | list[_Phrase], others: set[int]
    ) -> _Candidate | None:
        """The best phrase for ``trigger`` (another event's trigger tokens in ``others``)."""
        ranked = self.rank(trigger, phrases, others)
        return ranked[0] if ranked else None

    def rank(
        self, trigger: Token, phrases: tuple[_Phrase, ...] | list[_Phrase], others: set[int]
    ) -> list[_Candidate]:
        """The usable phrases for ``trigger``, best first."""
        candidates: list[_Candidate] = []
        for phrase in phrases:
            placed = _place(phrase.root, trigger, others)
            if placed is None:
                continue
            tier, crossings = placed
            distance = _token_distance(phrase.span, trigger)
            if tier != _OWN and distance > self.max_token_distance:
                continue
            candidates.append(_Candidate(phrase, tier, crossings, distance))
        return sorted(candidates, key=_Candidate.key)


class _Run:
    """Dating the events of one doc: caches per sentence and phrase, and the anchor points."""

    def __init__(self, tagger: DateTagger, doc: Doc, events: list[Event]) -> None:
        self.tagger = tagger
        self.doc = doc
        self.text = doc_text(doc)
        self.events = events
        article = doc._.dyads_article
        self.published: dt.date | None = article.published if article is not None else None
        self.triggers = {id(event): trigger_token(doc, event) for event in events}
        self.sentences: dict[tuple[int, int], _Sentence] = {}
        self.resolved: dict[tuple[int, int], EventDate | None] = {}
        # (article offset of the words, day) of every day-precision date given so far
        self.points: list[tuple[int, dt.date]] = []

    # -- sentences and phrases ---------------------------------------------------
    def sentence(self, event: Event) -> _Sentence:
        key = (event.sentence.start, event.sentence.end)
        if key not in self.sentences:
            self.sentences[key] = self._read_sentence(event.sentence.start, event.sentence.end)
        return self.sentences[key]

    def _read_sentence(self, start: int, end: int) -> _Sentence:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        sequences = _sequences(span, self.text) if span is not None and len(span) else []
        links = [(sequence.link.start, sequence.link.end) for sequence in sequences]
        phrases = []
        for expression in find_date_expressions(self.text[start:end]):
            first, last = start + expression.start, start + expression.end
            if any(first < link_end and link_start < last for link_start, link_end in links):
                continue  # "one day after" opening a clause is a sequence link, not a date
            tokens = self.doc.char_span(first, last, alignment_mode="expand")
            if tokens is None or not len(tokens):
                continue
            phrases.append(_Phrase(expression, tokens, first, last))
        return _Sentence(tuple(phrases), tuple(sequences))

    def others(self, event: Event, trigger: Token | None) -> set[int]:
        return {
            token.i
            for other in self.events
            if other is not event
            and (token := self.triggers[id(other)]) is not None
            and (trigger is None or token.i != trigger.i)
            and event.sentence.start <= other.trigger.start < event.sentence.end
        }

    # -- resolving -----------------------------------------------------------------
    def anchor_for(self, phrase: _Phrase, sentence: _Sentence) -> dt.date | None:
        """The day of the nearest date before an anchored phrase (see the module doc)."""
        best: tuple[int, dt.date] | None = None
        for offset, day in self.points:
            if offset < phrase.start and (best is None or offset > best[0]):
                best = (offset, day)
        for other in sentence.phrases:
            if other.start >= phrase.start or other.expression.kind == "anchored":
                continue
            if best is not None and other.start <= best[0]:
                continue
            value = self.resolve(other, sentence)
            if value is not None and value.precision == "day":
                best = (other.start, value.date)
        return best[1] if best is not None else self.published

    def resolve(self, phrase: _Phrase, sentence: _Sentence) -> EventDate | None:
        """The phrase's date, computed once per phrase (events that share it share it)."""
        key = (phrase.start, phrase.end)
        if key in self.resolved:
            found = self.resolved[key]
            return found.model_copy(deep=True) if found is not None else None
        sentence_start = phrase.start - phrase.expression.start
        if self.published is None:
            value = resolve_absolute(phrase.expression, offset=sentence_start)
        else:
            verb = _phrase_verb(phrase.root)
            anchor = self.anchor_for(phrase, sentence) if phrase.expression.kind == "anchored" else None
            value = resolve(
                phrase.expression,
                published=self.published,
                anchor=anchor,
                offset=sentence_start,
                future=verb is not None and is_future(verb),
            )
        self.resolved[key] = value
        return value.model_copy(deep=True) if value is not None else None

    def publication(self) -> EventDate | None:
        if self.published is None:
            return None
        return EventDate(date=self.published, precision="day", derived_from="publication")

    # -- sequence clauses ------------------------------------------------------------
    def _inside(self, trigger: Token, sequences: tuple[_Sequence, ...]) -> _Sequence | None:
        """The innermost sequence clause that holds the trigger."""
        by_clause = {sequence.clause.i: sequence for sequence in sequences}
        for token in [trigger, *trigger.ancestors]:
            if token.i in by_clause:
                return by_clause[token.i]
        return None

    @staticmethod
    def _in_main_clause(trigger: Token, main: Token) -> bool:
        """The trigger is the main head or reaches it through complements or non-clause words."""
        token = trigger
        while token.i != main.i:
            if _is_clause_head(token) and not _is_complement(token):
                return False
            if token.head.i == token.i:
                return False
            token = token.head
        return True

    def sequence_date(
        self, event: Event, trigger: Token, choice: _Candidate | None, sentence: _Sentence
    ) -> EventDate | None:
        """The date a sequence clause gives this event, or None when none applies."""
        inner = self._inside(trigger, sentence.sequences)
        if inner is not None:
            if choice is not None and _in_subtree(choice.phrase.root, inner.clause):
                return None  # the clause has its own date
            outside = [p for p in sentence.phrases if not _in_subtree(p.root, inner.clause)]
            picked = self.tagger.choose(inner.main, outside, self.others(event, inner.main) - {inner.main.i})
            base = self.resolve(picked.phrase, sentence) if picked is not None else self.publication()
            if base is None:
                return None
            return shift_date(base, count=inner.count, unit=inner.unit, later=not inner.main_is_later, span=inner.link)
        for sequence in sentence.sequences:
            if _in_subtree(trigger, sequence.clause) or not self._in_main_clause(trigger, sequence.main):
                continue
            root = choice.phrase.root if choice is not None else None
            if root is not None and _in_subtree(root, sequence.main) and not _in_subtree(root, sequence.clause):
                return None  # the main clause has its own date
            inside = [p for p in sentence.phrases if _in_subtree(p.root, sequence.clause)]
            others = self.others(event, sequence.clause) - {sequence.clause.i}
            picked = self.tagger.choose(sequence.clause, inside, others)
            if picked is None:
                return None
            base = self.resolve(picked.phrase, sentence)
            if base is None:
                return None
            return shift_date(base, count=sequence.count, unit=sequence.unit, later=sequence.main_is_later, span=sequence.link)
        return None

    # -- events -------------------------------------------------------------------
    def pick(self, event: Event, trigger: Token, sentence: _Sentence) -> _Candidate | None:
        """The best phrase for the trigger, except that a date after publication in a clause
        below a verb trigger ("threatened to cut aid next month") is not given to that verb
        unless its own clause is about the future."""
        ranked = self.tagger.rank(trigger, sentence.phrases, self.others(event, trigger))
        check = self.published is not None and trigger.pos_ in _CLAUSE_POS and not is_future(trigger)
        for candidate in ranked:
            if check and candidate.tier != _OWN and trigger.is_ancestor(candidate.phrase.root):
                value = self.resolve(candidate.phrase, sentence)
                if value is not None and self.published is not None and value.date > self.published:
                    continue
            return candidate
        return None

    def date_event(self, event: Event) -> EventDate | None:
        sentence = self.sentence(event)
        trigger = self.triggers[id(event)]
        if trigger is None:
            if not sentence.phrases:
                return self.publication()
            # no token for the trigger: the phrase nearest to it in characters
            nearest = min(sentence.phrases, key=lambda p: abs(p.start - event.trigger.start))
            return self.resolve(nearest, sentence)
        choice = self.pick(event, trigger, sentence)
        if sentence.sequences and self.published is not None:
            sequenced = self.sequence_date(event, trigger, choice, sentence)
            if sequenced is not None:
                return sequenced
        if choice is None:
            return self.publication()
        return self.resolve(choice.phrase, sentence)

    def tag(self) -> None:
        for event in sorted(self.events, key=lambda item: (item.trigger.start, item.trigger.end)):
            event.date = self.date_event(event)
            when = event.date
            if when is not None and when.derived_from != "publication" and when.precision == "day" and when.span:
                self.points.append((when.span.start, when.date))


@Language.factory(
    "dyads_dates",
    requires=["doc._.dyads_events", "doc._.dyads_article"],
    assigns=["doc._.dyads_events"],
    default_config={"max_token_distance": 40},
)
def make_date_tagger(nlp: Language, name: str, max_token_distance: int) -> DateTagger:
    return DateTagger(max_token_distance=max_token_distance)
