"""The REST API on hand-built stores: every endpoint and filter, the cursor, errors, security."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_server_data import SPECS, build, list_order, write_store
from typer.testing import CliRunner

from dyads.analytics import actor_profile, alignment, claims, dyad_series, timeline
from dyads.cli import app as cli_app
from dyads.errors import ServerError
from dyads.io.store import Store
from dyads.records import Event
from dyads.server import ServerLimits, create_app, shutdown
from dyads.server.database import open_served
from dyads.server.errors import CatchAllMiddleware
from dyads.server.models import ArticleWithEvents
from dyads.server.security import SECURITY_HEADERS, BodyLimitMiddleware

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "test-token-0123456789abcdef"


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Event]]:
    path = tmp_path_factory.mktemp("api") / "events.duckdb"
    _, events = write_store(path)
    return path, events


@pytest.fixture(scope="module")
def client(stored) -> Iterator[TestClient]:
    app = create_app(db=stored[0], static_dir=stored[0].parent / "no-dashboard")
    with TestClient(app) as test_client:
        yield test_client
    shutdown(app)


@pytest.fixture()
def make_client(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """A client on a fresh copy of the test store, with create_app options."""
    clients: list[TestClient] = []

    def make(**options) -> TestClient:
        path = tmp_path / f"store-{len(clients)}.duckdb"
        write_store(path)
        test_client = TestClient(create_app(db=path, **options))
        test_client.__enter__()
        clients.append(test_client)
        return test_client

    yield make
    for test_client in clients:
        test_client.__exit__(None, None, None)
        shutdown(test_client.app)


def ids_of(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()["events"]]


def expected(events: list[Event], keep: Callable[[Event], bool]) -> list[str]:
    return [e.id for e in list_order(events) if keep(e)]


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fix", "status"}
    assert body["error"]["code"] == code and body["error"]["status"] == status
    assert body["error"]["message"] and body["error"]["fix"]
    return body["error"]


def labels(actors) -> list[str]:
    return [a.label for a in actors]


# --------------------------------------------------------------------------- events list


def test_events_default_page_rows_and_total(client, stored) -> None:
    _, events = stored
    body = client.get("/api/events").json()
    assert body["total"] == len(events) and body["next_cursor"] is None
    assert [row["id"] for row in body["events"]] == expected(events, lambda e: True)
    by_id = {e.id: e for e in events}
    for row in body["events"]:
        event = by_id[row["id"]]
        assert row["sources"] == labels(event.sources) and row["targets"] == labels(event.targets)
        assert row["sentence_text"] == event.sentence.text and row["trigger_text"] == event.trigger.text
        assert row["date"] == (event.date.date.isoformat() if event.date else None)
        assert row["status"] == event.attribution.status
        assert row["speaker"] == (event.attribution.speaker.label if event.attribution.speaker else None)
        assert row["outlet"] == "Test Wire" and row["title"] == f"Title of {event.article_id}"
        if event.location is None:
            assert row["location"] is None
        else:
            assert row["location"] == {
                "name": event.location.name, "country": event.location.country,
                "lat": event.location.lat, "lon": event.location.lon,
            }


def _has(actors, prefix: str) -> bool:
    return any(a.label == prefix or a.label.startswith(prefix + " ") for a in actors)


def _inside(e: Event, min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> bool:
    place = e.location
    return place is not None and min_lon <= place.lon <= max_lon and min_lat <= place.lat <= max_lat


FILTER_CASES: list[tuple[str, Callable[[Event], bool]]] = [
    ("actor=RUS", lambda e: _has(e.sources + e.targets, "RUS")),
    ("actor=rus%20mil", lambda e: _has(e.sources + e.targets, "RUS MIL")),
    ("actor=SYR", lambda e: _has(e.sources + e.targets, "SYR")),
    ("source=UKR", lambda e: _has(e.sources, "UKR")),
    ("target=UKR", lambda e: _has(e.targets, "UKR")),
    ("target=SYR%20GOV", lambda e: _has(e.targets, "SYR GOV")),
    ("country=ukr", lambda e: e.location is not None and e.location.country == "UKR"),
    ("type=ASSAULT", lambda e: e.plover_type == "ASSAULT"),
    ("quad=1", lambda e: e.quad_class == 1),
    ("quad=0", lambda e: e.quad_class == 0),
    ("status=claimed", lambda e: e.attribution.status == "claimed"),
    ("status=hypothetical", lambda e: e.attribution.status == "hypothetical"),
    ("since=2024-02-10", lambda e: e.date is not None and e.date.date >= dt.date(2024, 2, 10)),
    ("until=2024-01-05", lambda e: e.date is not None and e.date.date <= dt.date(2024, 1, 5)),
    ("since=2024-01-01&until=2024-03-01", lambda e: e.date is not None and dt.date(2024, 1, 1) <= e.date.date <= dt.date(2024, 3, 1)),
    ("bbox=30,30,40,52", lambda e: _inside(e, 30, 30, 40, 52)),
    ("bbox=100,-30,180,45", lambda e: _inside(e, 100, -30, 180, 45)),
    ("q=KHARKIV", lambda e: "kharkiv" in e.sentence.text.lower()),
    ("q=drones", lambda e: "drones" in e.sentence.text.lower()),
    ("q=agreed", lambda e: "agreed" in e.trigger.text.lower() or "agreed" in e.sentence.text.lower()),
    ("article=art-c", lambda e: e.article_id == "art-c"),
    ("actor=RUS&type=ASSAULT&since=2024-01-01", lambda e: _has(e.sources + e.targets, "RUS") and e.plover_type == "ASSAULT"
     and e.date is not None and e.date.date >= dt.date(2024, 1, 1)),
]


@pytest.mark.parametrize(("query", "keep"), FILTER_CASES, ids=[q for q, _ in FILTER_CASES])
def test_each_filter(client, stored, query: str, keep) -> None:
    _, events = stored
    want = expected(events, keep)
    assert want, f"the test data should give {query} at least one event"
    response = client.get(f"/api/events?{query}")
    assert ids_of(response) == want
    assert response.json()["total"] == len(want)


def test_actor_prefix_is_whole_words(client, stored) -> None:
    rows = client.get("/api/events?actor=RUS").json()["events"]
    assert rows and all("RUSX" not in row["sources"] for row in rows)
    assert ids_of(client.get("/api/events?actor=RUSX")) == expected(stored[1], lambda e: _has(e.sources, "RUSX"))


def test_list_rows_carry_each_event_s_fields(client, stored) -> None:
    """A row is read from the stored JSON without building the Event: each field is the Event's own."""
    by_id = {e.id: e for e in stored[1]}
    rows = client.get("/api/events?limit=500").json()["events"]
    assert len(rows) == len(by_id)
    with Store.open(stored[0], read_only=True) as store:
        titles = {row["id"]: (row["outlet"], row["title"]) for row in store.query("SELECT id, outlet, title FROM articles")}
    kinds = set()
    for row in rows:
        event = by_id[row["id"]]
        place, speaker = event.location, event.attribution.speaker
        kinds |= {"place" if place else "no place", "speaker" if speaker else "no speaker", "date" if event.date else "undated"}
        assert row == {
            "id": event.id, "article_id": event.article_id, "sentence_index": event.sentence_index,
            "date": event.date.date.isoformat() if event.date else None,
            "date_precision": event.date.precision if event.date else None,
            "plover_type": event.plover_type, "plover_mode": event.plover_mode, "cameo_code": event.cameo_code,
            "quad_class": event.quad_class, "goldstein": event.goldstein, "status": event.attribution.status,
            "sources": [a.label for a in event.sources], "targets": [a.label for a in event.targets],
            "speaker": speaker.label if speaker else None,
            "location": {"name": place.name, "country": place.country, "lat": place.lat, "lon": place.lon} if place else None,
            "trigger_text": event.trigger.text, "sentence_text": event.sentence.text,
            "outlet": titles[event.article_id][0], "title": titles[event.article_id][1],
        }
    assert kinds == {"place", "no place", "speaker", "no speaker", "date", "undated"}, "the test store should hold each kind"


@pytest.mark.parametrize("limit", [1, 2, 3, 4])
def test_cursor_walk_has_no_duplicates_and_no_gaps(client, stored, limit: int) -> None:
    _, events = stored
    seen: list[str] = []
    totals = set()
    url = f"/api/events?limit={limit}"
    pages = 0
    while True:
        body = client.get(url).json()
        assert len(body["events"]) <= limit
        seen += [row["id"] for row in body["events"]]
        totals.add(body["total"])
        pages += 1
        if body["next_cursor"] is None:
            break
        url = f"/api/events?limit={limit}&cursor={body['next_cursor']}"
        assert pages < 50
    assert seen == expected(events, lambda e: True)
    assert totals == {len(events)}
    assert pages == -(-len(events) // limit)


def test_cursor_walk_with_a_filter(client, stored) -> None:
    want = expected(stored[1], lambda e: _has(e.sources + e.targets, "RUS"))
    seen, cursor = [], None
    while True:
        body = client.get("/api/events", params={"actor": "RUS", "limit": 1, **({"cursor": cursor} if cursor else {})}).json()
        seen += [row["id"] for row in body["events"]]
        assert body["total"] == len(want)
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == want


def test_cursor_stays_stable_while_events_are_added(make_client) -> None:
    """Keyset paging: events written between pages neither repeat nor push rows out."""
    client = make_client(allow_ingest=True, token=TOKEN)
    first = client.get("/api/events?limit=4").json()
    before = client.get("/api/events?limit=500").json()
    newer = [dataclasses.replace(spec, article="art-new", when=dt.date(2030, 1, 1)) for spec in SPECS[:2]]
    articles, events = build(tuple(newer))
    session = client.app.state.dyads.store.session(read_only=False)
    try:
        assert session.write_batch(articles, events) == (1, 2)
    finally:
        session.close()
    seen = [row["id"] for row in first["events"]]
    cursor = first["next_cursor"]
    while cursor is not None:
        body = client.get("/api/events", params={"limit": 4, "cursor": cursor}).json()
        seen += [row["id"] for row in body["events"]]
        cursor = body["next_cursor"]
    assert seen == [row["id"] for row in before["events"]]
    assert client.get("/api/events").json()["total"] == before["total"] + 2


@pytest.mark.parametrize("cursor", ["nonsense", "eyJ4IjoxfQ", "e30", "!!!", "a" * 600])
def test_bad_cursor_is_e620(client, cursor: str) -> None:
    assert_error(client.get("/api/events", params={"cursor": cursor}), 422, "E620")


def test_page_size_limits(client, stored) -> None:
    assert_error(client.get("/api/events?limit=0"), 422, "E620")
    assert_error(client.get("/api/events?limit=501"), 422, "E620")
    assert_error(client.get("/api/events?limit=ten"), 422, "E620")
    assert len(client.get("/api/events?limit=500").json()["events"]) == len(stored[1])


def test_smaller_page_limit_from_server_limits(make_client) -> None:
    client = make_client(limits=ServerLimits(max_page=5))
    assert client.get("/api/events?limit=5").status_code == 200
    assert_error(client.get("/api/events?limit=6"), 422, "E620")


@pytest.mark.parametrize(
    "query",
    ["quad=7", "quad=-1", "status=maybe", "since=2024-13-01", "until=yesterday", "bbox=1,2,3", "bbox=0,0,200,10",
     "country=UK", "type=NOT%20A%20TYPE", "actor=R", "actor=RUS%3BMIL", "q=", "since=2024-05-01&until=2024-01-01"],
)
def test_bad_filter_values_are_422(client, query: str) -> None:
    response = client.get(f"/api/events?{query}")
    assert response.status_code == 422
    assert re.fullmatch(r"E6[23]\d", response.json()["error"]["code"])


# --------------------------------------------------------------------------- one event, one article


def test_one_event_is_the_full_record(client, stored) -> None:
    event = stored[1][0]
    body = client.get(f"/api/events/{event.id}").json()
    assert Event.model_validate(body) == event
    # The stored JSON is sent as it is: the same document FastAPI would make from the model.
    assert body == event.model_dump(mode="json", by_alias=True)
    assert_error(client.get("/api/events/0000000000000000"), 404, "E621")


def test_article_with_its_events_and_spans(client, stored) -> None:
    body = client.get("/api/articles/art-a").json()
    text = body["article"]["text"]
    assert body["article"]["id"] == "art-a" and body["article"]["url"] == "https://example.org/art-a"
    assert body["article"]["published"] == "2024-05-01"
    assert {e["id"] for e in body["events"]} == {e.id for e in stored[1] if e.article_id == "art-a"}
    # The stored records are spliced in as they are: the document FastAPI would make from the models.
    by_id = {e.id: e for e in stored[1]}
    assert body["events"] == [by_id[e["id"]].model_dump(mode="json", by_alias=True) for e in body["events"]]
    assert ArticleWithEvents.model_validate(body).article.id == "art-a"
    for event in body["events"]:
        for key in ("sentence", "trigger"):
            span = event[key]
            assert text[span["start"] : span["end"]] == span["text"]
    assert_error(client.get("/api/articles/nope"), 404, "E621")


# --------------------------------------------------------------------------- summary, health


def test_summary_is_the_store_summary(client, stored) -> None:
    body = client.get("/api/summary").json()
    with Store.open(stored[0], read_only=True) as store:
        summary = store.summary()
    assert body["events"] == summary["events"] == len(SPECS)
    assert body["articles"] == summary["articles"]
    assert body["by_plover_type"] == summary["by_plover_type"]
    assert body["by_quad_class"] == {str(k): v for k, v in summary["by_quad_class"].items()}
    assert body["first_date"] == summary["first_date"].isoformat()
    assert body["top_dyads"] == summary["top_dyads"]


def test_health(client, stored, make_client) -> None:
    assert client.get("/api/health").json() == {
        "status": "ok", "events": len(SPECS), "articles": len({s.article for s in SPECS}), "read_only": True,
    }
    assert make_client(allow_ingest=True, token=TOKEN).get("/api/health").json()["read_only"] is False


# --------------------------------------------------------------------------- analytics wiring


def test_analytics_endpoints_return_the_library_results(client, stored) -> None:
    with Store.open(stored[0], read_only=True) as store:
        cases = [
            ("/api/dyads/RUS/UKR?by=day", dyad_series(store, "RUS", "UKR", by="day")),
            ("/api/dyads/UKR/RUS?directed=true&since=2024-01-01", dyad_series(store, "UKR", "RUS", directed=True, since=dt.date(2024, 1, 1))),
            ("/api/actors/RUS?top=3", actor_profile(store, "RUS", top=3)),
            ("/api/actors/SYR%20REB", actor_profile(store, "SYR REB")),
            ("/api/blocs?min_events=1", alignment(store, min_events=1)),
            ("/api/blocs?since=2024-01-01", alignment(store, since=dt.date(2024, 1, 1))),
            ("/api/blocs?place_targets=true", alignment(store, place_targets=True)),
            ("/api/claims?top=5&until=2024-12-31", claims(store, top=5, until=dt.date(2024, 12, 31))),
            ("/api/timeline?by=month&actor=RUS", timeline(store, by="month", actor="RUS")),
            ("/api/timeline?type=ASSAULT&bbox=30,30,40,52", timeline(store, type="ASSAULT", bbox="30,30,40,52")),
        ]
        for url, result in cases:
            response = client.get(url)
            assert response.status_code == 200, (url, response.text)
            assert response.json() == result.model_dump(mode="json"), url
    assert client.get("/api/dyads/RUS/UKR?by=day").json()["total"] > 0


def test_analytics_parameter_errors(client) -> None:
    assert_error(client.get("/api/dyads/RUS/UKR?by=year"), 422, "E620")
    assert_error(client.get("/api/actors/RUS?top=0"), 422, "E620")
    assert_error(client.get("/api/actors/R'"), 422, "E620")
    error = assert_error(client.get("/api/claims?since=2024-05-01&until=2024-01-01"), 422, "E631")
    assert "since" in error["message"]


# --------------------------------------------------------------------------- error shape


def test_unknown_route_and_wrong_method(client) -> None:
    assert_error(client.get("/api/nothing-here"), 404, "E621")
    assert_error(client.get("/no/such/page"), 404, "E621")
    response = client.delete("/api/events")
    assert_error(response, 405, "E621")
    assert "GET" in response.headers["allow"]


def test_unexpected_exception_is_500_without_a_traceback(make_client, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("secret detail /home/user/.ssh")

    monkeypatch.setattr("dyads.server.api.events_page", broken)
    response = make_client().get("/api/events")
    assert_error(response, 500, "E626")
    assert "secret" not in response.text and "Traceback" not in response.text and "RuntimeError" not in response.text
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


def test_query_time_limit_interrupts_the_query(make_client, monkeypatch) -> None:
    def slow(store, *args, **kwargs):
        store.query("SELECT sum(hash(i)) AS s FROM range(100000000000) t(i)")

    monkeypatch.setattr("dyads.server.api.events_page", slow)
    client = make_client(limits=ServerLimits(query_timeout_s=0.3))
    started = time.monotonic()
    response = client.get("/api/events")
    assert_error(response, 503, "E625")
    assert time.monotonic() - started < 10
    monkeypatch.undo()
    assert client.get("/api/events").status_code == 200


def test_read_sessions_reuse_connections_and_see_later_commits(tmp_path: Path) -> None:
    path = tmp_path / "pool.duckdb"
    write_store(path, SPECS[:3])
    store = open_served(path, writable=True)
    try:
        first = store.session()
        connection = first._con
        assert first.query("SELECT count(*) AS n FROM events")[0]["n"] == 3
        first.close()
        again = store.session()
        assert again._con is connection  # taken from the pool, not opened anew
        writer = store.session(read_only=False)
        assert writer._con is not connection
        more_articles, more_events = build(SPECS[3:5])
        writer.write_batch(more_articles, more_events)
        writer.close()
        assert again.query("SELECT count(*) AS n FROM events")[0]["n"] == 3 + len(more_events)
        again.expire()  # an interrupted connection is closed, never pooled
        again.close()
        assert store.session()._con is not connection
    finally:
        store.close()
    assert store._idle == []


def test_busy_server_is_503(make_client) -> None:
    client = make_client(limits=ServerLimits(max_concurrent_queries=1, max_concurrent_lookups=1, busy_wait_s=0))
    state = client.app.state.dyads
    state.gate.enter()
    try:
        assert_error(client.get("/api/events"), 503, "E625")
        assert client.get("/api/health").status_code == 200  # lookups have slots of their own
    finally:
        state.gate.leave()
    state.lookup_gate.enter()
    try:
        assert_error(client.get("/api/articles/art-a"), 503, "E625")  # not answered before: not in the cache
        assert client.get("/api/events").status_code == 200
    finally:
        state.lookup_gate.leave()
    assert client.get("/api/articles/art-a").status_code == 200


def test_dyad_series_reads_by_key_once_the_index_covers_the_store(make_client) -> None:
    """Before the store's actor index is known to cover it, a dyad series may scan every event
    and waits with the scans; after, it reads one pair's rows and takes a lookup slot."""
    client = make_client(limits=ServerLimits(max_concurrent_queries=1, max_concurrent_lookups=1, busy_wait_s=0))
    state = client.app.state.dyads
    assert not state.store.index_memo.ready
    state.gate.enter()
    try:
        assert_error(client.get("/api/dyads/RUS/SYR"), 503, "E625")
    finally:
        state.gate.leave()
    assert client.get("/api/dyads/RUS/SYR").status_code == 200
    assert state.store.index_memo.ready  # write_batch kept the index covering: the series read it
    state.gate.enter()
    try:
        assert client.get("/api/dyads/RUS/SYR?by=week").status_code == 200  # not cached: a new question
    finally:
        state.gate.leave()
    state.lookup_gate.enter()
    try:
        assert_error(client.get("/api/dyads/RUS/SYR?by=day"), 503, "E625")
    finally:
        state.lookup_gate.leave()


def test_gate_hands_slots_over_in_order_and_times_out_cleanly() -> None:
    from dyads.server.database import QueryGate

    async def scenario() -> list[str]:
        gate = QueryGate(slots=1, wait_s=0.5)
        order: list[str] = []
        await gate.wait_enter()

        async def request(name: str) -> None:
            await gate.wait_enter()
            order.append(name)
            await asyncio.sleep(0.01)
            gate.leave()

        waiting = [asyncio.create_task(request(name)) for name in ("b", "c", "d")]
        await asyncio.sleep(0.05)
        gate.leave()  # the first holder is done: b, c and d follow in turn
        await asyncio.gather(*waiting)
        await gate.wait_enter()  # every slot came back
        with pytest.raises(ServerError) as busy:
            await gate.wait_enter()  # none free: E625 after wait_s, and no slot is lost to the timeout
        assert busy.value.code == "E625"
        gate.leave()
        gate.enter()
        return order

    assert asyncio.run(scenario()) == ["b", "c", "d"]


def test_requests_waiting_for_a_slot_hold_no_worker_thread(tmp_path) -> None:
    """More requests waiting for the store than worker threads: all answered at once, none left to time out."""
    import anyio
    import httpx

    path = tmp_path / "store.duckdb"
    write_store(path)
    app = create_app(db=path, limits=ServerLimits(max_concurrent_queries=1, busy_wait_s=20),
                     static_dir=tmp_path / "none")

    async def scenario() -> tuple[list[int], float]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 2
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            started = time.monotonic()
            answers = await asyncio.gather(*(client.get("/api/events", params={"limit": n}) for n in range(1, 9)))
            return [a.status_code for a in answers], time.monotonic() - started

    try:
        statuses, seconds = asyncio.run(scenario())
    finally:
        shutdown(app)
    assert statuses == [200] * 8
    assert seconds < 10  # waiting threads used to stall everyone until busy_wait_s ran out


# --------------------------------------------------------------------------- security


def test_security_headers_on_every_kind_of_response(client) -> None:
    for response in (
        client.get("/api/health"), client.get("/api/nope"), client.get("/api/events?limit=0"),
        client.post("/api/ingest", json={}), client.get("/"),
    ):
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value
    csp = SECURITY_HEADERS["Content-Security-Policy"]
    for directive in ("script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "connect-src 'self'"):
        assert directive in csp
    assert SECURITY_HEADERS["X-Frame-Options"] == "DENY" and SECURITY_HEADERS["Referrer-Policy"] == "no-referrer"


def test_cors_is_closed_by_default_and_opens_only_to_given_origins(client, make_client) -> None:
    origin = {"Origin": "https://elsewhere.example"}
    assert "access-control-allow-origin" not in client.get("/api/health", headers=origin).headers
    opened = make_client(cors_origins=["https://dash.example"])
    allowed = opened.get("/api/health", headers={"Origin": "https://dash.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://dash.example"
    assert "access-control-allow-origin" not in opened.get("/api/health", headers=origin).headers


def test_read_only_server_refuses_ingestion(client, stored) -> None:
    article = {"articles": [{"text": "Russian forces shelled Kharkiv."}]}
    assert_error(client.post("/api/ingest", json=article), 403, "E624")
    assert_error(client.post("/api/ingest", json=article, headers={"Authorization": f"Bearer {TOKEN}"}), 403, "E624")
    assert_error(client.get("/api/ingest/abc"), 403, "E624")
    assert client.app.state.dyads.store.read_only
    assert client.get("/api/health").json()["events"] == len(SPECS)


def test_ingestion_needs_a_token(stored, tmp_path) -> None:
    with pytest.raises(ServerError) as missing:
        create_app(db=stored[0], allow_ingest=True)
    assert missing.value.code == "E622"
    with pytest.raises(ServerError) as short:
        create_app(db=stored[0], allow_ingest=True, token="short")
    assert short.value.code == "E622"


def test_bearer_token_missing_wrong_and_right(make_client, stored) -> None:
    client = make_client(allow_ingest=True, token=TOKEN)
    known = build()[0][0]  # already stored: the job finishes without loading the NLP model
    body = {"articles": [{"text": known.text, "id": known.id}]}
    missing = client.post("/api/ingest", json=body)
    assert_error(missing, 401, "E622")
    assert missing.headers["www-authenticate"] == "Bearer"
    assert_error(client.post("/api/ingest", json=body, headers={"Authorization": "Bearer " + TOKEN[:-1] + "x"}), 403, "E622")
    assert_error(client.post("/api/ingest", json=body, headers={"Authorization": "Basic " + TOKEN}), 401, "E622")
    assert_error(client.get("/api/ingest/whatever"), 401, "E622")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    accepted = client.post("/api/ingest", json=body, headers=auth)
    assert accepted.status_code == 202, accepted.text
    job = accepted.json()["job"]
    assert accepted.json()["queued"] == 1
    deadline = time.monotonic() + 30
    while (state := client.get(f"/api/ingest/{job}", headers=auth).json())["state"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert state == {
        "job": job, "state": "done", "articles": 1, "repeated": 0, "already_stored": 1,
        "new_articles": 0, "new_events": 0, "problems": [],
    }
    assert_error(client.get("/api/ingest/unknown-job", headers=auth), 404, "E621")


def test_ingest_body_checks(make_client) -> None:
    client = make_client(allow_ingest=True, token=TOKEN, limits=ServerLimits(max_articles=2))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert_error(client.post("/api/ingest", json={"articles": []}, headers=auth), 422, "E620")
    assert_error(client.post("/api/ingest", json={"articles": [{"title": "no text"}]}, headers=auth), 422, "E620")
    assert_error(client.post("/api/ingest", content=b"{not json", headers={**auth, "Content-Type": "application/json"}), 422, "E620")
    three = {"articles": [{"text": f"Story {i}."} for i in range(3)]}
    assert_error(client.post("/api/ingest", json=three, headers=auth), 413, "E623")


def test_body_size_limit_before_reading_the_body(make_client) -> None:
    client = make_client(allow_ingest=True, token=TOKEN, limits=ServerLimits(max_body_bytes=2048))
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    big = b'{"articles": [{"text": "' + b"x" * 4000 + b'"}]}'
    assert_error(client.post("/api/ingest", content=big, headers=auth), 413, "E623")
    declared = client.post("/api/ingest", content=b"{}", headers={**auth, "Content-Length": "999999999"})
    assert_error(declared, 413, "E623")

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(100):
            yield b" " * 1024

    assert_error(client.post("/api/ingest", content=chunks(), headers=auth), 413, "E623")


def test_body_limit_stops_reading_a_chunked_body_early() -> None:
    """At the ASGI level: the app stops pulling body chunks once the limit is passed."""
    pulled: list[int] = []
    sent: list[dict] = []

    async def app(scope, receive, send) -> None:  # reads the whole body, as FastAPI does
        while True:
            message = await receive()
            if not message.get("more_body"):
                break

    async def receive() -> dict:
        pulled.append(1)
        return {"type": "http.request", "body": b"x" * 1024, "more_body": len(pulled) < 1000}

    async def send(message: dict) -> None:
        sent.append(message)

    async def run() -> None:
        guarded = CatchAllMiddleware(BodyLimitMiddleware(app, max_bytes=4096))
        await guarded({"type": "http", "method": "POST", "path": "/api/ingest", "headers": []}, receive, send)

    asyncio.run(run())
    assert len(pulled) == 5
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["error"]["code"] == "E623"


# --------------------------------------------------------------------------- injection attempts

PAYLOADS = [
    "' OR '1'='1",
    "RUS' --",
    "RUS -- comment",
    "x' UNION SELECT id FROM articles --",
    "1 UNION SELECT record FROM events",
    "UKR; DROP TABLE events",
    "'; DROP TABLE events; --",
    '" OR ""="',
    "%' OR 1=1 --",
]
FILTERS = ["actor", "source", "target", "country", "type", "quad", "status", "since", "until", "bbox", "q", "article", "cursor"]


def test_injection_attempts_in_every_filter_change_nothing(client, stored) -> None:
    for name in FILTERS:
        for payload in PAYLOADS:
            response = client.get("/api/events", params={name: payload})
            assert response.status_code in (200, 422), (name, payload, response.text)
            if response.status_code == 200:
                assert response.json()["events"] == [] and response.json()["total"] == 0, (name, payload)
            else:
                assert response.json()["error"]["code"].startswith("E6")
            timeline_response = client.get("/api/timeline", params={name: payload} if name != "cursor" else {})
            assert timeline_response.status_code in (200, 422)
    for payload in PAYLOADS:
        for url in (f"/api/events/{payload}", f"/api/articles/{payload}", f"/api/ingest/{payload}"):
            assert client.get(url).status_code in (403, 404, 422), url
        for url in (f"/api/actors/{payload}", f"/api/dyads/{payload}/RUS"):
            response = client.get(url)  # a payload that reads as a label ("RUS -- COMMENT") matches nothing
            assert response.status_code in (200, 422), url
            if response.status_code == 200:
                assert response.json().get("events", response.json().get("total")) == 0, url
    with Store.open(stored[0], read_only=True) as store:
        counts = store.query(
            "SELECT (SELECT count(*) FROM events) AS e, (SELECT count(*) FROM articles) AS a,"
            " (SELECT count(*) FROM event_actors) AS x"
        )[0]
    assert counts["e"] == len(SPECS) and counts["a"] == len({s.article for s in SPECS}) and counts["x"] > len(SPECS)
    assert client.get("/api/events").json()["total"] == len(SPECS)


# --------------------------------------------------------------------------- dashboard, OpenAPI, docs


def test_dashboard_files_from_memory_gzip_etag(tmp_path, stored) -> None:
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    script = "console.log('dyads');\n" * 400
    (site / "index.html").write_text("<!doctype html><title>dyads dashboard</title>", encoding="utf-8")
    (site / "assets" / "app.js").write_text(script, encoding="utf-8")
    (site / "assets" / "icon.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    app = create_app(db=stored[0], static_dir=site)
    with TestClient(app) as client:
        packed = client.get("/assets/app.js", headers={"accept-encoding": "gzip"})
        assert packed.headers["content-encoding"] == "gzip" and packed.text == script  # the client unpacks it
        assert int(packed.headers["content-length"]) < len(script) // 10
        assert packed.headers["cache-control"].endswith("immutable") and packed.headers["vary"] == "accept-encoding"
        plain = client.get("/assets/app.js", headers={"accept-encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.text == script
        assert client.get("/assets/icon.png", headers={"accept-encoding": "gzip"}).headers.get("content-encoding") is None
        again = client.get("/assets/app.js", headers={"if-none-match": plain.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        index = client.get("/")
        assert index.headers["cache-control"] == "no-cache" and "dyads dashboard" in index.text
        assert client.get("/", headers={"if-none-match": index.headers["etag"]}).status_code == 304
        assert_error(client.post("/assets/app.js"), 405, "E621")
    shutdown(app)


def test_dashboard_files_and_the_not_built_page(tmp_path, stored) -> None:
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>dyads dashboard</title>", encoding="utf-8")
    (site / "assets" / "app.js").write_text("console.log('dyads')", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("do not serve", encoding="utf-8")
    app = create_app(db=stored[0], static_dir=site)
    with TestClient(app) as client:
        index = client.get("/")
        assert index.status_code == 200 and "dyads dashboard" in index.text
        assert index.headers["content-type"].startswith("text/html")
        assert client.get("/assets/app.js").text == "console.log('dyads')"
        assert_error(client.get("/assets/missing.js"), 404, "E621")
        for sneaky in ("/../secret.txt", "/assets/..%2F..%2Fsecret.txt", "/%2e%2e/secret.txt"):
            response = client.get(sneaky)
            assert response.status_code == 404 and "do not serve" not in response.text
        assert client.get("/api/health").status_code == 200
        assert_error(client.get("/api/unknown"), 404, "E621")
    shutdown(app)
    for empty in (tmp_path / "empty", tmp_path / "missing"):
        if empty.name == "empty":
            empty.mkdir()
        app = create_app(db=stored[0], static_dir=empty)
        with TestClient(app) as client:
            page = client.get("/")
            assert page.status_code == 200 and "make web" in page.text and "not been built" in page.text
        shutdown(app)


def test_openapi_declares_models_and_errors(client) -> None:
    spec = client.get("/openapi.json").json()
    assert client.get("/docs").status_code == 404
    assert "ErrorBody" in spec["components"]["schemas"]
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            ok = operation["responses"].get("200") or operation["responses"].get("202")
            assert ok and "$ref" in str(ok["content"]["application/json"]["schema"]), (method, path)
            errors = [code for code in operation["responses"] if code[0] in "45"]
            assert errors, (method, path)
            for code in errors:
                assert "ErrorBody" in str(operation["responses"][code]), (method, path, code)


def test_docs_list_every_api_path(client) -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    spec = client.get("/openapi.json").json()
    for path, methods in spec["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}" in text, f"docs/api.md does not list {method.upper()} {path}"
    for code in ("E620", "E621", "E622", "E623", "E624", "E625", "E626"):
        assert code in text


# --------------------------------------------------------------------------- the serve command


def test_serve_command_refuses_ingest_without_a_token(stored, monkeypatch) -> None:
    monkeypatch.delenv("DYADS_TOKEN", raising=False)
    result = CliRunner().invoke(cli_app, ["serve", "--db", str(stored[0]), "--allow-ingest"])
    assert isinstance(result.exception, ServerError) and result.exception.code == "E622"


def test_serve_command_runs_the_app_and_closes_the_store(tmp_path, monkeypatch) -> None:
    path = tmp_path / "served.duckdb"
    write_store(path)
    (tmp_path / "token.txt").write_text(TOKEN + "\n", encoding="utf-8")
    seen: dict = {}

    def fake_run(app, **options) -> None:  # instead of listening on a port
        with TestClient(app) as client:
            seen["health"] = client.get("/api/health").json()
        seen["app"], seen["options"] = app, options

    monkeypatch.setattr("dyads.server.listen.serve_forever", fake_run)
    result = CliRunner().invoke(
        cli_app, ["serve", "--db", str(path), "--port", "8123", "--allow-ingest", "--token-file", str(tmp_path / "token.txt")],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    assert seen["options"]["host"] == "127.0.0.1" and seen["options"]["port"] == 8123
    assert seen["health"]["read_only"] is False and seen["health"]["events"] == len(SPECS)
    assert seen["app"].state.dyads.token == TOKEN
    with Store.open(path) as reopened:  # closed by the command: a writer can open it again
        assert reopened.count_events() == len(SPECS)
