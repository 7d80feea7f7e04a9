"""Consistency of the built-in table of office holders (``actors/data/people.tsv``).

The table is read twice: by hand here (so a malformed row is reported with its line)
and through the package loader. No model is needed.
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
from dataclasses import dataclass
from importlib import resources

import pytest

from dyads.actors import ActorDictionary
from dyads.actors.dictionary import package_entries
from dyads.actors.names import SECTOR_ORDER, normalise

HEADER = ["names", "code", "sectors", "role", "start", "end"]
TODAY = dt.date(2026, 11, 25)


def _data_lines(name: str) -> list[tuple[int, str]]:
    text = resources.files("dyads.actors").joinpath("data", name).read_text(encoding="utf-8")
    return [(i, line) for i, line in enumerate(text.splitlines(), start=1) if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class Row:
    line: int
    names: tuple[str, ...]
    cell: str
    code: str
    sectors: tuple[str, ...]
    role: str
    start: dt.date
    end: dt.date | None

    @property
    def person(self) -> str:
        return self.names[0]

    def overlaps(self, other: Row) -> bool:
        end_a = self.end or dt.date.max
        end_b = other.end or dt.date.max
        return self.start < end_b and other.start < end_a


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    lines = _data_lines("people.tsv")
    assert lines[0][1].split("\t") == HEADER
    found: list[Row] = []
    for number, line in lines[1:]:
        cells = line.split("\t")
        assert len(cells) == len(HEADER), f"line {number}: {len(cells)} columns"
        assert all(c == c.strip() for c in cells), f"line {number}: stray spaces"
        names_cell, code, sectors, role, start, end = cells
        names = tuple(names_cell.split("|"))
        assert all(n and n == n.strip() for n in names), f"line {number}: empty name part"
        assert role, f"line {number}: no role"
        assert start, f"line {number}: no start date"
        found.append(
            Row(
                line=number,
                names=names,
                cell=names_cell,
                code=code,
                sectors=tuple(sectors.split()),
                role=role,
                start=dt.date.fromisoformat(start),
                end=dt.date.fromisoformat(end) if end else None,
            )
        )
    return found


def test_loader_reads_every_row(rows: list[Row]) -> None:
    people = [e for e in package_entries() if e.kind == "person"]
    assert len(people) == len(rows) > 500
    loaded = {(e.names, e.code, e.role, e.start, e.end) for e in people}
    assert all((r.names, r.code, r.role, r.start, r.end) in loaded for r in rows)


def test_dates_are_ordered_and_plausible(rows: list[Row]) -> None:
    for r in rows:
        assert dt.date(1900, 1, 1) < r.start <= TODAY, f"line {r.line}: start {r.start}"
        if r.end is not None:
            assert r.start < r.end, f"line {r.line}: start {r.start} not before end {r.end}"
            assert r.end <= TODAY, f"line {r.line}: end {r.end} in the future"


def test_codes_and_sectors_are_known(rows: list[Row]) -> None:
    countries = {line.split("\t")[0] for _, line in _data_lines("countries.tsv")[1:]}
    groups = {line.split("\t")[0] for _, line in _data_lines("groups.tsv")[1:]} - {""}
    assert {"RUS", "USA", "PSE", "SRB"} <= countries and {"UNO", "NATO", "EU"} <= groups
    for r in rows:
        assert len(r.code) >= 2 and r.code.isupper(), f"line {r.line}: code {r.code!r}"
        assert r.code in countries or r.code in groups, f"line {r.line}: unknown code {r.code}"
        assert r.sectors and set(r.sectors) <= set(SECTOR_ORDER), f"line {r.line}: sectors {r.sectors}"
        assert len(set(r.sectors)) == len(r.sectors), f"line {r.line}: repeated sector"


def test_one_names_cell_per_person(rows: list[Row]) -> None:
    cells: dict[str, set[str]] = collections.defaultdict(set)
    for r in rows:
        cells[r.person].add(r.cell)
        assert len(r.names) == len(set(r.names)), f"line {r.line}: a name listed twice"
    assert {p: c for p, c in cells.items() if len(c) > 1} == {}


def test_one_holder_of_an_office_at_a_time(rows: list[Row]) -> None:
    by_office: dict[tuple[str, str], list[Row]] = collections.defaultdict(list)
    for r in rows:
        by_office[(r.code, r.role)].append(r)
    clashes = [
        (office, a.person, b.person, a.line, b.line)
        for office, held in by_office.items()
        for a, b in itertools.combinations(held, 2)
        if a.overlaps(b)
    ]
    assert clashes == []


def test_no_name_shared_by_two_people_in_office_together(rows: list[Row]) -> None:
    by_key: dict[str, list[Row]] = collections.defaultdict(list)
    for r in rows:
        for key in {normalise(n) for n in r.names}:
            by_key[key].append(r)
    shared = [
        (key, a.person, a.code, b.person, b.code)
        for key, holders in by_key.items()
        for a, b in itertools.combinations(holders, 2)
        if a.person != b.person and a.overlaps(b)
    ]
    assert shared == []


def test_person_names_do_not_shadow_other_entries() -> None:
    other_keys = {
        normalise(name)
        for e in package_entries()
        if e.kind != "person"
        for name in (*e.names, *e.adjectives)
    }
    clashes = sorted({n for e in package_entries() if e.kind == "person" for n in e.names if normalise(n) in other_keys})
    assert clashes == []


@pytest.mark.parametrize(
    ("name", "on", "code", "role", "canonical"),
    [
        ("Putin", dt.date(2010, 6, 1), "RUS", "Prime Minister", "Vladimir Putin"),
        ("Putin", dt.date(2016, 6, 1), "RUS", "President", "Vladimir Putin"),
        ("Yeltsin", dt.date(1995, 1, 1), "RUS", "President", "Boris Yeltsin"),
        ("Gorbachev", dt.date(1988, 1, 1), "RUS", "General Secretary", "Mikhail Gorbachev"),
        ("Bill Clinton", dt.date(1996, 1, 1), "USA", "President", "Bill Clinton"),
        ("Bush", dt.date(1986, 1, 1), "USA", "Vice President", "George H. W. Bush"),
        ("Bush", dt.date(1990, 1, 1), "USA", "President", "George H. W. Bush"),
        ("Bush", dt.date(2003, 3, 20), "USA", "President", "George W. Bush"),
        ("Albright", dt.date(1998, 1, 1), "USA", "Secretary of State", "Madeleine Albright"),
        ("Assad", dt.date(1995, 1, 1), "SYR", "President", "Hafez al-Assad"),
        ("Assad", dt.date(2012, 1, 1), "SYR", "President", "Bashar al-Assad"),
        ("Khamenei", dt.date(1985, 1, 1), "IRN", "President", "Ali Khamenei"),
        ("Khamenei", dt.date(2000, 1, 1), "IRN", "Supreme Leader", "Ali Khamenei"),
        ("Netanyahu", dt.date(1997, 1, 1), "ISR", "Prime Minister", "Benjamin Netanyahu"),
        ("Arafat", dt.date(1996, 6, 1), "PSE", "President", "Yasser Arafat"),
        ("Mubarak", dt.date(2000, 1, 1), "EGY", "President", "Hosni Mubarak"),
        ("Milosevic", dt.date(1995, 1, 1), "SRB", "President", "Slobodan Milosevic"),
        ("Milošević", dt.date(1999, 4, 1), "SRB", "President of Yugoslavia", "Slobodan Milosevic"),
        ("Shevardnadze", dt.date(1987, 1, 1), "RUS", "Soviet Foreign Minister", "Eduard Shevardnadze"),
        ("Shevardnadze", dt.date(1998, 1, 1), "GEO", "President", "Eduard Shevardnadze"),
        ("Boutros-Ghali", dt.date(1994, 1, 1), "UNO", "Secretary-General", "Boutros Boutros-Ghali"),
        ("Solana", dt.date(1997, 1, 1), "NATO", "Secretary General", "Javier Solana"),
        ("Solana", dt.date(2005, 1, 1), "EU", "High Representative", "Javier Solana"),
        ("Mohammed bin Salman", dt.date(2020, 1, 1), "SAU", "Crown Prince", "Mohammed bin Salman"),
        ("Gaddafi", dt.date(1990, 1, 1), "LBY", "Leader", "Muammar Gaddafi"),
        ("Kohl", dt.date(1990, 10, 3), "DEU", "Chancellor", "Helmut Kohl"),
        ("John Major", dt.date(1995, 1, 1), "GBR", "Prime Minister", "John Major"),
    ],
)
def test_resolution_by_date(actors: ActorDictionary, name, on, code, role, canonical) -> None:
    entry = actors.person(name, on=on)
    assert entry is not None, name
    assert (entry.code, entry.role, entry.name) == (code, role, canonical)


def test_undated_names_still_resolve(actors: ActorDictionary) -> None:
    assert actors.person("Yeltsin").code == "RUS"
    assert actors.person("Assad").name == "Bashar al-Assad"  # the most recent office
    assert actors.person("Hafez al-Assad").name == "Hafez al-Assad"
    assert actors.person("Bill Clinton").role == "President"


def test_out_of_office_and_ambiguous_names(actors: ActorDictionary) -> None:
    assert actors.person("Yeltsin", on=dt.date(2005, 1, 1)) is None
    assert actors.person("Netanyahu", on=dt.date(2000, 1, 1)) is None
    for ambiguous in ("Clinton", "Johnson", "May", "Kim", "Li", "Wang", "Singh", "Khan", "Castro", "Sharif",
                      "Hussein", "Abdullah", "Aquino", "Kaczynski", "Ivanov", "Major", "Rice", "Gates", "Taylor"):
        assert actors.person(ambiguous) is None, ambiguous
