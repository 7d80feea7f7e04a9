"""Group :class:`~dyads.merge.keys.MergeItem` s into merged events: an anchored sweep, most precise first.

Within one ``hard`` key, items are taken most specific first (a day the text gave, then a day taken
from the publication date, then ranges; within that, a known place before a country before none, a
known target before none; then by date and id). Each item joins the best compatible merged event
already started, else starts one and becomes its **anchor**. A merged event never moves its anchor,
so chains cannot snowball: every member lies within the window of the anchor's date, whatever the
order the articles came in.

Compatible with a merged event anchored on day ``a``:

* a day the text gave, ``d``: ``|d - a| <= window``;
* a day taken from the publication date, ``d``: ``d - window <= a <= d`` (a report comes after the event);
* a range ``lo..hi`` (a week, a month, a year): ``lo <= a <= hi``;
* target, country, place: equal where both are known (the merged event takes the first value a
  member brings).

Best: the smallest ``|d - a|`` (text days only), then the most of target/country/place equal (not
just unknown), then the most members, then the earliest anchor, then the first started. Undated
items and items without a source (``hard`` None) stay alone.

One-a-day: every item with the same ``hard`` key (source label, target label, CAMEO code, date) is one
merged event.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Sequence

from dyads.merge.keys import (
    DATE_RANK_PUBLICATION,
    DATE_RANK_TEXT_DAY,
    UNDATED,
    MergeItem,
)

_LO_OFFSET = 1 << 31  # days since 1970 shifted to be non-negative
_NO_LO = (1 << 33) - 1


def order_code(item: MergeItem) -> int:
    """The processing order within one ``hard`` key as one integer (most specific first, then by
    date; ties by event id): date rank, then place (known place, country, none), then known target."""
    place = 2 if item.place is not None else 1 if item.country is not None else 0
    lo = _NO_LO if item.lo is None else item.lo + _LO_OFFSET
    return ((DATE_RANK_TEXT_DAY - item.date_rank) << 36) | ((2 - place) << 34) | ((item.target is None) << 33) | lo


def cluster_items(items: Sequence[MergeItem], *, window_days: int, one_a_day: bool = False) -> list[list[int]]:
    """Merged events as lists of indexes into ``items``, each starting with its anchor.

    Clusters come in a deterministic order (by ``hard`` key, then as started; lone items last);
    the result does not depend on the order of ``items``.
    """
    alone: list[tuple[str, int]] = []
    groups: dict[str, list[tuple]] = {}
    for index, item in enumerate(items):
        if item.hard is None or (not one_a_day and item.date_rank == UNDATED):
            alone.append((item.event_id, index))
            continue
        # plain tuples: unpacking them is several times faster than unpacking the NamedTuple
        row = (order_code(item), item.event_id, index, item.target, item.country, item.place, item.lo, item.hi, item.date_rank)
        if item.hard in groups:
            groups[item.hard].append(row)
        else:
            groups[item.hard] = [row]
    clusters: list[list[int]] = []
    for hard in sorted(groups):
        rows = groups[hard]
        rows.sort()
        if one_a_day:
            clusters.append([row[2] for row in rows])
        else:
            clusters.extend(_sweep(rows, window_days))
    alone.sort()
    clusters.extend([index] for _, index in alone)
    return clusters


_DAY_LOOKUPS = 64
"""Spans of up to this many days are looked up day by day; longer ones through the sorted anchor days."""


def _sweep(rows: list[tuple], window: int) -> list[list[int]]:
    """The anchored sweep over the items of one ``hard`` key, in processing order."""
    members: list[list[int]] = []
    anchor: list[int] = []
    target: list[str | None] = []
    country: list[str | None] = []
    place: list[str | None] = []
    anchors: list[int] = []  # distinct anchor days, sorted
    on_day: dict[int, list[int]] = {}  # anchor day -> merged events anchored there
    for _, _, index, it_target, it_country, it_place, lo, hi, rank in rows:
        if rank == DATE_RANK_TEXT_DAY:
            first, last = lo - window, lo + window
        elif rank == DATE_RANK_PUBLICATION:
            first, last = lo - window, lo
        else:
            first, last = lo, hi
        if last - first <= _DAY_LOOKUPS:
            days = [day for day in range(first, last + 1) if day in on_day]
        else:
            days = anchors[bisect_left(anchors, first) : bisect_right(anchors, last)]
        best: tuple | None = None
        chosen = -1
        for day in days:
            for c in on_day[day]:
                t, k, p = target[c], country[c], place[c]
                if it_target is not None and t is not None and it_target != t:
                    continue
                if it_country is not None and k is not None and it_country != k:
                    continue
                if it_place is not None and p is not None and it_place != p:
                    continue
                agree = (it_target is not None and it_target == t) + (it_country is not None and it_country == k)
                agree += it_place is not None and it_place == p
                score = (abs(lo - day) if rank == DATE_RANK_TEXT_DAY else 0, -agree, -len(members[c]), day, c)
                if best is None or score < best:
                    best, chosen = score, c
        if chosen < 0:
            chosen = len(members)
            members.append([index])
            anchor.append(lo)
            target.append(it_target)
            country.append(it_country)
            place.append(it_place)
            if lo in on_day:
                on_day[lo].append(chosen)
            else:
                on_day[lo] = [chosen]
                insort(anchors, lo)
            continue
        if target[chosen] is None:
            target[chosen] = it_target
        if country[chosen] is None:
            country[chosen] = it_country
        if place[chosen] is None:
            place[chosen] = it_place
        members[chosen].append(index)
    return members
