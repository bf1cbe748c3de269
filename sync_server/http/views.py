"""Saved views of the expert mode (staff, cookie or Bearer login) and the public atlas's featured views.

Thin adapters of :mod:`~sync_server.domain.views`, which holds every rule.
"""

from __future__ import annotations

from flask import Blueprint, Response

from ..domain import views
from ..domain.answers import FeaturedView, SavedViewAnswer
from .caching import public_answer
from .common import answers, body, context, login_required

bp = Blueprint("views", __name__, url_prefix="/api/v1")


@bp.get("/views")
@login_required
@answers(list[SavedViewAnswer])
def list_views() -> list[SavedViewAnswer]:
    """The saved views the caller may see: its municipality's, the shared ones of municipalities that share,
    the featured ones (the admin: all)."""
    return views.list_views(context())


@bp.post("/views")
@login_required
@answers(SavedViewAnswer, 201)
def create_view() -> SavedViewAnswer:
    """Save a view of the expert mode for the caller's municipality (editors and the admin)."""
    return views.create_view(context(), body())


@bp.get("/views/<int:view_id>")
@login_required
@answers(SavedViewAnswer)
def get_view(view_id: int) -> SavedViewAnswer:
    """One saved view the caller may see."""
    return views.get_view(context(), view_id)


@bp.patch("/views/<int:view_id>")
@login_required
@answers(SavedViewAnswer)
def update_view(view_id: int) -> SavedViewAnswer:
    """Rename a view, change what it shows or whom it is shown to (its municipality only)."""
    return views.update_view(context(), view_id, body())


@bp.delete("/views/<int:view_id>")
@login_required
@answers(None, 204)
def delete_view(view_id: int) -> Response:
    """Delete a view (its municipality only)."""
    views.delete_view(context(), view_id)
    return Response(status=204)


@bp.post("/views/<int:view_id>/propose")
@login_required
@answers(SavedViewAnswer)
def propose_view(view_id: int) -> SavedViewAnswer:
    """Propose a view to the county for the public atlas's featured views (its municipality only)."""
    return views.propose_view(context(), view_id)


@bp.post("/views/<int:view_id>/publish")
@login_required
@answers(SavedViewAnswer)
def publish_view(view_id: int) -> SavedViewAnswer:
    """Publish a proposed view as a featured view of the public atlas (admin)."""
    return views.decide_view(context(), view_id, "publish")


@bp.post("/views/<int:view_id>/decline")
@login_required
@answers(SavedViewAnswer)
def decline_view(view_id: int) -> SavedViewAnswer:
    """Decline a proposed view, optionally with a `reason` for its municipality (admin)."""
    return views.decide_view(context(), view_id, "decline", body())


@bp.post("/views/<int:view_id>/unpublish")
@login_required
@answers(SavedViewAnswer)
def unpublish_view(view_id: int) -> SavedViewAnswer:
    """Take a featured view off the public atlas; it stays with its municipality (admin)."""
    return views.decide_view(context(), view_id, "unpublish")


@bp.get("/public/views")
@public_answer("data")
@answers(list[FeaturedView])
def featured_views() -> list[FeaturedView]:
    """The featured views of the public atlas ("Ausgewählte Ansichten"), newest first."""
    return views.featured_views(context())
