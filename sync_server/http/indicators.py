"""The indicator catalogue (public read, admin write) and the public indicator values."""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request
from flask_jwt_extended import verify_jwt_in_request

from ..domain.errors import FieldError, Invalid
from ..domain.indicators import catalogue, export, public
from .caching import public_answer
from .common import actor, atlas, body, db, int_arg, login_required
from .errors import language

bp = Blueprint("indicators", __name__, url_prefix="/api/v1")


@bp.get("/indicators")
@public_answer("data")
def list_indicators() -> Response:
    """The indicator catalogue: themes, indicators and the catalogue version (also the import format)."""
    return jsonify(catalogue.catalogue_view(db()))


@bp.get("/indicators/<key>")
@public_answer("data")
def get_indicator(key: str) -> Response:
    """One indicator's definition, with the catalogue version."""
    return jsonify(catalogue.indicator_view(db(), key))


@bp.post("/indicators")
@login_required
def create_indicator() -> Response:
    """Create an indicator (admin)."""
    ind = catalogue.save_indicator(db(), actor(), body())
    return jsonify(catalogue.indicator_view(db(), ind.key)), 201


@bp.patch("/indicators/<key>")
@login_required
def update_indicator(key: str) -> Response:
    """Change an indicator: only the fields sent (admin)."""
    ind = catalogue.save_indicator(db(), actor(), body(), key)
    return jsonify(catalogue.indicator_view(db(), ind.key))


@bp.delete("/indicators/<key>")
@login_required
def delete_indicator(key: str) -> Response:
    """Delete an indicator that has no values and that no other indicator builds on (admin)."""
    catalogue.delete_indicator(db(), actor(), key)
    return jsonify({"deleted": key, "version": catalogue.version(db())})


@bp.post("/indicator-themes")
@login_required
def create_theme() -> Response:
    """Create a theme of the indicator catalogue (admin)."""
    theme = catalogue.save_theme(db(), actor(), body())
    return jsonify({**catalogue.theme_dict(theme), "version": catalogue.version(db())}), 201


@bp.patch("/indicator-themes/<key>")
@login_required
def update_theme(key: str) -> Response:
    """Change a theme: names, position, colour, key (admin)."""
    theme = catalogue.save_theme(db(), actor(), body(), key)
    return jsonify({**catalogue.theme_dict(theme), "version": catalogue.version(db())})


@bp.delete("/indicator-themes/<key>")
@login_required
def delete_theme(key: str) -> Response:
    """Delete a theme without indicators (admin)."""
    catalogue.delete_theme(db(), actor(), key)
    return jsonify({"deleted": key, "version": catalogue.version(db())})


@bp.post("/indicator-catalogue/import")
@login_required
def import_catalogue() -> Response:
    """Create or update themes and indicators by key from a catalogue document, all or nothing (admin)."""
    return jsonify(catalogue.import_catalogue(db(), actor(), body()))


def _staff_view() -> public.StaffView | None:
    """``?view=staff``: the logged-in caller's view (a 401 without a valid login); else the public's (None)."""
    view = request.args.get("view", "public")
    if view not in ("public", "staff"):
        raise Invalid("invalid_query", errors=[FieldError("view", "unknown_choice", {"value": view})])
    if view == "public":
        return None
    verify_jwt_in_request()
    ctx, reader = atlas(), actor()
    return public.StaffView(reader, {mid: m.shares_unpublished for mid, m in ctx.municipalities.items()},
                            ctx.units_for(reader))


@bp.get("/indicators/<key>/values")
@public_answer("data")
def indicator_values(key: str) -> Response:
    """Values of one indicator: `level`, `year` (all years when left out); published, aggregated and
    confidentiality-protected; `view=staff` (login) shows the true values marked as confidential."""
    staff = _staff_view()
    year = int_arg("year", 0, 1990, 9999) or None
    return jsonify(public.indicator_values(db(), atlas().indicators, key, level=request.args.get("level") or None,
                                           year=year, staff=staff))


@bp.get("/units/<key>/values")
@public_answer("data")
def unit_values(key: str) -> Response:
    """Values of one spatial unit: all indicators, all years (as /indicators/<key>/values)."""
    return jsonify(public.unit_values(db(), atlas().indicators, key, staff=_staff_view()))


@bp.get("/indicators/<key>/download")
@public_answer("data")
def download_values(key: str) -> Response:
    """One indicator's public values as a file to keep (CSV for German Excel, XLSX, GeoJSON).

    `level` and `year` (all years when left out) as the expert map shows them; `format` csv (UTF-8 with
    BOM, semicolons, decimal comma), xlsx or geojson, each with definition, source, licence,
    confidentiality rule and stand; `lang` de or en (default: Accept-Language). Withheld values are
    marked, never given."""
    fmt = request.args.get("format") or "csv"
    if fmt not in export.FORMATS:
        raise Invalid("invalid_query", errors=[FieldError("format", "unknown_download_format", {
            "value": fmt, "formats": ", ".join(export.FORMATS)})])
    lang = request.args.get("lang") or language()
    if lang not in ("de", "en"):
        raise Invalid("invalid_query", errors=[FieldError("lang", "unknown_choice", {"value": lang})])
    year = int_arg("year", 0, 1990, 9999) or None
    table = export.build(db(), atlas().indicators, key, level=request.args.get("level") or None, year=year,
                         language=lang)
    if fmt == "csv":
        data = export.to_csv(table)
    elif fmt == "xlsx":
        data = export.to_xlsx(table)
    else:
        data = json.dumps(export.to_geojson(db(), table), ensure_ascii=False).encode()
    return Response(data, content_type=export.MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{table.filename(fmt)}"'})
