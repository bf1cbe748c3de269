"""A dock listing what stops features from reaching the server, with a click to zoom to each.

Two sources: the checks before a sync (:func:`..core.validation.validate`: those features were not
sent) and the server's refusals of the last sync (kept in the working copy's ``fa_rejected``, with
the server's reason). The dock only shows them; the rules are in the core and on the server.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from qgis.core import QgsCoordinateTransform, QgsProject, QgsRectangle
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from ..core.validation import Problem
from ..core.workcopy import WorkingCopy
from . import project
from .feature_display import field_title
from .i18n import plural, tr
from .text import plain_label, plain_tooltip

#: Half the side of the map extent shown around a point (metres in EPSG:25832).
POINT_MARGIN_M = 250.0


@dataclass(frozen=True)
class Entry:
    """One line of the list: a feature, the field concerned, the message and where it comes from."""

    layer: str
    uuid: str
    field: str | None
    message: str
    source: str  # "check" (not sent) or "server" (refused)


def layer_title(layer: str) -> str:
    return {project.INSTITUTIONS: tr("Einrichtung"), project.SPATIAL_UNITS: tr("Raumeinheit")}.get(layer, layer)


class ProblemsDock(QgsDockWidget):
    """The list of problems; selecting an entry zooms the map to its feature and flashes it."""

    def __init__(self, iface: Any, parent: QWidget | None = None) -> None:
        super().__init__(tr("Familienatlas: Probleme"), parent)
        self.setObjectName("FamilienatlasProblemsDock")
        self.iface = iface
        self.workcopy: WorkingCopy | None = None
        self.entries: list[Entry] = []

        self.summary = plain_label()
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([tr("Objekt"), tr("Feld"), tr("Problem")])
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(True)
        self.tree.itemClicked.connect(self._on_item_clicked)
        self.tree.itemActivated.connect(self._on_item_clicked)
        self.tree.currentItemChanged.connect(self._show_details)
        # The full message of the selected line (the list cuts long ones).
        self.details = plain_label()
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree)
        layout.addWidget(self.details)
        self.setWidget(body)

    # ------------------------------------------------------------------ content

    def show_problems(self, workcopy: WorkingCopy, problems: Iterable[Problem] = (),
                      include_refusals: bool = True) -> None:
        """Fill the list with the check's problems and (optionally) the server's stored refusals."""
        self.workcopy = workcopy
        entries = [Entry(p.layer, p.uuid, p.field, p.message, "check") for p in problems]
        if include_refusals:
            checked = {(e.layer, e.uuid) for e in entries}
            for layer in workcopy.layer_names():
                for refusal in workcopy.refusals(layer):
                    if (layer, refusal.uuid) not in checked:
                        entries.append(Entry(layer, refusal.uuid, None, refusal.message, "server"))
        self.entries = entries
        self.tree.clear()
        for entry in entries:
            item = QTreeWidgetItem([self._feature_label(entry), self._field_label(entry), self._message(entry)])
            item.setToolTip(2, plain_tooltip(self._message(entry)))
            item.setData(0, Qt.ItemDataRole.UserRole, (entry.layer, entry.uuid))
            self.tree.addTopLevelItem(item)
        self.tree.resizeColumnToContents(0)
        self.tree.resizeColumnToContents(1)
        self.details.clear()
        if entries:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        checks = sum(1 for e in entries if e.source == "check")
        refused = len(entries) - checks
        if not entries:
            self.summary.setText(tr("Keine Probleme: alle Änderungen können gesendet werden."))
        else:
            self.summary.setText(" ".join([
                plural(checks, tr("Ein Problem vor dem Senden (nicht gesendet),"),
                       tr("{count} Probleme vor dem Senden (nicht gesendet),")),
                plural(refused, tr("eine Ablehnung durch den Server."), tr("{count} Ablehnungen durch den Server.")),
                tr("Klick auf eine Zeile zeigt das Objekt in der Karte."),
            ]))

    def _feature_label(self, entry: Entry) -> str:
        name = None
        if self.workcopy is not None:
            row = self.workcopy.read_row(entry.layer, entry.uuid)
            name = row.properties.get("name") if row is not None else None
        return f"{layer_title(entry.layer)}: {name or entry.uuid[:8]}"

    def _field_label(self, entry: Entry) -> str:
        if not entry.field:
            return ""
        if entry.field == "geometry":
            return tr("Lage")
        has_layer = self.workcopy is not None and self.workcopy.has_layer(entry.layer)
        return field_title(self.workcopy.schema(entry.layer) if has_layer else None, entry.field)

    @staticmethod
    def _message(entry: Entry) -> str:
        if entry.source == "server":
            return tr("Vom Server abgelehnt: {reason}").format(reason=entry.message)
        return entry.message

    def _show_details(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None = None) -> None:
        self.details.setText(f"{item.text(0)}: {item.text(2)}" if item is not None else "")

    # ------------------------------------------------------------------ zoom

    def _on_item_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        layer, uuid = item.data(0, Qt.ItemDataRole.UserRole)
        self.zoom_to(layer, uuid)

    def zoom_to(self, table: str, uuid: str) -> bool:
        """Zoom the map to the feature, select and flash it; False if the project does not show it."""
        if self.workcopy is None:
            return False
        found = project.find_feature(self.workcopy, table, uuid)
        if found is None:
            return False
        layer, fid = found
        feature = layer.getFeature(fid)
        geometry = feature.geometry()
        if geometry is None or geometry.isEmpty():
            return False
        box = geometry.boundingBox()
        if box.width() < 1 and box.height() < 1:
            center = geometry.centroid().asPoint()
            box = QgsRectangle(center.x() - POINT_MARGIN_M, center.y() - POINT_MARGIN_M,
                               center.x() + POINT_MARGIN_M, center.y() + POINT_MARGIN_M)
        else:
            box.scale(1.3)
        canvas = self.iface.mapCanvas()
        destination = canvas.mapSettings().destinationCrs()
        if destination.isValid() and destination != layer.crs():
            box = QgsCoordinateTransform(layer.crs(), destination, QgsProject.instance()).transformBoundingBox(box)
        canvas.setExtent(box)
        canvas.refresh()
        layer.selectByIds([fid])
        canvas.flashFeatureIds(layer, [fid])
        return True
