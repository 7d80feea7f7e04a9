"""A synthetic dyads store of any size, for speed and load tests.

    python bench/synthetic_store.py OUT.duckdb --n 1000000 [--seed 0] [--overwrite]

or, from Python (e.g. the API load test)::

    sys.path.insert(0, "bench"); from synthetic_store import make_synthetic_store
    make_synthetic_store("/tmp/synthetic.duckdb", n_events=1_000_000, seed=0)

The tables are created by ``Store.open`` (so the schema is the store's own), then filled by
``INSERT ... SELECT`` over DuckDB's ``range()``: nothing goes through Python row by row.
Every value is drawn from a hash of (event number, seed, field), so one seed always gives the same
store, whatever the thread count. The events look like coded news: about 40 countries with a
Zipf-like spread (USA, RUS, CHN, UKR ... most often), sectors (GOV, MIL, REB ...), one or two
sources, zero to two targets, 15 PLOVER types with their CAMEO code, QuadClass and Goldstein
score, dates over ten years (2014-2023), attribution statuses with a speaker when not asserted,
places near the target's country, ten events per article. ``record`` holds a valid ``Event`` JSON,
so ``Store.events`` works on it, and the article text holds every event's sentence at its offsets.
The schema-version-2 columns (``source_prefixes``, ``target_prefixes``, ``sentence_text``) are filled
in the same ``INSERT`` by the store's own SQL (``label_prefixes_sql``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from dyads.errors import StoreError
from dyads.io.store import Store, label_prefixes_sql

EVENTS_PER_ARTICLE = 10
SENTENCE_WIDTH = 120
"""Every sentence is padded to this many characters, so offsets follow from the sentence index."""

# code, latitude, longitude, weight (relative frequency)
COUNTRIES: tuple[tuple[str, float, float, int], ...] = (
    ("USA", 38.9, -77.0, 60), ("RUS", 55.8, 37.6, 50), ("CHN", 39.9, 116.4, 30), ("UKR", 50.5, 30.5, 30),
    ("IRN", 35.7, 51.4, 25), ("ISR", 31.8, 35.2, 22), ("SYR", 33.5, 36.3, 20), ("TUR", 39.9, 32.9, 16),
    ("IRQ", 33.3, 44.4, 14), ("PRK", 39.0, 125.8, 10), ("KOR", 37.6, 127.0, 9), ("GBR", 51.5, -0.1, 9),
    ("FRA", 48.9, 2.4, 8), ("DEU", 52.5, 13.4, 8), ("IND", 28.6, 77.2, 8), ("PAK", 33.7, 73.1, 7),
    ("AFG", 34.5, 69.2, 7), ("SAU", 24.7, 46.7, 6), ("EGY", 30.0, 31.2, 6), ("LBN", 33.9, 35.5, 5),
    ("PSE", 31.5, 34.5, 6), ("JPN", 35.7, 139.7, 5), ("TWN", 25.0, 121.5, 4), ("BLR", 53.9, 27.6, 3),
    ("POL", 52.2, 21.0, 3), ("YEM", 15.4, 44.2, 4), ("LBY", 32.9, 13.2, 3), ("SDN", 15.6, 32.5, 3),
    ("ETH", 9.0, 38.7, 2), ("NGA", 9.1, 7.4, 2), ("MLI", 12.6, -8.0, 2), ("VEN", 10.5, -66.9, 2),
    ("COL", 4.7, -74.1, 2), ("MEX", 19.4, -99.1, 2), ("BRA", -15.8, -47.9, 2), ("ARM", 40.2, 44.5, 2),
    ("AZE", 40.4, 49.9, 2), ("QAT", 25.3, 51.5, 2), ("JOR", 31.9, 35.9, 2), ("NATO", 50.9, 4.4, 2),
)

# sectors of an actor ("" = a bare country), weight
SECTORS: tuple[tuple[str, int], ...] = (
    ("", 40), ("GOV", 25), ("MIL", 18), ("GOV MIL", 3), ("REB", 5), ("LEG", 3), ("CVL", 3), ("OPP", 1),
    ("COP", 1), ("MED", 1),
)

# PLOVER type (None = statement), mode, CAMEO, QuadClass, Goldstein, trigger words, weight
TYPES: tuple[tuple[str | None, str | None, str, int, float, str, int], ...] = (
    ("ASSAULT", "aerial", "195", 4, -10.0, "bombed", 20), ("ASSAULT", "firearms", "190", 4, -10.0, "attacked", 8),
    ("ACCUSE", None, "112", 3, -2.0, "accused", 10), ("THREATEN", None, "138", 3, -7.0, "threatened", 5),
    ("SANCTION", None, "163", 3, -8.0, "sanctioned", 5), ("COERCE", None, "173", 4, -5.0, "arrested", 4),
    ("PROTEST", None, "141", 3, -6.5, "protested against", 3), ("MOBILIZE", None, "154", 4, -7.2, "massed troops near", 2),
    (None, None, "010", 0, 0.0, "said of", 12), ("CONSULT", None, "040", 1, 1.0, "met", 10),
    ("AGREE", None, "057", 1, 8.0, "signed a deal with", 6), ("SUPPORT", None, "051", 1, 3.4, "praised", 5),
    ("AID", None, "073", 2, 7.4, "sent aid to", 4), ("COOPERATE", None, "062", 2, 7.4, "held drills with", 3),
    ("RETREAT", None, "087", 2, 9.0, "withdrew from", 3),
)

STATUSES: tuple[tuple[str, int], ...] = (
    ("asserted", 62), ("claimed", 28), ("hypothetical", 6), ("negated", 2), ("denied", 2),
)

START = "2014-01-01"
DAYS = 3652  # ten years


def _slots(weights: list[int]) -> list[int]:
    """Indexes (1-based) repeated by weight: a uniform pick from the list is a weighted pick."""
    return [index + 1 for index, weight in enumerate(weights) for _ in range(weight)]


def _tables(con: duckdb.DuckDBPyConnection) -> None:
    """Small lookup tables of the values above, each with a weighted slot list for picking."""
    con.execute("CREATE TEMP TABLE syn_country (k INTEGER, code VARCHAR, lat DOUBLE, lon DOUBLE)")
    con.executemany("INSERT INTO syn_country VALUES (?, ?, ?, ?)", [[i + 1, c, la, lo] for i, (c, la, lo, _) in enumerate(COUNTRIES)])
    con.execute("CREATE TEMP TABLE syn_sector (k INTEGER, sectors VARCHAR[])")
    con.executemany("INSERT INTO syn_sector VALUES (?, ?)", [[i + 1, s.split()] for i, (s, _) in enumerate(SECTORS)])
    con.execute(
        "CREATE TEMP TABLE syn_type (k INTEGER, plover VARCHAR, mode VARCHAR, cameo VARCHAR, quad TINYINT,"
        " goldstein DOUBLE, words VARCHAR)"
    )
    con.executemany("INSERT INTO syn_type VALUES (?, ?, ?, ?, ?, ?, ?)", [[i + 1, *row[:6]] for i, row in enumerate(TYPES)])
    con.execute("CREATE TEMP TABLE syn_status (k INTEGER, status VARCHAR)")
    con.executemany("INSERT INTO syn_status VALUES (?, ?)", [[i + 1, s] for i, (s, _) in enumerate(STATUSES)])


# One row per event: every random choice, as lookup keys, drawn from hash(i, seed, field).
_DRAW = """
CREATE TEMP TABLE syn_draw AS
SELECT i,
       i // $per AS art,
       i % $per AS sidx,
       $country[(1 + hash(i, $seed, 1) % len($country))::BIGINT] AS s1,
       $country[(1 + hash(i, $seed, 2) % len($country))::BIGINT] AS s2,
       $country[(1 + hash(i, $seed, 3) % len($country))::BIGINT] AS t1,
       $country[(1 + hash(i, $seed, 4) % len($country))::BIGINT] AS t2,
       $sector[(1 + hash(i, $seed, 5) % len($sector))::BIGINT] AS s1_sec,
       $sector[(1 + hash(i, $seed, 6) % len($sector))::BIGINT] AS s2_sec,
       $sector[(1 + hash(i, $seed, 7) % len($sector))::BIGINT] AS t1_sec,
       $sector[(1 + hash(i, $seed, 8) % len($sector))::BIGINT] AS t2_sec,
       CASE WHEN hash(i, $seed, 9) % 10 = 0 THEN 2 ELSE 1 END AS n_src,
       CASE WHEN hash(i, $seed, 10) % 100 < 8 THEN 0 WHEN hash(i, $seed, 10) % 100 < 20 THEN 2 ELSE 1 END AS n_tgt,
       $type[(1 + hash(i, $seed, 11) % len($type))::BIGINT] AS ty,
       $status[(1 + hash(i, $seed, 12) % len($status))::BIGINT] AS st,
       CAST($start AS DATE) + CAST(hash(i // $per, $seed, 13) % $days AS INTEGER)
           + CAST(hash(i, $seed, 14) % 3 AS INTEGER) - 1 AS day,
       hash(i, $seed, 15) % 100 < 80 AS located,
       (hash(i, $seed, 16) % 2000) / 1000.0 - 1.0 AS dlat,
       (hash(i, $seed, 17) % 2000) / 1000.0 - 1.0 AS dlon,
       hash(i, $seed, 18) % 100 < 5 AS undated
FROM range($n) r(i)
"""

# Resolved values, text offsets and the actor structs of each event.
_EVENTS = """
CREATE TEMP TABLE syn_event AS
WITH d AS (
    SELECT d.*, sc1.code AS s1_code, sc2.code AS s2_code, tc1.code AS t1_code, tc2.code AS t2_code,
           tc1.lat + d.dlat AS lat, tc1.lon + d.dlon AS lon,
           x1.sectors AS s1_sectors, x2.sectors AS s2_sectors, y1.sectors AS t1_sectors, y2.sectors AS t2_sectors,
           ty.plover, ty.mode, ty.cameo, ty.quad, ty.goldstein, ty.words, st.status
    FROM syn_draw d
    JOIN syn_country sc1 ON sc1.k = d.s1 JOIN syn_country sc2 ON sc2.k = d.s2
    JOIN syn_country tc1 ON tc1.k = d.t1 JOIN syn_country tc2 ON tc2.k = d.t2
    JOIN syn_sector x1 ON x1.k = d.s1_sec JOIN syn_sector x2 ON x2.k = d.s2_sec
    JOIN syn_sector y1 ON y1.k = d.t1_sec JOIN syn_sector y2 ON y2.k = d.t2_sec
    JOIN syn_type ty ON ty.k = d.ty JOIN syn_status st ON st.k = d.st
), labelled AS (
    SELECT *, array_to_string(list_prepend(s1_code, s1_sectors), ' ') AS s1_label,
           array_to_string(list_prepend(s2_code, s2_sectors), ' ') AS s2_label,
           array_to_string(list_prepend(t1_code, t1_sectors), ' ') AS t1_label,
           array_to_string(list_prepend(t2_code, t2_sectors), ' ') AS t2_label
    FROM d
), texted AS (
    SELECT *, sidx * ($width + 1) AS sent_start,
           s1_label || ' ' || words || ' ' || CASE WHEN n_tgt = 0 THEN 'them' ELSE t1_label END
               || ' in report ' || i || '.' AS sentence
    FROM labelled
)
SELECT i, art, sidx, 'syn-' || $seed || '-' || art AS article_id,
       substr(md5('syn' || $seed || '-' || i), 1, 16) AS id,
       plover, mode, cameo, quad, goldstein, status,
       CASE WHEN undated THEN NULL ELSE day END AS day,
       CASE WHEN located AND n_tgt > 0 THEN t1_code END AS place_country,
       CASE WHEN located AND n_tgt > 0 THEN lat END AS lat,
       CASE WHEN located AND n_tgt > 0 THEN lon END AS lon,
       sentence, sent_start, sent_start + length(sentence) AS sent_end,
       sent_start + length(s1_label) + 1 AS trig_start,
       sent_start + length(s1_label) + 1 + length(words) AS trig_end, words,
       list_slice([
           {'code': s1_code, 'sectors': s1_sectors, 'label': s1_label,
            's_start': sent_start, 's_end': sent_start + length(s1_label), 's_text': s1_label},
           {'code': s2_code, 'sectors': s2_sectors, 'label': s2_label, 's_start': NULL, 's_end': NULL, 's_text': NULL}
       ], 1, n_src) AS sources,
       list_slice([
           {'code': t1_code, 'sectors': t1_sectors, 'label': t1_label,
            's_start': sent_start + length(s1_label) + length(words) + 2,
            's_end': sent_start + length(s1_label) + length(words) + 2 + length(t1_label), 's_text': t1_label},
           {'code': t2_code, 'sectors': t2_sectors, 'label': t2_label, 's_start': NULL, 's_end': NULL, 's_text': NULL}
       ], 1, n_tgt) AS targets,
       CASE WHEN status <> 'asserted' THEN
           {'code': s1_code, 'sectors': ['GOV'], 'label': s1_code || ' GOV', 's_start': NULL, 's_end': NULL, 's_text': NULL}
       END AS speaker
FROM texted
"""

_ACTOR_JSON = (
    "{{'code': {a}.code, 'sectors': {a}.sectors, 'name': NULL, 'role': NULL, 'supported_by': []::VARCHAR[],"
    " 'span': CASE WHEN {a}.s_start IS NULL THEN NULL ELSE {{'start': {a}.s_start, 'end': {a}.s_end, 'text': {a}.s_text}} END}}"
)

_INSERT_EVENTS = f"""
INSERT INTO events
SELECT id, article_id, sidx, plover, mode, ['synthetic'], cameo, quad, goldstein, plover IS NULL,
       day, CASE WHEN day IS NULL THEN NULL ELSE 'day' END, CASE WHEN day IS NULL THEN NULL ELSE 'explicit' END, NULL,
       status, speaker.label, CASE WHEN status <> 'asserted' THEN 'Synthetic Wire' END,
       CASE WHEN place_country IS NULL THEN NULL ELSE 'near ' || place_country END, lat, lon, place_country, NULL, NULL,
       trig_start, trig_end, words, sent_start, sent_end, 'synthetic',
       to_json({{
           'id': id, 'article_id': article_id, 'sentence_index': sidx,
           'sentence': {{'start': sent_start, 'end': sent_end, 'text': sentence}},
           'trigger': {{'start': trig_start, 'end': trig_end, 'text': words}},
           'plover_type': plover, 'plover_mode': mode, 'plover_context': ['synthetic'], 'cameo_code': cameo,
           'quad_class': quad, 'goldstein': goldstein, 'statement_only': plover IS NULL, 'intended_code': NULL,
           'sources': list_transform(sources, lambda a: {_ACTOR_JSON.format(a="a")}),
           'targets': list_transform(targets, lambda a: {_ACTOR_JSON.format(a="a")}),
           'date': CASE WHEN day IS NULL THEN NULL ELSE {{'date': day, 'precision': 'day',
               'derived_from': 'explicit', 'end_date': NULL, 'span': NULL}} END,
           'location': CASE WHEN place_country IS NULL THEN NULL ELSE {{'name': 'near ' || place_country,
               'lat': lat, 'lon': lon, 'country': place_country, 'admin1': NULL, 'feature': 'city',
               'geonameid': NULL, 'span': NULL, 'derived_from': 'target-actor'}} END,
           'launch_site': NULL,
           'attribution': {{'status': status,
               'speaker': CASE WHEN speaker IS NULL THEN NULL ELSE {_ACTOR_JSON.format(a="speaker")} END,
               'reporting_source': CASE WHEN status <> 'asserted' THEN 'Synthetic Wire' END,
               'cue': NULL, 'source_span': NULL}},
           'coder': 'synthetic', 'confidence': NULL
       }})::VARCHAR,
       {label_prefixes_sql("list_transform(sources, lambda a: a.label)")},
       {label_prefixes_sql("list_transform(targets, lambda a: a.label)")},
       sentence
FROM syn_event
"""

_INSERT_ACTORS = """
INSERT INTO event_actors
SELECT id, role, position, a.code, a.sectors, a.label, NULL, NULL, a.s_start, a.s_end, a.s_text
FROM (
    SELECT id, 'source' AS role, unnest(range(len(sources))) AS position, unnest(sources) AS a FROM syn_event
    UNION ALL
    SELECT id, 'target', unnest(range(len(targets))), unnest(targets) FROM syn_event
    UNION ALL
    SELECT id, 'speaker', 0, speaker FROM syn_event WHERE speaker IS NOT NULL
)
"""

_INSERT_ARTICLES = """
INSERT INTO articles
SELECT article_id, 'Synthetic report ' || art, 'https://example.org/synthetic/' || art, 'Synthetic Wire',
       min(day), 'synthetic:' || art,
       string_agg(rpad(sentence, $width, ' '), ' ' ORDER BY sidx), count(*)::INTEGER, TIMESTAMP '2024-01-01 00:00:00'
FROM syn_event GROUP BY article_id, art
"""


def stored_events(path: Path) -> int | None:
    """Events in the store at ``path``; None when there is none of this schema version."""
    if not path.exists():
        return None
    try:
        with Store.open(path, read_only=True) as store:
            return int(store.query("SELECT count(*) AS n FROM events")[0]["n"])
    except StoreError as exc:
        if exc.code != "E603":
            raise
        print(f"{path}: {exc} -- building it again")
        return None


def make_synthetic_store(path: str | Path, *, n_events: int, seed: int = 0, overwrite: bool = False) -> dict[str, Any]:
    """Create a dyads store at ``path`` holding ``n_events`` synthetic events (see the module doc).

    Returns ``{"path", "events", "event_actors", "articles", "seconds"}``. ``path`` must not exist
    unless ``overwrite`` is true. Same ``n_events`` and ``seed``: same store.
    """
    if n_events < 1 or seed < 0:
        raise ValueError("n_events must be >= 1 and seed >= 0")
    target = Path(path)
    if target.exists():
        if not overwrite:
            raise FileExistsError(f"{target} exists (pass overwrite=True to replace it)")
        target.unlink()
        Path(str(target) + ".wal").unlink(missing_ok=True)
    started = time.perf_counter()
    Store.open(target).close()  # the store's own tables and schema version
    params = {
        "n": n_events,
        "seed": seed,
        "per": EVENTS_PER_ARTICLE,
        "start": START,
        "days": DAYS,
        "country": _slots([w for *_, w in COUNTRIES]),
        "sector": _slots([w for _, w in SECTORS]),
        "type": _slots([row[-1] for row in TYPES]),
        "status": _slots([w for _, w in STATUSES]),
    }
    con = duckdb.connect(str(target), config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        _tables(con)
        con.execute(_DRAW, {k: params[k] for k in ("n", "seed", "per", "start", "days", "country", "sector", "type", "status")})
        con.execute(_EVENTS, {"seed": seed, "width": SENTENCE_WIDTH})
        con.execute("BEGIN TRANSACTION")
        con.execute(_INSERT_EVENTS)
        con.execute(_INSERT_ACTORS)
        con.execute(_INSERT_ARTICLES, {"width": SENTENCE_WIDTH})
        con.execute("COMMIT")
        counts = {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("events", "event_actors", "articles")
        }
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return {"path": str(target), **counts, "seconds": round(time.perf_counter() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic dyads store for speed and load tests.")
    parser.add_argument("out", type=Path, help="DuckDB file to create")
    parser.add_argument("--n", type=int, default=1_000_000, help="number of events (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same store)")
    parser.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    args = parser.parse_args(argv)
    made = make_synthetic_store(args.out, n_events=args.n, seed=args.seed, overwrite=args.overwrite)
    print(
        f"{made['path']}: {made['events']:,} events, {made['event_actors']:,} actor rows, "
        f"{made['articles']:,} articles in {made['seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
