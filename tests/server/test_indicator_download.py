"""Downloads of an indicator view (CSV for German Excel, XLSX, GeoJSON), on both databases: the same
figures as the public values API, withheld values marked and never given, the notes a reader needs
(definition, source, licence, confidentiality rule, stand), cacheable like every public answer."""

from __future__ import annotations

import csv
import io
import json

import openpyxl

from tests.support import Api

from .test_indicator_public import setup_values

BASE = "/api/v1/indicators/t_anteil/download"
SUPPRESSED_DE = "nicht ausgewiesen (Geheimhaltung)"


def api_values(api: Api, indicator: str, level: str, year: int) -> dict[str, dict]:
    doc = api.get(f"/api/v1/indicators/{indicator}/values?level={level}&year={year}").get_json()
    return {v["unit"]: v for v in doc["values"]}


def read_csv(data: bytes) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The notes (label -> text) and the table of a downloaded CSV."""
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel reads the umlauts"
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    blank = lines.index([])
    notes = dict(lines[:blank])
    header, *rows = lines[blank + 1:]
    return notes, [dict(zip(header, row, strict=True)) for row in rows]


def test_csv_and_xlsx_give_the_public_figures_and_mark_withheld_values(api: Api) -> None:
    melle, _bramsche = setup_values(api)
    shown = api_values(api, "t_kinder", "ortsteil", 2020)
    hidden = {u for u, v in shown.items() if v["suppressed"]}
    assert melle[0] in hidden

    answer = api.get(BASE.replace("t_anteil", "t_kinder") + "?format=csv&level=ortsteil&year=2020")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert 'filename="familienatlas_t_kinder_ortsteil_2020.csv"' in answer.headers["Content-Disposition"]
    assert answer.headers["Cache-Control"].startswith("public") and answer.headers["ETag"]
    again = api.get(BASE.replace("t_anteil", "t_kinder") + "?format=csv&level=ortsteil&year=2020",
                    headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304
    notes, rows = read_csv(answer.data)
    assert notes["Indikator"] == "Kinder" and notes["Jahr"] == "2020" and notes["Raumebene"] == "Ortsteile"
    assert "weniger als 3 Fällen" in notes["Geheimhaltung"]
    assert {"Quelle", "Lizenz und Nutzungsrechte", "Stand der Daten", "Abgerufen am"} <= set(notes)
    by_unit = {r["Schlüssel"]: r for r in rows}
    assert set(by_unit) == set(shown)
    for unit, value in shown.items():
        row = by_unit[unit]
        if value["suppressed"]:
            assert row["Wert"] == "" and row["Hinweis"] == SUPPRESSED_DE
        else:
            assert row["Wert"] == f"{value['value']:.0f}"
    assert by_unit[melle[0]]["Wert"] == ""  # the small count (2) is nowhere

    # The share: decimal comma, one decimal, provisional marked; XLSX has the same numbers as numbers.
    shares = api_values(api, "t_anteil", "ortsteil", 2021)
    notes, rows = read_csv(api.get(f"{BASE}?format=csv&level=ortsteil&year=2021").data)
    assert notes["Berechnung"] == "Kinder ÷ Einwohner" and notes["Einheit"] == "Prozent"
    for row in rows:
        value = shares[row["Schlüssel"]]
        if value["suppressed"]:
            assert row["Wert"] == "" and SUPPRESSED_DE in row["Hinweis"]
        else:
            assert row["Wert"] == f"{value['value']:.1f}".replace(".", ",") and "vorläufig" in row["Hinweis"]
    book = openpyxl.load_workbook(io.BytesIO(api.get(f"{BASE}?format=xlsx&level=ortsteil&year=2021&lang=en").data))
    assert book.sheetnames == ["Data", "Notes"]
    header, *table = list(book["Data"].values)
    assert header == ("Key", "Spatial unit", "Year", "Value", "Note")
    assert {r[0]: r[3] for r in table} == {u: v["value"] for u, v in shares.items()}
    for key, _name, _year, value, note in table:
        assert (value is None) == shares[key]["suppressed"]
        assert ("withheld (statistical confidentiality)" in (note or "")) == shares[key]["suppressed"]
    about = dict(book["Notes"].values)
    assert about["Indicator"] == "Share of children" and about["Year"] == "2021"


def test_geojson_units_with_areas_and_bad_requests(api: Api) -> None:
    melle, _bramsche = setup_values(api)
    shown = api_values(api, "t_kinder", "ortsteil", 2021)
    answer = api.get(BASE.replace("t_anteil", "t_kinder") + "?format=geojson&level=ortsteil&year=2021")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/geo+json")
    doc = json.loads(answer.data)
    assert doc["type"] == "FeatureCollection" and doc["indicator"] == "t_kinder" and doc["year"] == 2021
    notes = {n["label"]: n["text"] for n in doc["notes"]}
    assert {"Quelle", "Lizenz und Nutzungsrechte", "Geheimhaltung", "Stand der Daten"} <= set(notes)
    assert notes["Quelle"] == "keine Angabe"  # the test indicator names no source
    features = {f["properties"]["unit"]: f for f in doc["features"]}
    assert set(features) == set(shown)
    for unit, value in shown.items():
        props = features[unit]["properties"]
        assert props["value"] == value["value"] and props["suppressed"] == value["suppressed"]
        lon, lat = features[unit]["geometry"]["coordinates"][0][0][0]
        assert 7 < lon < 9 and 51.5 < lat < 53, "WGS84 (RFC 7946)"
    assert features[melle[0]]["properties"]["value"] is None
    assert features[melle[0]]["properties"]["note"] == SUPPRESSED_DE

    for query, status, field in (("format=pdf", 422, "format"), ("year=1999&level=ortsteil", 422, "year"),
                                 ("level=mond", 422, "level"), ("lang=fr", 422, "lang"),
                                 ("year=abc", 422, "year")):
        problem = api.get(f"{BASE}?{query}", headers={"Accept-Language": "en"})
        assert problem.status_code == status, (query, problem.get_json())
        body = problem.get_json()
        assert body["code"] == "invalid_query" and body["errors"][0]["field"] == field, body
        assert "Cache-Control" in problem.headers and problem.headers["Cache-Control"] == "no-store"
    missing = api.get("/api/v1/indicators/gibtsnicht/download?format=csv")
    assert missing.status_code == 404 and missing.get_json()["code"] == "indicator_not_found"
