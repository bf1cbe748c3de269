"""The public read path over HTTP: OGC API pages, a bbox page, one feature, against Flask's own floor.

On the demo county scaled up to 20,000 published institutions (``bench_sync.py``'s functions, through
the real push and approve, so the public read model is filled as in production), served by gunicorn
with 2 workers on 127.0.0.1, on SQLite and PostgreSQL, this measures requests per second of

- ``/ogcapi/collections/institutions/items?limit=1000``,
- a bbox page of 100 (``bbox=`` of a box around Melle's centre holding a few hundred features, ``limit=100``),
- one feature (``/ogcapi/collections/institutions/items/<id>``),

against the floor of the same app under the same gunicorn: ``/api/v1/health``, a trivial route (Flask's own
cost on this machine). The load comes from ``wrk`` (Debian package ``wrk``) when it is installed, else from a
Python client with keep-alive connections in threads (which itself costs CPU on the same machine, so its
figures are lower). Runs are interleaved (every workload once per round), each figure is the median of the
rounds with its spread (min-max). Timings are printed, never asserted.

Run: ``.venv/bin/python bench/bench_ogcapi.py [--institutions 20000] [--rounds 3] [--seconds 5]
[--databases sqlite,postgresql]``.
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_plugin import start_gunicorn  # noqa: E402
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

from sync_server.storage.db import make_engine, make_session_factory, session_scope  # noqa: E402
from sync_server.storage.models import Feature  # noqa: E402

CONNECTIONS = 10
FLOOR = "floor: /api/v1/health (trivial route)"


@dataclass
class Workload:
    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    workload: str
    kind: str
    rates: list[float]
    latency_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.rates)


def workloads(url: str, fid: str) -> list[Workload]:
    # A box of about 6 x 6 km around Melle's centre (CRS84): a few hundred of 20,000 features.
    bbox = "8.30,52.17,8.39,52.23"
    return [
        Workload(FLOOR, "/api/v1/health"),
        Workload("OGC API items?limit=1000", "/ogcapi/collections/institutions/items?limit=1000"),
        Workload("OGC API bbox page of 100", f"/ogcapi/collections/institutions/items?bbox={bbox}&limit=100"),
        Workload("OGC API single item", f"/ogcapi/collections/institutions/items/{fid}"),
    ]


_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_P99 = re.compile(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)


def with_wrk(url: str, work: Workload, seconds: int) -> tuple[float, float]:
    """Requests per second and the 99th percentile latency (ms) by wrk."""
    headers = [arg for name, value in work.headers.items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s", "--latency", *headers,
                          url + work.path], capture_output=True, text=True, check=True).stdout
    rate = float(_RATE.search(out).group(1))
    if rate == 0 or "Non-2xx" in out or "Socket errors" in out:
        log(f"wrk on {work.path}:\n{out}")
    found = _P99.search(out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return rate, float(found.group(1)) * scale[found.group(2)] if found else float("nan")


def with_python(url: str, work: Workload, seconds: int) -> tuple[float, float]:
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
            conn.request("GET", work.path, headers=work.headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            done += 1
        conn.close()
        with lock:
            counts.append(done)
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99)] * 1000 if latencies else float("nan")
    return sum(counts) / elapsed, p99


def bench_database(kind: str, args: argparse.Namespace, measure) -> list[Result]:  # noqa: ANN001
    workdir = Path(tempfile.mkdtemp(prefix="bench-ogcapi-"))
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
                fid = session.scalar(select(Feature.id).where(Feature.layer == "institutions",
                                                              Feature.published_seq.is_not(None))
                                     .order_by(Feature.id).offset(args.institutions // 2).limit(1))
            engine.dispose()
            server = start_gunicorn(url, workdir)
            if server is None:
                raise RuntimeError("gunicorn did not start")
            try:
                plan = workloads(server.url, fid)
                results = {w.name: Result(w.name, kind, [], []) for w in plan}
                for w in plan:  # warm-up: caches, connections, the workers' imports
                    measure(server.url, w, 1)
                for round_no in range(args.rounds):
                    for w in plan:
                        rate, p99 = measure(server.url, w, args.seconds)
                        results[w.name].rates.append(rate)
                        results[w.name].latency_ms.append(p99)
                    log(f"[{kind}] round {round_no + 1}/{args.rounds} done")
                return list(results.values())
            finally:
                server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def print_table(results: list[Result], tool: str, args: argparse.Namespace) -> None:
    print()
    print(f"Public read path, {args.institutions} published institutions, gunicorn 2 workers, {tool}, "
          f"{CONNECTIONS} connections, {args.rounds} interleaved rounds of {args.seconds} s (median, spread):")
    print("| workload | database | req/s | spread | p99 ms | share of the Flask floor |")
    print("|---|---|---|---|---|---|")
    floors = {r.kind: r.median for r in results if r.workload == FLOOR}
    for r in results:
        floor = floors[r.kind]
        share = "" if r.workload == FLOOR or not r.median else (
            f"{r.median / floor:.2f}x ({floor / r.median:.1f}x slower)")
        print(f"| {r.workload} | {r.kind} | {r.median:,.1f} | {min(r.rates):,.1f}-{max(r.rates):,.1f} | "
              f"{statistics.median(r.latency_ms):.1f} | {share} |")


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
    results: list[Result] = []
    for kind in [k.strip() for k in args.databases.split(",") if k.strip()]:
        results.extend(bench_database(kind, args, measure))
    print_table(results, tool, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
