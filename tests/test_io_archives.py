"""gzip/zip/tar archives: members streamed in name order, hostile members and bombs refused."""

from __future__ import annotations

import gzip
import io
import json
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest

from dyads.io import archives
from dyads.io.readers import read_articles, read_stream
from dyads.records import Article, Problem

PAGE = (
    "<!DOCTYPE html><html><head><title>Port strike ends</title>"
    '<meta property="og:site_name" content="Coast Herald"></head><body><article><p>'
    "Dock workers in the northern port ended a two-week strike on Friday after the transport ministry "
    "agreed to raise wages and hire more inspectors, union leaders said at a news conference."
    "</p></article></body></html>"
)
FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Wire</title><item><title>Dam</title>'
    "<link>https://valley.example/dam</link><description>Engineers opened the dam gates.</description>"
    "</item></channel></rss>"
)


def jsonl(*texts: str) -> bytes:
    return b"".join((json.dumps({"text": t}) + "\n").encode("utf-8") for t in texts)


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Problem)]


def add_zip(archive: zipfile.ZipFile, name: str, data: bytes, *, mode: int | None = None) -> None:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    if mode is not None:
        info.external_attr = mode << 16
    archive.writestr(info, data)


def add_tar(archive: tarfile.TarFile, name: str, data: bytes = b"", *, kind: bytes = tarfile.REGTYPE, link: str = "") -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    archive.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def test_zip_members_in_name_order_with_member_origins(tmp_path: Path) -> None:
    path = tmp_path / "news.zip"
    with zipfile.ZipFile(path, "w") as archive:
        add_zip(archive, "z/feed.xml", FEED.encode())
        add_zip(archive, "b/stories.jsonl", jsonl("First wire story.", "Second wire story."))
        add_zip(archive, "a/page.html", PAGE.encode())
        add_zip(archive, "c/note.txt", b"Headline\n\nA plain-text story about floods.")
        add_zip(archive, "notes.md", b"not an article")
        add_zip(archive, ".DS_Store", b"\x00\x01")
        add_zip(archive, "__MACOSX/b/._stories.jsonl", b"\x00\x01")
        add_zip(archive, "d/", b"")
    articles, problems = split(read_articles(path))
    assert problems == []
    assert [a.origin for a in articles] == [
        f"{path}!a/page.html:1",
        f"{path}!b/stories.jsonl:1",
        f"{path}!b/stories.jsonl:2",
        f"{path}!c/note.txt:1",
        f"{path}!z/feed.xml:1",
    ]
    assert articles[0].outlet == "Coast Herald" and articles[3].title == "Headline" and articles[4].outlet == "Valley Wire"


def test_unsafe_zip_members_are_skipped_with_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.zip"
    with zipfile.ZipFile(path, "w") as archive:
        add_zip(archive, "ok.txt", b"A story that is fine.")
        add_zip(archive, "/etc/absolute.txt", b"absolute")
        add_zip(archive, "../escape.txt", b"escape")
        add_zip(archive, "C:/windows.txt", b"drive")
        add_zip(archive, "inner.zip", b"PK\x03\x04")
        add_zip(archive, "link.txt", b"/etc/passwd", mode=stat.S_IFLNK | 0o777)
        add_zip(archive, "fifo.txt", b"", mode=stat.S_IFIFO | 0o644)
    articles, problems = split(read_articles(path))
    assert [a.text for a in articles] == ["A story that is fine."]
    got = sorted((p.where.split("!", 1)[1], p.code) for p in problems)
    assert got == sorted(
        [
            ("/etc/absolute.txt", "E116"),
            ("../escape.txt", "E116"),
            ("C:/windows.txt", "E116"),
            ("inner.zip", "E116"),
            ("link.txt", "E116"),
            ("fifo.txt", "E116"),
        ]
    )


def test_tar_gz_read_by_name_and_links_refused(tmp_path: Path) -> None:
    path = tmp_path / "news.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        add_tar(archive, "c.txt", b"Third story, about the harbour.")
        add_tar(archive, "a.jsonl", jsonl("First story, about the dam."))
        add_tar(archive, "b.html", PAGE.encode())
        add_tar(archive, "sym.txt", kind=tarfile.SYMTYPE, link="/etc/passwd")
        add_tar(archive, "hard.txt", kind=tarfile.LNKTYPE, link="c.txt")
        add_tar(archive, "dev.txt", kind=tarfile.CHRTYPE)
        add_tar(archive, "../up.txt", b"escape")
        add_tar(archive, "./d/story.txt", b"Fourth story, packed with tar -C folder .")
        add_tar(archive, "./.hidden.txt", b"hidden")
    articles, problems = split(read_articles(path))
    assert [a.origin for a in articles] == [
        f"{path}!./d/story.txt:1", f"{path}!a.jsonl:1", f"{path}!b.html:1", f"{path}!c.txt:1"
    ]
    assert sorted((p.where.split("!", 1)[1], p.code) for p in problems) == [
        ("../up.txt", "E116"),
        ("dev.txt", "E116"),
        ("hard.txt", "E116"),
        ("sym.txt", "E116"),
    ]


def test_compressed_tar_far_from_name_order_is_read_in_archive_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "news.tgz"
    with tarfile.open(path, "w:gz") as archive:
        add_tar(archive, "b.txt", b"Story B about the election.")
        add_tar(archive, "a.txt", b"Story A about the strike.")
    monkeypatch.setattr(archives, "REWIND_FACTOR", 0)
    articles, problems = split(read_articles(path))
    assert [a.text for a in articles] == ["Story B about the election.", "Story A about the strike."]
    assert [(p.code, p.severity) for p in problems] == [("E121", "warning")]


def test_gzip_files_by_inner_suffix_or_sniffed(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(jsonl("One gzipped story.", "Two gzipped stories.")))
    (tmp_path / "b.gz").write_bytes(gzip.compress(FEED.encode()))
    (tmp_path / "c.txt.gz").write_bytes(b"this is not gzip data at all")
    articles, problems = split(read_articles(tmp_path))
    assert [(a.origin, a.text) for a in articles] == [
        (f"{tmp_path / 'a.jsonl.gz'}:1", "One gzipped story."),
        (f"{tmp_path / 'a.jsonl.gz'}:2", "Two gzipped stories."),
        (f"{tmp_path / 'b.gz'}:1", "Engineers opened the dam gates."),
    ]
    assert [(Path(p.where).name, p.code) for p in problems] == [("c.txt.gz", "E112")]


def test_gzip_on_stdin_and_fmt_override(tmp_path: Path) -> None:
    articles, problems = split(read_stream(io.BytesIO(gzip.compress(jsonl("From a pipe.", "Also from a pipe.")))))
    assert [a.origin for a in articles] == ["<stdin>:1", "<stdin>:2"] and problems == []
    blob = tmp_path / "download.bin"
    with zipfile.ZipFile(blob, "w") as archive:
        add_zip(archive, "x.txt", b"Zipped under an odd name.")
    assert [a.text for a in read_articles(blob, fmt="zip")] == ["Zipped under an odd name."]


def test_bombs_are_refused_before_being_read(tmp_path: Path) -> None:
    zeros = b"\x00" * 3_000_000
    zip_bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(zip_bomb, "w") as archive:
        add_zip(archive, "a.txt", b"A fine story that comes first.")
        add_zip(archive, "b.txt", zeros)
    gz_bomb = tmp_path / "bomb.txt.gz"
    gz_bomb.write_bytes(gzip.compress(b"a" * 3_000_000))
    tar_bomb = tmp_path / "bomb.tar.gz"
    with tarfile.open(tar_bomb, "w:gz") as archive:
        add_tar(archive, "a.txt", b"A fine story.")
        add_tar(archive, "b.txt", zeros)
        add_tar(archive, "c.txt", b"Another fine story.")
    for path in (zip_bomb, gz_bomb, tar_bomb):
        items = list(read_articles(path))
        # the members before the bomb (in name order) are read; the bomb member is named, the rest not read
        expected = [("Problem", "E117")] if path == gz_bomb else [("Article", None), ("Problem", "E117")]
        assert [(type(i).__name__, getattr(i, "code", None)) for i in items] == expected, path
        assert "ratio" in items[-1].reason
        assert items[-1].where == (str(path) if path == gz_bomb else f"{path}!b.txt")


def test_total_decompressed_size_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for n in range(5):
            add_zip(archive, f"{n}.txt", f"Story number {n} ".encode() * 100)
    items = list(read_articles(path, max_archive_bytes=4000))
    # 1,700 bytes a member: the first two fit the cap, the third is named and the rest not read
    assert [getattr(i, "code", None) for i in items] == [None, None, "E117"]
    assert items[-1].where == f"{path}!2.txt" and "input.max_archive_bytes" in items[-1].reason
    assert len([a for a in read_articles(path, max_archive_bytes=100_000) if isinstance(a, Article)]) == 5


def test_damaged_archives_and_members(tmp_path: Path) -> None:
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as archive:
        add_zip(archive, "a.txt", b"Story A survives the damage.")
        add_zip(archive, "b.txt", b"Story B is damaged on disk.")
    data = bytearray(good.read_bytes())
    spot = data.index(b"b.txt") + len(b"b.txt") + 2  # inside b.txt's compressed data
    data[spot] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(gzip.compress(b"x" * 2000)[:30])
    articles, problems = split(read_articles(damaged))
    assert [a.text for a in articles] == ["Story A survives the damage."]
    assert [(p.where, p.code) for p in problems] == [(f"{damaged}!b.txt", "E112")]
    assert [getattr(i, "code", None) for i in read_articles(truncated)] == ["E112"]


def test_nothing_is_written_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "in"
    source.mkdir()
    with zipfile.ZipFile(source / "a.zip", "w") as archive:
        add_zip(archive, "story.txt", b"A story read from memory only.")
    with tarfile.open(source / "b.tar", "w") as archive:
        add_tar(archive, "story.txt", b"Another story read from memory only.")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert len([a for a in read_articles(source) if isinstance(a, Article)]) == 2
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
