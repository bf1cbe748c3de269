"""Indicators in the plugin's core (no qgis): the catalogue, values joined to units, uploads, labels.

The server's contract is docs/indicators.md. This module turns its answers into plain Python the
GUI, the Processing algorithms and the tests use alike:

- :class:`IndicatorCatalogue`: themes and indicators of ``GET /indicators`` with the catalogue version.
- :func:`values_table`: a values answer as one row per unit (value, flags, ``status`` =
  ``value`` / ``suppressed`` / ``missing``), ready to be joined to the units of a level by key.
- :func:`municipality_units`: which municipality rows are the units of ``landkreis``,
  ``gemeinde`` and ``mitgliedsgemeinde`` (the contract's table of spatial units).
- :class:`PreparedUpload` and :class:`UploadReport`: one file sent as dry run and for real with
  the same idempotency key on every retry, and the server's per-row answer.
- :func:`format_number` and :func:`range_label`: numbers as a German reader writes them
  (``12,5 - 18,0 %``), for legends and tables.
"""

from __future__ import annotations

import math
import mimetypes
import uuid as uuidlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import errors
from .messages import get_language, tr

#: Levels whose units are municipality rows (their territories come from ``/municipalities``);
#: every other level's units are features of the ``spatial_units`` layer.
MUNICIPALITY_LEVELS = ("landkreis", "gemeinde", "mitgliedsgemeinde")
COUNTY_KIND = "Landkreis"

#: The working copy's table of values when the server offers it as a sync layer.
VALUES_LAYER = "indicator_values"

#: The server's namespace of value ids (docs/indicators.md: ``uuid5(VALUES_NAMESPACE, "<indicator>/<unit>/<year>")``).
VALUES_NAMESPACE = uuidlib.UUID("6c0f4a53-3a55-4f43-9a43-2f1d1c6e0b7a")

#: Row outcomes of an upload report, in the order the dialog lists them.
ROW_STATUSES = ("new", "changed", "unchanged", "refused", "invalid")

#: The columns :func:`values_table` gives every unit (the layer fields of "Indikator als Karte").
VALUE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("unit", "string"),
    ("name", "string"),
    ("year", "integer"),
    ("value", "number"),
    ("numerator", "number"),
    ("denominator", "number"),
    ("status", "string"),
    ("suppressed", "boolean"),
    ("confidential", "boolean"),
    ("provisional", "boolean"),
    ("estimated", "boolean"),
    ("series_break", "boolean"),
    ("computed", "boolean"),
    ("incomplete", "boolean"),
    ("note", "string"),
)
VALUE, SUPPRESSED, MISSING = "value", "suppressed", "missing"

UPLOAD_SUFFIXES = (".csv", ".xlsx")
_CONTENT_TYPES = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def value_id(indicator: str, unit: str, year: int) -> str:
    """The id of a value: one per indicator, unit and year, the same as the server's."""
    return str(uuidlib.uuid5(VALUES_NAMESPACE, f"{indicator}/{unit}/{year}"))


def value_id_of(properties: Mapping[str, Any]) -> str | None:
    """The id a value row must have, from its properties (None while indicator, unit or year is missing)."""
    indicator, unit, year = properties.get("indicator"), properties.get("unit"), properties.get("year")
    if not indicator or not unit or year is None:
        return None
    try:
        return value_id(str(indicator).strip(), str(unit).strip(), int(year))
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class IndicatorCatalogue:
    """``GET /indicators``: the version, the themes in order, the indicators by key."""

    version: int | None
    themes: list[dict[str, Any]]
    indicators: dict[str, dict[str, Any]]

    @classmethod
    def from_answer(cls, body: Any) -> IndicatorCatalogue:
        if not isinstance(body, Mapping) or not isinstance(body.get("indicators"), list):
            raise errors.AtlasError(tr("error.unexpected_response", status=200), "unexpected_response")
        themes = sorted((t for t in body.get("themes") or [] if isinstance(t, Mapping)),
                        key=lambda t: (t.get("position") or 0, t.get("key") or ""))
        indicators = {i["key"]: dict(i) for i in body["indicators"] if isinstance(i, Mapping) and i.get("key")}
        return cls(body.get("version"), [dict(t) for t in themes], indicators)

    def theme_name(self, key: str | None, language: str | None = None) -> str:
        theme = next((t for t in self.themes if t.get("key") == key), None)
        return _localised(theme, "name", language) if theme else (key or "")

    def ordered(self) -> list[dict[str, Any]]:
        """The indicators by theme order, then by name (for pickers)."""
        position = {t.get("key"): index for index, t in enumerate(self.themes)}
        return sorted(self.indicators.values(),
                      key=lambda i: (position.get(i.get("theme"), len(position)), indicator_name(i).lower()))


def _localised(item: Mapping[str, Any], stem: str, language: str | None = None) -> str:
    language = language or get_language()
    other = "de" if language == "en" else "en"
    return str(item.get(f"{stem}_{language}") or item.get(f"{stem}_{other}") or item.get("key") or "")


def indicator_name(indicator: Mapping[str, Any], language: str | None = None) -> str:
    return _localised(indicator, "name", language)


def indicator_definition(indicator: Mapping[str, Any], language: str | None = None) -> str:
    return _localised(indicator, "definition", language)


# ---------------------------------------------------------------------- units


def municipality_level(municipality: Mapping[str, Any], by_id: Mapping[Any, Mapping[str, Any]]) -> str | None:
    """The level of a municipality row (docs/indicators.md, spatial units): the county is
    ``landkreis``, a row whose parent is the county ``gemeinde``, a row whose parent is a
    Samtgemeinde (a ``gemeinde`` with members) ``mitgliedsgemeinde``."""
    if municipality.get("kind") == COUNTY_KIND:
        return "landkreis"
    parent = by_id.get(municipality.get("parent_id"))
    if parent is None:
        return None
    if parent.get("kind") == COUNTY_KIND:
        return "gemeinde"
    grandparent = by_id.get(parent.get("parent_id"))
    if grandparent is not None and grandparent.get("kind") == COUNTY_KIND:
        return "mitgliedsgemeinde"
    return None


def municipality_units(municipalities: Iterable[Mapping[str, Any]], level: str) -> list[dict[str, Any]]:
    """The municipality rows that are the units of ``level`` (answer of ``/municipalities``)."""
    items = list(municipalities)
    by_id = {m.get("id"): m for m in items}
    return [dict(m) for m in items if municipality_level(m, by_id) == level]


@dataclass(frozen=True)
class MapUnit:
    """One spatial unit to draw: key, name and its area (GeoJSON) in ``crs``."""

    key: str
    name: str
    geometry: dict[str, Any] | None
    crs: str = "EPSG:25832"


def units_from_municipalities(municipalities: Iterable[Mapping[str, Any]], level: str) -> list[MapUnit]:
    """The units of a municipality level with their territories (``/municipalities``, EPSG:25832)."""
    return [MapUnit(str(m["key"]), str(m.get("name") or m["key"]), m.get("territory"))
            for m in municipality_units(municipalities, level)]


def units_from_features(features: Iterable[Mapping[str, Any]], level: str, crs: str = "EPSG:4326") -> list[MapUnit]:
    """The units of ``level`` among spatial-unit features (GeoJSON with ``level``, ``key``, ``name``)."""
    out = []
    for feature in features:
        properties = feature.get("properties") or {}
        if properties.get("level") == level and properties.get("key"):
            out.append(MapUnit(str(properties["key"]), str(properties.get("name") or properties["key"]),
                               feature.get("geometry"), crs))
    return out


def units_from_workcopy(workcopy: Any, level: str) -> list[MapUnit]:
    """The units of ``level`` from a working copy (offline): territories of the municipalities from
    its reference table, other levels from its ``spatial_units`` layer (with the own unpublished ones)."""
    from . import reference, wkb  # the working copy's modules; imported here to keep this module light

    connection = workcopy.connection
    if level in MUNICIPALITY_LEVELS:
        if not reference.municipalities(workcopy):
            return []
        rows = connection.execute(
            f'SELECT key, name, kind, parent_key, geom FROM "{reference.MUNICIPALITIES_TABLE}"').fetchall()
        items = [{"id": row["key"], "key": row["key"], "name": row["name"], "kind": row["kind"],
                  "parent_id": row["parent_key"], "territory": wkb.gpkg_to_geojson(bytes(row["geom"]))
                  if row["geom"] is not None else None} for row in rows]
        return units_from_municipalities(items, level)
    if not workcopy.has_layer("spatial_units"):
        return []
    rows = connection.execute('SELECT key, name, level, geom FROM "spatial_units" WHERE level = ?', (level,))
    return [MapUnit(str(row["key"]), str(row["name"] or row["key"]),
                    wkb.gpkg_to_geojson(bytes(row["geom"])) if row["geom"] is not None else None)
            for row in rows.fetchall() if row["key"]]


def fetch_map_data(client: Any, indicator: str, level: str,
                   workcopy: Any = None) -> tuple[list[MapUnit], dict[str, Any]]:
    """The units of ``level`` and the values of ``indicator`` on it (all years), as the user may
    read them. Units come from the working copy when there is one (it holds the own unpublished
    Ortsteile too), else from the server's public data. Without a connection the working copy's
    values serve (``offline`` is then true in the answer)."""
    units = units_from_workcopy(workcopy, level) if workcopy is not None else []
    try:
        if not units:
            if level in MUNICIPALITY_LEVELS:
                units = units_from_municipalities(client.municipalities(territory=True), level)
            else:
                collection = client.public_layer("spatial_units")
                units = units_from_features(collection.get("features") or [], level, "EPSG:4326")
        answer = client.indicator_values(indicator, level)
    except errors.ConnectionFailed:
        if not units or workcopy is None or not workcopy.has_layer(VALUES_LAYER):
            raise
        return units, workcopy_values(workcopy, indicator, level)
    if not isinstance(answer, Mapping):
        raise errors.AtlasError(tr("error.unexpected_response", status=200), "unexpected_response")
    return units, dict(answer)


def workcopy_values(workcopy: Any, indicator: str, level: str) -> dict[str, Any]:
    """A values answer made from the working copy's ``indicator_values`` table (offline): what was
    pulled at the last sync, with the own local edits; the server's aggregation and
    confidentiality are not applied (the working copy holds only what its user may read)."""
    rows = workcopy.connection.execute(
        f'SELECT * FROM "{VALUES_LAYER}" WHERE indicator = ? AND (level = ? OR level IS NULL) ORDER BY unit, year',
        (indicator, level)).fetchall()
    present = set(rows[0].keys()) if rows else set()
    values = [{column: row[column] for column in ("unit", "year", "value", "numerator", "denominator",
                                                  "provisional", "estimated", "series_break", "note")
               if column in present} | {"suppressed": False, "state": row["fa_state"]} for row in rows]
    return {"indicator": indicator, "level": level, "offline": True, "values": values,
            "years": sorted({v["year"] for v in values if isinstance(v.get("year"), int)})}


def load_catalogue(client: Any, workcopy: Any = None) -> IndicatorCatalogue:
    """The indicator catalogue from the server, or, without a connection, as the working copy
    stored it at the last sync."""
    try:
        return IndicatorCatalogue.from_answer(client.indicator_catalogue())
    except errors.ConnectionFailed:
        stored = workcopy.get_meta("indicator_catalogue") if workcopy is not None else None
        if not stored:
            raise
        return IndicatorCatalogue.from_answer(stored)


# ---------------------------------------------------------------------- values


def _bool(value: Any) -> bool:
    return bool(value) and value not in ("false", "0")


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def values_table(answer: Mapping[str, Any], year: int | None = None,
                 units: Iterable[str] | Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """One row per unit key with the columns of :data:`VALUE_COLUMNS`, for joining to the units.

    ``answer`` is a values answer (``GET /indicators/<key>/values``, public or staff view); only
    ``year`` is taken when given. ``units`` (keys, or keys -> names) adds a ``missing`` row for every
    unit without a value, so a join leaves no unit without a status. ``status`` is ``suppressed``
    for a value the public may not see (never a number then), ``missing`` for no value or an
    incomplete aggregate without one, else ``value``. A value the staff view marks
    ``confidential`` keeps its number and says so.
    """
    rows: dict[str, dict[str, Any]] = {}
    for entry in answer.get("values") or []:
        if not isinstance(entry, Mapping) or not entry.get("unit"):
            continue
        entry_year = entry.get("year")
        if year is not None and entry_year != year:
            continue
        suppressed = _bool(entry.get("suppressed"))
        value = None if suppressed else _number(entry.get("value"))
        status = SUPPRESSED if suppressed else (VALUE if value is not None else MISSING)
        rows[str(entry["unit"])] = {
            "unit": str(entry["unit"]),
            "name": entry.get("name"),
            "year": entry_year,
            "value": value,
            "numerator": None if suppressed else _number(entry.get("numerator")),
            "denominator": None if suppressed else _number(entry.get("denominator")),
            "status": status,
            "suppressed": suppressed,
            "confidential": _bool(entry.get("confidential")),
            "provisional": _bool(entry.get("provisional")),
            "estimated": _bool(entry.get("estimated")),
            "series_break": _bool(entry.get("series_break")),
            "computed": _bool(entry.get("computed")),
            "incomplete": _bool(entry.get("incomplete")),
            "note": entry.get("note"),
        }
    names = units if isinstance(units, Mapping) else {key: None for key in units or ()}
    for key, name in names.items():
        row = rows.get(key)
        if row is None:
            rows[key] = {column: None for column, _type in VALUE_COLUMNS} | {
                "unit": key, "name": name, "year": year, "status": MISSING,
                **{column: False for column, kind in VALUE_COLUMNS if kind == "boolean"}}
        elif not row.get("name") and name:
            row["name"] = name
    return rows


def years_of(answer: Mapping[str, Any]) -> list[int]:
    """The years of a values answer (its ``years`` list, else the years of its values), ascending."""
    years = answer.get("years")
    if not isinstance(years, list) or not years:
        years = [v.get("year") for v in answer.get("values") or [] if isinstance(v, Mapping)]
    return sorted({int(y) for y in years if isinstance(y, int) and not isinstance(y, bool)})


# ---------------------------------------------------------------------- numbers and legends

_UNIT_KEYS = {"percent": "unit.percent", "per_1000": "unit.per_1000", "euro": "unit.euro", "years": "unit.years"}


def unit_suffix(unit: str | None) -> str:
    """What follows a number of ``unit`` in the current language (``%``, ``je 1.000``, ``€``, ...)."""
    key = _UNIT_KEYS.get(unit or "")
    return tr(key) if key else ""


def format_number(value: float | None, decimals: int = 0, language: str | None = None) -> str:
    """``1.234,5`` in German, ``1,234.5`` in English; rounded half away from zero as statistics
    offices print; empty for no value."""
    if value is None:
        return ""
    decimals = max(0, int(decimals or 0))
    scaled = abs(value) * 10 ** decimals
    rounded = math.floor(scaled + 0.5) / 10 ** decimals
    text = f"{math.copysign(rounded, value) if rounded else 0.0:,.{decimals}f}"
    if (language or get_language()) == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_value(value: float | None, decimals: int | None = None, language: str | None = None) -> str:
    """A value for a table: in ``decimals`` when known, else with the decimals it has (at most 6)."""
    if value is None:
        return ""
    if decimals is None:
        text = f"{value:.6f}".rstrip("0")
        decimals = len(text.split(".")[1]) if "." in text else 0
    return format_number(value, decimals, language)


def with_unit(text: str, unit: str | None) -> str:
    suffix = unit_suffix(unit)
    return f"{text} {suffix}" if suffix and text else text


def range_label(lower: float, upper: float, decimals: int = 0, unit: str | None = None,
                language: str | None = None) -> str:
    """A legend class ``12,5 - 18,0 %`` in the indicator's unit and decimals."""
    text = f"{format_number(lower, decimals, language)} - {format_number(upper, decimals, language)}"
    return with_unit(text, unit)


def ramp_reversed(polarity: str | None) -> bool:
    """Whether the colour ramp runs the other way: the ramps run from good (light) to bad (dark)
    for ``higher_worse``; ``higher_better`` turns it round so that dark is still the bad end."""
    return polarity == "higher_better"


# ---------------------------------------------------------------------- upload


@dataclass
class PreparedUpload:
    """A file to upload, with the idempotency key that every send of it (dry run excepted) reuses.

    A real upload cut off by the network is sent again with the same key, so the server applies
    it once; a new :class:`PreparedUpload` (another file or another choice) gets a new key.
    """

    filename: str
    data: bytes
    indicator: str | None = None
    year: int | None = None
    idempotency_key: str = field(default_factory=lambda: str(uuidlib.uuid4()))
    #: The spatial level the file's units are on (names are matched there); the server finds it otherwise.
    level: str | None = None

    @classmethod
    def from_path(cls, path: str | Path, indicator: str | None = None, year: int | None = None) -> PreparedUpload:
        path = Path(path)
        if path.suffix.lower() not in UPLOAD_SUFFIXES:
            raise errors.InvalidData(tr("error.upload_file_type", name=path.name), "unsupported_file_type")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise errors.AtlasError(tr("error.upload_file_unreadable", name=path.name, reason=exc.strerror or exc),
                                    "file_unreadable") from exc
        return cls(path.name, data, indicator or None, year)

    @property
    def content_type(self) -> str:
        suffix = Path(self.filename).suffix.lower()
        return _CONTENT_TYPES.get(suffix) or mimetypes.guess_type(self.filename)[0] or "application/octet-stream"

    def form(self, dry_run: bool) -> dict[str, str]:
        """The multipart fields besides the file."""
        fields = {"dry_run": "true" if dry_run else "false"}
        if not dry_run:
            fields["idempotency_key"] = self.idempotency_key
        if self.indicator:
            fields["indicator"] = self.indicator
        if self.year is not None:
            fields["year"] = str(self.year)
        if self.level:
            fields["level"] = self.level
        return fields


@dataclass(frozen=True)
class ReportRow:
    """One row of an upload report: where it is in the file, what it names, what would happen."""

    source: str
    status: str
    unit: str = ""
    unit_name: str = ""
    indicator: str = ""
    year: int | None = None
    old: float | None = None
    new: float | None = None
    code: str = ""
    reason: str = ""


@dataclass(frozen=True)
class UploadReport:
    """The server's answer to an upload: per-row outcomes and what happened as a whole."""

    dry_run: bool
    applied: bool
    rows: list[ReportRow]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    push_id: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in ROW_STATUSES}

    @property
    def sendable(self) -> bool:
        """Whether a real upload can succeed: something to write and nothing refused or invalid
        (the server writes all of an upload or nothing)."""
        counts = self.counts()
        return (counts["new"] + counts["changed"]) > 0 and not counts["refused"] and not counts["invalid"]

    @classmethod
    def from_answer(cls, body: Any, dry_run: bool) -> UploadReport:
        """Read the answer of ``POST /indicators/uploads`` (or the problem document of a refused one)."""
        if not isinstance(body, Mapping):
            raise errors.AtlasError(tr("error.unexpected_response", status=200), "unexpected_response")
        rows = [_report_row(index, entry) for index, entry in enumerate(body.get("rows") or [], start=1)
                if isinstance(entry, Mapping)]
        skipped = [(str(s.get("source", "")), str(s.get("message") or s.get("reason") or "")) if isinstance(s, Mapping)
                   else (str(s[0]), str(s[1])) for s in body.get("skipped") or []
                   if isinstance(s, Mapping) or (isinstance(s, Sequence) and len(s) == 2)]
        problems = [str(p.get("detail") or p.get("message") or p.get("code")) if isinstance(p, Mapping) else str(p)
                    for p in body.get("problems") or body.get("file_problems") or []]
        applied = bool(body.get("applied", not body.get("dry_run", dry_run) and not body.get("code")))
        return cls(bool(body.get("dry_run", dry_run)), applied, rows, skipped, problems,
                   body.get("push_id") or body.get("change_set"), dict(body))


def _report_row(index: int, entry: Mapping[str, Any]) -> ReportRow:
    status = str(entry.get("status") or entry.get("outcome") or "invalid")
    year = entry.get("year")
    return ReportRow(
        source=str(entry.get("source") or tr("upload.row", number=index)),
        status=status if status in ROW_STATUSES else "invalid",
        unit=str(entry.get("unit") or ""),
        unit_name=str(entry.get("unit_name") or entry.get("name") or ""),
        indicator=str(entry.get("indicator") or ""),
        year=year if isinstance(year, int) and not isinstance(year, bool) else None,
        old=_number(entry.get("old") if "old" in entry else entry.get("old_value")),
        new=_number(entry.get("new") if "new" in entry else entry.get("value")),
        code=str(entry.get("code") or ""),
        reason=str(entry.get("reason") or entry.get("detail") or entry.get("message") or ""),
    )


def upload(client: Any, prepared: PreparedUpload, *, dry_run: bool, attempts: int = 3) -> UploadReport:
    """Send ``prepared`` and read the report; a real upload whose answer was lost to the network is
    sent again (up to ``attempts`` times) with the same idempotency key, so it is applied once.

    A refused upload (422/403 with per-row results) is a report too, not an exception: the person
    needs the rows to fix the file. Everything else raises :class:`~.errors.AtlasError`.
    """
    last: errors.ConnectionFailed | None = None
    for _attempt in range(max(1, attempts if not dry_run else 1)):
        try:
            body = client.upload_indicator_values(prepared, dry_run=dry_run)
        except errors.UploadRefused as exc:
            return UploadReport.from_answer({**exc.body, "applied": False, "dry_run": dry_run}, dry_run)
        except errors.ConnectionFailed as exc:
            last = exc
            continue
        return UploadReport.from_answer(body, dry_run)
    assert last is not None
    raise last
