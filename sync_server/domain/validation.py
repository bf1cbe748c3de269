"""Checking the shape of request bodies for the configuration APIs: one place, one set of messages."""

from __future__ import annotations

from typing import Any

from .errors import FieldError, Invalid

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # what both databases can store in an integer column

_PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "boolean": (bool,), "object": (dict,), "list": (list,),
    "number": (int, float),
}


def read_fields(body: Any, spec: dict[str, tuple[str, bool]], *, partial: bool = False,
                model: type | None = None) -> dict[str, Any]:
    """Return the known fields of ``body``; refuse unknown fields, wrong types and missing ones.

    ``spec`` maps field name to (type, required). ``partial`` is for PATCH: nothing is required.
    A ``None`` value is allowed for optional fields (it clears them). With ``model`` (a storage
    model), a string longer than its column is refused here: SQLite would store it, but PostgreSQL
    refuses it on insert, which must be a 400 that names the field, not a failed transaction.
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
        elif kind == "string" and len(value) > (limit := column_length(model, name)):
            errors.append(FieldError(name, "too_long", {"max": limit}))
        else:
            out[name] = value
    if errors:
        raise Invalid("invalid_body", errors=errors)
    return out


_JSON_TYPES = {"string": "string", "integer": "integer", "boolean": "boolean", "object": "object",
               "list": "array", "number": "number"}


def json_schema(spec: dict[str, tuple[str, bool]], *, partial: bool = False,
                model: type | None = None) -> dict[str, Any]:
    """The JSON Schema (OpenAPI 3.0 dialect) of what :func:`read_fields` accepts for ``spec``, so the
    API document states exactly the rules the server applies."""
    properties: dict[str, Any] = {}
    for name, (kind, required) in spec.items():
        prop: dict[str, Any] = {"type": _JSON_TYPES[kind]}
        if kind == "list":
            prop["items"] = {}
        if kind == "string" and (limit := column_length(model, name)) != float("inf"):
            prop["maxLength"] = limit
        if kind == "integer":
            prop.update(minimum=INT64_MIN, maximum=INT64_MAX)
        if not required or partial:
            prop["nullable"] = True
        properties[name] = prop
    out: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    required_names = [name for name, (_kind, required) in spec.items() if required and not partial]
    if required_names:
        out["required"] = required_names
    return out


def column_length(model: type | None, name: str) -> int | float:
    """The length of ``model``'s string column ``name``; unbounded when there is no such column."""
    column = model.__table__.columns.get(name) if model is not None else None
    length = getattr(column.type, "length", None) if column is not None else None
    return length if length is not None else float("inf")


def fits_int64(value: int) -> bool:
    """Ids and numbers beyond 64 bits cannot be stored or looked up (SQLite raises, PostgreSQL refuses)."""
    return INT64_MIN <= value <= INT64_MAX
