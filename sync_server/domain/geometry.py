"""Reading, checking and transforming geometries.

The atlas stores ETRS89 / UTM 32N (EPSG:25832). Clients may send another CRS only when they say so
explicitly; the server transforms it. Anything it cannot make sense of is refused with a reason a
GIS person understands (which ring is not closed, which CRS is unknown, where the point is).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

from .contract import json_text
from .errors import FieldError, Invalid

STORAGE_CRS = "EPSG:25832"
WEB_CRS = "EPSG:4326"
ACCEPTED_CRS = ("EPSG:25832", "EPSG:4326", "EPSG:3857")

_CRS_ALIASES = {
    "http://www.opengis.net/def/crs/OGC/1.3/CRS84": "EPSG:4326",
    "urn:ogc:def:crs:OGC:1.3:CRS84": "EPSG:4326",
    "CRS84": "EPSG:4326",
}


def normalize_crs(value: str | None, field: str = "crs") -> str:
    """Return ``EPSG:nnnn`` for an accepted CRS name, or refuse it."""
    if value is None or value == "":
        return STORAGE_CRS
    if not isinstance(value, str):
        raise Invalid("invalid_crs", errors=[FieldError(field, "unknown_crs", {"crs": str(value)})])
    text = _CRS_ALIASES.get(value.strip(), value.strip())
    code = None
    upper = text.upper()
    for prefix in ("EPSG:", "URN:OGC:DEF:CRS:EPSG::", "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/"):
        if upper.startswith(prefix) and upper[len(prefix):].isdigit():
            code = f"EPSG:{int(upper[len(prefix):])}"
    if code not in ACCEPTED_CRS:
        raise Invalid("invalid_crs", errors=[FieldError(field, "unknown_crs", {
            "crs": value, "accepted": ", ".join(ACCEPTED_CRS)})])
    return code


@lru_cache(maxsize=16)
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def reproject(geometry: BaseGeometry, source: str, target: str) -> BaseGeometry:
    if source == target:
        return geometry
    return shapely.transform(geometry, _transformer(source, target).transform, interleaved=False)


def rounded(geometry: Any, crs: str, precision: int = 3) -> Any:
    """A geometry (or a numpy array of them) already in ``crs``, rounded as the atlas publishes it: mm in
    metres, 7 decimals (~1 cm) in degrees. Vectorised: the read model rounds a whole publish at once."""
    digits = 7 if crs == WEB_CRS else precision
    return shapely.set_precision(geometry, 10 ** -digits) if digits < 9 else geometry


def _half_up(values: np.ndarray) -> np.ndarray:
    """GEOS's rounding of a fixed precision model (``util::round``: halves towards positive infinity)."""
    whole = np.trunc(values)
    fraction = np.abs(values - whole)
    up = np.where(fraction < 0.5, np.floor(values), np.where(fraction > 0.5, np.ceil(values), whole + 1.0))
    down = np.where(fraction < 0.5, np.ceil(values), np.where(fraction > 0.5, np.floor(values), whole))
    return np.where(values >= 0, up, down)


def rounded_coordinates(coordinates: np.ndarray, crs: str, precision: int = 3) -> np.ndarray:
    """The coordinates (an array of x, y rows) in ``crs`` rounded exactly as :func:`rounded` rounds a point
    (GEOS's fixed precision model: ``round(value * scale) / scale``), as plain arrays: for a publish of
    thousands of points, rounding them through GEOS one geometry at a time cost as much as the database's
    work."""
    digits = 7 if crs == WEB_CRS else precision
    if digits >= 9:
        return coordinates
    scale = 10.0 ** digits
    return _half_up(coordinates * scale) / scale


def geojson_texts(geometries: np.ndarray, crs: str) -> list[str]:
    """``json.dumps`` of :func:`to_geojson`'s mapping for each geometry of an array already in ``crs``
    (``null`` for None), rounded as published: plain 2D points from arrays (:func:`rounded_coordinates`,
    the text assembled as ``json`` writes it), other geometries one by one."""
    texts = ["null"] * len(geometries)
    points = (shapely.get_type_id(geometries) == 0) & ~shapely.is_empty(geometries) & ~shapely.has_z(geometries)
    where = np.flatnonzero(points)
    if len(where):
        coordinates = rounded_coordinates(shapely.get_coordinates(geometries[where]), crs).tolist()
        for index, (x, y) in zip(where.tolist(), coordinates, strict=True):
            texts[index] = '{"type": "Point", "coordinates": [%r, %r]}' % (x, y)  # noqa: UP031 - json's float repr
    others = [i for i in np.flatnonzero(~points).tolist() if geometries[i] is not None]
    if others:
        for index, geometry in zip(others, rounded(geometries[others], crs).tolist(), strict=True):
            texts[index] = json.dumps(mapping(geometry))
    return texts


def to_geojson(geometry: BaseGeometry | None, crs: str = STORAGE_CRS, precision: int = 3) -> dict | None:
    """GeoJSON of a stored geometry in ``crs``, rounded (mm in metres, ~1 cm in degrees)."""
    if geometry is None:
        return None
    return mapping(rounded(reproject(geometry, STORAGE_CRS, crs), crs, precision))


# A stored point as (hex) EWKB: little-endian, type 1 with the SRID flag, the SRID, then x and y (9 + 16 bytes).
_POINT_EWKB_HEX = "0101000020"
_POINT_EWKB = np.dtype([("header", "V9"), ("x", "<f8"), ("y", "<f8")])


def _point_text(x: float, y: float) -> str:
    """The GeoJSON text of a point (``repr`` of a float is what JSON encoding writes)."""
    return f'{{"type":"Point","coordinates":[{x!r},{y!r}]}}'


def wkb_to_geojson_text(stored: Sequence[str | bytes | None]) -> list[str]:
    """The JSON text of :func:`to_geojson` (in the storage CRS, rounded; ``null`` for no geometry) of
    stored geometries given as (hex) WKB, converted as one array, written as answers write JSON: a
    checkout page of 5,000 points spent most of its time decoding, rounding and mapping one point at a
    time, and then encoding each mapping. Plain 2D points stored as hex EWKB (every institution) are
    read straight from their text as one array of coordinates (GEOS's reading of hex text cost two
    microseconds a point, a fifth of a checkout) and rounded as :func:`rounded` rounds them
    (:func:`rounded_coordinates`); ``repr`` of a float is what JSON encoding writes. Other geometries
    (a few polygons of spatial units) are read by GEOS, mapped and encoded one by one."""
    texts = ["null"] * len(stored)
    where = [i for i, text in enumerate(stored)
             if text.__class__ is str and len(text) == 50 and text.startswith(_POINT_EWKB_HEX)]
    if where:
        points = np.frombuffer(bytes.fromhex("".join([stored[i] for i in where])), dtype=_POINT_EWKB)
        coordinates = np.column_stack([points["x"], points["y"]])
        finite = np.isfinite(coordinates).all(axis=1)  # an empty point (NaN, NaN) is GEOS's to judge
        if not finite.all():
            where, coordinates = np.asarray(where)[finite].tolist(), coordinates[finite]
        for index, (x, y) in zip(where, rounded_coordinates(coordinates, STORAGE_CRS).tolist(), strict=True):
            texts[index] = _point_text(x, y)
    read = set(where) if len(where) < len(stored) else None
    others = [] if read is None else [i for i, text in enumerate(stored) if text is not None and i not in read]
    if others:
        geometries = rounded(shapely.from_wkb([stored[i] for i in others]), STORAGE_CRS)
        points = (shapely.get_type_id(geometries) == 0) & ~shapely.is_empty(geometries)
        xs, ys = shapely.get_x(geometries).tolist(), shapely.get_y(geometries).tolist()
        for index, geometry, point, x, y in zip(others, geometries.tolist(), points.tolist(), xs, ys, strict=True):
            texts[index] = (_point_text(x, y) if point
                            else "null" if geometry is None else json_text(mapping(geometry)))
    return texts


def _is_position(value: Any) -> bool:
    """A GeoJSON position: two or three numbers (not strings, not booleans)."""
    return isinstance(value, (list, tuple)) and len(value) in (2, 3) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)


# How deep the positions lie inside ``coordinates`` for each accepted type.
_DEPTH = {"Point": 0, "Polygon": 2, "MultiPolygon": 3}


def _positions(coords: Any, depth: int) -> list | None:
    """All positions of a coordinate array of the given nesting depth, or None if malformed."""
    if depth == 0:
        return [coords] if _is_position(coords) else None
    if not isinstance(coords, (list, tuple)):
        return None
    out: list = []
    for part in coords:
        found = _positions(part, depth - 1)
        if found is None:
            return None
        out.extend(found)
    return out


def _check_coordinates(obj: dict[str, Any]) -> str | None:
    """Refuse malformed coordinate arrays and unclosed rings before shapely sees them: shapely
    would turn numeric strings into numbers and silently close open rings."""
    kind, coords = obj["type"], obj.get("coordinates")
    if _positions(coords, _DEPTH[kind]) is None:
        return "bad_coordinates"
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    for p_index, rings in enumerate(polygons):
        for r_index, ring in enumerate(rings):
            if len(ring) < 4:
                return f"ring_too_short:{p_index}:{r_index}"
            if list(ring[0]) != list(ring[-1]):
                return f"ring_not_closed:{p_index}:{r_index}"
    return None


def _finite(geometry: BaseGeometry) -> bool:
    coords = shapely.get_coordinates(geometry)
    return bool(len(coords)) and all(math.isfinite(v) for v in coords.ravel())


def _finite_numbers(values: Sequence[float]) -> bool:
    """Every value is a finite float (an integer too large for a float is not)."""
    try:
        return all(math.isfinite(v) for v in values)
    except OverflowError:
        return False


def parse_points(objs: Sequence[Any], crs: str, area_of_interest: tuple[float, float, float, float] | None,
                 max_vertices: int) -> list[BaseGeometry | None]:
    """The storage points of many GeoJSON Points at once, as :func:`parse_geometry` makes them, converted
    as arrays (one reprojection, one array of points) instead of one shapely object and one PROJ call
    each: most of a push of thousands of institutions. None for every object that is not a plain point
    with finite coordinates lying in ``area_of_interest``: :func:`parse_geometry` judges those one by
    one, with its messages."""
    found: list[int] = []
    xs: list[float] = []
    ys: list[float] = []
    for index, obj in enumerate(objs):
        if (isinstance(obj, dict) and obj.get("type") == "Point" and _is_position(coords := obj.get("coordinates"))
                and _finite_numbers(coords)):
            found.append(index)
            xs.append(float(coords[0]))
            ys.append(float(coords[1]))
    out: list[BaseGeometry | None] = [None] * len(objs)
    if not found or max_vertices < 1:
        return out
    if crs != STORAGE_CRS:
        xs, ys = _transformer(crs, STORAGE_CRS).transform(xs, ys)
    points = shapely.points(xs, ys).tolist()
    minx, miny, maxx, maxy = area_of_interest or (-math.inf, -math.inf, math.inf, math.inf)
    for index, x, y, point in zip(found, xs, ys, points, strict=True):
        if minx <= x <= maxx and miny <= y <= maxy:
            out[index] = point
    return out


def parse_geometry(
    obj: Any,
    expected: str,
    crs: str,
    area_of_interest: tuple[float, float, float, float] | None,
    max_vertices: int,
    field: str = "geometry",
) -> BaseGeometry:
    """Turn client GeoJSON into a valid storage geometry or raise :class:`Invalid`.

    ``expected`` is the layer's type (``Point`` or ``MultiPolygon``; a Polygon is promoted).
    ``area_of_interest`` is the county's bounding box in EPSG:25832 (with a margin): coordinates
    outside it are almost always a wrong CRS, so the message says so.
    """

    def refuse(code: str, **params: Any) -> Invalid:
        return Invalid("invalid_geometry", errors=[FieldError(field, code, params)])

    if not isinstance(obj, dict) or not isinstance(obj.get("type"), str) or "coordinates" not in obj:
        raise refuse("geometry_not_geojson")
    allowed = {"Point": ("Point",), "MultiPolygon": ("Polygon", "MultiPolygon")}[expected]
    if obj["type"] not in allowed:
        raise refuse("wrong_geometry_type", got=obj["type"], expected=expected)
    ring_problem = _check_coordinates(obj)
    if ring_problem:
        code, *where = ring_problem.split(":")
        raise refuse(code, polygon=int(where[0]) + 1 if where else 1, ring=int(where[1]) + 1 if where else 1)
    try:
        geometry = shape(obj)
    except Exception:  # shapely raises several types for malformed coordinate arrays
        raise refuse("bad_coordinates") from None
    if geometry.is_empty or not _finite(geometry):
        raise refuse("bad_coordinates")
    if shapely.get_num_coordinates(geometry) > max_vertices:
        raise refuse("too_many_vertices", limit=max_vertices)
    if geometry.has_z:
        geometry = shapely.force_2d(geometry)
    geometry = reproject(geometry, crs, STORAGE_CRS)
    if isinstance(geometry, Polygon):
        geometry = MultiPolygon([geometry])
    if not geometry.is_valid:
        raise refuse("geometry_not_valid", reason=shapely.is_valid_reason(geometry))
    if area_of_interest is not None:
        minx, miny, maxx, maxy = area_of_interest
        gx0, gy0, gx1, gy1 = geometry.bounds
        if gx0 < minx or gy0 < miny or gx1 > maxx or gy1 > maxy:
            x, y = (geometry.x, geometry.y) if isinstance(geometry, Point) else geometry.centroid.coords[0]
            raise refuse("outside_county", x=round(x, 1), y=round(y, 1), crs=crs)
    return geometry
