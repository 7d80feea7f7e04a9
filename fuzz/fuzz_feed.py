"""Fuzz target: the RSS/Atom feed reader (feedparser; no link is ever fetched)."""

from __future__ import annotations

from _common import expect, main, read_file_bytes


def check(data: bytes) -> None:
    items = read_file_bytes(data, filename="input.xml")
    for item in items:
        if type(item).__name__ == "Article":
            line = item.origin.rsplit(":", 1)[1]  # type: ignore[attr-defined]
            expect(line.isdigit() and int(line) >= 1, f"entry origin {item.origin!r} has no entry number")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main(check, target="feed", modules=("dyads.io.readers", "feedparser"), include=("dyads", "feedparser", "sgmllib"))
