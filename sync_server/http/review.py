"""The admin's review: the pending changes, and the decisions publish, reject and withdraw (the lifecycle
of a change, docs/architecture.md). A blueprint of its own, so the OpenAPI document lists these
endpoints under the tag ``review``."""

from __future__ import annotations

from flask import Blueprint, request

from ..domain import review
from ..domain.answers import Decision, PendingChange
from .common import answers, body, context, date_arg, int_arg, login_required

bp = Blueprint("review", __name__, url_prefix="/api/v1/review")


@bp.get("/pending")
@login_required
@answers(list[PendingChange])
def pending() -> list[PendingChange]:
    """Pending changes with before/after (admin); filters layer, municipality, category, indicator, author,
    since, until."""
    args = request.args
    return review.pending(context(), layer=args.get("layer"), municipality=args.get("municipality"),
                          category=args.get("category"), indicator=args.get("indicator"), author=args.get("author"),
                          since=date_arg("since"), until=date_arg("until"), limit=int_arg("limit", 1000, 1, 20000))


@bp.post("/approve")
@login_required
@answers(Decision)
def approve() -> Decision:
    """Publish revisions (a list, or all of one push) (admin)."""
    return review.approve(context(), body())


@bp.post("/reject")
@login_required
@answers(Decision)
def reject() -> Decision:
    """Reject revisions with a reason (admin)."""
    return review.reject(context(), body())


@bp.post("/withdraw")
@login_required
@answers(Decision)
def withdraw() -> Decision:
    """Take a published feature off the public side (admin)."""
    return review.withdraw(context(), body())
