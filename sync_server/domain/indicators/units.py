"""The spatial units indicator values belong to: unit key -> level, owner, parent, name.

Two sources, one key space (docs/indicators.md, "Spatial units of indicator values"):

- the municipalities: the county (the row without a parent) is level ``landkreis``, its children
  (Einheitsgemeinden and Samtgemeinden) are ``gemeinde``, their members ``mitgliedsgemeinde``; the
  owner of each is the municipality itself;
- the features of the ``spatial_units`` layer (Ortsteile and any level the admin creates), by their
  ``key`` property; owner is the feature's owner, parent its ``parent_key`` (else its owner's key).

Writes judge the head state (an editor may deliver values for an Ortsteil still waiting for review);
public answers use the published state, so no name of an unpublished unit leaks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ...storage.models import Feature, Municipality, Revision
from ..lifecycle import Op
from .tree import UnitTree

MUNICIPAL_LEVELS = ("landkreis", "gemeinde", "mitgliedsgemeinde")
"""The level of a municipality row by its depth below the county."""


@dataclass(frozen=True)
class Unit:
    key: str
    level: str
    owner_id: int
    parent: str | None
    name: str


@dataclass
class UnitIndex:
    """Every unit by key, and the tree aggregation and confidentiality walk."""

    units: dict[str, Unit] = field(default_factory=dict)

    def get(self, key: object) -> Unit | None:
        return self.units.get(key) if isinstance(key, str) else None

    def of_level(self, level: str) -> list[Unit]:
        return sorted((u for u in self.units.values() if u.level == level), key=lambda u: u.key)

    @cached_property
    def tree(self) -> UnitTree:
        return UnitTree(parent={k: u.parent for k, u in self.units.items()},
                        level={k: u.level for k, u in self.units.items()})


def municipality_level(m: Municipality, by_id: Mapping[int, Municipality]) -> str:
    """The level of a municipality row by its depth below the county: the root is the county, its
    children are Gemeinden/Samtgemeinden, everything below them member municipalities."""
    depth, seen = 0, set()
    while m.parent_id is not None and m.parent_id in by_id and m.id not in seen:
        seen.add(m.id)
        m = by_id[m.parent_id]
        depth += 1
    return MUNICIPAL_LEVELS[min(depth, len(MUNICIPAL_LEVELS) - 1)]


def _municipal_units(municipalities: list[Municipality]) -> dict[str, Unit]:
    by_id = {m.id: m for m in municipalities}
    return {m.key: Unit(m.key, municipality_level(m, by_id), m.id,
                        by_id[m.parent_id].key if m.parent_id in by_id else None, m.name)
            for m in municipalities}


def load_units(session: Session, *, published: bool = False,
               municipalities: list[Municipality] | None = None) -> UnitIndex:
    """All units: municipalities plus the spatial units' head (``published`` False) or published state.

    A spatial unit whose key is a municipality's key, whose parent is unknown or whose parents would
    form a cycle is left out (the municipality wins; a broken unit cannot take values until fixed)."""
    rows = municipalities if municipalities is not None else list(session.scalars(select(Municipality)))
    units = _municipal_units(rows)
    key_of = {m.id: m.key for m in rows}
    seq = Feature.published_seq if published else Feature.head_seq
    found: dict[str, Unit] = {}
    for _feature, rev in session.execute(
            select(Feature, Revision).join(Revision, and_(Revision.seq == seq))
            .where(Feature.layer == "spatial_units", Revision.op != Op.DELETE).order_by(Feature.id)):
        props = rev.properties or {}
        key, level = props.get("key"), props.get("level")
        if not isinstance(key, str) or not isinstance(level, str) or key in units or key in found:
            continue
        parent = props.get("parent_key") or key_of.get(rev.owner_id)
        found[key] = Unit(key, level, rev.owner_id, parent, str(props.get("name") or key))
    # Keep only units whose chain of parents ends at a municipality (no dangling parents, no cycles).
    resolved: dict[str, bool] = {}

    def reaches_municipality(key: str, path: frozenset[str]) -> bool:
        if key in units:
            return True
        if key in resolved:
            return resolved[key]
        unit = found.get(key)
        ok = unit is not None and unit.parent is not None and unit.parent not in path and reaches_municipality(
            unit.parent, path | {key})
        resolved[key] = ok
        return ok

    units.update({k: u for k, u in found.items() if reaches_municipality(k, frozenset())})
    return UnitIndex(units)


def visible_units(head: UnitIndex, published: UnitIndex, readable: Callable[[int], bool]) -> UnitIndex:
    """The units as one caller may know them: the head state of the owners whose unpublished work it
    may read, the published state of all others. So an unpublished Ortsteil of a municipality that
    does not share answers to an editor of another municipality exactly like a key that does not exist
    (upload report, template, push), and no name of it leaks. Units whose parent the caller cannot see
    are left out with it."""
    units = {k: u for k, u in head.units.items() if readable(u.owner_id)}
    units.update({k: u for k, u in published.units.items() if k not in units and not readable(u.owner_id)})
    while dangling := [k for k, u in units.items() if u.parent is not None and u.parent not in units]:
        for key in dangling:
            del units[key]
    return UnitIndex(units)
