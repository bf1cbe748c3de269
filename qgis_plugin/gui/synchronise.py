"""The "Synchronisieren" action: save edits, check, sync in a task, report, settle clashes, sync again.

1. Edits still in QGIS's edit buffer are saved to the working copy (after asking, if any).
2. :func:`..core.validation.validate` checks the local changes. Features with problems are **left
   out of the push** (``hold_back``): they stay in the working copy, listed in the problems dock
   with a click to zoom; everything else is synchronised.
3. ``Synchronizer.sync`` runs in a :class:`.tasks.SyncTask` (progress, cancel, QGIS stays usable).
4. The message bar says what happened: sent, accepted, received, refused by the server with the
   server's reason per feature, held back by the check, clashes still open.
5. Same-field clashes open the conflict dialog; the person's choices resolve them in a second sync.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from qgis.core import Qgis
from qgis.PyQt.QtWidgets import QMessageBox

from ..core.api import AtlasClient
from ..core.errors import AtlasError, SessionExpired
from ..core.merge import Clash, Side
from ..core.sync import UNKNOWN_SERVER_STATE, SyncReport
from ..core.validation import Problem, held_back, validate
from ..core.workcopy import WorkingCopy
from . import project, tasks
from .call_task import wait_for
from .feature_display import layer_title
from .i18n import plural, tr
from .problems_dock import ProblemsDock
from .text import log_detail, push_message

#: Refusal reasons written into the message bar itself (all of them are in the problems dock).
MAX_REASONS_IN_MESSAGE = 3

Choices = dict[tuple[str, str], Side]


def ask_about_clashes(clashes: list[Clash], workcopy: WorkingCopy, iface: Any,
                      client: AtlasClient | None = None) -> Choices | None:
    """Open the conflict dialog (saying who changed each feature on the server, when ``client`` can
    read its history); the person's choices, or None when cancelled."""
    from .conflict_dialog import ConflictDialog, server_changes  # imported late: written alongside this module

    changes = {}
    if client is not None:
        try:
            changes = wait_for(tr("Familienatlas: Bearbeitungsstand laden"),
                               lambda: server_changes(client, clashes, workcopy))
        except AtlasError:
            changes = {}
    dialog = ConflictDialog(clashes, workcopy, iface, iface.mainWindow(), server_changes=changes)
    if dialog.exec():
        return dict(dialog.choices())
    return None


def confirm_save(iface: Any, layer_names: Sequence[str]) -> bool:
    answer = QMessageBox.question(
        iface.mainWindow(), tr("Bearbeitungen speichern?"),
        tr("Diese Ebenen haben ungespeicherte Bearbeitungen: {layers}.\n\n"
           "Speichern und dann synchronisieren?").format(layers=", ".join(layer_names)),
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save,
    )
    return answer == QMessageBox.StandardButton.Save


def save_layer_edits(iface: Any, path: Path, confirm: Callable[[Sequence[str]], bool]) -> bool:
    """Save and end the edit sessions of the layers on the working copy at ``path``.

    Edits still in QGIS's edit buffers are not in the file, so neither the checks nor the sync
    would see them. Asks ``confirm(layer names)`` first when there are unsaved edits; False when
    the person declines or saving fails (the message bar says why).
    """
    editing = [layer for layer in project.working_copy_layers(path) if layer.isEditable()]
    modified = [layer.name() for layer in editing if layer.isModified()]
    if modified and not confirm(modified):
        return False
    for layer in editing:
        if not layer.commitChanges():
            push_message(iface, tr("Die Bearbeitungen von „{layer}“ konnten nicht gespeichert werden: {errors}")
                         .format(layer=layer.name(), errors="; ".join(layer.commitErrors())),
                         Qgis.MessageLevel.Critical, 0)
            return False
    return True


def feature_name(workcopy: WorkingCopy, uuid: str) -> str:
    """The ``name`` of a feature for messages (its short uuid when it has none)."""
    for layer in workcopy.layer_names():
        row = workcopy.read_row(layer, uuid)
        if row is not None and row.properties.get("name"):
            return str(row.properties["name"])
    return uuid[:8]


class SyncRun:
    """One press of "Synchronisieren"; ``on_finished(run)`` runs in the main thread at the end."""

    def __init__(self, iface: Any, client: AtlasClient, workcopy: WorkingCopy,
                 problems_dock: Callable[[], ProblemsDock],
                 on_finished: Callable[[SyncRun], None] | None = None, *,
                 ask_clashes: Callable[[list[Clash]], Choices | None] | None = None,
                 confirm_save_edits: Callable[[Sequence[str]], bool] | None = None) -> None:
        self.iface = iface
        self.client = client
        self.workcopy = workcopy
        self.problems_dock = problems_dock
        self.on_finished = on_finished
        self.ask_clashes = ask_clashes or (lambda clashes: ask_about_clashes(clashes, workcopy, iface, client))
        self.confirm_save_edits = confirm_save_edits or (lambda names: confirm_save(iface, names))
        self.problems: list[Problem] = []
        self.hold_back: dict[str, set[str]] = {}
        self.reports: list[SyncReport] = []
        self.error: BaseException | None = None
        self.reference_error: BaseException | None = None
        self.asked_about_clashes = False
        self.task: tasks.SyncTask | None = None
        self.finished = False
        self._frozen: dict[str, bool] = {}

    @property
    def running(self) -> bool:
        return self.task is not None

    # ------------------------------------------------------------------ steps

    def start(self) -> bool:
        """Save, check and start the sync; False when the person stopped it before anything ran."""
        if not self.save_edits():
            self.finished = True
            return False
        self.problems = validate(self.workcopy)
        self.hold_back = held_back(self.problems)
        if self.problems:
            dock = self.problems_dock()
            dock.show_problems(self.workcopy, self.problems, include_refusals=False)
            dock.show()
            dock.raise_()
        self._frozen = project.freeze_working_copy_layers(self.workcopy.path)
        self._run(None)
        return True

    def save_edits(self) -> bool:
        """Write what is still in QGIS's edit buffers of the working copy's layers into the file."""
        return save_layer_edits(self.iface, self.workcopy.path, self.confirm_save_edits)

    def _run(self, choices: Choices | None) -> None:
        resolve = (lambda _clashes: choices) if choices else None
        self.task = tasks.SyncTask(tr("Familienatlas: synchronisieren"), tasks.SYNC, self.client, self.workcopy,
                                   self._done, resolve=resolve, hold_back=self.hold_back)
        tasks.show_progress_messages(self.task, self.iface)
        tasks.start(self.task)

    def _done(self, outcome: tasks.TaskOutcome) -> None:
        self.task = None
        project.refresh_working_copy_layers(self.workcopy)
        if outcome.error is not None:
            self.error = outcome.error
            self._show_error(outcome)
            self._finish()
            return
        report = outcome.report
        assert report is not None
        self.reports.append(report)
        self.reference_error = outcome.reference_error or self.reference_error
        open_clashes = [c for c in report.clashes_unresolved if c.field != UNKNOWN_SERVER_STATE]
        if open_clashes and not self.asked_about_clashes:
            self.asked_about_clashes = True
            try:
                choices = self.ask_clashes(open_clashes)
            except ImportError:
                choices = None
            if choices:
                self._run(choices)
                return
        self._show_report()
        self._finish()

    def _finish(self) -> None:
        project.thaw_working_copy_layers(self._frozen)
        self._frozen = {}
        self.finished = True
        if self.on_finished is not None:
            self.on_finished(self)

    # ------------------------------------------------------------------ messages

    def _show_error(self, outcome: tasks.TaskOutcome) -> None:
        error = outcome.error
        if outcome.cancelled:
            text = tr("Synchronisierung abgebrochen. Die Arbeitskopie ist unverändert nutzbar.")
            push_message(self.iface, text, Qgis.MessageLevel.Info, 8)
            return
        log_detail(error)
        text = tr("Synchronisierung fehlgeschlagen: {error}").format(error=error)
        if isinstance(error, SessionExpired):
            text += " " + tr("Bitte über „Verbinden…“ erneut anmelden.")
        push_message(self.iface, text, Qgis.MessageLevel.Critical, 0)

    def summary(self) -> tuple[str, Any]:
        """The message bar text and level for the reports of this run."""
        last = self.reports[-1]
        sent = sum(r.sent for r in self.reports)
        accepted = sum(r.accepted for r in self.reports)
        received = sum(r.received for r in self.reports)
        merged = sum(r.conflicts_merged for r in self.reports)
        parts = [tr("Abgleich fertig: {sent} gesendet, {accepted} angenommen, {received} empfangen.")
                 .format(sent=sent, accepted=accepted, received=received)]
        pulled_again = sorted({layer for report in self.reports for layer, _reason in report.pulled_again})
        if pulled_again:
            reasons = {reason for report in self.reports for _layer, reason in report.pulled_again}
            why = (tr("sie stammt von einem anderen Server oder aus einer älteren Sicherung")
                   if reasons == {"cursor_ahead"} else tr("was Sie sehen dürfen, hat sich geändert"))
            parts.append(tr("Die Arbeitskopie passte nicht mehr zum Server ({why}): {layers} wurde vollständig neu "
                            "geladen, alle lokalen Änderungen sind erhalten.").format(
                why=why, layers=", ".join(f"„{self._layer_title(name)}“" for name in pulled_again)))
        gone = [uuid for report in self.reports for _layer, uuid in report.gone_from_server]
        if gone:
            parts.append(plural(len(gone), tr("Ein lokal geändertes Objekt gibt es auf dem Server nicht mehr "
                                              "({names}); es bleibt in der Arbeitskopie."),
                                tr("{count} lokal geänderte Objekte gibt es auf dem Server nicht mehr ({names}); sie "
                                   "bleiben in der Arbeitskopie."),
                                names=", ".join(feature_name(self.workcopy, uuid) for uuid in gone)))
        rejected = [(uuid, reason) for report in self.reports for _layer, uuid, reason in report.rejected]
        if rejected:
            reasons = "; ".join(f"{feature_name(self.workcopy, uuid)}: {reason}" if reason
                                else feature_name(self.workcopy, uuid) for uuid, reason in rejected)
            parts.append(plural(len(rejected), tr("Die Kreisverwaltung hat eine Änderung abgelehnt: {reasons}"),
                                tr("Die Kreisverwaltung hat {count} Änderungen abgelehnt: {reasons}"),
                                reasons=reasons))
        if merged:
            parts.append(plural(merged, tr("Ein Konflikt zusammengeführt."), tr("{count} Konflikte zusammengeführt.")))
        if last.refused:
            reasons = [f"{feature_name(self.workcopy, uuid)}: {message}"
                       for uuid, _code, message in last.refused[:MAX_REASONS_IN_MESSAGE]]
            more = len(last.refused) - len(reasons)
            parts.append(plural(len(last.refused), tr("Eine Änderung vom Server abgelehnt: {reasons}"),
                                tr("{count} Änderungen vom Server abgelehnt: {reasons}"),
                                reasons="; ".join(reasons) + (" …" if more > 0 else "")))
        held = sum(len(uuids) for uuids in self.hold_back.values())
        if held:
            parts.append(plural(held, tr("Ein Objekt wegen eines Fehlers nicht gesendet (siehe Liste „Probleme“)."),
                                tr("{count} Objekte wegen Fehlern nicht gesendet (siehe Liste „Probleme“).")))
        if last.clashes_unresolved:
            parts.append(plural(len(last.clashes_unresolved),
                                tr("Ein Konflikt ist noch offen; der lokale Wert bleibt erhalten und wird beim "
                                   "nächsten Synchronisieren erneut abgeglichen."),
                                tr("{count} Konflikte sind noch offen; die lokalen Werte bleiben erhalten und werden "
                                   "beim nächsten Synchronisieren erneut abgeglichen.")))
        if self.reference_error is not None:
            parts.append(tr("Gemeindegebiete und Kategorien konnten nicht aktualisiert werden: {error}")
                         .format(error=self.reference_error))
        attention = held or rejected or gone
        level = Qgis.MessageLevel.Success if last.ok and not attention else Qgis.MessageLevel.Warning
        return " ".join(parts), level

    def _layer_title(self, name: str) -> str:
        return layer_title(self.workcopy.schema(name) if self.workcopy.has_layer(name) else None, name)

    def _show_report(self) -> None:
        text, level = self.summary()
        duration = 10 if level == Qgis.MessageLevel.Success else 0
        push_message(self.iface, text, level, duration)
        has_refusals = any(self.workcopy.refusals(layer) for layer in self.workcopy.layer_names())
        if self.problems or has_refusals:
            dock = self.problems_dock()
            dock.show_problems(self.workcopy, self.problems, include_refusals=True)
            dock.show()
            dock.raise_()
