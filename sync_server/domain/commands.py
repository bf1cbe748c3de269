"""Request bodies declared once (see :mod:`.contract`): the OpenAPI document's request schema comes from
the declaration, and the reader takes its field names and limits from it.

The push body is read by :mod:`.sync` (its refusals - unknown fields, a missing key, an empty list, a
change that is no object - carry the codes the plugin reacts to, change by change); the simpler bodies
of the configuration API by :func:`.validation.read_fields`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from .contract import spec
from .lifecycle import Op
from .validation import INT64_MAX

#: The longest idempotency key (of a push, a restore, an upload).
IDEMPOTENCY_KEY_MAX = 100


@dataclass(frozen=True, slots=True)
class Change:
    """One change of a push: an insert, update or delete of one feature."""

    op: Op
    id: str = spec(format="uuid", description="made by the client")
    base_revision: int | None = spec(omit_none=True, minimum=0, maximum=INT64_MAX,
                                     description="the revision the change was made on (update, delete)")
    properties: dict[str, Any] | None = spec(omit_none=True,
                                             description="all fields of the layer (GET /layers/{layer})")
    geometry: dict[str, Any] | None = spec(omit_none=True,
                                           description="GeoJSON geometry in the layer's CRS or in crs")


@dataclass(frozen=True, slots=True)
class PushBody:
    """A push: changes to one layer, applied all or none, with an idempotency key."""

    idempotency_key: str = spec(minLength=1, maxLength=IDEMPOTENCY_KEY_MAX)
    schema_version: int = spec(description="the layer's schema version the client knows")
    changes: list[Change] = spec(minItems=1)
    crs: str | None = spec(omit_none=True, example="EPSG:25832", description="default: the layer's CRS")


def names(declaration: type) -> frozenset[str]:
    """The field names of a declaration: what a body may contain."""
    return frozenset(f.name for f in fields(declaration))


@dataclass(frozen=True, slots=True)
class UploadForm:
    """An indicator upload (multipart form): the file and the options, all optional but the file."""

    file: bytes = spec(description="CSV or XLSX (long or wide layout)")
    indicator: str | None = spec(omit_none=True, description="the indicator of rows without an indicator column")
    level: str | None = spec(omit_none=True,
                             description="the spatial level the units are on (names are matched there)")
    year: int | None = spec(omit_none=True, description="the year of rows without a year column")
    sheet: str | None = spec(omit_none=True, description="the worksheet (default: the first with a table)")
    dry_run: bool | None = spec(omit_none=True, description="only report what would happen (default false)")
    idempotency_key: str | None = spec(omit_none=True, maxLength=IDEMPOTENCY_KEY_MAX,
                                       description="the same key again returns the first answer of a real upload")
