"""The CAMEO and PLOVER tables: consistency, look-ups, fall-backs and name normalisation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dyads.errors import DataError
from dyads.ontology import (
    QUAD_CLASS_NAMES,
    cameo,
    cameo_codes,
    normalise_plover_mode,
    normalise_plover_name,
    plover_to_cameo_root,
    plover_types,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ROOTS = [f"{number:02d}" for number in range(1, 21)]


def expected_quad(root: str) -> int:
    number = int(root)
    if number <= 2:
        return 0
    if number <= 5:
        return 1
    if number <= 8:
        return 2
    if number <= 13 or number == 16:
        return 3
    return 4


def test_plover_has_sixteen_types_with_valid_quads_and_scores() -> None:
    types = plover_types()
    assert len(types) == 16
    for kind in types.values():
        assert kind.quad_class in QUAD_CLASS_NAMES and kind.quad_class >= 1
        assert -10.0 <= kind.score <= 10.0
        assert len(set(kind.modes)) == len(kind.modes)
    assert types["ASSAULT"].quad_class == 4 and "aerial" in types["ASSAULT"].modes
    assert types["CONSULT"].modes == ("visit", "third-party", "multilateral", "phone")
    # Cooperation types score above zero, conflict types at or below it.
    for kind in types.values():
        assert (kind.score > 0) == (kind.quad_class <= 2)


def test_all_roots_and_many_codes_present() -> None:
    codes = cameo_codes()
    assert all(root in codes for root in ROOTS)
    assert sum(1 for code in codes if len(code) == 3) >= 145
    assert len(codes) >= 170


@pytest.mark.parametrize("code", sorted(cameo_codes()))
def test_code_rows_are_consistent(code: str) -> None:
    entry = cameo_codes()[code]
    assert entry.code == code and entry.name
    assert -10.0 <= entry.goldstein <= 10.0
    assert entry.quad_class == expected_quad(entry.root)
    if entry.root in ("01", "02"):
        assert entry.plover_type is None and entry.plover_mode is None
    else:
        assert entry.plover_type in plover_types()
    if entry.plover_mode is not None:
        assert entry.plover_mode in plover_types()[entry.plover_type].modes


def test_every_plover_type_is_reachable_from_cameo() -> None:
    reached = {entry.plover_type for entry in cameo_codes().values()} - {None}
    assert reached == set(plover_types())


def test_yield_root_splits_into_concede_and_retreat() -> None:
    assert [cameo(code).plover_type for code in ("081", "082", "083")] == ["CONCEDE"] * 3
    assert [cameo(code).plover_type for code in ("084", "085", "086", "087")] == ["RETREAT"] * 4
    assert cameo("195").plover_mode == "aerial"
    assert cameo("194").plover_mode == "heavy-weapons"
    assert cameo("193").plover_mode == cameo("190").plover_mode == "firearms"


def test_unlisted_code_falls_back_to_parent_but_keeps_its_code() -> None:
    child = cameo("1959")
    assert child.code == "1959"
    assert child.goldstein == cameo("195").goldstein and child.plover_mode == "aerial"
    three = cameo("199")  # not a CAMEO code in the table: root 19's values
    assert three.code == "199" and three.goldstein == cameo("19").goldstein
    assert three.root == "19"
    assert cameo(" 042 ").code == "042"


@pytest.mark.parametrize("bad", ["21", "99", "990", "4", "abc", ""])
def test_unknown_or_malformed_codes_raise_e801(bad: str) -> None:
    with pytest.raises(DataError) as caught:
        cameo(bad)
    assert caught.value.code == "E801"
    assert caught.value.fix


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("DEMAND", "REQUEST"),
        ("disapprove", "ACCUSE"),
        ("INVESTIGATE", "ACCUSE"),
        (" Fight ", "ASSAULT"),
        ("YIELD", "YIELD"),
        ("retreat", "RETREAT"),
        ("ASSAULT", "ASSAULT"),
    ],
)
def test_normalise_plover_name(raw: str, expected: str) -> None:
    assert normalise_plover_name(raw) == expected


def test_normalise_unknown_plover_name_raises_e803() -> None:
    with pytest.raises(DataError) as caught:
        normalise_plover_name("EMBRACE")
    assert caught.value.code == "E803"


def test_normalise_plover_mode_maps_old_names() -> None:
    assert normalise_plover_mode("PROTEST", "strike-hun") == "hunger"
    assert normalise_plover_mode("CONSULT", "host") == "visit"
    assert normalise_plover_mode("FIGHT", "heavy-weapons") == "heavy-weapons"
    assert normalise_plover_mode("FIGHT", "other") is None
    assert normalise_plover_mode("COERCE", None) is None


@pytest.mark.parametrize("kind", [*sorted(plover_types()), "YIELD", "FIGHT", "DEMAND"])
def test_plover_to_cameo_root_lands_on_a_root_of_that_type(kind: str) -> None:
    root = plover_to_cameo_root(kind)
    assert root in ROOTS
    wanted = {"RETREAT", "CONCEDE"} if normalise_plover_name(kind) in ("YIELD", "RETREAT", "CONCEDE") else {
        normalise_plover_name(kind)
    }
    under_root = {entry.plover_type for entry in cameo_codes().values() if entry.root == root}
    assert wanted & under_root


def test_assault_maps_to_conventional_force() -> None:
    assert plover_to_cameo_root("ASSAULT") == "19"
    assert plover_to_cameo_root("SANCTION") == "16"


@pytest.mark.parametrize(("name", "field"), [("plover_gsr.jsonl", "event"), ("plv_train.jsonl", "label")])
def test_gold_type_names_all_normalise(name: str, field: str) -> None:
    path = SHARED / "data" / "gold" / name
    if not path.exists():
        pytest.skip(f"shared gold data not found at {path}")
    labels = {json.loads(line)[field] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    normalised = {normalise_plover_name(label) for label in labels}
    assert normalised <= set(plover_types()) | {"YIELD"}
    assert len(normalised) >= 14
