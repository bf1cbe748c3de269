"""Saved views of the expert mode ("Ansichten"): what staff keep, share and propose, and what the
county features in the public atlas.

The partnership agreement lets the municipalities use "indicators, data and views of other users, with
their consent": a view belongs to the municipality of whoever saved it, and is

- ``private``: seen by its municipality (and the admin, who sees everything);
- ``shared``: seen by the other municipalities' staff too, while the owner shares its data (the
  municipality's sharing setting, the same consent that governs its unpublished work);
- proposed to the admin, who publishes it into the public atlas's list of featured views or declines
  it (with a reason); the admin may unpublish it again.

Who may do what is :func:`~.rights.may_read_view` and :func:`~.rights.view_change_refusal`; a view is
only the expert mode's permalink (:class:`~.answers.ViewState`), never data, so publishing one shows
nothing the public could not already see. Every write is audited; publishing, unpublishing and deleting
move the public validators (:data:`~.sequence.CONFIGURATION_ACTIONS`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage.models import Indicator, Municipality, SavedView, SpatialLevel
from . import audit, sequence
from .answers import FeaturedView, MunicipalityRef, SavedViewAnswer, ViewState
from .commands import ViewCommand, ViewDecline, ViewStateCommand, given, read, request_schema
from .errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from .rights import Actor, may_read_view, require_admin, view_change_refusal
from .validation import fits_column

if TYPE_CHECKING:
    from .context import AtlasContext

VISIBILITIES = ("private", "shared")
METHODS = ("quantile", "ckmeans", "equal")
MIN_CLASSES, MAX_CLASSES = 2, 9
MAX_COMPARE = 5
MAX_UNIT_KEY = 40
_MAP = re.compile(r"^\d{1,2}/-?\d{1,2}(\.\d{1,8})?/-?\d{1,3}(\.\d{1,8})?$")

#: The audit action of each decision of the admin.
DECISION_ACTIONS = {"publish": "view_published", "decline": "view_declined", "unpublish": "view_unpublished"}


def state_schema() -> dict[str, Any]:
    """The JSON Schema of a view's ``state`` in a request (the answer's is :class:`ViewState`'s)."""
    out = request_schema(ViewStateCommand)
    props = out["properties"]
    props["year"].update(minimum=1990, maximum=9999)
    props["compare"]["items"] = {"type": "string", "maxLength": MAX_UNIT_KEY}
    props["compare"]["maxItems"] = MAX_COMPARE
    props["method"]["enum"] = [*METHODS, None]
    props["classes"].update(minimum=MIN_CLASSES, maximum=MAX_CLASSES)
    props["unit"]["maxLength"] = MAX_UNIT_KEY
    props["map"]["pattern"] = _MAP.pattern
    return out


def _read_state(session: Session, raw: Any) -> dict[str, Any]:
    """The view's state, checked: a known indicator on one of its levels, a year of the atlas, at most
    five compared units, a known classification; every error names its field (``state.year``)."""
    try:
        data = given(read(ViewStateCommand, raw))
    except Invalid as exc:
        raise Invalid("invalid_body", errors=[FieldError(f"state.{e.field}", e.code, e.params)
                                              for e in exc.errors]) from None
    errors: list[FieldError] = []
    indicator = session.scalar(select(Indicator).where(Indicator.key == data["indicator"]))
    if indicator is None:
        errors.append(FieldError("state.indicator", "unknown_choice", {"value": data["indicator"]}))
    levels = set(session.scalars(select(SpatialLevel.key)))
    if data["level"] not in levels or (indicator is not None and data["level"] not in (indicator.levels or [])):
        errors.append(FieldError("state.level", "unknown_choice", {"value": data["level"]}))
    year = data.get("year")
    if year is not None and not 1990 <= year <= 9999:
        errors.append(FieldError("state.year", "out_of_range", {"min": 1990, "max": 9999}))
    unit = data.get("unit")
    if unit is not None and len(unit) > MAX_UNIT_KEY:
        errors.append(FieldError("state.unit", "too_long", {"max": MAX_UNIT_KEY}))
    compare = data.get("compare") or []
    if len(compare) > MAX_COMPARE:
        errors.append(FieldError("state.compare", "out_of_range", {"min": 0, "max": MAX_COMPARE}))
    elif not all(isinstance(k, str) and 0 < len(k) <= MAX_UNIT_KEY for k in compare):
        errors.append(FieldError("state.compare", "wrong_type", {"expected": "list of unit keys"}))
    method = data.get("method")
    if method is not None and method not in METHODS:
        errors.append(FieldError("state.method", "unknown_choice", {"value": method}))
    classes = data.get("classes")
    if classes is not None and not MIN_CLASSES <= classes <= MAX_CLASSES:
        errors.append(FieldError("state.classes", "out_of_range", {"min": MIN_CLASSES, "max": MAX_CLASSES}))
    if data.get("map") is not None and not _MAP.match(data["map"]):
        errors.append(FieldError("state.map", "bad_map_position", {"value": data["map"][:40]}))
    if errors:
        raise Invalid("invalid_body", errors=errors)
    return {"indicator": data["indicator"], "level": data["level"], "year": year, "unit": unit or None,
            "compare": list(compare), "method": method, "classes": classes, "map": data.get("map")}


def _read_view_fields(session: Session, body: Any, *, partial: bool) -> dict[str, Any]:
    data = given(read(ViewCommand, body, partial=partial, model=SavedView))
    if data.get("name") is not None:
        data["name"] = data["name"].strip()
        if not data["name"]:
            raise Invalid("invalid_body", errors=[FieldError("name", "required")])
    if data.get("visibility") is not None and data["visibility"] not in VISIBILITIES:
        raise Invalid("invalid_body", errors=[FieldError("visibility", "unknown_choice",
                                                         {"value": data["visibility"]})])
    if data.get("state") is not None:
        data["state"] = _read_state(session, data["state"])
    elif "state" in data:
        raise Invalid("invalid_body", errors=[FieldError("state", "required")])
    return data


def _state(view: SavedView) -> ViewState:
    s = view.state
    return ViewState(indicator=s["indicator"], level=s["level"], year=s.get("year"), unit=s.get("unit"),
                     compare=list(s.get("compare") or []), method=s.get("method"), classes=s.get("classes"),
                     map=s.get("map"))


def view_answer(view: SavedView, actor: Actor) -> SavedViewAnswer:
    owner = view.owner
    return SavedViewAnswer(
        id=view.id, name=view.name, state=_state(view), visibility=view.visibility, featured=view.featured,
        reason=view.reason, municipality=MunicipalityRef(id=owner.id, key=owner.key, name=owner.name),
        author=view.author.display_name or view.author.username, created_at=audit.iso(view.created_at),
        updated_at=audit.iso(view.updated_at), published_at=audit.iso(view.published_at),
        may_edit=view_change_refusal(actor, view.owner_id, owner.key) is None)


def _readable(actor: Actor, view: SavedView) -> bool:
    return may_read_view(actor, view.owner_id, view.visibility, view.featured, view.owner.shares_unpublished)


def _find(session: Session, actor: Actor, view_id: int) -> SavedView:
    """The view, or ``view_not_found`` also when the caller may not read it: a view of another
    municipality that it does not share does not exist for the caller."""
    view = session.get(SavedView, view_id) if fits_column(SavedView, "id", view_id) else None
    if view is None or not _readable(actor, view):
        raise NotFound("view_not_found", id=view_id)
    return view


def _owned(session: Session, actor: Actor, view_id: int) -> SavedView:
    """The view, if the caller may change it (else 403 naming the rule, or 404 when it may not see it)."""
    view = _find(session, actor, view_id)
    refusal = view_change_refusal(actor, view.owner_id, view.owner.key)
    if refusal is not None:
        raise Forbidden(refusal.code, **refusal.params, owner_name=view.owner.name)
    return view


def list_views(ctx: AtlasContext) -> list[SavedViewAnswer]:
    """The views the caller may read, its own municipality's first, then by name."""
    session, actor = ctx.session, ctx.actor
    stmt = select(SavedView).join(Municipality, SavedView.owner_id == Municipality.id).order_by(SavedView.name)
    if not actor.is_admin:
        stmt = stmt.where((SavedView.owner_id == actor.municipality_id) | (SavedView.featured == "published")
                          | ((SavedView.visibility == "shared") & Municipality.shares_unpublished.is_(True)))
    views = [v for v in session.scalars(stmt) if _readable(actor, v)]
    views.sort(key=lambda v: v.owner_id != actor.municipality_id)
    return [view_answer(v, actor) for v in views]


def get_view(ctx: AtlasContext, view_id: int) -> SavedViewAnswer:
    """One view the caller may read, else ``view_not_found``."""
    return view_answer(_find(ctx.session, ctx.actor, view_id), ctx.actor)


def create_view(ctx: AtlasContext, body: Any) -> SavedViewAnswer:
    """Save a view for the caller's municipality (editors and the admin; readers save nothing)."""
    session, actor = ctx.session, ctx.actor
    if actor.municipality_id is None:
        require_admin(actor, "views")  # the operator has no municipality to own a view
    data = _read_view_fields(session, body, partial=False)
    owner = session.get(Municipality, actor.municipality_id)
    refusal = view_change_refusal(actor, owner.id, owner.key)
    if refusal is not None:
        raise Forbidden(refusal.code, **refusal.params, owner_name=owner.name)
    now = audit.now()
    view = SavedView(name=data["name"], owner_id=owner.id, author_id=actor.user_id, state=data["state"],
                     visibility=data.get("visibility") or "private", featured="none", created_at=now,
                     updated_at=now)
    session.add(view)
    session.flush()
    audit.record(session, actor, "view_created", f"view:{view.id}", name=view.name, visibility=view.visibility,
                 state=view.state)
    return view_answer(view, actor)


def update_view(ctx: AtlasContext, view_id: int, body: Any) -> SavedViewAnswer:
    """Rename, change what it shows, or share it (the owner). A published view is the county's public
    text now: it changes only after the admin has unpublished it (save a new view instead)."""
    session, actor = ctx.session, ctx.actor
    view = _owned(session, actor, view_id)
    data = _read_view_fields(session, body, partial=True)
    changes = {k: v for k, v in data.items() if v is not None and getattr(view, k) != v}
    if view.featured == "published" and ({"name", "state"} & set(changes)):
        raise Conflict("view_published", id=view.id)
    for name, value in changes.items():
        setattr(view, name, value)
    if changes:
        view.updated_at = audit.now()
        audit.record(session, actor, "view_changed", f"view:{view.id}", **changes)
    return view_answer(view, actor)


def delete_view(ctx: AtlasContext, view_id: int) -> None:
    """Delete a view (the owner); a published one leaves the public atlas with it."""
    session, actor = ctx.session, ctx.actor
    view = _owned(session, actor, view_id)
    if view.featured == "published":
        sequence.lock(session)  # the public list changes: ordered with the public validators
    audit.record(session, actor, "view_deleted", f"view:{view.id}", name=view.name, featured=view.featured)
    session.delete(view)


def propose_view(ctx: AtlasContext, view_id: int) -> SavedViewAnswer:
    """Propose a view to the admin for the public atlas (the owner); again after a decline too."""
    session, actor = ctx.session, ctx.actor
    view = _owned(session, actor, view_id)
    if view.featured == "published":
        raise Conflict("view_published", id=view.id)
    if view.featured != "proposed":
        view.featured, view.reason, view.updated_at = "proposed", None, audit.now()
        audit.record(session, actor, "view_proposed", f"view:{view.id}", name=view.name)
    return view_answer(view, actor)


def decide_view(ctx: AtlasContext, view_id: int, decision: str, body: Any = None) -> SavedViewAnswer:
    """The admin's decisions: ``publish`` a proposed view (or one of the county's own), ``decline`` a
    proposal with an optional reason, ``unpublish`` a published view (it stays with its owner)."""
    session, actor = ctx.session, ctx.actor
    require_admin(actor, "views")
    view = _find(session, actor, view_id)
    reason = read(ViewDecline, body if body is not None else {}, model=SavedView).reason or None
    allowed = {"publish": view.featured == "proposed" or (view.owner_id == actor.municipality_id
                                                         and view.featured != "published"),
               "decline": view.featured == "proposed", "unpublish": view.featured == "published"}
    if not allowed[decision]:
        raise Conflict("view_wrong_state", id=view.id, state=view.featured, decision=decision)
    sequence.lock(session)  # the public list may change: ordered with the public validators
    now = audit.now()
    view.featured = {"publish": "published", "decline": "declined", "unpublish": "none"}[decision]
    view.reason = ((reason or "").strip() or None) if decision == "decline" else None
    view.published_at = now if decision == "publish" else None
    view.updated_at = now
    details = {"reason": view.reason} if view.reason else {}
    audit.record(session, actor, DECISION_ACTIONS[decision], f"view:{view.id}", name=view.name, **details)
    return view_answer(view, actor)


def views_showing(session: Session, indicator_key: str, limit: int = 5) -> tuple[int, list[str]]:
    """How many saved views show ``indicator_key``, and the first ``limit`` of them as "name (owner)":
    the catalogue keeps an indicator that views still show (:func:`~.indicators.catalogue.delete_indicator`),
    since only their municipalities may change or delete them."""
    views = sorted(session.scalars(select(SavedView).where(SavedView.state["indicator"].as_string() == indicator_key)),
                   key=lambda v: (v.name, v.id))  # in Python: the same order on every database's collation
    return len(views), [f"{v.name} ({v.owner.name})" for v in views[:limit]]


def rename_indicator(session: Session, old: str, new: str) -> None:
    """A renamed indicator key follows into the saved views that show it (the catalogue's change, not the
    views' owners': their ``updated_at`` stays; it moves the catalogue version, and so the public
    validators)."""
    for view in session.scalars(select(SavedView).where(SavedView.state["indicator"].as_string() == old)):
        view.state = {**view.state, "indicator": new}


def featured_views(ctx: AtlasContext) -> list[FeaturedView]:
    """The views the county published, newest first: the public atlas's "Ausgewählte Ansichten"."""
    views = ctx.session.scalars(select(SavedView).where(SavedView.featured == "published")
                            .order_by(SavedView.published_at.desc(), SavedView.id.desc()))
    return [FeaturedView(id=v.id, name=v.name, state=_state(v), municipality=v.owner.name,
                         published_at=audit.iso(v.published_at)) for v in views]
