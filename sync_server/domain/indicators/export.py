"""Downloads of one indicator view: CSV (German Excel), XLSX and GeoJSON of what the expert map shows.

A download is exactly the public answer of :func:`.public.indicator_values` for one indicator, level and
year (or all years), so it goes through the one path that applies aggregation and confidentiality: a
withheld value is an empty cell (``null`` in GeoJSON) marked "nicht ausgewiesen (Geheimhaltung)",
never the number. A unit of the level that has a value in some year but not in this one is listed as
"kein Wert", as the map draws it grey.

Every file carries what a reader needs to cite and judge the figures: indicator, definition, unit,
formula, level, year, source, licence (the catalogue's ``copyright``), the confidentiality rule, the
stand (the latest publication of a value of this indicator) and the day of the download. The CSV
follows German Excel: UTF-8 with BOM, semicolons, decimal comma, the numbers rounded to the
indicator's decimals like the map; the XLSX has the table on its first sheet (numbers as numbers, for
pivot tables) and the notes on a second; the GeoJSON (RFC 7946, WGS84) has one feature per unit with
its area and the notes as foreign members.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import messages
from ...storage.models import SpatialLevel
from ..errors import FieldError, Invalid, NotFound
from ..geometry import WEB_CRS
from ..geometry import to_geojson as geometry_json
from .catalogue import indicator_view
from .provision import unit_areas
from .public import indicator_values, stand

if TYPE_CHECKING:
    from ..context import AtlasContext

FORMATS = ("csv", "xlsx", "geojson")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "geojson": "application/geo+json"}
FLAG_NOTES = ("provisional", "estimated", "series_break", "computed", "incomplete")


@dataclass
class ExportRow:
    """One unit (and year) as the map shows it; ``value`` is None when withheld or missing."""

    key: str
    name: str
    year: int
    value: float | None
    status: str  # "value" | "suppressed" | "missing"
    notes: list[str] = field(default_factory=list)


@dataclass
class Export:
    """A download before it is written: the notes (label, text) and the rows, in the reader's language."""

    indicator: str
    level: str
    year: int | None
    decimals: int
    language: str
    notes: list[tuple[str, str, str]]  # (key, label, text), e.g. ("source", "Quelle", "LSN ...")
    rows: list[ExportRow]

    def filename(self, fmt: str) -> str:
        return f"familienatlas_{self.indicator}_{self.level}_{self.year or 'alle-jahre'}.{fmt}"


def _text(code: str, language: str, **params: Any) -> str:
    return messages.text(f"export.{code}", params, language)


def _named(kind: str, key: str, language: str) -> str | None:
    """The name of a known unit of measure or level, None for one the texts do not know."""
    code = f"{kind}.{key}"
    named = _text(code, language)
    return None if named == f"export.{code}" else named


def _level_name(session: Session, level: str, language: str) -> str:
    """The level's name; a level the admin created is named as stored."""
    return _named("level", level, language) or session.scalar(
        select(SpatialLevel.name).where(SpatialLevel.key == level)) or level


def build(ctx: AtlasContext, key: str, *, level: str | None, year: int | None, language: str) -> Export:
    """The rows and notes of one indicator, level and year (all years when None), as the public sees them."""
    session, catalogue = ctx.session, ctx.indicators
    ind = catalogue.indicators.get(key)
    if ind is None:
        raise NotFound("indicator_not_found", key=key)
    level = level or (ind.levels[0] if ind.levels else "")
    answer = indicator_values(ctx, key, level=level)  # refuses a level the atlas does not have
    if year is not None and year not in answer.years:
        years = ", ".join(map(str, answer.years)) or "-"
        raise Invalid("invalid_query", errors=[FieldError("year", "no_values_in_year",
                                                          {"value": year, "years": years})])
    view = indicator_view(ctx, key)
    lang_suffix = "en" if language == "en" else "de"
    names = {e.unit: e.name for e in answer.values}
    rows: list[ExportRow] = []
    shown = {(e.unit, e.year): e for e in answer.values if year is None or e.year == year}
    for (unit, y), entry in sorted(shown.items(), key=lambda item: (item[0][1], names[item[0][0]], item[0][0])):
        if entry.suppressed:
            rows.append(ExportRow(unit, entry.name, y, None, "suppressed", [_text("suppressed", language)]))
            continue
        notes = [_text(f"flag.{flag}", language) for flag in FLAG_NOTES if getattr(entry, flag)]
        if entry.note:
            notes.append(str(entry.note))
        value = entry.value
        rows.append(ExportRow(unit, entry.name, y, value, "value" if value is not None else "missing",
                              notes if value is not None else [_text("missing", language), *notes]))
    if year is not None:  # the units the map draws grey: a value in another year, none in this one
        for unit in sorted(set(names) - {u for u, _y in shown}, key=lambda u: (names[u], u)):
            rows.append(ExportRow(unit, names[unit], year, None, "missing", [_text("missing", language)]))
    part_names = {k: (v.name_en if language == "en" else v.name_de) or k for k, v in catalogue.indicators.items()}
    found_stand = stand(session, key)
    notes = [
        ("indicator", (getattr(view, f"name_{lang_suffix}") or view.name_de or key)),
        ("key", key),
        ("definition", getattr(view, f"definition_{lang_suffix}") or view.definition_de or ""),
        ("unit", _named("unit", ind.unit, language) or ind.unit),
        ("formula", _text("formula_text", language, numerator=part_names.get(ind.numerator, ind.numerator),
                          denominator=part_names.get(ind.denominator, ind.denominator))
         if ind.numerator and ind.denominator else ""),
        ("level", _level_name(session, level, language)),
        ("year", str(year) if year is not None else _text("all_years", language)),
        ("source", view.source or _text("not_stated", language)),
        ("licence", view.copyright or _text("not_stated", language)),
        ("confidentiality", _text("confidentiality_text", language, min_count=ind.min_count,
                                  min_denominator=_number_text(ind.min_denominator, 0, language))),
        ("stand", _date_text(found_stand, language) if found_stand else ""),
        ("retrieved", _date_text(date.today(), language)),
        ("publisher", _text("publisher_text", language)),
    ]
    return Export(key, level, year, ind.decimals, language,
                  [(name, _text(f"note.{name}", language), text) for name, text in notes if text], rows)


def _date_text(day: date, language: str) -> str:
    return day.isoformat() if language == "en" else day.strftime("%d.%m.%Y")


def _number_text(value: float, decimals: int, language: str) -> str:
    """The number as the map shows it, without thousands separators (Excel reads "1234,5" as a number)."""
    text = f"{value:.{decimals}f}"
    return text if language == "en" else text.replace(".", ",")


def _header(export: Export) -> list[str]:
    return [_text(f"col.{c}", export.language) for c in ("key", "name", "year", "value", "note")]


# --- the formats ---------------------------------------------------------------------------------------


def to_csv(export: Export) -> bytes:
    """German Excel CSV (English: comma-free numbers with a point, still semicolons): notes, a blank
    line, then the table."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for _key, label, text in export.notes:
        writer.writerow([label, text])
    writer.writerow([])
    writer.writerow(_header(export))
    for row in export.rows:
        value = "" if row.value is None else _number_text(row.value, export.decimals, export.language)
        writer.writerow([row.key, row.name, row.year, value, "; ".join(row.notes)])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(export: Export) -> bytes:
    """The table on the first sheet (numbers as numbers in the indicator's decimals), the notes on the second."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _text("sheet.data", export.language)
    sheet.append(_header(export))
    number_format = "0" if export.decimals <= 0 else "0." + "0" * export.decimals
    for row in export.rows:
        sheet.append([row.key, row.name, row.year, row.value, "; ".join(row.notes)])
        sheet.cell(row=sheet.max_row, column=4).number_format = number_format
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDE", (16, 34, 8, 12, 44), strict=True):
        sheet.column_dimensions[column].width = width
    about = book.create_sheet(_text("sheet.notes", export.language))
    for _key, label, text in export.notes:
        about.append([label, text])
        about.cell(row=about.max_row, column=1).font = Font(bold=True)
        about.cell(row=about.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 100
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def to_geojson(ctx: AtlasContext, export: Export) -> dict[str, Any]:
    """The units with their areas (WGS84) and values; the notes as members of the collection."""
    areas = {a.key: a.geometry for a in unit_areas(ctx.session)}
    features = []
    for row in export.rows:
        features.append({
            "type": "Feature", "id": f"{row.key}_{row.year}",
            "geometry": geometry_json(areas[row.key], WEB_CRS) if row.key in areas else None,
            "properties": {"unit": row.key, "name": row.name, "level": export.level, "year": row.year,
                           "value": row.value, "suppressed": row.status == "suppressed",
                           "note": "; ".join(row.notes) or None}})
    return {"type": "FeatureCollection", "name": export.filename("geojson")[:-8],
            "indicator": export.indicator, "level": export.level, "year": export.year,
            "notes": [{"key": key, "label": label, "text": text} for key, label, text in export.notes],
            "features": features}
