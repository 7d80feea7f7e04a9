"""Peak memory and time of reading hostile input files (issue 8, item 2).

    nice -n 10 python bench/hostile_inputs.py [--gib 1] [--tiny 1000000] [--only CASE ...]

Each case's file is written to a temporary folder (deleted after the case), then read by
``dyads.io.readers.read_articles`` with the default settings in a child process, so that the
child's peak RSS (``ru_maxrss``) is the reader's alone. One line per case: the case, the input
size, seconds, peak RSS, and what came out (articles, then problems by code).

Cases: ``baseline`` (one small JSONL file: the RSS of Python with dyads imported), a zip bomb,
a gzip bomb and a tar.gz bomb of ``--gib`` GiB each (built from repeated compressed blocks: a few
MB on disk), a ``--gib`` GiB single-line JSONL, text and CSV file, ``--tiny`` one-line articles
in one JSONL file, pages nested 100,000 deep and a 5 MB page of 1.7 million unclosed ``<b>``
tags, and a tar holding ``..``, absolute, link and device members beside a good one.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import resource
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

GOOD = "Troops crossed the border on Monday, officials said, and the ministry protested."
BLOCK = 16 << 20
GiB = 1 << 30


# --------------------------------------------------------------------------- child


def child(path: str) -> None:
    """Read ``path`` and print one JSON line: seconds, peak RSS (MiB), articles, problem codes."""
    from dyads.io.readers import read_articles
    from dyads.records import Article

    started = time.perf_counter()
    articles = 0
    problems: Counter[str] = Counter()
    for item in read_articles(path):
        if isinstance(item, Article):
            articles += 1
        else:
            problems[item.code] += 1
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "articles": articles, "problems": dict(problems)}))


# --------------------------------------------------------------------------- builders


def jsonl_line(text: str) -> bytes:
    return (json.dumps({"text": text}) + "\n").encode()


def write_repeated(out: io.BufferedWriter, unit: bytes, total: int) -> None:
    while total > 0:
        piece = unit[: min(len(unit), total)]
        out.write(piece)
        total -= len(piece)


def deflate_zeros(total: int) -> tuple[bytes, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(BLOCK)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(total // BLOCK):
        crc = zlib.crc32(zeros, crc)
    return first + again * (total // BLOCK - 1) + end, crc


def write_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> None:
    body, directory = b"", b""
    for name, data, size, crc in members:
        raw = name.encode()
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(raw), 0) + raw + data
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size, len(raw), 0, 0, 0, 0, 0o100644 << 16, offset
        ) + raw
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(body), 0)
    path.write_bytes(body + directory + end)


def deflated(data: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), len(data), zlib.crc32(data)


def tar_header(name: str, size: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = size
    return info.tobuf(format=tarfile.GNU_FORMAT)


def build_baseline(folder: Path, args: argparse.Namespace) -> Path:
    path = folder / "small.jsonl"
    path.write_bytes(jsonl_line(GOOD))
    return path


def build_zip_bomb(folder: Path, args: argparse.Namespace) -> Path:
    size = args.gib * GiB
    bomb, crc = deflate_zeros(size)
    path = folder / "bomb.zip"
    write_zip(path, [("a.jsonl", *deflated(jsonl_line(GOOD))), ("b.txt", bomb, size, crc)])
    return path


def build_gzip_bomb(folder: Path, args: argparse.Namespace) -> Path:
    path = folder / "bomb.jsonl.gz"
    unit = gzip.compress(b"a" * BLOCK, 9)
    with path.open("wb") as out:
        out.write(gzip.compress(jsonl_line(GOOD)))
        for _ in range(args.gib * GiB // BLOCK):
            out.write(unit)
    return path


def build_tar_bomb(folder: Path, args: argparse.Namespace) -> Path:
    path = folder / "bomb.tar.gz"
    size = args.gib * GiB
    unit = gzip.compress(bytes(BLOCK), 9)
    good = GOOD.encode()
    with path.open("wb") as out:
        out.write(gzip.compress(tar_header("a.txt", len(good)) + good + bytes(-len(good) % 512) + tar_header("b.txt", size)))
        for _ in range(size // BLOCK):
            out.write(unit)
        out.write(gzip.compress(bytes(1024)))
    return path


def build_long_jsonl(folder: Path, args: argparse.Namespace) -> Path:
    path = folder / "long.jsonl"
    with path.open("wb") as out:
        out.write(jsonl_line(GOOD) + b'{"text": "')
        write_repeated(out, b"x" * (1 << 20), args.gib * GiB)
        out.write(b'"}\n' + jsonl_line(GOOD))
    return path


def build_long_text(folder: Path, args: argparse.Namespace) -> Path:
    path = folder / "long.txt"
    with path.open("wb") as out:
        write_repeated(out, b"word " * (1 << 18), args.gib * GiB)
    return path


def build_long_csv(folder: Path, args: argparse.Namespace) -> Path:
    path = folder / "long.csv"
    with path.open("wb") as out:
        out.write(b"text\n" + GOOD.replace(",", "").encode() + b"\n")
        write_repeated(out, b"x" * (1 << 20), args.gib * GiB)
        out.write(b"\nSecond good story.\n")
    return path


def build_tiny(folder: Path, args: argparse.Namespace) -> Path:
    path = folder / "tiny.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n in range(args.tiny):
            out.write(f'{{"text": "Story {n} happened."}}\n')
    return path


def build_deep_html(folder: Path, args: argparse.Namespace) -> Path:
    path = folder / "deep.html"
    path.write_text(f"<html><body>{'<div>' * 100_000}<p>{GOOD}</p>{'</div>' * 100_000}</body></html>", encoding="utf-8")
    return path


def build_unclosed_html(folder: Path, args: argparse.Namespace) -> Path:
    path = folder / "unclosed.html"
    tags = (4_990_000 - len(GOOD)) // 3
    path.write_text(f"<html><body>{'<b>' * tags}<p>{GOOD}</p></body></html>", encoding="utf-8")
    return path


def build_traversal_tar(folder: Path, args: argparse.Namespace) -> Path:
    path = folder / "hostile.tar"
    with tarfile.open(path, "w") as archive:
        for name, kind, link in [
            ("../escape.txt", tarfile.REGTYPE, ""), ("/abs.txt", tarfile.REGTYPE, ""),
            ("sym.txt", tarfile.SYMTYPE, "/etc/passwd"), ("hard.txt", tarfile.LNKTYPE, "/etc/shadow"),
            ("dev.txt", tarfile.CHRTYPE, ""), ("good.txt", tarfile.REGTYPE, ""),
        ]:
            info = tarfile.TarInfo(name)
            info.type = kind
            info.linkname = link
            data = GOOD.encode() if kind == tarfile.REGTYPE else b""
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    return path


CASES: dict[str, Callable[[Path, argparse.Namespace], Path]] = {
    "baseline": build_baseline,
    "zip_bomb": build_zip_bomb,
    "gzip_bomb": build_gzip_bomb,
    "tar_gz_bomb": build_tar_bomb,
    "long_jsonl_line": build_long_jsonl,
    "long_text_line": build_long_text,
    "long_csv_line": build_long_csv,
    "tiny_articles": build_tiny,
    "deep_html": build_deep_html,
    "unclosed_html": build_unclosed_html,
    "tar_traversal": build_traversal_tar,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gib", type=int, default=1, help="size of the bombs and single-line files, GiB")
    parser.add_argument("--tiny", type=int, default=1_000_000, help="one-line articles in the tiny_articles case")
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), help="run these cases only")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    print(f"{'case':<16} {'input':>12} {'seconds':>8} {'peak RSS':>9}  result")
    for name, build in CASES.items():
        if args.only and name not in args.only:
            continue
        folder = Path(tempfile.mkdtemp(prefix="dyads-hostile-"))
        try:
            path = build(folder, args)
            size = path.stat().st_size
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True
            )
            got = json.loads(done.stdout.strip().splitlines()[-1])
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        codes = ", ".join(f"{code} x{count}" for code, count in sorted(got["problems"].items())) or "no problems"
        rate = f" ({got['articles'] / got['seconds']:,.0f} articles/s)" if name == "tiny_articles" else ""
        print(
            f"{name:<16} {size:>12,} {got['seconds']:>8.2f} {got['peak_mib']:>7.0f} MiB  "
            f"{got['articles']} articles; {codes}{rate}",
            flush=True,
        )


if __name__ == "__main__":
    main()
