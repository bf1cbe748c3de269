"""Layers, pull, push, and a feature's history and restore (the review endpoints: :mod:`.review`)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..domain import review, sync
from ..domain.geometry import STORAGE_CRS
from ..domain.layers import LAYERS
from .common import actor, atlas, body, db, int_arg, login_required

bp = Blueprint("sync", __name__, url_prefix="/api/v1")


def _describe(name: str) -> dict:
    return {**sync.get_layer(name).describe(atlas().catalogue), "crs": STORAGE_CRS}


@bp.get("/layers")
def list_layers() -> Response:
    """The sync layers and their schemas (the server owns them)."""
    return jsonify([_describe(name) for name in LAYERS])


@bp.get("/layers/<layer>")
def get_layer(layer: str) -> Response:
    """One layer's schema."""
    return jsonify(_describe(layer))


@bp.get("/sync/<layer>/pull")
@login_required
def pull(layer: str) -> Response:
    """What changed after `since` (0: full checkout), a page of at most `limit` features; the next pages
    send back the first page's `as_of`."""
    as_of = int_arg("as_of", -1)
    page = sync.pull(db(), atlas(), actor(), layer, int_arg("since", 0), int_arg("limit", 1000, 1, 5000),
                     as_of=None if as_of < 0 else as_of)
    return jsonify(page)


@bp.post("/sync/<layer>/push")
@login_required
def push(layer: str) -> Response:
    """Apply a batch of inserts, updates and deletes, all or nothing, with an idempotency key."""
    return jsonify(sync.push(db(), atlas(), actor(), layer, body()))


@bp.get("/layers/<layer>/features/<feature_id>/history")
@login_required
def history(layer: str, feature_id: str) -> Response:
    """Every revision of a feature with author, time, changes and review decision."""
    return jsonify(review.history(db(), atlas(), actor(), layer, feature_id))


@bp.post("/layers/<layer>/features/<feature_id>/restore")
@login_required
def restore(layer: str, feature_id: str) -> Response:
    """Make an older revision's content the new pending state."""
    return jsonify(review.restore(db(), atlas(), actor(), layer, feature_id, body()))
