"""Bad input of every kind gets a 4xx problem document and leaves the database exactly as it was.

Each case is its own test id and runs on SQLite and PostgreSQL/PostGIS. "Unchanged" is checked on a
digest of every row of every table, taken after the login (a login writes to the audit log).
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from shapely.geometry import mapping, shape
from sqlalchemy import inspect, text

from sync_server.domain.geometry import reproject
from sync_server.domain.layers import INSTITUTIONS, SPATIAL_UNITS
from tests.support import COUNTY, MELLE, insert, update_of

API = "/api/v1"
PROBLEM_FIELDS = {"type", "title", "status", "code", "detail"}


def db_digest(app) -> str:  # noqa: ANN001
    """Every row of every table, order-independent. PostgreSQL hashes each row's full text itself and
    sends one hash per table (the same rows compared, without shipping the whole demo to Python twice a
    test); SQLite's rows are hashed here."""
    engine = app.extensions["familienatlas"].engine
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            if conn.dialect.name == "postgresql":
                count, rows_hash = conn.execute(text(
                    f"SELECT count(*), md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))) FROM \"{table}\" AS t"
                )).one()
                digest.update(f"{table}:{count}:{rows_hash}".encode())
                continue
            rows = sorted(repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{table}"')))
            digest.update(f"{table}:{len(rows)}:".encode())
            for row in rows:
                digest.update(row.encode())
    return digest.hexdigest()


def assert_problem(response, status: int, code: str | None = None) -> dict[str, Any]:  # noqa: ANN001
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:2000])
    assert response.mimetype == "application/problem+json", response.mimetype
    doc = response.get_json()
    assert set(doc) >= PROBLEM_FIELDS, doc
    assert doc["status"] == status
    assert isinstance(doc["detail"], str) and doc["detail"]
    assert doc["type"].endswith("/" + doc["code"])
    if code is not None:
        assert doc["code"] == code, doc
    return doc


def fields_named(doc: dict) -> set[str]:
    """Field names the problem points at, at top level and in per-change results."""
    names = {e["field"] for e in doc.get("errors", [])}
    for result in doc.get("results", []):
        names |= {e["field"] for e in result.get("errors", [])}
    return names


def field_codes(doc: dict) -> set[str]:
    codes = {e["code"] for e in doc.get("errors", [])}
    for result in doc.get("results", []):
        codes |= {e["code"] for e in result.get("errors", [])}
    return codes


# --- the request builders -------------------------------------------------------------------------


@dataclass
class Ctx:
    api: Any
    melle_id: int
    melle: Any  # shapely territory of Melle (EPSG:25832)
    county_id: int
    county: Any

    @property
    def inside(self) -> tuple[float, float]:
        p = self.melle.representative_point()
        return p.x, p.y

    def square(self, size: float = 200.0, x: float | None = None, y: float | None = None) -> list:
        cx, cy = (x, y) if x is not None else self.inside
        h = size / 2
        return [[cx - h, cy - h], [cx + h, cy - h], [cx + h, cy + h], [cx - h, cy + h], [cx - h, cy - h]]

    def bowtie(self) -> list:
        x, y = self.inside
        return [[x - 100, y - 100], [x + 100, y + 100], [x + 100, y - 100], [x - 100, y + 100], [x - 100, y - 100]]


def push_body(changes: list, **extra: Any) -> dict:
    return {"idempotency_key": str(uuid.uuid4()), "schema_version": INSTITUTIONS.schema_version, "changes": changes,
            **extra}


def unit_body(changes: list) -> dict:
    return {**push_body(changes), "schema_version": SPATIAL_UNITS.schema_version}


def unit(geometry: dict, **props: Any) -> dict:
    return {"op": "insert", "id": str(uuid.uuid4()), "geometry": geometry,
            "properties": {"level": "ortsteil", "key": "MEL-TEST", "name": "Testortsteil", **props}}


def polygon(ring: list) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


def multipolygon(ring: list) -> dict:
    return {"type": "MultiPolygon", "coordinates": [[ring]]}


# A case: (method, path, keyword arguments of the test client) built from the context, the user,
# the expected status and code, and the field the answer must name (or None).
Build = Callable[[Ctx], tuple[str, str, dict[str, Any]]]


def j(method: str, path: str, body: Any) -> Build:
    return lambda ctx: (method, path.format(melle=ctx.melle_id), {"json": body(ctx) if callable(body) else body})


def raw(method: str, path: str, data: bytes | str, content_type: str = "application/json") -> Build:
    return lambda ctx: (method, path.format(melle=ctx.melle_id), {"data": data, "content_type": content_type})


def escaped(method: str, path: str, body: Any) -> Build:
    """``body`` sent as JSON with non-ASCII text as escapes, the way a lone surrogate travels (\\ud800)."""
    return lambda ctx: (method, path.format(melle=ctx.melle_id), {
        "data": json.dumps(body(ctx) if callable(body) else body), "content_type": "application/json"})


def get(path: str) -> Build:
    return lambda ctx: ("GET", path.format(melle=ctx.melle_id), {})


def upload_form(**fields: str) -> Build:
    """An indicator upload's multipart form: a small valid CSV file plus the given text fields."""
    return lambda ctx: ("POST", "/indicators/uploads", {"content_type": "multipart/form-data", "data": {
        "file": (io.BytesIO(b"Gemeinde;Jahr;Wert\nMelle;2023;5\n"), "werte.csv"), **fields}})


PUSH_I = "/sync/institutions/push"
PUSH_U = "/sync/spatial_units/push"
MELLE_URL = "/municipalities/{melle}"


def _own_update(ctx: Ctx, base_revision: int) -> dict:
    """An update of one of Melle's institutions, on ``base_revision``."""
    feature = next(f for f in ctx.api.pull_all("institutions", "melle.editor").values()
                   if f["properties"]["owner"] == MELLE)
    return {**update_of(feature, name="Neu"), "base_revision": base_revision}


def _institution(ctx: Ctx, **props: Any) -> dict:
    x, y = ctx.inside
    return insert(None, x, y, **props)


CASES: dict[str, tuple[Build, str, int, str | None, str | None]] = {
    # malformed JSON
    "malformed json config": (raw("POST", "/categories", '{"key": "x", "name": '), "admin", 400, "malformed_json",
                              None),
    "malformed json push": (raw("POST", PUSH_I, '{"changes": [}'), "melle.editor", 400, "malformed_json", None),
    "malformed json login": (raw("POST", "/auth/login", "{username: admin}"), None, 400, "malformed_json", None),
    "empty json body": (raw("PATCH", MELLE_URL, ""), "admin", 400, "malformed_json", None),
    "json not utf-8": (raw("POST", "/categories", b'{"key": "x", "name": "\xff\xfe"}'), "admin", 400,
                       "malformed_json", None),
    "json nested too deep": (raw("POST", PUSH_I, "[" * 100_000 + "]" * 100_000), "melle.editor", 400,
                             "malformed_json", None),
    "json NaN coordinate": (raw("POST", PUSH_I, json.dumps(push_body([
        {"op": "insert", "id": str(uuid.uuid4()), "properties": {"category": "beratung", "name": "X"},
         "geometry": {"type": "Point", "coordinates": [float("nan"), 5786000.0]}}]))), "melle.editor", 422,
        "push_invalid", "geometry"),
    # wrong content type
    "form instead of json": (raw("POST", "/categories", "key=x&name=y", "application/x-www-form-urlencoded"),
                             "admin", 400, "json_required", None),
    "text/plain push": (lambda ctx: ("POST", PUSH_I, {"data": json.dumps(push_body([_institution(ctx)])),
                                                      "content_type": "text/plain"}), "melle.editor", 400,
                        "json_required", None),
    "no content type": (raw("POST", "/auth/login", '{"username": "admin", "password": "demo-admin"}', ""), None,
                        400, "json_required", None),
    # a JSON array (or scalar) instead of an object
    "array config": (j("POST", "/categories", [{"key": "x", "name": "y"}]), "admin", 422, "invalid_body", "body"),
    "array patch": (j("PATCH", MELLE_URL, []), "admin", 422, "invalid_body", "body"),
    "array push": (lambda ctx: ("POST", PUSH_I, {"json": [push_body([_institution(ctx)])]}), "melle.editor", 422,
                   "invalid_body", "body"),
    "string user": (j("POST", "/admin/users", "neu.editor"), "admin", 422, "invalid_body", "body"),
    "array login": (j("POST", "/auth/login", ["admin", "demo-admin"]), None, 422, "invalid_body", None),
    "change not an object": (j("POST", PUSH_I, push_body(["insert"])), "melle.editor", 422, "push_invalid",
                             "change"),
    # unknown fields
    "unknown field config": (j("POST", "/categories", {"key": "mobil", "name": "Mobil", "colour": "#000000"}),
                             "admin", 422, "invalid_body", "colour"),
    "unknown field patch": (j("PATCH", MELLE_URL, {"population": 54000}), "admin", 422, "invalid_body",
                            "population"),
    "unknown field user": (j("POST", "/admin/users", {"username": "neu", "password": "lang-genug-123",
                                                      "role": "reader", "municipality_id": 1, "is_admin": True}),
                           "admin", 422, "invalid_body", "is_admin"),
    "unknown field push": (lambda ctx: ("POST", PUSH_I, {"json": push_body([_institution(ctx)], force=True)}),
                           "melle.editor", 422, "invalid_body", "force"),
    "unknown field change": (lambda ctx: ("POST", PUSH_I, {"json": push_body([{**_institution(ctx),
                                                                              "owner_id": 3}])}),
                             "melle.editor", 422, "push_invalid", "owner_id"),
    "unknown property": (lambda ctx: ("POST", PUSH_I, {"json": push_body([_institution(ctx, rating=5)])}),
                         "melle.editor", 422, "push_invalid", "rating"),
    # wrong types
    "rank as string": (j("POST", "/spatial-levels", {"key": "sb", "name": "Stadtbezirk", "rank": "5"}), "admin",
                       422, "invalid_body", "rank"),
    "parent_id as bool": (j("POST", "/categories", {"key": "mobil", "name": "Mobil", "parent_id": True}), "admin",
                          422, "invalid_body", "parent_id"),
    "active as string": (j("PATCH", "/admin/users/2", {"active": "no"}), "admin", 422, "invalid_body", "active"),
    "territory as WKT": (j("PATCH", MELLE_URL, {"territory": "MULTIPOLYGON(((0 0,1 0,1 1,0 0)))"}), "admin", 422,
                         "invalid_body", "territory"),
    "territory is a point": (lambda ctx: ("PATCH", MELLE_URL.format(melle=ctx.melle_id), {"json": {
        "territory": {"type": "Point", "coordinates": list(ctx.inside)}}}), "admin", 422, "invalid_geometry",
        "territory"),
    "schema_version as string": (lambda ctx: ("POST", PUSH_I, {"json": {**push_body([_institution(ctx)]),
                                                                        "schema_version": "1"}}),
                                 "melle.editor", 422, "invalid_body", "schema_version"),
    "changes as object": (j("POST", PUSH_I, {"idempotency_key": "k1", "schema_version": 1, "changes": {}}),
                          "melle.editor", 422, "invalid_body", "changes"),
    "age as text": (lambda ctx: ("POST", PUSH_I, {"json": push_body([_institution(ctx, age_min="drei")])}),
                    "melle.editor", 422, "push_invalid", "age_min"),
    "name as number": (lambda ctx: ("POST", PUSH_I, {"json": push_body([_institution(ctx, name=42)])}),
                       "melle.editor", 422, "push_invalid", "name"),
    "coordinates as strings": (lambda ctx: ("POST", PUSH_I, {"json": push_body([{
        **_institution(ctx), "geometry": {"type": "Point", "coordinates": ["452000", "5786000"]}}])}),
        "melle.editor", 422, "push_invalid", "geometry"),
    "ring position not a pair": (lambda ctx: ("POST", PUSH_U, {"json": unit_body([unit(
        polygon([*ctx.square()[:-1], 7]))])}), "admin", 422, "push_invalid", "geometry"),
    "op unknown": (lambda ctx: ("POST", PUSH_I, {"json": push_body([{**_institution(ctx), "op": "upsert"}])}),
                   "melle.editor", 422, "push_invalid", "op"),
    "id not a uuid": (lambda ctx: ("POST", PUSH_I, {"json": push_body([{**_institution(ctx), "id": "42"}])}),
                      "melle.editor", 422, "push_invalid", "id"),
    # missing required fields
    "missing name config": (j("POST", "/categories", {"key": "mobil"}), "admin", 422, "invalid_body", "name"),
    "missing role user": (j("POST", "/admin/users", {"username": "neu", "password": "lang-genug-123",
                                                     "municipality_id": 1}), "admin", 422, "invalid_body", "role"),
    "missing idempotency key": (lambda ctx: ("POST", PUSH_I, {"json": {"schema_version": 1,
                                                                       "changes": [_institution(ctx)]}}),
                                "melle.editor", 422, "invalid_body", "idempotency_key"),
    "missing geometry": (lambda ctx: ("POST", PUSH_I, {"json": push_body([{
        k: v for k, v in _institution(ctx).items() if k != "geometry"}])}), "melle.editor", 422, "push_invalid",
        "geometry"),
    "missing required property": (lambda ctx: ("POST", PUSH_I, {"json": push_body([{
        **_institution(ctx), "properties": {"category": "beratung"}}])}), "melle.editor", 422, "push_invalid",
        "name"),
    "update without base revision": (lambda ctx: ("POST", PUSH_I, {"json": push_body([{
        **_institution(ctx), "op": "update"}])}), "melle.editor", 422, "push_invalid", "base_revision"),
    "empty changes": (j("POST", PUSH_I, push_body([])), "melle.editor", 422, "invalid_body", "changes"),
    # geometry: rings that are not closed, self-intersections
    "territory ring not closed": (lambda ctx: ("PATCH", MELLE_URL.format(melle=ctx.melle_id), {"json": {
        "territory": multipolygon(ctx.square(5000)[:-1] + [ctx.square(5000)[1]])}}), "admin", 422,
        "invalid_geometry", "territory"),
    "unit ring not closed": (lambda ctx: ("POST", PUSH_U, {"json": unit_body([unit(
        polygon(ctx.square()[:-1] + [ctx.square()[1]]))])}), "admin", 422, "push_invalid", "geometry"),
    "unit ring too short": (lambda ctx: ("POST", PUSH_U, {"json": unit_body([unit(
        polygon([ctx.square()[0], ctx.square()[1], ctx.square()[0]]))])}), "melle.editor", 422, "push_invalid",
        "geometry"),
    "territory bowtie": (lambda ctx: ("PATCH", MELLE_URL.format(melle=ctx.melle_id), {"json": {
        "territory": multipolygon(ctx.bowtie())}}), "admin", 422, "invalid_geometry", "territory"),
    "unit bowtie": (lambda ctx: ("POST", PUSH_U, {"json": unit_body([unit(polygon(ctx.bowtie()))])}),
                    "melle.editor", 422, "push_invalid", "geometry"),
    # coordinates outside the county, unknown CRS, lon/lat sent as UTM
    "point outside county": (j("POST", PUSH_I, lambda ctx: push_body([insert(None, 300_000.0, 5_500_000.0)])),
                             "admin", 422, "push_invalid", "geometry"),
    "unit outside county": (lambda ctx: ("POST", PUSH_U, {"json": unit_body([unit(
        polygon(ctx.square(200, 700_000.0, 5_300_000.0)))])}), "admin", 422, "push_invalid", "geometry"),
    "territory outside county": (lambda ctx: ("PATCH", MELLE_URL.format(melle=ctx.melle_id), {"json": {
        "territory": multipolygon(ctx.square(5000, 700_000.0, 5_300_000.0))}}), "admin", 422,
        "invalid_geometry", "territory"),
    "unknown crs push": (lambda ctx: ("POST", PUSH_I, {"json": push_body([_institution(ctx)], crs="EPSG:31467")}),
                         "melle.editor", 422, "invalid_crs", "crs"),
    "unknown crs territory": (lambda ctx: ("PATCH", MELLE_URL.format(melle=ctx.melle_id), {"json": {
        "territory": multipolygon(ctx.square(5000)), "crs": "EPSG:31467"}}), "admin", 422, "invalid_crs", "crs"),
    "crs as number": (lambda ctx: ("POST", PUSH_I, {"json": push_body([_institution(ctx)], crs=4326)}),
                      "melle.editor", 422, "invalid_crs", "crs"),
    "lon/lat as utm point": (lambda ctx: ("POST", PUSH_I, {"json": push_body([insert(None, *reproject(
        shape({"type": "Point", "coordinates": ctx.inside}), "EPSG:25832", "EPSG:4326").coords[0])])}),
        "melle.editor", 422, "push_invalid", "geometry"),
    "lon/lat as utm county territory": (lambda ctx: ("PATCH", f"/municipalities/{ctx.county_id}", {"json": {
        "territory": mapping(reproject(ctx.county, "EPSG:25832", "EPSG:4326"))}}), "admin", 422,
        "invalid_geometry", "territory"),
    "lon/lat as utm territory": (lambda ctx: ("PATCH", MELLE_URL.format(melle=ctx.melle_id), {"json": {
        "territory": mapping(reproject(ctx.melle, "EPSG:25832", "EPSG:4326"))}}), "admin", 422,
        "invalid_geometry", "territory"),
    # query arguments
    "since not a number": (get("/sync/institutions/pull?since=abc"), "melle.reader", 422, "invalid_query", "since"),
    "limit not a number": (get("/sync/institutions/pull?limit=viele"), "melle.reader", 422, "invalid_query",
                           "limit"),
    "limit zero": (get("/sync/institutions/pull?limit=0"), "melle.reader", 422, "invalid_query", "limit"),
    "limit too big": (get("/sync/institutions/pull?limit=5001"), "melle.reader", 422, "invalid_query", "limit"),
    "since negative": (get("/sync/institutions/pull?since=-1"), "melle.reader", 422, "invalid_query", "since"),
    "since beyond 64 bit": (get("/sync/institutions/pull?since=" + "9" * 30), "melle.reader", 422,
                            "invalid_query", "since"),
    "audit date": (get("/admin/audit?since=gestern"), "admin", 422, "invalid_query", "since"),
    # unknown layers and routes
    "unknown layer pull": (get("/sync/kitas/pull"), "melle.reader", 404, "layer_not_found", None),
    "unknown layer push": (lambda ctx: ("POST", "/sync/kitas/push", {"json": push_body([_institution(ctx)])}),
                           "melle.editor", 404, "layer_not_found", None),
    "unknown layer public": (get("/public/kitas"), None, 404, "layer_not_found", None),
    "unknown layer schema": (get("/layers/kitas"), None, 404, "layer_not_found", None),
    "unknown route": (get("/nothing/here"), None, 404, "not_found", None),
    "unknown route with login": (get("/nothing/here"), "admin", 404, "not_found", None),
    "wrong method": (j("PUT", "/categories", {"key": "x"}), "admin", 405, "method_not_allowed", None),
    "unknown municipality": (j("PATCH", "/municipalities/99999", {"name": "X"}), "admin", 404,
                             "municipality_not_found", None),
    "municipality id beyond 64 bit": (j("PATCH", "/municipalities/" + "9" * 30, {"name": "X"}), "admin", 404,
                                      None, None),
    "rank beyond 32 bit": (j("POST", "/spatial-levels", {"key": "sb", "name": "Stadtbezirk", "rank": 2 ** 40}),
                           "admin", 422, "invalid_body", "rank"),
    "user id beyond 32 bit": (j("PATCH", "/admin/users/" + str(2 ** 40), {"active": False}), "admin", 404,
                              "user_not_found", None),
    "municipality id in body beyond 32 bit": (j("POST", "/admin/users", {
        "username": "neu", "password": "lang-genug-123", "role": "reader", "municipality_id": 2 ** 40}),
        "admin", 422, "invalid_body", "municipality_id"),
    "user id beyond 64 bit": (j("PATCH", "/admin/users/" + "9" * 30, {"active": False}), "admin", 404, None, None),
    "parent id beyond 64 bit": (j("POST", "/categories", {"key": "mobil", "name": "Mobil", "parent_id": 10 ** 30}),
                                "admin", 422, "invalid_body", "parent_id"),
    "municipality id in body beyond 64 bit": (j("POST", "/admin/users", {
        "username": "neu", "password": "lang-genug-123", "role": "reader", "municipality_id": 10 ** 30}),
        "admin", 422, "invalid_body", "municipality_id"),
    "base revision beyond 64 bit": (lambda ctx: ("POST", PUSH_I, {"json": push_body([{
        **_institution(ctx), "op": "delete", "id": "00000000-0000-4000-8000-000000000001",
        "base_revision": 10 ** 30}])}), "melle.editor", 422, "push_invalid", "base_revision"),
    # a base revision outside the range the OpenAPI document declares is an invalid change, not a conflict
    "base revision negative": (lambda ctx: ("POST", PUSH_I, {"json": push_body([_own_update(ctx, -1)])}),
                               "melle.editor", 422, "push_invalid", "base_revision"),
    "base revision 2**80": (lambda ctx: ("POST", PUSH_I, {"json": push_body([_own_update(ctx, 2 ** 80)])}),
                            "melle.editor", 422, "push_invalid", "base_revision"),
    "municipality id zero": (j("PATCH", "/admin/users/2", {"municipality_id": 0}), "admin", 422, "invalid_body",
                             "municipality_id"),
    # text the databases cannot store
    "NUL in category name": (j("POST", "/categories", {"key": "mobil", "name": "Mo\u0000bil"}), "admin", 422,
                             "invalid_body", "name"),
    "NUL in login name": (j("POST", "/auth/login", {"username": "ad\u0000min", "password": "demo-admin"}), None,
                          422, "invalid_body", "username"),
    "NUL in a property": (lambda ctx: ("POST", PUSH_I, {"json": push_body([_institution(ctx, name="A\u0000B")])}),
                          "melle.editor", 422, "invalid_body", None),
    "NUL in a query": (get("/admin/audit?action=lo%00gin"), "admin", 422, "invalid_query", "action"),
    "NUL in a path value": (get("/indicators/bev%00u6"), None, 422, "invalid_query", "key"),
    "NUL in an upload field": (upload_form(indicator="bev\u0000u6", dry_run="false"), "melle.editor", 422,
                               "invalid_body", "indicator"),
    # a parameter given twice is refused, never read as its first value
    "repeated query parameter": (get("/sync/institutions/pull?limit=5&limit=10"), "melle.reader", 400,
                                 "invalid_query", "limit"),
    "repeated public parameter": (get("/public/institutions?municipality=a&municipality=b"), None, 400,
                                  "invalid_query", "municipality"),
    # lone UTF-16 surrogates: no characters, cannot be encoded as UTF-8 (SQLite would store them and
    # every later answer holding them would fail; PostgreSQL refuses them on insert)
    "surrogate in login name": (escaped("POST", "/auth/login", {"username": "ad\ud800min", "password": "x"}),
                                None, 422, "invalid_body", "username"),
    "surrogate in login password": (escaped("POST", "/auth/login", {"username": "admin", "password": "\udfff"}),
                                    None, 422, "invalid_body", "password"),
    "surrogate in a property": (escaped("POST", PUSH_I, lambda ctx: push_body([_institution(ctx, name="x\ud800y")])),
                                "melle.editor", 422, "invalid_body", "changes[0].properties.name"),
    "surrogate in a property name": (escaped("POST", PUSH_I, lambda ctx: push_body([
        _institution(ctx, **{"n\udc00me": "x"})])), "melle.editor", 422, "invalid_body",
        "changes[0].properties.n\ufffdme"),
    "surrogate in idempotency key": (escaped("POST", PUSH_I, lambda ctx: {
        **push_body([_institution(ctx)]), "idempotency_key": "k\ud800"}), "melle.editor", 422, "invalid_body",
        "idempotency_key"),
    "surrogate in reject reason": (escaped("POST", "/review/reject", {"revisions": [1], "reason": "nein\ud83d"}),
                                   "admin", 422, "invalid_body", "reason"),
    "surrogate in a user name": (escaped("PATCH", "/admin/users/2", {"display_name": "\ud800"}), "admin", 422,
                                 "invalid_body", "display_name"),
    "surrogate in a territory name": (escaped("PATCH", MELLE_URL, {"name": "Melle\udbff"}), "admin", 422,
                                      "invalid_body", "name"),
    "surrogate as the whole body": (escaped("POST", "/categories", "\ud800"), "admin", 422, "invalid_body",
                                    "body"),
    # text longer than its column: SQLite would keep it, PostgreSQL refuses it on insert
    "login name longer than any account": (j("POST", "/auth/login", {"username": "a" * 81, "password": "x"}), None,
                                           401, "wrong_credentials", None),
    "user name too long": (j("POST", "/admin/users", {"username": "u" * 81, "password": "lang-genug-123",
                                                      "role": "reader", "municipality_id": 1}),
                           "admin", 422, "invalid_body", "username"),
    "display name too long": (j("PATCH", "/admin/users/2", {"display_name": "D" * 201}), "admin", 422,
                              "invalid_body", "display_name"),
    "municipality key too long": (j("PATCH", MELLE_URL, {"key": "0345900240241"}), "admin", 422, "invalid_body",
                                  "key"),
    "category key too long": (j("POST", "/categories", {"key": "k" * 61, "name": "Mobil"}), "admin", 422,
                              "invalid_body", "key"),
    "level name too long": (j("POST", "/spatial-levels", {"key": "sb", "name": "N" * 201, "rank": 5}), "admin",
                            422, "invalid_body", "name"),
    # an admin account belongs to the county
    "admin of a municipality": (j("POST", "/admin/users", lambda ctx: {
        "username": "melle.admin", "password": "lang-genug-123", "role": "admin", "municipality_id": ctx.melle_id}),
        "admin", 422, "invalid_body", "role"),
    "admin moved to a municipality": (j("PATCH", "/admin/users/1", lambda ctx: {"municipality_id": ctx.melle_id}),
                                      "admin", 422, "invalid_body", "municipality_id"),
    # numbers and dates at the ends of what can be stored or converted
    "review revision beyond 64 bit": (j("POST", "/review/approve", {"revisions": [10 ** 30]}), "admin", 422,
                                      "invalid_body", "revisions"),
    "review date at the end of the calendar": (get("/review/pending?since=0001-01-01T00:00%2B14:00"), "admin",
                                               422, "invalid_query", "since"),
    "restore revision beyond 64 bit": (j("POST", "/layers/institutions/features/"
                                         "00000000-0000-4000-8000-000000000001/restore", {"revision": 10 ** 30}),
                                       "admin", 422, "invalid_body", "revision"),
    "restore revision as string": (j("POST", "/layers/institutions/features/"
                                     "00000000-0000-4000-8000-000000000001/restore", {"revision": "7"}),
                                   "admin", 422, "invalid_body", "revision"),
    "withdraw without reason": (j("POST", "/review/withdraw", {"layer": "institutions",
                                                               "id": "00000000-0000-4000-8000-000000000001"}),
                                "admin", 422, "invalid_body", "reason"),
}


def _cases() -> list:
    return [pytest.param(*case, id=name) for name, case in CASES.items()]


@pytest.mark.parametrize(("build", "user", "status", "code", "field"), _cases())
def test_bad_input_is_a_4xx_problem_and_changes_nothing(api, app, build: Build, user: str | None,  # noqa: ANN001
                                                        status: int, code: str | None, field: str | None) -> None:
    melle, county = api.municipality(MELLE), api.municipality(COUNTY)
    ctx = Ctx(api, melle["id"], shape(melle["territory"]), county["id"], shape(county["territory"]))
    headers = api.headers(user)  # log in before the digest: a login writes to the audit log
    public_before = api.public("institutions")
    before = db_digest(app)
    method, path, kwargs = build(ctx)
    response = api.client.open(API + path, method=method, headers=headers, **kwargs)
    doc = assert_problem(response, status, code)
    if field is not None:
        assert field in fields_named(doc), doc
    assert db_digest(app) == before, "a refused request changed the database"
    assert api.public("institutions") == public_before


@pytest.mark.parametrize("path", ["/indicators/%ED%A0%80", "/indicators/%ED%A0%80/values?year=%ED%A0%80",
                                  "/admin/audit?action=%ED%A0%80", "/sync/institutions/pull?since=%ED%A0%80",
                                  "/public/offers/search?q=%ED%A0%80%FF"])
def test_bytes_that_are_no_utf8_in_an_address_never_break_an_answer(api, app, path: str) -> None:  # noqa: ANN001
    """A lone surrogate cannot travel in an address: its UTF-8-like bytes (ED A0 80) and other bytes that
    are no UTF-8 reach the atlas as replacement characters or as literal text, so they are answered like
    any unknown value, never with a 5xx and never echoed as a surrogate."""
    headers = api.headers("admin")
    before = db_digest(app)
    response = api.client.get(API + path, headers=headers)
    assert 200 <= response.status_code < 500, response.get_data(as_text=True)
    response.get_data().decode("utf-8")  # the answer itself is valid UTF-8
    assert db_digest(app) == before


def test_the_problem_names_the_crs(api) -> None:  # noqa: ANN001
    p = shape(api.municipality(MELLE)["territory"]).representative_point()
    r = api.push("institutions", [insert(None, p.x, p.y)], "melle.editor", crs="EPSG:31467")
    doc = assert_problem(r, 422, "invalid_crs")
    assert doc["errors"][0]["field"] == "crs"
    assert "EPSG:31467" in doc["errors"][0]["message"]
    assert "EPSG:31467" in doc["detail"]


def test_the_problem_says_which_ring_is_open_and_where_a_wrong_crs_lands(api) -> None:  # noqa: ANN001
    melle = shape(api.municipality(MELLE)["territory"])
    c = melle.representative_point()
    ring = [[c.x, c.y], [c.x + 100, c.y], [c.x + 100, c.y + 100], [c.x, c.y + 100]]
    r = api.push("spatial_units", [unit(polygon(ring))], "melle.editor")
    doc = assert_problem(r, 422, "push_invalid")
    [error] = doc["results"][0]["errors"]
    assert error["code"] == "ring_not_closed"
    assert error["message"] == ("Ring 1 von Fläche 1 ist nicht geschlossen (erster und letzter Punkt verschieden).")
    lon, lat = reproject(c, "EPSG:25832", "EPSG:4326").coords[0]
    r = api.post(f"{API}/sync/institutions/push", push_body([insert(None, lon, lat)]), "melle.editor",
                 headers={"Accept-Language": "en"})
    doc = assert_problem(r, 422, "push_invalid")
    [error] = doc["results"][0]["errors"]
    assert error["code"] == "outside_county"
    assert "EPSG:25832" in error["message"] and "outside the county" in error["message"]
    # sent with the right CRS, the same coordinates are fine
    assert api.push("institutions", [insert(None, lon, lat)], "melle.editor", crs="EPSG:4326").status_code == 200


def test_bowtie_is_refused_with_the_reason(api) -> None:  # noqa: ANN001
    melle = api.municipality(MELLE)
    ctx = Ctx(api, melle["id"], shape(melle["territory"]), 0, None)
    r = api.patch(f"{API}/municipalities/{melle['id']}", {"territory": multipolygon(ctx.bowtie())}, "admin")
    doc = assert_problem(r, 422, "invalid_geometry")
    assert field_codes(doc) == {"geometry_not_valid"}
    assert "Self-intersection" in doc["errors"][0]["message"]


@pytest.mark.parametrize("settings_overrides", [{"max_body_bytes": 2000}])
def test_oversized_body_is_413(api, app) -> None:  # noqa: ANN001
    headers = api.headers("admin")
    api.headers("melle.editor")
    before = db_digest(app)
    r = api.client.post(f"{API}/categories", json={"key": "mobil", "name": "M" * 3000}, headers=headers)
    doc = assert_problem(r, 413, "body_too_large")
    assert "2000" in doc["detail"]
    p = shape(api.municipality(MELLE)["territory"]).representative_point()
    changes = [insert(None, p.x, p.y, description="x" * 100) for _ in range(20)]
    assert_problem(api.push("institutions", changes, "melle.editor"), 413, "body_too_large")
    assert db_digest(app) == before
    # a body under the limit goes through
    assert api.post(f"{API}/categories", {"key": "mobil", "name": "Mobilität"}, "admin").status_code == 201


@pytest.mark.parametrize("settings_overrides", [{"max_changes_per_push": 3}])
def test_too_many_changes_in_one_push_is_413(api, app) -> None:  # noqa: ANN001
    p = shape(api.municipality(MELLE)["territory"]).representative_point()
    api.headers("melle.editor")
    before = db_digest(app)
    r = api.push("institutions", [insert(None, p.x, p.y) for _ in range(4)], "melle.editor")
    doc = assert_problem(r, 413, "too_many_changes")
    assert "4" in doc["detail"] and "3" in doc["detail"]
    assert db_digest(app) == before
    assert api.push("institutions", [insert(None, p.x, p.y) for _ in range(3)], "melle.editor").status_code == 200


@pytest.mark.parametrize("settings_overrides", [{"max_geometry_vertices": 50}])
def test_geometry_with_too_many_vertices_is_refused(api, app) -> None:  # noqa: ANN001
    melle = shape(api.municipality(MELLE)["territory"])
    api.headers("admin")
    before = db_digest(app)
    circle = melle.representative_point().buffer(100, quad_segs=16)  # 65 vertices
    r = api.push("spatial_units", [unit(mapping(circle))], "admin")
    doc = assert_problem(r, 422, "push_invalid")
    assert "too_many_vertices" in field_codes(doc) and "50" in json.dumps(doc, ensure_ascii=False)
    assert db_digest(app) == before
    small = melle.representative_point().buffer(100, quad_segs=8)  # 33 vertices
    assert api.push("spatial_units", [unit(mapping(small))], "admin").status_code == 200


def test_unknown_route_outside_the_api_is_a_problem_too(api) -> None:  # noqa: ANN001
    assert_problem(api.get("/does-not-exist"), 404, "not_found")
    assert_problem(api.client.post("/"), 405, "method_not_allowed")
