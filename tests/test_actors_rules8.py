"""Actor rules of the eighth issue #4 round (sector conventions), on sentences we wrote, through
the rules pipeline: a name after a title is a person even when the entity recogniser calls it an
organisation, the office the text names picks the person's row of the people table, a title
said to be lost is an elite, an NGO's officials are the NGO, a role word
before a collective noun ("opposition groups") codes the group, and border patrols are police."""

from __future__ import annotations

import pytest

from spacy.tokens import Doc
from spacy.lang.en import English

from dyads.actors.dictionary import ActorDictionary
from dyads.actors.resolve import find_mentions


def actors(pipeline, text: str) -> dict[str, tuple[str | None, list[str], str | None, str | None]]:
    """span text -> (code, sectors, name, role) of every mention."""
    doc = pipeline.nlp(text)
    return {m.actor.span.text: (m.actor.code, m.actor.sectors, m.actor.name, m.actor.role) for m in doc._.dyads_mentions}


def _parsed(words, heads, deps, pos, ents) -> Doc:
    """A Doc built by hand, as the small English model parses "Vice-President Kemo Awori resigned."
    but with its name tagged as an organisation (the model does that to some names)."""
    return Doc(English().vocab, words=words, spaces=[False, False, True, True, True, False, False], heads=heads, deps=deps, pos=pos, ents=ents)


def test_name_after_a_title_is_a_person_even_when_tagged_an_organisation():
    words = ["Vice", "-", "President", "Kemo", "Awori", "resigned", "."]
    heads = [4, 4, 4, 4, 5, 5, 5]
    deps = ["compound", "compound", "compound", "compound", "nsubj", "ROOT", "punct"]
    pos = ["PROPN", "PROPN", "PROPN", "PROPN", "PROPN", "VERB", "PUNCT"]
    for label in ("ORG", "O"):
        ents = ["O", "O", "O", f"B-{label}", f"I-{label}", "O", "O"] if label != "O" else ["O"] * 7
        found = find_mentions(_parsed(words, heads, deps, pos, ents), ActorDictionary.default())
        assert [(m.actor.span.text, m.actor.sectors, m.actor.name, m.kind) for m in found] == [
            ("Vice-President Kemo Awori", ["GOV"], "Kemo Awori", "person")
        ]


def test_title_does_not_swallow_a_place_after_it(rules_pipeline):
    found = actors(rules_pipeline, "President Ramaphosa flew to Pretoria on Monday.")
    assert "Pretoria" in found and found["Pretoria"][0] == "ZAF"


def test_the_named_office_picks_the_row_of_the_people_table(rules_pipeline):
    # Haniyeh is listed twice: Palestinian prime minister (2006-07), later head of Hamas's political bureau
    found = actors(rules_pipeline, "Palestinian Prime Minister Ismail Haniyeh refused to meet the envoy.")
    assert found["Palestinian Prime Minister Ismail Haniyeh"][:2] == ("PSE", ["GOV"])
    undated = actors(rules_pipeline, "Ismail Haniyeh refused to meet the envoy.")
    assert undated["Ismail Haniyeh"][:2] == ("HMS", ["REB"])  # undated and untitled: the latest office


def test_dictionary_person_takes_a_title():
    dictionary = ActorDictionary.default()
    assert dictionary.person("Ismail Haniyeh", title="Prime Minister").code == "PSE"
    assert dictionary.person("Ismail Haniyeh", title="Mayor").code == "HMS"  # no such office: the latest


@pytest.mark.parametrize("word", ["Ousted", "Deposed", "Former"])
def test_a_lost_title_is_an_elite(rules_pipeline, word):
    found = actors(rules_pipeline, f"{word} President Askar Akayev has agreed to resign.")
    assert found[f"{word} President Askar Akayev"][1] == ["ELI"]


@pytest.mark.parametrize(
    ("text", "phrase", "code", "sectors"),
    [
        ("Red Cross officials suspended aid deliveries in Baghdad on Wednesday.", "Red Cross officials", "ICRC", ["NGO", "HLH"]),
        ("The Amnesty International spokesman said the report was accurate.", "The Amnesty International spokesman", "AMN", ["NGO"]),
        ("A UN spokesman said the convoy was stopped.", "A UN spokesman", "UNO", ["IGO", "GOV"]),
        ("UN peacekeepers left the town.", "UN peacekeepers", "UNO", ["IGO", "MIL"]),
    ],
)
def test_a_non_governmental_bodys_officials_are_the_body(rules_pipeline, text, phrase, code, sectors):
    assert actors(rules_pipeline, text)[phrase][:2] == (code, sectors)


@pytest.mark.parametrize(
    ("text", "phrase", "sectors"),
    [
        ("The opposition groups in Zimbabwe are demanding new elections.", "The opposition groups in Zimbabwe", ["OPP"]),
        ("Army units shelled the village at dawn.", "Army units", ["MIL"]),
        ("U.S. border patrol agents detained the men.", "U.S. border patrol", ["COP"]),
    ],
)
def test_role_word_before_a_collective_noun(rules_pipeline, text, phrase, sectors):
    assert actors(rules_pipeline, text)[phrase][1] == sectors


def test_role_word_before_a_thing_is_still_no_actor(rules_pipeline):
    assert actors(rules_pipeline, "Government buildings were shelled overnight.") == {}


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("The court upheld the ban on the Students Islamic Movement of India on Monday.", "Students Islamic Movement"),
        ("General Motors said it would close the plant in Ohio.", "General Motors"),
    ],
)
def test_plural_or_entity_role_word_is_no_title(rules_pipeline, text, phrase):
    doc = rules_pipeline.nlp(text)
    assert not any(m.kind == "person" and phrase in m.actor.span.text for m in doc._.dyads_mentions)


def test_a_link_to_a_phrase_coded_by_its_own_link(rules_pipeline):
    # "leaders" links to "government", which takes ROU from its possessor only when its own link runs
    found = actors(rules_pipeline, "The French delegation held talks with leaders of Romania's new government on Tuesday.")
    assert found["leaders"][:2] == ("ROU", ["GOV"])


def test_family_name_first_is_the_later_short_name(rules_pipeline):
    doc = rules_pipeline.nlp(
        "North Korean leader Kim Jong Un met President Moon Jae-in at the border on Friday. Later Moon said Kim had promised to talk."
    )
    later = [(m.actor.span.text, m.actor.code) for m in doc._.dyads_mentions if m.start > 15]
    assert ("Moon", "KOR") in later and ("Kim", "PRK") in later


def test_a_listed_name_longer_than_its_entity_is_the_listed_person(rules_pipeline):
    # the entity recogniser stops "Moon Jae-in" at the hyphen; the table's name decides
    found = actors(rules_pipeline, "Pyongyang welcomed President Moon Jae-in on Tuesday.")
    assert found["Moon Jae-in"][:3] == ("KOR", ["GOV"], "Moon Jae-in")


@pytest.mark.parametrize(
    ("text", "phrase", "label"),
    [
        ("U.S. House Speaker Nancy Pelosi arrived in Taipei on Tuesday.", "U.S. House Speaker Nancy Pelosi", ("USA", ["LEG"])),
        ("The U.S. Treasury imposed sanctions on the bank.", "The U.S. Treasury", ("USA", ["GOV"])),
        ("Iranian security forces fired tear gas at the crowd.", "Iranian security forces", ("IRN", ["COP"])),
        ("Two Afghan suicide bombers struck the checkpoint.", "Two Afghan suicide bombers", ("AFG", ["UAF"])),
    ],
)
def test_speaker_treasury_security_forces(rules_pipeline, text, phrase, label):
    assert actors(rules_pipeline, text)[phrase][:2] == label


def test_a_capital_reached_as_a_place_is_its_country_not_its_government(rules_event):
    event = rules_event("Security forces fired tear gas at crowds in Tehran on Wednesday.", "fired")
    assert [(a.code, a.sectors) for a in event.targets] == [("IRN", [])]
