"""Benchmark of the sync server on the demo county scaled up to many institutions.

Per database (SQLite file, PostgreSQL/PostGIS), on a fresh database holding the Landkreis Osnabrück
demo scaled up to ``--institutions`` institutions, it times through the domain layer (the code the
HTTP routes call, one session and one commit per operation, as in a request):

- a push of ``--changes`` mixed changes (60 % updates, half of them moving the point, 30 % inserts,
  10 % deletes) as the county admin, in ONE push;
- a full checkout pull of the institutions as an editor (pages of 5,000 until ``more`` is false),
  through the domain (each page's answer written as the JSON text it is sent as) and once more
  through HTTP (Flask's test client, JSON decoding included);
- approving the pending changes of that push (``review.approve`` with the revision list);
- a push of up to ``--editor-changes`` updates of Melle's own institutions (half of them moved) as
  ``melle.editor``, so the ownership rule runs in full (stored and new owner, point in territory),
  which the admin's push skips.

Each time is set against a floor measured in the same run on the same database: the same rows
written (and read) by plain SQL over the raw DBAPI connection in one transaction. The write floors
go to shadow copies of ``features`` and ``revisions`` (same columns, types, indexes and foreign
keys, same content before the push), so the atlas itself is not disturbed. The approval has a second
reference besides its floor: the floor plus writing the read model's rows the approval wrote (taken from
the atlas afterwards, so pre-computed) by plain executemany into a shadow copy of ``public_features`` with
its keys and spatial index: the database's own work of the public read model the issue requires at
publish time, which the floor leaves out. Both are printed. Finally the same edits
are made as a GeoPackage changeset with pygeodiff (what Mergin Maps does) and our push is set
against that.

Each timed step runs once (they take seconds; the numbers vary by some per cent between runs).

    python bench/bench_sync.py [--institutions 20000] [--changes 5000] [--databases sqlite,postgresql]

PostgreSQL: the admin URL comes from FAMILIENATLAS_TEST_POSTGRES_URL, else from the output of
``bash scripts/test-postgres.sh``; a database ``familienatlas_bench_*`` is created and dropped.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import resource
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import shapely
from pyproj import CRS
from shapely.geometry import mapping, shape
from sqlalchemy import Engine, MetaData, Table, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from sync_server.config import Settings
from sync_server.demo import geodata
from sync_server.demo.loader import demo_password, load_demo
from sync_server.domain import accounts, review, sync
from sync_server.domain.context import AtlasContext
from sync_server.domain.contract import dump, encode, json_text
from sync_server.domain.layers import INSTITUTIONS
from sync_server.domain.rights import OPERATOR, Actor
from sync_server.storage import migrate
from sync_server.storage.db import make_engine, make_session_factory, session_scope
from sync_server.storage.models import Feature, Revision, User
from sync_server.storage.types import SRID

ROOT = Path(__file__).resolve().parent.parent
LAYER = "institutions"
PAGE = 5_000  # the largest pull page the API allows
ANSWER_DUMPS = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))  # the API's JSON settings
SCALE_CHUNK = 5_000  # institutions per push while scaling up
SCALE_SEED = 424242
INSERT_SEED = 515151
PLAN_SEED = 20250604
EDITOR = "melle.editor"
SHADOW = "bench_"  # prefix of the shadow tables the write floors go to


@dataclass
class Timing:
    operation: str
    database: str
    seconds: float
    floor: float | None = None
    note: str = ""
    cpu: float | None = None  # CPU seconds of this process (on PostgreSQL the server's share is not in it)
    floor_cpu: float | None = None

    @property
    def ratio(self) -> float | None:
        return None if not self.floor else self.seconds / self.floor

    @property
    def cpu_ratio(self) -> float | None:
        return None if not self.floor_cpu or self.cpu is None else self.cpu / self.floor_cpu


def log(message: str) -> None:
    print(message, flush=True)


class StatementCounter:
    """Counts the SQL statements an engine sends (an executemany counts once)."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1

    def since(self, start: int) -> str:
        return f"{self.count - start} SQL statements"


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def clocked(action: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall-clock seconds, CPU seconds of this process, result): on a loaded machine the CPU time is the
    steadier figure."""
    cpu = time.process_time()
    seconds, result = timed(action)
    return seconds, time.process_time() - cpu, result


# --- databases ----------------------------------------------------------------------------------------


def postgres_admin_url() -> str | None:
    """The admin URL of the local PostgreSQL: from the environment, else from the start script."""
    url = os.environ.get("FAMILIENATLAS_TEST_POSTGRES_URL")
    if url:
        return url
    try:
        out = subprocess.run(["bash", str(ROOT / "scripts" / "test-postgres.sh")], check=True,
                             capture_output=True, text=True, timeout=120).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        log(f"PostgreSQL not available ({exc}); skipping it.")
        return None
    lines = [line for line in out.splitlines() if line.startswith("postgresql")]
    return lines[-1] if lines else None


def _pg_admin(admin_url: str, sql: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


@contextmanager
def fresh_database(kind: str, workdir: Path) -> Iterator[str]:
    """An empty database of ``kind``; a PostgreSQL database is dropped again at the end."""
    if kind == "sqlite":
        path = workdir / "bench.sqlite"
        yield f"sqlite:///{path}"
        return
    admin_url = postgres_admin_url()
    if admin_url is None:
        raise RuntimeError("no PostgreSQL admin URL")
    name = f"familienatlas_bench_{uuid.uuid4().hex[:10]}"
    _pg_admin(admin_url, f"CREATE DATABASE {name}")
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        _pg_admin(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def bench_settings(url: str) -> Settings:
    return Settings(database_url=url, mode="test", jwt_secret="x" * 40).checked()


def load_actor(factory: sessionmaker[Session], username: str) -> Actor:
    with session_scope(factory) as session:
        return accounts.actor_of(session.scalar(select(User).where(User.username == username)))


def institution_count(factory: sessionmaker[Session]) -> int:
    with session_scope(factory) as session:
        return session.scalar(select(func.count()).select_from(Feature).where(
            Feature.layer == LAYER, Feature.deleted.is_(False)))


# --- building the scaled-up atlas ----------------------------------------------------------------------


def build_demo(engine: Engine, factory: sessionmaker[Session], settings: Settings) -> None:
    """Migrate and load the demo county through the real services (as ``make demo`` does)."""
    migrate.upgrade(engine)
    with session_scope(factory) as session:
        load_demo(AtlasContext(session, settings, OPERATOR))


def institution_change(seed: geodata.InstitutionSeed) -> dict[str, Any]:
    """An insert in the push format, like the QGIS plugin sends it."""
    props = {**seed.attributes(), "owner": seed.owner_key}
    props.pop("owner_key", None)
    return {"op": "insert", "id": seed.id, "properties": props, "geometry": mapping(seed.geometry)}


def push_changes(factory: sessionmaker[Session], settings: Settings, actor: Actor,
                 changes: list[dict[str, Any]]) -> dict[str, Any]:
    """One push in its own session and transaction, as the push route does it."""
    with session_scope(factory) as session:
        return dump(sync.push(AtlasContext(session, settings, actor), LAYER, {
            "idempotency_key": str(uuid.uuid4()), "schema_version": INSTITUTIONS.schema_version,
            "changes": changes}))


def approve(factory: sessionmaker[Session], settings: Settings, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
    with session_scope(factory) as session:
        return dump(review.approve(AtlasContext(session, settings, actor), body))


def scale_up(factory: sessionmaker[Session], settings: Settings, admin: Actor, target: int) -> tuple[int, float, float]:
    """Push generated institutions in chunks as admin and approve each push, up to ``target``.

    Returns (institutions added, seconds pushing, seconds approving).
    """
    missing = target - institution_count(factory)
    if missing <= 0:
        return 0, 0.0, 0.0
    seeds = geodata.build_institutions(geodata.build_territories(), count=missing, seed=SCALE_SEED)
    push_s = approve_s = 0.0
    for start in range(0, len(seeds), SCALE_CHUNK):
        changes = [institution_change(s) for s in seeds[start:start + SCALE_CHUNK]]
        seconds, answer = timed(lambda c=changes: push_changes(factory, settings, admin, c))
        push_s += seconds
        seconds, _ = timed(lambda a=answer: approve(factory, settings, admin, {"push_id": a["push_id"]}))
        approve_s += seconds
        log(f"    scaled up {start + len(changes)}/{len(seeds)}")
    return len(seeds), push_s, approve_s


def analyze(engine: Engine) -> None:
    """Fresh planner statistics on PostgreSQL (autovacuum does this in production)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")


# --- the changes pushed --------------------------------------------------------------------------------


def update_change(feature: dict[str, Any], i: int) -> dict[str, Any]:
    """An edit as GIS staff make it: opening hours, phone and check date; every second one moved a few metres."""
    props = dict(feature["properties"])
    props["opening_hours"] = "Mo-Fr 08:00-16:00, Sa 09:00-12:00"
    props["phone"] = f"0541 {10000 + i}-0"
    props["last_checked"] = "2025-06-30"
    geometry = feature["geometry"]
    if i % 2 == 0:
        x, y = geometry["coordinates"]
        geometry = {"type": "Point", "coordinates": [round(x + 7.5, 2), round(y - 4.0, 2)]}
    return {"op": "update", "id": feature["id"], "base_revision": feature["revision"], "properties": props,
            "geometry": geometry}


def plan_changes(features: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """``count`` mixed changes: 60 % updates (changed properties; every second one moved a few
    metres), 30 % inserts of new institutions, 10 % deletes, of distinct features."""
    n_update = count * 6 // 10
    n_insert = count * 3 // 10
    n_delete = count - n_update - n_insert
    if n_update + n_delete > len(features):
        raise SystemExit(f"--changes {count} needs at least {n_update + n_delete} institutions")
    rng = random.Random(PLAN_SEED)
    picked = rng.sample(features, n_update + n_delete)
    changes = [update_change(feature, i) for i, feature in enumerate(picked[:n_update])]
    seeds = geodata.build_institutions(geodata.build_territories(), count=n_insert, seed=INSERT_SEED)
    changes += [institution_change(s) for s in seeds]
    changes += [{"op": "delete", "id": f["id"], "base_revision": f["revision"]} for f in picked[n_update:]]
    return changes


# --- our operations --------------------------------------------------------------------------------------


def pull_pages(factory: sessionmaker[Session], settings: Settings, actor: Actor) -> list[str]:
    """A full checkout through the domain: one session per page, as one request per page, each page's
    answer written as the JSON text the HTTP layer sends."""
    pages: list[str] = []
    cursor, more = 0, True
    while more:
        with session_scope(factory) as session:
            page = sync.pull(AtlasContext(session, settings, actor), LAYER, cursor, PAGE)
        pages.append(encode(dump(page), ANSWER_DUMPS))
        cursor, more = page.cursor, page.more
    return pages


def features_of(pages: list[str]) -> list[dict[str, Any]]:
    return [feature for text in pages for feature in json.loads(text)["features"]]


def pull_all(factory: sessionmaker[Session], settings: Settings, actor: Actor) -> list[dict[str, Any]]:
    """The features of a full checkout (untimed uses)."""
    return features_of(pull_pages(factory, settings, actor))


def pull_all_http(settings: Settings, username: str) -> tuple[float, float, int]:
    """The same checkout through HTTP with Flask's test client (JSON encoded and decoded)."""
    from sync_server.app import create_app

    app = create_app(settings)
    try:
        client = app.test_client()
        login = client.post("/api/v1/auth/login", json={"username": username, "password": demo_password(username)})
        headers = {"Authorization": f"Bearer {login.get_json()['access_token']}"}

        def run() -> int:
            count, cursor, more = 0, 0, True
            while more:
                response = client.get(f"/api/v1/sync/{LAYER}/pull?since={cursor}&limit={PAGE}", headers=headers)
                page = response.get_json()
                count += len(page["features"])
                cursor, more = page["cursor"], page["more"]
            return count

        return clocked(run)
    finally:
        app.extensions["familienatlas"].engine.dispose()


# --- the floors: plain SQL on the raw DBAPI connection ----------------------------------------------------


def _shadow_metadata(engine: Engine) -> tuple[MetaData, list[Table]]:
    """Shadow copies of features and revisions with the same columns, types, keys and indexes."""
    metadata = MetaData()
    for table in Feature.metadata.sorted_tables:
        if table.name not in ("features", "revisions"):
            table.to_metadata(metadata)  # referenced by foreign keys; never created
    shadows = []
    for table in (Feature.__table__, Revision.__table__):
        shadow = table.to_metadata(metadata, name=SHADOW + table.name)
        for index in shadow.indexes:
            if not index.name.startswith("ix_" + SHADOW):
                index.name = "ix_" + SHADOW + index.name.removeprefix("ix_")
        shadows.append(shadow)
    return metadata, shadows


def create_shadow_tables(engine: Engine) -> None:
    """Create the shadow tables and copy the atlas's current features and revisions into them."""
    metadata, shadows = _shadow_metadata(engine)
    metadata.create_all(engine, tables=shadows)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(f"CREATE INDEX ix_{SHADOW}revisions_geometry ON {SHADOW}revisions "
                                 "USING GIST (geometry)")
        for table in ("features", "revisions"):
            columns = ", ".join(c.name for c in metadata.tables[SHADOW + table].columns)
            conn.exec_driver_sql(f"INSERT INTO {SHADOW}{table} ({columns}) SELECT {columns} FROM {table}")
    analyze(engine)


def drop_shadow_tables(engine: Engine) -> None:
    metadata, shadows = _shadow_metadata(engine)
    metadata.drop_all(engine, tables=shadows)


@contextmanager
def raw_transaction(engine: Engine) -> Iterator[Any]:
    """A DBAPI cursor in one transaction, committed at the end (the commit is part of the time)."""
    proxy = engine.raw_connection()
    try:
        connection = proxy.driver_connection
        cursor = connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("BEGIN")
        yield cursor
        connection.commit()
        cursor.close()
    finally:
        proxy.close()


def _hex_ewkb(geometry: dict[str, Any] | None) -> str | None:
    if geometry is None:
        return None
    return shapely.to_wkb(shapely.set_srid(shape(geometry), SRID), hex=True, include_srid=True)


@dataclass
class FloorRows:
    """The rows our push wrote, ready to bind: what a perfect implementation would have to write."""

    read_ids: list[str]
    revisions: list[tuple]
    feature_updates: list[tuple]  # owner_id, head_seq, change_seq, deleted, id
    feature_inserts: list[tuple]  # layer, id, owner_id, head_seq, published_seq, change_seq, deleted
    seqs: list[int]


def floor_rows(changes: list[dict[str, Any]], answer: dict[str, Any], before: dict[str, dict[str, Any]],
               id_by_key: dict[str, int], author_id: int) -> FloorRows:
    now = datetime.now(UTC)
    push_id = str(uuid.uuid4())
    rows = FloorRows([c["id"] for c in changes if c["op"] != "insert"], [], [], [], [])
    for change, result in zip(changes, answer["results"], strict=True):
        seq, old = result["revision"], before.get(change["id"])
        props = change.get("properties") or old["properties"]
        owner_id = id_by_key[props["owner"]]
        stored = json_text({k: v for k, v in props.items() if k != "owner"})  # as the atlas stores JSON
        rows.revisions.append((seq, LAYER, change["id"], change.get("base_revision"), change["op"], owner_id, stored,
                               _hex_ewkb(change.get("geometry")), author_id, now, push_id, "pending"))
        if change["op"] == "insert":
            rows.feature_inserts.append((LAYER, change["id"], owner_id, seq, None, seq, False))
        else:
            rows.feature_updates.append((owner_id, seq, seq, change["op"] == "delete", change["id"]))
        rows.seqs.append(seq)
    return rows


_REVISION_COLUMNS = ("seq, layer, feature_id, parent_seq, op, owner_id, properties, geometry, author_id, "
                     "created_at, push_id, state")
_FEATURE_COLUMNS = "layer, id, owner_id, head_seq, published_seq, change_seq, deleted"


def floor_push(engine: Engine, rows: FloorRows) -> tuple[float, float]:
    """Read the stored heads of the changed features, write the revisions and the feature rows."""
    pg = engine.dialect.name == "postgresql"
    mark = "%s" if pg else "?"
    read = (f"SELECT f.id, f.owner_id, f.head_seq, r.owner_id, r.geometry FROM {SHADOW}features f "
            f"JOIN {SHADOW}revisions r ON r.seq = f.head_seq WHERE f.layer = '{LAYER}' AND f.id IN ")

    def run() -> None:
        with raw_transaction(engine) as cur:
            for start in range(0, len(rows.read_ids), 500):
                part = rows.read_ids[start:start + 500]
                cur.execute(read + "(" + ", ".join([mark] * len(part)) + ")", part)
                cur.fetchall()
            if pg:
                from psycopg2.extras import execute_values

                execute_values(cur, f"INSERT INTO {SHADOW}revisions ({_REVISION_COLUMNS}) VALUES %s",
                               rows.revisions, page_size=1000)
                execute_values(cur, f"INSERT INTO {SHADOW}features ({_FEATURE_COLUMNS}) VALUES %s",
                               rows.feature_inserts, page_size=1000)
                execute_values(cur, f"UPDATE {SHADOW}features AS f SET owner_id = v.owner_id, "
                               "head_seq = v.head_seq, change_seq = v.change_seq, deleted = v.deleted "
                               "FROM (VALUES %s) AS v(owner_id, head_seq, change_seq, deleted, id) "
                               f"WHERE f.layer = '{LAYER}' AND f.id = v.id", rows.feature_updates, page_size=1000)
            else:
                cur.executemany(f"INSERT INTO {SHADOW}revisions ({_REVISION_COLUMNS}) VALUES "
                                f"({', '.join('?' * 12)})", rows.revisions)
                cur.executemany(f"INSERT INTO {SHADOW}features ({_FEATURE_COLUMNS}) VALUES "
                                f"({', '.join('?' * 7)})", rows.feature_inserts)
                cur.executemany(f"UPDATE {SHADOW}features SET owner_id = ?, head_seq = ?, change_seq = ?, "
                                f"deleted = ? WHERE layer = '{LAYER}' AND id = ?", rows.feature_updates)

    return clocked(run)[:2]


def floor_pull(engine: Engine) -> tuple[float, float, int]:
    """One plain SELECT of every institution with its head revision, all rows fetched."""
    sql = ("SELECT f.id, f.owner_id, f.head_seq, f.published_seq, f.change_seq, f.deleted, r.op, r.properties, "
           "r.geometry, r.state, r.reason FROM features f JOIN revisions r ON r.seq = f.head_seq "
           f"WHERE f.layer = '{LAYER}' ORDER BY f.change_seq")

    def run() -> int:
        with raw_transaction(engine) as cur:
            cur.execute(sql)
            return len(cur.fetchall())

    return clocked(run)


def floor_approve(engine: Engine, seqs: list[int], reviewer_id: int) -> tuple[float, float]:
    """One UPDATE of the revisions by seq list, one of their features; one transaction."""
    mark = "%s" if engine.dialect.name == "postgresql" else "?"
    in_list = ", ".join(str(int(s)) for s in seqs)
    offset = max(seqs)

    def run() -> None:
        with raw_transaction(engine) as cur:
            cur.execute(f"UPDATE {SHADOW}revisions SET state = 'published', reviewed_by_id = {mark}, "
                        f"reviewed_at = {mark} WHERE seq IN ({in_list})", (reviewer_id, datetime.now(UTC)))
            cur.execute(f"UPDATE {SHADOW}features SET published_seq = head_seq, change_seq = head_seq + {offset} "
                        f"WHERE layer = '{LAYER}' AND head_seq IN ({in_list})")

    return clocked(run)[:2]


# --- the second reference of an approval: the floor plus the read model's rows -----------------------------
#
# The issue asks for the public read model to be written when the county publishes, in the same transaction, so
# an approval also stores each published feature's public texts, boxes and spatial index entries. The floor above
# does not; this reference adds exactly that database work: the read model's rows as our approval left them,
# taken from the atlas afterwards (pre-computed: no reprojection, no JSON), written by plain executemany into a
# shadow copy of ``public_features`` as it was before the approval (same columns, keys, spatial index and table
# settings): rows no longer public deleted, the others updated by key (the indexed box only for moved features,
# as our refresh does: fewer index writes is what a floor would do too), new ones inserted. It is timed as its own
# transaction (with its commit) after the floor's and added to the floor: the floor stays as it was measured.
# Left out: the layer's one summary row.

READ_MODEL = "public_features"


def create_read_model_shadow(engine: Engine) -> None:
    """A copy of the read model (rows, unique key, spatial index with its triggers, table settings) as it is now."""
    from sync_server.domain.read_model import public_layers, spatial_index_statements

    shadow = SHADOW + READ_MODEL
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(f"CREATE TABLE {shadow} (LIKE {READ_MODEL} INCLUDING ALL)")
            options = conn.exec_driver_sql(f"SELECT reloptions FROM pg_class WHERE relname = '{READ_MODEL}'").scalar()
            if options:
                conn.exec_driver_sql(f"ALTER TABLE {shadow} SET ({', '.join(options)})")
        else:
            ddl = conn.exec_driver_sql(f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{READ_MODEL}'"
                                       ).scalar()
            conn.exec_driver_sql(ddl.replace(f"CREATE TABLE {READ_MODEL}", f"CREATE TABLE {shadow}", 1))
            for layer in public_layers():
                for statement in spatial_index_statements("sqlite", layer):
                    conn.exec_driver_sql(statement.replace(READ_MODEL, shadow))
        conn.exec_driver_sql(f"INSERT INTO {shadow} SELECT * FROM {READ_MODEL}")
    analyze(engine)


def drop_read_model_shadow(engine: Engine) -> None:
    from sync_server.domain.read_model import public_layers, rtree_name

    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {SHADOW}{READ_MODEL}")
        if engine.dialect.name == "sqlite":
            for layer in public_layers():
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {SHADOW}{rtree_name(layer)}")


_RM_SAME_PLACE = ("owner_id", "published_seq", "properties", "west", "south", "east", "north", "doc", "doc_25832")
_RM_MOVED = (*_RM_SAME_PLACE, "geometry", "minx", "miny", "maxx", "maxy")
_RM_INSERTED = ("layer", "id", *_RM_MOVED)


@dataclass
class ReadModelRows:
    """The read model's writes of an approval, ready to bind."""

    deleted: list[int]  # pk
    same_place: list[tuple]  # _RM_SAME_PLACE..., pk
    moved: list[tuple]  # _RM_MOVED..., pk
    inserted: list[tuple]  # _RM_INSERTED

    def describe(self) -> str:
        return (f"{len(self.same_place) + len(self.moved) + len(self.inserted)} rows: {len(self.deleted)} deleted, "
                f"{len(self.same_place)} updated in place, {len(self.moved)} moved, {len(self.inserted)} inserted")


def read_model_rows(engine: Engine, seqs: list[int]) -> ReadModelRows:
    """The read model's rows of the approved features as the approval wrote them, against the shadow's rows
    from before it (untimed)."""
    pg = engine.dialect.name == "postgresql"
    text_of = (lambda c: f"{c}::text") if pg else (lambda c: c)  # hex EWKB and JSON as the stored text
    columns = ", ".join(text_of(c) if c in ("geometry", "properties") else c for c in _RM_INSERTED)
    with raw_transaction(engine) as cur:
        mark = "%s" if pg else "?"
        ids = []
        for start in range(0, len(seqs), 500):
            part = seqs[start:start + 500]
            cur.execute(f"SELECT DISTINCT feature_id FROM revisions WHERE seq IN ({', '.join([mark] * len(part))})",
                        part)
            ids += [row[0] for row in cur.fetchall()]
        new, old = {}, {}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ", ".join([mark] * len(part))
            cur.execute(f"SELECT {columns} FROM {READ_MODEL} WHERE layer = '{LAYER}' AND id IN ({marks})", part)
            new.update((row[1], row) for row in cur.fetchall())
            cur.execute(f"SELECT pk, id, {text_of('geometry')} FROM {SHADOW}{READ_MODEL} "
                        f"WHERE layer = '{LAYER}' AND id IN ({marks})", part)
            old.update((row[1], row) for row in cur.fetchall())
    rows = ReadModelRows([pk for fid, (pk, _id, _g) in old.items() if fid not in new], [], [], [])
    position = {name: i for i, name in enumerate(_RM_INSERTED)}
    for fid, row in new.items():
        if fid not in old:
            rows.inserted.append(row)
            continue
        pk, _id, geometry = old[fid]
        names, into = (_RM_SAME_PLACE, rows.same_place) if geometry == row[position["geometry"]] \
            else (_RM_MOVED, rows.moved)
        into.append((*(row[position[name]] for name in names), pk))
    return rows


def floor_read_model(engine: Engine, rows: ReadModelRows) -> tuple[float, float]:
    """Write the read model's rows by plain SQL in one transaction: the database's own work of storing them
    with their keys and spatial index (on SQLite the R*Tree through its triggers)."""
    pg = engine.dialect.name == "postgresql"
    shadow = SHADOW + READ_MODEL

    def run() -> None:
        with raw_transaction(engine) as cur:
            if pg:
                from psycopg2.extras import execute_values

                cur.execute(f"DELETE FROM {shadow} WHERE pk = ANY(%s)", (rows.deleted,))
                cast = {"properties": "jsonb", "geometry": "geometry"}
                for names, values in ((_RM_SAME_PLACE, rows.same_place), (_RM_MOVED, rows.moved)):
                    sets = ", ".join(f"{n} = v.{n}::{cast[n]}" if n in cast else f"{n} = v.{n}" for n in names)
                    execute_values(cur, f"UPDATE {shadow} AS t SET {sets} FROM (VALUES %s) AS v ({', '.join(names)}, "
                                   "pk) WHERE t.pk = v.pk", values, page_size=1000)
                execute_values(cur, f"INSERT INTO {shadow} ({', '.join(_RM_INSERTED)}) VALUES %s", rows.inserted,
                               page_size=1000)
            else:
                cur.executemany(f"DELETE FROM {shadow} WHERE pk = ?", [(pk,) for pk in rows.deleted])
                for names, values in ((_RM_SAME_PLACE, rows.same_place), (_RM_MOVED, rows.moved)):
                    cur.executemany(f"UPDATE {shadow} SET {', '.join(f'{n} = ?' for n in names)} WHERE pk = ?", values)
                cur.executemany(f"INSERT INTO {shadow} ({', '.join(_RM_INSERTED)}) VALUES "
                                f"({', '.join('?' * len(_RM_INSERTED))})", rows.inserted)

    return clocked(run)[:2]


# --- pygeodiff: the same edits as a GeoPackage changeset ---------------------------------------------------

_GPKG_DDL = (
    "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, "
    "organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, "
    "description TEXT)",
    "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, "
    "identifier TEXT UNIQUE, description TEXT DEFAULT '', "
    "last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), "
    "min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, "
    "CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))",
    "CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
    "geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, "
    "CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), "
    "CONSTRAINT uk_gc_table_name UNIQUE (table_name), "
    "CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), "
    "CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))",
)
_GPKG_TYPES = {"string": "TEXT", "text": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "BOOLEAN",
               "date": "DATE"}
_GPKG_FIELDS = [f.name for f in INSTITUTIONS.fields]


def gpkg_point(geometry: dict[str, Any]) -> bytes:
    """A GeoPackage geometry blob: 'GP', version 0, little-endian, xy envelope, then WKB."""
    point = shape(geometry)
    flags = 0b0000_0011
    return (b"GP" + struct.pack("<BBi4d", 0, flags, SRID, point.x, point.x, point.y, point.y)
            + shapely.to_wkb(point, byte_order=1))


def _gpkg_row(feature: dict[str, Any]) -> tuple:
    props = feature["properties"]
    return (feature["id"], gpkg_point(feature["geometry"]), *(props.get(name) for name in _GPKG_FIELDS),
            feature.get("revision"))


def write_geopackage(path: Path, features: list[dict[str, Any]]) -> None:
    """A working copy as the QGIS plugin keeps it: fid, uuid, geom, the layer's fields, revision."""
    columns = ", ".join(f'"{name}" {_GPKG_TYPES[f.type]}' for name, f in zip(_GPKG_FIELDS, INSTITUTIONS.fields,
                                                                              strict=True))
    srs = [("Undefined cartesian SRS", -1, "NONE", -1, "undefined", None),
           ("Undefined geographic SRS", 0, "NONE", 0, "undefined", None),
           ("WGS 84 geodetic", 4326, "EPSG", 4326, CRS.from_epsg(4326).to_wkt("WKT1_GDAL"), None),
           ("ETRS89 / UTM zone 32N", SRID, "EPSG", SRID, CRS.from_epsg(SRID).to_wkt("WKT1_GDAL"), None)]
    with sqlite3.connect(path) as con:
        con.execute(f"PRAGMA application_id = {0x47504B47}")
        con.execute("PRAGMA user_version = 10300")
        for ddl in _GPKG_DDL:
            con.execute(ddl)
        con.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", srs)
        con.execute(f'CREATE TABLE {LAYER} ("fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "uuid" TEXT UNIQUE, '
                    f'"geom" POINT, {columns}, "fa_revision" INTEGER)')
        con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                    "VALUES (?, 'features', ?, ?)", (LAYER, LAYER, SRID))
        con.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'POINT', ?, 0, 0)", (LAYER, SRID))
        con.executemany(f"INSERT INTO {LAYER} (uuid, geom, {', '.join(_GPKG_FIELDS)}, fa_revision) VALUES "
                        f"({', '.join('?' * (len(_GPKG_FIELDS) + 3))})", [_gpkg_row(f) for f in features])
    con.close()


def edit_geopackage(path: Path, changes: list[dict[str, Any]]) -> None:
    """Make the same edits in the working copy, as QGIS would (update, insert, delete by uuid)."""
    assignments = ", ".join(f'"{name}" = ?' for name in ("geom", *_GPKG_FIELDS))
    with sqlite3.connect(path) as con:
        for change in changes:
            if change["op"] == "delete":
                con.execute(f"DELETE FROM {LAYER} WHERE uuid = ?", (change["id"],))
                continue
            row = _gpkg_row({**change, "revision": None})
            if change["op"] == "update":
                con.execute(f"UPDATE {LAYER} SET {assignments} WHERE uuid = ?", (*row[1:-1], change["id"]))
            else:
                con.execute(f"INSERT INTO {LAYER} (uuid, geom, {', '.join(_GPKG_FIELDS)}, fa_revision) VALUES "
                            f"({', '.join('?' * (len(_GPKG_FIELDS) + 3))})", row)
    con.close()


def bench_geodiff(workdir: Path, features: list[dict[str, Any]], changes: list[dict[str, Any]]) -> dict[str, float]:
    """Time pygeodiff's create_changeset(base, modified) and apply_changeset(copy of base)."""
    import pygeodiff

    folder = workdir / "geodiff"
    folder.mkdir(exist_ok=True)
    base, modified, target, changeset = (folder / n for n in ("base.gpkg", "modified.gpkg", "target.gpkg",
                                                                "changes.diff"))
    write_geopackage(base, features)
    shutil.copy(base, modified)
    edit_geopackage(modified, changes)
    shutil.copy(base, target)
    geodiff = pygeodiff.GeoDiff()
    create_s, create_cpu, _ = clocked(lambda: geodiff.create_changeset(str(base), str(modified), str(changeset)))
    count = geodiff.changes_count(str(changeset))
    apply_s, apply_cpu, _ = clocked(lambda: geodiff.apply_changeset(str(target), str(changeset)))
    with sqlite3.connect(target) as con:
        rows = con.execute(f"SELECT count(*) FROM {LAYER}").fetchone()[0]
    con.close()
    expected = len(features) + sum(1 if c["op"] == "insert" else -1 if c["op"] == "delete" else 0 for c in changes)
    if count != len(changes) or rows != expected:
        raise RuntimeError(f"pygeodiff: {count} changes, {rows} rows; expected {len(changes)}, {expected}")
    return {"create": create_s, "apply": apply_s, "cpu": create_cpu + apply_cpu,
            "size_mb": changeset.stat().st_size / 1e6}


# --- one database ----------------------------------------------------------------------------------------------


@dataclass
class Run:
    """One database under test."""

    kind: str
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    statements: StatementCounter
    admin: Actor | None = None
    editor: Actor | None = None


def setup_atlas(run: Run, institutions: int) -> list[Timing]:
    """Migrate, load the demo and scale it up; returns the setup times (not part of the comparison)."""
    log(f"[{run.kind}] migrate + load demo ...")
    seconds, _ = timed(lambda: build_demo(run.engine, run.factory, run.settings))
    run.admin, run.editor = load_actor(run.factory, "admin"), load_actor(run.factory, EDITOR)
    log(f"[{run.kind}] scale up to {institutions} institutions ...")
    added, push_s, approve_s = scale_up(run.factory, run.settings, run.admin, institutions)
    analyze(run.engine)
    return [Timing("setup: migrate + load demo", run.kind, seconds),
            Timing(f"setup: push {added} new ({SCALE_CHUNK}/push)", run.kind, push_s),
            Timing(f"setup: approve {added} ({SCALE_CHUNK}/call)", run.kind, approve_s)]


def bench_push(run: Run, features: list[dict[str, Any]], changes: list[dict[str, Any]]) -> tuple[Timing, FloorRows]:
    with session_scope(run.factory) as session:
        id_by_key = AtlasContext(session, run.settings, OPERATOR).id_by_key
    log(f"[{run.kind}] push ...")
    mark = run.statements.count
    seconds, cpu, answer = clocked(lambda: push_changes(run.factory, run.settings, run.admin, changes))
    note = run.statements.since(mark)
    rows = floor_rows(changes, answer, {f["id"]: f for f in features}, id_by_key, run.admin.user_id)
    floor, floor_cpu = floor_push(run.engine, rows)
    return Timing(f"push {len(changes)} mixed changes", run.kind, seconds, floor, note, cpu, floor_cpu), rows


def bench_pull(run: Run) -> list[Timing]:
    log(f"[{run.kind}] pull ...")
    mark = run.statements.count
    seconds, cpu, pages = clocked(lambda: pull_pages(run.factory, run.settings, run.editor))
    note = run.statements.since(mark)
    pulled = features_of(pages)
    floor, floor_cpu, floor_count = floor_pull(run.engine)
    deleted = sum(1 for f in pulled if f["deleted"])
    http_s, http_cpu, http_count = pull_all_http(run.settings, EDITOR)
    return [Timing(f"pull full checkout ({len(pulled) - deleted} + {deleted} deleted)", run.kind, seconds, floor,
                   f"{note}; floor: 1 SELECT, {floor_count} rows", cpu, floor_cpu),
            Timing(f"pull full checkout via HTTP ({http_count} features)", run.kind, http_s, floor,
                   "Flask test client, JSON encode + decode", http_cpu, floor_cpu)]


def bench_approve(run: Run, seqs: list[int]) -> list[Timing]:
    """The approval against the floor (the lifecycle's two UPDATEs), and against the floor plus the database's
    work of the read model's rows the approval wrote (see :func:`floor_read_model`)."""
    log(f"[{run.kind}] approve ...")
    mark = run.statements.count
    seconds, cpu, decided = clocked(lambda: approve(run.factory, run.settings, run.admin, {"revisions": seqs}))
    note = run.statements.since(mark)
    floor, floor_cpu = floor_approve(run.engine, seqs, run.admin.user_id)
    rows = read_model_rows(run.engine, seqs)
    read_model, read_model_cpu = floor_read_model(run.engine, rows)
    approved = len(decided["revisions"])
    return [Timing(f"approve {approved} pending", run.kind, seconds, floor, note, cpu, floor_cpu),
            Timing(f"approve {approved} vs floor + read model", run.kind, seconds, floor + read_model,
                   f"reference: floor + read model's {rows.describe()} ({read_model:.3f} s, {read_model_cpu:.3f} "
                   "s CPU)", cpu, floor_cpu + read_model_cpu)]


def bench_editor_push(run: Run, count: int) -> Timing:
    """Updates of the editor's own institutions as the editor: the ownership rule's full cost."""
    with session_scope(run.factory) as session:
        id_by_key = AtlasContext(session, run.settings, OPERATOR).id_by_key
    own = [f for f in pull_all(run.factory, run.settings, run.admin)  # untimed: fresh base revisions
           if not f["deleted"] and f["properties"]["owner"] == run.editor.municipality_key][:count]
    changes = [update_change(feature, i) for i, feature in enumerate(own)]
    log(f"[{run.kind}] push {len(changes)} updates as {EDITOR} ...")
    mark = run.statements.count
    seconds, cpu, answer = clocked(lambda: push_changes(run.factory, run.settings, run.editor, changes))
    note = run.statements.since(mark)
    rows = floor_rows(changes, answer, {f["id"]: f for f in own}, id_by_key, run.editor.user_id)
    floor, floor_cpu = floor_push(run.engine, rows)
    return Timing(f"push {len(changes)} updates as {EDITOR}", run.kind, seconds, floor, note, cpu, floor_cpu)


def bench_database(kind: str, url: str, args: argparse.Namespace, workdir: Path,
                   geodiff: dict[str, float] | None) -> tuple[list[Timing], dict[str, float] | None]:
    """Everything on one database; pygeodiff runs once (with the first database's data)."""
    engine = make_engine(url)
    run = Run(kind, bench_settings(url), engine, make_session_factory(engine), StatementCounter(engine))
    try:
        out = setup_atlas(run, args.institutions)
        features = pull_all(run.factory, run.settings, run.admin)  # untimed warm-up; the base of the edits
        log(f"[{kind}] {len(features)} institutions; planning {args.changes} changes ...")
        changes = plan_changes(features, args.changes)
        if geodiff is None:
            log("pygeodiff: changeset of the same edits ...")
            geodiff = bench_geodiff(workdir, features, changes)
        create_shadow_tables(engine)
        create_read_model_shadow(engine)
        push, rows = bench_push(run, features, changes)
        out += [push, *bench_pull(run), *bench_approve(run, rows.seqs), bench_editor_push(run, args.editor_changes)]
        out.append(Timing(f"push {len(changes)} vs pygeodiff create+apply", kind, push.seconds,
                          geodiff["create"] + geodiff["apply"], "floor = pygeodiff (in this process: its CPU too)",
                          push.cpu, geodiff["cpu"]))
        drop_read_model_shadow(engine)
        drop_shadow_tables(engine)
    finally:
        engine.dispose()
    return out, geodiff


# --- report ----------------------------------------------------------------------------------------------------


def print_table(rows: list[Timing], geodiff: dict[str, float] | None, args: argparse.Namespace) -> None:
    head = (f"{'operation':<48} {'database':<10} {'seconds':>9} {'floor s':>9} {'ratio':>8} {'cpu s':>8} "
            f"{'floor cpu':>9} {'cpu ratio':>9}  note")
    log("")
    log(f"Familienatlas sync benchmark: {args.institutions} institutions, {args.changes} changes "
        "(each step run once; floor = same rows by plain SQL in one transaction)")
    log(head)
    log("-" * len(head))
    for r in rows:
        floor = f"{r.floor:9.3f}" if r.floor is not None else f"{'':9}"
        ratio = f"{r.ratio:7.1f}x" if r.ratio is not None else f"{'':8}"
        cpu = f"{r.cpu:8.3f}" if r.cpu is not None else f"{'':8}"
        floor_cpu = f"{r.floor_cpu:9.3f}" if r.floor_cpu is not None else f"{'':9}"
        cpu_ratio = f"{r.cpu_ratio:8.1f}x" if r.cpu_ratio is not None else f"{'':9}"
        log(f"{r.operation:<48} {r.database:<10} {r.seconds:9.3f} {floor} {ratio} {cpu} {floor_cpu} {cpu_ratio}  "
            f"{r.note}".rstrip())
    if geodiff:
        log("-" * len(head))
        log(f"{'pygeodiff create_changeset':<48} {'gpkg':<10} {geodiff['create']:9.3f}")
        log(f"{'pygeodiff apply_changeset':<48} {'gpkg':<10} {geodiff['apply']:9.3f}")
        log(f"(changeset {geodiff['size_mb']:.1f} MB)")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--institutions", type=int, default=20_000, help="institutions in the atlas (default 20000)")
    parser.add_argument("--changes", type=int, default=5_000, help="changes in the timed push (default 5000)")
    parser.add_argument("--editor-changes", type=int, default=1_000,
                        help="updates in the editor's push (default 1000, at most the editor's institutions)")
    return parse_with_databases(parser, argv)


# --- shared by the benchmarks: databases to run on, peak memory --------------------------------------


def parse_with_databases(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Parse ``argv`` with a ``--databases`` option (comma list of sqlite, postgresql) added to ``parser``."""
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma list of sqlite, postgresql")
    args = parser.parse_args(argv)
    args.databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = set(args.databases) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    return args


def on_each_database(args: argparse.Namespace, bench: Callable[[str, str, Path], list]) -> list:
    """Run ``bench(kind, url, workdir)`` on a fresh database of each kind asked for; a database that cannot
    be had (no PostgreSQL) is skipped with a note, so the other figures still come."""
    rows: list = []
    with tempfile.TemporaryDirectory(prefix="familienatlas-bench-") as tmp:
        for kind in args.databases:
            try:
                with fresh_database(kind, Path(tmp)) as url:
                    rows += bench(kind, url, Path(tmp))
            except RuntimeError as exc:
                log(f"[{kind}] skipped: {exc}")
    return rows


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_mb() -> float:
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def measured(action: Callable[[], Any]) -> tuple[float, tuple[float, float], Any]:
    """(seconds, (peak resident MB during the action, its growth over the size at the start), result)."""
    _reset_peak()
    before = _status_mb("VmRSS") or 0.0
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    peak = peak_mb()
    return seconds, (peak, max(0.0, peak - before)), result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rows: list[Timing] = []
    geodiff: dict[str, float] | None = None
    started, load_at_start = time.perf_counter(), os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="familienatlas-bench-") as tmp:
        for kind in args.databases:
            try:
                with fresh_database(kind, Path(tmp)) as url:
                    timings, geodiff = bench_database(kind, url, args, Path(tmp), geodiff)
                    rows += timings
            except RuntimeError as exc:
                log(f"[{kind}] skipped: {exc}")
    print_table(rows, geodiff, args)
    log(f"total run time {time.perf_counter() - started:.0f} s; load average at the start "
        f"{load_at_start[0]:.1f}, at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
