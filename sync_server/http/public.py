"""The public read side: published content only, no personal data of staff."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Blueprint, Response, current_app

from .. import API_VERSION, __version__
from ..domain import offers, read_model
from ..domain.answers import Health, OfferRows, PublicFeatureCollection
from ..domain.context import AtlasContext
from ..domain.errors import NotFound
from ..domain.layers import LAYERS
from ..domain.rights import ANONYMOUS
from ..domain.sync import get_layer
from .caching import public_answer
from .common import answers, context, settings

bp = Blueprint("public", __name__, url_prefix="/api/v1")


@bp.get("/health")
@answers(Health)
def health() -> Health:
    """Liveness and versions, for load balancers and for clients checking compatibility."""
    return Health(status="ok", api_version=API_VERSION, version=__version__)


@bp.get("/public/<layer>")
@public_answer("data")
@answers(PublicFeatureCollection, media_type="application/geo+json")
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


def _streamed(head: str, items: Callable[[AtlasContext], Iterable[Any]], tail: str, mimetype: str) -> Response:
    """A JSON answer of many items, streamed: ``head``, the items as JSON separated by commas, ``tail``.

    The items are read in a service context of their own (its own session, the public's actor), because
    the response outlives the request's.
    """
    factory, config = current_app.extensions["familienatlas"].session_factory, settings()

    def generate() -> Iterator[str]:
        session = factory()
        try:
            yield head
            first = True
            for item in items(AtlasContext(session, config, ANONYMOUS)):
                yield ("" if first else ",") + json.dumps(item, ensure_ascii=False, separators=(",", ":"))
                first = False
            yield tail
        finally:
            session.close()

    return Response(generate(), mimetype=mimetype)


@bp.get("/public/offers")
@public_answer("data")
@answers(OfferRows)
def public_offers() -> Response:
    """The offers map's markers: one compact row per published offer (columns named in ``fields``)."""
    head = '{"fields":' + json.dumps(offers.MARKER_FIELDS) + ',"offers":['
    return _streamed(head, offers.marker_rows, "]}", "application/json")


@bp.get("/public/offers/search")
@public_answer("data")
@answers(OfferRows)
def public_offers_search() -> Response:
    """What the offers map's keyword search reads besides the markers: ``[id, text]`` per offer."""
    head = '{"fields":["id","text"],"offers":['
    return _streamed(head, offers.search_rows, "]}", "application/json")


@bp.get("/public/offers/facets")
@public_answer("data")
@answers(OfferRows)
def public_offers_facets() -> Response:
    """What the offers map's filters for parents read (age range, languages, wheelchair, opening hours):
    one row per offer with any of them (columns named in ``fields``)."""
    head = '{"fields":' + json.dumps(offers.FACET_FIELDS) + ',"offers":['
    return _streamed(head, offers.facet_rows, "]}", "application/json")


@bp.get("/public/offers/<offer_id>")
@public_answer("data")
@answers(dict[str, Any], media_type="application/geo+json")
def public_offer(offer_id: str) -> Response:
    """One published offer with all its public properties (a GeoJSON Feature in WGS84): the details."""
    return Response(offers.offer_document(context(), offer_id), mimetype="application/geo+json")
