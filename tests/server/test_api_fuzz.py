"""Property-based fuzzing of the whole HTTP API from its own OpenAPI documents: whatever a client
sends that the documents allow (and much they do not), the server answers without a 5xx.

Runs on both databases, logged in as the county admin (who reaches every write path), with
derandomized examples so a failure replays the same way. Each operation gets its own examples.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

#: Routes that end or change the login the fuzzing runs under.
LOGIN_CHANGING = ["/api/v1/auth/logout", "/api/v1/auth/refresh", "/api/v1/auth/password"]
FUZZ = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


def _fuzz(schema: Any, headers: dict[str, str] | None = None) -> list[str]:
    """Run every operation of ``schema``; returns the operations fuzzed."""
    fuzzed = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @FUZZ
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        run()
        fuzzed.append(f"{operation.method.upper()} {operation.path}")
    return fuzzed


def test_the_atlas_api_never_answers_5xx(app: Any, api: Any) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).exclude(path=LOGIN_CHANGING)
    fuzzed = _fuzz(schema, api.headers("admin"))
    assert "POST /api/v1/sync/{layer}/push" in fuzzed and "PATCH /api/v1/admin/users/{user_id}" in fuzzed


def test_the_ogc_api_never_answers_5xx(app: Any) -> None:
    fuzzed = _fuzz(schemathesis.openapi.from_wsgi("/ogcapi/api", app))
    assert "GET /collections/institutions/items" in fuzzed and "GET /collections/{collectionId}/items" not in fuzzed
