"""The typed results of the analytics functions (the API returns ``model.model_dump(mode="json")``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Period = Literal["day", "week", "month"]


class Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DyadPoint(Result):
    """One period of a dyad's series."""

    period: dt.date = Field(description="first day of the period (weeks start on Monday)")
    events: int
    by_quad: dict[str, int] = Field(description='QuadClass "0".."4" -> events (all five keys)')
    goldstein_sum: float
    goldstein_mean: float | None = Field(description="None for a period without events")
    by_type: dict[str, int] = Field(description='PLOVER type -> events; statements as "STATEMENT"')


class DyadSeries(Result):
    """Events between two actors per period (``directed=False``: both directions)."""

    source: str
    target: str
    by: Period
    directed: bool
    total: int = Field(description="dated events in the series (the sum of the points' events)")
    points: list[DyadPoint]


class TypeCount(Result):
    plover_type: str = Field(description='PLOVER type; statements as "STATEMENT"')
    events: int


class Partner(Result):
    """An actor on the other side of the profiled actor's events."""

    actor: str = Field(description="actor key: country code, or 'CODE SECTOR' for non-state sectors")
    events: int
    cooperation: int = Field(description="events of QuadClass 1 or 2")
    conflict: int = Field(description="events of QuadClass 3 or 4")
    goldstein_mean: float | None


class ActorProfile(Result):
    actor: str
    events: int
    as_source: int
    as_target: int
    first_seen: dt.date | None
    last_seen: dt.date | None
    by_quad: dict[str, int]
    balance: float = Field(description="(cooperation - conflict) / events; 0.0 without events")
    top_types: list[TypeCount]
    partners: list[Partner]


class AlignmentNode(Result):
    actor: str
    events: int = Field(description="events on this node's kept edges")
    bloc: int


class AlignmentEdge(Result):
    a: str
    b: str
    cooperation: int
    conflict: int
    score: int = Field(description="cooperation - conflict")
    events: int
    place_only: int = Field(
        default=0, description="conflict events whose target is only the country where they happened (not in conflict)"
    )


class Bloc(Result):
    id: int
    members: list[str]


class Alignment(Result):
    since: dt.date | None
    until: dt.date | None
    nodes: list[AlignmentNode]
    edges: list[AlignmentEdge]
    blocs: list[Bloc]


class SpeakerClaims(Result):
    speaker: str
    events: int
    by_status: dict[str, int]


class Claims(Result):
    by_status: dict[str, int] = Field(description="every attribution status -> events")
    by_speaker: list[SpeakerClaims]


class TimelinePoint(Result):
    period: dt.date
    events: int
    by_quad: dict[str, int]


class Timeline(Result):
    by: Period
    points: list[TimelinePoint]
