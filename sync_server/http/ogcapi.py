"""OGC API - Features for the published layers: a thin Flask adapter over :mod:`..ogcapi`.

Each view builds the service from the request's session and base URL, passes the query arguments
on and turns the answer into a response with the media type the standard asks for. Errors are domain
errors, so the application's one error handler answers them as RFC 9457 problem documents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, request

from ..domain import read_model
from ..domain.errors import DomainError
from ..ogcapi.collections import published_collection
from ..ogcapi.query import check_format, item_crs
from ..ogcapi.service import Answer, FeaturesService
from ..storage.db import Prepared
from .answer_cache import keep_answer
from .caching import public_answer
from .common import db, reader, settings, url_root

bp = Blueprint("ogcapi", __name__, url_prefix="/ogcapi")


def _service() -> FeaturesService:
    """The service for this request. Links are absolute: under the configured public address when
    there is one (so no Host header a client sends ends up in them), else under the URL the client
    used (behind trusted proxies, as they forwarded it)."""
    root = settings().public_url or url_root()
    return FeaturesService(db, root.rstrip("/") + (bp.url_prefix or ""), reader())


def _respond(answer: Answer) -> Response:
    response = Response(answer.text(), content_type=answer.media_type)
    if answer.crs is not None:
        response.headers["Content-Crs"] = f"<{answer.crs.uri}>"
    return response


def _metadata(build: Callable[[FeaturesService], Answer]) -> Response:
    """Service metadata takes no parameters but ``f``; other arguments (a client's extra query
    parameters, say) do not change it, so they are not refused."""
    check_format(request.args.get("f"))
    return _respond(build(_service()))


@bp.get("")
@bp.get("/")
@public_answer("data")
def landing_page() -> Response:
    """OGC API landing page: links to the API description, the conformance classes and the collections."""
    return _metadata(FeaturesService.landing)


@bp.get("/conformance")
@public_answer("data")
def conformance() -> Response:
    """The conformance classes the OGC API implements."""
    return _metadata(FeaturesService.conformance)


@bp.get("/api")
@public_answer("data")
def api_description() -> Response:
    """The OpenAPI 3.0 document of the OGC API."""
    return _metadata(FeaturesService.api)


@bp.get("/collections")
@public_answer("data")
def collections() -> Response:
    """Every public collection with its extent and CRS."""
    return _metadata(FeaturesService.all_collections)


@bp.get("/collections/<collection_id>")
@public_answer("data")
def collection(collection_id: str) -> Response:
    """One collection."""
    return _metadata(lambda service: service.one_collection(collection_id))


@bp.get("/collections/<collection_id>/items")
@public_answer("data")
def items(collection_id: str) -> Response:
    """The published features of a collection as GeoJSON, a page at a time."""
    _keep_if_read_model(collection_id)
    return _respond(_service().items(collection_id, list(request.args.lists())))


def _keep_if_read_model(collection_id: str) -> None:
    """A collection of the read model answers from nothing but the public state its ETag names, so its answers
    may be kept by the worker (the computed indicator collections also follow the calendar: not kept)."""
    if published_collection(collection_id) is not None:
        keep_answer()


def _item_read() -> tuple[Prepared, dict[str, Any]] | None:
    """The read model's read of the item view, for the validator to make with the public version (None: not a
    feature of the read model, or arguments the view will refuse)."""
    found = published_collection((request.view_args or {}).get("collection_id", ""))
    if found is None:
        return None
    try:
        crs = item_crs(list(request.args.lists()))
    except DomainError:
        return None
    return read_model.one_read(found.spec.name, (request.view_args or {}).get("feature_id", ""),
                               projected=not crs.geographic)


@bp.get("/collections/<collection_id>/items/<feature_id>")
@public_answer("data", first_read=_item_read)
def item(collection_id: str, feature_id: str) -> Response:
    """One published feature as GeoJSON; 404 when it is not public."""
    _keep_if_read_model(collection_id)
    return _respond(_service().item(collection_id, feature_id, list(request.args.lists())))
