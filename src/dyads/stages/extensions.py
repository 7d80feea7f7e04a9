"""Custom ``Doc._`` attributes that the dyads stages read and write.

- ``doc._.dyads_article``: the :class:`~dyads.records.Article` being coded (set before parsing).
- ``doc._.dyads_mentions``: list of :class:`~dyads.records.Mention` (set by ``dyads_actors``).
- ``doc._.dyads_events``: list of :class:`~dyads.records.Event` (created by ``dyads_events``,
  then filled in by ``dyads_attribution``, ``dyads_dates`` and ``dyads_places``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token

if TYPE_CHECKING:
    from dyads.records import Event

_ATTRS = ("dyads_article", "dyads_mentions", "dyads_events")


def ensure_extensions() -> None:
    """Register the ``Doc._`` attributes once per process (idempotent)."""
    for name in _ATTRS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc (spaCy joins every token on each access)."""
    text = doc.user_data.get("dyads_text")
    if text is None:
        article = doc._.dyads_article if Doc.has_extension("dyads_article") else None
        # the Doc was made from the article's text, which the tokenizer keeps character for character
        end = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
        text = article.text if article is not None and len(article.text) == end else doc.text
        doc.user_data["dyads_text"] = text
    return text


def trigger_token(doc: Doc, event: "Event") -> Token | None:
    """The head token of the event's trigger span, or None when the span is not in ``doc``."""
    span = doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None
