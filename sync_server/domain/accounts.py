"""Accounts: password hashes, login throttling, token validity, and user administration."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from ..config import Settings
from ..storage.db import session_scope
from ..storage.models import LoginThrottle, Municipality, RevokedSession, User
from . import audit, sequence
from .answers import MunicipalityRef, UserView
from .commands import NewUser, PasswordChange, UserChange, given, read
from .errors import Conflict, FieldError, Invalid, NotFound, TooManyRequests, Unauthorized
from .rights import ROLES, Actor, require_admin
from .validation import column_length, fits_column

if TYPE_CHECKING:
    from .context import AtlasContext

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


def user_view(user: User) -> UserView:
    m = user.municipality
    return UserView(id=user.id, username=user.username, display_name=user.display_name, email=user.email,
                    role=user.role, active=user.active, municipality=MunicipalityRef(id=m.id, key=m.key, name=m.name))


#: The throttle row that counts a user name's failures from every address together.
ALL_ADDRESSES = "*"
#: A throttle row whose block has ended and whose last failure is this old is forgotten (and pruned).
FORGET_AFTER = timedelta(days=1)


def _insert_ignoring_duplicates(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL: concurrent first attempts for one name
    both succeed (one inserts, the other finds the row) instead of one failing on the primary key."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(model).values(rows).on_conflict_do_nothing())


def _lock_seconds(settings: Settings, failures: int, limit: int) -> int:
    """The wait after the ``failures``-th failure: none before ``limit``, then ``login_lock_seconds``,
    doubled with each further failure, at most ``login_max_lock_seconds``."""
    if failures < limit:
        return 0
    return min(settings.login_lock_seconds * 2 ** min(failures - limit, 30), settings.login_max_lock_seconds)


def throttle_address(address: str | None) -> str:
    """A client address as the throttle keeps it (the address ProxyFix found behind the trusted proxies)."""
    return (address or "unknown")[:column_length(LoginThrottle, "address")]


def count_attempt(session: Session, settings: Settings, key: str, limits: list[tuple[str, int]],
                  refusal: str = "login_locked") -> dict[str, int]:
    """Count an attempt of ``key`` (a user name, or another throttled action such as a visitor's report)
    from each address of ``limits`` ((address, limit): a client address, or :data:`ALL_ADDRESSES`), in
    ``session``, a transaction of its own that holds the rows' locks (PostgreSQL: row locks; SQLite: the
    write lock) only for the counting, not during the slow work that follows (a password check). Raises
    ``refusal`` (429, and counts nothing) while any of them is blocked. Parallel attempts are counted one
    after the other, so no more attempts pass than the limits allow. Returns the blocks this attempt
    started: throttle address -> seconds."""
    now = audit.now()
    _insert_ignoring_duplicates(session, LoginThrottle, [
        {"username": key, "address": a, "failures": 0, "last_failure_at": now} for a, _limit in limits])
    started: dict[str, int] = {}
    for addr, limit in limits:  # always the same order: no deadlock between two attempts
        row = session.scalars(select(LoginThrottle).where(LoginThrottle.username == key,
                                                          LoginThrottle.address == addr)
                              .with_for_update().execution_options(populate_existing=True)).one()
        blocked = row.blocked_until and audit.as_utc(row.blocked_until)
        if blocked and blocked > now:
            wait = math.ceil((blocked - now).total_seconds())
            raise TooManyRequests(refusal, headers={"Retry-After": str(wait)}, seconds=wait)
        if audit.as_utc(row.last_failure_at) < now - FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        seconds = _lock_seconds(settings, row.failures, limit)
        row.blocked_until = now + timedelta(seconds=seconds) if seconds else None
        if seconds:
            started[addr] = seconds
    return started


def _take_back_attempt(session: Session, username: str, address: str) -> None:
    """A successful login: the address starts afresh, and the name's count from anywhere loses the
    attempt just counted (the person's own logins never add up to a block of the name)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.username == username,
                                                LoginThrottle.address == address))
    session.execute(update(LoginThrottle).where(
        LoginThrottle.username == username, LoginThrottle.address == ALL_ADDRESSES, LoginThrottle.failures > 0)
        .values(failures=LoginThrottle.failures - 1))


def authenticate(ctx: AtlasContext, username: Any, password: Any, address: str | None,
                 throttle: sessionmaker[Session]) -> User:
    """Check a login from client ``address`` (as seen through the trusted proxies); ``ctx``'s actor is the
    anonymous caller. What the login writes when it succeeds is part of the request's unit of work; the
    throttle's counting and a failure's record are units of work of their own (sessions of ``throttle``),
    committed at once: the count must not wait for the password check, and a failure is kept although the login fails.

    Failures are throttled per (name, address) with growing waits, so that someone elsewhere cannot
    lock the real user out, and per name from all addresses with a much higher limit. Every failure is
    in the audit log (never the password). Unknown names, wrong passwords and deactivated accounts
    (even with the right password) answer alike, ``wrong_credentials``, after the same work: the
    answer confirms neither the name nor the password. Whoever deactivated an account sees in the
    audit log that its password was tried (``reason: inactive``).
    """
    if not isinstance(username, str) or not isinstance(password, str) or not username:
        raise Invalid("invalid_body", errors=[FieldError("username", "required")])
    if len(username) > column_length(User, "username"):
        # No account can have such a name; counting it would only fill the throttle table.
        _verify(_DUMMY_HASH, password)
        raise Unauthorized("wrong_credentials")
    session, settings = ctx.session, ctx.settings
    address = throttle_address(address)
    with session_scope(throttle) as counting:
        started = count_attempt(counting, settings, username, [
            (ALL_ADDRESSES, settings.login_max_failures_per_name), (address, settings.login_max_failures)])
    user = session.scalar(select(User).where(User.username == username))
    verified = _verify(user.password_hash if user is not None else _DUMMY_HASH, password)
    if user is None or not verified or not user.active:
        reason = "unknown_user" if user is None else "wrong_password" if not verified else "inactive"
        details: dict[str, Any] = {"username": username, "address": address, "reason": reason}
        with session_scope(throttle) as failure:
            if started:
                details["locked_seconds"] = max(started.values())
                # The wait runs from the failure, not from the count: a slow password check does not eat it.
                for addr, seconds in started.items():
                    failure.execute(update(LoginThrottle).where(
                        LoginThrottle.username == username, LoginThrottle.address == addr)
                        .values(blocked_until=audit.now() + timedelta(seconds=seconds)))
            audit.record(failure, ctx.actor, "login_failed", f"user:{user.id}" if user else f"username:{username}",
                         **details)
        raise Unauthorized("wrong_credentials")
    _take_back_attempt(session, username, address)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(session, actor_of(user), "login", f"user:{user.id}", address=address)
    _prune(ctx)
    return user


def unlock(ctx: AtlasContext, username: str) -> int:
    """End every login block of ``username`` (all addresses).
    Returns how many throttle entries were removed."""
    require_admin(ctx.actor, "users")
    removed = ctx.session.execute(delete(LoginThrottle).where(LoginThrottle.username == username)).rowcount
    audit.record(ctx.session, ctx.actor, "login_unlocked", f"username:{username}", entries=removed)
    return removed


def prune(ctx: AtlasContext) -> dict[str, int]:
    """Delete what no longer matters: throttle entries whose block has ended and whose last failure is
    older than :data:`FORGET_AFTER`, logouts whose refresh tokens have expired anyway, and the e-mails
    of visitors' reports older than ``report_email_days`` (:func:`.reports.prune`). Runs with
    every successful login and as ``familienatlas-server prune`` (the operator's)."""
    require_admin(ctx.actor, "users")
    return _prune(ctx)


def _prune(ctx: AtlasContext) -> dict[str, int]:
    session, settings, now = ctx.session, ctx.settings, audit.now()
    throttle = session.execute(delete(LoginThrottle).where(
        LoginThrottle.last_failure_at < now - FORGET_AFTER,
        or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until < now))).rowcount
    revoked = session.execute(delete(RevokedSession).where(
        RevokedSession.revoked_at < now - timedelta(days=settings.refresh_token_days))).rowcount
    # Imported here: reports count visitors through this module's throttle.
    from . import reports
    return {"login_throttle": throttle, "revoked_sessions": revoked, **reports.prune(ctx)}


def account_of(ctx: AtlasContext) -> User:
    """The account of the acting user (the token check found it active a moment ago)."""
    user = ctx.session.get(User, ctx.actor.user_id) if ctx.actor.user_id is not None else None
    if user is None:
        raise Unauthorized("token_revoked")
    return user


def actor_for_token(session: Session, user_id: int, sid: str, version: int) -> Actor:
    """A token is valid only while its user is active, its version current and its session not
    logged out: deactivation, role changes and logout take effect on the very next request. The one
    service without a context: it finds the actor the request's context is then built with."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise Unauthorized("token_revoked")
    if user.token_version != version or session.get(RevokedSession, sid) is not None:
        raise Unauthorized("token_revoked")
    return actor_of(user)


def end_session(ctx: AtlasContext, sid: str) -> None:
    """Log out one login session: its access and refresh tokens stop working."""
    session, actor = ctx.session, ctx.actor
    if session.get(RevokedSession, sid) is None:
        session.add(RevokedSession(sid=sid, revoked_at=audit.now()))
    audit.record(session, actor, "logout", f"user:{actor.user_id}")


def change_own_password(ctx: AtlasContext, body: Any) -> None:
    """The acting user changes its password; every token of the user is revoked."""
    session, settings, actor = ctx.session, ctx.settings, ctx.actor
    change = read(PasswordChange, body)
    user = session.get(User, actor.user_id)
    if not _verify(user.password_hash, change.old_password):
        raise Invalid("wrong_old_password", errors=[FieldError("old_password", "wrong_password")])
    user.password_hash = hash_password(check_password_policy(change.new_password, settings, "new_password"))
    user.token_version += 1
    audit.record(session, actor, "password_changed", f"user:{user.id}")


def _check_role_and_municipality(session: Session, data: dict[str, Any], user: User | None = None) -> None:
    """A known role and municipality; an admin belongs to the county (a municipality with no parent),
    whose county-wide data it keeps. ``user`` is the account being changed (None when created)."""
    if "role" in data and data["role"] not in ROLES:
        raise Invalid("invalid_body", errors=[FieldError("role", "unknown_choice", {"value": data["role"]})])
    municipality_id = data.get("municipality_id")  # 0 is an id too (of no municipality), not "unchanged"
    if municipality_id is None and user is not None:
        municipality_id = user.municipality_id
    municipality = session.get(Municipality, municipality_id) if municipality_id is not None else None
    if "municipality_id" in data and municipality is None:
        raise Invalid("invalid_body", errors=[
            FieldError("municipality_id", "unknown_choice", {"value": data["municipality_id"]})])
    role = data.get("role") or (user.role if user is not None else None)
    if role == "admin" and municipality is not None and municipality.parent_id is not None:
        field = "role" if "role" in data else "municipality_id"
        raise Invalid("invalid_body", errors=[
            FieldError(field, "admin_needs_county", {"municipality": municipality.name})])


def list_users(ctx: AtlasContext) -> list[UserView]:
    require_admin(ctx.actor, "users")
    return [user_view(u) for u in ctx.session.scalars(select(User).order_by(User.username))]


def create_user(ctx: AtlasContext, body: Any) -> User:
    """Create an account."""
    session, settings, actor = ctx.session, ctx.settings, ctx.actor
    require_admin(actor, "users")
    new = read(NewUser, body, model=User)
    data = given(new)
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


def update_user(ctx: AtlasContext, user_id: int, body: Any) -> User:
    """Change role, municipality, activity, name or password. Anything that changes what the user
    may do revokes all of the user's tokens at once."""
    session, settings, actor = ctx.session, ctx.settings, ctx.actor
    require_admin(actor, "users")
    user = session.get(User, user_id) if fits_column(User, "id", user_id) else None
    if user is None:
        raise NotFound("user_not_found", id=user_id)
    data = given(read(UserChange, body, partial=True, model=User))
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
    if "role" in changes or "municipality_id" in changes:
        current = sequence.lock(session)  # a change number of its own: checkouts after it pull on
        sequence.advance(session, current, 1)
        user.rights_changed_seq = current + 1
    session.flush()
    audit.record(session, actor, "user_changed", f"user:{user.id}", **changes)
    return user
