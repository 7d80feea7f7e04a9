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
    {"in", "at", "near", "on", "inside", "outside", "around", "across", "throughout", "through", "within",
     "over", "along", "off", "onto", "upon", "between", "among", "beyond", "behind", "under", "above"}
)
DIRECTION_PREPS = frozenset({"to", "into", "toward", "towards"})
ACTOR_PREPS = frozenset({"against", "with", "by"})
LAUNCH_PREPS = frozenset({"from"})
#: every preposition whose object the toponym finders may take for a place
PLACE_PREPS = LOCATIVE_PREPS | DIRECTION_PREPS | LAUNCH_PREPS
ACTOR_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "dative", "iobj", "agent", "attr", "csubj"})
BASE_WORDS = ("air base", "airbase", "air field", "airfield", "military base", "naval base", "base", "airport")
SPECIFICITY = {"site": 4, "city": 3, "admin1": 2, "region": 2, "unknown": 1.5, "country": 1}
#: prepositions that put a named thing somewhere: a PERSON/ORG-tagged name under one is a place
#: ("in Tuz Khurmatu", "inside Kafr Sousah"); narrower than LOCATIVE_PREPS ("on", "over" take topics)
NAME_PREPS = frozenset({"in", "at", "near", "inside", "outside", "into", "around", "across", "throughout", "within"})
#: nouns of an attack whose "on" names the ground attacked: "an army attack on al-Latmana", "their assault on Taqsis"
ASSAULT_NOUNS = frozenset({"attack", "assault", "offensive", "raid", "strike", "airstrike", "bombardment", "advance"})
#: common nouns that make the name before them, or after "of", a place ("Nwonko village", "town of Barentu")
PLACE_NOUNS = frozenset(
    {"village", "villages", "town", "towns", "city", "district", "province", "governorate", "region",
     "area", "countryside", "neighbourhood", "neighborhood", "suburb", "camp", "county", "state",
     "municipality", "outskirts", "valley", "mountains", "hills", "island", "border", "crossing",
     "districts", "provinces", "governorates", "regions", "areas", "neighbourhoods", "neighborhoods", "suburbs",
     "cities", "municipalities"}
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
#: words before a name that make it a person's ("Mr. Jackson", "Sheriff Mansfield"), never a place
TITLE_WORDS = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "sen", "senator", "rep", "gov", "governor", "judge", "sheriff", "coach",
     "president", "mayor", "officer", "sgt", "lt", "capt", "gen", "col", "prof", "rev", "pastor", "father", "deputy"}
)
#: common words that name no place on their own, whatever the NER says ("the Centre", "West")
GENERIC_WORDS = PLACE_NOUNS | STRUCTURE_NOUNS | frozenset({"central", "centre", "center", "capital", "north", "south", "east", "west"})
#: words before a place name that only say which part of it ("North Georgia", "northwest D.C.")
PART_WORDS = frozenset(
    {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "northern", "southern",
     "eastern", "western", "central", "upper", "lower", "greater", "downtown", "historic", "rural", "inner", "outer"}
)
#: tokens that close a dateline after the place ("BEIRUT (AP) -", "SALINA, Kan.", "ATLANTA -")
DATELINE_ENDS = frozenset({",", "-", "--", "—", "–", "(", ":"})


class Toponym(NamedTuple):
    """A place name in the document: token range, char range and its resolved place."""

    start: int
    end: int
    start_char: int
    end_char: int
    text: str
    location: Location
    #: "ner", "site", "base" (an unlisted 'X air base'), "gazetteer" (NER missed it), "named" (a place
    #: noun/preposition says so) or "known" (a gazetteer name the NER tagged otherwise, in a place's position)
    source: str

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


def _candidate_spans(
    doc: Doc, gazetteer: Gazetteer, context_countries: Collection[str] = ()
) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    sites = _site_spans(doc, gazetteer)
    for ent in doc.ents:
        if ent.label_ not in TOPONYM_LABELS:
            continue
        start, end = ent.start, ent.end
        if start < end and doc[start].text.lower() == "the":
            start += 1
        if start >= end or doc[start:end].text.lower() in COMPASS_WORDS:
            continue  # "a strike on the North's nuclear site" is North Korea's, not Cameroon's North region
        overlapping = [site for site in sites if _overlaps((start, end), site)]
        if overlapping:
            inside = all(start <= a and b <= end and (a, b) != (start, end) for a, b in overlapping)
            if not (inside and gazetteer.matches(doc[start:end].text)):
                continue
            # a known place whose name holds a site name: "Western Sahara" is not the Sahara
            sites = [site for site in sites if site not in overlapping]
        if not gazetteer.matches(doc[start:end].text):
            start, end = _known_part(doc, gazetteer, start, end)
        if not gazetteer.matches(doc[start:end].text):
            end = _known_run_on(doc, gazetteer, start, end, sites)
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
    cased = _cased(doc)  # read once: every finder's name check depends on it
    spans.extend(_missed_places(doc, [(start, end) for start, end, _ in spans], cased=cased))
    coded, bodies = _coded_tokens(doc)
    spans.extend(_named_places(doc, [(start, end) for start, end, _ in spans], coded=coded, cased=cased))
    spans.extend(_known_places(doc, gazetteer, [(start, end) for start, end, _ in spans], coded=coded, bodies=bodies, cased=cased))
    spans.extend(_capitalised_nouns(doc, gazetteer, [(start, end) for start, end, _ in spans], coded=coded))
    spans.extend(_context_places(doc, gazetteer, spans, context_countries))
    return sorted(spans)


def _known_part(doc: Doc, gazetteer: Gazetteer, start: int, end: int) -> tuple[int, int]:
    """The known place inside a place entity the gazetteer does not hold as a whole: the name
    after words that only say which part of it ("Northeast Georgia", "north west London",
    "Historic Dublin"). The entity itself when there is none."""
    def usable(a: int, b: int) -> bool:
        text = doc[a:b].text
        return text[:1].isupper() and len(text) > 2 and not doc[b - 1].is_punct and text.lower() not in GENERIC_WORDS

    for begin in range(start + 1, end):
        if all(t.lower_ in PART_WORDS or t.is_punct for t in doc[start:begin]) and usable(begin, end) and gazetteer.matches(doc[begin:end].text):
            return begin, end
    return start, end


def _known_run_on(doc: Doc, gazetteer: Gazetteer, start: int, end: int, sites: Sequence[tuple[int, int]]) -> int:
    """The end of a known name that a place entity stops inside: "Deir ez-Zor", tagged "Deir"
    (the NER breaks at the hyphen of an article: ez-, al-, el-). Up to four more tokens, ending on
    a capitalised word, when the longer text is a gazetteer name and no site starts there."""
    for stop in range(min(end + 4, len(doc)), end, -1):
        last = doc[stop - 1]
        if not last.text[:1].isupper() or any(a < stop and start < b for a, b in sites):
            continue
        if any(t.is_space or (t.is_punct and t.text != "-") for t in doc[end:stop]):
            continue
        if gazetteer.matches(doc[start:stop].text):
            return stop
    return end


def _is_title(doc: Doc, start: int) -> bool:
    return start > 0 and doc[start - 1].lower_.rstrip(".") in TITLE_WORDS


def _propn_run(doc: Doc, end: int) -> tuple[int, int] | None:
    """The run of capitalised proper-noun tokens ending just before ``end``, if any."""
    start = end
    while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].text[:1].isupper():
        start -= 1
    return (start, end) if start < end else None


def _context_places(
    doc: Doc, gazetteer: Gazetteer, spans: Sequence[tuple[int, int, str]], context_countries: Collection[str]
) -> list[tuple[int, int, str]]:
    """Names the NER tagged as organisations or persons, or missed, that the article itself
    makes places (the small NER model often tags "Minnesota" or "Fargo" ORG):

    - a name the article tags as a place elsewhere ("Fargo" as GPE, then "Fargo" as ORG);
    - an ORG (or a PERSON of two words or more) that names a country, or an admin-1 region of
      a country the article is about ("Tamil Nadu", "Louisiana"; not "Delta" in a US story);
    - a dateline: capitals opening a sentence before a comma, dash or bracket ("BEIRUT (AP) -");
    - a town before ", <state or country>" that holds a town of that name ("Mansfield, Ohio").

    A name after a title ("Mr. Jackson", "Sheriff Mansfield") is never taken.
    """
    taken = [(start, end) for start, end, _ in spans]
    found: list[tuple[int, int, str]] = []

    def free(span: tuple[int, int]) -> bool:
        return not any(_overlaps(span, other) for other in (*taken, *[(s, e) for s, e, _ in found]))

    def add(start: int, end: int) -> None:
        generic = doc[start:end].text.lower() in GENERIC_WORDS  # "the Centre" (a government), "West"
        if start < end and free((start, end)) and not _is_title(doc, start) and not generic:
            found.append((start, end, "context"))

    for sent in doc.sents:  # datelines
        start = sent.start
        while start < sent.end and doc[start].is_space:
            start += 1
        end = start
        while end < sent.end and doc[end].is_alpha and doc[end].is_upper and len(doc[end]) > 1:
            end += 1
        if (
            start < end < sent.end
            and doc[end].text in DATELINE_ENDS
            and len(doc[start:end].text) > 2
            and gazetteer.matches(doc[start:end].text)
        ):
            add(start, end)
    for start, end, _ in (*spans, *found):  # "Fargo, North Dakota"
        if start < 2 or doc[start - 1].text != ",":
            continue
        regions = [p for _, p in gazetteer.ranked(doc[start:end].text) if p.feature in ("admin1", "country")]
        run = _propn_run(doc, start - 1)
        if not regions or run is None:
            continue
        town = doc[run[0] : run[1]].text
        if any(p.feature == "city" and p.country == r.country and _within(p, r) for _, p in gazetteer.ranked(town) for r in regions) or any(
            gazetteer.town_in(town, r) for r in regions
        ):
            add(*run)

    named = [(start, end) for start, end, source in (*spans, *found) if source in ("ner", "site", "context")]
    known = {name for name in (fold_name(doc[start:end].text) for start, end in named) if gazetteer.matches(name)}
    countries = set(context_countries)
    for name in known:
        rows = gazetteer.ranked(name)
        if rows and rows[0][1].country:
            countries.add(rows[0][1].country)
    for ent in doc.ents:  # ORG or PERSON entities
        if ent.label_ not in ("ORG", "PERSON"):
            continue
        start = ent.start + (doc[ent.start].lower_ == "the")
        text = doc[start : ent.end].text
        if start >= ent.end or not text[:1].isupper():
            continue
        if fold_name(text) in known:
            add(start, ent.end)
            continue
        if ent.label_ == "PERSON" and ent.end - start < 2:
            continue
        rows = gazetteer.ranked(text, context_countries=countries)
        if rows and (rows[0][1].feature == "country" or (rows[0][1].feature == "admin1" and rows[0][1].country in countries)):
            add(start, ent.end)
    for token in doc:  # untagged names
        if token.ent_type_ or token.pos_ != "PROPN" or not token.text[:1].isupper():
            continue
        if token.i + 1 < len(doc) and doc[token.i + 1].pos_ == "PROPN" and not doc[token.i + 1].ent_type_:
            continue  # not the end of the run
        run = _propn_run(doc, token.i + 1)
        if run and fold_name(doc[run[0] : run[1]].text) in known:
            add(*run)
    return found


def _name_span(doc: Doc, token: Token) -> tuple[int, int] | None:
    """The proper name headed by ``token``: its entity, or its run of proper nouns."""
    if token.ent_type_:
        for ent in doc.ents:
            if ent.start <= token.i < ent.end:
                start = ent.start + (doc[ent.start].text.lower() == "the")
                return (start, ent.end) if start < ent.end else None
    if token.pos_ != "PROPN":
        return None
    return _proper_run(doc, token)


def _proper_run(doc: Doc, token: Token) -> tuple[int, int]:
    """``token`` and the proper nouns right before it that hang on it ("Tuz Khurmatu")."""
    start = token.i
    while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].head.i == token.i:
        start -= 1
    return start, token.i + 1


def _coded_tokens(doc: Doc) -> tuple[set[int], set[int]]:
    """Tokens of the actor mentions the actor stage coded (a code or a sector), and of those the
    coded persons, groups and IGOs: names the toponym rules leave alone."""
    mentions = (doc._.dyads_mentions or []) if Doc.has_extension("dyads_mentions") else []
    coded = [m for m in mentions if m.actor.code or m.actor.sectors]
    bodies = {i for m in coded if m.kind in ("person", "group", "igo") for i in range(m.start, m.end)}
    return {i for m in coded for i in range(m.start, m.end)}, bodies


def _named_places(doc: Doc, taken: Sequence[tuple[int, int]], *, coded: set[int], cased: bool) -> list[tuple[int, int, str]]:
    """Names the NER tagged PERSON/ORG/NORP (or missed) that the words around make places:
    under "in"/"at"/"inside"... ("in Tuz Khurmatu"; an organisation there only when the actor
    stage coded no actor in it: "in Kfar Darom", not "at the United Nations"), after "<place noun> of" ("the town of
    Mrkonjic Grad", "the settlements of Jobar and Maharda"), before a place noun ("Nwonko
    village", "the Hama countryside", "the Sufa checkpoint") or with one in apposition
    ("Miringa, a village in Biu")."""
    found: list[tuple[int, int, str]] = []
    heads: set[int] = set()  # the head words of the names found: a name listed with one is a place too
    for token in doc:
        if token.pos_ != "PROPN" or (token.ent_type_ and token.ent_type_ not in NAME_LABELS):
            continue
        head = token.head
        placed = (
            (token.dep_ == "conj" and head.i in heads)  # "the settlements of Jobar and Maharda"
            or (token.dep_ == "pobj" and _names_ground(head, token) and (token.ent_type_ != "ORG" or token.i not in coded))
            or (token.dep_ == "pobj" and head.text.lower() == "of" and head.head.lower_ in _OF_PLACE_NOUNS and head.head.is_lower)
            # "Nwonko village"; "the Idlib and Hama governorates" (the list runs up to the noun)
            or (token.dep_ in ("compound", "amod", "nmod") and head.lower_ in PLACE_NOUNS and head.is_lower and token.right_edge.i == head.i - 1)
            or _names_facility(token)
            or any(c.dep_ == "appos" and c.is_lower and c.lower_ in PLACE_NOUNS for c in token.children)  # "Miringa, a village in Biu"
        )
        if not placed:
            continue
        span = _name_span(doc, token)
        if span is None or any(_overlaps(span, other) for other in (*taken, *[(s, e) for s, e, _ in found])):
            continue
        if _is_title(doc, span[0]) or not _name_like(doc[span[0] : span[1]], cased=cased):
            continue  # "near Mr. Kakata", "at 3 A.M."
        found.append((span[0], span[1], "named"))
        heads.add(token.i)
    return found


def _names_ground(prep: Token, name: Token) -> bool:
    """A preposition whose object, a name, is a place: in / at / near / into..., and "on" after an
    attack noun ("an army attack on al-Latmana"; not "on Monday", "on the issue", nor a person:
    "the attack on the Skripals")."""
    if prep.lower_ in NAME_PREPS:
        return True
    return prep.lower_ == "on" and prep.head.lemma_.lower() in ASSAULT_NOUNS and name.ent_type_ != "PERSON"


def _names_facility(token: Token) -> bool:
    """A name before a common noun of a built or bounded place, with at most one lower-case word
    between: "the Sufa checkpoint", "Siinaay junction", "the Balata refugee camp"."""
    head = token.head
    if token.dep_ not in ("compound", "nmod") or not head.is_lower or head.pos_ != "NOUN" or not 0 < head.i - token.i <= 2:
        return False
    between = token.doc[token.i + 1 : head.i]
    return head.lower_ in FACILITY_NOUNS and all(t.is_lower and t.head.i == head.i and t.dep_ in ("compound", "amod") for t in between)


#: lower-case nouns of built or bounded places that a name before them names ("the Sufa checkpoint");
#: narrower than FACILITY_WORDS, which ends a name: no "office", "border", "capital" or "north"
#: here ("the Reuters office", "the Iraq border" name no place of their own)
FACILITY_NOUNS = frozenset({
    "checkpoint", "junction", "camp", "base", "commune", "crossing", "neighborhood", "neighbourhood", "district",
    "village", "town", "square", "market", "hospital", "mosque", "church", "prison", "jail", "airport", "port",
    "stadium", "hotel", "bridge", "road", "highway", "station", "refinery", "dam", "barracks", "compound",
    "quarter", "suburb", "township", "valley", "field", "fields", "mountain", "mountains", "hill", "area",
    "region", "province", "governorate", "county", "park",
})  # fmt: skip


#: verbs whose object is ground taken, held, entered or struck: "patrolled Kakata", "captured Rutshuru"
TERRITORY_VERBS = frozenset({
    "patrol", "capture", "recapture", "seize", "retake", "enter", "occupy", "besiege", "storm", "overrun",
    "liberate", "evacuate", "shell", "bomb", "invade", "raid", "control", "encircle", "surround", "reach",
    "target", "attack", "strike", "hit",
})  # fmt: skip
#: of those, the verbs whose object is ground and never a person: a name no gazetteer holds is a
#: place there too ("stormed Najarah", "entered Zabdeen"; not "captured Schalit")
GROUND_VERBS = frozenset({
    "patrol", "recapture", "retake", "enter", "occupy", "besiege", "storm", "overrun", "liberate", "shell",
    "bomb", "invade", "encircle",
})  # fmt: skip
#: what else a name may be tagged and still be a place the gazetteer knows (never a date or a number;
#: NORP only under a place preposition or a place noun's "of": "the southern sector of Aleppo")
_RETAGGED = frozenset({"", "ORG", "PERSON", "PRODUCT", "LANGUAGE", "WORK_OF_ART", "EVENT", "LAW", "FAC", "LOC", "GPE"})
#: "<direction> of" names a place after it: "northeast of Karmah", "south west of Mallah"
COMPASS_WORDS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"})
#: nouns whose apposition names a place: "the capital, Bujumbura", "a Brooklyn neighborhood, Canarsie"
_APPOSED_NOUNS = PLACE_NOUNS | {"capital"}
#: nouns whose "of" phrase names a place: "the town of Barentu", "the streets of Mbabane"
_OF_PLACE_NOUNS = PLACE_NOUNS | COMPASS_WORDS | {
    "streets", "capital", "settlement", "settlements", "sector", "stronghold", "perimeter",
    "hometown", "mountaintop", "hilltop", "slope", "slopes", "part", "parts", "corridor", "vicinity", "farms",
    "environs", "heart", "centre", "center", "edge", "entrance", "periphery",
}  # fmt: skip
#: last words that make a capitalised name a place even when no gazetteer holds it ("Minya University",
#: "the Heart Hospital", "Dahiyat Al-Assad Suburb", "Bama Town")
FACILITY_WORDS = PLACE_NOUNS | STRUCTURE_NOUNS | {
    "quarter", "farms", "fields", "stadium", "road", "highway", "checkpoint", "station", "junction", "gorge",
    "township", "refinery", "plant", "dam", "barracks", "academy", "college", "hotel", "cathedral", "temple",
}  # fmt: skip


def _known_places(
    doc: Doc, gazetteer: Gazetteer, taken: Sequence[tuple[int, int]], *, coded: set[int], bodies: set[int], cased: bool
) -> list[tuple[int, int, str]]:
    """Names the gazetteer holds that the NER tagged as something else (an organisation, a person,
    even a language) or missed, where the grammar makes them ground: under a place preposition
    ("in central Harare", "the streets of Mbabane"), the object of a verb of territory
    ("patrolled Kakata", "captured Rutshuru"), or in apposition to "capital" or a place noun ("the
    capital, Bujumbura"); also after "of" and any common noun ("the mayor of Jaffna") and as the
    subject of a passive verb of territory ("Jaffna was captured"). A name no gazetteer holds is
    kept there (source ``named``, a place without coordinates, for event location only) when its
    last word names a built or bounded place ("stormed the Heart Hospital", "at Minya
    University") or whose first word begins Arabic, Hebrew and Kurdish place names ("captured
    Jabal al-Sayyid": PLACE_PREFIXES), and as the object of a verb whose object is always ground
    ("stormed Najarah": GROUND_VERBS; "captured Birao" only when tagged an organisation). An
    entity that runs past a known name gives the name ("attacks on Aleppo for the ninth
    consecutive day"). A name in which the actor stage coded a person, group or IGO is left
    alone, as is one after a title."""
    found: list[tuple[int, int, str]] = []
    for token in doc:
        verb = token.head.lemma_.lower()
        if token.dep_ == "dobj" and (
            (verb in GROUND_VERBS and token.ent_type_ in ("", "PERSON", "ORG", "GPE", "LOC", "FAC"))
            or (verb in ("capture", "seize") and token.ent_type_ == "ORG")  # "captured Birao"; a person is tagged one
        ):
            span = _name_span(doc, token) if token.pos_ == "PROPN" and token.text[:1].isupper() else None
            if span is not None and not any(_overlaps(span, other) for other in (*taken, *[(a, b) for a, b, _ in found])):
                if not _is_title(doc, span[0]) and not any(i in bodies for i in range(*span)) and _name_like(doc[span[0] : span[1]], cased=cased):
                    found.append((span[0], span[1], "known" if gazetteer.matches(doc[span[0] : span[1]].text) else "named"))
                    continue  # "stormed Najarah", "entered Zabdeen": ground, whether a table holds it or not
        norp = token.ent_type_ == "NORP"  # "the southern sector of Aleppo", tagged a nationality
        if token.pos_ != "PROPN" or not token.text[:1].isupper() or (token.ent_type_ not in _RETAGGED and not norp):
            continue
        head = token.head
        of_place = head.lower_ == "of" and head.head.lower_ in _OF_PLACE_NOUNS  # "the streets of Mbabane"
        placed = token.dep_ == "pobj" and (head.lower_ in PLACE_PREPS or of_place)
        # "the first elected mayor of Jaffna": a known place after "of" and a common noun
        of_noun = token.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN" and head.head.is_lower
        taken_ground = head.lemma_.lower() in TERRITORY_VERBS
        ground = placed or (not norp and of_noun) or (
            not norp
            and (
                (token.dep_ == "dobj" and taken_ground)
                or (token.dep_ == "nsubjpass" and taken_ground)  # "Kisangani was captured"
                or (token.dep_ == "appos" and head.lower_ in _APPOSED_NOUNS)
            )
        )
        if not ground:
            continue
        span = _name_span(doc, token)
        if span is None:
            continue
        run = _proper_run(doc, token)  # "attacks on Aleppo for the ninth consecutive day", one WORK_OF_ART entity
        if _runs_past(doc, span, run) and not _known_name(doc, span, gazetteer, cased) and _known_name(doc, run, gazetteer, cased):
            span = run
        if any(_overlaps(span, other) for other in (*taken, *[(a, b) for a, b, _ in found])):
            continue
        if _is_title(doc, span[0]) or any(i in bodies for i in range(*span)) or not _name_like(doc[span[0] : span[1]], cased=cased):
            continue  # a person, group or IGO the actor stage coded ("Jaffna was captured": an uncoded PERSON)
        if any(doc[i].ent_type_ not in _RETAGGED and not (norp and doc[i].ent_type_ == "NORP") for i in range(*span)):
            continue
        if gazetteer.matches(doc[span[0] : span[1]].text):
            found.append((span[0], span[1], "known"))
        elif not norp and span[1] - span[0] > 1 and (doc[span[1] - 1].lower_ in FACILITY_WORDS or _place_prefixed(doc[span[0] : span[1]])):
            found.append((span[0], span[1], "named"))
    return found


#: first words of Arabic, Hebrew and Kurdish place names ("Jabal al-Sayyid", "Kafr Nabl", "Tal Abyad",
#: "Deir Hafer", "Ain Issa"): a name that opens with one is a place
PLACE_PREFIXES = frozenset({
    "jabal", "jebel", "jabel", "tal", "tel", "tell", "kafr", "kfar", "deir", "dayr", "ain", "ein", "bir", "beit",
    "bayt", "khirbet", "khirbat", "wadi", "ras", "marj", "qasr", "nahr", "jisr", "souq", "suq",
})  # fmt: skip


def _place_prefixed(span: TokenSpan) -> bool:
    """Whether a name opens with one of PLACE_PREFIXES ("Jabal al-Sayyid", "Tal-Abyad")."""
    return span[0].lower_.split("-")[0] in PLACE_PREFIXES


#: words that name a kind of place or body, never one place ("University", "Centre", "Road")
_KIND_WORDS = FACILITY_WORDS | GENERIC_WORDS


def _runs_past(doc: Doc, entity: tuple[int, int], run: tuple[int, int]) -> bool:
    """Whether an entity runs on past a proper name into lower-case words ("Aleppo for the ninth
    consecutive day"); not "Loop 286", nor a body named after its kind ("the University of Iowa",
    "the Centre for Trade")."""
    inside = entity[0] <= run[0] and run[1] < entity[1]
    return inside and doc[run[1]].is_lower and doc[run[1] - 1].lower_ not in _KIND_WORDS


def _known_name(doc: Doc, span: tuple[int, int], gazetteer: Gazetteer, cased: bool) -> bool:
    """Whether tokens ``span`` look like a name and the gazetteer holds it."""
    return _name_like(doc[span[0] : span[1]], cased=cased) and bool(gazetteer.matches(doc[span[0] : span[1]].text))


def _capitalised_nouns(doc: Doc, gazetteer: Gazetteer, taken: Sequence[tuple[int, int]], *, coded: set[int]) -> list[tuple[int, int, str]]:
    """Known place names the tagger called common nouns or adjectives, capitalised inside the
    sentence, after a place preposition ("a boy in Durres") or right before a place noun ("the
    southern Aleppo districts"); only names the gazetteer holds."""
    found: list[tuple[int, int, str]] = []
    for token in doc:
        if token.pos_ not in ("NOUN", "ADJ") or token.ent_type_:
            continue
        head = token.head
        before_noun = token.dep_ in ("amod", "compound") and head.i == token.i + 1 and head.lower_ in PLACE_NOUNS
        if not (token.dep_ == "pobj" and head.lower_ in PLACE_PREPS) and not before_noun:
            continue
        if not token.is_title or token.is_sent_start or token.i in coded or any(_overlaps((token.i, token.i + 1), t) for t in taken):
            continue
        if gazetteer.matches(token.text):
            found.append((token.i, token.i + 1, "known"))
    return found


def _missed_places(doc: Doc, taken: Sequence[tuple[int, int]], *, cased: bool) -> list[tuple[int, int, str]]:
    """Proper nouns after a place preposition that the NER missed or called NORP ("in Aleppo")."""
    found: list[tuple[int, int, str]] = []
    for token in doc:
        if token.pos_ != "PROPN" or token.dep_ != "pobj" or token.head.text.lower() not in PLACE_PREPS:
            continue
        start = token.i
        while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].head.i == token.i:
            start -= 1
        span = (start, token.i + 1)
        if any(_overlaps(span, other) for other in taken):
            continue
        if any(t.ent_type_ and t.ent_type_ != "NORP" for t in doc[span[0] : span[1]]):
            continue
        if not _name_like(doc[span[0] : span[1]], cased=cased):
            continue  # "turned out to march", "at 3 A.M.", "in Sarmin,#Idlib pic.twitter.com/..."
        found.append((span[0], span[1], "gazetteer"))
    return found


def _cased(doc: Doc) -> bool:
    """Whether the text is written with capitals (some feeds send news all in lower case, but for
    a stray capitalised word): at least half of its first 20 sentences open with a capital."""
    firsts = []
    for sentence in doc.sents:
        first = next((t for t in sentence if t.is_alpha), None)
        if first is not None:
            firsts.append(first.text[:1].isupper())
        if len(firsts) == 20:
            break
    return not firsts or 2 * sum(firsts) >= len(firsts)


def _name_like(span: TokenSpan, *, cased: bool) -> bool:
    """Whether words the tagger called proper nouns can be a place name: a capitalised last word
    ("east Aleppo" is one) unless the text is in lower case (``cased`` False: "in ayodhya"), longer than one
    letter, no bare direction, clock time, hashtag, handle or link."""
    text = span.text
    if len(text) < 2 or (not span[-1].text[:1].isupper() and cased):
        return False
    if text.lower().replace(".", "") in ("am", "pm") or text.lower() in COMPASS_WORDS:
        return False  # "at 3 A.M.", "set foot in the South" (Korea's, not Cameroon's South region)
    return not any(mark in text for mark in ("#", "@", "/", "http"))


def _resolve_all(
    gazetteer: Gazetteer, texts: Sequence[str], extra_context: Collection[str]
) -> dict[str, Location | None]:
    """Resolve distinct names twice: alone, then with the other names' countries (and the
    admin-1 regions among them) as context. Names keep their text order (not a set's, which
    changes with the process's hash seed): later steps take the first region that fits."""
    first = {text: gazetteer.resolve(text, context_countries=extra_context) for text in dict.fromkeys(texts)}
    resolved: dict[str, Location | None] = {}
    for text in first:
        context = set(extra_context)
        context.update(loc.country for other, loc in first.items() if other != text and loc and loc.country)
        regions = {loc.name for other, loc in first.items() if other != text and loc and loc.feature == "admin1"}
        resolved[text] = gazetteer.resolve(text, context_countries=context, context_regions=regions)
    return resolved


def _actor_context(doc: Doc, spans: Sequence[tuple[int, int, str]], context_countries: Collection[str]) -> set[str]:
    """The context countries, less those that the coded actors found only in the place names
    themselves: "Georgia" coded as the country must not vote for the country when "Georgia" is
    resolved (the names' own countries count anyway, for the other names). Without coded actors
    on the doc the context is kept as given."""
    mentions = doc._.dyads_mentions if Doc.has_extension("dyads_mentions") else None
    if not mentions:
        return set(context_countries)
    outside = {
        m.actor.code
        for m in mentions
        if not any(m.start < end and start < m.end for start, end, _ in spans)
    }
    return {country for country in context_countries if country in outside or not any(m.actor.code == country for m in mentions)}


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
    spans = _candidate_spans(doc, gazetteer, context_countries)
    lookups = [_lookup_text(doc, start, end, source) for start, end, source in spans]
    context_countries = _actor_context(doc, spans, context_countries)
    resolved = _resolve_all(gazetteer, lookups, context_countries)
    resolved.update(_qualified(doc, spans, lookups, gazetteer, context_countries))
    resolved.update(_listed_regions(doc, spans, lookups, resolved, gazetteer))
    resolved.update(_regional_towns(spans, lookups, resolved, gazetteer))
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
    if all(t.i in token_countries for t in span):
        return False
    if root.ent_type_ == "NORP" and (root.pos_ != "PROPN" or _place_noun(root) is None):
        return False  # a proper noun a place noun names stays: "the village of Sharifah", tagged NORP
    if source in ("ner", "named"):
        return True
    return source == "gazetteer" and not root.ent_type_ and _names_ground(root.head, root)


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
            ] or list(filter(None, [gazetteer.town_in(town, region)]))  # a small town: "Allendale, N.J."
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


def _regional_towns(
    spans: Sequence[tuple[int, int, str]],
    lookups: Sequence[str],
    resolved: Mapping[str, Location | None],
    gazetteer: Gazetteer,
) -> dict[str, Location]:
    """A name tagged as a place that the main table lacks is a small town (1,000-15,000 people)
    of that name in a region the article names: "Cottonport" in a story that names Louisiana."""
    regions = [loc for loc in resolved.values() if loc is not None and loc.feature == "admin1"]
    found: dict[str, Location] = {}
    if not regions:
        return found
    for (_, _, source), lookup in zip(spans, lookups):
        if source not in ("ner", "named") or resolved.get(lookup) is not None or lookup in found:
            continue
        town = next(filter(None, (gazetteer.town_in(lookup, region) for region in regions)), None)
        if town is not None:
            found[lookup] = town.location()
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


def _names_the_unit(before: Toponym, after: Toponym, noun: str = "") -> bool:
    """In "the X <place noun> of Y", True when X names the unit and Y is the larger place that
    holds it ("the al-Tarikh area of Jiddah", "the Semdinli district of Hakkari province");
    False when Y names it and X holds it ("the West Bank town of Bethlehem", "the Homs
    neighbourhood of Baba Amr"). The noun decides when it names the kind of one of them and not
    of the other ("the East Ghouta region of rural Damascus": a region, East Ghouta); else the
    larger kind of place holds the other; a tie keeps Y, and so does a common word before the
    noun ("the highland city of Huancayo")."""
    if before.text.islower():
        return False
    kinds = _NOUN_KINDS.get(noun, frozenset())
    known = "unknown" not in (before.location.feature, after.location.feature)  # "the Vedeno region of Chechnya": unknown Vedeno
    if known and (before.location.feature in kinds) != (after.location.feature in kinds):
        return before.location.feature in kinds
    return _unit_rank(after) > _unit_rank(before)


#: how large a place the gazetteer lacks is, from the last word of its name ("Wardag Province")
_NAMED_RANK = {
    "province": 4.0, "governorate": 4.0, "state": 4.0, "region": 4.0, "district": 3.5, "county": 3.5,
    "municipality": 3.5, "city": 3.0, "town": 3.0, "village": 2.5,
}  # fmt: skip


def _unit_rank(top: Toponym) -> float:
    """UNIT_RANK of a toponym's kind; for an unknown place, what its name's last word says."""
    if top.location.feature == "unknown":
        return _NAMED_RANK.get(top.text.split()[-1].lower(), 1.0) if top.text.split() else 1.0
    return UNIT_RANK.get(top.location.feature, 1)


#: the kinds of place a place noun names: "the X region of Y" names a region
_NOUN_KINDS = {
    "region": frozenset({"region", "admin1"}), "province": frozenset({"admin1"}), "governorate": frozenset({"admin1"}),
    "state": frozenset({"admin1"}), "city": frozenset({"city"}), "town": frozenset({"city"}),
}  # fmt: skip


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
        if root.dep_ != "poss" and _names_the_unit(top, toponyms[target], root.head.lower_):
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
