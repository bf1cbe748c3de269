"""The public read model: what the public reads, prepared once at publish time.

The public side is read a thousand times for every publish, so the work is done when the county
publishes: :func:`refresh` writes each published feature of a raw-public layer (institutions, spatial
units) into ``public_features`` as finished GeoJSON text, in CRS84 and in EPSG:25832, with its
boxes, in the transaction that publishes. Readers (the public GeoJSON, the OGC API, the web map) then
run one indexed query and concatenate the stored texts: no ORM objects, no reprojection, no JSON
encoding per request.

What is public is decided by :mod:`.publish` alone (:func:`.publish.public_condition` and
:func:`.publish.public_properties`): the read model is its materialisation and never holds anything
unpublished. The publish paths call :func:`refresh` once with the features they touched (approve,
withdraw); a change of a municipality's key calls :func:`refresh_owner`; ``familienatlas-server
rebuild-read-model`` (and the migration that creates the table) run :func:`rebuild`.

Spatial index: one per public layer, holding each feature's box and the row's key, so a bbox page is counted
and ordered from the index (see :func:`spatial_index_statements`): on SQLite an R*Tree per layer (SQLite's
built-in module), kept in step with the table by triggers; on PostgreSQL a partial GiST index per layer on the
box, read by index-only scans. Each layer's count and CRS84
box are kept in ``public_layers``, so an unfiltered page's ``numberMatched`` and a collection's extent
cost no scan.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    CompoundSelect,
    Connection,
    Float,
    MetaData,
    Select,
    String,
    Table,
    Text,
    TypeDecorator,
    and_,
    bindparam,
    cast,
    column,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    table,
    type_coerce,
    union,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from ..storage.db import Prepared, Reader, among, bulk_insert, bulk_update, roomy_cache
from ..storage.models import Feature, Municipality, PublicFeature, PublicLayer, Revision
from ..storage.types import SRID, Geometry
from .geometry import STORAGE_CRS, WEB_CRS, geojson_texts, reproject
from .layers import LAYERS
from .publish import public_condition, public_properties, public_properties_text

TABLE = PublicFeature.__table__
LAYERS_TABLE = PublicLayer.__table__
_BATCH = 2000  # features prepared per round (memory stays flat while rebuilding a large atlas)
_REFRESH_BATCH = 10_000  # features refreshed per round of a publish


class _JsonText(TypeDecorator):
    """A JSON column written as the text given, already in the form the storage writes
    (:func:`.publish.public_properties_text`), so nothing is encoded again; compiled as the column's type."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def bind_processor(self, dialect: Dialect) -> None:  # type: ignore[override]
        return None


class _HexGeometry(Geometry):
    """The geometry column written as the hex EWKB the revisions already hold (on PostgreSQL the text form of
    ``geometry``), so nothing is decoded and encoded again."""

    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:  # type: ignore[override]
        return value

    def bind_many(self, values: list[str | None]) -> list[str | None]:  # type: ignore[override]
        return list(values)


# ``public_features`` as the bulk writes of :mod:`..storage.db` see it: the geometry passed through as hex.
_PLAIN_TYPES = {"geometry": _HexGeometry(), "properties": _JsonText()}
_PLAIN = Table(TABLE.name, MetaData(), *(
    Column(c.name, _PLAIN_TYPES.get(c.name, c.type), primary_key=c.primary_key) for c in TABLE.c))
_INDEXED = ("minx", "miny", "maxx", "maxy")  # the box the spatial index holds
_LONLAT = ("west", "south", "east", "north")
# An update of a feature whose geometry stayed writes everything but the geometry and the indexed box, so the
# R*Tree's trigger does not fire (most approvals change properties only).
_SAME_PLACE = ("owner_id", "published_seq", "properties", *_LONLAT, "doc", "doc_25832")
_MOVED = (*_SAME_PLACE, "geometry", *_INDEXED)
_JSON = json.JSONEncoder(ensure_ascii=False).encode  # as ``json.dumps(..., ensure_ascii=False)``, built once


def public_layers() -> list[str]:
    """The layers the public reads as they are (indicator values reach it only through confidentiality)."""
    return [name for name, spec in LAYERS.items() if spec.raw_public]


# --- writing ---------------------------------------------------------------------------------------


def _source(layer: str) -> Select:
    """The public rows of a layer as plain columns (the properties as their stored text and the geometry as raw
    hex, both decoded in bulk)."""
    return (select(Feature.id, Revision.seq, Revision.owner_id, cast(Revision.properties, Text),
                   type_coerce(Revision.geometry, Text))
            .join(Revision, Revision.seq == Feature.published_seq)
            .where(Feature.layer == layer, public_condition()))


def _keys(conn: Connection) -> dict[int, str]:
    return {mid: key for mid, key in conn.execute(select(Municipality.id, Municipality.key))}


def _rows(layer: str, found: Sequence[Any], keys: dict[int, str]) -> list[dict[str, Any]]:
    """Rows of ``public_features`` for public rows of :func:`_source`: both GeoJSON texts and both
    boxes, the reprojection, rounding and GeoJSON of points done for all of them at once; the stored
    properties decoded as one JSON array and stored as the revision's text with the public members added
    (:func:`.publish.public_properties_text`), not encoded again."""
    geometries = shapely.from_wkb([row[4] for row in found])
    lonlat = reproject(geometries, STORAGE_CRS, WEB_CRS)
    web, utm = geojson_texts(lonlat, WEB_CRS), geojson_texts(geometries, STORAGE_CRS)
    boxes, lonlat_boxes = shapely.bounds(geometries).tolist(), shapely.bounds(lonlat).tolist()
    stored = [row[3] for row in found]
    decoded = json.loads(f"[{','.join(stored)}]") if stored else []
    public = [public_properties(props, keys[row[2]], row[1]) for props, row in zip(decoded, found, strict=True)]
    nothing = [None] * 4
    out = []
    for i, (fid, seq, owner_id, text, hexed) in enumerate(found):
        head = f'{{"type":"Feature","id":{encode_basestring(fid)},"properties":{_JSON(public[i])},"geometry":'
        box, lon = (boxes[i], lonlat_boxes[i]) if hexed is not None else (nothing, nothing)
        out.append({
            "layer": layer, "id": fid, "owner_id": owner_id, "published_seq": seq,
            "properties": public_properties_text(text, decoded[i], keys[owner_id], seq),
            "geometry": hexed, "minx": box[0], "miny": box[1], "maxx": box[2], "maxy": box[3],
            "west": lon[0], "south": lon[1], "east": lon[2], "north": lon[3],
            "doc": f"{head}{web[i]}}}", "doc_25832": f"{head}{utm[i]}}}",
        })
    return out


def _write(conn: Connection, layer: str, found: Sequence[Any], keys: dict[int, str]) -> None:
    bulk_insert(conn, _PLAIN, _rows(layer, found, keys))


Box = tuple[float | None, float | None, float | None, float | None]


def _recount(conn: Connection, layer: str) -> tuple[int, Box]:
    """A layer's count and CRS84 box, counted from its rows."""
    count, west, south, east, north = conn.execute(
        select(func.count(), func.min(TABLE.c.west), func.min(TABLE.c.south), func.max(TABLE.c.east),
               func.max(TABLE.c.north)).where(TABLE.c.layer == layer)).one()
    return count, (west, south, east, north)


def _summary_after(kept: tuple[int, Box] | None, removed: Sequence[Box],
                   added: Sequence[Box]) -> tuple[int, Box] | None:
    """A layer's count and CRS84 box after the rows with boxes ``removed`` gave way to rows with boxes ``added``,
    from the kept summary, when that is exact without a scan: no removed box reaches the kept box's edge (so
    the features that make each edge remain). None when the rows must be counted."""
    if kept is None:
        return None
    count, (west, south, east, north) = kept
    count += len(added) - len(removed)
    if count <= 0 or west is None or south is None or east is None or north is None:
        return None
    for w, s, e, n in removed:
        if w is not None and not (w > west and s > south and e < east and n < north):
            return None
    for w, s, e, n in added:
        if w is not None:
            west, south, east, north = min(west, w), min(south, s), max(east, e), max(north, n)
    return count, (west, south, east, north)


def _store_summary(conn: Connection, layer: str, count: int, box: Box) -> None:
    conn.execute(delete(LAYERS_TABLE).where(LAYERS_TABLE.c.layer == layer))
    west, south, east, north = box
    conn.execute(insert(LAYERS_TABLE).values(layer=layer, count=count, west=west, south=south, east=east,
                                             north=north))


def _summarise(conn: Connection, layers: Iterable[str]) -> None:
    """Recount the layers' public features and recompute their CRS84 boxes."""
    for layer in sorted(set(layers)):
        _store_summary(conn, layer, *_recount(conn, layer))


def _stored(conn: Connection, layer: str, ids: Sequence[str]) -> dict[str, Any]:
    """The read model's rows of these features: key, geometry (hex) and CRS84 box."""
    return {row.id: row for row in conn.execute(
        select(TABLE.c.pk, TABLE.c.id, type_coerce(TABLE.c.geometry, Text).label("geometry"),
               *(TABLE.c[name] for name in _LONLAT)).where(TABLE.c.layer == layer, among(conn, TABLE.c.id, ids))).all()}


def _replace(conn: Connection, stored: dict[str, Any], rows: Sequence[dict[str, Any]]) -> None:
    """Make the read model's rows of a set of features ``rows`` (their public state; ``stored``: their rows
    before): rows no longer public deleted, new ones inserted, the others updated in place by key, the
    geometry and the indexed box only where the geometry changed. Bulk statements of the driver
    (:func:`..storage.db.bulk_insert`, ``bulk_update``): deleting and inserting every row again cost several
    times as much, most of it in the spatial index."""
    public = {row["id"] for row in rows}
    gone = [old.pk for fid, old in stored.items() if fid not in public]
    if gone:
        conn.execute(delete(TABLE).where(among(conn, TABLE.c.pk, gone)))
    same_place: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    for row in rows:
        old = stored.get(row["id"])
        if old is not None:
            names, into = (_SAME_PLACE, same_place) if old.geometry == row["geometry"] else (_MOVED, moved)
            into.append({"pk": old.pk, **{name: row[name] for name in names}})
    bulk_update(conn, _PLAIN, ("pk",), same_place)
    bulk_update(conn, _PLAIN, ("pk",), moved)
    bulk_insert(conn, _PLAIN, [row for row in rows if row["id"] not in stored])


def refresh(conn: Connection, features: Iterable[tuple[str, str]]) -> None:
    """Bring the read model in line with the publish state of these (layer, id) features: the one call
    every path that changes what is published makes, in its own transaction, after its change."""
    by_layer: dict[str, list[str]] = {}
    for layer, fid in features:
        if layer in LAYERS and LAYERS[layer].raw_public:
            by_layer.setdefault(layer, []).append(fid)
    if not by_layer:
        return
    with roomy_cache(conn):
        _refresh(conn, by_layer)


def _refresh(conn: Connection, by_layer: dict[str, list[str]]) -> None:
    keys = _keys(conn)
    for layer, ids in by_layer.items():
        every = sorted(set(ids))
        for start in range(0, len(every), _REFRESH_BATCH):  # memory stays flat for a publish of 100,000
            wanted = every[start:start + _REFRESH_BATCH]
            stored = _stored(conn, layer, wanted)
            found = conn.execute(_source(layer).where(among(conn, Feature.id, wanted))).all()
            rows = _rows(layer, found, keys)
            count, box = layer_summary(conn, layer)
            _replace(conn, stored, rows)
            summary = _summary_after(
                (count, box) if box is not None else None,
                [(old.west, old.south, old.east, old.north) for old in stored.values()],
                [(row["west"], row["south"], row["east"], row["north"]) for row in rows])
            _store_summary(conn, layer, *(summary or _recount(conn, layer)))


def refresh_published(session: Session, features: Iterable[tuple[str, str]]) -> None:
    """The publish hook: after a transaction changed what is published of these (layer, id) features
    (approve, withdraw), write their public state into the read model, in the same transaction."""
    session.flush()  # ORM changes of the caller first: the read model reads the tables
    refresh(session.connection(), features)


def refresh_owner(conn: Connection, owner_id: int) -> None:
    """Rewrite the public features of one municipality (its key, shown as ``owner``, changed)."""
    rows = conn.execute(select(TABLE.c.layer, TABLE.c.id).where(TABLE.c.owner_id == owner_id)).all()
    refresh(conn, [(layer, fid) for layer, fid in rows])


def rebuild(conn: Connection) -> int:
    """Recreate the whole read model from the revisions; returns how many public features it holds."""
    conn.execute(delete(TABLE))
    conn.execute(delete(LAYERS_TABLE))
    keys, total = _keys(conn), 0
    for layer in public_layers():
        result = conn.execute(_source(layer).order_by(Feature.id).execution_options(yield_per=_BATCH))
        batches = list(result.partitions(_BATCH))  # read before writing: one connection, one cursor at a time
        for batch in batches:
            _write(conn, layer, batch, keys)
            total += len(batch)
    _summarise(conn, public_layers())
    return total


# --- reading ---------------------------------------------------------------------------------------


def doc_column(projected: bool) -> ColumnElement:
    """The prepared text in CRS84 (``projected`` False) or in EPSG:25832."""
    return TABLE.c.doc_25832 if projected else TABLE.c.doc


def property_equals(name: str, value: str) -> ColumnElement[bool]:
    """SQL for a public property (``owner`` included: it is stored as the public sees it) equal to ``value``."""
    return PublicFeature.properties[name].as_string() == value


def property_between(name: str, start: str | None, end: str | None) -> ColumnElement[bool]:
    """A text property (ISO dates compare as text) within a closed range; a missing value never matches."""
    value = PublicFeature.properties[name].as_string()
    return and_(value.is_not(None), value >= (start or "0000-01-01"), value <= (end or "9999-12-31"))


@dataclass(frozen=True)
class Texts:
    """A page of prepared GeoJSON Feature texts and how many features matched in all."""

    matched: int
    docs: list[str]


# The statements of the frequent reads, built once: building a statement costs more than running it here.
_SUMMARY = Prepared(select(LAYERS_TABLE.c.count, LAYERS_TABLE.c.west, LAYERS_TABLE.c.south, LAYERS_TABLE.c.east,
                           LAYERS_TABLE.c.north).where(LAYERS_TABLE.c.layer == bindparam("layer")))
_ONE = {projected: Prepared(select(doc_column(projected)).where(TABLE.c.layer == bindparam("layer"),
                                                                TABLE.c.id == bindparam("fid")))
        for projected in (False, True)}
_PAGE = {projected: Prepared(select(doc_column(projected)).where(TABLE.c.layer == bindparam("layer"))
                             .order_by(TABLE.c.id).offset(bindparam("offset")).limit(bindparam("limit")))
         for projected in (False, True)}


def layer_summary(source: Connection | Reader, layer: str) -> tuple[int, tuple[float, float, float, float] | None]:
    """The count of a layer's public features and their CRS84 box (None when there is none)."""
    found = (source if isinstance(source, Reader) else Reader.on(source)).rows(_SUMMARY, layer=layer)
    row = found[0] if found else None
    if row is None or not row[0] or row[1] is None:
        return (row[0] if row else 0), None
    return row[0], (row[1], row[2], row[3], row[4])


def one_read(layer: str, fid: str, projected: bool) -> tuple[Prepared, dict[str, Any]]:
    """The statement and parameters of :func:`one`: a public answer's validator may read it together with the
    public version (one round trip, see :func:`.sequence.public_version`)."""
    return _ONE[projected], {"layer": layer, "fid": fid}


def one(reader: Reader, layer: str, fid: str, projected: bool) -> str | None:
    """The prepared text of one public feature, or None (the most frequent public read: no session)."""
    prepared, params = one_read(layer, fid, projected)
    return reader.scalar(prepared, **params)


def stream(conn: Connection, layer: str, projected: bool = False) -> Iterator[list[str]]:
    """Every public feature's text of a layer in id order, in batches."""
    result = conn.execute(select(doc_column(projected)).where(TABLE.c.layer == layer).order_by(TABLE.c.id)
                          .execution_options(yield_per=_BATCH))
    for batch in result.partitions(_BATCH):
        yield [row[0] for row in batch]


# --- the spatial index: one per public layer --------------------------------------------------------
#
# Each public layer has its own index holding, for each of its features with a geometry, the box in EPSG:25832
# and the row's integer key ``pk``, so that the sure hits of a bbox (below) are counted and ordered from the index
# alone, without looking up one row per match (a row lookup per match was most of a bbox page's cost).
# SQLite: an R*Tree per layer (``public_features_rtree_<layer>``), kept in step with the table by triggers that
# look at the row's layer, so every writer keeps it right. PostgreSQL: a partial GiST index per layer on the box
# (the built-in ``box`` type, which GiST can return from the index) carrying ``pk`` and the box's columns, so
# PostgreSQL answers the sure hits with an index-only scan; only the candidates in the band are fetched.


def rtree_name(layer: str) -> str:
    """The SQLite R*Tree of a public layer's boxes (its ``id`` is the read model's ``pk``)."""
    return f"public_features_rtree_{_identifier(layer)}"


def box_index_name(layer: str) -> str:
    """The PostgreSQL GiST index of a public layer's boxes."""
    return f"ix_public_features_box_{_identifier(layer)}"


def _identifier(layer: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", layer):
        raise ValueError(f"not a layer name usable in an index name: {layer!r}")
    return layer


# the box of a row as PostgreSQL's ``box``: the indexed expression, spelled the same in the index and the queries
_BOX_SQL = "box(point(minx, miny), point(maxx, maxy))"


def spatial_index_statements(dialect: str, layer: str) -> list[str]:
    """The DDL that creates a public layer's spatial index and fills it from the rows there are (idempotent):
    run by the migrations and by :func:`ensure_spatial_indexes`."""
    literal = f"'{_identifier(layer)}'"
    if dialect == "postgresql":
        return [f"CREATE INDEX IF NOT EXISTS {box_index_name(layer)} ON public_features USING GIST ({_BOX_SQL}) "
                f"INCLUDE (pk, minx, miny, maxx, maxy) WHERE layer = {literal}"]
    name = rtree_name(layer)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING rtree(id, minx, maxx, miny, maxy)",
        f"CREATE TRIGGER IF NOT EXISTS {name}_insert AFTER INSERT ON public_features "
        f"WHEN new.layer = {literal} AND new.minx IS NOT NULL "
        f"BEGIN INSERT INTO {name} VALUES (new.pk, new.minx, new.maxx, new.miny, new.maxy); END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_delete AFTER DELETE ON public_features WHEN old.layer = {literal} "
        f"BEGIN DELETE FROM {name} WHERE id = old.pk; END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_update AFTER UPDATE OF pk, layer, minx, maxx, miny, maxy "
        f"ON public_features WHEN old.layer = {literal} OR new.layer = {literal} "
        f"BEGIN DELETE FROM {name} WHERE id = old.pk; "
        f"INSERT INTO {name} SELECT new.pk, new.minx, new.maxx, new.miny, new.maxy "
        f"WHERE new.layer = {literal} AND new.minx IS NOT NULL; END",
        f"DELETE FROM {name}",
        f"INSERT INTO {name} SELECT pk, minx, maxx, miny, maxy FROM public_features "
        f"WHERE layer = {literal} AND minx IS NOT NULL",
    ]


def drop_spatial_index_statements(dialect: str, layer: str) -> list[str]:
    """The DDL that removes a public layer's spatial index (the migrations' downgrade)."""
    if dialect == "postgresql":
        return [f"DROP INDEX IF EXISTS {box_index_name(layer)}"]
    name = rtree_name(layer)
    return [*(f"DROP TRIGGER IF EXISTS {name}_{event}" for event in ("insert", "delete", "update")),
            f"DROP TABLE IF EXISTS {name}"]


def ensure_spatial_indexes(conn: Connection) -> None:
    """Create the spatial index of every public layer that has none yet (a layer added to the registry) and
    fill it; ``rebuild-read-model`` runs it, so a new public layer is indexed before its first bbox page."""
    for layer in public_layers():
        if conn.dialect.name == "postgresql":
            for statement in spatial_index_statements("postgresql", layer):
                conn.exec_driver_sql(statement)
        elif not conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = ?", (rtree_name(layer),)).first():
            for statement in spatial_index_statements("sqlite", layer):
                conn.exec_driver_sql(statement)


# --- a bbox page -------------------------------------------------------------------------------------
#
# Both indexes hold boxes (SQLite's R*Tree rounded outwards to 32-bit floats), and a geographic bbox is a slightly
# turned and bent quadrilateral in the storage CRS, so a box test alone is not exact. Two boxes make it so: the
# ``outer`` box (the area's bounds) holds every candidate, the ``inner`` box lies inside the area. A feature whose
# indexed box lies inside the inner box surely intersects the area (a sure hit: counted and ordered from the index,
# its row never read); only the few candidates in the band between the two boxes get the exact test: shapely on
# SQLite (points from their full-precision coordinates, the hits handed over as one JSON array), ``ST_Intersects``
# on PostgreSQL. The keys (``pk``) of all matches are collected once, counted (``numberMatched``, exact) and
# ordered by ``pk``; only the page's texts are read.
#
# The page order is the read model's key, not the feature id: the index holds the key, so ordering by it needs no
# row. It is stable while nothing is published (a publish rewrites the rows it touches, with new keys); pages
# without a bbox stay in id order.

_BOX = ("x0", "y0", "x1", "y1")
_INNER = ("ix0", "iy0", "ix1", "iy1")
_NO_BOX = (1.0, 1.0, 0.0, 0.0)  # an inner box nothing lies in (no inner box was found)
_STRIPS = tuple(tuple(f"s{i}{n}" for n in _BOX) for i in range(4))  # the band's strips (SQLite)


def _rtree(layer: str) -> Any:
    return table(rtree_name(layer), column("id"), column("minx"), column("maxx"), column("miny"), column("maxy"))


def _in_box(r: Any, names: Sequence[str]) -> ColumnElement[bool]:
    """An R*Tree box inside the box of these parameters (then so is the feature: the boxes are rounded out)."""
    x0, y0, x1, y1 = (bindparam(n, type_=Float) for n in names)
    return and_(r.c.minx >= x0, r.c.maxx <= x1, r.c.miny >= y0, r.c.maxy <= y1)


def _meets_box(r: Any, names: Sequence[str]) -> ColumnElement[bool]:
    x0, y0, x1, y1 = (bindparam(n, type_=Float) for n in names)
    return and_(r.c.minx <= x1, r.c.maxx >= x0, r.c.miny <= y1, r.c.maxy >= y0)


def _pg_box(names: Sequence[str]) -> ColumnElement:
    x0, y0, x1, y1 = (bindparam(n, type_=Float) for n in names)
    return func.box(func.point(x0, y0), func.point(x1, y1))


# PostgreSQL: the row's box, the same expression as the layer's index
_ROW_BOX = func.box(func.point(TABLE.c.minx, TABLE.c.miny), func.point(TABLE.c.maxx, TABLE.c.maxy))
# ``box`` orders its corners, so "no inner box" (x0 > x1) is said by a condition on the parameters themselves
# (typed, so that a statement prepared on the server knows the parameters' types)
_PG_SURE = and_(cast(bindparam("ix0", type_=Float), Float) <= cast(bindparam("ix1", type_=Float), Float),
                _ROW_BOX.op("<@", is_comparison=True)(_pg_box(_INNER)))
_PG_CANDIDATE = _ROW_BOX.op("&&", is_comparison=True)(_pg_box(_BOX))
# the area read once per statement (an InitPlan), not once per candidate as a generic plan would
_PG_EXACT = func.ST_Intersects(TABLE.c.geometry,
                               select(func.ST_GeomFromText(bindparam("area", type_=String), SRID)).scalar_subquery())
_JSON_KEYS = select(literal_column("value")).select_from(func.json_each(bindparam("band", type_=String)))


def _of_layer(layer: str) -> ColumnElement[bool]:
    # On PostgreSQL the layer is written into the statement (one statement per layer), so the planner picks the
    # layer's partial index also in a plan made once for a statement prepared on the server.
    return TABLE.c.layer == literal_column(f"'{_identifier(layer)}'")


def _band_kind(layer: str) -> str:
    return "points" if LAYERS[layer].geometry_type == "Point" else "wkb"


def _band_select(layer: str, conditions: Sequence[ColumnElement[bool]]) -> Select:
    """SQLite: the candidates in the band between the outer and the inner box, found through the layer's R*Tree:
    pk and full-precision point, or pk and raw hex of other geometries."""
    r = _rtree(layer)
    columns = ((TABLE.c.minx, TABLE.c.miny) if _band_kind(layer) == "points"
               else (type_coerce(TABLE.c.geometry, Text),))
    # The band searched as four strips (left, right, bottom, top: the outer box less the inner one, edges
    # included), so the R*Tree visits the band's entries, not every entry of the outer box.
    strips = union(*(select(r.c.id).where(_meets_box(r, names), ~_in_box(r, _INNER)) for names in _STRIPS))
    return select(TABLE.c.pk, *columns).where(TABLE.c.pk.in_(strips), *conditions)


def band_statement(layer: str, area: BaseGeometry) -> tuple[Select, dict[str, Any]]:
    """SQLite: the statement (and its parameters) of the candidates in the band between the area's outer and
    inner box (see :func:`_band_select`)."""
    return _band_select(layer, ()), _box_params(area)


def _box_params(area: BaseGeometry) -> dict[str, Any]:
    """The parameters of the outer and inner box of ``area``, and of the band's four strips between them.

    A box that meets the outer box but does not lie inside the inner one meets a strip: either its part in the
    outer box reaches out of the inner box (into a strip), or that part lies in the inner box and the box
    crosses an edge of the outer box where the inner box reaches that edge (the strip there is that edge).
    Without an inner box each strip is the outer box."""
    x0, y0, x1, y1 = outer = area.bounds
    inner = inner_box(area)
    ix0, iy0, ix1, iy1 = inner
    strips = ((x0, y0, ix0, y1), (ix1, y0, x1, y1), (x0, y0, x1, iy0), (x0, iy1, x1, y1)) if ix0 <= ix1 \
        else (outer,) * 4
    params = {**dict(zip(_BOX, outer, strict=True)), **dict(zip(_INNER, inner, strict=True))}
    for names, strip in zip(_STRIPS, strips, strict=True):
        params.update(zip(names, strip, strict=True))
    return params


def inner_box(area: BaseGeometry) -> tuple[float, float, float, float]:
    """A box inside ``area`` covering most of it (the area's bounds drawn in towards their centre until the
    area contains them), or a box nothing lies in when there is none (then every candidate is tested)."""
    if area.geom_type != "Polygon":
        return _NO_BOX
    x0, y0, x1, y1 = area.bounds
    cx, cy, dx, dy = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    shapely.prepare(area)
    for share in (1.0, 0.99, 0.98, 0.96, 0.93, 0.9, 0.8, 0.6):
        inner = (cx - dx * share, cy - dy * share, cx + dx * share, cy + dy * share)
        if area.contains(shapely.box(*inner)):
            return inner
    return _NO_BOX


def _hits(layer: str, postgis: bool, conditions: Sequence[ColumnElement[bool]]) -> Select | CompoundSelect:
    """The keys (``pk``) of the features of ``layer`` that meet ``conditions`` and intersect the area: the sure
    hits from the layer's index, and the band's hits."""
    if postgis:
        # the band's candidates are found in the index (an index-only scan), then only they are fetched and tested
        band = select(TABLE.c.pk).where(_of_layer(layer), _PG_CANDIDATE, ~_PG_SURE).scalar_subquery()
        return union_all(select(TABLE.c.pk).where(_of_layer(layer), _PG_SURE, *conditions),
                         select(TABLE.c.pk).where(TABLE.c.pk.in_(band), _PG_EXACT, *conditions))
    r = _rtree(layer)  # (without filters :func:`_rtree_area_select` needs no rows at all)
    sure = select(r.c.id).where(_in_box(r, _INNER))
    return select(TABLE.c.pk).where(or_(TABLE.c.pk.in_(sure), TABLE.c.pk.in_(_JSON_KEYS)), *conditions)


def _area_select(layer: str, postgis: bool, projected: bool, conditions: Sequence[ColumnElement[bool]]) -> Select:
    """One page (``offset`` and ``limit`` parameters, in ``pk`` order) of the texts of the features of a layer
    that meet ``conditions`` and intersect an area, each row with the number matched. The matches' keys are
    collected once (a materialised CTE), counted and ordered; only the page's texts are read."""
    hits = _hits(layer, postgis, conditions).cte("hits").prefix_with("MATERIALIZED")
    key = hits.c[0]
    keys = select(key.label("pk")).order_by(key).offset(bindparam("offset")).limit(bindparam("limit")).subquery("keys")
    total = select(func.count()).select_from(hits).scalar_subquery()
    return (select(doc_column(projected), total).join_from(keys, TABLE, TABLE.c.pk == keys.c.pk)
            .order_by(keys.c.pk))


def _rtree_area_select(layer: str, projected: bool) -> Select:
    """SQLite without filters: :func:`_area_select` from the R*Tree alone, without collecting the matches. The
    sure hits are counted by the R*Tree (``count(*)`` reads no column of it), the band's hits by their JSON array,
    and the page's keys are the first of the sure hits' and the band's keys in order (a top-N sort of integers);
    collecting every match first (a materialised CTE, read twice) cost twice as much."""
    r = _rtree(layer)
    band = bindparam("band", type_=String)
    total = (select(func.count()).select_from(r).where(_in_box(r, _INNER)).scalar_subquery()
             + func.json_array_length(band))
    keys = union_all(select(r.c.id).where(_in_box(r, _INNER)), _JSON_KEYS).order_by(literal_column("1")) \
        .offset(bindparam("offset")).limit(bindparam("limit"))
    return select(doc_column(projected), total).where(TABLE.c.pk.in_(keys)).order_by(TABLE.c.pk)


@functools.cache
def _area_prepared(layer: str, postgis: bool, projected: bool) -> Prepared:
    """Without filters (the usual bbox page) the statement is compiled once and run on the DBAPI connection:
    building and executing it through SQLAlchemy cost about as much as the query."""
    return Prepared(_area_statement(layer, postgis, projected, ()))


def _area_statement(layer: str, postgis: bool, projected: bool, conditions: Sequence[ColumnElement[bool]]) -> Select:
    return (_rtree_area_select(layer, projected) if not postgis and not conditions
            else _area_select(layer, postgis, projected, conditions))


@functools.cache
def _band_prepared(layer: str) -> Prepared:
    return Prepared(_band_select(layer, ()))


def _read(reader: Reader, connect: Callable[[], Connection], prepared: Prepared,
          conditions: Sequence[ColumnElement[bool]], build: Callable[[], Select],
          params: dict[str, Any]) -> Sequence[Any]:
    """Rows of the prepared statement (by the reader, no session), or of the one ``build`` gives with
    ``conditions`` (filters) added (through the session's connection)."""
    return connect().execute(build(), params).all() if conditions else reader.rows(prepared, **params)


def _band_hits(reader: Reader, connect: Callable[[], Connection], layer: str, area: BaseGeometry,
               conditions: Sequence[ColumnElement[bool]]) -> tuple[list[int], dict[str, Any]]:
    """SQLite: the pks of the band's candidates that truly intersect ``area`` (shapely), and the parameters of
    the page statement."""
    params = _box_params(area)  # the statement is built only with filters (once per request then)
    candidates = _read(reader, connect, _band_prepared(layer), conditions,
                       lambda: _band_select(layer, conditions), params)
    if not candidates:
        return [], params
    if len(candidates[0]) == 3:  # points: built from their coordinates, vectorised
        geometries = shapely.points(np.array([(row[1], row[2]) for row in candidates], dtype=float))
    else:
        geometries = shapely.from_wkb([row[1] for row in candidates])
    shapely.prepare(area)
    return [candidates[i][0] for i in np.flatnonzero(shapely.intersects(area, geometries))], params


def _area_params(reader: Reader, connect: Callable[[], Connection], layer: str, area: BaseGeometry,
                 conditions: Sequence[ColumnElement[bool]]) -> dict[str, Any]:
    if reader.dialect_name == "postgresql":
        return {"area": shapely.to_wkt(area, rounding_precision=-1), **_box_params(area)}
    band, params = _band_hits(reader, connect, layer, area, conditions)
    return {**params, "band": json.dumps(band)}


def area_statement(conn: Connection, layer: str, area: BaseGeometry, conditions: Sequence[ColumnElement[bool]],
                   projected: bool) -> tuple[Select, dict[str, Any]]:
    """The statement of a bbox page (see :func:`_area_select`) of the features of ``layer`` that meet
    ``conditions`` and intersect ``area`` (storage CRS), and its parameters but ``offset`` and ``limit``."""
    postgis = conn.dialect.name == "postgresql"
    return (_area_statement(layer, postgis, projected, conditions),
            _area_params(Reader.on(conn), lambda: conn, layer, area, conditions))


def _area_page(reader: Reader, connect: Callable[[], Connection], layer: str, area: BaseGeometry,
               conditions: Sequence[ColumnElement[bool]], offset: int, limit: int, projected: bool) -> Texts:
    postgis = reader.dialect_name == "postgresql"
    params = _area_params(reader, connect, layer, area, conditions)

    def read(start: int, count: int) -> Sequence[Any]:
        return _read(reader, connect, _area_prepared(layer, postgis, projected), conditions,
                     lambda: _area_statement(layer, postgis, projected, conditions),
                     {**params, "offset": start, "limit": count})

    rows = read(offset, limit)
    if rows or offset == 0:
        return Texts(rows[0][1] if rows else 0, [row[0] for row in rows])
    first = read(0, 1)  # beyond the last page: the count alone
    return Texts(first[0][1] if first else 0, [])


def page(reader: Reader, connect: Callable[[], Connection], layer: str, conditions: Sequence[ColumnElement[bool]],
         area: BaseGeometry | None, offset: int, limit: int, projected: bool) -> Texts:
    """One page of the public features of ``layer`` that meet ``conditions`` and intersect ``area`` (storage
    CRS), as prepared texts, with the exact number matched: in id order, with an area in the read model's key
    order (see above).

    Without filters the reads are prepared statements of ``reader`` (no session; ``connect`` gives the session's
    connection, opened only for filters). Without filters and area the count is the one kept per layer; with
    filters it is counted in the same statement as the page (a window count over the matching rows, which an
    exact ``numberMatched`` needs); with an area the layer's spatial index finds the matches (see
    :func:`_area_select`), counted and paged in the database.
    """
    column = doc_column(projected)
    if area is not None and area.is_empty:
        return Texts(0, [])
    if area is None and not conditions:
        matched, _box = layer_summary(reader, layer)
        if offset >= matched:
            return Texts(matched, [])
        docs = reader.rows(_PAGE[projected], layer=layer, offset=offset, limit=limit)
        return Texts(matched, [row[0] for row in docs])
    if area is None:
        conn = connect()
        stmt = select(column, func.count().over()).where(TABLE.c.layer == layer, *conditions).order_by(TABLE.c.id)
        rows = conn.execute(stmt.offset(offset).limit(limit)).all()
        if rows:
            return Texts(rows[0][1], [row[0] for row in rows])
        counted = stmt.with_only_columns(TABLE.c.id).order_by(None).subquery()
        return Texts(conn.execute(select(func.count()).select_from(counted)).scalar_one(), [])
    return _area_page(reader, connect, layer, area, conditions, offset, limit, projected)
