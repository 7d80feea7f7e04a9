"""Input readers, language filter, article de-duplication, the event store (DuckDB, or PostgreSQL by URL) and event export."""

from dyads.io.export import (
    EXPORT_FORMATS,
    FLAT_COLUMNS,
    ExportError,
    event_to_json,
    event_to_row,
    format_table,
    write_events,
)
from dyads.io.dedup import ArticleCopy, Deduplicator, Verdict
from dyads.io.language import LanguageFilter
from dyads.io.readers import FORMATS, ReadReport, read_articles, read_stream, summarise
from dyads.io.store import Store
from dyads.io.stores import describe_store, open_store

__all__ = [
    "ArticleCopy",
    "Deduplicator",
    "EXPORT_FORMATS",
    "FLAT_COLUMNS",
    "FORMATS",
    "ExportError",
    "LanguageFilter",
    "ReadReport",
    "Store",
    "event_to_json",
    "event_to_row",
    "format_table",
    "read_articles",
    "read_stream",
    "summarise",
    "Verdict",
    "write_events",
    "describe_store",
    "open_store",
]
