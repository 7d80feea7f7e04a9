"""Stage ``dyads_discards``: drops the events of discarded stories and sentences.

Runs last, so it also drops what the classifier and the compound rules added. With no discard
list (``events.discards`` empty) it does nothing. See :mod:`dyads.coder.discards`.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from dyads.coder.discards import load_discards

from .extensions import ensure_extensions

ensure_extensions()


class DiscardStage:
    """Drops every event of an article holding a story phrase, and of a sentence holding a sentence phrase."""

    def __init__(self, *, discards: str | None = None) -> None:
        self.discards = load_discards(discards)

    def __call__(self, doc: Doc) -> Doc:
        events = doc._.dyads_events or []
        if not self.discards or not events:
            return doc
        if self.discards.story_hit(doc.text) is not None:
            doc._.dyads_events = []
            return doc
        kept_sentences: dict[int, bool] = {}
        for event in events:
            index = event.sentence_index
            if index not in kept_sentences:
                kept_sentences[index] = self.discards.sentence_hit(event.sentence.text) is None
        doc._.dyads_events = [event for event in events if kept_sentences[event.sentence_index]]
        return doc


@Language.factory(
    "dyads_discards",
    requires=["doc._.dyads_events"],
    assigns=["doc._.dyads_events"],
    default_config={"discards": None},
)
def make_discard_stage(nlp: Language, name: str, discards: str | None) -> DiscardStage:
    del nlp, name
    return DiscardStage(discards=discards)
