"""One scorer per gold format, and :func:`evaluate`, which runs a coder over a gold file.

A *coder* is anything callable as ``coder(texts) -> list[list[Event]]``: one list of
coded events per input text, in order. The scorers never look inside the coder; they
only compare its events with the gold records (see docs/evaluation.md).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import inspect
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

from dyads.errors import DataError
from dyads.evaluate.formats import (
    PLOVER_TYPES,
    ClassRecord,
    GoldActor,
    NerRecord,
    PetrarchRecord,
    PloverGsrRecord,
    check_format,
    normalise_plover_mode,
    normalise_plover_type,
    read_gold,
)
from dyads.evaluate.geo import geoparser_for, gold_verb_locator, score_event_location, score_geoparse
from dyads.evaluate.metrics import (
    NONE_LABEL,
    EvalResult,
    Span3,
    classification_summary,
    confusion,
    macro_f1,
    overlap_prf,
    prf,
    safe_div,
    set_prf,
    typical_errors,
)
from dyads.records import Actor, Event, main_event

DEFAULT_BATCH_SIZE = 64


class Coder(Protocol):
    """Codes a batch of texts: one list of events per text, in input order. A coder that also
    takes ``published=`` (a date) is given the records' dates where the gold file has them
    (PETRARCH's unit tests), see :func:`run_coder`."""

    def __call__(self, texts: Sequence[str]) -> list[list[Event]]: ...


# ---------------------------------------------------------------- running the coder


def run_coder(
    coder: Coder, texts: Sequence[str], *, batch_size: int = DEFAULT_BATCH_SIZE, dates: Sequence[dt.date | None] = ()
) -> list[list[Event]]:
    """Feed ``texts`` to ``coder`` in batches and check it answered once per text.

    With ``dates`` (one per text) a coder that takes ``published=`` (a dyads ``Pipeline``) codes
    each text as of its date: batches then also break where the date changes."""
    if batch_size < 1:
        raise DataError("E705", f"batch size must be at least 1, got {batch_size}", fix="Use a batch size such as 64.")
    dated = any(dates) and "published" in inspect.signature(coder).parameters
    out: list[list[Event]] = []
    start = 0
    while start < len(texts):
        stop = min(start + batch_size, len(texts))
        if dated:
            stop = next((i for i in range(start + 1, stop) if dates[i] != dates[start]), stop)
        batch = list(texts[start:stop])
        answer = coder(batch, published=dates[start]) if dated else coder(batch)
        start = stop
        if len(answer) != len(batch):
            raise DataError(
                "E706",
                f"the coder returned {len(answer)} result lists for {len(batch)} texts",
                fix="A coder must return exactly one list of events per input text, in order.",
            )
        out.extend(list(events) for events in answer)
    return out


# ---------------------------------------------------------------- event choice


def first_coded_event(events: Sequence[Event]) -> Event | None:
    """The first event that is not a bare statement (CAMEO 01-02), or ``None``."""
    for event in events:
        if not event.statement_only:
            return event
    return None


def predicted_plover_type(events: Sequence[Event]) -> str:
    """PLOVER type of the first non-statement event; ``NONE`` when there is none."""
    event = first_coded_event(events)
    if event is None or not event.plover_type:
        return NONE_LABEL
    return normalise_plover_type(event.plover_type)


def predicted_quad_class(events: Sequence[Event]) -> int:
    """Quad class (1-4) of the first non-statement event; 0 for statements or nothing."""
    event = first_coded_event(events)
    if event is None:
        return 0
    return event.quad_class if event.quad_class in (1, 2, 3, 4) else 0


# ---------------------------------------------------------------- plover-gsr


@functools.lru_cache(maxsize=1)
def _group_tables() -> tuple[dict[str, str], frozenset[str], frozenset[str]]:
    """(group code -> home country, IGO codes, country codes), from the package actor tables."""
    from dyads.actors.dictionary import package_entries

    entries = package_entries()
    homes = {e.code: e.country for e in entries if e.kind == "group" and e.code and e.country}
    igos = frozenset(e.code for e in entries if e.kind == "igo" and e.code)
    return homes, igos, frozenset(e.code for e in entries if e.kind == "country" and e.code)


def gsr_code(actor: Actor) -> str:
    """Our actor code in the PLOVER gold records' coarser convention: every named international
    body, governmental or not, is ``IGO`` (the records write IGO for the UN, the EU, NATO troops,
    Amnesty International, the Red Cross), an unnamed non-governmental one ``NGO`` ("a human
    rights group"), and an armed group with a home country is coded as that country
    (Hezbollah -> LBN)."""
    homes, igos, countries = _group_tables()
    sectors = {s.upper() for s in actor.sectors}
    code = (actor.code or "").upper()
    if "IGO" in sectors or code in igos:
        return "IGO"
    if code in homes:
        return homes[code]
    if "NGO" in sectors and code not in countries:  # a national NGO ("an Egyptian rights group") keeps its country
        return "IGO" if code else "NGO"
    return code


def _actor_matches(gold: GoldActor, pred: Actor, *, with_sector: bool) -> bool:
    if gold.code is None or gsr_code(pred) != gold.code:
        return False
    if not with_sector:
        return True
    sectors = [s.upper() for s in pred.sectors if s.upper() not in {"IGO", "NGO"}]  # already in the code
    return gold.sector in sectors if gold.sector else not sectors


def actors_match(gold: Sequence[GoldActor], pred: Sequence[Actor], *, with_sector: bool) -> bool:
    """True when the coded gold actors and the predicted ones pair up one to one.

    Country only: the sets of codes are equal. With sector: every gold actor finds its
    own predicted actor with that code and sector (no sector in gold: none predicted).
    """
    coded = [g for g in gold if g.code]
    if not with_sector:
        return {g.code for g in coded} == {gsr_code(p) for p in pred if gsr_code(p)}
    free = [p for p in pred if gsr_code(p)]
    if len(coded) != len(free):
        return False
    for g in coded:
        match = next((p for p in free if _actor_matches(g, p, with_sector=True)), None)
        if match is None:
            return False
        free.remove(match)
    return True


def score_plover_gsr(records: Sequence[PloverGsrRecord], predictions: Sequence[Sequence[Event]]) -> dict[str, Any]:
    """Event type P/R/F1 over the 16 PLOVER types, mode and actor accuracy."""
    gold = [r.event for r in records]
    chosen = [first_coded_event(events) for events in predictions]
    pred = [predicted_plover_type(events) for events in predictions]
    summary = classification_summary(gold, pred, labels=PLOVER_TYPES)
    summary["none_predicted"] = sum(p == NONE_LABEL for p in pred)
    summary["errors"] = typical_errors([r.text for r in records], gold, pred, chosen)

    moded = [(r, e) for r, e in zip(records, chosen) if r.mode]
    mode_hits = sum(
        1
        for r, e in moded
        if e is not None and normalise_plover_type(e.plover_type or "") == r.event and normalise_plover_mode(e.plover_mode) == r.mode
    )
    summary["mode"] = {"accuracy": safe_div(mode_hits, len(moded)) if moded else None, "n": len(moded)}

    for role in ("source", "target"):
        pairs = [
            (r.sources if role == "source" else r.targets, (e.sources if role == "source" else e.targets) if e else [])
            for r, e in zip(records, chosen)
        ]
        pairs = [(g, p) for g, p in pairs if any(a.code for a in g)]
        country = sum(actors_match(g, p, with_sector=False) for g, p in pairs)
        sector = sum(actors_match(g, p, with_sector=True) for g, p in pairs)
        summary[f"{role}_actors"] = {
            "country_accuracy": safe_div(country, len(pairs)) if pairs else None,
            "country_sector_accuracy": safe_div(sector, len(pairs)) if pairs else None,
            "n": len(pairs),
        }
    return summary


# ---------------------------------------------------------------- conflibert-class


CLASS_LABELS: tuple[str, ...] = ("0", "1", "2", "3", "4")


def score_conflibert_class(records: Sequence[ClassRecord], predictions: Sequence[Sequence[Event]]) -> dict[str, Any]:
    """Sentence class 0-4 (statement/appeal + quad classes): accuracy, P/R/F1, confusion."""
    gold = [str(r.label) for r in records]
    pred = [str(predicted_quad_class(events)) for events in predictions]
    summary = classification_summary(gold, pred, labels=CLASS_LABELS)
    chosen = [first_coded_event(events) for events in predictions]
    summary["errors"] = typical_errors([r.text for r in records], gold, pred, chosen)
    return summary


# ---------------------------------------------------------------- conflibert-ner


def token_offsets(tokens: Sequence[str]) -> list[tuple[int, int]]:
    """Character ``[start, end)`` of each token in ``' '.join(tokens)``."""
    offsets = []
    position = 0
    for token in tokens:
        offsets.append((position, position + len(token)))
        position += len(token) + 1
    return offsets


def char_span_to_tokens(offsets: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """Token range ``[first, last + 1)`` covering the characters ``[start, end)``; ``None`` if empty."""
    if end <= start:
        return None
    ends = [e for _, e in offsets]
    first = bisect.bisect_right(ends, start)  # first token ending after start
    last = first
    while last < len(offsets) and offsets[last][0] < end:
        last += 1
    return (first, last) if last > first else None


def _locate(text: str, actor: Actor) -> tuple[int, int] | None:
    span = actor.span
    if span is None:
        return None
    if text[span.start : span.end] == span.text or not span.text:
        return span.start, span.end
    # offsets of another text version: take the occurrence nearest the given start
    hits = []
    found = text.find(span.text)
    while found >= 0:
        hits.append(found)
        found = text.find(span.text, found + 1)
    if not hits:
        return None
    best = min(hits, key=lambda h: abs(h - span.start))
    return best, best + len(span.text)


def predicted_role_spans(record: NerRecord, events: Sequence[Event]) -> set[Span3]:
    """Token spans of the main event's actors, with role source/target/reciprocal.

    The gold marks the arguments of a sentence's one (main) event, so only the main event
    counts: the first that is not a bare statement, else the first. A span that is both
    source and target (``A and B met`` coded as A->B and B->A) is ``reciprocal``, as the
    gold marks it.
    """
    text = record.text
    offsets = token_offsets(record.tokens)
    roles: dict[tuple[int, int], set[str]] = {}
    main = main_event(list(events))
    for event in [main] if main is not None else []:
        for role, actors in (("source", event.sources), ("target", event.targets)):
            for actor in actors:
                located = _locate(text, actor)
                if located is None:
                    continue
                tokens = char_span_to_tokens(offsets, *located)
                if tokens is not None:
                    roles.setdefault(tokens, set()).add(role)
    out: set[Span3] = set()
    for (start, end), found in roles.items():
        role = "reciprocal" if found == {"source", "target"} else next(iter(found))
        out.add((role, start, end))
    return out


def score_conflibert_ner(records: Sequence[NerRecord], predictions: Sequence[Sequence[Event]]) -> dict[str, Any]:
    """Exact-span micro P/R/F1 over (role, start, end), partial overlap, per role."""
    gold_all: set[tuple[int, str, int, int]] = set()
    pred_all: set[tuple[int, str, int, int]] = set()
    for index, (record, events) in enumerate(zip(records, predictions)):
        gold_all |= {(index, s.role, s.start, s.end) for s in record.spans}
        pred_all |= {(index, *span) for span in predicted_role_spans(record, events)}

    def keyed(items: set[tuple[int, str, int, int]]) -> set[Span3]:
        # fold the record index into the token positions so spans of different records never meet
        return {(role, index * 100_000 + start, index * 100_000 + end) for index, role, start, end in items}

    exact = set_prf(gold_all, pred_all)
    partial = overlap_prf(keyed(gold_all), keyed(pred_all))
    unlabelled = set_prf({(i, s, e) for i, _, s, e in gold_all}, {(i, s, e) for i, _, s, e in pred_all})
    per_role: dict[str, dict[str, float]] = {}
    for role in ("source", "target", "reciprocal"):
        g = {x for x in gold_all if x[1] == role}
        p = {x for x in pred_all if x[1] == role}
        scores = set_prf(g, p)
        per_role[role] = {
            "precision": scores["precision"],
            "recall": scores["recall"],
            "f1": scores["f1"],
            "support": len(g),
            "f1_partial": overlap_prf(keyed(g), keyed(p))["f1"],
        }
    # role confusion over spans whose boundaries match exactly
    pred_by_pos = {(i, s, e): role for i, role, s, e in pred_all}
    gold_roles = [role for _, role, _, _ in sorted(gold_all)]
    pred_roles = [pred_by_pos.get((i, s, e), NONE_LABEL) for i, _, s, e in sorted(gold_all)]
    return {
        "n": len(records),
        "accuracy": None,
        "precision": exact["precision"],
        "recall": exact["recall"],
        "f1": exact["f1"],
        "macro_f1": macro_f1(per_role),
        "f1_partial": partial["f1"],
        "partial": {k: partial[k] for k in ("precision", "recall", "f1")},
        "f1_unlabelled": unlabelled["f1"],
        "spans": {"gold": exact["n_gold"], "predicted": exact["n_pred"], "exact_matches": exact["tp"]},
        "per_class": per_role,
        "confusion": confusion(gold_roles, pred_roles),
    }


# ---------------------------------------------------------------- petrarch

TripleKey = tuple[str, str, str]


def actor_label(actor: Actor) -> str | None:
    """PETRARCH-style actor code: country/group code followed by its sectors (``ARNGOV``)."""
    if not actor.code:
        return None
    return (actor.code + "".join(actor.sectors)).upper()


def predicted_triples(events: Sequence[Event]) -> set[TripleKey]:
    """(source, target, CAMEO) for every source x target pair of every event.

    PETRARCH codes an event only with both actors, so events missing one side yield nothing. A
    reciprocal event ("A and B met": both actors in both roles) gives A->B and B->A, never an actor
    paired with its own mention (as the alignment network skips self-pairs).
    """
    out: set[TripleKey] = set()
    for event in events:
        for source in event.sources:
            for target in event.targets:
                s, t = actor_label(source), actor_label(target)
                same_mention = s == t and source.span is not None and source.span == target.span
                if s and t and not same_mention:
                    out.add((s, t, event.cameo_code))
    return out


def _root(code: str) -> str:
    return code[:2]


def score_petrarch(records: Sequence[PetrarchRecord], predictions: Sequence[Sequence[Event]]) -> dict[str, Any]:
    """Exact triple P/R/F1, code accuracy (full/root), exact records, no-event records."""
    tp = n_pred = n_gold = 0
    tp_root = n_pred_root = n_gold_root = 0
    code_hits = root_hits = pair_hits = 0
    exact_records = 0
    no_event_n = no_event_ok = 0
    with_events_n = with_events_exact = 0
    gold_roots: list[str] = []
    pred_roots: list[str] = []
    root_tp: Counter[str] = Counter()
    root_pred: Counter[str] = Counter()
    root_gold: Counter[str] = Counter()
    for record, events in zip(records, predictions):
        pred = predicted_triples(events)
        gold = {(t.source.upper(), t.target.upper(), t.code) for t in record.expected}
        tp += len(gold & pred)
        n_pred += len(pred)
        n_gold += len(gold)
        loose_gold = {(s[:3], t[:3], _root(c)) for s, t, c in gold}
        loose_pred = {(s[:3], t[:3], _root(c)) for s, t, c in pred}
        tp_root += len(loose_gold & loose_pred)
        n_pred_root += len(loose_pred)
        n_gold_root += len(loose_gold)
        pred_codes = {c for _, _, c in pred}
        for s, t, c in gold:
            code_hits += c in pred_codes
            root_hits += _root(c) in {_root(p) for p in pred_codes}
            same_pair = [pc for ps, pt, pc in pred if (ps, pt) == (s, t)]
            pair_hits += bool(same_pair)
            gold_roots.append(_root(c))
            pred_roots.append(_root(same_pair[0]) if same_pair else NONE_LABEL)
        for triple in gold:
            root_gold[_root(triple[2])] += 1
        for triple in pred:
            root_pred[_root(triple[2])] += 1
        for triple in gold & pred:
            root_tp[_root(triple[2])] += 1
        is_exact = gold == pred
        exact_records += is_exact
        if not gold:
            no_event_n += 1
            no_event_ok += not pred
        else:
            with_events_n += 1
            with_events_exact += is_exact
    triple = prf(tp, n_pred, n_gold)
    per_root = {
        root: {**prf(root_tp[root], root_pred[root], root_gold[root]), "support": root_gold[root]}
        for root in sorted(set(root_gold) | set(root_pred))
    }
    return {
        "n": len(records),
        "accuracy": safe_div(exact_records, len(records)) if records else None,
        "f1": triple["f1"],
        "precision": triple["precision"],
        "recall": triple["recall"],
        "macro_f1": macro_f1(per_root),
        "records_exact": exact_records,
        "records_exact_share": safe_div(exact_records, len(records)),
        "triples": {"gold": n_gold, "predicted": n_pred, "exact_matches": tp},
        "f1_country_root": prf(tp_root, n_pred_root, n_gold_root)["f1"],
        "code_accuracy": safe_div(code_hits, n_gold) if n_gold else None,
        "root_accuracy": safe_div(root_hits, n_gold) if n_gold else None,
        "actor_pair_accuracy": safe_div(pair_hits, n_gold) if n_gold else None,
        "records_with_events": {"n": with_events_n, "exact": with_events_exact},
        "records_without_events": {"n": no_event_n, "correctly_empty": no_event_ok},
        "reference": {"petrarch2_records_exact": 91, "of": 284},
        "per_class": per_root,
        "confusion": confusion(gold_roots, pred_roots),
    }


# ---------------------------------------------------------------- entry point

SCORERS: Mapping[str, Callable[[Sequence[Any], Sequence[Sequence[Event]]], dict[str, Any]]] = MappingProxyType({
    "plover-gsr": score_plover_gsr,
    "conflibert-class": score_conflibert_class,
    "conflibert-ner": score_conflibert_ner,
    "petrarch": score_petrarch,
    "geoparse": score_geoparse,
    "event-location": score_event_location,
})


def record_text(record: Any) -> str:
    """The text a coder is given for one gold record."""
    return record.text


def evaluate(
    fmt: str,
    path: Path | str,
    *,
    coder: Coder,
    limit: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    strict: bool = True,
) -> EvalResult:
    """Run ``coder`` over the gold file ``path`` (format ``fmt``) and score its events.

    ``limit`` keeps the first N records; ``strict=False`` skips bad gold lines (listed in
    ``EvalResult.problems``) instead of raising DataError E701.
    """
    check_format(fmt)
    gold = read_gold(fmt, path, limit=limit, strict=strict)
    runner = geoparser_for(coder) if fmt == "geoparse" else coder  # geoparse scores toponyms, not events
    dates = [getattr(r, "date", None) for r in gold.records]
    locator = gold_verb_locator(coder) if fmt == "event-location" else None  # the place of the gold verb's event
    if locator is not None:
        predictions = locator(gold.records, batch_size=batch_size)
    else:
        predictions = run_coder(runner, [record_text(r) for r in gold.records], batch_size=batch_size, dates=dates)
    summary = SCORERS[fmt](gold.records, predictions)
    return EvalResult(fmt=fmt, summary=summary, source=str(gold.path), problems=list(gold.problems))
