"""The plugin reads the constraints the server serves with a layer and judges values as the server does.

The layer descriptions here are the server's own (``LayerSpec.describe`` through JSON, as
``GET /api/v1/layers`` serves them), so a constraint added to the server's layer spec is checked by
both sides or this test says which side misses it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from qgis_plugin.core import messages
from qgis_plugin.core.constraints import layer_constraints, violations
from qgis_plugin.core.validation import check_values
from qgis_plugin.core.workcopy import Change
from sync_server.domain.layers import INSTITUTIONS, LAYERS, Catalogue, clean_properties

CATALOGUE = Catalogue(
    categories={"kita": "Kinderbetreuung", "beratung": "Beratung"},
    subcategories={"krippe": ("kita", "Krippe"), "sucht": ("beratung", "Suchtberatung")},
    levels={"gemeinde": "Gemeinde", "ortsteil": "Ortsteil"},
)
GOOD = {"category": "kita", "subcategory": "krippe", "name": "Kita Sonnenschein", "email": "kita@melle.de",
        "website": "https://melle.de", "age_min": 1, "age_max": 6, "postcode": "49324"}

#: Property sets, each breaking (or keeping) constraints of the institutions layer.
CASES: list[dict[str, Any]] = [
    GOOD,
    {**GOOD, "email": "kita at melle.de", "website": "www.melle.de"},
    {**GOOD, "email": "  kita@melle.de  ", "website": "http://x"},  # blanks around are no problem
    {**GOOD, "age_min": 12, "age_max": 3},
    {**GOOD, "age_min": 130, "age_max": -1},
    {**GOOD, "age_min": 7, "age_max": None},
    {**GOOD, "subcategory": "sucht"},
    {**GOOD, "category": "zoo", "subcategory": "sucht"},
    {**GOOD, "name": "   ", "postcode": "49324-49328", "provider": "x" * 201},
    {**GOOD, "description": "y" * 5001, "email": ""},
    {**GOOD, "opening_hours": "Mo-Fr 08:00-16:00; Sa 10:00-12:00; PH off", "service_area": "03459, 034590024024"},
    {**GOOD, "opening_hours": "Mo-Fr 8-16 Uhr", "service_area": "Melle; Bramsche"},
]
#: What the plugin calls a broken format; the server names the format in its code.
SERVER_FORMAT_CODES = {"bad_email", "bad_url", "bad_opening_hours", "bad_municipality_keys"}


def served(name: str) -> dict[str, Any]:
    """The layer as a client receives it."""
    return json.loads(json.dumps(LAYERS[name].describe(CATALOGUE)))


def server_says(properties: dict[str, Any]) -> set[tuple[str, str]]:
    _cleaned, errors = clean_properties(INSTITUTIONS, properties, CATALOGUE)
    return {(e.field, "bad_format" if e.code in SERVER_FORMAT_CODES else e.code) for e in errors}


@pytest.mark.parametrize("case", range(len(CASES)))
def test_the_plugin_finds_what_the_server_refuses(case: int) -> None:
    schema = served("institutions")
    properties = CASES[case]
    plugin = {(c.field, c.code) for c in violations(schema, properties)}
    assert plugin == server_says(properties)
    assert bool(plugin) == (case not in (0, 2, 5, 10))


def test_every_served_constraint_of_every_layer_is_read() -> None:
    for name in LAYERS:
        schema = served(name)
        kinds = {(c.kind, c.field) for c in layer_constraints(schema)}
        for spec in schema["fields"]:
            if spec["name"] == "owner":
                continue
            if spec.get("max_length"):
                assert ("too_long", spec["name"]) in kinds
            if spec.get("minimum") is not None:
                assert ("out_of_range", spec["name"]) in kinds
            if spec.get("format"):
                assert ("bad_format", spec["name"]) in kinds
        assert {(r["kind"], r["field"]) for r in schema["rules"]} <= kinds


def change(**properties: Any) -> Change:
    return Change("insert", "u-1", None, {**GOOD, **properties}, {"type": "Point", "coordinates": [1, 2]})


def test_pre_sync_messages_name_field_value_and_limit() -> None:
    schema = served("institutions")
    problems = {(p.field, p.code): p.message for p in check_values("institutions", schema, change(
        email="kita at melle.de", website="www.melle.de", age_min=12, age_max=3, postcode="49324-49328"))}
    assert problems == {
        ("postcode", "too_long"): "„PLZ“ ist zu lang: 11 Zeichen, erlaubt sind höchstens 10.",
        ("email", "bad_format"): "„kita at melle.de“ ist keine gültige E-Mail-Adresse (Feld „E-Mail“).",
        ("website", "bad_format"): "„www.melle.de“ ist keine Webadresse: sie muss mit http:// oder https:// beginnen.",
        ("age_max", "age_range"): "„Alter von“ (12) ist größer als „Alter bis“ (3).",
    }
    messages.set_language("en")
    english = [p.message for p in check_values("institutions", schema, change(email="kita at melle.de", age_min=130))]
    assert english == ["'kita at melle.de' is not a valid e-mail address (field 'E-mail').",
                       "'Age from' must lie between 0 and 120, not 130."]


def test_opening_hours_and_service_area_messages_say_the_expected_form() -> None:
    schema = served("institutions")
    problems = {(p.field, p.code): p.message for p in check_values("institutions", schema, change(
        opening_hours="Mo-Do 9-12", service_area="Melle; Bramsche"))}
    assert set(problems) == {("opening_hours", "bad_format"), ("service_area", "bad_format")}
    assert "OpenStreetMap-Format" in problems[("opening_hours", "bad_format")]
    assert "Mo-Fr 08:00-16:00" in problems[("opening_hours", "bad_format")]
    assert "Gemeindeschlüsseln" in problems[("service_area", "bad_format")]
    messages.set_language("en")
    english = [p.message for p in check_values("institutions", schema, change(opening_hours="Mo-Do 9-12"))]
    assert len(english) == 1 and "OpenStreetMap syntax" in english[0]


def test_a_description_without_constraints_checks_only_what_it_has() -> None:
    """An older server serves no rules and formats: the plugin checks less and the server decides."""
    schema = {"name": "institutions", "fields": [{"name": "name", "type": "string", "required": True}]}
    assert violations(schema, {"name": "x", "email": "nope"}) == []
    assert [c.code for c in violations(schema, {"name": " "})] == ["required"]
