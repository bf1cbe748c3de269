"""Benchmark of the indicator upload: 100,000 values from a spreadsheet, dry run and real, with every check.

Per database (SQLite file, PostgreSQL/PostGIS), on a fresh database holding the Landkreis Osnabrück demo
and a catalogue of ``--indicators`` count indicators, the county admin uploads ``--units`` units x
``--indicators`` indicators x ``--years`` years (34 x 150 x 20 = 102,000 values) in long layout, through
the domain layer the HTTP route calls (one session, one commit):

- from CSV (German export: semicolon, decimal comma, Windows-1252): a dry run, then the real upload
  (102,000 new values, one push);
- from XLSX with every value changed: a dry run, then the real upload (102,000 updates, one push).

Each is set against a floor measured in the same run on the same database: pandas reading the same
file (``read_csv`` with the German dialect; ``read_excel`` with the calamine engine the upload uses)
plus a plain ``executemany`` of the rows into a table of (indicator, unit, year, value) in one
transaction. The process's peak resident memory during every step is printed (it includes what
calamine allocates outside Python, and memory the allocator kept from the steps before), with its
growth over the resident size when the step began (after each step the freed memory is handed back
to the operating system, as the upload route does once its report is sent). Besides wall-clock seconds
the process's CPU seconds are shown (on SQLite all the work is in this process; on PostgreSQL the
server's share is not counted): on a machine shared with other work they are the steadier ratio.

    python bench/bench_indicator_upload.py [--units 34] [--indicators 150] [--years 20] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sync import (  # noqa: E402 - the sibling benchmark's database helpers
    bench_settings,
    build_demo,
    load_actor,
    log,
    measured,
    on_each_database,
    parse_with_databases,
    raw_transaction,
)

from sync_server.domain.answers import UploadReport  # noqa: E402
from sync_server.domain.commands import UploadOptions  # noqa: E402
from sync_server.domain.context import AtlasContext  # noqa: E402
from sync_server.domain.indicators import catalogue  # noqa: E402
from sync_server.domain.indicators.upload import upload  # noqa: E402
from sync_server.domain.rights import OPERATOR  # noqa: E402
from sync_server.memory import release_freed_memory  # noqa: E402
from sync_server.storage.db import make_engine, make_session_factory, session_scope  # noqa: E402

FIRST_YEAR = 2005


@dataclass
class Row:
    operation: str
    database: str
    seconds: float
    floor: float
    peak_mb: float
    cpu: float  # this process's CPU seconds: steadier than wall-clock on a loaded machine (SQLite runs in it)
    floor_cpu: float
    growth_mb: float  # the peak above the resident size when the step began (memory kept from earlier steps)


def build_catalogue(factory: Any, settings: Any, admin: Any, count: int) -> list[str]:
    with session_scope(factory) as session:
        ctx = AtlasContext(session, settings, admin)
        catalogue.save_theme(ctx, {"key": "bench", "name_de": "Benchmark", "name_en": "Benchmark",
                                   "position": 1, "color": "#336699"})
        keys = [f"bench_{i:03d}" for i in range(count)]
        for key in keys:
            catalogue.save_indicator(ctx, {
                "key": key, "name_de": f"Indikator {key}", "name_en": f"Indicator {key}", "theme": "bench",
                "unit": "count", "kind": "count", "levels": ["gemeinde", "mitgliedsgemeinde"],
                "maintained_by": "county"})
    return keys


def pick_units(factory: Any, settings: Any, count: int) -> list[str]:
    with session_scope(factory) as session:
        ctx = AtlasContext(session, settings, OPERATOR)
        keys = sorted(u.key for u in ctx.units.units.values() if u.level in ("gemeinde", "mitgliedsgemeinde"))
    if len(keys) < count:
        raise RuntimeError(f"only {len(keys)} municipal units")
    return keys[:count]


def cells(units: list[str], indicators: list[str], years: int, shift: int) -> list[tuple[str, str, int, float]]:
    return [(u, ind, FIRST_YEAR + y, float((i * 7 + y * 3 + n + shift) % 5000))
            for n, u in enumerate(units) for i, ind in enumerate(indicators) for y in range(years)]


def german(number: float) -> str:
    return f"{number:,.0f}".replace(",", ".")  # a German export: 1.234


def csv_file(rows: list[tuple[str, str, int, float]]) -> bytes:
    lines = ["Wohnbevölkerung nach Gemeinden (Benchmark)", "", "Schlüssel;Indikator;Jahr;Wert"]
    lines += [f"{u};{ind};{year};{german(value)}" for u, ind, year, value in rows]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def xlsx_file(rows: list[tuple[str, str, int, float]]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Werte")
    sheet.append(["Schlüssel", "Indikator", "Jahr", "Wert"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def floor(engine: Any, data: bytes, kind: str) -> tuple[float, float]:
    """pandas reading the file plus a plain executemany of its rows in one transaction: (seconds, CPU s)."""
    start, cpu = time.perf_counter(), time.process_time()
    if kind == "csv":
        frame = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", thousands=".", encoding="cp1252", skiprows=2,
                            dtype={"Schlüssel": str})
    else:
        frame = pd.read_excel(io.BytesIO(data), engine="calamine", dtype={"Schlüssel": str})
    rows = list(frame.itertuples(index=False, name=None))
    placeholder = "?" if engine.dialect.name == "sqlite" else "%s"
    with raw_transaction(engine) as cursor:
        cursor.execute("DELETE FROM bench_values")
        cursor.executemany(f"INSERT INTO bench_values (unit, indicator, year, value) VALUES "
                           f"({', '.join([placeholder] * 4)})", [(u, i, int(y), float(v)) for u, i, y, v in rows])
    return time.perf_counter() - start, time.process_time() - cpu


def run_upload(factory: Any, settings: Any, actor: Any, data: bytes, name: str,
               dry_run: bool) -> tuple[float, UploadReport]:
    """The upload as the route runs it: (CPU seconds of this process, the answer)."""
    cpu = time.process_time()
    with session_scope(factory) as session:  # commits at the end, as the route does for a real upload
        answer = upload(AtlasContext(session, settings, actor), data, name,
                        UploadOptions(dry_run=dry_run, idempotency_key=f"bench-{name}-{dry_run}"))
        if dry_run:
            session.rollback()
    return time.process_time() - cpu, answer


def bench_database(kind: str, url: str, args: argparse.Namespace) -> list[Row]:
    engine = make_engine(url)
    settings = bench_settings(url)
    factory = make_session_factory(engine)
    out: list[Row] = []
    try:
        log(f"[{kind}] demo atlas and {args.indicators} indicators ...")
        build_demo(engine, factory, settings)
        admin = load_actor(factory, "admin")
        indicators = build_catalogue(factory, settings, admin, args.indicators)
        units = pick_units(factory, settings, args.units)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE bench_values (unit VARCHAR(40), indicator VARCHAR(60), "
                                 "year INTEGER, value DOUBLE PRECISION)")
        for fmt, shift, what in (("csv", 0, "new"), ("xlsx", 1, "changed")):
            rows = cells(units, indicators, args.years, shift)
            data = csv_file(rows) if fmt == "csv" else xlsx_file(rows)
            count = len(rows)
            del rows  # the bench's own list (about 15 MB): a server worker holds only the file's bytes
            name = f"werte.{fmt}"
            base, base_cpu = floor(engine, data, fmt)
            log(f"[{kind}] {fmt}: {count} values, {len(data) / 1e6:.1f} MB; floor {base:.2f} s "
                f"({base_cpu:.2f} s CPU)")
            for dry_run in (True, False):
                seconds, (peak, growth), (cpu, answer) = measured(
                    lambda data=data, name=name, dry_run=dry_run: run_upload(factory, settings, admin, data, name,
                                                                             dry_run))
                counts = answer.counts
                del answer
                release_freed_memory()  # as the route does once the report is sent
                if counts[what] != count:
                    raise RuntimeError(f"expected {count} {what}, got {counts}")
                label = f"upload {fmt} {'dry run' if dry_run else 'real'} ({count} {what})"
                out.append(Row(label, kind, seconds, base, peak, cpu, base_cpu, growth))
                log(f"[{kind}] {label}: {seconds:.2f} s ({seconds / base:.1f}x floor), {cpu:.2f} s CPU "
                    f"({cpu / base_cpu:.1f}x), peak {peak:.0f} MB (+{growth:.0f} MB in the step)")
    finally:
        engine.dispose()
    return out


def print_table(rows: list[Row], args: argparse.Namespace) -> None:
    head = (f"{'operation':<44} {'database':<10} {'seconds':>8} {'floor s':>8} {'ratio':>7} {'CPU s':>7} "
            f"{'floor':>6} {'ratio':>7} {'peak MB':>8} {'growth':>7}")
    log("")
    log(f"Indicator upload benchmark: {args.units} units x {args.indicators} indicators x {args.years} years "
        "(floor = pandas reading the file + executemany of the rows in one transaction)")
    log(head)
    log("-" * len(head))
    for r in rows:
        log(f"{r.operation:<44} {r.database:<10} {r.seconds:8.2f} {r.floor:8.2f} {r.seconds / r.floor:6.1f}x "
            f"{r.cpu:7.2f} {r.floor_cpu:6.2f} {r.cpu / r.floor_cpu:6.1f}x {r.peak_mb:8.0f} {r.growth_mb:7.0f}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=34)
    parser.add_argument("--indicators", type=int, default=150)
    parser.add_argument("--years", type=int, default=20)
    return parse_with_databases(parser, argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    print_table(on_each_database(args, lambda kind, url, _tmp: bench_database(kind, url, args)), args)
    log(f"total run time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
