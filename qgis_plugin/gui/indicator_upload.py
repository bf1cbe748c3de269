""""Indikatorwerte hochladen…": a spreadsheet checked by the server first (dry run), then sent.

The dialog asks for a CSV or Excel file and, for a file without an indicator column, the indicator
(and the year for a file without a year column). "Prüfen (Probelauf)" sends it as a dry run in a task and lists
the server's verdict per row (new, changed old -> new, unchanged, refused, invalid, with reasons),
filterable by outcome and text; nothing is written. "Senden" then sends the same file for real in a
task; the file's :class:`~..core.indicators.PreparedUpload` keeps one idempotency key, so sending
again after a network failure cannot write twice. The checks are the server's: the plugin adds none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QBrush, QColor
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import AtlasError
from ..core.indicators import (
    IndicatorCatalogue,
    PreparedUpload,
    UploadReport,
    format_value,
    indicator_name,
    upload,
)
from .call_task import run_in_background
from .i18n import plural, tr
from .widgets import button, hbox, list_table, text_label

NO_YEAR = 1899  # the year spin box's "from the file"

STATUS_COLORS = {"new": "#1a9641", "changed": "#1f5fff", "unchanged": "#636363", "refused": "#d7191c",
                 "invalid": "#d7191c"}


def status_labels() -> dict[str, str]:
    return {"new": tr("neu"), "changed": tr("geändert"), "unchanged": tr("unverändert"),
            "refused": tr("abgelehnt"), "invalid": tr("ungültig")}


def summary(report: UploadReport) -> str:
    """What the report means, in one or two German sentences."""
    counts = report.counts()
    parts = tr("{new} neu, {changed} geändert, {unchanged} unverändert, {refused} abgelehnt, "
               "{invalid} ungültig").format(**counts)
    if report.problems:
        parts += ". " + " ".join(report.problems)
    if report.dry_run:
        if report.sendable:
            return tr("Probelauf: {parts}. Es wurde nichts gespeichert; „Senden“ überträgt die Werte.").format(
                parts=parts)
        if counts["refused"] or counts["invalid"]:
            return tr("Probelauf: {parts}. Es wurde nichts gespeichert. Bitte die abgelehnten und ungültigen "
                      "Zeilen in der Datei korrigieren und erneut prüfen.").format(parts=parts)
        return tr("Probelauf: {parts}. Es wurde nichts gespeichert; es gibt nichts zu senden.").format(parts=parts)
    if report.applied:
        written = counts["new"] + counts["changed"]
        text = plural(written, tr("Gesendet: {count} Wert ({parts}). Er wartet jetzt auf die Prüfung durch den "
                                  "Landkreis."),
                      tr("Gesendet: {count} Werte ({parts}). Sie warten jetzt auf die Prüfung durch den Landkreis."),
                      parts=parts)
        if report.raw.get("replayed"):
            text += " " + tr("Der Server hatte diese Datei schon übernommen; nichts wurde doppelt gespeichert.")
        return text
    return tr("Nicht übernommen: {parts}. Es wurde nichts gespeichert.").format(parts=parts)


def file_summary(report: UploadReport) -> str:
    """How the server read the file (format, layout, encoding, separator) and what it skipped, so a
    surprising report can be traced to a misread file."""
    info = report.raw.get("file") if isinstance(report.raw.get("file"), dict) else {}
    parts = [str(info[key]) for key in ("format", "sheet", "encoding") if info.get(key)]
    if info.get("layout"):
        parts.append(tr("Langformat") if info["layout"] == "long" else tr("Breitformat (Jahre als Spalten)"))
    if info.get("separator"):
        parts.append(tr("Trennzeichen „{separator}“").format(separator=info["separator"]))
    text = tr("Gelesen als: {parts}.").format(parts=", ".join(parts)) if parts else ""
    if report.skipped:
        text += (" " if text else "") + plural(len(report.skipped), tr("{count} Zeile übersprungen (Titel, Leer- "
                                                                     "oder Summenzeile)."),
                                               tr("{count} Zeilen übersprungen (Titel, Leer- oder Summenzeilen)."))
    return text


class IndicatorUploadDialog(QDialog):
    """File, indicator, year; "Prüfen" (dry run) shows the report, "Senden" writes it."""

    COLUMNS = ("source", "unit", "indicator", "year", "status", "old", "new", "reason")

    def __init__(self, client: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Indikatorwerte hochladen"))
        self.setObjectName("FamilienatlasIndicatorUploadDialog")
        self.client = client
        self.catalogue: IndicatorCatalogue | None = None
        self.prepared: PreparedUpload | None = None
        self.report: UploadReport | None = None
        self.busy = False

        layout = QVBoxLayout(self)
        layout.addLayout(self._build_inputs())
        layout.addLayout(self._build_filters())
        self.table = list_table(self, [tr("Fundstelle"), tr("Einheit"), tr("Indikator"), tr("Jahr"), tr("Ergebnis"),
                                       tr("Alt"), tr("Neu"), tr("Grund")], multi=True, sortable=False)
        self.table.horizontalHeader().setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.summary = text_label(self, tr("Datei wählen und „Prüfen (Probelauf)“ klicken: der Server prüft jede "
                                           "Zeile, ohne etwas zu speichern."))
        layout.addWidget(self.summary)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        layout.addWidget(self._build_buttons())
        self.resize(900, 560)
        self._update_buttons()

    def _build_inputs(self) -> QFormLayout:
        """File, indicator and year; each change asks for a new check."""
        self.file_widget = QgsFileWidget()
        self.file_widget.setStorageMode(QgsFileWidget.StorageMode.GetFile)
        self.file_widget.setFilter(tr("Tabellen (*.csv *.xlsx);;CSV (*.csv);;Excel (*.xlsx)"))
        self.file_widget.fileChanged.connect(self._selection_changed)
        self.indicator_combo = QComboBox()
        self.indicator_combo.addItem(tr("(aus der Datei)"), None)
        self.indicator_combo.currentIndexChanged.connect(self._selection_changed)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(NO_YEAR, 2100)
        self.year_spin.setSpecialValueText(tr("(aus der Datei)"))
        self.year_spin.setValue(NO_YEAR)
        self.year_spin.valueChanged.connect(self._selection_changed)
        form = QFormLayout()
        form.addRow(tr("Datei (CSV oder Excel)"), self.file_widget)
        form.addRow(tr("Indikator"), self.indicator_combo)
        form.addRow(tr("Jahr"), self.year_spin)
        return form

    def _build_filters(self) -> QHBoxLayout:
        """Which rows of the report to show: by result and by text."""
        self.status_filter = QComboBox()
        self.status_filter.addItem(tr("Alle Zeilen"), None)
        for status, label in status_labels().items():
            self.status_filter.addItem(label, status)
        self.status_filter.currentIndexChanged.connect(self.apply_filter)
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText(tr("Filtern nach Einheit, Grund …"))
        self.text_filter.textChanged.connect(self.apply_filter)
        return hbox(QLabel(tr("Anzeigen:")), self.status_filter, (self.text_filter, 1))

    def _build_buttons(self) -> QDialogButtonBox:
        self.check_button = button(self, tr("Prüfen (Probelauf)"), self.check)
        self.send_button = button(self, tr("Senden"), self.send)
        self.template_button = button(self, tr("Vorlage speichern…"), self.save_template, tr(
            "Eine Excel-Vorlage des gewählten Indikators mit den eigenen Gebieten und den Werten der letzten Jahre "
            "speichern"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for action in (self.template_button, self.check_button, self.send_button):
            buttons.addButton(action, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        return buttons

    # ------------------------------------------------------------------ catalogue

    def load(self) -> None:
        """Fill the indicator list from the catalogue (in a task)."""
        run_in_background(self, tr("Familienatlas: Indikatorenkatalog laden"),
                          lambda: IndicatorCatalogue.from_answer(self.client.indicator_catalogue()),
                          self._catalogue_loaded)

    def _catalogue_loaded(self, catalogue: IndicatorCatalogue | None, error: BaseException | None) -> None:
        if error is not None or catalogue is None:
            self.summary.setText(tr("Der Indikatorenkatalog kann nicht geladen werden: {error}").format(error=error))
            return
        self.catalogue = catalogue
        chosen = self.indicator_combo.currentData()
        self.indicator_combo.blockSignals(True)
        while self.indicator_combo.count() > 1:
            self.indicator_combo.removeItem(1)
        for indicator in catalogue.ordered():
            self.indicator_combo.addItem(f"{indicator_name(indicator)} ({indicator['key']})", indicator["key"])
        index = self.indicator_combo.findData(chosen)
        self.indicator_combo.setCurrentIndex(max(0, index))
        self.indicator_combo.blockSignals(False)

    # ------------------------------------------------------------------ selection

    def set_file(self, path: str) -> None:
        self.file_widget.setFilePath(str(path))

    def select_indicator(self, key: str | None) -> None:
        index = self.indicator_combo.findData(key)
        if index < 0 and key:  # the catalogue is not loaded yet: the key is what counts
            self.indicator_combo.addItem(key, key)
            index = self.indicator_combo.count() - 1
        self.indicator_combo.setCurrentIndex(max(0, index))

    def _selection_changed(self, *_args: Any) -> None:
        """Another file or choice: the report no longer describes what "Senden" would send."""
        self.prepared = None
        self.report = None
        self.table.setRowCount(0)
        self._update_buttons()

    def _prepare(self) -> PreparedUpload | None:
        path = self.file_widget.filePath().strip()
        if not path:
            self.summary.setText(tr("Bitte eine CSV- oder Excel-Datei wählen."))
            return None
        year = self.year_spin.value()
        try:
            return PreparedUpload.from_path(path, self.indicator_combo.currentData(),
                                            None if year == NO_YEAR else year)
        except AtlasError as exc:
            self.summary.setText(str(exc))
            return None

    # ------------------------------------------------------------------ dry run and send

    def check(self) -> None:
        """The dry run: the server's verdict per row, nothing written."""
        if self.busy:
            return
        prepared = self._prepare()
        if prepared is None:
            return
        self.prepared = prepared
        self._run(tr("Familienatlas: Indikatorwerte prüfen"), tr("Die Datei wird geprüft …"),
                  lambda: upload(self.client, prepared, dry_run=True))

    def send(self) -> None:
        """The real upload of the checked file (same idempotency key on every try)."""
        if self.busy or self.prepared is None or self.report is None or not self.report.sendable:
            return
        prepared = self.prepared
        self._run(tr("Familienatlas: Indikatorwerte senden"), tr("Die Werte werden gesendet …"),
                  lambda: upload(self.client, prepared, dry_run=False))

    def _run(self, description: str, text: str, function: Any) -> None:
        self.busy = True
        self.summary.setText(text)
        self.progress.setVisible(True)
        self._update_buttons()
        run_in_background(self, description, function, self._done)

    def _done(self, report: UploadReport | None, error: BaseException | None) -> None:
        self.busy = False
        self.progress.setVisible(False)
        if error is not None or report is None:
            self.summary.setText(tr("Fehler: {error}").format(error=error) + (
                " " + tr("„Senden“ kann gefahrlos wiederholt werden: der Server übernimmt die Werte nur einmal.")
                if self.report is not None and self.report.dry_run and self.report.sendable else ""))
            self._update_buttons()
            return
        if report.dry_run:
            self.report = report
        else:
            self.report = report if not report.applied else None
            if report.applied:
                self.prepared = None  # sent: another "Senden" needs another check
        self.show_report(report)
        self._update_buttons()

    # ------------------------------------------------------------------ template

    def save_template(self, path: str | None = None) -> None:
        """Fetch the chosen indicator's xlsx template (in a task) and save it at ``path`` (asked for)."""
        indicator = self.indicator_combo.currentData()
        if not indicator:
            self.summary.setText(tr("Für eine Vorlage bitte einen Indikator wählen."))
            return
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(self, tr("Vorlage speichern"), f"vorlage_{indicator}.xlsx",
                                                        tr("Excel (*.xlsx)"))
            if not path:
                return
        target = Path(path)

        def done(data: bytes | None, error: BaseException | None) -> None:
            self.busy = False
            self.progress.setVisible(False)
            if error is None and data:
                try:
                    target.write_bytes(data)
                except OSError as exc:
                    error = exc
            if error is not None:
                self.summary.setText(tr("Die Vorlage kann nicht gespeichert werden: {error}").format(error=error))
            else:
                self.summary.setText(tr("Vorlage gespeichert: {path}. Ausfüllen und hier hochladen.").format(
                    path=target))
                self.set_file(str(target))
            self._update_buttons()

        self.busy = True
        self.progress.setVisible(True)
        self._update_buttons()
        run_in_background(self, tr("Familienatlas: Vorlage laden"),
                          lambda: self.client.indicator_template(indicator), done)

    # ------------------------------------------------------------------ report

    def show_report(self, report: UploadReport) -> None:
        labels = status_labels()
        decimals = None
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(report.rows))
        for row_index, row in enumerate(report.rows):
            unit = f"{row.unit_name} ({row.unit})" if row.unit_name and row.unit_name != row.unit else row.unit
            cells = [row.source, unit, row.indicator, "" if row.year is None else str(row.year),
                     labels.get(row.status, row.status), format_value(row.old, decimals),
                     format_value(row.new, decimals), row.reason]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.status)
                if column == 4:
                    item.setForeground(QBrush(QColor(STATUS_COLORS.get(row.status, "#000000"))))
                if column == 7 and (row.reason or row.code):  # the whole reason, and its code for support
                    item.setToolTip(f"{row.reason} [{row.code}]" if row.code else row.reason)
                self.table.setItem(row_index, column, item)
        self.table.resizeColumnsToContents()
        details = file_summary(report)
        self.summary.setText(summary(report) + (f"\n{details}" if details else ""))
        self.apply_filter()

    def apply_filter(self, *_args: Any) -> None:
        """Show only the rows of the chosen outcome that contain the filter text."""
        status = self.status_filter.currentData()
        text = self.text_filter.text().strip().lower()
        for row in range(self.table.rowCount()):
            first = self.table.item(row, 0)
            matches = status is None or (first is not None and first.data(Qt.ItemDataRole.UserRole) == status)
            if matches and text:
                matches = any(text in (self.table.item(row, c).text().lower() if self.table.item(row, c) else "")
                              for c in range(self.table.columnCount()))
            self.table.setRowHidden(row, not matches)

    def visible_statuses(self) -> list[str]:
        """The outcomes of the rows shown (for tests and screen readers alike)."""
        return [self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) for row in range(self.table.rowCount())
                if not self.table.isRowHidden(row)]

    def _update_buttons(self) -> None:
        self.check_button.setEnabled(not self.busy)
        self.template_button.setEnabled(not self.busy)
        self.send_button.setEnabled(not self.busy and self.report is not None and self.report.dry_run
                                    and self.report.sendable)

