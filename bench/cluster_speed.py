"""Throughput of coding on a Dask LocalCluster vs. one process and vs. the n_process pool.

    python bench/cluster_speed.py [--n 400] [--workers 2] [--batch-size 32] [--repeat 2] [--set key=value]

Five sides on the same first N articles of ../shared/data/corpus/news_articles.jsonl, each in
its own child process, interleaved, best of ``--repeat`` runs per side:

- single: the default dyads pipeline in one process (``dyads.pipeline.run``, n_process 1);
- procs:  the same with ``--workers`` processes (``nlp.n_process``, the worker pool);
- dask:   ``dyads.cluster.code_on_cluster`` on a LocalCluster of ``--workers`` worker processes;
- bare:   bare spaCy parsing with ``--workers`` processes (``nlp.pipe(n_process=...)``);
- bare_tuned: the same with the parse settings dyads uses (``nlp.attribute_lookup``, ``nlp.matmul``:
  the same annotations, computed faster), so that the last ratio is what dyads' own stages cost.

Model loading is left out of the timed part on every side, as in bench/throughput.py (whose
helpers this reuses): the dask side times starting the cluster and loading the model on its
workers (a one-article warm-up run) apart, as "start-up". CPU seconds are the side's whole
process tree (its own and its reaped children's user + system time), model loading included.
Prints articles/s, the ratio dask / procs (issue #7 asks >= 0.85) and procs / bare spaCy with
the same number of processes (>= 0.8), then against bare spaCy with dyads' parse settings.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import CORPUS, _date, load_articles, peak_rss_mb, run_bare, run_dyads  # noqa: E402

SIDES = {
    "single": "dyads, 1 process", "procs": "dyads, n_process", "dask": "dyads, Dask", "bare": "bare spaCy, n_process",
    "bare_tuned": "bare spaCy as dyads parses",
}


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def worker_rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def run_dask(rows: list[dict], workers: int, batch_size: int, sets: list[str]) -> dict:
    from distributed import Client

    from dyads.cluster import code_on_cluster, local_cluster
    from dyads.config import load_config, parse_override
    from dyads.records import Article

    settings = load_config(overrides={"nlp.batch_size": batch_size, **dict(parse_override(item) for item in sets)})
    articles = [
        Article.create(text=row["text"], url=row.get("url"), published=_date(row.get("date") or row.get("published")))
        for row in rows
    ]
    started = time.perf_counter()
    with local_cluster(workers) as cluster:  # the one `--cluster local` starts
        cluster_up = time.perf_counter() - started
        # loads the model on every worker (the plugin stays registered for the timed run)
        list(code_on_cluster(articles[:1], settings=settings, address=cluster.scheduler_address))
        startup = time.perf_counter() - started
        start = time.perf_counter()
        n_events = sum(len(events) for _, events in code_on_cluster(articles, settings=settings, address=cluster.scheduler_address))
        seconds = time.perf_counter() - start
        with Client(cluster, set_as_default=False) as client:
            rss = client.run(worker_rss_mb)
    return {
        "seconds": seconds, "tokens": None, "events": n_events, "cluster_up": cluster_up, "startup": startup,
        "worker_rss_mb": max(rss.values()),
    }


def child(mode: str, n: int, workers: int, batch_size: int, sets: list[str]) -> None:
    rows = load_articles(n)
    if mode == "single":
        result = run_dyads(rows, 1, batch_size, sets=sets)
    elif mode == "procs":
        # The pool's workers start from a forkserver and load the model themselves (dyads.pipeline),
        # inside run(): a fresh pool coding one article per worker measures that start-up, which is
        # left out of the articles/s as the dask side's is.
        startup = run_dyads(rows[:workers], workers, 1, sets=sets)["seconds"]
        result = run_dyads(rows, workers, batch_size, sets=sets)
        result.update(seconds=result["seconds"] - startup, startup=startup)
    elif mode == "dask":
        result = run_dask(rows, workers, batch_size, sets)
    else:
        result = run_bare(rows, workers, batch_size, as_dyads_parses=mode == "bare_tuned")
    result.update(articles=len(rows), peak_rss_mb=peak_rss_mb(), cpu_seconds=cpu_seconds())
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=400, help="articles to code (default 400)")
    parser.add_argument("--workers", type=int, default=2, help="processes of the procs, dask and bare sides (default 2)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=2, help="runs per side, interleaved; the fastest counts (default 2)")
    parser.add_argument("--set", action="append", default=[], help="dyads setting for the three dyads sides, e.g. classifier.model=none")
    parser.add_argument("--child", choices=list(SIDES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.n, args.workers, args.batch_size, args.set)
        return
    if not CORPUS.exists():
        sys.exit(f"corpus not found at {CORPUS}: put the shared data beside the project (../shared)")
    results: dict[str, dict] = {}
    for _ in range(args.repeat):
        for mode in SIDES:  # interleaved, so a busy spell on the machine hits every side
            out = subprocess.run(
                [sys.executable, __file__, "--child", mode, "--n", str(args.n), "--workers", str(args.workers),
                 "--batch-size", str(args.batch_size), *(f"--set={item}" for item in args.set)],
                check=True, capture_output=True, text=True,
            )
            run = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"  {mode}: {run['articles'] / run['seconds']:.2f} articles/s", file=sys.stderr, flush=True)
            if mode not in results or run["seconds"] < results[mode]["seconds"]:
                results[mode] = run
    print(f"articles: {results['single']['articles']}, workers: {args.workers}, batch_size: {args.batch_size}, "
          f"best of {args.repeat} runs per side" + (f", {' '.join(args.set)}" if args.set else ""))
    print(f"{'side':<24}{'articles/s':>12}{'seconds':>10}{'CPU s':>9}{'peak RSS MB':>13}{'events':>8}")
    for mode, label in SIDES.items():
        r = results[mode]
        print(f"{label:<24}{r['articles'] / r['seconds']:>12.2f}{r['seconds']:>10.1f}{r['cpu_seconds']:>9.1f}"
              f"{r['peak_rss_mb']:>13.0f}{'' if r['events'] is None else r['events']:>8}")
    dask = results["dask"]
    print(f"dask start-up (not in its articles/s): cluster {dask['cluster_up']:.1f} s, with the model on every worker {dask['startup']:.1f} s; "
          f"largest worker RSS after the run {dask['worker_rss_mb']:.0f} MB")
    print(f"n_process start-up (not in its articles/s): a pool with the model on every worker {results['procs']['startup']:.1f} s")
    print(f"ratio dask / n_process (throughput): {results['procs']['seconds'] / dask['seconds']:.2f}  (target >= 0.85)")
    print(f"ratio n_process / bare spaCy n_process (throughput): {results['bare']['seconds'] / results['procs']['seconds']:.2f}  (target >= 0.8)")
    print(f"ratio n_process / bare spaCy n_process with dyads' parse settings (throughput): "
          f"{results['bare_tuned']['seconds'] / results['procs']['seconds']:.2f}  (what dyads' own stages cost)")
    print(f"ratio n_process / 1 process (throughput): {results['single']['seconds'] / results['procs']['seconds']:.2f}")


if __name__ == "__main__":
    main()
