"""Find the toponyms of a parsed article and choose where each event happened.

Rules (see docs/places.md):

- toponyms are ``doc.ents`` labelled GPE/LOC/FAC, plus curated site names the NER misses
  ("Hamadan air base"), plus "<place> air base"-style extensions of an entity;
- a toponym owned by another one ("Iran's Hamadan air base") folds into the owned place, and of
  "the X district of Y" the smaller place is kept ("the Washash district of Baghdad": Washash);
- in the event's sentence, a toponym attached to the trigger (or to its object) by a locative
  preposition ("in", "at", "near", "on" ...) wins; ones under "from" are demoted and become the
  launch site when another place wins; a bare place that is the subject/object actor of the
  event is never its location (the places stage may still take a target place); a place that
  owns a non-place ("Algeria's security forces") is an affiliation, not a place; more specific
  places beat the country around them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from itertools import pairwise
from typing import NamedTuple

from spacy.tokens import Doc, Token
from spacy.tokens import Span as TokenSpan

from dyads.geo.gazetteer import Gazetteer, Place, fold_name
from dyads.records import Event, Location, Span
from dyads.stages.extensions import trigger_token

TOPONYM_LABELS = frozenset({"GPE", "LOC", "FAC"})
LOCATIVE_PREPS = frozenset(
    {"in", "at", "near", "on", "inside", "outside", "around", "across", "throughout", "within",
     "over", "along", "off", "onto", "upon", "between", "among", "beyond", "behind", "under", "above"}
)
DIRECTION_PREPS = frozenset({"to", "into", "toward", "towards"})
ACTOR_PREPS = frozenset({"against", "with", "by"})
LAUNCH_PREPS = frozenset({"from"})
ACTOR_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "dative", "iobj", "agent", "attr", "csubj"})
BASE_WORDS = ("air base", "airbase", "air field", "airfield", "military base", "naval base", "base", "airport")
SPECIFICITY = {"site": 4, "city": 3, "admin1": 2, "region": 2, "unknown": 1.5, "country": 1}
#: prepositions that put a named thing somewhere: a PERSON/ORG-tagged name under one is a place
#: ("in Tuz Khurmatu", "inside Kafr Sousah"); narrower than LOCATIVE_PREPS ("on", "over" take topics)
NAME_PREPS = frozenset({"in", "at", "near", "inside", "outside", "into", "around", "across", "throughout", "within"})
#: common nouns that make the name before them, or after "of", a place ("Nwonko village", "town of Barentu")
PLACE_NOUNS = frozenset(
    {"village", "villages", "town", "towns", "city", "district", "province", "governorate", "region",
     "area", "countryside", "neighbourhood", "neighborhood", "suburb", "camp", "county", "state",
     "municipality", "outskirts", "valley", "mountains", "hills", "island", "border", "crossing"}
)
NAME_LABELS = frozenset({"PERSON", "ORG", "NORP"})
#: how large a kind of place is: in "the X <place noun> of Y" the larger one holds the other
UNIT_RANK = {"country": 5, "admin1": 4, "region": 4, "city": 3, "site": 2, "unknown": 1}
#: nouns for built places: a place that owns one is where it stands ("Baghdad's main bridges",
#: "Morocco's Parliament"); a place that owns anything else names an affiliation ("Algeria's
#: security forces", "Thailand's insurgency", "Japan's Aiko Nakamura"), not where an event happened
STRUCTURE_NOUNS = frozenset(
    {"capital", "bridge", "bridges", "parliament", "market", "markets", "headquarters", "embassy", "consulate",
     "airport", "port", "harbour", "harbor", "streets", "street", "centre", "center", "square", "palace",
     "prison", "jail", "hospital", "mosque", "church", "university", "school", "base", "compound", "office",
     "offices", "coast", "coastline", "shore", "frontier", "territory", "soil", "airspace", "waters",
     "heartland", "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "interior"}
)
ACTOR_SCORE = -10.0


class Toponym(NamedTuple):
    """A place name in the document: token range, char range and its resolved place."""

    start: int
    end: int
    start_char: int
    end_char: int
    text: str
    location: Location
    source: str  # "ner", "site", "base" (an unlisted 'X air base'), "gazetteer" (NER missed it) or "named" (a place noun/preposition says so)

    def span(self) -> Span:
        return Span(start=self.start_char, end=self.end_char, text=self.text)


class Choice(NamedTuple):
    """Where an event happened (or None) and the place it was launched from (or None)."""

    location: Location | None
    launch_site: Location | None


# --------------------------------------------------------------------------- toponyms


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _site_spans(doc: Doc, gazetteer: Gazetteer, *, max_tokens: int = 6) -> list[tuple[int, int]]:
    """Longest token n-grams that name one of the gazetteer's curated sites or regions."""
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(doc):
        hit = None
        if doc[i].is_punct or not gazetteer.may_start_site(doc[i].text):
            i += 1
            continue
        for n in range(min(max_tokens, len(doc) - i), 0, -1):
            if doc[i].is_punct or doc[i + n - 1].is_punct or doc[i].text.lower() == "the":
                continue
            if gazetteer.is_site_name(doc[i : i + n].text):
                hit = (i, i + n)
                break
        if hit:
            found.append(hit)
            i = hit[1]
        else:
            i += 1
    return found


def _base_extension(doc: Doc, end: int) -> int:
    """Token end of a following 'air base'-style phrase, or ``end`` when there is none."""
    for phrase in BASE_WORDS:
        words = phrase.split()
        stop = end + len(words)
        if stop <= len(doc) and [t.text.lower() for t in doc[end:stop]] == words:
            return stop
    return end


def _candidate_spans(doc: Doc, gazetteer: Gazetteer) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    sites = _site_spans(doc, gazetteer)
    for ent in doc.ents:
        if ent.label_ not in TOPONYM_LABELS:
            continue
        start, end = ent.start, ent.end
        if start < end and doc[start].text.lower() == "the":
            start += 1
        if start >= end:
            continue
        if any(_overlaps((start, end), site) for site in sites):
            continue
        stop = _base_extension(doc, end)
        source = "ner"
        if stop > end:
            if gazetteer.is_site_name(doc[start:stop].text):
                source = "site"
            else:
                source = "base"
            end = stop
        spans.append((start, end, source))
    spans.extend((start, end, "site") for start, end in sites)
    spans.extend(_missed_places(doc, [(start, end) for start, end, _ in spans]))
    spans.extend(_named_places(doc, [(start, end) for start, end, _ in spans]))
    return sorted(spans)


def _name_span(doc: Doc, token: Token) -> tuple[int, int] | None:
    """The proper name headed by ``token``: its entity, or its run of proper nouns."""
    if token.ent_type_:
        for ent in doc.ents:
            if ent.start <= token.i < ent.end:
                start = ent.start + (doc[ent.start].text.lower() == "the")
                return (start, ent.end) if start < ent.end else None
    if token.pos_ != "PROPN":
        return None
    start = token.i
    while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].head.i == token.i:
        start -= 1
    return start, token.i + 1


def _named_places(doc: Doc, taken: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Names the NER tagged PERSON/ORG/NORP (or missed) that the words around make places:
    under "in"/"at"/"inside"... ("in Tuz Khurmatu"), after "<place noun> of" ("the town of
    Mrkonjic Grad") or before a place noun ("Nwonko village", "the Hama countryside")."""
    found: list[tuple[int, int, str]] = []
    for token in doc:
        if token.pos_ != "PROPN" or (token.ent_type_ and token.ent_type_ not in NAME_LABELS):
            continue
        head = token.head
        placed = (
            (token.dep_ == "pobj" and head.text.lower() in NAME_PREPS and token.ent_type_ != "ORG")
            or (token.dep_ == "pobj" and head.text.lower() == "of" and head.head.lower_ in PLACE_NOUNS and head.head.is_lower)
            or (token.dep_ in ("compound", "amod", "nmod") and head.lower_ in PLACE_NOUNS and head.is_lower and head.i == token.i + 1)
        )
        if not placed:
            continue
        span = _name_span(doc, token)
        if span is None or any(_overlaps(span, other) for other in (*taken, *[(s, e) for s, e, _ in found])):
            continue
        found.append((span[0], span[1], "named"))
    return found


def _missed_places(doc: Doc, taken: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Proper nouns after a place preposition that the NER missed or called NORP ("in Aleppo")."""
    preps = LOCATIVE_PREPS | DIRECTION_PREPS | LAUNCH_PREPS
    found: list[tuple[int, int, str]] = []
    for token in doc:
        if token.pos_ != "PROPN" or token.dep_ != "pobj" or token.head.text.lower() not in preps:
            continue
        start = token.i
        while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].head.i == token.i:
            start -= 1
        span = (start, token.i + 1)
        if any(_overlaps(span, other) for other in taken):
            continue
        if any(t.ent_type_ and t.ent_type_ != "NORP" for t in doc[span[0] : span[1]]):
            continue
        found.append((span[0], span[1], "gazetteer"))
    return found


def _resolve_all(
    gazetteer: Gazetteer, texts: Sequence[str], extra_context: Collection[str]
) -> dict[str, Location | None]:
    """Resolve distinct names twice: alone, then with the other names' countries as context."""
    first = {text: gazetteer.resolve(text, context_countries=extra_context) for text in set(texts)}
    resolved: dict[str, Location | None] = {}
    for text in first:
        context = set(extra_context)
        context.update(loc.country for other, loc in first.items() if other != text and loc and loc.country)
        resolved[text] = gazetteer.resolve(text, context_countries=context)
    return resolved


def find_toponyms(
    doc: Doc,
    gazetteer: Gazetteer,
    *,
    context_countries: Collection[str] = (),
    unresolved: bool = False,
    token_countries: Mapping[int, str] | None = None,
    fold: bool = True,
) -> list[Toponym]:
    """The places named in a parsed document, in text order.

    ``context_countries`` (ISO-3, e.g. the article's actor countries) are added to the
    countries of the document's other toponyms when ranking candidates. With ``unresolved``,
    places the gazetteer lacks are kept as ``feature="unknown"`` Locations (a name, no
    coordinates): entities tagged as places, and names the words around make places.
    ``token_countries`` (token index -> ISO-3, from the coded actors) gives such a place the
    country of a demonym on its place noun ("the Syrian town of Madaya"). ``fold`` drops an
    owner in favour of the place it owns (for event location; geoparsing keeps every name).
    """
    spans = _candidate_spans(doc, gazetteer)
    lookups = [_lookup_text(doc, start, end, source) for start, end, source in spans]
    resolved = _resolve_all(gazetteer, lookups, context_countries)
    resolved.update(_qualified(doc, spans, lookups, gazetteer, context_countries))
    resolved.update(_listed_regions(doc, spans, lookups, resolved, gazetteer))
    toponyms: list[Toponym] = []
    for (start, end, source), lookup in zip(spans, lookups):
        location = resolved.get(lookup)
        span = doc[start:end]
        if location is None:
            if not unresolved or not _may_be_unknown(span, source, token_countries or {}):
                continue
            location = Location(name=span.text, feature="unknown")
        elif source == "base":  # an unlisted base: the town's place, named after the base
            location = location.model_copy(update={"name": span.text, "feature": "site", "geonameid": None})
        toponyms.append(Toponym(start, end, span.start_char, span.end_char, span.text, location, source))
    return _place_unknowns(doc, _fold_possessives(doc, toponyms) if fold else toponyms, token_countries or {})


def _may_be_unknown(span: TokenSpan, source: str, token_countries: Mapping[int, str]) -> bool:
    """Keep a name the gazetteer lacks: a place entity, a name a place noun or a place
    preposition vouches for, never a nationality ("Ukrainian": NORP, or coded as a country
    by the actors but held by no gazetteer entry)."""
    root = span.root
    if root.ent_type_ == "NORP" or all(t.i in token_countries for t in span):
        return False
    if source in ("ner", "named"):
        return True
    return source == "gazetteer" and not root.ent_type_ and root.head.lower_ in NAME_PREPS


def _place_noun(token: Token) -> Token | None:
    """The place noun that names ``token`` ("Nwonko village", "the town of Madaya"), if any."""
    head = token.head
    if token.dep_ in ("compound", "amod", "nmod") and head.lower_ in PLACE_NOUNS:
        return head
    if token.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in PLACE_NOUNS:
        return head.head
    return None


def _place_unknowns(doc: Doc, toponyms: list[Toponym], token_countries: Mapping[int, str]) -> list[Toponym]:
    """Give an unknown place a country the text ties to it: a place listed with it ("the Aleppo,
    Deir and Idlib provinces"), a demonym on its place noun ("the Syrian town of Madaya"), or
    the country the same name got elsewhere in the article."""
    country_at = {i: t.location.country for t in toponyms if t.location.country for i in range(t.start, t.end)}
    placed: list[Toponym] = []
    for top in toponyms:
        if top.location.feature == "unknown" and top.location.country is None:
            root = doc[top.start : top.end].root
            near = [c.i for c in root.children if c.dep_ == "conj"] + ([root.head.i] if root.dep_ == "conj" else [])
            noun = _place_noun(root)
            marks = [c.i for c in noun.children if c.dep_ in ("amod", "compound")] if noun is not None else []
            country = next((country_at[i] for i in near if i in country_at), None) or next(
                (token_countries[i] for i in marks if i in token_countries), None
            )
            if country:
                top = top._replace(location=top.location.model_copy(update={"country": country}))
        placed.append(top)
    # the same name again in the article is the same place ("the Syrian town of Madaya" ... "Madaya")
    by_name = {t.text: t.location.country for t in placed if t.location.feature == "unknown" and t.location.country}
    return [
        t._replace(location=t.location.model_copy(update={"country": by_name[t.text]}))
        if t.location.feature == "unknown" and t.location.country is None and t.text in by_name
        else t
        for t in placed
    ]


def _qualified(
    doc: Doc,
    spans: Sequence[tuple[int, int, str]],
    lookups: Sequence[str],
    gazetteer: Gazetteer,
    context_countries: Collection[str],
) -> dict[str, Location]:
    """"Parkland, Florida", "Tacoma, Washington", "Makurdi, Benue": a town followed by ", <state,
    province or country>" is the town of that name there, and the second name is that region.
    The result holds for every mention of the names in the article ("the Parkland students")."""
    found: dict[str, Location] = {}
    starts = {start: lookup for (start, _, _), lookup in zip(spans, lookups)}
    for (_, end, _), town in zip(spans, lookups):
        region_name = starts.get(end + 1)
        if region_name is None or end >= len(doc) or doc[end].text != ",":
            continue
        for _, region in gazetteer.ranked(region_name):
            if region.feature not in ("admin1", "country"):
                continue
            inside = [
                place
                for _, place in gazetteer.ranked(town, context_countries=context_countries)
                if place.feature == "city" and place.country == region.country and _within(place, region)
            ]
            if inside:
                found[town] = inside[0].location()
                found[region_name] = region.location()
                break
    return found


def _listed_regions(
    doc: Doc,
    spans: Sequence[tuple[int, int, str]],
    lookups: Sequence[str],
    resolved: Mapping[str, Location | None],
    gazetteer: Gazetteer,
) -> dict[str, Location]:
    """A name listed with states or provinces of one country is one too when it can be:
    "California or Washington" is the state, not the capital."""
    root_of = {doc[start:end].root.i: lookup for (start, end, _), lookup in zip(spans, lookups)}
    found: dict[str, Location] = {}
    for index, name in root_of.items():
        place = resolved.get(name)
        if place is None or place.feature != "city":
            continue
        token = doc[index]
        listed = [c.i for c in token.children if c.dep_ == "conj"] + ([token.head.i] if token.dep_ == "conj" else [])
        regions = {
            other.country
            for i in listed
            if (other := resolved.get(root_of.get(i, ""))) is not None and other.feature == "admin1"
        }
        if len(regions) != 1:
            continue
        country = next(iter(regions))
        region = next((p for _, p in gazetteer.ranked(name) if p.feature == "admin1" and p.country == country), None)
        if region is not None:
            found[name] = region.location()
    return found


def _within(city: Place, region: Place) -> bool:
    """A city lies in a country, or in an admin-1 when its own admin-1 (if known) is that one."""
    if region.feature == "country" or city.admin1 is None:
        return True
    return fold_name(city.admin1) == fold_name(region.name)


def _lookup_text(doc: Doc, start: int, end: int, source: str) -> str:
    """The name to look up: the span, or for an unlisted base the place before 'air base'."""
    if source == "base":
        for phrase in BASE_WORDS:
            size = len(phrase.split())
            if end - size > start and " ".join(t.text.lower() for t in doc[end - size : end]) == phrase:
                return doc[start : end - size].text
    return doc[start:end].text


def _names_the_unit(before: Toponym, after: Toponym) -> bool:
    """In "the X <place noun> of Y", True when X names the unit and Y is the larger place that
    holds it ("the al-Tarikh area of Jiddah", "the Semdinli district of Hakkari province");
    False when Y names it and X holds it ("the West Bank town of Bethlehem", "the Homs
    neighbourhood of Baba Amr"). The larger kind of place holds the other; a tie keeps Y, and so
    does a common word before the noun ("the highland city of Huancayo")."""
    return not before.text.islower() and UNIT_RANK.get(after.location.feature, 1) > UNIT_RANK.get(before.location.feature, 1)


def _fold_possessives(doc: Doc, toponyms: list[Toponym]) -> list[Toponym]:
    """Drop an owner toponym ("Iran" in "Iran's Hamadan air base", "West Bank" in "the West Bank
    town of Bethlehem") in favour of the owned place, which takes the owner's country when it has
    none ("Mogadishu's Wadajir district")."""
    dropped: set[int] = set()
    owner_country: dict[int, str] = {}
    for i, top in enumerate(toponyms):
        root = doc[top.start : top.end].root
        if root.dep_ == "poss":
            owned = root.head
            inside = {owned.i, *(c.i for c in owned.children if c.dep_ in ("compound", "amod", "nmod"))}
        elif root.dep_ in ("compound", "amod", "nmod") and root.head.lower_ in PLACE_NOUNS:
            # "the West Bank town of Bethlehem": the town named after "of" is the place
            inside = {c.i for prep in root.head.children if prep.lower_ == "of" for c in prep.children if c.dep_ == "pobj"}
        else:
            continue
        target = next((j for j, o in enumerate(toponyms) if j != i and any(o.start <= k < o.end for k in inside)), None)
        if target is None:
            continue
        if root.dep_ != "poss" and _names_the_unit(top, toponyms[target]):
            # "the Semdinli district of Hakkari": Semdinli is the district, Hakkari holds it
            dropped.add(target)
            if toponyms[target].location.country:
                owner_country[i] = toponyms[target].location.country
            continue
        dropped.add(i)
        if top.location.country:
            owner_country[target] = top.location.country
    folded: list[Toponym] = []
    for i, top in enumerate(toponyms):
        if i in dropped:
            continue
        if i in owner_country and top.location.country is None:
            top = top._replace(location=top.location.model_copy(update={"country": owner_country[i]}))
        folded.append(top)
    return folded


# --------------------------------------------------------------------------- choice


def _path_up(token: Token, stop: Token) -> list[Token]:
    """Tokens from ``token`` up to (excluding) ``stop``, or to the root when stop is not above."""
    path: list[Token] = []
    current = token
    while current.i != stop.i:
        path.append(current)
        if current.head.i == current.i:
            break
        current = current.head
    return path


def _common_ancestor(a: Token, b: Token) -> Token:
    above_b = {b.i, *(t.i for t in b.ancestors)}
    if a.i in above_b:
        return a
    for token in a.ancestors:
        if token.i in above_b:
            return token
    return a.sent.root


class _Scored(NamedTuple):
    score: float
    launch: bool
    actor: bool
    toponym: Toponym
    outside: bool  # in another clause than the trigger's (neither below the trigger nor its head)
    locative: bool  # the object of a place preposition ("in Spain", "at the Kremlin")


def _score(
    doc: Doc, top: Toponym, trigger: Token, actor_spans: Sequence[tuple[int, int]], others: Sequence[Toponym] = ()
) -> _Scored:
    root = doc[top.start : top.end].root
    lca = _common_ancestor(root, trigger)
    path = _path_up(root, lca)
    # a place that describes another one ("Khost, a hotbed in eastern Afghanistan") is not the event's
    nested = any(
        o is not top and _names(doc, o, t) for below, t in pairwise(path) if below.dep_ != "conj" for o in others
    )
    preps = [t for t in path if t.dep_ in ("prep", "agent")]
    first = next((p for p in preps if p.text.lower() != "of"), None)
    launch = any(p.text.lower() in LAUNCH_PREPS for p in preps)

    if lca.i == trigger.i:
        if first is not None and first.head.i == trigger.i:
            score = 3.0
        elif first is not None and first.head.head.i == trigger.i:
            score = 2.5
        else:
            score = max(1.2, 2.3 - 0.1 * len(path))
    elif lca.i == trigger.head.i:
        score = 1.6
    else:
        score = 1.0
    outside = lca.i not in _event_clause(trigger)

    word = first.text.lower() if first is not None else None
    if word in LOCATIVE_PREPS:
        score += 0.5
    elif word in DIRECTION_PREPS:
        score += 0.1
    elif word in ACTOR_PREPS:
        score -= 1.0
    if launch:
        score -= 3.0

    char_span = (top.start_char, top.end_char)
    # An actor span is no place, unless a locative preposition puts the event there
    # ("struck targets in Syria": Syria is both the target and where it happened).
    actor = word not in LOCATIVE_PREPS and any(_overlaps(char_span, span) for span in actor_spans)
    if not actor and first is None and not launch:
        chain = [t.dep_ for t in path]
        actor = (
            bool(chain)
            and chain[-1] in ACTOR_DEPS
            and all(d in ("compound", "appos", "conj", "cc") for d in chain[:-1])
            and not any(t.lower_ in PLACE_NOUNS for t in path)  # "attacked Nwonko village" is a place
        )
    if actor:
        score = ACTOR_SCORE
    if nested:
        score -= 1.0
    score += 0.15 * SPECIFICITY.get(top.location.feature, 1)
    score -= 0.01 * abs(root.i - trigger.i)
    return _Scored(score, launch, actor, top, outside, root.dep_ == "pobj" and root.head.lower_ in NAME_PREPS)


def _names(doc: Doc, top: Toponym, token: Token) -> bool:
    """True when ``token`` is part of the toponym or the place noun it names ("Nwonko village")."""
    if top.start <= token.i < top.end:
        return True
    noun = _place_noun(doc[top.start : top.end].root)
    return noun is not None and noun.i == token.i


def _event_clause(trigger: Token) -> set[int]:
    """The trigger, its head, and the verbs it hangs from as a consequence or a sequel
    ("exploded ..., killing six": a place of "exploded" is one of "killing"); never
    through a reporting verb ("said in Washington that ...")."""
    chain = {trigger.i, trigger.head.i}
    current = trigger
    while current.dep_ in ("conj", "advcl", "xcomp") and current.head.i != current.i:
        current = current.head
        chain.add(current.i)
    return chain


def _with_span(top: Toponym, derived_from: str) -> Location:
    return top.location.model_copy(update={"span": top.span(), "derived_from": derived_from})


def choose_location(doc: Doc, event: Event, toponyms: Sequence[Toponym]) -> Choice:
    """Where the event happened among the toponyms of its sentence, and its launch site."""
    trigger = trigger_token(doc, event)
    inside = [
        t
        for t in toponyms
        if t.start_char >= event.sentence.start and t.end_char <= event.sentence.end and not is_affiliation(doc, t)
    ]
    if trigger is None or not inside:
        return Choice(None, None)
    actor_spans = [(a.span.start, a.span.end) for a in (*event.sources, *event.targets) if a.span is not None]
    source_spans = [(a.span.start, a.span.end) for a in event.sources if a.span is not None]
    # the doer's own name is not where it acted ("Russia attacked Ukraine" did not happen in
    # Russia), unless a locative preposition says so ("police operations in Spain captured ...")
    scored = sorted(
        (
            s
            for s in (_score(doc, t, trigger, actor_spans, inside) for t in inside)
            if s.locative or not any(_overlaps((s.toponym.start_char, s.toponym.end_char), sp) for sp in source_spans)
        ),
        key=lambda s: (-s.score, s.toponym.start),
    )
    if not scored:
        return Choice(None, None)
    visited = _visited_place(event, scored)
    if visited is not None:
        return Choice(_with_span(visited.toponym, "sentence"), None)
    best = scored[0]
    if best.outside:
        return Choice(None, None)  # a place named in another clause says nothing of this event
    if best.actor:
        # "praised the coalition of Russia and Iran" did not happen in Russia, nor "Russia struck
        # rebel positions"; a target that is a place is the places stage's call (target-actor)
        return Choice(None, None)
    launch_site = None
    if not best.launch:  # a "from" place that lost is where the event was launched from
        launchers = [s for s in scored if s.launch and not s.actor]
        launch_site = _with_span(launchers[0].toponym, "sentence") if launchers else None
    return Choice(_with_span(best.toponym, "sentence"), launch_site)


def is_affiliation(doc: Doc, top: Toponym) -> bool:
    """A place that owns something other than a place or a building names who it belongs to,
    not where anything happened ("captured by Algeria's security forces", "victims of
    Thailand's insurgency"); "Baghdad's main bridges" and "Georgia's capital" are places."""
    root = doc[top.start : top.end].root
    if root.dep_ != "poss":
        return False
    owned = root.head.lower_
    return owned not in PLACE_NOUNS and owned not in STRUCTURE_NOUNS


def _visited_place(event: Event, scored: Sequence[_Scored]) -> _Scored | None:
    """"Zelenskiy visited Washington": the place visited is where the visit happened."""
    if not event.cameo_code.startswith(("042", "043")):
        return None
    spans = [(a.span.start, a.span.end) for a in event.targets if a.span is not None]
    return next((s for s in scored if any(_overlaps((s.toponym.start_char, s.toponym.end_char), sp) for sp in spans)), None)


def dominant_location(toponyms: Sequence[Toponym], gazetteer: Gazetteer) -> Location | None:
    """The article's main place: the country its toponyms fall in most often (first seen wins ties)."""
    counts = Counter(t.location.country for t in toponyms if t.location.country)
    if not counts:
        return None
    top_count = max(counts.values())
    country = next(t.location.country for t in toponyms if counts.get(t.location.country or "") == top_count)
    if country is None:
        return None
    location = gazetteer.country(country)
    return location.model_copy(update={"derived_from": "article"}) if location else None
