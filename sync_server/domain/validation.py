"""Checking the shape of request bodies for the configuration APIs: one place, one set of messages."""

from __future__ import annotations

from typing import Any

from .errors import FieldError, Invalid

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # what both databases can store in an integer column

_PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "boolean": (bool,), "object": (dict,), "list": (list,),
    "number": (int, float),
}


def read_fields(body: Any, spec: dict[str, tuple[str, bool]], *, partial: bool = False) -> dict[str, Any]:
    """Return the known fields of ``body``; refuse unknown fields, wrong types and missing ones.

    ``spec`` maps field name to (type, required). ``partial`` is for PATCH: nothing is required.
    A ``None`` value is allowed for optional fields (it clears them).
    """
    if not isinstance(body, dict):
        raise Invalid("invalid_body", errors=[FieldError("body", "wrong_type", {"expected": "object"})])
    errors = [FieldError(name, "unknown_field") for name in body if name not in spec]
    out: dict[str, Any] = {}
    for name, (kind, required) in spec.items():
        if name not in body:
            if required and not partial:
                errors.append(FieldError(name, "required"))
            continue
        value = body[name]
        if value is None:
            if required:
                errors.append(FieldError(name, "required"))
            else:
                out[name] = None
            continue
        ok = isinstance(value, _PY_TYPES[kind]) and not (kind in ("integer", "number") and isinstance(value, bool))
        if not ok:
            errors.append(FieldError(name, "wrong_type", {"expected": kind}))
        elif kind == "integer" and not fits_int64(value):
            errors.append(FieldError(name, "out_of_range", {"min": INT64_MIN, "max": INT64_MAX}))
        elif kind == "string" and required and not value.strip():
            errors.append(FieldError(name, "required"))
        else:
            out[name] = value
    if errors:
        raise Invalid("invalid_body", errors=errors)
    return out


def fits_int64(value: int) -> bool:
    """Ids and numbers beyond 64 bits cannot be stored or looked up (SQLite raises, PostgreSQL refuses)."""
    return INT64_MIN <= value <= INT64_MAX
