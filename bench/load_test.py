"""Load test of `dyads serve` on loopback over a 1,000,000-event store: latency, errors, memory.

    python bench/load_test.py [--db /tmp/dyads-api-1m.duckdb] [--requests 10000] [--concurrency 50]
                              [--rounds 2] [--ingest 0] [--seed 0] [--optimize]

Builds the synthetic store with ``bench/synthetic_store.py`` unless ``--db`` already holds ``--n``
events (``--optimize``: then rewrites it newest first with ``dyads optimize``, which also builds the
actor index of ``dyads.io.rollups``, unless done before), starts ``dyads serve`` on it in a subprocess (read-only; with ``--ingest N``: on a copy of
the store, read-write, with a bearer token), and sends ``--requests`` GET requests per round from an
small keep-alive HTTP/1.1 client of our own (:class:`Connection`) with ``--concurrency`` requests in
flight, over a fixed mix of endpoints:
event pages with filters (actor, country, type, dates, text, cursor), one event, one article, dyad
series, actor profiles, blocs, claims, timelines, summary, health and the dashboard's files. The
URLs are drawn with ``--seed`` from ``--working-set`` event ids (and their articles) sampled from the
store and from 14 actor labels, 10 years, 8 countries, 7 types and 6 words, so they vary: most
event and article lookups of a round miss the server's answer cache, the filter combinations repeat.

Printed: per endpoint and overall, requests, errors (any status other than 200), p50/p95/p99
latency in ms and the latencies' sum (with ``--concurrency 1``: what each kind of request costs the
server in all); the server's resident memory (VmRSS) before, sampled during and after each round
(a leak shows as growth from round to round); the load average.

``--ingest N`` also posts the first N demo articles (``dyads/demo/articles.jsonl``, up to 30,
repeated under new ids beyond that) to ``POST /api/ingest`` while the first round runs, waits for
the jobs, stops the server and checks in the store that every posted article is there exactly
once and that its events are there exactly once (no id twice, the count the jobs reported).
Targets (issue 8): 0 errors, p99 < 250 ms on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_store import make_synthetic_store, stored_events

from dyads.io.optimize import is_optimized, optimize_store
from dyads.io.rollups import blocs_ready, index_ready
from dyads.io.store import Store

ROOT = Path(__file__).resolve().parents[1]
DYADS = Path(sys.executable).with_name("dyads")
TARGET_P99_MS = 250.0
TARGET_CONCURRENCY = 50
TARGET_REQUESTS = 10_000
ACTORS = ["RUS", "USA", "CHN", "UKR", "IRN", "ISR", "SYR", "TUR", "RUS MIL", "USA GOV", "SYR REB", "UKR MIL", "GBR", "FRA"]
COUNTRIES = ["UKR", "SYR", "RUS", "IRQ", "ISR", "AFG", "YEM", "USA"]
TYPES = ["ASSAULT", "ACCUSE", "CONSULT", "AGREE", "SANCTION", "AID", "THREATEN"]
WORDS = ["bombed", "sanctioned", "met", "accused", "aid", "deal"]

# endpoint name, weight (share of the requests)
MIX: list[tuple[str, int]] = [
    ("events: filters", 25), ("events: page 2", 5), ("event by id", 15), ("article", 10), ("dyads", 10),
    ("actor", 4), ("timeline", 5), ("blocs", 2), ("claims", 2), ("summary", 1), ("health", 8), ("static", 13),
]


def memory_kib(pid: int) -> int:
    """Resident memory of ``pid`` (VmRSS, KiB); 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sample_ids(db: Path, n: int, seed: int) -> tuple[list[str], list[str]]:
    """``n`` event ids and their article ids drawn from the store (read-only, before the server opens it)."""
    with Store.open(db, read_only=True) as store:
        rows = store.query(f"SELECT id, article_id FROM events USING SAMPLE reservoir({int(n)} ROWS) REPEATABLE ({int(seed)})")
    return [r["id"] for r in rows], sorted({r["article_id"] for r in rows})


def static_paths() -> list[str]:
    static = ROOT / "src" / "dyads" / "server" / "static"
    files = ["/"]
    if (static / "assets").is_dir():
        files += [f"/assets/{p.name}" for p in sorted((static / "assets").iterdir()) if p.suffix in (".js", ".css")]
    return files


def make_urls(n: int, *, rng: random.Random, events: list[str], articles: list[str], cursors: list[str]) -> list[tuple[str, str]]:
    """``n`` (endpoint name, URL) pairs in the proportions of :data:`MIX`."""
    names = [name for name, _ in MIX]
    weights = [weight for _, weight in MIX]
    statics = static_paths()
    out = []
    for name in rng.choices(names, weights=weights, k=n):
        year = rng.randint(2014, 2023)
        if name == "events: filters":
            params = rng.choice([
                {"actor": rng.choice(ACTORS), "since": f"{year}-01-01", "until": f"{year}-12-31"},
                {"actor": rng.choice(ACTORS)},
                {"country": rng.choice(COUNTRIES), "quad": rng.randint(1, 4)},
                {"type": rng.choice(TYPES), "since": f"{year}-01-01", "until": f"{year}-06-30"},
                {"q": rng.choice(WORDS), "since": f"{year}-01-01", "until": f"{year}-12-31"},
                {"source": rng.choice(ACTORS), "target": rng.choice(ACTORS), "limit": 100},
                {},
            ])
            url = "/api/events?" + "&".join(f"{k}={quote(str(v))}" for k, v in params.items())
        elif name == "events: page 2":
            url = "/api/events?cursor=" + rng.choice(cursors)
        elif name == "event by id":
            url = "/api/events/" + rng.choice(events)
        elif name == "article":
            url = "/api/articles/" + rng.choice(articles)
        elif name == "dyads":
            a, b = rng.sample(ACTORS, 2)
            url = f"/api/dyads/{quote(a)}/{quote(b)}?by={rng.choice(['month', 'week'])}&since={year}-01-01&until={year}-12-31"
        elif name == "actor":
            url = f"/api/actors/{quote(rng.choice(ACTORS))}?since={year}-01-01&until={year}-12-31"
        elif name == "timeline":
            url = f"/api/timeline?by=month&actor={quote(rng.choice(ACTORS))}"
        elif name == "blocs":
            url = f"/api/blocs?since={year}-01-01&until={year}-03-31&min_events=5"
        elif name == "claims":
            url = f"/api/claims?since={year}-01-01&until={year}-12-31"
        elif name == "summary":
            url = "/api/summary"
        elif name == "health":
            url = "/api/health"
        else:
            url = rng.choice(statics)
        out.append((name, url))
    return out


class Server:
    """``dyads serve`` in a subprocess on a free loopback port."""

    def __init__(self, db: Path, *, token_file: Path | None, extra: list[str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [str(DYADS), "serve", "--db", str(db), "--port", str(self.port), *extra]
        if token_file is not None:
            command += ["--allow-ingest", "--token-file", str(token_file)]
        handle, name = tempfile.mkstemp(prefix="dyads-serve-", suffix=".log")
        self.log_name = name
        with os.fdopen(handle, "wb") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                raise SystemExit(f"dyads serve exited: see {self.log_name}")
            try:
                if httpx.get(self.url + "/api/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("dyads serve did not answer within 120 s")
            time.sleep(0.3)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Connection:
    """One keep-alive HTTP/1.1 connection, GET only, so that the load generator, on the same two
    cores, spends little CPU per request. Sends ``Accept-Encoding: gzip`` as a browser does; reads
    Content-Length and chunked bodies."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, url: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(
            f"GET {url} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept-Encoding: gzip\r\n\r\n".encode("latin-1")
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(p[:-2] for p in parts)
        else:
            body = await self.reader.read()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def run_round(base: str, urls: list[tuple[str, str]], *, concurrency: int, pid: int) -> dict:
    """Send every URL with ``concurrency`` in flight; latencies by endpoint, errors, RSS samples."""
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    rss: list[int] = []
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for item in urls:
        queue.put_nowait(item)
    host, port = base.removeprefix("http://").rsplit(":", 1)

    async def worker() -> None:
        connection = Connection(host, int(port))
        try:
            while True:
                try:
                    name, url = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                try:
                    status: int | str = (await asyncio.wait_for(connection.get(url), timeout=60))[0]
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, TimeoutError) as exc:
                    status = type(exc).__name__
                    connection.close()
                elapsed = (time.perf_counter() - started) * 1000
                latencies[name].append(elapsed)
                if status != 200:
                    errors[name].append(f"{status} {url}")
        finally:
            connection.close()

    async def sampler(stop: asyncio.Event) -> None:
        while not stop.is_set():
            rss.append(memory_kib(pid))
            try:
                await asyncio.wait_for(stop.wait(), timeout=0.5)
            except TimeoutError:
                pass

    stop = asyncio.Event()
    started = time.perf_counter()
    sampling = asyncio.create_task(sampler(stop))
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    stop.set()
    await sampling
    return {"latencies": latencies, "errors": errors, "rss": rss, "seconds": time.perf_counter() - started}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def report(result: dict, *, title: str) -> tuple[int, float]:
    latencies = result["latencies"]
    everything = [v for values in latencies.values() for v in values]
    errors = sum(len(v) for v in result["errors"].values())
    print(f"\n{title}: {len(everything)} requests in {result['seconds']:.1f} s "
          f"({len(everything) / result['seconds']:.0f} req/s), {errors} errors")
    # sum s: the endpoint's latencies added up; with --concurrency 1, the server time it took in all
    print(f"{'endpoint':<18} {'requests':>8} {'errors':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'sum s':>8}")
    for name, _ in MIX:
        values = latencies.get(name, [])
        if values:
            print(f"{name:<18} {len(values):>8} {len(result['errors'].get(name, [])):>6} {pct(values, 50):>8.1f} "
                  f"{pct(values, 95):>8.1f} {pct(values, 99):>8.1f} {max(values):>8.1f} {sum(values) / 1000:>8.1f}")
    p99 = pct(everything, 99)
    print(f"{'all':<18} {len(everything):>8} {errors:>6} {pct(everything, 50):>8.1f} {pct(everything, 95):>8.1f} "
          f"{p99:>8.1f} {max(everything):>8.1f} {sum(everything) / 1000:>8.1f}")
    for name, items in result["errors"].items():
        print(f"  errors on {name}: {items[:3]}")
    rss = [r for r in result["rss"] if r]
    if rss:
        print(f"server RSS during: min {min(rss) / 1024:.0f} MiB, median {statistics.median(rss) / 1024:.0f} MiB, "
              f"max {max(rss) / 1024:.0f} MiB ({len(rss)} samples)")
    return errors, p99


def demo_articles(n: int) -> list[dict]:
    path = resources.files("dyads") / "demo" / "articles.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for i in range(n):
        row = rows[i % len(rows)]
        article = {key: row[key] for key in ("id", "text", "title", "published", "outlet", "url") if key in row}
        if i >= len(rows):  # a repeat under a new id, with a different last line (a new text)
            article["id"] = f"{row['id']}-load-{i}"
            article["text"] = row["text"] + f" (Update {i}.)"
        out.append(article)
    return out


def ingest(base: str, token: str, articles: list[dict], outcome: dict) -> None:
    """Post the articles in jobs of 10 while the load runs; wait for every job; keep their reports."""
    headers = {"Authorization": f"Bearer {token}"}
    jobs = []
    started = time.perf_counter()
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        for at in range(0, len(articles), 10):
            response = client.post("/api/ingest", json={"articles": articles[at:at + 10]})
            response.raise_for_status()
            jobs.append(response.json()["job"])
        states = []
        for job in jobs:
            while (state := client.get(f"/api/ingest/{job}").json())["state"] in ("queued", "running"):
                time.sleep(0.5)
            states.append(state)
    outcome["states"] = states
    outcome["seconds"] = time.perf_counter() - started


def check_ingested(db: Path, articles: list[dict], states: list[dict]) -> bool:
    ids = [a["id"] for a in articles]
    with Store.open(db, read_only=True) as store:
        marks = ", ".join("?" for _ in ids)
        per_article = store.query(f"SELECT id, count(*) AS n FROM articles WHERE id IN ({marks}) GROUP BY id", ids)
        events = store.query(
            f"SELECT count(*) AS n, count(DISTINCT id) AS distinct_ids FROM events WHERE article_id IN ({marks})", ids
        )[0]
    once = sum(1 for row in per_article if row["n"] == 1)
    reported = sum(s["new_events"] for s in states)
    failed = [s for s in states if s["state"] != "done"]
    print(f"\ningestion: {len(ids)} articles posted in {len(states)} jobs ({len(failed)} failed); "
          f"{once}/{len(ids)} stored exactly once; events: {events['n']} rows, {events['distinct_ids']} distinct ids, "
          f"{reported} reported new by the jobs")
    return not failed and once == len(ids) and events["n"] == events["distinct_ids"] == reported


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/dyads-api-1m.duckdb"))
    parser.add_argument("--n", type=int, default=1_000_000, help="synthetic events (when the store is built)")
    parser.add_argument("--requests", type=int, default=10_000, help="requests per round")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--ingest", type=int, default=0, help="post this many articles during the first round")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--working-set", type=int, default=2000,
                        help="distinct event ids (and their articles) the requests draw from; years and actors vary as well")
    parser.add_argument("--serve-option", action="append", default=[], help="extra `dyads serve` option (repeatable)")
    parser.add_argument("--optimize", action="store_true", help="run `dyads optimize` on the store first (once)")
    args = parser.parse_args(argv)

    found = stored_events(args.db)
    if found != args.n:
        made = make_synthetic_store(args.db, n_events=args.n, overwrite=True)
        print(f"built {args.db}: {made['events']:,} events in {made['seconds']} s")
    with Store.open(args.db, read_only=True) as store:
        done_before = is_optimized(store) and index_ready(store) and blocs_ready(store)  # optimize builds both indexes
    if args.optimize and not done_before:
        done = optimize_store(args.db)
        print(f"optimized {args.db} in {done.seconds} s")
    db = args.db
    token_file = None
    token = secrets.token_urlsafe(32)
    work = Path(tempfile.mkdtemp(prefix="dyads-load-"))
    if args.ingest:
        db = work / "store.duckdb"
        shutil.copyfile(args.db, db)  # ingestion writes: never into the shared store
        token_file = work / "token.txt"
        token_file.write_text(token + "\n")
    rng = random.Random(args.seed)
    events, articles = sample_ids(db, args.working_set, args.seed)
    load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    with Store.open(db, read_only=True) as store:
        indexed = "with" if index_ready(store) else "WITHOUT"
    print(f"{db}: {stored_events(db):,} events, {indexed} the actor index; {os.cpu_count()} CPUs, {load} before start")
    server = Server(db, token_file=token_file, extra=args.serve_option)
    failures = 0
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            cursors = [
                client.get("/api/events", params={"actor": actor}).json()["next_cursor"] for actor in ACTORS[:6]
            ]
        before = memory_kib(server.process.pid)
        print(f"server pid {server.process.pid} on {server.url}; RSS before load {before / 1024:.0f} MiB")
        ingest_outcome: dict = {}
        ingest_thread = None
        rss_after = []
        for number in range(1, args.rounds + 1):
            urls = make_urls(args.requests, rng=rng, events=events, articles=articles, cursors=cursors)
            if number == 1 and args.ingest:
                ingest_thread = threading.Thread(
                    target=ingest, args=(server.url, token, demo_articles(args.ingest), ingest_outcome), daemon=True
                )
                ingest_thread.start()
            result = asyncio.run(run_round(server.url, urls, concurrency=args.concurrency, pid=server.process.pid))
            errors, p99 = report(result, title=f"round {number} ({args.concurrency} concurrent)")
            rss_after.append(memory_kib(server.process.pid))
            print(f"server RSS after round {number}: {rss_after[-1] / 1024:.0f} MiB; "
                  "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
            failures += errors > 0 or p99 >= TARGET_P99_MS
        if ingest_thread is not None:
            ingest_thread.join()
            print(f"ingestion jobs finished {ingest_outcome.get('seconds', 0):.0f} s after the first post")
        print(f"\nRSS: before {before / 1024:.0f} MiB, after each round "
              + ", ".join(f"{r / 1024:.0f}" for r in rss_after) + " MiB")
    finally:
        server.stop()
    if args.ingest:
        if not check_ingested(db, demo_articles(args.ingest), ingest_outcome.get("states", [])):
            failures += 1
        shutil.rmtree(work, ignore_errors=True)
    if args.concurrency != TARGET_CONCURRENCY or args.requests < TARGET_REQUESTS:
        print(f"\ntargets (0 errors, p99 < {TARGET_P99_MS:.0f} ms) are set for {TARGET_REQUESTS} requests at "
              f"{TARGET_CONCURRENCY} concurrent: not judged for this run")
        return 0
    print(f"\ntargets: 0 errors and p99 < {TARGET_P99_MS:.0f} ms per round: {'met' if not failures else 'MISSED'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
