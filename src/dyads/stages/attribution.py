"""Stage ``dyads_attribution``: status (asserted, claimed, denied, negated, hypothetical),
speaker and reporting source of every event (rules in :mod:`dyads.coder.attribution`); a negated
act of cooperation becomes the refusal it states (:mod:`dyads.coder.refusal`)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from dyads.actors import mentions_for
from dyads.coder.attribution import attribute
from dyads.coder.refusal import as_refusal, refusing_head
from dyads.records import Event
from dyads.stages.extensions import ensure_extensions, trigger_token

ensure_extensions()


class AttributionTagger:
    """The ``dyads_attribution`` component."""

    def __call__(self, doc: Doc) -> Doc:
        events = doc._.dyads_events or []
        if not events:
            return doc
        sentences = list(doc.sents)
        find = lambda t: mentions_for(doc, t)  # noqa: E731
        coded = []
        replaced_heads: dict[int, Event] = {}  # "refused" in "refused to sign": the refusal of the signing replaces it
        for event in events:
            trigger = trigger_token(doc, event)
            if trigger is None:
                coded.append(event)
                continue
            sentence = sentences[event.sentence_index]
            event.attribution = attribute(trigger, sentence, find, stated_intent=event.intended_code is not None)
            refused = as_refusal(event) if event.attribution.status == "negated" else None
            if refused is not None:
                refused.attribution = attribute(trigger, sentence, find, refusal=True)
                event = refused
                head = refusing_head(trigger)
                if head is not None:
                    replaced_heads[head.i] = refused
            coded.append(event)
        if replaced_heads:  # rare: only sentences with "refused / declined to <act>"
            kept = []
            for event in coded:
                token = trigger_token(doc, event) if event.plover_type == "REJECT" and event.negated_code is None else None
                refusal = replaced_heads.get(token.i) if token is not None else None
                if refusal is None:
                    kept.append(event)
                elif not refusal.sources:  # the refuser the rules (or the role head) found on "refused"
                    refusal.sources = [actor.model_copy(deep=True) for actor in event.sources]
            coded = kept
        doc._.dyads_events = coded
        return doc


@Language.factory(
    "dyads_attribution",
    requires=["doc._.dyads_events", "doc._.dyads_mentions", "token.dep", "token.head"],
    assigns=["doc._.dyads_events"],
)
def make_attribution_tagger(nlp: Language, name: str) -> AttributionTagger:
    return AttributionTagger()
