"""Bulk import of municipalities and spatial units from GeoPackage, Shapefile or GeoJSON files.

Units go through the same push path as edits from QGIS, so every check and the revision history
apply; the admin may publish them at once.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import mapping
from sqlalchemy import select

from .domain import configuration, review, sync
from .domain.accounts import actor_of
from .domain.context import AtlasContext
from .domain.errors import FieldError, Invalid
from .domain.geometry import STORAGE_CRS
from .domain.text import text_fault
from .storage.models import Feature, Municipality, User

UNIT_NAMESPACE = uuid.UUID("5b6f1d2e-8f1a-4c55-9a57-0c1f3d4b2a10")


def _read(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    frame = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    if frame.crs is None:
        raise Invalid("invalid_crs", errors=[FieldError("crs", "unknown_crs", {"crs": "none",
                                                                               "accepted": STORAGE_CRS})])
    return frame.to_crs(STORAGE_CRS)


def _text(row: Any, name: str) -> str | None:
    """A column's value as text; a text that cannot be stored (a file in the wrong encoding can
    decode to lone surrogates) is refused like in a request body."""
    value = row.get(name)
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value)
    if code := text_fault(text):
        raise Invalid("invalid_body", errors=[FieldError(name, code)])
    return text


def import_municipalities(ctx: AtlasContext, path: Path, layer: str | None = None) -> int:
    """Create or update municipalities by ``key`` (columns key, name, kind, parent_key), as ``ctx``'s actor
    (the operator at the command line)."""
    session = ctx.session
    frame = _read(path, layer)
    count = 0
    for _, row in frame.iterrows():
        key = _text(row, "key")
        existing = session.scalar(select(Municipality).where(Municipality.key == key))
        parent_key = _text(row, "parent_key")
        parent = session.scalar(select(Municipality).where(Municipality.key == parent_key)) if parent_key else None
        body = {"key": key, "name": _text(row, "name"), "kind": _text(row, "kind") or "Gemeinde",
                "parent_id": parent.id if parent else None, "territory": mapping(row.geometry)}
        configuration.save_municipality(ctx, body, existing.id if existing else None)
        count += 1
    return count


def unit_id(level: str, key: str) -> str:
    """Stable ids, so importing the same file again updates instead of duplicating."""
    return str(uuid.uuid5(UNIT_NAMESPACE, f"{level}/{key}"))


def import_units(ctx: AtlasContext, admin: User, path: Path, level: str | None = None,
                 layer: str | None = None, publish: bool = False) -> int:
    """Import spatial units (columns key, name, optional level, parent_key, owner) as one push of the
    ``admin`` account (the revisions name their author), published at once with ``publish``."""
    session = ctx.session
    frame = _read(path, layer)
    ctx = ctx.acting_as(actor_of(admin))
    changes = []
    for _, row in frame.iterrows():
        unit_level = level or _text(row, "level")
        key = _text(row, "key")
        fid = unit_id(unit_level or "", key or "")
        feature = session.get(Feature, ("spatial_units", fid))
        change = {"op": "update" if feature else "insert", "id": fid,
                  "properties": {"level": unit_level, "key": key, "name": _text(row, "name"),
                                 "parent_key": _text(row, "parent_key"), "owner": _text(row, "owner")},
                  "geometry": mapping(row.geometry)}
        if feature:
            change["base_revision"] = feature.head_seq
        changes.append(change)
    answer = sync.push(ctx, "spatial_units", {
        "idempotency_key": f"import-{uuid.uuid4()}", "schema_version": sync.get_layer("spatial_units").schema_version,
        "changes": changes})
    if publish:
        review.approve(ctx, {"push_id": answer.push_id})
    return len(changes)
