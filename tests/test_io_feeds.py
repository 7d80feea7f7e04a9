"""RSS/Atom feeds from files and URLs: one article per entry; nothing is fetched unless asked.

URLs are served by a local http.server on 127.0.0.1 that each test starts in a thread.
"""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dyads.io.readers import read_articles
from dyads.records import Article, Problem

STORY = (
    "Negotiators from the two neighbouring countries met in the capital on Tuesday to restart talks on the "
    "disputed border, a week after soldiers exchanged fire near a mountain pass. The foreign ministry said "
    "both delegations agreed to a ceasefire monitoring group and would meet again next month."
)


def rss(items: str, *, title: str = "Harbour Wire") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://wire.example/</link>{items}</channel></rss>"
    ).encode("utf-8")


def item(title: str, link: str, *, description: str | None = None, date: str | None = None) -> str:
    parts = [f"<title>{title}</title>", f"<link>{link}</link>"]
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    if description is not None:
        parts.append(f"<description><![CDATA[{description}]]></description>")
    return "<item>" + "".join(parts) + "</item>"


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Problem)]


class Site:
    """Pages served on 127.0.0.1: path -> (status, content type, body); every request is logged."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, str, bytes]] = {}
        self.requests: list[str] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server name
                site.requests.append(self.path)
                status, kind, body = site.pages.get(self.path, (404, "text/plain", b"not here"))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture()
def site() -> Iterator[Site]:
    served = Site()
    served.thread.start()
    try:
        yield served
    finally:
        served.server.shutdown()
        served.server.server_close()
        served.thread.join(timeout=5)


def test_rss_entries_become_articles_with_feed_title_as_outlet(tmp_path: Path) -> None:
    path = tmp_path / "wire.xml"
    path.write_bytes(
        rss(
            item("Talks resume", "https://wire.example/talks", description=f"<p>{STORY}</p>", date="Tue, 05 Mar 2024 23:30:00 -0500")
            + item("Short brief", "https://wire.example/brief", description="Police arrested five men in the port.")
            + item("Headline only", "https://wire.example/empty")
            + item("Odd date", "https://wire.example/odd", description="Protesters gathered downtown.", date="sometime soon")
        )
    )
    articles, problems = split(read_articles(path, published=dt.date(2020, 1, 1)))
    talks, brief, odd = articles
    assert talks.text == STORY and talks.title == "Talks resume" and talks.url == "https://wire.example/talks"
    assert talks.outlet == "Harbour Wire" and talks.origin == f"{path}:1"
    # the calendar date written in the feed, with no conversion to UTC (which would give March 6)
    assert talks.published == dt.date(2024, 3, 5)
    assert brief.text == "Police arrested five men in the port." and brief.published == dt.date(2020, 1, 1)
    assert odd.origin == f"{path}:4"
    assert [(p.where, p.code, p.severity) for p in problems] == [
        (f"{path}:3", "E103", "error"),
        (f"{path}:4", "E108", "warning"),
    ]


def test_atom_prefers_content_over_summary(tmp_path: Path) -> None:
    path = tmp_path / "feed.atom"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Post</title>'
        '<entry><title>Full story</title><link href="https://atom.example/full"/>'
        "<updated>2024-03-06T10:00:00+02:00</updated><published>2024-03-05T01:00:00+02:00</published>"
        "<summary>A short summary.</summary>"
        f'<content type="html">&lt;p&gt;{STORY}&lt;/p&gt;</content></entry></feed>',
        encoding="utf-8",
    )
    (article,) = split(read_articles(path))[0]
    assert article.text == STORY and article.outlet == "Atom Post"
    assert article.published == dt.date(2024, 3, 5) and article.url == "https://atom.example/full"


def test_not_a_feed_and_empty_feed(tmp_path: Path) -> None:
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>', encoding="utf-8")
    (tmp_path / "empty.rss").write_bytes(rss(""))
    got = {Path(p.where).name: p.code for p in read_articles(tmp_path)}
    assert got == {"sitemap.xml": "E118", "empty.rss": "E104"}


def test_summary_is_kept_and_nothing_fetched_unless_asked(tmp_path: Path, site: Site) -> None:
    site.pages["/story"] = (200, "text/html", _page(STORY * 2))
    path = tmp_path / "wire.rss"
    path.write_bytes(rss(item("Talks", site.url("/story"), description="Talks resumed.")))
    (article,) = split(read_articles(path))[0]
    assert article.text == "Talks resumed."
    assert site.requests == []


def test_fetch_links_reads_the_linked_page_and_keeps_the_summary_when_it_fails(tmp_path: Path, site: Site) -> None:
    site.pages["/story"] = (200, "text/html; charset=utf-8", _page(STORY))
    path = tmp_path / "wire.rss"
    path.write_bytes(
        rss(
            item("Talks", site.url("/story"), description="Talks resumed.", date="Tue, 05 Mar 2024 10:00:00 GMT")
            + item("Gone", site.url("/gone"), description="A brief that stays.")
            + item("Title only", site.url("/story"))
        )
    )
    articles, problems = split(read_articles(path, fetch_links=True))
    fetched, gone, title_only = articles
    assert STORY in fetched.text and fetched.title == "Talks" and fetched.url == site.url("/story")
    assert fetched.outlet == "Harbour Wire" and fetched.published == dt.date(2024, 3, 5)
    assert gone.text == "A brief that stays."
    assert STORY in title_only.text
    assert [(p.where, p.code, p.severity) for p in problems] == [(f"{path}:2", "E119", "warning")]
    assert "HTTP 404" in problems[0].reason
    assert sorted(site.requests) == ["/gone", "/story", "/story"]


def test_feed_and_page_from_urls(site: Site) -> None:
    site.pages["/feed"] = (200, "application/rss+xml", rss(item("Talks", "https://wire.example/t", description=STORY)))
    site.pages["/page"] = (200, "text/html", _page(STORY))
    site.pages["/lines"] = (200, "application/x-ndjson", b'{"text": "One story."}\n{"text": "Two stories."}\n')
    (from_feed,) = split(read_articles(site.url("/feed")))[0]
    assert from_feed.text == STORY and from_feed.origin == site.url("/feed") + ":1"
    (from_page,) = split(read_articles(site.url("/page")))[0]
    assert STORY in from_page.text and from_page.url == site.url("/page")
    assert [a.text for a in read_articles(site.url("/lines"))] == ["One story.", "Two stories."]
    (missing,) = read_articles(site.url("/missing"))
    assert isinstance(missing, Problem) and missing.code == "E112" and "404" in missing.reason
    assert site.requests == ["/feed", "/page", "/lines", "/missing"]


def test_oversized_response_is_not_read(site: Site) -> None:
    site.pages["/huge"] = (200, "text/html", _page(STORY * 100))
    (problem,) = read_articles(site.url("/huge"), max_bytes=1000)
    assert isinstance(problem, Problem) and problem.code == "E106"


def _page(text: str) -> bytes:
    return (
        "<!DOCTYPE html><html><head><title>Story</title></head><body><nav>Home | World</nav>"
        f"<article><p>{text}</p></article><footer>All rights reserved.</footer></body></html>"
    ).encode("utf-8")
