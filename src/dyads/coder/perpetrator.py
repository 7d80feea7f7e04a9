"""Actors the event's place decides: an unnamed doer, and an ethnic minority.

News often reports an attack or an arrest without naming who carried it out: "A roadside bomb
near Mosul killed two soldiers", "Two police officers were shot dead in Peshawar", "An Italian
journalist was arrested in Egypt". CAMEO-style coding (and the PLOVER gold records) give such an
event a source all the same, from where it happened:

* violence by no one named (ASSAULT with no source, or only a weapon or an unnamed gunman as
  its doer) -> the place's country with sector ``UAF``, unidentified armed forces;
* an arrest, detention, expulsion, charge or investigation in the passive with no "by" agent
  ("was arrested in Egypt") -> the place's country: the state that holds the power to do it
  (and the place is then no target of it).

* an actor the text names but no table codes ("Prisoners rioted at a jail in Dili", "Lt. Gen.
  Prosper Avril resigned to allow Haiti's first elections") -> the country of the place its
  sentence names as the event's, else the one country its sentence names (:func:`uncoded_home`):
  news names the local actor without its nationality when the place says it.

* an ethnic group living in another state ("ethnic Albanians demonstrated in Serbia") -> the
  state where the event happened, not the group's namesake: "ethnic Albanian" names a people,
  and CAMEO codes a people by where it lives (:func:`minority_home`).

Only a place named in the event's own sentence counts (not one inherited from the article, and
not one that is the event's own actor), and the actor's span is that place name, so the
provenance stays visible.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.tokens import Doc

from dyads.actors.resolve import OTHER_SIDE_ROLES, other_side, regional
from dyads.coder.arguments import PEOPLE_NOUNS, governing_clause
from dyads.records import Actor, Event
from dyads.stages.extensions import trigger_token

#: words of an uncoded doer phrase that name a weapon or an unnamed attacker, not an actor
WEAPON_WORDS = frozenset({
    "bomb", "bombs", "bombing", "bombings", "explosion", "explosions", "blast", "blasts", "mine", "mines",
    "minefield", "device", "devices", "ied", "ieds", "shell", "shells", "shelling", "rocket", "rockets",
    "missile", "missiles", "grenade", "grenades", "mortar", "mortars", "attack", "attacks", "ambush",
    "gunfire", "gunman", "gunmen", "assailant", "assailants", "attacker", "attackers", "sniper", "snipers",
})
#: CAMEO codes of acts only a state's authorities do: investigate a crime, find guilty, seize
#: property, restrict, arrest or charge, deport, repress
STATE_ACT_PREFIXES = ("090", "091", "116", "171", "172", "173", "174", "175")
#: where the place came from: a toponym of the sentence (rules or learned chooser)
SENTENCE_PLACES = frozenset({"sentence", "learned"})


def implied_source(doc: Doc, event: Event) -> Actor | None:
    """The source an event whose doer the text leaves unnamed gets from its sentence, or None:
    the doer of an attack told in a clause on its trigger, else the one its place implies.
    It replaces the event's uncoded sources (a weapon phrase) where it is not None."""
    if any(a.code for a in event.sources):
        return None  # a coded doer
    named = _doer_of_clause(doc, event) if doc is not None and event.plover_type == "ASSAULT" and not event.sources else None
    if named is not None:
        return named  # "Three civilians were killed when Russian troops shelled Kharkiv": the shelling's doer
    place = event.location
    if place is None or place.country is None or place.span is None or place.derived_from not in SENTENCE_PLACES:
        return None
    own = _is_own_actor(event, place.span.start, place.span.end)  # "shelled Syrian villages"
    if event.plover_type == "ASSAULT" and not own and all(_weapon_phrase(a) for a in event.sources):
        # the weapon's phrase ("A roadside bomb") keeps its span; with none, the place name is the span
        weapon = event.sources[0].span if event.sources else None
        return Actor(code=place.country, sectors=["UAF"], span=weapon or place.span)
    if not event.sources and event.cameo_code.startswith(STATE_ACT_PREFIXES) and _agentless_passive(doc, event) and (
        not own or _place_only_as_target(event, place.span.start, place.span.end)
    ):
        # "was arrested in Lebanon": the state arrests; the place is no target (the caller drops it)
        return Actor(code=place.country, span=place.span)
    return None


def _doer_of_clause(doc: Doc, event: Event) -> Actor | None:
    """The coded doer of an attack told in a clause that hangs on the event's trigger ("were
    killed when Russian troops shelled the city"), as a copy; None when there is none."""
    trigger = trigger_token(doc, event)
    if trigger is None:
        return None
    clauses = [c for c in trigger.children if c.dep_ == "advcl"]
    for other in doc._.dyads_events or []:
        if other is event or other.plover_type != "ASSAULT" or not any(a.code for a in other.sources):
            continue
        token = trigger_token(doc, other)
        if token is not None and any(c.left_edge.i <= token.i <= c.right_edge.i for c in clauses):
            return next(a for a in other.sources if a.code).model_copy(deep=True)
    return None


def _place_only_as_target(event: Event, start: int, end: int) -> bool:
    """Whether every target at the place's words is the place name itself (the place-as-target
    rule's), not an actor the place only overlaps."""
    return all(a.span.start == start and a.span.end == end for a in event.targets
               if a.code and a.span is not None and a.span.start < end and start < a.span.end)


def _weapon_phrase(actor: Actor) -> bool:
    text = actor.span.text if actor.span else (actor.name or "")
    return any(word.strip(".,").lower() in WEAPON_WORDS for word in text.split())


def _agentless_passive(doc: Doc, event: Event) -> bool:
    """"was arrested in Egypt", and an event noun under such a verb ("was put under investigation")."""
    trigger = trigger_token(doc, event)
    if trigger is None:
        return False
    if trigger.pos_ in ("NOUN", "PROPN"):
        clause = governing_clause(trigger)
        if clause is None:
            return False
        trigger = clause
    deps = {child.dep_ for child in trigger.children}
    return "nsubjpass" in deps and "agent" not in deps


def _is_own_actor(event: Event, start: int, end: int) -> bool:
    return any(a.code and a.span is not None and a.span.start < end and start < a.span.end for a in event.targets)


def minority_home(event: Event) -> None:
    """Recode, in place, the event's "ethnic <people>" actors to the country the event happened
    in, where that differs from the people's namesake state ("ethnic Turks in Sweden" -> SWE)."""
    place = event.location
    if place is None or place.country is None or place.derived_from not in SENTENCE_PLACES:
        return
    for actor in [*event.sources, *event.targets]:
        text = actor.span.text.lower() if actor.span else ""
        if actor.code and actor.code != place.country and "ethnic " in text:
            actor.code = place.country


def victims_home(doc: Doc, event: Event) -> None:
    """Recode, in place, the civilians an attack strikes ("killing three civilians") to the
    country of the place it happened in, when their phrase names no country of its own and their
    code came from the article's context (the attacker's country, "Russian forces shelled the city
    of Kharkiv, killing three civilians", had made them RUS)."""
    place = event.location
    if event.quad_class != 4 or place is None or not place.country or place.span is None or place.derived_from not in SENTENCE_PLACES:
        return
    for actor in event.targets:
        if actor.code in (None, place.country) or actor.sectors != ["CVL"] or actor.span is None:
            continue
        words = doc.char_span(actor.span.start, actor.span.end, alignment_mode="expand")
        if words is not None and not any(t.ent_type_ in ("NORP", "GPE", "LOC") for t in words):
            actor.code = place.country


#: mentions whose code is a state's: the countries a sentence names, by name, capital, demonym or title
_STATE_KINDS = frozenset({"country", "capital", "person", "sector"})


def uncoded_home(doc: Doc, event: Event, *, is_country: Callable[[str], bool]) -> None:
    """Give, in place, the event's uncoded actors (a phrase with no country or group code that
    names someone, on a side where no actor is coded) the country of the event's place when its
    sentence names it, else the one country the sentence names (by name, capital, demonym or
    title; none when it names several), unless an event of the sentence targets that country as a whole."""
    uncoded = [
        a for role in (event.sources, event.targets) if not any(b.code for b in role)  # a coded one speaks for its side
        for a in role if a.span is not None and (_names_someone(doc, a) or (role is event.targets and _is_the_place(a, event)))
        and not regional(re.findall(r"[\w-]+", a.span.text))  # "the Association of African Jurists": of no one country
        and not _other_side_role(doc, a)  # "called his counterpart": not of the sentence's country
    ]
    if not uncoded:
        return
    # a country that an event of the sentence acts on as a whole is not the home of who acts:
    # "Archbishop Desmond Tutu called for sanctions against Nigeria" says nothing of Tutu's
    # country ("elders demanded that the Nigerian Interior Ministry ...", "resigned to allow
    # Haiti's first elections" do: a domestic body, a thing of the country)
    acted_on = {
        a.code for e in doc._.dyads_events or [] if e.sentence_index == event.sentence_index
        for a in e.targets if a.code and not a.sectors and a not in uncoded and _names_the_country(doc, a)
    }
    place = event.location
    code = place.country if place is not None and place.country and place.derived_from in SENTENCE_PLACES else None
    if code is None:
        named = {
            m.actor.code for m in doc._.dyads_mentions or []
            if m.kind in _STATE_KINDS and m.actor.code and is_country(m.actor.code)
            and event.sentence.start <= doc[m.start].idx < event.sentence.end and not other_side(doc, m.start, m.end)
        }
        code = named.pop() if len(named) == 1 else None
    if code in acted_on:
        return
    if code is not None:
        for actor in uncoded:
            actor.code = code


def _is_the_place(actor: Actor, event: Event) -> bool:
    """An uncoded target whose phrase holds the event's own place ("shelled the city of Kharkiv"):
    struck there, it takes that place's country, as "shelled Kharkiv" does."""
    place = event.location
    span = place.span if place is not None else None
    return span is not None and event.quad_class == 4 and actor.span.start <= span.start and span.end <= actor.span.end


def _names_the_country(doc: Doc, actor: Actor) -> bool:
    """The actor's phrase is headed by the name of its country ("against Nigeria"), not by a
    thing of the country or in it ("Haiti's first democratic elections", "a jail in Nigeria"), nor
    by a city ("East Timor's capital Dili": where the event happens)."""
    span = doc.char_span(actor.span.start, actor.span.end, alignment_mode="expand") if actor.span else None
    if span is None or len(span) == 0:
        return False
    root = span.root.i
    return any(
        m.kind == "country" and m.actor.code == actor.code and m.start <= root < m.end
        for m in doc._.dyads_mentions or []
    )


#: nouns naming an actor that no table codes: "elders", "leaders", "fundamentalists" ...
AGENT_NOUNS = frozenset({
    "elder", "elders", "leader", "leaders", "fundamentalist", "fundamentalists", "militant", "militants",
    "activist", "activists", "official", "officials", "authorities", "authority", "group", "groups", "union",
    "unions", "party", "parties", "movement", "committee", "council", "association", "students", "student",
    "doctors", "doctor", "lawyers", "lawyer", "journalists", "journalist", "clerics", "cleric", "gunmen",
    "rioters", "mob", "crowd", "crowds",
})

#: entity labels of a phrase that names someone, not a place, a date or a thing
_AGENT_ENTITIES = frozenset({"PERSON", "ORG", "NORP"})


def _other_side_role(doc: Doc, actor: Actor) -> bool:
    """The actor's phrase is headed by a role word for the other side ("his counterpart")."""
    span = doc.char_span(actor.span.start, actor.span.end, alignment_mode="expand") if actor.span else None
    return span is not None and span.root.lemma_.lower() in OTHER_SIDE_ROLES


def _names_someone(doc: Doc, actor: Actor) -> bool:
    """Whether an uncoded actor's phrase names people or a body ("Prisoners", "Lt. Gen. Prosper
    Avril", "Ibo traditional elders", a role with a sector), not a place or a thing the argument
    rules or the role head took for an actor ("the workshop gate", "a press conference", a
    dateline's "Surat")."""
    if actor.sectors:
        return True
    span = doc.char_span(actor.span.start, actor.span.end, alignment_mode="expand") if actor.span else None
    if span is None:
        return False
    return any(t.ent_type_ in _AGENT_ENTITIES or t.text.lower() in PEOPLE_NOUNS or t.text.lower() in AGENT_NOUNS for t in span)

