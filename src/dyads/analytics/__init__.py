"""Analytics over a dyads store, computed in DuckDB: dyad series, actor profiles, alignment blocs,
claims and timelines. Every function takes an open :class:`dyads.io.store.Store` first and returns
a pydantic model; none prints. Errors are :class:`dyads.errors.AnalyticsError` (E630-E639).
"""

from __future__ import annotations

from dyads.analytics.alignment import alignment, find_blocs
from dyads.analytics.claims import claims
from dyads.analytics.dyads import dyad_series
from dyads.analytics.event_filters import (
    FILTER_NAMES,
    EventFilters,
    event_filters,
    filter_sql,
)
from dyads.analytics.models import (
    ActorProfile,
    Alignment,
    AlignmentEdge,
    AlignmentNode,
    Bloc,
    Claims,
    DyadPoint,
    DyadSeries,
    Partner,
    SpeakerClaims,
    Timeline,
    TimelinePoint,
    TypeCount,
)
from dyads.analytics.profile import actor_profile
from dyads.analytics.tables import (
    OUTPUT_FORMATS,
    check_format,
    format_alignment,
    format_dyad_series,
    format_profile,
    render,
)
from dyads.analytics.timeline import timeline

__all__ = [
    "FILTER_NAMES",
    "OUTPUT_FORMATS",
    "ActorProfile",
    "Alignment",
    "AlignmentEdge",
    "AlignmentNode",
    "Bloc",
    "Claims",
    "DyadPoint",
    "DyadSeries",
    "EventFilters",
    "Partner",
    "SpeakerClaims",
    "Timeline",
    "TimelinePoint",
    "TypeCount",
    "actor_profile",
    "alignment",
    "check_format",
    "claims",
    "dyad_series",
    "event_filters",
    "filter_sql",
    "find_blocs",
    "format_alignment",
    "format_dyad_series",
    "format_profile",
    "render",
    "timeline",
]
