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
from collections.abc import Sequence
from datetime import date
from typing import Any

from ..errors import FieldError
from ..layers import columns_of
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
    re-upload updates instead of duplicating (:func:`value_ids` of one)."""
    return value_ids([(indicator, unit, year)])[0]


_VARIANT_OF = {digit: _VARIANT[int(digit, 16)] for digit in "0123456789abcdef"}


def value_ids(keys: Sequence[tuple[str, str, int]]) -> list[str]:
    """:func:`value_id` of every (indicator, unit, year) in ``keys``, in one pass.

    Each is ``str(uuid.uuid5(VALUES_NAMESPACE, "<indicator>/<unit>/<year>"))`` (RFC 4122 version 5),
    written from the SHA-1 digest without building UUID objects: a push or an upload of 100,000
    values computes it for each of them, and the objects cost three times the hash."""
    sha1, namespace, variant = hashlib.sha1, _NAMESPACE_BYTES, _VARIANT_OF
    digests = [sha1(namespace + f"{indicator}/{unit}/{year}".encode(), usedforsecurity=False).hexdigest()
               for indicator, unit, year in keys]
    return [f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{variant[h[16]]}{h[17:20]}-{h[20:32]}" for h in digests]


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
    two to the same answers. It reads only the indicator's kind and unit (the push asks it once per both)."""
    import numpy as np

    if ind.kind == "count":
        return (value >= 0) & (value == np.floor(value))
    if ind.kind == "share":
        return (value >= 0) & (value <= SCALES.get(ind.unit, 1.0))
    return np.ones(len(value), dtype=bool)


def check(ctx: Any, fid: str, props: dict[str, Any], raw: dict[str, Any],
          units: Any = None) -> tuple[int | None, list[FieldError]]:
    """Check a value's cleaned properties against the catalogue and the units: :func:`check_many` of
    one value."""
    return check_many(ctx, [fid], [props], [raw], units)[0]


def check_many(ctx: Any, fids: Sequence[str], rows: Sequence[dict[str, Any]], raws: Sequence[dict[str, Any]],
               units: Any = None) -> list[tuple[int | None, list[FieldError]]]:
    """Check values' cleaned properties (``rows``, with their ids ``fids`` and the properties as given,
    ``raws``) against the catalogue and the units; fills in ``level`` (from the unit) and the flags
    (False when left out). Returns per value its owner (the unit's owner, None when the unit is
    unknown) and every problem found, in this order: indicator, unit, level, owner, the unit's level
    for the indicator, year, id, then the value rules (:func:`check_numbers`).

    Worked for many values at once, as a push checks them: what the indicator, the unit, the given
    level and owner decide is judged once per distinct combination, the year once per distinct year,
    the ids computed in one pass, and values given without numerator and denominator checked a column
    per indicator (:func:`accepted_alone`; :func:`check_numbers` words the problems of the others).

    ``ctx`` is the request's :class:`..context.AtlasContext` (typed loosely: context imports this
    package's catalogue); ``units`` the units the writer may know (``ctx.units_for``), else all."""
    units = ctx.units if units is None else units
    indicators = ctx.indicators.indicators
    (indicator_column, unit_column, level_column, year_column, value_column, numerator_column, denominator_column,
     *flag_columns) = columns_of(rows, ("indicator", "unit", "level", "year", "value", "numerator", "denominator",
                                        *FLAGS))
    keys = list(zip(indicator_column, unit_column, level_column, columns_of(raws, ("owner",))[0], strict=True))
    if all(key[3] is None or key[3].__class__ is str for key in keys):  # else an owner given as a number
        facts = {key: _unit_facts(ctx, indicators, units, *key) for key in set(keys)}  # or a list: row by row
        found = [facts[key] for key in keys]
    else:
        found = [_unit_facts(ctx, indicators, units, *key) for key in keys]
    results = [(None if unit is None else unit.owner_id,
                [FieldError(e.field, e.code, dict(e.params)) for e in problems] if problems else [])
               for _ind, unit, problems in found]
    for props, (_ind, unit, _problems) in zip(rows, found, strict=True):
        if unit is not None:
            props["level"] = unit.level
    bad_years = {year: error for year in set(year_column) if (error := check_year(year)) is not None}
    if bad_years:
        for (_owner, errors), year in zip(results, year_column, strict=True):
            if year in bad_years:
                errors.append(FieldError(bad_years[year].field, bad_years[year].code, dict(bad_years[year].params)))
    to_identify = [n for n, (indicator, unit_key, year) in enumerate(zip(indicator_column, unit_column, year_column,
                                                                        strict=True))
                   if indicator is not None and unit_key is not None and isinstance(year, int)]
    expected = value_ids([(indicator_column[n], unit_column[n], year_column[n]) for n in to_identify])
    for n, fid in zip(to_identify, expected, strict=True):
        if fids[n] != fid:
            results[n][1].append(FieldError("id", "value_id_mismatch", {"expected": fid}))
    for flag, column in zip(FLAGS, flag_columns, strict=True):  # False when left out
        for props, given in zip(rows, column, strict=True):
            if given.__class__ is not bool:
                props[flag] = bool(given)
    _check_values(indicators, (indicator_column, value_column, numerator_column, denominator_column), results)
    return results


def _unit_facts(ctx: Any, indicators: dict[str, IndicatorDef], units: Any, indicator: Any, unit_key: Any,
                given_level: Any, given_owner: Any) -> tuple[IndicatorDef | None, Any, list[FieldError]]:
    """What a value's indicator, unit, given level and given owner decide: the indicator, the unit (None
    when unknown) and the problems, in :func:`check_many`'s order."""
    errors: list[FieldError] = []
    ind = indicators.get(indicator) if indicator is not None else None
    if indicator is not None and ind is None:
        errors.append(FieldError("indicator", "unknown_indicator", {"value": indicator}))
    unit = units.get(unit_key)
    if unit_key is not None and unit is None:
        errors.append(FieldError("unit", "unknown_unit", {"value": unit_key}))
    if unit is not None:
        if given_level not in (None, unit.level):
            errors.append(FieldError("level", "level_mismatch",
                                     {"value": given_level, "expected": unit.level, "unit": unit.key}))
        if given_owner not in (None, "") and given_owner != ctx.key_of(unit.owner_id):
            errors.append(FieldError("owner", "value_owner",
                                     {"value": given_owner, "expected": ctx.key_of(unit.owner_id)}))
        if ind is not None and unit.level not in ind.levels:
            errors.append(FieldError("unit", "level_not_collected", {"indicator": ind.key, "level": unit.level}))
    return ind, unit, errors


def _check_values(indicators: dict[str, IndicatorDef], columns: tuple[list[Any], list[Any], list[Any], list[Any]],
                  results: list[tuple[int | None, list[FieldError]]]) -> None:
    """The value rules (:func:`check_numbers`) of every row with a known indicator, appended to its
    problems: a value given alone (no numerator, no denominator) a column per indicator through
    :func:`accepted_alone` (which reads only an indicator's kind and unit: one column per kind and unit),
    :func:`check_numbers` (with the row's own indicator) for the others and for what the column refuses.
    ``columns``: indicator, value, numerator and denominator, a value per row."""
    import numpy as np

    alone: dict[tuple[str, str], list[int]] = {}  # by what accepted_alone reads of an indicator: kind and unit
    first_of: dict[tuple[str, str], IndicatorDef] = {}
    for n, (indicator, value, numerator, denominator) in enumerate(zip(*columns, strict=True)):
        ind = indicators.get(indicator) if indicator is not None else None
        if ind is None:
            continue
        if numerator is None and denominator is None:
            if value is None:
                continue  # check_numbers finds nothing to judge
            if value.__class__ is float or value.__class__ is int:
                alike = (ind.kind, ind.unit)
                if alike not in alone:
                    alone[alike], first_of[alike] = [], ind
                alone[alike].append(n)
                continue
        results[n][1].extend(check_numbers(ind, value, numerator, denominator))
    indicator_column, value_column = columns[0], columns[1]
    for alike, places in alone.items():
        column = np.fromiter((value_column[n] for n in places), dtype=float, count=len(places))
        for n, ok in zip(places, accepted_alone(first_of[alike], column).tolist(), strict=True):
            if not ok:
                results[n][1].extend(check_numbers(indicators[indicator_column[n]], value_column[n]))
