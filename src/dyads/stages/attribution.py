"""Stage ``dyads_attribution``: status (asserted, claimed, denied, negated, hypothetical),
speaker and reporting source of every event (rules in :mod:`dyads.coder.attribution`)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from dyads.actors import mentions_for
from dyads.coder.attribution import attribute
from dyads.stages.extensions import ensure_extensions, trigger_token

ensure_extensions()


class AttributionTagger:
    """The ``dyads_attribution`` component."""

    def __call__(self, doc: Doc) -> Doc:
        events = doc._.dyads_events or []
        if not events:
            return doc
        sentences = list(doc.sents)
        for event in events:
            trigger = trigger_token(doc, event)
            if trigger is None:
                continue
            event.attribution = attribute(
                trigger,
                sentences[event.sentence_index],
                lambda t: mentions_for(doc, t),
                stated_intent=event.intended_code is not None,
            )
        return doc


@Language.factory(
    "dyads_attribution",
    requires=["doc._.dyads_events", "doc._.dyads_mentions", "token.dep", "token.head"],
    assigns=["doc._.dyads_events"],
)
def make_attribution_tagger(nlp: Language, name: str) -> AttributionTagger:
    return AttributionTagger()
