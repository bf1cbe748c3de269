"""The spatial units of one level as the expert mode's choropleth draws them: simplified for the web.

The stored territories carry every vertex the surveyors drew (millimetres in EPSG:25832), far more
than a map of a county at zoom 8 to 13 can show, and the browser would parse, project and draw them
all. Here the units of a level are simplified **as a coverage** (:func:`shapely.coverage_simplify`):
a boundary two neighbours share is simplified once, so both keep exactly the same edge, with no gap
and no overlap between them, however strong the simplification. The result is in CRS84, rounded to
:data:`DIGITS` decimals (about a metre), with each unit's key, name, level and parent (the unit tree
of :mod:`.units`, so a clicked unit's parent is known without another request).

A level's answer is computed once per public version of the atlas (:func:`..sequence.public_version`:
a publish, a review, a configuration change such as a new territory) and kept as JSON text; every
other request of that version is answered from memory.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...storage.db import Reader
from ...storage.models import Municipality
from .. import sequence
from ..errors import FieldError, Invalid
from ..geometry import STORAGE_CRS, WEB_CRS, reproject
from ..publish import public_query
from .units import UnitIndex, load_units

if TYPE_CHECKING:
    from ..context import AtlasContext

TOLERANCE_M = 20.0
"""How far (metres) a simplified boundary may leave the stored one: under a pixel up to zoom 12."""
DIGITS = 5
"""Decimals of the CRS84 coordinates (1e-5 degrees: about 1 m here, well below the tolerance)."""

_CACHE: OrderedDict[tuple, str] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 16


def _stored_geometries(session: Session, units: UnitIndex) -> dict[str, BaseGeometry]:
    """Unit key -> its stored geometry (EPSG:25832): the municipalities' territories and the published
    spatial units' geometries (only units the public knows)."""
    found = {key: territory for key, territory in session.execute(select(Municipality.key, Municipality.territory))
             if territory is not None and key in units.units}
    for _feature, revision in session.execute(public_query("spatial_units")):
        key = (revision.properties or {}).get("key")
        if isinstance(key, str) and key in units.units and key not in found and revision.geometry is not None:
            found[key] = revision.geometry
    return found


def simplify_coverage(geometries: list[BaseGeometry], tolerance: float) -> list[BaseGeometry]:
    """The polygons of one level simplified together, their shared edges kept shared. A set that is no
    valid coverage (overlapping territories, an error of the data) is simplified polygon by polygon
    with topology preserved, so each stays valid though neighbours may then differ slightly."""
    if not geometries:
        return []
    if shapely.coverage_is_valid(geometries):
        return list(shapely.coverage_simplify(geometries, tolerance, simplify_boundary=True))
    return list(shapely.simplify(geometries, tolerance, preserve_topology=True))


def _web_geometry(geometry: BaseGeometry) -> dict[str, Any] | None:
    """GeoJSON in CRS84 with :data:`DIGITS` decimals; None when nothing is left."""
    projected = reproject(geometry, STORAGE_CRS, WEB_CRS)
    rounded = shapely.set_precision(projected, 10 ** -DIGITS)
    return None if rounded.is_empty else mapping(rounded)


def _build(session: Session, level: str) -> str:
    units = load_units(session, published=True)
    members = units.of_level(level)
    if not members:
        raise Invalid("invalid_query", errors=[FieldError("level", "unknown_choice", {"value": level})])
    stored = _stored_geometries(session, units)
    with_geometry = [u for u in members if u.key in stored]
    simplified = dict(zip((u.key for u in with_geometry),
                          simplify_coverage([stored[u.key] for u in with_geometry], TOLERANCE_M), strict=True))
    features = [{"type": "Feature", "id": u.key,
                 "properties": {"key": u.key, "name": u.name, "level": u.level, "parent": u.parent,
                                "parent_level": units.units[u.parent].level if u.parent in units.units else None},
                 "geometry": _web_geometry(simplified[u.key]) if u.key in simplified else None}
                for u in members]
    return json.dumps({"type": "FeatureCollection", "level": level, "tolerance_m": TOLERANCE_M,
                       "features": features}, ensure_ascii=False, separators=(",", ":"))


def web_units(ctx: AtlasContext, level: str) -> str:
    """The GeoJSON text of the public units of ``level`` with simplified geometry (see the module);
    an unknown level is refused."""
    session = ctx.session
    key = (str(session.get_bind().url), sequence.public_version(Reader.on(session.connection())), level)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    text = _build(session, level)
    with _CACHE_LOCK:
        _CACHE[key] = text
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return text
