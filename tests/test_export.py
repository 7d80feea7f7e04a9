"""Export: PLOVER-style JSONL, flat CSV and Parquet round trips, and the text table."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dyads.io.export import FLAT_COLUMNS, ExportError, event_to_json, event_to_row, format_table, write_events
from dyads.records import Actor, Article, Attribution, Event, EventDate, Location, Span


def build_events() -> list[Event]:
    text = (
        "Russian and Iranian forces struck a depot in Idlib on Monday, the ministry said. "
        "Turkey called for calm."
    )
    article = Article.create(text=text, published=dt.date(2024, 5, 8))
    first_end = text.index(" Turkey")

    def span(word: str, start_at: int = 0) -> Span:
        start = text.index(word, start_at)
        return Span(start=start, end=start + len(word), text=word)

    struck = Event(
        article_id=article.id,
        sentence_index=0,
        sentence=Span(start=0, end=first_end, text=text[:first_end]),
        trigger=span("struck"),
        plover_type="ASSAULT",
        plover_mode="aerial",
        plover_context=["military", "terrorism"],
        cameo_code="195",
        quad_class=4,
        goldstein=-10.0,
        sources=[
            Actor(code="RUS", sectors=["MIL"], span=span("Russian")),
            Actor(code="IRN", sectors=["MIL"], span=span("Iranian"), supported_by=["SYR"]),
        ],
        targets=[Actor(code="SYR", sectors=["REB"], name="depot guards")],
        date=EventDate(date=dt.date(2024, 5, 6), precision="day", derived_from="weekday", span=span("Monday")),
        location=Location(name="Idlib", lat=35.93, lon=36.63, country="SYR", admin1="Idlib", span=span("Idlib")),
        launch_site=Location(name="Hmeimim", country="SYR", feature="site"),
        attribution=Attribution(
            status="claimed",
            speaker=Actor(code="RUS", sectors=["GOV"], name="ministry", span=span("ministry")),
            reporting_source="Wire, Inc.",
            cue=span("said"),
        ),
    ).assign_id()
    calm = Event(
        article_id=article.id,
        sentence_index=1,
        sentence=Span(start=first_end + 1, end=len(text), text=text[first_end + 1 :]),
        trigger=span("called"),
        plover_type=None,
        cameo_code="020",
        quad_class=0,
        goldstein=3.0,
        statement_only=True,
        sources=[Actor(code="TUR", span=span("Turkey"))],
        coder="model",
    ).assign_id()
    return [struck, calm]


def test_event_to_json_field_names_and_values() -> None:
    struck, calm = build_events()
    record = event_to_json(struck)
    for key in ("id", "date", "enddate", "date_precision", "date_derived_from", "actor", "recipient", "event", "mode",
                "context", "quad_code", "goldstein", "cameo", "statement_only", "event_text", "event_span", "text",
                "sentence_span", "event_loc", "launch_site", "attribution", "article_id", "coder"):
        assert key in record, key
    assert record["date"] == "2024-05-06" and record["enddate"] is None
    assert record["date_derived_from"] == "weekday"
    assert [a["code"] for a in record["actor"]] == ["RUS", "IRN"]
    assert record["actor"][1] == {
        "code": "IRN", "sector": ["MIL"], "entity_text": "Iranian", "name": None, "office": None,
        "supported_by": ["SYR"], "span": {"start": struck.sources[1].span.start, "end": struck.sources[1].span.end,
                                          "text": "Iranian"},
    }
    assert record["recipient"][0]["entity_text"] == "depot guards"
    assert (record["event"], record["mode"], record["context"]) == ("ASSAULT", "aerial", ["military", "terrorism"])
    assert (record["cameo"], record["quad_code"], record["goldstein"]) == ("195", 4, -10.0)
    assert record["event_text"] == "struck" and record["event_span"]["start"] == struck.trigger.start
    assert record["text"] == struck.sentence.text
    assert record["event_loc"]["name"] == "Idlib" and record["event_loc"]["span"]["text"] == "Idlib"
    assert record["launch_site"]["country"] == "SYR"
    assert record["attribution"]["status"] == "claimed"
    assert record["attribution"]["speaker"]["code"] == "RUS" and record["attribution"]["cue"]["text"] == "said"
    statement = event_to_json(calm)
    assert statement["event"] is None and statement["statement_only"] is True and statement["date"] is None
    assert statement["recipient"] == [] and statement["event_loc"] is None
    assert json.loads(json.dumps(record)) == record


def test_jsonl_round_trip(tmp_path: Path) -> None:
    events = build_events()
    path = tmp_path / "out.jsonl"
    assert write_events(events, path, fmt="jsonl") == 2
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [event_to_json(e) for e in events]


def test_jsonl_and_csv_to_stream() -> None:
    events = build_events()
    buffer = io.StringIO()
    assert write_events(iter(events), "-", fmt="jsonl", stream=buffer) == 2
    assert [json.loads(line)["id"] for line in buffer.getvalue().splitlines()] == [e.id for e in events]
    buffer = io.StringIO()
    assert write_events(events, None, fmt="CSV", stream=buffer) == 2
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert [r["id"] for r in rows] == [e.id for e in events]


def test_csv_round_trip(tmp_path: Path) -> None:
    events = build_events()
    path = tmp_path / "out.csv"
    write_events(events, path, fmt="csv")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == FLAT_COLUMNS
        rows = list(reader)
    first, second = rows
    assert first["source"] == "RUS MIL;IRN MIL" and first["target"] == "SYR REB"
    assert first["source_name"] == "Russian;Iranian"
    assert first["context"] == "military;terrorism" and first["reporting_source"] == "Wire, Inc."
    assert first["date"] == "2024-05-06" and float(first["lat"]) == pytest.approx(35.93)
    assert first["text"] == events[0].sentence.text and first["statement_only"] == "false"
    assert (first["speaker"], first["launch_site_country"]) == ("RUS GOV", "SYR")
    assert second["target"] == "" and second["event"] == "" and second["cameo"] == "020"
    assert second["statement_only"] == "true" and second["coder"] == "model"


def test_refused_and_intended_acts_are_exported() -> None:
    struck, calm = build_events()
    refusal = calm.model_copy(update={"plover_type": "REJECT", "cameo_code": "124", "quad_class": 3, "negated_code": "035"})
    threat = struck.model_copy(update={"plover_type": "THREATEN", "cameo_code": "138", "quad_class": 3, "intended_code": "195"})
    assert (event_to_row(refusal)["negated_code"], event_to_row(refusal)["intended_code"]) == ("035", None)
    assert (event_to_row(threat)["negated_code"], event_to_row(threat)["intended_code"]) == (None, "195")
    assert event_to_row(struck)["negated_code"] is None


def test_parquet_round_trip(tmp_path: Path) -> None:
    events = build_events()
    path = tmp_path / "out.parquet"
    assert write_events(events, path, fmt="parquet") == 2
    table = pq.read_table(path)
    assert tuple(table.column_names) == FLAT_COLUMNS
    rows = table.to_pylist()
    assert rows == [event_to_row(e) for e in events]
    assert rows[0]["date"] == dt.date(2024, 5, 6) and rows[0]["quad_code"] == 4
    assert rows[1]["goldstein"] == 3.0 and rows[1]["date"] is None
    empty = tmp_path / "empty.parquet"
    assert write_events([], empty, fmt="parquet") == 0
    assert pq.read_table(empty).num_rows == 0 and tuple(pq.read_table(empty).column_names) == FLAT_COLUMNS


def test_export_errors(tmp_path: Path) -> None:
    events = build_events()
    cases = [
        ({"path": tmp_path / "x.xml", "fmt": "xml"}, "E610"),
        ({"path": "-", "fmt": "parquet"}, "E611"),
        ({"path": tmp_path / "no" / "x.jsonl", "fmt": "jsonl"}, "E612"),
        ({"path": tmp_path / "no" / "x.parquet", "fmt": "parquet"}, "E612"),
    ]
    for kwargs, code in cases:
        with pytest.raises(ExportError) as err:
            write_events(events, **kwargs)
        assert err.value.code == code and err.value.fix


def test_format_table() -> None:
    events = build_events()
    table = format_table(events)
    lines = table.splitlines()
    assert len(lines) == 4
    assert lines[0].split() == ["date", "source", "event/cameo", "target", "status", "location"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].startswith("2024-05-06  RUS MIL;IRN MIL")
    assert "ASSAULT/195" in lines[2] and "claimed" in lines[2] and "Idlib (SYR)" in lines[2]
    assert lines[3].startswith("-") and "-/020" in lines[3] and "asserted" in lines[3]
    starts = [lines[0].index(name) for name in ("source", "event/cameo", "target", "status")]
    assert [lines[2][s - 2 : s] for s in starts] == ["  "] * 4  # columns line up
    assert format_table([]).count("\n") == 1
