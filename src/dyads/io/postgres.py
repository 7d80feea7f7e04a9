"""PostgreSQL as the dyads store, for multi-user deployments: ``--db postgresql://user@host:5432/news``.

:class:`PostgresStore` has the public methods of the DuckDB :class:`dyads.io.store.Store` and the
same tables and columns (schema version 2, docs/storage.md), so ``dyads ingest``, ``dyads events``
and the other store readers work on either. What differs (docs/postgres.md):

* Writes are bulk loads: each :meth:`PostgresStore.write_batch` COPYs its rows into session
  temporary tables and moves them into the real tables with ``INSERT ... ON CONFLICT DO NOTHING``,
  all in ONE transaction. Rows are keyed on their ids, so loading a batch twice adds nothing,
  and two writers loading the same articles at once cannot add a row twice.
* Text columns use the ``"C"`` collation: strings sort by code point, as in DuckDB, so queries
  return rows in the same order on both stores.
* ``UINTEGER[]`` (MinHash signatures) is ``bigint[]``; ``TINYINT`` is ``smallint``.
* :meth:`PostgresStore.query` takes the same ``?`` parameters as DuckDB's; the SQL itself must be
  SQL PostgreSQL accepts (docs/postgres.md lists which analytics do).

Error codes: E650 bad store URL, E651 cannot connect, E652 psycopg missing, E653 a read query
failed on PostgreSQL; and as for DuckDB: E603 not a dyads store / other schema version,
E604 a write failed (rolled back), E605 bad filter, E606 read-only or closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import pyarrow as pa

from dyads.errors import StoreError
from dyads.io.dedup import ArticleCopy, Fingerprint
from dyads.io.store import (
    _ACTOR_SCHEMA,
    _ARTICLE_SCHEMA,
    _COPY_SCHEMA,
    _EVENT_SCHEMA,
    _FILTERS,
    _FINGERPRINT_SCHEMA,
    SCHEMA_VERSION,
    _actor_rows,
    _article_row,
    _check_count,
    _event_row,
    _unique_by_id,
)
from dyads.io.store import _where as duckdb_where
from dyads.records import Article, Event

if TYPE_CHECKING:
    import psycopg

URL_SCHEMES = ("postgresql://", "postgres://")
"""A store target starting with one of these is a PostgreSQL URL; anything else is a DuckDB path."""

_ID_CHUNK = 10_000
_STREAM_ROWS = 1000
_CONNECT_TIMEOUT_S = 10
_TEXT = 'text COLLATE "C"'

_DDL = (
    f"""CREATE TABLE IF NOT EXISTS meta (
        key {_TEXT} PRIMARY KEY,
        value {_TEXT}
    )""",
    f"""CREATE TABLE IF NOT EXISTS articles (
        id {_TEXT} PRIMARY KEY,
        title {_TEXT},
        url {_TEXT},
        outlet {_TEXT},
        published date,
        origin {_TEXT},
        text {_TEXT} NOT NULL,
        n_events integer NOT NULL DEFAULT 0,
        coded_at timestamp NOT NULL
    )""",
    f"""CREATE TABLE IF NOT EXISTS events (
        id {_TEXT} PRIMARY KEY,
        article_id {_TEXT} NOT NULL,
        sentence_index integer NOT NULL,
        plover_type {_TEXT},
        plover_mode {_TEXT},
        plover_context text[],
        cameo_code {_TEXT} NOT NULL,
        quad_class smallint NOT NULL,
        goldstein double precision NOT NULL,
        statement_only boolean NOT NULL,
        date date,
        date_precision {_TEXT},
        date_derived_from {_TEXT},
        end_date date,
        status {_TEXT} NOT NULL,
        speaker {_TEXT},
        reporting_source {_TEXT},
        location_name {_TEXT},
        location_lat double precision,
        location_lon double precision,
        location_country {_TEXT},
        location_admin1 {_TEXT},
        launch_site_country {_TEXT},
        trigger_start integer NOT NULL,
        trigger_end integer NOT NULL,
        trigger_text {_TEXT} NOT NULL,
        sentence_start integer NOT NULL,
        sentence_end integer NOT NULL,
        coder {_TEXT} NOT NULL,
        record {_TEXT} NOT NULL,
        source_prefixes {_TEXT} NOT NULL,
        target_prefixes {_TEXT} NOT NULL,
        sentence_text {_TEXT} NOT NULL
    )""",
    f"""CREATE TABLE IF NOT EXISTS event_actors (
        event_id {_TEXT} NOT NULL,
        role {_TEXT} NOT NULL,
        position integer NOT NULL,
        code {_TEXT},
        sectors text[],
        label {_TEXT} NOT NULL,
        name {_TEXT},
        role_title {_TEXT},
        span_start integer,
        span_end integer,
        span_text {_TEXT},
        PRIMARY KEY (event_id, role, position)
    )""",
    f"""CREATE TABLE IF NOT EXISTS article_copies (
        id {_TEXT} PRIMARY KEY,
        article_id {_TEXT} NOT NULL,
        kind {_TEXT} NOT NULL,
        similarity double precision NOT NULL,
        title {_TEXT},
        url {_TEXT},
        outlet {_TEXT},
        published date,
        origin {_TEXT},
        seen_at timestamp NOT NULL
    )""",
    f"""CREATE TABLE IF NOT EXISTS article_fingerprints (
        article_id {_TEXT} PRIMARY KEY,
        text_hash {_TEXT} NOT NULL,
        scheme {_TEXT},
        minhash bigint[],
        written bigserial
    )""",
    # PostgreSQL only. article_fingerprints.written (above) orders the fingerprints as written, as
    # DuckDB's rowid does, for fingerprints(latest=N). DuckDB's zone maps do without these indexes: n_events is recounted per article on each
    # batch, and date ranges are the commonest filter.
    "CREATE INDEX IF NOT EXISTS events_article_id ON events (article_id)",
    "CREATE INDEX IF NOT EXISTS events_date ON events (date)",
    "CREATE INDEX IF NOT EXISTS article_copies_article_id ON article_copies (article_id)",
    "CREATE INDEX IF NOT EXISTS article_fingerprints_written ON article_fingerprints (written)",
    # DuckDB's contains(text, needle), which the actor filters of the analytics and the server
    # use (dyads.io.store.actor_match_sql); an inlined SQL function, so it costs nothing more.
    (
        "CREATE OR REPLACE FUNCTION contains(haystack text, needle text) RETURNS boolean"
        " LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT strpos(haystack, needle) > 0'"
    ),
)

_TABLE_NAMES = ("meta", "articles", "events", "event_actors", "article_copies", "article_fingerprints")
_ORDER = " ORDER BY e.date NULLS LAST, e.article_id, e.sentence_index, e.trigger_start, e.id"
_ARROW_TYPES = {
    pa.string(): "text",
    pa.large_string(): "text",
    pa.int8(): "smallint",
    pa.int16(): "smallint",
    pa.int32(): "integer",
    pa.int64(): "bigint",
    pa.uint8(): "smallint",
    pa.uint16(): "integer",
    pa.uint32(): "bigint",
    pa.float32(): "real",
    pa.float64(): "double precision",
    pa.bool_(): "boolean",
    pa.date32(): "date",
    pa.timestamp("us"): "timestamp",
}


# --------------------------------------------------------------------------- URLs


def is_postgres_url(target: object) -> bool:
    """True when ``target`` is a ``postgresql://`` (or ``postgres://``) URL rather than a path."""
    return isinstance(target, str) and target.lower().startswith(URL_SCHEMES)


def _passwords(url: str) -> list[str]:
    """The password(s) a URL carries: in its user part and as a ``password=`` parameter."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found = [parts.password] if parts.password else []
    return found + [value for key, value in parse_qsl(parts.query) if key == "password" and value]


def redact_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (for messages and logs)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "postgresql://(unparsable URL)"
    if parts.password is not None:
        netloc = parts.netloc.rsplit("@", 1)
        user = netloc[0].split(":", 1)[0]
        parts = parts._replace(netloc=f"{user}:***@{netloc[1]}")
    if "password=" in parts.query:
        query = "&".join(
            f"{key}=***" if key == "password" else f"{key}={value}" for key, value in parse_qsl(parts.query, keep_blank_values=True)
        )
        parts = parts._replace(query=query)
    return urlunsplit(parts)


def _reason(exc: BaseException, url: str) -> str:
    """A driver error's text on one line, without any password from ``url``."""
    text = " ".join(str(exc).split())
    for secret in _passwords(url):
        text = text.replace(secret, "***")
    return text


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise StoreError(
            "E652",
            "a postgresql:// store needs the psycopg package, which is not installed",
            fix="pip install 'psycopg[binary]>=3.2' (it is one of dyads' dependencies; reinstall dyads)",
        ) from exc
    return psycopg


# --------------------------------------------------------------------------- SQL helpers


def to_pyformat(sql: str) -> str:
    """DuckDB-style ``?`` parameters to psycopg's ``%s`` (``%`` doubled); quoted text is left as is."""
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote is not None:
            out.append("%%" if char == "%" else char)
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        elif char == "%":
            out.append("%%")
        else:
            out.append(char)
    return "".join(out)


def _where(**filters: Any) -> tuple[str, list[Any]]:
    """The DuckDB store's filters (same checks, same E605 errors) with psycopg's placeholders;
    ``contains()`` is defined in the PostgreSQL schema (``_prepare``)."""
    sql, params = duckdb_where(**filters)
    return to_pyformat(sql), params


def _pg_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return _pg_type(arrow_type.value_type) + "[]"
    if pa.types.is_timestamp(arrow_type):
        return "timestamp"
    try:
        return _ARROW_TYPES[arrow_type]
    except KeyError:
        raise StoreError(
            "E604", f"no PostgreSQL type for Arrow type {arrow_type}", fix="give the table's columns plain types"
        ) from None


# --------------------------------------------------------------------------- the store


class PostgresStore:
    """Articles and events in a PostgreSQL database. Use :meth:`open`; close it (or use ``with``)."""

    def __init__(self, connection: psycopg.Connection[Any], *, url: str, read_only: bool) -> None:
        self._con: psycopg.Connection[Any] | None = connection
        self._url = url
        self.path = redact_url(url)
        """The store's URL without its password (the DuckDB store's ``path``)."""
        self.read_only = read_only

    # ----------------------------------------------------------------- lifecycle

    @classmethod
    def open(cls, url: str, *, read_only: bool = False) -> PostgresStore:
        """Connect to the database at ``url`` and create the tables there unless ``read_only``.

        Raises:
            StoreError: E650 bad URL, E651 cannot connect, E652 psycopg missing,
                E603 not a dyads store (read-only) or another schema version.
        """
        connection = cls._connect(url)
        store = cls(connection, url=url, read_only=read_only)
        try:
            store._prepare()
        except BaseException:
            connection.close()
            raise
        return store

    @staticmethod
    def _connect(url: str) -> psycopg.Connection[Any]:
        psycopg = _psycopg()
        from psycopg.conninfo import conninfo_to_dict

        shown = redact_url(url)
        if not is_postgres_url(url):
            raise StoreError("E650", f"not a PostgreSQL URL: {shown}", fix="write it as postgresql://user@host:5432/database")
        try:
            options = conninfo_to_dict(url)
        except psycopg.Error as exc:
            raise StoreError(
                "E650", f"bad PostgreSQL URL {shown}: {_reason(exc, url)}", fix="write it as postgresql://user[:password]@host[:port]/database"
            ) from exc
        if not options.get("dbname"):
            raise StoreError(
                "E650", f"PostgreSQL URL {shown} names no database", fix="end the URL with the database: postgresql://user@host:5432/news"
            )
        for port in str(options.get("port") or "5432").split(","):
            if not (port.isdigit() and 0 < int(port) < 65536):
                raise StoreError(
                    "E650", f"bad port {port!r} in PostgreSQL URL {shown}", fix="give a port number, e.g. postgresql://user@host:5432/news"
                )
        extra = {} if "connect_timeout" in options else {"connect_timeout": _CONNECT_TIMEOUT_S}
        try:
            return psycopg.connect(url, autocommit=True, **extra)
        except psycopg.Error as exc:
            reason = _reason(exc, url)
            raise StoreError(
                "E651",
                f"cannot connect to PostgreSQL at {shown}: {reason}",
                fix="check that the server runs and listens there, that the database exists (createdb NAME) and that"
                " the user may log in (pg_hba.conf, password); e.g. psql 'postgresql://user@host:5432/db' should connect",
            ) from exc

    def _prepare(self) -> None:
        psycopg = _psycopg()
        con = self._connection()
        try:
            if self.read_only:
                con.execute("SET default_transaction_read_only = on")
                found = con.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()
                if not (found and found[0]):
                    raise StoreError(
                        "E603", f"{self.path} is not a dyads store (no meta table)",
                        fix="create it first with `dyads ingest FILE --db URL`, or check the database name",
                    )
            elif not self._complete():
                with con.transaction():
                    # one setup at a time when several writers start together
                    con.execute("SELECT pg_advisory_xact_lock(hashtext('dyads store setup'))")
                    for statement in _DDL:
                        con.execute(statement)
                    con.execute(
                        "INSERT INTO meta (key, value) VALUES ('schema_version', %s) ON CONFLICT (key) DO NOTHING",
                        [SCHEMA_VERSION],
                    )
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except psycopg.Error as exc:
            raise StoreError(
                "E603", f"cannot set up or read the dyads tables in {self.path}: {_reason(exc, self._url)}",
                fix="use a database (or schema) of its own for dyads, and a user that may create tables in it",
            ) from exc
        if row is None or row[0] != SCHEMA_VERSION:
            found_version = None if row is None else row[0]
            raise StoreError(
                "E603",
                f"{self.path} has schema version {found_version}, this dyads needs {SCHEMA_VERSION}",
                fix="use a new database for this version of dyads (a PostgreSQL store is never upgraded in place)",
            )

    def _complete(self) -> bool:
        """Whether every table and the ``contains`` function exist (then no DDL runs, so a user who
        may write the tables but does not own them can open the store read-write)."""
        names = ", ".join(f"to_regclass('{name}') IS NOT NULL" for name in _TABLE_NAMES)
        row = self._connection().execute(
            f"SELECT {names}, to_regprocedure('contains(text, text)') IS NOT NULL"
        ).fetchone()
        return bool(row) and all(row)

    def close(self) -> None:
        """Close the connection (idempotent)."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _connection(self) -> psycopg.Connection[Any]:
        if self._con is None:
            raise StoreError("E606", f"store {self.path} is closed", fix="open it again with open_store(...)")
        return self._con

    def _writable(self) -> psycopg.Connection[Any]:
        if self.read_only:
            raise StoreError("E606", f"store {self.path} is open read-only", fix="open it with read_only=False")
        return self._connection()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of one query written with ``%s`` parameters; a failure is E653."""
        psycopg = _psycopg()
        try:
            return self._connection().execute(sql, list(params)).fetchall()
        except psycopg.Error as exc:
            raise StoreError(
                "E653", f"query failed on {self.path}: {_reason(exc, self._url)}",
                fix="check that the server is up; SQL written for DuckDB may need changes for PostgreSQL (docs/postgres.md)",
            ) from exc

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run one read query with ``?`` parameters (as for DuckDB) and return its rows as dicts.

        E653 when PostgreSQL refuses or fails it (for example SQL only DuckDB knows).
        """
        psycopg = _psycopg()
        cursor = self._connection().cursor()
        try:
            cursor.execute(to_pyformat(sql), list(params))
            names = [column.name for column in cursor.description or ()]
            return [dict(zip(names, row)) for row in cursor.fetchall()]
        except psycopg.Error as exc:
            raise StoreError(
                "E653", f"query failed on {self.path}: {_reason(exc, self._url)}",
                fix="SQL written for DuckDB may need changes for PostgreSQL (docs/postgres.md lists what runs on both)",
            ) from exc
        finally:
            cursor.close()

    # ----------------------------------------------------------------- bulk loading

    def _stage(self, table: str, schema: pa.Schema, rows: list[dict[str, Any]]) -> str:
        """COPY ``rows`` into this session's temporary twin of ``table`` (emptied at commit); its name."""
        con = self._connection()
        staged = f"_dyads_in_{table}"
        # Made in the batch's transaction: a batch rolled back takes the table with it, so no cache.
        con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {staged} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
        columns = schema.names
        with con.cursor() as cursor, cursor.copy(f"COPY {staged} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in columns])
        return staged

    def write_batch(self, articles: Sequence[Article], events: Sequence[Event]) -> tuple[int, int]:
        """Write articles and their events in ONE transaction; return (new articles, new events).

        Rows are COPYed into temporary tables, then inserted with ``ON CONFLICT DO NOTHING``:
        rows whose id is stored already (or repeated in the batch) are skipped, so writing the
        same batch twice adds nothing; actor rows go in for new events only. Events without an id
        get their content-hash id (on a copy). On any failure the batch is rolled back (E604).
        """
        psycopg = _psycopg()
        con = self._writable()
        batch_articles: list[Article] = _unique_by_id(articles)
        batch_events: list[Event] = _unique_by_id(
            event if event.id else event.model_copy(deep=True).assign_id() for event in events
        )
        coded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        try:
            with con.transaction():
                # Rows stored already are not sent again (a resumed run re-sends whole batches);
                # ON CONFLICT below still covers rows another writer adds meanwhile.
                known = self._known("articles", [a.id for a in batch_articles])
                batch_articles = [a for a in batch_articles if a.id not in known]
                known = self._known("events", [e.id for e in batch_events])
                batch_events = [e for e in batch_events if e.id not in known]
                new_articles = new_events = 0
                if batch_articles:
                    staged = self._stage("articles", _ARTICLE_SCHEMA, [_article_row(a, coded_at) for a in batch_articles])
                    columns = ", ".join(_ARTICLE_SCHEMA.names)
                    new_articles = con.execute(
                        f"INSERT INTO articles ({columns}) SELECT {columns} FROM {staged} ON CONFLICT (id) DO NOTHING"
                    ).rowcount
                if batch_events:
                    staged_events = self._stage("events", _EVENT_SCHEMA, [_event_row(e) for e in batch_events])
                    staged_actors = self._stage(
                        "event_actors", _ACTOR_SCHEMA, [row for e in batch_events for row in _actor_rows(e)]
                    )
                    event_columns = ", ".join(_EVENT_SCHEMA.names)
                    actor_columns = ", ".join(_ACTOR_SCHEMA.names)
                    row = con.execute(
                        f"WITH fresh AS (INSERT INTO events ({event_columns}) SELECT {event_columns} FROM {staged_events}"
                        " ON CONFLICT (id) DO NOTHING RETURNING id, article_id),"
                        f" actors AS (INSERT INTO event_actors ({actor_columns})"
                        f" SELECT {', '.join('a.' + c for c in _ACTOR_SCHEMA.names)} FROM {staged_actors} a"
                        " JOIN fresh f ON f.id = a.event_id ON CONFLICT DO NOTHING RETURNING 1)"
                        " SELECT count(*), array_agg(DISTINCT article_id) FROM fresh"
                    ).fetchone()
                    new_events = int(row[0]) if row else 0
                    touched = sorted(row[1] or []) if row else []
                    if touched:
                        con.execute(
                            "UPDATE articles SET n_events = c.n FROM ("
                            " SELECT article_id, count(*)::integer AS n FROM events"
                            " WHERE article_id = ANY(%s) GROUP BY article_id) c"
                            " WHERE articles.id = c.article_id",
                            [touched],
                        )
        except psycopg.Error as exc:
            raise StoreError(
                "E604", f"batch not written (rolled back): {_reason(exc, self._url)}",
                fix="check that the PostgreSQL server is up, has disk space, and that the user may write these tables",
            ) from exc
        return max(new_articles, 0), new_events

    def write_dedup(
        self,
        *,
        copies: Sequence[ArticleCopy] = (),
        fingerprints: Sequence[tuple[str, Fingerprint]] = (),
        scheme: str | None = None,
    ) -> int:
        """Record article copies and ``(article id, fingerprint)`` pairs in ONE transaction.

        As :meth:`dyads.io.store.Store.write_dedup`: copies already recorded are skipped (returns
        how many were new); a fingerprint replaces the article's earlier one. E604 on failure.
        """
        psycopg = _psycopg()
        con = self._writable()
        unique = _unique_by_id(copies)
        seen_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        prints = list({article_id: fp for article_id, fp in fingerprints}.items())
        fresh = 0
        try:
            with con.transaction():
                if unique:
                    staged = self._stage(
                        "article_copies", _COPY_SCHEMA, [{**c.model_dump(), "seen_at": seen_at} for c in unique]
                    )
                    columns = ", ".join(_COPY_SCHEMA.names)
                    fresh = con.execute(
                        f"INSERT INTO article_copies ({columns}) SELECT {columns} FROM {staged} ON CONFLICT (id) DO NOTHING"
                    ).rowcount
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
                    staged = self._stage("article_fingerprints", _FINGERPRINT_SCHEMA, rows)
                    columns = ", ".join(_FINGERPRINT_SCHEMA.names)
                    con.execute(
                        f"INSERT INTO article_fingerprints ({columns}) SELECT {columns} FROM {staged}"
                        " ON CONFLICT (article_id) DO UPDATE SET text_hash = EXCLUDED.text_hash,"
                        " scheme = EXCLUDED.scheme, minhash = EXCLUDED.minhash, written = EXCLUDED.written"
                    )
        except psycopg.Error as exc:
            raise StoreError(
                "E604", f"copies not written (rolled back): {_reason(exc, self._url)}",
                fix="check that the PostgreSQL server is up, has disk space, and that the user may write these tables",
            ) from exc
        return max(fresh, 0)

    def execute_script(
        self, statements: Sequence[str | tuple[str, Sequence[Any]]], *, tables: dict[str, pa.Table] | None = None
    ) -> None:
        """Run write statements (SQL with ``?`` parameters, or ``(SQL, params)``) in ONE transaction;
        ``tables`` are Arrow tables loaded into temporary tables of those names while it runs.
        On failure all is rolled back (E604); E606 read-only or closed."""
        psycopg = _psycopg()
        con = self._writable()
        try:
            with con.transaction():
                for name, table in (tables or {}).items():
                    columns = ", ".join(f'"{field.name}" {_pg_type(field.type)}' for field in table.schema)
                    con.execute(f'CREATE TEMP TABLE "{name}" ({columns}) ON COMMIT DROP')
                    quoted = ", ".join(f'"{n}"' for n in table.schema.names)
                    with con.cursor() as cursor, cursor.copy(f'COPY "{name}" ({quoted}) FROM STDIN') as copy:
                        for row in table.to_pylist():
                            copy.write_row(list(row.values()))
                for statement in statements:
                    sql, params = (statement, ()) if isinstance(statement, str) else statement
                    con.execute(to_pyformat(sql), list(params))
        except psycopg.Error as exc:
            raise StoreError(
                "E604", f"statements not run (rolled back): {_reason(exc, self._url)}",
                fix="check the PostgreSQL server; SQL written for DuckDB may need changes for PostgreSQL (docs/postgres.md)",
            ) from exc

    # ----------------------------------------------------------------- copies (de-duplication)

    def _known(self, table: str, ids: list[str]) -> set[str]:
        """The subset of ``ids`` in ``table`` (psycopg errors pass through: the writers map them to E604)."""
        con = self._connection()
        found: set[str] = set()
        for start in range(0, len(ids), _ID_CHUNK):
            chunk = ids[start : start + _ID_CHUNK]
            found.update(row[0] for row in con.execute(f"SELECT id FROM {table} WHERE id = ANY(%s)", [chunk]))
        return found

    def _existing(self, table: str, ids: list[str]) -> set[str]:
        psycopg = _psycopg()
        try:
            return self._known(table, ids)
        except psycopg.Error as exc:
            raise StoreError(
                "E653", f"query failed on {self.path}: {_reason(exc, self._url)}", fix="check that the server is up"
            ) from exc

    def known_copy_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` recorded as copies (not coded; skip them when resuming)."""
        return self._existing("article_copies", list(dict.fromkeys(ids)))

    def copies(self, article_id: str) -> list[ArticleCopy]:
        """The recorded copies of one stored article, oldest first."""
        rows = self.query(
            "SELECT id, article_id, kind, similarity, title, url, outlet, published, origin"
            " FROM article_copies WHERE article_id = ? ORDER BY seen_at, id",
            [article_id],
        )
        return [ArticleCopy(**row) for row in rows]

    def fingerprints(self, *, scheme: str | None, latest: int | None = None) -> Iterator[tuple[str, str, list[int] | None]]:
        """Every stored fingerprint as ``(article id, text hash, minhash)`` in id order; the minhash
        is None unless it was made with ``scheme``. Read in pages keyed on the id.
        ``latest``: only the last ``latest`` written (a replaced one counts as written anew), oldest first."""
        if latest is not None:
            _check_count("latest", latest)
            rows = self._rows(
                "SELECT article_id, text_hash, minhash FROM (SELECT written, article_id, text_hash,"
                " CASE WHEN scheme = %s THEN minhash END AS minhash FROM article_fingerprints"
                " ORDER BY written DESC LIMIT %s) last ORDER BY written",
                [scheme, latest],
            )
            yield from ((row[0], row[1], row[2]) for row in rows)
            return
        after = ""
        while True:
            rows = self._rows(
                "SELECT article_id, text_hash, CASE WHEN scheme = %s THEN minhash END FROM article_fingerprints"
                " WHERE article_id > %s ORDER BY article_id LIMIT %s",
                [scheme, after, _ID_CHUNK],
            )
            yield from ((row[0], row[1], row[2]) for row in rows)
            if len(rows) < _ID_CHUNK:
                return
            after = rows[-1][0]

    def articles_without_fingerprint(self, *, scheme: str | None, limit: int = 500) -> list[tuple[str, str]]:
        """Up to ``limit`` stored ``(id, text)`` lacking a fingerprint (with ``scheme``: one made with it)."""
        _check_count("limit", limit)
        condition = "f.article_id IS NULL" if scheme is None else "(f.article_id IS NULL OR f.scheme IS DISTINCT FROM %s)"
        params: list[Any] = [] if scheme is None else [scheme]
        rows = self._rows(
            "SELECT a.id, a.text FROM articles a LEFT JOIN article_fingerprints f ON f.article_id = a.id"
            f" WHERE {condition} ORDER BY a.id LIMIT %s",
            [*params, limit],
        )
        return [(row[0], row[1]) for row in rows]

    # ----------------------------------------------------------------- reading

    def known_article_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` already stored (to skip them when resuming)."""
        return self._existing("articles", list(dict.fromkeys(ids)))

    def article(self, article_id: str) -> Article | None:
        """One stored article by id, or None."""
        rows = self._rows("SELECT id, text, title, url, outlet, published, origin FROM articles WHERE id = %s", [article_id])
        if not rows:
            return None
        keys = ("id", "text", "title", "url", "outlet", "published", "origin")
        return Article(**dict(zip(keys, rows[0])))

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
        """Stored events matching every filter given, in date order (undated last); the filters
        are :meth:`dyads.io.store.Store.events`'s."""
        _check_count("limit", limit)
        _check_count("offset", offset)
        where, params = _where(
            actor=actor, country=country, plover_type=plover_type, cameo_root=cameo_root,
            status=status, since=since, until=until, article_id=article_id,
        )
        if limit is None:
            rows = self._rows("SELECT e.record FROM events e" + where + _ORDER + " OFFSET %s", [*params, offset])
            return [Event.model_validate_json(row[0]) for row in rows]
        ids = [row[0] for row in self._rows("SELECT e.id FROM events e" + where + _ORDER + " LIMIT %s OFFSET %s", [*params, limit, offset])]
        if not ids:
            return []
        records = dict(self._rows("SELECT e.id, e.record FROM events e WHERE e.id = ANY(%s)", [ids]))
        return [Event.model_validate_json(records[i]) for i in ids if i in records]

    def iter_events(self, *, batch_size: int = 1000, **filters: Any) -> Iterator[Event]:
        """Like :meth:`events` (same keyword filters, no limit/offset) but streamed: a server-side
        cursor on a connection of its own, so the store stays usable while the stream is read."""
        _check_count("batch_size", batch_size)
        unknown = set(filters) - set(_FILTERS)
        if unknown:
            raise StoreError("E605", f"unknown filter(s): {', '.join(sorted(unknown))}", fix="see Store.events for filters")
        where, params = _where(**{name: filters.get(name) for name in _FILTERS})
        self._connection()
        psycopg = _psycopg()
        stream = self._connect(self._url)
        try:
            with stream.transaction(), stream.cursor(name="dyads_iter_events") as cursor:
                cursor.itersize = max(batch_size, 1)
                cursor.execute("SELECT e.record FROM events e" + where + _ORDER, params)
                for row in cursor:
                    yield Event.model_validate_json(row[0])
        except psycopg.Error as exc:
            raise StoreError(
                "E653", f"reading events from {self.path} failed: {_reason(exc, self._url)}", fix="check that the server is up"
            ) from exc
        finally:
            stream.close()

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
        rows = self._rows("SELECT count(*) FROM events e" + where, params)
        return int(rows[0][0]) if rows else 0

    def actor_counts(self, *, limit: int = 50, role: str | None = None) -> list[dict[str, Any]]:
        """As :meth:`dyads.io.store.Store.actor_counts`: actors by how many events name them."""
        _check_count("limit", limit)
        roles = ("source", "target") if role is None else (role,)
        if not set(roles) <= {"source", "target"}:
            raise StoreError("E605", f"bad role {role!r}", fix="use source or target")
        rows = self._rows(
            "SELECT label, name, count(DISTINCT event_id) AS events, array_agg(DISTINCT span_text) AS texts"
            " FROM event_actors WHERE role = ANY(%s)"
            " GROUP BY label, name ORDER BY events DESC, label, name LIMIT %s",
            [list(roles), limit],
        )
        return [
            {"label": label, "name": name, "events": int(events), "texts": sorted(t for t in texts if t)[:5]}
            for label, name, events, texts in rows
        ]

    def summary(self, *, top: int = 10) -> dict[str, Any]:
        """As :meth:`dyads.io.store.Store.summary`: totals, events by type / quad class / status, top dyads."""
        _check_count("top", top)

        def scalar(sql: str) -> Any:
            rows = self._rows(sql)
            return rows[0][0] if rows else None

        dates = self._rows("SELECT min(date), max(date) FROM events")
        first_date, last_date = dates[0] if dates else (None, None)
        by_type = self._rows("SELECT coalesce(plover_type, 'none'), count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1")
        by_quad = self._rows("SELECT quad_class, count(*) FROM events GROUP BY 1 ORDER BY 1")
        by_status = self._rows("SELECT status, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1")
        dyads = self._rows(
            "SELECT s.label, t.label, count(*) AS n FROM event_actors s"
            " JOIN event_actors t ON s.event_id = t.event_id"
            " WHERE s.role = 'source' AND s.position = 0 AND t.role = 'target' AND t.position = 0"
            " GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT %s",
            [top],
        )
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

