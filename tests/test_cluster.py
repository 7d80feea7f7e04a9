"""Dask path (dyads.cluster): same events as one process, idempotent store load, retries, Parquet parts."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from dyads.cli import app
from dyads.cluster import ClusterError, ClusterOptions, code_on_cluster, part_path, write_part
from dyads.config import load_config
from dyads.ingest import ingest_sources
from dyads.io.store import Store
from dyads.pipeline import run
from dyads.records import Article

TEXTS = [
    "Russian warplanes struck rebel positions near Aleppo on Tuesday, the Syrian Observatory said.",
    "Iran and Iraq signed a security agreement in Baghdad on Monday.",
    "The United States imposed new sanctions on North Korea after its latest missile test.",
    "German Chancellor Olaf Scholz met French President Emmanuel Macron in Paris to discuss energy prices.",
    "Israeli troops arrested dozens of Palestinians in raids across the West Bank, officials said.",
    "China accused Japan of provoking tensions in the East China Sea.",
    "Turkey threatened to launch a new military operation against Kurdish militants in northern Syria.",
    "The European Union pledged 50 million euros in humanitarian aid to Sudan.",
    "Pakistan's prime minister appealed to India to resume peace talks over Kashmir.",
    "Police in Kenya fired tear gas at protesters demonstrating against tax increases in Nairobi.",
    "Ukraine said Russian forces shelled the city of Kharkiv overnight, killing three civilians.",
    "Egypt hosted talks between Hamas and Israeli negotiators on a ceasefire in Gaza.",
]


def make_articles() -> list[Article]:
    return [Article.create(text=text, id=f"c{i:02d}") for i, text in enumerate(TEXTS)]


def as_json(batches) -> list[tuple[str, list[str]]]:
    return [(article.id, [event.model_dump_json() for event in events]) for batch in batches for article, events in batch]


@pytest.fixture(scope="module")
def settings():
    return load_config(overrides={"nlp.batch_size": 3})  # 12 articles: 4 batches on 2 workers


@pytest.fixture(scope="module")
def single(settings) -> list[tuple[str, list[str]]]:
    """The single-process path's output (dyads.pipeline.run with nlp.n_process = 1)."""
    return as_json(run(make_articles(), settings))


@pytest.fixture(scope="module")
def scheduler() -> str:
    from distributed import LocalCluster

    cluster = LocalCluster(  # no dashboard; the scheduler's HTTP server on a free loopback port, not 8787
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


class FailFirstTry:
    """Test hook run on the worker before each try of a batch: the first try of every batch
    raises. Tries are counted with files, as the retry may land on the other worker process."""

    def __init__(self, folder: Path) -> None:
        self.folder = str(folder)

    def __call__(self, articles: list[Article]) -> None:
        batch = articles[0].id
        try:
            os.close(os.open(os.path.join(self.folder, f"{batch}.failed"), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            Path(self.folder, f"{batch}.retried").touch()
            return
        raise RuntimeError(f"first try of batch {batch} fails on purpose")


# --------------------------------------------------------------------------- without a cluster


def test_cluster_error_survives_pickling():
    error = pickle.loads(pickle.dumps(ClusterError("E222", "batch 3 failed", fix="rerun")))
    assert isinstance(error, ClusterError)
    assert (error.code, error.message, error.fix) == ("E222", "batch 3 failed", "rerun")
    assert str(error) == "[E222] batch 3 failed Fix: rerun"


def test_bad_options_are_e223_before_any_connection():
    with pytest.raises(ClusterError) as caught:
        ClusterOptions.make(address="local", retries=-1)
    assert caught.value.code == "E223" and "retries" in caught.value.message
    with pytest.raises(ClusterError) as caught:
        list(code_on_cluster(make_articles(), settings=load_config(), address="tcp://127.0.0.1:8786", n_workers=2))
    assert caught.value.code == "E223"


def test_unreachable_scheduler_is_e220():
    with pytest.raises(ClusterError) as caught:
        list(code_on_cluster(make_articles()[:1], settings=load_config(), address="tcp://127.0.0.1:9", timeout=2))
    assert caught.value.code == "E220" and "tcp://127.0.0.1:9" in caught.value.message


def test_a_part_is_named_by_its_article_ids_and_a_rewrite_replaces_it(tmp_path):
    batch = [(article, []) for article in make_articles()[:3]]
    first = write_part(tmp_path, batch)
    assert first == part_path(tmp_path, batch) and first.name.startswith("part-")
    assert write_part(tmp_path, batch) == first  # same batch, same file: overwritten
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name]  # no temporary file left
    assert pq.read_table(first).num_rows == 0
    other = write_part(tmp_path, [(article, []) for article in make_articles()[3:6]])
    assert other != first


# --------------------------------------------------------------------------- on a LocalCluster


@pytest.mark.slow
def test_dask_path_gives_identical_events_and_one_part_per_batch(scheduler, settings, single, tmp_path):
    parts = tmp_path / "parts"
    coded = list(code_on_cluster(make_articles(), settings=settings, address=scheduler, parts_dir=parts, max_in_flight=2))
    dask = as_json([coded])
    assert sum(len(events) for _, events in single) >= len(TEXTS)  # the comparison is not over empty lists
    assert dask == single  # same articles in input order, same event ids, same JSON
    written = sorted(parts.iterdir())
    batches = [coded[i : i + 3] for i in range(0, len(coded), 3)]
    assert [p.name for p in written] == sorted(part_path(parts, batch).name for batch in batches)
    rows = [row for path in written for row in pq.read_table(path).to_pylist()]
    assert sorted(row["id"] for row in rows) == sorted(event.id for _, events in coded for event in events)


@pytest.mark.slow
def test_input_is_read_only_as_far_as_the_batches_in_flight(scheduler, settings, single):
    pulled = []

    def articles():
        for article in make_articles():
            pulled.append(article.id)
            yield article

    seen = []
    for article, events in code_on_cluster(articles(), settings=settings, address=scheduler, max_in_flight=1):
        seen.append((article.id, [event.model_dump_json() for event in events]))
        handed_batches = -(-len(seen) // 3)
        assert len(pulled) <= (handed_batches + 1) * 3  # the batch handed on, and at most one more
    assert seen == single


@pytest.mark.slow
def test_ingest_on_dask_equals_the_single_process_store_and_a_rerun_adds_nothing(scheduler, settings, single, tmp_path):
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps({"id": a.id, "text": a.text}) + "\n" for a in make_articles()), encoding="utf-8")
    db = tmp_path / "news.duckdb"
    cluster = ClusterOptions(address=scheduler)
    first = ingest_sources([source], db=db, settings=settings, cluster=cluster)
    n_events = sum(len(events) for _, events in single)
    assert (first.new_articles, first.new_events, first.articles_coded) == (len(TEXTS), n_events, len(TEXTS))
    again = ingest_sources([source], db=db, settings=settings, cluster=cluster)
    assert (again.new_articles, again.new_events, again.already_stored) == (0, 0, len(TEXTS))
    with Store.open(db) as store:
        stored = {row["id"]: row["record"] for row in store.query("SELECT id, record FROM events")}
        assert stored == {json.loads(e)["id"]: e for _, events in single for e in events}
        # the single-process records written over the Dask-filled store: keyed on the same ids
        assert store.write_batch(make_articles(), [e for batch in run(make_articles(), settings) for _, evs in batch for e in evs]) == (0, 0)


@pytest.mark.slow
def test_a_batch_that_fails_once_is_retried(scheduler, settings, single, tmp_path):
    retried = list(
        code_on_cluster(make_articles(), settings=settings, address=scheduler, retries=1, before_task=FailFirstTry(tmp_path))
    )
    assert as_json([retried]) == single
    first_ids = sorted(article.id for article in make_articles()[::3])
    assert sorted(p.stem for p in tmp_path.glob("*.failed")) == first_ids
    assert sorted(p.stem for p in tmp_path.glob("*.retried")) == first_ids

    without = tmp_path / "no-retry"
    without.mkdir()
    with pytest.raises(ClusterError) as caught:
        list(code_on_cluster(make_articles(), settings=settings, address=scheduler, retries=0, before_task=FailFirstTry(without)))
    assert caught.value.code == "E222" and "on purpose" in caught.value.message and "1 tries" in caught.value.message


@pytest.mark.slow
def test_workers_that_cannot_build_the_pipeline_stop_the_run_at_the_start(scheduler):
    broken = load_config(overrides={"nlp.model": "no_such_spacy_package"})
    with pytest.raises(ClusterError) as caught:
        list(code_on_cluster(make_articles(), settings=broken, address=scheduler))
    assert caught.value.code == "E224" and "no_such_spacy_package" in caught.value.message
    assert caught.value.fix  # the worker's hint (install the model) reaches the client


@pytest.mark.slow
def test_cli_code_on_a_local_cluster_writes_parts_and_a_rerun_overwrites_them(tmp_path, single, scheduler):
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps({"id": a.id, "text": a.text}) + "\n" for a in make_articles()), encoding="utf-8")
    out = tmp_path / "parts"
    args = ["code", str(source), "--cluster", "local", "-n", "1", "--set", "nlp.batch_size=3", "-o", f"{out}/"]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 4
    ids = sorted(row["id"] for name in names for row in pq.read_table(out / name).to_pylist())
    assert ids == sorted(json.loads(e)["id"] for _, events in single for e in events)
    args[args.index("local")] = scheduler  # the rerun on the other cluster: same batches, same part names
    rerun = CliRunner().invoke(app, args, catch_exceptions=False)
    assert rerun.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == names  # overwritten, not duplicated

    refused = CliRunner().invoke(app, ["code", str(source), "-o", f"{out}/"])
    assert refused.exit_code != 0 and "E223" in str(refused.exception)
