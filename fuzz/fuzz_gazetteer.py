"""Fuzz target: gazetteer lookups of arbitrary names (any script, empty, long).

The input, decoded as UTF-8 with bad bytes replaced, is the name; every lookup the pipeline makes
is tried with it, with and without context countries. Properties: every lookup answers (a list,
a Location or None); ``resolve`` returns the best of ``candidates`` or None; ``fold_name`` output
holds no upper-case ASCII and no leading or trailing space.
"""

from __future__ import annotations

from _common import expect, main

_GAZETTEER: list[object] = []


def gazetteer():  # type: ignore[no-untyped-def]
    from dyads.geo.gazetteer import Gazetteer

    if not _GAZETTEER:
        _GAZETTEER.append(Gazetteer.default())
    return _GAZETTEER[0]


def check(data: bytes) -> None:
    from dyads.geo.gazetteer import fold_latin, fold_name

    name = data.decode("utf-8", errors="replace")
    places = gazetteer()
    folded = fold_name(name)
    expect(folded == folded.strip(), f"fold_name kept outer spaces: {folded!r}")
    expect(not any("A" <= c <= "Z" for c in folded), f"fold_name kept capitals: {folded!r}")
    fold_latin([name, name.upper(), "Paris"])
    for context in ((), ("SYR", "IRQ"), (name[:3],)):
        candidates = places.candidates(name, context_countries=context)
        best = places.resolve(name, context_countries=context)
        expect(best is None or (bool(candidates) and best == candidates[0]), f"resolve({name!r}) is not the best candidate")
    places.country(name)
    places.is_country_code(name)
    places.may_start_site(name)
    places.is_site_name(name)


if __name__ == "__main__":
    main(check, target="gazetteer", modules=("dyads.geo.gazetteer",), max_len=4096)
