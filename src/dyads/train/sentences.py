"""Sentences of a news JSONL file, for distilling a role tagger (no torch here: benches read it too)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path


def news_sentences(path: Path, *, limit: int, seed: int, exclude: frozenset[str] = frozenset()) -> list[str]:
    """Up to ``limit`` sentences (6 to 60 words, opening with a capital) of a JSONL file's ``text``
    fields, split at sentence ends, none of ``exclude``; a seeded sample (no labels are read)."""
    found = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            text = json.loads(line).get("text") or ""
        except (json.JSONDecodeError, AttributeError):
            continue
        for sentence in _SENTENCE_END.split(text):
            sentence = " ".join(sentence.split())
            if sentence[:1].isupper() and 6 <= len(sentence.split()) <= 60:
                found.append(sentence)
    found = sorted(set(found) - exclude)
    return random.Random(seed).sample(found, min(limit, len(found)))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])|\n+")
