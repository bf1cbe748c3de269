"""keep the public read model's rows inline on PostgreSQL (no TOAST for rows up to a page)

A row of ``public_features`` (two GeoJSON texts and the properties of a point, about 3 kB) is above
PostgreSQL's default TOAST threshold (about 2 kB), so every write moved a text out into the TOAST table
(one more row and index entry there) and every read of a text fetched it back. With
``toast_tuple_target`` at the largest value, rows up to a page stay in the table as they are; larger
ones (a detailed polygon) are compressed or moved out as before. The rows are written again so that
they are stored so (the read model's rebuild). Nothing changes on SQLite.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 03:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

INLINE = 8160  # bytes: the largest toast_tuple_target of an 8 kB page
DEFAULT = 2032  # PostgreSQL's default


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    from sync_server.domain import read_model  # the same code as ``familienatlas-server rebuild-read-model``

    op.execute(f"ALTER TABLE public_features SET (toast_tuple_target = {INLINE})")
    read_model.rebuild(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE public_features SET (toast_tuple_target = {DEFAULT})")
