"""The application factory: ``create_app(settings)`` builds a server with no import-time state."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, Response, g, request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import Settings
from .http import (
    admin,
    auth,
    caching,
    errors,
    indicators,
    ogcapi,
    openapi,
    public,
    reports,
    review,
    sync,
    uploads,
    views,
    web,
)
from .http.answer_cache import AnswerCache
from .storage.db import make_engine, make_session_factory


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    answers: AnswerCache = field(default_factory=AnswerCache)  # finished public answers (see answer_cache)


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__, static_folder=None)
    engine = make_engine(settings.database_url)
    app.extensions["familienatlas"] = AppState(settings, engine, make_session_factory(engine))
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)  # type: ignore[method-assign]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    auth.init_jwt(app)
    errors.register(app)
    for blueprint in (auth.bp, admin.bp, sync.bp, review.bp, indicators.bp, uploads.bp, views.bp, public.bp, reports.bp,
                      openapi.bp, ogcapi.bp, web.bp):
        app.register_blueprint(blueprint)

    caching.register(app)  # first: its after-request hook runs last

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db", None)
        if session is not None:
            session.close()
        reader = g.pop("reader", None)
        if reader is not None:
            reader.close()

    @app.after_request
    def _content_type(response: Response) -> Response:
        """Every answer says what it is and in which encoding, and browsers must not guess otherwise."""
        response.headers["X-Content-Type-Options"] = "nosniff"
        mimetype = response.mimetype or ""
        if _is_text(mimetype) and "charset=" not in response.content_type.lower():
            response.content_type = f"{response.content_type}; charset=utf-8"
        return response

    @app.after_request
    def _cors(response: Response) -> Response:
        origin = request.headers.get("Origin")
        if origin and ("*" in settings.cors_origins or origin in settings.cors_origins):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.vary.add("Origin")
            response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, Accept-Language"
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, PATCH, DELETE, OPTIONS"
        return response

    @app.after_request
    def _unit_of_work(response: Response) -> Response:
        """The one commit of a request's writes: a successful answer to a writing request commits them
        (routes and domain services never commit); any other answer has rolled them back (the error
        handlers do). Registered after every other after-request hook, so it runs first: what runs
        later sees the committed state. A commit that fails answers like any unexpected error."""
        session = g.get("db")
        if session is None or request.method in ("GET", "HEAD", "OPTIONS"):
            return response
        if response.status_code >= 400:
            session.rollback()
            return response
        try:
            session.commit()
        except Exception as exc:  # noqa: BLE001 - answered by the error handlers, as in a route
            return app.make_response(app.handle_user_exception(exc))
        return response

    return app


def _is_text(mimetype: str) -> bool:
    """Text media types (HTML, CSS, JavaScript, JSON and its kinds such as GeoJSON, SVG): they get a charset."""
    return mimetype.startswith("text/") or mimetype.endswith(("json", "+xml", "javascript")) or mimetype == \
        "application/xml"
