"""The public read model: it holds exactly what the publish rule makes public, follows every publish in the
same transaction, is recreated by its rebuild command, and is found through a spatial index."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, box, mapping, shape
from sqlalchemy import Text, select, text, type_coerce

from sync_server.cli import main as cli_main
from sync_server.domain import read_model, sequence
from sync_server.domain.contract import json_text
from sync_server.domain.geometry import STORAGE_CRS, WEB_CRS, geojson_texts, rounded, to_geojson, wkb_to_geojson_text
from sync_server.domain.publish import public_properties, public_properties_text, public_rows
from sync_server.ogcapi.crs import CRS84, STORAGE, OgcCrs, bbox_area
from sync_server.storage import db
from sync_server.storage.db import make_engine, make_session_factory, session_scope
from sync_server.storage.models import Municipality, PublicFeature, PublicLayer
from tests.support import MELLE, Api, insert, update_of


def expected(session: Any, layer: str, crs: str = WEB_CRS) -> dict[str, dict]:
    """The public features of a layer as the publish rule gives them, computed the slow way from the revisions."""
    keys = dict(session.execute(select(Municipality.id, Municipality.key)).all())
    return {f.id: {"type": "Feature", "id": f.id,
                   "properties": public_properties(r.properties, keys[r.owner_id], r.seq),
                   "geometry": to_geojson(r.geometry, crs)} for f, r in public_rows(session, layer)}


def stored(session: Any, layer: str, column: str = "doc") -> dict[str, dict]:
    return {fid: json.loads(doc) for fid, doc in session.execute(
        select(PublicFeature.id, getattr(PublicFeature, column)).where(PublicFeature.layer == layer))}


def _same(a: dict[str, dict], b: dict[str, dict]) -> None:
    """Equal documents; coordinates compared within the rounding of the published text (1e-7 degrees)."""
    assert a.keys() == b.keys()
    for fid, doc in a.items():
        other = b[fid]
        assert doc["properties"] == other["properties"]
        assert shape(doc["geometry"]).equals_exact(shape(other["geometry"]), 1e-9)


def _session(app: Any):  # noqa: ANN202
    return session_scope(app.extensions["familienatlas"].session_factory)


def index_keys(session: Any, layer: str) -> set[int]:
    """The keys the layer's spatial index holds, read from the index itself (SQLite: the layer's R*Tree, each box
    containing its row's; PostgreSQL: an index-only scan of the layer's GiST index), checked against the table:
    every public feature of the layer with a geometry, and nothing else."""
    conn = session.connection()
    table_keys = {pk for (pk,) in conn.execute(text(
        "SELECT pk FROM public_features WHERE layer = :layer AND minx IS NOT NULL"), {"layer": layer})}
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        conn.execute(text("SET LOCAL enable_bitmapscan = off"))
        query = ("SELECT pk FROM public_features WHERE layer = :layer "
                 "AND box(point(minx, miny), point(maxx, maxy)) && box(point(-1e9, -1e9), point(1e9, 1e9))")
        plan = json.dumps(conn.execute(text(f"EXPLAIN (FORMAT JSON) {query}"), {"layer": layer}).scalar())
        assert "Index Only Scan" in plan and read_model.box_index_name(layer) in plan, plan
        found = {pk for (pk,) in conn.execute(text(query), {"layer": layer})}
        conn.execute(text("RESET enable_seqscan"))
        conn.execute(text("RESET enable_bitmapscan"))
    else:
        name = read_model.rtree_name(layer)
        rows = conn.execute(text(
            f"SELECT r.id, r.minx <= f.minx AND r.maxx >= f.maxx AND r.miny <= f.miny AND r.maxy >= f.maxy "
            f"FROM {name} AS r LEFT JOIN public_features AS f ON f.pk = r.id")).all()
        assert all(contains for _pk, contains in rows), layer
        found = {pk for pk, _contains in rows}
    assert found == table_keys, layer
    return found


def _indexes_match(session: Any) -> None:
    keys = [index_keys(session, layer) for layer in read_model.public_layers()]
    assert all(keys) and not set.intersection(*keys)  # each layer's index holds its own features only


def test_the_read_model_is_the_publish_rule_and_follows_every_decision(api: Api, app: Any) -> None:
    with _session(app) as session:
        for layer in read_model.public_layers():
            _same(stored(session, layer), expected(session, layer))
            utm = stored(session, layer, "doc_25832")  # the stored metres rounded to mm, not a round trip
            _same(utm, expected(session, layer, STORAGE_CRS))
            assert read_model.layer_summary(session.connection(), layer)[0] == len(utm)
        _indexes_match(session)
    own = sorted((f for f in api.pull_all("institutions", "admin").values()
                  if f["owner"] == MELLE and f["review"]["state"] == "published"), key=lambda f: f["id"])
    p = shape(own[0]["geometry"])
    new = insert(None, p.x + 5, p.y, name="Neu im Lesemodell")
    answer = api.push("institutions", [new, update_of(own[0], name="Umbenannt"),
                                       {"op": "delete", "id": own[1]["id"], "base_revision": own[1]["revision"]}],
                      "melle.editor").get_json()
    with _session(app) as session:  # pending: nothing changed publicly
        assert new["id"] not in stored(session, "institutions")
        assert stored(session, "institutions")[own[0]["id"]]["properties"]["name"] == own[0]["properties"]["name"]
    assert api.post("/api/v1/review/approve", {"push_id": answer["push_id"]}, "admin").status_code == 200
    with _session(app) as session:
        now = stored(session, "institutions")
        _same(now, expected(session, "institutions"))
        assert now[new["id"]]["properties"]["name"] == "Neu im Lesemodell"
        assert now[own[0]["id"]]["properties"]["name"] == "Umbenannt"
        assert own[1]["id"] not in now
        _indexes_match(session)
    near = (f"/ogcapi/collections/institutions/items?bbox={p.x - 20},{p.y - 20},{p.x + 30},{p.y + 20}"
            "&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/25832")
    assert new["id"] in [f["id"] for f in api.get(near).get_json()["features"]]  # a bbox sees a publish at once
    r = api.post("/api/v1/review/withdraw", {"layer": "institutions", "id": new["id"], "reason": "Doppelt"}, "admin")
    assert r.status_code == 200, r.get_json()
    melle_id = api.municipality(MELLE)["id"]
    assert api.patch(f"/api/v1/municipalities/{melle_id}", {"key": "034590099999"}, "admin").status_code == 200
    with _session(app) as session:
        now = stored(session, "institutions")
        _same(now, expected(session, "institutions"))
        assert new["id"] not in now
        assert now[own[0]["id"]]["properties"]["owner"] == "034590099999"
        assert read_model.layer_summary(session.connection(), "institutions")[0] == len(now)
        _indexes_match(session)
    assert new["id"] not in [f["id"] for f in api.get(near).get_json()["features"]]  # nor a withdrawn one
    # The public answers are the read model's texts.
    public = api.get("/api/v1/public/institutions").get_json()["features"]
    assert {f["id"] for f in public} == set(now) and [f["id"] for f in public] == sorted(now)


def test_the_rebuild_command_recreates_the_read_model(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    engine = make_engine(db_url)
    try:
        factory = make_session_factory(engine)
        with session_scope(factory) as session:
            before = {layer: stored(session, layer) for layer in read_model.public_layers()}
            before_utm = stored(session, "institutions", "doc_25832")
            summary = read_model.layer_summary(session.connection(), "institutions")
            session.execute(PublicFeature.__table__.delete())  # lost, say, in a restore of some tables
            # a layer's spatial index missing too (a layer made public after the migrations): the rebuild makes it
            for statement in read_model.drop_spatial_index_statements(session.get_bind().dialect.name, "institutions"):
                session.execute(text(statement))
        version = _public_version(engine)
        assert cli_main(["--database", db_url, "--mode", "test", "rebuild-read-model"]) == 0
        assert f"{sum(len(b) for b in before.values())} published features" in capsys.readouterr().out
        # the rebuild is audited and moves the public version: no validator or kept answer outlives it
        assert _public_version(engine) > version
        with session_scope(factory) as session:
            assert {layer: stored(session, layer) for layer in read_model.public_layers()} == before
            assert stored(session, "institutions", "doc_25832") == before_utm
            assert read_model.layer_summary(session.connection(), "institutions") == summary
            _indexes_match(session)
    finally:
        engine.dispose()


def _public_version(engine: Any) -> tuple[int, int, int]:
    reader = db.Reader(engine)
    try:
        return sequence.public_version(reader)
    finally:
        reader.close()


def keys_of(session: Any, layer: str, ids: list[str]) -> list[tuple[int, str]]:
    return [(pk, fid) for pk, fid in session.execute(select(PublicFeature.pk, PublicFeature.id).where(
        PublicFeature.layer == layer, PublicFeature.id.in_(ids)))]


@pytest.mark.parametrize("bbox_crs", [STORAGE, CRS84], ids=["storage", "crs84"])
def test_bbox_pages_match_an_exact_test_of_every_public_feature(api: Api, app: Any, bbox_crs: OgcCrs) -> None:
    """The spatial index narrows, the exact test decides: numberMatched and the pages are what testing every
    public geometry gives, for points and polygons, in every output CRS, for a box in metres (a rectangle in
    the storage CRS) and in degrees (a turned, bent quadrilateral there, so sure hits and the tested band
    differ)."""
    found: dict[str, str] = {}
    with _session(app) as session:
        for layer in read_model.public_layers():
            geometries = {fid: shape(doc["geometry"]) for fid, doc in stored(session, layer, "doc_25832").items()}
            middle_id = sorted(geometries)[len(geometries) // 2]
            if bbox_crs.geographic:
                middle = shape(stored(session, layer)[middle_id]["geometry"]).representative_point()
                bounds = (middle.x - 0.035, middle.y - 0.02, middle.x + 0.02, middle.y + 0.04)
            else:
                middle = geometries[middle_id].representative_point()
                bounds = (middle.x - 2500, middle.y - 1500, middle.x + 1500, middle.y + 3000)
            bbox = ",".join(str(v) for v in bounds)
            area = bbox_area(bbox, bbox_crs)
            wanted = sorted(fid for fid, g in geometries.items() if g.intersects(area))
            assert wanted, layer
            crs = "http://www.opengis.net/def/crs/EPSG/0/25832"
            got: list[str] = []
            url = f"/ogcapi/collections/{layer}/items?bbox={bbox}&bbox-crs={bbox_crs.uri}&crs={crs}&limit=7"
            while url:
                page = api.get(url).get_json()
                assert page["numberMatched"] == len(wanted)
                got += [f["id"] for f in page["features"]]
                url = next((link["href"].split("localhost", 1)[1] for link in page["links"]
                            if link["rel"] == "next"), None)
            # A bbox page is in the read model's key order (the spatial index holds the key), each match once.
            assert sorted(got) == wanted and len(set(got)) == len(got)
            assert got == [fid for _pk, fid in sorted(keys_of(session, layer, got))]
            beyond = api.get(f"/ogcapi/collections/{layer}/items?bbox={bbox}&bbox-crs={bbox_crs.uri}"
                             f"&offset={len(wanted) + 3}").get_json()
            assert (beyond["numberMatched"], beyond["features"]) == (len(wanted), [])
            found[layer] = wanted[0]
    one = api.get(f"/ogcapi/collections/institutions/items/{found['institutions']}"
                  "?crs=http://www.opengis.net/def/crs/EPSG/0/4326")
    lon_lat = api.get(f"/ogcapi/collections/institutions/items/{found['institutions']}").get_json()
    lon_lat = lon_lat["geometry"]["coordinates"]
    assert one.get_json()["geometry"]["coordinates"] == lon_lat[::-1]
    assert one.get_json()["links"][0]["rel"] == "self"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_finds_a_bbox_through_the_rtree(app: Any) -> None:
    area = Point(430000, 5800000).buffer(500)
    with _session(app) as session:
        conn = session.connection()
        band, band_params = read_model.band_statement("institutions", area)
        page, params = read_model.area_statement(conn, "institutions", area, [], False)
        for stmt, values in ((band, band_params), (page, {**params, "offset": 0, "limit": 10})):
            compiled = stmt.compile(conn)
            bound = {**compiled.params, **values}
            plan = " ".join(row[-1] for row in conn.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {compiled}", tuple(bound[k] for k in compiled.positiontup)))
            # The layer's R*Tree is searched by the box (its index 2, with constraints; index 1 would be a lookup
            # by id per row), and the table's rows are then fetched by primary key, never scanned.
            assert "SCAN public_features_rtree_institutions VIRTUAL TABLE INDEX 2:" in plan, plan
            assert "SEARCH public_features USING INTEGER PRIMARY KEY" in plan, plan
            assert "SCAN public_features " not in plan + " ", plan


def test_the_inner_box_lies_inside_the_area_and_covers_most_of_it() -> None:
    """Features whose box lies in the inner box are counted without an exact test, so it must lie inside."""
    area = bbox_area("8.30,52.17,8.39,52.23", CRS84)
    inner = box(*read_model.inner_box(area))
    assert area.contains(inner) and inner.area > 0.9 * area.area
    assert read_model.inner_box(box(0, 0, 10, 10)) == (0, 0, 10, 10)
    x0, y0, x1, y1 = read_model.inner_box(Point(3, 3))  # a bbox of no extent: every candidate is tested
    assert x0 > x1 and y0 > y1


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_answers_a_small_bbox_from_the_gist_index_without_parallel_workers(app: Any) -> None:
    """With 20,000 more features, a bbox page of a few features is a scan of the layer's GiST index (an index-only
    scan once vacuum marked the pages all-visible, see ``index_keys``), and no parallel workers are started for it
    (their start-up cost more than the whole query, see the atlas's connection settings)."""
    with _session(app) as session:
        conn = session.connection()
        conn.execute(text(  # far from the demo's features
            "INSERT INTO public_features (layer, id, owner_id, published_seq, properties, geometry, minx, miny, "
            "maxx, maxy, doc, doc_25832) SELECT 'institutions', 'b' || i, 1, i, '{}', ST_SetSRID(ST_MakePoint(x, y), "
            "25832), x, y, x, y, '{}', '{}' FROM (SELECT i, 100000 + (i % 200) * 300 AS x, "
            "5000000 + (i / 200) * 300 AS y FROM generate_series(1, 20000) AS i) AS points"))
        conn.execute(text("ANALYZE public_features"))
        for area in (box(130000, 5010000, 131000, 5011000), box(130000, 5010000, 136000, 5016000)):
            stmt, params = read_model.area_statement(conn, "institutions", area, [], False)
            compiled = stmt.compile(conn)
            values = {**compiled.params, **params, "offset": 0, "limit": 5}
            plan = json.dumps(conn.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {compiled}", values).scalar())
            assert read_model.box_index_name("institutions") in plan, plan
            assert "Gather" not in plan and '"Workers Planned"' not in plan, plan
            rows = conn.execute(stmt, {**params, "offset": 0, "limit": 5}).all()
            assert [row[1] for row in rows] == [12 if area.area == 1e6 else 420] * 5
        assert conn.execute(text("SHOW max_parallel_workers_per_gather")).scalar() == "0"
        session.rollback()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_reads_of_a_reader_are_prepared_on_the_server_and_keep_their_plans(app: Any) -> None:
    """The request's reader prepares its statements on the server once per connection: the answers are those of
    the statement run as text (the session's way), and the plan made once for all reads (a generic plan, after
    five reads) still finds a bbox page through the layer's GiST index."""
    engine = app.extensions["familienatlas"].engine
    area = bbox_area("7.9,52.1,8.5,52.5", CRS84)
    with _session(app) as session:
        expected = [read_model.page(db.Reader.on(session.connection()), session.connection, "institutions", [], area,
                                    offset, 5, False) for offset in (0, 5)]
    reader = db.Reader(engine)
    try:
        for _ in range(4):
            assert [read_model.page(reader, lambda: None, "institutions", [], area, offset, 5, False)
                    for offset in (0, 5)] == expected
        assert expected[0].matched > 10 and expected[0].docs != expected[1].docs
        prepared = read_model._area_prepared("institutions", True, False)
        name, _prepare, names = prepared.server_prepared(engine.dialect)
        assert name in reader._raw.info["prepared"]
        values = {**prepared.compiled(engine.dialect)[1], **read_model._area_params(reader, lambda: None,
                                                                                   "institutions", area, ()),
                  "offset": 0, "limit": 5}
        cursor = reader._raw.cursor()
        cursor.execute(f"EXPLAIN (FORMAT JSON) EXECUTE {name} ({', '.join(['%s'] * len(names))})",
                       [values[n] for n in names])
        plan = json.dumps(cursor.fetchone()[0])
        cursor.close()
        assert read_model.box_index_name("institutions") in plan, plan
    finally:
        reader.close()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_pooled_connection_the_server_closed_is_replaced_before_use(db_url: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections in steady use are not tested on every checkout (a round trip per request), but one that
    lay idle is, so a server that closed it (a restart, an idle timeout) costs no request."""
    engine, other = make_engine(db_url), make_engine(db_url)
    try:
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with other.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # as if it had lain idle long enough
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    finally:
        engine.dispose()
        other.dispose()


def _snapshot(conn: Any) -> tuple[list, list]:
    """Every row of the read model but its key, and the layers' summaries, as the database holds them (the
    properties and the geometry as their stored text)."""
    t = PublicFeature.__table__
    columns = [type_coerce(c, Text) if c.name in ("properties", "geometry") else c for c in t.c if c.name != "pk"]
    rows = conn.execute(select(*columns).order_by(t.c.layer, t.c.id)).all()
    layers = conn.execute(select(PublicLayer.__table__).order_by(PublicLayer.layer)).all()
    return rows, layers


def _moved(feature: dict[str, Any], dx: float) -> dict[str, Any]:
    """An update of a pulled feature moved ``dx`` metres east (points and polygons)."""
    geometry = shapely.transform(shape(feature["geometry"]), lambda xy: xy + [dx, 0.0])
    return {**update_of(feature), "geometry": mapping(geometry)}


def test_every_decision_leaves_the_read_model_as_its_rebuild_makes_it(api: Api, app: Any) -> None:
    """Approve, reject, withdraw and a key change update the read model in place; each leaves every row, byte
    for byte, and the layers' counts and boxes as ``rebuild-read-model`` makes them from the revisions."""

    def check() -> None:
        with _session(app) as session:
            conn = session.connection()
            kept = _snapshot(conn)
            assert read_model.rebuild(conn) == len(kept[0])
            assert _snapshot(conn) == kept
            session.rollback()

    def decide(verb: str, answer: Any, **extra: Any) -> None:
        assert answer.status_code == 200, answer.get_json()
        r = api.post(f"/api/v1/review/{verb}", {"push_id": answer.get_json()["push_id"], **extra}, "admin")
        assert r.status_code == 200, r.get_json()
        check()

    check()
    live = sorted((f for f in api.pull_all("institutions", "admin").values() if not f["deleted"]),
                  key=lambda f: f["id"])
    west = min(live, key=lambda f: f["geometry"]["coordinates"][0])
    others = [f for f in live if f is not west]
    x, y = west["geometry"]["coordinates"]
    beyond = insert(MELLE, x - 1.0, y, name="Am westlichen Rand")  # the layer's box grows
    decide("approve", api.push("institutions", [
        beyond, insert(MELLE, x + 40.0, y + 30.0, name="Neu"), update_of(others[0], name="Nur umbenannt"),
        _moved(others[1], 7.5), {"op": "delete", "id": others[2]["id"], "base_revision": others[2]["revision"]},
    ], "admin"))
    unit = next(f for f in api.pull_all("spatial_units", "admin").values() if not f["deleted"])
    decide("approve", api.push("spatial_units", [_moved(unit, 3.0)], "admin"))
    decide("reject", api.push("institutions", [update_of(others[3], name="Abgelehnt")], "admin"), reason="Nein")
    assert api.push("institutions", [update_of(others[4], name="Zuerst")], "admin").status_code == 200
    pending = api.pull_all("institutions", "admin")[others[4]["id"]]  # superseded by the next change
    decide("approve", api.push("institutions", [update_of(pending, name="Danach")], "admin"))
    # the feature at the layer's west edge moves inwards and is deleted: the box shrinks (counted again)
    edge = api.pull_all("institutions", "admin")[beyond["id"]]
    decide("approve", api.push("institutions", [_moved(edge, 30.0)], "admin"))
    edge = api.pull_all("institutions", "admin")[beyond["id"]]
    decide("approve", api.push("institutions", [{"op": "delete", "id": edge["id"],
                                                  "base_revision": edge["revision"]}], "admin"))
    r = api.post("/api/v1/review/withdraw", {"layer": "institutions", "id": others[0]["id"], "reason": "Doppelt"},
                 "admin")
    assert r.status_code == 200, r.get_json()
    check()
    melle_id = api.municipality(MELLE)["id"]
    assert api.patch(f"/api/v1/municipalities/{melle_id}", {"key": "034590099999"}, "admin").status_code == 200
    check()


def test_geojson_texts_of_points_are_what_json_makes_of_geos_rounding() -> None:
    """The read model's points, rounded and written from arrays, are byte for byte ``json.dumps`` of the
    mapping of the GEOS-rounded geometry (halves, negative and large values included); other geometries and
    None take the general path."""
    rng = np.random.default_rng(7)
    xy = np.concatenate([rng.uniform(-2e6, 2e6, (3000, 2)), np.round(rng.uniform(-1e4, 1e4, (3000, 2)), 3) + 5e-4,
                         np.round(rng.uniform(-180, 180, (3000, 2)), 7) + 5e-8])
    polygon = box(430000.0004, 5790000.0005, 430010.0015, 5790020.0025)
    geometries = np.array([*shapely.points(xy), polygon, None, Point(1.5, 2.5)], dtype=object)
    for crs in (STORAGE_CRS, WEB_CRS):
        assert geojson_texts(geometries, crs) == [
            "null" if g is None else json.dumps(mapping(rounded(g, crs))) for g in geometries]


def test_the_stored_text_of_public_properties_is_what_the_storage_writes_of_them() -> None:
    """The read model stores a revision's stored properties text with the public members appended; that is the
    text the storage would write for ``public_properties`` (compact, not ASCII-escaped), and where the stored
    text cannot be extended as it is (escapes, an ``owner`` of its own) it is encoded instead. PostgreSQL's text
    of a JSONB value (spaced) gives the same value."""
    cases = [{"name": "Kita Sonnenschein", "capacity": 40, "rate": 0.1, "open": True, "tags": ["a", "b"]},
             {}, {"name": "Grüße aus Melle € 😀", "note": 'sagt "owner" nicht', "nested": {"x": [1, 2.5, None]}},
             {"name": "x", "owner": "034590001001"}, {"name": "y", "published_revision": 3}, {"name": "a\\u00e9"}]
    for properties in cases:
        expected = db.stored_json(public_properties(properties, "034590001001", 42))
        compact = db.stored_json(properties)
        assert public_properties_text(compact, properties, "034590001001", 42) == expected
        escaped = json.dumps(properties, separators=(",", ":"))  # an old row, ASCII-escaped
        assert public_properties_text(escaped, properties, "034590001001", 42) == expected
        spaced = json.dumps(properties, ensure_ascii=False)  # as PostgreSQL writes a JSONB value as text
        assert json.loads(public_properties_text(spaced, properties, "034590001001", 42)) == json.loads(expected)


def test_stored_points_read_from_their_text_are_what_geos_makes_of_them() -> None:
    """A pull reads stored points straight from their hex EWKB text: the GeoJSON text is byte for byte
    that of ``to_geojson`` of the geometry GEOS reads (halves, negative and large values, upper and lower
    case hex); 3D points, polygons, WKB bytes and no geometry take the general path."""
    rng = np.random.default_rng(11)
    xy = np.concatenate([rng.uniform(-2e6, 2e6, (2000, 2)), np.round(rng.uniform(-1e4, 1e4, (2000, 2)), 3) + 5e-4,
                         np.round(rng.uniform(3e5, 6e6, (2000, 2)), 4)])
    points = shapely.set_srid(shapely.points(xy), 25832)
    stored: list[Any] = [*shapely.to_wkb(points, hex=True, include_srid=True).tolist()]
    stored[1] = stored[1].lower()
    extra = [Point(1.5, 2.5, 3.5), box(430000.0004, 5790000.0005, 430010.0015, 5790020.0025)]
    stored += [*shapely.to_wkb(np.array([shapely.set_srid(g, 25832) for g in extra]), hex=True,
                               include_srid=True).tolist(), shapely.to_wkb(Point(7.0005, 8.0015)), None]
    geos = [None if s is None else shapely.from_wkb(s) for s in stored]
    expected = ["null" if g is None else json_text(to_geojson(g)) if not (g.geom_type == "Point" and not g.is_empty)
                else f'{{"type":"Point","coordinates":[{to_geojson(g)["coordinates"][0]!r},'
                     f'{to_geojson(g)["coordinates"][1]!r}]}}' for g in geos]
    assert wkb_to_geojson_text(stored) == expected
