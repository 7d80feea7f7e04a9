"""HTML pages: main text and metadata with trafilatura; HTML fragments to plain text.

:func:`extract_page` turns one saved or fetched page into the fields of an article (text,
title, publication date, outlet, url). :func:`html_to_text` flattens a small fragment, such
as a feed entry's summary, without judging what is boilerplate.
"""

from __future__ import annotations

import datetime as dt
import html
import html.parser
import logging
import re

from pydantic import BaseModel, ConfigDict

_BLOCKS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li "
    "main nav ol p pre section table td th tr ul".split()
)
_SKIPPED = frozenset({"script", "style", "noscript", "template", "head", "title"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BREAKS = re.compile(r"\n{3,}")

# trafilatura and htmldate log every page they cannot use; a Problem says so instead. A
# NullHandler keeps Python's last-resort handler from printing them when the application has
# configured no logging, and leaves them to an application that has.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


class PageFields(BaseModel):
    """What a page says about itself; any field but ``text`` may be missing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None


class _TextCollector(html.parser.HTMLParser):
    """Collects text; block elements end a paragraph; script/style content is dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


PARSER_MAX_DEPTH = 250
"""Tags nested deeper than this are past what the page parser keeps (libxml2 stops at 256
levels), so :func:`extract_page` finds no main text in them: :func:`flat_page` reads such a page."""

_VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
_TOKEN = re.compile(r"<!--.*?-->|<[!?][^>]*>|<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>", re.DOTALL)


def flat_page(data: bytes | str) -> tuple[str, int]:
    """All the text of a page (scripts, styles and the head left out; boilerplate kept) and how
    many levels deep its tags nest (void and self-closed elements do not nest).

    One pass over the tags with a regular expression, no tree and no recursion, so any depth
    reads in time linear in the page. Bytes are decoded as UTF-8, invalid bytes replaced.
    """
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    parts: list[str] = []
    depth = deepest = 0
    skipping: str | None = None
    position = 0
    for match in _TOKEN.finditer(text):
        if skipping is None:
            parts.append(text[position : match.start()])
        position = match.end()
        closing, name, self_closed = match.group(1, 2, 3)
        if name is None:
            continue
        name = name.lower()
        if skipping is not None:
            if closing and name == skipping:
                skipping = None
            continue
        if name in _BLOCKS:
            parts.append("\n\n")
        if closing:
            if name not in _VOID:
                depth = max(0, depth - 1)
        elif name in _SKIPPED and not self_closed:
            skipping = name
        elif name not in _VOID and not self_closed:
            depth += 1
            deepest = max(deepest, depth)
    if skipping is None:
        parts.append(text[position:])
    return _tidy(html.unescape("".join(parts))), deepest


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: entities decoded, tags dropped, one blank line between blocks.

    Text without any tag comes back with its whitespace tidied only.
    """
    if "<" not in fragment and "&" not in fragment:
        return _tidy(fragment)
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return _tidy("".join(collector.parts))


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BREAKS.sub("\n\n", "\n".join(lines)).strip()


def extract_page(data: bytes | str, *, url: str | None = None) -> PageFields | None:
    """Main text and metadata of a whole HTML page, or None when the page has no main text.

    ``url`` is where the page came from (for a fetched page); the page's canonical or
    ``og:url`` link wins when it has one. The date is the publication date the page's
    metadata gives (no guessing from the body text). The outlet is the site name, else
    the host name of the url.
    """
    import trafilatura  # imported here: loading it takes most of a second

    document = trafilatura.bare_extraction(
        data,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"original_date": True, "extensive_search": False},
    )
    if document is None:
        return None
    text = (getattr(document, "text", None) or "").strip()
    if not text:
        return None
    published = _date(getattr(document, "date", None))
    outlet = getattr(document, "sitename", None) or getattr(document, "hostname", None)
    return PageFields(
        text=text,
        title=_clean(getattr(document, "title", None)),
        url=_clean(getattr(document, "url", None)) or url,
        outlet=_clean(outlet),
        published=published,
    )


def _clean(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
