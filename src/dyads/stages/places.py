"""spaCy component ``dyads_places``: where each event happened (and where it was launched from)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from dyads.errors import ConfigError
from dyads.geo.choose import choose_location, dominant_location, find_toponyms
from dyads.geo.gazetteer import Gazetteer
from dyads.records import Event, Location
from dyads.stages.extensions import ensure_extensions

ensure_extensions()


class PlacesComponent:
    """Sets ``event.location`` and ``event.launch_site`` on every event in ``doc._.dyads_events``."""

    def __init__(self, *, inherit_article_location: bool = False, gazetteer: Gazetteer | None = None) -> None:
        if not isinstance(inherit_article_location, bool):
            raise ConfigError(
                "E503",
                f"dyads_places: inherit_article_location must be true or false, got {inherit_article_location!r}",
                fix="set [components.dyads_places] inherit_article_location = true|false",
            )
        self.inherit_article_location = inherit_article_location
        self.gazetteer = gazetteer or Gazetteer.default()

    def __call__(self, doc: Doc) -> Doc:
        events = doc._.dyads_events
        if not events:
            return doc
        mentions = doc._.dyads_mentions or []
        actor_countries = {
            m.actor.code for m in mentions if m.actor.code and self.gazetteer.is_country_code(m.actor.code)
        }
        token_countries = {
            i: m.actor.code
            for m in mentions
            if m.actor.code in actor_countries
            for i in range(m.start, m.end)
        }
        toponyms = find_toponyms(
            doc, self.gazetteer, context_countries=actor_countries, unresolved=True, token_countries=token_countries
        )
        fallback = dominant_location(toponyms, self.gazetteer) if self.inherit_article_location else None
        for event in events:
            choice = choose_location(doc, event, toponyms)
            location = choice.location or self._target_country(event)
            if location is None and fallback is not None:
                location = fallback.model_copy()
            event.location = location
            event.launch_site = choice.launch_site
        return doc


    def _target_country(self, event: Event) -> Location | None:
        """A material event with no place in its clause happened in its target's country
        ("Russia invaded his country" -> UKR), when the target is coded to a country."""
        if event.quad_class not in (2, 4):
            return None
        for actor in event.targets:
            if actor.code and self.gazetteer.is_country_code(actor.code):
                country = self.gazetteer.country(actor.code)
                if country is not None:
                    return country.model_copy(update={"span": actor.span, "derived_from": "target-actor"})
        return None


@Language.factory(
    "dyads_places",
    requires=["doc._.dyads_events", "doc.ents"],
    assigns=["doc._.dyads_events"],
    default_config={"inherit_article_location": False},
)
def make_places(nlp: Language, name: str, inherit_article_location: bool) -> PlacesComponent:
    """Factory for ``nlp.add_pipe("dyads_places")``."""
    return PlacesComponent(inherit_article_location=inherit_article_location)
