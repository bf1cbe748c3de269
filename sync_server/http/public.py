"""The public read side: published content only, no personal data of staff."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response, current_app, jsonify

from .. import API_VERSION, __version__
from ..domain import read_model
from ..domain.errors import NotFound
from ..domain.layers import LAYERS
from ..domain.sync import get_layer
from .caching import public_answer

bp = Blueprint("public", __name__, url_prefix="/api/v1")


@bp.get("/health")
def health() -> Response:
    """Liveness and versions, for load balancers and for clients checking compatibility."""
    return jsonify({"status": "ok", "api_version": API_VERSION, "version": __version__})


@bp.get("/public/<layer>")
@public_answer("data")
def public_layer(layer: str) -> Response:
    """The published state of a layer as a GeoJSON FeatureCollection in WGS84, streamed from the read model's
    prepared texts."""
    spec = get_layer(layer)
    if not spec.raw_public:  # indicator values reach the public only through confidentiality
        raise NotFound("layer_not_found", layer=layer, known=", ".join(n for n, s in LAYERS.items() if s.raw_public))
    factory = current_app.extensions["familienatlas"].session_factory

    def generate() -> Iterator[str]:
        session = factory()  # its own session: the response outlives the request's
        try:
            yield '{"type":"FeatureCollection","features":['
            separator = ""
            for docs in read_model.stream(session.connection(), spec.name):
                yield separator + ",".join(docs)
                separator = ","
            yield "]}"
        finally:
            session.close()

    return Response(generate(), mimetype="application/geo+json")
