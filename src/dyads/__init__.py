"""dyads: news text in, political event data out.

The public surface is re-exported here; everything else is private detail::

    from dyads import Pipeline, load_config, Article
    pipeline = Pipeline(load_config())
    for article, events in pipeline.code_articles([Article.create(text="...")]):
        ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dyads.config import Settings, load_config
from dyads.errors import DyadsError
from dyads.records import Actor, Article, Attribution, Event, EventDate, Location, Mention, Problem, Span

if TYPE_CHECKING:
    from dyads.ingest import RunReport, code_sources, ingest_sources
    from dyads.pipeline import Pipeline, code_batch

__version__ = "0.1.0"

# Names whose modules import spaCy: loaded on first use so `import dyads` stays fast.
_LAZY = {
    "Pipeline": "dyads.pipeline",
    "code_batch": "dyads.pipeline",
    "RunReport": "dyads.ingest",
    "code_sources": "dyads.ingest",
    "ingest_sources": "dyads.ingest",
}

__all__ = [
    "Actor", "Article", "Attribution", "DyadsError", "Event", "EventDate", "Location", "Mention",
    "Problem", "Settings", "Span", "load_config", *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'dyads' has no attribute {name!r}")
