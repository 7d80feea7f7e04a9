"""The server on a store with the actor index: the same answers as the base tables, also after its
own writer adds events (as the ingestion worker does), and the article titles it remembers."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_rollups import _odd_events
from test_store import make_article, make_event

from dyads.analytics import dyads as dyads_module
from dyads.analytics import profile as profile_module
from dyads.io.rollups import index_ready
from dyads.io.store import Store
from dyads.records import Actor
from dyads.server import create_app, shutdown
from dyads.server.article_titles import ArticleTitles
from dyads.server.cache import ResponseCache, ResponseCacheMiddleware

filters_module = importlib.import_module("dyads.analytics.event_filters")

URLS = (
    "/api/events?source=RUS&target=SYR",
    "/api/events?source=RUS%20MIL&target=SYR%20REB&limit=3",
    "/api/events?actor=RUS&since=2021-01-01&until=2021-12-31",
    "/api/events?actor=RUS&type=ASSAULT&quad=4",
    "/api/events?target=SYR",
    "/api/dyads/RUS/SYR?by=month",
    "/api/dyads/SYR%20REB/RUS%20MIL?by=week&directed=true",
    "/api/actors/RUS",
    "/api/actors/SYR%20REB?since=2021-01-01&until=2021-12-31&top=2",
    "/api/timeline?by=month&actor=RUS",
)


def _answers(client: TestClient) -> list[str]:
    out = []
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 200, (url, response.text)
        out.append(response.text)
    return out


def _scan_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (dyads_module, profile_module, filters_module):
        monkeypatch.setattr(module, "index_ready", lambda store: False)


def test_answers_stay_exact_while_the_server_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "store.duckdb"
    with Store.open(path) as store:
        for article, event in _odd_events():
            store.write_batch([article], [event])
    app = create_app(db=path, allow_ingest=True, token="t" * 32, static_dir=tmp_path / "none")
    state = app.state.dyads
    try:
        with TestClient(app) as client:
            before = _answers(client)
            assert state.store.index_memo.ready  # the answers above came from the index
            # the ingestion worker's path: write_batch on a session of the served store, then the cache is emptied
            article = make_article(900)
            event = make_event(article, when=dt.date(2021, 6, 1)).model_copy(
                update={"id": "", "sources": [Actor(code="RUS", sectors=["MIL"])], "targets": [Actor(code="SYR", sectors=["REB"])]}
            ).assign_id()
            writer = state.store.session(read_only=False)
            try:
                assert writer.write_batch([article], [event]) == (1, 1)
                assert index_ready(writer)
            finally:
                writer.close()
            state.cache.clear()
            after = _answers(client)
            assert after != before and event.id in after[0]  # the new RUS MIL -> SYR REB event is listed
            _scan_only(monkeypatch)
            state.cache.clear()
            assert _answers(client) == after  # the base tables give the same answers
    finally:
        shutdown(app)


def test_article_titles_are_bounded_and_preloaded(tmp_path: Path) -> None:
    titles = ArticleTitles(max_entries=3)
    titles.put_many({"a": ("Wire", "A"), "b": (None, "B"), "c": ("Wire", None)})
    assert titles.get_many(["a", "x"]) == {"a": ("Wire", "A")}  # "a" is now the most recently used
    titles.put_many({"d": ("Post", "D")})
    assert len(titles) == 3 and titles.get_many(["a", "b", "c", "d"]) == {"a": ("Wire", "A"), "c": ("Wire", None), "d": ("Post", "D")}
    path = tmp_path / "store.duckdb"
    with Store.open(path) as store:
        for article, event in _odd_events()[:4]:
            store.write_batch([article], [event])
        loaded = ArticleTitles(max_entries=10)
        assert loaded.preload(store) == 4
        found = loaded.get_many([article.id for article, _ in _odd_events()[:4]])
        assert set(found.values()) == {("Wire", f"Story {n}") for n in range(100, 104)}
    app = create_app(db=path, static_dir=tmp_path / "none")
    try:
        state = app.state.dyads
        state.preload.join(30)
        assert len(state.store.article_titles) == 4
        with TestClient(app) as client:
            rows = client.get("/api/events?actor=RUS").json()["events"]
            assert rows and all(row["title"].startswith("Story ") and row["outlet"] == "Wire" for row in rows)
    finally:
        shutdown(app)


def _call(middleware, path: str) -> asyncio.Future:
    async def run() -> tuple[int, bytes]:
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": path, "query_string": b"x=1", "headers": []}
        await middleware(scope, receive, send)
        return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])

    return run()


@pytest.mark.parametrize("status", [200, 500])
def test_a_burst_of_one_request_is_answered_once(status: int) -> None:
    calls = []

    async def app(scope, receive, send) -> None:
        calls.append(scope["path"])
        await asyncio.sleep(0.05)  # a slow answer: the burst arrives meanwhile
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": f"answer {len(calls)}".encode(), "more_body": False})

    middleware = ResponseCacheMiddleware(app, cache=ResponseCache(max_bytes=1 << 20, max_entry_bytes=1 << 16))

    async def burst() -> list[tuple[int, bytes]]:
        return await asyncio.gather(*(_call(middleware, "/api/summary") for _ in range(5)), _call(middleware, "/api/other"))

    answers = asyncio.run(burst())
    if status == 200:  # computed once for the five, once for the other path; all five get that answer
        assert calls.count("/api/summary") == 1 and calls.count("/api/other") == 1
        assert {body for _, body in answers[:5]} == {answers[0][1]} and answers[0][0] == 200
    else:  # failures are not kept: each waiting request is answered on its own
        assert calls.count("/api/summary") == 5 and all(code == 500 for code, _ in answers)
