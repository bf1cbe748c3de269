"""The server-wide change sequence (see :class:`~sync_server.storage.models.AtlasSequence`)."""

from __future__ import annotations

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from ..storage.models import AtlasSequence, AuditEntry, CatalogueVersion


def lock(session: Session) -> int:
    """Take the write lock of the atlas and return the current sequence value.

    This must be the first statement of every write transaction: on SQLite it starts the
    transaction as a writer (so busy-waiting works instead of failing), on PostgreSQL it queues
    writers on one row. Both give serialised writes, a single lock order and in-order cursors.
    """
    session.execute(update(AtlasSequence).where(AtlasSequence.id == 1).values(value=AtlasSequence.value))
    return session.scalar(select(AtlasSequence.value).where(AtlasSequence.id == 1))


def current(session: Session) -> int:
    """The last change number handed out, read without taking the write lock (pull cursors end here)."""
    return session.scalar(select(AtlasSequence.value).where(AtlasSequence.id == 1)) or 0


def advance(session: Session, current: int, count: int) -> None:
    """Record that ``count`` numbers after ``current`` were used in this transaction."""
    session.execute(update(AtlasSequence).where(AtlasSequence.id == 1).values(value=current + count))


def ensure(session: Session) -> None:
    if session.get(AtlasSequence, 1) is None:
        session.add(AtlasSequence(id=1, value=0))


# Audit actions of configuration writes (municipalities, levels, categories, legal pages, the featured views): they
# change public answers without handing out change numbers, so the public version counts them through their audit
# entries (deleting a view counts too: it may have been a featured one).
CONFIGURATION_ACTIONS = ("municipality_saved", "spatial_level_saved", "category_saved", "page_saved",
                         "view_published", "view_unpublished", "view_deleted")


def public_version(session: Session) -> tuple[int, int, int]:
    """What every public answer depends on, in one cheap statement: the change sequence (features,
    reviews, indicator values), the indicator catalogue version and the last configuration write.

    All three only grow and are written under a lock that orders their commits (configuration writes
    take the atlas lock too), so equal versions mean equal public content: an exact validator.
    """
    row = session.execute(_PUBLIC_VERSION).one()
    return (row[0] or 0, row[1] or 0, row[2] or 0)


# Built and compiled once: every public request asks it first, and building a statement costs more than
# running it (as plain SQL it skips SQLAlchemy's per-call cache key too).
_PUBLIC_VERSION = text(str(select(
    select(AtlasSequence.value).where(AtlasSequence.id == 1).scalar_subquery(),
    select(CatalogueVersion.version).where(CatalogueVersion.id == 1).scalar_subquery(),
    select(func.max(AuditEntry.id)).where(AuditEntry.action.in_(CONFIGURATION_ACTIONS)).scalar_subquery(),
).compile(compile_kwargs={"literal_binds": True})))
