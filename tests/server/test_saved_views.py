"""Saved views of the expert mode and the web map's cookie login: who may see and change a view (cell by
cell), the admin's decisions and the public featured list, and that the cookie login is CSRF-protected
while the Bearer API stays as it was."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.demo.loader import demo_password
from tests import conftest
from tests.support import BRAMSCHE, MELLE, Api, expired

STATE = {"indicator": "bev_u6", "level": "gemeinde", "year": 2022, "unit": MELLE, "compare": [BRAMSCHE],
         "method": "quantile", "classes": 5, "map": "10/52.28/8.05"}


def _save(api: Api, user: str, name: str = "Kinder unter 6", **extra: Any) -> dict[str, Any]:
    response = api.post("/api/v1/views", {"name": name, "state": STATE, **extra}, user)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _sharing(api: Api, key: str, shares: bool) -> None:
    municipality = api.municipality(key)
    response = api.patch(f"/api/v1/municipalities/{municipality['id']}", {"shares_unpublished": shares}, "admin")
    assert response.status_code == 200, response.get_json()


def _names(api: Api, user: str) -> set[str]:
    response = api.get("/api/v1/views", user)
    assert response.status_code == 200, response.get_json()
    return {v["name"] for v in response.get_json()}


def test_reading_views_cell_by_cell(api: Api) -> None:
    private = _save(api, "melle.editor", "Privat")
    shared = _save(api, "melle.editor", "Geteilt", visibility="shared")
    assert private["municipality"]["key"] == MELLE and private["state"] == STATE and private["may_edit"]
    assert private["visibility"] == "private" and private["featured"] == "none"

    assert _names(api, "melle.editor") == {"Privat", "Geteilt"}
    assert _names(api, "melle.reader") == {"Privat", "Geteilt"}  # the own municipality reads all of its views
    assert _names(api, "admin") == {"Privat", "Geteilt"}
    # Another municipality sees the shared view while Melle shares its data, never the private one.
    assert _names(api, "bramsche.editor") == {"Geteilt"}
    assert _names(api, "bramsche.reader") == {"Geteilt"}
    assert api.get(f"/api/v1/views/{private['id']}", "bramsche.editor").status_code == 404
    seen = api.get(f"/api/v1/views/{shared['id']}", "bramsche.editor").get_json()
    assert seen["name"] == "Geteilt" and seen["may_edit"] is False

    _sharing(api, MELLE, False)
    assert _names(api, "bramsche.editor") == set()
    gone = api.get(f"/api/v1/views/{shared['id']}", "bramsche.editor")
    assert gone.status_code == 404 and gone.get_json()["code"] == "view_not_found"
    assert _names(api, "melle.editor") == {"Privat", "Geteilt"} and _names(api, "admin") == {"Privat", "Geteilt"}
    _sharing(api, MELLE, True)
    assert _names(api, "bramsche.editor") == {"Geteilt"}

    assert api.get("/api/v1/views").status_code == 401  # visitors see only the featured list
    assert api.get(f"/api/v1/views/{shared['id']}").status_code == 401
    assert api.get("/api/v1/public/views").get_json() == []


def test_changing_views_cell_by_cell(api: Api) -> None:
    view = _save(api, "melle.editor", visibility="shared")
    path = f"/api/v1/views/{view['id']}"

    def refused(user: str, code: str) -> None:
        for response in (api.patch(path, {"name": "Fremd"}, user),
                         api.client.delete(path, headers=api.headers(user)),
                         api.post(f"{path}/propose", None, user)):
            assert response.status_code == 403, (user, response.get_json())
            assert response.get_json()["code"] == code

    refused("bramsche.editor", "view_not_owner")  # shared, so visible: still not theirs
    refused("admin", "view_not_owner")  # the admin decides on proposals but changes no municipality's view
    refused("melle.reader", "read_only_role")  # readers save and change nothing, as in QGIS
    reader_save = api.post("/api/v1/views", {"name": "Leser", "state": STATE}, "melle.reader")
    assert reader_save.status_code == 403 and reader_save.get_json()["code"] == "read_only_role"
    _sharing(api, MELLE, False)
    hidden = api.patch(path, {"name": "Fremd"}, "bramsche.editor")
    assert hidden.status_code == 404  # not shared: it does not exist for Bramsche
    _sharing(api, MELLE, True)
    assert api.get(path, "melle.editor").get_json()["name"] == "Kinder unter 6"  # nothing changed

    renamed = api.patch(path, {"name": "  Kita-Kinder ", "visibility": "private"}, "melle.editor")
    assert renamed.status_code == 200, renamed.get_json()
    assert renamed.get_json()["name"] == "Kita-Kinder" and renamed.get_json()["visibility"] == "private"
    assert api.client.delete(path, headers=api.headers("melle.editor")).status_code == 204
    assert api.get(path, "melle.editor").status_code == 404
    actions = [e["action"] for e in api.get("/api/v1/admin/audit?limit=20", "admin").get_json()
               if e["target"] == f"view:{view['id']}"]
    assert actions == ["view_deleted", "view_changed", "view_created"]


def test_proposal_publication_and_the_public_list(api: Api) -> None:
    view = _save(api, "melle.editor", "Kinderarmut im Vergleich")
    path = f"/api/v1/views/{view['id']}"
    early = api.post(f"{path}/publish", None, "admin")
    assert early.status_code == 409 and early.get_json()["code"] == "view_wrong_state"
    assert api.post(f"{path}/publish", None, "melle.editor").get_json()["code"] == "admin_only"
    tag = api.get("/api/v1/public/views").headers["ETag"]

    proposed = api.post(f"{path}/propose", None, "melle.editor")
    assert proposed.status_code == 200 and proposed.get_json()["featured"] == "proposed"
    declined = api.post(f"{path}/decline", {"reason": "Bitte mit Kreiswert"}, "admin").get_json()
    assert declined["featured"] == "declined" and declined["reason"] == "Bitte mit Kreiswert"
    assert api.post(f"{path}/propose", None, "melle.editor").get_json()["featured"] == "proposed"
    published = api.post(f"{path}/publish", None, "admin")
    assert published.status_code == 200 and published.get_json()["featured"] == "published"

    public = api.get("/api/v1/public/views", headers={"If-None-Match": tag})
    assert public.status_code == 200  # the validator moved with the publication
    assert public.headers["Cache-Control"].startswith("public")
    featured = public.get_json()
    assert [(v["name"], v["municipality"], v["state"]) for v in featured] == [
        ("Kinderarmut im Vergleich", "Melle", STATE)]
    assert "author" not in featured[0]  # no staff names in the public atlas
    # Bramsche sees the published view (it is public) but still may not change it.
    assert "Kinderarmut im Vergleich" in _names(api, "bramsche.editor")
    assert api.patch(path, {"name": "x"}, "bramsche.editor").get_json()["code"] == "view_not_owner"
    changed = api.patch(path, {"name": "Anders"}, "melle.editor")
    assert changed.status_code == 409 and changed.get_json()["code"] == "view_published"

    tag = public.headers["ETag"]
    unpublished = api.post(f"{path}/unpublish", None, "admin")
    assert unpublished.status_code == 200 and unpublished.get_json()["featured"] == "none"
    after = api.get("/api/v1/public/views", headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.get_json() == []
    assert "Kinderarmut im Vergleich" not in _names(api, "bramsche.editor")  # private again


def test_bad_views_are_refused_naming_the_field(api: Api) -> None:
    cases = [
        ({"name": "x"}, "state"),
        ({"name": "", "state": STATE}, "name"),
        ({"name": "x" * 121, "state": STATE}, "name"),
        ({"name": "x", "state": STATE, "visibility": "public"}, "visibility"),
        ({"name": "x", "state": {**STATE, "indicator": "gibtsnicht"}}, "state.indicator"),
        ({"name": "x", "state": {**STATE, "level": "ortsteil_x"}}, "state.level"),
        ({"name": "x", "state": {**STATE, "year": 1200}}, "state.year"),
        ({"name": "x", "state": {**STATE, "compare": ["a", "b", "c", "d", "e", "f"]}}, "state.compare"),
        ({"name": "x", "state": {**STATE, "compare": [5]}}, "state.compare"),
        ({"name": "x", "state": {**STATE, "method": "jenks"}}, "state.method"),
        ({"name": "x", "state": {**STATE, "classes": 40}}, "state.classes"),
        ({"name": "x", "state": {**STATE, "map": "<script>"}}, "state.map"),
        ({"name": "x", "state": {**STATE, "colour": "rot"}}, "state.colour"),
        ({"name": "x", "state": "bev_u6"}, "state"),
    ]
    for body, field in cases:
        response = api.post("/api/v1/views", body, "melle.editor")
        assert response.status_code == 422, (body, response.get_json())
        assert field in [e["field"] for e in response.get_json()["errors"]], (body, response.get_json())
    assert api.get("/api/v1/views", "melle.editor").get_json() == []
    assert api.get("/api/v1/views/99999999999", "melle.editor").status_code == 404


def test_an_indicator_that_views_show_is_not_deleted(api: Api) -> None:
    new = {"key": "bev_neu", "name_de": "Neue Zählung", "name_en": "New count", "theme": "bevoelkerung",
           "unit": "count", "kind": "count", "levels": ["gemeinde"]}
    assert api.post("/api/v1/indicators", {**new, "key": "bev_alt"}, "admin").status_code == 201
    state = {**STATE, "indicator": "bev_alt"}
    melle = _save(api, "melle.editor", "Neue Zählung Melle", state=state)
    bramsche = _save(api, "bramsche.editor", "Neu in Bramsche", state=state)
    _save(api, "melle.editor", "Andere Ansicht")  # shows bev_u6: not counted
    # A key that changes (possible while it has no values) follows into the views: none names a gone key.
    assert api.patch("/api/v1/indicators/bev_alt", {"key": "bev_neu"}, "admin").status_code == 200
    followed = api.get(f"/api/v1/views/{melle['id']}", "melle.editor").get_json()
    assert followed["state"] == {**STATE, "indicator": "bev_neu"}
    assert followed["updated_at"] == melle["updated_at"]  # the catalogue's change, not Melle's
    before = api.get("/api/v1/indicators").get_json()["version"]

    refused = api.client.delete("/api/v1/indicators/bev_neu", headers=api.headers("admin"))
    doc = refused.get_json()
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json", doc
    assert doc["code"] == "indicator_in_views"
    assert "(2: Neu in Bramsche (Bramsche); Neue Zählung Melle (Melle))" in doc["detail"], doc["detail"]
    assert "Gemeinden" in doc["detail"]
    english = api.client.delete("/api/v1/indicators/bev_neu", headers={**api.headers("admin"),
                                                                      "Accept-Language": "en"})
    assert english.get_json()["detail"].startswith("Saved views show indicator bev_neu (2: ")
    assert api.get("/api/v1/indicators").get_json()["version"] == before  # nothing changed
    # The rights of the delete stay: an editor is refused as before, whatever views exist.
    assert api.client.delete("/api/v1/indicators/bev_neu", headers=api.headers("melle.editor")).status_code == 403

    assert api.client.delete(f"/api/v1/views/{melle['id']}", headers=api.headers("melle.editor")).status_code == 204
    left = api.client.delete("/api/v1/indicators/bev_neu", headers={**api.headers("admin"),
                                                                "Accept-Language": "en"}).get_json()
    assert "(1: Neu in Bramsche (Bramsche))" in left["detail"], left
    assert api.client.delete(f"/api/v1/views/{bramsche['id']}",
                             headers=api.headers("bramsche.editor")).status_code == 204
    gone = api.client.delete("/api/v1/indicators/bev_neu", headers=api.headers("admin"))
    assert gone.status_code == 200 and gone.get_json()["deleted"] == "bev_neu"


# --- the web map's cookie login -------------------------------------------------------------------------


def _web_login(client: FlaskClient, user: str, **kw: Any) -> dict[str, Any]:
    response = client.post("/api/v1/auth/session", json={"username": user, "password": demo_password(user)}, **kw)
    assert response.status_code == 200, response.get_json()
    return response


def _set_cookies(response: Any) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def test_web_login_cookies_and_their_flags(app: Flask) -> None:
    response = _web_login(app.test_client(), "melle.editor")
    doc = response.get_json()
    assert set(doc) == {"user", "csrf_token", "expires_in"}  # no token in the answer the script reads
    assert doc["user"]["username"] == "melle.editor" and len(doc["csrf_token"]) >= 32
    cookies = _set_cookies(response)
    assert set(cookies) == {"fa_access", "fa_refresh"}
    for name, path in (("fa_access", "/api/v1/"), ("fa_refresh", "/api/v1/auth/session")):
        flags = [part.strip() for part in cookies[name].split(";")]
        assert "HttpOnly" in flags and "SameSite=Strict" in flags and f"Path={path}" in flags, flags
        assert not any(f.startswith(("Expires", "Max-Age")) for f in flags)  # gone when the browser closes
        assert "Secure" not in flags  # test mode, plain http to the loopback address: the demo case
    # Over HTTPS, and in production always, the cookies are Secure.
    https = _set_cookies(_web_login(app.test_client(), "melle.editor", base_url="https://localhost"))
    assert all("Secure" in c.split("; ") for c in https.values())


def test_production_cookies_are_secure_even_on_plain_http(db_url: str) -> None:
    settings = Settings(database_url=db_url, mode="production", jwt_secret=secrets.token_urlsafe(48)).checked()
    application = create_app(settings)
    try:
        cookies = _set_cookies(_web_login(application.test_client(), "melle.editor"))
        assert cookies and all("Secure" in c.split("; ") for c in cookies.values())
    finally:
        application.extensions["familienatlas"].engine.dispose()


def test_cookie_writes_need_the_csrf_token(app: Flask, api: Api) -> None:
    browser = app.test_client()
    csrf = _web_login(browser, "melle.editor").get_json()["csrf_token"]
    body = {"name": "Aus dem Browser", "state": STATE}
    assert browser.get("/api/v1/views").status_code == 200  # a read needs no CSRF token
    missing = browser.post("/api/v1/views", json=body)
    assert missing.status_code == 403 and missing.get_json()["code"] == "csrf_missing"
    wrong = browser.post("/api/v1/views", json=body, headers={"X-CSRF-TOKEN": "0" * 32})
    assert wrong.status_code == 403 and wrong.get_json()["code"] == "csrf_mismatch"
    assert browser.get("/api/v1/views").get_json() == []  # nothing written
    # Every cookie-authenticated write of the API is guarded the same way, not only the views.
    push = browser.post("/api/v1/sync/institutions/push", json={"idempotency_key": "k", "schema_version": 1,
                                                                "changes": []})
    assert push.status_code == 403 and push.get_json()["code"] == "csrf_missing"
    made = browser.post("/api/v1/views", json=body, headers={"X-CSRF-TOKEN": csrf})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["municipality"]["key"] == MELLE

    # The Bearer API is unchanged: no cookie, no CSRF token needed, tokens in the answer as before.
    login = api.login("bramsche.editor")
    assert {"access_token", "refresh_token", "token_type", "expires_in", "user"} <= set(login)
    assert not _set_cookies(api.client.post("/api/v1/auth/login", json={
        "username": "bramsche.editor", "password": demo_password("bramsche.editor")}))
    bearer = app.test_client().post("/api/v1/views", json=body,
                                    headers={"Authorization": f"Bearer {login['access_token']}"})
    assert bearer.status_code == 201 and bearer.get_json()["municipality"]["key"] == BRAMSCHE


def test_web_logout_revokes_the_login(app: Flask) -> None:
    browser = app.test_client()
    nobody = browser.get("/api/v1/auth/session")  # the page asks at every start: no login is no error
    assert nobody.status_code == 200 and nobody.get_json()["user"] is None and not _set_cookies(nobody)
    login = _web_login(browser, "melle.editor")
    csrf = login.get_json()["csrf_token"]
    access = _set_cookies(login)["fa_access"].split(";")[0].split("=", 1)[1]
    resumed = browser.get("/api/v1/auth/session")
    assert resumed.status_code == 200 and resumed.get_json()["csrf_token"] == csrf
    assert "fa_access" in _set_cookies(resumed)
    assert browser.delete("/api/v1/auth/session").get_json()["code"] == "csrf_missing"
    assert browser.delete("/api/v1/auth/session", headers={"X-CSRF-TOKEN": csrf}).status_code == 204
    assert browser.get("/api/v1/auth/session").get_json() == {"user": None, "csrf_token": None, "expires_in": 0}
    # A copy of the old access cookie no longer works: the login is revoked, as a QGIS logout.
    thief = app.test_client()
    thief.set_cookie("fa_access", access, path="/api/v1/")
    stolen = thief.get("/api/v1/views")
    assert stolen.status_code == 401 and stolen.get_json()["code"] == "token_revoked"


def test_an_expired_web_login_is_forgotten_with_its_401(app: Flask) -> None:
    browser = app.test_client()
    login = _set_cookies(_web_login(browser, "melle.editor"))
    cookies = {name: cookie.split(";")[0].split("=", 1)[1] for name, cookie in login.items()}
    browser.set_cookie("fa_refresh", expired(cookies["fa_refresh"], app), path="/api/v1/auth/session")
    browser.set_cookie("fa_access", expired(cookies["fa_access"], app), path="/api/v1/")
    ended = browser.get("/api/v1/auth/session")
    assert ended.status_code == 401 and ended.get_json()["code"] == "token_expired"
    removed = _set_cookies(ended)
    assert set(removed) == {"fa_access", "fa_refresh"}
    assert all("Expires=Thu, 01 Jan 1970" in c and "HttpOnly" in c for c in removed.values()), removed
    # The browser forgot the login: the next page load asks without cookies and gets no user, no 401.
    again = browser.get("/api/v1/auth/session")
    assert again.status_code == 200 and again.get_json()["user"] is None


def test_web_login_uses_the_accounts_rules(app: Flask, api: Api) -> None:
    browser = app.test_client()
    _web_login(browser, "bramsche.editor")
    user = next(u for u in api.get("/api/v1/admin/users", "admin").get_json() if u["username"] == "bramsche.editor")
    assert api.patch(f"/api/v1/admin/users/{user['id']}", {"active": False}, "admin").status_code == 200
    revoked = browser.get("/api/v1/views")
    assert revoked.status_code == 401 and revoked.get_json()["code"] == "token_revoked"
    again = app.test_client().post("/api/v1/auth/session", json={"username": "bramsche.editor",
                                                                 "password": demo_password("bramsche.editor")})
    assert again.status_code == 401 and again.get_json()["code"] == "wrong_credentials"
    for _ in range(5):
        app.test_client().post("/api/v1/auth/session", json={"username": "melle.editor", "password": "falsch"})
    locked = app.test_client().post("/api/v1/auth/session", json={"username": "melle.editor",
                                                                  "password": demo_password("melle.editor")})
    assert locked.status_code == 429 and locked.get_json()["code"] == "login_locked"


def test_the_county_publishes_its_own_views_and_a_deleted_view_leaves_the_public_list(api: Api) -> None:
    own = _save(api, "admin", "Landkreis im Überblick")
    assert own["may_edit"] and own["municipality"]["name"] == "Landkreis Osnabrück"
    assert api.post(f"/api/v1/views/{own['id']}/publish", None, "admin").get_json()["featured"] == "published"
    melle = _save(api, "melle.editor", "Melle")
    api.post(f"/api/v1/views/{melle['id']}/propose", None, "melle.editor")
    api.post(f"/api/v1/views/{melle['id']}/publish", None, "admin")
    public = api.get("/api/v1/public/views")
    assert [v["name"] for v in public.get_json()] == ["Melle", "Landkreis im Überblick"]  # newest first
    tag = public.headers["ETag"]
    assert api.client.delete(f"/api/v1/views/{melle['id']}", headers=api.headers("melle.editor")).status_code == 204
    after = api.get("/api/v1/public/views", headers={"If-None-Match": tag})
    assert after.status_code == 200 and [v["name"] for v in after.get_json()] == ["Landkreis im Überblick"]
    decisions = [e["action"] for e in api.get("/api/v1/admin/audit?limit=50", "admin").get_json()
                 if e["action"].startswith("view_")]
    assert decisions == ["view_deleted", "view_published", "view_proposed", "view_created", "view_published",
                         "view_created"]


def test_other_sites_get_no_login_through_cors(db_url: str) -> None:
    """The public API may be opened to other sites; the login may not: no credentials, no CSRF header."""
    application = create_app(conftest.test_settings(db_url, cors_origins=("https://www.melle.de",)))
    try:
        client = application.test_client()
        answer = client.get("/api/v1/public/views", headers={"Origin": "https://www.melle.de"})
        assert answer.headers["Access-Control-Allow-Origin"] == "https://www.melle.de"
        assert "Access-Control-Allow-Credentials" not in answer.headers
        assert "x-csrf-token" not in answer.headers["Access-Control-Allow-Headers"].lower()
    finally:
        application.extensions["familienatlas"].engine.dispose()
