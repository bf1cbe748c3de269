"""The push checks a part of changes a column at a time (``clean_properties_many``): every row gets exactly
the cleaned properties and the problems, in the same order, that it gets checked alone, and the known
answers. Pure: no database."""

from __future__ import annotations

import math
from typing import Any

import pytest

from sync_server.domain.errors import FieldError
from sync_server.domain.layers import (
    INDICATOR_VALUES,
    INSTITUTIONS,
    LAYERS,
    Catalogue,
    clean_properties,
    clean_properties_many,
    columns_of,
)

CATALOGUE = Catalogue(categories={"beratung": "Beratung", "kita": "Kita"},
                      subcategories={"erziehungsberatung": ("beratung", "Erziehungsberatung"),
                                     "krippe": ("kita", "Krippe")},
                      levels={"gemeinde": "Gemeinde", "ortsteil": "Ortsteil"})

GOOD = {"category": "beratung", "subcategory": "erziehungsberatung", "name": " Beratung ", "age_min": 3,
        "age_max": 6.0, "email": "info@melle.de", "opening_hours": "Mo-Fr 08:00-12:00"}

# (properties, the problems as (field, code, params), in order)
INSTITUTION_ROWS: list[tuple[Any, list[tuple[str, str, dict]]]] = [
    (GOOD, []),
    ({"farbe": "blau", "category": "beratung", "age_min": "3", "zz": 1},  # unknown fields, missing, wrong type
     [("farbe", "unknown_field", {}), ("zz", "unknown_field", {}), ("name", "required", {}),
      ("age_min", "wrong_type", {"expected": "integer"})]),
    ({"category": "gibtsnicht", "subcategory": "krippe", "name": "B", "email": "keine", "website": "www.x",
      "age_min": 12, "age_max": 3, "opening_hours": "immer"},  # unknown choice, rules, formats
     [("category", "unknown_choice", {"value": "gibtsnicht"}),
      ("subcategory", "subcategory_mismatch", {"value": "krippe", "category": "gibtsnicht"}),
      ("age_max", "age_range", {}), ("email", "bad_email", {"value": "keine"}),
      ("website", "bad_url", {"value": "www.x"}), ("opening_hours", "bad_opening_hours", {"value": "immer"})]),
    ("keine Eigenschaften", [("properties", "wrong_type", {"expected": "object"})]),
    ({"category": "beratung", "name": "x" * 201, "age_min": True, "age_max": 130, "last_checked": "2024-13-01",
      "description": 5, "service_area": "03459019, ?"},
     [("name", "too_long", {"max": 200}), ("age_min", "wrong_type", {"expected": "integer"}),
      ("age_max", "out_of_range", {"min": 0, "max": 120}), ("description", "wrong_type", {"expected": "text"}),
      ("last_checked", "bad_date", {"value": "2024-13-01"}),
      ("service_area", "bad_municipality_keys", {"value": "03459019, ?"})]),
    ({**GOOD, "subcategory": "krippe", "email": "  "},  # a blank optional text is left out
     [("subcategory", "subcategory_mismatch", {"value": "krippe", "category": "beratung"})]),
    ({"category": None, "name": "   ", "age_min": 2.5, "age_max": float("nan")},
     [("category", "required", {}), ("name", "required", {}), ("age_min", "wrong_type", {"expected": "integer"}),
      ("age_max", "wrong_type", {"expected": "integer"})]),
    (GOOD, []),
]

VALUE_ROWS: list[tuple[Any, list[tuple[str, str, dict]]]] = [
    ({"indicator": "k", "unit": "u", "year": 2020, "value": 1.5, "provisional": True}, []),
    ({"indicator": "k", "unit": "u", "year": 2020.0, "value": 7, "note": ""}, []),
    ({"indicator": "k", "unit": "u", "value": "12", "numerator": float("inf"), "bogus": 1},
     [("bogus", "unknown_field", {}), ("year", "required", {}), ("value", "wrong_type", {"expected": "number"}),
      ("numerator", "wrong_type", {"expected": "number"})]),
    ({"indicator": "k", "unit": "u", "year": 1989, "value": 2e15, "estimated": "ja"},
     [("year", "out_of_range", {"min": 1990, "max": 9999}), ("value", "out_of_range", {"min": -1e15, "max": 1e15}),
      ("estimated", "wrong_type", {"expected": "boolean"})]),
    ([], [("properties", "wrong_type", {"expected": "object"})]),
]


def _as_answers(result: tuple[dict, list[FieldError]]) -> tuple[list[tuple[str, Any, str]], list[tuple]]:
    """Cleaned properties with their types (an int stays an int, NaN compared as text) and the problems."""
    cleaned, errors = result
    props = [(k, "nan" if isinstance(v, float) and math.isnan(v) else v, type(v).__name__) for k, v in cleaned.items()]
    return props, [(e.field, e.code, e.params) for e in errors]


@pytest.mark.parametrize(("layer", "rows"), [(INSTITUTIONS, INSTITUTION_ROWS), (INDICATOR_VALUES, VALUE_ROWS)])
def test_a_part_is_judged_row_by_row_as_each_row_alone_with_the_known_answers(layer: Any, rows: list) -> None:
    part = [props for props, _problems in rows]
    together = clean_properties_many(layer, part, CATALOGUE)
    for (props, problems), result in zip(rows, together, strict=True):
        assert _as_answers(result) == _as_answers(clean_properties(layer, props, CATALOGUE)), props
        assert _as_answers(result)[1] == problems, props
    cleaned = together[0][0]
    assert list(cleaned) == [f.name for f in layer.fields if f.name != "owner"]  # every field, in the layer's order
    if layer is INSTITUTIONS:
        assert (cleaned["name"], cleaned["age_max"], type(cleaned["age_max"]), cleaned["street"]) == (
            "Beratung", 6, int, None)
        assert together[5][0]["email"] is None
    else:
        assert (together[1][0]["year"], type(together[1][0]["year"]), together[1][0]["value"]) == (2020, int, 7)
        assert type(together[1][0]["value"]) is int and together[1][0]["note"] == ""


@pytest.mark.parametrize("layer", list(LAYERS.values()), ids=list(LAYERS))
def test_a_part_whose_rows_share_their_keys_is_judged_as_each_row_alone(layer: Any) -> None:
    """Rows with the same keys are read by one getter per row: the same answers as rows read field by field."""
    samples: list[Any] = [None, "", "  ", " x ", "x" * 6000, 0, 5, -1, 121, 2.5, 6.0, float("inf"), float("nan"), True,
                          "2024-01-02", "kita", "krippe", "beratung", "info@melle.de", "https://x", "Mo 08:00-12:00",
                          "03459019", 2020, 1e16, [], {}]
    names = [f.name for f in layer.fields] + ["farbe"]
    part = [{name: samples[(n * 7 + i * 3) % len(samples)] for i, name in enumerate(names)} for n in range(60)]
    together = clean_properties_many(layer, part, CATALOGUE)
    assert [_as_answers(r) for r in together] == [_as_answers(clean_properties(layer, p, CATALOGUE)) for p in part]
    assert all(("farbe", "unknown_field", {}) in _as_answers(result)[1] for result in together)


def test_columns_of_reads_missing_keys_as_none_whether_or_not_the_rows_share_their_keys() -> None:
    same = [{"a": 1, "b": 2}, {"b": 4, "a": 3}]
    assert columns_of(same, ["a", "c", "b"]) == [[1, 3], [None, None], [2, 4]]
    assert columns_of([{"a": 1}], ["a"]) == [[1]]
    mixed = [{"a": 1}, {"b": 2}, {"a": 3, "c": 4}]
    assert columns_of(mixed, ["a", "b", "c"]) == [[1, None, 3], [None, 2, None], [None, None, 4]]
    assert columns_of([{"a": 1}, {"c": 2}], ["a", "c"]) == [[1, None], [None, 2]]  # same length, other keys
    assert columns_of([], ["a"]) == [[]]
    assert columns_of([{}, {}], ["a"]) == [[None, None]]
