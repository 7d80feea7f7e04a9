"""Read -> code -> store (or export): the jobs behind ``dyads code`` and ``dyads ingest``.

Bad input is reported as :class:`~dyads.records.Problem` and skipped; the same article
twice in one run is coded once; ``ingest`` skips articles the store already holds (so a
rerun after a crash resumes) and commits each batch in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dyads.config import Settings
from dyads.errors import InputError
from dyads.io.readers import read_articles
from dyads.io.store import Store
from dyads.pipeline import Coded, batched, run
from dyads.records import Article, Event, Problem

Progress = Callable[[int, int], None]
"""Called after each batch with (articles done in this batch, events found in it)."""


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

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def read_sources(
    sources: Sequence[str | Path], *, report: RunReport, published: dt.date | None = None, max_bytes: int
) -> Iterator[Article]:
    """Articles from all sources, problems recorded in ``report``, repeats within the run dropped."""
    seen: set[str] = set()
    for source in sources:
        try:
            for item in read_articles(source, published=published, max_bytes=max_bytes):
                if isinstance(item, Problem):
                    report.problems.append(item)
                    continue
                report.articles_read += 1
                if item.id in seen:
                    report.duplicates_in_input += 1
                    continue
                seen.add(item.id)
                yield item
        except InputError as exc:  # a source that cannot be read at all: report it, go on with the rest
            report.problems.append(Problem(where=str(source), code=exc.code, reason=exc.message))


def code_sources(
    sources: Sequence[str | Path],
    *,
    settings: Settings,
    published: dt.date | None = None,
    report: RunReport,
    on_progress: Progress | None = None,
) -> Iterator[Event]:
    """Stream the events of every article in ``sources`` (no store)."""
    articles = read_sources(sources, report=report, published=published, max_bytes=settings.input.max_bytes)
    for batch in run(articles, settings):
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
) -> RunReport:
    """Code ``sources`` into the DuckDB store at ``db``; running it twice adds nothing."""
    report = RunReport()
    with Store.open(db) as store:
        articles = read_sources(sources, report=report, published=published, max_bytes=settings.input.max_bytes)
        fresh = _not_stored(articles, store=store, report=report, chunk=settings.nlp.batch_size)
        for batch in run(fresh, settings):
            n_events = _tally(batch, report)
            new_articles, new_events = store.write_batch([a for a, _ in batch], [e for _, evs in batch for e in evs])
            report.new_articles += new_articles
            report.new_events += new_events
            if on_progress is not None:
                on_progress(len(batch), n_events)
    return report


def _not_stored(articles: Iterable[Article], *, store: Store, report: RunReport, chunk: int) -> Iterator[Article]:
    for group in batched(articles, chunk):
        known = store.known_article_ids(a.id for a in group)
        report.already_stored += len(known)
        yield from (a for a in group if a.id not in known)


def _tally(batch: list[Coded], report: RunReport) -> int:
    n_events = sum(len(events) for _, events in batch)
    report.articles_coded += len(batch)
    report.events += n_events
    return n_events
