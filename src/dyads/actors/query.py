"""Answer the event coder's question "who is this token?"."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from dyads.records import Mention, Span

from .names import sort_sectors

_LINK_PREPS = frozenset({"of", "for", "from"})
_SHARED_PREPS = _LINK_PREPS | {"in"}
_ROLE_KINDS = frozenset({"sector", "person"})
_COLLECTIVES = frozenset({"coalition", "alliance", "bloc", "group", "union", "league", "axis", "countries", "country", "states", "state", "powers", "nations", "partners", "allies", "members"})


def _mentions(doc: Doc) -> list[Mention]:
    mentions = getattr(doc._, "dyads_mentions", None) if Doc.has_extension("dyads_mentions") else None
    return list(mentions or [])


def _at(mentions: list[Mention], i: int) -> Mention | None:
    for mention in mentions:
        if mention.head == i:
            return mention
    for mention in mentions:
        if mention.start <= i < mention.end:
            return mention
    return None


def _coded_in_subtree(token: Token, mentions: list[Mention], skip: Mention) -> Mention | None:
    """The nearest coded mention below ``token``: possessive and of/for/from first, then any."""
    for child in token.children:
        if child.dep_ == "poss" or (child.dep_ == "prep" and child.lower_ in _LINK_PREPS):
            for sub in child.subtree:
                found = _at(mentions, sub.i)
                if found is not None and found is not skip and found.actor.code:
                    return found
    queue = list(token.children)
    while queue:
        current = queue.pop(0)
        found = _at(mentions, current.i)
        if found is not None and found is not skip and found.actor.code and found.kind in ("country", "capital", "group", "igo"):
            return found
        queue.extend(current.children)
    return None


def _fuller(token: Token, base: Mention, mentions: list[Mention]) -> Mention:
    """Give a role mention without a country the country of a modifier of its head."""
    if base.actor.code or base.kind not in _ROLE_KINDS:
        return base
    other = _coded_in_subtree(token.doc[base.head], mentions, base)
    if other is None:
        return base
    actor = base.actor.model_copy(
        update={
            "code": other.actor.code,
            "sectors": base.actor.sectors or sort_sectors(other.actor.sectors),
        }
    )
    return base.model_copy(update={"actor": actor})


def _shared_role(doc: Doc, base: Mention, mentions: list[Mention]) -> list[Mention]:
    """"Lawmakers in France and Germany", "the armies of Mali and Niger": a role whose country is
    the first of a list holds for every country, group or IGO of the list (same sectors and span)."""
    if base.kind != "sector" or not base.actor.code:
        return []
    out: list[Mention] = []
    for child in doc[base.head].children:
        if child.dep_ != "prep" or child.lower_ not in _SHARED_PREPS:
            continue
        for obj in child.children:
            first = _at(mentions, obj.i) if obj.dep_ == "pobj" else None
            if first is None or first.actor.code != base.actor.code:
                continue
            for conjunct in obj.conjuncts:
                other = _at(mentions, conjunct.i)
                if other is not None and other.kind in _MEMBER_KINDS and other.actor.code not in (None, base.actor.code):
                    out.append(base.model_copy(update={
                        "start": other.start, "end": other.end, "head": other.head,
                        "actor": base.actor.model_copy(update={"code": other.actor.code}),
                    }))
    return out


def _members(token: Token, mentions: list[Mention]) -> list[Mention]:
    """Members named after a collective noun: "the coalition of Russia, Iran and Syria"."""
    found: list[Mention] = []
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ("of", "between", "among"):
            for obj in child.children:
                if obj.dep_ != "pobj":
                    continue
                for member in (obj, *obj.conjuncts):
                    mention = _at(mentions, member.i)
                    if mention is not None and mention.kind in ("country", "capital", "group", "igo"):
                        found.append(mention)
    return found


_PLURAL_GROUPS = frozenset({"country", "state", "nation", "power", "ally", "partner", "member", "government", "side", "neighbour", "neighbor"})
_REFERRING = frozenset({"these", "those", "the", "both", "all"})
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_MEMBER_KINDS = ("country", "capital", "group", "igo")


def _listed_before(token: Token, mentions: list[Mention]) -> list[Mention]:
    """The members of the latest conjoined list of countries or groups before a plural description
    ("Russia, Iran, Iraq and Syria ... these countries"), in its sentence or the two before;
    with a number ("the four countries"), the latest list of that many anywhere before."""
    if token.tag_ not in ("NNS", "NNPS") or token.lemma_.lower() not in _PLURAL_GROUPS:
        return []
    words = {child.lower_ for child in token.children if child.dep_ in ("det", "nummod", "predet")}
    if not words & (_REFERRING | set(_NUMBERS)):
        return []
    wanted = next((_NUMBERS[w] for w in words if w in _NUMBERS), None)
    doc = token.doc
    earliest = 0 if wanted is not None else token.sent.start
    for _ in range(2 if wanted is None else 0):
        if earliest > 0:
            earliest = doc[earliest - 1].sent.start
    for mention in sorted(mentions, key=lambda m: m.start, reverse=True):
        if mention.start >= token.i or mention.start < earliest or mention.kind not in _MEMBER_KINDS:
            continue
        head = doc[mention.head]
        first = head.head if head.dep_ == "conj" else head
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head
        members = [m for m in (_at(mentions, t.i) for t in (first, *first.conjuncts)) if m is not None and m.kind in _MEMBER_KINDS]
        if len(members) >= 2 and (wanted is None or len(members) == wanted):
            words = doc[token.left_edge.i : token.i + 1]
            span = Span(start=words.start_char, end=words.end_char, text=words.text)
            # the member mentions, each with the words that refer to it here as its span
            return [m.model_copy(update={"actor": m.actor.model_copy(update={"span": span})}) for m in sorted(members, key=lambda m: m.start)]
    return []


def _single(token: Token, mentions: list[Mention]) -> list[Mention]:
    base = _at(mentions, token.i)
    if token.lemma_.lower() in _COLLECTIVES:
        members = _members(token, mentions)
        if members:
            return members
    if base is None:
        listed = _listed_before(token, mentions)
        if listed:
            return listed
    if base is None:
        return []
    found = [_fuller(token, base, mentions)]
    found += _shared_role(token.doc, found[0], mentions)
    # Conjoined modifiers inside the mention ("Hungarian and Romanian officials").
    for i in range(base.start, base.end):
        for linked in (token.doc[i].head, *token.doc[i].children):
            if token.doc[i].dep_ != "conj" and linked.dep_ != "conj":
                continue
            other = _at(mentions, linked.i)
            if other is not None and other is not base and other.end <= base.start:
                found.append(other)
    return found


def _listed_appositive(token: Token, mentions: list[Mention]) -> list[Token]:
    """"The United States, India, Israel and Pakistan sent ...": a list the parse hung on the
    first name as an appositive; its members when the appositive names a country, capital,
    group or IGO and is itself conjoined (a plain appositive, "its capital, Kabul", is not a list)."""
    if _at(mentions, token.i) is None:
        return []
    for child in token.children:
        if child.dep_ != "appos" or not child.conjuncts:
            continue
        first = _at(mentions, child.i)
        if first is not None and first.kind in _MEMBER_KINDS:
            return [child, *child.conjuncts]
    return []


def mentions_for(doc: Doc, token: Token) -> list[Mention]:
    """The actor mention(s) that the argument headed by ``token`` denotes.

    The mention containing ``token`` (or headed by it); conjuncts are expanded ("Russia
    and Iran" -> both); a role mention without a country takes one from a possessive,
    an of/for/from phrase or another country below it ("the army of Syria" -> SYR MIL).
    Returns ``[]`` when nothing codable is there. Needs ``doc._.dyads_mentions``.
    """
    mentions = _mentions(doc)
    if not mentions:
        return []
    found: list[Mention] = []
    for current in (token, *token.conjuncts, *_listed_appositive(token, mentions)):
        for mention in _single(current, mentions):
            if all((m.start, m.end) != (mention.start, mention.end) for m in found):
                found.append(mention)
    return sorted(found, key=lambda m: m.start)
