"""Fuzz target: the CSV and TSV readers, with and without a ``columns`` mapping.

The first byte picks the variant (csv, tsv, csv with ``text=body``); the rest is the file.
"""

from __future__ import annotations

from _common import main, read_file_bytes

_VARIANTS = (("input.csv", None), ("input.tsv", None), ("input.csv", {"text": "body", "published": "date"}))


def check(data: bytes) -> None:
    if not data:
        return
    filename, columns = _VARIANTS[data[0] % len(_VARIANTS)]
    read_file_bytes(data[1:], filename=filename, columns=columns)


if __name__ == "__main__":
    main(check, target="csv", modules=("dyads.io.readers", "csv"), include=("dyads", "csv"))
