"""GeoJSON <-> WKB <-> GeoPackage blob, checked against shapely (GEOS) as an independent reference."""

from __future__ import annotations

import math
import struct

import pytest
import shapely

from qgis_plugin.core import wkb

GEOMETRIES = [
    {"type": "Point", "coordinates": [434512.25, 5792301.75]},
    {"type": "MultiPoint", "coordinates": [[1.5, 2.5], [-3.0, 4.125]]},
    {"type": "LineString", "coordinates": [[0.0, 0.0], [10.0, 5.0], [20.5, -1.0]]},
    {"type": "MultiLineString", "coordinates": [[[0.0, 0.0], [1.0, 1.0]], [[2.0, 2.0], [3.0, 1.0]]]},
    {"type": "Polygon", "coordinates": [[[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 0.0]],
                                        [[2.0, 1.0], [4.0, 1.0], [4.0, 3.0], [2.0, 1.0]]]},
    {"type": "MultiPolygon", "coordinates": [
        [[[430000.0, 5790000.0], [431000.0, 5790000.0], [431000.0, 5791000.5], [430000.0, 5790000.0]]],
        [[[432000.0, 5790000.0], [432500.0, 5790000.0], [432500.0, 5790500.0], [432000.0, 5790000.0]]],
    ]},
]


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=lambda g: g["type"])
def test_wkb_round_trip_matches_geos(geometry: dict) -> None:
    data = wkb.geojson_to_wkb(geometry)
    assert wkb.wkb_to_geojson(data) == geometry
    reference = shapely.geometry.shape(geometry)
    assert data == shapely.to_wkb(reference, byte_order=1, output_dimension=2)
    assert wkb.wkb_to_geojson(shapely.to_wkb(reference, byte_order=0)) == geometry  # big-endian input


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=lambda g: g["type"])
def test_gpkg_blob_round_trip_and_header(geometry: dict) -> None:
    blob = wkb.geojson_to_gpkg(geometry, 25832)
    assert blob[:2] == b"GP"
    assert blob[2] == 0  # version 1.0 of the blob format
    assert blob[3] == 0b0000_0011  # little-endian, envelope type 1 (xy)
    assert struct.unpack_from("<i", blob, 4)[0] == 25832
    minx, maxx, miny, maxy = struct.unpack_from("<4d", blob, 8)
    bounds = shapely.geometry.shape(geometry).bounds
    assert (minx, miny, maxx, maxy) == bounds
    assert blob[40:] == wkb.geojson_to_wkb(geometry)
    assert wkb.gpkg_to_geojson(blob) == geometry
    assert wkb.gpkg_srs_id(blob) == 25832
    assert wkb.gpkg_envelope(blob) == (minx, maxx, miny, maxy)
    assert not wkb.gpkg_is_empty(blob)


def test_gpkg_blob_without_envelope_as_gdal_writes_points() -> None:
    body = shapely.to_wkb(shapely.Point(436000, 5793000), byte_order=1)
    blob = b"GP" + bytes([0, 0b0000_0001]) + struct.pack("<i", 25832) + body
    assert wkb.gpkg_to_geojson(blob) == {"type": "Point", "coordinates": [436000.0, 5793000.0]}
    assert wkb.gpkg_envelope(blob) == (436000.0, 436000.0, 5793000.0, 5793000.0)


def test_big_endian_gpkg_header_is_read() -> None:
    body = shapely.to_wkb(shapely.Point(1, 2), byte_order=0)
    blob = b"GP" + bytes([0, 0b0000_0010]) + struct.pack(">i4d", 4326, 1, 1, 2, 2) + body
    assert wkb.gpkg_srs_id(blob) == 4326
    assert wkb.gpkg_envelope(blob) == (1.0, 1.0, 2.0, 2.0)
    assert wkb.gpkg_to_geojson(blob) == {"type": "Point", "coordinates": [1.0, 2.0]}


def test_z_and_m_ordinates_are_dropped_on_read() -> None:
    iso_z = shapely.to_wkb(shapely.LineString([(0, 1, 5), (2, 3, 6)]), byte_order=1, flavor="iso")
    assert wkb.wkb_to_geojson(iso_z) == {"type": "LineString", "coordinates": [[0.0, 1.0], [2.0, 3.0]]}
    ewkb_z = shapely.to_wkb(shapely.Point(7, 8, 9), byte_order=1, flavor="extended", include_srid=False)
    assert wkb.wkb_to_geojson(ewkb_z) == {"type": "Point", "coordinates": [7.0, 8.0]}
    ewkb_srid = shapely.to_wkb(shapely.set_srid(shapely.Point(7, 8), 25832), flavor="extended", include_srid=True)
    assert wkb.wkb_to_geojson(ewkb_srid) == {"type": "Point", "coordinates": [7.0, 8.0]}
    # Writing drops extra ordinates too: the atlas is 2D.
    assert wkb.geojson_to_wkb({"type": "Point", "coordinates": [1, 2, 3]}) == shapely.to_wkb(
        shapely.Point(1, 2), byte_order=1)


def test_empty_point() -> None:
    empty = {"type": "Point", "coordinates": []}
    data = wkb.geojson_to_wkb(empty)
    x, y = struct.unpack_from("<dd", data, 5)
    assert math.isnan(x) and math.isnan(y)
    assert wkb.wkb_to_geojson(data) == empty
    blob = wkb.geojson_to_gpkg(empty)
    assert blob[3] & 0b1_0000  # empty flag
    assert wkb.gpkg_is_empty(blob)
    assert wkb.gpkg_envelope(blob) is None
    assert wkb.gpkg_to_geojson(blob) == empty
    assert shapely.from_wkb(blob[8:]).is_empty


def test_none_and_garbage() -> None:
    assert wkb.geojson_to_gpkg(None) is None
    assert wkb.gpkg_to_geojson(None) is None
    with pytest.raises(wkb.GeometryError):
        wkb.gpkg_to_geojson(b"XX\x00\x01\x00\x00\x00\x00")
    with pytest.raises(wkb.GeometryError):
        wkb.wkb_to_geojson(wkb.geojson_to_wkb(GEOMETRIES[2])[:-3])
    with pytest.raises(wkb.GeometryError):
        wkb.geojson_to_wkb({"type": "GeometryCollection", "geometries": []})
    with pytest.raises(wkb.GeometryError):
        wkb.geojson_to_wkb({"type": "Point", "coordinates": ["a"]})


def test_rounded_compares_to_the_millimetre() -> None:
    a = {"type": "Point", "coordinates": [434512.2501, 5792301.7499]}
    b = {"type": "Point", "coordinates": [434512.2504, 5792301.7502]}
    c = {"type": "Point", "coordinates": [434512.252, 5792301.75]}
    assert wkb.rounded(a) == wkb.rounded(b)
    assert wkb.rounded(a) != wkb.rounded(c)
    assert wkb.rounded(None) is None
    assert wkb.rounded(a) != wkb.rounded({"type": "MultiPoint", "coordinates": [[434512.25, 5792301.75]]})
