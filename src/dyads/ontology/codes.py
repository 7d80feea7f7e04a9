"""CAMEO codes and PLOVER event types, read once from package data.

The tables live in ``dyads/ontology/data/`` (``cameo_codes.tsv``, ``plover_types.tsv``) and are
written from the public CAMEO codebook and PLOVER manual; see ``docs/ontology.md``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from dyads.errors import DataError

QUAD_CLASS_NAMES: Mapping[int, str] = MappingProxyType(
    {
        0: "neutral",
        1: "verbal cooperation",
        2: "material cooperation",
        3: "verbal conflict",
        4: "material conflict",
    }
)

#: Names used by PLOVER 0.5 (and the gold-standard records) mapped to PLOVER 0.8 names.
LEGACY_PLOVER_NAMES: Mapping[str, str] = MappingProxyType(
    {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
)

#: The PLV data set's root label that stands for CONCEDE or RETREAT; kept as is.
YIELD = "YIELD"

#: Mode names from older PLOVER releases mapped to PLOVER 0.8 modes.
LEGACY_PLOVER_MODES: Mapping[str, str] = MappingProxyType(
    {
        "strike-hun": "hunger",
        "strike-gen": "strike",
        "riot-spon": "riot",
        "riot-org": "riot",
        "demo-org": "demo",
        "demo-spon": "demo",
        "host": "visit",
        "assassinate": "targeted",
        "detain": "arrest",
        "confiscate": "seize",
        "ban": "restrict",
    }
)

# A representative CAMEO root for each PLOVER type (the root whose events most often carry it).
_PLOVER_ROOTS: Mapping[str, str] = MappingProxyType(
    {
        "AGREE": "03",
        "CONSULT": "04",
        "SUPPORT": "05",
        "COOPERATE": "06",
        "AID": "07",
        "CONCEDE": "08",
        "RETREAT": "08",
        YIELD: "08",
        "REQUEST": "10",
        "ACCUSE": "11",
        "REJECT": "12",
        "THREATEN": "13",
        "PROTEST": "14",
        "MOBILIZE": "15",
        "SANCTION": "16",
        "COERCE": "17",
        "ASSAULT": "19",
    }
)

_CODE_SHAPE = re.compile(r"^\d{2,4}$")
_DATA = "data"


@dataclass(frozen=True)
class CameoCode:
    """One CAMEO code with its Goldstein weight, quad class and PLOVER type/mode (None: statement only)."""

    code: str
    name: str
    goldstein: float
    quad_class: int
    plover_type: str | None
    plover_mode: str | None

    @property
    def root(self) -> str:
        """The two-digit root, e.g. ``'19'`` for ``'195'``."""
        return self.code[:2]


@dataclass(frozen=True)
class PloverType:
    """One PLOVER event type: quad class (1-4), type-level score and its modes."""

    name: str
    quad_class: int
    score: float
    modes: tuple[str, ...]


@dataclass(frozen=True)
class TsvRow:
    """One data row of a TSV table: its 1-based line number and its cells by column name."""

    line: int
    cells: Mapping[str, str]


def read_tsv(text: str, *, where: str, error_code: str, required: tuple[str, ...]) -> list[TsvRow]:
    """Parse a tab-separated table: ``#`` lines and blank lines are skipped, the first other line is the header.

    Rows shorter than the header are padded with empty cells; longer rows, a header without a
    ``required`` column and a table without a header raise :class:`DataError` with ``error_code``.
    """
    header: tuple[str, ...] | None = None
    rows: list[TsvRow] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        if header is None:
            header = tuple(cell.lower() for cell in cells)
            missing = [name for name in required if name not in header]
            if missing:
                raise DataError(
                    error_code,
                    f"{where}:{number}: header lacks column(s) {', '.join(missing)}",
                    fix=f"start the table with a tab-separated header naming at least: {', '.join(required)}",
                )
            continue
        if len(cells) > len(header):
            raise DataError(
                error_code,
                f"{where}:{number}: {len(cells)} cells but the header has {len(header)} columns",
                fix="separate cells with single tabs and do not put tabs inside a cell",
            )
        cells += [""] * (len(header) - len(cells))
        rows.append(TsvRow(line=number, cells=MappingProxyType(dict(zip(header, cells)))))
    if header is None:
        raise DataError(error_code, f"{where}: no header row", fix=f"add a header: {chr(9).join(required)}")
    return rows


def package_text(name: str) -> str:
    """The text of a file under ``dyads/ontology/data/``."""
    return files("dyads.ontology").joinpath(_DATA).joinpath(name).read_text(encoding="utf-8")


def _broken_package_data(name: str, line: int, reason: str) -> DataError:
    return DataError(
        "E801",
        f"package data {name}:{line}: {reason}",
        fix="reinstall dyads; if you edited the package data, restore the shipped file",
    )


@cache
def plover_types() -> Mapping[str, PloverType]:
    """The 16 PLOVER 0.8 event types by name."""
    name = "plover_types.tsv"
    required = ("name", "quad_class", "score", "modes")
    table: dict[str, PloverType] = {}
    for row in read_tsv(package_text(name), where=name, error_code="E801", required=required):
        cells = row.cells
        try:
            entry = PloverType(
                name=cells["name"].upper(),
                quad_class=int(cells["quad_class"]),
                score=float(cells["score"]),
                modes=tuple(mode.strip() for mode in cells["modes"].split(",") if mode.strip()),
            )
        except ValueError as exc:
            raise _broken_package_data(name, row.line, str(exc)) from exc
        table[entry.name] = entry
    return MappingProxyType(table)


@cache
def cameo_codes() -> Mapping[str, CameoCode]:
    """Every CAMEO code in the package table (20 roots, the 3-digit codes and some 4-digit ones)."""
    name = "cameo_codes.tsv"
    required = ("code", "name", "goldstein", "quad_class", "plover_type", "plover_mode")
    table: dict[str, CameoCode] = {}
    for row in read_tsv(package_text(name), where=name, error_code="E801", required=required):
        cells = row.cells
        try:
            entry = CameoCode(
                code=cells["code"],
                name=cells["name"],
                goldstein=float(cells["goldstein"]),
                quad_class=int(cells["quad_class"]),
                plover_type=cells["plover_type"] or None,
                plover_mode=cells["plover_mode"] or None,
            )
        except ValueError as exc:
            raise _broken_package_data(name, row.line, str(exc)) from exc
        if not _CODE_SHAPE.match(entry.code):
            raise _broken_package_data(name, row.line, f"bad code {entry.code!r}")
        table[entry.code] = entry
    return MappingProxyType(table)


def cameo(code: str) -> CameoCode:
    """Look up a CAMEO code (2-4 digits).

    A code missing from the table falls back to its parent (a 4-digit code to its 3-digit code,
    then to its root): the parent's values are returned under the code that was asked for.
    An unknown root raises :class:`DataError` E801.
    """
    wanted = code.strip()
    if not _CODE_SHAPE.match(wanted):
        raise DataError(
            "E801",
            f"{code!r} is not a CAMEO code",
            fix="give 2 to 4 digits with the leading zero, e.g. '04', '042' or '0874'",
        )
    table = cameo_codes()
    for length in range(len(wanted), 1, -1):
        found = table.get(wanted[:length])
        if found is not None:
            return found if length == len(wanted) else replace(found, code=wanted)
    raise DataError(
        "E801",
        f"CAMEO code {wanted!r} has an unknown root {wanted[:2]!r}",
        fix="CAMEO roots run from '01' to '20'; check the code for a missing leading zero",
    )


def normalise_plover_name(name: str) -> str:
    """Upper-case a PLOVER type name and map PLOVER 0.5 names onto 0.8 ones.

    DEMAND becomes REQUEST, DISAPPROVE and INVESTIGATE become ACCUSE, FIGHT becomes ASSAULT.
    ``YIELD`` (the PLV data set's label for CONCEDE or RETREAT) is returned unchanged.
    Anything else raises :class:`DataError` E803.
    """
    upper = name.strip().upper()
    upper = LEGACY_PLOVER_NAMES.get(upper, upper)
    if upper in plover_types() or upper == YIELD:
        return upper
    raise DataError(
        "E803",
        f"{name!r} is not a PLOVER event type",
        fix=f"use one of {', '.join(plover_types())} (or DEMAND, DISAPPROVE, INVESTIGATE, FIGHT, YIELD)",
    )


def normalise_plover_mode(plover_type: str, mode: str | None) -> str | None:
    """Map a mode name from an older PLOVER release onto the 0.8 mode of ``plover_type``.

    ``None``, empty and ``'other'`` give ``None``; a name with no known mapping is returned lower-cased.
    """
    if mode is None or not mode.strip() or mode.strip().lower() == "other":
        return None
    lower = mode.strip().lower()
    kind = normalise_plover_name(plover_type)
    if kind in plover_types() and lower in plover_types()[kind].modes:
        return lower
    return LEGACY_PLOVER_MODES.get(lower, lower)


def plover_to_cameo_root(plover_type: str) -> str:
    """A representative CAMEO root for a PLOVER type (legacy names accepted).

    ASSAULT gives ``'19'`` (conventional force, the common case in news; ``'18'`` and ``'20'`` also
    map to ASSAULT); CONCEDE, RETREAT and YIELD give ``'08'``; ACCUSE gives ``'11'`` (``'09'``,
    investigate, also maps to it); SANCTION gives ``'16'``.
    """
    return _PLOVER_ROOTS[normalise_plover_name(plover_type)]
