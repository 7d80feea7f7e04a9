"""Fuzz target: the JSONL reader (``read_articles`` on a ``.jsonl`` file).

Besides the common reader properties: every line that is a JSON object with non-empty string
``text`` (and nothing else wrong with it) comes out as exactly one Article with that line's origin.
"""

from __future__ import annotations

import codecs
import json

from _common import expect, main, read_file_bytes

WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def _good_lines(data: bytes) -> set[int]:
    """Line numbers that must give an Article: valid UTF-8 JSON objects with non-empty string text
    (none when the file's first 8 KB look binary: the reader then refuses the whole file, E105; none
    when it starts with a UTF-16/32 byte-order mark: the reader then reads it as UTF-16/32)."""
    from dyads.io.readers import looks_binary

    good: set[int] = set()
    if looks_binary(data[:8192], any_nul=False) or data.startswith(WIDE_BOMS):
        return good
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if b"\r" in raw or b"\x00" in raw or len(raw) > 4000:
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        good.add(number)
    return good


def check(data: bytes) -> None:
    items = read_file_bytes(data, filename="input.jsonl")
    origins = [getattr(item, "origin", None) for item in items if type(item).__name__ == "Article"]
    lines = [int(origin.rsplit(":", 1)[1]) for origin in origins if origin]
    expect(len(lines) == len(set(lines)), f"a line gave two articles: {sorted(lines)}")
    missing = _good_lines(data) - set(lines)
    expect(not missing, f"good JSONL lines {sorted(missing)[:5]} gave no article")


if __name__ == "__main__":
    main(check, target="jsonl", modules=("dyads.io.readers",))
