"""What one page of the events list costs the server, piece by piece, on a stored store.

    python bench/list_rows.py [--db /tmp/dyads-api-1m.duckdb] [--pages 40]

On ``--pages`` pages of 50 stored events: microseconds per event to parse the whole ``Event`` and
make its list row from it (the server's way before 2026-11-27), and to make the row from the
parsed JSON (``dyads.server.queries.to_row``, the way now); milliseconds per page to read the records by id (``list_contains``, what ``event_rows`` runs)
and to read the row's fields from the table's columns plus the actor labels from the JSON in
SQL instead. Build the store first with ``python bench/load_test.py --optimize``.
"""

from __future__ import annotations

import argparse
import json
import time

RECORDS = "SELECT e.id, e.record FROM events e WHERE list_contains(?, e.id)"
LABELS = (
    "list_transform(json_transform(json_extract(e.record, '$.{role}'), '[{{\"code\":\"VARCHAR\",\"sectors\":[\"VARCHAR\"]}}]'),"
    " lambda a: trim(coalesce(a.code, '---') || ' ' || array_to_string(a.sectors, ' ')))"
)
COLUMNS = (
    "SELECT e.id, e.article_id, e.sentence_index, e.date, e.date_precision, e.plover_type, e.plover_mode, e.cameo_code,"
    " e.quad_class, e.goldstein, e.status, e.speaker, e.location_name, e.location_country, e.location_lat, e.location_lon,"
    f" e.trigger_text, e.sentence_text, {LABELS.format(role='sources')}, {LABELS.format(role='targets')}"
    " FROM events e WHERE list_contains(?, e.id)"
)


def per_item(items: list, work) -> float:
    start = time.perf_counter()
    for item in items:
        work(item)
    return (time.perf_counter() - start) / len(items)


def row_from_event(event, EventLocation, EventRow):  # the server's list row before 2026-11-27, from an Event
    place, speaker = event.location, event.attribution.speaker
    return EventRow(
        id=event.id, article_id=event.article_id, sentence_index=event.sentence_index,
        date=event.date.date if event.date else None, date_precision=event.date.precision if event.date else None,
        plover_type=event.plover_type, plover_mode=event.plover_mode, cameo_code=event.cameo_code,
        quad_class=event.quad_class, goldstein=event.goldstein, status=event.attribution.status,
        sources=[a.label for a in event.sources], targets=[a.label for a in event.targets],
        speaker=speaker.label if speaker else None,
        location=EventLocation(name=place.name, country=place.country, lat=place.lat, lon=place.lon) if place else None,
        trigger_text=event.trigger.text, sentence_text=event.sentence.text, outlet=None, title=None,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="/tmp/dyads-api-1m.duckdb")
    parser.add_argument("--pages", type=int, default=40, help="pages of 50 stored events")
    args = parser.parse_args()

    from dyads.io.store import Store
    from dyads.records import Event
    from dyads.server.models import EventLocation, EventRow
    from dyads.server.queries import to_row

    with Store.open(args.db, read_only=True) as store:
        ids = [row["id"] for row in store.query(f"SELECT id FROM events USING SAMPLE {50 * int(args.pages)} ROWS")]
        pages = [ids[i : i + 50] for i in range(0, len(ids), 50)]
        records = [[row["record"] for row in store.query(RECORDS, [page])] for page in pages]
        n = sum(len(page) for page in records)
        old = per_item(records, lambda page: [row_from_event(Event.model_validate_json(r), EventLocation, EventRow) for r in page])
        new = per_item(records, lambda page: [to_row(json.loads(r), outlet=None, title=None) for r in page])
        print(f"list rows of {n} stored events, a page of 50 at a time: through the whole Event "
              f"{old * len(records) / n * 1e6:.1f} us an event; from the parsed JSON (now) {new * len(records) / n * 1e6:.1f} us")
        for label, sql in (("records by id (event_rows)", RECORDS), ("columns + labels in SQL", COLUMNS)):
            store.query(sql, [pages[0]])
            print(f"per page of 50: {label}: {per_item(pages, lambda page, sql=sql: store.query(sql, [page])) * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
