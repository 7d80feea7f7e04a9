"""Gold-file readers and the PETRARCH dictionary converter, on small hand-written files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from dyads.errors import DataError
from dyads.evaluate.formats import (
    PLOVER_TYPES,
    ClassRecord,
    NerRecord,
    PetrarchRecord,
    PloverGsrRecord,
    normalise_sector,
    petrarch_actor_file,
    read_gold,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD_DIR = SHARED / "data" / "gold"


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def plover_row(event: str, **extra: object) -> dict:
    row = {
        "id": f"T-{event}",
        "text": "Officials of Freedonia demanded that Sylvania pay.",
        "event": event,
        "mode": None,
        "context": "economic",
        "source": [{"text": "Freedonia", "code": "JAP", "sector": "CVLalb"}],
        "target": [{"text": "Sylvania", "code": "ITL", "sector": "***"}],
        "eventText": "demanded",
        "eventLoc": None,
        "markup": "",
        "size": None,
        "dead": None,
        "injured": None,
        "comment": "",
        "provenance": "test",
    }
    row.update(extra)
    return row


def test_plover_reader_normalises_names(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "p.jsonl",
        [plover_row("DEMAND"), "", plover_row("FIGHT", mode="strike-hun"), plover_row("DISAPPROVE")],
    )
    gold = read_gold("plover-gsr", path)
    assert [type(r) for r in gold.records] == [PloverGsrRecord] * 3
    assert [r.event for r in gold.records] == ["REQUEST", "ASSAULT", "ACCUSE"]
    assert gold.records[1].raw_event == "FIGHT"
    assert gold.records[1].mode == "hunger"
    first = gold.records[0]
    assert (first.sources[0].code, first.sources[0].sector) == ("JPN", "CVL")
    assert (first.targets[0].code, first.targets[0].sector) == ("ITA", None)
    # blank line 2 is skipped, so the third record sits on line 3
    assert gold.records[1].where.endswith("p.jsonl:3")
    assert all(r.event in PLOVER_TYPES for r in gold.records)


def test_bad_lines_raise_with_file_and_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", [plover_row("AGREE"), "{not json", plover_row("DANCE")])
    with pytest.raises(DataError) as info:
        read_gold("plover-gsr", path)
    assert info.value.code == "E701"
    assert "bad.jsonl:2" in str(info.value)
    assert info.value.fix


def test_lenient_reading_lists_problems(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", [plover_row("AGREE"), "{not json", plover_row("DANCE"), "[1, 2]"])
    gold = read_gold("plover-gsr", path, strict=False)
    assert len(gold.records) == 1
    assert [p.where.rsplit(":", 1)[1] for p in gold.problems] == ["2", "3", "4"]
    assert all(p.code == "E701" for p in gold.problems)
    assert "DANCE" in gold.problems[1].reason


def test_class_reader_and_limit(tmp_path: Path) -> None:
    rows = [{"id": f"c{i}", "text": f"Sentence {i}.", "label": i % 5, "label_guess": "", "provenance": "t"} for i in range(7)]
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    gold = read_gold("conflibert-class", path, limit=3)
    assert [r.label for r in gold.records] == [0, 1, 2]
    assert isinstance(gold.records[0], ClassRecord)
    bad = write_jsonl(tmp_path / "c2.jsonl", [{"id": "x", "text": "t", "label": 7}])
    with pytest.raises(DataError, match="c2.jsonl:1"):
        read_gold("conflibert-class", bad)
    boolean = write_jsonl(tmp_path / "c3.jsonl", [{"id": "x", "text": "t", "label": True}])
    with pytest.raises(DataError, match="label"):
        read_gold("conflibert-class", boolean)


def test_ner_reader(tmp_path: Path) -> None:
    tokens = ["The", "Zorvian", "army", "shelled", "Kelmar", "."]
    row = {
        "id": "n1",
        "tokens": tokens,
        "tags": ["B-S", "I-S", "I-S", "O", "B-T", "O"],
        "spans": [
            {"role": "source", "tok_start": 0, "tok_end": 3, "text": "The Zorvian army"},
            {"role": "target", "tok_start": 4, "tok_end": 5, "text": "Kelmar"},
        ],
        "text": " ".join(tokens),
        "provenance": "t",
    }
    bad_span = dict(row, spans=[{"role": "source", "tok_start": 4, "tok_end": 9, "text": "?"}])
    path = write_jsonl(tmp_path / "n.jsonl", [row, bad_span])
    gold = read_gold("conflibert-ner", path, strict=False)
    record = gold.records[0]
    assert isinstance(record, NerRecord)
    assert record.text == "The Zorvian army shelled Kelmar ."
    assert [(s.role, s.start, s.end, s.text) for s in record.spans] == [
        ("source", 0, 3, "The Zorvian army"),
        ("target", 4, 5, "Kelmar"),
    ]
    assert len(gold.problems) == 1 and "outside" in gold.problems[0].reason


def test_petrarch_reader(tmp_path: Path) -> None:
    row = {
        "id": "X-1",
        "date": "19990101",
        "category": "DEMO",
        "text": "Zorvia praised Kelmar.",
        "parse": "(ROOT)",
        "expected": [{"source": "ZORGOV", "target": "KEL", "code": "051"}],
        "expect_no_events": False,
        "expected_errors": [],
        "config_in_force": {},
        "notes": [],
        "source_file": "t",
        "sentence": "true",
    }
    empty = dict(row, id="X-2", expected=[], expect_no_events=True)
    gold = read_gold("petrarch", write_jsonl(tmp_path / "pe.jsonl", [row, empty]))
    first, second = gold.records
    assert isinstance(first, PetrarchRecord)
    assert (first.expected[0].source, first.expected[0].target, first.expected[0].code) == ("ZORGOV", "KEL", "051")
    assert second.expect_no_events and second.expected == ()


def test_unknown_format_missing_file_and_bad_limit(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        read_gold("acled", tmp_path / "x.jsonl")
    assert info.value.code == "E702" and "plover-gsr" in str(info.value)
    with pytest.raises(DataError) as info:
        read_gold("petrarch", tmp_path / "absent.jsonl")
    assert info.value.code == "E700"
    path = write_jsonl(tmp_path / "ok.jsonl", [{"id": "a", "text": "t", "label": 1}])
    with pytest.raises(DataError) as info:
        read_gold("conflibert-class", path, limit=-1)
    assert info.value.code == "E704"


def test_normalise_sector() -> None:
    assert normalise_sector("REBkur") == "REB"
    assert normalise_sector("CIV") == "CVL"
    assert normalise_sector("***") is None
    assert normalise_sector(None) is None


DICT_ACTORS = """<!-- TOY ACTOR DICTIONARY -->
<!-- a comment block
# with a hash inside -->
ZORVIA_ [ZOR]
+ZORVIAN
+THE_ZORVIAN_REPUBLIC  # trailing comment

ZORVIAN_NAVY [ZORMIL]
KELMAR
\t[KEL]
OLD REGENT
\t[ZOR < 950101]
\t[ZORGOV 19950101 - 19991231]
NOBODY [---]
ALLIED PACT [IGOPAC/ALT]
"""

DICT_AGENTS = """!STAFF! = OFFICER, OFFICERS
HARBOUR_MASTER {HARBOUR_MASTERS} [~GOV] # toy
RELIEF_BODY [NGO~]
HARBOUR!STAFF! [~COP]
"""


def test_petrarch_actor_file_on_a_toy_dictionary(tmp_path: Path) -> None:
    (tmp_path / "TOY.actors.txt").write_text(DICT_ACTORS, encoding="utf-8")
    (tmp_path / "TOY.agents.txt").write_text(DICT_AGENTS, encoding="utf-8")
    out = petrarch_actor_file(tmp_path, tmp_path / "out" / "actors.yaml")
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    by_first = {a["names"][0]: a for a in data["actors"]}
    assert by_first["Zorvia"] == {
        "names": ["Zorvia", "Zorvian", "The Zorvian Republic"],
        "code": "ZOR",
        "sectors": [],
        "kind": "country",
    }
    assert by_first["Zorvian Navy"]["code"] == "ZOR" and by_first["Zorvian Navy"]["sectors"] == ["MIL"]
    assert by_first["Zorvian Navy"]["kind"] == "group"
    assert by_first["Kelmar"]["code"] == "KEL"
    # dated codes: one person entry per code, the article's date picks one (end exclusive)
    regent = [(a["code"], a["sectors"], a.get("start"), a.get("end")) for a in data["actors"] if a["names"][0] == "Old Regent"]
    assert regent == [("ZOR", [], None, "1995-01-01"), ("ZOR", ["GOV"], "1995-01-01", "2000-01-01")]
    assert {a["kind"] for a in data["actors"] if a["names"][0] == "Old Regent"} == {"person"}
    assert "Nobody" not in by_first  # blank code
    assert (by_first["Allied Pact"]["code"], by_first["Allied Pact"]["sectors"]) == ("IGO", ["PAC"])
    # agents become role entries of the actor file, which the resolver reads (plurals included)
    agents = [a for a in data["actors"] if a["kind"] == "sector"]
    assert agents[0] == {"names": ["Harbour Master", "Harbour Masters"], "sectors": ["GOV"], "kind": "sector"}
    assert agents[1]["sectors"] == ["NGO"]  # a prefix agent ([NGO~]) too
    assert agents[2]["names"] == ["Harbourofficer", "Harbourofficers"]
    from dyads.actors.dictionary import ActorDictionary

    assert ActorDictionary.default(actor_file=out).role("harbour masters").sectors == ("GOV",)
    no_agents = yaml.safe_load(petrarch_actor_file(tmp_path, tmp_path / "a2.yaml", include_agents=False).read_text())
    assert not any(a["kind"] == "sector" for a in no_agents["actors"])


def test_petrarch_actor_file_needs_a_dictionary(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        petrarch_actor_file(tmp_path, tmp_path / "x.yaml")
    assert info.value.code == "E703"


REAL_FILES = {
    "plover-gsr": "plover_gsr.jsonl",
    "conflibert-class": "conflibert_cameo_class_train.jsonl",
    "conflibert-ner": "conflibert_cameo_ner_train.jsonl",
    "petrarch": "petrarch_unittest.jsonl",
}


@pytest.mark.parametrize("fmt", sorted(REAL_FILES))
def test_real_gold_files_first_20_records(fmt: str) -> None:
    path = GOLD_DIR / REAL_FILES[fmt]
    if not path.is_file():
        pytest.skip(f"shared gold data not present at {path}")
    gold = read_gold(fmt, path, limit=20)
    assert len(gold.records) == 20
    assert not gold.problems
    assert all(r.text.strip() for r in gold.records)
    if fmt == "plover-gsr":
        assert all(r.event in PLOVER_TYPES for r in gold.records)
    if fmt == "conflibert-ner":
        assert all(r.spans for r in gold.records)
    if fmt == "petrarch":
        assert any(t.source.startswith("ARN") for r in gold.records for t in r.expected)


def test_dated_codes_resolve_for_the_story_date(tmp_path: Path) -> None:
    from dyads.actors.dictionary import ActorDictionary

    (tmp_path / "TOY.actors.txt").write_text(DICT_ACTORS, encoding="utf-8")
    out = petrarch_actor_file(tmp_path, tmp_path / "actors.yaml", include_agents=False)
    dictionary = ActorDictionary.default(actor_file=out)
    assert dictionary.lookup("Old Regent", on=dt.date(1994, 6, 1)).sectors == ()
    assert dictionary.lookup("Old Regent", on=dt.date(1997, 6, 1)).sectors == ("GOV",)
    assert dictionary.lookup("Old Regent", on=dt.date(2003, 6, 1)) is None  # no code held then


def test_petrarch_record_date_is_read_and_checked(tmp_path: Path) -> None:
    row = {"id": "d", "date": "19950601", "text": "x", "expected": []}
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(row) + "\n" + json.dumps({**row, "date": "95-06-01"}) + "\n", encoding="utf-8")
    gold = read_gold("petrarch", path, strict=False)
    assert gold.records[0].date == dt.date(1995, 6, 1)
    assert len(gold.problems) == 1 and "YYYYMMDD" in gold.problems[0].reason


def test_real_petrarch_dictionaries(tmp_path: Path) -> None:
    folder = GOLD_DIR / "petrarch_dictionaries"
    if not folder.is_dir():
        pytest.skip(f"shared PETRARCH dictionaries not present at {folder}")
    data = yaml.safe_load(petrarch_actor_file(folder, tmp_path / "petr.yaml").read_text(encoding="utf-8"))
    codes = {name: a["code"] for a in data["actors"] if a["kind"] != "sector" for name in a["names"]}
    assert codes["Arnor"] == "ARN"
    assert codes["Gondor"] == "GON" and codes["Minas Tirith"] == "GON"
    assert len(data["actors"]) > 100
    assert any(a["sectors"] == ["GOV"] and a["kind"] == "sector" for a in data["actors"])
