"""Reading the query arguments of the OGC API, with a 400 problem for anything it cannot honour.

Part 1 says a server must refuse parameters it does not know (instead of silently answering more than
was asked for), so every argument is checked against the parameters of the endpoint and the
collection's queryable properties, and every wrong value is named with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from shapely.geometry.base import BaseGeometry

from ..domain.errors import BadRequest, FieldError
from ..domain.validation import INT64_MAX
from .collections import Collection, Period
from .crs import OgcCrs, bbox_area, crs_from

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
FORMATS = ("json",)

ITEMS_PARAMETERS = ("limit", "offset", "bbox", "bbox-crs", "crs", "datetime", "f")
ITEM_PARAMETERS = ("crs", "f")

_INTEGER = re.compile(r"[+-]?\d{1,30}")  # int() would also take "1_000" and thousands of digits
_INSTANT = re.compile(r"(\d{4}-\d\d-\d\d)(T\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?)?", re.IGNORECASE)


@dataclass(frozen=True)
class ItemsQuery:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    area: BaseGeometry | None = None  # the bbox in the storage CRS
    crs: OgcCrs = field(default_factory=lambda: crs_from(None, "crs"))
    filters: dict[str, str] = field(default_factory=dict)
    period: Period | None = None


def single_values(args: Iterable[tuple[str, list[str]]], allowed: Iterable[str]) -> dict[str, str]:
    """One value per parameter; unknown or repeated parameters are refused, all of them at once."""
    allowed = set(allowed)
    values: dict[str, str] = {}
    unknown: list[str] = []
    errors: list[FieldError] = []
    for name, given in args:
        if name not in allowed:
            unknown.append(name)
        elif len(given) > 1:
            errors.append(FieldError(name, "repeated_parameter"))
        else:
            values[name] = given[0]
    if unknown:
        raise BadRequest("unknown_parameters", names=", ".join(unknown), allowed=", ".join(sorted(allowed)),
                         errors=[FieldError(n, "unknown_parameter") for n in unknown])
    if errors:
        raise BadRequest("invalid_query", errors=errors)
    check_format(values.get("f"))
    return values


def check_format(value: str | None) -> None:
    """Only JSON is served (GeoJSON for features); ``f=json`` says so and is accepted."""
    if value is not None and value != "" and value.lower() not in FORMATS:
        raise BadRequest("unsupported_format", format=value, formats=", ".join(FORMATS),
                         errors=[FieldError("f", "unsupported_format_value", {"value": value})])


def _integer(values: dict[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    raw = values.get(name, "").strip()
    if raw == "":
        return default
    if not _INTEGER.fullmatch(raw):
        raise BadRequest("invalid_query", errors=[FieldError(name, "wrong_type", {"expected": "integer"})])
    value = int(raw)
    if not minimum <= value <= maximum:
        raise BadRequest("invalid_query", errors=[FieldError(name, "out_of_range", {"min": minimum, "max": maximum})])
    return value


def _day(text: str, raw: str) -> str | None:
    """The date of one end of a ``datetime`` interval ('..' or empty: open)."""
    if text in ("", ".."):
        return None
    match = _INSTANT.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        day = match.group(1)
        # Python's calendar starts in year 1; QGIS asks for 0000-01-01T00:00:00Z as the open start.
        datetime.fromisoformat(("0001" + text[4:] if day.startswith("0000-") else text).upper())
    except ValueError:
        raise BadRequest("invalid_query", errors=[FieldError("datetime", "bad_datetime", {"value": raw})]) from None
    return day


def period(raw: str | None) -> Period | None:
    """A ``datetime`` instant or interval (RFC 3339, '..' for an open end) as a range of days.

    The atlas's temporal property is a date (last checked), so times of day count as their day: a
    feature checked on a day matches every instant or interval that touches that day.
    """
    if raw is None or raw.strip() == "":
        return None
    parts = raw.strip().split("/")
    if len(parts) > 2 or parts == ["", ""] or (len(parts) == 1 and parts[0] == ".."):
        raise BadRequest("invalid_query", errors=[FieldError("datetime", "bad_datetime", {"value": raw})])
    start = _day(parts[0], raw)
    end = _day(parts[-1], raw)
    if len(parts) == 2 and parts[0] in ("", "..") and parts[1] in ("", ".."):
        raise BadRequest("invalid_query", errors=[FieldError("datetime", "bad_datetime", {"value": raw})])
    if start is not None and end is not None and start > end:
        raise BadRequest("invalid_query", errors=[FieldError("datetime", "bad_period", {"value": raw})])
    return Period(start, end)


def items_query(args: Iterable[tuple[str, list[str]]], collection: Collection) -> ItemsQuery:
    """The query of ``/collections/{id}/items``: paging, bbox, output CRS and equality filters."""
    queryables = collection.queryables()
    values = single_values(args, (*ITEMS_PARAMETERS, *queryables))
    bbox_crs = crs_from(values.get("bbox-crs"), "bbox-crs")
    raw_bbox = values.get("bbox", "").strip()
    return ItemsQuery(
        limit=_integer(values, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
        offset=_integer(values, "offset", 0, 0, INT64_MAX),
        area=bbox_area(raw_bbox, bbox_crs) if raw_bbox else None,
        crs=crs_from(values.get("crs"), "crs"),
        filters={name: value for name, value in values.items() if name in queryables},
        period=period(values.get("datetime")),
    )


def item_crs(args: Iterable[tuple[str, list[str]]]) -> OgcCrs:
    """The output CRS of ``/collections/{id}/items/{featureId}``."""
    return crs_from(single_values(args, ITEM_PARAMETERS).get("crs"), "crs")
