"""Helpers every blueprint shares: the request's database session, its actor, JSON in and out."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import current_app, g, request
from flask_jwt_extended import jwt_required
from sqlalchemy.orm import Session

from ..config import Settings
from ..domain.context import AtlasContext
from ..domain.errors import BadRequest, FieldError, Invalid
from ..domain.rights import Actor
from ..domain.validation import INT64_MAX


def state() -> Any:
    return current_app.extensions["familienatlas"]


def settings() -> Settings:
    return state().settings


def db() -> Session:
    """The request's session, opened on first use and closed when the request ends."""
    if "db" not in g:
        g.db = state().session_factory()
    return g.db


def atlas() -> AtlasContext:
    if "atlas" not in g:
        g.atlas = AtlasContext.load(db(), settings())
    return g.atlas


def actor() -> Actor:
    """The logged-in user; set by the token check (see :mod:`.auth`)."""
    return g.actor


def optional_actor() -> Actor | None:
    return g.get("actor")


login_required = jwt_required()


def body() -> Any:
    """The JSON body, or a 400 that says what is wrong with it."""
    if not request.is_json:
        raise BadRequest("json_required")
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("malformed_json", reason=str(exc)) from None
    except RecursionError:
        raise BadRequest("malformed_json", reason="nested too deeply") from None
    _refuse_nul(data)
    return data


def _refuse_nul(data: Any) -> None:
    """PostgreSQL cannot store NUL characters in text or JSON; no atlas text needs them, so refuse them
    here, for every endpoint at once, instead of failing later in the database."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise Invalid("invalid_body", errors=[FieldError(path or "body", "nul_character")])
        elif isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    raise Invalid("invalid_body", errors=[FieldError(path or "body", "nul_character")])
                stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))


def refuse_nul_in_url() -> None:
    """Runs before every request: NUL characters in query arguments or path parts are refused too."""
    for name, value in [*request.args.items(multi=True), *(request.view_args or {}).items()]:
        if "\x00" in name or (isinstance(value, str) and "\x00" in value):
            raise Invalid("invalid_query", errors=[FieldError(name.replace("\x00", ""), "nul_character")])


def int_arg(name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid("invalid_query", errors=[FieldError(name, "wrong_type", {"expected": "integer"})]) from None
    maximum = INT64_MAX if maximum is None else maximum  # the databases' integers have 64 bits
    if value < minimum or value > maximum:
        raise Invalid("invalid_query", errors=[FieldError(name, "out_of_range", {"min": minimum, "max": maximum})])
    return value


def date_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
        # Times are stored in UTC; SQLite compares them as text, so a time in another zone must be
        # converted (and a time without zone is read as UTC, on both databases alike). Converting
        # can overflow at the ends of the calendar (0001-01-01T00:00+14:00).
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise Invalid("invalid_query", errors=[FieldError(name, "bad_date", {"value": raw})]) from None
