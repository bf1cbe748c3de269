"""Reference data in the working copy (qgis_plugin/core/reference.py) from the real server: the
territories become a GeoPackage layer GDAL reads, the catalogue and the user go into fa_meta."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyogrio

from qgis_plugin.core import reference
from qgis_plugin.core.api import AtlasClient
from qgis_plugin.core.sync import Synchronizer
from qgis_plugin.core.validation import point_in_polygon, validate
from qgis_plugin.core.workcopy import WorkingCopy
from tests.support import BRAMSCHE, MELLE, demo_password


def test_checkout_with_reference_data(live_server: Any, tmp_path: Path) -> None:
    client = AtlasClient(live_server.url)
    client.login("melle.editor", demo_password("melle.editor"))
    with WorkingCopy.in_folder(tmp_path) as wc:
        Synchronizer(client, wc).checkout()
        reference.refresh_reference_data(client, wc)
        server = client.municipalities()
        assert {m["key"] for m in server} == set(reference.municipalities(wc))
        assert reference.own_municipality_key(wc) == MELLE
        assert reference.user(wc)["role"] == "editor"
        top = [(c["key"], c["color"]) for c in client.categories() if c["parent_id"] is None]
        assert [(c["key"], c["color"]) for c in reference.top_level_categories(wc)] == top
        assert all(color and color.startswith("#") for _key, color in top)
        assert all(c["parent_id"] is None for c in reference.top_level_categories(wc))
        melle = reference.territory(wc, MELLE)
        assert melle["type"] == "MultiPolygon"
        # Every institution Melle owns lies in Melle's stored territory (the demo keeps them off the border).
        own = [s for s in wc.rows("institutions") if s.properties["owner"] == MELLE]
        assert own and all(point_in_polygon(tuple(s.geometry["coordinates"]), melle) for s in own)
        assert not point_in_polygon(tuple(own[0].geometry["coordinates"]), reference.territory(wc, BRAMSCHE))
        assert validate(wc) == []
        # A refresh replaces the rows instead of adding to them.
        reference.store_municipalities(wc, server)
        assert len(reference.municipalities(wc)) == len(server)
    info = pyogrio.read_info(tmp_path / "familienatlas.gpkg", layer=reference.MUNICIPALITIES_TABLE)
    assert info["features"] == len(server)
    assert info["geometry_type"] == "MultiPolygon"
    assert info["crs"] == "EPSG:25832"
    layers = {name for name, kind in pyogrio.list_layers(tmp_path / "familienatlas.gpkg") if kind}
    assert layers == {"institutions", "spatial_units", reference.MUNICIPALITIES_TABLE}


def test_sync_holds_back_what_the_checks_found(live_server: Any, tmp_path: Path) -> None:
    """``Synchronizer.sync(hold_back=...)`` sends everything else, keeps the held-back edit local
    (the pull does not overwrite it) and sends it once it is no longer held back."""
    client = AtlasClient(live_server.url)
    client.login("melle.editor", demo_password("melle.editor"))
    admin = AtlasClient(live_server.url)
    admin.login("admin", demo_password("admin"))
    with WorkingCopy.in_folder(tmp_path) as wc:
        sync = Synchronizer(client, wc)
        sync.checkout()
        held, sent = [s for s in wc.rows("institutions")
                      if s.properties["owner"] == MELLE and s.state == "published"][:2]
        for state, phone in ((held, "05422 111"), (sent, "05422 222")):
            state.properties["phone"] = phone
            wc.write_row("institutions", state)
        report = sync.sync(hold_back={"institutions": {held.uuid}})
        assert (report.sent, report.accepted, report.refused) == (1, 1, [])
        pending = {p["id"] for p in admin.pending(layer="institutions")}
        assert sent.uuid in pending and held.uuid not in pending
        assert wc.read_row("institutions", held.uuid).properties["phone"] == "05422 111"
        assert [c.uuid for c in wc.local_changes("institutions")] == [held.uuid]
        report = sync.sync()
        assert (report.sent, report.accepted) == (1, 1)
        assert held.uuid in {p["id"] for p in admin.pending(layer="institutions")}
