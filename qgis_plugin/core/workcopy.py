"""The local working copy: one GeoPackage per server connection, and what changed in it.

QGIS and GDAL open the file as an ordinary GeoPackage (the container is :mod:`.geopackage`);
people edit it with whatever they like (QGIS forms, the field calculator, another program). That
is why change detection does not hook into QGIS's edit buffer but compares every row with
``fa_base``, the state last received from the server: whatever wrote the file, the difference is
the local change (values compared in the canonical forms of :mod:`.values`).

Bookkeeping lives in tables prefixed ``fa_``, which are not registered in ``gpkg_contents``:

- ``fa_meta``: server url, user name, the layer schemas (with their versions), a cursor per layer
- ``fa_base``: per layer and uuid the revision, properties and geometry last seen on the server
- ``fa_outbox``: a push that has been (or is about to be) sent, with its idempotency key, so an
  interrupted push is retried with the same key and never applied twice
- ``fa_rejected``: the server's last refusal per feature, so the GUI can mark it
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import uuid as uuidlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import wkb
from .errors import AtlasError
from .geopackage import (
    DEFAULT_SRS_ID,
    FIELD_TYPES,
    GEOMETRY_COLUMN,
    GeoPackage,
    decode_geometry,
    geometry_type_name,
    has_geometry,
    promote,
    quote,
    row_blob,
)
from .indicators import VALUES_LAYER, value_id_of
from .messages import tr
from .values import canonical_uuid, comparable, dumps, normalise_value, to_sqlite

FILE_NAME = "familienatlas.gpkg"

STATE_COLUMNS = ("fa_revision", "fa_state", "fa_reason")
RESERVED_COLUMNS = frozenset({"fid", "uuid", GEOMETRY_COLUMN, *STATE_COLUMNS})

LOCAL_STATE = "local"

#: Layers whose feature ids follow from their values (a new row gets that id before it is sent).
DERIVED_IDS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {VALUES_LAYER: value_id_of}

Op = Literal["insert", "update", "delete"]




# ---------------------------------------------------------------------- data classes


@dataclass
class Change:
    """One local change of one feature, in the shape the push endpoint wants.

    ``properties`` is always the full set (the server wants it so for insert and update);
    ``changed_fields`` names what differs from the base, for display and for the merge.
    """

    op: Op
    uuid: str
    base_revision: int | None
    properties: dict[str, Any] | None = None
    geometry: dict[str, Any] | None = None
    changed_fields: list[str] = field(default_factory=list)
    #: Why the row's geometry could not be read (a broken blob written by another program): such a
    #: change is listed, so the person sees it, but never sent.
    geometry_error: str | None = None

    def to_wire(self) -> dict[str, Any]:
        """The change as one element of a push's ``changes`` list."""
        out: dict[str, Any] = {"op": self.op, "id": self.uuid}
        if self.op != "insert":
            out["base_revision"] = self.base_revision
        if self.op != "delete":
            properties = dict(self.properties or {})
            if properties.get("owner") is None:
                properties.pop("owner", None)  # editors may omit it: the server fills in their municipality
            out["properties"] = properties
            out["geometry"] = self.geometry
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "uuid": self.uuid, "base_revision": self.base_revision,
                "properties": self.properties, "geometry": self.geometry,
                "changed_fields": list(self.changed_fields)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Change:
        return cls(op=data["op"], uuid=data["uuid"], base_revision=data.get("base_revision"),
                   properties=data.get("properties"), geometry=data.get("geometry"),
                   changed_fields=list(data.get("changed_fields") or []))


@dataclass
class FeatureState:
    """A feature's values as the working copy holds them (a layer row or its base)."""

    uuid: str
    revision: int | None
    properties: dict[str, Any]
    geometry: dict[str, Any] | None
    state: str | None = None
    reason: str | None = None

    def values(self) -> dict[str, Any]:
        """Properties plus geometry under the key ``"geometry"``: the merge's view of a feature."""
        return {**self.properties, "geometry": self.geometry}


@dataclass
class Outbox:
    """A push that was written down before it was sent."""

    layer: str
    idempotency_key: str
    schema_version: int
    changes: list[Change]


@dataclass(frozen=True)
class Refusal:
    uuid: str
    code: str
    message: str


# ---------------------------------------------------------------------- the working copy


class WorkingCopy(GeoPackage):
    """One GeoPackage file holding the checked-out layers of one server connection."""

    def __init__(self, path: str | os.PathLike[str], srs_id: int = DEFAULT_SRS_ID) -> None:
        self._schemas: dict[str, dict[str, Any]] | None = None
        super().__init__(path, srs_id)
        with self.transaction():
            self._create_bookkeeping()

    @classmethod
    def in_folder(cls, folder: str | os.PathLike[str]) -> WorkingCopy:
        return cls(Path(folder) / FILE_NAME)

    def __enter__(self) -> WorkingCopy:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _create_bookkeeping(self) -> None:
        """The ``fa_`` tables (see the module docstring); called in a transaction."""
        self._execute("CREATE TABLE IF NOT EXISTS fa_meta (key TEXT PRIMARY KEY, value TEXT)")
        self._execute(
            "CREATE TABLE IF NOT EXISTS fa_base (layer TEXT NOT NULL, uuid TEXT NOT NULL, "
            "revision INTEGER, properties TEXT NOT NULL, geom BLOB, state TEXT, reason TEXT, "
            "digest TEXT, PRIMARY KEY (layer, uuid))"
        )
        if "digest" not in {c["name"] for c in self._execute("PRAGMA table_info(fa_base)")}:
            # working copies made before the digest: filled in by the next full comparison
            self._execute("ALTER TABLE fa_base ADD COLUMN digest TEXT")
        self._execute(
            "CREATE TABLE IF NOT EXISTS fa_outbox (layer TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL, "
            "schema_version INTEGER NOT NULL, changes TEXT NOT NULL, "
            "created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
        )
        self._execute(
            "CREATE TABLE IF NOT EXISTS fa_rejected (layer TEXT NOT NULL, uuid TEXT NOT NULL, "
            "code TEXT, message TEXT, "
            "recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), "
            "PRIMARY KEY (layer, uuid))"
        )

    # ------------------------------------------------------------------ meta

    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self._execute("SELECT value FROM fa_meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row["value"]) if row is not None else default

    def set_meta(self, key: str, value: Any) -> None:
        with self.transaction():
            self._execute("INSERT OR REPLACE INTO fa_meta (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    @property
    def server_url(self) -> str | None:
        return self.get_meta("server_url")

    @server_url.setter
    def server_url(self, value: str) -> None:
        self.set_meta("server_url", value)

    @property
    def username(self) -> str | None:
        return self.get_meta("username")

    @username.setter
    def username(self, value: str) -> None:
        self.set_meta("username", value)

    def cursor(self, layer: str) -> int:
        """The server sequence number up to which this layer has been pulled."""
        return int(self.get_meta(f"cursor:{layer}", 0))

    def set_cursor(self, layer: str, cursor: int) -> None:
        self.set_meta(f"cursor:{layer}", int(cursor))

    def schemas(self) -> dict[str, dict[str, Any]]:
        """The server's schema of each checked-out layer, as it was at checkout."""
        if self._schemas is None:
            self._schemas = self.get_meta("layers", {})
        return dict(self._schemas)

    def schema(self, layer: str) -> dict[str, Any]:
        try:
            return self.schemas()[layer]
        except KeyError:
            raise AtlasError(tr("error.layer_not_checked_out", layer=layer), "layer_not_checked_out") from None

    def schema_version(self, layer: str) -> int:
        return int(self.schema(layer).get("schema_version", 1))

    def layer_names(self) -> list[str]:
        return list(self.schemas())

    def has_layer(self, layer: str) -> bool:
        return layer in self.schemas()

    def fields(self, layer: str) -> list[tuple[str, str]]:
        """(name, type) of the layer's server fields, in schema order."""
        return [(f["name"], f.get("type", "string")) for f in self.schema(layer).get("fields", [])]


    # ------------------------------------------------------------------ layers

    def create_layer(self, schema: Mapping[str, Any], replace: bool = False) -> None:
        """Create the table of a server layer and register it as a GeoPackage feature table."""
        name = schema["name"]
        spatial = has_geometry(schema)
        geometry_type = geometry_type_name(schema.get("geometry_type", "Geometry")) if spatial else None
        columns = [
            '"fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL',
            '"uuid" TEXT UNIQUE',
        ]
        if spatial:
            columns.append(f'"{GEOMETRY_COLUMN}" {geometry_type}')
        for spec in schema.get("fields", []):
            if spec["name"] in RESERVED_COLUMNS or spec["name"].startswith("fa_"):
                raise ValueError(f"layer {name}: field name {spec['name']!r} collides with a reserved column")
            columns.append(f"{quote(spec['name'])} {FIELD_TYPES.get(spec.get('type', 'string'), 'TEXT')}")
        columns += ['"fa_revision" INTEGER', '"fa_state" TEXT', '"fa_reason" TEXT']
        with self.transaction():
            if replace:
                self.drop_layer(name)
            # A layer without geometry (the indicator values) is a GeoPackage attributes table.
            self.create_table(name, columns, title=schema.get("title") or name,
                              description=schema.get("description") or "", geometry_type=geometry_type)
            schemas = self.schemas()
            schemas[name] = dict(schema)
            self._save_schemas(schemas)
            self._execute("DELETE FROM fa_meta WHERE key = ?", (f"cursor:{name}",))

    def drop_layer(self, name: str) -> None:
        """Remove a layer with all its bookkeeping (and any R-tree QGIS or GDAL added)."""
        with self.transaction():
            self.drop_table(name)
            for table in ("fa_base", "fa_outbox", "fa_rejected"):
                self._execute(f"DELETE FROM {table} WHERE layer = ?", (name,))
            self._execute("DELETE FROM fa_meta WHERE key = ?", (f"cursor:{name}",))
            schemas = self.schemas()
            if schemas.pop(name, None) is not None:
                self._save_schemas(schemas)

    def refresh_schema(self, schema: Mapping[str, Any]) -> None:
        """Keep the server's current description of a checked-out layer whose ``schema_version`` is
        unchanged: its columns are the same, but catalogue choices, titles and constraints may have
        changed, and the checks before the next sync and the forms should know them."""
        schemas = self.schemas()
        name = schema["name"]
        if name in schemas and schemas[name] != dict(schema):
            schemas[name] = dict(schema)
            self._save_schemas(schemas)

    def _save_schemas(self, schemas: dict[str, dict[str, Any]]) -> None:
        self.set_meta("layers", schemas)
        self._schemas = schemas

    def update_extent(self, layer: str) -> None:
        """Store the layer's bounding box in gpkg_contents (an attributes table has none)."""
        if layer in self.schemas() and not self.has_geometry(layer):
            return
        super().update_extent(layer)

    # ------------------------------------------------------------------ rows and base

    def _geometry_type(self, layer: str) -> str:
        schema = self.schema(layer)
        return geometry_type_name(schema.get("geometry_type", "Geometry")) if has_geometry(schema) else "GEOMETRY"

    def has_geometry(self, layer: str) -> bool:
        return has_geometry(self.schema(layer))

    def _row_state(self, layer: str, row: sqlite3.Row) -> FeatureState:
        properties = {name: normalise_value(ftype, row[name]) for name, ftype in self.fields(layer)}
        blob = row_blob(row)
        geometry = promote(wkb.gpkg_to_geojson(bytes(blob)), self._geometry_type(layer)) if blob else None
        return FeatureState(row["uuid"], row["fa_revision"], properties, geometry, row["fa_state"], row["fa_reason"])

    def read_row(self, layer: str, uuid: str) -> FeatureState | None:
        """The current local state of one feature (None if there is no such row)."""
        row = self._execute(f"SELECT * FROM {quote(layer)} WHERE uuid = ?", (uuid,)).fetchone()
        return self._row_state(layer, row) if row is not None else None

    def rows(self, layer: str) -> list[FeatureState]:
        return [self._row_state(layer, row) for row in self._execute(f"SELECT * FROM {quote(layer)} ORDER BY fid")]

    def write_row(self, layer: str, state: FeatureState) -> None:
        """Insert or overwrite the row of ``state.uuid`` with the given values and state columns."""
        fields = self.fields(layer)
        names = [GEOMETRY_COLUMN] + [name for name, _ in fields] + list(STATE_COLUMNS)
        blob, stored = self._stored_form(fields, state)
        values = [blob, *stored, state.revision, state.state, state.reason]
        if not self.has_geometry(layer):
            names, values = names[1:], values[1:]
        with self.transaction():
            cursor = self._execute(
                f"UPDATE {quote(layer)} SET {', '.join(quote(n) + ' = ?' for n in names)} WHERE uuid = ?",
                (*values, state.uuid),
            )
            if cursor.rowcount == 0:
                self._execute(
                    f"INSERT INTO {quote(layer)} (uuid, {', '.join(map(quote, names))}) "
                    f"VALUES (?, {', '.join('?' for _ in names)})",
                    (state.uuid, *values),
                )

    def set_row_state(self, layer: str, uuid: str, revision: int | None, state: str | None,
                      reason: str | None) -> None:
        """Update only the read-only state columns of a row (its values stay as they are)."""
        with self.transaction():
            self._execute(
                f"UPDATE {quote(layer)} SET fa_revision = ?, fa_state = ?, fa_reason = ? WHERE uuid = ?",
                (revision, state, reason, uuid),
            )

    def delete_row(self, layer: str, uuid: str) -> None:
        with self.transaction():
            self._execute(f"DELETE FROM {quote(layer)} WHERE uuid = ?", (uuid,))

    def read_base(self, layer: str, uuid: str) -> FeatureState | None:
        """The state of a feature as last received from (or accepted by) the server."""
        row = self._execute("SELECT * FROM fa_base WHERE layer = ? AND uuid = ?", (layer, uuid)).fetchone()
        return self._base_state(row) if row is not None else None

    def _base_state(self, row: sqlite3.Row) -> FeatureState:
        blob = row["geom"]
        return FeatureState(row["uuid"], row["revision"], json.loads(row["properties"]),
                            wkb.gpkg_to_geojson(bytes(blob)) if blob is not None else None,
                            row["state"], row["reason"])

    def _stored_form(self, fields: list[tuple[str, str]], state: FeatureState) -> tuple[bytes | None, list[Any]]:
        """The geometry blob and field values exactly as :meth:`write_row` stores them."""
        values = [to_sqlite(ftype, normalise_value(ftype, state.properties.get(name))) for name, ftype in fields]
        return wkb.geojson_to_gpkg(state.geometry, self.srs_id), values

    def write_base(self, layer: str, state: FeatureState) -> None:
        """Remember the server's state of a feature, with the digest of the row that state makes, so
        that :meth:`local_changes` can pass over unchanged rows without decoding them."""
        fields = self.fields(layer)
        properties = {name: normalise_value(ftype, state.properties.get(name)) for name, ftype in fields}
        blob, stored = self._stored_form(fields, state)
        with self.transaction():
            self._execute(
                "INSERT OR REPLACE INTO fa_base (layer, uuid, revision, properties, geom, state, reason, digest) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (layer, state.uuid, state.revision, dumps(properties), blob, state.state, state.reason,
                 _row_digest(state.uuid, stored, blob)),
            )

    def base_uuids(self, layer: str) -> set[str]:
        """The uuids of the features the server last sent for ``layer``."""
        return {row[0] for row in self._execute("SELECT uuid FROM fa_base WHERE layer = ?", (layer,))}

    def delete_base(self, layer: str, uuid: str) -> None:
        with self.transaction():
            self._execute("DELETE FROM fa_base WHERE layer = ? AND uuid = ?", (layer, uuid))

    def server_state(self, layer: str, feature: Mapping[str, Any]) -> FeatureState | None:
        """A feature in the pull format as a :class:`FeatureState` (None when it is deleted)."""
        if feature.get("deleted"):
            return None
        raw = dict(feature.get("properties") or {})
        if "owner" not in raw and feature.get("owner") is not None:
            raw["owner"] = feature["owner"]
        properties = {name: normalise_value(ftype, raw.get(name)) for name, ftype in self.fields(layer)}
        review = feature.get("review") or {}
        return FeatureState(feature["id"], feature.get("revision"), properties, feature.get("geometry"),
                            review.get("state"), review.get("reason"))

    def apply_server_feature(self, layer: str, feature: Mapping[str, Any]) -> None:
        """Make row and base equal to the server's state (or remove both for a deletion)."""
        state = self.server_state(layer, feature)
        with self.transaction():
            if state is None:
                self.delete_row(layer, feature["id"])
                self.delete_base(layer, feature["id"])
            else:
                self.write_row(layer, state)
                self.write_base(layer, state)

    # ------------------------------------------------------------------ change detection

    def _derived_id(self, layer: str, row: sqlite3.Row, uuid: str | None, based: Mapping[str, Any],
                    seen: set[str]) -> str | None:
        """The id a new row of a layer with derived ids must have (an indicator value's follows from
        indicator, unit and year), unless another row holds it already: then the row keeps its own,
        and the server's refusal tells the person about the duplicate."""
        derived = DERIVED_IDS[layer](dict(zip(row.keys(), row, strict=True)))
        if not derived or derived == uuid or derived in based or derived in seen:
            return uuid
        if self._execute(f"SELECT 1 FROM {quote(layer)} WHERE uuid = ? AND fid <> ?",
                         (derived, row["fid"])).fetchone() is not None:
            return uuid
        return derived

    def local_changes(self, layer: str) -> list[Change]:
        """Every difference between the layer's rows and their base, however the rows were changed.

        Rows without a base are inserts (a missing or malformed uuid is replaced by a fresh one and
        written back, so the feature keeps its id from now on); bases without a row are deletes;
        rows whose normalised properties or mm-rounded geometry differ are updates. As a service
        to the GUI, ``fa_state`` is set to ``local`` on changed rows and restored on rows whose
        edits were undone.

        A row whose stored bytes are still exactly those its base wrote (same digest) is unchanged
        without further ado; only the others are decoded and compared value by value. A row that
        turns out equal anyway (the same values rewritten in another spelling) gets its base's
        digest updated, so the next scan passes over it too.
        """
        fields = self.fields(layer)
        names = [name for name, _ in fields]
        geometry_type = self._geometry_type(layer)
        changes: list[Change] = []
        with self.transaction():
            digests = dict(self._execute("SELECT uuid, digest FROM fa_base WHERE layer = ?", (layer,)).fetchall())
            unbased = set(digests)  # bases whose row has not been seen: deletes
            to_compare: list[tuple[sqlite3.Row, str, str]] = []
            seen: set[str] = set()
            for row in self._execute(f"SELECT * FROM {quote(layer)} ORDER BY fid").fetchall():
                raw_uuid = row["uuid"]
                uuid = raw_uuid if raw_uuid in digests else canonical_uuid(raw_uuid)  # bases' are canonical
                if uuid not in digests and layer in DERIVED_IDS:
                    uuid = self._derived_id(layer, row, uuid, digests, seen)
                if uuid is None or uuid in seen:
                    uuid = str(uuidlib.uuid4())
                if uuid != raw_uuid:
                    self._execute(f"UPDATE {quote(layer)} SET uuid = ? WHERE fid = ?", (uuid, row["fid"]))
                seen.add(uuid)
                unbased.discard(uuid)
                digest = _row_digest(uuid, [row[name] for name in names], row_blob(row))
                if digests.get(uuid) == digest and row["fa_state"] != LOCAL_STATE:
                    continue
                to_compare.append((row, uuid, digest))
            bases = self._bases(layer, [uuid for _row, uuid, _d in to_compare if uuid in digests])
            for row, uuid, digest in to_compare:
                properties = {name: normalise_value(ftype, row[name]) for name, ftype in fields}
                geometry, broken = decode_geometry(row_blob(row), geometry_type)
                base = bases.get(uuid)
                if base is None:
                    changes.append(Change("insert", uuid, None, properties, geometry,
                                          [name for name in names if properties[name] is not None]
                                          + (["geometry"] if geometry is not None or broken else []), broken))
                    self._mark(layer, row, LOCAL_STATE, row["fa_revision"], row["fa_reason"])
                    continue
                changed = [name for name in names
                           if comparable(properties[name]) != comparable(base.properties.get(name))]
                if broken or wkb.rounded(geometry) != wkb.rounded(base.geometry):
                    changed.append("geometry")
                if changed:
                    changes.append(Change("update", uuid, base.revision, properties, geometry, changed, broken))
                    self._mark(layer, row, LOCAL_STATE, base.revision, row["fa_reason"])
                    continue
                if row["fa_state"] == LOCAL_STATE:
                    self._mark(layer, row, base.state, base.revision, base.reason)
                if digests.get(uuid) != digest:
                    self._execute("UPDATE fa_base SET digest = ? WHERE layer = ? AND uuid = ?", (digest, layer, uuid))
            for uuid, base in self._bases(layer, [u for u in digests if u in unbased]).items():
                changes.append(Change("delete", uuid, base.revision, None, None, []))
        return changes

    def _bases(self, layer: str, uuids: list[str]) -> dict[str, FeatureState]:
        """The base states of ``uuids``, in a few queries however many there are."""
        found: dict[str, FeatureState] = {}
        for start in range(0, len(uuids), 500):
            part = uuids[start:start + 500]
            query = f"SELECT * FROM fa_base WHERE layer = ? AND uuid IN ({', '.join('?' for _ in part)})"
            found.update((row["uuid"], self._base_state(row)) for row in self._execute(query, (layer, *part)))
        return found

    def _mark(self, layer: str, row: sqlite3.Row, state: str | None, revision: int | None,
              reason: str | None) -> None:
        if (row["fa_state"], row["fa_revision"], row["fa_reason"]) != (state, revision, reason):
            self._execute(
                f"UPDATE {quote(layer)} SET fa_state = ?, fa_revision = ?, fa_reason = ? WHERE fid = ?",
                (state, revision, reason, row["fid"]),
            )

    def discard_change(self, layer: str, uuid: str) -> None:
        """Undo the local change of one feature: its row becomes the state last received from the
        server again (a deleted feature comes back, a new one is removed), its refusal is forgotten.

        Refused while the change is part of an interrupted push (``fa_outbox``): that push is
        re-sent as it was, so discarding it here would not stop it.
        """
        outbox = self.outbox(layer)
        if outbox is not None and any(change.uuid == uuid for change in outbox.changes):
            raise AtlasError(tr("error.discard_in_outbox"), "discard_in_outbox")
        with self.transaction():
            base = self.read_base(layer, uuid)
            if base is None:
                self.delete_row(layer, uuid)
            else:
                self.write_row(layer, base)
            self.clear_refusal(layer, uuid)

    # ------------------------------------------------------------------ outbox

    def outbox(self, layer: str) -> Outbox | None:
        row = self._execute("SELECT * FROM fa_outbox WHERE layer = ?", (layer,)).fetchone()
        if row is None:
            return None
        return Outbox(layer, row["idempotency_key"], row["schema_version"],
                      [Change.from_dict(c) for c in json.loads(row["changes"])])

    def write_outbox(self, layer: str, idempotency_key: str, schema_version: int,
                     changes: Iterable[Change]) -> Outbox:
        """Write down a push before it is sent: after a crash it is re-sent with the same key."""
        changes = list(changes)
        with self.transaction():
            self._execute(
                "INSERT OR REPLACE INTO fa_outbox (layer, idempotency_key, schema_version, changes) "
                "VALUES (?, ?, ?, ?)",
                (layer, idempotency_key, schema_version, dumps([c.to_dict() for c in changes])),
            )
        return Outbox(layer, idempotency_key, schema_version, changes)

    def clear_outbox(self, layer: str) -> None:
        with self.transaction():
            self._execute("DELETE FROM fa_outbox WHERE layer = ?", (layer,))

    # ------------------------------------------------------------------ refusals

    def record_refusal(self, layer: str, uuid: str, code: str, message: str) -> None:
        with self.transaction():
            self._execute(
                "INSERT OR REPLACE INTO fa_rejected (layer, uuid, code, message) VALUES (?, ?, ?, ?)",
                (layer, uuid, code, message),
            )

    def clear_refusal(self, layer: str, uuid: str) -> None:
        with self.transaction():
            self._execute("DELETE FROM fa_rejected WHERE layer = ? AND uuid = ?", (layer, uuid))

    def refusals(self, layer: str) -> list[Refusal]:
        return [Refusal(row["uuid"], row["code"], row["message"]) for row in self._execute(
            "SELECT uuid, code, message FROM fa_rejected WHERE layer = ? ORDER BY uuid", (layer,))]



def _row_digest(uuid: str, values: list[Any], blob: Any) -> str:
    """A fingerprint of a row's stored bytes (uuid, field values in schema order, geometry blob)."""
    digest = hashlib.blake2b(repr((uuid, values)).encode("utf-8", "surrogatepass"), digest_size=16)
    digest.update(bytes(blob) if blob is not None else b"\x00")
    return digest.hexdigest()
