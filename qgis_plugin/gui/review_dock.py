"""The county admin's dock "Prüfen und Veröffentlichen": pending changes, before/after, decisions.

It lists what the municipalities submitted (``GET /review/pending``), filters the list, shows the
selected change field by field next to the published state and on the map (old position red, new
position green), and publishes or rejects through the core's :class:`AtlasClient`. Every call to
the server runs as a QGIS task; QGIS stays usable while the server answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from qgis.core import Qgis
from qgis.gui import QgsDockWidget
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QDate, QItemSelectionModel, Qt, QTimer, pyqtSignal
from qgis.PyQt.QtGui import QBrush, QColor, QFont
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.api import AtlasClient
from ..core.indicators import VALUES_LAYER
from ..core.indicators import format_value as format_figure
from ..core.merge import GEOMETRY
from .call_task import run_in_background
from .feature_display import (
    NEW_COLOR,
    OLD_COLOR,
    PositionMarkers,
    error_text,
    field_specs,
    field_title,
    format_distance,
    format_time,
    format_value,
    layer_title,
    op_label,
    parse_time,
    to_qgs_geometry,
)
from .text import escape_html, plain_tooltip, push_message
from .widgets import button, filter_combo, hbox, legend, list_table, text_label

ENTRY_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
COL_OP, COL_NAME, COL_MUNICIPALITY, COL_AUTHOR, COL_TIME = range(5)
#: The most pending changes one load asks for (the server's upper limit).
PENDING_LIMIT = 20000
MESSAGE_SECONDS = 6
OUTLIER_COLOR = QColor(176, 82, 0)  # dark orange: readable on white, apart from the old/new colours
#: Column widths of the pending list in pixels (see ReviewDock._fit_columns).
NAME_MIN_WIDTH, NAME_MAX_WIDTH, OTHER_MAX_WIDTH = 220, 380, 170


class _SortItem(QTableWidgetItem):
    """A table cell that sorts by a hidden key (the ISO time behind "22.11.2026 03:35")."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if mine is not None and theirs is not None:
            return mine < theirs
        return super().__lt__(other)


class ReasonDialog(QDialog):
    """Asks why changes are rejected; the municipality reads the reason, so it is required."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Änderungen ablehnen"))
        layout = QVBoxLayout(self)
        if count == 1:
            text = self.tr("Warum wird die ausgewählte Änderung abgelehnt?")
        else:
            text = self.tr("Warum werden die {count} ausgewählten Änderungen abgelehnt?").format(count=count)
        label = QLabel(text + " " + self.tr("Die Kommune sieht den Grund beim nächsten Abgleich."))
        label.setWordWrap(True)
        layout.addWidget(label)
        self.reason_edit = QPlainTextEdit(self)
        self.reason_edit.setPlaceholderText(self.tr("Grund der Ablehnung (Pflichtangabe)"))
        layout.addWidget(self.reason_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Ablehnen"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason_edit.textChanged.connect(self._update_ok)
        self._update_ok()
        self.resize(420, 220)

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.reason()))

    def accept(self) -> None:
        if self.reason():
            super().accept()


class ReviewDock(QgsDockWidget):
    """Pending changes of all municipalities, for the county admin to publish or reject."""

    #: Emitted after each load of the pending list (successful or not).
    loaded = pyqtSignal()
    #: Emitted after a decision was taken by the server, with the revisions it concerned.
    decided = pyqtSignal(str, list)

    def __init__(self, client: AtlasClient, iface: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Prüfen und Veröffentlichen"))
        self.setObjectName("FamilienatlasReviewDock")
        self.client = client
        self.iface = iface
        self.entries: list[dict[str, Any]] = []
        self.layers: dict[str, dict[str, Any]] = {}
        self.municipalities: dict[str, dict[str, Any]] = {}
        self.busy = False
        self.last_error: str | None = None
        self.markers = PositionMarkers(iface.mapCanvas())
        self._select_after_load: tuple[int | None, int] | None = None
        self._build()
        self._update_buttons()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        body = QWidget(self)
        outer = QVBoxLayout(body)
        outer.setContentsMargins(6, 6, 6, 6)
        self.refresh_button = button(body, self.tr("Aktualisieren"), self.refresh)
        self.status_label = text_label(body, self.tr("Noch nicht geladen."), rich=True)
        outer.addLayout(hbox(self.refresh_button, (self.status_label, 1)))
        outer.addWidget(self._build_filters(body))
        splitter = QSplitter(Qt.Orientation.Vertical, body)
        splitter.addWidget(self._build_list(splitter))
        splitter.addWidget(self._build_details(splitter))
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        outer.addWidget(splitter, 1)
        self.approve_button = button(body, self.tr("Freigeben"), self.approve_selected,
                                     self.tr("Die ausgewählten Änderungen veröffentlichen"))
        self.reject_button = button(body, self.tr("Ablehnen …"), self.reject_selected,
                                    self.tr("Die ausgewählten Änderungen mit Begründung ablehnen"))
        self.approve_push_button = button(
            body, self.tr("Ganze Übertragung freigeben"), self.approve_push,
            self.tr("Alle Änderungen veröffentlichen, die mit der ausgewählten zusammen übertragen wurden"))
        outer.addLayout(hbox(self.approve_button, self.reject_button, None, self.approve_push_button))
        self.setWidget(body)
        self._show_details()

    def _build_filters(self, parent: QWidget) -> QGroupBox:
        """Layer, municipality, category, author and a start date; every change filters the list."""
        filters = QGroupBox(self.tr("Filter"), parent)
        grid = QGridLayout(filters)
        self.layer_combo = filter_combo(filters, self.tr("alle"), self.apply_filters)
        self.municipality_combo = filter_combo(filters, self.tr("alle"), self.apply_filters)
        self.category_combo = filter_combo(filters, self.tr("alle"), self.apply_filters)
        self.author_combo = filter_combo(filters, self.tr("alle"), self.apply_filters)
        combos = ((self.tr("Ebene"), self.layer_combo), (self.tr("Kommune"), self.municipality_combo),
                  (self.tr("Kategorie"), self.category_combo), (self.tr("Autor"), self.author_combo))
        for index, (text, combo) in enumerate(combos):
            grid.addWidget(QLabel(text, filters), index // 2, 2 * (index % 2))
            grid.addWidget(combo, index // 2, 2 * (index % 2) + 1)
        self.since_check = QCheckBox(self.tr("seit"), filters)
        self.since_edit = QDateEdit(filters)
        self.since_edit.setCalendarPopup(True)
        self.since_edit.setDisplayFormat("dd.MM.yyyy")
        self.since_edit.setDate(QDate.currentDate().addDays(-7))
        self.since_edit.setEnabled(False)
        self.since_check.toggled.connect(self.since_edit.setEnabled)
        self.since_check.toggled.connect(self.apply_filters)
        self.since_edit.dateChanged.connect(self.apply_filters)
        grid.addLayout(hbox(self.since_check, self.since_edit, None), 2, 0, 1, 2)
        self.count_label = QLabel(filters)
        grid.addWidget(self.count_label, 2, 2, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return filters

    def _build_list(self, parent: QWidget) -> QTableWidget:
        """The pending changes, several selectable, oldest first."""
        self.table = list_table(parent, [self.tr("Art"), self.tr("Name"), self.tr("Kommune"), self.tr("Autor"),
                                         self.tr("Zeit")], multi=True)
        header = self.table.horizontalHeader()
        # Widths are set after each fill (_fit_columns): the name keeps a readable width even in a
        # narrow dock (a scroll bar appears instead), the last column takes what is left.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.sortByColumn(COL_TIME, Qt.SortOrder.AscendingOrder)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        return self.table

    def _build_details(self, parent: QWidget) -> QGroupBox:
        """Before and after of the selected change, field by field, and its positions on the map."""
        details = QGroupBox(self.tr("Vorher / Nachher"), parent)
        layout = QVBoxLayout(details)
        self.title_label = text_label(details, rich=True)
        self.move_label = text_label(details)
        self.all_fields_check = QCheckBox(self.tr("Auch unveränderte Felder zeigen"), details)
        self.all_fields_check.toggled.connect(self._show_details)
        self.compare_table = QTableWidget(0, 3, details)
        self.compare_table.setHorizontalHeaderLabels(
            [self.tr("Feld"), self.tr("Vorher (veröffentlicht)"), self.tr("Nachher (zur Prüfung)")])
        self.compare_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.compare_table.setWordWrap(True)
        self.compare_table.verticalHeader().setVisible(False)
        compare_header = self.compare_table.horizontalHeader()
        compare_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        compare_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        compare_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # Wrapped values need their row heights again whenever the columns change width.
        compare_header.sectionResized.connect(lambda *_args: self.compare_table.resizeRowsToContents())
        self.legend_label = legend(details, [(OLD_COLOR, "●", self.tr("alte Lage")),
                                             (NEW_COLOR, "●", self.tr("neue Lage"))])
        self.show_map_button = button(details, self.tr("Auf Karte zeigen"), self.markers.zoom)
        for widget in (self.title_label, self.move_label, self.all_fields_check):
            layout.addWidget(widget)
        layout.addWidget(self.compare_table, 1)
        layout.addLayout(hbox(self.legend_label, None, self.show_map_button))
        return details

    # ------------------------------------------------------------------ loading

    def refresh(self) -> None:
        """Load the pending changes (and, the first time, layers and municipalities) in the background."""
        if self.busy:
            return
        client = self.client
        need_reference = not self.layers or not self.municipalities

        def work() -> dict[str, Any]:
            answer: dict[str, Any] = {"pending": client.pending(limit=PENDING_LIMIT)}
            if need_reference:
                answer["layers"] = client.layers()
                answer["municipalities"] = client.municipalities(territory=False)
            return answer

        self._start(self.tr("Änderungen werden geladen …"), work, self._loaded)

    def _loaded(self, answer: dict[str, Any] | None, error: BaseException | None) -> None:
        self._finish()
        if error is not None:
            self._show_error(error)
            self.loaded.emit()
            return
        assert answer is not None
        if "layers" in answer:
            self.layers = {layer["name"]: layer for layer in answer["layers"]}
            self.municipalities = {m["key"]: m for m in answer["municipalities"]}
        pending = answer["pending"]
        self.entries = list(pending if isinstance(pending, list) else pending.get("items", []))
        self.last_error = None
        self._fill_filters()
        self.apply_filters()
        self.loaded.emit()

    # ------------------------------------------------------------------ filters

    def _fill_filters(self) -> None:
        self._refill(self.layer_combo, [(layer_title(schema, name), name) for name, schema in self.layers.items()])
        self._refill(self.municipality_combo, self._municipality_choices())
        categories: list[tuple[str, str]] = []
        for schema in self.layers.values():
            spec = field_specs(schema).get("category") or {}
            for choice in spec.get("choices") or []:
                if isinstance(choice, dict) and not choice.get("parent"):
                    categories.append((str(choice.get("label") or choice["value"]), choice["value"]))
                elif isinstance(choice, str):
                    categories.append((choice, choice))
        self._refill(self.category_combo, categories)
        authors: dict[str, str] = {}
        for entry in self.entries:
            name = entry.get("author_name") or entry.get("author")
            label = name if name == entry.get("author") else f"{name} ({entry.get('author')})"
            authors[entry.get("author")] = label
        self._refill(self.author_combo, sorted(((label, key) for key, label in authors.items()),
                                               key=lambda item: item[0].lower()))

    def _refill(self, combo: QComboBox, items: Sequence[tuple[str, Any]]) -> None:
        """New items for a filter, keeping the chosen one where it still exists."""
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("alle"), None)
        for label, value in items:
            combo.addItem(label, value)
        index = combo.findData(current) if current is not None else 0
        if index < 0 and current is not None:
            combo.addItem(str(current), current)  # e.g. an author whose changes are all decided
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _municipality_choices(self) -> list[tuple[str, str]]:
        """Municipalities by name; members of a Samtgemeinde indented below it."""
        by_id = {m.get("id"): m for m in self.municipalities.values()}
        children: dict[Any, list[dict[str, Any]]] = {}
        for m in self.municipalities.values():
            children.setdefault(m.get("parent_id"), []).append(m)
        roots = [m for m in self.municipalities.values() if m.get("parent_id") not in by_id]
        out: list[tuple[str, str]] = []

        def add(items: list[dict[str, Any]], depth: int) -> None:
            for m in sorted(items, key=lambda m: str(m.get("name")).lower()):
                out.append(("\u2003" * depth + str(m.get("name")), m["key"]))
                add(children.get(m.get("id"), []), depth + 1)

        add(roots, 0)
        return out

    def _municipality_keys(self, key: str) -> set[str]:
        """A municipality and, for one with members (a Samtgemeinde), its members; not below the root."""
        chosen = self.municipalities.get(key)
        if chosen is None or chosen.get("parent_id") is None:
            return {key}
        return {key} | {m["key"] for m in self.municipalities.values() if m.get("parent_id") == chosen.get("id")}

    def filtered_entries(self) -> list[dict[str, Any]]:
        """The loaded entries that pass the filters."""
        layer = self.layer_combo.currentData()
        municipality = self.municipality_combo.currentData()
        keys = self._municipality_keys(municipality) if municipality else None
        category = self.category_combo.currentData()
        author = self.author_combo.currentData()
        since = self.since_edit.date().toPyDate() if self.since_check.isChecked() else None
        out = []
        for entry in self.entries:
            if layer and entry.get("layer") != layer:
                continue
            if keys is not None and entry.get("owner") not in keys:
                continue
            if category and _properties(entry).get("category") != category:
                continue
            if author and entry.get("author") != author:
                continue
            if since is not None:
                moment = parse_time(entry.get("created_at"))
                if moment is None or moment.astimezone().date() < since:
                    continue
            out.append(entry)
        return out

    def apply_filters(self) -> None:
        """Fill the table with the filtered entries, keeping the selection where possible."""
        selected = {e["revision"] for e in self.selected_entries()}
        keep = self._select_after_load
        self._select_after_load = None
        entries = self.filtered_entries()
        self.table.setSortingEnabled(False)
        self.table.blockSignals(True)
        self.table.clearContents()
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            moment = parse_time(entry.get("created_at"))
            cells = [
                (op_label(entry.get("op")), entry.get("op")),
                (self._name_text(entry), None),
                (self._municipality_name(entry.get("owner")), None),
                (entry.get("author_name") or entry.get("author") or "—", None),
                (format_time(entry.get("created_at")), moment.isoformat() if moment else ""),
            ]
            for column, (text, sort_key) in enumerate(cells):
                item = _SortItem(text)
                item.setData(ENTRY_ROLE, entry)
                if sort_key is not None:
                    item.setData(SORT_ROLE, sort_key)
                if column == COL_OP:
                    item.setForeground(QBrush(_op_color(entry.get("op"))))
                if column == COL_NAME:
                    item.setToolTip(plain_tooltip("\n".join([_name(entry) or "—", *self._outlier_texts(entry)])))
                    if entry.get("outliers"):
                        item.setForeground(QBrush(OUTLIER_COLOR))
                self.table.setItem(row, column, item)
        self.table.setSortingEnabled(True)
        self.table.blockSignals(False)
        self._fit_columns()
        total = len(self.entries)
        if len(entries) == total:
            self.count_label.setText(self.tr("{count} Änderungen").format(count=total))
        else:
            self.count_label.setText(self.tr("{shown} von {total} Änderungen").format(shown=len(entries), total=total))
        if not self.last_error:
            self.status_label.setText(self.tr("{count} Änderungen warten auf Prüfung.").format(count=total))
        # Selection: the same changes as before; after a decision the row where the decided one was.
        rows = [r for r in range(self.table.rowCount()) if self._row_entry(r)["revision"] in selected]
        if not rows and keep is not None:
            revision, index = keep
            rows = [r for r in range(self.table.rowCount()) if self._row_entry(r)["revision"] == revision]
            if not rows and self.table.rowCount():
                rows = [min(index, self.table.rowCount() - 1)]
        self.table.clearSelection()
        for row in rows:
            self.select_row(row, clear=False)
        self._selection_changed()

    def _municipality_name(self, key: str | None) -> str:
        municipality = self.municipalities.get(key or "")
        return str(municipality.get("name")) if municipality else (key or "—")

    # ------------------------------------------------------------------ selection and details

    def _row_entry(self, row: int) -> dict[str, Any]:
        return self.table.item(row, COL_OP).data(ENTRY_ROLE)

    def select_row(self, row: int, clear: bool = True) -> None:
        """Select a table row and make it current (as a click does; ``clear=False`` as a Ctrl+click)."""
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        if clear:
            flags |= QItemSelectionModel.SelectionFlag.Clear
        self.table.selectionModel().setCurrentIndex(self.table.model().index(row, COL_NAME), flags)

    def selected_entries(self) -> list[dict[str, Any]]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self._row_entry(r) for r in rows if self.table.item(r, COL_OP) is not None]

    def current_entry(self) -> dict[str, Any] | None:
        """The change shown in the details: the current row if selected, else the first selected."""
        selected = self.selected_entries()
        if not selected:
            return None
        row = self.table.currentRow()
        if row >= 0 and self.table.item(row, COL_OP) is not None:
            current = self._row_entry(row)
            if any(e["revision"] == current["revision"] for e in selected):
                return current
        return selected[0]

    def _selection_changed(self) -> None:
        self._show_details()
        self._show_on_map()
        self._update_buttons()

    def _show_details(self) -> None:
        entry = self.current_entry()
        self.compare_table.setRowCount(0)
        if entry is None:
            self.title_label.setText(self.tr("Bitte eine Änderung auswählen."))
            self.move_label.setText("")
            return
        schema = self.layers.get(entry.get("layer"), {})
        specs = field_specs(schema)
        same_push = sum(1 for e in self.entries if e.get("push_id") == entry.get("push_id"))
        if same_push == 1:
            push_text = self.tr("als einzige offene Änderung ihrer Übertragung")
        else:
            push_text = self.tr("Übertragung mit {count} offenen Änderungen").format(count=same_push)
        self.title_label.setText(self.tr(
            "<b>{name}</b> ({layer}, {municipality})<br>{op} von {author} am {time} · {push}").format(
            name=escape_html(_name(entry) or "—"), layer=escape_html(layer_title(schema, entry.get("layer", ""))),
            municipality=escape_html(self._municipality_name(entry.get("owner"))), op=op_label(entry.get("op")),
            author=escape_html(entry.get("author_name") or entry.get("author") or "—"),
            time=format_time(entry.get("created_at")), push=push_text))
        self.move_label.setText("\n".join(filter(None, [self._movement_text(entry), *self._outlier_texts(entry)])))
        before = (entry.get("before") or {}).get("properties") or {}
        after = (entry.get("after") or {}).get("properties") or {}
        changed = entry.get("changed_fields") or {}
        names = [name for name in specs if name in changed] + sorted(set(changed) - set(specs))
        if self.all_fields_check.isChecked():
            names = list(specs) + sorted((set(before) | set(after)) - set(specs))
        rows: list[tuple[str, str, str, bool]] = []
        for name in names:
            old, new = before.get(name), after.get(name)
            old_text = "—" if entry.get("op") == "insert" else format_value(old, specs.get(name))
            new_text = "—" if entry.get("op") == "delete" else format_value(new, specs.get(name))
            rows.append((field_title(schema, name), old_text, new_text, name in changed))
        moved = entry.get("moved_m")
        if entry.get("op") == "update" and moved:
            rows.append((field_title(schema, GEOMETRY), format_value((entry.get("before") or {}).get("geometry")),
                         format_value((entry.get("after") or {}).get("geometry")), True))
        self.compare_table.setRowCount(len(rows))
        bold = QFont()
        bold.setBold(True)
        for row, (title, old_text, new_text, is_changed) in enumerate(rows):
            items = [QTableWidgetItem(title), QTableWidgetItem(old_text), QTableWidgetItem(new_text)]
            for column, item in enumerate(items):
                item.setToolTip(plain_tooltip(item.text()))
                if is_changed:
                    item.setFont(bold)
                    if column == 1 and entry.get("op") != "insert":
                        item.setForeground(QBrush(OLD_COLOR))
                    elif column == 2 and entry.get("op") != "delete":
                        item.setForeground(QBrush(NEW_COLOR.darker(120)))
                self.compare_table.setItem(row, column, item)
        self.compare_table.resizeRowsToContents()
        QTimer.singleShot(0, self._fit_rows)  # again once the columns have their final widths

    def _fit_columns(self) -> None:
        """The name readable (at least NAME_MIN_WIDTH), the other columns as wide as their content
        up to OTHER_MAX_WIDTH."""
        self.table.resizeColumnsToContents()
        for column in (COL_OP, COL_MUNICIPALITY, COL_AUTHOR, COL_TIME):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), OTHER_MAX_WIDTH))
        self.table.setColumnWidth(COL_NAME, min(max(self.table.columnWidth(COL_NAME), NAME_MIN_WIDTH),
                                                NAME_MAX_WIDTH))

    def _fit_rows(self) -> None:
        if not sip.isdeleted(self):
            self.compare_table.resizeRowsToContents()

    def _name_text(self, entry: dict[str, Any]) -> str:
        """The name column: a warning sign in front of values the server flags as outliers."""
        name = _name(entry) or "—"
        return f"⚠ {name}" if entry.get("outliers") else name

    def _outlier_texts(self, entry: dict[str, Any]) -> list[str]:
        """Why the server flags an indicator value for a second look (a flag, not a refusal)."""
        texts = []
        for flag in entry.get("outliers") or []:
            if flag.get("code") == "year_change":
                texts.append(self.tr("Auffällig: {change} % gegenüber dem Vorjahr ({previous}).").format(
                    change=f"{flag.get('change_percent', 0):+d}", previous=format_figure(flag.get("previous"))))
            elif flag.get("code") == "far_from_peers":
                texts.append(self.tr("Auffällig: weit außerhalb der Werte der anderen Einheiten dieser Ebene im "
                                     "selben Jahr (üblich {low} bis {high}).").format(
                    low=format_figure(flag.get("low"), 1), high=format_figure(flag.get("high"), 1)))
        return texts

    def _movement_text(self, entry: dict[str, Any]) -> str:
        op = entry.get("op")
        if op == "insert":
            return self.tr("Neues Objekt: noch nicht öffentlich.")
        if op == "delete":
            return self.tr("Soll gelöscht werden: bleibt öffentlich, bis die Löschung freigegeben ist.")
        moved = entry.get("moved_m")
        if entry.get("before") is None:
            return self.tr("Noch nie veröffentlicht.")
        if moved is None:
            return ""
        if moved < 0.005:
            return self.tr("Lage unverändert.")
        return self.tr("verschoben um {distance}").format(distance=format_distance(moved))

    def _show_on_map(self) -> None:
        entry = self.current_entry()
        if entry is None:
            self.markers.clear()
            return
        before = to_qgs_geometry((entry.get("before") or {}).get("geometry"))
        after = to_qgs_geometry((entry.get("after") or {}).get("geometry")) if entry.get("op") != "delete" else None
        self.markers.show([(before, OLD_COLOR, 18), (after, NEW_COLOR, 11)], zoom=True)

    # ------------------------------------------------------------------ decisions

    def approve_selected(self) -> None:
        """Publish the selected changes."""
        entries = self.selected_entries()
        if not entries or self.busy:
            return
        revisions = [e["revision"] for e in entries]
        self._decide("approve", lambda: self.client.approve(revisions=revisions), entries)

    def reject_selected(self) -> None:
        """Reject the selected changes, after asking for the reason."""
        entries = self.selected_entries()
        if not entries or self.busy:
            return
        dialog = ReasonDialog(len(entries), self)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.reason():
            return
        reason = dialog.reason()
        revisions = [e["revision"] for e in entries]
        self._decide("reject", lambda: self.client.reject(revisions=revisions, reason=reason), entries)

    def approve_push(self) -> None:
        """Publish every pending change of the push the current change came with."""
        entry = self.current_entry()
        if entry is None or self.busy or not entry.get("push_id"):
            return
        push_id = entry["push_id"]
        count = sum(1 for e in self.entries if e.get("push_id") == push_id)
        answer = QMessageBox.question(
            self, self.tr("Ganze Übertragung freigeben"),
            self.tr("Alle {count} offenen Änderungen der Übertragung von {author} am {time} freigeben?").format(
                count=count, author=entry.get("author_name") or entry.get("author"),
                time=format_time(entry.get("created_at"))),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._decide("approve", lambda: self.client.approve(push_id=push_id), [entry])

    def _decide(self, decision: str, call: Callable[[], Any], entries: list[dict[str, Any]]) -> None:
        rows = [r for r in range(self.table.rowCount()) if self._row_entry(r) in entries]
        self._select_after_load = (None, min(rows) if rows else 0)

        def done(answer: Any, error: BaseException | None) -> None:
            self._finish()
            if error is not None:
                self._show_error(error)
                return
            revisions = list((answer or {}).get("revisions") or [])
            count = len(revisions)
            if decision == "approve":
                text = (self.tr("1 Änderung freigegeben.") if count == 1
                        else self.tr("{count} Änderungen freigegeben.").format(count=count))
            else:
                text = (self.tr("1 Änderung abgelehnt.") if count == 1
                        else self.tr("{count} Änderungen abgelehnt.").format(count=count))
            self._message(text, Qgis.MessageLevel.Success)
            self.decided.emit(decision, revisions)
            self.refresh()

        label = self.tr("Freigabe wird gesendet …") if decision == "approve" else self.tr("Ablehnung wird gesendet …")
        self._start(label, call, done)

    # ------------------------------------------------------------------ plumbing

    def _start(self, label: str, function: Callable[[], Any],
               on_done: Callable[[Any, BaseException | None], None]) -> None:
        self.busy = True
        self.status_label.setText(label)
        self._update_buttons()
        run_in_background(self, self.tr("Familienatlas: {what}").format(what=label), function, on_done)

    def _finish(self) -> None:
        self.busy = False
        self._update_buttons()

    def _show_error(self, error: BaseException) -> None:
        self.last_error = error_text(error)
        self.status_label.setText(f'<span style="color:#be1414">{escape_html(self.last_error)}</span>')
        self._message(self.last_error, Qgis.MessageLevel.Critical)

    def _message(self, text: str, level: Qgis.MessageLevel) -> None:
        if self.iface is not None and self.iface.messageBar() is not None:
            push_message(self.iface, text, level, MESSAGE_SECONDS)

    def _update_buttons(self) -> None:
        selected = bool(self.selected_entries()) if hasattr(self, "table") else False
        entry = self.current_entry() if selected else None
        self.refresh_button.setEnabled(not self.busy)
        self.approve_button.setEnabled(selected and not self.busy)
        self.reject_button.setEnabled(selected and not self.busy)
        self.approve_push_button.setEnabled(bool(entry and entry.get("push_id")) and not self.busy)
        self.show_map_button.setEnabled(bool(self.markers.geometries))

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        QTimer.singleShot(0, self._fit_rows)
        if not self.entries and not self.busy and self.last_error is None:
            self.refresh()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.markers.clear()
        super().closeEvent(event)


# ---------------------------------------------------------------------- helpers


def _properties(entry: dict[str, Any]) -> dict[str, Any]:
    state = entry.get("after") or entry.get("before") or {}
    return state.get("properties") or {}


def _name(entry: dict[str, Any]) -> str | None:
    props = _properties(entry)
    if entry.get("layer") == VALUES_LAYER:  # a value has no name: indicator, unit and year say which it is
        return f"{props.get('indicator')} · {props.get('unit')} · {props.get('year')}"
    name = props.get("name")
    return str(name) if name is not None else None


def _op_color(op: str | None) -> QColor:
    if op == "insert":
        return NEW_COLOR.darker(120)
    if op == "delete":
        return OLD_COLOR
    return QColor(33, 90, 160)
