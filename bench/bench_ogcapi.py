"""The public read path over HTTP against pygeoapi and against Flask's own floor: the rows of issue 12's table.

On the demo county scaled up to 20,000 published institutions (``bench_sync.py``'s functions, through
the real push and approve, so the public read model is filled as in production), served by gunicorn
with 2 sync workers on 127.0.0.1, on SQLite and PostgreSQL, this measures requests per second of

- ``/ogcapi/collections/institutions/items?limit=1000``,
- a bbox page of 100 (``bbox=`` of a box around Melle's centre holding a few hundred features, ``limit=100``),
- the same bbox page with a new random box of the same size in every request (boxes never asked before:
  a worker of the atlas keeps finished public answers by their ETag, which serves repeated boxes only),
- one feature (``/ogcapi/collections/institutions/items/<id>``),
- the 95th percentile latency of the bbox page with 50 clients at once, repeated and random boxes,

against pygeoapi serving the same 20,000 points (the read model's public GeoJSON in CRS84, written into a
GeoPackage) with its SQLite/GeoPackage provider under the same gunicorn (2 sync workers, access log on
stdout like the atlas), and against the floor of the atlas's app under the same gunicorn: ``/api/v1/health``,
a trivial route (Flask's own cost on this machine). pygeoapi needs its extra (``pip install -e
".[pygeoapi]"``) and a Python whose sqlite3 loads SpatiaLite (Debian's python3 with
``libsqlite3-mod-spatialite``; ``bash scripts/system-deps.sh bench``); without them its column stays empty
and the script says why.

The load comes from ``wrk`` (Debian package ``wrk``) when it is installed, else from a Python client with
keep-alive connections in threads (which itself costs CPU on the same machine, so its figures are lower).
Runs are interleaved (every workload of both servers once per round), each figure is the median of the
rounds with its spread (min-max); ratios compare figures of the same run. Timings are printed, never asserted.

Run: ``.venv/bin/python bench/bench_ogcapi.py [--institutions 20000] [--rounds 3] [--seconds 5]
[--databases sqlite,postgresql]``.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pyogrio  # noqa: E402
import requests  # noqa: E402
from bench_plugin import SERVER_START_TIMEOUT, WORKERS, Server, free_port, start_gunicorn, stop_process  # noqa: E402
from bench_sync import (  # noqa: E402
    analyze,
    bench_settings,
    build_demo,
    fresh_database,
    load_actor,
    log,
    scale_up,
)
from sqlalchemy import select  # noqa: E402

from sync_server.domain import read_model, sequence  # noqa: E402
from sync_server.storage.db import Reader, make_engine, make_session_factory, session_scope  # noqa: E402
from sync_server.storage.models import Feature  # noqa: E402

CONNECTIONS = 10
MANY_CLIENTS = 50
LAYER = "institutions"
# A box of about 6 x 6 km around Melle's centre (CRS84): a few hundred of 20,000 features.
BBOX = "8.30,52.17,8.39,52.23"
# Boxes never asked before: of BBOX's size, placed at random within the demo's territory (CRS84) for every request,
# so no answer kept by a worker (the atlas keeps answers by their ETag) is ever asked for again.
FRESH_AREA = (7.90, 52.13, 8.41, 52.45)
FRESH_SIZE = (0.09, 0.06)
FRESH = "{bbox}"  # stands in the path for a fresh random box
ATLAS, PYGEOAPI = "Familienatlas", "pygeoapi"
SINGLE_ITEM = "OGC API single item"


@dataclass(frozen=True)
class Row:
    """One row of the table: a workload as each server spells it, and the goal of the issue."""

    name: str
    atlas: str
    pygeoapi: str | None  # None: the atlas alone (the floor)
    goal: str
    connections: int = CONNECTIONS
    latency: bool = False  # the figure is the 95th percentile latency (ms), not requests per second


def rows(fid: str) -> list[Row]:
    items = f"/ogcapi/collections/{LAYER}/items"
    theirs = f"/collections/{LAYER}/items"
    return [
        Row("floor: /api/v1/health (trivial route)", "/api/v1/health", None, ""),
        Row("OGC API items?limit=1000", f"{items}?limit=1000", f"{theirs}?f=json&limit=1000", ">= 2x pygeoapi"),
        Row("OGC API bbox page of 100", f"{items}?bbox={BBOX}&limit=100", f"{theirs}?f=json&bbox={BBOX}&limit=100",
            ">= 15x pygeoapi"),
        Row("OGC API bbox page of 100, a new random box each request", f"{items}?bbox={FRESH}&limit=100",
            f"{theirs}?f=json&bbox={FRESH}&limit=100", "(>= 15x pygeoapi)"),
        Row(SINGLE_ITEM, f"{items}/{fid}", f"{theirs}/{fid}?f=json", ">= 50x pygeoapi, <= 1.5x the floor"),
        Row(f"bbox page, {MANY_CLIENTS} clients, p95 ms", f"{items}?bbox={BBOX}&limit=100",
            f"{theirs}?f=json&bbox={BBOX}&limit=100", "< 50 ms", MANY_CLIENTS, latency=True),
        Row(f"bbox page, {MANY_CLIENTS} clients, a new random box each request, p95 ms",
            f"{items}?bbox={FRESH}&limit=100", f"{theirs}?f=json&bbox={FRESH}&limit=100", "(< 50 ms)", MANY_CLIENTS,
            latency=True),
    ]


@dataclass
class Figures:
    """The figures of one workload on one server in one database's run, one per round."""

    rates: list[float] = field(default_factory=list)
    p95_ms: list[float] = field(default_factory=list)

    def values(self, latency: bool) -> list[float]:
        return self.p95_ms if latency else self.rates

    def median(self, latency: bool) -> float:
        return statistics.median(self.values(latency))


# --- load ------------------------------------------------------------------------------------------

_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_P95 = re.compile(r"^p95_us\s+([\d.]+)\s*$", re.MULTILINE)
# wrk prints the 50/75/90/99th percentiles; the 95th comes from this script.
_WRK_SCRIPT = 'done = function(summary, latency, requests)\n  io.write(string.format("p95_us %d\\n", ' \
              'latency:percentile(95)))\nend\n'


def fresh_box() -> str:
    """A random box of FRESH_SIZE within FRESH_AREA, to five decimals (CRS84)."""
    west, south, east, north = FRESH_AREA
    dx, dy = FRESH_SIZE
    x, y = random.uniform(west, east - dx), random.uniform(south, north - dy)
    return f"{x:.5f},{y:.5f},{x + dx:.5f},{y + dy:.5f}"


def _fresh_boxes_script(path: str, script: Path) -> Path:
    """A wrk script that asks ``path`` with a new random box (FRESH) in each request, plus the p95 report."""
    (west, south, east, north), (dx, dy) = FRESH_AREA, FRESH_SIZE
    head, tail = path.split(FRESH)
    fresh = script.with_name("fresh.lua")
    fresh.write_text(
        f"local head, tail = {json.dumps(head)}, {json.dumps(tail)}\n"
        "local threads = 0\n"
        "setup = function(thread) threads = threads + 1; thread:set(\"seed\", threads) end\n"
        "init = function(args) math.randomseed(os.time() * 100 + seed) end\n"
        "request = function()\n"
        f"  local x = {west} + math.random() * {east - west - dx}\n"
        f"  local y = {south} + math.random() * {north - south - dy}\n"
        f'  local box = string.format("%.5f,%.5f,%.5f,%.5f", x, y, x + {dx}, y + {dy})\n'
        '  return wrk.format("GET", head .. box .. tail)\n'
        "end\n" + script.read_text())
    return fresh


def with_wrk(url: str, path: str, seconds: int, connections: int, script: Path) -> tuple[float, float]:
    """Requests per second and the 95th percentile latency (ms) by wrk."""
    if FRESH in path:
        script, path = _fresh_boxes_script(path, script), path.replace(FRESH, BBOX)
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", str(script),
                          url + path], capture_output=True, text=True, check=True).stdout
    rate = float(_RATE.search(out).group(1))
    if rate == 0 or "Non-2xx" in out or "Socket errors" in out:
        log(f"wrk on {path}:\n{out}")
    found = _P95.search(out)
    return rate, float(found.group(1)) / 1000 if found else float("nan")


def with_python(url: str, path: str, seconds: int, connections: int, _script: Path) -> tuple[float, float]:
    """The same with keep-alive connections in threads (when wrk is not installed)."""
    parts = urlsplit(url)
    stop = time.perf_counter() + seconds
    counts: list[int] = []
    latencies: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        done, mine = 0, []
        while time.perf_counter() < stop:
            start = time.perf_counter()
            conn.request("GET", path.replace(FRESH, fresh_box()))
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            done += 1
        conn.close()
        with lock:
            counts.append(done)
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)] * 1000 if latencies else float("nan")
    return sum(counts) / elapsed, p95


Measure = Callable[[str, str, int, int, Path], tuple[float, float]]


# --- pygeoapi ----------------------------------------------------------------------------------------


def pygeoapi_missing() -> str | None:
    """Why pygeoapi cannot be measured here, or None when it can."""
    if importlib.util.find_spec("pygeoapi") is None:
        return 'pygeoapi is not installed (pip install -e ".[pygeoapi]", what `make bench` does)'
    try:
        conn = sqlite3.connect(":memory:")
        conn.enable_load_extension(True)
        conn.load_extension("mod_spatialite")
        conn.close()
    except (AttributeError, sqlite3.OperationalError) as exc:
        return (f"this Python's sqlite3 cannot load SpatiaLite ({exc}); pygeoapi's GeoPackage provider needs it "
                "(Debian: python3 with libsqlite3-mod-spatialite, bash scripts/system-deps.sh bench)")
    return None


def write_geopackage(engine, path: Path) -> int:  # noqa: ANN001
    """The public institutions as the atlas serves them (the read model's CRS84 GeoJSON) in a GeoPackage."""
    geojson = path.with_suffix(".geojson")
    count = 0
    with engine.connect() as conn, open(geojson, "w", encoding="utf-8") as out:
        out.write('{"type":"FeatureCollection","features":[')
        for batch in read_model.stream(conn, LAYER):
            out.write(("," if count else "") + ",".join(batch))
            count += len(batch)
        out.write("]}")
    meta, _fids, geometry, field_data = pyogrio.raw.read(geojson)
    pyogrio.raw.write(path, geometry, field_data, meta["fields"], layer=LAYER, driver="GPKG", crs="OGC:CRS84",
                      geometry_type="Point", encoding="UTF-8")
    geojson.unlink()
    with sqlite3.connect(path) as conn:  # looked up by id, as the atlas's read model is: no scan per feature
        conn.execute(f"CREATE UNIQUE INDEX {LAYER}_id ON {LAYER} (id)")
    return count


def pygeoapi_config(gpkg: Path, port: int) -> str:
    url = f"http://127.0.0.1:{port}"
    return json.dumps({  # JSON is YAML
        "server": {"bind": {"host": "127.0.0.1", "port": port}, "url": url,
                   "mimetype": "application/json; charset=UTF-8", "encoding": "utf-8", "language": "de-DE",
                   "limits": {"default_items": 10, "max_items": 10000},
                   "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "OpenStreetMap"}},
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {"title": "Familienatlas benchmark", "description": "pygeoapi side of bench_ogcapi.py",
                               "keywords": ["benchmark"], "keywords_type": "theme", "terms_of_service": url,
                               "url": url},
            "license": {"name": "CC-BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
            "provider": {"name": "Familienatlas", "url": url},
            "contact": {"name": "Familienatlas"},
        },
        "resources": {LAYER: {
            "type": "collection", "title": "Einrichtungen", "description": "The atlas's public institutions",
            "keywords": ["institutions"],
            "extents": {"spatial": {"bbox": [7.6, 52.0, 8.5, 52.7],
                                    "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
            "providers": [{"type": "feature", "name": "SQLiteGPKG", "data": str(gpkg), "id_field": "id",
                           "table": LAYER}],
        }},
    })


def start_pygeoapi(gpkg: Path, workdir: Path, probe: str) -> Server | None:
    """pygeoapi under gunicorn with 2 sync workers, as the atlas runs (its access log on stdout too)."""
    port = free_port()
    config, openapi = workdir / "pygeoapi-config.yml", workdir / "pygeoapi-openapi.yml"
    config.write_text(pygeoapi_config(gpkg, port), encoding="utf-8")
    env = {**os.environ, "PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
    log_path = workdir / "pygeoapi.log"
    with open(log_path, "wb") as out:
        subprocess.run([sys.executable, "-c", "from pygeoapi import cli; cli()", "openapi", "generate", str(config),
                        "--output-file", str(openapi)], env=env, stdout=out, stderr=subprocess.STDOUT, check=True)
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--access-logfile", "-",
             "--timeout", "300", "pygeoapi.flask_app:APP"], env=env, stdout=out, stderr=subprocess.STDOUT)

    def stop() -> None:
        stop_process(process)

    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(url + probe, timeout=5).status_code == 200:
                return Server(url, "pygeoapi under gunicorn, 2 workers", stop)
        except requests.RequestException:
            pass
        time.sleep(0.3)
    stop()
    tail = log_path.read_text(errors="replace").splitlines()[-15:]
    log("pygeoapi did not come up:\n    " + "\n    ".join(tail))
    return None


# --- one database --------------------------------------------------------------------------------


@dataclass
class Run:
    """The figures of one database's run: (row name, server) -> figures; why pygeoapi is missing, if it is."""

    kind: str
    plan: list[Row]
    figures: dict[tuple[str, str], Figures]
    pygeoapi_missing: str | None
    version_read_us: float  # one read of the public version in this process (a round trip on PostgreSQL)


VERSION_READS = 2000


def version_read_us(engine) -> float:  # noqa: ANN001
    """Microseconds of one read of the public version, as a request's validator reads it (the same prepared
    statement, one pooled connection): on PostgreSQL a round trip to the server, which the floor's trivial
    route does not make; the median of five batches."""
    reader = Reader(engine)
    try:
        sequence.public_version(reader)  # connect and prepare
        batches = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(VERSION_READS // 5):
                sequence.public_version(reader)
            batches.append((time.perf_counter() - start) / (VERSION_READS // 5) * 1e6)
        return statistics.median(batches)
    finally:
        reader.close()


def bench_database(kind: str, args: argparse.Namespace, measure: Measure) -> Run:
    workdir = Path(tempfile.mkdtemp(prefix="bench-ogcapi-"))
    script = workdir / "p95.lua"
    script.write_text(_WRK_SCRIPT)
    missing = pygeoapi_missing()
    try:
        with fresh_database(kind, workdir) as url:
            engine = make_engine(url)
            factory = make_session_factory(engine)
            settings = bench_settings(url)
            log(f"[{kind}] building the demo and scaling up to {args.institutions} institutions ...")
            build_demo(engine, factory, settings)
            scale_up(factory, settings, load_actor(factory, "admin"), args.institutions)
            analyze(engine)
            with session_scope(factory) as session:
                fid = session.scalar(select(Feature.id).where(Feature.layer == LAYER,
                                                              Feature.published_seq.is_not(None))
                                     .order_by(Feature.id).offset(args.institutions // 2).limit(1))
            gpkg = workdir / "institutions.gpkg"
            if missing is None:
                log(f"[{kind}] {write_geopackage(engine, gpkg)} public institutions written into a GeoPackage")
            version_us = version_read_us(engine)
            log(f"[{kind}] one read of the public version: {version_us:.0f} µs")
            engine.dispose()
            plan = rows(fid)
            cheap = next(row for row in plan if row.name == SINGLE_ITEM).pygeoapi or ""  # pygeoapi's cheapest
            servers = {ATLAS: start_gunicorn(url, workdir)}
            if servers[ATLAS] is None:
                raise RuntimeError("gunicorn did not start")
            if missing is None:
                servers[PYGEOAPI] = start_pygeoapi(gpkg, workdir, cheap)
                if servers[PYGEOAPI] is None:
                    missing = f"pygeoapi did not start (its log: {workdir / 'pygeoapi.log'})"
            try:
                same_answers(servers, plan, kind)
                work = [(row, name, path) for row in plan
                        for name, path in ((ATLAS, row.atlas), (PYGEOAPI, row.pygeoapi))
                        if path is not None and servers.get(name) is not None]
                figures = {(row.name, name): Figures() for row, name, _path in work}
                for row, name, path in work:  # warm-up: caches, connections, the workers' imports
                    measure(servers[name].url, path, 1, row.connections, script)
                for round_no in range(args.rounds):
                    for row, name, path in work:
                        rate, p95 = measure(servers[name].url, path, args.seconds, row.connections, script)
                        figures[(row.name, name)].rates.append(rate)
                        figures[(row.name, name)].p95_ms.append(p95)
                        drain(servers[name].url + (plan[0].atlas if name == ATLAS else cheap))
                    log(f"[{kind}] round {round_no + 1}/{args.rounds} done")
                return Run(kind, plan, figures, missing, version_us)
            finally:
                for server in servers.values():
                    if server is not None:
                        server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def drain(cheap_url: str) -> None:
    """Wait until a server has answered what wrk left queued (50 clients leave a backlog that would take
    the CPU from the next measurement): two cheap requests, one per worker, queue behind it."""
    for _ in range(2):
        requests.get(cheap_url, timeout=300)


def same_answers(servers: dict[str, Server | None], plan: list[Row], kind: str) -> None:
    """Both servers answer the measured requests with the same features (logged, so a reader can check)."""
    for row in plan[1:]:
        if row.latency or FRESH in row.atlas:
            continue
        counts: list[str] = []
        matches: dict[str, set[str]] = {}
        for name, path in ((ATLAS, row.atlas), (PYGEOAPI, row.pygeoapi)):
            server = servers.get(name)
            if server is None or path is None:
                continue
            doc = requests.get(server.url + path, timeout=120).json()
            ids = [f["id"] for f in doc.get("features", [])] if "features" in doc else [doc.get("id")]
            counts.append(f"{name}: {len(ids)} features (matched {doc.get('numberMatched', '-')}), "
                          f"ids {ids[0]}..{ids[-1]}")
            if "bbox=" in path:  # the atlas orders a bbox page by its read model's key: compare all matches as sets
                whole = requests.get(server.url + path.replace("limit=100", "limit=10000"), timeout=120).json()
                matches[name] = {f["id"] for f in whole.get("features", [])}
        log(f"[{kind}] {row.name}: " + "; ".join(counts))
        if len(matches) == 2:
            same = matches[ATLAS] == matches[PYGEOAPI]
            log(f"[{kind}] {row.name}: all {len(matches[ATLAS])} matches, the same ids: {'yes' if same else 'NO'}")


# --- the table -----------------------------------------------------------------------------------


def _figure(figures: Figures | None, latency: bool) -> str:
    if figures is None:
        return "-"
    values = figures.values(latency)
    digits = ",.0f" if latency and figures.median(latency) >= 100 else ",.1f"
    return f"{figures.median(latency):{digits}} ({min(values):{digits}}-{max(values):{digits}})"


def print_table(runs: list[Run], tool: str, args: argparse.Namespace) -> None:
    print()
    print(f"Public read path, {args.institutions} published institutions, gunicorn 2 workers for both servers, {tool}, "
          f"{CONNECTIONS} connections ({MANY_CLIENTS} for the p95 row), {args.rounds} interleaved rounds of "
          f"{args.seconds} s; median (min-max); req/s unless marked ms:")
    print("| workload | database | pygeoapi | Familienatlas | ratio | goal |")
    print("|---|---|---|---|---|---|")
    for run in runs:
        floor = run.figures[(run.plan[0].name, ATLAS)].median(False)
        for row in run.plan:
            ours, theirs = run.figures.get((row.name, ATLAS)), run.figures.get((row.name, PYGEOAPI))
            ratio = ""
            if theirs is not None and ours is not None and not row.latency and theirs.median(False):
                ratio = f"{ours.median(False) / theirs.median(False):,.2f}x pygeoapi"
            if row.pygeoapi is not None and not row.latency and ours is not None and ours.median(False):
                ratio += f"{'; ' if ratio else ''}{floor / ours.median(False):.2f}x the floor's time"
            print(f"| {row.name} | {run.kind} | {_figure(theirs, row.latency) if row.pygeoapi else ''} | "
                  f"{_figure(ours, row.latency)} | {ratio} | {row.goal} |")
    for run in runs:
        floor = run.figures[(run.plan[0].name, ATLAS)].median(False)
        # A worker serves one request at a time, so the floor's time per request is workers / rate.
        share = run.version_read_us / (WORKERS * 1e6 / floor)
        print(f"{run.kind}: one read of the public version (every data request's validator) takes "
              f"{run.version_read_us:.0f} µs in the bench's process, {share:.2f}x the floor's time per request")
    for run in runs:
        if run.pygeoapi_missing:
            print(f"pygeoapi not measured ({run.kind}): {run.pygeoapi_missing}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--institutions", type=int, default=20000, help="published institutions (default 20000)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per measurement (default 5)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tool, measure = ("wrk", with_wrk) if shutil.which("wrk") else ("Python client (no wrk)", with_python)
    runs = [bench_database(kind, args, measure) for kind in [k.strip() for k in args.databases.split(",") if k.strip()]]
    print_table(runs, tool, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
