// The timeline: event counts per period, stacked by QuadClass (ECharts, only the parts used).
import { BarChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { QUAD_COLORS, QUAD_NAMES } from "./colors";
import type { Timeline } from "./types";

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type Granularity = "day" | "week" | "month";

const DAY_MS = 86_400_000;

function parseDay(value: string): number {
  return Date.UTC(Number(value.slice(0, 4)), Number(value.slice(5, 7)) - 1, Number(value.slice(8, 10)));
}

function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function nextPeriod(ms: number, by: Granularity): number {
  if (by === "day") return ms + DAY_MS;
  if (by === "week") return ms + 7 * DAY_MS;
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** The last day of the period that starts on `period`. */
export function periodEnd(period: string, by: Granularity): string {
  return formatDay(nextPeriod(parseDay(period), by) - DAY_MS);
}

/** Granularity for a date range: days up to three months, weeks up to two years, else months. */
export function autoGranularity(first: string | null | undefined, last: string | null | undefined): Granularity {
  if (!first || !last) return "month";
  const days = (parseDay(last) - parseDay(first)) / DAY_MS;
  return days <= 92 ? "day" : days <= 730 ? "week" : "month";
}

/** Points with the empty periods between them filled in (so gaps show as gaps). */
export function fillPeriods(timeline: Timeline, by: Granularity): { period: string; byQuad: number[] }[] {
  const known = new Map(timeline.points.map((point) => [point.period, point]));
  const periods = [...known.keys()].sort();
  if (!periods.length) return [];
  const all = new Set(periods);
  const last = parseDay(periods[periods.length - 1]);
  for (let t = parseDay(periods[0]); t <= last && all.size < 5000; t = nextPeriod(t, by)) all.add(formatDay(t));
  return [...all].sort().map((period) => {
    const point = known.get(period);
    return { period, byQuad: [0, 1, 2, 3, 4].map((q) => point?.by_quad[String(q)] ?? 0) };
  });
}

export class TimelineChart {
  private readonly chart: echarts.ECharts;
  private periods: string[] = [];
  private by: Granularity = "month";

  constructor(
    private readonly container: HTMLElement,
    private readonly onPeriod: (since: string, until: string) => void,
  ) {
    this.chart = echarts.init(container, undefined, { renderer: "canvas" });
    this.chart.on("click", (params) => {
      const period = this.periods[params.dataIndex ?? -1];
      if (period) this.onPeriod(period, periodEnd(period, this.by));
    });
  }

  setData(timeline: Timeline, by: Granularity): void {
    this.by = by;
    const filled = fillPeriods(timeline, by);
    this.periods = filled.map((point) => point.period);
    const total = filled.reduce((sum, point) => sum + point.byQuad.reduce((a, b) => a + b, 0), 0);
    this.container.dataset.periods = String(timeline.points.length);
    this.container.dataset.total = String(total);
    this.container.dataset.by = by;
    this.chart.setOption(
      {
        animation: false,
        grid: { left: 40, right: 12, top: 30, bottom: 28 },
        legend: { top: 0, itemWidth: 12, itemHeight: 10, textStyle: { fontSize: 11 } },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "category", data: this.periods, axisLabel: { fontSize: 10, formatter: (value: string) => (by === "month" ? value.slice(0, 7) : value) } },
        yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 10 } },
        series: QUAD_NAMES.map((name, quad) => ({
          name: `${quad} ${name}`,
          type: "bar",
          stack: "quad",
          barCategoryGap: "15%",
          itemStyle: { color: QUAD_COLORS[quad] },
          emphasis: { focus: "series" },
          data: filled.map((point) => point.byQuad[quad]),
        })),
      },
      { notMerge: true },
    );
  }

  resize(): void {
    this.chart.resize();
  }
}
