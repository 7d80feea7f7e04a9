"""bench/synthetic_store.py: a small synthetic store is a valid dyads store, reproducible by seed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from synthetic_store import EVENTS_PER_ARTICLE, make_synthetic_store

from dyads.analytics import actor_profile, dyad_series
from dyads.io.store import Store


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "syn.duckdb"
    made = make_synthetic_store(path, n_events=995, seed=3)
    assert made["events"] == 995 and made["articles"] == 100  # ten events per article, the last one short
    assert made["event_actors"] > 995
    return path


def test_records_spans_and_tables_agree(synthetic):
    with Store.open(synthetic, read_only=True) as store:
        events = store.events()
        assert len(events) == 995 and store.count_events() == 995
        texts = {}
        for event in events:
            if event.article_id not in texts:
                texts[event.article_id] = store.article(event.article_id).text
            text = texts[event.article_id]
            assert text[event.sentence.start : event.sentence.end] == event.sentence.text
            assert text[event.trigger.start : event.trigger.end] == event.trigger.text
            for actor in event.sources + event.targets:
                if actor.span is not None:
                    assert text[actor.span.start : actor.span.end] == actor.span.text == actor.label
            assert event.sources and event.sentence_index < EVENTS_PER_ARTICLE
        # the event_actors rows are the records' actors, in order
        rows = store.query(
            "SELECT event_id, role, list(label ORDER BY position) AS labels FROM event_actors GROUP BY ALL"
        )
        by_event = {(row["event_id"], row["role"]): row["labels"] for row in rows}
        for event in events:
            assert by_event[(event.id, "source")] == [a.label for a in event.sources]
            assert by_event.get((event.id, "target"), []) == [a.label for a in event.targets]
            speaker = event.attribution.speaker
            assert by_event.get((event.id, "speaker")) == ([speaker.label] if speaker else None)
        n_events = store.query("SELECT sum(n_events) AS n FROM articles")[0]["n"]
        assert n_events == 995
        summary = store.summary()
        assert set(summary["by_status"]) == {"asserted", "claimed", "hypothetical", "negated", "denied"}
        assert actor_profile(store, "USA").events > 0
        assert dyad_series(store, "RUS", "USA").total > 0


def test_same_seed_same_store_and_no_overwrite(synthetic, tmp_path):
    again = tmp_path / "again.duckdb"
    make_synthetic_store(again, n_events=995, seed=3)
    other = tmp_path / "other.duckdb"
    make_synthetic_store(other, n_events=995, seed=4)
    query = "SELECT id, record FROM events ORDER BY id"
    with Store.open(synthetic, read_only=True) as a, Store.open(again, read_only=True) as b:
        assert a.query(query) == b.query(query)
    with Store.open(synthetic, read_only=True) as a, Store.open(other, read_only=True) as c:
        assert a.query(query) != c.query(query)
    with pytest.raises(FileExistsError):
        make_synthetic_store(again, n_events=10)
