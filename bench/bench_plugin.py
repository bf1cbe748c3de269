"""End-to-end benchmark of the QGIS plugin core (no QGIS) against a real demo server over HTTP.

On a fresh SQLite database holding the Landkreis Osnabrück demo scaled up to ``--institutions``
institutions (built with the functions of ``bench_sync.py``), served by gunicorn with 2 workers on
127.0.0.1 (``python -m sync_server.cli serve``, demo mode; the in-process LiveServer of the tests
only if gunicorn does not come up), it times through ``qgis_plugin.core`` (AtlasClient,
WorkingCopy, Synchronizer):

1. a checkout of all institutions into a fresh working copy, as ``melle.editor`` and as ``admin``
   (features/s and GeoPackage size);
2. ``--edits`` local edits written straight into the editor's working copy GeoPackage with
   ``sqlite3``, as another program would (60 % attribute updates, 30 % points moved a few metres
   inside their municipality, 10 % inserts with new uuids); the editor edits only Melle's own
   features, and if Melle holds too few of them the admin's working copy is edited instead;
3. ``Synchronizer.sync`` end to end: change detection, push, pull of the result;
4. a second sync with nothing to do (the incremental no-op cost).

Floors, measured in the same run against the same server: for a checkout, a plain GET of all pull
pages (same page size as the plugin) with ``requests`` and JSON decoding only; for the sync, the
same changes POSTed directly as one push (after the sync, so updates go against the revisions the
sync produced and inserts get fresh uuids); for the no-op sync, one GET of the empty page after the
cursor. Each timed step runs once.

    python bench/bench_plugin.py [--institutions 20000] [--edits 1000]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from bench_sync import (
    EDITOR,
    LAYER,
    ROOT,
    Timing,
    bench_settings,
    build_demo,
    fresh_database,
    gpkg_point,
    load_actor,
    log,
    scale_up,
    timed,
)
from shapely.geometry import Point, mapping

from qgis_plugin.core import wkb
from qgis_plugin.core.api import AtlasClient
from qgis_plugin.core.messages import tr
from qgis_plugin.core.sync import Synchronizer, SyncReport
from qgis_plugin.core.workcopy import FILE_NAME, WorkingCopy
from sync_server.config import Settings
from sync_server.demo import geodata
from sync_server.demo.loader import demo_password
from sync_server.storage.db import make_engine, make_session_factory

ADMIN = "admin"
MELLE = "034590024024"
JWT_SECRET = "familienatlas-bench-plugin-" + "s" * 40
EDIT_SEED = 606060
MOVE = (6.0, -5.5)  # metres; generated institutions lie at least 50 m inside their municipality
SERVER_START_TIMEOUT = 90.0
WORKERS = 2  # gunicorn workers of the measured server


def row(operation: str, seconds: float, floor: float | None = None, note: str = "") -> Timing:
    """A result line; this benchmark's server always runs on SQLite."""
    return Timing(operation, "sqlite", seconds, floor, note)


# --- the server ----------------------------------------------------------------------------------------------


class Server:
    """The demo server on 127.0.0.1: gunicorn in a subprocess, else the tests' LiveServer in a thread."""

    def __init__(self, url: str, kind: str, stop: Callable[[], None]) -> None:
        self.url, self.kind, self._stop = url, kind, stop

    def stop(self) -> None:
        self._stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(url: str, alive: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline and alive():
        try:
            if requests.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False


def stop_process(process: subprocess.Popen) -> None:
    """Stop a server process (gunicorn's master stops its workers on SIGTERM), killing it after 30 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_gunicorn(database_url: str, workdir: Path) -> Server | None:
    port = free_port()
    env = {**os.environ, "FAMILIENATLAS_MODE": "demo", "FAMILIENATLAS_JWT_SECRET": JWT_SECRET}
    env.pop("FAMILIENATLAS_DATABASE_URL", None)
    log_path = workdir / "server.log"
    with open(log_path, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "sync_server.cli", "--database", database_url, "serve", "--host", "127.0.0.1",
             "--port", str(port), "--workers", str(WORKERS)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    def stop() -> None:
        stop_process(process)

    url = f"http://127.0.0.1:{port}"
    if wait_for_health(url, lambda: process.poll() is None):
        return Server(url, f"gunicorn, {WORKERS} workers", stop)
    stop()
    tail = log_path.read_text(errors="replace").splitlines()[-15:]
    log("gunicorn did not come up:\n    " + "\n    ".join(tail))
    return None


def start_live_server(database_url: str) -> Server:
    sys.path.insert(0, str(ROOT))
    from sync_server.app import create_app
    from tests.support import LiveServer

    app = create_app(Settings(database_url=database_url, mode="demo", jwt_secret=JWT_SECRET).checked())
    server = LiveServer(app)
    server.start()
    if not wait_for_health(server.url, lambda: True):
        raise RuntimeError("LiveServer did not answer /api/v1/health")

    def stop() -> None:
        server.stop()
        app.extensions["familienatlas"].engine.dispose()

    return Server(server.url, "LiveServer fallback, werkzeug thread", stop)


# --- floors: plain requests ----------------------------------------------------------------------------------


def login_token(url: str, username: str) -> str:
    response = requests.post(f"{url}/api/v1/auth/login",
                             json={"username": username, "password": demo_password(username)}, timeout=30)
    response.raise_for_status()
    return response.json()["access_token"]


def floor_checkout(url: str, username: str, page_size: int) -> tuple[float, int, int]:
    """Every pull page with requests, JSON decoded and nothing else; (seconds, features, pages)."""
    session = requests.Session()
    headers = {"Authorization": f"Bearer {login_token(url, username)}"}

    def run() -> tuple[int, int]:
        count = pages = cursor = 0
        more = True
        while more:
            response = session.get(f"{url}/api/v1/sync/{LAYER}/pull", params={"since": cursor, "limit": page_size},
                                   headers=headers, timeout=120)
            response.raise_for_status()
            page = response.json()
            count += len(page["features"])
            pages += 1
            cursor, more = page["cursor"], page["more"]
        return count, pages

    seconds, (count, pages) = timed(run)
    return seconds, count, pages


def warm_up(url: str) -> None:
    """Let every worker answer a few pulls of both accounts first (each loads its context on demand)."""
    for username in (EDITOR, ADMIN):
        headers = {"Authorization": f"Bearer {login_token(url, username)}"}
        for _ in range(6):
            requests.get(f"{url}/api/v1/sync/{LAYER}/pull", params={"since": 0, "limit": 1}, headers=headers,
                         timeout=120).raise_for_status()
    floor_checkout(url, ADMIN, Synchronizer.page_size)


def floor_empty_pull(url: str, username: str, cursor: int, page_size: int) -> float:
    headers = {"Authorization": f"Bearer {login_token(url, username)}"}

    def run() -> None:
        response = requests.get(f"{url}/api/v1/sync/{LAYER}/pull", params={"since": cursor, "limit": page_size},
                                headers=headers, timeout=120)
        response.raise_for_status()
        page = response.json()
        if page["features"] or page["more"]:
            raise RuntimeError(f"expected an empty page after cursor {cursor}, got {len(page['features'])} features")

    return timed(run)[0]


def floor_push(url: str, username: str, changes: list[dict[str, Any]], schema_version: int) -> float:
    """The changes as one push with requests (JSON encoded and the answer decoded)."""
    headers = {"Authorization": f"Bearer {login_token(url, username)}"}
    body = {"idempotency_key": str(uuid.uuid4()), "schema_version": schema_version, "changes": changes}

    def run() -> dict[str, Any]:
        response = requests.post(f"{url}/api/v1/sync/{LAYER}/push", json=body, headers=headers, timeout=300)
        answer = response.json()
        if response.status_code != 200 or not answer.get("applied"):
            raise RuntimeError(f"floor push refused ({response.status_code}): {str(answer)[:500]}")
        return answer

    return timed(run)[0]


# --- the plugin core -----------------------------------------------------------------------------------------


class RecordingClient(AtlasClient):
    """The plugin's client, keeping (references to) the change lists it pushed, for the push floor."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pushed: list[dict[str, Any]] = []

    def push(self, layer: str, changes: Any, idempotency_key: str, schema_version: int,
             crs: str | None = None) -> dict[str, Any]:
        changes = list(changes)
        self.pushed.extend(changes)
        return super().push(layer, changes, idempotency_key, schema_version, crs)


@dataclass
class Account:
    username: str
    client: RecordingClient
    workcopy: WorkingCopy
    synchronizer: Synchronizer


def open_account(url: str, username: str, workdir: Path) -> Account:
    client = RecordingClient(url, timeout=300)
    client.login(username, demo_password(username))
    workcopy = WorkingCopy(workdir / f"wc-{username}" / FILE_NAME)
    return Account(username, client, workcopy, Synchronizer(client, workcopy))


def bench_checkout(server: Server, account: Account) -> Timing:
    log(f"checkout as {account.username} ...")
    page_size = account.synchronizer.page_size
    floor, floor_count, pages = floor_checkout(server.url, account.username, page_size)
    seconds, _ = timed(lambda: account.synchronizer.checkout([LAYER]))
    count = account.workcopy.count(LAYER)
    if count != floor_count:
        raise RuntimeError(f"checkout wrote {count} rows, the plain GET saw {floor_count} features")
    size = account.workcopy.path.stat().st_size / 1e6
    return row(f"checkout {count} institutions as {account.username}", seconds, floor,
               f"{count / seconds:,.0f} features/s, GeoPackage {size:.1f} MB; "
               f"floor: GET {pages} page(s) of {page_size} + JSON decode")


# --- local edits, written like another program would ---------------------------------------------------------


@dataclass
class EditPlan:
    updates: int
    moves: int
    inserts: int

    @property
    def total(self) -> int:
        return self.updates + self.moves + self.inserts

    @property
    def needs_existing(self) -> int:
        return self.updates + self.moves


def plan_for(edits: int) -> EditPlan:
    updates, moves = edits * 6 // 10, edits * 3 // 10
    return EditPlan(updates, moves, edits - updates - moves)


def own_rows(path: Path, owner: str | None) -> list[tuple[str, str, tuple[float, float]]]:
    """(uuid, owner, (x, y)) of the rows of ``owner`` (all rows if None), read with sqlite3."""
    with sqlite3.connect(path) as con:
        rows = con.execute(f'SELECT uuid, owner, geom FROM "{LAYER}" ORDER BY fid').fetchall()
    con.close()
    out = []
    for fid, key, blob in rows:
        if owner is not None and key != owner:
            continue
        geometry = wkb.gpkg_to_geojson(bytes(blob)) if blob is not None else None
        if geometry is not None and geometry["type"] == "Point":
            out.append((fid, key, tuple(geometry["coordinates"][:2])))
    return out


def write_edits(path: Path, fields: list[str], candidates: list[tuple[str, str, tuple[float, float]]],
                plan: EditPlan) -> tuple[float, int]:
    """Make the edits in the GeoPackage with plain sqlite3 in one transaction; (seconds, edits made)."""
    territories = geodata.build_territories()
    territory_of = {t.key: t.geometry for t in territories}
    melle = [t for t in territories if t.key == MELLE]
    rng = random.Random(EDIT_SEED)
    picked = list(candidates)
    rng.shuffle(picked)
    updates = [(f"05422 {10000 + i}-0", "Mo-Fr 08:00-16:00, Sa 09:00-12:00", "2025-06-30", fid)
               for i, (fid, _, _) in enumerate(picked[:plan.updates])]
    moves = []
    for fid, owner, (x, y) in picked[plan.updates:]:
        if len(moves) == plan.moves:
            break
        territory = territory_of.get(owner)
        for dx, dy in (MOVE, (-MOVE[0], -MOVE[1])):
            point = Point(x + dx, y + dy)
            if territory is not None and territory.contains(point):
                moves.append((gpkg_point(mapping(point)), fid))
                break
    if len(moves) < plan.moves:
        raise SystemExit(f"only {len(moves)} of {plan.moves} points could be moved inside their municipality")
    inserts = []
    for seed in geodata.build_institutions(melle, count=plan.inserts, seed=EDIT_SEED):
        props = {**seed.attributes(), "owner": seed.owner_key}
        inserts.append((str(uuid.uuid4()), gpkg_point(mapping(seed.geometry)), *(props.get(f) for f in fields)))
    columns = ", ".join(f'"{f}"' for f in ("uuid", "geom", *fields))

    def run() -> None:
        with sqlite3.connect(path, timeout=30) as con:
            con.executemany(f'UPDATE "{LAYER}" SET phone = ?, opening_hours = ?, last_checked = ? WHERE uuid = ?',
                            updates)
            con.executemany(f'UPDATE "{LAYER}" SET geom = ? WHERE uuid = ?', moves)
            con.executemany(f'INSERT INTO "{LAYER}" ({columns}) VALUES ({", ".join("?" * (len(fields) + 2))})',
                            inserts)
        con.close()

    return timed(run)[0], len(updates) + len(moves) + len(inserts)


# --- the syncs -----------------------------------------------------------------------------------------------


def timed_sync(account: Account, push_message: str | None) -> tuple[float, SyncReport, float | None]:
    """One ``Synchronizer.sync``; also the time until the push is sent (change detection + outbox)."""
    events: list[tuple[float, str]] = []
    start = time.perf_counter()
    report = account.synchronizer.sync(progress=lambda _p, message: events.append((time.perf_counter(), message)))
    seconds = time.perf_counter() - start
    until_push = next((t - start for t, m in events if m == push_message), None) if push_message else None
    return seconds, report, until_push


def describe(report: SyncReport) -> str:
    return f"sent {report.sent}, accepted {report.accepted}, received {report.received}"


def check(report: SyncReport, expected: int) -> None:
    if report.refused or report.clashes_unresolved or report.accepted != expected:
        refused = "; ".join(f"{u} {c}: {m}" for u, c, m in report.refused[:5])
        raise SystemExit(f"sync did not go through: {describe(report)}, {len(report.refused)} refused "
                         f"({refused}), {len(report.clashes_unresolved)} clashes")


def rebased(changes: list[dict[str, Any]], revisions: dict[str, int]) -> list[dict[str, Any]]:
    """The pushed changes again, updates against the current revisions and inserts under new uuids."""
    out = []
    for change in changes:
        change = dict(change)
        if change["op"] == "insert":
            change["id"] = str(uuid.uuid4())
        else:
            change["base_revision"] = revisions[change["id"]]
        out.append(change)
    return out


def base_revisions(workcopy: WorkingCopy) -> dict[str, int]:
    return {row[0]: row[1] for row in workcopy.connection.execute(
        "SELECT uuid, revision FROM fa_base WHERE layer = ?", (LAYER,))}


# --- main ----------------------------------------------------------------------------------------------------


def print_table(rows: list[Timing], args: argparse.Namespace, header: str) -> None:
    head = f"{'operation':<52} {'seconds':>9} {'floor s':>9} {'ratio':>8}  notes"
    log("")
    log(header)
    log(head)
    log("-" * len(head))
    for r in rows:
        floor = f"{r.floor:9.3f}" if r.floor is not None else f"{'':9}"
        ratio = f"{r.ratio:7.1f}x" if r.ratio is not None else f"{'':8}"
        log(f"{r.operation:<52} {r.seconds:9.3f} {floor} {ratio}  {r.note}".rstrip())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--institutions", type=int, default=20_000, help="institutions in the atlas (default 20000)")
    parser.add_argument("--edits", type=int, default=1_000, help="local edits synchronised (default 1000)")
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # run_all.py passes every benchmark the same arguments
        log(f"ignoring arguments meant for other benchmarks: {' '.join(unknown)}")
    if args.edits < 1:
        parser.error("--edits must be at least 1")
    return args


def run(args: argparse.Namespace, workdir: Path) -> tuple[list[Timing], str]:
    rows: list[Timing] = []
    with fresh_database("sqlite", workdir) as url:
        engine = make_engine(url)
        settings = bench_settings(url)
        factory = make_session_factory(engine)
        try:
            log("migrate + load demo ...")
            seconds, _ = timed(lambda: build_demo(engine, factory, settings))
            rows.append(row("setup: migrate + load demo", seconds))
            log(f"scale up to {args.institutions} institutions ...")
            added, push_s, approve_s = scale_up(factory, settings, load_actor(factory, ADMIN), args.institutions)
            rows.append(row(f"setup: scale up by {added} (push + approve)", push_s + approve_s))
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            engine.dispose()

        log("start the server ...")
        seconds, server = timed(lambda: start_gunicorn(url, workdir))
        if server is None:
            log("falling back to tests.support.LiveServer")
            seconds, server = timed(lambda: start_live_server(url))
        rows.append(row("setup: start server", seconds, note=server.kind))
        try:
            rows += bench_plugin(server, args, workdir)
        finally:
            server.stop()
    return rows, server.kind


def bench_plugin(server: Server, args: argparse.Namespace, workdir: Path) -> list[Timing]:
    rows: list[Timing] = []
    log("warm-up: small pulls for both accounts, one untimed full GET as admin ...")
    warm_up(server.url)
    editor, admin = open_account(server.url, EDITOR, workdir), open_account(server.url, ADMIN, workdir)
    try:
        rows.append(bench_checkout(server, editor))
        rows.append(bench_checkout(server, admin))

        plan = plan_for(args.edits)
        account, candidates = editor, own_rows(editor.workcopy.path, MELLE)
        why = f"{EDITOR}: {len(candidates)} own Melle features"
        if len(candidates) < plan.needs_existing:
            log(f"Melle owns {len(candidates)} features, fewer than the {plan.needs_existing} the edits need: "
                f"editing as admin instead")
            why = f"admin (Melle owns only {len(candidates)}, {plan.needs_existing} needed)"
            account, candidates = admin, own_rows(admin.workcopy.path, None)
        fields = [name for name, _ in account.workcopy.fields(LAYER)]
        log(f"{plan.total} local edits with sqlite3 as {account.username} ...")
        seconds, made = write_edits(account.workcopy.path, fields, candidates, plan)
        rows.append(row(f"setup: write {made} edits with sqlite3", seconds,
                        note=f"{plan.updates} attribute updates, {plan.moves} moves, {plan.inserts} inserts; {why}"))

        log("sync ...")
        push_message = tr("progress.push", layer=LAYER, count=made)
        seconds, report, until_push = timed_sync(account, push_message)
        check(report, made)
        pushed = list(account.client.pushed)
        detect = f", {until_push:.2f} s of it until the push is sent" if until_push is not None else ""
        sync_row = row(f"sync {made} local edits as {account.username}", seconds, None,
                       f"{describe(report)}{detect}; floor: same {len(pushed)} changes as 1 push via requests")

        log("no-op sync ...")
        seconds, report, _ = timed_sync(account, None)
        if report.sent or report.received:
            raise SystemExit(f"the second sync was not a no-op: {describe(report)}")
        cursor = account.workcopy.cursor(LAYER)
        floor = floor_empty_pull(server.url, account.username, cursor, account.synchronizer.page_size)
        noop_row = row("sync with nothing to do", seconds, floor,
                       f"{describe(report)}; floor: 1 GET of the empty page after the cursor")

        log("floor: the same changes as one push with requests ...")
        sync_row.floor = floor_push(server.url, account.username,
                                    rebased(pushed, base_revisions(account.workcopy)),
                                    account.workcopy.schema_version(LAYER))
        rows += [sync_row, noop_row]
    finally:
        for acc in (editor, admin):
            acc.workcopy.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="familienatlas-bench-plugin-") as tmp:
        rows, kind = run(args, Path(tmp))
    print_table(rows, args, f"Familienatlas plugin-core benchmark: {args.institutions} institutions, {args.edits} "
                            f"edits, SQLite server ({kind}) on 127.0.0.1; each step run once")
    log(f"total run time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
