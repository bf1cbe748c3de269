"""The GeoPackage container under the working copy, written with ``sqlite3`` alone.

QGIS and GDAL open the file as an ordinary GeoPackage 1.3: this module writes the parts of the
standard they read (application id, ``gpkg_spatial_ref_sys``, ``gpkg_contents``,
``gpkg_geometry_columns``, GDAL's ``gpkg_ogr_contents``), registers and removes feature and
attribute tables, keeps a table's extent, and gives plain sqlite3 the SQL functions that the
triggers of an R-tree index (added by QGIS or GDAL) call. What the tables mean, and which row
changed, is :mod:`.workcopy`'s business.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import wkb

GPKG_APPLICATION_ID = 0x47504B47  # 'GPKG'
GPKG_USER_VERSION = 10300  # GeoPackage 1.3.0
DEFAULT_SRS_ID = 25832
GEOMETRY_COLUMN = "geom"

#: Server field type -> GeoPackage column type (GPKG stores BOOLEAN as 0/1, DATE as ISO text).
FIELD_TYPES: dict[str, str] = {
    "string": "TEXT",
    "text": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "BOOLEAN",
    "date": "DATE",
}


WKT_ETRS89_UTM32N = (
    'PROJCS["ETRS89 / UTM zone 32N",GEOGCS["ETRS89",DATUM["European_Terrestrial_Reference_System_1989",'
    'SPHEROID["GRS 1980",6378137,298.257222101,AUTHORITY["EPSG","7019"]],AUTHORITY["EPSG","6258"]],'
    'PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,'
    'AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4258"]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",9],PARAMETER["scale_factor",0.9996],'
    'PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],'
    'AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","25832"]]'
)
WKT_WGS84 = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
    'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],'
    'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],'
    'AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)

_SPATIAL_REF_SYS = [
    ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
    ("WGS 84 geodetic", 4326, "EPSG", 4326, WKT_WGS84, "longitude/latitude coordinates in decimal degrees"),
    ("ETRS89 / UTM zone 32N", 25832, "EPSG", 25832, WKT_ETRS89_UTM32N, "ETRS89 / UTM zone 32N"),
]

def quote(identifier: str) -> str:
    """An SQL identifier in double quotes; layer and field names come from the server."""
    return '"' + identifier.replace('"', '""') + '"'


# ---------------------------------------------------------------------- SQL function stand-ins


def _blob_or_none(value: Any) -> bytes | None:
    return bytes(value) if isinstance(value, (bytes, memoryview)) else None


def _st_is_empty(value: Any) -> int | None:
    blob = _blob_or_none(value)
    if blob is None:
        return None
    try:
        return int(wkb.gpkg_is_empty(blob))
    except wkb.GeometryError:
        return None


def _envelope_part(index: int) -> Any:
    def function(value: Any) -> float | None:
        blob = _blob_or_none(value)
        if blob is None:
            return None
        try:
            env = wkb.gpkg_envelope(blob)
        except wkb.GeometryError:
            return None
        return env[index] if env is not None else None

    return function


def _st_geometry_type(value: Any) -> str | None:
    blob = _blob_or_none(value)
    if blob is None:
        return None
    try:
        geometry = wkb.gpkg_to_geojson(blob)
    except wkb.GeometryError:
        return None
    return geometry["type"].upper() if geometry else None


def _st_srid(value: Any) -> int | None:
    blob = _blob_or_none(value)
    if blob is None:
        return None
    try:
        return wkb.gpkg_srs_id(blob)
    except wkb.GeometryError:
        return None


def _gpkg_is_assignable(expected: Any, actual: Any) -> int:
    if expected is None or actual is None:
        return 0
    expected, actual = str(expected).upper(), str(actual).upper()
    if expected in ("GEOMETRY", actual):
        return 1
    return int(expected == "MULTI" + actual or (expected == "GEOMETRYCOLLECTION" and actual.startswith("MULTI")))


def register_sql_functions(connection: sqlite3.Connection) -> None:
    """Python stand-ins for the SQL functions GeoPackage triggers call.

    QGIS (through GDAL) may add an R-tree spatial index to a layer; its triggers call ST_IsEmpty,
    ST_MinX, ... which plain sqlite3 does not have, so every write would fail with "no such
    function". Registering them always is harmless and keeps writes working whoever added triggers.
    """
    connection.create_function("ST_IsEmpty", 1, _st_is_empty, deterministic=True)
    for index, name in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
        connection.create_function(name, 1, _envelope_part(index), deterministic=True)
    connection.create_function("ST_GeometryType", 1, _st_geometry_type, deterministic=True)
    connection.create_function("ST_SRID", 1, _st_srid, deterministic=True)
    connection.create_function("GPKG_IsAssignable", 2, _gpkg_is_assignable, deterministic=True)


# ---------------------------------------------------------------------- the container


class GeoPackage:
    """One GeoPackage file: its connection, transactions and the standard's registration tables."""

    def __init__(self, path: str | os.PathLike[str], srs_id: int = DEFAULT_SRS_ID) -> None:
        self.path = Path(path)
        self.srs_id = srs_id
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are explicit (see transaction()), so a page of a pull or
        # the bookkeeping of a push is either fully in the file or not at all.
        # check_same_thread=False: the GUI may open the copy in its main thread and sync it in a
        # background task. The object is still meant for one user at a time, not concurrent use.
        self.connection = sqlite3.connect(str(self.path), isolation_level=None, timeout=30,
                                          check_same_thread=False)
        self.connection.row_factory = sqlite3.Row
        register_sql_functions(self.connection)
        self._depth = 0
        with self.transaction():
            self._create_skeleton()

    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; nested uses join the outermost one."""
        if self._depth:
            self._depth += 1
            try:
                yield self.connection
            finally:
                self._depth -= 1
            return
        self.connection.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.connection
        except BaseException:
            self._depth = 0
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK")
            raise
        self._depth = 0
        self.connection.execute("COMMIT")

    def _execute(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        return self.connection.execute(sql, tuple(params))

    def _create_skeleton(self) -> None:
        """The tables every GeoPackage has (and GDAL's feature count table); called in a transaction."""
        self._execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
        self._execute(f"PRAGMA user_version = {GPKG_USER_VERSION}")
        self._execute(
            "CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, "
            "srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL, "
            "organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)"
        )
        self.connection.executemany(
            "INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, "
            "organization_coordsys_id, definition, description) VALUES (?, ?, ?, ?, ?, ?)",
            _SPATIAL_REF_SYS,
        )
        self._execute(
            "CREATE TABLE IF NOT EXISTS gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, "
            "data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', "
            "last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), "
            "min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, "
            "CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))"
        )
        self._execute(
            "CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (table_name TEXT NOT NULL, "
            "column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, "
            "z TINYINT NOT NULL, m TINYINT NOT NULL, "
            "CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), "
            "CONSTRAINT uk_gc_table_name UNIQUE (table_name), "
            "CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), "
            "CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))"
        )
        # GDAL's feature count table (the "ogr" extension). Without it QGIS (3.22) counts a
        # GeoPackage layer with SELECT COUNT(*) over the whole table, ignoring the subset string,
        # so "Einrichtungen (eigene)" showed every institution's count. With it, QGIS asks GDAL,
        # which applies the filter. Rows stay absent or NULL: GDAL then counts, never trusting
        # a stored number that sqlite3 writes here would leave stale.
        self._execute("CREATE TABLE IF NOT EXISTS gpkg_ogr_contents (table_name TEXT NOT NULL PRIMARY KEY, "
                      "feature_count INTEGER DEFAULT NULL)")

    def table_exists(self, name: str) -> bool:
        return self._execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone() is not None

    def create_table(self, name: str, columns: list[str], *, title: str, description: str = "",
                     geometry_type: str | None = None) -> None:
        """Create a table and register it: a feature table with ``geometry_type`` (a GeoPackage type
        name; the geometry column ``columns`` must declare), an attributes table without."""
        with self.transaction():
            self._execute(f"CREATE TABLE {quote(name)} ({', '.join(columns)})")
            self._execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
                "VALUES (?, ?, ?, ?, ?)",
                (name, "features" if geometry_type else "attributes", title, description,
                 self.srs_id if geometry_type else None),
            )
            if geometry_type:
                self._execute(
                    "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) "
                    "VALUES (?, ?, ?, ?, 0, 0)",
                    (name, GEOMETRY_COLUMN, geometry_type, self.srs_id),
                )

    def drop_table(self, name: str) -> None:
        """Remove a table with its registration (and any R-tree QGIS or GDAL added)."""
        with self.transaction():
            for row in self._execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?", (f"rtree_{name}_%",)
            ).fetchall():
                self._execute(f"DROP TABLE IF EXISTS {quote(row['name'])}")
            self._execute(f"DROP TABLE IF EXISTS {quote(name)}")
            for table in ("gpkg_geometry_columns", "gpkg_contents"):
                self._execute(f"DELETE FROM {table} WHERE table_name = ?", (name,))
            for table in ("gpkg_extensions", "gpkg_ogr_contents"):
                if self.table_exists(table):
                    self._execute(f"DELETE FROM {table} WHERE table_name = ?", (name,))

    def update_extent(self, table: str) -> None:
        """Store a feature table's bounding box in gpkg_contents (GDAL reports it as the layer extent)."""
        boxes = []
        for row in self._execute(f"SELECT {GEOMETRY_COLUMN} FROM {quote(table)} WHERE {GEOMETRY_COLUMN} IS NOT NULL"):
            try:
                env = wkb.gpkg_envelope(bytes(row[0]))
            except wkb.GeometryError:
                continue
            if env is not None:
                boxes.append(env)
        extent = (
            (min(b[0] for b in boxes), min(b[2] for b in boxes), max(b[1] for b in boxes), max(b[3] for b in boxes))
            if boxes else (None, None, None, None)
        )
        with self.transaction():
            self._execute(
                "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, "
                "last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?",
                (*extent, table),
            )

    def count(self, table: str) -> int:
        return self._execute(f"SELECT count(*) FROM {quote(table)}").fetchone()[0]


# ---------------------------------------------------------------------- geometry columns


def has_geometry(schema: Mapping[str, Any]) -> bool:
    """Whether a layer schema has geometries (``geometry_type`` null or ``"None"``: a table of values)."""
    return str(schema.get("geometry_type", "Geometry") or "").upper() not in ("", "NONE", "NOGEOMETRY")


def geometry_type_name(name: str) -> str:
    """GeoPackage geometry type name for a server's ``geometry_type`` (``Point`` or ``POINT``)."""
    upper = str(name).upper()
    known = {k.upper() for k in wkb.WKB_TYPES} | {"GEOMETRY"}
    if upper not in known:
        raise ValueError(f"unsupported geometry type {name!r}")
    return upper


def row_blob(row: sqlite3.Row) -> Any:
    """A row's geometry blob; None in a table without geometry."""
    try:
        return row[GEOMETRY_COLUMN]
    except IndexError:  # sqlite3.Row has no such column
        return None


def decode_geometry(blob: Any, geometry_type: str) -> tuple[dict[str, Any] | None, str | None]:
    """A stored geometry as GeoJSON of the column's type, or (None, why) when the blob cannot be read."""
    if blob is None:
        return None, None
    try:
        return promote(wkb.gpkg_to_geojson(bytes(blob)), geometry_type), None
    except wkb.GeometryError as exc:
        return None, str(exc)


def promote(geometry: dict[str, Any] | None, layer_type: str) -> dict[str, Any] | None:
    """Wrap a single-part geometry into its multi type when the layer is multi-part.

    Some writers (GDAL with default options, scripts) put a Polygon into a MultiPolygon column;
    the server expects the layer's type, and the comparison with the base must not see a change.
    """
    if geometry is None or not layer_type.startswith("MULTI"):
        return geometry
    if "MULTI" + geometry["type"].upper() == layer_type:
        return {"type": "Multi" + geometry["type"], "coordinates": [geometry["coordinates"]]}
    return geometry
