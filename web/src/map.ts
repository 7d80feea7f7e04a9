// The map: events as points coloured by QuadClass over Natural Earth country shapes
// (world-atlas, bundled; no tile server, nothing fetched from elsewhere).
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import countriesUrl from "world-atlas/countries-110m.json?url";
import { QUAD_NAMES, quadColor } from "./colors";
import { el } from "./dom";
import type { EventRow } from "./types";

const ANTARCTICA = "010";
const GOLDEN_ANGLE = 2.399963;

type Ring = number[][];

/** Rings that cross the antimeridian jump from +180 to -180; unwrapping them keeps Leaflet from
 *  drawing a line across the whole map (Russia, Fiji). */
export function unwrapRing(ring: Ring): Ring {
  let shift = 0;
  return ring.map((point, i) => {
    if (i > 0) {
      const jump = point[0] - ring[i - 1][0];
      if (jump > 180) shift -= 360;
      else if (jump < -180) shift += 360;
    }
    return [point[0] + shift, point[1]];
  });
}

function unwrapGeometry(geometry: GeoJSON.Geometry | null): void {
  if (geometry?.type === "Polygon") geometry.coordinates = geometry.coordinates.map(unwrapRing);
  else if (geometry?.type === "MultiPolygon") geometry.coordinates = geometry.coordinates.map((polygon) => polygon.map(unwrapRing));
}

/** Events at the same coordinates (country centroids) are fanned out on a small spiral. */
export function spreadPoints(rows: EventRow[]): { row: EventRow; lat: number; lon: number }[] {
  const seen = new Map<string, number>();
  const out: { row: EventRow; lat: number; lon: number }[] = [];
  for (const row of rows) {
    const lat = row.location?.lat;
    const lon = row.location?.lon;
    if (lat === null || lat === undefined || lon === null || lon === undefined) continue;
    const key = `${lat.toFixed(4)},${lon.toFixed(4)}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const radius = n === 0 ? 0 : 0.45 * Math.sqrt(n);
    out.push({ row, lat: lat + radius * Math.sin(n * GOLDEN_ANGLE), lon: lon + radius * Math.cos(n * GOLDEN_ANGLE) });
  }
  return out;
}

export class EventMap {
  private readonly map: L.Map;
  private readonly points = L.featureGroup();
  private readonly markers = new Map<string, L.CircleMarker>();
  private selected: string | null = null;
  private fitted = false;
  readonly ready: Promise<void>;

  constructor(
    private readonly container: HTMLElement,
    private readonly note: HTMLElement,
    private readonly onSelect: (row: EventRow) => void,
  ) {
    this.map = L.map(container, {
      attributionControl: false,
      zoomSnap: 0.25,
      minZoom: 1,
      maxZoom: 9,
      worldCopyJump: false,
      maxBounds: L.latLngBounds([-80, -220], [85, 220]),
    });
    L.control.attribution({ prefix: false }).addAttribution("Country shapes: Natural Earth (world-atlas)").addTo(this.map);
    this.map.setView([25, 20], 1.5);
    this.points.addTo(this.map);
    this.ready = this.loadCountries();
  }

  private async loadCountries(): Promise<void> {
    const response = await fetch(countriesUrl);
    const topology = (await response.json()) as Topology<{ countries: GeometryCollection<{ name: string }> }>;
    const shapes = feature(topology, topology.objects.countries);
    shapes.features = shapes.features.filter((shape) => String(shape.id) !== ANTARCTICA);
    for (const shape of shapes.features) unwrapGeometry(shape.geometry);
    const layer = L.geoJSON(shapes, {
      interactive: false,
      style: () => ({ className: "country", color: "#9aa5b1", weight: 0.6, fillColor: "#eef0ea", fillOpacity: 1 }),
    });
    layer.addTo(this.map);
    layer.bringToBack();
    this.container.dataset.countries = String(shapes.features.length);
  }

  setEvents(rows: EventRow[], total: number): void {
    this.points.clearLayers();
    this.markers.clear();
    const placed = spreadPoints(rows);
    for (const { row, lat, lon } of placed) {
      const marker = L.circleMarker([lat, lon], {
        radius: 5.5,
        color: "#ffffff",
        weight: 1,
        fillColor: quadColor(row.quad_class),
        fillOpacity: 0.9,
        className: `event-point quad-${row.quad_class}`,
      });
      marker.bindTooltip(() => tooltip(row), { direction: "top", offset: [0, -4] });
      marker.on("click", () => this.onSelect(row));
      marker.addTo(this.points);
      const path = marker.getElement();
      if (path) {
        path.setAttribute("data-testid", "map-point");
        path.setAttribute("data-event-id", row.id);
        path.setAttribute("data-quad", String(row.quad_class));
      }
      this.markers.set(row.id, marker);
    }
    this.container.dataset.points = String(placed.length);
    const unplaced = rows.length - placed.length;
    const more = total > rows.length ? ` (${rows.length} of ${total} loaded)` : "";
    this.note.textContent = `${placed.length} events with a place${unplaced ? `, ${unplaced} without` : ""}${more}`;
    if (placed.length && !this.fitted) {
      this.map.fitBounds(this.points.getBounds().pad(0.3), { maxZoom: 4 });
      this.fitted = true;
    }
    if (this.selected) this.select(this.selected);
  }

  select(id: string | null): void {
    if (this.selected) this.markers.get(this.selected)?.setStyle({ radius: 5.5, color: "#ffffff", weight: 1 });
    this.selected = id;
    const marker = id ? this.markers.get(id) : undefined;
    if (marker) {
      marker.setStyle({ radius: 9, color: "#111111", weight: 2.5 });
      marker.bringToFront();
    }
  }

  resize(): void {
    this.map.invalidateSize();
  }
}

function tooltip(row: EventRow): HTMLElement {
  const who = `${row.sources.join(", ") || "?"} → ${row.targets.join(", ") || "?"}`;
  return el("div", { class: "tip" }, [
    el("strong", { text: row.plover_type ?? "STATEMENT" }),
    ` ${who}`,
    el("br"),
    `${row.date ?? "undated"} · ${row.location?.name ?? ""} · ${QUAD_NAMES[row.quad_class] ?? ""}`,
  ]);
}
