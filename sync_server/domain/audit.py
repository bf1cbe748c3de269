"""The append-only audit log of writes, review decisions and account changes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage.models import AuditEntry

if TYPE_CHECKING:
    from .answers import AuditRecord
    from .context import AtlasContext
    from .rights import Actor


def now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone-aware columns; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime | None) -> str | None:
    """A stored time as ISO 8601 with its UTC offset, the same on SQLite and PostgreSQL."""
    return None if moment is None else as_utc(moment).isoformat()


def record(session: Session, actor: Actor, action: str, target: str, **details: Any) -> None:
    """Append one entry; it is committed (or rolled back) with the change it describes. The operator's
    and the anonymous caller's entries name no user."""
    session.add(AuditEntry(at=now(), actor_id=actor.user_id, action=action,
                           target=target, details=details))


def query(ctx: AtlasContext, *, actor_id: int | None = None, action: str | None = None,
          since: datetime | None = None, until: datetime | None = None, limit: int = 500) -> list[AuditRecord]:
    """The admin reads the log, newest first."""
    # Imported here: rights and the answers build on lifecycle, which records through this module; a
    # module-level import would make importing lifecycle first a cycle.
    from .answers import AuditRecord
    from .rights import require_admin
    require_admin(ctx.actor, "audit")
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(max(1, min(limit, 5000)))
    if actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if since:
        stmt = stmt.where(AuditEntry.at >= since)
    if until:
        stmt = stmt.where(AuditEntry.at <= until)
    return [AuditRecord(id=e.id, at=iso(e.at), actor_id=e.actor_id, action=e.action, target=e.target,
                        details=e.details) for e in ctx.session.scalars(stmt)]
