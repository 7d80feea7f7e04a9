// The article reader: the text with the spans behind the chosen event highlighted, one colour
// per kind, and the chosen sentence scrolled into view. Text is only ever inserted as text.
import { QUAD_NAMES } from "./colors";
import { el, safeLink } from "./dom";
import { type Mark, SPAN_KINDS, SPAN_LABELS, eventMarks, otherTriggerMarks, segmentText } from "./highlight";
import type { ActorRec, ArticleResponse, EventRec } from "./types";

function actorText(actor: ActorRec): string {
  const label = [actor.code ?? "---", ...actor.sectors].join(" ");
  const who = [actor.role, actor.name].filter(Boolean).join(" ");
  const backed = actor.supported_by.length ? ` (backed by ${actor.supported_by.join(", ")})` : "";
  return `${label}${who ? ` — ${who}` : ""}${backed}`;
}

export class ArticleReader {
  private current: ArticleResponse | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly onSelect: (event: EventRec) => void,
  ) {}

  get articleId(): string | null {
    return this.current?.article.id ?? null;
  }

  showLoading(): void {
    this.root.dataset.state = "loading";
  }

  showError(message: string): void {
    this.root.dataset.state = "error";
    this.root.replaceChildren(el("p", { class: "placeholder", text: message }));
  }

  show(data: ArticleResponse, eventId: string | null): void {
    this.current = data;
    const { article, events } = data;
    const selected = events.find((event) => event.id === eventId) ?? null;
    const marks: Mark[] = [...(selected ? eventMarks(selected) : []), ...otherTriggerMarks(events, selected?.id ?? null)];
    const segments = segmentText(article.text, marks);

    const text = el("div", { class: "reader-text", testid: "reader-text" });
    let firstOfSentence: HTMLElement | null = null;
    for (const segment of segments) {
      if (!segment.marks.length) {
        text.append(document.createTextNode(segment.text));
        continue;
      }
      const kinds = [...new Set(segment.marks.map((mark) => mark.kind))];
      const shown = kinds.filter((kind) => kind !== "sentence");
      const node = el("span", {
        class: ["hl", ...kinds.map((kind) => `in-${kind}`), shown[0] ? `hl-${shown[0]}` : "", shown[1] ? `hl2-${shown[1]}` : ""].filter(Boolean).join(" "),
        text: segment.text,
        testid: "hl",
        attrs: {
          "data-kinds": kinds.join(" "),
          "data-spans": segment.marks.map((mark) => mark.id).join(" "),
          "data-start": String(segment.start),
        },
      });
      if (shown.length) node.title = shown.map((kind) => (kind === "other" ? "another event: click to read it" : SPAN_LABELS[kind])).join(" + ");
      const other = segment.marks.find((mark) => mark.kind === "other");
      if (other?.eventId && !shown.some((kind) => kind !== "other")) {
        node.dataset.eventId = other.eventId;
        node.tabIndex = 0;
        node.setAttribute("role", "button");
      }
      if (kinds.includes("sentence") && !firstOfSentence) firstOfSentence = node;
      text.append(node);
    }
    text.addEventListener("click", (event) => this.pickOther(event));
    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter") this.pickOther(event);
    });

    const meta = [article.outlet, article.published].filter(Boolean).join(" · ");
    const header = el("div", { class: "reader-head" }, [
      el("h3", { text: article.title ?? article.id, testid: "reader-title" }),
      el("p", { class: "reader-meta" }, [meta, meta && article.url ? " · " : "", article.url ? safeLink(article.url, "source") : null]),
    ]);
    this.root.replaceChildren(header, this.legend(), selected ? this.details(selected) : el("p", { class: "placeholder", text: "Pick an underlined trigger to see its event." }), text);
    this.root.dataset.state = "ready";
    this.root.dataset.articleId = article.id;
    this.root.dataset.eventId = selected?.id ?? "";
    if (firstOfSentence) {
      // scroll inside the reader only (the text is the positioned ancestor: styles.css)
      const target = firstOfSentence;
      requestAnimationFrame(() => {
        const top = text.offsetTop + target.offsetTop;
        const fits = top + 3 * target.offsetHeight < this.root.clientHeight;
        this.root.scrollTop = fits ? 0 : Math.max(0, top - this.root.clientHeight / 3);
      });
    }
  }

  private pickOther(event: Event): void {
    const node = (event.target as HTMLElement | null)?.closest<HTMLElement>("[data-event-id]");
    const picked = node && this.current?.events.find((item) => item.id === node.dataset.eventId);
    if (picked) this.onSelect(picked);
  }

  private legend(): HTMLElement {
    return el(
      "div",
      { class: "legend reader-legend", testid: "reader-legend" },
      SPAN_KINDS.map((kind) => el("span", { class: "item" }, [el("span", { class: `swatch hl-${kind}` }), SPAN_LABELS[kind]])),
    );
  }

  private details(event: EventRec): HTMLElement {
    const rows: [string, string][] = [
      ["event", `${event.plover_type ?? "STATEMENT"}${event.plover_mode ? ` / ${event.plover_mode}` : ""} · CAMEO ${event.cameo_code} · Goldstein ${event.goldstein}`],
      ["quad", `${event.quad_class} ${QUAD_NAMES[event.quad_class] ?? ""}`],
      ["source", event.sources.map(actorText).join("; ") || "—"],
      ["target", event.targets.map(actorText).join("; ") || "—"],
      ["status", `${event.attribution.status}${event.attribution.speaker ? ` — speaker ${actorText(event.attribution.speaker)}` : ""}`],
      ["date", event.date ? `${event.date.date} (${event.date.precision}, from ${event.date.derived_from})` : "—"],
      ["place", event.location ? `${event.location.name}${event.location.country ? ` (${event.location.country})` : ""}` : "—"],
      ...(event.launch_site ? [["launched from", `${event.launch_site.name}${event.launch_site.country ? ` (${event.launch_site.country})` : ""}`] as [string, string]] : []),
    ];
    return el(
      "dl",
      { class: "event-detail", testid: "event-detail", attrs: { "data-event-id": event.id } },
      rows.flatMap(([term, value]) => [el("dt", { text: term }), el("dd", { text: value, testid: `detail-${term}` })]),
    );
  }
}
