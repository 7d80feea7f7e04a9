// A small typed client for the dyads REST API (same origin; nothing else is ever fetched).
import type { Alignment, ArticleResponse, EventRec, EventsPage, Health, Summary, Timeline } from "./types";
import { type Filters, filterParams } from "./filters";

/** An error answered by the API (its one error shape) or a network failure. */
export class ApiError extends Error {
  readonly code: string;
  readonly fix: string;
  readonly status: number;

  constructor(code: string, message: string, fix: string, status: number) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.fix = fix;
    this.status = status;
  }
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

export class Api {
  private readonly base: string;

  constructor({ base = "api" }: { base?: string } = {}) {
    this.base = base;
  }

  private async get<T>(path: string, params: URLSearchParams | null, signal?: AbortSignal): Promise<T> {
    const query = params && [...params.keys()].length ? `?${params.toString()}` : "";
    let response: Response;
    try {
      response = await fetch(`${this.base}/${path}${query}`, { signal, headers: { Accept: "application/json" } });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new ApiError("NETWORK", "the dyads server did not answer", "is `dyads serve` still running?", 0);
    }
    if (!response.ok) {
      let body: unknown = null;
      try {
        body = await response.json();
      } catch {
        body = null;
      }
      const err = (body as { error?: { code?: string; message?: string; fix?: string } } | null)?.error;
      throw new ApiError(
        err?.code ?? `HTTP${response.status}`,
        err?.message ?? `request failed with HTTP ${response.status}`,
        err?.fix ?? "",
        response.status,
      );
    }
    return (await response.json()) as T;
  }

  events(filters: Filters, { limit = 500, cursor = null, signal }: { limit?: number; cursor?: string | null; signal?: AbortSignal } = {}): Promise<EventsPage> {
    const params = filterParams(filters);
    params.set("limit", String(limit));
    if (cursor) params.set("cursor", cursor);
    return this.get<EventsPage>("events", params, signal);
  }

  event(id: string, { signal }: { signal?: AbortSignal } = {}): Promise<EventRec> {
    return this.get<EventRec>(`events/${encodeURIComponent(id)}`, null, signal);
  }

  article(id: string, { signal }: { signal?: AbortSignal } = {}): Promise<ArticleResponse> {
    return this.get<ArticleResponse>(`articles/${encodeURIComponent(id)}`, null, signal);
  }

  timeline(filters: Filters, { by, signal }: { by: string; signal?: AbortSignal }): Promise<Timeline> {
    const params = filterParams(filters);
    params.set("by", by);
    return this.get<Timeline>("timeline", params, signal);
  }

  blocs({ since, until, minEvents, signal }: { since?: string; until?: string; minEvents: number; signal?: AbortSignal }): Promise<Alignment> {
    const params = new URLSearchParams();
    if (since) params.set("since", since);
    if (until) params.set("until", until);
    params.set("min_events", String(minEvents));
    return this.get<Alignment>("blocs", params, signal);
  }

  health(): Promise<Health> {
    return this.get<Health>("health", null);
  }

  summary(): Promise<Summary> {
    return this.get<Summary>("summary", null);
  }
}
