"""Accounts: password hashes, login throttling, token validity, and user administration."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import Settings
from ..storage.models import LoginFailure, Municipality, RevokedSession, User
from . import audit
from .errors import Conflict, FieldError, Invalid, NotFound, TooManyRequests, Unauthorized
from .rights import ROLES, Actor, require_admin
from .validation import column_length, fits_column, read_fields

_hasher = PasswordHasher()
# Verified against when the user name is unknown, so a wrong name costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("familienatlas-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_policy(password: Any, settings: Settings, field: str = "password") -> str:
    if not isinstance(password, str):
        raise Invalid("invalid_body", errors=[FieldError(field, "wrong_type", {"expected": "string"})])
    if len(password) < settings.min_password_length:
        raise Invalid("weak_password", errors=[
            FieldError(field, "password_too_short", {"min": settings.min_password_length})])
    return password


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.username, user.role, user.municipality_id, user.municipality.key)


def user_dict(user: User) -> dict[str, Any]:
    m = user.municipality
    return {"id": user.id, "username": user.username, "display_name": user.display_name,
            "email": user.email, "role": user.role, "active": user.active,
            "municipality": {"id": m.id, "key": m.key, "name": m.name}}


def authenticate(session: Session, settings: Settings, username: Any, password: Any) -> User:
    """Check a login. Failed attempts are counted per user name and committed even though the
    request fails; after ``login_max_failures`` the name is locked for ``login_lock_seconds``."""
    if not isinstance(username, str) or not isinstance(password, str) or not username:
        raise Invalid("invalid_body", errors=[FieldError("username", "required")])
    if len(username) > column_length(User, "username"):
        # No account can have such a name; counting it would only fill the throttle table.
        _verify(_DUMMY_HASH, password)
        raise Unauthorized("wrong_credentials")
    now = audit.now()
    failure = session.get(LoginFailure, username)
    if failure and failure.locked_until and audit.as_utc(failure.locked_until) > now:
        wait = int((audit.as_utc(failure.locked_until) - now).total_seconds()) + 1
        raise TooManyRequests("login_locked", headers={"Retry-After": str(wait)}, seconds=wait)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        _verify(_DUMMY_HASH, password)
    if user is None or not _verify(user.password_hash, password) or not user.active:
        if failure is None:
            failure = LoginFailure(username=username, failures=0, last_failure_at=now)
            session.add(failure)
        failure.failures += 1
        failure.last_failure_at = now
        if failure.failures >= settings.login_max_failures:
            failure.locked_until = now + timedelta(seconds=settings.login_lock_seconds)
            failure.failures = 0
        session.commit()
        if user is not None and not user.active and _verify(user.password_hash, password):
            raise Unauthorized("account_inactive")
        raise Unauthorized("wrong_credentials")
    if failure is not None:
        session.delete(failure)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(session, actor_of(user), "login", f"user:{user.id}")
    return user


def actor_for_token(session: Session, user_id: int, sid: str, version: int) -> Actor:
    """A token is valid only while its user is active, its version current and its session not
    logged out: deactivation, role changes and logout take effect on the very next request."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise Unauthorized("token_revoked")
    if user.token_version != version or session.get(RevokedSession, sid) is not None:
        raise Unauthorized("token_revoked")
    return actor_of(user)


def end_session(session: Session, actor: Actor, sid: str) -> None:
    if session.get(RevokedSession, sid) is None:
        session.add(RevokedSession(sid=sid, revoked_at=audit.now()))
    audit.record(session, actor, "logout", f"user:{actor.user_id}")


def change_own_password(session: Session, settings: Settings, actor: Actor, body: Any) -> None:
    data = read_fields(body, PASSWORD_CHANGE_FIELDS)
    user = session.get(User, actor.user_id)
    if not _verify(user.password_hash, data["old_password"]):
        raise Invalid("wrong_old_password", errors=[FieldError("old_password", "wrong_password")])
    user.password_hash = hash_password(check_password_policy(data["new_password"], settings, "new_password"))
    user.token_version += 1
    audit.record(session, actor, "password_changed", f"user:{user.id}")


PASSWORD_CHANGE_FIELDS = {"old_password": ("string", True), "new_password": ("string", True)}
#: What an admin may send to create a user; a change (PATCH) takes the same fields but ``username``.
USER_FIELDS = {"username": ("string", True), "display_name": ("string", False), "email": ("string", False),
                "password": ("string", True), "role": ("string", True), "municipality_id": ("integer", True),
                "active": ("boolean", False)}


USER_CHANGE_FIELDS = {k: (t, False) for k, (t, _r) in USER_FIELDS.items() if k != "username"}


def _check_role_and_municipality(session: Session, data: dict[str, Any], user: User | None = None) -> None:
    """A known role and municipality; an admin belongs to the county (a municipality with no parent),
    whose county-wide data it keeps. ``user`` is the account being changed (None when created)."""
    if "role" in data and data["role"] not in ROLES:
        raise Invalid("invalid_body", errors=[FieldError("role", "unknown_choice", {"value": data["role"]})])
    municipality_id = data.get("municipality_id") or (user.municipality_id if user is not None else None)
    municipality = session.get(Municipality, municipality_id) if municipality_id is not None else None
    if "municipality_id" in data and municipality is None:
        raise Invalid("invalid_body", errors=[
            FieldError("municipality_id", "unknown_choice", {"value": data["municipality_id"]})])
    role = data.get("role") or (user.role if user is not None else None)
    if role == "admin" and municipality is not None and municipality.parent_id is not None:
        field = "role" if "role" in data else "municipality_id"
        raise Invalid("invalid_body", errors=[
            FieldError(field, "admin_needs_county", {"municipality": municipality.name})])


def list_users(session: Session, actor: Actor) -> list[dict[str, Any]]:
    require_admin(actor, "users")
    return [user_dict(u) for u in session.scalars(select(User).order_by(User.username))]


def create_user(session: Session, settings: Settings, actor: Actor | None, body: Any) -> User:
    """Create an account. ``actor`` None is the command line (the operator of the server)."""
    if actor is not None:
        require_admin(actor, "users")
    data = read_fields(body, USER_FIELDS, model=User)
    _check_role_and_municipality(session, data)
    check_password_policy(data["password"], settings)
    if session.scalar(select(User).where(User.username == data["username"])) is not None:
        raise Conflict("username_taken", username=data["username"])
    user = User(username=data["username"], display_name=data.get("display_name") or data["username"],
                email=data.get("email"), password_hash=hash_password(data["password"]), role=data["role"],
                municipality_id=data["municipality_id"], active=data.get("active", True), token_version=0,
                created_at=audit.now())
    session.add(user)
    session.flush()
    audit.record(session, actor, "user_created", f"user:{user.id}", username=user.username, role=user.role,
                 municipality_id=user.municipality_id)
    return user


def update_user(session: Session, settings: Settings, actor: Actor, user_id: int, body: Any) -> User:
    """Change role, municipality, activity, name or password. Anything that changes what the user
    may do revokes all of the user's tokens at once."""
    require_admin(actor, "users")
    user = session.get(User, user_id) if fits_column(User, "id", user_id) else None
    if user is None:
        raise NotFound("user_not_found", id=user_id)
    data = read_fields(body, USER_CHANGE_FIELDS, partial=True, model=User)
    _check_role_and_municipality(session, data, user)
    revoke = False
    changes: dict[str, Any] = {}
    for name in ("role", "municipality_id", "active", "display_name", "email"):
        if name in data and data[name] is not None and getattr(user, name) != data[name]:
            changes[name] = data[name]
            setattr(user, name, data[name])
            revoke = revoke or name in ("role", "municipality_id", "active")
    if data.get("password") is not None:
        user.password_hash = hash_password(check_password_policy(data["password"], settings))
        changes["password"] = "reset"
        revoke = True
    if revoke:
        user.token_version += 1
    session.flush()
    audit.record(session, actor, "user_changed", f"user:{user.id}", **changes)
    return user
