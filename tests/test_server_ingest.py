"""Ingestion while serving: posted articles are coded by the server's worker thread and written
to the store it holds; browsing goes on meanwhile; posting the same articles again adds nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dyads.config import Settings
from dyads.io.store import Store
from dyads.server import create_app, shutdown

TOKEN = "ingest-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def demo_articles(n: int) -> list[dict]:
    path = resources.files("dyads") / "demo" / "articles.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{key: row[key] for key in ("id", "text", "title", "published") if key in row} for row in rows[:n]]


def wait_for(client: TestClient, job: str, *, seconds: float, on_poll=None) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        state = client.get(f"/api/ingest/{job}", headers=AUTH).json()
        if state["state"] in ("done", "failed"):
            return state
        if on_poll is not None:
            on_poll()
        assert time.monotonic() < deadline, f"job {job} still {state['state']} after {seconds} s"
        time.sleep(0.2)


@pytest.fixture()
def rules_only_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings().with_overrides({"classifier.model": "none"})
    app = create_app(db=tmp_path / "live.duckdb", allow_ingest=True, token=TOKEN, settings=settings)
    with TestClient(app) as client:
        yield client
    shutdown(app)


@pytest.mark.slow
def test_posted_articles_are_coded_stored_and_browsable(rules_only_client: TestClient) -> None:
    client = rules_only_client
    articles = demo_articles(2)
    posted = [*articles, articles[0], {"text": articles[1]["text"] + " Extra line.", "published": "not a date"}]
    accepted = client.post("/api/ingest", json={"articles": posted}, headers=AUTH)
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["queued"] == 3

    health_codes: list[int] = []
    done = wait_for(client, accepted.json()["job"], seconds=240,
                    on_poll=lambda: health_codes.append(client.get("/api/health").status_code))
    assert done["state"] == "done", done
    assert done["articles"] == 4 and done["repeated"] == 1 and done["already_stored"] == 0
    assert done["new_articles"] == 3 and done["new_events"] > 0
    assert [p["code"] for p in done["problems"]] == ["E108"]  # the bad date: kept without it, as `dyads ingest` does
    assert set(health_codes) <= {200}

    health = client.get("/api/health").json()
    assert health == {"status": "ok", "events": done["new_events"], "articles": 3, "read_only": False}
    first = articles[0]["id"]
    listed = client.get("/api/events", params={"article": first, "limit": 500}).json()
    store = client.app.state.dyads.store
    assert listed["total"] == store.query("SELECT count(*) AS n FROM events WHERE article_id = ?", [first])[0]["n"] > 0
    assert client.get(f"/api/articles/{first}").json()["article"]["text"] == articles[0]["text"]

    again = client.post("/api/ingest", json={"articles": articles}, headers=AUTH)
    repeat = wait_for(client, again.json()["job"], seconds=60)
    assert repeat["state"] == "done"
    assert (repeat["already_stored"], repeat["new_articles"], repeat["new_events"]) == (2, 0, 0)
    assert client.get("/api/health").json()["events"] == done["new_events"]


def test_a_job_that_cannot_load_the_model_fails_with_its_code(tmp_path: Path) -> None:
    settings = Settings().with_overrides({"nlp.model": "no_such_spacy_pipeline"})
    app = create_app(db=tmp_path / "live.duckdb", allow_ingest=True, token=TOKEN, settings=settings)
    with TestClient(app) as client:
        accepted = client.post("/api/ingest", json={"articles": [{"text": "Russia shelled Kharkiv."}]}, headers=AUTH)
        state = wait_for(client, accepted.json()["job"], seconds=60)
        assert state["state"] == "failed"
        assert state["problems"][-1]["code"] == "E201"
        assert client.get("/api/health").json()["articles"] == 0
        again = client.post("/api/ingest", json={"articles": [{"text": "Another story."}]}, headers=AUTH)
        assert wait_for(client, again.json()["job"], seconds=60)["state"] == "failed"  # the worker lives on
    shutdown(app)
    with Store.open(tmp_path / "live.duckdb", read_only=True) as store:
        assert store.count_events() == 0


def test_input_problems_are_reported_per_article(tmp_path: Path) -> None:
    app = create_app(db=tmp_path / "live.duckdb", allow_ingest=True, token=TOKEN,
                     settings=Settings().with_overrides({"input.max_bytes": 1000}))
    with TestClient(app) as client:
        accepted = client.post("/api/ingest", json={"articles": [{"text": "x" * 2000}, {"text": "   "}]}, headers=AUTH)
        assert accepted.status_code == 202 and accepted.json()["queued"] == 0
        state = wait_for(client, accepted.json()["job"], seconds=30)
        assert state["state"] == "done" and state["new_articles"] == 0
        assert sorted(p["code"] for p in state["problems"]) == ["E103", "E106"]
    shutdown(app)
