"""Fuzz target: the user actor-file loader (YAML or TOML).

The first byte picks the suffix (.yaml, .yml, .toml, .json); the rest is the file. Every failure must
be a DataError (E3xx); every loaded entry has at least one non-empty name.
"""

from __future__ import annotations

from _common import expect, main, scratch

_SUFFIXES = (".yaml", ".yml", ".toml", ".json")


def check(data: bytes) -> None:
    from dyads.actors.userfile import load_actor_file

    if not data:
        return
    path = scratch().write(f"actors{_SUFFIXES[data[0] % len(_SUFFIXES)]}", data[1:])
    entries = load_actor_file(path)
    for entry in entries:
        expect(bool(entry.names) and all(name.strip() for name in entry.names), f"entry without a name: {entry}")


if __name__ == "__main__":
    main(check, target="actorfile", modules=("dyads.actors.userfile", "yaml", "tomllib"), include=("dyads", "yaml", "tomllib", "json"), max_len=16384)
