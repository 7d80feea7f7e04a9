"""`dyads optimize`: the store written again newest first, with nothing gained, lost or changed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from dyads.cli import app
from dyads.errors import StoreError
from dyads.io.optimize import is_optimized, optimize_store, suggest_optimizing
from dyads.io.store import Store
from test_store import make_article, make_event

TABLES = ("articles", "events", "event_actors", "meta", "article_copies", "article_fingerprints")


def _build(path: Path) -> None:
    """Events of 12 articles written oldest-last in a scrambled order, some undated."""
    with Store.open(path) as store:
        for n in (5, 1, 9, 3, 11, 0, 7, 2, 10, 4, 8, 6):
            article = make_article(n)
            when = None if n % 5 == 0 else dt.date(2020 + n % 4, 1 + n, 1)
            events = [
                make_event(article, when=when),
                make_event(article, when=when and when + dt.timedelta(days=3), trigger_at=1, target=("SYR", ["REB"])),
            ]
            store.write_batch([article], events)


def _rows(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {name: sorted(con.execute(f"SELECT * FROM {name}").fetchall(), key=repr) for name in TABLES}


def test_rows_kept_and_events_newest_first(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    _build(path)
    before = _rows(path)
    report = optimize_store(path)
    assert _rows(path) == before
    assert report.rows["events"] == len(before["events"]) == 24
    assert report.rows["event_actors"] == len(before["event_actors"])
    assert not path.with_name(path.name + ".optimizing").exists()
    with duckdb.connect(str(path), read_only=True) as con:
        stored = con.execute("SELECT date, id FROM events ORDER BY rowid").fetchall()
        actor_order = [row[0] for row in con.execute("SELECT event_id FROM event_actors ORDER BY rowid").fetchall()]
        indexes = {row[0] for row in con.execute("SELECT index_name FROM duckdb_indexes()").fetchall()}
    dated = [row for row in stored if row[0] is not None]
    assert dated == sorted(dated, key=lambda row: (-row[0].toordinal(), row[1]))
    assert all(row[0] is None for row in stored[len(dated):])  # undated last
    event_order = [row[1] for row in stored]
    assert list(dict.fromkeys(actor_order)) == event_order  # each event's actors together, in the events' order
    assert "events_article_id" in indexes
    with Store.open(path, read_only=True) as store:
        assert is_optimized(store) and not suggest_optimizing(store)


def test_serve_suggests_optimizing_only_large_stores(tmp_path: Path, monkeypatch) -> None:
    import dyads.io.optimize as optimize

    path = tmp_path / "store.duckdb"
    _build(path)
    with Store.open(path, read_only=True) as store:
        assert not is_optimized(store) and not suggest_optimizing(store)  # 24 events: not worth it
        monkeypatch.setattr(optimize, "SUGGEST_FROM_EVENTS", 10)
        assert suggest_optimizing(store)


def test_store_works_after_and_optimize_is_repeatable(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    _build(path)
    optimize_store(path)
    with Store.open(path) as store:
        article = make_article(40)
        event = make_event(article, when=dt.date(2025, 5, 5))
        assert store.write_batch([article], [event]) == (1, 1)
        assert store.write_batch([article], [event]) == (0, 0)  # ids still keep it idempotent
        assert [e.id for e in store.events(article_id=article.id)] == [event.id]
    before = _rows(path)
    optimize_store(path)
    assert _rows(path) == before
    with Store.open(path, read_only=True) as store:
        assert store.count_events() == 25
        assert store.events(since=dt.date(2025, 1, 1))[0].id == event.id


def test_errors_leave_the_store_untouched(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as missing:
        optimize_store(tmp_path / "none.duckdb")
    assert missing.value.code in {"E601", "E603"}
    path = tmp_path / "store.duckdb"
    _build(path)
    before = _rows(path)
    blocker = path.with_name(path.name + ".optimizing")
    blocker.mkdir()  # the scratch file cannot be created: the copy fails before the rename
    with pytest.raises(StoreError) as failed:
        optimize_store(path)
    assert failed.value.code == "E604" and "unchanged" in str(failed.value)
    assert _rows(path) == before


def test_cli_optimize(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    _build(path)
    result = CliRunner().invoke(app, ["optimize", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "24 events" in result.output
