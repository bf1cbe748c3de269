"""The Processing algorithm "Indikatorwerte hochladen" (``familienatlas:upload_indicator_values``).

For scripted and batch use of what the dialog does: a CSV or Excel file sent as a dry run (the
default: the server's per-row verdict in the log, nothing written) or for real. The login and the
split into ``prepareAlgorithm`` (main thread) and ``processAlgorithm`` (worker thread) are those of
the other algorithms (:class:`.algorithms._AtlasAlgorithm`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputBoolean,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..core.api import AtlasClient
from ..core.errors import AtlasError
from ..core.indicators import ROW_STATUSES, PreparedUpload, format_value, upload
from ..gui.i18n import tr
from ..gui.indicator_upload import status_labels, summary
from .algorithms import _AtlasAlgorithm


class UploadIndicatorValuesAlgorithm(_AtlasAlgorithm):
    """Send a spreadsheet of indicator values: dry run (report only) or for real (pending values)."""

    INPUT = "INPUT"
    INDICATOR = "INDICATOR"
    YEAR = "YEAR"
    LEVEL = "LEVEL"
    DRY_RUN = "DRY_RUN"
    APPLIED = "APPLIED"
    COUNTS = {status: status.upper() for status in ROW_STATUSES}

    def __init__(self) -> None:
        super().__init__()
        self._prepared: PreparedUpload | None = None
        self._dry_run = True

    def name(self) -> str:
        return "upload_indicator_values"

    def displayName(self) -> str:  # noqa: N802
        return tr("Indikatorwerte hochladen")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr("Sendet eine CSV- oder Excel-Datei mit Indikatorwerten an den Familienatlas-Server. Im Probelauf "
                  "(Voreinstellung) prüft der Server jede Zeile und meldet, was neu, geändert, unverändert, "
                  "abgelehnt oder ungültig wäre, ohne etwas zu speichern. Ohne Probelauf werden die Werte als "
                  "eine Änderung übernommen (alle oder keiner) und warten auf die Prüfung durch den Landkreis. "
                  "Der Indikator ist nur nötig, wenn die Datei keine Indikator-Spalte hat, das Jahr nur, wenn "
                  "sie keine Jahres-Spalte hat.")

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802
        self.addParameter(self._server_parameter())
        self.addParameter(self._auth_parameter())
        self.addParameter(QgsProcessingParameterFile(self.INPUT, tr("Datei (CSV oder Excel)"),
                                                     fileFilter=tr("Tabellen (*.csv *.xlsx)")))
        self.addParameter(QgsProcessingParameterString(self.INDICATOR, tr("Indikator (Schlüssel)"), optional=True))
        self.addParameter(QgsProcessingParameterNumber(self.YEAR, tr("Jahr"), optional=True,
                                                       minValue=1900, maxValue=2100))
        self.addParameter(QgsProcessingParameterString(self.LEVEL, tr("Raumebene (Schlüssel, für Namen statt "
                                                                      "Schlüsseln)"), optional=True))
        self.addParameter(QgsProcessingParameterBoolean(self.DRY_RUN, tr("Nur prüfen (Probelauf)"),
                                                        defaultValue=True))
        self.addOutput(QgsProcessingOutputBoolean(self.APPLIED, tr("Übernommen")))
        for status, label in status_labels().items():
            self.addOutput(QgsProcessingOutputNumber(self.COUNTS[status], tr("Zeilen: {status}").format(
                status=label)))

    def _prepare(self, parameters: dict[str, Any], context: QgsProcessingContext,
                 feedback: QgsProcessingFeedback | None) -> None:
        url = self._server_url(parameters, context)
        path = self.parameterAsFile(parameters, self.INPUT, context)
        if not path or not Path(path).is_file():
            raise QgsProcessingException(tr("Die Datei „{path}“ gibt es nicht.").format(path=path))
        year = None
        if parameters.get(self.YEAR) not in (None, ""):
            year = self.parameterAsInt(parameters, self.YEAR, context)
        indicator = (self.parameterAsString(parameters, self.INDICATOR, context) or "").strip() or None
        try:
            self._prepared = PreparedUpload.from_path(path, indicator, year)
            self._prepared.level = (self.parameterAsString(parameters, self.LEVEL, context) or "").strip() or None
        except AtlasError as exc:
            raise QgsProcessingException(str(exc)) from exc
        self._dry_run = self.parameterAsBoolean(parameters, self.DRY_RUN, context)
        self._client = self._login(url, self.parameterAsString(parameters, self.AUTHCFG, context), feedback)

    def _process(self, client: AtlasClient, feedback: QgsProcessingFeedback) -> dict[str, Any]:
        assert self._prepared is not None
        feedback.pushInfo(tr("Probelauf: nichts wird gespeichert.") if self._dry_run
                          else tr("Die Werte werden gesendet."))
        try:
            report = upload(client, self._prepared, dry_run=self._dry_run)
        except AtlasError as exc:
            raise QgsProcessingException(tr("Hochladen fehlgeschlagen: {error}").format(error=exc)) from exc
        labels = status_labels()
        for row in report.rows:
            line = tr("{source}: {unit} {year}: {status}").format(
                source=row.source, unit=row.unit_name or row.unit, year=row.year or "", status=labels[row.status])
            if row.status == "changed":
                line += f" ({format_value(row.old)} -> {format_value(row.new)})"
            if row.reason:
                line += f": {row.reason}"
            if row.status in ("refused", "invalid"):
                feedback.reportError(line, False)
            else:
                feedback.pushInfo(line)
        for source, reason in report.skipped:
            feedback.pushInfo(tr("Übersprungen: {source}: {reason}").format(source=source, reason=reason))
        text = summary(report)
        if not report.dry_run and not report.applied:
            raise QgsProcessingException(text)
        feedback.pushInfo(text)
        return {self.APPLIED: report.applied, **{self.COUNTS[s]: n for s, n in report.counts().items()}}
