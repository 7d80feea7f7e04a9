"""Typed records of merged events: one real-world event and the mentions that report it."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from dyads.merge.options import MergeOptions
from dyads.records import EventDate, Location, Span, Status


class MergeRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventMention(MergeRecord):
    """One coded event (one sentence of one article) that reports a merged event, with its own attribution."""

    event_id: str
    article_id: str
    sentence_index: int
    outlet: str | None = Field(default=None, description="the article's outlet (None when the article names none)")
    anchor: bool = Field(default=False, description="the mention the merged event's window is anchored on")
    status: Status = "asserted"
    speaker: str | None = Field(default=None, description="actor label of who said so, e.g. 'RUS GOV'")
    reporting_source: str | None = None
    source: str | None = Field(default=None, description="label of the mention's first source actor")
    target: str | None = Field(default=None, description="label of the mention's first target actor")
    plover_type: str | None = None
    cameo_code: str
    date: dt.date | None = None
    date_precision: str | None = None
    location_name: str | None = None
    location_country: str | None = None
    trigger: Span


class MergedEvent(MergeRecord):
    """One event reported by one or more mentions (coded events), possibly across many articles.

    ``id`` is a content hash of the rule, the match key and the sorted ids of the member events, so a
    rerun with the same events and options gives the same ids. ``date`` is the most precise date among
    the mentions (the anchor's), ``location`` the most precise place.
    """

    id: str
    rule: str = Field(description="the options that made it, e.g. 'merge window=1 place=country ...'")
    event_id: str = Field(description="the anchor mention's event id (its type, CAMEO code and date are the merged event's)")
    source: str | None = Field(default=None, description="first source label of the anchor")
    target: str | None = Field(default=None, description="first target label of the first mention that has one")
    plover_type: str | None = None
    cameo_code: str
    quad_class: int
    goldstein: float
    status: str = Field(description="the status key the mentions share: affirmed, denied, hypothetical (status class), a status, or any")
    date: EventDate | None = None
    location: Location | None = None
    n_mentions: int = Field(description="coded events merged")
    n_articles: int = Field(description="distinct articles among the mentions")
    n_sources: int = Field(description="independent sources: distinct outlets (an article without an outlet counts alone)")
    outlets: list[str] = Field(default_factory=list, description="distinct outlets, sorted")
    mentions: list[EventMention] = Field(default_factory=list)


class MergeSummary(MergeRecord):
    """What :func:`dyads.merge.merge_store` did."""

    options: MergeOptions
    rule: str
    events: int = Field(description="coded events in the store")
    merged_events: int = Field(description="merged events written (each event is in exactly one)")
    multi_mention: int = Field(description="merged events with two or more mentions")
    merged_away: int = Field(description="events - merged_events")
    largest: int = Field(description="mentions of the biggest merged event (0 for an empty store)")
    seconds: float
    biggest: list[MergedEvent] = Field(default_factory=list, description="the biggest merged events, with their mentions")
