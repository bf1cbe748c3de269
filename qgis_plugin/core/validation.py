"""Checks of the local changes before a sync, so that nothing the server would refuse is sent.

The server stays the judge (it checks every write, and its rules live in
``sync_server/domain/rights.py`` and ``layers.py``); these checks repeat the ones a person can act
on before sending, with a clear message per feature and field, offline:

- every constraint the layer description declares (:mod:`.constraints`, from the layer schemas
  stored at checkout or refreshed by a sync): required fields, catalogue choices, lengths,
  ranges, formats such as e-mail and web address, cross-field rules such as a subcategory of its
  category or age from <= age to;
- an editor changes or deletes only features its municipality owns, and never sets another owner;
- an editor's geometry lies inside its territory, with the server's border tolerance (points
  digitised on the border may lie up to ``tolerance_m`` outside);
- the geometry is there, readable, of the layer's type, with finite coordinates, closed rings of
  at least four points and no ring crossing itself (what QGIS's digitising tools let slip through
  and the server refuses).

Geometry is checked in pure Python on the territory stored by :mod:`.reference` (point in polygon
by ray casting, distance to the border segments), because the core cannot rely on shapely or GDAL
inside QGIS. For lines and polygons every vertex is checked, which is what matters in practice; the
server's exact test remains the final word.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import reference
from .constraints import FORMAT, RANGE, Constraint, violations
from .geopackage import has_geometry
from .messages import MESSAGES, get_language, title_of, tr
from .wkb import iter_points
from .workcopy import Change, WorkingCopy

#: The server's default border tolerance (``FAMILIENATLAS_BORDER_TOLERANCE_M``).
DEFAULT_TOLERANCE_M = 25.0


@dataclass(frozen=True)
class Problem:
    """One reason not to send one feature: layer, uuid, field (None for the feature) and message."""

    layer: str
    uuid: str
    field: str | None
    code: str
    message: str


# ---------------------------------------------------------------------- geometry (pure Python)

Point = tuple[float, float]


def _polygons(geometry: Mapping[str, Any] | None) -> list[list[list[Sequence[float]]]]:
    """The polygons (lists of rings) of a Polygon or MultiPolygon."""
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def _in_ring(x: float, y: float, ring: Sequence[Sequence[float]]) -> bool:
    """Ray casting (even-odd rule); points exactly on an edge may go either way."""
    inside = False
    n = len(ring)
    if n < 3:
        return False
    x1, y1 = float(ring[-1][0]), float(ring[-1][1])
    for vertex in ring:
        x2, y2 = float(vertex[0]), float(vertex[1])
        if (y2 > y) != (y1 > y) and x < (x1 - x2) * (y - y2) / (y1 - y2) + x2:
            inside = not inside
        x1, y1 = x2, y2
    return inside


def point_in_polygon(point: Point, geometry: Mapping[str, Any] | None) -> bool:
    """Whether ``point`` lies in the (Multi)Polygon ``geometry`` (inside an outer ring, not in a hole)."""
    x, y = point
    for rings in _polygons(geometry):
        if rings and _in_ring(x, y, rings[0]) and not any(_in_ring(x, y, hole) for hole in rings[1:]):
            return True
    return False


def _segment_distance(x: float, y: float, a: Sequence[float], b: Sequence[float]) -> float:
    ax, ay, bx, by = float(a[0]), float(a[1]), float(b[0]), float(b[1])
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / length2))
    return math.hypot(x - (ax + t * dx), y - (ay + t * dy))


def distance_to_border(point: Point, geometry: Mapping[str, Any] | None) -> float:
    """The distance from ``point`` to the nearest ring of ``geometry`` (inf without rings)."""
    x, y = point
    best = math.inf
    for rings in _polygons(geometry):
        for ring in rings:
            for i in range(len(ring) - 1):
                best = min(best, _segment_distance(x, y, ring[i], ring[i + 1]))
            if len(ring) > 1 and list(ring[0]) != list(ring[-1]):
                best = min(best, _segment_distance(x, y, ring[-1], ring[0]))
    return best


def distance_outside(point: Point, territory: Mapping[str, Any] | None) -> float:
    """0 for a point inside the territory, else its distance to the territory's border."""
    if point_in_polygon(point, territory):
        return 0.0
    return distance_to_border(point, territory)


def geometry_outside(geometry: Mapping[str, Any] | None, territory: Mapping[str, Any] | None) -> float:
    """How far the geometry reaches outside the territory (largest vertex distance; 0 = inside)."""
    if not geometry:
        return 0.0
    points = [p for p in iter_points(geometry) if not (math.isnan(p[0]) or math.isnan(p[1]))]
    return max((distance_outside(p, territory) for p in points), default=0.0)


def _segments_cross(a: Sequence[float], b: Sequence[float], c: Sequence[float], d: Sequence[float]) -> bool:
    """Whether segments ab and cd properly cross or overlap (touching at shared ends does not count)."""
    def orient(p: Sequence[float], q: Sequence[float], r: Sequence[float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2, d3, d4 = orient(c, d, a), orient(c, d, b), orient(a, b, c), orient(a, b, d)
    if ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4)):
        return True
    if d1 == d2 == d3 == d4 == 0:  # collinear: overlapping, not just touching end to end
        lo1, hi1 = sorted((tuple(a), tuple(b)))
        lo2, hi2 = sorted((tuple(c), tuple(d)))
        return max(lo1, lo2) < min(hi1, hi2)
    return False


#: Rings with more vertices than this are left to the server's exact test (the pairwise check is
#: quadratic and must not keep QGIS busy).
SELF_CROSSING_MAX_VERTICES = 2000


def ring_crossing(ring: Sequence[Sequence[float]]) -> tuple[float, float] | None:
    """A point where a closed ring crosses itself (a "bow tie"), None when it does not."""
    n = len(ring) - 1
    if n < 3 or n > SELF_CROSSING_MAX_VERTICES:
        return None
    for i in range(n):
        a, b = ring[i], ring[i + 1]
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue  # the first and last segments share the closing point
            if _segments_cross(a, b, ring[j], ring[j + 1]):
                return float(a[0]), float(a[1])
    return None


def check_geometry(layer: str, schema: Mapping[str, Any], change: Change) -> list[Problem]:
    """The geometry of one insert or update: present, readable, of the layer's type, well formed."""
    expected = schema.get("geometry_type")
    if change.op == "delete" or not has_geometry(schema):
        return []

    def problem(code: str, **params: Any) -> list[Problem]:
        return [Problem(layer, change.uuid, "geometry", code, tr(f"validation.{code}", **params))]

    if change.geometry_error:
        return problem("geometry_unreadable", reason=change.geometry_error)
    geometry = change.geometry
    if not geometry:
        return problem("geometry_missing")
    if geometry.get("type") != expected:
        return problem("geometry_wrong_type", got=geometry.get("type"), expected=expected)
    points = iter_points(geometry)
    if not points:
        return problem("geometry_missing")  # an empty geometry (e.g. POINT EMPTY) locates nothing
    if not all(math.isfinite(x) and math.isfinite(y) for x, y in points):
        return problem("geometry_not_finite")
    for rings in _polygons(geometry):
        for ring in rings:
            if len(ring) < 4:
                return problem("ring_too_short")
            if list(ring[0])[:2] != list(ring[-1])[:2]:
                return problem("ring_not_closed")
            crossing = ring_crossing(ring)
            if crossing is not None:
                return problem("ring_crosses_itself", x=round(crossing[0]), y=round(crossing[1]))
    return []


# ---------------------------------------------------------------------- rules


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def check_values(layer: str, schema: Mapping[str, Any], change: Change) -> list[Problem]:
    """Every constraint the layer description declares (:mod:`.constraints`: required fields,
    catalogue choices, lengths, ranges, formats, cross-field rules) for one insert or update."""
    if change.op == "delete":
        return []
    fields = {spec["name"]: spec for spec in schema.get("fields", [])}
    values = change.properties or {}
    return [Problem(layer, change.uuid, c.field, c.code, _message(c, fields, values))
            for c in violations(schema, values)]


def _message(constraint: Constraint, fields: Mapping[str, Mapping[str, Any]], values: Mapping[str, Any]) -> str:
    """The message of a broken constraint: the one of its code when the catalogue has it (the server's
    codes of declared rules, e.g. ``subcategory_mismatch``), else the one of its kind."""
    first, *rest = constraint.fields
    value = values.get(first)
    params: dict[str, Any] = {**constraint.params, "field": title_of(fields[first], first), "value": value,
                              "length": len(value.strip()) if isinstance(value, str) else 0}
    if rest:
        other = values.get(rest[0])
        params.update(other_field=title_of(fields[rest[0]], rest[0]), other=other, category=other)
    if constraint.kind == FORMAT and f"validation.format_{constraint.params.get('format')}" in MESSAGES["de"]:
        return tr(f"validation.format_{constraint.params['format']}", **params)
    if constraint.kind == RANGE and constraint.params.get("min") is None:
        return tr("validation.above_maximum", **params)
    if constraint.kind == RANGE and constraint.params.get("max") is None:
        return tr("validation.below_minimum", **params)
    key = f"validation.{constraint.code}"
    return tr(key if key in MESSAGES["de"] else f"validation.{constraint.kind}", **params)


def check_rights(layer: str, change: Change, *, role: str | None, own_key: str | None, base_owner: str | None,
                 territory: Mapping[str, Any] | None, tolerance_m: float = DEFAULT_TOLERANCE_M,
                 label: Any = None) -> list[Problem]:
    """The ownership rule (docs/architecture.md, rights) for one change, as far as the client can know it.

    ``base_owner`` is the owner the server last sent (None for an insert), ``territory`` the own
    municipality's territory (None when unknown: then the server alone decides). The admin may do
    everything; a reader nothing; an editor only its own features, inside its territory. ``label``
    turns a municipality key into a readable name for the messages.
    """
    name_of = label or (lambda key: key or "?")
    if role == "admin":
        return []
    if role not in (None, "editor"):
        return [Problem(layer, change.uuid, None, "read_only_role", tr("validation.read_only_role", role=role))]
    if own_key is None:
        return []  # nothing known about the user yet: the server decides
    own = name_of(own_key)
    if change.op != "insert" and base_owner is not None and base_owner != own_key:
        return [Problem(layer, change.uuid, None, "not_owner",
                        tr("validation.not_owner", owner=name_of(base_owner), own=own))]
    if change.op == "delete":
        return []
    problems: list[Problem] = []
    owner = (change.properties or {}).get("owner")
    if not _empty(owner) and owner != own_key:
        problems.append(Problem(layer, change.uuid, "owner", "foreign_owner",
                                tr("validation.foreign_owner", owner=name_of(owner), own=own)))
    if change.geometry and territory is not None:
        outside = geometry_outside(change.geometry, territory)
        if outside > tolerance_m:
            key = "validation.outside_territory" if change.geometry.get("type") == "Point" else \
                "validation.shape_outside_territory"
            problems.append(Problem(layer, change.uuid, "geometry", "outside_territory",
                                    tr(key, distance=_metres(outside), own=own, tolerance=_metres(tolerance_m))))
    return problems


def _metres(value: float) -> str:
    """A distance for people: ``130 m``, ``2,5 km`` (decimal point in English)."""
    if value >= 1000:
        text = f"{value / 1000:.1f} km"
    elif value >= 100 or round(value, 1).is_integer():
        text = f"{round(value):d} m"
    else:
        text = f"{value:.1f} m"
    return text.replace(".", ",") if get_language() == "de" else text


def validate(workcopy: WorkingCopy, layers: Iterable[str] | None = None, *,
             tolerance_m: float = DEFAULT_TOLERANCE_M) -> list[Problem]:
    """Every problem of the working copy's local changes, per feature and field.

    The user's role and municipality and the territory come from :mod:`.reference` (stored at
    checkout); without them only the schema checks run.
    """
    stored_user = reference.user(workcopy) or {}
    role = stored_user.get("role")
    own_key = (stored_user.get("municipality") or {}).get("key")
    territory = reference.territory(workcopy, own_key) if own_key and role == "editor" else None
    names = reference.municipalities(workcopy)

    def label(key: str | None) -> str:
        return reference.municipality_label(workcopy, key, names)

    problems: list[Problem] = []
    for layer in (list(layers) if layers is not None else workcopy.layer_names()):
        schema = workcopy.schema(layer)
        for change in workcopy.local_changes(layer):
            base_owner = None
            if change.op != "insert":
                base = workcopy.read_base(layer, change.uuid)
                base_owner = base.properties.get("owner") if base is not None else None
            problems += check_rights(layer, change, role=role, own_key=own_key, base_owner=base_owner,
                                     territory=territory, tolerance_m=tolerance_m, label=label)
            problems += check_values(layer, schema, change)
            problems += check_geometry(layer, schema, change)
    return problems


def held_back(problems: Iterable[Problem]) -> dict[str, set[str]]:
    """The features not to send, per layer: the ``hold_back`` argument of ``Synchronizer.sync``."""
    out: dict[str, set[str]] = {}
    for problem in problems:
        out.setdefault(problem.layer, set()).add(problem.uuid)
    return out
