"""Accounts: login, tokens (refresh, logout, expiry, revocation), login throttling, passwords, languages.

Every test runs on SQLite and PostgreSQL/PostGIS (through the ``api`` fixture) against the real app.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import jwt
import pytest
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from sqlalchemy import text

from sync_server import messages
from sync_server.demo.loader import DEMO_USERS, demo_password

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/auth/me"
PASSWORD = "/api/v1/auth/password"
USERS = "/api/v1/admin/users"


def assert_problem(response, status: int, code: str) -> dict[str, Any]:  # noqa: ANN001
    """The response is an RFC 9457 problem document with this status and code."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json"
    doc = response.get_json()
    assert doc["status"] == status
    assert doc["code"] == code, doc
    assert doc["type"].endswith(code)
    assert doc["title"] and doc["detail"]
    return doc


def login(api, username: str, password: str | None = None, **headers: str):  # noqa: ANN001, ANN201
    return api.client.post(LOGIN, json={"username": username, "password": password or demo_password(username)},
                           headers=headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def me(api, token: str):  # noqa: ANN001, ANN201
    return api.client.get(ME, headers=bearer(token))


def user_id(api, username: str) -> int:  # noqa: ANN001
    return next(u["id"] for u in api.get(USERS, "admin").get_json() if u["username"] == username)


# --- login ----------------------------------------------------------------------------------------


def test_login_returns_tokens_and_user(api) -> None:  # noqa: ANN001
    r = login(api, "melle.editor")
    assert r.status_code == 200, r.get_json()
    doc = r.get_json()
    assert doc["access_token"] and doc["refresh_token"] and doc["access_token"] != doc["refresh_token"]
    assert doc["expires_in"] == 15 * 60
    user = doc["user"]
    assert user["username"] == "melle.editor"
    assert user["role"] == "editor"
    assert user["municipality"]["key"] == "034590024024"
    assert user["municipality"]["name"] == "Melle"
    assert {"id", "display_name"} <= set(user)
    assert "password_hash" not in user and "password" not in user
    # the access token works at once and names the same user
    r = me(api, doc["access_token"])
    assert r.status_code == 200
    assert r.get_json()["id"] == user["id"]


@pytest.mark.parametrize("username", [name for name, _role, _key in DEMO_USERS])
def test_every_demo_account_logs_in_with_its_role(api, username: str) -> None:  # noqa: ANN001
    r = login(api, username)
    assert r.status_code == 200
    role = next(role for name, role, _key in DEMO_USERS if name == username)
    assert r.get_json()["user"]["role"] == role


def test_wrong_password_and_unknown_user_look_the_same(api) -> None:  # noqa: ANN001
    wrong = assert_problem(login(api, "melle.editor", "not-the-password"), 401, "wrong_credentials")
    unknown = assert_problem(login(api, "nobody.here", "not-the-password"), 401, "wrong_credentials")
    assert wrong["detail"] == unknown["detail"] == "Benutzername oder Passwort ist falsch."
    assert wrong == unknown
    # a user name differing only in case is another (unknown) name, not a way in
    assert_problem(login(api, "Melle.Editor", demo_password("melle.editor")), 401, "wrong_credentials")


@pytest.mark.parametrize("body", [{}, {"username": "melle.editor"}, {"password": "x"},
                                  {"username": 5, "password": "demo-melle.editor"},
                                  {"username": "", "password": ""}])
def test_login_without_name_or_password_is_refused(api, body: dict) -> None:  # noqa: ANN001
    r = api.client.post(LOGIN, json=body)
    assert r.status_code in (401, 422)
    assert r.mimetype == "application/problem+json"
    assert "access_token" not in r.get_json()


# --- 401 and 403 ----------------------------------------------------------------------------------


def test_401_means_who_are_you_and_403_means_you_may_not(api) -> None:  # noqa: ANN001
    r = api.client.get(USERS)
    assert_problem(r, 401, "missing_token")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    doc = assert_problem(api.get(USERS, "melle.reader"), 403, "admin_only")
    assert "reader" in doc["detail"]
    assert_problem(api.get(USERS, "melle.editor"), 403, "admin_only")
    assert api.get(USERS, "admin").status_code == 200


@pytest.mark.parametrize("header", ["Bearer not.a.token", "Bearer ", "Basic YWRtaW46YWRtaW4=", "Bearer a b c"])
def test_garbage_tokens_are_401(api, header: str) -> None:  # noqa: ANN001
    r = api.client.get(ME, headers={"Authorization": header})
    assert r.status_code == 401
    assert r.mimetype == "application/problem+json"
    assert r.get_json()["code"] in ("token_invalid", "missing_token")


def test_token_signed_with_another_secret_is_refused(api) -> None:  # noqa: ANN001
    token = login(api, "admin").get_json()["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert me(api, token).status_code == 200
    forged = jwt.encode(claims, "another-secret-" + "y" * 40, algorithm="HS256")
    assert_problem(me(api, forged), 401, "token_invalid")
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert_problem(me(api, unsigned), 401, "token_invalid")


# --- refresh and logout ---------------------------------------------------------------------------


def test_refresh_gives_a_working_access_token(api) -> None:  # noqa: ANN001
    tokens = login(api, "melle.reader").get_json()
    r = api.client.post(REFRESH, headers=bearer(tokens["refresh_token"]))
    assert r.status_code == 200, r.get_json()
    doc = r.get_json()
    assert doc["expires_in"] == 15 * 60
    assert "refresh_token" not in doc
    assert doc["access_token"] != tokens["access_token"]
    assert me(api, doc["access_token"]).get_json()["username"] == "melle.reader"


def test_access_token_is_refused_at_refresh_and_refresh_token_elsewhere(api) -> None:  # noqa: ANN001
    tokens = login(api, "melle.reader").get_json()
    r = api.client.post(REFRESH, headers=bearer(tokens["access_token"]))
    assert_problem(r, 401, "refresh_token_required")
    assert_problem(me(api, tokens["refresh_token"]), 401, "access_token_required")
    assert_problem(api.client.post(REFRESH), 401, "missing_token")


def test_logout_revokes_access_and_refresh_token_of_that_login_only(api) -> None:  # noqa: ANN001
    first = login(api, "bramsche.editor").get_json()
    second = login(api, "bramsche.editor").get_json()
    refreshed = api.client.post(REFRESH, headers=bearer(first["refresh_token"])).get_json()["access_token"]
    r = api.client.post(LOGOUT, headers=bearer(first["access_token"]))
    assert r.status_code == 204
    assert_problem(me(api, first["access_token"]), 401, "token_revoked")
    assert_problem(me(api, refreshed), 401, "token_revoked")  # same login session, also gone
    assert_problem(api.client.post(REFRESH, headers=bearer(first["refresh_token"])), 401, "token_revoked")
    # the other login of the same user goes on working
    assert me(api, second["access_token"]).status_code == 200
    r = api.client.post(REFRESH, headers=bearer(second["refresh_token"]))
    assert r.status_code == 200
    assert me(api, r.get_json()["access_token"]).status_code == 200
    # logging out twice is "who are you?", not a server error
    assert_problem(api.client.post(LOGOUT, headers=bearer(first["access_token"])), 401, "token_revoked")


# --- expiry ---------------------------------------------------------------------------------------


def _claims(app, username: str) -> tuple[str, dict]:  # noqa: ANN001
    """Identity and claims the server puts into a token of ``username`` (see http/auth.py)."""
    with app.extensions["familienatlas"].engine.connect() as conn:
        uid, version, role = conn.execute(text("SELECT id, token_version, role FROM users WHERE username = :u"),
                                          {"u": username}).one()
    return str(uid), {"sid": "expired-session-test", "ver": version, "role": role}


def test_expired_access_token_is_401_token_expired(api, app) -> None:  # noqa: ANN001
    identity, claims = _claims(app, "melle.editor")
    with app.app_context():
        expired = create_access_token(identity, additional_claims=claims, expires_delta=timedelta(seconds=-1))
        fresh = create_access_token(identity, additional_claims=claims, expires_delta=timedelta(minutes=1))
    # the hand-made fresh token proves the claims are the server's own: only the expiry differs
    assert me(api, fresh).status_code == 200
    r = me(api, expired)
    assert_problem(r, 401, "token_expired")
    assert "invalid_token" in r.headers["WWW-Authenticate"]


def test_expired_refresh_token_is_401_token_expired(api, app) -> None:  # noqa: ANN001
    identity, claims = _claims(app, "melle.editor")
    with app.app_context():
        expired = create_refresh_token(identity, additional_claims=claims, expires_delta=timedelta(seconds=-1))
        fresh = create_refresh_token(identity, additional_claims=claims, expires_delta=timedelta(minutes=1))
    assert api.client.post(REFRESH, headers=bearer(fresh)).status_code == 200
    assert_problem(api.client.post(REFRESH, headers=bearer(expired)), 401, "token_expired")


def test_token_lifetimes_follow_the_settings(api, app) -> None:  # noqa: ANN001
    tokens = login(api, "admin").get_json()
    with app.app_context():
        access = decode_token(tokens["access_token"])
        refresh = decode_token(tokens["refresh_token"])
    assert access["exp"] - access["iat"] == 15 * 60
    assert refresh["exp"] - refresh["iat"] == 14 * 24 * 3600
    assert access["sid"] == refresh["sid"]


@pytest.mark.parametrize("settings_overrides", [{"access_token_minutes": 1, "refresh_token_days": 1}])
def test_short_token_lifetimes_from_the_settings(api, app) -> None:  # noqa: ANN001
    tokens = login(api, "admin").get_json()
    assert tokens["expires_in"] == 60
    with app.app_context():
        access = decode_token(tokens["access_token"])
        refresh = decode_token(tokens["refresh_token"])
    assert access["exp"] - access["iat"] == 60
    assert refresh["exp"] - refresh["iat"] == 24 * 3600


# --- deactivation and role changes ----------------------------------------------------------------


def test_deactivation_revokes_tokens_at_once_and_blocks_login(api) -> None:  # noqa: ANN001
    tokens = login(api, "gmhuette.editor").get_json()
    uid = tokens["user"]["id"]
    assert me(api, tokens["access_token"]).status_code == 200
    r = api.patch(f"{USERS}/{uid}", {"active": False}, "admin")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["active"] is False
    assert_problem(me(api, tokens["access_token"]), 401, "token_revoked")
    assert_problem(api.client.post(REFRESH, headers=bearer(tokens["refresh_token"])), 401, "token_revoked")
    r = login(api, "gmhuette.editor")
    assert r.status_code == 401
    assert r.mimetype == "application/problem+json"
    assert "access_token" not in r.get_json()
    # reactivated: a new login works, the old tokens stay dead
    assert api.patch(f"{USERS}/{uid}", {"active": True}, "admin").status_code == 200
    new = login(api, "gmhuette.editor")
    assert new.status_code == 200
    assert me(api, new.get_json()["access_token"]).status_code == 200
    assert_problem(me(api, tokens["access_token"]), 401, "token_revoked")


def test_role_change_revokes_tokens_and_the_new_login_has_the_new_role(api) -> None:  # noqa: ANN001
    tokens = login(api, "bramsche.editor").get_json()
    uid = tokens["user"]["id"]
    r = api.patch(f"{USERS}/{uid}", {"role": "reader"}, "admin")
    assert r.status_code == 200
    assert r.get_json()["role"] == "reader"
    assert_problem(me(api, tokens["access_token"]), 401, "token_revoked")
    assert_problem(api.client.post(REFRESH, headers=bearer(tokens["refresh_token"])), 401, "token_revoked")
    new = login(api, "bramsche.editor").get_json()
    assert new["user"]["role"] == "reader"
    assert me(api, new["access_token"]).get_json()["role"] == "reader"


def test_municipality_change_and_password_reset_revoke_but_display_name_does_not(api) -> None:  # noqa: ANN001
    tokens = login(api, "melle.reader").get_json()
    uid = tokens["user"]["id"]
    assert api.patch(f"{USERS}/{uid}", {"display_name": "Lesende Melle"}, "admin").status_code == 200
    assert me(api, tokens["access_token"]).get_json()["display_name"] == "Lesende Melle"
    bramsche = api.municipality("034590014014")["id"]
    assert api.patch(f"{USERS}/{uid}", {"municipality_id": bramsche}, "admin").status_code == 200
    assert_problem(me(api, tokens["access_token"]), 401, "token_revoked")
    tokens = login(api, "melle.reader").get_json()
    assert tokens["user"]["municipality"]["key"] == "034590014014"
    r = api.patch(f"{USERS}/{uid}", {"password": "ein-ganz-neues-passwort"}, "admin")
    assert r.status_code == 200
    assert_problem(me(api, tokens["access_token"]), 401, "token_revoked")
    assert_problem(login(api, "melle.reader"), 401, "wrong_credentials")
    assert login(api, "melle.reader", "ein-ganz-neues-passwort").status_code == 200


# --- throttling of failed logins ------------------------------------------------------------------


def test_login_is_locked_after_max_failures_even_with_the_right_password(api, app) -> None:  # noqa: ANN001
    limit = app.extensions["familienatlas"].settings.login_max_failures
    assert limit == 5
    for _ in range(limit):
        assert_problem(login(api, "melle.editor", "falsch-falsch"), 401, "wrong_credentials")
    r = login(api, "melle.editor")  # the right password, but locked
    doc = assert_problem(r, 429, "login_locked")
    wait = int(r.headers["Retry-After"])
    assert 0 < wait <= 301
    assert str(wait) in doc["detail"]
    assert "access_token" not in doc
    # the lock is per user name: other people still log in
    assert login(api, "melle.reader").status_code == 200
    # and it holds on: also the next attempt is refused
    assert login(api, "melle.editor").status_code == 429


def test_unknown_user_names_are_locked_too(api) -> None:  # noqa: ANN001
    for _ in range(5):
        assert_problem(login(api, "gibt.es.nicht", "irgendwas-falsches"), 401, "wrong_credentials")
    assert_problem(login(api, "gibt.es.nicht", "irgendwas-falsches"), 429, "login_locked")


def test_a_successful_login_resets_the_failure_count(api) -> None:  # noqa: ANN001
    for _ in range(4):
        assert login(api, "melle.editor", "falsch-falsch").status_code == 401
    assert login(api, "melle.editor").status_code == 200
    for _ in range(4):
        assert login(api, "melle.editor", "falsch-falsch").status_code == 401
    assert login(api, "melle.editor").status_code == 200


@pytest.mark.parametrize("settings_overrides", [{"login_lock_seconds": 1, "login_max_failures": 3}])
def test_the_lock_ends_after_login_lock_seconds(api) -> None:  # noqa: ANN001
    for _ in range(3):
        assert login(api, "melle.editor", "falsch-falsch").status_code == 401
    r = login(api, "melle.editor")
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) <= 2
    time.sleep(1.2)
    assert login(api, "melle.editor").status_code == 200


# --- passwords ------------------------------------------------------------------------------------


def test_password_change_by_the_user(api) -> None:  # noqa: ANN001
    tokens = login(api, "melle.editor").get_json()
    other = login(api, "melle.editor").get_json()
    h = bearer(tokens["access_token"])
    old = demo_password("melle.editor")
    r = api.client.post(PASSWORD, json={"old_password": old, "new_password": "kurz"}, headers=h)
    doc = assert_problem(r, 422, "weak_password")
    assert [e["field"] for e in doc["errors"]] == ["new_password"]
    assert "10" in doc["errors"][0]["message"]
    r = api.client.post(PASSWORD, json={"old_password": "nicht-das-alte", "new_password": "lang-genug-1234"},
                        headers=h)
    doc = assert_problem(r, 422, "wrong_old_password")
    assert doc["errors"][0]["field"] == "old_password"
    r = api.client.post(PASSWORD, json={"new_password": "lang-genug-1234"}, headers=h)
    doc = assert_problem(r, 422, "invalid_body")
    assert doc["errors"][0]["field"] == "old_password"
    # nothing of the refused attempts took effect
    assert me(api, tokens["access_token"]).status_code == 200
    assert login(api, "melle.editor").status_code == 200

    r = api.client.post(PASSWORD, json={"old_password": old, "new_password": "lang-genug-1234"}, headers=h)
    assert r.status_code == 204, r.get_json()
    for t in (tokens, other):  # every token of the user, of every login
        assert_problem(me(api, t["access_token"]), 401, "token_revoked")
        assert_problem(api.client.post(REFRESH, headers=bearer(t["refresh_token"])), 401, "token_revoked")
    assert_problem(login(api, "melle.editor"), 401, "wrong_credentials")
    assert login(api, "melle.editor", "lang-genug-1234").status_code == 200


def test_password_change_needs_a_login(api) -> None:  # noqa: ANN001
    r = api.client.post(PASSWORD, json={"old_password": "a", "new_password": "b" * 12})
    assert_problem(r, 401, "missing_token")


def test_passwords_are_stored_as_argon2_hashes(api, app) -> None:  # noqa: ANN001
    r = api.post(USERS, {"username": "neu.editor", "password": "ein-sicheres-passwort", "role": "editor",
                         "municipality_id": api.municipality("034590024024")["id"]}, "admin")
    assert r.status_code == 201, r.get_json()
    with app.extensions["familienatlas"].engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT username, password_hash FROM users")).all())
    assert set(rows) >= {name for name, _r, _k in DEMO_USERS} | {"neu.editor"}
    for username, password_hash in rows.items():
        assert password_hash.startswith("$argon2"), username
        assert demo_password(username) not in password_hash
    assert "ein-sicheres-passwort" not in rows["neu.editor"]
    assert login(api, "neu.editor", "ein-sicheres-passwort").status_code == 200


# --- languages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("accept", "lang"), [(None, "de"), ("de-DE,de;q=0.9", "de"), ("en", "en"),
                                              ("en-GB,en;q=0.9,de;q=0.5", "en"), ("fr-FR, en;q=0.8", "en"),
                                              ("fr", "de")])
def test_messages_are_german_by_default_and_english_on_request(api, accept: str | None, lang: str) -> None:  # noqa: ANN001
    headers = {"Accept-Language": accept} if accept else {}
    doc = assert_problem(login(api, "melle.editor", "falsch-falsch", **headers), 401, "wrong_credentials")
    assert doc["detail"] == {"de": "Benutzername oder Passwort ist falsch.",
                             "en": "User name or password is wrong."}[lang]
    doc = assert_problem(api.client.get(USERS, headers=headers), 401, "missing_token")
    assert doc["detail"] == {"de": "Bitte zuerst anmelden.", "en": "Please log in first."}[lang]


def test_field_messages_follow_the_language_too(api) -> None:  # noqa: ANN001
    h = api.headers("melle.editor")
    body = {"old_password": demo_password("melle.editor"), "new_password": "kurz"}
    de = api.client.post(PASSWORD, json=body, headers=h).get_json()
    en = api.client.post(PASSWORD, json=body, headers={**h, "Accept-Language": "en"}).get_json()
    assert de["errors"][0]["message"] == "Das Passwort muss mindestens 10 Zeichen lang sein."
    assert en["errors"][0]["message"] == "The password must be at least 10 characters long."
    assert en["detail"].startswith("The password is too short.")
    assert de["detail"].startswith("Das Passwort ist zu kurz.")


def test_every_message_exists_in_both_languages() -> None:
    assert set(messages.DE) == set(messages.EN)
    assert set(messages.DE_FIELDS) == set(messages.EN_FIELDS)
