"""Presentation helpers shared by the review dock, the conflict dialog and the changes dialog.

They turn the core's plain values (GeoJSON in EPSG:25832, property dicts, the server's layer
schemas) into what a person sees: German labels, formatted values, QGIS geometries and markers on
a map canvas. No business rule lives here; the core decides, these helpers only show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsProject,
    QgsProviderRegistry,
    QgsRectangle,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.gui import QgsMapCanvas, QgsRubberBand
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QColor

from ..core import wkb
from ..core.errors import AtlasError
from ..core.merge import DELETED, GEOMETRY
from ..core.messages import title_of
from ..core.workcopy import LOCAL_STATE

#: The CRS of everything the server and the working copy hold.
SOURCE_CRS_ID = "EPSG:25832"

# Geometry kinds: ``Qgis.GeometryType`` since QGIS 3.30 (the only spelling QGIS 4 keeps), the older
# ``QgsWkbTypes.GeometryType`` before.
_GEOMETRY_TYPE = getattr(Qgis, "GeometryType", None)
if _GEOMETRY_TYPE is not None:
    POINT_GEOMETRY, POLYGON_GEOMETRY = _GEOMETRY_TYPE.Point, _GEOMETRY_TYPE.Polygon
else:  # QGIS 3.22 - 3.28
    POINT_GEOMETRY = QgsWkbTypes.GeometryType.PointGeometry
    POLYGON_GEOMETRY = QgsWkbTypes.GeometryType.PolygonGeometry

#: Old position (before the change, published state) and new position (after the change).
OLD_COLOR = QColor(215, 25, 28)
NEW_COLOR = QColor(26, 150, 65)
#: In the conflict dialog: my version and the server's version.
MINE_COLOR = QColor(230, 120, 0)
THEIRS_COLOR = QColor(33, 102, 172)

#: A point is shown with at least this much of its surroundings (metres), so a zoom has context.
MIN_EXTENT_M = 400.0

#: Text colours of the review states.
STATE_COLORS = {
    "pending": QColor(176, 110, 0),
    "published": QColor(26, 120, 55),
    "rejected": QColor(190, 20, 20),
    "withdrawn": QColor(110, 110, 110),
    "local": QColor(33, 90, 160),
}


def source_crs() -> QgsCoordinateReferenceSystem:
    return QgsCoordinateReferenceSystem(SOURCE_CRS_ID)


# ---------------------------------------------------------------------- labels


def op_label(op: str | None) -> str:
    """neu / geändert / gelöscht for a change's ``op``."""
    if op == "insert":
        return QCoreApplication.translate("FeatureDisplay", "neu")
    if op == "update":
        return QCoreApplication.translate("FeatureDisplay", "geändert")
    if op == "delete":
        return QCoreApplication.translate("FeatureDisplay", "gelöscht")
    return op or ""


def state_labels() -> dict[str, str]:
    """The one table of review state labels (the server's states, docs/architecture.md "Lifecycle of a
    change", plus ``local``: changed in the working copy, not sent yet). Every place that names a state
    (feature details, the layers' review state field, the changes dialog) reads it here."""
    return {
        "published": QCoreApplication.translate("FeatureDisplay", "veröffentlicht"),
        "pending": QCoreApplication.translate("FeatureDisplay", "wartet auf Prüfung"),
        "rejected": QCoreApplication.translate("FeatureDisplay", "abgelehnt"),
        "withdrawn": QCoreApplication.translate("FeatureDisplay", "zurückgezogen"),
        LOCAL_STATE: QCoreApplication.translate("FeatureDisplay", "lokal geändert"),
    }


def state_label(state: str | None) -> str:
    """The review state of a feature as the editor reads it (an unknown state as it is)."""
    return state_labels().get(state or "", state or "—")


def layer_title(schema: Mapping[str, Any] | None, name: str) -> str:
    """The German (or English) title of a layer from its server schema, else its name."""
    return title_of(schema, name) if schema else name


def field_specs(schema: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    return {f["name"]: dict(f) for f in (schema or {}).get("fields", []) if isinstance(f, Mapping)}


def field_title(schema: Mapping[str, Any] | None, name: str) -> str:
    """The field's alias from the schema title ("Kategorie" for ``category``), else its name."""
    if name == GEOMETRY:
        return QCoreApplication.translate("FeatureDisplay", "Lage / Geometrie")
    if name == DELETED:
        return QCoreApplication.translate("FeatureDisplay", "Objekt (gelöscht / geändert)")
    spec = field_specs(schema).get(name)
    return title_of(spec, name) if spec else name


def choice_label(spec: Mapping[str, Any] | None, value: Any) -> str | None:
    """The label of a coded value ("Kindertagesbetreuung" for ``kinderbetreuung``)."""
    for choice in (spec or {}).get("choices") or []:
        if isinstance(choice, Mapping) and choice.get("value") == value:
            return str(choice.get("label") or value)
    return None


def format_number(value: float, decimals: int = 1) -> str:
    """German decimal comma, no grouping (coordinates must not break across lines)."""
    return f"{value:.{decimals}f}".replace(".", ",")


def format_value(value: Any, spec: Mapping[str, Any] | None = None) -> str:
    """One property value for a table cell: '—' for empty, labels for coded values, ja/nein."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        if value:
            return QCoreApplication.translate("FeatureDisplay", "ja")
        return QCoreApplication.translate("FeatureDisplay", "nein")
    if isinstance(value, Mapping) and "type" in value:
        return geometry_summary(value)
    label = choice_label(spec, value)
    if label is not None and label != value:
        return f"{label} ({value})"
    if isinstance(value, float):
        return format_number(value, 2).rstrip("0").rstrip(",") if not value.is_integer() else str(int(value))
    return str(value)


def geometry_summary(geometry: Mapping[str, Any] | None) -> str:
    """'Punkt 454 980,1 | 5 799 509,0' or 'Fläche mit 12 Eckpunkten' for a GeoJSON geometry."""
    if not geometry:
        return "—"
    kind = geometry.get("type")
    if kind == "Point":
        x, y = geometry["coordinates"][:2]
        text = QCoreApplication.translate("FeatureDisplay", "Punkt {x} | {y}")
        return text.format(x=format_number(x), y=format_number(y))
    points = wkb.iter_points(dict(geometry))
    if kind in ("Polygon", "MultiPolygon"):
        return QCoreApplication.translate("FeatureDisplay", "Fläche mit {n} Eckpunkten").format(n=len(points))
    if kind in ("LineString", "MultiLineString"):
        return QCoreApplication.translate("FeatureDisplay", "Linie mit {n} Punkten").format(n=len(points))
    return QCoreApplication.translate("FeatureDisplay", "Geometrie ({kind})").format(kind=kind)


def format_distance(metres: float | None) -> str:
    if metres is None:
        return "—"
    if metres >= 1000:
        return QCoreApplication.translate("FeatureDisplay", "{km} km").format(km=format_number(metres / 1000, 2))
    return QCoreApplication.translate("FeatureDisplay", "{m} m").format(m=format_number(metres, 1))


def format_time(value: str | None) -> str:
    """An ISO timestamp of the server (UTC, with or without offset) in local time, German style."""
    moment = parse_time(value)
    if moment is None:
        return value or "—"
    return moment.astimezone().strftime("%d.%m.%Y %H:%M")


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def error_text(error: BaseException) -> str:
    """What a person reads for a failure: the core's German sentence, or the exception otherwise."""
    if isinstance(error, AtlasError):
        return str(error)
    text = QCoreApplication.translate("FeatureDisplay", "Unerwarteter Fehler: {error}")
    return text.format(error=f"{type(error).__name__}: {error}")


# ---------------------------------------------------------------------- geometry


def to_qgs_geometry(geometry: Mapping[str, Any] | None) -> QgsGeometry | None:
    """A GeoJSON geometry (EPSG:25832) as a QgsGeometry in the same CRS; None for none."""
    if not geometry:
        return None
    result = QgsGeometry()
    result.fromWkb(wkb.geojson_to_wkb(dict(geometry)))
    return None if result.isNull() else result


def distance_m(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> float | None:
    """How far apart two versions of a feature lie (points directly, areas by their centroids)."""
    ga, gb = to_qgs_geometry(a), to_qgs_geometry(b)
    if ga is None or gb is None:
        return None
    if ga.type() != POINT_GEOMETRY:
        ga, gb = ga.centroid(), gb.centroid()
    return ga.distance(gb)


def ensure_canvas_crs(canvas: QgsMapCanvas) -> QgsCoordinateReferenceSystem:
    """The canvas CRS; a canvas without one (a fresh project) gets the atlas's EPSG:25832."""
    crs = canvas.mapSettings().destinationCrs()
    if not crs.isValid():
        crs = source_crs()
        canvas.setDestinationCrs(crs)
    return crs


def extent_of(geometries: Iterable[QgsGeometry | None], min_size: float = MIN_EXTENT_M) -> QgsRectangle | None:
    """The box around some EPSG:25832 geometries, grown by a margin and to at least ``min_size``."""
    box: QgsRectangle | None = None
    for geometry in geometries:
        if geometry is None or geometry.isNull():
            continue
        bbox = geometry.boundingBox()
        if box is None:
            box = QgsRectangle(bbox)
        else:
            box.combineExtentWith(bbox)
    if box is None:
        return None
    centre = box.center()
    width = max(box.width() * 1.4, min_size)
    height = max(box.height() * 1.4, min_size)
    return QgsRectangle(centre.x() - width / 2, centre.y() - height / 2,
                        centre.x() + width / 2, centre.y() + height / 2)


def zoom_canvas(canvas: QgsMapCanvas, geometries: Sequence[QgsGeometry | None],
                min_size: float = MIN_EXTENT_M) -> bool:
    """Zoom the canvas to EPSG:25832 geometries (whatever the canvas CRS); False if there are none."""
    box = extent_of(geometries, min_size)
    if box is None:
        return False
    crs = ensure_canvas_crs(canvas)
    if crs != source_crs():
        box = QgsCoordinateTransform(source_crs(), crs, QgsProject.instance()).transformBoundingBox(box)
    canvas.setExtent(box)
    canvas.refresh()
    return True


def show_feature(canvas: QgsMapCanvas, layer: QgsVectorLayer, uuid: str, geometry: QgsGeometry) -> None:
    """Select the feature ``uuid`` of the working copy's ``layer``, zoom the canvas to its geometry
    (EPSG:25832) and flash it: how the plugin's lists show a feature on the map."""
    layer.selectByExpression(uuid_expression(uuid))
    zoom_canvas(canvas, [geometry])
    canvas.flashGeometries([geometry], source_crs())


class PositionMarkers:
    """Temporary markers on a map canvas: each a geometry in EPSG:25832 drawn in one colour.

    The review dock draws the old position red and the new one green; the conflict dialog draws my
    version and the server's. Markers are rubber bands, so they never enter the project or its
    layer tree and vanish with :meth:`clear`.
    """

    def __init__(self, canvas: QgsMapCanvas, min_extent: float = MIN_EXTENT_M) -> None:
        self.canvas = canvas
        self.min_extent = min_extent
        self.bands: list[QgsRubberBand] = []
        self.geometries: list[QgsGeometry] = []

    def show(self, items: Sequence[tuple[QgsGeometry | None, QColor, int]], zoom: bool = True) -> None:
        """Replace the markers by ``(geometry, colour, point size)`` items, the first drawn lowest."""
        self.clear()
        crs = ensure_canvas_crs(self.canvas)
        for geometry, color, size in items:
            if geometry is None or geometry.isNull():
                continue
            band = QgsRubberBand(self.canvas, geometry.type())
            band.setToGeometry(geometry, source_crs() if crs != source_crs() else QgsCoordinateReferenceSystem())
            fill = QColor(color)
            if geometry.type() == POINT_GEOMETRY:
                band.setIcon(QgsRubberBand.IconType.ICON_CIRCLE)
                band.setIconSize(size)
                fill.setAlpha(90)
                band.setWidth(3)
            else:
                fill.setAlpha(60)
                band.setWidth(2)
            band.setStrokeColor(color)
            band.setFillColor(fill)
            band.show()
            self.bands.append(band)
            self.geometries.append(QgsGeometry(geometry))
        if zoom:
            self.zoom()
        else:
            self.canvas.refresh()

    def zoom(self) -> bool:
        return zoom_canvas(self.canvas, self.geometries, self.min_extent)

    def clear(self) -> None:
        scene = self.canvas.scene()
        for band in self.bands:
            band.reset()
            if scene is not None:
                scene.removeItem(band)
        self.bands = []
        self.geometries = []
        self.canvas.refresh()


# ---------------------------------------------------------------------- project layers


def find_project_layer(gpkg_path: str | Path, layer_name: str,
                       project: QgsProject | None = None) -> QgsVectorLayer | None:
    """The project's vector layer that shows ``layer_name`` of the working copy ``gpkg_path``."""
    wanted = _resolved(gpkg_path)
    registry = QgsProviderRegistry.instance()
    for layer in (project or QgsProject.instance()).mapLayers().values():
        if not isinstance(layer, QgsVectorLayer) or layer.providerType() != "ogr":
            continue
        parts = registry.decodeUri("ogr", layer.source())
        if parts.get("layerName") == layer_name and _resolved(parts.get("path") or "") == wanted:
            return layer
    return None


def _resolved(path: str | Path) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return str(path)


def uuid_expression(uuid: str) -> str:
    return "\"uuid\" = '{}'".format(str(uuid).replace("'", "''"))


