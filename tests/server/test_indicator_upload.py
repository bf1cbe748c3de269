"""Indicator uploads through the real API, on both databases: the dry run writes nothing and reports every
row; a real upload is one pending change set, all of it or nothing, and the same key applies it once; bad
files are clear problem documents and leave the database as it was; the ownership rule decides per row and
one foreign row refuses the whole upload; the template comes back as an upload."""

from __future__ import annotations

import io
import uuid
from typing import Any

import openpyxl
import pytest

from sync_server.domain.indicators.units import Unit
from sync_server.domain.indicators.upload import UnitMatcher
from tests.server.test_indicator_spreadsheet import xlsx
from tests.support import BRAMSCHE, MELLE, Api

THEME = {"key": "uploadtest", "name_de": "Upload-Test", "name_en": "Upload test", "position": 9, "color": "#4477aa"}
CHILDREN = {"key": "up_kinder", "name_de": "Testkinder", "name_en": "Test children",
            "theme": "uploadtest", "unit": "count", "kind": "count", "levels": ["gemeinde", "ortsteil"],
            "maintained_by": "municipalities"}
POPULATION = {**CHILDREN, "key": "up_einwohner", "name_de": "Testeinwohner", "name_en": "Test population"}
SHARE = {"key": "up_anteil", "name_de": "Testanteil", "name_en": "Test share",
         "theme": "uploadtest", "unit": "percent", "kind": "share", "numerator": "up_kinder",
         "denominator": "up_einwohner", "decimals": 1, "levels": ["ortsteil"], "maintained_by": "municipalities"}
URL = "/api/v1/indicators/uploads"


@pytest.fixture
def atlas(api: Api) -> dict[str, list[dict[str, Any]]]:
    """The catalogue above, and the Ortsteile of Melle and Bramsche (key, name) from the demo."""
    for path, doc in (("/api/v1/indicator-themes", THEME), ("/api/v1/indicators", CHILDREN),
                      ("/api/v1/indicators", POPULATION), ("/api/v1/indicators", SHARE)):
        r = api.post(path, doc, "admin")
        assert r.status_code == 201, r.get_json()
    units = [f["properties"] for f in api.pull_all("spatial_units", "admin").values() if not f["deleted"]]
    return {owner: sorted((u for u in units if u["owner"] == owner and u["level"] == "ortsteil"),
                          key=lambda u: u["key"]) for owner in (MELLE, BRAMSCHE)}


def send(api: Api, user: str, data: bytes, name: str = "werte.csv", language: str = "de", **form: Any):  # noqa: ANN201
    fields = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in form.items()}
    return api.client.post(URL, data={**fields, "file": (io.BytesIO(data), name)},
                           headers={**api.headers(user), "Accept-Language": language},
                           content_type="multipart/form-data")


def values_of(api: Api) -> dict[str, dict]:
    return {f["id"]: f for f in api.pull_all("indicator_values", "admin").values() if not f["deleted"]}


def pushes(api: Api) -> int:
    return sum(1 for e in api.get("/api/v1/admin/audit?limit=1000", "admin").get_json() if e["action"] == "push")


def csv(*rows: str, header: str = "Schlüssel;Gebiet;Jahr;Wert") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("cp1252")


def statuses(answer: dict) -> list[tuple]:
    return [(r["source"], r["status"], r.get("code")) for r in answer["rows"]]


def test_dry_run_reports_every_row_and_writes_nothing(api: Api, atlas: dict) -> None:
    (a, b, c, *_rest) = atlas[MELLE]
    before, audit_before = values_of(api), pushes(api)
    good = csv(f"{a['key']};{a['name']};2023;1.234", f"{b['key']};;2023;56",
               f";{c['name'].upper()};2023;7 p")  # the unit by its name, shouted
    r = send(api, "melle.editor", good, indicator="up_kinder", dry_run=True)
    assert r.status_code == 200, r.get_json()
    answer = r.get_json()
    assert (answer["dry_run"], answer["applied"], answer["counts"]) == (True, False, {
        "new": 3, "changed": 0, "unchanged": 0, "refused": 0, "invalid": 0})
    assert [(row["unit"], row["year"], row["new"]) for row in answer["rows"]] == [
        (a["key"], 2023, 1234.0), (b["key"], 2023, 56.0), (c["key"], 2023, 7.0)]
    assert answer["file"]["separator"] == ";" and answer["file"]["encoding"] == "cp1252"

    bad = csv(f"{a['key']};;2023;12", "034599999999;;2023;3", f"{b['key']};;2023;viele", f"{c['key']};;2023;-5",
              f"{c['key']};;1850;5", f"{a['key']};;2023;13", f"{b['key']};;2022;2,5", "Insgesamt;;2023;99")
    r = send(api, "melle.editor", bad, indicator="up_kinder", dry_run=True, language="en")
    assert r.status_code == 422, r.get_json()
    problem = r.get_json()
    assert problem["code"] == "upload_invalid" and problem["detail"].startswith("Nothing was applied: 7 of 7 rows")
    assert statuses(problem) == [
        ("Zeile 2", "invalid", "duplicate_row"), ("Zeile 3", "invalid", "unknown_unit"),
        ("Zeile 4", "invalid", "not_a_number"), ("Zeile 5", "invalid", "negative"),
        ("Zeile 6", "invalid", "not_a_year"), ("Zeile 7", "invalid", "duplicate_row"),
        ("Zeile 8", "invalid", "not_a_count")]
    assert problem["rows"][0]["reason"] == "The same indicator, spatial unit and year stand again in Zeile 7."
    assert problem["skipped"] == [{"source": "Zeile 9", "reason": "totals_row",
                                   "message": "Totals row (Insgesamt, Summe): skipped; the atlas computes totals "
                                              "itself."}]
    assert values_of(api) == before and pushes(api) == audit_before


def test_real_upload_is_one_pending_change_set_and_idempotent(api: Api, atlas: dict) -> None:
    a, b = atlas[MELLE][:2]
    data = csv(f"{a['key']};;2022;10", f"{a['key']};;2023;12", f"{b['key']};;2023;30",
               header="Schlüssel;Gebiet;Jahr;Wert")
    key = str(uuid.uuid4())
    r = send(api, "melle.editor", data, indicator="up_kinder", dry_run=False, idempotency_key=key)
    assert r.status_code == 200, r.get_json()
    first = r.get_json()
    assert first["applied"] is True and first["counts"]["new"] == 3 and first["push_id"]
    stored = values_of(api)
    assert sorted((f["properties"]["unit"], f["properties"]["year"], f["properties"]["value"], f["review"]["state"])
                  for f in stored.values() if f["properties"]["indicator"] == "up_kinder") == sorted([
                      (a["key"], 2022, 10.0, "pending"),
                      (a["key"], 2023, 12.0, "pending"), (b["key"], 2023, 30.0, "pending")])
    audit = pushes(api)
    again = send(api, "melle.editor", data, indicator="up_kinder", dry_run=False, idempotency_key=key)
    assert again.status_code == 200 and again.get_json() == {**first, "replayed": True}
    assert values_of(api) == stored and pushes(api) == audit
    other = send(api, "melle.editor", data + b"x;;2023;1\r\n", indicator="up_kinder", idempotency_key=key)
    assert other.status_code == 409 and other.get_json()["code"] == "idempotency_key_reused"

    fresh = send(api, "melle.editor", data, indicator="up_kinder", idempotency_key=str(uuid.uuid4()))
    assert fresh.status_code == 200 and fresh.get_json()["counts"]["unchanged"] == 3
    assert pushes(api) == audit  # nothing new, nothing written

    changed = csv(f"{a['key']};;2022;10", f"{a['key']};;2023;15", header="Schlüssel;Gebiet;Jahr;Wert")
    report = send(api, "melle.editor", changed, indicator="up_kinder", dry_run=True).get_json()
    assert [(row["status"], row.get("old"), row["new"]) for row in report["rows"]] == [
        ("unchanged", 10.0, 10.0), ("changed", 12.0, 15.0)]


def test_one_foreign_row_refuses_the_whole_upload(api: Api, atlas: dict) -> None:
    own, foreign = atlas[MELLE][0], atlas[BRAMSCHE][0]
    before, audit = values_of(api), pushes(api)
    data = csv(f"{own['key']};;2023;5", f"{foreign['key']};;2023;6")
    r = send(api, "melle.editor", data, indicator="up_kinder", dry_run=False)
    assert r.status_code == 403, r.get_json()
    problem = r.get_json()
    assert problem["code"] == "upload_refused"
    assert statuses(problem) == [("Zeile 2", "new", None), ("Zeile 3", "refused", "foreign_owner")]
    assert "old" not in problem["rows"][1]
    assert values_of(api) == before and pushes(api) == audit

    county_level = csv(f"{MELLE};;2023;5")  # the town itself: a level the county keeps
    r = send(api, "melle.editor", county_level, indicator="up_kinder", level="gemeinde", dry_run=True)
    assert r.status_code == 403 and statuses(r.get_json()) == [("Zeile 2", "refused", "county_level")]
    r = send(api, "melle.reader", csv(f"{own['key']};;2023;5"), indicator="up_kinder", dry_run=True)
    assert r.status_code == 403 and statuses(r.get_json()) == [("Zeile 2", "refused", "read_only_role")]
    r = send(api, "admin", data, indicator="up_kinder")  # the county may write every unit
    assert r.status_code == 200 and r.get_json()["counts"]["new"] == 2
    assert values_of(api) != before


@pytest.mark.parametrize(("name", "data", "form", "status", "code"), [
    ("leer.csv", b"", {}, 422, "empty"),
    ("bericht.pdf", b"%PDF-1.7\n", {}, 415, "unknown_format"),
    ("titel.csv", b"Kinder unter 6;2023\nBohmte;12\n", {}, 422, "no_header"),
    ("blatt.xlsx", "sheet", {"sheet": "Daten"}, 422, "sheet_not_found"),
    ("verbunden.xlsx", "merged", {}, 422, "merged_cells"),
    ("formeln.xlsx", "formulas", {}, 422, "formulas_without_values"),
    ("ohne.csv", b"Gebiet;Jahr;Wert\nBohmte;2023;1\n", {"indicator": "gibtsnicht"}, 422, "invalid_body"),
], ids=["empty", "pdf", "no header", "wrong sheet", "merged cells", "formulas", "unknown indicator"])
def test_bad_files_are_clear_problems_and_change_nothing(api: Api, atlas: dict, name: str, data: Any, form: dict,
                                                         status: int, code: str) -> None:
    rows = [["Schlüssel", "Jahr", "Wert"], [atlas[MELLE][0]["key"], 2023, "=1+1"], [None, 2024, 3]]
    data = {"sheet": xlsx(("Tabelle1", rows[:1])), "formulas": xlsx(("T", rows[:2])),
            "merged": xlsx(("T", rows), merge={"T": ["A2:A3"]})}.get(data, data)
    before = values_of(api)
    r = send(api, "melle.editor", data, name, **{"indicator": "up_kinder", **form})
    assert r.status_code == status, r.get_json()
    problem = r.get_json()
    assert problem["code"] == code and problem["detail"] and r.content_type.startswith("application/problem+json")
    assert values_of(api) == before


def test_missing_file_and_wrong_form_fields(api: Api, atlas: dict) -> None:
    r = api.client.post(URL, data={"dry_run": "vielleicht", "year": "zwanzig", "colour": "red"},
                        headers=api.headers("melle.editor"), content_type="multipart/form-data")
    assert r.status_code == 422
    assert [(e["field"], e["code"]) for e in r.get_json()["errors"]] == [
        ("colour", "unknown_field"), ("file", "required"), ("dry_run", "wrong_type"), ("year", "wrong_type")]
    assert api.client.post(URL, data={"file": (io.BytesIO(b"x"), "a.csv")},
                           content_type="multipart/form-data").status_code == 401
    doc = api.get("/api/v1/openapi.json").get_json()
    body = doc["paths"][URL]["post"]["requestBody"]["content"]
    assert list(body) == ["multipart/form-data"] and body["multipart/form-data"]["schema"]["required"] == ["file"]


def test_a_form_part_without_a_name_is_an_unknown_field(api: Api, atlas: dict) -> None:
    body = (b'--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n'
            b'--b\r\nContent-Disposition: form-data; name="year"\r\n\r\n1\r\n--b--\r\n')
    before = values_of(api)
    r = api.client.post(URL, data=body, headers=api.headers("melle.editor"),
                        content_type="multipart/form-data; boundary=b")
    assert r.status_code == 422
    assert [(e["field"], e["code"]) for e in r.get_json()["errors"]] == [("", "unknown_field"), ("file", "required")]
    assert values_of(api) == before


def test_template_comes_back_as_an_upload(api: Api, atlas: dict) -> None:
    own = atlas[MELLE]
    send(api, "melle.editor", csv(f"{own[0]['key']};;2023;12", f"{own[1]['key']};;2023;8"), indicator="up_kinder")
    r = api.get(f"/api/v1/indicators/up_kinder/template.xlsx?municipality={MELLE}", "melle.editor")
    assert r.status_code == 200 and r.headers["Content-Disposition"].endswith(f'up_kinder_{MELLE}.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(r.data))["Werte"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["Schlüssel", "Gebiet", "Jahr", "Wert"]
    years = sorted({row[2] for row in rows[1:]})
    assert years[0] == 2023 and {row[0] for row in rows[1:]} == {u["key"] for u in own}
    assert [row[3] for row in rows[1:] if row[0] == own[0]["key"] and row[2] == 2023] == [12]
    for row in rows[1:]:
        if row[3] is None:
            row[3] = 1
    filled = xlsx(("Werte", rows))
    report = send(api, "melle.editor", filled, "vorlage.xlsx", indicator="up_kinder", dry_run=True).get_json()
    assert report["counts"] == {"new": len(rows) - 3, "changed": 0, "unchanged": 2, "refused": 0, "invalid": 0}
    assert api.get("/api/v1/indicators/nix/template", "melle.editor").status_code == 404
    assert api.get("/api/v1/indicators/up_kinder/template?municipality=99", "melle.editor").status_code == 404


def test_units_are_found_by_key_or_name_as_files_write_them() -> None:
    units = {k: Unit(k, level, 1, None, name) for k, level, name in (
        ("03459", "landkreis", "Landkreis Osnabrück"), ("034590003003", "gemeinde", "Bad Essen"),
        ("034595402", "gemeinde", "Samtgemeinde Bersenbrück"), ("034595402004", "mitgliedsgemeinde", "Bersenbrück"),
        ("034595403", "gemeinde", "Samtgemeinde Fürstenau"), ("034590024024-01", "ortsteil", "Melle-Mitte"))}
    matcher = UnitMatcher(units)
    found = {written: matcher.match(written, levels)[0] for written, levels in (
        ("034590003003", ()), ("03459003", ()), ("3459003", ()), ("bad-essen", ()), ("BAD ESSEN", ()),
        ("Melle Mitte", ()), ("SG Fuerstenau", ()), ("Furstenau", ()), ("Bersenbrück", ("gemeinde",)),
        ("Samtgemeinde Bersenbrück", ()), ("Bersenbrueck", ("mitgliedsgemeinde",)), ("LK Osnabrück", ()))}
    assert found == {"034590003003": "034590003003", "03459003": "034590003003", "3459003": "034590003003",
                     "bad-essen": "034590003003", "BAD ESSEN": "034590003003", "Melle Mitte": "034590024024-01",
                     "SG Fuerstenau": "034595403", "Furstenau": "034595403", "Bersenbrück": "034595402",
                     "Samtgemeinde Bersenbrück": "034595402", "Bersenbrueck": "034595402004",
                     "LK Osnabrück": "03459"}
    assert matcher.match("Bohmte", ()) == (None, "unknown_unit", [])


def test_a_dry_run_longer_than_one_check_chunk_reports_a_refusal_in_its_last_row(api: Api, atlas: dict) -> None:
    """More rows than the upload checks at a time (5,000): a foreign row at the very end is still found
    and named, every row before it stays new, and nothing is written."""
    own, foreign = atlas[MELLE], atlas[BRAMSCHE][0]
    years = range(1990, 2026)
    count = -(-5_001 // (len(own) * len(years)))  # enough indicators for more than 5,000 rows
    keys = [f"up_chunk_{i:02d}" for i in range(count)]
    for key in keys:
        r = api.post("/api/v1/indicators", {**CHILDREN, "key": key, "name_de": key, "name_en": key}, "admin")
        assert r.status_code == 201, r.get_json()
    rows = [f"{u['key']};{key};{year};{n % 97}" for n, (key, u, year) in enumerate(
        (key, u, year) for key in keys for u in own for year in years)]
    data = csv(*rows, f"{foreign['key']};{keys[0]};2023;6", header="Schlüssel;Indikator;Jahr;Wert")
    before, audit = values_of(api), pushes(api)
    r = send(api, "melle.editor", data, dry_run=True)
    assert r.status_code == 403, r.get_json()
    problem = r.get_json()
    assert problem["code"] == "upload_refused" and len(problem["rows"]) == len(rows) + 1 > 5_000
    assert problem["counts"] == {"new": len(rows), "changed": 0, "unchanged": 0, "refused": 1, "invalid": 0}
    assert statuses(problem)[-1] == (f"Zeile {len(rows) + 2}", "refused", "foreign_owner")
    assert values_of(api) == before and pushes(api) == audit
