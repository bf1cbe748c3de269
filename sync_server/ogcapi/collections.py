"""The collections of the OGC API: small providers behind one interface (the pygeoapi way).

Each provider names a SQL statement of its public rows in a stable order (by id), the columns of id
and geometry, and how an equality filter on one of its queryable properties reads in SQL; the query
machinery in :func:`query_items` is shared. Paging is done by the database (a count and
OFFSET/LIMIT), never by loading every row. A bbox is filtered by PostGIS in SQL; on SQLite, which
stores hex EWKB text it cannot look into, the ids and geometries of the rows that pass the other
filters are streamed in batches and tested with shapely, so ``numberMatched`` stays exact.

The sync layers come from the layer registry and are read from the public read model
(:mod:`sync_server.domain.read_model`): the published revision of each feature as prepared GeoJSON,
found through a spatial index, concatenated by the service. The municipalities' territories
are public atlas configuration and come from the municipality table.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import ColumnElement, Connection, Select, Text, bindparam, func, select, type_coerce
from sqlalchemy.orm import Session, aliased

from ..domain import read_model
from ..domain.layers import LAYERS, LayerSpec
from ..storage.db import Reader, in_chunks
from ..storage.models import Municipality
from ..storage.types import SRID
from .crs import STORAGE, OgcCrs, lonlat_bounds, outward, swap_axes

_BATCH = 2000  # rows per round trip when streaming geometries


@dataclass(frozen=True)
class Item:
    """One feature as the public sees it: id, properties, geometry in the storage CRS."""

    id: str
    properties: dict[str, Any]
    geometry: BaseGeometry | None


@dataclass(frozen=True)
class Page:
    matched: int
    items: list[Item]


class Collection(ABC):
    """One collection of the OGC API: what it is called, what its features carry, and how a page, one
    feature and the extent are found. Most collections are SQL statements (:class:`SqlCollection`);
    the indicator collections are computed (aggregation and confidentiality run in Python)."""

    id: str
    title: str
    title_en: str
    description: str
    geometry_type: str

    @abstractmethod
    def queryables(self) -> dict[str, str]:
        """Properties a client may filter on by equality (name -> JSON schema type); Part 1 lets the
        server choose them."""

    @abstractmethod
    def properties(self) -> dict[str, str]:
        """Every property of the features (name -> JSON schema type), for the API description."""

    def property_descriptions(self) -> dict[str, str]:
        """Descriptions of properties for the API description (name -> text); none by default."""
        return {}

    def temporal_property(self) -> str | None:
        """The date property ``datetime`` filters on; None when there is none, and then ``datetime``
        filters nothing (Part 1: only features with a temporal property are judged by it)."""
        return None

    @abstractmethod
    def page(self, session: Session, filters: dict[str, str], period: Period | None, area: BaseGeometry | None,
             offset: int, limit: int) -> Page:
        """One page of the public features that pass the filters, lie in ``period`` and intersect
        ``area`` (storage CRS), in a stable order."""

    @abstractmethod
    def one(self, session: Session, item_id: str) -> Item | None:
        """One public feature by id; None when there is none."""

    @abstractmethod
    def extent(self, session: Session) -> list[float] | None:
        """The CRS84 box of every public geometry (None when there is none)."""


class SqlCollection(Collection):
    """A collection whose public rows are one SQL statement; the shared query machinery below pages,
    filters and bounds it in the database."""

    @abstractmethod
    def statement(self) -> Select:
        """The public rows, ordered by id."""

    @property
    @abstractmethod
    def id_column(self) -> ColumnElement: ...

    @property
    @abstractmethod
    def geometry_column(self) -> ColumnElement: ...

    @abstractmethod
    def condition(self, name: str, value: str) -> ColumnElement[bool]:
        """SQL for ``name = value`` on a queryable property."""

    @abstractmethod
    def items(self, session: Session, rows: Iterable[Any]) -> list[Item]:
        """Items of rows of :meth:`statement`."""

    def period_condition(self, period: Period) -> ColumnElement[bool]:
        raise NotImplementedError  # only called when temporal_property() names one

    def page(self, session: Session, filters: dict[str, str], period: Period | None, area: BaseGeometry | None,
             offset: int, limit: int) -> Page:
        return query_items(session, self, filters, period, area, offset, limit)

    def one(self, session: Session, item_id: str) -> Item | None:
        return get_item(session, self, item_id)

    def extent(self, session: Session) -> list[float] | None:
        return crs84_extent(session, self)


@dataclass(frozen=True)
class Period:
    """A ``datetime`` argument as a closed range of ISO dates; None is an open end."""

    start: str | None
    end: str | None


class PublishedLayer(Collection):
    """A sync layer: the published revision of each feature, read from the public read model
    (:mod:`..domain.read_model`, written at publish time through the publish rule) as prepared GeoJSON
    texts that the service concatenates."""

    def __init__(self, spec: LayerSpec) -> None:
        self.spec = spec
        self.id = spec.name
        self.title = spec.title
        self.title_en = spec.title_en
        self.description = (f"{spec.title} im Familienatlas: von jedem Objekt die veröffentlichte (von der "
                            f"Kreisverwaltung freigegebene) Fassung. / {spec.title_en}: the published revision "
                            "of each feature.")
        self.geometry_type = spec.geometry_type

    def queryables(self) -> dict[str, str]:
        """Only text properties: their equality means the same on both databases."""
        return {f.name: "string" for f in self.spec.fields if f.type == "string"}

    def properties(self) -> dict[str, str]:
        kinds = {"string": "string", "text": "string", "integer": "integer", "number": "number",
                 "boolean": "boolean", "date": "string"}
        return {**{f.name: kinds[f.type] for f in self.spec.fields}, "published_revision": "integer"}

    def temporal_property(self) -> str | None:
        return next((f.name for f in self.spec.fields if f.type == "date"), None)

    def _conditions(self, filters: dict[str, str], period: Period | None) -> list[ColumnElement[bool]]:
        conditions = [read_model.property_equals(name, value) for name, value in filters.items()]
        temporal = self.temporal_property()
        if period is not None and temporal is not None:
            conditions.append(read_model.property_between(temporal, period.start, period.end))
        return conditions

    def texts(self, reader: Reader, connect: Callable[[], Connection], filters: dict[str, str],
              period: Period | None, area: BaseGeometry | None, offset: int, limit: int,
              crs: OgcCrs) -> read_model.Texts:
        """A page as prepared GeoJSON Feature texts in ``crs``, with the number matched: read by ``reader``
        without filters, else through the connection ``connect`` gives (the session's)."""
        found = read_model.page(reader, connect, self.spec.name, self._conditions(filters, period), area,
                                offset, limit, projected=not crs.geographic)
        return found if not crs.lat_first else read_model.Texts(found.matched, [lat_first(d) for d in found.docs])

    def text_of(self, reader: Reader, item_id: str, crs: OgcCrs) -> str | None:
        """One feature as prepared GeoJSON text in ``crs``; None when it is not public."""
        found = read_model.one(reader, self.spec.name, item_id, projected=not crs.geographic)
        return lat_first(found) if found is not None and crs.lat_first else found

    def page(self, session: Session, filters: dict[str, str], period: Period | None, area: BaseGeometry | None,
             offset: int, limit: int) -> Page:
        found = self.texts(Reader.on(session.connection()), session.connection, filters, period, area, offset,
                           limit, STORAGE)
        return Page(found.matched, [_item(doc) for doc in found.docs])

    def one(self, session: Session, item_id: str) -> Item | None:
        found = self.text_of(Reader.on(session.connection()), item_id, STORAGE)
        return None if found is None else _item(found)

    def extent(self, session: Session) -> list[float] | None:
        _count, box = read_model.layer_summary(session.connection(), self.spec.name)
        return None if box is None else outward(box)


def _item(doc: str) -> Item:
    """An item of a prepared text in the storage CRS."""
    feature = json.loads(doc)
    geometry = feature.get("geometry")
    return Item(feature["id"], feature["properties"], shape(geometry) if geometry else None)


def lat_first(doc: str) -> str:
    """A prepared CRS84 text with latitude first (EPSG:4326 by its definition); the rare case, so decoded."""
    feature = json.loads(doc)
    if feature.get("geometry"):
        feature["geometry"]["coordinates"] = swap_axes(feature["geometry"]["coordinates"])
    return json.dumps(feature, ensure_ascii=False)


class Municipalities(SqlCollection):
    """The municipalities' territories (and the county's): public atlas configuration."""

    id = "municipalities"
    title = "Gemeindegebiete"
    title_en = "Municipal territories"
    description = ("Gebiete des Landkreises und seiner Kommunen mit amtlichem Schlüssel, Name, Art und "
                   "übergeordneter Kommune. / Territories of the county and its municipalities.")
    geometry_type = "MultiPolygon"

    def queryables(self) -> dict[str, str]:
        return {"key": "string", "name": "string", "kind": "string", "parent_key": "string"}

    def properties(self) -> dict[str, str]:
        return self.queryables()

    def statement(self) -> Select:
        return select(Municipality).order_by(Municipality.key)

    @property
    def id_column(self) -> ColumnElement:
        return Municipality.key

    @property
    def geometry_column(self) -> ColumnElement:
        return Municipality.territory

    def condition(self, name: str, value: str) -> ColumnElement[bool]:
        if name == "parent_key":
            parent = aliased(Municipality)
            return Municipality.parent_id.in_(select(parent.id).where(parent.key == value))
        return getattr(Municipality, name) == value

    def items(self, session: Session, rows: Iterable[Any]) -> list[Item]:
        keys = municipality_keys(session)
        return [Item(m.key, {"key": m.key, "name": m.name, "kind": m.kind,
                             "parent_key": keys.get(m.parent_id) if m.parent_id is not None else None},
                     m.territory) for (m,) in rows]


def municipality_keys(session: Session) -> dict[int, str]:
    return {mid: key for mid, key in session.execute(select(Municipality.id, Municipality.key))}


def published_collection(collection_id: str) -> PublishedLayer | None:
    """The collection of a layer the public reads as it is, found without a query (None: another kind):
    a page or a feature of it needs nothing of the rest (the indicator catalogue above all)."""
    spec = LAYERS.get(collection_id)
    return PublishedLayer(spec) if spec is not None and spec.raw_public else None


def all_collections(session: Session) -> list[Collection]:
    """Every sync layer the public reads as it is, the municipalities, then the indicator values per
    spatial level (they reach the public only through confidentiality, see :mod:`.indicators`)."""
    from .indicators import indicator_collections  # it builds on this module

    return [*(PublishedLayer(spec) for spec in LAYERS.values() if spec.raw_public), Municipalities(),
            *indicator_collections(session)]


# --- the shared query machinery ----------------------------------------------------------------------


def _spatial_sql(session: Session) -> bool:
    """PostGIS can intersect in SQL; SQLite keeps hex EWKB text and needs shapely."""
    return session.get_bind().dialect.name == "postgresql"


def _filtered(collection: SqlCollection, filters: dict[str, str], period: Period | None) -> Select:
    stmt = collection.statement().where(*(collection.condition(n, v) for n, v in filters.items()))
    if period is not None and collection.temporal_property() is not None:
        stmt = stmt.where(collection.period_condition(period))
    return stmt


def _streamed_geometries(session: Session, stmt: Select,
                         collection: SqlCollection) -> Iterator[tuple[Sequence[str], np.ndarray]]:
    """(ids, geometries) of the rows of ``stmt`` in batches; the raw hex is decoded by shapely at once."""
    raw = stmt.with_only_columns(collection.id_column, type_coerce(collection.geometry_column, Text))
    result = session.execute(raw.execution_options(yield_per=_BATCH))
    for batch in result.partitions(_BATCH):
        ids = [row[0] for row in batch]
        yield ids, shapely.from_wkb([row[1] for row in batch])


def query_items(session: Session, collection: SqlCollection, filters: dict[str, str], period: Period | None,
                area: BaseGeometry | None, offset: int, limit: int) -> Page:
    """One page of the public features that pass the filters, lie in ``period`` and intersect ``area``
    (storage CRS)."""
    stmt = _filtered(collection, filters, period)
    if area is not None and area.is_empty:
        return Page(0, [])
    if area is None or _spatial_sql(session):
        if area is not None:
            shape = func.ST_GeomFromText(bindparam("area", shapely.to_wkt(area, rounding_precision=-1)), SRID)
            stmt = stmt.where(func.ST_Intersects(collection.geometry_column, shape))
        matched = session.execute(select(func.count()).select_from(
            stmt.order_by(None).with_only_columns(collection.id_column).subquery())).scalar_one()
        rows = session.execute(stmt.offset(offset).limit(limit)).all() if offset < matched else []
        return Page(matched, collection.items(session, rows))
    shapely.prepare(area)
    matched, wanted = 0, []
    for ids, geometries in _streamed_geometries(session, stmt, collection):
        hits = np.flatnonzero(shapely.intersects(area, geometries))  # None (no geometry) never intersects
        for index in hits:
            if offset <= matched < offset + limit:
                wanted.append(ids[index])
            matched += 1
    rows: list[Any] = []
    for part in in_chunks(wanted):
        rows.extend(session.execute(stmt.where(collection.id_column.in_(part))).all())
    items = collection.items(session, rows)
    order = {fid: i for i, fid in enumerate(wanted)}
    return Page(matched, sorted(items, key=lambda item: order[item.id]))


def get_item(session: Session, collection: SqlCollection, item_id: str) -> Item | None:
    row = session.execute(collection.statement().where(collection.id_column == item_id)).first()
    return None if row is None else collection.items(session, [row])[0]


def crs84_extent(session: Session, collection: SqlCollection) -> list[float] | None:
    """The CRS84 box of every public geometry of a collection (None when it has none).

    Taken from the vertices in longitude and latitude, not from the box in metres: a UTM rectangle
    reaches further in degrees than the data (the meridians converge), and clients zoom to this box.
    """
    stmt = collection.statement().order_by(None)
    if _spatial_sql(session):
        g = func.ST_Transform(collection.geometry_column, 4326)
        x0, y0, x1, y1 = session.execute(stmt.with_only_columns(
            func.min(func.ST_XMin(g)), func.min(func.ST_YMin(g)), func.max(func.ST_XMax(g)),
            func.max(func.ST_YMax(g)))).one()
        return None if x0 is None else outward((float(x0), float(y0), float(x1), float(y1)))
    boxes = [lonlat_bounds(shapely.get_coordinates(geometries))
             for _ids, geometries in _streamed_geometries(session, stmt, collection)]
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return None
    return outward((min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                    max(b[3] for b in boxes)))
