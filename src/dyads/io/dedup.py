"""Find copies among articles: the same wire story republished by many outlets is one story.

:class:`Deduplicator` sees articles in order and says of each whether it is new, an
**exact** copy (same text once whitespace and Unicode forms are normalised) or a **near**
copy (MinHash estimate of the Jaccard similarity of the two texts' word shingles at or over
a threshold, found with MinHash LSH from datasketch) of an earlier one, and which.
Only new articles enter the index, so every copy points at the first article of its story.

Copies are not coded again: the ingest records them (:class:`ArticleCopy`, table
``article_copies``) so the story keeps all its sources, and stores each coded article's
fingerprint (table ``article_fingerprints``) so a later run finds copies of it too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from dyads.records import Article, content_hash, normalise_text

DedupMode = Literal["near", "exact", "off"]
Kind = Literal["new", "exact", "near"]

LSH_MAX_THRESHOLD = 0.9
"""The LSH index looks for candidates at this similarity at most (higher thresholds filter them)."""

_WORD = re.compile(r"\w+")
_SCHEME = "affine32"


class Verdict(BaseModel):
    """What an article is: ``new``, or an ``exact``/``near`` copy ``of`` an earlier article id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    of: str | None = Field(default=None, description="id of the earlier article it copies")
    similarity: float | None = Field(default=None, description="1.0 for exact copies; the MinHash Jaccard estimate for near ones")


class ArticleCopy(BaseModel):
    """A copy that was not coded: its own id and metadata, and the stored article it copies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    article_id: str = Field(description="the coded article (the story) this one copies")
    kind: Literal["exact", "near"]
    similarity: float
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    origin: str | None = None

    @classmethod
    def of(cls, article: Article, verdict: Verdict) -> "ArticleCopy":
        if verdict.kind == "new" or verdict.of is None:
            raise ValueError("a new article is not a copy")
        return cls(
            id=article.id,
            article_id=verdict.of,
            kind=verdict.kind,
            similarity=1.0 if verdict.similarity is None else verdict.similarity,
            title=article.title,
            url=article.url,
            outlet=article.outlet,
            published=article.published,
            origin=article.origin,
        )


@dataclass(frozen=True)
class Fingerprint:
    """The hash of an article's normalised text and, in near mode, its MinHash signature."""

    text_hash: str
    minhash: np.ndarray | None = None


def text_hash(text: str) -> str:
    """Hash of the normalised text: exact copies (whatever their url) hash alike."""
    return content_hash(normalise_text(text))


def shingles(text: str, *, size: int) -> set[bytes]:
    """The set of ``size``-word shingles of the lower-cased text (the whole text when shorter)."""
    words = _WORD.findall(text.lower())
    if not words:
        return set()
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


class Deduplicator:
    """Sees articles in order and tells new ones from exact and near copies of earlier ones.

    ``mode``: ``near`` (exact and near copies), ``exact`` (exact copies only) or ``off``
    (everything is new). ``threshold`` is the least estimated Jaccard similarity of two
    texts' ``shingle_words``-word shingles for a near copy; ``num_perm`` MinHash
    permutations (more: finer estimates, slower). Memory: one 32-bit value per permutation
    per new article, plus the LSH index (about 4.3-4.6 KB per article in near mode, 0.3 KB in
    exact mode: ``bench/streaming_memory.py``). ``window`` (0: no limit) keeps only the most
    recent ``window`` articles in the index, so memory stays bounded on an endless stream;
    a copy of an older article is then taken for a new one.
    """

    def __init__(
        self,
        *,
        mode: DedupMode = "near",
        threshold: float = 0.8,
        shingle_words: int = 3,
        num_perm: int = 128,
        seed: int = 1,
        window: int = 0,
    ) -> None:
        if mode not in ("near", "exact", "off"):
            raise ValueError(f"unknown dedup mode {mode!r}")
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if shingle_words < 1 or num_perm < 32:
            raise ValueError("shingle_words must be >= 1 and num_perm >= 32")
        if window < 0:
            raise ValueError("window must be >= 0 (0: no limit)")
        self.mode = mode
        self.threshold = threshold
        self.shingle_words = shingle_words
        self.num_perm = num_perm
        self.seed = seed
        self.window = window
        self.counts: Counter[str] = Counter()
        self._by_hash: dict[str, str] = {}
        self._hash_of: dict[str, str] = {}
        self._signatures: dict[str, np.ndarray] = {}
        self._order: dict[str, int] = {}
        self._arrivals: deque[str] = deque()
        self._added = 0
        self._lsh = None
        self._permutations = None
        if mode == "near":
            from datasketch import MinHash, MinHashLSH

            # LSH only proposes candidates (each is then checked against ``threshold``); over
            # LSH_MAX_THRESHOLD it would have too few bands, and proposing more costs little
            self._lsh = MinHashLSH(threshold=min(threshold, LSH_MAX_THRESHOLD), num_perm=num_perm)
            self._permutations = MinHash(num_perm=num_perm, seed=seed, scheme=_SCHEME).permutations

    @property
    def scheme(self) -> str | None:
        """Names how signatures are made; a stored signature of another scheme is made again."""
        if self.mode != "near":
            return None
        return f"minhash-{_SCHEME}-w{self.shingle_words}-p{self.num_perm}-s{self.seed}"

    def __len__(self) -> int:
        """Articles in the index (the new ones, and those added from a store)."""
        return len(self._order)

    def fingerprint(self, text: str) -> Fingerprint:
        """The text's hash and, in near mode, its MinHash signature (None for a text without words)."""
        digest = text_hash(text)
        if self.mode != "near":
            return Fingerprint(text_hash=digest)
        words = shingles(text, size=self.shingle_words)
        if not words:
            return Fingerprint(text_hash=digest)
        return Fingerprint(text_hash=digest, minhash=self._minhash(words).hashvalues)

    def _minhash(self, words: set[bytes]):  # -> datasketch.MinHash
        from datasketch import MinHash

        sketch = MinHash(num_perm=self.num_perm, permutations=self._permutations, scheme=_SCHEME)
        sketch.update_batch(words)
        return sketch

    def add(self, article_id: str, fingerprint: Fingerprint) -> None:
        """Put an article in the index as the first of its story (e.g. one already stored)."""
        if self.mode == "off" or article_id in self._order:
            return
        self._order[article_id] = self._added
        self._added += 1
        if self.window:
            self._arrivals.append(article_id)
        self._hash_of[article_id] = fingerprint.text_hash
        self._by_hash.setdefault(fingerprint.text_hash, article_id)
        if self._lsh is not None and fingerprint.minhash is not None:
            from datasketch import MinHash

            signature = np.asarray(fingerprint.minhash, dtype=np.uint32)
            self._signatures[article_id] = signature
            sketch = MinHash(hashvalues=signature, permutations=self._permutations, scheme=_SCHEME)
            self._lsh.insert(article_id, sketch, check_duplication=False)
        while self.window and len(self._arrivals) > self.window:
            self._forget(self._arrivals.popleft())

    def _forget(self, article_id: str) -> None:
        """Take the oldest article out of the index (``window``)."""
        del self._order[article_id]
        digest = self._hash_of.pop(article_id)
        if self._by_hash.get(digest) == article_id:
            del self._by_hash[digest]
        if self._signatures.pop(article_id, None) is not None and self._lsh is not None:
            self._lsh.remove(article_id)

    def check(self, article_id: str, text: str) -> Verdict:
        """Judge one article; a new one enters the index."""
        if self.mode == "off":
            self.counts["new"] += 1
            return Verdict(kind="new")
        fingerprint = self.fingerprint(text)
        verdict = self.judge(fingerprint)
        self.counts[verdict.kind] += 1
        if verdict.kind == "new":
            self.add(article_id, fingerprint)
        return verdict

    def see(self, article: Article) -> Verdict:
        """:meth:`check` for an :class:`~dyads.records.Article`."""
        return self.check(article.id, article.text)

    def judge(self, fingerprint: Fingerprint) -> Verdict:
        """What a fingerprint is against the index, without adding it."""
        earlier = self._by_hash.get(fingerprint.text_hash)
        if earlier is not None:
            return Verdict(kind="exact", of=earlier, similarity=1.0)
        if self._lsh is None or fingerprint.minhash is None:
            return Verdict(kind="new")
        from datasketch import MinHash

        sketch = MinHash(hashvalues=fingerprint.minhash, permutations=self._permutations, scheme=_SCHEME)
        best: tuple[float, int, str] | None = None
        for candidate in self._lsh.query(sketch):
            similarity = float(np.mean(self._signatures[candidate] == fingerprint.minhash))
            if similarity < self.threshold:
                continue  # LSH candidates include some under the threshold
            key = (-similarity, self._order[candidate], candidate)
            if best is None or key < best:
                best = key
        if best is None:
            return Verdict(kind="new")
        return Verdict(kind="near", of=best[2], similarity=round(-best[0], 4))

    def fingerprint_of(self, article_id: str) -> Fingerprint | None:
        """The fingerprint of an article in the index (to store it), or None."""
        digest = self._hash_of.get(article_id)
        if digest is None:
            return None
        return Fingerprint(text_hash=digest, minhash=self._signatures.get(article_id))


def near_pairs(texts: Sequence[tuple[str, str]], *, threshold: float = 0.8, shingle_words: int = 3, num_perm: int = 128) -> list[tuple[str, str, float]]:
    """Every pair (earlier id, later id, estimated Jaccard) at or over ``threshold`` among ``(id, text)``.

    Unlike :class:`Deduplicator`, every text enters the index, so a story with three
    copies gives three pairs. For measuring a corpus (``bench/dedup_speed.py``).
    """
    from datasketch import MinHashLSH

    finder = Deduplicator(mode="near", threshold=threshold, shingle_words=shingle_words, num_perm=num_perm)
    lsh = MinHashLSH(threshold=min(threshold, LSH_MAX_THRESHOLD), num_perm=num_perm)
    signatures: dict[str, np.ndarray] = {}
    pairs: list[tuple[str, str, float]] = []
    for article_id, text in texts:
        words = shingles(text, size=shingle_words)
        if not words:
            continue
        sketch = finder._minhash(words)
        for candidate in sorted(lsh.query(sketch)):
            similarity = float(np.mean(signatures[candidate] == sketch.hashvalues))
            if similarity >= threshold:
                pairs.append((candidate, article_id, round(similarity, 4)))
        if article_id not in signatures:
            signatures[article_id] = sketch.hashvalues
            lsh.insert(article_id, sketch, check_duplication=False)
    return pairs
