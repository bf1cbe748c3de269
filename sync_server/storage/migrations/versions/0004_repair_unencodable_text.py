"""repair stored text that cannot be encoded as UTF-8

Before the server refused them, lone UTF-16 surrogates could be stored on SQLite and made every
answer holding them fail. This replaces each such character with U+FFFD, in every text and JSON
column (see sync_server/storage/text_repair.py; ``familienatlas-server check-text`` runs the same
check by hand). On PostgreSQL it finds nothing: it refuses such text on write.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import logging

from alembic import op

from sync_server.storage.text_repair import check_text

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    for finding in check_text(op.get_bind(), repair=True):
        log.warning("repaired text that cannot be encoded as UTF-8: %s", finding.describe())


def downgrade() -> None:
    """The repair cannot be undone (the bad characters carried no information) and needs no undoing."""
