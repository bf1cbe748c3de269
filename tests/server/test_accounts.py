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
from sqlalchemy import select, text, update

from sync_server import cli, messages
from sync_server.demo.loader import DEMO_USERS, demo_password
from sync_server.domain import accounts, audit
from sync_server.domain.answers import AuditRecord
from sync_server.domain.context import AtlasContext
from sync_server.storage.models import LoginThrottle, RevokedSession, User
from tests.server.test_concurrency import run_all

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


def failed_logins(app, username: str) -> list[AuditRecord]:  # noqa: ANN001
    """The audit log's failed logins of ``username``, oldest first."""
    state = app.extensions["familienatlas"]
    with state.session_factory() as session:
        actor = accounts.actor_of(session.scalar(select(User).where(User.username == "admin")))
        entries = audit.query(AtlasContext(session, state.settings, actor), action="login_failed", limit=5000)
    return [e for e in reversed(entries) if e.details["username"] == username]


def throttle_rows(app, username: str) -> dict[str, tuple[int, bool]]:  # noqa: ANN001
    """address -> (failures, blocked now) of the login throttle."""
    with app.extensions["familienatlas"].session_factory() as session:
        rows = session.scalars(select(LoginThrottle).where(LoginThrottle.username == username)).all()
        now = audit.now()
        return {r.address: (r.failures, bool(r.blocked_until and audit.as_utc(r.blocked_until) > now))
                for r in rows}


def test_parallel_wrong_logins_check_no_more_passwords_than_the_limit(app) -> None:  # noqa: ANN001
    """20 wrong logins at once get exactly 5 passwords checked (the attempt is counted before the check),
    the others 429, none a 5xx; then the right password among more parallel attempts does not slip
    through the block."""
    clients = [app.test_client() for _ in range(20)]

    def attempt(client, password: str) -> int:  # noqa: ANN001
        return client.post(LOGIN, json={"username": "melle.editor", "password": password}).status_code

    statuses = run_all([lambda c=c: attempt(c, "falsch-falsch") for c in clients])
    assert sorted(statuses) == [401] * 5 + [429] * 15
    assert len(failed_logins(app, "melle.editor")) == 5
    assert throttle_rows(app, "melle.editor") == {"127.0.0.1": (5, True), "*": (5, False)}
    right = demo_password("melle.editor")
    statuses = run_all([lambda c=c, i=i: attempt(c, right if i == 3 else "falsch-falsch")
                        for i, c in enumerate(clients[:10])])
    assert statuses == [429] * 10
    assert len(failed_logins(app, "melle.editor")) == 5


def test_a_throttled_address_does_not_keep_the_user_out_elsewhere(api, app) -> None:  # noqa: ANN001
    attacker = {"REMOTE_ADDR": "198.51.100.7"}
    for _ in range(5):
        r = api.client.post(LOGIN, json={"username": "admin", "password": "geraten-123"}, environ_base=attacker)
        assert_problem(r, 401, "wrong_credentials")
    r = api.client.post(LOGIN, json={"username": "admin", "password": demo_password("admin")}, environ_base=attacker)
    assert_problem(r, 429, "login_locked")
    # the admin at the county's office is not locked out
    office = {"REMOTE_ADDR": "192.0.2.10"}
    r = api.client.post(LOGIN, json={"username": "admin", "password": demo_password("admin")}, environ_base=office)
    assert r.status_code == 200, r.get_json()
    # the attacker's address stays blocked; the admin's success took back only its own attempt
    assert throttle_rows(app, "admin") == {"198.51.100.7": (5, True), "*": (5, False)}
    entries = failed_logins(app, "admin")
    assert [e.details["address"] for e in entries] == ["198.51.100.7"] * 5
    assert entries[-1].details["locked_seconds"] == 300


@pytest.mark.parametrize("settings_overrides", [{"trusted_proxies": 1}])
def test_behind_a_trusted_proxy_the_forwarded_client_address_is_throttled(api, app) -> None:  # noqa: ANN001
    def from_(client_address: str, password: str):  # noqa: ANN202
        return api.client.post(LOGIN, json={"username": "melle.editor", "password": password},
                               headers={"X-Forwarded-For": client_address}, environ_base={"REMOTE_ADDR": "10.0.0.1"})

    for _ in range(5):
        assert from_("203.0.113.5", "falsch-falsch").status_code == 401
    assert from_("203.0.113.5", demo_password("melle.editor")).status_code == 429
    assert from_("203.0.113.99", demo_password("melle.editor")).status_code == 200
    assert set(throttle_rows(app, "melle.editor")) == {"203.0.113.5", "*"}


@pytest.mark.parametrize("settings_overrides", [{"login_max_failures": 2, "login_lock_seconds": 60,
                                                 "login_max_lock_seconds": 200}])
def test_the_waits_grow_with_each_further_failure_up_to_the_cap(api, app) -> None:  # noqa: ANN001
    waits = []
    for _ in range(2):
        assert login(api, "melle.editor", "falsch-falsch").status_code == 401
    for _ in range(4):
        r = login(api, "melle.editor", "falsch-falsch")
        assert r.status_code == 429
        waits.append(int(r.headers["Retry-After"]))
        with app.extensions["familienatlas"].engine.begin() as conn:  # the wait is over
            conn.execute(update(LoginThrottle).values(blocked_until=audit.now() - timedelta(seconds=1)))
        assert login(api, "melle.editor", "falsch-falsch").status_code == 401
    assert all(expected - 15 < wait <= expected for wait, expected in zip(waits, [60, 120, 200, 200], strict=True))
    assert [e.details.get("locked_seconds") for e in failed_logins(app, "melle.editor")] == \
        [None, 60, 120, 200, 200, 200]


@pytest.mark.parametrize("settings_overrides", [{"login_max_failures_per_name": 3}])
def test_a_name_has_a_ceiling_from_all_addresses_together(api) -> None:  # noqa: ANN001
    for i in range(3):
        r = api.client.post(LOGIN, json={"username": "melle.editor", "password": "falsch-falsch"},
                            environ_base={"REMOTE_ADDR": f"198.51.100.{i}"})
        assert r.status_code == 401
    r = api.client.post(LOGIN, json={"username": "melle.editor", "password": demo_password("melle.editor")},
                        environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert_problem(r, 429, "login_locked")


def test_unlock_command_lifts_every_block_of_a_name(api, app, db_url, capsys) -> None:  # noqa: ANN001
    for address in ("198.51.100.1", "198.51.100.2"):
        for _ in range(5):
            api.client.post(LOGIN, json={"username": "admin", "password": "geraten-123"},
                            environ_base={"REMOTE_ADDR": address})
    right = {"username": "admin", "password": demo_password("admin")}
    assert api.client.post(LOGIN, json=right, environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 429
    for _ in range(5):
        login(api, "melle.editor", "falsch-falsch")
    assert cli.main(["--database", db_url, "--mode", "test", "unlock", "admin"]) == 0
    assert "Unlocked admin: 3 login throttle entries removed" in capsys.readouterr().out
    assert api.client.post(LOGIN, json=right, environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 200
    assert login(api, "melle.editor").status_code == 429  # another name stays blocked
    entries = api.get("/api/v1/admin/audit?action=login_unlocked", "admin").get_json()
    assert [(e["target"], e["actor_id"], e["details"]) for e in entries] == [("username:admin", None, {"entries": 3})]


def test_failed_logins_are_in_the_audit_log_without_the_password(api, app) -> None:  # noqa: ANN001
    uid = user_id(api, "gmhuette.editor")
    assert api.patch(f"{USERS}/{uid}", {"active": False}, "admin").status_code == 200
    login(api, "melle.editor", "geheim-falsch-1")
    login(api, "niemand.hier", "geheim-falsch-2")
    login(api, "gmhuette.editor")
    entries = api.get("/api/v1/admin/audit?action=login_failed", "admin").get_json()
    melle = user_id(api, "melle.editor")
    assert [(e["target"], e["actor_id"], e["details"]) for e in reversed(entries)] == [
        (f"user:{melle}", None, {"username": "melle.editor", "address": "127.0.0.1", "reason": "wrong_password"}),
        ("username:niemand.hier", None, {"username": "niemand.hier", "address": "127.0.0.1",
                                         "reason": "unknown_user"}),
        (f"user:{uid}", None, {"username": "gmhuette.editor", "address": "127.0.0.1", "reason": "inactive"}),
    ]
    text_ = str(entries)
    assert "geheim-falsch" not in text_ and demo_password("gmhuette.editor") not in text_
    ok = api.get("/api/v1/admin/audit?action=login", "admin").get_json()[0]
    assert ok["details"] == {"address": "127.0.0.1"}


def test_a_deactivated_account_does_not_confirm_its_password(api) -> None:  # noqa: ANN001
    uid = user_id(api, "gmhuette.editor")
    assert api.patch(f"{USERS}/{uid}", {"active": False}, "admin").status_code == 200
    right = assert_problem(login(api, "gmhuette.editor"), 401, "wrong_credentials")
    wrong = assert_problem(login(api, "gmhuette.editor", "falsch-falsch"), 401, "wrong_credentials")
    assert right == wrong
    assert login(api, "gmhuette.editor", **{"Accept-Language": "en"}).get_json()["detail"] == \
        "User name or password is wrong."


def test_expired_throttle_entries_and_logouts_are_pruned(api, app, db_url, capsys) -> None:  # noqa: ANN001
    now = audit.now()
    old, recent = now - timedelta(days=2), now - timedelta(hours=1)
    factory = app.extensions["familienatlas"].session_factory
    with factory() as session:
        session.add_all([
            LoginThrottle(username="alt", address="1.2.3.4", failures=7, last_failure_at=old),
            LoginThrottle(username="alt", address="*", failures=7, last_failure_at=old,
                          blocked_until=now + timedelta(hours=1)),  # still blocked: kept
            LoginThrottle(username="neu", address="1.2.3.4", failures=2, last_failure_at=recent),
            RevokedSession(sid="alt", revoked_at=now - timedelta(days=15)),
            RevokedSession(sid="neu", revoked_at=now - timedelta(days=13)),
        ])
        session.commit()
    assert cli.main(["--database", db_url, "--mode", "test", "prune"]) == 0
    assert "Pruned 1 login_throttle, 1 revoked_sessions" in capsys.readouterr().out
    with factory() as session:
        assert {(r.username, r.address) for r in session.scalars(select(LoginThrottle))} == \
            {("alt", "*"), ("neu", "1.2.3.4")}
        assert set(session.scalars(select(RevokedSession.sid))) == {"neu"}
        session.add(LoginThrottle(username="alt", address="5.6.7.8", failures=1, last_failure_at=old))
        session.commit()
    assert login(api, "melle.reader").status_code == 200  # a login prunes too
    with factory() as session:
        assert ("alt", "5.6.7.8") not in {(r.username, r.address) for r in session.scalars(select(LoginThrottle))}


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
