"""Every answer of the sync, review and history API, declared once (see :mod:`.contract`).

The domain services return these; the HTTP layer turns them into JSON with :func:`.contract.dump`, and
the OpenAPI document describes each response with :func:`.contract.schema` of the same class. So the
shape of an answer is written here and nowhere else. Error answers are problem documents
(``sync_server/http/errors.py``), not declared here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .contract import Encoded, spec
from .lifecycle import Op, Role, State

# --- layers ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LayerDescription:
    """A sync layer and its schema (the server owns it; built by ``LayerSpec.describe``)."""

    name: str
    title: str
    title_en: str
    geometry_type: str | None = spec(description="None: features without geometry (indicator values)")
    schema_version: int = spec()
    fields: list[dict[str, Any]] = spec(description="the layer's fields and their constraints "
                                                    "(name, type, required, title, title_en, ...)")
    rules: list[dict[str, Any]] = spec(description="the rules across fields (e.g. age_min <= age_max)")
    crs: str = spec(description="the storage CRS of geometries", example="EPSG:25832")


# --- the view of a feature -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewView:
    """The review of what the caller sees of a feature: the state of its newest revision the caller may
    know, the admin's reason, and the number of the published revision."""

    state: State | None
    reason: str | None
    published_revision: int | None


@dataclass(frozen=True, slots=True)
class FeatureView:
    """A feature as the caller may see it (the pull format): the head for those who may read unpublished
    work, else the published state, or a tombstone (``deleted``, no properties and geometry)."""

    id: str
    revision: int
    deleted: bool
    owner: str = spec(description="key of the owning municipality")
    properties: dict[str, Any] | None = spec()
    geometry: dict[str, Any] | None = spec(description="GeoJSON in EPSG:25832")
    review: ReviewView = spec()


@dataclass(frozen=True, slots=True)
class PullPage:
    """One page of a pull: the features of a layer changed after the cursor the client sent."""

    layer: str
    schema_version: int
    cursor: int = spec(description="send it as `since` for the next page")
    more: bool = spec(description="whether another page follows")
    as_of: int = spec(description="the change number the paging began at; send it back with the next pages")
    features: Encoded[list[FeatureView]] = spec()


# --- push ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """What is wrong with one field of a change."""

    field: str
    code: str
    params: dict[str, Any] = spec(default={})
    message: str | None = spec(omit_none=True, description="the text in the reader's language")


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """The verdict on one change of a push (``accepted`` with its new ``revision``; in a refused push
    ``not_applied``, ``forbidden``, ``invalid`` or ``conflict`` with ``code`` and ``params``)."""

    index: int
    id: str
    op: str = spec(description="insert, update or delete (\"?\" when the change is not an object)")
    status: Literal["accepted", "not_applied", "forbidden", "invalid", "conflict"]
    revision: int | None = spec(omit_none=True)
    code: str | None = spec(omit_none=True)
    params: dict[str, Any] | None = spec(omit_none=True)
    message: str | None = spec(omit_none=True)
    errors: list[FieldProblem] | None = spec(omit_none=True)
    current: FeatureView | None = spec(omit_none=True, description="the stored state, on a conflict")


@dataclass(frozen=True, slots=True)
class PushAnswer:
    """The answer to a push (and to a restore, which is one): every change accepted as a pending revision,
    or with ``dry_run`` what would happen."""

    applied: bool
    layer: str
    results: list[ChangeResult]
    push_id: str | None = spec(omit_none=True, description="the change set, for the review")
    dry_run: bool | None = spec(omit_none=True)
    replayed: bool | None = spec(omit_none=True, description="a retry with the same idempotency key: the "
                                                             "first answer, nothing written again")


# --- review -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeatureState:
    """A feature's content at one revision (owner key among the properties)."""

    properties: dict[str, Any]
    geometry: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Outlier:
    """Why a pending indicator value deserves a second look (a flag, never a refusal)."""

    code: Literal["year_change", "far_from_peers"]
    previous: float | None = spec(omit_none=True, description="year_change: the unit's value of the year before")
    change_percent: int | None = spec(omit_none=True, description="year_change: the change against it")
    low: float | None = spec(omit_none=True, description="far_from_peers: the lower fence of the other units")
    high: float | None = spec(omit_none=True, description="far_from_peers: the upper fence")


@dataclass(frozen=True, slots=True)
class PendingChange:
    """A feature's newest pending revision, compared with its published state."""

    revision: int
    layer: str
    id: str
    op: Op
    owner: str
    author: str
    author_name: str | None
    created_at: str = spec(format="date-time")
    push_id: str | None = spec()
    before: FeatureState | None = spec(description="the published state (None: never published or deleted)")
    after: FeatureState | None = spec(description="the pending state (None: a deletion)")
    changed_fields: dict[str, list[Any]] = spec(description="field -> [before, after]")
    moved_m: float | None = spec(description="how far the feature moved, in metres")
    outliers: list[Outlier] | None = spec(omit_none=True, description="indicator values only: what "
                                                                            "stands out against the previous "
                                                                            "year and the other units")


@dataclass(frozen=True, slots=True)
class Decision:
    """What a review decision (approve, reject, withdraw) applied to."""

    decision: State = spec(description="published, rejected or withdrawn")
    revisions: list[int]


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One revision of a feature: who, when, what changed, and the review decision."""

    revision: int
    op: Op
    author: str
    created_at: str = spec(format="date-time")
    state: State = spec()
    reason: str | None = spec()
    reviewed_by: str | None = spec()
    reviewed_at: str | None = spec(format="date-time")
    owner: str = spec()
    changed_fields: dict[str, list[Any]] = spec(description="field -> [before, after], against the revision before")
    moved_m: float | None = spec()
    published: bool = spec(description="whether this is the published revision")


# --- accounts -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MunicipalityRef:
    """The municipality an account belongs to."""

    id: int
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class UserView:
    """An account (never its password hash or tokens)."""

    id: int
    username: str
    display_name: str | None
    email: str | None
    role: Role = spec()
    active: bool = spec()
    municipality: MunicipalityRef = spec()


@dataclass(frozen=True, slots=True)
class AccessToken:
    """A new access token for the same login (token refresh)."""

    access_token: str
    token_type: str
    expires_in: int = spec(description="seconds")


@dataclass(frozen=True, slots=True)
class LoginAnswer:
    """A login: the access token, the refresh token and the user."""

    access_token: str
    token_type: str
    expires_in: int = spec(description="seconds")
    refresh_token: str = spec()
    user: UserView = spec()


@dataclass(frozen=True, slots=True)
class WebSession:
    """A login of the web map: the tokens are in HttpOnly cookies the page's script cannot read; the page
    sends ``csrf_token`` back in the header ``X-CSRF-TOKEN`` with every write (double submit)."""

    user: UserView | None = spec(description="None: this browser has no web login")
    csrf_token: str | None = spec(description="send as X-CSRF-TOKEN with every POST, PATCH, PUT and DELETE")
    expires_in: int = spec(description="seconds until the access cookie expires (then GET /auth/session)")


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One entry of the audit log."""

    id: int
    at: str = spec(format="date-time")
    actor_id: int | None = spec(description="None: the operator on the command line")
    action: str = spec()
    target: str = spec()
    details: dict[str, Any] = spec()


# --- atlas configuration ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MunicipalitySummary:
    """A municipality without its territory (``?territory=false``)."""

    id: int
    key: str
    name: str
    kind: str
    parent_id: int | None
    shares_unpublished: bool


@dataclass(frozen=True, slots=True)
class MunicipalityView(MunicipalitySummary):
    """A municipality with its territory (GeoJSON MultiPolygon in EPSG:25832, None when not set)."""

    territory: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class LevelView:
    """A spatial level."""

    id: int
    key: str
    name: str
    rank: int
    parent_id: int | None
    maintained_by_municipalities: bool


@dataclass(frozen=True, slots=True)
class CategoryView:
    """A category (``parent_id`` None) or subcategory of institutions, with its English name (None: none
    given) and the search words that lead to it, German and English."""

    id: int
    key: str
    name: str
    parent_id: int | None
    color: str | None
    name_en: str | None
    keywords_de: list[str]
    keywords_en: list[str]


@dataclass(frozen=True, slots=True)
class LegalPageView:
    """A legal page of the county (Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit);
    ``configured`` is false, and the bodies None, until the admin wrote it."""

    key: str
    path: str = spec(description="where the server shows it")
    configured: bool = spec()
    title: str = spec()
    body: str | None = spec(description="plain text, German")
    title_en: str = spec()
    body_en: str | None = spec(description="plain text, English (None: the German text is shown)")
    updated_at: str | None = spec(format="date-time")


# --- indicator catalogue ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThemeView:
    """A theme of the indicator catalogue."""

    key: str
    name_de: str
    name_en: str
    position: int | None
    color: str | None


@dataclass(frozen=True, slots=True)
class ThemeAnswer(ThemeView):
    """A theme with the catalogue version after the change."""

    version: int


@dataclass(frozen=True, slots=True)
class IndicatorView:
    """An indicator's definition (references to other indicators and the theme as keys; meaning of the
    fields: docs/indicators.md)."""

    key: str
    theme: str | None
    name_de: str
    name_en: str
    definition_de: str | None
    definition_en: str | None
    position: int | None
    unit: str
    kind: str
    numerator: str | None
    denominator: str | None
    decimals: int | None
    polarity: str | None
    source: str | None
    copyright: str | None
    levels: list[str]
    aggregation: str | None
    min_count: int | None
    min_denominator: float | None
    maintained_by: str | None
    keywords: list[str]
    provision: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class IndicatorAnswer(IndicatorView):
    """One indicator with the catalogue version."""

    version: int


@dataclass(frozen=True, slots=True)
class CatalogueAnswer:
    """The whole indicator catalogue with its version (also the import format)."""

    version: int
    themes: list[ThemeView]
    indicators: list[IndicatorView]


@dataclass(frozen=True, slots=True)
class Deleted:
    """What a deletion removed, and the catalogue version after it."""

    deleted: str
    version: int


@dataclass(frozen=True, slots=True)
class ImportCounts:
    """What a catalogue import created and updated, and the catalogue version after it."""

    themes_created: int
    themes_updated: int
    indicators_created: int
    indicators_updated: int
    version: int


# --- indicator values ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """One value of an indicator for a unit and year, as the caller may see it: a value withheld for
    confidentiality is ``suppressed`` with value, numerator and denominator None."""

    unit: str
    name: str
    level: str
    year: int
    value: float | None
    numerator: float | None
    denominator: float | None
    provisional: bool
    estimated: bool
    series_break: bool
    note: str | None
    computed: bool = spec(description="aggregated from the members or derived, not stored")
    incomplete: bool = spec(description="computed although a member has no value (see missing)")
    suppressed: bool = spec()
    indicator: str | None = spec(omit_none=True, description="in the values of a unit")
    missing: list[str] | None = spec(omit_none=True, description="the members without a value")
    confidential: bool | None = spec(omit_none=True, description="staff view: the public sees no number here")
    state: str | None = spec(omit_none=True, description="staff view: the review state of the value")


@dataclass(frozen=True, slots=True)
class IndicatorValues:
    """The values of one indicator (one level or all, one year or all)."""

    indicator: str
    level: str | None
    version: int
    years: list[int] = spec(description="the years with values (for a time slider)")
    last_update: str | None = spec(format="date", description="the day the indicator's published values "
                                   "last changed (the latest publication of a value); None: none published")
    values: list[IndicatorValue] = spec()
    view: Literal["staff"] | None = spec(omit_none=True)


@dataclass(frozen=True, slots=True)
class WebUnitProperties:
    """What the expert mode needs of a unit besides its shape: its name and its place in the unit tree."""

    key: str
    name: str
    level: str
    parent: str | None = spec(description="key of the unit above it (None: the county)")
    parent_level: str | None = spec(description="the level of that unit")


@dataclass(frozen=True, slots=True)
class WebUnit:
    """A spatial unit with its geometry simplified for the web map (CRS84)."""

    type: Literal["Feature"]
    id: str
    properties: WebUnitProperties
    geometry: dict[str, Any] | None = spec(description="GeoJSON (CRS84, 5 decimals); None: no territory")


@dataclass(frozen=True, slots=True)
class WebUnits:
    """The public spatial units of one level, simplified together so that neighbours keep their shared
    boundary (coverage simplification)."""

    type: Literal["FeatureCollection"]
    level: str
    tolerance_m: float = spec(description="how far (metres) a simplified boundary may leave the stored one")
    features: list[WebUnit] = spec()


@dataclass(frozen=True, slots=True)
class UnitValues:
    """The values of every indicator and year of one spatial unit."""

    unit: str
    name: str
    level: str
    version: int
    values: list[IndicatorValue]
    view: Literal["staff"] | None = spec(omit_none=True)


# --- indicator uploads --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UploadFile:
    """How the uploaded file was read."""

    format: str
    layout: str
    sheet: str | None
    encoding: str | None
    separator: str | None
    decimal: str | None
    header: str | None
    columns: dict[str, Any]
    ignored_columns: list[Any]


@dataclass(frozen=True, slots=True)
class UploadRow:
    """What happens (or would happen) to one row of the file (statuses and codes: docs/api.md)."""

    source: str
    line: int | None
    status: Literal["new", "changed", "unchanged", "refused", "invalid"]
    unit: Any
    unit_name: Any
    indicator: Any
    year: Any
    new: Any
    old: Any = spec(omit_none=True, description="changed, unchanged: the stored value")
    symbol: str | None = spec(omit_none=True)
    code: str | None = spec(omit_none=True)
    params: dict[str, Any] | None = spec(omit_none=True)
    reason: str | None = spec(omit_none=True, description="the text of code in the reader's language")


@dataclass(frozen=True, slots=True)
class SkippedLine:
    """A line of the file that is not a row of values (a title, an empty line, ...)."""

    source: str
    reason: str
    message: str | None = spec(omit_none=True)


@dataclass(frozen=True, slots=True)
class UploadReport:
    """The report of an indicator upload (the body of a refused one too)."""

    dry_run: bool
    applied: bool
    counts: dict[str, int]
    file: UploadFile
    rows: list[UploadRow]
    skipped: list[SkippedLine]
    push_id: str | None = spec(omit_none=True)
    replayed: bool | None = spec(omit_none=True)


# --- the service -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Health:
    """Liveness and versions."""

    status: Literal["ok"]
    api_version: int
    version: str


@dataclass(frozen=True, slots=True)
class PublicFeature:
    """A published feature for the public (WGS84)."""

    type: Literal["Feature"]
    id: str
    properties: dict[str, Any]
    geometry: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class OfferRows:
    """The offers map's compact rows (streamed by the route): one list of values per offer, in the order
    of ``fields``."""

    fields: list[str]
    offers: list[list[Any]]


@dataclass(frozen=True, slots=True)
class PublicFeatureCollection:
    """The published state of a layer as GeoJSON (streamed, so written by the route itself)."""

    type: Literal["FeatureCollection"]
    features: list[PublicFeature]


# --- visitors' reports of outdated offers (domain/reports.py) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportForm:
    """What the report form sends back with a report: a signed token of the offer and the time the form
    was opened (a report sent sooner than ``min_seconds`` after it, or with a forged token, is refused)."""

    token: str
    min_seconds: int = spec(description="the form may be sent this many seconds after it was opened")
    max_text_length: int = spec()
    email_days: int = spec(description="the e-mail given with a report is deleted after this many days")


@dataclass(frozen=True, slots=True)
class ReportReceipt:
    """A report was received; the offer's staff will see it."""

    received_at: str = spec(format="date-time")


@dataclass(frozen=True, slots=True)
class ReportView:
    """A visitor's report as staff see it (the owning municipality's editors and the admin)."""

    id: int
    offer_id: str
    offer_name: str = spec(description="the offer's name as published when it was reported")
    owner: str = spec(description="key of the municipality that owns the offer now")
    owner_name: str = spec(description="name of that municipality")
    text: str = spec()
    email: str | None = spec(description="the visitor's e-mail, if given; deleted after the retention period")
    created_at: str = spec(format="date-time")
    state: Literal["open", "closed"] = spec()
    answer: str | None = spec()
    closed_at: str | None = spec(format="date-time")
    closed_by: str | None = spec(description="user name of whoever closed it")


# --- saved views of the expert mode -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ViewState:
    """What a saved view shows: the expert mode's permalink state (indicator, level, year, selected unit,
    compared units, classification) and optionally a map position (README.md, "Web map")."""

    indicator: str
    level: str
    year: int | None
    unit: str | None
    compare: list[str] = spec(description="units in the comparison (at most 5)")
    method: str | None = spec(description="classification: quantile, ckmeans (natural breaks) or equal")
    classes: int | None = spec(minimum=2, maximum=9)
    map: str | None = spec(description="zoom/lat/lng", example="10/52.28/8.05")


@dataclass(frozen=True, slots=True)
class SavedViewAnswer:
    """A saved view as staff see it; ``may_edit`` says whether the caller may change it (its owner)."""

    id: int
    name: str
    state: ViewState
    visibility: Literal["private", "shared"] = spec()
    featured: Literal["none", "proposed", "published", "declined"] = spec(
        description="proposed to the admin, published in the public atlas, or declined (with `reason`)")
    reason: str | None = spec()
    municipality: MunicipalityRef = spec()
    author: str = spec(description="display name of who saved it")
    created_at: str = spec(format="date-time")
    updated_at: str = spec(format="date-time")
    published_at: str | None = spec(format="date-time")
    may_edit: bool = spec()


@dataclass(frozen=True, slots=True)
class FeaturedView:
    """A view the county publishes in the public atlas ("Ausgewählte Ansichten")."""

    id: int
    name: str
    state: ViewState
    municipality: str = spec(description="name of the municipality that made it")
    published_at: str = spec(format="date-time")
