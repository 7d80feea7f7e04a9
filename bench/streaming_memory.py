"""Peak memory of `dyads ingest` as the corpus grows: does it stay flat?

Builds corpora from the 2,641-article news corpus (../shared/data/corpus/news_articles.jsonl) and
runs `dyads ingest` on each into a fresh store, in a child process, reporting the child's peak
RSS (``os.wait4``'s ``ru_maxrss``) and its wall time:

* **copies**: the corpus repeated to ``--copies-to`` articles (50,000). Every repeat keeps the text
  and gets its own id and url, like a wire story republished by many outlets: the first 2,641 are
  coded, the rest are exact copies recorded in ``article_copies`` without coding. Measured at
  2,641 and at ``--copies-to`` articles.
* **coded**: the corpus at ``--multiples`` (1, 4, 8) times its size, each repeat made distinct
  with a last line "Copy N." so that every article is coded (``ingest.dedup = "exact"``, as the
  near-copy finder would rightly take these for copies). The slope between the smallest and the
  largest run is the memory that grows per article coded.

Coding is the slow part (about 10 articles/s per core on full texts here), so by default each
article is cut to its first ``--chars`` characters (at a word end) and coded with rules only
(``classifier.model = "none"``); ``--chars 0`` keeps full texts. What is kept per article by the
run (ids, the copy-finding index) does not depend on the text's length; what is held per batch
does, and it is bounded by ``nlp.batch_size``.

Also measures the copy-finding index alone (:class:`dyads.io.dedup.Deduplicator`, no spaCy): its
memory per indexed article in near and exact mode, and that ``ingest.dedup_window`` bounds it.

    nice -n 10 .venv/bin/python bench/streaming_memory.py
    nice -n 10 .venv/bin/python bench/streaming_memory.py --only index     # the index alone, minutes
    nice -n 10 .venv/bin/python bench/streaming_memory.py --only coded --coded-base 500   # 500, 2,000, 4,000 coded
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "news_articles.jsonl"
DYADS = [sys.executable, "-m", "dyads.cli"]


def load(chars: int) -> list[dict]:
    records = []
    with CORPUS.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            text = record["text"]
            if chars and len(text) > chars:
                cut = text.rfind(" ", 0, chars)
                text = text[: cut if cut > chars // 2 else chars]
            records.append({k: record.get(k) for k in ("id", "title", "url", "outlet")} | {"published": record.get("date"), "text": text})
    return records


def write_corpus(path: Path, records: list[dict], n: int, *, distinct: bool) -> None:
    """``n`` articles: the records again and again; repeat k > 0 gets its own id and url (and,
    ``distinct``, a last line "Copy k." so its text differs)."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            k, record = divmod(i, len(records))
            record = dict(records[record])
            if k:
                record["id"] = f"{record['id']}~{k}"
                record["url"] = f"{record['url'] or 'https://example.org/story'}?copy={k}"
                if distinct:
                    record["text"] = f"{record['text']}\nCopy {k}."
            out.write(json.dumps(record) + "\n")


def ingest(corpus: Path, db: Path, sets: list[str]) -> dict:
    """Run `dyads ingest` in a child; its peak RSS (MiB), wall time and what it stored."""
    args = [*DYADS, "ingest", str(corpus), "--db", str(db), "-q", "-n", "1"]
    for item in sets:
        args += ["--set", item]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: a long problem list must not block the child
        child = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
        reading = {"peak_kb": 0}
        watcher = threading.Thread(target=_watch_reading, args=(child.pid, corpus, reading), daemon=True)
        watcher.start()
        _, status, usage = os.wait4(child.pid, 0)
        watcher.join(timeout=5)
        seconds = time.perf_counter() - started
        log.seek(0)
        lines = log.read().decode(errors="replace").splitlines()
    if status != 0:
        raise SystemExit(f"dyads ingest failed ({status}): {lines[-20:]}")
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    counts = {f"stored_{table}": con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("articles", "events", "article_copies")}
    con.close()
    return {"peak_rss_mib": round(usage.ru_maxrss / 1024, 1), "peak_rss_while_reading_mib": round(reading["peak_kb"] / 1024, 1),
            "seconds": round(seconds, 1), "problems_printed": len(lines), **counts}


def _watch_reading(pid: int, corpus: Path, seen: dict) -> None:
    """Peak RSS (VmHWM) of ``pid`` up to the last moment it still had ``corpus`` open (sampled twice a second)."""
    target = str(corpus.resolve())
    while True:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            fds = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            return
        if target in fds:
            seen["peak_kb"] = int(status.split("VmHWM:")[1].split()[0])
        time.sleep(0.5)


def run_case(name: str, records: list[dict], sizes: list[int], *, distinct: bool, sets: list[str], work: Path) -> list[dict]:
    rows = []
    for n in sizes:
        corpus = work / f"{name}-{n}.jsonl"
        write_corpus(corpus, records, n, distinct=distinct)
        result = {"case": name, "articles": n, **ingest(corpus, work / f"{name}-{n}.duckdb", sets)}
        print(json.dumps(result), flush=True)
        rows.append(result)
        corpus.unlink()
    first, last = rows[0], rows[-1]
    if len(rows) > 1:
        slope = (last["peak_rss_mib"] - first["peak_rss_mib"]) / ((last["articles"] - first["articles"]) / 1000)
        print(f"{name}: peak RSS {first['peak_rss_mib']} MiB at {first['articles']:,} articles, {last['peak_rss_mib']} MiB at "
              f"{last['articles']:,}: slope {slope:.2f} MiB per 1,000 articles", flush=True)
    return rows


def index_memory(records: list[dict], n: int, mode: str, window: int) -> None:
    """Memory the copy-finding index takes per article (RSS growth of this process)."""
    from dyads.io.dedup import Deduplicator

    def rss_mb() -> float:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6

    finder = Deduplicator(mode=mode, window=window)  # type: ignore[arg-type]
    texts = [f"{records[i % len(records)]['text']} {' '.join(f'w{i}y{m}' for m in range(40))}" for i in range(n)]
    before = rss_mb()
    started = time.perf_counter()
    for i, text in enumerate(texts):  # distinct texts: every one ends with 40 words of its own
        finder.check(f"a{i}", text)
    grown = rss_mb() - before
    print(json.dumps({"index": mode, "window": window, "articles": n, "indexed": len(finder), "rss_growth_mb": round(grown, 1),
                      "kb_per_indexed_article": round(grown * 1000 / max(len(finder), 1), 2),
                      "seconds": round(time.perf_counter() - started, 1)}), flush=True)


def store_memory(work: Path, n: int) -> None:
    """What DuckDB keeps while rows are appended: ``n`` copy rows written in batches of 500 to a fresh store."""
    from dyads.io.dedup import ArticleCopy
    from dyads.io.store import Store

    def status(field: str) -> float:
        return int(Path("/proc/self/status").read_text().split(f"{field}:")[1].split()[0]) / 1024

    with Store.open(work / "copies-only.duckdb") as store:
        before = status("VmRSS")
        for start in range(0, n, 500):
            copies = [
                ArticleCopy(id=f"copy-{i:08d}-of-a-wire-story", article_id="a1", kind="exact", similarity=1.0,
                            url=f"https://example.org/{i}", outlet="Wire", title="A title of a story")
                for i in range(start, min(start + 500, n))
            ]
            store.write_dedup(copies=copies, fingerprints=[], scheme=None)
        grown = status("VmRSS") - before
        memory = {row["tag"]: round(row["m"] / 2**20, 1) for row in store.query(
            "SELECT tag, memory_usage_bytes AS m FROM duckdb_memory() WHERE memory_usage_bytes > 0", [])}
        peak_open = status("VmHWM")
    print(json.dumps({"store_rows": n, "rss_growth_mib": round(grown, 1), "duckdb_memory_mib": memory,
                      "peak_rise_at_close_mib": round(status("VmHWM") - peak_open, 1)}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chars", type=int, default=300, help="cut each article to this many characters (0: full text)")
    parser.add_argument("--copies-to", type=int, default=50_000, help="size of the repeated corpus of exact copies")
    parser.add_argument("--multiples", default="1,4,8", help="sizes of the coded case, in multiples of --coded-base")
    parser.add_argument("--coded-base", type=int, default=0, help="articles of the corpus the coded case starts from (0: all 2,641)")
    parser.add_argument("--copies-sizes", default="", help="sizes of the copies case (default: the corpus size and --copies-to)")
    parser.add_argument("--index-articles", type=int, default=50_000, help="articles put through the index alone")
    parser.add_argument("--only", choices=("copies", "coded", "index", "store"), action="append", help="run only these parts")
    parser.add_argument("--index-mode", help=argparse.SUPPRESS)  # mode:window, measured in a child of its own
    args = parser.parse_args()
    if args.index_mode:
        mode, window = args.index_mode.split(":")
        index_memory(load(args.chars), args.index_articles, mode, int(window))
        return
    if not CORPUS.is_file():
        raise SystemExit(f"the news corpus is missing: {CORPUS} (see ../shared/data/README.md)")
    parts = set(args.only or ("copies", "coded", "index", "store"))
    records = load(args.chars)
    base = len(records)
    rules_only = ["classifier.model=none"]
    print(f"corpus: {base} articles, texts cut to {args.chars or 'full'} characters; `dyads ingest -n 1 --set {rules_only[0]}`", flush=True)
    with tempfile.TemporaryDirectory(prefix="dyads-stream-") as tmp:
        work = Path(tmp)
        if "index" in parts:
            for mode in ("exact:0", "near:0", f"near:{args.index_articles // 10}"):
                subprocess.run([sys.executable, __file__, "--index-mode", mode, "--chars", str(args.chars),
                                "--index-articles", str(args.index_articles)], check=True)
        if "store" in parts:
            store_memory(work, 50_000)
        if "copies" in parts:
            sizes = [int(n) for n in args.copies_sizes.split(",")] if args.copies_sizes else [base, args.copies_to]
            run_case("copies", records, sizes, distinct=False, sets=rules_only, work=work)
        if "coded" in parts:
            start = records[: args.coded_base] if args.coded_base else records
            sizes = [len(start) * int(m) for m in args.multiples.split(",")]
            run_case("coded", start, sizes, distinct=True, sets=[*rules_only, "ingest.dedup=exact"], work=work)


if __name__ == "__main__":
    main()
