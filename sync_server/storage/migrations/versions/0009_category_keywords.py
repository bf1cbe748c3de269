"""offer categories in English and with search words (German and English)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 21:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("categories") as batch:
        batch.add_column(sa.Column("name_en", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("keywords_de", _JSON, nullable=True))
        batch.add_column(sa.Column("keywords_en", _JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("categories") as batch:
        batch.drop_column("keywords_en")
        batch.drop_column("keywords_de")
        batch.drop_column("name_en")
