"""The service context: what every public domain service is given, the same way (docs/architecture.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import Settings
from ..storage.db import Reader
from ..storage.models import Municipality
from .configuration import load_catalogue
from .indicators import catalogue as indicator_catalogue
from .indicators.units import UnitIndex, load_units, visible_units
from .layers import Catalogue
from .rights import Actor, OwnedState, may_read_unpublished

COUNTY_MARGIN_M = 5_000.0
# The layers whose rows' ownership facts are read from their properties (a unit's level, a value's level and
# indicator): see AtlasContext.county_level and county_indicator.
_PROPERTY_FACT_LAYERS = frozenset({"spatial_units", "indicator_values"})


@dataclass
class AtlasContext:
    """Who acts, in which transaction, under which settings, on which atlas.

    Every public domain service takes it as its first argument, so no service is handed its
    dependencies piecemeal: ``session`` (the unit of work of the request or command), ``settings``,
    ``actor`` (an account, :data:`.rights.ANONYMOUS` for the public, :data:`.rights.OPERATOR` at the
    command line; never None), and the atlas's configuration - the layer catalogue, the municipalities,
    the indicator catalogue and spatial units -, each read from the session on first use. The HTTP layer
    builds one per request (``http/common.py:context``), the command line one per command."""

    session: Session = field(repr=False)
    settings: Settings
    actor: Actor
    # The hottest public reads' reader (see storage.db.Reader); the HTTP layer gives its request's own.
    reader_given: Reader | None = field(default=None, repr=False, kw_only=True)
    # Sharing settings read again after the request began (see refresh_sharing): id -> (shares, ended at).
    _sharing: dict[int, tuple[bool, int | None]] | None = field(default=None, repr=False)
    _units_seen: dict[int | None, UnitIndex] = field(default_factory=dict, repr=False)
    # OwnedStates without a geometry by (owner, county level, county indicator): see owned_state
    _owned: dict[tuple[int, str | None, str | None], OwnedState] = field(default_factory=dict, repr=False)
    # the same by (layer, owner, level and indicator as the properties give them)
    _owned_given: dict[tuple[Any, ...], OwnedState] = field(default_factory=dict, repr=False)

    def acting_as(self, actor: Actor) -> AtlasContext:
        """The same session and settings, another actor (the demo loader writes as several users)."""
        return AtlasContext(self.session, self.settings, actor)

    @cached_property
    def reader(self) -> Reader:
        """Reads of prepared statements without the session's overhead: the one given, else one on the
        session's connection (it sees this transaction's writes)."""
        return self.reader_given or Reader.on(self.session.connection())

    @cached_property
    def catalogue(self) -> Catalogue:
        """The configured layer catalogue (levels, categories), loaded on first use."""
        return load_catalogue(self.session)

    @cached_property
    def municipalities(self) -> dict[int, Municipality]:
        """Every municipality by id, loaded on first use."""
        return {m.id: m for m in self.session.scalars(select(Municipality))}

    @cached_property
    def indicators(self) -> indicator_catalogue.IndicatorCatalogue:
        """The indicator catalogue, loaded on first use (only indicator work needs it)."""
        return indicator_catalogue.load(self.session)

    @cached_property
    def units(self) -> UnitIndex:
        """The spatial units of indicator values (head state), loaded on first use."""
        return load_units(self.session, municipalities=list(self.municipalities.values()))

    def units_for(self, actor: Actor) -> UnitIndex:
        """The units ``actor`` may know (:func:`.indicators.units.visible_units`); every indicator path
        an editor or reader drives (push, upload, template) matches and checks units against this,
        never against the head of a municipality that does not share."""
        if actor.is_admin:
            return self.units
        if actor.user_id not in self._units_seen:
            published = load_units(self.session, published=True, municipalities=list(self.municipalities.values()))
            self._units_seen[actor.user_id] = visible_units(
                self.units, published, lambda owner: may_read_unpublished(actor, owner, self.shares(owner)))
        return self._units_seen[actor.user_id]

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
        if self._sharing is not None and municipality_id in self._sharing:
            return self._sharing[municipality_id][0]
        return self.municipalities[municipality_id].shares_unpublished

    def sharing_ended(self) -> dict[int, int]:
        """Municipality id -> the change number at which it last stopped sharing unpublished work."""
        if self._sharing is not None:
            return {mid: ended for mid, (_s, ended) in self._sharing.items() if ended is not None}
        return {m.id: m.sharing_ended_seq for m in self.municipalities.values() if m.sharing_ended_seq is not None}

    def refresh_sharing(self, session: Session) -> None:
        """Read the sharing settings again (one light query). A pull does so after reading its rows, so
        that no row is judged by settings older than the row (the context is loaded at request start)."""
        self._sharing = {mid: (shares, ended) for mid, shares, ended in session.execute(
            select(Municipality.id, Municipality.shares_unpublished, Municipality.sharing_ended_seq))}

    @staticmethod
    def reads_properties(layer: str) -> bool:
        """Whether the ownership facts of ``layer``'s rows (:meth:`county_level`, :meth:`county_indicator`)
        depend on their properties: of other layers a write need not decode the stored ones to judge it."""
        return layer in _PROPERTY_FACT_LAYERS

    def county_level(self, layer: str, properties: dict | None) -> str | None:
        """The level key when ``properties`` describe a spatial unit, or a value of a unit, of a level
        that the county keeps for itself (not maintained by municipalities); None otherwise. A value's
        level is always its unit's (values.check sets it); the municipalities' own rows (landkreis,
        gemeinde, mitgliedsgemeinde) are county levels unless the admin says otherwise."""
        if not self.reads_properties(layer):
            return None
        level = (properties or {}).get("level")
        if layer == "indicator_values" and isinstance(level, str):
            return None if level in self.catalogue.municipal_levels else level
        if layer != "spatial_units" or level not in self.catalogue.levels:
            return None
        return None if level in self.catalogue.municipal_levels else level

    def county_indicator(self, layer: str, properties: dict | None) -> str | None:
        """The indicator key when ``properties`` describe a value of an indicator the county maintains."""
        if layer != "indicator_values":
            return None
        ind = self.indicators.indicators.get((properties or {}).get("indicator"))
        return ind.key if ind is not None and ind.county_maintained else None

    def owned_state(self, layer: str, owner_id: int, geometry: BaseGeometry | None,
                    properties: dict | None) -> OwnedState:
        """The facts the ownership rule (rights.write_refusal) decides on, for a stored or a new row.

        Without a geometry (indicator values) the few distinct states of a push of 100,000 values are made
        once each and shared: the ownership rule looks its answers up by them. They are found by the level
        and indicator as given too (what the county level and indicator are made of, with the catalogue this
        context holds), without asking the catalogue again for each value."""
        given: tuple[Any, ...] | None = None
        if geometry is None:
            props = properties or {}
            given = (layer, owner_id, props.get("level"), props.get("indicator"))
            try:
                state = self._owned_given.get(given)
            except TypeError:  # a level or an indicator that is no text (an odd stored row): not kept
                given, state = None, None
            if state is not None:
                return state
        level, indicator = self.county_level(layer, properties), self.county_indicator(layer, properties)
        if geometry is not None:
            return OwnedState(owner_id, self.key_of(owner_id), geometry, level, indicator)
        state = self._owned.get((owner_id, level, indicator))
        if state is None:
            state = self._owned[(owner_id, level, indicator)] = OwnedState(owner_id, self.key_of(owner_id), None,
                                                                           level, indicator)
        if given is not None:
            self._owned_given[given] = state
        return state

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
