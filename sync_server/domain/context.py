"""What a write needs to know about the atlas, loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import Settings
from ..storage.models import Municipality
from .configuration import load_catalogue
from .layers import Catalogue

COUNTY_MARGIN_M = 5_000.0


@dataclass
class AtlasContext:
    settings: Settings
    catalogue: Catalogue
    municipalities: dict[int, Municipality]
    _buffered: dict[int, BaseGeometry] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, settings: Settings) -> AtlasContext:
        return cls(settings, load_catalogue(session), {m.id: m for m in session.scalars(select(Municipality))})

    @cached_property
    def id_by_key(self) -> dict[str, int]:
        return {m.key: m.id for m in self.municipalities.values()}

    def key_of(self, municipality_id: int) -> str:
        return self.municipalities[municipality_id].key

    def name_of(self, municipality_id: int) -> str:
        return self.municipalities[municipality_id].name

    def with_names(self, params: dict) -> dict:
        """``params`` plus ``<name>_name`` for every ``owner``/``municipality`` key in it: messages name
        municipalities by name (the key only in brackets), so a person recognises them."""
        out = dict(params)
        for name in ("owner", "municipality"):
            key = params.get(name)
            if isinstance(key, str) and key in self.id_by_key:
                out[f"{name}_name"] = self.name_of(self.id_by_key[key])
        return out

    def shares(self, municipality_id: int) -> bool:
        return self.municipalities[municipality_id].shares_unpublished

    def county_level(self, layer: str, properties: dict | None) -> str | None:
        """The level key when ``properties`` describe a spatial unit of a level that the county keeps
        for itself (not maintained by municipalities); None otherwise."""
        level = (properties or {}).get("level")
        if layer != "spatial_units" or level not in self.catalogue.levels:
            return None
        return None if level in self.catalogue.municipal_levels else level

    def territory_of(self, municipality_id: int) -> BaseGeometry | None:
        m = self.municipalities.get(municipality_id)
        return None if m is None else m.territory

    @cached_property
    def area_of_interest(self) -> tuple[float, float, float, float] | None:
        """The county's box with a margin: coordinates far outside are refused as a likely wrong CRS."""
        shapes = [m.territory for m in self.municipalities.values() if m.territory is not None]
        if not shapes:
            return None
        minx = min(s.bounds[0] for s in shapes) - COUNTY_MARGIN_M
        miny = min(s.bounds[1] for s in shapes) - COUNTY_MARGIN_M
        maxx = max(s.bounds[2] for s in shapes) + COUNTY_MARGIN_M
        maxy = max(s.bounds[3] for s in shapes) + COUNTY_MARGIN_M
        return (minx, miny, maxx, maxy)

    @cached_property
    def _leaf_index(self) -> tuple[STRtree, list[Municipality]]:
        parents = {m.parent_id for m in self.municipalities.values()}
        leaves = [m for m in self.municipalities.values() if m.id not in parents and m.territory is not None]
        return STRtree([m.territory for m in leaves]), leaves

    def municipality_at(self, geometry: BaseGeometry) -> int | None:
        """The lowest-level municipality a geometry lies in (for owners the admin leaves out)."""
        tree, leaves = self._leaf_index
        point = geometry if isinstance(geometry, Point) else geometry.representative_point()
        for index in tree.query(point, predicate="intersects"):
            return leaves[int(index)].id
        return None
