"""A reported obligation is a demand: "Russia said Sudan must return the helicopter".

When a speaker says that someone else must do something, CAMEO codes the saying as a demand
(root 10, PLOVER REQUEST) by the speaker on whoever must act, with the 10x code of the act
demanded, just as for "Russia demanded that Sudan return the helicopter". dyads codes it so
openly: the demand is an event of its own, triggered by the reporting verb, and the act stays
coded too, hypothetical (nothing says it happened). A speaker who says it must act itself
("France said it must send more troops") makes no demand. "should" is advice, not a demand,
and stays the act alone. The obligation may also be the content of a message its sender
delivers: "Chirac issued a stern reminder to Iraq that it must cooperate" (:func:`message_report`).
"""

from __future__ import annotations

from spacy.tokens import Token

from dyads.coder.arguments import subject_of
from dyads.coder.attribution import Report

OBLIGING_MODALS = frozenset({"must"})
OBLIGING_HEADS = frozenset({"have", "need"})  # "has to withdraw", "needs to return"

DEMANDS: dict[str, str] = {
    "04": "106",  # consult -> demand a meeting or talks
    "05": "102",  # diplomatic cooperation -> demand diplomatic support
    "06": "101",  # material cooperation -> demand material cooperation
    "07": "103",  # provide aid -> demand material aid
    "08": "105",  # yield -> demand that the target yield
    "083": "104",  # accede to political reform -> demand political reform
}
"""The CAMEO demand code for an act demanded, by the act's most specific code prefix listed;
any other act is an unspecified demand (100)."""


def obliged(trigger: Token) -> bool:
    """True when the verb is what its subject must do: "must return", "has to withdraw"."""
    if any(c.dep_ == "aux" and c.lower_ in OBLIGING_MODALS for c in trigger.children):
        return True
    head = trigger.head
    return (
        trigger.dep_ == "xcomp"
        and head.i != trigger.i
        and head.lemma_.lower() in OBLIGING_HEADS
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in trigger.children)
    )


def demand_code(act_code: str) -> str:
    """The CAMEO 10x code of demanding the act ``act_code``."""
    for length in (3, 2):
        found = DEMANDS.get(act_code[:length])
        if found is not None:
            return found
    return "100"


#: nouns of a message whose "that" clause says what someone must do
MESSAGE_NOUNS = frozenset({"reminder", "warning", "message", "ultimatum", "letter", "note", "order", "instruction"})


def message_report(trigger: Token) -> Report | None:
    """"X issued a stern reminder to Iraq that it must cooperate": the message noun (as the cue)
    and the subject of the verb that delivers it (as the speaker), for a clause that is the
    content of a message noun; ``None`` otherwise."""
    noun = trigger.head
    if trigger.dep_ not in ("acl", "ccomp") or noun.lemma_.lower() not in MESSAGE_NOUNS or noun.dep_ != "dobj":
        return None
    sender = subject_of(noun.head)
    return Report("claimed", noun, sender) if sender is not None else None
