"""Property-based fuzzing of the whole HTTP API from its own OpenAPI documents: whatever a client
sends that the documents allow (and much they do not), the server answers without a 5xx, and every
answer matches the schema its document declares for it.

Runs on both databases, logged in as the county admin (who reaches every write path), with
derandomized examples so a failure replays the same way. Each operation gets its own examples.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

#: Routes that end or change the login the fuzzing runs under.
LOGIN_CHANGING = ["/api/v1/auth/logout", "/api/v1/auth/refresh", "/api/v1/auth/password"]
FUZZ = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


#: Of each operation's examples with a body, this many are sent a second time with lone surrogates
#: in every text and key (two of twenty: about a tenth more requests).
POISONED_EXAMPLES = 2


def with_surrogates(value: Any) -> Any:
    """``value`` with a lone UTF-16 surrogate in every string and object key (sent as the JSON escape
    \\ud800, which schemathesis's own strings never contain); a body without text gets a key with one."""
    if isinstance(value, str):
        return value + "\ud800"
    if isinstance(value, list):
        return [with_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {with_surrogates(k): with_surrogates(v) for k, v in value.items()} or {"\udfff": 0}
    return {"\udfff": value}


def _runner(operation: Any, headers: dict[str, str] | None, client: Any, statuses: list[int]) -> Any:
    """The property test of one operation. With ``client`` (the app's test client), a few examples
    with a body are sent again with lone surrogates (their statuses go to ``statuses``) and once
    without a token, just above the anonymous body limit. Sent by hand: schemathesis validates
    bodies in a way that cannot hold lone surrogates."""

    @given(case=operation.as_strategy())
    @FUZZ
    def run(case: Any) -> None:
        # Uncompressed: the schema check reads the body as it is (compression has tests of its own).
        case.call_and_validate(headers={**(headers or {}), "Accept-Encoding": "identity"},
                               checks=[not_a_server_error, response_schema_conformance])
        if client is None or not isinstance(case.body, dict | list | str) or len(statuses) >= POISONED_EXAMPLES:
            return
        path, query = case.formatted_path, case.query or None
        poisoned = json.dumps(with_surrogates(case.body))  # the JSON escapes \ud800, \udfff
        status = client.open(path, method=case.method, query_string=query, headers=headers,
                             data=poisoned, content_type="application/json").status_code
        statuses.append(status)
        assert status < 500, (operation.path, status)
        limit = client.application.extensions["familienatlas"].settings.max_anonymous_body_bytes
        status = client.open(path, method=case.method, query_string=query, data=json.dumps(" " * limit),
                             content_type="application/json").status_code
        assert status in (401, 413), (operation.path, status)  # no token: refused before the body is read

    return run


def _fuzz(schema: Any, headers: dict[str, str] | None = None, client: Any = None) -> dict[str, list[int]]:
    """Run every operation of ``schema``; returns the operations fuzzed with the statuses that lone
    surrogates in their bodies got (with ``client``, see :func:`_runner`)."""
    fuzzed: dict[str, list[int]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        statuses = fuzzed[f"{operation.method.upper()} {operation.path}"] = []
        _runner(operation, headers, client, statuses)()
    return fuzzed


def test_the_atlas_api_never_answers_5xx_and_keeps_its_schemas(app: Any, api: Any) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).exclude(path=LOGIN_CHANGING)
    fuzzed = _fuzz(schema, api.headers("admin"), api.client)
    assert "POST /api/v1/sync/{layer}/push" in fuzzed and "PATCH /api/v1/admin/users/{user_id}" in fuzzed
    # lone surrogates are refused with 422 where the body is read, e.g. the login and a push
    assert 422 in fuzzed["POST /api/v1/auth/login"] and 422 in fuzzed["POST /api/v1/sync/{layer}/push"], fuzzed


def test_the_ogc_api_never_answers_5xx_and_keeps_its_schemas(app: Any) -> None:
    fuzzed = _fuzz(schemathesis.openapi.from_wsgi("/ogcapi/api", app))
    assert "GET /collections/institutions/items" in fuzzed and "GET /collections/{collectionId}/items" not in fuzzed
