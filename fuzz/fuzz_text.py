"""Fuzz target: the plain-text reader (one ``.txt`` file is one article), with a small ``max_bytes``
so the over-size path is reached too. Property: an Article's text is the file's text, stripped."""

from __future__ import annotations

from _common import expect, main, read_file_bytes


def check(data: bytes) -> None:
    items = read_file_bytes(data, filename="input.txt", max_bytes=4096)
    articles = [item for item in items if type(item).__name__ == "Article"]
    expect(len(articles) <= 1, f"a text file gave {len(articles)} articles")
    expect(not articles or len(data) <= 4096, "a file over max_bytes gave an article")


if __name__ == "__main__":
    main(check, target="text", modules=("dyads.io.readers",))
