"""``optimize_store``: rewrite a DuckDB store with its events in date order, newest first.

DuckDB keeps, for every row group of a column (about 122,880 rows), the smallest and largest
value it holds, and skips a row group a filter cannot match. A store whose input was not
chronological (an archive read folder by folder, a back-fill) has every date range in every
row group, so a one-year query reads the whole table. Written newest first, a date window
reads only the row groups of its dates, and "the newest 50 matching events" (the API's events
list) stops after the first few row groups (figures in docs/storage.md).

The store is written again into a new file beside it (``FILE.optimizing``) and then put in its
place with one rename: a crash or a full disk leaves the original untouched. Rows, ids and
every column stay as they were; only the order of ``events`` and ``event_actors`` changes, and
``events`` gains an index on ``article_id`` (its events for one article). The actor index
(:mod:`dyads.io.rollups`) is built again, sorted by prefix, newest first.
Events ingested later are appended after the sorted part: run it again after a large ingest.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import duckdb
from pydantic import BaseModel, ConfigDict

from dyads.errors import StoreError
from dyads.io.rollups import BLOCS, PAIRS, blocs_ready, build_index, index_ready
from dyads.io.rollups import TABLE as ACTOR_INDEX
from dyads.io.store import Store

ORDERED = {
    "events": "SELECT * FROM _dyads_source.events ORDER BY date DESC NULLS LAST, id",
    "event_actors": (
        "SELECT a.* FROM _dyads_source.event_actors a LEFT JOIN _dyads_source.events e ON e.id = a.event_id"
        " ORDER BY e.date DESC NULLS LAST, a.event_id, a.role, a.position"
    ),
}
"""How each reordered table is read; every other table is copied as it is."""

ARTICLE_INDEX = "CREATE INDEX IF NOT EXISTS events_article_id ON events (article_id)"
"""Sorted by date, an article's events lie in many row groups: this index finds them (one article's
events in about 1 ms instead of a scan of every row group on 1,000,000 events)."""


SUGGEST_FROM_EVENTS = 100_000
"""``dyads serve`` suggests ``dyads optimize`` for a store of at least this many events that never had it."""


def is_optimized(store: Store) -> bool:
    """Whether ``optimize_store`` has run on this store (it leaves the article index behind)."""
    return bool(store.query("SELECT 1 FROM duckdb_indexes() WHERE index_name = 'events_article_id'"))


def suggest_optimizing(store: Store) -> bool:
    """A large store that was never optimized, or lacks the actor index or the bloc index (optimized by
    an earlier dyads)."""
    if is_optimized(store) and index_ready(store) and blocs_ready(store):
        return False
    return int(store.query("SELECT count(*) AS n FROM events")[0]["n"]) >= SUGGEST_FROM_EVENTS


class OptimizeReport(BaseModel):
    """What :func:`optimize_store` did: rows per table copied, file sizes before and after, seconds."""

    model_config = ConfigDict(frozen=True)

    rows: dict[str, int]
    index_seconds: float = 0.0
    bytes_before: int
    bytes_after: int
    seconds: float


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def optimize_store(path: str | Path) -> OptimizeReport:
    """Rewrite the DuckDB store at ``path`` with ``events`` newest first and ``event_actors`` in
    their events' order.

    Raises:
        StoreError: E601 no store there, E602 another process has it open, E603 not a dyads store
            (from :meth:`Store.open`), E604 the copy failed (the original is untouched; typically a
            full disk: the store is written once more beside itself).
    """
    path = Path(path)
    started = time.perf_counter()
    if not path.is_file():
        raise StoreError("E601", f"no store at {path}", fix="give the DuckDB file `dyads ingest --db` wrote")
    with Store.open(path):  # checks it is a store no one else holds; closing checkpoints its log
        pass
    before = path.stat().st_size
    scratch = path.with_name(path.name + ".optimizing")
    rows: dict[str, int] = {}
    try:
        for leftover in (scratch, scratch.with_name(scratch.name + ".wal")):
            leftover.unlink(missing_ok=True)
        with duckdb.connect(str(scratch)) as con:
            con.execute("SET enable_progress_bar = false")
            con.execute(f"ATTACH {_literal(path)} AS _dyads_source (READ_ONLY)")
            tables = con.execute(
                "SELECT table_name, sql FROM duckdb_tables() WHERE database_name = '_dyads_source' AND schema_name = 'main' ORDER BY table_name"
            ).fetchall()
            for name, ddl in tables:
                if name in (ACTOR_INDEX, PAIRS, BLOCS):
                    continue  # built again below, in their own order
                con.execute(ddl)
                source = ORDERED.get(name, f'SELECT * FROM _dyads_source."{name}"')
                con.execute(f'INSERT INTO "{name}" {source}')
                rows[name] = int(con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
            indexes = con.execute(
                "SELECT sql FROM duckdb_indexes() WHERE database_name = '_dyads_source' AND sql IS NOT NULL"
            ).fetchall()
            con.execute("DETACH _dyads_source")
            for (ddl,) in indexes:
                con.execute(ddl)
            con.execute(ARTICLE_INDEX)
            indexing = time.perf_counter()
            rows[ACTOR_INDEX] = build_index(con)
            for name in (PAIRS, BLOCS):
                rows[name] = int(con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
            index_seconds = round(time.perf_counter() - indexing, 2)
            con.execute("CHECKPOINT")
        log = path.with_name(path.name + ".wal")
        if log.exists():  # it would be replayed onto the new file; closing the store above checkpoints it
            raise OSError(f"{log} is still there after the store was closed (another process wrote to it)")
        os.replace(scratch, path)
    except (duckdb.Error, OSError) as exc:
        with contextlib.suppress(OSError):
            scratch.unlink(missing_ok=True)
        raise StoreError(
            "E604", f"cannot optimize {path} (the original is unchanged): {exc}",
            fix="free disk space beside the store (it is written once more) and run it again",
        ) from exc
    return OptimizeReport(rows=rows, index_seconds=index_seconds, bytes_before=before, bytes_after=path.stat().st_size,
                          seconds=round(time.perf_counter() - started, 2))
