// The dyads dashboard: one filter state drives the map, timeline, network and event list;
// choosing an event anywhere opens its article in the reader, scrolled to its sentence.
import "./styles.css";
import { Api, ApiError, isAbort } from "./api";
import { QUAD_COLORS, QUAD_NAMES } from "./colors";
import { el, required } from "./dom";
import { EventList } from "./eventList";
import { FilterBar, type Filters, filterParams, filterProblems, filtersFromSearch, sameFilters } from "./filters";
import { EventMap } from "./map";
import { NetworkGraph } from "./network";
import { ArticleReader } from "./reader";
import { type Granularity, TimelineChart, autoGranularity } from "./timeline";
import type { EventRec, EventRow, Summary } from "./types";

const PAGE = 500;

type View = "map" | "timeline" | "network" | "list";

class Dashboard {
  private readonly api = new Api();
  private filters: Filters;
  private selectedId: string | null;
  private rows: EventRow[] = [];
  private total = 0;
  private cursor: string | null = null;
  private summary: Summary | null = null;
  /** the summary's date range picks the timeline's period (auto) */
  private summaryReady: Promise<void> = Promise.resolve();
  private granularity: Granularity | "auto" = "auto";
  private minEvents = 1;
  private networkKey: string | null = null;
  private loads = new Map<View, AbortController>();
  private articleLoad: AbortController | null = null;

  private readonly bar: FilterBar;
  private readonly map: EventMap;
  private readonly timeline: TimelineChart;
  private readonly network: NetworkGraph;
  private readonly list: EventList;
  private readonly reader: ArticleReader;
  private readonly banner: HTMLElement;

  constructor(root: Document) {
    const params = new URLSearchParams(window.location.search);
    this.filters = filtersFromSearch(window.location.search);
    this.selectedId = params.get("event");
    const by = params.get("by");
    if (by === "day" || by === "week" || by === "month") this.granularity = by;
    this.banner = required(root, "[data-testid=error-banner]");
    this.bar = new FilterBar(required(root, "[data-testid=filter-bar]"), (filters) => this.apply(filters));
    this.bar.write(this.filters);
    this.map = new EventMap(required(root, "[data-testid=map]"), required(root, "[data-testid=map-note]"), (row) => this.selectRow(row));
    this.timeline = new TimelineChart(required(root, "[data-testid=timeline]"), (since, until) => this.apply({ ...this.filters, since, until }));
    this.network = new NetworkGraph(
      required(root, "[data-testid=network]"),
      required(root, "[data-testid=network-legend]"),
      required(root, "[data-testid=network-note]"),
      (actor) => this.apply({ ...this.filters, actor, source: undefined, target: undefined }),
      (a, b) => void this.filterDyad(a, b),
    );
    this.list = new EventList(
      required(root, "[data-testid=event-list]"),
      required(root, "[data-testid=event-count]"),
      required(root, "[data-testid=load-more]"),
      (row) => this.selectRow(row),
      () => void this.loadMore(),
    );
    this.reader = new ArticleReader(required(root, "[data-testid=reader]"), (event) => this.selectEvent(event));
    this.quadLegend(required(root, "[data-testid=quad-legend]"));
    this.timelineTools(required(root, "[data-testid=timeline-tools]"));
    const resize = new ResizeObserver(() => {
      this.map.resize();
      this.timeline.resize();
      this.network.resize();
    });
    for (const selector of ["[data-testid=map]", "[data-testid=timeline]", "[data-testid=network]"]) resize.observe(required(root, selector));
    window.addEventListener("popstate", () => {
      this.filters = filtersFromSearch(window.location.search);
      this.bar.write(this.filters);
      void this.refresh();
      const event = new URLSearchParams(window.location.search).get("event");
      if (event && event !== this.selectedId) void this.openEvent(event);
    });
  }

  async start(): Promise<void> {
    void this.api.health().then(
      (health) => {
        required<HTMLElement>(document, "[data-testid=health]").textContent = `${health.events} events · ${health.articles} articles${health.read_only ? " · read-only" : ""}`;
      },
      () => undefined,
    );
    this.summaryReady = this.api.summary().then(
      (summary) => {
        this.summary = summary;
        this.bar.setTypes(Object.keys(summary.by_plover_type ?? {}).filter((type) => type !== "none").sort());
      },
      () => undefined,
    );
    await Promise.all([this.refresh(), this.selectedId ? this.openEvent(this.selectedId) : Promise.resolve()]);
  }

  private apply(filters: Filters): void {
    const problems = filterProblems(filters);
    if (problems.length) {
      this.showError(new ApiError("FILTER", problems.join("; "), "correct the filter and apply again", 0));
      return;
    }
    if (sameFilters(filters, this.filters)) return;
    this.filters = filters;
    this.bar.write(filters);
    this.syncUrl();
    void this.refresh();
  }

  /** Filters push a history entry (Back undoes them); choosing an event only replaces the URL. */
  private syncUrl({ push = true }: { push?: boolean } = {}): void {
    const params = filterParams(this.filters);
    if (this.granularity !== "auto") params.set("by", this.granularity);
    if (this.selectedId) params.set("event", this.selectedId);
    const query = params.toString();
    const url = `${window.location.pathname}${query ? `?${query}` : ""}`;
    if (url === `${window.location.pathname}${window.location.search}`) return;
    if (push) window.history.pushState(null, "", url);
    else window.history.replaceState(null, "", url);
  }

  private begin(view: View): AbortSignal {
    this.loads.get(view)?.abort();
    const controller = new AbortController();
    this.loads.set(view, controller);
    const node = this.viewNode(view);
    node.dataset.ready = "false";
    node.classList.add("loading");
    return controller.signal;
  }

  private done(view: View): void {
    const node = this.viewNode(view);
    node.dataset.ready = "true";
    node.classList.remove("loading");
    performance.mark(`dyads:${view}:ready`);
  }

  private viewNode(view: View): HTMLElement {
    return required(document, `[data-testid=${view === "list" ? "event-list" : view}]`);
  }

  async refresh(): Promise<void> {
    this.hideError();
    this.network.setFocus(this.filters.actor ?? this.filters.source ?? null);
    this.bar.setBusy(true);
    await Promise.all([this.loadEvents(), this.loadTimeline(), this.loadNetwork()]);
    this.bar.setBusy(false);
  }

  private async guard(view: View, work: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const signal = this.begin(view);
    try {
      await work(signal);
      if (!signal.aborted) this.done(view);
    } catch (error) {
      if (isAbort(error)) return;
      this.viewNode(view).classList.remove("loading");
      this.viewNode(view).dataset.ready = "error";
      this.showError(error);
    }
  }

  private loadEvents(): Promise<void> {
    return this.guard("list", async (signal) => {
      const mapNode = this.viewNode("map");
      mapNode.dataset.ready = "false";
      const [page] = await Promise.all([this.api.events(this.filters, { limit: PAGE, signal }), this.map.ready]);
      if (signal.aborted) return;
      this.rows = page.events;
      this.total = page.total;
      this.cursor = page.next_cursor;
      this.showRows();
      mapNode.dataset.ready = "true";
      performance.mark("dyads:map:ready");
    });
  }

  private async loadMore(): Promise<void> {
    if (!this.cursor) return;
    await this.guard("list", async (signal) => {
      const page = await this.api.events(this.filters, { limit: PAGE, cursor: this.cursor, signal });
      if (signal.aborted) return;
      this.rows = [...this.rows, ...page.events];
      this.total = page.total;
      this.cursor = page.next_cursor;
      this.showRows();
    });
  }

  private showRows(): void {
    this.list.setEvents(this.rows, this.total, this.cursor !== null);
    this.map.setEvents(this.rows, this.total);
    this.map.select(this.selectedId);
  }

  private currentGranularity(): Granularity {
    if (this.granularity !== "auto") return this.granularity;
    return autoGranularity(this.filters.since ?? this.summary?.first_date ?? null, this.filters.until ?? this.summary?.last_date ?? null);
  }

  private loadTimeline(): Promise<void> {
    return this.guard("timeline", async (signal) => {
      if (this.granularity === "auto" && !(this.filters.since && this.filters.until)) await this.summaryReady;
      const by = this.currentGranularity();
      const timeline = await this.api.timeline(this.filters, { by, signal });
      if (!signal.aborted) this.timeline.setData(timeline, by);
    });
  }

  private loadNetwork(): Promise<void> {
    // /api/blocs takes only the date range (and a minimum edge weight)
    const key = JSON.stringify([this.filters.since ?? "", this.filters.until ?? "", this.minEvents]);
    if (key === this.networkKey) return Promise.resolve();
    return this.guard("network", async (signal) => {
      const alignment = await this.api.blocs({ since: this.filters.since, until: this.filters.until, minEvents: this.minEvents, signal });
      if (signal.aborted) return;
      this.network.setData(alignment);
      this.network.setFocus(this.filters.actor ?? this.filters.source ?? null);
      this.networkKey = key;
    });
  }

  /** A network edge is undirected: filter its busier direction (the note gives the other's count). */
  private async filterDyad(a: string, b: string): Promise<void> {
    const base: Filters = { ...this.filters, actor: undefined, source: undefined, target: undefined };
    try {
      const [ab, ba] = await Promise.all([
        this.api.events({ ...base, source: a, target: b }, { limit: 1 }),
        this.api.events({ ...base, source: b, target: a }, { limit: 1 }),
      ]);
      const [source, target, other] = ba.total > ab.total ? [b, a, ab.total] : [a, b, ba.total];
      this.apply({ ...base, source, target });
      required<HTMLElement>(document, "[data-testid=network-note]").textContent = `${source} → ${target}; ${target} → ${source}: ${other} events (swap Source and Target to see them)`;
    } catch (error) {
      if (!isAbort(error)) this.showError(error);
    }
  }

  private selectRow(row: EventRow): void {
    void this.openEvent(row.id, row.article_id);
  }

  private selectEvent(event: EventRec): void {
    void this.openEvent(event.id, event.article_id);
  }

  private async openEvent(id: string, articleId?: string): Promise<void> {
    this.selectedId = id;
    this.list.select(id);
    this.map.select(id);
    this.syncUrl({ push: false });
    this.articleLoad?.abort();
    const controller = new AbortController();
    this.articleLoad = controller;
    this.reader.showLoading();
    try {
      const article = articleId ?? (await this.api.event(id, { signal: controller.signal })).article_id;
      const data = await this.api.article(article, { signal: controller.signal });
      if (!controller.signal.aborted) this.reader.show(data, id);
    } catch (error) {
      if (isAbort(error)) return;
      this.reader.showError(error instanceof Error ? error.message : String(error));
      this.showError(error);
    }
  }

  private quadLegend(node: HTMLElement): void {
    node.replaceChildren(
      ...QUAD_NAMES.map((name, quad) => {
        const swatch = el("span", { class: "swatch dot" });
        swatch.style.backgroundColor = QUAD_COLORS[quad];
        return el("span", { class: "item" }, [swatch, `${quad} ${name}`]);
      }),
    );
  }

  private timelineTools(node: HTMLElement): void {
    const by = el(
      "select",
      { testid: "timeline-by", attrs: { "aria-label": "period" } },
      (["auto", "day", "week", "month"] as const).map((value) => el("option", { text: value === "auto" ? "auto period" : `by ${value}`, attrs: { value } })),
    );
    by.value = this.granularity;
    by.addEventListener("change", () => {
      this.granularity = by.value as Granularity | "auto";
      this.syncUrl({ push: false });
      void this.loadTimeline();
    });
    const min = el("input", { testid: "network-min-events", attrs: { type: "number", min: "1", max: "1000", value: String(this.minEvents), "aria-label": "minimum events per dyad" } });
    min.addEventListener("change", () => {
      const value = Math.max(1, Math.min(1000, Math.round(Number(min.value) || 1)));
      min.value = String(value);
      this.minEvents = value;
      void this.loadNetwork();
    });
    node.append(by);
    required<HTMLElement>(document, ".panel-network .panel-head").append(el("label", { class: "min-events" }, ["min. events ", min]));
  }

  private showError(error: unknown): void {
    const banner = this.banner;
    if (error instanceof ApiError) {
      banner.replaceChildren(el("strong", { text: error.code }), ` ${error.message}`, error.fix ? el("span", { class: "fix", text: ` — ${error.fix}` }) : "");
    } else {
      banner.replaceChildren(el("strong", { text: "error" }), ` ${error instanceof Error ? error.message : String(error)}`);
    }
    banner.hidden = false;
  }

  private hideError(): void {
    this.banner.hidden = true;
    this.banner.replaceChildren();
  }
}

performance.mark("dyads:start");
void new Dashboard(document).start();
