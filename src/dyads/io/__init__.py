"""Input readers, the DuckDB event store and event export."""

from dyads.io.export import (
    EXPORT_FORMATS,
    FLAT_COLUMNS,
    ExportError,
    event_to_json,
    event_to_row,
    format_table,
    write_events,
)
from dyads.io.readers import FORMATS, ReadReport, read_articles, read_stream, summarise
from dyads.io.store import Store

__all__ = [
    "EXPORT_FORMATS",
    "FLAT_COLUMNS",
    "FORMATS",
    "ExportError",
    "ReadReport",
    "Store",
    "event_to_json",
    "event_to_row",
    "format_table",
    "read_articles",
    "read_stream",
    "summarise",
    "write_events",
]
