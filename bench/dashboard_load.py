"""How long the dashboard takes to load, in headless Chromium, on the demo store.

    python bench/dashboard_load.py [--db demo.duckdb] [--runs 7] [--screenshot docs/img/dashboard.png]

Serves the store with the dyads API app (uvicorn on a free loopback port, as `dyads serve`
does) and the built dashboard (`make web`), then loads the page `--runs` times, each in a fresh
browser context (empty cache), until the map, the timeline, the network and the event list
have all rendered their data. Prints the median and range of:

* in page: navigation start to the last view's `dyads:<view>:ready` performance mark;
* wall: from the `goto` call to Playwright seeing all four views ready.

Also prints the size of the built files (raw and gzip). Without --db the demo store is built
in a temporary folder first (`dyads demo`, about 20 s). Target: under 2 s.
--screenshot also saves the README's picture: the dashboard with the first event of
article demo-01 that has a source, a target and a place open in the reader.
"""

from __future__ import annotations

import argparse
import gzip
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "src" / "dyads" / "server" / "static"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWS = ["map", "timeline", "network", "event-list"]
ALL_READY = "() => " + " && ".join(f"document.querySelector('[data-testid={v}]')?.dataset.ready === 'true'" for v in VIEWS)
MARKS = "() => Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, m.startTime]))"


def bundle_sizes() -> tuple[int, int]:
    files = [p for p in STATIC.rglob("*") if p.is_file()]
    raw = sum(p.stat().st_size for p in files)
    packed = sum(len(gzip.compress(p.read_bytes(), compresslevel=6)) for p in files)
    return raw, packed


def demo_store(folder: Path) -> Path:
    db = folder / "demo.duckdb"
    print("building the demo store (dyads demo) ...", flush=True)
    subprocess.run(
        [sys.executable, "-c", "from dyads.cli import app; app()", "demo", "--db", str(db), "--quiet"],
        check=True, stdout=subprocess.DEVNULL,
    )
    return db


def serve(db: Path):
    import uvicorn

    from dyads.server import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(db=db, static_dir=STATIC), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            sys.exit("the server did not start")
        time.sleep(0.05)
    return server, thread, sock, f"http://127.0.0.1:{sock.getsockname()[1]}/"


def measure(url: str, runs: int) -> tuple[list[float], list[float], dict[str, list[float]]]:
    from playwright.sync_api import sync_playwright

    in_page: list[float] = []
    wall: list[float] = []
    per_view: dict[str, list[float]] = {v: [] for v in ("map", "timeline", "network", "list")}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        # one warm-up load so the server and the browser's first-use costs are not counted
        for run in range(runs + 1):
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            page = context.new_page()
            start = time.perf_counter()
            page.goto(url)
            page.wait_for_function(ALL_READY, timeout=60_000, polling=10)
            elapsed = time.perf_counter() - start
            marks = page.evaluate(MARKS)
            context.close()
            if run == 0:
                continue
            wall.append(elapsed)
            in_page.append(max(marks[f"dyads:{v}:ready"] for v in per_view) / 1000)
            for view in per_view:
                per_view[view].append(marks[f"dyads:{view}:ready"] / 1000)
        browser.close()
    return in_page, wall, per_view


def screenshot(url: str, path: Path) -> None:
    import httpx
    from playwright.sync_api import sync_playwright

    events = httpx.get(url + "api/events", params={"article": "demo-01", "limit": 500}, timeout=30).json()["events"]
    chosen = next((e for e in events if e["sources"] and e["targets"] and e["location"]), events[0] if events else None)
    query = f"?event={chosen['id']}" if chosen else ""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(url + query)
        page.wait_for_function(ALL_READY, timeout=60_000)
        if chosen:
            page.wait_for_selector(f"[data-testid=reader][data-event-id='{chosen['id']}'][data-state=ready]")
        page.wait_for_timeout(300)
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        browser.close()
    print(f"screenshot: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="a dyads store (default: build the demo store in a temporary folder)")
    parser.add_argument("--runs", type=int, default=7, help="measured loads (at least 5; default 7)")
    parser.add_argument("--screenshot", type=Path, help="also save a full-page screenshot here (PNG)")
    args = parser.parse_args()
    if args.runs < 5:
        sys.exit("--runs must be at least 5")
    if not CHROMIUM.exists():
        sys.exit("needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
    if not (STATIC / "index.html").is_file():
        sys.exit("the dashboard is not built: run `make web`")

    raw, packed = bundle_sizes()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or demo_store(Path(tmp))
        server, thread, sock, url = serve(db)
        try:
            in_page, wall, per_view = measure(url, args.runs)
            if args.screenshot:
                screenshot(url, args.screenshot)
        finally:
            server.should_exit = True
            thread.join(timeout=15)
            sock.close()

    def fmt(values: list[float]) -> str:
        return f"{statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"

    print(f"built dashboard: {raw / 1024:.0f} KiB, {packed / 1024:.0f} KiB gzipped")
    print(f"dashboard first load on {db.name if args.db else 'the demo store'}, {args.runs} loads, fresh cache each:")
    print(f"  all views rendered, in page (navigation start -> last view ready): median {fmt(in_page)}")
    print(f"  all views rendered, wall (goto -> Playwright sees all ready):      median {fmt(wall)}")
    for view, values in per_view.items():
        print(f"    {view:<9} ready at median {statistics.median(values):.2f} s")
    verdict = "met" if statistics.median(wall) < 2.0 else "NOT met"
    print(f"target < 2 s (wall median): {verdict}")


if __name__ == "__main__":
    main()
