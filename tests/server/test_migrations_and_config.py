"""Schema migrations on SQLite and PostgreSQL/PostGIS, settings from the environment, the
``familienatlas-server`` command line, and the API's self-description (OpenAPI, health)."""

from __future__ import annotations

import re
import secrets
import sqlite3
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from shapely.geometry import box, shape
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url

from sync_server import API_VERSION, __version__, cli
from sync_server.app import create_app
from sync_server.config import ConfigError, Settings
from sync_server.demo import geodata
from sync_server.domain import read_model
from sync_server.domain.geometry import reproject
from sync_server.importer import unit_id
from sync_server.storage import migrate
from sync_server.storage.db import make_engine
from sync_server.storage.models import Base
from tests import conftest
from tests.support import Api

POSTGIS_TABLES = {"spatial_ref_sys"}  # created by CREATE EXTENSION postgis, not by the atlas


# --- migrations -----------------------------------------------------------------------------------


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """A brand-new, empty PostgreSQL database (no PostGIS yet: the migration must create it)."""
    name = f"familienatlas_m_{uuid.uuid4().hex[:12]}"
    conftest._pg_execute(f"CREATE DATABASE {name}")
    yield make_url(conftest.pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    conftest._pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}" if request.param == "sqlite" else request.getfixturevalue(
        "empty_postgres")
    engine = make_engine(url)
    yield engine
    engine.dispose()


def head_revision() -> str:
    return ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_current_head()


# SQLite's R*Tree of the read model: a virtual table and its shadow tables, made by the migration
RTREE_TABLES = {f"{read_model.rtree_name(layer)}{suffix}" for layer in read_model.public_layers()
                for suffix in ("", "_node", "_parent", "_rowid")}


def atlas_tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - POSTGIS_TABLES - RTREE_TABLES


def schema_of(engine: Engine) -> dict[str, list]:
    """Tables with their columns, indexes and foreign keys, comparable between two runs."""
    insp = inspect(engine)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Did not recognize type 'geometry'")
        return {t: [sorted((c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(t)),
                    sorted(i["name"] for i in insp.get_indexes(t)),
                    sorted(str(fk["referred_table"]) for fk in insp.get_foreign_keys(t))]
                for t in sorted(atlas_tables(engine))}


def differences_to_models(engine: Engine) -> list:
    """What Alembic's autogenerate would change to make the database match the models (should be nothing)."""
    with engine.connect() as conn, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Did not recognize type 'geometry'")
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    # PostGIS brings its own table, and the migrations add spatial indexes the models do not declare (GiST on
    # PostgreSQL, the read model's R*Tree on SQLite)
    return [d for d in diff if not (d[0] == "remove_table" and d[1].name in POSTGIS_TABLES | RTREE_TABLES)
            and not (d[0] == "remove_index" and d[1].name in (
                "ix_municipalities_territory", "ix_revisions_geometry",
                *(read_model.box_index_name(layer) for layer in read_model.public_layers())))]


def test_upgrade_of_an_empty_database_creates_the_schema_at_head(empty_db: Engine) -> None:
    assert migrate.current_revision(empty_db) is None
    assert atlas_tables(empty_db) == set()
    migrate.upgrade(empty_db)
    assert migrate.current_revision(empty_db) == head_revision()
    assert atlas_tables(empty_db) == set(Base.metadata.tables) | {"alembic_version"}
    assert differences_to_models(empty_db) == []


def test_upgrade_twice_is_a_no_op(empty_db: Engine) -> None:
    migrate.upgrade(empty_db)
    before = schema_of(empty_db)
    migrate.upgrade(empty_db)
    assert migrate.current_revision(empty_db) == head_revision()
    assert schema_of(empty_db) == before
    with empty_db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_downgrade_to_base_and_upgrade_again(empty_db: Engine) -> None:
    migrate.upgrade(empty_db)
    schema = schema_of(empty_db)
    migrate.downgrade(empty_db, "base")
    assert migrate.current_revision(empty_db) is None
    assert atlas_tables(empty_db) <= {"alembic_version"}
    migrate.upgrade(empty_db)
    assert migrate.current_revision(empty_db) == head_revision()
    assert schema_of(empty_db) == schema
    assert differences_to_models(empty_db) == []


def test_an_atlas_with_data_downgrades_step_by_step_and_upgrades_again(db_url: str) -> None:
    """An upgrade that goes wrong in a county is undone on its data, not on an empty schema (SQLite's
    table copies in batch mode would fail on the foreign keys of a filled atlas)."""
    engine = make_engine(db_url)
    try:
        script = ScriptDirectory.from_config(migrate.alembic_config(db_url))
        for step in [rev.down_revision for rev in script.walk_revisions() if rev.down_revision]:
            migrate.downgrade(engine, step)
            assert migrate.current_revision(engine) == step
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == head_revision()
        assert differences_to_models(engine) == []
        with engine.connect() as conn:
            municipalities = conn.execute(text("SELECT count(*) FROM municipalities")).scalar()
        assert municipalities == len(geodata.build_territories())
    finally:
        engine.dispose()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgis_columns_are_real_geometries_in_25832(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            columns = {(r.f_table_name, r.f_geometry_column): (r.srid, r.type) for r in conn.execute(text(
                "SELECT f_table_name, f_geometry_column, srid, type FROM geometry_columns"))}
            assert columns == {("municipalities", "territory"): (25832, "GEOMETRY"),
                               ("revisions", "geometry"): (25832, "GEOMETRY"),
                               ("public_features", "geometry"): (25832, "GEOMETRY")}
            srid, kind, valid = conn.execute(text(
                "SELECT ST_SRID(territory), GeometryType(territory), ST_IsValid(territory) FROM municipalities "
                "WHERE key = '034590024024'")).one()
            assert (srid, kind, valid) == (25832, "MULTIPOLYGON", True)
            assert conn.execute(text("SELECT count(DISTINCT ST_SRID(geometry)) FROM revisions "
                                     "WHERE geometry IS NOT NULL")).scalar() == 1
            # spatial SQL works on the stored data: the demo institutions of Melle lie in Melle's territory
            inside = conn.execute(text(
                "SELECT count(*) FROM revisions r JOIN municipalities m ON m.id = r.owner_id "
                "WHERE r.layer = 'institutions' AND m.key = '034590024024' "
                "AND ST_DWithin(m.territory, r.geometry, 25)")).scalar()
            total = conn.execute(text(
                "SELECT count(*) FROM revisions r JOIN municipalities m ON m.id = r.owner_id "
                "WHERE r.layer = 'institutions' AND m.key = '034590024024'")).scalar()
            assert total > 0 and inside == total
            for index in ("ix_municipalities_territory", "ix_revisions_geometry",
                          *(read_model.box_index_name(layer) for layer in read_model.public_layers())):
                definition = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"),
                                          {"n": index}).scalar()
                assert definition is not None and "gist" in definition.lower()
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "wal.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
    # WAL is a property of the file: a plain connection without the server's settings sees it too
    plain = sqlite3.connect(path)
    try:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        plain.close()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_server_on_sqlite_uses_wal(app) -> None:  # noqa: ANN001
    with app.extensions["familienatlas"].engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


# --- settings -------------------------------------------------------------------------------------


def test_production_without_jwt_secret_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ConfigError) as err:
        Settings.from_env({"FAMILIENATLAS_MODE": "production"})
    assert "FAMILIENATLAS_JWT_SECRET" in str(err.value)
    with pytest.raises(ConfigError, match="FAMILIENATLAS_JWT_SECRET"):
        Settings.from_env({})  # production is the default
    with pytest.raises(ConfigError, match="FAMILIENATLAS_JWT_SECRET"):
        Settings.from_env({"FAMILIENATLAS_JWT_SECRET": ""})


@pytest.mark.parametrize("secret", ["kurz", " " * 32, "s" * 48, "ab" * 40, "012345678" * 4])
def test_production_needs_a_long_random_secret(secret: str) -> None:
    with pytest.raises(ConfigError, match="32 characters long and random"):
        Settings.from_env({"FAMILIENATLAS_JWT_SECRET": secret})


def test_production_takes_a_generated_secret() -> None:
    for secret in (secrets.token_urlsafe(48), secrets.token_hex(16)):
        settings = Settings.from_env({"FAMILIENATLAS_JWT_SECRET": secret})
        assert settings.mode == "production" and settings.jwt_secret == secret


@pytest.mark.parametrize("mode", ["demo", "test"])
def test_demo_and_test_mode_generate_a_secret(mode: str) -> None:
    first = Settings.from_env({"FAMILIENATLAS_MODE": mode})
    second = Settings.from_env({"FAMILIENATLAS_MODE": mode})
    assert first.jwt_secret and len(first.jwt_secret) >= 32
    assert first.jwt_secret != second.jwt_secret
    given = Settings.from_env({"FAMILIENATLAS_MODE": mode, "FAMILIENATLAS_JWT_SECRET": "kurz-aber-gegeben"})
    assert given.jwt_secret == "kurz-aber-gegeben"


def test_every_variable_is_read() -> None:
    env = {"FAMILIENATLAS_MODE": "demo", "FAMILIENATLAS_DATABASE_URL": "sqlite:////tmp/x.sqlite",
           "FAMILIENATLAS_CORS_ORIGINS": " https://a.example , https://b.example,,",
           "FAMILIENATLAS_ACCESS_TOKEN_MINUTES": "5", "FAMILIENATLAS_REFRESH_TOKEN_DAYS": "2",
           "FAMILIENATLAS_MAX_BODY_BYTES": "1000", "FAMILIENATLAS_MAX_CHANGES_PER_PUSH": "7",
           "FAMILIENATLAS_MAX_GEOMETRY_VERTICES": "99", "FAMILIENATLAS_BORDER_TOLERANCE_M": "12.5",
           "FAMILIENATLAS_LOGIN_MAX_FAILURES": "3", "FAMILIENATLAS_LOGIN_LOCK_SECONDS": "60",
           "FAMILIENATLAS_MIN_PASSWORD_LENGTH": "12", "FAMILIENATLAS_TRUSTED_PROXIES": "1",
           "FAMILIENATLAS_LOGIN_MAX_LOCK_SECONDS": "900", "FAMILIENATLAS_LOGIN_MAX_FAILURES_PER_NAME": "40",
           "FAMILIENATLAS_MAX_ANONYMOUS_BODY_BYTES": "4096", "FAMILIENATLAS_MAX_JSON_VALUES": "5000",
           "FAMILIENATLAS_PUBLIC_URL": " https://atlas.landkreis-osnabrueck.de/ ",
           "FAMILIENATLAS_FRAME_ANCESTORS": "'self'   https://www.melle.de"}
    s = Settings.from_env(env)
    assert (s.mode, s.database_url, s.cors_origins) == ("demo", "sqlite:////tmp/x.sqlite",
                                                        ("https://a.example", "https://b.example"))
    assert (s.access_token_minutes, s.refresh_token_days, s.max_body_bytes, s.max_changes_per_push,
            s.max_geometry_vertices, s.border_tolerance_m, s.login_max_failures, s.login_lock_seconds,
            s.min_password_length) == (5, 2, 1000, 7, 99, 12.5, 3, 60, 12)
    assert s.trusted_proxies == 1
    assert (s.login_max_lock_seconds, s.login_max_failures_per_name) == (900, 40)
    assert (s.max_anonymous_body_bytes, s.max_json_values) == (4096, 5000)
    assert s.public_url == "https://atlas.landkreis-osnabrueck.de/"
    assert s.frame_ancestors == "'self' https://www.melle.de"
    assert Settings.from_env(env, max_body_bytes=5).max_body_bytes == 5  # overrides win (CLI, tests)
    assert not s.is_sqlite or s.database_url.startswith("sqlite")


@pytest.mark.parametrize(("name", "value"), [
    ("FAMILIENATLAS_ACCESS_TOKEN_MINUTES", "fünfzehn"), ("FAMILIENATLAS_MAX_BODY_BYTES", "20MB"),
    ("FAMILIENATLAS_LOGIN_MAX_FAILURES", "2.5"), ("FAMILIENATLAS_BORDER_TOLERANCE_M", "viel"),
    # a token lifetime of 0 would make flask-jwt-extended issue tokens that never expire
    ("FAMILIENATLAS_ACCESS_TOKEN_MINUTES", "0"), ("FAMILIENATLAS_REFRESH_TOKEN_DAYS", "-1"),
    ("FAMILIENATLAS_MAX_BODY_BYTES", "0"), ("FAMILIENATLAS_MAX_CHANGES_PER_PUSH", "0"),
    ("FAMILIENATLAS_LOGIN_MAX_FAILURES", "0"), ("FAMILIENATLAS_MIN_PASSWORD_LENGTH", "-5"),
    ("FAMILIENATLAS_BORDER_TOLERANCE_M", "-1"), ("FAMILIENATLAS_BORDER_TOLERANCE_M", "nan"),
    ("FAMILIENATLAS_TRUSTED_PROXIES", "-1"), ("FAMILIENATLAS_TRUSTED_PROXIES", "ja"),
    ("FAMILIENATLAS_MAX_ANONYMOUS_BODY_BYTES", "0"), ("FAMILIENATLAS_MAX_JSON_VALUES", "viele"),
    ("FAMILIENATLAS_PUBLIC_URL", "atlas.landkreis-osnabrueck.de"), ("FAMILIENATLAS_PUBLIC_URL", "ftp://atlas/"),
    # a ';' would end the frame-ancestors directive and add another one to the policy
    ("FAMILIENATLAS_FRAME_ANCESTORS", "'self'; script-src *"), ("FAMILIENATLAS_FRAME_ANCESTORS", " "),
])
def test_bad_numbers_are_a_config_error_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as err:
        Settings.from_env({"FAMILIENATLAS_MODE": "test", name: value})
    assert name in str(err.value)


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ConfigError, match="FAMILIENATLAS_MODE"):
        Settings.from_env({"FAMILIENATLAS_MODE": "staging"})


# --- the command line -----------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _county_and_melle_gpkg(path: Path) -> Path:
    """The demo's county and Melle as a GeoPackage of municipalities (columns key, name, kind, parent_key)."""
    territories = {t.key: t for t in geodata.build_territories()}
    rows = [territories[geodata.COUNTY_KEY], territories["034590024024"]]
    frame = gpd.GeoDataFrame({"key": [t.key for t in rows], "name": [t.name for t in rows],
                              "kind": [t.kind for t in rows], "parent_key": [t.parent_key for t in rows]},
                             geometry=[t.geometry for t in rows], crs="EPSG:25832")
    frame.to_file(path, layer="kommunen", driver="GPKG")
    return path


def test_cli_sets_up_a_fresh_database(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAMILIENATLAS_JWT_SECRET", raising=False)
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    db = ["--database", url, "--mode", "test"]
    code, out, _ = run(capsys, *db, "init-db")
    assert code == 0 and f"none -> {head_revision()}" in out
    code, out, _ = run(capsys, *db, "init-db")
    assert code == 0 and f"{head_revision()} -> {head_revision()}" in out

    code, out, err = run(capsys, *db, "create-admin", "chef", "--password", "ein-sicheres-passwort")
    assert code == 0, err
    assert "Created admin chef for Landkreis Osnabrück" in out
    code, out, err = run(capsys, *db, "add-user", "leser", "--role", "reader", "--municipality", "03459",
                         "--password", "noch-ein-passwort", "--display-name", "Lesende Person")
    assert code == 0, err
    # refusals are reported with a reason and a non-zero exit, and change nothing
    code, _, err = run(capsys, *db, "add-user", "x", "--role", "editor", "--municipality", "999", "--password",
                       "noch-ein-passwort")
    assert code == 2 and "999" in err
    code, _, err = run(capsys, *db, "add-user", "kurz", "--role", "editor", "--municipality", "03459",
                       "--password", "kurz")
    assert code == 1 and "password" in err.lower()
    code, _, err = run(capsys, *db, "add-user", "leser", "--role", "editor", "--municipality", "03459",
                       "--password", "noch-ein-passwort")
    assert code == 1 and "leser" in err
    code, _, err = run(capsys, *db, "create-admin", "chefin", "--password", "ein-sicheres-passwort")
    assert code == 0, err

    engine = make_engine(url)
    with engine.connect() as conn:
        counties = conn.execute(text("SELECT key, name, kind FROM municipalities WHERE parent_id IS NULL")).all()
        users = dict(conn.execute(text("SELECT username, role FROM users")).all())
    engine.dispose()
    assert counties == [("03459", "Landkreis Osnabrück", "Landkreis")]  # the second admin reuses the county
    assert users == {"chef": "admin", "leser": "reader", "chefin": "admin"}

    # the server accepts the accounts the command line made
    app = create_app(conftest.test_settings(url))
    try:
        api = Api(app.test_client())
        assert api.login("chef", "ein-sicheres-passwort")["user"]["role"] == "admin"
        me = api.login("leser", "noch-ein-passwort")["user"]
        assert (me["role"], me["display_name"], me["municipality"]["key"]) == ("reader", "Lesende Person", "03459")
    finally:
        app.extensions["familienatlas"].engine.dispose()


def test_cli_imports_municipalities_into_a_fresh_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    db = ["--database", url, "--mode", "test"]
    assert run(capsys, *db, "init-db")[0] == 0
    gpkg = _county_and_melle_gpkg(tmp_path / "kommunen.gpkg")
    code, out, err = run(capsys, *db, "import", "municipalities", str(gpkg), "--layer", "kommunen")
    assert code == 0, err
    assert "Imported 2 municipalities" in out
    # importing again updates by key instead of duplicating
    assert run(capsys, *db, "import", "municipalities", str(gpkg), "--layer", "kommunen")[0] == 0
    code, _, err = run(capsys, *db, "create-admin", "chef", "--password", "ein-sicheres-passwort")
    assert code == 0, err
    code, _, err = run(capsys, *db, "add-user", "melle.redaktion", "--role", "editor", "--municipality",
                       "034590024024", "--password", "ein-sicheres-passwort")
    assert code == 0, err
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT m.key, p.key FROM municipalities m LEFT JOIN municipalities p "
                                 "ON p.id = m.parent_id ORDER BY m.key")).all()
    engine.dispose()
    assert rows == [("03459", None), ("034590024024", "03459")]


def test_cli_in_production_without_secret_says_what_to_set(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAMILIENATLAS_JWT_SECRET", raising=False)
    code, _, err = run(capsys, "--database", f"sqlite:///{tmp_path / 'p.sqlite'}", "--mode", "production",
                       "init-db")
    assert code == 2
    assert "FAMILIENATLAS_JWT_SECRET" in err
    assert not (tmp_path / "p.sqlite").exists()


def test_cli_imports_units_and_publishes_them(db_url: str, api, tmp_path: Path,  # noqa: ANN001
                                              capsys: pytest.CaptureFixture[str]) -> None:
    melle = shape(api.municipality("034590024024")["territory"])
    c = melle.representative_point()
    squares = [box(c.x - 400, c.y - 400, c.x, c.y), box(c.x, c.y, c.x + 400, c.y + 400)]
    assert all(melle.contains(s) for s in squares)
    frame = gpd.GeoDataFrame({"key": ["MEL-IMP-1", "MEL-IMP-2"], "name": ["Import Süd", "Import Nord"]},
                             geometry=squares, crs="EPSG:25832")
    gpkg = tmp_path / "units.gpkg"
    frame.to_file(gpkg, layer="ortsteile", driver="GPKG")

    code, out, err = run(capsys, "--database", db_url, "--mode", "test", "import", "units", str(gpkg),
                         "--layer", "ortsteile", "--level", "ortsteil", "--publish")
    assert code == 0, err
    assert "Imported 2 units" in out
    public = api.public("spatial_units")
    for key, name, square in (("MEL-IMP-1", "Import Süd", squares[0]), ("MEL-IMP-2", "Import Nord", squares[1])):
        feature = public[unit_id("ortsteil", key)]
        props = feature["properties"]
        assert (props["key"], props["name"], props["level"], props["owner"]) == (key, name, "ortsteil",
                                                                                   "034590024024")
        served = reproject(shape(feature["geometry"]), "EPSG:4326", "EPSG:25832")
        assert served.hausdorff_distance(square) < 0.05  # metres: the web side is WGS84 rounded to 1e-7°
    count = len(public)

    # the same file again, renamed and in WGS84, without --publish: same features, new pending revisions
    frame["name"] = ["Import Süd (neu)", "Import Nord (neu)"]
    frame.to_crs("EPSG:4326").to_file(gpkg, layer="ortsteile", driver="GPKG", mode="w")
    code, _, err = run(capsys, "--database", db_url, "--mode", "test", "import", "units", str(gpkg),
                       "--layer", "ortsteile", "--level", "ortsteil")
    assert code == 0, err
    public = api.public("spatial_units")
    assert len(public) == count
    assert public[unit_id("ortsteil", "MEL-IMP-1")]["properties"]["name"] == "Import Süd"
    pulled = api.pull_all("spatial_units", "admin")[unit_id("ortsteil", "MEL-IMP-1")]
    assert pulled["properties"]["name"] == "Import Süd (neu)"
    assert pulled["review"]["state"] == "pending"
    assert shape(pulled["geometry"]).hausdorff_distance(squares[0]) < 0.01  # metres, through WGS84 and back


# --- the API's self-description -------------------------------------------------------------------


def test_openapi_document_lists_every_route(api, app) -> None:  # noqa: ANN001
    r = api.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.get_json()
    assert re.fullmatch(r"3\.0\.\d+", doc["openapi"])
    assert doc["info"]["title"] and doc["info"]["version"] == __version__
    expected = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            expected |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert documented == expected
    assert ("/api/v1/sync/{layer}/push", "post") in documented
    assert ("/api/v1/admin/users/{user_id}", "patch") in documented
    for path, ops in doc["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        for op in ops.values():
            assert {p["name"] for p in op["parameters"] if p["in"] == "path"} == names
            assert op["responses"]
    # what needs a token says so, the public side does not
    assert doc["paths"]["/api/v1/admin/users"]["get"]["security"] == [{"bearer": []}, {"webCookie": []}]
    assert "security" not in doc["paths"]["/api/v1/public/{layer}"]["get"]
    assert "security" not in doc["paths"]["/api/v1/auth/login"]["post"]
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_openapi_describes_every_answer(api) -> None:  # noqa: ANN001
    doc = api.get("/api/v1/openapi.json").get_json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            success = {status: r for status, r in op["responses"].items() if status.startswith("2")}
            assert len(success) == 1, (path, method)
            (status, response), = success.items()
            if status != "204":  # a declared answer (in each of its formats), not "anything"
                assert response["content"] and all(body["schema"] for body in response["content"].values())
    schemas = doc["components"]["schemas"]
    pull = doc["paths"]["/api/v1/sync/{layer}/pull"]["get"]["responses"]["200"]["content"]["application/json"]
    assert pull["schema"] == {"$ref": "#/components/schemas/PullPage"}
    assert schemas["PullPage"]["required"] == ["layer", "schema_version", "cursor", "more", "as_of", "features"]
    assert schemas["FeatureView"]["additionalProperties"] is False
    assert doc["paths"]["/api/v1/admin/users"]["post"]["responses"]["201"]
    assert "application/geo+json" in doc["paths"]["/api/v1/public/{layer}"]["get"]["responses"]["200"]["content"]


def test_health(api) -> None:  # noqa: ANN001
    r = api.get("/api/v1/health")
    assert r.status_code == 200
    assert r.get_json() == {"status": "ok", "api_version": API_VERSION, "version": __version__}


@pytest.mark.parametrize("settings_overrides", [{"cors_origins": ("https://geoportal.landkreis-osnabrueck.de",)}])
def test_cors_allows_only_the_configured_origins(api) -> None:  # noqa: ANN001
    allowed, other = "https://geoportal.landkreis-osnabrueck.de", "https://example.org"
    preflight = api.client.options("/api/v1/auth/login", headers={
        "Origin": allowed, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == allowed
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    r = api.client.get("/api/v1/public/institutions", headers={"Origin": allowed})
    # Origin joins the validators' own Vary (Accept-Encoding, Accept-Language) so no cache mixes origins.
    vary = {token.strip() for token in r.headers["Vary"].split(",")}
    assert r.headers["Access-Control-Allow-Origin"] == allowed and "Origin" in vary
    for response in (api.client.get("/api/v1/public/institutions", headers={"Origin": other}),
                     api.client.options("/api/v1/auth/login", headers={"Origin": other})):
        assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_is_off_by_default(api) -> None:  # noqa: ANN001
    r = api.client.get("/api/v1/public/institutions", headers={"Origin": "https://example.org"})
    assert r.status_code == 200 and "Access-Control-Allow-Origin" not in r.headers


PROXIED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "atlas.landkreis-osnabrueck.de"}


@pytest.mark.parametrize("settings_overrides", [{"trusted_proxies": 1}])
def test_links_carry_the_public_address_behind_a_trusted_proxy(api) -> None:  # noqa: ANN001
    links = api.client.get("/ogcapi", headers=PROXIED).get_json()["links"]
    assert links and all(link["href"].startswith("https://atlas.landkreis-osnabrueck.de/ogcapi") for link in links)


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(api) -> None:  # noqa: ANN001
    links = api.client.get("/ogcapi", headers=PROXIED).get_json()["links"]
    assert all(link["href"].startswith("http://localhost/ogcapi") for link in links), links


def test_openapi_states_the_request_bodies_the_server_checks(api, app) -> None:  # noqa: ANN001
    from sync_server.http.openapi import request_schemas

    writing = {rule.endpoint for rule in app.url_map.iter_rules()
               if rule.rule.startswith("/api/v1") and rule.methods & {"POST", "PATCH", "PUT"}}
    assert set(request_schemas()) == writing  # a new writing route must say what it takes
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]
    user = paths["/api/v1/admin/users"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert set(user["required"]) == {"username", "password", "role", "municipality_id"}
    assert user["properties"]["username"]["maxLength"] == 80 and user["additionalProperties"] is False
    change = paths["/api/v1/admin/users/{user_id}"]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert "required" not in change and "username" not in change["properties"]
    push = paths["/api/v1/sync/{layer}/push"]["post"]
    assert push["parameters"][0]["schema"]["enum"] == ["institutions", "spatial_units", "indicator_values"]
    assert push["requestBody"]["content"]["application/json"]["schema"]["properties"]["changes"]["minItems"] == 1
    for decision in ("approve", "reject", "withdraw"):  # the review endpoints have a blueprint and tag of their own
        assert paths[f"/api/v1/review/{decision}"]["post"]["tags"] == ["review"]
    assert paths["/api/v1/review/pending"]["get"]["operationId"] == "review_pending_get"
    assert "requestBody" not in paths["/api/v1/auth/logout"]["post"]
    assert "requestBody" not in paths["/api/v1/auth/refresh"]["post"]
    reject = paths["/api/v1/review/reject"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert reject["required"] == ["reason"]
    # what the document says is required is what the server refuses without
    r = api.post("/api/v1/admin/users", {k: "x" for k in user["required"] if k != "municipality_id"}, "admin")
    assert r.status_code == 422 and {e["field"] for e in r.get_json()["errors"]} >= {"municipality_id"}
