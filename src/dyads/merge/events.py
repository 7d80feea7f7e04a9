"""Merge coded events held in memory: :func:`merge_events`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from dyads.merge.cluster import cluster_items
from dyads.merge.keys import item_from_event, place_rank, status_key
from dyads.merge.options import MergeOptions, merge_options
from dyads.merge.records import EventMention, MergedEvent
from dyads.records import Event, content_hash

_NO_DATE = dt.date.max


def merged_id(rule: str, hard: str | None, member_ids: Iterable[str]) -> str:
    """Content hash of the rule, the match key and the sorted member event ids."""
    return content_hash(rule, hard or "", *sorted(member_ids))


def source_key(outlet: str | None, article_id: str) -> str:
    """What counts as one independent source: the outlet (case-folded), else the article itself."""
    name = (outlet or "").strip().lower()
    return name or f"#{article_id}"


def mention_order(event: Event) -> tuple:
    """Mentions are listed by date (undated last), article, sentence, trigger start, id."""
    day = event.date.date if event.date else _NO_DATE
    return (event.date is None, day, event.article_id, event.sentence_index, event.trigger.start, event.id)


def _mention(event: Event, *, outlet: str | None, anchor: bool) -> EventMention:
    speaker = event.attribution.speaker
    return EventMention(
        event_id=event.id,
        article_id=event.article_id,
        sentence_index=event.sentence_index,
        outlet=outlet,
        anchor=anchor,
        status=event.attribution.status,
        speaker=speaker.label if speaker else None,
        reporting_source=event.attribution.reporting_source,
        source=event.sources[0].label if event.sources else None,
        target=event.targets[0].label if event.targets else None,
        plover_type=event.plover_type,
        cameo_code=event.cameo_code,
        date=event.date.date if event.date else None,
        date_precision=event.date.precision if event.date else None,
        location_name=event.location.name if event.location else None,
        location_country=event.location.country if event.location else None,
        trigger=event.trigger,
    )


def _build(
    members: list[Event], *, hard: str | None, options: MergeOptions, outlets: Mapping[str, str | None]
) -> MergedEvent:
    anchor = members[0]
    listed = sorted(members, key=mention_order)
    by_preference = [anchor, *(event for event in listed if event is not anchor)]
    place_from = max(by_preference, key=place_rank)  # max keeps the first of equal ranks
    target_from = next((e for e in by_preference if e.targets and e.targets[0].code), None)
    outlet_of = {e.article_id: outlets.get(e.article_id) for e in members}
    rule = options.rule()
    return MergedEvent(
        id=merged_id(rule, hard, (e.id for e in members)),
        rule=rule,
        event_id=anchor.id,
        source=anchor.sources[0].label if anchor.sources else None,
        target=target_from.targets[0].label if target_from else None,
        plover_type=anchor.plover_type,
        cameo_code=anchor.cameo_code,
        quad_class=anchor.quad_class,
        goldstein=anchor.goldstein,
        status="any" if options.mode == "one-a-day" else status_key(anchor.attribution.status, options.status_level),
        date=anchor.date,
        location=place_from.location,
        n_mentions=len(members),
        n_articles=len(outlet_of),
        n_sources=len({source_key(outlet, article) for article, outlet in outlet_of.items()}),
        outlets=sorted({o for o in outlet_of.values() if o}),
        mentions=[_mention(e, outlet=outlet_of[e.article_id], anchor=e is anchor) for e in listed],
    )


def merge_events(
    events: Iterable[Event],
    *,
    outlets: Mapping[str, str | None] | None = None,
    window_days: int = 1,
    place_level: str = "place",
    type_level: str = "plover",
    actor_level: str = "code",
    status_level: str = "class",
    mode: str = "merge",
) -> list[MergedEvent]:
    """Merge events that report the same real-world event (docs/merging.md for the rule).

    ``outlets`` maps article ids to outlet names (to count independent sources). Events without
    an id get their content-hash id (on a copy); repeated ids are taken once. Every event ends up
    in exactly one merged event; the result is ordered by date (undated last), then id.

    Raises:
        MergeError: E640 a bad option.
    """
    options = merge_options(
        mode=mode,
        window_days=window_days,
        place_level=place_level,
        type_level=type_level,
        actor_level=actor_level,
        status_level=status_level,
    )
    unique: dict[str, Event] = {}
    for event in events:
        if not event.id:
            event = event.model_copy(deep=True).assign_id()
        unique.setdefault(event.id, event)
    kept = list(unique.values())
    items = [item_from_event(event, options) for event in kept]
    clusters = cluster_items(items, window_days=options.window_days, one_a_day=options.mode == "one-a-day")
    merged = [
        _build([kept[i] for i in cluster], hard=items[cluster[0]].hard, options=options, outlets=outlets or {})
        for cluster in clusters
    ]
    return sorted(merged, key=lambda m: (m.date is None, m.date.date if m.date else _NO_DATE, m.id))
