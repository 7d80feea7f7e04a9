"""Dependency rules that find who did it (source) and to whom (target) for a trigger word.

Works on any spaCy ``Token`` with a dependency parse (ClearNLP labels, as in the English
pipelines): active and passive clauses, infinitival and conjoined verbs that share a subject,
relative clauses, prepositional objects, light verbs ("launched airstrikes on"), and nouns
with possessive or adjectival actors ("Russia's strikes", "Russian airstrikes").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from spacy.tokens import Doc, Token

from dyads.coder.dateline import in_dateline
from dyads.records import Mention

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})
OBJECT_DEPS = frozenset({"dobj", "dative", "obj"})
SHARED_SUBJECT_DEPS = frozenset({"xcomp", "conj", "advcl", "ccomp", "pcomp"})
MODIFIER_DEPS = frozenset({"amod", "compound", "poss", "nmod", "npadvmod", "nummod"})
RELATIVE_PRONOUNS = frozenset({"which", "who", "that", "whom"})
AGENT_PREPS = frozenset({"by"})
DEFAULT_TARGET_PREPS = ("against",)
PLACE_PREPS = ("in", "inside", "at", "on", "across", "into", "near")

# Finds the mentions an argument token denotes (dyads.actors.mentions_for, or a test double).
MentionFinder = Callable[[Token], list[Mention]]


def is_passive(verb: Token) -> bool:
    """True for a passive verb ("was struck", "rebels backed by the US")."""
    if any(child.dep_ in PASSIVE_SUBJECT_DEPS or child.dep_ == "auxpass" for child in verb.children):
        return True
    return verb.dep_ == "acl" and verb.tag_ == "VBN" and not _misparsed_main_verb(verb)


def _misparsed_main_verb(verb: Token) -> bool:
    """"The Iraqi air force carried out strikes": a sentence parsed with its subject noun as the
    root and the main verb as that noun's participle; a participle with a direct object acts."""
    head = verb.head
    return (
        verb.dep_ == "acl"
        and head.dep_ == "ROOT"
        and head.pos_ in ("NOUN", "PROPN")
        and head.i < verb.i
        and any(child.dep_ == "dobj" for child in verb.children)
    )


#: participles that, passive in form, say a state of their subject, who is the actor: "Vietnam is
#: committed to opening up", "Iran is opposed to the plan", "Seoul is determined to respond"
STATIVE_PARTICIPLES = frozenset({"commit", "oppose", "determine", "dedicate", "resolve"})

#: verbs that move forces, and nouns of forces: a passive "troops were withdrawn" with no agent
FORCE_MOVING_VERBS = frozenset({"withdraw", "pull", "deploy", "redeploy", "send", "dispatch", "evacuate", "ship", "station", "move"})
FORCE_NOUNS = frozenset({
    "troop", "force", "soldier", "peacekeeper", "unit", "contingent", "battalion", "brigade", "marine",
    "personnel", "warship", "ship", "jet", "aircraft", "bomber", "fighter",
})

#: "X used Y's base to strike Z": the object of these verbs is an instrument, not the doer
INSTRUMENT_VERBS = frozenset({"use", "utilize", "utilise", "employ"})


def subject_of(verb: Token, *, _depth: int = 0) -> Token | None:
    """The token that does the action of ``verb``, following shared subjects up the tree."""
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS:
            if child.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                return verb.head
            if in_dateline(child):
                continue  # "MOSCOW, June 3 (Reuters) - Russian troops shelled": the parse made the dateline a subject
            return _reduced_relative_subject(child)
    stranded = _subject_on_auxiliary(verb)
    if stranded is not None:
        return stranded
    if _misparsed_main_verb(verb):
        return verb.head
    fronted = _subject_after_fronted_phrase(verb)
    if fronted is not None:
        return fronted
    if verb.dep_ == "acomp" and verb.lemma_.lower() in STATIVE_PARTICIPLES and verb.head.pos_ == "AUX":
        # "Iran is opposed to the plan" parsed with the participle as the complement of "is"
        return next((c for c in verb.head.children if c.dep_ in SUBJECT_DEPS), None)
    if is_passive(verb):
        agent = agent_of(verb)
        if agent is not None:
            return agent
        if verb.lemma_.lower() in STATIVE_PARTICIPLES:
            # "Vietnam is committed to opening up", "Iran is opposed to the plan": a state of the subject
            return next((c for c in verb.children if c.dep_ in PASSIVE_SUBJECT_DEPS), None)
        if verb.lemma_.lower() in FORCE_MOVING_VERBS:
            # "American troops were withdrawn from Somalia": forces moved by no one named move for
            # their own side, as coders code it (USA withdraws from Somalia)
            return next((c for c in verb.children if c.dep_ in PASSIVE_SUBJECT_DEPS and c.lemma_.lower() in FORCE_NOUNS), None)
        return None
    if _depth > 4:
        return None
    if verb.dep_ == "relcl":
        return verb.head
    if verb.dep_ in SHARED_SUBJECT_DEPS and verb.head.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
        # "Arnor is about to restore ties", "ready to talk": climb to the clause's verb
        above = verb.head
        for _ in range(2):
            if above.pos_ in {"VERB", "AUX"} or above.head.i == above.i:
                break
            above = above.head
        if above.pos_ in {"VERB", "AUX"} and above.i != verb.i:
            return subject_of(above, _depth=_depth + 1)
        return None
    if verb.dep_ in SHARED_SUBJECT_DEPS and verb.head.pos_ in {"VERB", "AUX"} and verb.head.i != verb.i:
        # "Russia agreed to withdraw": withdraw's subject is Russia. For xcomp of an object-control
        # verb ("urged Iran to stop") the object is the subject.
        if verb.dep_ == "xcomp" and verb.head.lemma_.lower() not in INSTRUMENT_VERBS:
            for child in verb.head.children:
                if child.dep_ in OBJECT_DEPS and child.i < verb.i:
                    return child
        if verb.dep_ == "ccomp":
            return None
        return subject_of(verb.head, _depth=_depth + 1)
    return None


def _reduced_relative_subject(subject: Token) -> Token:
    """"The Red Cross operating in Iraq said ...", parsed with the participle as the clause's
    subject and the organisation as the participle's: the doer is the noun before the
    participle, not a place inside its phrase."""
    if subject.tag_ == "VBG" and subject.dep_ != "csubj":
        inner = next((c for c in subject.children if c.dep_ == "nsubj" and c.i < subject.i and c.pos_ in ("NOUN", "PROPN")), None)
        if inner is not None:
            return inner
    return subject


def _subject_after_fronted_phrase(verb: Token) -> Token | None:
    """"With the signing of a memorandum, the Sudanese government and the SPLM/A have agreed":
    a main verb left without a subject because the parse hung the noun phrase between the comma
    and the verb on the fronted phrase (as its conjunct). That noun phrase is the subject."""
    if verb.dep_ != "ROOT" or verb.pos_ != "VERB":
        return None
    first = min([verb, *(c for c in verb.children if c.dep_ in ("aux", "neg") and c.i < verb.i)], key=lambda t: t.i)
    doc = verb.doc
    comma = next((i for i in range(first.i - 1, verb.sent.start - 1, -1) if doc[i].text == ","), None)
    if comma is None or comma == verb.sent.start or comma + 1 >= first.i:
        return None
    phrase = doc[comma + 1 : first.i]
    if any(t.pos_ in ("VERB", "AUX", "ADP", "SCONJ", "PRON") for t in phrase) or not any(t.pos_ in ("NOUN", "PROPN") for t in phrase):
        return None
    head = phrase.root
    before = doc[comma - 1]
    if head.dep_ != "conj" or not (head.head.i < comma and before.head.i != verb.i and head.head.i != verb.i):
        return None  # only a phrase the parse joined to what stands before the comma
    return head


def _subject_on_auxiliary(verb: Token) -> Token | None:
    """A subject the parse hung on the verb's auxiliary ("The UK and France however have
    opposed": an adverb between subject and auxiliary often makes "have" its head)."""
    for aux in verb.children:
        if aux.dep_ in ("aux", "auxpass") and aux.i < verb.i:
            for child in aux.children:
                if child.dep_ in SUBJECT_DEPS and child.i < aux.i:
                    return child
    return None


def agent_of(verb: Token) -> Token | None:
    """The object of a passive verb's "by" phrase."""
    for child in verb.children:
        if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ in AGENT_PREPS):
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def prep_objects(token: Token, preps: Iterable[str]) -> list[Token]:
    """Objects of the given prepositions attached to ``token`` ("talks with Iran" -> Iran)."""
    wanted = set(preps)
    found: list[Token] = []
    for child in token.children:
        if child.dep_ in {"prep", "dative"} and child.lower_ in wanted:
            found.extend(grandchild for grandchild in child.children if grandchild.dep_ == "pobj")
    return found


def modifier_mentions(token: Token, find: MentionFinder, *, event_noun: bool = False) -> list[Mention]:
    """Actors that modify a noun: "Russian airstrikes", "Russia's strikes", "strikes by Russia".
    For an event noun only "by" marks the doer ("the invasion of Ukraine" names the target)."""
    found: list[Mention] = []
    for child in token.children:
        if child.dep_ in MODIFIER_DEPS and child.i < token.i:
            found.extend(find(child))
    for obj in prep_objects(token, ("by",) if event_noun else ("by", "of", "from")):
        found.extend(find(obj))
    return found


def _owners(token: Token, find: MentionFinder) -> list[Mention]:
    """Whose the thing named by ``token`` is ("an Indian proposal", "Iraq's offer", "a plan from
    Cairo"), the span widened to the phrase when there is one owner."""
    # "lift its ban on US poultry": a possessive pronoun names the doer's own thing, not a target
    found = [m for m in modifier_mentions(token, find) if not (m.kind == "pronoun" and token.doc[m.head].dep_ == "poss")]
    return [_with_span(found[0], token)] if len(found) == 1 else found


def nested_mentions(token: Token, find: MentionFinder) -> list[Mention]:
    """Actors in a non-actor noun phrase ("targets in Syria", "positions of the Islamic State").

    One actor found inside the phrase keeps its code, and its span becomes the whole argument
    phrase, as a coder marks the argument: "Trump's decision", "a request by Mr. Erdogan",
    "the mosque in Mosul" (:func:`argument_span`)."""
    direct = find(token)
    if direct:
        return direct + _uncoded_conjuncts(token, direct)
    found = modifier_mentions(token, find)
    if not found:
        # "doctors from two American aid groups", "a delegation from Tehran": where people come from
        preps = (*_NESTING_PREPS, "from") if token.lemma_.lower() in SENT_PEOPLE_NOUNS else _NESTING_PREPS
        for obj in prep_objects(token, preps):
            found.extend(nested_mentions(obj, find))
            if found:
                break
    if not found and token.dep_ in SUBJECT_DEPS:
        # "Kenzo Oshima, the United Nations Emergency Relief Coordinator, demanded ...": a subject
        # no table codes, described by an appositive that names its organisation or country
        for appositive in (c for c in token.children if c.dep_ == "appos"):
            found.extend(nested_mentions(appositive, find))
            if found:
                break
    if len(found) == 1:
        return [_with_span(found[0], token)]
    return found


#: entity labels of a conjunct that names someone no table codes
_NAMED_ENTITIES = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def _uncoded_conjuncts(token: Token, found: list[Mention]) -> list[Mention]:
    """Conjuncts of ``token`` that name someone no table codes, as uncoded mentions: "sanctions on
    former President Viktor Yanukovich and ex-Prime Minister Mykola Azarov" (Azarov unknown)."""
    out: list[Mention] = []
    for conj in token.conjuncts:
        if conj.i < token.i or any(m.start <= conj.i < m.end for m in found) or conj.ent_type_ not in _NAMED_ENTITIES:
            continue
        mention = _phrase_mention(conj, None)
        if mention is not None and not any(m.start < mention.end and mention.start < m.end for m in found):
            out.append(mention)
    return out


#: prepositions whose object may hold the actor of a phrase that names none ("targets in Syria")
_NESTING_PREPS = ("in", "of", "near", "inside")
#: nouns of people sent or coming from somewhere, whose "from" phrase says whose they are
SENT_PEOPLE_NOUNS = frozenset({
    "doctor", "official", "delegation", "delegate", "representative", "expert", "envoy", "volunteer", "diplomat",
    "lawyer", "journalist", "monitor", "observer", "inspector", "team", "mission", "worker", "troop", "soldier",
})

#: longest argument phrase (tokens) an actor's span is widened to
MAX_ARGUMENT_TOKENS = 16
_PHRASE_TAIL_DEPS = frozenset({"prep"})


def argument_span(token: Token) -> tuple[int, int] | None:
    """Token range of the noun phrase headed by ``token``: its left modifiers (article,
    possessor, adjectives, compounds) and the prepositional phrases right after it ("the
    mosque in Mosul"); not relative clauses, participles or appositives. ``None`` when the
    phrase is longer than :data:`MAX_ARGUMENT_TOKENS` or the token is no noun."""
    if token.pos_ not in ("NOUN", "PROPN", "NUM", "PRON"):
        return None
    start = token.left_edge.i
    doc = token.doc
    while start < token.i and (doc[start].is_punct or doc[start].dep_ in ("cc", "prep")):
        start += 1
    end = token.i + 1
    for child in token.rights:
        if child.dep_ in _PHRASE_TAIL_DEPS and child.i == end:
            end = child.right_edge.i + 1
        else:
            break
    while end > token.i + 1 and doc[end - 1].is_punct:
        end -= 1
    if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")" and doc[end + 1].dep_ == "appos":
        end += 3  # "Lesotho Defence Force (LDF)": the bracketed acronym belongs to the name
    if end - start > MAX_ARGUMENT_TOKENS:
        return None
    return start, end


def _with_span(mention: Mention, token: Token) -> Mention:
    bounds = argument_span(token)
    actor = mention.actor
    if bounds is None or actor.span is None or mention.kind == "pronoun":
        return mention  # "his country": a pronoun's copy keeps its own word
    doc = token.doc
    start, end = bounds
    if any(doc[i].dep_ == "cc" for i in range(start, end)):
        return mention  # "USAID and other donors": a list, each member marked on its own
    if not (doc[start].idx <= actor.span.start and actor.span.end <= doc[end - 1].idx + len(doc[end - 1].text)):
        return mention  # the actor lies outside the phrase (a coreference copy): keep its own span
    from dyads.actors.resolve import char_span

    return mention.model_copy(update={"actor": actor.model_copy(update={"span": char_span(doc, start, end)})})


def verb_arguments(
    verb: Token, *, find: MentionFinder, target_preps: Iterable[str], object_lemma: str | None = None,
    place_target: bool = True,
) -> tuple[list[Mention], list[Mention]]:
    """(sources, targets) of a verb trigger. ``place_target``: with no other target, the place
    the act happens in is its target (:func:`event_place`); callers turn it off for statements
    and verbal acts ("said in Delhi" does not target India)."""
    preps = tuple(target_preps) or DEFAULT_TARGET_PREPS
    subject = subject_of(verb)
    sources = nested_mentions(subject, find) if subject is not None else []
    targets: list[Mention] = []
    if is_passive(verb):
        for child in verb.children:
            if child.dep_ in PASSIVE_SUBJECT_DEPS and (subject is None or child.i != subject.i):
                targets.extend(nested_mentions(child, find))
        if verb.dep_ == "acl":
            targets.extend(find(verb.head))
    for child in verb.children:
        if child.dep_ in OBJECT_DEPS:
            if object_lemma and child.lemma_.lower() == object_lemma:
                # "expelled the diplomats from X" names X; "expelled two Russian diplomats" the owner;
                # "rejected an Indian proposal", "rejected Saddam Hussein's offer": whose it is
                targets.extend(_mentions_of_all(prep_objects(child, preps), find) or find(child) or _owners(child, find))
            else:
                targets.extend(nested_mentions(child, find))
    if not targets:
        # "detained dozens of demonstrators in Yerevan": the people held, not the place
        targets.extend(people_object(verb, find, direct_only=True))
    if not targets:
        targets.extend(_mentions_of_all(prep_objects(verb, preps), find))
    if not targets:
        # "U.S. military gives medical equipment to Nicaragua": what is given goes to the "to" phrase
        targets.extend(transfer_recipients(verb, find))
    if not targets and verb.lemma_.lower() in ASSENT_VERBS:
        # "Barak agreed to US mediation", "Iraq agreed to UN inspections": whose the thing agreed to is
        # (its owner only: "agreed to a ceasefire in Syria" is no agreement with Syria)
        targets.extend(m for obj in prep_objects(verb, ("to",)) for m in _owners(obj, find))
    intended = False
    if not targets:
        for child in verb.children:
            if child.dep_ == "xcomp":
                # "Moon agreed to visit Pyongyang", "offered to negotiate with Armenia": the intended act names the target
                targets.extend(verb_arguments(child, find=find, target_preps=preps, place_target=place_target)[1])
                intended = bool(targets)
    if not targets:
        for child in verb.children:
            if child.dep_ in OBJECT_DEPS:
                targets.extend(recipients_of(child, find))
    if not targets:
        targets.extend(people_object(verb, find, preps))
    if not targets and any(child.dep_ in OBJECT_DEPS for child in verb.children):
        targets.extend(placed_object(verb, find) or placed_country(verb, find))
    if not targets:
        # "launched a mediation effort between Qatar and other Gulf states": the two sides
        targets.extend(_mentions_of_all((o for c in verb.children if c.dep_ in OBJECT_DEPS for o in prep_objects(c, ("between",))), find))
    if not targets and verb.lemma_.lower() in DEMAND_VERBS:
        targets.extend(addressee_of_demand(verb, find))
    if not targets:
        targets.extend(purpose_destination(verb, find))
    if not targets and subject is not None and verb.lemma_.lower() in JOINT_VERBS:
        sources = joint_subject(subject, sources)
    elif intended and subject is not None and verb.lemma_.lower() in JOINT_VERBS:
        # "Trump and Putin have agreed to share information on North Korea": the two who agree are
        # the event's sides; what the agreed act is about is no target of the agreement
        joint = joint_subject(subject, sources)
        if joint != sources:
            sources, targets = joint, []
    if place_target and not targets and not (subject is not None and verb.lemma_.lower() in JOINT_VERBS and len(sources) > 1):
        # "surrendered in Afghanistan's northern Faryab province", "sought refuge in Amman"
        targets.extend(event_place(verb, find))
    if len(targets) == 1:
        targets = [_with_place(verb, targets[0], find)]
    mutual = (
        (object_lemma or "") in MUTUAL_NOUNS
        or verb.lemma_.lower() in MUTUAL_VERBS
        or any(c.dep_ in OBJECT_DEPS and c.lemma_.lower() in MUTUAL_NOUNS for c in verb.children)
    )
    if mutual and _other_sides(sources, targets):
        return _possessed(verb.doc, sources + targets), []  # "A held talks with B": both sides talk (coded A<->B)
    if targets and sources and _own_forces(sources, targets):
        # "Syria will withdraw its troops from Lebanon", "France will send troops to Liberia": the
        # source's own forces are the instrument; the country they move from or to is the target
        moved = [m for p in prep_objects(verb, MOVE_PREPS) for m in _place_mentions(p, find)]
        # "Honduras will withdraw its troops from a zone along the border": a place no table codes
        # is still where the forces go or leave, and the event's target (uncoded, its phrase as span)
        targets = moved or _moved_place(verb) or targets
    if subject is not None and sources:
        # a subject the parse joined to a fronted "with" phrase is no object of that phrase
        held = {m.head for m in sources}
        targets = [m for m in targets if m.head not in held]
    return _possessed(verb.doc, sources), _possessed(verb.doc, targets)


_APOSTROPHES = frozenset({"'", "\u2019"})
_POSSESSED_POS = frozenset({"ADJ", "NOUN", "PROPN", "NUM"})
_OF_PHRASE_POS = frozenset({"DET", "ADJ", "NOUN", "PROPN", "NUM", "PRON"})


def _possessed(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Argument spans that stop at a possessive split from its noun ("Theresa May ’ s offer",
    "the Afghan government ’ s efforts", "Mexico ’ s handling of the epidemic") take the possessed
    noun phrase: the words after "’ s" up to its last noun, with an *of* phrase after it. Text
    whose apostrophe stands apart from its "s" (curly quotes, tokenised copy) is parsed as no
    possessive, so the argument phrase rule that makes "Trump's decision" one span misses it."""
    return [_take_possessed(doc, m) for m in mentions]


def _take_possessed(doc: Doc, mention: Mention) -> Mention:
    actor = mention.actor
    if actor.span is None or mention.kind == "pronoun":
        return mention
    phrase = doc.char_span(actor.span.start, actor.span.end, alignment_mode="expand")
    if phrase is None:
        return mention
    i = phrase.end
    if i + 2 >= len(doc) or doc[i].text not in _APOSTROPHES or doc[i + 1].lower_ != "s":
        return mention
    end = _noun_run_end(doc, i + 2, _POSSESSED_POS)
    if end is None:
        return mention
    if end < len(doc) and doc[end].lower_ == "of":
        after = _noun_run_end(doc, end + 1, _OF_PHRASE_POS)
        end = after if after is not None else end
    if end - phrase.start > MAX_ARGUMENT_TOKENS:
        return mention
    from dyads.actors.resolve import char_span

    return mention.model_copy(update={"actor": actor.model_copy(update={"span": char_span(doc, phrase.start, end)})})


def _noun_run_end(doc: Doc, start: int, kinds: frozenset[str]) -> int | None:
    """One past the last noun of the run of ``kinds`` tokens from ``start`` ("recent expansion"),
    ``None`` when the run holds no noun."""
    end = None
    i = start
    while i < len(doc) and (doc[i].pos_ in kinds or doc[i].text == "-"):
        if doc[i].pos_ in ("NOUN", "PROPN"):
            end = i + 1
        i += 1
    return end


def event_place(trigger: Token, find: MentionFinder) -> list[Mention]:
    """Where an act with no other target happens, when the trigger's own *in/inside* phrase names
    a place ("surrendered in Afghanistan 's northern Faryab province", "sought refuge in Amman",
    "a ceasefire in Hodeidah"): the place phrase without its preposition, coded as the place's
    country where it is known. Coders mark the place as the target of an act on a territory.
    ``[]`` when there is no such phrase or it names no place."""
    for place in prep_objects(trigger, ("in", "inside")):
        coded = [m for m in nested_mentions(place, find) if m.kind in ("country", "capital") and m.actor.code]
        if not coded and place.ent_type_ not in _PLACE_ENTITIES:
            continue
        found = _phrase_mention(place, coded[0].actor.code if len(coded) == 1 else _place_country(place, find))
        if found is not None:
            return [found]
    return []


def _phrase_mention(head: Token, code: str | None) -> Mention | None:
    """The noun phrase headed by ``head`` (:func:`argument_span`) as a mention: coded ``code``, or
    uncoded with the phrase as its name; ``None`` when the phrase is too long or no noun's."""
    from dyads.actors.resolve import char_span
    from dyads.records import Actor

    bounds = argument_span(head)
    if bounds is None:
        return None
    start, end = bounds
    span = char_span(head.doc, start, end)
    actor = Actor(code=code, name=None if code else span.text, span=span)
    return Mention(start=start, end=end, head=head.i, kind="country" if code else "sector", actor=actor)


def purpose_destination(verb: Token, find: MentionFinder) -> list[Mention]:
    """Where the act of a purpose clause happens, when the clause it serves sends someone there:
    "sent seven experts to Saudi Arabia to investigate the attack" -> Saudi Arabia. ``[]`` otherwise."""
    if verb.dep_ not in ("advcl", "xcomp") or not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return []
    sender = verb.head
    if not _hands_over(sender):
        return []
    return _mentions_of_all(prep_objects(sender, ("to",)), find)


#: verbs of handing something over: their "to" phrase names who receives it
TRANSFER_VERBS = frozenset({
    "give", "send", "provide", "deliver", "donate", "grant", "hand", "supply", "ship", "transfer",
    "return", "extend", "offer", "pledge", "allocate", "dispatch", "lend", "sell", "award", "contribute",
})


def _hands_over(verb: Token) -> bool:
    """A verb of handing over with a direct object: "sent seven experts", "gives medical equipment"."""
    return verb.lemma_.lower() in TRANSFER_VERBS and any(c.dep_ == "dobj" for c in verb.children)


def transfer_recipients(verb: Token, find: MentionFinder) -> list[Mention]:
    """Who receives what a verb of handing over gives ("gives medical equipment to Nicaragua",
    "granted political asylum to Julian Assange"): the actors of its "to" phrase, when it has a
    direct object that names no actor. ``[]`` for other verbs."""
    if not _hands_over(verb):
        return []
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    # the parser may hang the "to" phrase on a noun of the object, or of an "in" phrase of the
    # verb: "provided 4 million dollars [in funding to Lebanon]"
    nouns = [*objects, *prep_objects(verb, ("in",))]
    return _mentions_of_all(prep_objects(verb, ("to",)), find) or _mentions_of_all(
        (o for noun in nouns for o in _nominal_to_objects(noun)), find
    )


def _nominal_to_objects(noun: Token) -> Iterator[Token]:
    """Objects of "to" phrases hung on ``noun`` or on the nouns of its of/in phrases, not inside
    a clause ("aid to Syrians", "3.5 million in funding to Lebanon")."""
    for child in noun.children:
        if child.dep_ != "prep":
            continue
        if child.lower_ == "to":
            yield from (o for o in child.children if o.dep_ == "pobj")
        elif child.lower_ in ("of", "in"):
            for o in child.children:
                if o.dep_ == "pobj" and o.pos_ in ("NOUN", "PROPN", "NUM"):
                    yield from _nominal_to_objects(o)


#: tokens that make a from/to object no place: time and amounts ("from Monday", "to 2020")
_NOT_PLACE_ENTITIES = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "QUANTITY", "ORDINAL"})


def _moved_place(verb: Token) -> list[Mention]:
    """The place a source's own forces move from or to, as an uncoded target spanning its noun
    phrase ("withdraw its troops from a five kilometer zone along the border"): the first
    from/to/into object that is a noun and no date or amount. ``[]`` when there is none."""
    for place in prep_objects(verb, ("from", "to", "into")):
        if place.pos_ not in ("NOUN", "PROPN") or place.ent_type_ in _NOT_PLACE_ENTITIES:
            continue
        found = _phrase_mention(place, None)
        if found is not None:
            return [found]
    return []


def _with_place(verb: Token, mention: Mention, find: MentionFinder) -> Mention:
    """A direct object's span taking in the place phrase right after it that the parser hung
    on the verb: "detained dozens of demonstrators in Yerevan", "attacked an army camp in
    western Kabul" (coders mark the object with where it is). Only a place phrase that names
    a country or a place the gazetteer knows; ``mention`` unchanged otherwise."""
    actor = mention.actor
    if actor.span is None or mention.kind in ("pronoun", "person") or actor.role:
        return mention  # "will meet French President Emmanuel Macron in Paris": a person is not placed
    doc = verb.doc
    objects = [c for c in verb.children if c.dep_ in OBJECT_DEPS]
    if not any(o.left_edge.idx <= actor.span.start and actor.span.end == doc[o.right_edge.i].idx + len(doc[o.right_edge.i].text) for o in objects):
        return mention
    end = next(o.right_edge.i + 1 for o in objects if actor.span.end == doc[o.right_edge.i].idx + len(doc[o.right_edge.i].text))
    place = next((c for c in verb.children if c.dep_ == "prep" and c.i == end and c.lower_ in ("in", "inside", "near")), None)
    if place is None or not any(_place_country(o, find) for o in place.children if o.dep_ == "pobj"):
        return mention
    start = next(t.i for t in doc if t.idx == actor.span.start) if any(t.idx == actor.span.start for t in doc) else None
    if start is None or place.right_edge.i + 1 - start > MAX_ARGUMENT_TOKENS:
        return mention
    from dyads.actors.resolve import char_span

    return mention.model_copy(update={"actor": actor.model_copy(update={"span": char_span(doc, start, place.right_edge.i + 1)})})


#: prepositions after an object noun that name whom the act is for or against: "imposed
#: sanctions on Iran", "sent aid to Nepal", "broke off relations with Congo"
RECIPIENT_PREPS = ("to", "with", "on", "against", "for", "toward", "towards")


def recipients_of(noun: Token, find: MentionFinder) -> list[Mention]:
    """Actors named by the to/with/on/against/for phrase of an object noun that names no actor
    itself ("lifted the ban on the LTTE", "suspended military aid to the rebels"), also one
    "of" phrase down ("suspended part of an aid program for Bosnia")."""
    heads = [noun]
    heads += [o for p in noun.children if p.dep_ == "prep" and p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]
    # "lifted sanctions imposed on India": the participle after the object names the recipient
    heads += [c for c in noun.children if c.dep_ == "acl" and c.tag_ == "VBN"]
    for head in heads:
        found = _mentions_of_all(prep_objects(head, RECIPIENT_PREPS), find)
        if found:
            return found
    return []


#: verbs whose that-clause names who is asked to act: "demanded that the US cancel plans" -> USA
DEMAND_VERBS = frozenset({"demand", "urge", "insist", "request", "ask", "press", "require"})
#: prepositions naming where a source's own forces move from or to
MOVE_PREPS = ("from", "to", "into", "in", "inside")


def addressee_of_demand(verb: Token, find: MentionFinder) -> list[Mention]:
    """The subject of a demand's complement clause: "demanded that Hamas renounce violence"."""
    for child in verb.children:
        if child.dep_ != "ccomp":
            continue
        for sub in child.children:
            if sub.dep_ in SUBJECT_DEPS:
                return nested_mentions(sub, find)
    return []


#: people of civil society: never a side's forces, so when they are the object the act is on
#: them, not on the place they are in
_CIVIL_SECTORS = frozenset({"CVL", "MED", "NGO", "LAB", "EDU", "HLH", "REL"})


def _own_forces(sources: list[Mention], targets: list[Mention]) -> bool:
    """True when every target is coded as the source's own country (its troops, its borders)."""
    codes = {m.actor.code for m in sources if m.actor.code}
    # forces with no country of their own ("withdrew peacekeepers from ...") are the source's too
    # civilians, journalists, aid workers, students, clerics are never a side's forces ("Armenian
    # police detained dozens of demonstrators in Yerevan", "Turkish police detained three
    # journalists in Istanbul": the people held are the target, not the place)
    return bool(codes) and all(
        (m.actor.code in codes or m.actor.code is None) and m.kind in ("sector", "pronoun") and not _CIVIL_SECTORS.intersection(m.actor.sectors)
        for m in targets
    )


def _place_mentions(place: Token, find: MentionFinder) -> list[Mention]:
    """The coded actors of a place phrase, or failing that the country of a place name the
    gazetteer knows ("Abyei" -> SDN), spanning the place phrase."""
    found = [m for m in nested_mentions(place, find) if m.actor.code]
    if found:
        return found
    code = _place_country(place, find)
    bounds = argument_span(place)
    if code is None or bounds is None:
        return []
    from dyads.actors.resolve import char_span
    from dyads.records import Actor

    start, end = bounds
    return [Mention(start=start, end=end, head=place.i, kind="country", actor=Actor(code=code, span=char_span(place.doc, start, end)))]


def placed_country(token: Token, find: MentionFinder) -> list[Mention]:
    """"struck targets in Syria", "fired rockets at Israel": with an uncoded object, the country
    the action is aimed at or placed in is the target. A capital there names the place, not the
    government it stands for elsewhere ("fired tear gas at crowds in Tehran" targets IRN, not IRN GOV)."""
    return [
        _as_place(m) if m.kind == "capital" else m
        for m in _mentions_of_all(prep_objects(token, PLACE_PREPS), find)
        if m.kind in ("country", "capital")
    ]


def _as_place(mention: Mention) -> Mention:
    """A capital's mention as its country's place: its code without the government's sectors."""
    return mention.model_copy(update={"actor": mention.actor.model_copy(update={"sectors": []})})


_PLACE_ENTITIES = frozenset({"GPE", "LOC", "FAC"})


def placed_object(verb: Token, find: MentionFinder) -> list[Mention]:
    """"stormed a police headquarters in eastern Afghanistan", "captured the mosque in Mosul":
    an object that names no actor, placed by in/inside/near/at in a country or a known place,
    targets that place's country; its span is the object with the place phrase. ``[]`` when the
    object or the place phrase codes no country."""
    from dyads.records import Actor

    for obj in (c for c in verb.children if c.dep_ in OBJECT_DEPS):
        end = obj.right_edge.i + 1
        preps = [c for c in obj.rights if c.dep_ == "prep" and c.lower_ in PLACE_PREPS]
        preps += [c for c in verb.rights if c.dep_ == "prep" and c.lower_ in PLACE_PREPS and c.i == end]
        for prep in preps:
            for place in (o for o in prep.children if o.dep_ == "pobj"):
                code = _place_country(place, find)
                if code is None:
                    continue
                start = obj.left_edge.i
                stop = prep.right_edge.i + 1
                if _own_thing(obj):
                    # "lay down its weapons in Russia", "sought refuge in Sudan": the source's own
                    # things or a shelter are no target; the place is
                    place_bounds = argument_span(place)
                    start = place_bounds[0] if place_bounds is not None else place.i
                if stop - start > MAX_ARGUMENT_TOKENS:
                    continue
                from dyads.actors.resolve import char_span

                actor = Actor(code=code, span=char_span(verb.doc, start, stop))
                return [Mention(start=start, end=stop, head=obj.i, kind="country", actor=actor)]
    return []


#: possessive pronouns that make an object the doer's own thing ("its weapons")
_OWN_POSSESSIVES = frozenset({"its", "their", "his", "her", "our"})
#: objects that name a shelter sought or given, not whom it is from: "sought refuge in Sudan"
SHELTER_NOUNS = frozenset({"refuge", "shelter", "asylum", "sanctuary", "safety"})


#: objects that are a measure over a territory: "imposed a curfew in parts of Kashmir", "declared a
#: state of siege in Bolivia" (coders mark the territory, not the measure)
TERRITORY_MEASURES = frozenset({
    "curfew", "state", "emergency", "siege", "ceasefire", "truce", "blockade", "lockdown", "law", "restriction",
})


def _own_thing(obj: Token) -> bool:
    """An object owned by a possessive pronoun ("its illegal weapons"), naming a shelter, or a
    measure over a territory: the place it is in is the act's target, not the object."""
    return obj.lemma_.lower() in SHELTER_NOUNS | TERRITORY_MEASURES or any(c.dep_ == "poss" and c.lower_ in _OWN_POSSESSIVES for c in obj.children)


#: nouns naming people, not an organised actor: an object headed by one is the target even
#: though it codes no actor ("detained several suspects", "gave aid to 550 households")
PEOPLE_NOUNS = frozenset({
    "people", "person", "persons", "civilian", "civilians", "household", "households", "family", "families",
    "resident", "residents", "villager", "villagers", "demonstrator", "demonstrators", "protester",
    "protesters", "protestor", "protestors", "suspect", "suspects", "man", "men", "woman", "women",
    "child", "children", "migrant", "migrants", "refugee", "refugees", "worker", "workers", "passenger",
    "passengers", "pilgrim", "pilgrims", "supporter", "supporters", "detainee", "detainees", "prisoner",
    "prisoners", "hostage", "hostages", "inmate", "inmates", "victim", "victims", "survivor", "survivors",
    "seekers", "voter", "voters", "citizen", "citizens", "national", "nationals", "tourist",
    "tourists", "fisherman", "fishermen", "farmer", "farmers", "member", "members",
    # believers named by their faith ("released at least 19 Christians")
    "christians", "muslims", "jews", "hindus", "sikhs", "buddhists", "worshippers", "worshipers",
})
#: nouns that count a group before "of": "dozens of demonstrators", "hundreds of families"
QUANTITY_NOUNS = frozenset({
    "dozens", "hundreds", "thousands", "tens", "scores", "millions", "dozen", "hundred", "thousand",
    "number", "group", "groups", "handful", "some", "many", "several", "most", "all", "both", "each",
})
#: prepositions of a verb that name whom an act reaches: "gave aid to households"
RECIPIENT_VERB_PREPS = ("to", "for", "against", "on")


def _people_head(token: Token) -> Token | None:
    """The people noun a phrase is about: the token itself, or the object of "of" after a
    quantity ("dozens of demonstrators"); ``None`` when the phrase is about no people."""
    if token.lower_ in PEOPLE_NOUNS and token.pos_ in ("NOUN", "PROPN"):
        return token
    if token.lower_ in QUANTITY_NOUNS or token.pos_ == "NUM":
        for obj in prep_objects(token, ("of",)):
            if obj.lower_ in PEOPLE_NOUNS:
                return obj
    return None


def people_object(verb: Token, find: MentionFinder, preps: Iterable[str] = (), *, direct_only: bool = False) -> list[Mention]:
    """An object of ``verb`` that names no actor but a number of people (*detained several
    suspects*, *killed at least 75 displaced people*, *gave assistance to about 550
    households*): the target, uncoded, with the object's whole phrase as its span, taking in a
    place phrase right after it on the verb (*detained dozens of demonstrators in Yerevan*),
    whose country becomes its code. Coders mark such objects as the event's target. ``[]``
    when no object is about people."""
    from dyads.actors.resolve import char_span
    from dyads.records import Actor

    doc = verb.doc
    objects = [c for c in verb.children if c.dep_ in OBJECT_DEPS or c.dep_ in PASSIVE_SUBJECT_DEPS and is_passive(verb)]
    if not direct_only:
        objects += prep_objects(verb, (*preps, *RECIPIENT_VERB_PREPS))
    for obj in objects:
        if _people_head(obj) is None:
            continue
        bounds = argument_span(obj)
        if bounds is None:
            continue
        start, end = bounds
        code = None
        place = next((c for c in verb.rights if c.dep_ == "prep" and c.i == end and c.lower_ in ("in", "inside", "near")), None)
        if place is not None and place.right_edge.i + 1 - start <= MAX_ARGUMENT_TOKENS:
            code = next((_place_country(o, find) for o in place.children if o.dep_ == "pobj"), None)
            if code is not None:
                end = place.right_edge.i + 1
        span = char_span(doc, start, end)
        return [Mention(start=start, end=end, head=obj.i, kind="sector", actor=Actor(code=code, name=span.text, span=span))]
    return []


def _place_country(place: Token, find: MentionFinder) -> str | None:
    """The country a place phrase codes: a country or capital mention, or a place name the
    gazetteer knows ("Mosul" -> IRQ)."""
    for mention in find(place):
        if mention.kind in ("country", "capital") and mention.actor.code:
            return mention.actor.code
    if place.ent_type_ not in _PLACE_ENTITIES:
        return None
    ent = next((e for e in place.doc.ents if e.start <= place.i < e.end), None)
    if ent is None:
        return None
    from dyads.geo.gazetteer import Gazetteer

    found = Gazetteer.default().resolve(ent.text)
    return found.country if found is not None else None


#: verbs whose subject undergoes the act their object names: "Syria suffered an attack" (the target)
UNDERGOER_VERBS = frozenset({"suffer", "endure", "face", "withstand", "repel", "repulse", "resist", "survive", "sustain"})
#: verbs whose subject reacts to, fears or looks into the act their object names: not its doer
REACTION_VERBS = frozenset({
    "respond", "react", "retaliate", "reply", "investigate", "probe", "mourn", "witness", "commemorate", "escape",
    "flee", "fear",
})


#: prepositions that set an event noun as the background of a clause, not its act
BACKGROUND_PREPS = frozenset({"after", "before", "following", "since", "despite", "amid", "amidst"})


def governing_clause(noun: Token) -> Token | None:
    """The verb whose subject a noun event borrows: "Russia launched airstrikes" (light verb),
    "Moscow and Washington were close to joint action" (predicate + preposition)."""
    token = noun
    for _ in range(3):
        if token.dep_ in OBJECT_DEPS and token.head.pos_ in {"VERB", "AUX"}:
            return token.head  # not attr/oprd: "calling it an effective alliance" describes, it does not act
        if token.dep_ == "pobj" and token.head.dep_ == "prep":
            if token.head.lower_ in BACKGROUND_PREPS:
                return None  # "expressed condolences after the attack": the attack is not the mourner's
            above = token.head.head
            if above.pos_ in {"VERB", "AUX"}:
                return above
            if above.pos_ == "ADJ" and above.dep_ in {"acomp", "amod"} and above.head.pos_ in {"VERB", "AUX"}:
                return above.head
            token = above
            continue
        return None
    return None


def noun_arguments(
    noun: Token, *, find: MentionFinder, target_preps: Iterable[str], is_trigger: Callable[[Token], bool] = lambda _: False,
    place_target: bool = True, forces_move: bool = False,
) -> tuple[list[Mention], list[Mention]]:
    """(sources, targets) of a noun trigger ("Russian airstrikes on Aleppo", "talks between A and B").

    A noun borrows the subject of the verb that governs it only when that verb is no event
    itself: "Russia launched strikes" gives Russia, "Iran condemned the strikes" does not. With
    ``forces_move`` (MOBILIZE, RETREAT) forces after "of" move themselves: they are no target, and
    the source where no one else is ("the deployment of NATO troops").
    """
    preps = tuple(target_preps) or DEFAULT_TARGET_PREPS
    sources = modifier_mentions(noun, find, event_noun=True)
    between = _mentions_of_all(prep_objects(noun, ("between", "among")), find)
    if between:
        return sources + between, []
    clause = governing_clause(noun)
    if clause is not None and is_trigger(clause):
        clause = None
    undergoer: list[Mention] = []
    passive = clause is not None and is_passive(clause) and not any(c.dep_ == "agent" for c in clause.children)
    if passive:
        # "A US national was put under investigation", "was placed under arrest": the subject undergoes it
        undergoer = [m for c in clause.children if c.dep_ in PASSIVE_SUBJECT_DEPS for m in nested_mentions(c, find)]
        clause = None
    if clause is not None and clause.lemma_.lower() in UNDERGOER_VERBS | REACTION_VERBS:
        # "Syria suffered an attack", "Seoul will respond to the attack": not who attacks
        subject = subject_of(clause)
        if clause.lemma_.lower() in UNDERGOER_VERBS and subject is not None:
            undergoer = nested_mentions(subject, find)
        clause = None
    if not sources and clause is not None:
        subject = subject_of(clause)
        if subject is not None:
            sources = nested_mentions(subject, find)
    # "the invasion of Ukraine", "the shelling of Aleppo": after an event noun, "of" names the target
    targets = _mentions_of_all(prep_objects(noun, (*preps, "of")), find)
    if forces_move:  # the forces that move are no target; with no one else named, they act
        moved = [m for m in _mentions_of_all(prep_objects(noun, ("of",)), find) if set(m.actor.sectors) & FORCE_SECTORS]
        targets = [m for m in targets if m not in moved]
        sources = sources or moved
    if not targets and clause is not None and noun.head.i == clause.i:
        targets = _mentions_of_all(prep_objects(clause, preps), find)
    if not targets and passive:
        targets = undergoer  # before the place: "was put under investigation in Italy" is about the person
    if not targets:
        targets = placed_country(noun, find) or (placed_country(clause, find) if clause is not None and noun.head.i == clause.i else [])
    targets = targets or undergoer
    if not targets and place_target:
        targets = event_place(noun, find)
    if noun.lemma_.lower() in MUTUAL_NOUNS and _other_sides(sources, targets):
        return _possessed(noun.doc, sources + targets), []  # "A held talks with B": both sides talk (coded A<->B)
    return _possessed(noun.doc, sources), _possessed(noun.doc, targets)


#: verbs of assent whose "to" phrase names what is agreed to, and so whose it is
ASSENT_VERBS = frozenset({"agree", "consent", "accede", "assent"})
#: PLOVER types whose forces move themselves ("troops were deployed", "the withdrawal of forces")
SELF_MOVING_TYPES = frozenset({"MOBILIZE", "RETREAT"})
#: sectors of armed or security forces
FORCE_SECTORS = frozenset({"MIL", "COP", "REB", "UAF", "SPY"})

#: nouns of acts both sides do alike: "A held talks with B" is A<->B, as coders mark it
#: (not "meeting": the PLOVER records code "A held a meeting with B" and "A met B" as A->B)
MUTUAL_NOUNS = frozenset({"talk", "talks", "negotiation", "negotiations"})
#: verbs of acts both sides do alike: "A negotiated with B", "A signed an agreement with B"
MUTUAL_VERBS = frozenset({"negotiate", "sign"})
#: verbs whose conjoined subject acts together: "A and B agreed" (coders mark "A and B" as one span)
JOINT_VERBS = frozenset({"agree", "sign", "meet", "negotiate", "talk", "cooperate", "reconcile", "discuss", "conclude"})


def _other_sides(sources: list[Mention], targets: list[Mention]) -> bool:
    """True when both lists hold coded actors and no code is on both sides."""
    own = {m.actor.code for m in sources if m.actor.code}
    other = {m.actor.code for m in targets if m.actor.code}
    return bool(own) and bool(other) and not own & other


def joint_subject(subject: Token, sources: list[Mention]) -> list[Mention]:
    """"Mexico and the United Kingdom signed an agreement": conjoined doers of a joint act get
    the whole coordination as their span (two or more actors with different codes); otherwise
    ``sources`` unchanged."""
    conjuncts = [subject, *subject.conjuncts]
    if len(conjuncts) < 2 or len({m.actor.code for m in sources if m.actor.code}) < 2 or len(sources) != len(conjuncts):
        return sources
    start = min(t.left_edge.i for t in conjuncts)
    end = max(t.right_edge.i for t in conjuncts) + 1
    doc = subject.doc
    while start < end and (doc[start].is_punct or doc[start].dep_ == "cc"):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].dep_ == "cc"):
        end -= 1
    if end - start > MAX_ARGUMENT_TOKENS or any(m.actor.span is None for m in sources):
        return sources
    from dyads.actors.resolve import char_span

    span = char_span(doc, start, end)
    return [m.model_copy(update={"actor": m.actor.model_copy(update={"span": span})}) for m in sources]


#: prepositions of a purpose clause that name whom a protest is against ("to protest against
#: Sweden's decision", "to press demands on the government", "to demand reforms from Jakarta")
PURPOSE_PREPS = ("against", "at", "on", "over", "from")


def purpose_targets(trigger: Token, find: MentionFinder) -> list[Mention]:
    """Whom a protest is against, from its purpose clause: "began a hunger strike to protest
    against Sweden's decision" -> Sweden, "staged demonstrations to demand reforms from the
    Indonesian government" -> that government. The clause hangs on the trigger or, for an event
    noun, on the verb whose object it is ("began a strike")."""
    anchors = [trigger]
    if trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ in ("dobj", "nsubj", "attr"):
        anchors.append(trigger.head)
    for anchor in anchors:
        for clause in anchor.children:
            if clause.dep_ not in ("advcl", "xcomp", "acl") or clause.pos_ != "VERB":
                continue
            if not any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children):
                continue
            objects = [c for c in clause.children if c.dep_ == "dobj"] + prep_objects(clause, PURPOSE_PREPS)
            found = _mentions_of_all(objects, find)
            if found:
                return found
    return []


def readied_against(trigger: Token, find: MentionFinder) -> list[Mention]:
    """Whom a mobilisation is readied against: "mobilized reservists for a possible war against
    Iraq" -> Iraq (the "against" phrase of what it is "for")."""
    purposes = prep_objects(trigger, ("for",))
    return _mentions_of_all([o for purpose in purposes for o in prep_objects(purpose, ("against",))], find)


def _mentions_of_all(tokens: Iterable[Token], find: MentionFinder) -> list[Mention]:
    found: list[Mention] = []
    for token in tokens:
        found.extend(nested_mentions(token, find))
    return found
