"""Fixtures: every server test runs on SQLite and on PostgreSQL/PostGIS, each test on a fresh copy
of a database holding the Landkreis Osnabrück demo (loaded once per run through the real services)."""

from __future__ import annotations

import os
import shutil
import sys
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
    yield TEMPLATE_DB
    _pg_execute(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh demo database for one test, on each of the two supported databases."""
    if request.param == "sqlite":
        path = tmp_path / "atlas.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    name = f"familienatlas_t_{uuid.uuid4().hex[:12]}"
    _pg_execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    yield make_url(pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


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
