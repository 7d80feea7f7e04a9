"""Every fuzz target in fuzz/ runs on its seed corpus without a crash (so the targets do not rot).

A crash is any exception other than a dyads error, or a broken property (see fuzz/_common.py).
atheris is not needed: each target's ``check`` function is called directly on each seed file.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

FUZZ_DIR = Path(__file__).resolve().parent.parent / "fuzz"
TARGETS = sorted(path.stem.removeprefix("fuzz_") for path in FUZZ_DIR.glob("fuzz_*.py"))


@pytest.fixture()
def fuzz_modules(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.syspath_prepend(str(FUZZ_DIR))

    def load(name: str):  # type: ignore[no-untyped-def]
        return importlib.import_module(name)

    yield load
    for name in [n for n in sys.modules if n.startswith("fuzz_") or n == "_common"]:
        del sys.modules[name]


def test_every_target_has_seeds_and_a_runner_entry() -> None:
    runner = (FUZZ_DIR / "run_all.py").read_text(encoding="utf-8")
    assert len(TARGETS) >= 9
    for target in TARGETS:
        seeds = [p for p in (FUZZ_DIR / "corpus" / target).iterdir() if p.is_file()]
        assert len(seeds) >= 2, f"target {target} needs a seed corpus"
        assert f'"{target}"' in runner, f"run_all.py does not list {target}"


@pytest.mark.parametrize("target", TARGETS)
def test_target_passes_its_seed_corpus(target: str, fuzz_modules) -> None:  # type: ignore[no-untyped-def]
    common = fuzz_modules("_common")
    module = fuzz_modules(f"fuzz_{target}")
    seeds = common.seeds(target)
    crashes = {seed.name: common.run_one(module.check, seed.read_bytes(), budget=30.0) for seed in seeds}
    assert seeds
    assert {name: found for name, found in crashes.items() if found is not None} == {}


def test_a_crash_is_reported_with_its_place(fuzz_modules) -> None:  # type: ignore[no-untyped-def]
    common = fuzz_modules("_common")

    def broken(data: bytes) -> None:
        raise KeyError(data)

    def refuses(data: bytes) -> None:
        from dyads.errors import InputError

        raise InputError("E101", "bad", fix="none")

    found = common.run_one(broken, b"x", budget=5.0)
    assert found is not None and found.startswith("KeyError at test_fuzz_targets.py:")
    assert common.run_one(refuses, b"x", budget=5.0) is None


def test_a_hang_is_cut_by_the_cpu_budget(fuzz_modules) -> None:  # type: ignore[no-untyped-def]
    common = fuzz_modules("_common")

    def spins(data: bytes) -> None:
        while True:
            pass

    found = common.run_one(spins, b"", budget=0.3)
    assert found is not None and found.startswith("Hang at")
