"""The checks before a sync (qgis_plugin/core/validation.py): geometry in pure Python, field rules,
the ownership rule as the client sees it, and the whole check on a real working copy."""

from __future__ import annotations

import math
from typing import Any

import pytest

from qgis_plugin.core import messages, reference
from qgis_plugin.core.validation import (
    check_geometry,
    check_rights,
    check_values,
    distance_outside,
    distance_to_border,
    geometry_outside,
    held_back,
    point_in_polygon,
    validate,
)
from qgis_plugin.core.workcopy import Change, WorkingCopy

from .conftest import INSTITUTIONS, SPATIAL_UNITS, institution

OWN = "034590024024"
OTHER = "034590014014"

# A 1000 m square territory with a 200 m square hole, and a second part further east.
SQUARE = [[0.0, 0.0], [1000.0, 0.0], [1000.0, 1000.0], [0.0, 1000.0], [0.0, 0.0]]
HOLE = [[400.0, 400.0], [600.0, 400.0], [600.0, 600.0], [400.0, 600.0], [400.0, 400.0]]
EAST = [[2000.0, 0.0], [2500.0, 0.0], [2500.0, 500.0], [2000.0, 0.0]]
TERRITORY = {"type": "MultiPolygon", "coordinates": [[SQUARE, HOLE], [EAST]]}


def point(x: float, y: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [x, y]}


def change(op: str = "update", x: float = 500.0, y: float = 100.0, **properties: Any) -> Change:
    values = {"category": "kita", "name": "Kita Sonnenschein", "owner": OWN, **properties}
    if op == "delete":
        return Change("delete", "u-1", 7)
    return Change(op, "u-1", None if op == "insert" else 7, values, point(x, y), list(values))


# ---------------------------------------------------------------------- geometry


@pytest.mark.parametrize(("xy", "inside"), [
    ((10.0, 10.0), True),
    ((500.0, 500.0), False),  # in the hole
    ((399.0, 500.0), True),
    ((2100.0, 50.0), True),  # in the second part
    ((2100.0, 300.0), False),  # above the triangle's hypotenuse
    ((-5.0, 500.0), False),
    ((1500.0, 500.0), False),
])
def test_point_in_polygon(xy: tuple[float, float], inside: bool) -> None:
    assert point_in_polygon(xy, TERRITORY) is inside


def test_point_in_plain_polygon_and_nothing() -> None:
    assert point_in_polygon((1, 1), {"type": "Polygon", "coordinates": [SQUARE]})
    assert not point_in_polygon((1, 1), None)
    assert not point_in_polygon((1, 1), {"type": "Point", "coordinates": [1, 1]})


def test_distances() -> None:
    assert distance_to_border((-30.0, 500.0), TERRITORY) == pytest.approx(30.0)
    assert distance_to_border((500.0, 450.0), TERRITORY) == pytest.approx(50.0)  # to the hole's edge
    assert distance_outside((10.0, 10.0), TERRITORY) == 0.0
    assert distance_outside((-30.0, -40.0), TERRITORY) == pytest.approx(50.0)  # to the corner
    assert distance_outside((500.0, 520.0), TERRITORY) == pytest.approx(80.0)  # in the hole: outside
    assert math.isinf(distance_to_border((0, 0), None))


def test_geometry_outside_takes_the_farthest_vertex() -> None:
    line = {"type": "LineString", "coordinates": [[10, 10], [-20, 10], [900, 900]]}
    assert geometry_outside(line, TERRITORY) == pytest.approx(20.0)
    assert geometry_outside(None, TERRITORY) == 0.0


# ---------------------------------------------------------------------- field rules


def schema_with_choices() -> dict[str, Any]:
    fields = []
    for spec in INSTITUTIONS["fields"]:
        spec = dict(spec)
        if spec["name"] == "category":
            spec["choices"] = [{"value": "kita", "label": "Kita"}, {"value": "beratung", "label": "Beratung"}]
        if spec["name"] == "subcategory":
            spec["choices"] = [{"value": "krippe", "label": "Krippe", "parent": "kita"},
                               {"value": "sucht", "label": "Suchtberatung", "parent": "beratung"}]
        if spec["name"] == "name":
            spec["title"] = "Name"
        fields.append(spec)
    return {**INSTITUTIONS, "fields": fields}


def test_required_fields_and_choices() -> None:
    schema = schema_with_choices()
    assert check_values("institutions", schema, change()) == []
    problems = check_values("institutions", schema, change(name="  ", category="zoo"))
    assert [(p.field, p.code) for p in problems] == [("category", "unknown_choice"), ("name", "required")]
    assert problems[1].message == "Pflichtfeld „Name“ ist nicht ausgefüllt."
    assert "„zoo“ ist kein gültiger Wert für „Kategorie“" in problems[0].message
    mismatch = check_values("institutions", schema, change(subcategory="sucht"))
    assert [(p.field, p.code) for p in mismatch] == [("subcategory", "subcategory_mismatch")]
    assert check_values("institutions", schema, change(subcategory="krippe")) == []
    assert check_values("institutions", schema, change("delete")) == []


def test_messages_follow_the_language() -> None:
    messages.set_language("en")
    problem = check_values("institutions", schema_with_choices(), change(name=None))[0]
    assert problem.message == "Required field 'Name' is empty."


# ---------------------------------------------------------------------- ownership rule


def rights(c: Change, role: str | None = "editor", base_owner: str | None = OWN, territory: Any = TERRITORY,
           tolerance: float = 25.0) -> list[tuple[str | None, str]]:
    return [(p.field, p.code) for p in check_rights("institutions", c, role=role, own_key=OWN, base_owner=base_owner,
                                                     territory=territory, tolerance_m=tolerance)]


def test_editor_own_feature_inside_is_fine() -> None:
    assert rights(change()) == []
    assert rights(change("insert", owner=None), base_owner=None) == []
    assert rights(change("delete")) == []


def test_editor_may_not_touch_other_municipalities_features() -> None:
    assert rights(change(owner=OTHER), base_owner=OTHER) == [(None, "not_owner")]
    assert rights(change("delete"), base_owner=OTHER) == [(None, "not_owner")]
    assert rights(change(owner=OTHER)) == [("owner", "foreign_owner")]
    assert rights(change("insert", owner=OTHER), base_owner=None) == [("owner", "foreign_owner")]


def test_border_tolerance_like_the_server() -> None:
    assert rights(change(x=-20.0, y=500.0)) == []  # 20 m outside: border digitising
    assert rights(change(x=-30.0, y=500.0)) == [("geometry", "outside_territory")]
    assert rights(change(x=-30.0, y=500.0), tolerance=50.0) == []
    assert rights(change(x=5000.0, y=5000.0), territory=None) == []  # unknown territory: the server decides
    problem = check_rights("institutions", change(x=-130.0, y=500.0), role="editor", own_key=OWN, base_owner=OWN,
                           territory=TERRITORY, label=lambda key: f"Melle ({key})")[0]
    assert problem.message == ("Der Punkt liegt 130 m außerhalb des Gemeindegebiets von Melle (034590024024) "
                               "(erlaubt sind 25 m an der Grenze).")
    far = check_rights("institutions", change(x=-2450.0, y=500.0), role="editor", own_key=OWN, base_owner=OWN,
                       territory=TERRITORY, tolerance_m=12.5)[0]
    assert far.message.startswith("Der Punkt liegt 2,5 km außerhalb") and "erlaubt sind 12,5 m" in far.message
    messages.set_language("en")
    far = check_rights("institutions", change(x=-2450.0, y=500.0), role="editor", own_key=OWN, base_owner=OWN,
                       territory=TERRITORY)[0]
    assert far.message == ("The point lies 2.5 km outside the territory of 034590024024 "
                           "(25 m at the border are allowed).")


def test_admin_and_reader() -> None:
    assert rights(change(x=9e6, y=9e6, owner=OTHER), role="admin", base_owner=OTHER) == []
    assert rights(change(), role="reader") == [(None, "read_only_role")]


def test_held_back_groups_by_layer() -> None:
    problems = check_rights("institutions", change(owner=OTHER), role="editor", own_key=OWN, base_owner=OTHER,
                            territory=None)
    problems += check_values("institutions", schema_with_choices(), change(name=None))
    assert held_back(problems) == {"institutions": {"u-1"}}


# ---------------------------------------------------------------------- geometry form

BOWTIE = [[0.0, 0.0], [100.0, 100.0], [100.0, 0.0], [0.0, 100.0], [0.0, 0.0]]
SPIKE_BACK = [[0.0, 0.0], [100.0, 0.0], [100.0, 100.0], [100.0, 50.0], [100.0, 150.0], [0.0, 0.0]]


def unit_change(rings: list, **extra: Any) -> Change:
    values = {"level": "ortsteil", "key": "MEL-1", "name": "Gesmold", "owner": OWN}
    return Change("insert", "u-2", None, values, {"type": "MultiPolygon", "coordinates": [rings]}, list(values),
                  **extra)


@pytest.mark.parametrize(("geometry_change", "code"), [
    (lambda: unit_change([SQUARE, HOLE]), None),
    (lambda: unit_change([EAST]), None),  # a triangle
    (lambda: unit_change([BOWTIE]), "ring_crosses_itself"),
    (lambda: unit_change([SPIKE_BACK]), "ring_crosses_itself"),  # collinear overlap
    (lambda: unit_change([SQUARE[:-1]]), "ring_not_closed"),
    (lambda: unit_change([[SQUARE[0], SQUARE[1], SQUARE[0]]]), "ring_too_short"),
    (lambda: unit_change([[[0.0, 0.0], [math.nan, 1.0], [1.0, 1.0], [0.0, 0.0]]]), "geometry_not_finite"),
    (lambda: unit_change([]), "geometry_missing"),
    (lambda: Change("insert", "u-2", None, {"name": "x"}, None), "geometry_missing"),
    (lambda: Change("insert", "u-2", None, {"name": "x"}, point(1.0, 2.0)), "geometry_wrong_type"),
    (lambda: Change("update", "u-2", 3, {"name": "x"}, None, ["geometry"], "truncated WKB"),
     "geometry_unreadable"),
    (lambda: Change("delete", "u-2", 3), None),
])
def test_polygon_geometry_is_checked_before_sending(geometry_change: Any, code: str | None) -> None:
    problems = check_geometry("spatial_units", SPATIAL_UNITS, geometry_change())
    assert [p.code for p in problems] == ([code] if code else [])
    assert all(p.field == "geometry" and p.message for p in problems)


def test_point_geometry_checks_and_messages() -> None:
    assert check_geometry("institutions", INSTITUTIONS, change(x=1.0, y=2.0)) == []
    [problem] = check_geometry("institutions", INSTITUTIONS, change(x=math.inf, y=2.0))
    assert problem.code == "geometry_not_finite" and "Koordinaten" in problem.message
    [problem] = check_geometry("spatial_units", SPATIAL_UNITS, unit_change([BOWTIE]))
    assert "kreuzt sich selbst (bei 0, 0)" in problem.message
    messages.set_language("en")
    [problem] = check_geometry("spatial_units", SPATIAL_UNITS, unit_change([BOWTIE]))
    assert "crosses itself" in problem.message


# ---------------------------------------------------------------------- on a working copy


def test_validate_a_working_copy(workcopy: WorkingCopy) -> None:
    """Own edits inside pass; a foreign feature's edit, an empty required field and a point far
    outside are found, each with its feature and field."""
    reference.store_user(workcopy, {"username": "melle.editor", "role": "editor",
                                    "municipality": {"id": 19, "key": OWN, "name": "Melle"}})
    reference.store_municipalities(workcopy, [
        {"id": 19, "key": OWN, "name": "Melle", "kind": "Stadt", "parent_id": None,
         "territory": {"type": "MultiPolygon", "coordinates": [[[[434_000.0, 5_792_000.0], [435_000.0, 5_792_000.0],
                                                                 [435_000.0, 5_793_000.0], [434_000.0, 5_793_000.0],
                                                                 [434_000.0, 5_792_000.0]]]]}},
        {"id": 13, "key": OTHER, "name": "Bramsche", "kind": "Stadt", "parent_id": None, "territory": None},
    ])
    workcopy.apply_server_feature("institutions", institution(4, revision=14, owner=OTHER))
    assert validate(workcopy) == []
    moved, emptied, foreign = institution(1), institution(2), institution(4, owner=OTHER)
    rows = {f["id"]: workcopy.read_row("institutions", f["id"]) for f in (moved, emptied, foreign)}
    rows[moved["id"]].geometry = point(440_000.0, 5_792_500.0)
    rows[emptied["id"]].properties["name"] = ""
    rows[foreign["id"]].properties["name"] = "Übernommen"
    for state in rows.values():
        workcopy.write_row("institutions", state)
    found = {(p.uuid, p.field, p.code): p.message for p in validate(workcopy)}
    assert set(found) == {(moved["id"], "geometry", "outside_territory"), (emptied["id"], "name", "required"),
                          (foreign["id"], None, "not_owner")}
    assert found[(foreign["id"], None, "not_owner")] == (
        "Das Objekt gehört Bramsche: nur Bramsche oder die Kreisverwaltung darf es ändern oder löschen, nicht Melle.")
    assert "außerhalb des Gemeindegebiets von Melle (erlaubt" in found[(moved["id"], "geometry", "outside_territory")]


def test_an_unreadable_geometry_is_a_problem_not_a_crash(workcopy: WorkingCopy) -> None:
    """Another program wrote garbage into a geometry: the check lists it, the other edits still go."""
    import sqlite3

    target = institution(2)["id"]
    con = sqlite3.connect(workcopy.path)
    con.execute("UPDATE institutions SET geom = ? WHERE uuid = ?", (b"GP\x00\x01garbage", target))
    con.commit()
    con.close()
    found = [(p.uuid, p.code) for p in validate(workcopy)]
    assert found == [(target, "geometry_unreadable")]
