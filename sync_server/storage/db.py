"""Engine and session factory for SQLite (embedded default) and PostgreSQL/PostGIS."""

from __future__ import annotations

import base64
import itertools
import json
import operator
import re
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Executable,
    String,
    Table,
    any_,
    bindparam,
    create_engine,
    event,
    exc,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import Session, sessionmaker

from ..domain.contract import json_text

T = TypeVar("T")
SQLITE_MMAP_BYTES = 1 << 30  # address space, not memory: the pages are the operating system's file cache
PING_AFTER_IDLE_SECONDS = 2.0  # a pooled PostgreSQL connection idle longer is tested before use
IN_CHUNK = 500  # values per IN (...) list: SQLite builds before 3.32 allow 999 parameters


def in_chunks(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """``values`` in pieces small enough for one IN (...) list each."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def among(conn: Connection, column: ColumnElement[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN values`` with all the values as one parameter, however many there are: on PostgreSQL
    ``= ANY`` of an array, on SQLite the members of a JSON array (``json_each``). For the thousands of
    features of one publish: building and binding IN lists of 500 values cost SQLAlchemy more than the
    database's work, and SQLite limits the parameters of one statement."""
    if conn.dialect.name == "postgresql":
        # text without the column's length: a cast to VARCHAR(n)[] would cut a longer value and let it match
        element = String() if isinstance(column.type, String) else column.type
        return column == any_(bindparam(None, list(values), type_=ARRAY(element)))
    members = select(literal_column("value")).select_from(func.json_each(bindparam(None, json.dumps(list(values)),
                                                                                    type_=String)))
    return column.in_(members.scalar_subquery())


_PAGE = 1000  # rows per statement of a PostgreSQL bulk write (psycopg2's execute_values)


@dataclass(frozen=True, slots=True)
class Columns:
    """Rows of a bulk write given column by column: ``each`` holds a sequence of one value per row for each
    of its columns (all as long), ``same`` the value every row has in each of its columns.

    A push of 100,000 values built a dict of twelve entries per revision only for :func:`_driver_rows` to
    take them apart again column by column, and five of the twelve (layer, author, time, push, state) are the
    same in every row."""

    each: Mapping[str, Sequence[Any]]  # at least one column: it says how many rows there are
    same: Mapping[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(next(iter(self.each.values())))


def _as_columns(rows: Sequence[Mapping[str, Any]] | Columns) -> Columns:
    """``rows`` (dicts with the same keys) as :class:`Columns`; a column whose value is the same object in every
    row (the time or the author of a write) goes to ``same``."""
    if isinstance(rows, Columns):
        return rows
    each: dict[str, list[Any]] = {}
    same: dict[str, Any] = {}
    for name in rows[0]:
        first = rows[0][name]
        values = [row[name] for row in rows]
        if all(value is first for value in values):
            same[name] = first
        else:
            each[name] = values
    return Columns(each, same)


def _driver_rows(conn: Connection, table: Table,
                 rows: Sequence[Mapping[str, Any]] | Columns) -> tuple[list[str], list[tuple[Any, ...]]]:
    """``rows`` as the driver takes them, with the order of their columns: each column through its
    type's bind processor (JSON as text, geometry as hex EWKB, SQLite's date format), a value that is
    the same in every row processed once, and a column whose type converts many values at once
    (``bind_many``: geometries) converted as one array."""
    dialect = conn.dialect
    given = _as_columns(rows)
    count = len(rows)
    names: list[str] = []
    columns: list[Iterable[Any]] = []
    for name, value in given.same.items():
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        names.append(name)
        columns.append(itertools.repeat(value if process is None else process(value), count))
    for name, values in given.each.items():
        column_type = table.c[name].type
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        if process is None:
            pass
        elif hasattr(column_type, "bind_many"):
            values = column_type.bind_many(values)
        else:
            values = [process(value) for value in values]
        names.append(name)
        columns.append(values)
    return names, list(zip(*columns, strict=True))


def bulk_insert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]] | Columns) -> None:
    """INSERT ``rows`` (dicts with the same keys, or :class:`Columns`) in this transaction, as the plain driver
    call: SQLite's ``executemany``, on PostgreSQL multi-row VALUES of 1,000 rows (``execute_values``).

    For writes of 100,000 rows (an indicator upload): SQLAlchemy's executemany spent as long preparing
    the parameters of every row as the database took to write them."""
    if not rows:
        return
    columns, values = _driver_rows(conn, table, rows)
    names = ", ".join(columns)
    cursor = conn.connection.cursor()
    try:
        if conn.dialect.driver == "psycopg2":
            from psycopg2.extras import execute_values

            execute_values(cursor, f"INSERT INTO {table.name} ({names}) VALUES %s", values, page_size=_PAGE)
        else:
            marks = ", ".join([_mark(conn)] * len(columns))
            cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", values)
    finally:
        cursor.close()


def bulk_update(conn: Connection, table: Table, keys: Sequence[str],
                rows: Sequence[Mapping[str, Any]] | Columns) -> None:
    """UPDATE the rows of ``table`` whose ``keys`` columns equal those of each of ``rows`` (dicts with the
    same keys, or :class:`Columns`: the key columns and the new values), as :func:`bulk_insert` writes: SQLite's
    ``executemany``, on PostgreSQL one ``UPDATE ... FROM (VALUES ...)`` per 1,000 rows."""
    if not rows:
        return
    columns, values = _driver_rows(conn, table, rows)
    changed = [c for c in columns if c not in keys]
    cursor = conn.connection.cursor()
    try:
        if conn.dialect.driver == "psycopg2":
            from psycopg2.extras import execute_values

            # The VALUES list's columns are text or numbers to PostgreSQL: each is cast to its column's type
            # (JSONB, geometry), which an assignment from text would not do by itself.
            sets = ", ".join(f"{c} = CAST(v.{c} AS {table.c[c].type.compile(dialect=conn.dialect)})" for c in changed)
            match = " AND ".join(f"t.{c} = v.{c}" for c in keys)
            execute_values(cursor, f"UPDATE {table.name} AS t SET {sets} FROM (VALUES %s) AS v ({', '.join(columns)}) "
                                   f"WHERE {match}", values, page_size=_PAGE)
        else:
            mark = _mark(conn)
            order = [columns.index(c) for c in (*changed, *keys)]
            # each row's values in the statement's order, as one C call (a tuple: at least one key and one value)
            pick = operator.itemgetter(*order)
            cursor.executemany(f"UPDATE {table.name} SET {', '.join(f'{c} = {mark}' for c in changed)} WHERE "
                               f"{' AND '.join(f'{c} = {mark}' for c in keys)}",
                               [pick(row) for row in values])
    finally:
        cursor.close()


def _mark(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


SQLITE_WRITE_CACHE_KIB = 65_536  # page cache of a bulk write on SQLite (one writer at a time, so bounded)


@contextmanager
def roomy_cache(conn: Connection) -> Iterator[None]:
    """On SQLite, a page cache large enough for a write of thousands of rows while the block runs, then
    the connection's own again: with the default 2 MB, a publish of 5,000 features (each row of the read
    model about a page) spilled and re-read pages all along, about a third of its time in the database.
    SQLite writes one transaction at a time, so at most one connection holds the larger cache."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_WRITE_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def packed_json(parts: Iterable[list[Any]]) -> str:
    """One JSON array of the items of ``parts`` (lists, built one at a time by the caller), as the storage
    writes JSON (:func:`stored_json`), zlib-compressed, as base64 text: for a long list kept only to be
    given back as it is (the report of an upload of 100,000 values), without building it all at once and
    at a tenth of its size. :func:`unpacked_json` reads it."""
    packer = zlib.compressobj()
    out = [packer.compress(b"[")]
    first = True
    for part in parts:
        if part:
            out.append(packer.compress((b"" if first else b",") + stored_json(part)[1:-1].encode()))
            first = False
    out.append(packer.compress(b"]"))
    out.append(packer.flush())
    return base64.b64encode(b"".join(out)).decode("ascii")


def unpacked_json(text: str) -> Any:
    """The JSON value :func:`packed_json` packed."""
    return json.loads(zlib.decompress(base64.b64decode(text)))


def stored_json(value: Any) -> str:
    """The text a JSON column stores: ``value`` as answers write JSON (``json_text``: compact, not
    ASCII-escaped). A value that UTF-8 cannot hold (a lone surrogate, copied from a row an old server
    stored: the API refuses them in what it takes) is written ASCII-escaped, as it always was, rather
    than failing the write."""
    text = json_text(value)
    if not text.isascii():
        try:
            text.encode()
        except UnicodeEncodeError:
            return json.dumps(value, separators=(",", ":"))
    return text


def make_engine(url: str) -> Engine:
    """Create the engine; SQLite gets WAL, foreign keys and a busy timeout so writers queue up.

    JSON columns are written in the form answers write JSON (:func:`stored_json`), so that stored text
    can be spliced into an answer as it is (a pull's properties on SQLite)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False},
                               json_serializer=stored_json)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Reads map the file instead of copying each page through a 2 MB cache per connection: a bbox page
            # looks up a few thousand rows of the read model by primary key, several times faster so.
            cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
            cursor.close()

        return engine
    # psycopg2 sends an executemany of UPDATEs row by row (one round trip each); in batches it is about
    # ten times faster, which publishing thousands of indicator values at once needs.
    batch = {"executemany_mode": "values_plus_batch"} if url.startswith("postgresql+psycopg2") else {}
    engine = create_engine(url, pool_size=10, max_overflow=10, json_serializer=stored_json, **batch)

    @event.listens_for(engine, "connect")
    def _postgres_settings(dbapi_connection, record) -> None:  # noqa: ANN001
        record.info["idle_since"] = time.monotonic()
        cursor = dbapi_connection.cursor()
        # The atlas's reads are small indexed queries (a bbox page, one feature) answered in a millisecond or
        # two; starting parallel workers for them costs ten to forty times that. A higher parallel_setup_cost
        # does not keep them serial: PostGIS declares ST_Intersects so costly per row that a bbox of 2,000
        # points is planned at over 35,000, so no worker is started on the atlas's connections at all.
        cursor.execute("SET max_parallel_workers_per_gather = 0")
        cursor.close()
        dbapi_connection.commit()

    # A connection the server closed (a restart, an idle timeout) must not fail a request, so a pooled
    # connection is tested before use; but a round trip for that on every checkout is a third of the most
    # frequent public read (one feature: the public version, the feature, the test). So only a connection
    # that lay idle for a while is tested; one in steady use has just proved itself.
    @event.listens_for(engine, "checkin")
    def _mark_idle(_dbapi_connection, record) -> None:  # noqa: ANN001
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _test_if_idle(dbapi_connection, record, _proxy) -> None:  # noqa: ANN001
        if time.monotonic() - record.info.get("idle_since", 0.0) < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError("the pooled connection was closed") from error  # the pool reconnects

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


class Prepared:
    """A read statement compiled once per dialect, for :class:`Reader`.

    The hottest public reads (one feature, the public version every cacheable answer asks first) take
    a fraction of a millisecond in the database; SQLAlchemy's per-execution work around them (session,
    transaction, execution context, result object) costs several times that. Values given in the
    statement (an IN list of constants too) are bound as compiled; named ``bindparam`` s are given per read,
    as the DBAPI takes them (no type's bind processing: plain text and numbers).
    """

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, dict[str, Any], list[str] | None]] = {}
        self._server: tuple[str, str, list[str]] | None = None

    def compiled(self, dialect: Dialect) -> tuple[str, dict[str, Any], list[str] | None]:
        """For ``dialect``: the SQL text, the values bound in the statement and, for a positional parameter
        style, the order of the names."""
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
            order = list(compiled.positiontup or []) if compiled.positional else None
            found = self._compiled[dialect.name] = (compiled.string, dict(compiled.params), order)
        return found

    def server_prepared(self, dialect: Dialect) -> tuple[str, str, list[str]]:
        """PostgreSQL: this statement's name on the server, its ``PREPARE`` and the names of its parameters in
        the order of ``$1, $2, ...`` (the parameters' types are left to the server, from where they stand)."""
        if self._server is None:
            sql, _bound, _order = self.compiled(dialect)
            names: list[str] = []

            def numbered(match: re.Match[str]) -> str:
                if match.group(1) not in names:
                    names.append(match.group(1))
                return f"${names.index(match.group(1)) + 1}"

            text = _PYFORMAT.sub(numbered, sql).replace("%%", "%")
            name = f"atlas_read_{next(_SERVER_NAMES)}"
            self._server = (name, f"PREPARE {name} AS {text}", names)
        return self._server


_PYFORMAT = re.compile(r"%\((\w+)\)s")
_SERVER_NAMES = itertools.count(1)  # the process's prepared statements: one name each, the same on every connection


class Reader:
    """Reads of :class:`Prepared` statements straight on a DBAPI connection of the pool.

    A request's reader checks a connection out on its first read and returns it (rolled back by the
    pool) on :meth:`close`; :meth:`on` reads on the connection of a running transaction instead. On
    PostgreSQL its own connection reads in autocommit mode: each statement sees the committed state as
    it would in a READ COMMITTED transaction, without the round trips of BEGIN and ROLLBACK, and each statement
    is prepared on the server once per connection (``PREPARE``, then ``EXECUTE``): the server plans a statement
    once instead of on every read, which for one feature is most of the server's work (about 0.1 ms of 0.15 ms).
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._dialect = engine.dialect
        self._raw: Any = None
        self._owned = True
        self._autocommit = engine.dialect.name == "postgresql"
        self._read_ahead: dict[tuple[int, frozenset[tuple[str, Any]]], list[tuple[Any, ...]]] = {}

    @property
    def dialect_name(self) -> str:
        return self._dialect.name

    @classmethod
    def on(cls, connection: Connection) -> Reader:
        """A reader on an open connection (it sees that transaction's writes; closing it is the caller's)."""
        reader = cls(connection.engine)
        reader._raw, reader._owned = connection.connection, False
        return reader

    def read_ahead(self, prepared: Prepared, params: dict[str, Any], rows: list[tuple[Any, ...]]) -> None:
        """Keep the rows of ``prepared`` with ``params``, read together with another statement (one round trip
        for two reads that belong together: the public version and the feature it validates); the next
        :meth:`rows` of the same read answers them, once."""
        self._read_ahead[(id(prepared), frozenset(params.items()))] = rows

    def rows(self, prepared: Prepared, **params: Any) -> list[tuple[Any, ...]]:
        if self._read_ahead:
            found = self._read_ahead.pop((id(prepared), frozenset(params.items())), None)
            if found is not None:
                return found
        if self._raw is None:
            self._raw = self._engine.raw_connection()
            if self._autocommit:
                self._raw.dbapi_connection.autocommit = True
        sql, bound, order = prepared.compiled(self._dialect)
        values = {**bound, **params}
        cursor = self._raw.cursor()
        try:
            if self._autocommit and self._owned:  # PostgreSQL, outside any transaction
                self._execute_prepared(cursor, prepared, values)
            else:
                cursor.execute(sql, tuple(values[name] for name in order) if order is not None else values)
            return cursor.fetchall()
        finally:
            cursor.close()

    def _execute_prepared(self, cursor: Any, prepared: Prepared, values: dict[str, Any]) -> None:
        """PostgreSQL: EXECUTE the statement prepared on this connection, preparing it first if it is not yet (the
        pool's connection record remembers which are: they live as long as the server's connection)."""
        name, prepare, names = prepared.server_prepared(self._dialect)
        known = self._raw.info.setdefault("prepared", set())
        if name not in known:
            cursor.execute(prepare)
            known.add(name)
        marks = ", ".join(["%s"] * len(names))
        cursor.execute(f"EXECUTE {name} ({marks})" if names else f"EXECUTE {name}", [values[n] for n in names])

    def scalar(self, prepared: Prepared, **params: Any) -> Any:
        """The first column of the first row, or None when there is no row."""
        found = self.rows(prepared, **params)
        return found[0][0] if found else None

    def close(self) -> None:
        self._read_ahead.clear()
        if self._raw is not None and self._owned:
            if self._autocommit and self._raw.dbapi_connection is not None:
                self._raw.dbapi_connection.autocommit = False  # as the pool's other users expect it
            self._raw.close()  # back to the pool (which rolls back what the reads began)
        self._raw = None
