"""Helpers every blueprint shares: the request's database session, its actor, JSON in and out."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, g, request
from flask_jwt_extended import jwt_required
from sqlalchemy.orm import Session
from werkzeug.sansio.utils import get_current_url

from ..config import Settings
from ..domain.context import AtlasContext
from ..domain.contract import dump, encode
from ..domain.errors import BadRequest, FieldError, Invalid, PayloadTooLarge
from ..domain.rights import ANONYMOUS, Actor
from ..domain.text import find_bad_text, json_values_bound, printable, text_fault
from ..domain.validation import INT64_MAX
from ..storage.db import Reader


def state() -> Any:
    return current_app.extensions["familienatlas"]


def settings() -> Settings:
    return state().settings


def db() -> Session:
    """The request's session, opened on first use and closed when the request ends."""
    if "db" not in g:
        g.db = state().session_factory()
    return g.db


def reader() -> Reader:
    """The request's reader of the hottest public reads (no session; see :class:`Reader`), connected on
    first use and returned to the pool when the request ends."""
    if "reader" not in g:
        g.reader = Reader(state().engine)
    return g.reader


@functools.lru_cache(maxsize=64)
def _url_root(scheme: str, host: str, root_path: str) -> str:
    return get_current_url(scheme, host, root_path)


def url_root() -> str:
    """``request.url_root``, remembered per scheme, host and prefix (a few of them): werkzeug decodes it
    to an IRI anew on each call, a noticeable share of a small public answer."""
    return _url_root(request.scheme, request.host, request.root_path)


def context() -> AtlasContext:
    """The request's service context, built once: its session, the settings and the caller (the logged-in
    user the token check found, else :data:`ANONYMOUS`). Every domain service is given it."""
    caller = actor()
    if "context" not in g or g.context.actor != caller:  # a staff view logs in within the request
        g.context = AtlasContext(db(), settings(), caller, reader_given=reader())
    return g.context


def actor() -> Actor:
    """The logged-in user (set by the token check, see :mod:`.auth`), else :data:`ANONYMOUS`."""
    return g.get("actor", ANONYMOUS)


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """The view needs a valid access token (the OpenAPI document marks it so)."""
    guarded = jwt_required()(view)
    guarded.needs_login = True  # type: ignore[attr-defined]
    return guarded


def refresh_token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """The view needs a valid refresh token (only the token refresh)."""
    guarded = jwt_required(refresh=True)(view)
    guarded.needs_login = True  # type: ignore[attr-defined]
    return guarded


def web_session_required(optional: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The view reads the web map's refresh cookie (resume and end a web login; see :mod:`.auth`), which
    must be there unless ``optional``; writes also need the login's X-CSRF-TOKEN."""

    def guard(view: Callable[..., Any]) -> Callable[..., Any]:
        guarded = jwt_required(optional=optional, refresh=True, locations=["cookies"])(view)
        guarded.needs_login = "web_session"  # type: ignore[attr-defined]
        return guarded

    return guard


def answers(declaration: Any, status: int = 200, media_type: str = "application/json",
            ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare what a view answers and turn its typed result into JSON.

    ``declaration`` is a type of :mod:`..domain.answers` (or ``list[...]`` of one): the OpenAPI document
    describes the response with its schema, and the view returns an instance that is dumped here, with
    ``status``. An answer in several formats declares a dict of media type to declaration. A view that
    returns a :class:`Response` itself (a stream, a file of ``media_type``) passes it through. Put it
    below ``@bp.get`` (and the other marks: they are kept on the wrapper)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = view(*args, **kwargs)
            if isinstance(result, Response):
                return result
            response = json_answer(dump(result))
            response.status_code = status
            return response

        wrapper.answer = (declaration, status, media_type)  # type: ignore[attr-defined]
        return wrapper

    return decorate


def json_answer(value: Any) -> Response:
    """``jsonify(value)`` for a dumped answer that may hold :class:`..domain.contract.Encoded` text (spliced
    in as it is): the same JSON settings and layout, the same bytes for an answer without such text."""
    provider = current_app.json
    layout: dict[str, Any] = {"separators": (",", ":")}
    if (provider.compact is None and current_app.debug) or provider.compact is False:  # type: ignore[attr-defined]
        layout = {"indent": 2}
    text = encode(value, functools.partial(provider.dumps, **layout), provider.default)  # type: ignore[attr-defined]
    return current_app.response_class(f"{text}\n", mimetype=provider.mimetype)  # type: ignore[attr-defined]


def body(limit: int | None = None) -> Any:
    """The JSON body, or a 4xx that says what is wrong with it.

    Anonymous requests (no verified token: the login) may send only a small body, an endpoint may set a
    smaller ``limit`` still; the limit is checked from Content-Length and while reading, before
    anything is parsed. The number of JSON
    values is capped from the bytes before parsing too, so no body makes a worker build millions of
    objects. Text the atlas cannot store (NUL, lone surrogates) is refused here, for every endpoint.
    """
    if not request.is_json:
        raise BadRequest("json_required")
    limits = settings()
    if actor().is_anonymous:
        request.max_content_length = min(limits.max_anonymous_body_bytes, limits.max_body_bytes)
    if limit is not None:
        request.max_content_length = min(limit, request.max_content_length or limit)
    raw = request.get_data(cache=True)  # 413 from werkzeug above request.max_content_length
    if json_values_bound(raw) > limits.max_json_values:
        raise PayloadTooLarge("too_many_values", limit=limits.max_json_values)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("malformed_json", reason=str(exc)) from None
    except RecursionError:
        raise BadRequest("malformed_json", reason="nested too deeply") from None
    if (error := find_bad_text(data)) is not None:
        raise Invalid("invalid_body", errors=[error])
    return data


def check_url() -> None:
    """Runs before every request: query arguments and path parts with text the atlas cannot store
    (NUL, lone surrogates) are refused like such text in a body, and a query parameter given twice is
    refused by the API rather than silently read as its first value (``?year=2020&year=2021``; the web
    map's pages read their own address in the browser and stay reachable whatever it holds)."""
    for name, value in [*request.args.items(multi=True), *(request.view_args or {}).items()]:
        code = text_fault(name) or (text_fault(value) if isinstance(value, str) else None)
        if code:
            raise Invalid("invalid_query", errors=[FieldError(printable(name), code)])
    if request.blueprint == "web":
        return
    if repeated := [FieldError(name, "repeated_parameter") for name, given in request.args.lists() if len(given) > 1]:
        raise BadRequest("invalid_query", errors=repeated)


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
