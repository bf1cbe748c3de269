"""Review and publishing by the county admin, feature history, and restoring old revisions.

The admin always decides on a feature's newest pending revision ("from the public state to this"):
earlier pending revisions of the same feature are folded into that decision.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ..storage.db import among
from ..storage.models import Feature, Revision, User
from . import audit, lifecycle, sequence
from .answers import Decision, FeatureState, HistoryEntry, PendingChange, PushAnswer
from .commands import Approval, Rejection, Restoration, Withdrawal, given, read
from .context import AtlasContext
from .errors import Conflict, FieldError, Invalid, NotFound
from .geometry import to_geojson
from .indicators import outliers
from .lifecycle import Op, State, Target
from .rights import Actor, may_read_unpublished, require_admin
from .sync import collector_paused, earlier_push, get_layer, kept_answer, push, revisions_by_seq
from .validation import integer_range


def changed_fields(before: dict | None, after: dict | None) -> dict[str, list[Any]]:
    before, after = before or {}, after or {}
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after))
            if before.get(k) != after.get(k)}


def moved_m(before: BaseGeometry | None, after: BaseGeometry | None) -> float | None:
    """How far a feature moved: point distance, or the distance between polygon centroids."""
    if before is None or after is None:
        return None
    if before.geom_type == "Point":
        return round(before.distance(after), 2)
    return round(before.centroid.distance(after.centroid), 2)


def _state(ctx: AtlasContext, rev: Revision | None) -> FeatureState | None:
    rev = lifecycle.live(rev)
    if rev is None:
        return None
    return FeatureState(properties={**rev.properties, "owner": ctx.key_of(rev.owner_id)},
                        geometry=to_geojson(rev.geometry))


def pending(ctx: AtlasContext, *, layer: str | None = None,
            municipality: str | None = None, category: str | None = None, author: str | None = None,
            since: datetime | None = None, until: datetime | None = None, limit: int = 1000,
            indicator: str | None = None) -> list[PendingChange]:
    """Pending changes, one per feature, with a before/after comparison (``indicator``: the values of one
    indicator)."""
    session = ctx.session
    require_admin(ctx.actor, "review")
    stmt = (select(Feature, Revision, User).join(Revision, Revision.seq == Feature.head_seq)
            .join(User, User.id == Revision.author_id).where(Revision.state == State.PENDING.value)
            .order_by(Revision.seq))
    if layer:
        stmt = stmt.where(Feature.layer == get_layer(layer).name)
    if municipality:
        stmt = stmt.where(Feature.owner_id == ctx.id_by_key.get(municipality, -1))
    if author:
        stmt = stmt.where(User.username == author)
    if indicator:
        stmt = stmt.where(Revision.properties["indicator"].as_string() == indicator)
    if since:
        stmt = stmt.where(Revision.created_at >= since)
    if until:
        stmt = stmt.where(Revision.created_at <= until)
    rows = [(f, h, u) for f, h, u in session.execute(stmt)
            if not category or (h.properties or {}).get("category") == category][:limit]
    wanted = sorted({f.published_seq for f, _h, _u in rows if f.published_seq is not None})
    published_by_seq = revisions_by_seq(session, wanted)
    out = []
    for feature, head, user in rows:
        published = published_by_seq.get(feature.published_seq)
        before, after = _state(ctx, published), _state(ctx, head)
        out.append(PendingChange(
            revision=head.seq, layer=feature.layer, id=feature.id, op=head.op,
            owner=ctx.key_of(feature.owner_id), author=user.username,
            author_name=user.display_name, created_at=audit.iso(head.created_at),
            push_id=head.push_id, before=before, after=after,
            changed_fields=changed_fields(before and before.properties, after and after.properties),
            moved_m=moved_m(published.geometry if lifecycle.live(published) else None, head.geometry),
        ))
    return outliers.flag_pending(session, out)






def _targets(session: Session, body: Any, need_reason: bool) -> tuple[list[Target], str | None]:
    """The head revisions a decision applies to, in the order of their numbers, loaded in a few chunked
    queries of plain columns."""
    data = given(read(Rejection if need_reason else Approval, body))
    if bool(data.get("revisions")) == bool(data.get("push_id")):
        raise Invalid("invalid_body", errors=[FieldError("revisions", "revisions_or_push")])
    pairs = select(Revision.seq, Revision.layer, Revision.feature_id, Revision.parent_seq, Revision.state,
                   Feature.head_seq).join(Feature, and_(Feature.layer == Revision.layer,
                                                        Feature.id == Revision.feature_id))
    if data.get("push_id"):
        # Features edited again since that push are decided with their newer change, not here.
        rows = list(session.execute(pairs.where(Revision.push_id == data["push_id"],
                                                Revision.state == State.PENDING.value,
                                                Feature.head_seq == Revision.seq)).all())
        if not rows:
            raise NotFound("nothing_pending_in_push", push_id=data["push_id"])
    else:
        seqs = data["revisions"]
        low, high = integer_range(Revision, "seq")  # once, not per number (an approval names thousands)
        if not all(isinstance(s, int) and not isinstance(s, bool) and low <= s <= high for s in seqs):
            raise Invalid("invalid_body", errors=[FieldError("revisions", "wrong_type", {"expected": "integer"})])
        rows = list(session.execute(pairs.where(among(session.connection(), Revision.seq, sorted(set(seqs))))).all())
        missing = set(seqs) - {row.seq for row in rows}
        if missing:
            raise NotFound("revision_not_found", id=min(missing))
    for row in rows:
        lifecycle.require_reviewable(row.seq, row.state, row.head_seq)
    targets = sorted((Target(row.seq, row.layer, row.feature_id, row.parent_seq) for row in rows), key=lambda t: t.seq)
    return targets, data.get("reason")


@collector_paused()
def _decide(session: Session, actor: Actor, body: Any, decision: State) -> Decision:
    """Publish or reject, as one transaction's statements. The cyclic garbage collector is paused as for a push
    (:func:`.sync.collector_paused`): a decision on 5,000 changes makes some ten objects per change (targets,
    rows, the read model's texts), none in a cycle, and the collector's full passes over them and everything
    else alive (a client's checkout of 20,000 features in the benchmark) cost up to a fifth of an approval."""
    require_admin(actor, "review")
    current = sequence.lock(session)
    targets, reason = _targets(session, body, need_reason=decision == State.REJECTED)
    if decision == State.PUBLISHED:
        done = lifecycle.publish(session, actor, targets, current=current, reason=reason)
    else:
        done = lifecycle.reject(session, actor, targets, current=current, reason=reason or "")
    audit.record(session, actor, f"review_{decision}", "revisions", revisions=done, reason=reason)
    return Decision(decision=decision, revisions=done)


def approve(ctx: AtlasContext, body: Any) -> Decision:
    """Publish: the public side shows these revisions from now on."""
    return _decide(ctx.session, ctx.actor, body, State.PUBLISHED)


def reject(ctx: AtlasContext, body: Any) -> Decision:
    """Reject with a reason: the public keeps its old state; the editor sees why through pull."""
    return _decide(ctx.session, ctx.actor, body, State.REJECTED)


def withdraw(ctx: AtlasContext, body: Any) -> Decision:
    """Take a published feature off the public side (its data stays for the municipalities)."""
    session, actor = ctx.session, ctx.actor
    require_admin(actor, "review")
    withdrawal = read(Withdrawal, body)
    current = sequence.lock(session)
    feature = session.get(Feature, (get_layer(withdrawal.layer).name, withdrawal.id))
    if feature is None:
        raise NotFound("feature_not_found", id=withdrawal.id)
    seq = lifecycle.withdraw(session, actor, feature, current=current, reason=withdrawal.reason)
    audit.record(session, actor, f"review_{State.WITHDRAWN}", f"{feature.layer}:{feature.id}",
                 reason=withdrawal.reason)
    return Decision(decision=State.WITHDRAWN, revisions=[seq])


def _readable_feature(session: Session, ctx: AtlasContext, actor: Actor, layer: str, fid: str) -> Feature:
    feature = session.get(Feature, (get_layer(layer).name, fid))
    if feature is None or not may_read_unpublished(actor, feature.owner_id, ctx.shares(feature.owner_id)):
        raise NotFound("feature_not_found", id=fid)
    return feature


def history(ctx: AtlasContext, layer: str, fid: str) -> list[HistoryEntry]:
    """Every revision of a feature: who, when, what changed, and the review decision."""
    session, actor = ctx.session, ctx.actor
    feature = _readable_feature(session, ctx, actor, layer, fid)
    revs = session.execute(select(Revision, User).join(User, User.id == Revision.author_id).where(
        Revision.layer == feature.layer, Revision.feature_id == fid).order_by(Revision.seq)).all()
    out, previous = [], None
    for rev, author in revs:
        reviewer = session.get(User, rev.reviewed_by_id) if rev.reviewed_by_id else None
        out.append(HistoryEntry(
            revision=rev.seq, op=rev.op, author=author.username, created_at=audit.iso(rev.created_at),
            state=rev.state, reason=rev.reason, reviewed_by=reviewer.username if reviewer else None,
            reviewed_at=audit.iso(rev.reviewed_at),
            owner=ctx.key_of(rev.owner_id),
            changed_fields=changed_fields(previous.properties if previous else None,
                                          rev.properties if rev.op != Op.DELETE else None),
            moved_m=moved_m(previous.geometry if previous else None, rev.geometry),
            published=rev.seq == feature.published_seq,
        ))
        previous = rev
    return out


def restore(ctx: AtlasContext, layer: str, fid: str, body: Any) -> PushAnswer:
    """Bring back an older revision's content as a new pending change, through the normal push path
    (so the ownership rule and every check apply exactly as for an edit in QGIS). With an
    ``idempotency_key``, a retried restore returns the first answer instead of restoring twice."""
    session, actor = ctx.session, ctx.actor
    data = given(read(Restoration, body))
    feature = _readable_feature(session, ctx, actor, layer, fid)
    old = session.get(Revision, data["revision"])
    if old is None or old.layer != feature.layer or old.feature_id != fid:
        raise NotFound("revision_not_found", id=data["revision"])
    op = Op.DELETE if old.op == Op.DELETE else Op.UPDATE
    change: dict[str, Any] = {"op": op.value, "id": fid, "base_revision": feature.head_seq}
    if op == Op.UPDATE:
        change["properties"] = {**old.properties, "owner": ctx.key_of(old.owner_id)}
        change["geometry"] = to_geojson(old.geometry)
    spec = get_layer(layer)
    key = data.get("idempotency_key") or f"restore-{uuid.uuid4()}"
    earlier = earlier_push(session, actor, key)
    if earlier is not None:  # a retry: the feature's head has moved on, so compare what was restored
        kept = kept_answer(session, earlier)
        if [r.id for r in kept.results] != [fid]:
            raise Conflict("idempotency_key_reused", key=key)
        return replace(kept, replayed=True)
    return push(ctx, spec.name, {"idempotency_key": key,
                                                 "schema_version": spec.schema_version, "changes": [change]})
