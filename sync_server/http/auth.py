"""Login, token refresh, logout and password change; the web map's cookie login; and the token check every
request runs.

Two ways to carry the same tokens, for the same accounts and rights:

- the API (QGIS plugin, scripts): ``POST /auth/login`` answers the tokens in JSON, sent back as
  ``Authorization: Bearer``; no cookie is ever set, so nothing a browser sends by itself authenticates
  these clients' requests (no CSRF exposure);
- the web map: ``/auth/session`` puts them into HttpOnly cookies the page's script cannot read (never in
  localStorage or sessionStorage), ``Secure`` and ``SameSite=Strict``; every cookie-authenticated write
  must send the login's CSRF value in ``X-CSRF-TOKEN`` (flask-jwt-extended's double submit: the value is
  a claim of the signed token, the page learns it from the login's answer, never from a cookie).
  A request with an Authorization header is authenticated by that header alone.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from flask import Blueprint, Flask, Response, g, jsonify, request
from flask_jwt_extended import JWTManager, create_access_token, create_refresh_token, get_jwt

from ..domain import accounts
from ..domain.answers import AccessToken, LoginAnswer, UserView, WebSession
from ..domain.contract import dump
from ..domain.errors import Unauthorized
from .common import (
    answers,
    body,
    context,
    db,
    login_required,
    refresh_token_required,
    settings,
    state,
    web_session_required,
)
from .errors import problem

if TYPE_CHECKING:
    from ..storage.models import User

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")


def _claims(user: User, sid: str | None = None, csrf: str | None = None) -> dict:
    claims = {"sid": sid or uuid.uuid4().hex, "ver": user.token_version, "role": user.role}
    if csrf:  # a web login: its access and refresh tokens carry the same double-submit value
        claims["csrf"] = csrf
    return claims


#: The web login's cookies: the access token goes to the API only, the refresh token only to /auth/session.
ACCESS_COOKIE, REFRESH_COOKIE = "fa_access", "fa_refresh"
ACCESS_COOKIE_PATH, REFRESH_COOKIE_PATH = "/api/v1/", "/api/v1/auth/session"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def cookie_secure() -> bool:
    """Cookies are ``Secure`` (sent over HTTPS only) except in demo or test mode on plain http to this
    machine's loopback address, where a browser could not send them back otherwise; production is always
    Secure (and so needs HTTPS)."""
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    return not (settings().mode in ("demo", "test") and request.scheme == "http" and host in LOOPBACK_HOSTS)


def _set_cookie(response: Response, name: str, value: str, path: str) -> None:
    """A session cookie (gone when the browser closes; the token inside expires anyway) the page's
    script cannot read, sent only to this site (SameSite=Strict: not from other sites' links, forms or
    frames, an embedded atlas included) and only over HTTPS (see :func:`cookie_secure`)."""
    response.set_cookie(name, value, path=path, httponly=True, secure=cookie_secure(), samesite="Strict")


def _web_session(user: User, claims: dict, refresh_token: bool) -> Response:
    """The answer of a web login or session resume: a fresh access cookie (and at login the refresh
    cookie), the user, and the CSRF value for the page to send back with its writes."""
    access = create_access_token(identity=str(user.id), additional_claims=claims)
    response = jsonify(dump(WebSession(user=accounts.user_view(user), csrf_token=claims["csrf"],
                                       expires_in=settings().access_token_minutes * 60)))
    _set_cookie(response, ACCESS_COOKIE, access, ACCESS_COOKIE_PATH)
    if refresh_token:
        _set_cookie(response, REFRESH_COOKIE, create_refresh_token(identity=str(user.id), additional_claims=claims),
                    REFRESH_COOKIE_PATH)
    return response


def _authenticate() -> User:
    """The account of the body's user name and password, by the accounts' rules (throttling, deactivated
    accounts, audit): one login check for the API and the web map."""
    data = body()
    data = data if isinstance(data, dict) else {}
    return accounts.authenticate(context(), data.get("username"), data.get("password"),
                                 request.remote_addr,  # behind trusted proxies: ProxyFix's client address
                                 throttle=state().session_factory)


@bp.post("/login")
@answers(LoginAnswer)
def login() -> LoginAnswer:
    """Log in with user name and password; returns an access and a refresh token."""
    user = _authenticate()
    claims = _claims(user)
    return LoginAnswer(access_token=create_access_token(identity=str(user.id), additional_claims=claims),
                       token_type="Bearer", expires_in=settings().access_token_minutes * 60,
                       refresh_token=create_refresh_token(identity=str(user.id), additional_claims=claims),
                       user=accounts.user_view(user))


@bp.post("/session")
@answers(WebSession)
def web_login() -> Response:
    """Log in on the web map: the tokens go into HttpOnly cookies; the answer carries the CSRF value."""
    user = _authenticate()
    return _web_session(user, _claims(user, csrf=uuid.uuid4().hex), refresh_token=True)


@bp.get("/session")
@web_session_required(optional=True)
@answers(WebSession)
def web_session() -> WebSession | Response:
    """Resume the web login (page load, expired access cookie): a new access cookie from the refresh
    cookie, the user and the CSRF value; no user when the browser has no login, 401 when it was ended or
    has expired (that answer also removes the login's cookies)."""
    ctx = context()
    if ctx.actor.is_anonymous:
        return WebSession(user=None, csrf_token=None, expires_in=0)
    user = accounts.account_of(ctx)
    claims = get_jwt()
    return _web_session(user, _claims(user, sid=claims["sid"], csrf=claims["csrf"]), refresh_token=False)


@bp.delete("/session")
@web_session_required()
@answers(None, 204)
def web_logout() -> Response:
    """Log out on the web map (needs X-CSRF-TOKEN): the login's tokens are revoked as in QGIS, the
    cookies removed."""
    accounts.end_session(context(), get_jwt()["sid"])
    return _without_web_cookies(Response(status=204))


def _without_web_cookies(response: Response) -> Response:
    """``response``, removing the web login's cookies from the browser."""
    for name, path in ((ACCESS_COOKIE, ACCESS_COOKIE_PATH), (REFRESH_COOKIE, REFRESH_COOKIE_PATH)):
        response.delete_cookie(name, path=path, httponly=True, secure=cookie_secure(), samesite="Strict")
    return response


@bp.after_request
def _forget_ended_web_login(response: Response) -> Response:
    """A web login that cannot be resumed (refresh cookie expired, login ended or revoked) is forgotten:
    its 401 removes the cookies, so the next page load asks without them and gets "no user" instead of
    another 401 on every load."""
    if response.status_code == 401 and request.endpoint in (f"{bp.name}.web_session", f"{bp.name}.web_logout"):
        return _without_web_cookies(response)
    return response


@bp.post("/refresh")
@refresh_token_required
@answers(AccessToken)
def refresh() -> AccessToken:
    """Get a new access token with the refresh token (same login session)."""
    user = accounts.account_of(context())
    claims = _claims(user, sid=get_jwt()["sid"])
    return AccessToken(access_token=create_access_token(identity=str(user.id), additional_claims=claims),
                       token_type="Bearer", expires_in=settings().access_token_minutes * 60)


@bp.post("/logout")
@login_required
@answers(None, 204)
def logout() -> Response:
    """End this login: its access and refresh tokens stop working at once."""
    accounts.end_session(context(), get_jwt()["sid"])
    return Response(status=204)


@bp.get("/me")
@login_required
@answers(UserView)
def me() -> UserView:
    """The logged-in user."""
    return accounts.user_view(accounts.account_of(context()))


@bp.post("/password")
@login_required
@answers(None, 204)
def change_password() -> Response:
    """Change one's own password; every token of the user is revoked."""
    accounts.change_own_password(context(), body())
    return Response(status=204)


def init_jwt(app: Flask) -> None:
    """Wire flask-jwt-extended to the atlas: short access tokens, revocation checked per request."""
    s = app.extensions["familienatlas"].settings
    app.config.update(
        JWT_SECRET_KEY=s.jwt_secret,
        JWT_ACCESS_TOKEN_EXPIRES=timedelta(minutes=s.access_token_minutes),
        JWT_REFRESH_TOKEN_EXPIRES=timedelta(days=s.refresh_token_days),
        # A Bearer header first (the API); the web map's cookies otherwise, with the CSRF check on every
        # write (POST, PUT, PATCH, DELETE) against the token's csrf claim (never a cookie the page reads).
        JWT_TOKEN_LOCATION=["headers", "cookies"],
        JWT_ACCESS_COOKIE_NAME=ACCESS_COOKIE,
        JWT_REFRESH_COOKIE_NAME=REFRESH_COOKIE,
        JWT_COOKIE_CSRF_PROTECT=True,
        JWT_CSRF_IN_COOKIES=False,
        JWT_CSRF_CHECK_FORM=False,
        JWT_ERROR_MESSAGE_KEY="detail",
    )
    jwt = JWTManager(app)

    @jwt.token_in_blocklist_loader
    def _revoked(_header: dict, payload: dict) -> bool:
        try:
            g.actor = accounts.actor_for_token(db(), int(payload["sub"]), payload["sid"], payload["ver"])
        except (Unauthorized, KeyError, ValueError):
            return True
        return False

    @jwt.revoked_token_loader
    def _on_revoked(_header: dict, _payload: dict) -> Response:
        return problem(401, "token_revoked", headers={"WWW-Authenticate": "Bearer"})

    @jwt.expired_token_loader
    def _on_expired(_header: dict, _payload: dict) -> Response:
        return problem(401, "token_expired", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})

    @jwt.invalid_token_loader
    def _on_invalid(reason: str) -> Response:
        # flask-jwt-extended reports a token of the wrong kind (access vs refresh) through this loader too
        code = {"Only refresh tokens are allowed": "refresh_token_required",
                "Only non-refresh tokens are allowed": "access_token_required"}.get(reason, "token_invalid")
        return problem(401, code, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})

    @jwt.unauthorized_loader
    def _on_missing(reason: str) -> Response:
        # flask-jwt-extended reports a cookie-authenticated write without the right X-CSRF-TOKEN here too
        csrf = {"Missing CSRF token": "csrf_missing", "CSRF double submit tokens do not match": "csrf_mismatch"}
        if reason in csrf:
            return problem(403, csrf[reason])
        return problem(401, "missing_token", headers={"WWW-Authenticate": "Bearer"})
