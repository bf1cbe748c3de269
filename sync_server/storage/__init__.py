"""Storage: SQLAlchemy models, the geometry column type, engine set-up and migrations."""
