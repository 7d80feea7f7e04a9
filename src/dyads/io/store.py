"""A DuckDB store of articles and coded events: one file, idempotent batched writes.

Every :meth:`Store.write_batch` is a single transaction: after a crash (even
``kill -9``) the store holds whole batches only, because DuckDB replays its
write-ahead log of committed transactions on the next open and drops the rest.
Ids are content hashes, so writing the same input twice adds nothing.

Queries only ever pass user values as SQL parameters. Schema version 2 keeps each event's actor
label prefixes and sentence text on its ``events`` row, so actor and text filters need no join and
no JSON; a version-1 store is upgraded in place on its first read-write open.

Error codes: E601 cannot open, E602 locked by another process (or opened twice
with different settings), E603 not a dyads store / schema mismatch, E604 a
write failed (rolled back), E605 bad query filter, E606 store is read-only or
closed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, get_args

import duckdb
import pyarrow as pa

from dyads.errors import StoreError
from dyads.io.dedup import ArticleCopy, Fingerprint
from dyads.io.rollups import add_to_index
from dyads.records import Actor, Article, Event, Span, Status

SCHEMA_VERSION = "2"
"""Bumped whenever a table changes. A version-1 store is upgraded in place when opened read-write
(:meth:`Store._migrate_v1`); read-only, or with any other version, it is refused (E603)."""

_CONNECT_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
_ID_CHUNK = 10_000
_INDEX_LOOKUPS = 1000
"""Pages of up to this many events read their records by index lookups (1,000 took ~33 ms on 1M events)."""
_STATUSES = frozenset(get_args(Status))
_LABEL = re.compile(r"^[A-Z0-9-]{2,}( [A-Z0-9-]{2,})*$")
_PREFIX = re.compile(r"[A-Z0-9-]{2,}( [A-Z0-9-]{2,})*")
"""What an actor filter can name (``_LABEL``, matched whole): only such label prefixes are kept."""

_DDL = (
    """CREATE TABLE IF NOT EXISTS meta (
        key VARCHAR PRIMARY KEY,
        value VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS articles (
        id VARCHAR PRIMARY KEY,
        title VARCHAR,
        url VARCHAR,
        outlet VARCHAR,
        published DATE,
        origin VARCHAR,
        text VARCHAR NOT NULL,
        n_events INTEGER NOT NULL DEFAULT 0,
        coded_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS events (
        id VARCHAR PRIMARY KEY,
        article_id VARCHAR NOT NULL,
        sentence_index INTEGER NOT NULL,
        plover_type VARCHAR,
        plover_mode VARCHAR,
        plover_context VARCHAR[],
        cameo_code VARCHAR NOT NULL,
        quad_class TINYINT NOT NULL,
        goldstein DOUBLE NOT NULL,
        statement_only BOOLEAN NOT NULL,
        date DATE,
        date_precision VARCHAR,
        date_derived_from VARCHAR,
        end_date DATE,
        status VARCHAR NOT NULL,
        speaker VARCHAR,
        reporting_source VARCHAR,
        location_name VARCHAR,
        location_lat DOUBLE,
        location_lon DOUBLE,
        location_country VARCHAR,
        location_admin1 VARCHAR,
        launch_site_country VARCHAR,
        trigger_start INTEGER NOT NULL,
        trigger_end INTEGER NOT NULL,
        trigger_text VARCHAR NOT NULL,
        sentence_start INTEGER NOT NULL,
        sentence_end INTEGER NOT NULL,
        coder VARCHAR NOT NULL,
        record VARCHAR NOT NULL,
        source_prefixes VARCHAR NOT NULL,
        target_prefixes VARCHAR NOT NULL,
        sentence_text VARCHAR NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS event_actors (
        event_id VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        position INTEGER NOT NULL,
        code VARCHAR,
        sectors VARCHAR[],
        label VARCHAR NOT NULL,
        name VARCHAR,
        role_title VARCHAR,
        span_start INTEGER,
        span_end INTEGER,
        span_text VARCHAR,
        PRIMARY KEY (event_id, role, position)
    )""",
    # Added without a schema version bump (CREATE IF NOT EXISTS: older stores gain them on
    # their next read-write open): copies of stored articles that were not coded again, and
    # the fingerprints that let a later run find copies of stored articles.
    """CREATE TABLE IF NOT EXISTS article_copies (
        id VARCHAR PRIMARY KEY,
        article_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        similarity DOUBLE NOT NULL,
        title VARCHAR,
        url VARCHAR,
        outlet VARCHAR,
        published DATE,
        origin VARCHAR,
        seen_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS article_fingerprints (
        article_id VARCHAR PRIMARY KEY,
        text_hash VARCHAR NOT NULL,
        scheme VARCHAR,
        minhash UINTEGER[]
    )""",
)

_COPY_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("article_id", pa.string()),
        ("kind", pa.string()),
        ("similarity", pa.float64()),
        ("title", pa.string()),
        ("url", pa.string()),
        ("outlet", pa.string()),
        ("published", pa.date32()),
        ("origin", pa.string()),
        ("seen_at", pa.timestamp("us")),
    ]
)

_FINGERPRINT_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("text_hash", pa.string()),
        ("scheme", pa.string()),
        ("minhash", pa.list_(pa.uint32())),
    ]
)

_ARTICLE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("url", pa.string()),
        ("outlet", pa.string()),
        ("published", pa.date32()),
        ("origin", pa.string()),
        ("text", pa.string()),
        ("n_events", pa.int32()),
        ("coded_at", pa.timestamp("us")),
    ]
)

_EVENT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("article_id", pa.string()),
        ("sentence_index", pa.int32()),
        ("plover_type", pa.string()),
        ("plover_mode", pa.string()),
        ("plover_context", pa.list_(pa.string())),
        ("cameo_code", pa.string()),
        ("quad_class", pa.int8()),
        ("goldstein", pa.float64()),
        ("statement_only", pa.bool_()),
        ("date", pa.date32()),
        ("date_precision", pa.string()),
        ("date_derived_from", pa.string()),
        ("end_date", pa.date32()),
        ("status", pa.string()),
        ("speaker", pa.string()),
        ("reporting_source", pa.string()),
        ("location_name", pa.string()),
        ("location_lat", pa.float64()),
        ("location_lon", pa.float64()),
        ("location_country", pa.string()),
        ("location_admin1", pa.string()),
        ("launch_site_country", pa.string()),
        ("trigger_start", pa.int32()),
        ("trigger_end", pa.int32()),
        ("trigger_text", pa.string()),
        ("sentence_start", pa.int32()),
        ("sentence_end", pa.int32()),
        ("coder", pa.string()),
        ("record", pa.string()),
        ("source_prefixes", pa.string()),
        ("target_prefixes", pa.string()),
        ("sentence_text", pa.string()),
    ]
)

_ACTOR_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("role", pa.string()),
        ("position", pa.int32()),
        ("code", pa.string()),
        ("sectors", pa.list_(pa.string())),
        ("label", pa.string()),
        ("name", pa.string()),
        ("role_title", pa.string()),
        ("span_start", pa.int32()),
        ("span_end", pa.int32()),
        ("span_text", pa.string()),
    ]
)


# --------------------------------------------------------------------------- actor label prefixes

_PREFIX_COLUMNS = {"source": "source_prefixes", "target": "target_prefixes"}
_V2_EVENT_COLUMNS = ("source_prefixes", "target_prefixes", "sentence_text")
"""The columns schema version 2 added to ``events``."""
_MIGRATING = "_dyads_events_v2"
"""The table a version-1 ``events`` table is rebuilt into (renamed ``events`` before the commit)."""


def _events_ddl(name: str) -> str:
    """The ``events`` table's DDL (from ``_DDL``) creating table ``name`` instead."""
    head = "CREATE TABLE IF NOT EXISTS events ("
    (statement,) = [text for text in _DDL if text.startswith(head)]
    return f"CREATE TABLE {name} (" + statement[len(head):]


def label_prefixes(labels: Iterable[str]) -> str:
    """The ``events.source_prefixes`` / ``target_prefixes`` text of these actor labels.

    Every whole-word prefix of every label that an actor filter can name (``RUS`` and ``RUS MIL``
    for ``RUS MIL``; ``---`` for an uncoded actor), distinct and sorted, each between ``|`` marks:
    ``"|RUS|RUS MIL|"``; ``""`` when there are none. ``contains(column, prefix_needle(label))`` is
    then true exactly when ``starts_with(some_label || ' ', label || ' ')``, the version-1 filter.
    """
    found: set[str] = set()
    for label in labels:
        cuts = [i for i, char in enumerate(label) if char == " "] + [len(label)]
        found.update(prefix for prefix in (label[:i] for i in cuts) if _PREFIX.fullmatch(prefix))
    return "|" + "|".join(sorted(found)) + "|" if found else ""


def prefix_needle(label: str) -> str:
    """What a prefixes column holds for a normalised actor filter ``label``: ``"|RUS MIL|"``."""
    return f"|{label}|"


def label_prefixes_sql(labels: str) -> str:
    """SQL giving :func:`label_prefixes` of ``labels``, a ``VARCHAR[]`` expression (NULL: none),
    the same text as the Python function; for filling the columns in bulk (migration, benches)."""
    prefixes = (
        f"list_sort(list_distinct(flatten(list_transform({labels}, lambda lab: list_filter(list_transform("
        "list_filter(range(1, length(lab) + 2), lambda i: i = length(lab) + 1 OR substr(lab, i, 1) = ' '),"
        f" lambda i: substr(lab, 1, i - 1)), lambda p: regexp_full_match(p, '{_PREFIX.pattern}'))))), 'ASC')"
    )
    return f"coalesce('|' || nullif(array_to_string({prefixes}, '|'), '') || '|', '')"


def actor_match_sql(alias: str = "e", *, roles: Sequence[str] = ("source", "target")) -> str:
    """A condition on ``events`` row ``alias``: one of its actors in ``roles`` (``source``,
    ``target``) matches a label prefix. Bind ``prefix_needle(label)`` once per role."""
    tests = [f"contains({alias}.{_PREFIX_COLUMNS[role]}, ?)" for role in roles]
    return tests[0] if len(tests) == 1 else "(" + " OR ".join(tests) + ")"


# --------------------------------------------------------------------------- row builders


def _article_row(article: Article, coded_at: dt.datetime) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "outlet": article.outlet,
        "published": article.published,
        "origin": article.origin,
        "text": article.text,
        "n_events": 0,
        "coded_at": coded_at,
    }


def _event_row(event: Event) -> dict[str, Any]:
    date, place, launch = event.date, event.location, event.launch_site
    speaker = event.attribution.speaker
    return {
        "id": event.id,
        "article_id": event.article_id,
        "sentence_index": event.sentence_index,
        "plover_type": event.plover_type,
        "plover_mode": event.plover_mode,
        "plover_context": list(event.plover_context),
        "cameo_code": event.cameo_code,
        "quad_class": event.quad_class,
        "goldstein": event.goldstein,
        "statement_only": event.statement_only,
        "date": date.date if date else None,
        "date_precision": date.precision if date else None,
        "date_derived_from": date.derived_from if date else None,
        "end_date": date.end_date if date else None,
        "status": event.attribution.status,
        "speaker": speaker.label if speaker else None,
        "reporting_source": event.attribution.reporting_source,
        "location_name": place.name if place else None,
        "location_lat": place.lat if place else None,
        "location_lon": place.lon if place else None,
        "location_country": place.country if place else None,
        "location_admin1": place.admin1 if place else None,
        "launch_site_country": launch.country if launch else None,
        "trigger_start": event.trigger.start,
        "trigger_end": event.trigger.end,
        "trigger_text": event.trigger.text,
        "sentence_start": event.sentence.start,
        "sentence_end": event.sentence.end,
        "coder": event.coder,
        "record": event.model_dump_json(),
        "source_prefixes": label_prefixes(actor.label for actor in event.sources),
        "target_prefixes": label_prefixes(actor.label for actor in event.targets),
        "sentence_text": event.sentence.text,
    }


def _actor_row(event_id: str, role: str, position: int, actor: Actor) -> dict[str, Any]:
    span: Span | None = actor.span
    return {
        "event_id": event_id,
        "role": role,
        "position": position,
        "code": actor.code,
        "sectors": list(actor.sectors),
        "label": actor.label,
        "name": actor.name,
        "role_title": actor.role,
        "span_start": span.start if span else None,
        "span_end": span.end if span else None,
        "span_text": span.text if span else None,
    }


def _actor_rows(event: Event) -> list[dict[str, Any]]:
    rows = [_actor_row(event.id, "source", i, actor) for i, actor in enumerate(event.sources)]
    rows += [_actor_row(event.id, "target", i, actor) for i, actor in enumerate(event.targets)]
    if event.attribution.speaker is not None:
        rows.append(_actor_row(event.id, "speaker", 0, event.attribution.speaker))
    return rows


def _unique_by_id(items: Iterable[Any]) -> list[Any]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            out.append(item)
    return out


# --------------------------------------------------------------------------- filters


def _normalise_cameo_root(value: str | int) -> str:
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 20:
        raise StoreError("E605", f"bad cameo_root {value!r}", fix="give a CAMEO root from 01 to 20, e.g. '19'")
    return f"{int(text):02d}"


def _normalise_label(value: str) -> str:
    label = " ".join(value.upper().split())
    if not _LABEL.match(label):
        raise StoreError(
            "E605", f"bad actor filter {value!r}", fix="give a code, optionally with sectors, e.g. 'RUS' or 'RUS MIL'"
        )
    return label


def _check_count(name: str, value: int | None) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise StoreError("E605", f"bad {name} {value!r}", fix=f"give {name} as a non-negative integer")


def _where(
    *,
    actor: str | None,
    country: str | None,
    plover_type: str | None,
    cameo_root: str | int | None,
    status: str | None,
    since: dt.date | None,
    until: dt.date | None,
    article_id: str | None = None,
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if article_id is not None:
        clauses.append("e.article_id = ?")
        params.append(article_id)
    if actor is not None:
        clauses.append(actor_match_sql("e"))
        params += [prefix_needle(_normalise_label(actor))] * 2
    if country is not None:
        clauses.append("e.location_country = ?")
        params.append(country.strip().upper())
    if plover_type is not None:
        clauses.append("e.plover_type = ?")
        params.append(plover_type.strip().upper())
    if cameo_root is not None:
        clauses.append("substr(e.cameo_code, 1, 2) = ?")
        params.append(_normalise_cameo_root(cameo_root))
    if status is not None:
        wanted = status.strip().lower()
        if wanted not in _STATUSES:
            raise StoreError("E605", f"bad status {status!r}", fix=f"use one of: {', '.join(sorted(_STATUSES))}")
        clauses.append("e.status = ?")
        params.append(wanted)
    if since is not None:
        clauses.append("e.date >= ?")
        params.append(since)
    if until is not None:
        clauses.append("e.date <= ?")
        params.append(until)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_FILTERS = ("actor", "country", "plover_type", "cameo_root", "status", "since", "until", "article_id")
_ORDER = " ORDER BY e.date NULLS LAST, e.article_id, e.sentence_index, e.trigger_start, e.id"


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction; a failed COMMIT (a full disk) has already ended it, and
    DuckDB then refuses ROLLBACK ("no transaction is active"): that is not a second error."""
    try:
        con.execute("ROLLBACK")
    except duckdb.TransactionException as exc:
        if "no transaction is active" not in str(exc):
            raise


def _disk_trouble(exc: BaseException) -> bool:
    """The error is the file system's: full, read-only, or not ours to write."""
    text = str(exc).lower()
    return any(sign in text for sign in ("no space left", "disk is full", "quota", "read-only file system", "permission denied"))


def _write_fix(path: str, exc: BaseException) -> str:
    """The E604 hint: a full disk says so (nothing of the failed write is kept; what was committed is)."""
    text = str(exc).lower()
    if "no space left" in text or "disk is full" in text or "quota" in text:
        return (
            f"the disk holding {path} is full: free space there (or move the store) and run the same command again;"
            " every batch committed before is kept and a rerun resumes after it"
        )
    if "read-only file system" in text or "permission denied" in text:
        return (
            f"{path} or its folder cannot be written: copy the store to a writable place; commands that only"
            " read it (dyads events, dyads serve) open it read-only"
        )
    return "check the disk space and that the store is not damaged; batches committed before are kept"


# --------------------------------------------------------------------------- the store


class Store:
    """Articles and events in one DuckDB file. Use :meth:`open`; close it (or use ``with``)."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, *, path: str, read_only: bool) -> None:
        self._con: duckdb.DuckDBPyConnection | None = connection
        self.path = path
        self.read_only = read_only

    # ----------------------------------------------------------------- lifecycle

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> "Store":
        """Open (creating it unless ``read_only``) the store at ``path``; ``":memory:"`` works too.

        Raises:
            StoreError: E601 unopenable, E602 locked, E603 not a dyads store.
        """
        where = str(path)
        if where != ":memory:":
            target = Path(where)
            if target.is_dir():
                raise StoreError("E601", f"store path is a folder: {where}", fix="give a file path such as events.duckdb")
            if not target.parent.is_dir():
                raise StoreError(
                    "E601", f"folder of the store does not exist: {target.parent}", fix="create the folder first"
                )
            if read_only and not target.exists():
                raise StoreError("E601", f"no store at {where}", fix="create it first with `dyads ingest FILE --db PATH`")
        try:
            connection = duckdb.connect(where, read_only=read_only, config=dict(_CONNECT_CONFIG))
        except duckdb.Error as exc:
            message = str(exc)
            if "lock" in message.lower() or "different configuration" in message.lower():
                raise StoreError(
                    "E602",
                    f"store {where} is in use: {message}",
                    fix="close the other program or process using it, or open a copy read-only",
                ) from exc
            raise StoreError(
                "E601",
                f"cannot open store {where}: {message}",
                fix=_write_fix(where, exc)
                if _disk_trouble(exc)
                else "check the path points to a DuckDB file dyads wrote (or a new file name)",
            ) from exc
        store = cls(connection, path=where, read_only=read_only)
        try:
            store._prepare()
        except BaseException:
            connection.close()
            raise
        return store

    def _prepare(self) -> None:
        con = self._connection()
        # DuckDB draws a progress bar on stdout for long queries, which would corrupt JSON output
        con.execute("SET enable_progress_bar = false")
        if self.read_only:
            try:
                row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            except duckdb.Error as exc:
                if not con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()[0]:
                    raise StoreError(
                        "E603",
                        f"{self.path} is an empty DuckDB file, not yet a dyads store (was the run creating it killed?)",
                        fix=f"run the same `dyads ingest ... --db {self.path}` again: it sets the store up and codes the articles",
                    ) from exc
                raise StoreError(
                    "E603", f"{self.path} is not a dyads store", fix="open a file written by dyads"
                ) from exc
        else:
            try:
                con.execute("BEGIN TRANSACTION")
                for statement in _DDL:
                    con.execute(statement)
                con.execute(
                    "INSERT INTO meta SELECT 'schema_version', ? WHERE NOT EXISTS "
                    "(SELECT 1 FROM meta WHERE key = 'schema_version')",
                    [SCHEMA_VERSION],
                )
                con.execute("COMMIT")
            except duckdb.Error as exc:
                _rollback(con)
                raise StoreError(
                    "E603",
                    f"cannot set up tables in {self.path}: {exc}",
                    fix=_write_fix(self.path, exc) if _disk_trouble(exc) else "use a new file for the dyads store",
                ) from exc
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is not None and row[0] == "1":
            if self.read_only:
                raise StoreError(
                    "E603",
                    f"{self.path} has schema version 1, this dyads needs {SCHEMA_VERSION}"
                    " (an older store is upgraded in place when it is opened read-write)",
                    fix="open it once read-write to upgrade it, e.g. python -c \"from dyads.io.store import Store;"
                    f" Store.open('{self.path}').close()\" (or write to it with dyads ingest), then read it as before",
                )
            self._migrate_v1()
            row = (SCHEMA_VERSION,)
        if row is None or row[0] != SCHEMA_VERSION:
            found = None if row is None else row[0]
            raise StoreError(
                "E603",
                f"{self.path} has schema version {found}, this dyads needs {SCHEMA_VERSION}",
                fix="write to a new store file, or re-code the articles with this version",
            )

    def _migrate_v1(self) -> None:
        """Upgrade a version-1 store to version 2 in place, in ONE transaction.

        ``events`` is rebuilt with the version-2 columns (``source_prefixes`` and
        ``target_prefixes`` from the ``event_actors`` labels, ``sentence_text`` from each record),
        keeping its rows, their order and every other column, and ``schema_version`` becomes 2.
        Rebuilding was several times faster than ``ALTER TABLE ADD COLUMN`` + ``UPDATE`` on
        1,000,000 events (docs/storage.md). A failure or crash leaves the store at version 1
        (rolled back), and the next read-write open tries again.
        """
        con = self._connection()
        kept = [name for name in _EVENT_SCHEMA.names if name not in _V2_EVENT_COLUMNS]
        prefixes = {
            role: label_prefixes_sql(f"list(a.label) FILTER (WHERE a.role = '{role}')") for role in _PREFIX_COLUMNS
        }
        fill = (
            f"INSERT INTO {_MIGRATING} ({', '.join(kept)}, {', '.join(_V2_EVENT_COLUMNS)})"
            f" SELECT {', '.join('e.' + name for name in kept)}, coalesce(p.source_prefixes, ''),"
            " coalesce(p.target_prefixes, ''), coalesce(json_extract_string(e.record, '$.sentence.text'), '')"
            f" FROM events e LEFT JOIN (SELECT a.event_id, {prefixes['source']} AS source_prefixes,"
            f" {prefixes['target']} AS target_prefixes FROM event_actors a"
            " WHERE a.role IN ('source', 'target') GROUP BY a.event_id) p ON p.event_id = e.id"
            " ORDER BY e.rowid"
        )
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(_events_ddl(_MIGRATING))
            con.execute(fill)
            con.execute("DROP TABLE events")
            con.execute(f"ALTER TABLE {_MIGRATING} RENAME TO events")
            con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [SCHEMA_VERSION])
            con.execute("COMMIT")
        except duckdb.Error as exc:
            _rollback(con)
            raise StoreError(
                "E603",
                f"cannot upgrade {self.path} from schema version 1 (rolled back, still version 1): {exc}",
                fix="check the disk space (the events table is written again once) and open it read-write again",
            ) from exc
        except BaseException:
            _rollback(con)
            raise

    def close(self) -> None:
        """Close the store (idempotent); DuckDB checkpoints the log on close."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise StoreError("E606", f"store {self.path} is closed", fix="open it again with Store.open(...)")
        return self._con

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run one read query with ``?`` parameters and return its rows as dicts.

        For the analytics and the server, which compose their own SQL over the tables above;
        values always go in ``params``, never into ``sql``.
        """
        cursor = self._connection().cursor()
        try:
            result = cursor.execute(sql, list(params))
            names = [column[0] for column in result.description or ()]
            return [dict(zip(names, row)) for row in result.fetchall()]
        finally:
            cursor.close()

    # ----------------------------------------------------------------- writing

    def write_batch(self, articles: Sequence[Article], events: Sequence[Event]) -> tuple[int, int]:
        """Write articles and their events in ONE transaction; return (new articles, new events).

        Rows whose id is already stored (or repeated in the batch) are skipped, so
        writing the same batch twice adds nothing. Events without an id get their
        content-hash id (on a copy; the caller's objects are not changed). On any
        failure the whole batch is rolled back and StoreError E604 is raised.
        """
        if self.read_only:
            raise StoreError("E606", f"store {self.path} is open read-only", fix="open it with read_only=False")
        con = self._connection()
        batch_articles: list[Article] = _unique_by_id(articles)
        batch_events: list[Event] = _unique_by_id(
            event if event.id else event.model_copy(deep=True).assign_id() for event in events
        )
        coded_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        con.execute("BEGIN TRANSACTION")
        try:
            known_articles = self._existing("articles", [a.id for a in batch_articles])
            new_articles = [a for a in batch_articles if a.id not in known_articles]
            known_events = self._existing("events", [e.id for e in batch_events])
            new_events = [e for e in batch_events if e.id not in known_events]
            self._insert("articles", _ARTICLE_SCHEMA, [_article_row(a, coded_at) for a in new_articles])
            event_table = self._insert("events", _EVENT_SCHEMA, [_event_row(e) for e in new_events])
            actor_table = self._insert("event_actors", _ACTOR_SCHEMA, [row for e in new_events for row in _actor_rows(e)])
            # the actor and bloc indexes (dyads.io.rollups) stay exact, read from the rows just written
            add_to_index(con, new_events, tables=(event_table, actor_table))
            touched = sorted({e.article_id for e in new_events})
            if touched:
                con.execute(
                    "UPDATE articles SET n_events = c.n FROM ("
                    " SELECT article_id, count(*)::INTEGER AS n FROM events"
                    " WHERE list_contains(?, article_id) GROUP BY article_id) c"
                    " WHERE articles.id = c.article_id",
                    [touched],
                )
            con.execute("COMMIT")
        except duckdb.Error as exc:
            _rollback(con)
            raise StoreError(
                "E604", f"batch not written (rolled back): {exc}", fix=_write_fix(self.path, exc)
            ) from exc
        except BaseException:
            _rollback(con)
            raise
        return len(new_articles), len(new_events)

    def _insert(self, table: str, schema: pa.Schema, rows: list[dict[str, Any]]) -> pa.Table:
        """Insert ``rows`` into ``table``; returns them as the Arrow table that was inserted."""
        batch = pa.Table.from_pylist(rows, schema=schema)
        if not rows:
            return batch
        con = self._connection()
        view = f"_dyads_batch_{table}"
        con.register(view, batch)
        try:
            columns = ", ".join(schema.names)
            con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {view}")
        finally:
            con.unregister(view)
        return batch

    def _existing(self, table: str, ids: list[str]) -> set[str]:
        con = self._connection()
        found: set[str] = set()
        for start in range(0, len(ids), _ID_CHUNK):
            chunk = ids[start : start + _ID_CHUNK]
            rows = con.execute(f"SELECT id FROM {table} WHERE list_contains(?, id)", [chunk]).fetchall()
            found.update(row[0] for row in rows)
        return found

    # ----------------------------------------------------------------- copies (de-duplication)

    def write_dedup(
        self,
        *,
        copies: Sequence[ArticleCopy] = (),
        fingerprints: Sequence[tuple[str, Fingerprint]] = (),
        scheme: str | None = None,
    ) -> int:
        """Record article copies and ``(article id, fingerprint)`` pairs in ONE transaction.

        Copies whose id is already recorded are skipped (returns how many were new); a
        fingerprint replaces the article's earlier one (``scheme`` names how its MinHash
        was made; None: only the text hash). E604 when the write fails (rolled back), E606 read-only or closed.
        """
        if self.read_only:
            raise StoreError("E606", f"store {self.path} is open read-only", fix="open it with read_only=False")
        con = self._connection()
        unique = _unique_by_id(copies)
        seen_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        prints = list({article_id: fp for article_id, fp in fingerprints}.items())
        con.execute("BEGIN TRANSACTION")
        try:
            known = self._existing("article_copies", [c.id for c in unique])
            fresh = [c for c in unique if c.id not in known]
            self._insert("article_copies", _COPY_SCHEMA, [{**c.model_dump(), "seen_at": seen_at} for c in fresh])
            if prints:
                rows = [
                    {
                        "article_id": article_id,
                        "text_hash": fp.text_hash,
                        "scheme": scheme,
                        "minhash": None if fp.minhash is None else [int(v) for v in fp.minhash],
                    }
                    for article_id, fp in prints
                ]
                con.execute(
                    "DELETE FROM article_fingerprints WHERE list_contains(?, article_id)", [[r["article_id"] for r in rows]]
                )
                self._insert("article_fingerprints", _FINGERPRINT_SCHEMA, rows)
            con.execute("COMMIT")
        except duckdb.Error as exc:
            _rollback(con)
            raise StoreError(
                "E604", f"copies not written (rolled back): {exc}", fix=_write_fix(self.path, exc)
            ) from exc
        except BaseException:
            _rollback(con)
            raise
        return len(fresh)

    def _has_table(self, name: str) -> bool:
        row = self._connection().execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = current_schema()", [name]
        ).fetchone()
        return bool(row and row[0])

    def known_copy_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` recorded as copies (not coded; skip them when resuming)."""
        if not self._has_table("article_copies"):
            return set()
        return self._existing("article_copies", list(dict.fromkeys(ids)))

    def copies(self, article_id: str) -> list[ArticleCopy]:
        """The recorded copies of one stored article, oldest first."""
        if not self._has_table("article_copies"):
            return []
        rows = self.query(
            "SELECT id, article_id, kind, similarity, title, url, outlet, published, origin"
            " FROM article_copies WHERE article_id = ? ORDER BY seen_at, id",
            [article_id],
        )
        return [ArticleCopy(**row) for row in rows]

    def fingerprints(self, *, scheme: str | None, latest: int | None = None) -> Iterator[tuple[str, str, list[int] | None]]:
        """Every stored fingerprint as ``(article id, text hash, minhash)``; the minhash is None
        unless it was made with ``scheme``. ``latest``: only the last ``latest`` written, oldest first."""
        if not self._has_table("article_fingerprints"):
            return
        cursor = self._connection().cursor()
        try:
            if latest is None:
                cursor.execute(
                    "SELECT article_id, text_hash, CASE WHEN scheme = ? THEN minhash END FROM article_fingerprints ORDER BY article_id",
                    [scheme],
                )
            else:
                _check_count("latest", latest)
                cursor.execute(
                    "SELECT article_id, text_hash, minhash FROM (SELECT rowid AS r, article_id, text_hash,"
                    " CASE WHEN scheme = ? THEN minhash END AS minhash FROM article_fingerprints ORDER BY rowid DESC LIMIT ?)"
                    " ORDER BY r",
                    [scheme, latest],
                )
            while rows := cursor.fetchmany(10_000):
                yield from ((row[0], row[1], row[2]) for row in rows)
        finally:
            cursor.close()

    def articles_without_fingerprint(self, *, scheme: str | None, limit: int = 500) -> list[tuple[str, str]]:
        """Up to ``limit`` stored ``(id, text)`` lacking a fingerprint (with ``scheme``: one made with it)."""
        _check_count("limit", limit)
        if not self._has_table("article_fingerprints"):
            return []
        condition = "f.article_id IS NULL" if scheme is None else "(f.article_id IS NULL OR f.scheme IS DISTINCT FROM ?)"
        params: list[Any] = [] if scheme is None else [scheme]
        rows = self._connection().execute(
            "SELECT a.id, a.text FROM articles a LEFT JOIN article_fingerprints f ON f.article_id = a.id"
            f" WHERE {condition} ORDER BY a.id LIMIT ?",
            [*params, limit],
        ).fetchall()
        return [(row[0], row[1]) for row in rows]

    # ----------------------------------------------------------------- reading

    def known_article_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` already stored (to skip them when resuming)."""
        return self._existing("articles", list(dict.fromkeys(ids)))

    def article(self, article_id: str) -> Article | None:
        """One stored article by id, or None."""
        row = (
            self._connection()
            .execute("SELECT id, text, title, url, outlet, published, origin FROM articles WHERE id = ?", [article_id])
            .fetchone()
        )
        if row is None:
            return None
        keys = ("id", "text", "title", "url", "outlet", "published", "origin")
        return Article(**dict(zip(keys, row)))

    def events(
        self,
        *,
        actor: str | None = None,
        country: str | None = None,
        plover_type: str | None = None,
        cameo_root: str | int | None = None,
        status: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        article_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Event]:
        """Stored events matching every filter given, in date order (undated last).

        ``actor`` is a code prefix such as ``"RUS"`` or ``"RUS MIL"`` matched on any
        source or target; ``country`` is the ISO-3 code of the event location;
        ``cameo_root`` is ``"01"``..``"20"``; ``since``/``until`` are inclusive;
        ``article_id`` keeps one article's events.
        """
        _check_count("limit", limit)
        _check_count("offset", offset)
        where, params = _where(
            actor=actor, country=country, plover_type=plover_type, cameo_root=cameo_root,
            status=status, since=since, until=until, article_id=article_id,
        )
        con = self._connection()
        if limit is None:  # every matching record is read anyway
            sql = "SELECT e.record FROM events e" + where + _ORDER + " OFFSET ?"
            return [Event.model_validate_json(row[0]) for row in con.execute(sql, [*params, offset]).fetchall()]
        # The page's ids first, ordered on narrow columns; then the JSON records of those rows only.
        sql = "SELECT e.id FROM events e" + where + _ORDER + " LIMIT ? OFFSET ?"
        ids = [row[0] for row in con.execute(sql, [*params, limit, offset]).fetchall()]
        return self._events_by_id(ids)

    def event_records(self, article_id: str) -> list[str]:
        """One article's events as their stored JSON records (each an :class:`Event`'s own JSON,
        not parsed), in :meth:`events` order: what a server sends without re-encoding them."""
        sql = "SELECT e.record FROM events e WHERE e.article_id = ?" + _ORDER
        return [row[0] for row in self._connection().execute(sql, [article_id]).fetchall()]

    def _events_by_id(self, ids: list[str]) -> list[Event]:
        """The stored events with these ids, in the order of ``ids`` (unknown ids are left out)."""
        if not ids:
            return []
        # Up to _INDEX_LOOKUPS ids: primary-key index lookups; more: one hash join over all ids (cheaper then).
        sql = (
            "SELECT e.id, e.record FROM events e WHERE list_contains(?, e.id)"
            if len(ids) <= _INDEX_LOOKUPS
            else "SELECT e.id, e.record FROM events e JOIN (SELECT unnest(?) AS id) p ON p.id = e.id"
        )
        records = dict(self._connection().execute(sql, [ids]).fetchall())
        return [Event.model_validate_json(records[i]) for i in ids if i in records]

    def iter_events(self, *, batch_size: int = 1000, **filters: Any) -> Iterator[Event]:
        """Like :meth:`events` (same keyword filters, no limit/offset) but streamed in pages."""
        _check_count("batch_size", batch_size)
        unknown = set(filters) - set(_FILTERS)
        if unknown:
            raise StoreError("E605", f"unknown filter(s): {', '.join(sorted(unknown))}", fix="see Store.events for filters")
        where, params = _where(**{name: filters.get(name) for name in _FILTERS})
        cursor = self._connection().cursor()
        try:
            cursor.execute("SELECT e.record FROM events e" + where + _ORDER, params)
            while True:
                rows = cursor.fetchmany(max(batch_size, 1))
                if not rows:
                    return
                for row in rows:
                    yield Event.model_validate_json(row[0])
        finally:
            cursor.close()

    def count_events(
        self,
        *,
        actor: str | None = None,
        country: str | None = None,
        plover_type: str | None = None,
        cameo_root: str | int | None = None,
        status: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        article_id: str | None = None,
    ) -> int:
        """How many stored events match (same filters as :meth:`events`)."""
        where, params = _where(
            actor=actor, country=country, plover_type=plover_type, cameo_root=cameo_root,
            status=status, since=since, until=until, article_id=article_id,
        )
        row = self._connection().execute("SELECT count(*) FROM events e" + where, params).fetchone()
        return int(row[0]) if row else 0

    def actor_counts(self, *, limit: int = 50, role: str | None = None) -> list[dict[str, Any]]:
        """The actors the stored events mention, most frequent first: label (code + sectors),
        name, the texts it was written as, and how many events name it (as source or target,
        or only ``role`` = ``"source"``/``"target"``)."""
        _check_count("limit", limit)
        roles = ("source", "target") if role is None else (role,)
        if not set(roles) <= {"source", "target"}:
            raise StoreError("E605", f"bad role {role!r}", fix="use source or target")
        rows = self._connection().execute(
            "SELECT label, name, count(DISTINCT event_id) AS events, list(DISTINCT span_text) AS texts"
            " FROM event_actors WHERE role IN (SELECT unnest(?))"
            " GROUP BY label, name ORDER BY events DESC, label, name LIMIT ?",
            [list(roles), limit],
        ).fetchall()
        return [
            {"label": label, "name": name, "events": int(events), "texts": sorted(t for t in texts if t)[:5]}
            for label, name, events, texts in rows
        ]

    def summary(self, *, top: int = 10) -> dict[str, Any]:
        """Totals: articles, events, date range, events by PLOVER type / quad class /
        status, and the ``top`` most frequent (first source, first target) dyads."""
        _check_count("top", top)
        con = self._connection()

        def scalar(sql: str) -> Any:
            row = con.execute(sql).fetchone()
            return row[0] if row else None

        first_date, last_date = con.execute("SELECT min(date), max(date) FROM events").fetchone() or (None, None)
        by_type = con.execute(
            "SELECT coalesce(plover_type, 'none'), count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
        by_quad = con.execute("SELECT quad_class, count(*) FROM events GROUP BY 1 ORDER BY 1").fetchall()
        by_status = con.execute("SELECT status, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
        dyads = con.execute(
            "SELECT s.label, t.label, count(*) AS n FROM event_actors s"
            " JOIN event_actors t ON s.event_id = t.event_id"
            " WHERE s.role = 'source' AND s.position = 0 AND t.role = 'target' AND t.position = 0"
            " GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT ?",
            [top],
        ).fetchall()
        return {
            "articles": int(scalar("SELECT count(*) FROM articles") or 0),
            "articles_with_events": int(scalar("SELECT count(*) FROM articles WHERE n_events > 0") or 0),
            "events": int(scalar("SELECT count(*) FROM events") or 0),
            "first_date": first_date,
            "last_date": last_date,
            "by_plover_type": {name: int(n) for name, n in by_type},
            "by_quad_class": {int(quad): int(n) for quad, n in by_quad},
            "by_status": {name: int(n) for name, n in by_status},
            "top_dyads": [{"source": s, "target": t, "events": int(n)} for s, t, n in dyads],
        }

    def execute_script(
        self, statements: Sequence[str | tuple[str, Sequence[Any]]], *, tables: dict[str, pa.Table] | None = None
    ) -> None:
        """Run write statements (SQL, or ``(SQL, params)``) in ONE transaction, for additive tables
        other modules keep (e.g. ``dyads.merge``'s ``merged_events``); ``tables`` are Arrow tables
        readable by those names while it runs. On failure all is rolled back (E604); E606 read-only or closed.
        """
        if self.read_only:
            raise StoreError("E606", f"store {self.path} is open read-only", fix="open it with read_only=False")
        con = self._connection()
        con.execute("BEGIN TRANSACTION")
        try:
            for name, table in (tables or {}).items():
                con.register(name, table)
            for statement in statements:
                sql, params = (statement, ()) if isinstance(statement, str) else statement
                con.execute(sql, list(params))
            con.execute("COMMIT")
        except duckdb.Error as exc:
            _rollback(con)
            raise StoreError(
                "E604", f"statements not run (rolled back): {exc}", fix=_write_fix(self.path, exc)
            ) from exc
        except BaseException:
            _rollback(con)
            raise
        finally:
            for name in tables or {}:
                con.unregister(name)
