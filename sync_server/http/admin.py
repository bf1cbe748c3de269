"""Atlas configuration (municipalities, spatial levels, categories, legal pages) and user administration."""

from __future__ import annotations

from flask import Blueprint, request

from ..domain import accounts, audit, pages
from ..domain import configuration as conf
from ..domain.answers import (
    AuditRecord,
    CategoryView,
    LegalPageView,
    LevelView,
    MunicipalitySummary,
    MunicipalityView,
    UserView,
)
from .caching import public_answer
from .common import answers, body, context, date_arg, int_arg, login_required

bp = Blueprint("admin", __name__, url_prefix="/api/v1")


@bp.get("/municipalities")
@public_answer("data")
@answers(list[MunicipalityView] | list[MunicipalitySummary])
def list_municipalities() -> list[MunicipalitySummary]:
    """All municipalities; `?territory=false` leaves the territories out."""
    with_territory = request.args.get("territory", "true").lower() != "false"
    return conf.list_municipalities(context(), with_territory)


@bp.get("/municipalities/<int:municipality_id>")
@public_answer("data")
@answers(MunicipalityView)
def get_municipality(municipality_id: int) -> MunicipalitySummary:
    """One municipality with its territory (EPSG:25832)."""
    return conf.get_municipality(context(), municipality_id)


@bp.post("/municipalities")
@login_required
@answers(MunicipalityView, 201)
def create_municipality() -> MunicipalitySummary:
    """Create a municipality (admin)."""
    m = conf.save_municipality(context(), body())
    return conf.municipality_view(m)


@bp.patch("/municipalities/<int:municipality_id>")
@login_required
@answers(MunicipalityView)
def update_municipality(municipality_id: int) -> MunicipalitySummary:
    """Change a municipality: name, kind, parent, territory, sharing (admin)."""
    m = conf.save_municipality(context(), body(), municipality_id)
    return conf.municipality_view(m)


@bp.get("/spatial-levels")
@public_answer("data")
@answers(list[LevelView])
def list_levels() -> list[LevelView]:
    """The spatial levels, top down."""
    return conf.list_levels(context())


@bp.post("/spatial-levels")
@login_required
@answers(LevelView, 201)
def create_level() -> LevelView:
    """Create a spatial level (admin)."""
    level = conf.save_level(context(), body())
    return conf.level_view(level)


@bp.patch("/spatial-levels/<int:level_id>")
@login_required
@answers(LevelView)
def update_level(level_id: int) -> LevelView:
    """Change a spatial level (admin)."""
    level = conf.save_level(context(), body(), level_id)
    return conf.level_view(level)


@bp.get("/categories")
@public_answer("data")
@answers(list[CategoryView])
def list_categories() -> list[CategoryView]:
    """The two-level catalogue of institution categories."""
    return conf.list_categories(context())


@bp.post("/categories")
@login_required
@answers(CategoryView, 201)
def create_category() -> CategoryView:
    """Create a category or subcategory (admin)."""
    cat = conf.save_category(context(), body())
    return conf.category_view(cat)


@bp.patch("/categories/<int:category_id>")
@login_required
@answers(CategoryView)
def update_category(category_id: int) -> CategoryView:
    """Change a category (admin)."""
    cat = conf.save_category(context(), body(), category_id)
    return conf.category_view(cat)


@bp.get("/pages")
@public_answer("data")
@answers(list[LegalPageView])
def list_pages() -> list[LegalPageView]:
    """The county's legal pages (Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit)."""
    return pages.list_pages(context())


@bp.get("/pages/<page_key>")
@public_answer("data")
@answers(LegalPageView)
def get_page(page_key: str) -> LegalPageView:
    """One legal page: its title and plain text in German and, when written, English."""
    return pages.get_page(context(), page_key)


@bp.put("/admin/pages/<page_key>")
@login_required
@answers(LegalPageView)
def save_page(page_key: str) -> LegalPageView:
    """Write a legal page (admin; audited): `body` (German), optionally `title`, `body_en`, `title_en`."""
    return pages.save_page(context(), page_key, body())


@bp.get("/admin/users")
@login_required
@answers(list[UserView])
def list_users() -> list[UserView]:
    """All accounts (admin)."""
    return accounts.list_users(context())


@bp.post("/admin/users")
@login_required
@answers(UserView, 201)
def create_user() -> UserView:
    """Create an account (admin)."""
    user = accounts.create_user(context(), body())
    return accounts.user_view(user)


@bp.patch("/admin/users/<int:user_id>")
@login_required
@answers(UserView)
def update_user(user_id: int) -> UserView:
    """Change role, municipality, activity or password of an account (admin); revokes its tokens."""
    user = accounts.update_user(context(), user_id, body())
    return accounts.user_view(user)


@bp.get("/admin/audit")
@login_required
@answers(list[AuditRecord])
def audit_log() -> list[AuditRecord]:
    """The audit log, newest first; filters `actor`, `action`, `since`, `until`, `limit` (admin)."""
    actor_id = request.args.get("actor")
    return audit.query(context(), actor_id=int_arg("actor", 0) if actor_id else None,
                       action=request.args.get("action"), since=date_arg("since"), until=date_arg("until"),
                       limit=int_arg("limit", 500, 1, 5000))
