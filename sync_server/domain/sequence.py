"""The server-wide change sequence (see :class:`~sync_server.storage.models.AtlasSequence`)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..storage.models import AtlasSequence


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
