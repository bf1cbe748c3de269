"""The indicator catalogue (public read, admin write) and the public indicator values."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..domain.indicators import catalogue
from .common import actor, body, db, login_required

bp = Blueprint("indicators", __name__, url_prefix="/api/v1")


@bp.get("/indicators")
def list_indicators() -> Response:
    """The indicator catalogue: themes, indicators and the catalogue version (also the import format)."""
    return jsonify(catalogue.catalogue_view(db()))


@bp.get("/indicators/<key>")
def get_indicator(key: str) -> Response:
    """One indicator's definition, with the catalogue version."""
    return jsonify(catalogue.indicator_view(db(), key))


@bp.post("/indicators")
@login_required
def create_indicator() -> Response:
    """Create an indicator (admin)."""
    ind = catalogue.save_indicator(db(), actor(), body())
    db().commit()
    return jsonify(catalogue.indicator_view(db(), ind.key)), 201


@bp.patch("/indicators/<key>")
@login_required
def update_indicator(key: str) -> Response:
    """Change an indicator: only the fields sent (admin)."""
    ind = catalogue.save_indicator(db(), actor(), body(), key)
    db().commit()
    return jsonify(catalogue.indicator_view(db(), ind.key))


@bp.delete("/indicators/<key>")
@login_required
def delete_indicator(key: str) -> Response:
    """Delete an indicator that has no values and that no other indicator builds on (admin)."""
    catalogue.delete_indicator(db(), actor(), key)
    db().commit()
    return jsonify({"deleted": key, "version": catalogue.version(db())})


@bp.post("/indicator-themes")
@login_required
def create_theme() -> Response:
    """Create a theme of the indicator catalogue (admin)."""
    theme = catalogue.save_theme(db(), actor(), body())
    db().commit()
    return jsonify({**catalogue.theme_dict(theme), "version": catalogue.version(db())}), 201


@bp.patch("/indicator-themes/<key>")
@login_required
def update_theme(key: str) -> Response:
    """Change a theme: names, position, colour, key (admin)."""
    theme = catalogue.save_theme(db(), actor(), body(), key)
    db().commit()
    return jsonify({**catalogue.theme_dict(theme), "version": catalogue.version(db())})


@bp.delete("/indicator-themes/<key>")
@login_required
def delete_theme(key: str) -> Response:
    """Delete a theme without indicators (admin)."""
    catalogue.delete_theme(db(), actor(), key)
    db().commit()
    return jsonify({"deleted": key, "version": catalogue.version(db())})


@bp.post("/indicator-catalogue/import")
@login_required
def import_catalogue() -> Response:
    """Create or update themes and indicators by key from a catalogue document, all or nothing (admin)."""
    answer = catalogue.import_catalogue(db(), actor(), body())
    db().commit()
    return jsonify(answer)
