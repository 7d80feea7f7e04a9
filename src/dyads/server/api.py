"""Browsing endpoints: events (filters + cursor), one event, one article, summary, health."""


import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel

from dyads.analytics import EventFilters, event_filters
from dyads.records import Event, Status
from dyads.server.database import SessionStore
from dyads.server.errors import error_responses
from dyads.server.limits import ServerLimits
from dyads.server.models import (
    ArticleWithEvents,
    DyadCount,
    EventsPage,
    Health,
    Summary,
)
from dyads.server.queries import article_json, event_json, events_page
from dyads.server.state import keyed_session, lookup_session, read_session, state_of

LABEL_PATTERN = r"^ *[A-Za-z0-9-]{2,}( +[A-Za-z0-9-]{2,})* *$"
BBOX_PATTERN = r"^-?[0-9]{1,3}(\.[0-9]+)?(,-?[0-9]{1,3}(\.[0-9]+)?){3}$"
ID_MAX = 200

Session = Annotated[SessionStore, Depends(read_session)]
Lookup = Annotated[SessionStore, Depends(lookup_session)]
Keyed = Annotated[SessionStore, Depends(keyed_session)]


def common_filters(
    actor: Annotated[str | None, Query(max_length=64, pattern=LABEL_PATTERN,
                                       description="source or target label prefix, whole words: RUS matches RUS, RUS MIL")] = None,
    source: Annotated[str | None, Query(max_length=64, pattern=LABEL_PATTERN, description="source label prefix")] = None,
    target: Annotated[str | None, Query(max_length=64, pattern=LABEL_PATTERN, description="target label prefix")] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$", description="ISO-3 code of the event location")] = None,
    plover_type: Annotated[str | None, Query(alias="type", max_length=40, pattern=r"^[A-Za-z_]+$",
                                             description="PLOVER type, e.g. ASSAULT")] = None,
    quad: Annotated[int | None, Query(ge=0, le=4, description="QuadClass 0-4")] = None,
    status: Annotated[Status | None, Query(description="attribution status")] = None,
    since: Annotated[dt.date | None, Query(description="first event date, YYYY-MM-DD (inclusive)")] = None,
    until: Annotated[dt.date | None, Query(description="last event date, YYYY-MM-DD (inclusive)")] = None,
    bbox: Annotated[str | None, Query(max_length=100, pattern=BBOX_PATTERN,
                                      description="min_lon,min_lat,max_lon,max_lat of the event location")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=200,
                                   description="text in the event's sentence or trigger, case-insensitive")] = None,
    article: Annotated[str | None, Query(min_length=1, max_length=ID_MAX, description="article id")] = None,
) -> EventFilters:
    """The common event filters as query parameters, checked by the analytics rules."""
    return event_filters(
        actor=actor, source=source, target=target, country=country, type=plover_type, quad=quad, status=status,
        since=since, until=until, bbox=bbox, q=q, article=article,
    )


Filters = Annotated[EventFilters, Depends(common_filters)]


def model_json(model: BaseModel) -> Response:
    """``model`` as a JSON answer, encoded once in the request's thread. The route still declares
    the model (``response_model``) for the OpenAPI schema; returned as a model, FastAPI would dump
    it, validate it again and encode it, holding the GIL."""
    return Response(content=model.model_dump_json(), media_type="application/json")


def browse_router(limits: ServerLimits) -> APIRouter:
    """The read-only endpoints; ``limits.max_page`` bounds the page size."""
    router = APIRouter(prefix="/api", tags=["browse"])
    errors = error_responses(422, 500, 503)

    @router.get("/events", response_model=EventsPage, responses=errors)
    def list_events(
        store: Session,
        filters: Filters,
        limit: Annotated[int, Query(ge=1, le=limits.max_page, description="events per page")] = 50,
        cursor: Annotated[str | None, Query(max_length=512, description="next_cursor of the previous page")] = None,
    ) -> Response:
        """Events matching every filter given, newest first (undated last), one page at a time."""
        return model_json(events_page(store, filters, limit=limit, cursor=cursor))

    @router.get("/events/{event_id}", response_model=Event, responses=error_responses(404, 422, 500, 503))
    def get_event(store: Lookup, event_id: Annotated[str, Path(min_length=1, max_length=ID_MAX)]) -> Response:
        """The full event record: actors, spans, date, place, attribution."""
        # The stored record is the Event's own JSON (Store.write_batch): sent as it is, not parsed and re-encoded.
        return Response(content=event_json(store, event_id), media_type="application/json")

    @router.get("/articles/{article_id}", response_model=ArticleWithEvents, responses=error_responses(404, 422, 500, 503))
    def get_article(store: Lookup, article_id: Annotated[str, Path(min_length=1, max_length=ID_MAX)]) -> Response:
        """An article's text and its events (spans are character offsets into the text)."""
        return Response(content=article_json(store, article_id), media_type="application/json")

    @router.get("/summary", response_model=Summary, responses=error_responses(500, 503))
    def get_summary(store: Session) -> Response:
        """Totals: articles, events, date range, counts by type / quad class / status, top dyads."""
        data = store.summary()
        return model_json(Summary(
            articles=data["articles"],
            articles_with_events=data["articles_with_events"],
            events=data["events"],
            first_date=data["first_date"],
            last_date=data["last_date"],
            by_plover_type=data["by_plover_type"],
            by_quad_class={str(quad): n for quad, n in data["by_quad_class"].items()},
            by_status=data["by_status"],
            top_dyads=[DyadCount(**row) for row in data["top_dyads"]],
        ))

    @router.get("/health", response_model=Health, responses=error_responses(500, 503))
    def get_health(store: Lookup, request: Request) -> Response:
        """The server is up; how much the store holds; whether it is read-only."""
        row = store.query(
            "SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM articles) AS articles"
        )[0]
        return model_json(Health(status="ok", events=int(row["events"]), articles=int(row["articles"]), read_only=state_of(request).store.read_only))

    return router

