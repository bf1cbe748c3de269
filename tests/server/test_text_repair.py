"""A database that already holds text that cannot be encoded as UTF-8 (lone surrogates, stored on
SQLite before the server refused them) is repaired by ``familienatlas-server check-text --repair``
and by migration 0004, after which every answer that includes the text works again.

PostgreSQL refuses such text on write; there the test shows that, and that the check finds nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import exc, text

from sync_server import cli
from sync_server.app import create_app
from sync_server.domain import read_model
from sync_server.storage import migrate
from sync_server.storage.db import make_engine
from tests import conftest
from tests.support import Api

NAME = "x\ud800y"  # what an old push stored: a JSON escape \ud800 without its low half
BAD_BYTES = "78eda08079"  # 'x', the UTF-8 form of U+D800 (no valid UTF-8), 'y'


def _ids(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    with engine.connect() as conn:
        fid, published = conn.execute(text(
            "SELECT id, published_seq FROM features WHERE layer = 'institutions' AND NOT deleted "
            "AND published_seq = head_seq ORDER BY id LIMIT 1")).one()
        pending = conn.execute(text("SELECT seq FROM revisions WHERE state = 'pending' AND op = 'update' "
                                    "ORDER BY seq LIMIT 1")).scalar_one()
        rejected = conn.execute(text("SELECT seq FROM revisions WHERE state = 'rejected' LIMIT 1")).scalar_one()
        read = text("SELECT properties FROM revisions WHERE seq = :s")
        properties = {seq: conn.execute(read, {"s": seq}).scalar_one() for seq in (published, pending)}
    engine.dispose()
    return {"feature": fid, "published": published, "pending": pending, "rejected": rejected,
            "properties": {s: p if isinstance(p, dict) else json.loads(p) for s, p in properties.items()}}


def _poison(url: str, ids: dict[str, Any]) -> int:
    """Write bad text straight into the database, as an old server did; returns how many writes the
    database accepted (SQLite: all, PostgreSQL: none)."""
    sqlite = url.startswith("sqlite")
    as_json = ":v" if sqlite else "CAST(:v AS jsonb)"
    bad_text = f"CAST(X'{BAD_BYTES}' AS TEXT)" if sqlite else f"convert_from('\\x{BAD_BYTES}'::bytea, 'UTF8')"
    writes = [(f"UPDATE revisions SET properties = {as_json} WHERE seq = :s",
               {"s": seq, "v": json.dumps({**ids["properties"][seq], "name": NAME})})
              for seq in (ids["published"], ids["pending"])]
    writes += [(f"UPDATE revisions SET reason = {bad_text} WHERE seq = :s", {"s": ids["rejected"]}),
               (f"UPDATE users SET display_name = {bad_text} WHERE username = 'melle.editor'", {}),
               (f"UPDATE audit_log SET details = {as_json} WHERE id = (SELECT min(id) FROM audit_log)",
                {"v": json.dumps({"note": NAME})})]
    engine = make_engine(url)
    stored = 0
    for statement, params in writes:
        try:
            with engine.begin() as conn:
                stored += conn.execute(text(statement), params).rowcount
        except exc.DBAPIError:
            assert not sqlite
    engine.dispose()
    return stored


def _answers(api, ids: dict[str, Any]) -> dict[str, int]:  # noqa: ANN001
    """The status of every answer that includes the poisoned rows, each read to its end."""
    def status(path: str, user: str | None = None) -> int:
        response = api.get(path, user)
        try:
            response.get_data()  # a streamed answer fails while it is read
        except UnicodeEncodeError:
            return 500
        return response.status_code

    return {
        "pull": status("/api/v1/sync/institutions/pull?limit=5000", "admin"),
        "pull (editor)": status("/api/v1/sync/institutions/pull?limit=5000", "melle.editor"),
        "review": status("/api/v1/review/pending?limit=20000", "admin"),
        "history": status(f"/api/v1/layers/institutions/features/{ids['feature']}/history", "admin"),
        "public GeoJSON": status("/api/v1/public/institutions"),
        "OGC API items": status("/ogcapi/collections/institutions/items?limit=10000"),
        "OGC API item": status(f"/ogcapi/collections/institutions/items/{ids['feature']}"),
        "users": status("/api/v1/admin/users", "admin"),
        "audit": status("/api/v1/admin/audit?limit=5000", "admin"),
    }


def _check(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str]:
    code = cli.main(["--database", url, "--mode", "test", "check-text", *args])
    return code, capsys.readouterr().out


def test_check_text_repairs_a_poisoned_database(db_url: str, api, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    api.headers("admin"), api.headers("melle.editor")  # log in first: the poisoned user must still be served
    ids = _ids(db_url)
    stored = _poison(db_url, ids)
    ok = dict.fromkeys(_answers(api, ids), 200)
    if db_url.startswith("sqlite"):
        assert stored == 5
        broken = _answers(api, ids)
        assert broken["pull"] == broken["review"] == broken["users"] == 500, broken
        # The public answers come from the read model, prepared when the feature was published: the text
        # written behind its back does not reach them (the repair rebuilds the read model from the revisions).
        assert broken["public GeoJSON"] == broken["OGC API items"] == broken["OGC API item"] == 200, broken
        code, out = _check(capsys, db_url)
        assert code == 1, out
        assert "revisions.properties" in out and "revisions.reason" in out and "users.display_name" in out
        assert "audit_log.details" in out and "5 values" in out
        code, out = _check(capsys, db_url, "--repair")
        assert code == 0 and "5 values" in out and "repaired" in out
    else:
        assert stored == 0  # PostgreSQL refused every write
    code, out = _check(capsys, db_url)
    assert code == 0 and "All stored text can be encoded as UTF-8." in out
    assert _answers(api, ids) == ok
    history = api.get(f"/api/v1/layers/institutions/features/{ids['feature']}/history", "admin").get_json()
    names = json.dumps(history, ensure_ascii=False)
    assert ("x\ufffdy" in names) == db_url.startswith("sqlite")
    public = api.public("institutions")
    assert (public[ids["feature"]]["properties"]["name"] == "x\ufffdy") == db_url.startswith("sqlite")


def test_the_migration_repairs_a_poisoned_sqlite_database(sqlite_url: str) -> None:
    """Migration 0004 alone, run on a database marked as being at 0003 (the schema is the same but
    for later migrations' additions, which stay), then marked at the head again."""
    ids = _ids(sqlite_url)
    engine = make_engine(sqlite_url)
    head = migrate.current_revision(engine)
    assert _poison(sqlite_url, ids) == 5
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    migrate.upgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
        read_model.rebuild(conn)  # what migration 0007 does on the way to the head, from the repaired revisions
    engine.dispose()
    app = create_app(conftest.test_settings(sqlite_url))
    api = Api(app.test_client())
    assert _answers(api, ids) == dict.fromkeys(_answers(api, ids), 200)
    assert api.public("institutions")[ids["feature"]]["properties"]["name"] == "x\ufffdy"
    app.extensions["familienatlas"].engine.dispose()


def test_the_command_line_refuses_text_that_cannot_be_stored(sqlite_url: str, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--database", sqlite_url, "--mode", "test"]
    # an argument in a broken encoding reaches Python with lone surrogates (surrogateescape)
    code = cli.main([*db, "add-user", "le\udcfcser", "--role", "reader", "--municipality", "03459",
                     "--password", "lang-genug-123"])
    err = capsys.readouterr().err
    assert code == 2 and "--username" in err and "surrogate" in err, err
    catalogue = tmp_path / "katalog.json"
    catalogue.write_text('{"themes": [{"key": "t", "name": "Thema \\ud800"}]}', encoding="utf-8")
    code = cli.main([*db, "catalogue", "import", str(catalogue)])
    err = capsys.readouterr().err
    assert code == 1 and "themes[0].name" in err and "surrogate" in err, err
    code, out = _check(capsys, sqlite_url)
    assert code == 0, out
