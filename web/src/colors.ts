// Colours shared by the views. The same QuadClass colours are used in CSS (styles.css).

export const QUAD_NAMES = ["neutral", "verbal cooperation", "material cooperation", "verbal conflict", "material conflict"] as const;

export const QUAD_COLORS = ["#8d96a0", "#6aaed6", "#1f68b0", "#f08a3c", "#cf2e1f"] as const;

export function quadColor(quad: number): string {
  return QUAD_COLORS[quad] ?? QUAD_COLORS[0];
}

/** Blocs: a qualitative palette, cycled when there are more blocs than colours. */
const BLOC_COLORS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c", "#ccb974", "#64b5cd"];

export function blocColor(bloc: number): string {
  if (bloc < 0) return "#b0b6bd";
  return BLOC_COLORS[bloc % BLOC_COLORS.length];
}

export const EDGE_POSITIVE = "#2b8a3e";
export const EDGE_NEGATIVE = "#c92a2a";
export const EDGE_ZERO = "#adb5bd";

export function edgeColor(score: number): string {
  return score > 0 ? EDGE_POSITIVE : score < 0 ? EDGE_NEGATIVE : EDGE_ZERO;
}
