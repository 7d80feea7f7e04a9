"""HTML pages and folders of saved pages: main text and metadata, no boilerplate, bad pages as Problems."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from dyads.io.html import extract_page, html_to_text
from dyads.io.readers import read_articles, read_stream, sniff_format
from dyads.records import Article, Problem

BODY = (
    "Negotiators from the two neighbouring countries met in the capital on Tuesday to restart talks "
    "on the disputed border, a week after soldiers exchanged fire near a mountain pass.",
    "The foreign ministry said both delegations agreed to a ceasefire monitoring group and would meet "
    "again next month. Officials described the first session as frank but constructive.",
    "Residents of the border villages, many of whom fled during the clashes, said they hoped the "
    "agreement would let them return home before the harvest.",
)


def page(
    *,
    title: str = "Border talks resume after clashes",
    site: str | None = "Harbour Gazette",
    canonical: str | None = "https://gazette.example/world/border-talks",
    published: str | None = "2024-03-05T09:30:00Z",
    paragraphs: tuple[str, ...] = BODY,
) -> str:
    head = [f"<title>{title} | {site or 'News'}</title>", '<meta charset="utf-8">']
    if canonical:
        head.append(f'<link rel="canonical" href="{canonical}">')
    if site:
        head.append(f'<meta property="og:site_name" content="{site}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{published}">')
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html lang='en'><head>" + "".join(head) + "</head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright Harbour Gazette. Subscribe to our newsletter for more stories.</footer>"
        "<script>var tracking = 'do not read me';</script></body></html>"
    )


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Problem)]


def test_page_gives_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "talks.html"
    path.write_text(page(), encoding="utf-8")
    articles, problems = split(read_articles(path))
    assert problems == []
    (article,) = articles
    for paragraph in BODY:
        assert paragraph in article.text
    assert "Subscribe" not in article.text and "tracking" not in article.text and "Sport" not in article.text
    assert article.title == "Border talks resume after clashes"
    assert article.published == dt.date(2024, 3, 5)
    assert article.outlet == "Harbour Gazette"
    assert article.url == "https://gazette.example/world/border-talks"
    assert article.origin == f"{path}:1"


def test_page_without_metadata_keeps_the_published_argument(tmp_path: Path) -> None:
    path = tmp_path / "bare.htm"
    path.write_text(page(site=None, canonical=None, published=None), encoding="utf-8")
    (article,) = split(read_articles(path, published=dt.date(2023, 1, 2)))[0]
    assert article.published == dt.date(2023, 1, 2)
    assert article.url is None and article.outlet is None
    assert BODY[1] in article.text


def test_folder_of_saved_pages_skips_the_browser_files_folder(tmp_path: Path) -> None:
    (tmp_path / "b_talks.html").write_text(page(title="Second page about talks"), encoding="utf-8")
    (tmp_path / "a_talks.html").write_text(page(title="First page about talks"), encoding="utf-8")
    extras = tmp_path / "a_talks_files"
    extras.mkdir()
    (extras / "frame.html").write_text(page(title="An embedded frame, not an article"), encoding="utf-8")
    (extras / "style.css").write_text("body { color: red }", encoding="utf-8")
    articles, problems = split(read_articles(tmp_path))
    assert problems == []
    assert [a.title for a in articles] == ["First page about talks", "Second page about talks"]


def test_page_over_max_bytes_and_pages_without_text(tmp_path: Path) -> None:
    big = tmp_path / "big.html"
    big.write_text(page(paragraphs=BODY * 40), encoding="utf-8")
    empty = tmp_path / "empty.html"
    empty.write_text("<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>", encoding="utf-8")
    blank = tmp_path / "blank.html"
    blank.write_text("   \n", encoding="utf-8")
    got = {Path(p.where).name: p.code for p in read_articles(tmp_path, max_bytes=5000) if isinstance(p, Problem)}
    assert got == {"big.html": "E106", "empty.html": "E103", "blank.html": "E104"}


def test_page_on_stdin_is_sniffed() -> None:
    assert sniff_format(b"  <!DOCTYPE html><html>") == "html"
    (article,) = split(read_stream(io.BytesIO(page().encode("utf-8"))))[0]
    assert article.outlet == "Harbour Gazette" and article.origin == "<stdin>:1"


def test_fmt_html_overrides_the_suffix(tmp_path: Path) -> None:
    path = tmp_path / "saved.page"
    path.write_text(page(), encoding="utf-8")
    (article,) = split(read_articles(path, fmt="htm"))[0]
    assert article.title == "Border talks resume after clashes"


def test_extract_page_and_fragments() -> None:
    fields = extract_page(page().encode("utf-8"), url="https://elsewhere.example/copy")
    assert fields is not None and fields.url == "https://gazette.example/world/border-talks"
    no_canonical = extract_page(page(canonical=None), url="https://elsewhere.example/copy")
    assert no_canonical is not None and no_canonical.url == "https://elsewhere.example/copy"
    assert html_to_text("<p>Troops <b>left</b> &amp; returned.</p><p>Second.</p><script>x()</script>") == (
        "Troops left & returned.\n\nSecond."
    )
    assert html_to_text("  plain   words\n") == "plain words"
