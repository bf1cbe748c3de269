"""The expert mode's public units (``/api/v1/units?level=...``) and the last update of an indicator's
values, on both databases.

The units' geometry is simplified for the web as a coverage: each must stay valid, close to the stored
territory, and neighbours must keep their shared boundary (no gap, no overlap). Measured in EPSG:25832
against the stored territories.
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import combinations
from typing import Any

import pytest
import shapely
from pyproj import Transformer
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon, shape

from sync_server.domain.indicators.webgeometry import TOLERANCE_M, simplify_coverage
from tests.support import BRAMSCHE, COUNTY, MELLE, Api

from .test_indicator_public import setup_values

TO_METRES = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
MUNICIPAL_LEVELS = ("landkreis", "gemeinde", "mitgliedsgemeinde")


def metres(geometry: dict[str, Any]) -> shapely.Geometry:
    return shapely.transform(shape(geometry), TO_METRES.transform, interleaved=False)


def stored_territories(api: Api) -> dict[str, tuple[shapely.Geometry, str | None]]:
    """Municipality key -> (its stored territory in EPSG:25832, its parent's key)."""
    rows = api.get("/api/v1/municipalities").get_json()
    key_of = {m["id"]: m["key"] for m in rows}
    return {m["key"]: (shape(m["territory"]), key_of.get(m["parent_id"])) for m in rows if m["territory"]}


@pytest.mark.parametrize("level", MUNICIPAL_LEVELS)
def test_units_are_simplified_as_a_coverage(api: Api, level: str) -> None:
    answer = api.get(f"/api/v1/units?level={level}")
    assert answer.status_code == 200, answer.get_json()
    doc = answer.get_json()
    assert doc["type"] == "FeatureCollection" and doc["level"] == level and doc["tolerance_m"] == TOLERANCE_M
    stored = stored_territories(api)
    web = {f["id"]: metres(f["geometry"]) for f in doc["features"]}
    for feature in doc["features"]:
        props = feature["properties"]
        assert props["key"] == feature["id"] and props["level"] == level
        assert props["parent"] == stored[feature["id"]][1]  # the unit tree: the municipality's parent
        assert props["parent_level"] == (None if level == "landkreis" else MUNICIPAL_LEVELS[
            MUNICIPAL_LEVELS.index(level) - 1])
    if level == "gemeinde":
        assert {MELLE, BRAMSCHE} <= set(web)
    for key, geometry in web.items():
        original = stored[key][0]
        assert geometry.is_valid and not geometry.is_empty, key
        # Close to the stored territory: the tolerance plus the rounding to 1e-5 degrees (about a metre).
        assert shapely.hausdorff_distance(geometry, original) <= TOLERANCE_M + 2, key
        assert abs(geometry.area - original.area) <= 0.01 * original.area, key
    geometries = list(web.values())
    # No overlap and no gap (up to a metre wide) between neighbours, and the whole still covers the whole.
    assert shapely.coverage_is_valid(geometries, gap_width=1.0)
    union = shapely.union_all(geometries)
    whole = shapely.union_all([stored[k][0] for k in web])
    assert abs(union.area - whole.area) <= 0.01 * whole.area
    for a, b in combinations(sorted(web), 2):
        shared = stored[a][0].boundary.intersection(stored[b][0].boundary).length
        if shared > 100:  # neighbours in the stored data are neighbours on the web, along the same edge
            kept = web[a].boundary.intersection(web[b].boundary).length
            assert kept >= 0.9 * shared, (a, b, kept, shared)
            assert web[a].intersection(web[b]).area < 1.0, (a, b)


def test_ortsteile_keep_their_town_as_parent(api: Api) -> None:
    doc = api.get("/api/v1/units?level=ortsteil").get_json()
    parents = {f["properties"]["parent"] for f in doc["features"]}
    assert parents == {MELLE, BRAMSCHE}
    assert {f["properties"]["parent_level"] for f in doc["features"]} == {"gemeinde"}
    geometries = [metres(f["geometry"]) for f in doc["features"]]
    assert all(g.is_valid for g in geometries) and shapely.coverage_is_valid(geometries, gap_width=1.0)


def test_coverage_simplification_removes_vertices_and_keeps_the_shared_edge() -> None:
    """Two squares along a finely drawn common edge (1,000 vertices): simplified, the edge loses most of
    its vertices, and both neighbours still have exactly the same one."""
    edge = [(1000.0, y * 1.0 + (0.3 if y % 2 else 0.0)) for y in range(1001)]
    west = Polygon([(0, 0), *edge, (0, 1000)])
    east = Polygon([(2000, 0), (2000, 1000), *reversed(edge)])
    assert shapely.coverage_is_valid([west, east])
    simple = simplify_coverage([west, east], TOLERANCE_M)
    assert all(g.is_valid for g in simple)
    assert sum(len(shapely.get_coordinates(g)) for g in simple) < 0.05 * (len(edge) * 2)
    assert shapely.coverage_is_valid(simple)
    assert simple[0].boundary.intersection(simple[1].boundary).length == pytest.approx(1000, abs=1)
    # An input that is no coverage (the two overlap) is simplified polygon by polygon, each still valid.
    overlapping = simplify_coverage([west, affinity.translate(east, -50)], TOLERANCE_M)
    assert all(isinstance(g, Polygon | MultiPolygon) and g.is_valid for g in overlapping)


def test_units_refuse_a_missing_or_unknown_level(api: Api) -> None:
    for query, code in (("", "required"), ("?level=", "required"), ("?level=bezirk", "unknown_choice")):
        answer = api.get(f"/api/v1/units{query}")
        assert answer.status_code == 422, query
        assert [e["field"] for e in answer.get_json()["errors"]] == ["level"]
        assert answer.get_json()["errors"][0]["code"] == code


def test_values_say_their_last_update(api: Api) -> None:
    before = api.get("/api/v1/indicators/t_kinder/values?level=gemeinde")
    assert before.status_code == 404  # not in the catalogue yet
    setup_values(api)
    today = datetime.now(UTC).date().isoformat()
    for level in ("ortsteil", "gemeinde"):
        doc = api.get(f"/api/v1/indicators/t_kinder/values?level={level}").get_json()
        assert doc["last_update"] == today  # the review that published them (the pending edit is not public)
    # An indicator without a published value has none.
    empty = {"key": "t_leer", "name_de": "Leer", "name_en": "Empty", "theme": "testthema", "unit": "count",
             "kind": "count", "levels": ["gemeinde"], "maintained_by": "county"}
    assert api.post("/api/v1/indicators", empty, "admin").status_code == 201
    assert api.get("/api/v1/indicators/t_leer/values?level=gemeinde").get_json()["last_update"] is None
    # The demo's county statistics were published when the demo was loaded.
    county = api.get("/api/v1/indicators/pflegequote/values?level=landkreis").get_json()
    assert county["last_update"] is not None and county["values"][0]["unit"] == COUNTY
