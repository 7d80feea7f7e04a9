"""The event a gold verb names, for scoring and training where an event happened.

The event-location gold (``event-location``) gives each sentence the verb of its event and asks
where that event happened. The pipeline codes events of its own, and for about a fifth of these
sentences none of them is the gold verb's: the coder missed it (no lexicon entry, a noun the
classifier did not propose) or coded another verb of the sentence. Scoring the location of
another event then measures event detection, not the choice of place, and training the place
chooser on it teaches it the wrong event's place.

:func:`add_gold_verb_event` gives such a sentence the gold verb's own event: its trigger the
verb's head word, its actors as the argument rules read them (:mod:`dyads.coder.arguments`), its
code the verb's first lexicon entry (a bare statement, 010, when it has none), and
``coder = GOLD_VERB_CODER`` so that scoring can set it apart (``accuracy_coded_events`` in the
event-location summary leaves these events out). The places stage then locates it like any
other event (:meth:`dyads.stages.places.PlacesComponent.locate`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from dyads.actors import mentions_for
from dyads.coder.arguments import noun_arguments, verb_arguments
from dyads.evaluate.geo import GOLD_VERB_CODER
from dyads.records import Article, Event
from dyads.stages.events import actors_of, coded_event, not_sources

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from dyads.evaluate.geo import CharSpan, EventLocationRecord
    from dyads.ontology import Lexicon

#: the code of a gold verb with no lexicon entry: a statement, which no place rule reads as an act
_NO_ENTRY_CODE = "010"


def covers_gold_verb(event: Event, verbs: Sequence[CharSpan]) -> bool:
    """The event's trigger overlaps one of the gold verb spans."""
    return any(v.overlaps(event.trigger.start, event.trigger.end) for v in verbs)


def add_gold_verb_event(doc: Doc, verbs: Sequence[CharSpan], *, lexicon: Lexicon) -> Event | None:
    """Put the gold verb's own event first in ``doc._.dyads_events`` when no coded event's
    trigger overlaps a gold verb, and return it (None when one does, or no verb span is a word
    of the doc). Its location is left for the places stage to set."""
    events = list(doc._.dyads_events or [])
    if any(covers_gold_verb(event, verbs) for event in events):
        return None
    for verb in verbs:
        words = doc.char_span(verb.start, verb.end, alignment_mode="expand")
        if words is None or not len(words):
            continue
        trigger = words.root
        noun = trigger.pos_ in ("NOUN", "PROPN")
        find = lambda token: mentions_for(doc, token)  # noqa: E731
        found = noun_arguments(trigger, find=find, target_preps=()) if noun else verb_arguments(trigger, find=find, target_preps=())
        sources = actors_of(found[0])
        entry = next(iter(lexicon.lookup(trigger.lemma_, "NOUN" if noun else "VERB")), None)
        sentence = trigger.sent
        event = coded_event(
            doc, sentence, sentence_index=sum(1 for s in doc.sents if s.start < sentence.start),
            article_id=doc._.dyads_article.id if doc._.dyads_article is not None else "gold",
            trigger=trigger, code=entry.cameo if entry is not None else _NO_ENTRY_CODE, coder=GOLD_VERB_CODER,
            sources=sources, targets=not_sources(actors_of(found[1]), sources),
        )
        doc._.dyads_events = [event, *events]
        return event
    return None


def coded_with_gold_verbs(
    nlp: Language, records: Sequence[EventLocationRecord], *, lexicon: Lexicon, batch_size: int = 64
) -> Iterator[tuple[Doc, Event | None]]:
    """Code each record's sentence with ``nlp`` and give it its gold verb's event
    (:func:`add_gold_verb_event`): the coded Doc and the event made for it (None: none was needed)."""

    def docs() -> Iterator[Doc]:
        for i, record in enumerate(records):
            doc = nlp.make_doc(record.text)
            doc._.dyads_article = Article.create(text=record.text, id=f"text-{i}")
            yield doc

    for doc, record in zip(nlp.pipe(docs(), batch_size=batch_size), records):
        yield doc, add_gold_verb_event(doc, record.verbs, lexicon=lexicon)
