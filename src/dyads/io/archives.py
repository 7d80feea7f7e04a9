"""Read the members of gzip, zip and tar archives as streams: nothing is extracted to disk.

Members are given in name order, one at a time: the caller reads a member before asking
for the next. Hostile archives are refused cheaply:

* **size and ratio caps** (:class:`ArchiveLimits`): the bytes decompressed from one archive
  may not pass ``max_bytes``, and once more than ``ratio_floor`` bytes came out, the
  decompressed/compressed ratio may not pass ``max_ratio``. Zip members are judged on their
  headers, in name order (each member's ratio, and the sizes and ratio of the members up to
  it); tar members on their headers' sizes, and a compressed tar on its ratio while its
  headers are scanned (:class:`_GuardedGzip` passes over member data in 1 MiB steps); a gzip
  stream is measured as it is read. A member found over a cap ends the archive with an E117
  Problem naming it, after the members before it; a cap passed while a member is read raises
  :class:`LimitExceeded` (the reader reports E117 at that member and stops the archive).
* **unsafe members** are skipped with a Problem (E116): links, devices, absolute paths,
  ``..`` in a path, nested archives and encrypted zip members.
* hidden members (a path part starting with ``.``, or ``__MACOSX``) and members of an unknown
  kind are passed over silently, as in folders.

Tar members are read in name order with random access. For a compressed tar whose archive
order is far from name order that would mean decompressing the archive again and again; when
that would cost more than :data:`REWIND_FACTOR` times the archive's size, the members are read
in archive order instead and a warning (E121) says so.
"""

from __future__ import annotations

import gzip
import re
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from pydantic import BaseModel, ConfigDict, Field

from dyads.records import Problem

CONTAINERS = ("gzip", "zip", "tar")
"""Archive kinds this module reads."""

REWIND_FACTOR = 4
"""A compressed tar is read in name order unless that costs this many times its size in decompression."""

_CHUNK = 1 << 16
_DRIVE = re.compile(r"^[A-Za-z]:")
_S_IFMT = 0o170000
_S_IFLNK = 0o120000
_S_IFREG = 0o100000


class ArchiveLimits(BaseModel):
    """Caps on what one archive may decompress to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_bytes: int = Field(default=2_000_000_000, ge=1, description="most bytes decompressed from one archive")
    max_ratio: float = Field(default=200.0, gt=1.0, description="largest decompressed/compressed ratio")
    ratio_floor: int = Field(default=1 << 20, ge=0, description="the ratio is judged once this many bytes came out")


class LimitExceeded(Exception):
    """An archive passed a size or ratio cap (likely a decompression bomb)."""


@dataclass
class Member:
    """One archive member to read now: its path inside the archive, its format, its stream."""

    name: str
    fmt: str
    stream: BinaryIO


KindOf = Callable[[str], "str | None"]
"""Gives the format of a member from its name (None: not an input; a container: nested)."""


# --------------------------------------------------------------------------- metering


class _Meter:
    """Counts the bytes an archive gives out and raises LimitExceeded past the caps."""

    def __init__(self, limits: ArchiveLimits, *, where: str, compressed: Callable[[], int] | None = None) -> None:
        self.limits = limits
        self.where = where
        self.total = 0
        self._compressed = compressed

    def add(self, count: int) -> None:
        self.total += count
        if self.total > self.limits.max_bytes:
            raise LimitExceeded(f"decompresses to more than {self.limits.max_bytes} bytes (input.max_archive_bytes)")
        if self._compressed is not None and self.total > self.limits.ratio_floor:
            self.check_ratio(self.total, self._compressed())

    def check_ratio(self, decompressed: int, compressed: int) -> None:
        if decompressed > self.limits.ratio_floor and decompressed > self.limits.max_ratio * max(compressed, 1):
            raise LimitExceeded(
                f"compression ratio over {self.limits.max_ratio:g} "
                f"({decompressed} bytes from {compressed}; input.max_compression_ratio)"
            )


class MeteredStream:
    """A binary reader over ``raw`` that reports every byte it gives out to a meter.

    Reads are done in chunks, so even ``read()`` or ``readline()`` without a size never pull
    more than one chunk past a cap. Bytes read again after a ``seek`` back are counted once.
    """

    def __init__(self, raw: IO[bytes], meter: _Meter) -> None:
        self._raw = raw
        self._meter = meter
        self._position = 0
        self._furthest = 0

    def _count(self, size: int) -> None:
        self._position += size
        if self._position > self._furthest:
            self._meter.add(self._position - self._furthest)
            self._furthest = self._position

    def read(self, size: int | None = -1) -> bytes:
        left = -1 if size is None or size < 0 else size
        parts = []
        while left != 0:
            chunk = self._raw.read(_CHUNK if left < 0 else min(_CHUNK, left))
            if not chunk:
                break
            self._count(len(chunk))
            parts.append(chunk)
            if left > 0:
                left -= len(chunk)
        return b"".join(parts)

    def readline(self, size: int | None = -1) -> bytes:
        limit = -1 if size is None else size
        parts: list[bytes] = []
        taken = 0
        while True:
            want = _CHUNK if limit < 0 else min(_CHUNK, limit - taken)
            if want <= 0:
                break
            piece = self._raw.readline(want)
            if not piece:
                break
            self._count(len(piece))
            parts.append(piece)
            taken += len(piece)
            if piece.endswith(b"\n"):
                break
        return b"".join(parts)

    def __iter__(self) -> Iterator[bytes]:
        while True:
            line = self.readline()
            if not line:
                return
            yield line

    def seek(self, offset: int, whence: int = 0) -> int:
        self._position = self._raw.seek(offset, whence)
        return self._position

    def tell(self) -> int:
        return self._raw.tell()

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()


# --------------------------------------------------------------------------- names


def unsafe_name(name: str) -> str | None:
    """Why a member path may not be read (absolute, drive letter, ``..``), or None."""
    path = name.replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path):
        return "absolute path"
    if ".." in path.split("/"):
        return "'..' in the path"
    return None


def _hidden(name: str) -> bool:
    parts = [part for part in name.replace("\\", "/").split("/") if part not in ("", ".")]
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def _refuse(where: str, reason: str) -> Problem:
    return Problem(where=where, code="E116", reason=f"archive member skipped: {reason}")


def _judge(archive: str, name: str, kind_of: KindOf) -> tuple[str | None, Problem | None]:
    """(format to read it as, or None) and the Problem when the member is refused."""
    where = f"{archive}!{name}"
    reason = unsafe_name(name)
    if reason is not None:
        return None, _refuse(where, reason)
    if _hidden(name):
        return None, None
    fmt = kind_of(name)
    if fmt in CONTAINERS:
        return None, _refuse(where, "an archive inside an archive is not read")
    return fmt, None


# --------------------------------------------------------------------------- gzip


@contextmanager
def open_gzip(path: Path, *, limits: ArchiveLimits, where: str) -> Iterator[MeteredStream]:
    """The decompressed stream of a ``.gz`` file, metered against ``limits`` as it is read."""
    with path.open("rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as unpacked:
        yield MeteredStream(unpacked, _Meter(limits, where=where, compressed=raw.tell))


def gzip_stream(stream: BinaryIO, *, limits: ArchiveLimits, where: str) -> MeteredStream:
    """The decompressed form of a gzip stream (e.g. stdin), metered; the ratio is judged on what was read."""
    counter = _CountingReader(stream)
    return MeteredStream(gzip.GzipFile(fileobj=counter, mode="rb"), _Meter(limits, where=where, compressed=counter.count))  # type: ignore[arg-type]


class _CountingReader:
    """Counts the compressed bytes read from a stream that cannot tell its position."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._count += len(data)
        return data

    def count(self) -> int:
        return self._count


# --------------------------------------------------------------------------- zip


def zip_members(path: Path, *, limits: ArchiveLimits, kind_of: KindOf, where: str) -> Iterator[Member | Problem]:
    """The members of a zip file in name order (see the module notes for the checks)."""
    with zipfile.ZipFile(path) as archive:
        chosen: list[tuple[zipfile.ZipInfo, str, str]] = []
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            name = info.filename
            fmt, problem = _judge(where, name, kind_of)
            if problem is not None:
                yield problem
                continue
            if fmt is None:
                continue
            mode = (info.external_attr >> 16) & _S_IFMT
            if mode == _S_IFLNK:
                yield _refuse(f"{where}!{name}", "a symbolic link")
                continue
            if mode not in (0, _S_IFREG):
                yield _refuse(f"{where}!{name}", "not a regular file")
                continue
            if info.flag_bits & 0x1:
                yield _refuse(f"{where}!{name}", "encrypted")
                continue
            chosen.append((info, name, fmt))
        meter = _Meter(limits, where=where)
        readable = _within_caps([(info.file_size, info.compress_size) for info, _, _ in chosen], meter)
        for info, name, fmt in chosen[:readable]:
            with archive.open(info) as handle:
                yield Member(name=name, fmt=fmt, stream=MeteredStream(handle, meter))  # type: ignore[arg-type]
        if readable < len(chosen):
            yield _over_cap(f"{where}!{chosen[readable][1]}", _cap_reason(chosen[:readable + 1], meter))


def _within_caps(sizes: list[tuple[int, int]], meter: _Meter) -> int:
    """How many members, in order, fit the caps by their headers' (size, compressed size).

    A member stops the count when it alone passes the ratio cap, or when the members up to it
    together pass the size cap or the ratio cap.
    """
    total = packed = 0
    for count, (size, compressed) in enumerate(sizes):
        total += size
        packed += compressed
        try:
            if total > meter.limits.max_bytes:
                raise LimitExceeded("size")
            meter.check_ratio(size, compressed)
            meter.check_ratio(total, packed)
        except LimitExceeded:
            return count
    return len(sizes)


def _cap_reason(members: list[tuple[zipfile.ZipInfo, str, str]], meter: _Meter) -> str:
    """Why the last of ``members`` passes a cap, by the zip headers."""
    info = members[-1][0]
    total = sum(item[0].file_size for item in members)
    packed = sum(item[0].compress_size for item in members)
    if total > meter.limits.max_bytes:
        return f"members up to this one add up to {total} bytes, over {meter.limits.max_bytes} (input.max_archive_bytes)"
    if info.file_size > meter.limits.ratio_floor and info.file_size > meter.limits.max_ratio * max(info.compress_size, 1):
        total, packed = info.file_size, info.compress_size
    return (
        f"compression ratio over {meter.limits.max_ratio:g} ({total} bytes from {packed}; input.max_compression_ratio)"
    )


def _over_cap(where: str, reason: str) -> Problem:
    return Problem(where=where, code="E117", reason=f"{reason}: this member and the rest of the archive are not read")


# --------------------------------------------------------------------------- tar


def tar_members(
    path: Path, *, limits: ArchiveLimits, kind_of: KindOf, where: str, compressed: bool
) -> Iterator[Member | Problem]:
    """The members of a tar file (``compressed``: gzip-compressed) in name order, see the module notes."""
    with path.open("rb") as raw:
        meter = _Meter(limits, where=where)
        unpacked: IO[bytes] = _GuardedGzip(gzip.GzipFile(fileobj=raw, mode="rb"), raw, meter) if compressed else raw  # type: ignore[assignment]
        with tarfile.open(fileobj=unpacked, mode="r:") as archive:
            chosen: list[tuple[tarfile.TarInfo, str]] = []
            declared = 0
            stopped: Problem | None = None
            last = ""
            while True:
                try:
                    # passing over a member's data decompresses it: _GuardedGzip judges the ratio as it goes
                    info = archive.next()
                except LimitExceeded as exc:
                    place = f"{where}!{last}" if last else where
                    stopped = _over_cap(place, f"{exc}, reached while passing over this member")
                    if chosen and chosen[-1][0].name == last:
                        chosen.pop()
                    break
                if info is None:
                    break
                last = info.name
                if info.isdir():
                    continue
                fmt, problem = _judge(where, info.name, kind_of)
                if problem is not None:
                    yield problem
                    continue
                if fmt is None:
                    continue
                if info.issym() or info.islnk():
                    yield _refuse(f"{where}!{info.name}", "a link")
                    continue
                if not info.isfile():
                    yield _refuse(f"{where}!{info.name}", "not a regular file")
                    continue
                declared += info.size
                if declared > limits.max_bytes:
                    stopped = _over_cap(
                        f"{where}!{info.name}",
                        f"members up to this one add up to {declared} bytes, over {limits.max_bytes} (input.max_archive_bytes)",
                    )
                    break
                chosen.append((info, fmt))
            order = sorted(chosen, key=lambda pair: pair[0].name)
            if compressed and order != chosen and _rewind_cost(order) > REWIND_FACTOR * max(archive.offset, 1):
                yield Problem(
                    where=where,
                    code="E121",
                    reason="members read in archive order, not by name (re-pack with `tar --sort=name` to read them by name)",
                    severity="warning",
                )
                order = chosen
            for info, fmt in order:
                handle = archive.extractfile(info)
                if handle is None:
                    continue
                with handle:
                    yield Member(name=info.name, fmt=fmt, stream=MeteredStream(handle, meter))
            if stopped is not None:
                yield stopped


class _GuardedGzip:
    """The decompressed side of a gzip-compressed tar, for :mod:`tarfile`, judged as it goes.

    tarfile passes over a member's data with one forward ``seek``, which decompresses all of it:
    here a forward seek reads on in 1 MiB steps and the ratio cap is judged after each step
    (and after every read), so a bomb is stopped after a few MiB, not after its gigabytes.
    """

    _STEP = 1 << 20

    def __init__(self, unpacked: gzip.GzipFile, raw: IO[bytes], meter: _Meter) -> None:
        self._unpacked = unpacked
        self._raw = raw
        self._meter = meter

    def _judge(self) -> None:
        self._meter.check_ratio(self._unpacked.tell(), self._raw.tell())

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            parts = []
            while chunk := self.read(self._STEP):
                parts.append(chunk)
            return b"".join(parts)
        data = self._unpacked.read(size)
        self._judge()
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        position = self._unpacked.tell()
        target = offset if whence == 0 else position + offset if whence == 1 else None
        if target is None or target <= position:
            return self._unpacked.seek(offset, whence)
        while position < target:
            step = self._unpacked.read(min(self._STEP, target - position))
            if not step:
                break
            position += len(step)
            self._judge()
        return position

    def tell(self) -> int:
        return self._unpacked.tell()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True


def _rewind_cost(order: list[tuple[tarfile.TarInfo, str]]) -> int:
    """Bytes to decompress to read the members in ``order`` from a stream that rewinds to go back."""
    position = cost = 0
    for info, _ in order:
        start = info.offset_data
        cost += start if start < position else start - position
        position = start + info.size
        cost += info.size
    return cost
