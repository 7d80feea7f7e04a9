"""Analytics endpoints: dyad series, actor profiles, blocs, claims, timeline (see dyads.analytics)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from dyads.analytics import (
    ActorProfile,
    Alignment,
    Claims,
    DyadSeries,
    Timeline,
    actor_profile,
    alignment,
    claims,
    dyad_series,
    timeline,
)
from dyads.analytics.models import Period
from dyads.server.api import LABEL_PATTERN, Filters, Keyed, Session, model_json
from dyads.server.errors import error_responses

Since = Annotated[dt.date | None, Query(description="first event date, YYYY-MM-DD (inclusive)")]
Until = Annotated[dt.date | None, Query(description="last event date, YYYY-MM-DD (inclusive)")]
Label = Annotated[str, Path(max_length=64, pattern=LABEL_PATTERN, description="actor code or label prefix, e.g. RUS or RUS MIL")]


def analytics_router() -> APIRouter:
    router = APIRouter(prefix="/api", tags=["analytics"])
    errors = error_responses(422, 500, 503)

    @router.get("/dyads/{source}/{target}", response_model=DyadSeries, responses=errors)
    def get_dyad(
        store: Keyed,
        source: Label,
        target: Label,
        by: Annotated[Period, Query(description="period of each point")] = "month",
        since: Since = None,
        until: Until = None,
        directed: Annotated[bool, Query(description="false: count both directions")] = False,
    ) -> Response:
        """Events between two actors per period, by quad class and type, with Goldstein sums."""
        return model_json(dyad_series(store, source, target, by=by, since=since, until=until, directed=directed))

    @router.get("/actors/{actor}", response_model=ActorProfile, responses=errors)
    def get_actor(
        store: Session,
        actor: Label,
        since: Since = None,
        until: Until = None,
        top: Annotated[int, Query(ge=1, le=100, description="how many types and partners")] = 10,
    ) -> Response:
        """An actor's events as source and target, its mix of types, and its partners."""
        return model_json(actor_profile(store, actor, since=since, until=until, top=top))

    @router.get("/blocs", response_model=Alignment, responses=errors)
    def get_blocs(
        store: Session,
        since: Since = None,
        until: Until = None,
        min_events: Annotated[int, Query(ge=1, le=1_000_000, description="least events on an edge")] = 1,
        place_targets: Annotated[
            bool, Query(description="count attacks on a country named only as their place as conflict")
        ] = False,
    ) -> Response:
        """Who cooperates and who fights whom: a signed actor graph and its blocs (seeded)."""
        return model_json(alignment(store, since=since, until=until, min_events=min_events, place_targets=place_targets))

    @router.get("/claims", response_model=Claims, responses=errors)
    def get_claims(
        store: Session,
        since: Since = None,
        until: Until = None,
        top: Annotated[int, Query(ge=1, le=100, description="how many speakers")] = 20,
    ) -> Response:
        """Events by attribution status, and the speakers behind them."""
        return model_json(claims(store, since=since, until=until, top=top))

    @router.get("/timeline", response_model=Timeline, responses=errors)
    def get_timeline(
        store: Session,
        filters: Filters,
        by: Annotated[Period, Query(description="period of each point")] = "day",
    ) -> Response:
        """Events per period and quad class, with the common event filters."""
        return model_json(timeline(store, by=by, **filters.model_dump()))

    return router
