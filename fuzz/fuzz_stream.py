"""Fuzz target: :func:`dyads.io.readers.read_stream` (stdin), which tells the format from the first
bytes (gzip, JSONL, HTML, feed or text) on a stream that cannot seek."""

from __future__ import annotations

import io

from _common import check_items, main


class _NoSeek(io.RawIOBase):
    """A readable stream that cannot seek, like a pipe."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def check(data: bytes) -> None:
    from dyads.io.readers import read_stream

    stream = io.BufferedReader(_NoSeek(data))
    items = list(read_stream(stream, name="<stdin>", max_bytes=8192, max_archive_bytes=1 << 20))
    check_items(items, name="<stdin>")


if __name__ == "__main__":
    main(check, target="stream", modules=("dyads.io.readers", "feedparser", "trafilatura"), include=("dyads",))
