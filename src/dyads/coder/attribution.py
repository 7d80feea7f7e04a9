"""Who says an event happened, and with what status.

Status, most local first: ``negated`` ("did not attack", "no strikes"), ``hypothetical``
("will strike", "plans to visit", "threatened to expel", "if ... attacks"), then the reporting
verb above the event: ``denied`` ("Moscow denied that ...", "an attack that Moscow has denied"),
``claimed`` ("X said / claimed / alleged that ...", "according to X"), ``asserted`` otherwise
(also for "confirmed", "acknowledged"). Negation never flips an event into another code
silently: a negated conflict event keeps its code and is marked ``negated``; a negated act of
cooperation ("will not lift the ban", "failed to reach agreement") is a refusal, which CAMEO and
PLOVER both code as a rejection (:mod:`dyads.coder.refusal`): the event records the refused act's
code in ``negated_code``.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan, Token

from dyads.coder.arguments import MentionFinder, subject_of
from dyads.coder.refusal import REFUSING_VERBS
from dyads.records import Actor, Attribution, Span, Status
from dyads.stages.extensions import doc_text

REPORTING_VERBS: dict[str, Status] = {
    "say": "claimed", "tell": "claimed", "state": "claimed", "announce": "claimed", "report": "claimed",
    "claim": "claimed", "allege": "claimed", "insist": "claimed", "assert": "claimed", "add": "claimed",
    "write": "claimed", "declare": "claimed", "suggest": "claimed", "accuse": "claimed", "charge": "claimed",
    "confirm": "asserted", "acknowledge": "asserted", "admit": "asserted", "verify": "asserted",
    "deny": "denied", "dismiss": "denied", "refute": "denied", "dispute": "denied", "reject": "denied",
    "warn": "claimed", "expect": "claimed", "reiterate": "claimed", "stress": "claimed", "emphasise": "claimed",
    "emphasize": "claimed", "argue": "claimed", "conclude": "claimed",
}
# Nouns that carry a report: "denied reports that ...", "rejected accusations that ..."
REPORTING_NOUNS = frozenset({"report", "claim", "allegation", "accusation", "charge", "suggestion", "assertion", "rumour", "rumor"})
OBJECT_REPORTING_VERBS = frozenset({"deny", "confirm", "report", "claim", "dispute", "acknowledge", "admit", "reject", "dismiss", "refute"})
FAILING_HEADS = frozenset({"fail"}) | REFUSING_VERBS
HYPOTHETICAL_HEADS = frozenset({
    "plan", "expect", "intend", "threaten", "want", "hope", "prepare", "seek", "vow", "promise", "aim",
    "consider", "propose", "offer", "try", "attempt", "pledge", "ask", "urge", "call", "demand", "agree",
    "decide", "wish", "mull", "weigh", "discuss", "warn", "need", "order",
})
MODALS = frozenset({"will", "would", "may", "might", "could", "should", "shall", "must", "'ll", "wo"})
NEGATIONS = frozenset({"not", "n't", "never", "no"})
# How a reported clause hangs from its reporting verb. Not "conj": in "said X and vowed Y"
# the vow is a second act of the speaker, not part of what was said.
CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "parataxis", "dobj", "advcl", "pcomp", "pobj", "prep", "csubj", "acl"})
PRECEDENCE: dict[Status, int] = {"negated": 4, "hypothetical": 3, "denied": 2, "claimed": 1, "asserted": 0}
MEDIA_SECTORS = frozenset({"MED"})


@dataclass(frozen=True)
class Report:
    """A reporting verb or phrase that covers an event."""

    status: Status
    cue: Token
    speaker_token: Token | None


def _conditional(trigger: Token) -> bool:
    """"if"/"unless" on the trigger or on a clause it governs."""
    return any(
        (child.dep_ == "mark" and child.lower_ in {"if", "unless"})
        or (child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in {"if", "unless"} for m in child.children))
        for child in trigger.children
    )


def local_status(trigger: Token) -> Status | None:
    """Negation or modality marked on the trigger itself or on the clause above it."""
    for child in trigger.children:
        if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ == "no"):
            return "negated"
        if child.dep_ in {"nsubj", "nsubjpass"} and any(d.dep_ == "det" and d.lower_ == "no" for d in child.children):
            return "negated"  # "No Turkish troops were deployed"
        if child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in {"if", "unless"} for m in child.children):
            return "hypothetical"  # "If Iran enriches uranium, Israel would bomb ..."
    head = trigger.head
    if trigger.dep_ == "xcomp" and head.lemma_.lower() in FAILING_HEADS:
        return "negated"  # "Kenya failed to deploy troops"
    if trigger.dep_ in {"xcomp", "advcl"} and any(c.dep_ == "neg" for c in head.children):
        return "negated"  # "has never used missiles to strike ..."
    for child in trigger.children:
        if child.dep_ in {"aux", "auxpass"} and child.lower_ in MODALS:
            return "hypothetical"
        if child.dep_ == "mark" and child.lower_ in {"if", "unless"}:
            return "hypothetical"
        if child.dep_ == "aux" and child.lower_ == "to" and trigger.head.lemma_.lower() == "go":
            return "hypothetical"
    head = trigger.head
    if trigger.dep_ in {"xcomp", "ccomp", "pobj", "pcomp"} and head.lemma_.lower() in HYPOTHETICAL_HEADS:
        return "hypothetical"
    if trigger.dep_ == "pobj" and head.dep_ == "prep" and head.head.lemma_.lower() in HYPOTHETICAL_HEADS:
        return "hypothetical"
    if trigger.dep_ in {"dobj", "nsubjpass"} and head.lemma_.lower() in {"plan", "threaten", "propose", "prepare", "consider"}:
        return "hypothetical"
    return None


def _summing_appositive(trigger: Token) -> Report | None:
    """"... dropped bombs near Raqqa, an attack that Moscow has denied": an appositive noun
    in the trigger's clause whose relative clause reports on the whole event."""
    doc = trigger.doc
    found = doc.user_data.get("dyads_reporting_appositives")
    if found is None:  # once per doc: (appositive, its reporting relative clause)
        found = [
            (token.i, child.i)
            for token in doc
            if token.dep_ == "appos"
            for child in token.children
            if child.dep_ == "relcl" and child.lemma_.lower() in REPORTING_VERBS
        ]
        doc.user_data["dyads_reporting_appositives"] = found
    if not found:
        return None
    left, right = trigger.left_edge.i, trigger.right_edge.i  # a projective parse: the subtree is this range
    for appos, clause in found:
        if appos != trigger.i and left <= appos <= right:
            child = doc[clause]
            return Report(REPORTING_VERBS[child.lemma_.lower()], child, subject_of(child))
    return None


def reporting_above(trigger: Token) -> Report | None:
    """The nearest reporting verb the trigger's clause hangs from, or a relative clause that denies it."""
    if trigger.pos_ == "VERB":
        summed = _summing_appositive(trigger)
        if summed is not None:
            return summed
    token = trigger
    steps = 0
    while steps < 12:
        for child in token.children:
            if child.dep_ == "relcl" and child.lemma_.lower() in REPORTING_VERBS and child.i != trigger.i:
                return Report(REPORTING_VERBS[child.lemma_.lower()], child, subject_of(child))
            if child.dep_ in {"parataxis", "ccomp"} and child.lemma_.lower() in REPORTING_VERBS and child.i > trigger.i:
                return Report(REPORTING_VERBS[child.lemma_.lower()], child, subject_of(child))
        head = token.head
        if head.i == token.i:  # the root
            return None
        if head.pos_ == "NOUN" and head.lemma_.lower() in REPORTING_NOUNS and head.i != trigger.i:
            # "X denied reports that Y did Z": the verb that takes the report decides
            outer = head.head
            if head.dep_ in {"dobj", "nsubjpass"} and outer.lemma_.lower() in REPORTING_VERBS:
                return Report(REPORTING_VERBS[outer.lemma_.lower()], outer, subject_of(outer))
            return Report("claimed", head, None)
        if head.lemma_.lower() in REPORTING_VERBS and head.pos_ != "NOUN" and token.dep_ in CLAUSE_DEPS and head.i != trigger.i:
            if token.dep_ == "dobj" and head.lemma_.lower() not in OBJECT_REPORTING_VERBS:
                token = head
                steps += 1
                continue
            return Report(REPORTING_VERBS[head.lemma_.lower()], head, subject_of(head))
        token = head
        steps += 1
    return None


def according_to(sentence: SpacySpan) -> Token | None:
    """The object of "according to X" in a sentence."""
    for token in sentence:
        if token.lower_ == "according":
            for child in token.children:
                if child.lower_ == "to":
                    for obj in child.children:
                        if obj.dep_ == "pobj":
                            return obj
            following = token.nbor(1) if token.i + 1 < token.doc.__len__() else None
            if following is not None and following.lower_ == "to":
                for obj in following.children:
                    if obj.dep_ == "pobj":
                        return obj
    return None


def phrase_span(token: Token) -> Span:
    """Char span of the noun phrase headed by ``token`` (its left modifiers and the head)."""
    left = min([token.i, *[t.i for t in token.lefts]])
    start_tok = token.doc[left]
    end = token.idx + len(token.text)
    return Span(start=start_tok.idx, end=end, text=doc_text(token.doc)[start_tok.idx:end])


def speaker_actor(token: Token | None, find: MentionFinder) -> tuple[Actor | None, Span | None]:
    if token is None:
        return None, None
    mentions = find(token)
    span = phrase_span(token)
    if not mentions:
        return None, span
    actor = mentions[0].actor.model_copy(deep=True)
    return actor, actor.span or span


def is_outlet(actor: Actor | None, token: Token | None) -> bool:
    if actor is not None and MEDIA_SECTORS.intersection(actor.sectors):
        return True
    return token is not None and token.ent_type_ == "ORG" and actor is None


def attribute(
    trigger: Token, sentence: SpacySpan, find: MentionFinder, *, stated_intent: bool = False, refusal: bool = False
) -> Attribution:
    """The attribution of the event whose trigger is ``trigger``.

    For a stated intent ("Iran will release ...", coded as the intent) the modal is the
    intent itself, not a doubt about it: only negation counts locally. For a refusal (a negated
    act of cooperation coded as a rejection, :mod:`dyads.coder.refusal`) the negation and the
    modal are the refusal itself ("will not lift"): only a condition ("if", "unless") counts.
    """
    local = local_status(trigger)
    if refusal:
        local = "hypothetical" if _conditional(trigger) else None
    elif stated_intent and local == "hypothetical":
        local = None
    status: Status = local or "asserted"
    report = reporting_above(trigger)
    speaker: Actor | None = None
    source_span: Span | None = None
    reporting_source: str | None = None
    cue: Span | None = None
    if report is not None:
        speaker, source_span = speaker_actor(report.speaker_token, find)
        cue = Span(start=report.cue.idx, end=report.cue.idx + len(report.cue.text), text=report.cue.text)
        if PRECEDENCE[report.status] > PRECEDENCE[status]:
            status = report.status
        if is_outlet(speaker, report.speaker_token) and source_span is not None:
            reporting_source = source_span.text
    according = according_to(sentence)
    if according is not None:
        actor, span = speaker_actor(according, find)
        if speaker is None:
            speaker, source_span = actor, span
            if PRECEDENCE["claimed"] > PRECEDENCE[status]:
                status = "claimed"
            to = according.head
            start, end = to.idx - len("according "), to.idx + len(to.text)
            cue = Span(start=start, end=end, text=doc_text(sentence.doc)[start:end])
        if reporting_source is None and span is not None and is_outlet(actor, according):
            reporting_source = span.text
    return Attribution(status=status, speaker=speaker, reporting_source=reporting_source, cue=cue, source_span=source_span)
