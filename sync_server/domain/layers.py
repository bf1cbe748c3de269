"""The sync layers and their schemas; the server owns them and serves them to clients.

A client on another schema version is told so instead of uploading rows the server would
misread. Bump a layer's ``schema_version`` whenever its fields change.

Every rule a feature's properties must follow is declared here and nowhere else: per field its
type, ``required``, ``max_length``, ``minimum``/``maximum``, catalogue ``choices`` and a ``format``
(:data:`FORMATS`, served with its pattern); per layer its cross-field :class:`Rule` s. The layer
description (:meth:`LayerSpec.describe`, ``GET /api/v1/layers``) serves all of them, and three
interpreters read that one declaration: :func:`clean_properties` here (the judge of every write),
the plugin core's check before a sync (``qgis_plugin/core/constraints.py``) and the QGIS form's
field constraints built from it (``qgis_plugin/gui/project.py``). See docs/architecture.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from operator import itemgetter
from typing import Any

from .errors import FieldError

FIELD_TYPES = ("string", "text", "integer", "number", "boolean", "date")


@dataclass(frozen=True)
class Format:
    """A text format: the regular expression a value must match (Python's ``re.match`` and QGIS's
    ``regexp_match`` read it alike) and the error code of a value that does not."""

    pattern: str
    code: str

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern)


_DAY = "(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_DAYS = f"(?:PH|{_DAY}(?:-{_DAY})?)(?:,(?:PH|{_DAY}(?:-{_DAY})?))*"
_SPAN = "(?:[01][0-9]|2[0-4]):[0-5][0-9]-(?:[01][0-9]|2[0-4]):[0-5][0-9]"
_SPANS = f"{_SPAN}(?:,{_SPAN})*"
_HOURS_RULE = f"(?:24/7|{_DAYS}(?: (?:{_SPANS}|off|closed))?|{_SPANS})"
#: Opening hours in a documented subset of OpenStreetMap's ``opening_hours`` syntax (docs/architecture.md):
#: rules separated by ";" (or ", " for an additional rule), each "24/7", weekdays (Mo-Su, ranges, lists,
#: PH for public holidays) with time spans (HH:MM-HH:MM, lists) or "off", or time spans alone. A regular
#: expression, so that the plugin's check and the QGIS form read the same declaration as the server; every
#: value it accepts is valid OpenStreetMap syntax (the web map evaluates it with the opening_hours library).
OPENING_HOURS_PATTERN = f"^{_HOURS_RULE}(?:(?: ?; ?|, ){_HOURS_RULE})*$"

#: The formats a string field may declare; served by name and pattern.
FORMATS: dict[str, Format] = {
    "email": Format(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "bad_email"),
    "uri": Format(r"^https?://", "bad_url"),
    "opening_hours": Format(OPENING_HOURS_PATTERN, "bad_opening_hours"),
    # A list of municipality keys separated by commas (a service area; the county's key: county-wide).
    "municipality_keys": Format(r"^[0-9A-Za-z]{1,12}(?: ?, ?[0-9A-Za-z]{1,12})*$", "bad_municipality_keys"),
}

#: The kinds of cross-field rules and what they require of the values of ``Rule.fields`` (a, b):
#: ``not_greater``: a <= b when both are set; ``parent_choice``: the catalogue parent of choice a
#: is b when both are set.
RULE_KINDS = ("not_greater", "parent_choice")


@dataclass(frozen=True)
class Rule:
    """A rule across two fields of a layer; a violation is reported on ``field`` with ``code``."""

    kind: str
    fields: tuple[str, str]
    field: str
    code: str

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "fields": list(self.fields), "field": self.field, "code": self.code}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    title: str
    title_en: str
    required: bool = False
    max_length: int = 200
    minimum: float | None = None
    maximum: float | None = None
    choices: str | None = None  # name of a catalogue: categories, subcategories, levels
    format: str | None = None  # a key of FORMATS (string fields)

    def describe(self, catalogue: Catalogue | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "required": self.required,
                               "title": self.title, "title_en": self.title_en}
        if self.type in ("string", "text"):
            out["max_length"] = self.max_length
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        if self.choices and catalogue is not None:
            out["choices"] = catalogue.choices(self.choices)
        if self.format:
            out["format"] = self.format
            out["pattern"] = FORMATS[self.format].pattern
        return out


@dataclass(frozen=True)
class LayerSpec:
    name: str
    title: str
    title_en: str
    geometry_type: str | None  # None: features without geometry (indicator values)
    schema_version: int
    fields: tuple[FieldSpec, ...]
    # Whether the public reads the published features as they are (GeoJSON endpoint, OGC API). Indicator
    # values are not: the public sees them only through confidentiality (domain/indicators/public.py).
    raw_public: bool = True
    rules: tuple[Rule, ...] = ()

    @cached_property
    def _by_name(self) -> dict[str, FieldSpec]:
        return {f.name: f for f in self.fields}

    def field(self, name: str) -> FieldSpec | None:
        """By name, without a walk through the fields: a push of 100,000 values asks 1,000,000 times."""
        return self._by_name.get(name)

    @cached_property
    def checked_fields(self) -> tuple[FieldSpec, ...]:
        """The fields :func:`clean_properties` checks (all but ``owner``, which the caller resolves)."""
        return tuple(f for f in self.fields if f.name != "owner")

    @cached_property
    def column_checkers(self) -> tuple[Callable[[list[Any]], list[Any]], ...]:
        """The column-wise common case of the check of each of :attr:`checked_fields` (:func:`_column_checker`),
        made once for its field, not chosen by the field's type again for every column of a push."""
        return tuple(_column_checker(f) for f in self.checked_fields)

    @cached_property
    def choice_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.choices is not None)

    @cached_property
    def format_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.format)

    def describe(self, catalogue: Catalogue | None = None) -> dict[str, Any]:
        """The layer as ``GET /api/v1/layers`` serves it (without the storage CRS, which HTTP adds):
        every field with its constraints and the cross-field rules, so clients check what we check."""
        return {"name": self.name, "title": self.title, "title_en": self.title_en,
                "geometry_type": self.geometry_type, "schema_version": self.schema_version,
                "fields": [f.describe(catalogue) for f in self.fields],
                "rules": [rule.describe() for rule in self.rules]}


@dataclass
class Catalogue:
    """What choice fields are checked against: loaded once per request from the configuration."""

    categories: dict[str, str] = field(default_factory=dict)  # top-level key -> name
    subcategories: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (parent key, name)
    levels: dict[str, str] = field(default_factory=dict)  # key -> name
    municipal_levels: set[str] = field(default_factory=set)  # levels municipalities maintain themselves

    def choices(self, name: str) -> list[dict[str, str]]:
        if name == "categories":
            return [{"value": k, "label": v} for k, v in self.categories.items()]
        if name == "subcategories":
            return [{"value": k, "label": v[1], "parent": v[0]} for k, v in self.subcategories.items()]
        return [{"value": k, "label": v} for k, v in self.levels.items()]


OWNER = FieldSpec("owner", "string", "Eigentümer (Gemeindeschlüssel)", "Owner (municipality key)", max_length=12)

INSTITUTIONS = LayerSpec(
    name="institutions",
    title="Einrichtungen und Angebote",
    title_en="Institutions and offers",
    geometry_type="Point",
    schema_version=2,  # 2: service_area
    fields=(
        OWNER,
        FieldSpec("category", "string", "Kategorie", "Category", required=True, choices="categories"),
        FieldSpec("subcategory", "string", "Unterkategorie", "Subcategory", choices="subcategories"),
        FieldSpec("name", "string", "Name", "Name", required=True),
        FieldSpec("provider", "string", "Träger", "Provider"),
        FieldSpec("street", "string", "Straße und Hausnummer", "Street and number"),
        FieldSpec("postcode", "string", "PLZ", "Postcode", max_length=10),
        FieldSpec("city", "string", "Ort", "City"),
        FieldSpec("phone", "string", "Telefon", "Phone", max_length=60),
        FieldSpec("email", "string", "E-Mail", "E-mail", format="email"),
        FieldSpec("website", "string", "Website", "Website", max_length=500, format="uri"),
        FieldSpec("opening_hours", "string", "Öffnungszeiten", "Opening hours", max_length=500,
                  format="opening_hours"),
        FieldSpec("target_groups", "string", "Zielgruppen", "Target groups", max_length=500),
        FieldSpec("age_min", "integer", "Alter von", "Age from", minimum=0, maximum=120),
        FieldSpec("age_max", "integer", "Alter bis", "Age to", minimum=0, maximum=120),
        FieldSpec("languages", "string", "Sprachen", "Languages", max_length=500),
        FieldSpec("accessibility", "string", "Barrierefreiheit", "Accessibility", max_length=500),
        FieldSpec("description", "text", "Beschreibung", "Description", max_length=5000),
        FieldSpec("last_checked", "date", "Zuletzt geprüft", "Last checked"),
        FieldSpec("service_area", "string", "Einzugsgebiet (Gemeindeschlüssel)", "Service area (municipality keys)",
                  max_length=500, format="municipality_keys"),
    ),
    rules=(
        Rule("parent_choice", ("subcategory", "category"), "subcategory", "subcategory_mismatch"),
        Rule("not_greater", ("age_min", "age_max"), "age_max", "age_range"),
    ),
)

SPATIAL_UNITS = LayerSpec(
    name="spatial_units",
    title="Raumeinheiten",
    title_en="Spatial units",
    geometry_type="MultiPolygon",
    schema_version=1,
    fields=(
        OWNER,
        FieldSpec("level", "string", "Raumebene", "Spatial level", required=True, choices="levels"),
        FieldSpec("key", "string", "Schlüssel", "Key", required=True, max_length=40),
        FieldSpec("name", "string", "Name", "Name", required=True),
        FieldSpec("parent_key", "string", "Übergeordnete Einheit", "Parent unit", max_length=40),
    ),
)

VALUE_LIMIT = 1e15  # far beyond any real figure; keeps arithmetic on values finite

INDICATOR_VALUES = LayerSpec(
    name="indicator_values",
    title="Indikatorwerte",
    title_en="Indicator values",
    geometry_type=None,
    schema_version=1,
    fields=(
        OWNER,
        FieldSpec("indicator", "string", "Indikator", "Indicator", required=True, max_length=60),
        FieldSpec("unit", "string", "Raumeinheit (Schlüssel)", "Spatial unit (key)", required=True, max_length=40),
        FieldSpec("level", "string", "Raumebene", "Spatial level", max_length=40),
        FieldSpec("year", "integer", "Jahr", "Year", required=True, minimum=1990, maximum=9999),
        FieldSpec("value", "number", "Wert", "Value", required=True, minimum=-VALUE_LIMIT, maximum=VALUE_LIMIT),
        FieldSpec("numerator", "number", "Zähler", "Numerator", minimum=-VALUE_LIMIT, maximum=VALUE_LIMIT),
        FieldSpec("denominator", "number", "Nenner", "Denominator", minimum=-VALUE_LIMIT, maximum=VALUE_LIMIT),
        FieldSpec("provisional", "boolean", "Vorläufig", "Provisional"),
        FieldSpec("estimated", "boolean", "Geschätzt", "Estimated"),
        FieldSpec("series_break", "boolean", "Bruch in der Zeitreihe", "Break in the series"),
        FieldSpec("note", "text", "Anmerkung", "Note", max_length=1000),
    ),
    raw_public=False,
)

LAYERS: dict[str, LayerSpec] = {spec.name: spec for spec in (INSTITUTIONS, SPATIAL_UNITS, INDICATOR_VALUES)}


def _check_value(spec: FieldSpec, value: Any) -> tuple[Any, FieldError | None]:
    """Return the cleaned value, or the reason it is refused."""
    if value is None or (isinstance(value, str) and value.strip() == "" and spec.type != "text"):
        if spec.required:
            return None, FieldError(spec.name, "required")
        return None, None
    if spec.type in ("string", "text"):
        if not isinstance(value, str):
            return None, FieldError(spec.name, "wrong_type", {"expected": "text"})
        value = value.strip() if spec.type == "string" else value
        if len(value) > spec.max_length:
            return None, FieldError(spec.name, "too_long", {"max": spec.max_length})
        return value, None
    if spec.type == "integer" or spec.type == "number":
        ok_types = (int,) if spec.type == "integer" else (int, float)
        if isinstance(value, bool) or not isinstance(value, ok_types):
            if spec.type == "integer" and isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                return None, FieldError(spec.name, "wrong_type", {"expected": spec.type})
        if isinstance(value, float) and not math.isfinite(value):  # JSON readers accept NaN and Infinity
            return None, FieldError(spec.name, "wrong_type", {"expected": spec.type})
        if (spec.minimum is not None and value < spec.minimum) or (
            spec.maximum is not None and value > spec.maximum
        ):
            return None, FieldError(spec.name, "out_of_range", {"min": spec.minimum, "max": spec.maximum})
        return value, None
    if spec.type == "boolean":
        if not isinstance(value, bool):
            return None, FieldError(spec.name, "wrong_type", {"expected": "boolean"})
        return value, None
    if spec.type == "date":
        if not isinstance(value, str):
            return None, FieldError(spec.name, "wrong_type", {"expected": "date"})
        try:
            return date.fromisoformat(value[:10]).isoformat(), None
        except ValueError:
            return None, FieldError(spec.name, "bad_date", {"value": value})
    raise ValueError(f"unknown field type {spec.type}")  # a programming error in LAYERS


#: Marks a value a column's fast check leaves to the field's full check (:func:`_check_value`).
_UNDECIDED = object()


def _column_checker(spec: FieldSpec) -> Callable[[list[Any]], list[Any]]:
    """The common case of :func:`_check_value` for a whole column of ``spec``'s values in one comprehension:
    the cleaned value where that case decides (an optional field left out: None), :data:`_UNDECIDED`
    where the field's full check must decide and word the problem. It accepts exactly what the full
    check accepts unchanged (a test holds the two to the same answers), so the check of a bulk push
    pays one comprehension per field instead of a call per value."""
    left_out = _UNDECIDED if spec.required else None  # a required field left out: the full check says so
    undecided = _UNDECIDED
    max_length = spec.max_length
    low = -math.inf if spec.minimum is None else spec.minimum
    high = math.inf if spec.maximum is None else spec.maximum
    if spec.type == "string":
        def strings(column: list[Any]) -> list[Any]:
            return [text if v.__class__ is str and (text := v.strip()) and len(text) <= max_length
                    else left_out if v is None else undecided for v in column]

        return strings
    if spec.type == "text":
        def texts(column: list[Any]) -> list[Any]:
            return [v if v.__class__ is str and len(v) <= max_length else left_out if v is None else undecided
                    for v in column]

        return texts
    if spec.type == "integer":
        def integers(column: list[Any]) -> list[Any]:
            return [v if v.__class__ is int and low <= v <= high else left_out if v is None else undecided
                    for v in column]

        return integers
    if spec.type == "number":
        def numbers(column: list[Any]) -> list[Any]:  # v - v == 0: not inf, not NaN
            return [v if ((cls := v.__class__) is float or cls is int) and low <= v <= high and v - v == 0
                    else left_out if v is None else undecided for v in column]

        return numbers
    if spec.type == "boolean":
        def booleans(column: list[Any]) -> list[Any]:
            return [v if v.__class__ is bool else left_out if v is None else undecided for v in column]

        return booleans

    def others(column: list[Any]) -> list[Any]:
        return [left_out if v is None else undecided for v in column]

    return others


def columns_of(rows: Sequence[Mapping[str, Any]], names: Sequence[str]) -> list[list[Any]]:
    """The column of each of ``names`` over ``rows`` (None where a row lacks the key). Rows that all have
    the keys of the first (the rows of an upload, most pushes) are read by one ``itemgetter`` per row
    instead of a lookup per field and row."""
    keys = list(rows[0]) if rows else []
    if keys and len(set(map(len, rows))) == 1:
        try:  # every row has the first row's keys and no more
            read = list(map(itemgetter(*keys), rows))
        except KeyError:
            read = None
        if read is not None:
            found = {keys[0]: read} if len(keys) == 1 else dict(zip(keys, map(list, zip(*read, strict=True)),
                                                                    strict=True))
            return [found[name] if name in found else [None] * len(rows) for name in names]
    return [[row.get(name) for row in rows] for name in names]


def clean_properties(layer: LayerSpec, properties: Any, catalogue: Catalogue) -> tuple[dict, list[FieldError]]:
    """Check a feature's properties against the layer schema and the catalogue.

    Returns the cleaned properties (without ``owner``, which the caller resolves) and every problem
    found, so the client sees all of them at once. The column of one row of :func:`clean_properties_many`.
    """
    return clean_properties_many(layer, [properties], catalogue)[0]


def clean_properties_many(layer: LayerSpec, rows: Sequence[Any], catalogue: Catalogue,
                          ) -> list[tuple[dict, list[FieldError]]]:
    """:func:`clean_properties` of every feature's properties in ``rows``, worked a column at a time:
    each field's check runs over the column of that field's values (:func:`_column_checker`, the full
    check only for what it leaves undecided), unknown fields are looked for only in rows whose keys are
    not all known, catalogue choices, rules and formats are judged per distinct value. A push checks
    its changes so, a part of 5,000 at a time.

    Per row the same cleaned properties (keys in the layer's order) and the same problems in the same
    order as one row alone: unknown fields (in the row's order), then the fields' problems (in the
    layer's order), then choices, rules and formats (:func:`_check_rules`)."""
    at = [i for i, row in enumerate(rows) if isinstance(row, dict)]
    filled_below: tuple[dict, list[FieldError]] = ({}, [])
    results = [filled_below if isinstance(row, dict) else ({}, [FieldError("properties", "wrong_type",
                                                                           {"expected": "object"})]) for row in rows]
    dicts: list[dict] = [rows[i] for i in at]
    errors: list[list[FieldError]] = [[] for _row in dicts]
    known = layer._by_name.keys()
    for n, row in enumerate(dicts):
        if not row.keys() <= known:
            errors[n].extend(FieldError(name, "unknown_field") for name in row if name not in known)
    names = [spec.name for spec in layer.checked_fields]
    columns: list[list[Any]] = []
    for given, spec, column_check in zip(
            columns_of(dicts, names), layer.checked_fields, layer.column_checkers, strict=True):
        column = column_check(given)
        if _UNDECIDED in column:
            for n, value in enumerate(column):
                if value is _UNDECIDED:
                    column[n], error = _check_value(spec, given[n])
                    if error:
                        errors[n].append(error)
        columns.append(column)
    _check_rules(layer, dict(zip(names, columns, strict=True)), catalogue, errors)
    cleaned = [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)] if columns else [
        {} for _row in dicts]
    for i, props, problems in zip(at, cleaned, errors, strict=True):
        results[i] = (props, problems)
    return results


def _check_rules(layer: LayerSpec, columns: dict[str, list[Any]], catalogue: Catalogue,
                 errors: list[list[FieldError]]) -> None:
    """Catalogue choices, the layer's cross-field rules and the fields' formats, as declared, over the
    columns of cleaned values (field name -> a value per row); each row's problems are added to its list
    in ``errors`` in that order. Each distinct value (or pair) is judged once."""
    for spec in layer.choice_fields:
        column = columns[spec.name]
        table = _choice_table(catalogue, spec.choices)
        unknown = {value for value in set(column) if value is not None and value not in table}
        if unknown:
            for n, value in enumerate(column):
                if value in unknown:
                    errors[n].append(FieldError(spec.name, "unknown_choice", {"value": value}))
    for rule in layer.rules:
        _check_rule(layer, rule, columns, catalogue, errors)
    for spec in layer.format_fields:
        column = columns[spec.name]
        fmt = FORMATS[spec.format]
        bad = {value for value in set(column) if isinstance(value, str) and value and not fmt.regex.match(value)}
        if bad:
            for n, value in enumerate(column):
                if value in bad:
                    errors[n].append(FieldError(spec.name, fmt.code, {"value": value}))


def _choice_table(catalogue: Catalogue, name: str) -> Mapping[str, Any]:
    return {"categories": catalogue.categories, "subcategories": catalogue.subcategories,
            "levels": catalogue.levels}[name]


def _check_rule(layer: LayerSpec, rule: Rule, columns: dict[str, list[Any]], catalogue: Catalogue,
                errors: list[list[FieldError]]) -> None:
    """One cross-field rule over the columns; a rule with an empty field holds (required fields are
    checked apart). Each distinct pair of values is judged once."""
    pairs = list(zip(columns[rule.fields[0]], columns[rule.fields[1]], strict=True))
    if rule.kind == "not_greater":
        def broken(a: Any, b: Any) -> FieldError | None:
            if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a > b:
                return FieldError(rule.field, rule.code)
            return None
    elif rule.kind == "parent_choice":
        spec = layer.field(rule.fields[0])
        known = _choice_table(catalogue, spec.choices) if spec is not None and spec.choices else {}

        def broken(a: Any, b: Any) -> FieldError | None:
            entry = known.get(a)
            if isinstance(entry, tuple) and entry[0] != b:
                return FieldError(rule.field, rule.code, {"value": a, "category": b})
            return None
    else:
        raise ValueError(f"unknown rule kind {rule.kind}")  # a programming error in LAYERS
    bad = {pair for pair in set(pairs) if pair[0] is not None and pair[1] is not None and broken(*pair)}
    if bad:
        for n, pair in enumerate(pairs):
            if pair in bad:
                error = broken(*pair)
                if error is not None:
                    errors[n].append(error)
