"""kill -9 trials: kill `dyads ingest` (and a Dask run of it) at random moments, rerun it, and
compare the store with a clean run's, row for row.

    nice -n 10 .venv/bin/python bench/fault_trials.py                # 20 + 20 trials, prints a table
    .venv/bin/python bench/fault_trials.py --trials 3 --dask-trials 0  # a quick look

The corpus is the 30 demo articles plus an exact copy and a near copy of two of them (so
``article_copies`` and ``article_fingerprints`` get rows), coded in batches of 4 so a kill lands
mid-run. A clean run gives the reference store; each trial then

1. starts ``dyads ingest`` (with ``--cluster local -n 2`` for the Dask trials) in its own
   process group and SIGKILLs the whole group (client, Dask scheduler and workers): either at a
   random time (seeded) between start and the end of a clean run, which spreads the kills over
   start-up, the spaCy load and the batches, or from inside the ``k``-th store write a few
   milliseconds after it began (mode ``in-write``: the kill lands inside the DuckDB transaction
   or its commit);
2. opens what the kill left read-only (DuckDB replays the write-ahead log of committed
   transactions) and checks every row in it is a reference row (no half batch, no garbage);
3. reruns the same command to completion and compares every table (``articles``, ``events``,
   ``event_actors``, ``article_copies``, ``article_fingerprints``, ``meta``; all columns but
   the ``coded_at``/``seen_at`` timestamps) with the reference: rows lost and rows duplicated.

The library is not changed for the trials: ``in-write`` runs the CLI through a small wrapper
that times the kill from a thread started when ``Store.write_batch`` is called.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from dyads.errors import StoreError
from dyads.io.store import Store

TABLES: dict[str, tuple[str, ...]] = {
    "articles": ("coded_at",),
    "events": (),
    "event_actors": (),
    "article_copies": ("seen_at",),
    "article_fingerprints": (),
    "meta": (),
    "actor_index": (),
    "dyad_index": (),
    "bloc_index": (),
}
"""The store's tables and the columns left out of the comparison (wall-clock timestamps). The
index tables (``dyads.io.rollups``) are compared too: a rerun must rebuild them row for row."""

COUNTER_SUFFIX = "_index_events"
"""``meta`` keys that count how many events an index covers: a store cut short by a kill covers
fewer, which is no foreign row (the rows it covers are compared in the index tables)."""

CHILD = r"""
import os, signal, sys, threading
spec = os.environ.get("DYADS_FAULT_KILL_IN_WRITE")
if spec:
    from dyads.io.store import Store
    method, target, delay_ms = spec.split(":") if spec.count(":") == 2 else ("write_batch", *spec.split(":"))
    original = getattr(Store, method)
    calls = [0]
    def patched(self, *args, **kwargs):
        calls[0] += 1
        if calls[0] == int(target):
            threading.Timer(float(delay_ms) / 1000, lambda: os.killpg(os.getpgrp(), signal.SIGKILL)).start()
        return original(self, *args, **kwargs)
    setattr(Store, method, patched)
from dyads.cli import main
sys.argv = ["dyads", *sys.argv[1:]]
main()
"""
"""Runs ``dyads`` with its arguments; with DYADS_FAULT_KILL_IN_WRITE=k:ms it kills its own
process group ms milliseconds after the k-th ``Store.write_batch`` call began
(``write_dedup:k:ms``: the k-th ``Store.write_dedup``, the copies-and-fingerprints transaction
that follows each batch)."""


# --------------------------------------------------------------------------- corpus and command


def write_corpus(path: Path, *, n_articles: int = 30) -> Path:
    """The first ``n_articles`` demo articles, then an exact copy (another url) of the first and a
    near copy (one word changed) of the second: JSONL at ``path``."""
    with resources.as_file(resources.files("dyads") / "demo" / "articles.jsonl") as demo:
        rows = [json.loads(line) for line in demo.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[:n_articles]
    exact = {**rows[0], "id": "copy-exact", "url": "https://mirror.invalid/a", "outlet": "Mirror"}
    words = rows[1]["text"].split(" ")
    words[len(words) // 2] = "reportedly"
    near = {**rows[1], "id": "copy-near", "url": "https://mirror.invalid/b", "outlet": "Mirror", "text": " ".join(words)}
    path.write_text("".join(json.dumps(row) + "\n" for row in [*rows, exact, near]), encoding="utf-8")
    return path


def ingest_argv(corpus: Path, db: Path, *, dask: bool, batch_size: int = 4) -> list[str]:
    """``dyads ingest`` through the wrapper :data:`CHILD`."""
    argv = [sys.executable, "-c", CHILD, "ingest", str(corpus), "--db", str(db), "--set", f"nlp.batch_size={batch_size}", "-q"]
    if dask:
        argv += ["--cluster", "local", "-n", "2"]
    return argv


def code_snapshot(folder: Path) -> dict[str, str]:
    """Copy the dyads package as it is now into ``folder`` and return an environment whose runs
    import that copy: the reference and every trial then run the same code even while the
    working tree is being edited (a changed coder would make a rerun differ from the reference)."""
    import dyads

    source = Path(dyads.__file__).resolve().parent
    target = folder / "dyads"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(folder), *filter(None, [env.get("PYTHONPATH")])])
    return env


def run_to_end(argv: list[str], *, log: Path, timeout: float = 600.0, env: dict[str, str] | None = None) -> float:
    """Run a command to completion (it must succeed); returns its wall time in seconds."""
    started = time.perf_counter()
    with log.open("ab") as out:
        done = subprocess.run(argv, stdout=out, stderr=out, timeout=timeout, start_new_session=True, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[3:])} exited {done.returncode}; see {log}")
    return time.perf_counter() - started


# --------------------------------------------------------------------------- comparing stores


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def snapshot(db: Path) -> dict[str, Counter[tuple[Any, ...]]]:
    """Every row of every table (timestamps left out), as a multiset per table."""
    out: dict[str, Counter[tuple[Any, ...]]] = {}
    with Store.open(db, read_only=True) as store:
        for table, skipped in TABLES.items():
            columns = [row["column_name"] for row in store.query(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [table]
            ) if row["column_name"] not in skipped]
            if not columns:  # a store written before the table existed
                out[table] = Counter()
                continue
            rows = store.query(f"SELECT {', '.join(columns)} FROM {table}")
            if table == "meta":
                rows = [row for row in rows if not str(row.get("key", "")).endswith(COUNTER_SUFFIX)]
            out[table] = Counter(tuple(_frozen(row[c]) for c in columns) for row in rows)
    return out


def differences(reference: dict[str, Counter], got: dict[str, Counter]) -> tuple[int, int]:
    """(rows of the reference missing from ``got``, rows of ``got`` beyond the reference), over all tables."""
    lost = sum(sum((reference[t] - got[t]).values()) for t in TABLES)
    extra = sum(sum((got[t] - reference[t]).values()) for t in TABLES)
    return lost, extra


# --------------------------------------------------------------------------- one trial


@dataclass
class Trial:
    kind: str  # ingest | dask
    mode: str  # timed | in-write
    at: str  # kill time (s) or write number and delay
    killed: bool = False  # False: the run ended before the kill
    wal_bytes: int = 0  # size of the write-ahead log the kill left
    partial_articles: int = -1  # articles in the store after the kill (-1: no store file yet)
    foreign: int = 0  # rows in the killed store that are not reference rows
    lost: int = 0
    duplicated: int = 0
    strays: int = 0  # processes of the killed group still alive after the kill
    rerun_seconds: float = 0.0  # how long the rerun to completion took
    run_seconds: float = 0.0  # how long the first run lasted (to its kill or its end)
    notes: list[str] = field(default_factory=list)


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()  # state, ppid, pgrp, ...
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] not in ("Z", "X"):  # a zombie is dead, not yet reaped
            members.append(int(entry.name))
    return members


def _survivors(pgid: int, *, wait: float = 3.0) -> list[int]:
    """Processes of the killed group still alive after ``wait`` seconds (SIGKILL takes a moment to land)."""
    deadline = time.monotonic() + wait
    while (members := _group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return members


def run_trial(
    corpus: Path, work: Path, reference: dict[str, Counter], *, kind: str, mode: str, kill_after: float = 0.0,
    write_number: int = 1, delay_ms: float = 0.0, method: str = "write_batch", name: str, env: dict[str, str] | None = None,
) -> Trial:
    db = work / f"{name}.duckdb"
    log = work / f"{name}.log"
    argv = ingest_argv(corpus, db, dask=kind == "dask")
    env = dict(env if env is not None else os.environ)
    if mode == "in-write":
        env["DYADS_FAULT_KILL_IN_WRITE"] = f"{method}:{write_number}:{delay_ms:g}"
        what = "write" if method == "write_batch" else method
        trial = Trial(kind, mode, f"{what} {write_number} +{delay_ms:.0f} ms")
    else:
        trial = Trial(kind, mode, f"{kill_after:.1f} s")
    started = time.perf_counter()
    with log.open("ab") as out:
        child = subprocess.Popen(argv, stdout=out, stderr=out, env=env, start_new_session=True)
        try:
            if mode == "timed":
                try:
                    child.wait(timeout=kill_after)
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)
            child.wait(timeout=600)
        finally:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
    trial.run_seconds = time.perf_counter() - started
    trial.killed = child.returncode == -signal.SIGKILL
    strays = _survivors(child.pid)
    trial.strays = len(strays)
    for pid in strays:  # ours: the killed group's own processes (e.g. a Dask worker that outlived it)
        os.kill(pid, signal.SIGKILL)
    wal = Path(f"{db}.wal")
    trial.wal_bytes = wal.stat().st_size if wal.exists() else 0
    if db.exists():
        try:
            partial = snapshot(db)  # a read-only open replays the log of committed transactions
        except StoreError as exc:  # killed while the store was being set up: an empty DuckDB file
            if exc.code != "E603" or "empty DuckDB file" not in exc.message:
                raise
            trial.partial_articles = 0
            trial.notes.append("killed while the store was being set up (an empty DuckDB file, E603 read-only)")
        else:
            trial.partial_articles = sum(partial["articles"].values())
            trial.foreign = sum(sum((partial[t] - reference[t]).values()) for t in TABLES)
    env.pop("DYADS_FAULT_KILL_IN_WRITE", None)
    trial.rerun_seconds = run_to_end(argv, log=log, env=env)
    if wal.exists():
        trial.notes.append("WAL still there after a clean rerun")
    trial.lost, trial.duplicated = differences(reference, snapshot(db))
    return trial


# --------------------------------------------------------------------------- the table


def specs(*, rng: random.Random, batches: int) -> Iterator[dict[str, Any]]:
    """Kills, endlessly: two in three at a random fraction of a whole run's time (scaled when the
    trial starts by the latest full run's time, so a machine that speeds up or slows down still
    gets kills spread over the run), the third inside a random store write."""
    for i in itertools.count():
        if i % 3 == 2:
            yield {"mode": "in-write", "write_number": rng.randint(1, batches), "delay_ms": rng.uniform(0, 30)}
        else:
            yield {"mode": "timed", "fraction": rng.uniform(0.0, 1.0)}


def _row(trial: Trial, index: int) -> str:
    partial = "-" if trial.partial_articles < 0 else str(trial.partial_articles)
    return (
        f"| {trial.kind} | {index} | {trial.mode} | {trial.at} | {'yes' if trial.killed else 'no (ended first)'} | {partial}"
        f" | {trial.wal_bytes} | {trial.foreign} | {trial.lost} | {trial.duplicated} | {trial.strays} |"
        + (f" {'; '.join(trial.notes)}" if trial.notes else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20, help="kills of `dyads ingest` (runs that end first are not counted)")
    parser.add_argument("--dask-trials", type=int, default=20, help="kills of `dyads ingest --cluster local -n 2`")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--articles", type=int, default=30, help="demo articles in the corpus (1-30), plus two copies")
    parser.add_argument("--work", type=Path, default=None, help="folder for the stores and logs (default: a temporary one)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="dyads-faults-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        corpus = write_corpus(work / "corpus.jsonl", n_articles=args.articles)
        env = code_snapshot(work / "code")
        batches = -(-args.articles // 4)
        print(f"corpus: {args.articles} demo articles + 2 copies, batch size 4 ({batches} batches); seed {args.seed}")
        seconds = run_to_end(ingest_argv(corpus, work / "reference.duckdb", dask=False), log=work / "reference.log", env=env)
        reference = snapshot(work / "reference.duckdb")
        counts = ", ".join(f"{t} {sum(c.values())}" for t, c in reference.items())
        print(f"clean run: {seconds:.1f} s; reference rows: {counts}")
        again = work / "reference-again.duckdb"
        run_to_end(ingest_argv(corpus, again, dask=False), log=work / "reference.log", env=env)
        print("second clean run equals the first: %s" % (differences(reference, snapshot(again)) == (0, 0)))
        kinds: list[tuple[str, int, float]] = [("ingest", args.trials, seconds)]
        if args.dask_trials:
            dask_seconds = run_to_end(ingest_argv(corpus, work / "dask-clean.duckdb", dask=True), log=work / "dask-clean.log", env=env)
            lost, extra = differences(reference, snapshot(work / "dask-clean.duckdb"))
            print(f"clean Dask run: {dask_seconds:.1f} s; equals the single-process store: {(lost, extra) == (0, 0)} (lost {lost}, extra {extra})")
            kinds.append(("dask", args.dask_trials, dask_seconds))
        print()
        print("| run | trial | kill | when | killed | articles after kill | WAL bytes | foreign rows | rows lost | rows duplicated | stray processes |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        totals: Counter[str] = Counter()
        estimate = {kind: duration for kind, _, duration in kinds}  # seconds of a whole run, kept up to date
        wanted = {kind: n for kind, n, _ in kinds}
        streams = {kind: specs(rng=rng, batches=batches) for kind in wanted}
        index = 0
        # the kinds take turns until each has its number of kills (a run that ends before its
        # kill time is shown but not counted; at most twice the number of tries)
        while any(totals[f"{k} killed"] < n and totals[f"{k} trials"] < 2 * n for k, n in wanted.items()):
            index += 1
            for kind, n in wanted.items():
                if totals[f"{kind} killed"] >= n or totals[f"{kind} trials"] >= 2 * n:
                    continue
                spec = dict(next(streams[kind]))
                if spec["mode"] == "timed":
                    spec["kill_after"] = spec.pop("fraction") * estimate[kind]
                trial = run_trial(corpus, work, reference, kind=kind, name=f"{kind}-{index}", env=env, **spec)
                print(_row(trial, index), flush=True)
                if not trial.killed:  # the run was a whole run
                    estimate[kind] = trial.run_seconds
                elif trial.partial_articles <= 0:  # nothing was stored: the rerun was a whole run
                    estimate[kind] = trial.rerun_seconds
                totals[f"{kind} trials"] += 1
                totals[f"{kind} killed"] += trial.killed
                totals[f"{kind} with WAL"] += trial.killed and trial.wal_bytes > 0
                totals[f"{kind} mid-run"] += trial.killed and trial.partial_articles > 0
                for key in ("lost", "duplicated", "foreign", "strays"):
                    totals[f"{kind} {key}"] += getattr(trial, key)
        print()
        for kind in wanted:
            print(
                f"{kind}: {totals[kind + ' trials']} trials, {totals[kind + ' killed']} killed before the end"
                f" ({totals[kind + ' mid-run']} after some batches were committed, {totals[kind + ' with WAL']} left a WAL),"
                f" {totals[kind + ' trials'] - totals[kind + ' killed']} ended before their kill time;"
                f" rows lost {totals[kind + ' lost']}, duplicated {totals[kind + ' duplicated']},"
                f" foreign rows after a kill {totals[kind + ' foreign']}, stray processes {totals[kind + ' strays']}"
            )

if __name__ == "__main__":
    main()
