"""Stage ``dyads_compound``: events the text implies through another event.

"Russian bombers flew from an air base in Iran to strike Syria" codes RUS MIL ASSAULT SYR; the
same words also say that Iran let Russia's military operate from its territory. When a state
military's attack is launched from a base in another country, this stage adds that country's
military cooperation with the attacker (CAMEO 062, PLOVER COOPERATE, context military), with the
launch site as its trigger span and ``coder = "compound-host-base"`` so it is never mistaken for a
directly worded event. "The United States used a Qatari base to launch strikes" implies the same:
an attack whose verb completes "use/employ <country's> base" makes that country the host.

The same stage gives an event whose doer the text leaves unnamed the source its place implies
("a roadside bomb near Mosul killed ..." -> IRQ UAF; "was arrested in Egypt" -> EGY; "were killed when
Russian troops shelled ..." -> the shelling's doer), an ethnic minority the state it lives in
("ethnic Albanians demonstrated in Serbia" -> SRB), and civilians struck where the attack happened
("shelled Kharkiv, killing three civilians" -> UKR):
:mod:`dyads.coder.perpetrator`.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from dyads.actors import mentions_for
from dyads.coder.arguments import INSTRUMENT_VERBS, nested_mentions
from dyads.coder.perpetrator import implied_source, minority_home, uncoded_home, victims_home
from dyads.ontology import cameo
from dyads.records import Actor, Event, Location, Span
from dyads.stages.extensions import ensure_extensions, trigger_token

ensure_extensions()

HOST_CODE = "062"  # military cooperation
BASE_WORDS = ("base", "airbase", "airfield", "air field")


def host_base_event(event: Event) -> Event | None:
    """The host country's cooperation implied by an attack launched from its base, or None."""
    site = event.launch_site
    if event.plover_type != "ASSAULT" or site is None or site.country is None or site.span is None:
        return None
    if site.feature != "site" and not any(word in event.sentence.text.lower() for word in BASE_WORDS):
        return None
    attackers = [a for a in event.sources if a.code and "MIL" in a.sectors]
    if not attackers or any(a.code == site.country for a in event.sources):
        return None
    return _cooperation(event, Actor(code=site.country, span=site.span), attackers, site)


def used_base_event(doc: Doc, event: Event) -> Event | None:
    """"X used Y's base to strike Z": Y's military cooperation with X, or None."""
    if event.plover_type != "ASSAULT":
        return None
    verb = trigger_token(doc, event)
    if verb is None or verb.dep_ not in {"xcomp", "advcl"} or verb.head.lemma_.lower() not in INSTRUMENT_VERBS:
        return None
    base = next((c for c in verb.head.children if c.dep_ == "dobj" and c.lemma_.lower() in BASE_WORDS), None)
    hosts = [m.actor for m in nested_mentions(base, lambda t: mentions_for(doc, t))] if base is not None else []
    host = next((a for a in hosts if a.code), None)
    attackers = [a for a in event.sources if a.code and a.code != (host.code if host else None)]
    if host is None or not attackers:
        return None
    phrase = doc[base.left_edge.i : base.i + 1]
    trigger = Span(start=phrase.start_char, end=phrase.end_char, text=phrase.text)
    return _cooperation(event, Actor(code=host.code, span=host.span or trigger), attackers, None, trigger=trigger)


def _cooperation(
    event: Event, host: Actor, attackers: list[Actor], site: Location | None, *, trigger: Span | None = None
) -> Event:
    code = cameo(HOST_CODE)
    return Event(
        article_id=event.article_id,
        sentence_index=event.sentence_index,
        sentence=event.sentence,
        trigger=trigger or site.span,
        plover_type=code.plover_type,
        plover_context=["military"],
        cameo_code=code.code,
        quad_class=code.quad_class,
        goldstein=code.goldstein,
        sources=[host],
        targets=[a.model_copy(deep=True) for a in attackers],
        date=event.date.model_copy() if event.date else None,
        location=site.model_copy() if site else None,
        attribution=event.attribution.model_copy(deep=True),
        coder="compound-host-base",
    )


class CompoundEvents:
    """The ``dyads_compound`` component."""

    def __init__(self) -> None:
        import pycountry

        self._countries = frozenset(country.alpha_3 for country in pycountry.countries)

    def is_country(self, code: str) -> bool:
        """Whether ``code`` is an ISO 3166 alpha-3 country code (not a group's or an IGO's)."""
        return code in self._countries

    def __call__(self, doc: Doc) -> Doc:
        events = doc._.dyads_events or []
        seen: set[tuple[str | None, tuple[str | None, ...]]] = set()
        for event in list(events):
            implied = implied_source(doc, event)
            if implied is not None:
                event.sources = [implied]  # the place that became the doer is no target any more
                event.targets = [t for t in event.targets if (t.code, t.span) != (implied.code, implied.span)]
            minority_home(event)
            uncoded_home(doc, event, is_country=self.is_country)
            victims_home(doc, event)
            extra = host_base_event(event) or used_base_event(doc, event)
            if extra is None:
                continue
            key = (extra.sources[0].code, tuple(sorted(a.code or "" for a in extra.targets)))
            if key not in seen:  # strikes in several sentences from one host imply one cooperation
                seen.add(key)
                events.append(extra)
        doc._.dyads_events = events
        return doc


@Language.factory(
    "dyads_compound",
    requires=["doc._.dyads_events"],
    assigns=["doc._.dyads_events"],
)
def make_compound(nlp: Language, name: str) -> CompoundEvents:
    return CompoundEvents()
