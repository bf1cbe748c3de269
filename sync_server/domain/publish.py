"""The publish rule: what the public sees of a feature.

The public sees exactly the published revision of each feature, unless that revision is a
deletion. A pending change, including a pending deletion, changes nothing public until the admin
approves it. Every public reader (GeoJSON endpoint, OGC API) goes through :func:`public_rows`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from ..storage.models import Feature, Revision
from .lifecycle import Op, live


def public_query(layer: str) -> Select:
    """Select (Feature, Revision) pairs of the public state of ``layer``, in a stable order."""
    return (
        select(Feature, Revision)
        .join(Revision, and_(Revision.seq == Feature.published_seq))
        .where(Feature.layer == layer, Feature.published_seq.is_not(None), Revision.op != Op.DELETE.value)
        .order_by(Feature.id)
    )


def public_rows(session: Session, layer: str, chunk: int = 2000) -> Iterator[tuple[Feature, Revision]]:
    """Stream the public rows of a layer without holding them all in memory."""
    yield from session.execute(public_query(layer).execution_options(yield_per=chunk))


def public_properties(published: Revision, owner_key: str) -> dict[str, Any]:
    """What the public reads of a published revision: its properties, the owning municipality's key
    and the revision number; nothing of the staff who made or reviewed it (no author, no reviewer).
    Every public reader (GeoJSON endpoint, OGC API) shows exactly this."""
    return {**published.properties, "owner": owner_key, "published_revision": published.seq}


def is_public(feature: Feature, published: Revision | None) -> bool:
    return feature.published_seq is not None and live(published) is not None
