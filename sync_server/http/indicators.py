"""The indicator catalogue (public read, admin write) and the public indicator values."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, request
from flask_jwt_extended import verify_jwt_in_request

from ..domain.answers import (
    CatalogueAnswer,
    Deleted,
    ImportCounts,
    IndicatorAnswer,
    IndicatorValues,
    ThemeAnswer,
    UnitValues,
    WebUnits,
)
from ..domain.errors import FieldError, Invalid
from ..domain.indicators import catalogue, export, public, webgeometry
from .caching import public_answer
from .common import answers, body, context, int_arg, login_required
from .errors import language

bp = Blueprint("indicators", __name__, url_prefix="/api/v1")


@bp.get("/indicators")
@public_answer("data")
@answers(CatalogueAnswer)
def list_indicators() -> CatalogueAnswer:
    """The indicator catalogue: themes, indicators and the catalogue version (also the import format)."""
    return catalogue.catalogue_view(context())


@bp.get("/indicators/<key>")
@public_answer("data")
@answers(IndicatorAnswer)
def get_indicator(key: str) -> IndicatorAnswer:
    """One indicator's definition, with the catalogue version."""
    return catalogue.indicator_view(context(), key)


@bp.post("/indicators")
@login_required
@answers(IndicatorAnswer, 201)
def create_indicator() -> IndicatorAnswer:
    """Create an indicator (admin)."""
    return catalogue.save_indicator(context(), body())


@bp.patch("/indicators/<key>")
@login_required
@answers(IndicatorAnswer)
def update_indicator(key: str) -> IndicatorAnswer:
    """Change an indicator: only the fields sent (admin)."""
    return catalogue.save_indicator(context(), body(), key)


@bp.delete("/indicators/<key>")
@login_required
@answers(Deleted)
def delete_indicator(key: str) -> Deleted:
    """Delete an indicator that has no values, no other indicator builds on and no saved view shows (admin)."""
    return catalogue.delete_indicator(context(), key)


@bp.post("/indicator-themes")
@login_required
@answers(ThemeAnswer, 201)
def create_theme() -> ThemeAnswer:
    """Create a theme of the indicator catalogue (admin)."""
    return catalogue.save_theme(context(), body())


@bp.patch("/indicator-themes/<key>")
@login_required
@answers(ThemeAnswer)
def update_theme(key: str) -> ThemeAnswer:
    """Change a theme: names, position, colour, key (admin)."""
    return catalogue.save_theme(context(), body(), key)


@bp.delete("/indicator-themes/<key>")
@login_required
@answers(Deleted)
def delete_theme(key: str) -> Deleted:
    """Delete a theme without indicators (admin)."""
    return catalogue.delete_theme(context(), key)


@bp.post("/indicator-catalogue/import")
@login_required
@answers(ImportCounts)
def import_catalogue() -> ImportCounts:
    """Create or update themes and indicators by key from a catalogue document, all or nothing (admin)."""
    return catalogue.import_catalogue(context(), body())


def _staff_view() -> bool:
    """``?view=staff``: the logged-in caller's view (a 401 without a valid login); else the public's."""
    view = request.args.get("view", "public")
    if view not in ("public", "staff"):
        raise Invalid("invalid_query", errors=[FieldError("view", "unknown_choice", {"value": view})])
    if view == "staff":
        verify_jwt_in_request()
    return view == "staff"


@bp.get("/indicators/<key>/values")
@public_answer("data")
@answers(IndicatorValues)
def indicator_values(key: str) -> IndicatorValues:
    """Values of one indicator: `level`, `year` (all years when left out); published, aggregated and
    confidentiality-protected; `view=staff` (login) shows the true values marked as confidential."""
    staff = _staff_view()
    year = int_arg("year", 0, 1990, 9999) or None
    return public.indicator_values(context(), key, level=request.args.get("level") or None, year=year,
                                   staff=staff)


@bp.get("/units")
@public_answer("data")
@answers(WebUnits)
def web_units() -> Response:
    """The public spatial units of one `level` for the expert mode's map: key, name, parent and the
    geometry simplified for the web (CRS84), neighbours keeping their shared boundary."""
    level = request.args.get("level", "")
    if not level:
        raise Invalid("invalid_query", errors=[FieldError("level", "required")])
    return Response(webgeometry.web_units(context(), level), mimetype="application/json")


@bp.get("/units/<key>/values")
@public_answer("data")
@answers(UnitValues)
def unit_values(key: str) -> UnitValues:
    """Values of one spatial unit: all indicators, all years (as /indicators/<key>/values)."""
    staff = _staff_view()
    return public.unit_values(context(), key, staff=staff)


@bp.get("/indicators/<key>/download")
@public_answer("data")
@answers({media.split(";")[0]: dict[str, Any] if fmt == "geojson" else bytes
          for fmt, media in export.MEDIA_TYPES.items()})
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
    table = export.build(context(), key, level=request.args.get("level") or None, year=year, language=lang)
    if fmt == "csv":
        data = export.to_csv(table)
    elif fmt == "xlsx":
        data = export.to_xlsx(table)
    else:
        data = json.dumps(export.to_geojson(context(), table), ensure_ascii=False).encode()
    return Response(data, content_type=export.MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{table.filename(fmt)}"'})
