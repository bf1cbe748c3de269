"""Pure-Python conversion between GeoJSON geometries, WKB and GeoPackage geometry blobs.

The core cannot rely on shapely or GDAL bindings inside QGIS's Python, yet it must write rows into
a GeoPackage and read back what QGIS or GDAL wrote. The atlas needs only 2D Point, MultiPoint,
LineString, MultiLineString, Polygon and MultiPolygon, which fit in a page of ``struct`` code.
Reading is lenient (either byte order, ISO or EWKB Z/M flags, which are dropped to 2D); writing
is always little-endian 2D with an xy envelope, as GDAL does.
"""

from __future__ import annotations

import math
import struct
from typing import Any

GeoJSON = dict[str, Any]

WKB_TYPES: dict[str, int] = {
    "Point": 1,
    "LineString": 2,
    "Polygon": 3,
    "MultiPoint": 4,
    "MultiLineString": 5,
    "MultiPolygon": 6,
}
_WKB_NAMES = {code: name for name, code in WKB_TYPES.items()}

_GPKG_ENVELOPE_SIZES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


class GeometryError(ValueError):
    """A geometry this module cannot encode or decode."""


# ---------------------------------------------------------------------- GeoJSON -> WKB


def geojson_to_wkb(geometry: GeoJSON) -> bytes:
    """Little-endian 2D WKB of a GeoJSON geometry; extra ordinates (Z, M) are dropped."""
    out = bytearray()
    _write_geometry(out, geometry)
    return bytes(out)


def _write_geometry(out: bytearray, geometry: GeoJSON) -> None:
    try:
        kind = geometry["type"]
        coords = geometry["coordinates"]
    except (KeyError, TypeError) as exc:
        raise GeometryError(f"not a GeoJSON geometry: {geometry!r:.80}") from exc
    if kind not in WKB_TYPES:
        raise GeometryError(f"unsupported geometry type {kind!r}")
    out += struct.pack("<BI", 1, WKB_TYPES[kind])
    if kind == "Point":
        if not coords:
            out += struct.pack("<dd", math.nan, math.nan)  # the WKB convention for POINT EMPTY
        else:
            out += struct.pack("<dd", *_xy(coords))
    elif kind == "LineString":
        _write_ring(out, coords)
    elif kind == "Polygon":
        out += struct.pack("<I", len(coords))
        for ring in coords:
            _write_ring(out, ring)
    else:
        part_type = kind[len("Multi"):]
        out += struct.pack("<I", len(coords))
        for part in coords:
            _write_geometry(out, {"type": part_type, "coordinates": part})


def _write_ring(out: bytearray, points: list[Any]) -> None:
    out += struct.pack("<I", len(points))
    for point in points:
        out += struct.pack("<dd", *_xy(point))


def _xy(point: Any) -> tuple[float, float]:
    try:
        return float(point[0]), float(point[1])
    except (TypeError, IndexError, ValueError) as exc:
        raise GeometryError(f"not a coordinate: {point!r:.80}") from exc


# ---------------------------------------------------------------------- WKB -> GeoJSON


def wkb_to_geojson(data: bytes) -> GeoJSON:
    """GeoJSON (2D) of a WKB geometry in either byte order, ISO or EWKB flavour."""
    geometry, offset = _read_geometry(memoryview(data), 0)
    if offset != len(data):
        raise GeometryError(f"{len(data) - offset} trailing bytes after WKB geometry")
    return geometry


def _read_geometry(buf: memoryview, offset: int) -> tuple[GeoJSON, int]:
    try:
        order = buf[offset]
        endian = "<" if order == 1 else ">"
        if order not in (0, 1):
            raise GeometryError(f"bad WKB byte order {order}")
        (raw_type,) = struct.unpack_from(endian + "I", buf, offset + 1)
        offset += 5
        dims = 2
        if raw_type & 0x20000000:  # EWKB SRID follows
            offset += 4
        if raw_type & 0x80000000:  # EWKB Z
            dims += 1
        if raw_type & 0x40000000:  # EWKB M
            dims += 1
        raw_type &= 0x0FFFFFFF
        iso_dims, base_type = divmod(raw_type, 1000)
        dims += {0: 0, 1: 1, 2: 1, 3: 2}.get(iso_dims, 0)
        kind = _WKB_NAMES.get(base_type)
        if kind is None:
            raise GeometryError(f"unsupported WKB geometry type {raw_type}")
        point_fmt = endian + "d" * dims
        point_size = 8 * dims

        def read_points(off: int) -> tuple[list[list[float]], int]:
            (count,) = struct.unpack_from(endian + "I", buf, off)
            off += 4
            points = []
            for _ in range(count):
                values = struct.unpack_from(point_fmt, buf, off)
                points.append([values[0], values[1]])
                off += point_size
            return points, off

        if kind == "Point":
            values = struct.unpack_from(point_fmt, buf, offset)
            offset += point_size
            if math.isnan(values[0]) and math.isnan(values[1]):
                return {"type": "Point", "coordinates": []}, offset
            return {"type": "Point", "coordinates": [values[0], values[1]]}, offset
        if kind == "LineString":
            points, offset = read_points(offset)
            return {"type": kind, "coordinates": points}, offset
        if kind == "Polygon":
            (count,) = struct.unpack_from(endian + "I", buf, offset)
            offset += 4
            rings = []
            for _ in range(count):
                ring, offset = read_points(offset)
                rings.append(ring)
            return {"type": kind, "coordinates": rings}, offset
        (count,) = struct.unpack_from(endian + "I", buf, offset)
        offset += 4
        parts = []
        for _ in range(count):
            part, offset = _read_geometry(buf, offset)
            parts.append(part["coordinates"])
        return {"type": kind, "coordinates": parts}, offset
    except (struct.error, IndexError) as exc:
        raise GeometryError("truncated WKB") from exc


# ---------------------------------------------------------------------- GeoPackage blobs


def geojson_to_gpkg(geometry: GeoJSON | None, srs_id: int = 25832) -> bytes | None:
    """A GeoPackage geometry blob (header 'GP', version 0, little-endian, xy envelope)."""
    if geometry is None:
        return None
    body = geojson_to_wkb(geometry)
    env = envelope(geometry)
    if env is None:
        flags = 0b0001_0001  # empty geometry, no envelope, little-endian
        return b"GP" + struct.pack("<BBi", 0, flags, srs_id) + body
    flags = 0b0000_0011  # envelope type 1 (minx, maxx, miny, maxy), little-endian
    return b"GP" + struct.pack("<BBi4d", 0, flags, srs_id, *env) + body


def parse_gpkg_header(blob: bytes) -> tuple[int, tuple[float, ...] | None, bool, int]:
    """(srs_id, envelope or None, empty flag, offset of the WKB) of a GeoPackage blob."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise GeometryError("not a GeoPackage geometry blob")
    flags = blob[3]
    endian = "<" if flags & 1 else ">"
    envelope_type = (flags >> 1) & 0b111
    empty = bool(flags & 0b1_0000)
    if envelope_type not in _GPKG_ENVELOPE_SIZES:
        raise GeometryError(f"bad GeoPackage envelope type {envelope_type}")
    (srs_id,) = struct.unpack_from(endian + "i", blob, 4)
    size = _GPKG_ENVELOPE_SIZES[envelope_type]
    env = struct.unpack_from(endian + "d" * (size // 8), blob, 8) if size else None
    return srs_id, env, empty, 8 + size


def gpkg_to_geojson(blob: bytes | None) -> GeoJSON | None:
    """GeoJSON of a GeoPackage geometry blob (None stays None)."""
    if blob is None:
        return None
    _srs, _env, _empty, offset = parse_gpkg_header(bytes(blob))
    return wkb_to_geojson(bytes(blob)[offset:])


def gpkg_srs_id(blob: bytes) -> int:
    return parse_gpkg_header(bytes(blob))[0]


def gpkg_is_empty(blob: bytes) -> bool:
    """Whether a blob holds an empty geometry (flag set, or no coordinates at all)."""
    _srs, _env, empty, _offset = parse_gpkg_header(bytes(blob))
    return empty or envelope(gpkg_to_geojson(blob) or {}) is None


def gpkg_envelope(blob: bytes) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) from the header, or computed when the writer left it out."""
    _srs, env, empty, _offset = parse_gpkg_header(bytes(blob))
    if empty:
        return None
    if env is not None:
        return env[0], env[1], env[2], env[3]
    return envelope(gpkg_to_geojson(blob) or {})


# ---------------------------------------------------------------------- helpers


def iter_points(geometry: GeoJSON) -> list[tuple[float, float]]:
    """All vertices of a geometry, flattened."""
    out: list[tuple[float, float]] = []

    def walk(node: Any) -> None:
        if not node:
            return
        if isinstance(node[0], (int, float)):
            out.append((float(node[0]), float(node[1])))
        else:
            for child in node:
                walk(child)

    walk(geometry.get("coordinates"))
    return out


def envelope(geometry: GeoJSON) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) of a geometry, None when it has no vertices."""
    points = [p for p in iter_points(geometry) if not (math.isnan(p[0]) or math.isnan(p[1]))]
    if not points:
        return None
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), max(xs), min(ys), max(ys)


def rounded(geometry: GeoJSON | None, decimals: int = 3) -> Any:
    """A hashable, comparable form of a geometry with coordinates rounded (3 decimals = 1 mm in UTM).

    Used for change detection: a geometry that QGIS or GDAL rewrote with the same position must
    not count as an edit just because of float noise in the last bits.
    """
    if geometry is None:
        return None
    scale = 10**decimals

    def walk(node: Any) -> Any:
        if isinstance(node, (list, tuple)):
            if node and isinstance(node[0], (int, float)):
                return tuple(round(float(v) * scale) for v in node[:2])
            return tuple(walk(child) for child in node)
        return node

    return geometry.get("type"), walk(geometry.get("coordinates"))


def geometry_type_name(geojson_type: str) -> str:
    """The GeoPackage/SQL name (``POINT``) of a GeoJSON type name (``Point``)."""
    if geojson_type not in WKB_TYPES:
        raise GeometryError(f"unsupported geometry type {geojson_type!r}")
    return geojson_type.upper()
