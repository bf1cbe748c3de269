"""The atlas configuration and user administration API: the rights table cell by cell, then behaviour
(spatial levels, categories, duplicate keys, territories, accounts, the audit log).

Every test runs on SQLite and PostgreSQL/PostGIS (through the ``api`` fixture) against the real app.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from shapely.geometry import MultiPolygon, mapping, shape
from sqlalchemy import text

from sync_server.domain.geometry import reproject
from tests.support import BRAMSCHE, COUNTY, MELLE, insert

API = "/api/v1"
ROLES = ("admin", "editor", "reader", "anonymous")
USER_OF_ROLE = {"admin": "admin", "editor": "melle.editor", "reader": "melle.reader", "anonymous": None}
CONFIG_TABLES = ("municipalities", "spatial_levels", "categories", "users", "audit_log")


def assert_problem(response, status: int, code: str | None = None) -> dict[str, Any]:  # noqa: ANN001
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json"
    doc = response.get_json()
    assert doc["status"] == status
    assert {"type", "title", "status", "code", "detail"} <= set(doc)
    if code is not None:
        assert doc["code"] == code, doc
    return doc


def field_names(doc: dict) -> list[str]:
    return [e["field"] for e in doc.get("errors", [])]


def snapshot(app, tables: tuple[str, ...] = CONFIG_TABLES) -> str:  # noqa: ANN001
    """A digest of every row of ``tables``: equal digests mean nothing was written."""
    digest = hashlib.sha256()
    with app.extensions["familienatlas"].engine.connect() as conn:
        for table in tables:
            for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1")):  # noqa: S608 - fixed names
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def level_id(api, key: str) -> int:  # noqa: ANN001
    return next(lv["id"] for lv in api.get(f"{API}/spatial-levels").get_json() if lv["key"] == key)


def category(api, key: str) -> dict:  # noqa: ANN001
    return next(c for c in api.get(f"{API}/categories").get_json() if c["key"] == key)


def user_id(api, username: str) -> int:  # noqa: ANN001
    return next(u["id"] for u in api.get(f"{API}/admin/users", "admin").get_json() if u["username"] == username)


def audit(api, **filters: Any) -> list[dict]:  # noqa: ANN001
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    r = api.get(f"{API}/admin/audit?{query}", "admin")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


# --- the rights table, cell by cell ---------------------------------------------------------------

# (method, path with {placeholders}, body, answer when allowed, who may: "public" | "admin")
ENDPOINTS = [
    ("GET", "/municipalities", None, 200, "public"),
    ("GET", "/municipalities/{melle}", None, 200, "public"),
    ("POST", "/municipalities", {"key": "034599999999", "name": "Neustadt am Test", "kind": "Gemeinde",
                                 "parent_id": "{county}"}, 201, "admin"),
    # the editor's and reader's own municipality (Melle), and another one (Bramsche)
    ("PATCH", "/municipalities/{melle}", {"shares_unpublished": False}, 200, "admin"),
    ("PATCH", "/municipalities/{bramsche}", {"shares_unpublished": False}, 200, "admin"),
    ("GET", "/spatial-levels", None, 200, "public"),
    ("POST", "/spatial-levels", {"key": "stadtbezirk", "name": "Stadtbezirk", "rank": 5,
                                 "parent_id": "{gemeinde_level}"}, 201, "admin"),
    ("PATCH", "/spatial-levels/{ortsteil_level}", {"name": "Ortsteil / Ortschaft"}, 200, "admin"),
    ("GET", "/categories", None, 200, "public"),
    ("POST", "/categories", {"key": "mobilitaet", "name": "Mobilität", "color": "#336699"}, 201, "admin"),
    ("PATCH", "/categories/{beratung}", {"name": "Beratung und Hilfe"}, 200, "admin"),
    ("PATCH", "/categories/{kindertagespflege}", {"keywords_de": ["Tagesmutter", "Tagesvater"],
                                                   "keywords_en": ["childminder"], "name_en": "Childminding"},
     200, "admin"),
    ("GET", "/admin/users", None, 200, "admin"),
    ("POST", "/admin/users", {"username": "neu.editor", "password": "ein-sicheres-passwort", "role": "editor",
                              "municipality_id": "{melle}"}, 201, "admin"),
    ("PATCH", "/admin/users/{melle_reader}", {"display_name": "Lesende Person"}, 200, "admin"),
    ("PATCH", "/admin/users/{bramsche_reader}", {"display_name": "Lesende Person"}, 200, "admin"),
    ("PATCH", "/admin/users/{melle_editor}", {"role": "reader"}, 200, "admin"),
    ("POST", "/admin/users", {"username": "neu.bramsche", "password": "ein-sicheres-passwort", "role": "editor",
                              "municipality_id": "{bramsche}"}, 201, "admin"),
    ("GET", "/admin/audit", None, 200, "admin"),
]


def _ids(api) -> dict[str, int]:  # noqa: ANN001
    return {"melle": api.municipality(MELLE)["id"], "county": api.municipality(COUNTY)["id"],
            "gemeinde_level": level_id(api, "gemeinde"), "ortsteil_level": level_id(api, "ortsteil"),
            "beratung": category(api, "beratung")["id"],
            "kindertagespflege": category(api, "kindertagespflege")["id"], "melle_reader": user_id(api, "melle.reader"),
            "bramsche": api.municipality(BRAMSCHE)["id"], "bramsche_reader": user_id(api, "bramsche.reader"),
            "melle_editor": user_id(api, "melle.editor")}


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _expected(allowed_for: str, role: str, ok: int) -> int:
    if allowed_for == "public" or role == "admin":
        return ok
    return 401 if role == "anonymous" else 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "body", "ok", "allowed_for"), ENDPOINTS,
                         ids=[f"{m} {p}" for m, p, *_ in ENDPOINTS])
def test_rights_table(api, app, role: str, method: str, path: str, body: dict | None, ok: int,  # noqa: ANN001
                      allowed_for: str) -> None:
    ids = _ids(api)
    user = USER_OF_ROLE[role]
    api.headers(user)  # log in first: a login writes to the audit log
    before = snapshot(app)
    url = API + path.format(**ids)
    body = _fill(body, ids)
    if method == "GET":
        r = api.get(url, user)
    elif method == "POST":
        r = api.post(url, body, user)
    else:
        r = api.patch(url, body, user)
    expected = _expected(allowed_for, role, ok)
    if expected >= 400:
        assert_problem(r, expected, "missing_token" if expected == 401 else "admin_only")
        assert snapshot(app) == before, "a refused request changed the database"
        return
    assert r.status_code == expected, r.get_json()
    assert r.mimetype == "application/json"
    if method == "GET":
        assert snapshot(app) == before
        assert r.get_json()
    else:
        answer = r.get_json()
        for key, value in body.items():
            if key == "municipality_id":
                assert answer["municipality"]["id"] == value
            elif key != "password":
                assert answer[key] == value, key
        assert "password" not in answer and "password_hash" not in answer


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE", "PUT"])
def test_the_audit_log_cannot_be_written(api, app, method: str) -> None:  # noqa: ANN001
    api.headers("admin")
    before = snapshot(app)
    r = api.client.open(f"{API}/admin/audit", method=method, json={"action": "x"}, headers=api.headers("admin"))
    assert_problem(r, 405, "method_not_allowed")
    assert snapshot(app) == before


def test_nothing_can_be_deleted_through_the_configuration_api(api, app) -> None:  # noqa: ANN001
    ids = _ids(api)
    api.headers("admin")
    before = snapshot(app)
    for path in (f"/municipalities/{ids['melle']}", f"/spatial-levels/{ids['ortsteil_level']}",
                 f"/categories/{ids['beratung']}", f"/admin/users/{ids['melle_reader']}"):
        assert_problem(api.client.delete(API + path, headers=api.headers("admin")), 405, "method_not_allowed")
    assert snapshot(app) == before


def test_anonymous_readers_see_the_configuration(api) -> None:  # noqa: ANN001
    municipalities = api.get(f"{API}/municipalities").get_json()
    assert len(municipalities) == 1 + 17 + 4 + 17  # county, Einheitsgemeinden, Samtgemeinden, members
    melle = next(m for m in municipalities if m["key"] == MELLE)
    assert melle["territory"]["type"] == "MultiPolygon"
    assert melle["kind"] == "Stadt"
    lean = api.get(f"{API}/municipalities?territory=false").get_json()
    assert all("territory" not in m for m in lean)
    assert len(lean) == len(municipalities)
    assert [lv["key"] for lv in api.get(f"{API}/spatial-levels").get_json()] == [
        "landkreis", "gemeinde", "mitgliedsgemeinde", "ortsteil"]
    assert category(api, "beratung")["parent_id"] is None
    assert_problem(api.get(f"{API}/municipalities/999999"), 404, "municipality_not_found")


# --- spatial levels -------------------------------------------------------------------------------


def test_spatial_level_hierarchy(api) -> None:  # noqa: ANN001
    levels = api.get(f"{API}/spatial-levels").get_json()
    by_key = {lv["key"]: lv for lv in levels}
    assert by_key["landkreis"]["parent_id"] is None
    assert by_key["gemeinde"]["parent_id"] == by_key["landkreis"]["id"]
    assert by_key["mitgliedsgemeinde"]["parent_id"] == by_key["gemeinde"]["id"]
    assert by_key["ortsteil"]["parent_id"] == by_key["mitgliedsgemeinde"]["id"]
    assert by_key["ortsteil"]["maintained_by_municipalities"] is True
    assert [lv["rank"] for lv in levels] == sorted(lv["rank"] for lv in levels)

    r = api.post(f"{API}/spatial-levels", {"key": "stadtbezirk", "name": "Stadtbezirk", "rank": 5,
                                           "parent_id": by_key["gemeinde"]["id"],
                                           "maintained_by_municipalities": True}, "admin")
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    assert created == {"id": created["id"], "key": "stadtbezirk", "name": "Stadtbezirk", "rank": 5,
                       "parent_id": by_key["gemeinde"]["id"], "maintained_by_municipalities": True}
    levels = api.get(f"{API}/spatial-levels").get_json()
    assert [lv["key"] for lv in levels][-1] == "stadtbezirk"

    # the new level is offered to clients and accepted in a push at once
    layer = api.get(f"{API}/layers/spatial_units").get_json()
    level_field = next(f for f in layer["fields"] if f["name"] == "level")
    assert "stadtbezirk" in [c["value"] for c in level_field["choices"]]
    melle = shape(api.municipality(MELLE)["territory"])
    cell = melle.buffer(-3000).intersection(melle.centroid.buffer(1500))
    unit = {"op": "insert", "id": str(uuid.uuid4()), "geometry": mapping(cell),
            "properties": {"level": "stadtbezirk", "key": "MEL-SB-1", "name": "Bezirk Mitte"}}
    r = api.push("spatial_units", [unit], "admin")
    assert r.status_code == 200, r.get_json()

    r = api.patch(f"{API}/spatial-levels/{created['id']}", {"name": "Stadtbezirk (neu)", "rank": 6}, "admin")
    assert r.status_code == 200
    assert r.get_json()["name"] == "Stadtbezirk (neu)" and r.get_json()["key"] == "stadtbezirk"
    assert_problem(api.patch(f"{API}/spatial-levels/99999", {"name": "x"}, "admin"), 404, "level_not_found")


def test_spatial_level_parents_must_exist_and_not_form_a_cycle(api, app) -> None:  # noqa: ANN001
    landkreis, ortsteil = level_id(api, "landkreis"), level_id(api, "ortsteil")
    api.headers("admin")
    before = snapshot(app)
    doc = assert_problem(api.post(f"{API}/spatial-levels", {"key": "x", "name": "X", "rank": 9, "parent_id": 4242},
                                  "admin"), 422, "invalid_body")
    assert field_names(doc) == ["parent_id"]
    doc = assert_problem(api.patch(f"{API}/spatial-levels/{ortsteil}", {"parent_id": ortsteil}, "admin"), 422)
    assert field_names(doc) == ["parent_id"]
    # the Landkreis below its own Ortsteile would make the hierarchy a circle
    doc = assert_problem(api.patch(f"{API}/spatial-levels/{landkreis}", {"parent_id": ortsteil}, "admin"), 422)
    assert field_names(doc) == ["parent_id"]
    assert snapshot(app) == before


# --- categories -----------------------------------------------------------------------------------


def test_category_and_subcategory(api) -> None:  # noqa: ANN001
    r = api.post(f"{API}/categories", {"key": "mobilitaet", "name": "Mobilität", "color": "#336699"}, "admin")
    assert r.status_code == 201, r.get_json()
    top = r.get_json()
    assert top["parent_id"] is None and top["color"] == "#336699"
    r = api.post(f"{API}/categories", {"key": "buergerbus", "name": "Bürgerbus", "parent_id": top["id"]},
                 "admin")
    assert r.status_code == 201, r.get_json()
    sub = r.get_json()
    assert sub["parent_id"] == top["id"]
    assert {c["key"] for c in api.get(f"{API}/categories").get_json()} >= {"mobilitaet", "buergerbus"}

    fields = {f["name"]: f for f in api.get(f"{API}/layers/institutions").get_json()["fields"]}
    assert {"value": "mobilitaet", "label": "Mobilität"} in fields["category"]["choices"]
    assert {"value": "buergerbus", "label": "Bürgerbus", "parent": "mobilitaet"} in fields["subcategory"]["choices"]
    p = shape(api.municipality(MELLE)["territory"]).representative_point()
    change = insert(None, p.x, p.y, category="mobilitaet", subcategory="buergerbus", name="Bürgerbus Melle")
    r = api.push("institutions", [change], "melle.editor")
    assert r.status_code == 200, r.get_json()
    # the new subcategory belongs to its category only
    change = insert(None, p.x, p.y, category="beratung", subcategory="buergerbus", name="Falsch")
    assert api.push("institutions", [change], "melle.editor").status_code == 422


def test_the_catalogue_has_two_levels_only(api, app) -> None:  # noqa: ANN001
    top = api.post(f"{API}/categories", {"key": "mobilitaet", "name": "Mobilität"}, "admin").get_json()
    sub = api.post(f"{API}/categories", {"key": "buergerbus", "name": "Bürgerbus", "parent_id": top["id"]},
                   "admin").get_json()
    before = snapshot(app)
    r = api.post(f"{API}/categories", {"key": "rufbus", "name": "Rufbus", "parent_id": sub["id"]}, "admin")
    doc = assert_problem(r, 422, "invalid_body")
    assert field_names(doc) == ["parent_id"]
    assert doc["errors"][0]["code"] == "category_depth"
    # nor can an existing subcategory be hung below another subcategory
    other_sub = next(c for c in api.get(f"{API}/categories").get_json() if c["parent_id"] not in (None, top["id"]))
    r = api.patch(f"{API}/categories/{other_sub['id']}", {"parent_id": sub["id"]}, "admin")
    assert_problem(r, 422, "invalid_body")
    # nor a category that has subcategories of its own be made a subcategory (a third level again)
    beratung = category(api, "beratung")
    r = api.patch(f"{API}/categories/{top['id']}", {"parent_id": beratung["id"]}, "admin")
    doc = assert_problem(r, 422, "invalid_body")
    assert field_names(doc) == ["parent_id"]
    assert snapshot(app) == before


@pytest.mark.parametrize("color", ["blue", "#12345", "#1234567", 336699])
def test_category_colours_are_checked(api, color: Any) -> None:  # noqa: ANN001
    doc = assert_problem(api.post(f"{API}/categories", {"key": "mobilitaet", "name": "Mobilität", "color": color},
                                  "admin"), 422, "invalid_body")
    assert field_names(doc) == ["color"]


# --- duplicate keys -------------------------------------------------------------------------------


def test_duplicate_keys_are_409(api, app) -> None:  # noqa: ANN001
    ids = _ids(api)
    api.headers("admin")
    before = snapshot(app)
    cases = [
        (f"{API}/municipalities", {"key": MELLE, "name": "Zweites Melle", "kind": "Stadt"}, "key_taken"),
        (f"{API}/spatial-levels", {"key": "ortsteil", "name": "Noch ein Ortsteil", "rank": 7}, "key_taken"),
        (f"{API}/categories", {"key": "beratung", "name": "Noch eine Beratung"}, "key_taken"),
        (f"{API}/admin/users", {"username": "melle.editor", "password": "ein-sicheres-passwort", "role": "reader",
                                "municipality_id": ids["melle"]}, "username_taken"),
    ]
    for url, body, code in cases:
        doc = assert_problem(api.post(url, body, "admin"), 409, code)
        assert body.get("key", body.get("username")) in doc["detail"]
    # renaming onto a taken key is refused too; keeping one's own key is fine
    assert_problem(api.patch(f"{API}/municipalities/{ids['melle']}", {"key": BRAMSCHE}, "admin"), 409, "key_taken")
    assert_problem(api.patch(f"{API}/spatial-levels/{ids['ortsteil_level']}", {"key": "gemeinde"}, "admin"), 409)
    assert snapshot(app) == before
    assert api.patch(f"{API}/municipalities/{ids['melle']}", {"key": MELLE}, "admin").status_code == 200


# --- municipalities and territories ---------------------------------------------------------------


def test_territory_update_is_stored_served_and_used_for_ownership(api) -> None:  # noqa: ANN001
    melle = api.municipality(MELLE)
    old = shape(melle["territory"])
    new = old.buffer(-2000)  # Melle loses a 2 km strip along its border
    assert isinstance(new, MultiPolygon) or new.geom_type == "Polygon"
    # a point 500 m inside the old border: Melle's before, not after
    near_border = old.buffer(-500).boundary.interpolate(0)
    before = api.push("institutions", [insert(None, near_border.x, near_border.y)], "melle.editor")
    assert before.status_code == 200, before.get_json()

    r = api.patch(f"{API}/municipalities/{melle['id']}", {"territory": mapping(new)}, "admin")
    assert r.status_code == 200, r.get_json()
    served = shape(api.get(f"{API}/municipalities/{melle['id']}").get_json()["territory"])
    assert served.geom_type == "MultiPolygon"
    assert served.hausdorff_distance(new) < 0.01  # metres: the server rounds to millimetres
    assert served.area == pytest.approx(new.area, rel=1e-6)
    listed = shape(api.municipality(MELLE)["territory"])
    assert listed.equals_exact(served, 1e-6)

    after = api.push("institutions", [insert(None, near_border.x, near_border.y)], "melle.editor")
    assert after.status_code == 403, after.get_json()
    assert after.get_json()["results"][0]["code"] == "outside_territory"


def test_territory_in_wgs84_is_transformed_and_a_polygon_promoted(api) -> None:  # noqa: ANN001
    melle = api.municipality(MELLE)
    square = shape(melle["territory"]).centroid.buffer(3000, cap_style="square")
    lonlat = reproject(square, "EPSG:25832", "EPSG:4326")
    r = api.patch(f"{API}/municipalities/{melle['id']}", {"territory": mapping(lonlat), "crs": "EPSG:4326"},
                  "admin")
    assert r.status_code == 200, r.get_json()
    served = shape(r.get_json()["territory"])
    assert served.geom_type == "MultiPolygon"
    assert served.symmetric_difference(square).area < 0.01 * square.area
    assert served.bounds[0] > 100_000  # metres, not degrees


def test_admin_creates_a_municipality(api) -> None:  # noqa: ANN001
    county = api.municipality(COUNTY)
    square = shape(api.municipality(MELLE)["territory"]).centroid.buffer(1000, cap_style="square")
    r = api.post(f"{API}/municipalities", {"key": "034599999999", "name": "Neustadt am Test", "kind": "Gemeinde",
                                           "parent_id": county["id"], "territory": mapping(square),
                                           "shares_unpublished": False}, "admin")
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    assert created["parent_id"] == county["id"] and created["shares_unpublished"] is False
    assert shape(created["territory"]).area == pytest.approx(square.area, rel=1e-6)
    assert api.municipality("034599999999")["name"] == "Neustadt am Test"
    doc = assert_problem(api.post(f"{API}/municipalities", {"key": "034599999998", "name": "X", "kind": "Dorf"},
                                  "admin"), 422, "invalid_body")
    assert field_names(doc) == ["kind"]


def test_municipality_parents_must_not_form_a_cycle(api, app) -> None:  # noqa: ANN001
    county = api.municipality(COUNTY)
    member = next(m for m in api.get(f"{API}/municipalities?territory=false").get_json()
                  if m["parent_id"] not in (None, county["id"]))
    api.headers("admin")
    before = snapshot(app)
    r = api.patch(f"{API}/municipalities/{county['id']}", {"parent_id": member["id"]}, "admin")
    doc = assert_problem(r, 422, "invalid_body")
    assert field_names(doc) == ["parent_id"]
    # the message names the municipality, not only its database id
    assert doc["errors"][0]["message"].startswith(f"{member['name']} ({member['id']}) liegt selbst darunter")
    assert snapshot(app) == before


# --- accounts -------------------------------------------------------------------------------------


def test_admin_creates_an_editor_who_can_log_in(api) -> None:  # noqa: ANN001
    bramsche = api.municipality(BRAMSCHE)
    r = api.post(f"{API}/admin/users", {"username": "anna.schmidt", "display_name": "Anna Schmidt",
                                        "email": "anna.schmidt@bramsche.example", "password": "geheim-genug-42",
                                        "role": "editor", "municipality_id": bramsche["id"]}, "admin")
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    assert created["role"] == "editor" and created["active"] is True
    assert created["municipality"] == {"id": bramsche["id"], "key": BRAMSCHE, "name": "Bramsche"}
    assert "anna.schmidt" in [u["username"] for u in api.get(f"{API}/admin/users", "admin").get_json()]
    r = api.client.post(f"{API}/auth/login", json={"username": "anna.schmidt", "password": "geheim-genug-42"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["user"]["display_name"] == "Anna Schmidt"
    assert r.get_json()["user"]["municipality"]["key"] == BRAMSCHE


@pytest.mark.parametrize(("body", "field"), [
    ({"username": "x.y", "password": "kurz", "role": "editor"}, "password"),
    ({"username": "x.y", "password": "ein-sicheres-passwort", "role": "superuser"}, "role"),
    ({"username": "x.y", "password": "ein-sicheres-passwort", "role": "editor", "municipality_id": 99999},
     "municipality_id"),
    ({"password": "ein-sicheres-passwort", "role": "editor"}, "username"),
    ({"username": "   ", "password": "ein-sicheres-passwort", "role": "editor"}, "username"),
    ({"username": "x.y", "password": "ein-sicheres-passwort", "role": "editor", "is_admin": True}, "is_admin"),
])
def test_bad_user_accounts_are_refused(api, app, body: dict, field: str) -> None:  # noqa: ANN001
    body = {"municipality_id": api.municipality(MELLE)["id"], **body}
    api.headers("admin")
    before = snapshot(app)
    doc = assert_problem(api.post(f"{API}/admin/users", body, "admin"), 422)
    assert field in field_names(doc)
    assert snapshot(app) == before


def test_changing_an_unknown_user_is_404(api) -> None:  # noqa: ANN001
    assert_problem(api.patch(f"{API}/admin/users/99999", {"active": False}, "admin"), 404, "user_not_found")


def test_the_user_list_has_no_secrets(api) -> None:  # noqa: ANN001
    users = api.get(f"{API}/admin/users", "admin").get_json()
    assert len(users) == 8
    for user in users:
        assert not {"password", "password_hash", "token_version"} & set(user)


# --- the audit log --------------------------------------------------------------------------------


def test_audit_log_records_accounts_logins_and_configuration(api) -> None:  # noqa: ANN001
    admin_id = user_id(api, "admin")
    melle = api.municipality(MELLE)
    created = api.post(f"{API}/admin/users", {"username": "neu.editor", "password": "ein-sicheres-passwort",
                                              "role": "editor", "municipality_id": melle["id"]}, "admin").get_json()
    assert api.patch(f"{API}/admin/users/{created['id']}", {"role": "reader"}, "admin").status_code == 200
    assert api.client.post(f"{API}/auth/login", json={"username": "neu.editor",
                                                      "password": "ein-sicheres-passwort"}).status_code == 200
    assert api.patch(f"{API}/municipalities/{melle['id']}", {"shares_unpublished": False}, "admin").status_code == 200
    level = api.post(f"{API}/spatial-levels", {"key": "stadtbezirk", "name": "Stadtbezirk", "rank": 5},
                     "admin").get_json()
    cat = api.post(f"{API}/categories", {"key": "mobilitaet", "name": "Mobilität"}, "admin").get_json()

    [entry] = audit(api, action="user_created")[:1]
    assert entry["target"] == f"user:{created['id']}"
    assert entry["actor_id"] == admin_id
    assert entry["details"] == {"username": "neu.editor", "role": "editor", "municipality_id": melle["id"]}
    [entry] = audit(api, action="user_changed")[:1]
    assert entry["target"] == f"user:{created['id']}"
    assert entry["details"] == {"role": "reader"}
    logins = audit(api, action="login")
    assert {e["target"] for e in logins} >= {f"user:{admin_id}", f"user:{created['id']}"}
    assert logins[0]["actor_id"] == created["id"]  # newest first
    [entry] = audit(api, action="municipality_saved")[:1]
    assert entry["target"] == f"municipality:{melle['id']}" and entry["details"] == {"fields": ["shares_unpublished"]}
    [entry] = audit(api, action="spatial_level_saved")[:1]
    assert entry["target"] == f"spatial_level:{level['id']}"
    [entry] = audit(api, action="category_saved")[:1]
    assert entry["target"] == f"category:{cat['id']}"
    assert all(e["action"] == "category_saved" for e in audit(api, action="category_saved"))

    mine = audit(api, actor=created["id"])
    assert mine and all(e["actor_id"] == created["id"] for e in mine)
    assert len(audit(api, limit=2)) == 2
    everything = audit(api)
    assert [e["id"] for e in everything] == sorted((e["id"] for e in everything), reverse=True)


def test_audit_log_never_holds_passwords(api) -> None:  # noqa: ANN001
    melle = api.municipality(MELLE)
    created = api.post(f"{API}/admin/users", {"username": "neu.editor", "password": "ein-sicheres-passwort",
                                              "role": "editor", "municipality_id": melle["id"]}, "admin").get_json()
    api.patch(f"{API}/admin/users/{created['id']}", {"password": "noch-ein-passwort-99"}, "admin")
    h = api.headers("melle.editor")
    api.client.post(f"{API}/auth/password", json={"old_password": "demo-melle.editor",
                                                   "new_password": "mein-neues-passwort"}, headers=h)
    log = api.get(f"{API}/admin/audit?limit=5000", "admin").get_data(as_text=True)
    for secret in ("ein-sicheres-passwort", "noch-ein-passwort-99", "mein-neues-passwort", "demo-", "$argon2"):
        assert secret not in log
    assert audit(api, action="user_changed")[0]["details"] == {"password": "reset"}
    assert audit(api, action="password_changed")


def test_audit_log_time_filters(api) -> None:  # noqa: ANN001
    api.post(f"{API}/categories", {"key": "mobilitaet", "name": "Mobilität"}, "admin")
    now = datetime.now(UTC)
    hour_ago, in_an_hour = now - timedelta(hours=1), now + timedelta(hours=1)
    assert audit(api, action="category_saved", since=hour_ago.strftime("%Y-%m-%dT%H:%M:%S"))
    assert not audit(api, action="category_saved", since=in_an_hour.strftime("%Y-%m-%dT%H:%M:%S"))
    assert audit(api, action="category_saved", until=in_an_hour.strftime("%Y-%m-%dT%H:%M:%S"))
    # the same moments written in another time zone (UTC+2) select the same entries
    east = timezone(timedelta(hours=2))
    since = hour_ago.astimezone(east).isoformat().replace("+", "%2B")
    until = hour_ago.astimezone(east).isoformat().replace("+", "%2B")
    assert audit(api, action="category_saved", since=since)
    assert not audit(api, action="category_saved", until=until)


@pytest.mark.parametrize("query", ["since=gestern", "until=2024-13-01", "actor=abc", "limit=0", "limit=100000"])
def test_audit_log_bad_filters_are_422(api, query: str) -> None:  # noqa: ANN001
    doc = assert_problem(api.get(f"{API}/admin/audit?{query}", "admin"), 422, "invalid_query")
    assert field_names(doc) == [query.split("=")[0]]
