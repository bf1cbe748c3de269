"""The push/pull protocol: all or nothing, idempotent retries, conflicts, schema versions, CRS, paging,
and the layer schema's declared constraints (served with the layer, refused by field with their codes)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from flask import Flask
from shapely.geometry import Point, shape
from sqlalchemy import func, select

from sync_server.domain import sync
from sync_server.domain.layers import FORMATS, INSTITUTIONS, LAYERS, RULE_KINDS
from sync_server.storage.models import Revision
from tests.support import BRAMSCHE, MELLE, Api, insert, update_of

# A point in Melle given in WGS84 and its ETRS89 / UTM 32N coordinates (reference values).
MELLE_LONLAT = (8.3383, 52.2036)
MELLE_UTM32 = (454780.556, 5783889.914)
MELLE_WEB_MERCATOR = (928215.310, 6837022.997)


def revision_count(app: Flask) -> int:
    with app.extensions["familienatlas"].session_factory() as session:
        return session.scalar(select(func.count()).select_from(Revision))


def snapshot(api: Api, app: Flask, layer: str = "institutions") -> tuple[Any, ...]:
    page = api.get(f"/api/v1/sync/{layer}/pull?since=0&limit=5000", "admin").get_json()
    public = api.get(f"/api/v1/public/{layer}").get_json()
    return (page["cursor"], {f["id"]: f for f in page["features"]}, {f["id"]: f for f in public["features"]},
            revision_count(app))


def own_and_foreign(api: Api) -> tuple[list[dict], dict]:
    """Published Melle features (as the Melle editor pulls them) and one published Bramsche feature."""
    pulled = sorted(api.pull_all("institutions", "melle.editor").values(), key=lambda f: f["id"])
    own = [f for f in pulled if f["owner"] == MELLE and f["review"]["state"] == "published"]
    foreign = next(f for f in pulled if f["owner"] == BRAMSCHE and f["review"]["state"] == "published")
    return own, foreign


def melle_point(api: Api) -> Point:
    return shape(api.municipality(MELLE)["territory"]).representative_point()


# --- all or nothing ---------------------------------------------------------------------------------


def test_one_forbidden_change_stops_the_whole_push(api: Api, app: Flask) -> None:
    own, foreign = own_and_foreign(api)
    p = melle_point(api)
    changes = [
        insert(None, p.x, p.y, name="Neues Familienbüro"),
        update_of(own[0], name="Umbenannt"),
        {"op": "delete", "id": own[1]["id"], "base_revision": own[1]["revision"]},
        update_of(foreign, name="Übernommen"),
    ]
    before = snapshot(api, app)
    r = api.push("institutions", changes, "melle.editor")
    doc = r.get_json()
    assert r.status_code == 403, doc
    assert doc["applied"] is False and doc["code"] == "push_forbidden"
    assert [x["status"] for x in doc["results"]] == ["not_applied", "not_applied", "not_applied", "forbidden"]
    assert [x["id"] for x in doc["results"]] == [c["id"] for c in changes]
    assert doc["results"][3]["code"] == "not_owner"
    assert "revision" not in doc["results"][0]
    assert snapshot(api, app) == before


def test_a_push_written_chunk_by_chunk_is_still_all_or_nothing(api: Api, app: Flask,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The push writes each checked chunk before checking the next; a refusal in a later chunk still
    leaves nothing behind, and an accepted push numbers its revisions as one push did."""
    monkeypatch.setattr(sync, "_PUSH_CHUNK", 2)
    own, foreign = own_and_foreign(api)
    p = melle_point(api)
    refused = [insert(None, p.x, p.y, name="Neues Familienbüro"), update_of(own[0], name="Umbenannt"),
               insert(None, p.x + 10, p.y, name="Noch eins"), update_of(foreign, name="Übernommen"),
               insert(None, p.x + 20, p.y, name="Nach der Weigerung")]
    before = snapshot(api, app)
    r = api.push("institutions", refused, "melle.editor")
    doc = r.get_json()
    assert r.status_code == 403, doc
    assert [x["status"] for x in doc["results"]] == ["not_applied"] * 3 + ["forbidden", "not_applied"]
    assert snapshot(api, app) == before

    accepted = [insert(None, p.x + 10 * i, p.y, name=f"Stück {i}") for i in range(5)]
    r = api.push("institutions", accepted, "melle.editor")
    doc = r.get_json()
    assert r.status_code == 200, doc
    revisions = [x["revision"] for x in doc["results"]]
    assert revisions == list(range(revisions[0], revisions[0] + 5))
    assert revision_count(app) == before[3] + 5
    pulled = api.pull_all("institutions", "melle.editor")
    assert [pulled[c["id"]]["properties"]["name"] for c in accepted] == [f"Stück {i}" for i in range(5)]


def test_forbidden_is_reported_before_invalid_and_conflict(api: Api, app: Flask) -> None:
    own, foreign = own_and_foreign(api)
    stale = update_of(own[0], name="Alt")
    stale["base_revision"] = own[0]["revision"] - 1
    broken = update_of(own[1], name="")
    before = snapshot(api, app)
    r = api.push("institutions", [stale, broken, update_of(foreign, name="x")], "melle.editor")
    assert r.status_code == 403
    assert [x["status"] for x in r.get_json()["results"]] == ["conflict", "invalid", "forbidden"]
    r = api.push("institutions", [stale, broken], "melle.editor")
    assert r.status_code == 422
    r = api.push("institutions", [stale, update_of(own[1], name="Gut")], "melle.editor")
    assert r.status_code == 409
    assert [x["status"] for x in r.get_json()["results"]] == ["conflict", "not_applied"]
    assert snapshot(api, app) == before


# --- invalid changes --------------------------------------------------------------------------------


def _invalid_cases(p: Point) -> list[tuple[dict, str]]:
    good = insert(None, p.x, p.y)
    without_name = {**good, "properties": {k: v for k, v in good["properties"].items() if k != "name"}}
    return [
        (without_name, "name"),
        ({**good, "properties": {**good["properties"], "email": "keine-adresse"}}, "email"),
        ({**good, "properties": {**good["properties"], "category": "gibt_es_nicht"}}, "category"),
        ({**good, "properties": {**good["properties"], "farbe": "blau"}}, "farbe"),
        ({**good, "properties": {**good["properties"], "age_min": 12, "age_max": 3}}, "age_max"),
        ({**good, "geometry": {"type": "Polygon", "coordinates": [[[p.x, p.y], [p.x + 1, p.y],
                                                                  [p.x, p.y + 1], [p.x, p.y]]]}}, "geometry"),
        ({**good, "geometry": {"type": "Point", "coordinates": [8.34, 52.2]}}, "geometry"),  # lon/lat, no crs
        ({**good, "id": "not-a-uuid"}, "id"),
        ({**good, "op": "upsert"}, "op"),
        ({"op": "update", "id": str(uuid.uuid4()), **{k: good[k] for k in ("properties", "geometry")}},
         "base_revision"),
    ]


@pytest.mark.parametrize("case", range(10))
def test_invalid_change_is_422_with_field_and_message(api: Api, app: Flask, case: int) -> None:
    p = melle_point(api)
    change, field = _invalid_cases(p)[case]
    ok = insert(None, p.x + 50, p.y + 50)
    before = snapshot(api, app)
    r = api.push("institutions", [ok, change], "melle.editor")
    doc = r.get_json()
    assert r.status_code == 422, doc
    assert doc["code"] == "push_invalid" and doc["applied"] is False
    first, second = doc["results"]
    assert first["status"] == "not_applied"
    assert second["status"] == "invalid"
    fields = {e["field"]: e for e in second["errors"]}
    assert field in fields, second["errors"]
    assert fields[field]["message"] and fields[field]["code"]
    assert snapshot(api, app) == before


def test_the_same_id_twice_in_one_push_is_invalid(api: Api) -> None:
    p = melle_point(api)
    change = insert(None, p.x, p.y)
    r = api.push("institutions", [change, {**change, "properties": {**change["properties"], "name": "B"}}],
                 "melle.editor")
    assert r.status_code == 422
    assert r.get_json()["results"][1]["errors"][0]["field"] == "id"


def test_a_broken_push_body_is_422(api: Api) -> None:
    r = api.post("/api/v1/sync/institutions/push", {"schema_version": 1, "changes": []}, "melle.editor")
    assert r.status_code == 422
    assert {e["field"] for e in r.get_json()["errors"]} == {"idempotency_key"}
    r = api.push("institutions", [], "melle.editor")
    assert r.status_code == 422
    assert r.get_json()["errors"][0]["field"] == "changes"
    r = api.push("institutions", [insert(None, 1, 1)], "melle.editor", crs="EPSG:31467")
    assert r.status_code == 422
    assert r.get_json()["errors"][0]["field"] == "crs"
    r = api.push("nicht_da", [insert(None, 1, 1)], "melle.editor")
    assert r.status_code == 404


# --- idempotency ------------------------------------------------------------------------------------


def test_retry_with_the_same_key_returns_the_first_answer(api: Api, app: Flask) -> None:
    p = melle_point(api)
    changes = [insert(None, p.x, p.y, name="Einmalig"), insert(None, p.x + 20, p.y, name="Zweimalig")]
    key = str(uuid.uuid4())
    first = api.push("institutions", changes, "melle.editor", key=key)
    assert first.status_code == 200, first.get_json()
    count = revision_count(app)
    before = snapshot(api, app)

    again = api.push("institutions", changes, "melle.editor", key=key)
    assert again.status_code == 200
    answer = again.get_json()
    assert answer.pop("replayed") is True
    assert answer == first.get_json()
    assert revision_count(app) == count
    assert snapshot(api, app) == before
    history = api.get(f"/api/v1/layers/institutions/features/{changes[0]['id']}/history", "admin").get_json()
    assert [h["revision"] for h in history] == [first.get_json()["results"][0]["revision"]]


def test_same_key_with_a_different_body_is_refused(api: Api, app: Flask) -> None:
    p = melle_point(api)
    change = insert(None, p.x, p.y, name="Erst")
    key = str(uuid.uuid4())
    assert api.push("institutions", [change], "melle.editor", key=key).status_code == 200
    before = snapshot(api, app)
    other = {**change, "properties": {**change["properties"], "name": "Anders"}}
    r = api.push("institutions", [other], "melle.editor", key=key)
    assert r.status_code == 409
    assert r.get_json()["code"] == "idempotency_key_reused"
    assert snapshot(api, app) == before


def test_a_key_belongs_to_its_user(api: Api) -> None:
    """Another user's push with the same key is a push of its own, not a replay."""
    key = str(uuid.uuid4())
    melle = melle_point(api)
    bramsche = shape(api.municipality(BRAMSCHE)["territory"]).representative_point()
    a = api.push("institutions", [insert(None, melle.x, melle.y)], "melle.editor", key=key)
    b = api.push("institutions", [insert(None, bramsche.x, bramsche.y)], "bramsche.editor", key=key)
    assert a.status_code == b.status_code == 200
    assert "replayed" not in b.get_json()
    assert a.get_json()["push_id"] != b.get_json()["push_id"]


def test_a_refused_push_can_be_retried_with_the_same_key(api: Api) -> None:
    own, _ = own_and_foreign(api)
    key = str(uuid.uuid4())
    stale = {**update_of(own[0], name="Neu"), "base_revision": own[0]["revision"] - 1}
    assert api.push("institutions", [stale], "melle.editor", key=key).status_code == 409
    # After a pull the client sends a fixed push; a refused push did not use up the key.
    r = api.push("institutions", [update_of(own[0], name="Neu")], "melle.editor", key=key)
    assert r.status_code == 200, r.get_json()


# --- conflicts and schema -----------------------------------------------------------------------------


def test_stale_base_revision_is_a_conflict_with_the_server_state(api: Api, app: Flask) -> None:
    own, _ = own_and_foreign(api)
    base = own[0]
    assert api.push("institutions", [update_of(base, phone="05422 1")], "melle.editor").status_code == 200
    server = api.pull_all("institutions", "melle.editor")[base["id"]]
    before = snapshot(api, app)
    r = api.push("institutions", [update_of(base, name="Von gestern")], "melle.editor")
    doc = r.get_json()
    assert r.status_code == 409, doc
    assert doc["code"] == "push_conflict"
    (result,) = doc["results"]
    assert result["status"] == "conflict" and result["code"] == "stale_revision"
    assert result["current"] == server
    assert result["current"]["properties"]["phone"] == "05422 1"
    assert snapshot(api, app) == before
    # Rebased on the current revision, the same change goes through.
    r = api.push("institutions", [update_of(server, name="Von heute")], "melle.editor")
    assert r.status_code == 200, r.get_json()


def test_stale_delete_is_a_conflict(api: Api) -> None:
    own, _ = own_and_foreign(api)
    assert api.push("institutions", [update_of(own[0], phone="1")], "melle.editor").status_code == 200
    r = api.push("institutions", [{"op": "delete", "id": own[0]["id"], "base_revision": own[0]["revision"]}],
                 "melle.editor")
    assert r.status_code == 409
    assert r.get_json()["results"][0]["status"] == "conflict"


def test_a_deletion_keeps_the_last_stored_properties(api: Api, app: Flask) -> None:
    """The deleted feature's last state stays in its deletion's revision (the stored head's properties,
    read by the push as the database gives them)."""
    own, _ = own_and_foreign(api)
    r = api.push("institutions", [update_of(own[0], phone="05422 7", name="Zuletzt")], "melle.editor")
    assert r.status_code == 200, r.get_json()
    last = api.pull_all("institutions", "melle.editor")[own[0]["id"]]
    deleting = {"op": "delete", "id": last["id"], "base_revision": last["revision"]}
    r = api.push("institutions", [deleting], "melle.editor")
    assert r.status_code == 200, r.get_json()
    with app.extensions["familienatlas"].session_factory() as session:
        deletion = session.get(Revision, r.get_json()["results"][0]["revision"])
        stored = session.get(Revision, last["revision"])
        assert deletion.op == "delete"
        assert deletion.properties == stored.properties
        assert deletion.properties["name"] == "Zuletzt" and deletion.properties["phone"] == "05422 7"


def test_insert_of_an_existing_id_is_a_conflict(api: Api, app: Flask) -> None:
    own, _ = own_and_foreign(api)
    existing = own[0]
    before = snapshot(api, app)
    change = {"op": "insert", "id": existing["id"], "properties": existing["properties"],
              "geometry": existing["geometry"]}
    r = api.push("institutions", [change], "melle.editor")
    assert r.status_code == 409, r.get_json()
    (result,) = r.get_json()["results"]
    assert result["status"] == "conflict" and result["code"] == "already_exists"
    assert result["current"] == existing
    assert snapshot(api, app) == before


def test_other_schema_version_is_refused(api: Api, app: Flask) -> None:
    p = melle_point(api)
    before = snapshot(api, app)
    for version in (INSTITUTIONS.schema_version - 1, INSTITUTIONS.schema_version + 1):
        r = api.post("/api/v1/sync/institutions/push", {"idempotency_key": str(uuid.uuid4()),
                                                        "schema_version": version,
                                                        "changes": [insert(None, p.x, p.y)]}, "melle.editor")
        assert r.status_code == 409
        assert r.get_json()["code"] == "schema_outdated"
    assert snapshot(api, app) == before
    layer = api.get("/api/v1/layers/institutions").get_json()
    assert api.get("/api/v1/sync/institutions/pull?since=0&limit=1", "melle.editor").get_json()[
        "schema_version"] == layer["schema_version"]


# --- coordinate systems -----------------------------------------------------------------------------


@pytest.mark.parametrize(("crs", "xy"), [("EPSG:4326", MELLE_LONLAT), ("EPSG:3857", MELLE_WEB_MERCATOR),
                                         ("EPSG:25832", MELLE_UTM32)])
def test_explicit_crs_is_transformed_to_the_storage_crs(api: Api, crs: str, xy: tuple[float, float]) -> None:
    change = insert(None, *xy, name="Lage in " + crs)
    r = api.push("institutions", [change], "melle.editor", crs=crs)
    assert r.status_code == 200, r.get_json()
    stored = shape(api.pull_all("institutions", "melle.editor")[change["id"]]["geometry"])
    assert stored.distance(Point(MELLE_UTM32)) < 1.0, stored
    assert shape(api.municipality(MELLE)["territory"]).contains(stored)


# --- pull ---------------------------------------------------------------------------------------------


def _paged(api: Api, user: str, since: int, limit: int) -> tuple[dict[str, dict], list[int]]:
    out: dict[str, dict] = {}
    cursors = [since]
    for _ in range(1000):
        page = api.get(f"/api/v1/sync/institutions/pull?since={cursors[-1]}&limit={limit}", user).get_json()
        assert len(page["features"]) <= limit
        out.update({f["id"]: f for f in page["features"]})
        assert page["cursor"] > cursors[-1] or not page["features"]
        cursors.append(page["cursor"])
        if not page["more"]:
            return out, cursors
    raise AssertionError("pull never ended")


@pytest.mark.parametrize("user", ["admin", "melle.reader"])
def test_paged_pull_equals_one_big_pull(api: Api, user: str) -> None:
    big = api.get("/api/v1/sync/institutions/pull?since=0&limit=5000", user).get_json()
    assert big["more"] is False
    assert len(big["features"]) == 320
    paged, cursors = _paged(api, user, 0, 50)
    assert paged == {f["id"]: f for f in big["features"]}
    assert len(cursors) - 1 == 7  # 320 features in pages of 50
    assert cursors == sorted(set(cursors))  # strictly increasing
    assert cursors[-1] == big["cursor"]
    # Nothing new: the next pull from the end is empty and keeps the cursor.
    empty = api.get(f"/api/v1/sync/institutions/pull?since={cursors[-1]}", user).get_json()
    assert empty["features"] == [] and empty["cursor"] == cursors[-1] and empty["more"] is False

    own, _ = own_and_foreign(api)
    r = api.push("institutions", [update_of(own[3], name="Nach dem Auschecken")], "melle.editor")
    assert r.status_code == 200
    new = api.get(f"/api/v1/sync/institutions/pull?since={cursors[-1]}", user).get_json()
    assert [f["id"] for f in new["features"]] == [own[3]["id"]]
    assert new["features"][0]["revision"] == r.get_json()["results"][0]["revision"]
    assert new["features"][0]["properties"]["name"] == "Nach dem Auschecken"
    assert new["cursor"] > cursors[-1]


def test_each_page_is_oldest_change_first(api: Api) -> None:
    """Changes come in the order they were made: later pushes come after earlier ones."""
    own, _ = own_and_foreign(api)
    cursor = api.get("/api/v1/sync/institutions/pull?since=0&limit=5000", "admin").get_json()["cursor"]
    for f in (own[2], own[0], own[1]):
        assert api.push("institutions", [update_of(f, name="Reihenfolge")], "melle.editor").status_code == 200
    page = api.get(f"/api/v1/sync/institutions/pull?since={cursor}&limit=2", "admin").get_json()
    assert [f["id"] for f in page["features"]] == [own[2]["id"], own[0]["id"]] and page["more"] is True
    rest = api.get(f"/api/v1/sync/institutions/pull?since={page['cursor']}&limit=2", "admin").get_json()
    assert [f["id"] for f in rest["features"]] == [own[1]["id"]] and rest["more"] is False


def test_checkout_has_no_tombstones_but_incremental_pull_has(api: Api) -> None:
    own, _ = own_and_foreign(api)
    victim = own[0]
    cursor = api.get("/api/v1/sync/institutions/pull?since=0&limit=5000", "melle.editor").get_json()["cursor"]
    r = api.push("institutions", [{"op": "delete", "id": victim["id"], "base_revision": victim["revision"]}],
                 "melle.editor")
    assert r.status_code == 200, r.get_json()
    for user in ("melle.editor", "admin"):
        checkout = api.get("/api/v1/sync/institutions/pull?since=0&limit=5000", user).get_json()
        assert victim["id"] not in {f["id"] for f in checkout["features"]}
        assert all(not f["deleted"] for f in checkout["features"])
        incremental = api.get(f"/api/v1/sync/institutions/pull?since={cursor}", user).get_json()
        (tomb,) = incremental["features"]
        assert tomb["id"] == victim["id"] and tomb["deleted"] is True
        assert tomb["properties"] is None and tomb["geometry"] is None
        assert tomb["revision"] == r.get_json()["results"][0]["revision"]
        assert tomb["review"]["state"] == "pending"
    # Approved, the deletion is final: still a tombstone for incremental pulls, absent from checkouts.
    assert api.post("/api/v1/review/approve", {"push_id": r.get_json()["push_id"]}, "admin").status_code == 200
    incremental = api.get(f"/api/v1/sync/institutions/pull?since={cursor}", "melle.reader").get_json()
    assert [(f["id"], f["deleted"]) for f in incremental["features"]] == [(victim["id"], True)]
    checkout = api.get("/api/v1/sync/institutions/pull?since=0&limit=5000", "melle.reader").get_json()
    assert victim["id"] not in {f["id"] for f in checkout["features"]}
    assert len(checkout["features"]) == 319


def test_a_cursor_beyond_the_server_asks_for_a_new_checkout(api: Api) -> None:
    """A cursor from another server or an old backup would silently miss every change: refused with the
    problem the plugin reacts to (checkout_required), saying why, in German and English."""
    newest = api.get("/api/v1/sync/institutions/pull?since=0&limit=5000", "melle.editor").get_json()["cursor"]
    assert api.get(f"/api/v1/sync/institutions/pull?since={newest}", "melle.editor").status_code == 200
    for layer in ("institutions", "spatial_units"):
        r = api.get(f"/api/v1/sync/{layer}/pull?since={newest + 1}", "melle.editor")
        assert r.status_code == 409, r.get_json()
        assert r.mimetype == "application/problem+json"
        doc = r.get_json()
        assert doc["code"] == "checkout_required"
        assert doc["params"] == {"reason": "cursor_ahead", "cursor": newest + 1, "server_cursor": newest}
        assert "neu auschecken" in doc["detail"] and str(newest) in doc["detail"]
    r = api.get(f"/api/v1/sync/institutions/pull?since={2**62}", "admin", headers={"Accept-Language": "en"})
    assert r.status_code == 409
    assert "check out again" in r.get_json()["detail"]


def test_pull_needs_a_login_and_a_known_layer(api: Api) -> None:
    assert api.get("/api/v1/sync/institutions/pull").status_code == 401
    assert api.get("/api/v1/sync/nicht_da/pull", "admin").status_code == 404
    assert api.get("/api/v1/sync/institutions/pull?limit=0", "admin").status_code == 422
    assert api.get("/api/v1/sync/institutions/pull?since=abc", "admin").status_code == 422


def test_spatial_units_pull_in_pages(api: Api) -> None:
    big = api.pull_all("spatial_units", "melle.reader")
    assert len(big) == 21
    out, since = {}, 0
    for _ in range(100):
        page = api.get(f"/api/v1/sync/spatial_units/pull?since={since}&limit=4", "melle.reader").get_json()
        out.update({f["id"]: f for f in page["features"]})
        since = page["cursor"]
        if not page["more"]:
            break
    assert out == big
    assert all(f["geometry"]["type"] == "MultiPolygon" for f in out.values())


def test_geometry_round_trips_through_pull(api: Api) -> None:
    p = melle_point(api)
    change = insert(None, p.x + 0.1234, p.y + 0.5678)
    assert api.push("institutions", [change], "melle.editor").status_code == 200
    pulled = api.pull_all("institutions", "melle.editor")[change["id"]]
    assert pulled["geometry"]["type"] == "Point"
    assert shape(pulled["geometry"]).distance(Point(p.x + 0.1234, p.y + 0.5678)) < 0.001


# --- the layer's declared constraints (sync_server/domain/layers.py) ----------------------------------


def test_every_declared_rule_and_format_names_what_exists() -> None:
    for layer in LAYERS.values():
        for rule in layer.rules:
            assert rule.kind in RULE_KINDS, rule
            assert all(layer.field(name) is not None for name in rule.fields), rule
            assert rule.field in rule.fields, rule
        for spec in layer.fields:
            assert spec.format is None or (spec.format in FORMATS and spec.type == "string"), spec


def test_the_layer_description_serves_formats_ranges_and_rules(api: Api) -> None:
    served = api.get("/api/v1/layers/institutions").get_json()
    fields = {f["name"]: f for f in served["fields"]}
    assert fields["email"]["format"] == "email" and re.match(fields["email"]["pattern"], "info@melle.de")
    assert fields["website"]["format"] == "uri" and not re.match(fields["website"]["pattern"], "www.melle.de")
    assert fields["age_min"]["minimum"] == 0 and fields["age_max"]["maximum"] == 120
    assert fields["postcode"]["max_length"] == 10
    assert {(r["kind"], tuple(r["fields"]), r["field"], r["code"]) for r in served["rules"]} == {
        ("parent_choice", ("subcategory", "category"), "subcategory", "subcategory_mismatch"),
        ("not_greater", ("age_min", "age_max"), "age_max", "age_range"),
    }
    assert api.get("/api/v1/layers").get_json()[0]["rules"] == served["rules"]


def test_every_declared_constraint_is_refused_by_field_with_its_code(api: Api, app: Flask) -> None:
    """One push breaking each constraint once: all problems come at once, in German and English,
    each on its field with the code the layer declares, and nothing is stored."""
    served = api.get("/api/v1/layers/institutions").get_json()
    subcategories = next(f for f in served["fields"] if f["name"] == "subcategory")["choices"]
    foreign_sub = next(c["value"] for c in subcategories if c["parent"] != "beratung")
    p = shape(api.municipality(MELLE)["territory"]).representative_point()
    change = insert(None, p.x, p.y, category="beratung", subcategory=foreign_sub, email="info at melle.de",
                    website="www.melle.de", age_min=12, age_max=3, postcode="49324-49328", name="x" * 201)
    bad_range = insert(None, p.x + 10, p.y, age_min=-1, age_max=130)
    before = snapshot(api, app)
    answers: dict[str, Any] = {}
    for language in ("de", "en"):
        body = {"idempotency_key": str(uuid.uuid4()), "schema_version": INSTITUTIONS.schema_version,
                "changes": [change, bad_range]}
        r = api.post("/api/v1/sync/institutions/push", body, "melle.editor", headers={"Accept-Language": language})
        assert r.status_code == 422, r.get_json()
        answers[language] = r.get_json()
    results = answers["de"]["results"]
    assert {(e["field"], e["code"]) for e in results[0]["errors"]} == {
        ("subcategory", "subcategory_mismatch"), ("email", "bad_email"), ("website", "bad_url"),
        ("age_max", "age_range"), ("postcode", "too_long"), ("name", "too_long")}
    assert {(e["field"], e["code"]) for e in results[1]["errors"]} == {
        ("age_min", "out_of_range"), ("age_max", "out_of_range")}
    german = {e["code"]: e["message"] for e in results[0]["errors"]}
    english = {e["code"]: e["message"] for e in answers["en"]["results"][0]["errors"]}
    assert german["age_range"] == "Das Mindestalter ist größer als das Höchstalter."
    assert english["age_range"] == "The minimum age is above the maximum age."
    assert "info at melle.de" in german["bad_email"] and german["bad_email"] != english["bad_email"]
    assert snapshot(api, app) == before


def test_a_mixed_push_judges_each_change_as_it_is_judged_alone(api: Api, app: Flask) -> None:
    """The push checks a part of changes a column at a time: each change of a push mixing every kind of
    problem gets exactly the verdict, problems (with their order and parameters) it gets pushed alone."""
    own, _foreign = own_and_foreign(api)
    p = melle_point(api)
    served = api.get("/api/v1/layers/institutions").get_json()
    subcategories = next(f for f in served["fields"] if f["name"] == "subcategory")["choices"]
    foreign_sub = next(c["value"] for c in subcategories if c["parent"] != "beratung")
    part = [{**change, "id": str(uuid.uuid4()) if change["id"] != "not-a-uuid" else change["id"]}
            for change, _field in _invalid_cases(p)] + [
        insert(None, p.x, p.y, subcategory=foreign_sub, website="www.melle.de", opening_hours="immer",
               age_min=True, age_max=130, name="x" * 201, farbe="rot", last_checked="2024-13-01"),
        insert(None, p.x, p.y, name="  ", category=None, description=5, service_area="03459019, ?"),
        {**insert(None, p.x, p.y), "properties": "keine"},
        update_of(own[0], name=" Umbenannt ", age_min=3, age_max=6.0),
        update_of(own[1], email="keine-adresse", owner="gibtsnicht"),
        insert(None, p.x + 10, p.y + 10, name="Gut", age_min=0, age_max=99),
    ]
    before = snapshot(api, app)
    r = api.push("institutions", part, "melle.editor")
    assert r.status_code == 422, r.get_json()
    together = r.get_json()["results"]
    for change, result in zip(part, together, strict=True):
        if result["status"] == "not_applied":
            continue
        alone = api.push("institutions", [change], "melle.editor")
        assert alone.status_code in (403, 422), (change, alone.get_json())
        assert {**alone.get_json()["results"][0], "index": result["index"]} == result, change
    assert [x["status"] for x in together].count("not_applied") == 2
    assert [(e["field"], e["code"]) for e in together[10]["errors"]] == [  # unknown fields, fields in the
        ("farbe", "unknown_field"), ("name", "too_long"), ("age_min", "wrong_type"),  # layer's order, choices,
        ("age_max", "out_of_range"), ("last_checked", "bad_date"), ("subcategory", "subcategory_mismatch"),  # rules,
        ("website", "bad_url"), ("opening_hours", "bad_opening_hours")]  # formats
    assert snapshot(api, app) == before
