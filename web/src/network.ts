// The dyad network: actors as nodes coloured by bloc, edges coloured by the sign of their
// cooperation-minus-conflict score (GET /api/blocs).
import cytoscape from "cytoscape";
import { EDGE_NEGATIVE, EDGE_POSITIVE, EDGE_ZERO, blocColor, edgeColor } from "./colors";
import { el } from "./dom";
import type { Alignment } from "./types";

// cytoscape adds a one-rule <style> element unless an element with this id exists; the strict
// CSP would refuse it, and styles.css already gives the container `position: relative`.
const CYTOSCAPE_STYLESHEET_ID = "__________cytoscape_stylesheet";

function scale(value: number, min: number, max: number, lo: number, hi: number): number {
  return max > min ? lo + ((value - min) / (max - min)) * (hi - lo) : (lo + hi) / 2;
}

export class NetworkGraph {
  private cy: cytoscape.Core | null = null;
  private focus: string | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly legend: HTMLElement,
    private readonly note: HTMLElement,
    private readonly onActor: (actor: string) => void,
    private readonly onDyad: (a: string, b: string) => void,
  ) {
    if (!document.getElementById(CYTOSCAPE_STYLESHEET_ID)) {
      document.head.append(el("meta", { attrs: { id: CYTOSCAPE_STYLESHEET_ID, name: "cytoscape-stylesheet-placeholder" } }));
    }
  }

  setData(alignment: Alignment): void {
    this.cy?.destroy();
    const counts = alignment.nodes.map((node) => node.events);
    const minN = Math.min(...counts, 0);
    const maxN = Math.max(...counts, 1);
    const edgeCounts = alignment.edges.map((edge) => edge.events);
    const maxE = Math.max(...edgeCounts, 1);
    // deterministic start: nodes on a circle, grouped by bloc
    const ordered = [...alignment.nodes].sort((a, b) => a.bloc - b.bloc || b.events - a.events || a.actor.localeCompare(b.actor));
    const elements: cytoscape.ElementDefinition[] = ordered.map((node, i) => ({
      group: "nodes",
      data: { id: node.actor, label: node.actor, bloc: node.bloc, events: node.events, color: blocColor(node.bloc), size: scale(node.events, minN, maxN, 14, 44) },
      position: { x: 200 * Math.cos((2 * Math.PI * i) / Math.max(ordered.length, 1)), y: 200 * Math.sin((2 * Math.PI * i) / Math.max(ordered.length, 1)) },
    }));
    const known = new Set(alignment.nodes.map((node) => node.actor));
    for (const edge of alignment.edges) {
      if (!known.has(edge.a) || !known.has(edge.b)) continue;
      elements.push({
        group: "edges",
        data: {
          id: `${edge.a}\u2194${edge.b}`,
          source: edge.a,
          target: edge.b,
          score: edge.score,
          events: edge.events,
          color: edgeColor(edge.score),
          width: scale(edge.events, 1, maxE, 1.2, 7),
          sign: edge.score > 0 ? "positive" : edge.score < 0 ? "negative" : "zero",
        },
      });
    }
    this.cy = cytoscape({
      container: this.container,
      elements,
      minZoom: 0.2,
      maxZoom: 4,
      style: [
        {
          selector: "node",
          style: {
            "background-color": "data(color)",
            width: "data(size)",
            height: "data(size)",
            label: "data(label)",
            "font-size": 10,
            "text-valign": "center",
            "text-halign": "center",
            color: "#1d2329",
            "text-outline-color": "#ffffff",
            "text-outline-width": 2,
            "border-width": 1,
            "border-color": "#ffffff",
          },
        },
        { selector: "node.focus", style: { "border-width": 4, "border-color": "#111111" } },
        { selector: "edge", style: { "line-color": "data(color)", width: "data(width)", "curve-style": "bezier", opacity: 0.75 } },
        { selector: "edge.focus", style: { opacity: 1 } },
        { selector: "edge.faded, node.faded", style: { opacity: 0.2 } },
      ],
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 70, numIter: 1500, padding: 12, fit: true },
    });
    this.cy.on("tap", "node", (event) => this.onActor(String(event.target.id())));
    this.cy.on("tap", "edge", (event) => this.onDyad(String(event.target.data("source")), String(event.target.data("target"))));
    this.cy.on("mouseover", "node", (event) => {
      const d = event.target.data();
      this.note.textContent = `${d.id}: ${d.events} events, bloc ${d.bloc} (click to filter)`;
    });
    this.cy.on("mouseover", "edge", (event) => {
      const d = event.target.data();
      this.note.textContent = `${d.source} – ${d.target}: ${d.events} events, score ${d.score} (click to filter)`;
    });
    const positive = alignment.edges.filter((edge) => edge.score > 0).length;
    const negative = alignment.edges.filter((edge) => edge.score < 0).length;
    Object.assign(this.container.dataset, {
      nodes: String(alignment.nodes.length),
      edges: String(alignment.edges.length),
      blocs: String(alignment.blocs.length),
      positive: String(positive),
      negative: String(negative),
    });
    this.note.textContent = `${alignment.nodes.length} actors, ${alignment.edges.length} dyads, ${alignment.blocs.length} blocs`;
    this.renderLegend(alignment);
    this.setFocus(this.focus);
  }

  private renderLegend(alignment: Alignment): void {
    const items: HTMLElement[] = (
      [
        [EDGE_POSITIVE, "cooperation > conflict"],
        [EDGE_NEGATIVE, "conflict > cooperation"],
        [EDGE_ZERO, "even"],
      ] as const
    ).map(([color, label]) => {
      const swatch = el("span", { class: "swatch line" });
      swatch.style.backgroundColor = color;
      return el("span", { class: "item" }, [swatch, label]);
    });
    for (const bloc of alignment.blocs.slice(0, 10)) {
      const swatch = el("span", { class: "swatch dot" });
      swatch.style.backgroundColor = blocColor(bloc.id);
      const members = bloc.members.slice(0, 4).join(", ") + (bloc.members.length > 4 ? ` +${bloc.members.length - 4}` : "");
      items.push(el("span", { class: "item", testid: "bloc", attrs: { title: bloc.members.join(", ") } }, [swatch, `bloc ${bloc.id}: ${members}`]));
    }
    this.legend.replaceChildren(...items);
  }

  /** Emphasise the node(s) of the actor filter (a label prefix: "RUS" matches "RUS" only, node keys are codes). */
  setFocus(actor: string | null): void {
    this.focus = actor;
    const cy = this.cy;
    if (!cy) return;
    cy.elements().removeClass("focus faded");
    if (!actor) return;
    const key = actor.toUpperCase();
    const nodes = cy.nodes().filter((node) => {
      const id = node.id();
      return id === key || `${key} `.startsWith(`${id} `) || `${id} `.startsWith(`${key} `);
    });
    if (nodes.empty()) return;
    const around = nodes.closedNeighborhood();
    nodes.addClass("focus");
    around.edges().addClass("focus");
    cy.elements().difference(around).addClass("faded");
  }

  resize(): void {
    this.cy?.resize();
  }
}
