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
