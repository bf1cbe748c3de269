"""The review lifecycle of content: the states of a revision, the operations and roles, and the only
functions that move a feature's pointers.

A :class:`~sync_server.storage.models.Feature` points at three revisions: its *head* (the newest
accepted change), its *published* revision (what the public sees, None when nothing is public) and
its *change number* (what incremental pulls order by). Every transition of docs/architecture.md
("Lifecycle of a change") is one function here, and each of them keeps the three pointers and the
server-wide sequence in step::

    submit    push (editor or admin)       -> pending      head and change number move
    publish   admin approves the head      -> published    published pointer moves; older pending: superseded
    reject    admin refuses the head       -> rejected     change number moves; older pending: rejected too
    withdraw  admin takes it off the public published  -> withdrawn    published pointer cleared

Institutions, spatial units and indicator values all go through these functions (values are content
of the generic store like any other layer). Who may call them is decided in :mod:`.rights`; what a
request asks for is read in :mod:`.sync` and :mod:`.review`. Every function expects the caller to hold
the write lock (:func:`.sequence.lock`, the first statement of the transaction) and gets the locked
sequence value as ``current``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy import inspect, or_, select, update
from sqlalchemy.orm import Session

from ..storage.db import Columns, among, bulk_insert, bulk_update
from ..storage.models import Feature, Municipality, Revision
from . import audit, sequence
from .errors import Conflict

if TYPE_CHECKING:
    from .rights import Actor
    from .sync import StoredFeature


class State(StrEnum):
    """The review state of a revision (stored as its value in ``revisions.state``)."""

    PENDING = "pending"  # accepted by a push, waiting for the admin
    PUBLISHED = "published"  # the public sees it (while it is its feature's published revision)
    REJECTED = "rejected"  # refused with a reason; the public keeps the older state
    SUPERSEDED = "superseded"  # an older pending revision folded into the publication of a newer one
    WITHDRAWN = "withdrawn"  # was published, taken off the public side by the admin


#: States of revisions that were public at some time: whoever may read the public has seen them.
ONCE_PUBLIC = frozenset({State.PUBLISHED, State.WITHDRAWN})


class Op(StrEnum):
    """What a change (and the revision it becomes) does to its feature."""

    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"


class Role(StrEnum):
    """The role of a user account (what each may do: :mod:`.rights`)."""

    ADMIN = "admin"
    EDITOR = "editor"
    READER = "reader"


# --- what a revision means for readers ------------------------------------------------------------------


def live(revision: Revision | None) -> Revision | None:
    """``revision`` when it holds a state of the feature, None when there is none or it is a deletion
    (so the published revision of a feature whose deletion was published gives None: nothing public)."""
    return revision if revision is not None and revision.op != Op.DELETE else None


def shown_revision(head: Revision, published: Revision | None, may_read_unpublished: bool) -> Revision | None:
    """The revision a caller sees of a feature: the head for who may read unpublished work, the live
    published revision for everyone else. A rejected deletion leaves the feature alive in its published
    state, for everyone. None: the caller sees nothing of the feature (a tombstone)."""
    public = live(published)
    if not may_read_unpublished:
        return public
    if head.op == Op.DELETE and head.state == State.REJECTED and public is not None:
        return public
    return live(head)


# --- submit ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Submission:
    """One accepted change of a push, ready to become a pending revision."""

    feature_id: str
    op: Op | str
    owner_id: int
    properties: dict[str, Any]  # the new state; for a deletion the last state (history shows what was deleted)
    geometry: BaseGeometry | None
    stored: Feature | StoredFeature | None  # the feature before the change; None when the change creates it


_REVISIONS = Revision.__table__
_FEATURES = Feature.__table__


def _expire_features(session: Session, layer: str, ids: set[str]) -> None:
    """Expire the session's copies of these features (written by a Core statement behind its back)."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Feature):
            identity = inspect(obj).identity
            if identity is not None and identity[0] == layer and identity[1] in ids:
                session.expire(obj)


_WRITE_CHUNK = 5_000  # rows per bulk write of a push


def _feature_columns(layer: str, items: Sequence[tuple[Submission, int]], **same: Any) -> Columns:
    """The feature rows of submissions, each with its revision's number: its head and change number."""
    seqs = [seq for _item, seq in items]
    return Columns(each={"id": [item.feature_id for item, _seq in items],
                         "owner_id": [item.owner_id for item, _seq in items], "head_seq": seqs, "change_seq": seqs,
                         "deleted": [item.op == Op.DELETE for item, _seq in items]}, same={"layer": layer, **same})


def submit(session: Session, actor: Actor, layer: str, submissions: Sequence[Submission], *, current: int,
           push_id: str, now: datetime) -> list[int]:
    """Record ``submissions`` as pending revisions numbered ``current + 1, current + 2, ...``; each
    becomes its feature's head and change number (new features are created unpublished). Returns the
    revision numbers, in order.

    Written as three plain bulk statements per 5,000 rows (:func:`..storage.db.bulk_insert` and ``bulk_update``: the
    driver's executemany, on PostgreSQL pages of multi-row VALUES), not ORM objects, not even
    SQLAlchemy's executemany: an upload of 100,000 values is one push, and preparing the parameters
    row by row cost as much as the database's work. The session's copies of updated features are
    expired, so later reads load them again."""
    session.flush()  # ORM objects the caller added before go first (the rows below may refer to them)
    conn = session.connection()
    for start in range(0, len(submissions), _WRITE_CHUNK):
        # A chunk at a time: the parameters of 100,000 rows (thirteen columns each) held at once cost more
        # memory than everything else an upload keeps. Given column by column, with the values every row
        # shares once (:class:`..storage.db.Columns`).
        part = submissions[start:start + _WRITE_CHUNK]
        seqs = range(current + start + 1, current + start + 1 + len(part))
        bulk_insert(conn, _REVISIONS, Columns(each={
            "seq": seqs, "feature_id": [item.feature_id for item in part],
            "parent_seq": [item.stored.head_seq if item.stored is not None else None for item in part],
            "op": [str(item.op) for item in part], "owner_id": [item.owner_id for item in part],
            "properties": [item.properties for item in part],
            "geometry": [None if item.op == Op.DELETE else item.geometry for item in part],
        }, same={"layer": layer, "author_id": actor.user_id, "created_at": now, "push_id": push_id,
                 "state": State.PENDING.value}))
        created = [(item, seq) for item, seq in zip(part, seqs, strict=True) if item.stored is None]
        moved = [(item, seq) for item, seq in zip(part, seqs, strict=True) if item.stored is not None]
        if created:
            bulk_insert(conn, _FEATURES, _feature_columns(layer, created, published_seq=None))
        if moved:
            bulk_update(conn, _FEATURES, ("layer", "id"), _feature_columns(layer, moved))
            _expire_features(session, layer, {item.feature_id for item, _seq in moved})
    sequence.advance(session, current, len(submissions))
    return [current + offset for offset in range(1, len(submissions) + 1)]


# --- publish, reject, supersede -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """A revision a decision applies to: the head of its feature (plain columns, no ORM objects, so
    deciding on a push of 100,000 values stays a few bulk statements)."""

    seq: int
    layer: str
    feature_id: str
    parent_seq: int | None


def require_reviewable(seq: int, state: str, head_seq: int) -> None:
    """Only a feature's newest revision, while pending, can be decided on ("from the public state to
    this"); anything else is a conflict the admin resolves by reloading the list."""
    if state != State.PENDING or head_seq != seq:
        raise Conflict("not_reviewable", revision=seq, state=state, head=head_seq)


def publish(session: Session, actor: Actor, targets: Sequence[Target], *, current: int,
            reason: str | None = None) -> list[int]:
    """Publish the ``targets`` (pending heads, in the order of their numbers): the public shows them
    from now on; older pending revisions of their features are superseded. The public read model
    follows in the same transaction."""
    done = _decide(session, actor, targets, State.PUBLISHED, current, reason)
    _public_changed(session, [(t.layer, t.feature_id) for t in targets])
    return done


def reject(session: Session, actor: Actor, targets: Sequence[Target], *, current: int, reason: str) -> list[int]:
    """Reject the ``targets`` with a reason: the public keeps its old state; older pending revisions of
    their features are rejected with them (the editor sees why through pull)."""
    return _decide(session, actor, targets, State.REJECTED, current, reason)


def supersede(session: Session, targets: Sequence[Target], reviewed: dict[str, Any],
              state: State = State.SUPERSEDED) -> list[int]:
    """Fold the older pending revisions of the targets' features into the decision on their heads:
    ``superseded`` by a publication, ``rejected`` with a rejection. Returns their numbers."""
    earlier = _earlier_pending(session, targets)
    revisions = Revision.__table__
    if earlier:
        conn = session.connection()
        conn.execute(revisions.update().where(among(conn, revisions.c.seq, earlier))
                     .values(state=state.value, **reviewed))
    return earlier


def _decide(session: Session, actor: Actor, targets: Sequence[Target], decision: State, current: int,
            reason: str | None) -> list[int]:
    reviewed = {"reviewed_by_id": actor.user_id, "reviewed_at": audit.now(), "reason": reason}
    revisions, features = Revision.__table__, Feature.__table__
    conn = session.connection()  # plain statements: the ORM's objects are not involved
    supersede(session, targets, reviewed, State.SUPERSEDED if decision == State.PUBLISHED else State.REJECTED)
    offset = 0
    for run in _runs(targets):
        first, last = run[0].seq, run[-1].seq
        conn.execute(revisions.update().where(revisions.c.seq.between(first, last))
                     .values(state=decision.value, **reviewed))
        # The change numbers continue the sequence in the targets' order: current + 1, current + 2, ...
        changes: dict[str, Any] = {"change_seq": features.c.head_seq + (current + offset + 1 - first)}
        if decision == State.PUBLISHED:
            changes["published_seq"] = features.c.head_seq
        # The run's features by a subquery, not a list of ids: one statement for a whole push.
        conn.execute(features.update().where(
            features.c.layer == run[0].layer,
            features.c.id.in_(select(revisions.c.feature_id).where(revisions.c.seq.between(first, last))),
        ).values(**changes))
        offset += len(run)
    session.expire_all()  # objects loaded earlier in this session must not show the old state
    sequence.advance(session, current, len(targets))
    return [t.seq for t in targets]


def _earlier_pending(session: Session, targets: Sequence[Target]) -> list[int]:
    """Older pending revisions of the target features. A target without a parent revision created its
    feature, so its feature has no older revision to look for."""
    heads = {(t.layer, t.feature_id): t.seq for t in targets if t.parent_seq is not None}
    found: list[int] = []
    for layer in sorted({layer for layer, _fid in heads}):
        ids = [fid for lay, fid in heads if lay == layer]
        found.extend(seq for seq, fid in session.execute(select(Revision.seq, Revision.feature_id).where(
            Revision.layer == layer, among(session.connection(), Revision.feature_id, ids),
            Revision.state == State.PENDING.value)).all() if seq < heads[(layer, fid)])
    return sorted(found)


def _runs(targets: Sequence[Target]) -> Iterator[list[Target]]:
    """The targets in pieces of consecutive revision numbers of one layer: one UPDATE per piece gives
    every feature its own change number, ``head_seq`` + a constant. Every revision numbered within a
    piece is one of its targets (numbers are unique), so a piece is named by its first and last number."""
    run: list[Target] = []
    for t in targets:
        if run and (t.seq != run[-1].seq + 1 or t.layer != run[-1].layer):
            yield run
            run = []
        run.append(t)
    if run:
        yield run


# --- withdraw -------------------------------------------------------------------------------------------


def withdraw(session: Session, actor: Actor, feature: Feature, *, current: int, reason: str) -> int:
    """Take ``feature``'s published state off the public side (its data stays for the municipalities):
    the published revision becomes ``withdrawn`` and the feature has no published revision. Returns the
    withdrawn revision's number."""
    published = live(session.get(Revision, feature.published_seq) if feature.published_seq else None)
    if published is None:
        raise Conflict("not_published", id=feature.id)
    published.state, published.reason = State.WITHDRAWN.value, reason
    published.reviewed_by_id, published.reviewed_at = actor.user_id, audit.now()
    feature.published_seq = None
    feature.change_seq = current + 1
    sequence.advance(session, current, 1)
    _public_changed(session, [(feature.layer, feature.id)])
    return published.seq


def _public_changed(session: Session, features: Sequence[tuple[str, str]]) -> None:
    """The publish hook: what is public of these (layer, id) features changed in this transaction, so the
    public read model is rewritten for them (:func:`.read_model.refresh_published`), in the same one."""
    from . import read_model  # it builds on the publish rule, which builds on this module

    read_model.refresh_published(session, features)


# --- visibility of unpublished work ---------------------------------------------------------------------


def unpublished_visibility_changed(session: Session, owner_id: int, shares: bool) -> int:
    """Who may read ``owner_id``'s unpublished work changed (its sharing setting, now ``shares``): every
    feature of it whose head is not its published state gets a new change number, so incremental pulls
    deliver it again, as each caller may now see it. When sharing ends, other users' working copies may
    hold unpublished work they may no longer read; rather than send them tombstones (which would tell
    them of every later draft too), the change number is recorded as the municipality's
    ``sharing_ended_seq`` and their incremental pulls from before it answer ``checkout_required``.
    Call it in the transaction that changes the setting (it takes the write lock)."""
    current = sequence.lock(session)
    rows = session.execute(select(Feature.layer, Feature.id).where(
        Feature.owner_id == owner_id,
        or_(Feature.published_seq.is_(None), Feature.published_seq != Feature.head_seq))
        .order_by(Feature.change_seq)).all()
    for offset, (layer, fid) in enumerate(rows, start=1):  # change numbers stay unique: pages cut between them
        session.execute(update(Feature).where(Feature.layer == layer, Feature.id == fid)
                        .values(change_seq=current + offset))
    sequence.advance(session, current, len(rows))
    if not shares and rows:
        session.get(Municipality, owner_id).sharing_ended_seq = current + len(rows)
    return len(rows)
