"""The published indicator values as OGC API collections: one collection per spatial level.

``indicators-<level>`` (``indicators-gemeinde``, ``indicators-ortsteil``, ...) has one feature per
published unit of that level and year: the unit's area (municipal territory or published spatial
unit) as geometry, its key, name, level, parent and the year, and one property per indicator
collected on that level, named by the indicator's key, with the value the public may see. This is
the shape GIS clients handle best: GDAL and QGIS read a flat attribute table whose columns are known
from the first page, a thematic map is one column and one ``year`` filter (``?year=2023``, which
GDAL and QGIS send to the server as an equality filter), and a unit's time series is ``?unit=...``.

The values come only from :mod:`..domain.indicators.public` (published values, aggregation,
confidentiality); nothing here decides what is public. A value the confidentiality rule hides is
``null``, never a number, and its indicator key is listed in the feature's ``hidden`` property
(comma-separated), so a client can tell "not shown (confidentiality)" from "no value" (also
``null``, not listed). The features are computed once per request, in memory (a county has some
thousand units x years), then filtered, paged and bounded here.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import sequence
from ..domain.answers import IndicatorValue
from ..domain.errors import BadRequest, FieldError
from ..domain.indicators import catalogue, public
from ..domain.indicators.provision import unit_areas
from ..storage.models import SpatialLevel
from .collections import Collection, Item, Page, Period
from .crs import lonlat_bounds, outward

PREFIX = "indicators-"
_YEAR = re.compile(r"[+-]?\d{1,9}")
_CACHE: OrderedDict[tuple, list[Item]] = OrderedDict()  # features per level and state of the atlas
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 8
LISTS = {"hidden": "suppressed", "provisional": "provisional", "estimated": "estimated",
         "series_break": "series_break"}
"""List properties (comma-separated indicator keys) and the flag of the public entry they collect."""
FIXED = {"unit": "string", "name": "string", "level": "string", "parent_key": "string", "year": "integer",
         **dict.fromkeys(LISTS, "string")}
"""The properties every feature has, before the indicators (the catalogue refuses these names as keys:
``catalogue.RESERVED_KEYS``; one stored before that rule is left out of the collection)."""


class IndicatorLevel(Collection):
    """The published values of one spatial level, one feature per unit and year."""

    geometry_type = "MultiPolygon"

    def __init__(self, level: str, level_name: str, indicators: list[catalogue.IndicatorDef]) -> None:
        self.level = level
        self.id = f"{PREFIX}{level}"
        self.title = f"Indikatoren: {level_name}"
        self.title_en = f"Indicators: {level_name}"
        self.description = (
            f"Veröffentlichte Indikatorwerte je {level_name} und Jahr, eine Eigenschaft je Indikator (Schlüssel "
            "des Indikatorkatalogs). Aus Gründen der Geheimhaltung nicht gezeigte Werte sind null und in "
            "'hidden' aufgeführt; null ohne Eintrag in 'hidden' heißt: kein Wert. / Published indicator values "
            f"per {level} unit and year, one property per indicator; values withheld for statistical "
            "confidentiality are null and listed in 'hidden'.")
        self.indicators = [i for i in indicators if i.key not in FIXED]
        self._features: list[Item] | None = None

    def queryables(self) -> dict[str, str]:
        return {"unit": "string", "year": "integer"}

    def properties(self) -> dict[str, str]:
        return {**FIXED, **{i.key: "number" for i in self.indicators}}

    def property_descriptions(self) -> dict[str, str]:
        return {"hidden": "Indicators whose value is withheld for statistical confidentiality (comma-separated keys; "
                          "their value is null)",
                "provisional": "Indicators whose value is provisional (comma-separated keys)",
                "estimated": "Indicators whose value is estimated (comma-separated keys)",
                "series_break": "Indicators with a break in the series in this year (comma-separated keys)",
                **{i.key: f"{i.name_de} / {i.name_en} ({i.unit})" for i in self.indicators}}

    # --- computing the features once per request -----------------------------------------------------

    def _compute(self, session: Session) -> list[Item]:
        """The features of the level, computed once per state of the atlas: the key changes with every
        push, review decision and catalogue change (as the public read's own cache), so paging through
        a level costs one computation, not one per page."""
        if self._features is not None:
            return self._features
        cat = catalogue.load(session)
        key = (str(session.get_bind().url), sequence.current(session), cat.version, date.today().year, self.level,
               tuple(i.key for i in self.indicators))
        with _CACHE_LOCK:
            if key in _CACHE:
                _CACHE.move_to_end(key)
                self._features = _CACHE[key]
                return self._features
        features = self._build(session, cat)
        with _CACHE_LOCK:
            _CACHE[key] = features
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
        self._features = features
        return features

    def _build(self, session: Session, cat: catalogue.IndicatorCatalogue) -> list[Item]:
        entries, units = public.public_entries(session, cat, level=self.level)
        areas = {a.key: a.geometry for a in unit_areas(session) if a.level == self.level}
        wanted = {i.key for i in self.indicators}
        cells: dict[tuple[str, int], list[IndicatorValue]] = {}
        for entry in entries:
            if entry.indicator in wanted and entry.unit in units.units:
                cells.setdefault((entry.unit, entry.year), []).append(entry)
        features = []
        for (unit_key, year), found in sorted(cells.items()):
            unit = units.units[unit_key]
            props: dict[str, Any] = {"unit": unit.key, "name": unit.name, "level": unit.level,
                                     "parent_key": unit.parent, "year": year}
            for name, flag in LISTS.items():
                props[name] = ",".join(sorted(e.indicator for e in found if getattr(e, flag))) or None
            props.update(dict.fromkeys(i.key for i in self.indicators))
            for entry in found:  # a suppressed value is None in the entry already: never the number
                props[entry.indicator] = None if entry.suppressed else entry.value
            features.append(Item(f"{unit_key}_{year}", props, areas.get(unit_key)))
        return features

    # --- the collection interface ----------------------------------------------------------------------

    @staticmethod
    def _year(value: str) -> int:
        if not _YEAR.fullmatch(value.strip()):
            raise BadRequest("invalid_query", errors=[FieldError("year", "wrong_type", {"expected": "integer"})])
        return int(value.strip())

    def page(self, session: Session, filters: dict[str, str], period: Period | None, area: BaseGeometry | None,
             offset: int, limit: int) -> Page:
        year = self._year(filters["year"]) if "year" in filters else None
        unit = filters.get("unit")
        chosen = [f for f in self._compute(session)
                  if (year is None or f.properties["year"] == year) and (unit is None or f.properties["unit"] == unit)]
        if area is not None:
            if area.is_empty:
                return Page(0, [])
            shapely.prepare(area)
            chosen = [f for f in chosen if f.geometry is not None and area.intersects(f.geometry)]
        return Page(len(chosen), chosen[offset:offset + limit])

    def one(self, session: Session, item_id: str) -> Item | None:
        return next((f for f in self._compute(session) if f.id == item_id), None)

    def extent(self, session: Session) -> list[float] | None:
        geometries = [a.geometry for a in unit_areas(session) if a.level == self.level and a.geometry is not None]
        if not geometries:
            return None
        box = lonlat_bounds(shapely.get_coordinates(geometries))
        return None if box is None else outward(box)


def indicator_collections(session: Session) -> list[Collection]:
    """One collection per spatial level (in the levels' order) with the indicators collected on it."""
    indicators = list(catalogue.load(session).indicators.values())
    levels: Iterable[SpatialLevel] = session.scalars(select(SpatialLevel).order_by(SpatialLevel.rank,
                                                                                 SpatialLevel.key))
    return [IndicatorLevel(level.key, level.name, [i for i in indicators if level.key in i.levels])
            for level in levels]
