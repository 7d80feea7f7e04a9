"""Typed bodies of the API's requests and responses (they make the OpenAPI schema)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dyads.records import Event


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventLocation(ApiModel):
    name: str
    country: str | None
    lat: float | None
    lon: float | None


class EventRow(ApiModel):
    """One event as a row of the events list (the full record: GET /api/events/{id})."""

    id: str
    article_id: str
    sentence_index: int
    date: dt.date | None
    date_precision: str | None
    plover_type: str | None = Field(description="None for statements (CAMEO 01-02)")
    plover_mode: str | None
    cameo_code: str
    quad_class: int
    goldstein: float
    status: str
    sources: list[str] = Field(description="actor labels, e.g. 'RUS MIL'")
    targets: list[str]
    speaker: str | None = Field(description="label of the actor the event is attributed to")
    location: EventLocation | None
    trigger_text: str
    sentence_text: str
    outlet: str | None
    title: str | None


class EventsPage(ApiModel):
    events: list[EventRow]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last page")
    total: int = Field(description="events matching the filters, all pages together")


class ArticleBody(ApiModel):
    id: str
    title: str | None
    url: str | None
    outlet: str | None
    published: dt.date | None
    text: str


class ArticleWithEvents(ApiModel):
    article: ArticleBody
    events: list[Event] = Field(description="full event records; spans are character offsets into article.text")


class DyadCount(ApiModel):
    source: str
    target: str
    events: int


class Summary(ApiModel):
    """Totals of the store (Store.summary())."""

    articles: int
    articles_with_events: int
    events: int
    first_date: dt.date | None
    last_date: dt.date | None
    by_plover_type: dict[str, int] = Field(description="PLOVER type -> events; 'none' for statements")
    by_quad_class: dict[str, int]
    by_status: dict[str, int]
    top_dyads: list[DyadCount]


class Health(ApiModel):
    status: Literal["ok"]
    events: int
    articles: int
    read_only: bool


class IngestArticle(ApiModel):
    """One article to code; read with the same rules as a line of a JSONL input file."""

    text: str = Field(min_length=1)
    id: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=2000)
    url: str | None = Field(default=None, max_length=4000, description="kept as metadata; never fetched")
    outlet: str | None = Field(default=None, max_length=500)
    published: str | None = Field(default=None, max_length=40, description="YYYY-MM-DD or an ISO datetime")


class IngestRequest(ApiModel):
    """Articles to code, and/or URLs of pages or feeds for the server to fetch (only hosts it allows)."""

    articles: list[IngestArticle] = Field(default_factory=list)
    urls: list[Annotated[str, Field(min_length=1, max_length=2000)]] = Field(
        default_factory=list,
        description="http(s) pages, feeds or JSONL files to fetch and code; refused (403 E627) unless the server "
        "was started with --fetch-host for their hosts, and never fetched from non-public addresses (E628)",
    )

    @model_validator(mode="after")
    def _something(self) -> IngestRequest:
        if not self.articles and not self.urls:
            raise ValueError("give at least one article or URL")
        return self


class IngestAccepted(ApiModel):
    job: str
    queued: int = Field(description="articles queued for coding")


class JobProblem(ApiModel):
    where: str
    code: str
    reason: str
    severity: Literal["error", "warning"]


JobState = Literal["queued", "running", "done", "failed"]


class IngestJob(ApiModel):
    job: str
    state: JobState
    articles: int = Field(description="articles posted")
    repeated: int = Field(description="articles posted twice in the request (coded once)")
    already_stored: int = Field(description="articles skipped because the store already holds them")
    new_articles: int
    new_events: int
    problems: list[JobProblem]
