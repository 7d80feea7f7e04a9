"""Open the store a ``--db`` value names: a DuckDB file path, or a ``postgresql://`` URL.

    open_store("news.duckdb")                          # dyads.io.store.Store
    open_store("postgresql://dyads@db.example:5432/news")  # dyads.io.postgres.PostgresStore

Both have the same public methods and tables (docs/storage.md, docs/postgres.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Union

from dyads.io.postgres import is_postgres_url, redact_url
from dyads.io.store import Store

if TYPE_CHECKING:
    from dyads.io.postgres import PostgresStore

AnyStore = Union[Store, "PostgresStore"]


def open_store(target: str | Path, *, read_only: bool = False) -> AnyStore:
    """A :class:`~dyads.io.postgres.PostgresStore` for a ``postgresql://`` (or ``postgres://``) URL,
    else the DuckDB :class:`~dyads.io.store.Store` at the path ``target``.

    Raises:
        StoreError: as :meth:`Store.open` (E601-E603) or :meth:`PostgresStore.open` (E650-E652, E603).
    """
    if is_postgres_url(target):
        from dyads.io.postgres import PostgresStore

        return PostgresStore.open(str(target), read_only=read_only)
    return Store.open(target, read_only=read_only)


def describe_store(target: str | Path) -> str:
    """How to name ``target`` in messages: the path, or the URL without its password."""
    return redact_url(str(target)) if is_postgres_url(target) else str(target)
