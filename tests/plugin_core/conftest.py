"""Fixtures for the plugin core's tests: layer schemas as the server describes them, working copies."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qgis_plugin.core.workcopy import WorkingCopy

INSTITUTION_FIELDS = [
    {"name": "owner", "type": "string", "required": False, "title": "Eigentümer"},
    {"name": "category", "type": "string", "required": True, "title": "Kategorie",
     "choices": ["kita", "beratung", "schule", "familienzentrum", "gesundheit"]},
    {"name": "subcategory", "type": "string", "required": False},
    {"name": "name", "type": "string", "required": True},
    {"name": "provider", "type": "string", "required": False},
    {"name": "street", "type": "string", "required": False},
    {"name": "postcode", "type": "string", "required": False},
    {"name": "city", "type": "string", "required": False},
    {"name": "phone", "type": "string", "required": False},
    {"name": "email", "type": "string", "required": False},
    {"name": "website", "type": "string", "required": False},
    {"name": "opening_hours", "type": "string", "required": False},
    {"name": "target_groups", "type": "string", "required": False},
    {"name": "age_min", "type": "integer", "required": False},
    {"name": "age_max", "type": "integer", "required": False},
    {"name": "languages", "type": "string", "required": False},
    {"name": "accessibility", "type": "string", "required": False},
    {"name": "description", "type": "text", "required": False},
    {"name": "last_checked", "type": "date", "required": False},
]

INSTITUTIONS = {"name": "institutions", "title": "Einrichtungen und Angebote", "geometry_type": "Point",
                "crs": "EPSG:25832", "schema_version": 1, "fields": INSTITUTION_FIELDS,
                "rules": [{"kind": "parent_choice", "fields": ["subcategory", "category"], "field": "subcategory",
                           "code": "subcategory_mismatch"}]}

SPATIAL_UNITS = {"name": "spatial_units", "title": "Raumeinheiten", "geometry_type": "MultiPolygon",
                 "crs": "EPSG:25832", "schema_version": 1, "fields": [
                     {"name": "owner", "type": "string", "required": False},
                     {"name": "level", "type": "string", "required": True},
                     {"name": "key", "type": "string", "required": True},
                     {"name": "name", "type": "string", "required": True},
                     {"name": "parent_key", "type": "string", "required": False},
                 ]}

#: A layer with every field type, for the normalisation tests.
TYPED = {"name": "typed", "title": "Typed", "geometry_type": "Point", "crs": "EPSG:25832", "schema_version": 3,
         "fields": [
             {"name": "owner", "type": "string"},
             {"name": "label", "type": "string"},
             {"name": "note", "type": "text"},
             {"name": "count", "type": "integer"},
             {"name": "share", "type": "number"},
             {"name": "active", "type": "boolean"},
             {"name": "checked", "type": "date"},
         ]}


def institution(number: int = 1, *, revision: int = 10, x: float = 434_512.25, y: float = 5_792_301.75,
                deleted: bool = False, state: str = "published", **properties: Any) -> dict[str, Any]:
    """A feature of the institutions layer in the server's pull format."""
    values: dict[str, Any] = {"category": "kita", "name": f"Kita Nr. {number}", "street": "Hauptstraße 1",
                              "postcode": "49074", "city": "Osnabrück", "age_min": 1, "age_max": 6,
                              "last_checked": "2024-03-01", "description": "Ganztags\nmit Mittagessen"}
    values.update(properties)
    return {"id": str(uuid.UUID(int=number)), "revision": revision, "owner": "034590024024", "deleted": deleted,
            "properties": values, "geometry": {"type": "Point", "coordinates": [x, y]},
            "review": {"state": state, "reason": None, "published_revision": revision}}


def spatial_unit(number: int = 1, *, revision: int = 20) -> dict[str, Any]:
    ring = [[430_000.0, 5_790_000.0], [431_000.0, 5_790_000.0], [431_000.0, 5_791_000.5],
            [430_000.0, 5_790_000.0]]
    hole = [[430_600.0, 5_790_100.0], [430_800.0, 5_790_100.0], [430_800.0, 5_790_300.0],
            [430_600.0, 5_790_100.0]]
    return {"id": str(uuid.UUID(int=1000 + number)), "revision": revision, "owner": "034590024024",
            "deleted": False,
            "properties": {"level": "ortsteil", "key": f"OT{number}", "name": f"Ortsteil {number}",
                           "parent_key": "034590024024"},
            "geometry": {"type": "MultiPolygon", "coordinates": [[ring, hole], [[[432_000.0, 5_790_000.0],
                                                                              [432_500.0, 5_790_000.0],
                                                                              [432_500.0, 5_790_500.0],
                                                                              [432_000.0, 5_790_000.0]]]]},
            "review": {"state": "pending", "reason": None, "published_revision": None}}


@pytest.fixture
def gpkg_path(tmp_path: Path) -> Path:
    return tmp_path / "familienatlas.gpkg"


@pytest.fixture
def workcopy(gpkg_path: Path) -> Iterator[WorkingCopy]:
    """A working copy with both layers checked out (three institutions, one spatial unit)."""
    wc = WorkingCopy(gpkg_path)
    wc.server_url = "https://atlas.example"
    wc.username = "editor.osnabrueck"
    wc.create_layer(INSTITUTIONS)
    wc.create_layer(SPATIAL_UNITS)
    for number in (1, 2, 3):
        wc.apply_server_feature("institutions", institution(number, revision=10 + number))
    wc.apply_server_feature("spatial_units", spatial_unit(1))
    wc.set_cursor("institutions", 13)
    wc.set_cursor("spatial_units", 20)
    wc.update_extent("institutions")
    wc.update_extent("spatial_units")
    yield wc
    wc.close()
