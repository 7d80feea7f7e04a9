"""``actor_index`` and ``dyad_index``: every event under each actor label prefix (and pair of
prefixes) it names, kept with the store.

An actor filter (``RUS``, ``RUS MIL``), a dyad series and an actor profile otherwise test the
prefix columns of every ``events`` row (1,000,000 rows for any actor). This table holds one row
per (event, prefix in its ``source_prefixes`` or ``target_prefixes``): the prefix, the event's id
and date, whether the prefix is one of its sources' (``src``) and/or targets' (``tgt``), its
QuadClass, PLOVER type and Goldstein score, its ``source_prefixes`` and ``target_prefixes`` (as
on ``events``, so any other actor condition is the same test as there), and ``partners``: the alignment keys (code, or
"CODE SECTOR" for a non-state sector) of the coded actors on the other side of the event
(targets when the prefix is a source, sources when it is a target) whose labels the prefix does
not match, distinct and sorted. That is all the dyad series, actor profiles, timelines and the
API's events list need when they filter on actors (and dates, type, QuadClass): they read one
label's rows (``dyads optimize`` sorts the table by prefix, then newest first, so DuckDB skips the
other prefixes' row groups) and neither scan ``events`` nor join ``event_actors``.
``dyad_index`` holds one row per (event, pair key): ``"A>B"`` for a source prefix A and a target
prefix B, ``"A~B"`` for the same pair either way round; a dyad series, or events with a source and
a target, read the pair's rows.

Kept exact: :meth:`dyads.io.store.Store.write_batch` adds the new events' rows in the batch's own
transaction (:func:`add_to_index`) and counts the events covered in ``meta``
(``actor_index_events``). A store starts its index with its first batch; one that already held
events (written by an earlier dyads) has none until ``dyads optimize`` builds it
(:func:`build_index`). :func:`index_ready` is true only while the index covers every event (a
writer that does not know the table, such as an earlier dyads, leaves the count behind), and the
queries fall back to the base tables otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from dyads.records import Actor, Event

TABLE = "actor_index"
PAIRS = "dyad_index"
COVERED_KEY = "actor_index_events"
"""``meta`` key: how many events the two tables cover (they are used only while that is all of them)."""
BLOCS = "bloc_index"
BLOCS_COVERED_KEY = "bloc_index_events"
"""``meta`` key: how many events ``bloc_index`` covers (its own count: a store indexed by an earlier
dyads has the two actor tables and not this one)."""

NON_STATE_SECTORS: tuple[str, ...] = ("PTY", "OPP", "REB", "INS", "UAF", "CRM")
"""Sectors that make an actor its own alignment node ("SYR REB"), apart from its country
(re-exported by :mod:`dyads.analytics.filters`)."""

DDL = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    prefix VARCHAR NOT NULL,
    date DATE,
    id VARCHAR NOT NULL,
    src BOOLEAN NOT NULL,
    tgt BOOLEAN NOT NULL,
    quad_class TINYINT NOT NULL,
    plover_type VARCHAR,
    goldstein DOUBLE NOT NULL,
    source_prefixes VARCHAR NOT NULL,
    target_prefixes VARCHAR NOT NULL,
    partners VARCHAR[] NOT NULL
)"""

PAIRS_DDL = f"""CREATE TABLE IF NOT EXISTS {PAIRS} (
    pair VARCHAR NOT NULL,
    date DATE,
    id VARCHAR NOT NULL,
    quad_class TINYINT NOT NULL,
    plover_type VARCHAR,
    goldstein DOUBLE NOT NULL
)"""
"""``dyad_index``: one row per (event, pair key): ``"A>B"`` for a source prefix A and a target
prefix B of the event (directed), and ``"A~B"`` (the two sorted) for the same pairs either way
round, so an undirected pair lists each event once."""

BLOCS_DDL = f"""CREATE TABLE IF NOT EXISTS {BLOCS} (
    event_id VARCHAR NOT NULL,
    a VARCHAR NOT NULL,
    b VARCHAR NOT NULL,
    quad_class TINYINT NOT NULL,
    joint BOOLEAN NOT NULL,
    place BOOLEAN NOT NULL,
    appeal BOOLEAN NOT NULL,
    date DATE
)"""
"""``bloc_index``: one row per (event, unordered pair of different alignment keys) as the blocs
(:func:`dyads.analytics.alignment`) count them: whether the two act jointly (two sources), whether
the target is only the place of the event, whether the event is an appeal, and its date. Filled by
the alignment module's own query (:func:`dyads.analytics.alignment.pair_facts_sql`), so the blocs
read from it are the blocs computed from ``events`` and ``event_actors``."""

PAIRS_SCHEMA = pa.schema(
    [
        ("pair", pa.string()),
        ("date", pa.date32()),
        ("id", pa.string()),
        ("quad_class", pa.int8()),
        ("plover_type", pa.string()),
        ("goldstein", pa.float64()),
    ]
)


def directed_key(source: str, target: str) -> str:
    """The ``dyad_index`` key of events with a source matching ``source`` and a target ``target``."""
    return f"{source}>{target}"


def undirected_key(one: str, other: str) -> str:
    """The ``dyad_index`` key of events between the two labels, either way round."""
    first, second = sorted((one, other))
    return f"{first}~{second}"


def _prefix_texts(event: Event) -> tuple[str, str]:
    """The event's ``source_prefixes`` and ``target_prefixes`` (as on its ``events`` row)."""
    from dyads.io.store import label_prefixes  # the store imports this module

    return (label_prefixes(actor.label for actor in event.sources), label_prefixes(actor.label for actor in event.targets))


def pair_rows(event: Event, *, texts: tuple[str, str] | None = None) -> list[dict[str, Any]]:
    """The ``dyad_index`` rows of one event (its id must be set); ``texts``: its prefix texts, when known."""
    source_text, target_text = texts or _prefix_texts(event)
    sources, targets = _prefixes(source_text), _prefixes(target_text)
    keys = {directed_key(a, b) for a in sources for b in targets} | {undirected_key(a, b) for a in sources for b in targets}
    date = event.date.date if event.date else None
    return [
        {"pair": key, "date": date, "id": event.id, "quad_class": event.quad_class, "plover_type": event.plover_type,
         "goldstein": event.goldstein}
        for key in sorted(keys)
    ]


SCHEMA = pa.schema(
    [
        ("prefix", pa.string()),
        ("date", pa.date32()),
        ("id", pa.string()),
        ("src", pa.bool_()),
        ("tgt", pa.bool_()),
        ("quad_class", pa.int8()),
        ("plover_type", pa.string()),
        ("goldstein", pa.float64()),
        ("source_prefixes", pa.string()),
        ("target_prefixes", pa.string()),
        ("partners", pa.list_(pa.string())),
    ]
)


def actor_key(actor: Actor) -> str | None:
    """An actor's alignment key: its code, or "CODE SECTOR" for its first non-state sector; None uncoded.
    The same as :func:`dyads.analytics.filters.actor_key_sql` on its ``event_actors`` row."""
    if actor.code is None:
        return None
    sector = next((s for s in actor.sectors if s in NON_STATE_SECTORS), None)
    return actor.code if sector is None else f"{actor.code} {sector}"


def _prefixes(text: str) -> set[str]:
    return {part for part in text.split("|") if part}


def index_rows(event: Event, *, texts: tuple[str, str] | None = None) -> list[dict[str, Any]]:
    """The ``actor_index`` rows of one event (its id must be set); ``texts``: its prefix texts, when known."""
    source_text, target_text = texts or _prefix_texts(event)
    sources, targets = _prefixes(source_text), _prefixes(target_text)
    rows = []
    for prefix in sorted(sources | targets):
        src, tgt = prefix in sources, prefix in targets
        others = [*(event.targets if src else ()), *(event.sources if tgt else ())]
        partners = {
            key
            for actor in others
            if (key := actor_key(actor)) is not None and not (actor.label + " ").startswith(prefix + " ")
        }
        rows.append(
            {
                "prefix": prefix,
                "date": event.date.date if event.date else None,
                "id": event.id,
                "src": src,
                "tgt": tgt,
                "quad_class": event.quad_class,
                "plover_type": event.plover_type,
                "goldstein": event.goldstein,
                "source_prefixes": source_text,
                "target_prefixes": target_text,
                "partners": sorted(partners),
            }
        )
    return rows


def add_to_index(
    con: duckdb.DuckDBPyConnection, events: Sequence[Event], *, tables: tuple[pa.Table, pa.Table],
    events_before: int | None = None,
) -> None:
    """Add ``events`` (new to the store, already inserted in this transaction, with their
    ``event_actors`` rows; ``tables`` are those ``events`` and ``event_actors`` rows as inserted)
    to the index, in the caller's transaction. A store without the index
    starts one only while it has no other events (``events_before``, counted when None); otherwise
    it waits for ``dyads optimize``. The actor tables and ``bloc_index`` start (and wait) each on
    their own count."""
    started: dict[str, bool] = {}
    for key, ddls in ((COVERED_KEY, (DDL, PAIRS_DDL)), (BLOCS_COVERED_KEY, (BLOCS_DDL,))):
        covered = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
        if not covered:
            if events_before is None:
                events_before = int(con.execute("SELECT count(*) FROM events").fetchall()[0][0]) - len(events)
            if events_before != 0:
                started[key] = False  # events from before the index: built by `dyads optimize`
                continue
            for ddl in ddls:
                con.execute(ddl)
            con.execute("INSERT INTO meta VALUES (?, '0')", [key])
        started[key] = True
    if not events:
        return
    if started[BLOCS_COVERED_KEY]:
        _add_blocs(con, tables)
        con.execute(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + ? AS VARCHAR) WHERE key = ?",
            [len(events), BLOCS_COVERED_KEY],
        )
    if not started[COVERED_KEY]:
        return
    texts = [_prefix_texts(event) for event in events]
    for table, schema, rows in (
        (TABLE, SCHEMA, [row for event, text in zip(events, texts) for row in index_rows(event, texts=text)]),
        (PAIRS, PAIRS_SCHEMA, [row for event, text in zip(events, texts) for row in pair_rows(event, texts=text)]),
    ):
        if rows:
            view = f"_dyads_batch_{table}"
            con.register(view, pa.Table.from_pylist(rows, schema=schema))
            try:
                names = ", ".join(schema.names)
                con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {view}")
            finally:
                con.unregister(view)
    con.execute(
        "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + ? AS VARCHAR) WHERE key = ?", [len(events), COVERED_KEY]
    )


def _add_blocs(con: duckdb.DuckDBPyConnection, tables: tuple[pa.Table, pa.Table]) -> None:
    """Insert the ``bloc_index`` rows of a batch: the alignment query run on the batch's own
    ``events`` / ``event_actors`` rows (registered views: no scan of the stored tables)."""
    # imported here: the analytics import this module
    from dyads.analytics.alignment import pair_facts_sql

    views = dict(zip(("_dyads_bloc_events", "_dyads_bloc_actors"), tables))
    for name, table in views.items():
        con.register(name, table)
    try:
        sql, params = pair_facts_sql(tables=tuple(views))
        con.execute(f"INSERT INTO {BLOCS} (event_id, a, b, quad_class, joint, place, appeal, date) {sql}", params)
    finally:
        for name in views:
            con.unregister(name)


def build_bloc_index(con: duckdb.DuckDBPyConnection) -> int:
    """(Re)build ``bloc_index`` alone from the base tables, sorted newest first, in the caller's
    transaction, and mark it as covering every event. Returns its rows."""
    from dyads.analytics.alignment import pair_facts_sql

    sql, params = pair_facts_sql()
    con.execute(f"DROP TABLE IF EXISTS {BLOCS}")
    con.execute(BLOCS_DDL)
    con.execute(
        f"INSERT INTO {BLOCS} (event_id, a, b, quad_class, joint, place, appeal, date)"
        f" SELECT * FROM ({sql}) ORDER BY date DESC NULLS LAST, event_id, a, b",
        params,
    )
    total = int(con.execute("SELECT count(*) FROM events").fetchall()[0][0])
    con.execute("DELETE FROM meta WHERE key = ?", [BLOCS_COVERED_KEY])
    con.execute("INSERT INTO meta VALUES (?, ?)", [BLOCS_COVERED_KEY, str(total)])
    return int(con.execute(f"SELECT count(*) FROM {BLOCS}").fetchall()[0][0])


def _key_sql(alias: str) -> str:
    """:func:`actor_key` in SQL on an ``event_actors`` row (the sectors list pasted from the constant above)."""
    listed = "[" + ", ".join(f"'{sector}'" for sector in NON_STATE_SECTORS) + "]"
    first = f"list_filter({alias}.sectors, lambda s: list_contains({listed}, s))"
    return f"CASE WHEN len({first}) > 0 THEN {alias}.code || ' ' || {first}[1] ELSE {alias}.code END"


BUILD_SQL = (
    "WITH posts AS (SELECT id, prefix, bool_or(side = 's') AS src, bool_or(side = 't') AS tgt FROM ("
    " SELECT id, unnest(string_split(trim(source_prefixes, '|'), '|')) AS prefix, 's' AS side FROM events"
    " WHERE source_prefixes <> ''"
    " UNION ALL SELECT id, unnest(string_split(trim(target_prefixes, '|'), '|')), 't' FROM events"
    " WHERE target_prefixes <> '') GROUP BY id, prefix),"
    f" actors AS (SELECT a.event_id, a.role, a.label, {_key_sql('a')} AS k FROM event_actors a"
    " WHERE a.role IN ('source', 'target') AND a.code IS NOT NULL),"
    " partners AS (SELECT p.id, p.prefix, list(DISTINCT x.k ORDER BY x.k) AS partners"
    " FROM posts p JOIN actors x ON x.event_id = p.id"
    " WHERE NOT starts_with(x.label || ' ', p.prefix || ' ')"
    " AND ((p.src AND x.role = 'target') OR (p.tgt AND x.role = 'source')) GROUP BY p.id, p.prefix)"
    f" INSERT INTO {TABLE} SELECT p.prefix, e.date, p.id, p.src, p.tgt, e.quad_class, e.plover_type, e.goldstein,"
    " e.source_prefixes, e.target_prefixes, coalesce(q.partners, []::VARCHAR[]) FROM posts p JOIN events e ON e.id = p.id"
    " LEFT JOIN partners q ON q.id = p.id AND q.prefix = p.prefix"
    " ORDER BY p.prefix, e.date DESC NULLS LAST, p.id"
)
"""Fill the (empty) index from ``events`` and ``event_actors``, sorted by prefix then newest first."""

_SIDES = (
    "SELECT id, date, quad_class, plover_type, goldstein,"
    " unnest(string_split(trim(source_prefixes, '|'), '|')) AS s FROM events WHERE source_prefixes <> ''"
)
BUILD_PAIRS_SQL = (
    f"WITH src AS ({_SIDES}),"
    f" tgt AS (SELECT id, unnest(string_split(trim(target_prefixes, '|'), '|')) AS t FROM events"
    " WHERE target_prefixes <> ''),"
    " pairs AS (SELECT src.id, src.date, src.quad_class, src.plover_type, src.goldstein, src.s, tgt.t"
    " FROM src JOIN tgt ON src.id = tgt.id),"
    " keyed AS (SELECT DISTINCT s || '>' || t AS pair, date, id, quad_class, plover_type, goldstein FROM pairs"
    " UNION SELECT least(s, t) || '~' || greatest(s, t), date, id, quad_class, plover_type, goldstein FROM pairs)"
    f" INSERT INTO {PAIRS} SELECT pair, date, id, quad_class, plover_type, goldstein FROM keyed"
    " ORDER BY pair, date DESC NULLS LAST, id"
)
"""Fill the (empty) pair table from ``events``, sorted by pair then newest first."""


def build_index(con: duckdb.DuckDBPyConnection) -> int:
    """(Re)build the index from the base tables on ``con`` (a DuckDB connection to the store, which
    the caller holds alone; one transaction) and mark it as covering every event. Returns its rows."""
    con.execute("BEGIN TRANSACTION")
    try:
        for table, ddl, fill in ((TABLE, DDL, BUILD_SQL), (PAIRS, PAIRS_DDL, BUILD_PAIRS_SQL)):
            con.execute(f"DROP TABLE IF EXISTS {table}")
            con.execute(ddl)
            con.execute(fill)
        total = int(con.execute("SELECT count(*) FROM events").fetchall()[0][0])
        con.execute("DELETE FROM meta WHERE key = ?", [COVERED_KEY])
        con.execute("INSERT INTO meta VALUES (?, ?)", [COVERED_KEY, str(total)])
        build_bloc_index(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return int(con.execute(f"SELECT count(*) FROM {TABLE}").fetchall()[0][0])


class IndexMemo:
    """Remembers, for the stores of one process, that the index covered every event once. That stays
    true while every write goes through :meth:`Store.write_batch` (the server's own ingestion), so
    the check (two small queries, ~1.5 ms) is skipped; a false answer is checked again each time."""

    def __init__(self) -> None:
        self.ready = False
        self.blocs_ready = False


def _covers_all(store: Any, key: str) -> bool:
    covered = store.query("SELECT value FROM meta WHERE key = ?", [key])
    if not covered:
        return False
    return int(covered[0]["value"]) == int(store.query("SELECT count(*) AS n FROM events")[0]["n"])


def blocs_ready(store: Any) -> bool:
    """Whether ``store`` (a DuckDB :class:`Store`) holds a ``bloc_index`` covering every stored
    event (as :func:`index_ready`, on its own count; remembered in an ``index_memo`` the same way)."""
    from dyads.io.store import Store

    if not isinstance(store, Store):
        return False
    memo = getattr(store, "index_memo", None)
    if isinstance(memo, IndexMemo) and memo.blocs_ready:
        return True
    ready = _covers_all(store, BLOCS_COVERED_KEY)
    if ready and isinstance(memo, IndexMemo):
        memo.blocs_ready = True
    return ready


def index_ready(store: Any) -> bool:
    """Whether ``store`` (a DuckDB :class:`Store`; PostgreSQL stores have no index) holds an index
    covering every stored event, so the queries may read it instead of the base tables. A store
    with an ``index_memo`` (:class:`IndexMemo`, the server's sessions) remembers a true answer."""
    from dyads.io.store import Store

    if not isinstance(store, Store):
        return False
    memo = getattr(store, "index_memo", None)
    if isinstance(memo, IndexMemo) and memo.ready:
        return True
    covered = store.query("SELECT value FROM meta WHERE key = ?", [COVERED_KEY])
    if not covered:
        return False
    ready = int(covered[0]["value"]) == int(store.query("SELECT count(*) AS n FROM events")[0]["n"])
    if ready and isinstance(memo, IndexMemo):
        memo.ready = True
    return ready


INDEXED_FILTERS = frozenset({"actor", "source", "target", "since", "until", "type", "quad"})
"""Event filters the index can answer alone (its columns are named as on ``events``)."""


def index_driver(filters: Any) -> str | None:
    """The label whose index rows hold every event matching ``filters`` (an
    :class:`dyads.analytics.EventFilters`): its source, else target, else actor label; None when
    no actor is given or another filter needs columns the index does not have."""
    given = {name for name, value in filters if value is not None}
    if not given <= INDEXED_FILTERS:
        return None
    return filters.source or filters.target or filters.actor
