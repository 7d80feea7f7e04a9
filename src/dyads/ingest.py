"""Read -> code -> store (or export): the jobs behind ``dyads code`` and ``dyads ingest``.

Bad input is reported as :class:`~dyads.records.Problem` and skipped; the same article
twice in one run is coded once (among the last ``RECENT_IDS`` ids; the store catches older
ones); articles in a language the coder does not read are skipped
(E115, ``input.languages``); copies of an earlier article (exact, or near with MinHash:
``ingest.dedup``) are not coded again but recorded as more sources of it; ``ingest`` skips
articles (and copies) the store already holds, so a rerun after a crash resumes, and
commits each batch in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dyads.config import IngestSettings, Settings
from dyads.errors import InputError
from dyads.io.dedup import ArticleCopy, Deduplicator, Fingerprint
from dyads.io.language import LanguageFilter
from dyads.io.readers import ReadPosition, read_articles
from dyads.io.store import Store
from dyads.io.stores import open_store
from dyads.pipeline import Coded, batched, run
from dyads.records import Article, Event, Problem

if TYPE_CHECKING:
    from dyads.cluster import ClusterOptions

Progress = Callable[[int, int], None]
"""Called after each batch with (articles done in this batch, events found in it)."""

_BACKFILL_CHUNK = 500
RECENT_IDS = 100_000
"""Ids remembered to drop repeats within a run: bounded, so memory stays flat on any corpus.
A repeat from further back is still caught by the store (``ingest``) or as an exact copy (dedup)."""
COPY_CHUNK = 1_000
"""Copies (not coded) are written to the store at least every this many."""
PROBLEM_LIMIT = 10_000
"""Problems kept with their text in a :class:`RunReport`; later ones are only counted by code,
so an input of millions of bad lines does not grow memory."""


@dataclass
class RunReport:
    """What a run read, coded, skipped and stored."""

    articles_read: int = 0
    articles_coded: int = 0
    duplicates_in_input: int = 0
    already_stored: int = 0
    events: int = 0
    new_articles: int = 0
    new_events: int = 0
    problems: list[Problem] = field(default_factory=list)
    exact_copies: int = 0
    """Articles whose normalised text equals an earlier one's (not coded; recorded by ``ingest``)."""
    near_copies: int = 0
    """Articles at or over ``ingest.near_threshold`` similar to an earlier one (not coded; recorded)."""
    other_languages: Counter[str] = field(default_factory=Counter)
    """Articles skipped for their language, by ISO 639-1 code."""
    copies_recorded: int = 0
    """Copies newly written to the store's ``article_copies`` table."""
    n_errors: int = 0
    """Problems of severity error (input items skipped), kept or not."""
    n_warnings: int = 0
    """Problems of severity warning, kept or not."""
    problems_not_kept: Counter[str] = field(default_factory=Counter)
    """Problems past ``PROBLEM_LIMIT``, counted by code only."""

    def add_problem(self, problem: Problem) -> None:
        """Count a problem; keep it whole while fewer than ``PROBLEM_LIMIT`` are kept."""
        if problem.severity == "error":
            self.n_errors += 1
        else:
            self.n_warnings += 1
        if len(self.problems) < PROBLEM_LIMIT:
            self.problems.append(problem)
        else:
            self.problems_not_kept[problem.code] += 1

    @property
    def n_other_languages(self) -> int:
        return sum(self.other_languages.values())


def read_sources(
    sources: Sequence[str | Path],
    *,
    report: RunReport,
    published: dt.date | None = None,
    max_bytes: int,
    fmt: str | None = None,
    columns: Mapping[str, str] | None = None,
    fetch_links: bool = False,
    timeout: float = 30.0,
    max_archive_bytes: int = 2_000_000_000,
    max_compression_ratio: float = 200.0,
    position: ReadPosition | None = None,
    recent_ids: int = RECENT_IDS,
) -> Iterator[Article]:
    """Articles from all sources, problems recorded in ``report``, repeats within the run dropped.

    Repeats are told by id among the last ``recent_ids`` articles (memory stays bounded).
    The keyword options are :func:`dyads.io.readers.read_articles`'s.
    """
    seen: set[str] = set()
    order: deque[str] = deque()
    for source in sources:
        try:
            items = read_articles(
                source, published=published, max_bytes=max_bytes, fmt=fmt, columns=columns, fetch_links=fetch_links,
                timeout=timeout, max_archive_bytes=max_archive_bytes, max_compression_ratio=max_compression_ratio,
                position=position,
            )
            for item in items:
                if isinstance(item, Problem):
                    report.add_problem(item)
                    continue
                report.articles_read += 1
                if item.id in seen:
                    report.duplicates_in_input += 1
                    continue
                seen.add(item.id)
                order.append(item.id)
                if len(order) > recent_ids:
                    seen.discard(order.popleft())
                yield item
        except InputError as exc:  # a source that cannot be read at all: report it, go on with the rest
            report.add_problem(Problem(where=str(source), code=exc.code, reason=exc.message))


def _read(
    sources: Sequence[str | Path],
    *,
    settings: Settings,
    report: RunReport,
    published: dt.date | None,
    fmt: str | None,
    columns: Mapping[str, str] | None,
    fetch_links: bool | None,
    position: ReadPosition | None = None,
) -> Iterator[Article]:
    options = settings.input
    return read_sources(
        sources,
        report=report,
        published=published,
        max_bytes=options.max_bytes,
        fmt=fmt,
        columns=columns,
        fetch_links=options.fetch_links if fetch_links is None else fetch_links,
        timeout=options.timeout,
        max_archive_bytes=options.max_archive_bytes,
        max_compression_ratio=options.max_compression_ratio,
        position=position,
    )


def code_sources(
    sources: Sequence[str | Path],
    *,
    settings: Settings,
    published: dt.date | None = None,
    report: RunReport,
    on_progress: Progress | None = None,
    fmt: str | None = None,
    columns: Mapping[str, str] | None = None,
    fetch_links: bool | None = None,
    cluster: ClusterOptions | None = None,
    position: ReadPosition | None = None,
) -> Iterator[Event]:
    """Stream the events of every article in ``sources`` (no store).

    ``fmt`` overrides the input format, ``columns`` maps article fields to input columns,
    ``fetch_links`` (default: ``input.fetch_links``) lets feed entries' linked pages be read.
    Copies of an earlier article in the same run are counted, not coded (``ingest.dedup``).
    ``cluster`` codes the batches on Dask (:mod:`dyads.cluster`, docs/scaling.md) instead of ``nlp.n_process`` processes.
    ``position`` (:class:`~dyads.io.readers.ReadPosition`) follows the input bytes read, for a progress bar.
    """
    articles = _read(
        sources, settings=settings, report=report, published=published, fmt=fmt, columns=columns, fetch_links=fetch_links,
        position=position,
    )
    articles = _in_languages(articles, settings=settings, report=report)
    articles = _without_copies(articles, deduplicator(settings.ingest), report=report, on_copy=None)
    for batch in _coded_batches(articles, settings, cluster):
        n_events = _tally(batch, report)
        if on_progress is not None:
            on_progress(len(batch), n_events)
        for _, events in batch:
            yield from events


def ingest_sources(
    sources: Sequence[str | Path],
    *,
    db: str | Path,
    settings: Settings,
    published: dt.date | None = None,
    on_progress: Progress | None = None,
    fmt: str | None = None,
    columns: Mapping[str, str] | None = None,
    fetch_links: bool | None = None,
    cluster: ClusterOptions | None = None,
    position: ReadPosition | None = None,
) -> RunReport:
    """Code ``sources`` into the store at ``db`` (a DuckDB path or a ``postgresql://`` URL); running it twice adds nothing.

    Copies (``ingest.dedup``) of an article coded in this run or an earlier one are not
    coded: they go to the store's ``article_copies`` table as more sources of that article.
    The other options are :func:`code_sources`'s.
    """
    report = RunReport()
    with open_store(db) as store:  # a DuckDB path or a postgresql:// URL
        finder = deduplicator(settings.ingest)
        if finder is not None:
            load_fingerprints(store, finder)
        copies: list[ArticleCopy] = []

        def on_copy(copy: ArticleCopy) -> None:
            # written every COPY_CHUNK copies too, not only with a coded batch: a long run of
            # copies (wire reprints) must not pile up until the end of the input
            copies.append(copy)
            if finder is not None and len(copies) >= COPY_CHUNK:
                _record(store, finder, [], copies, report)

        articles = _read(
            sources, settings=settings, report=report, published=published, fmt=fmt, columns=columns, fetch_links=fetch_links,
            position=position,
        )
        fresh = _not_stored(articles, store=store, report=report, chunk=settings.nlp.batch_size)
        fresh = _in_languages(fresh, settings=settings, report=report)
        fresh = _without_copies(fresh, finder, report=report, on_copy=on_copy)
        for batch in _coded_batches(fresh, settings, cluster):
            n_events = _tally(batch, report)
            new_articles, new_events = store.write_batch([a for a, _ in batch], [e for _, evs in batch for e in evs])
            report.new_articles += new_articles
            report.new_events += new_events
            if finder is not None:
                _record(store, finder, [a for a, _ in batch], copies, report)
            if on_progress is not None:
                on_progress(len(batch), n_events)
        if finder is not None and copies:
            _record(store, finder, [], copies, report)
    return report


def deduplicator(settings: IngestSettings) -> Deduplicator | None:
    """The copy finder the settings ask for (None for ``dedup = "off"``)."""
    if settings.dedup == "off":
        return None
    return Deduplicator(
        mode=settings.dedup, threshold=settings.near_threshold, shingle_words=settings.shingle_words, num_perm=settings.num_perm,
        window=settings.dedup_window,
    )


def load_fingerprints(store: Store, finder: Deduplicator) -> int:
    """Put the store's articles in ``finder``'s index; returns how many fingerprints were made
    for stored articles that had none with ``finder``'s scheme (older stores, other settings)."""
    made = 0
    previous: list[str] = []
    while True:
        missing = store.articles_without_fingerprint(scheme=finder.scheme, limit=_BACKFILL_CHUNK)
        ids = [article_id for article_id, _ in missing]
        if not missing or ids == previous:  # the second test guards against a write that did not take
            break
        previous = ids
        store.write_dedup(fingerprints=[(i, finder.fingerprint(text)) for i, text in missing], scheme=finder.scheme)
        made += len(missing)
    for article_id, digest, minhash in store.fingerprints(scheme=finder.scheme, latest=finder.window or None):
        signature = None if minhash is None else np.asarray(minhash, dtype=np.uint32)
        finder.add(article_id, Fingerprint(text_hash=digest, minhash=signature))
    return made


def _record(store: Store, finder: Deduplicator, coded: list[Article], copies: list[ArticleCopy], report: RunReport) -> None:
    """Write the copies seen so far and the fingerprints of the articles just coded."""
    prints = [(a.id, fp) for a in coded if (fp := finder.fingerprint_of(a.id)) is not None]
    report.copies_recorded += store.write_dedup(copies=copies, fingerprints=prints, scheme=finder.scheme)
    copies.clear()


def _in_languages(articles: Iterable[Article], *, settings: Settings, report: RunReport) -> Iterator[Article]:
    """Articles in an accepted language (or too short to tell); the others become E115 problems."""
    languages = LanguageFilter(
        settings.input.languages, min_chars=settings.input.language_min_chars, counts=report.other_languages
    )
    for article in articles:
        problem = languages.judge(article)
        if problem is None:
            yield article
        else:
            report.add_problem(problem)


def _without_copies(
    articles: Iterable[Article],
    finder: Deduplicator | None,
    *,
    report: RunReport,
    on_copy: Callable[[ArticleCopy], None] | None,
) -> Iterator[Article]:
    """Articles that copy no earlier one; copies are counted and handed to ``on_copy``."""
    if finder is None:
        yield from articles
        return
    for article in articles:
        verdict = finder.see(article)
        if verdict.kind == "new":
            yield article
            continue
        if verdict.kind == "exact":
            report.exact_copies += 1
        else:
            report.near_copies += 1
        if on_copy is not None:
            on_copy(ArticleCopy.of(article, verdict))


def _not_stored(articles: Iterable[Article], *, store: Store, report: RunReport, chunk: int) -> Iterator[Article]:
    for group in batched(articles, chunk):
        ids = [a.id for a in group]
        known = store.known_article_ids(ids) | store.known_copy_ids(ids)
        report.already_stored += len(known)
        yield from (a for a in group if a.id not in known)


def _coded_batches(articles: Iterable[Article], settings: Settings, cluster: ClusterOptions | None) -> Iterator[list[Coded]]:
    """Batches of (article, events) in input order: on Dask with ``cluster``, else :func:`dyads.pipeline.run`."""
    if cluster is None:
        return run(articles, settings)
    from dyads.cluster import cluster_batches  # imports dask: only for Dask runs

    return cluster_batches(articles, settings=settings, options=cluster)


def _tally(batch: list[Coded], report: RunReport) -> int:
    n_events = sum(len(events) for _, events in batch)
    report.articles_coded += len(batch)
    report.events += n_events
    return n_events
