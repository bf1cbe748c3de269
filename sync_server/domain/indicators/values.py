"""The ``indicator_values`` layer: one value per indicator, spatial unit and year.

Values are content like institutions (the generic Feature/Revision store), so push, pull, review,
publish, history, restore, sharing and the audit log are the same code. What is particular to
values lives here: the value id, the checks of a value against the catalogue and the units, and the
owner (the unit's owner). The ownership *rule* stays in :func:`..rights.write_refusal`; this module
only supplies the facts it decides on (the unit's level and whether the county maintains the
indicator, see :meth:`..context.AtlasContext.owned_state`).
"""

from __future__ import annotations

import hashlib
import math
import uuid
from datetime import date
from typing import Any

from ..errors import FieldError
from .catalogue import RATIO_KINDS, VALUES_LAYER, IndicatorDef
from .confidentiality import SCALES

VALUES_NAMESPACE = uuid.UUID("6c0f4a53-3a55-4f43-9a43-2f1d1c6e0b7a")
FIRST_YEAR = 1990
FLAGS = ("provisional", "estimated", "series_break")
LAYER = VALUES_LAYER


_NAMESPACE_BYTES = VALUES_NAMESPACE.bytes
_VARIANT = "89ab" * 4  # the high hex digit of byte 8 with the RFC 4122 variant bits (10xx) set


def value_id(indicator: str, unit: str, year: int) -> str:
    """The feature id of a value: the same indicator, unit and year always give the same id, so a
    re-upload updates instead of duplicating.

    It is ``str(uuid.uuid5(VALUES_NAMESPACE, "<indicator>/<unit>/<year>"))`` (RFC 4122 version 5),
    written from the SHA-1 digest without building UUID objects: a push or an upload of 100,000
    values computes it for each of them, and the objects cost three times the hash."""
    h = hashlib.sha1(_NAMESPACE_BYTES + f"{indicator}/{unit}/{year}".encode(), usedforsecurity=False).hexdigest()
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[int(h[16], 16)]}{h[17:20]}-{h[20:32]}"


def last_year() -> int:
    """Values up to next year (school years, plans); later years are typing errors."""
    return date.today().year + 1


_YEAR_AT_START = date.today().year  # never above last_year(): years only grow while the server runs


def check_year(year: Any) -> FieldError | None:
    if year.__class__ is int and FIRST_YEAR <= year <= _YEAR_AT_START:
        return None  # the common case, without asking the clock (twice for each of 100,000 uploaded values)
    if isinstance(year, int) and not isinstance(year, bool) and not FIRST_YEAR <= year <= last_year():
        return FieldError("year", "bad_year", {"value": year, "min": FIRST_YEAR, "max": last_year()})
    return None


def number(value: Any) -> float | None:
    """A stored number (int or float, finite, not a boolean) as a float; None for anything else."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def check_numbers(ind: IndicatorDef, value: Any, numerator: Any = None, denominator: Any = None) -> list[FieldError]:
    """The plausibility rules of a value for its indicator (pure; the upload's dry run uses them too):
    a count is a whole number from 0, a share lies between 0 and 100 % (of its unit's scale),
    numerator and denominator are not negative, a share's numerator is not above its denominator, and
    value, numerator and denominator agree within the indicator's rounding."""
    errors: list[FieldError] = []
    scale = SCALES.get(ind.unit, 1.0)
    # each as a float once (None when not a finite number); the messages show the numbers as given
    v, n, d = number(value), number(numerator), number(denominator)
    if v is not None:
        if ind.kind == "count" and v < 0:
            errors.append(FieldError("value", "negative", {"value": value}))
        elif ind.kind == "count" and not v.is_integer():
            errors.append(FieldError("value", "not_a_count", {"value": value}))
        elif ind.kind == "share" and v < 0:
            errors.append(FieldError("value", "negative", {"value": value}))
        elif ind.kind == "share" and v > scale:
            errors.append(FieldError("value", "share_above_100", {"value": value, "max": scale}))
    for name, part, as_number in (("numerator", numerator, n), ("denominator", denominator, d)):
        if as_number is not None and as_number < 0:
            errors.append(FieldError(name, "negative", {"value": part}))
    if n is None or d is None or errors:
        return errors
    if d == 0:
        return [FieldError("denominator", "zero_denominator")]
    if ind.kind == "share" and n > d:
        errors.append(FieldError("numerator", "numerator_above_denominator",
                                 {"numerator": numerator, "denominator": denominator}))
    elif ind.kind in RATIO_KINDS and v is not None:
        expected = n / d * scale
        tolerance = 0.5 * 10 ** -ind.decimals + 1e-9 * abs(expected)
        if abs(v - expected) > tolerance:
            errors.append(FieldError("value", "value_inconsistent",
                                     {"value": value, "expected": round(expected, ind.decimals)}))
    return errors


def accepted_alone(ind: IndicatorDef, value: Any) -> Any:
    """Of a column of values given without numerator and denominator (a float array, finite), which ones
    :func:`check_numbers` accepts: exactly its rules for such a value (a count is a whole number from 0,
    a share lies between 0 and its unit's scale; other kinds take any number), a column at a time. The
    upload asks :func:`check_numbers` only for the others, which words their problem; a test holds the
    two to the same answers."""
    import numpy as np

    if ind.kind == "count":
        return (value >= 0) & (value == np.floor(value))
    if ind.kind == "share":
        return (value >= 0) & (value <= SCALES.get(ind.unit, 1.0))
    return np.ones(len(value), dtype=bool)


def check(ctx: Any, fid: str, props: dict[str, Any], raw: dict[str, Any],
          units: Any = None) -> tuple[int | None, list[FieldError]]:
    """Check a value's cleaned properties against the catalogue and the units; fills in ``level``
    (from the unit) and the flags (False when left out). Returns the owner (the unit's owner, None
    when the unit is unknown) and every problem found.

    ``ctx`` is the request's :class:`..context.AtlasContext` (typed loosely: context imports this
    package's catalogue); ``units`` the units the writer may know (``ctx.units_for``), else all."""
    errors: list[FieldError] = []
    indicator, unit_key, year = props.get("indicator"), props.get("unit"), props.get("year")
    ind = ctx.indicators.indicators.get(indicator) if indicator is not None else None
    if indicator is not None and ind is None:
        errors.append(FieldError("indicator", "unknown_indicator", {"value": indicator}))
    unit = (ctx.units if units is None else units).get(unit_key)
    if unit_key is not None and unit is None:
        errors.append(FieldError("unit", "unknown_unit", {"value": unit_key}))
    owner_id = None
    if unit is not None:
        if props.get("level") not in (None, unit.level):
            errors.append(FieldError("level", "level_mismatch",
                                     {"value": props["level"], "expected": unit.level, "unit": unit.key}))
        props["level"] = unit.level
        owner_id = unit.owner_id
        given = raw.get("owner")
        if given not in (None, "") and given != ctx.key_of(owner_id):
            errors.append(FieldError("owner", "value_owner", {"value": given, "expected": ctx.key_of(owner_id)}))
        if ind is not None and unit.level not in ind.levels:
            errors.append(FieldError("unit", "level_not_collected", {"indicator": ind.key, "level": unit.level}))
    year_error = check_year(year)
    if year_error is not None:
        errors.append(year_error)
    if indicator is not None and unit_key is not None and isinstance(year, int):
        expected = value_id(indicator, unit_key, year)
        if fid != expected:
            errors.append(FieldError("id", "value_id_mismatch", {"expected": expected}))
    for flag in FLAGS:
        props[flag] = bool(props.get(flag))
    if ind is not None:
        errors.extend(check_numbers(ind, props.get("value"), props.get("numerator"), props.get("denominator")))
    return owner_id, errors
