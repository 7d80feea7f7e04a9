"""Coding posted articles while the server keeps answering: one queue, one worker thread.

The server process holds the only DuckDB writer. Posted articles are read with the same
rules as a JSONL input line (:func:`dyads.io.readers.read_stream`), queued as a job, and
one background thread codes them with the dyads pipeline (:func:`dyads.pipeline.run`,
in this process) and writes each batch with :meth:`Store.write_batch` on its own cursor,
so readers keep browsing the last committed data. Ids are content hashes: posting the
same articles again adds nothing.
"""

from __future__ import annotations

import io
import json
import logging
import queue
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from dyads.config import Settings
from dyads.errors import DyadsError, ServerError
from dyads.io.readers import read_stream
from dyads.pipeline import run
from dyads.records import Article, Problem
from dyads.server.database import ServedStore
from dyads.server.models import (
    IngestAccepted,
    IngestJob,
    IngestRequest,
    JobProblem,
    JobState,
)
from dyads.server.outbound import FetchPolicy, Resolver, fetch_allowed, system_resolver

LOG = logging.getLogger("dyads.server.ingest")


@dataclass
class _Job:
    id: str
    posted: int
    articles: list[Article]
    problems: list[Problem]
    urls: tuple[str, ...] = ()
    state: JobState = "queued"
    already_stored: int = 0
    new_articles: int = 0
    new_events: int = 0
    repeated: int = 0

    def view(self) -> IngestJob:
        return IngestJob(
            job=self.id,
            state=self.state,
            articles=self.posted,
            repeated=self.repeated,
            already_stored=self.already_stored,
            new_articles=self.new_articles,
            new_events=self.new_events,
            problems=[JobProblem(**p.model_dump()) for p in self.problems],
        )


class IngestQueue:
    """Jobs of posted articles, coded one after another by a single worker thread."""

    def __init__(
        self, *, store: ServedStore, settings: Settings, max_queued: int, kept: int,
        fetch: FetchPolicy | None = None, resolve: Resolver = system_resolver,
        on_write: Callable[[], None] | None = None,
    ) -> None:
        # Forking worker processes from a threaded server is unsafe: code in this process.
        self._settings = settings.with_overrides({"nlp.n_process": 1})
        self._store = store
        self._max_queued = max_queued
        self._kept = kept
        self._fetch = fetch or FetchPolicy()
        self._resolve = resolve
        self._on_write = on_write
        self._jobs: OrderedDict[str, _Job] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._closed = False

    # ----------------------------------------------------------------- requests

    def submit(self, request: IngestRequest) -> IngestAccepted:
        """Read the posted articles and queue them (E625 when too many jobs wait)."""
        job_id = secrets.token_hex(8)
        articles, problems, repeated = self._read(request, name=f"job {job_id}")
        job = _Job(
            id=job_id, posted=len(request.articles), articles=articles, problems=problems, repeated=repeated,
            urls=tuple(request.urls),
        )
        with self._lock:
            if self._closed:
                raise ServerError("E625", "the server is shutting down", fix="retry once it is back")
            waiting = sum(1 for j in self._jobs.values() if j.state in ("queued", "running"))
            if waiting >= self._max_queued:
                raise ServerError("E625", f"{waiting} ingestion jobs are waiting", fix="retry when some are done")
            self._jobs[job_id] = job
            self._forget_old()
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="dyads-ingest", daemon=True)
                self._thread.start()
        self._pending.put(job_id)
        return IngestAccepted(job=job_id, queued=len(articles))

    def status(self, job_id: str) -> IngestJob:
        """Where a job stands (E621 for an unknown or forgotten job)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise ServerError("E621", f"no ingestion job {job_id!r}", fix="use the job id POST /api/ingest returned")
            return job.view()

    def close(self, *, timeout: float = 30.0) -> None:
        """Stop taking jobs; let the worker finish the running batch, then stop it."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._pending.put(None)
            thread.join(timeout)

    # ----------------------------------------------------------------- work

    def _read(self, request: IngestRequest, *, name: str) -> tuple[list[Article], list[Problem], int]:
        """The posted articles read like JSONL input lines; problems; how many were repeats."""
        if not request.articles:  # URLs only: nothing to read here
            return [], [], 0
        lines = [json.dumps(item.model_dump(exclude_none=True), ensure_ascii=False) for item in request.articles]
        stream = io.BytesIO(("\n".join(lines) + "\n").encode("utf-8"))
        articles: list[Article] = []
        problems: list[Problem] = []
        seen: set[str] = set()
        repeated = 0
        for item in read_stream(stream, name=name, fmt="jsonl", max_bytes=self._settings.input.max_bytes):
            if isinstance(item, Problem):
                problems.append(item)
            elif item.id in seen:
                repeated += 1
            else:
                seen.add(item.id)
                articles.append(item)
        return articles, problems, repeated

    def _fetched(self, job: _Job, *, seen: set[str]) -> list[Article]:
        """The articles of the job's URLs, each fetched under the fetch policy (refusals become problems)."""
        out: list[Article] = []
        for url in job.urls:
            try:
                got = fetch_allowed(url, self._fetch, resolve=self._resolve)
            except ServerError as exc:
                with self._lock:
                    job.problems.append(Problem(where=url, code=exc.code, reason=exc.message))
                continue
            fmt = {"text/csv": "csv", "application/x-ndjson": "jsonl", "application/jsonl": "jsonl"}.get(got.content_type)
            # The page is read as it is: linked pages are never followed from here (fetch_links stays off).
            for item in read_stream(io.BytesIO(got.data), name=got.url, fmt=fmt, max_bytes=self._settings.input.max_bytes):
                with self._lock:
                    if isinstance(item, Problem):
                        job.problems.append(item)
                    elif item.id in seen:
                        job.repeated += 1
                    else:
                        seen.add(item.id)
                        out.append(item)
        return out

    def _forget_old(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.state in ("done", "failed")]
        for key in finished[: max(0, len(self._jobs) - self._kept)]:
            del self._jobs[key]

    def _work(self) -> None:
        while True:
            job_id = self._pending.get()
            if job_id is None:
                return
            with self._lock:
                job = self._jobs.get(job_id)
                if job is None or self._closed:
                    continue
                job.state = "running"
            self._run(job)

    def _run(self, job: _Job) -> None:
        session = self._store.session(read_only=False)
        try:
            articles = job.articles + self._fetched(job, seen={a.id for a in job.articles})
            known = session.known_article_ids(a.id for a in articles)
            fresh = [a for a in articles if a.id not in known]
            with self._lock:
                job.already_stored = len(known)
            for batch in run(fresh, self._settings):
                new_articles, new_events = session.write_batch(
                    [article for article, _ in batch], [event for _, events in batch for event in events]
                )
                if self._on_write is not None:
                    self._on_write()  # cached answers are stale now
                with self._lock:
                    job.new_articles += new_articles
                    job.new_events += new_events
                if self._closed:
                    raise ServerError("E625", "the server stopped before the job was done", fix="post the articles again")
        except DyadsError as exc:
            self._fail(job, code=exc.code, reason=exc.message)
        except Exception:  # the worker must outlive any one job; the cause goes to the log, not the client
            LOG.exception("ingestion job %s failed", job.id)
            self._fail(job, code="E626", reason="internal error while coding; see the server log")
        else:
            with self._lock:
                job.state = "done"
                job.articles = []
        finally:
            session.close()

    def _fail(self, job: _Job, *, code: str, reason: str) -> None:
        with self._lock:
            job.state = "failed"
            job.articles = []
            job.problems.append(Problem(where=f"job {job.id}", code=code, reason=reason))
