"""Text output of a merge for the CLI."""

from __future__ import annotations

from dyads.merge.records import MergedEvent, MergeSummary


def _place(merged: MergedEvent) -> str:
    where = merged.location
    if where is None:
        return "-"
    return where.name if not where.country or where.name == where.country else f"{where.name}, {where.country}"


def format_merged(merged: list[MergedEvent]) -> str:
    """One line per merged event, then its mentions indented."""
    lines = [f"{'mentions':>8} {'sources':>7}  {'date':<10}  {'source':<10} {'type/cameo':<18} {'target':<10} {'status':<12} place"]
    for event in merged:
        day = event.date.date.isoformat() if event.date else "-"
        kind = f"{event.plover_type or 'STATEMENT'}/{event.cameo_code}"
        lines.append(
            f"{event.n_mentions:>8} {event.n_sources:>7}  {day:<10}  {event.source or '-':<10} {kind:<18}"
            f" {event.target or '-':<10} {event.status:<12} {_place(event)}"
        )
        for mention in event.mentions:
            said = f" ({mention.speaker})" if mention.speaker else ""
            lines.append(
                f"{'':>19}{'*' if mention.anchor else '-'} {mention.outlet or mention.article_id}: "
                f"'{mention.trigger.text}' {mention.status}{said}, {mention.date or 'undated'}"
            )
    return "\n".join(lines)


def format_summary(summary: MergeSummary) -> str:
    """Events before and after, merged clusters, and the biggest merged events."""
    lines = [
        f"rule: {summary.rule}",
        (
            f"events before: {summary.events:,}   merged events after: {summary.merged_events:,}"
            f"   ({summary.merged_away:,} merged away; {summary.multi_mention:,} merged events of 2+ mentions,"
            f" the largest {summary.largest:,}) in {summary.seconds:.1f} s"
        ),
    ]
    if summary.biggest:
        lines += ["", f"biggest {len(summary.biggest)} (* = anchor mention):", format_merged(summary.biggest)]
    return "\n".join(lines)
