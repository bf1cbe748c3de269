"""Reference data in the working copy: municipality territories, the category and indicator
catalogues, the user.

None of it is synchronised feature by feature; it is fetched whole at checkout (and refreshed at
every sync) because the GUI needs it offline: the territories as a read-only map layer and for the
checks before a sync (:mod:`.validation`), the catalogue's colours for the map style (the one
palette shared with the web map), the indicator catalogue for "Indikator als Karte" offline, and the
user's role and municipality to tell own features from the others'.

The territories go into ``municipalities``, an ordinary GeoPackage feature table (so QGIS and GDAL
open it) that is *not* a sync layer: it is absent from the layer schemas in ``fa_meta`` and sync
never touches it. The catalogues and the user go into ``fa_meta``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from typing import Any

from . import errors, wkb
from .api import AtlasClient
from .geopackage import GEOMETRY_COLUMN, quote
from .workcopy import WorkingCopy

MUNICIPALITIES_TABLE = "municipalities"
MUNICIPALITIES_TITLE = "Gemeindegebiete"
CATEGORIES_KEY = "categories"
SUBCATEGORIES_TABLE = "subcategories"
SUBCATEGORY_LAYER, SUBCATEGORY_FIELD = "institutions", "subcategory"
#: The indicator catalogue as ``GET /indicators`` answers it, for "Indikator als Karte" offline.
INDICATOR_CATALOGUE_KEY = "indicator_catalogue"
USER_KEY = "user"


def refresh_reference_data(client: AtlasClient, workcopy: WorkingCopy) -> None:
    """Fetch territories and catalogue from the server and store them with the logged-in user."""
    store_municipalities(workcopy, client.municipalities(territory=True))
    store_categories(workcopy, client.categories())
    store_subcategories(workcopy)
    with contextlib.suppress(errors.NotFound):  # a server without indicators
        workcopy.set_meta(INDICATOR_CATALOGUE_KEY, client.indicator_catalogue())
    if client.user:
        store_user(workcopy, client.user)


# ---------------------------------------------------------------------- municipalities


def _create_municipalities_table(workcopy: WorkingCopy) -> None:
    workcopy.create_table(
        MUNICIPALITIES_TABLE,
        ['"fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL', '"key" TEXT UNIQUE NOT NULL', '"name" TEXT',
         '"kind" TEXT', '"parent_key" TEXT', f'"{GEOMETRY_COLUMN}" MULTIPOLYGON'],
        title=MUNICIPALITIES_TITLE, description="Gemeindegebiete des Familienatlas (nur lesen)",
        geometry_type="MULTIPOLYGON",
    )


def _multipolygon(geometry: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not geometry:
        return None
    if geometry.get("type") == "Polygon":
        return {"type": "MultiPolygon", "coordinates": [geometry["coordinates"]]}
    if geometry.get("type") == "MultiPolygon":
        return dict(geometry)
    raise wkb.GeometryError(f"a territory must be a (Multi)Polygon, not {geometry.get('type')!r}")


def store_municipalities(workcopy: WorkingCopy, municipalities: Iterable[Mapping[str, Any]]) -> int:
    """Replace the stored municipalities (key, name, kind, parent key, territory); returns their count.

    The table is emptied and refilled rather than dropped, so a QGIS layer open on it stays valid.
    """
    items = list(municipalities)
    key_of = {m.get("id"): m.get("key") for m in items}
    with workcopy.transaction():
        if not workcopy.table_exists(MUNICIPALITIES_TABLE):
            _create_municipalities_table(workcopy)
        workcopy.connection.execute(f"DELETE FROM {quote(MUNICIPALITIES_TABLE)}")
        for m in items:
            workcopy.connection.execute(
                f"INSERT INTO {quote(MUNICIPALITIES_TABLE)} (key, name, kind, parent_key, {GEOMETRY_COLUMN}) "
                "VALUES (?, ?, ?, ?, ?)",
                (m["key"], m.get("name"), m.get("kind"), key_of.get(m.get("parent_id")),
                 wkb.geojson_to_gpkg(_multipolygon(m.get("territory")), workcopy.srs_id)),
            )
    workcopy.update_extent(MUNICIPALITIES_TABLE)
    return len(items)


def municipalities(workcopy: WorkingCopy) -> dict[str, dict[str, Any]]:
    """The stored municipalities by key (without territories): ``{key: {name, kind, parent_key}}``."""
    if not workcopy.table_exists(MUNICIPALITIES_TABLE):
        return {}
    rows = workcopy.connection.execute(
        f"SELECT key, name, kind, parent_key FROM {quote(MUNICIPALITIES_TABLE)} ORDER BY key"
    ).fetchall()
    return {row["key"]: {"name": row["name"], "kind": row["kind"], "parent_key": row["parent_key"]} for row in rows}


def territory(workcopy: WorkingCopy, key: str) -> dict[str, Any] | None:
    """The stored territory (GeoJSON MultiPolygon, EPSG:25832) of one municipality, None if unknown."""
    if not key or not workcopy.table_exists(MUNICIPALITIES_TABLE):
        return None
    row = workcopy.connection.execute(
        f"SELECT {GEOMETRY_COLUMN} FROM {quote(MUNICIPALITIES_TABLE)} WHERE key = ?", (key,)
    ).fetchone()
    if row is None or row[0] is None:
        return None
    return wkb.gpkg_to_geojson(bytes(row[0]))


def municipality_label(workcopy: WorkingCopy, key: str | None,
                       names: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """A municipality's name for messages ("Bramsche"), the bare key when it is not stored.

    People know their neighbours by name, not by the eight- or twelve-digit official key. ``names``
    is what :func:`municipalities` returned, for callers that label many features.
    """
    if not key:
        return "?"
    stored = names if names is not None else municipalities(workcopy)
    return (stored.get(key) or {}).get("name") or key

# ---------------------------------------------------------------------- catalogue and user


def store_categories(workcopy: WorkingCopy, categories: Iterable[Mapping[str, Any]]) -> None:
    """Keep the catalogue as the server sends it (``id, key, name, parent_id, color``)."""
    workcopy.set_meta(CATEGORIES_KEY, [
        {k: c.get(k) for k in ("id", "key", "name", "parent_id", "color")} for c in categories
    ])


def store_subcategories(workcopy: WorkingCopy) -> int:
    """The institutions' subcategory choices (value, label, parent category) as an attributes table
    of the GeoPackage, so that QGIS's form can offer only the subcategories of the chosen category.

    Taken from the layer schema stored at checkout; returns how many there are (0 without them).
    """
    if not workcopy.has_layer(SUBCATEGORY_LAYER):
        return 0
    spec = next((f for f in workcopy.schema(SUBCATEGORY_LAYER).get("fields", [])
                 if f.get("name") == SUBCATEGORY_FIELD), None) or {}
    choices = [c for c in spec.get("choices") or [] if isinstance(c, Mapping) and c.get("value")]
    with workcopy.transaction():
        if not workcopy.table_exists(SUBCATEGORIES_TABLE):
            workcopy.create_table(
                SUBCATEGORIES_TABLE,
                ['"fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL', '"value" TEXT NOT NULL', '"label" TEXT',
                 '"parent" TEXT'],
                title="Unterkategorien", description="Unterkategorien je Kategorie (nur lesen)")
        workcopy.connection.execute(f"DELETE FROM {quote(SUBCATEGORIES_TABLE)}")
        workcopy.connection.executemany(
            f"INSERT INTO {quote(SUBCATEGORIES_TABLE)} (value, label, parent) VALUES (?, ?, ?)",
            [(c["value"], c.get("label") or c["value"], c.get("parent")) for c in choices])
    return len(choices)


def has_subcategories(workcopy: WorkingCopy) -> bool:
    return workcopy.table_exists(SUBCATEGORIES_TABLE)


def categories(workcopy: WorkingCopy) -> list[dict[str, Any]]:
    return list(workcopy.get_meta(CATEGORIES_KEY, []) or [])


def top_level_categories(workcopy: WorkingCopy) -> list[dict[str, Any]]:
    """The categories an institution's ``category`` names, in catalogue order, with their colours."""
    return [c for c in categories(workcopy) if c.get("parent_id") is None]


def store_user(workcopy: WorkingCopy, user: Mapping[str, Any]) -> None:
    """Remember who checked out: user name, role and municipality (``id, key, name``)."""
    municipality = user.get("municipality") or {}
    workcopy.set_meta(USER_KEY, {
        "username": user.get("username"),
        "role": user.get("role"),
        "municipality": {k: municipality.get(k) for k in ("id", "key", "name")},
    })


def user(workcopy: WorkingCopy) -> dict[str, Any] | None:
    return workcopy.get_meta(USER_KEY)


def own_municipality_key(workcopy: WorkingCopy) -> str | None:
    stored = user(workcopy) or {}
    return (stored.get("municipality") or {}).get("key")
