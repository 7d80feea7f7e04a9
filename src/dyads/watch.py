"""Watch feeds and folders: every interval, code what is new into a store (``dyads watch``).

Each cycle reads the watched sources and ingests them with :func:`dyads.ingest.ingest_sources`,
so articles the store already holds (by content-hash id, or as a recorded copy) are skipped, not
coded again. Files (in a watched folder, or named) whose size and modification time have not
changed since they were last ingested are not even read: their ``(size, mtime)`` is kept in a
small JSON state file beside the store (``news.duckdb.watch.json``). URLs are fetched every cycle
(only the URLs the user gave). Nothing here prints; :func:`watch` yields one
:class:`CycleReport` per cycle, and its clock and sleep are arguments so tests need not wait.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from dyads.config import Settings
from dyads.errors import WatchError
from dyads.ingest import RunReport, ingest_sources
from dyads.io.fetch import is_url
from dyads.io.readers import folder_files
from dyads.records import Problem

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_STATE_VERSION = 1
MIN_INTERVAL = dt.timedelta(seconds=1)


class CycleReport(BaseModel):
    """What one watch cycle found and stored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cycle: int = Field(description="1 for the first cycle")
    started: dt.datetime = Field(description="UTC time the cycle began")
    seconds: float = Field(description="how long the cycle took")
    files_read: int = Field(description="new or changed files read")
    files_unchanged: int = Field(description="files skipped without reading: same size and mtime as when last ingested")
    urls_read: int = 0
    articles_read: int = 0
    articles_coded: int = 0
    already_stored: int = Field(default=0, description="articles (or copies) read again but already in the store")
    copies: int = Field(default=0, description="exact and near copies recorded, not coded")
    new_articles: int = 0
    new_events: int = 0
    problems: list[Problem] = Field(default_factory=list)
    stopped: bool = Field(default=False, description="the watch was asked to stop during this cycle (after a committed batch)")

    @classmethod
    def of(cls, run: RunReport, **fields: object) -> CycleReport:
        return cls(
            articles_read=run.articles_read,
            articles_coded=run.articles_coded,
            already_stored=run.already_stored,
            copies=run.exact_copies + run.near_copies,
            new_articles=run.new_articles,
            new_events=run.new_events,
            problems=list(run.problems),
            **fields,  # type: ignore[arg-type]
        )


def parse_interval(text: str) -> dt.timedelta:
    """``30s``, ``15m``, ``1h``, ``1d`` (also ``1.5h``) as a timedelta of at least one second.

    Raises:
        WatchError: E130 when it cannot be read, E131 when it is under one second.
    """
    match = _INTERVAL.match(text or "")
    if match is None:
        raise WatchError(
            "E130", f"cannot read the interval {text!r}",
            fix="give a number and a unit: s, m, h or d, e.g. --every 30s, 15m, 1h or 1d",
        )
    seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
    if not math.isfinite(seconds) or seconds < MIN_INTERVAL.total_seconds():
        raise WatchError("E131", f"the interval {text!r} is shorter than one second", fix="give --every 1s or more, e.g. 15m")
    return dt.timedelta(seconds=seconds)


def state_path_for(db: str | Path) -> Path:
    """The state file beside a store: ``news.duckdb`` -> ``news.duckdb.watch.json``."""
    return Path(f"{db}.watch.json")


class FileState:
    """``(size, mtime_ns)`` of each file as it was when last ingested, kept in a JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.files: dict[str, tuple[int, int]] = {}
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("version") == _STATE_VERSION:
                    self.files = {name: (int(size), int(mtime)) for name, (size, mtime) in data["files"].items()}
            except (OSError, ValueError, TypeError, KeyError, AttributeError):
                # an unreadable state only costs a re-read: the store still skips what it holds
                self.files = {}

    @staticmethod
    def key(path: Path) -> str:
        return str(path.resolve())

    @staticmethod
    def stamp(path: Path) -> tuple[int, int] | None:
        try:
            info = path.stat()
        except OSError:
            return None
        return info.st_size, info.st_mtime_ns

    def unchanged(self, path: Path, stamp: tuple[int, int] | None) -> bool:
        return stamp is not None and self.files.get(self.key(path)) == stamp

    def save(self, stamps: dict[Path, tuple[int, int]]) -> None:
        """Record files as ingested (written to a temporary file, then renamed: never half a file)."""
        if not stamps:
            return
        for path, stamp in stamps.items():
            self.files[self.key(path)] = stamp
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        temporary.write_text(json.dumps({"version": _STATE_VERSION, "files": self.files}, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.path)


class _Stopped(Exception):
    """Raised from the progress callback, after a committed batch, when a stop was asked for."""


def check_sources(sources: Sequence[str | Path]) -> None:
    """Every source must be a URL, a file or a folder that exists (stdin cannot be watched).

    Raises:
        WatchError: E132 with no source or one not found, E133 for stdin.
    """
    if not sources:
        raise WatchError("E132", "nothing to watch", fix="name a feed file or URL, or a folder, e.g. dyads watch news/ --db news.duckdb")
    for source in sources:
        text = str(source)
        if text == "-":
            raise WatchError("E133", "stdin cannot be watched: it is read once", fix="use `dyads ingest -` for stdin, or watch a folder")
        if not is_url(text) and not Path(text).exists():
            raise WatchError("E132", f"cannot watch {text}: no such file or folder", fix="check the path, or create the folder first")


def _plan(sources: Sequence[str | Path], state: FileState) -> tuple[list[str], dict[Path, tuple[int, int]], int, int]:
    """What to read this cycle: (inputs, stamps of the files among them, unchanged files, URLs)."""
    inputs: list[str] = []
    stamps: dict[Path, tuple[int, int]] = {}
    unchanged = urls = 0
    for source in sources:
        text = str(source)
        if is_url(text):
            inputs.append(text)
            urls += 1
            continue
        path = Path(text)
        files = folder_files(path) if path.is_dir() else [path] if path.exists() else []
        for file in files:
            stamp = FileState.stamp(file)
            if state.unchanged(file, stamp):
                unchanged += 1
                continue
            inputs.append(str(file))
            if stamp is not None:
                stamps[file] = stamp
    return inputs, stamps, unchanged, urls


def watch(
    sources: Sequence[str | Path],
    *,
    db: str | Path,
    settings: Settings,
    every: dt.timedelta,
    max_cycles: int | None = None,
    state_file: str | Path | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    stop: Callable[[], bool] = lambda: False,
) -> Iterator[CycleReport]:
    """Ingest ``sources`` into ``db`` now and then every ``every``, yielding a report per cycle.

    A cycle starts ``every`` after the previous one started (at once when it ran longer).
    ``max_cycles`` ends the watch after that many cycles (None: never). ``stop`` is asked after
    each committed batch and before each cycle: when it says True the watch ends, the batch
    in hand committed (its report says ``stopped``). ``state_file`` (default beside ``db``)
    keeps the files already ingested. ``clock`` (seconds), ``sleep`` and ``now`` are injectable.

    Raises:
        WatchError: E131 for an interval under one second, E132/E133 for sources (:func:`check_sources`),
            E134 for ``max_cycles`` below 1.
    """
    if every < MIN_INTERVAL:
        raise WatchError("E131", f"the interval {every} is shorter than one second", fix="give --every 1s or more, e.g. 15m")
    if max_cycles is not None and max_cycles < 1:
        raise WatchError("E134", f"max_cycles must be at least 1, got {max_cycles}", fix="give --max-cycles 1 or more (or --once)")
    check_sources(sources)
    state = FileState(Path(state_file) if state_file is not None else state_path_for(db))

    coded = [0]  # articles coded this cycle, for the report of a cycle cut short

    def on_batch(articles: int, _events: int) -> None:
        coded[0] += articles
        if stop():
            raise _Stopped

    cycle = 0
    while not stop():
        cycle += 1
        began, started = clock(), now()
        inputs, stamps, unchanged, urls = _plan(sources, state)
        run = RunReport()
        stopped = False
        coded[0] = 0
        if inputs:
            try:
                run = ingest_sources(inputs, db=db, settings=settings, on_progress=on_batch)
            except _Stopped:
                stopped = True  # the batches so far are committed; the files are read again next time
                run.articles_coded = coded[0]
            else:
                state.save(stamps)
        yield CycleReport.of(
            run, cycle=cycle, started=started, seconds=round(clock() - began, 3), files_read=len(stamps),
            files_unchanged=unchanged, urls_read=urls, stopped=stopped,
        )
        if stopped or (max_cycles is not None and cycle >= max_cycles):
            return
        wait = every.total_seconds() - (clock() - began)
        if wait > 0:
            sleep(wait)
