"""indicator catalogue: themes, indicators and the catalogue version

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 15:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "indicator_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name_de", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name_de", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("definition_de", sa.String(length=2000), nullable=True),
        sa.Column("definition_en", sa.String(length=2000), nullable=True),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("numerator_id", sa.Integer(), nullable=True),
        sa.Column("denominator_id", sa.Integer(), nullable=True),
        sa.Column("decimals", sa.Integer(), nullable=False),
        sa.Column("polarity", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("copyright", sa.String(length=500), nullable=True),
        sa.Column("levels", _JSON, nullable=False),
        sa.Column("aggregation", sa.String(length=10), nullable=False),
        sa.Column("min_count", sa.Integer(), nullable=False),
        sa.Column("min_denominator", sa.Float(), nullable=False),
        sa.Column("maintained_by", sa.String(length=20), nullable=False),
        sa.Column("keywords", _JSON, nullable=False),
        sa.Column("provision", _JSON, nullable=True),
        sa.ForeignKeyConstraint(["denominator_id"], ["indicators.id"]),
        sa.ForeignKeyConstraint(["numerator_id"], ["indicators.id"]),
        sa.ForeignKeyConstraint(["theme_id"], ["indicator_themes.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "indicator_catalogue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(
        sa.table("indicator_catalogue", sa.column("id", sa.Integer), sa.column("version", sa.BigInteger)),
        [{"id": 1, "version": 0}],
    )


def downgrade() -> None:
    op.drop_table("indicator_catalogue")
    op.drop_table("indicators")
    op.drop_table("indicator_themes")
