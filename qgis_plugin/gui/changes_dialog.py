""""Lokale Änderungen": what an editor changed, what waits for review, what was rejected and why.

Everything shown comes from the working copy, so the dialog works offline: the local changes as the
core's change detection sees them (against the state last received from the server), the review
state of every feature as the last sync brought it (``fa_state``/``fa_reason``: pending, published,
rejected with the admin's reason), and the server's last refusals of a push (``fa_rejected``).
A click on a row shows the feature on the map when its layer is in the project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QBrush, QColor
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core import reference
from ..core.errors import AtlasError
from ..core.workcopy import LOCAL_STATE, FeatureState, WorkingCopy
from . import project
from .feature_display import (
    OLD_COLOR,
    STATE_COLORS,
    error_text,
    field_title,
    find_project_layer,
    layer_title,
    op_label,
    show_feature,
    state_label,
    to_qgs_geometry,
    uuid_expression,
)
from .text import ask, escape_html, plain_tooltip
from .widgets import button, hbox, list_table, set_column_widths, text_label

ITEM_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
COL_LAYER, COL_NAME, COL_MUNICIPALITY, COL_CHANGE, COL_FIELDS, COL_STATUS, COL_REASON = range(7)

#: Status of an item besides the server's review states: the server refused the last push of it.
REFUSED = "refused"

#: What the "Anzeigen" filter offers: key -> statuses shown ("open" = everything not just published).
OPEN_STATUSES = frozenset({LOCAL_STATE, REFUSED, "pending", "rejected", "withdrawn"})


#: The order of the statuses in the list: what needs the editor's attention first.
STATUS_ORDER = {REFUSED: 0, "rejected": 1, LOCAL_STATE: 2, "pending": 3, "withdrawn": 4, "published": 5}


class _SortItem(QTableWidgetItem):
    """A cell sorting by a hidden key (the status by urgency rather than alphabetically)."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if mine is not None and theirs is not None:
            return mine < theirs
        return super().__lt__(other)


@dataclass
class ChangeItem:
    """One feature worth showing: changed locally, refused, or in a review state."""

    layer: str
    uuid: str
    name: str
    owner: str | None
    op: str | None  # insert/update/delete for a local change, else None
    changed_fields: list[str] = field(default_factory=list)
    status: str | None = None  # local, refused, pending, published, rejected, withdrawn
    reason: str | None = None  # the admin's reason or the server's refusal
    hint: str | None = None  # what else the editor should know (e.g. an earlier rejection)
    geometry: dict[str, Any] | None = None


class ChangesDialog(QDialog):
    """The editor's overview of local changes and of their review on the server."""

    def __init__(self, workcopy: WorkingCopy, iface: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Familienatlas: Lokale Änderungen"))
        self.setObjectName("FamilienatlasChangesDialog")
        self.workcopy = workcopy
        self.iface = iface
        self.items: list[ChangeItem] = []
        self.own_municipality = reference.own_municipality_key(workcopy)
        self._municipality_names = {key: m.get("name") for key, m in reference.municipalities(workcopy).items()}
        self._build()
        self.refresh()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        user = self.workcopy.username or "?"
        self.header_label = text_label(self, self.tr("Arbeitskopie {path}<br>Benutzer {user} · Server {server}").format(
            path=escape_html(str(self.workcopy.path)), user=escape_html(user),
            server=escape_html(self.workcopy.server_url or "?")), rich=True, muted=True)
        layout.addWidget(self.header_label)
        self.summary_label = text_label(self, rich=True)
        layout.addWidget(self.summary_label)
        layout.addLayout(self._build_filters())
        layout.addWidget(self._build_table(), 1)
        self.detail_label = text_label(self, rich=True, selectable=True)
        layout.addWidget(self.detail_label)
        self.map_label = text_label(self, self.tr("Ein Klick auf eine Zeile zeigt das Objekt auf der Karte."))
        self.discard_button = button(self, self.tr("Änderung verwerfen…"), self.discard_selected, self.tr(
            "Die ausgewählte lokale Änderung zurücknehmen: das Objekt bekommt "
            "wieder den Stand vom Server, ein neues Objekt wird entfernt."))
        self.refresh_button = button(self, self.tr("Aktualisieren"), self.refresh)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Schließen"))
        buttons.rejected.connect(self.reject)
        layout.addLayout(hbox((self.map_label, 1), self.discard_button, self.refresh_button, buttons))
        self.resize(1280, 580)

    def _build_filters(self) -> QHBoxLayout:
        """Which changes to show (by state) and whether only the own municipality's."""
        self.show_combo = QComboBox(self)
        self.show_combo.addItem(self.tr("alles Offene"), "open")
        self.show_combo.addItem(state_label(LOCAL_STATE), LOCAL_STATE)
        self.show_combo.addItem(self.tr("vom Server zurückgewiesen"), REFUSED)
        for review_state in ("pending", "rejected", "published"):
            self.show_combo.addItem(state_label(review_state), review_state)
        self.show_combo.addItem(self.tr("alle Objekte"), "all")
        self.show_combo.currentIndexChanged.connect(self._fill_table)
        own_name = self._municipality_names.get(self.own_municipality) or self.own_municipality
        self.own_only_check = QCheckBox(self.tr("nur {municipality}").format(municipality=own_name or ""), self)
        self.own_only_check.setToolTip(self.tr(
            "Nur Objekte der eigenen Kommune; eigene Änderungen werden immer gezeigt"))
        self.own_only_check.setChecked(bool(self.own_municipality))
        self.own_only_check.setVisible(bool(self.own_municipality))
        self.own_only_check.toggled.connect(self._fill_table)
        return hbox(QLabel(self.tr("Anzeigen"), self), self.show_combo, self.own_only_check, None)

    def _build_table(self) -> QTableWidget:
        """One row per open change (or per feature), sorted by state; a click shows it on the map."""
        self.table = list_table(self, [
            self.tr("Ebene"), self.tr("Name"), self.tr("Kommune"), self.tr("Änderung"),
            self.tr("Geänderte Felder"), self.tr("Status"), self.tr("Grund / Hinweis")], wrap=False)
        set_column_widths(self.table, {COL_LAYER: 150, COL_NAME: 240, COL_MUNICIPALITY: 120, COL_CHANGE: 95,
                                       COL_FIELDS: 170, COL_STATUS: 235}, stretch=COL_REASON)
        self.table.horizontalHeader().setMinimumSectionSize(60)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.sortByColumn(COL_STATUS, Qt.SortOrder.AscendingOrder)
        self.table.cellClicked.connect(lambda row, _column: self.show_row(row))
        self.table.itemSelectionChanged.connect(self._show_selected)
        return self.table

    # ------------------------------------------------------------------ content

    def refresh(self) -> None:
        """Read the working copy again (after a sync or more edits)."""
        try:
            self.items = self._collect()
        except AtlasError as exc:  # e.g. a geometry the core cannot read
            self.items = []
            self.summary_label.setText(f'<span style="color:#be1414">{escape_html(error_text(exc))}</span>')
            self._fill_table()
            return
        own = [i for i in self.items if self._is_own(i)]
        counts = {
            LOCAL_STATE: sum(1 for i in self.items if i.op is not None),
            REFUSED: sum(1 for i in self.items if i.status == REFUSED),
            "pending": sum(1 for i in own if i.status == "pending"),
            "rejected": sum(1 for i in own if i.status == "rejected"),
        }
        parts = [
            self.tr("{count} lokal geändert").format(count=counts[LOCAL_STATE]),
            _colored(self.tr("{count} vom Server zurückgewiesen").format(count=counts[REFUSED]),
                     OLD_COLOR if counts[REFUSED] else None),
            self.tr("{count} warten auf Prüfung").format(count=counts["pending"]),
            _colored(self.tr("{count} abgelehnt").format(count=counts["rejected"]),
                     STATE_COLORS["rejected"] if counts["rejected"] else None),
        ]
        self.summary_label.setText(" · ".join(parts))
        self._fill_table()

    def _collect(self) -> list[ChangeItem]:
        wc = self.workcopy
        items: list[ChangeItem] = []
        for layer in wc.layer_names():
            schema = wc.schema(layer)
            changes = {c.uuid: c for c in wc.local_changes(layer)}
            refusals = {r.uuid: r for r in wc.refusals(layer)}
            for row in wc.rows(layer):
                items.append(self._item(layer, schema, row, changes.pop(row.uuid, None),
                                        refusals.pop(row.uuid, None)))
            for uuid, change in changes.items():  # deleted locally: only the base knows the feature
                base = wc.read_base(layer, uuid)
                items.append(self._item(layer, schema, base, change, refusals.pop(uuid, None), uuid=uuid))
        return items

    def _item(self, layer: str, schema: dict[str, Any], state: FeatureState | None, change: Any,
              refusal: Any, uuid: str | None = None) -> ChangeItem:
        properties = state.properties if state is not None else {}
        item = ChangeItem(
            layer=layer, uuid=uuid or (state.uuid if state else ""), name=str(properties.get("name") or "—"),
            owner=properties.get("owner"), op=change.op if change is not None else None,
            changed_fields=[field_title(schema, f) for f in (change.changed_fields if change else [])],
            geometry=state.geometry if state is not None else None)
        review_state = state.state if state is not None else None
        review_reason = state.reason if state is not None else None
        if change is not None and change.op == "delete":
            base = self.workcopy.read_base(layer, item.uuid)
            review_state, review_reason = (base.state, base.reason) if base else (None, None)
        if refusal is not None:
            item.status, item.reason = REFUSED, refusal.message or refusal.code
        elif change is not None:
            item.status = LOCAL_STATE
            if review_state == "rejected" or (review_state == LOCAL_STATE and review_reason):
                item.hint = self.tr("zuvor abgelehnt: {reason}").format(reason=review_reason or "")
        else:
            item.status = review_state
            if review_state in ("rejected", "withdrawn"):
                item.reason = review_reason
        return item

    def _is_own(self, item: ChangeItem) -> bool:
        return not self.own_municipality or item.owner == self.own_municipality

    def visible_items(self) -> list[ChangeItem]:
        """The items the filters let through, in the order they were read."""
        wanted = self.show_combo.currentData()
        own_only = self.own_only_check.isChecked() and bool(self.own_municipality)
        out = []
        for item in self.items:
            mine = item.status in (LOCAL_STATE, REFUSED)  # the editor's own edits: always theirs to see
            if own_only and not mine and not self._is_own(item):
                continue
            if wanted == "open" and item.status not in OPEN_STATUSES:
                continue
            if wanted not in ("open", "all") and item.status != wanted:
                continue
            out.append(item)
        return out

    def _fill_table(self) -> None:
        items = self.visible_items()
        self.table.setSortingEnabled(False)
        self.table.clearContents()
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            schema = self.workcopy.schema(item.layer)
            reason = item.reason or item.hint or ""
            cells = [layer_title(schema, item.layer), item.name, self._municipality(item.owner),
                     op_label(item.op) if item.op else "", ", ".join(item.changed_fields),
                     self._status_text(item.status), reason]
            for column, text in enumerate(cells):
                cell = _SortItem(text)
                cell.setData(ITEM_ROLE, item)
                if column == COL_STATUS:
                    cell.setData(SORT_ROLE, f"{STATUS_ORDER.get(item.status or '', 9)}{item.name.lower()}")
                cell.setToolTip(plain_tooltip(text))
                if column == COL_STATUS:
                    color = STATE_COLORS.get(item.status or "") or (OLD_COLOR if item.status == REFUSED else None)
                    if color is not None:
                        cell.setForeground(QBrush(color))
                self.table.setItem(row, column, cell)
        self.table.setSortingEnabled(True)
        # One layer only (the usual case): its name in every row says nothing.
        self.table.setColumnHidden(COL_LAYER, len({i.layer for i in items}) <= 1)
        self._show_selected()

    def selected_item(self) -> ChangeItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.row_item(rows[0].row()) if rows else None

    def discard_selected(self) -> bool:
        """Undo the selected row's local change after asking; True when it was undone.

        Only the file is changed, so layers in edit mode must be saved or closed first (their edit
        buffer would otherwise write the change back).
        """
        item = self.selected_item()
        if item is None or item.op is None:
            return False
        if any(layer.isEditable() for layer in project.working_copy_layers(self.workcopy.path)):
            self.map_label.setText(self.tr("Bitte zuerst die Bearbeitung der Familienatlas-Ebenen speichern "
                                           "oder beenden."))
            return False
        if not ask(self, self.tr("Änderung verwerfen?"),
                   self.tr("Die lokale Änderung an „{name}“ verwerfen? Das Objekt bekommt wieder den Stand vom "
                           "Server; ein neues Objekt wird entfernt. Das lässt sich nicht rückgängig machen.")
                   .format(name=item.name), self.tr("Verwerfen")):
            return False
        try:
            self.workcopy.discard_change(item.layer, item.uuid)
        except AtlasError as exc:
            self.map_label.setText(str(exc))
            return False
        project.refresh_working_copy_layers(self.workcopy)
        self.refresh()
        self.map_label.setText(self.tr("Die Änderung an „{name}“ wurde verworfen.").format(name=item.name))
        return True

    def _show_selected(self) -> None:
        """The full text of the selected row below the table (cells are cut to one line)."""
        rows = self.table.selectionModel().selectedRows()
        self.discard_button.setEnabled(bool(rows) and self.row_item(rows[0].row()).op is not None)
        if not rows:
            self.detail_label.setText(self.tr("Zeile auswählen, um Grund und Hinweise vollständig zu lesen."))
            return
        item = self.row_item(rows[0].row())
        lines = [f"<b>{escape_html(item.name)}</b> · {escape_html(self._status_text(item.status))}"]
        if item.changed_fields:
            fields = escape_html(", ".join(item.changed_fields))
            lines.append(self.tr("Geänderte Felder: {fields}").format(fields=fields))
        if item.reason:
            label = self.tr("Grund") if item.status != REFUSED else self.tr("Antwort des Servers")
            lines.append(f"{escape_html(label)}: {escape_html(item.reason)}")
        if item.hint:
            lines.append(escape_html(item.hint))
        self.detail_label.setText("<br>".join(lines))

    def _municipality(self, key: str | None) -> str:
        key = key or self.own_municipality  # a new feature gets the editor's municipality on the server
        if not key:
            return "—"
        return str(self._municipality_names.get(key) or key)

    def _status_text(self, status: str | None) -> str:
        if status == REFUSED:
            return self.tr("vom Server zurückgewiesen")
        return state_label(status)

    def row_item(self, row: int) -> ChangeItem:
        return self.table.item(row, COL_LAYER).data(ITEM_ROLE)

    # ------------------------------------------------------------------ map

    def show_row(self, row: int) -> bool:
        """Zoom to the row's feature and select it, if its layer is in the project; False otherwise."""
        item = self.row_item(row)
        layer = find_project_layer(self.workcopy.path, item.layer)
        if layer is None:
            self.map_label.setText(self.tr(
                "Die Ebene „{layer}“ der Arbeitskopie ist nicht im Projekt geladen.").format(
                layer=layer_title(self.workcopy.schema(item.layer), item.layer)))
            return False
        geometry = to_qgs_geometry(item.geometry)
        if geometry is None and item.op == "delete":
            base = self.workcopy.read_base(item.layer, item.uuid)
            geometry = to_qgs_geometry(base.geometry if base else None)
        if geometry is None:
            layer.selectByExpression(uuid_expression(item.uuid))
            self.map_label.setText(self.tr("„{name}“ hat keine Geometrie.").format(name=item.name))
            return False
        show_feature(self.iface.mapCanvas(), layer, item.uuid, geometry)
        self.map_label.setText(self.tr("„{name}“ wird auf der Karte gezeigt.").format(name=item.name))
        return True


def _colored(text: str, color: QColor | None) -> str:
    return f'<span style="color:{color.name()}">{escape_html(text)}</span>' if color is not None else escape_html(text)
