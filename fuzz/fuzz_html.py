"""Fuzz target: the HTML page reader (trafilatura main text and metadata)."""

from __future__ import annotations

from _common import expect, main, read_file_bytes


def check(data: bytes) -> None:
    items = read_file_bytes(data, filename="input.html")
    articles = [item for item in items if type(item).__name__ == "Article"]
    expect(len(articles) <= 1, f"a page gave {len(articles)} articles")


if __name__ == "__main__":
    main(check, target="html", modules=("dyads.io.readers", "trafilatura"), include=("dyads", "trafilatura", "htmldate", "justext", "courlan"))
