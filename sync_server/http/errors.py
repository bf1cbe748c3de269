"""One error format for every failure: RFC 9457 problem details, in the reader's language."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from .. import messages
from ..domain.errors import DomainError, FieldError
from .common import check_url

log = logging.getLogger(__name__)

_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 409: "Conflict", 413: "Content Too Large", 422: "Unprocessable Content",
           429: "Too Many Requests", 500: "Internal Server Error"}
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}


def language() -> str:
    return messages.pick_language(request.headers.get("Accept-Language"))


def _field_errors(errors: list[FieldError] | list[dict], lang: str) -> list[dict[str, Any]]:
    out = []
    for e in errors:
        field, code, params = (e.field, e.code, e.params) if isinstance(e, FieldError) else (
            e["field"], e["code"], e.get("params", {}))
        out.append({"field": field, "code": code, "message": messages.field_text(code, params, lang)})
    return out


def _results(results: list[dict], lang: str) -> list[dict]:
    """Per-change results of a push get a readable message next to their codes."""
    for result in results:
        if result.get("code"):
            result["message"] = messages.text(result["code"], result.get("params", {}), lang)
        if result.get("errors"):
            result["errors"] = _field_errors(result["errors"], lang)
    return results


def problem(status: int, code: str, params: dict[str, Any] | None = None, errors: list | None = None,
            extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Response:
    lang = language()
    doc: dict[str, Any] = {
        "type": f"https://familienatlas.de/problems/{code}",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "code": code,
        "detail": messages.text(code, params or {}, lang),
    }
    if errors:
        doc["errors"] = _field_errors(errors, lang)
        first = doc["errors"][0]
        doc["detail"] += f" {first['field']}: {first['message']}"
    for key, value in (extra or {}).items():
        doc[key] = _results(value, lang) if key == "results" else value
    response = jsonify(doc)
    response.status_code = status
    response.content_type = "application/problem+json"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _rollback() -> None:
    session = g.get("db")
    if session is not None:
        session.rollback()


def register(app: Flask) -> None:
    app.before_request(check_url)

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> Response:
        _rollback()
        return problem(exc.status, exc.code, exc.params, exc.errors, exc.body, exc.headers)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        _rollback()
        status = exc.code or 500
        params = {"limit": request.max_content_length} if status == 413 else {}
        return problem(status, _HTTP_CODES.get(status, "invalid_body"), params)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        _rollback()
        log.exception("unexpected error on %s %s", request.method, request.path)
        return problem(500, "internal_error")
