"""visitors' reports of wrong or outdated offers ("Eintrag veraltet? Melden")

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 21:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offer_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.String(length=36), nullable=False),
        sa.Column("offer_name", sa.String(length=200), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("answer", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(["closed_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_offer_reports_offer_id", "offer_reports", ["offer_id"])
    op.create_index("ix_offer_reports_created_at", "offer_reports", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_offer_reports_created_at", table_name="offer_reports")
    op.drop_index("ix_offer_reports_offer_id", table_name="offer_reports")
    op.drop_table("offer_reports")
