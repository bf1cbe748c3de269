"""A push's request digest is fed to the hash a piece at a time; it must stay the digest of the whole JSON
text it always was, or a retry of a push kept before would be refused as a reused idempotency key."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from sync_server.domain.sync import _HASHED_AT_ONCE, _request_hash


def _whole(layer: str, body: Any) -> str:
    return hashlib.sha256(json.dumps([layer, body], sort_keys=True, default=str).encode()).hexdigest()


def _change(n: int) -> dict[str, Any]:
    return {"op": "update", "id": f"wert-{n}", "base_revision": n,
            "properties": {"value": n / 3, "note": "Überschrift \u2013 ü" if n % 7 == 0 else None,
                           "year": 2005 + n % 20, "flags": [True, False], "nested": {"b": 1, "a": [1.5, None]}}}


@pytest.mark.parametrize("body", [
    {},
    {"changes": []},
    {"idempotency_key": "k", "schema_version": 3, "changes": [_change(n) for n in range(3)]},
    {"z": 1, "changes": [_change(n) for n in range(2 * _HASHED_AT_ONCE + 17)], "a": {"crs": "EPSG:25832"}},
    {"changes": (_change(1), _change(2)), "when": date(2026, 12, 2), "amount": Decimal("1.50")},
    {"changes": [1, "x", None, [2, {"b": 2, "a": 1}]], "keys": {3: "not text", 1: True}, "weird": float("nan")},
    {2: "keys that are not text", 1: [_change(1)]},
    {"changes": "not a list", "ü": ["ä", {"ö": date(2020, 1, 1)}]},
    ["a body that is not an object", {"b": 1, "a": 2}],
    "text",
    None,
])
def test_digest_is_that_of_the_whole_json_text(body: Any) -> None:
    assert _request_hash("indicator_values", body) == _whole("indicator_values", body)
