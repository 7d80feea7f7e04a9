"""Code articles on a Dask cluster: a LocalCluster on this machine or a running scheduler.

The work is the single-process path's, batch for batch: articles are cut into
``nlp.batch_size`` batches, each batch is one Dask task, and each task runs the dyads
:class:`~dyads.pipeline.Pipeline` that :class:`PipelinePlugin` built on its worker when
the worker joined (``setup(worker)``), so the model loads once per worker. A task that
raises is retried (``retries`` on submit). At most ``max_in_flight`` batches (default:
twice the workers' threads) are submitted and not yet handed on, so memory on the client
and the scheduler stays bounded however long the input is. Results are collected as they
complete and handed on in input order, so ``dyads code`` writes the same file and ``dyads
ingest`` commits the same batches as the single-process path. (The store would not need
the order: event and article ids are content hashes and :meth:`Store.write_batch` skips
ids it holds.)

With ``parts_dir`` each batch's events are also written as one Parquet part (the flat
columns of ``dyads code -o events.parquet``), named by a hash of the batch's article ids,
so a rerun overwrites its parts instead of adding copies. The client writes the parts and
the store; workers need no shared file system.

Error codes: E220 the scheduler cannot be reached, E221 no worker joined, E222 a batch
failed on every try, E223 bad cluster options, E224 the pipeline cannot be set up on a worker.
See ``docs/scaling.md``.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dyads.config import Settings
from dyads.errors import DyadsError
from dyads.pipeline import Coded, Pipeline, batched, code_batch
from dyads.records import Article, content_hash

import dask
from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker

if TYPE_CHECKING:
    from distributed import Worker

BeforeTask = Callable[[list[Article]], None]
"""Called on the worker with a batch before it is coded (tests use it to make a try fail)."""

PART_PREFIX = "part-"


class ClusterError(DyadsError):
    """The Dask cluster cannot be reached or a batch failed there (E220-E224).

    Unlike other dyads errors it survives pickling, so a worker can raise it to the client.
    """

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return functools.partial(type(self), fix=self.fix), (self.code, self.message)


class ClusterOptions(BaseModel):
    """Where and how to run: the ``cluster=`` option of :func:`dyads.ingest.code_sources` and
    :func:`dyads.ingest.ingest_sources`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    address: str = Field(default="local", description='"local" (a LocalCluster on this machine) or a scheduler address, e.g. tcp://host:8786')
    n_workers: int | None = Field(
        default=None, ge=1, le=256, description="local only: worker processes (default nlp.n_process when above 1, else one per core)"
    )
    max_in_flight: int | None = Field(
        default=None, ge=1, description="most batches submitted and not yet handed on (default: 2 x the workers' threads)"
    )
    retries: int = Field(default=2, ge=0, le=20, description="times a failed batch is tried again")
    timeout: float = Field(default=60.0, gt=0, description="seconds to wait for the scheduler and for its first worker")
    parts_dir: str | None = Field(default=None, description="also write each batch's events as a Parquet part in this folder")

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("give 'local' or a scheduler address such as tcp://host:8786")
        return value

    @classmethod
    def make(cls, **values: Any) -> "ClusterOptions":
        """Options from keyword values; a bad value is ClusterError E223."""
        try:
            return cls(**values)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise ClusterError("E223", f"bad cluster option {where}: {first['msg']}", fix="see docs/scaling.md") from exc

    @property
    def is_local(self) -> bool:
        return self.address == "local"


# --------------------------------------------------------------------------- worker side


class PipelinePlugin(WorkerPlugin):
    """Holds one dyads pipeline per worker, built from the settings when the worker sets it up.

    Registered under a name made from the settings (:func:`plugin_name`), with
    ``idempotent = True``: a second run with the same settings on a running cluster finds the
    model loaded. Tasks look it up by that name (:func:`code_on_worker`).
    """

    idempotent = True

    def __init__(self, settings_json: str) -> None:
        self.settings_json = settings_json
        self.pipeline: Pipeline | None = None
        self._lock: threading.Lock | None = None

    def setup(self, worker: Worker) -> None:
        try:
            pipeline = Pipeline(Settings.model_validate_json(self.settings_json))
            pipeline.nlp  # noqa: B018 - load the model now, not in the first task
        except DyadsError as exc:  # dyads errors do not pickle: send the worker's reason as a ClusterError
            raise ClusterError("E224", f"worker {worker.address} cannot build the pipeline: {exc.message}", fix=exc.fix) from None
        self.pipeline = pipeline
        self._lock = threading.Lock()  # one spaCy model must not run two batches at once (workers with several threads)

    def teardown(self, worker: Worker) -> None:
        self.pipeline = None

    def code(self, articles: list[Article]) -> list[Coded] | None:
        """The batch's (article, events) pairs; None when this worker has no pipeline."""
        if self.pipeline is None or self._lock is None:
            return None
        with self._lock:
            return list(self.pipeline.code_articles(articles))


def plugin_name(settings_json: str) -> str:
    """The plugin's name on the workers: one per distinct settings."""
    return f"dyads-pipeline-{content_hash(settings_json)}"


def code_on_worker(settings_json: str, name: str, articles: list[Article], before: BeforeTask | None = None) -> list[Coded]:
    """One Dask task: code a batch with the worker's pipeline (the plugin named ``name``).

    A worker without the plugin (it cannot happen once the plugin is registered, as the
    scheduler gives it to every worker that joins) codes with :func:`~dyads.pipeline.code_batch`,
    which loads the model once per process.
    """
    try:
        if before is not None:
            before(articles)
        plugin = get_worker().plugins.get(name)
        coded = plugin.code(articles) if isinstance(plugin, PipelinePlugin) else None
        return coded if coded is not None else code_batch(settings_json, articles)
    except DyadsError as exc:
        if isinstance(exc, ClusterError):
            raise
        raise ClusterError(exc.code, exc.message, fix=exc.fix) from None


# --------------------------------------------------------------------------- client side


def part_path(parts_dir: str | Path, batch: list[Coded]) -> Path:
    """Where a batch's part goes: named by a hash of its article ids (same batch, same name)."""
    return Path(parts_dir) / f"{PART_PREFIX}{content_hash(*(article.id for article, _ in batch))}.parquet"


def write_part(parts_dir: str | Path, batch: list[Coded]) -> Path:
    """Write one batch's events as a Parquet part, replacing the part of an earlier run.

    Written to a temporary name, then renamed: a crash leaves the old part or the new one,
    never half a file. A batch without events gives an empty part (the batch is done).
    """
    from dyads.io.export import write_events

    target = part_path(parts_dir, batch)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        write_events((event for _, events in batch for event in events), temporary, fmt="parquet")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _local_workers(options: ClusterOptions, settings: Settings) -> int:
    if options.n_workers is not None:
        return options.n_workers
    if settings.nlp.n_process > 1:
        return settings.nlp.n_process
    return os.cpu_count() or 1


def local_cluster(n_workers: int) -> LocalCluster:
    """The LocalCluster ``address="local"`` starts: ``n_workers`` processes of one thread, on
    loopback, without a dashboard. Nothing then reads the workers' statistical profiler, which
    samples the running task's stack every 10 ms (a few % of a coding run, docs/scaling.md), so it is off."""
    with dask.config.set({"distributed.worker.profile.enabled": False}):  # the workers take it when they start
        return LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # no dashboard; the scheduler's small HTTP server (health checks) takes a free loopback port,
            # not 8787, so two local runs never collide
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        )


def _connect(stack: ExitStack, options: ClusterOptions, settings: Settings) -> Client:
    """A client of a new LocalCluster (closed with ``stack``) or of the scheduler at the address."""
    if options.is_local:
        cluster = stack.enter_context(local_cluster(_local_workers(options, settings)))
        return stack.enter_context(Client(cluster, set_as_default=False))
    if options.n_workers is not None:
        raise ClusterError(
            "E223", "n_workers is for a local cluster only", fix="start the workers with the scheduler (docs/scaling.md), or use address='local'"
        )
    try:
        return stack.enter_context(Client(options.address, timeout=options.timeout, set_as_default=False))
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(
            "E220",
            f"cannot reach a Dask scheduler at {options.address}: {exc}",
            fix="start one (`dask scheduler`, a SLURMCluster or the Dask Helm chart, docs/scaling.md) or use --cluster local",
        ) from exc


def _register(client: Client, settings_json: str, options: ClusterOptions) -> str:
    """Wait for a worker, then put the pipeline plugin on every worker (now and joining later)."""
    try:
        client.wait_for_workers(1, timeout=options.timeout)
    except TimeoutError as exc:
        raise ClusterError(
            "E221",
            f"no Dask worker joined the scheduler at {options.address} within {options.timeout:g} s",
            fix="start workers (`dask worker ADDRESS --nthreads 1`) or scale the cluster up",
        ) from exc
    name = plugin_name(settings_json)
    try:
        client.register_plugin(PipelinePlugin(settings_json), name=name)
    except ClusterError:
        raise
    except Exception as exc:  # anything a worker's setup raised comes back as its own type
        raise ClusterError(
            "E224", f"the workers cannot set up the dyads pipeline: {exc}", fix="install dyads (same version) on every worker"
        ) from exc
    return name


def _threads(client: Client) -> int:
    return max(1, sum(client.nthreads().values()))


def _failed(index: int, batch_ids: list[str], retries: int, exc: BaseException) -> ClusterError:
    where = f"batch {index} (articles {batch_ids[0]}..{batch_ids[-1]})" if batch_ids else f"batch {index}"
    if isinstance(exc, DyadsError):
        return ClusterError(exc.code, f"{where} failed after {retries + 1} tries: {exc.message}", fix=exc.fix)
    return ClusterError(
        "E222",
        f"{where} failed after {retries + 1} tries: {type(exc).__name__}: {exc}",
        fix="see the worker logs; a worker killed for memory needs a smaller nlp.batch_size; rerun `dyads ingest` to resume",
    )


def cluster_batches(
    articles: Iterable[Article],
    *,
    settings: Settings,
    options: ClusterOptions | None = None,
    before_task: BeforeTask | None = None,
) -> Iterator[list[Coded]]:
    """Code ``articles`` on Dask, yielding one list of (article, events) per batch in input order.

    Batches are ``settings.nlp.batch_size`` articles, as in :func:`dyads.pipeline.run`.
    ``before_task`` runs on the worker before each try of a batch (a test hook).

    Raises:
        ClusterError: E220-E224 (see the module).
    """
    options = options or ClusterOptions()
    worker_settings = settings.with_overrides({"nlp.n_process": 1})  # workers code in their own process
    settings_json = worker_settings.to_json()
    with ExitStack() as stack:
        client = _connect(stack, options, settings)
        name = _register(client, settings_json, options)
        chunks = enumerate(batched(articles, settings.nlp.batch_size))
        index_of: dict[str, int] = {}
        ids_of: dict[int, list[str]] = {}
        ready: dict[int, list[Coded]] = {}
        running = as_completed(loop=client.loop)
        submitted = handed_on = 0
        token = secrets.token_hex(4)

        def fill() -> None:
            nonlocal submitted
            limit = options.max_in_flight or 2 * _threads(client)
            while submitted - handed_on < limit:
                item = next(chunks, None)
                if item is None:
                    return
                index, chunk = item
                future = client.submit(
                    code_on_worker, settings_json, name, chunk, before_task,
                    key=f"dyads-batch-{token}-{index}", retries=options.retries, pure=False,
                )
                index_of[future.key] = index
                ids_of[index] = [article.id for article in chunk]
                running.add(future)
                submitted += 1

        fill()
        for future in running:
            index = index_of.pop(future.key)
            try:
                ready[index] = future.result()
            except Exception as exc:  # a task's own error type, re-raised here by Dask
                running.clear()
                raise _failed(index, ids_of[index], options.retries, exc) from exc
            finally:
                future.release()
            while handed_on in ready:
                batch = ready.pop(handed_on)
                ids_of.pop(handed_on, None)
                if options.parts_dir is not None:
                    write_part(options.parts_dir, batch)
                handed_on += 1
                yield batch
            fill()


def code_on_cluster(
    articles: Iterable[Article],
    *,
    settings: Settings,
    address: str = "local",
    n_workers: int | None = None,
    batch_size: int | None = None,
    max_in_flight: int | None = None,
    retries: int = 2,
    timeout: float = 60.0,
    parts_dir: str | Path | None = None,
    before_task: BeforeTask | None = None,
) -> Iterator[Coded]:
    """Stream (article, events) pairs coded on Dask: the records :meth:`Pipeline.code_articles` yields.

    ``batch_size`` (default ``nlp.batch_size``) is the number of articles per task; the
    other options are :class:`ClusterOptions`'.
    """
    if batch_size is not None:
        settings = settings.with_overrides({"nlp.batch_size": batch_size})
    options = ClusterOptions.make(
        address=address, n_workers=n_workers, max_in_flight=max_in_flight, retries=retries, timeout=timeout,
        parts_dir=None if parts_dir is None else str(parts_dir),
    )
    for batch in cluster_batches(articles, settings=settings, options=options, before_task=before_task):
        yield from batch
