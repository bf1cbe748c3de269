"""Layers, pull, push, and a feature's history and restore (the review endpoints: :mod:`.review`)."""

from __future__ import annotations

from flask import Blueprint

from ..domain import review, sync
from ..domain.answers import HistoryEntry, LayerDescription, PullPage, PushAnswer
from ..domain.layers import LAYERS
from .common import answers, body, context, int_arg, login_required

bp = Blueprint("sync", __name__, url_prefix="/api/v1")


@bp.get("/layers")
@answers(list[LayerDescription])
def list_layers() -> list[LayerDescription]:
    """The sync layers and their schemas (the server owns them)."""
    return [sync.describe_layer(context(), name) for name in LAYERS]


@bp.get("/layers/<layer>")
@answers(LayerDescription)
def get_layer(layer: str) -> LayerDescription:
    """One layer's schema."""
    return sync.describe_layer(context(), layer)


@bp.get("/sync/<layer>/pull")
@login_required
@answers(PullPage)
def pull(layer: str) -> PullPage:
    """What changed after `since` (0: full checkout), a page of at most `limit` features; the next pages
    send back the first page's `as_of`."""
    as_of = int_arg("as_of", -1)
    return sync.pull(context(), layer, int_arg("since", 0), int_arg("limit", 1000, 1, 5000),
                     as_of=None if as_of < 0 else as_of)


@bp.post("/sync/<layer>/push")
@login_required
@answers(PushAnswer)
def push(layer: str) -> PushAnswer:
    """Apply a batch of inserts, updates and deletes, all or nothing, with an idempotency key."""
    return sync.push(context(), layer, body())


@bp.get("/layers/<layer>/features/<feature_id>/history")
@login_required
@answers(list[HistoryEntry])
def history(layer: str, feature_id: str) -> list[HistoryEntry]:
    """Every revision of a feature with author, time, changes and review decision."""
    return review.history(context(), layer, feature_id)


@bp.post("/layers/<layer>/features/<feature_id>/restore")
@login_required
@answers(PushAnswer)
def restore(layer: str, feature_id: str) -> PushAnswer:
    """Make an older revision's content the new pending state."""
    return review.restore(context(), layer, feature_id, body())
