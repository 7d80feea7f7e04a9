// Shapes of the dyads REST API answers (docs: the server's /openapi.json).

export interface SpanRec {
  start: number;
  end: number;
  text: string;
}

export interface ActorRec {
  code: string | null;
  sectors: string[];
  name: string | null;
  role: string | null;
  supported_by: string[];
  span: SpanRec | null;
}

export interface LocationRec {
  name: string;
  lat: number | null;
  lon: number | null;
  country: string | null;
  admin1?: string | null;
  feature?: string;
  span?: SpanRec | null;
  derived_from?: string;
}

export interface EventDateRec {
  date: string;
  precision: string;
  derived_from: string;
  end_date: string | null;
  span: SpanRec | null;
}

export interface AttributionRec {
  status: string;
  speaker: ActorRec | null;
  reporting_source: string | null;
  cue: SpanRec | null;
  source_span: SpanRec | null;
}

/** A full Event record (GET /api/events/{id}, GET /api/articles/{id}). */
export interface EventRec {
  id: string;
  article_id: string;
  sentence_index: number;
  sentence: SpanRec;
  trigger: SpanRec;
  plover_type: string | null;
  plover_mode: string | null;
  cameo_code: string;
  quad_class: number;
  goldstein: number;
  statement_only: boolean;
  sources: ActorRec[];
  targets: ActorRec[];
  date: EventDateRec | null;
  location: LocationRec | null;
  launch_site: LocationRec | null;
  attribution: AttributionRec;
  coder?: string;
  confidence?: number | null;
}

/** One row of GET /api/events. */
export interface EventRow {
  id: string;
  article_id: string;
  sentence_index: number;
  date: string | null;
  date_precision: string | null;
  plover_type: string | null;
  plover_mode: string | null;
  cameo_code: string;
  quad_class: number;
  goldstein: number;
  status: string;
  sources: string[];
  targets: string[];
  speaker: string | null;
  location: { name: string; country: string | null; lat: number | null; lon: number | null } | null;
  trigger_text: string;
  sentence_text: string;
  outlet: string | null;
  title: string | null;
}

export interface EventsPage {
  events: EventRow[];
  next_cursor: string | null;
  total: number;
}

export interface ArticleRec {
  id: string;
  title: string | null;
  url: string | null;
  outlet: string | null;
  published: string | null;
  text: string;
}

export interface ArticleResponse {
  article: ArticleRec;
  events: EventRec[];
}

export interface TimelinePoint {
  period: string;
  events: number;
  by_quad: Record<string, number>;
}

export interface Timeline {
  by: string;
  points: TimelinePoint[];
}

export interface AlignmentNode {
  actor: string;
  events: number;
  bloc: number;
}

export interface AlignmentEdge {
  a: string;
  b: string;
  cooperation: number;
  conflict: number;
  score: number;
  events: number;
}

export interface Alignment {
  since: string | null;
  until: string | null;
  nodes: AlignmentNode[];
  edges: AlignmentEdge[];
  blocs: { id: number; members: string[] }[];
}

export interface Health {
  status: string;
  events: number;
  articles: number;
  read_only: boolean;
}

export interface Summary {
  first_date?: string | null;
  last_date?: string | null;
  by_plover_type?: Record<string, number>;
  [key: string]: unknown;
}

export interface ApiErrorBody {
  error: { code: string; message: string; fix: string; status: number };
}
