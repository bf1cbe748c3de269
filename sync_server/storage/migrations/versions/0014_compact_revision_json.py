"""revisions' properties on SQLite rewritten in the form answers write JSON (compact, not ASCII-escaped)

A pull splices the stored properties' text into its answer as it is (``sync._properties_text``); the
storage writes JSON in that form from now on (``storage.db.make_engine``), and this brings the rows
written before into it, so their answers stay the same byte for byte (as they were, the answers would
be the same JSON with spaces and escapes). PostgreSQL stores JSONB, which its driver decodes: nothing
to do there. Downgrade leaves the text as it is (the same JSON).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 03:30:00
"""

from __future__ import annotations

import json

from alembic import op

from sync_server.storage.db import stored_json

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_BATCH = 5000


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    last = -1
    while True:
        rows = bind.exec_driver_sql("SELECT seq, properties FROM revisions WHERE seq > ? ORDER BY seq LIMIT ?",
                                    (last, _BATCH)).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        changed = [(text, seq) for seq, stored in rows if stored is not None
                   and (text := stored_json(json.loads(stored))) != stored]
        if changed:
            bind.exec_driver_sql("UPDATE revisions SET properties = ? WHERE seq = ?", changed)


def downgrade() -> None:
    pass
