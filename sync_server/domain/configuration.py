"""Atlas configuration owned by the county admin: municipalities, spatial levels, categories."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage.models import Category, Municipality, SpatialLevel
from . import audit, lifecycle, sequence
from .answers import CategoryView, LevelView, MunicipalitySummary, MunicipalityView
from .commands import CategoryCommand, LevelCommand, MunicipalityCommand, given, read
from .errors import Conflict, FieldError, Invalid, NotFound
from .geometry import normalize_crs, parse_geometry, to_geojson
from .layers import Catalogue
from .rights import require_admin
from .validation import fits_column, keyword_errors

if TYPE_CHECKING:
    from .context import AtlasContext

MUNICIPALITY_KINDS = ("Landkreis", "Samtgemeinde", "Stadt", "Gemeinde")


def municipality_view(m: Municipality, with_territory: bool = True) -> MunicipalitySummary:
    """A municipality as the API answers it; with its territory a :class:`MunicipalityView`."""
    summary = MunicipalitySummary(id=m.id, key=m.key, name=m.name, kind=m.kind, parent_id=m.parent_id,
                                  shares_unpublished=m.shares_unpublished)
    if not with_territory:
        return summary
    return MunicipalityView(**{f.name: getattr(summary, f.name) for f in fields(summary)},
                            territory=to_geojson(m.territory))


def level_view(level: SpatialLevel) -> LevelView:
    return LevelView(id=level.id, key=level.key, name=level.name, rank=level.rank, parent_id=level.parent_id,
                     maintained_by_municipalities=level.maintained_by_municipalities)


def category_view(c: Category) -> CategoryView:
    return CategoryView(id=c.id, key=c.key, name=c.name, parent_id=c.parent_id, color=c.color, name_en=c.name_en,
                        keywords_de=list(c.keywords_de or []), keywords_en=list(c.keywords_en or []))


def load_catalogue(session: Session) -> Catalogue:
    cats = list(session.scalars(select(Category)))
    levels = list(session.scalars(select(SpatialLevel).order_by(SpatialLevel.rank)))
    by_id = {c.id: c for c in cats}
    return Catalogue(
        categories={c.key: c.name for c in cats if c.parent_id is None},
        subcategories={c.key: (by_id[c.parent_id].key, c.name) for c in cats if c.parent_id is not None},
        levels={lv.key: lv.name for lv in levels},
        municipal_levels={lv.key for lv in levels if lv.maintained_by_municipalities},
    )


def _get(session: Session, model: type, ident: int, code: str) -> Any:
    obj = session.get(model, ident) if fits_column(model, "id", ident) else None
    if obj is None:
        raise NotFound(code, id=ident)
    return obj


def _unique(session: Session, model: type, key: str, own_id: int | None = None) -> None:
    other = session.scalar(select(model).where(model.key == key))
    if other is not None and other.id != own_id:
        raise Conflict("key_taken", key=key)


def _parent(session: Session, model: type, parent_id: int | None, own_id: int | None = None) -> None:
    """The parent must exist and must not lie below the row itself (no circles in a hierarchy)."""
    if parent_id is None:
        return
    if parent_id == own_id or session.get(model, parent_id) is None:
        raise Invalid("invalid_body", errors=[FieldError("parent_id", "unknown_choice", {"value": parent_id})])
    seen: set[int] = set()
    ancestor = session.get(model, parent_id)
    while own_id is not None and ancestor is not None and ancestor.id not in seen:
        if ancestor.parent_id == own_id:
            raise Invalid("invalid_body", errors=[FieldError("parent_id", "parent_cycle", {
                "value": parent_id, "name": session.get(model, parent_id).name})])
        seen.add(ancestor.id)
        ancestor = session.get(model, ancestor.parent_id) if ancestor.parent_id is not None else None


# --- municipalities -------------------------------------------------------------------------------

def save_municipality(ctx: AtlasContext, body: Any, municipality_id: int | None = None) -> Municipality:
    """Create (id None) or change a municipality."""
    session, actor = ctx.session, ctx.actor
    require_admin(actor, "municipalities")
    sequence.lock(session)  # ordered with every other write: the public version (ETags) relies on it
    data = given(read(MunicipalityCommand, body, partial=municipality_id is not None, model=Municipality))
    m = Municipality(shares_unpublished=True) if municipality_id is None else _get(
        session, Municipality, municipality_id, "municipality_not_found")
    if "kind" in data and data["kind"] not in MUNICIPALITY_KINDS:
        raise Invalid("invalid_body", errors=[FieldError("kind", "unknown_choice", {"value": data["kind"]})])
    if "key" in data:
        _unique(session, Municipality, data["key"], m.id)
    if "parent_id" in data:
        _parent(session, Municipality, data["parent_id"], m.id)
    if data.get("territory") is not None:
        crs = normalize_crs(data.get("crs"))
        data["territory"] = parse_geometry(data["territory"], "MultiPolygon", crs, None,
                                           ctx.settings.max_geometry_vertices, field="territory")
        _check_nesting(session, m, data["territory"], data.get("parent_id", m.parent_id), crs)
    if municipality_id is not None and data.get("shares_unpublished") not in (None, m.shares_unpublished):
        lifecycle.unpublished_visibility_changed(session, m.id, data["shares_unpublished"])
    key_changed = municipality_id is not None and data.get("key") not in (None, m.key)
    for name in ("key", "name", "kind", "parent_id", "shares_unpublished", "territory"):
        if name in data:
            setattr(m, name, data[name])
    if municipality_id is None:
        session.add(m)
    session.flush()
    if key_changed:  # the public features show their owner's key
        from . import read_model  # it builds on the layers, which build on this module's neighbours

        read_model.refresh_owner(session.connection(), m.id)
    audit.record(session, actor, "municipality_saved", f"municipality:{m.id}",
                 fields=sorted(k for k in data if k != "crs"))
    return m


def _check_nesting(session: Session, m: Municipality, territory: BaseGeometry, parent_id: int | None,
                   crs: str) -> None:
    """A territory lies in its parent's territory, and its member municipalities lie in it. Checked on the
    bounding boxes with the county margin: what fails is far off, almost always a wrong CRS (lon/lat sent
    as metres), which would otherwise silently break every ownership check of the municipality."""
    from .context import COUNTY_MARGIN_M  # context imports this module

    parent = session.get(Municipality, parent_id) if parent_id is not None else None
    if parent is not None and parent.territory is not None:
        outer, inner, code = parent.territory.bounds, territory.bounds, "outside_parent"
    else:
        members = [] if m.id is None else [c.territory for c in session.scalars(
            select(Municipality).where(Municipality.parent_id == m.id)) if c.territory is not None]
        if not members:
            return
        outer, code = territory.bounds, "members_outside"
        inner = (min(b.bounds[0] for b in members), min(b.bounds[1] for b in members),
                 max(b.bounds[2] for b in members), max(b.bounds[3] for b in members))
    if (inner[0] < outer[0] - COUNTY_MARGIN_M or inner[1] < outer[1] - COUNTY_MARGIN_M
            or inner[2] > outer[2] + COUNTY_MARGIN_M or inner[3] > outer[3] + COUNTY_MARGIN_M):
        x, y = territory.centroid.coords[0]
        raise Invalid("invalid_geometry", errors=[FieldError("territory", code, {
            "x": round(x, 1), "y": round(y, 1), "crs": crs, "parent": parent.name if parent else m.name})])


def list_municipalities(ctx: AtlasContext, with_territory: bool = True) -> list[MunicipalitySummary]:
    """Every municipality by key, with or without its territory."""
    return [municipality_view(m, with_territory)
            for m in ctx.session.scalars(select(Municipality).order_by(Municipality.key))]


def get_municipality(ctx: AtlasContext, municipality_id: int) -> MunicipalitySummary:
    """One municipality with its territory, or ``municipality_not_found``."""
    return municipality_view(_get(ctx.session, Municipality, municipality_id, "municipality_not_found"))


def list_levels(ctx: AtlasContext) -> list[LevelView]:
    """The spatial levels, top down."""
    return [level_view(lv) for lv in ctx.session.scalars(select(SpatialLevel).order_by(SpatialLevel.rank))]


def list_categories(ctx: AtlasContext) -> list[CategoryView]:
    """The categories in the order they were made (a parent before its subcategories)."""
    return [category_view(c) for c in ctx.session.scalars(select(Category).order_by(Category.id))]


def _distinct(keywords: list[str]) -> list[str]:
    """The search words trimmed, each once (regardless of case), in the order given."""
    seen: set[str] = set()
    out: list[str] = []
    for word in (k.strip() for k in keywords):
        if word.casefold() not in seen:
            seen.add(word.casefold())
            out.append(word)
    return out


# --- spatial levels and categories ----------------------------------------------------------------

KEYWORD_FIELDS = ("keywords_de", "keywords_en")


def save_level(ctx: AtlasContext, body: Any, level_id: int | None = None) -> SpatialLevel:
    """Create (id None) or change a spatial level."""
    session, actor = ctx.session, ctx.actor
    require_admin(actor, "spatial_levels")
    sequence.lock(session)  # see save_municipality
    data = given(read(LevelCommand, body, partial=level_id is not None, model=SpatialLevel))
    level = SpatialLevel(maintained_by_municipalities=False) if level_id is None else _get(
        session, SpatialLevel, level_id, "level_not_found")
    if "key" in data:
        _unique(session, SpatialLevel, data["key"], level.id)
    if "parent_id" in data:
        _parent(session, SpatialLevel, data["parent_id"], level.id)
    for name, value in data.items():
        setattr(level, name, value)
    if level_id is None:
        session.add(level)
    session.flush()
    audit.record(session, actor, "spatial_level_saved", f"spatial_level:{level.id}", **data)
    return level


def save_category(ctx: AtlasContext, body: Any, category_id: int | None = None) -> Category:
    """Create (id None) or change a category. The catalogue has two levels: a subcategory's parent must be
    a top-level category."""
    session, actor = ctx.session, ctx.actor
    require_admin(actor, "categories")
    sequence.lock(session)  # see save_municipality
    data = given(read(CategoryCommand, body, partial=category_id is not None, model=Category))
    cat = Category() if category_id is None else _get(session, Category, category_id, "category_not_found")
    if "key" in data:
        _unique(session, Category, data["key"], cat.id)
    if data.get("parent_id") is not None:
        _parent(session, Category, data["parent_id"], cat.id)
        has_children = cat.id is not None and session.scalar(
            select(Category.id).where(Category.parent_id == cat.id).limit(1)) is not None
        if session.get(Category, data["parent_id"]).parent_id is not None or has_children:
            raise Invalid("invalid_body", errors=[FieldError("parent_id", "category_depth")])
    color = data.get("color")
    if color is not None and not (len(color) == 7 and color.startswith("#")):
        raise Invalid("invalid_body", errors=[FieldError("color", "bad_color", {"value": color})])
    errors = [error for name in KEYWORD_FIELDS for error in keyword_errors(name, data.get(name))]
    if errors:
        raise Invalid("invalid_body", errors=errors)
    for name in KEYWORD_FIELDS:
        if data.get(name) is not None:
            data[name] = _distinct(data[name])
    if "name_en" in data and not (data["name_en"] or "").strip():
        data["name_en"] = None  # no English name: the page shows the German one
    for name, value in data.items():
        setattr(cat, name, value)
    if category_id is None:
        session.add(cat)
    session.flush()
    audit.record(session, actor, "category_saved", f"category:{cat.id}", **data)
    return cat
