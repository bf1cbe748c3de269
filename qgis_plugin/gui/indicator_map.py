""""Indikator als Karte…": one indicator's values for one level and year as a graduated map layer.

The units of the level (municipality territories or the working copy's Raumeinheiten) are joined
by key with the values the user may read (:func:`..core.indicators.values_table`): the published
ones after confidentiality, or, logged in, what the server shows the user (staff: true values,
marked confidential). The layer gets a :class:`QgsGraduatedSymbolRenderer` with quantile or natural
breaks (Jenks) classes in a colour ramp that runs from good (light) to bad (dark) by the indicator's
polarity, legend labels in the indicator's unit (``12,5 - 18,0 %``), a hatched class for values that
are not shown for confidentiality and a grey one for units without a value. Network work runs in
a task; building the layer needs none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsClassificationJenks,
    QgsClassificationQuantile,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFillSymbol,
    QgsGeometry,
    QgsGradientColorRamp,
    QgsGradientStop,
    QgsGraduatedSymbolRenderer,
    QgsLinePatternFillSymbolLayer,
    QgsProject,
    QgsProperty,
    QgsRendererRange,
    QgsSymbolLayer,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core import wkb
from ..core.errors import AtlasError
from ..core.indicators import (
    MISSING,
    SUPPRESSED,
    VALUE_COLUMNS,
    IndicatorCatalogue,
    MapUnit,
    fetch_map_data,
    indicator_definition,
    indicator_name,
    load_catalogue,
    ramp_reversed,
    range_label,
    values_table,
    years_of,
)
from .call_task import run_in_background
from .i18n import tr
from .widgets import text_label

LAYER_CRS = "EPSG:25832"
QUANTILE, JENKS = "quantile", "jenks"
PROPERTY_INDICATOR = "familienatlas/indicator"

#: Where the renderer's class expression puts the units without a number (far below any value).
SUPPRESSED_CODE = -1.0e15
MISSING_CODE = -2.0e15
CLASS_EXPRESSION = (f"CASE WHEN \"status\" = '{SUPPRESSED}' THEN {SUPPRESSED_CODE:.0f} "
                    f"WHEN \"value\" IS NULL THEN {MISSING_CODE:.0f} ELSE \"value\" END")

#: ColorBrewer ramps, light to dark: YlOrRd for indicators with a good and a bad end, Blues for neutral ones.
RAMP_JUDGED = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
RAMP_NEUTRAL = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
MISSING_COLOR = "#d9d9d9"
CONFIDENTIAL_COLOR = "#b2182b"
OUTLINE_COLOR = "#636363"

#: Field types of the memory provider's URI (no QVariant types: they are gone in Qt6).
_FIELD_TYPES = {"string": "string", "integer": "integer", "number": "double", "boolean": "boolean"}


# ---------------------------------------------------------------------- renderer


def color_ramp(polarity: str | None) -> QgsGradientColorRamp:
    """Light (good) to dark (bad); for ``higher_better`` the low values are the dark ones."""
    colors = [QColor(c) for c in (RAMP_NEUTRAL if polarity in (None, "", "neutral") else RAMP_JUDGED)]
    if ramp_reversed(polarity):
        colors.reverse()
    stops = [QgsGradientStop(index / (len(colors) - 1), color) for index, color in enumerate(colors[1:-1], 1)]
    return QgsGradientColorRamp(colors[0], colors[-1], False, stops)


def class_colors(polarity: str | None, count: int) -> list[QColor]:
    ramp = color_ramp(polarity)
    return [ramp.color(index / (count - 1) if count > 1 else 0.5) for index in range(count)]


def class_breaks(values: Sequence[float], method: str, classes: int) -> list[tuple[float, float]]:
    """Class bounds (lower, upper) by QGIS's quantile or Jenks classification; empty classes dropped."""
    numbers = sorted(float(v) for v in values)
    if not numbers:
        return []
    if numbers[0] == numbers[-1]:
        return [(numbers[0], numbers[-1])]
    classifier = QgsClassificationJenks() if method == JENKS else QgsClassificationQuantile()
    bounds = [(r.lowerBound(), r.upperBound()) for r in classifier.classes(numbers, max(1, classes))]
    return [(lower, upper) for lower, upper in bounds if upper > lower]


def _symbol_property(name: str) -> Any:
    """A data-defined property key of symbol layers: ``Property.X`` (QGIS >= 3.30) or ``PropertyX``."""
    scoped = getattr(QgsSymbolLayer, "Property", None)
    value = getattr(scoped, name, None) if scoped is not None else None
    return value if value is not None else getattr(QgsSymbolLayer, "Property" + name)


def confidential_overlay() -> QgsLinePatternFillSymbolLayer:
    """Red hatching over a unit whose true value only staff may see (drawn where ``confidential``),
    so a map made from the staff view cannot be mistaken for a publishable one."""
    hatch = QgsLinePatternFillSymbolLayer()
    hatch.setLineAngle(-45)
    hatch.setDistance(2.4)
    hatch.setLineWidth(0.35)
    # Transparent unless the feature is confidential: the legend's patches (drawn without a feature)
    # stay clean, and the public map never shows the hatching.
    hatch.subSymbol().setColor(QColor(0, 0, 0, 0))  # what a legend patch (no feature) draws
    line = hatch.subSymbol().symbolLayer(0)
    line.setDataDefinedProperty(_symbol_property("StrokeColor"), QgsProperty.fromExpression(
        f"CASE WHEN \"confidential\" THEN '{CONFIDENTIAL_COLOR}' ELSE '0,0,0,0' END"))
    return hatch


def _polygon_symbol(color: str | QColor) -> QgsFillSymbol:
    color = QColor(color)
    return QgsFillSymbol.createSimple({"color": color.name(), "outline_color": OUTLINE_COLOR,
                                       "outline_width": "0.26"})


def hatched_symbol() -> QgsFillSymbol:
    """Light grey with diagonal hatching: "nicht ausgewiesen (Geheimhaltung)"."""
    symbol = _polygon_symbol("#f0f0f0")
    hatch = QgsLinePatternFillSymbolLayer()
    hatch.setLineAngle(45)
    hatch.setDistance(1.6)
    hatch.setLineWidth(0.3)
    hatch.setColor(QColor("#525252"))
    symbol.appendSymbolLayer(hatch)
    return symbol


def suppressed_label() -> str:
    return tr("nicht ausgewiesen (Geheimhaltung)")


def missing_label() -> str:
    return tr("kein Wert")


def indicator_renderer(indicator: Mapping[str, Any], values: Sequence[float], method: str = QUANTILE,
                       classes: int = 5, confidential: bool = False) -> QgsGraduatedSymbolRenderer:
    """The graduated renderer of one indicator's values, with the two classes without a number last;
    ``confidential`` (a staff map) hatches the units whose values the public may not see in red."""
    renderer = QgsGraduatedSymbolRenderer(CLASS_EXPRESSION)
    decimals = int(indicator.get("decimals") or 0)
    breaks = class_breaks(values, method, classes)
    colors = class_colors(indicator.get("polarity"), len(breaks))
    for (lower, upper), color in zip(breaks, colors, strict=True):
        label = range_label(lower, upper, decimals, indicator.get("unit"))
        symbol = _polygon_symbol(color)
        if confidential:
            symbol.appendSymbolLayer(confidential_overlay())
        renderer.addClassRange(QgsRendererRange(lower, upper, symbol, label))
    renderer.addClassRange(QgsRendererRange(SUPPRESSED_CODE, SUPPRESSED_CODE, hatched_symbol(), suppressed_label()))
    renderer.addClassRange(QgsRendererRange(MISSING_CODE, MISSING_CODE, _polygon_symbol(MISSING_COLOR),
                                            missing_label()))
    # The layer properties show the method the classes came from.
    renderer.setClassificationMethod(QgsClassificationJenks() if method == JENKS else QgsClassificationQuantile())
    return renderer


# ---------------------------------------------------------------------- layer


def _geometry(unit: MapUnit, transforms: dict[str, QgsCoordinateTransform]) -> QgsGeometry:
    if not unit.geometry:
        return QgsGeometry()
    geometry = QgsGeometry()
    geometry.fromWkb(wkb.geojson_to_wkb(unit.geometry))
    if unit.crs != LAYER_CRS:
        if unit.crs not in transforms:
            transforms[unit.crs] = QgsCoordinateTransform(QgsCoordinateReferenceSystem(unit.crs),
                                                          QgsCoordinateReferenceSystem(LAYER_CRS),
                                                          QgsProject.instance())
        geometry.transform(transforms[unit.crs])
    geometry.convertToMultiType()
    return geometry


def layer_name(indicator: Mapping[str, Any], level_name: str, year: int) -> str:
    return f"{indicator_name(indicator)} {year} ({level_name})"


def build_indicator_layer(units: Sequence[MapUnit], answer: Mapping[str, Any], indicator: Mapping[str, Any],
                          level: str, year: int, *, name: str | None = None, method: str = QUANTILE,
                          classes: int = 5, path: Path | str | None = None) -> QgsVectorLayer:
    """The units of ``level`` joined with the values of ``year``, styled; a memory layer, or a
    GeoPackage at ``path`` (replaced) when given. Values of units not in ``units`` are left out."""
    table = values_table(answer, year, {u.key: u.name for u in units})
    columns = [("key", "string"), ("level", "string")] + [(c, k) for c, k in VALUE_COLUMNS if c != "unit"]
    uri = f"MultiPolygon?crs={LAYER_CRS}" + "".join(f"&field={c}:{_FIELD_TYPES[k]}" for c, k in columns)
    name = name or indicator.get("key", "")
    confidential = any(row.get("confidential") for row in table.values())
    if confidential:
        name += " – " + tr("mit vertraulichen Werten (rot schraffiert), nur für den Dienstgebrauch")
    layer = QgsVectorLayer(uri, name, "memory")
    provider = layer.dataProvider()
    transforms: dict[str, QgsCoordinateTransform] = {}
    features = []
    for unit in units:
        row = table[unit.key]
        feature = QgsFeature(layer.fields())
        feature.setGeometry(_geometry(unit, transforms))
        feature["key"] = unit.key
        feature["level"] = level
        for column, _kind in VALUE_COLUMNS:
            if column != "unit":
                feature[column] = row.get(column) if column != "name" else (row.get("name") or unit.name)
        features.append(feature)
    provider.addFeatures(features)
    layer.updateExtents()
    if path is not None:
        layer = _to_geopackage(layer, Path(path), f"{indicator.get('key', 'indikator')}_{level}_{year}")
    values = [row["value"] for key, row in table.items() if row["status"] not in (SUPPRESSED, MISSING)
              and key in {u.key for u in units}]
    layer.setRenderer(indicator_renderer(indicator, values, method, classes, confidential))
    layer.setCustomProperty(PROPERTY_INDICATOR, indicator.get("key"))
    for index, title in ((layer.fields().indexOf("value"), indicator_name(indicator)),
                         (layer.fields().indexOf("name"), tr("Name")),
                         (layer.fields().indexOf("status"), tr("Status"))):
        if index >= 0:
            layer.setFieldAlias(index, title)
    layer.setDisplayExpression('"name"')
    return layer


def _to_geopackage(layer: QgsVectorLayer, path: Path, table: str) -> QgsVectorLayer:
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = table
    options.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteFile
    result = QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(path), QgsProject.instance().transformContext(),
                                                      options)
    if result[0] != QgsVectorFileWriter.WriterError.NoError:
        raise AtlasError(tr("Die GeoPackage-Datei {path} kann nicht geschrieben werden: {error}").format(
            path=path, error=result[1]), "write_failed")
    saved = QgsVectorLayer(f"{path}|layername={options.layerName}", layer.name(), "ogr")
    if not saved.isValid():
        raise AtlasError(tr("Die GeoPackage-Datei {path} kann nicht gelesen werden.").format(path=path),
                         "write_failed")
    return saved


# ---------------------------------------------------------------------- dialog


def level_names() -> dict[str, str]:
    return {"landkreis": tr("Landkreis"), "gemeinde": tr("Gemeinde / Samtgemeinde"),
            "mitgliedsgemeinde": tr("Mitgliedsgemeinde"), "ortsteil": tr("Ortsteil")}


class IndicatorMapDialog(QDialog):
    """Pick indicator, level, year and classification; the catalogue and the values load in tasks.

    ``layer`` holds the built layer after ``accept()``; the caller adds it to the project.
    """

    def __init__(self, client: Any, workcopy: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Indikator als Karte"))
        self.setObjectName("FamilienatlasIndicatorMapDialog")
        self.client = client
        self.workcopy = workcopy
        self.catalogue: IndicatorCatalogue | None = None
        self.data: tuple[list[MapUnit], dict[str, Any]] | None = None
        self.layer: QgsVectorLayer | None = None
        self.loading = False
        self._request = 0

        self.status = text_label(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Karte erstellen"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_form())
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(560, 320)
        self._update_ok()

    def _build_form(self) -> QFormLayout:
        """Indicator (with its definition), level, year, classification and where to save."""
        self.indicator_combo = QComboBox()
        self.indicator_combo.currentIndexChanged.connect(self._indicator_changed)
        self.level_combo = QComboBox()
        self.level_combo.currentIndexChanged.connect(self._load_values)
        self.year_combo = QComboBox()
        self.method_combo = QComboBox()
        self.method_combo.addItem(tr("Quantile (gleich viele Einheiten je Klasse)"), QUANTILE)
        self.method_combo.addItem(tr("Natürliche Unterbrechungen (Jenks)"), JENKS)
        self.classes_spin = QSpinBox()
        self.classes_spin.setRange(2, 9)
        self.classes_spin.setValue(5)
        self.file_widget = QgsFileWidget()
        self.file_widget.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.file_widget.setFilter(tr("GeoPackage (*.gpkg)"))
        self.file_widget.setToolTip(tr("Leer lassen für eine temporäre Ebene"))
        self.definition = text_label(self)
        form = QFormLayout()
        form.addRow(tr("Indikator"), self.indicator_combo)
        form.addRow("", self.definition)
        form.addRow(tr("Raumebene"), self.level_combo)
        form.addRow(tr("Jahr"), self.year_combo)
        form.addRow(tr("Klassifizierung"), self.method_combo)
        form.addRow(tr("Anzahl Klassen"), self.classes_spin)
        form.addRow(tr("Speichern als (optional)"), self.file_widget)
        return form

    # ------------------------------------------------------------------ loading

    def load(self) -> None:
        """Fetch the catalogue in a task (called once the dialog is set up)."""
        self._set_loading(tr("Indikatorenkatalog wird geladen …"))
        run_in_background(self, tr("Familienatlas: Indikatorenkatalog laden"),
                          lambda: load_catalogue(self.client, self.workcopy),
                          self._catalogue_loaded)

    def _catalogue_loaded(self, catalogue: IndicatorCatalogue | None, error: BaseException | None) -> None:
        self.loading = False
        if error is not None or catalogue is None:
            self.status.setText(tr("Der Indikatorenkatalog kann nicht geladen werden: {error}").format(error=error))
            self._update_ok()
            return
        self.catalogue = catalogue
        self.indicator_combo.blockSignals(True)
        self.indicator_combo.clear()
        for indicator in catalogue.ordered():
            self.indicator_combo.addItem(f"{catalogue.theme_name(indicator.get('theme'))}: "
                                         f"{indicator_name(indicator)}", indicator["key"])
        self.indicator_combo.blockSignals(False)
        if not catalogue.indicators:
            self.status.setText(tr("Der Katalog enthält noch keine Indikatoren."))
        self._indicator_changed()

    def select(self, indicator: str, level: str | None = None) -> None:
        """Choose an indicator (and a level) by key, as a person would in the drop-downs."""
        index = self.indicator_combo.findData(indicator)
        if index >= 0:
            self.indicator_combo.setCurrentIndex(index)
        if level is not None:
            index = self.level_combo.findData(level)
            if index >= 0:
                self.level_combo.setCurrentIndex(index)

    @property
    def indicator(self) -> dict[str, Any] | None:
        key = self.indicator_combo.currentData()
        return self.catalogue.indicators.get(key) if self.catalogue and key else None

    def _indicator_changed(self) -> None:
        indicator = self.indicator
        self.definition.setText(indicator_definition(indicator) if indicator else "")
        names = level_names()
        self.level_combo.blockSignals(True)
        self.level_combo.clear()
        for level in (indicator or {}).get("levels") or []:
            self.level_combo.addItem(names.get(level, level), level)
        self.level_combo.blockSignals(False)
        self._load_values()

    def _load_values(self) -> None:
        indicator, level = self.indicator, self.level_combo.currentData()
        self.data = None
        self.year_combo.clear()
        if indicator is None or not level:
            self._update_ok()
            return
        self._request += 1
        request = self._request
        self._set_loading(tr("Werte werden geladen …"))
        run_in_background(self, tr("Familienatlas: Indikatorwerte laden"),
                          lambda: fetch_map_data(self.client, indicator["key"], level, self.workcopy),
                          lambda result, error: self._values_loaded(request, result, error))

    def _values_loaded(self, request: int, result: Any, error: BaseException | None) -> None:
        if request != self._request:  # the person chose something else meanwhile
            return
        self.loading = False
        if error is not None:
            self.status.setText(tr("Die Werte können nicht geladen werden: {error}").format(error=error))
            self._update_ok()
            return
        units, answer = result
        self.data = (units, answer)
        years = years_of(answer)
        for year in reversed(years):
            self.year_combo.addItem(str(year), year)
        if not units:
            self.status.setText(tr("Für diese Raumebene sind keine Gebiete bekannt."))
        elif not years:
            self.status.setText(tr("Für diesen Indikator gibt es auf dieser Ebene noch keine Werte, die Sie "
                                   "sehen dürfen."))
        else:
            self.status.setText(tr("{units} Gebiete, Werte aus {years} Jahren.").format(units=len(units),
                                                                                      years=len(years)))
        if answer.get("offline"):
            self.status.setText(self.status.text() + " " + tr(
                "Der Server ist nicht erreichbar: die Werte stammen aus der Arbeitskopie (Stand der letzten "
                "Synchronisierung)."))
        self._update_ok()

    def _set_loading(self, text: str) -> None:
        self.loading = True
        self.status.setText(text)
        self._update_ok()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not self.loading and self.data is not None and bool(self.data[0])
                      and self.year_combo.count() > 0)

    @property
    def ready(self) -> bool:
        return not self.loading and self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()

    # ------------------------------------------------------------------ result

    def build_layer(self) -> QgsVectorLayer:
        indicator = self.indicator
        assert indicator is not None and self.data is not None
        units, answer = self.data
        year = int(self.year_combo.currentData())
        level = self.level_combo.currentData()
        path = self.file_widget.filePath().strip()
        if path and not path.lower().endswith(".gpkg"):
            path += ".gpkg"
        return build_indicator_layer(units, answer, indicator, level, year,
                                     name=layer_name(indicator, self.level_combo.currentText(), year),
                                     method=self.method_combo.currentData(), classes=self.classes_spin.value(),
                                     path=path or None)

    def accept(self) -> None:
        if not self.ready:
            return
        try:
            self.layer = self.build_layer()
        except AtlasError as exc:
            self.status.setText(str(exc))
            return
        super().accept()


def add_indicator_layer(layer: QgsVectorLayer, iface: Any = None) -> None:
    """Put the layer on top of the project (in ETRS89 / UTM 32N when the project has no CRS yet)."""
    project = QgsProject.instance()
    if not project.crs().isValid() or not project.mapLayers():
        project.setCrs(QgsCoordinateReferenceSystem(LAYER_CRS))
    project.addMapLayer(layer, False)
    project.layerTreeRoot().insertLayer(0, layer)
    if iface is not None:
        iface.messageBar().pushMessage("Familienatlas", tr("Karte „{name}“ hinzugefügt.").format(name=layer.name()),
                                       Qgis.MessageLevel.Success, 5)
