"""offer categories in English and with search words (German and English)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 21:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


# Plain ALTER TABLE (SQLite 3.35 and later drop columns too): a batch copy of the table would have to
# drop it, which the foreign keys to the categories refuse.
def upgrade() -> None:
    op.add_column("categories", sa.Column("name_en", sa.String(length=200), nullable=True))
    op.add_column("categories", sa.Column("keywords_de", _JSON, nullable=True))
    op.add_column("categories", sa.Column("keywords_en", _JSON, nullable=True))


def downgrade() -> None:
    for name in ("keywords_en", "keywords_de", "name_en"):
        op.drop_column("categories", name)
