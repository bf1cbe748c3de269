"""The OpenAPI 3.0 document of the whole API, derived from the registered routes.

Deriving it from the URL map and the view docstrings keeps it complete: a new route appears in
the document without anyone remembering to add it.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Flask, current_app

from .. import __version__
from ..domain import commands as cmd
from ..domain import pages, reports, views
from ..domain.commands import PushBody, request_schema
from ..domain.contract import schema
from ..domain.layers import LAYERS
from ..storage.models import (
    Category,
    Indicator,
    IndicatorTheme,
    LegalPage,
    Municipality,
    OfferReport,
    SavedView,
    SpatialLevel,
    User,
)
from . import uploads
from .common import answers

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

_PUBLIC_PREFIXES = ("/api/v1/public", "/api/v1/health", "/api/v1/openapi", "/api/v1/auth/login")
_PROBLEM_SCHEMA = {"type": "object", "properties": {
    "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
    "code": {"type": "string"}, "detail": {"type": "string"},
    "errors": {"type": "array", "items": {"type": "object", "properties": {
        "field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}}}}
_PROBLEM = {"description": "Problem details (RFC 9457)",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def request_schemas() -> dict[str, dict[str, Any] | None]:
    """The request body of each writing endpoint, from the same specs the domain reads bodies with;
    None: the endpoint takes no body."""
    login = {"type": "object", "required": ["username", "password"], "properties": {
        "username": {"type": "string"}, "password": {"type": "string", "format": "password"}}}
    return {
        "auth.login": login,
        "auth.refresh": None,
        "auth.logout": None,
        "auth.web_login": login,
        "auth.change_password": request_schema(cmd.PasswordChange),
        "admin.create_user": request_schema(cmd.NewUser, model=User),
        "admin.update_user": request_schema(cmd.UserChange, model=User),
        "admin.create_municipality": request_schema(cmd.MunicipalityCommand, model=Municipality),
        "admin.update_municipality": request_schema(cmd.MunicipalityCommand, partial=True, model=Municipality),
        "admin.create_level": request_schema(cmd.LevelCommand, model=SpatialLevel),
        "admin.update_level": request_schema(cmd.LevelCommand, partial=True, model=SpatialLevel),
        "admin.create_category": request_schema(cmd.CategoryCommand, model=Category),
        "admin.update_category": request_schema(cmd.CategoryCommand, partial=True, model=Category),
        "admin.save_page": request_schema(cmd.PageCommand, model=LegalPage),
        "indicators.create_indicator": request_schema(cmd.IndicatorCommand, model=Indicator),
        "indicators.update_indicator": request_schema(cmd.IndicatorCommand, partial=True, model=Indicator),
        "indicators.create_theme": request_schema(cmd.ThemeCommand, model=IndicatorTheme),
        "indicators.update_theme": request_schema(cmd.ThemeCommand, partial=True, model=IndicatorTheme),
        "indicators.import_catalogue": request_schema(cmd.CatalogueImport),
        "sync.push": schema(PushBody),
        "uploads.upload_values": uploads.FORM_SCHEMA,
        "review.approve": request_schema(cmd.Approval),
        "review.reject": request_schema(cmd.Rejection),
        "review.withdraw": request_schema(cmd.Withdrawal),
        "sync.restore": request_schema(cmd.Restoration),
        "reports.report": request_schema(cmd.VisitorReport, model=OfferReport),
        "reports.close_report": request_schema(cmd.ReportClosing, model=OfferReport),
        "views.create_view": _view_body(partial=False),
        "views.update_view": _view_body(partial=True),
        "views.propose_view": None,
        "views.publish_view": None,
        "views.unpublish_view": None,
        "views.decline_view": request_schema(cmd.ViewDecline, model=SavedView),
    }


def _view_body(partial: bool) -> dict[str, Any]:
    """A saved view's body: name, visibility and the checked state."""
    out = request_schema(cmd.ViewCommand, partial=partial, model=SavedView)
    out["properties"]["visibility"]["enum"] = [*views.VISIBILITIES, None]
    out["properties"]["state"] = {**views.state_schema(), **({"nullable": True} if partial else {})}
    return out


_VIEW = {"name": "view", "in": "query", "required": False,
         "description": "staff (login): the true values, marked confidential where the public sees none",
         "schema": {"type": "string", "enum": ["public", "staff"], "default": "public"}}
QUERY_PARAMETERS: dict[str, list[dict[str, Any]]] = {
    "indicators.indicator_values": [
        {"name": "level", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "spatial level key (all levels when left out)"},
        {"name": "year", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1990,
                                                                        "maximum": 9999},
         "description": "one year (all years when left out)"},
        _VIEW],
    "indicators.unit_values": [_VIEW],
    "reports.list_reports": [
        {"name": "state", "in": "query", "required": False,
         "schema": {"type": "string", "enum": list(reports.STATES), "default": "open"}},
        {"name": "limit", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1000}}],
    "indicators.web_units": [
        {"name": "level", "in": "query", "required": True, "schema": {"type": "string"},
         "description": "spatial level key (gemeinde, mitgliedsgemeinde, ortsteil, landkreis, ...)"}],
    "indicators.download_values": [
        {"name": "format", "in": "query", "required": False,
         "schema": {"type": "string", "enum": ["csv", "xlsx", "geojson"], "default": "csv"}},
        {"name": "level", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "spatial level key (default: the indicator's first level)"},
        {"name": "year", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1990,
                                                                        "maximum": 9999},
         "description": "one year (all years when left out)"},
        {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["de", "en"]},
         "description": "language of labels and notes (default: Accept-Language)"}],
}
"""Query parameters of the endpoints that take some (the others are described in docs/api.md)."""



def _path_schema(rule: str, name: str) -> dict[str, Any]:
    if f"int:{name}" in rule:  # the ids of users, municipalities, levels, categories: 32-bit columns
        return {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    if name == "layer":
        return {"type": "string", "enum": list(LAYERS)}
    if name == "page_key":
        return {"type": "string", "enum": list(pages.PAGES)}
    return {"type": "string"}


def _responses(view: Any, components: dict[str, Any]) -> dict[str, Any]:
    """The answer a view declares (``@answers``), as its success response, and the problem document."""
    declared = getattr(view, "answer", None)
    if declared is None:  # not declared yet: any JSON
        return {"200": {"description": "OK", "content": {"application/json": {"schema": {}}}}, "4XX": _PROBLEM}
    declaration, status, media_type = declared
    if declaration is None:  # no body (204)
        return {str(status): {"description": "No Content"}, "4XX": _PROBLEM}
    by_media = declaration if isinstance(declaration, dict) else {media_type: declaration}
    return {str(status): {"description": "OK" if status == 200 else "Created", "content": {
        media: {"schema": schema(d, components)} for media, d in by_media.items()}}, "4XX": _PROBLEM}


def build(app: Flask) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    components: dict[str, Any] = {"Problem": _PROBLEM_SCHEMA}
    bodies = request_schemas()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        params = [{"name": name, "in": "path", "required": True, "schema": _path_schema(rule.rule, name)}
                  for name in re.findall(r"{([^}]+)}", path)]
        doc = (view.__doc__ or "").strip()
        needs_login = _needs_login(view)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op: dict[str, Any] = {
                "operationId": f"{rule.endpoint}_{method.lower()}".replace(".", "_"),
                "summary": doc.splitlines()[0] if doc else rule.endpoint,
                "tags": [rule.endpoint.split(".")[0]],
                "parameters": [*params, *QUERY_PARAMETERS.get(rule.endpoint, [])],
                "responses": _responses(view, components),
            }
            if method in ("POST", "PATCH", "PUT") and bodies.get(rule.endpoint, {}) is not None:
                schema = bodies.get(rule.endpoint) or {"type": "object"}
                media = schema.get("x-content-type", "application/json")  # a file upload is multipart
                schema = {k: v for k, v in schema.items() if k != "x-content-type"}
                op["requestBody"] = {"required": True, "content": {media: {"schema": schema}}}
            if needs_login == "web_session":
                op["security"] = [{"webSession": []}]
            elif needs_login:
                op["security"] = [{"bearer": []}, {"webCookie": []}]
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.0.3",
        "info": {"title": "Familienatlas API", "version": __version__,
                 "description": "Sync, review and public API of the Familienatlas. Errors are RFC 9457 "
                                "problem documents; texts are German unless Accept-Language asks for en."},
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "webCookie": {"type": "apiKey", "in": "cookie", "name": "fa_access",
                              "description": "the web map's login (POST /auth/session); writes also need the "
                                             "header X-CSRF-TOKEN with the login's csrf_token"},
                "webSession": {"type": "apiKey", "in": "cookie", "name": "fa_refresh",
                               "description": "the web map's login, sent only to /auth/session"}},
            "schemas": dict(sorted(components.items())),
        },
    }


def _needs_login(view: Any) -> bool | str:
    """Views guarded by ``login_required`` (or the refresh token's guard) are marked so; the web login's
    own routes by ``"web_session"``."""
    return getattr(view, "needs_login", False)


@bp.get("/openapi.json")
@answers(dict[str, Any])
def openapi() -> dict[str, Any]:
    """This document."""
    return build(current_app)
