"""The coordinate reference systems the OGC API offers, named by OGC URIs (Part 2, CRS by reference).

Three CRS: CRS84 (longitude, latitude: the GeoJSON default), EPSG:4326 (the same datum, but by its
definition latitude first, as Part 2 requires) and EPSG:25832 (ETRS89 / UTM 32N, metres, the atlas's
storage CRS, so GIS clients get the stored coordinates without a transformation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Point, box
from shapely.geometry.base import BaseGeometry

from ..domain.errors import BadRequest, FieldError
from ..domain.geometry import STORAGE_CRS, WEB_CRS, reproject, to_geojson


@dataclass(frozen=True)
class OgcCrs:
    uri: str
    code: str  # the pyproj name of the CRS, longitude/x first
    lat_first: bool  # the axis order of the URI's definition: EPSG:4326 is latitude, longitude
    geographic: bool


CRS84 = OgcCrs("http://www.opengis.net/def/crs/OGC/1.3/CRS84", WEB_CRS, lat_first=False, geographic=True)
EPSG_4326 = OgcCrs("http://www.opengis.net/def/crs/EPSG/0/4326", WEB_CRS, lat_first=True, geographic=True)
EPSG_25832 = OgcCrs("http://www.opengis.net/def/crs/EPSG/0/25832", STORAGE_CRS, lat_first=False, geographic=False)
SUPPORTED: tuple[OgcCrs, ...] = (CRS84, EPSG_4326, EPSG_25832)
STORAGE = EPSG_25832

# Other spellings people and older clients use; the answer (Content-Crs) always names the URI.
_ALIASES: dict[str, OgcCrs] = {
    "urn:ogc:def:crs:ogc:1.3:crs84": CRS84, "crs84": CRS84, "ogc:crs84": CRS84, "[ogc:crs84]": CRS84,
    "urn:ogc:def:crs:epsg::4326": EPSG_4326, "epsg:4326": EPSG_4326, "[epsg:4326]": EPSG_4326,
    "urn:ogc:def:crs:epsg::25832": EPSG_25832, "epsg:25832": EPSG_25832, "[epsg:25832]": EPSG_25832,
    **{c.uri.lower(): c for c in SUPPORTED},
    "https://www.opengis.net/def/crs/ogc/1.3/crs84": CRS84,
    "https://www.opengis.net/def/crs/epsg/0/4326": EPSG_4326,
    "https://www.opengis.net/def/crs/epsg/0/25832": EPSG_25832,
}

# A geographic box is cut to this window (west, south, east, north) before it is transformed to
# UTM 32N: far from the zone's central meridian (9° E) the projection is meaningless, and no stored
# geometry lies there (the atlas refuses coordinates outside the county).
_STORAGE_WINDOW = (-16.0, 30.0, 34.0, 85.0)


def crs_from(value: str | None, parameter: str) -> OgcCrs:
    """The CRS a ``crs`` or ``bbox-crs`` argument names (CRS84 when absent), or a 400 that lists the offer."""
    if value is None or value.strip() == "":
        return CRS84
    found = _ALIASES.get(value.strip().lower())
    if found is None:
        raise BadRequest("invalid_query", errors=[FieldError(parameter, "unsupported_crs", {
            "crs": value, "accepted": ", ".join(c.uri for c in SUPPORTED)})])
    return found


def swap_axes(coords: Any) -> Any:
    """Latitude first: swap the first two numbers of every position of a GeoJSON coordinate array."""
    if coords and isinstance(coords[0], (int, float)):
        return (coords[1], coords[0], *coords[2:])
    return [swap_axes(part) for part in coords]


def geometry_in(geometry: BaseGeometry | None, crs: OgcCrs) -> dict | None:
    """GeoJSON geometry of a stored geometry in ``crs``, rounded like the public GeoJSON endpoint."""
    doc = to_geojson(geometry, crs.code)
    if doc is None or not crs.lat_first:
        return doc
    return {**doc, "coordinates": swap_axes(doc["coordinates"])}


def _bbox_numbers(raw: str) -> list[float]:
    parts = raw.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6) or not all(math.isfinite(n) for n in numbers):
        raise BadRequest("invalid_query", errors=[FieldError("bbox", "bad_bbox", {"value": raw})])
    if len(numbers) == 6:  # minx, miny, minz, maxx, maxy, maxz: the atlas has no heights
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    return numbers


def _rectangle(x0: float, y0: float, x1: float, y1: float, step: float | None = None) -> BaseGeometry:
    """The box as a polygon with edges no longer than ``step``; a box of no width or height (a point or
    a line, which clients send to ask for what lies at a place) stays a point or a line."""
    if x0 == x1 and y0 == y1:
        return Point(x0, y0)
    shape = LineString([(x0, y0), (x1, y1)]) if x0 == x1 or y0 == y1 else box(x0, y0, x1, y1)
    return shape if step is None else shapely.segmentize(shape, step)


def bbox_area(raw: str, crs: OgcCrs) -> BaseGeometry:
    """The area of a ``bbox`` argument in the storage CRS, to intersect stored geometries with.

    A geographic box is a rectangle in longitude and latitude, so its edges are densified before the
    transformation: the area in metres then follows the meridians and parallels closely. A box with
    west > east crosses the antimeridian (Part 1 allows that); it becomes two rectangles.
    """
    a, b, c, d = _bbox_numbers(raw)
    if not crs.geographic:
        if a > c or b > d:
            raise BadRequest("invalid_query", errors=[FieldError("bbox", "bbox_order", {"value": raw})])
        return _rectangle(a, b, c, d)
    west, south, east, north = (b, a, d, c) if crs.lat_first else (a, b, c, d)
    if not (-90 <= south <= 90 and -90 <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        raise BadRequest("invalid_query", errors=[FieldError("bbox", "bbox_range", {"value": raw})])
    if south > north:
        raise BadRequest("invalid_query", errors=[FieldError("bbox", "bbox_order", {"value": raw})])
    boxes = [box(west, south, east, north)] if west <= east else [box(west, south, 180, north),
                                                                  box(-180, south, east, north)]
    parts = []
    wx0, wy0, wx1, wy1 = _STORAGE_WINDOW
    for part in boxes:
        x0, y0, x1, y1 = part.bounds
        x0, y0, x1, y1 = max(x0, wx0), max(y0, wy0), min(x1, wx1), min(y1, wy1)
        if x0 > x1 or y0 > y1:
            continue
        step = max(0.01, max(x1 - x0, y1 - y0) / 500)
        parts.append(reproject(_rectangle(x0, y0, x1, y1, step), WEB_CRS, STORAGE_CRS))
    if not parts:
        return MultiPolygon()  # nothing stored can lie there
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


@lru_cache(maxsize=1)
def _to_crs84() -> Transformer:
    return Transformer.from_crs(STORAGE_CRS, WEB_CRS, always_xy=True)


def lonlat_bounds(coordinates: np.ndarray) -> tuple[float, float, float, float] | None:
    """The longitude/latitude box of an (n, 2) array of storage coordinates, or None when it is empty."""
    if not len(coordinates):
        return None
    lon, lat = _to_crs84().transform(coordinates[:, 0], coordinates[:, 1])
    return (float(np.min(lon)), float(np.min(lat)), float(np.max(lon)), float(np.max(lat)))


def outward(bounds: tuple[float, float, float, float]) -> list[float]:
    """A CRS84 box rounded outwards to 1e-6 degrees (about 10 cm), so it still holds every feature."""
    west, south, east, north = bounds
    return [math.floor(west * 1e6) / 1e6, math.floor(south * 1e6) / 1e6,
            math.ceil(east * 1e6) / 1e6, math.ceil(north * 1e6) / 1e6]
