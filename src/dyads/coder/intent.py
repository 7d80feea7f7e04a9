"""Stated intent: "X will release the prisoners" is, in CAMEO and PLOVER, an event of its own.

When an actor says it will (or plans to) do something, the event coded is the *intent*: an
intent to cooperate (CAMEO 03x, PLOVER AGREE) for cooperative acts, a threat (CAMEO 13x,
PLOVER THREATEN) for coercive and violent ones. The act intended is kept in
``Event.intended_code``. Predictions by someone else ("analysts said Iran would ...") and
mere possibility ("may", "could") are not intents; they stay the act, marked hypothetical.
A condition makes a conflict act a threat even with "may" ("the EC may halt its mediation if
the fighting goes on": 131; "will withdraw unless ...": the ultimatum 139); a cooperative act on
a condition ("will send aid if asked") is an offer and stays the act.
"""

from __future__ import annotations

from spacy.tokens import Token

INTENT_MODALS = frozenset({"will", "would", "shall", "'ll", "wo"})
INTENT_HEADS = frozenset({
    "plan", "intend", "prepare", "want", "aim", "seek", "hope", "expect", "decide", "move", "prepared", "ready", "willing", "determined",
})

# CAMEO root of the act -> CAMEO code of the intent to do it
INTENT_CODES = {
    "04": "036", "05": "032", "06": "031", "07": "033", "08": "035",
    "16": "131", "17": "137", "18": "138", "19": "138", "20": "138",
}


def states_intent(trigger: Token, *, triggers: set[int], reported: bool = False) -> bool:
    """True when the trigger is an act its own subject says it will or plans to do.

    "would" is a reported future ("Iran said it would release ...") only under a reporting
    verb (``reported``); alone it is conditional. Nothing under an if-clause is an intent.
    """
    if any(c.dep_ == "advcl" and any(m.lower_ in {"if", "unless"} for m in c.children) for c in trigger.children):
        return False
    modals = {c.lower_ for c in trigger.children if c.dep_ == "aux"} & INTENT_MODALS
    if modals - {"would"} or (modals and reported):
        return True
    head = trigger.head
    return trigger.dep_ == "xcomp" and head.lemma_.lower() in INTENT_HEADS and head.i not in triggers


ULTIMATUM_CODE = "139"
#: CAMEO roots of conflict acts (QuadClass 3 and 4) a condition turns into a threat
CONFLICT_ROOTS = frozenset({"11", "12", "16", "17", "18", "19", "20"})
PROMISING_VERBS = frozenset({"vow", "pledge", "promise", "swear"})
"""Verbs whose infinitive names the act promised ("vowed to fight"): the promise is the intent
to do that act (CAMEO 03x, or 13x for a conflict act), not a bare 030."""


def ultimatum(trigger: Token, *, reported: bool = False) -> bool:
    """"Nigeria will withdraw its force unless the president arranges a ceasefire": an act its
    subject says it will do unless another acts is an ultimatum (CAMEO 139, PLOVER THREATEN)."""
    return _foretold(trigger, INTENT_MODALS, reported=reported) and bool(conditions(trigger, ("unless",)))


def _foretold(trigger: Token, modals: frozenset[str], *, reported: bool) -> bool:
    """The trigger carries one of ``modals``; "would" counts only under a reporting verb."""
    found = {c.lower_ for c in trigger.children if c.dep_ == "aux"} & modals
    return bool(found - {"would"} or (found and reported))


def conditions(head: Token, marks: tuple[str, ...] = ("if", "unless")) -> list[Token]:
    """The adverbial clauses under ``head`` introduced by one of ``marks`` ("... unless Baghdad accepts")."""
    return [c for c in head.children
            if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in marks for m in c.children)]


#: modals of a conditional threat: "may halt mediation if ...", "could strike if ..."
THREAT_MODALS = INTENT_MODALS | {"may", "might", "could"}


def conditional_threat(trigger: Token, act_code: str, *, reported: bool = False) -> str | None:
    """The threat code of a conflict act its subject says it will (or may) do if another acts:
    "the European Community may halt mediation efforts if cooperation founders" threatens (CAMEO
    13x for the act's kind: 131 sanctions, 137 repression, 138 force; 139 otherwise); None when
    the sentence is no such threat. Cooperative acts under "if" are offers, not threats."""
    if act_code[:2] not in CONFLICT_ROOTS or not _foretold(trigger, THREAT_MODALS, reported=reported) or not conditions(trigger):
        return None
    intent = INTENT_CODES.get(act_code[:2])
    return intent if intent is not None and intent.startswith("13") else ULTIMATUM_CODE


def conditioned_party(trigger: Token) -> Token | None:
    """The subject of the "if" / "unless" clause a threat hangs on ("threatened to stop the talks if
    the United States deploys missiles", "will strike unless Baghdad accepts"): whom the threat
    is aimed at. Looked for under the trigger and the act it names (its infinitive)."""
    heads = [trigger, *(c for c in trigger.children if c.dep_ == "xcomp")]
    subjects = (c for head in heads for clause in conditions(head) for c in clause.children if c.dep_ in ("nsubj", "nsubjpass"))
    return next(subjects, None)


def promised_act(promise: Token, acts: dict[int, str]) -> tuple[Token, str] | None:
    """The coded act (its token and CAMEO code) a promising verb's infinitive names, or None."""
    if promise.lemma_.lower() not in PROMISING_VERBS:
        return None
    for child in promise.children:
        if child.dep_ == "xcomp" and child.i in acts:
            return child, acts[child.i]
    return None


def intent_code(act_code: str) -> str | None:
    """The CAMEO code of an intent to do ``act_code``; None where CAMEO has no intent form."""
    return INTENT_CODES.get(act_code[:2])
