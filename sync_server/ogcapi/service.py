"""The documents of the OGC API: landing page, conformance, collections, features.

:class:`FeaturesService` knows no web framework: it gets a database session, the absolute base URL
of the API (built from the request by the HTTP layer, so links work behind any host name) and the
query arguments, and returns documents; errors are domain errors that the HTTP layer renders as
RFC 9457 problems. Links carry the media types the clients look for (QGIS and GDAL follow the one
``next`` link of type ``application/geo+json`` and read ``numberMatched``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any
from urllib.parse import quote, urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.errors import NotFound
from ..storage.db import Reader
from ..storage.models import Municipality
from . import openapi
from .collections import Collection, Item, PublishedLayer, all_collections, published_collection
from .crs import CRS84, STORAGE, SUPPORTED, OgcCrs, geometry_in
from .openapi import GEOJSON, JSON, OPENAPI
from .query import ItemsQuery, item_crs, items_query

CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
)

Args = Iterable[tuple[str, list[str]]]  # query arguments in their order, each with all its values


@dataclass(frozen=True)
class Answer:
    """A document with its media type and the CRS its coordinates are in (for ``Content-Crs``)."""

    document: dict[str, Any]
    media_type: str = JSON
    crs: OgcCrs | None = None
    body: str | None = None  # the whole answer as text, when it was put together from prepared texts

    def text(self) -> str:
        return self.body if self.body is not None else json.dumps(self.document, ensure_ascii=False)


def _link(href: str, rel: str, media_type: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media_type, "title": title}


class FeaturesService:
    """The OGC API over one database session (``open_session`` gives it, called on first use: one feature
    needs none), for one base URL (``https://host/ogcapi``); one feature is read through ``reader`` (by
    default on the session's connection)."""

    def __init__(self, open_session: Callable[[], Session], base_url: str, reader: Reader | None = None) -> None:
        self._open_session = open_session
        self.base = base_url.rstrip("/")
        self._reader = reader

    @cached_property
    def session(self) -> Session:
        return self._open_session()

    @property
    def reader(self) -> Reader:
        if self._reader is None:
            self._reader = Reader.on(self.session.connection())
        return self._reader

    @cached_property
    def collections(self) -> dict[str, Collection]:
        """Every collection (the indicator collections need the catalogue: loaded only when asked for)."""
        return {c.id: c for c in all_collections(self.session)}

    def collection(self, collection_id: str) -> Collection:
        found = published_collection(collection_id) or self.collections.get(collection_id)
        if found is None:
            raise NotFound("collection_not_found", collection=collection_id, known=", ".join(self.collections))
        return found

    def _county(self) -> str | None:
        return self.session.execute(select(Municipality.name).where(Municipality.parent_id.is_(None))
                                    .order_by(Municipality.id).limit(1)).scalar_one_or_none()

    def title(self) -> str:
        county = self._county()
        return f"Familienatlas {county}" if county else "Familienatlas"

    # --- service metadata ----------------------------------------------------------------------------

    def landing(self) -> Answer:
        return Answer({
            "title": self.title(),
            "description": "Angebote für Familien und Raumeinheiten des Familienatlas als OGC API - Features: "
                           "der veröffentlichte Stand, ohne Daten der Mitarbeitenden. / Family services and "
                           "spatial units of the Familienatlas, as published.",
            "links": [
                _link(self.base, "self", JSON, "Diese Seite"),
                _link(f"{self.base}/api", "service-desc", OPENAPI, "API-Beschreibung (OpenAPI 3.0)"),
                _link(f"{self.base}/conformance", "conformance", JSON, "Erfüllte Konformitätsklassen"),
                _link(f"{self.base}/collections", "data", JSON, "Sammlungen"),
            ],
        })

    def conformance(self) -> Answer:
        return Answer({"conformsTo": list(CONFORMANCE)})

    def api(self) -> Answer:
        return Answer(openapi.document(self.base, self.title(), list(self.collections.values())), OPENAPI)

    # --- collections ---------------------------------------------------------------------------------

    def _describe(self, collection: Collection) -> dict[str, Any]:
        url = f"{self.base}/collections/{quote(collection.id)}"
        doc: dict[str, Any] = {
            "id": collection.id,
            "title": collection.title,
            "description": collection.description,
            "itemType": "feature",
            "links": [
                _link(url, "self", JSON, collection.title),
                _link(f"{url}/items", "items", GEOJSON, f"{collection.title} (GeoJSON)"),
                _link(f"{self.base}/collections", "parent", JSON, "Sammlungen"),
            ],
            "crs": [c.uri for c in SUPPORTED],
            "storageCrs": STORAGE.uri,
        }
        bbox = collection.extent(self.session)
        if bbox is not None:
            doc["extent"] = {"spatial": {"bbox": [bbox], "crs": CRS84.uri}}
        return doc

    def all_collections(self) -> Answer:
        return Answer({
            "links": [_link(f"{self.base}/collections", "self", JSON, "Sammlungen")],
            "collections": [self._describe(c) for c in self.collections.values()],
            "crs": [c.uri for c in SUPPORTED],
        })

    def one_collection(self, collection_id: str) -> Answer:
        return Answer(self._describe(self.collection(collection_id)))

    # --- features ------------------------------------------------------------------------------------

    @staticmethod
    def _feature(item: Item, crs: OgcCrs) -> dict[str, Any]:
        return {"type": "Feature", "id": item.id, "geometry": geometry_in(item.geometry, crs),
                "properties": item.properties}

    def _page_url(self, collection: Collection, args: list[tuple[str, str]], offset: int | None,
                  limit: int) -> str:
        """The items URL with the same arguments, at another offset (``None``: the arguments as given)."""
        kept = list(args) if offset is None else [
            (k, v) for k, v in args if k not in ("offset", "limit")] + [("limit", str(limit)), ("offset", str(offset))]
        url = f"{self.base}/collections/{quote(collection.id)}/items"
        return f"{url}?{urlencode(kept)}" if kept else url

    def items(self, collection_id: str, args: Args) -> Answer:
        collection = self.collection(collection_id)
        args = list(args)
        query: ItemsQuery = items_query(args, collection)
        pairs = [(name, value) for name, values in args for value in values]
        if isinstance(collection, PublishedLayer):  # the read model: prepared texts, concatenated
            texts = collection.texts(self.reader, lambda: self.session.connection(), query.filters, query.period,
                                     query.area, query.offset, query.limit, query.crs)
            matched, count, features = texts.matched, len(texts.docs), None
        else:
            page = collection.page(self.session, query.filters, query.period, query.area, query.offset, query.limit)
            matched, count = page.matched, len(page.items)
            features = [self._feature(item, query.crs) for item in page.items]
        links = [
            _link(self._page_url(collection, pairs, None, query.limit), "self", GEOJSON, "Diese Seite"),
            _link(f"{self.base}/collections/{quote(collection.id)}", "collection", JSON, collection.title),
        ]
        if query.offset + count < matched:
            links.append(_link(self._page_url(collection, pairs, query.offset + query.limit, query.limit),
                               "next", GEOJSON, "Nächste Seite"))
        if query.offset > 0:
            links.append(_link(self._page_url(collection, pairs, max(0, query.offset - query.limit), query.limit),
                               "prev", GEOJSON, "Vorige Seite"))
        document = {
            "type": "FeatureCollection",
            "numberMatched": matched,
            "numberReturned": count,
            "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "links": links,
        }
        if features is not None:
            return Answer({**document, "features": features}, GEOJSON, query.crs)
        head = json.dumps(document, ensure_ascii=False)[:-1]
        return Answer(document, GEOJSON, query.crs, body=f'{head},"features":[{",".join(texts.docs)}]}}')

    def item(self, collection_id: str, item_id: str, args: Args) -> Answer:
        collection = self.collection(collection_id)
        crs = item_crs(args)
        url = f"{self.base}/collections/{quote(collection.id)}"
        links = [_link(f"{url}/items/{quote(item_id, safe='')}", "self", GEOJSON, "Dieses Objekt"),
                 _link(url, "collection", JSON, collection.title)]
        if isinstance(collection, PublishedLayer):  # the read model's text with the links added
            text = collection.text_of(self.reader, item_id, crs)
            if text is None:
                raise NotFound("item_not_found", collection=collection.id, id=item_id)
            return Answer({}, GEOJSON, crs, body=f'{text[:-1]},"links":{json.dumps(links, ensure_ascii=False)}}}')
        item = collection.one(self.session, item_id)
        if item is None:
            raise NotFound("item_not_found", collection=collection.id, id=item_id)
        doc = self._feature(item, crs)
        doc["links"] = links
        return Answer(doc, GEOJSON, crs)
