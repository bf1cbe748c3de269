"""The tests' own generator of a county-sized atlas: the demo, grown to thousands of published offers.

The offers map must stay fast when a county publishes thousands of offers (issue 11); the demo has
288. :func:`grow_offers` adds invented institutions (the demo generator's, another seed) through the
real push and review as the county admin, so every rule that guards real data guards these too, and
publishes them. Used by the web map's scale tests and by ``bench/bench_offers_map.py``.
"""

from __future__ import annotations

import uuid

from shapely.geometry import mapping
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync_server.config import Settings
from sync_server.demo import geodata
from sync_server.domain import accounts, review, sync
from sync_server.domain.context import AtlasContext
from sync_server.storage.db import make_engine, make_session_factory, session_scope
from sync_server.storage.models import Feature, User

SEED = 20_261_111
CHUNK = 2_500  # institutions per push


def published_offers(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Feature).where(
        Feature.layer == "institutions", Feature.published_seq.is_not(None))) or 0


def grow_offers(url: str, settings: Settings, total: int, seed: int = SEED) -> int:
    """Publish invented offers in the demo atlas at ``url`` until it has ``total`` published offers;
    answers how many were added. The same arguments always add the same offers."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    try:
        with session_scope(factory) as session:
            missing = total - published_offers(session)
            user = session.scalars(select(User).where(User.username == "admin")).one()
            admin = accounts.actor_of(user)
        if missing <= 0:
            return 0
        seeds = geodata.build_institutions(geodata.build_territories(), count=missing, seed=seed)
        for start in range(0, len(seeds), CHUNK):
            changes = []
            for inst in seeds[start:start + CHUNK]:
                props = {**inst.attributes(), "owner": inst.owner_key}
                props.pop("owner_key", None)
                changes.append({"op": "insert", "id": inst.id, "properties": props,
                                "geometry": mapping(inst.geometry)})
            with session_scope(factory) as session:
                ctx = AtlasContext(session, settings, admin)
                answer = sync.push(ctx, "institutions", {
                    "idempotency_key": str(uuid.uuid4()),
                    "schema_version": sync.get_layer("institutions").schema_version, "changes": changes})
                review.approve(ctx, {"push_id": answer.push_id})
        return len(seeds)
    finally:
        engine.dispose()
