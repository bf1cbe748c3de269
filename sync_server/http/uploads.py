"""Indicator values from a spreadsheet: upload (dry run or real) and the template to fill in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, after_this_request, request

from .. import messages
from ..domain.answers import UploadReport
from ..domain.commands import IDEMPOTENCY_KEY_MAX, UploadForm, UploadOptions, names
from ..domain.contract import dump, schema
from ..domain.errors import DomainError, FieldError, Invalid
from ..domain.indicators import upload as uploads
from ..domain.text import text_fault
from ..memory import release_freed_memory
from .common import answers, context, db, login_required
from .errors import language

bp = Blueprint("uploads", __name__, url_prefix="/api/v1")

_FORM_FIELDS = names(UploadForm) - {"file"}
_TRUE, _FALSE = {"true", "1", "yes", "ja"}, {"false", "0", "no", "nein", ""}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The multipart body (OpenAPI): the declaration's schema, sent as a form (a form has no null: a field
# left out is the option's default).
_FORM = schema(UploadForm)
FORM_SCHEMA: dict[str, Any] = {**_FORM, "x-content-type": "multipart/form-data", "properties": {
    name: {k: v for k, v in prop.items() if k != "nullable"} for name, prop in _FORM["properties"].items()}}


def _text(form: Any, name: str, errors: list[FieldError], limit: int = 100) -> str | None:
    value = form.get(name)
    if value is None or value.strip() == "":
        return None
    if len(value) > limit:
        errors.append(FieldError(name, "too_long", {"max": limit}))
        return None
    if code := text_fault(value):  # the one rule of text that cannot be stored (NUL, lone surrogates)
        errors.append(FieldError(name, code))
        return None
    return value.strip()


def _options() -> tuple[bytes, str, UploadOptions]:
    """The file and the options of the multipart form, or a 422 naming every wrong field."""
    form, files = request.form, request.files
    # A part without a name (werkzeug keys it None) is an unknown field named "".
    errors = [FieldError(name or "", "unknown_field") for name in form if name not in _FORM_FIELDS]
    errors += [FieldError(name or "", "unknown_field") for name in files if name != "file"]
    # A second file or a field given twice would be silently dropped: say so instead of reading the first.
    errors += [FieldError(name, "repeated_parameter") for name in sorted(_FORM_FIELDS | {"file"})
               if len(form.getlist(name)) + len(files.getlist(name)) > 1]
    upload = files.get("file")
    if upload is None:
        errors.append(FieldError("file", "required"))
    dry_run = (form.get("dry_run") or "").strip().lower()
    if dry_run not in _TRUE | _FALSE:
        errors.append(FieldError("dry_run", "wrong_type", {"expected": "boolean"}))
    year: int | None = None
    raw_year = _text(form, "year", errors)
    if raw_year is not None:
        if raw_year.isascii() and raw_year.isdigit() and len(raw_year) <= 4:
            year = int(raw_year)
        else:
            errors.append(FieldError("year", "wrong_type", {"expected": "integer"}))
    options = UploadOptions(
        indicator=_text(form, "indicator", errors), level=_text(form, "level", errors), year=year,
        sheet=_text(form, "sheet", errors), dry_run=dry_run in _TRUE,
        idempotency_key=_text(form, "idempotency_key", errors, IDEMPOTENCY_KEY_MAX))
    if errors:
        raise Invalid("invalid_body", errors=errors)
    assert upload is not None
    return upload.read(), upload.filename or "upload", options


def _reason(code: str, params: dict[str, Any], lang: str) -> str:
    """Row codes come from the reader, the value rules and the ownership rule: field texts first."""
    if code in messages.DE_FIELDS:
        return messages.field_text(code, params, lang)
    return messages.text(code, params, lang)


def _render(answer: dict[str, Any]) -> dict[str, Any]:
    lang = language()
    for row in answer.get("rows") or []:
        if row.get("code"):
            row["reason"] = _reason(row["code"], row.get("params") or {}, lang)
    for skipped in answer.get("skipped") or []:
        skipped["message"] = _reason(skipped["reason"], {}, lang)
    return answer


@bp.post("/indicators/uploads")
@login_required
@answers(UploadReport)
def upload_values() -> dict[str, Any]:
    """Upload indicator values (CSV or XLSX): with dry_run a report per row of what would happen; else every
    new or changed value as one pending change set, or nothing with the reasons (403/422 with the report)."""
    data, filename, options = _options()

    @after_this_request
    def _release(response: Response) -> Response:
        response.call_on_close(release_freed_memory)  # once the report is sent and its rows are gone
        return response

    try:
        answer = uploads.upload(context(), data, filename, options)
    except DomainError as exc:
        if isinstance(exc.body.get("rows"), list):
            _render(exc.body)
        raise
    if options.dry_run:
        db().rollback()  # a report only: nothing of it is kept
    return _render(dump(answer))


def _template(key: str) -> Response:
    data, filename = uploads.template_workbook(context(), key, request.args.get("municipality") or None)
    return Response(data, mimetype=XLSX_TYPE, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/indicators/<key>/template")
@login_required
@answers(bytes, media_type=XLSX_TYPE)
def template(key: str) -> Response:
    """The XLSX template of an indicator for a municipality (default: the caller's): its units, the last
    years pre-filled with what the caller may read."""
    return _template(key)


@bp.get("/indicators/<key>/template.xlsx")
@login_required
@answers(bytes, media_type=XLSX_TYPE)
def template_xlsx(key: str) -> Response:
    """The XLSX template of an indicator (the same as /template, with the file name's extension)."""
    return _template(key)
