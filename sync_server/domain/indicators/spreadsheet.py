"""Indicator values from a spreadsheet, as German offices really export them (pure: bytes in, rows out).

The upload reads what a municipality's GIS person or a statistics office hands over: CSV with a
semicolon and decimal commas in Windows-1252, Excel files with a title above the table and a totals
row below it, one row per unit and year (*long*) or the years as columns (*wide*). This module turns
such a file into :class:`RawRow` values and a list of what it skipped and why; matching units and
indicators and every rule about values is :mod:`.upload`'s job.

Parsing is left to libraries: pandas' C parser for CSV (the standard library's ``csv`` only sniffs the
separator on a sample) and python-calamine for XLSX, with openpyxl asked only when a workbook holds
formulas whose results were never saved. A file that cannot be read at all raises
:class:`SpreadsheetError`; a cell that cannot be read marks its row with a ``problem`` code, so the
person gets every problem of the file in one report instead of one at a time.

Symbols of German official statistics (the "Zeichenerklärung" of the statistical offices):

- ``-`` (also ``–``, ``—``): "nichts vorhanden", exactly zero; read as 0 and shown as such in the report.
- ``.``, ``...``, ``…``, ``x``, ``/``, ``X``: unknown, secret, not sensible or not reliable; no value
  (the cell is skipped and reported, nothing is written for it), as are ``k.A.``, ``n.v.``, ``NA``.
- A letter after a number: ``p`` provisional (vorläufig), ``s`` estimated (geschätzt), ``r`` corrected
  (berichtigt, kept as a plain value): ``1.234 p`` is 1234, provisional.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache, cached_property
from typing import Any

from ..errors import DomainError
from .values import FLAGS

MAX_BYTES = 20 * 1024 * 1024  # the server's default body limit; the upload passes its own
_UNZIP_FACTOR = 20            # an XLSX's unpacked parts may be this many times the file (a zip bomb is refused)
_HEADER_SCAN = 50             # the header must be among the first rows
_YEARS = (1900, 2100)         # what a year column may hold here; the upload applies the catalogue's range



@dataclass(frozen=True, slots=True)
class RawRow:
    """One value as the file states it: nothing matched or checked yet beyond reading the cells."""

    source: str                            # "Zeile 7" (CSV) / "Tabelle1!C7" (XLSX): where the person finds it
    unit: str                              # key or name as written (the key when the file has both)
    indicator: str | None                  # from a column, else None (the upload names it)
    year: int | None
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    flags: frozenset[str] = frozenset()    # provisional, estimated, series_break
    note: str | None = None
    problem: str | None = None             # a row-level code: not_a_number, not_a_year, ...
    line: int = 0                          # row number in the file or sheet (1-based), for any language
    unit_name: str | None = None           # the name column, when the file has a key column too
    symbol: str | None = None              # the statistics symbol the value was read from ("-" -> 0)
    column: str | None = None              # the header of the cell ``problem`` is about


@dataclass(frozen=True)
class Table:
    """What was read from the file, and what was left out on purpose."""

    rows: list[RawRow]
    layout: str                            # long | wide
    skipped: list[tuple[str, str]]         # (source, reason): title rows, blank rows, totals rows
    format: str = "csv"                    # csv | xlsx
    sheet: str | None = None
    encoding: str | None = None
    separator: str | None = None
    decimal: str = ","
    header: str = ""                       # where the header row is ("Zeile 3")
    columns: dict[str, str] = field(default_factory=dict)   # role -> header as written
    ignored_columns: tuple[str, ...] = ()  # headers no role was recognised for


_STATUS = {"too_large": 413, "too_many_rows": 413, "unknown_format": 415}


class SpreadsheetError(DomainError):
    """The file as a whole cannot be read; ``code`` says why, ``params`` what the message needs.

    Codes: empty, unknown_format, unreadable, no_header, sheet_not_found, too_many_rows, too_large,
    formulas_without_values, merged_cells.
    """

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code=code, params=params, status=_STATUS.get(code, 422))


# --- header names ---------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, umlauts spelled out, accents and everything but letters and digits gone:
    "Gemeinde-Schlüssel" and "gemeindeschluessel" are the same header."""
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", text)


_ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "key": ("schluessel", "ags", "ars", "gemeindeschluessel", "amtlichergemeindeschluessel", "regionalschluessel",
            "amtlicherregionalschluessel", "kennziffer", "gemeindekennziffer", "gebietskennziffer", "gkz",
            "gebietsschluessel", "schluesselnummer", "raumeinheitschluessel", "ortsteilschluessel", "key",
            "unitkey", "unit", "code", "regionalcode", "municipalitykey", "areakey"),
    "name": ("gebiet", "name", "ortsteil", "gemeinde", "kommune", "gebietsname", "bezeichnung", "raumeinheit",
             "stadtteil", "samtgemeinde", "mitgliedsgemeinde", "gemeindename", "ortsteilname", "region", "area",
             "municipality", "district", "unitname", "raum", "gebietseinheit", "ort", "stadt"),
    "indicator": ("indikator", "indicator", "indikatorschluessel", "kennzahl", "merkmal", "indicatorkey",
                  "variable"),
    "year": ("jahr", "year", "berichtsjahr", "stichtag", "erhebungsjahr", "bezugsjahr", "jahrstichtag",
             "referenceyear"),
    "value": ("wert", "value", "anzahl", "betrag", "quote", "anteil", "indikatorwert", "count"),
    "numerator": ("zaehler", "numerator"),
    "denominator": ("nenner", "denominator", "bezugsgroesse"),
    "provisional": ("vorlaeufig", "provisional", "vorl"),
    "estimated": ("geschaetzt", "estimated", "schaetzung", "schaetzwert"),
    "series_break": ("bruch", "zeitreihenbruch", "reihenbruch", "seriesbreak", "break", "strukturbruch"),
    "note": ("anmerkung", "anmerkungen", "note", "notes", "hinweis", "bemerkung", "fussnote", "kommentar",
             "comment", "erlaeuterung"),
}
_ROLE_OF = {alias: role for role, aliases in _ROLE_NAMES.items() for alias in aliases}
# Later columns of the same role are the finer ones ("Gemeinde | Ortsteil"): the unit is the last.
_LAST_WINS = ("key", "name")


def _role(header: Any) -> str | None:
    if not isinstance(header, str):
        return None
    text = re.sub(r"\(.*?\)|\[.*?\]", "", header)  # "Wert (%)", "Jahr [JJJJ]"
    return _ROLE_OF.get(fold(text))


def _header_year(header: Any) -> int | None:
    """A column header that is a year (wide layout): 2019, "2019", 2019.0."""
    if isinstance(header, bool):
        return None
    if isinstance(header, int | float) and float(header).is_integer():
        year = int(header)
    elif isinstance(header, str) and re.fullmatch(r"\s*\d{4}(\.0)?\s*", header):
        year = int(float(header))
    else:
        return None
    return year if _YEARS[0] <= year <= _YEARS[1] else None


# --- cells ------------------------------------------------------------------------------------------------

_NO_VALUE = {".", "..", "...", "…", "x", "/", "k.a.", "ka", "n.v.", "nv", "na", "n/a", "#nv", "#n/a", "—/—"}
_ZERO = {"-", "–", "—", "−"}
_SUFFIX_FLAGS = {"p": "provisional", "s": "estimated", "r": None}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_DE_NUMBER = re.compile(r"-?(?:\d{1,3}(?:\.\d{3})+|\d*)(?:,\d+)?")
_EN_NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?")
_PLAIN_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_SUFFIX = re.compile(r"(.*\d)\s*([psr])", re.IGNORECASE)


def _blank(cell: Any) -> bool:
    cls = cell.__class__
    if cls is str:
        return not cell or cell.isspace()
    return cell is None or (cls is float and cell != cell)  # NaN


def _text(cell: Any) -> str:
    if cell.__class__ is float and cell.is_integer():
        return str(int(cell))  # a key Excel stored as a number: 3459024.0 -> "3459024"
    return str(cell).strip()


def _parse_number(text: str, decimal: str) -> float | None:
    text = _SPACES.sub("", text).replace("−", "-").lstrip("+").removesuffix("%")
    if not text or not any(ch.isdigit() for ch in text):
        return None
    if decimal == "," and _DE_NUMBER.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    elif decimal == "." and _EN_NUMBER.fullmatch(text):
        text = text.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(text):
        return None  # "12,5" in a decimal-point file, "1.234,5.6", "ca. 12"
    number = float(text)
    return number if math.isfinite(number) else None


# A read number cell: (value, symbol, flags, problem). Tuples, not objects: there are 100,000 of them.
_Number = tuple[float | None, str | None, frozenset[str], str | None]
_NO_FLAGS: frozenset[str] = frozenset()
_EMPTY: _Number = (None, None, _NO_FLAGS, None)


def _number(cell: Any, decimal: str) -> _Number:
    """A number cell: a number, a statistics symbol, a number with a flag letter, or a problem."""
    cls = cell.__class__
    if cls is float:
        return _EMPTY if cell != cell else (cell, None, _NO_FLAGS, None) if math.isfinite(cell) else (
            None, None, _NO_FLAGS, "not_a_number")
    if cls is str:
        text = cell.strip()
        if not text:
            return _EMPTY
        # The common cells, "1234" and "12,5" (or "12.5"), without the regular expressions below.
        other = "." if decimal == "," else ","
        if other not in text and "_" not in text:
            try:
                number = float(text.replace(",", ".") if decimal == "," else text)
            except ValueError:
                pass
            else:
                if math.isfinite(number):
                    return (number, None, _NO_FLAGS, None)
        return _number_text(text, decimal)
    if cell is None:
        return _EMPTY
    if isinstance(cell, bool):
        return (None, None, _NO_FLAGS, "not_a_number")
    if isinstance(cell, int | float):
        return (float(cell), None, _NO_FLAGS, None) if math.isfinite(cell) else (
            None, None, _NO_FLAGS, "not_a_number")
    if isinstance(cell, datetime | date | time | timedelta):
        return (None, None, _NO_FLAGS, "date_not_number")  # Excel made "12.5" into the 12th of May
    return _number_text(str(cell).strip(), decimal)


def _number_text(text: str, decimal: str) -> _Number:
    folded = text.lower()
    if folded in _ZERO:
        return (0.0, text, _NO_FLAGS, None)
    if folded in _NO_VALUE:
        return (None, text, _NO_FLAGS, None)
    if text.startswith("#"):
        return (None, None, _NO_FLAGS, "formula_error")  # #DIV/0!, #WERT!, #BEZUG!
    number = _parse_number(text, decimal)
    if number is not None:
        return (number, None, _NO_FLAGS, None)
    suffix = _SUFFIX.fullmatch(text)
    if suffix:
        number = _parse_number(suffix.group(1), decimal)
        if number is not None:
            flag = _SUFFIX_FLAGS[suffix.group(2).lower()]
            return (number, suffix.group(2), frozenset([flag]) if flag else _NO_FLAGS, None)
    return (None, None, _NO_FLAGS, "not_a_number")


def _year(cell: Any) -> tuple[int | None, str | None]:
    """The year of a cell: 2020, "2020", 2020.0, a date ("31.12.2020", the Stichtag), or a problem."""
    cls = cell.__class__
    if cls is float and cell.is_integer() and _YEARS[0] <= cell <= _YEARS[1]:
        return int(cell), None
    if cls is str and len(cell) == 4 and cell.isdigit() and _YEARS[0] <= int(cell) <= _YEARS[1]:
        return int(cell), None
    if _blank(cell):
        return None, "no_year"
    if isinstance(cell, datetime | date):
        year: int | None = cell.year
    elif isinstance(cell, bool):
        year = None
    elif isinstance(cell, int | float):
        year = int(cell) if float(cell).is_integer() else None
    else:
        text = str(cell).strip()
        match = (re.fullmatch(r"(\d{4})(?:\.0)?", text) or re.fullmatch(r"\d{1,2}\.\d{1,2}\.(\d{4})", text)
                 or re.fullmatch(r"(\d{4})-\d{2}-\d{2}(?:[T ].*)?", text))
        year = int(match.group(1)) if match else None
    if year is None or not _YEARS[0] <= year <= _YEARS[1]:
        return None, "not_a_year"
    return year, None


_TRUE = {"x", "ja", "j", "yes", "y", "1", "true", "wahr", "p", "s", "vorlaeufig", "geschaetzt", "bruch"}
_FALSE = {"nein", "n", "no", "0", "false", "falsch", "-"}


def _flag(cell: Any) -> bool | None:
    """A yes/no cell; None when it is neither."""
    if _blank(cell):
        return False
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float):
        return {1: True, 0: False}.get(cell)  # type: ignore[call-overload]
    text = fold(str(cell)) or str(cell).strip()
    return True if text in _TRUE else False if text in _FALSE else None


_TOTALS = re.compile(r"(insgesamt|summe|gesamt|gesamtsumme|zusammen|total|totals|sum|alle)"
                     r"|.*\s(insgesamt|zusammen)|(summe|insgesamt|gesamt)\s.*")


def _is_totals(text: str) -> bool:
    return bool(_TOTALS.fullmatch(" ".join(text.lower().replace(":", " ").split())))


# --- the grid: rows of cells from either format -----------------------------------------------------------


@cache
def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class _Grid:
    rows: list[list[Any]]
    format: str
    sheet: str | None = None
    encoding: str | None = None
    separator: str | None = None
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    array: Any = None  # the same cells as a 2-D array (CSV: as pandas read them), to take columns from

    @cached_property
    def sheet_prefix(self) -> str:
        name = self.sheet or ""
        return f"'{name}'!" if re.search(r"[^\w]", name) else f"{name}!"

    def row_source(self, r: int) -> str:
        return f"Zeile {r + 1}" if self.format == "csv" else f"{self.sheet}, Zeile {r + 1}"

    def cell_source(self, r: int, c: int, header: str) -> str:
        if self.format == "csv":
            return f"Zeile {r + 1}, Spalte {header}" if header else f"Zeile {r + 1}"
        return f"{self.sheet_prefix}{_column_letter(c)}{r + 1}"


def _merged_refs(ranges: Iterable[tuple[tuple[int, int], tuple[int, int]]]) -> str:
    return ", ".join(f"{_column_letter(c0)}{r0 + 1}:{_column_letter(c1)}{r1 + 1}" for (r0, c0), (r1, c1) in ranges)


# --- CSV ----------------------------------------------------------------------------------------------------

_SEPARATORS = (";", "\t", ",", "|")


def _decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was in: a BOM decides; else UTF-8 if it decodes, else Windows-1252
    (what German Excel writes as "CSV (Trennzeichen-getrennt)"), else Latin-1, which reads any byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]  # Excel's "Unicode-Text"
    else:
        encodings = ["utf-8", "cp1252", "latin-1"]
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError("unreadable", reason="encoding")


def _sniff_separator(text: str) -> str | None:
    """The separator that splits the most sample lines into the same number (>1) of fields."""
    sample = text[:65536].splitlines()[:200]
    if len(text) > 65536:
        sample = sample[:-1]  # the cut may have split the last line
    best, best_score = None, 0
    for sep in _SEPARATORS:
        widths: dict[int, int] = {}
        for fields in csv.reader(sample, delimiter=sep):
            if len(fields) > 1:
                widths[len(fields)] = widths.get(len(fields), 0) + 1
        score = max(widths.values(), default=0)
        if score > best_score:
            best, best_score = sep, score
    return best


def _csv_grid(data: bytes, max_rows: int) -> _Grid:
    import pandas as pd

    text, encoding = _decode(data)
    if "\x00" in text:
        raise SpreadsheetError("unknown_format", found="binary")
    if not text.strip(" \t\r\n;,|\ufeff"):
        raise SpreadsheetError("empty")
    lines = text.count("\n") + 1
    if lines > max_rows + _HEADER_SCAN:
        raise SpreadsheetError("too_many_rows", limit=max_rows, count=lines)
    separator = _sniff_separator(text) or ";"
    sample_width = max((len(r) for r in csv.reader(text[:65536].splitlines()[:200], delimiter=separator)),
                       default=1)

    def read(width: int) -> Any:
        frame = pd.read_csv(io.StringIO(text), sep=separator, header=None, names=list(range(width)), dtype=str,
                            keep_default_na=False, na_filter=False, skip_blank_lines=False, engine="c",
                            quotechar='"')
        return frame.to_numpy(dtype=object)

    try:
        try:
            rows = read(sample_width)
        except pd.errors.ParserError:
            # A row further down is wider than the sample: measure all rows once, then read again.
            width = max((len(r) for r in csv.reader(io.StringIO(text), delimiter=separator)), default=1)
            rows = read(width)
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise SpreadsheetError("unreadable", reason=str(exc).strip()[:200]) from None
    return _Grid(rows.tolist(), "csv", encoding=encoding, separator=separator, array=rows)


# --- XLSX ---------------------------------------------------------------------------------------------------


def _xlsx_grids(data: bytes, sheet: str | None, max_bytes: int, max_rows: int) -> Iterable[_Grid]:
    """The sheets to look at: the one asked for, else every visible worksheet in order."""
    from python_calamine import CalamineWorkbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise SpreadsheetError("unreadable", reason=str(exc)[:200]) from None
    if unpacked > _UNZIP_FACTOR * max_bytes:
        raise SpreadsheetError("too_large", limit=max_bytes, size=unpacked)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [m.name for m in book.sheets_metadata
                 if str(m.typ).endswith("WorkSheet") and str(m.visible).endswith(".Visible")]
    except Exception as exc:  # noqa: BLE001 - calamine's errors have no common base worth naming
        raise SpreadsheetError("unreadable", reason=str(exc)[:200]) from None
    all_names = list(book.sheet_names)
    if sheet is not None:
        if sheet not in all_names:
            raise SpreadsheetError("sheet_not_found", sheet=sheet, sheets=", ".join(all_names))
        names = [sheet]
    for name in names:
        try:
            worksheet = book.get_sheet_by_name(name)
            if worksheet.height > max_rows + _HEADER_SCAN:
                raise SpreadsheetError("too_many_rows", limit=max_rows, count=worksheet.height)
            rows = worksheet.to_python(skip_empty_area=False)
            merged = list(worksheet.merged_cell_ranges or [])
        except SpreadsheetError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise SpreadsheetError("unreadable", reason=str(exc)[:200]) from None
        yield _Grid(rows, "xlsx", sheet=name, merged=merged)


def _formula_cells(data: bytes, sheet: str,
                   cells: list[tuple[int, int]]) -> tuple[list[str], dict[tuple[int, int], str]]:
    """Of ``cells`` (empty as calamine reads them), those holding a formula whose result the file does not
    keep (a workbook written by a program that never calculated it: openpyxl, some exports; Excel and
    LibreOffice save the results), and those whose saved result is an error such as ``#DIV/0!``."""
    if not cells:
        return [], {}
    import openpyxl

    wanted = set(cells)
    last_row = max(r for r, _ in wanted)
    missing: list[str] = []
    errors: dict[tuple[int, int], str] = {}
    formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows_f = formulas[sheet].iter_rows(max_row=last_row + 1, values_only=True)
        rows_v = values[sheet].iter_rows(max_row=last_row + 1, values_only=True)
        for r, (row_f, row_v) in enumerate(zip(rows_f, rows_v, strict=False)):
            for c, cell in enumerate(row_f):
                if (r, c) not in wanted or not (isinstance(cell, str) and cell.startswith("=")):
                    continue
                saved = row_v[c] if c < len(row_v) else None
                if saved is None:
                    missing.append(f"{_column_letter(c)}{r + 1}")
                elif isinstance(saved, str) and saved.startswith("#"):
                    errors[(r, c)] = saved
    finally:
        formulas.close()
        values.close()
    return missing, errors


# --- the table ----------------------------------------------------------------------------------------------


@dataclass
class _Header:
    row: int
    roles: dict[str, int]                  # role -> column
    years: dict[int, int]                  # column -> year (wide layout)
    names: list[str]                       # the header cells as written
    ignored: tuple[str, ...]

    @property
    def layout(self) -> str:
        return "long" if "value" in self.roles or "numerator" in self.roles else "wide"


def _find_header(rows: list[list[Any]]) -> _Header | None:
    for r, row in enumerate(rows[:_HEADER_SCAN]):
        roles: dict[str, int] = {}
        years: dict[int, int] = {}
        unknown: list[int] = []
        for c, cell in enumerate(row):
            role = _role(cell)
            year = _header_year(cell)
            if role and (role in _LAST_WINS or role not in roles):
                roles[role] = c
            elif year is not None:
                years[c] = year
            elif not _blank(cell):
                unknown.append(c)
        has_unit = "key" in roles or "name" in roles
        if not has_unit and len(years) >= 2 and row and _blank(row[0]) and 0 not in years:
            roles["name"], has_unit = 0, True  # a pivot table's empty corner cell: the units stand below it
        if has_unit and "year" in roles and "value" not in roles and "numerator" not in roles and len(unknown) == 1:
            roles["value"] = unknown.pop()  # "Gemeinde | Jahr | Kinder unter 6": the one other column is the value
        if not has_unit or not ("value" in roles or "numerator" in roles or years):
            continue
        if "value" in roles or "numerator" in roles:
            years = {}  # long layout: year-like headers are just other columns
        names = [_text(cell) if not _blank(cell) else "" for cell in row]
        used = set(roles.values()) | set(years)
        ignored = tuple(names[c] for c in range(len(row)) if c not in used and names[c])
        return _Header(r, roles, years, names, ignored)
    return None


def _decimal_mark(rows: list[list[Any]], header: _Header, separator: str | None) -> str:
    """Decimal comma or point, for the whole file: the number cells written as text decide; where they do
    not (only "1.234", which is either), a semicolon or tab file is German and a comma file English."""
    columns = [header.roles[r] for r in ("value", "numerator", "denominator") if r in header.roles]
    columns += list(header.years)
    comma = point = False
    for row in rows[header.row + 1:header.row + 2001]:
        for c in columns:
            cell = row[c] if c < len(row) else None
            if isinstance(cell, str) and cell:
                text = _SPACES.sub("", cell)
                comma = comma or bool(re.search(r"\d,(\d{1,2}|\d{4,})$", text) or re.search(r"\.\d{3},\d", text))
                point = point or bool(re.search(r"\d\.(\d{1,2}|\d{4,})$", text) or re.search(r",\d{3}\.\d", text))
    if comma != point:
        return "," if comma else "."
    return "." if separator == "," else ","


def _per_value(function: Callable[[Any], Any], cells: Sequence[Any]) -> list[Any]:
    """``function`` of every cell of a column, asked once for each distinct cell: a column of 100,000 cells
    holds a few dozen units, years and flags and some thousand numbers. A column of text (every CSV
    column) is factorised by pandas; other columns go through a dictionary, so that cells of different
    types never share an answer (``True``, ``1`` and ``1.0`` are equal in Python but not in a file), nor
    do ``0.0`` and ``-0.0``."""
    import numpy as np
    import pandas as pd

    types = set(map(type, cells))
    array = None
    if types <= {str, type(None)}:
        array, empty = np.asarray(cells, dtype=object), None
    elif types == {float}:
        array, empty = np.asarray(cells, dtype=float), math.nan
        if np.any((array == 0) & np.signbit(array)):
            array = None  # pandas takes -0.0 for 0.0
    if array is not None:
        codes, uniques = pd.factorize(array)
        table = np.empty(len(uniques) + 1, dtype=object)
        for i, cell in enumerate(uniques.tolist()):
            table[i] = function(cell)
        table[-1] = function(empty)  # code -1: an empty cell (NaN in a column of numbers)
        return table[codes].tolist()
    answers: dict[Any, Any] = {}
    out = []
    for cell in cells:
        cls = cell.__class__
        key = cell if cls is str else (cls, cell.hex()) if cls is float else (cls, cell)
        try:
            answer = answers[key]
        except KeyError:
            answer = answers[key] = function(cell)
        except TypeError:  # an unhashable cell (none of the readers makes one)
            answer = function(cell)
        out.append(answer)
    return out


def _columns(grid: _Grid, start: int, width: int) -> list[Sequence[Any]]:
    """The grid's rows from ``start`` as columns of ``width`` cells each (None where a row is shorter)."""
    if grid.array is not None:
        return [grid.array[start:, c] for c in range(width)]
    rows = grid.rows[start:]
    if all(len(row) == width for row in rows):
        return [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]
    return [[row[c] if c < len(row) else None for row in rows] for c in range(width)]


def _filled(cell: Any) -> bool:
    return not _blank(cell)


def _row_kinds(header: _Header, columns: list[Sequence[Any]], count: int) -> list[str | None]:
    """Why each row is skipped (blank_row, header_row, totals_row, text_row), or None for a data row; worked
    out a column at a time (each distinct cell once, then arrays), not cell by cell.

    A row is blank without a filled cell. It repeats the header (on every printed page) when its first
    filled cell and at least one more read as the header's. It is a totals row when a unit's cell or the
    first filled one ("Summe" often stands in the first column) says so, never the indicator's:
    "Einwohner insgesamt" is an indicator. A single text cell outside the number columns is a text row
    ("Quelle: Landesamt für Statistik", a footnote, a sub-heading)."""
    import numpy as np

    width = len(columns)
    if count == 0:
        return []
    if width == 0:
        return ["blank_row"] * count
    names = header.names
    indicator = header.roles.get("indicator")
    unit_columns = [header.roles[r] for r in ("key", "name") if r in header.roles]
    number_columns = set(header.years) | {
        header.roles[r] for r in ("value", "numerator", "denominator", "year") if r in header.roles}
    filled = np.zeros((count, width), dtype=bool)
    as_header = np.zeros((count, width), dtype=bool)
    totals = np.zeros((count, width), dtype=bool)
    text = np.zeros((count, width), dtype=bool)
    for c, column in enumerate(columns):
        filled[:, c] = _per_value(_filled, column)
        text[:, c] = [cell.__class__ is str for cell in column]
        if c < len(names) and names[c]:
            name = names[c]
            as_header[:, c] = _per_value(lambda cell, name=name: not _blank(cell) and _text(cell) == name, column)
        if c != indicator:
            totals[:, c] = _per_value(lambda cell: cell.__class__ is str and _is_totals(cell), column)
    rows = np.arange(count)
    filled_count = filled.sum(axis=1)
    first = filled.argmax(axis=1)
    header_row = as_header[rows, first] & (as_header.sum(axis=1) >= 2)
    totals_row = totals[rows, first]
    for c in unit_columns:
        if c < width:
            totals_row |= totals[:, c]
    text_row = (filled_count == 1) & text[rows, first] & ~np.isin(first, list(number_columns))
    kinds = np.select([filled_count == 0, header_row, totals_row, text_row],
                      ["blank_row", "header_row", "totals_row", "text_row"], default="")
    return [kind or None for kind in kinds.tolist()]


def _cell(row: list[Any], c: int | None) -> Any:
    return row[c] if c is not None and c < len(row) else None


def _unit_text(cell: Any) -> str:
    return "" if _blank(cell) else _text(cell)


def _optional_text(cell: Any) -> str | None:
    return None if _blank(cell) else _text(cell)


def _note(cell: Any) -> str | None:
    return None if _blank(cell) else str(cell).strip()


def _rows(grid: _Grid, header: _Header, decimal: str, max_rows: int) -> tuple[list[RawRow], list[tuple[str, str]]]:
    """The table's rows as :class:`RawRow` values, and what was skipped.

    Every cell is read a column at a time, each distinct cell once (:func:`_per_value`), and the rows are
    put together from the read columns: a file of 100,000 values repeats its units, years and flags
    throughout, and reading cell by cell cost more than pandas' parsing of the whole file."""
    skipped: list[tuple[str, str]] = [(grid.row_source(r), "title_row") for r in range(header.row)
                                      if any(not _blank(cell) for cell in grid.rows[r])]
    start = header.row + 1
    body = grid.rows[start:]
    count = len(body)
    width = max((len(row) for row in body), default=0)
    columns = _columns(grid, start, width)
    kinds = _row_kinds(header, columns, count)
    roles, names = header.roles, header.names
    nothing: list[Any] = [None] * count

    def column(c: int | None) -> list[Any]:
        return columns[c] if c is not None and c < width else nothing

    key_c, name_c, ind_c, year_c = roles.get("key"), roles.get("name"), roles.get("indicator"), roles.get("year")
    num_c, den_c, note_c = roles.get("numerator"), roles.get("denominator"), roles.get("note")
    value_c = roles.get("value")
    keys = _per_value(_unit_text, column(key_c))
    unit_names = _per_value(_unit_text, column(name_c))
    indicators = _per_value(_optional_text, column(ind_c))
    out: list[RawRow] = []
    blanks: list[str] = []

    def data_rows() -> Iterable[int]:
        """The data rows' indexes; skipped rows go to ``skipped`` on the way (blank rows at the end not)."""
        nonlocal blanks
        for i, kind in enumerate(kinds):
            if kind == "blank_row":
                blanks.append(grid.row_source(start + i))
                continue
            if blanks:
                skipped.extend((source, "blank_row") for source in blanks)
                blanks = []
            if kind:
                skipped.append((grid.row_source(start + i), kind))
                continue
            yield i

    if header.layout == "wide":
        numbers = {c: _per_value(lambda cell: _number(cell, decimal), column(c)) for c in header.years}
        for i in data_rows():
            r = start + i
            key_text, name_text = keys[i], unit_names[i]
            unit = key_text or name_text
            problem: str | None = None if unit else "no_unit"
            problem_c: int | None = (key_c if key_c is not None else name_c) if problem else None
            base = {"unit": unit, "indicator": indicators[i],
                    "unit_name": name_text if key_text and name_text else None, "line": r + 1}
            for c, year in header.years.items():
                value, symbol, flags, cell_problem = numbers[c][i]
                if value is None and cell_problem is None:
                    if symbol is not None:
                        skipped.append((grid.cell_source(r, c, names[c]), "no_value"))
                    continue
                cell_problem = problem or cell_problem
                out.append(RawRow(source=grid.cell_source(r, c, names[c]), year=year, value=value,
                                  flags=flags, problem=cell_problem, symbol=symbol,
                                  column=names[problem_c if problem else c] if cell_problem else None, **base))
            if len(out) > max_rows:
                raise SpreadsheetError("too_many_rows", limit=max_rows, count=len(out))
        return out, skipped

    def read_number(cell: Any) -> _Number:
        return _number(cell, decimal)

    years = _per_value(_year, column(year_c)) if year_c is not None else None
    values = _per_value(read_number, column(value_c))
    numerators = _per_value(read_number, column(num_c)) if num_c is not None else None
    denominators = _per_value(read_number, column(den_c)) if den_c is not None else None
    flag_columns = [(flag, c, _per_value(_flag, column(c))) for flag in FLAGS if (c := roles.get(flag)) is not None]
    notes = _per_value(_note, column(note_c)) if note_c is not None else nothing
    for i in data_rows():
        r = start + i
        key_text, name_text = keys[i], unit_names[i]
        unit = key_text or name_text
        problem = None if unit else "no_unit"
        problem_c = (key_c if key_c is not None else name_c) if problem else None
        year, year_problem = (None, None) if years is None else years[i]
        value, symbol, value_flags, value_problem = values[i]
        numerator, _, _, numerator_problem = _EMPTY if numerators is None else numerators[i]
        denominator, _, _, denominator_problem = _EMPTY if denominators is None else denominators[i]
        flags = set(value_flags) if flag_columns else value_flags
        for flag, c, answers in flag_columns:
            on = answers[i]
            if on is None and problem is None:
                problem, problem_c = "bad_flag", c
            elif on:
                flags.add(flag)  # type: ignore[union-attr]
        if year_problem or value_problem or numerator_problem or denominator_problem:
            for code, c in ((year_problem, year_c), (value_problem, value_c), (numerator_problem, num_c),
                            (denominator_problem, den_c)):
                if code and problem is None:
                    problem, problem_c = code, c
        if problem is None and value is None and numerator is None and denominator is None:
            skipped.append((grid.row_source(r), "no_value"))
            continue
        source_c = problem_c if problem_c is not None else value_c if value_c is not None else num_c
        source = grid.row_source(r) if grid.format == "csv" or source_c is None else grid.cell_source(r, source_c, "")
        out.append(RawRow(source=source, unit=unit, indicator=indicators[i], year=year, value=value,
                          numerator=numerator, denominator=denominator,
                          flags=frozenset(flags) if flags else _NO_FLAGS, note=notes[i], problem=problem,
                          line=r + 1, unit_name=name_text if key_text and name_text else None, symbol=symbol,
                          column=names[problem_c] if problem and problem_c is not None else None))
    if len(out) > max_rows:
        raise SpreadsheetError("too_many_rows", limit=max_rows, count=len(out))
    return out, skipped


def _check_merged(grid: _Grid, header: _Header) -> None:
    """Merged cells in the table itself (a unit name spanning its years, a two-row header) hide which
    row a value belongs to; a merged title above the header is harmless."""
    inside = [m for m in grid.merged if m[1][0] >= header.row]
    if inside:
        raise SpreadsheetError("merged_cells", sheet=grid.sheet, cells=_merged_refs(inside[:5]))


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet of the workbook holds a formula (an ``<f>`` element), before looking closer."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return any(re.search(rb"<f[\s>/]", archive.read(n)) for n in archive.namelist()
                   if n.startswith("xl/worksheets/") and n.endswith(".xml"))


def _empty_data_cells(grid: _Grid, header: _Header) -> list[tuple[int, int]]:
    """Cells of the table's columns that read as empty: where a formula without a saved result would be."""
    columns = sorted(set(header.roles.values()) | set(header.years))
    cells = []
    for r in range(header.row + 1, len(grid.rows)):
        row = grid.rows[r]
        if all(_blank(cell) for cell in row):
            continue
        cells.extend((r, c) for c in columns if _blank(_cell(row, c)))
    return cells


def _detect_format(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError) as exc:
            raise SpreadsheetError("unreadable", reason=str(exc)[:200]) from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise SpreadsheetError("unknown_format", found="ODS" if "content.xml" in names else "ZIP")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError("unknown_format", found="XLS")  # Excel 97-2003, or a password-protected file
    if data.startswith(b"%PDF"):
        raise SpreadsheetError("unknown_format", found="PDF")
    return "csv"


def read_table(data: bytes, filename: str, *, sheet: str | None = None, max_rows: int = 200_000,
               max_bytes: int = MAX_BYTES) -> Table:
    """Read a CSV or XLSX file into raw rows; raise :class:`SpreadsheetError` when it cannot be read at all.

    ``filename`` is only for messages: the content decides the format (a CSV saved as "daten.xlsx" is read
    as CSV). ``sheet`` picks a worksheet; without it the first visible sheet with a recognisable header
    is read, so an "Erläuterungen" sheet in front of the data does not stand in the way.
    """
    if len(data) > max_bytes:
        raise SpreadsheetError("too_large", limit=max_bytes, size=len(data))
    if not data.strip():
        raise SpreadsheetError("empty")
    kind = _detect_format(data)
    grids: Iterable[_Grid]
    if kind == "csv":
        if sheet is not None:
            raise SpreadsheetError("sheet_not_found", sheet=sheet, sheets="")
        grids = [_csv_grid(data, max_rows)]
    else:
        grids = _xlsx_grids(data, sheet, max_bytes, max_rows)
    seen: list[str] = []
    anything = False
    for grid in grids:
        seen.append(grid.sheet or filename)
        anything = anything or any(not _blank(cell) for row in grid.rows for cell in row)
        header = _find_header(grid.rows)
        if header is None:
            continue
        if grid.format == "xlsx":
            _check_merged(grid, header)
            missing, errors = _formula_cells(data, grid.sheet or "", _empty_data_cells(grid, header)) if (
                _has_formulas(data)) else ([], {})
            if missing:
                raise SpreadsheetError("formulas_without_values", sheet=grid.sheet, cells=", ".join(missing[:5]),
                                       count=len(missing))
            for (r, c), error in errors.items():
                grid.rows[r][c] = error  # calamine reads a saved #DIV/0! as empty; the row must say what it is
        decimal = _decimal_mark(grid.rows, header, grid.separator)
        rows, skipped = _rows(grid, header, decimal, max_rows)
        return Table(rows=rows, layout=header.layout, skipped=skipped, format=grid.format, sheet=grid.sheet,
                     encoding=grid.encoding, separator=grid.separator, decimal=decimal,
                     header=grid.row_source(header.row),
                     columns={role: header.names[c] for role, c in header.roles.items()},
                     ignored_columns=header.ignored)
    if not anything:
        raise SpreadsheetError("empty")
    raise SpreadsheetError("no_header", sheets=", ".join(seen))
