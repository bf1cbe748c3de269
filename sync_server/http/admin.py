"""Atlas configuration (municipalities, spatial levels, categories, legal pages) and user administration."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..domain import accounts, audit, pages
from ..domain import configuration as conf
from ..domain.answers import AuditRecord, CategoryView, LevelView, MunicipalitySummary, MunicipalityView, UserView
from .caching import public_answer
from .common import actor, answers, body, date_arg, db, int_arg, login_required, settings

bp = Blueprint("admin", __name__, url_prefix="/api/v1")


@bp.get("/municipalities")
@public_answer("data")
@answers(list[MunicipalityView] | list[MunicipalitySummary])
def list_municipalities() -> list[MunicipalitySummary]:
    """All municipalities; `?territory=false` leaves the territories out."""
    with_territory = request.args.get("territory", "true").lower() != "false"
    return [conf.municipality_view(m, with_territory) for m in conf.list_municipalities(db())]


@bp.get("/municipalities/<int:municipality_id>")
@public_answer("data")
@answers(MunicipalityView)
def get_municipality(municipality_id: int) -> MunicipalitySummary:
    """One municipality with its territory (EPSG:25832)."""
    return conf.municipality_view(conf.get_municipality(db(), municipality_id))


@bp.post("/municipalities")
@login_required
@answers(MunicipalityView, 201)
def create_municipality() -> MunicipalitySummary:
    """Create a municipality (admin)."""
    m = conf.save_municipality(db(), settings().max_geometry_vertices, actor(), body())
    return conf.municipality_view(m)


@bp.patch("/municipalities/<int:municipality_id>")
@login_required
@answers(MunicipalityView)
def update_municipality(municipality_id: int) -> MunicipalitySummary:
    """Change a municipality: name, kind, parent, territory, sharing (admin)."""
    m = conf.save_municipality(db(), settings().max_geometry_vertices, actor(), body(), municipality_id)
    return conf.municipality_view(m)


@bp.get("/spatial-levels")
@public_answer("data")
@answers(list[LevelView])
def list_levels() -> list[LevelView]:
    """The spatial levels, top down."""
    return [conf.level_view(lv) for lv in conf.list_levels(db())]


@bp.post("/spatial-levels")
@login_required
@answers(LevelView, 201)
def create_level() -> LevelView:
    """Create a spatial level (admin)."""
    level = conf.save_level(db(), actor(), body())
    return conf.level_view(level)


@bp.patch("/spatial-levels/<int:level_id>")
@login_required
@answers(LevelView)
def update_level(level_id: int) -> LevelView:
    """Change a spatial level (admin)."""
    level = conf.save_level(db(), actor(), body(), level_id)
    return conf.level_view(level)


@bp.get("/categories")
@public_answer("data")
@answers(list[CategoryView])
def list_categories() -> list[CategoryView]:
    """The two-level catalogue of institution categories."""
    return [conf.category_view(c) for c in conf.list_categories(db())]


@bp.post("/categories")
@login_required
@answers(CategoryView, 201)
def create_category() -> CategoryView:
    """Create a category or subcategory (admin)."""
    cat = conf.save_category(db(), actor(), body())
    return conf.category_view(cat)


@bp.patch("/categories/<int:category_id>")
@login_required
@answers(CategoryView)
def update_category(category_id: int) -> CategoryView:
    """Change a category (admin)."""
    cat = conf.save_category(db(), actor(), body(), category_id)
    return conf.category_view(cat)


@bp.get("/pages")
@public_answer("data")
@answers(list[dict[str, Any]])
def list_pages() -> list[dict[str, Any]]:
    """The county's legal pages (Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit)."""
    return pages.list_pages(db())


@bp.get("/pages/<page_key>")
@public_answer("data")
@answers(dict[str, Any])
def get_page(page_key: str) -> dict[str, Any]:
    """One legal page: its title and plain text in German and, when written, English."""
    return pages.page_dict(db(), page_key)


@bp.put("/admin/pages/<page_key>")
@login_required
@answers(dict[str, Any])
def save_page(page_key: str) -> dict[str, Any]:
    """Write a legal page (admin; audited): `body` (German), optionally `title`, `body_en`, `title_en`."""
    return pages.save_page(db(), actor(), page_key, body())


@bp.get("/admin/users")
@login_required
@answers(list[UserView])
def list_users() -> list[UserView]:
    """All accounts (admin)."""
    return accounts.list_users(db(), actor())


@bp.post("/admin/users")
@login_required
@answers(UserView, 201)
def create_user() -> UserView:
    """Create an account (admin)."""
    user = accounts.create_user(db(), settings(), actor(), body())
    return accounts.user_view(user)


@bp.patch("/admin/users/<int:user_id>")
@login_required
@answers(UserView)
def update_user(user_id: int) -> UserView:
    """Change role, municipality, activity or password of an account (admin); revokes its tokens."""
    user = accounts.update_user(db(), settings(), actor(), user_id, body())
    return accounts.user_view(user)


@bp.get("/admin/audit")
@login_required
@answers(list[AuditRecord])
def audit_log() -> list[AuditRecord]:
    """The audit log, newest first; filters `actor`, `action`, `since`, `until`, `limit` (admin)."""
    actor_id = request.args.get("actor")
    entries = audit.query(db(), actor(), actor_id=int_arg("actor", 0) if actor_id else None,
                          action=request.args.get("action"), since=date_arg("since"), until=date_arg("until"),
                          limit=int_arg("limit", 500, 1, 5000))
    return entries
