"""one spatial index per public layer, holding the read model's key: bbox pages counted from the index

Replaces the read model's shared spatial index (SQLite: the R*Tree ``public_features_rtree``; PostgreSQL:
the GiST index on the geometry) by one per public layer (SQLite: an R*Tree per layer kept by triggers that
look at the row's layer; PostgreSQL: a partial GiST index per layer on the box with the key, for
index-only scans), filled from the rows there are, so a bbox page's matches are counted and ordered
without reading their rows (sync_server/domain/read_model.py).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# the public layers when this migration was written (a layer made public later brings its own migration, which
# runs read_model.ensure_spatial_indexes)
LAYERS = ("institutions", "spatial_units")

AUTOVACUUM = ("autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 500, "
              "autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 500")

# migration 0007's shared index, restored by the downgrade
OLD_SQLITE_RTREE = (
    "CREATE VIRTUAL TABLE public_features_rtree USING rtree(id, minx, maxx, miny, maxy)",
    "CREATE TRIGGER public_features_rtree_insert AFTER INSERT ON public_features WHEN new.minx IS NOT NULL "
    "BEGIN INSERT INTO public_features_rtree VALUES (new.pk, new.minx, new.maxx, new.miny, new.maxy); END",
    "CREATE TRIGGER public_features_rtree_delete AFTER DELETE ON public_features "
    "BEGIN DELETE FROM public_features_rtree WHERE id = old.pk; END",
    "CREATE TRIGGER public_features_rtree_update AFTER UPDATE OF pk, minx, maxx, miny, maxy ON public_features "
    "BEGIN DELETE FROM public_features_rtree WHERE id = old.pk; "
    "INSERT INTO public_features_rtree SELECT new.pk, new.minx, new.maxx, new.miny, new.maxy "
    "WHERE new.minx IS NOT NULL; END",
    "INSERT INTO public_features_rtree SELECT pk, minx, maxx, miny, maxy FROM public_features WHERE minx IS NOT NULL",
)


def upgrade() -> None:
    from sync_server.domain import read_model  # the same DDL as rebuild-read-model's

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_public_features_geometry")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS public_features_rtree_{name}")
        op.execute("DROP TABLE IF EXISTS public_features_rtree")
    for layer in LAYERS:
        for statement in read_model.spatial_index_statements(dialect, layer):
            op.execute(statement)
    if dialect == "postgresql":
        # Index-only scans skip the rows only on pages vacuum marked all-visible, and a publish rewrites rows: so
        # autovacuum visits the read model after a few hundred changed rows, not after a fifth of the table.
        op.execute(f"ALTER TABLE public_features SET ({AUTOVACUUM})")
        op.execute("ANALYZE public_features")


def downgrade() -> None:
    from sync_server.domain import read_model

    dialect = op.get_bind().dialect.name
    for layer in LAYERS:
        for statement in read_model.drop_spatial_index_statements(dialect, layer):
            op.execute(statement)
    if dialect == "postgresql":
        op.execute("ALTER TABLE public_features RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, "
                   "autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_insert_threshold)")
        op.execute("CREATE INDEX ix_public_features_geometry ON public_features USING GIST (geometry)")
    else:
        for statement in OLD_SQLITE_RTREE:
            op.execute(statement)
