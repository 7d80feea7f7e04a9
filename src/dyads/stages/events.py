"""Stage ``dyads_events``: event words -> coded events with source and target actors.

Each token is looked up in the event lexicon (verbs and nouns -> CAMEO code, PLOVER type,
mode); dependency rules (:mod:`dyads.coder.arguments`) find the source and target actors
among ``doc._.dyads_mentions``; the mode (aerial, drone, firearms...) comes from the word
itself or from cue words in the sentence. Events of one sentence are in text order; the first
non-statement event is the sentence's main event, unless the classify stage moves another first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span as SpacySpan, Token

from dyads.actors import mentions_for
from dyads.coder.arguments import (
    SELF_MOVING_TYPES,
    MentionFinder,
    noun_arguments,
    purpose_targets,
    readied_against,
    subject_of,
    verb_arguments,
)
from dyads.coder.attribution import Report, reporting_above
from dyads.coder.demand import demand_code, message_report, obliged
from dyads.coder.intent import (
    ULTIMATUM_CODE,
    conditional_threat,
    conditioned_party,
    intent_code,
    promised_act,
    states_intent,
    ultimatum,
)
from dyads.ontology import LexEntry, cameo, load_lexicon, mode_for
from dyads.records import Actor, Event, Mention, Span, content_hash
from dyads.stages.extensions import doc_text, ensure_extensions

ensure_extensions()

NOUN_POS = frozenset({"NOUN", "PROPN"})
REFERRING_DETERMINERS = frozenset({"the", "this", "that", "these", "those"})
FIRING_VERBS = frozenset({"launch", "fire", "test"})
MISSILES = frozenset({"missile", "rocket", "icbm", "projectile"})
DECIDING_VERBS = frozenset({"order", "decide", "vote", "rule"})
RECIPROCAL_TYPES = frozenset({"AGREE", "CONSULT", "COOPERATE"})  # "A and B met / agreed / cooperated"
NEEDS_TARGET = frozenset({"042", "043"})  # travel and host: a visit without a place or host is no event


#: QuadClasses of material acts (2 cooperation, 4 conflict): with no other target, such an act
#: targets the place it happens in ("surrendered in Faryab province"); a statement or a verbal act
#: does not ("said in Delhi", "spoke in Moscow")
MATERIAL_QUADS = frozenset({2, 4})


def span_of(doc: Doc, start_char: int, end_char: int) -> Span:
    return Span(start=start_char, end=end_char, text=doc_text(doc)[start_char:end_char])


def coded_event(
    doc: Doc, sentence: SpacySpan, *, sentence_index: int, article_id: str, trigger: Token, code: str,
    coder: str = "lexicon-rules", **fields: Any,
) -> Event:
    """An event coded on ``trigger`` in ``sentence`` (by the rules unless ``coder`` says otherwise):
    CAMEO ``code`` with its PLOVER type, QuadClass and Goldstein score; ``fields`` are the Event's
    other fields (actors, mode ...)."""
    final = cameo(code)
    return Event(
        article_id=article_id,
        sentence_index=sentence_index,
        sentence=span_of(doc, sentence.start_char, sentence.end_char),
        trigger=token_span(trigger),
        plover_type=final.plover_type,
        cameo_code=final.code,
        quad_class=final.quad_class,
        goldstein=final.goldstein,
        coder=coder,
        **fields,
    )


def not_sources(actors: list[Actor], sources: list[Actor]) -> list[Actor]:
    """``actors`` less those coded as one of ``sources`` (same code and sectors): an event's
    targets are the other side."""
    keys = {(a.code, tuple(a.sectors)) for a in sources}
    return [a for a in actors if (a.code, tuple(a.sectors)) not in keys]


def _dropped_from_the_air(verb: Token, mode: str, code: str) -> tuple[str, str]:
    """"Russian jets bombed a hospital": bombs that aircraft drop are aerial weapons (195), not a
    bombing on the ground (183); only the doer's own words say so, not any aircraft in the sentence."""
    subject = subject_of(verb)
    if subject is None:
        return mode, code
    cue_mode, override = mode_for("ASSAULT", [t.lemma_ for t in subject.subtree])
    return (cue_mode, override) if cue_mode == "aerial" and override else (mode, code)


def _struck_place(mention: Mention) -> Mention:
    """A capital an attack strikes is the city, not the government seated there: "Russian
    missiles struck Kyiv" targets UKR, as "struck Kharkiv" does ("Kyiv condemned" is UKR GOV)."""
    if mention.kind != "capital" or "GOV" not in mention.actor.sectors:
        return mention
    sectors = [s for s in mention.actor.sectors if s != "GOV"]
    return mention.model_copy(update={"actor": mention.actor.model_copy(update={"sectors": sectors})})


def token_span(token: Token) -> Span:
    return span_of(token.doc, token.idx, token.idx + len(token.text))


def actors_of(mentions: list[Mention]) -> list[Actor]:
    """Copies of the mentions' actors, one per code + sectors + name (the first mention's span),
    without actors that carry neither a code, a sector nor a name."""
    seen: set[tuple[str | None, tuple[str, ...], str | None]] = set()
    actors: list[Actor] = []
    for mention in mentions:
        actor = mention.actor
        if not actor.code and not actor.sectors and not actor.name:
            continue  # keep named people whose country is unknown ("Ford pardoned Nixon")
        key = (actor.code, tuple(actor.sectors), actor.name if not actor.code else None)
        if key not in seen:
            seen.add(key)
            actors.append(actor.model_copy(deep=True))
    return actors


def reciprocal(trigger: Token, entry: LexEntry, sources: list[Actor]) -> bool:
    """"Pakistan and India agreed ...", "Armenia and Azerbaijan accused each other": two or more
    coded doers and no target, with a symmetric act or "each other": each is also the target."""
    if len({a.code for a in sources if a.code}) < 2:
        return False
    if entry.plover_type in RECIPROCAL_TYPES:
        return True
    words = [t.lower_ for t in trigger.subtree]
    return any(words[i : i + 2] in (["each", "other"], ["one", "another"]) for i in range(len(words) - 1))


class EventCoder:
    """The ``dyads_events`` component."""

    def __init__(self, *, lexicon: str | None = None, keep_statements: bool = True, require_actor: bool = False) -> None:
        self.lexicon = load_lexicon(Path(lexicon) if lexicon else None)
        self.keep_statements = keep_statements
        self.require_actor = require_actor

    def __call__(self, doc: Doc) -> Doc:
        article = doc._.dyads_article
        article_id = article.id if article is not None else content_hash(doc.text)
        mentions: list[Mention] = doc._.dyads_mentions or []
        in_mention = {i for mention in mentions for i in range(mention.start, mention.end)}
        events: list[Event] = []
        for sentence_index, sentence in enumerate(doc.sents):
            events.extend(self._code_sentence(doc, sentence, sentence_index, article_id, in_mention, events))
        doc._.dyads_events = events
        return doc

    def _code_sentence(
        self,
        doc: Doc,
        sentence: SpacySpan,
        sentence_index: int,
        article_id: str,
        in_mention: set[int],
        earlier: list[Event],
    ) -> list[Event]:
        found: list[tuple[Token, LexEntry]] = []
        for token in sentence:
            if token.i in in_mention or token.pos_ not in NOUN_POS | {"VERB"}:
                continue
            if token.pos_ == "VERB" and token.dep_ == "amod":
                continue  # "its long-threatened invasion": a participle describing a noun reports no act
            if token.pos_ == "VERB" and token.tag_ == "VBN" and any(c.dep_ == "det" for c in token.children):
                continue  # "evacuated the wounded", "treated the injured": a participle naming people
            entry = self.lexicon.match(token)
            if entry is not None:
                found.append((token, entry))
        # statement and appeal verbs (CAMEO 01-02) report events; they do not absorb them:
        # in "Turkey announced a ceasefire" the ceasefire is the event, Turkey its source
        triggers = {token.i for token, entry in found if cameo(entry.cameo).plover_type is not None}
        lemmas = [token.lemma_.lower() for token in sentence]
        coded: list[tuple[Token, Event]] = []
        entries = {token.i: entry for token, entry in found}
        for token, entry in found:
            if token.pos_ in NOUN_POS and self._restates(token, triggers):
                continue
            event = self._event(doc, sentence, sentence_index, article_id, token, entry, lemmas, triggers)
            if event is None:
                continue
            if not event.targets and token.pos_ == "VERB":
                event.targets = self._referred_doers(token, entries, [*earlier, *(e for _, e in coded)], event.sources)
            coded.append((token, event))
        demands = self._reported_demands(doc, sentence, sentence_index, article_id, coded, entries)
        if demands:  # "declared that China must ...": the demand replaces the bare statement
            cues = {cue.i for cue, _ in demands}
            coded = [(t, e) for t, e in coded if not (t.i in cues and e.statement_only)] + demands
        self._promises(coded)
        coded = [(token, event) for token, event in coded if not self._governs_other(token, event, coded)]
        coded.sort(key=lambda pair: pair[0].i)  # in text order: the classify stage picks the main event among them
        return [event for _, event in coded]

    def _event(
        self,
        doc: Doc,
        sentence: SpacySpan,
        sentence_index: int,
        article_id: str,
        token: Token,
        entry: LexEntry,
        lemmas: list[str],
        triggers: set[int],
    ) -> Event | None:
        find = lambda arg: mentions_for(doc, arg)  # noqa: E731 - a closure over doc
        code = cameo(entry.cameo)
        material = code.quad_class in MATERIAL_QUADS  # only an act on the ground targets its place
        if token.pos_ in NOUN_POS:
            sources, targets = noun_arguments(
                token, find=find, target_preps=entry.target_preps, is_trigger=lambda t: t.i in triggers, place_target=material,
                forces_move=code.plover_type in SELF_MOVING_TYPES,
            )
        else:
            sources, targets = verb_arguments(
                token, find=find, target_preps=entry.target_preps, object_lemma=entry.dobj, place_target=material
            )
        source_actors = actors_of(sources)
        if code.plover_type == "ASSAULT":
            targets = [_struck_place(m) for m in targets]
        target_actors = not_sources(actors_of(targets), source_actors)
        if not target_actors and reciprocal(token, entry, source_actors):
            target_actors = [actor.model_copy(deep=True) for actor in source_actors]
        if not target_actors and code.plover_type == "PROTEST":
            target_actors = not_sources(actors_of(purpose_targets(token, find)), source_actors)
        if not target_actors and code.plover_type == "MOBILIZE":
            target_actors = not_sources(actors_of(readied_against(token, find)), source_actors)
        if (self.require_actor or token.pos_ in NOUN_POS) and not source_actors and not target_actors:
            return None  # a bare event noun ("an effective alliance") names no event between actors
        if entry.cameo in NEEDS_TARGET and not target_actors:
            return None  # "bombers flew from Iran" is no visit; "Obama flew to Hanoi" is
        mode = entry.mode
        cameo_code = code.code
        if mode is None and code.plover_type is not None:
            cue_mode, override = mode_for(code.plover_type, lemmas)
            if cue_mode is not None:
                mode = cue_mode
                if override is not None and cameo(override).plover_type == code.plover_type:
                    cameo_code = override
        if mode == "explosives" and code.plover_type == "ASSAULT" and token.pos_ == "VERB":
            mode, cameo_code = _dropped_from_the_air(token, mode, cameo_code)
        intended = None
        report = reporting_above(token) if token.pos_ == "VERB" else None
        if token.pos_ == "VERB" and self._speaks_for_itself(token, report, find):
            if ultimatum(token, reported=report is not None):
                intended, cameo_code, mode = cameo_code, ULTIMATUM_CODE, None
            elif (threat := conditional_threat(token, cameo_code, reported=report is not None)) is not None:
                intended, cameo_code, mode = cameo_code, threat, None  # "may halt mediation if ..."
            elif states_intent(token, triggers=triggers, reported=report is not None):
                intent = intent_code(cameo_code)
                if intent is not None:
                    intended, cameo_code, mode = cameo_code, intent, None
        if cameo(cameo_code).plover_type == "ASSAULT" and not target_actors and self._show_of_force(token):
            cameo_code, mode = "150", "weapons"
        if cameo(cameo_code).plover_type == "THREATEN" and not target_actors and token.pos_ == "VERB":
            party = conditioned_party(token)  # "threatened to quit the talks unless Israel withdrew"
            target_actors = not_sources(actors_of(find(party)), source_actors) if party is not None else []
        final = cameo(cameo_code)
        statement = final.plover_type is None
        if statement and not self.keep_statements:
            return None
        return coded_event(
            doc, sentence, sentence_index=sentence_index, article_id=article_id, trigger=token, code=final.code,
            plover_mode=mode if not statement else None, statement_only=statement, intended_code=intended,
            sources=source_actors, targets=target_actors,
        )

    @staticmethod
    def _show_of_force(trigger: Token) -> bool:
        """"North Korea launched a missile", "fired missiles into the sea in a drill": firing
        weapons at no one is a show of force (CAMEO 150), not an attack."""
        if trigger.lemma_.lower() not in FIRING_VERBS:
            return False
        objects = [c.lemma_.lower() for c in trigger.children if c.dep_ in {"dobj", "nsubjpass"}]
        aimed = any(
            c.dep_ == "prep" and c.lower_ in {"at", "on", "against"} and any(o.ent_type_ not in {"DATE", "TIME"} for o in c.children)
            for c in trigger.children
        )
        return any(o in MISSILES for o in objects) and not aimed

    @staticmethod
    def _speaks_for_itself(trigger: Token, report: Report | None, find: MentionFinder) -> bool:
        """No reporting verb above, or one whose speaker is the act's own doer ("Iran said it would")."""
        if report is None:
            return True
        subject = subject_of(trigger)
        if report.speaker_token is None or subject is None:
            return False
        doers = {m.actor.code for m in find(subject)}
        speakers = {m.actor.code for m in find(report.speaker_token)}
        return bool(doers) and doers == speakers

    @staticmethod
    def _promises(coded: list[tuple[Token, Event]]) -> None:
        """"vowed to fight", "pledged to send troops": the promise takes the code of the intent
        to do the act promised (138 threaten military force, 032 intent to cooperate militarily),
        the act's own code kept in ``intended_code``; the act stays coded, hypothetical."""
        acts = {token.i: event.cameo_code for token, event in coded}
        for token, event in coded:
            found = promised_act(token, acts) if event.cameo_code == "030" else None
            intent = intent_code(found[1]) if found is not None else None
            if intent is None:
                continue
            final = cameo(intent)
            event.cameo_code, event.plover_type, event.quad_class = final.code, final.plover_type, final.quad_class
            event.goldstein, event.plover_mode, event.intended_code = final.goldstein, None, found[1]

    def _reported_demands(
        self,
        doc: Doc,
        sentence: SpacySpan,
        sentence_index: int,
        article_id: str,
        coded: list[tuple[Token, Event]],
        entries: dict[int, LexEntry],
    ) -> list[tuple[Token, Event]]:
        """"Russia said Sudan must return the helicopter": the speaker's demand on whoever must
        act (:mod:`dyads.coder.demand`), triggered by the reporting verb. The act's code gives
        the demand's (105: demand that the target yield); an act the lexicon does not know
        ("China must drop barriers") makes an unspecified demand (100)."""
        acts = {token.i: event for token, event in coded}
        find = lambda arg: mentions_for(doc, arg)  # noqa: E731
        demands: list[tuple[Token, Event]] = []
        for token in sentence:
            if token.pos_ not in {"VERB", "AUX"} or not obliged(token):
                continue
            report = reporting_above(token) or message_report(token)
            if report is None or report.speaker_token is None or report.status != "claimed":
                continue
            cue = report.cue
            own = entries.get(cue.i)
            if own is not None and cameo(own.cameo).plover_type is not None:
                continue  # "insisted that Japan must apologise": the verb's own event is the demand
            act = acts.get(token.i)
            targets = act.sources if act is not None else actors_of(verb_arguments(token, find=find, target_preps=())[0])
            speakers = actors_of(find(report.speaker_token))
            if not targets or not speakers or self._speaks_for_itself(token, report, find):
                continue  # "France said it must send more troops" is no demand
            code = demand_code(act.intended_code or act.cameo_code) if act is not None else demand_code("")
            demands.append((cue, coded_event(
                doc, sentence, sentence_index=sentence_index, article_id=article_id, trigger=cue, code=code,
                sources=speakers, targets=[actor.model_copy(deep=True) for actor in targets],
            )))
        return demands

    @staticmethod
    def _referred_doers(
        verb: Token, entries: dict[int, LexEntry], earlier: list[Event], sources: list[Actor]
    ) -> list[Actor]:
        """"Beijing condemned the test": when a verb's object names an event coded earlier in the
        article (same PLOVER type), its target is whoever did that event."""
        own = {a.code for a in sources}
        for child in verb.children:
            if child.dep_ not in {"dobj", "nsubjpass"} or child.i not in entries:
                continue
            if not any(c.dep_ == "det" and c.lower_ in REFERRING_DETERMINERS for c in child.children):
                continue  # "dropped bombs" names a weapon; "condemned the test" refers back
            wanted = cameo(entries[child.i].cameo).plover_type
            for event in reversed(earlier):
                if event.plover_type == wanted and event.sources and {a.code for a in event.sources} != own:
                    return [actor.model_copy(deep=True) for actor in event.sources]
        return []

    @staticmethod
    def _restates(noun: Token, triggers: set[int]) -> bool:
        """A noun that names an event already coded on a verb: the verb's object ("held talks")
        or an appositive summing up its clause ("... dropped bombs near Raqqa, an attack that ...")."""
        if noun.head.i in triggers and noun.head.i != noun.i and noun.dep_ in {"dobj", "attr", "oprd"}:
            return True
        if noun.dep_ != "appos":
            return False
        return any(ancestor.i in triggers and ancestor.pos_ == "VERB" for ancestor in noun.ancestors)

    @staticmethod
    def _governs_other(token: Token, event: Event, coded: list[tuple[Token, Event]]) -> bool:
        """A bare statement ("said") that reports another event is attribution, not an event;
        so is an order or decision that names the act ordered ("a court ordered his release")."""
        statement = event.statement_only and event.cameo_code.startswith("01")
        if not statement and token.lemma_.lower() not in DECIDING_VERBS:
            return False
        return any(other.i != token.i and token in other.ancestors for other, _ in coded)


@Language.factory(
    "dyads_events",
    requires=["doc._.dyads_mentions", "token.dep", "token.head", "token.lemma", "token.pos"],
    assigns=["doc._.dyads_events"],
    default_config={"lexicon": None, "keep_statements": True, "require_actor": False},
)
def make_event_coder(
    nlp: Language, name: str, lexicon: str | None, keep_statements: bool, require_actor: bool
) -> EventCoder:
    return EventCoder(lexicon=lexicon, keep_statements=keep_statements, require_actor=require_actor)
