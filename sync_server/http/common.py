"""Helpers every blueprint shares: the request's database session, its actor, JSON in and out."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import current_app, g, request
from flask_jwt_extended import jwt_required
from sqlalchemy.orm import Session

from ..config import Settings
from ..domain.context import AtlasContext
from ..domain.errors import BadRequest, FieldError, Invalid
from ..domain.rights import Actor


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
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("malformed_json", reason=str(exc)) from None


def int_arg(name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid("invalid_query", errors=[FieldError(name, "wrong_type", {"expected": "integer"})]) from None
    if value < minimum or (maximum is not None and value > maximum):
        raise Invalid("invalid_query", errors=[FieldError(name, "out_of_range", {"min": minimum, "max": maximum})])
    return value


def date_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise Invalid("invalid_query", errors=[FieldError(name, "bad_date", {"value": raw})]) from None
