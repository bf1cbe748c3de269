"""The working copy: a GeoPackage GDAL reads, and change detection however the file was written."""

from __future__ import annotations

import sqlite3
import struct
import uuid
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from qgis_plugin.core import wkb
from qgis_plugin.core.errors import AtlasError
from qgis_plugin.core.geopackage import GPKG_APPLICATION_ID, GPKG_USER_VERSION
from qgis_plugin.core.values import canonical_uuid, normalise_value
from qgis_plugin.core.workcopy import Change, WorkingCopy

from .conftest import INSTITUTIONS, SPATIAL_UNITS, TYPED, institution, spatial_unit

UUID1 = str(uuid.UUID(int=1))
UUID2 = str(uuid.UUID(int=2))
UUID3 = str(uuid.UUID(int=3))


def other_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection, like another program writing the file (no extra SQL functions)."""
    return sqlite3.connect(str(path), isolation_level=None)


def gdal_style_blob(geometry: shapely.Geometry, srs_id: int = 25832) -> bytes:
    """A GeoPackage blob without envelope, built from GEOS's WKB, as GDAL writes points."""
    return b"GP" + bytes([0, 0b0000_0001]) + struct.pack("<i", srs_id) + shapely.to_wkb(geometry, byte_order=1)


# ---------------------------------------------------------------------- a valid GeoPackage


def test_file_is_a_geopackage(workcopy: WorkingCopy, gpkg_path: Path) -> None:
    con = other_connection(gpkg_path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == GPKG_APPLICATION_ID
    assert con.execute("PRAGMA user_version").fetchone()[0] == GPKG_USER_VERSION
    srs = {row[0]: row for row in con.execute(
        "SELECT srs_id, organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys")}
    assert {-1, 0, 4326, 25832} <= set(srs)
    assert srs[25832][1:3] == ("EPSG", 25832)
    assert srs[25832][3].startswith('PROJCS["ETRS89 / UTM zone 32N"')
    contents = con.execute("SELECT table_name, data_type, srs_id FROM gpkg_contents ORDER BY table_name").fetchall()
    assert contents == [("institutions", "features", 25832), ("spatial_units", "features", 25832)]
    columns = con.execute("SELECT table_name, column_name, geometry_type_name, srs_id, z, m "
                          "FROM gpkg_geometry_columns ORDER BY table_name").fetchall()
    assert columns == [("institutions", "geom", "POINT", 25832, 0, 0),
                       ("spatial_units", "geom", "MULTIPOLYGON", 25832, 0, 0)]
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not con.execute("SELECT name FROM sqlite_master WHERE name LIKE 'rtree%'").fetchall()
    con.close()


def test_gdal_reads_layers_with_crs_and_values(workcopy: WorkingCopy, gpkg_path: Path) -> None:
    workcopy.close()  # also proves nothing is left uncommitted
    layers = dict(pyogrio.list_layers(gpkg_path))
    assert layers["institutions"] == "Point"
    assert layers["spatial_units"] == "MultiPolygon"
    info = pyogrio.read_info(gpkg_path, layer="institutions")
    assert info["crs"] == "EPSG:25832"
    assert info["features"] == 3
    assert info["fid_column"] == "fid"
    assert info["geometry_name"] == "geom"
    fields = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert fields["age_min"].startswith("OFTInteger")
    assert fields["last_checked"] == "OFTDate"
    assert fields["description"] == "OFTString"
    assert "fa_revision" in fields and "fa_state" in fields and "uuid" in fields
    frame = pyogrio.read_dataframe(gpkg_path, layer="institutions").sort_values("uuid")
    assert frame.crs.to_epsg() == 25832
    first = frame.iloc[0]
    assert first["uuid"] == UUID1
    assert first["name"] == "Kita Nr. 1"
    assert first["owner"] == "034590024024"
    assert first["fa_revision"] == 11
    assert first["fa_state"] == "published"
    assert str(first["last_checked"])[:10] == "2024-03-01"
    assert first.geometry.equals(shapely.Point(434512.25, 5792301.75))
    units = pyogrio.read_dataframe(gpkg_path, layer="spatial_units")
    assert units.crs.to_epsg() == 25832
    expected = shapely.geometry.shape(spatial_unit(1)["geometry"])
    assert units.geometry.iloc[0].equals(expected)
    assert info["total_bounds"] == pytest.approx((434512.25, 5792301.75, 434512.25, 5792301.75))


def test_gdal_reads_every_field_type(gpkg_path: Path) -> None:
    with WorkingCopy(gpkg_path) as wc:
        wc.create_layer(TYPED)
        wc.apply_server_feature("typed", {
            "id": UUID1, "revision": 1, "owner": "03459",
            "properties": {"label": "x", "note": "long\ntext", "count": 3, "share": 0.25, "active": True,
                           "checked": "2024-12-31"},
            "geometry": {"type": "Point", "coordinates": [1.0, 2.0]}})
    info = pyogrio.read_info(gpkg_path, layer="typed")
    types = dict(zip(info["fields"], zip(info["ogr_types"], info["ogr_subtypes"], strict=True), strict=True))
    assert types["active"] == ("OFTInteger", "OFSTBoolean")
    assert types["share"][0] == "OFTReal"
    assert types["checked"][0] == "OFTDate"
    row = pyogrio.read_dataframe(gpkg_path, layer="typed").iloc[0]
    assert bool(row["active"]) is True
    assert row["count"] == 3
    assert row["share"] == 0.25


# ---------------------------------------------------------------------- change detection


def test_fresh_checkout_has_no_changes(workcopy: WorkingCopy) -> None:
    assert workcopy.local_changes("institutions") == []
    assert workcopy.local_changes("spatial_units") == []


def test_update_by_another_connection(workcopy: WorkingCopy, gpkg_path: Path) -> None:
    con = other_connection(gpkg_path)
    con.execute("UPDATE institutions SET name = 'Kita Regenbogen', age_max = 10 WHERE uuid = ?", (UUID2,))
    con.close()
    [change] = workcopy.local_changes("institutions")
    assert change.op == "update"
    assert change.uuid == UUID2
    assert change.base_revision == 12
    assert sorted(change.changed_fields) == ["age_max", "name"]
    assert change.properties["name"] == "Kita Regenbogen"
    assert change.properties["category"] == "kita"  # the full set of properties
    assert set(change.properties) == {f["name"] for f in INSTITUTIONS["fields"]}
    assert change.geometry == {"type": "Point", "coordinates": [434512.25, 5792301.75]}
    assert workcopy.read_row("institutions", UUID2).state == "local"


def test_one_local_change_is_discarded_and_the_others_stay(workcopy: WorkingCopy, gpkg_path: Path) -> None:
    con = other_connection(gpkg_path)
    con.execute("UPDATE institutions SET name = 'Kita Regenbogen' WHERE uuid = ?", (UUID1,))
    con.execute("UPDATE institutions SET phone = '1' WHERE uuid = ?", (UUID2,))
    con.execute("DELETE FROM institutions WHERE uuid = ?", (UUID3,))
    con.execute(f"INSERT INTO institutions (uuid, category, name) VALUES ('{uuid.UUID(int=99)}', 'kita', 'Neu')")
    con.close()
    assert len(workcopy.local_changes("institutions")) == 4
    workcopy.record_refusal("institutions", UUID1, "invalid_change", "Name zu kurz")
    for fid in (UUID1, UUID3, str(uuid.UUID(int=99))):
        workcopy.discard_change("institutions", fid)
    assert [(c.op, c.uuid) for c in workcopy.local_changes("institutions")] == [("update", UUID2)]
    assert workcopy.read_row("institutions", UUID1) == workcopy.read_base("institutions", UUID1)
    assert workcopy.read_row("institutions", UUID3).properties["name"] == "Kita Nr. 3"  # the deleted one is back
    assert workcopy.refusals("institutions") == []
    # A change in an interrupted push is re-sent as it was: discarding it is refused.
    workcopy.write_outbox("institutions", "key", 1, workcopy.local_changes("institutions"))
    with pytest.raises(AtlasError, match="unterbrochenen Übertragung"):
        workcopy.discard_change("institutions", UUID2)


def test_geometry_move_is_detected_beyond_a_millimetre(workcopy: WorkingCopy, gpkg_path: Path) -> None:
    con = other_connection(gpkg_path)
    con.execute("UPDATE institutions SET geom = ? WHERE uuid = ?",
                (gdal_style_blob(shapely.Point(434512.2504, 5792301.7496)), UUID1))
    con.execute("UPDATE institutions SET geom = ? WHERE uuid = ?",
                (gdal_style_blob(shapely.Point(434512.26, 5792301.75)), UUID2))
    con.close()
    changes = workcopy.local_changes("institutions")
    assert [(c.uuid, c.changed_fields) for c in changes] == [(UUID2, ["geometry"])]
    assert changes[0].geometry == {"type": "Point", "coordinates": [434512.26, 5792301.75]}


def test_rewriting_the_same_values_is_no_change(gpkg_path: Path) -> None:
    with WorkingCopy(gpkg_path) as wc:
        wc.create_layer(TYPED)
        wc.apply_server_feature("typed", {
            "id": UUID1, "revision": 5, "owner": "03459",
            "properties": {"label": None, "note": "", "count": 3, "share": 2, "active": True,
                           "checked": "2024-12-31"},
            "geometry": {"type": "Point", "coordinates": [1.0, 2.0]}})
        assert wc.local_changes("typed") == []
        con = other_connection(gpkg_path)
        # Spellings QGIS, GDAL or a script may use for the very same values:
        con.execute("UPDATE typed SET label = '', note = NULL, count = 3.0, share = '2.0', active = 'true', "
                    "checked = '2024-12-31T00:00:00', owner = '03459' WHERE uuid = ?", (UUID1,))
        con.close()
        assert wc.local_changes("typed") == []
        con = other_connection(gpkg_path)
        con.execute("UPDATE typed SET active = 0, note = 'x' WHERE uuid = ?", (UUID1,))
        con.close()
        [change] = wc.local_changes("typed")
        assert sorted(change.changed_fields) == ["active", "note"]
        assert change.properties["active"] is False
        assert change.properties["count"] == 3 and isinstance(change.properties["count"], int)
        assert change.properties["share"] == 2.0
        assert change.properties["checked"] == "2024-12-31"


def test_insert_without_uuid_gets_one_written_back(workcopy: WorkingCopy, gpkg_path: Path) -> None:
    con = other_connection(gpkg_path)
    con.execute("INSERT INTO institutions (geom, category, name, age_min) VALUES (?, 'beratung', 'Neu', 3)",
                (gdal_style_blob(shapely.Point(435000, 5793000)),))
    con.execute("INSERT INTO institutions (uuid, geom, category, name) VALUES (?, NULL, 'kita', 'Klammern')",
                ("{6F9619FF-8B86-D011-B42D-00C04FC964FF}",))
    con.execute("INSERT INTO institutions (uuid, category, name) VALUES ('kein-uuid', 'kita', 'Kaputt')")
    con.close()
    changes = workcopy.local_changes("institutions")
    assert [c.op for c in changes] == ["insert", "insert", "insert"]
    new, braces, broken = changes
    assert canonical_uuid(new.uuid) == new.uuid
    assert new.base_revision is None
    assert new.properties["name"] == "Neu" and new.properties["age_min"] == 3
    assert new.geometry == {"type": "Point", "coordinates": [435000.0, 5793000.0]}
    assert braces.uuid == "6f9619ff-8b86-d011-b42d-00c04fc964ff"
    assert braces.geometry is None
    assert canonical_uuid(broken.uuid) == broken.uuid
    # The ids are now stored, so the next look finds the same features with the same ids.
    again = workcopy.local_changes("institutions")
    assert [c.uuid for c in again] == [c.uuid for c in changes]
    con = other_connection(gpkg_path)
    stored = {row[0] for row in con.execute("SELECT uuid FROM institutions")}
    con.close()
    assert {new.uuid, braces.uuid, broken.uuid} <= stored


def test_rows_rewritten_in_another_spelling_are_compared_once(workcopy: WorkingCopy, gpkg_path: Path) -> None:
    """Unchanged bytes are passed over by their digest; the same values in another spelling are
    compared in full once, found equal, and then passed over too."""
    con = other_connection(gpkg_path)
    con.execute("UPDATE institutions SET website = '', last_checked = last_checked || 'T00:00:00' "
                "WHERE uuid = ?", (UUID2,))  # NULL -> '' and a date as a date-time: the same values
    con.close()
    digest = "SELECT digest FROM fa_base WHERE uuid = ?"
    before = workcopy.connection.execute(digest, (UUID2,)).fetchone()[0]
    assert workcopy.local_changes("institutions") == []
    healed = workcopy.connection.execute(digest, (UUID2,)).fetchone()[0]
    assert healed != before
    assert workcopy.local_changes("institutions") == []
    con = other_connection(gpkg_path)
    con.execute("UPDATE institutions SET age_max = 11 WHERE uuid = ?", (UUID2,))
    con.close()
    [change] = workcopy.local_changes("institutions")
    assert (change.uuid, change.changed_fields, change.properties["age_max"]) == (UUID2, ["age_max"], 11)


def test_a_working_copy_without_digests_is_upgraded(gpkg_path: Path) -> None:
    wc = WorkingCopy(gpkg_path)
    wc.create_layer(INSTITUTIONS)
    wc.apply_server_feature("institutions", institution(1, revision=11))
    wc.close()
    con = other_connection(gpkg_path)
    con.execute("ALTER TABLE fa_base DROP COLUMN digest")  # as made by an earlier plugin version
    con.execute("UPDATE institutions SET phone = '05422 1'")
    con.close()
    with WorkingCopy(gpkg_path) as wc:
        [change] = wc.local_changes("institutions")
        assert change.changed_fields == ["phone"]
        assert wc.connection.execute("SELECT digest FROM fa_base").fetchone()[0] is None
        wc.apply_server_feature("institutions", institution(1, revision=12, phone="05422 1"))
        assert wc.local_changes("institutions") == []
        assert wc.connection.execute("SELECT digest FROM fa_base").fetchone()[0] is not None


def test_delete_by_another_connection(workcopy: WorkingCopy, gpkg_path: Path) -> None:
    con = other_connection(gpkg_path)
    con.execute("DELETE FROM institutions WHERE uuid = ?", (UUID3,))
    con.close()
    [change] = workcopy.local_changes("institutions")
    assert (change.op, change.uuid, change.base_revision) == ("delete", UUID3, 13)
    assert change.to_wire() == {"op": "delete", "id": UUID3, "base_revision": 13}


def test_insert_appended_by_gdal(workcopy: WorkingCopy, gpkg_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"category": ["familienzentrum"], "name": ["Familienzentrum Mitte"], "age_min": [0],
         "last_checked": ["2025-01-15"]},
        geometry=[shapely.Point(436000.5, 5793000.25)], crs="EPSG:25832")
    pyogrio.write_dataframe(frame, gpkg_path, layer="institutions", append=True)
    [change] = workcopy.local_changes("institutions")
    assert change.op == "insert"
    assert change.properties["name"] == "Familienzentrum Mitte"
    assert change.properties["age_min"] == 0
    assert change.properties["last_checked"] == "2025-01-15"
    assert change.geometry == {"type": "Point", "coordinates": [436000.5, 5793000.25]}
    # and GDAL sees the uuid we wrote back
    frame = pyogrio.read_dataframe(gpkg_path, layer="institutions")
    assert change.uuid in set(frame["uuid"])


def test_polygon_in_multipolygon_layer_counts_as_the_same_geometry(workcopy: WorkingCopy, gpkg_path: Path) -> None:
    unit = spatial_unit(1)
    single = unit["geometry"]["coordinates"][0]
    con = other_connection(gpkg_path)
    con.execute("UPDATE spatial_units SET geom = ? WHERE uuid = ?", (
        wkb.geojson_to_gpkg({"type": "Polygon", "coordinates": single}), unit["id"]))
    con.close()
    [change] = workcopy.local_changes("spatial_units")
    assert change.changed_fields == ["geometry"]
    assert change.geometry == {"type": "MultiPolygon", "coordinates": [single]}


def test_undone_edit_restores_the_state_column(workcopy: WorkingCopy, gpkg_path: Path) -> None:
    con = other_connection(gpkg_path)
    con.execute("UPDATE institutions SET phone = '0541 1' WHERE uuid = ?", (UUID1,))
    assert len(workcopy.local_changes("institutions")) == 1
    assert con.execute("SELECT fa_state FROM institutions WHERE uuid = ?", (UUID1,)).fetchone()[0] == "local"
    con.execute("UPDATE institutions SET phone = NULL WHERE uuid = ?", (UUID1,))
    assert workcopy.local_changes("institutions") == []
    assert con.execute("SELECT fa_state FROM institutions WHERE uuid = ?", (UUID1,)).fetchone()[0] == "published"
    con.close()


# ---------------------------------------------------------------------- server state


def test_server_features_overwrite_and_delete(workcopy: WorkingCopy) -> None:
    workcopy.apply_server_feature("institutions", institution(1, revision=30, name="Umbenannt", state="pending"))
    row = workcopy.read_row("institutions", UUID1)
    assert row.properties["name"] == "Umbenannt"
    assert (row.revision, row.state) == (30, "pending")
    assert workcopy.read_base("institutions", UUID1).revision == 30
    workcopy.apply_server_feature("institutions", institution(2, revision=31, deleted=True))
    assert workcopy.read_row("institutions", UUID2) is None
    assert workcopy.read_base("institutions", UUID2) is None
    assert workcopy.local_changes("institutions") == []


def test_owner_from_the_feature_envelope(workcopy: WorkingCopy) -> None:
    assert workcopy.read_row("institutions", UUID1).properties["owner"] == "034590024024"
    assert workcopy.read_base("institutions", UUID1).properties["owner"] == "034590024024"


def test_triggers_added_by_gdal_do_not_break_writes(workcopy: WorkingCopy, gpkg_path: Path,
                                                     tmp_path: Path) -> None:
    """QGIS (through GDAL) may add an R-tree whose triggers call ST_* functions sqlite3 lacks."""
    template = tmp_path / "gdal.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"name": ["x"]}, geometry=[shapely.Point(0, 0)], crs="EPSG:25832"),
                            template, layer="institutions")
    source = other_connection(template)
    ddl = [row[0] for row in source.execute(
        "SELECT sql FROM sqlite_master WHERE (type = 'table' AND name = 'rtree_institutions_geom') "
        "OR (type = 'trigger' AND name LIKE 'rtree_institutions_geom_%')")]
    extensions_ddl = source.execute("SELECT sql FROM sqlite_master WHERE name = 'gpkg_extensions'").fetchone()[0]
    source.close()
    assert len(ddl) > 5
    con = workcopy.connection
    with workcopy.transaction():
        for statement in ddl:
            con.execute(statement)
        con.execute(extensions_ddl)
        con.execute("INSERT INTO gpkg_extensions VALUES ('institutions', 'geom', 'gpkg_rtree_index', "
                    "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')")
        con.execute("INSERT INTO rtree_institutions_geom SELECT fid, ST_MinX(geom), ST_MaxX(geom), "
                    "ST_MinY(geom), ST_MaxY(geom) FROM institutions WHERE geom IS NOT NULL")

    # Plain sqlite3 cannot write any more ...
    plain = other_connection(gpkg_path)
    with pytest.raises(sqlite3.OperationalError, match="no such function"):
        plain.execute("UPDATE institutions SET geom = geom WHERE uuid = ?", (UUID1,))
    plain.close()
    # ... but the working copy can, and keeps the index right.
    with WorkingCopy(gpkg_path) as wc:
        wc.apply_server_feature("institutions", institution(1, revision=40, x=434000.0, y=5790000.0))
        wc.apply_server_feature("institutions", institution(7, revision=41, x=440000.0, y=5795000.0))
        wc.apply_server_feature("institutions", institution(3, revision=42, deleted=True))
        index = {row[0]: tuple(row[1:]) for row in wc.connection.execute(
            "SELECT i.uuid, r.minx, r.maxx, r.miny, r.maxy FROM rtree_institutions_geom r "
            "JOIN institutions i ON i.fid = r.id")}
        assert index[UUID1] == pytest.approx((434000.0, 434000.0, 5790000.0, 5790000.0))
        assert index[str(uuid.UUID(int=7))] == pytest.approx((440000.0, 440000.0, 5795000.0, 5795000.0))
        assert UUID3 not in index
        assert wc.connection.execute("SELECT count(*) FROM rtree_institutions_geom").fetchone()[0] == 3
        assert wc.local_changes("institutions") == []
    # GDAL uses the index for a spatial filter and finds the moved feature.
    hits = pyogrio.read_dataframe(gpkg_path, layer="institutions", bbox=(433000, 5789000, 435000, 5791000))
    assert list(hits["uuid"]) == [UUID1]


# ---------------------------------------------------------------------- bookkeeping


def test_outbox_survives_reopening(workcopy: WorkingCopy, gpkg_path: Path) -> None:
    changes = [Change("update", UUID1, 11, {"name": "x", "owner": None}, {"type": "Point", "coordinates": [1, 2]},
                      ["name"]),
               Change("delete", UUID2, 12)]
    workcopy.write_outbox("institutions", "key-1", 1, changes)
    workcopy.close()
    with WorkingCopy(gpkg_path) as reopened:
        outbox = reopened.outbox("institutions")
        assert outbox.idempotency_key == "key-1"
        assert outbox.schema_version == 1
        assert outbox.changes == changes
        assert outbox.changes[0].to_wire() == {"op": "update", "id": UUID1, "base_revision": 11,
                                               "properties": {"name": "x"},
                                               "geometry": {"type": "Point", "coordinates": [1, 2]}}
        assert reopened.outbox("spatial_units") is None
        reopened.clear_outbox("institutions")
        assert reopened.outbox("institutions") is None


def test_insert_wire_format_has_no_base_revision() -> None:
    change = Change("insert", UUID1, None, {"name": "n", "owner": "034590024024"}, None)
    assert change.to_wire() == {"op": "insert", "id": UUID1, "properties": {"name": "n", "owner": "034590024024"},
                                "geometry": None}


def test_refusals(workcopy: WorkingCopy) -> None:
    workcopy.record_refusal("institutions", UUID1, "not_owner", "Gehört Bramsche")
    workcopy.record_refusal("institutions", UUID1, "outside_territory", "Liegt außerhalb")
    [refusal] = workcopy.refusals("institutions")
    assert (refusal.uuid, refusal.code, refusal.message) == (UUID1, "outside_territory", "Liegt außerhalb")
    workcopy.clear_refusal("institutions", UUID1)
    assert workcopy.refusals("institutions") == []


def test_meta_and_cursor(workcopy: WorkingCopy, gpkg_path: Path) -> None:
    workcopy.set_cursor("institutions", 99)
    workcopy.close()
    with WorkingCopy(gpkg_path) as reopened:
        assert reopened.server_url == "https://atlas.example"
        assert reopened.username == "editor.osnabrueck"
        assert reopened.cursor("institutions") == 99
        assert reopened.cursor("spatial_units") == 20
        assert reopened.layer_names() == ["institutions", "spatial_units"]
        assert reopened.schema_version("institutions") == 1
        assert reopened.schema("spatial_units")["fields"][1]["name"] == "level"


def test_transaction_rolls_back_everything(workcopy: WorkingCopy) -> None:
    with pytest.raises(RuntimeError), workcopy.transaction():
        workcopy.apply_server_feature("institutions", institution(1, revision=50, name="nie"))
        workcopy.set_cursor("institutions", 50)
        raise RuntimeError("killed")
    assert workcopy.read_row("institutions", UUID1).properties["name"] == "Kita Nr. 1"
    assert workcopy.cursor("institutions") == 13


def test_replacing_a_layer_drops_its_bookkeeping(workcopy: WorkingCopy) -> None:
    workcopy.record_refusal("institutions", UUID1, "x", "y")
    workcopy.create_layer({**INSTITUTIONS, "schema_version": 2}, replace=True)
    assert workcopy.count("institutions") == 0
    assert workcopy.cursor("institutions") == 0
    assert workcopy.refusals("institutions") == []
    assert workcopy.local_changes("institutions") == []
    assert workcopy.schema_version("institutions") == 2
    assert workcopy.count("spatial_units") == 1


def test_reserved_field_names_are_refused(gpkg_path: Path) -> None:
    with WorkingCopy(gpkg_path) as wc, pytest.raises(ValueError):
        wc.create_layer({**SPATIAL_UNITS, "name": "bad", "fields": [{"name": "fa_state", "type": "string"}]})


@pytest.mark.parametrize(("field_type", "value", "expected"), [
    ("string", "", None),
    ("string", 12, "12"),
    ("text", "a\nb", "a\nb"),
    ("integer", 3.0, 3),
    ("integer", "7", 7),
    ("integer", "x", "x"),
    ("number", "2.5", 2.5),
    ("number", 2, 2.0),
    ("boolean", 1, True),
    ("boolean", "false", False),
    ("boolean", "ja", True),
    ("date", "2024-01-02T10:00:00", "2024-01-02"),
    ("date", "", None),
    ("date", None, None),
])
def test_normalise_value(field_type: str, value: object, expected: object) -> None:
    result = normalise_value(field_type, value)
    assert result == expected
    assert type(result) is type(expected)
