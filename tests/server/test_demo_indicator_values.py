"""The demo's indicator values in the database, as the real push and review left them (both databases):
published base data, Melle's upload pending, Bramsche's upload rejected with its reason."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from sync_server.demo.indicators import build_demo_values
from sync_server.domain.indicators.values import value_id
from sync_server.storage.db import make_engine, make_session_factory, session_scope
from sync_server.storage.models import Feature, Municipality, Revision, User

LAYER = "indicator_values"
BRAMSCHE = "034590014014"


def test_the_demo_values_went_through_push_and_review(db_url: str) -> None:
    demo = build_demo_values()
    engine = make_engine(db_url)
    with session_scope(make_session_factory(engine)) as session:
        users = {uid: name for uid, name in session.execute(select(User.id, User.username))}
        keys = {mid: key for mid, key in session.execute(select(Municipality.id, Municipality.key))}
        revisions = list(session.scalars(select(Revision).where(Revision.layer == LAYER)))
        states = Counter(r.state for r in revisions)
        assert states == {"published": len(demo.published), "pending": len(demo.pending),
                          "rejected": len(demo.rejected)}
        pending = [r for r in revisions if r.state == "pending"]
        assert {users[r.author_id] for r in pending} == {"melle.editor"}
        assert {r.properties["indicator"] for r in pending} == {"kita_plaetze"}
        rejected = [r for r in revisions if r.state == "rejected"]
        assert {users[r.author_id] for r in rejected} == {"bramsche.editor"}
        assert {r.reason for r in rejected} == {demo.rejected_reason}
        # The Ortsteile's values are their town's: owned by it, sent by its editor.
        ortsteil = [r for r in revisions if r.properties["level"] == "ortsteil" and r.state == "published"]
        assert {(keys[r.owner_id], users[r.author_id]) for r in ortsteil} == {
            ("034590024024", "melle.editor"), (BRAMSCHE, "bramsche.editor")}
        # The public still sees the populations that add up, not the rejected ones.
        ids = [value_id("bev_gesamt", f"{BRAMSCHE}-{n:02d}", 2024) for n in range(1, 13)]
        features = list(session.scalars(select(Feature).where(Feature.layer == LAYER, Feature.id.in_(ids))))
        published = {r.seq: r for r in revisions}
        total = sum(published[f.published_seq].properties["value"] for f in features)
        town = session.scalar(select(Revision).join(Feature, Feature.published_seq == Revision.seq).where(
            Feature.layer == LAYER, Feature.id == value_id("bev_gesamt", BRAMSCHE, 2024)))
        assert len(features) == 12 and total == town.properties["value"]
    engine.dispose()
