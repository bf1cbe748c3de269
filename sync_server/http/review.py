"""The admin's review: the pending changes, and the decisions publish, reject and withdraw (the lifecycle
of a change, docs/architecture.md). A blueprint of its own, so the OpenAPI document lists these
endpoints under the tag ``review``."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..domain import review
from .common import actor, atlas, body, date_arg, db, int_arg, login_required

bp = Blueprint("review", __name__, url_prefix="/api/v1/review")


@bp.get("/pending")
@login_required
def pending() -> Response:
    """Pending changes with before/after (admin); filters layer, municipality, category, indicator, author,
    since, until."""
    args = request.args
    return jsonify(review.pending(db(), atlas(), actor(), layer=args.get("layer"),
                                  municipality=args.get("municipality"), category=args.get("category"),
                                  indicator=args.get("indicator"),
                                  author=args.get("author"), since=date_arg("since"), until=date_arg("until"),
                                  limit=int_arg("limit", 1000, 1, 20000)))


@bp.post("/approve")
@login_required
def approve() -> Response:
    """Publish revisions (a list, or all of one push) (admin)."""
    return jsonify(review.approve(db(), actor(), body()))


@bp.post("/reject")
@login_required
def reject() -> Response:
    """Reject revisions with a reason (admin)."""
    return jsonify(review.reject(db(), actor(), body()))


@bp.post("/withdraw")
@login_required
def withdraw() -> Response:
    """Take a published feature off the public side (admin)."""
    return jsonify(review.withdraw(db(), actor(), body()))
