"""A refused act of cooperation is a rejection: "will not lift the ban", "failed to reach agreement".

CAMEO codes a refusal to cooperate, meet, help or yield under its 12 root ("Reject": 121 reject
material cooperation, 122 reject a request for aid, 124 refuse to yield, 125 refuse to meet or
negotiate...), and the PLOVER gold records code such sentences REJECT. dyads codes them the
same way, openly: the event becomes REJECT with the matching CAMEO 12x code, and
``Event.negated_code`` keeps the code of the act refused. A negated conflict event ("did not
attack") is not a refusal of anything: it keeps its code and the status ``negated``; so does a
negated statement or appeal (CAMEO 01-02).
"""

from __future__ import annotations

from spacy.tokens import Token

from dyads.ontology import cameo
from dyads.records import Event

REFUSING_VERBS = frozenset({"refuse", "decline"})
"""Verbs whose infinitive complement is an act not done ("refused to sign"): the act is negated,
and its refusal replaces the verb's own REJECT event (:func:`superseded`)."""

REFUSALS: dict[str, str] = {
    "03": "120",  # express intent to cooperate -> reject
    "036": "125",  # intent to meet or negotiate -> refuse to meet
    "031": "121",  # intent to cooperate materially (economic) -> reject material cooperation
    "032": "121",  # ... (military)
    "033": "122",  # intent to provide aid -> reject (a request for) aid
    "04": "125",  # consult -> refuse to meet or negotiate
    "05": "120",  # diplomatic cooperation, agreement -> reject
    "06": "121",  # material cooperation -> reject material cooperation
    "07": "122",  # provide aid -> reject (a request for) aid
    "08": "124",  # yield -> refuse to yield
    "083": "123",  # accede to political reform -> reject political reform
}
"""The CAMEO rejection code of a refused act, by the act's most specific code prefix listed."""


def refusal_code(code: str) -> str | None:
    """The CAMEO 12x code of refusing the act ``code`` (None: not an act of cooperation)."""
    for length in (3, 2):
        found = REFUSALS.get(code[:length])
        if found is not None:
            return found
    return None


def as_refusal(event: Event) -> Event | None:
    """``event`` (negated) coded as the refusal it states, or None when it is not an act of
    cooperation. The refused act's code goes to ``negated_code``; a stated intent's
    ``intended_code`` is dropped (the intent is what was refused)."""
    # "will not lift the embargo" is coded as a stated intent (03x) whose intended act (085) says what is refused
    code = refusal_code(event.intended_code) if event.intended_code else None
    code = code or refusal_code(event.cameo_code)
    if code is None or event.statement_only:
        return None
    entry = cameo(code)
    return event.model_copy(
        update={
            "plover_type": entry.plover_type,
            "plover_mode": entry.plover_mode,
            "cameo_code": code,
            "quad_class": entry.quad_class,
            "goldstein": entry.goldstein,
            "negated_code": event.cameo_code,
            "intended_code": None,
        }
    )


def refusing_head(trigger: Token) -> Token | None:
    """The refusing verb whose infinitive complement ``trigger`` is ("refused to *sign*"), or None."""
    head = trigger.head
    if trigger.dep_ == "xcomp" and head.i != trigger.i and head.lemma_.lower() in REFUSING_VERBS:
        return head
    return None
