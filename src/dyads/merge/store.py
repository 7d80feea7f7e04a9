"""Merge the events of a store: :func:`merge_store` writes ``merged_events`` and ``merged_mentions``;
:func:`read_merged` reads merged events back as :class:`~dyads.merge.records.MergedEvent` s.

The tables are created with ``CREATE TABLE IF NOT EXISTS`` (additive; the store's schema version
does not change) and their contents are replaced in one transaction, so a rerun with the same
events and options writes the same rows. The keys are computed in DuckDB (``keys.item_sql``),
read one page of source codes at a time (memory stays flat), clustered in Python
(``cluster.cluster_items``) and written back with ``INSERT ... SELECT`` statements.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from dyads.errors import StoreError
from dyads.io.store import Store
from dyads.merge.cluster import cluster_items
from dyads.merge.events import merged_id
from dyads.merge.keys import MergeItem, item_sql, place_rank_sql, status_sql
from dyads.merge.options import MergeError, MergeOptions, merge_options
from dyads.merge.records import EventMention, MergedEvent, MergeSummary
from dyads.records import Event, Span

PAGE_EVENTS = 300_000
"""Events read into Python at once (whole source codes; a bigger code is read alone)."""

_MEMBERS = "_dyads_merge_members"
_ROWS = "_dyads_merge_rows"

DDL = (
    """CREATE TABLE IF NOT EXISTS merged_events (
        id VARCHAR NOT NULL,
        rule VARCHAR NOT NULL,
        event_id VARCHAR NOT NULL,
        place_event_id VARCHAR NOT NULL,
        source VARCHAR,
        target VARCHAR,
        plover_type VARCHAR,
        cameo_code VARCHAR NOT NULL,
        quad_class TINYINT NOT NULL,
        goldstein DOUBLE NOT NULL,
        status VARCHAR NOT NULL,
        date DATE,
        end_date DATE,
        date_precision VARCHAR,
        date_derived_from VARCHAR,
        location_name VARCHAR,
        location_country VARCHAR,
        location_admin1 VARCHAR,
        location_lat DOUBLE,
        location_lon DOUBLE,
        n_mentions INTEGER NOT NULL,
        n_articles INTEGER NOT NULL,
        n_sources INTEGER NOT NULL,
        outlets VARCHAR[] NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS merged_mentions (
        merged_id VARCHAR NOT NULL,
        event_id VARCHAR NOT NULL,
        anchor BOOLEAN NOT NULL,
        article_id VARCHAR NOT NULL,
        sentence_index INTEGER NOT NULL,
        outlet VARCHAR,
        status VARCHAR NOT NULL,
        speaker VARCHAR,
        reporting_source VARCHAR,
        source VARCHAR,
        target VARCHAR,
        plover_type VARCHAR,
        cameo_code VARCHAR NOT NULL,
        date DATE,
        date_precision VARCHAR,
        location_name VARCHAR,
        location_country VARCHAR,
        trigger_start INTEGER NOT NULL,
        trigger_end INTEGER NOT NULL,
        trigger_text VARCHAR NOT NULL
    )""",
)

_FIRST_ACTORS = (
    " LEFT JOIN event_actors s ON s.event_id = e.id AND s.role = 'source' AND s.position = 0"
    " LEFT JOIN event_actors t ON t.event_id = e.id AND t.role = 'target' AND t.position = 0"
)
_MENTION_ORDER = "date NULLS LAST, article_id, sentence_index, trigger_start, event_id"
_MEMBER_SCHEMA = pa.schema(
    [("event_id", pa.string()), ("merged_id", pa.string()), ("anchor", pa.bool_()), ("size", pa.int32())]
)


def _pages(store: Store) -> list[list[str]]:
    """Source codes ('' for none) packed into pages of about :data:`PAGE_EVENTS` events."""
    counts = store.query(
        "SELECT coalesce(s.code, '') AS code, count(*) AS n FROM events e"
        " LEFT JOIN event_actors s ON s.event_id = e.id AND s.role = 'source' AND s.position = 0"
        " GROUP BY 1 ORDER BY 1"
    )
    pages: list[list[str]] = []
    size = PAGE_EVENTS
    for row in counts:
        if size + row["n"] > PAGE_EVENTS:
            pages.append([])
            size = 0
        pages[-1].append(row["code"])
        size += row["n"]
    return pages


def _members(store: Store, options: MergeOptions) -> pa.Table:
    """Every event's merged id and whether it is the anchor, one page of source codes at a time."""
    fields = item_sql(options)
    select = ", ".join(f"{fields[name]} AS {name}" for name in MergeItem._fields)  # rows come in MergeItem's order
    sql = f"SELECT {select} FROM events e{_FIRST_ACTORS} WHERE coalesce(s.code, '') IN (SELECT unnest(?))"
    rule = options.rule()
    event_ids: list[str] = []
    merged_ids: list[str] = []
    anchors: list[bool] = []
    sizes: list[int] = []
    for codes in _pages(store):
        items = [MergeItem._make(row.values()) for row in store.query(sql, [codes])]
        for cluster in cluster_items(items, window_days=options.window_days, one_a_day=options.mode == "one-a-day"):
            members = [items[i].event_id for i in cluster]
            merged = merged_id(rule, items[cluster[0]].hard, members)
            event_ids.extend(members)
            merged_ids.extend([merged] * len(members))
            anchors.extend([True] + [False] * (len(members) - 1))
            sizes.extend([len(members)] * len(members))
    return pa.Table.from_arrays(
        [pa.array(event_ids, pa.string()), pa.array(merged_ids, pa.string()), pa.array(anchors, pa.bool_()), pa.array(sizes, pa.int32())],
        schema=_MEMBER_SCHEMA,
    )


def _write_statements(options: MergeOptions) -> list[str | tuple[str, Sequence[Any]]]:
    status = "'any'" if options.mode == "one-a-day" else status_sql(options.status_level)
    rows = (
        f"CREATE TEMP TABLE {_ROWS} AS"
        " SELECT m.merged_id, m.anchor, m.size, e.id AS event_id, e.article_id, e.sentence_index, a.outlet, e.status,"
        " e.speaker, e.reporting_source, s.label AS source, t.label AS target, nullif(t.code, '') AS target_code,"
        " e.plover_type, e.cameo_code, e.quad_class, e.goldstein, e.date, e.end_date, e.date_precision,"
        " e.date_derived_from, e.location_name, e.location_country, e.location_admin1, e.location_lat,"
        " e.location_lon, e.trigger_start, e.trigger_end, e.trigger_text,"
        f" {status} AS status_key,"
        # the place rank is only needed to choose among several mentions (it reads the record's JSON)
        f" CASE WHEN m.size > 1 THEN {place_rank_sql()} ELSE 0 END AS place_rank"
        f" FROM {_MEMBERS} m JOIN events e ON e.id = m.event_id{_FIRST_ACTORS}"
        " LEFT JOIN articles a ON a.id = e.article_id"
    )
    mentions = (
        "INSERT INTO merged_mentions SELECT merged_id, event_id, anchor, article_id, sentence_index, outlet, status,"
        " speaker, reporting_source, source, target, plover_type, cameo_code, date, date_precision, location_name,"
        f" location_country, trigger_start, trigger_end, trigger_text FROM {_ROWS}"
    )
    columns = (
        "a.merged_id, ?, a.event_id, {place}.event_id, a.source, {target}, a.plover_type, a.cameo_code, a.quad_class,"
        " a.goldstein, a.status_key, a.date, a.end_date, a.date_precision, a.date_derived_from, {place}.location_name,"
        " {place}.location_country, {place}.location_admin1, {place}.location_lat, {place}.location_lon"
    )
    single = (
        "INSERT INTO merged_events SELECT "
        + columns.format(place="a", target="CASE WHEN a.target_code IS NULL THEN NULL ELSE a.target END")
        + ", 1, 1, 1, CASE WHEN coalesce(a.outlet, '') = '' THEN []::VARCHAR[] ELSE [a.outlet] END"
        f" FROM {_ROWS} a WHERE a.size = 1"
    )
    several = (
        "INSERT INTO merged_events"
        f" WITH multi AS (SELECT * FROM {_ROWS} WHERE size > 1),"
        " ranked AS (SELECT *,"
        f" row_number() OVER (PARTITION BY merged_id ORDER BY place_rank DESC, anchor DESC, {_MENTION_ORDER}) AS place_pos,"
        f" row_number() OVER (PARTITION BY merged_id ORDER BY target_code IS NULL, anchor DESC, {_MENTION_ORDER}) AS target_pos"
        " FROM multi),"
        " counts AS (SELECT merged_id, count(*)::INTEGER AS n_mentions, count(DISTINCT article_id)::INTEGER AS n_articles,"
        " count(DISTINCT coalesce(nullif(lower(trim(outlet)), ''), '#' || article_id))::INTEGER AS n_sources,"
        " list_sort(list_distinct(list(outlet) FILTER (WHERE coalesce(outlet, '') <> ''))) AS outlets"
        " FROM multi GROUP BY merged_id)"
        " SELECT " + columns.format(place="p", target="t.target") + ", c.n_mentions, c.n_articles, c.n_sources,"
        " coalesce(c.outlets, []::VARCHAR[])"
        " FROM ranked a JOIN ranked p ON p.merged_id = a.merged_id AND p.place_pos = 1"
        " LEFT JOIN ranked t ON t.merged_id = a.merged_id AND t.target_pos = 1 AND t.target_code IS NOT NULL"
        " JOIN counts c ON c.merged_id = a.merged_id"
        " WHERE a.anchor"
    )
    return [
        *DDL,
        "DELETE FROM merged_mentions",
        "DELETE FROM merged_events",
        rows,
        mentions,
        (single, [options.rule()]),
        (several, [options.rule()]),
        f"DROP TABLE {_ROWS}",
    ]


def merge_store(
    store: Store,
    *,
    window_days: int = 1,
    place_level: str = "place",
    type_level: str = "plover",
    actor_level: str = "code",
    status_level: str = "class",
    mode: str = "merge",
    top: int = 5,
) -> MergeSummary:
    """Merge every event of ``store`` (docs/merging.md) into ``merged_events`` / ``merged_mentions``,
    replacing what an earlier merge wrote, in one transaction. Returns counts and the ``top`` biggest
    merged events.

    Raises:
        MergeError: E640 a bad option.
        StoreError: E606 the store is read-only or closed, E604 the write failed (rolled back).
    """
    options = merge_options(
        mode=mode,
        window_days=window_days,
        place_level=place_level,
        type_level=type_level,
        actor_level=actor_level,
        status_level=status_level,
    )
    if isinstance(top, bool) or not isinstance(top, int) or top < 0:
        raise MergeError("E640", f"bad merge option top={top!r}", fix="give top as a non-negative integer")
    if store.read_only:
        raise StoreError("E606", f"store {store.path} is open read-only", fix="open it with read_only=False to merge")
    started = time.perf_counter()
    members = _members(store, options)
    store.execute_script(_write_statements(options), tables={_MEMBERS: members})
    seconds = time.perf_counter() - started
    counts = store.query(
        "SELECT count(*) AS merged, count(*) FILTER (WHERE n_mentions > 1) AS multi,"
        " coalesce(max(n_mentions), 0) AS largest FROM merged_events"
    )[0]
    return MergeSummary(
        options=options,
        rule=options.rule(),
        events=members.num_rows,
        merged_events=int(counts["merged"]),
        multi_mention=int(counts["multi"]),
        merged_away=members.num_rows - int(counts["merged"]),
        largest=int(counts["largest"]),
        seconds=round(seconds, 3),
        biggest=read_merged(store, top=top) if top else [],
    )


def read_merged(store: Store, *, ids: Sequence[str] | None = None, top: int | None = None) -> list[MergedEvent]:
    """Merged events from the store's ``merged_events``, with their mentions: those with ``ids``
    (in that order, unknown ids left out), else the ``top`` biggest (most mentions, then date and id),
    else all of them by date. An empty list when the store was never merged."""
    if not store.query("SELECT 1 AS found FROM duckdb_tables() WHERE table_name = 'merged_events'"):
        return []
    if ids is not None:
        rows = store.query("SELECT * FROM merged_events WHERE id IN (SELECT unnest(?))", [list(ids)])
        position = {merged: i for i, merged in enumerate(ids)}
        rows.sort(key=lambda row: position[row["id"]])
    elif top is not None:
        rows = store.query("SELECT * FROM merged_events ORDER BY n_mentions DESC, date NULLS LAST, id LIMIT ?", [top])
    else:
        rows = store.query("SELECT * FROM merged_events ORDER BY date NULLS LAST, id")
    if not rows:
        return []
    wanted = [row["id"] for row in rows]
    mentions: dict[str, list[EventMention]] = {merged: [] for merged in wanted}
    for row in store.query(
        f"SELECT * FROM merged_mentions WHERE merged_id IN (SELECT unnest(?)) ORDER BY merged_id, {_MENTION_ORDER}", [wanted]
    ):
        merged = row.pop("merged_id")
        span = Span(start=row.pop("trigger_start"), end=row.pop("trigger_end"), text=row.pop("trigger_text"))
        mentions[merged].append(EventMention(**row, trigger=span))
    needed = sorted({row["event_id"] for row in rows} | {row["place_event_id"] for row in rows})
    records = {
        row["id"]: Event.model_validate_json(row["record"])
        for row in store.query("SELECT id, record FROM events WHERE id IN (SELECT unnest(?))", [needed])
    }
    result = []
    for row in rows:
        anchor, place = records.get(row["event_id"]), records.get(row["place_event_id"])
        result.append(
            MergedEvent(
                id=row["id"],
                rule=row["rule"],
                event_id=row["event_id"],
                source=row["source"],
                target=row["target"],
                plover_type=row["plover_type"],
                cameo_code=row["cameo_code"],
                quad_class=row["quad_class"],
                goldstein=row["goldstein"],
                status=row["status"],
                date=anchor.date if anchor else None,
                location=place.location if place else None,
                n_mentions=row["n_mentions"],
                n_articles=row["n_articles"],
                n_sources=row["n_sources"],
                outlets=list(row["outlets"]),
                mentions=mentions[row["id"]],
            )
        )
    return result
