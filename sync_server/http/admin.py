"""Atlas configuration (municipalities, spatial levels, categories, legal pages) and user administration."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..domain import accounts, audit, pages
from ..domain import configuration as conf
from .caching import public_answer
from .common import actor, body, date_arg, db, int_arg, login_required, settings

bp = Blueprint("admin", __name__, url_prefix="/api/v1")


@bp.get("/municipalities")
@public_answer("data")
def list_municipalities() -> Response:
    """All municipalities; `?territory=false` leaves the territories out."""
    with_territory = request.args.get("territory", "true").lower() != "false"
    return jsonify([conf.municipality_dict(m, with_territory) for m in conf.list_municipalities(db())])


@bp.get("/municipalities/<int:municipality_id>")
@public_answer("data")
def get_municipality(municipality_id: int) -> Response:
    """One municipality with its territory (EPSG:25832)."""
    return jsonify(conf.municipality_dict(conf.get_municipality(db(), municipality_id)))


@bp.post("/municipalities")
@login_required
def create_municipality() -> Response:
    """Create a municipality (admin)."""
    m = conf.save_municipality(db(), settings().max_geometry_vertices, actor(), body())
    return jsonify(conf.municipality_dict(m)), 201


@bp.patch("/municipalities/<int:municipality_id>")
@login_required
def update_municipality(municipality_id: int) -> Response:
    """Change a municipality: name, kind, parent, territory, sharing (admin)."""
    m = conf.save_municipality(db(), settings().max_geometry_vertices, actor(), body(), municipality_id)
    return jsonify(conf.municipality_dict(m))


@bp.get("/spatial-levels")
@public_answer("data")
def list_levels() -> Response:
    """The spatial levels, top down."""
    return jsonify([conf.level_dict(lv) for lv in conf.list_levels(db())])


@bp.post("/spatial-levels")
@login_required
def create_level() -> Response:
    """Create a spatial level (admin)."""
    level = conf.save_level(db(), actor(), body())
    return jsonify(conf.level_dict(level)), 201


@bp.patch("/spatial-levels/<int:level_id>")
@login_required
def update_level(level_id: int) -> Response:
    """Change a spatial level (admin)."""
    level = conf.save_level(db(), actor(), body(), level_id)
    return jsonify(conf.level_dict(level))


@bp.get("/categories")
@public_answer("data")
def list_categories() -> Response:
    """The two-level catalogue of institution categories."""
    return jsonify([conf.category_dict(c) for c in conf.list_categories(db())])


@bp.post("/categories")
@login_required
def create_category() -> Response:
    """Create a category or subcategory (admin)."""
    cat = conf.save_category(db(), actor(), body())
    return jsonify(conf.category_dict(cat)), 201


@bp.patch("/categories/<int:category_id>")
@login_required
def update_category(category_id: int) -> Response:
    """Change a category (admin)."""
    cat = conf.save_category(db(), actor(), body(), category_id)
    return jsonify(conf.category_dict(cat))


@bp.get("/pages")
@public_answer("data")
def list_pages() -> Response:
    """The county's legal pages (Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit)."""
    return jsonify(pages.list_pages(db()))


@bp.get("/pages/<page_key>")
@public_answer("data")
def get_page(page_key: str) -> Response:
    """One legal page: its title and plain text in German and, when written, English."""
    return jsonify(pages.page_dict(db(), page_key))


@bp.put("/admin/pages/<page_key>")
@login_required
def save_page(page_key: str) -> Response:
    """Write a legal page (admin; audited): `body` (German), optionally `title`, `body_en`, `title_en`."""
    return jsonify(pages.save_page(db(), actor(), page_key, body()))


@bp.get("/admin/users")
@login_required
def list_users() -> Response:
    """All accounts (admin)."""
    return jsonify(accounts.list_users(db(), actor()))


@bp.post("/admin/users")
@login_required
def create_user() -> Response:
    """Create an account (admin)."""
    user = accounts.create_user(db(), settings(), actor(), body())
    return jsonify(accounts.user_dict(user)), 201


@bp.patch("/admin/users/<int:user_id>")
@login_required
def update_user(user_id: int) -> Response:
    """Change role, municipality, activity or password of an account (admin); revokes its tokens."""
    user = accounts.update_user(db(), settings(), actor(), user_id, body())
    return jsonify(accounts.user_dict(user))


@bp.get("/admin/audit")
@login_required
def audit_log() -> Response:
    """The audit log, newest first; filters `actor`, `action`, `since`, `until`, `limit` (admin)."""
    actor_id = request.args.get("actor")
    entries = audit.query(db(), actor(), actor_id=int_arg("actor", 0) if actor_id else None,
                          action=request.args.get("action"), since=date_arg("since"), until=date_arg("until"),
                          limit=int_arg("limit", 500, 1, 5000))
    return jsonify(entries)
