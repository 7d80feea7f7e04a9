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


# ------------------------------------------------- reference points, names and abbreviations (issue 5)


@pytest.mark.parametrize(
    ("name", "feature", "lat", "lon"),
    [
        # GeoNames' own points for these features (the convention of the geoparsing gold sets)
        ("Canada", "country", 60.10867, -113.64258),
        ("Ontario", "admin1", 49.25014, -84.49983),
        ("Florida", "admin1", 28.75054, -82.50010),
        ("Atlantic Ocean", "region", 10.0, -25.0),
        ("Indian Ocean", "region", -10.0, 70.0),
        # regions pycountry names without a point, and English names it lacks
        ("Karnataka", "admin1", 13.5, 76.0),
        ("England", "admin1", 52.5, -1.5),
        ("Limpopo", "admin1", -23.9, 29.5),
        ("Bavaria", "admin1", 48.9, 11.4),
        ("Sichuan", "admin1", 30.6, 102.7),
    ],
)
def test_points_of_countries_regions_and_oceans(gaz: Gazetteer, name: str, feature: str, lat: float, lon: float) -> None:
    place = gaz.resolve(name)
    assert place is not None and place.feature == feature
    assert place.lat is not None and place.lon is not None
    assert km(place.lat, place.lon, lat, lon) <= 161


def test_every_admin1_point_row_names_a_known_region_with_a_point(gaz: Gazetteer) -> None:
    from dyads.geo.gazetteer import _read_admin1_points

    rows = _read_admin1_points()
    assert len(rows) > 300
    regions = {m.place.key[4:]: m.place for matches in gaz._index.values() for m in matches if m.place.key.startswith("sub:")}
    for code, (lat, lon, _others) in rows.items():
        assert -90 <= lat <= 90 and -180 <= lon <= 180, code
        assert (regions[code].lat, regions[code].lon) == (lat, lon)


def test_a_bad_admin1_point_row_is_a_data_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from dyads.errors import DataError
    from dyads.geo import gazetteer as module

    monkeypatch.setattr(module, "_data_lines", lambda filename: iter([(7, ["CA-ON", "north", "-84.5"])]))
    with pytest.raises(DataError) as caught:
        module._read_admin1_points()
    assert caught.value.code == "E501" and "admin1_points.tsv:7" in str(caught.value)


def test_an_alternate_name_never_beats_a_place_of_that_very_name(gaz: Gazetteer) -> None:
    salisbury = gaz.resolve("Salisbury")  # Harare's old name; Salisbury, England exists
    assert salisbury is not None and salisbury.name == "Salisbury" and salisbury.country != "ZWE"
    bombay = gaz.resolve("Bombay")  # only an alternate name: still found
    assert bombay is not None and bombay.name == "Mumbai"


@pytest.mark.parametrize(("text", "state"), [("Kan.", "Kansas"), ("Pa.", "Pennsylvania"), ("N.J.", "New Jersey"), ("Va.", "Virginia")])
def test_ap_state_abbreviations_with_their_period(gaz: Gazetteer, text: str, state: str) -> None:
    place = gaz.resolve(text)
    assert place is not None and place.feature == "admin1" and place.country == "USA" and place.name == state


def test_abbreviation_keys_keep_their_periods(gaz: Gazetteer) -> None:
    los_angeles = gaz.resolve("L.A.")
    assert los_angeles is None or los_angeles.name != "Louisiana"  # "L.A." is not "La."
    kan = gaz.resolve("Kan")  # without the period: not the abbreviation, nor Ganzhou's old short name
    assert kan is None or kan.country != "CHN"


def test_x_county_is_a_city_x_only_where_a_county_x_exists(gaz: Gazetteer) -> None:
    medina = gaz.resolve("Medina County")  # Medina, Ohio lies in Medina County, Ohio
    assert medina is not None and medina.country == "USA" and medina.admin1 == "Ohio"
    assert gaz.resolve("Laurel County") is None  # Kentucky's county; no Laurel city of Kentucky is listed
    morris = gaz.resolve("Morris County")  # never a place that only lists "Morris" as an alternate name
    assert morris is None or morris.country == "USA"


def test_a_region_of_the_article_favours_its_own_town(gaz: Gazetteer) -> None:
    alone = gaz.resolve("Gainesville", context_countries={"USA"})
    assert alone is not None and alone.admin1 == "Florida"  # the biggest Gainesville
    in_georgia = gaz.resolve("Gainesville", context_countries={"USA"}, context_regions={"Georgia"})
    assert in_georgia is not None and in_georgia.admin1 == "Georgia"


def test_small_town_in_a_named_region(gaz: Gazetteer) -> None:
    new_jersey = gaz.ranked("New Jersey")[0][1]
    allendale = gaz.town_in("Allendale", new_jersey)
    assert allendale is not None and allendale.country == "USA" and allendale.admin1 == "New Jersey"
    assert 0 < allendale.population < 15_000
    assert allendale.lat is not None and allendale.lon is not None
    assert km(allendale.lat, allendale.lon, 41.04, -74.13) < 20
    assert gaz.town_in("Nowhereville Xq", new_jersey) is None
    ireland = gaz.ranked("Ireland")[0][1]
    newport = gaz.town_in("Newport", ireland)  # a country qualifies too: Newport, County Mayo
    assert newport is not None and newport.country == "IRL"


def test_possessive_in_the_name_and_generic_stems(gaz: Gazetteer) -> None:
    state = gaz.resolve("New Mexico's")  # the NER sometimes keeps the "'s" in the entity
    assert state is not None and state.name == "New Mexico" and state.feature == "admin1"
    assert gaz.resolve("North State") is None  # "North State Street" is not Cameroon's North region


def test_x_county_is_never_a_country(gaz: Gazetteer) -> None:
    guernsey = gaz.resolve("Guernsey County")  # a county of Ohio, not the island
    assert guernsey is None or guernsey.country == "USA"
