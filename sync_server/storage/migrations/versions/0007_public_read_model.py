"""the public read model: published features as prepared GeoJSON, with a spatial index

Creates ``public_features`` (each published feature's public GeoJSON in CRS84 and EPSG:25832, its
geometry and boxes) and ``public_layers`` (count and CRS84 box per layer), the spatial index (SQLite:
an R*Tree kept in step by triggers; PostgreSQL: GiST), and fills them from the revisions with the
same code as ``familienatlas-server rebuild-read-model`` (sync_server/domain/read_model.py).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import sync_server.storage.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The R*Tree holds the EPSG:25832 box of every feature with a geometry; its id is the row's ``pk``.
SQLITE_RTREE = (
    "CREATE VIRTUAL TABLE public_features_rtree USING rtree(id, minx, maxx, miny, maxy)",
    "CREATE TRIGGER public_features_rtree_insert AFTER INSERT ON public_features WHEN new.minx IS NOT NULL "
    "BEGIN INSERT INTO public_features_rtree VALUES (new.pk, new.minx, new.maxx, new.miny, new.maxy); END",
    "CREATE TRIGGER public_features_rtree_delete AFTER DELETE ON public_features "
    "BEGIN DELETE FROM public_features_rtree WHERE id = old.pk; END",
    "CREATE TRIGGER public_features_rtree_update AFTER UPDATE OF pk, minx, maxx, miny, maxy ON public_features "
    "BEGIN DELETE FROM public_features_rtree WHERE id = old.pk; "
    "INSERT INTO public_features_rtree SELECT new.pk, new.minx, new.maxx, new.miny, new.maxy "
    "WHERE new.minx IS NOT NULL; END",
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "public_features",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("layer", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("published_seq", sa.BigInteger(), nullable=False),
        sa.Column("properties", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                  nullable=False),
        sa.Column("geometry", sync_server.storage.types.Geometry(), nullable=True),
        *(sa.Column(name, sa.Float(), nullable=True)
          for name in ("minx", "miny", "maxx", "maxy", "west", "south", "east", "north")),
        sa.Column("doc", sa.Text(), nullable=False),
        sa.Column("doc_25832", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("layer", "id", name="uq_public_features_layer_id"),
    )
    op.create_table(
        "public_layers",
        sa.Column("layer", sa.String(length=40), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=True) for name in ("west", "south", "east", "north")),
        sa.PrimaryKeyConstraint("layer"),
    )
    if postgres:
        op.execute("CREATE INDEX ix_public_features_geometry ON public_features USING GIST (geometry)")
    else:
        for statement in SQLITE_RTREE:
            op.execute(statement)
    from sync_server.domain import read_model  # the same code as the rebuild command

    read_model.rebuild(op.get_bind())
    if postgres:
        op.execute("ANALYZE public_features")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS public_features_rtree_{name}")
        op.execute("DROP TABLE IF EXISTS public_features_rtree")
    op.drop_table("public_layers")
    op.drop_table("public_features")
