"""Reading indicator spreadsheets as German offices export them: a corpus of real-world files, each made here
with the tools that make them in real life (Excel's CSV dialects, openpyxl for workbooks), each with its
exact outcome. Pure: no database, no server."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest

from sync_server import messages
from sync_server.domain.indicators.spreadsheet import RawRow, SpreadsheetError, Table, read_table


def xlsx(*sheets: tuple[str, list[list[Any]]], merge: dict[str, list[str]] | None = None,
         hidden: tuple[str, ...] = ()) -> bytes:
    """A workbook as openpyxl writes it: formulas without saved results, everything else as Excel has it."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in (merge or {}).get(name, []):
            sheet.merge_cells(cells)
        if name in hidden:
            sheet.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_saved_results(data: bytes, results: dict[str, str]) -> bytes:
    """The same workbook as Excel saves it: every formula cell keeps its last result (``<v>``)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                text = content.decode()
                for ref, value in results.items():
                    kind = ' t="e"' if value.startswith("#") else ""
                    text = re.sub(rf'<c r="{ref}"><f>(.*?)</f><v></v></c>',
                                  rf'<c r="{ref}"{kind}><f>\1</f><v>{value}</v></c>', text)
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


def zip_bomb(data: bytes, rows: int) -> bytes:
    """A small workbook whose sheet unpacks to ``rows`` identical rows: tiny packed, huge unpacked."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                row = '<row><c t="inlineStr"><is><t>Bohmte</t></is></c><c><v>2023</v></c><c><v>1</v></c></row>'
                content = content.replace(b"</sheetData>", (row * rows).encode() + b"</sheetData>")
            target.writestr(item.filename, content)
    return out.getvalue()


def read(data: bytes, name: str = "werte.csv", **kwargs: Any) -> Table:
    return read_table(data, name, **kwargs)


def refused(data: bytes, name: str = "werte.csv", **kwargs: Any) -> tuple[str, dict, int]:
    with pytest.raises(SpreadsheetError) as caught:
        read_table(data, name, **kwargs)
    return caught.value.code, caught.value.params, caught.value.status


def brief(table: Table) -> list[tuple]:
    return [(r.source, r.unit, r.indicator, r.year, r.value, r.problem) for r in table.rows]


# --- the German export -------------------------------------------------------------------------------------

GERMAN_EXPORT = (
    "Landkreis Osnabrück: Kinder unter 6 Jahren in Tagesbetreuung\r\n"
    "Stand: 31.12.2023;;;;;;\r\n"
    ";;;;;;\r\n"
    "Gemeindeschlüssel;Gemeinde;Jahr;Wert;vorläufig;Zeitreihenbruch;Anmerkung\r\n"
    "034590002;Bad Essen;2022;1.234;;;\r\n"
    "034590002;Bad Essen;2023;1.250 p;;ja;Neue Abgrenzung\r\n"
    "034590005;Bohmte;2023;12,5;x;;\r\n"
    "034590008;Bramsche;2023;.;;;\r\n"
    "034590011;Dissen a.T.W.;2023;-;;;\r\n"
    ";;;;;;\r\n"
    "034590014;Georgsmarienhütte;2023;1.234,5;;;\r\n"
    "Landkreis insgesamt;;2023;3.731,5;;;\r\n"
    "Quelle: Landesamt für Statistik Niedersachsen;;;;;;\r\n"
)


def test_german_export_windows_1252_with_title_totals_and_symbols() -> None:
    table = read(GERMAN_EXPORT.encode("cp1252"))
    assert (table.format, table.layout, table.encoding, table.separator, table.decimal, table.header) == (
        "csv", "long", "cp1252", ";", ",", "Zeile 4")
    assert table.columns == {"key": "Gemeindeschlüssel", "name": "Gemeinde", "year": "Jahr", "value": "Wert",
                             "provisional": "vorläufig", "series_break": "Zeitreihenbruch", "note": "Anmerkung"}
    assert table.rows == [
        RawRow("Zeile 5", "034590002", None, 2022, 1234.0, line=5, unit_name="Bad Essen"),
        RawRow("Zeile 6", "034590002", None, 2023, 1250.0, flags=frozenset({"provisional", "series_break"}),
               note="Neue Abgrenzung", line=6, unit_name="Bad Essen", symbol="p"),
        RawRow("Zeile 7", "034590005", None, 2023, 12.5, flags=frozenset({"provisional"}), line=7,
               unit_name="Bohmte"),
        RawRow("Zeile 9", "034590011", None, 2023, 0.0, line=9, unit_name="Dissen a.T.W.", symbol="-"),
        RawRow("Zeile 11", "034590014", None, 2023, 1234.5, line=11, unit_name="Georgsmarienhütte"),
    ]
    assert table.skipped == [("Zeile 1", "title_row"), ("Zeile 2", "title_row"), ("Zeile 8", "no_value"),
                             ("Zeile 10", "blank_row"), ("Zeile 12", "totals_row"), ("Zeile 13", "text_row")]


ROWS = [("034590002", "Bersenbrück", 2023, "1.234", 1234.0), ("034590005", "Fürstenau", 2023, "12,5", 12.5),
        ("034590008", "Hagen a.T.W.; Ort", 2022, "0,75", 0.75)]


@pytest.mark.parametrize("separator", [";", ",", "\t", "|"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_every_separator_and_encoding(separator: str, encoding: str) -> None:
    """Excel's "CSV (Trennzeichen-getrennt)" (Windows-1252, semicolon), "CSV UTF-8" (with BOM), "Unicode-Text"
    (UTF-16, tab), LibreOffice's defaults and English exports: the same rows each time."""
    english = separator == ","
    lines = [separator.join(["AGS", "Name", "Jahr", "Wert"])]
    for key, name, year, german, number in ROWS:
        written = (f"{number:,}" if number >= 1000 else str(number)) if english else german
        cells = [key, f'"{name}"' if separator in name or ";" in name else name, str(year),
                 f'"{written}"' if separator in written else written]
        lines.append(separator.join(cells))
    table = read(("\r\n".join(lines) + "\r\n").encode(encoding))
    assert (table.separator, table.encoding, table.decimal) == (separator, encoding, "." if english else ",")
    assert [(r.unit, r.unit_name, r.year, r.value, r.problem) for r in table.rows] == [
        (key, name, year, number, None) for key, name, year, _, number in ROWS]


def test_english_headers_decimal_point_and_all_columns() -> None:
    data = (b"key,name,indicator,year,value,numerator,denominator,provisional,estimated,series_break,note\n"
            b"034590002,Bad Essen,kita_quote,2023,45.5,91,200,no,yes,,estimated by the county\n"
            b"034590005,Bohmte,kita_quote,2023,\"1,234.5\",abc,200,,,,\n"
            b"034590008,Bramsche,kita_quote,2023,50,100,200,maybe,,,\n")
    table = read(data)
    assert table.rows[0] == RawRow("Zeile 2", "034590002", "kita_quote", 2023, 45.5, 91.0, 200.0,
                                   frozenset({"estimated"}), "estimated by the county", line=2,
                                   unit_name="Bad Essen")
    assert [(r.value, r.problem, r.column) for r in table.rows[1:]] == [
        (1234.5, "not_a_number", "numerator"), (50.0, "bad_flag", "provisional")]


def test_wide_layout_years_as_columns_with_an_empty_corner() -> None:
    data = ("Kinder unter 6 Jahren;;;\n"
            ";2021;2022;2023\n"
            "Bad Essen;1.234;1.250;x\n"
            "Bohmte;12,5;13 s;14,0\n"
            "Summe;1.246,5;1.263;14\n").encode("cp1252")
    table = read(data)
    assert (table.layout, table.columns) == ("wide", {"name": ""})
    assert [(r.source, r.unit, r.year, r.value, r.flags) for r in table.rows] == [
        ("Zeile 3, Spalte 2021", "Bad Essen", 2021, 1234.0, frozenset()),
        ("Zeile 3, Spalte 2022", "Bad Essen", 2022, 1250.0, frozenset()),
        ("Zeile 4, Spalte 2021", "Bohmte", 2021, 12.5, frozenset()),
        ("Zeile 4, Spalte 2022", "Bohmte", 2022, 13.0, frozenset({"estimated"})),
        ("Zeile 4, Spalte 2023", "Bohmte", 2023, 14.0, frozenset()),
    ]
    assert table.skipped == [("Zeile 1", "title_row"), ("Zeile 3, Spalte 2023", "no_value"),
                             ("Zeile 5", "totals_row")]


def test_wide_workbook_with_indicator_column_and_cell_addresses() -> None:
    data = xlsx(("Werte", [["Indikator", "Ortsteil", 2022, 2023],
                           ["kinder_u6", "Melle-Mitte", 310, 322],
                           ["kinder_u6", "Buer", "12,5", "viele"]]))
    table = read(data, "werte.xlsx")
    assert (table.format, table.sheet, table.layout, table.header) == ("xlsx", "Werte", "wide", "Werte, Zeile 1")
    assert brief(table) == [("Werte!C2", "Melle-Mitte", "kinder_u6", 2022, 310.0, None),
                            ("Werte!D2", "Melle-Mitte", "kinder_u6", 2023, 322.0, None),
                            ("Werte!C3", "Buer", "kinder_u6", 2022, 12.5, None),
                            ("Werte!D3", "Buer", "kinder_u6", 2023, None, "not_a_number")]


def test_text_in_number_columns_and_bad_cells_of_a_workbook() -> None:
    """Excel's own mistakes: a key typed as a number loses nothing but its leading zero, "12.5" became the
    12th of May, a year became a date, a formula's saved result is #DIV/0!."""
    data = xlsx(("Tabelle1", [["Landkreis Osnabrück"], [],
                              ["AGS", "Ortsteil", "Jahr", "Wert"],
                              [34590002, "Bad Essen", 2023, 17],
                              ["034590005", "Bohmte", 2023.0, datetime(2023, 5, 12)],
                              ["034590008", "Bramsche", date(2023, 12, 31), 3.5],
                              ["034590011", "Dissen", "2023/24", 4],
                              ["034590014", "Glandorf", 2023, "zwölf"],
                              ["034590017", "Hasbergen", 2023, "=1/0"],
                              ["", "", 2023, 5],
                              ["034590002", "Bad Essen", 2023, 17]]),
                merge={"Tabelle1": ["A1:D1"]})
    table = read(with_saved_results(data, {"D9": "#DIV/0!"}), "bericht.xlsx")
    assert [(r.source, r.unit, r.year, r.value, r.problem, r.column) for r in table.rows] == [
        ("Tabelle1!D4", "34590002", 2023, 17.0, None, None),
        ("Tabelle1!D5", "034590005", 2023, None, "date_not_number", "Wert"),
        ("Tabelle1!D6", "034590008", 2023, 3.5, None, None),
        ("Tabelle1!C7", "034590011", None, 4.0, "not_a_year", "Jahr"),
        ("Tabelle1!D8", "034590014", 2023, None, "not_a_number", "Wert"),
        ("Tabelle1!D9", "034590017", 2023, None, "formula_error", "Wert"),
        ("Tabelle1!A10", "", 2023, 5.0, "no_unit", "AGS"),
        ("Tabelle1!D11", "034590002", 2023, 17.0, None, None),  # the duplicate is the upload's to judge
    ]
    assert table.skipped == [("Tabelle1, Zeile 1", "title_row")]


def test_repeated_header_and_the_value_column_named_by_its_indicator() -> None:
    data = "Gemeinde;Jahr;Kinder unter 6\nBohmte;2023;17\nGemeinde;Jahr;Kinder unter 6\nMelle;2023;2.017\n"
    table = read(data.encode())
    assert table.columns == {"name": "Gemeinde", "year": "Jahr", "value": "Kinder unter 6"}
    assert [(r.unit, r.value) for r in table.rows] == [("Bohmte", 17.0), ("Melle", 2017.0)]
    assert table.skipped == [("Zeile 3", "header_row")]


def test_a_row_wider_than_the_sample_is_read() -> None:
    lines = ["Gemeinde;Jahr;Wert"] + [f"Ort {i};2023;{i}" for i in range(300)] + ["Ort X;2023;7;Rest;mehr"]
    table = read("\n".join(lines).encode())
    assert len(table.rows) == 301 and table.rows[-1].value == 7.0


def test_sheet_choice() -> None:
    data = xlsx(("Erläuterungen", [["Dieser Bericht enthält ..."]]), ("Versteckt", [["Gemeinde", "Jahr", "Wert"]]),
                ("Daten", [["Gemeinde", "Jahr", "Wert"], ["Bohmte", 2023, 1]]), hidden=("Versteckt",))
    assert read(data, "b.xlsx").sheet == "Daten"  # the first visible sheet with a table
    assert read(data, "b.xlsx", sheet="Versteckt").rows == []
    assert refused(data, "b.xlsx", sheet="Tabelle1") == (
        "sheet_not_found", {"sheet": "Tabelle1", "sheets": "Erläuterungen, Versteckt, Daten"}, 422)
    assert refused(data, "b.xlsx", sheet="Erläuterungen")[:2] == ("no_header", {"sheets": "Erläuterungen"})


# --- files that cannot be read -----------------------------------------------------------------------------


def test_merged_cells_in_the_table_are_refused_a_merged_title_is_not() -> None:
    rows = [["Kinder unter 6"], ["Gemeinde", "Jahr", "Wert"], ["Bohmte", 2022, 1], [None, 2023, 2]]
    assert read(xlsx(("T", rows), merge={"T": ["A1:C1"]}), "m.xlsx").rows[0].value == 1.0
    assert refused(xlsx(("T", rows), merge={"T": ["A1:C1", "A3:A4"]}), "m.xlsx") == (
        "merged_cells", {"sheet": "T", "cells": "A3:A4"}, 422)
    header = [["Gemeinde", "Werte", None], [None, 2022, 2023], ["Bohmte", 1, 2]]
    assert refused(xlsx(("T", header), merge={"T": ["B1:C1", "A1:A2"]}), "m.xlsx") == (
        "merged_cells", {"sheet": "T", "cells": "A1:A2"}, 422)


def test_formulas_without_saved_results_are_refused_with_them_they_are_read() -> None:
    data = xlsx(("Daten", [["Gemeinde", "Jahr", "Zähler", "Nenner", "Wert"],
                           ["Bohmte", 2023, 5, 20, "=C2/D2*100"],
                           ["Melle", 2023, 30, 60, "=C3/D3*100"]]))
    assert refused(data, "f.xlsx") == ("formulas_without_values", {"sheet": "Daten", "cells": "E2, E3", "count": 2},
                                       422)
    table = read(with_saved_results(data, {"E2": "25", "E3": "50"}), "f.xlsx")
    assert [(r.unit, r.numerator, r.denominator, r.value) for r in table.rows] == [
        ("Bohmte", 5.0, 20.0, 25.0), ("Melle", 30.0, 60.0, 50.0)]


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b"\xef\xbb\xbf", b";;;\r\n;;;\r\n", "xlsx"],
                         ids=["nothing", "blank lines", "only a BOM", "only separators", "empty workbook"])
def test_empty(data: bytes | str) -> None:
    data = xlsx(("Tabelle1", [])) if data == "xlsx" else data
    assert refused(data)[:2] == ("empty", {})


def test_no_header() -> None:
    assert refused(b"Bohmte;2023;17\nMelle;2023;20\n") == ("no_header", {"sheets": "werte.csv"}, 422)
    assert refused(xlsx(("A", [["x", 1]]), ("B", [["y", 2]])), "w.xlsx")[:2] == ("no_header", {"sheets": "A, B"})


@pytest.mark.parametrize(("data", "found"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "XLS"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("ods", "ODS"),
    ("zip", "ZIP"),
])
def test_unknown_format(data: bytes | str, found: str) -> None:
    if isinstance(data, str):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("mimetype" if data == "ods" else "readme.txt", "application/vnd.oasis.opendocument")
            if data == "ods":
                archive.writestr("content.xml", "<office:document-content/>")
        data = out.getvalue()
    assert refused(data, "werte.xlsx") == ("unknown_format", {"found": found}, 415)


def test_unreadable() -> None:
    good = xlsx(("T", [["Gemeinde", "Jahr", "Wert"], ["Bohmte", 2023, 1]]))
    assert refused(good[:len(good) // 2], "kaputt.xlsx")[0] == "unreadable"
    assert refused(b'Gemeinde;Jahr;Wert\n"Bohmte;2023;1\n' + b"x;1;2\n" * 5)[0] == "unreadable"


def test_size_and_row_limits() -> None:
    data = GERMAN_EXPORT.encode("cp1252")
    assert refused(data, max_bytes=100) == ("too_large", {"limit": 100, "size": len(data)}, 413)
    many = ("Gemeinde;Jahr;Wert\n" + "Bohmte;2023;1\n" * 20).encode()
    assert read(many, max_rows=20).rows[-1].line == 21
    assert refused(many, max_rows=19) == ("too_many_rows", {"limit": 19, "count": 20}, 413)
    wide = ("Gemeinde;2021;2022;2023\n" + "Bohmte;1;2;3\n" * 4).encode()
    assert refused(wide, max_rows=10) == ("too_many_rows", {"limit": 10, "count": 12}, 413)
    far = ("Gemeinde;Jahr;Wert\n" + "Bohmte;2023;1\n" * 200).encode()
    assert refused(far, max_rows=100)[:2] == ("too_many_rows", {"limit": 100, "count": 202})
    bomb = zip_bomb(xlsx(("T", [["Gemeinde", "Jahr", "Wert"]])), rows=100_000)
    assert len(bomb) < 100_000
    assert refused(bomb, "b.xlsx", max_bytes=100_000)[0] == "too_large"  # unpacked more than 20 times its size


def test_every_code_has_a_message_in_both_languages() -> None:
    for code in ("empty", "unknown_format", "unreadable", "no_header", "sheet_not_found", "too_many_rows",
                 "too_large", "formulas_without_values", "merged_cells"):
        assert messages.DE.get(code) and messages.EN.get(code), code
    for code in ("not_a_number", "date_not_number", "formula_error", "not_a_year", "no_year", "no_unit", "bad_flag",
                 "title_row", "blank_row", "totals_row", "text_row", "header_row", "no_value"):
        assert messages.DE_FIELDS.get(code) and messages.EN_FIELDS.get(code), code


def test_equal_cells_of_different_types_are_read_each_as_itself() -> None:
    """The reader reads each distinct cell of a column once; True, 1 and 1.0 are equal in Python, not in a
    file (a checkbox is no number), and a column of text in a CSV keeps each spelling."""
    data = xlsx(("Werte", [["Gemeinde", "Jahr", "Wert"], ["Bohmte", 2023, 1], ["Melle", 2023, True],
                           ["Bramsche", 2023, 1.0], ["Dissen", 2023, False], ["Hagen", 2023, 0]]))
    assert [(r.unit, r.value, r.problem) for r in read(data, "werte.xlsx").rows] == [
        ("Bohmte", 1.0, None), ("Melle", None, "not_a_number"), ("Bramsche", 1.0, None),
        ("Dissen", None, "not_a_number"), ("Hagen", 0.0, None)]
    table = read(b"Gemeinde;Jahr;Wert\nBohmte;2023;1\nMelle;2023;1,0\nBohmte ;2023;1\nHagen;2023;-\n")
    assert [(r.unit, r.value, r.symbol) for r in table.rows] == [
        ("Bohmte", 1.0, None), ("Melle", 1.0, None), ("Bohmte", 1.0, None), ("Hagen", 0.0, "-")]
