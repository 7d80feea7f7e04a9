"""spaCy component ``dyads_places``: where each event happened (and where it was launched from)."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from dyads.errors import ConfigError
from dyads.geo.candidates import PlaceCandidate, event_candidates
from dyads.geo.choose import (
    Choice,
    Toponym,
    choose_location,
    dominant_location,
    find_toponyms,
    is_affiliation,
)
from dyads.geo.chooser_model import LocationModel
from dyads.geo.gazetteer import Gazetteer
from dyads.records import Actor, Event, Location
from dyads.stages.extensions import ensure_extensions

ensure_extensions()

#: nouns that name a country as a whole: a target "his country" coded to a country is that country
STATE_WORDS = frozenset({"country", "nation", "homeland", "state"})
#: who picks an event's place among its candidates: the hand rules, or the learned chooser
CHOOSERS = ("rules", "learned")


class PlacesComponent:
    """Sets ``event.location`` and ``event.launch_site`` on every event in ``doc._.dyads_events``."""

    def __init__(
        self,
        *,
        inherit_article_location: bool = False,
        gazetteer: Gazetteer | None = None,
        chooser: str = "rules",
        chooser_model: str | None = None,
        model: LocationModel | None = None,
    ) -> None:
        if chooser not in CHOOSERS:
            raise ConfigError(
                "E343",
                f"dyads_places: chooser must be one of {', '.join(CHOOSERS)}, got {chooser!r}",
                fix='set [places] chooser = "learned" (or "rules")',
            )
        self.chooser = chooser
        # a damaged weights file fails here, when the pipeline is built (E340-E342)
        self.model: LocationModel | None = None
        if chooser == "learned":
            self.model = model if model is not None else LocationModel.load(chooser_model or None)
        if not isinstance(inherit_article_location, bool):
            raise ConfigError(
                "E503",
                f"dyads_places: inherit_article_location must be true or false, got {inherit_article_location!r}",
                fix="set [components.dyads_places] inherit_article_location = true|false",
            )
        self.inherit_article_location = inherit_article_location
        if gazetteer is None:
            gazetteer = Gazetteer.default()
            gazetteer.load_towns()  # with the pipeline's other tables, not in the middle of the first articles
        self.gazetteer = gazetteer

    def __call__(self, doc: Doc) -> Doc:
        events = doc._.dyads_events
        if not events:
            return doc
        toponyms = self.toponyms(doc)
        fallback = dominant_location(toponyms, self.gazetteer) if self.inherit_article_location else None
        for event in events:
            self.locate(doc, event, toponyms, fallback=fallback)
        return doc

    def locate(self, doc: Doc, event: Event, toponyms: Sequence[Toponym], *, fallback: Location | None = None) -> None:
        """Set ``event.location`` and ``event.launch_site``, in place, from the doc's ``toponyms``
        (``fallback``: the article's dominant place, for an event its sentence does not place)."""
        choice, location = self.rules_choice(doc, event, toponyms)
        launch_site = choice.launch_site
        if self.model is not None:
            picked = self.model.choose(self.candidates(doc, event, toponyms, choice, location))
            location = _learned_location(picked, location)
            if location is not None and launch_site is not None and launch_site.span == location.span:
                launch_site = None
        if location is None and fallback is not None:
            location = fallback.model_copy()
        event.location = location
        event.launch_site = launch_site

    def toponyms(self, doc: Doc) -> list[Toponym]:
        """The article's toponyms, resolved with its coded actors' countries as context."""
        mentions = doc._.dyads_mentions or []
        actor_countries = {
            m.actor.code for m in mentions if m.actor.code and self.gazetteer.is_country_code(m.actor.code)
        }
        token_countries = {  # the words of country names and demonyms ("the Syrian town of Madaya"), not of bodies
            i: m.actor.code
            for m in mentions
            if m.actor.code in actor_countries and m.kind in ("country", "capital")
            for i in range(m.start, m.end)
        }
        return find_toponyms(
            doc, self.gazetteer, context_countries=actor_countries, unresolved=True, token_countries=token_countries
        )

    def rules_choice(self, doc: Doc, event: Event, toponyms: Sequence[Toponym]) -> tuple[Choice, Location | None]:
        """The hand rules' choice among the sentence's toponyms, and their answer (with a target place)."""
        choice = choose_location(doc, event, toponyms)
        return choice, choice.location or self._target_place(doc, event, toponyms)

    def candidates(
        self, doc: Doc, event: Event, toponyms: Sequence[Toponym], choice: Choice, rules_location: Location | None
    ) -> list[PlaceCandidate]:
        """The learned chooser's candidates for ``event`` (also what training reads)."""
        target_country = None
        if rules_location is not None and rules_location.derived_from == "target-actor":
            spans = {(t.start_char, t.end_char) for t in toponyms}
            if rules_location.span is not None and (rules_location.span.start, rules_location.span.end) not in spans:
                target_country = rules_location  # a country named as a whole ("attacked his country")
        return event_candidates(doc, event, toponyms, rules=choice, rules_location=rules_location, target_country=target_country)


    def _target_place(self, doc: Doc, event: Event, toponyms: Sequence[Toponym]) -> Location | None:
        """A material event whose target is itself a place happened there, when nothing else in
        its clause names a place: a place of the sentence ("troops captured Bayyanoun", "shells
        struck the Nabi Saleh Mosque") or a country named as a whole ("Russia invaded his
        country" -> UKR). The nationality of a target ("Syrian soldiers were killed") says
        nothing of where: such a target gives no location."""
        if event.quad_class not in (2, 4):
            return None
        for actor in event.targets:
            if actor.span is None:
                continue
            for top in toponyms:
                inside = event.sentence.start <= top.start_char and top.end_char <= event.sentence.end
                named = top.start_char < actor.span.end and actor.span.start < top.end_char
                if inside and named and not is_affiliation(doc, top):
                    country = top.location.country
                    if country is None and actor.code and self.gazetteer.is_country_code(actor.code):
                        country = actor.code
                    return top.location.model_copy(
                        update={"span": top.span(), "derived_from": "target-actor", "country": country}
                    )
            if _names_a_country(doc, actor) and actor.code and self.gazetteer.is_country_code(actor.code):
                country_place = self.gazetteer.country(actor.code)
                if country_place is not None:
                    return country_place.model_copy(update={"span": actor.span, "derived_from": "target-actor"})
        return None


def _learned_location(picked: PlaceCandidate, rules_location: Location | None) -> Location | None:
    """The chosen candidate's place, ``derived_from="learned"``; where it is the rules' own
    answer, theirs (a target place keeps the country the rules gave it)."""
    if picked.location is None:
        return None
    span = picked.location.span
    if rules_location is not None and span is not None and rules_location.span == span:
        return rules_location.model_copy(update={"derived_from": "learned"})
    return picked.location


def _names_a_country(doc: Doc, actor: Actor) -> bool:
    """The target is a country as a whole: "the country" coded to one, or the owner of
    "his country" / "their homeland" (coded to that person's country)."""
    if actor.span is None:
        return False
    words = actor.span.text.lower().split()
    if words and words[-1] in STATE_WORDS and not actor.sectors and not actor.name:
        return True
    phrase = doc.char_span(actor.span.start, actor.span.end, alignment_mode="expand")
    return phrase is not None and phrase.root.dep_ == "poss" and phrase.root.head.lower_ in STATE_WORDS


@Language.factory(
    "dyads_places",
    requires=["doc._.dyads_events", "doc.ents"],
    assigns=["doc._.dyads_events"],
    default_config={"inherit_article_location": False, "chooser": "learned", "chooser_model": None},
)
def make_places(
    nlp: Language, name: str, inherit_article_location: bool, chooser: str, chooser_model: str | None
) -> PlacesComponent:
    """Factory for ``nlp.add_pipe("dyads_places")``."""
    return PlacesComponent(inherit_article_location=inherit_article_location, chooser=chooser, chooser_model=chooser_model)
