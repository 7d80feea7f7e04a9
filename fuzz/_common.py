"""Shared pieces of the fuzz targets: what counts as a crash, reading fuzz bytes as an input file,
and the atheris main loop that keeps going after a crash and writes its counts to a JSON file.

A target module defines ``check(data: bytes) -> None``: it feeds ``data`` to one part of dyads and
raises when the outcome breaks a rule (any exception other than a :class:`dyads.errors.DyadsError`
escaping the code under test, or a broken property such as an article with empty text). Run one
target with ``python fuzz/fuzz_<name>.py [--execs N] [--seconds T] [libFuzzer flags] [corpus dirs]``;
``fuzz/run_all.py`` runs them all. ``tests/test_fuzz_targets.py`` runs every ``check`` on its seed
corpus without atheris.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import json
import os
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from dyads.errors import DyadsError

FUZZ_DIR = Path(__file__).resolve().parent
CORPUS_DIR = FUZZ_DIR / "corpus"


class PropertyBroken(AssertionError):
    """A fuzz input made dyads return something it must never return."""


class Hang(Exception):
    """One input took longer than the per-input CPU budget."""


def expect(condition: bool, message: str) -> None:
    """Raise :class:`PropertyBroken` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise PropertyBroken(message)


def seeds(target: str) -> list[Path]:
    """The seed files of a target, sorted by name."""
    folder = CORPUS_DIR / target
    return sorted(path for path in folder.iterdir() if path.is_file()) if folder.is_dir() else []


class Scratch:
    """One private temporary folder per process; each input is written to the same few paths."""

    def __init__(self) -> None:
        base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
        self._dir = tempfile.TemporaryDirectory(prefix="dyads-fuzz-", dir=base)
        self.root = Path(self._dir.name)

    def write(self, name: str, data: bytes) -> Path:
        path = self.root / name
        path.write_bytes(data)
        return path

    def close(self) -> None:
        self._dir.cleanup()


_SCRATCH: list[Scratch] = []


def scratch() -> Scratch:
    """The process's scratch folder (made on first use, removed at exit by TemporaryDirectory)."""
    if not _SCRATCH:
        _SCRATCH.append(Scratch())
    return _SCRATCH[0]


def signature(exc: BaseException) -> str:
    """A short, stable name for a crash: exception type and the innermost dyads frame (else the last)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/dyads/" in f.filename or "/fuzz/" in f.filename and "_common" not in f.filename]
    frame = (ours or frames or [None])[-1]
    where = f"{Path(frame.filename).name}:{frame.lineno}" if frame is not None else "?"
    return f"{type(exc).__name__} at {where}"


@contextlib.contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` when the block uses more than ``seconds`` of CPU time (SIGVTALRM,
    so libFuzzer's own SIGALRM timeout stays in place as the hard limit)."""

    def on_alarm(signum: int, frame: object) -> None:
        raise Hang(f"input used more than {seconds:g} CPU seconds")

    previous = signal.signal(signal.SIGVTALRM, on_alarm)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


def run_one(check: Callable[[bytes], None], data: bytes, *, budget: float) -> str | None:
    """Run ``check`` on one input: None when it passed, else the crash signature."""
    try:
        with cpu_budget(budget):
            check(data)
    except DyadsError:
        return None
    except Exception as exc:  # noqa: BLE001 - any other exception is what a fuzzer looks for
        return signature(exc)
    return None


def main(
    check: Callable[[bytes], None],
    *,
    target: str,
    modules: tuple[str, ...],
    include: tuple[str, ...] = ("dyads",),
    max_len: int = 65536,
) -> None:
    """The atheris entry point of a target (keeps going after a crash; writes counts to ``--stats``).

    ``modules`` are imported with coverage instrumentation for every module whose name starts with
    one of ``include`` (dyads and the parser library the target drives); nothing else is
    instrumented, which keeps start-up to seconds. The clock starts at the first execution.
    """
    parser = argparse.ArgumentParser(description=f"coverage-guided fuzzing of dyads: {target}")
    parser.add_argument("--execs", type=int, default=0, help="stop after this many executions (0: no cap)")
    parser.add_argument("--seconds", type=float, default=60.0, help="stop after this many seconds")
    parser.add_argument("--budget", type=float, default=10.0, help="CPU seconds one input may use (more is a hang)")
    parser.add_argument("--stats", type=Path, default=None, help="write {executions, crashes, ...} here as JSON")
    parser.add_argument("--crash-dir", type=Path, default=Path(tempfile.gettempdir()) / "dyads-fuzz" / "crashes")
    ours, rest = parser.parse_known_args()

    import atheris  # imported here: the seed-corpus test runs the targets without it

    crash_dir = ours.crash_dir / target
    crash_dir.mkdir(parents=True, exist_ok=True)
    state: dict[str, Any] = {"target": target, "executions": 0, "crashes": 0, "unique": {}, "started": None}

    def save_stats() -> None:
        if ours.stats is None:
            return
        elapsed = time.monotonic() - (state["started"] or time.monotonic())
        payload = {
            "target": target,
            "executions": state["executions"],
            "crashes": state["crashes"],
            "unique_crashes": state["unique"],
            "seconds": round(elapsed, 1),
        }
        ours.stats.write_text(json.dumps(payload, indent=1), encoding="utf-8")

    last_save = [time.monotonic()]

    def one_input(data: bytes) -> None:
        if state["started"] is None:
            state["started"] = time.monotonic()
        state["executions"] += 1
        found = run_one(check, data, budget=ours.budget)
        if found is not None:
            state["crashes"] += 1
            if found not in state["unique"]:
                digest = hashlib.sha1(data).hexdigest()[:16]
                (crash_dir / f"crash-{digest}").write_bytes(data)
                state["unique"][found] = f"{crash_dir}/crash-{digest}"
                print(f"\n== CRASH {target}: {found} (input saved to {crash_dir}/crash-{digest})", file=sys.stderr)
        now = time.monotonic()
        done = (ours.execs and state["executions"] >= ours.execs) or now - state["started"] >= ours.seconds
        if done or now - last_save[0] > 2.0:
            save_stats()
            last_save[0] = now
        if done:
            sys.stderr.flush()
            sys.stdout.flush()
            os._exit(0)

    with atheris.instrument_imports(include=list(include)):
        for name in modules:
            importlib.import_module(name)
    args = [sys.argv[0], *rest, "-runs=-1", f"-max_len={max_len}", "-timeout=120", "-print_final_stats=0"]
    atheris.Setup(args, one_input)
    atheris.Fuzz()


# --------------------------------------------------------------------------- readers


def read_file_bytes(data: bytes, *, filename: str, fmt: str | None = None, **options: object) -> list[object]:
    """Every item :func:`dyads.io.readers.read_articles` yields for ``data`` saved as ``filename``,
    after checking the properties every reader must keep (:func:`check_items`)."""
    from dyads.io.readers import read_articles

    path = scratch().write(filename, data)
    items = list(read_articles(path, fmt=fmt, **options))  # type: ignore[arg-type]
    check_items(items, name=str(path))
    return items


def check_items(items: list[object], *, name: str) -> None:
    """Properties of a reader's output: only Articles and Problems; no Article with empty text;
    every Problem names the input (``where`` starts with its name) and has a code and a reason;
    something comes out for any input (at least a Problem saying why nothing was read)."""
    from dyads.records import Article, Problem

    expect(bool(items), f"{name}: the reader yielded nothing at all (not even a Problem)")
    for item in items:
        expect(isinstance(item, (Article, Problem)), f"{name}: yielded a {type(item).__name__}")
        if isinstance(item, Article):
            expect(bool(item.text.strip()), f"{name}: an Article with empty text ({item.origin})")
            expect(bool(item.id), f"{name}: an Article without an id")
            expect(item.origin is None or item.origin.startswith(name), f"origin {item.origin!r} does not name {name}")
        else:
            expect(item.where.startswith(name), f"problem where={item.where!r} does not name {name}")
            expect(bool(item.code) and item.code.startswith("E"), f"problem without a code: {item!r}")
            expect(bool(item.reason.strip()), f"problem without a reason: {item!r}")
