"""Property-based fuzzing of the API from its own OpenAPI schema (schemathesis): valid and invalid
requests to every operation; no server error (5xx), and every response conforms to the schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from test_server_data import write_store

from dyads.config import Settings
from dyads.server import ServerLimits, create_app, shutdown

TOKEN = "fuzz-token-0123456789abcdef"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 20  # per operation and mode: 12 operations, positive and negative (about 15 s on 2 cores)


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("fuzz") / "events.duckdb"
    write_store(path)
    # Ingestion on, with a model that is not installed: posted jobs fail at once instead of loading spaCy.
    app = create_app(
        db=path, allow_ingest=True, token=TOKEN,
        settings=Settings().with_overrides({"nlp.model": "no_such_spacy_pipeline"}),
        limits=ServerLimits(max_queued_jobs=10_000),
    )
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app)
    yield loaded
    shutdown(app)


def _operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
def test_no_server_errors_and_responses_match_the_schema(schema, mode) -> None:
    operations = _operations(schema)
    assert len(operations) >= 12
    for operation in operations:
        takes_input = any(len(getattr(operation, part)) for part in ("path_parameters", "query", "body"))
        if mode is schemathesis.GenerationMode.NEGATIVE and not takes_input:
            continue  # nothing to make invalid (/api/summary, /api/health)

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)

        run()
