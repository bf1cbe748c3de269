"""Fixtures: every server test runs on SQLite and on PostgreSQL/PostGIS, each test on a fresh copy
of a database holding the Landkreis Osnabrück demo (loaded once per run through the real services)."""

from __future__ import annotations

import os
import queue
import shutil
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from qgis_plugin.core import messages
from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.demo.loader import load_demo
from sync_server.domain import accounts
from sync_server.domain.context import AtlasContext
from sync_server.domain.rights import OPERATOR
from sync_server.storage import migrate
from sync_server.storage.db import make_engine, make_session_factory, session_scope
from tests.support import Api, LiveServer

DEFAULT_PG = "postgresql+psycopg2://familienatlas:familienatlas@127.0.0.1:5432/postgres"

# Password hashing at argon2's cheapest cost for the whole run. The production parameters make every
# hash and every login verification cost a quarter of a CPU-second by design, and the suite logs in
# thousands of times (each test on a fresh database copy, each demo user of the template). The tests
# still hash and verify with real argon2id (``$argon2id$`` hashes, the rehash on changed parameters),
# only with less memory and fewer passes; they never assert what a hash costs. Set here, before the
# template databases hash the demo passwords, so stored hashes and the hasher agree and no login
# rehashes. The live servers of the plugin and web tests run in this process and use it as well.
accounts._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
accounts._DUMMY_HASH = accounts._hasher.hash("familienatlas-timing-equaliser")
# One template per test process, so parallel runs on one machine never drop each other's template.
TEMPLATE_DB = f"familienatlas_template_{os.getpid()}"


@pytest.fixture(autouse=True)
def german() -> Iterator[None]:
    """The plugin's texts start German in every test (a test may switch to English; it is undone)."""
    messages.set_language("de")
    yield
    messages.set_language("de")


def pg_admin_url() -> str:
    return os.environ.get("FAMILIENATLAS_TEST_POSTGRES_URL", DEFAULT_PG)


def test_settings(url: str, **overrides: object) -> Settings:
    return Settings(database_url=url, mode="test", jwt_secret="test-secret-" + "x" * 40, **overrides).checked()


def _load(url: str) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        load_demo(AtlasContext(session, test_settings(url), OPERATOR))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    _load(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _pg_execute(sql: str) -> None:
    engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """Build the template database once; fails loudly when PostgreSQL is not running."""
    _pg_execute(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)")
    _pg_execute(f"CREATE DATABASE {TEMPLATE_DB}")
    url = make_url(pg_admin_url()).set(database=TEMPLATE_DB).render_as_string(hide_password=False)
    _load(url)
    # Compact and freeze the template once: its copies are smaller to make (the demo load leaves dead rows
    # behind) and no test's first read has to set hint bits on every page of its copy.
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM (FULL, FREEZE, ANALYZE)"))
    engine.dispose()
    yield TEMPLATE_DB
    _pg_execute(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)")


class PostgresCopies:
    """Fresh copies of the template database, each made one test ahead and dropped after its test by a
    background thread.

    ``CREATE DATABASE ... TEMPLATE`` copies the whole demo (tens of megabytes, written through the
    write-ahead log) and every ``DROP DATABASE`` makes PostgreSQL 15 wait for a checkpoint: together
    between half a second and a few seconds per test (by the machine's load), spent in the PostgreSQL
    server, not in Python. Done in the background they overlap the tests instead of adding to them. Every
    test still gets its own untouched copy: a copy is made from the template only, handed out once, and
    dropped after the one test that used it.
    """

    def __init__(self, template: str) -> None:
        self.template = template
        self._ready: queue.Queue[str | BaseException] = queue.Queue()
        self._work: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="postgres-copies", daemon=True)
        self._thread.start()
        self._work.put(("create", ""))

    def _run(self) -> None:
        engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
        while (job := self._work.get()) is not None:
            kind, name = job
            try:
                with engine.connect() as conn:
                    if kind == "create":
                        name = f"familienatlas_t_{uuid.uuid4().hex[:12]}"
                        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {self.template}"))
                        self._ready.put(name)
                    else:
                        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            except BaseException as exc:  # noqa: BLE001 (handed to the test that waits for the copy)
                if kind == "create":
                    self._ready.put(exc)
        engine.dispose()

    def take(self) -> str:
        """The name of a fresh copy (the next one starts being made now)."""
        self._work.put(("create", ""))
        made = self._ready.get(timeout=600)
        if isinstance(made, BaseException):
            raise made
        return made

    def give_back(self, name: str) -> None:
        self._work.put(("drop", name))

    def close(self) -> None:
        self._work.put(None)
        self._thread.join()
        while not self._ready.empty():
            made = self._ready.get()
            if isinstance(made, str):
                _pg_execute(f"DROP DATABASE IF EXISTS {made} WITH (FORCE)")


@pytest.fixture(scope="session")
def postgres_copies(postgres_template: str) -> Iterator[PostgresCopies]:
    copies = PostgresCopies(postgres_template)
    yield copies
    copies.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh demo database for one test, on each of the two supported databases."""
    if request.param == "sqlite":
        path = tmp_path / "atlas.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    copies = request.getfixturevalue("postgres_copies")
    name = copies.take()
    yield make_url(pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    copies.give_back(name)


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    """Override in a test module to change settings (e.g. token lifetimes)."""
    return {}


@pytest.fixture
def app(db_url: str, settings_overrides: dict[str, object]):  # noqa: ANN201
    application = create_app(test_settings(db_url, **settings_overrides))
    yield application
    application.extensions["familienatlas"].engine.dispose()


@pytest.fixture
def api(app) -> Api:  # noqa: ANN001
    return Api(app.test_client())


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "live.sqlite"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def live_server(sqlite_url: str) -> Iterator[LiveServer]:
    """The real server on a loopback port (SQLite), for the plugin and web tests."""
    application = create_app(test_settings(sqlite_url))
    server = LiveServer(application)
    server.start()
    yield server
    server.stop()
    application.extensions["familienatlas"].engine.dispose()


# --- the end of the run -----------------------------------------------------------------------------
# QGIS 3.22 can crash (SIGSEGV) while it tears down GDAL datasets and Qt objects at interpreter exit,
# after every test has passed and every result is reported (a known fault of QGIS's shutdown, seen with
# and without pytest-qgis). The run therefore ends right after pytest's own reporting, with pytest's own
# exit status, instead of handing a finished, green run to QGIS's teardown.
_EXIT_STATUS: list[int] = [0]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _EXIT_STATUS[0] = int(exitstatus)


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    if "qgis" not in sys.modules:
        return  # nothing of QGIS was loaded: the normal exit is safe
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_EXIT_STATUS[0])
