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

Beside the floor, each real upload is set against a second, structural reference, **stored rows**: the
database's work of storing what the design keeps for every value, i.e. the very revision rows (the
history: review, restore and audit read them) and feature rows (the head pointers) the upload's push
wrote, read back and pre-built as the driver takes them, written with plain ``executemany`` (on
PostgreSQL multi-row VALUES) in one transaction into copies of ``revisions`` and ``features`` with the
schema's keys and indexes, holding what the atlas held before the upload. The floor's ratio says how
far the upload is from reading a file into a plain table; this one how much of that gap is the rows
the atlas must keep, and how much is our code.

    python bench/bench_indicator_upload.py [--units 34] [--indicators 150] [--years 20] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sync import (  # noqa: E402 - the sibling benchmark's database helpers
    SHADOW,
    bench_settings,
    build_demo,
    clocked,
    create_shadow_tables,
    drop_shadow_tables,
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
from sync_server.domain.contract import json_text  # noqa: E402
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
    stored: float | None = None  # the structural reference (real uploads only): writing the same rows plainly
    stored_cpu: float | None = None


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


_REVISION_COLUMNS = ("seq", "layer", "feature_id", "parent_seq", "op", "owner_id", "properties", "geometry",
                     "author_id", "created_at", "push_id", "state")
_FEATURE_COLUMNS = ("layer", "id", "owner_id", "head_seq", "published_seq", "change_seq", "deleted")


@dataclass
class StoredRows:
    """The rows one push wrote, as the driver takes them (JSON as the text the atlas stores)."""

    revisions: list[tuple[Any, ...]]
    inserted: list[tuple[Any, ...]]  # the features the push created: every column
    updated: list[tuple[Any, ...]]  # the features it moved: owner_id, head_seq, change_seq, deleted, layer, id


@contextmanager
def own_engine(url: str) -> Iterator[Any]:
    """An engine of its own for the reference's work, disposed at the end: its connections' mapped pages of the
    SQLite file (the shadow copies) are let go, so they do not count in the resident size of the steps after."""
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def stored_rows(engine: Any, push_id: str) -> StoredRows:
    """Read back the revision and feature rows the push ``push_id`` wrote (outside the timing)."""
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    with raw_transaction(engine) as cursor:
        cursor.execute(f"SELECT {', '.join(_REVISION_COLUMNS)} FROM revisions WHERE push_id = {mark} ORDER BY seq",
                       (push_id,))
        revisions = [(*row[:6], row[6] if isinstance(row[6], str) else json_text(row[6]), *row[7:])
                     for row in cursor.fetchall()]
        cursor.execute(f"SELECT {', '.join('f.' + c for c in _FEATURE_COLUMNS)}, r.parent_seq FROM features f "
                       f"JOIN revisions r ON r.seq = f.head_seq WHERE r.push_id = {mark} ORDER BY r.seq", (push_id,))
        features = cursor.fetchall()
    return StoredRows(revisions, [row[:7] for row in features if row[7] is None],
                      [(row[2], row[3], row[5], row[6], row[0], row[1]) for row in features if row[7] is not None])


def store_rows(engine: Any, rows: StoredRows) -> tuple[float, float]:
    """The structural reference: ``rows`` written into the shadow copies of revisions and features (same
    columns, keys and indexes) by plain executemany in one transaction: (seconds, CPU s)."""
    revisions, features = ", ".join(_REVISION_COLUMNS), ", ".join(_FEATURE_COLUMNS)
    pg = engine.dialect.name == "postgresql"

    def run() -> None:
        with raw_transaction(engine) as cursor:
            if pg:
                from psycopg2.extras import execute_values

                execute_values(cursor, f"INSERT INTO {SHADOW}revisions ({revisions}) VALUES %s", rows.revisions,
                               page_size=1000)
                execute_values(cursor, f"INSERT INTO {SHADOW}features ({features}) VALUES %s", rows.inserted,
                               page_size=1000)
                execute_values(cursor, f"UPDATE {SHADOW}features AS f SET owner_id = v.owner_id, "
                               "head_seq = v.head_seq, change_seq = v.change_seq, deleted = v.deleted "
                               "FROM (VALUES %s) AS v (owner_id, head_seq, change_seq, deleted, layer, id) "
                               "WHERE f.layer = v.layer AND f.id = v.id", rows.updated, page_size=1000)
            else:
                cursor.executemany(f"INSERT INTO {SHADOW}revisions ({revisions}) VALUES "
                                   f"({', '.join('?' * len(_REVISION_COLUMNS))})", rows.revisions)
                cursor.executemany(f"INSERT INTO {SHADOW}features ({features}) VALUES "
                                   f"({', '.join('?' * len(_FEATURE_COLUMNS))})", rows.inserted)
                cursor.executemany(f"UPDATE {SHADOW}features SET owner_id = ?, head_seq = ?, change_seq = ?, "
                                   "deleted = ? WHERE layer = ? AND id = ?", rows.updated)

    seconds, cpu, _ = clocked(run)
    return seconds, cpu


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
            with own_engine(url) as other:  # the atlas's revisions and features before the upload, for the reference
                create_shadow_tables(other)
            for dry_run in (True, False):
                seconds, (peak, growth), (cpu, answer) = measured(
                    lambda data=data, name=name, dry_run=dry_run: run_upload(factory, settings, admin, data, name,
                                                                             dry_run))
                counts, push_id = answer.counts, answer.push_id
                del answer
                release_freed_memory()  # as the route does once the report is sent
                if counts[what] != count:
                    raise RuntimeError(f"expected {count} {what}, got {counts}")
                label = f"upload {fmt} {'dry run' if dry_run else 'real'} ({count} {what})"
                row = Row(label, kind, seconds, base, peak, cpu, base_cpu, growth)
                log(f"[{kind}] {label}: {seconds:.2f} s ({seconds / base:.1f}x floor), {cpu:.2f} s CPU "
                    f"({cpu / base_cpu:.1f}x), peak {peak:.0f} MB (+{growth:.0f} MB in the step)")
                if not dry_run:
                    with own_engine(url) as other:
                        written = stored_rows(other, push_id)
                        row.stored, row.stored_cpu = store_rows(other, written)
                    del written
                    release_freed_memory()
                    log(f"[{kind}]   stored rows (the same {count} revision and feature rows, plain executemany): "
                        f"{row.stored:.2f} s ({row.stored_cpu:.2f} s CPU); the upload {seconds / row.stored:.1f}x "
                        f"({cpu / row.stored_cpu:.1f}x CPU)")
                out.append(row)
            with own_engine(url) as other:
                drop_shadow_tables(other)
    finally:
        engine.dispose()
    return out


def print_table(rows: list[Row], args: argparse.Namespace) -> None:
    head = (f"{'operation':<44} {'database':<10} {'seconds':>8} {'floor s':>8} {'ratio':>7} {'CPU s':>7} "
            f"{'floor':>6} {'ratio':>7} {'peak MB':>8} {'growth':>7} {'stored s':>9} {'ratio':>7} {'CPU s':>6} "
            f"{'ratio':>7}")
    log("")
    log(f"Indicator upload benchmark: {args.units} units x {args.indicators} indicators x {args.years} years "
        "(floor = pandas reading the file + executemany of the rows in one transaction; stored = the real "
        "upload's revision and feature rows, pre-built, plain executemany into tables with the schema's "
        "indexes, one transaction: what the design stores for every value)")
    log(head)
    log("-" * len(head))
    for r in rows:
        stored = (f"{r.stored:9.2f} {r.seconds / r.stored:6.1f}x {r.stored_cpu:6.2f} {r.cpu / r.stored_cpu:6.1f}x"
                  if r.stored and r.stored_cpu else f"{'-':>9} {'-':>7} {'-':>6} {'-':>7}")
        log(f"{r.operation:<44} {r.database:<10} {r.seconds:8.2f} {r.floor:8.2f} {r.seconds / r.floor:6.1f}x "
            f"{r.cpu:7.2f} {r.floor_cpu:6.2f} {r.cpu / r.floor_cpu:6.1f}x {r.peak_mb:8.0f} {r.growth_mb:7.0f} "
            f"{stored}")


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
