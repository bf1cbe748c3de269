"""The OpenAPI 3.0 document of the OGC API (conformance class oas30).

Clients read more than people do here: QGIS takes the page size from ``components.parameters.limit``
(``default`` and ``maximum``), GDAL looks up the parameters of ``/collections/{id}/items`` to learn
which properties it may send as equality filters instead of filtering every feature itself. So every
collection gets its own paths, with its queryable properties as parameters, and the paths are
relative to ``servers[0].url`` (the API's base URL).
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from .collections import Collection
from .crs import CRS84, SUPPORTED
from .query import DEFAULT_LIMIT, FORMATS, MAX_LIMIT

JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


def _ok(media_type: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "content": {media_type: {"schema": schema or {"type": "object"}}}}


_PROBLEM = {"description": "Problem details (RFC 9457) with a stable code",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _operation(op_id: str, summary: str, tag: str, parameters: list[dict[str, Any]],
               ok: dict[str, Any], not_found: bool = False) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": ok, "400": _PROBLEM}
    if not_found:
        responses["404"] = _PROBLEM
    return {"get": {"operationId": op_id, "summary": summary, "tags": [tag], "parameters": parameters,
                    "responses": responses}}


def _common_parameters() -> dict[str, Any]:
    uris = [c.uri for c in SUPPORTED]
    return {
        "f": {"name": "f", "in": "query", "required": False, "description": "Format (only JSON is served)",
              "schema": {"type": "string", "enum": list(FORMATS)}, "style": "form", "explode": False},
        "limit": {"name": "limit", "in": "query", "required": False, "style": "form", "explode": False,
                  "description": "Most features per page",
                  "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}},
        "offset": {"name": "offset", "in": "query", "required": False, "style": "form", "explode": False,
                   "description": "Features to skip (paging; the features are ordered by id)",
                   "schema": {"type": "integer", "minimum": 0, "default": 0}},
        "bbox": {"name": "bbox", "in": "query", "required": False, "style": "form", "explode": False,
                 "description": "minx,miny,maxx,maxy in CRS84 unless bbox-crs names another CRS",
                 "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}},
        "bbox-crs": {"name": "bbox-crs", "in": "query", "required": False, "style": "form", "explode": False,
                     "description": "CRS of bbox",
                     "schema": {"type": "string", "format": "uri", "enum": uris, "default": CRS84.uri}},
        "crs": {"name": "crs", "in": "query", "required": False, "style": "form", "explode": False,
                "description": "CRS of the coordinates of the answer (header Content-Crs)",
                "schema": {"type": "string", "format": "uri", "enum": uris, "default": CRS84.uri}},
        "datetime": {"name": "datetime", "in": "query", "required": False, "style": "form", "explode": False,
                     "description": "A date or an interval (start/end, '..' open) of the collection's date "
                                    "property (last checked); features without a date do not match",
                     "schema": {"type": "string"}},
        "featureId": {"name": "featureId", "in": "path", "required": True, "description": "Id of the feature",
                      "schema": {"type": "string"}},
    }


def _property(kind: str, description: str | None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": kind, "nullable": True}
    if description:
        schema["description"] = description
    return schema


def _collection_paths(c: Collection) -> tuple[dict[str, Any], dict[str, Any]]:
    """Paths of one collection and its queryable parameters (keys of ``components.parameters``)."""
    parameters = {f"{c.id}_{name}": {"name": name, "in": "query", "required": False, "style": "form",
                                     "explode": False, "description": f"Only features whose {name} equals this",
                                     "schema": {"type": kind}}
                  for name, kind in c.queryables().items()}
    described = c.property_descriptions()
    feature_schema = {"type": "object", "properties": {
        "type": {"type": "string", "enum": ["Feature"]}, "id": {"type": "string"},
        "geometry": {"type": "object", "nullable": True, "description": "GeoJSON geometry"},
        "properties": {"type": "object", "properties": {n: _property(k, described.get(n))
                                                          for n, k in c.properties().items()}}}}
    items = [_ref("limit"), _ref("offset"), _ref("bbox"), _ref("bbox-crs"), _ref("crs"), _ref("datetime"), _ref("f"),
             *(_ref(key) for key in parameters)]
    base = f"/collections/{c.id}"
    paths = {
        base: _operation(f"describe_{c.id}", f"{c.title}: Beschreibung", c.id, [_ref("f")],
                         _ok(JSON, "The collection")),
        f"{base}/items": _operation(f"items_{c.id}", f"{c.title}: Objekte", c.id, items,
                                    _ok(GEOJSON, "Features (GeoJSON FeatureCollection)",
                                        {"type": "object", "properties": {
                                            "type": {"type": "string", "enum": ["FeatureCollection"]},
                                            "features": {"type": "array", "items": feature_schema},
                                            "numberMatched": {"type": "integer"},
                                            "numberReturned": {"type": "integer"},
                                            "timeStamp": {"type": "string", "format": "date-time"},
                                            "links": {"type": "array", "items": {"type": "object"}}}})),
        f"{base}/items/{{featureId}}": _operation(f"item_{c.id}", f"{c.title}: ein Objekt", c.id,
                                                  [_ref("featureId"), _ref("crs"), _ref("f")],
                                                  _ok(GEOJSON, "One feature", feature_schema), not_found=True),
    }
    return paths, parameters


def document(base_url: str, title: str, collections: list[Collection]) -> dict[str, Any]:
    """The OpenAPI document; ``base_url`` is the API's absolute URL (``https://host/ogcapi``)."""
    paths: dict[str, Any] = {
        "/": _operation("landing_page", "Startseite (landing page)", "Capabilities", [_ref("f")],
                        _ok(JSON, "Landing page")),
        "/conformance": _operation("conformance", "Erfüllte Konformitätsklassen", "Capabilities", [_ref("f")],
                                   _ok(JSON, "Conformance classes")),
        "/api": _operation("api", "Diese API-Beschreibung", "Capabilities", [_ref("f")],
                           _ok(OPENAPI, "This document")),
        "/collections": _operation("collections", "Sammlungen", "Capabilities", [_ref("f")],
                                   _ok(JSON, "The collections")),
    }
    parameters = _common_parameters()
    for c in collections:
        more_paths, more_parameters = _collection_paths(c)
        paths.update(more_paths)
        parameters.update(more_parameters)
    return {
        "openapi": "3.0.3",
        "info": {"title": f"{title}: OGC API - Features", "version": __version__,
                 "description": "Der veröffentlichte Stand des Familienatlas als OGC API - Features (Part 1 Core, "
                                "GeoJSON, OpenAPI 3.0; Part 2 CRS). Fehler sind RFC-9457-Problem-Dokumente, "
                                "deutsch oder mit Accept-Language: en englisch.",
                 "contact": {"name": title}},
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": {
            "parameters": parameters,
            "schemas": {"Problem": {"type": "object", "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                "code": {"type": "string"}, "detail": {"type": "string"},
                "errors": {"type": "array", "items": {"type": "object", "properties": {
                    "field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}}}}},
        },
    }
