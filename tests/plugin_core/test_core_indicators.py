"""The plugin core's indicator parts without a server: values joined to units, levels of the
municipalities, numbers and legend labels, upload reports and the retry with one idempotency key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qgis_plugin.core import errors, messages
from qgis_plugin.core.indicators import (
    IndicatorCatalogue,
    PreparedUpload,
    UploadReport,
    format_number,
    municipality_units,
    range_label,
    upload,
    value_id,
    values_table,
    years_of,
)

ANSWER = {"indicator": "sgb2_quote_u15", "level": "gemeinde", "version": 7, "years": [2015, 2016],
          "values": [
              {"unit": "A", "name": "Melle", "year": 2015, "value": 12.4, "numerator": 310, "denominator": 2500,
               "provisional": False, "estimated": False, "series_break": False, "note": None,
               "computed": False, "incomplete": False, "suppressed": False},
              {"unit": "A", "name": "Melle", "year": 2016, "value": 13.0, "suppressed": False, "provisional": True},
              {"unit": "B", "name": "Bissendorf", "year": 2016, "value": None, "numerator": None,
               "denominator": None, "suppressed": True},
              {"unit": "C", "name": "Bohmte", "year": 2016, "value": None, "incomplete": True, "suppressed": False},
          ]}


def test_values_table_one_row_per_unit_with_a_status() -> None:
    table = values_table(ANSWER, 2016, {"A": "Melle", "B": "Bissendorf", "C": "Bohmte", "D": "Ostercappeln"})
    assert {key: row["status"] for key, row in table.items()} == {
        "A": "value", "B": "suppressed", "C": "missing", "D": "missing"}
    assert table["A"]["value"] == 13.0 and table["A"]["provisional"] is True
    assert table["B"]["value"] is None and table["B"]["suppressed"] is True
    assert table["C"]["incomplete"] is True
    assert table["D"]["name"] == "Ostercappeln" and table["D"]["suppressed"] is False
    assert values_table(ANSWER, 2015)["A"]["numerator"] == 310
    assert years_of(ANSWER) == [2015, 2016]
    assert years_of({"values": ANSWER["values"]}) == [2015, 2016]


def test_a_suppressed_value_never_carries_a_number() -> None:
    """Even if a server sent one by mistake, the table the map is drawn from drops it."""
    leaky = {"values": [{"unit": "B", "year": 2016, "value": 2, "numerator": 2, "denominator": 9,
                         "suppressed": True}]}
    row = values_table(leaky, 2016)["B"]
    assert (row["value"], row["numerator"], row["denominator"], row["status"]) == (None, None, None, "suppressed")


def test_municipality_levels() -> None:
    rows = [{"id": 1, "key": "03459", "kind": "Landkreis", "parent_id": None},
            {"id": 2, "key": "melle", "kind": "Stadt", "parent_id": 1},
            {"id": 3, "key": "sg", "kind": "Samtgemeinde", "parent_id": 1},
            {"id": 4, "key": "member", "kind": "Gemeinde", "parent_id": 3}]
    assert [m["key"] for m in municipality_units(rows, "landkreis")] == ["03459"]
    assert [m["key"] for m in municipality_units(rows, "gemeinde")] == ["melle", "sg"]
    assert [m["key"] for m in municipality_units(rows, "mitgliedsgemeinde")] == ["member"]


@pytest.mark.parametrize(("value", "decimals", "de", "en"), [
    (12.5, 1, "12,5", "12.5"),
    (1234.5, 0, "1.235", "1,235"),
    (0.05, 1, "0,1", "0.1"),
    (-2.25, 1, "-2,3", "-2.3"),
    (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
])
def test_numbers_as_people_write_them(value: float, decimals: int, de: str, en: str) -> None:
    assert format_number(value, decimals, "de") == de
    assert format_number(value, decimals, "en") == en


def test_legend_labels_in_the_unit() -> None:
    assert range_label(12.5, 18, 1, "percent", "de") == "12,5 - 18,0 %"
    assert range_label(3, 7.25, 1, "per_1000", "de") == "3,0 - 7,3 je 1.000"
    messages.set_language("en")
    assert range_label(1200, 1500, 0, "euro") == "1,200 - 1,500 €"
    assert range_label(1, 2, 0, "count") == "1 - 2"


def test_catalogue_orders_indicators_by_theme() -> None:
    catalogue = IndicatorCatalogue.from_answer({"version": 3, "themes": [
        {"key": "armut", "name_de": "Armutslagen", "name_en": "Poverty", "position": 7},
        {"key": "bevoelkerung", "name_de": "Bevölkerung", "name_en": "Population", "position": 1}],
        "indicators": [{"key": "b", "theme": "armut", "name_de": "Quote", "name_en": "Rate"},
                       {"key": "a", "theme": "bevoelkerung", "name_de": "Einwohner", "name_en": "Residents"}]})
    assert catalogue.version == 3
    assert [i["key"] for i in catalogue.ordered()] == ["a", "b"]
    assert catalogue.theme_name("armut") == "Armutslagen"
    with pytest.raises(errors.AtlasError):
        IndicatorCatalogue.from_answer({"themes": []})


def test_prepared_upload_refuses_other_files(tmp_path: Path) -> None:
    path = tmp_path / "werte.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(errors.InvalidData, match="werte.pdf"):
        PreparedUpload.from_path(path)
    csv = tmp_path / "werte.csv"
    csv.write_bytes(b"Schluessel;Jahr;Wert\n")
    prepared = PreparedUpload.from_path(csv, "bev_u6", 2024)
    assert prepared.form(True) == {"dry_run": "true", "indicator": "bev_u6", "year": "2024"}
    assert prepared.form(False)["idempotency_key"] == prepared.idempotency_key
    assert prepared.content_type == "text/csv"


class FlakyClient:
    """A stand-in for the network (not for our server): the first answers are lost on the way."""

    def __init__(self, failures: int, answer: dict[str, Any] | None = None,
                 refusal: dict[str, Any] | None = None) -> None:
        self.failures = failures
        self.answer = answer or {"dry_run": False, "applied": True, "rows": []}
        self.refusal = refusal
        self.keys: list[str] = []

    def upload_indicator_values(self, prepared: PreparedUpload, *, dry_run: bool) -> dict[str, Any]:
        self.keys.append(prepared.form(dry_run).get("idempotency_key", ""))
        if self.failures:
            self.failures -= 1
            raise errors.ConnectionFailed(code="timeout")
        if self.refusal is not None:
            raise errors.UploadRefused(self.refusal, code="upload_invalid", status=422)
        return self.answer


def test_a_lost_answer_is_retried_with_the_same_key() -> None:
    prepared = PreparedUpload("werte.csv", b"x")
    client = FlakyClient(failures=2)
    report = upload(client, prepared, dry_run=False)
    assert report.applied and len(client.keys) == 3 and set(client.keys) == {prepared.idempotency_key}
    with pytest.raises(errors.ConnectionFailed):
        upload(FlakyClient(failures=5), prepared, dry_run=False)


def test_a_refused_upload_is_a_report() -> None:
    refusal = {"code": "upload_invalid", "detail": "2 Zeilen sind ungültig.", "rows": [
        {"source": "Zeile 3", "unit": "X", "year": 2020, "status": "invalid", "code": "unknown_unit",
         "reason": "Unbekannte Raumeinheit „X“."},
        {"source": "Zeile 4", "unit": "034590024024", "year": 2020, "status": "new", "new": 5}]}
    report = upload(FlakyClient(failures=0, refusal=refusal), PreparedUpload("w.csv", b"x"), dry_run=False)
    assert not report.applied and not report.sendable
    assert report.counts() == {"new": 1, "changed": 0, "unchanged": 0, "refused": 0, "invalid": 1}
    assert report.rows[0].reason == "Unbekannte Raumeinheit „X“." and report.rows[1].new == 5


def test_report_rows() -> None:
    report = UploadReport.from_answer({"dry_run": True, "rows": [
        {"source": "Zeile 2", "status": "changed", "old": 1.5, "new": 2.5},
        {"source": "Zeile 3", "status": "unchanged", "old": 3, "new": 3}]}, dry_run=True)
    assert report.dry_run and not report.applied and report.sendable
    assert (report.rows[0].old, report.rows[0].new) == (1.5, 2.5)


VALUES_SCHEMA = {"name": "indicator_values", "title": "Indikatorwerte", "geometry_type": None, "crs": "EPSG:25832",
                 "schema_version": 1, "fields": [
                     {"name": "owner", "type": "string"}, {"name": "indicator", "type": "string", "required": True},
                     {"name": "unit", "type": "string", "required": True}, {"name": "level", "type": "string"},
                     {"name": "year", "type": "integer", "required": True}, {"name": "value", "type": "number"},
                     {"name": "provisional", "type": "boolean"}]}


def test_a_layer_without_geometry_is_a_table_of_the_working_copy(tmp_path: Path) -> None:
    """The indicator values travel with the working copy as a GeoPackage attributes table: pulled,
    changed offline, found as a local change, checked without a geometry, read by GDAL."""
    import pyogrio

    from qgis_plugin.core.validation import validate
    from qgis_plugin.core.workcopy import WorkingCopy

    path = tmp_path / "familienatlas.gpkg"
    fid = "6f1c0a5e-0000-5000-8000-000000000001"
    with WorkingCopy(path) as wc:
        wc.create_layer(VALUES_SCHEMA)
        wc.apply_server_feature("indicator_values", {
            "id": fid, "revision": 4, "owner": "034590024024", "deleted": False, "geometry": None,
            "properties": {"indicator": "bev_u6", "unit": "034590024024", "level": "gemeinde", "year": 2023,
                           "value": 2481.0, "provisional": False},
            "review": {"state": "published", "reason": None, "published_revision": 4}})
        wc.update_extent("indicator_values")
        assert wc.local_changes("indicator_values") == []
        wc.connection.execute('UPDATE "indicator_values" SET value = 2500 WHERE uuid = ?', (fid,))
        [change] = wc.local_changes("indicator_values")
        assert (change.op, change.changed_fields, change.geometry) == ("update", ["value"], None)
        assert change.to_wire()["properties"]["value"] == 2500
        assert [p for p in validate(wc) if p.field == "geometry"] == []
        # A value entered by hand (any uuid, as QGIS's form makes one) is sent with the value id the
        # server expects; the same key written twice keeps the second row's own id (the server refuses it).
        wc.connection.execute('INSERT INTO "indicator_values" (uuid, indicator, unit, year, value) '
                              "VALUES ('{aaaaaaaa-0000-4000-8000-000000000000}', 'bev_u6', 'M-01', 2024, 5)")
        wc.connection.execute('INSERT INTO "indicator_values" (uuid, indicator, unit, year, value) '
                              "VALUES ('bbbbbbbb-0000-4000-8000-000000000000', 'bev_u6', 'M-01', 2024, 6)")
        inserts = {c.uuid: c.properties["value"] for c in wc.local_changes("indicator_values") if c.op == "insert"}
        assert inserts == {value_id("bev_u6", "M-01", 2024): 5, "bbbbbbbb-0000-4000-8000-000000000000": 6}
        from sync_server.domain.indicators import values as server_values

        assert value_id("bev_u6", "M-01", 2024) == server_values.value_id("bev_u6", "M-01", 2024)
    assert dict(pyogrio.list_layers(path))["indicator_values"] is None
    frame = pyogrio.read_dataframe(path, layer="indicator_values", read_geometry=False)
    assert frame.iloc[0]["value"] == 2500 and frame.iloc[0]["indicator"] == "bev_u6"


def test_offline_the_map_reads_catalogue_units_and_values_from_the_working_copy(tmp_path: Path) -> None:
    from qgis_plugin.core.api import AtlasClient
    from qgis_plugin.core.indicators import fetch_map_data, load_catalogue
    from qgis_plugin.core.reference import INDICATOR_CATALOGUE_KEY, store_municipalities
    from qgis_plugin.core.workcopy import WorkingCopy

    square = {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]]}
    offline = AtlasClient("http://127.0.0.1:9", timeout=2)  # nothing listens there
    with WorkingCopy(tmp_path / "familienatlas.gpkg") as wc:
        with pytest.raises(errors.ConnectionFailed):
            load_catalogue(offline, wc)  # nothing stored yet
        wc.set_meta(INDICATOR_CATALOGUE_KEY, {"version": 2, "themes": [], "indicators": [{"key": "bev_u6"}]})
        store_municipalities(wc, [{"id": 1, "key": "03459", "name": "Landkreis", "kind": "Landkreis"},
                                  {"id": 2, "key": "M", "name": "Melle", "kind": "Stadt", "parent_id": 1,
                                   "territory": square}])
        wc.create_layer(VALUES_SCHEMA)
        wc.apply_server_feature("indicator_values", {
            "id": "6f1c0a5e-0000-5000-8000-000000000001", "revision": 4, "owner": "M",
            "properties": {"indicator": "bev_u6", "unit": "M", "level": "gemeinde", "year": 2023, "value": 7.0},
            "review": {"state": "pending"}})
        assert load_catalogue(offline, wc).version == 2
        units, answer = fetch_map_data(offline, "bev_u6", "gemeinde", wc)
    assert [(u.key, u.name) for u in units] == [("M", "Melle")]
    assert answer["offline"] and years_of(answer) == [2023]
    assert values_table(answer, 2023)["M"]["value"] == 7.0
