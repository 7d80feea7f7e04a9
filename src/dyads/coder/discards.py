"""Discard lists: phrases whose presence means a story or a sentence is not political news.

Event coders keep such lists for sports, weather and entertainment ("World Cup", "typhoon"),
where "Arsenal attacked" or "the storm killed" would otherwise be coded as conflict. The format
is PETRARCH's (its ``*.discards*`` files are read as they are): one phrase per line, ``_`` or a
space between words, ``#`` starts a comment; a line starting with ``+`` is a **story** discard
(the whole article yields no events), any other a **sentence** discard (the events of that
sentence are dropped). Matching is on whole words, case-insensitive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dyads.errors import DataError

_WORD = re.compile(r"\w+(?:['’-]\w+)*")


@dataclass(frozen=True)
class Discards:
    """Story-level and sentence-level discard phrases, each a tuple of lower-case words."""

    story: tuple[tuple[str, ...], ...] = ()
    sentence: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.story or self.sentence)

    def story_hit(self, text: str) -> tuple[str, ...] | None:
        """The first story phrase found in ``text``, or None."""
        return _first_hit(self.story, words_of(text))

    def sentence_hit(self, text: str) -> tuple[str, ...] | None:
        """The first sentence (or story) phrase found in ``text``, or None."""
        words = words_of(text)
        return _first_hit(self.sentence, words) or _first_hit(self.story, words)


def words_of(text: str) -> tuple[str, ...]:
    return tuple(word.lower() for word in _WORD.findall(text))


def _first_hit(phrases: tuple[tuple[str, ...], ...], words: tuple[str, ...]) -> tuple[str, ...] | None:
    for phrase in phrases:
        n = len(phrase)
        if any(words[i : i + n] == phrase for i in range(len(words) - n + 1)):
            return phrase
    return None


def parse_discards(text: str) -> Discards:
    """Read a discard list (see the module docstring)."""
    story: list[tuple[str, ...]] = []
    sentence: list[tuple[str, ...]] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        whole_story = line.startswith("+")
        phrase = words_of(line.lstrip("+").replace("_", " "))
        if phrase:
            (story if whole_story else sentence).append(phrase)
    return Discards(story=tuple(dict.fromkeys(story)), sentence=tuple(dict.fromkeys(sentence)))


def load_discards(path: Path | str | None) -> Discards:
    """The discard list in ``path`` (none when ``path`` is empty); E805 when it cannot be read."""
    if not path:
        return Discards()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(
            "E805", f"cannot read discard list {path}: {exc}",
            fix="give the path of a UTF-8 text file with one phrase per line (docs/ontology.md), or leave events.discards empty",
        ) from exc
    return parse_discards(text)
