"""The offers map's compact reads: one small row per published offer, the rest on demand.

The web map used to load the whole public GeoJSON (about 900 bytes an offer) before it could draw a
marker. It now loads, in this order: the marker rows (what map, list and filters need: id, position,
theme, name, owner and town), then the search text (what the keyword search reads beyond the name)
in the background, and the full properties of one offer when a visitor opens it. Every row comes
from the public read model (:mod:`.read_model`, written by the publish rule at publish time), like the
GeoJSON and the OGC API, so these answers show exactly what they show, and cost no ORM objects and no
reprojection per request.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import read_model
from .errors import NotFound

if TYPE_CHECKING:
    from .context import AtlasContext

OFFERS_LAYER = "institutions"
# Columns of a marker row, in order (the answer names them, so a client never guesses).
MARKER_FIELDS = ("id", "lng", "lat", "category", "subcategory", "name", "owner", "postcode", "city",
                 "service_area")
# Properties the keyword search reads beyond those of the marker row.
SEARCH_FIELDS = ("provider", "street", "description", "target_groups", "languages", "accessibility")
# Columns of a facet row: what the parents' filters read (age, language, wheelchair, opening hours), loaded
# when a visitor first uses one of them. ``wheelchair`` is read from the accessibility text (wheelchair).
FACET_FIELDS = ("id", "age_min", "age_max", "languages", "wheelchair", "opening_hours")
# Words of the accessibility text that say an offer is fully usable in a wheelchair, and those that take
# it back ("teilweise rollstuhlgerecht", "nicht rollstuhlgerecht"); compared in lower case.
_WHEELCHAIR_WORDS = ("rollstuhlgerecht", "rollstuhlgeeignet", "barrierefrei", "wheelchair accessible")
_WHEELCHAIR_LIMITS = ("teilweise", "eingeschränkt", "bedingt", "nicht", "kein", "partly", "partially", "not ")
DEGREE_DIGITS = 6  # about 10 cm: more than a marker needs
_BATCH = 2000


def _points(session: Session) -> Iterator[tuple[str, dict[str, Any], float, float]]:
    """Published offers with a point position, from the public read model: (id, public properties,
    longitude, latitude); the box of a point is the point."""
    t = read_model.TABLE
    result = session.connection().execute(
        select(t.c.id, t.c.properties, t.c.west, t.c.south, t.c.east, t.c.north)
        .where(t.c.layer == OFFERS_LAYER).execution_options(yield_per=_BATCH))
    for fid, props, west, south, east, north in result:
        if west is not None and west == east and south == north:
            yield fid, props, west, south


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def marker_rows(ctx: AtlasContext) -> Iterator[list[Any]]:
    """One row per published offer, columns as :data:`MARKER_FIELDS`."""
    for fid, props, lng, lat in _points(ctx.session):
        yield [fid, round(lng, DEGREE_DIGITS), round(lat, DEGREE_DIGITS), _text(props.get("category")),
               _text(props.get("subcategory")), _text(props.get("name")), _text(props.get("owner")),
               _text(props.get("postcode")), _text(props.get("city")), _text(props.get("service_area"))]


def search_rows(ctx: AtlasContext) -> Iterator[list[str]]:
    """``[id, text]`` per published offer with any of :data:`SEARCH_FIELDS`: what the search reads
    besides the marker row's name, theme and town."""
    for fid, props, _lng, _lat in _points(ctx.session):
        text = " ".join(_text(props.get(name)) for name in SEARCH_FIELDS if props.get(name) not in (None, ""))
        if text:
            yield [fid, text]


def wheelchair_accessible(accessibility: Any) -> bool:
    """Whether the accessibility text says the offer is fully usable in a wheelchair: the staff write it
    in words ("rollstuhlgerecht, Aufzug"), and a limitation in the text ("teilweise ...") rules it out."""
    text = _text(accessibility).lower()
    return any(w in text for w in _WHEELCHAIR_WORDS) and not any(w in text for w in _WHEELCHAIR_LIMITS)


def facet_rows(ctx: AtlasContext) -> Iterator[list[Any]]:
    """One row per published offer with any facet, columns as :data:`FACET_FIELDS`: what the filters for
    parents read (an offer without ages, languages, accessibility and hours has no row)."""
    for fid, props, _lng, _lat in _points(ctx.session):
        row = [fid, props.get("age_min"), props.get("age_max"), _text(props.get("languages")),
               wheelchair_accessible(props.get("accessibility")), _text(props.get("opening_hours"))]
        if any(value not in (None, "", False) for value in row[1:]):
            yield row


def offer_document(ctx: AtlasContext, offer_id: str) -> str:
    """One published offer with all its public properties: its prepared GeoJSON Feature (WGS84) from the
    read model, or ``offer_not_found``."""
    doc = read_model.one(ctx.reader, OFFERS_LAYER, offer_id, False)
    if doc is None:
        raise NotFound("offer_not_found", id=offer_id)
    return doc
