"""The ``dyads_actors`` spaCy component: sets ``doc._.dyads_mentions``."""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from dyads.actors.dictionary import ActorDictionary
from dyads.actors.resolve import find_mentions

from .extensions import ensure_extensions

ensure_extensions()


class ActorStage:
    """Codes every actor mention of a Doc with the dictionary loaded at construction."""

    def __init__(self, *, actor_file: str | Path | None = None, context_country: bool = True) -> None:
        ensure_extensions()
        self.dictionary = ActorDictionary.default(actor_file=actor_file)
        self.context_country = context_country

    def __call__(self, doc: Doc) -> Doc:
        article = doc._.dyads_article
        published = getattr(article, "published", None) if article is not None else None
        doc._.dyads_mentions = find_mentions(
            doc, self.dictionary, on=published, context_country=self.context_country
        )
        return doc


@Language.factory(
    "dyads_actors",
    requires=["token.dep", "token.head", "doc.ents", "token.lemma"],
    assigns=["doc._.dyads_mentions"],
    default_config={"actor_file": None, "context_country": True},
)
def make_actor_stage(nlp: Language, name: str, actor_file: str | None, context_country: bool) -> ActorStage:
    """Factory for ``nlp.add_pipe("dyads_actors", config={"actor_file": ...})``."""
    del nlp, name
    return ActorStage(actor_file=actor_file, context_country=context_country)
