"""Datelines: where a story was filed, never one of its actors.

"MOSCOW, June 3 (Reuters) - Russian troops shelled ...", "Washington: The United States ...",
"KABUL (AP) -- ...": a sentence that opens with a place name, perhaps a date and a bracketed
agency, and then a dash or colon. The capital there is no Russian government acting, and the
words before the dash belong to no argument phrase.

The actor stage decides once per document (it knows which names are countries) and records the
datelines with :func:`record_datelines`; the argument rules and the classify stage read that
record with :func:`filed_end` and :func:`in_dateline`.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Span, Token

#: what ends a dateline
SEPARATORS = frozenset({"-", "--", "—", "–", ":"})
#: the longest dateline read, in tokens before its separator ("NEW YORK, Nov. 26 (Reuters)")
_MAX_TOKENS = 12
_MONTHS = frozenset({
    "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul", "july",
    "aug", "august", "sep", "sept", "september", "oct", "october", "nov", "november", "dec", "december",
})  # fmt: skip


def dateline_end(sentence: Span, *, is_country: Callable[[str], bool] = lambda name: False) -> int | None:
    """The index of the first token after the dateline that opens ``sentence``, or ``None``.

    A dateline is a capitalised place (a GPE or LOC entity, or words in capitals) as the first
    word, then only a date, a bracketed source and commas before a dash or colon. A country
    alone before a colon, in ordinary case ("Russia: we will respond"), is a headline's speaker,
    not a dateline (``is_country`` says which names are countries)."""
    first = next((t for t in sentence if not t.is_space), None)
    if first is None or not _opens_with_place(first):
        return None  # most sentences: decided before their tokens are gathered
    tokens = [t for t in sentence if not t.is_space]
    if len(tokens) < 3:
        return None
    depth = 0
    for position, token in enumerate(tokens[: _MAX_TOKENS + 1]):
        if position and token.text in SEPARATORS and depth == 0:
            rest = tokens[position + 1 :]
            if not rest or not rest[0].text[:1].isupper():
                return None
            head = tokens[:position]
            bare = not any(t.text in ",(" or t.like_num for t in head) and not all(t.is_upper for t in head)
            return None if bare and token.text == ":" and is_country(" ".join(t.text for t in head)) else rest[0].i
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif depth == 0 and not _dateline_word(token):
            return None
    return None


def _opens_with_place(token: Token) -> bool:
    return token.text[:1].isupper() and (token.ent_type_ in ("GPE", "LOC") or (token.is_upper and len(token.text) > 1))


def _dateline_word(token: Token) -> bool:
    """A word that may stand between a dateline's place and its dash: more of the place name (in
    capitals, tagged a place, or abbreviated: "Calif."), a comma, a day, a month, a year; not
    "Vice" of "US Vice - President"."""
    return (
        token.text == ","
        or token.text == "."
        or token.like_num
        or token.lower_.rstrip(".") in _MONTHS
        or token.is_upper
        or (token.text[:1].isupper() and (token.ent_type_ in ("GPE", "LOC") or token.text.endswith(".")))  # "W.Va.", "Calif."
    )


_RECORD = "dyads_datelines"  # Doc.user_data key: sentence start -> first token after its dateline


def record_datelines(doc: Doc, ends: dict[int, int]) -> None:
    """Record the datelines the actor stage found: sentence start token -> first token after it."""
    doc.user_data[_RECORD] = dict(ends)


def filed_end(sentence: Span) -> int | None:
    """The first token after the recorded dateline of ``sentence``; ``None`` when it has none or
    no actor stage has run on its document."""
    return sentence.doc.user_data.get(_RECORD, {}).get(sentence.start)


def in_dateline(token: Token) -> bool:
    """``token`` is a word of a recorded dateline."""
    return any(start <= token.i < end for start, end in token.doc.user_data.get(_RECORD, {}).items())
