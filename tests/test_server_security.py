"""The server's security promises, each checked: read-only by default, bearer token in constant
time, no URL fetching outside an allow-list (no SSRF), size/page/time limits, injection attempts in
every parameter, CORS closed, security headers on everything. Stores are hand-built (no NLP model)."""

from __future__ import annotations

import ast
import datetime as dt
import http.server
import inspect
import json
import socket
import textwrap
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from test_server_data import SPECS, Spec, build, write_store

from dyads.errors import ServerError
from dyads.io.store import Store
from dyads.server import FetchPolicy, ServerLimits, create_app, security, shutdown
from dyads.server.outbound import (
    check_target,
    fetch_allowed,
    fetch_policy,
    public_address,
)
from dyads.server.security import SECURITY_HEADERS, check_bearer

TOKEN = "security-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

# Events whose text holds SQL and LIKE metacharacters, so a literal search can be told from a pattern.
TRICKY: tuple[Spec, ...] = (
    *SPECS,
    Spec("art-p", "Inflation hit 100% as rebels seized the mint.", "seized", ("SYR REB",), ("SYR GOV",),
         "SEIZE", "171", 4, dt.date(2024, 6, 1), None),
    Spec("art-p", "Officials said the strike_team left; no one was hurt.", "left", ("IRN",), ("IRQ",),
         "RETREAT", "087", 2, dt.date(2024, 6, 2), None),
    Spec("art-q", "Protesters chanted 'O'Brien -- out' near Łódź café.", "chanted", ("POL CVL",), ("POL GOV",),
         "PROTEST", "141", 3, dt.date(2024, 6, 3), None),
)


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fix", "status"}
    assert body["error"]["code"] == code and body["error"]["status"] == status
    assert body["error"]["message"] and body["error"]["fix"]
    return body["error"]


COUNTS = (
    "SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM articles) AS articles,"
    " (SELECT count(*) FROM event_actors) AS actors, (SELECT count(*) FROM information_schema.tables) AS tables"
)


def counts(where: Path | TestClient) -> dict[str, int]:
    """Row counts of a store file, or of the store a (writable) app holds open."""
    if isinstance(where, TestClient):
        row = where.app.state.dyads.store.query(COUNTS)[0]
    else:
        with Store.open(where, read_only=True) as store:
            row = store.query(COUNTS)[0]
    return {key: int(value) for key, value in row.items()}


@pytest.fixture()
def make_app(tmp_path: Path) -> Iterator[Callable[..., tuple[TestClient, Path]]]:
    """A TestClient on a fresh hand-built store, with create_app options."""
    made: list[TestClient] = []

    def make(specs: tuple[Spec, ...] = SPECS, **options) -> tuple[TestClient, Path]:
        path = tmp_path / f"store-{len(made)}.duckdb"
        write_store(path, specs)
        options.setdefault("static_dir", tmp_path / "no-dashboard")
        client = TestClient(create_app(db=path, **options))
        client.__enter__()
        made.append(client)
        return client, path

    yield make
    for client in made:
        client.__exit__(None, None, None)
        shutdown(client.app)


# --------------------------------------------------------------------------- a local web server


class Origin:
    """A loopback HTTP server that records what it is asked and answers from ``routes``."""

    def __init__(self, routes: dict[str, tuple[int, dict[str, str], bytes]]) -> None:
        self.hits: list[tuple[str, str]] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.hits.append((self.path, self.headers.get("Host", "")))
                status, headers, body = routes.get(self.path, (404, {}, b"not here"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value.replace("PORT", str(owner.port)))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def origin() -> Iterator[Origin]:
    known = build()[0][0]  # an article the test stores already hold: its job ends without the NLP model
    line = json.dumps({"id": known.id, "text": known.text}).encode("utf-8") + b"\n"
    server = Origin({
        "/ok.jsonl": (200, {"Content-Type": "application/x-ndjson"}, line),
        "/to-localhost": (302, {"Location": "http://localhost:PORT/ok.jsonl"}, b""),
        "/to-ipv6": (302, {"Location": "http://[::1]:PORT/ok.jsonl"}, b""),
        "/to-metadata": (301, {"Location": "http://169.254.169.254/latest/meta-data"}, b""),
        "/to-evil": (307, {"Location": "http://evil.example:PORT/ok.jsonl"}, b""),
        "/to-self": (302, {"Location": "/ok.jsonl"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/big": (200, {"Content-Type": "text/plain"}, b"x" * 5000),
    })
    yield server
    server.close()


# --------------------------------------------------------------------------- 1. read-only, token


def test_read_only_server_refuses_every_write_and_cannot_write(make_app) -> None:
    client, path = make_app()
    before = counts(path)
    body = {"articles": [{"text": "Russian forces shelled Kharkiv."}]}
    for headers in ({}, AUTH, {"Authorization": "Bearer x"}):
        assert_error(client.post("/api/ingest", json=body, headers=headers), 403, "E624")
        assert_error(client.get("/api/ingest/some-job", headers=headers), 403, "E624")
    for method in ("PUT", "PATCH", "DELETE"):
        for url in ("/api/events", "/api/ingest", "/api/events/x"):
            response = client.request(method, url, headers=AUTH)
            assert response.status_code == 405, (method, url, response.text)
            assert response.json()["error"]["code"] == "E621"
    # The store itself is opened read-only: even a write through the app's own connection fails.
    store = client.app.state.dyads.store
    assert store.read_only
    session = store.session(read_only=True)
    try:
        with pytest.raises(Exception, match="read-only"):
            session.query("DELETE FROM events")
    finally:
        session.close()
    assert counts(path) == before


def test_every_route_that_writes_is_behind_the_token(make_app) -> None:
    client, _ = make_app(allow_ingest=True, token=TOKEN, settings=None)
    paths = client.get("/openapi.json").json()["paths"]
    writes = [(path, method) for path, item in paths.items() for method in item if method not in ("get", "head")]
    assert writes == [("/api/ingest", "post")]
    assert sorted(p for p in paths if p.startswith("/api/ingest")) == ["/api/ingest", "/api/ingest/{job}"]
    for path in ("/api/ingest", "/api/ingest/{job}"):  # both declare the bearer scheme
        for operation in paths[path].values():
            assert operation["security"] == [{"HTTPBearer": []}]
    body = {"articles": [{"text": "A story."}]}
    for url, send in (("/api/ingest", lambda h: client.post("/api/ingest", json=body, headers=h)),
                      ("/api/ingest/j", lambda h: client.get("/api/ingest/j", headers=h))):
        missing = send({})
        assert_error(missing, 401, "E622")
        assert missing.headers["www-authenticate"] == "Bearer"
        for wrong in ("Bearer " + TOKEN[:-1], "Bearer " + TOKEN + "x", "Bearer " + "y" * 400, "bearer  ", "Token " + TOKEN,
                      "Bearer " + TOKEN.upper(), "Bearer \u00e9" + TOKEN[1:]):
            response = send({"Authorization": wrong.encode("utf-8")})
            assert response.status_code in (401, 403), (url, wrong)
            assert_error(response, response.status_code, "E622")
            assert TOKEN not in response.text  # the token is never echoed


def test_token_is_compared_in_constant_time_on_equal_length_digests(monkeypatch) -> None:
    seen: list[tuple[bytes, bytes]] = []
    real = security.hmac.compare_digest

    def recording(a: bytes, b: bytes) -> bool:
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", recording)
    for given in ("a", TOKEN[:-1], TOKEN + "extra", "z" * 5000, TOKEN):
        try:
            check_bearer(f"Bearer {given}", token=TOKEN)
        except ServerError as exc:
            assert exc.code == "E622" and given != TOKEN
        else:
            assert given == TOKEN
    assert len(seen) == 5  # every candidate reached the constant-time comparison
    assert {len(a) for a, _ in seen} == {len(b) for _, b in seen} == {32}  # digests: lengths hidden too
    # The code path: no ordinary comparison touches the token anywhere in check_bearer.
    tree = ast.parse(textwrap.dedent(inspect.getsource(check_bearer)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            assert not names & {"token", "given", "given_digest", "token_digest"}, ast.unparse(node)


# --------------------------------------------------------------------------- 2. no SSRF


def fake_resolver(table: dict[str, list[str]]) -> Callable[[str, int], list[str]]:
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise ServerError("E629", f"cannot resolve {host!r}", fix="check the host name")
        return table[host]

    return resolve


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/", "http://[::1]/", "http://169.254.169.254/latest/meta-data", "http://0x7f000001/",
    "http://2130706433/", "http://localhost/", "http://10.0.0.1/", "file:///etc/passwd", "gopher://news.example/",
    "http://news.example@127.0.0.1/", "http://[::ffff:127.0.0.1]/", "http://metadata.google.internal/",
])
def test_nothing_is_fetched_without_an_allow_list_entry(url: str) -> None:
    for policy in (FetchPolicy(), FetchPolicy(hosts=("news.example",))):
        with pytest.raises(ServerError) as refused:
            check_target(url, policy, resolve=fake_resolver({"news.example": ["93.184.216.34"]}))
        assert refused.value.code in ("E620", "E627"), url
        assert refused.value.fix


@pytest.mark.parametrize("addresses", [
    ["127.0.0.1"], ["::1"], ["169.254.169.254"], ["10.1.2.3"], ["172.16.0.9"], ["192.168.1.1"], ["100.64.0.1"],
    ["0.0.0.0"], ["::ffff:127.0.0.1"], ["fe80::1"], ["fd00::1"], ["224.0.0.1"], ["93.184.216.34", "127.0.0.1"],
])
def test_allowed_names_must_resolve_to_public_addresses(addresses: list[str]) -> None:
    policy = FetchPolicy(hosts=("news.example", "*.wire.example"))
    for host in ("news.example", "a.wire.example"):
        with pytest.raises(ServerError) as refused:
            check_target(f"https://{host}/feed.xml", policy, resolve=fake_resolver({host: addresses}))
        assert refused.value.code == "E628"
    assert check_target("https://news.example/feed.xml", policy, resolve=fake_resolver({"news.example": ["93.184.216.34"]}))
    # A listed network lets a listed host resolve there; nothing else.
    inside = FetchPolicy(hosts=("news.example",), networks=("10.0.0.0/8",))
    assert check_target("http://news.example/", inside, resolve=fake_resolver({"news.example": ["10.9.9.9"]}))
    with pytest.raises(ServerError, match="not a public address"):
        check_target("http://news.example/", inside, resolve=fake_resolver({"news.example": ["169.254.169.254"]}))


def test_wildcard_entries_and_bad_lists() -> None:
    policy = FetchPolicy(hosts=("*.wire.example", "News.Example."))
    resolve = fake_resolver({h: ["93.184.216.34"] for h in ("a.wire.example", "news.example", "wire.example",
                                                              "evilwire.example", "news.example.evil.org")})
    assert check_target("http://a.wire.example/", policy, resolve=resolve)
    assert check_target("http://NEWS.example./", policy, resolve=resolve)
    for url in ("http://wire.example/", "http://evilwire.example/", "http://news.example.evil.org/"):
        with pytest.raises(ServerError) as refused:
            check_target(url, policy, resolve=resolve)
        assert refused.value.code == "E627"
    for hosts, networks in ((("*",), ()), (("a/b",), ()), ((), ("not-a-network",))):
        with pytest.raises(ServerError) as bad:
            fetch_policy(hosts=hosts, networks=networks)
        assert bad.value.code == "E627"


def test_addresses_public_or_not() -> None:
    import ipaddress

    for text in ("8.8.8.8", "93.184.216.34", "2606:4700::1111"):
        assert public_address(ipaddress.ip_address(text))
    for text in ("127.0.0.1", "::1", "169.254.169.254", "10.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::1", "192.0.2.1"):
        assert not public_address(ipaddress.ip_address(text))


def test_fetch_connects_to_the_checked_address_and_checks_every_redirect(origin: Origin) -> None:
    port = origin.port
    names = {"news.example": ["127.0.0.1"], "evil.example": ["169.254.169.254"], "localhost": ["127.0.0.1", "::1"]}
    resolve = fake_resolver(names)
    policy = FetchPolicy(hosts=("news.example", "evil.example"), networks=("127.0.0.1/32",))
    got = fetch_allowed(f"http://news.example:{port}/ok.jsonl", policy, resolve=resolve)
    assert got.content_type == "application/x-ndjson" and b'"id"' in got.data
    assert origin.hits[-1] == ("/ok.jsonl", f"news.example:{port}")  # pinned address, the name's Host header
    assert fetch_allowed(f"http://news.example:{port}/to-self", policy, resolve=resolve).data == got.data
    refusals = {
        "/to-localhost": "E627", "/to-ipv6": "E627", "/to-metadata": "E627", "/to-evil": "E628", "/loop": "E629",
    }
    for path, code in refusals.items():
        origin.hits.clear()
        with pytest.raises(ServerError) as refused:
            fetch_allowed(f"http://news.example:{port}{path}", policy, resolve=resolve)
        assert refused.value.code == code, path
        assert all(hit[0] in (path, "/loop") for hit in origin.hits)  # the refused hop was never requested
    # DNS says loopback, but the owner did not list loopback: refused before any connection.
    origin.hits.clear()
    with pytest.raises(ServerError) as refused:
        fetch_allowed(f"http://news.example:{port}/ok.jsonl", FetchPolicy(hosts=("news.example",)), resolve=resolve)
    assert refused.value.code == "E628" and origin.hits == []
    # 'localhost' resolves to 127.0.0.1 and ::1: listing the name and 127.0.0.1/32 is not enough.
    with pytest.raises(ServerError) as refused:
        fetch_allowed(f"http://localhost:{port}/ok.jsonl", FetchPolicy(hosts=("localhost",), networks=("127.0.0.1/32",)),
                      resolve=resolve)
    assert refused.value.code == "E628" and origin.hits == []
    small = FetchPolicy(hosts=("news.example",), networks=("127.0.0.1/32",), max_bytes=1000)
    with pytest.raises(ServerError) as big:
        fetch_allowed(f"http://news.example:{port}/big", small, resolve=resolve)
    assert big.value.code == "E629"


def wait_job(client: TestClient, job: str, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while (state := client.get(f"/api/ingest/{job}", headers=AUTH).json())["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, state
        time.sleep(0.05)
    return state


def test_api_refuses_urls_unless_allowed_and_public(make_app, origin: Origin) -> None:
    port = origin.port
    closed, _ = make_app(allow_ingest=True, token=TOKEN)
    before = counts(closed)
    for url in (f"http://127.0.0.1:{port}/ok.jsonl", "http://[::1]/", "http://169.254.169.254/latest/meta-data",
                "http://0x7f000001/", f"http://localhost:{port}/ok.jsonl"):
        assert_error(closed.post("/api/ingest", json={"urls": [url]}, headers=AUTH), 403, "E627")
    # An article's url is metadata: never followed.
    stored = closed.post("/api/ingest", json={"articles": [{"text": build()[0][0].text, "id": build()[0][0].id,
                                                            "url": f"http://127.0.0.1:{port}/ok.jsonl"}]}, headers=AUTH)
    assert wait_job(closed, stored.json()["job"])["state"] == "done"
    assert origin.hits == []

    named, _ = make_app(allow_ingest=True, token=TOKEN, fetch=FetchPolicy(hosts=("localhost",)))
    assert_error(named.post("/api/ingest", json={"urls": [f"http://localhost:{port}/ok.jsonl"]}, headers=AUTH), 403, "E628")
    assert origin.hits == []

    opened, _ = make_app(allow_ingest=True, token=TOKEN,
                                   fetch=FetchPolicy(hosts=("127.0.0.1",), networks=("127.0.0.1/32",), max_urls=3))
    assert_error(opened.post("/api/ingest", json={"urls": ["http://[::1]/"]}, headers=AUTH), 403, "E627")
    assert_error(opened.post("/api/ingest", json={"urls": ["http://127.0.0.1/"] * 4}, headers=AUTH), 413, "E623")
    accepted = opened.post("/api/ingest", json={"urls": [f"http://127.0.0.1:{port}/ok.jsonl",
                                                          f"http://127.0.0.1:{port}/to-localhost",
                                                          f"http://127.0.0.1:{port}/to-metadata"]}, headers=AUTH)
    assert accepted.status_code == 202, accepted.text
    state = wait_job(opened, accepted.json()["job"])
    assert state["state"] == "done" and state["already_stored"] == 1 and state["new_articles"] == 0
    assert sorted(p["code"] for p in state["problems"]) == ["E627", "E627"], state["problems"]
    assert sorted(hit[0] for hit in origin.hits) == ["/ok.jsonl", "/to-localhost", "/to-metadata"]
    assert counts(closed) == before and counts(opened) == before
    assert_error(opened.post("/api/ingest", json={}, headers=AUTH), 422, "E620")


# --------------------------------------------------------------------------- 3. limits


class LiveServer:
    """The app under uvicorn in a thread on a free loopback port (real sockets, real concurrency)."""

    def __init__(self, app) -> None:
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, server_header=False))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline
            time.sleep(0.02)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def test_slow_query_is_stopped_within_the_limit_and_the_server_stays_responsive(tmp_path: Path, monkeypatch) -> None:
    def slow(store, *args, **kwargs):
        store.query("SELECT sum(hash(i)) AS s FROM range(100000000000) t(i)")

    path = tmp_path / "slow.duckdb"
    write_store(path)
    app = create_app(db=path, limits=ServerLimits(query_timeout_s=1.0), static_dir=tmp_path / "none")
    live = LiveServer(app)
    try:
        monkeypatch.setattr("dyads.server.api.events_page", slow)
        outcome: dict[str, object] = {}

        def call_slow() -> None:
            started = time.monotonic()
            outcome["response"] = httpx.get(live.url + "/api/events", timeout=30)
            outcome["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=call_slow)
        thread.start()
        time.sleep(0.2)
        quick: list[float] = []
        while thread.is_alive() and len(quick) < 50:
            started = time.monotonic()
            assert httpx.get(live.url + "/api/health", timeout=5).status_code == 200
            quick.append(time.monotonic() - started)
        thread.join(30)
        assert_error(outcome["response"], 503, "E625")  # type: ignore[arg-type]
        assert outcome["response"].headers["retry-after"] == "5"  # type: ignore[union-attr]
        assert 1.0 <= outcome["seconds"] < 3.0  # type: ignore[operator]
        assert quick and max(quick) < 1.0  # answered while the slow query ran
        monkeypatch.undo()
        assert httpx.get(live.url + "/api/events", timeout=5).status_code == 200
    finally:
        live.close()
        shutdown(app)


def test_declared_huge_body_is_refused_before_it_is_sent(tmp_path: Path) -> None:
    path = tmp_path / "body.duckdb"
    write_store(path)
    app = create_app(db=path, allow_ingest=True, token=TOKEN, static_dir=tmp_path / "none",
                     limits=ServerLimits(max_body_bytes=4096))
    live = LiveServer(app)
    try:
        with socket.create_connection(("127.0.0.1", live.port), timeout=5) as conn:
            conn.sendall(
                b"POST /api/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN.encode() +
                b"\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{"
            )
            started = time.monotonic()
            chunks = []
            while chunk := conn.recv(65536):  # the server answers and closes without waiting for the body
                chunks.append(chunk)
            assert time.monotonic() - started < 2
            reply = b"".join(chunks).decode("latin-1")
        assert reply.startswith("HTTP/1.1 413") and '"E623"' in reply
        for name in SECURITY_HEADERS:
            assert name.lower() in reply.lower()
    finally:
        live.close()
        shutdown(app)


def test_page_size_cap(make_app) -> None:
    client, _ = make_app(TRICKY, limits=ServerLimits(max_page=3))
    assert len(client.get("/api/events", params={"limit": 3}).json()["events"]) == 3
    for limit in (4, 501, 10**12, -1, 0):
        assert_error(client.get("/api/events", params={"limit": limit}), 422, "E620")
    default_client, _ = make_app()
    assert default_client.get("/api/events", params={"limit": 500}).status_code == 200
    assert_error(default_client.get("/api/events", params={"limit": 501}), 422, "E620")


# --------------------------------------------------------------------------- 4. injection

PAYLOADS = [
    "'", "''", '"', "\\", "' OR '1'='1", "' OR 1=1 --", "RUS' --", "RUS -- comment", "/* x */ RUS", "RUS/**/OR/**/1=1",
    "x' UNION SELECT id, record FROM events --", "1 UNION SELECT record FROM events", "UKR; DROP TABLE events",
    "'; DROP TABLE events; --", "'); DELETE FROM articles; --", "%", "%%", "_", "__", "%' OR 1=1 --", "RUS%", "R_S",
    "Łódź", "café", "日本", "\u202eRUS", "\U0001f4a3", "a\x00b", "\x00", "x" * 5000, "' || (SELECT 1) || '",
    "$1", "?", ":name", "0x27", "CHR(39)",
]
FILTERS = ["actor", "source", "target", "country", "type", "quad", "status", "since", "until", "bbox", "q", "article"]
ANALYTICS_PARAMS = [
    (name, endpoint)
    for name, endpoints in (("since", ("/api/blocs", "/api/claims", "/api/actors/RUS", "/api/dyads/RUS/UKR")),
                            ("until", ("/api/blocs", "/api/dyads/RUS/UKR")), ("top", ("/api/actors/RUS", "/api/claims")),
                            ("min_events", ("/api/blocs",)), ("by", ("/api/dyads/RUS/UKR", "/api/timeline")),
                            ("directed", ("/api/dyads/RUS/UKR",)))
    for endpoint in endpoints
]
ACCEPTED = {"/api/events": [*FILTERS, "cursor", "limit"], "/api/timeline": [*FILTERS, "by"]}


def literal_matches(needle: str) -> set[str]:
    """Ids of the events whose sentence or trigger holds ``needle`` literally (case-insensitive)."""
    low = needle.lower()
    return {e.id for e in build(TRICKY)[1] if low in e.sentence.text.lower() or low in e.trigger.text.lower()}


def test_injection_payloads_in_every_parameter(make_app) -> None:
    client, path = make_app(TRICKY)
    before = counts(path)
    total = len(TRICKY)
    for payload in PAYLOADS:
        for endpoint, accepted in ACCEPTED.items():
            for name in accepted:
                response = client.get(endpoint, params={name: payload})
                assert response.status_code in (200, 422), (endpoint, name, payload, response.text)
                if response.status_code == 422:
                    assert response.json()["error"]["code"].startswith("E6")
                    continue
                if endpoint == "/api/events":
                    ids = {row["id"] for row in response.json()["events"]}
                    if name == "q":
                        assert ids == literal_matches(payload), payload  # literal text, never a pattern
                    else:
                        assert ids == set(), (name, payload)
                else:
                    points = response.json().get("points", [])
                    counted = sum(p.get("events", 0) for p in points) if isinstance(points, list) else 0
                    assert counted == (len(literal_matches(payload)) if name == "q" else 0), (name, payload)
        # The analytics' own parameters are typed (dates, numbers, enums): each endpoint gets each once.
        name, endpoint = ANALYTICS_PARAMS[PAYLOADS.index(payload) % len(ANALYTICS_PARAMS)]
        response = client.get(endpoint, params={name: payload})
        assert response.status_code in (200, 422), (endpoint, name, payload)
        if response.status_code == 422:
            assert response.json()["error"]["code"] == "E620"
        quoted = urllib.parse.quote(payload, safe="")  # as a client must send it; NUL and '/' included
        for url in (f"/api/events/{quoted}", f"/api/articles/{quoted}", f"/api/actors/{quoted}",
                    f"/api/dyads/{quoted}/UKR", f"/api/dyads/RUS/{quoted}", f"/api/events/{quoted}/x"):
            response = client.get(url, params=None)
            assert response.status_code in (200, 404, 422), (url, response.text)
            if response.status_code == 200:
                body = response.json()
                assert body.get("events", body.get("total", 0)) in (0, []), url
    assert counts(path) == before
    assert client.get("/api/events", params={"limit": 500}).json()["total"] == total


def test_text_search_is_literal(make_app) -> None:
    client, _ = make_app(TRICKY)
    for needle, expect in (("%", 1), ("_", 1), ("100%", 1), ("strike_team", 1), ("'o'brien -- out'", 1),
                           ("łódź", 1), ("r_s", 0), ("%e%", 0)):
        rows = client.get("/api/events", params={"q": needle}).json()
        assert rows["total"] == expect == len(literal_matches(needle)), needle


# --------------------------------------------------------------------------- 5. CORS and headers


def test_cors_closed_by_default_preflight_included(make_app) -> None:
    client, _ = make_app()
    foreign = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "authorization"}
    preflight = client.options("/api/ingest", headers=foreign)
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-headers" not in preflight.headers
    for response in (client.get("/api/events", headers=foreign), client.get("/api/health", headers={"Origin": "null"})):
        assert "access-control-allow-origin" not in response.headers
        assert "access-control-allow-credentials" not in response.headers
    opened, _ = make_app(cors_origins=["https://dash.example"])
    good = opened.options("/api/events", headers={**foreign, "Origin": "https://dash.example",
                                                  "Access-Control-Request-Method": "GET"})
    assert good.headers["access-control-allow-origin"] == "https://dash.example"
    assert "access-control-allow-origin" not in opened.options("/api/events", headers=foreign).headers
    assert "access-control-allow-credentials" not in good.headers


def test_security_headers_on_api_errors_openapi_and_dashboard_files(tmp_path: Path) -> None:
    static = tmp_path / "static"
    (static / "assets").mkdir(parents=True)
    (static / "index.html").write_text('<!doctype html><script type="module" src="/assets/app.js"></script>')
    (static / "assets" / "app.js").write_text("console.log(1)")
    path = tmp_path / "h.duckdb"
    write_store(path)
    app = create_app(db=path, static_dir=static)
    with TestClient(app) as client:
        responses = [client.get(url) for url in ("/", "/assets/app.js", "/api/health", "/api/events", "/openapi.json",
                                                 "/api/nope", "/nope.js", "/api/events/none")]
        responses.append(client.post("/api/events"))
        for response in responses:
            headers = response.headers
            assert "frame-ancestors 'none'" in headers["content-security-policy"], response.url
            assert "'unsafe-inline'" not in headers["content-security-policy"]
            assert "'unsafe-eval'" not in headers["content-security-policy"]
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["x-frame-options"] == "DENY"
            assert headers["referrer-policy"] == "no-referrer"
            assert "server" not in headers or "uvicorn" not in headers["server"].lower()
        assert responses[1].headers["content-type"].startswith(("text/javascript", "application/javascript"))
    shutdown(app)


# --------------------------------------------------------------------------- 6. the answer cache


def test_answer_cache_serves_repeats_keeps_headers_and_empties_on_write(make_app) -> None:
    from dyads.server.cache import ResponseCache

    client, _ = make_app(allow_ingest=True, token=TOKEN)
    cache = client.app.state.dyads.cache
    first = client.get("/api/events", params={"actor": "RUS"})
    hits = cache.hits
    again = client.get("/api/events", params={"actor": "RUS"})
    assert cache.hits == hits + 1 and again.content == first.content
    for name, value in SECURITY_HEADERS.items():
        assert again.headers[name] == value
    assert again.headers["content-type"] == first.headers["content-type"]
    # Errors and ingestion answers are never kept.
    assert_error(client.get("/api/events/nope"), 404, "E621")
    assert_error(client.get("/api/events/nope"), 404, "E621")
    assert not any(key.startswith(("/api/events/nope", "/api/ingest")) for key in cache._entries)
    # A write (as the ingestion worker makes) empties it: the next answer is computed again.
    health = client.get("/api/health").json()
    store = client.app.state.dyads.store
    extra = build((Spec("art-z", "Chad troops crossed into Sudan.", "crossed", ("TCD MIL",), ("SDN",),
                        "ASSAULT", "190", 4, dt.date(2024, 7, 1), None),))
    session = store.session(read_only=False)
    try:
        session.write_batch(*extra)
    finally:
        session.close()
    assert client.get("/api/health").json() == health  # stale until the worker's hook runs
    cache.clear()
    assert client.get("/api/health").json()["events"] == health["events"] + 1
    small = ResponseCache(max_bytes=100, max_entry_bytes=60)
    from dyads.server.cache import CachedResponse

    for i in range(5):
        small.put(f"k{i}", CachedResponse(status=200, headers=(), body=b"x" * 40), generation=0)
    assert len(small) == 2 and small.get("k4") is not None and small.get("k0") is None
    small.put("late", CachedResponse(status=200, headers=(), body=b"y"), generation=small.generation - 1)
    assert small.get("late") is None  # computed before a clear: not kept


def test_cached_answers_do_not_carry_one_origins_cors_headers_to_another(make_app) -> None:
    client, _ = make_app(cors_origins=["https://dash.example"])
    allowed = client.get("/api/summary", headers={"Origin": "https://dash.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://dash.example"
    for headers in ({"Origin": "https://evil.example"}, {}):
        again = client.get("/api/summary", headers=headers)
        assert again.content == allowed.content
        assert "access-control-allow-origin" not in again.headers
    names = [name.lower() for name, _ in client.get("/api/summary").headers.raw]
    assert len(names) == len(set(names))  # no header doubled by replaying a cached answer
    assert client.app.state.dyads.cache.hits >= 3
