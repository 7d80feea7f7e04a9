"""The events list: common filters, keyset pagination, a total, in parameterised SQL only.

Order: date descending (undated events last), then id. The cursor is opaque to clients:
URL-safe base64 of the last row's (date, id) and the total counted on the first page.
Filters are checked and turned into SQL by :mod:`dyads.analytics` (the same rules
as the timeline's), so the list and the charts always agree on what a filter means.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from dyads.analytics import EventFilters
from dyads.analytics.event_filters import filter_from
from dyads.errors import ServerError
from dyads.records import actor_label
from dyads.server.database import SessionStore
from dyads.server.models import ArticleBody, EventLocation, EventRow, EventsPage

_ORDER = " ORDER BY e.date DESC NULLS LAST, e.id"
_MAX_CURSOR_CHARS = 512


class Cursor(BaseModel):
    """Where the previous page ended, and the total its first page counted."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date | None
    id: str
    total: int


def encode_cursor(cursor: Cursor) -> str:
    raw = json.dumps(cursor.model_dump(mode="json"), separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(text: str) -> Cursor:
    """The cursor a previous page gave (E620 for anything else)."""
    bad = ServerError("E620", "bad cursor", fix="pass the next_cursor of the previous page unchanged")
    if len(text) > _MAX_CURSOR_CHARS:
        raise bad
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        return Cursor.model_validate_json(raw)
    except (binascii.Error, ValueError, ValidationError) as exc:
        raise bad from exc


def _after(cursor: Cursor) -> tuple[str, list[Any]]:
    """Rows after ``cursor`` in the list's order (date desc nulls last, id)."""
    if cursor.date is None:
        return "(e.date IS NULL AND e.id > ?)", [cursor.id]
    return "(e.date < ? OR (e.date = ? AND e.id > ?) OR e.date IS NULL)", [cursor.date, cursor.date, cursor.id]


def where(clauses: list[str]) -> str:
    return (" WHERE " + " AND ".join(clauses)) if clauses else ""


def _costly(filters: EventFilters) -> bool:
    """Filters that search text on every event row (the actor prefix columns, the trigger and
    sentence text): matching once and counting the matches beat a count and a top-N scan that
    each search again (measured on 1,000,000 events: 35-43 ms against 56-61 ms for actor filters)."""
    return any(getattr(filters, name) is not None for name in ("actor", "source", "target", "q"))


def events_page(store: SessionStore, filters: EventFilters, *, limit: int, cursor: str | None) -> EventsPage:
    """One page of events matching ``filters`` and the total that match."""
    previous = decode_cursor(cursor) if cursor is not None else None
    # The actor index when it can answer (dyads.io.rollups): one label's rows instead of every event.
    source, clauses, params = filter_from(store, filters)
    if previous is None and _costly(filters):
        # One pass: the actor/text filters cost most of the query, so match once, then count and page.
        # Only (id, date) of the matches are kept; event_rows then reads the page's records by id.
        sql = (
            f"WITH matched AS MATERIALIZED (SELECT e.id, e.date FROM {source}" + where(clauses) + ")"
            " SELECT e.id, e.date, (SELECT count(*) FROM matched) AS total FROM matched e" + _ORDER + " LIMIT ?"
        )
        rows = store.query(sql, [*params, limit + 1])
        total = int(rows[0]["total"]) if rows else 0
    elif previous is None:
        # Column filters only: counting alone is cheap, and a top-N scan beats a windowed one.
        total = int(store.query(f"SELECT count(*) AS n FROM {source}" + where(clauses), params)[0]["n"])
        rows = store.query(f"SELECT e.id, e.date FROM {source}" + where(clauses) + _ORDER + " LIMIT ?", [*params, limit + 1])
    else:
        after, after_params = _after(previous)
        sql = f"SELECT e.id, e.date FROM {source}" + where([*clauses, after]) + _ORDER + " LIMIT ?"
        rows = store.query(sql, [*params, *after_params, limit + 1])
        total = previous.total
    return _page(store, rows, limit=limit, total=total)


def _page(store: SessionStore, rows: list[dict[str, Any]], *, limit: int, total: int) -> EventsPage:
    """The page of the first ``limit`` of ``rows`` (id, date; one more tells there is a next page)."""
    page, more = rows[:limit], len(rows) > limit
    events = event_rows(store, [row["id"] for row in page])
    next_cursor = None
    if more and page:
        last = page[-1]
        next_cursor = encode_cursor(Cursor(date=last["date"], id=last["id"], total=total))
    return EventsPage(events=events, next_cursor=next_cursor, total=total)


def event_rows(store: SessionStore, ids: list[str]) -> list[EventRow]:
    """The list rows of these events, in the order of ``ids``.

    The records are read by primary-key lookups (``list_contains`` on the ids alone): bounding the
    search by the page's dates as well made DuckDB scan those dates' rows instead, as fast on a
    page of a few days and 10-20 times slower on one spanning years (a rare pair's events, undated
    ones at the end), measured on 1,000,000 events. A row takes its fields from the stored JSON
    (written from an :class:`Event` by ``Store.write_batch``) without building the whole Event,
    which held the GIL for a quarter of a py-spy profile of the load test's cold round
    (``python bench/list_rows.py`` times both ways alone).
    """
    if not ids:
        return []
    found = store.query("SELECT e.id, e.record FROM events e WHERE list_contains(?, e.id)", [ids])
    records = {row["id"]: json.loads(row["record"]) for row in found}
    articles = _titles(store, sorted({record["article_id"] for record in records.values()}))
    out = []
    for event_id in ids:
        record = records.get(event_id)
        if record is not None:
            outlet, title = articles.get(record["article_id"], (None, None))
            out.append(to_row(record, outlet=outlet, title=title))
    return out


def _titles(store: SessionStore, article_ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """(outlet, title) of these articles: remembered by the server (:class:`ArticleTitles`), else read."""
    remembered = getattr(store, "article_titles", None)
    found = remembered.get_many(article_ids) if remembered is not None else {}
    missing = [key for key in article_ids if key not in found]
    if missing:
        marks = ", ".join("?" for _ in missing)
        read = {
            row["id"]: (row["outlet"], row["title"])
            for row in store.query(f"SELECT id, outlet, title FROM articles WHERE id IN ({marks})", missing)
        }
        if remembered is not None:
            remembered.put_many(read)
        found.update(read)
    return found


def _label(actor: dict[str, Any]) -> str:
    """``Actor.label`` of a stored actor."""
    return actor_label(actor.get("code"), actor.get("sectors", ()))


def to_row(record: dict[str, Any], *, outlet: str | None, title: str | None) -> EventRow:
    """An event's stored record (the JSON of an :class:`Event`, parsed) as a row of the events list."""
    when = record.get("date")
    place = record.get("location")
    attribution = record["attribution"]
    speaker = attribution.get("speaker")
    return EventRow(
        id=record["id"],
        article_id=record["article_id"],
        sentence_index=record["sentence_index"],
        date=when["date"] if when else None,
        date_precision=when["precision"] if when else None,
        plover_type=record.get("plover_type"),
        plover_mode=record.get("plover_mode"),
        cameo_code=record["cameo_code"],
        quad_class=record["quad_class"],
        goldstein=record["goldstein"],
        status=attribution["status"],
        sources=[_label(actor) for actor in record.get("sources", ())],
        targets=[_label(actor) for actor in record.get("targets", ())],
        speaker=_label(speaker) if speaker else None,
        location=EventLocation(name=place["name"], country=place.get("country"), lat=place.get("lat"), lon=place.get("lon")) if place else None,
        trigger_text=record["trigger"]["text"],
        sentence_text=record["sentence"]["text"],
        outlet=outlet,
        title=title,
    )


def event_json(store: SessionStore, event_id: str) -> str:
    """The stored JSON record of one event, as written from its :class:`Event` (E621 when there is none)."""
    rows = store.query("SELECT record FROM events WHERE id = ?", [event_id])
    if not rows:
        raise ServerError("E621", f"no event with id {event_id!r}", fix="take ids from GET /api/events")
    return rows[0]["record"]


def article_json(store: SessionStore, article_id: str) -> str:
    """An article and its events as the JSON of :class:`ArticleWithEvents`, the events' stored
    records spliced in as they are (parsing and re-encoding them cost ~0.5 ms an event under
    load); E621 when there is no such article."""
    article = store.article(article_id)
    if article is None:
        raise ServerError("E621", f"no article with id {article_id!r}", fix="take ids from GET /api/events")
    body = ArticleBody(
        id=article.id, title=article.title, url=article.url, outlet=article.outlet,
        published=article.published, text=article.text,
    )
    return '{"article":' + body.model_dump_json() + ',"events":[' + ",".join(store.event_records(article_id)) + "]}"
