"""The places an event may have happened in, each described by features for the learned chooser.

For one coded event the candidates are: "no place" (always first), every toponym of the event's
sentence (a place that owns a non-place, "Algeria's security forces", which the hand rules never
choose, marked ``affiliation`` with the word it owns: "Turkey's highest court" is where), and
the country a target names as a whole ("attacked his country") when the rules find one. Each
candidate carries a sparse feature map (name -> value) read off the already-parsed Doc: the
dependency path from the trigger, the preposition that governs the name, distance and order, the
entity label and the gazetteer kind, whether it is an actor's span or an actor's country, what the
hand rules (:mod:`dyads.geo.choose`) score and choose, and, on the "no place" candidate, facts of
the sentence and the event (how many places it names, the event's class). See docs/places.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from spacy.tokens import Doc, Token

from dyads.geo.choose import (
    ACTOR_SCORE,
    DATELINE_ENDS,
    PLACE_NOUNS,
    UNIT_RANK,
    Choice,
    Toponym,
    _common_ancestor,
    _event_clause,
    _path_up,
    _score,
    is_affiliation,
)
from dyads.records import Event, Location
from dyads.stages.extensions import trigger_token

#: prepositions named one by one in the features; any other is "prep:other"
KNOWN_PREPS = frozenset(
    {"in", "at", "near", "on", "from", "to", "into", "across", "throughout", "inside", "outside", "around", "over",
     "along", "against", "with", "by", "of", "for", "between", "after", "toward", "towards", "within", "off"}
)
#: dependency labels of a toponym's head named one by one; any other is "dep:other"
KNOWN_DEPS = frozenset(
    {"pobj", "nsubj", "nsubjpass", "dobj", "compound", "poss", "appos", "conj", "npadvmod", "nmod", "amod", "ROOT", "attr"}
)
#: clause-forming labels: a path through one leaves the trigger's own clause
CLAUSE_DEPS = ("relcl", "ccomp", "advcl", "acl", "conj", "xcomp", "parataxis", "appos")
TRIGGER_DEPS = frozenset({"ROOT", "ccomp", "advcl", "xcomp", "conj", "relcl", "acl", "pcomp", "dobj", "nsubj", "pobj"})
NONE = "none"


class PlaceCandidate(NamedTuple):
    """One answer to "where did this event happen": a place (or None) and its features."""

    location: Location | None
    features: dict[str, float]
    kind: str  # "none", "sentence" (a toponym of the sentence) or "target-actor" (a country named as a whole)


def _bucket(value: int, top: int) -> str:
    return str(value) if value < top else f"{top}+"


def _common(token: Token) -> bool:
    """A word that may name a feature: never a proper noun (no weight is ever keyed on a name)."""
    return token.pos_ != "PROPN" and token.ent_type_ not in ("GPE", "LOC", "FAC", "PERSON", "ORG", "NORP")


def _spans(actors: Sequence) -> list[tuple[int, int]]:
    return [(a.span.start, a.span.end) for a in actors if a.span is not None]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _same_span(location: Location | None, start: int, end: int) -> bool:
    return location is not None and location.span is not None and (location.span.start, location.span.end) == (start, end)


def _toponym_features(
    doc: Doc, event: Event, top: Toponym, trigger: Token, inside: Sequence[Toponym], actor_spans: Sequence[tuple[int, int]]
) -> dict[str, float]:
    scored = _score(doc, top, trigger, actor_spans, inside)
    root = doc[top.start : top.end].root
    lca = _common_ancestor(root, trigger)
    path = _path_up(root, lca)
    down = _path_up(trigger, lca)  # from the trigger up to the common ancestor
    preps = [t for t in path if t.dep_ in ("prep", "agent")]
    first = next((p for p in preps if p.lower_ != "of"), None)
    word = first.lower_ if first is not None else NONE
    span = (top.start_char, top.end_char)
    features: dict[str, float] = {
        "cand": 1.0,
        f"prep:{word if word in KNOWN_PREPS or word == NONE else 'other'}": 1.0,
        f"dep:{root.dep_ if root.dep_ in KNOWN_DEPS else 'other'}": 1.0,
        f"ent:{root.ent_type_ or NONE}": 1.0,
        f"src:{top.source}": 1.0,
        f"kind:{top.location.feature}": 1.0,
        "path_len": min(len(path), 8) / 8,
        "down_len": min(len(down), 6) / 6,
        "distance": min(abs(root.i - trigger.i), 30) / 30,
        "before": float(root.i < trigger.i),
        "rules_score": 0.0 if scored.actor else max(-4.0, min(scored.score, 5.0)) / 5,
        "rules_actor": float(scored.actor or scored.score <= ACTOR_SCORE),
        "rules_launch": float(scored.launch),
        "rules_outside": float(scored.outside),
        "rules_locative": float(scored.locative),
        "in_source": float(any(_overlaps(span, s) for s in _spans(event.sources))),
        "in_target": float(any(_overlaps(span, s) for s in _spans(event.targets))),
        "unknown_country": float(top.location.country is None),
    }
    if top.start > 0 and _common(doc[top.start - 1]):
        features[f"prev_word:{doc[top.start - 1].lower_}"] = 1.0  # "northern X", "the X", "of X"
    if top.end < len(doc) and _common(doc[top.end]):
        features[f"next_word:{doc[top.end].lower_}"] = 1.0  # "X province", "X 's", "X ,"
    if _common(trigger):
        features[f"prep_trigger:{word}:{trigger.lemma_.lower()}"] = 1.0  # "killed in", "met in", "visited"
    if lca.i != trigger.i and _common(lca):
        features[f"lca_word:{lca.lemma_.lower()}"] = 1.0  # the word both hang from: "said", "after", "and"
    if lca.i == trigger.i:
        features["lca:trigger"] = 1.0
    elif lca.i == trigger.head.i:
        features["lca:head"] = 1.0
    elif lca.i in _event_clause(trigger):
        features["lca:clause"] = 1.0
    else:
        features["lca:other"] = 1.0
    if first is not None:
        if first.head.i == trigger.i:
            features["attach:trigger"] = 1.0
        elif first.head.head.i == trigger.i:
            features[f"attach:object:{first.head.dep_ if first.head.dep_ in ('dobj', 'nsubj', 'nsubjpass', 'pobj') else 'other'}"] = 1.0
        elif first.head.pos_ in ("NOUN", "PROPN"):
            features["attach:noun"] = 1.0
        elif first.head.pos_ in ("VERB", "AUX"):
            features["attach:verb"] = 1.0
        features[f"prep_attach:{word if word in KNOWN_PREPS else 'other'}:{'trigger' if first.head.i == trigger.i else 'else'}"] = 1.0
        if first.head.i != trigger.i and _common(first.head):
            features[f"attach_word:{first.head.lemma_.lower()}"] = 1.0  # "clashes in X", "rally in X", "embassy in X"
    elif root.head.i != root.i and _common(root.head):
        features[f"head_word:{root.head.lemma_.lower()}"] = 1.0  # "X province", "X's forces", "Mayor of X"
    for dep in CLAUSE_DEPS:
        if any(t.dep_ == dep for t in path):
            features[f"path:{dep}"] = 1.0
        if any(t.dep_ == dep for t in down):
            features[f"down:{dep}"] = 1.0
    if any(t.lower_ in PLACE_NOUNS for t in path) or (root.head.lower_ in PLACE_NOUNS and root.head.i != trigger.i):
        features["place_noun"] = 1.0
    countries = {
        "source_country": {a.code for a in event.sources if a.code},
        "target_country": {a.code for a in event.targets if a.code},
    }
    for name, codes in countries.items():
        if top.location.country and top.location.country in codes:
            features[name] = 1.0
    sent_start = next((t.i for t in doc[top.start].sent if not t.is_space), top.start)
    if top.start == sent_start and top.end < len(doc) and doc[top.end].text in DATELINE_ENDS:
        features["dateline"] = 1.0
    if root.dep_ == "pobj" and root.head.dep_ == "prep" and root.head.head.dep_ == "pobj":
        features["nested_pp"] = 1.0  # "in the village of X near Y"
    return features


def event_candidates(
    doc: Doc,
    event: Event,
    toponyms: Sequence[Toponym],
    *,
    rules: Choice,
    rules_location: Location | None,
    target_country: Location | None = None,
) -> list[PlaceCandidate]:
    """The candidates for ``event``: "no place" first, then its sentence's toponyms, then the
    country a target names as a whole (``target_country``, when the rules found one).

    ``rules`` is the hand rules' choice among the sentence's toponyms and ``rules_location``
    their final answer (the choice, else a target-actor place): both are features."""
    trigger = trigger_token(doc, event)
    # a place that owns a non-place ("Algeria's security forces") usually names an affiliation, but
    # "Turkey's highest court", "London's transit system" are where: a candidate with what it owns
    inside = [t for t in toponyms if t.start_char >= event.sentence.start and t.end_char <= event.sentence.end]
    none_features: dict[str, float] = {
        f"none:quad:{event.quad_class}": 1.0,
        f"none:root:{event.cameo_code[:2]}": 1.0,
        f"none:candidates:{_bucket(len(inside) + (target_country is not None), 4)}": 1.0,
        "none:statement": float(event.statement_only),
        "none:rules_none": float(rules_location is None),
        "none:has_date_phrase": float(event.date is not None and event.date.span is not None),
        "none:status_asserted": float(event.attribution.status == "asserted"),
    }
    if trigger is not None:
        none_features[f"none:trigger_dep:{trigger.dep_ if trigger.dep_ in TRIGGER_DEPS else 'other'}"] = 1.0
        none_features[f"none:trigger_pos:{trigger.pos_}"] = 1.0
        if _common(trigger):
            none_features[f"none:trigger:{trigger.lemma_.lower()}"] = 1.0
        none_features["none:passive"] = float(any(c.dep_ in ("nsubjpass", "auxpass") for c in trigger.children))
        for child in trigger.children:  # "captured the attention", "shot back", "was shot on location": no act at a place
            if child.dep_ in ("dobj", "nsubjpass") and _common(child):
                none_features[f"none:object:{child.lemma_.lower()}"] = 1.0
            elif child.dep_ == "prt":
                none_features[f"none:particle:{child.lower_}"] = 1.0
    sentence_events = [e for e in (doc._.dyads_events or []) if e.sentence_index == event.sentence_index]
    none_features[f"none:events:{_bucket(len(sentence_events), 3)}"] = 1.0
    none_features["none:first_event"] = float(bool(sentence_events) and sentence_events[0] is event)
    candidates = [PlaceCandidate(None, none_features, NONE)]
    if trigger is None:
        return candidates
    actor_spans = _spans([*event.sources, *event.targets])
    rows: list[tuple[Toponym, dict[str, float]]] = []
    for top in inside:
        features = _toponym_features(doc, event, top, trigger, inside, actor_spans)
        if is_affiliation(doc, top):
            owned = doc[top.start : top.end].root.head
            features["affiliation"] = 1.0
            features[f"owned:{owned.lemma_.lower() if _common(owned) else 'name'}"] = 1.0
        if _same_span(rules.location, top.start_char, top.end_char):
            features["rules_pick"] = 1.0
        elif _same_span(rules_location, top.start_char, top.end_char):
            features["rules_target_pick"] = 1.0
        if _same_span(rules.launch_site, top.start_char, top.end_char):
            features["rules_launch_site"] = 1.0
        rows.append((top, features))
    for top, features in rows:  # beside a smaller or larger place of the same country ("Qamishli, Hasakah province")
        rank = UNIT_RANK.get(top.location.feature, 1)
        for other, _ in rows:
            if other is top or other.location.country != top.location.country or top.location.country is None:
                continue
            other_rank = UNIT_RANK.get(other.location.feature, 1)
            if other_rank < rank:
                features["holds_smaller"] = 1.0
            elif other_rank > rank:
                features["inside_larger"] = 1.0
    ranked = sorted(rows, key=lambda row: -row[1]["rules_score"] + 10 * row[1]["rules_actor"])
    for rank, (top, features) in enumerate(ranked):
        features[f"rank:{_bucket(rank, 2)}"] = 1.0
        features[f"many:{_bucket(len(inside), 3)}"] = 1.0
        location = top.location.model_copy(update={"span": top.span(), "derived_from": "learned"})
        candidates.append(PlaceCandidate(location, features, "sentence"))
    if target_country is not None and target_country.span is not None:
        features = {"cand": 1.0, "kind:target_country": 1.0, "rules_target_pick": float(_same_span(rules_location, target_country.span.start, target_country.span.end))}
        candidates.append(PlaceCandidate(target_country.model_copy(update={"derived_from": "learned"}), features, "target-actor"))
    return candidates
