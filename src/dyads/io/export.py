"""Export coded events: PLOVER-style JSON lines, flat CSV, Parquet, and a text table.

JSON keeps the nesting of the PLOVER JSON layout (``actor``/``recipient`` lists,
``event_loc``, ``attribution``); CSV and Parquet are flat, one row per event,
with several actors joined by ``;`` (e.g. ``"RUS MIL;IRN GOV"``).

Error codes: E610 unknown format, E611 the format needs a file path, E612 the
file cannot be written.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

from dyads.errors import DyadsError
from dyads.records import Actor, Event, Location, Span

EXPORT_FORMATS = ("jsonl", "csv", "parquet")
PARQUET_ROW_GROUP = 10_000
"""Events per Parquet row group: memory stays bounded however many events are written."""

FLAT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("article_id", pa.string()),
        ("date", pa.date32()),
        ("enddate", pa.date32()),
        ("date_precision", pa.string()),
        ("date_derived_from", pa.string()),
        ("source", pa.string()),
        ("source_name", pa.string()),
        ("target", pa.string()),
        ("target_name", pa.string()),
        ("event", pa.string()),
        ("mode", pa.string()),
        ("context", pa.string()),
        ("cameo", pa.string()),
        ("negated_code", pa.string()),
        ("intended_code", pa.string()),
        ("quad_code", pa.int8()),
        ("goldstein", pa.float64()),
        ("statement_only", pa.bool_()),
        ("status", pa.string()),
        ("speaker", pa.string()),
        ("reporting_source", pa.string()),
        ("event_text", pa.string()),
        ("event_start", pa.int32()),
        ("event_end", pa.int32()),
        ("sentence_index", pa.int32()),
        ("text", pa.string()),
        ("location", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("country", pa.string()),
        ("admin1", pa.string()),
        ("launch_site_country", pa.string()),
        ("coder", pa.string()),
        ("confidence", pa.float64()),
    ]
)
"""Columns (and Parquet types) of the flat CSV/Parquet export, in order."""

FLAT_COLUMNS: tuple[str, ...] = tuple(FLAT_SCHEMA.names)


class ExportError(DyadsError):
    """Events cannot be exported (format, destination)."""


# --------------------------------------------------------------------------- JSON


def _span(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {"start": span.start, "end": span.end, "text": span.text}


def _actor(actor: Actor) -> dict[str, Any]:
    return {
        "code": actor.code,
        "sector": list(actor.sectors),
        "entity_text": actor.span.text if actor.span else actor.name,
        "name": actor.name,
        "office": actor.role,
        "supported_by": list(actor.supported_by),
        "span": _span(actor.span),
    }


def _place(place: Location | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        "name": place.name,
        "lat": place.lat,
        "lon": place.lon,
        "country": place.country,
        "admin1": place.admin1,
        "feature": place.feature,
        "geonameid": place.geonameid,
        "span": _span(place.span),
    }


def event_to_json(event: Event) -> dict[str, Any]:
    """A JSON-ready dict with PLOVER-JSON-like field names (dates as ISO strings)."""
    date = event.date
    attribution = event.attribution
    return {
        "id": event.id,
        "date": date.date.isoformat() if date else None,
        "enddate": date.end_date.isoformat() if date and date.end_date else None,
        "date_precision": date.precision if date else None,
        "date_derived_from": date.derived_from if date else None,
        "date_span": _span(date.span) if date else None,
        "actor": [_actor(actor) for actor in event.sources],
        "recipient": [_actor(actor) for actor in event.targets],
        "event": event.plover_type,
        "mode": event.plover_mode,
        "context": list(event.plover_context),
        "quad_code": event.quad_class,
        "goldstein": event.goldstein,
        "cameo": event.cameo_code,
        "statement_only": event.statement_only,
        "event_text": event.trigger.text,
        "event_span": _span(event.trigger),
        "text": event.sentence.text,
        "sentence_index": event.sentence_index,
        "sentence_span": _span(event.sentence),
        "event_loc": _place(event.location),
        "launch_site": _place(event.launch_site),
        "attribution": {
            "status": attribution.status,
            "speaker": _actor(attribution.speaker) if attribution.speaker else None,
            "reporting_source": attribution.reporting_source,
            "cue": _span(attribution.cue),
        },
        "article_id": event.article_id,
        "coder": event.coder,
        "confidence": event.confidence,
    }


# --------------------------------------------------------------------------- flat rows


def _labels(actors: list[Actor]) -> str | None:
    return ";".join(actor.label for actor in actors) or None


def _names(actors: list[Actor]) -> str | None:
    names = [actor.name or (actor.span.text if actor.span else "") for actor in actors]
    return ";".join(names) if any(names) else None


def event_to_row(event: Event) -> dict[str, Any]:
    """One flat row (keys = :data:`FLAT_COLUMNS`); dates stay ``datetime.date``."""
    date, place, attribution = event.date, event.location, event.attribution
    return {
        "id": event.id,
        "article_id": event.article_id,
        "date": date.date if date else None,
        "enddate": date.end_date if date else None,
        "date_precision": date.precision if date else None,
        "date_derived_from": date.derived_from if date else None,
        "source": _labels(event.sources),
        "source_name": _names(event.sources),
        "target": _labels(event.targets),
        "target_name": _names(event.targets),
        "event": event.plover_type,
        "mode": event.plover_mode,
        "context": ";".join(event.plover_context) or None,
        "cameo": event.cameo_code,
        "negated_code": event.negated_code,
        "intended_code": event.intended_code,
        "quad_code": event.quad_class,
        "goldstein": event.goldstein,
        "statement_only": event.statement_only,
        "status": attribution.status,
        "speaker": attribution.speaker.label if attribution.speaker else None,
        "reporting_source": attribution.reporting_source,
        "event_text": event.trigger.text,
        "event_start": event.trigger.start,
        "event_end": event.trigger.end,
        "sentence_index": event.sentence_index,
        "text": event.sentence.text,
        "location": place.name if place else None,
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "country": place.country if place else None,
        "admin1": place.admin1 if place else None,
        "launch_site_country": event.launch_site.country if event.launch_site else None,
        "coder": event.coder,
        "confidence": event.confidence,
    }


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


# --------------------------------------------------------------------------- writers


def _write_jsonl(events: Iterable[Event], out: TextIO) -> int:
    count = 0
    for event in events:
        out.write(json.dumps(event_to_json(event), ensure_ascii=False))
        out.write("\n")
        count += 1
    return count


def _write_csv(events: Iterable[Event], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FLAT_COLUMNS)
    count = 0
    for event in events:
        row = event_to_row(event)
        writer.writerow([_csv_cell(row[name]) for name in FLAT_COLUMNS])
        count += 1
    return count


def _chunks(events: Iterable[Event], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for event in events:
        chunk.append(event_to_row(event))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _write_parquet(events: Iterable[Event], path: Path) -> int:
    count = 0
    with pq.ParquetWriter(str(path), FLAT_SCHEMA) as writer:
        for chunk in _chunks(events, PARQUET_ROW_GROUP):
            writer.write_table(pa.Table.from_pylist(chunk, schema=FLAT_SCHEMA))
            count += len(chunk)
        if count == 0:
            writer.write_table(FLAT_SCHEMA.empty_table())
    return count


def write_events(
    events: Iterable[Event],
    path: str | Path | None,
    *,
    fmt: str,
    stream: TextIO | None = None,
) -> int:
    """Write events as ``jsonl``, ``csv`` or ``parquet``; return how many were written.

    ``path`` None or ``"-"`` writes text formats to ``stream`` (``sys.stdout``
    when no stream is given); Parquet always needs a file path. Events are
    streamed: memory does not grow with their number.

    Raises:
        ExportError: E610 unknown ``fmt``, E611 Parquet without a path, E612 the
            file cannot be written.
    """
    name = fmt.strip().lower()
    if name == "ndjson":
        name = "jsonl"
    if name not in EXPORT_FORMATS:
        raise ExportError("E610", f"unknown export format {fmt!r}", fix=f"use one of: {', '.join(EXPORT_FORMATS)}")
    to_stream = path is None or str(path) == "-"
    if to_stream:
        if name == "parquet":
            raise ExportError("E611", "Parquet cannot be written to a stream", fix="give a file path, e.g. events.parquet")
        out = stream if stream is not None else sys.stdout
        return _write_jsonl(events, out) if name == "jsonl" else _write_csv(events, out)
    target = Path(str(path))
    try:
        if name == "parquet":
            return _write_parquet(events, target)
        with target.open("w", encoding="utf-8", newline="") as out:
            return _write_jsonl(events, out) if name == "jsonl" else _write_csv(events, out)
    except (OSError, pa.ArrowException) as exc:
        raise _cannot_write(target, exc) from exc


def write_text_file(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8); E612 when it cannot be written (no half file is left)."""
    target = Path(str(path))
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _cannot_write(target, exc) from exc


def _cannot_write(target: Path, exc: BaseException) -> ExportError:
    """E612 for a failed export; the partly written file is removed, so no truncated export is left behind."""
    removed = False
    if target.is_file():
        try:
            target.unlink()
            removed = True
        except OSError:
            pass
    full = "no space left" in str(exc).lower() or getattr(exc, "errno", None) == 28
    fix = (
        f"the disk holding {target.parent} is full: free space there or write to another disk, then run the command again"
        if full
        else "check the folder exists and is writable"
    )
    return ExportError(
        "E612", f"cannot write {target}: {exc}" + (" (the partial file was removed)" if removed else ""), fix=fix
    )


# --------------------------------------------------------------------------- table


_TABLE_COLUMNS = (("date", 10), ("source", 18), ("event/cameo", 18), ("target", 18), ("status", 12), ("location", 24))


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _table_cells(event: Event) -> list[str]:
    date = event.date.date.isoformat() if event.date else "-"
    place = event.location
    where = "-"
    if place is not None:
        where = f"{place.name} ({place.country})" if place.country else place.name
    return [
        date,
        _labels(event.sources) or "-",
        f"{event.plover_type or '-'}/{event.cameo_code}",
        _labels(event.targets) or "-",
        event.attribution.status,
        where,
    ]


def format_table(events: Iterable[Event]) -> str:
    """A plain fixed-width text table (date, source, event/cameo, target, status,
    location), one line per event; long cells are cut with an ellipsis."""
    rows = [_table_cells(event) for event in events]
    widths = []
    for index, (title, cap) in enumerate(_TABLE_COLUMNS):
        longest = max([len(title), *(len(row[index]) for row in rows)])
        widths.append(min(longest, cap))
    lines = [
        "  ".join(title.ljust(width) for (title, _), width in zip(_TABLE_COLUMNS, widths)).rstrip(),
        "  ".join("-" * width for width in widths),
    ]
    for row in rows:
        lines.append("  ".join(_fit(cell, width).ljust(width) for cell, width in zip(row, widths)).rstrip())
    return "\n".join(lines)
