"""Typed records that flow between the pipeline stages.

Every field that came from text carries a :class:`Span` (character offsets into
``Article.text``), so every coded value can be traced back to the words behind it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["asserted", "claimed", "denied", "negated", "hypothetical"]
DatePrecision = Literal["day", "month", "year"]
DateSource = Literal["explicit", "weekday", "relative", "month", "anchored", "publication"]

_SPACE = re.compile(r"\s+")


def content_hash(*parts: str, length: int = 16) -> str:
    """A stable hex id from text parts (sha256, truncated)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def normalise_text(text: str) -> str:
    """NFC, collapsed whitespace, stripped: two copies of one article hash alike."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Span(Record):
    """Character offsets ``[start, end)`` into the article text, with the text itself."""

    start: int
    end: int
    text: str


class Article(Record):
    """One news article. ``id`` is a content hash of the normalised text and the url."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    origin: str | None = Field(default=None, description="where it was read from, e.g. file.jsonl:12")

    @classmethod
    def create(
        cls,
        *,
        text: str,
        title: str | None = None,
        url: str | None = None,
        outlet: str | None = None,
        published: dt.date | None = None,
        origin: str | None = None,
        id: str | None = None,
    ) -> "Article":
        """Build an article; its id is derived from the content unless one is given."""
        article_id = id or content_hash(normalise_text(text), url or "")
        return cls(
            id=article_id,
            text=text,
            title=title,
            url=url,
            outlet=outlet,
            published=published,
            origin=origin,
        )


def actor_label(code: str | None, sectors: Sequence[str]) -> str:
    """``'RUS MIL'``-style label of an actor's code and sectors (``'---'`` for no code)."""
    return " ".join([code or "---", *sectors]).strip()


class Actor(Record):
    """A coded actor: country or group code plus sectors, and the text it came from."""

    code: str | None = Field(default=None, description="ISO-3 country or group/IGO code, e.g. RUS, ISIS, NATO")
    sectors: list[str] = Field(default_factory=list, description="e.g. ['GOV', 'MIL']")
    name: str | None = Field(default=None, description="named person or body, e.g. 'Sergei Shoigu'")
    role: str | None = Field(default=None, description="role of a person, e.g. 'Defense Minister'")
    supported_by: list[str] = Field(default_factory=list, description="backers, e.g. ['USA'] for U.S.-backed rebels")
    span: Span | None = None

    @property
    def label(self) -> str:
        """``'RUS MIL'``-style label: code then sectors."""
        return actor_label(self.code, self.sectors)


MentionKind = Literal["country", "capital", "group", "igo", "person", "sector", "pronoun", "other"]


class Mention(Record):
    """An actor mention in a parsed document: token range ``[start, end)`` and its coded actor."""

    start: int = Field(description="first token index in the spaCy Doc")
    end: int = Field(description="one past the last token index")
    head: int = Field(description="index of the syntactic head token of the mention")
    kind: MentionKind = "other"
    actor: Actor


class EventDate(Record):
    """When an event happened, how precisely, and which words said so."""

    date: dt.date
    precision: DatePrecision = "day"
    derived_from: DateSource = "publication"
    end_date: dt.date | None = None
    span: Span | None = None


class Location(Record):
    """A place: coordinates, country, admin-1, and the toponym behind it.

    ``feature="unknown"`` is a place the text names but the gazetteer does not hold (a village,
    a district): it has a name and its span, a country only when the sentence gives one, and no
    coordinates.
    """

    name: str
    lat: float | None = None
    lon: float | None = None
    country: str | None = Field(default=None, description="ISO-3 country code")
    admin1: str | None = None
    feature: Literal["country", "admin1", "city", "site", "region", "unknown"] = "city"
    geonameid: int | None = None
    span: Span | None = None
    derived_from: str = Field(
        default="sentence", description="sentence (a toponym there), target-actor (a target that is a place in the sentence, or a whole country), learned (the learned chooser picked it among those, docs/places.md), article (inherited)"
    )


class Attribution(Record):
    """Who said so and how: the speaker, the reporting outlet and the event's status."""

    status: Status = "asserted"
    speaker: Actor | None = None
    reporting_source: str | None = Field(default=None, description="outlet or agency, e.g. 'TASS'")
    cue: Span | None = Field(default=None, description="the verb or phrase that set the status")
    source_span: Span | None = None


class Event(Record):
    """A coded event in PLOVER and CAMEO, with actors, date, place and attribution."""

    id: str = ""
    article_id: str
    sentence_index: int
    sentence: Span
    trigger: Span
    plover_type: str | None = Field(default=None, description="PLOVER event type; None for statements (CAMEO 01-02)")
    plover_mode: str | None = None
    plover_context: list[str] = Field(default_factory=list)
    cameo_code: str
    quad_class: int = Field(description="0 neutral, 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict")
    goldstein: float
    statement_only: bool = False
    negated_code: str | None = Field(
        default=None,
        description="for a refusal coded from a negated act of cooperation (\"will not lift the ban\": CAMEO 12x,"
        " PLOVER REJECT): the CAMEO code of the act refused",
    )
    intended_code: str | None = Field(
        default=None, description="for a stated intent or threat (CAMEO 03x/13x): the CAMEO code of the act intended"
    )
    sources: list[Actor] = Field(default_factory=list)
    targets: list[Actor] = Field(default_factory=list)
    date: EventDate | None = None
    location: Location | None = None
    launch_site: Location | None = None
    attribution: Attribution = Field(default_factory=Attribution)
    coder: str = Field(
        default="lexicon-rules",
        description="lexicon-rules; lexicon+classifier when the classifier re-typed the rules' event",
    )
    confidence: float | None = Field(default=None, description="the classifier's probability for the event's type (or statement)")

    def assign_id(self) -> "Event":
        """Content-hash id: same article, sentence, trigger and code give the same id."""
        self.id = content_hash(
            self.article_id,
            str(self.sentence_index),
            str(self.trigger.start),
            str(self.trigger.end),
            self.cameo_code,
        )
        return self


class Problem(Record):
    """A piece of input that could not be used: where, what and why."""

    where: str = Field(description="file:line or file")
    code: str = Field(description="stable error code, e.g. E101")
    reason: str
    severity: Literal["error", "warning"] = Field(
        default="error", description="error: the item was skipped; warning: it was used with a repair"
    )


def main_event(events: list[Event]) -> Event | None:
    """A sentence's main event: its first event that is not a bare statement, else its first."""
    return next((e for e in events if not e.statement_only), events[0] if events else None)
