"""The server's limits: body size, page size, query time, concurrency, ingestion queue."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ServerLimits(BaseModel):
    """Every limit the API enforces; ``create_app(limits=ServerLimits(...))`` changes them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_body_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1024, description="largest request body; larger ones get 413 (E623) before being read"
    )
    max_articles: int = Field(default=1000, ge=1, description="most articles in one POST /api/ingest")
    max_page: int = Field(default=500, ge=1, le=500, description="largest `limit` of GET /api/events")
    query_timeout_s: float = Field(
        default=10.0, gt=0, description="the database work of one request is interrupted after this many seconds (E625)"
    )
    max_concurrent_queries: int = Field(
        default=16, ge=1, description="requests listing or analysing events (scans of the store) at the same time"
    )
    max_concurrent_lookups: int = Field(
        default=12, ge=1, description="requests reading rows by key (one event, one article, health) at the same time"
    )
    busy_wait_s: float = Field(
        default=10.0, ge=0, description="how long a request waits for a free query slot before 503 (E625)"
    )
    max_queued_jobs: int = Field(default=32, ge=1, description="ingestion jobs waiting at once; more get 503 (E625)")
    kept_jobs: int = Field(default=1000, ge=1, description="finished ingestion jobs remembered for GET /api/ingest/{job}")
    min_token_chars: int = Field(default=16, ge=1, description="shortest bearer token accepted at start-up")
    cache_bytes: int = Field(
        default=64 * 1024 * 1024, ge=0,
        description="memory for repeated GET /api answers (emptied when ingestion writes); 0 turns the cache off",
    )
    cache_entry_bytes: int = Field(default=1024 * 1024, ge=1, description="largest answer the cache keeps")
