"""Read a user actor file (YAML or TOML, chosen by extension).

Format (see docs/actors.md)::

    actors:
      - names: ["Arnor", "Arnorian"]
        code: ARN
        kind: country
      - names: ["Aragorn"]
        code: ARN
        sectors: [GOV]
        kind: person
        role: King
        start: 2012-05-07

Errors: E301 for a file that cannot be read or parsed or has no ``actors`` list,
E302 for a bad entry (the message names the file and the entry index), E304 a key given
twice in one YAML mapping, E305 not a regular file or larger than ``MAX_BYTES``, E306 binary
data or text that is not UTF-8. YAML dates stay text until an entry's ``start``/``end`` is
read, so an impossible date (``2020-13-45``) is an E302 naming its entry.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any, ClassVar

import yaml

from dyads.errors import DataError
from dyads.io.readers import parse_published

from .dictionary import DENOTES, ENTRY_KINDS, ActorEntry

_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")
_SECTOR = re.compile(r"^[A-Z]{2,4}$")
_KEYS = frozenset({"names", "code", "sectors", "kind", "role", "start", "end", "country", "denotes", "adjectives"})
_FIX = "see docs/actors.md for the actor file format"


MAX_BYTES = 64 * 1024 * 1024
"""Largest actor file read (E305): the package tables of every country and group take under 1 MiB."""

_SUFFIXES = (".yaml", ".yml", ".toml")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int, first: int) -> None:
        super().__init__(key)
        self.key, self.line, self.first = key, line, first


class _ActorYamlLoader(yaml.SafeLoader):
    """Safe YAML that keeps dates as text (checked per entry) and refuses a key given twice in one mapping."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, Any]]]] = {  # PyYAML's per-class table, never changed after
        first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                line = key_node.start_mark.line + 1
                if key_node.value in seen:
                    raise _DuplicateKey(key_node.value, line, seen[key_node.value])
                seen[key_node.value] = line
        return super().construct_mapping(node, deep=deep)


def load_actor_file(path: str | Path) -> list[ActorEntry]:
    """Entries of a YAML (``.yaml``/``.yml``) or TOML (``.toml``) actor file.

    Raises :class:`~dyads.errors.DataError` E301 (file), E302 (entry), E304 (key twice),
    E305 (not a file, too large) or E306 (binary, not UTF-8).
    """
    file = Path(path)
    data = _parse(file)
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        raise DataError("E301", f"actor file {file} has no 'actors' list at the top level", fix=_FIX)
    unknown = sorted(str(key) for key in data if key != "actors")
    if unknown:  # read nowhere: say so rather than ignore it ("agents" from an older dyads import-actors)
        raise DataError(
            "E301", f"actor file {file} has top-level key(s) {', '.join(unknown)} besides 'actors'",
            fix="Put every entry under 'actors' (sector words as kind: sector entries); "
            "re-run `dyads import-actors` for a file converted by an older dyads.",
        )
    return [_entry(file, index, raw) for index, raw in enumerate(data["actors"])]


def _read_text(file: Path) -> str:
    try:
        info = file.stat()
    except OSError as exc:
        raise DataError("E301", f"actor file {file} cannot be read: {exc.strerror or exc}", fix="check the path given as actor_file") from exc
    if not file.is_file():
        raise DataError("E305", f"actor file {file} is not a regular file (a folder, device or pipe)", fix="give the path of a .yaml or .toml file")
    if info.st_size > MAX_BYTES:
        raise DataError(
            "E305",
            f"actor file {file} is {info.st_size:,} bytes, over the {MAX_BYTES:,} an actor file may have",
            fix="check it is the right file; split a very large dictionary into several runs",
        )
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise DataError("E301", f"actor file {file} cannot be read: {exc.strerror or exc}", fix="check the path and its permissions") from exc
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise DataError(
            "E306", f"actor file {file} holds binary data (a NUL byte at offset {nul})",
            fix="give the YAML/TOML text file; this one is damaged or another kind of file",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            "E306", f"actor file {file} is not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start})",
            fix="save it as UTF-8 (e.g. `iconv -f cp1252 -t utf-8`), or check it is the right file",
        ) from exc


def _parse(file: Path) -> Any:
    suffix = file.suffix.lower()
    if file.exists() and not file.is_file():
        raise DataError("E305", f"actor file {file} is not a regular file (a folder, device or pipe)", fix="give the path of a .yaml or .toml file")
    if suffix not in _SUFFIXES:
        fix = "rename the file so its extension says its format"
        if suffix == ".json":
            fix = "JSON with the same layout is valid YAML: rename the file to .yaml"
        elif suffix in (".tsv", ".csv", ".txt"):
            fix = "write the actors as YAML (docs/actors.md); `dyads import-actors` converts PETRARCH/TABARI dictionaries"
        raise DataError("E301", f"actor file {file} must end in .yaml, .yml or .toml", fix=fix)
    text = _read_text(file)
    try:
        if suffix == ".toml":
            return tomllib.loads(text)
        return yaml.load(text, Loader=_ActorYamlLoader)
    except _DuplicateKey as exc:
        raise DataError(
            "E304",
            f"actor file {file}, line {exc.line}: key '{exc.key}' given twice in one mapping (first on line {exc.first})",
            fix="keep one of them; list several values in one key, e.g. names: [A, B]",
        ) from exc
    except (tomllib.TOMLDecodeError, yaml.YAMLError, ValueError) as exc:
        raise DataError("E301", f"actor file {file} is not valid {suffix[1:].upper()}: {exc}", fix=_FIX) from exc
    except RecursionError as exc:
        raise DataError("E301", f"actor file {file} is nested too deeply to be an actor file", fix=_FIX) from exc


def _fail(file: Path, index: int, problem: str) -> DataError:
    return DataError("E302", f"actor file {file}, entry {index}: {problem}", fix=_FIX)


def _strings(file: Path, index: int, raw: dict[str, Any], key: str, *, required: bool = False) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        if required:
            raise _fail(file, index, f"'{key}' is required")
        return ()
    if isinstance(value, str):
        value = [value] if key in ("names", "adjectives") else value.split()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(file, index, f"'{key}' must be a list of non-empty strings")
    if required and not value:
        raise _fail(file, index, f"'{key}' must not be empty")
    return tuple(v.strip() for v in value)


def _optional_text(file: Path, index: int, raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(file, index, f"'{key}' must be a non-empty string")
    return value.strip()


def _date(file: Path, index: int, raw: dict[str, Any], key: str) -> dt.date | None:
    value = raw.get(key)
    try:
        return parse_published(value)
    except ValueError:
        raise _fail(file, index, f"'{key}' must be a date written YYYY-MM-DD, got {value!r}") from None


def _entry(file: Path, index: int, raw: Any) -> ActorEntry:
    if not isinstance(raw, dict):
        raise _fail(file, index, "each entry must be a mapping with 'names', 'code', 'kind' ...")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise _fail(file, index, f"unknown key(s) {', '.join(map(str, unknown))}; allowed: {', '.join(sorted(_KEYS))}")
    names = _strings(file, index, raw, "names", required=True)
    kind = raw.get("kind", "group")
    if kind not in ENTRY_KINDS:
        raise _fail(file, index, f"'kind' must be one of {', '.join(ENTRY_KINDS)}, got {kind!r}")
    code = _optional_text(file, index, raw, "code")
    if code is not None and not _CODE.match(code):
        raise _fail(file, index, f"'code' must be 2-8 capitals or digits starting with a letter, got {code!r}")
    if code is None and kind in ("country", "capital", "person"):
        raise _fail(file, index, f"a {kind} entry needs a 'code'")
    sectors = _strings(file, index, raw, "sectors")
    bad = [s for s in sectors if not _SECTOR.match(s)]
    if bad:
        raise _fail(file, index, f"sector codes are 2-4 capitals (GOV, MIL, REB ...), got {', '.join(bad)}")
    country = _optional_text(file, index, raw, "country")
    if country is not None and not _CODE.match(country):
        raise _fail(file, index, f"'country' must be a code such as RUS, got {country!r}")
    denotes = raw.get("denotes")
    if denotes is not None and denotes not in DENOTES:
        raise _fail(file, index, f"'denotes' must be one of {', '.join(DENOTES)}, got {denotes!r}")
    if denotes is None:
        denotes = "person" if kind == "person" else ("body" if kind != "sector" else None)
    start = _date(file, index, raw, "start")
    end = _date(file, index, raw, "end")
    if start and end and end <= start:
        raise _fail(file, index, f"'end' ({end}) must come after 'start' ({start})")
    if kind == "capital" and not sectors:
        sectors = ("GOV",)
    return ActorEntry(
        names=names,
        code=code,
        sectors=sectors,
        kind=kind,
        role=_optional_text(file, index, raw, "role"),
        start=start,
        end=end,
        country=country,
        denotes=denotes,
        adjectives=_strings(file, index, raw, "adjectives"),
    )
