"""PETRARCH verb dictionaries as a dyads lexicon: the converter on a dictionary written for this
test, the lexicon matching it relies on (objects behind particles, object phrases, compounds) on
hand-built parses, and the converted validation dictionary on PETRARCH's unit-test records."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from dyads.errors import DataError
from dyads.ontology import load_lexicon, parse_lexicon
from dyads.ontology.lexicon import LEXICON_COLUMNS
from dyads.ontology.petrarch_verbs import petrarch_lexicon_file, read_petrarch_verbs

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "gold"

TOY = """<!-- a toy verb dictionary in PETRARCH's format, written for this test -->
&PENALTY
+TRADE_SANCTIONS
+EMBARGO

&SIDEWAYS
+ON
+AGAINST

--- COMMEND  [051] ---
COMMEND  {COMMENDS COMMENDED}   # praise
- * EFFORTS  [052]
- * FOR &PENALTY  [163]
- SAID *  [010]
- $ * +  [051]
- * TRADE DEAL  [057]
- * AT +  [042]
- * &SIDEWAYS REPORT  [112]

--- RETREAT  [---] ---
RETREAT
+PULL_BACK
- * FROM_FRONT  [0872]
- * SLOWLY  [903]

--- VISIT [042:043] ---
VISIT
+SWING_BY
DROP_IN_ON
"""


def rows_by_key(text: str) -> dict[tuple[str, str, str], dict[str, str]]:
    return {(r["lemma"], r["particle"], r["dobj"]): r for r in read_petrarch_verbs(text, where="toy.verbs").rows}


def test_converter_turns_verbs_and_patterns_into_lexicon_rows() -> None:
    rows = rows_by_key(TOY)
    assert rows[("commend", "", "")]["cameo"] == "051"
    assert rows[("commend", "", "efforts")]["cameo"] == "052"
    # a synset after a particle: one row per member, a member of several words kept whole
    assert rows[("commend", "for", "trade sanctions")]["cameo"] == "163"
    assert rows[("commend", "for", "embargo")]["cameo"] == "163"
    assert rows[("commend", "", "trade deal")]["cameo"] == "057"
    # "* AT +": the target follows "at"
    assert (rows[("commend", "at", "")]["cameo"], rows[("commend", "at", "")]["target_preps"]) == ("042", "at")
    # a synset of prepositions first: each is a particle
    assert {rows[("commend", p, "report")]["cameo"] for p in ("on", "against")} == {"112"}
    # a block without a code codes only by its patterns
    assert rows[("retreat", "from", "front")]["cameo"] == "0872"
    assert ("retreat", "", "") not in rows
    # a paired code keeps its first half; a phrasal verb's second word is its particle
    assert rows[("visit", "", "")]["cameo"] == "042"
    assert rows[("swing", "by", "")]["cameo"] == "042"
    assert all(r["note"].startswith("PETRARCH toy.verbs:") for r in rows.values())


def test_converter_reports_what_it_cannot_express() -> None:
    skipped = {item.text: item for item in read_petrarch_verbs(TOY, where="toy.verbs").skipped}
    assert "words before the verb" in skipped["- SAID *  [010]"].reason
    assert "roles" in skipped["- $ * +  [051]"].reason
    assert "not a CAMEO code" in skipped["- * SLOWLY  [903]"].reason
    assert "no code" in skipped["RETREAT"].reason
    assert "several words" in skipped["DROP_IN_ON"].reason
    assert skipped["- SAID *  [010]"].where == "toy.verbs:14"


def test_a_phrasal_verb_takes_no_pattern_with_another_particle() -> None:
    """"+PULL_BACK" has particle "back"; "* FROM_FRONT" needs "from": our lexicon holds one particle."""
    rows = rows_by_key(TOY)
    assert not any(key[0] == "pull" for key in rows)


def test_lexicon_file_round_trips_and_errors_name_the_fix(tmp_path: Path) -> None:
    (tmp_path / "TOY.verbs.txt").write_text(TOY, encoding="utf-8")
    result = petrarch_lexicon_file(tmp_path, tmp_path / "out" / "verbs.tsv")
    lexicon = load_lexicon(tmp_path / "out" / "verbs.tsv")
    assert len(lexicon) == len(result.rows) >= 9
    assert (tmp_path / "out" / "verbs.tsv").read_text(encoding="utf-8").splitlines()[1] == "\t".join(LEXICON_COLUMNS)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataError) as info:
        petrarch_lexicon_file(empty, tmp_path / "x.tsv")
    assert info.value.code == "E804" and "verbs" in info.value.fix
    (empty / "BAD.verbs.txt").write_text("no blocks here\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        petrarch_lexicon_file(empty, tmp_path / "x.tsv")
    assert info.value.code == "E804" and "no lexicon row" in str(info.value)


def test_builtin_names_the_package_lexicon() -> None:
    assert load_lexicon(Path("builtin")) is load_lexicon()


# --- the lexicon matching the converted rows need, on hand-built parses ----------------------

LEX = parse_lexicon(
    "\t".join(LEXICON_COLUMNS) + "\n"
    + "\n".join("\t".join(row) for row in [
        ("call", "VERB", "010", "", "", "", "", ""),
        ("call", "VERB", "163", "for", "sanctions", "", "", ""),
        ("sign", "VERB", "081", "", "", "", "", ""),
        ("sign", "VERB", "084", "", "protocol", "", "", ""),
        ("sign", "VERB", "085", "", "trade protocol", "", "", ""),
        ("fire", "VERB", "071", "", "", "", "", ""),
        ("fire", "VERB", "194", "", "artillery", "", "", ""),
    ]) + "\n",
    where="test",
)


def doc_of(rows: list[tuple[str, str, int, str, str]]) -> Doc:
    words, lemmas, heads, deps, pos = (list(column) for column in zip(*rows))
    return Doc(Vocab(), words=words, lemmas=lemmas, heads=heads, deps=deps, pos=pos)


def test_an_object_behind_the_particle_matches() -> None:
    doc = doc_of([("Kelmar", "Kelmar", 1, "nsubj", "PROPN"), ("called", "call", 1, "ROOT", "VERB"),
                  ("for", "for", 1, "prep", "ADP"), ("sanctions", "sanction", 2, "pobj", "NOUN")])
    assert LEX.match(doc[1]).cameo == "163"
    bare = doc_of([("Kelmar", "Kelmar", 1, "nsubj", "PROPN"), ("called", "call", 1, "ROOT", "VERB"),
                   ("for", "for", 1, "prep", "ADP"), ("calm", "calm", 2, "pobj", "NOUN")])
    assert LEX.match(bare[1]).cameo == "010"


def test_an_object_of_several_words_needs_them_all_in_one_phrase() -> None:
    trade = doc_of([("Zorvia", "Zorvia", 1, "nsubj", "PROPN"), ("signed", "sign", 1, "ROOT", "VERB"),
                    ("a", "a", 4, "det", "DET"), ("trade", "trade", 4, "compound", "NOUN"),
                    ("protocol", "protocol", 1, "dobj", "NOUN")])
    assert LEX.match(trade[1]).cameo == "085"
    plain = doc_of([("Zorvia", "Zorvia", 1, "nsubj", "PROPN"), ("signed", "sign", 1, "ROOT", "VERB"),
                    ("a", "a", 3, "det", "DET"), ("protocol", "protocol", 1, "dobj", "NOUN"),
                    ("on", "on", 1, "prep", "ADP"), ("trade", "trade", 4, "pobj", "NOUN")])
    assert LEX.match(plain[1]).cameo == "084"


def test_the_compound_of_an_object_counts_as_the_object() -> None:
    doc = doc_of([("Zorvia", "Zorvia", 1, "nsubj", "PROPN"), ("fired", "fire", 1, "ROOT", "VERB"),
                  ("two", "two", 4, "nummod", "NUM"), ("artillery", "artillery", 4, "compound", "NOUN"),
                  ("shells", "shell", 1, "dobj", "NOUN")])
    assert LEX.match(doc[1]).cameo == "194"


# --- PETRARCH's own validation dictionary on its unit-test records ----------------------------


def test_petrarch_unit_tests_with_the_converted_dictionaries() -> None:
    """The converted dictionaries (verbs, actors with dated codes, discards), each record coded as of its date."""
    gold = SHARED / "petrarch_unittest.jsonl"
    if not gold.is_file():
        pytest.skip(f"shared PETRARCH unit-test records not present at {gold}")
    from dyads.config import Settings
    from dyads.evaluate.run import run_evaluation

    rules = Settings().with_overrides({"classifier.model": "none"})
    with_verbs = run_evaluation("petrarch", gold, settings=rules).summary
    ours = run_evaluation("petrarch", gold, settings=rules.with_overrides({"events.lexicon": "builtin"})).summary
    hybrid = run_evaluation("petrarch", gold, settings=Settings()).summary
    # measured 2026-11-26: rules only 87 of 284 with the converted dictionaries, 32 with our lexicon;
    # with the classifier's role head 111 (PETRARCH2 with the same dictionaries: 91)
    assert with_verbs["records_exact"] >= 80
    assert with_verbs["records_exact"] >= ours["records_exact"] + 40
    assert hybrid["records_exact"] > hybrid["reference"]["petrarch2_records_exact"]
