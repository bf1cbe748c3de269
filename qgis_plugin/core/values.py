"""Value normalisation: one canonical form for a property, whoever wrote it.

QGIS, GDAL, the server and other programs that edit the working copy each spell the same value
their own way (0/1 or true/false, 3 or 3.0, '' or NULL). Change detection (:mod:`.workcopy`)
compares the canonical forms made here, so rewriting a value in another spelling is no change.
Nothing here knows about files or SQL beyond the value a column stores.
"""

from __future__ import annotations

import json
import math
import re
import uuid as uuidlib
from typing import Any

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def normalise_value(field_type: str, value: Any) -> Any:
    """The canonical JSON value of one property, so equal values compare equal.

    QGIS, GDAL and the server each have their own habits (0/1 or true/false for booleans, 3 or 3.0
    for numbers, '' or NULL for an emptied text field); rewriting the same value in any of these
    spellings must not count as a change. Values that do not fit the type are passed through for
    the server to judge.
    """
    if value is None:
        return None
    if isinstance(value, (bytes, memoryview)):
        value = bytes(value).decode("utf-8", errors="replace")
    if field_type in ("string", "text"):
        text = value if isinstance(value, str) else _to_text(value)
        return text if text != "" else None
    if isinstance(value, str):
        stripped = value.strip()
        if stripped == "":
            return None
        value = stripped
    if field_type == "integer":
        try:
            number = float(value) if isinstance(value, str) else value
            if isinstance(number, bool):
                return int(number)
            if isinstance(number, (int, float)) and math.isfinite(number) and float(number).is_integer():
                return int(number)
        except ValueError:
            pass
        return value
    if field_type == "number":
        try:
            number = float(value) if not isinstance(value, bool) else float(int(value))
            return number if math.isfinite(number) else value
        except (TypeError, ValueError):
            return value
    if field_type == "boolean":
        if isinstance(value, (bool, int, float)):
            return bool(value)
        lowered = str(value).lower()
        if lowered in ("true", "t", "1", "yes", "ja"):
            return True
        if lowered in ("false", "f", "0", "no", "nein"):
            return False
        return value
    if field_type == "date":
        text = str(value)
        return text[:10] if _DATE_RE.match(text) else text
    return value


def _to_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_sqlite(field_type: str, value: Any) -> Any:
    """A normalised value as stored in the GeoPackage column."""
    if value is None:
        return None
    if field_type == "boolean" and isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def canonical_uuid(value: Any) -> str | None:
    """The lowercase hyphenated form of a uuid (QGIS's uuid() adds braces), None if not a uuid."""
    if value is None:
        return None
    try:
        return str(uuidlib.UUID(str(value).strip()))
    except ValueError:
        return None



def comparable(value: Any) -> Any:
    """Values as JSON would see them: 1 == 1.0, True stays distinct from 1."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return float(value)
    return value


def dumps(value: Any) -> str:
    """Compact JSON with sorted keys: the stored form of bookkeeping values (equal values, equal text)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
