"""Actor rules of the seventh issue #4 round, on sentences we wrote, through the rules pipeline:
an organisation named as what a country belongs to ("NATO member Turkey"), role phrases of a
region rather than a country ("Western diplomats"), a country acted on as a whole is not the home
of an uncoded actor, a listed surname after another given name is another person ("Moeletsi
Mbeki"), "Jewish settlers" and "set fire to"."""

from __future__ import annotations

import pytest


def mentions(pipeline, text: str) -> list[tuple[str | None, str]]:
    doc = pipeline.nlp(text)
    return [(m.actor.code, m.actor.span.text) for m in doc._.dyads_mentions]


@pytest.mark.parametrize(
    ("text", "phrase", "code"),
    [
        ("NATO member Turkey shot down a Russian jet over the border.", "NATO member Turkey", "TUR"),
        ("NATO-member Norway offered to send equipment to Saudi Arabia.", "NATO-member Norway", "NOR"),
        ("EU member state Poland protested against the quota decision.", "EU member state Poland", "POL"),
    ],
)
def test_member_country_is_the_country(rules_pipeline, text, phrase, code):
    assert (code, phrase) in mentions(rules_pipeline, text)


def test_organisation_alone_stays_the_organisation(rules_pipeline):
    assert ("NATO", "NATO") in mentions(rules_pipeline, "NATO warned Moscow on Monday.")


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Western diplomats in Kabul said the talks had stalled.", "Western diplomats"),
        ("Members of the Union of African Lawyers visited prisons holding Libyans.", "African Lawyers"),
        ("Arab ministers in Cairo said the plan was unfair.", "Arab ministers"),
    ],
)
def test_regional_role_phrase_takes_no_context_country(rules_pipeline, text, phrase):
    found = {span: code for code, span in mentions(rules_pipeline, text)}
    assert phrase in found and found[phrase] is None


def test_national_role_phrase_still_takes_the_context_country(rules_pipeline):
    found = mentions(rules_pipeline, "The foreign ministry in Caracas said the vote was fair.")
    assert ("VEN", "The foreign ministry in Caracas") in found


@pytest.mark.parametrize("trigger", ["called", "sanctions"])
def test_country_acted_on_is_not_the_uncoded_source_home(rules_pipeline, trigger):
    (events,) = rules_pipeline.code_texts(["Lt. Gen. Peter Okafor called for sanctions against Nigeria."])
    event = next(e for e in events if e.trigger.text == trigger)
    assert [a.span.text for a in event.sources] == ["Lt. Gen. Peter Okafor"]
    assert [a.code for a in event.sources] == [None]


def test_domestic_target_still_gives_the_home(rules_event):
    event = rules_event("Lt. Gen. Peter Okafor demanded the resignation of the Kenyan Interior Minister.", "demanded")
    assert [a.code for a in event.sources] == ["KEN"]


def test_another_given_name_is_another_person(rules_pipeline):
    assert (None, "Moeletsi Mbeki") in mentions(rules_pipeline, "Moeletsi Mbeki criticised the plan on Monday.")
    assert ("ZAF", "Mr. Mbeki") in mentions(rules_pipeline, "Mr. Mbeki met Obasanjo on Monday.")
    assert ("ZAF", "President Thabo Mbeki") in mentions(rules_pipeline, "President Thabo Mbeki met Obasanjo on Monday.")


def test_jewish_settlers_and_setting_fire(rules_event):
    event = rules_event("Jewish settlers set fire to a Palestinian school near Nablus on Friday.", "set")
    assert (event.plover_type, event.cameo_code) == ("COERCE", "171")
    assert [(a.code, a.sectors) for a in event.sources] == [("ISR", ["CVL"])]
    assert [a.code for a in event.targets] == ["PSE"]


# -- arguments: stative participles, acts undergone or reacted to, appositives, "from" ----------


@pytest.mark.parametrize(
    ("text", "trigger", "source"),
    [
        ("Minister Nguyen Van An said Vietnam is committed to opening up its economy.", "committed", "VNM"),
        ("Iran is opposed to the new plan.", "opposed", "IRN"),
    ],
)
def test_stative_participle_subject_is_the_source(rules_event, text, trigger, source):
    event = rules_event(text, trigger)
    assert [a.code for a in event.sources] == [source]
    assert source not in [a.code for a in event.targets]


def test_act_undergone_is_aimed_at_the_subject(rules_event):
    event = rules_event("Syria suffered a heavy Israeli attack on Monday.", "attack")
    assert ([a.code for a in event.sources], [a.code for a in event.targets]) == (["ISR"], ["SYR"])


def test_act_reacted_to_is_not_the_subjects(rules_pipeline):
    (events,) = rules_pipeline.code_texts(["Seoul will respond to the attack."])
    assert all("KOR" not in [a.code for a in e.sources] for e in events if e.trigger.text == "attack")


def test_appositive_names_the_subjects_organisation(rules_event):
    # a name the NER does not tag as a person, so only the appositive says who speaks
    event = rules_event("Kenzo Oshima, the United Nations Emergency Relief Coordinator, demanded access to the camps.", "demanded")
    assert [a.code for a in event.sources] == ["UNO"]


def test_people_from_an_organisation_are_its(rules_event):
    event = rules_event("Experts from the Japanese agency inspected the reactor in Iran.", "inspected")
    assert [a.code for a in event.sources] == ["JPN"]


def test_regional_body_takes_no_home_from_the_place(rules_event):
    event = rules_event("Members of the Association of African Jurists inspected a prison in Tripoli on Monday.", "inspected")
    assert [(a.code, a.span.text) for a in event.sources] == [(None, "Members of the Association of African Jurists")]


@pytest.mark.parametrize(
    ("text", "trigger", "source", "target"),
    [
        ("American troops were withdrawn from Somalia in 1994.", "withdrawn", "USA", "SOM"),
        ("French troops were deployed to Mali last year.", "deployed", "FRA", "MLI"),
    ],
)
def test_forces_moved_by_no_one_named_move_for_their_side(rules_event, text, trigger, source, target):
    event = rules_event(text, trigger)
    assert ([a.code for a in event.sources], [a.code for a in event.targets]) == ([source], [target])


def test_country_an_act_is_against_gives_no_context(rules_pipeline):
    found = mentions(rules_pipeline, "Senator John Peters on Sunday called for sanctions against Nigeria.")
    assert (None, "Senator John Peters") in found and ("NGA", "Nigeria") in found
    # named otherwise, the same country still gives the context
    assert ("NGA", "Senator John Peters") in mentions(rules_pipeline, "Senator John Peters said on Sunday that Nigeria needs a new constitution.")


@pytest.mark.parametrize(
    ("text", "trigger", "sources"),
    [
        ("Lawmakers in France and Germany welcomed the deal.", "welcomed", [("FRA", ["LEG"]), ("DEU", ["LEG"])]),
        ("The armies of Mali and Niger attacked the rebels.", "attacked", [("MLI", ["MIL"]), ("NER", ["MIL"])]),
        ("Police in Kenya and Uganda arrested ten people.", "arrested", [("KEN", ["COP"]), ("UGA", ["COP"])]),
    ],
)
def test_a_role_of_a_list_of_countries_holds_for_each(rules_event, text, trigger, sources):
    """The second country of "X in A and B" was lost: the role took A's code and B was nobody's."""
    event = rules_event(text, trigger)
    assert [(a.code, a.sectors) for a in event.sources] == sources


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("U.N. helicopters evacuated the wounded from the besieged town of Gorazde on Friday.", "evacuated"),
        ("Doctors treated the injured at a hospital in Kabul.", None),
    ],
)
def test_a_participle_naming_people_is_no_event(rules_pipeline, text, kept):
    """"the wounded", "the injured" name people: they were coded ASSAULT with an implied doer."""
    (events,) = rules_pipeline.code_texts([text])
    assert [e.trigger.text for e in events if e.plover_type] == ([kept] if kept else [])


@pytest.mark.parametrize(
    ("text", "trigger", "sources", "targets"),
    [
        ("The deployment of French troops to Mali began on Friday.", "deployment", ["FRA"], ["MLI"]),
        ("Moscow announced the withdrawal of Russian troops from Syria.", "withdrawal", ["RUS"], ["SYR"]),
    ],
)
def test_forces_after_of_move_themselves(rules_event, text, trigger, sources, targets):
    """"the deployment of French troops": the troops deploy (they were its target)."""
    event = rules_event(text, trigger)
    assert ([a.code for a in event.sources], [a.code for a in event.targets]) == (sources, targets)


def test_an_agentless_passive_arrest_is_the_places_not_aimed_at_it(rules_event):
    """"was arrested in Lebanon": Lebanon arrests (it was coded the target, and so no doer)."""
    event = rules_event("A Christian missionary from Calgary was arrested in Lebanon on Monday.", "arrested")
    assert [a.code for a in event.sources] == ["LBN"]
    assert "LBN" not in [a.code for a in event.targets]


@pytest.mark.parametrize(
    ("text", "phrase", "code"),
    [
        ("A prominent anti-Syria journalist was killed in Beirut.", "A prominent anti-Syria journalist", "SYR"),
        ("Thousands of anti-government protesters marched in Cairo.", "Thousands of anti-government protesters", "GOV"),
    ],
)
def test_anti_names_a_stance_not_who_someone_is(rules_pipeline, text, phrase, code):
    """"an anti-Syria journalist" was coded SYR MED, "anti-government protesters" GOV CVL."""
    (events,) = rules_pipeline.code_texts([text])
    labels = [a.label for e in events for a in [*e.sources, *e.targets]]
    assert labels and not any(code in label.split() for label in labels)


@pytest.mark.parametrize(
    ("text", "trigger", "target"),
    [
        ("Russia has threatened to stop the talks if the United States deploys new missiles in Europe.", "threatened", "USA"),
        ("Iran threatened to launch a new offensive unless Baghdad accepted its conditions.", "threatened", "IRQ"),
        ("Nigeria will withdraw its force unless the president of Liberia arranges a ceasefire.", "withdraw", "LBR"),
    ],
)
def test_a_threat_is_aimed_at_whom_its_condition_names(rules_event, text, trigger, target):
    """"threatened to ... unless Baghdad accepted": the threat had no target."""
    event = rules_event(text, trigger)
    assert event.plover_type == "THREATEN"
    assert [a.code for a in event.targets] == [target]


def test_a_mobilisation_is_readied_against_whom_its_purpose_names(rules_event):
    event = rules_event("Britain mobilized army reservists for a possible war against Iraq on Tuesday.", "mobilized")
    assert ([a.code for a in event.sources], [a.code for a in event.targets]) == (["GBR"], ["IRQ"])


@pytest.mark.parametrize(
    ("text", "targets"),
    [
        ("Israeli Prime Minister Ehud Barak has agreed to US mediation in the final status talks.", ["USA"]),
        ("Iraq agreed to UN inspections of its palaces.", ["UNO"]),
        ("Turkey has agreed to a ceasefire in Syria.", []),  # a place in it is no party to the agreement
    ],
)
def test_assent_is_given_to_whose_thing_is_agreed_to(rules_event, text, targets):
    event = rules_event(text, "agreed")
    assert [a.code for a in event.targets] == targets


def test_an_event_noun_under_an_agentless_passive_is_undergone_by_its_subject(rules_event):
    """"A US national was put under investigation in Italy": the national is investigated (it was
    the investigator), Italy investigates."""
    event = rules_event("A US national has been put under investigation in Italy for her possible role in rioting.", "investigation")
    assert ([a.code for a in event.sources], [a.code for a in event.targets]) == (["ITA"], ["USA"])
