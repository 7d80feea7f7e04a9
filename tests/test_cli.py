"""The dyads command end to end: code, ingest (idempotent, bad input), events, evaluate, config."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from dyads.cli import app
from dyads.errors import DataError

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
COMMANDS = ["code", "ingest", "events", "actors", "demo", "evaluate", "config"]

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    good = [
        {"id": "a1", "published": "2016-08-16", "text": "Russian warplanes struck rebel positions in Syria on Tuesday."},
        {"id": "a2", "published": "2016-08-16", "text": "Iran and Iraq signed a security agreement in Baghdad on Monday."},
    ]
    lines = [json.dumps(good[0]), "{not json", json.dumps({"title": "no text here"}), json.dumps(good[1])]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example: dyads " + command in " ".join(result.output.split())


def test_ingest_twice_adds_nothing_and_reports_bad_lines(tmp_path, corpus):
    db = tmp_path / "news.duckdb"
    first = invoke("ingest", str(corpus), "--db", str(db))
    assert first.exit_code == 0
    assert "articles.jsonl:2 E101" in first.output and "articles.jsonl:3 E103" in first.output
    assert "stored 2 new articles" in first.output
    second = invoke("ingest", str(corpus), "--db", str(db))
    assert second.exit_code == 0
    assert "stored 0 new articles and 0 new events" in second.output
    assert "2 already stored" in second.output

    table = invoke("events", "--db", str(db), "--actor", "RUS", "--since", "2016-08-01", "--format", "table")
    assert "ASSAULT/195" in table.output and "RUS MIL" in table.output

    listed = invoke("actors", "--db", str(db))
    assert listed.exit_code == 0
    assert any(line.split()[1:3] == ["RUS", "MIL"] for line in listed.output.splitlines()[1:])

    out = tmp_path / "events.parquet"
    invoke("events", "--db", str(db), "--format", "parquet", "-o", str(out))
    rows = pq.read_table(out).to_pylist()
    assert {r["article_id"] for r in rows} == {"a1", "a2"}


def test_code_plain_text_with_publication_date(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Turkish jets bombed Kurdish militants in northern Iraq on Monday.", encoding="utf-8")
    out = tmp_path / "events.jsonl"
    result = invoke("code", str(story), "--published", "2016-08-16", "-o", str(out), "--quiet")
    assert result.exit_code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    strike = next(r for r in records if r["event"] == "ASSAULT")
    assert strike["date"] == "2016-08-15" and strike["date_derived_from"] == "weekday"
    assert strike["actor"][0]["code"] == "TUR" and "MIL" in strike["actor"][0]["sector"]
    assert strike["event_text"] == "bombed"


def test_csv_output_and_stdin_input(tmp_path):
    out = tmp_path / "events.csv"
    result = runner.invoke(
        app, ["code", "-", "-o", str(out), "-q"], input='{"text": "Israeli police arrested ten protesters in Jerusalem."}\n'
    )
    assert result.exit_code == 0
    header, *rows = out.read_text(encoding="utf-8").splitlines()
    assert "cameo" in header and rows and "COERCE" in rows[0]


def test_nothing_usable_exits_non_zero(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = invoke("code", str(empty), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1
    assert "E104" in result.output


def test_config_lists_overrides_and_rejects_unknown_keys():
    result = invoke("config", "--set", "nlp.n_process=2")
    assert "nlp.n_process = 2" in result.output
    with pytest.raises(Exception) as info:
        invoke("config", "--set", "nlp.nope=1")
    assert "E002" in str(info.value)


@pytest.mark.skipif(not (SHARED / "gold").exists(), reason="../shared/data is absent: no gold data to score")
def test_evaluate_writes_a_summary(tmp_path):
    summary_path = tmp_path / "summary.json"
    result = invoke("evaluate", "plover-gsr", str(SHARED / "gold" / "plover_gsr.jsonl"), "--limit", "30", "--json", str(summary_path))
    assert result.exit_code == 0
    top = json.loads(summary_path.read_text(encoding="utf-8"))
    assert top["n"] == 30 and top["format"] == "plover-gsr"
    for key in ("accuracy", "f1", "macro_f1", "per_class", "confusion"):
        assert key in top
    assert 0.0 < top["accuracy"] <= 1.0
    assert "precision" in result.output.lower()


def test_evaluate_expected_events_file(tmp_path):
    (tmp_path / "articles.jsonl").write_text(
        json.dumps({"id": "x1", "published": "2016-08-16", "text": "Turkish jets bombed Kurdish rebels in Iraq on Monday."}) + "\n",
        encoding="utf-8",
    )
    row = {
        "article_id": "x1", "sentence": "Turkish jets bombed Kurdish rebels in Iraq on Monday.", "trigger": "bombed",
        "plover_type": "ASSAULT", "cameo_root": "19", "cameo_code": None, "source": "TUR MIL", "target": None,
        "date": "2016-08-15", "location_country": "IRQ", "status": "asserted",
    }  # fmt: skip
    (tmp_path / "expected.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    out = tmp_path / "summary.json"
    result = invoke("evaluate", "expected", str(tmp_path / "expected.jsonl"), "--json", str(out))
    assert result.exit_code == 0
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert summary["n"] == 1 and summary["found"] == 1.0
    assert summary["accuracy"] == 1.0 and summary["date"] == 1.0 and summary["source"] == 1.0


def test_import_verbs_writes_a_usable_lexicon_and_counts_what_it_skipped(tmp_path: Path) -> None:
    dictionary = tmp_path / "toy.verbs.txt"
    dictionary.write_text("--- PRAISE [051] ---\nPRAISE\n- * EFFORTS [052]\n- NEVER * [111]\n", encoding="utf-8")
    out = tmp_path / "verbs.tsv"
    result = invoke("import-verbs", str(dictionary), "--out", str(out), "--show-skipped")
    assert result.exit_code == 0, result.output
    assert "2 lexicon rows; 1 dictionary lines skipped" in result.output
    assert "toy.verbs.txt:4: - NEVER * [111]" in result.output
    from dyads.ontology import load_lexicon

    assert {(e.lemma, e.dobj, e.cameo) for e in load_lexicon(out)} == {("praise", None, "051"), ("praise", "efforts", "052")}
    with pytest.raises(DataError) as info:  # `dyads` prints it as one line and exits 2 (main())
        invoke("import-verbs", str(tmp_path / "nowhere"), "--out", str(out))
    assert info.value.code == "E804"


def test_import_actors_writes_a_usable_actor_file(tmp_path: Path) -> None:
    folder = tmp_path / "dicts"
    folder.mkdir()
    (folder / "toy.actors.txt").write_text("ARNOR [ARN]\nGONDOR [GON]\nMINAS_TIRITH [GONGOV]\n", encoding="utf-8")
    out = tmp_path / "actors.yaml"
    result = invoke("import-actors", str(folder), "--out", str(out), "--no-agents")
    assert result.exit_code == 0 and out.is_file()
    from dyads.actors.userfile import load_actor_file

    entries = load_actor_file(out)
    assert {(e.code, tuple(e.sectors)) for e in entries} >= {("ARN", ()), ("GON", ()), ("GON", ("GOV",))}
