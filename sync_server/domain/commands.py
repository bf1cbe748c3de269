"""Request bodies declared once (see :mod:`.contract`): the OpenAPI document's request schema comes from
the declaration, and the reader takes its field names and limits from it.

The push body is read by :mod:`.sync` (its refusals - unknown fields, a missing key, an empty list, a
change that is no object - carry the codes the plugin reacts to, change by change). The bodies of the
configuration, account and review API are commands: :func:`read` turns a body into an instance of its
declaration (through :func:`.validation.read_fields`, which refuses every wrong field with the
project's codes and the storage column's limits), and :func:`request_schema` states the same rules in
the API document. A field the body did not send is :data:`UNSET` (a change, PATCH, touches only what
was sent); :func:`given` lists the fields that were sent.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any, TypeVar, get_origin

from .contract import hints, optional, spec
from .lifecycle import Op
from .validation import INT64_MAX, json_schema, read_fields

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
class UploadOptions:
    """What an indicator upload is told besides its file; every option may be left out."""

    indicator: str | None = spec(omit_none=True, description="the indicator of rows without an indicator column")
    level: str | None = spec(omit_none=True,
                             description="the spatial level the units are on (names are matched there)")
    year: int | None = spec(omit_none=True, description="the year of rows without a year column")
    sheet: str | None = spec(omit_none=True, description="the worksheet (default: the first with a table)")
    dry_run: bool | None = spec(omit_none=True, description="only report what would happen (default false)")
    idempotency_key: str | None = spec(omit_none=True, maxLength=IDEMPOTENCY_KEY_MAX,
                                       description="the same key again returns the first answer of a real upload")


@dataclass(frozen=True, slots=True, kw_only=True)
class UploadForm(UploadOptions):
    """An indicator upload as sent (multipart form): the options and the one required part, the file."""

    file: bytes = spec(description="CSV or XLSX (long or wide layout)")


# --- commands of the configuration, account and review API ---------------------------------------------


class _Unset:
    """The value of a command field that the body did not send (not the same as null, which clears)."""

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False  # like a field left empty: ``command.email or ""``


UNSET: Any = _Unset()
_KINDS = {str: "string", int: "integer", bool: "boolean", dict: "object", list: "list", float: "number"}
C = TypeVar("C")


def _field_spec(declaration: type) -> dict[str, tuple[str, bool]]:
    """What :func:`.validation.read_fields` checks: field name -> (kind, required). A field without a
    default is required."""
    out: dict[str, tuple[str, bool]] = {}
    for f in fields(declaration):
        inner, _nullable = optional(hints(declaration)[f.name])
        out[f.name] = (_KINDS[get_origin(inner) or inner], f.default is MISSING and f.default_factory is MISSING)
    return out


def read(declaration: type[C], body: Any, *, partial: bool = False, model: type | None = None) -> C:
    """The command ``body`` describes, or a 422 naming every wrong field. ``partial`` (a change) requires
    nothing; ``model`` (a storage model) bounds strings and integers by its columns."""
    spec_ = _field_spec(declaration)
    data = read_fields(body, spec_, partial=partial, model=model)
    return declaration(**{name: data.get(name, UNSET) for name in spec_})


def given(command: Any) -> dict[str, Any]:
    """The fields the body sent, by name (null included: it clears an optional field)."""
    return {f.name: value for f in fields(command) if (value := getattr(command, f.name)) is not UNSET}


def optional_names(declaration: type) -> tuple[str, ...]:
    """The fields a body may leave out: what a full replacement (a catalogue import) sets to null."""
    return tuple(f.name for f in fields(declaration) if f.default is UNSET)


def request_schema(declaration: type, *, partial: bool = False, model: type | None = None) -> dict[str, Any]:
    """The JSON Schema of what :func:`read` accepts, for the API document."""
    return json_schema(_field_spec(declaration), partial=partial, model=model)


@dataclass(frozen=True, slots=True, kw_only=True)
class PasswordChange:
    """The acting user changes its own password."""

    old_password: str
    new_password: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NewUser:
    """An account the admin creates."""

    username: str
    display_name: str | None = UNSET
    email: str | None = UNSET
    password: str
    role: str
    municipality_id: int
    active: bool | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class UserChange:
    """A change of an account by the admin: only the fields sent (the user name stays)."""

    display_name: str | None = UNSET
    email: str | None = UNSET
    password: str | None = UNSET
    role: str | None = UNSET
    municipality_id: int | None = UNSET
    active: bool | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class MunicipalityCommand:
    """A municipality to create, or (only the fields sent) to change."""

    key: str
    name: str
    kind: str
    parent_id: int | None = UNSET
    shares_unpublished: bool | None = UNSET
    territory: dict[str, Any] | None = UNSET
    crs: str | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class LevelCommand:
    """A spatial level to create, or (only the fields sent) to change."""

    key: str
    name: str
    rank: int
    parent_id: int | None = UNSET
    maintained_by_municipalities: bool | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoryCommand:
    """A category to create, or (only the fields sent) to change."""

    key: str
    name: str
    parent_id: int | None = UNSET
    color: str | None = UNSET
    name_en: str | None = UNSET
    keywords_de: list[str] | None = UNSET
    keywords_en: list[str] | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class PageCommand:
    """A legal page, written as a whole."""

    body: str
    title: str | None = UNSET
    body_en: str | None = UNSET
    title_en: str | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemeCommand:
    """A theme of the indicator catalogue to create, or (only the fields sent) to change."""

    key: str
    name_de: str
    name_en: str
    position: int | None = UNSET
    color: str | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class IndicatorCommand:
    """An indicator to create, or (only the fields sent) to change (meaning of the fields:
    docs/indicators.md)."""

    key: str
    name_de: str
    name_en: str
    definition_de: str | None = UNSET
    definition_en: str | None = UNSET
    theme: str
    position: int | None = UNSET
    unit: str
    kind: str
    numerator: str | None = UNSET
    denominator: str | None = UNSET
    decimals: int | None = UNSET
    polarity: str | None = UNSET
    source: str | None = UNSET
    copyright: str | None = UNSET
    levels: list[str]
    aggregation: str | None = UNSET
    min_count: int | None = UNSET
    min_denominator: float | None = UNSET
    maintained_by: str | None = UNSET
    keywords: list[str] | None = UNSET
    provision: dict[str, Any] | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogueImport:
    """A catalogue document in the export format (``GET /api/v1/indicators``)."""

    themes: list[Any] | None = UNSET
    indicators: list[Any] | None = UNSET
    version: int | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class Approval:
    """Publish revisions: a list of them, or all of one push."""

    revisions: list[Any] | None = UNSET
    push_id: str | None = UNSET
    reason: str | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class Rejection:
    """Reject revisions (a list, or all of one push) with a reason."""

    revisions: list[Any] | None = UNSET
    push_id: str | None = UNSET
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Withdrawal:
    """Take a published feature off the public side, with a reason."""

    layer: str
    id: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Restoration:
    """Bring back an older revision's content as a new pending change."""

    revision: int
    idempotency_key: str | None = UNSET


#: A field of the visitors' report form people never see; software that fills in every field fills it in.
HONEYPOT = "website"


@dataclass(frozen=True, slots=True, kw_only=True)
class VisitorReport:
    """A visitor's report of a wrong or outdated offer (:mod:`.reports`); ``website`` is the honeypot."""

    token: str
    text: str
    email: str | None = UNSET
    website: str | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportClosing:
    """Staff close a visitor's report with an answer."""

    answer: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ViewStateCommand:
    """What a saved view of the expert mode shows (:mod:`.views` checks it against the catalogue)."""

    indicator: str
    level: str
    year: int | None = UNSET
    unit: str | None = UNSET
    compare: list[str] | None = UNSET
    method: str | None = UNSET
    classes: int | None = UNSET
    map: str | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class ViewCommand:
    """A saved view to create, or (only the fields sent) to change: its name, what it shows, who sees it."""

    name: str
    state: dict[str, Any]
    visibility: str | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class ViewDecline:
    """The admin declines a proposed view, with an optional reason."""

    reason: str | None = UNSET
