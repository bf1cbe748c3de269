"""The value rules asked a column at a time (the upload's dry run) answer as the rule asked value by value.
Pure: no database."""

from __future__ import annotations

import numpy as np
import pytest

from sync_server.domain.indicators import values
from sync_server.domain.indicators.catalogue import KINDS, IndicatorDef
from sync_server.domain.layers import INDICATOR_VALUES, Catalogue, clean_properties

NUMBERS = [-1e9, -100.5, -1.0, -0.5, -0.0, 0.0, 0.25, 0.5, 1.0, 2.5, 7.0, 99.9, 100.0, 100.000001, 100.5, 999.0,
           1000.0, 1000.1, 1e6 + 0.5, 1e9, 2.0**53, 1e300]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("unit", ["count", "percent", "per_1000", "euro"])
def test_accepted_alone_is_check_numbers_for_values_without_numerator_and_denominator(kind: str, unit: str) -> None:
    ind = IndicatorDef(key="k", theme="t", unit=unit, kind=kind, decimals=1, levels=("gemeinde",),
                       aggregation="sum", min_count=0, min_denominator=0.0, maintained_by="county")
    column = np.array(NUMBERS, dtype=float)
    assert values.accepted_alone(ind, column).tolist() == [not values.check_numbers(ind, v) for v in NUMBERS]


@pytest.mark.parametrize("value", [0, 7, -3, 2.5, -0.0, 1e300, float("inf"), float("nan"), True, "7", None, 10**20])
@pytest.mark.parametrize("name", ["year", "value", "provisional"])
def test_the_fast_checks_of_numbers_and_flags_answer_as_the_general_one(value: object, name: str) -> None:
    """A push's common cells (an int year, a finite float value, a bool flag) skip the general check; every
    other cell still gets its answer from it."""
    from sync_server.domain.layers import _check_value

    props = {"indicator": "k", "unit": "u", "year": 2020, "value": 1.0, name: value}
    cleaned, errors = clean_properties(INDICATOR_VALUES, props, Catalogue(levels={"gemeinde": "Gemeinde"}))
    spec = INDICATOR_VALUES._by_name[name]
    expected_value, expected_error = _check_value(spec, value)
    got = [e for e in errors if e.field == name]
    assert (cleaned[name], got) == (expected_value, [expected_error] if expected_error else []) or (
        value is None and not spec.required and cleaned[name] is None and not got)
