""""Meldungen": what visitors of the offers map reported as wrong or outdated ("Eintrag veraltet?
Melden"), beside "Lokale Änderungen".

The list comes from the server (``GET /reports``): an editor sees the reports of its municipality's
offers, the admin all of them. A report names its offer; the link under the list selects the offer in
the working copy and zooms the map to it, so the editor corrects it there and syncs as usual. The
editor closes the report with an answer (``POST /reports/<id>/close``). Every call runs as a QGIS task
(:func:`.call_task.run_in_background`): QGIS stays usable while the server answers. The visitor's
e-mail is shown to staff only, and the server deletes it after its retention period.
"""

from __future__ import annotations

from typing import Any

from qgis.core import Qgis
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.api import AtlasClient
from ..core.workcopy import WorkingCopy
from .call_task import run_in_background
from .feature_display import error_text, find_project_layer, format_time, show_feature, to_qgs_geometry
from .text import escape_html, plain_tooltip, push_message
from .widgets import button, hbox, list_table, set_column_widths, text_label

REPORT_ROLE = Qt.ItemDataRole.UserRole
COL_RECEIVED, COL_OFFER, COL_MUNICIPALITY, COL_TEXT, COL_EMAIL, COL_STATE = range(6)
OFFERS_LAYER = "institutions"
#: The link in the detail text that shows the report's offer on the map.
SHOW_LINK = "familienatlas:show-offer"
#: Longest answer the server takes (the column of the report table).
MAX_ANSWER = 2000


class ReportsDialog(QDialog):
    """Visitors' reports of the offers this user handles; closing one with an answer."""

    def __init__(self, client: AtlasClient, workcopy: WorkingCopy | None, iface: Any,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Familienatlas: Meldungen zu Einträgen"))
        self.setObjectName("FamilienatlasReportsDialog")
        self.client = client
        self.workcopy = workcopy
        self.iface = iface
        self.reports: list[dict[str, Any]] = []
        self.loading = False
        self._notice = ""  # shown once the list is loaded again (after closing a report)
        self._build()
        self.refresh()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(text_label(self, self.tr(
            "Was Besucherinnen und Besucher der Angebotskarte als falsch oder veraltet melden. Bitte den "
            "Eintrag in der Arbeitskopie korrigieren, synchronisieren und die Meldung mit einer Antwort "
            "abschließen. Die E-Mail-Adresse sehen nur Mitarbeitende; der Server löscht sie nach einer "
            "festen Frist."), muted=True))
        self.state_combo = QComboBox(self)
        self.state_combo.addItem(self.tr("offene"), "open")
        self.state_combo.addItem(self.tr("abgeschlossene"), "closed")
        self.state_combo.addItem(self.tr("alle"), "all")
        self.state_combo.currentIndexChanged.connect(lambda _index: self.refresh())
        self.summary_label = text_label(self)
        layout.addLayout(hbox(QLabel(self.tr("Anzeigen"), self), self.state_combo, (self.summary_label, 1)))
        self.table = list_table(self, [self.tr("Eingang"), self.tr("Angebot"), self.tr("Kommune"),
                                       self.tr("Meldung"), self.tr("E-Mail"), self.tr("Status")], wrap=False,
                                sortable=False)  # in the server's order: oldest open report first
        set_column_widths(self.table, {COL_RECEIVED: 135, COL_OFFER: 240, COL_MUNICIPALITY: 110,
                                       COL_EMAIL: 180, COL_STATE: 110}, stretch=COL_TEXT)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.table.cellDoubleClicked.connect(lambda _row, _column: self.show_offer())
        layout.addWidget(self.table, 1)
        self.detail_label = text_label(self, rich=True, selectable=True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.detail_label.linkActivated.connect(lambda link: self.show_offer() if link == SHOW_LINK else None)
        layout.addWidget(self.detail_label)
        self.answer_edit = QPlainTextEdit(self)
        self.answer_edit.setPlaceholderText(self.tr("Antwort (Pflicht), z. B. was korrigiert wurde"))
        self.answer_edit.setAccessibleName(self.tr("Antwort"))
        self.answer_edit.setMaximumHeight(90)
        self.answer_edit.textChanged.connect(self._update_buttons)
        layout.addWidget(self.answer_edit)
        self.message_label = text_label(self)
        self.close_button = button(self, self.tr("Mit Antwort abschließen"), self.close_selected, self.tr(
            "Die ausgewählte Meldung abschließen; die Antwort wird mit ihr gespeichert."))
        self.refresh_button = button(self, self.tr("Aktualisieren"), self.refresh)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Schließen"))
        buttons.rejected.connect(self.reject)
        layout.addLayout(hbox((self.message_label, 1), self.close_button, self.refresh_button, buttons))
        self.resize(1100, 560)
        self._show_selected()

    # ------------------------------------------------------------------ server calls (tasks)

    def refresh(self) -> None:
        """Load the reports of the chosen state from the server (in the background)."""
        state = self.state_combo.currentData()
        self._busy(True, self.tr("Meldungen werden geladen …"))
        run_in_background(self, self.tr("Familienatlas: Meldungen laden"),
                          lambda: self.client.reports(state), self._loaded)

    def _loaded(self, result: Any, error: BaseException | None) -> None:
        self._busy(False)
        if error is not None:
            self.message_label.setText(error_text(error))
            return
        self.message_label.setText(self._notice)
        self._notice = ""
        self.reports = list(result or [])
        self._fill_table()

    def close_selected(self) -> None:
        """Close the selected report with the answer typed below the list."""
        report = self.selected_report()
        answer = self.answer_edit.toPlainText().strip()
        if report is None or not answer or report["state"] != "open":
            return
        self._busy(True, self.tr("Meldung wird abgeschlossen …"))
        run_in_background(self, self.tr("Familienatlas: Meldung abschließen"),
                          lambda: self.client.close_report(report["id"], answer[:MAX_ANSWER]), self._closed)

    def _closed(self, result: Any, error: BaseException | None) -> None:
        self._busy(False)
        if error is not None:
            self.message_label.setText(error_text(error))
            return
        self.answer_edit.clear()
        text = self.tr("Die Meldung zu „{name}“ ist abgeschlossen.").format(name=result.get("offer_name", ""))
        push_message(self.iface, text, Qgis.MessageLevel.Success, 5)
        self._notice = text
        self.refresh()

    def _busy(self, busy: bool, text: str | None = None) -> None:
        self.loading = busy
        self.refresh_button.setEnabled(not busy)
        self.state_combo.setEnabled(not busy)
        if text is not None:
            self.message_label.setText(text)
        self._update_buttons()

    # ------------------------------------------------------------------ list

    def _fill_table(self) -> None:
        self.table.clearContents()
        self.table.setRowCount(len(self.reports))
        states = {"open": self.tr("offen"), "closed": self.tr("abgeschlossen")}
        for row, report in enumerate(self.reports):
            cells = [format_time(report.get("created_at")), report.get("offer_name") or "",
                     report.get("owner_name") or report.get("owner") or "", report.get("text") or "",
                     report.get("email") or "", states.get(report.get("state"), report.get("state") or "")]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(" ".join(str(text).split()))  # one line per report
                cell.setData(REPORT_ROLE, report)
                cell.setToolTip(plain_tooltip(str(text)))
                self.table.setItem(row, column, cell)
        open_count = sum(1 for r in self.reports if r.get("state") == "open")
        self.summary_label.setText(self.tr("{count} Meldungen, davon {open} offen").format(
            count=len(self.reports), open=open_count))
        if self.reports:
            self.table.selectRow(0)
        self._show_selected()

    def selected_report(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), COL_RECEIVED).data(REPORT_ROLE) if rows else None

    def _show_selected(self) -> None:
        """The whole report below the list, with the link to its offer."""
        report = self.selected_report()
        self._update_buttons()
        if report is None:
            self.detail_label.setText(self.tr("Keine Meldung ausgewählt."))
            return
        lines = [f"<b>{escape_html(report['offer_name'])}</b> · "
                 f'<a href="{SHOW_LINK}">{escape_html(self.tr("in der Arbeitskopie zeigen"))}</a>',
                 escape_html(report["text"]).replace("\n", "<br>")]
        if report.get("email"):
            lines.append(escape_html(self.tr("E-Mail für Rückfragen: {email}").format(email=report["email"])))
        if report.get("answer"):
            lines.append(escape_html(self.tr("Antwort ({user}, {time}): {answer}").format(
                user=report.get("closed_by") or "—", time=format_time(report.get("closed_at")),
                answer=report["answer"])))
        self.detail_label.setText("<br>".join(lines))

    def _update_buttons(self) -> None:
        report = self.selected_report()
        self.close_button.setEnabled(not self.loading and report is not None and report.get("state") == "open"
                                     and bool(self.answer_edit.toPlainText().strip()))

    # ------------------------------------------------------------------ map

    def show_offer(self) -> bool:
        """Select the selected report's offer in the working copy and zoom the map to it; False (with a
        message) when there is no working copy, the offer is not in it or its layer is not loaded."""
        report = self.selected_report()
        if report is None:
            return False
        state = self.workcopy.read_row(OFFERS_LAYER, report["offer_id"]) if self.workcopy is not None else None
        geometry = to_qgs_geometry(state.geometry) if state is not None else None
        if geometry is None:
            self.message_label.setText(self.tr("„{name}“ ist nicht in der Arbeitskopie; bitte synchronisieren.")
                                       .format(name=report["offer_name"]))
            return False
        layer = find_project_layer(self.workcopy.path, OFFERS_LAYER)
        if layer is None:
            self.message_label.setText(self.tr("Die Ebene der Angebote ist nicht im Projekt geladen."))
            return False
        show_feature(self.iface.mapCanvas(), layer, report["offer_id"], geometry)
        self.message_label.setText(self.tr("„{name}“ wird auf der Karte gezeigt.").format(name=report["offer_name"]))
        return True
