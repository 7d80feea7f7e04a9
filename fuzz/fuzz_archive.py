"""Fuzz target: archives (zip, tar, tar.gz, gzip) read by ``read_articles``.

The first byte picks a mode: the rest is taken as raw archive bytes (modes 0-3), or it drives a
small builder that writes a well-formed zip, tar or gzip whose member names, kinds (files, links,
folders) and contents come from the fuzz bytes (modes 4-6), so mutations reach the member code
behind the container parsers.
"""

from __future__ import annotations

import gzip
import io
import tarfile
import warnings
import zipfile

from _common import main, read_file_bytes

_NAMES = (
    "a.jsonl", "b.txt", "c.csv", "d.tsv", "e.html", "f.xml", "g.jsonl.gz", "h.zip", "../up.jsonl",
    "/abs.txt", "dir/", "dir/i.jsonl", ".hidden.txt", "x" * 300 + ".txt", "n\u00e9.txt", "j.bin",
)  # fmt: skip
_RAW = (("input.zip", None), ("input.tar", None), ("input.jsonl.gz", None), ("input.tar.gz", None))
_LIMITS = {"max_archive_bytes": 1 << 16, "max_compression_ratio": 50.0}  # small caps: bombs are cut fast


class _Bytes:
    """Takes small values off the front of the fuzz input, then the rest as blobs."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def byte(self) -> int:
        if self.at >= len(self.data):
            return 0
        self.at += 1
        return self.data[self.at - 1]

    def blob(self) -> bytes:
        size = self.byte() * 4
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk


def _build_zip(take: _Bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED if take.byte() % 2 else zipfile.ZIP_STORED) as archive:
        for _ in range(take.byte() % 5):
            name = _NAMES[take.byte() % len(_NAMES)]
            with warnings.catch_warnings():  # a name twice is one of the cases we want
                warnings.simplefilter("ignore", UserWarning)
                archive.writestr(name, take.blob())
    return out.getvalue()


def _build_tar(take: _Bytes, *, compressed: bool) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz" if compressed else "w") as archive:
        for _ in range(take.byte() % 5):
            info = tarfile.TarInfo(_NAMES[take.byte() % len(_NAMES)])
            kind = take.byte() % 6
            content = take.blob()
            if kind == 0:
                info.type, info.linkname = tarfile.SYMTYPE, "../../etc/passwd"
                archive.addfile(info)
            elif kind == 1:
                info.type, info.linkname = tarfile.LNKTYPE, _NAMES[0]
                archive.addfile(info)
            elif kind == 2:
                info.type = tarfile.DIRTYPE
                archive.addfile(info)
            else:
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
    return out.getvalue()


def check(data: bytes) -> None:
    if not data:
        return
    mode, rest = data[0] % 7, data[1:]
    if mode < 4:
        filename, fmt = _RAW[mode]
        read_file_bytes(rest, filename=filename, fmt=fmt, **_LIMITS)
        return
    take = _Bytes(rest)
    if mode == 4:
        read_file_bytes(_build_zip(take), filename="built.zip", **_LIMITS)
    elif mode == 5:
        compressed = take.byte() % 2 == 1
        read_file_bytes(_build_tar(take, compressed=compressed), filename="built.tar.gz" if compressed else "built.tar", **_LIMITS)
    else:
        inner = (".jsonl", ".txt", ".csv", ".html", ".xml", "")[take.byte() % 6]
        read_file_bytes(gzip.compress(rest[take.at :]), filename=f"built{inner}.gz", **_LIMITS)


if __name__ == "__main__":
    main(check, target="archive", modules=("dyads.io.readers",))
