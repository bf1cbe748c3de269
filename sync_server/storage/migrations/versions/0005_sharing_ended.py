"""municipalities remember when they stopped sharing unpublished work

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Unknown for sharing that ended before this version: such working copies got tombstones then.
    op.add_column("municipalities", sa.Column("sharing_ended_seq", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35 and newer have it): batch mode would copy and drop the table, which
    # other tables' foreign keys forbid once the atlas holds data.
    op.drop_column("municipalities", "sharing_ended_seq")
