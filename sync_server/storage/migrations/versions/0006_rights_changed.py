"""users remember when their role or municipality last changed

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 15:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("rights_changed_seq", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35 and newer have it): batch mode would copy and drop the table, which
    # other tables' foreign keys forbid once the atlas holds data.
    op.drop_column("users", "rights_changed_seq")
