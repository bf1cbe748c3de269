"""Indicator paths tried from outside, on both databases: what an anonymous caller or an editor of another
municipality may not learn (unpublished values of a municipality that does not share, its unpublished
Ortsteile, suppressed numbers) and bad input that must stay a 4xx problem document."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests.server.test_indicator_public import THEME, change
from tests.support import MELLE, Api

URL = "/api/v1/indicators/uploads"
KIDS = {"key": "a_kinder", "name_de": "Angriffskinder", "name_en": "Attack children", "theme": "testthema",
        "unit": "count", "kind": "count", "levels": ["gemeinde", "ortsteil"], "maintained_by": "municipalities"}


def send(api: Api, user: str, rows: list[str], **form: Any):  # noqa: ANN201
    data = ("\r\n".join(["Schlüssel;Gebiet;Jahr;Wert", *rows]) + "\r\n").encode("cp1252")
    fields = {"indicator": "a_kinder", "dry_run": "true", **form}
    return api.client.post(URL, data={**fields, "file": (io.BytesIO(data), "werte.csv")},
                           headers=api.headers(user), content_type="multipart/form-data")


@pytest.fixture
def melle_secret(api: Api) -> str:
    """Melle does not share; its editor has an unpublished value 2 for one of its published Ortsteile."""
    assert api.post("/api/v1/indicator-themes", THEME, "admin").status_code == 201
    assert api.post("/api/v1/indicators", KIDS, "admin").status_code == 201
    melle = api.municipality(MELLE)
    assert api.patch(f"/api/v1/municipalities/{melle['id']}", {"shares_unpublished": False},
                     "admin").status_code == 200
    unit = sorted(f["properties"]["key"] for f in api.pull_all("spatial_units", "admin").values()
                  if f["owner"] == MELLE and f["properties"]["level"] == "ortsteil" and not f["deleted"])[0]
    r = api.push("indicator_values", [change("a_kinder", unit, 2023, 2)], "melle.editor")
    assert r.status_code == 200, r.get_json()
    return unit


def test_upload_report_is_no_oracle_for_values_the_caller_may_not_read(api: Api, melle_secret: str) -> None:
    # The right guess and a wrong one get the same answer: refused, without the stored value.
    answers = []
    for guess in (2, 5):
        r = send(api, "bramsche.editor", [f"{melle_secret};;2023;{guess}"])
        assert r.status_code == 403, r.get_json()
        (row,) = r.get_json()["rows"]
        assert row["status"] == "refused" and "old" not in row
        answers.append((row["status"], row["code"]))
    assert answers[0] == answers[1]
    # A reader learns nothing either; the owner itself still sees "unchanged".
    r = send(api, "bramsche.reader", [f"{melle_secret};;2023;2"])
    assert r.status_code == 403 and r.get_json()["rows"][0]["status"] == "refused"
    r = send(api, "melle.editor", [f"{melle_secret};;2023;2"])
    assert r.status_code == 200 and r.get_json()["rows"][0]["status"] == "unchanged"
    # The template of Melle for Bramsche's editor lists the Ortsteil, but not the unpublished number.
    r = api.get(f"/api/v1/indicators/a_kinder/template.xlsx?municipality={MELLE}", "bramsche.editor")
    assert r.status_code == 200
    import openpyxl

    rows = list(openpyxl.load_workbook(io.BytesIO(r.data))["Werte"].iter_rows(values_only=True))
    assert [row[3] for row in rows if row[0] == melle_secret] and not [
        row for row in rows if row[0] == melle_secret and row[3] is not None]
    mine = openpyxl.load_workbook(io.BytesIO(api.get("/api/v1/indicators/a_kinder/template.xlsx",
                                                     "melle.editor").data))["Werte"].iter_rows(values_only=True)
    assert [row[3] for row in mine if row[0] == melle_secret and row[2] == 2023] == [2]


def secret_ortsteil(api: Api) -> str:
    """An unpublished Ortsteil of Melle (which does not share), waiting for review."""
    from shapely.geometry import shape

    c = shape(api.municipality(MELLE)["territory"]).representative_point()
    ring = [[c.x + dx, c.y + dy] for dx, dy in ((-50, -50), (50, -50), (50, 50), (-50, 50), (-50, -50))]
    unit = {"op": "insert", "id": "6f1c2d4e-0000-4000-8000-000000000099",
            "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": {"level": "ortsteil", "key": f"{MELLE}-99", "name": "Geheimort"}}
    r = api.push("spatial_units", [unit], "melle.editor")
    assert r.status_code == 200, r.get_json()
    return f"{MELLE}-99"


def test_unpublished_ortsteil_of_a_non_sharing_municipality_is_unknown_to_others(api: Api, melle_secret: str) -> None:
    secret, nowhere = secret_ortsteil(api), f"{MELLE}-98"
    # Upload by key and by name: the same answer as for a key that does not exist.
    codes = []
    for written in (f"{secret};", f"{nowhere};", ";Geheimort", ";Nirgendwo"):
        r = send(api, "bramsche.editor", [f"{written};2023;5"])
        assert r.status_code == 422, r.get_json()
        (row,) = r.get_json()["rows"]
        codes.append((row["status"], row["code"]))
        assert "Melle" not in str(row)
    assert set(codes) == {("invalid", "unknown_unit")}
    # A plain push of a value on it: the same as on a unit that does not exist.
    answers = []
    for unit in (secret, nowhere):
        r = api.push("indicator_values", [change("a_kinder", unit, 2023, 5)], "bramsche.editor")
        answers.append((r.status_code, r.get_json()["results"][0].get("code"),
                        [e["code"] for e in r.get_json()["results"][0].get("errors", [])]))
    assert answers[0] == answers[1] == (422, "invalid_change", ["unknown_unit"])
    # The template of Melle for Bramsche's editor, the staff view: no trace of it.
    r = api.get(f"/api/v1/indicators/a_kinder/template.xlsx?municipality={MELLE}", "bramsche.editor")
    assert r.status_code == 200 and secret.encode() not in _cells(r.data)
    assert secret.encode() in _cells(api.get("/api/v1/indicators/a_kinder/template.xlsx", "melle.editor").data)
    r = api.get(f"/api/v1/units/{secret}/values?view=staff", "bramsche.reader")
    assert r.status_code == 404 and r.get_json()["code"] == "unit_not_found"
    assert api.get(f"/api/v1/units/{secret}/values?view=staff", "melle.reader").status_code == 200
    # Its owner still delivers values for it.
    assert send(api, "melle.editor", [f"{secret};;2023;5"]).status_code == 200


def _cells(data: bytes) -> bytes:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    return repr([row for sheet in book for row in sheet.iter_rows(values_only=True)]).encode()


def test_a_second_file_or_a_repeated_field_is_named_not_dropped(api: Api) -> None:
    data = {"file": [(io.BytesIO(b"a;b\n"), "a.csv"), (io.BytesIO(b"c;d\n"), "b.csv")], "year": ["2020", "2021"]}
    r = api.client.post(URL, data=data, headers=api.headers("melle.editor"), content_type="multipart/form-data")
    assert r.status_code == 422 and r.get_json()["code"] == "invalid_body"
    assert {(e["field"], e["code"]) for e in r.get_json()["errors"]} == {
        ("file", "repeated_parameter"), ("year", "repeated_parameter")}
