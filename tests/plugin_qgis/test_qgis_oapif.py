"""QGIS's own OGC API - Features provider (OAPIF) reads the atlas's public side from the live server.

No plugin is involved: this is how anybody adds the published institutions, spatial units,
municipal territories and indicator values to a QGIS project (Layer > Add WFS / OGC API - Features layer). The server's
requests are recorded to show what QGIS asked for (page size, next links, bbox, datetime).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import pytest
from qgis.core import (
    NULL,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeatureRequest,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
    QgsWkbTypes,
)

from tests.server.test_indicator_public import setup_values
from tests.support import MELLE, Api, LiveServer

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")


class Recorder:
    """WSGI middleware that notes the path and query of every request the server gets."""

    def __init__(self, server: LiveServer) -> None:
        self.inner = server.app.wsgi_app
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        server.app.wsgi_app = self

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        self.requests.append((environ["PATH_INFO"], parse_qs(environ.get("QUERY_STRING", ""))))
        return self.inner(environ, start_response)

    def items(self, collection: str) -> list[dict[str, list[str]]]:
        return [q for path, q in self.requests if path == f"/ogcapi/collections/{collection}/items"]


@pytest.fixture
def recorder(live_server: LiveServer) -> Recorder:
    return Recorder(live_server)


def oapif(server: LiveServer, collection: str, **options: str) -> QgsVectorLayer:
    uri = " ".join([f"url='{server.url}/ogcapi'", f"typename='{collection}'",
                    *(f"{k}='{v}'" for k, v in options.items())])
    layer = QgsVectorLayer(uri, collection, "OAPIF")
    assert layer.isValid(), (uri, layer.error().summary())
    return layer


def public(server: LiveServer, collection: str = "institutions") -> dict[str, dict]:
    return Api(server.app.test_client()).public(collection)


def to_wgs84(layer: QgsVectorLayer) -> QgsCoordinateTransform:
    return QgsCoordinateTransform(layer.crs(), WGS84, QgsProject.instance())


def by_id(features: Iterable[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in features:
        assert f["id"] not in out, f"feature {f['id']} came twice"
        out[f["id"]] = f
    return out


def test_qgis_reads_every_published_institution_with_its_attributes(qgis_app: Any, live_server: LiveServer,
                                                                    recorder: Recorder) -> None:
    expected = public(live_server)
    layer = oapif(live_server, "institutions")
    assert layer.featureCount() == len(expected)  # from numberMatched, before any feature is read
    assert layer.wkbType() == QgsWkbTypes.Point
    # QGIS 3.22 reads CRS84 (as EPSG:4326); newer versions may choose the storage CRS.
    assert layer.crs().authid() in ("EPSG:4326", "OGC:CRS84", "EPSG:25832"), layer.crs().authid()
    extent = to_wgs84(layer).transformBoundingBox(layer.extent())
    assert 7.5 < extent.xMinimum() < extent.xMaximum() < 8.7 and 52.0 < extent.yMinimum() < extent.yMaximum() < 52.8
    names = set(layer.fields().names())
    assert {"id", "name", "category", "owner", "published_revision", "last_checked"} <= names
    assert not names & {"author", "author_id", "push_id", "reviewed_by"}

    features = by_id(layer.getFeatures())
    assert set(features) == set(expected)
    transform = to_wgs84(layer)
    for fid, feature in expected.items():
        got, props = features[fid], feature["properties"]
        for name in ("name", "category", "subcategory", "owner", "street", "city", "published_revision"):
            assert got[name] == props[name], (fid, name, got[name])
        assert (None if got["age_min"] == NULL else got["age_min"]) == props["age_min"]
        point = transform.transform(got.geometry().asPoint())
        lon, lat = feature["geometry"]["coordinates"]
        assert abs(point.x() - lon) < 1e-6 and abs(point.y() - lat) < 1e-6
    # What QGIS asked: the API description (for the page size), a first small page, then pages.
    paths = [path for path, _ in recorder.requests]
    assert {"/ogcapi", "/ogcapi/api", "/ogcapi/collections/institutions"} <= set(paths)
    assert all(int(q["limit"][0]) <= 10000 for q in recorder.items("institutions"))


def test_qgis_follows_the_next_links_page_by_page(qgis_app: Any, live_server: LiveServer,
                                                 recorder: Recorder) -> None:
    expected = public(live_server)
    layer = oapif(live_server, "institutions", pagingEnabled="true", pageSize="40")
    features = by_id(layer.getFeatures())
    assert set(features) == set(expected)
    pages = [q for q in recorder.items("institutions") if q.get("limit") == ["40"]]
    assert len(pages) == -(-len(expected) // 40)
    assert sorted(int(q.get("offset", ["0"])[0]) for q in pages) == list(range(0, len(expected), 40))


def test_qgis_asks_the_server_for_the_visible_box_only(qgis_app: Any, live_server: LiveServer,
                                                       recorder: Recorder) -> None:
    expected = public(live_server)
    layer = oapif(live_server, "institutions", restrictToRequestBBOX="1")
    wanted = QgsRectangle(8.0, 52.1, 8.25, 52.3)
    rect = QgsCoordinateTransform(WGS84, layer.crs(), QgsProject.instance()).transformBoundingBox(wanted)
    got = by_id(layer.getFeatures(QgsFeatureRequest().setFilterRect(rect)))
    inside = {fid for fid, f in expected.items() if wanted.contains(QgsPointXY(*f["geometry"]["coordinates"]))}
    assert 0 < len(inside) < len(expected)
    assert set(got) == inside
    boxed = [q for q in recorder.items("institutions") if "bbox" in q]
    assert boxed, recorder.requests
    west, south, east, north = (float(v) for v in boxed[-1]["bbox"][0].split(","))
    assert west <= 8.0 + 1e-6 and south <= 52.1 + 1e-6 and east >= 8.25 - 1e-6 and north >= 52.3 - 1e-6
    assert east - west < 1 and north - south < 1  # the box, not the world


def test_qgis_filters_with_a_subset_string(qgis_app: Any, live_server: LiveServer, recorder: Recorder) -> None:
    expected = public(live_server)
    layer = oapif(live_server, "institutions")
    assert layer.setSubsetString(f"\"owner\" = '{MELLE}' AND \"category\" = 'beratung'")
    mine = {fid for fid, f in expected.items()
            if f["properties"]["owner"] == MELLE and f["properties"]["category"] == "beratung"}
    assert mine and set(by_id(layer.getFeatures())) == mine
    # A date comparison: QGIS sends it to the server as datetime=<start>/<end>.
    dates = sorted(f["properties"]["last_checked"] for f in expected.values() if f["properties"]["last_checked"])
    middle = dates[len(dates) // 2]
    assert layer.setSubsetString(f"\"last_checked\" >= '{middle}'")
    recent = {fid for fid, f in expected.items()
              if f["properties"]["last_checked"] and f["properties"]["last_checked"] >= middle}
    assert 0 < len(recent) < len(expected)
    assert set(by_id(layer.getFeatures())) == recent
    assert any("datetime" in q for q in recorder.items("institutions")), recorder.requests


def test_qgis_reads_the_municipal_territories_and_the_spatial_units(qgis_app: Any, live_server: LiveServer) -> None:
    for collection, count in (("municipalities", 39), ("spatial_units", len(public(live_server, "spatial_units")))):
        layer = oapif(live_server, collection)
        assert layer.featureCount() == count
        assert QgsWkbTypes.geometryType(layer.wkbType()) == QgsWkbTypes.PolygonGeometry
        features = by_id(layer.getFeatures())
        assert len(features) == count
        assert all(f.geometry().isGeosValid() and f.geometry().area() > 0 for f in features.values())
    territories = by_id(oapif(live_server, "municipalities").getFeatures())
    assert territories[MELLE]["name"] == "Melle" and territories[MELLE]["parent_key"] == "03459"


def test_qgis_reads_the_indicator_values_of_a_level_with_suppressed_ones_null(
        qgis_app: Any, live_server: LiveServer, recorder: Recorder) -> None:
    api = Api(live_server.app.test_client())
    melle, _bramsche = setup_values(api)
    doc = api.get("/api/v1/indicators/t_kinder/values?level=ortsteil&year=2020").get_json()
    expected = {v["unit"]: v for v in doc["values"]}
    layer = oapif(live_server, "indicators-ortsteil")
    assert QgsWkbTypes.geometryType(layer.wkbType()) == QgsWkbTypes.PolygonGeometry
    assert {"unit", "name", "year", "hidden", "t_kinder", "t_einwohner", "t_anteil"} <= set(layer.fields().names())
    assert layer.setSubsetString('"year" = 2020')
    got = {f["unit"]: f for f in layer.getFeatures()}
    assert set(expected) <= set(got) and {f["year"] for f in got.values()} == {2020}
    for unit, entry in expected.items():  # the attribute table: NULL where confidentiality hides the value
        value = got[unit]["t_kinder"]
        # QGIS 3.22 takes the column types from the first ten features: a column empty there (here the
        # demo's units come first) is text, so the number is compared as a number.
        assert (None if value == NULL else float(value)) == (None if entry["suppressed"] else entry["value"]), unit
        assert ("t_kinder" in str(got[unit]["hidden"] or "")) == entry["suppressed"], unit
    assert got[melle[0]]["t_kinder"] == NULL and got[melle[0]].geometry().area() > 0
    assert recorder.items("indicators-ortsteil")
