"""Schema migrations (Alembic). Run them through :func:`sync_server.storage.migrate.upgrade`."""
