"""The atlas's rules and services. Knows SQLAlchemy sessions, never Flask."""
