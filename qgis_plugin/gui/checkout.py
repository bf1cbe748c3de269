"""The "Auschecken…" action: choose a folder, fetch a working copy in a task, show it in the project.

The checkout itself is ``Synchronizer.checkout`` (plus the reference data) in a :class:`.tasks.SyncTask`;
this module only asks the person (folder; replace a working copy with unsent changes?) and puts the
result on the map.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from qgis.core import Qgis
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QFileDialog, QMessageBox, QWidget

from ..core.api import AtlasClient
from ..core.workcopy import WorkingCopy
from . import connection, project, tasks
from .i18n import tr
from .text import log_detail, push_message


def choose_folder(parent: QWidget | None, start: Path | None = None) -> Path | None:
    """Ask for the folder of the working copy (it holds ``familienatlas.gpkg``)."""
    folder = QFileDialog.getExistingDirectory(
        parent, tr("Ordner für die Arbeitskopie wählen"), str(start or Path.home()),
        QFileDialog.Option.ShowDirsOnly,
    )
    return Path(folder) if folder else None


def confirm_replace(parent: QWidget | None, message: str) -> bool:
    answer = QMessageBox.question(
        parent, tr("Arbeitskopie ersetzen?"),
        message + "\n\n" + tr("Trotzdem neu auschecken? Die nicht gesendeten Änderungen gehen dabei verloren."),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class CheckoutRun:
    """One checkout into ``folder``; ``on_finished(workcopy or None)`` runs in the main thread.

    If the folder already holds a working copy with unsent changes, the core refuses; the person
    is asked and the checkout repeated with ``force`` only if they agree.
    """

    def __init__(self, iface: Any, client: AtlasClient, folder: Path,
                 on_finished: Callable[[WorkingCopy | None], None] | None = None, *,
                 confirm: Callable[[str], bool] | None = None) -> None:
        self.iface = iface
        self.client = client
        self.folder = Path(folder)
        self.on_finished = on_finished
        self.confirm = confirm or (lambda message: confirm_replace(iface.mainWindow(), message))
        self.workcopy: WorkingCopy | None = None
        self.task: tasks.SyncTask | None = None
        self.outcome: tasks.TaskOutcome | None = None

    @property
    def running(self) -> bool:
        return self.task is not None

    def start(self, force: bool = False) -> None:
        # The tables are replaced: the project must not hold layers on them meanwhile.
        project.remove_working_copy_layers(self.folder / "familienatlas.gpkg")
        if self.workcopy is None:
            self.workcopy = WorkingCopy.in_folder(self.folder)
        self.task = tasks.SyncTask(tr("Familienatlas: Arbeitskopie auschecken"), tasks.CHECKOUT, self.client,
                                   self.workcopy, self._done, force=force)
        tasks.show_progress_messages(self.task, self.iface)
        tasks.start(self.task)

    def _done(self, outcome: tasks.TaskOutcome) -> None:
        self.task = None
        self.outcome = outcome
        workcopy = self.workcopy
        assert workcopy is not None
        error = outcome.error
        if error is not None and getattr(error, "code", None) == "local_changes_exist" and self.confirm(str(error)):
            self.start(force=True)
            return
        if outcome.ok:
            project.add_working_copy_layers(workcopy)
            connection.save_workcopy_folder(self.folder)
            push_message(self.iface, tr("Arbeitskopie ausgecheckt: {count} Objekte in {path}.").format(
                count=outcome.report.received, path=workcopy.path), Qgis.MessageLevel.Success, 8)
            # After QGIS's own "zoom to the first layers of an empty project", which is queued.
            QTimer.singleShot(50, lambda path=workcopy.path: self._zoom_to_own_territory(path))
            result: WorkingCopy | None = workcopy
        else:
            level = Qgis.MessageLevel.Info if outcome.cancelled else Qgis.MessageLevel.Critical
            log_detail(error)
            push_message(self.iface, tr("Auschecken fehlgeschlagen: {error}").format(error=error), level, 0)
            if workcopy.layer_names():
                # Whatever was there before (or the part that arrived) stays usable.
                project.add_working_copy_layers(workcopy)
                result = workcopy
            else:
                workcopy.close()
                result = None
        self.workcopy = None
        if self.on_finished is not None:
            self.on_finished(result)

    def _zoom_to_own_territory(self, path: Path) -> None:
        """Show the own municipality (its key is stored in the territories' layer's file)."""
        for layer in project.working_copy_layers(path):
            if layer.customProperty(project.PROPERTY_ROLE) == project.ROLE_TERRITORIES:
                key = layer.customProperty(project.PROPERTY_OWN_KEY)
                extent = None
                if key:
                    for feature in layer.getFeatures(f'"key" = {project.sql_literal(key)}'):
                        extent = feature.geometry().boundingBox()
                if extent is None or extent.isEmpty():
                    extent = layer.extent()
                extent.scale(1.1)
                canvas = self.iface.mapCanvas()
                canvas.setDestinationCrs(layer.crs())
                canvas.setExtent(extent)
                canvas.refresh()
                return
