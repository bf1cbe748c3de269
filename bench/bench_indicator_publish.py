"""Benchmark of publishing indicator values: push as pending, approve the whole push, public read.

Per database (SQLite file, PostgreSQL/PostGIS), on a fresh database holding the Landkreis Osnabrück
demo, through the domain layer (the code the HTTP routes call, one session and one commit per
operation, as in a request):

- a catalogue of ``--indicators`` synthetic indicators (per group of five: a base population, a
  count on it, a rare-event count, the share of the count in the base, the rate of the rare event
  per 1,000 of the base; shares and rates carry their numerator and denominator), collected on the
  county, Gemeinde and Mitgliedsgemeinde levels and maintained by the county;
- values for every one of the demo's 34 municipalities (Einheitsgemeinden and members of
  Samtgemeinden), every indicator and ``--years`` years (34 x 150 x 20 = 102,000 by default),
  log-normal counts with rare events, so confidentiality has work to do;
- **push**: all of them in ONE push of the ``indicator_values`` layer as the county admin (the real
  push: every value checked against catalogue and units, the ownership rule, one revision each,
  pending); the push limit is raised for this (an upload is one change set);
- **approve**: ``review.approve`` of that whole push (publication);
- **public read**: everything the public may see, through ``domain/indicators/public.py`` (published
  values, aggregation to the Samtgemeinden and the county, confidentiality), for all indicators.

The floor, measured in the same run on the same database: the same revision and feature rows
written by a plain ``executemany`` over the raw DBAPI connection in one transaction (into shadow
copies of the tables), and one plain UPDATE of their state to 'published'.

Memory: the peak resident set of the process during each step (Linux resets the peak through
/proc/self/clear_refs; elsewhere the process's peak so far is shown).

    python bench/bench_indicator_publish.py [--indicators 150] [--years 20] [--databases sqlite,postgresql]

PostgreSQL: the admin URL comes from FAMILIENATLAS_TEST_POSTGRES_URL, else from the output of
``bash scripts/test-postgres.sh``; a database ``familienatlas_bench_*`` is created and dropped.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import random
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bench_sync import (
    SHADOW,
    analyze,
    build_demo,
    create_shadow_tables,
    drop_shadow_tables,
    load_actor,
    log,
    measured,
    on_each_database,
    parse_with_databases,
    raw_transaction,
)
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from sync_server.config import Settings
from sync_server.domain import review, sync
from sync_server.domain.context import AtlasContext
from sync_server.domain.contract import dump
from sync_server.domain.indicators import catalogue, public
from sync_server.domain.indicators.values import value_id
from sync_server.domain.layers import LAYERS
from sync_server.domain.rights import Actor
from sync_server.storage.db import make_engine, make_session_factory, session_scope
from sync_server.storage.models import Municipality

LAYER = "indicator_values"
PREFIX = "bench_"
FIRST_YEAR = 2005
SEED = 20260601
GOAL_SECONDS = 5.0  # publish of 100,000 values (issue 9)
GOAL_MB = 500.0


# --- measuring -------------------------------------------------------------------------------------------


@dataclass
class Step:
    operation: str
    database: str
    seconds: float
    peak_mb: float
    floor: float | None = None
    note: str = ""
    growth_mb: float = 0.0  # peak minus the resident size when the step began

    @property
    def ratio(self) -> float | None:
        return None if not self.floor else self.seconds / self.floor


# --- the data --------------------------------------------------------------------------------------------


def bench_catalogue(size: int) -> list[dict[str, Any]]:
    """``size`` indicators in groups of five: base, count, rare count, share, rate per 1,000."""
    docs: list[dict[str, Any]] = []
    common = {"theme": "bevoelkerung", "levels": ["landkreis", "gemeinde", "mitgliedsgemeinde"],
              "maintained_by": "county"}
    for g in range(math.ceil(size / 5)):
        base, part, rare = f"{PREFIX}{g:02d}_base", f"{PREFIX}{g:02d}_count", f"{PREFIX}{g:02d}_rare"
        group = [
            {"key": base, "kind": "count", "unit": "count"},
            {"key": part, "kind": "count", "unit": "count"},
            {"key": rare, "kind": "count", "unit": "count"},
            {"key": f"{PREFIX}{g:02d}_share", "kind": "share", "unit": "percent", "numerator": part,
             "denominator": base, "decimals": 1},
            {"key": f"{PREFIX}{g:02d}_rate", "kind": "rate", "unit": "per_1000", "numerator": rare,
             "denominator": base, "decimals": 1},
        ]
        for doc in group:
            doc.update(common, name_de=f"Bench {doc['key']}", name_en=f"Bench {doc['key']}")
        docs.extend(group)
    return docs[:size]


def municipality_units(factory: sessionmaker[Session]) -> list[str]:
    """The keys of the municipalities without members: Einheitsgemeinden and Mitgliedsgemeinden."""
    with session_scope(factory) as session:
        rows = list(session.execute(select(Municipality.id, Municipality.key, Municipality.parent_id)))
    parents = {parent for _id, _key, parent in rows if parent is not None}
    return sorted(key for mid, key, parent in rows if parent is not None and mid not in parents)


def bench_values(units: list[str], indicators: list[dict[str, Any]], years: int) -> list[dict[str, Any]]:
    """Push changes (inserts) for every unit, indicator and year; seeded, so every run is the same."""
    rng = random.Random(SEED)
    by_key = {d["key"]: d for d in indicators}
    changes: list[dict[str, Any]] = []
    for unit in units:
        size = rng.lognormvariate(8.0, 1.0)  # the unit's population scale
        for year in range(FIRST_YEAR, FIRST_YEAR + years):
            counts: dict[str, int] = {}
            for doc in indicators:
                key = doc["key"]
                if doc["kind"] == "count":
                    if key.endswith("_base"):
                        value = max(5, round(size * rng.uniform(0.02, 0.2)))
                    elif key.endswith("_rare"):
                        value = rng.choice((0, 0, 1, 1, 2, 3, 5, 8))
                    else:
                        base = counts.get(key.replace("_count", "_base"), 100)
                        value = round(base * rng.uniform(0.0, 0.6))
                    counts[key] = value
                    props: dict[str, Any] = {"value": value}
                else:
                    num, den = counts.get(doc["numerator"]), counts.get(doc["denominator"])
                    if num is None or den is None or den == 0:
                        continue
                    scale = 100.0 if doc["unit"] == "percent" else 1000.0
                    props = {"value": round(num / den * scale, by_key[key]["decimals"]), "numerator": num,
                             "denominator": den}
                changes.append({"op": "insert", "id": value_id(key, unit, year),
                                "properties": {"indicator": key, "unit": unit, "year": year, **props}})
    return changes


# --- the steps -------------------------------------------------------------------------------------------


def build_catalogue(factory: sessionmaker[Session], settings: Settings, admin: Actor,
                    docs: list[dict[str, Any]]) -> None:
    with session_scope(factory) as session:
        catalogue.import_catalogue(AtlasContext(session, settings, admin), {"indicators": docs})


def push(factory: sessionmaker[Session], settings: Settings, admin: Actor, changes: list[dict[str, Any]]) -> dict:
    with session_scope(factory) as session:
        return dump(sync.push(AtlasContext(session, settings, admin), LAYER, {
            "idempotency_key": str(uuid.uuid4()), "schema_version": LAYERS[LAYER].schema_version,
            "changes": changes}))


def approve(factory: sessionmaker[Session], settings: Settings, admin: Actor, push_id: str) -> dict:
    with session_scope(factory) as session:
        return dump(review.approve(AtlasContext(session, settings, admin), {"push_id": push_id}))


def public_read(factory: sessionmaker[Session]) -> tuple[int, int]:
    """Everything the public may read of all indicators: (cells answered, cells suppressed). The public
    answers are cached by the atlas's change number, so this is the first read after publishing."""
    with session_scope(factory) as session:
        entries, _units = public.public_entries(session, catalogue.load(session))
    return len(entries), sum(1 for e in entries if e.suppressed)


# --- the floor -------------------------------------------------------------------------------------------


def floor_publish(engine: Engine, changes: list[dict[str, Any]], answer: dict[str, Any], owners: dict[str, int],
                  author_id: int) -> tuple[float, float]:
    """The same revision and feature rows by one executemany each in one transaction, then one UPDATE of
    their state; (seconds to write, seconds to publish)."""
    pg = engine.dialect.name == "postgresql"
    mark = "%s" if pg else "?"
    now = datetime.now(UTC)
    push_id = str(uuid.uuid4())
    revisions, features = [], []
    for change, result in zip(changes, answer["results"], strict=True):
        seq, props = result["revision"], change["properties"]
        owner = owners[props["unit"]]
        stored = json.dumps({**props, "level": "gemeinde", "numerator": props.get("numerator"),
                             "denominator": props.get("denominator"), "provisional": False, "estimated": False,
                             "series_break": False})
        revisions.append((seq, LAYER, change["id"], None, "insert", owner, stored, None, author_id, now, push_id,
                          "pending"))
        features.append((LAYER, change["id"], owner, seq, None, seq, False))
    rev_sql = (f"INSERT INTO {SHADOW}revisions (seq, layer, feature_id, parent_seq, op, owner_id, properties, "
               f"geometry, author_id, created_at, push_id, state) VALUES ({', '.join([mark] * 12)})")
    feat_sql = (f"INSERT INTO {SHADOW}features (layer, id, owner_id, head_seq, published_seq, change_seq, deleted) "
                f"VALUES ({', '.join([mark] * 7)})")

    def write() -> None:
        with raw_transaction(engine) as cur:
            if pg:  # psycopg2's executemany is a round trip per row; its batch form is the plain way
                from psycopg2.extras import execute_values

                execute_values(cur, rev_sql.split(" VALUES ")[0] + " VALUES %s", revisions, page_size=1000)
                execute_values(cur, feat_sql.split(" VALUES ")[0] + " VALUES %s", features, page_size=1000)
            else:
                cur.executemany(rev_sql, revisions)
                cur.executemany(feat_sql, features)

    seqs = [r["revision"] for r in answer["results"]]
    first, last = min(seqs), max(seqs)

    def publish() -> None:
        with raw_transaction(engine) as cur:
            cur.execute(f"UPDATE {SHADOW}revisions SET state = 'published', reviewed_by_id = {mark}, "
                        f"reviewed_at = {mark} WHERE push_id = {mark}", (author_id, now, push_id))
            cur.execute(f"UPDATE {SHADOW}features SET published_seq = head_seq WHERE layer = '{LAYER}' "
                        f"AND head_seq BETWEEN {mark} AND {mark}", (first, last))

    start = time.perf_counter()
    write()
    middle = time.perf_counter()
    publish()
    return middle - start, time.perf_counter() - middle


# --- one database ----------------------------------------------------------------------------------------


def bench_database(kind: str, url: str, args: argparse.Namespace) -> list[Step]:
    engine = make_engine(url)
    settings = dataclasses.replace(Settings(database_url=url, mode="test", jwt_secret="x" * 40),
                                   max_changes_per_push=1_000_000).checked()
    factory = make_session_factory(engine)
    try:
        log(f"[{kind}] migrate + load demo ...")
        build_demo(engine, factory, settings)
        admin = load_actor(factory, "admin")
        docs = bench_catalogue(args.indicators)
        build_catalogue(factory, settings, admin, docs)
        units = municipality_units(factory)
        changes = bench_values(units, docs, args.years)
        with session_scope(factory) as session:
            owners = {key: mid for key, mid in session.execute(select(Municipality.key, Municipality.id))}
        analyze(engine)
        create_shadow_tables(engine)
        log(f"[{kind}] push {len(changes)} values ({len(units)} units x {len(docs)} indicators x {args.years} years)")
        push_s, (push_mb, push_up), answer = measured(lambda: push(factory, settings, admin, changes))
        analyze(engine)
        log(f"[{kind}] approve the push ...")
        approve_s, (approve_mb, approve_up), decided = measured(
            lambda: approve(factory, settings, admin, answer["push_id"]))
        log(f"[{kind}] public read ...")
        read_s, (read_mb, read_up), (answered, hidden) = measured(lambda: public_read(factory))
        floor_write, floor_update = floor_publish(engine, changes, answer, owners, admin.user_id)
        drop_shadow_tables(engine)
        n = len(decided["revisions"])
        return [
            Step(f"push {len(changes)} values (pending)", kind, push_s, push_mb, floor_write,
                 "floor: executemany (PostgreSQL: execute_values) in one transaction", push_up),
            Step(f"approve the push ({n} values)", kind, approve_s, approve_mb, floor_update,
                 "floor: one UPDATE of their state (and of their features)", approve_up),
            Step("public read (aggregation + confidentiality)", kind, read_s, read_mb, None,
                 f"{answered} cells, {hidden} suppressed", read_up),
            Step("publish = approve + public read", kind, approve_s + read_s, max(approve_mb, read_mb),
                 floor_update, f"goal < {GOAL_SECONDS:.0f} s, < {GOAL_MB:.0f} MB", max(approve_up, read_up)),
        ]
    finally:
        engine.dispose()


def print_table(steps: list[Step], args: argparse.Namespace) -> None:
    head = (f"{'operation':<46} {'database':<10} {'seconds':>8} {'floor s':>8} {'ratio':>7} {'peak MB':>8} "
            f"{'+MB':>6}  note")
    log("")
    log(f"Familienatlas indicator publish benchmark: {args.indicators} indicators x {args.years} years x the "
        "demo's municipalities (each step run once)")
    log(head)
    log("-" * len(head))
    for s in steps:
        floor = f"{s.floor:8.3f}" if s.floor is not None else f"{'':8}"
        ratio = f"{s.ratio:6.1f}x" if s.ratio is not None else f"{'':7}"
        log(f"{s.operation:<46} {s.database:<10} {s.seconds:8.3f} {floor} {ratio} {s.peak_mb:8.0f} "
            f"{s.growth_mb:6.0f}  {s.note}".rstrip())
    log("peak MB: the process's peak resident size during the step (it holds the 100,000 changes of the push "
        "as well); +MB: the growth over its size when the step began")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--indicators", type=int, default=150, help="indicators (default 150)")
    parser.add_argument("--years", type=int, default=20, help="years (default 20)")
    return parse_with_databases(parser, argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    print_table(on_each_database(args, lambda kind, url, _tmp: bench_database(kind, url, args)), args)
    log(f"total run time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
