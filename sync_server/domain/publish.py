"""The publish rule: what the public sees of a feature.

The public sees exactly the published revision of each feature, unless that revision is a
deletion. A pending change, including a pending deletion, changes nothing public until the admin
approves it. The public read model (:mod:`.read_model`, read by the GeoJSON endpoint and the OGC
API) is written from :func:`public_condition` and :func:`public_properties`; the indicators' public
side reads through :func:`public_query`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from json.encoder import encode_basestring
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, and_, cast, func, select
from sqlalchemy.orm import Session

from ..storage.db import stored_json
from ..storage.models import Feature, Revision
from .lifecycle import Op, live


def public_condition() -> ColumnElement[bool]:
    """The rule, in SQL over features joined with revisions on ``Revision.seq == Feature.published_seq``."""
    return and_(Feature.published_seq.is_not(None), Revision.op != Op.DELETE.value)


def public_query(layer: str) -> Select:
    """Select (Feature, Revision) pairs of the public state of ``layer``, in a stable order."""
    return (
        select(Feature, Revision)
        .join(Revision, and_(Revision.seq == Feature.published_seq))
        .where(Feature.layer == layer, public_condition())
        .order_by(Feature.id)
    )


def public_rows(session: Session, layer: str, chunk: int = 2000) -> Iterator[tuple[Feature, Revision]]:
    """Stream the public rows of a layer without holding them all in memory."""
    yield from session.execute(public_query(layer).execution_options(yield_per=chunk))


def public_columns(session: Session, layer: str, names: Sequence[str],
                   *conditions: ColumnElement[bool]) -> list[list[Any]]:
    """The properties ``names`` of every public feature of ``layer`` (that meets ``conditions``), one list
    of JSON values per feature, in no particular order.

    Column-wise and cheap: the database packs just these properties of a row into one small JSON array
    (SQLite's ``json_extract`` with several paths, PostgreSQL's ``jsonb_build_array``) and all arrays are
    decoded by one ``json.loads``; no ORM objects, no decoding of whole property records per row. For
    readers of many features (the indicators' public side reads 100,000 values at a time).
    """
    props = Revision.properties
    paths = list(names) if len(names) > 1 else [*names, *names]  # one path would return a bare value
    if session.get_bind().dialect.name == "postgresql":
        packed = cast(func.jsonb_build_array(*(props[n] for n in paths)), Text)
    else:
        packed = func.json_extract(props, *(f"$.{n}" for n in paths), type_=Text)
    query = (select(packed).select_from(Feature).join(Revision, Revision.seq == Feature.published_seq)
             .where(Feature.layer == layer, public_condition(), *conditions))
    texts = session.execute(query).scalars().all()
    return json.loads(f"[{','.join(texts)}]") if texts else []


def public_properties(properties: dict[str, Any], owner_key: str, seq: int) -> dict[str, Any]:
    """What the public reads of a published revision (its ``properties``, number ``seq``): its properties,
    the owning municipality's key and the revision number; nothing of the staff who made or reviewed it
    (no author, no reviewer). Every public reader (GeoJSON endpoint, OGC API) shows exactly this."""
    return {**properties, "owner": owner_key, "published_revision": seq}


def public_properties_text(stored: str, properties: dict[str, Any], owner_key: str, seq: int) -> str:
    """:func:`public_properties` as the text a JSON column stores (``storage.db.stored_json`` of it), given the
    revision's properties both as their stored text and decoded. The two added members are appended to the
    stored text where that text is already in the stored form (the storage writes JSON compact and not
    ASCII-escaped, and migration 0014 brought older SQLite rows into that form; PostgreSQL's text of a JSONB
    value is another spelling of the same value, which JSONB stores alike): encoding the properties of
    every feature of a publish again cost as much as the rest of building its row. Encoded instead: text
    with escapes (rows written ASCII-escaped) and properties holding ``owner`` or ``published_revision`` of
    their own."""
    if (stored.startswith("{") and stored.endswith("}") and "\\u" not in stored and '"owner"' not in stored
            and '"published_revision"' not in stored):
        added = f'"owner":{encode_basestring(owner_key)},"published_revision":{int(seq)}}}'
        body = stored[:-1].rstrip()
        return f"{{{added}" if body == "{" else f"{body},{added}"
    return stored_json(public_properties(properties, owner_key, seq))


def is_public(feature: Feature, published: Revision | None) -> bool:
    return feature.published_seq is not None and live(published) is not None
