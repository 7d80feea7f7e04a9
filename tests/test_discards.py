"""Discard lists (PETRARCH's format): parsing, matching on whole words, and the dyads_discards stage."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from dyads.coder.discards import load_discards, parse_discards
from dyads.errors import DataError
from dyads.ontology import cameo
from dyads.records import Event, Span
from dyads.stages.discards import DiscardStage
from dyads.stages.extensions import ensure_extensions

LIST = """# sports and weather, written for this test
+Golden_Racquet_Open   # a whole story about it is sport
+CYCLONE
FIVE NATIONS CUP
cricket
"""


def test_parse_splits_story_and_sentence_phrases() -> None:
    discards = parse_discards(LIST)
    assert discards.story == (("golden", "racquet", "open"), ("cyclone",))
    assert discards.sentence == (("five", "nations", "cup"), ("cricket",))
    assert not parse_discards("# only a comment\n\n")


def test_phrases_match_whole_words_in_any_case() -> None:
    discards = parse_discards(LIST)
    assert discards.sentence_hit("Zorvia beat Kelmar in the Five Nations Cup final.") == ("five", "nations", "cup")
    assert discards.sentence_hit("Zorvia's cricketers toured Kelmar.") is None  # not the word "cricket"
    assert discards.story_hit("A cyclone hit the coast.") == ("cyclone",)
    assert discards.sentence_hit("A cyclone hit the coast.") == ("cyclone",)  # a story phrase is also a sentence's


def test_unreadable_list_names_the_fix(tmp_path: Path) -> None:
    assert not load_discards("")
    with pytest.raises(DataError) as info:
        load_discards(tmp_path / "missing.txt")
    assert info.value.code == "E805" and "events.discards" in info.value.fix


def _event(doc: Doc, sentence: int, first: int, last: int, code: str) -> Event:
    final = cameo(code)
    start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
    trigger = doc[first + 1]
    return Event(
        article_id="a", sentence_index=sentence, sentence=Span(start=start, end=end, text=doc.text[start:end]),
        trigger=Span(start=trigger.idx, end=trigger.idx + len(trigger.text), text=trigger.text),
        plover_type=final.plover_type, cameo_code=final.code, quad_class=final.quad_class, goldstein=final.goldstein,
    )


def _doc(words: list[str]) -> Doc:
    ensure_extensions()
    return Doc(Vocab(), words=words)


@pytest.fixture()
def discard_file(tmp_path: Path) -> str:
    path = tmp_path / "TEST.discards.txt"
    path.write_text(LIST, encoding="utf-8")
    return str(path)


def test_stage_drops_a_discarded_sentence_and_keeps_the_rest(discard_file: str) -> None:
    words = ["Zorvia", "attacked", "Kelmar", "in", "the", "Five", "Nations", "Cup", ".",
             "Zorvia", "shelled", "Kelmar", "."]
    doc = _doc(words)
    sport, war = _event(doc, 0, 0, 8, "190"), _event(doc, 1, 9, 12, "194")
    doc._.dyads_events = [sport, war]
    DiscardStage(discards=discard_file)(doc)
    assert doc._.dyads_events == [war]


def test_stage_drops_every_event_of_a_discarded_story(discard_file: str) -> None:
    doc = _doc(["Zorvia", "blamed", "Kelmar", ".", "The", "cyclone", "passed", "."])
    doc._.dyads_events = [_event(doc, 0, 0, 3, "112")]
    DiscardStage(discards=discard_file)(doc)
    assert doc._.dyads_events == []
    kept = _doc(["Zorvia", "blamed", "Kelmar", "."])
    kept._.dyads_events = [_event(kept, 0, 0, 3, "112")]
    DiscardStage(discards=None)(kept)  # no list: the stage does nothing
    assert len(kept._.dyads_events) == 1
