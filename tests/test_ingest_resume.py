"""kill -9 in the middle of an ingest, then rerun: the store equals a clean run's, row for row."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from importlib import resources
from pathlib import Path

from dyads.config import load_config
from dyads.ingest import ingest_sources
from dyads.io.store import Store

DEMO = resources.files("dyads") / "demo" / "articles.jsonl"

# Codes the demo in batches of 4 and prints a line after each committed batch; the parent kills
# it while a later batch is being coded. (tests/test_store.py kills a writer mid-transaction.)
WORKER = """
import sys, time
from dyads.config import load_config
from dyads.ingest import ingest_sources
def progress(n_articles, n_events):
    print("batch", n_articles, n_events, flush=True)
ingest_sources([sys.argv[1]], db=sys.argv[2], settings=load_config(overrides={"nlp.batch_size": 4}), on_progress=progress)
print("done", flush=True)
"""


def rows(db: Path) -> tuple[list[tuple], list[tuple], list[tuple]]:
    with Store.open(db, read_only=True) as store:
        con = store._connection()
        articles = con.execute("SELECT id, n_events FROM articles ORDER BY id").fetchall()
        events = con.execute("SELECT id, article_id, cameo_code, status, date FROM events ORDER BY id").fetchall()
        actors = con.execute("SELECT event_id, role, position, label FROM event_actors ORDER BY ALL").fetchall()
    return articles, events, actors


def test_killed_ingest_resumes_to_the_same_store_as_a_clean_run(tmp_path):
    with resources.as_file(DEMO) as demo:
        killed_db = tmp_path / "killed.duckdb"
        worker = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(demo), str(killed_db)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert worker.stdout is not None
        seen = 0
        for line in worker.stdout:
            if line.startswith("batch"):
                seen += 1
                if seen == 3:  # three batches committed, the fourth under way
                    worker.send_signal(signal.SIGKILL)
                    break
        worker.wait(timeout=60)
        assert worker.returncode == -signal.SIGKILL

        partial_articles, _, _ = rows(killed_db)
        assert 12 <= len(partial_articles) < 30  # whole batches only, and not everything

        settings = load_config(overrides={"nlp.batch_size": 4})
        report = ingest_sources([demo], db=killed_db, settings=settings)
        assert report.already_stored == len(partial_articles)
        assert report.new_articles == 30 - len(partial_articles)

        clean_db = tmp_path / "clean.duckdb"
        ingest_sources([demo], db=clean_db, settings=settings)
    assert rows(killed_db) == rows(clean_db)
