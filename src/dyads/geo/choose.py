"""Find the toponyms of a parsed article and choose where each event happened.

Rules (see docs/places.md):

- toponyms are ``doc.ents`` labelled GPE/LOC/FAC, plus curated site names the NER misses
  ("Hamadan air base"), plus "<place> air base"-style extensions of an entity;
- a toponym owned by another one ("Iran's Hamadan air base") folds into the owned place;
- in the event's sentence, a toponym attached to the trigger (or to its object) by a locative
  preposition ("in", "at", "near", "on" ...) wins; ones under "from" are demoted and become the
  launch site when another place wins; a bare place that is the subject/object actor of the
  event is used only when nothing else is there; more specific places beat the country around them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from typing import NamedTuple

from spacy.tokens import Doc, Token

from dyads.geo.gazetteer import Gazetteer
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
VERBAL_QUADS = frozenset({0, 1, 3})  # statements, verbal cooperation, verbal conflict
ACTOR_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "dative", "iobj", "agent", "attr", "csubj"})
BASE_WORDS = ("air base", "airbase", "air field", "airfield", "military base", "naval base", "base", "airport")
SPECIFICITY = {"site": 4, "city": 3, "admin1": 2, "region": 2, "country": 1}
ACTOR_SCORE = -10.0


class Toponym(NamedTuple):
    """A place name in the document: token range, char range and its resolved place."""

    start: int
    end: int
    start_char: int
    end_char: int
    text: str
    location: Location
    source: str  # "ner", "site", "base" (an unlisted 'X air base') or "gazetteer" (NER missed it)

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
    return sorted(spans)


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
    doc: Doc, gazetteer: Gazetteer, *, context_countries: Collection[str] = ()
) -> list[Toponym]:
    """The resolved places named in a parsed document, in text order.

    ``context_countries`` (ISO-3, e.g. the article's actor countries) are added to the
    countries of the document's other toponyms when ranking candidates.
    """
    spans = _candidate_spans(doc, gazetteer)
    lookups = [_lookup_text(doc, start, end, source) for start, end, source in spans]
    resolved = _resolve_all(gazetteer, lookups, context_countries)
    toponyms: list[Toponym] = []
    for (start, end, source), lookup in zip(spans, lookups):
        location = resolved.get(lookup)
        if location is None:
            continue
        span = doc[start:end]
        if source == "base":  # an unlisted base: the town's place, named after the base
            location = location.model_copy(update={"name": span.text, "feature": "site", "geonameid": None})
        toponyms.append(Toponym(start, end, span.start_char, span.end_char, span.text, location, source))
    return _fold_possessives(doc, toponyms)


def _lookup_text(doc: Doc, start: int, end: int, source: str) -> str:
    """The name to look up: the span, or for an unlisted base the place before 'air base'."""
    if source == "base":
        for phrase in BASE_WORDS:
            size = len(phrase.split())
            if end - size > start and " ".join(t.text.lower() for t in doc[end - size : end]) == phrase:
                return doc[start : end - size].text
    return doc[start:end].text


def _fold_possessives(doc: Doc, toponyms: list[Toponym]) -> list[Toponym]:
    """Drop an owner toponym ("Iran" in "Iran's Hamadan air base") in favour of the owned place."""
    kept: list[Toponym] = []
    for top in toponyms:
        root = doc[top.start : top.end].root
        owned = root.head if root.dep_ == "poss" else None
        if owned is not None and any(o is not top and o.start <= owned.i < o.end for o in toponyms):
            continue
        kept.append(top)
    return kept


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


def _score(doc: Doc, top: Toponym, trigger: Token, actor_spans: Sequence[tuple[int, int]]) -> _Scored:
    root = doc[top.start : top.end].root
    lca = _common_ancestor(root, trigger)
    path = _path_up(root, lca)
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
    outside = lca.i not in (trigger.i, trigger.head.i)

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
        actor = bool(chain) and chain[-1] in ACTOR_DEPS and all(d in ("compound", "appos", "conj", "cc") for d in chain[:-1])
    if actor:
        score = ACTOR_SCORE
    score += 0.15 * SPECIFICITY.get(top.location.feature, 1)
    score -= 0.01 * abs(root.i - trigger.i)
    return _Scored(score, launch, actor, top, outside)


def _with_span(top: Toponym, derived_from: str) -> Location:
    return top.location.model_copy(update={"span": top.span(), "derived_from": derived_from})


def choose_location(doc: Doc, event: Event, toponyms: Sequence[Toponym]) -> Choice:
    """Where the event happened among the toponyms of its sentence, and its launch site."""
    trigger = trigger_token(doc, event)
    inside = [t for t in toponyms if t.start_char >= event.sentence.start and t.end_char <= event.sentence.end]
    if trigger is None or not inside:
        return Choice(None, None)
    actor_spans = [(a.span.start, a.span.end) for a in (*event.sources, *event.targets) if a.span is not None]
    source_spans = [(a.span.start, a.span.end) for a in event.sources if a.span is not None]
    # the doer's own name is never where it acted ("Russia attacked Ukraine" did not happen in Russia)
    inside = [t for t in inside if not any(_overlaps((t.start_char, t.end_char), s) for s in source_spans)]
    if not inside:
        return Choice(None, None)
    scored = sorted(
        (_score(doc, t, trigger, actor_spans) for t in inside),
        key=lambda s: (-s.score, s.toponym.start),
    )
    visited = _visited_place(event, scored)
    if visited is not None:
        return Choice(_with_span(visited.toponym, "sentence"), None)
    best = scored[0]
    if best.outside:
        return Choice(None, None)  # a place named in another clause says nothing of this event
    if best.actor and event.quad_class in VERBAL_QUADS:
        # "praised the coalition of Russia and Iran" happened wherever it was said, not in Russia
        return Choice(None, None)
    launch_site = None
    if not best.launch:
        launchers = [s for s in scored if s.launch and not s.actor]
        if launchers:
            launch_site = _with_span(launchers[0].toponym, "sentence")
    return Choice(_with_span(best.toponym, "sentence"), launch_site)


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
