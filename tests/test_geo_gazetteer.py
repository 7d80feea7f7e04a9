"""Gazetteer: offline lookups, ranking, aliases, sites and context."""

from __future__ import annotations

import math

import pytest

from dyads.geo.gazetteer import Gazetteer, fold_latin, fold_name


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    rad = math.pi / 180
    a = math.sin((lat2 - lat1) * rad / 2) ** 2 + math.cos(lat1 * rad) * math.cos(lat2 * rad) * math.sin(
        (lon2 - lon1) * rad / 2
    ) ** 2
    return 12742 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def test_default_is_built_once(gaz: Gazetteer) -> None:
    assert Gazetteer.default() is gaz
    assert len(gaz) > 100_000  # cities, their alternate names, countries, admin-1, sites


def test_fold_name_strips_accents_punctuation_and_article() -> None:
    assert fold_name("Hamadān") == "hamadan"
    assert fold_name("the West Bank") == "west bank"
    assert fold_name("U.S.") == "us"
    assert fold_name("Bab al-Hawa") == "bab al hawa"
    assert fold_name("Sana'a") == "sanaa"
    assert fold_name("Türkiye") == "turkiye"


def test_fold_latin_matches_fold_name_and_drops_other_scripts() -> None:
    names = ["Köln", "the Hague", "Москва", "PAR", "Ḩalab"]
    assert fold_latin(names) == [fold_name("Köln"), fold_name("the Hague"), fold_name("Ḩalab")]


def test_aleppo_resolves_to_syria_within_50_km(gaz: Gazetteer) -> None:
    loc = gaz.resolve("Aleppo")
    assert loc is not None and loc.country == "SYR" and loc.feature == "city"
    assert loc.lat is not None and loc.lon is not None
    assert km(loc.lat, loc.lon, 36.2, 37.16) < 50
    assert loc.geonameid is not None


@pytest.mark.parametrize("name", ["Hamadan", "Hamadān", "Hamedan"])
def test_hamadan_spellings_resolve_to_iran(gaz: Gazetteer, name: str) -> None:
    loc = gaz.resolve(name)
    assert loc is not None and loc.country == "IRN"


def test_context_picks_a_town_but_never_over_a_world_city(gaz: Gazetteer) -> None:
    default = gaz.resolve("Athens")
    assert default is not None and default.country == "GRC"
    countries = {loc.country for loc in gaz.candidates("Athens")}
    assert {"GRC", "USA"} <= countries  # the name is ambiguous
    with_usa = gaz.resolve("Athens", context_countries={"USA"})  # two cities of similar size
    assert with_usa is not None and with_usa.country == "USA" and with_usa.admin1 == "Georgia"
    # a town of 25,000 never beats a metropolis on context alone ("Moscow and Washington")
    moscow = gaz.resolve("Moscow", context_countries={"USA"})
    assert moscow is not None and moscow.country == "RUS"
    paris = gaz.resolve("Paris", context_countries={"USA"})
    assert paris is not None and paris.country == "FRA"  # "Paris, Texas" is read by the places stage


def test_context_does_not_turn_a_country_into_a_small_town(gaz: Gazetteer) -> None:
    loc = gaz.resolve("Lebanon", context_countries={"USA"})
    assert loc is not None and loc.country == "LBN" and loc.feature == "country"


@pytest.mark.parametrize(
    ("name", "iso3"),
    [("Russia", "RUS"), ("Turkey", "TUR"), ("Türkiye", "TUR"), ("UK", "GBR"), ("Britain", "GBR"),
     ("U.S.", "USA"), ("Saudi", "SAU"), ("Burma", "MMR"), ("Ivory Coast", "CIV")],
)
def test_country_aliases(gaz: Gazetteer, name: str, iso3: str) -> None:
    loc = gaz.resolve(name)
    assert loc is not None and loc.feature == "country" and loc.country == iso3
    assert loc.lat is not None  # centroid table covers it


@pytest.mark.parametrize("name", ["Kiev", "Kyiv"])
def test_city_alias_kiev(gaz: Gazetteer, name: str) -> None:
    loc = gaz.resolve(name)
    assert loc is not None and loc.name == "Kyiv" and loc.country == "UKR" and loc.feature == "city"


@pytest.mark.parametrize(
    ("name", "iso3", "feature"),
    [("the West Bank", "PSE", "region"), ("Gaza", "PSE", "region"), ("Crimea", "UKR", "region"),
     ("Donbas", "UKR", "region"), ("Golan Heights", "SYR", "region"), ("Incirlik", "TUR", "site"),
     ("Hmeimim air base", "SYR", "site"), ("Al Udeid", "QAT", "site"), ("Bab al-Hawa", "SYR", "site")],
)
def test_sites_and_disputed_regions(gaz: Gazetteer, name: str, iso3: str, feature: str) -> None:
    loc = gaz.resolve(name)
    assert loc is not None and loc.country == iso3 and loc.feature == feature


def test_hamadan_air_base_is_the_nojeh_site(gaz: Gazetteer) -> None:
    loc = gaz.resolve("Hamadan air base")
    assert loc is not None and loc.feature == "site" and loc.country == "IRN"
    assert loc.lat is not None and loc.lon is not None
    assert km(loc.lat, loc.lon, 35.21, 48.65) < 20
    assert gaz.is_site_name("Hamadan Air Base")


def test_admin1_from_pycountry_with_alias(gaz: Gazetteer) -> None:
    texas = gaz.resolve("Texas")
    assert texas is not None and texas.feature == "admin1" and texas.country == "USA"
    donetsk = gaz.resolve("Donetsk region")
    assert donetsk is not None and donetsk.feature == "admin1" and donetsk.country == "UKR"


def test_unknown_name_gives_nothing(gaz: Gazetteer) -> None:
    assert gaz.resolve("Qwxzplonk") is None
    assert gaz.candidates("Qwxzplonk") == []


def test_country_lookup_by_code(gaz: Gazetteer) -> None:
    france = gaz.country("fra")
    assert france is not None and france.feature == "country" and france.country == "FRA"
    assert gaz.is_country_code("SYR") and not gaz.is_country_code("XYZ")
    assert gaz.country("XYZ") is None


def test_candidates_are_fresh_records(gaz: Gazetteer) -> None:
    first = gaz.resolve("Aleppo")
    assert first is not None
    first.name = "changed"
    again = gaz.resolve("Aleppo")
    assert again is not None and again.name == "Aleppo"


def test_small_town_abroad_is_not_taken_against_the_article_context():
    from dyads.geo.gazetteer import Gazetteer

    gazetteer = Gazetteer.default()
    abroad = gazetteer.resolve("Madaya")  # no context: the only Madaya the gazetteer knows
    assert abroad is not None and abroad.country == "MMR"
    assert gazetteer.resolve("Madaya", context_countries={"SYR", "LBN"}) is None
    paris = gazetteer.resolve("Paris", context_countries={"SYR"})  # a big city abroad still resolves
    assert paris is not None and paris.country == "FRA"


def test_city_beats_the_province_named_after_it_only_when_it_lies_there(gaz: Gazetteer) -> None:
    nablus = gaz.resolve("Nablus")  # the city of the Nablus governorate
    assert nablus is not None and nablus.feature == "city" and nablus.country == "PSE"
    wyoming = gaz.resolve("Wyoming")  # the state, not Wyoming, Michigan (a city of ~75,000)
    assert wyoming is not None and wyoming.feature == "admin1" and wyoming.admin1 == "Wyoming"
    new_york = gaz.resolve("New York")  # the city lies in the state of its name
    assert new_york is not None and new_york.feature == "city"
