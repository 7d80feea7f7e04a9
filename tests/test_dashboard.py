"""The web dashboard in headless Chromium, served by the real API over real stores.

The demo store (built once per session) checks that the map, timeline and network render
what the API answers, that the actor filter drives the event list, and that the reader
highlights the exact spans behind an event. A small hand-built store checks the hard
cases of the reader: HTML-looking text shown as text, a character outside the BMP before
the spans (offsets count code points), and overlapping spans.
"""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
STATIC = ROOT / "src" / "dyads" / "server" / "static"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWS = ["map", "timeline", "network", "event-list"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"),
    pytest.mark.skipif(
        not (STATIC / "index.html").is_file(),
        reason="the dashboard is not built: run `make web` (writes src/dyads/server/static/)",
    ),
]


# --------------------------------------------------------------------------- servers and browser


class LiveServer:
    """The dyads API app under uvicorn in a thread, on a free loopback port."""

    def __init__(self, db: Path) -> None:
        import uvicorn

        from dyads.server import create_app

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        app = create_app(db=db, static_dir=STATIC)
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the dyads server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()

    def get(self, path: str, **params: Any) -> Any:
        response = httpx.get(self.url + path, params=params, timeout=30)
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dashboard") / "demo.duckdb"
    done = subprocess.run(
        [sys.executable, "-c", "from dyads.cli import app; app()", "demo", "--db", str(path), "--quiet"],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return path


@pytest.fixture(scope="module")
def demo_server(demo_db: Path) -> Iterator[LiveServer]:
    with LiveServer(demo_db) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Page:
    """A dashboard page that records console errors and uncaught exceptions (CSP refusals included)."""

    def __init__(self, browser: Any, url: str) -> None:
        self.page = browser.new_page(viewport={"width": 1440, "height": 1000})
        self.problems: list[str] = []
        self.page.on("console", lambda msg: msg.type == "error" and self.problems.append(msg.text))
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.page.goto(url)
        self.wait_ready()

    def wait_ready(self) -> None:
        for view in VIEWS:
            self.page.wait_for_selector(f"[data-testid={view}][data-ready=true]", timeout=30_000)

    def data(self, testid: str, key: str) -> str:
        return self.page.get_attribute(f"[data-testid={testid}]", f"data-{key}") or ""

    def row_ids(self) -> list[str]:
        return self.page.eval_on_selector_all("[data-testid=event-row]", "rows => rows.map(r => r.dataset.eventId)")

    def span_texts(self) -> dict[str, str]:
        """Reader text per highlighted span id, joining the segments that carry it, in order."""
        return self.page.eval_on_selector_all(
            "[data-testid=reader-text] [data-testid=hl]",
            """nodes => {
                const out = {};
                for (const node of nodes) for (const id of node.dataset.spans.split(' ')) out[id] = (out[id] ?? '') + node.textContent;
                return out;
            }""",
        )

    def open_event(self, event_id: str) -> None:
        self.page.wait_for_selector(f"[data-testid=reader][data-event-id='{event_id}'][data-state=ready]", timeout=15_000)

    def close(self) -> None:
        self.page.close()


@pytest.fixture()
def dashboard(browser: Any, demo_server: LiveServer) -> Iterator[Page]:
    page = Page(browser, demo_server.url + "/")
    yield page
    page.close()
    assert page.problems == [], page.problems


def all_events(server: LiveServer, **filters: Any) -> dict[str, Any]:
    answer = server.get("/api/events", limit=500, **filters)
    assert answer["next_cursor"] is None, "the demo answer fits one page"
    return answer


def located(rows: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in rows if r["location"] and r["location"]["lat"] is not None and r["location"]["lon"] is not None]


def expected_spans(event: dict[str, Any]) -> dict[str, str]:
    spans = {"trigger": event["trigger"]["text"]}
    for role in ("sources", "targets"):
        for i, actor in enumerate(event[role]):
            if actor["span"] and actor["span"]["end"] > actor["span"]["start"]:
                spans[f"{role[:-1]}-{i}"] = actor["span"]["text"]
    return spans


# --------------------------------------------------------------------------- the demo store


def test_views_render_what_the_api_answers(dashboard: Page, demo_server: LiveServer):
    page = dashboard.page
    answer = all_events(demo_server)
    assert answer["total"] > 100

    # map: country shapes from the bundled atlas, one point per located event, coloured by quad
    assert page.locator("[data-testid=map] path.country").count() > 150
    points = page.eval_on_selector_all("[data-testid=map-point]", "ps => ps.map(p => [p.dataset.eventId, p.dataset.quad, p.getAttribute('fill')])")
    assert sorted(p[0] for p in points) == sorted(located(answer["events"]))
    assert len({p[1] for p in points}) >= 4, "points of several QuadClasses"
    assert len({p[2] for p in points}) == len({p[1] for p in points}), "one colour per QuadClass"

    # timeline: a drawn canvas whose bars add up to the API's counts for the same period
    assert page.locator("[data-testid=timeline] canvas").count() >= 1
    by = dashboard.data("timeline", "by")
    timeline = demo_server.get("/api/timeline", by=by)
    assert int(dashboard.data("timeline", "total")) == sum(p["events"] for p in timeline["points"]) > 0

    # network: cytoscape's canvas with the API's actors and dyads, edges by score sign
    assert page.locator("[data-testid=network] canvas").count() >= 1
    blocs = demo_server.get("/api/blocs")
    assert int(dashboard.data("network", "nodes")) == len(blocs["nodes"]) > 3
    assert int(dashboard.data("network", "edges")) == len(blocs["edges"])
    assert int(dashboard.data("network", "positive")) == sum(e["score"] > 0 for e in blocs["edges"])
    assert int(dashboard.data("network", "negative")) == sum(e["score"] < 0 for e in blocs["edges"])
    assert page.locator("[data-testid=bloc]").count() == min(len(blocs["blocs"]), 10)

    # event list: every event, in the API's order
    assert int(dashboard.data("event-count", "total")) == answer["total"]
    assert dashboard.row_ids() == [e["id"] for e in answer["events"]]


def test_actor_filter_drives_the_list_and_the_map(dashboard: Page, demo_server: LiveServer):
    page = dashboard.page
    everything = all_events(demo_server)
    russia = all_events(demo_server, actor="RUS")
    assert 0 < russia["total"] < everything["total"]

    page.fill("[data-testid=filter-actor]", "rus")  # lower case on purpose: codes are upper-cased
    page.press("[data-testid=filter-actor]", "Enter")
    page.wait_for_selector(f"[data-testid=event-count][data-total='{russia['total']}']", timeout=15_000)
    dashboard.wait_ready()

    assert dashboard.row_ids() == [e["id"] for e in russia["events"]]
    for row in page.locator("[data-testid=event-row]").all():
        actors = (row.locator("[data-testid=row-sources]").inner_text() + ", " + row.locator("[data-testid=row-targets]").inner_text()).split(", ")
        assert any(a == "RUS" or a.startswith("RUS ") for a in actors), actors
    shown = page.eval_on_selector_all("[data-testid=map-point]", "ps => ps.map(p => p.dataset.eventId)")
    assert sorted(shown) == sorted(located(russia["events"]))
    assert "actor=RUS" in page.url
    timeline = demo_server.get("/api/timeline", by=dashboard.data("timeline", "by"), actor="RUS")
    assert int(dashboard.data("timeline", "total")) == sum(p["events"] for p in timeline["points"])

    page.click("[data-testid=filter-reset]")
    page.wait_for_selector(f"[data-testid=event-count][data-total='{everything['total']}']", timeout=15_000)


def test_event_opens_in_the_reader_with_its_spans(dashboard: Page, demo_server: LiveServer):
    page = dashboard.page
    rows = all_events(demo_server)["events"]
    # an event with a place, a source and a target, whose sentence is not the article's first
    chosen = next(
        full for row in rows if row["sources"] and row["targets"] and row["location"] and row["sentence_index"] > 0
        for full in [demo_server.get(f"/api/events/{row['id']}")]
        if all(a["span"] for a in full["sources"] + full["targets"])
    )
    page.click(f"[data-testid=event-row][data-event-id='{chosen['id']}']")
    dashboard.open_event(chosen["id"])

    article = demo_server.get(f"/api/articles/{chosen['article_id']}")["article"]
    texts = dashboard.span_texts()
    for span_id, text in expected_spans(chosen).items():
        assert texts.get(span_id) == text, span_id
    assert texts["sentence"] == chosen["sentence"]["text"]
    assert page.inner_text("[data-testid=reader-title]") == article["title"]
    assert page.text_content("[data-testid=reader-text]") == article["text"]

    # one colour per kind, and a legend naming each
    colours = {
        kind: page.eval_on_selector(f"[data-testid=reader-text] .hl-{kind}", "n => getComputedStyle(n).backgroundColor")
        for kind in ("trigger", "source", "target")
    }
    assert len(set(colours.values())) == 3, colours
    assert page.locator("[data-testid=reader-legend] .item").count() == 7  # trigger, source, target, speaker, place, launch site, date

    # a launch site has its own colour, apart from the place ("flew from ... Iran ... to strike ... Syria")
    launched = next(
        full for row in rows for full in [demo_server.get(f"/api/events/{row['id']}")]
        if full["launch_site"] and full["launch_site"]["span"] and full["location"] and full["location"]["span"]
    )
    page.click(f"[data-testid=event-row][data-event-id='{launched['id']}']")
    dashboard.open_event(launched["id"])
    assert dashboard.span_texts().get("launch-site") == launched["launch_site"]["span"]["text"]
    launch_colour = page.eval_on_selector("[data-testid=reader-text] .hl-launch", "n => getComputedStyle(n).backgroundColor")
    assert launch_colour not in colours.values()
    page.click(f"[data-testid=event-row][data-event-id='{chosen['id']}']")
    dashboard.open_event(chosen["id"])

    # the sentence is scrolled into the reader's view
    page.wait_for_timeout(200)
    box = page.locator("[data-testid=reader]").bounding_box()
    first = page.locator("[data-testid=reader-text] .in-sentence").first.bounding_box()
    assert box and first and box["y"] <= first["y"] <= box["y"] + box["height"] - first["height"]

    # the row is marked, the map point enlarged
    assert page.get_attribute(f"[data-testid=event-row][data-event-id='{chosen['id']}']", "aria-selected") == "true"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 50_000


def test_map_point_opens_the_reader_and_the_url_keeps_it(dashboard: Page, demo_server: LiveServer):
    page = dashboard.page
    point = page.locator("[data-testid=map-point]").nth(5)
    event_id = point.get_attribute("data-event-id")
    point.dispatch_event("click")
    dashboard.open_event(event_id)
    full = demo_server.get(f"/api/events/{event_id}")
    assert dashboard.span_texts()["trigger"] == full["trigger"]["text"]
    assert page.get_attribute("[data-testid=event-detail]", "data-event-id") == event_id
    assert f"event={event_id}" in page.url

    # a reload with the URL restores the selected event
    page.reload()
    dashboard.wait_ready()
    dashboard.open_event(event_id)


def test_network_node_and_edge_filter_the_events(dashboard: Page, demo_server: LiveServer):
    page = dashboard.page
    blocs = demo_server.get("/api/blocs")
    busiest = max(blocs["nodes"], key=lambda node: node["events"])["actor"]
    # where cytoscape drew things (its instance hangs on the container as `_cyreg`)
    where = page.eval_on_selector(
        "[data-testid=network]",
        """(node, key) => {
            const cy = node._cyreg.cy;
            // the edge of that node whose midpoint lies farthest from every node, so a click hits it
            const clearance = e => Math.min(...cy.nodes().map(n => {
                const p = n.renderedPosition(), m = e.renderedMidpoint();
                return Math.hypot(p.x - m.x, p.y - m.y) - n.renderedWidth() / 2;
            }));
            const edge = cy.edges().filter(e => e.source().id() === key || e.target().id() === key).max(clearance).ele;
            return {node: cy.getElementById(key).renderedPosition(), edge: edge.renderedMidpoint(), ends: [edge.data('source'), edge.data('target')]};
        }""",
        busiest,
    )
    box = page.locator("[data-testid=network]").bounding_box()
    assert box

    page.mouse.click(box["x"] + where["node"]["x"], box["y"] + where["node"]["y"])
    expected = all_events(demo_server, actor=busiest)
    page.wait_for_selector(f"[data-testid=event-count][data-total='{expected['total']}']", timeout=15_000)
    dashboard.wait_ready()
    assert page.input_value("[data-testid=filter-actor]") == busiest
    assert dashboard.row_ids() == [e["id"] for e in expected["events"]]

    # an edge filters its busier direction
    page.mouse.click(box["x"] + where["edge"]["x"], box["y"] + where["edge"]["y"])
    a, b = where["ends"]
    one, other = all_events(demo_server, source=a, target=b), all_events(demo_server, source=b, target=a)
    source, target, shown = (b, a, other) if other["total"] > one["total"] else (a, b, one)
    page.wait_for_function(
        "([s, t]) => document.querySelector('[data-testid=filter-source]').value === s"
        " && document.querySelector('[data-testid=filter-target]').value === t",
        arg=[source, target], timeout=15_000,
    )
    page.wait_for_selector(f"[data-testid=event-count][data-total='{shown['total']}']", timeout=15_000)
    dashboard.wait_ready()
    assert dashboard.row_ids() == [e["id"] for e in shown["events"]]


# --------------------------------------------------------------------------- a hand-built store


@pytest.fixture(scope="module")
def tricky_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    from dyads.io.store import Store
    from dyads.records import Actor, Article, Attribution, Event, EventDate, Location, Span

    text = (
        "\U0001F4F0 <b>Breaking</b> <script>document.title='pwned'</script>\n"
        "Russian jets struck Aleppo on Tuesday, Syrian officials said. Iran denied it."
    )

    def span(words: str, *, after: int = 0) -> Span:
        start = text.index(words, after)
        return Span(start=start, end=start + len(words), text=words)

    sentence = span("Russian jets struck Aleppo on Tuesday, Syrian officials said.")
    strike = Event(
        article_id="tricky",
        sentence_index=1,
        sentence=sentence,
        trigger=span("jets struck"),  # overlaps the source span on purpose
        plover_type="ASSAULT",
        cameo_code="195",
        quad_class=4,
        goldstein=-10.0,
        sources=[Actor(code="RUS", sectors=["MIL"], span=span("Russian jets"))],
        targets=[Actor(code="SYR", span=span("Aleppo"))],
        date=EventDate(date=dt.date(2016, 8, 16), precision="day", derived_from="weekday", span=span("on Tuesday")),
        location=Location(name="Aleppo", lat=36.2, lon=37.16, country="SYR", span=span("Aleppo on Tuesday")),
        attribution=Attribution(status="claimed", speaker=Actor(code="SYR", sectors=["GOV"], span=span("Syrian officials"))),
    ).assign_id()
    denial = Event(
        article_id="tricky",
        sentence_index=2,
        sentence=span("Iran denied it."),
        trigger=span("denied"),
        cameo_code="013",
        quad_class=0,
        goldstein=0.4,
        statement_only=True,
        sources=[Actor(code="IRN", span=span("Iran", after=sentence.end))],
    ).assign_id()
    article = Article(id="tricky", text=text, title="<i>not italic</i>", published=dt.date(2016, 8, 17), url="javascript:alert(1)")
    path = tmp_path_factory.mktemp("tricky") / "tricky.duckdb"
    with Store.open(path) as store:
        store.write_batch([article], [strike, denial])
    with LiveServer(path) as server:
        yield server, strike.id


def test_reader_shows_text_as_text_with_overlapping_spans(browser: Any, tricky_server: tuple[LiveServer, str]):
    server, strike_id = tricky_server
    page = Page(browser, f"{server.url}/?event={strike_id}")
    try:
        page.open_event(strike_id)
        p = page.page
        article = server.get("/api/articles/tricky")
        event = next(e for e in article["events"] if e["id"] == strike_id)

        assert p.text_content("[data-testid=reader-text]") == article["article"]["text"]
        assert p.locator("[data-testid=reader] b, [data-testid=reader] script, [data-testid=reader] i").count() == 0
        assert p.inner_text("[data-testid=reader-title]") == "<i>not italic</i>"
        assert p.title() == "dyads dashboard"
        assert p.locator("[data-testid=reader] a").count() == 0, "a javascript: url is not made a link"

        texts = page.span_texts()
        assert texts["trigger"] == "jets struck" and texts["source-0"] == "Russian jets"
        assert texts["target-0"] == "Aleppo" and texts["place"] == "Aleppo on Tuesday"
        assert texts["date"] == "on Tuesday" and texts["speaker"] == "Syrian officials"
        assert texts["sentence"] == event["sentence"]["text"]
        # "jets" is both source and trigger: the trigger's colour, the source noted in its kinds
        jets = p.locator("[data-testid=hl][data-spans~=trigger][data-spans~=source-0]")
        assert jets.inner_text() == "jets" and "hl-trigger" in (jets.get_attribute("class") or "")

        # the other event's trigger is a link to it
        other = next(e for e in article["events"] if e["id"] != strike_id)
        p.click(f"[data-testid=hl][data-spans~='other-{other['id']}']")
        page.open_event(other["id"])
        assert page.span_texts()["trigger"] == "denied"
        assert page.span_texts()["source-0"] == "Iran"
        assert page.problems == [], page.problems
    finally:
        page.close()
