"""Ask the person about clashes: the same field changed here and on the server to different values.

The core merges changes to different fields by itself and hands only the true clashes over (a
:class:`~..core.merge.Clash` per feature and field, with the common base, my value and the server's
value). This dialog shows them side by side, per feature, with the field's German title from the
layer schema, lets the person choose per field (or all at once), and shows geometry clashes on a
small map. :meth:`ConflictDialog.choices` is the answer a :class:`~..core.sync.Synchronizer`
expects from its resolver.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from qgis.core import (
    QgsFillSymbol,
    QgsLineSymbol,
    QgsMarkerSymbol,
    QgsSingleSymbolRenderer,
    QgsSymbol,
    QgsVectorLayer,
)
from qgis.gui import QgsMapCanvas
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import AtlasError
from ..core.merge import DELETED, GEOMETRY, Clash
from ..core.sync import UNKNOWN_SERVER_STATE
from ..core.workcopy import FeatureState, WorkingCopy
from .feature_display import (
    MINE_COLOR,
    POINT_GEOMETRY,
    POLYGON_GEOMETRY,
    THEIRS_COLOR,
    PositionMarkers,
    distance_m,
    field_specs,
    field_title,
    format_distance,
    format_time,
    format_value,
    layer_title,
    to_qgs_geometry,
    uuid_expression,
)
from .text import escape_html, plain_label, plain_tooltip
from .widgets import button, hbox, legend, text_label

BASE_COLOR = QColor(120, 120, 120)
#: The dialog's map shows at least this many metres: enough to tell positions a few metres apart.
CONFLICT_MAP_EXTENT_M = 80.0
FIELD_COLUMN_WIDTH = 150
MAP_BOX_HEIGHT = 250
MINE, THEIRS = "mine", "theirs"


class ConflictDialog(QDialog):
    """One row per clash with "Meine Version" / "Server-Version"; OK once every clash is decided."""

    def __init__(self, clashes: Iterable[Clash], workcopy: WorkingCopy, iface: Any,
                 parent: QWidget | None = None, server_changes: Mapping[str, tuple[str, str]] | None = None) -> None:
        super().__init__(parent)
        #: uuid -> (who, when) of the server's latest version, for the "Server-Version" column.
        self.server_changes = dict(server_changes or {})
        self.setWindowTitle(self.tr("Familienatlas: Konflikte lösen"))
        self.setObjectName("FamilienatlasConflictDialog")
        self.workcopy = workcopy
        self.iface = iface
        all_clashes = list(clashes)
        self.clashes = [c for c in all_clashes if c.field != UNKNOWN_SERVER_STATE]
        self.unknown = [c for c in all_clashes if c.field == UNKNOWN_SERVER_STATE]
        #: (uuid, field) -> (radio "mine", radio "theirs")
        self.radios: dict[tuple[str, str], tuple[QRadioButton, QRadioButton]] = {}
        #: (uuid, field) -> (label of my value, label of the server's value)
        self.value_labels: dict[tuple[str, str], tuple[QLabel, QLabel]] = {}
        self.map_buttons: dict[tuple[str, str], QPushButton] = {}
        self._groups: list[QButtonGroup] = []
        self._layers: dict[str, str | None] = {}
        self.map_canvas: QgsMapCanvas | None = None
        self.map_markers: PositionMarkers | None = None
        self.main_markers = PositionMarkers(iface.mapCanvas()) if iface is not None else None
        self._context_layers: list[QgsVectorLayer] = []
        self.shown_clash: Clash | None = None
        self._build()
        self._update_state()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(text_label(self, self.tr(
            "Diese Felder wurden hier und auf dem Server unterschiedlich geändert. Bitte für jedes Feld "
            "wählen, welche Fassung gelten soll. Änderungen an verschiedenen Feldern desselben Objekts "
            "wurden bereits automatisch zusammengeführt.")))
        self.all_mine_button = button(self, self.tr("Alle meine"), lambda: self.choose_all(MINE),
                                      self.tr("Für jedes Feld die eigene Fassung übernehmen"))
        self.all_theirs_button = button(self, self.tr("Alle vom Server"), lambda: self.choose_all(THEIRS),
                                        self.tr("Für jedes Feld die Fassung des Servers übernehmen"))
        layout.addLayout(hbox(self.all_mine_button, self.all_theirs_button, None))
        layout.addWidget(self._build_clashes(), 1)
        geometry_clashes = [c for c in self.clashes if c.field == GEOMETRY]
        if geometry_clashes:
            layout.addWidget(self._build_map_box())
        self.status_label = QLabel(self)
        layout.addWidget(self.status_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Übernehmen"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Später entscheiden"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(900, 800 if geometry_clashes else 480)
        if geometry_clashes:
            self.show_geometry(geometry_clashes[0])

    def _build_clashes(self) -> QScrollArea:
        """One box per feature with its clashing fields, and a note per feature of unknown state."""
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget(scroll)
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        by_feature: dict[str, list[Clash]] = {}
        for clash in self.clashes:
            by_feature.setdefault(clash.uuid or "", []).append(clash)
        for uuid, clashes in by_feature.items():
            content_layout.addWidget(self._feature_box(uuid, clashes, content))
        for clash in self.unknown:
            content_layout.addWidget(text_label(content, self.tr(
                "Objekt {uuid}: der Stand auf dem Server ist unbekannt. Es bleibt lokal unverändert und "
                "wird beim nächsten Abgleich erneut versucht.").format(uuid=clash.uuid)))
        content_layout.addStretch(1)
        scroll.setWidget(content)
        return scroll

    def _build_map_box(self) -> QGroupBox:
        """A small map with the base, my and the server's position of a geometry clash."""
        map_box = QGroupBox(self.tr("Lage auf der Karte"), self)
        map_box.setFixedHeight(MAP_BOX_HEIGHT)
        map_layout = QVBoxLayout(map_box)
        self.map_canvas = QgsMapCanvas(map_box)
        self.map_canvas.setObjectName("FamilienatlasConflictMap")
        self.map_canvas.setMinimumHeight(160)
        self.map_canvas.setCanvasColor(QColor(250, 250, 248))
        self.map_markers = PositionMarkers(self.map_canvas, min_extent=CONFLICT_MAP_EXTENT_M)
        map_layout.addWidget(self.map_canvas, 1)
        self.legend_label = legend(map_box, [(BASE_COLOR, "◯", self.tr("Ausgangsstand")),
                                             (MINE_COLOR, "●", self.tr("Meine Version")),
                                             (THEIRS_COLOR, "●", self.tr("Server-Version"))])
        self.main_map_button = button(map_box, self.tr("Im QGIS-Kartenfenster zeigen"), self.show_on_main_map)
        map_layout.addLayout(hbox(self.legend_label, None, self.main_map_button))
        return map_box

    def _feature_box(self, uuid: str, clashes: list[Clash], parent: QWidget) -> QGroupBox:
        layer = self._layer_of(uuid)
        schema = self.workcopy.schema(layer) if layer else {}
        specs = field_specs(schema)
        name = self._feature_name(layer, uuid)
        box = QGroupBox(parent)
        box.setTitle(self.tr("{name} ({layer})").format(name=name, layer=layer_title(schema, layer or "?")))
        box.setToolTip(uuid)
        grid = QGridLayout(box)
        headers = [self.tr("Feld"), self.tr("Ausgangsstand"), self.tr("Meine Version"), self.tr("Server-Version")]
        changed = self.server_changes.get(uuid)
        for column, text in enumerate(headers):
            html = f"<b>{escape_html(text)}</b>"
            if column == 3 and changed:
                html += "<br>" + escape_html(self.tr("geändert von {who} am {when}").format(
                    who=changed[0], when=format_time(changed[1])))
            header = QLabel(html, box)
            header.setWordWrap(True)
            if column == 0:
                header.setFixedWidth(FIELD_COLUMN_WIDTH)
            grid.addWidget(header, 0, column)
        for row, clash in enumerate(clashes, start=1):
            spec = specs.get(clash.field)
            title = plain_label(field_title(schema, clash.field), box)
            title.setFixedWidth(FIELD_COLUMN_WIDTH)
            grid.addWidget(title, row, 0, Qt.AlignmentFlag.AlignTop)
            base_text, mine_text, theirs_text = self._texts(clash, schema, spec)
            # Values in full (wrapped), as plain text: they are other people's input.
            base_label = plain_label(base_text, box)
            base_label.setToolTip(plain_tooltip(base_text))
            base_label.setStyleSheet("color: #666666")
            grid.addWidget(base_label, row, 1, Qt.AlignmentFlag.AlignTop)
            mine, mine_label, mine_cell = _choice(mine_text, box)
            theirs, theirs_label, theirs_cell = _choice(theirs_text, box)
            group = QButtonGroup(box)
            group.setExclusive(True)
            group.addButton(mine)
            group.addButton(theirs)
            group.buttonToggled.connect(self._update_state)
            self._groups.append(group)
            grid.addWidget(mine_cell, row, 2, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(theirs_cell, row, 3, Qt.AlignmentFlag.AlignTop)
            key = (clash.uuid or "", clash.field)
            self.radios[key] = (mine, theirs)
            self.value_labels[key] = (mine_label, theirs_label)
            if clash.field == GEOMETRY:
                map_button = button(box, self.tr("Karte"), lambda c=clash: self.show_geometry(c),
                                    self.tr("Beide Fassungen auf der Karte zeigen"))
                grid.addWidget(map_button, row, 4, Qt.AlignmentFlag.AlignTop)
                self.map_buttons[key] = map_button
                distance = distance_m(clash.mine, clash.theirs)
                if distance is not None:
                    title.setText(title.text() + "\n" + self.tr("({distance} auseinander)").format(
                        distance=format_distance(distance)))
        # The same columns in every feature's box, so the boxes line up below each other.
        grid.setColumnMinimumWidth(0, FIELD_COLUMN_WIDTH)
        grid.setColumnMinimumWidth(4, 60)
        for column in (1, 2, 3):
            grid.setColumnStretch(column, 1)
        return box

    def _texts(self, clash: Clash, schema: Mapping[str, Any],
               spec: Mapping[str, Any] | None) -> tuple[str, str, str]:
        if clash.field == DELETED:
            return (self.tr("vorhanden"), self._deleted_or_changed(clash.mine, clash.base, schema),
                    self._deleted_or_changed(clash.theirs, clash.base, schema))
        return (format_value(clash.base, spec), format_value(clash.mine, spec), format_value(clash.theirs, spec))

    def _deleted_or_changed(self, values: Mapping[str, Any] | None, base: Mapping[str, Any] | None,
                            schema: Mapping[str, Any]) -> str:
        if values is None:
            return self.tr("gelöscht")
        changed = [field_title(schema, name) for name, value in values.items()
                   if (base or {}).get(name) != value]
        if not changed:
            return self.tr("unverändert behalten")
        return self.tr("behalten, geändert: {fields}").format(fields=", ".join(changed))

    # ------------------------------------------------------------------ features

    def _layer_of(self, uuid: str) -> str | None:
        if uuid not in self._layers:
            found = None
            for layer in self.workcopy.layer_names():
                wc = self.workcopy
                if wc.read_row(layer, uuid) is not None or wc.read_base(layer, uuid) is not None:
                    found = layer
                    break
            self._layers[uuid] = found
        return self._layers[uuid]

    def _feature_name(self, layer: str | None, uuid: str) -> str:
        state: FeatureState | None = None
        if layer:
            state = self.workcopy.read_base(layer, uuid) or self.workcopy.read_row(layer, uuid)
        name = state.properties.get("name") if state is not None else None
        return str(name) if name else uuid

    # ------------------------------------------------------------------ choices

    def choose(self, uuid: str, field: str, side: str) -> None:
        """Decide one clash for ``"mine"`` or ``"theirs"`` (as a click on its radio button does)."""
        mine, theirs = self.radios[(uuid, field)]
        (mine if side == MINE else theirs).setChecked(True)

    def choose_all(self, side: str) -> None:
        for key in self.radios:
            self.choose(*key, side)

    def choices(self) -> dict[tuple[str, str], str]:
        """``(uuid, field) -> "mine" | "theirs"`` for every decided clash (all of them once accepted)."""
        out: dict[tuple[str, str], str] = {}
        for key, (mine, theirs) in self.radios.items():
            if mine.isChecked():
                out[key] = MINE
            elif theirs.isChecked():
                out[key] = THEIRS
        return out

    def open_count(self) -> int:
        return len(self.radios) - len(self.choices())

    def _update_state(self, *_args: Any) -> None:
        remaining = self.open_count()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(remaining == 0 and bool(self.radios))
        if not self.radios:
            self.status_label.setText(self.tr("Nichts zu entscheiden."))
        elif remaining == 0:
            self.status_label.setText(self.tr("Alle {count} Konflikte entschieden.").format(count=len(self.radios)))
        elif remaining == 1:
            self.status_label.setText(self.tr("Noch 1 Entscheidung offen."))
        else:
            self.status_label.setText(self.tr("Noch {count} Entscheidungen offen.").format(count=remaining))

    def accept(self) -> None:
        if self.radios and self.open_count() == 0:
            self._clear_main_markers()
            super().accept()

    def reject(self) -> None:
        self._clear_main_markers()
        super().reject()

    # ------------------------------------------------------------------ map

    def _geometries(self, clash: Clash) -> list[tuple[Any, QColor, int]]:
        return [(to_qgs_geometry(clash.base), BASE_COLOR, 22), (to_qgs_geometry(clash.theirs), THEIRS_COLOR, 15),
                (to_qgs_geometry(clash.mine), MINE_COLOR, 9)]

    def show_geometry(self, clash: Clash) -> None:
        """Show base, my and the server's geometry of a clash on the dialog's map."""
        if self.map_canvas is None or self.map_markers is None:
            return
        self.shown_clash = clash
        layer = self._layer_of(clash.uuid or "")
        if layer and not self._context_layers:
            context = QgsVectorLayer(f"{self.workcopy.path}|layername={layer}", layer, "ogr")
            if context.isValid():
                context.setRenderer(QgsSingleSymbolRenderer(_context_symbol(context)))
                self._context_layers.append(context)
                self.map_canvas.setLayers(self._context_layers)
        for context in self._context_layers:  # the clashing feature itself is drawn by the markers
            context.setSubsetString(uuid_expression(clash.uuid or "").replace("=", "<>", 1))
        self.map_markers.show(self._geometries(clash), zoom=True)

    def show_on_main_map(self) -> None:
        """Draw the shown geometry clash in QGIS's own map window and zoom there."""
        if self.main_markers is not None and self.shown_clash is not None:
            self.main_markers.show(self._geometries(self.shown_clash), zoom=True)

    def _clear_main_markers(self) -> None:
        if self.main_markers is not None:
            self.main_markers.clear()
        if self.map_markers is not None:
            self.map_markers.clear()


class _ValueLabel(QLabel):
    """The value next to a radio button; clicking it chooses that radio button."""

    def __init__(self, text: str, radio: QRadioButton, parent: QWidget) -> None:
        super().__init__(parent)
        self.radio = radio
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(text)
        self.setWordWrap(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.radio.setChecked(True)
        super().mousePressEvent(event)


def _choice(text: str, parent: QWidget) -> tuple[QRadioButton, QLabel, QWidget]:
    """A radio button with its value as a wrapping label (radio buttons themselves never wrap)."""
    cell = QWidget(parent)
    row = QHBoxLayout(cell)
    row.setContentsMargins(0, 0, 0, 0)
    radio = QRadioButton(cell)
    radio.setToolTip(plain_tooltip(text))
    label = _ValueLabel(text, radio, cell)
    label.setToolTip(plain_tooltip(text))
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    row.addWidget(radio, 0, Qt.AlignmentFlag.AlignTop)
    row.addWidget(label, 1)
    return radio, label, cell


def server_changes(client: Any, clashes: Iterable[Clash], workcopy: WorkingCopy) -> dict[str, tuple[str, str]]:
    """Who changed each clashing feature on the server last, and when (from its history).

    Shown in the dialog so the person knows whose value they are deciding against. A feature
    whose history cannot be read is left out: the dialog works without it.
    """
    found: dict[str, tuple[str, str]] = {}
    for uuid in {c.uuid for c in clashes if c.uuid and c.field != UNKNOWN_SERVER_STATE}:
        layer = next((name for name in workcopy.layer_names() if workcopy.read_base(name, uuid) is not None), None)
        if layer is None:
            continue
        try:
            history = client.history(layer, uuid)
        except AtlasError:
            continue
        revisions = history if isinstance(history, list) else (history or {}).get("revisions") or []
        if revisions and revisions[-1].get("author"):
            found[uuid] = (str(revisions[-1]["author"]), str(revisions[-1].get("created_at") or ""))
    return found


def _context_symbol(layer: QgsVectorLayer) -> QgsSymbol:
    """Light grey: the neighbours are orientation, the markers are what matters."""
    if layer.geometryType() == POINT_GEOMETRY:
        return QgsMarkerSymbol.createSimple({"name": "circle", "color": "215,215,215",
                                             "outline_color": "150,150,150", "size": "1.8"})
    if layer.geometryType() == POLYGON_GEOMETRY:
        return QgsFillSymbol.createSimple({"color": "238,238,238", "outline_color": "170,170,170"})
    return QgsLineSymbol.createSimple({"color": "170,170,170"})

