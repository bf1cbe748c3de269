"""The OpenAPI 3.0 document of the whole API, derived from the registered routes.

Deriving it from the URL map and the view docstrings keeps it complete: a new route appears in
the document without anyone remembering to add it.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify

from .. import __version__

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

_PUBLIC_PREFIXES = ("/api/v1/public", "/api/v1/health", "/api/v1/openapi", "/api/v1/auth/login")
_PROBLEM = {"description": "Problem details (RFC 9457)",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def build(app: Flask) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        params = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "integer" if f"int:{name}" in rule.rule else "string"}}
                  for name in re.findall(r"{([^}]+)}", path)]
        doc = (view.__doc__ or "").strip()
        needs_login = _needs_login(view)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op: dict[str, Any] = {
                "operationId": f"{rule.endpoint}_{method.lower()}".replace(".", "_"),
                "summary": doc.splitlines()[0] if doc else rule.endpoint,
                "tags": [rule.endpoint.split(".")[0]],
                "parameters": params,
                "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {}}}},
                              "4XX": _PROBLEM},
            }
            if method in ("POST", "PATCH", "PUT"):
                op["requestBody"] = {"required": True,
                                     "content": {"application/json": {"schema": {"type": "object"}}}}
            if needs_login:
                op["security"] = [{"bearer": []}]
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.0.3",
        "info": {"title": "Familienatlas API", "version": __version__,
                 "description": "Sync, review and public API of the Familienatlas. Errors are RFC 9457 "
                                "problem documents; texts are German unless Accept-Language asks for en."},
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "schemas": {"Problem": {"type": "object", "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                "code": {"type": "string"}, "detail": {"type": "string"},
                "errors": {"type": "array", "items": {"type": "object", "properties": {
                    "field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}}}}},
        },
    }


def _needs_login(view: Any) -> bool:
    """Views wrapped by ``jwt_required`` keep the original in ``__wrapped__``."""
    return hasattr(view, "__wrapped__")


@bp.get("/openapi.json")
def openapi() -> Response:
    """This document."""
    return jsonify(build(current_app))
