"""Engine and session factory for SQLite (embedded default) and PostgreSQL/PostGIS."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
PARALLEL_SETUP_COST = 10000  # PostgreSQL's default is 1000 (see make_engine)
IN_CHUNK = 500  # values per IN (...) list: SQLite builds before 3.32 allow 999 parameters


def in_chunks(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """``values`` in pieces small enough for one IN (...) list each."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def make_engine(url: str) -> Engine:
    """Create the engine; SQLite gets WAL, foreign keys and a busy timeout so writers queue up."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    # psycopg2 sends an executemany of UPDATEs row by row (one round trip each); in batches it is about
    # ten times faster, which publishing thousands of indicator values at once needs.
    batch = {"executemany_mode": "values_plus_batch"} if url.startswith("postgresql+psycopg2") else {}
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, **batch)

    @event.listens_for(engine, "connect")
    def _postgres_settings(dbapi_connection, _record) -> None:  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        # The atlas's reads are small indexed queries (a bbox page, one feature) answered in a millisecond or
        # two; starting parallel workers for them cost several times that. Only a plan that saves more than
        # this (big scans of a rebuild or an analysis) is worth workers.
        cursor.execute(f"SET parallel_setup_cost = {PARALLEL_SETUP_COST}")
        cursor.close()
        dbapi_connection.commit()

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
