"""Stated intent: "X will release the prisoners" is, in CAMEO and PLOVER, an event of its own.

When an actor says it will (or plans to) do something, the event coded is the *intent*: an
intent to cooperate (CAMEO 03x, PLOVER AGREE) for cooperative acts, a threat (CAMEO 13x,
PLOVER THREATEN) for coercive and violent ones. The act intended is kept in
``Event.intended_code``. Predictions by someone else ("analysts said Iran would ...") and
mere possibility ("may", "could") are not intents; they stay the act, marked hypothetical.
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
PROMISING_VERBS = frozenset({"vow", "pledge", "promise", "swear"})
"""Verbs whose infinitive names the act promised ("vowed to fight"): the promise is the intent
to do that act (CAMEO 03x, or 13x for a conflict act), not a bare 030."""


def ultimatum(trigger: Token, *, reported: bool = False) -> bool:
    """"Nigeria will withdraw its force unless the president arranges a ceasefire": an act its
    subject says it will do unless another acts is an ultimatum (CAMEO 139, PLOVER THREATEN)."""
    modals = {c.lower_ for c in trigger.children if c.dep_ == "aux"} & INTENT_MODALS
    if not (modals - {"would"} or (modals and reported)):
        return False
    return any(
        c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in c.children) for c in trigger.children
    )


def conditioned_party(trigger: Token) -> Token | None:
    """The subject of the "if" / "unless" clause a threat hangs on ("threatened to stop the talks if
    the United States deploys missiles", "will strike unless Baghdad accepts"): whom the threat
    is aimed at. Looked for under the trigger and the act it names (its infinitive)."""
    heads = [trigger, *(c for c in trigger.children if c.dep_ == "xcomp")]
    for head in heads:
        for clause in head.children:
            if clause.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in clause.children):
                subject = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                if subject is not None:
                    return subject
    return None


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
