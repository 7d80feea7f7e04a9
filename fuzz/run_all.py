"""Run every fuzz target with atheris for a number of executions or seconds, and print a table of
executions and crashes per target.

    nice -n 10 .venv/bin/python fuzz/run_all.py --seconds 60            # each target 60 s
    .venv/bin/python fuzz/run_all.py --execs 2000 --only dates jsonl    # two targets, 2,000 runs each

Each target runs in its own process on a fresh copy of its seed corpus (fuzz/corpus/<target>/
is read, never written); new inputs the fuzzer keeps go to a temporary folder. Crashing inputs
are saved under ``--crash-dir``/<target>/ (default: the system temp folder, dyads-fuzz/crashes).
The exit status is 1 when any target crashed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FUZZ_DIR = Path(__file__).resolve().parent
TARGETS = ("jsonl", "csv", "text", "html", "feed", "stream", "archive", "dates", "gazetteer", "actorfile")


def run_target(target: str, *, execs: int, seconds: float, crash_dir: Path, seed: int, work: Path) -> dict[str, object]:
    """Fuzz one target in a child process; its counts (executions, crashes, unique crash kinds)."""
    corpus = work / target
    corpus.mkdir(parents=True)
    stats = work / f"{target}.json"
    command = [
        sys.executable,
        str(FUZZ_DIR / f"fuzz_{target}.py"),
        f"--execs={execs}",
        f"--seconds={seconds}",
        f"--stats={stats}",
        f"--crash-dir={crash_dir}",
        f"-seed={seed}",
        str(corpus),
        str(FUZZ_DIR / "corpus" / target),
    ]
    started = time.monotonic()
    # the child stops itself; the margin covers instrumenting the imports and loading the seeds
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 300, check=False)
    result: dict[str, object] = {"target": target, "executions": 0, "crashes": 0, "unique_crashes": {}}
    if stats.exists():
        result.update(json.loads(stats.read_text(encoding="utf-8")))
    result["wall_s"] = round(time.monotonic() - started, 1)
    result["kept_inputs"] = sum(1 for _ in corpus.iterdir())
    if done.returncode != 0:  # libFuzzer stopped the process: a hard timeout, out of memory or a signal
        result["crashes"] = int(result["crashes"]) + 1  # type: ignore[call-overload]
        tail = "\n".join(done.stderr.splitlines()[-15:])
        result["unique_crashes"] = {**result["unique_crashes"], f"process exit {done.returncode}": tail}  # type: ignore[dict-item]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--execs", type=int, default=0, help="executions per target (0: no cap, use --seconds)")
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds per target")
    parser.add_argument("--only", nargs="*", choices=TARGETS, help="run only these targets")
    parser.add_argument("--seed", type=int, default=1, help="libFuzzer random seed")
    parser.add_argument("--crash-dir", type=Path, default=Path(tempfile.gettempdir()) / "dyads-fuzz" / "crashes")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dyads-fuzz-run-"))
    results = []
    try:
        print(f"{'target':<10} {'executions':>10} {'crashes':>8} {'kinds':>6} {'seconds':>8} {'kept':>6}", flush=True)
        for target in args.only or TARGETS:
            row = run_target(target, execs=args.execs, seconds=args.seconds, crash_dir=args.crash_dir, seed=args.seed, work=work)
            results.append(row)
            kinds = row["unique_crashes"]
            print(
                f"{target:<10} {row['executions']:>10} {row['crashes']:>8} {len(kinds):>6} {row['wall_s']:>8} {row['kept_inputs']:>6}",  # type: ignore[arg-type]
                flush=True,
            )
            for kind, where in kinds.items():  # type: ignore[union-attr]
                print(f"    {kind}: {where}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total_execs = sum(int(r["executions"]) for r in results)  # type: ignore[call-overload]
    total_crashes = sum(int(r["crashes"]) for r in results)  # type: ignore[call-overload]
    print(f"{'total':<10} {total_execs:>10} {total_crashes:>8}")
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 1 if total_crashes else 0


if __name__ == "__main__":
    sys.exit(main())
