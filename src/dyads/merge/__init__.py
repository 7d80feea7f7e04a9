"""Event de-duplication across articles: one real-world event reported by many articles becomes one
merged event with its mentions (article, sentence, outlet, status) and a count of independent sources.

``merge_events(events, ...)`` merges events in memory; ``merge_store(store, ...)`` merges a whole store
into its ``merged_events`` and ``merged_mentions`` tables; ``read_merged(store, ...)`` reads them back.
The rule, its options and the tables: docs/merging.md.
"""

from __future__ import annotations

from dyads.merge.events import merge_events
from dyads.merge.options import MergeError, MergeOptions, merge_options
from dyads.merge.records import EventMention, MergedEvent, MergeSummary
from dyads.merge.score import PairScores, pairwise_scores
from dyads.merge.store import merge_store, read_merged
from dyads.merge.tables import format_summary

__all__ = [
    "EventMention",
    "MergeError",
    "MergeOptions",
    "MergeSummary",
    "MergedEvent",
    "PairScores",
    "format_summary",
    "merge_events",
    "merge_options",
    "merge_store",
    "pairwise_scores",
    "read_merged",
]
