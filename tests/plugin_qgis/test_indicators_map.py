""""Indikator als Karte" in real QGIS: the graduated layer of known values (classes, colours, legend
in the unit, a hatched suppressed unit, grey for no value)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import NULL, QgsExpressionContextUtils, QgsLinePatternFillSymbolLayer, QgsRenderContext

from qgis_plugin.core.indicators import MapUnit
from qgis_plugin.gui.indicator_map import (
    JENKS,
    QUANTILE,
    RAMP_JUDGED,
    build_indicator_layer,
    missing_label,
    suppressed_label,
)

GESMOLD = "034590024024-05"  # an Ortsteil of Melle
INDICATOR = {"key": "sgb2_quote_u15", "name_de": "SGB-II-Quote unter 15", "name_en": "SGB II rate under 15",
             "unit": "percent", "kind": "share", "decimals": 1, "polarity": "higher_worse",
             "levels": ["gemeinde"]}


def square(index: int) -> dict[str, Any]:
    x, y = 430_000.0 + index * 1000, 5_790_000.0
    return {"type": "MultiPolygon", "coordinates": [[[[x, y], [x + 900, y], [x + 900, y + 900], [x, y + 900],
                                                      [x, y]]]]}


def known_data(values: list[float | None]) -> tuple[list[MapUnit], dict[str, Any]]:
    """Units U0.. with the given values in 2023; None is suppressed, the last unit has no value."""
    units = [MapUnit(f"U{i}", f"Gemeinde {i}", square(i)) for i in range(len(values) + 1)]
    entries = [{"unit": f"U{i}", "name": f"Gemeinde {i}", "year": 2023, "value": v,
                "suppressed": v is None} for i, v in enumerate(values)]
    entries.append({"unit": "U0", "year": 2022, "value": 99.0, "suppressed": False})  # another year: ignored
    return units, {"indicator": INDICATOR["key"], "level": "gemeinde", "years": [2022, 2023], "values": entries}


def symbol_of(layer: Any, key: str) -> Any:
    context = QgsRenderContext()
    context.expressionContext().appendScope(QgsExpressionContextUtils.layerScope(layer))
    renderer = layer.renderer().clone()
    renderer.startRender(context, layer.fields())
    feature = next(f for f in layer.getFeatures() if f["key"] == key)
    context.expressionContext().setFeature(feature)  # as the map renderer does before asking
    symbol = renderer.symbolForFeature(feature, context).clone()  # the renderer owns the original
    renderer.stopRender(context)
    return symbol


def test_known_values_make_the_right_classes(qgis_app: Any, tmp_path: Path) -> None:
    values = [2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, None]
    units, answer = known_data(values)
    layer = build_indicator_layer(units, answer, INDICATOR, "gemeinde", 2023, method=QUANTILE, classes=4)
    assert layer.isValid() and layer.featureCount() == 10
    ranges = layer.renderer().ranges()
    labels = [r.label() for r in ranges]
    assert labels == ["2,0 - 5,5 %", "5,5 - 9,0 %", "9,0 - 12,5 %", "12,5 - 16,0 %",
                      suppressed_label(), missing_label()]
    # Light (good) to dark (bad) for higher_worse: the first and last colours are the ramp's ends.
    assert ranges[0].symbol().color().name() == RAMP_JUDGED[0]
    assert ranges[3].symbol().color().name() == RAMP_JUDGED[-1]
    assert symbol_of(layer, "U0").color().name() == RAMP_JUDGED[0]
    assert symbol_of(layer, "U7").color().name() == RAMP_JUDGED[-1]
    # The suppressed unit: no number in the layer, drawn hatched, its own legend entry.
    suppressed = next(f for f in layer.getFeatures() if f["key"] == "U8")
    assert suppressed["status"] == "suppressed" and suppressed["value"] in (None, NULL)
    hatched = symbol_of(layer, "U8")
    assert any(isinstance(hatched.symbolLayer(i), QgsLinePatternFillSymbolLayer)
               for i in range(hatched.symbolLayerCount()))
    assert symbol_of(layer, "U9").color().name() == "#d9d9d9"
    legend = [item.label() for item in layer.renderer().legendSymbolItems()]
    assert legend[-2:] == ["nicht ausgewiesen (Geheimhaltung)", "kein Wert"]

    # higher_better turns the ramp round; Jenks finds the natural gap; a GeoPackage keeps it all.
    units, answer = known_data([1.0, 1.5, 2.0, 20.0, 21.0, 22.0])
    better = {**INDICATOR, "polarity": "higher_better", "decimals": 0, "unit": "per_1000"}
    layer = build_indicator_layer(units, answer, better, "gemeinde", 2023, method=JENKS, classes=2,
                                  path=tmp_path / "karte.gpkg")
    assert layer.providerType() == "ogr" and layer.featureCount() == 7
    ranges = layer.renderer().ranges()
    assert [r.label() for r in ranges[:2]] == ["1 - 2 je 1.000", "2 - 22 je 1.000"]
    assert ranges[0].symbol().color().name() == RAMP_JUDGED[-1]
    assert symbol_of(layer, "U5").color().name() == RAMP_JUDGED[0]


def test_the_working_copy_values_table_is_a_layer_of_the_group(qgis_app: Any, tmp_path: Path) -> None:
    from qgis.core import QgsProject, QgsWkbTypes

    from qgis_plugin.core.reference import store_user
    from qgis_plugin.core.workcopy import WorkingCopy
    from qgis_plugin.gui import project
    from tests.plugin_core.test_core_indicators import VALUES_SCHEMA

    with WorkingCopy(tmp_path / "familienatlas.gpkg") as wc:
        wc.create_layer(VALUES_SCHEMA)
        store_user(wc, {"username": "melle.editor", "role": "editor", "municipality": {"key": "034590024024"}})
        wc.apply_server_feature("indicator_values", {
            "id": "6f1c0a5e-0000-5000-8000-000000000001", "revision": 4, "owner": "034590024024",
            "properties": {"indicator": "bev_u6", "unit": "034590024024", "year": 2023, "value": 2481.0},
            "review": {"state": "pending"}})
        try:
            project.add_working_copy_layers(wc)
            [layer] = project.working_copy_layers(wc.path)
            assert layer.name() == "Indikatorwerte" and layer.isValid() and not layer.readOnly()
            assert layer.geometryType() == QgsWkbTypes.GeometryType.NullGeometry
            assert [f["value"] for f in layer.getFeatures()] == [2481.0]
        finally:
            project.remove_working_copy_layers(wc.path)
            QgsProject.instance().clear()


def test_values_travel_with_the_working_copy_and_serve_the_map_offline(live_server: Any, plugin: Any,
                                                                       tmp_path: Path) -> None:
    """Checked out, the working copy holds the values table; a value entered offline in QGIS goes to
    the server with the next sync (pending); with the server gone, the map takes catalogue, units and
    values from the working copy."""
    from qgis.core import QgsFeature, QgsWkbTypes

    from qgis_plugin.gui.indicator_map import IndicatorMapDialog

    from .plugin_support import checkout, layer_by_role, login, synchronise, wait_until

    checkout(plugin, live_server.url, "melle.editor", tmp_path / "melle")
    values = layer_by_role(plugin, project_roles().ROLE_VALUES)
    assert values.geometryType() == QgsWkbTypes.GeometryType.NullGeometry and not values.readOnly()
    assert values.startEditing()
    feature = QgsFeature(values.fields())
    for name, value in {"uuid": "0b9b1e8e-2f4b-5c1a-9d8e-000000002025", "owner": "034590024024",
                        "indicator": "bev_u6", "unit": GESMOLD, "level": "ortsteil", "year": 2025,
                        "value": 1234.0}.items():
        feature[name] = value
    assert values.addFeature(feature) and values.commitChanges(), values.commitErrors()
    run = synchronise(plugin)
    assert run.error is None and run.problems == [], (run.error, run.problems)
    report = run.reports[-1]
    assert (report.sent, report.accepted, report.refused) == (1, 1, []), report.refused
    admin = login(live_server.url, "admin")
    [pending] = [p["after"]["properties"] for p in admin.pending(layer="indicator_values")
                 if p["after"]["properties"]["year"] == 2025]
    assert (pending["unit"], pending["value"]) == (GESMOLD, 1234)

    live_server.stop()
    dialog = IndicatorMapDialog(plugin.client, plugin.workcopy)
    dialog.load()
    wait_until(lambda: not dialog.loading and dialog.indicator_combo.count() > 0, what="the stored catalogue")
    dialog.select("bev_u6", "ortsteil")
    wait_until(lambda: not dialog.loading, what="the values")
    assert dialog.ready and "Arbeitskopie" in dialog.status.text(), dialog.status.text()
    layer = dialog.build_layer()
    gesmold = next(f for f in layer.getFeatures() if f["key"] == GESMOLD)
    assert (gesmold["name"], gesmold["value"], gesmold["year"], gesmold["status"]) == ("Gesmold", 1234.0, 2025,
                                                                                      "value")
    assert layer.featureCount() == 21  # the Ortsteile of Melle and Bramsche; all but one without a value


def project_roles() -> Any:
    from qgis_plugin.gui import project

    return project


# A year the demo leaves free (its values run to 2024), so the test's values are inserts of their own.
FREE_YEAR = 2025
ORTSTEILE = [f"034590024024-{n:02d}" for n in range(1, 10)] + [f"034590014014-{n:02d}" for n in range(1, 13)]


def _publish_values(url: str, indicator: str, year: int, values: dict[str, float]) -> None:
    """Values of Ortsteile pushed and published by the county (the way they reach the public)."""
    import uuid

    from qgis_plugin.core.indicators import value_id

    from .plugin_support import login

    admin = login(url, "admin")
    changes = [{"op": "insert", "id": value_id(indicator, unit, year), "geometry": None,
                "properties": {"indicator": indicator, "unit": unit, "level": "ortsteil", "year": year,
                               "value": value, "owner": unit.split("-")[0]}} for unit, value in values.items()]
    answer = admin.push("indicator_values", changes, str(uuid.uuid4()), schema_version=1)
    admin.approve(push_id=answer["push_id"])


def test_the_map_of_published_values_hatches_what_confidentiality_hides(live_server: Any, plugin: Any,
                                                                        qgis_iface: Any) -> None:
    from qgis_plugin.core.api import AtlasClient
    from qgis_plugin.core.indicators import fetch_map_data
    from qgis_plugin.gui.indicator_map import IndicatorMapDialog, add_indicator_layer

    from .plugin_support import login, save_map_with_legend, wait_until

    known = {unit: float(10 * (index + 1)) for index, unit in enumerate(ORTSTEILE)}
    known[GESMOLD] = 2.0  # below the count threshold: never shown to the public
    _publish_values(live_server.url, "bev_u6", FREE_YEAR, known)

    anonymous = AtlasClient(live_server.url)
    dialog = IndicatorMapDialog(anonymous)
    dialog.load()
    wait_until(lambda: not dialog.loading and dialog.indicator_combo.count() > 0, what="the catalogue")
    dialog.select("bev_u6", "ortsteil")
    wait_until(lambda: not dialog.loading, what="the values")
    assert dialog.ready and dialog.year_combo.currentData() == FREE_YEAR, dialog.status.text()
    dialog.classes_spin.setValue(4)
    dialog.accept()
    layer = dialog.layer
    assert layer is not None and layer.featureCount() == len(ORTSTEILE)
    public = {v["unit"]: v for v in anonymous.indicator_values("bev_u6", "ortsteil", FREE_YEAR)["values"]}
    by_key = {f["key"]: f for f in layer.getFeatures()}
    hidden = {key for key, v in public.items() if v["suppressed"]}
    assert GESMOLD in hidden and {k for k, f in by_key.items() if f["status"] == "suppressed"} == hidden
    assert all(by_key[k]["value"] == public[k]["value"] for k in set(public) - hidden)
    assert all(f.geometry().boundingBox().xMinimum() > 400_000 for f in by_key.values())  # EPSG:25832
    labels = [r.label() for r in layer.renderer().ranges()]
    assert len(labels) == 6 and labels[-2:] == ["nicht ausgewiesen (Geheimhaltung)", "kein Wert"]
    hatched = symbol_of(layer, GESMOLD)
    assert any(isinstance(hatched.symbolLayer(i), QgsLinePatternFillSymbolLayer)
               for i in range(hatched.symbolLayerCount()))
    add_indicator_layer(layer)
    save_map_with_legend(qgis_iface, "indicator_map.png", layer.extent().buffered(500))

    # The county's staff see the true value, marked confidential, hatched red on their map.
    staff = login(live_server.url, "admin")
    units, answer = fetch_map_data(staff, "bev_u6", "ortsteil")
    gesmold = next(v for v in answer["values"] if v["unit"] == GESMOLD and v["year"] == FREE_YEAR)
    assert (gesmold["value"], gesmold["confidential"], gesmold["suppressed"]) == (2.0, True, False)
    staff_layer = build_indicator_layer(units, answer, dialog.indicator, "ortsteil", FREE_YEAR, name="Kinder")
    assert "vertraulich" in staff_layer.name()
    feature = next(f for f in staff_layer.getFeatures() if f["key"] == GESMOLD)
    assert (feature["value"], feature["confidential"], feature["status"]) == (2.0, True, "value")
    assert _red_share(staff_layer, GESMOLD) > 0.01 and _red_share(layer, "034590024024-01") == 0.0


def _red_share(layer: Any, key: str) -> float:
    """The share of the confidential red in a rendering of one unit (0 when the unit is not hatched red)."""
    from qgis.core import QgsMapRendererParallelJob, QgsMapSettings
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    feature = next(f for f in layer.getFeatures() if f["key"] == key)
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setOutputSize(QSize(120, 120))
    settings.setExtent(feature.geometry().boundingBox())
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    red = QColor("#b2182b")
    pixels = [QColor(image.pixel(x, y)) for x in range(0, 120, 2) for y in range(0, 120, 2)]
    return sum(1 for c in pixels if abs(c.red() - red.red()) < 40 and c.green() < 90 and c.blue() < 100) / len(pixels)
