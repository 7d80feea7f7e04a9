// The event list: one row per event (newest first, as the API orders them).
import { QUAD_NAMES } from "./colors";
import { el } from "./dom";
import type { EventRow } from "./types";

export class EventList {
  private selected: string | null = null;

  constructor(
    private readonly list: HTMLOListElement,
    private readonly count: HTMLElement,
    private readonly more: HTMLButtonElement,
    private readonly onSelect: (row: EventRow) => void,
    onMore: () => void,
  ) {
    more.addEventListener("click", onMore);
    list.addEventListener("click", (event) => this.pick(event));
    list.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        this.pick(event);
      }
    });
  }

  private rows = new Map<string, EventRow>();

  private pick(event: Event): void {
    const row = (event.target as HTMLElement | null)?.closest<HTMLElement>("[data-event-id]");
    const data = row ? this.rows.get(row.dataset.eventId ?? "") : undefined;
    if (data) this.onSelect(data);
  }

  setEvents(rows: EventRow[], total: number, hasMore: boolean): void {
    this.rows = new Map(rows.map((row) => [row.id, row]));
    this.list.replaceChildren(...rows.map((row) => this.renderRow(row)));
    this.count.textContent = rows.length < total ? `${total} events, ${rows.length} shown` : `${total} events`;
    this.count.dataset.total = String(total);
    this.count.dataset.shown = String(rows.length);
    this.more.hidden = !hasMore;
    this.list.classList.toggle("empty", rows.length === 0);
    if (!rows.length) this.list.append(el("li", { class: "none", text: "No events match these filters." }));
    this.select(this.selected);
  }

  private renderRow(row: EventRow): HTMLLIElement {
    const who = el("span", { class: "who" }, [
      el("span", { class: "actors", testid: "row-sources", text: row.sources.join(", ") || "—" }),
      " → ",
      el("span", { class: "actors", testid: "row-targets", text: row.targets.join(", ") || "—" }),
    ]);
    const meta = [row.date ?? "undated", row.location?.name, row.status !== "asserted" ? row.status : null, row.speaker ? `per ${row.speaker}` : null]
      .filter(Boolean)
      .join(" · ");
    return el(
      "li",
      {
        class: `event-row quad-${row.quad_class}`,
        testid: "event-row",
        attrs: { "data-event-id": row.id, "data-article-id": row.article_id, tabindex: "0", role: "button", "aria-selected": "false" },
      },
      [
        el("span", { class: `quad-badge quad-${row.quad_class}`, text: String(row.quad_class), attrs: { title: QUAD_NAMES[row.quad_class] ?? "" } }),
        el("span", { class: "body" }, [
          el("span", { class: "line1" }, [el("strong", { class: "type", text: row.plover_type ?? "STATEMENT" }), " ", who, " ", el("em", { class: "trigger", text: `“${row.trigger_text}”` })]),
          el("span", { class: "line2", text: meta }),
          el("span", { class: "sentence", text: row.sentence_text }),
        ]),
      ],
    );
  }

  select(id: string | null, { scroll = true }: { scroll?: boolean } = {}): void {
    this.selected = id;
    for (const node of this.list.querySelectorAll<HTMLElement>(".event-row.selected")) {
      node.classList.remove("selected");
      node.setAttribute("aria-selected", "false");
    }
    if (!id) return;
    const node = this.list.querySelector<HTMLElement>(`[data-event-id="${CSS.escape(id)}"]`);
    if (!node) return;
    node.classList.add("selected");
    node.setAttribute("aria-selected", "true");
    if (scroll) {
      const top = node.offsetTop; // the list is positioned (styles.css)
      if (top < this.list.scrollTop || top > this.list.scrollTop + this.list.clientHeight - node.offsetHeight) {
        this.list.scrollTop = Math.max(0, top - this.list.clientHeight / 3);
      }
    }
  }
}
