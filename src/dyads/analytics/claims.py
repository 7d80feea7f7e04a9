"""Claims view: events by attribution status, and by who made the claim."""

from __future__ import annotations

import datetime as dt

from dyads.analytics.filters import (
    STATUSES,
    check_count,
    check_window,
    date_window,
    where,
)
from dyads.analytics.models import Claims, SpeakerClaims
from dyads.io.store import Store


def claims(
    store: Store,
    *,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    top: int = 20,
) -> Claims:
    """Events per attribution status (asserted, claimed, denied, negated, hypothetical; every status
    is a key), and the ``top`` speakers (actor labels such as ``RUS GOV``) by how many events they
    are the speaker of, each with its own status counts. Events without a speaker count only in
    ``by_status``.

    Raises:
        AnalyticsError: E631/E632 bad dates, E634 bad ``top``.
    """
    start, end = check_window(since, until)
    top = check_count("top", top, minimum=0)
    window, params = date_window("e.date", start, end)
    statuses = store.query(
        "SELECT e.status, count(*) AS n FROM events e" + where(window) + " GROUP BY e.status", params
    )
    by_status = dict.fromkeys(STATUSES, 0)
    for row in statuses:
        by_status[row["status"]] = int(row["n"])
    speakers = store.query(
        "WITH s AS (SELECT e.speaker, e.status, count(*) AS n FROM events e"
        + where(["e.speaker IS NOT NULL", *window])
        + " GROUP BY e.speaker, e.status),"
        " ranked AS (SELECT speaker, sum(n) AS events FROM s GROUP BY speaker"
        " ORDER BY events DESC, speaker LIMIT ?)"
        " SELECT r.speaker, r.events, s.status, s.n FROM ranked r JOIN s USING (speaker)"
        " ORDER BY r.events DESC, r.speaker, s.status",
        [*params, top],
    )
    by_speaker: dict[str, SpeakerClaims] = {}
    for row in speakers:
        entry = by_speaker.setdefault(
            row["speaker"],
            SpeakerClaims(speaker=row["speaker"], events=int(row["events"]), by_status=dict.fromkeys(STATUSES, 0)),
        )
        entry.by_status[row["status"]] = int(row["n"])
    return Claims(by_status=by_status, by_speaker=list(by_speaker.values()))
