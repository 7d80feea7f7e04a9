// Cutting an article's text into segments so that overlapping spans can all be shown.
//
// The API's span offsets count Unicode code points (Python string indices); JavaScript
// strings count UTF-16 units, so offsets are converted before slicing.
import type { EventRec, SpanRec } from "./types";

export const SPAN_KINDS = ["trigger", "source", "target", "speaker", "place", "launch", "date"] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];
/** `other` marks the triggers of the article's other events; `sentence` the chosen event's sentence. */
export type MarkKind = SpanKind | "other" | "sentence";

export const SPAN_LABELS: Record<SpanKind, string> = {
  trigger: "trigger",
  source: "source actor",
  target: "target actor",
  speaker: "speaker",
  place: "place",
  launch: "launched from",
  date: "date",
};

/** A span to show: `id` is unique within one rendering (e.g. `source-0`), offsets in code points. */
export interface Mark {
  id: string;
  kind: MarkKind;
  start: number;
  end: number;
  eventId?: string;
}

export interface Segment {
  /** UTF-16 offsets into the text */
  start: number;
  end: number;
  text: string;
  marks: Mark[];
}

/** Map from code-point offset to UTF-16 offset (identity when the text has no astral characters). */
export function codePointOffsets(text: string): (offset: number) => number {
  if (!/[\uD800-\uDFFF]/.test(text)) return (offset) => offset;
  const units: number[] = [];
  let unit = 0;
  for (const char of text) {
    units.push(unit);
    unit += char.length;
  }
  units.push(unit);
  return (offset) => units[Math.max(0, Math.min(offset, units.length - 1))];
}

const PRIORITY: MarkKind[] = ["trigger", "source", "target", "speaker", "place", "launch", "date", "other", "sentence"];

export function byPriority(a: Mark, b: Mark): number {
  return PRIORITY.indexOf(a.kind) - PRIORITY.indexOf(b.kind);
}

/**
 * The text cut at every mark boundary; each segment lists the marks covering it, highest
 * priority first. Marks may nest or overlap; empty or out-of-range marks are clipped or dropped.
 */
export function segmentText(text: string, marks: Mark[]): Segment[] {
  const toUnit = codePointOffsets(text);
  const length = text.length;
  const placed = marks
    .map((mark) => ({ mark, start: Math.max(0, Math.min(length, toUnit(mark.start))), end: Math.max(0, Math.min(length, toUnit(mark.end))) }))
    .filter((item) => item.end > item.start);
  const cuts = new Set<number>([0, length]);
  for (const item of placed) {
    cuts.add(item.start);
    cuts.add(item.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const start = points[i];
    const end = points[i + 1];
    if (end <= start) continue;
    const covering = placed.filter((item) => item.start <= start && item.end >= end).map((item) => item.mark);
    covering.sort(byPriority);
    segments.push({ start, end, text: text.slice(start, end), marks: covering });
  }
  return segments;
}

function addSpan(marks: Mark[], id: string, kind: MarkKind, span: SpanRec | null | undefined, eventId: string): void {
  if (span && span.end > span.start) marks.push({ id, kind, start: span.start, end: span.end, eventId });
}

/** The spans behind one event: its sentence, trigger, actors, speaker, place, launch site and date. */
export function eventMarks(event: EventRec): Mark[] {
  const marks: Mark[] = [];
  addSpan(marks, "sentence", "sentence", event.sentence, event.id);
  addSpan(marks, "trigger", "trigger", event.trigger, event.id);
  event.sources.forEach((actor, i) => addSpan(marks, `source-${i}`, "source", actor.span, event.id));
  event.targets.forEach((actor, i) => addSpan(marks, `target-${i}`, "target", actor.span, event.id));
  addSpan(marks, "speaker", "speaker", event.attribution?.speaker?.span, event.id);
  addSpan(marks, "place", "place", event.location?.span, event.id);
  addSpan(marks, "launch-site", "launch", event.launch_site?.span, event.id);
  addSpan(marks, "date", "date", event.date?.span, event.id);
  return marks;
}

/** Triggers of the article's other events, so a reader can click one to switch to it. */
export function otherTriggerMarks(events: EventRec[], selectedId: string | null): Mark[] {
  return events
    .filter((event) => event.id !== selectedId && event.trigger.end > event.trigger.start)
    .map((event) => ({ id: `other-${event.id}`, kind: "other" as const, start: event.trigger.start, end: event.trigger.end, eventId: event.id }));
}
