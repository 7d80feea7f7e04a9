"""Streaming: a stopped ingest resumes to a clean run's store; bounded per-run state; input bytes for the progress bar.

Memory figures are measured by bench/streaming_memory.py, not here. The resume tests code a few
short articles of ours with one rules-only pipeline (cached per settings in the process).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from dyads.config import Settings, load_config
from dyads.ingest import (
    RECENT_IDS,
    RunReport,
    deduplicator,
    ingest_sources,
    load_fingerprints,
    read_sources,
)
from dyads.io.dedup import Deduplicator
from dyads.io.readers import ReadPosition, folder_files, input_bytes, read_articles
from dyads.io.store import Store
from short_stories import STORIES


class Interrupt(Exception):
    """Stands for the run being stopped (Ctrl-C, a crash) right after a committed batch."""


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_config(overrides={"classifier.model": "none", "nlp.batch_size": 2})


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """Eight stories, a repeat of one (same id) and a wire copy of another (same text, other id)."""
    rows = [{"id": f"s{i}", "text": text, "outlet": "Wire", "published": "2024-05-06"} for i, text in enumerate(STORIES)]
    rows.insert(3, dict(rows[1]))
    rows.insert(6, {**rows[0], "id": "copy-of-s0", "outlet": "Herald"})
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def tables(db: Path) -> dict[str, list[tuple]]:
    """Every row a run writes, in a fixed order (copies' seen_at times aside)."""
    queries = {
        "articles": "SELECT id, title, url, outlet, published, n_events FROM articles ORDER BY id",
        "events": "SELECT id, article_id, cameo_code, status, date, record FROM events ORDER BY id",
        "event_actors": "SELECT event_id, role, position, label FROM event_actors ORDER BY ALL",
        "article_copies": "SELECT id, article_id, kind, similarity, outlet FROM article_copies ORDER BY id",
        "article_fingerprints": "SELECT article_id, text_hash, minhash FROM article_fingerprints ORDER BY article_id",
    }
    with Store.open(db, read_only=True) as store:
        return {name: [tuple(row.values()) for row in store.query(sql, [])] for name, sql in queries.items()}


@pytest.mark.parametrize("stop_after", [1, 3])
def test_a_run_stopped_after_some_batches_resumes_to_a_clean_runs_store(tmp_path: Path, corpus: Path, settings: Settings, stop_after: int) -> None:
    batches = {"n": 0}

    def progress(n_articles: int, n_events: int) -> None:
        batches["n"] += 1
        if batches["n"] == stop_after:
            raise Interrupt

    stopped = tmp_path / "stopped.duckdb"
    with pytest.raises(Interrupt):
        ingest_sources([corpus], db=stopped, settings=settings, on_progress=progress)
    assert len(tables(stopped)["articles"]) == 2 * stop_after  # whole batches only

    resumed = ingest_sources([corpus], db=stopped, settings=settings)
    assert resumed.already_stored == 2 * stop_after + (1 if stop_after == 3 else 0)  # the copy was recorded by then
    assert resumed.new_articles == len(STORIES) - 2 * stop_after

    clean = tmp_path / "clean.duckdb"
    report = ingest_sources([corpus], db=clean, settings=settings)
    assert (report.new_articles, report.duplicates_in_input, report.exact_copies) == (len(STORIES), 1, 1)
    again = ingest_sources([corpus], db=clean, settings=settings)
    assert (again.new_articles, again.new_events, again.copies_recorded) == (0, 0, 0)

    got, want = tables(stopped), tables(clean)
    assert len(want["articles"]) == len(STORIES) and len(want["article_copies"]) == 1 and want["events"]
    assert got == want  # no loss, no duplicates, row for row


def test_a_stopped_run_is_resumed_by_a_rerun_in_a_new_process(tmp_path: Path, corpus: Path) -> None:
    """The same from the command line: a child process dies after two committed batches."""
    import subprocess

    db = tmp_path / "killed.duckdb"
    script = (
        "import os, sys\n"
        "from dyads.config import load_config\n"
        "from dyads.ingest import ingest_sources\n"
        "done = []\n"
        "def progress(a, e):\n"
        "    done.append(a)\n"
        "    if len(done) == 2:\n"
        "        os._exit(9)  # no cleanup, like kill -9 right after a commit\n"
        "ingest_sources([sys.argv[1]], db=sys.argv[2], settings=load_config(overrides={'classifier.model': 'none', 'nlp.batch_size': 2}), on_progress=progress)\n"
    )
    child = subprocess.run([sys.executable, "-c", script, str(corpus), str(db)], capture_output=True, timeout=300, check=False)
    assert child.returncode == 9, child.stderr.decode()[-2000:]
    assert len(tables(db)["articles"]) == 4

    settings = load_config(overrides={"classifier.model": "none", "nlp.batch_size": 2})
    ingest_sources([corpus], db=db, settings=settings)
    clean = tmp_path / "clean.duckdb"
    ingest_sources([corpus], db=clean, settings=settings)
    assert tables(db) == tables(clean)


# ---------------------------------------------------------------------------- bounded per-run state


def test_repeats_are_dropped_within_a_bounded_window_of_ids(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    ids = ["a", "b", "a", "c", "d", "e", "a"]  # the second "a" is 2 back, the third 4 back
    path.write_text("".join(json.dumps({"id": i, "text": f"text {n}"}) + "\n" for n, i in enumerate(ids)), encoding="utf-8")
    report = RunReport()
    kept = [a.id for a in read_sources([path], report=report, max_bytes=10_000, recent_ids=3)]
    assert kept == ["a", "b", "c", "d", "e", "a"]  # the last "a" is past the window: the store or dedup catches it
    assert (report.articles_read, report.duplicates_in_input) == (7, 1)
    report = RunReport()
    assert [a.id for a in read_sources([path], report=report, max_bytes=10_000)] == ["a", "b", "c", "d", "e"]
    assert RECENT_IDS >= 10_000


def test_problems_past_the_limit_are_counted_not_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dyads.ingest

    monkeypatch.setattr(dyads.ingest, "PROBLEM_LIMIT", 5)
    path = tmp_path / "bad.jsonl"
    lines = ["{not json"] * 8 + [json.dumps({"text": "good"})] + [json.dumps({"title": "no text"})] * 4
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = RunReport()
    kept = list(read_sources([path], report=report, max_bytes=10_000))
    assert [a.text for a in kept] == ["good"]  # the good line is read whatever the problems around it
    assert len(report.problems) == 5 and [p.where for p in report.problems][:2] == [f"{path}:1", f"{path}:2"]
    assert report.n_errors + report.n_warnings == 12
    assert report.problems_not_kept == {"E101": 3, "E103": 4}  # 3 more bad lines, 4 without text


def text(n: int) -> str:
    return " ".join(f"word{n}x{k}" for k in range(60))


@pytest.mark.parametrize("mode", ["exact", "near"])
def test_the_copy_index_keeps_only_the_latest_window(mode: str) -> None:
    finder = Deduplicator(mode=mode, window=3)
    assert [finder.check(f"a{n}", text(n)).kind for n in range(5)] == ["new"] * 5
    assert len(finder) == 3
    assert finder.check("late-copy-of-a0", text(0)).kind == "new"  # forgotten: taken for a new story
    assert finder.check("copy-of-a4", text(4)).kind == "exact"
    if mode == "near":
        near = finder.check("edit-of-a3", text(3) + " and one more sentence here")
        assert near.kind == "near" and near.of == "a3"
    assert len(finder) == 3  # the late copy entered, a1 left
    assert finder.fingerprint_of("a1") is None and finder.fingerprint_of("a4") is not None
    with pytest.raises(ValueError):
        Deduplicator(window=-1)


def test_a_windowed_index_loads_the_latest_fingerprints_from_the_store(tmp_path: Path) -> None:
    full = Deduplicator()
    prints = [(f"a{n}", full.fingerprint(text(n))) for n in range(5)]
    with Store.open(tmp_path / "s.duckdb") as store:
        for item in prints:  # one write each: a0 is the oldest
            store.write_dedup(fingerprints=[item], scheme=full.scheme)
        assert [row[0] for row in store.fingerprints(scheme=full.scheme, latest=2)] == ["a3", "a4"]
        assert len(list(store.fingerprints(scheme=full.scheme))) == 5
        windowed = deduplicator(load_config(overrides={"ingest.dedup_window": 2}).ingest)
        assert windowed is not None and windowed.window == 2
        load_fingerprints(store, windowed)
    assert len(windowed) == 2
    assert windowed.check("x", text(4)).of == "a4"
    assert windowed.check("y", text(1)).kind == "new"


# ---------------------------------------------------------------------------- input bytes (progress bar)


def test_the_read_position_reaches_the_input_size(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    rows = "".join(json.dumps({"text": f"story number {n} " * 20}) + "\n" for n in range(200))
    (folder / "a.jsonl").write_text(rows, encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("A short story about a harbour.\n", encoding="utf-8")
    (folder / ".hidden.txt").write_text("not read", encoding="utf-8")
    (folder / "notes.bin").write_bytes(b"\0" * 1000)
    sizes = [p.stat().st_size for p in folder_files(folder)]
    assert input_bytes([folder]) == sum(sizes) and len(sizes) == 2
    assert input_bytes([folder / "a.jsonl", folder / "sub" / "b.txt"]) == sum(sizes)
    assert input_bytes([folder, "-"]) is None and input_bytes(["https://example.org/feed.xml"]) is None

    position = ReadPosition()
    seen: list[int] = []
    for item in read_articles(folder, position=position):
        seen.append(position.bytes_read)
    assert len(seen) == 201
    assert seen == sorted(seen) and 0 < seen[0] < seen[100] < sizes[0]  # moves while the big file is read
    assert position.bytes_read == sum(sizes)


def test_copies_are_written_as_they_come_not_all_at_the_end(tmp_path: Path, settings: Settings, monkeypatch) -> None:
    """A long run of wire reprints with nothing coded between them is written in chunks."""
    import dyads.ingest

    rows = [{"id": "story", "text": STORIES[0]}] + [{"id": f"reprint-{n}", "text": STORIES[0], "outlet": f"Outlet {n}"} for n in range(7)]
    path = tmp_path / "wire.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    sizes: list[int] = []
    write_dedup = Store.write_dedup

    def spy(self, **kwargs):
        sizes.append(len(kwargs.get("copies") or []))
        return write_dedup(self, **kwargs)

    monkeypatch.setattr(Store, "write_dedup", spy)
    monkeypatch.setattr(dyads.ingest, "COPY_CHUNK", 3)
    report = ingest_sources([path], db=tmp_path / "s.duckdb", settings=settings)
    assert (report.new_articles, report.exact_copies, report.copies_recorded) == (1, 7, 7)
    assert max(sizes) <= 3 and sum(sizes) == 7
    assert [row[1] for row in tables(tmp_path / "s.duckdb")["article_copies"]] == ["story"] * 7
