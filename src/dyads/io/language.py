"""Tell an article's language offline (py3langid, whose model ships inside its wheel) and
skip articles in languages the coder does not read.

The coder reads English; an article in another language would be coded into noise, so it
is skipped with a Problem (E115) and counted. Texts shorter than ``min_chars`` are not
judged (too little to tell), nor are texts the model is unsure about: both are kept.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from dyads.records import Article, Problem

MIN_CONFIDENCE = 0.9
"""Least probability of the top language for a text to be judged at all."""

SAMPLE_CHARS = 2000
"""Only the first this many characters are looked at (the language does not change after)."""


class Guess(BaseModel):
    """The language a text is in (ISO 639-1 code, e.g. ``en``) and the model's probability."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: str
    probability: float


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    """The py3langid model (loaded once per process, from the package's own data)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def guess_language(text: str) -> Guess:
    """The most likely language of ``text`` (first :data:`SAMPLE_CHARS` characters) and its probability."""
    language, probability = _identifier().classify(text[:SAMPLE_CHARS])
    return Guess(language=str(language), probability=float(probability))


class LanguageFilter:
    """Passes articles in accepted languages, and those too short or too unclear to judge.

    ``languages`` are ISO 639-1 codes (``["en"]``); empty accepts everything without
    looking. ``skipped`` counts the skipped articles by language (into ``counts`` when given).
    """

    def __init__(
        self,
        languages: Sequence[str],
        *,
        min_chars: int = 100,
        min_confidence: float = MIN_CONFIDENCE,
        counts: Counter[str] | None = None,
    ) -> None:
        self.languages = frozenset(code.strip().lower() for code in languages if code.strip())
        self.min_chars = min_chars
        self.min_confidence = min_confidence
        self.skipped: Counter[str] = Counter() if counts is None else counts

    def judge(self, article: Article) -> Problem | None:
        """None when the article may be coded; else the E115 Problem saying why not."""
        if not self.languages:
            return None
        text = article.text.strip()
        if len(text) < self.min_chars:
            return None
        guess = guess_language(text)
        if guess.language in self.languages or guess.probability < self.min_confidence:
            return None
        self.skipped[guess.language] += 1
        accepted = ", ".join(sorted(self.languages))
        return Problem(
            where=article.origin or article.id,
            code="E115",
            reason=f"text is in '{guess.language}' (p={guess.probability:.2f}), not in input.languages [{accepted}]: skipped",
        )

    def filter(self, items: Iterable[Article | Problem]) -> Iterator[Article | Problem]:
        """``items`` with each article in another language replaced by its Problem."""
        for item in items:
            if isinstance(item, Article):
                problem = self.judge(item)
                yield item if problem is None else problem
            else:
                yield item
