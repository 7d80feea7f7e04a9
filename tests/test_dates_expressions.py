"""Finding date phrases in sentences: spans, kinds, overlaps and words that only look like dates."""

from __future__ import annotations

import pytest

from dyads.dates import count_before, find_date_expressions


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Rebels shelled the airport on Tuesday, officials said.", [("on Tuesday", "weekday")]),
        ("The ministers met in Geneva on June 5, 2016 to sign it.", [("on June 5, 2016", "explicit")]),
        ("Talks ran from 3 to 5 May in Vienna.", [("from 3 to 5 May", "explicit")]),
        ("Strikes hit the port between May 3 and 5, the navy said.", [("between May 3 and 5", "explicit")]),
        ("Troops left in June and returned last week.", [("in June", "month"), ("last week", "relative")]),
        ("The town fell on Sunday, a day after the rebels arrived.", [("on Sunday", "weekday")]),
        ("The town fell on Sunday. The rebels had arrived a day earlier.",
         [("on Sunday", "weekday"), ("a day earlier", "anchored")]),
        ("On Tuesday, June 7 police detained 40 students.", [("On Tuesday, June 7", "explicit")]),
        ("The accord, signed on 2016-06-05, was broken two years ago.",
         [("on 2016-06-05", "explicit"), ("two years ago", "relative")]),
        ("Clashes broke out late Monday and continued Tuesday night.",
         [("late Monday", "weekday"), ("Tuesday night", "weekday")]),
        ("The march on March 3 drew 500 people.", [("on March 3", "explicit")]),
        ("It happened the day before yesterday.", [("the day before yesterday", "relative")]),
        ("police fired on protesters in delhi on tuesday", [("on tuesday", "weekday")]),
        ("Delegates met in Doha from Friday to Sunday.", [("from Friday to Sunday", "weekday")]),
        ("Strikes closed the port Thursday-Saturday.", [("Thursday-Saturday", "weekday")]),
        # "later"/"earlier" take no noun phrase: the words after them start the clause
        ("Troops left on Sunday and three days later the rebels returned.",
         [("on Sunday", "weekday"), ("three days later", "anchored")]),
        ("A week earlier the president had resigned.", [("A week earlier", "anchored")]),
        ("Hours later the army withdrew.", [("Hours later", "anchored")]),
    ],
)
def test_finds_phrases_with_spans(sentence: str, expected: list[tuple[str, str]]) -> None:
    found = find_date_expressions(sentence)
    assert [(e.text, e.kind) for e in found] == expected
    for expression in found:
        assert sentence[expression.start : expression.end] == expression.text


@pytest.mark.parametrize(
    "sentence",
    [
        "Officials may meet again, and the march began at 5 pm.",
        "It rained on 31 June in the story.",
        "Jan Kowalski met the envoy in Warsaw.",
        "The two sides held talks two days before the vote.",
        "Rebels retreated a week after the offensive.",
        "The talks collapsed hours after the announcement.",
        "Turnout reached 13/14 of the wards.",
        "The 1990s saw many wars.",
    ],
)
def test_no_false_dates(sentence: str) -> None:
    assert find_date_expressions(sentence) == []


def test_longest_phrase_wins_over_parts() -> None:
    found = find_date_expressions("Fighting resumed between 10 and 12 September 2015.")
    assert [e.text for e in found] == ["between 10 and 12 September 2015"]


def test_expressions_are_frozen() -> None:
    expression = find_date_expressions("on Monday")[0]
    with pytest.raises(AttributeError):
        expression.start = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rebels shelled the port on Friday, a day ", ("a day", 1, "day")),
        ("The president resigned the day ", ("the day", 1, "day")),
        ("Talks resumed two weeks ", ("two weeks", 2, "week")),
        ("Riots broke out a couple of months ", ("a couple of months", 2, "month")),
        ("Police moved in 3 days ", ("3 days", 3, "day")),
        ("Troops withdrew hours ", ("hours", 0, "hour")),
    ],
)
def test_count_before_a_clause(text: str, expected: tuple[str, int, str]) -> None:
    found = count_before(text)
    assert found is not None
    assert (text[found.start :].strip(), found.count, found.unit) == expected


@pytest.mark.parametrize("text", ["Rebels shelled the port on Friday, ", "Troops withdrew shortly ", "It lasted days "])
def test_no_count_before(text: str) -> None:
    assert count_before(text) is None
