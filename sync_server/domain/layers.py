"""The sync layers and their schemas; the server owns them and serves them to clients.

A client on another schema version is told so instead of uploading rows the server would
misread. Bump a layer's ``schema_version`` whenever its fields change.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from .errors import FieldError

FIELD_TYPES = ("string", "text", "integer", "number", "boolean", "date")


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

    @cached_property
    def _by_name(self) -> dict[str, FieldSpec]:
        return {f.name: f for f in self.fields}

    def field(self, name: str) -> FieldSpec | None:
        """By name, without a walk through the fields: a push of 100,000 values asks 1,000,000 times."""
        return self._by_name.get(name)


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
    schema_version=1,
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
        FieldSpec("email", "string", "E-Mail", "E-mail"),
        FieldSpec("website", "string", "Website", "Website", max_length=500),
        FieldSpec("opening_hours", "string", "Öffnungszeiten", "Opening hours", max_length=500),
        FieldSpec("target_groups", "string", "Zielgruppen", "Target groups", max_length=500),
        FieldSpec("age_min", "integer", "Alter von", "Age from", minimum=0, maximum=120),
        FieldSpec("age_max", "integer", "Alter bis", "Age to", minimum=0, maximum=120),
        FieldSpec("languages", "string", "Sprachen", "Languages", max_length=500),
        FieldSpec("accessibility", "string", "Barrierefreiheit", "Accessibility", max_length=500),
        FieldSpec("description", "text", "Beschreibung", "Description", max_length=5000),
        FieldSpec("last_checked", "date", "Zuletzt geprüft", "Last checked"),
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

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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


def clean_properties(layer: LayerSpec, properties: Any, catalogue: Catalogue) -> tuple[dict, list[FieldError]]:
    """Check a feature's properties against the layer schema and the catalogue.

    Returns the cleaned properties (without ``owner``, which the caller resolves) and every problem
    found, so the client sees all of them at once.
    """
    if not isinstance(properties, dict):
        return {}, [FieldError("properties", "wrong_type", {"expected": "object"})]
    errors: list[FieldError] = []
    cleaned: dict[str, Any] = {}
    for name in properties:
        if layer.field(name) is None:
            errors.append(FieldError(name, "unknown_field"))
    for spec in layer.fields:
        if spec.name == "owner":
            continue
        value, error = _check_value(spec, properties.get(spec.name))
        if error:
            errors.append(error)
        cleaned[spec.name] = value
    errors.extend(_check_rules(layer, cleaned, catalogue))
    return cleaned, errors


def _check_rules(layer: LayerSpec, props: dict[str, Any], catalogue: Catalogue) -> list[FieldError]:
    """Rules across fields and against the catalogue."""
    errors: list[FieldError] = []
    for spec in layer.fields:
        value = props.get(spec.name)
        if value is None or spec.choices is None:
            continue
        known = {"categories": catalogue.categories, "subcategories": catalogue.subcategories,
                 "levels": catalogue.levels}[spec.choices]
        if value not in known:
            errors.append(FieldError(spec.name, "unknown_choice", {"value": value}))
    if layer is INSTITUTIONS:
        sub, cat = props.get("subcategory"), props.get("category")
        if sub in catalogue.subcategories and cat and catalogue.subcategories[sub][0] != cat:
            errors.append(FieldError("subcategory", "subcategory_mismatch", {"value": sub, "category": cat}))
        lo, hi = props.get("age_min"), props.get("age_max")
        if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
            errors.append(FieldError("age_max", "age_range"))
        email = props.get("email")
        if email and not _EMAIL.match(email):
            errors.append(FieldError("email", "bad_email", {"value": email}))
        website = props.get("website")
        if website and not website.startswith(("http://", "https://")):
            errors.append(FieldError("website", "bad_url", {"value": website}))
    return errors
