"""Data-integrity tests for the demo corpus (src/dyads/demo/*.jsonl).

These check that the two files are well formed and consistent with each other; whether
the coder reproduces ``expected.jsonl`` is tested elsewhere.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from importlib.resources import files
from typing import Any

import pycountry
import pytest

from dyads.records import Article

ARTICLE_KEYS = {"id", "title", "outlet", "published", "url", "text"}
EXPECTED_KEYS = {
    "article_id",
    "sentence",
    "trigger",
    "plover_type",
    "cameo_root",
    "cameo_code",
    "source",
    "target",
    "date",
    "location_country",
    "status",
}
STATUSES = {"asserted", "claimed", "denied", "negated", "hypothetical"}
GROUP_CODES = {"ISIS", "EU", "UN", "IMF"}
SECTORS = {
    "COP", "GOV", "JUD", "LEG", "MIL", "PRM", "PTY", "REB", "SPY", "UAF", "UNK",
    "AGR", "BUS", "CRM", "CVL", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP",
    "PRE", "REL", "SOC",
}  # fmt: skip
# CAMEO roots each PLOVER type may carry (CAMEO2PLOVER plus the README's stated choices).
ROOTS_FOR_TYPE = {
    "AGREE": {"03"},
    "CONSULT": {"04"},
    "SUPPORT": {"05"},
    "COOPERATE": {"06"},
    "AID": {"07"},
    "CONCEDE": {"08"},
    "RETREAT": {"08"},
    "ACCUSE": {"09", "11"},
    "REQUEST": {"10"},
    "REJECT": {"12"},
    "THREATEN": {"13"},
    "PROTEST": {"14"},
    "MOBILIZE": {"15"},
    "SANCTION": {"16"},
    "COERCE": {"16", "17", "19"},
    "ASSAULT": {"17", "18", "19", "20"},
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ACTOR = re.compile(r"^[A-Z]{2,4}( [A-Z]{3})*$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def _read_jsonl(name: str) -> list[dict[str, Any]]:
    path = files("dyads") / "demo" / name
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        assert line.strip(), f"{name}:{number} is blank"
        row = json.loads(line)
        assert isinstance(row, dict), f"{name}:{number} is not a JSON object"
        rows.append(row)
    return rows


def _first_day(value: str) -> dt.date:
    """The date of a ``YYYY-MM-DD`` or ``YYYY-MM`` string (month -> its first day)."""
    if _DAY.match(value):
        return dt.date.fromisoformat(value)
    assert _MONTH.match(value), f"bad date format {value!r}"
    year, month = (int(part) for part in value.split("-"))
    return dt.date(year, month, 1)


def _country_ok(code: str) -> bool:
    return pycountry.countries.get(alpha_3=code) is not None


@pytest.fixture(scope="module")
def articles() -> list[dict[str, Any]]:
    return _read_jsonl("articles.jsonl")


@pytest.fixture(scope="module")
def by_id(articles: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {article["id"]: article for article in articles}


@pytest.fixture(scope="module")
def expected() -> list[dict[str, Any]]:
    return _read_jsonl("expected.jsonl")


def test_articles_have_the_documented_fields(articles: list[dict[str, Any]]) -> None:
    assert 24 <= len(articles) <= 30
    for article in articles:
        assert set(article) == ARTICLE_KEYS, article.get("id")
        assert all(isinstance(article[key], str) and article[key] for key in ARTICLE_KEYS)
        assert re.fullmatch(r"demo-\d{2}", article["id"])


def test_article_ids_are_unique(articles: list[dict[str, Any]]) -> None:
    counts = Counter(article["id"] for article in articles)
    assert [key for key, n in counts.items() if n > 1] == []


def test_published_dates_parse_and_fall_in_range(articles: list[dict[str, Any]]) -> None:
    for article in articles:
        published = dt.date.fromisoformat(article["published"])
        assert dt.date(2014, 1, 1) <= published <= dt.date(2024, 12, 31), article["id"]
        y, m, d = article["published"].split("-")
        assert article["url"].startswith(f"https://demo.dyads.invalid/{y}/{m}/{d}/"), article["id"]


def test_article_texts_are_short_clean_news(articles: list[dict[str, Any]]) -> None:
    for article in articles:
        text = article["text"]
        assert 80 <= len(text.split()) <= 250, article["id"]
        assert text == text.strip() and "  " not in text and "\n" not in text, article["id"]
        assert text.isascii(), article["id"]
        assert text.endswith("."), article["id"]


def test_articles_build_valid_records(articles: list[dict[str, Any]]) -> None:
    for article in articles:
        record = Article.create(
            text=article["text"],
            title=article["title"],
            url=article["url"],
            outlet=article["outlet"],
            published=dt.date.fromisoformat(article["published"]),
            id=article["id"],
        )
        assert record.id == article["id"]
        assert record.published is not None and record.published.isoformat() == article["published"]


def test_weekdays_in_text_are_within_a_week_of_publication(articles: list[dict[str, Any]]) -> None:
    # Every weekday a text names must exist in the 7 days up to publication, i.e. it
    # is always resolvable; the publication weekday itself is the most recent one.
    for article in articles:
        published = dt.date.fromisoformat(article["published"])
        named = {day for day in WEEKDAYS if day in article["text"]}
        resolvable = {WEEKDAYS[(published - dt.timedelta(days=k)).weekday()] for k in range(7)}
        assert named <= resolvable, article["id"]


def test_expected_rows_have_the_documented_fields(expected: list[dict[str, Any]]) -> None:
    assert expected
    for row in expected:
        assert set(row) == EXPECTED_KEYS, row
        for key in ("article_id", "sentence", "trigger", "cameo_root", "source", "date", "status"):
            assert isinstance(row[key], str) and row[key], (key, row)
        # PLOVER has no type for CAMEO 01-02 statements and appeals: those rows carry null
        assert (row["plover_type"] is None) == (row["cameo_root"] in ("01", "02")), row
        for key in ("cameo_code", "target", "location_country"):
            assert row[key] is None or (isinstance(row[key], str) and row[key]), (key, row)


def test_expected_rows_are_not_duplicated(expected: list[dict[str, Any]]) -> None:
    keys = Counter(json.dumps(row, sort_keys=True) for row in expected)
    assert [key for key, n in keys.items() if n > 1] == []


def test_sentences_and_triggers_come_from_the_article(
    expected: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]
) -> None:
    for row in expected:
        assert row["article_id"] in by_id, row["article_id"]
        text = by_id[row["article_id"]]["text"]
        sentence = row["sentence"]
        assert text.count(sentence) == 1, (row["article_id"], sentence)
        start = text.index(sentence)
        # a whole sentence: starts the text or follows ". ", and ends with a full stop
        assert start == 0 or text[start - 2 : start] == ". ", (row["article_id"], sentence)
        assert sentence.endswith("."), sentence
        assert row["trigger"] in sentence, (row["trigger"], sentence)


def test_every_article_has_an_expected_event(
    expected: list[dict[str, Any]], articles: list[dict[str, Any]]
) -> None:
    coded = {row["article_id"] for row in expected}
    assert [article["id"] for article in articles if article["id"] not in coded] == []


def test_plover_types_and_cameo_codes_agree(expected: list[dict[str, Any]]) -> None:
    for row in expected:
        root, code, kind = row["cameo_root"], row["cameo_code"], row["plover_type"]
        if kind is None:
            continue  # a statement or appeal (CAMEO 01-02), checked above
        assert kind in ROOTS_FOR_TYPE, kind
        assert re.fullmatch(r"\d{2}", root) and 1 <= int(root) <= 20, root
        assert root in ROOTS_FOR_TYPE[kind], (kind, root, row["sentence"])
        if code is not None:
            assert re.fullmatch(r"\d{3}", code) and code.startswith(root), (root, code)


def test_actor_labels_use_known_codes_and_sectors(expected: list[dict[str, Any]]) -> None:
    for row in expected:
        for label in (row["source"], row["target"]):
            if label is None:
                continue
            assert _ACTOR.match(label), label
            code, *sectors = label.split(" ")
            assert code in GROUP_CODES or _country_ok(code), label
            assert set(sectors) <= SECTORS, label
        location = row["location_country"]
        assert location is None or (len(location) == 3 and _country_ok(location)), location


def test_dates_parse_and_respect_publication(
    expected: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]
) -> None:
    for row in expected:
        assert row["status"] in STATUSES, row["status"]
        event_day = _first_day(row["date"])
        published = dt.date.fromisoformat(by_id[row["article_id"]]["published"])
        if row["status"] != "hypothetical":
            assert event_day <= published, (row["article_id"], row["date"])
        assert published - event_day < dt.timedelta(days=366), (row["article_id"], row["date"])


def test_day_dates_match_weekdays_named_in_the_sentence(expected: list[dict[str, Any]]) -> None:
    checked = 0
    for row in expected:
        named = {day for day in WEEKDAYS if day in row["sentence"]}
        if not named or not _DAY.match(row["date"]):
            continue
        weekday = WEEKDAYS[dt.date.fromisoformat(row["date"]).weekday()]
        assert weekday in named, (row["article_id"], row["date"], row["sentence"])
        checked += 1
    assert checked >= 20


def test_every_status_is_represented(expected: list[dict[str, Any]]) -> None:
    assert {row["status"] for row in expected} == STATUSES
    assert {row["plover_type"] for row in expected} >= {"ASSAULT", "ACCUSE", "SANCTION", "CONSULT", "AID"}


def test_demo_01_is_the_hamadan_scenario(
    expected: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]
) -> None:
    article = by_id["demo-01"]
    assert article["published"] == "2016-08-16"
    assert dt.date(2016, 8, 16).weekday() == WEEKDAYS.index("Tuesday")
    for needle in ("Hamadan", "Iran", "Syria", "Federation Council", "claimed", "one day prior", "In June", "denied"):
        assert needle in article["text"], needle
    rows = [row for row in expected if row["article_id"] == "demo-01"]

    def find(**want: str) -> list[dict[str, Any]]:
        return [row for row in rows if all(row[key] == value for key, value in want.items())]

    strike = find(plover_type="ASSAULT", cameo_code="195", source="RUS MIL", date="2016-08-16")
    assert len(strike) == 1
    assert strike[0]["target"].startswith("SYR") and strike[0]["location_country"] == "SYR"
    assert strike[0]["status"] == "claimed"  # "according to the Russian Defense Ministry"
    assert len(find(plover_type="SUPPORT", source="RUS LEG")) == 1
    assert len(find(date="2016-08-15", status="claimed")) == 1
    assert len(find(date="2016-06", status="denied")) == 1
