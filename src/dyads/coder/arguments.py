"""Dependency rules that find who did it (source) and to whom (target) for a trigger word.

Works on any spaCy ``Token`` with a dependency parse (ClearNLP labels, as in the English
pipelines): active and passive clauses, infinitival and conjoined verbs that share a subject,
relative clauses, prepositional objects, light verbs ("launched airstrikes on"), and nouns
with possessive or adjectival actors ("Russia's strikes", "Russian airstrikes").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacy.tokens import Token

from dyads.records import Mention

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})
OBJECT_DEPS = frozenset({"dobj", "dative", "obj"})
SHARED_SUBJECT_DEPS = frozenset({"xcomp", "conj", "advcl", "ccomp", "pcomp"})
MODIFIER_DEPS = frozenset({"amod", "compound", "poss", "nmod", "npadvmod", "nummod"})
RELATIVE_PRONOUNS = frozenset({"which", "who", "that", "whom"})
AGENT_PREPS = frozenset({"by"})
DEFAULT_TARGET_PREPS = ("against",)

# Finds the mentions an argument token denotes (dyads.actors.mentions_for, or a test double).
MentionFinder = Callable[[Token], list[Mention]]


def is_passive(verb: Token) -> bool:
    """True for a passive verb ("was struck", "rebels backed by the US")."""
    if any(child.dep_ in PASSIVE_SUBJECT_DEPS or child.dep_ == "auxpass" for child in verb.children):
        return True
    return verb.dep_ == "acl" and verb.tag_ == "VBN"


def subject_of(verb: Token, *, _depth: int = 0) -> Token | None:
    """The token that does the action of ``verb``, following shared subjects up the tree."""
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS:
            if child.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                return verb.head
            return child
    if is_passive(verb):
        agent = agent_of(verb)
        if agent is not None:
            return agent
        return None
    if _depth > 4:
        return None
    if verb.dep_ == "relcl":
        return verb.head
    if verb.dep_ in SHARED_SUBJECT_DEPS and verb.head.pos_ in {"VERB", "AUX"} and verb.head is not verb:
        # "Russia agreed to withdraw": withdraw's subject is Russia. For xcomp of an object-control
        # verb ("urged Iran to stop") the object is the subject.
        if verb.dep_ == "xcomp":
            for child in verb.head.children:
                if child.dep_ in OBJECT_DEPS and child.i < verb.i:
                    return child
        if verb.dep_ == "ccomp":
            return None
        return subject_of(verb.head, _depth=_depth + 1)
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


def modifier_mentions(token: Token, find: MentionFinder) -> list[Mention]:
    """Actors that modify a noun: "Russian airstrikes", "Russia's strikes", "strikes by Russia"."""
    found: list[Mention] = []
    for child in token.children:
        if child.dep_ in MODIFIER_DEPS and child.i < token.i:
            found.extend(find(child))
    for obj in prep_objects(token, ("by", "of", "from")):
        found.extend(find(obj))
    return found


def nested_mentions(token: Token, find: MentionFinder) -> list[Mention]:
    """Actors in a non-actor noun phrase ("targets in Syria", "positions of the Islamic State")."""
    direct = find(token)
    if direct:
        return direct
    found = modifier_mentions(token, find)
    if found:
        return found
    for obj in prep_objects(token, ("in", "of", "near", "inside")):
        found.extend(nested_mentions(obj, find))
        if found:
            break
    return found


def verb_arguments(
    verb: Token, *, find: MentionFinder, target_preps: Iterable[str], object_lemma: str | None = None
) -> tuple[list[Mention], list[Mention]]:
    """(sources, targets) of a verb trigger."""
    preps = tuple(target_preps) or DEFAULT_TARGET_PREPS
    subject = subject_of(verb)
    sources = nested_mentions(subject, find) if subject is not None else []
    targets: list[Mention] = []
    if is_passive(verb):
        for child in verb.children:
            if child.dep_ in PASSIVE_SUBJECT_DEPS:
                targets.extend(nested_mentions(child, find))
        if verb.dep_ == "acl":
            targets.extend(find(verb.head))
    for child in verb.children:
        if child.dep_ in OBJECT_DEPS:
            if object_lemma and child.lemma_.lower() == object_lemma:
                targets.extend(_mentions_of_all(prep_objects(child, preps), find))
            else:
                targets.extend(nested_mentions(child, find))
    if not targets:
        targets.extend(_mentions_of_all(prep_objects(verb, preps), find))
    return sources, targets


def noun_arguments(noun: Token, *, find: MentionFinder, target_preps: Iterable[str]) -> tuple[list[Mention], list[Mention]]:
    """(sources, targets) of a noun trigger ("Russian airstrikes on Aleppo", "talks between A and B")."""
    preps = tuple(target_preps) or DEFAULT_TARGET_PREPS
    sources = modifier_mentions(noun, find)
    between = _mentions_of_all(prep_objects(noun, ("between", "among")), find)
    if between:
        return sources + between, []
    if not sources and noun.dep_ in OBJECT_DEPS | {"attr"} and noun.head.pos_ in {"VERB", "AUX"}:
        # light verb: "Russia launched airstrikes on Aleppo", "Iran held talks with ..."
        subject = subject_of(noun.head)
        if subject is not None:
            sources = nested_mentions(subject, find)
    targets = _mentions_of_all(prep_objects(noun, preps), find)
    if not targets and noun.dep_ in OBJECT_DEPS and noun.head.pos_ == "VERB":
        targets = _mentions_of_all(prep_objects(noun.head, preps), find)
    if not sources and noun.dep_ in SUBJECT_DEPS:
        # "Russian airstrikes hit Aleppo" is coded on the verb; "The attack on X" stands alone.
        sources = []
    return sources, targets


def _mentions_of_all(tokens: Iterable[Token], find: MentionFinder) -> list[Mention]:
    found: list[Mention] = []
    for token in tokens:
        found.extend(nested_mentions(token, find))
    return found


def depth(token: Token) -> int:
    """Number of heads above a token in its sentence (0 for the root)."""
    steps = 0
    while token.head is not token and steps < 200:
        token = token.head
        steps += 1
    return steps
