"""Pipeline stages, each a registered spaCy component (factory) that declares what it
requires and assigns:

==================  =====================================  ==========================
factory             requires                               assigns
==================  =====================================  ==========================
dyads_actors        parse, NER, lemmas                     doc._.dyads_mentions
dyads_events        dyads_mentions, parse, lemmas          doc._.dyads_events
dyads_classify      dyads_events, sentence text            Event type/code, confidence
dyads_attribution   dyads_events, dyads_mentions, parse    Event.attribution
dyads_dates         dyads_events, dyads_article            Event.date
dyads_places        dyads_events, NER                      Event.location, launch_site
dyads_compound      dyads_events (with launch sites)       implied events (host base)
dyads_discards      dyads_events, sentence text            drops discarded stories' and sentences' events
==================  =====================================  ==========================
"""

from __future__ import annotations

import importlib

STAGE_MODULES = ("actors", "events", "classify", "attribution", "dates", "places", "compound", "discards")


def register_all() -> None:
    """Import every stage module so its factory is registered with spaCy."""
    for name in STAGE_MODULES:
        importlib.import_module(f"dyads.stages.{name}")
