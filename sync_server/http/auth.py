"""Login, token refresh, logout and password change; and the token check every request runs."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from flask import Blueprint, Flask, Response, g, request
from flask_jwt_extended import JWTManager, create_access_token, create_refresh_token, get_jwt

from ..domain import accounts
from ..domain.answers import AccessToken, LoginAnswer, UserView
from ..domain.errors import Unauthorized
from .common import actor, answers, body, db, login_required, refresh_token_required, settings, state
from .errors import problem

if TYPE_CHECKING:
    from ..storage.models import User

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")


def _claims(user: User, sid: str | None = None) -> dict:
    return {"sid": sid or uuid.uuid4().hex, "ver": user.token_version, "role": user.role}


@bp.post("/login")
@answers(LoginAnswer)
def login() -> LoginAnswer:
    """Log in with user name and password; returns an access and a refresh token."""
    data = body()
    data = data if isinstance(data, dict) else {}
    user = accounts.authenticate(db(), settings(), data.get("username"), data.get("password"),
                                 request.remote_addr,  # behind trusted proxies: ProxyFix's client address
                                 throttle=state().session_factory)
    claims = _claims(user)
    return LoginAnswer(access_token=create_access_token(identity=str(user.id), additional_claims=claims),
                       token_type="Bearer", expires_in=settings().access_token_minutes * 60,
                       refresh_token=create_refresh_token(identity=str(user.id), additional_claims=claims),
                       user=accounts.user_view(user))


@bp.post("/refresh")
@refresh_token_required
@answers(AccessToken)
def refresh() -> AccessToken:
    """Get a new access token with the refresh token (same login session)."""
    user = accounts.account_of(db(), actor())
    claims = _claims(user, sid=get_jwt()["sid"])
    return AccessToken(access_token=create_access_token(identity=str(user.id), additional_claims=claims),
                       token_type="Bearer", expires_in=settings().access_token_minutes * 60)


@bp.post("/logout")
@login_required
@answers(None, 204)
def logout() -> Response:
    """End this login: its access and refresh tokens stop working at once."""
    accounts.end_session(db(), actor(), get_jwt()["sid"])
    return Response(status=204)


@bp.get("/me")
@login_required
@answers(UserView)
def me() -> UserView:
    """The logged-in user."""
    return accounts.user_view(accounts.account_of(db(), actor()))


@bp.post("/password")
@login_required
@answers(None, 204)
def change_password() -> Response:
    """Change one's own password; every token of the user is revoked."""
    accounts.change_own_password(db(), settings(), actor(), body())
    return Response(status=204)


def init_jwt(app: Flask) -> None:
    """Wire flask-jwt-extended to the atlas: short access tokens, revocation checked per request."""
    s = app.extensions["familienatlas"].settings
    app.config.update(
        JWT_SECRET_KEY=s.jwt_secret,
        JWT_ACCESS_TOKEN_EXPIRES=timedelta(minutes=s.access_token_minutes),
        JWT_REFRESH_TOKEN_EXPIRES=timedelta(days=s.refresh_token_days),
        JWT_TOKEN_LOCATION=["headers"],
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
    def _on_missing(_reason: str) -> Response:
        return problem(401, "missing_token", headers={"WWW-Authenticate": "Bearer"})
