"""Derived provision indicators (Infrastrukturausstattung): offers per category and spatial unit, and
offers per 1,000 people of the target group, computed from the PUBLISHED institutions.

Why computed and not uploaded: the county already maintains every offer with its position; counting
them per unit is arithmetic, and a number that is computed cannot go stale or contradict the map.
This is what reveals gaps in provision ("Versorgungslücken"): a unit with no offer of a category has
the value 0, visible as a gap, never a missing value.

Definitions (documented in docs/indicators.md, "Derived provision indicators"):

* **Where an offer counts**: in every unit whose area contains its point (spatial join of the
  published institutions with the municipalities' territories and the published spatial units'
  polygons; one STRtree per level). A point on a border between two units of a level counts once,
  in the unit with the lower key, so the units of a level still add up to their parent.
* **Which offers**: those whose ``category`` or ``subcategory`` is the indicator's category.
* **The year**: the offers as published now count for the current calendar year (the atlas keeps
  no history of what was published when, and planners read provision as "Stand heute"). The rate's
  denominator is the target population of that year if published, else of the latest published
  year before it; the value's note names that year.
* **Computed on read** from the published state, so it is recomputed whenever an institution or a
  population value is published, and is always consistent with both (about 10 ms for the demo's
  320 offers and 60 units; see tests/server/test_provision.py).

The core (:func:`offer_counts`, :func:`provision_values`) is pure: points and polygons in, numbers
out. :func:`published_provision` reads the published state from the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...storage.models import Municipality, Revision
from ..publish import public_columns, public_rows
from .aggregation import aggregate
from .confidentiality import Cell, Rule
from .units import UnitIndex, load_units


@dataclass(frozen=True)
class ProvisionSpec:
    """What the catalogue says of one provision indicator (its ``provision`` field and levels)."""

    indicator: str
    category: str
    levels: tuple[str, ...]
    population: str | None = None
    per: float = 1000.0


@dataclass(frozen=True)
class Offer:
    """A published institution as the join needs it: position (storage CRS) and its categories."""

    x: float
    y: float
    category: str | None
    subcategory: str | None = None


@dataclass(frozen=True)
class UnitArea:
    key: str
    level: str
    geometry: BaseGeometry


@dataclass(frozen=True)
class ProvisionValue:
    """One computed value; ``population_year`` is the year of the denominator (rates only)."""

    cell: Cell
    level: str
    population_year: int | None = None

    @property
    def check_cell(self) -> Cell:
        """The cell the confidentiality rule judges: a rate is keyed by the year of its population, so
        ``Rule.based_on`` links it to the population value it was divided by (same unit, same year)
        and a hidden population value hides the rate built on it."""
        if self.population_year is None or self.population_year == self.cell.year:
            return self.cell
        c = self.cell
        return Cell(c.indicator, c.unit, self.population_year, c.value, c.numerator, c.denominator)

    @property
    def note(self) -> str | None:
        if self.population_year is None:
            return None
        return f"Bevölkerung Stand 31.12.{self.population_year}"


def offer_counts(offers: Sequence[Offer], units: Sequence[UnitArea],
                 categories: Iterable[str]) -> dict[str, dict[str, int]]:
    """Offers per unit and category: ``{unit key: {category: count}}``, with 0 where there is none.

    Vectorised: one STRtree of the unit polygons per level, queried with all points at once.
    """
    cats = sorted(set(categories))
    counts = {u.key: dict.fromkeys(cats, 0) for u in units}
    if not offers or not units or not cats:
        return counts
    column = {c: i for i, c in enumerate(cats)}
    member = np.zeros((len(offers), len(cats)), dtype=np.int64)  # offer x category: 1 when it belongs
    for row, offer in enumerate(offers):
        for value in {offer.category, offer.subcategory}:
            if value in column:
                member[row, column[value]] = 1
    points = shapely.points(np.array([(o.x, o.y) for o in offers], dtype=float))
    by_level: dict[str, list[UnitArea]] = {}
    for unit in units:
        by_level.setdefault(unit.level, []).append(unit)
    for level_units in by_level.values():
        level_units.sort(key=lambda u: u.key)
        tree = shapely.STRtree([u.geometry for u in level_units])
        point_idx, unit_idx = tree.query(points, predicate="intersects")
        if not len(point_idx):
            continue
        order = np.lexsort((unit_idx, point_idx))  # per point, the unit with the lowest key first
        point_idx, unit_idx = point_idx[order], unit_idx[order]
        _, first = np.unique(point_idx, return_index=True)
        totals = np.zeros((len(level_units), len(cats)), dtype=np.int64)
        np.add.at(totals, unit_idx[first], member[point_idx[first]])
        for unit, row in zip(level_units, totals, strict=True):
            counts[unit.key] = dict(zip(cats, (int(v) for v in row), strict=True))
    return counts


def provision_values(specs: Sequence[ProvisionSpec], offers: Sequence[Offer], units: Sequence[UnitArea],
                     population: Mapping[tuple[str, str], Mapping[int, float]], year: int) -> list[ProvisionValue]:
    """Every provision indicator for every unit of its levels in ``year``.

    ``population`` maps (population indicator, unit) to its published values by year. A rate whose
    target population is unknown or 0 has no value (None); the count is still given as numerator.
    """
    counts = offer_counts(offers, units, (s.category for s in specs))
    out: list[ProvisionValue] = []
    for spec in specs:
        levels = set(spec.levels)
        for unit in units:
            if unit.level not in levels:
                continue
            count = counts[unit.key][spec.category]
            if spec.population is None:
                out.append(ProvisionValue(Cell(spec.indicator, unit.key, year, float(count)), unit.level))
                continue
            series = population.get((spec.population, unit.key), {})
            known = [y for y, v in series.items() if y <= year and v is not None]
            if not known:
                out.append(ProvisionValue(Cell(spec.indicator, unit.key, year, None, float(count), None),
                                          unit.level))
                continue
            ref = max(known)
            people = float(series[ref])
            value = count / people * spec.per if people > 0 else None
            out.append(ProvisionValue(Cell(spec.indicator, unit.key, year, value, float(count), people),
                                      unit.level, ref))
    return out


def current_year() -> int:
    """The year the offers as published now count for."""
    return datetime.now(UTC).year


# --------------------------------------------------------------------------------------------------
# Reading the published state


def specs_from_catalogue(indicators: Iterable[Any]) -> list[ProvisionSpec]:
    """The provision indicators of a catalogue (objects with ``key``, ``levels`` and ``provision``)."""
    specs = []
    for ind in indicators:
        prov = getattr(ind, "provision", None)
        if not prov:
            continue
        prov = prov if isinstance(prov, Mapping) else prov.body()
        population = prov.get("population")
        specs.append(ProvisionSpec(ind.key, prov["category"], tuple(ind.levels), population,
                                   float(prov.get("per") or 1000) if population else 1000.0))
    return specs


def unit_areas(session: Session, units: UnitIndex | None = None) -> list[UnitArea]:
    """Every unit with an area: the municipalities' territories and the published spatial units'
    polygons, at the levels ``units.py`` gives them (one place decides a unit's level)."""
    index = units if units is not None else load_units(session, published=True)
    geometry: dict[str, BaseGeometry] = {m.key: m.territory for m in session.scalars(select(Municipality))
                                          if m.territory is not None}
    for _feature, rev in public_rows(session, "spatial_units"):
        key = (rev.properties or {}).get("key")
        if rev.geometry is not None and isinstance(key, str):
            geometry.setdefault(key, rev.geometry)
    return [UnitArea(key, unit.level, geometry[key]) for key, unit in sorted(index.units.items()) if key in geometry]


def published_offers(session: Session) -> list[Offer]:
    offers = []
    for _feature, rev in public_rows(session, "institutions"):
        geom = rev.geometry
        if geom is None or geom.is_empty:
            continue
        point = geom if geom.geom_type == "Point" else geom.representative_point()
        props = rev.properties or {}
        offers.append(Offer(point.x, point.y, props.get("category"), props.get("subcategory")))
    return offers


def published_population(session: Session, keys: Iterable[str], units: UnitIndex | None = None,
                         layer: str = "indicator_values") -> dict[tuple[str, str], dict[int, float]]:
    """Published values of the population indicators: {(indicator, unit): {year: value}}, with the
    units that have no value of their own summed from their members (the aggregation's rule: only
    complete sums), so a Samtgemeinde or the county gets a rate too."""
    wanted = sorted(set(keys))
    out: dict[tuple[str, str], dict[int, float]] = {}
    if not wanted:
        return out
    cells = []
    for indicator, unit, year, value in public_columns(session, layer, ("indicator", "unit", "year", "value"),
                                                       Revision.properties["indicator"].as_string().in_(wanted)):
        if value is None or year is None:
            continue
        cells.append(Cell(indicator, unit, int(year), float(value)))
    index = units if units is not None else load_units(session, published=True)
    known = [c for c in cells if c.unit in index.units]
    rules = {k: Rule(kind="count", aggregation="sum") for k in wanted}
    computed = [a.cell for a in aggregate(known, rules, index.tree) if not a.incomplete and a.cell.value is not None]
    for cell in (*cells, *computed):
        out.setdefault((cell.indicator, cell.unit), {}).setdefault(cell.year, float(cell.value))
    return out


def published_provision(session: Session, indicators: Iterable[Any], year: int | None = None) -> list[ProvisionValue]:
    """The provision indicators of the catalogue computed from the published state, for ``year``
    (default: the current year, see the module's definitions)."""
    specs = specs_from_catalogue(indicators)
    if not specs:
        return []
    units = load_units(session, published=True)
    population = published_population(session, [s.population for s in specs if s.population], units)
    return provision_values(specs, published_offers(session), unit_areas(session, units), population,
                            current_year() if year is None else year)
