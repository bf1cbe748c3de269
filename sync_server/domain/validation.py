"""Checking the shape of request bodies for the configuration APIs: one place, one set of messages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Integer, SmallInteger

from .errors import FieldError, Invalid

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # what both databases can store in an integer column
MAX_KEYWORDS = 30  # search words of an indicator or an offer category, per language
KEYWORD_LENGTH = 60

_PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "boolean": (bool,), "object": (dict,), "list": (list,),
    "number": (int, float),
}


def read_fields(body: Any, spec: dict[str, tuple[str, bool]], *, partial: bool = False,
                model: type | None = None) -> dict[str, Any]:
    """Return the known fields of ``body``; refuse unknown fields, wrong types and missing ones.

    ``spec`` maps field name to (type, required). ``partial`` is for PATCH: nothing is required.
    A ``None`` value is allowed for optional fields (it clears them). With ``model`` (a storage
    model), a string longer than its column or a number beyond its column's range is refused here:
    SQLite would store it, but PostgreSQL refuses it on insert, which must be a 4xx that names the
    field, not a failed transaction.
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
        elif kind == "integer" and not (bounds := integer_range(model, name))[0] <= value <= bounds[1]:
            errors.append(FieldError(name, "out_of_range", {"min": bounds[0], "max": bounds[1]}))
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
            prop["minimum"], prop["maximum"] = integer_range(model, name)
        if not required or partial:
            prop["nullable"] = True
        properties[name] = prop
    out: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    required_names = [name for name, (_kind, required) in spec.items() if required and not partial]
    if required_names:
        out["required"] = required_names
    return out


def keyword_errors(name: str, keywords: Any) -> list[FieldError]:
    """A list of search words (indicators, offer categories): at most :data:`MAX_KEYWORDS` strings of 1 to
    :data:`KEYWORD_LENGTH` characters; one rule, so the indicator and the offer catalogues agree."""
    if keywords is None or (isinstance(keywords, list) and len(keywords) <= MAX_KEYWORDS and all(
            isinstance(k, str) and 0 < len(k.strip()) <= KEYWORD_LENGTH for k in keywords)):
        return []
    return [FieldError(name, "bad_keywords", {"max": MAX_KEYWORDS, "length": KEYWORD_LENGTH})]


def _column(model: type | None, name: str) -> Any:
    """``model``'s column ``name`` (None without a model or such a column)."""
    return model.__table__.columns.get(name) if model is not None else None


def column_length(model: type | None, name: str) -> int | float:
    """The length of ``model``'s string column ``name``; unbounded when there is no such column."""
    column = _column(model, name)
    length = getattr(column.type, "length", None) if column is not None else None
    return length if length is not None else float("inf")


def integer_range(model: type | None, name: str) -> tuple[int, int]:
    """What ``model``'s integer column ``name`` can hold: 32 bits for a plain Integer on PostgreSQL
    (SQLite would take more, so the tighter bound holds on both), 64 bits otherwise."""
    column = _column(model, name)
    if column is not None and isinstance(column.type, Integer) and not isinstance(column.type, BigInteger):
        return (-(2**15), 2**15 - 1) if isinstance(column.type, SmallInteger) else (-(2**31), 2**31 - 1)
    return INT64_MIN, INT64_MAX


def fits_column(model: type, name: str, value: int) -> bool:
    """Whether ``value`` can be stored in (or looked up by) ``model``'s integer column ``name``;
    PostgreSQL refuses a lookup of an id beyond its column's range with an error, not a miss."""
    low, high = integer_range(model, name)
    return low <= value <= high


