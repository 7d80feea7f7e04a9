"""Read UTF-16 and UTF-32 input (told by its byte-order mark) as a stream of UTF-8 bytes.

The readers split input into lines on ``\\n`` bytes and decode each line as UTF-8, which
cannot work on UTF-16 (every other byte is a NUL). :func:`wide_encoding` tells such input by
its byte-order mark, and :class:`TranscodedReader` turns it into UTF-8 as it is read, in
64 KiB steps, so memory stays flat however long the input or its lines are. Code units that
are not valid UTF-16/32 (a lone surrogate, an odd trailing byte) become U+FFFD.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

_CHUNK = 1 << 16

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def wide_encoding(head: bytes) -> str | None:
    """``"utf-16"`` or ``"utf-32"`` when ``head`` starts with that encoding's byte-order mark, else None.

    The UTF-32 little-endian mark starts with the UTF-16 one, so it is tried first.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return None


class TranscodedReader:
    """A binary reader giving the UTF-8 form of ``raw``, a stream in ``encoding`` (BOM included).

    ``readline(limit)`` never holds more than ``limit`` bytes plus one step of input, so an
    over-long line can be skipped by reading it in pieces. ``seek(0)`` starts again from the
    beginning (when ``raw`` can seek); no other seek is possible.
    """

    def __init__(self, raw: BinaryIO, encoding: str) -> None:
        self._raw = raw
        self._encoding = encoding
        self._start()

    def _start(self) -> None:
        self._decoder = codecs.getincrementaldecoder(self._encoding)(errors="replace")
        self._buffer = bytearray()
        self._eof = False
        self._position = 0

    def _fill(self) -> None:
        chunk = self._raw.read(_CHUNK)
        text = self._decoder.decode(chunk, final=not chunk)
        self._buffer += text.encode("utf-8", errors="replace")
        if not chunk:
            self._eof = True

    def _take(self, size: int) -> bytes:
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        self._position += len(data)
        return data

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            while not self._eof:
                self._fill()
            return self._take(len(self._buffer))
        while len(self._buffer) < size and not self._eof:
            self._fill()
        return self._take(size)

    def readline(self, size: int | None = -1) -> bytes:
        limit = -1 if size is None else size
        searched = 0
        while True:
            newline = self._buffer.find(b"\n", searched)
            if newline >= 0:
                end = newline + 1
                break
            searched = len(self._buffer)
            if self._eof or (0 <= limit <= len(self._buffer)):
                end = len(self._buffer)
                break
            self._fill()
        return self._take(end if limit < 0 else min(end, limit))

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def seek(self, offset: int, whence: int = 0) -> int:
        if offset != 0 or whence != 0:
            raise io.UnsupportedOperation("a transcoded stream can only seek back to its start")
        self._raw.seek(0)
        self._start()
        return 0

    def tell(self) -> int:
        return self._position

    def readable(self) -> bool:
        return True


_WIDE_DECLARATION = re.compile(rb"""^(\s*<\?xml[^>]{0,200}?encoding\s*=\s*["'])(?:utf-?16|utf-?32|ucs-?[24])[^"']{0,20}(["'])""", re.IGNORECASE)


def declare_utf8(data: bytes) -> bytes:
    """An XML document whose declaration names UTF-16/32 but whose bytes are UTF-8 (it was
    transcoded, or lies) with the declaration set to UTF-8; any other document unchanged.

    Bytes that start with an ASCII ``<?xml`` cannot be UTF-16 or UTF-32.
    """
    return _WIDE_DECLARATION.sub(rb"\1utf-8\2", data, count=1)
