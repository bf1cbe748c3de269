"""The server-wide change sequence (see :class:`~sync_server.storage.models.AtlasSequence`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BindParameter, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.visitors import cloned_traverse

from ..storage.db import Prepared, Reader
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


# Audit actions of configuration writes (municipalities, levels, categories, legal pages, the featured views) and of
# an operator's rebuild of the read model: they change public answers (or may) without handing out change numbers,
# so the public version counts them through their audit entries (deleting a view counts too: it may have been a
# featured one). Validators, proxies and the workers' kept answers rely on it.
CONFIGURATION_ACTIONS = ("municipality_saved", "spatial_level_saved", "category_saved", "page_saved",
                         "view_published", "view_unpublished", "view_deleted", "read_model_rebuilt")


def public_version(reader: Reader, with_read: tuple[Prepared, dict[str, Any]] | None = None) -> tuple[int, int, int]:
    """What every public answer depends on, in one cheap statement: the change sequence (features,
    reviews, indicator values), the indicator catalogue version and the last configuration write.

    All three only grow and are written under a lock that orders their commits (configuration writes
    take the atlas lock too), so equal versions mean equal public content: an exact validator.

    ``with_read``: a statement of one value in at most one row (one public feature's text) that the answer
    will read, with its parameters; it is read in the same statement (one round trip instead of two, and the
    value is of the very state the version names) and kept in the reader for the answer (see
    :meth:`Reader.read_ahead`).
    """
    if with_read is None:
        row = reader.rows(_PUBLIC_VERSION)[0]
    else:
        prepared, params = with_read
        row = reader.rows(_with_version(prepared), **params)[0]
        reader.read_ahead(prepared, params, [] if row[3] is None else [(row[3],)])
    return (row[0] or 0, row[1] or 0, row[2] or 0)


# Compiled once per dialect and run without a session: every public request asks it first, and SQLAlchemy's
# per-call work costs more than running it.
_PUBLIC_VERSION = Prepared(select(
    select(AtlasSequence.value).where(AtlasSequence.id == 1).scalar_subquery(),
    select(CatalogueVersion.version).where(CatalogueVersion.id == 1).scalar_subquery(),
    select(func.max(AuditEntry.id)).where(AuditEntry.action.in_(CONFIGURATION_ACTIONS)).scalar_subquery(),
))


_WITH_VERSION: dict[int, Prepared] = {}


def _optional(parameter: BindParameter) -> None:
    parameter.required = False  # its value None stands in until the read gives it


def _with_version(prepared: Prepared) -> Prepared:
    """The public version and the value of ``prepared`` (a scalar subquery: NULL when there is no row, so the
    value itself must never be NULL) in one statement, built once per statement."""
    found = _WITH_VERSION.get(id(prepared))
    if found is None:
        # the read's parameters get a placeholder value (given per read), so compiling the version's IN list
        # (which binds every parameter) does not ask for them
        inner = cloned_traverse(prepared.statement, {}, {"bindparam": _optional})
        version = _PUBLIC_VERSION.statement
        found = _WITH_VERSION[id(prepared)] = Prepared(version.add_columns(inner.scalar_subquery()))
    return found
